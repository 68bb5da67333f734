/*
 * charset.h - text in a declared charset to UTF-8.
 */
#ifndef BS_CHARSET_H
#define BS_CHARSET_H

#include <stddef.h>

struct arena;

/*
 * Convert n bytes (at most LIMIT_PART_DECODED) in charset to UTF-8 in the
 * arena, NUL-terminated, its length in len_r. Valid UTF-8 is kept as it is
 * unless the charset is ISO-2022; invalid bytes become U+FFFD; an unknown
 * or absent charset is taken as Latin-1. NULL only when out of arena.
 */
char	*charset_to_utf8(struct arena *, const char *charset,
	    const char *s, size_t n, size_t *len_r);
/* Would charset_to_utf8 keep these n bytes as they are (valid UTF-8, and
 * not in an ISO-2022 or UTF-7 charset)? Then a caller whose bytes are its
 * own, in the arena, may keep them without the copy. */
int	 charset_kept(const char *charset, const char *s, size_t n);

/*
 * The length of s (n bytes) cut to at most cap, never inside a UTF-8
 * sequence: a character that would cross cap goes whole.
 */
static inline size_t
charset_cut(const char *s, size_t n, size_t cap)
{
	size_t	 k;

	if (n <= cap)
		return n;
	for (k = 0; k < 3 && cap > 0 && ((unsigned char)s[cap] & 0xc0) == 0x80;
	    k++)
		cap--;
	return cap;
}

#endif
