/*
 * scan.c - --scan over Maildirs and mbox files (see scan.h).
 *
 * scan_run reads as the run goes: list every message first (a Maildir's
 * cur/ and new/, its Maildir++ ".Sub" folders and nested folders, the
 * messages of an mbox split at From_ lines), compile the rules once, fork
 * workers, take their results back in order, and report. Each worker
 * judges blocks of messages (block b goes to worker b mod N) and writes
 * one result line per message to its pipe; the parent puts them back in
 * order, prints or counts them, moves backscatter when asked and shows
 * progress. Workers open the sent ledger themselves (an LMDB handle must
 * not cross fork), and nothing else is shared after the fork.
 *
 * A run's state is one struct scan, passed down; a worker's is one
 * struct worker. Nothing lives in file-level variables.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <search.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/io.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/tenths.h"
#include "read/envelope.h"
#include "read/message.h"
#include "anatomy/anatomy.h"
#include "config/config.h"
#include "rules/rules.h"
#include "rules/score.h"
#include "deliver/deliver.h"
#include "cli/scan.h"

/* Messages per block handed to a worker. */
#define SCAN_BLOCK		32

struct item {
	const char	*path;		/* the file (an mbox is shared) */
	off_t		 off;		/* mbox: where the message starts */
	size_t		 len;		/* mbox: its length; else 0 */
	int		 number;	/* mbox: 1-based; else 0 */
	int		 root;		/* Maildir root (for --move-to), or -1 */
	char		 sub;		/* 'c' cur/, 'n' new/, 'm' mbox, 'f' file */
};

/* Every message found, in the order they are reported. */
struct list {
	struct item	*v;
	size_t		 n, cap;
	char		**roots;	/* Maildir roots given */
	int		 nroots;
	const char	*move_to;	/* the folder backscatter moves to */
	void		*seen;		/* folders and files listed, by
					 * struct fileid (a tsearch tree) */
	void		*subs;		/* Maildirs' cur/ and new/ read */
	void		*given;		/* a Maildir's messages given by
					 * path, by folder and name
					 * (struct named) */
	void		*given_dirs;	/* their folders (struct fileid) */
	int		 errors;
	int		 over;		/* SCAN_ITEMS_MAX reached: the rest
					   not listed */
};

/* A name in a folder. */
struct named {
	dev_t		 dev;
	ino_t		 ino;
	char		 name[];
};

/* A file, whatever its names. */
struct fileid {
	dev_t		 dev;
	ino_t		 ino;
};

/* The kind, format and reason names seen, each once; 0 is "-". */
struct names {
	char		*v[SCAN_NAMES_MAX];
	int		 n;
};

/* What a worker found, as the parent keeps it. */
struct result {
	signed char	 state;		/* 0 pending, 1 done, -1 error,
					   2 skipped (an empty file) */
	char		 backscatter;
	short		 kind, format, reason;	/* name indexes */
	float		 score;
};

struct tally {
	long	 count[SCAN_NAMES_MAX][2];	/* by kind, by verdict */
	long	 format[SCAN_NAMES_MAX];
	long	 reason[SCAN_NAMES_MAX];
	long	 errors, moved, move_errors;
	long	 skipped;			/* empty files */
};

/* The workers, and what each has sent that is not yet a whole line. */
struct crew {
	int		 jobs;		/* planned; fewer when a fork failed */
	int		 open;		/* pipes not yet at their end */
	pid_t		 pid[SCAN_JOBS_MAX];
	struct pollfd	 pfd[SCAN_JOBS_MAX];
	struct buf	 pending[SCAN_JOBS_MAX];
};

/* One run of --scan. */
struct scan {
	struct config			*cfg;
	const struct envelope		*env;
	struct ruleset			*rs;
	const struct scan_options	*o;
	FILE				*out;
	struct list			 list;
	struct names			 names;
	struct result			*res;	/* by item index */
	struct fileid			*judged;	/* --move-to: the
						 * file each item was */
	struct tally			 tally;
	struct crew			 crew;
	size_t				 next;	/* first item not reported */
	size_t				 done;	/* results received */
	double				 start;
	double				 shown;	/* progress last shown */
	int				 progress;
};

/* One worker: its pipe, and the mbox it has open (the messages of one
 * mbox come in order). */
struct worker {
	struct config	*cfg;
	struct envelope	 env;		/* its time set per message */
	struct ruleset	*rs;
	FILE		*out;
	const char	*mbox;
	int		 fd;
};

/* the run, in the order it goes */
static int	 list_all(struct scan *);
static int	 prepare(struct scan *);
static int	 start_workers(struct scan *);
static void	 collect(struct scan *);
static void	 take_output(struct scan *, int);
static int	 wait_workers(struct scan *);
static int	 finish(struct scan *, int);
static void	 scan_free(struct scan *);
/* listing */
static int	 list_path(struct list *, const char *, int, int);
static int	 list_folder(struct list *, const char *, const struct stat *,
		    int, int);
static int	 list_part(struct list *, const char *, const char *,
		    const char *, int, int);
static int	 given_in_maildir(struct list *, const char *);
static int	 add_given(struct list *, const struct stat *, const char *,
		    const char *, char);
static int	 add_file(struct list *, const char *, int, char);
static char	*maildir_of(const char *, const struct stat *, const char **);
static int	 list_dir(struct list *, const char *, int, int);
static int	 add_root(struct list *, const char *);
static int	 list_subdir(struct list *, const char *, const char *, char,
		    int);
static int	 list_mbox(struct list *, const char *, int);
static int	 add_item(struct list *, const char *, off_t, size_t, int,
		    int, char);
static int	 by_path(const void *, const void *);
static int	 seen_before(void **, const struct stat *);
static int	 seen_already(void *const *, const struct stat *);
static int	 by_fileid(const void *, const void *);
/* judging, in a worker */
static void	 worker(const struct scan *, int, int) __attribute__((noreturn));
static void	 keep_heap(void);
static void	 judge(struct worker *, const struct list *, size_t);
static int	 read_file(const struct item *, struct message *, long long *,
		    struct fileid *, char **, const char **);
static int	 open_message(const struct item *, char **, const char **);
static char	*renamed(const char *, const struct fileid *);
static char	*cur_folder(const char *, const char *);
static int	 read_mbox_message(struct worker *, const struct item *, int,
		    struct message *, long long *, const char **);
static long long from_line_time(const char *, size_t);
static size_t	 from_unescape(char *, size_t);
/* reporting, in the parent */
static void	 take_line(struct scan *, char *);
static void	 emit(struct scan *, size_t);
static void	 follow_rename(struct item *, const struct fileid *);
static void	 to_cur(struct item *, char *);
static char	*target_folder(const char *, const char *);
static char	*move_message(const struct item *, const struct fileid *,
		    const char *, const char **);
static int	 same_folder(const char *, const char *);
static struct named *given_key(const struct stat *, const char *);
static int	 named_in(void *const *, const struct stat *, const char *);
static int	 by_named(const void *, const void *);
static int	 remove_judged(const char *, const struct fileid *,
		    const char **);
static void	 print_item_path(FILE *, const struct item *);
static void	 put_path(FILE *, const char *);
static void	 say(const char *, const char *, const char *);
static void	 say_item(const struct item *, const char *, const char *);
static void	 say_line(const struct item *, const char *, const char *,
		    const char *);
static void	 show_progress(const struct scan *, int);
static void	 print_summary(const struct scan *, double);
static void	 print_top(const struct scan *, const char *, const long *);
static void	 sort_names(const struct names *, int *, const long *);
static int	 before(const struct names *, const long *, int, int);
/* small helpers */
static short	 intern(struct names *, const char *);
static char	*join(const char *, const char *);
static void	 put_hex(FILE *, const char *);
static char	*from_hex(const char *);
static int	 is_folder_path(const char *);
static int	 is_dir(const char *);
static int	 is_maildir(const char *);
static int	 is_file(const char *, const struct fileid *);
static double	 now_seconds(void);

/*
 * List, judge in workers, report. The summary is printed even when the
 * scan could not finish, with what was judged.
 */
int
scan_run(struct config *cfg, const struct envelope *env, struct ruleset *rs,
    const struct scan_options *o, FILE *out)
{
	struct scan	 s = { .cfg = cfg, .env = env, .rs = rs, .o = o,
			       .out = out, .start = now_seconds() };
	int		 rc;
	if ((rc = list_all(&s)) == 0 && (rc = prepare(&s)) == 0) {
		rc = start_workers(&s);
		collect(&s);
		if (wait_workers(&s) == -1)
			rc = -1;
		rc = finish(&s, rc);
	}
	scan_free(&s);
	return rc;
}

/* --- the run ------------------------------------------------------------ */

/* List every path given; -1 when one cannot be listed at all. */
static int
list_all(struct scan *s)
{
	const struct scan_options	*o = s->o;
	struct stat			 st, dest;
	int				 i, have_dest = 0;

	/* the folder moved to is not listed: a path here, and the
	 * Maildir++ folder of each Maildir as add_root finds it */
	s->list.move_to = o->move_to;
	if (o->move_to != NULL && is_folder_path(o->move_to) &&
	    stat(o->move_to, &st) == 0) {
		if (seen_before(&s->list.seen, &st) == -1)
			return -1;
		dest = st;
		have_dest = 1;
	}
	for (i = 0; i < o->npaths; i++) {
		/* the folder moved to, named to be scanned: said, not
		 * skipped as a folder seen (nothing was judged, and it
		 * answered 0) */
		if (have_dest && stat(o->paths[i], &st) == 0 &&
		    st.st_dev == dest.st_dev && st.st_ino == dest.st_ino) {
			say(o->paths[i], "not scanned", "it is the folder "
			    "--move-to names");
			s->list.errors++;
			continue;
		}
		if (list_path(&s->list, o->paths[i], -1, 0) == -1) {
			say(o->paths[i], "cannot be listed", strerror(errno));
			return -1;
		}
	}
	if (s->list.over) {
		char	 why[64];

		snprintf(why, sizeof(why), "more than %u messages "
		    "(SCAN_ITEMS_MAX)", SCAN_ITEMS_MAX);
		say("the rest", "not scanned", why);
		s->list.errors++;
	}
	return 0;
}

/* Compile the rules once for every worker, make room for the results
 * and decide how many workers. */
static int
prepare(struct scan *s)
{
	const struct scan_options	*o = s->o;
	size_t				 blocks;
	long				 cpus;
	int				 jobs;

	s->progress = o->progress == -1 ? isatty(STDERR_FILENO) : o->progress;
	if (s->rs != NULL && rules_compile(s->rs, s->cfg, NULL) == -1) {
		log_warnx("cannot compile the rules");
		return -1;
	}
	if ((s->res = calloc(s->list.n + 1, sizeof(*s->res))) == NULL ||
	    (o->move_to != NULL && (s->judged = calloc(s->list.n + 1,
	    sizeof(*s->judged))) == NULL))
		return -1;
	intern(&s->names, "-");
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	jobs = o->jobs > 0 ? o->jobs : cpus > 0 ? (int)cpus : 1;
	if (jobs > SCAN_JOBS_MAX)
		jobs = SCAN_JOBS_MAX;
	blocks = (s->list.n + SCAN_BLOCK - 1) / SCAN_BLOCK;
	if ((size_t)jobs > blocks)
		jobs = (int)blocks;
	s->crew.jobs = jobs < 1 ? 1 : jobs;
	return 0;
}

/* Fork the workers, each with its pipe; -1 when one could not be
 * started (those started still run, so their results are reported). */
static int
start_workers(struct scan *s)
{
	struct crew	*c = &s->crew;
	int		 i, k, p[2];

	fflush(s->out);
	fflush(stderr);
	for (i = 0; i < c->jobs; i++) {
		if (pipe(p) == -1 || (c->pid[i] = fork()) == -1) {
			log_warnx("%s", strerror(errno));
			c->jobs = c->open = i;
			return -1;
		}
		if (c->pid[i] == 0) {
			close(p[0]);
			for (k = 0; k < i; k++)
				close(c->pfd[k].fd);
			worker(s, i, p[1]);
		}
		close(p[1]);
		c->pfd[i].fd = p[0];
		c->pfd[i].events = POLLIN;
		buf_init(&c->pending[i], SCAN_PENDING_MAX);
	}
	c->open = c->jobs;
	return 0;
}

/* Read the workers' lines until every pipe ends, reporting each message
 * as soon as every one before it is reported. */
static void
collect(struct scan *s)
{
	struct crew	*c = &s->crew;
	int		 i;

	while (c->open > 0) {
		if (poll(c->pfd, (nfds_t)c->jobs, 250) == -1 && errno != EINTR)
			break;
		for (i = 0; i < c->jobs; i++)
			if (c->pfd[i].fd != -1 && (c->pfd[i].revents &
			    (POLLIN | POLLHUP | POLLERR)))
				take_output(s, i);
		while (s->next < s->list.n && s->res[s->next].state != 0)
			emit(s, s->next++);
		if (s->progress && now_seconds() - s->shown >= 0.25) {
			s->shown = now_seconds();
			show_progress(s, 0);
		}
	}
}

/* What worker i has written: each whole line is a result. */
static void
take_output(struct scan *s, int i)
{
	struct crew	*c = &s->crew;
	struct buf	*in = &c->pending[i];
	char		 chunk[65536], *nl;
	size_t		 used = 0;
	ssize_t		 n;

	n = read(c->pfd[i].fd, chunk, sizeof(chunk));
	if (n == -1 && errno == EINTR)
		return;
	if (n <= 0) {
		close(c->pfd[i].fd);
		c->pfd[i].fd = -1;
		c->open--;
		return;
	}
	buf_append(in, chunk, (size_t)n);
	while (used < in->len && (nl = memchr(in->data + used, '\n',
	    in->len - used)) != NULL) {
		*nl = '\0';
		take_line(s, in->data + used);
		s->done++;
		used = (size_t)(nl - in->data) + 1;
	}
	memmove(in->data, in->data + used, in->len - used);
	in->len -= used;
}

/* -1, and why said, when a worker did not end well. */
static int
wait_workers(struct scan *s)
{
	struct crew	*c = &s->crew;
	int		 i, status, rc = 0;

	for (i = 0; i < c->jobs; i++) {
		buf_free(&c->pending[i]);
		if (waitpid(c->pid[i], &status, 0) == -1)
			log_warnx("worker %d: %s", i + 1,
			    strerror(errno));
		else if (WIFSIGNALED(status))
			log_warnx("worker %d: killed by "
			    "signal %d (%s)", i + 1, WTERMSIG(status),
			    strsignal(WTERMSIG(status)));
		else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			log_warnx("worker %d: could not "
			    "write its results", i + 1);
		else
			continue;
		rc = -1;
	}
	return rc;
}

/*
 * What a worker that ended early left: the messages judged by the others
 * are still reported, the rest named. Then the last progress line, the
 * summary, and the run's answer.
 */
static int
finish(struct scan *s, int rc)
{
	const struct tally	*t = &s->tally;
	size_t			 missing = 0;

	for (; s->next < s->list.n; s->next++)
		if (s->res[s->next].state != 0)
			emit(s, s->next);
		else {
			say_item(&s->list.v[s->next], "not judged", NULL);
			missing++;
		}
	if (s->progress)
		show_progress(s, 1);
	if (missing > 0) {
		log_warnx("%zu messages were not judged",
		    missing);
		rc = -1;
	}
	if (s->o->summary)
		print_summary(s, now_seconds() - s->start);
	if (rc == 0 && (s->list.errors > 0 || t->errors > 0 ||
	    t->move_errors > 0))
		rc = 1;
	return rc;
}

static void
scan_free(struct scan *s)
{
	struct list	*l = &s->list;
	const char	*prev = NULL;
	size_t		 k;
	int		 i;

	free(s->res);
	free(s->judged);
	tdestroy(l->seen, free);
	tdestroy(l->subs, free);
	tdestroy(l->given, free);
	tdestroy(l->given_dirs, free);
	for (i = 0; i < l->nroots; i++)
		free(l->roots[i]);
	free(l->roots);
	/* item paths: Maildir files own theirs, an mbox's are shared */
	for (k = 0; k < l->n; k++) {
		if (l->v[k].path != prev)
			free((void *)l->v[k].path);
		prev = l->v[k].path;
	}
	free(l->v);
	for (i = 0; i < s->names.n; i++)
		free(s->names.v[i]);
}

/* --- listing ------------------------------------------------------------ */

/*
 * A path: a folder (a Maildir, or one holding folders and mbox files),
 * an mbox, or a file holding one message. Symbolic links are followed,
 * and each folder and file is listed once, however often it is reached
 * (a link to a folder above it, two links to one folder, a path given
 * twice). Only running out of memory is -1: what cannot be read is said
 * and counted, and listing goes on.
 */
static int
list_path(struct list *l, const char *path, int root, int depth)
{
	struct stat	 st;
	char		 head[1024];	/* the first line: a From_ line is short */
	ssize_t		 got;
	int		 fd, rc = 0;

	/* not blocking: a FIFO is opened, found out and closed */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY)) == -1 ||
	    fstat(fd, &st) == -1) {
		say(path, strerror(errno), NULL);
		if (fd != -1)
			close(fd);
		l->errors++;
		return 0;
	}
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
		say(path, "not a folder, an mbox or a message file", NULL);
		close(fd);
		l->errors++;
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return list_folder(l, path, &st, root, depth);
	}
	if ((rc = seen_before(&l->seen, &st)) != 0) {
		close(fd);
		return rc == 1 ? 0 : -1;
	}
	if (depth == 0 && (rc = given_in_maildir(l, path)) != 0)
		rc = rc == 1 ? 0 : -1;
	else if (st.st_size >= 5 && (got = read(fd, head, sizeof(head))) >=
	    5 && message_from_line(head, (size_t)got))
		rc = list_mbox(l, path, fd);
	else
		rc = add_file(l, path, -1, 'f');
	close(fd);
	return rc;
}

/*
 * A folder: a Maildir's cur/, new/ or tmp/ as that Maildir's (reached by
 * a path given or through a link: its folder above is not what tells),
 * else a Maildir or a folder of folders and files, each listed once.
 */
static int
list_folder(struct list *l, const char *path, const struct stat *st,
    int root, int depth)
{
	const char	*part;
	char		*maildir;
	int		 rc;

	if ((maildir = maildir_of(path, st, &part)) != NULL) {
		rc = list_part(l, path, maildir, part, root, depth);
		free(maildir);
		return rc;
	}
	if ((rc = seen_before(&l->seen, st)) != 0)
		return rc == 1 ? 0 : -1;
	if (root == -1 && is_maildir(path) && (root = add_root(l, path)) == -1)
		return -1;
	if (list_dir(l, path, root, depth) == -1) {
		say(path, strerror(errno), NULL);
		l->errors++;
	}
	return 0;
}

/*
 * A Maildir's cur/, new/ or tmp/ reached itself: read by the Maildir's
 * rules (tmp/ never, a link among the messages not followed, backscatter
 * moved within that Maildir). tmp/ given as a path is named.
 */
static int
list_part(struct list *l, const char *path, const char *maildir,
    const char *part, int root, int depth)
{
	size_t	 first = l->n;

	if (strcmp(part, "tmp") == 0) {
		if (depth == 0) {
			say(path, "not scanned", "a Maildir's tmp/, where "
			    "messages are being delivered");
			l->errors++;
		}
		return 0;
	}
	if (root == -1 && (root = add_root(l, maildir)) == -1)
		return -1;
	if (list_subdir(l, maildir, part, part[0], root) == -1) {
		say(path, strerror(errno), NULL);
		l->errors++;
	}
	qsort(l->v + first, l->n - first, sizeof(*l->v), by_path);
	return 0;
}

/*
 * A message file given by its path (or a link to it) in a Maildir's cur/
 * or new/ is that Maildir's message, by its real path: read and moved as
 * the Maildir's, and listed once when the Maildir is read too. The
 * Maildir's messages are marked by folder and name, not by inode: two
 * names of one file in Maildirs are two messages (a delivery to several
 * mailboxes hard-linked), and each moves in its own. One in tmp/ is being
 * delivered: named, not read. 1 when it was one of these, 0 when the
 * file is in no Maildir, -1 out of memory.
 */
static int
given_in_maildir(struct list *l, const char *path)
{
	struct stat	 st;
	const char	*part;
	char		*real, *folder, *maildir = NULL;
	int		 rc = 0;

	if ((real = realpath(path, NULL)) == NULL)
		return errno == ENOMEM ? -1 : 0;	/* cannot tell: a file */
	folder = strndup(real, (size_t)(strrchr(real, '/') - real));
	if (folder == NULL)
		rc = -1;
	else if (stat(*folder != '\0' ? folder : "/", &st) == 0 &&
	    (maildir = maildir_of(folder, &st, &part)) != NULL) {
		rc = 1;
		if (strcmp(part, "tmp") == 0) {
			say(path, "not scanned", "in a Maildir's tmp/, where "
			    "messages are being delivered");
			l->errors++;
		} else if (!seen_already(&l->subs, &st))
			rc = add_given(l, &st, real, maildir, part[0]);
	}
	free(maildir);
	free(folder);
	free(real);
	return rc;
}

/* A Maildir's message given by path, listed: 1, or -1 out of memory. Its
 * folder and name are marked for the Maildir read later. */
static int
add_given(struct list *l, const struct stat *folder, const char *path,
    const char *maildir, char sub)
{
	struct named	*n, **f;
	int		 root;

	if ((n = given_key(folder, strrchr(path, '/') + 1)) == NULL)
		return -1;
	if ((f = tsearch(n, &l->given, by_named)) == NULL) {
		free(n);
		return -1;
	}
	if (*f != n)
		free(n);
	if (seen_before(&l->given_dirs, folder) == -1 ||
	    (root = add_root(l, maildir)) == -1 ||
	    add_file(l, path, root, sub) == -1)
		return -1;
	return 1;
}

/* A file as an item of its own (a copy of path): 0, or -1 out of memory;
 * past SCAN_ITEMS_MAX it is not listed (said once the listing ends). */
static int
add_file(struct list *l, const char *path, int root, char sub)
{
	char	*keep;
	int	 rc;

	if ((keep = strdup(path)) == NULL)
		return -1;
	if ((rc = add_item(l, keep, 0, 0, 0, root, sub)) != 0)
		free(keep);
	return rc == -1 ? -1 : 0;
}

/*
 * The Maildir whose cur/, new/ or tmp/ the folder st (at path) is, found
 * from the folder's own "..", so also when it was reached through a link:
 * the Maildir's real path (allocated) and the part's name in part_r.
 * NULL when it is none of them (or memory ran out).
 */
static char *
maildir_of(const char *path, const struct stat *st, const char **part_r)
{
	static const char *const parts[] = { "cur", "new", "tmp" };
	struct stat	 sub;
	char		*up, *p, *maildir = NULL;
	size_t		 i;

	if ((up = join(path, "..")) == NULL)
		return NULL;
	for (i = 0; i < 3 && maildir == NULL; i++) {
		if ((p = join(up, parts[i])) != NULL && stat(p, &sub) == 0 &&
		    sub.st_dev == st->st_dev && sub.st_ino == st->st_ino &&
		    is_maildir(up) && (maildir = realpath(up, NULL)) != NULL)
			*part_r = parts[i];
		free(p);
	}
	free(up);
	return maildir;
}

/* A name in folder st, allocated (a key of the tree of files given). */
static struct named *
given_key(const struct stat *st, const char *name)
{
	struct named	*n;

	if ((n = malloc(sizeof(*n) + strlen(name) + 1)) == NULL)
		return NULL;
	n->dev = st->st_dev;
	n->ino = st->st_ino;
	memcpy(n->name, name, strlen(name) + 1);
	return n;
}

/* Is the name in folder st among the files given by path? */
static int
named_in(void *const *tree, const struct stat *st, const char *name)
{
	struct named	*n;
	int		 in;

	if ((n = given_key(st, name)) == NULL)
		return 0;
	in = tfind(n, tree, by_named) != NULL;
	free(n);
	return in;
}

static int
by_named(const void *a, const void *b)
{
	const struct named	*x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* A Maildir given or found below a folder that is none: where its
 * backscatter moves to, and so the folder it moves to is not listed. */
static int
add_root(struct list *l, const char *path)
{
	struct stat	 st;
	char		**v, *target;

	if ((v = realloc(l->roots, (size_t)(l->nroots + 1) * sizeof(*v))) ==
	    NULL)
		return -1;
	l->roots = v;
	if ((v[l->nroots] = strdup(path)) == NULL)
		return -1;
	if (l->move_to != NULL) {
		if ((target = target_folder(path, l->move_to)) == NULL)
			return -1;
		if (stat(target, &st) == 0 && seen_before(&l->seen, &st) == -1) {
			free(target);
			return -1;
		}
		free(target);
	}
	return l->nroots++;
}

/*
 * A folder: its messages when it is a Maildir, then what is below it.
 * Below SCAN_DEPTH_MAX folders nothing more is listed, and what is left
 * (unless listed already through a shorter way) is named.
 */
static int
list_dir(struct list *l, const char *path, int root, int depth)
{
	struct dirent	*de;
	struct stat	 st;
	char		*p, why[64];
	DIR		*d;
	size_t		 first;
	int		 rc = 0, dir, maildir = is_maildir(path);

	if (maildir) {
		first = l->n;
		if (list_subdir(l, path, "new", 'n', root) == -1)
			rc = -1;
		if (list_subdir(l, path, "cur", 'c', root) == -1)
			rc = -1;
		if (list_subdir(l, path, "tmp", 0, root) == -1)
			rc = -1;
		qsort(l->v + first, l->n - first, sizeof(*l->v), by_path);
	}
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		/* a Maildir's own cur, new and tmp were read above; in
		 * another folder they are folders or mbox files like any */
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 || (maildir &&
		    (strcmp(de->d_name, "cur") == 0 ||
		    strcmp(de->d_name, "new") == 0 ||
		    strcmp(de->d_name, "tmp") == 0)))
			continue;
		if ((p = join(path, de->d_name)) == NULL) {
			rc = -1;
			continue;
		}
		/* Maildir++ sub-folders (".Sent"), nested folders, and mbox
		 * files beside them. In a Maildir (root set) mail is only in
		 * the cur/ and new/ of its folders: the files of a Maildir's
		 * own top level (dovecot-uidlist, subscriptions) and of the
		 * folders below it that are no Maildir (Courier's
		 * courierimapkeywords/, Gnus' .nnmaildir/) are not mail */
		dir = is_dir(p);
		if (!dir && (root >= 0 || de->d_name[0] == '.'))
			;
		else if (depth >= SCAN_DEPTH_MAX) {
			if (stat(p, &st) == 0 && !seen_already(&l->seen, &st)) {
				snprintf(why, sizeof(why), "deeper than %d "
				    "folders", SCAN_DEPTH_MAX);
				say(p, "not scanned", why);
				l->errors++;
			}
		} else if (list_path(l, p, dir ? root : -1, depth + 1) == -1)
			rc = -1;
		free(p);
	}
	closedir(d);
	return rc;
}

/*
 * A Maildir's cur/ or new/: every name not starting with a dot (each is
 * opened as a message only when judged, and only when a regular file).
 * tmp/ (sub 0) is only marked as listed: messages being delivered are not
 * read, not even through a link to it.
 */
static int
list_subdir(struct list *l, const char *maildir, const char *name, char sub,
    int root)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	char		*dir, *p = NULL;
	int		 fd, seen, given, rc = -1;

	if ((dir = join(maildir, name)) == NULL)
		return -1;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) == -1) {
		rc = errno == ENOENT || sub == 0 ? 0 : -1;
		goto out;
	}
	if (fstat(fd, &st) == -1 || (seen = seen_before(&l->seen, &st)) == -1) {
		close(fd);
		goto out;
	}
	if (seen || sub == 0 || (d = fdopendir(fd)) == NULL) {
		close(fd);
		rc = seen || sub == 0 ? 0 : -1;
		goto out;
	}
	/* a file given by its path later is then known as listed */
	if (seen_before(&l->subs, &st) == -1) {
		closedir(d);
		goto out;
	}
	given = seen_already(&l->given_dirs, &st);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		/* a file given by its path as well: listed once (only
		 * where such a file's folder is this one) */
		if (given && named_in(&l->given, &st, de->d_name))
			continue;
		if ((p = join(dir, de->d_name)) == NULL ||
		    (seen = add_item(l, p, 0, 0, 0, root, sub)) == -1) {
			free(p);
			closedir(d);
			goto out;
		}
		if (seen == 1) {	/* past SCAN_ITEMS_MAX */
			free(p);
			break;
		}
	}
	closedir(d);
	rc = 0;
out:
	free(dir);
	return rc;
}

/*
 * An mbox, read in pieces from its start, never mapped (an mbox cut short
 * while mapped would kill the scan with SIGBUS): a message starts at each
 * From_ line that follows a blank line (empty, or a lone CR before LF).
 * Only the first five bytes of a line are looked at one by one.
 */
static int
list_mbox(struct list *l, const char *path, int fd)
{
	char		 b[65536], first = 0;
	const char	*nl;
	char		*keep;
	off_t		 base = 0, start = 0, line = 0;
	size_t		 i, n;
	ssize_t		 got;
	int		 col = 0, from = 0, number = 0, failed = 0, r;

	if ((keep = strdup(path)) == NULL)
		return -1;
	for (;;) {
		if ((got = pread(fd, b, sizeof(b), base)) == -1) {
			if (errno == EINTR)
				continue;
			say(path, strerror(errno), NULL);
			l->errors++;
			failed = 1;	/* the message read last is not whole */
			break;
		}
		if (got == 0)
			break;
		for (i = 0, n = (size_t)got; i < n; ) {
			if (col == 5) {		/* past the head: to the end */
				if ((nl = memchr(b + i, '\n', n - i)) == NULL)
					break;
				i = (size_t)(nl - b);
			}
			if (b[i] == '\n') {
				from = col == 0 || (col == 1 && first == '\r');
				col = 0;
				line = base + (off_t)++i;
				continue;
			}
			if (col == 0)
				first = b[i];
			if (from && b[i] != "From "[col])
				from = 0;
			i++;
			if (++col == 5 && from) {
				if ((r = add_item(l, keep, start, (size_t)(line -
				    start), ++number, -1, 'm')) == -1)
					goto fail;
				if (r == 1)
					goto over;
				start = line;
			}
		}
		base += got;
	}
	if (!failed && base > start && (r = add_item(l, keep, start,
	    (size_t)(base - start), ++number, -1, 'm')) != 0) {
		if (r == -1)
			goto fail;
		goto over;
	}
	if (number == 0)
		free(keep);
	return 0;
over:
	/* the rest of it past SCAN_ITEMS_MAX: said once the listing ends */
	if (number == 1)	/* not shared with an item */
		free(keep);
	return 0;
fail:
	if (number == 1)	/* not shared with an item yet */
		free(keep);
	return -1;
}

static int
add_item(struct list *l, const char *path, off_t off, size_t len, int number,
    int root, char sub)
{
	struct item	*v;

	if (l->n == SCAN_ITEMS_MAX) {
		l->over = 1;	/* the rest is skipped, and said */
		return 1;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		if ((v = realloc(l->v, l->cap * sizeof(*v))) == NULL)
			return -1;
		l->v = v;
	}
	v = &l->v[l->n++];
	v->path = path;
	v->off = off;
	v->len = len;
	v->number = number;
	v->root = root;
	v->sub = sub;
	return 0;
}

/* Sort each folder's files by name, so runs are repeatable. */
static int
by_path(const void *a, const void *b)
{
	return strcmp(((const struct item *)a)->path,
	    ((const struct item *)b)->path);
}

/* 1 when the file or folder is in the set (a tsearch tree of struct
 * fileid) already, 0 when not (it is now), -1 out of memory. */
static int
seen_before(void **set, const struct stat *st)
{
	struct fileid	*id, **found;

	if ((id = malloc(sizeof(*id))) == NULL)
		return -1;
	id->dev = st->st_dev;
	id->ino = st->st_ino;
	if ((found = tsearch(id, set, by_fileid)) == NULL) {
		free(id);
		return -1;
	}
	if (*found != id) {
		free(id);
		return 1;
	}
	return 0;
}

/* Is the file or folder in the set (not marked)? */
static int
seen_already(void *const *set, const struct stat *st)
{
	struct fileid	 id;

	id.dev = st->st_dev;
	id.ino = st->st_ino;
	return tfind(&id, set, by_fileid) != NULL;
}

static int
by_fileid(const void *a, const void *b)
{
	const struct fileid	*x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* --- judging, in a worker ----------------------------------------------- */

/* Worker w judges its blocks and writes a line for each message to fd. */
static void
worker(const struct scan *s, int w, int fd)
{
	const struct list	*l = &s->list;
	struct worker		 wk;
	size_t			 b, i, stride;

	signal(SIGPIPE, SIG_DFL);
	keep_heap();
	memset(&wk, 0, sizeof(wk));
	wk.cfg = s->cfg;
	wk.env = *s->env;
	wk.rs = s->rs;
	wk.fd = -1;
	if ((wk.out = fdopen(fd, "w")) == NULL)
		_exit(2);
	setvbuf(wk.out, NULL, _IOFBF, 65536);
	stride = (size_t)s->crew.jobs * SCAN_BLOCK;
	for (b = (size_t)w * SCAN_BLOCK; b < l->n; b += stride) {
		for (i = b; i < b + SCAN_BLOCK && i < l->n; i++)
			judge(&wk, l, i);
		fflush(wk.out);
	}
	if (fclose(wk.out) == EOF)
		_exit(2);
	_exit(0);
}

/*
 * A worker keeps its heap between messages. By default glibc gives the
 * top of the heap back to the kernel when a message's memory is freed and
 * takes it again for the next: two brk calls a message, and every page
 * faulted in and zeroed anew. Up to 8 MiB free at the top stays, growth
 * comes 1 MiB at a time, and only blocks of 4 MiB or more (the bodies of
 * large messages) are mapped on their own and returned when freed.
 */
static void
keep_heap(void)
{
#ifdef M_TRIM_THRESHOLD
	(void)mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
	(void)mallopt(M_TRIM_THRESHOLD, 8 * 1024 * 1024);
	(void)mallopt(M_TOP_PAD, 1024 * 1024);
#endif
}

/* One result line: index, verdict, score, kind, format, reason, the
 * device and inode of the file read (0 0 for an mbox) and, when a mail
 * reader had renamed it, its path now (in hex: a name may hold any byte
 * but '/'); or index, E, what went wrong; or index, S for an empty file. */
static void
judge(struct worker *w, const struct list *l, size_t index)
{
	const struct item	*it = &l->v[index];
	struct message		 m;
	struct analysis		 an;
	struct verdict		 v;
	struct arena		 arena;
	struct fileid		 id = { 0, 0 };
	const char		*why;
	char			*found = NULL;
	long long		 when = 0;
	int			 rc, more;

	if (it->sub == 'm') {
		more = index + 1 < l->n && l->v[index + 1].path == it->path;
		rc = read_mbox_message(w, it, more, &m, &when, &why);
	} else
		rc = read_file(it, &m, &when, &id, &found, &why);
	if (rc != 0) {
		if (rc == 1)
			fprintf(w->out, "%zu\tS\n", index);
		else
			fprintf(w->out, "%zu\tE\t%s\n", index, why);
		free(found);
		return;
	}
	w->env.now = when;
	arena_init(&arena, LIMIT_ARENA_BYTES);
	if (message_parse_header(&m, &arena) == -1 ||
	    anatomy_read(&m, &arena, &an) == -1 ||
	    score_message(w->cfg, &w->env, w->rs, &an, &arena, &v) == -1)
		fprintf(w->out, "%zu\tE\tanalysis failed\n", index);
	else {
		fprintf(w->out, "%zu\t%d\t%.1f\t%s\t%s\t%s\t%llu\t%llu\t",
		    index, v.backscatter, v.score, anatomy_kind_name(an.kind),
		    an.format ? an.format : "-", an.reason ? an.reason : "-",
		    (unsigned long long)id.dev, (unsigned long long)id.ino);
		put_hex(w->out, found != NULL ? found : "");
		putc('\n', w->out);
	}
	arena_free(&arena);
	message_free(&m);
	free(found);
}

/*
 * A message file, opened once and read only when it is a regular file (a
 * FIFO would block the worker, a device never end), and only when it is
 * not empty: 1 then, an empty file is no message. A Maildir's message is
 * never read through a symbolic link: it is the file --move-to moves, and
 * id_r says which file that is; found_r, where a mail reader had moved it
 * (see open_message).
 */
static int
read_file(const struct item *it, struct message *m, long long *when_r,
    struct fileid *id_r, char **found_r, const char **why_r)
{
	struct stat	 st;
	int		 fd;

	if ((fd = open_message(it, found_r, why_r)) == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		*why_r = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		*why_r = "not a regular file";
	else
		*why_r = NULL;
	if (*why_r != NULL || st.st_size == 0) {
		close(fd);
		return *why_r != NULL ? -1 : 1;
	}
	*when_r = (long long)st.st_mtime;
	id_r->dev = st.st_dev;
	id_r->ino = st.st_ino;
	if (message_read(fd, m, LIMIT_MESSAGE_BYTES) == -1)
		*why_r = strerror(errno);
	else if (!m->oversize && m->raw.len != (size_t)st.st_size)
		*why_r = "the file changed while it was read";
	close(fd);
	if (*why_r != NULL) {
		message_free(m);
		return -1;
	}
	return 0;
}

/*
 * The item's file opened, a link not followed in a Maildir. A Maildir's
 * message gone from its name since it was listed (a mail reader moved it
 * from new/ to cur/, or changed its flags) is opened where it is now, as
 * Maildir readers find it: its path then in found_r (allocated). -1 with
 * why_r.
 */
static int
open_message(const struct item *it, char **found_r, const char **why_r)
{
	int	 flags = O_RDONLY | O_NONBLOCK | O_NOCTTY, fd;

	if (it->sub != 'f')
		flags |= O_NOFOLLOW;
	if ((fd = open(it->path, flags)) == -1 && errno == ENOENT &&
	    it->sub != 'f') {
		if ((*found_r = renamed(it->path, NULL)) != NULL)
			fd = open(*found_r, flags);
		else
			errno = ENOENT;
	}
	if (fd == -1)
		*why_r = errno == ELOOP && it->sub != 'f' ?
		    "a symbolic link, not followed" : strerror(errno);
	return fd;
}

/*
 * Where a Maildir message gone from its name is now. A mail reader moves
 * a message it has seen from new/ to cur/, its name given ":2," and the
 * flags, and renames it in cur/ when the flags change; the unique name
 * before the ':' stays. Its path in the Maildir's cur/ (allocated), the
 * file id when one is given; NULL when no file there has that unique
 * name.
 */
static char *
renamed(const char *path, const struct fileid *id)
{
	const char	*name = strrchr(path, '/');
	struct dirent	*de;
	char		*cur, *p = NULL;
	size_t		 n;
	DIR		*d;

	if (name == NULL || (n = strcspn(++name, ":")) == 0 ||
	    (cur = cur_folder(path, name)) == NULL)
		return NULL;
	if ((d = opendir(cur)) != NULL) {
		while (p == NULL && (de = readdir(d)) != NULL) {
			if (strncmp(de->d_name, name, n) != 0 ||
			    (de->d_name[n] != ':' && de->d_name[n] != '\0'))
				continue;
			if ((p = join(cur, de->d_name)) != NULL &&
			    id != NULL && !is_file(p, id)) {
				free(p);
				p = NULL;
			}
		}
		closedir(d);
	}
	free(cur);
	return p;
}

/* The cur/ of the Maildir a message path ("MAILDIR/new/NAME", name at
 * its NAME) is in, allocated. */
static char *
cur_folder(const char *path, const char *name)
{
	const char	*part = name - 1;	/* the '/' before NAME */
	char		*p;

	while (part > path && part[-1] != '/')
		part--;
	if (asprintf(&p, "%.*scur", (int)(part - path), path) == -1)
		return NULL;
	return p;
}

/*
 * A message of an mbox, read where it was listed from the mbox the worker
 * has open, never mapped (an mbox cut short while mapped would kill the
 * worker with SIGBUS). The bytes must still be the message listed there:
 * a From_ line starts it, and another follows it unless it was the last
 * (more is 0). An mbox cut short or rewritten since it was listed fails
 * that, and the message is reported, not judged.
 */
static int
read_mbox_message(struct worker *w, const struct item *it, int more,
    struct message *m, long long *when_r, const char **why_r)
{
	struct stat	 st;
	size_t		 n, want;
	ssize_t		 got;

	if (w->mbox != it->path) {
		if (w->fd != -1)
			close(w->fd);
		w->mbox = NULL;
		if ((w->fd = open(it->path, O_RDONLY | O_NONBLOCK |
		    O_NOCTTY)) == -1 || fstat(w->fd, &st) == -1) {
			*why_r = strerror(errno);
			return -1;
		}
		if (!S_ISREG(st.st_mode)) {
			*why_r = "not a regular file";
			return -1;
		}
		w->mbox = it->path;
	}
	memset(m, 0, sizeof(*m));
	buf_init(&m->raw, LIMIT_MESSAGE_BYTES + 5);
	n = it->len;
	if (n > LIMIT_MESSAGE_BYTES) {
		n = LIMIT_MESSAGE_BYTES;
		m->oversize = 1;
		more = 0;
	}
	want = n + (more ? 5 : 0);
	if (buf_reserve(&m->raw, want) == -1 ||
	    (got = (ssize_t)io_read_full(w->fd, m->raw.data, want,
	    (long long)it->off)) == -1) {
		*why_r = strerror(errno);
		message_free(m);
		return -1;
	}
	if ((size_t)got != want || memcmp(m->raw.data, "From ", 5) != 0 ||
	    (more && memcmp(m->raw.data + n, "From ", 5) != 0)) {
		*why_r = "the mbox changed since it was listed";
		message_free(m);
		return -1;
	}
	m->raw.len = from_unescape(m->raw.data, n);
	m->raw.data[m->raw.len] = '\0';
	*when_r = from_line_time(m->raw.data, m->raw.len);
	return 0;
}

/*
 * The message as it was before it was written into the mbox: a body line
 * the writer escaped (">From ", and ">>From " for ">From " where it
 * escapes those too, mboxrd) loses one '>', as a mail reader's copy does
 * (and a DKIM body hash needs). In place; the new length.
 */
static size_t
from_unescape(char *s, size_t n)
{
	size_t	 r = 0, w = 0, q;
	int	 bol = 0;	/* the From_ line itself stays */

	while (r < n) {
		if (bol && s[r] == '>') {
			for (q = r; q < n && s[q] == '>'; q++)
				;
			if (n - q >= 5 && memcmp(s + q, "From ", 5) == 0)
				r++;
		}
		bol = s[r] == '\n';
		s[w++] = s[r++];
	}
	return w;
}

/* The date of an mbox From_ line ("From a@b Mon Jan  1 00:00:00 2024"). */
static long long
from_line_time(const char *s, size_t n)
{
	struct tm	 tm;
	char		 line[256], *sp, *end;

	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	memcpy(line, s, n);
	line[n] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	if ((sp = strchr(line + 5, ' ')) == NULL)
		return 0;
	/* Postfix and others write two spaces after the sender ("From
	 * a@b  Fri Mar  1 ..."), where strptime's %a takes none */
	sp += strspn(sp, " \t");
	memset(&tm, 0, sizeof(tm));
	end = strptime(sp, "%a %b %d %H:%M:%S %Y", &tm);
	if (end == NULL)
		return 0;
	return (long long)timegm(&tm);
}

/* --- reporting, in the parent ------------------------------------------- */

/* A result line from a worker, into its item's result. */
static void
take_line(struct scan *s, char *line)
{
	struct result	*r;
	char		*f[9], *p = line;
	size_t		 index;
	int		 k;

	for (k = 0; k < 9; k++) {
		f[k] = p;
		if (p == NULL)
			continue;
		if ((p = strchr(p, '\t')) != NULL)
			*p++ = '\0';
	}
	if (f[1] == NULL)
		return;
	index = (size_t)strtoull(f[0], NULL, 10);
	if (index >= s->list.n)
		return;
	r = &s->res[index];
	if (strcmp(f[1], "S") == 0) {
		r->state = 2;
		s->tally.skipped++;
		return;
	}
	if (strcmp(f[1], "E") == 0) {
		r->state = -1;
		r->reason = intern(&s->names, f[2] ? f[2] : "error");
		s->tally.errors++;
		return;
	}
	if (f[7] == NULL)
		return;
	if (f[8] != NULL && f[8][0] != '\0')
		to_cur(&s->list.v[index], from_hex(f[8]));
	if (s->judged != NULL) {
		s->judged[index].dev = (dev_t)strtoull(f[6], NULL, 10);
		s->judged[index].ino = (ino_t)strtoull(f[7], NULL, 10);
	}
	r->state = 1;
	r->backscatter = f[1][0] == '1';
	r->score = strtof(f[2], NULL);
	r->kind = intern(&s->names, f[3]);
	r->format = intern(&s->names, f[4]);
	r->reason = intern(&s->names, f[5]);
}

/* Count item i, move it when asked, and print its line. */
static void
emit(struct scan *s, size_t i)
{
	const struct scan_options	*o = s->o;
	struct item			*it = &s->list.v[i];
	const struct result		*r = &s->res[i];
	char *const			*name = s->names.v;
	struct tally			*t = &s->tally;
	char				*folder, *dest = NULL;
	const char			*why = NULL;

	if (r->state == -1) {
		say_item(it, name[r->reason], NULL);
		return;
	}
	if (r->state == 2)	/* an empty file: no message, no line */
		return;
	t->count[r->kind][(int)r->backscatter]++;
	if (r->backscatter && strcmp(name[r->format], "-") != 0)
		t->format[r->format]++;
	if (r->backscatter)
		t->reason[r->reason]++;
	if (o->move_to != NULL && r->backscatter && it->root >= 0 &&
	    it->sub != 'm') {
		follow_rename(it, &s->judged[i]);
		folder = target_folder(s->list.roots[it->root], o->move_to);
		if (folder == NULL)
			why = strerror(errno);
		else
			dest = move_message(it, &s->judged[i], folder, &why);
		if (dest == NULL) {
			say_item(it, "not moved", why);
			t->move_errors++;
		} else
			t->moved++;
		free(folder);
	}
	if (!o->summary) {
		fprintf(s->out, "%s\t%.1f\t%s\t%s\t", r->backscatter ?
		    "backscatter" : "ok", tenths(r->score), name[r->kind],
		    name[r->reason]);
		print_item_path(s->out, it);
		if (dest != NULL) {
			fputs("\tmoved to ", s->out);
			put_path(s->out, dest);
		}
		fputc('\n', s->out);
	}
	free(dest);
}

/* A Maildir message a mail reader renamed after it was judged: the item
 * follows the file judged (id) to its name now in cur/. */
static void
follow_rename(struct item *it, const struct fileid *id)
{
	struct stat	 st;

	if (lstat(it->path, &st) == -1 && errno == ENOENT)
		to_cur(it, renamed(it->path, id));
}

/* The item's message is at path now, in its Maildir's cur/ (allocated;
 * NULL: it stays as it was). */
static void
to_cur(struct item *it, char *path)
{
	if (path == NULL)
		return;
	free((void *)it->path);
	it->path = path;
	it->sub = 'c';
}

/* The folder backscatter from root goes to: FOLDER as a path, or the
 * Maildir++ folder ".FOLDER" of root. */
static char *
target_folder(const char *root, const char *folder)
{
	char	*name, *p;

	if (is_folder_path(folder))
		return strdup(folder);
	if (folder[0] == '.')
		return join(root, folder);
	if ((name = malloc(strlen(folder) + 2)) == NULL)
		return NULL;
	name[0] = '.';
	memcpy(name + 1, folder, strlen(folder) + 1);
	p = join(root, name);
	free(name);
	return p;
}

/* Is folder a Maildir++ folder (".Name"), to be made with its
 * maildirfolder file? */
static int
plus_folder(const char *folder)
{
	const char	*base = strrchr(folder, '/');

	base = base != NULL ? base + 1 : folder;
	return base[0] == '.' && base[1] != '\0' && base[1] != '.';
}

/*
 * Move the file judged (id) out of its Maildir into folder, under the
 * same name, by link and unlink within one file system: an interruption
 * leaves it in both folders, never in none, and the next run finishes.
 * Only the file judged moves, whatever happens to its name meanwhile: the
 * name must still be that file before the link, the link made must be
 * it, and the old name goes only by remove_judged. Returns the new path
 * (allocated), or NULL with why_r.
 */
static char *
move_message(const struct item *it, const struct fileid *id,
    const char *folder, const char **why_r)
{
	const char	*base = strrchr(it->path, '/');
	char		*sub, *dest;

	*why_r = NULL;
	base = base ? base + 1 : it->path;
	if (deliver_make_maildir(folder, plus_folder(folder)) == -1 ||
	    (sub = join(folder, it->sub == 'n' ? "new" : "cur")) == NULL)
		goto fail;
	dest = join(sub, base);
	if (dest == NULL || same_folder(it->path, sub)) {
		/* the folder it is in (--move-to ".", a path to it): the
		 * "link" would find itself, and the unlink drop the only
		 * name */
		if (dest != NULL)
			*why_r = "--move-to names the folder it is in";
		free(sub);
		goto fail_dest;
	}
	free(sub);
	if (!is_file(it->path, id)) {
		*why_r = "the file changed since it was judged";
		goto fail_dest;
	}
	if (link(it->path, dest) == -1) {
		/* The name taken already: the same file (linked before an
		 * interruption) goes on to the unlink; another file under
		 * that name is never a reason to drop this one. */
		if (errno != EEXIST)
			goto fail_dest;
		if (!is_file(dest, id)) {
			*why_r = "another file has its name there";
			goto fail_dest;
		}
	} else if (!is_file(dest, id)) {
		/* another file took the name between the check and the
		 * link: the link just made to it goes */
		unlink(dest);
		*why_r = "the file changed since it was judged";
		goto fail_dest;
	}
	if (remove_judged(it->path, id, why_r) == -1)
		goto fail_dest;
	return dest;
fail_dest:
	free(dest);
fail:
	if (*why_r == NULL)
		*why_r = strerror(errno);
	return NULL;
}

/* Is folder the folder the file at path is in (the same directory,
 * whatever the names)? Also when that cannot be told: never a move. */
static int
same_folder(const char *path, const char *folder)
{
	const char	*slash = strrchr(path, '/');
	struct stat	 a, b;
	char		*dir;
	int		 same;

	dir = slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
	if (dir == NULL)
		return 1;
	same = stat(dir, &a) == -1 || stat(folder, &b) == -1 ||
	    (a.st_dev == b.st_dev && a.st_ino == b.st_ino);
	free(dir);
	return same;
}

/*
 * Remove a name of the file judged, moved there already: renamed first to
 * a hidden name of this run beside it (Maildir readers skip names that
 * start with a dot), checked there, then unlinked. A file put under the
 * name since is not the one judged: it goes back. 0, or -1 with why_r.
 */
static int
remove_judged(const char *path, const struct fileid *id, const char **why_r)
{
	const char	*slash = strrchr(path, '/');
	char		*dir, *aside;
	char		 name[64];
	int		 rc = -1;

	dir = slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
	if (dir == NULL)
		return -1;
	snprintf(name, sizeof(name), ".backscatter-moving.%ld", (long)getpid());
	aside = join(dir, name);
	free(dir);
	if (aside == NULL || rename(path, aside) == -1)
		goto out;
	if (is_file(aside, id)) {
		rc = unlink(aside);
		goto out;
	}
	if (link(aside, path) == 0 && unlink(aside) == 0)
		rc = 0;
	else
		*why_r = "moved; a file put under its old name since is left "
		    "beside it, hidden";
out:
	free(aside);
	return rc;
}

static void
print_item_path(FILE *out, const struct item *it)
{
	put_path(out, it->path);
	if (it->sub == 'm')
		fprintf(out, "#%d", it->number);
}

/*
 * A path as one field of one line, whatever its bytes: a backslash, tab,
 * newline and carriage return are written \\, \t, \n and \r, any other
 * control byte as \ooo (three octal digits), so that a file name cannot
 * end a field or a line, nor reach the terminal as a control sequence.
 * Other bytes, UTF-8 among them, are written as they are.
 */
static void
put_path(FILE *out, const char *path)
{
	static const char	 bytes[] = "\\\t\n\r", names[] = "\\tnr";
	const unsigned char	*p;
	const char		*q;

	for (p = (const unsigned char *)path; *p != '\0'; p++)
		if ((q = strchr(bytes, *p)) != NULL) {
			putc('\\', out);
			putc(names[q - bytes], out);
		} else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\%03o", *p);
		else
			putc(*p, out);
}

/* "PATH: WHAT[: MORE]" logged, the path as put_path writes it. */
static void
say(const char *path, const char *what, const char *more)
{
	say_line(NULL, path, what, more);
}

/* The same for a message (an mbox's as path#n). */
static void
say_item(const struct item *it, const char *what, const char *more)
{
	say_line(it, NULL, what, more);
}

/* Made whole first (put_path writes a byte at a time), then logged. */
static void
say_line(const struct item *it, const char *path, const char *what,
    const char *more)
{
	FILE	*line;
	char	*text = NULL;
	size_t	 len = 0;

	if ((line = open_memstream(&text, &len)) == NULL)
		return;
	if (it != NULL)
		print_item_path(line, it);
	else
		put_path(line, path);
	fprintf(line, ": %s%s%s\n", what, more ? ": " : "", more ? more : "");
	if (fclose(line) == 0)
		log_lines(text, len);
	free(text);
}

static void
show_progress(const struct scan *s, int last)
{
	double	 t = now_seconds() - s->start;
	double	 rate = t > 0 ? (double)s->done / t : 0;
	double	 eta = rate > 0 ? (double)(s->list.n - s->done) / rate : 0;

	fprintf(stderr, "\r%zu/%zu  %.0f msg/s  ETA %.0fs   %s", s->done,
	    s->list.n, rate, eta, last ? "\n" : "");
	fflush(stderr);
}

static void
print_summary(const struct scan *s, double secs)
{
	const struct tally	*t = &s->tally;
	const struct names	*nm = &s->names;
	FILE			*out = s->out;
	size_t			 total = s->list.n - (size_t)t->skipped;
	long			 yes = 0, no = 0;
	int			 order[SCAN_NAMES_MAX], i, k;

	fprintf(out, "messages: %zu in %.1fs (%.0f/s)\n", total, secs,
	    secs > 0 ? (double)total / secs : 0.0);
	fprintf(out, "%-12s %12s %12s\n", "kind", "backscatter", "ok");
	sort_names(nm, order, NULL);
	for (i = 0; i < nm->n; i++) {
		k = order[i];
		if (t->count[k][0] == 0 && t->count[k][1] == 0)
			continue;
		fprintf(out, "%-12s %12ld %12ld\n", nm->v[k], t->count[k][1],
		    t->count[k][0]);
		yes += t->count[k][1];
		no += t->count[k][0];
	}
	fprintf(out, "%-12s %12ld %12ld\n", "total", yes, no);
	print_top(s, "backscatter by format", t->format);
	print_top(s, "backscatter by reason", t->reason);
	if (t->errors > 0)
		fprintf(out, "unreadable: %ld\n", t->errors);
	if (t->skipped > 0)
		fprintf(out, "empty files skipped: %ld\n", t->skipped);
	if (s->o->move_to != NULL)
		fprintf(out, "moved: %ld%s\n", t->moved, t->move_errors ?
		    " (some could not be moved: see above)" : "");
}

/* The names counted in v, most first (every one: the counts add up to
 * the backscatter found; at most SCAN_NAMES_MAX names are kept). */
static void
print_top(const struct scan *s, const char *title, const long *v)
{
	const struct names	*nm = &s->names;
	int			 order[SCAN_NAMES_MAX], i, shown = 0;

	sort_names(nm, order, v);
	fprintf(s->out, "%s:\n", title);
	for (i = 0; i < nm->n; i++) {
		if (v[order[i]] == 0)
			continue;
		fprintf(s->out, "  %-24s %ld\n", nm->v[order[i]], v[order[i]]);
		shown++;
	}
	if (shown == 0)
		fprintf(s->out, "  none\n");
}

/*
 * The names' indexes in order: counted most in v first, and by name where
 * counts are equal or v is NULL. Not in the order first seen: that is the
 * order results came back from the workers, which differs between runs.
 */
static void
sort_names(const struct names *nm, int *order, const long *v)
{
	int	 i, j, tmp;

	for (i = 0; i < nm->n; i++)
		order[i] = i;
	for (i = 1; i < nm->n; i++)		/* few names: insertion sort */
		for (j = i; j > 0 && before(nm, v, order[j], order[j - 1]);
		    j--) {
			tmp = order[j];
			order[j] = order[j - 1];
			order[j - 1] = tmp;
		}
}

static int
before(const struct names *nm, const long *v, int a, int b)
{
	if (v != NULL && v[a] != v[b])
		return v[a] > v[b];
	return strcmp(nm->v[a], nm->v[b]) < 0;
}

/* --- small helpers ------------------------------------------------------ */

static short
intern(struct names *nm, const char *s)
{
	int	 i;

	for (i = 0; i < nm->n; i++)
		if (strcmp(nm->v[i], s) == 0)
			return (short)i;
	if (nm->n == SCAN_NAMES_MAX || (nm->v[nm->n] = strdup(s)) == NULL)
		return 0;
	return (short)nm->n++;
}

/* dir/name, allocated; NULL when out of memory. */
static char *
join(const char *dir, const char *name)
{
	char	*p;

	return asprintf(&p, "%s/%s", dir, name) == -1 ? NULL : p;
}

/* s in hex, two digits a byte. */
static void
put_hex(FILE *out, const char *s)
{
	for (; *s != '\0'; s++)
		fprintf(out, "%02x", (unsigned char)*s);
}

/* What put_hex wrote, allocated; NULL when it is not that (or empty). */
static char *
from_hex(const char *hex)
{
	static const char	 digits[] = "0123456789abcdef";
	const char		*hi, *lo;
	size_t			 n = strlen(hex), i;
	char			*p;

	if (n == 0 || n % 2 != 0 || (p = malloc(n / 2 + 1)) == NULL)
		return NULL;
	for (i = 0; i < n / 2; i++) {
		if ((hi = strchr(digits, hex[2 * i])) == NULL ||
		    (lo = strchr(digits, hex[2 * i + 1])) == NULL ||
		    (hi - digits) + (lo - digits) == 0) {
			free(p);
			return NULL;
		}
		p[i] = (char)((hi - digits) << 4 | (lo - digits));
	}
	p[n / 2] = '\0';
	return p;
}

/* FOLDER of --move-to names a folder itself, not a Maildir++ one. */
static int
is_folder_path(const char *folder)
{
	return folder[0] == '/' || strncmp(folder, "./", 2) == 0 ||
	    strncmp(folder, "../", 3) == 0;
}

static int
is_dir(const char *path)
{
	struct stat	 st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Whether path names the file id, itself (not through a link). */
static int
is_file(const char *path, const struct fileid *id)
{
	struct stat	 st;

	return lstat(path, &st) == 0 && st.st_dev == id->dev &&
	    st.st_ino == id->ino;
}

static int
is_maildir(const char *path)
{
	char	*cur = join(path, "cur"), *new = join(path, "new");
	int	 r = cur && new && (is_dir(cur) || is_dir(new));

	free(cur);
	free(new);
	return r;
}

static double
now_seconds(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
