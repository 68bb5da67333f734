/*
 * mime.h - the MIME part tree of a message.
 *
 * Parts are stored in document order in one array; each knows its parent
 * and depth. A message/rfc822 (or message/global, message/partial) part
 * has one child: the embedded message, whose headers are in that child's
 * hdr. Nesting deeper
 * than LIMIT_MIME_DEPTH is not descended into; more than LIMIT_MIME_PARTS
 * parts are not recorded. Both set a flag in skipped and never fail.
 */
#ifndef BS_MIME_H
#define BS_MIME_H

#include <stddef.h>
#include <stdint.h>

#include "read/codec.h"
#include "read/header.h"

struct arena;

struct mime_part {
	int			 parent;	/* index, -1 for the top */
	int			 depth;
	int			 embedded;	/* top of an embedded message */
	struct header_block	 hdr;
	char			*type;		/* "text/plain", lower case */
	char			*charset;
	char			*boundary;
	char			*encoding;	/* Content-Transfer-Encoding, lower */
	const char		*body;		/* normalised text, not decoded */
	size_t			 body_len;
	const char		*head;		/* header block start (embedded) */
};

struct mime {
	struct mime_part	*parts;
	int			 count;
	unsigned		 skipped;	/* MIME_SKIP_* */

	/* Where the lines starting with "--" are in the top-level body,
	 * found in one pass the first time a boundary is looked for: every
	 * level's delimiters are then looked up, not searched for again
	 * (a bounce's returned attachment was crossed once a level). */
	const char		*dash_base;	/* the body indexed, or NULL */
	size_t			 dash_len;
	uint32_t		*dash;		/* offsets, ascending */
	size_t			 ndash;
	size_t			 dash_upto;	/* indexed up to here: a search
						   past it scans the text */
};

#define MIME_SKIP_DEPTH		0x01
#define MIME_SKIP_PARTS		0x02

/*
 * Build the tree of a message whose top-level header index is top and
 * whose normalised body is body. 0, or -1 when out of arena.
 */
int	 mime_parse(struct arena *, const struct header_block *top,
	    const char *body, size_t body_len, struct mime *r);

/* Transfer-decoded bytes of a leaf part (base64, quoted-printable, or as
 * is), at most LIMIT_PART_DECODED; NULL when out of arena. */
char	*mime_decode(struct arena *, const struct mime_part *, size_t *len_r);

/* The part's text as UTF-8: transfer-decoded, charset-converted, and for
 * text/html with tags and entities reduced to plain text. */
char	*mime_text(struct arena *, const struct mime_part *, size_t *len_r);
/* The same, as far as cap bytes and one more where the text is the
 * part's bytes as they are (the rest is not copied); the whole text
 * otherwise. For a caller that keeps at most cap bytes, cut at a
 * character boundary (the byte past cap says where). */
char	*mime_text_upto(struct arena *, const struct mime_part *, size_t cap,
	    size_t *len_r);

/* Reduce HTML to text in place-ish: returns a new arena string. */
char	*html_to_text(struct arena *, const char *, size_t n, size_t *len_r);

/* Is part i inside (a descendant of) part anc? */
int	 mime_within(const struct mime *, int i, int anc);

#endif
