/*
 * reason.c - bounce reasons from status codes and diagnostic text.
 *
 * A 2.x.x status is "delivered" whatever the text says. Otherwise the
 * text first, in an order where the specific beats the general (a "550
 * 5.7.1 message rejected as spam" is spamdetected, not rejected), then
 * the status code. Phrases are lower-case substrings, the reason-* rows
 * of data/phrases.tsv matched by phrases_any: no regex is needed on this
 * path and none is built from message text.
 */
#include <ctype.h>
#include <stddef.h>
#include <strings.h>
#include <string.h>

#include "anatomy/phrases.h"
#include "anatomy/reason.h"

/* Order matters: the first meaning with a phrase found wins. The phrases
 * are the reason-* rows of data/phrases.tsv. */
static const struct {
	enum phrase_meaning	 meaning;
	const char		*reason;
} sets[] = {
	{ PHRASE_REASON_VIRUSDETECTED,	"virusdetected" },
	{ PHRASE_REASON_SPAMDETECTED,	"spamdetected" },
	{ PHRASE_REASON_MAILBOXFULL,	"mailboxfull" },
	{ PHRASE_REASON_MESGTOOBIG,	"mesgtoobig" },
	{ PHRASE_REASON_USERUNKNOWN,	"userunknown" },
	{ PHRASE_REASON_HOSTUNKNOWN,	"hostunknown" },
	{ PHRASE_REASON_NORELAYING,	"norelaying" },
	{ PHRASE_REASON_SUSPEND,	"suspend" },
	{ PHRASE_REASON_EXPIRED,	"expired" },
	{ PHRASE_REASON_BLOCKED,	"blocked" },
	{ PHRASE_REASON_FILTERED,	"filtered" },
	{ PHRASE_REASON_NETWORKERROR,	"networkerror" },
	{ PHRASE_REASON_SYSTEMERROR,	"systemerror" },
};

static const struct {
	const char	*code;
	const char	*reason;
} codes[] = {
	{ "5.1.1", "userunknown" }, { "5.1.0", "userunknown" },
	{ "5.1.6", "hasmoved" }, { "5.1.2", "hostunknown" },
	{ "5.4.4", "hostunknown" }, { "5.2.2", "mailboxfull" },
	{ "4.2.2", "mailboxfull" }, { "5.2.1", "suspend" },
	{ "5.3.4", "mesgtoobig" }, { "5.2.3", "mesgtoobig" },
	{ "5.7.1", "rejected" }, { "4.4.7", "expired" }, { "5.4.7", "expired" },
	{ "5.7.0", "securityerror" }, { "5.4.6", "networkerror" },
	{ "5.3.0", "systemerror" }, { "5.7.26", "authfailure" },
	{ "5.7.23", "authfailure" }, { "5.1.3", "userunknown" },
	{ "5.5.0", "userunknown" }, { "5.4.1", "userunknown" },
	{ "5.7.9", "securityerror" }, { "5.4.14", "networkerror" },
	{ "5.7.606", "blocked" }, { "5.1.10", "userunknown" },
};

int
reason_known(const char *name)
{
	static const char *const more[] = { "delivered", "expired",
	    "undefined" };
	size_t	 k;

	for (k = 0; k < sizeof(sets) / sizeof(sets[0]); k++)
		if (strcasecmp(sets[k].reason, name) == 0)
			return 1;
	for (k = 0; k < sizeof(codes) / sizeof(codes[0]); k++)
		if (strcasecmp(codes[k].reason, name) == 0)
			return 1;
	for (k = 0; k < sizeof(more) / sizeof(more[0]); k++)
		if (strcasecmp(more[k], name) == 0)
			return 1;
	return 0;
}

const char *
reason_classify(const char *status, const char *text)
{
	char		 low[2048];
	size_t		 i, k;

	if (status != NULL && status[0] == '2')
		return "delivered";
	if (text != NULL && *text != '\0') {
		for (i = 0; text[i] && i < sizeof(low) - 1; i++)
			low[i] = (char)tolower((unsigned char)text[i]);
		low[i] = '\0';
		/* the first meaning in the order above wins: "spam"
		 * anywhere in a user-unknown line (a remote's anti-spam
		 * signature) makes it spamdetected */
		for (k = 0; k < sizeof(sets) / sizeof(sets[0]); k++)
			if (phrases_any(sets[k].meaning, low))
				return sets[k].reason;
	}
	if (status != NULL)
		for (k = 0; k < sizeof(codes) / sizeof(codes[0]); k++)
			if (strcmp(codes[k].code, status) == 0)
				return codes[k].reason;
	if (status != NULL && status[0] == '4')
		return "expired";
	if (status != NULL && status[0] == '5')
		return "undefined";
	return NULL;
}
