/*
 * ledger_redis.c - the sent ledger in Redis (see ledger_redis.h), with
 * Debian's hiredis: a blocking context with a connect and a command
 * timeout is all a lookup per message needs.
 */
#include <sys/time.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hiredis/hiredis.h>

#include "base/log.h"
#include "evidence/ledger.h"
#include "evidence/ledger_redis.h"
#include "evidence/spool.h"

struct ledger_redis {
	char		*url;		/* for messages */
	char		*host;		/* or NULL: a unix socket */
	char		*socket;
	int		 port;
	int		 db;
	redisContext	*c;
	time_t		 failed_at;	/* last failure; 0 none */
};

/* One line about a failure, at most once in LEDGER_REDIS_LOG_SECONDS for
 * the whole process (every lookup of a message would say it again). */
static void
failure(struct ledger_redis *r, const char *what)
{
	static time_t	 logged;
	time_t		 now = time(NULL);

	r->failed_at = now;
	if (logged != 0 && now - logged < LEDGER_REDIS_LOG_SECONDS)
		return;
	logged = now;
	log_warnx("sent ledger %s: %s; no proof from it until it answers "
	    "(said at most once a minute)", r->url, what);
}

int
ledger_redis_is(const char *path)
{
	return strncmp(path, "redis://", 8) == 0 ||
	    strncmp(path, "unix:", 5) == 0;
}

int
ledger_redis_open(const char *url, struct ledger_redis **rp, char *err,
    size_t errlen)
{
	struct ledger_redis	*r;
	const char		*p, *colon, *slash;
	char			*end;
	long			 v;

	*rp = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL || (r->url = strdup(url)) ==
	    NULL)
		goto nomem;
	r->port = 6379;
	if (strncmp(url, "unix:", 5) == 0) {
		/* unix:/path */
		if (url[5] != '/' || strlen(url + 5) >= REDIS_URL_MAX)
			goto bad;
		if ((r->socket = strdup(url + 5)) == NULL)
			goto nomem;
		*rp = r;
		return 0;
	}
	/* redis://host[:port][/db] */
	p = url + 8;
	slash = strchr(p, '/');
	colon = memchr(p, ':', slash != NULL ? (size_t)(slash - p) :
	    strlen(p));
	end = (char *)(colon != NULL ? colon : slash != NULL ? slash :
	    p + strlen(p));
	if (end == p || (size_t)(end - p) >= REDIS_URL_MAX ||
	    (r->host = strndup(p, (size_t)(end - p))) == NULL)
		goto bad;
	if (colon != NULL) {
		errno = 0;
		v = strtol(colon + 1, &end, 10);
		if (end == colon + 1 || v < 1 || v > 65535 || errno != 0 ||
		    (*end != '\0' && *end != '/'))
			goto bad;
		r->port = (int)v;
	}
	if (slash != NULL && slash[1] != '\0') {
		errno = 0;
		v = strtol(slash + 1, &end, 10);
		if (*end != '\0' || v < 0 || v > 1000 || errno != 0)
			goto bad;
		r->db = (int)v;
	}
	*rp = r;
	return 0;
bad:
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s: not redis://host:port/db or "
		    "unix:/path", url);
	ledger_redis_close(r);
	return -1;
nomem:
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s: out of memory", url);
	ledger_redis_close(r);
	return -1;
}

void
ledger_redis_close(struct ledger_redis *r)
{
	if (r == NULL)
		return;
	if (r->c != NULL)
		redisFree(r->c);
	free(r->url);
	free(r->host);
	free(r->socket);
	free(r);
}

static void
drop(struct ledger_redis *r, const char *what)
{
	failure(r, what);
	if (r->c != NULL)
		redisFree(r->c);
	r->c = NULL;
}

/* A connection, made when there is none; NULL when Redis cannot be had
 * (or failed less than LEDGER_REDIS_RETRY_SECONDS ago). */
static redisContext *
connection(struct ledger_redis *r)
{
	struct timeval	 tv = { 0, LEDGER_REDIS_TIMEOUT_MS * 1000 };
	redisReply	*rep;

	if (r->c != NULL)
		return r->c;
	if (r->failed_at != 0 &&
	    time(NULL) - r->failed_at < LEDGER_REDIS_RETRY_SECONDS)
		return NULL;
	r->c = r->socket != NULL ? redisConnectUnixWithTimeout(r->socket, tv) :
	    redisConnectWithTimeout(r->host, r->port, tv);
	if (r->c == NULL || r->c->err) {
		drop(r, r->c != NULL ? r->c->errstr : "cannot connect");
		return NULL;
	}
	if (redisSetTimeout(r->c, tv) != REDIS_OK) {
		drop(r, "cannot set a timeout");
		return NULL;
	}
	if (r->db != 0) {
		rep = redisCommand(r->c, "SELECT %d", r->db);
		if (rep == NULL || rep->type == REDIS_REPLY_ERROR) {
			if (rep != NULL)
				freeReplyObject(rep);
			drop(r, "SELECT failed");
			return NULL;
		}
		freeReplyObject(rep);
	}
	r->failed_at = 0;
	return r->c;
}

static void
key_text(const unsigned char *key, char out[8 + 2 * LEDGER_KEY_LEN + 1])
{
	static const char	 hex[] = "0123456789abcdef";
	int			 i;

	memcpy(out, "bs:sent:", 8);
	for (i = 0; i < LEDGER_KEY_LEN; i++) {
		out[8 + 2 * i] = hex[key[i] >> 4];
		out[8 + 2 * i + 1] = hex[key[i] & 15];
	}
	out[8 + 2 * LEDGER_KEY_LEN] = '\0';
}

int
ledger_redis_find(struct ledger_redis *r, const unsigned char *key,
    unsigned long *day_r)
{
	redisContext	*c;
	redisReply	*rep;
	char		 k[8 + 2 * LEDGER_KEY_LEN + 1], *end;
	int		 rc = -1;

	if ((c = connection(r)) == NULL)
		return -1;
	key_text(key, k);
	if ((rep = redisCommand(c, "GET %s", k)) == NULL) {
		drop(r, c->errstr[0] ? c->errstr : "no answer");
		return -1;
	}
	if (rep->type == REDIS_REPLY_NIL)
		rc = 0;
	else if (rep->type == REDIS_REPLY_STRING) {
		*day_r = strtoul(rep->str, &end, 10);
		rc = *end == '\0' && end != rep->str ? 1 : -1;
	} else
		failure(r, rep->type == REDIS_REPLY_ERROR ? rep->str :
		    "an answer that is not a day");
	freeReplyObject(rep);
	return rc;
}

int
ledger_redis_add(struct ledger_redis *r, const struct spool_entry *e,
    size_t n, int expiry)
{
	redisContext	*c;
	redisReply	*rep;
	char		 k[8 + 2 * LEDGER_KEY_LEN + 1];
	size_t		 i;
	int		 rc = 0;

	if ((c = connection(r)) == NULL)
		return -1;
	/* pipelined: one round trip for a batch */
	for (i = 0; i < n; i++) {
		key_text(e[i].key, k);
		if (redisAppendCommand(c, "SET %s %lu EX %ld", k,
		    (unsigned long)e[i].day, (long)expiry * 86400) != REDIS_OK) {
			drop(r, "out of memory");
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		if (redisGetReply(c, (void **)&rep) != REDIS_OK ||
		    rep == NULL) {
			drop(r, c->errstr[0] ? c->errstr : "no answer");
			return -1;
		}
		if (rep->type == REDIS_REPLY_ERROR) {
			failure(r, rep->str);
			rc = -1;
		}
		freeReplyObject(rep);
	}
	return rc;
}
