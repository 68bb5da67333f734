/*
 * phrases.h - the words that say what a message is, as data.
 *
 * Every phrase the anatomy looks for (in a sender's name, a subject, a
 * report's prose) is one line of data/phrases.tsv: its meaning, its
 * language and the phrase, lower case. tools/phrases2c.sh turns the table
 * into phrase_table at build time; the one helper here matches a meaning's
 * phrases against lower-cased text (signs_lowered folds ASCII, Latin and
 * Cyrillic letters, so a phrase written in lower case matches any case);
 * a phrase with marks is in the table written plain too, for text typed
 * without them (tools/phrases2c.sh).
 */
#ifndef BS_PHRASES_H
#define BS_PHRASES_H

#include <stddef.h>

/* What a phrase means; each is a "meaning" column value of the table,
 * upper-cased with '-' as '_'. */
enum phrase_meaning {
	PHRASE_NONE,
	PHRASE_DAEMON,		/* a mail system's name (From, Sender) */
	PHRASE_NOREPLY,		/* a machine's address that is no mail system */
	PHRASE_LIST_ROLE,	/* a mailing list's own address (Sender) */
	PHRASE_LIST_COMMAND,	/* a list's command address (From): the
				   list's own only with the list's fields */
	PHRASE_FILTER,		/* a content filter's name (From) */
	PHRASE_FILTER_PRODUCT,	/* a filter product's name (a report's
				   prose) */
	PHRASE_BOUNCE_SUBJECT,	/* a subject saying delivery failed */
	PHRASE_BOUNCE_SUBJECT_WEAK,	/* words that also title other mail */
	PHRASE_FAILED,		/* prose saying delivery failed */
	PHRASE_FAILED_WEAK,
	PHRASE_NOT_FAILURE,	/* prose saying it is no failure */
	PHRASE_FEEDBACK_SUBJECT,
	PHRASE_AUTOREPLY_SUBJECT,	/* "automatic reply" */
	PHRASE_COMMAND_SUBJECT,	/* "the results of your commands": a list
				   server answering the commands it got */
	PHRASE_ABSENCE_SUBJECT,	/* "out of office": people write it too */
	PHRASE_AUTOREPLY_BODY,	/* "I am out of the office until" */
	PHRASE_TICKET,		/* "we received your request" */
	PHRASE_TICKET_OPENED,	/* "Issue #8 has been reported by": a
				   tracker telling an issue's author */
	PHRASE_CHALLENGE_SUBJECT,	/* words that open the gate */
	PHRASE_CHALLENGE_SYSTEM,	/* a challenge system's name */
	PHRASE_CHALLENGE_WORDS,	/* "confirm you are human" */
	PHRASE_NOTICE_SUBJECT,
	PHRASE_NOTICE_WORDS,	/* "our content checker found" */
	PHRASE_SPAM_BLOCK,	/* "blocked by our spam filter" */
	PHRASE_THREAT,		/* what a filter found */
	PHRASE_FILTER_ACTION,	/* what the filter did with it */
	PHRASE_MDN_SUBJECT,	/* "read receipt": anywhere in a subject */
	PHRASE_MDN_PREFIX,	/* "read:", "not read:": a subject that
				   starts so */
	PHRASE_MDN_BODY,	/* "was received by" (a plain-text receipt) */
	PHRASE_REJECT,		/* a Sieve or LDA refusal */
	PHRASE_LIST_HOLD,	/* a list holds a post for its moderator */
	PHRASE_LIST_MODERATE,	/* ... and asks the moderator to approve it */
	PHRASE_LIST_CONFIRM,	/* a list's address that takes a reply to
				   confirm (From): its request to confirm */
	PHRASE_LIST_PROGRAM,	/* a list manager names itself: its answer */
	PHRASE_SENT_SPAM,	/* "you sent spam", "your message was spam" */
	PHRASE_ORIGINAL_MARKER,	/* "a copy of the message follows" */
	PHRASE_ORIGINAL_SEPARATOR,	/* a line of its own: the original
					   follows it */
	PHRASE_RECIPIENT_LEAD,	/* "delivery to", "unknown user": a failed
				   recipient is named here */
	PHRASE_SENDER_LEAD,	/* "came from the address": the sender's
				   address follows, no failure */
	PHRASE_SENDER_RIGHTS,	/* "has no right to": the address before it
				   is who sent, refused a right */
	PHRASE_ROLE_ADDRESS,	/* "postmaster@": never a failed recipient */
	PHRASE_HELP,		/* "please contact", "for more information" */
	PHRASE_RECIPIENT_ALIAS,	/* "(expanded from": the address written */
	PHRASE_REPLY_PREFIX,	/* "re:", "aw:": a subject that starts so */
	PHRASE_FORWARD_PREFIX,	/* "fwd:", "wg:": a subject that starts so */
	PHRASE_POSTMASTER_SUBJECT,	/* a mail system's copy of a report
				   for its own postmaster ("postmaster copy:") */
	PHRASE_QUARANTINE_DIGEST,	/* a filter's list, for a recipient,
				   of mail to them it holds ("quarantine
				   report"), in the subject or the text */
	/* a greeting to no one in particular ("dear customer", "sehr
	 * geehrte damen und herren"), at the head of a letter: a
	 * template's, as a person answering greets whom they answer */
	PHRASE_SALUTATION_GENERIC,
	/* the names of a mail program's quote header in the reader's
	 * language ("von:", "envoyé:"), blanks before the colon dropped:
	 * the field each stands for (original.c) */
	PHRASE_QUOTE_FROM,
	PHRASE_QUOTE_TO,
	PHRASE_QUOTE_DATE,
	PHRASE_QUOTE_SUBJECT,
	/* a bounce's reason, from its diagnostic text (reason.c reads them
	 * in this order, the specific before the general) */
	PHRASE_REASON_VIRUSDETECTED,
	PHRASE_REASON_SPAMDETECTED,
	PHRASE_REASON_MAILBOXFULL,
	PHRASE_REASON_MESGTOOBIG,
	PHRASE_REASON_USERUNKNOWN,
	PHRASE_REASON_HOSTUNKNOWN,
	PHRASE_REASON_NORELAYING,
	PHRASE_REASON_SUSPEND,
	PHRASE_REASON_EXPIRED,
	PHRASE_REASON_BLOCKED,
	PHRASE_REASON_FILTERED,
	PHRASE_REASON_NETWORKERROR,
	PHRASE_REASON_SYSTEMERROR,
	PHRASE_MEANINGS		/* how many there are (no phrase) */
};

/*
 * A row of the table. It holds no pointer: the text is an offset into
 * phrase_strings, so the table is read-only data the loader never
 * relocates (1,600 rows of pointers were a dozen pages every process
 * copied and wrote at start, a plain message's too).
 */
struct phrase {
	unsigned short		 meaning;	/* enum phrase_meaning */
	char			 lang[3];	/* ISO 639-1, or "-" for names */
	unsigned short		 len;
	unsigned int		 text;		/* in phrase_strings */
};

/* The table, grouped by meaning, ended by a PHRASE_NONE row, and the
 * texts its rows name, each ended by a NUL (generated). */
extern const struct phrase phrase_table[];
extern const char phrase_strings[];

/* The text of a row: lower case, NUL-ended. */
static inline const char *
phrase_text(const struct phrase *p)
{
	return phrase_strings + p->text;
}
extern const int phrase_count;
/* [phrase_first[m], phrase_end[m]) are meaning m's rows (generated; 0, 0
 * for a meaning with none). */
extern const int phrase_first[PHRASE_MEANINGS];
extern const int phrase_end[PHRASE_MEANINGS];

/* The first phrase of meaning m found in lower-case text, or NULL (also
 * for NULL text). */
const struct phrase *phrases_find(enum phrase_meaning m, const char *text);
/* 1 when text holds any phrase of meaning m. */
int	 phrases_any(enum phrase_meaning m, const char *text);
/* How many distinct phrases of meaning m text holds. */
int	 phrases_count(enum phrase_meaning m, const char *text);
/* How many distinct phrases of meaning m either text holds: a phrase a
 * subject and its text both say counts once (either may be NULL). */
int	 phrases_count2(enum phrase_meaning m, const char *a, const char *b);
/* 1 when text starts with a phrase of meaning m (a subject's prefix). */
int	 phrases_starts(enum phrase_meaning m, const char *text);
/* The length of the longest phrase of meaning m text starts with, or 0. */
size_t	 phrases_lead(enum phrase_meaning m, const char *text);
/* 1 when text is a phrase of meaning m, whole. */
int	 phrases_exact(enum phrase_meaning m, const char *text);

#endif
