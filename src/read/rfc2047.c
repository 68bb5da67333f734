/*
 * rfc2047.c - encoded words in header values (see rfc2047.h).
 *
 * An encoded word that does not decode is kept as it was; the words'
 * charsets go through charset_to_utf8, so an unknown one is read as
 * Latin-1. Raw 8-bit text between the words that is not UTF-8 is read in
 * the charset the caller names (the message's own), or as Latin-1. The
 * result is one line: a decoded line break is a space.
 */
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/limits.h"
#include "read/charset.h"
#include "read/codec.h"
#include "read/rfc2047.h"

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

/* Append n raw bytes of s: as they are when they hold no 8-bit byte,
 * else through charset_to_utf8 (valid UTF-8 stays as it is). */
static void
append_raw(struct buf *out, struct arena *a, const char *raw_charset,
    const char *s, size_t n)
{
	char	*conv;
	size_t	 i, clen;

	for (i = 0; i < n && (unsigned char)s[i] < 0x80; i++)
		;
	if (i == n || (conv = charset_to_utf8(a, raw_charset, s, n,
	    &clen)) == NULL)
		buf_append(out, s, n);
	else
		buf_append(out, conv, clen);
}

char *
rfc2047_decode(struct arena *a, const char *s)
{
	return rfc2047_decode_in(a, s, NULL);
}

char *
rfc2047_decode_in(struct arena *a, const char *s, const char *raw_charset)
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
			append_raw(&out, a, raw_charset, p, strlen(p));
			break;
		}
		/* =?charset?e?text?= */
		q1 = strchr(start + 2, '?');
		if (q1 == NULL || q1[1] == '\0' || q1[2] != '?' ||
		    strchr("bBqQ", q1[1]) == NULL) {
			append_raw(&out, a, raw_charset, p,
			    (size_t)(start + 2 - p));
			p = start + 2;
			last_was_word = 0;
			continue;
		}
		q2 = q1 + 3;
		end = strstr(q2, "?=");
		if (end == NULL || (size_t)(q1 - start - 2) >= sizeof(charset)) {
			append_raw(&out, a, raw_charset, p,
			    (size_t)(start + 2 - p));
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
			append_raw(&out, a, raw_charset, p, (size_t)(start - p));
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
