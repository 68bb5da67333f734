/*
 * rounds.c - time commands in rounds, their order rotated each round.
 *
 *	rounds [-r ROUNDS] [-w WARMUP] [-e ERRLOG] [-v] SPEC
 *
 * SPEC holds one command a line, fields separated by tabs:
 *
 *	ID  EVERY  STDIN  STDOUT  PROGRAM  [ARG...]
 *
 * EVERY	the command runs in timed rounds r with r % EVERY == 0, so
 *		that a 30 MB message or SpamAssassin does not set the pace
 *		of the 1 KB rows (every warm-up round runs every command);
 * STDIN	"-" for /dev/null, "file:PATH" for the file itself, or
 *		"pipe:PATH" for a pipe that a feeder child fills from PATH in
 *		64 KiB writes, as an MTA hands a message over;
 * STDOUT	"null" for /dev/null, or "pipe" for a pipe that a drain child
 *		reads to the end in 64 KiB reads and throws away.
 *
 * Each round runs the commands due in that round once, in SPEC order
 * rotated by the round number: round r starts at the r-th command (warm-up
 * rounds count) and goes round, leaving out the commands not due. A
 * machine that drifts (another process waking up, a CPU clocking down)
 * then weighs on every command alike, not on whichever a fixed order puts
 * at the bad moment. A command is timed from its fork to the wait4 that
 * reaps it (CLOCK_MONOTONIC); the feeder and drain are forked before the
 * clock starts and reaped after it stops. The program is exec'd directly,
 * no shell, from this small process, so the fork copies next to nothing
 * and the peak RSS wait4 reports is the command's own.
 *
 * Output, one line a timed run, tab-separated:
 *	round position id wall_ns cpu_ns maxrss_kib status
 * cpu_ns is user + system time of the command; status is its exit code,
 * or 128 + the signal that ended it. Before each round a line
 *	#load round loadavg-1min
 * records the machine's load. Warm-up rounds print nothing.
 * Exit: 0, 64 usage, 66 SPEC unreadable or malformed, 71 a fork or pipe
 * failed.
 */
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PIECE		65536

enum in_kind { IN_NULL, IN_FILE, IN_PIPE };

struct command {
	char		*id;
	long		 every;
	enum in_kind	 in;
	char		*in_path;
	int		 out_pipe;
	char		**argv;
};

static int	 errfd = -1;

static void
die(int code, const char *what)
{
	fprintf(stderr, "rounds: %s: %s\n", what, strerror(errno));
	exit(code);
}

/* The feeder: the message into the pipe, 64 KiB a write. */
static void
feed(const char *path, int out)
{
	static char	 buf[PIECE];
	ssize_t		 n, w, off;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		_exit(1);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (off = 0; off < n; off += w)
			if ((w = write(out, buf + off, (size_t)(n - off))) <= 0)
				_exit(0);	/* the command stopped reading */
	_exit(0);
}

/* The drain: read what the command writes, to the end. */
static void
drain(int in)
{
	static char	 buf[PIECE];

	while (read(in, buf, sizeof(buf)) > 0)
		;
	_exit(0);
}

static long long
ns(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

static long long
tv_ns(const struct timeval *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_usec * 1000LL;
}

/* One timed run of c; the figures into the _r parameters. */
static void
run(const struct command *c, long long *wall_r, long long *cpu_r,
    long *rss_r, int *status_r)
{
	struct timespec	 t0, t1;
	struct rusage	 ru;
	pid_t		 feeder = -1, drainer = -1, pid;
	int		 in, out, p[2], st;

	switch (c->in) {
	case IN_NULL:
		if ((in = open("/dev/null", O_RDONLY)) == -1)
			die(66, "/dev/null");
		break;
	case IN_FILE:
		if ((in = open(c->in_path, O_RDONLY)) == -1)
			die(66, c->in_path);
		break;
	default:
		if (pipe(p) == -1 || (feeder = fork()) == -1)
			die(71, "feeder");
		if (feeder == 0) {
			close(p[0]);
			feed(c->in_path, p[1]);
		}
		close(p[1]);
		in = p[0];
		break;
	}
	if (c->out_pipe) {
		if (pipe(p) == -1 || (drainer = fork()) == -1)
			die(71, "drain");
		if (drainer == 0) {
			close(p[1]);
			close(in);
			drain(p[0]);
		}
		close(p[0]);
		out = p[1];
	} else if ((out = open("/dev/null", O_WRONLY)) == -1)
		die(66, "/dev/null");

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((pid = fork()) == -1)
		die(71, "fork");
	if (pid == 0) {
		if (dup2(in, 0) == -1 || dup2(out, 1) == -1 ||
		    (errfd != -1 && dup2(errfd, 2) == -1))
			_exit(126);
		if (in > 2)
			close(in);
		if (out > 2)
			close(out);
		if (errfd > 2)
			close(errfd);
		signal(SIGPIPE, SIG_DFL);
		execv(c->argv[0], c->argv);
		dprintf(2, "rounds: %s: %s\n", c->argv[0], strerror(errno));
		_exit(127);
	}
	close(in);
	close(out);
	while (wait4(pid, &st, 0, &ru) == -1)
		if (errno != EINTR)
			die(71, "wait4");
	clock_gettime(CLOCK_MONOTONIC, &t1);

	if (feeder != -1)
		waitpid(feeder, NULL, 0);
	if (drainer != -1)
		waitpid(drainer, NULL, 0);
	*wall_r = ns(&t1) - ns(&t0);
	*cpu_r = tv_ns(&ru.ru_utime) + tv_ns(&ru.ru_stime);
	*rss_r = ru.ru_maxrss;
	*status_r = WIFEXITED(st) ? WEXITSTATUS(st) :
	    WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 255;
}

/* Split one SPEC line (without its newline) at tabs into a command. */
static int
parse(char *line, struct command *c)
{
	char	*f[4], *end, *s = line;
	size_t	 n = 0, i;

	for (i = 0; i < 4; i++) {
		f[i] = s;
		if ((s = strchr(s, '\t')) == NULL)
			return -1;
		*s++ = '\0';
	}
	c->id = f[0];
	c->every = strtol(f[1], &end, 10);
	if (*end != '\0' || c->every < 1)
		return -1;
	if (strcmp(f[2], "-") == 0)
		c->in = IN_NULL;
	else if (strncmp(f[2], "file:", 5) == 0) {
		c->in = IN_FILE;
		c->in_path = f[2] + 5;
	} else if (strncmp(f[2], "pipe:", 5) == 0) {
		c->in = IN_PIPE;
		c->in_path = f[2] + 5;
	} else
		return -1;
	if (strcmp(f[3], "null") == 0)
		c->out_pipe = 0;
	else if (strcmp(f[3], "pipe") == 0)
		c->out_pipe = 1;
	else
		return -1;
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] == '\t')
			n++;
	if ((c->argv = calloc(n + 2, sizeof(*c->argv))) == NULL)
		die(71, "calloc");
	for (i = 0; i <= n; i++) {
		c->argv[i] = s;
		if ((s = strchr(s, '\t')) != NULL)
			*s++ = '\0';
	}
	return c->argv[0][0] == '/' ? 0 : -1;
}

static double
loadavg(void)
{
	FILE	*f;
	double	 l = -1;

	if ((f = fopen("/proc/loadavg", "r")) != NULL) {
		if (fscanf(f, "%lf", &l) != 1)
			l = -1;
		fclose(f);
	}
	return l;
}

int
main(int argc, char *argv[])
{
	struct command	*cmd = NULL, **due;
	FILE		*spec;
	char		*line = NULL;
	size_t		 cap = 0, n = 0, k, i, lineno = 0;
	ssize_t		 len;
	long		 rounds = 10, warmup = 1, r, t;
	long long	 wall, cpu;
	long		 rss;
	int		 ch, status, verbose = 0;

	while ((ch = getopt(argc, argv, "r:w:e:v")) != -1) {
		switch (ch) {
		case 'r':
			rounds = strtol(optarg, NULL, 10);
			break;
		case 'w':
			warmup = strtol(optarg, NULL, 10);
			break;
		case 'e':
			if ((errfd = open(optarg, O_WRONLY | O_CREAT | O_APPEND,
			    0644)) == -1)
				die(66, optarg);
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			goto usage;
		}
	}
	if (optind + 1 != argc || rounds < 1 || warmup < 0)
		goto usage;
	if ((spec = fopen(argv[optind], "r")) == NULL)
		die(66, argv[optind]);
	while ((len = getline(&line, &cap, spec)) != -1) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		if ((cmd = realloc(cmd, (n + 1) * sizeof(*cmd))) == NULL)
			die(71, "realloc");
		if (parse(line, &cmd[n]) == -1) {
			fprintf(stderr, "rounds: %s:%zu: malformed\n",
			    argv[optind], lineno);
			return 66;
		}
		n++;
		line = NULL;	/* the command keeps pointers into it */
		cap = 0;
	}
	fclose(spec);
	if (n == 0) {
		fprintf(stderr, "rounds: %s: no commands\n", argv[optind]);
		return 66;
	}
	if ((due = calloc(n, sizeof(*due))) == NULL)
		die(71, "calloc");
	signal(SIGPIPE, SIG_IGN);

	for (r = 0; r < warmup + rounds; r++) {
		t = r - warmup;		/* the timed round, < 0 in warm-up */
		/* SPEC order rotated by r, then the commands not due left out:
		 * each round starts one command further on */
		for (i = k = 0; i < n; i++) {
			struct command *c = &cmd[((size_t)r + i) % n];

			if (t < 0 || t % c->every == 0)
				due[k++] = c;
		}
		if (t >= 0)
			printf("#load\t%ld\t%.2f\n", t, loadavg());
		if (verbose)
			fprintf(stderr, "rounds: %s %ld of %ld, %zu commands\n",
			    t < 0 ? "warm-up" : "round", t < 0 ? r + 1 : t + 1,
			    t < 0 ? warmup : rounds, k);
		for (i = 0; i < k; i++) {
			run(due[i], &wall, &cpu, &rss, &status);
			if (t >= 0)
				printf("%ld\t%zu\t%s\t%lld\t%lld\t%ld\t%d\n", t,
				    i, due[i]->id, wall, cpu, rss, status);
		}
		fflush(stdout);
	}
	return 0;

usage:
	fprintf(stderr, "usage: rounds [-r rounds] [-w warmup] [-e errlog] "
	    "[-v] spec\n");
	return 64;
}
