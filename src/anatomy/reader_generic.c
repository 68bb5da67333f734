/*
 * reader_generic.c - recipients from bounce prose, for every text format.
 *
 * Bounce texts name a failed recipient in a few shapes that recur across
 * MTAs: the address alone on a line, or starting it ("<a@b>:" in qmail and
 * Postfix, "a@b... User unknown" in Sendmail, "a@b on <date>" in
 * Exchange), after "RCPT TO:", or after a phrase such as "could not be
 * delivered to". Reading the shapes instead of each MTA's wording makes
 * unknown formats readable too. The bounce's own sender and a mail
 * system's role address are never failed recipients; the bounce's own
 * recipient is not either, unless a line starts with it.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/limits.h"
#include "read/address.h"
#include "read/header.h"
#include "read/message.h"
#include "anatomy/anatomy.h"
#include "anatomy/readers.h"

static int
role_address(const char *addr)
{
	static const char *const roles[] = {
		"mailer-daemon@", "postmaster@", "mail-daemon@", "mailerdaemon@",
		"noreply@", "no-reply@", "abuse@", "double-bounce@", NULL
	};
	const char *const	*r;

	for (r = roles; *r; r++)
		if (strncasecmp(addr, *r, strlen(*r)) == 0)
			return 1;
	return 0;
}

/* The bounce's own header addresses (parsed once, in anatomy.c) are the
 * message's addressee, not failures. */
static int
own_address(const struct reader_input *in, const char *addr)
{
	int	 k;

	for (k = 0; k < in->nown; k++)
		if (strcasecmp(in->own[k], addr) == 0)
			return 1;
	return 0;
}

/*
 * Add the addresses in [s, s+n). With strict set, the bounce's own
 * recipients are skipped (they are the sender, named in the prose); a line
 * that starts with an address is a recipient line whatever it names.
 */
static int
add_addresses(struct analysis *an, struct arena *a,
    const struct reader_input *in, const char *s, size_t n, int strict)
{
	char	*copy, *list[16];
	int	 c, k, added = 0;

	if ((copy = arena_strndup(a, s, n)) == NULL)
		return 0;
	c = address_parse(a, copy, list, 16);
	for (k = 0; k < c; k++) {
		if (role_address(list[k]) || (an->from != NULL &&
		    strcasecmp(an->from, list[k]) == 0) ||
		    (strict && own_address(in, list[k])))
			continue;
		if (strchr(list[k], '@') == strrchr(list[k], '@') &&
		    anatomy_add_recipient(an, a, list[k]) != NULL)
			added++;
	}
	return added;
}

void
reader_set_diagnostic(struct analysis *an, struct arena *a, const char *s,
    size_t n)
{
	int	 i;
	char	*d;

	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0)
		return;
	if (n > LIMIT_DIAGNOSTIC)
		n = LIMIT_DIAGNOSTIC;
	if ((d = arena_strndup(a, s, n)) == NULL)
		return;
	for (i = 0; i < an->nrecipients; i++)
		if (an->recipients[i].diagnostic == NULL)
			an->recipients[i].diagnostic = d;
}

/* Phrases after which the next address is a failed recipient. */
static const char *const lead_ins[] = {
	"delivered to", "delivery to", "deliver to", "rcpt to:", "rcpt to :",
	"recipient:", "recipients:", "recipient address:", "addressed to",
	"following address", "following recipient", "following addresses",
	"to the following", "failed recipient", "original-recipient:",
	"final-recipient:", "address:", "mailbox", "user ", "unknown user",
	"for <", "to <", "envelope-to:", "x-failed-recipients:",
	"your message to", "message to", "sent to", "recipient <",
	"destinataire", "empfänger", "adresse", "\xe5\xae\x9b\xe5\x85\x88",
	/* an address on the same line as words of failure */
	"failed", "failure", "invalid", "unknown", "rejected", "undeliverable",
	"not found", "denied", "refused", "no such", "does not exist",
	"unable to", "could not", "couldn't", "error",
	NULL
};

/* Does the line start with an address (after quoting and blanks)? */
static int
starts_with_address(const char *s, const char *e)
{
	const char	*p = s;

	while (p < e && (*p == ' ' || *p == '\t' || *p == '>' || *p == '*' ||
	    *p == '-' || *p == '"' || *p == '\''))
		p++;
	/* an SMTP reply code first ("554 <a@b>... Host unknown") */
	if (e - p > 4 && isdigit((unsigned char)p[0]) &&
	    isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
	    (p[3] == ' ' || p[3] == '-'))
		p += 4;
	if (p < e && *p == '<')
		p++;
	if (strncasecmp(p, "rfc822;", 7) == 0) {
		p += 7;
		while (p < e && *p == ' ')
			p++;
	}
	while (p < e && *p != '@' && *p != ' ' && *p != '<' && *p != '>' &&
	    *p != ':' && *p != '(' && *p != ',')
		p++;
	return p < e && *p == '@';
}

static int	generic_parse_mode(struct analysis *, struct arena *,
		    const struct reader_input *, int);

int
reader_generic_parse(struct analysis *an, struct arena *a,
    const struct reader_input *in)
{
	return generic_parse_mode(an, a, in, 0);
}

int
reader_generic_parse_strict(struct analysis *an, struct arena *a,
    const struct reader_input *in)
{
	return generic_parse_mode(an, a, in, 1);
}

static int
generic_parse_mode(struct analysis *an, struct arena *a,
    const struct reader_input *in, int strict)
{
	const char	*p = in->text, *end = in->text + in->text_len, *nl;
	const char	*lp = in->ltext;
	const char *const *l;
	int		 added = 0, after_lead = 0;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (memchr(p, '@', (size_t)(nl - p)) != NULL) {
			int	 first = starts_with_address(p, nl);
			int	 take = first || after_lead;

			if (!take)
				for (l = lead_ins; *l; l++) {
					const char	*hit = memmem(lp, (size_t)(nl - p),
					    *l, strlen(*l));

					if (hit != NULL) {
						take = 1;
						break;
					}
				}
			if (take)
				added += add_addresses(an, a, in, p,
				    (size_t)(nl - p), strict || !first);
			after_lead = 0;
		} else if (nl > p) {
			/* a lead-in line ending in a colon names the
			 * recipients on the lines below */
			const char	*q = nl;

			while (q > p && (q[-1] == ' ' || q[-1] == '\t'))
				q--;
			after_lead = q > p && q[-1] == ':' ? 3 :
			    after_lead > 0 ? after_lead - 1 : 0;
			if (after_lead == 0) {
				for (l = lead_ins; *l; l++)
					if (memmem(lp, (size_t)(nl - p), *l,
					    strlen(*l)) != NULL) {
						after_lead = 2;
						break;
					}
			}
		}
		lp += (size_t)(nl - p) + 1;
		p = nl + 1;
	}
	return added;
}

static int
generic_match(const struct analysis *an, const struct reader_input *in)
{
	return 1;
}

static int
generic_parse(struct analysis *an, struct arena *a,
    const struct reader_input *in)
{
	if (an->nrecipients == 0)
		reader_generic_parse(an, a, in);
	return 0;
}

const struct reader reader_generic = {
	.name = "generic",
	.match = generic_match,
	.parse = generic_parse,
};
