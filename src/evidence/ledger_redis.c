/*
 * ledger_redis.c - the sent ledger in Redis (see ledger_redis.h), with
 * Debian's hiredis: a blocking context with a connect and a command
 * timeout is all a lookup per message needs.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hiredis/hiredis.h>

#include "base/log.h"
#include "base/sharedlibc.h"
#include "evidence/ledger.h"
#include "evidence/ledger_redis.h"
#include "evidence/spool.h"

/* The state marks, as in an LMDB ledger: since when entries keep their
 * recipients (set once, by the first writer that kept them), and the
 * last day an entry without them was written. */
#define MARK_RECIPIENTS	"bs:state:recipients"
#define MARK_LEGACY	"bs:state:legacy"
/* The last day a writer lost an entry (it could be written neither into
 * Redis nor into the writer's local spool), or found the database wiped
 * under it: no "never recorded" for expiry days after it. */
#define MARK_LOST	"bs:state:lost"

/* A host name's lookup, in flight or done: its own memory, as the
 * thread that does it may write into it after we stopped waiting. */
struct lookup {
	struct gaicb	 cb;
	struct addrinfo	 hints;
	char		 name[];
};

struct ledger_redis {
	char		*url;		/* for messages: no password */
	char		*host;		/* or NULL: a unix socket */
	char		*socket;
	char		*user;		/* AUTH, or NULL: none; "" the */
	char		*password;	/* default user (AUTH password) */
	int		 port;
	int		 db;
	redisContext	*c;
	time_t		 failed_at;	/* last failure; 0 none */
	struct lookup	*lookup;	/* the host name's, in flight */
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

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* %XX decoded in place (a URL's user and password); -1 when malformed. */
static int
unescape(char *s)
{
	char	*o = s;
	int	 hi, lo;

	for (; *s != '\0'; s++) {
		if (*s != '%') {
			*o++ = *s;
			continue;
		}
		if ((hi = hexval(s[1])) < 0 || (lo = hexval(s[2])) < 0 ||
		    (hi == 0 && lo == 0))
			return -1;
		*o++ = (char)(hi * 16 + lo);
		s += 2;
	}
	*o = '\0';
	return 0;
}

/*
 * "[user]:password@" before *p (up to the last '@' before end): taken
 * into r, *p moved past it, and r->url made with the password hidden.
 * 0, or -1 when malformed or out of memory.
 */
static int
credentials(struct ledger_redis *r, const char *url, const char **p,
    const char *end)
{
	const char	*at = NULL, *q, *colon;
	size_t		 n;

	for (q = *p; q < end; q++)
		if (*q == '@')
			at = q;
	if (at == NULL)
		return (r->url = strdup(url)) == NULL ? -1 : 0;
	if ((colon = memchr(*p, ':', (size_t)(at - *p))) == NULL ||
	    colon + 1 == at ||
	    (r->user = strndup(*p, (size_t)(colon - *p))) == NULL ||
	    (r->password = strndup(colon + 1, (size_t)(at - colon - 1))) ==
	    NULL || unescape(r->user) == -1 || unescape(r->password) == -1)
		return -1;
	/* for messages: the URL with "***" for the password */
	n = strlen(url) + 4;
	if ((r->url = malloc(n)) == NULL)
		return -1;
	snprintf(r->url, n, "%.*s***%s", (int)(colon + 1 - url), url, at);
	*p = at + 1;
	return 0;
}

/* "/db" or "?db=N" at p: into r->db; -1 when malformed. */
static int
database(struct ledger_redis *r, const char *p)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(p, &end, 10);
	if (end == p || *end != '\0' || v < 0 || v > 1000 || errno != 0)
		return -1;
	r->db = (int)v;
	return 0;
}

/* unix:/path, or unix://[user]:password@/path[?db=N] */
static int
open_unix(struct ledger_redis *r, const char *url)
{
	const char	*p = url + 5, *q;

	if (strncmp(p, "//", 2) != 0) {
		if (*p != '/' || strlen(p) >= REDIS_URL_MAX)
			return -1;
		return (r->url = strdup(url)) == NULL ||
		    (r->socket = strdup(p)) == NULL ? -1 : 0;
	}
	p += 2;
	if ((q = strchr(p, '/')) == NULL)
		return -1;
	/* the credentials end at the last '@' before the path */
	if (credentials(r, url, &p, strrchr(p, '@') != NULL ?
	    strrchr(p, '@') + 1 : p) == -1 || *p != '/')
		return -1;
	q = strstr(p, "?db=");
	if ((size_t)(q != NULL ? q - p : (long)strlen(p)) >= REDIS_URL_MAX ||
	    (r->socket = strndup(p, q != NULL ? (size_t)(q - p) :
	    strlen(p))) == NULL)
		return -1;
	return q != NULL ? database(r, q + 4) : 0;
}

/* redis://[[user]:password@]host[:port][/db] */
static int
open_tcp(struct ledger_redis *r, const char *url)
{
	const char	*p = url + 8, *colon, *slash, *at;
	char		*end;
	long		 v;

	/* the credentials end at the last '@' of the URL: a password may
	 * hold a '/' or a ':' */
	at = strrchr(p, '@');
	if (credentials(r, url, &p, at != NULL ? at + 1 : p) == -1)
		return -1;
	slash = strchr(p, '/');
	colon = memchr(p, ':', slash != NULL ? (size_t)(slash - p) :
	    strlen(p));
	end = (char *)(colon != NULL ? colon : slash != NULL ? slash :
	    p + strlen(p));
	if (end == p || (size_t)(end - p) >= REDIS_URL_MAX ||
	    (r->host = strndup(p, (size_t)(end - p))) == NULL)
		return -1;
	if (colon != NULL) {
		errno = 0;
		v = strtol(colon + 1, &end, 10);
		if (end == colon + 1 || v < 1 || v > 65535 || errno != 0 ||
		    (*end != '\0' && *end != '/'))
			return -1;
		r->port = (int)v;
	}
	return slash != NULL && slash[1] != '\0' ? database(r, slash + 1) : 0;
}

/* Could the URL, malformed, hold a password: an '@', or a ':' after its
 * scheme not followed by a digit? */
static int
may_hold_password(const char *url)
{
	const char	*p = strstr(url, "//"), *q;

	if (strchr(url, '@') != NULL)
		return 1;
	for (q = p != NULL ? p + 2 : url + 5; (q = strchr(q, ':')) != NULL;
	    q++)
		if (!isdigit((unsigned char)q[1]))
			return 1;
	return 0;
}

int
ledger_redis_where(const struct ledger_redis *r, char *out, size_t len)
{
	int	 n;

	n = r->socket != NULL ? snprintf(out, len, "unix:%s?db=%d", r->socket,
	    r->db) : snprintf(out, len, "redis://%s:%d/%d", r->host, r->port,
	    r->db);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int
ledger_redis_open(const char *url, struct ledger_redis **rp, char *err,
    size_t errlen)
{
	struct ledger_redis	*r;
	int			 rc;

	*rp = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "Redis ledger: out of memory");
		return -1;
	}
	r->port = 6379;
	rc = strncmp(url, "unix:", 5) == 0 ? open_unix(r, url) :
	    open_tcp(r, url);
	if (rc == 0) {
		*rp = r;
		return 0;
	}
	/* the password is never said, nor what may be one: a ':' followed
	 * by other than a port's digits (a password cut short at a '#',
	 * which starts a comment in the configuration) */
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s: not redis://[[user]:password@]host"
		    "[:port][/db], unix:/path or unix://[user]:password@/path"
		    "[?db=N]", r->url != NULL && strstr(r->url, "***") != NULL ?
		    r->url : may_hold_password(url) ? "a Redis URL" : url);
	ledger_redis_close(r);
	return -1;
}

const char *
ledger_redis_url(const struct ledger_redis *r)
{
	return r->url;
}

void
ledger_redis_close(struct ledger_redis *r)
{
	if (r == NULL)
		return;
	if (r->c != NULL)
		redisFree(r->c);
	/* a lookup in flight is left to its thread (the process ends) */
	if (r->lookup != NULL && gai_cancel(&r->lookup->cb) != EAI_NOTCANCELED) {
		if (r->lookup->cb.ar_result != NULL)
			freeaddrinfo(r->lookup->cb.ar_result);
		free(r->lookup);
	}
	free(r->url);
	free(r->host);
	free(r->socket);
	free(r->user);
	if (r->password != NULL)
		explicit_bzero(r->password, strlen(r->password));
	free(r->password);
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

/* An IPv4 or IPv6 address as written, which needs no lookup. */
static int
numeric_host(const char *host)
{
	unsigned char	 a[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, a) == 1 ||
	    inet_pton(AF_INET6, host, a) == 1;
}

/*
 * The host's address, looked up within LEDGER_REDIS_TIMEOUT_MS (as
 * getaddrinfo alone would wait out the resolver's own timeouts: a DNS
 * that does not answer held every message for the watchdog's 8 s):
 * written into addr (numeric), 0; or -1 with *why. A lookup not done in
 * time stays in flight, and is waited for again at the next try.
 */
static int
address_of(struct ledger_redis *r, char *addr, size_t len, const char **why)
{
	struct timespec	 wait = { 0, LEDGER_REDIS_TIMEOUT_MS * 1000000L };
	struct gaicb	*list[1];
	struct addrinfo	*ai;
	size_t		 n;
	int		 e;

	if (r->lookup == NULL) {
		n = strlen(r->host) + 1;
		if ((r->lookup = calloc(1, sizeof(*r->lookup) + n)) == NULL) {
			*why = "out of memory";
			return -1;
		}
		memcpy(r->lookup->name, r->host, n);
		r->lookup->hints.ai_family = AF_UNSPEC;
		r->lookup->hints.ai_socktype = SOCK_STREAM;
		r->lookup->cb.ar_name = r->lookup->name;
		r->lookup->cb.ar_request = &r->lookup->hints;
		list[0] = &r->lookup->cb;
		if (getaddrinfo_a(GAI_NOWAIT, list, 1, NULL) != 0) {
			free(r->lookup);
			r->lookup = NULL;
			*why = "its host name cannot be looked up";
			return -1;
		}
	}
	list[0] = &r->lookup->cb;
	(void)gai_suspend((const struct gaicb *const *)list, 1, &wait);
	if ((e = gai_error(&r->lookup->cb)) == EAI_INPROGRESS) {
		*why = "its host name not looked up in time (DNS does not "
		    "answer)";
		return -1;
	}
	ai = r->lookup->cb.ar_result;
	if (e == 0 && (ai == NULL || getnameinfo(ai->ai_addr, ai->ai_addrlen,
	    addr, (socklen_t)len, NULL, 0, NI_NUMERICHOST) != 0))
		e = EAI_FAIL;
	if (ai != NULL)
		freeaddrinfo(ai);
	free(r->lookup);
	r->lookup = NULL;
	if (e != 0) {
		*why = gai_strerror(e);
		return -1;
	}
	return 0;
}

/* A connection, made when there is none; NULL when Redis cannot be had
 * (or failed less than LEDGER_REDIS_RETRY_SECONDS ago). */
static redisContext *
connection(struct ledger_redis *r)
{
	struct timeval	 tv = { 0, LEDGER_REDIS_TIMEOUT_MS * 1000 };
	redisReply	*rep;
	const char	*host = r->host, *why;
	char		 addr[NI_MAXHOST];

	if (r->c != NULL)
		return r->c;
	if (r->failed_at != 0 &&
	    time(NULL) - r->failed_at < LEDGER_REDIS_RETRY_SECONDS)
		return NULL;
	/* a host name is looked up through NSS, whose modules a static
	 * program whose glibc is not the system's must not load */
	if (r->socket == NULL && !numeric_host(r->host) && !sharedlibc_ok()) {
		drop(r, "the program is linked statically with another glibc "
		    "release than the system's: rebuild it, or name the host "
		    "by its address");
		return NULL;
	}
	if (r->socket == NULL && !numeric_host(r->host)) {
		if (address_of(r, addr, sizeof(addr), &why) == -1) {
			drop(r, why);
			return NULL;
		}
		host = addr;
	}
	r->c = r->socket != NULL ? redisConnectUnixWithTimeout(r->socket, tv) :
	    redisConnectWithTimeout(host, r->port, tv);
	if (r->c == NULL || r->c->err) {
		drop(r, r->c != NULL ? r->c->errstr : "cannot connect");
		return NULL;
	}
	if (redisSetTimeout(r->c, tv) != REDIS_OK) {
		drop(r, "cannot set a timeout");
		return NULL;
	}
	/* a wrong password: a ledger that cannot answer, said once a
	 * minute as any failure */
	if (r->password != NULL) {
		rep = *r->user != '\0' ? redisCommand(r->c, "AUTH %s %s",
		    r->user, r->password) : redisCommand(r->c, "AUTH %s",
		    r->password);
		if (rep == NULL || rep->type == REDIS_REPLY_ERROR) {
			drop(r, rep != NULL ? rep->str : "AUTH failed");
			if (rep != NULL)
				freeReplyObject(rep);
			return NULL;
		}
		freeReplyObject(rep);
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

/* "bs:<what>:" and the hex of n bytes into out (room for 16 + 2n); the
 * hex alone when what is NULL. */
static void
key_text_of(const char *what, const unsigned char *b, size_t n, char *out)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i, p = 0;

	if (what != NULL)
		p = (size_t)snprintf(out, 16, "bs:%s:", what);
	for (i = 0; i < n; i++) {
		out[p + 2 * i] = hex[b[i] >> 4];
		out[p + 2 * i + 1] = hex[b[i] & 15];
	}
	out[p + 2 * n] = '\0';
}

#define KEY_TEXT_LEN	(16 + 2 * LEDGER_KEY_LEN + 1)

/* The hex of a recipient's hash back into its bytes: 0, or -1. */
static int
unhex(const char *s, size_t len, unsigned char out[LEDGER_RCPT_LEN])
{
	size_t	 i;
	int	 hi, lo;

	if (len != 2 * LEDGER_RCPT_LEN)
		return -1;
	for (i = 0; i < LEDGER_RCPT_LEN; i++) {
		hi = hexval(s[2 * i]);
		lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* A reply that is a day (a decimal number): 1 (*day_r), 0 nil, -1. */
static int
reply_day(const redisReply *rep, unsigned long *day_r)
{
	char	*end;

	if (rep->type == REDIS_REPLY_NIL)
		return 0;
	if (rep->type != REDIS_REPLY_STRING)
		return -1;
	*day_r = strtoul(rep->str, &end, 10);
	return *end == '\0' && end != rep->str ? 1 : -1;
}

/* The n replies to a pipeline into reps; 0, or -1 (the connection is
 * dropped, and reps freed). */
static int
replies(struct ledger_redis *r, redisReply **reps, int n)
{
	redisContext	*c = r->c;
	int		 i, j;

	for (i = 0; i < n; i++) {
		if (redisGetReply(c, (void **)&reps[i]) != REDIS_OK ||
		    reps[i] == NULL) {
			for (j = 0; j < i; j++)
				freeReplyObject(reps[j]);
			drop(r, c->errstr[0] ? c->errstr : "no answer");
			return -1;
		}
	}
	return 0;
}

static void
free_replies(redisReply **reps, int n)
{
	int	 i;

	for (i = 0; i < n; i++)
		freeReplyObject(reps[i]);
}

/* Was an entry lost (the mark's reply) within expiry days of today? A
 * mark that cannot be read counts as lost today. */
static int
lost_within(const redisReply *rep, long today, int expiry)
{
	unsigned long	 day;
	int		 rc;

	if ((rc = reply_day(rep, &day)) == 0)
		return 0;
	return rc == -1 || (long)day + expiry >= today;
}

int
ledger_redis_find_sent(struct ledger_redis *r, const unsigned char *key,
    long today, int expiry, unsigned long *day_r, unsigned char *rcpt,
    int max, int *nrcpt_r)
{
	redisReply	*rep[4];
	redisContext	*c;
	char		 k[KEY_TEXT_LEN], kt[KEY_TEXT_LEN];
	unsigned long	 since;
	size_t		 i;
	int		 rc;

	*nrcpt_r = 0;
	if ((c = connection(r)) == NULL)
		return -1;
	key_text_of("sent", key, LEDGER_KEY_LEN, k);
	key_text_of("to", key, LEDGER_KEY_LEN, kt);
	if (redisAppendCommand(c, "GET %s", k) != REDIS_OK ||
	    redisAppendCommand(c, "SMEMBERS %s", kt) != REDIS_OK ||
	    redisAppendCommand(c, "GET %s", MARK_RECIPIENTS) != REDIS_OK ||
	    redisAppendCommand(c, "GET %s", MARK_LOST) != REDIS_OK) {
		drop(r, "out of memory");
		return -1;
	}
	if (replies(r, rep, 4) == -1)
		return -1;
	if ((rc = reply_day(rep[0], day_r)) == -1)
		failure(r, rep[0]->type == REDIS_REPLY_ERROR ? rep[0]->str :
		    "an answer that is not a day");
	/* "not recorded" only from a database a writer has marked: one
	 * never written, wiped (FLUSHALL) or not kept across a restart
	 * holds no history to be absent from; nor one that lost an entry
	 * lately */
	if (rc == 0 && (reply_day(rep[2], &since) != 1 ||
	    lost_within(rep[3], today, expiry)))
		rc = -1;
	/* recipients: a set of their hashes in hex (none in entries
	 * written before they were kept) */
	if (rc == 1 && rep[1]->type == REDIS_REPLY_ARRAY)
		for (i = 0; i < rep[1]->elements && *nrcpt_r < max; i++) {
			redisReply *m = rep[1]->element[i];

			if (m->type == REDIS_REPLY_STRING && unhex(m->str,
			    m->len, rcpt + (size_t)*nrcpt_r *
			    LEDGER_RCPT_LEN) == 0)
				(*nrcpt_r)++;
		}
	free_replies(rep, 4);
	return rc;
}

int
ledger_redis_correspondent(struct ledger_redis *r,
    const unsigned char *rcpt, long today, int expiry, unsigned long *day_r)
{
	redisReply	*rep[4];
	redisContext	*c;
	char		 k[KEY_TEXT_LEN];
	unsigned long	 day = 0, since = 0, legacy = 0;
	int		 found, known, old, lost, rc;

	if ((c = connection(r)) == NULL)
		return -1;
	key_text_of("corr", rcpt, LEDGER_RCPT_LEN, k);
	if (redisAppendCommand(c, "GET %s", k) != REDIS_OK ||
	    redisAppendCommand(c, "GET %s", MARK_RECIPIENTS) != REDIS_OK ||
	    redisAppendCommand(c, "GET %s", MARK_LEGACY) != REDIS_OK ||
	    redisAppendCommand(c, "GET %s", MARK_LOST) != REDIS_OK) {
		drop(r, "out of memory");
		return -1;
	}
	if (replies(r, rep, 4) == -1)
		return -1;
	found = reply_day(rep[0], &day);
	known = reply_day(rep[1], &since);
	old = reply_day(rep[2], &legacy);
	lost = lost_within(rep[3], today, expiry);
	free_replies(rep, 4);
	if (found == 1 && (long)day + expiry >= today) {
		*day_r = day;
		return 1;
	}
	/* "never" only from a ledger that keeps recipients, and has no
	 * entry without them younger than expiry days, and none lost
	 * lately */
	rc = found != -1 && known == 1 && old != -1 && !lost &&
	    !(old == 1 && (long)legacy + expiry >= today) ? 0 : -1;
	return rc;
}

/*
 * Before the first entry with recipients: mark the ledger as keeping
 * them, and, when the database holds keys already (entries by a version
 * that kept the day alone), say that entries up to today may lack them;
 * when it is empty and this writer wrote to a Redis ledger before
 * (wrote_before), it was wiped or not kept across a restart: its
 * history is lost up to today.
 */
static int
mark_first(struct ledger_redis *r, redisContext *c, unsigned long today,
    int wrote_before)
{
	redisReply	*rep;
	int		 known;
	long long	 keys;

	if ((rep = redisCommand(c, "EXISTS %s", MARK_RECIPIENTS)) == NULL) {
		drop(r, c->errstr[0] ? c->errstr : "no answer");
		return -1;
	}
	known = rep->type == REDIS_REPLY_INTEGER && rep->integer == 1;
	freeReplyObject(rep);
	if (known)
		return 0;
	if ((rep = redisCommand(c, "DBSIZE")) == NULL) {
		drop(r, c->errstr[0] ? c->errstr : "no answer");
		return -1;
	}
	keys = rep->type == REDIS_REPLY_INTEGER ? rep->integer : 1;
	freeReplyObject(rep);
	if (keys > 0 && (rep = redisCommand(c, "SET %s %lu", MARK_LEGACY,
	    today)) != NULL)
		freeReplyObject(rep);
	if (keys == 0 && wrote_before && ledger_redis_mark_lost(r, today) == -1)
		return -1;
	if ((rep = redisCommand(c, "SET %s %lu NX", MARK_RECIPIENTS,
	    today)) == NULL) {
		drop(r, c->errstr[0] ? c->errstr : "no answer");
		return -1;
	}
	freeReplyObject(rep);
	return 0;
}

/* The commands that record one entry, appended; how many, or -1. */
static int
append_entry(redisContext *c, const struct spool_entry *e, long ttl)
{
	char		 k[KEY_TEXT_LEN], kr[KEY_TEXT_LEN];
	unsigned	 j;
	int		 n = 0;

	key_text_of("sent", e->key, LEDGER_KEY_LEN, k);
	if (redisAppendCommand(c, "SET %s %lu EX %ld", k,
	    (unsigned long)e->day, ttl) != REDIS_OK)
		return -1;
	n++;
	if (e->nrcpt == 0) {
		/* an entry without recipients: no "never" while it lives */
		if (redisAppendCommand(c, "SET %s %lu", MARK_LEGACY,
		    (unsigned long)e->day) != REDIS_OK)
			return -1;
		return n + 1;
	}
	key_text_of("to", e->key, LEDGER_KEY_LEN, k);
	for (j = 0; j < e->nrcpt; j++) {
		key_text_of(NULL, e->rcpt + j * LEDGER_RCPT_LEN,
		    LEDGER_RCPT_LEN, kr);
		if (redisAppendCommand(c, "SADD %s %s", k, kr) != REDIS_OK)
			return -1;
		n++;
		key_text_of("corr", e->rcpt + j * LEDGER_RCPT_LEN,
		    LEDGER_RCPT_LEN, kr);
		if (redisAppendCommand(c, "SET %s %lu EX %ld", kr,
		    (unsigned long)e->day, ttl) != REDIS_OK)
			return -1;
		n++;
	}
	if (redisAppendCommand(c, "EXPIRE %s %ld", k, ttl) != REDIS_OK)
		return -1;
	return n + 1;
}

int
ledger_redis_mark_lost(struct ledger_redis *r, unsigned long day)
{
	redisContext	*c;
	redisReply	*rep;
	unsigned long	 was;
	int		 rc;

	if ((c = connection(r)) == NULL)
		return -1;
	/* the later day kept (writers on several hosts mark at once; two
	 * at the same moment may leave the earlier of two days): GET and
	 * SET, the commands a writer's ACL allows already, not a script */
	if ((rep = redisCommand(c, "GET %s", MARK_LOST)) == NULL) {
		drop(r, c->errstr[0] ? c->errstr : "no answer");
		return -1;
	}
	rc = reply_day(rep, &was);
	freeReplyObject(rep);
	if (rc == 1 && was >= day)
		return 0;
	if ((rep = redisCommand(c, "SET %s %lu", MARK_LOST, day)) == NULL) {
		drop(r, c->errstr[0] ? c->errstr : "no answer");
		return -1;
	}
	if ((rc = rep->type == REDIS_REPLY_ERROR ? -1 : 0) == -1)
		failure(r, rep->str);
	freeReplyObject(rep);
	return rc;
}

int
ledger_redis_add(struct ledger_redis *r, const struct spool_entry *e,
    size_t n, int expiry, int wrote_before)
{
	redisContext	*c;
	redisReply	*rep;
	size_t		 i;
	long		 pending = 0;
	int		 rc = 0, k;

	if ((c = connection(r)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (e[i].nrcpt > 0) {
			if (mark_first(r, c, e[i].day, wrote_before) == -1)
				return -1;
			break;
		}
	/* pipelined: one round trip for a batch */
	for (i = 0; i < n; i++) {
		if ((k = append_entry(c, &e[i], (long)expiry * 86400)) == -1) {
			drop(r, "out of memory");
			return -1;
		}
		pending += k;
	}
	for (; pending > 0; pending--) {
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
