/*
 * ledger_redis.h - the sent ledger in Redis, shared by every host of a
 * domain (sent_ledger redis://host:port/db or unix:/path), behind
 * ledger.h's functions: ledger.c hands a Redis path here.
 *
 * One key a Message-ID, "bs:sent:" and the hex of the same 16-byte hash
 * the LMDB file keys by; its value is the day it was recorded (as
 * versions before recipients were kept wrote it, so that they and this
 * one read each other's entries). Its recipients are a set beside it,
 * "bs:to:" and the same hex, of the hex of each recipient's 8-byte hash;
 * and each recipient is a correspondent, "bs:corr:" and that hex, whose
 * value is the last day we wrote to it. Every key expires after the
 * expiry given when it was written. Two marks never expire:
 * "bs:state:recipients", the day recipients were first kept, and
 * "bs:state:legacy", the last day an entry without recipients was
 * written (or, when the first writer that kept them found keys there
 * already, that day): until sent_ledger_expiry days after it, the
 * correspondents cannot say "never". A third, "bs:state:lost", is the
 * last day a writer lost an entry (Redis could not take it, nor could
 * the writer's local spool keep it for later: ledger.c) or found the
 * database empty after writing to it before (wiped, or not kept across a
 * restart): until sent_ledger_expiry days after it, nothing is "never"
 * recorded or written to. Nothing names an address: a hash
 * can only confirm an address one already knows. Every call waits at
 * most LEDGER_REDIS_TIMEOUT_MS: a Redis that is down or slow, or refuses
 * our password, is a ledger that cannot answer (no proof from it), never
 * a wait that holds up mail. After a failure no connection is
 * tried for LEDGER_REDIS_RETRY_SECONDS, and the failure is logged at most
 * once in LEDGER_REDIS_LOG_SECONDS.
 */
#ifndef BS_LEDGER_REDIS_H
#define BS_LEDGER_REDIS_H

#include <stddef.h>

#include "base/limits.h"	/* LEDGER_REDIS_TIMEOUT_MS and the others */

struct ledger_redis;

/* Is path a Redis ledger ("redis://" or "unix:")? A URL may hold a
 * password for AUTH: redis://[[user]:password@]host[:port][/db] or
 * unix://[user]:password@/path[?db=N] (%XX in user and password). */
int	 ledger_redis_is(const char *path);

/* A handle for url; the connection is made on first use (and again
 * after a failure). 0, or -1 with err when url is malformed. */
int	 ledger_redis_open(const char *url, struct ledger_redis **r,
	    char *err, size_t errlen);
void	 ledger_redis_close(struct ledger_redis *);
/* Its URL for messages, the password hidden. */
const char *ledger_redis_url(const struct ledger_redis *);
/* The database it names, however the URL spells it ("unix:<path>?db=N"
 * or "redis://<host>:<port>/<db>", no user or password) into out: 0, or
 * -1 when len is too short. */
int	 ledger_redis_where(const struct ledger_redis *, char *out,
	    size_t len);

/* What Redis holds about key (LEDGER_KEY_LEN bytes): the day it was
 * recorded, and the hashes of its recipients (at most max, of
 * LEDGER_RCPT_LEN bytes, into rcpt; *nrcpt_r of them, 0 for an entry
 * written before they were kept). 1 found, 0 not (from a marked
 * database that lost nothing within expiry days of today), -1 it cannot
 * say, or Redis cannot answer. */
int	 ledger_redis_find_sent(struct ledger_redis *, const unsigned char *key,
	    long today, int expiry, unsigned long *day_r, unsigned char *rcpt,
	    int max, int *nrcpt_r);

/* Did we write to the address whose hash (LEDGER_RCPT_LEN bytes) is
 * rcpt, within expiry days of today? 1 yes (*day_r the last day), 0
 * never (the ledger keeps recipients, and no entry without them is
 * younger than expiry days), -1 it cannot say, or Redis cannot answer. */
int	 ledger_redis_correspondent(struct ledger_redis *,
	    const unsigned char *rcpt, long today, int expiry,
	    unsigned long *day_r);

/* Record n entries (key and day, as the spool keeps them), to expire
 * after expiry days; wrote_before: this writer has written to a Redis
 * ledger before (an empty database was then wiped: marked lost). 0, or
 * -1. */
struct spool_entry;
int	 ledger_redis_add(struct ledger_redis *, const struct spool_entry *,
	    size_t n, int expiry, int wrote_before);

/* Mark the database as having lost an entry on day (the later day of
 * the mark's and this kept). 0, or -1. */
int	 ledger_redis_mark_lost(struct ledger_redis *, unsigned long day);

#endif
