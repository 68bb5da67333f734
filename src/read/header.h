/*
 * header.h - header blocks: index, unfolding, parameters. Encoded words
 * are in rfc2047.h, charsets in charset.h, addresses in address.h.
 *
 * All functions work on LF-normalised text (see message.h): the raw bytes
 * are never parsed in place for analysis, only copied through.
 */
#ifndef BS_HEADER_H
#define BS_HEADER_H

#include <stddef.h>

struct arena;

struct header {
	const char	*name;		/* field name, not NUL-terminated */
	size_t		 name_len;
	const char	*value;		/* after the colon, still folded */
	size_t		 value_len;
};

struct header_block {
	struct header	*fields;
	size_t		 count;
	int		 truncated;	/* more than LIMIT_HEADER_FIELDS, or
					   a header over LIMIT_HEADER_BYTES */
};

/*
 * Index the header block at the start of text (LF line ends): a MIME
 * part's, a report's. The block ends at an empty line, or at the first
 * line that is neither a field nor a continuation. Returns the offset of
 * the body (after the empty line, or at that line).
 */
size_t	 header_parse(struct arena *, const char *text, size_t len,
	    struct header_block *r);
/*
 * Index a message's own header, text being the whole block up to (not
 * including) the empty line that ends it: the mail hosts end a header only
 * there (message.c). A line that is no field (no colon, an 8-bit or empty
 * name, an empty line made of a "\r\n" in an LF message) does not end it: that line and
 * its continuation lines are left out of the index.
 */
void	 header_index(struct arena *, const char *text, size_t len,
	    struct header_block *r);
/*
 * The same for a returned original, whose folding some MTAs break (the
 * continuation lines lose their indent): after the first field, a line
 * that is not "Name:" with a plain token name continues the field above,
 * and only an empty line ends the block. A first line that is not a field
 * still ends it at once: there is no header.
 */
size_t	 header_parse_returned(struct arena *, const char *text, size_t len,
	    struct header_block *r);

/* Index of the n-th field (0-based) named name, case-insensitive, or -1. */
long	 header_find(const struct header_block *, const char *name, int n);

/* Unfolded value with surrounding space trimmed, not decoded; NULL if absent. */
char	*header_get_raw(struct arena *, const struct header_block *,
	    const char *name);
/* As header_get_raw, decoded to UTF-8 (header_decode). */
char	*header_get(struct arena *, const struct header_block *,
	    const char *name);
/*
 * An unfolded value of hb decoded to UTF-8: its RFC 2047 words, and raw
 * 8-bit text that is not UTF-8 read in the charset of hb's own
 * Content-Type when that is a text type naming one, else as Latin-1.
 * v itself when there is nothing to decode.
 */
char	*header_decode(struct arena *, const struct header_block *, char *v);
/* The unfolded value of field i. */
char	*header_unfold(struct arena *, const struct header *);

/* Parameter of a structured value ("charset" in Content-Type), or NULL. */
char	*header_param(struct arena *, const char *value, const char *param);

#endif
