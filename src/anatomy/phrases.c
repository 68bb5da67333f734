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
 * A row is searched for only when the text holds its first two bytes: the
 * pairs of a short text (a subject, an address) are set in a bit map
 * first, which costs a few instructions a byte, where a strstr a row was
 * most of what the gate cost a plain message. Longer texts, where nearly
 * every pair of letters is there, are searched row by row.
 */
#include <stdint.h>
#include <string.h>

#include "anatomy/phrases.h"

/* The pairs of bytes of a short text, hashed into a bit map. */
#define PAIR_BITS	1024
#define PAIR_TEXT	256		/* longer texts: no map */

struct pairs {
	uint64_t	 w[PAIR_BITS / 64];
};

static unsigned
pair(unsigned char a, unsigned char b)
{
	return ((unsigned)a * 67u + b) & (PAIR_BITS - 1);
}

/* The map of the last text asked about, and a copy of that text: the
 * gate asks about one subject a dozen times. One a thread (the milter
 * judges messages side by side). */
static _Thread_local struct pairs last_map;
static _Thread_local char last_text[PAIR_TEXT + 2];

/* The map of text, or NULL when it is too long to be worth one. */
static const struct pairs *
pairs_of(const char *text)
{
	const unsigned char	*t = (const unsigned char *)text;
	struct pairs		 p;
	unsigned		 h;
	size_t			 i;

	if (strnlen(text, PAIR_TEXT + 1) > PAIR_TEXT)
		return NULL;
	if (last_text[0] != '\0' && strcmp(last_text, text) == 0)
		return &last_map;
	memset(&p, 0, sizeof(p));
	for (i = 0; t[i] != '\0' && t[i + 1] != '\0'; i++) {
		h = pair(t[i], t[i + 1]);
		p.w[h / 64] |= (uint64_t)1 << (h % 64);
	}
	/* the text and its NUL: i is where the last pair was not whole */
	i += t[i] != '\0';
	memcpy(last_text, text, i + 1);
	last_map = p;
	return &last_map;
}

/* Can row i be in the text whose map is p (NULL: no map)? */
static int
may_hold(const struct pairs *p, int i)
{
	const unsigned char	*r = (const unsigned char *)phrase_table[i].text;
	unsigned		 h;

	if (p == NULL || r[0] == '\0' || r[1] == '\0')
		return 1;
	h = pair(r[0], r[1]);
	return (p->w[h / 64] >> (h % 64)) & 1;
}

const struct phrase *
phrases_find(enum phrase_meaning m, const char *text)
{
	const struct pairs	*p;
	int			 i;

	if (text == NULL || (int)m <= PHRASE_NONE || m >= PHRASE_MEANINGS)
		return NULL;
	if (phrase_first[m] == phrase_end[m] || text[0] == '\0')
		return NULL;
	p = pairs_of(text);
	for (i = phrase_first[m]; i < phrase_end[m]; i++)
		if (may_hold(p, i) && strstr(text, phrase_table[i].text) != NULL)
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
	const struct pairs	*p;
	int			 i, n = 0;

	if (text == NULL || (int)m <= PHRASE_NONE || m >= PHRASE_MEANINGS)
		return 0;
	if (phrase_first[m] == phrase_end[m] || text[0] == '\0')
		return 0;
	p = pairs_of(text);
	for (i = phrase_first[m]; i < phrase_end[m]; i++)
		if (may_hold(p, i) && strstr(text, phrase_table[i].text) != NULL)
			n++;
	return n;
}

int
phrases_starts(enum phrase_meaning m, const char *text)
{
	int	 i;

	if (text == NULL || (int)m <= PHRASE_NONE || m >= PHRASE_MEANINGS)
		return 0;
	for (i = phrase_first[m]; i < phrase_end[m]; i++)
		if (strncmp(text, phrase_table[i].text, phrase_table[i].len) == 0)
			return 1;
	return 0;
}
