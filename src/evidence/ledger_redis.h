/*
 * ledger_redis.h - the sent ledger in Redis, shared by every host of a
 * domain (sent_ledger redis://host:port/db or unix:/path), behind
 * ledger.h's functions: ledger.c hands a Redis path here.
 *
 * One key a Message-ID, "bs:sent:" and the hex of the same 16-byte hash
 * the LMDB file keys by (nothing tells whom we wrote to); its value is
 * the day it was recorded, and it expires after the expiry given when it
 * was written. Every call waits at most LEDGER_REDIS_TIMEOUT_MS: a Redis
 * that is down or slow, or refuses our password, is a ledger that cannot
 * answer (no proof from it), never a wait that holds up mail. After a failure no connection is
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

/* The day key (LEDGER_KEY_LEN bytes) was recorded: 1 found (*day_r),
 * 0 not, -1 Redis cannot answer. */
int	 ledger_redis_find(struct ledger_redis *, const unsigned char *key,
	    unsigned long *day_r);

/* Record n entries (key and day, as the spool keeps them), to expire
 * after expiry days. 0, or -1. */
struct spool_entry;
int	 ledger_redis_add(struct ledger_redis *, const struct spool_entry *,
	    size_t n, int expiry);

#endif
