/*
 * ledger.c - the sent ledger in LMDB (see ledger.h).
 *
 * Two named databases in one file (MDB_NOSUBDIR: "sent.db" and its lock
 * "sent.db-lock"): "sent" maps a Message-ID's hash to the day it was
 * recorded, "state" holds what --learn-sent has read (per folder: the
 * time of the last run; per mbox: device, inode and bytes done) and when
 * the ledger was last pruned.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
#include "read/envelope.h"
#include "anatomy/anatomy.h"
#include "config/config.h"
#include "evidence/identity.h"
#include "evidence/ledger.h"

/* Address space reserved for the file; it grows only as written. 1 GiB is
 * tens of millions of entries. */
#define LEDGER_MAP_SIZE		(1024u * 1024 * 1024)
/* A Message-ID longer than this is not one we wrote. */
#define LEDGER_ID_MAX		998
/* Bytes of a Sent message read to find its Message-ID. */
#define LEDGER_HEAD_MAX		(64u * 1024)
/* Entries written per transaction by --learn-sent: short enough that
 * --record-sent never waits long for the lock. */
#define LEDGER_BATCH		5000
/* Message-IDs looked up per message (In-Reply-To and References). */
#define LEDGER_LOOKUPS_MAX	50

struct ledger {
	MDB_env		*env;
	MDB_dbi		 sent;
	MDB_dbi		 state;
	int		 writable;
};

static void
seterr(char *err, size_t errlen, const char *what, const char *detail)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s: %s", what, detail);
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

int
ledger_open(const char *path, int writable, struct ledger **r, char *err,
    size_t errlen)
{
	struct ledger	*l;
	MDB_txn		*txn = NULL;
	int		 rc;

	*r = NULL;
	if (!writable && access(path, F_OK) == -1 && errno == ENOENT)
		return 1;
	if (writable && make_parent(path) == -1) {
		seterr(err, errlen, path, strerror(errno));
		return -1;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		seterr(err, errlen, path, strerror(errno));
		return -1;
	}
	l->writable = writable;
	if ((rc = mdb_env_create(&l->env)) != 0)
		goto fail;
	if ((rc = mdb_env_set_mapsize(l->env, LEDGER_MAP_SIZE)) != 0 ||
	    (rc = mdb_env_set_maxdbs(l->env, 2)) != 0)
		goto fail;
	/* MDB_NOTLS: --scan workers look up from one thread each, but a
	 * read transaction must not be tied to a thread we do not own */
	rc = mdb_env_open(l->env, path, MDB_NOSUBDIR | MDB_NOTLS |
	    (writable ? 0 : MDB_RDONLY), 0600);
	if (rc != 0 && !writable && (rc == EACCES || rc == EROFS)) {
		/* the lock file cannot be made (a read-only mount, another
		 * user's ledger): nobody can be writing there, read unlocked */
		mdb_env_close(l->env);
		if ((rc = mdb_env_create(&l->env)) != 0)
			goto fail;
		if ((rc = mdb_env_set_mapsize(l->env, LEDGER_MAP_SIZE)) != 0 ||
		    (rc = mdb_env_set_maxdbs(l->env, 2)) != 0)
			goto fail;
		rc = mdb_env_open(l->env, path, MDB_NOSUBDIR | MDB_NOTLS |
		    MDB_RDONLY | MDB_NOLOCK, 0600);
	}
	if (rc != 0)
		goto fail;
	if ((rc = mdb_txn_begin(l->env, NULL, writable ? 0 : MDB_RDONLY,
	    &txn)) != 0)
		goto fail;
	if ((rc = mdb_dbi_open(txn, "sent", writable ? MDB_CREATE : 0,
	    &l->sent)) != 0 ||
	    (rc = mdb_dbi_open(txn, "state", writable ? MDB_CREATE : 0,
	    &l->state)) != 0) {
		mdb_txn_abort(txn);
		goto fail;
	}
	if ((rc = mdb_txn_commit(txn)) != 0)
		goto fail;
	if (writable) {
		int	 dead;

		/* slots of readers that died: free them for page reuse */
		(void)mdb_reader_check(l->env, &dead);
	}
	*r = l;
	return 0;
fail:
	seterr(err, errlen, path, rc == MDB_NOTFOUND ? "not a sent ledger" :
	    mdb_strerror(rc));
	if (l->env != NULL)
		mdb_env_close(l->env);
	free(l);
	return -1;
}

void
ledger_close(struct ledger *l)
{
	if (l == NULL)
		return;
	mdb_env_close(l->env);
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

int
ledger_find(struct ledger *l, const char *id, long today, int expiry,
    int *age_r)
{
	unsigned char	 key[LEDGER_KEY_LEN];
	char		 norm[LEDGER_ID_MAX + 1];
	uint32_t	 day = 0;
	MDB_txn		*txn;
	MDB_val		 k, v;
	int		 rc;

	if (ledger_normalise(id, strlen(id), norm, sizeof(norm)) == -1)
		return 0;
	make_key(norm, key);
	if (mdb_txn_begin(l->env, NULL, MDB_RDONLY, &txn) != 0)
		return -1;
	k.mv_size = sizeof(key);
	k.mv_data = key;
	rc = mdb_get(txn, l->sent, &k, &v);
	if (rc == 0 && v.mv_size == sizeof(day))
		memcpy(&day, v.mv_data, sizeof(day));
	mdb_txn_abort(txn);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0 || v.mv_size != sizeof(day))
		return -1;
	if ((long)day + expiry < today)
		return 0;
	*age_r = today > (long)day ? (int)(today - (long)day) : 0;
	return 1;
}

int
ledger_add(struct ledger *l, const char *const *ids, int n, long today)
{
	unsigned char	 key[LEDGER_KEY_LEN];
	char		 norm[LEDGER_ID_MAX + 1];
	uint32_t	 day = (uint32_t)today;
	MDB_txn		*txn;
	MDB_val		 k, v;
	int		 i;

	if (mdb_txn_begin(l->env, NULL, 0, &txn) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (ledger_normalise(ids[i], strlen(ids[i]), norm,
		    sizeof(norm)) == -1)
			continue;
		make_key(norm, key);
		k.mv_size = sizeof(key);
		k.mv_data = key;
		v.mv_size = sizeof(day);
		v.mv_data = &day;
		if (mdb_put(txn, l->sent, &k, &v, 0) != 0) {
			mdb_txn_abort(txn);
			return -1;
		}
	}
	return mdb_txn_commit(txn) == 0 ? 0 : -1;
}

long
ledger_prune(struct ledger *l, long today, int expiry, int force)
{
	static const char	 mark[] = "pruned";
	uint32_t		 last = 0, day, now = (uint32_t)today;
	MDB_txn			*txn;
	MDB_cursor		*cur;
	MDB_val			 k, v;
	long			 dropped = 0;
	int			 rc;

	if (mdb_txn_begin(l->env, NULL, 0, &txn) != 0)
		return -1;
	k.mv_size = sizeof(mark) - 1;
	k.mv_data = (void *)mark;
	if (mdb_get(txn, l->state, &k, &v) == 0 && v.mv_size == sizeof(last))
		memcpy(&last, v.mv_data, sizeof(last));
	if (!force && last == now) {
		mdb_txn_abort(txn);
		return 0;
	}
	if (mdb_cursor_open(txn, l->sent, &cur) != 0) {
		mdb_txn_abort(txn);
		return -1;
	}
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (v.mv_size != sizeof(day))
			continue;
		memcpy(&day, v.mv_data, sizeof(day));
		if ((long)day + expiry < today) {
			if (mdb_cursor_del(cur, 0) != 0)
				break;
			dropped++;
		}
	}
	mdb_cursor_close(cur);
	k.mv_size = sizeof(mark) - 1;
	k.mv_data = (void *)mark;
	v.mv_size = sizeof(now);
	v.mv_data = &now;
	if (mdb_put(txn, l->state, &k, &v, 0) != 0 ||
	    mdb_txn_commit(txn) != 0)
		return -1;
	return dropped;
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

int
ledger_message_id(const char *raw, size_t len, char *out, size_t outlen)
{
	char	 value[LEDGER_ID_MAX + 64];
	size_t	 off = 0, next, c, vn = 0;
	int	 in_id = 0;

	if (len >= 5 && memcmp(raw, "From ", 5) == 0)
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
		if (c >= 11 && strncasecmp(raw + off, "Message-ID:", 11) == 0) {
			in_id = 1;
			c -= 11;
			if (c >= sizeof(value))
				c = sizeof(value) - 1;
			memcpy(value, raw + off + 11, c);
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

/* --- --learn-sent ----------------------------------------------------------- */

struct batch {
	struct ledger	*l;
	long		 today;
	char		*ids[LEDGER_BATCH];
	int		 n;
	long		*added;
};

static int
flush(struct batch *b)
{
	int	 i, rc;

	if (b->n == 0)
		return 0;
	rc = ledger_add(b->l, (const char *const *)b->ids, b->n, b->today);
	if (rc == 0)
		*b->added += b->n;
	for (i = 0; i < b->n; i++)
		free(b->ids[i]);
	b->n = 0;
	return rc;
}

static int
push(struct batch *b, const char *id)
{
	if ((b->ids[b->n] = strdup(id)) == NULL)
		return -1;
	if (++b->n == LEDGER_BATCH)
		return flush(b);
	return 0;
}

static int
state_get(struct ledger *l, const char *key, void *val, size_t n)
{
	MDB_txn	*txn;
	MDB_val	 k, v;
	int	 found = 0;

	if (mdb_txn_begin(l->env, NULL, MDB_RDONLY, &txn) != 0)
		return 0;
	k.mv_size = strlen(key);
	k.mv_data = (void *)key;
	if (k.mv_size > 0 && k.mv_size <= 511 &&
	    mdb_get(txn, l->state, &k, &v) == 0 && v.mv_size == n) {
		memcpy(val, v.mv_data, n);
		found = 1;
	}
	mdb_txn_abort(txn);
	return found;
}

static int
state_put(struct ledger *l, const char *key, const void *val, size_t n)
{
	MDB_txn	*txn;
	MDB_val	 k, v;

	k.mv_size = strlen(key);
	k.mv_data = (void *)key;
	if (k.mv_size == 0 || k.mv_size > 511)
		return 0;		/* too long a path: not incremental */
	v.mv_size = n;
	v.mv_data = (void *)val;
	if (mdb_txn_begin(l->env, NULL, 0, &txn) != 0)
		return -1;
	if (mdb_put(txn, l->state, &k, &v, 0) != 0) {
		mdb_txn_abort(txn);
		return -1;
	}
	return mdb_txn_commit(txn) == 0 ? 0 : -1;
}

/* One Maildir subdirectory (cur or new): files whose inode changed since
 * since, in nanoseconds (a delivery or a move into the folder changes it;
 * a file renamed in during a run has a later time and is read next run). */
static int
learn_dir(struct batch *b, const char *dir, int64_t since, long *seen)
{
	char		 buf[LEDGER_HEAD_MAX], id[LEDGER_ID_MAX + 1];
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
		if (n > 0 && ledger_message_id(buf, (size_t)n, id, sizeof(id)) &&
		    push(b, id) == -1) {
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

static int
learn_mbox(struct batch *b, const char *path, const char *real, long *seen,
    char *err, size_t errlen)
{
	struct mbox_state	 ms, old;
	struct stat		 st;
	char			 key[PATH_MAX + 8], id[LEDGER_ID_MAX + 1];
	const char		*map, *p, *end, *nl;
	size_t			 off;
	int			 fd;

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
	end = map + st.st_size;
	/* resume only at a From_ line; else read the file again */
	if (off > 0 && (end - (map + off) < 5 || memcmp(map + off, "From ", 5)))
		off = 0;
	for (p = map + off; p < end; ) {
		/* p is at a From_ line (or the file's start) */
		if (end - p >= 5 && memcmp(p, "From ", 5) == 0) {
			(*seen)++;
			if (ledger_message_id(p, (size_t)(end - p) <
			    LEDGER_HEAD_MAX ? (size_t)(end - p) :
			    LEDGER_HEAD_MAX, id, sizeof(id)) && push(b, id) == -1)
				break;
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

int
ledger_learn(struct ledger *l, const char *path, long long now, long *seen_r,
    long *added_r, char *err, size_t errlen)
{
	struct batch	*b;
	struct stat	 st;
	char		 real[PATH_MAX], key[PATH_MAX + 8], sub[PATH_MAX + 8];
	struct timespec	 ts;
	int64_t		 since = 0, start;
	int		 rc = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	start = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;

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

static struct ledger *
reader(const struct config *cfg, const struct envelope *env, int *state_r)
{
	char	*path;

	if (cached_pid == getpid()) {
		*state_r = cached_state;
		return cached;
	}
	cached = NULL;		/* an inherited one is left alone */
	cached_pid = getpid();
	if ((path = config_ledger_path(cfg, env != NULL ? env->home :
	    NULL)) == NULL)
		cached_state = 1;
	else
		cached_state = ledger_open(path, 0, &cached, NULL, 0);
	free(path);
	*state_r = cached_state;
	return cached;
}

static int
id_ours(const struct config *cfg, const struct identity *id, const char *norm)
{
	const char	*at = strrchr(norm, '@');

	return at != NULL && identity_ours_domain(cfg, id, at + 1);
}

void
ledger_gather(const struct config *cfg, const struct envelope *env,
    const struct analysis *an, const struct identity *ident, struct arena *a,
    struct ledger_evidence *ev)
{
	struct ledger	*l;
	const char	*refs[2], *p, *e;
	char		 norm[LEDGER_ID_MAX + 1];
	long		 today = (long)(envelope_now(env) / 86400);
	int		 state, r, i, age, ours = 0;

	memset(ev, 0, sizeof(*ev));
	ev->state = "not looked up";
	ev->complete = cfg->sent_ledger_complete;
	/* the message answered only (see anatomy.h, replied_to) */
	refs[0] = an->replied_to;
	refs[1] = NULL;
	if (an->original.message_id == NULL && refs[0] == NULL &&
	    refs[1] == NULL)
		return;
	l = reader(cfg, env, &state);
	ev->state = state == 0 ? "open" : state == 1 ? "absent" : "error";
	if (l == NULL)
		return;

	if (an->original.message_id != NULL &&
	    ledger_normalise(an->original.message_id,
	    strlen(an->original.message_id), norm, sizeof(norm)) == 0) {
		ev->looked_up++;
		ours += id_ours(cfg, ident, norm);
		if ((r = ledger_find(l, norm, today, cfg->sent_ledger_expiry,
		    &age)) == 1) {
			ev->original_sent = 1;
			ev->found = arena_strdup(a, norm);
			ev->age = age;
		}
	}
	for (i = 0; i < 2; i++) {
		for (p = refs[i]; p != NULL && (p = strchr(p, '<')) != NULL;
		    p = e) {
			if ((e = strchr(p, '>')) == NULL ||
			    ev->looked_up >= LEDGER_LOOKUPS_MAX)
				break;
			if (ledger_normalise(p, (size_t)(e - p + 1), norm,
			    sizeof(norm)) == -1)
				continue;
			ev->looked_up++;
			ours += id_ours(cfg, ident, norm);
			if (!ev->reply_sent && ledger_find(l, norm, today,
			    cfg->sent_ledger_expiry, &age) == 1) {
				ev->reply_sent = 1;
				if (ev->found == NULL) {
					ev->found = arena_strdup(a, norm);
					ev->age = age;
				}
			}
		}
	}
	ev->ours_unknown = ours > 0 && !ev->original_sent && !ev->reply_sent;
}
