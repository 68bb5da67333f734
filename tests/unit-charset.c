/*
 * unit-charset.c - the charsets read without iconv (src/read/charset.c
 * with the tables tools/charsetgen wrote) read every text as iconv reads
 * it, the way charset_to_utf8 went on after an error before it had
 * them: U+FFFD for the byte, and the conversion starts again.
 *
 * Each single-byte table: every byte alone, and random texts. ISO-2022-JP:
 * random texts of its escapes (known, unknown, cut short), JIS pairs in
 * and out of the table, controls, 8-bit bytes and line ends. Then labels
 * mail uses reach the tables, and one a table lacks still reads through
 * iconv.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/limits.h"
#include "read/charset.h"
#include "read/charset_tables.h"
#include "tap.h"

static struct arena	 arena;

/* iconv's reading of s, as charset_to_utf8 did it with iconv alone. */
static char *
reference(const char *name, const char *s, size_t n, size_t *len_r)
{
	iconv_t	 cd = iconv_open("UTF-8//TRANSLIT", name);
	char	*out, *in = (char *)s, *o;
	size_t	 inleft = n, outleft, cap = 4 * n + 16;

	if (cd == (iconv_t)-1 || (out = arena_alloc(&arena, cap)) == NULL)
		return NULL;
	o = out;
	outleft = cap - 1;
	while (inleft > 0) {
		if (iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1)
			break;
		if (errno != EILSEQ && errno != EINVAL)
			break;
		memcpy(o, "\xef\xbf\xbd", 3);
		o += 3;
		outleft -= 3;
		in++;
		inleft--;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	iconv_close(cd);
	*o = '\0';
	*len_r = (size_t)(o - out);
	return out;
}

/* Does charset_to_utf8 read s as iconv does? Says so only on a failure,
 * with the text in hex; returns 1 when they agree. */
static int
same(const char *label, const char *name, const char *s, size_t n)
{
	size_t	 la, lb, i;
	char	*a = charset_to_utf8(&arena, label, s, n, &la);
	char	*b = reference(name, s, n, &lb);

	if (a != NULL && b != NULL && la == lb && memcmp(a, b, la) == 0)
		return 1;
	diag("%s: text of %zu bytes read differently:", label, n);
	for (i = 0; i < n; i++)
		fprintf(stderr, "%02x%s", (unsigned char)s[i],
		    i + 1 < n ? " " : "\n");
	diag("got  %s", a != NULL ? a : "(null)");
	diag("want %s", b != NULL ? b : "(null)");
	return 0;
}

static unsigned long	 seed = 20261205;

static unsigned
rnd(unsigned n)
{
	seed = seed * 6364136223846793005ul + 1442695040888963407ul;
	return (unsigned)((seed >> 33) % n);
}

static void
single_byte(void)
{
	char	 text[64];
	int	 i, k, b, agree;
	size_t	 n;

	ok(charset_table_count > 0, "%d single-byte tables written",
	    charset_table_count);
	for (i = 0; i < charset_table_count; i++) {
		agree = 1;
		for (b = 0x01; b <= 0xff && agree; b++) {	/* alone:
					 * never valid UTF-8 past 0x7f */
			text[0] = (char)b;
			agree = same(charset_tables[i].name,
			    charset_tables[i].name, text, 1);
		}
		for (k = 0; k < 200 && agree; k++) {
			/* ending in a lone lead byte: never valid UTF-8,
			 * which charset_to_utf8 keeps as it is */
			n = 2 + rnd(sizeof(text) - 2);
			for (b = 0; b < (int)n - 1; b++)
				text[b] = (char)(1 + rnd(255));
			text[n - 1] = '\xe1';
			agree = same(charset_tables[i].name,
			    charset_tables[i].name, text, n);
		}
		ok(agree, "%s: every byte and 200 texts as iconv reads them",
		    charset_tables[i].name);
	}
}

/* A random piece of ISO-2022-JP, good or bad, appended at t[*n]. */
static void
jp_piece(char *t, size_t *n, size_t room)
{
	static const char *const esc[] = {
		"\033(B", "\033(J", "\033$@", "\033$B", "\033(I", "\033$A",
		"\033$(D", "\033$(B", "\033(", "\033$", "\033", "\033$(",
		"\033x",
	};
	const char	*e;
	unsigned	 k = rnd(10);

	if (*n + 8 >= room)
		return;
	if (k < 3) {
		e = esc[rnd(sizeof(esc) / sizeof(esc[0]))];
		memcpy(t + *n, e, strlen(e));
		*n += strlen(e);
	} else if (k < 7) {
		/* a pair: mostly in the table's rows, sometimes not */
		t[(*n)++] = (char)(0x21 + rnd(rnd(4) == 0 ? 94 : 84));
		t[(*n)++] = (char)(0x21 + rnd(94));
	} else if (k < 8)
		t[(*n)++] = "\n\r \t\177\001"[rnd(6)];
	else if (k < 9)
		t[(*n)++] = (char)(0x80 + rnd(128));
	else
		t[(*n)++] = (char)(0x21 + rnd(94));
}

static void
iso2022jp(void)
{
	char	 text[96];
	size_t	 n;
	int	 k, agree = 1;

	ok(charset_jis0208_ok, "JIS X 0208 written");
	for (k = 0; k < 20000 && agree; k++) {
		n = 0;
		while (n < 60)
			jp_piece(text, &n, sizeof(text));
		n -= rnd(3);	/* cut a piece short, sometimes */
		agree = same("ISO-2022-JP", "ISO-2022-JP", text, n);
	}
	ok(agree, "ISO-2022-JP: 20,000 random texts as iconv reads them");
	agree = same("iso-2022-jp", "ISO-2022-JP",
	    "\033$B$3$s$K$A$O\033(B, \033(J\\~\033(B", 25);
	ok(agree, "ISO-2022-JP: kana, then JIS X 0201 Roman's yen and overline");
}

/* Labels mail uses, the text, and what it reads as. */
static const struct {
	const char	*label, *text, *want, *what;
} label_cases[] = {
	{ "windows-1251", "\xcf\xf0\xe8", "\xd0\x9f\xd1\x80\xd0\xb8",
	  "windows-1251 reaches CP1251" },
	{ "koi8-r", "\xf0\xd2\xc9", "\xd0\x9f\xd1\x80\xd0\xb8",
	  "koi8-r reaches KOI8-R" },
	{ "ISO_8859-2", "\xb3", "\xc5\x82", "ISO_8859-2 reaches ISO-8859-2" },
	{ "x-cp1250", "\xb9", "\xc4\x85", "x-cp1250 reaches CP1250" },
	{ "latin2", "\xb3", "\xc5\x82", "latin2 reaches ISO-8859-2" },
	{ "iso-8859-8-i", "\xf9", "\xd7\xa9",
	  "iso-8859-8-i reaches ISO-8859-8" },
	/* no table: still iconv's */
	{ "EUC-JP", "\xb0\xa1", "\xe4\xba\x9c",
	  "EUC-JP still read through iconv" },
	{ "MAC-CYRILLIC", "\x8f", "\xd0\x9f",
	  "MAC-CYRILLIC still read through iconv" },
};

static void
labels(void)
{
	size_t	 i, n;

	for (i = 0; i < sizeof(label_cases) / sizeof(label_cases[0]); i++)
		is_str(charset_to_utf8(&arena, label_cases[i].label,
		    label_cases[i].text, strlen(label_cases[i].text), &n),
		    label_cases[i].want, "%s", label_cases[i].what);
}

int
main(void)
{
	arena_init(&arena, LIMIT_ARENA_BYTES);
	plan(0);
	single_byte();
	iso2022jp();
	labels();
	arena_free(&arena);
	return done();
}
