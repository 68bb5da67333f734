/*
 * reader_generic.c - recipients from bounce prose, for every text format.
 *
 * Bounce texts name a failed recipient in a few shapes that recur across
 * MTAs: the address alone on a line, or starting it ("<a@b>:" in qmail and
 * Postfix, "a@b... User unknown" in Sendmail, "a@b on <date>" in
 * Exchange), after "RCPT TO:", or after a phrase such as "could not be
 * delivered to". Reading the shapes instead of each MTA's wording makes
 * unknown formats readable too. The bounce's own sender, the envelope
 * sender a transcript names and a mail system's role address are never
 * failed recipients; the bounce's own recipient is not either, unless a
 * line starts with it.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/limits.h"
#include "read/charset.h"
#include "read/address.h"
#include "read/header.h"
#include "read/message.h"
#include "anatomy/anatomy.h"
#include "anatomy/original.h"
#include "anatomy/phrases.h"
#include "anatomy/readers.h"
#include "anatomy/signs.h"

/* A mail system's or help desk's own address (data/phrases.tsv,
 * role-address): never a failed recipient. */
static int
role_address(struct arena *a, const char *addr)
{
	char	*low = signs_lowered(a, addr);

	return low != NULL && phrases_any(PHRASE_ROLE_ADDRESS, low);
}

/* The bounce's own header addresses (parsed once, in anatomy.c) are the
 * message's addressee, not failures. */
static int
own_address(const struct reader_input *in, const char *addr)
{
	return address_listed(in->own, in->nown, addr);
}

struct senders {
	char	*addr[LIMIT_TRANSCRIPT_SENDERS];
	int	 n;
};

/*
 * The addresses the text names as the one who sent ("MAIL FROM:<a@b>" in
 * a transcript, "not accepting mail from a@b") and never as a recipient
 * ("RCPT TO:<a@b>"): the envelope sender is not a failure, wherever a
 * line names it again ("250 <a@b>... Sender ok"). Read once per text:
 * one pass for "mail from", one for "rcpt to" a sender found.
 */
static void
transcript_senders(struct arena *a, const struct reader_input *in,
    struct senders *sd)
{
	const char	*p, *q;
	char		*addr;
	size_t		 n;
	int		 k, rcpt;

	sd->n = 0;
	if (in->ltext == NULL)
		return;
	for (p = in->ltext; sd->n < LIMIT_TRANSCRIPT_SENDERS &&
	    (p = strstr(p, "mail from")) != NULL; p += 9) {
		q = p + 9;
		q += strspn(q, " \t:<");
		n = strcspn(q, "> \t\r\n:,;");
		if (n == 0 || n > 254 || memchr(q, '@', n) == NULL ||
		    (addr = arena_strndup(a, q, n)) == NULL)
			continue;
		while (n > 0 && addr[n - 1] == '.')
			addr[--n] = '\0';
		if (!address_listed(sd->addr, sd->n, addr))
			sd->addr[sd->n++] = addr;
	}
	for (k = 0; k < sd->n; k++) {
		n = strlen(sd->addr[k]);
		for (rcpt = 0, p = in->ltext; !rcpt &&
		    (p = strstr(p, "rcpt to")) != NULL; p += 7) {
			q = p + 7;
			q += strspn(q, " \t:<");
			rcpt = strncmp(q, sd->addr[k], n) == 0;
		}
		if (rcpt)
			sd->addr[k--] = sd->addr[--sd->n];
	}
}

static int
named_sender(const struct senders *sd, const char *addr)
{
	return address_listed(sd->addr, sd->n, addr);
}

/* Blank out links ("https://host/path?u=a@b", "www.host/a@b") in s: an
 * address inside one is a web page's, not a recipient. */
static void
blank_links(char *s)
{
	char	*p = s, *e;

	while ((p = strpbrk(p, "hHwW")) != NULL) {
		/* (a link starts a word: "webmaster@www.host" is none) */
		if ((p > s && strchr(" \t<(\"'=:", p[-1]) == NULL) ||
		    (strncasecmp(p, "http://", 7) != 0 &&
		    strncasecmp(p, "https://", 8) != 0 &&
		    strncasecmp(p, "www.", 4) != 0)) {
			p++;
			continue;
		}
		for (e = p; *e && *e != ' ' && *e != '\t' && *e != '>' &&
		    *e != '"' && *e != '\'' && *e != ')'; e++)
			*e = ' ';
		p = e;
	}
}

/*
 * Add the addresses in [s, s+n). With strict set, the bounce's own
 * recipients are skipped (they are the sender, named in the prose); a line
 * that starts with an address is a recipient line whatever it names.
 */
static int
add_addresses(struct analysis *an, struct arena *a,
    const struct reader_input *in, const struct senders *sd, const char *s,
    size_t n, int strict)
{
	char	*copy, *list[16];
	int	 c, k, added = 0;

	if (n == 0 || (copy = arena_strndup(a, s, n)) == NULL)
		return 0;
	blank_links(copy);
	c = address_parse(a, copy, list, 16);
	for (k = 0; k < c; k++) {
		if (role_address(a, list[k]) || (an->from != NULL &&
		    strcasecmp(an->from, list[k]) == 0) ||
		    (strict && own_address(in, list[k])) ||
		    named_sender(sd, list[k]))
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
	n = charset_cut(s, n, LIMIT_DIAGNOSTIC);
	if ((d = arena_strndup(a, s, n)) == NULL)
		return;
	for (i = 0; i < an->nrecipients; i++)
		if (an->recipients[i].diagnostic == NULL)
			an->recipients[i].diagnostic = d;
}

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
	/* an address type (RFC 3464 "rfc822;") or Exchange's proxy
	 * prefix ("SMTP=", "SMTP:") */
	if (strncasecmp(p, "rfc822;", 7) == 0 || strncasecmp(p, "rfc822:", 7) == 0)
		p += 7;
	else if (strncasecmp(p, "smtp=", 5) == 0 || strncasecmp(p, "smtp:", 5) == 0)
		p += 5;
	while (p < e && *p == ' ')
		p++;
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

/* The lower-case line [s, s+n) as a string, cut to the buffer. */
static const char *
line_copy(char *buf, size_t size, const char *s, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

/* Where on the lower-case line low a help phrase starts ("please
 * contact", "for more information"): the earliest of them, or -1. */
static long
help_at(const char *low)
{
	char			 cut[LIMIT_REPORT_LINE + 1];
	const struct phrase	*ph;
	const char		*q;
	long			 at = -1, k;

	line_copy(cut, sizeof(cut), low, strlen(low));
	while ((ph = phrases_find(PHRASE_HELP, cut)) != NULL &&
	    (q = strstr(cut, phrase_text(ph))) != NULL) {
		k = (long)(q - cut);
		if (at == -1 || k < at)
			at = k;
		/* an earlier one ends before this one's last byte */
		cut[k + (long)ph->len - 1] = '\0';
		if (ph->len <= 1)
			break;
	}
	return at;
}

/*
 * An MTA's note that an alias or forward made the address on the line
 * (Postfix: "<bob@x> (expanded from <sales@y>): ...") or above it (Exim:
 * "    (generated from sales@y)"): the address the sender wrote, or NULL.
 * *n_r is cut to where the note starts (0 when the line is only the
 * note), so the alias is not taken for a failed recipient.
 */
static char *
alias_note(struct arena *a, const char *p, const char *nl, const char *low,
    size_t *n_r)
{
	const struct phrase	*ph = phrases_find(PHRASE_RECIPIENT_ALIAS, low);
	const char		*q, *t;
	size_t			 g;

	if (ph == NULL || (q = strstr(low, phrase_text(ph))) == NULL)
		return NULL;
	g = (size_t)(q - low);
	if (g >= (size_t)(nl - p))
		return NULL;
	if (g < *n_r)
		*n_r = g;
	for (t = p; t < p + *n_r && (*t == ' ' || *t == '\t'); t++)
		;
	if (t == p + *n_r)
		*n_r = 0;
	t = p + g + ph->len;
	q = memchr(t, ')', (size_t)(nl - t));
	return address_first(a, arena_strndup(a, t, q != NULL ?
	    (size_t)(q - t) : (size_t)(nl - t)));
}

/* Give recipients [from, to) the address the sender wrote. */
static void
set_alias(struct analysis *an, int from, int to, const char *alias)
{
	int	 i;

	if (alias == NULL || from < 0 || strchr(alias, '@') == NULL)
		return;
	for (i = from; i < to && i < an->nrecipients; i++)
		if (an->recipients[i].original_recipient == NULL &&
		    strcasecmp(an->recipients[i].address, alias) != 0)
			an->recipients[i].original_recipient = (char *)alias;
}

/*
 * The prose names the mailbox an alias made (addr, "generated from"
 * alias) where the report's fields name only the alias (Exim writes the
 * address the sender wrote as a DSN's Final-Recipient): the recipient is
 * the mailbox, as Exim's own bounces name it, and the alias what the
 * sender wrote. (Sendmail's "expanded from:" beside a Final-Recipient
 * that is the alias stays as its DSN has it: that DSN names the mailbox
 * itself, as X-Actual-Recipient, and bounce parsers report the field.)
 */
static void
alias_target(struct analysis *an, char *addr, char *alias)
{
	int	 i;

	if (strchr(alias, '@') == NULL || strcasecmp(addr, alias) == 0)
		return;
	for (i = 0; i < an->nrecipients; i++)
		if (an->recipients[i].original_recipient == NULL &&
		    strcasecmp(an->recipients[i].address, alias) == 0) {
			an->recipients[i].address = addr;
			an->recipients[i].original_recipient = alias;
			return;
		}
}

void
reader_alias_notes(struct analysis *an, struct arena *a,
    const struct reader_input *in)
{
	const char	*p = in->text, *end = in->text + in->text_len, *nl;
	const char	*lp = in->ltext;
	const char	*prev_nl = NULL;
	char		 buf[LIMIT_REPORT_LINE + 1], *alias, *addr, *prev = NULL;
	int		 i, last = -1;
	size_t		 n;

	end = in->text + original_separator(in->text, in->text_len);
	for (; p < end; lp += (size_t)(nl - p) + 1, p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (memchr(p, '@', (size_t)(nl - p)) == NULL)
			continue;
		n = (size_t)(nl - p);
		alias = alias_note(a, p, nl, line_copy(buf, sizeof(buf), lp,
		    n), &n);
		if (n > 0) {
			/* the address of this line, or of the one a note
			 * on a line of its own follows */
			prev = address_first(a, arena_strndup(a, p, n));
			prev_nl = nl;
			if ((addr = prev) != NULL)
				for (last = -1, i = 0; i < an->nrecipients;
				    i++)
					if (strcasecmp(an->recipients[i].address,
					    addr) == 0)
						last = i;
		} else if (prev_nl == NULL || p != prev_nl + 1)
			prev = NULL;
		if (alias != NULL && last >= 0)
			set_alias(an, last, last + 1, alias);
		else if (alias != NULL && prev != NULL &&
		    strstr(buf, "generated from") != NULL)
			alias_target(an, prev, alias);
	}
}

/* Does the line end a sentence ('.', '!', '?' last)? */
static int
ends_sentence(const char *p, const char *nl)
{
	while (nl > p && (nl[-1] == ' ' || nl[-1] == '\t' || nl[-1] == '\r'))
		nl--;
	return nl > p && (nl[-1] == '.' || nl[-1] == '!' || nl[-1] == '?');
}

/* Is the lower-case line a link and nothing more (a help page's address,
 * "http://host/faq/mail/errormail/": no lead-in, whatever words it holds)? */
static int
link_line(const char *low)
{
	low += strspn(low, " \t<(");
	if (strncmp(low, "http://", 7) != 0 &&
	    strncmp(low, "https://", 8) != 0 && strncmp(low, "www.", 4) != 0)
		return 0;
	low += strcspn(low, " \t>)");
	return low[strspn(low, " \t\r>).")] == '\0';
}

/*
 * A bare name alone on its line ("	screenname", "<screenname>"): the
 * name as the report wrote it, qualified with dom, or NULL when the line
 * holds anything else.
 */
static char *
bare_name(struct arena *a, const struct reader_input *in, const char *p,
    const char *nl, const char *dom)
{
	const char	*q;
	char		*addr;
	size_t		 n, dn = strlen(dom);
	int		 letter = 0;

	p += strspn(p, " \t<");
	n = strcspn(p, " \t\r\n>");
	if (n == 0 || n > 64 || p + n + strspn(p + n, " \t\r>") < nl)
		return NULL;
	for (q = p; q < p + n; q++) {
		if (!isalnum((unsigned char)*q) && strchr("._-+", *q) == NULL)
			return NULL;
		letter |= isalpha((unsigned char)*q);
	}
	if (!letter || (addr = arena_alloc(a, n + dn + 2)) == NULL)
		return NULL;
	memcpy(addr, in->text + (p - in->ltext), n);
	addr[n] = '@';
	memcpy(addr + n + 1, dom, dn + 1);
	return addr;
}

/*
 * AOL's relays name screen names under a lead-in ("Your mail to the
 * following recipients could not be delivered because ...:"), the report
 * sent by MAILER-DAEMON of the domain they belong to: each bare name on
 * the lines right below such a lead-in is a user of the From's domain.
 */
static int
names_under_lead(struct analysis *an, struct arena *a,
    const struct reader_input *in)
{
	const char	*lt = in->ltext, *end = in->ltext + in->text_len;
	const char	*p, *nl, *q, *dom = address_domain(an->from);
	char		 buf[LIMIT_REPORT_LINE + 1], *addr, *low;
	int		 added = 0, under = 0;

	if (dom == NULL || strchr(dom, '.') == NULL ||
	    (low = signs_lowered(a, an->from)) == NULL ||
	    (strncmp(low, "mailer-daemon@", 14) != 0 &&
	    strncmp(low, "postmaster@", 11) != 0) ||
	    (dom = signs_lowered(a, dom)) == NULL)
		return 0;
	for (p = lt; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (under) {
			if ((addr = bare_name(a, in, p, nl, dom)) == NULL)
				break;
			added += anatomy_add_recipient(an, a, addr) != NULL;
			continue;
		}
		for (q = nl; q > p && strchr(" \t\r", q[-1]) != NULL; q--)
			;
		under = q > p && q[-1] == ':' && phrases_any(
		    PHRASE_RECIPIENT_LEAD, line_copy(buf, sizeof(buf), p,
		    (size_t)(nl - p)));
	}
	return added;
}

/*
 * sendmail's heading "----- The following addresses had permanent fatal
 * errors -----" over a bare name (AOL's relays named screen names so): a
 * user of the bouncing domain, qualified with its From's domain only when
 * the transcript's "... while talking to HOST" names a host of it.
 */
static int
bare_names(struct analysis *an, struct arena *a,
    const struct reader_input *in)
{
	const char	*lt = in->ltext, *h, *w, *dom = address_domain(an->from);
	const char	*p, *nl, *end = in->ltext + in->text_len;
	char		*host, *addr;
	size_t		 n;
	int		 added = 0;

	if (dom == NULL || (h = strstr(lt, "following addresses had permanent "
	    "fatal errors")) == NULL || (w = strstr(lt, "while talking to ")) ==
	    NULL || (host = arena_strndup(a, w + 17, strcspn(w + 17,
	    ":\n ([<"))) == NULL)
		return names_under_lead(an, a, in);
	n = strlen(host);
	while (n > 0 && host[n - 1] == '.')
		host[--n] = '\0';
	if (!domain_within(host, dom) || (p = strchr(h, '\n')) == NULL)
		return 0;
	for (p++; p < end && *p != '\n'; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if ((addr = bare_name(a, in, p, nl, dom)) == NULL)
			break;
		added += anatomy_add_recipient(an, a, addr) != NULL;
	}
	return added;
}

/*
 * Read the prose line by line up to a separator before the original
 * (what follows it is the original's, not the report's). An address is a
 * failed recipient when its line starts with it, names a lead-in
 * (data/phrases.tsv, recipient-lead) or follows a line that ended in a
 * colon or named one; never when help text names it: after a help
 * phrase on its line, or in the rest of that sentence (up to a line that
 * ends one, LIMIT_HELP_LINES at most).
 */
static int
generic_parse_mode(struct analysis *an, struct arena *a,
    const struct reader_input *in, int strict)
{
	const char	*p = in->text, *end, *nl;
	const char	*lp = in->ltext, *low;
	char		 buf[LIMIT_REPORT_LINE + 1];
	char		 weak[LIMIT_RECIPIENTS];
	int		 added = 0, after_lead = 0, help = 0, last = -1;
	int		 sender = 0, lead_words = 0, strong = 0, k, j, base;
	long		 h;
	struct senders	 sd;

	memset(weak, 0, sizeof(weak));
	base = an->nrecipients;
	transcript_senders(a, in, &sd);
	end = in->text + original_separator(in->text, in->text_len);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		low = line_copy(buf, sizeof(buf), lp, (size_t)(nl - p));
		h = help > 0 ? 0 : help_at(low);
		if (h >= 0 && help == 0)
			help = LIMIT_HELP_LINES;
		if (memchr(p, '@', (size_t)(nl - p)) != NULL) {
			int	 first = starts_with_address(p, nl);
			int	 take = first || after_lead;
			size_t	 n = h >= 0 ? (size_t)h : (size_t)(nl - p);
			char	*alias = alias_note(a, p, nl, low, &n);
			/* taken only because a sentence above named
			 * recipients, from among other words on its line */
			int	 words_only = !first && after_lead && lead_words;

			if (phrases_any(PHRASE_RECIPIENT_LEAD, low))
				take = 1, words_only = 0;
			if (alias != NULL && n == 0 && last == -1 &&
			    after_lead > 0) {
				/* the note under an address the report hides
				 * (Exim's "an undisclosed address"): the one
				 * the sender wrote is what failed */
				if ((k = add_addresses(an, a, in, &sd, alias,
				    strlen(alias), 0)) > 0)
					added += k, last = an->nrecipients - 1,
					    strong = 1;
			} else if (alias != NULL && n == 0)
				/* Exim's note on the line below its address */
				set_alias(an, last, an->nrecipients, alias);
			else {
				int	 before = an->nrecipients;

				/* "<our address> has no right to create
				 * tickets": the sender, refused, not a
				 * recipient, though the line starts with it */
				if (take)
					added += add_addresses(an, a, in, &sd, p, n,
					    strict || !first || sender > 0 ||
					    phrases_any(PHRASE_SENDER_RIGHTS, low));
				if (an->nrecipients > before)
					last = before;
				for (k = before; k < an->nrecipients &&
				    k < LIMIT_RECIPIENTS; k++)
					weak[k] = (char)words_only;
				strong |= an->nrecipients > before &&
				    !words_only;
				set_alias(an, before, an->nrecipients, alias);
			}
			after_lead = sender = lead_words = 0;
		} else if (nl > p) {
			/* a lead-in line ending in a colon names the
			 * recipients on the lines below */
			const char	*q = nl;

			while (q > p && (q[-1] == ' ' || q[-1] == '\t'))
				q--;
			if (q > p && q[-1] == ':')
				after_lead = 3, lead_words = 0;
			else if (after_lead > 0)
				after_lead--;
			/* a lead-in's words name them too ("could not be
			 * delivered to the following recipient."), though
			 * not from a line that is only a link (a help page
			 * at ".../mail/errormail/") */
			if (after_lead == 0 && !link_line(low) &&
			    phrases_any(PHRASE_RECIPIENT_LEAD, low))
				after_lead = 2, lead_words = 1;
			/* the sender's address on the lines below: not a
			 * failure, when it is the report's own recipient */
			sender = phrases_any(PHRASE_SENDER_LEAD, low) ? 2 :
			    sender > 0 ? sender - 1 : 0;
		}
		if (help > 0 && (ends_sentence(p, nl) || --help == 0))
			help = 0;
		lp += (size_t)(nl - p) + 1;
		p = nl + 1;
	}
	/* An address taken only through a sentence above it, with words
	 * before it on its line ("The service desk ... answers at <x@y>"),
	 * is kept when nothing better names a failure: where lines that
	 * start with an address, or are labelled, do, it is dropped. */
	if (strong) {
		for (k = j = base; k < an->nrecipients; k++) {
			if (k < LIMIT_RECIPIENTS && weak[k]) {
				added--;
				continue;
			}
			an->recipients[j++] = an->recipients[k];
		}
		an->nrecipients = j;
	}
	return added > 0 ? added : bare_names(an, a, in);
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
