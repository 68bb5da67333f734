/*
 * phrases.c - match the phrase table against text (see phrases.h).
 *
 * A plain substring search: the table is small (hundreds of phrases) and
 * the texts are bounded (a subject, a sender, the first LIMIT_REGEX_INPUT
 * bytes of prose), so no index pays for itself.
 */
#include <string.h>

#include "anatomy/phrases.h"

const struct phrase *
phrases_find(enum phrase_meaning m, const char *text)
{
	const struct phrase	*p;

	if (text == NULL)
		return NULL;
	for (p = phrase_table; p->text != NULL; p++)
		if (p->meaning == m && strstr(text, p->text) != NULL)
			return p;
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
	const struct phrase	*p;
	int			 n = 0;

	if (text == NULL)
		return 0;
	for (p = phrase_table; p->text != NULL; p++)
		if (p->meaning == m && strstr(text, p->text) != NULL)
			n++;
	return n;
}
