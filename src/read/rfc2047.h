/*
 * rfc2047.h - encoded words ("=?charset?B?...?=") in header values.
 */
#ifndef BS_RFC2047_H
#define BS_RFC2047_H

struct arena;

/*
 * Decode the RFC 2047 encoded words in s to UTF-8, dropping the space
 * between adjacent words; a word that does not parse stays as written.
 * Line breaks and tabs in the result become spaces. NULL only when out of
 * arena.
 */
char	*rfc2047_decode(struct arena *, const char *s);
/*
 * The same, where raw 8-bit text outside the encoded words that is not
 * UTF-8 is read in raw_charset (NULL: Latin-1), as RFC 6532 mail and
 * programs that write raw 8-bit headers in their body's charset (vacation(1)
 * with a .vacation.msg in KOI8-R, say) expect.
 */
char	*rfc2047_decode_in(struct arena *, const char *s,
	    const char *raw_charset);

#endif
