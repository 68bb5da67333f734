/*
 * deliver_mbox.c - the mbox kind (see deliver.h).
 *
 * Locking as Debian's Postfix, procmail and Dovecot do it, so that they
 * and mail readers see a consistent file: an fcntl write lock first, then
 * a dotlock "<mbox>.lock" made by link() of a unique file (NFS-safe, as
 * liblockfile does). A dotlock older than LOCK_STALE is taken over. When
 * the directory does not let us make a dotlock (a root-owned /var/mail),
 * the fcntl lock alone is used, as Dovecot does without its helper.
 *
 * The message gets a "From sender  date" line (Postfix's form; MAILER-DAEMON
 * for the null sender), body lines starting "From " become ">From "
 * (mboxo, as Postfix and procmail write), and a blank line ends it. The
 * file's length is noted under the lock; on any failure the file is cut
 * back to it, so a reader never sees half a message.
 *
 * A folder "Name" is the file "Name" in the mbox's directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/io.h"
#include "deliver/deliver.h"

/* Seconds to wait for either lock before giving up (75: the MTA retries). */
#define LOCK_WAIT	60
/* A dotlock older than this is left over from a crash (liblockfile: 5 min). */
#define LOCK_STALE	300

static int
mbox_folder(const char *root, const char *folder, char *out, size_t outlen)
{
	const char	*slash;
	int		 n;

	if (folder == NULL)
		n = snprintf(out, outlen, "%s", root);
	else {
		if (!deliver_folder_ok(folder) || strchr(folder, '/') != NULL ||
		    folder[0] == '.')
			return -1;
		slash = strrchr(root, '/');
		if (slash == NULL)
			n = snprintf(out, outlen, "%s", folder);
		else
			n = snprintf(out, outlen, "%.*s/%s",
			    (int)(slash - root), root, folder);
	}
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

static int
write_fd(struct deliver_copy *c, const char *p, size_t n)
{
	if (io_write(c->fd, p, n) == -1) {
		fprintf(stderr, "backscatter: writing %s: %s\n",
		    c->folder_path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The fcntl write lock on the whole file, waiting up to LOCK_WAIT. */
static int
lock_fcntl(struct deliver_copy *c)
{
	struct flock	 fl;
	int		 i;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	for (i = 0; i < LOCK_WAIT * 4; i++) {
		if (fcntl(c->fd, F_SETLK, &fl) == 0)
			return 0;
		if (errno != EACCES && errno != EAGAIN && errno != EINTR)
			break;
		usleep(250000);
	}
	fprintf(stderr, "backscatter: cannot lock %s: %s\n", c->folder_path,
	    strerror(errno));
	return -1;
}

/* The dotlock <mbox>.lock. 0 (held or not possible here), or -1. */
static int
lock_dotlock(struct deliver_copy *c)
{
	char		 unique[DELIVER_PATH_MAX];
	struct stat	 st;
	int		 n, fd, i;

	n = snprintf(c->lock_path, sizeof(c->lock_path), "%s.lock",
	    c->folder_path);
	if (n < 0 || (size_t)n >= sizeof(c->lock_path))
		goto fail;
	n = snprintf(unique, sizeof(unique), "%s.lk%ld", c->folder_path,
	    (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(unique))
		goto fail;
	unlink(unique);
	fd = open(unique, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		if (errno == EACCES || errno == EPERM) {
			/* /var/mail is root:mail 2775: fcntl only */
			c->lock_path[0] = '\0';
			return 0;
		}
		goto fail;
	}
	close(fd);
	for (i = 0; i < LOCK_WAIT; i++) {
		/* link() may report failure over NFS yet have worked:
		 * the link count says */
		if (link(unique, c->lock_path) == 0 ||
		    (stat(unique, &st) == 0 && st.st_nlink == 2)) {
			unlink(unique);
			return 0;
		}
		if (errno != EEXIST)
			break;
		if (stat(c->lock_path, &st) == 0 &&
		    time(NULL) - st.st_mtime > LOCK_STALE) {
			fprintf(stderr, "backscatter: removing stale %s\n",
			    c->lock_path);
			unlink(c->lock_path);
			continue;
		}
		sleep(1);
	}
	unlink(unique);
fail:
	fprintf(stderr, "backscatter: cannot make %s: %s\n", c->lock_path,
	    strerror(errno));
	c->lock_path[0] = '\0';		/* not ours: never unlink it */
	return -1;
}

static int
mbox_begin(struct deliver_copy *c, const char *sender)
{
	struct stat	 st;
	char		 line[512], tail[2];
	const char	*who = sender != NULL && *sender ? sender : "MAILER-DAEMON";
	time_t		 now = time(NULL);
	size_t		 i, o;
	int		 n;

	c->fd = open(c->folder_path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (c->fd == -1) {
		fprintf(stderr, "backscatter: %s: %s\n", c->folder_path,
		    strerror(errno));
		return -1;
	}
	if (fstat(c->fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_nlink != 1 || st.st_uid != geteuid()) {
		fprintf(stderr, "backscatter: %s: not a regular file of ours "
		    "with one link; not writing it\n", c->folder_path);
		return -1;
	}
	if (lock_fcntl(c) == -1 || lock_dotlock(c) == -1)
		return -1;
	/* the length under the lock is what a failure goes back to */
	if (fstat(c->fd, &st) == -1)
		return -1;
	c->old_size = st.st_size;
	c->size_known = 1;		/* from here abort truncates */
	/* messages are separated by a blank line: add one if the last
	 * writer did not */
	if (st.st_size >= 1) {
		n = (int)pread(c->fd, tail, st.st_size >= 2 ? 2 : 1,
		    st.st_size >= 2 ? st.st_size - 2 : 0);
		if (n >= 1 && tail[n - 1] != '\n' &&
		    write_fd(c, "\n\n", 2) == -1)
			return -1;
		if (n == 2 && tail[1] == '\n' && tail[0] != '\n' &&
		    write_fd(c, "\n", 1) == -1)
			return -1;
	}
	/* From sender  Www Mmm dd hh:mm:ss yyyy; no space or control
	 * character of the sender may split the line */
	memcpy(line, "From ", 5);
	o = 5;
	for (i = 0; who[i] && o < 320; i++)
		line[o++] = (unsigned char)who[i] <= ' ' || who[i] == 0x7f ?
		    '_' : who[i];
	n = snprintf(line + o, sizeof(line) - o, "  %s", ctime(&now));
	if (n < 0 || (size_t)n >= sizeof(line) - o)
		return -1;
	return write_fd(c, line, o + (size_t)n);
}

/* Append, writing ">From " for a line that starts "From ". A line start
 * with fewer than 5 bytes seen waits in pending[] for the next call. */
static int
mbox_write(struct deliver_copy *c, const char *p, size_t n)
{
	const char	*nl;
	size_t		 k, after;

	while (n > 0) {
		if (c->line_start) {
			k = sizeof(c->pending) - c->npending;
			if (k > n)
				k = n;
			memcpy(c->pending + c->npending, p, k);
			c->npending += k;
			p += k;
			n -= k;
			nl = memchr(c->pending, '\n', c->npending);
			if (c->npending < sizeof(c->pending) && nl == NULL)
				continue;	/* need more */
			if (nl != NULL) {
				/* the line ended within them: what follows
				 * starts another line */
				after = c->npending -
				    (size_t)(nl - c->pending) - 1;
				p -= after;
				n += after;
				c->npending -= after;
			} else if (memcmp(c->pending, "From ", 5) == 0 &&
			    write_fd(c, ">", 1) == -1)
				return -1;
			if (write_fd(c, c->pending, c->npending) == -1)
				return -1;
			c->last_nl = nl != NULL;
			c->npending = 0;
			if (nl != NULL)
				continue;
			c->line_start = 0;
		}
		nl = memchr(p, '\n', n);
		k = nl ? (size_t)(nl - p) + 1 : n;
		if (write_fd(c, p, k) == -1)
			return -1;
		c->last_nl = p[k - 1] == '\n';
		p += k;
		n -= k;
		if (nl != NULL)
			c->line_start = 1;
	}
	return 0;
}

static int
mbox_prepare(struct deliver_copy *c)
{
	/* a line start still waiting (the message ends within it) */
	if (c->npending > 0) {
		if (write_fd(c, c->pending, c->npending) == -1)
			return -1;
		c->last_nl = c->pending[c->npending - 1] == '\n';
		c->npending = 0;
	}
	/* end with a newline and a blank line */
	if (!c->last_nl && write_fd(c, "\n", 1) == -1)
		return -1;
	if (write_fd(c, "\n", 1) == -1)
		return -1;
	if (fsync(c->fd) == -1) {
		fprintf(stderr, "backscatter: fsync %s: %s\n", c->folder_path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static int
mbox_commit(struct deliver_copy *c)
{
	/* written and synced: unlock (the dotlock, then the fcntl lock
	 * with the close) */
	if (c->lock_path[0] != '\0') {
		unlink(c->lock_path);
		c->lock_path[0] = '\0';
	}
	close(c->fd);
	c->fd = -1;
	return 0;
}

static void
mbox_abort(struct deliver_copy *c)
{
	/* async-signal-safe: ftruncate, fsync, close, unlink */
	if (c->fd != -1) {
		if (c->size_known && ftruncate(c->fd, c->old_size) == 0)
			fsync(c->fd);
		close(c->fd);
		c->fd = -1;
	}
	if (c->lock_path[0] != '\0') {
		unlink(c->lock_path);
		c->lock_path[0] = '\0';
	}
}

const struct deliver_ops deliver_mbox = {
	.name = "mbox",
	.folder = mbox_folder,
	.begin = mbox_begin,
	.write = mbox_write,
	.prepare = mbox_prepare,
	.commit = mbox_commit,
	.abort = mbox_abort,
};
