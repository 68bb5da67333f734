/*
 * reader_signature.c - MTAs whose bounces differ mainly in wording: name
 * the format from the words each one always writes, and read recipients
 * with the generic reader. A format needing more gets a file of its own.
 */
#include <string.h>
#include <strings.h>

#include "anatomy/anatomy.h"
#include "anatomy/readers.h"

static const struct {
	const char	*format;
	const char	*where;		/* "t" text, "f" From, "s" subject */
	const char	*words;
} signatures[] = {
	{ "postfix",	"t", "this is the mail system at host" },
	{ "postfix",	"t", "the postfix program" },
	{ "postfix",	"t", "(postfix)" },
	{ "sendmail",	"t", "the following addresses had permanent fatal errors" },
	{ "sendmail",	"t", "----- transcript of session follows -----" },
	{ "sendmail",	"f", "mail delivery subsystem" },
	{ "exchange",	"t", "delivery has failed to these recipients" },
	{ "exchange",	"t", "microsoft exchange" },
	{ "exchange",	"t", "the following recipient(s) cannot be reached" },
	{ "exchange",	"t", "your message did not reach some or all" },
	{ "office365",	"t", "office 365" },
	{ "office365",	"t", "outlook.com" },
	{ "gmail",	"t", "delivery to the following recipient failed" },
	{ "gmail",	"t", "the response from the remote server was" },
	{ "gmail",	"f", "googlemail.com" },
	{ "yahoo",	"t", "sorry, we were unable to deliver your message" },
	{ "courier",	"t", "this is a delivery status notification from" },
	{ "courier",	"t", "courier mail server" },
	{ "opensmtpd",	"t", "this is the mailer-daemon, please do not reply" },
	{ "domino",	"t", "was not delivered to:" },
	{ "domino",	"t", "lotus" },
	{ "amazonses",	"t", "amazonses.com" },
	{ "amazonses",	"f", "amazonses.com" },
	{ "messagingserver", "t", "this report relates to a message you sent" },
	{ "mailru",	"f", "mail.ru" },
	{ "gmx",	"t", "gmx" },
	{ "dragonfly",	"t", "dragonfly mail agent" },
	{ "mcafee",	"t", "mcafee" },
	{ "imailserver", "t", "imail" },
	{ "v5sendmail",	"t", "----- unsent message follows -----" },
};

static int
matches(const struct reader_input *in, int k)
{
	const char	*hay = signatures[k].where[0] == 'f' ? in->from :
	    signatures[k].where[0] == 's' ? in->subject : in->ltext;

	return hay != NULL && strstr(hay, signatures[k].words) != NULL;
}

static int
signature_match(const struct analysis *an, const struct reader_input *in)
{
	size_t	 k;

	for (k = 0; k < sizeof(signatures) / sizeof(signatures[0]); k++)
		if (matches(in, (int)k))
			return 4;
	return 0;
}

static int
signature_parse(struct analysis *an, struct arena *a,
    const struct reader_input *in)
{
	size_t	 k;

	for (k = 0; k < sizeof(signatures) / sizeof(signatures[0]); k++)
		if (matches(in, (int)k)) {
			an->format = signatures[k].format;
			break;
		}
	if (an->nrecipients == 0)
		reader_generic_parse(an, a, in);
	else
		reader_alias_notes(an, a, in);
	if (an->kind == KIND_NONE && an->nrecipients > 0)
		an->kind = KIND_BOUNCE;
	return 0;
}

int
reader_signature_format(const char *name)
{
	size_t	 k;

	for (k = 0; k < sizeof(signatures) / sizeof(signatures[0]); k++)
		if (strcasecmp(signatures[k].format, name) == 0)
			return 1;
	return 0;
}

const struct reader reader_signature = {
	.name = "signature",
	.match = signature_match,
	.parse = signature_parse,
};
