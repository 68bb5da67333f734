/*
 * log.c - the log sink (see log.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "base/limits.h"
#include "base/log.h"

static const char	*ident = "backscatter";
static int		 to = LOG_TO_STDERR;
static int		 opened;

void
log_init(const char *name, int where)
{
	ident = name;
	to = where;
	if ((to & LOG_TO_MAILLOG) && !opened) {
		/* LOG_NDELAY unset: nothing is opened until a line is due */
		openlog(ident, LOG_PID, LOG_MAIL);
		opened = 1;
	}
}

int
log_to(void)
{
	return to;
}

/* One line to every sink; text holds no line end. One call to stderr,
 * which is unbuffered: one write, not one per piece. */
static void
emit(int priority, const char *text, size_t len)
{
	int	 n = len > INT_MAX ? INT_MAX : (int)len;

	if (to & LOG_TO_STDERR)
		fprintf(stderr, "%s: %.*s\n", ident, n, text);
	if (to & LOG_TO_MAILLOG)
		syslog(priority, "%.*s", n > LOG_LINE_MAX ? LOG_LINE_MAX : n,
		    text);
}

static void
vlog(int priority, int with_errno, const char *fmt, va_list ap)
{
	char	 line[LOG_LINE_MAX];
	int	 saved = errno, n;

	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	if (with_errno && (size_t)n < sizeof(line))
		(void)snprintf(line + n, sizeof(line) - (size_t)n, ": %s",
		    strerror(saved));
	emit(priority, line, strlen(line));
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, 1, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, 0, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, 0, fmt, ap);
	va_end(ap);
}

void
log_lines(const char *text, size_t len)
{
	const char	*end;
	size_t		 n;

	while (len > 0) {
		if ((end = memchr(text, '\n', len)) == NULL)
			end = text + len;
		n = (size_t)(end - text);
		if (n > 0)
			emit(LOG_WARNING, text, n);
		n = (size_t)(end - text) + (end < text + len);
		text += n;
		len -= n;
	}
}
