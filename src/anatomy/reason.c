/*
 * reason.c - bounce reasons from status codes and diagnostic text.
 *
 * A 2.x.x status is "delivered" whatever the text says. Otherwise the
 * text first, in an order where the specific beats the general (a "550
 * 5.7.1 message rejected as spam" is spamdetected, not rejected), then
 * the status code. Phrases are lower-case substrings: no regex is needed
 * on this path and none is built from message text.
 */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "anatomy/reason.h"

struct phrase_set {
	const char		*reason;
	const char *const	*phrases;
};

static const char *const spam[] = {
	"spam", "blocked by spamassassin", "message looks like spam",
	"considered unsolicited", "unsolicited bulk", "junk mail",
	"bulk mail", "content rejected", "classified as junk",
	"detected as bulk", "high probability of being", "spamhaus",
	"rejected by the recipient's content filter", "uce ", "dnsbl",
	"message content rejected", "this message was blocked because its content",
	NULL
};
static const char *const virus[] = {
	"virus", "malware", "infected", "potentially executable",
	"executable attachment", "dangerous attachment", "trojan", "worm ",
	"banned attachment", "unsafe attachment", "contains an attachment with",
	NULL
};
static const char *const userunknown[] = {
	"user unknown", "unknown user", "no such user", "user not found",
	"recipient unknown", "unknown recipient", "no such recipient",
	"recipient not found", "mailbox unavailable", "mailbox not found",
	"no mailbox", "does not exist", "doesn't exist", "not exist",
	"invalid recipient", "invalid mailbox", "address rejected",
	"unknown address", "unknown local part", "unrouteable address",
	"user doesn't have", "no such mailbox", "account does not exist",
	"recipient address rejected", "bad destination mailbox",
	"mailbox is unknown", "not a valid mailbox", "is not a known user",
	"addressee unknown", "user is unknown", "no account by that name",
	"unknown or illegal alias", "not our customer", "invalid address",
	"no such person", "nosuchuser", "resolver.adr.recipnotfound",
	"recipient rejected", "unknown or invalid", "this user doesn't have",
	"account is unavailable", "user not exist", "undeliverable address",
	"mailbox does not exist", "address does not exist",
	"is not a valid user", "no valid recipients", "couldn't find any host",
	NULL
};
static const char *const mailboxfull[] = {
	"mailbox full", "mailbox is full", "quota exceeded", "over quota",
	"overquota", "exceeded storage", "exceeds quota", "insufficient disk",
	"mailbox size limit", "mail quota", "disk quota", "storage quota",
	"full mailbox", "mailfolder is full", "out of storage", "is over quota",
	"user is over", "maildir over", "exceeded their storage", "mailbox exceeds",
	"quota full", "not enough storage", "would exceed", "too much mail",
	NULL
};
static const char *const hostunknown[] = {
	"host unknown", "unknown host", "host not found", "domain not found",
	"name or service not known", "no such domain", "unrouteable mail domain",
	"domain does not exist", "host or domain name not found",
	"unknown domain", "no mx", "mx record", "domain is not found",
	"hostname lookup failed", "dns error", "invalid domain",
	NULL
};
static const char *const mesgtoobig[] = {
	"message too large", "message too big", "size limit", "message size",
	"exceeds the maximum", "too large", "message is too big",
	"exceeded the size", "message length exceeds",
	NULL
};
static const char *const expired[] = {
	"retry time", "retry timeout", "delivery time expired", "too long",
	"could not be delivered for", "message expired", "expired",
	"timeout waiting", "giving up", "queue too long", "has been delayed",
	"undeliverable for", "was not delivered after", "time limit",
	NULL
};
static const char *const suspend[] = {
	"account disabled", "account has been disabled", "suspended",
	"account is disabled", "inactive", "deactivated", "disabled",
	"not active", "mailbox is disabled", "account expired",
	NULL
};
static const char *const norelaying[] = {
	"relay access denied", "relaying denied", "not permitted to relay",
	"relay not permitted", "unable to relay", "relaying not allowed",
	"we do not relay", "no relaying", "relay denied",
	NULL
};
static const char *const blocked[] = {
	"blocked", "blacklist", "blocklist", "listed", "rbl", "reputation",
	"access denied", "client host rejected", "connection refused",
	"not allowed to send", "reverse dns", "ptr record", "poor reputation",
	NULL
};
static const char *const filtered[] = {
	"filtered", "content filter", "rejected by filter", "policy",
	"refused by", "not accepted", "delivery not authorized",
	NULL
};
static const char *const networkerror[] = {
	"network", "connection timed out", "no route to host",
	"could not connect", "connection reset", "loop", "too many hops",
	NULL
};
static const char *const systemerror[] = {
	"system error", "internal error", "local error", "temporary failure",
	"server error", "configuration error", "mail system error",
	NULL
};

/* Order matters: the first set with a hit wins. */
static const struct phrase_set sets[] = {
	{ "virusdetected",	virus },
	{ "spamdetected",	spam },
	{ "mailboxfull",	mailboxfull },
	{ "mesgtoobig",		mesgtoobig },
	{ "userunknown",	userunknown },
	{ "hostunknown",	hostunknown },
	{ "norelaying",		norelaying },
	{ "suspend",		suspend },
	{ "expired",		expired },
	{ "blocked",		blocked },
	{ "filtered",		filtered },
	{ "networkerror",	networkerror },
	{ "systemerror",	systemerror },
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

static int
contains(const char *hay, const char *needle)
{
	return strstr(hay, needle) != NULL;
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
		for (k = 0; k < sizeof(sets) / sizeof(sets[0]); k++) {
			const char *const	*p;

			/* the first set in the order above wins: "spam"
			 * anywhere in a user-unknown line (a remote's
			 * anti-spam signature) makes it spamdetected */
			for (p = sets[k].phrases; *p; p++)
				if (contains(low, *p))
					return sets[k].reason;
		}
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
