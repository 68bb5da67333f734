/*
 * dsn.h - RFC 3464 delivery-status fields (also RFC 6533's
 * message/global-delivery-status, which is the same in UTF-8).
 *
 * dsn_parse reads the per-message block and each per-recipient block and
 * adds every recipient to the analysis. It is also used on text/plain
 * parts that carry DSN-style fields (several MTAs write them inline).
 */
#ifndef BS_DSN_H
#define BS_DSN_H

#include <stddef.h>

struct arena;
struct analysis;

/* Returns the number of recipients found (those found before the arena
 * ran out, when it did; never an error). */
int	 dsn_parse(struct arena *, const char *text, size_t len,
	    struct analysis *);

/* Copy the first X.Y.Z status code in s (classes 2, 4, 5) to out (at
 * least 16 bytes); returns 1 if found. */
int	 dsn_status_code(const char *s, char *out);

/*
 * 1 if text quotes an SMTP server's refusal: a 4xx or 5xx reply code and
 * an enhanced status code of the same class ("550 5.1.1", "452-4.2.2"),
 * the line a bounce copies from the server that refused, or Exchange's
 * "<host #5.1.1>"; else 0.
 */
int	 dsn_smtp_refusal(const char *text);

#endif
