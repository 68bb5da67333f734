/*
 * header.c - header index, unfolding, RFC 2047 decoding, charsets,
 * addresses and parameters (see header.h).
 *
 * Everything here is lenient: real bounces are written by broken software.
 * A line without a colon ends the block instead of failing; an encoded
 * word that does not decode is kept as it was; an unknown charset is read
 * as UTF-8 if it is valid, else as Latin-1.
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/limits.h"
#include "read/codec.h"
#include "read/header.h"

static int
is_field_name_char(unsigned char c)
{
	return c > ' ' && c < 127 && c != ':';
}

static int
is_token_char(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.';
}

/* "Name:" with a plain token name (what real header fields use). */
static int
starts_field(const char *s, size_t n)
{
	size_t	 i = 0;

	while (i < n && is_token_char((unsigned char)s[i]))
		i++;
	if (i == 0)
		return 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < n && s[i] == ':';
}

static size_t
parse_block(struct arena *a, const char *text, size_t len,
    struct header_block *r, int lenient)
{
	size_t		 off = 0, cap = 0, next, i;
	const char	*nl;
	struct header	*f;

	r->fields = NULL;
	r->count = 0;
	r->truncated = 0;
	while (off < len) {
		nl = memchr(text + off, '\n', len - off);
		next = nl ? (size_t)(nl - text) + 1 : len;
		if (text[off] == '\n')
			return next;
		if (text[off] == ' ' || text[off] == '\t' || (lenient &&
		    r->count > 0 && !starts_field(text + off, next - off))) {
			/* continuation; before any field it is junk we skip */
			if (r->count > 0 && !r->truncated) {
				f = &r->fields[r->count - 1];
				f->value_len = (size_t)(text + next - f->value);
				if (nl != NULL)
					f->value_len--;
			}
			off = next;
			continue;
		}
		for (i = off; i < next && is_field_name_char(
		    (unsigned char)text[i]); i++)
			;
		{
			size_t	 name_end = i;

			while (i < next && (text[i] == ' ' || text[i] == '\t'))
				i++;
			if (i >= next || text[i] != ':' || name_end == off)
				return off;	/* not a field: body starts here */
			if (r->count >= LIMIT_HEADER_FIELDS) {
				r->truncated = 1;
				off = next;
				continue;
			}
			if (r->count == cap) {
				struct header	*nf;

				cap = cap ? cap * 2 : 32;
				if (cap > LIMIT_HEADER_FIELDS)
					cap = LIMIT_HEADER_FIELDS;
				if ((nf = arena_alloc(a, cap * sizeof(*nf))) == NULL) {
					r->truncated = 1;
					return next;
				}
				if (r->count > 0)
					memcpy(nf, r->fields, r->count * sizeof(*nf));
				r->fields = nf;
			}
			f = &r->fields[r->count++];
			f->name = text + off;
			f->name_len = name_end - off;
			f->value = text + i + 1;
			f->value_len = (size_t)(text + next - f->value);
			if (nl != NULL)
				f->value_len--;
		}
		off = next;
	}
	return len;
}

size_t
header_parse(struct arena *a, const char *text, size_t len,
    struct header_block *r)
{
	return parse_block(a, text, len, r, 0);
}

size_t
header_parse_returned(struct arena *a, const char *text, size_t len,
    struct header_block *r)
{
	return parse_block(a, text, len, r, 1);
}

long
header_find(const struct header_block *hb, const char *name, int n)
{
	size_t	 i, nlen = strlen(name);

	for (i = 0; i < hb->count; i++)
		if (hb->fields[i].name_len == nlen &&
		    strncasecmp(hb->fields[i].name, name, nlen) == 0 &&
		    n-- == 0)
			return (long)i;
	return -1;
}

char *
header_unfold(struct arena *a, const struct header *f)
{
	size_t	 n = f->value_len, i, o = 0;
	char	*out;

	if (n > LIMIT_HEADER_VALUE)
		n = LIMIT_HEADER_VALUE;
	if ((out = arena_alloc(a, n + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		char	 c = f->value[i];

		if (c == '\n')
			continue;	/* unfold: the WSP after it stays */
		if (c == '\t')
			c = ' ';
		out[o++] = c;
	}
	/* trim */
	while (o > 0 && (out[o - 1] == ' '))
		o--;
	out[o] = '\0';
	i = 0;
	while (out[i] == ' ')
		i++;
	return out + i;
}

char *
header_get_raw(struct arena *a, const struct header_block *hb,
    const char *name)
{
	long	 i;

	if ((i = header_find(hb, name, 0)) == -1)
		return NULL;
	return header_unfold(a, &hb->fields[i]);
}

char *
header_get(struct arena *a, const struct header_block *hb, const char *name)
{
	char	*v;

	if ((v = header_get_raw(a, hb, name)) == NULL)
		return NULL;
	if (strstr(v, "=?") == NULL)
		return v;
	return rfc2047_decode(a, v);
}

/* --- charsets ---------------------------------------------------------- */

static int
valid_utf8(const unsigned char *s, size_t n)
{
	size_t	 i = 0, k, len;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			len = 2;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			len = 3;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			len = 4;
		else
			return 0;
		if (i + len > n)
			return 0;
		for (k = 1; k < len; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
		i += len;
	}
	return 1;
}

static char *
latin1_to_utf8(struct arena *a, const char *s, size_t n, size_t *len_r)
{
	char	*out, *o;
	size_t	 i;

	if ((out = arena_alloc(a, 2 * n + 1)) == NULL)
		return NULL;
	o = out;
	for (i = 0; i < n; i++) {
		unsigned char	 c = (unsigned char)s[i];

		if (c < 0x80)
			*o++ = (char)c;
		else {
			*o++ = (char)(0xc0 | (c >> 6));
			*o++ = (char)(0x80 | (c & 0x3f));
		}
	}
	*o = '\0';
	if (len_r)
		*len_r = (size_t)(o - out);
	return out;
}

static int
is_utf8_name(const char *cs)
{
	return strcasecmp(cs, "utf-8") == 0 || strcasecmp(cs, "utf8") == 0 ||
	    strcasecmp(cs, "us-ascii") == 0 || strcasecmp(cs, "ascii") == 0;
}

char *
charset_to_utf8(struct arena *a, const char *charset, const char *s,
    size_t n, size_t *len_r)
{
	iconv_t	 cd;
	char	*out, *in, *o;
	size_t	 cap, inleft, outleft;

	if (n > LIMIT_PART_DECODED)
		n = LIMIT_PART_DECODED;
	/* Valid UTF-8 is taken as it is whatever the label says (most
	 * mislabelled text is UTF-8), except ISO-2022, which is 7-bit and
	 * always needs converting. */
	if ((charset == NULL || strncasecmp(charset, "iso-2022", 8) != 0) &&
	    valid_utf8((const unsigned char *)s, n)) {
		if (len_r)
			*len_r = n;
		return arena_strndup(a, s, n);
	}
	if (charset == NULL || is_utf8_name(charset))
		return latin1_to_utf8(a, s, n, len_r);
	if ((cd = iconv_open("UTF-8//TRANSLIT", charset)) == (iconv_t)-1)
		return latin1_to_utf8(a, s, n, len_r);
	cap = 4 * n + 16;
	if ((out = arena_alloc(a, cap)) == NULL) {
		iconv_close(cd);
		return NULL;
	}
	in = (char *)s;
	inleft = n;
	o = out;
	outleft = cap - 1;
	while (inleft > 0) {
		if (iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1)
			break;
		if (errno == EILSEQ || errno == EINVAL) {
			/* one bad byte: U+FFFD and go on */
			if (outleft < 4)
				break;
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			outleft -= 3;
			in++;
			inleft--;
			iconv(cd, NULL, NULL, NULL, NULL);
			continue;
		}
		break;	/* E2BIG cannot happen with 4x room; stop anyway */
	}
	iconv_close(cd);
	*o = '\0';
	if (len_r)
		*len_r = (size_t)(o - out);
	return out;
}

/* --- RFC 2047 ---------------------------------------------------------- */

/* Decode the text of one encoded word into out; returns bytes written. */
static size_t
decode_word(int enc, const char *s, size_t n, char *out)
{
	size_t	 i, o = 0;
	int	 h, l;

	if (enc == 'b' || enc == 'B')
		return base64_decode(s, n, out);
	/* "Q": quoted-printable with "_" for a space */
	for (i = 0; i < n; i++) {
		if (s[i] == '_')
			out[o++] = ' ';
		else if (s[i] == '=' && i + 2 < n &&
		    (h = codec_hex((unsigned char)s[i + 1])) >= 0 &&
		    (l = codec_hex((unsigned char)s[i + 2])) >= 0) {
			out[o++] = (char)(h * 16 + l);
			i += 2;
		} else
			out[o++] = s[i];
	}
	return o;
}

char *
rfc2047_decode(struct arena *a, const char *s)
{
	struct buf	 out;
	const char	*p = s, *start, *q1, *q2, *end, *pending_ws = NULL;
	char		 charset[64], *dec, *conv;
	size_t		 n, clen;
	int		 last_was_word = 0;

	buf_init(&out, LIMIT_HEADER_VALUE * 4);
	while (*p) {
		start = strstr(p, "=?");
		if (start == NULL) {
			buf_appends(&out, p);
			break;
		}
		/* =?charset?e?text?= */
		q1 = strchr(start + 2, '?');
		if (q1 == NULL || q1[1] == '\0' || q1[2] != '?' ||
		    strchr("bBqQ", q1[1]) == NULL) {
			buf_append(&out, p, (size_t)(start + 2 - p));
			p = start + 2;
			last_was_word = 0;
			continue;
		}
		q2 = q1 + 3;
		end = strstr(q2, "?=");
		if (end == NULL || (size_t)(q1 - start - 2) >= sizeof(charset)) {
			buf_append(&out, p, (size_t)(start + 2 - p));
			p = start + 2;
			last_was_word = 0;
			continue;
		}
		/* whitespace between two encoded words is dropped */
		pending_ws = p;
		while (pending_ws < start && (*pending_ws == ' ' ||
		    *pending_ws == '\t'))
			pending_ws++;
		if (!(last_was_word && pending_ws == start))
			buf_append(&out, p, (size_t)(start - p));
		memcpy(charset, start + 2, (size_t)(q1 - start - 2));
		charset[q1 - start - 2] = '\0';
		{
			char	*lang = strchr(charset, '*');	/* RFC 2231 */

			if (lang)
				*lang = '\0';
		}
		n = (size_t)(end - q2);
		if ((dec = arena_alloc(a, n + 1)) == NULL)
			break;
		n = decode_word(q1[1], q2, n, dec);
		conv = charset_to_utf8(a, charset, dec, n, &clen);
		if (conv != NULL)
			buf_append(&out, conv, clen);
		p = end + 2;
		last_was_word = 1;
	}
	dec = arena_strndup(a, out.data ? out.data : "", out.len);
	buf_free(&out);
	/* a decoded word may carry a NUL or line break: flatten */
	if (dec != NULL)
		for (conv = dec; *conv; conv++)
			if (*conv == '\n' || *conv == '\r' || *conv == '\t')
				*conv = ' ';
	return dec;
}

/* --- addresses ---------------------------------------------------------- */

static int
atext(unsigned char c)
{
	return isalnum(c) || strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL ||
	    c >= 0x80;
}

/*
 * Scan value for addr-specs: each '@' with atext (or a quoted string) on
 * the left and a domain on the right. Comments in parentheses are skipped
 * unless nothing else holds an address (some MTAs put it only there).
 */
static int
scan_addresses(struct arena *a, const char *v, char **out, int max,
    int skip_comments)
{
	const char	*p, *l, *r;
	int		 found = 0, depth, k, dup;
	char		*addr, *d;
	size_t		 n;

	for (p = v; *p && found < max; p++) {
		if (skip_comments && *p == '(') {
			for (depth = 0; *p; p++) {
				if (*p == '(')
					depth++;
				else if (*p == ')' && --depth == 0)
					break;
			}
			if (!*p)
				break;
			continue;
		}
		if (*p != '@' || p == v)
			continue;
		/* left: local part */
		l = p;
		if (l[-1] == '"') {
			/* quoted local part: back to its opening quote */
			if (p - v < 2)
				continue;
			l -= 2;
			while (l > v && *l != '"')
				l--;
			if (*l != '"')
				continue;
		} else {
			while (l > v && atext((unsigned char)l[-1]))
				l--;
		}
		/* right: domain, or a literal [1.2.3.4] */
		r = p + 1;
		if (*r == '[') {
			while (*r && *r != ']')
				r++;
			if (*r == ']')
				r++;
		} else
			/* ASCII only: an address in CJK prose runs straight
			 * into the next word */
			while (*r && (isalnum((unsigned char)*r) || *r == '-' ||
			    *r == '.' || *r == '_'))
				r++;
		while (l < p && *l == '.')
			l++;
		while (r > p + 1 && r[-1] == '.')
			r--;
		if (l == p || r == p + 1)
			continue;
		n = (size_t)(r - l);
		if (n > LIMIT_ADDRESS)
			continue;
		/* a "rfc822;" type prefix glued on: drop it */
		if ((addr = arena_strndup(a, l, n)) == NULL)
			break;
		if ((d = strchr(addr, '@')) != NULL)
			for (d++; *d; d++)
				*d = (char)tolower((unsigned char)*d);
		for (dup = 0, k = 0; k < found; k++)
			if (strcasecmp(out[k], addr) == 0)
				dup = 1;
		if (!dup)
			out[found++] = addr;
		p = r - 1;
	}
	return found;
}

/*
 * The addresses inside angle brackets, skipping quoted strings (a display
 * name may hold something that looks like an address: "alice@ours" <bot@x>
 * is bot@x). Returns the number found.
 */
static int
angle_addresses(struct arena *a, const char *v, char **out, int max)
{
	const char	*p, *close;
	char		*inner, *one[1];
	int		 found = 0, k, dup;

	for (p = v; *p && found < max; p++) {
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				if (*p == '\\' && p[1])
					p++;
			if (!*p)
				break;
			continue;
		}
		if (*p != '<' || (close = memchr(p, '>', strnlen(p,
		    LIMIT_ADDRESS + 2))) == NULL)
			continue;
		if (memchr(p, '@', (size_t)(close - p)) == NULL ||
		    (size_t)(close - p) > LIMIT_ADDRESS + 2) {
			p = close;
			continue;
		}
		if ((inner = arena_strndup(a, p + 1, (size_t)(close - p - 1))) == NULL)
			break;
		if (scan_addresses(a, inner, one, 1, 0) == 1) {
			for (dup = 0, k = 0; k < found; k++)
				if (strcasecmp(out[k], one[0]) == 0)
					dup = 1;
			if (!dup)
				out[found++] = one[0];
		}
		p = close;
	}
	return found;
}

/*
 * A value is a list of comma-separated elements (commas inside quotes,
 * angle brackets and comments do not count). From each element the
 * address in angle brackets is taken if there is one, else any address
 * in it outside comments, else any at all.
 */
int
address_parse(struct arena *a, const char *value, char **out, int max)
{
	const char	*v = value, *semi, *p, *start;
	char		*elem, *list[16];
	int		 n = 0, c, k, j, dup, inq = 0, angle = 0, paren = 0;

	if (value == NULL || max <= 0)
		return 0;
	/* "rfc822; addr" (DSN address types) */
	semi = strchr(v, ';');
	if (semi != NULL && semi - v < 16 && memchr(v, '@', (size_t)(semi - v)) == NULL)
		v = semi + 1;
	for (start = p = v; n < max; p++) {
		if (*p == '\\' && inq && p[1]) {
			p++;
			continue;
		}
		if (*p == '"' && !paren)
			inq = !inq;
		else if (!inq && *p == '<')
			angle++;
		else if (!inq && *p == '>' && angle > 0)
			angle--;
		else if (!inq && *p == '(')
			paren++;
		else if (!inq && *p == ')' && paren > 0)
			paren--;
		if (*p != '\0' && (*p != ',' || inq || angle || paren))
			continue;
		if (p > start && memchr(start, '@', (size_t)(p - start)) != NULL &&
		    (elem = arena_strndup(a, start, (size_t)(p - start))) != NULL) {
			c = angle_addresses(a, elem, list, 16);
			if (c == 0)
				c = scan_addresses(a, elem, list, 16, 1);
			if (c == 0)
				c = scan_addresses(a, elem, list, 16, 0);
			for (k = 0; k < c && n < max; k++) {
				for (dup = 0, j = 0; j < n; j++)
					if (strcasecmp(out[j], list[k]) == 0)
						dup = 1;
				if (!dup)
					out[n++] = list[k];
			}
		}
		if (*p == '\0')
			break;
		start = p + 1;
	}
	return n;
}

char *
address_first(struct arena *a, const char *value)
{
	char	*out[1];

	return address_parse(a, value, out, 1) == 1 ? out[0] : NULL;
}

const char *
address_domain(const char *addr)
{
	const char	*at;

	if (addr == NULL || (at = strrchr(addr, '@')) == NULL)
		return NULL;
	return at + 1;
}

int
domain_within(const char *domain, const char *parent)
{
	size_t	 dl, pl;

	if (domain == NULL || parent == NULL)
		return 0;
	dl = strlen(domain);
	pl = strlen(parent);
	if (pl == 0 || dl < pl)
		return 0;
	if (strcasecmp(domain + dl - pl, parent) != 0)
		return 0;
	return dl == pl || domain[dl - pl - 1] == '.';
}

/* --- parameters --------------------------------------------------------- */

char *
header_param(struct arena *a, const char *value, const char *param)
{
	const char	*p = value, *v, *e;
	size_t		 plen = strlen(param);
	int		 inq = 0;

	if (value == NULL)
		return NULL;
	for (; *p; p++) {
		if (*p == '"')
			inq = !inq;
		if (inq || *p != ';')
			continue;
		v = p + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		if (strncasecmp(v, param, plen) != 0)
			continue;
		v += plen;
		if (*v == '*')	/* RFC 2231 continuation or charset: take as is */
			while (*v && *v != '=')
				v++;
		while (*v == ' ')
			v++;
		if (*v != '=')
			continue;
		v++;
		while (*v == ' ')
			v++;
		if (*v == '"') {
			v++;
			for (e = v; *e && *e != '"'; e++)
				if (*e == '\\' && e[1])
					e++;
		} else
			for (e = v; *e && *e != ';' && *e != ' '; e++)
				;
		return arena_strndup(a, v, (size_t)(e - v));
	}
	return NULL;
}
