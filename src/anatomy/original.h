/*
 * original.h - the returned original: its headers, Received chain, DKIM
 * domains and body, from an attached part or quoted in the bounce's text.
 */
#ifndef BS_ORIGINAL_H
#define BS_ORIGINAL_H

#include <stddef.h>

struct arena;
struct original;
struct received;

/*
 * Fill o from a header block at text (LF line ends) followed, unless
 * source is SOURCE_HEADERS, by the body. Returns 0: what the arena has no
 * room for is left out.
 */
int	 original_read(struct arena *, struct original *, int source,
	    const char *text, size_t len);

/* Fill o's fields (Message-ID, From, ..., Received, DKIM) from o->hdr. */
void	 original_fields(struct arena *, struct original *);

/*
 * Look in a bounce's text for a quoted original: a run of header lines
 * (possibly behind "> " or indentation), preferably after a marker line
 * such as "Below this line is a copy of the message". With answer set
 * (the header does not say "bounce"), a mail program's quote header
 * under a marker or Outlook's line of underscores counts too ("From:",
 * "Sent:", "To:", "Subject:"; "Von:", "Gesendet:", ...). On success fill
 * o (source SOURCE_INLINE), set *start_r to the offset where the quoted
 * headers begin, and return 1; 0 when none; -1 out of arena.
 */
int	 original_find_inline(struct arena *, struct original *,
	    const char *text, size_t len, int answer, size_t *start_r);

/* The first quoted header block in text (a message forwarded inline by a
 * person), read into o; 1, 0 when none, -1 out of arena. */
int	 original_find_forwarded(struct arena *, struct original *,
	    const char *text, size_t len);

/*
 * Is the line [s, s+n) a separator that says the original follows it
 * ("--- Below this line is a copy of the message.", "------ This is a
 * copy of the message, including all the headers. ------", "Le message
 * original suit"): short, without an address, holding a phrase of
 * data/phrases.tsv's original-separator? Any case.
 */
int	 original_is_separator(const char *s, size_t n);

/* The offset of the first separator line in text, or len when none:
 * where the report's own words end. */
size_t	 original_separator(const char *text, size_t len);

/*
 * The lines of text quoted with '>' (an answer quoting the message it
 * answers), without their marks, one line each; its length in *len_r.
 * NULL when no quoted line has a letter, or out of arena.
 */
char	*original_quoted_lines(struct arena *, const char *text, size_t len,
	    size_t *len_r);

/* Find a "Message-ID: <...>" line anywhere in text; the id or NULL. */
char	*original_scan_message_id(struct arena *, const char *text, size_t len);

/* Take one unfolded Received value apart. */
void	 received_parse(struct arena *, const char *line, struct received *r);

#endif
