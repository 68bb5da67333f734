/*
 * scan.c - --scan over Maildirs and mbox files (see scan.h).
 *
 * The parent lists every message first (a Maildir's cur/ and new/, its
 * Maildir++ ".Sub" folders and nested folders, the messages of an mbox
 * split at From_ lines), compiles the rules once, and forks workers. Each
 * worker judges blocks of messages (block b goes to worker b mod N) and
 * writes one result line per message to its pipe; the parent puts them
 * back in order, prints or counts them, moves backscatter when asked and
 * shows progress. Workers open the sent ledger themselves (an LMDB handle
 * must not cross fork), and nothing else is shared after the fork.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/limits.h"
#include "read/envelope.h"
#include "read/message.h"
#include "anatomy/anatomy.h"
#include "config/config.h"
#include "rules/rules.h"
#include "rules/score.h"
#include "cli/scan.h"

/* Messages per block handed to a worker. */
#define SCAN_BLOCK		32
/* Workers at most. */
#define SCAN_JOBS_MAX		64
/* Folder depth followed below a path given. */
#define SCAN_DEPTH_MAX		16
/* Messages listed at most (the list is kept in memory). */
#define SCAN_ITEMS_MAX		(20u * 1000 * 1000)
/* Distinct kind/format/reason names counted by --summary. */
#define SCAN_NAMES_MAX		256

struct item {
	const char	*path;		/* the file (an mbox is shared) */
	off_t		 off;		/* mbox: where the message starts */
	size_t		 len;		/* mbox: its length; else 0 */
	int		 number;	/* mbox: 1-based; else 0 */
	int		 root;		/* Maildir root (for --move-to), or -1 */
	char		 sub;		/* 'c' cur/, 'n' new/, 'm' mbox, 'f' file */
};

struct list {
	struct item	*v;
	size_t		 n, cap;
	char		**roots;	/* Maildir roots given */
	int		 nroots;
	char		*skip;		/* the --move-to folder, real path */
	int		 errors;
};

/* What a worker found, as the parent keeps it. */
struct result {
	signed char	 state;		/* 0 pending, 1 done, -1 error */
	char		 backscatter;
	short		 kind, format, reason;	/* name indexes */
	float		 score;
};

static char	*names[SCAN_NAMES_MAX];
static int	 nnames;

static short
intern(const char *s)
{
	int	 i;

	for (i = 0; i < nnames; i++)
		if (strcmp(names[i], s) == 0)
			return (short)i;
	if (nnames == SCAN_NAMES_MAX || (names[nnames] = strdup(s)) == NULL)
		return 0;
	return (short)nnames++;
}

/* --- listing ---------------------------------------------------------------- */

static int
add_item(struct list *l, const char *path, off_t off, size_t len, int number,
    int root, char sub)
{
	struct item	*v;

	if (l->n == SCAN_ITEMS_MAX)
		return -1;
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

static char *
join(const char *dir, const char *name)
{
	size_t	 dn = strlen(dir), nn = strlen(name);
	char	*p;

	if ((p = malloc(dn + 1 + nn + 1)) == NULL)
		return NULL;
	memcpy(p, dir, dn);
	p[dn] = '/';
	memcpy(p + dn + 1, name, nn + 1);
	return p;
}

static int
is_dir(const char *path)
{
	struct stat	 st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
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

/* An mbox: split at From_ lines that follow an empty line. */
static int
list_mbox(struct list *l, const char *path, int fd, off_t size)
{
	const char	*map, *p, *end, *start, *nl;
	char		*keep;
	int		 number = 0;

	if (size == 0)
		return 0;
	map = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return -1;
	if ((keep = strdup(path)) == NULL) {
		munmap((void *)map, (size_t)size);
		return -1;
	}
	end = map + size;
	for (p = start = map; ; ) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			p = end;
		else
			p = nl + 1;
		if (p == end || (end - p >= 5 && memcmp(p, "From ", 5) == 0 &&
		    (p[-2] == '\n' || (p - map >= 3 && p[-2] == '\r' &&
		    p[-3] == '\n')))) {
			if (add_item(l, keep, start - map, (size_t)(p - start),
			    ++number, -1, 'm') == -1)
				break;
			start = p;
			if (p == end)
				break;
		}
	}
	munmap((void *)map, (size_t)size);
	return 0;
}

static int	list_path(struct list *, const char *, int, int);

static int
list_subdir(struct list *l, const char *dir, char sub, int root)
{
	struct dirent	*de;
	DIR		*d;
	char		*p;

	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((p = join(dir, de->d_name)) == NULL ||
		    add_item(l, p, 0, 0, 0, root, sub) == -1) {
			free(p);
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return 0;
}

/* Sort each folder's files by name, so runs are repeatable. */
static int
by_path(const void *a, const void *b)
{
	return strcmp(((const struct item *)a)->path,
	    ((const struct item *)b)->path);
}

static int
list_dir(struct list *l, const char *path, int root, int depth)
{
	struct dirent	*de;
	char		*p, real[PATH_MAX];
	DIR		*d;
	size_t		 first;
	int		 rc = 0;

	if (l->skip != NULL && realpath(path, real) != NULL &&
	    strcmp(real, l->skip) == 0)
		return 0;
	if (is_maildir(path)) {
		first = l->n;
		p = join(path, "new");
		if (p == NULL || list_subdir(l, p, 'n', root) == -1)
			rc = -1;
		free(p);
		p = join(path, "cur");
		if (p == NULL || list_subdir(l, p, 'c', root) == -1)
			rc = -1;
		free(p);
		qsort(l->v + first, l->n - first, sizeof(*l->v), by_path);
	}
	if (depth >= SCAN_DEPTH_MAX)
		return rc;
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, "cur") == 0 ||
		    strcmp(de->d_name, "new") == 0 ||
		    strcmp(de->d_name, "tmp") == 0)
			continue;
		if ((p = join(path, de->d_name)) == NULL) {
			rc = -1;
			continue;
		}
		/* Maildir++ sub-folders (".Sent"), nested folders, and mbox
		 * files beside them; the files of a Maildir's own top level
		 * (dovecot-uidlist, subscriptions) are not mail */
		if (is_dir(p)) {
			if (list_path(l, p, root, depth + 1) == -1)
				rc = -1;
		} else if (!is_maildir(path) && de->d_name[0] != '.') {
			if (list_path(l, p, -1, depth + 1) == -1)
				rc = -1;
		}
		free(p);
	}
	closedir(d);
	return rc;
}

static int
list_path(struct list *l, const char *path, int root, int depth)
{
	struct stat	 st;
	char		 head[5];
	int		 fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK)) == -1 ||
	    fstat(fd, &st) == -1) {
		fprintf(stderr, "backscatter: %s: %s\n", path, strerror(errno));
		if (fd != -1)
			close(fd);
		l->errors++;
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		if (root == -1 && is_maildir(path)) {
			char	**v = realloc(l->roots, (size_t)(l->nroots + 1) *
			    sizeof(*v));

			if (v == NULL)
				return -1;
			l->roots = v;
			if ((v[l->nroots] = strdup(path)) == NULL)
				return -1;
			root = l->nroots++;
		}
		if (list_dir(l, path, root, depth) == -1) {
			fprintf(stderr, "backscatter: %s: %s\n", path,
			    strerror(errno));
			l->errors++;
		}
		return 0;
	}
	if (S_ISREG(st.st_mode)) {
		if (st.st_size >= 5 && read(fd, head, 5) == 5 &&
		    memcmp(head, "From ", 5) == 0)
			rc = list_mbox(l, path, fd, st.st_size);
		else {
			char	*keep = strdup(path);

			rc = keep == NULL ? -1 :
			    add_item(l, keep, 0, 0, 0, -1, 'f');
		}
	}
	close(fd);
	return rc;
}

/* --- judging (in a worker) ----------------------------------------------- */

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
	memset(&tm, 0, sizeof(tm));
	end = strptime(sp + 1, "%a %b %d %H:%M:%S %Y", &tm);
	if (end == NULL)
		return 0;
	return (long long)timegm(&tm);
}

/* The mbox a worker has mapped (messages of one mbox come in order). */
static struct {
	const char	*path;
	const char	*map;
	size_t		 size;
} mapped;

static int
read_item(const struct item *it, struct message *m, long long *when_r)
{
	struct stat	 st;
	int		 fd;
	size_t		 n;

	*when_r = 0;
	if (it->sub != 'm') {
		if ((fd = open(it->path, O_RDONLY | O_NOFOLLOW)) == -1)
			return -1;
		if (fstat(fd, &st) == 0)
			*when_r = (long long)st.st_mtime;
		if (message_read(fd, m, LIMIT_MESSAGE_BYTES) == -1) {
			close(fd);
			message_free(m);
			return -1;
		}
		close(fd);
		return 0;
	}
	if (mapped.path != it->path) {
		if (mapped.map != NULL)
			munmap((void *)mapped.map, mapped.size);
		mapped.map = NULL;
		mapped.path = it->path;
		if ((fd = open(it->path, O_RDONLY)) == -1)
			return -1;
		if (fstat(fd, &st) == -1 || st.st_size == 0) {
			close(fd);
			return -1;
		}
		mapped.size = (size_t)st.st_size;
		mapped.map = mmap(NULL, mapped.size, PROT_READ, MAP_PRIVATE,
		    fd, 0);
		close(fd);
		if (mapped.map == MAP_FAILED) {
			mapped.map = NULL;
			return -1;
		}
	}
	if ((size_t)it->off + it->len > mapped.size)
		return -1;		/* the file shrank under us */
	memset(m, 0, sizeof(*m));
	buf_init(&m->raw, LIMIT_MESSAGE_BYTES + 1);
	n = it->len;
	if (n > LIMIT_MESSAGE_BYTES) {
		n = LIMIT_MESSAGE_BYTES;
		m->oversize = 1;
	}
	if (buf_append(&m->raw, mapped.map + it->off, n) == -1) {
		message_free(m);
		return -1;
	}
	*when_r = from_line_time(mapped.map + it->off, n);
	return 0;
}

static void
judge(struct config *cfg, const struct envelope *env, struct ruleset *rs,
    const struct item *it, size_t index, FILE *out)
{
	struct envelope	 e = *env;
	struct message	 m;
	struct analysis	 an;
	struct verdict	 v;
	struct arena	 arena;
	long long	 when;

	if (read_item(it, &m, &when) == -1) {
		fprintf(out, "%zu\tE\t%s\n", index, strerror(errno));
		return;
	}
	e.now = when;
	arena_init(&arena, LIMIT_ARENA_BYTES);
	if (message_parse_header(&m, &arena) == -1 ||
	    anatomy_read(&m, &arena, &an) == -1 ||
	    score_message(cfg, &e, rs, &an, &arena, &v) == -1)
		fprintf(out, "%zu\tE\tanalysis failed\n", index);
	else
		fprintf(out, "%zu\t%d\t%.1f\t%s\t%s\t%s\n", index,
		    v.backscatter, v.score, anatomy_kind_name(an.kind),
		    an.format ? an.format : "-", an.reason ? an.reason : "-");
	arena_free(&arena);
	message_free(&m);
}

static void
worker(struct config *cfg, const struct envelope *env, struct ruleset *rs,
    const struct list *l, int w, int jobs, int fd)
{
	FILE	*out;
	size_t	 b, i;

	signal(SIGPIPE, SIG_DFL);
	if ((out = fdopen(fd, "w")) == NULL)
		_exit(2);
	setvbuf(out, NULL, _IOFBF, 65536);
	for (b = (size_t)w * SCAN_BLOCK; b < l->n; b += (size_t)jobs *
	    SCAN_BLOCK) {
		for (i = b; i < b + SCAN_BLOCK && i < l->n; i++)
			judge(cfg, env, rs, &l->v[i], i, out);
		fflush(out);
	}
	if (fclose(out) == EOF)
		_exit(2);
	_exit(0);
}

/* --- moving ------------------------------------------------------------------- */

static int
make_maildir(const char *dir)
{
	static const char *const subs[] = { "cur", "new", "tmp" };
	char	*p;
	size_t	 i;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return -1;
	for (i = 0; i < 3; i++) {
		if ((p = join(dir, subs[i])) == NULL)
			return -1;
		if (mkdir(p, 0700) == -1 && errno != EEXIST) {
			free(p);
			return -1;
		}
		free(p);
	}
	return 0;
}

/* The folder backscatter from root goes to: FOLDER as a path, or the
 * Maildir++ folder ".FOLDER" of root. */
static char *
target_folder(const char *root, const char *folder)
{
	char	*name, *p;

	if (folder[0] == '/' || strncmp(folder, "./", 2) == 0 ||
	    strncmp(folder, "../", 3) == 0)
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

/*
 * Move by link, then unlink: never overwrites, and an interruption
 * between the two leaves the message in both folders, never in none.
 * Returns the new path (allocated) or NULL with errno.
 */
static char *
move_message(const struct item *it, const char *folder)
{
	const char	*base = strrchr(it->path, '/');
	char		*sub, *dest;

	base = base ? base + 1 : it->path;
	if (make_maildir(folder) == -1)
		return NULL;
	if ((sub = join(folder, it->sub == 'n' ? "new" : "cur")) == NULL)
		return NULL;
	dest = join(sub, base);
	free(sub);
	if (dest == NULL)
		return NULL;
	if (link(it->path, dest) == -1) {
		struct stat	 a, b;

		/* The name taken already: the same message (same file,
		 * linked before an interruption) may go on to the unlink;
		 * another file under that name is never a reason to drop
		 * this one, which stays where it is. */
		if (errno != EEXIST || stat(it->path, &a) == -1 ||
		    stat(dest, &b) == -1 || a.st_dev != b.st_dev ||
		    a.st_ino != b.st_ino) {
			free(dest);
			return NULL;
		}
	}
	if (unlink(it->path) == -1) {
		free(dest);
		return NULL;
	}
	return dest;
}

/* --- the parent ---------------------------------------------------------------- */

struct tally {
	long	 count[SCAN_NAMES_MAX][2];	/* by kind, by verdict */
	long	 format[SCAN_NAMES_MAX];
	long	 reason[SCAN_NAMES_MAX];
	long	 errors, moved, move_errors;
};

static double
now_seconds(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
show_progress(size_t done, size_t total, double start, int last)
{
	double	 t = now_seconds() - start;
	double	 rate = t > 0 ? (double)done / t : 0;
	double	 eta = rate > 0 ? (double)(total - done) / rate : 0;

	fprintf(stderr, "\r%zu/%zu  %.0f msg/s  ETA %.0fs   %s", done, total,
	    rate, eta, last ? "\n" : "");
	fflush(stderr);
}

static void
print_item_path(FILE *out, const struct item *it)
{
	if (it->sub == 'm')
		fprintf(out, "%s#%d", it->path, it->number);
	else
		fputs(it->path, out);
}

/* A result line from a worker. */
static void
take_line(char *line, struct result *res, size_t n, struct tally *t)
{
	char	*f[6], *p = line;
	size_t	 index;
	int	 k;

	for (k = 0; k < 6; k++) {
		f[k] = p;
		if (p == NULL)
			continue;
		if ((p = strchr(p, '\t')) != NULL)
			*p++ = '\0';
	}
	if (f[1] == NULL)
		return;
	index = (size_t)strtoull(f[0], NULL, 10);
	if (index >= n)
		return;
	if (strcmp(f[1], "E") == 0) {
		res[index].state = -1;
		res[index].reason = intern(f[2] ? f[2] : "error");
		t->errors++;
		return;
	}
	if (f[5] == NULL)
		return;
	res[index].state = 1;
	res[index].backscatter = f[1][0] == '1';
	res[index].score = strtof(f[2], NULL);
	res[index].kind = intern(f[3]);
	res[index].format = intern(f[4]);
	res[index].reason = intern(f[5]);
}

static void
emit(const struct scan_options *o, const struct list *l, size_t i,
    struct result *r, struct tally *t, FILE *out)
{
	const struct item	*it = &l->v[i];
	char			*folder, *dest = NULL;

	if (r->state == -1) {
		fprintf(stderr, "backscatter: %s: %s\n", it->path,
		    names[r->reason]);
		return;
	}
	t->count[r->kind][(int)r->backscatter]++;
	if (r->backscatter && strcmp(names[r->format], "-") != 0)
		t->format[r->format]++;
	if (r->backscatter)
		t->reason[r->reason]++;
	if (o->move_to != NULL && r->backscatter && it->root >= 0 &&
	    it->sub != 'm') {
		folder = target_folder(l->roots[it->root], o->move_to);
		if (folder == NULL || (dest = move_message(it, folder)) == NULL) {
			fprintf(stderr, "backscatter: moving %s: %s\n",
			    it->path, strerror(errno));
			t->move_errors++;
		} else
			t->moved++;
		free(folder);
	}
	if (!o->summary) {
		fprintf(out, "%s\t%.1f\t%s\t%s\t", r->backscatter ?
		    "backscatter" : "ok", r->score, names[r->kind],
		    names[r->reason]);
		print_item_path(out, it);
		if (dest != NULL)
			fprintf(out, "\tmoved to %s", dest);
		fputc('\n', out);
	}
	free(dest);
}

static void
print_top(FILE *out, const char *title, const long *v)
{
	int	 order[SCAN_NAMES_MAX], i, j, tmp, shown = 0;

	for (i = 0; i < nnames; i++)
		order[i] = i;
	for (i = 1; i < nnames; i++)		/* few names: insertion sort */
		for (j = i; j > 0 && v[order[j]] > v[order[j - 1]]; j--) {
			tmp = order[j];
			order[j] = order[j - 1];
			order[j - 1] = tmp;
		}
	fprintf(out, "%s:\n", title);
	for (i = 0; i < nnames && shown < 10; i++) {
		if (v[order[i]] == 0)
			continue;
		fprintf(out, "  %-24s %ld\n", names[order[i]], v[order[i]]);
		shown++;
	}
	if (shown == 0)
		fprintf(out, "  none\n");
}

static void
print_summary(FILE *out, const struct tally *t, size_t total, double secs,
    const struct scan_options *o)
{
	long	 yes = 0, no = 0;
	int	 k;

	fprintf(out, "messages: %zu in %.1fs (%.0f/s)\n", total, secs,
	    secs > 0 ? (double)total / secs : 0.0);
	fprintf(out, "%-12s %12s %12s\n", "kind", "backscatter", "ok");
	for (k = 0; k < nnames; k++) {
		if (t->count[k][0] == 0 && t->count[k][1] == 0)
			continue;
		fprintf(out, "%-12s %12ld %12ld\n", names[k], t->count[k][1],
		    t->count[k][0]);
		yes += t->count[k][1];
		no += t->count[k][0];
	}
	fprintf(out, "%-12s %12ld %12ld\n", "total", yes, no);
	print_top(out, "backscatter by format", t->format);
	print_top(out, "backscatter by reason", t->reason);
	if (t->errors > 0)
		fprintf(out, "unreadable: %ld\n", t->errors);
	if (o->move_to != NULL)
		fprintf(out, "moved: %ld%s\n", t->moved, t->move_errors ?
		    " (some could not be moved: see above)" : "");
}

int
scan_run(struct config *cfg, const struct envelope *env, struct ruleset *rs,
    const struct scan_options *o, FILE *out)
{
	struct list	 l;
	struct result	*res = NULL;
	struct tally	*t = NULL;
	struct pollfd	 pfd[SCAN_JOBS_MAX];
	struct buf	 in[SCAN_JOBS_MAX];
	pid_t		 pid[SCAN_JOBS_MAX];
	char		 chunk[65536], real[PATH_MAX], *nl;
	size_t		 next = 0, done = 0;
	double		 start = now_seconds(), last = 0;
	long		 cpus;
	int		 jobs, i, open_fds, status, rc = 0, progress;

	memset(&l, 0, sizeof(l));
	memset(pid, 0, sizeof(pid));
	if (o->move_to != NULL && realpath(o->move_to, real) != NULL)
		l.skip = strdup(real);
	for (i = 0; i < o->npaths; i++) {
		/* the move-to folder of a Maildir root is skipped too */
		if (o->move_to != NULL && is_maildir(o->paths[i])) {
			char	*f = target_folder(o->paths[i], o->move_to);

			if (f != NULL && realpath(f, real) != NULL) {
				free(l.skip);
				l.skip = strdup(real);
			}
			free(f);
		}
		if (list_path(&l, o->paths[i], -1, 0) == -1) {
			fprintf(stderr, "backscatter: listing %s: %s\n",
			    o->paths[i], strerror(errno));
			rc = -1;
			goto out;
		}
	}
	progress = o->progress == -1 ? isatty(STDERR_FILENO) : o->progress;
	if (rs != NULL && rules_compile(rs, cfg, NULL) == -1) {
		fprintf(stderr, "backscatter: cannot compile the rules\n");
		rc = -1;
		goto out;
	}
	if ((res = calloc(l.n + 1, sizeof(*res))) == NULL ||
	    (t = calloc(1, sizeof(*t))) == NULL) {
		rc = -1;
		goto out;
	}
	intern("-");
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	jobs = o->jobs > 0 ? o->jobs : cpus > 0 ? (int)cpus : 1;
	if (jobs > SCAN_JOBS_MAX)
		jobs = SCAN_JOBS_MAX;
	if ((size_t)jobs > (l.n + SCAN_BLOCK - 1) / SCAN_BLOCK)
		jobs = (int)((l.n + SCAN_BLOCK - 1) / SCAN_BLOCK);
	if (jobs < 1)
		jobs = 1;
	fflush(out);
	fflush(stderr);
	for (i = 0; i < jobs; i++) {
		int	 p[2];

		if (pipe(p) == -1 || (pid[i] = fork()) == -1) {
			fprintf(stderr, "backscatter: %s\n", strerror(errno));
			jobs = i;
			rc = -1;
			break;
		}
		if (pid[i] == 0) {
			int	 k;

			close(p[0]);
			for (k = 0; k < i; k++)
				close(pfd[k].fd);
			worker(cfg, env, rs, &l, i, jobs, p[1]);
		}
		close(p[1]);
		pfd[i].fd = p[0];
		pfd[i].events = POLLIN;
		buf_init(&in[i], 16u * 1024 * 1024);
	}
	open_fds = jobs;
	while (open_fds > 0) {
		if (poll(pfd, (nfds_t)jobs, 250) == -1 && errno != EINTR)
			break;
		for (i = 0; i < jobs; i++) {
			ssize_t	 n;

			if (pfd[i].fd == -1 ||
			    !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(pfd[i].fd, chunk, sizeof(chunk));
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				open_fds--;
				continue;
			}
			buf_append(&in[i], chunk, (size_t)n);
			{
				size_t	 used = 0;

				while (used < in[i].len && (nl = memchr(
				    in[i].data + used, '\n', in[i].len -
				    used)) != NULL) {
					*nl = '\0';
					take_line(in[i].data + used, res, l.n,
					    t);
					done++;
					used = (size_t)(nl - in[i].data) + 1;
				}
				memmove(in[i].data, in[i].data + used,
				    in[i].len - used);
				in[i].len -= used;
			}
		}
		while (next < l.n && res[next].state != 0)
			emit(o, &l, next, &res[next], t, out), next++;
		if (progress && now_seconds() - last >= 0.25) {
			last = now_seconds();
			show_progress(done, l.n, start, 0);
		}
	}
	for (i = 0; i < jobs; i++) {
		if (waitpid(pid[i], &status, 0) == -1 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			rc = -1;
		buf_free(&in[i]);
	}
	if (progress)
		show_progress(done, l.n, start, 1);
	if (next < l.n && rc == 0) {
		fprintf(stderr, "backscatter: %zu messages were not judged\n",
		    l.n - next);
		rc = -1;
	}
	if (o->summary)
		print_summary(out, t, l.n, now_seconds() - start, o);
	if (rc == 0 && (l.errors > 0 || t->errors > 0 || t->move_errors > 0))
		rc = 1;
out:
	free(res);
	free(t);
	free(l.skip);
	for (i = 0; i < l.nroots; i++)
		free(l.roots[i]);
	free(l.roots);
	/* item paths: Maildir files own theirs, an mbox's are shared */
	{
		const char	*prev = NULL;
		size_t		 k;

		for (k = 0; k < l.n; k++) {
			if (l.v[k].path != prev)
				free((void *)l.v[k].path);
			prev = l.v[k].path;
		}
	}
	free(l.v);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	nnames = 0;
	return rc;
}
