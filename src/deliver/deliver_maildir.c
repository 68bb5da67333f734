/*
 * deliver_maildir.c - the Maildir kind (see deliver.h).
 *
 * As qmail's maildir(5) and Courier's say: a unique name, the file made
 * with O_EXCL in tmp/, every write checked, fsync, then rename into new/
 * (or into cur/ with ":2,<flags>" when the script set IMAP flags, the
 * place a message with flags lives). The rename is the moment of
 * delivery; the new/ directory is synced after it. A failure at any step
 * before that unlinks the temp file.
 *
 * Folders are Maildir++: "Junk" is <Maildir>/.Junk, "Lists/foo" or
 * "Lists.foo" is .Lists.foo, each a Maildir with an empty "maildirfolder"
 * file; "INBOX.x" means the same as "x" (Courier's namespace). Names are
 * stored as IMAP modified UTF-7 (RFC 3501 5.1.3), as Dovecot and Courier
 * store them: printable ASCII as itself, "&" as "&-", the rest in base64.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "base/io.h"
#include "base/log.h"
#include "deliver/deliver.h"



/* What maildir_commit's name adds to the name in tmp/ at most: "V" and
 * "I" with 16 hex digits each, ",S=" and 20 digits, ":2," and five
 * flags. */
#define DELIVER_NAME_GROWS	(2 + 32 + 3 + 20 + 3 + 5)

static unsigned	 delivery_counter;

/* Append s to out (at *o, of outlen); -1 when it does not fit. */
static int
put(char *out, size_t outlen, size_t *o, const char *s, size_t n)
{
	if (*o + n >= outlen)
		return -1;
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = '\0';
	return 0;
}

/* Modified base64 of UTF-16BE units for the non-ASCII run s[0..n). */
static int
put_mutf7(char *out, size_t outlen, size_t *o, const unsigned char *s,
    size_t n)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
	unsigned long	 bits = 0, cp;
	int		 nbits = 0, k, len;
	size_t		 i = 0;
	unsigned	 units[2];
	char		 c;

	if (put(out, outlen, o, "&", 1) == -1)
		return -1;
	while (i < n) {
		/* one UTF-8 sequence; an invalid byte stands for itself
		 * as Latin-1 so that every name has some encoding */
		cp = s[i];
		len = 1;
		if (cp >= 0xf0 && i + 3 < n + 0 && (s[i + 1] & 0xc0) == 0x80 &&
		    (s[i + 2] & 0xc0) == 0x80 && (s[i + 3] & 0xc0) == 0x80) {
			cp = ((cp & 7) << 18) | ((s[i + 1] & 0x3fUL) << 12) |
			    ((s[i + 2] & 0x3fUL) << 6) | (s[i + 3] & 0x3fUL);
			len = 4;
		} else if (cp >= 0xe0 && i + 2 < n &&
		    (s[i + 1] & 0xc0) == 0x80 && (s[i + 2] & 0xc0) == 0x80) {
			cp = ((cp & 0xf) << 12) | ((s[i + 1] & 0x3fUL) << 6) |
			    (s[i + 2] & 0x3fUL);
			len = 3;
		} else if (cp >= 0xc0 && i + 1 < n &&
		    (s[i + 1] & 0xc0) == 0x80) {
			cp = ((cp & 0x1f) << 6) | (s[i + 1] & 0x3fUL);
			len = 2;
		}
		i += (size_t)len;
		if (cp >= 0x10000 && cp <= 0x10ffff) {
			cp -= 0x10000;
			units[0] = 0xd800 | (unsigned)(cp >> 10);
			units[1] = 0xdc00 | (unsigned)(cp & 0x3ff);
			k = 2;
		} else {
			units[0] = (unsigned)(cp & 0xffff);
			k = 1;
		}
		for (len = 0; len < k; len++) {
			bits = (bits << 16) | units[len];
			nbits += 16;
			while (nbits >= 6) {
				nbits -= 6;
				c = b64[(bits >> nbits) & 0x3f];
				if (put(out, outlen, o, &c, 1) == -1)
					return -1;
			}
		}
	}
	if (nbits > 0) {
		c = b64[(bits << (6 - nbits)) & 0x3f];
		if (put(out, outlen, o, &c, 1) == -1)
			return -1;
	}
	return put(out, outlen, o, "-", 1);
}

static int
maildir_folder(const char *root, const char *folder, char *out, size_t outlen)
{
	const unsigned char	*s;
	size_t			 o = 0, run;

	if (put(out, outlen, &o, root, strlen(root)) == -1)
		return -1;
	/* a trailing "/" on the root (procmail's way to say Maildir) */
	while (o > 1 && out[o - 1] == '/')
		out[--o] = '\0';
	if (folder == NULL)
		return 0;
	if (strncasecmp(folder, "INBOX", 5) == 0 &&
	    (folder[5] == '.' || folder[5] == '/'))
		folder += 6;
	if (!deliver_folder_ok(folder))
		return -1;
	if (put(out, outlen, &o, "/.", 2) == -1)
		return -1;
	for (s = (const unsigned char *)folder; *s; ) {
		if (*s >= 0x80) {
			for (run = 0; s[run] >= 0x80; run++)
				;
			if (put_mutf7(out, outlen, &o, s, run) == -1)
				return -1;
			s += run;
		} else if (*s == '/' || *s == '.') {
			if (put(out, outlen, &o, ".", 1) == -1)
				return -1;
			s++;
		} else if (*s == '&') {
			if (put(out, outlen, &o, "&-", 2) == -1)
				return -1;
			s++;
		} else {
			if (put(out, outlen, &o, (const char *)s, 1) == -1)
				return -1;
			s++;
		}
	}
	return 0;
}

/* The directory holding path synced: an entry made in it is on disk. */
static int
sync_parent(const char *path)
{
	char		 dir[DELIVER_PATH_MAX];
	const char	*slash = strrchr(path, '/');
	size_t		 n = slash == NULL ? 1 : (size_t)(slash - path);
	int		 fd, rc;

	if (slash == NULL)
		memcpy(dir, ".", 2);
	else if (n == 0)
		memcpy(dir, "/", 2);
	else if (n >= sizeof(dir)) {
		errno = ENAMETOOLONG;
		return -1;
	} else {
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* mkdir that accepts an existing directory. One it makes is synced into
 * its parent: a message renamed into it later is reported delivered, and
 * must not be lost with the directory in a crash. */
static int
make_dir(const char *path)
{
	struct stat	 st;

	if (mkdir(path, 0700) == 0)
		return sync_parent(path);
	if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	if (errno == EEXIST)
		errno = ENOTDIR;
	return -1;
}

/* mkdir -p path. */
static int
make_dirs(const char *path)
{
	char	 p[DELIVER_PATH_MAX];
	char	*c;
	size_t	 len = strlen(path);

	if (len >= sizeof(p))
		return -1;
	memcpy(p, path, len + 1);
	for (c = p + 1; *c; c++) {
		if (*c != '/')
			continue;
		*c = '\0';
		if (make_dir(p) == -1) {
			*c = '/';
			return -1;
		}
		*c = '/';
	}
	return make_dir(p);
}

int
deliver_make_maildir(const char *path, int folder)
{
	static const char *const sub[] = { "tmp", "new", "cur" };
	struct stat	 st;
	char		 p[DELIVER_PATH_MAX];
	size_t		 i;
	int		 n, fd;

	for (i = 0; i < 3; i++) {
		n = snprintf(p, sizeof(p), "%s/%s", path, sub[i]);
		if (n < 0 || (size_t)n >= sizeof(p))
			return -1;
		if (make_dir(p) == -1 && (errno != ENOENT ||
		    make_dirs(p) == -1))
			goto fail;
		/* new/ and cur/ written into by a rename at the end: one we
		 * cannot write is known now, while the INBOX can still take
		 * the message, not after it is written (75 at every retry) */
		if (i > 0 && faccessat(AT_FDCWD, p, W_OK | X_OK, AT_EACCESS) ==
		    -1)
			goto fail;
	}
	if (!folder)
		return 0;
	n = snprintf(p, sizeof(p), "%s/maildirfolder", path);
	if (n < 0 || (size_t)n >= sizeof(p))
		return -1;
	if (stat(p, &st) == -1 && ((fd = open(p, O_WRONLY | O_CREAT |
	    O_NOFOLLOW | O_CLOEXEC, 0600)) == -1 || close(fd) == -1))
		goto fail;
	return 0;
fail:
	n = errno;
	log_warnx("%s: %s", p, strerror(n));
	errno = n;
	return -1;
}

/* The host part of a unique name: '/' and ':' are not allowed there. */
static void
host_part(char *out, size_t outlen)
{
	char	 host[256];
	size_t	 i, o = 0;

	if (gethostname(host, sizeof(host)) == -1)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	for (i = 0; host[i] && o + 5 < outlen; i++) {
		if (host[i] == '/') {
			memcpy(out + o, "\\057", 4);
			o += 4;
		} else if (host[i] == ':') {
			memcpy(out + o, "\\072", 4);
			o += 4;
		} else if ((unsigned char)host[i] > ' ' && host[i] != 0x7f)
			out[o++] = host[i];
	}
	out[o] = '\0';
	if (o == 0)
		snprintf(out, outlen, "localhost");
}

static int
maildir_begin(struct deliver_copy *c, const char *sender)
{
	struct timeval	 tv;
	char		 host[256];
	const char	*slash;
	int		 n, i, fd;

	(void)sender;
	/* a folder: the INBOX Maildir above it, then the folder with its
	 * marker file (Maildir++) */
	slash = strrchr(c->folder_path, '/');
	if (c->is_folder && slash != NULL) {
		char	 root[DELIVER_PATH_MAX];

		memcpy(root, c->folder_path, (size_t)(slash - c->folder_path));
		root[slash - c->folder_path] = '\0';
		if (deliver_make_maildir(root, 0) == -1 ||
		    deliver_make_maildir(c->folder_path, 1) == -1)
			return -1;
	} else if (deliver_make_maildir(c->folder_path, 0) == -1)
		return -1;

	host_part(host, sizeof(host));
	for (i = 0; i < DELIVER_UNIQUE_TRIES; i++) {
		gettimeofday(&tv, NULL);
		/* time.MusecPpidQn.host: unique per process and delivery
		 * (Courier and Dovecot use the same pieces) */
		n = snprintf(c->name, sizeof(c->name), "%lld.M%06ldP%ldQ%u.%s",
		    (long long)tv.tv_sec, (long)tv.tv_usec, (long)getpid(),
		    ++delivery_counter, host);
		if (n < 0 || (size_t)n >= sizeof(c->name))
			return -1;
		n = snprintf(c->tmp_path, sizeof(c->tmp_path), "%s/tmp/%s",
		    c->folder_path, c->name);
		/* the name in new/ or cur/ is longer by the device, inode,
		 * size and flags maildir_commit adds: known now, not after
		 * the message is written */
		if (n < 0 || (size_t)n + DELIVER_NAME_GROWS >=
		    sizeof(c->tmp_path)) {
			c->tmp_path[0] = '\0';
			log_warnx("path too long (DELIVER_PATH_MAX): %s",
			    c->folder_path);
			return -1;
		}
		fd = open(c->tmp_path, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd != -1) {
			c->fd = fd;
			return 0;
		}
		if (errno != EEXIST)
			break;
	}
	log_warnx("%s: %s", c->tmp_path, strerror(errno));
	c->tmp_path[0] = '\0';		/* not ours: never unlink it */
	return -1;
}

static int
maildir_write(struct deliver_copy *c, const char *p, size_t n)
{
	if (io_write(c->fd, p, n) == -1) {
		log_warnx("writing %s: %s", c->tmp_path,
		    strerror(errno));
		return -1;
	}
	c->written += n;
	return 0;
}

static int
maildir_prepare(struct deliver_copy *c)
{
	int	 fd = c->fd;

	c->fd = -1;
	if (fsync(fd) == -1) {
		log_warnx("fsync %s: %s", c->tmp_path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	if (close(fd) == -1) {
		log_warnx("close %s: %s", c->tmp_path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static int
maildir_commit(struct deliver_copy *c)
{
	char		 dest[DELIVER_PATH_MAX], info[16], dir[DELIVER_PATH_MAX];
	const char	*host;
	struct stat	 st;
	size_t		 k = 0;
	int		 n, fd;

	if (stat(c->tmp_path, &st) == -1)
		return -1;
	/* flags in the info part, in ASCII order as the spec wants */
	if (c->flags & DELIVER_DRAFT)
		info[k++] = 'D';
	if (c->flags & DELIVER_FLAGGED)
		info[k++] = 'F';
	if (c->flags & DELIVER_ANSWERED)
		info[k++] = 'R';
	if (c->flags & DELIVER_SEEN)
		info[k++] = 'S';
	if (c->flags & DELIVER_DELETED)
		info[k++] = 'T';
	info[k] = '\0';
	/* the final name adds the device and inode of the file, unique on
	 * this file system while it exists (Postfix), and its size:
	 * time.MusecPpidQnVdevIino.host,S=size[:2,flags] */
	host = strchr(strchr(c->name, '.') + 1, '.');
	n = snprintf(dest, sizeof(dest), "%s/%s/%.*sV%llxI%llx%s,S=%lld%s%s",
	    c->folder_path, k > 0 ? "cur" : "new",
	    (int)(host - c->name), c->name,
	    (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
	    host, (long long)st.st_size, k > 0 ? ":2," : "", info);
	if (n < 0 || (size_t)n >= sizeof(dest)) {
		log_warnx("path too long (DELIVER_PATH_MAX): %s",
		    c->folder_path);
		return -1;
	}
	if (rename(c->tmp_path, dest) == -1) {
		log_warnx("rename to %s: %s", dest,
		    strerror(errno));
		return -1;
	}
	c->tmp_path[0] = '\0';
	/* the rename on disk too; the message is delivered either way */
	n = snprintf(dir, sizeof(dir), "%s/%s", c->folder_path,
	    k > 0 ? "cur" : "new");
	if (n > 0 && (size_t)n < sizeof(dir) &&
	    (fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		if (fsync(fd) == -1)
			log_warnx("fsync %s: %s", dir,
			    strerror(errno));
		close(fd);
	}
	return 0;
}

static void
maildir_abort(struct deliver_copy *c)
{
	/* async-signal-safe: close and unlink only */
	if (c->fd != -1) {
		close(c->fd);
		c->fd = -1;
	}
	if (c->tmp_path[0] != '\0') {
		unlink(c->tmp_path);
		c->tmp_path[0] = '\0';
	}
}

const struct deliver_ops deliver_maildir = {
	.name = "maildir",
	.folder = maildir_folder,
	.begin = maildir_begin,
	.write = maildir_write,
	.prepare = maildir_prepare,
	.commit = maildir_commit,
	.abort = maildir_abort,
};
