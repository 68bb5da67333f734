/*
 * kind.h - the kind of a message, from all its signs weighed together.
 *
 * anatomy.c gathers what the header, the report's structure, the format
 * readers and the words say into a struct kind_facts; kind_weigh adds each
 * fact's weight to the kinds it speaks for (a table in kind.c, one line a
 * sign) and names the kind with the most. No sign decides alone: a mail
 * system's name in Sender, a "bounces" list address or a delivery-status
 * part only add to a kind, and what the words say can outweigh them.
 */
#ifndef BS_KIND_H
#define BS_KIND_H

#include "anatomy/anatomy.h"

/* Each fact is 0 when absent, else how often or how strongly it is seen. */
struct kind_facts {
	/* the header */
	int	 autoreply_header;	/* RFC 3834 auto-replied, X-Autoreply,
					   X-Autorespond, X-Vacation, ... */
	int	 rejected_header;	/* Auto-Submitted: auto-replied (rejected) */
	int	 machine_header;	/* Auto-Submitted (other values),
					   Precedence bulk/junk, X-Loop,
					   X-Auto-Response-Suppress */
	int	 list_header;		/* List-Id, List-Post, List-Unsubscribe,
					   Mailing-List, Precedence: list */
	int	 list_sender;		/* Sender or Return-Path of a list */
	int	 digest;		/* a multipart/digest part: a list's
					   digest of posts */
	int	 calendar;		/* a text/calendar part */
	int	 several;		/* To and Cc name two or more */
	int	 self_addressed;	/* From is among To */
	int	 challenge_header;
	int	 failed_recipients;	/* X-Failed-Recipients */
	int	 daemon;		/* From names a mail system */
	int	 daemon_sender;		/* only Sender or the From_ line does */
	int	 mail_client;		/* a person's mail program wrote it
				   (User-Agent) */
	int	 null_sender;
	int	 filter_from;		/* From names a content filter */
	int	 noreply_from;
	int	 amazon;
	int	 unsubscribe;		/* X-Apple-Unsubscribe */
	int	 answers;		/* In-Reply-To or References */
	int	 echo;			/* the prose repeats the subject after
					   its prefix: a filled-in template */
	int	 subject_bounce;
	int	 subject_bounce_weak;
	int	 subject_autoreply;
	int	 subject_commands;	/* a list server's command results */
	int	 subject_autoreply_weak;
	int	 absence_wraps;		/* "Out of office: <their subject>" */
	int	 subject_ticket;
	int	 subject_challenge;
	int	 subject_notice;
	int	 subject_postmaster;	/* a copy for the mail system's own
					   postmaster of a report to others */
	int	 cron;			/* a job's output, mailed by cron */
	int	 to_list_owner;		/* a list's notice to its owner */
	int	 quarantine_digest;	/* a filter's digest of the mail
					   it holds for the recipient */
	int	 subject_mdn;
	int	 subject_feedback;
	int	 subject_reply;		/* "Re:" and nothing automatic */
	int	 machine_reply;		/* "Re:" under a machine's field: a
					   responder's (RFC 3834 3.1.5) */
	int	 unthreaded_reply;	/* "Re:" answering no Message-ID: as
					   responders and templates answer */
	int	 subject_mailbox;	/* the subject names where a message
					   went: another domain's mailbox */
	int	 person;		/* no sign of a machine at all: no
					   automatic field, sender or report */
	/* the structure */
	int	 dsn;			/* delivery-status fields were read */
	int	 mdn;			/* a disposition-notification part */
	int	 mdn_rejected;		/* ... saying "deleted" by automatic
					   action: a Sieve or LDA refusal */
	int	 feedback;		/* a feedback-report part or type */
	int	 feedback_wrapped;	/* an abuse subject over a message */
	int	 original;		/* a returned original was found */
	/* the format readers */
	int	 reader_bounce;		/* a bounce format named recipients */
	int	 reader_feedback;
	/* the words (prose before any original) */
	int	 failed_words;
	int	 mailbox_failed;	/* ... and the subject names the mailbox
					   it failed for: a report on that one
					   message, whoever wrote it */
	int	 not_failure;		/* "this is not a delivery failure" */
	int	 autoreply_words;
	int	 receipt_words;		/* a read receipt written as text */
	int	 ticket_words;
	int	 ticket_opened;		/* a tracker: "Issue #8 has been reported
					   by", to the author of the mail that
					   opened it */
	int	 program_absence;	/* absence words in a message with no
				   Subject field, or handed over by a local
				   program (signs.h program_mail): a
				   program's */
	int	 answers_forged;	/* absence or ticket words, to a name
				   forged with our address or to a
				   Message-ID in a spam tool's shape */
	int	 challenge_system;
	int	 challenge_words;
	int	 notice_words;		/* quarantined, held, a virus found */
	int	 notify_refused;	/* a Sieve notify (auto-notified) saying
					   the message was not delivered or was
					   deleted: a filter's policy notice */
	int	 filter_report;	/* a delivery-status report in a filter's
					   own words, naming no remote MTA */
	int	 spam_block;		/* refused as spam (a letter, not a DSN) */
	int	 threat_action;		/* a threat and what a filter did */
	int	 reject_words;
	int	 smtp_refusal;		/* "550 5.1.1": a server's refusal
					   quoted (dsn_smtp_refusal) */
	int	 list_refusal;		/* a list's own address refuses a post */
	int	 list_hold;		/* ... or holds it for its moderator */
	int	 list_moderate;		/* ... and asks the moderator: owner's mail */
	int	 list_confirm;		/* a list asks us to confirm (a
					   subscription, a post) by reply */
	int	 list_robot_reply;	/* a list's command address answers
					   a message (In-Reply-To) */
	int	 list_program;		/* a list manager names itself in
					   what it writes: its answer */
	int	 greets_no_one;		/* opens with "Dear customer,": a
					   template's greeting */
	int	 absence_letter;	/* a short "Re:" that is all absence:
					   a rule answering in its user's name */
	int	 recipients;		/* recipients the readers found */
	int	 nothing_returned;	/* no recipient, no original: a bounce
					   would name what failed */
};

/* The kind the facts weigh most for, KIND_NONE when none is sure enough;
 * scores_r (may be NULL) gets each kind's total, by enum kind. */
enum kind	 kind_weigh(const struct kind_facts *, int scores_r[7]);

#endif
