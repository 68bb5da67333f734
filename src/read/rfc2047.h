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

#endif
