/*
 * header.c - header index, unfolding and parameters (see header.h).
 *
 * Everything here is lenient: real bounces are written by broken software.
 * A line that is neither a field nor a continuation never fails a parse:
 * it ends a part's or a report's block, continues the field above in a
 * returned original, and in a message's own header (whose end message.c
 * found) is left out of the index while the block goes on.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/limits.h"
#include "read/header.h"
#include "read/rfc2047.h"

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

/* How a block ends and what a line that is no field does in it. */
enum block {
	BLOCK_PART,		/* ends at an empty line or a line that is no field */
	BLOCK_RETURNED,		/* a returned original: after the first field,
				   such a line continues the field above */
	BLOCK_WHOLE		/* the caller found the end: every line is in
				   the block, one that is no field is left out */
};

/* The length of the name when the line at s (n bytes) is "Name:" or
 * "Name :", with *value_r the offset after the colon; else 0. */
static size_t
field_name(const char *s, size_t n, size_t *value_r)
{
	size_t	 i, name_end;

	for (i = 0; i < n && is_field_name_char((unsigned char)s[i]); i++)
		;
	name_end = i;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (name_end == 0 || i >= n || s[i] != ':')
		return 0;
	*value_r = i + 1;
	return name_end;
}

/* Room for one more field; 0, or -1 when out of arena. */
static int
grow(struct arena *a, struct header_block *r, size_t *cap)
{
	struct header	*nf;

	if (r->count < *cap)
		return 0;
	*cap = *cap ? *cap * 2 : 32;
	if (*cap > LIMIT_HEADER_FIELDS)
		*cap = LIMIT_HEADER_FIELDS;
	if ((nf = arena_alloc(a, *cap * sizeof(*nf))) == NULL)
		return -1;
	if (r->count > 0)
		memcpy(nf, r->fields, r->count * sizeof(*nf));
	r->fields = nf;
	return 0;
}

static size_t
parse_block(struct arena *a, const char *text, size_t len,
    struct header_block *r, enum block how)
{
	size_t		 off, cap = 0, next, name_len, value;
	const char	*nl;
	struct header	*f;
	int		 in_field = 0;	/* the line above is in an indexed field */

	r->fields = NULL;
	r->count = 0;
	r->truncated = 0;
	for (off = 0; off < len; off = next) {
		nl = memchr(text + off, '\n', len - off);
		next = nl ? (size_t)(nl - text) + 1 : len;
		if (text[off] == '\n' && how != BLOCK_WHOLE)
			return next;
		if (text[off] == ' ' || text[off] == '\t' ||
		    (how == BLOCK_RETURNED && r->count > 0 &&
		    !starts_field(text + off, next - off))) {
			/* a continuation; before any field, after one past
			 * the limit or after a line that is no field, it is
			 * junk we skip */
			if (in_field) {
				f = &r->fields[r->count - 1];
				f->value_len = (size_t)(text + next - f->value);
				if (nl != NULL)
					f->value_len--;
			}
			continue;
		}
		if ((name_len = field_name(text + off, next - off,
		    &value)) == 0) {
			if (how != BLOCK_WHOLE)
				return off;	/* not a field: body starts here */
			in_field = 0;		/* kept out of the index */
			continue;
		}
		if (r->count >= LIMIT_HEADER_FIELDS) {
			r->truncated = 1;
			in_field = 0;
			continue;
		}
		if (grow(a, r, &cap) == -1) {
			r->truncated = 1;
			return how == BLOCK_WHOLE ? len : next;
		}
		f = &r->fields[r->count++];
		f->name = text + off;
		f->name_len = name_len;
		f->value = text + off + value;
		f->value_len = (size_t)(text + next - f->value);
		if (nl != NULL)
			f->value_len--;
		in_field = 1;
	}
	return len;
}

size_t
header_parse(struct arena *a, const char *text, size_t len,
    struct header_block *r)
{
	return parse_block(a, text, len, r, BLOCK_PART);
}

size_t
header_parse_returned(struct arena *a, const char *text, size_t len,
    struct header_block *r)
{
	return parse_block(a, text, len, r, BLOCK_RETURNED);
}

void
header_index(struct arena *a, const char *text, size_t len,
    struct header_block *r)
{
	(void)parse_block(a, text, len, r, BLOCK_WHOLE);
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
	size_t	 n = f->value_len, i, o = 0, cap;
	char	*out;

	/* the limit is of the value unfolded: its line ends do not count */
	cap = n < LIMIT_HEADER_VALUE ? n : LIMIT_HEADER_VALUE;
	if ((out = arena_alloc(a, cap + 1)) == NULL)
		return NULL;
	for (i = 0; i < n && o < cap; i++) {
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
	return header_decode(a, hb, v);
}

char *
header_decode(struct arena *a, const struct header_block *hb, char *v)
{
	const char	*p, *charset = NULL;
	char		*ct;

	for (p = v; *p != '\0' && (unsigned char)*p < 0x80; p++)
		;
	if (*p == '\0')
		return strstr(v, "=?") != NULL ? rfc2047_decode(a, v) : v;
	/* 8-bit: in the charset of the block's own text, if it names one */
	if ((ct = header_get_raw(a, hb, "Content-Type")) != NULL &&
	    strncasecmp(ct, "text/", 5) == 0)
		charset = header_param(a, ct, "charset");
	return rfc2047_decode_in(a, v, charset);
}

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
