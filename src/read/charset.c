/*
 * charset.c - text in a declared charset to UTF-8 (see charset.h).
 *
 * Lenient, like everything that reads mail: valid UTF-8 is taken as it
 * is whatever the label says (most mislabelled text is UTF-8); a label is
 * read as the charset its writers mean (labels[] below); an unknown
 * charset, or no label, is read as Latin-1 (windows-1252); a byte iconv
 * cannot convert becomes U+FFFD and the conversion goes on.
 *
 * iconv loads a module (and the tables it needs) for any charset but
 * Latin-1 and UTF-8: most of a small bounce's cost when it is written in
 * KOI8-R or ISO-2022-JP. The single-byte charsets mail is commonly
 * written in and ISO-2022-JP are read from tables the build asked of its
 * iconv (tools/charsetgen.c), with the same result (tests/unit-charset).
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/limits.h"
#include "read/charset.h"
#include "base/sharedlibc.h"
#include "read/charset_tables.h"

static int
valid_utf8(const unsigned char *s, size_t n)
{
	size_t	 i = 0, k, len;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			len = 2;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			len = 3;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			len = 4;
		else
			return 0;
		if (i + len > n)
			return 0;
		for (k = 1; k < len; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
		i += len;
	}
	return 1;
}

/* windows-1252's letters and signs at 0x80-0x9f, where Latin-1 has
 * control characters no one writes in mail: text labelled Latin-1 is
 * mostly windows-1252 (its quotes, dashes and euro sign), and browsers
 * read it so. The five bytes windows-1252 leaves unassigned keep their
 * Latin-1 meaning. */
static const unsigned short cp1252_high[32] = {
	0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
	0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
};

/* Latin-1 (read as windows-1252) to UTF-8, with no iconv module to load:
 * the commonest charset after UTF-8 and the fallback for unknown ones. */
static char *
latin1_to_utf8(struct arena *a, const char *s, size_t n, size_t *len_r)
{
	char		*out, *o;
	size_t		 i;
	unsigned	 u;

	if ((out = arena_alloc(a, 3 * n + 1)) == NULL)
		return NULL;
	o = out;
	for (i = 0; i < n; i++) {
		u = (unsigned char)s[i];
		if (u >= 0x80 && u < 0xa0)
			u = cp1252_high[u - 0x80];
		if (u < 0x80)
			*o++ = (char)u;
		else if (u < 0x800) {
			*o++ = (char)(0xc0 | (u >> 6));
			*o++ = (char)(0x80 | (u & 0x3f));
		} else {
			*o++ = (char)(0xe0 | (u >> 12));
			*o++ = (char)(0x80 | ((u >> 6) & 0x3f));
			*o++ = (char)(0x80 | (u & 0x3f));
		}
	}
	*o = '\0';
	if (len_r)
		*len_r = (size_t)(o - out);
	return out;
}

/* A code point (at most U+FFFF) as UTF-8 at o; the bytes written. */
static size_t
put_utf8(char *o, unsigned u)
{
	if (u < 0x80) {
		o[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		o[0] = (char)(0xc0 | (u >> 6));
		o[1] = (char)(0x80 | (u & 0x3f));
		return 2;
	}
	o[0] = (char)(0xe0 | (u >> 12));
	o[1] = (char)(0x80 | ((u >> 6) & 0x3f));
	o[2] = (char)(0x80 | (u & 0x3f));
	return 3;
}

/* A single-byte charset by its table (charset_tables.h), as iconv reads
 * it: a byte it has no character for is U+FFFD. */
static char *
table_to_utf8(struct arena *a, const struct charset_table *t, const char *s,
    size_t n, size_t *len_r)
{
	char		*out, *o;
	size_t		 i;
	unsigned	 u;

	if ((out = arena_alloc(a, 3 * n + 1)) == NULL)
		return NULL;
	o = out;
	for (i = 0; i < n; i++) {
		u = (unsigned char)s[i];
		if (u >= 0x80 && (u = t->high[u - 0x80]) == 0)
			u = 0xfffd;
		o += put_utf8(o, u);
	}
	*o = '\0';
	if (len_r)
		*len_r = (size_t)(o - out);
	return out;
}

/*
 * ISO-2022-JP (RFC 1468) as glibc's iconv reads it, and as
 * charset_to_utf8's loop goes on after an error (U+FFFD for the byte,
 * then ASCII again): ESC ( B ASCII, ESC ( J JIS X 0201 Roman, ESC $ @ and
 * ESC $ B JIS X 0208; any other escape is written as it is; controls and
 * space are themselves in every set; an 8-bit byte, a pair outside the
 * table, or an escape or pair cut by the end is an error.
 */
static char *
iso2022jp_to_utf8(struct arena *a, const char *s, size_t n, size_t *len_r)
{
	const unsigned char	*p = (const unsigned char *)s;
	enum { ASCII, ROMAN, JIS }	 set = ASCII;
	char			*out, *o;
	size_t			 i = 0;
	unsigned		 c, u;

	if ((out = arena_alloc(a, 3 * n + 1)) == NULL)
		return NULL;
	o = out;
	while (i < n) {
		c = p[i];
		if (c == 0x1b) {
			if (i + 2 >= n)
				goto bad;	/* cut short */
			if (p[i + 1] == '(' && (p[i + 2] == 'B' ||
			    p[i + 2] == 'J')) {
				set = p[i + 2] == 'B' ? ASCII : ROMAN;
				i += 3;
				continue;
			}
			if (p[i + 1] == '$' && (p[i + 2] == '@' ||
			    p[i + 2] == 'B')) {
				set = JIS;
				i += 3;
				continue;
			}
		}
		if (c >= 0x80)
			goto bad;
		if (set == ASCII || c < 0x21 || c == 0x7f) {
			*o++ = (char)c;
			i++;
			continue;
		}
		if (set == ROMAN) {
			o += put_utf8(o, c == 0x5c ? 0xa5 : c == 0x7e ? 0x203e :
			    c);
			i++;
			continue;
		}
		if (i + 1 >= n || p[i + 1] < 0x21 || p[i + 1] >= 0x7f ||
		    (u = charset_jis0208[(c - 0x21) * 94 + p[i + 1] - 0x21]) ==
		    0)
			goto bad;
		o += put_utf8(o, u);
		i += 2;
		continue;
bad:
		o += put_utf8(o, 0xfffd);
		i++;
		set = ASCII;
	}
	*o = '\0';
	if (len_r)
		*len_r = (size_t)(o - out);
	return out;
}

/*
 * Names of the charsets read without iconv, folded (lower case, no "-",
 * "_" or space): the names iconv gives them and the others it knows
 * them by. Sorted, for bsearch.
 */
static const struct alias {
	char		 folded[12];	/* arrays: no relocations at start */
	char		 name[12];	/* charset_tables' */
} aliases[] = {
	{ "arabic",	"ISO-8859-6" },
	{ "cp1250",	"CP1250" },
	{ "cp1251",	"CP1251" },
	{ "cp1253",	"CP1253" },
	{ "cp1254",	"CP1254" },
	{ "cp1256",	"CP1256" },
	{ "cp1257",	"CP1257" },
	{ "cp866",	"CP866" },
	{ "cp874",	"CP874" },
	{ "cskoi8r",	"KOI8-R" },
	{ "cyrillic",	"ISO-8859-5" },
	{ "greek",	"ISO-8859-7" },
	{ "hebrew",	"ISO-8859-8" },
	{ "ibm866",	"CP866" },
	{ "iso885910",	"ISO-8859-10" },
	{ "iso885913",	"ISO-8859-13" },
	{ "iso885914",	"ISO-8859-14" },
	{ "iso885915",	"ISO-8859-15" },
	{ "iso885916",	"ISO-8859-16" },
	{ "iso88592",	"ISO-8859-2" },
	{ "iso88593",	"ISO-8859-3" },
	{ "iso88594",	"ISO-8859-4" },
	{ "iso88595",	"ISO-8859-5" },
	{ "iso88596",	"ISO-8859-6" },
	{ "iso88597",	"ISO-8859-7" },
	{ "iso88598",	"ISO-8859-8" },
	{ "iso88599",	"ISO-8859-9" },
	{ "koi8r",	"KOI8-R" },
	{ "koi8u",	"KOI8-U" },
	{ "latin10",	"ISO-8859-16" },
	{ "latin2",	"ISO-8859-2" },
	{ "latin3",	"ISO-8859-3" },
	{ "latin4",	"ISO-8859-4" },
	{ "latin5",	"ISO-8859-9" },
	{ "latin6",	"ISO-8859-10" },
	{ "latin7",	"ISO-8859-13" },
	{ "latin8",	"ISO-8859-14" },
	{ "latin9",	"ISO-8859-15" },
	{ "windows1250", "CP1250" },
	{ "windows1251", "CP1251" },
	{ "windows1253", "CP1253" },
	{ "windows1254", "CP1254" },
	{ "windows1256", "CP1256" },
	{ "windows1257", "CP1257" },
	{ "windows874",	"CP874" },
};

static int
alias_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct alias *)elem)->folded);
}

/* Is name (as iconv would be asked to open it) ISO-2022-JP, with its
 * table here? Else its single-byte table, or NULL: iconv reads it. */
static const struct charset_table *
table_find(const char *name, int *jp)
{
	char			 f[32];
	const struct alias	*al;
	size_t			 n = 0;
	int			 i;

	*jp = 0;
	if (strncasecmp(name, "x-", 2) == 0)
		name += 2;
	for (; *name != '\0'; name++) {
		if (*name == '-' || *name == '_' || *name == ' ')
			continue;
		if (n == sizeof(f) - 1)
			return NULL;
		f[n++] = (char)tolower((unsigned char)*name);
	}
	f[n] = '\0';
	if (strcmp(f, "iso2022jp") == 0 || strcmp(f, "csiso2022jp") == 0) {
		*jp = charset_jis0208_ok;
		return NULL;
	}
	if ((al = bsearch(f, aliases, sizeof(aliases) / sizeof(aliases[0]),
	    sizeof(aliases[0]), alias_cmp)) == NULL)
		return NULL;
	for (i = 0; i < charset_table_count; i++)
		if (strcmp(charset_tables[i].name, al->name) == 0)
			return &charset_tables[i];
	return NULL;
}

/*
 * Charset labels as mail is written with them, to the names iconv opens.
 * Most name a charset iconv knows under another name (Java's
 * "EUCGB2312_CN", Outlook's "ks_c_5601-1987", "x-" forms); the rest name
 * a subset of what their writers really send, and are read as its
 * superset, as the WHATWG Encoding Standard has browsers read them
 * (GB2312 as GB18030, Shift_JIS as Microsoft's CP932, EUC-KR as CP949,
 * Big5 as Big5-HKSCS, TIS-620 as CP874). The Latin-1 family is read by
 * latin1_to_utf8 above. Sorted, for bsearch.
 */
static const struct label {
	const char	*label;
	const char	*name;	/* NULL: latin1_to_utf8 */
} labels[] = {
	{ "ansi_x3.4-1968",	NULL },
	{ "ascii",		NULL },
	{ "big5",		"BIG5-HKSCS" },
	{ "big5-hkscs",		"BIG5-HKSCS" },
	{ "chinese",		"GB18030" },
	{ "cn-big5",		"BIG5-HKSCS" },
	{ "cp1252",		NULL },
	{ "cp819",		NULL },
	{ "csbig5",		"BIG5-HKSCS" },
	{ "cseuckr",		"CP949" },
	{ "csgb2312",		"GB18030" },
	{ "csiso58gb231280",	"GB18030" },
	{ "csisolatin1",	NULL },
	{ "csksc56011987",	"CP949" },
	{ "csshiftjis",		"CP932" },
	{ "dos-874",		"CP874" },
	{ "euc-cn",		"GB18030" },
	{ "euc-kr",		"CP949" },
	{ "euc_cn",		"GB18030" },
	{ "euc_kr",		"CP949" },
	{ "eucgb2312_cn",	"GB18030" },
	{ "gb2312",		"GB18030" },
	{ "gb_2312",		"GB18030" },
	{ "gb_2312-80",		"GB18030" },
	{ "gbk",		"GB18030" },
	{ "iso-8859-1",		NULL },
	{ "iso-8859-11",	"CP874" },
	{ "iso-8859-8-i",	"ISO-8859-8" },
	{ "iso-ir-100",		NULL },
	{ "iso-ir-149",		"CP949" },
	{ "iso-ir-58",		"GB18030" },
	{ "iso8859-1",		NULL },
	{ "iso88591",		NULL },
	{ "iso8859_1",		NULL },
	{ "iso_8859-1",		NULL },
	{ "iso_8859-1:1987",	NULL },
	{ "korean",		"CP949" },
	{ "ks_c_5601",		"CP949" },
	{ "ks_c_5601-1987",	"CP949" },
	{ "ks_c_5601-1989",	"CP949" },
	{ "ksc5601",		"CP949" },
	{ "ksc_5601",		"CP949" },
	{ "l1",			NULL },
	{ "latin1",		NULL },
	{ "ms932",		"CP932" },
	{ "ms936",		"GB18030" },
	{ "ms949",		"CP949" },
	{ "ms_kanji",		"CP932" },
	{ "shift-jis",		"CP932" },
	{ "shift_jis",		"CP932" },
	{ "sjis",		"CP932" },
	{ "tis-620",		"CP874" },
	{ "unicode-1-1-utf-7",	"UTF-7" },
	{ "us-ascii",		NULL },
	{ "utf7",		"UTF-7" },
	{ "windows-1252",	NULL },
	{ "windows-31j",	"CP932" },
	{ "windows-874",	"CP874" },
	{ "windows-936",	"GB18030" },
	{ "windows-949",	"CP949" },
	{ "x-euc",		"EUC-JP" },
	{ "x-euc-jp",		"EUC-JP" },
	{ "x-gbk",		"GB18030" },
	{ "x-mac-cyrillic",	"MAC-CYRILLIC" },
	{ "x-mac-roman",	"MACINTOSH" },
	{ "x-ms-cp932",		"CP932" },
	{ "x-sjis",		"CP932" },
	{ "x-user-defined",	NULL },
	{ "x-windows-949",	"CP949" },
	{ "x-x-big5",		"BIG5-HKSCS" },
};

static int
label_cmp(const void *key, const void *elem)
{
	return strcasecmp(key, ((const struct label *)elem)->label);
}

/* The label's entry in labels[], or NULL. */
static const struct label *
label_find(const char *charset)
{
	return bsearch(charset, labels, sizeof(labels) / sizeof(labels[0]),
	    sizeof(labels[0]), label_cmp);
}

/* iconv for a label it does not know as written: "x-" dropped, "_"
 * written "-", no dash after "cp" ("cp-850", "cp_1251", "iso8859_5"
 * forms). (iconv_t)-1 if none, or if nothing is left of the label. */
static iconv_t
open_loose(const char *charset)
{
	char	 name[64];
	size_t	 i, n = 0;

	if (strncasecmp(charset, "x-", 2) == 0)
		charset += 2;
	for (i = 0; charset[i] != '\0' && n < sizeof(name) - 1; i++) {
		if ((charset[i] == '-' || charset[i] == '_') && n == 2 &&
		    strncasecmp(name, "cp", 2) == 0)
			continue;
		name[n++] = charset[i] == '_' ? '-' : charset[i];
	}
	if (charset[i] != '\0' || n == 0)
		return (iconv_t)-1;
	name[n] = '\0';
	return iconv_open("UTF-8//TRANSLIT", name);
}

/* iconv for a label: the name labels[] gives it, else the label as
 * written (a platform's iconv may lack the superset), else loosely. */
static iconv_t
open_label(const struct label *l, const char *charset)
{
	iconv_t	 cd = (iconv_t)-1;

	if (l != NULL)
		cd = iconv_open("UTF-8//TRANSLIT", l->name);
	if (cd == (iconv_t)-1)
		cd = iconv_open("UTF-8//TRANSLIT", charset);
	if (cd == (iconv_t)-1)
		cd = open_loose(charset);
	return cd;
}

/* A 7-bit charset that valid UTF-8 may be written in and still need
 * converting: ISO-2022 (JP, KR, CN) and UTF-7 (the labels[] names of it
 * too). */
static int
seven_bit(const char *charset)
{
	return charset != NULL && (strncasecmp(charset, "iso-2022", 8) == 0 ||
	    strcasecmp(charset, "utf-7") == 0 ||
	    strcasecmp(charset, "utf7") == 0 ||
	    strcasecmp(charset, "unicode-1-1-utf-7") == 0);
}

static int
is_utf8_name(const char *cs)
{
	return strcasecmp(cs, "utf-8") == 0 || strcasecmp(cs, "utf8") == 0;
}

int
charset_kept(const char *charset, const char *s, size_t n)
{
	if (n > LIMIT_PART_DECODED)
		n = LIMIT_PART_DECODED;
	return !seven_bit(charset) && valid_utf8((const unsigned char *)s, n);
}

char *
charset_to_utf8(struct arena *a, const char *charset, const char *s,
    size_t n, size_t *len_r)
{
	const struct label	*l = NULL;
	const struct charset_table *t;
	iconv_t			 cd;
	char			*out, *in, *o;
	size_t			 cap, inleft, outleft;
	int			 jp;

	if (n > LIMIT_PART_DECODED)
		n = LIMIT_PART_DECODED;
	/* Valid UTF-8 is taken as it is whatever the label says (most
	 * mislabelled text is UTF-8), except in a 7-bit charset, which
	 * always needs converting. */
	if (!seven_bit(charset) && valid_utf8((const unsigned char *)s, n)) {
		if (len_r)
			*len_r = n;
		return arena_strndup(a, s, n);
	}
	if (charset == NULL || is_utf8_name(charset) ||
	    ((l = label_find(charset)) != NULL && l->name == NULL))
		return latin1_to_utf8(a, s, n, len_r);
	/* the commonest others, with no module to load */
	if ((t = table_find(l != NULL ? l->name : charset, &jp)) != NULL)
		return table_to_utf8(a, t, s, n, len_r);
	if (jp)
		return iso2022jp_to_utf8(a, s, n, len_r);
	/* iconv loads a module for the rest: a static program whose glibc
	 * is not the system's must not (base/sharedlibc.h) */
	if (!sharedlibc_ok() || (cd = open_label(l, charset)) == (iconv_t)-1)
		return latin1_to_utf8(a, s, n, len_r);
	cap = 4 * n + 16;
	if ((out = arena_alloc(a, cap)) == NULL) {
		iconv_close(cd);
		return NULL;
	}
	in = (char *)s;
	inleft = n;
	o = out;
	outleft = cap - 1;
	while (inleft > 0) {
		if (iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1)
			break;
		if (errno == EILSEQ || errno == EINVAL) {
			/* one bad byte: U+FFFD and go on */
			if (outleft < 4)
				break;
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			outleft -= 3;
			in++;
			inleft--;
			iconv(cd, NULL, NULL, NULL, NULL);
			continue;
		}
		break;	/* E2BIG cannot happen with 4x room; stop anyway */
	}
	iconv_close(cd);
	*o = '\0';
	if (len_r)
		*len_r = (size_t)(o - out);
	return out;
}
