/*
 * phrases.c - match the phrase table against text (see phrases.h).
 *
 * A plain substring search over one meaning's rows: the texts are bounded
 * (a subject, a sender, the first LIMIT_REGEX_INPUT bytes of prose). The
 * table is grouped by meaning and tools/phrases2c.sh writes where each
 * meaning's rows are (phrase_first, phrase_end), so the gate costs a plain
 * message only the rows of the meanings it asks about, and nothing to
 * index the table.
 */
#include <string.h>

#include "anatomy/phrases.h"

const struct phrase *
phrases_find(enum phrase_meaning m, const char *text)
{
	int	 i;

	if (text == NULL || (int)m <= PHRASE_NONE || m >= PHRASE_MEANINGS)
		return NULL;
	for (i = phrase_first[m]; i < phrase_end[m]; i++)
		if (strstr(text, phrase_table[i].text) != NULL)
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
	int	 i, n = 0;

	if (text == NULL || (int)m <= PHRASE_NONE || m >= PHRASE_MEANINGS)
		return 0;
	for (i = phrase_first[m]; i < phrase_end[m]; i++)
		if (strstr(text, phrase_table[i].text) != NULL)
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
