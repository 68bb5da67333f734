/*
 * charset_tables.h - the charsets read without iconv (written at build
 * time by tools/charsetgen from the build machine's iconv).
 */
#ifndef BS_CHARSET_TABLES_H
#define BS_CHARSET_TABLES_H

/* A single-byte charset whose lower half is ASCII: the code point of each
 * byte 0x80-0xff, 0 where iconv has none (an invalid byte). */
struct charset_table {
	char			 name[16];	/* as iconv names it (an
						   array: no relocation) */
	unsigned short		 high[128];
};
extern const struct charset_table charset_tables[];
extern const int charset_table_count;

/* JIS X 0208 as ISO-2022-JP reads it, [(row - 0x21) * 94 + col - 0x21];
 * 0 where it has no character. All 0 unless charset_jis0208_ok. */
extern const unsigned short charset_jis0208[94 * 94];
extern const int charset_jis0208_ok;

#endif
