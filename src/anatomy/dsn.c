/*
 * dsn.c - delivery-status fields (see dsn.h).
 *
 * Blocks are separated by empty lines; a block with a Final-Recipient or
 * Original-Recipient is a recipient block. Broken DSNs that put all fields
 * in one block, indent them, or unfold a long field without its
 * indentation are read too.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/limits.h"
#include "read/charset.h"
#include "read/address.h"
#include "read/header.h"
#include "anatomy/anatomy.h"
#include "anatomy/dsn.h"

int
dsn_status_code(const char *s, char *out)
{
	const char	*p;
	size_t		 a, b, c;

	for (p = s; p && *p; p++) {
		if ((*p != '2' && *p != '4' && *p != '5') || p[1] != '.')
			continue;
		if (p > s && (isdigit((unsigned char)p[-1]) || p[-1] == '.'))
			continue;
		a = 1;
		b = strspn(p + 2, "0123456789");
		if (b == 0 || b > 3 || p[2 + b] != '.')
			continue;
		c = strspn(p + 3 + b, "0123456789");
		if (c == 0 || c > 3 || p[3 + b + c] == '.' ||
		    isdigit((unsigned char)p[3 + b + c]))
			continue;
		memcpy(out, p, a + 1 + b + 1 + c);
		out[a + 1 + b + 1 + c] = '\0';
		return 1;
	}
	return 0;
}

/* Does s begin the rest of an enhanced status code after its class
 * and dot: 1-3 digits, a dot, 1-3 digits, and no more digits or dots
 * ("1.1 User unknown", not "5 kg" or "5.5.5.5")? */
static int
status_tail(const char *s)
{
	size_t	 a, b;

	a = strspn(s, "0123456789");
	if (a == 0 || a > 3 || s[a] != '.')
		return 0;
	b = strspn(s + a + 1, "0123456789");
	return b > 0 && b <= 3 && s[a + 1 + b] != '.' &&
	    !isdigit((unsigned char)s[a + 1 + b]);
}

int
dsn_smtp_refusal(const char *text)
{
	const char	*p;

	/* Exchange's own form: "<mail.example.com #5.1.1>" */
	for (p = text; (p = strstr(p, " #")) != NULL; p += 2) {
		const char	*q = p + 2;

		if ((*q != '4' && *q != '5') || q[1] != '.' ||
		    !status_tail(q + 2))
			continue;
		q += 2 + strspn(q + 2, "0123456789.");
		if (*q == '>')
			return 1;
	}
	for (p = text; (p = strpbrk(p, "45")) != NULL; p++) {
		if (p > text && (isalnum((unsigned char)p[-1]) ||
		    p[-1] == '.'))
			continue;
		if (!isdigit((unsigned char)p[1]) ||
		    !isdigit((unsigned char)p[2]) ||
		    (p[3] != ' ' && p[3] != '-') || p[4] != p[0] ||
		    p[5] != '.' || !status_tail(p + 6))
			continue;
		return 1;
	}
	return 0;
}

/* Strip a "type;" prefix ("smtp; 550 ...", "rfc822; a@b"). */
static char *
strip_type(char *v)
{
	char	*semi;

	if (v == NULL)
		return NULL;
	semi = strchr(v, ';');
	if (semi != NULL && semi - v < 20) {
		char	*p;

		for (p = v; p < semi; p++)
			if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
				return v;
		v = semi + 1;
		while (*v == ' ')
			v++;
	}
	return v;
}

static char *
field(struct arena *a, const struct header_block *hb, const char *name)
{
	return header_get_raw(a, hb, name);
}

static int
named(const struct header *f, const char *name)
{
	size_t	 n = strlen(name);

	return f->name_len == n && strncasecmp(f->name, name, n) == 0;
}

/*
 * A Final-Recipient that is a bare name (AOL's relays wrote screen names,
 * "Final-Recipient: RFC822; gardenlady54"): a user of the bouncing
 * domain, qualified with it only when the report says so itself: its
 * Reporting-MTA is a host of the domain its From (MAILER-DAEMON@aol.com)
 * names. NULL otherwise.
 */
static char *
qualify_bare(struct arena *a, const struct analysis *an, const char *v)
{
	const char	*dom = address_domain(an->from), *p;
	size_t		 n;

	if (v == NULL || dom == NULL || strchr(dom, '.') == NULL ||
	    an->reporting_mta == NULL)
		return NULL;
	n = strcspn(v, " \t");
	if (n == 0 || n > 64 || v[n + strspn(v + n, " \t")] != '\0')
		return NULL;
	for (p = v; p < v + n; p++)
		if (!isalnum((unsigned char)*p) && strchr("._-+", *p) == NULL)
			return NULL;
	{
		char	*host = arena_strndup(a, an->reporting_mta,
		    strcspn(an->reporting_mta, " \t;("));

		if (host == NULL || !domain_within(host, dom))
			return NULL;
	}
	{
		size_t	 dn = strlen(dom);
		char	*q = arena_alloc(a, n + dn + 2);

		if (q == NULL)
			return NULL;
		memcpy(q, v, n);
		q[n] = '@';
		memcpy(q + n + 1, dom, dn + 1);
		return q;
	}
}

/*
 * A Final-Recipient the address parser refuses but that is one address
 * still ("rfc822; user@#host", a domain mangled on its way): the report's
 * own word for what failed, taken as written. NULL when it is not one
 * token "local@domain" of visible characters.
 */
static char *
as_written(struct arena *a, const char *v)
{
	const char	*p, *at = NULL;
	size_t		 n;

	if (v == NULL)
		return NULL;
	v += strspn(v, " \t<");
	n = strcspn(v, " \t>");
	if (n == 0 || n > 254 || v[n + strspn(v + n, " \t>")] != '\0')
		return NULL;
	for (p = v; p < v + n; p++) {
		if (*p <= ' ' || *p >= 0x7f || strchr("<>()[]\",;\\", *p))
			return NULL;
		if (*p == '@') {
			if (at != NULL)
				return NULL;
			at = p;
		}
	}
	if (at == NULL || at == v || at == v + n - 1)
		return NULL;
	return arena_strndup(a, v, n);
}

/* Read one recipient's fields; 1 if a recipient was added. */
static int
recipient_block(struct arena *a, const struct header_block *hb,
    struct analysis *an)
{
	struct recipient	*r;
	char			*fr, *or, *addr, *v, code[16];

	fr = field(a, hb, "Final-Recipient");
	or = field(a, hb, "Original-Recipient");
	if (fr == NULL)
		fr = field(a, hb, "X-Actual-Recipient");
	addr = NULL;
	if (fr != NULL)
		addr = address_first(a, fr);
	/* A source route ("@relay:user@host") or a host without a dot names
	 * an internal hop; the original recipient is the address the sender
	 * used. */
	if (or != NULL && (addr == NULL || strchr(fr, ':') != strrchr(fr, ':') ||
	    strchr(address_domain(addr), '.') == NULL)) {
		char	*o = address_first(a, or);

		if (o != NULL)
			addr = o;
	}
	if (addr == NULL && fr != NULL)
		addr = qualify_bare(a, an, strip_type(fr));
	if (addr == NULL && fr != NULL)
		addr = as_written(a, strip_type(fr));
	if (addr == NULL || (r = anatomy_add_recipient(an, a, addr)) == NULL)
		return 0;
	/* the address the sender wrote, when an alias or a forward made
	 * another of it */
	anatomy_original_recipient(r, a, or);
	if ((v = field(a, hb, "Action")) != NULL) {
		v[strcspn(v, " \t;(")] = '\0';
		for (char *p = v; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		r->action = v;
	}
	if ((v = field(a, hb, "Status")) != NULL && dsn_status_code(v, code))
		r->status = arena_strdup(a, code);
	if ((v = field(a, hb, "Diagnostic-Code")) != NULL &&
	    *(v = strip_type(v)) != '\0') {
		v[charset_cut(v, strlen(v), LIMIT_DIAGNOSTIC)] = '\0';
		r->diagnostic = v;
	}
	if ((v = field(a, hb, "Remote-MTA")) != NULL)
		r->remote_mta = strip_type(v);
	return 1;
}

/* Does the line [t, nl) start a field ("Name:" or "Name :")? */
static int
starts_field(const char *t, const char *nl)
{
	const char	*c = t;

	while (c < nl && (isalnum((unsigned char)*c) || *c == '-' ||
	    *c == '_' || *c == '.'))
		c++;
	if (c == t)
		return 0;
	while (c < nl && (*c == ' ' || *c == '\t'))
		c++;
	return c < nl && *c == ':';
}

/*
 * Copy the field block at s (up to an empty or blank line) so that the
 * header parser reads it as the report meant it: the blanks before a
 * field's name taken off (DSNs written indented), and a line that is no
 * "Name:" continuing the field above even when it lost its indentation
 * (a program unfolded the long Diagnostic-Code without keeping the
 * blank; RFC 5322 2.2.3 folds with one). Sets the copy's length and the
 * bytes consumed from s; NULL with *consumed_r 0 when the first line is
 * no field, NULL with *consumed_r set when out of arena.
 */
static char *
field_block(struct arena *a, const char *s, size_t n, size_t *len_r,
    size_t *consumed_r)
{
	char		*out, *o;
	const char	*p = s, *end = s + n, *nl, *t;
	size_t		 block, lines, indent = 0;

	*consumed_r = 0;
	/* the block's size first: allocate only that, so many small
	 * blocks cost their own size, not the rest of the text each */
	for (lines = 0; p < end; lines++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		for (t = p; t < nl && (*t == ' ' || *t == '\t' || *t == '\r'); t++)
			;
		if (t == nl || (lines == 0 && !starts_field(t, nl)))
			break;
		p = nl < end ? nl + 1 : end;
	}
	block = (size_t)(p - s);
	if (lines == 0)
		return NULL;
	*consumed_r = block;
	if ((out = arena_alloc(a, block + lines + 2)) == NULL)
		return NULL;
	o = out;
	for (p = s, end = s + block; p < end; ) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		for (t = p; t < nl && (*t == ' ' || *t == '\t'); t++)
			;
		if (p == s)
			indent = (size_t)(t - p);
		/* deeper than the first field: folded as RFC 5322 says */
		if ((size_t)(t - p) > indent || !starts_field(t, nl)) {
			/* a continuation: indented, or given a blank */
			t = p;
			if (*p != ' ' && *p != '\t')
				*o++ = ' ';
		}
		memcpy(o, t, (size_t)(nl - t));
		o += nl - t;
		*o++ = '\n';
		p = nl < end ? nl + 1 : end;
	}
	*o = '\0';
	*len_r = (size_t)(o - out);
	return out;
}

int
dsn_parse(struct arena *a, const char *text, size_t len, struct analysis *an)
{
	struct header_block	 hb, sub;
	size_t			 off = 0, used, i, start;
	int			 found = 0, block = 0, seen_final, seen_status;
	char			*v;

	while (off < len) {
		/* skip blank (or blank-looking) lines */
		while (off < len) {
			size_t	 k = off;

			while (k < len && (text[k] == ' ' || text[k] == '\t'))
				k++;
			if (k < len && text[k] != '\n')
				break;
			off = k < len ? k + 1 : len;
		}
		if (off >= len)
			break;
		{
			char	*copy;
			size_t	 clen = 0, consumed;

			copy = field_block(a, text + off, len - off, &clen,
			    &consumed);
			if (copy == NULL && consumed > 0)
				return found;		/* out of arena */
			hb.count = 0;
			if (copy != NULL)
				header_parse(a, copy, clen, &hb);
			used = consumed;
		}
		if (hb.count == 0) {
			/* not a field block: skip the line */
			const char	*nl = memchr(text + off, '\n', len - off);

			off = nl ? (size_t)(nl - text) + 1 : len;
			continue;
		}
		off += used;
		if (block++ == 0 || an->reporting_mta == NULL) {
			if ((v = field(a, &hb, "Reporting-MTA")) != NULL)
				an->reporting_mta = strip_type(v);
			if ((v = field(a, &hb, "Original-Envelope-Id")) != NULL)
				an->envelope_id = v;
		}
		/* Broken DSNs run recipients together without the empty
		 * line: a second Final-Recipient (or an Original-Recipient
		 * after one) starts the next recipient. */
		start = 0;
		seen_final = seen_status = 0;
		for (i = 0; i <= hb.count; i++) {
			int	 split = i == hb.count;

			if (!split && ((seen_final &&
			    named(&hb.fields[i], "Final-Recipient")) ||
			    (seen_status &&
			    named(&hb.fields[i], "Original-Recipient"))))
				split = 1;
			if (split) {
				sub.fields = hb.fields + start;
				sub.count = i - start;
				sub.truncated = 0;
				found += recipient_block(a, &sub, an);
				start = i;
				seen_final = seen_status = 0;
			}
			if (i == hb.count)
				break;
			if (named(&hb.fields[i], "Final-Recipient"))
				seen_final = 1;
			if (named(&hb.fields[i], "Action") ||
			    named(&hb.fields[i], "Status"))
				seen_status = 1;
		}
	}
	return found;
}
