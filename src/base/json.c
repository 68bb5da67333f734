/*
 * json.c - JSON writer (see json.h).
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/tenths.h"

void
json_init(struct json *j, struct buf *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
}

static void
value_start(struct json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth > 0 && j->depth <= JSON_DEPTH &&
	    j->count[j->depth - 1]++ > 0)
		buf_appendc(j->out, ',');
}

static void
nest_open(struct json *j, int c)
{
	value_start(j);
	buf_appendc(j->out, c);
	if (j->depth < JSON_DEPTH)
		j->count[j->depth] = 0;
	j->depth++;
}

static void
nest_close(struct json *j, int c)
{
	if (j->depth > 0)
		j->depth--;
	buf_appendc(j->out, c);
}

void json_object_begin(struct json *j) { nest_open(j, '{'); }
void json_object_end(struct json *j) { nest_close(j, '}'); }
void json_array_begin(struct json *j) { nest_open(j, '['); }
void json_array_end(struct json *j) { nest_close(j, ']'); }

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t	 len, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

static void
string(struct json *j, const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			 esc[8];
	size_t			 i = 0, len;

	buf_appendc(j->out, '"');
	while (i < n) {
		switch (p[i]) {
		case '"':  buf_append(j->out, "\\\"", 2); i++; continue;
		case '\\': buf_append(j->out, "\\\\", 2); i++; continue;
		case '\n': buf_append(j->out, "\\n", 2); i++; continue;
		case '\r': buf_append(j->out, "\\r", 2); i++; continue;
		case '\t': buf_append(j->out, "\\t", 2); i++; continue;
		}
		if (p[i] < 0x20 || p[i] == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", p[i]);
			buf_append(j->out, esc, 6);
			i++;
			continue;
		}
		if ((len = utf8_len(p + i, n - i)) == 0) {
			buf_append(j->out, "\xef\xbf\xbd", 3);
			i++;
			continue;
		}
		buf_append(j->out, p + i, len);
		i += len;
	}
	buf_appendc(j->out, '"');
}

void
json_key(struct json *j, const char *k)
{
	value_start(j);
	string(j, k, strlen(k));
	buf_appendc(j->out, ':');
	j->after_key = 1;
}

void
json_stringn(struct json *j, const char *s, size_t n)
{
	value_start(j);
	string(j, s, n);
}

void
json_string(struct json *j, const char *s)
{
	if (s == NULL)
		json_null(j);
	else
		json_stringn(j, s, strlen(s));
}

/* A number snprintf wrote into num (of size bytes, n its answer); else,
 * and for "-0.0", what instead (NULL: nothing). */
static void
number(struct json *j, const char *num, size_t size, int n,
    const char *instead)
{
	value_start(j);
	if (n > 0 && (size_t)n < size && strcmp(num, "-0.0") != 0)
		buf_append(j->out, num, (size_t)n);
	else if (instead != NULL)
		buf_appends(j->out, instead);
}

void
json_score(struct json *j, double v)
{
	char	 num[64];

	number(j, num, sizeof(num), snprintf(num, sizeof(num), "%.1f", tenths(v)),
	    "0.0");
}

void
json_int(struct json *j, long v)
{
	char	 num[32];

	number(j, num, sizeof(num), snprintf(num, sizeof(num), "%ld", v),
	    NULL);
}

void
json_bool(struct json *j, int v)
{
	value_start(j);
	buf_appends(j->out, v ? "true" : "false");
}

void
json_null(struct json *j)
{
	value_start(j);
	buf_appends(j->out, "null");
}

void
json_member_string(struct json *j, const char *key, const char *v)
{
	json_key(j, key);
	json_string(j, v);
}

void
json_member_int(struct json *j, const char *key, long v)
{
	json_key(j, key);
	json_int(j, v);
}

void
json_member_bool(struct json *j, const char *key, int v)
{
	json_key(j, key);
	json_bool(j, v);
}

void
json_member_score(struct json *j, const char *key, double v)
{
	json_key(j, key);
	json_score(j, v);
}
