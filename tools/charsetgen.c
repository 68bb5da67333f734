/*
 * charsetgen.c - write src/read/charset_tables.c: the charsets the
 * program reads without iconv, as this machine's iconv reads them.
 *
 *	charsetgen > charset_tables.c
 *
 * iconv opens a module (a shared object, with the tables it needs) for
 * every charset but Latin-1 and UTF-8: for a one-message process that is
 * most of the cost of a bounce written in KOI8-R or ISO-2022-JP. The
 * tables below are what that module would give, asked of iconv here, one
 * character at a time: the upper half of each single-byte charset mail is
 * written in, and JIS X 0208 for ISO-2022-JP. src/read/charset.c reads
 * with them exactly as with iconv (tests/unit-charset compares the two);
 * a charset this iconv cannot open gets no table and is left to iconv.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* iconv's names: src/read/charset.c maps mail's labels to them */
static const char *const single[] = {
	"ISO-8859-2", "ISO-8859-3", "ISO-8859-4", "ISO-8859-5", "ISO-8859-6",
	"ISO-8859-7", "ISO-8859-8", "ISO-8859-9", "ISO-8859-10",
	"ISO-8859-13", "ISO-8859-14", "ISO-8859-15", "ISO-8859-16",
	"KOI8-R", "KOI8-U", "CP1250", "CP1251", "CP1253", "CP1254", "CP1256",
	"CP1257", "CP866", "CP874",
	/* not CP1255 and CP1258: iconv composes a letter with the marks
	 * after it there, which a table cannot */
};

/* The one code point iconv makes of in[0..n), or 0: none, an error, or
 * more than one. */
static unsigned
one_char(iconv_t cd, const char *in, size_t n)
{
	char		 out[16], *ip = (char *)in, *op = out;
	size_t		 il = n, ol = sizeof(out);
	unsigned char	*u = (unsigned char *)out;
	unsigned	 c;

	iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || il != 0 ||
	    iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1)
		return 0;
	n = (size_t)(op - out);
	if (n == 1 && u[0] < 0x80)
		c = u[0];
	else if (n == 2 && (u[0] & 0xe0) == 0xc0)
		c = (unsigned)(u[0] & 0x1f) << 6 | (u[1] & 0x3f);
	else if (n == 3 && (u[0] & 0xf0) == 0xe0)
		c = (unsigned)(u[0] & 0x0f) << 12 |
		    (unsigned)(u[1] & 0x3f) << 6 | (u[2] & 0x3f);
	else
		return 0;	/* past the BMP, or two characters */
	return c;
}

/* A single-byte charset's upper half, or 0 when iconv lacks it or its
 * lower half is not ASCII. */
static int
write_single(const char *name)
{
	iconv_t		 cd;
	unsigned	 hi[128];
	char		 b;
	int		 i;

	if ((cd = iconv_open("UTF-8", name)) == (iconv_t)-1)
		return 0;
	for (i = 1; i < 0x80; i++) {
		b = (char)i;
		if (one_char(cd, &b, 1) != (unsigned)i) {
			iconv_close(cd);
			return 0;
		}
	}
	for (i = 0; i < 128; i++) {
		b = (char)(0x80 + i);
		hi[i] = one_char(cd, &b, 1);
	}
	iconv_close(cd);
	printf("\t{ \"%s\", {", name);
	for (i = 0; i < 128; i++)
		printf("%s0x%04x,", i % 8 == 0 ? "\n\t    " : " ", hi[i]);
	printf("\n\t} },\n");
	return 1;
}

/* JIS X 0208 as ISO-2022-JP reads it: row and column 0x21-0x7e. */
static int
write_jis0208(void)
{
	iconv_t		 cd;
	char		 in[8] = "\033$B\041\041\033(B";
	int		 r, c, ok = 0;

	printf("const unsigned short charset_jis0208[94 * 94] = {");
	if ((cd = iconv_open("UTF-8", "ISO-2022-JP")) != (iconv_t)-1) {
		for (r = 0; r < 94; r++)
			for (c = 0; c < 94; c++) {
				in[3] = (char)(0x21 + r);
				in[4] = (char)(0x21 + c);
				printf("%s0x%04x,", (r * 94 + c) % 8 == 0 ?
				    "\n\t" : " ", one_char(cd, in, 8));
			}
		iconv_close(cd);
		ok = 1;
	} else
		printf(" 0 ");
	printf("\n};\nconst int charset_jis0208_ok = %d;\n", ok);
	return ok;
}

int
main(void)
{
	size_t	 i;
	int	 n = 0;

	printf("/* Written by tools/charsetgen from this machine's iconv: "
	    "do not edit. */\n#include \"read/charset_tables.h\"\n\n");
	printf("const struct charset_table charset_tables[] = {\n");
	for (i = 0; i < sizeof(single) / sizeof(single[0]); i++)
		n += write_single(single[i]);
	printf("\t{ \"\", { 0 } }\n};\nconst int charset_table_count = %d;"
	    "\n\n", n);
	write_jis0208();
	return ferror(stdout) || fflush(stdout) != 0 ? 1 : 0;
}
