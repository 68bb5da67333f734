/*
 * spool.c - sent-ledger entries waiting to be merged (see spool.h).
 *
 * Written like a Maildir delivery (a unique name, O_EXCL in tmp/, every
 * write checked, fsync, rename into new/), read with bounds: a file's
 * first SPOOL_FILE_MAX bytes, SPOOL_READ_MAX entries in all. The spool is
 * written by this program alone, but still read as untrusted input: a
 * line is an entry only if it is exactly "<day> <32 hex digits>".
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/io.h"
#include "evidence/spool.h"


static unsigned	 spool_counter;

int
spool_make(const char *dir)
{
	char	 sub[PATH_MAX];
	int	 n;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return -1;
	n = snprintf(sub, sizeof(sub), "%s/tmp", dir);
	if (n < 0 || (size_t)n >= sizeof(sub)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (mkdir(sub, 0700) == -1 && errno != EEXIST)
		return -1;
	memcpy(sub + n - 3, "new", 3);
	if (mkdir(sub, 0700) == -1 && errno != EEXIST)
		return -1;
	/* the mark of a lost entry, made now (dated 1970: none lost) so
	 * that a full disk later needs no new file to set it */
	(void)spool_mark_lost(dir, 0, 1);
	return 0;
}

/* <dir>/lost into path (PATH_MAX); -1 when too long. */
static int
lost_path(const char *dir, char *path)
{
	int	 n = snprintf(path, PATH_MAX, "%s/lost", dir);

	return n < 0 || n >= PATH_MAX ? -1 : 0;
}

int
spool_mark_lost(const char *dir, long day, int create_only)
{
	struct timespec	 ts[2];
	char		 path[PATH_MAX];
	int		 fd, rc;

	if (lost_path(dir, path) == -1)
		return -1;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK | (create_only ? O_EXCL : 0), 0600)) == -1)
		return create_only && errno == EEXIST ? 0 : -1;
	ts[0].tv_sec = ts[1].tv_sec = (time_t)day * 86400;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	rc = futimens(fd, ts);
	if (close(fd) == -1)
		rc = -1;
	return rc;
}

long
spool_lost_day(const char *dir)
{
	struct stat	 st;
	char		 path[PATH_MAX];

	if (lost_path(dir, path) == -1)
		return LONG_MAX;
	if (stat(path, &st) == -1)
		return errno == ENOENT ? -1 : LONG_MAX;
	return S_ISREG(st.st_mode) ? (long)(st.st_mtime / 86400) : LONG_MAX;
}

/* A name no other writer uses: time, pid, a counter and the host (a home
 * on NFS is shared by hosts). */
static int
unique_name(char *out, size_t outlen)
{
	struct timeval	 tv;
	char		 host[256];
	size_t		 i;
	int		 n;

	gettimeofday(&tv, NULL);
	if (gethostname(host, sizeof(host)) == -1)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	for (i = 0; host[i]; i++)
		if ((unsigned char)host[i] <= ' ' || host[i] == '/' ||
		    (unsigned char)host[i] >= 0x7f)
			host[i] = '_';
	n = snprintf(out, outlen, "%lld.M%06ldP%ldQ%u.%s",
	    (long long)tv.tv_sec, (long)tv.tv_usec, (long)getpid(),
	    ++spool_counter, host[0] ? host : "localhost");
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int
spool_add(const char *dir, const struct spool_entry *e, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	char			 tmp[PATH_MAX], dst[PATH_MAX], name[512];
	char			*text, *p;
	size_t			 i, k;
	int			 fd = -1, tries, saved;

	size_t			 need = 0, r;

	if (n == 0)
		return 0;
	/* "<day> <hex>[ <hex>]...\n": 10 + 1 + 32, each recipient 1 + 16,
	 * and 1 */
	for (i = 0; i < n; i++)
		need += 44 + (size_t)(e[i].nrcpt < SPOOL_RCPT_MAX ? e[i].nrcpt :
		    SPOOL_RCPT_MAX) * (1 + 2 * SPOOL_RCPT_LEN);
	if (need > SPOOL_FILE_MAX) {
		errno = E2BIG;
		return -1;
	}
	if ((text = malloc(need + 1)) == NULL)
		return -1;
	for (p = text, i = 0; i < n; i++) {
		p += snprintf(p, 12, "%lu ", (unsigned long)e[i].day);
		for (k = 0; k < SPOOL_KEY_LEN; k++) {
			*p++ = hex[e[i].key[k] >> 4];
			*p++ = hex[e[i].key[k] & 15];
		}
		for (r = 0; r < e[i].nrcpt && r < SPOOL_RCPT_MAX; r++) {
			*p++ = ' ';
			for (k = 0; k < SPOOL_RCPT_LEN; k++) {
				unsigned char c = e[i].rcpt[r * SPOOL_RCPT_LEN + k];

				*p++ = hex[c >> 4];
				*p++ = hex[c & 15];
			}
		}
		*p++ = '\n';
	}
	for (tries = 0; tries < SPOOL_UNIQUE_TRIES; tries++) {
		if (unique_name(name, sizeof(name)) == -1 ||
		    snprintf(tmp, sizeof(tmp), "%s/tmp/%s", dir, name) >=
		    (int)sizeof(tmp) ||
		    snprintf(dst, sizeof(dst), "%s/new/%s", dir, name) >=
		    (int)sizeof(dst)) {
			errno = ENAMETOOLONG;
			goto fail;
		}
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (fd != -1 || errno != EEXIST)
			break;
	}
	if (fd == -1)
		goto fail;
	if (io_write(fd, text, (size_t)(p - text)) == -1 || fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, dst) == -1)
		goto fail;
	free(text);
	return 0;
fail:
	saved = errno;
	if (fd != -1) {
		close(fd);
		unlink(tmp);
	}
	free(text);
	errno = saved;
	return -1;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* n bytes from 2n hex digits at s: 0, or -1. */
static int
unhex(const char *s, unsigned char *out, size_t n)
{
	size_t	 k;
	int	 hi, lo;

	for (k = 0; k < n; k++, s += 2) {
		if ((hi = hexval(s[0])) == -1 || (lo = hexval(s[1])) == -1)
			return -1;
		out[k] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/*
 * One line, exactly "<day> <32 hex>" and then any number (up to
 * SPOOL_RCPT_MAX) of " <16 hex>": 0 with the entry in *e (its recipients
 * malloc'd), else -1.
 */
static int
parse_line(const char *s, size_t len, struct spool_entry *e)
{
	unsigned long	 day = 0;
	size_t		 i = 0, rest, n;

	memset(e, 0, sizeof(*e));
	while (i < len && s[i] >= '0' && s[i] <= '9' && i < 10)
		day = day * 10 + (unsigned long)(s[i++] - '0');
	if (i == 0 || day > UINT32_MAX || i + 1 + 2 * SPOOL_KEY_LEN > len ||
	    s[i] != ' ' || unhex(s + i + 1, e->key, SPOOL_KEY_LEN) == -1)
		return -1;
	i += 1 + 2 * SPOOL_KEY_LEN;
	rest = len - i;
	if (rest % (1 + 2 * SPOOL_RCPT_LEN) != 0 ||
	    (n = rest / (1 + 2 * SPOOL_RCPT_LEN)) > SPOOL_RCPT_MAX)
		return -1;
	if (n > 0 && (e->rcpt = malloc(n * SPOOL_RCPT_LEN)) == NULL)
		return -1;
	for (e->nrcpt = 0; e->nrcpt < n; e->nrcpt++, i += 1 + 2 * SPOOL_RCPT_LEN)
		if (s[i] != ' ' || unhex(s + i + 1, e->rcpt + e->nrcpt *
		    SPOOL_RCPT_LEN, SPOOL_RCPT_LEN) == -1) {
			free(e->rcpt);
			e->rcpt = NULL;
			e->nrcpt = 0;
			return -1;
		}
	e->day = (uint32_t)day;
	return 0;
}

/* The entries of one file into b: 1 all of them, 0 not all (b is full),
 * 2 the file not read (it stays: its entries are unknown, never to be
 * removed as merged), -1 when memory runs out. */
static int
read_file(int dfd, const char *name, struct spool_batch *b, size_t *cap)
{
	static char	 buf[SPOOL_FILE_MAX];
	struct spool_entry *grown, e;
	const char	*p, *end, *nl;
	ssize_t		 got;
	int		 fd;

	if ((fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1) {
		/* merged and removed meanwhile; anything else is a file
		 * not read (its entries unknown) */
		if (errno == ENOENT)
			return 1;
		b->partial = 1;
		return 2;
	}
	got = read(fd, buf, sizeof(buf));
	close(fd);
	if (got < 0) {
		b->partial = 1;
		return 2;
	}
	if (got == 0)
		return 1;
	for (p = buf, end = buf + got; p < end; p = nl + 1) {
		if (b->n == SPOOL_READ_MAX) {
			b->partial = 1;
			return 0;
		}
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;		/* no line end: not a whole line */
		if (parse_line(p, (size_t)(nl - p), &e) == -1)
			continue;
		if (b->n == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			if ((grown = realloc(b->entries, *cap *
			    sizeof(*grown))) == NULL) {
				free(e.rcpt);
				return -1;
			}
			b->entries = grown;
		}
		b->entries[b->n++] = e;
	}
	return 1;
}

int
spool_take(const char *dir, size_t max_files, struct spool_batch *b)
{
	char		 path[PATH_MAX];
	struct dirent	*de;
	DIR		*d;
	char		**grown;
	size_t		 cap = 0, fcap = 0;
	int		 saved, whole;

	memset(b, 0, sizeof(*b));
	if (snprintf(path, sizeof(path), "%s/new", dir) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((d = opendir(path)) == NULL)
		return errno == ENOENT ? 0 : -1;
	for (;;) {
		if (b->n >= SPOOL_READ_MAX || (max_files != 0 &&
		    b->nfiles >= max_files)) {
			b->partial = 1;	/* maybe more: taken next time */
			break;
		}
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0)
				b->partial = 1;
			break;
		}
		if (de->d_name[0] == '.')
			continue;
		if ((whole = read_file(dirfd(d), de->d_name, b, &cap)) == -1)
			goto fail;
		if (whole == 2)
			continue;	/* not read: never removed */
		if (!whole)
			break;		/* the rest of it next time */
		if (b->nfiles == fcap) {
			fcap = fcap ? fcap * 2 : 64;
			if ((grown = realloc(b->files, fcap *
			    sizeof(*grown))) == NULL)
				goto fail;
			b->files = grown;
		}
		if ((b->files[b->nfiles] = strdup(de->d_name)) == NULL)
			goto fail;
		b->nfiles++;
	}
	closedir(d);
	return 0;
fail:
	saved = errno;
	closedir(d);
	spool_batch_free(b);
	errno = saved;
	return -1;
}

void
spool_remove(const char *dir, const struct spool_batch *b)
{
	char		 path[PATH_MAX];
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	time_t		 now = time(NULL);
	size_t		 i;
	int		 dfd;

	if (snprintf(path, sizeof(path), "%s/new", dir) >= (int)sizeof(path))
		return;
	if ((dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		for (i = 0; i < b->nfiles; i++)
			unlinkat(dfd, b->files[i], 0);
		close(dfd);
	}
	memcpy(path + strlen(path) - 3, "tmp", 3);
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' &&
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    now - st.st_mtime > SPOOL_TMP_STALE)
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
}

void
spool_batch_free(struct spool_batch *b)
{
	size_t	 i;

	for (i = 0; i < b->nfiles; i++)
		free(b->files[i]);
	free(b->files);
	spool_entries_clear(b->entries, b->n);
	free(b->entries);
	memset(b, 0, sizeof(*b));
}

void
spool_entries_clear(struct spool_entry *e, size_t n)
{
	size_t	 i;

	for (i = 0; e != NULL && i < n; i++) {
		free(e[i].rcpt);
		e[i].rcpt = NULL;
		e[i].nrcpt = 0;
	}
}
