/*
 * reader_notice.c - content filters telling the "sender" that a message
 * was quarantined or refused as spam or a virus (Amavis, ClamAV notices,
 * MailMarshal, SurfControl, corporate gateways). Not a DSN: a letter.
 */
#include <string.h>

#include "anatomy/anatomy.h"
#include "anatomy/phrases.h"
#include "anatomy/readers.h"

/*
 * A notice is written by a machine: it comes with the null sender, marks
 * itself Auto-Submitted, is signed by a mail system or its From names a
 * content filter. A person's letter that says "rejected as spam" is not
 * one.
 */
static int
notice_match(const struct analysis *an, const struct reader_input *in)
{
	if ((an->kind != KIND_NONE && an->kind != KIND_AUTOREPLY) ||
	    in->has_dsn || !in->machine)
		return 0;
	if ((phrases_any(PHRASE_THREAT, in->subject) ||
	    phrases_any(PHRASE_THREAT, in->ltext)) &&
	    phrases_any(PHRASE_FILTER_ACTION, in->ltext))
		return 5;	/* above auto-reply headers and MTA names */
	return 0;
}

static int
notice_parse(struct analysis *an, struct arena *a,
    const struct reader_input *in)
{
	/* A bounce that also names the failed recipients stays a bounce:
	 * the generic reader decides by finding them. */
	reader_generic_parse_strict(an, a, in);
	if (an->nrecipients == 0)
		an->kind = KIND_NOTICE;
	else
		an->kind = KIND_BOUNCE;
	return 0;
}

const struct reader reader_notice = {
	.name = "notice",
	.match = notice_match,
	.parse = notice_parse,
};
