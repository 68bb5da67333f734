/*
 * deliver_mbox.c - the mbox kind (see deliver.h).
 *
 * Locking as procmail, Postfix's local(8) and Dovecot (mbox_write_locks =
 * dotlock fcntl) do it, in their order: first the dotlock "<mbox>.lock",
 * made by link() of a unique file (NFS-safe, as liblockfile does), then an
 * fcntl write lock on the open file. The order matters: procmail holds the
 * dotlock while it waits (F_SETLKW) for the fcntl lock, so a writer that
 * took the fcntl lock first and then waited for the dotlock would wait for
 * it, and it for us, until one gave up. A dotlock older than
 * DELIVER_LOCK_STALE is taken over, but only if it looks like a lock (a small regular file):
 * whatever else is there is never removed, and the delivery is deferred.
 * When the directory does not let us make a dotlock (a root-owned
 * /var/mail), the fcntl lock alone is used, as Dovecot does without its
 * helper.
 *
 * The message gets a "From sender  date" line (Postfix's form; MAILER-DAEMON
 * for the null sender), body lines starting "From " become ">From "
 * (mboxo, as Postfix and procmail write), and a blank line ends it. The
 * file's length is noted under the lock; on any failure the file is cut
 * back to it, so a reader never sees half a message.
 *
 * A folder "Name" is the file "Name" in the mbox's directory. No folder may
 * be a lock: a name ending in ".lock" (any case), or the name whose lock
 * the INBOX would be, is refused (and the message kept in the INBOX), as
 * Dovecot refuses "*.lock" mailboxes. Our unique file starts with a dot,
 * which no folder name may.
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
#include "base/log.h"
#include "deliver/deliver.h"


/* Can the file at path, of status st, be a dotlock: a small regular file
 * that is not an mbox? */
static int
lock_like(const char *path, const struct stat *st)
{
	char	 head[5];
	int	 fd, mbox;

	if (!S_ISREG(st->st_mode) || st->st_size > DELIVER_LOCK_FILE_MAX)
		return 0;
	if (st->st_size < 5)
		return 1;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1)
		return 1;	/* gone, or not ours to read: as it looks */
	mbox = read(fd, head, sizeof(head)) == 5 &&
	    memcmp(head, "From ", 5) == 0;
	close(fd);
	return !mbox;
}

/* Does name end in ".lock", in any case? */
static int
lock_name(const char *name, size_t n)
{
	return n >= 5 && strncasecmp(name + n - 5, ".lock", 5) == 0;
}

static int
mbox_folder(const char *root, const char *folder, char *out, size_t outlen)
{
	const char	*slash, *base;
	size_t		 fn;
	int		 n;

	if (folder == NULL)
		n = snprintf(out, outlen, "%s", root);
	else {
		if (!deliver_folder_ok(folder) || strchr(folder, '/') != NULL ||
		    folder[0] == '.')
			return -1;
		slash = strrchr(root, '/');
		base = slash != NULL ? slash + 1 : root;
		fn = strlen(folder);
		/* no folder is a lock: not "X.lock" (the lock of the INBOX
		 * or of folder X), nor the folder whose lock would be an
		 * INBOX named "X.lock" */
		if (lock_name(folder, fn) || (strlen(base) == fn + 5 &&
		    lock_name(base, fn + 5) && strncasecmp(base, folder,
		    fn) == 0))
			return -1;
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
		log_warnx("writing %s: %s",
		    c->folder_path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The fcntl write lock on the whole file, waiting up to DELIVER_LOCK_WAIT. */
static int
lock_fcntl(struct deliver_copy *c)
{
	struct flock	 fl;
	int		 i;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	for (i = 0; i < DELIVER_LOCK_WAIT * 4; i++) {
		if (fcntl(c->fd, F_SETLK, &fl) == 0)
			return 0;
		if (errno != EACCES && errno != EAGAIN && errno != EINTR)
			break;
		usleep(250000);
	}
	log_warnx("cannot lock %s: %s", c->folder_path,
	    strerror(errno));
	return -1;
}

/*
 * The dotlock <mbox>.lock, waited for up to DELIVER_LOCK_WAIT seconds. 0: held
 * (lock_held set), or not possible in this directory; -1: not had.
 */
/* The file lock_dotlock links to NAME.lock, while it exists (its name
 * set before it is made): mbox_abort removes it when the delivery is
 * stopped while the lock is waited for. One lock is taken at a time. */
static char	 dotlock_unique[DELIVER_PATH_MAX];

static int
lock_dotlock(struct deliver_copy *c)
{
	char		*unique = dotlock_unique;
	const char	*slash = strrchr(c->folder_path, '/');
	struct stat	 st;
	int		 n, fd, i, err = 0;

	n = snprintf(c->lock_path, sizeof(c->lock_path), "%s.lock",
	    c->folder_path);
	if (n < 0 || (size_t)n >= sizeof(c->lock_path)) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	/* the unique file beside it starts with a dot: no folder is it */
	if (slash == NULL)
		n = snprintf(unique, sizeof(dotlock_unique), ".%s.lk%ld",
		    c->folder_path, (long)getpid());
	else
		n = snprintf(unique, sizeof(dotlock_unique), "%.*s/.%s.lk%ld",
		    (int)(slash - c->folder_path), c->folder_path, slash + 1,
		    (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(dotlock_unique)) {
		unique[0] = '\0';
		errno = ENAMETOOLONG;
		goto fail;
	}
	unlink(unique);
	fd = open(unique, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		unique[0] = '\0';	/* not ours: never unlink it */
		if (errno == EACCES || errno == EPERM)
			return 0;	/* /var/mail is root:mail 2775 */
		goto fail;
	}
	close(fd);
	for (i = 0;; i++) {
		/* link() may report failure over NFS yet have worked:
		 * the link count says */
		if (link(unique, c->lock_path) == 0 ||
		    (err = errno, stat(unique, &st) == 0 && st.st_nlink == 2)) {
			c->lock_held = 1;
			unlink(unique);
			unique[0] = '\0';
			return 0;
		}
		if ((errno = err) != EEXIST)
			break;
		if (lstat(c->lock_path, &st) == 0) {
			if (!lock_like(c->lock_path, &st)) {
				/* a folder or a message, never a lock */
				log_warnx("%s is not a lock "
				    "file; not removing it", c->lock_path);
				break;
			}
			if (time(NULL) - st.st_mtime > DELIVER_LOCK_STALE &&
			    i < DELIVER_LOCK_WAIT) {
				log_warnx("removing stale "
				    "%s", c->lock_path);
				unlink(c->lock_path);
				continue;
			}
		}
		if (i >= DELIVER_LOCK_WAIT) {
			log_warnx("%s is held by another "
			    "writer; gave up after %d s", c->lock_path,
			    DELIVER_LOCK_WAIT);
			break;
		}
		sleep(1);
	}
	unlink(unique);
	unique[0] = '\0';
	errno = err;
fail:
	log_warnx("cannot make %s: %s", c->lock_path,
	    strerror(errno));
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

	/* the dotlock first, then the fcntl lock: never the other way */
	if (lock_dotlock(c) == -1)
		return -1;
	c->fd = open(c->folder_path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (c->fd == -1) {
		log_warnx("%s: %s", c->folder_path,
		    strerror(errno));
		return -1;
	}
	if (fstat(c->fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_nlink != 1 || st.st_uid != geteuid()) {
		log_warnx("%s: not a regular file of ours "
		    "with one link; not writing it", c->folder_path);
		return -1;
	}
	if (lock_fcntl(c) == -1)
		return -1;
	/* as Postfix checks: a file removed or replaced while we waited
	 * for its lock is no longer the mbox */
	if (fstat(c->fd, &st) == -1 || st.st_nlink != 1) {
		log_warnx("%s changed while we waited for "
		    "its lock", c->folder_path);
		return -1;
	}
	/* the length under the lock is what a failure goes back to */
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
		log_warnx("fsync %s: %s", c->folder_path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Release the locks in the reverse order: fcntl (with the close), then the
 * dotlock. Async-signal-safe. */
static void
unlock(struct deliver_copy *c)
{
	if (c->fd != -1) {
		close(c->fd);
		c->fd = -1;
	}
	if (c->lock_held) {
		unlink(c->lock_path);
		c->lock_held = 0;
	}
}

static int
mbox_commit(struct deliver_copy *c)
{
	/* written and synced: visible to readers once unlocked */
	unlock(c);
	return 0;
}

static void
mbox_abort(struct deliver_copy *c)
{
	/* async-signal-safe: ftruncate, fsync, close, unlink */
	if (c->fd != -1 && c->size_known && ftruncate(c->fd, c->old_size) == 0)
		fsync(c->fd);
	unlock(c);
	/* stopped while waiting for the dotlock: its link source too */
	if (dotlock_unique[0] != '\0')
		unlink(dotlock_unique);
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
