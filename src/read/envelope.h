/*
 * envelope.h - what the host tells about a message besides its bytes: the
 * envelope sender and recipient, the user's home, the clock to judge by,
 * the sendmail that redirects go through.
 *
 * The command line builds one (cli/environment.c, from its options and
 * the environment) and hands it down to whatever needs it: nothing below
 * src/cli reads the environment. Strings are borrowed from argv and the
 * environment; the struct owns nothing else.
 */
#ifndef BS_ENVELOPE_H
#define BS_ENVELOPE_H

#include "base/limits.h"

struct arena;
struct message;

/* The variables hosts name the envelope recipient with, in this order:
 * RECIPIENT (Postfix, Exim, Dovecot), ORIG_RECIPIENT (Dovecot),
 * ORIGINAL_RECIPIENT (Postfix). */
#define ENVELOPE_RECIPIENT_VARS	3

struct envelope_variable {
	const char	*name;
	const char	*value;		/* as the host set it; NULL: unset */
};

struct envelope {
	/* --sender, else $SENDER when set (Postfix and Exim set it empty
	 * for the null sender); NULL: read it from the message */
	const char		*sender;
	/* --recipient, checked and in lower case; or NULL */
	const char		*recipient;
	struct envelope_variable recipient_vars[ENVELOPE_RECIPIENT_VARS];
	/* the recipient as given, for a Sieve envelope test: --recipient as
	 * written, else the first of the variables set and not empty */
	const char		*to;
	const char		*home;		/* $HOME when absolute, or NULL */
	long long		 now;		/* BACKSCATTER_NOW; 0: the clock */
	const char		*sendmail;	/* BACKSCATTER_SENDMAIL when
						   set, or NULL */
	char			 recipient_buf[LIMIT_ADDRESS + 1];
};

/* The time to judge by, in seconds since 1970: env->now, or the clock.
 * env may be NULL. */
long long	 envelope_now(const struct envelope *);
/* BACKSCATTER_NOW's value as the clock: seconds since 1970, from 1 to the
 * last second of 9999 (a value strtoll saturates would make every day
 * wrong); 0 for anything else, which the caller says is refused and
 * judges by the clock. */
long long	 envelope_clock(const char *value);
#define ENVELOPE_CLOCK_REFUSED	"BACKSCATTER_NOW: not seconds since 1970 " \
	"(from 1 to 253402300799): the clock is used"

/*
 * The envelope sender of m: env->sender when known, else the From_ line's
 * address, else the first Return-Path. "" is the null sender (also for
 * "MAILER-DAEMON" in a From_ line). The header must be parsed. Never NULL.
 */
const char	*envelope_sender(const struct envelope *, const struct message *m,
		    struct arena *);

#endif
