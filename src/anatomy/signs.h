/*
 * signs.h - what a message's header says about its kind.
 *
 * signs_read reads the header once into a struct signs; the gate
 * (signs_gate) and the kind (anatomy.c) are decided from it, so a plain
 * message costs its header and nothing more. The predicates match the
 * same word lists against other lower-cased text (a returned original's
 * fields, a bounce's prose).
 */
#ifndef BS_SIGNS_H
#define BS_SIGNS_H

struct arena;
struct message;

/* The header's signs. Strings are lower case, NULL when absent. */
struct signs {
	char	*subject_text;	/* the Subject decoded, as written */
	char	*subject;	/* the same, lower case */
	char	*from;		/* decoded */
	char	*sender;
	char	*return_path;
	char	*content_type;
	int	 daemon;	/* a mail system wrote it (From, Sender, the
				   From_ line), or an automatic sender that
				   writes about a failed delivery */
	int	 daemon_from;	/* ... said by From itself */
	int	 list;		/* a list post: List-Id, List-Post,
				   List-Unsubscribe, Mailing-List,
				   Precedence: list */
	int	 list_post;	/* List-Post: a list one writes to (a
				   tracker's or a shop's has none) */
	int	 list_sender;	/* Sender or Return-Path is a list's own
				   address ("-bounces@", "owner-") */
	int	 list_from;	/* From is a list's own address: the list
				   itself writes (a refusal, a notice) */
	int	 list_self;	/* From is the list whose own address is
				   the envelope or Sender ("x@" with
				   "x-bounce@"): the list writes in its own
				   name */
	int	 challenge_from;	/* From or Return-Path names a
					   challenge system */
	int	 machine;	/* Precedence bulk or junk, X-Loop,
				   X-Auto-Response-Suppress, an answer
				   through a bulk-mail service or from a
				   no-reply address */
	int	 rejected;	/* Auto-Submitted: auto-replied (rejected) */
	int	 notified;	/* Auto-Submitted: auto-notified, a Sieve
				   notify (RFC 5436) */
	int	 answers;	/* In-Reply-To or References */
	int	 noreply_from;	/* From is a no-reply address */
	int	 subject_reply;	/* the subject starts "Re:" */
	int	 ticket_tag;	/* the subject carries a ticket's id in
				   brackets: "[Ticket#2026...]" */
	int	 to_name_foreign;	/* To's display name shares nothing
				   with its address: a name the spam forged */
	int	 no_subject;	/* no Subject field at all: a person's mail
				   program writes one, even empty; vacation(1)
				   with a message of body text only does not */
	int	 program_mail;	/* handed to the mail system by a local
				   program (Postfix "from userid", Exim "with
				   local", Sendmail's Submit), with no MIME
				   field and no mail program's name: how
				   vacation(1) and scripts send */
	int	 answers_spam_id;	/* the Message-ID it answers is in a
				   spam tool's shape (address_spam_shape) */
	char	*mailbox;	/* the mailbox the subject names at another
				   domain than To's (where a message went), or
				   NULL */
	int	 bounce_subject_strong;
	int	 autoreply_subject;	/* "automatic reply" and the like */
	int	 command_subject;	/* a list server's command results */
	int	 absence_subject;	/* "out of office" and the like */
	int	 absence_wraps;	/* ... first, wrapping the subject it
				   answers: "Out of office: <subject>" */
	int	 ticket_subject;
	int	 mdn_subject;
	int	 null_sender;	/* it came with the null sender (bounces, but
				   RFC 3834 replies too) */
	int	 bounce_subject;
	int	 autoreply;	/* 2 by a header field (RFC 3834 and the
				   common others), 1 by the subject alone */
	int	 challenge;	/* a challenge system's header field */
	int	 auto_submitted;	/* Auto-Submitted, any value but "no" */
	int	 failed_recipients;	/* X-Failed-Recipients */
	int	 report_type;	/* a report or message/ Content-Type */
	int	 notice_subject;
	int	 challenge_subject;
	int	 feedback_subject;
	int	 unsubscribe;	/* X-Apple-Unsubscribe */
	int	 amazon;	/* Amazon SES's notification fields */
};

/* Read the signs of msg's (parsed) header. */
void	 signs_read(struct signs *, const struct message *, struct arena *);
/* 1 when any sign says "report" of some kind: the body must be read. */
int	 signs_gate(const struct signs *);
/* 1 when only a local program's handing over (program_mail) opened it. */
int	 signs_program_only(const struct signs *);
/* A "Re:" subject with no In-Reply-To or References, not a ticket's. */
int	 signs_unthreaded_reply(const struct signs *);
/* The list whose envelope or Sender it is, writing in its own name,
 * answering one writer ("Re:", no list fields). */
int	 signs_list_answer(const struct signs *);

/* Does lower-case text name a mail system, say delivery failed in a
 * subject, name a content filter, say delivery failed in prose? */
int	 signs_daemon_name(const char *);
int	 signs_bounce_subject(const char *);
int	 signs_filter_name(const char *);
int	 signs_failed_prose(const char *);

/* A lower-case copy of s in the arena; NULL for NULL. */
char	*signs_lowered(struct arena *, const char *s);
/* 1 when hay (may be NULL) holds any of the NULL-ended needles. */
int	 signs_any(const char *hay, const char *const *needles);

#endif
