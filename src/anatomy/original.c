/*
 * original.c - read the returned original (see original.h).
 *
 * A bounce returns the original as a message/rfc822 part, as
 * text/rfc822-headers, or quoted in its text after a marker line. The
 * quoted form is found by its shape (a run of header lines that an
 * original message would have) rather than by a list of every MTA's
 * wording, so unknown formats are read as well; markers only help to
 * choose among candidates.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/limits.h"
#include "read/address.h"
#include "read/header.h"
#include "anatomy/anatomy.h"
#include "anatomy/original.h"
#include "anatomy/phrases.h"

/* Message-ID without brackets or space; NULL if there is nothing. */
static char *
clean_message_id(struct arena *a, const char *v)
{
	const char	*l, *r;

	if (v == NULL)
		return NULL;
	if ((l = strchr(v, '<')) != NULL && (r = strchr(l, '>')) != NULL &&
	    r > l + 1)
		return arena_strndup(a, l + 1, (size_t)(r - l - 1));
	/* "<" without its ">": cut short (a returned header cut inside
	 * it), and a part of an ID must never be looked up as one */
	if (l != NULL)
		return NULL;
	while (*v == ' ')
		v++;
	r = v + strcspn(v, " \t>");
	if (r == v || memchr(v, '@', (size_t)(r - v)) == NULL)
		return NULL;
	return arena_strndup(a, v, (size_t)(r - v));
}

static int
is_ip_char(int c)
{
	return isxdigit(c) || c == '.' || c == ':';
}

/* A literal IPv4/IPv6 address at s (n bytes)? */
static int
looks_ip(const char *s, size_t n)
{
	size_t	 i, dots = 0, colons = 0;

	if (n < 3 || n > 45)
		return 0;
	for (i = 0; i < n; i++) {
		if (!is_ip_char((unsigned char)s[i]))
			return 0;
		dots += s[i] == '.';
		colons += s[i] == ':';
	}
	return dots == 3 || colons >= 2;
}

static char *
host_token(struct arena *a, const char *s)
{
	size_t	 n;

	while (*s == ' ')
		s++;
	n = strcspn(s, " ;()[]\t");
	while (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0 || n > 255)
		return NULL;
	return arena_strndup(a, s, n);
}

/* Where "tag" and the name after it stand in [p, end), or NULL. */
static const char *
helo_span(const char *p, const char *end, const char *tag, const char **end_r)
{
	const char	*q = strcasestr(p, tag);

	*end_r = NULL;
	if (q == NULL || q >= end)
		return NULL;
	*end_r = q + strlen(tag) + strcspn(q + strlen(tag), " )");
	return q;
}

static int
in_span(const char *q, const char *const *start, const char *const *end)
{
	int	 i;

	for (i = 0; i < 2; i++)
		if (start[i] != NULL && q >= start[i] && q < end[i])
			return 1;
	return 0;
}

void
received_parse(struct arena *a, const char *line, struct received *r)
{
	const char	*p, *by, *comment_end, *q, *helo[2], *helo_end[2];
	char		*first;

	memset(r, 0, sizeof(*r));
	r->line = (char *)line;
	by = NULL;
	for (p = line; (p = strcasestr(p, "by ")) != NULL; p++)
		if (p == line || p[-1] == ' ' || p[-1] == ')') {
			by = p;
			break;
		}
	if (by != NULL)
		r->by_host = host_token(a, by + 3);
	if (strncasecmp(line, "from ", 5) != 0)
		return;
	first = host_token(a, line + 5);
	comment_end = by ? by : line + strlen(line);
	p = line + 5 + strspn(line + 5, " ");
	p += strcspn(p, " ");	/* past the first token */
	/* "from alice (uid 1000)": a local user's submission (the
	 * DragonFly Mail Agent writes it), no client host */
	q = p + strspn(p, " \t");
	if (strncasecmp(q, "(uid ", 5) == 0 && isdigit((unsigned char)q[5]))
		return;
	/*
	 * The HELO name is the client's own word: an address written there
	 * ("helo=[192.0.2.25]", "(HELO 192.0.2.25)") is a claim, never the
	 * connecting address, so the search skips those spans.
	 */
	helo[0] = helo_span(p, comment_end, "helo=", helo_end);
	helo[1] = helo_span(p, comment_end, "(HELO ", helo_end + 1);
	/*
	 * The address: [a.b.c.d] or [IPv6:...] in the comment, where the
	 * receiver writes what it recorded: Postfix and sendmail write
	 * "from HELO (rdns [addr])", and a client that says "EHLO
	 * [192.0.2.25]" makes the first token a literal of its choice.
	 */
	for (q = p; r->from_addr == NULL && q < comment_end; q++) {
		if (in_span(q, helo, helo_end))
			continue;
		if (*q == '[') {
			const char	*e = memchr(q, ']', (size_t)(comment_end - q));

			if (e == NULL)
				break;
			q++;
			if (strncasecmp(q, "IPv6:", 5) == 0)
				q += 5;
			if (looks_ip(q, (size_t)(e - q)))
				r->from_addr = arena_strndup(a, q, (size_t)(e - q));
			break;
		}
	}
	/* ... or a bare one: "(1.2.3.4)", qmail's "(HELO x) (1.2.3.4)" */
	for (q = p; r->from_addr == NULL && q < comment_end; q++) {
		size_t	 n;

		if ((*q != '(' && *q != ' ') || in_span(q, helo, helo_end))
			continue;
		n = strspn(q + 1, "0123456789abcdefABCDEF.:");
		if (n > 0 && looks_ip(q + 1, n) &&
		    (q[1 + n] == ')' || q[1 + n] == ' '))
			r->from_addr = arena_strndup(a, q + 1, n);
	}
	{
		/* "from [1.2.3.4] (helo=x)": Exim without rDNS writes the
		 * address it recorded first; only when the comment has none */
		const char	*t = line + 5 + strspn(line + 5, " ");
		size_t		 n;

		if (r->from_addr == NULL && *t == '[') {
			t++;
			if (strncasecmp(t, "IPv6:", 5) == 0)
				t += 5;
			n = strcspn(t, "]");
			if (t[n] == ']' && looks_ip(t, n))
				r->from_addr = arena_strndup(a, t, n);
		}
	}
	/* HELO given explicitly (Exim "helo=", qmail "HELO x") */
	q = strcasestr(p, "helo=");
	if (q != NULL && q < comment_end) {
		r->from_host = host_token(a, q + 5);
		if (first != NULL && strcasecmp(first, "unknown") != 0)
			r->from_rdns = first;
		return;
	}
	q = strcasestr(p, "(HELO ");
	if (q != NULL && q < comment_end) {
		r->from_host = host_token(a, q + 6);
		return;
	}
	r->from_host = first;
	/* "(rdns [addr])": the name before the bracket */
	q = strchr(p, '(');
	if (q != NULL && q < comment_end) {
		char	*name = host_token(a, q + 1);

		if (name != NULL && strcasecmp(name, "unknown") != 0 &&
		    strchr(name, '.') != NULL && !looks_ip(name, strlen(name)) &&
		    strchr(name, '@') == NULL)
			r->from_rdns = name;
		else if (name != NULL && strchr(name, '@') != NULL)
			r->from_rdns = (char *)address_domain(name);
	}
	if (r->from_host != NULL && r->from_host[0] == '[')
		r->from_host = NULL;
}

static void
dkim_domain(struct arena *a, struct original *o, const char *sig)
{
	const char	*p = sig;
	size_t		 n;
	int		 k;

	while (p != NULL && *p) {
		while (*p == ' ' || *p == ';')
			p++;
		if ((p[0] == 'd' || p[0] == 'D') && (p[1] == '=' ||
		    (p[1] == ' ' && p[2 + strspn(p + 2, " ")] == '='))) {
			p = strchr(p, '=') + 1;
			while (*p == ' ')
				p++;
			n = strcspn(p, "; ");
			if (n == 0 || n > 255 || o->ndkim >= LIMIT_DKIM_DOMAINS)
				return;
			for (k = 0; k < o->ndkim; k++)
				if (strncasecmp(o->dkim_domains[k], p, n) == 0 &&
				    o->dkim_domains[k][n] == '\0')
					return;
			if ((o->dkim_domains[o->ndkim] = arena_strndup(a, p, n)) != NULL) {
				char	*c;

				for (c = o->dkim_domains[o->ndkim]; *c; c++)
					*c = (char)tolower((unsigned char)*c);
				o->ndkim++;
			}
			return;
		}
		p = strchr(p, ';');
	}
}

void
original_fields(struct arena *a, struct original *o)
{
	const struct header_block	*hb = &o->hdr;
	size_t				 i;
	char				*v;

	o->message_id = clean_message_id(a, header_get_raw(a, hb, "Message-ID"));
	if (o->message_id == NULL)
		o->message_id = clean_message_id(a,
		    header_get_raw(a, hb, "Resent-Message-ID"));
	if ((v = header_get(a, hb, "From")) != NULL)
		o->from = address_first(a, v);
	if ((v = header_get(a, hb, "To")) != NULL)
		o->to = address_first(a, v);
	if ((v = header_get_raw(a, hb, "Return-Path")) != NULL)
		o->return_path = address_first(a, v);
	o->subject = header_get(a, hb, "Subject");
	o->date = header_get_raw(a, hb, "Date");
	o->nreceived = 0;
	o->ndkim = 0;
	for (i = 0; i < hb->count; i++) {
		const struct header	*f = &hb->fields[i];

		if (f->name_len == 8 && strncasecmp(f->name, "Received", 8) == 0 &&
		    o->nreceived < LIMIT_RECEIVED) {
			if ((v = header_unfold(a, f)) != NULL)
				received_parse(a, v, &o->received[o->nreceived++]);
		} else if (f->name_len == 14 &&
		    strncasecmp(f->name, "DKIM-Signature", 14) == 0) {
			if ((v = header_unfold(a, f)) != NULL)
				dkim_domain(a, o, v);
		}
	}
}

int
original_read(struct arena *a, struct original *o, int source,
    const char *text, size_t len)
{
	size_t	 off;

	o->source = source;
	o->text = text;
	o->text_len = len;
	off = header_parse_returned(a, text, len, &o->hdr);
	original_fields(a, o);
	if (source != SOURCE_HEADERS && off < len) {
		o->body = (char *)text + off;
		o->body_len = len - off;
	}
	return 0;
}

/* --- inline originals ------------------------------------------------- */

/* Length of the quote prefix at the start of a line: "> ", "| ", blanks. */
static size_t
quote_prefix(const char *s, const char *end)
{
	const char	*p = s;

	while (p < end && (*p == '>' || *p == '|' || *p == ' ' || *p == '\t') &&
	    p - s < 16)
		p++;
	return (size_t)(p - s);
}

/* Names an original's header block has and a bounce's prose does not. */
static const char *const original_names[] = {
	"received", "message-id", "from", "to", "subject", "date",
	"return-path", "dkim-signature", "mime-version", "content-type",
	"reply-to", "cc", "x-mailer", "user-agent", "sender", "references",
	"in-reply-to", "x-originating-ip", "delivered-to", "authentication-results",
	NULL
};

/* The field name at s, if the line is "Name: ..."; its length or 0. */
static size_t
field_name(const char *s, const char *end)
{
	const char	*p = s;

	while (p < end && *p > ' ' && *p < 127 && *p != ':')
		p++;
	if (p == s || p >= end || *p != ':' || p - s > 64)
		return 0;
	return (size_t)(p - s);
}

static void	 lower_line(char *, size_t, const char *, size_t);

/*
 * The field a mail program's quote header line at s stands for, in the
 * reader's language ("Von:", "Envoyé :", "件名："; data/phrases.tsv,
 * quote-*): "From", "To", "Date" or "Subject", with the bytes of its name
 * before the colon in *name_r and of the colon in *colon_r; NULL when the
 * line names none. Blanks (and no-break spaces) before the colon are
 * dropped, a full-width colon reads as ":".
 */
static const char *
quote_field(const char *s, const char *end, size_t *name_r, size_t *colon_r)
{
	static const struct {
		enum phrase_meaning	 meaning;
		const char		*field;
	} fields[] = {
		{ PHRASE_QUOTE_FROM, "From" }, { PHRASE_QUOTE_TO, "To" },
		{ PHRASE_QUOTE_DATE, "Date" },
		{ PHRASE_QUOTE_SUBJECT, "Subject" },
	};
	char		 low[48];
	const char	*p, *e;
	size_t		 n, i, colon;

	for (p = s; p < end && p - s < 40 && *p != ':' && *p != '@' &&
	    *p != '<' && !(end - p >= 3 && memcmp(p, "\xef\xbc\x9a", 3) == 0); p++)
		;
	if (p >= end || p - s >= 40 || (*p != ':' && *p != '\xef'))
		return NULL;
	colon = *p == ':' ? 1 : 3;
	for (e = p; e > s && (e[-1] == ' ' || e[-1] == '\t' ||
	    (e - s >= 2 && memcmp(e - 2, "\xc2\xa0", 2) == 0)); )
		e -= e[-1] == ' ' || e[-1] == '\t' ? 1 : 2;
	if ((n = (size_t)(e - s)) == 0 || n + 2 > sizeof(low))
		return NULL;
	lower_line(low, sizeof(low) - 1, s, n);
	n = strlen(low);
	low[n] = ':';
	low[n + 1] = '\0';
	/* the whole name and its colon, not a prefix of it */
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (phrases_exact(fields[i].meaning, low)) {
			*name_r = (size_t)(p - s);
			*colon_r = colon;
			return fields[i].field;
		}
	return NULL;
}

/* A header field name's weight in a header run (quote_field's names
 * weigh apart: find_run). */
static int
name_weight(const char *s, size_t n)
{
	const char *const	*k;

	for (k = original_names; *k; k++)
		if (strlen(*k) == n && strncasecmp(s, *k, n) == 0) {
			if (n == 10 && strncasecmp(s, "message-id", 10) == 0)
				return 3;
			if (n == 8 && strncasecmp(s, "received", 8) == 0)
				return 2;
			return 1;
		}
	return 0;
}

/*
 * Copy [s, s+n) lower case into low (size bytes, NUL-ended): ASCII, and
 * the two-byte UTF-8 capitals of Latin-1 and of Russian, which the
 * phrase table's separators are written in.
 */
static void
lower_line(char *low, size_t size, const char *s, size_t n)
{
	size_t	 i;

	if (n >= size)
		n = size - 1;
	for (i = 0; i < n; i++) {
		unsigned char	 c = (unsigned char)s[i], d;

		d = i + 1 < n ? (unsigned char)s[i + 1] : 0;
		low[i] = (char)tolower(c);
		if (c == 0xc3 && d >= 0x80 && d <= 0x9e && d != 0x97) {
			low[i] = (char)c;		/* À..Þ */
			low[++i] = (char)(d + 0x20);
		} else if (c == 0xd0 && d >= 0x90 && d <= 0x9f) {
			low[i] = (char)c;		/* А..П */
			low[++i] = (char)(d + 0x20);
		} else if (c == 0xd0 && d >= 0xa0 && d <= 0xaf) {
			low[i] = (char)0xd1;		/* Р..Я */
			low[++i] = (char)(d - 0x20);
		}
	}
	low[n] = '\0';
}

static int
is_marker(const char *s, size_t n)
{
	char		 low[256];

	lower_line(low, sizeof(low), s, n);
	return phrases_any(PHRASE_ORIGINAL_MARKER, low) ||
	    original_is_separator(s, n);
}

int
original_is_separator(const char *s, size_t n)
{
	char		 low[2 * LIMIT_SEPARATOR_LINE + 1];
	const char	*b = s, *e = s + n;

	/* the words without the rules and quote marks around them */
	while (b < e && strchr(" \t>|-=_*#[(", *b) != NULL)
		b++;
	while (e > b && strchr(" \t\r-=_*#:.)]", e[-1]) != NULL)
		e--;
	if (e - b < 8 || (size_t)(e - b) > LIMIT_SEPARATOR_LINE ||
	    memchr(s, '@', n) != NULL || n > 2 * LIMIT_SEPARATOR_LINE)
		return 0;
	/* the whole line, its rules too (some phrases are written with
	 * theirs): at most 2 * LIMIT_SEPARATOR_LINE bytes, as tested above */
	lower_line(low, sizeof(low), s, n);
	return phrases_any(PHRASE_ORIGINAL_SEPARATOR, low);
}

size_t
original_separator(const char *text, size_t len)
{
	const char	*p = text, *end = text + len, *nl;

	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (original_is_separator(p, (size_t)(nl - p)))
			return (size_t)(p - text);
		p = nl + 1;
	}
	return len;
}

/* Copy the header run [s, e) without quote prefixes, and what follows it
 * (the body, with the same prefix stripped), into one LF text; forwarded:
 * a quote header's names given as the fields they stand for ("Von:" as
 * "From:", quote_field). */
static char *
dequote(struct arena *a, const char *s, const char *end, size_t *len_r,
    int forwarded)
{
	struct buf	 b;
	const char	*p = s, *nl;
	size_t		 pre = quote_prefix(s, end), k, limit, f, c;
	const char	*field;
	char		*out;
	int		 head = 1;

	/* each line loses quote marks ('>', '|') and blanks up to the
	 * length of the first line's prefix: deeper indentation (a folded
	 * field's continuation) keeps the rest */
	buf_init(&b, LIMIT_INLINE_SCAN);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		limit = (size_t)(nl - p) < pre ? (size_t)(nl - p) : pre;
		for (k = 0; k < limit && (p[k] == '>' || p[k] == '|' ||
		    p[k] == ' ' || p[k] == '\t'); k++)
			;
		if (p + k == nl)
			head = 0;	/* the header ends at an empty line */
		/* an mbox "From " line among the fields (Request Tracker
		 * keeps it where it was) is no field's continuation: its
		 * address is the envelope sender, not a recipient's */
		else if (head && p > s && nl - (p + k) > 5 &&
		    memcmp(p + k, "From ", 5) == 0 && p[k + 5] != ' ') {
			p = nl + 1;
			continue;
		}
		/* a header line that lost its indentation continues the
		 * field above: given back its blank, so that unfolding keeps
		 * the words apart ("...[192.0.2.25])" "by mx...") */
		else if (head && p > s && p[k] != ' ' && p[k] != '\t' &&
		    field_name(p + k, nl) == 0 && (!forwarded ||
		    quote_field(p + k, nl, &f, &c) == NULL) &&
		    buf_appendc(&b, ' ') == -1)
			break;
		if (forwarded && head &&
		    (field = quote_field(p + k, nl, &f, &c)) != NULL) {
			if (buf_appends(&b, field) == -1 ||
			    buf_appendc(&b, ':') == -1)
				break;
			k += f + c;
		}
		if (buf_append(&b, p + k, (size_t)(nl - p) - k) == -1 ||
		    buf_appendc(&b, '\n') == -1)
			break;
		p = nl + 1;
	}
	out = arena_strndup(a, b.data ? b.data : "", b.len);
	*len_r = b.len;
	buf_free(&b);
	return out;
}

/*
 * Does a Received field's value [v, end) read as a trace ("from x ... by
 * y", "by y", qmail's "(qmail 123 invoked by uid 0)"), not as a report's
 * summary line ("Received:    Sun, 29 Nov 2026 09:36:55 -0800")?
 */
static int
trace_value(const char *v, const char *end)
{
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	if ((end - v >= 5 && strncasecmp(v, "from ", 5) == 0) ||
	    (end - v >= 3 && strncasecmp(v, "by ", 3) == 0) ||
	    (v < end && *v == '(') || v == end)
		return 1;
	for (; end - v >= 4; v++)
		if (strncasecmp(v, " by ", 4) == 0)
			return 1;
	return 0;
}

/*
 * A run of header lines is the original when it has a Message-ID or a
 * Received field and weighs at least 3 (see name_weight); a run right
 * after a marker line may lack both if it weighs 4 (From, To, Subject,
 * Date, or Outlook's "Sent" for Date); any run weighing 5 or more is one
 * as well.
 * A short summary ("Subject: x / Date: y") in the prose weighs less.
 */
static int
run_ok(int weight, int has_key, int marked)
{
	return (has_key && weight >= 3) || (marked && weight >= 4) ||
	    weight >= 5;
}

/* Outlook's and OWA's line over a quoted header: underscores alone (32
 * of them; 20 or more). */
static int
rule_line(const char *p, const char *nl)
{
	const char	*q = p;

	while (q < nl && *q == '_')
		q++;
	while (q < nl && (*q == ' ' || *q == '\t' || *q == '\r'))
		q++;
	return q == nl && q - p >= 20;
}

/*
 * Find the header run to read: with first set, the first run that looks
 * like a message's header at all (a forwarded message). Otherwise the
 * first run that is an original (see run_ok) and holds a Received field
 * (a header as it travelled: a bouncer's summary of the message lists
 * none), or holds a Message-ID and follows a marker line. Everything after
 * it is the quoted original's body, where the spam's own text may hold a
 * marker and a decoy header block naming our relay: no later run is ever
 * the original. Without such a run, the best one by rank; returns its
 * start or NULL.
 */
static const char *
find_run(const char *text, size_t len, int first, int answer, int *quote_r)
{
	const char	*p = text, *end = text + len, *nl, *run = NULL;
	const char	*best = NULL, *after_marker = NULL;
	int		 weight = 0, has_key = 0, marked, best_rank = 0, rank;
	int		 best_weight = 0, has_received = 0, quote = 0;
	int		 best_quote = 0, w, qf;
	size_t		 n, pre, run_pre = 0, qn, qc;

	*quote_r = 0;

	for (;;) {
		nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
		if (nl == NULL)
			nl = end;
		pre = p < end ? quote_prefix(p, nl) : 0;
		n = p < end ? field_name(p + pre, nl) : 0;
		w = n > 0 ? name_weight(p + pre, n) : 0;
		/* a mail program's quote header ("Von:", "Envoyé :",
		 * Outlook's "Sent:"): in a forward it weighs as a field, in
		 * an answer only under a marker (below) */
		qf = (first || answer) && p < end && w == 0 &&
		    quote_field(p + pre, nl, &qn, &qc) != NULL;
		if (n > 0 || qf) {
			/* a summary's "Received: <date>" is no trace field */
			if (w == 2 && !trace_value(p + pre + n + 1, nl))
				w = 1;
			if (qf && first)
				w = 1;

			if (run == NULL) {
				run = p;
				run_pre = pre;
				weight = has_key = has_received = quote = 0;
			}
			if (qf && !first)
				quote++;
			weight += w;
			has_key |= w >= 2;
			has_received |= w == 2;
		} else if (p < end && run != NULL && nl > p + pre &&
		    ((pre > 0 && (p[pre - 1] == ' ' || p[pre - 1] == '\t')) ||
		    (pre == run_pre && strncmp(p, run, pre) == 0 &&
		    !is_marker(p, (size_t)(nl - p))))) {
			/* a continuation line: indented, or one that lost its
			 * indentation when a program unfolded the field
			 * (the same quote marks, no field name: the block
			 * goes on until an empty line) */
		} else {
			if (run != NULL) {
				if (first && weight >= 3)
					return run;
				marked = after_marker != NULL && run >= after_marker &&
				    run - after_marker < 4096;
				/* a quote header's names weigh only under a
				 * marker: a report's summary says "Sent:" too */
				if (marked)
					weight += quote;
				else
					quote = 0;
				rank = run_ok(weight, has_key, marked) ?
				    1 + 2 * has_key + marked : 0;
				/* the original: its body follows; under a
				 * marker, a mail program's quote header is the
				 * answered message (those below it, older ones
				 * of the thread) */
				if (!first && rank > 0 &&
				    (has_received || (has_key && marked) ||
				    (marked && quote > 0))) {
					*quote_r = quote > 0;
					return run;
				}
				/* rank: keyed and marked > keyed > marked >
				 * heavy alone; equal rank: the heavier block,
				 * and at equal weight the later (summaries
				 * come first) */
				if (rank > best_rank || (rank == best_rank &&
				    rank > 0 && weight >= best_weight)) {
					best = run;
					best_rank = rank;
					best_weight = weight;
					best_quote = quote > 0;
				}
				run = NULL;
			}
			if (p < end && nl > p && (is_marker(p, (size_t)(nl - p)) ||
			    (answer && rule_line(p, nl))))
				after_marker = p;
		}
		if (p >= end)
			break;
		p = nl + 1;
	}
	if (first)
		return NULL;
	*quote_r = best_quote;
	return best;
}

static int
read_run(struct arena *a, struct original *o, const char *text, size_t len,
    int first, int answer, size_t *start_r)
{
	const char	*run;
	char		*copy;
	size_t		 n;
	int		 quote;

	if (len > LIMIT_INLINE_SCAN)
		len = LIMIT_INLINE_SCAN;
	if ((run = find_run(text, len, first, answer, &quote)) == NULL)
		return 0;
	if ((copy = dequote(a, run, text + len, &n, first || quote)) == NULL)
		return -1;
	*start_r = (size_t)(run - text);
	original_read(a, o, SOURCE_INLINE, copy, n);
	return 1;
}

int
original_find_inline(struct arena *a, struct original *o, const char *text,
    size_t len, int answer, size_t *start_r)
{
	return read_run(a, o, text, len, 0, answer, start_r);
}

int
original_find_forwarded(struct arena *a, struct original *o, const char *text,
    size_t len)
{
	size_t	 start;

	return read_run(a, o, text, len, 1, 0, &start);
}

char *
original_quoted_lines(struct arena *a, const char *text, size_t len,
    size_t *len_r)
{
	const char	*p = text, *end = text + len, *nl, *q, *c;
	char		*out, *w;
	int		 letters = 0;

	*len_r = 0;
	if ((out = arena_alloc_bytes(a, len + 1)) == NULL)
		return NULL;
	for (w = out; p < end; p = nl < end ? nl + 1 : end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		for (q = p; q < nl && (*q == ' ' || *q == '\t'); q++)
			;
		if (q == nl || *q != '>')
			continue;
		/* every mark of a nested quote, and the blank after each */
		while (q < nl && (*q == '>' || *q == ' '))
			q++;
		/* a letter: ASCII, or any byte of a UTF-8 sequence */
		for (c = q; c < nl && !letters; c++)
			letters = isalpha((unsigned char)*c) ||
			    (unsigned char)*c >= 0x80;
		/* (the line loses a '>' at least: out has room) */
		memcpy(w, q, (size_t)(nl - q));
		w += nl - q;
		*w++ = '\n';
	}
	if (!letters)
		return NULL;
	*w = '\0';
	*len_r = (size_t)(w - out);
	return out;
}

char *
original_scan_message_id(struct arena *a, const char *text, size_t len)
{
	const char	*p = text, *end = text + len;

	while (p < end && (p = strcasestr(p, "message-id")) != NULL && p < end) {
		const char	*v = p + 10;

		while (*v == ' ' || *v == ':' || *v == '\t' || *v == '\n')
			v++;
		if (*v == '<' && v < end) {
			/* the closing bracket within the id's length */
			const char	*r = memchr(v, '>', (size_t)(end - v) < 512 ?
			    (size_t)(end - v) : 512);

			if (r != NULL && r - v > 1 &&
			    memchr(v, '@', (size_t)(r - v)) != NULL &&
			    memchr(v, '\n', (size_t)(r - v)) == NULL)
				return arena_strndup(a, v + 1, (size_t)(r - v - 1));
		}
		p += 10;
	}
	return NULL;
}
