/*
 * syslog-shim.c - an LD_PRELOAD library that writes what the program
 * sends to syslog into the file $SYSLOG_FILE instead, one line each:
 *
 *	IDENT FACILITY.LEVEL: MESSAGE
 *
 * so that a test can see what reaches the mail log without a syslog
 * daemon (and without writing to the host's own log).
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

static const char	*ident = "?";
static int		 facility = LOG_USER;

void
openlog(const char *id, int option, int fac)
{
	(void)option;
	if (id != NULL)
		ident = id;
	facility = fac;
}

void
closelog(void)
{
}

static const char *
facility_name(int fac)
{
	switch (fac & LOG_FACMASK) {
	case LOG_MAIL:	return "mail";
	case LOG_USER:	return "user";
	case LOG_DAEMON: return "daemon";
	default:	return "other";
	}
}

static const char *
level_name(int pri)
{
	static const char *const names[] = { "emerg", "alert", "crit", "err",
	    "warning", "notice", "info", "debug" };

	return names[pri & LOG_PRIMASK];
}

void
vsyslog(int pri, const char *fmt, va_list ap)
{
	const char	*path = getenv("SYSLOG_FILE");
	char		 msg[2048], line[2200];
	int		 fd, n;

	if (path == NULL)
		return;
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	n = snprintf(line, sizeof(line), "%s %s.%s: %s\n", ident,
	    facility_name((pri & LOG_FACMASK) ? pri : facility),
	    level_name(pri), msg);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600)) == -1)
		return;
	(void)!write(fd, line, (size_t)n);
	close(fd);
}

void
syslog(int pri, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsyslog(pri, fmt, ap);
	va_end(ap);
}

/* What glibc's syslog and vsyslog become with _FORTIFY_SOURCE. */
void
__vsyslog_chk(int pri, int flag, const char *fmt, va_list ap)
{
	(void)flag;
	vsyslog(pri, fmt, ap);
}

void
__syslog_chk(int pri, int flag, const char *fmt, ...)
{
	va_list	 ap;

	(void)flag;
	va_start(ap, fmt);
	vsyslog(pri, fmt, ap);
	va_end(ap);
}
