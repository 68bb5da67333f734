/*
 * unit-phrases.c - the phrase search (src/anatomy/phrases.c) answers as a
 * plain strstr over every row of a meaning does, for every meaning, on
 * short texts (the small map, up to PAIR_TEXT, 256 bytes), prose (the
 * long map, kept up to PAIR_KEPT, 2,048 bytes) and longer prose (not
 * kept), each side of those sizes, asked again about the same text,
 * about another text of the same length, and about filler that holds
 * no row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anatomy/phrases.h"
#include "tap.h"

/* What phrases_count and phrases_find must say: every row tried. */
static int
naive_count(enum phrase_meaning m, const char *text, int *first)
{
	int	 i, n = 0;

	*first = -1;
	for (i = 0; phrase_table[i].meaning != PHRASE_NONE; i++)
		if (phrase_table[i].meaning == m &&
		    strstr(text, phrase_text(&phrase_table[i])) != NULL) {
			if (*first == -1)
				*first = i;
			n++;
		}
	return n;
}

static unsigned long	 seed = 12345;

static unsigned
rnd(unsigned n)
{
	seed = seed * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)(seed >> 33) % n;
}

/* A text of about len bytes: filler words and, now and then, a row of
 * the table whole or cut short by one byte. */
static char *
make_text(size_t len, int rows)
{
	static const char	*filler[] = { "the", "message", "to", "was",
	    "de", "xq", "\xc3\xa9t\xc3\xa9", "of", "mail", "a", "zz" };
	char			*t = malloc(len + 256);
	const struct phrase	*p;
	const char		*w;
	size_t			 n = 0, k;

	while (n < len) {
		if (rows > 0 && rnd(8) == 0) {
			p = &phrase_table[rnd((unsigned)rows)];
			k = p->len - (rnd(3) == 0 && p->len > 2);
			if (k > 200)
				k = 200;
			memcpy(t + n, phrase_text(p), k);
			n += k;
		} else {
			w = filler[rnd(11)];
			memcpy(t + n, w, strlen(w));
			n += strlen(w);
		}
		t[n++] = ' ';
	}
	t[len] = '\0';	/* cut to the size asked for, a row perhaps cut */
	return t;
}

/* Every meaning asked about text, as the program asks: count, find, any. */
static int
agrees(const char *text)
{
	const struct phrase	*f;
	int			 m, want, first;

	for (m = PHRASE_NONE + 1; m < PHRASE_MEANINGS; m++) {
		want = naive_count(m, text, &first);
		if (phrases_count(m, text) != want)
			return diag("meaning %d: count %d, want %d", m,
			    phrases_count(m, text), want), 0;
		f = phrases_find(m, text);
		if ((f == NULL ? -1 : (int)(f - phrase_table)) != first)
			return diag("meaning %d: found row %d, want %d", m,
			    f == NULL ? -1 : (int)(f - phrase_table), first), 0;
		if (phrases_any(m, text) != (want > 0))
			return diag("meaning %d: any wrong", m), 0;
	}
	return 1;
}

int
main(void)
{
	static const size_t	 sizes[] = { 3, 40, 200, 256, 257, 1000, 4000,
	    2047, 2048, 2049, 40000 };
	char			*t, *u;
	int			 rows, i, k, bad, found;

	for (rows = 0; phrase_table[rows].meaning != PHRASE_NONE; rows++)
		;
	ok(rows > 100, "the table has rows (%d)", rows);
	for (i = bad = 0; i < rows; i++) {
		t = (char *)phrase_text(&phrase_table[i]);
		bad += strlen(t) != phrase_table[i].len || t[0] == '\0' ||
		    phrase_table[i].lang[0] == '\0' ||
		    (i > 0 && phrase_table[i].text <= phrase_table[i - 1].text);
	}
	ok(bad == 0, "each row's text is where it says, as long as it says, "
	    "after the last row's; each has a language");

	for (i = 0; i < (int)(sizeof(sizes) / sizeof(sizes[0])); i++) {
		bad = found = 0;
		for (k = 0; k < 20; k++) {
			t = make_text(sizes[i], rows);
			bad += !agrees(t);
			/* asked again: the kept map answers alike */
			bad += !agrees(t);
			/* another text of the same length: not the kept
			 * map's answer */
			u = make_text(sizes[i], rows);
			bad += !agrees(u);
			found += phrases_count(PHRASE_FAILED, t) > 0;
			free(u);
			free(t);
		}
		ok(bad == 0, "%zu bytes: 20 texts, each asked three ways about "
		    "every meaning, as a plain search answers", sizes[i]);
		if (sizes[i] >= 1000)
			ok(found > 0, "... and some of them hold failure prose "
			    "(%d of 20)", found);
	}

	/* a row's first pair is there, the rest of it is not */
	t = make_text(2000, 0);
	ok(phrases_count(PHRASE_FAILED, t) == 0 && agrees(t),
	    "prose of filler words only: no row found, as a plain search");
	free(t);
	ok(phrases_count(PHRASE_MEANINGS, "x") == 0 &&
	    phrases_count(PHRASE_NONE, "x") == 0 &&
	    phrases_find(PHRASE_FAILED, NULL) == NULL &&
	    phrases_count(PHRASE_FAILED, "") == 0,
	    "no meaning, no text, an empty text: nothing");

	/* phrases_count2: distinct phrases of either text */
	t = make_text(3000, 0);
	memcpy(t + 100, " virus detected ", 16);
	memcpy(t + 900, " was quarantined ", 17);
	ok(phrases_count2(PHRASE_NOTICE_WORDS, t, "virus detected") ==
	    phrases_count(PHRASE_NOTICE_WORDS, t),
	    "count2: a phrase in the subject and the text counts once");
	ok(phrases_count2(PHRASE_NOTICE_WORDS, t, "it was quarantined") ==
	    phrases_count(PHRASE_NOTICE_WORDS, t) &&
	    phrases_count2(PHRASE_NOTICE_WORDS, "the message was quarantined",
	    "virus detected") == phrases_count(PHRASE_NOTICE_WORDS,
	    "the message was quarantined") + 1,
	    "... one in each counts twice, two short texts as a long and a "
	    "short one");
	ok(phrases_count2(PHRASE_NOTICE_WORDS, "virus detected", "virus "
	    "detected") == 1 && phrases_count2(PHRASE_NOTICE_WORDS, NULL,
	    "virus detected") == 1 && phrases_count2(PHRASE_NOTICE_WORDS,
	    "virus detected", "") == 1,
	    "... the same short text twice once; NULL or empty is no text");
	free(t);
	/* a whole phrase, not a prefix or a piece of one */
	ok(phrases_exact(PHRASE_QUOTE_FROM, "von:") &&
	    phrases_exact(PHRASE_QUOTE_DATE, "envoy\xc3\xa9:") &&
	    !phrases_exact(PHRASE_QUOTE_FROM, "vonx:") &&
	    !phrases_exact(PHRASE_QUOTE_FROM, "von") &&
	    !phrases_exact(PHRASE_QUOTE_FROM, "de: x") &&
	    !phrases_exact(PHRASE_MEANINGS, "von:") &&
	    !phrases_exact(PHRASE_QUOTE_FROM, NULL),
	    "phrases_exact: whole phrases only");

	return done();
}
