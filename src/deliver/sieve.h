/*
 * sieve.h - run a user's Sieve script on one message with libsieve, and
 * say where the message goes.
 *
 * libsieve 2.2.6 only reports: it parses and runs the script and calls
 * back for each action. What it leaves to us is done here: header tests
 * are answered from our own header index (libsieve's parser rejects
 * common headers), the implicit keep when no action cancels it,
 * duplicate actions merged, errors that libsieve only reports through
 * callbacks counted (any error: keep in the INBOX, never lose the
 * message), reject and vacation refused (an answer to backscatter is
 * more backscatter: they become keep), IMAP flags turned into
 * DELIVER_* bits. Nothing is delivered or sent here.
 */
#ifndef BS_SIEVE_H
#define BS_SIEVE_H

#include <stddef.h>

#include "deliver/deliver.h"

struct arena;
struct header_block;


/* The message as the script sees it. */
struct sieve_message {
	const struct header_block *hdr;	/* header, with our X-Backscatter-* */
	struct arena	*arena;		/* lives until the outcome is used */
	size_t		 size;		/* bytes as stored */
	const char	*sender;	/* envelope from; "" for <> */
	const char	*recipient;	/* envelope to, or NULL */
};

/* Where the message goes. Strings live in the message's arena. */
struct sieve_outcome {
	struct deliver_request	 stores[DELIVER_COPIES_MAX];	/* keep/fileinto */
	int			 nstores;
	const char		*redirects[SIEVE_REDIRECTS_MAX];
	int			 nredirects;
	int			 discarded;	/* an explicit discard ran */
	int			 errors;	/* script errors (then: keep) */
};

/*
 * Run script (its text; name is for messages) on the message. On any
 * error (the script does not parse, an unsupported extension, a runtime
 * error) the outcome is a single keep in the INBOX and -1 is returned,
 * with the errors logged (log.h). Otherwise 0.
 */
int	 sieve_run(const char *script, const char *name,
	    const struct sieve_message *, struct sieve_outcome *r);

/*
 * sieve_run in a process of its own, stopped after SIEVE_TIME_LIMIT
 * seconds: then, or when it cannot be had, the outcome is a keep in the
 * INBOX (said) and -1. Its strings are put in the message's arena.
 */
int	 sieve_run_bounded(const char *script, const char *name,
	    const struct sieve_message *, struct sieve_outcome *r);

/* The text of the script at path (at most SIEVE_SCRIPT_MAX bytes, no
 * NUL, a regular file: never waited on), malloc'd; NULL with errno set
 * when it cannot be read. A number past libsieve's int (size :over 3G)
 * is written as the largest it holds: it overflowed, and "size :over
 * 2G" was true for every message. */
char	*sieve_read(const char *path);

/* The script shipped as rules/default.sieve, built into the program. */
extern const char sieve_default_script[];

#endif
