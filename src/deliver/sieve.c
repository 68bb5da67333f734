/*
 * sieve.c - libsieve glue (see sieve.h).
 *
 * libsieve pulls everything through callbacks. The script is validated
 * first: libsieve returns SIEVE2_OK even for a script that does not parse
 * and reports the problem only through the error callback, so errors are
 * counted there, and a script with any is not run. Actions are collected
 * while it runs and acted on by the caller afterwards, so a runtime error
 * halfway never leaves half the actions done.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <sieve2.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/io.h"
#include "base/limits.h"
#include "base/log.h"
#include "read/header.h"
#include "deliver/sieve.h"

struct run {
	const char			*script;
	const char			*name;
	const struct sieve_message	*msg;
	struct sieve_outcome		*out;
	int				 acted;		/* cancels implicit keep */
	int				 refused;	/* reject/vacation: keep */
};

static void
complain(const struct run *r, int lineno, const char *what, const char *text)
{
	if (lineno > 0)
		log_warnx("%s:%d: %s: %s", r->name, lineno,
		    what, text != NULL ? text : "?");
	else
		log_warnx("%s: %s: %s", r->name, what,
		    text != NULL ? text : "?");
}

/*
 * libsieve's value names are char *, string literals here are const: these
 * wrappers take the const (libsieve never writes to a name).
 */
static const char *
get_string(sieve2_context_t *s, const char *name)
{
	return sieve2_getvalue_string(s, (char *)name);
}

static char **
get_stringlist(sieve2_context_t *s, const char *name)
{
	return sieve2_getvalue_stringlist(s, (char *)name);
}

static int
get_int(sieve2_context_t *s, const char *name)
{
	return sieve2_getvalue_int(s, (char *)name);
}

static void
set_string(sieve2_context_t *s, const char *name, const char *value)
{
	sieve2_setvalue_string(s, (char *)name, (char *)value);
}

static void
set_stringlist(sieve2_context_t *s, const char *name, char **values)
{
	sieve2_setvalue_stringlist(s, (char *)name, values);
}

static void
set_int(sieve2_context_t *s, const char *name, int value)
{
	sieve2_setvalue_int(s, (char *)name, value);
}

/* --- what the script reads ------------------------------------------------ */

static int
cb_getscript(sieve2_context_t *s, void *v)
{
	struct run	*r = v;
	const char	*path = get_string(s, "path");
	const char	*name = get_string(s, "name");

	/* a non-empty path or name asks for an included script: none */
	if ((path != NULL && *path) || (name != NULL && *name)) {
		complain(r, 0, "include", "not supported");
		r->out->errors++;
		return SIEVE2_ERROR_UNSUPPORTED;
	}
	set_string(s, "script", r->script);
	return SIEVE2_OK;
}

/* Every field named as asked (case-insensitive), unfolded, RFC 2047
 * words decoded, as RFC 5228 5.7 says a header test compares them. */
static int
cb_getheader(sieve2_context_t *s, void *v)
{
	struct run			*r = v;
	const struct header_block	*hb = r->msg->hdr;
	const char			*want = get_string(s, "header");
	char				**values, *val;
	size_t				 i, n = 0;

	if (want == NULL || hb == NULL) {
		set_stringlist(s, "body", NULL);
		return SIEVE2_OK;
	}
	values = arena_alloc(r->msg->arena, (hb->count + 1) * sizeof(*values));
	if (values == NULL)
		return SIEVE2_ERROR_NOMEM;
	for (i = 0; i < hb->count; i++) {
		if (hb->fields[i].name_len != strlen(want) ||
		    strncasecmp(hb->fields[i].name, want,
		    hb->fields[i].name_len) != 0)
			continue;
		if ((val = header_unfold(r->msg->arena, &hb->fields[i])) == NULL)
			return SIEVE2_ERROR_NOMEM;
		if ((val = header_decode(r->msg->arena, hb, val)) == NULL)
			return SIEVE2_ERROR_NOMEM;
		values[n++] = val;
	}
	values[n] = NULL;
	set_stringlist(s, "body", n > 0 ? values : NULL);
	return SIEVE2_OK;
}

static int
cb_getsize(sieve2_context_t *s, void *v)
{
	struct run	*r = v;

	set_int(s, "size", r->msg->size > 0x7fffffff ?
	    0x7fffffff : (int)r->msg->size);
	return SIEVE2_OK;
}

static int
cb_getenvelope(sieve2_context_t *s, void *v)
{
	struct run	*r = v;

	set_string(s, "from", r->msg->sender != NULL ? r->msg->sender : "");
	set_string(s, "to", r->msg->recipient != NULL ?
	    r->msg->recipient : "");
	return SIEVE2_OK;
}

/* --- what the script does ------------------------------------------------- */

/*
 * The IMAP flags of a keep or fileinto (":flags", or what addflag and
 * setflag left). libsieve 2.2.6 calls them "flags" (its header comment
 * says "imapflags") and leaves the script's "\\" unescaped, so "\\Seen"
 * arrives with two backslashes: any number is taken.
 */
static unsigned
flag_bits(sieve2_context_t *s)
{
	static const struct {
		const char	*name;
		unsigned	 bit;
	} map[] = {
		{ "Seen", DELIVER_SEEN },
		{ "Answered", DELIVER_ANSWERED },
		{ "Flagged", DELIVER_FLAGGED },
		{ "Deleted", DELIVER_DELETED },
		{ "Draft", DELIVER_DRAFT },
	};
	char		**flags;
	const char	 *f;
	unsigned	  bits = 0;
	size_t		  i, k, n, b;

	if ((flags = get_stringlist(s, "flags")) == NULL)
		flags = get_stringlist(s, "imapflags");
	/* each string holds one flag or several, space-separated (RFC
	 * 5232: "\\Seen \\Flagged") */
	for (i = 0; flags != NULL && flags[i] != NULL; i++)
		for (f = flags[i]; *(f += strspn(f, " \t")) != '\0'; f += n) {
			n = strcspn(f, " \t");
			if (*f != '\\')
				continue;	/* a keyword: no place in a
						   Maildir file name, not
						   stored */
			/* (libsieve leaves a script's "\\\\" as two) */
			b = strspn(f, "\\");
			for (k = 0; k < sizeof(map) / sizeof(map[0]); k++)
				if (n - b == strlen(map[k].name) &&
				    strncasecmp(f + b, map[k].name, n - b) == 0)
					bits |= map[k].bit;
		}
	return bits;
}

/* Add a store to folder (NULL: INBOX), merging duplicates. */
static int
add_store(struct run *r, const char *folder, unsigned flags)
{
	struct sieve_outcome	*o = r->out;
	int			 i;

	if (folder != NULL && strcasecmp(folder, "INBOX") == 0)
		folder = NULL;
	for (i = 0; i < o->nstores; i++) {
		const char	*f = o->stores[i].folder;

		if ((f == NULL && folder == NULL) ||
		    (f != NULL && folder != NULL && strcmp(f, folder) == 0)) {
			o->stores[i].flags |= flags;
			return 0;
		}
	}
	if (o->nstores == DELIVER_COPIES_MAX) {
		/* stored in as many already: the rest is not filed (the
		 * first ones asked are kept, never one replaced) */
		complain(r, 0, "fileinto", "more folders than "
		    "DELIVER_COPIES_MAX; this one skipped");
		return 0;
	}
	if (folder != NULL &&
	    (folder = arena_strdup(r->msg->arena, folder)) == NULL)
		return -1;
	o->stores[o->nstores].folder = folder;
	o->stores[o->nstores].flags = flags;
	o->nstores++;
	return 0;
}

static int
cb_keep(sieve2_context_t *s, void *v)
{
	struct run	*r = v;

	r->acted = 1;
	return add_store(r, NULL, flag_bits(s)) == 0 ? SIEVE2_OK :
	    SIEVE2_ERROR_NOMEM;
}

static int
cb_fileinto(sieve2_context_t *s, void *v)
{
	struct run	*r = v;
	const char	*mailbox = get_string(s, "mailbox");

	r->acted = 1;
	if (mailbox == NULL || (strcasecmp(mailbox, "INBOX") != 0 &&
	    !deliver_folder_ok(mailbox))) {
		complain(r, 0, "fileinto", "not a folder name; keeping");
		mailbox = NULL;
	}
	return add_store(r, mailbox, flag_bits(s)) == 0 ? SIEVE2_OK :
	    SIEVE2_ERROR_NOMEM;
}

static int
cb_discard(sieve2_context_t *s, void *v)
{
	struct run	*r = v;

	(void)s;
	r->out->discarded = 1;
	r->acted = 1;
	return SIEVE2_OK;
}

static int
cb_redirect(sieve2_context_t *s, void *v)
{
	struct run	*r = v;
	const char	*to = get_string(s, "address");
	int		 i;

	r->acted = 1;
	if (to == NULL)
		return SIEVE2_OK;
	for (i = 0; i < r->out->nredirects; i++)
		if (strcasecmp(r->out->redirects[i], to) == 0)
			return SIEVE2_OK;
	if (r->out->nredirects == SIEVE_REDIRECTS_MAX) {
		complain(r, 0, "redirect", "too many; keeping instead");
		return add_store(r, NULL, 0) == 0 ? SIEVE2_OK :
		    SIEVE2_ERROR_NOMEM;
	}
	if ((to = arena_strdup(r->msg->arena, to)) == NULL)
		return SIEVE2_ERROR_NOMEM;
	r->out->redirects[r->out->nredirects++] = to;
	return SIEVE2_OK;
}

/* An answer to backscatter is more backscatter: never sent. */
static int
cb_reject(sieve2_context_t *s, void *v)
{
	struct run	*r = v;

	(void)s;
	complain(r, 0, "reject", "refused (no answer is ever sent); keeping");
	r->refused = 1;
	return SIEVE2_OK;
}

static int
cb_vacation(sieve2_context_t *s, void *v)
{
	struct run	*r = v;

	(void)s;
	complain(r, 0, "vacation", "refused (no answer is ever sent); keeping");
	r->refused = 1;
	return SIEVE2_OK;
}

/* --- errors --------------------------------------------------------------- */

static int
cb_parse_error(sieve2_context_t *s, void *v)
{
	struct run	*r = v;

	complain(r, get_int(s, "lineno"), "error",
	    get_string(s, "message"));
	r->out->errors++;
	return SIEVE2_OK;
}

static int
cb_runtime_error(sieve2_context_t *s, void *v)
{
	struct run	*r = v;

	complain(r, 0, "runtime error", get_string(s, "message"));
	r->out->errors++;
	return SIEVE2_OK;
}

/* A message header libsieve could not parse for an address test: the
 * message's fault, not the script's; the test just does not match. */
static int
cb_message_error(sieve2_context_t *s, void *v)
{
	(void)s;
	(void)v;
	return SIEVE2_OK;
}

static sieve2_callback_t callbacks[] = {
	{ SIEVE2_SCRIPT_GETSCRIPT,	cb_getscript },
	{ SIEVE2_MESSAGE_GETHEADER,	cb_getheader },
	{ SIEVE2_MESSAGE_GETSIZE,	cb_getsize },
	{ SIEVE2_MESSAGE_GETENVELOPE,	cb_getenvelope },
	{ SIEVE2_ACTION_KEEP,		cb_keep },
	{ SIEVE2_ACTION_FILEINTO,	cb_fileinto },
	{ SIEVE2_ACTION_DISCARD,	cb_discard },
	{ SIEVE2_ACTION_REDIRECT,	cb_redirect },
	{ SIEVE2_ACTION_REJECT,		cb_reject },
	{ SIEVE2_ACTION_VACATION,	cb_vacation },
	{ SIEVE2_ERRCALL_PARSE,		cb_parse_error },
	{ SIEVE2_ERRCALL_RUNTIME,	cb_runtime_error },
	{ SIEVE2_ERRCALL_HEADER,	cb_message_error },
	{ SIEVE2_ERRCALL_ADDRESS,	cb_message_error },
	{ 0, NULL }
};

/*
 * The script with every number past what libsieve's int holds (its K, M
 * or G counted) written as the largest it holds: libsieve's overflowed
 * ("size :over 2G" was true for every message, and a discard lost all
 * mail). Comments and strings are left as they are. A new text, or NULL.
 */
static char *
numbers_clamped(const char *t, size_t n)
{
	char		*out, *o;
	size_t		 i = 0, j;
	unsigned long long v;
	int		 big;

	/* room: a number grows at most from "9G" and the byte after it
	 * (3 bytes) to 2147483647 and that byte (11), and the last from 2
	 * to 10 */
	if ((out = malloc(n * 4 + 16)) == NULL)
		return NULL;
	for (o = out; i < n; ) {
		if (t[i] == '#') {			/* to the line end */
			for (; i < n && t[i] != '\n'; i++)
				*o++ = t[i];
		} else if (t[i] == '/' && i + 1 < n && t[i + 1] == '*') {
			for (j = i + 2; j + 1 < n &&
			    !(t[j] == '*' && t[j + 1] == '/'); j++)
				;
			j = j + 2 < n ? j + 2 : n;
			memcpy(o, t + i, j - i);
			o += j - i;
			i = j;
		} else if (t[i] == '"') {
			*o++ = t[i++];
			for (; i < n && t[i] != '"'; i++) {
				if (t[i] == '\\' && i + 1 < n)
					*o++ = t[i++];
				*o++ = t[i];
			}
			if (i < n)
				*o++ = t[i++];
		} else if (n - i >= 5 && strncasecmp(t + i, "text:", 5) == 0 &&
		    (i == 0 || !isalnum((unsigned char)t[i - 1]))) {
			/* a multi-line string: to a line of "." alone */
			for (j = i; j < n && !(t[j] == '\n' && j + 1 < n &&
			    t[j + 1] == '.' && (j + 2 == n || t[j + 2] == '\n' ||
			    (t[j + 2] == '\r' && j + 3 < n &&
			    t[j + 3] == '\n'))); j++)
				;
			j = j < n ? j + 2 : n;
			memcpy(o, t + i, j - i);
			o += j - i;
			i = j;
		} else if (isdigit((unsigned char)t[i]) && (i == 0 ||
		    !(isalnum((unsigned char)t[i - 1]) || t[i - 1] == '_'))) {
			for (j = i, v = 0, big = 0; j < n &&
			    isdigit((unsigned char)t[j]); j++) {
				v = v * 10 + (unsigned long long)(t[j] - '0');
				if (v > INT_MAX)
					big = 1, v = INT_MAX;
			}
			if (j < n && strchr("kKmMgG", t[j]) != NULL) {
				v <<= strchr("kK", t[j]) ? 10 :
				    strchr("mM", t[j]) ? 20 : 30;
				j++;
			}
			if (big || v > INT_MAX)
				o += sprintf(o, "%d", INT_MAX);
			else {
				memcpy(o, t + i, j - i);
				o += j - i;
			}
			i = j;
		} else
			*o++ = t[i++];
	}
	*o = '\0';
	return out;
}

char *
sieve_read(const char *path)
{
	struct stat	 st;
	char		*text, *clamped;
	ssize_t		 got;
	size_t		 n = 0;
	int		 fd;

	/* not blocking: a FIFO is refused, never waited on */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	if ((text = malloc(SIEVE_SCRIPT_MAX + 2)) == NULL) {
		close(fd);
		return NULL;
	}
	while (n <= SIEVE_SCRIPT_MAX && (got = read(fd, text + n,
	    SIEVE_SCRIPT_MAX + 1 - n)) != 0) {
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			close(fd);
			free(text);
			return NULL;
		}
		n += (size_t)got;
	}
	close(fd);
	if (n > SIEVE_SCRIPT_MAX || memchr(text, '\0', n)) {
		free(text);
		errno = EFBIG;
		return NULL;
	}
	text[n] = '\0';
	clamped = numbers_clamped(text, n);
	free(text);
	return clamped;
}

int
sieve_run(const char *script, const char *name,
    const struct sieve_message *msg, struct sieve_outcome *out)
{
	sieve2_context_t	*ctx = NULL;
	struct run		 r;
	int			 rc;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	r.script = script;
	r.name = name;
	r.msg = msg;
	r.out = out;

	if ((rc = sieve2_alloc(&ctx)) != SIEVE2_OK ||
	    (rc = sieve2_callbacks(ctx, callbacks)) != SIEVE2_OK) {
		complain(&r, 0, "libsieve", sieve2_errstr(rc));
		goto fail;
	}
	if ((rc = sieve2_validate(ctx, &r)) != SIEVE2_OK) {
		complain(&r, 0, "libsieve", sieve2_errstr(rc));
		goto fail;
	}
	if (out->errors > 0)
		goto fail;
	if ((rc = sieve2_execute(ctx, &r)) != SIEVE2_OK) {
		complain(&r, 0, "libsieve", sieve2_errstr(rc));
		goto fail;
	}
	if (out->errors > 0)
		goto fail;
	sieve2_free(&ctx);

	/* RFC 5228 2.10.2: keep unless an action cancelled it; reject and
	 * vacation were refused, so their message is kept */
	if (!r.acted || r.refused)
		if (add_store(&r, NULL, 0) == -1)
			goto fail;
	return 0;

fail:
	if (ctx != NULL)
		sieve2_free(&ctx);
	out->nstores = 0;
	out->nredirects = 0;
	out->discarded = 0;
	out->stores[0].folder = NULL;
	out->stores[0].flags = 0;
	out->nstores = 1;
	if (out->errors == 0)
		out->errors = 1;
	log_warnx("%s: script failed; keeping the message "
	    "in the INBOX", name);
	return -1;
}

/* --- the run, bounded in time --------------------------------------------- */

/* The outcome as bytes, for the parent: counts and lengths as ints, a
 * folder of the INBOX as length -1. */
static void
put_int(struct buf *b, int v)
{
	buf_append(b, &v, sizeof(v));
}

static void
put_str(struct buf *b, const char *str)
{
	put_int(b, str != NULL ? (int)strlen(str) : -1);
	if (str != NULL)
		buf_append(b, str, strlen(str));
}

static int
take_int(const char **p, const char *end, int *v)
{
	if ((size_t)(end - *p) < sizeof(*v))
		return -1;
	memcpy(v, *p, sizeof(*v));
	*p += sizeof(*v);
	return 0;
}

static int
take_str(const char **p, const char *end, struct arena *a, const char **str)
{
	int	 n;

	if (take_int(p, end, &n) == -1 || n < -1 || n > end - *p)
		return -1;
	*str = NULL;
	if (n >= 0 && (*str = arena_strndup(a, *p, (size_t)n)) == NULL)
		return -1;
	*p += n > 0 ? n : 0;
	return 0;
}

/* The outcome from the bytes the child wrote; -1 when they do not read. */
static int
outcome_read(const struct buf *b, struct arena *a, struct sieve_outcome *out)
{
	const char	*p = b->data, *end = b->data + b->len;
	int		 i, flags;

	if (p == NULL || take_int(&p, end, &out->errors) == -1 ||
	    take_int(&p, end, &out->discarded) == -1 ||
	    take_int(&p, end, &out->nstores) == -1 ||
	    out->nstores < 0 || out->nstores > DELIVER_COPIES_MAX)
		return -1;
	for (i = 0; i < out->nstores; i++) {
		if (take_int(&p, end, &flags) == -1 ||
		    take_str(&p, end, a, &out->stores[i].folder) == -1)
			return -1;
		out->stores[i].flags = (unsigned)flags;
	}
	if (take_int(&p, end, &out->nredirects) == -1 ||
	    out->nredirects < 0 || out->nredirects > SIEVE_REDIRECTS_MAX)
		return -1;
	for (i = 0; i < out->nredirects; i++)
		if (take_str(&p, end, a, &out->redirects[i]) == -1 ||
		    out->redirects[i] == NULL)
			return -1;
	return p == end ? 0 : -1;
}

/* In the child: run, and write the outcome to fd. */
static void
child_run(int fd, const char *script, const char *name,
    const struct sieve_message *msg)
{
	struct sieve_outcome	 out;
	struct buf		 b;
	int			 i;

	(void)sieve_run(script, name, msg, &out);
	buf_init(&b, 1024 * 1024);
	put_int(&b, out.errors);
	put_int(&b, out.discarded);
	put_int(&b, out.nstores);
	for (i = 0; i < out.nstores; i++) {
		put_int(&b, (int)out.stores[i].flags);
		put_str(&b, out.stores[i].folder);
	}
	put_int(&b, out.nredirects);
	for (i = 0; i < out.nredirects; i++)
		put_str(&b, out.redirects[i]);
	_exit(b.refused == 0 && io_write(fd, b.data, b.len) == 0 ? 0 : 1);
}

/* Read fd to its end or until the deadline: 0 at the end, -1 not. */
static int
read_until(int fd, struct buf *b, const struct timespec *until)
{
	struct pollfd	 p = { fd, POLLIN, 0 };
	struct timespec	 now;
	char		 chunk[8192];
	ssize_t		 got;
	long		 ms;

	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (until->tv_sec - now.tv_sec) * 1000 +
		    (until->tv_nsec - now.tv_nsec) / 1000000;
		if (ms <= 0)
			return -1;
		if (poll(&p, 1, (int)ms) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (p.revents == 0)
			continue;
		if ((got = read(fd, chunk, sizeof(chunk))) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (got == 0)
			return 0;
		if (buf_append(b, chunk, (size_t)got) == -1)
			return -1;
	}
}

int
sieve_run_bounded(const char *script, const char *name,
    const struct sieve_message *msg, struct sieve_outcome *out)
{
	struct timespec	 until;
	struct buf	 b;
	pid_t		 pid;
	int		 p[2], status = 0, ok;

	memset(out, 0, sizeof(*out));
	if (pipe2(p, O_CLOEXEC) == -1)
		goto keep;
	if ((pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		goto keep;
	}
	if (pid == 0) {
		/* a group of its own, that deliver_abort_all stops when the
		 * delivery is (a script running on after us would run
		 * with no time limit) */
		(void)setpgid(0, 0);
		/* the delivery's handlers are not the script's (they take
		 * back the delivery's copies), and an alarm of its own ends
		 * it should the delivery be gone without stopping it */
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGUSR1, SIG_DFL);
		signal(SIGUSR2, SIG_DFL);
		signal(SIGXCPU, SIG_DFL);
		signal(SIGALRM, SIG_DFL);
		alarm(SIEVE_TIME_LIMIT + 1);
		close(p[0]);
		child_run(p[1], script, name, msg);
	}
	(void)setpgid(pid, pid);	/* (either side may be first) */
	deliver_child(pid);
	close(p[1]);
	buf_init(&b, 1024 * 1024);
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += SIEVE_TIME_LIMIT;
	ok = read_until(p[0], &b, &until) == 0;
	close(p[0]);
	if (!ok) {
		kill(pid, SIGKILL);
		log_warnx("%s: ran over %d seconds (SIEVE_TIME_LIMIT): stopped",
		    name, SIEVE_TIME_LIMIT);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			ok = 0;		/* its status is not known */
			break;
		}
	deliver_child(0);
	if (ok && (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    outcome_read(&b, msg->arena, out) == -1))
		ok = 0;
	buf_free(&b);
	if (ok)
		return out->errors > 0 ? -1 : 0;
keep:
	memset(out, 0, sizeof(*out));
	out->stores[0].folder = NULL;
	out->nstores = 1;
	out->errors = 1;
	log_warnx("%s: script not run to its end; keeping the message in the "
	    "INBOX", name);
	return -1;
}
