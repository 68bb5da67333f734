/*
 * prefilter.h - the literals a pattern cannot match without, and a quick
 * test of whether a text holds any of them.
 *
 * Most rules' patterns fail on most texts, and PCRE2 learns that only by
 * trying at every position. prefilter_literals reads a pattern and finds
 * a set of strings such that every match contains one of them (case and
 * Unicode case folding taken into account); prefilter_text indexes a text
 * by its trigrams once, and prefilter_maybe says whether any literal of
 * a set could be in it. "No" is exact: the pattern cannot match, and
 * pcre2_match need not run. "Maybe" is only a maybe: PCRE2 decides.
 *
 * A pattern the reader does not fully understand (\Q, \x, backreferences,
 * conditionals, verbs, the x flag, ...) gets no literals: it always runs.
 */
#ifndef BS_PREFILTER_H
#define BS_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

/* The longest literal kept, the most literals in one set. */
#define PREFILTER_LIT_MAX	48
#define PREFILTER_SET_MAX	256

/*
 * Write the literals of pattern (PCRE2 syntax; caseless says whether it
 * is compiled with PCRE2_CASELESS, extended with PCRE2_EXTENDED) into out
 * as NUL-terminated strings one after another, ended by an empty string.
 * The literals are folded (prefilter_fold). Returns how many, or 0 when
 * the pattern must always run (nothing found, or out of room).
 */
int	prefilter_literals(const char *pattern, int caseless, int extended,
	    char *out, size_t outsz);

/*
 * The top-level branches of pattern (a|b|c), when there are from two to
 * max of them and each can be matched on its own: nothing ties them (a
 * backreference, a recursion, an option setting outside any group would),
 * so the pattern matches a text exactly when one of them does. Their
 * start and end offsets into pattern; the count, or 0.
 */
#define PREFILTER_BRANCH_MAX	32
int	prefilter_branches(const char *pattern, int caseless, int extended,
	    size_t *start, size_t *end, int max);

/* The folded form of one character at s (ASCII lower case; white space
 * a space; the Kelvin sign and the long s, which caseless PCRE2 matches
 * as k and s, become those letters); *adv is set to the bytes read.
 * Inline: the scans call it a byte at a time. */
static inline int
prefilter_fold(const unsigned char *s, size_t len, size_t *adv)
{
	*adv = 1;
	if (s[0] >= 'A' && s[0] <= 'Z')
		return s[0] + ('a' - 'A');
	/* \s without UCP: all one character */
	if (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r'))
		return ' ';
	/* U+017F LATIN SMALL LETTER LONG S */
	if (s[0] == 0xc5 && len >= 2 && s[1] == 0xbf) {
		*adv = 2;
		return 's';
	}
	/* U+212A KELVIN SIGN */
	if (s[0] == 0xe2 && len >= 3 && s[1] == 0x84 && s[2] == 0xaa) {
		*adv = 3;
		return 'k';
	}
	return s[0];
}

/*
 * A text of at most PREFILTER_EXACT bytes is also kept folded, and a
 * literal whose trigrams are all in the text is then looked for in it:
 * "maybe" only when one is really there. (Trigrams of a few KB of text
 * let most short literals through: "make ", "next ", "order " were
 * "maybe" in a bounce that holds none of them, and the pattern behind
 * them ran over every subject it quotes.) A longer text is only indexed.
 */
#define PREFILTER_EXACT	(32 * 1024)

struct prefilter_text {
	uint64_t	*bits;		/* trigram hash bitmap */
	unsigned	 shift;		/* 32 - log2 of the bits */
	int		 all;		/* too short to index: everything maybe */
	const char	*folded;	/* the text folded, or NULL */
	size_t		 flen;
};

/* Index text into t; bits is storage of prefilter_bits(len) bytes (the
 * bitmap, and the folded copy of a text of up to PREFILTER_EXACT). */
size_t	prefilter_bits(size_t len);
void	prefilter_text(struct prefilter_text *t, void *bits, const char *s,
	    size_t len);

/* 1 when some literal of set (as written by prefilter_literals) may be
 * in the text (is in it, when the text is kept folded), 0 when none is. */
int	prefilter_maybe(const struct prefilter_text *t, const char *set);

#endif
