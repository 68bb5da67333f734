/*
 * log.h - one sink for what the program has to say to people: standard
 * error, and the mail log (syslog, facility LOG_MAIL) when the run is one
 * the mail system started, whose standard error is often thrown away.
 *
 * As OpenSMTPD's log.c: printf-checked calls, one line each, the program's
 * name in front. Never for message text: a line names a file, a setting,
 * a Message-ID or a verdict, never a body.
 */
#ifndef BS_LOG_H
#define BS_LOG_H

#include <stddef.h>

/* Where lines go (log_init's to). */
#define LOG_TO_STDERR	0x1
#define LOG_TO_MAILLOG	0x2


/* Name the program and choose where lines go (default: standard error). */
void	 log_init(const char *ident, int to);
/* Where lines go now. */
int	 log_to(void);
/* A warning; log_warn adds ": " and strerror(errno). */
void	 log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* What a daemon did (LOG_INFO in the mail log): backscatter-milter's
 * verdicts and reloads. */
void	 log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Each line of text ("file:line: message\n" lines) as a warning; empty
 * lines are left out. */
void	 log_lines(const char *text, size_t len);

#endif
