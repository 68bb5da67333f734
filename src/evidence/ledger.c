/*
 * ledger.c - the sent ledger in LMDB (see ledger.h).
 *
 * Three named databases in one file (MDB_NOSUBDIR: "sent.db" and its lock
 * "sent.db-lock"): "sent" maps a Message-ID's hash to the day it was
 * recorded followed by the hashes of its recipients (8 bytes each; a
 * ledger written before recipients were kept has the day alone, and such
 * an entry is read as "recipients not recorded"); "correspondents" maps
 * a recipient's hash to the last day we wrote to it; "state" holds what
 * --learn-sent has read (per folder: the time of the last run; per mbox:
 * device, inode and bytes done), when the ledger was last pruned, and,
 * once the ledger keeps recipients, "recipients" (the day it began) and
 * "legacy" (the last day of an entry without them).
 *
 * A ledger from before is migrated in place the first time a writer
 * opens it: the marks are set and what --learn-sent had read is
 * forgotten, so that its next run reads the Sent folders again and gives
 * the old entries their recipients. Until no entry without recipients is
 * younger than sent_ledger_expiry, "we never wrote to this address"
 * cannot be said (ledger_correspondent answers -1). Beside them, "sent.db-spool" holds entries
 * not yet merged (spool.h) and "writer.lock", which writers hold (flock)
 * while they write: so --record-sent can see that another writer is busy
 * and leave its entry in the spool instead of waiting for LMDB's lock.
 *
 * LMDB maps the file into memory. A file cut short (a copy restored from
 * one taken mid-write) has pages its meta page names but the file lacks,
 * and touching them raises SIGBUS. So every open compares the file's
 * length with the pages the meta page says are in use, and refuses a file
 * that is shorter; and every call into LMDB runs under a guard that turns
 * SIGBUS or SIGSEGV (a file cut while we read it, or damaged inside) into
 * an error, after which the ledger is not touched again. A ledger that
 * cannot be used is no evidence: the message is judged without it.
 */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <lmdb.h>

#include "base/arena.h"
#include "base/digest.h"
#include "base/guard.h"
#include "base/limits.h"
#include "base/log.h"
#include "read/address.h"
#include "read/envelope.h"
#include "read/message.h"
#include "anatomy/anatomy.h"
#include "config/config.h"
#include "evidence/identity.h"
#include "evidence/ledger.h"
#include "evidence/ledger_redis.h"
#include "evidence/responder.h"
#include "evidence/spool.h"

/* Entries written per transaction by --learn-sent: short enough that
 * --record-sent never waits long for the lock. */
#define LEDGER_BATCH		5000
/* Recipients kept per Message-ID: as many as a spool entry holds. */
#define LEDGER_RCPT_MAX		SPOOL_RCPT_MAX

struct ledger {
	struct ledger_redis *redis;	/* a Redis ledger (ledger_redis.h):
					   the rest is unused */
	MDB_env		*env;		/* NULL: no ledger file, a spool only */
	MDB_dbi		 sent;
	MDB_dbi		 state;
	MDB_dbi		 corr;		/* correspondents */
	int		 has_corr;	/* that database exists */
	int		 writable;
	int		 damaged;	/* a fault was caught: never used again */
	int		 writer_fd;	/* writer.lock, held; or -1 */
	dev_t		 dev;		/* the ledger file opened (env) */
	ino_t		 ino;
	char		*spool;		/* <path>-spool */
	int		 spool_read;	/* spooled loaded (readers) */
	int		 spool_partial;	/* the spool not all read: what is
					   not found may be in the rest */
	struct timespec	 spool_seen;	/* its new/'s mtime when read
					   (tv_sec -1: missing) */
	time_t		 spool_read_at;	/* when */
	struct spool_batch spooled;
};

/*
 * Can this reader say a Message-ID or an address is not in the ledger?
 * Not from a spool alone (no ledger file, or an empty one: the file may
 * have been lost or moved away, and its history with it), nor from a
 * spool it could not read whole.
 */
static int
absence_known(const struct ledger *l)
{
	return (l->redis != NULL || l->env != NULL) && !l->spool_partial;
}

/*
 * Was an entry lost (spool.h's mark) within expiry days of today? Then
 * this ledger is not complete for that time: nothing is said absent.
 * (A Redis ledger's own mark is read with each lookup, ledger_redis.c;
 * this is its local spool's, set while Redis cannot be told.)
 */
static int
lost_lately(const struct ledger *l, long today, int expiry)
{
	long	 day;

	if (l->spool == NULL)
		return 0;
	day = spool_lost_day(l->spool);
	return day != -1 && (day == LONG_MAX || day + expiry >= today);
}

static int
l_writable(const struct ledger *l)
{
	return l->env != NULL && l->writable;
}

/* LEDGER_KEY_LEN bytes are what the spool stores */
typedef char ledger_key_fits_spool[LEDGER_KEY_LEN == SPOOL_KEY_LEN ? 1 : -1];
typedef char ledger_rcpt_fits_spool[LEDGER_RCPT_LEN == SPOOL_RCPT_LEN ? 1 : -1];

/*
 * The home whose local state keeps what a Redis ledger could not take
 * (ledger_set_home): NULL, none.
 */
static const char	*local_home;

void
ledger_set_home(const char *home)
{
	local_home = home != NULL && *home == '/' ? home : NULL;
}

/* The local spool of the Redis ledger r, <home>/LEDGER_REDIS_SPOOL/ and
 * the hex of 8 bytes of the SHA-256 of the database it names (however
 * its URL spells it, whatever password reaches it), malloc'd; NULL: no
 * home, or no memory. */
static char *
redis_spool(const struct ledger_redis *r)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 h[DIGEST_SHA256_LEN];
	char			 where[REDIS_URL_MAX + 64];
	char			*p;
	size_t			 n, len;
	int			 i;

	if (local_home == NULL || ledger_redis_where(r, where,
	    sizeof(where)) == -1)
		return NULL;
	digest_sha256(where, strlen(where), h);
	len = strlen(local_home) + sizeof(LEDGER_REDIS_SPOOL) + 1 + 16;
	if ((p = malloc(len + 1)) == NULL)
		return NULL;
	n = (size_t)snprintf(p, len + 1, "%s/%s/", local_home,
	    LEDGER_REDIS_SPOOL);
	for (i = 0; i < 8; i++) {
		p[n++] = hex[h[i] >> 4];
		p[n++] = hex[h[i] & 15];
	}
	p[n] = '\0';
	return p;
}

static const char	 mark_recipients[] = "recipients";
static const char	 mark_legacy[] = "legacy";

static void
seterr(char *err, size_t errlen, const char *what, const char *detail)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s: %s", what, detail);
}

/* --- a damaged file never kills the process --------------------------------
 *
 * run_guarded() calls a function that touches a mapped file under
 * base/guard.h: a SIGBUS or SIGSEGV in it fails the call.
 */
struct guarded {
	struct ledger	*l;
	int		(*fn)(struct ledger *, void *);
	void		*arg;
};

static int
call_guarded(void *p)
{
	struct guarded	*g = p;

	return g->fn(g->l, g->arg);
}

/*
 * fn(l, arg) under the guard: its result, or -1 after a fault. A fault in
 * the ledger's own map (in_ledger) marks it damaged: LMDB's state is then
 * not to be trusted, and the ledger is never touched again.
 */
static int
run_guarded(struct ledger *l, int (*fn)(struct ledger *, void *), void *arg,
    int in_ledger)
{
	struct guarded	 g;
	int		 rc, faulted;

	if (l->damaged)
		return -1;
	g.l = l;
	g.fn = fn;
	g.arg = arg;
	rc = guard_call(call_guarded, &g, &faulted);
	if (faulted && in_ledger) {
		log_warnx("the sent ledger is damaged (a page cannot be "
		    "read); going on without it");
		l->damaged = 1;
	}
	return rc;
}

/* mkdir -p of path's directory, private. */
static int
make_parent(const char *path)
{
	char	 dir[PATH_MAX], *p;

	if (strlen(path) >= sizeof(dir))
		return -1;
	memcpy(dir, path, strlen(path) + 1);
	if ((p = strrchr(dir, '/')) == NULL || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

/* <path>-spool, malloc'd; NULL when too long or out of memory. */
static char *
spool_path(const char *path)
{
	char	*s;
	size_t	 n = strlen(path);

	if (n + 7 >= PATH_MAX || (s = malloc(n + 7)) == NULL)
		return NULL;
	memcpy(s, path, n);
	memcpy(s + n, "-spool", 7);
	return s;
}

/*
 * The writers' lock, <spool>/writer.lock (flock): waited for, or with
 * !wait given up at once when held. The fd (>= 0); -2 held by another
 * writer; -1 none to be had (no flock here: LMDB's own lock serialises).
 */
static int
writer_lock(const char *spool, int wait)
{
	char	 path[PATH_MAX];
	int	 fd;

	if (snprintf(path, sizeof(path), "%s/writer.lock", spool) >=
	    (int)sizeof(path))
		return -1;
	if ((fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600)) == -1)
		return -1;
	while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) == -1) {
		if (errno == EINTR && wait)
			continue;
		close(fd);
		return errno == EWOULDBLOCK || errno == EINTR ? -2 : -1;
	}
	return fd;
}

struct open_args {
	const char	*path;
	char		*err;
	size_t		 errlen;
	int		 rc;		/* an LMDB code */
};

/*
 * A ledger without the "recipients" mark was written before recipients
 * were kept: mark it, say its entries up to today may lack recipients,
 * and forget what --learn-sent read, so that it reads the Sent folders
 * again. An LMDB code.
 */
static int
migrate(struct ledger *l, MDB_txn *txn)
{
	MDB_cursor	*cur;
	MDB_stat	 st;
	MDB_val		 k, v;
	uint32_t	 today = (uint32_t)(time(NULL) / 86400);
	int		 rc;

	k.mv_size = sizeof(mark_recipients) - 1;
	k.mv_data = (void *)mark_recipients;
	if ((rc = mdb_get(txn, l->state, &k, &v)) != MDB_NOTFOUND)
		return rc;
	if ((rc = mdb_cursor_open(txn, l->state, &cur)) != 0)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		if ((k.mv_size > 8 && memcmp(k.mv_data, "maildir:", 8) == 0) ||
		    (k.mv_size > 5 && memcmp(k.mv_data, "mbox:", 5) == 0))
			if ((rc = mdb_cursor_del(cur, 0)) != 0)
				break;
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND)
		return rc;
	v.mv_size = sizeof(today);
	v.mv_data = &today;
	k.mv_size = sizeof(mark_recipients) - 1;
	k.mv_data = (void *)mark_recipients;
	if ((rc = mdb_put(txn, l->state, &k, &v, 0)) != 0)
		return rc;
	if ((rc = mdb_stat(txn, l->sent, &st)) != 0 || st.ms_entries == 0)
		return rc;		/* a new ledger: nothing from before */
	k.mv_size = sizeof(mark_legacy) - 1;
	k.mv_data = (void *)mark_legacy;
	return mdb_put(txn, l->state, &k, &v, 0);
}

/*
 * The ledger file is at least as long as the pages its meta page says
 * are in use (LMDB writes pages before the meta page that names them, so
 * only a file cut short, or one damaged, is shorter); then the databases.
 * 0, or -1 with err (or an LMDB code in rc).
 */
static int
open_dbs(struct ledger *l, void *arg)
{
	struct open_args *o = arg;
	MDB_envinfo	 info;
	MDB_stat	 st;
	MDB_txn		*txn;
	struct stat	 sb;
	char		 text[256];
	unsigned long long need;
	int		 fd;

	if (mdb_env_info(l->env, &info) != 0 || mdb_env_stat(l->env,
	    &st) != 0 || mdb_env_get_fd(l->env, &fd) != 0 ||
	    fstat(fd, &sb) == -1) {
		seterr(o->err, o->errlen, o->path, "cannot read its size");
		return -1;
	}
	l->dev = sb.st_dev;
	l->ino = sb.st_ino;
	need = ((unsigned long long)info.me_last_pgno + 1) * st.ms_psize;
	if ((unsigned long long)sb.st_size < need) {
		snprintf(text, sizeof(text), "cut short (%lld bytes, its pages "
		    "need %llu): not used; move it away, and --learn-sent "
		    "makes a new one", (long long)sb.st_size, need);
		seterr(o->err, o->errlen, o->path, text);
		return -1;
	}
	if ((o->rc = mdb_txn_begin(l->env, NULL, l->writable ? 0 : MDB_RDONLY,
	    &txn)) != 0)
		return -1;
	if ((o->rc = mdb_dbi_open(txn, "sent", l->writable ? MDB_CREATE : 0,
	    &l->sent)) != 0 ||
	    (o->rc = mdb_dbi_open(txn, "state", l->writable ? MDB_CREATE : 0,
	    &l->state)) != 0) {
		mdb_txn_abort(txn);
		return -1;
	}
	/* a ledger from before has none: read as it is */
	if ((o->rc = mdb_dbi_open(txn, "correspondents", l->writable ?
	    MDB_CREATE : 0, &l->corr)) == 0)
		l->has_corr = 1;
	else if (o->rc != MDB_NOTFOUND || l->writable) {
		mdb_txn_abort(txn);
		return -1;
	}
	if (l->writable && (o->rc = migrate(l, txn)) != 0) {
		mdb_txn_abort(txn);
		return -1;
	}
	return (o->rc = mdb_txn_commit(txn)) == 0 ? 0 : -1;
}

/* mdb_env_open of path, as a reader falling back to no lock file where
 * none can be made. An LMDB code. */
static int
env_open(struct ledger *l, const char *path)
{
	int	 rc, flags = MDB_NOSUBDIR | MDB_NOTLS |
	    (l->writable ? 0 : MDB_RDONLY);

	for (;;) {
		if ((rc = mdb_env_create(&l->env)) != 0)
			return rc;
		if ((rc = mdb_env_set_mapsize(l->env, LEDGER_MAP_SIZE)) != 0 ||
		    (rc = mdb_env_set_maxdbs(l->env, 3)) != 0)
			return rc;
		/* MDB_NOTLS: --scan workers look up from one thread each,
		 * but a read transaction must not be tied to a thread we do
		 * not own */
		rc = mdb_env_open(l->env, path, flags, 0600);
		if (rc == 0 || l->writable || (flags & MDB_NOLOCK) ||
		    (rc != EACCES && rc != EROFS))
			return rc;
		/* the lock file cannot be made (a read-only mount, another
		 * user's ledger): nobody can be writing there, read unlocked */
		mdb_env_close(l->env);
		l->env = NULL;
		flags |= MDB_NOLOCK;
	}
}

/* As ledger_open; a writer with !wait gives up at once (2) when another
 * writer holds the writers' lock. */
static int
open_ledger(const char *path, int writable, int wait, struct ledger **r,
    char *err, size_t errlen)
{
	struct open_args o = { path, err, errlen, 0 };
	struct ledger	*l;
	struct stat	 st;
	char		 sub[PATH_MAX];
	int		 missing;

	*r = NULL;
	if (ledger_redis_is(path)) {
		if ((l = calloc(1, sizeof(*l))) == NULL) {
			seterr(err, errlen, path, "out of memory");
			return -1;
		}
		l->writable = writable;
		l->writer_fd = -1;
		if (ledger_redis_open(path, &l->redis, err, errlen) == -1) {
			free(l);
			return -1;
		}
		/* what this host could not write to Redis yet, read as the
		 * file ledger's spool is */
		l->spool = redis_spool(l->redis);
		*r = l;
		return 0;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->spool = spool_path(path)) == NULL) {
		seterr(err, errlen, path, "out of memory, or too long a path");
		free(l);
		return -1;
	}
	l->writable = writable;
	l->writer_fd = -1;
	if ((missing = stat(path, &st) == -1) ? errno != ENOENT :
	    !S_ISREG(st.st_mode)) {
		/* a FIFO, a device, a folder: no ledger, and never read
		 * as an empty one */
		seterr(err, errlen, path, missing ? strerror(errno) :
		    "not a regular file");
		ledger_close(l);
		return -1;
	}
	if (!writable && (missing || st.st_size == 0)) {
		/* no ledger file (or an empty one, nothing written yet);
		 * entries in the spool still count */
		snprintf(sub, sizeof(sub), "%s/new", l->spool);
		if (stat(sub, &st) == -1) {
			ledger_close(l);
			return 1;
		}
		*r = l;
		return 0;
	}
	if (writable) {
		if (make_parent(path) == -1 || spool_make(l->spool) == -1) {
			seterr(err, errlen, path, strerror(errno));
			ledger_close(l);
			return -1;
		}
		if ((l->writer_fd = writer_lock(l->spool, wait)) == -2) {
			l->writer_fd = -1;
			ledger_close(l);
			return 2;
		}
	}
	if ((o.rc = env_open(l, path)) != 0 ||
	    run_guarded(l, open_dbs, &o, 1) == -1) {
		if (l->damaged)
			seterr(err, errlen, path, "damaged: a page cannot be "
			    "read");
		else if (o.rc != 0)
			seterr(err, errlen, path, o.rc == MDB_NOTFOUND ?
			    "not a sent ledger" : mdb_strerror(o.rc));
		ledger_close(l);
		return -1;
	}
	if (writable) {
		int	 dead;

		/* slots of readers that died: free them for page reuse */
		(void)mdb_reader_check(l->env, &dead);
	}
	*r = l;
	return 0;
}

int
ledger_open(const char *path, int writable, struct ledger **r, char *err,
    size_t errlen)
{
	return open_ledger(path, writable, 1, r, err, errlen);
}

void
ledger_close(struct ledger *l)
{
	if (l == NULL)
		return;
	ledger_redis_close(l->redis);
	/* after a fault LMDB's state is not to be trusted: left as it is */
	if (l->env != NULL && !l->damaged)
		mdb_env_close(l->env);
	if (l->writer_fd != -1)
		close(l->writer_fd);
	spool_batch_free(&l->spooled);
	free(l->spool);
	free(l);
}

int
ledger_normalise(const char *id, size_t n, char *out, size_t outlen)
{
	const char	*s = id, *e = id + n, *at = NULL, *p;
	size_t		 len, i;

	while (s < e && (isspace((unsigned char)*s) || *s == '<'))
		s++;
	while (e > s && (isspace((unsigned char)e[-1]) || e[-1] == '>'))
		e--;
	len = (size_t)(e - s);
	if (len == 0 || len > LEDGER_ID_MAX || len >= outlen)
		return -1;
	for (p = s; p < e; p++) {
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>')
			return -1;
		if (*p == '@')
			at = p;
	}
	if (at == NULL || at == s || at == e - 1)
		return -1;
	for (i = 0; i < len; i++)
		out[i] = s + i > at ? (char)tolower((unsigned char)s[i]) : s[i];
	out[len] = '\0';
	return 0;
}

static void
make_key(const char *norm, unsigned char key[LEDGER_KEY_LEN])
{
	unsigned char	 h[DIGEST_SHA256_LEN];

	digest_sha256(norm, strlen(norm), h);
	memcpy(key, h, LEDGER_KEY_LEN);
}

/* Is addr (n bytes, starting with a quote) "dot-atom"@domain, its quotes
 * needless? */
static int
unquoted_ok(const char *addr, size_t n)
{
	const char	*q = memchr(addr + 1, '"', n - 1);
	size_t		 i, len;

	if (q == NULL || q == addr + 1 || (size_t)(q - addr) + 1 >= n ||
	    q[1] != '@')
		return 0;
	len = (size_t)(q - addr - 1);
	if (addr[1] == '.' || addr[len] == '.')
		return 0;
	for (i = 1; i <= len; i++) {
		unsigned char	 c = (unsigned char)addr[i];

		if (c == '.' ? addr[i + 1] == '.' : !(isalnum(c) ||
		    strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL || c >= 0x80))
			return 0;
	}
	return 1;
}

void
ledger_rcpt_hash(const char *addr, unsigned char out[LEDGER_RCPT_LEN])
{
	unsigned char	 h[DIGEST_SHA256_LEN];
	char		 low[LIMIT_ADDRESS + 1];
	size_t		 i, n = strlen(addr);

	if (n > LIMIT_ADDRESS)
		n = LIMIT_ADDRESS;
	/* "hans7"@example.org is hans7@example.org: a quoted local part
	 * that needs no quotes is the same address (RFC 5321 4.1.2) */
	if (n > 2 && addr[0] == '"' && unquoted_ok(addr, n)) {
		addr++;
		n -= 2;
		for (i = 0; addr[i] != '"'; i++)
			low[i] = (char)tolower((unsigned char)addr[i]);
		for (; i < n; i++)
			low[i] = (char)tolower((unsigned char)addr[i + 1]);
	} else
		for (i = 0; i < n; i++)
			low[i] = (char)tolower((unsigned char)addr[i]);
	low[n] = '\0';
	digest_sha256(low, n, h);
	memcpy(out, h, LEDGER_RCPT_LEN);
}

/* A value of the "sent" database: the day, then recipients' hashes. */
static int
value_ok(const MDB_val *v)
{
	return v->mv_size >= sizeof(uint32_t) &&
	    (v->mv_size - sizeof(uint32_t)) % LEDGER_RCPT_LEN == 0;
}

struct find_args {
	const unsigned char *key;
	uint32_t	 day;
	const unsigned char *want;	/* recipients' hashes asked about */
	int		 nwant;
	int		 nrcpt;		/* recipients recorded */
	int		 matched;	/* index into want, or -1 */
};

/* The first of want among the n hashes at rc, or -1. */
static int
match_rcpt(const unsigned char *rc, size_t n, const unsigned char *want,
    int nwant)
{
	size_t	 i;
	int	 w;

	for (w = 0; w < nwant; w++)
		for (i = 0; i < n; i++)
			if (memcmp(rc + i * LEDGER_RCPT_LEN, want + (size_t)w *
			    LEDGER_RCPT_LEN, LEDGER_RCPT_LEN) == 0)
				return w;
	return -1;
}

/* 1 found (its day in f->day, its recipients compared), 0 not, -1
 * error. */
static int
find_lmdb(struct ledger *l, void *arg)
{
	struct find_args *f = arg;
	MDB_txn		*txn;
	MDB_val		 k, v;
	size_t		 n;
	int		 rc;

	if (mdb_txn_begin(l->env, NULL, MDB_RDONLY, &txn) != 0)
		return -1;
	k.mv_size = LEDGER_KEY_LEN;
	k.mv_data = (void *)f->key;
	rc = mdb_get(txn, l->sent, &k, &v);
	if (rc == 0 && value_ok(&v)) {
		memcpy(&f->day, v.mv_data, sizeof(f->day));
		n = (v.mv_size - sizeof(uint32_t)) / LEDGER_RCPT_LEN;
		f->nrcpt = (int)n;
		f->matched = match_rcpt((const unsigned char *)v.mv_data +
		    sizeof(uint32_t), n, f->want, f->nwant);
	}
	mdb_txn_abort(txn);
	if (rc == MDB_NOTFOUND)
		return 0;
	return rc == 0 && value_ok(&v) ? 1 : -1;
}

int
ledger_find(struct ledger *l, const char *id, long today, int expiry,
    int *age_r)
{
	struct ledger_hit h;
	int		 rc;

	if ((rc = ledger_find_sent(l, id, NULL, 0, today, expiry, &h)) == 1)
		*age_r = h.age;
	return rc == 2 ? 0 : rc;
}

/* The spool, read once per open: entries not yet merged. */
/* The mtime of the spool's new/ (a file added or removed changes it);
 * tv_sec -1 when it cannot be had. */
static struct timespec
spool_mtime(const struct ledger *l)
{
	struct timespec	 none = { -1, 0 };
	struct stat	 st;
	char		 sub[PATH_MAX];

	if (snprintf(sub, sizeof(sub), "%s/new", l->spool) >=
	    (int)sizeof(sub) || stat(sub, &st) == -1)
		return none;
	return st.st_mtim;
}

static void
read_spool(struct ledger *l)
{
	if (l->spool != NULL && !l->spool_read) {
		l->spool_read = 1;
		l->spool_seen = spool_mtime(l);
		l->spool_read_at = time(NULL);
		if (spool_take(l->spool, 0, &l->spooled) == -1 ||
		    l->spooled.partial)
			l->spool_partial = 1;
	}
}

int
ledger_find_sent(struct ledger *l, const char *id, const char *const *rcpts,
    int nrcpts, long today, int expiry, struct ledger_hit *r)
{
	unsigned char	 key[LEDGER_KEY_LEN];
	unsigned char	 want[LEDGER_ASK_MAX * LEDGER_RCPT_LEN];
	char		 norm[LEDGER_ID_MAX + 1];
	struct find_args f;
	const struct spool_entry *e;
	uint32_t	 day = 0;
	size_t		 i;
	int		 found = 0, rc = 0, w, nrcpt = 0, matched = -1;

	memset(r, 0, sizeof(*r));
	r->recipient = -1;
	if (ledger_normalise(id, strlen(id), norm, sizeof(norm)) == -1)
		return 0;
	make_key(norm, key);
	if (nrcpts > LEDGER_ASK_MAX)
		nrcpts = LEDGER_ASK_MAX;
	for (w = 0; w < nrcpts; w++)
		ledger_rcpt_hash(rcpts[w], want + (size_t)w * LEDGER_RCPT_LEN);
	/* the spool before the ledger: a replay writes Redis, then removes
	 * what it wrote from the local spool; read the other way round, an
	 * entry replayed in between would be in neither */
	read_spool(l);
	if (l->redis != NULL) {
		unsigned char	 rr[LEDGER_RCPT_MAX * LEDGER_RCPT_LEN];
		unsigned long	 rday;

		/* an entry written before recipients were kept has none:
		 * its hit names no recipient */
		if ((rc = ledger_redis_find_sent(l->redis, key, today, expiry,
		    &rday, rr, LEDGER_RCPT_MAX, &nrcpt)) == 1) {
			found = 1;
			day = (uint32_t)rday;
			matched = match_rcpt(rr, (size_t)nrcpt, want, nrcpts);
		}
	} else if (l->env != NULL) {
		memset(&f, 0, sizeof(f));
		f.key = key;
		f.want = want;
		f.nwant = nrcpts;
		f.matched = -1;
		if ((rc = run_guarded(l, find_lmdb, &f, 1)) == 1) {
			found = 1;
			day = f.day;
			nrcpt = f.nrcpt;
			matched = f.matched;
		}
	}
	for (i = 0; i < l->spooled.n; i++) {
		e = &l->spooled.entries[i];
		if (memcmp(e->key, key, LEDGER_KEY_LEN) != 0)
			continue;
		if (!found || e->day > day)
			day = e->day;
		found = 1;
		nrcpt += (int)e->nrcpt;
		if (matched == -1)
			matched = match_rcpt(e->rcpt, e->nrcpt, want, nrcpts);
	}
	if (!found)
		return rc == -1 || !absence_known(l) ||
		    lost_lately(l, today, expiry) ? -1 : 0;
	if ((long)day + expiry < today)
		return 2;
	r->day = (long)day;
	r->age = today > (long)day ? (int)(today - (long)day) : 0;
	r->recorded = nrcpt;
	r->recipient = matched;
	return 1;
}

struct state_args {
	const char	*key;
	void		*val;
	size_t		 n;
};

/* One value of one table (the correspondents or the state marks): the
 * value must be exactly n bytes. */
struct get_args {
	MDB_dbi		 dbi;
	const void	*key;
	size_t		 klen;
	void		*val;
	size_t		 n;
};

/* 1 found (into g->val), 0 not, -1 error. */
static int
get_lmdb(struct ledger *l, void *arg)
{
	struct get_args	*g = arg;
	MDB_txn		*txn;
	MDB_val		 k, v;
	int		 rc;

	if (g->klen == 0 || g->klen > 511)	/* LMDB's longest key */
		return 0;
	if (mdb_txn_begin(l->env, NULL, MDB_RDONLY, &txn) != 0)
		return -1;
	k.mv_size = g->klen;
	k.mv_data = (void *)g->key;
	rc = mdb_get(txn, g->dbi, &k, &v);
	if (rc == 0 && v.mv_size == g->n)
		memcpy(g->val, v.mv_data, g->n);
	mdb_txn_abort(txn);
	if (rc == MDB_NOTFOUND)
		return 0;
	return rc == 0 && v.mv_size == g->n ? 1 : -1;
}

/* The state mark key's value (n bytes into val): 1 found, 0 not, -1 error. */
static int
state_lookup(struct ledger *l, const char *key, void *val, size_t n)
{
	struct get_args	 g = { l->state, key, strlen(key), val, n };

	return run_guarded(l, get_lmdb, &g, 1);
}

int
ledger_correspondent(struct ledger *l, const char *addr, long today,
    int expiry, long *day_r)
{
	unsigned char	 key[LEDGER_RCPT_LEN];
	struct get_args	 g;
	const struct spool_entry *e;
	uint32_t	 day = 0, legacy = 0, since = 0;
	size_t		 i;
	int		 found = 0, rc = 0, known;

	*day_r = -1;
	ledger_rcpt_hash(addr, key);
	known = 0;
	read_spool(l);		/* first: see ledger_find_sent */
	if (l->redis != NULL) {
		unsigned long	 rday;

		if ((rc = ledger_redis_correspondent(l->redis, key, today,
		    expiry, &rday)) == 1) {
			*day_r = (long)rday;
			return 1;
		}
		/* "never" said by Redis: unless its local spool knows */
		known = rc == 0;
	} else if (l->env != NULL && l->has_corr) {
		g = (struct get_args){ l->corr, key, sizeof(key), &day,
		    sizeof(day) };
		if ((rc = run_guarded(l, get_lmdb, &g, 1)) == 1)
			found = 1;
		known = state_lookup(l, mark_recipients, &since,
		    sizeof(since)) == 1;
		if (known && state_lookup(l, mark_legacy, &legacy,
		    sizeof(legacy)) == 1 && (long)legacy + expiry >= today)
			known = 0;	/* entries without recipients yet */
	}
	for (i = 0; i < l->spooled.n; i++) {
		e = &l->spooled.entries[i];
		if (match_rcpt(e->rcpt, e->nrcpt, key, 1) == 0 &&
		    (!found || e->day > day)) {
			found = 1;
			day = e->day;
		}
	}
	if (found && (long)day + expiry >= today) {
		*day_r = (long)day;
		return 1;
	}
	if (rc == -1 || !known || !absence_known(l) ||
	    lost_lately(l, today, expiry))
		return -1;
	return 0;
}

struct put_args {
	const struct spool_entry *entries;
	size_t		 n;
};

/* Each recipient of e into the correspondents, keeping the later day. */
static int
put_correspondents(struct ledger *l, MDB_txn *txn, const struct spool_entry *e)
{
	uint32_t	 day = e->day, old;
	MDB_val		 k, v;
	unsigned	 i;

	for (i = 0; i < e->nrcpt; i++) {
		k.mv_size = LEDGER_RCPT_LEN;
		k.mv_data = e->rcpt + (size_t)i * LEDGER_RCPT_LEN;
		if (mdb_get(txn, l->corr, &k, &v) == 0 &&
		    v.mv_size == sizeof(old)) {
			memcpy(&old, v.mv_data, sizeof(old));
			if (old >= day)
				continue;
		}
		v.mv_size = sizeof(day);
		v.mv_data = &day;
		if (mdb_put(txn, l->corr, &k, &v, 0) != 0)
			return -1;
	}
	return 0;
}

/*
 * Put entries: each keeps the later of its day and the one stored, and
 * the recipients of both (up to LEDGER_RCPT_MAX); its recipients become
 * correspondents.
 */
static int
put_lmdb(struct ledger *l, void *arg)
{
	struct put_args	*p = arg;
	unsigned char	 val[sizeof(uint32_t) + LEDGER_RCPT_MAX *
			    LEDGER_RCPT_LEN];
	const unsigned char *old_rcpt;
	uint32_t	 day, old;
	MDB_txn		*txn;
	MDB_val		 k, v;
	size_t		 i, j, n, nold;
	int		 changed;

	if (mdb_txn_begin(l->env, NULL, 0, &txn) != 0)
		return -1;
	for (i = 0; i < p->n; i++) {
		const struct spool_entry *e = &p->entries[i];

		k.mv_size = LEDGER_KEY_LEN;
		k.mv_data = (void *)e->key;
		day = e->day;
		n = 0;
		changed = 1;
		if (mdb_get(txn, l->sent, &k, &v) == 0 && value_ok(&v)) {
			memcpy(&old, v.mv_data, sizeof(old));
			nold = (v.mv_size - sizeof(old)) / LEDGER_RCPT_LEN;
			if (nold > LEDGER_RCPT_MAX)
				nold = LEDGER_RCPT_MAX;
			old_rcpt = (const unsigned char *)v.mv_data +
			    sizeof(old);
			memcpy(val + sizeof(day), old_rcpt, nold *
			    LEDGER_RCPT_LEN);
			n = nold;
			changed = old < day;
			if (old > day)
				day = old;
		}
		for (j = 0; j < e->nrcpt && n < LEDGER_RCPT_MAX; j++) {
			const unsigned char *h = e->rcpt + j * LEDGER_RCPT_LEN;

			if (match_rcpt(val + sizeof(day), n, h, 1) == 0)
				continue;
			memcpy(val + sizeof(day) + n * LEDGER_RCPT_LEN, h,
			    LEDGER_RCPT_LEN);
			n++;
			changed = 1;
		}
		if (l->has_corr && put_correspondents(l, txn, e) == -1) {
			mdb_txn_abort(txn);
			return -1;
		}
		if (!changed)
			continue;
		memcpy(val, &day, sizeof(day));
		v.mv_size = sizeof(day) + n * LEDGER_RCPT_LEN;
		v.mv_data = val;
		if (mdb_put(txn, l->sent, &k, &v, 0) != 0) {
			mdb_txn_abort(txn);
			return -1;
		}
	}
	return mdb_txn_commit(txn) == 0 ? 0 : -1;
}

/* The entries of sent messages (those whose Message-ID is one) into a
 * new array; their number in *n_r. NULL when out of memory. */
static struct spool_entry *
entries_of(const struct ledger_sent *sent, int n, long today, size_t *n_r)
{
	struct spool_entry	*e, *x;
	char			 norm[LEDGER_ID_MAX + 1];
	int			 i, r, nr;

	*n_r = 0;
	if ((e = calloc(n > 0 ? (size_t)n : 1, sizeof(*e))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (ledger_normalise(sent[i].message_id,
		    strlen(sent[i].message_id), norm, sizeof(norm)) == -1)
			continue;
		x = &e[*n_r];
		make_key(norm, x->key);
		x->day = (uint32_t)today;
		nr = sent[i].nrecipients < LEDGER_RCPT_MAX ?
		    sent[i].nrecipients : LEDGER_RCPT_MAX;
		if (nr > 0 && (x->rcpt = malloc((size_t)nr *
		    LEDGER_RCPT_LEN)) == NULL) {
			spool_entries_clear(e, *n_r);
			free(e);
			return NULL;
		}
		for (r = 0; r < nr; r++) {
			unsigned char h[LEDGER_RCPT_LEN];

			ledger_rcpt_hash(sent[i].recipients[r], h);
			if (match_rcpt(x->rcpt, x->nrcpt, h, 1) == 0)
				continue;	/* named twice */
			memcpy(x->rcpt + x->nrcpt * LEDGER_RCPT_LEN, h,
			    LEDGER_RCPT_LEN);
			x->nrcpt++;
		}
		(*n_r)++;
	}
	return e;
}

int
ledger_add_sent(struct ledger *l, const struct ledger_sent *sent, int n,
    long today)
{
	struct put_args	 p;
	struct spool_entry *e;
	int		 rc;

	if ((l->env == NULL && l->redis == NULL) || !l->writable)
		return -1;
	if ((e = entries_of(sent, n, today, &p.n)) == NULL)
		return -1;
	p.entries = e;
	if (l->redis != NULL)
		rc = ledger_redis_add(l->redis, e, p.n, LEDGER_REDIS_EXPIRY,
		    0);
	else
		rc = p.n == 0 ? 0 : run_guarded(l, put_lmdb, &p, 1);
	spool_entries_clear(e, p.n);
	free(e);
	return rc;
}

/* ids as sent messages of unknown recipients; NULL when out of memory. */
static struct ledger_sent *
sent_of(const char *const *ids, int n)
{
	struct ledger_sent	*s;
	int			 i;

	if ((s = calloc(n > 0 ? (size_t)n : 1, sizeof(*s))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		s[i].message_id = ids[i];
	return s;
}

int
ledger_add(struct ledger *l, const char *const *ids, int n, long today)
{
	struct ledger_sent	*s;
	int			 rc;

	if ((s = sent_of(ids, n)) == NULL)
		return -1;
	rc = ledger_add_sent(l, s, n, today);
	free(s);
	return rc;
}

struct prune_args {
	uint32_t	 today;
	int		 expiry;
	int		 force;
	long		 dropped;
};

static int
prune_lmdb(struct ledger *l, void *arg)
{
	static const char	 mark[] = "pruned";
	struct prune_args	*pa = arg;
	uint32_t		 last = 0, day, now = pa->today, legacy = 0;
	long			 nlegacy = 0;
	MDB_txn			*txn;
	MDB_cursor		*cur;
	MDB_val			 k, v;
	int			 rc;

	if (mdb_txn_begin(l->env, NULL, 0, &txn) != 0)
		return -1;
	k.mv_size = sizeof(mark) - 1;
	k.mv_data = (void *)mark;
	if (mdb_get(txn, l->state, &k, &v) == 0 && v.mv_size == sizeof(last))
		memcpy(&last, v.mv_data, sizeof(last));
	if (!pa->force && last == now) {
		mdb_txn_abort(txn);
		return 0;
	}
	if (mdb_cursor_open(txn, l->sent, &cur) != 0) {
		mdb_txn_abort(txn);
		return -1;
	}
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (!value_ok(&v))
			continue;
		memcpy(&day, v.mv_data, sizeof(day));
		if ((long)day + pa->expiry < (long)now) {
			if (mdb_cursor_del(cur, 0) != 0)
				break;
			pa->dropped++;
		} else if (v.mv_size == sizeof(day) && day >= legacy) {
			legacy = day;		/* no recipients */
			nlegacy++;
		}
	}
	mdb_cursor_close(cur);
	if (l->has_corr && mdb_cursor_open(txn, l->corr, &cur) == 0) {
		for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
		    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
			if (v.mv_size != sizeof(day))
				continue;
			memcpy(&day, v.mv_data, sizeof(day));
			if ((long)day + pa->expiry < (long)now &&
			    mdb_cursor_del(cur, 0) != 0)
				break;
		}
		mdb_cursor_close(cur);
	}
	/* the last day of an entry without recipients: gone, or kept */
	k.mv_size = sizeof(mark_legacy) - 1;
	k.mv_data = (void *)mark_legacy;
	if (nlegacy == 0)
		(void)mdb_del(txn, l->state, &k, NULL);
	else {
		v.mv_size = sizeof(legacy);
		v.mv_data = &legacy;
		if (mdb_put(txn, l->state, &k, &v, 0) != 0) {
			mdb_txn_abort(txn);
			return -1;
		}
	}
	k.mv_size = sizeof(mark) - 1;
	k.mv_data = (void *)mark;
	v.mv_size = sizeof(now);
	v.mv_data = &now;
	if (mdb_put(txn, l->state, &k, &v, 0) != 0 ||
	    mdb_txn_commit(txn) != 0)
		return -1;
	return 0;
}

long
ledger_prune(struct ledger *l, long today, int expiry, int force)
{
	struct prune_args pa = { (uint32_t)today, expiry, force, 0 };

	if (l->redis != NULL)
		return 0;		/* its keys expire */
	if (l->env == NULL || !l->writable ||
	    run_guarded(l, prune_lmdb, &pa, 1) == -1)
		return -1;
	return pa.dropped;
}

/* --- the spool ------------------------------------------------------------- */

long
ledger_merge(struct ledger *l)
{
	struct spool_batch	 b;
	struct put_args		 p;
	long			 merged = 0;
	int			 round;

	if (l->redis != NULL)
		return 0;		/* Redis has no spool */
	if (l->env == NULL || !l->writable)
		return -1;
	for (round = 0; round < LEDGER_MERGE_ROUNDS; round++) {
		if (spool_take(l->spool, LEDGER_MERGE_FILES, &b) == -1)
			return -1;
		if (b.nfiles == 0) {
			spool_batch_free(&b);
			break;
		}
		p.entries = b.entries;
		p.n = b.n;
		if (b.n > 0 && run_guarded(l, put_lmdb, &p, 1) == -1) {
			spool_batch_free(&b);
			return -1;
		}
		/* in the ledger: only now are the files removed (a crash
		 * in between merges them again, which changes nothing) */
		spool_remove(l->spool, &b);
		merged += (long)b.n;
		spool_batch_free(&b);
	}
	return merged;
}

int
ledger_path_ok(const char *path, char *err, size_t errlen)
{
	struct ledger_redis	*r;
	struct stat		 st;

	/* a file: none there yet (the first --record-sent makes it), or
	 * a regular file; a folder or a FIFO is no ledger, as every run
	 * would find */
	if (!ledger_redis_is(path)) {
		if (stat(path, &st) == -1) {
			if (errno == ENOENT)
				return 0;
			seterr(err, errlen, path, strerror(errno));
			return -1;
		}
		if (!S_ISREG(st.st_mode)) {
			seterr(err, errlen, path, "not a regular file");
			return -1;
		}
		return 0;
	}
	if (ledger_redis_open(path, &r, err, errlen) == -1)
		return -1;
	ledger_redis_close(r);
	return 0;
}

/*
 * Writing a Redis ledger (backscatter-milter's recordings, --record-sent):
 * an entry Redis cannot take (down, slow, refusing) is kept in this
 * host's local spool, LEDGER_REDIS_SPOOL under the home of
 * ledger_set_home, where this host's lookups find it at once, and
 * written into Redis by the next recording that reaches it
 * (ledger_redis_replay too). An entry the local spool cannot keep either
 * is lost: the spool's mark says so here, and Redis's mark ("bs:state:
 * lost") everywhere once Redis answers again, so that no host proves a
 * bounce forged by that entry's absence.
 *
 * One connection for the process, kept between recordings: the callers
 * record one at a time (backscatter-milter holds a lock).
 */
static struct ledger_redis	*writer_r;
static char			*writer_url;
/* The last day an entry was lost with nowhere to mark it (no home, or a
 * local spool that takes not even the mark): told to Redis by the next
 * recording of this process that reaches it (a long-running one). */
static long			 lost_unmarked;

static struct ledger_redis *
redis_writer(const char *path, char *err, size_t errlen)
{
	if (writer_r != NULL && strcmp(writer_url, path) == 0)
		return writer_r;
	ledger_redis_close(writer_r);
	free(writer_url);
	writer_r = NULL;
	if ((writer_url = strdup(path)) == NULL) {
		seterr(err, errlen, "the Redis ledger", "out of memory");
		return NULL;
	}
	if (ledger_redis_open(path, &writer_r, err, errlen) == -1) {
		free(writer_url);
		writer_url = NULL;
		return NULL;
	}
	return writer_r;
}

/* The local spool at dir into Redis, with its mark of a loss: how many
 * entries were written (all there were), or -1: not all (they stay). */
static long
replay(struct ledger_redis *r, const char *dir, long today, int expiry)
{
	struct spool_batch	 b;
	long			 lost, done = 0;
	int			 i, more;

	if ((lost = spool_lost_day(dir)) > 0) {
		if (ledger_redis_mark_lost(r, (unsigned long)(lost ==
		    LONG_MAX ? today : lost)) == -1)
			return -1;
		(void)spool_mark_lost(dir, 0, 0);	/* told: Redis keeps it */
	}
	for (i = 0, more = 1; more && i < LEDGER_REDIS_REPLAY_BATCHES; i++) {
		if (spool_take(dir, 0, &b) == -1)
			return -1;
		more = b.partial;
		if (b.n > 0 && ledger_redis_add(r, b.entries, b.n, expiry,
		    1) == -1) {
			spool_batch_free(&b);
			return -1;
		}
		spool_remove(dir, &b);
		done += (long)b.n;
		spool_batch_free(&b);
	}
	return more ? -1 : done;
}

long
ledger_redis_replay(const char *path, long today, int expiry, char *err,
    size_t errlen)
{
	struct ledger_redis	*r;
	char			*dir;
	long			 rc;

	if (!ledger_redis_is(path))
		return 0;
	if ((r = redis_writer(path, err, errlen)) == NULL)
		return -1;
	if (lost_unmarked != 0 && ledger_redis_mark_lost(r,
	    (unsigned long)lost_unmarked) == 0)
		lost_unmarked = 0;
	if ((dir = redis_spool(r)) == NULL)
		return 0;
	rc = 0;
	if (access(dir, F_OK) == 0 &&
	    (rc = replay(r, dir, today, expiry)) == -1)
		seterr(err, errlen, ledger_redis_url(r), "Redis cannot be "
		    "written; entries stay in the local spool");
	free(dir);
	return rc;
}

/*
 * sent written to the Redis ledger at path, each key to expire after
 * expiry days: 0; 1 kept in the local spool for later (err says why);
 * -1 lost (err set; the loss marked where it can be).
 */
static int
record_redis(const char *path, const struct ledger_sent *sent, int n,
    long today, int expiry, char *err, size_t errlen)
{
	struct ledger_redis	*r;
	struct spool_entry	*e;
	char			*dir;
	size_t			 ne, len;
	int			 rc, before;

	if ((r = redis_writer(path, err, errlen)) == NULL)
		return -1;
	if ((e = entries_of(sent, n, today, &ne)) == NULL) {
		seterr(err, errlen, ledger_redis_url(r), "out of memory");
		return -1;
	}
	dir = redis_spool(r);
	before = dir != NULL && access(dir, F_OK) == 0;
	if (ledger_redis_add(r, e, ne, expiry, before) == 0) {
		rc = 0;
		if (lost_unmarked != 0 && ledger_redis_mark_lost(r,
		    (unsigned long)lost_unmarked) == 0)
			lost_unmarked = 0;
		/* made on the first entry written: this host has written
		 * to a Redis ledger (an empty one later was wiped) */
		if (dir != NULL && !before && make_parent(dir) == 0)
			(void)spool_make(dir);
		else if (dir != NULL)
			(void)replay(r, dir, today, expiry);
	} else if (dir == NULL) {
		seterr(err, errlen, ledger_redis_url(r), "Redis cannot be "
		    "written, and there is no home to keep the entry in");
		lost_unmarked = today;
		rc = -1;
	} else if (make_parent(dir) == 0 && spool_make(dir) == 0 &&
	    spool_add(dir, e, ne) == 0) {
		seterr(err, errlen, ledger_redis_url(r), "Redis cannot be "
		    "written; kept in the local spool until it answers");
		rc = 1;
	} else {
		seterr(err, errlen, dir, strerror(errno));
		len = strlen(err);
		if (spool_mark_lost(dir, today, 0) == -1)
			lost_unmarked = today;
		if (len + 1 < errlen)
			snprintf(err + len, errlen - len, lost_unmarked == 0 ?
			    "; Redis cannot be written either: lost, and "
			    "marked" : "; Redis cannot be written either: "
			    "lost, marked in Redis when it answers, if this "
			    "process lives until then");
		rc = -1;
	}
	spool_entries_clear(e, ne);
	free(e);
	free(dir);
	return rc;
}

int
ledger_spool_sent(const char *path, const struct ledger_sent *sent, int n,
    long today, char *err, size_t errlen)
{
	struct spool_entry	*e;
	char			*dir;
	size_t			 ne;
	int			 rc = -1;

	if (ledger_redis_is(path))
		return record_redis(path, sent, n, today, LEDGER_REDIS_EXPIRY,
		    err, errlen);
	if ((dir = spool_path(path)) == NULL ||
	    (e = entries_of(sent, n, today, &ne)) == NULL) {
		seterr(err, errlen, path, "out of memory, or too long a path");
		free(dir);
		return -1;
	}
	if (make_parent(path) == -1 || spool_make(dir) == -1 ||
	    spool_add(dir, e, ne) == -1)
		seterr(err, errlen, dir, strerror(errno));
	else
		rc = 0;
	spool_entries_clear(e, ne);
	free(e);
	free(dir);
	return rc;
}

int
ledger_spool(const char *path, const char *const *ids, int n, long today,
    char *err, size_t errlen)
{
	struct ledger_sent	*s;
	int			 rc;

	if ((s = sent_of(ids, n)) == NULL) {
		seterr(err, errlen, path, "out of memory");
		return -1;
	}
	rc = ledger_spool_sent(path, s, n, today, err, errlen);
	free(s);
	return rc;
}

static void	 writer_begin(const char *);
static void	 writer_end(void);

int
ledger_merge_spool(const char *path, long today, int expiry, char *err,
    size_t errlen)
{
	struct ledger	*l;
	int		 rc;

	if (ledger_redis_is(path))
		return 1;		/* Redis has no spool */
	writer_begin(path);
	if ((rc = open_ledger(path, 1, 0, &l, err, errlen)) == 2)
		rc = 0;			/* another writer: it merges */
	else if (rc == 0 && ledger_merge(l) == -1) {
		seterr(err, errlen, path, l->damaged ? "damaged: a page "
		    "cannot be read" : "cannot write");
		rc = -1;
	} else if (rc == 0) {
		(void)ledger_prune(l, today, expiry, 0);
		rc = 1;
	}
	ledger_close(l);
	writer_end();
	return rc;
}

int
ledger_mark_lost(const char *path, long today)
{
	char	*dir;
	int	 rc;

	if (ledger_redis_is(path) || (dir = spool_path(path)) == NULL)
		return -1;
	rc = spool_mark_lost(dir, today, 0);
	free(dir);
	return rc;
}

int
ledger_record_sent(const char *path, const struct ledger_sent *sent, int n,
    long today, int expiry, char *err, size_t errlen)
{
	size_t	 len;

	if (ledger_redis_is(path))
		return record_redis(path, sent, n, today, expiry, err, errlen);
	if (ledger_spool_sent(path, sent, n, today, err, errlen) == -1) {
		if (ledger_mark_lost(path, today) == -1 && err != NULL &&
		    (len = strlen(err)) + 1 < errlen)
			snprintf(err + len, errlen - len, "; the loss could "
			    "not be marked either");
		return -1;
	}
	(void)ledger_merge_spool(path, today, expiry, err, errlen);
	return 0;
}

int
ledger_record(const char *path, const char *const *ids, int n, long today,
    int expiry, char *err, size_t errlen)
{
	struct ledger_sent	*s;
	int			 rc;

	if ((s = sent_of(ids, n)) == NULL) {
		seterr(err, errlen, path, "out of memory");
		return -1;
	}
	rc = ledger_record_sent(path, s, n, today, expiry, err, errlen);
	free(s);
	return rc;
}

/* --- finding a Message-ID in raw bytes ------------------------------------ */

/* End of the line at off (past its LF), and its length without the end. */
static size_t
next_line(const char *s, size_t len, size_t off, size_t *content_r)
{
	const char	*nl = memchr(s + off, '\n', len - off);
	size_t		 end = nl ? (size_t)(nl - s) + 1 : len;
	size_t		 c = (nl ? (size_t)(nl - s) : len) - off;

	if (c > 0 && s[off + c - 1] == '\r')
		c--;
	*content_r = c;
	return end;
}

/* The line at s (n bytes) is the field name ("Name:", "Name :"): the
 * offset of its value, else 0. A longer name is another field. */
static size_t
named(const char *s, size_t n, const char *name)
{
	size_t	 i = strlen(name);

	if (n < i || strncasecmp(s, name, i) != 0)
		return 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < n && s[i] == ':' ? i + 1 : 0;
}

int
ledger_message_id(const char *raw, size_t len, char *out, size_t outlen)
{
	char	 value[LEDGER_ID_MAX + 64];
	size_t	 off = 0, next, c, k, vn = 0;
	int	 in_id = 0;

	if (message_from_line(raw, len))
		off = next_line(raw, len, 0, &c);
	for (; off < len; off = next) {
		next = next_line(raw, len, off, &c);
		if (c == 0)
			break;			/* end of the header */
		if (raw[off] == ' ' || raw[off] == '\t') {
			if (in_id && vn + c < sizeof(value)) {
				memcpy(value + vn, raw + off, c);
				vn += c;
			}
			continue;
		}
		if (in_id)
			break;
		if ((k = named(raw + off, c, "Message-ID")) > 0) {
			in_id = 1;
			c -= k;
			if (c >= sizeof(value))
				c = sizeof(value) - 1;
			memcpy(value, raw + off + k, c);
			vn = c;
		}
	}
	if (!in_id)
		return 0;
	{
		/* the first <...>, or the whole value */
		const char	*lt = memchr(value, '<', vn), *gt;

		if (lt != NULL && (gt = memchr(lt, '>', vn -
		    (size_t)(lt - value))) != NULL)
			return ledger_normalise(lt, (size_t)(gt - lt + 1), out,
			    outlen) == 0;
		return ledger_normalise(value, vn, out, outlen) == 0;
	}
}

/* Does the field line at s (c bytes) start with name and a colon? */
static int
field_named(const char *s, size_t c, const char *name)
{
	size_t	 n = strlen(name);

	return c > n && strncasecmp(s, name, n) == 0 && s[n] == ':';
}

int
ledger_message_recipients(const char *raw, size_t len, struct arena *a,
    const char **out, int max)
{
	static const char *const names[] = {
		"To", "Cc", "Bcc", "Resent-To", "Resent-Cc", "Resent-Bcc", NULL
	};
	char	 value[LEDGER_FIELD_MAX + 1], *got[LEDGER_RCPT_MAX];
	size_t	 off = 0, next, c, vn = 0;
	int	 in = 0, n = 0, i, k, m, dup;

	if (len >= 5 && memcmp(raw, "From ", 5) == 0)
		off = next_line(raw, len, 0, &c);
	for (;; off = next) {
		int	 end = off >= len;

		next = end ? len : next_line(raw, len, off, &c);
		if (!end && c > 0 && (raw[off] == ' ' || raw[off] == '\t')) {
			if (in && vn + c < sizeof(value)) {
				memcpy(value + vn, raw + off, c);
				vn += c;
			}
			continue;
		}
		if (in) {
			/* the field before this line is whole */
			value[vn] = '\0';
			m = address_parse(a, value, got, LEDGER_RCPT_MAX);
			for (k = 0; k < m && n < max; k++) {
				for (dup = 0, i = 0; i < n && !dup; i++)
					dup = strcasecmp(out[i], got[k]) == 0;
				if (!dup)
					out[n++] = got[k];
			}
			in = 0;
		}
		if (end || c == 0)
			break;			/* the end of the header */
		for (i = 0; names[i] != NULL; i++)
			if (field_named(raw + off, c, names[i])) {
				size_t	 skip = strlen(names[i]) + 1;

				vn = c - skip < sizeof(value) - 1 ? c - skip :
				    sizeof(value) - 1;
				memcpy(value, raw + off + skip, vn);
				in = 1;
				break;
			}
	}
	return n;
}

/* --- --learn-sent ----------------------------------------------------------- */

struct batch {
	struct ledger	*l;
	long		 today;
	struct spool_entry e[LEDGER_BATCH];
	size_t		 n;
	long		*added;
};

static int
flush(struct batch *b)
{
	struct put_args	 p;
	int		 rc;

	if (b->n == 0)
		return 0;
	p.entries = b->e;
	p.n = b->n;
	if (b->l->redis != NULL)
		rc = b->l->writable ? ledger_redis_add(b->l->redis, b->e, b->n,
		    LEDGER_REDIS_EXPIRY, 0) : -1;
	else
		rc = l_writable(b->l) ? run_guarded(b->l, put_lmdb, &p, 1) : -1;
	if (rc == 0)
		*b->added += (long)b->n;
	spool_entries_clear(b->e, b->n);
	b->n = 0;
	return rc;
}

/* The sent message whose header starts at raw (len bytes at most):
 * its Message-ID and recipients as an entry of the batch. */
static int
push(struct batch *b, const char *raw, size_t len)
{
	struct arena		 a;
	struct ledger_sent	 sent;
	struct spool_entry	*e;
	const char		*rcpt[LEDGER_RCPT_MAX];
	char			 id[LEDGER_ID_MAX + 1];
	size_t			 ne;

	if (!ledger_message_id(raw, len, id, sizeof(id)))
		return 0;
	arena_init(&a, 256 * 1024);
	sent.message_id = id;
	sent.recipients = rcpt;
	sent.nrecipients = ledger_message_recipients(raw, len, &a, rcpt,
	    LEDGER_RCPT_MAX);
	e = entries_of(&sent, 1, b->today, &ne);
	arena_free(&a);
	if (e == NULL)
		return -1;
	if (ne == 1)
		b->e[b->n++] = e[0];
	free(e);
	if (b->n == LEDGER_BATCH)
		return flush(b);
	return 0;
}

/* 1 found (into val), 0 not (or the ledger cannot say). */
static int
state_get(struct ledger *l, const char *key, void *val, size_t n)
{
	if (l->env == NULL)
		return 0;		/* Redis: --learn-sent reads all */
	return state_lookup(l, key, val, n) == 1;
}

static int
state_put_lmdb(struct ledger *l, void *arg)
{
	struct state_args *sa = arg;
	MDB_txn	*txn;
	MDB_val	 k, v;

	k.mv_size = strlen(sa->key);
	k.mv_data = (void *)sa->key;
	if (k.mv_size == 0 || k.mv_size > 511)
		return 0;		/* too long a path: not incremental */
	v.mv_size = sa->n;
	v.mv_data = sa->val;
	if (mdb_txn_begin(l->env, NULL, 0, &txn) != 0)
		return -1;
	if (mdb_put(txn, l->state, &k, &v, 0) != 0) {
		mdb_txn_abort(txn);
		return -1;
	}
	return mdb_txn_commit(txn) == 0 ? 0 : -1;
}

static int
state_put(struct ledger *l, const char *key, const void *val, size_t n)
{
	struct state_args sa = { key, (void *)val, n };

	if (l->env == NULL)
		return 0;
	return run_guarded(l, state_put_lmdb, &sa, 1);
}

/* One Maildir subdirectory (cur or new): files whose inode changed since
 * since, in nanoseconds (a delivery or a move into the folder changes it;
 * a file renamed in during a run has a later time and is read next run). */
static int
learn_dir(struct batch *b, const char *dir, int64_t since, long *seen)
{
	char		 buf[LEDGER_HEAD_MAX];
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	ssize_t		 n;
	int		 dfd, fd;

	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : -1;
	dfd = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (fstatat(dfd, de->d_name, &st, 0) == -1 ||
		    !S_ISREG(st.st_mode))
			continue;
		if ((int64_t)st.st_ctim.tv_sec * 1000000000 +
		    st.st_ctim.tv_nsec < since)
			continue;
		if ((fd = openat(dfd, de->d_name, O_RDONLY | O_NOFOLLOW)) == -1)
			continue;
		n = read(fd, buf, sizeof(buf));
		close(fd);
		(*seen)++;
		if (n > 0 && push(b, buf, (size_t)n) == -1) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return 0;
}

struct mbox_state {
	uint64_t	 dev;
	uint64_t	 ino;
	uint64_t	 done;		/* bytes read */
};

struct mbox_scan {
	struct batch	*b;
	const char	*map, *end;
	size_t		 off;
	long		*seen;
};

/* The Message-IDs of an mbox mapped at map, from off on: 0, or -2 when
 * the ledger cannot be written. */
static int
scan_mbox(struct ledger *l, void *arg)
{
	struct mbox_scan *sc = arg;
	const char	*map = sc->map, *end = sc->end, *p, *nl;
	size_t		 off = sc->off;

	(void)l;
	/* resume only at a From_ line; else read the file again */
	if (off > 0 && (end - (map + off) < 5 || memcmp(map + off, "From ", 5)))
		off = 0;
	for (p = map + off; p < end; ) {
		/* p is at a From_ line (or the file's start) */
		if (end - p >= 5 && memcmp(p, "From ", 5) == 0) {
			(*sc->seen)++;
			if (push(sc->b, p, (size_t)(end - p) <
			    LEDGER_HEAD_MAX ? (size_t)(end - p) :
			    LEDGER_HEAD_MAX) == -1)
				return -2;	/* the ledger cannot be written */
		}
		/* the next From_ line after an empty line */
		for (;;) {
			if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
				p = end;
				break;
			}
			p = nl + 1;
			if (end - p >= 5 && memcmp(p, "From ", 5) == 0 &&
			    p - 2 >= map && (p[-2] == '\n' ||
			    (p[-2] == '\r' && p - 3 >= map && p[-3] == '\n')))
				break;
		}
	}
	return 0;
}

static int
learn_mbox(struct batch *b, const char *path, const char *real, long *seen,
    char *err, size_t errlen)
{
	struct mbox_state	 ms, old;
	struct mbox_scan	 scan;
	struct stat		 st;
	char			 key[PATH_MAX + 8];
	const char		*map;
	size_t			 off;
	int			 fd, rc;

	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &st) == -1) {
		seterr(err, errlen, path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	snprintf(key, sizeof(key), "mbox:%s", real);
	off = 0;
	if (state_get(b->l, key, &old, sizeof(old)) &&
	    old.dev == (uint64_t)st.st_dev && old.ino == (uint64_t)st.st_ino &&
	    old.done <= (uint64_t)st.st_size)
		off = (size_t)old.done;
	if (st.st_size == 0 || (size_t)st.st_size == off) {
		close(fd);
		return 0;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		seterr(err, errlen, path, strerror(errno));
		return -1;
	}
	scan.b = b;
	scan.map = map;
	scan.end = map + st.st_size;
	scan.off = off;
	scan.seen = seen;
	/* a file that shrinks while mapped raises SIGBUS as we read it */
	if ((rc = run_guarded(b->l, scan_mbox, &scan, 0)) != 0) {
		munmap((void *)map, (size_t)st.st_size);
		seterr(err, errlen, path, rc == -2 || b->l->damaged ?
		    "cannot write the ledger" :
		    "the file shrank while being read");
		return -1;
	}
	munmap((void *)map, (size_t)st.st_size);
	if (flush(b) == -1) {
		seterr(err, errlen, path, "cannot write the ledger");
		return -1;
	}
	ms.dev = (uint64_t)st.st_dev;
	ms.ino = (uint64_t)st.st_ino;
	ms.done = (uint64_t)st.st_size;
	return state_put(b->l, key, &ms, sizeof(ms));
}

/*
 * Where the next run starts reading a folder: every file changed before
 * it was there to be read by this run, every file changed after it has a
 * ctime at or after it. A file's ctime is the coarse clock's, a tick or
 * more behind the fine one, or, on a file system with fine-grained
 * timestamps (Linux 6.13 and later: a file whose times were read since
 * it last changed), the fine clock's, ahead of the coarse one. So: the
 * fine clock now, then a wait (a few ms) until the coarse clock has
 * reached it, before the folder is read. A change before that reading
 * has a ctime at most it (read by this run); one after the wait has a
 * coarse or fine ctime at least it (read by the next). The next coarse
 * tick alone, as before, was passed by fine ctimes of files written just
 * before the run: read again by the next one (11 of 2,000 here).
 */
static int64_t
learn_start(void)
{
	struct timespec	 f, c, pause = { 0, 200000 };
	int64_t		 start;
	int		 i;

	clock_gettime(CLOCK_REALTIME, &f);
	start = (int64_t)f.tv_sec * 1000000000 + f.tv_nsec;
	clock_gettime(CLOCK_REALTIME_COARSE, &c);
	for (i = 0; i < 500 &&
	    (int64_t)c.tv_sec * 1000000000 + c.tv_nsec < start; i++) {
		nanosleep(&pause, NULL);
		clock_gettime(CLOCK_REALTIME_COARSE, &c);
	}
	return start;
}

int
ledger_learn(struct ledger *l, const char *path, long long now, long *seen_r,
    long *added_r, char *err, size_t errlen)
{
	struct batch	*b;
	struct stat	 st;
	char		 real[PATH_MAX], key[PATH_MAX + 8], sub[PATH_MAX + 8];
	int64_t		 since = 0, start;
	int		 rc = 0;

	start = learn_start();

	if (stat(path, &st) == -1 || realpath(path, real) == NULL) {
		seterr(err, errlen, path, strerror(errno));
		return -1;
	}
	if ((b = calloc(1, sizeof(*b))) == NULL) {
		seterr(err, errlen, path, strerror(errno));
		return -1;
	}
	b->l = l;
	b->today = (long)(now / 86400);
	b->added = added_r;
	if (S_ISREG(st.st_mode)) {
		rc = learn_mbox(b, path, real, seen_r, err, errlen);
		free(b);
		return rc;
	}
	if (!S_ISDIR(st.st_mode)) {
		seterr(err, errlen, path, "not a Maildir or an mbox file");
		free(b);
		return -1;
	}
	snprintf(sub, sizeof(sub), "%s/cur", path);
	if (stat(sub, &st) == -1 || !S_ISDIR(st.st_mode)) {
		seterr(err, errlen, path, "not a Maildir folder (no cur/)");
		free(b);
		return -1;
	}
	snprintf(key, sizeof(key), "maildir:%s", real);
	if (!state_get(l, key, &since, sizeof(since)))
		since = 0;
	if (learn_dir(b, sub, since, seen_r) == -1)
		rc = -1;
	snprintf(sub, sizeof(sub), "%s/new", path);
	if (rc == 0 && learn_dir(b, sub, since, seen_r) == -1)
		rc = -1;
	if (rc == -1)
		seterr(err, errlen, path, strerror(errno));
	if (flush(b) == -1) {
		seterr(err, errlen, path, "cannot write the ledger");
		rc = -1;
	}
	if (rc == 0 && state_put(l, key, &start, sizeof(start)) == -1)
		rc = -1;
	free(b);
	return rc;
}

/* --- at verdict time --------------------------------------------------------- */

/* The ledger of this process, opened on first use (and again in a forked
 * --scan worker: an LMDB environment must not cross fork). */
static struct ledger	*cached;
static pid_t		 cached_pid;
static int		 cached_state;	/* 0 open, 1 absent, -1 error */
static char		*cached_path;	/* its path; NULL: none known */
static time_t		 cached_at;	/* when it was opened or tried */

/* A ledger file not there yet: its spool alone. */
static int
spool_only(const struct ledger *l)
{
	return l != NULL && l->env == NULL && l->redis == NULL;
}

/*
 * Is the file at path another than the one opened (dev, ino)? A ledger
 * restored or rebuilt and moved into place: the open one is unlinked,
 * and what is recorded goes into the new one.
 */
static int
replaced(const char *path, const struct ledger *l)
{
	struct stat	 st;

	return l->env != NULL && (stat(path, &st) == -1 ||
	    st.st_dev != l->dev || st.st_ino != l->ino);
}

/* Has the local spool changed since it was read? A folder's time moves
 * in the kernel's coarse ticks: one that changed within the last two
 * seconds of its reading may have changed again in the same tick, and
 * counts as changed (as git's "racy" index entries do). */
static int
spool_changed(const struct ledger *l)
{
	struct timespec	 now = spool_mtime(l);

	return now.tv_sec != l->spool_seen.tv_sec ||
	    now.tv_nsec != l->spool_seen.tv_nsec ||
	    l->spool_read_at - l->spool_seen.tv_sec <= 2;
}

/* (A long-running process, backscatter-milter, may be configured anew:
 * a ledger at another path is opened in place of the cached one; one
 * found missing, unusable or a spool alone is opened again after
 * LEDGER_REOPEN_SECONDS, and one open is looked at then: a file moved
 * into its place is opened instead.) */
static struct ledger *
reader(const struct config *cfg, const struct envelope *env, int *state_r)
{
	char	*path, err[PATH_MAX + 256];
	int	 due;

	path = config_ledger_path(cfg, env != NULL ? env->home : NULL);
	due = time(NULL) - cached_at >= LEDGER_REOPEN_SECONDS;
	if (cached_pid == getpid() && (path == NULL ? cached_path == NULL :
	    cached_path != NULL && strcmp(path, cached_path) == 0) &&
	    (path == NULL || !due || (cached_state == 0 &&
	    !spool_only(cached) && !replaced(path, cached)))) {
		if (due)
			cached_at = time(NULL);	/* looked at: the same */
		/* a Redis ledger's local spool changes with every failed
		 * recording (the file's is merged as it comes): read anew
		 * when its new/ has changed (thousands of entries kept in
		 * an outage are not read again for every lookup) */
		if (cached != NULL && cached->redis != NULL &&
		    cached->spool_read && spool_changed(cached)) {
			spool_batch_free(&cached->spooled);
			cached->spool_read = cached->spool_partial = 0;
		}
		free(path);
		*state_r = cached_state;
		return cached;
	}
	if (cached_pid == getpid())
		ledger_close(cached);
	cached = NULL;		/* an inherited one is left alone */
	cached_pid = getpid();
	free(cached_path);
	cached_path = path;
	cached_at = time(NULL);
	if (path == NULL)
		cached_state = 1;
	else if ((cached_state = ledger_open(path, 0, &cached, err,
	    sizeof(err))) == -1)
		/* said, and the message judged without it */
		log_warnx("sent ledger %s; going on "
		    "without it", err);
	/* path is kept as cached_path */
	*state_r = cached_state;
	return cached;
}

static int
id_ours(const struct config *cfg, const struct identity *id, const char *norm)
{
	const char	*at = strrchr(norm, '@');

	return at != NULL && identity_ours_domain(cfg, id, at + 1);
}

/* Look one Message-ID up for the responders: 1 found, 0 not, -1 error.
 * The first found fills ev's fields of what was found. */
static int
look_up(struct ledger *l, const struct config *cfg, const char *norm,
    const struct responders *who, long today, struct arena *a,
    struct ledger_evidence *ev)
{
	struct ledger_hit	 h;
	int			 r;

	r = ledger_find_sent(l, norm, who->address, who->n, today,
	    cfg->sent_ledger_expiry, &h);
	if (r == 2)
		ev->aged++;	/* sent, too long ago to count either way */
	if (r != 1)
		return r == 2 ? 0 : r;
	/* a hit for the recipient wins over one for others */
	if (ev->found != NULL && (ev->recipient == LEDGER_RCPT_MATCH ||
	    h.recipient == -1))
		return 1;
	ev->found = arena_strdup(a, norm);
	ev->age = h.age;
	ev->day = h.day;
	if (h.recipient >= 0) {
		ev->recipient = LEDGER_RCPT_MATCH;
		ev->matched = who->address[h.recipient];
	} else
		ev->recipient = h.recorded > 0 ? LEDGER_RCPT_OTHER :
		    LEDGER_RCPT_UNRECORDED;
	return 1;
}

static void
gather(const struct config *cfg, const struct envelope *env,
    const struct analysis *an, const struct identity *ident,
    const struct responders *who, struct arena *a,
    struct ledger_evidence *ev)
{
	struct ledger	*l;
	const char	*p, *e;
	char		 norm[LEDGER_ID_MAX + 1];
	long		 today = (long)(envelope_now(env) / 86400), day;
	int		 state, r, i, ours = 0, failed = 0;

	memset(ev, 0, sizeof(*ev));
	ev->state = "not looked up";
	ev->complete = cfg->sent_ledger_complete;
	ev->correspondent = -2;
	if (an->original.message_id == NULL && an->replied_to == NULL &&
	    !(who->replier && who->n > 0))
		return;
	l = reader(cfg, env, &state);
	ev->state = state == 0 ? "open" : state == 1 ? "absent" : "error";
	if (l == NULL)
		return;

	if (an->original.message_id != NULL &&
	    ledger_normalise(an->original.message_id,
	    strlen(an->original.message_id), norm, sizeof(norm)) == -1)
		ev->unreadable++;
	else if (an->original.message_id != NULL) {
		ev->looked_up++;
		ours += id_ours(cfg, ident, norm);
		if ((r = look_up(l, cfg, norm, who, today, a, ev)) == 1)
			ev->original_sent = 1;
		failed |= r == -1;
	}
	/* the message answered only (see anatomy.h, replied_to) */
	for (p = an->replied_to; p != NULL && (p = strchr(p, '<')) != NULL;
	    p = e) {
		if ((e = strchr(p, '>')) == NULL ||
		    ev->looked_up >= LEDGER_LOOKUPS_MAX)
			break;
		if (ledger_normalise(p, (size_t)(e - p + 1), norm,
		    sizeof(norm)) == -1) {
			ev->unreadable++;
			continue;
		}
		ev->looked_up++;
		ours += id_ours(cfg, ident, norm);
		if ((r = look_up(l, cfg, norm, who, today, a, ev)) == 1)
			ev->reply_sent = 1;
		failed |= r == -1;
	}
	/* who replied: did we ever write to them? */
	if (who->replier) {
		ev->correspondent = -1;
		for (i = 0; i < who->n; i++) {
			r = ledger_correspondent(l, who->address[i], today,
			    cfg->sent_ledger_expiry, &day);
			/* yes for any address wins; never, over cannot say */
			if (r == 1 || ev->replier == NULL ||
			    (r == 0 && ev->correspondent == -1)) {
				ev->replier = who->address[i];
				ev->correspondent = r;
				ev->correspondent_day = day;
			}
			if (r == 1)
				break;
		}
	}
	if (failed) {
		/* a ledger that could not answer says nothing by absence;
		 * a spool without its ledger file is none (what was found
		 * in it still counts) */
		ev->state = spool_only(l) ? "absent" : "error";
		if (ev->correspondent == 0)
			ev->correspondent = -1;
		return;
	}
	ev->unknown = ev->looked_up > 0 && !ev->original_sent &&
	    !ev->reply_sent && ev->aged == 0;
	ev->ours_unknown = ours > 0 && ev->unknown;
}

/* The process's ledger is one (an LMDB environment must not be opened
 * twice by a process; the guard's signal handlers are the process's):
 * threads judging at once (backscatter-milter) look up one at a time.
 * A lookup is microseconds, or at most LEDGER_REDIS_TIMEOUT_MS. */
static pthread_mutex_t	 reading = PTHREAD_MUTEX_INITIALIZER;

/*
 * A writer in a process that reads too (backscatter-milter in both
 * roles): LMDB's environment must not be open twice in one process (the
 * writer's close drops the POSIX locks the reader's holds on the lock
 * file, and another process may then reset the reader table under it).
 * The cached reader of that file is closed first, under the lookups'
 * lock, and opened again by the next lookup.
 */
static void
writer_begin(const char *path)
{
	struct stat	 st;

	pthread_mutex_lock(&reading);
	if (cached == NULL || cached_pid != getpid() || cached->env == NULL)
		return;
	if ((cached_path != NULL && strcmp(cached_path, path) == 0) ||
	    (stat(path, &st) == 0 && st.st_dev == cached->dev &&
	    st.st_ino == cached->ino)) {
		ledger_close(cached);
		cached = NULL;
		free(cached_path);
		cached_path = NULL;	/* not the path asked for: opened */
	}
}

static void
writer_end(void)
{
	pthread_mutex_unlock(&reading);
}

void
ledger_gather(const struct config *cfg, const struct envelope *env,
    const struct analysis *an, const struct identity *ident,
    const struct responders *who, struct arena *a,
    struct ledger_evidence *ev)
{
	pthread_mutex_lock(&reading);
	gather(cfg, env, an, ident, who, a, ev);
	pthread_mutex_unlock(&reading);
}
