/*
 * charset.c - text in a declared charset to UTF-8 (see charset.h).
 *
 * Lenient, like everything that reads mail: valid UTF-8 is taken as it
 * is whatever the label says (most mislabelled text is UTF-8); an unknown
 * charset, or no label, is read as Latin-1; a byte iconv cannot convert
 * becomes U+FFFD and the conversion goes on.
 */
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/limits.h"
#include "read/charset.h"

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
