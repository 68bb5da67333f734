/*
 * milter.c - backscatter-milter: the per-message program's judgement at
 * SMTP time, for a whole domain (backscatter-milter(8)).
 *
 * Two processes. The first stays as it started (root, usually): it
 * writes the pid file, turns SIGHUP into a reload and SIGTERM into a
 * stop for the second, and starts the second again if it dies. The
 * second drops to its own user and speaks the milter protocol through
 * libmilter. The split is libmilter's doing: its signal thread stops the
 * milter on SIGHUP, so the reload reaches the milter as SIGUSR1, which
 * libmilter leaves alone.
 *
 * Per message: the envelope and the header are collected; a header with
 * no sign of a report is accepted at its end, unread further. Otherwise
 * the body is collected up to the program's message limit and the
 * message judged (judge.c) by the section of each recipient's domain;
 * the action of the mildest section is taken. Any internal error, a
 * message over the limit, a ledger that cannot answer: accepted, logged.
 *
 * On a connection whose {daemon_name} or port settings name as outgoing
 * (milter_record_*), nothing is judged: the Message-ID goes into the
 * sent ledger, and the message is accepted.
 */
#include "bsconfig.h"

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/log.h"
#include "read/message.h"
#include "config/config.h"
#include "evidence/ledger.h"
#include "milter/judge.h"
#include "milter/settings.h"

#define MILTER_NAME		"backscatter-milter"
#define MILTER_CONFIG_DEFAULT	SYSCONFDIR "/backscatter/milter.conf"
#define MILTER_USER_DEFAULT	"backscatter"
/* Seconds between restarts of a milter process that died. */
#define MILTER_RESTART_PAUSE	1

/* One SMTP connection, and the message being received on it. */
struct session {
	int		 record;	/* outgoing: record, never judge */
	char		*sender;	/* MAIL FROM without <>; "" null */
	char		*rcpts[LIMIT_RECIPIENTS];
	int		 nrcpts;
	int		 rcpts_cut;	/* more than LIMIT_RECIPIENTS */
	struct message	 msg;		/* Return-Path, header, body */
	int		 failed;	/* out of memory: accept */
	struct {
		char	*name;
		int	 count;
	}		 fields[MILTER_FIELDS_MAX];
	int		 nfields;
};

static struct milter_settings	*settings;	/* under judging */
static pthread_mutex_t		 judging = PTHREAD_MUTEX_INITIALIZER;
static const char		*config_path = MILTER_CONFIG_DEFAULT;
static const char		*ledger_home;	/* the user's home, for "~/" */
static long long		 clock_now;	/* BACKSCATTER_NOW, or 0 */
static int			 foreground;

/* --- logging --------------------------------------------------------------- */

/* One line about a message or an event, LOG_INFO (log.h's lines are
 * warnings). */
/* --- the session ----------------------------------------------------------- */

static void
message_reset(struct session *s)
{
	int	 i;

	free(s->sender);
	s->sender = NULL;
	for (i = 0; i < s->nrcpts; i++)
		free(s->rcpts[i]);
	s->nrcpts = 0;
	s->rcpts_cut = 0;
	message_free(&s->msg);
	memset(&s->msg, 0, sizeof(s->msg));
	for (i = 0; i < s->nfields; i++)
		free(s->fields[i].name);
	s->nfields = 0;
	s->failed = 0;
}

/* An address as the MTA gave it, without its angle brackets. */
static char *
unbracket(const char *a)
{
	size_t	 n;

	if (a == NULL)
		return strdup("");
	while (*a == ' ')
		a++;
	if (*a == '<')
		a++;
	n = strcspn(a, ">");
	return strndup(a, n);
}

/* Append to the message, up to the limit (then oversize). */
static void
collect(struct session *s, const void *p, size_t n)
{
	if (s->msg.oversize)
		return;
	if (buf_append(&s->msg.raw, p, n) == -1)
		s->msg.oversize = 1;
}

/* libmilter takes the macro names as char *: our own copies */
static char	 sym_queue_id[] = "i";
static char	 sym_daemon_name[] = "{daemon_name}";
static char	 sym_daemon_port[] = "{daemon_port}";

static const char *
queue_id(SMFICTX *ctx)
{
	const char	*id = smfi_getsymval(ctx, sym_queue_id);

	return id != NULL ? id : "-";
}

/* --- recording outgoing mail ----------------------------------------------- */

static void
record(SMFICTX *ctx, struct session *s)
{
	char		 id[1024], err[1024];
	const char	*ids[1];
	char		*path;
	long		 today;
	int		 rc;

	if (s->failed || ledger_message_id(s->msg.raw.data ? s->msg.raw.data :
	    "", s->msg.raw.len, id, sizeof(id)) != 1) {
		log_info("%s: outgoing, no Message-ID: not recorded",
		    queue_id(ctx));
		return;
	}
	today = (long)((clock_now ? clock_now : (long long)time(NULL)) / 86400);
	ids[0] = id;
	pthread_mutex_lock(&judging);
	path = config_ledger_path(&settings->sections[0].cfg, ledger_home);
	if (path == NULL) {
		pthread_mutex_unlock(&judging);
		log_info("%s: outgoing, no sent_ledger set: not recorded",
		    queue_id(ctx));
		return;
	}
	/* LMDB: the spool first, then merged unless another writer is at
	 * it; Redis: set, to expire after sent_ledger_expiry */
	rc = ledger_record(path, ids, 1, today,
	    settings->sections[0].cfg.sent_ledger_expiry, err, sizeof(err));
	pthread_mutex_unlock(&judging);
	if (rc == 0)
		log_info("%s: outgoing <%s>, %d recipient%s: recorded",
		    queue_id(ctx), id, s->nrcpts, s->nrcpts == 1 ? "" : "s");
	else
		log_info("%s: outgoing <%s>: not recorded: %s", queue_id(ctx), id,
		    err);
	free(path);
}

/* --- judging ------------------------------------------------------------- */

/* Why a message was refused, in a few words for the SMTP reply. */
static const char *
reason_of(const struct judgement *j)
{
	if (j->proof_rule == NULL)
		return "backscatter to an address that sent no such mail";
	if (strcmp(j->proof_rule, "BS_BATV_BAD") == 0)
		return "bounce to a BATV tag we did not make";
	if (strcmp(j->proof_rule, "BS_BATV_MISSING") == 0)
		return "bounce to an address without our BATV tag";
	if (strcmp(j->proof_rule, "BS_NOT_IN_LEDGER") == 0)
		return "bounce of a message we never sent";
	return "bounce of a message with a forged DKIM signature of ours";
}

/* Add our fields, after removing the X-Backscatter-* fields that came. */
static int
add_fields(SMFICTX *ctx, struct session *s, const struct judgement *j)
{
	const char	*p = j->headers.data, *end, *colon, *next;
	char		 name[64];
	int		 i, k;

	for (i = 0; i < s->nfields; i++)
		for (k = s->fields[i].count; k >= 1; k--)
			if (smfi_chgheader(ctx, s->fields[i].name, k, NULL) !=
			    MI_SUCCESS)
				return -1;
	/* "Name: value\r\n" with "\r\n\t" folds: one field at a time */
	end = p + j->headers.len;
	while (p != NULL && p < end) {
		if ((colon = memchr(p, ':', (size_t)(end - p))) == NULL ||
		    (size_t)(colon - p) >= sizeof(name))
			return -1;
		memcpy(name, p, (size_t)(colon - p));
		name[colon - p] = '\0';
		for (next = colon; (next = strstr(next, "\r\n")) != NULL &&
		    next + 2 < end && next[2] == '\t'; next += 2)
			;
		{
			char	*value = strndup(colon + 2, next != NULL ?
			    (size_t)(next - colon - 2) : strlen(colon + 2));
			int	 rc;

			if (value == NULL)
				return -1;
			rc = smfi_addheader(ctx, name, value);
			free(value);
			if (rc != MI_SUCCESS)
				return -1;
		}
		p = next != NULL ? next + 2 : NULL;
	}
	return 0;
}

/*
 * Judge the message for each section its recipients fall in; the
 * mildest action wins (a recipient whose section says accept must get
 * it). Returns the milter's answer.
 */
static sfsistat
judge(SMFICTX *ctx, struct session *s)
{
	struct milter_section	*done[LIMIT_RECIPIENTS + 1], *sec;
	struct judgement	 j, best;
	enum milter_action	 act, final = ACTION_REJECT;
	const char		*rcpt;
	int			 ndone = 0, i, k, have = 0, failed = 0;
	char			 text[256], code[4], dsn[6];
	sfsistat		 answer = SMFIS_CONTINUE;

	memset(&best, 0, sizeof(best));
	pthread_mutex_lock(&judging);
	for (i = 0; i < (s->nrcpts > 0 ? s->nrcpts : 1); i++) {
		rcpt = s->nrcpts > 0 ? s->rcpts[i] : NULL;
		sec = settings_section(settings, rcpt);
		for (k = 0; k < ndone && done[k] != sec; k++)
			;
		if (k < ndone)
			continue;
		done[ndone++] = sec;
		if (judge_message(sec, &s->msg, s->sender, rcpt, clock_now,
		    &j) == -1) {
			failed = 1;
			judge_free(&j);
			break;
		}
		act = !j.backscatter ? (sec->action == ACTION_HEADERS ?
		    ACTION_HEADERS : ACTION_ACCEPT) : j.proof ?
		    sec->proof_action : sec->action;
		if (!have || act < final) {
			if (have)
				judge_free(&best);
			best = j;
			final = act;
			have = 1;
		} else
			judge_free(&j);
	}
	pthread_mutex_unlock(&judging);
	if (failed || !have) {
		log_info("%s: could not be judged (internal error): accepted",
		    queue_id(ctx));
		if (have)
			judge_free(&best);
		return SMFIS_CONTINUE;
	}
	log_info("%s: %s, kind=%s score=%.1f required=%.1f%s%s: %s", queue_id(ctx),
	    best.backscatter ? "backscatter" : "not backscatter", best.kind,
	    best.score, best.required, best.proof ? " proof=" : "",
	    best.proof ? best.proof_rule : "", settings_action_name(final));
	switch (final) {
	case ACTION_REJECT:
	case ACTION_TEMPFAIL:
		snprintf(text, sizeof(text), "Backscatter: %s", reason_of(&best));
		snprintf(code, sizeof(code), "%s", final == ACTION_REJECT ?
		    "550" : "451");
		snprintf(dsn, sizeof(dsn), "%s", final == ACTION_REJECT ?
		    "5.7.1" : "4.7.1");
		if (smfi_setreply(ctx, code, dsn, text) != MI_SUCCESS) {
			log_info("%s: the reply could not be set: accepted",
			    queue_id(ctx));
			break;
		}
		answer = final == ACTION_REJECT ? SMFIS_REJECT : SMFIS_TEMPFAIL;
		break;
	case ACTION_DISCARD:
		answer = SMFIS_DISCARD;
		break;
	case ACTION_QUARANTINE:
		if (smfi_quarantine(ctx, (char *)"backscatter") != MI_SUCCESS)
			log_info("%s: could not be quarantined: accepted",
			    queue_id(ctx));
		/* the fields say why it is held */
		/* FALLTHROUGH */
	case ACTION_HEADERS:
		if (add_fields(ctx, s, &best) == -1)
			log_info("%s: the X-Backscatter fields could not be added",
			    queue_id(ctx));
		break;
	case ACTION_ACCEPT:
		break;
	}
	judge_free(&best);
	return answer;
}

/* --- the callbacks --------------------------------------------------------- */

/*
 * The steps the MTA agreed not to wait for an answer to (SMFIP_NR_*):
 * the same for every connection of an MTA. Each answer there is a round
 * trip saved; a milter that may only accept at those steps loses nothing
 * by answering at the end of the header instead.
 */
#define MILTER_NO_REPLY	(SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL | \
	SMFIP_NR_RCPT | SMFIP_NR_HDR)
#define MILTER_NOT_SENT	(SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA)
static volatile unsigned long	 no_reply;

/* The answer at a step: none if the MTA agreed to wait for none. */
static sfsistat
reply(unsigned long step, sfsistat answer)
{
	return (no_reply & step) ? SMFIS_NOREPLY : answer;
}

static sfsistat
cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	(void)ctx;
	(void)f2;
	(void)f3;
	*pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE);
	*pf1 = f1 & (MILTER_NO_REPLY | MILTER_NOT_SENT);
	*pf2 = *pf3 = 0;
	no_reply = f1 & MILTER_NO_REPLY;
	return SMFIS_CONTINUE;
}

static sfsistat
cb_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr)
{
	struct session	*s;
	const char	*daemon = smfi_getsymval(ctx, sym_daemon_name);
	const char	*port = smfi_getsymval(ctx, sym_daemon_port);

	(void)host;
	(void)addr;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		/* never refuse for our own trouble: accepted at once, or at
		 * the end of the header */
		return reply(SMFIP_NR_CONN, SMFIS_ACCEPT);
	pthread_mutex_lock(&judging);
	s->record = settings_records(settings, daemon,
	    port != NULL ? atoi(port) : 0);
	pthread_mutex_unlock(&judging);
	smfi_setpriv(ctx, s);
	return reply(SMFIP_NR_CONN, SMFIS_CONTINUE);
}

static sfsistat
cb_envfrom(SMFICTX *ctx, char **argv)
{
	struct session	*s = smfi_getpriv(ctx);

	if (s == NULL)
		return reply(SMFIP_NR_MAIL, SMFIS_ACCEPT);
	message_reset(s);
	buf_init(&s->msg.raw, LIMIT_MESSAGE_BYTES + 1);
	if ((s->sender = unbracket(argv[0])) == NULL) {
		s->failed = 1;
		return reply(SMFIP_NR_MAIL, SMFIS_CONTINUE);
	}
	/* as local delivery writes it, and the per-message program reads */
	collect(s, "Return-Path: <", 14);
	collect(s, s->sender, strlen(s->sender));
	collect(s, ">\r\n", 3);
	return reply(SMFIP_NR_MAIL, SMFIS_CONTINUE);
}

static sfsistat
cb_envrcpt(SMFICTX *ctx, char **argv)
{
	struct session	*s = smfi_getpriv(ctx);

	if (s == NULL)
		return reply(SMFIP_NR_RCPT, SMFIS_ACCEPT);
	if (s->nrcpts == LIMIT_RECIPIENTS)
		s->rcpts_cut = 1;
	else if ((s->rcpts[s->nrcpts] = unbracket(argv[0])) != NULL)
		s->nrcpts++;
	else
		s->failed = 1;
	return reply(SMFIP_NR_RCPT, SMFIS_CONTINUE);
}

static sfsistat
cb_header(SMFICTX *ctx, char *name, char *value)
{
	struct session	*s = smfi_getpriv(ctx);
	int		 i;

	if (s == NULL)
		return reply(SMFIP_NR_HDR, SMFIS_ACCEPT);
	collect(s, name, strlen(name));
	collect(s, ": ", 2);
	collect(s, value, strlen(value));
	collect(s, "\r\n", 2);
	if (strncasecmp(name, "X-Backscatter-", 14) == 0) {
		for (i = 0; i < s->nfields; i++)
			if (strcasecmp(s->fields[i].name, name) == 0)
				break;
		if (i == s->nfields && i < MILTER_FIELDS_MAX &&
		    (s->fields[i].name = strdup(name)) != NULL)
			s->nfields++;
		if (i < s->nfields)
			s->fields[i].count++;
	}
	return reply(SMFIP_NR_HDR, SMFIS_CONTINUE);
}

static sfsistat
cb_eoh(SMFICTX *ctx)
{
	struct session	*s = smfi_getpriv(ctx);

	if (s == NULL || s->failed)
		return SMFIS_ACCEPT;
	if (s->record) {
		record(ctx, s);
		return SMFIS_ACCEPT;
	}
	/* a plain message: nothing more to read */
	if (!s->msg.oversize && judge_plain_header(s->msg.raw.data,
	    s->msg.raw.len) == 1)
		return SMFIS_ACCEPT;
	collect(s, "\r\n", 2);
	return SMFIS_CONTINUE;
}

static sfsistat
cb_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct session	*s = smfi_getpriv(ctx);

	if (s == NULL)
		return SMFIS_ACCEPT;
	collect(s, chunk, len);
	/* past the limit it is not judged: stop reading it */
	return s->msg.oversize ? SMFIS_ACCEPT : SMFIS_CONTINUE;
}

static sfsistat
cb_eom(SMFICTX *ctx)
{
	struct session	*s = smfi_getpriv(ctx);
	sfsistat	 rc;

	if (s == NULL || s->failed || s->msg.oversize) {
		if (s != NULL && s->msg.oversize)
			log_info("%s: over %u bytes: accepted unjudged",
			    queue_id(ctx), LIMIT_MESSAGE_BYTES);
		return SMFIS_ACCEPT;
	}
	rc = judge(ctx, s);
	message_reset(s);
	return rc;
}

static sfsistat
cb_abort(SMFICTX *ctx)
{
	struct session	*s = smfi_getpriv(ctx);

	if (s != NULL)
		message_reset(s);
	return SMFIS_CONTINUE;
}

static sfsistat
cb_close(SMFICTX *ctx)
{
	struct session	*s = smfi_getpriv(ctx);

	if (s != NULL) {
		message_reset(s);
		free(s);
		smfi_setpriv(ctx, NULL);
	}
	return SMFIS_CONTINUE;
}

static struct smfiDesc desc = {
	.xxfi_name = (char *)MILTER_NAME,
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE,
	.xxfi_connect = cb_connect,
	.xxfi_envfrom = cb_envfrom,
	.xxfi_envrcpt = cb_envrcpt,
	.xxfi_header = cb_header,
	.xxfi_eoh = cb_eoh,
	.xxfi_body = cb_body,
	.xxfi_eom = cb_eom,
	.xxfi_abort = cb_abort,
	.xxfi_close = cb_close,
	.xxfi_negotiate = cb_negotiate,
};

/* --- configuration --------------------------------------------------------- */

/* Load the settings; NULL when the file cannot be read at all. Errors in
 * lines are logged, and the lines that parsed apply. */
static struct milter_settings *
load(void)
{
	struct milter_settings	*s;
	int			 nerr;

	if ((s = malloc(sizeof(*s))) == NULL)
		return NULL;
	nerr = settings_load(s, config_path);
	if (s->errors.len > 0)
		log_lines(s->errors.data, s->errors.len);
	if (nerr == -1) {
		settings_free(s);
		free(s);
		return NULL;
	}
	return s;
}

/* The reload thread of the milter process: SIGUSR1 from the first. */
static void *
reloader(void *arg)
{
	struct milter_settings	*fresh, *old;
	sigset_t		*set = arg;
	int			 sig;

	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		if ((fresh = load()) == NULL) {
			log_info("reload: %s cannot be read; the old settings "
			    "stay", config_path);
			continue;
		}
		pthread_mutex_lock(&judging);
		old = settings;
		settings = fresh;
		pthread_mutex_unlock(&judging);
		settings_free(old);
		free(old);
		log_info("reloaded %s (%d section%s)", config_path,
		    fresh->nsections - 1, fresh->nsections == 2 ? "" : "s");
	}
	return NULL;
}

/* --- the two processes ------------------------------------------------------ */

static volatile sig_atomic_t	 got_hup, got_term;

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
}

/* The milter process: its own user, then libmilter's loop. */
static int
run_milter(const char *conn, const struct passwd *pw)
{
	static sigset_t	 usr1;
	pthread_t	 t;

	if (pw != NULL && getuid() == 0 &&
	    (setgroups(0, NULL) == -1 || setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1)) {
		log_warn("cannot become %s", pw->pw_name);
		return 1;
	}
	/* the unix socket: for the MTA's group too */
	umask(007);
	if ((settings = load()) == NULL) {
		log_warnx("%s cannot be read", config_path);
		return 1;
	}
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	if (pthread_create(&t, NULL, reloader, &usr1) != 0) {
		log_warnx("cannot start the reload thread");
		return 1;
	}
	if (smfi_setconn((char *)conn) != MI_SUCCESS ||
	    smfi_register(desc) != MI_SUCCESS) {
		log_warnx("%s: not a milter socket", conn);
		return 1;
	}
	if (smfi_opensocket(1) != MI_SUCCESS) {
		log_warnx("%s: cannot listen", conn);
		return 1;
	}
	log_info("listening on %s", conn);
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}

static pid_t
start_milter(const char *conn, const struct passwd *pw)
{
	pid_t	 pid;

	if ((pid = fork()) == 0) {
		signal(SIGHUP, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		_exit(run_milter(conn, pw));
	}
	if (pid == -1)
		log_warn("fork");
	return pid;
}

static int
write_pidfile(const char *path)
{
	char	 text[32];
	int	 fd, n;

	n = snprintf(text, sizeof(text), "%ld\n", (long)getpid());
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0644)) == -1 || write(fd, text, (size_t)n) != n) {
		log_warn("%s", path);
		if (fd != -1)
			close(fd);
		return -1;
	}
	return close(fd);
}

/* The first process: signals, the pid file, the milter kept running. */
static int
supervise(const char *conn, const struct passwd *pw, const char *pidfile)
{
	struct sigaction sa;
	sigset_t	 block, old;
	pid_t		 child, w;
	int		 status;
	time_t		 started;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (pidfile != NULL && write_pidfile(pidfile) == -1)
		return 1;
	sigemptyset(&block);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	started = time(NULL);
	if ((child = start_milter(conn, pw)) == -1)
		goto out;
	for (;;) {
		w = waitpid(child, &status, 0);
		sigprocmask(SIG_BLOCK, &block, &old);
		if (got_term) {
			kill(child, SIGTERM);
			sigprocmask(SIG_SETMASK, &old, NULL);
			while (waitpid(child, &status, 0) == -1 &&
			    errno == EINTR)
				;
			break;
		}
		if (got_hup) {
			got_hup = 0;
			kill(child, SIGUSR1);
		}
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (w != child)
			continue;
		/* it died: again, but not in a tight loop */
		log_warnx("the milter process ended (%s %d); starting it "
		    "again", WIFSIGNALED(status) ? "signal" : "status",
		    WIFSIGNALED(status) ? WTERMSIG(status) :
		    WEXITSTATUS(status));
		if (time(NULL) - started < MILTER_RESTART_PAUSE)
			sleep(MILTER_RESTART_PAUSE);
		if (got_term)
			break;
		started = time(NULL);
		if ((child = start_milter(conn, pw)) == -1)
			break;
	}
out:
	if (pidfile != NULL)
		unlink(pidfile);
	log_info("stopped");
	return 0;
}

static void
usage(void)
{
	fputs("usage: backscatter-milter [-fnV] [-c config] [-P pidfile] "
	    "[-u user] -p socket\n", stderr);
	exit(64);
}

int
main(int argc, char *argv[])
{
	struct milter_settings	 check;
	struct passwd		*pw = NULL;
	const char		*conn = NULL, *user = NULL, *pidfile = NULL;
	const char		*v;
	int			 ch, lint = 0, nerr;

	opterr = 0;
	while ((ch = getopt(argc, argv, "c:fnp:P:u:V")) != -1) {
		switch (ch) {
		case 'c': config_path = optarg; break;
		case 'f': foreground = 1; break;
		case 'n': lint = 1; break;
		case 'p': conn = optarg; break;
		case 'P': pidfile = optarg; break;
		case 'u': user = optarg; break;
		case 'V':
			printf("backscatter-milter %s\n", PACKAGE_VERSION);
			return 0;
		default: usage();
		}
	}
	if (argc != optind || (conn == NULL && !lint))
		usage();
	log_init(MILTER_NAME, LOG_TO_STDERR | LOG_TO_MAILLOG);
	if ((v = getenv("BACKSCATTER_NOW")) != NULL && *v != '\0')
		clock_now = atoll(v);
	/* the configuration is checked before anything starts */
	nerr = settings_load(&check, config_path);
	if (lint || nerr != 0) {
		log_lines(check.errors.data, check.errors.len);
		if (lint) {
			/* what each section does, for the one checking */
			for (ch = 0; nerr == 0 && ch < check.nsections; ch++)
				printf("%s: milter_action %s, "
				    "milter_proof_action %s\n",
				    check.sections[ch].domain != NULL ?
				    check.sections[ch].domain : "(default)",
				    settings_action_name(check.sections[ch].action),
				    settings_action_name(
				    check.sections[ch].proof_action));
			settings_free(&check);
			return nerr == 0 ? 0 : 78;
		}
	}
	settings_free(&check);
	if (nerr == -1)
		return 78;
	if (getuid() == 0) {
		if (user == NULL)
			user = MILTER_USER_DEFAULT;
		if ((pw = getpwnam(user)) == NULL || pw->pw_uid == 0) {
			log_warnx("user %s: %s; name an unprivileged user with "
			    "-u", user, pw == NULL ? "no such user" : "is root");
			return 67;
		}
		ledger_home = strdup(pw->pw_dir);
	} else if ((v = getenv("HOME")) != NULL && *v == '/')
		ledger_home = v;
	if (!foreground) {
		if (daemon(0, 0) == -1) {
			log_warn("daemon");
			return 71;
		}
		log_init(MILTER_NAME, LOG_TO_MAILLOG);
	}
	return supervise(conn, pw, pidfile);
}
