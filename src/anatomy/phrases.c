/*
 * phrases.c - match the phrase table against text (see phrases.h).
 *
 * A plain substring search over one meaning's rows: the texts are bounded
 * (a subject, a sender, the first LIMIT_REGEX_INPUT bytes of prose). The
 * table is grouped by meaning and tools/phrases2c.sh writes where each
 * meaning's rows are (phrase_first, phrase_end), so the gate costs a plain
 * message only the rows of the meanings it asks about, and nothing to
 * index the table.
 *
 * A row is searched for only when the text holds every pair of
 * adjacent bytes the row does: the text's pairs are set in a hashed bit
 * map first, a few instructions a byte, and a row is tried with strstr
 * only when each of its pairs is there, which rules out nearly every row
 * of a meaning at the cost of a bit test or two (a strstr a row was most
 * of what reading a bounce's prose cost). A short text (a subject, an
 * address) gets a small map, a longer one (prose) a larger one, so that
 * neither is so full that every pair seems there. The last text's map is
 * kept: the gate asks about one subject a dozen times, the readers about
 * one body for several meanings. The maps are thread-local (the milter
 * judges messages side by side) and small: every process pays for its
 * thread-local storage, in pages, before it reads a byte.
 */
#include <stdint.h>
#include <string.h>

#include "anatomy/phrases.h"

#define PAIR_BITS	1024		/* the map of a short text */
#define PAIR_TEXT	256		/* longer texts: the long map */
#define PAIR_LONG_BITS	8192		/* the map of a longer text */
#define PAIR_KEPT	2048		/* longer texts: the map not kept */

struct pairs {
	const uint64_t	*w;
	unsigned	 mask;		/* bits - 1 */
};

static unsigned
pair(unsigned mask, unsigned char a, unsigned char b)
{
	return ((unsigned)a * 67u + b * 131u) & mask;
}

/* The maps of the last texts asked about, and copies of those texts to
 * know them again. */
static _Thread_local uint64_t short_map[PAIR_BITS / 64];
static _Thread_local char short_text[PAIR_TEXT + 2];
static _Thread_local uint64_t long_map[PAIR_LONG_BITS / 64];
static _Thread_local char long_text[PAIR_KEPT + 1];
static _Thread_local size_t long_len;	/* of long_text; 0 none kept */

static void
pairs_set(uint64_t *w, unsigned mask, const unsigned char *t, size_t n)
{
	unsigned	 h;
	size_t		 i;

	for (i = 0; i + 1 < n; i++) {
		h = pair(mask, t[i], t[i + 1]);
		w[h / 64] |= (uint64_t)1 << (h % 64);
	}
}

/* The map of text. */
static struct pairs
pairs_of(const char *text)
{
	const unsigned char	*t = (const unsigned char *)text;
	struct pairs		 p;
	size_t			 n;

	n = strnlen(text, PAIR_TEXT + 1);
	if (n <= PAIR_TEXT) {
		p.w = short_map;
		p.mask = PAIR_BITS - 1;
		if (short_text[0] != '\0' && strcmp(short_text, text) == 0)
			return p;
		memset(short_map, 0, sizeof(short_map));
		pairs_set(short_map, p.mask, t, n);
		memcpy(short_text, text, n + 1);
		return p;
	}
	n += strlen(text + n);
	p.w = long_map;
	p.mask = PAIR_LONG_BITS - 1;
	if (long_len == n && memcmp(long_text, text, n) == 0)
		return p;
	memset(long_map, 0, sizeof(long_map));
	pairs_set(long_map, p.mask, t, n);
	long_len = 0;
	if (n <= PAIR_KEPT) {
		memcpy(long_text, text, n);
		long_len = n;
	}
	return p;
}

static int
has(struct pairs p, const unsigned char *r)
{
	unsigned	 h = pair(p.mask, r[0], r[1]);

	return (p.w[h / 64] >> (h % 64)) & 1;
}

/* Can row i be in the text whose map is p? Each of its pairs must be;
 * the first is asked first, and rules out most rows alone. */
static inline int
may_hold(struct pairs p, int i)
{
	const unsigned char	*r =
	    (const unsigned char *)phrase_text(&phrase_table[i]);
	size_t			 j, n = phrase_table[i].len;

	if (n < 2)
		return 1;
	if (!has(p, r))
		return 0;
	for (j = 1; j + 1 < n; j++)
		if (!has(p, r + j))
			return 0;
	return 1;
}

const struct phrase *
phrases_find(enum phrase_meaning m, const char *text)
{
	struct pairs		 p;
	int			 i;

	if (text == NULL || (int)m <= PHRASE_NONE || m >= PHRASE_MEANINGS)
		return NULL;
	if (phrase_first[m] == phrase_end[m] || text[0] == '\0')
		return NULL;
	p = pairs_of(text);
	for (i = phrase_first[m]; i < phrase_end[m]; i++)
		if (may_hold(p, i) && strstr(text, phrase_text(&phrase_table[i])) != NULL)
			return &phrase_table[i];
	return NULL;
}

int
phrases_any(enum phrase_meaning m, const char *text)
{
	return phrases_find(m, text) != NULL;
}

int
phrases_count(enum phrase_meaning m, const char *text)
{
	struct pairs		 p;
	int			 i, n = 0;

	if (text == NULL || (int)m <= PHRASE_NONE || m >= PHRASE_MEANINGS)
		return 0;
	if (phrase_first[m] == phrase_end[m] || text[0] == '\0')
		return 0;
	p = pairs_of(text);
	for (i = phrase_first[m]; i < phrase_end[m]; i++)
		if (may_hold(p, i) && strstr(text, phrase_text(&phrase_table[i])) != NULL)
			n++;
	return n;
}

int
phrases_count2(enum phrase_meaning m, const char *a, const char *b)
{
	struct pairs		 pa, pb;
	const char		*p;
	int			 i, n = 0, has_a, has_b;

	if ((int)m <= PHRASE_NONE || m >= PHRASE_MEANINGS)
		return 0;
	has_a = a != NULL && a[0] != '\0';
	has_b = b != NULL && b[0] != '\0';
	if (!has_a || !has_b)
		return phrases_count(m, has_a ? a : b);
	/* one map for a short text and one for a long: two texts of one
	 * size share the map, the second's replacing the first's, so then
	 * both are searched without (they are short) */
	pa = pairs_of(a);
	pb = pairs_of(b);
	for (i = phrase_first[m]; i < phrase_end[m]; i++) {
		p = phrase_text(&phrase_table[i]);
		if (pa.w == pb.w ? strstr(a, p) != NULL || strstr(b, p) != NULL :
		    (may_hold(pa, i) && strstr(a, p) != NULL) ||
		    (may_hold(pb, i) && strstr(b, p) != NULL))
			n++;
	}
	return n;
}

/* The length of the longest phrase of meaning m that text starts with
 * (whole: that text is), or 0. */
static size_t
leads_with(enum phrase_meaning m, const char *text, int whole)
{
	const struct phrase	*p;
	size_t			 best = 0;
	int			 i;

	if (text == NULL || (int)m <= PHRASE_NONE || m >= PHRASE_MEANINGS)
		return 0;
	for (i = phrase_first[m]; i < phrase_end[m]; i++) {
		p = &phrase_table[i];
		if (p->len > best && strncmp(text, phrase_text(p), p->len) == 0 &&
		    (!whole || text[p->len] == '\0'))
			best = p->len;
	}
	return best;
}

int
phrases_starts(enum phrase_meaning m, const char *text)
{
	return leads_with(m, text, 0) != 0;
}

size_t
phrases_lead(enum phrase_meaning m, const char *text)
{
	return leads_with(m, text, 0);
}

int
phrases_exact(enum phrase_meaning m, const char *text)
{
	return leads_with(m, text, 1) != 0;
}
