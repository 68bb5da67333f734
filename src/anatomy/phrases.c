/*
 * phrases.c - match the phrase table against text (see phrases.h).
 *
 * A plain substring search over one meaning's rows: the texts are bounded
 * (a subject, a sender, the first LIMIT_REGEX_INPUT bytes of prose). The
 * table is grouped by meaning (tools/phrases2c.sh sorts it), so where each
 * meaning's rows start is found once, on first use, and the gate costs a
 * plain message only the rows of the meanings it asks about.
 */
#include <pthread.h>
#include <string.h>

#include "anatomy/phrases.h"

/* [first, end) rows of each meaning; made once per process
 * (pthread_once: the milter reads in several threads at once) */
static int	 first[PHRASE_MEANINGS], end[PHRASE_MEANINGS];
static pthread_once_t indexed = PTHREAD_ONCE_INIT;

static void
index_table(void)
{
	int	 i, m;

	for (i = 0; phrase_table[i].text != NULL; i++) {
		m = (int)phrase_table[i].meaning;
		if (m <= PHRASE_NONE || m >= PHRASE_MEANINGS)
			continue;
		if (end[m] == 0)
			first[m] = i;
		end[m] = i + 1;
	}
}

const struct phrase *
phrases_find(enum phrase_meaning m, const char *text)
{
	int	 i;

	if (text == NULL || (int)m <= PHRASE_NONE || m >= PHRASE_MEANINGS)
		return NULL;
	pthread_once(&indexed, index_table);
	for (i = first[m]; i < end[m]; i++)
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
	pthread_once(&indexed, index_table);
	for (i = first[m]; i < end[m]; i++)
		if (strstr(text, phrase_table[i].text) != NULL)
			n++;
	return n;
}
