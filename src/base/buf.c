/*
 * buf.c - bounded byte buffer (see buf.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
	b->refused = 0;
}

int
buf_reserve(struct buf *b, size_t n)
{
	size_t	 want, cap;
	char	*p;

	if (n > b->max || b->len > b->max - n) {
		b->refused++;
		return -1;
	}
	want = b->len + n + 1;
	if (want <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < want)
		cap = cap > ((size_t)-1) / 2 ? want : cap * 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	if ((p = realloc(b->data, cap)) == NULL) {
		b->refused++;
		return -1;
	}
	p[b->len] = '\0';	/* a fresh buffer is a string too */
	b->data = p;
	b->cap = cap;
	return 0;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) == -1)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_appendc(struct buf *b, int c)
{
	char	 ch = (char)c;

	return buf_append(b, &ch, 1);
}

int
buf_appends(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_error(struct buf *errors, const char *file, int line, const char *fmt, ...)
{
	char	 msg[769];
	va_list	 ap;
	size_t	 len;
	int	 n;

	if (errors == NULL)
		return;
	if (line > 0)
		n = snprintf(msg, sizeof(msg) - 1, "%s:%d: ", file, line);
	else
		n = snprintf(msg, sizeof(msg) - 1, "%s: ", file);
	if (n < 0 || (size_t)n >= sizeof(msg) - 1)
		n = 0;
	va_start(ap, fmt);
	(void)vsnprintf(msg + n, sizeof(msg) - 1 - (size_t)n, fmt, ap);
	va_end(ap);
	/* the line whole or not at all (counted in refused): never its
	 * line end alone, an empty line, when the text no longer fits */
	len = strlen(msg);
	msg[len++] = '\n';
	(void)buf_append(errors, msg, len);
}
