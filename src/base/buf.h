/*
 * buf.h - the one binary-safe byte buffer for everything built from mail.
 *
 * A buffer grows up to its max and no further: an append that would pass
 * max fails and leaves the buffer as it was. Once the buffer holds memory
 * its data is followed by a NUL byte (not counted in len), so that text
 * can be handed to C string functions when it is known to hold no NUL; a
 * buffer that never grew has data NULL (callers write b.data ? b.data :
 * "").
 */
#ifndef BS_BUF_H
#define BS_BUF_H

#include <stddef.h>

struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
	size_t	 max;
	int	 refused;	/* appends refused since init (past max or
				 * out of memory): what was built is short */
};

/* Start an empty buffer that may hold at most max bytes. */
void	buf_init(struct buf *, size_t max);
/* Append n bytes; 0, or -1 (buffer unchanged) past max or out of memory. */
int	buf_append(struct buf *, const void *, size_t n);
int	buf_appendc(struct buf *, int c);
int	buf_appends(struct buf *, const char *s);
/* Make room for n more bytes; 0 or -1 (counted in refused). */
int	buf_reserve(struct buf *, size_t n);
/* Append "file:line: message\n" (just "file: " when line is 0); the line
 * before its "\n" is cut at 767 bytes. A line past max is left out whole
 * (counted in refused). errors may be NULL. */
void	buf_error(struct buf *errors, const char *file, int line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void	buf_reset(struct buf *);
void	buf_free(struct buf *);

#endif
