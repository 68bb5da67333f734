/*
 * deliver.c - run the copies of one message through a store's kind, in
 * two phases (see deliver.h), and hand a redirect to the local sendmail.
 *
 * What is here is the order of things and the rules every kind shares:
 * a folder that cannot be used falls back to the INBOX; nothing is made
 * visible before every copy is written and synced; once the first copy is
 * visible the message counts as delivered (answering 75 then would make
 * the MTA deliver it again); signals are held while copies become visible,
 * so a kill leaves either all of them or none. How a Maildir or an mbox is
 * written is in deliver_maildir.c and deliver_mbox.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"
#include "deliver/deliver.h"

#define SENDMAIL_PATH	"/usr/sbin/sendmail"

enum copy_state {
	COPY_IDLE,		/* slot unused */
	COPY_OPEN,		/* begun: temp file or lock held */
	COPY_PREPARED,		/* all written and synced */
	COPY_DONE		/* committed or taken back */
};

/* The copies in progress, where a signal handler can find them. */
static struct deliver_copy	 copies[DELIVER_COPIES_MAX];
static volatile sig_atomic_t	 ncopies;

const struct deliver_ops *
deliver_kind(const char *target, const char **path_r)
{
	struct stat	 st;

	if (strncmp(target, "maildir:", 8) == 0) {
		*path_r = target + 8;
		return &deliver_maildir;
	}
	if (strncmp(target, "mbox:", 5) == 0) {
		*path_r = target + 5;
		return &deliver_mbox;
	}
	*path_r = target;
	if (stat(target, &st) == 0 && S_ISREG(st.st_mode))
		return &deliver_mbox;
	return &deliver_maildir;
}

int
deliver_folder_ok(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	const char		*c;

	if (s == NULL || *s == '\0' || strlen(s) > 200)
		return 0;
	for (; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	/* no empty, "." or ".." step in either hierarchy separator */
	for (c = s; *c; c++)
		if ((*c == '.' || *c == '/') && (c == s || c[-1] == '.' ||
		    c[-1] == '/' || c[1] == '\0'))
			return 0;
	return 1;
}

static int
is_inbox(const char *folder)
{
	return folder == NULL || *folder == '\0' ||
	    strcasecmp(folder, "INBOX") == 0;
}

static void
abort_copy(struct deliver_copy *c)
{
	if (c->state == COPY_OPEN || c->state == COPY_PREPARED)
		c->ops->abort(c);
	c->state = COPY_DONE;
}

/* Set once a copy is visible in new/ (or cur/): from then on the message
 * is delivered, and a signal must not make the run answer 75. */
static volatile sig_atomic_t	 delivered;

int
deliver_delivered(void)
{
	return delivered;
}

/* A redirect's sendmail or the Sieve script's run while it runs (its
 * process group): stopped with the delivery, so that none is left behind
 * to send the message once the MTA's retry has sent it again, or to run
 * on with no time limit. */
static volatile pid_t	 child_pid;

void
deliver_child(pid_t pid)
{
	child_pid = pid;
}

void
deliver_abort_all(void)
{
	int	 i;

	if (child_pid > 0)
		(void)kill(-child_pid, SIGKILL);
	for (i = 0; i < ncopies; i++)
		abort_copy(&copies[i]);
}

/* Index of the copy stored at path, or -1. */
static int
find_copy(const char *path)
{
	int	 i;

	for (i = 0; i < ncopies; i++)
		if (strcmp(copies[i].folder_path, path) == 0)
			return i;
	return -1;
}

/*
 * Add a copy for folder, or merge its flags into an existing copy of the
 * same path; begin it. A folder that cannot be named or begun is replaced
 * by the INBOX. Returns 0, or -1 when even the INBOX cannot be begun.
 */
static int
add_copy(const struct deliver_ops *ops, const char *root, const char *folder,
    unsigned flags, const char *sender)
{
	char			 path[DELIVER_PATH_MAX];
	struct deliver_copy	*c;
	int			 i;

	if (is_inbox(folder))
		folder = NULL;
	if (ops->folder(root, folder, path, sizeof(path)) == -1) {
		if (folder == NULL) {
			log_warnx("%s: path too long", root);
			return -1;
		}
		log_warnx("folder \"%s\" cannot be used; "
		    "keeping in the INBOX", folder);
		return add_copy(ops, root, NULL, flags, sender);
	}
	if ((i = find_copy(path)) != -1) {
		copies[i].flags |= flags;
		return 0;
	}
	if (ncopies == DELIVER_COPIES_MAX) {
		log_warnx("more than %d folders; keeping "
		    "the rest in the INBOX", DELIVER_COPIES_MAX);
		return folder == NULL ? -1 :
		    add_copy(ops, root, NULL, flags, sender);
	}
	c = &copies[ncopies];
	memset(c, 0, sizeof(*c));
	c->ops = ops;
	c->fd = -1;
	c->flags = flags;
	c->line_start = 1;
	c->is_folder = folder != NULL;
	memcpy(c->folder_path, path, sizeof(path));
	/* open before begin: a signal during begin takes it back */
	c->state = COPY_OPEN;
	ncopies++;
	if (ops->begin(c, sender) == -1) {
		c->ops->abort(c);
		c->state = COPY_IDLE;
		ncopies--;
		if (folder == NULL)
			return -1;
		log_warnx("keeping in the INBOX instead "
		    "of \"%s\"", folder);
		return add_copy(ops, root, NULL, flags, sender);
	}
	return 0;
}

/* The order copies are begun (locked) in: the INBOX first, then folders
 * by name. Every delivery takes the locks of the same folders in the same
 * order, so two of them naming those folders in another order (fileinto
 * "Junk"; keep / keep; fileinto "Junk") never each hold one lock and wait
 * for the other's. */
static int
lock_order(const void *a, const void *b)
{
	const struct deliver_request *ra = a, *rb = b;
	int	 ia = is_inbox(ra->folder), ib = is_inbox(rb->folder);

	if (ia || ib)
		return ib - ia;
	return strcmp(ra->folder, rb->folder);
}

static int
write_all(const char *data, size_t len)
{
	int	 i;

	for (i = 0; i < ncopies; i++)
		if (copies[i].ops->write(&copies[i], data, len) == -1)
			return -1;
	return 0;
}

int
deliver_store(const char *target, const struct deliver_request *req,
    int nreq, const char *data, size_t len, int rest_fd, const char *sender)
{
	const struct deliver_ops *ops;
	struct deliver_request	 sorted[DELIVER_COPIES_MAX];
	const char		*root;
	char			 chunk[65536], path[DELIVER_PATH_MAX];
	sigset_t		 hold, old;
	ssize_t			 n;
	int			 i, stored = 0;

	ops = deliver_kind(target, &root);
	if (*root == '\0') {
		log_warnx("--deliver: empty path");
		return -1;
	}
	ncopies = 0;
	if (nreq > DELIVER_COPIES_MAX) {
		log_warnx("more than %d copies asked",
		    DELIVER_COPIES_MAX);
		return -1;
	}
	/* a folder that cannot be named is the INBOX, in the lock order too */
	for (i = 0; i < nreq; i++) {
		sorted[i] = req[i];
		if (!is_inbox(req[i].folder) && ops->folder(root, req[i].folder,
		    path, sizeof(path)) == -1) {
			log_warnx("folder \"%s\" cannot be "
			    "used; keeping in the INBOX", req[i].folder);
			sorted[i].folder = NULL;
		}
	}
	qsort(sorted, (size_t)nreq, sizeof(*sorted), lock_order);
	for (i = 0; i < nreq; i++)
		if (add_copy(ops, root, sorted[i].folder, sorted[i].flags,
		    sender) == -1)
			goto fail;
	if (ncopies == 0 && add_copy(ops, root, NULL, 0, sender) == -1)
		goto fail;

	if (write_all(data, len) == -1)
		goto fail;
	while (rest_fd >= 0) {
		n = read(rest_fd, chunk, sizeof(chunk));
		if (n == 0)
			break;
		if (n == -1) {
			if (errno == EINTR)
				continue;
			log_warnx("reading the message: "
			    "%s", strerror(errno));
			goto fail;
		}
		if (write_all(chunk, (size_t)n) == -1)
			goto fail;
	}
	for (i = 0; i < ncopies; i++) {
		if (copies[i].ops->prepare(&copies[i]) == -1)
			goto fail;
		copies[i].state = COPY_PREPARED;
	}

	/* Commit: no signal between the first copy made visible and the
	 * last, so that a kill never leaves some of them. */
	sigfillset(&hold);
	sigprocmask(SIG_BLOCK, &hold, &old);
	for (i = 0; i < ncopies; i++) {
		if (copies[i].ops->commit(&copies[i]) == 0) {
			copies[i].state = COPY_DONE;
			stored++;
			continue;
		}
		abort_copy(&copies[i]);
		if (stored == 0)
			break;		/* nothing visible yet: all back */
		/* Another copy is visible: the message is delivered, and
		 * a 75 now would make the MTA deliver it twice. */
		log_warnx("one copy was lost (%s); "
		    "the message is in another folder",
		    copies[i].folder_path);
	}
	if (stored == 0)
		deliver_abort_all();
	else
		delivered = 1;	/* a signal held until now must answer 0 */
	sigprocmask(SIG_SETMASK, &old, NULL);
	ncopies = 0;
	return stored > 0 ? stored : -1;

fail:
	deliver_abort_all();
	ncopies = 0;
	return -1;
}

/* An address we hand to sendmail as one argument: plain, no option. */
static int
address_ok(const char *a)
{
	const unsigned char	*p = (const unsigned char *)a;

	if (*p == '\0' || *p == '-' || strlen(a) > 320 ||
	    strchr(a, '@') == NULL)
		return 0;
	for (; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '<' || *p == '>' ||
		    *p == ',' || *p == '(' || *p == ')' || *p == ';' ||
		    *p == '"' || *p == '\\')
			return 0;
	return 1;
}

int
deliver_redirect(const char *sendmail, const char *address,
    const char *data, size_t len)
{
	int		 pipefd[2], status;
	pid_t		 pid;
	ssize_t		 w;
	size_t		 off = 0;

	if (!address_ok(address)) {
		log_warnx("redirect: refusing address "
		    "\"%s\"", address);
		return -1;
	}
	/* a relative name would be looked up where the MTA runs us: the
	 * page says an absolute path, and one that is not is said */
	if (sendmail != NULL && *sendmail != '/') {
		log_warnx("redirect: BACKSCATTER_SENDMAIL \"%s\" is not an "
		    "absolute path: %s used", sendmail, SENDMAIL_PATH);
		sendmail = NULL;
	}
	if (sendmail == NULL)
		sendmail = SENDMAIL_PATH;
	if (pipe(pipefd) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (pid == 0) {
		/* a group of its own, that deliver_abort_all stops whole
		 * (Postfix's sendmail runs postdrop) */
		(void)setpgid(0, 0);
		/* sendmail's output must not reach the MTA as ours */
		if (dup2(pipefd[0], STDIN_FILENO) == -1 ||
		    dup2(STDERR_FILENO, STDOUT_FILENO) == -1)
			_exit(75);
		close(pipefd[0]);
		close(pipefd[1]);
		/* -f "": the null sender, so nothing bounces back to a
		 * forged address; -oi: a lone "." is not the end */
		execl(sendmail, "sendmail", "-oi", "-f", "", "--", address,
		    (char *)NULL);
		log_warnx("redirect: %s: %s", sendmail,
		    strerror(errno));
		_exit(75);
	}
	(void)setpgid(pid, pid);	/* (either side may be first) */
	child_pid = pid;
	close(pipefd[0]);
	while (off < len) {
		w = write(pipefd[1], data + off, len - off);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)w;
	}
	close(pipefd[1]);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			child_pid = 0;
			log_warnx("redirect to %s: %s", address,
			    strerror(errno));
			return -1;
		}
	child_pid = 0;
	if (off < len || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		log_warnx("redirect to %s failed",
		    address);
		return -1;
	}
	return 0;
}
