/*
 * kind.c - weigh a message's signs into its kind (see kind.h).
 *
 * One line of the table is one sign: the fact, the kind it speaks for and
 * its weight (negative: it speaks against), and how many times it may
 * count. Every kind's score is the sum of its lines; the highest wins
 * when it reaches KIND_SURE and beats what speaks for ordinary mail (a
 * list post, a person's reply). Ties go to the kind listed first in
 * order[] below: the report types before the letters.
 *
 * The weights: a report part or a refusal's own field (8-14) names its
 * kind alone; a format's fields or header field written only by that kind
 * of software (5-7) nearly so; a sender's role, a subject or a phrase
 * (1-4) only with another sign. So no single weak sign makes a kind, and
 * no single sign unmakes one: a delivery-status part (7) still loses to a
 * challenge system's words and its "this is not a delivery failure".
 */
#include <stddef.h>

#include "anatomy/anatomy.h"
#include "anatomy/kind.h"

/* Below this no kind is sure enough: the message is ordinary mail. */
#define KIND_SURE	4

struct sign {
	const char	*name;
	size_t		 fact;		/* offsetof(struct kind_facts, ...) */
	enum kind	 kind;		/* KIND_NONE: speaks for ordinary mail */
	int		 weight;
	int		 cap;		/* counts at most this many times */
};

#define F(x)	offsetof(struct kind_facts, x)

static const struct sign signs[] = {
	/* the header */
	{ "auto-reply field",	F(autoreply_header),	KIND_AUTOREPLY,	6, 1 },
	{ "auto-reply field",	F(autoreply_header),	KIND_CHALLENGE,	2, 1 },
	{ "auto-reply field",	F(autoreply_header),	KIND_NOTICE,	1, 1 },
	{ "refusal field",	F(rejected_header),	KIND_BOUNCE,	8, 1 },
	{ "machine field",	F(machine_header),	KIND_AUTOREPLY,	1, 1 },
	{ "machine field",	F(machine_header),	KIND_CHALLENGE,	1, 1 },
	{ "machine field",	F(machine_header),	KIND_NOTICE,	1, 1 },
	{ "machine field",	F(machine_header),	KIND_BOUNCE,	1, 1 },
	{ "list fields",	F(list_header),		KIND_NONE,	5, 1 },
	{ "list sender",	F(list_sender),		KIND_NONE,	2, 1 },
	{ "a digest",		F(digest),		KIND_NONE,	8, 1 },
	{ "a calendar's",	F(calendar),		KIND_NONE,	6, 1 },
	{ "to several",		F(several),		KIND_NONE,	2, 1 },
	{ "to its sender",	F(self_addressed),	KIND_NONE,	3, 1 },
	/* an answer goes to whom it answers, never to its own writer: a
	 * letter of absence sent to oneself, the others in Bcc, is a
	 * person's announcement */
	{ "to its sender",	F(self_addressed),	KIND_AUTOREPLY,	-6, 1 },
	{ "challenge field",	F(challenge_header),	KIND_CHALLENGE,	10, 1 },
	{ "failed recipients",	F(failed_recipients),	KIND_BOUNCE,	6, 1 },
	{ "mail system",	F(daemon),		KIND_BOUNCE,	3, 1 },
	{ "mail system",	F(daemon),		KIND_NOTICE,	1, 1 },
	{ "mail system sender",	F(daemon_sender),	KIND_BOUNCE,	1, 1 },
	/* a mail program's User-Agent: a person wrote it, even at a mail
	 * system's address (a postmaster's letter); read receipts and
	 * template replies are weighed by their own signs. Auto-replies
	 * come from servers and scripts (vacation(1), Sieve, Exim), which
	 * write no User-Agent: a person's "Re: ... / Abwesenheitsnotiz"
	 * names the answer it answers, a client's rule has marks of its own
	 * (Auto-Submitted, an absence subject and text) */
	{ "a mail client",	F(mail_client),		KIND_NONE,	4, 1 },
	{ "a mail client",	F(mail_client),		KIND_BOUNCE,	-4, 1 },
	{ "a mail client",	F(mail_client),		KIND_AUTOREPLY,	-4, 1 },
	{ "a mail client",	F(mail_client),		KIND_CHALLENGE,	-8, 1 },
	{ "a mail client",	F(mail_client),		KIND_NOTICE,	-8, 1 },
	{ "null sender",	F(null_sender),		KIND_BOUNCE,	1, 1 },
	{ "null sender",	F(null_sender),		KIND_AUTOREPLY,	1, 1 },
	{ "null sender",	F(null_sender),		KIND_CHALLENGE,	1, 1 },
	{ "null sender",	F(null_sender),		KIND_NOTICE,	1, 1 },
	{ "content filter",	F(filter_from),		KIND_NOTICE,	2, 1 },
	{ "unsubscribe",	F(unsubscribe),		KIND_FEEDBACK,	12, 1 },
	{ "answers",		F(answers),		KIND_AUTOREPLY,	1, 1 },
	{ "answers",		F(answers),		KIND_CHALLENGE,	1, 1 },
	{ "subject echoed",	F(echo),		KIND_AUTOREPLY,	2, 1 },
	{ "bounce subject",	F(subject_bounce),	KIND_BOUNCE,	3, 1 },
	{ "bounce subject",	F(subject_bounce_weak),	KIND_BOUNCE,	1, 1 },
	{ "auto-reply subject",	F(subject_autoreply),	KIND_AUTOREPLY,	4, 1 },
	{ "command results",	F(subject_commands),	KIND_AUTOREPLY,	4, 1 },
	{ "absence subject",	F(subject_autoreply_weak), KIND_AUTOREPLY, 2, 1 },
	{ "absence wraps a subject", F(absence_wraps), KIND_AUTOREPLY, 2, 1 },
	{ "ticket subject",	F(subject_ticket),	KIND_AUTOREPLY,	3, 1 },
	{ "challenge subject",	F(subject_challenge),	KIND_CHALLENGE,	1, 1 },
	{ "notice subject",	F(subject_notice),	KIND_NOTICE,	1, 1 },
	/* Postfix's copy of a bounce or a delay warning for its
	 * postmaster: what the mail system tells its own administrator
	 * about someone else's mail, whatever report it holds, answers
	 * nothing we sent */
	{ "to its postmaster",	F(subject_postmaster),	KIND_NONE,	30, 1 },
	/* what a job printed, mailed by cron: its words are the job's
	 * (a report about auto-replies or bounces), no answer to anyone */
	{ "a job's output",	F(cron),		KIND_NONE,	12, 1 },
	/* a list's mail to its owner ("list-owner@", with the list's
	 * fields): a bounce it could not read, a member disabled, a post to
	 * moderate, with what it is about attached; the list tells its
	 * administrator, it answers nothing anyone sent */
	{ "to a list's owner",	F(to_list_owner),	KIND_NONE,	30, 1 },
	/* a filter's digest of the mail it holds for the recipient (a
	 * quarantine report): it lists spam, no answer to anyone's */
	{ "a quarantine digest", F(quarantine_digest),	KIND_NONE,	16, 1 },
	{ "receipt subject",	F(subject_mdn),		KIND_MDN,	2, 1 },
	{ "abuse subject",	F(subject_feedback),	KIND_FEEDBACK,	1, 1 },
	{ "names a mailbox",	F(subject_mailbox),	KIND_BOUNCE,	1, 1 },
	{ "names a mailbox",	F(subject_mailbox),	KIND_NOTICE,	1, 1 },
	{ "a reply",		F(subject_reply),	KIND_NONE,	2, 1 },
	{ "a machine's reply",	F(machine_reply),	KIND_AUTOREPLY,	1, 1 },
	{ "answers no message",	F(unthreaded_reply),	KIND_AUTOREPLY,	2, 1 },
	{ "a person",		F(person),		KIND_NONE,	3, 1 },
	/* people write auto-replies (vacation(1) sends as its user), not
	 * filter notices, challenges or bounces */
	{ "a person",		F(person),		KIND_NOTICE,	-8, 1 },
	{ "a person",		F(person),		KIND_CHALLENGE,	-4, 1 },
	{ "a person",		F(person),		KIND_BOUNCE,	-3, 1 },
	/* the structure */
	{ "delivery status",	F(dsn),			KIND_BOUNCE,	7, 1 },
	{ "disposition",	F(mdn),			KIND_MDN,	10, 1 },
	{ "refused by a filter", F(mdn_rejected),	KIND_BOUNCE,	14, 1 },
	{ "feedback report",	F(feedback),		KIND_FEEDBACK,	14, 1 },
	{ "abuse report",	F(feedback_wrapped),	KIND_FEEDBACK,	6, 1 },
	{ "returned original",	F(original),		KIND_BOUNCE,	1, 1 },
	{ "returned original",	F(original),		KIND_NOTICE,	1, 1 },
	{ "returned original",	F(original),		KIND_CHALLENGE,	1, 1 },
	/* the format readers */
	{ "bounce format",	F(reader_bounce),	KIND_BOUNCE,	5, 1 },
	{ "feedback format",	F(reader_feedback),	KIND_FEEDBACK,	10, 1 },
	/* the words */
	{ "failure words",	F(failed_words),	KIND_BOUNCE,	1, 2 },
	{ "fails a named mailbox", F(mailbox_failed),	KIND_BOUNCE,	4, 1 },
	{ "not a failure",	F(not_failure),		KIND_BOUNCE,	-8, 1 },
	{ "absence words",	F(autoreply_words),	KIND_AUTOREPLY,	1, 2 },
	{ "request received",	F(ticket_words),	KIND_AUTOREPLY,	2, 2 },
	{ "an issue opened",	F(ticket_opened),	KIND_AUTOREPLY,	4, 1 },
	/* a letter of absence or a ticket's words, addressed to the name a
	 * bot forged with our address: a client's or a flow's rule answered
	 * it, as people do not answer spam with their holidays */
	{ "answers a forged name", F(answers_forged),	KIND_AUTOREPLY,	6, 1 },
	/* absence in a message with no Subject field: vacation(1) sending
	 * a .vacation.msg of body text only; a person's mail program writes
	 * a Subject, even an empty one */
	{ "a program's absence", F(program_absence),	KIND_AUTOREPLY,	4, 1 },
	{ "receipt words",	F(receipt_words),	KIND_MDN,	2, 2 },
	{ "challenge system",	F(challenge_system),	KIND_CHALLENGE,	3, 2 },
	{ "challenge words",	F(challenge_words),	KIND_CHALLENGE,	3, 4 },
	{ "filter words",	F(notice_words),	KIND_NOTICE,	5, 3 },
	/* a mailbox's Sieve script telling the sender, by a notify mailto
	 * (Auto-Submitted: auto-notified, RFC 5436), that it did not take
	 * the message or threw it away: the filter's decision on policy,
	 * no report of a mail system, whatever its From ("Postmaster")
	 * and subject ("Message not delivered") say: no mail system writes
	 * auto-notified */
	{ "a notify of refusal", F(notify_refused),	KIND_NOTICE,	5, 1 },
	{ "a notify of refusal", F(notify_refused),	KIND_BOUNCE,	-8, 1 },
	{ "filter's report",	F(filter_report),	KIND_NOTICE,	10, 1 },
	{ "spam refused",	F(spam_block),		KIND_NOTICE,	3, 2 },
	{ "threat and action",	F(threat_action),	KIND_NOTICE,	3, 1 },
	{ "refusal words",	F(reject_words),	KIND_BOUNCE,	2, 1 },
	{ "a server refused",	F(smtp_refusal),	KIND_BOUNCE,	2, 1 },
	{ "a list refuses",	F(list_refusal),	KIND_BOUNCE,	8, 1 },
	{ "a list holds",	F(list_hold),		KIND_NOTICE,	8, 1 },
	{ "moderation request",	F(list_moderate),	KIND_NONE,	12, 1 },
	/* Mailman's "-confirm+TOKEN@" From: reply to confirm, as a
	 * challenge asks (a join or a post someone made in our name) */
	{ "a list asks to confirm", F(list_confirm),	KIND_CHALLENGE,	5, 1 },
	/* a list's command address ("-request@") answering a message (its
	 * In-Reply-To, and "Re:" or a machine's field such as X-Loop), with
	 * none of a post's list fields: its robot's help text or command
	 * results, an automatic answer */
	{ "a list robot answers", F(list_robot_reply),	KIND_AUTOREPLY,	3, 1 },
	/* a list manager that names itself at the head of what it writes
	 * (mlmmj: "Hi, this is the Mlmmj program managing the <...>
	 * mailing list") writes to a person only to answer: a command's
	 * result or help, unless its refusal, hold or request to confirm
	 * says more */
	{ "a list's program",	F(list_program),	KIND_AUTOREPLY,	4, 1 },
	/* a "Re:" whose own few lines are a letter of absence, greeting
	 * no one by name, written by no mail program that names itself
	 * (User-Agent): a client's or a server's rule answering in its
	 * user's name (Outlook, Domino, GroupWise), with no field that says
	 * so */
	{ "absence letter",	F(absence_letter),	KIND_AUTOREPLY,	3, 1 },
	/* "Dear customer," "Sehr geehrte Damen und Herren,": a template
	 * greets no one in particular (and is no person: person_wrote) */
	{ "greets no one",	F(greets_no_one),	KIND_AUTOREPLY,	1, 1 },
	{ "recipients",		F(recipients),		KIND_BOUNCE,	1, 1 },
	{ "nothing returned",	F(nothing_returned),	KIND_BOUNCE,	-3, 1 },
};

#undef F

enum kind
kind_weigh(const struct kind_facts *f, int scores_r[7])
{
	static const enum kind order[] = {
		KIND_FEEDBACK, KIND_MDN, KIND_BOUNCE, KIND_CHALLENGE,
		KIND_NOTICE, KIND_AUTOREPLY
	};
	int		 score[7] = { 0 };
	size_t		 i;
	enum kind	 best = KIND_NONE;
	int		 v;

	for (i = 0; i < sizeof(signs) / sizeof(signs[0]); i++) {
		v = *(const int *)(const void *)((const char *)f + signs[i].fact);
		if (v <= 0)
			continue;
		if (v > signs[i].cap)
			v = signs[i].cap;
		score[signs[i].kind] += v * signs[i].weight;
	}
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (best == KIND_NONE || score[order[i]] > score[best])
			best = order[i];
	if (score[best] < KIND_SURE || score[best] <= score[KIND_NONE])
		best = KIND_NONE;
	if (scores_r != NULL)
		for (i = 0; i < 7; i++)
			scores_r[i] = score[i];
	return best;
}
