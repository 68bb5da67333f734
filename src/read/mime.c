/*
 * mime.c - MIME part tree, transfer decoding, HTML to text (see mime.h).
 *
 * The recursion over nested multiparts carries a depth and stops at
 * LIMIT_MIME_DEPTH, so hostile nesting costs at most that many passes
 * over the text. Missing or never-closed boundaries are accepted: the
 * last part runs to the end of its parent.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/limits.h"
#include "read/charset.h"
#include "read/codec.h"
#include "read/header.h"
#include "read/message.h"
#include "read/mime.h"

static void
lower(char *s)
{
	for (; s && *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* Fill type, charset, boundary and encoding from the part's header. */
static void
part_describe(struct arena *a, struct mime_part *p, const char *deftype)
{
	char	*ct, *e;

	ct = header_get_raw(a, &p->hdr, "Content-Type");
	if (ct != NULL && *ct != '\0') {
		size_t	 n = strcspn(ct, "; \t");

		p->type = arena_strndup(a, ct, n);
		lower(p->type);
		if (strchr(p->type, '/') == NULL)
			p->type = NULL;	/* "text" alone: broken, use default */
		p->charset = header_param(a, ct, "charset");
		p->boundary = header_param(a, ct, "boundary");
	}
	if (p->type == NULL)
		p->type = arena_strdup(a, deftype);
	if ((e = header_get_raw(a, &p->hdr, "Content-Transfer-Encoding")) != NULL) {
		e[strcspn(e, " \t;")] = '\0';
		lower(e);
		p->encoding = e;
	}
}

static int	add_children(struct arena *, struct mime *, int);

static int
add_part(struct arena *a, struct mime *m, int parent, int depth,
    const char *text, size_t len, int with_header, const char *deftype)
{
	struct mime_part	*p;
	size_t			 off = 0;
	int			 i;

	if (m->count >= LIMIT_MIME_PARTS) {
		m->skipped |= MIME_SKIP_PARTS;
		return -2;
	}
	i = m->count++;
	p = &m->parts[i];
	memset(p, 0, sizeof(*p));
	p->parent = parent;
	p->depth = depth;
	p->head = text;
	if (with_header == 2)
		off = header_parse_returned(a, text, len, &p->hdr);
	else if (with_header)
		off = header_parse(a, text, len, &p->hdr);
	p->body = text + off;
	p->body_len = len - off;
	part_describe(a, p, deftype);
	return add_children(a, m, i);
}

/* Is d (in [s, end)) a delimiter line of boundary b? *close_r says
 * whether it closes. */
static int
delimiter_at(const char *d, const char *end, const char *b, size_t blen,
    int *close_r)
{
	const char	*t;
	int		 closing = 0;

	if ((size_t)(end - d) < blen + 2 || d[0] != '-' || d[1] != '-' ||
	    memcmp(d + 2, b, blen) != 0)
		return 0;
	/* the boundary must end the line (RFC 2046: then only "--" and
	 * blanks), or "b" would match "--b-inner" */
	t = d + 2 + blen;
	if (t + 1 < end && t[0] == '-' && t[1] == '-') {
		closing = 1;
		t += 2;
	}
	while (t < end && (*t == ' ' || *t == '\t'))
		t++;
	if (t != end && *t != '\n')
		return 0;
	*close_r = closing;
	return 1;
}

/*
 * The next delimiter line "--boundary" at or after s, scanning: a
 * delimiter starts a line with '-', so memchr finds the next '-', and one
 * that does not start a line sends the search to the next line. A base64
 * attachment has no '-' at all and is crossed in one call.
 */
static const char *
scan_delimiter(const char *s, size_t len, const char *b, size_t blen,
    int *close_r)
{
	const char	*p = s, *d, *end = s + len;

	while (p < end) {
		if ((d = memchr(p, '-', (size_t)(end - p))) == NULL)
			return NULL;
		if ((d == s || d[-1] == '\n') &&
		    delimiter_at(d, end, b, blen, close_r))
			return d;
		/* inside a line, or a line that is no delimiter */
		if ((p = memchr(d, '\n', (size_t)(end - d))) == NULL)
			return NULL;
		p++;
	}
	return NULL;
}

#define DASH_LINES	4096	/* "--" lines indexed: past them a search scans
				   the text, with the same answer (a cost, not
				   a bound) */

/* Index the lines of body that start with "--", in one scan, up to
 * DASH_LINES of them (past the last, searches scan). */
static void
dash_index(struct arena *a, struct mime *m, const char *body, size_t len)
{
	const char	*p = body, *d, *end = body + len;

	m->dash_base = body;
	m->dash_len = len;
	m->dash_upto = 0;
	if (len > UINT32_MAX ||
	    (m->dash = arena_alloc_bytes(a, DASH_LINES * sizeof(*m->dash))) == NULL)
		return;
	while (p < end) {
		if ((d = memchr(p, '-', (size_t)(end - p))) == NULL)
			break;
		if ((d == body || d[-1] == '\n') && d + 1 < end && d[1] == '-') {
			if (m->ndash == DASH_LINES) {
				m->dash_upto = (size_t)(d - body);
				return;
			}
			m->dash[m->ndash++] = (uint32_t)(d - body);
		}
		if ((p = memchr(d, '\n', (size_t)(end - d))) == NULL)
			break;
		p++;
	}
	m->dash_upto = len;
}

/*
 * The next delimiter line of boundary b at or after s (within [s, s +
 * len)), with *close_r set when it is the close delimiter: looked up in
 * the index of the top-level body when s lies in it, else scanned. A line
 * starting at s counts as starting a line, as a part's first line does.
 */
static const char *
find_delimiter(struct mime *m, const char *s, size_t len, const char *b,
    size_t blen, int *close_r)
{
	const char	*end = s + len, *d;
	size_t		 lo, hi, mid, from, to;

	if (len == 0)		/* (from would lie past to below) */
		return NULL;
	if (m->dash == NULL || s < m->dash_base ||
	    end > m->dash_base + m->dash_len)
		return scan_delimiter(s, len, b, blen, close_r);
	if (delimiter_at(s, end, b, blen, close_r))
		return s;
	from = (size_t)(s - m->dash_base) + 1;
	to = (size_t)(end - m->dash_base);
	/* the first indexed line at or after from */
	for (lo = 0, hi = m->ndash; lo < hi; ) {
		mid = lo + (hi - lo) / 2;
		if (m->dash[mid] < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < m->ndash && m->dash[lo] < to; lo++) {
		d = m->dash_base + m->dash[lo];
		if (delimiter_at(d, end, b, blen, close_r))
			return d;
	}
	if (m->dash_upto >= to)
		return NULL;
	/* past the index: the rest of the text, scanned */
	if (from < m->dash_upto)
		from = m->dash_upto;
	d = m->dash_base + from;
	while (d > s && d[-1] != '\n')	/* from a line's start */
		d--;
	return scan_delimiter(d, (size_t)(end - d), b, blen, close_r);
}

static int
add_children(struct arena *a, struct mime *m, int i)
{
	struct mime_part	*p = &m->parts[i];
	const char		*body = p->body, *d, *start, *end;
	size_t			 len = p->body_len, blen;
	int			 close = 0, depth = p->depth, nkids = 0, r;
	const char		*deftype;

	if (strcmp(p->type, "message/rfc822") == 0 ||
	    strcmp(p->type, "message/global") == 0 ||
	    strcmp(p->type, "message/partial") == 0) {
		if (depth + 1 >= LIMIT_MIME_DEPTH) {
			m->skipped |= MIME_SKIP_DEPTH;
			return 0;
		}
		/* The embedded message is read as it stands; an encoded one
		 * (RFC 2046 allows none, but mail systems write base64 and
		 * quoted-printable) is decoded first, at most
		 * LIMIT_PART_DECODED, and its line ends made LF */
		if (p->encoding != NULL &&
		    (strcmp(p->encoding, "base64") == 0 ||
		    strcmp(p->encoding, "quoted-printable") == 0)) {
			char	*t;
			size_t	 n;

			if ((t = mime_decode(a, p, &n)) == NULL ||
			    (body = text_normalise(a, t, n, &len)) == NULL)
				return -1;
		}
		nkids = m->count;
		r = add_part(a, m, i, depth + 1, body, len, 2, "text/plain");
		if (nkids < m->count)
			m->parts[nkids].embedded = 1;
		return r == -1 ? -1 : 0;
	}
	if (strncmp(p->type, "multipart/", 10) != 0)
		return 0;
	if (p->boundary == NULL || *p->boundary == '\0')
		goto as_text;
	if (depth + 1 >= LIMIT_MIME_DEPTH) {
		m->skipped |= MIME_SKIP_DEPTH;
		return 0;
	}
	deftype = strcmp(p->type, "multipart/digest") == 0 ?
	    "message/rfc822" : "text/plain";
	blen = strlen(p->boundary);
	if (m->dash_base == NULL && i == 0)
		dash_index(a, m, body, len);
	d = find_delimiter(m, body, len, p->boundary, blen, &close);
	if (d == NULL)
		goto as_text;
	while (d != NULL && !close) {
		/* part content starts after the delimiter line */
		start = memchr(d, '\n', (size_t)(body + len - d));
		if (start == NULL)
			break;
		start++;
		end = find_delimiter(m, start, (size_t)(body + len - start),
		    p->boundary, blen, &close);
		d = end;
		if (end == NULL)
			end = body + len;	/* never closed */
		else if (end > start && end[-1] == '\n')
			end--;			/* the LF belongs to the delimiter */
		r = add_part(a, m, i, depth + 1, start, (size_t)(end - start),
		    1, deftype);
		if (r == -1)
			return -1;
		if (r == -2)
			return 0;
		nkids++;
		p = &m->parts[i];
	}
	if (nkids > 0)
		return 0;
as_text:
	/* A multipart we cannot split is still text worth reading. */
	m->parts[i].type = arena_strdup(a, "text/plain");
	return 0;
}

int
mime_parse(struct arena *a, const struct header_block *top, const char *body,
    size_t body_len, struct mime *r)
{
	struct mime_part	*p;

	memset(r, 0, sizeof(*r));
	/* each part is zeroed as it is added: most messages have a few of
	 * the LIMIT_MIME_PARTS, and the rest is never touched */
	r->parts = arena_alloc_bytes(a, LIMIT_MIME_PARTS * sizeof(*r->parts));
	if (r->parts == NULL)
		return -1;
	p = &r->parts[0];
	memset(p, 0, sizeof(*p));
	r->count = 1;
	p->parent = -1;
	p->hdr = *top;
	p->body = body;
	p->body_len = body_len;
	part_describe(a, p, "text/plain");
	return add_children(a, r, 0) == -1 ? -1 : 0;
}

int
mime_within(const struct mime *m, int i, int anc)
{
	while (i > anc && i >= 0)
		i = m->parts[i].parent;
	return i == anc;
}

/* --- decoding ----------------------------------------------------------- */

/* The part's transfer encoding: 'b' base64, 'q' quoted-printable, 0 as
 * it is (7bit, 8bit, binary, none, or one not known). */
static int
encoded(const struct mime_part *p)
{
	if (p->encoding == NULL)
		return 0;
	if (strcmp(p->encoding, "base64") == 0)
		return 'b';
	return strcmp(p->encoding, "quoted-printable") == 0 ? 'q' : 0;
}

char *
mime_decode(struct arena *a, const struct mime_part *p, size_t *len_r)
{
	size_t	 n = p->body_len;
	char	*out;
	int	 enc = encoded(p);

	/* encoded, twice what is kept decoded; as it is, what is kept (a
	 * 3 MB text original was copied whole to keep 2 MiB of it) */
	if (n > LIMIT_PART_DECODED * (enc != 0 ? 2 : 1))
		n = LIMIT_PART_DECODED * (enc != 0 ? 2 : 1);
	if ((out = arena_alloc_bytes(a, n + 1)) == NULL)
		return NULL;
	if (enc == 'b')
		n = base64_decode(p->body, n, out);
	else if (enc == 'q')
		n = qp_decode(p->body, n, out);
	else
		memcpy(out, p->body, n);
	if (n > LIMIT_PART_DECODED)
		n = LIMIT_PART_DECODED;
	out[n] = '\0';
	*len_r = n;
	return out;
}

/* A few entities cover what bounce HTML uses. */
static const struct {
	const char	*name;
	const char	*text;
} entities[] = {
	{ "amp;", "&" }, { "lt;", "<" }, { "gt;", ">" }, { "quot;", "\"" },
	{ "nbsp;", " " }, { "#39;", "'" }, { "apos;", "'" },
};

char *
html_to_text(struct arena *a, const char *s, size_t n, size_t *len_r)
{
	char	*out, *o;
	size_t	 i, k;

	if ((out = arena_alloc_bytes(a, n + 1)) == NULL)
		return NULL;
	o = out;
	for (i = 0; i < n; i++) {
		if (s[i] == '<') {
			const char	*t = s + i + 1;
			int		 block, cell;

			/* skip <style> and <script> content entirely */
			if (n - i > 7 && (strncasecmp(t, "style", 5) == 0 ||
			    strncasecmp(t, "script", 6) == 0)) {
				const char	*e = t;

				while ((e = memmem(e, (size_t)(s + n - e), "</", 2)) != NULL &&
				    strncasecmp(e + 2, "style", 5) != 0 &&
				    strncasecmp(e + 2, "script", 6) != 0)
					e += 2;
				if (e == NULL)
					break;	/* never closed: the rest is style */
				i = (size_t)(e - s);
			}
			block = n - i > 3 && (strncasecmp(t, "br", 2) == 0 ||
			    strncasecmp(t, "p", 1) == 0 || strncasecmp(t, "div", 3) == 0 ||
			    strncasecmp(t, "/p", 2) == 0 || strncasecmp(t, "tr", 2) == 0 ||
			    strncasecmp(t, "/div", 4) == 0 || strncasecmp(t, "li", 2) == 0 ||
			    strncasecmp(t, "/tr", 3) == 0 || strncasecmp(t, "h", 1) == 0);
			/* a table's cells are words apart ("Recipient" in
			 * one, the address in the next) */
			cell = n - i > 3 && (strncasecmp(t, "td", 2) == 0 ||
			    strncasecmp(t, "th", 2) == 0 ||
			    strncasecmp(t, "/td", 3) == 0 ||
			    strncasecmp(t, "/th", 3) == 0);
			while (i < n && s[i] != '>')
				i++;
			if (block && o > out && o[-1] != '\n')
				*o++ = '\n';
			else if (cell && o > out && o[-1] != '\n' &&
			    o[-1] != ' ')
				*o++ = ' ';
			continue;
		}
		if (s[i] == '&') {
			for (k = 0; k < sizeof(entities) / sizeof(entities[0]); k++) {
				size_t	 el = strlen(entities[k].name);

				if (n - i - 1 >= el &&
				    strncasecmp(s + i + 1, entities[k].name, el) == 0) {
					*o++ = entities[k].text[0];
					i += el;
					break;
				}
			}
			if (k < sizeof(entities) / sizeof(entities[0]))
				continue;
		}
		*o++ = s[i];
	}
	*o = '\0';
	*len_r = (size_t)(o - out);
	return out;
}

char *
mime_text(struct arena *a, const struct mime_part *p, size_t *len_r)
{
	char	*raw, *text;
	size_t	 n;

	if ((raw = mime_decode(a, p, &n)) == NULL)
		return NULL;
	/* the decoded bytes may hold CR and NUL again */
	if (memchr(raw, '\r', n) != NULL || memchr(raw, '\0', n) != NULL)
		raw = text_normalise(a, raw, n, &n);
	if (raw == NULL)
		return NULL;
	/* raw is ours, in the arena: valid UTF-8 is kept there, not copied
	 * again (a 1 MB text original took four copies of itself) */
	if (charset_kept(p->charset, raw, n)) {
		if (n > LIMIT_PART_DECODED)
			n = LIMIT_PART_DECODED;
		raw[n] = '\0';
		text = raw;
	} else if ((text = charset_to_utf8(a, p->charset, raw, n, &n)) ==
	    NULL)
		return NULL;
	if (strcmp(p->type, "text/html") == 0)
		text = html_to_text(a, text, n, &n);
	*len_r = n;
	return text;
}

char *
mime_text_upto(struct arena *a, const struct mime_part *p, size_t cap,
    size_t *len_r)
{
	size_t	 n = p->body_len;
	char	*out;

	/* a part whose text is its bytes as they are (not encoded, no CR or
	 * NUL, valid UTF-8, not HTML): what mime_text would give, but only
	 * as far as cap and a byte past it (a 1.6 MB text original copied
	 * whole to keep its first MiB: 0.35 MiB over the memory budget) */
	if (encoded(p) == 0 && p->body != NULL &&
	    strcmp(p->type, "text/html") != 0) {
		if (n > LIMIT_PART_DECODED)
			n = LIMIT_PART_DECODED;
		if (memchr(p->body, '\r', n) == NULL &&
		    memchr(p->body, '\0', n) == NULL &&
		    charset_kept(p->charset, p->body, n)) {
			if (n > cap)
				n = cap + 1;
			if ((out = arena_alloc_bytes(a, n + 1)) == NULL)
				return NULL;
			memcpy(out, p->body, n);
			out[n] = '\0';
			*len_r = n;
			return out;
		}
	}
	return mime_text(a, p, len_r);
}
