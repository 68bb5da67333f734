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
 * no sign of a report is accepted at its end, unread further (or, when
 * it brought X-Backscatter-* fields where we tag mail, read no further
 * and those removed at its end). Otherwise
 * the body is collected up to the program's message limit and the
 * message judged (judge.c) by the section of each recipient's domain;
 * the action of the mildest section is taken. Any internal error, a
 * message over the limit, a ledger that cannot answer: accepted, logged.
 *
 * Messages are judged at once, each in a thread of its own: the
 * configuration and its compiled rules are shared and only read (a
 * reload puts a new one in place; each message holds a reference to the
 * one it began with, and the last to let go of an old one frees it).
 * The session waits for its judgement at most milter_judge_timeout
 * (LIMIT_MILTER_JUDGE_MS): past it the message is accepted and the
 * judging abandoned, to end by the analysis's own bounds.
 *
 * On a connection whose {daemon_name} or port settings name as outgoing
 * (milter_record_*), nothing is judged: the Message-ID goes into the
 * sent ledger, and the message is accepted.
 */
#include "bsconfig.h"

#include <sys/types.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/tenths.h"
#include "read/envelope.h"
#include "read/message.h"
#include "config/config.h"
#include "evidence/ledger.h"
#include "evidence/ledger_redis.h"
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
	}		 fields[MILTER_FIELDS_MAX + 3];	/* + ours */
	int		 nfields;
	int		 passing;	/* passed unjudged: its body not
					   read, only its fields removed */
	size_t		 held;		/* bytes of msg counted in held_now */
	int		 starved;	/* held_now would pass milter_memory */
};

/* The configuration in force, and how many hold it: the reloader (as
 * long as it is in force) and each message being judged by it. */
struct conf {
	struct milter_settings	 set;
	int			 refs;		/* under conf_lock */
};

static struct conf		*conf_now;
static pthread_mutex_t		 conf_lock = PTHREAD_MUTEX_INITIALIZER;
/* ledger_record's spool names and Redis connections are the process's:
 * one outgoing message at a time (a relay's recording is short) */
static pthread_mutex_t		 recording = PTHREAD_MUTEX_INITIALIZER;
static int			 abandoned;	/* judgings running past
						   their wait; conf_lock */
static const char		*config_path = MILTER_CONFIG_DEFAULT;
static const char		*ledger_home;	/* the user's home, for "~/" */
/* The configuration file as it was when the first process started (the
 * one its first milter process ran, errors and all), and the pid file's
 * descriptor, its lock held by the first process alone. */
static struct stat		 started_conf;
static int			 pidfile_fd = -1;
static long long		 clock_now;	/* BACKSCATTER_NOW, or 0 */
/* bytes of messages held by sessions and judgings, and milter_memory's */
static atomic_size_t		 held_now, held_max;
static int			 foreground;

/* --- logging --------------------------------------------------------------- */

/* One line about a message or an event, LOG_INFO (log.h's lines are
 * warnings). */
/* --- the session ----------------------------------------------------------- */

/* Bytes held no more. */
static void
release(size_t *held)
{
	atomic_fetch_sub_explicit(&held_now, *held, memory_order_relaxed);
	*held = 0;
}

/* The session's message freed, and its bytes counted no more. */
static void
message_drop(struct session *s)
{
	message_free(&s->msg);
	memset(&s->msg, 0, sizeof(s->msg));
	release(&s->held);
}

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
	message_drop(s);
	for (i = 0; i < s->nfields; i++)
		free(s->fields[i].name);
	s->nfields = 0;
	s->failed = 0;
	s->passing = 0;
	s->starved = 0;
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

/* Append to the message, up to the limit (then oversize), while all
 * messages held stay within milter_memory (else starved). */
static void
collect(struct session *s, const void *p, size_t n)
{
	size_t	 was;

	if (s->msg.oversize || s->starved)
		return;
	/* outgoing mail to record: its header only, never refused room
	 * (a Message-ID not recorded could prove its bounce forged) */
	if (s->record) {
		if (buf_append(&s->msg.raw, p, n) == -1)
			s->msg.oversize = 1;
		return;
	}
	was = atomic_fetch_add_explicit(&held_now, n, memory_order_relaxed);
	if (was + n > atomic_load_explicit(&held_max, memory_order_relaxed)) {
		atomic_fetch_sub_explicit(&held_now, n, memory_order_relaxed);
		s->starved = 1;
		return;
	}
	s->held += n;
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

/* --- the configuration in force -------------------------------------------- */

/* A reference to the configuration in force. */
static struct conf *
conf_take(void)
{
	struct conf	*c;

	pthread_mutex_lock(&conf_lock);
	c = conf_now;
	c->refs++;
	pthread_mutex_unlock(&conf_lock);
	return c;
}

/* Let go of a reference; the last one frees it. */
static void
conf_drop(struct conf *c)
{
	int	 last;

	pthread_mutex_lock(&conf_lock);
	last = --c->refs == 0;
	pthread_mutex_unlock(&conf_lock);
	if (last) {
		settings_free(&c->set);
		free(c);
	}
}

/* Put fresh in force; messages being judged keep the one they hold. */
static void
conf_swap(struct conf *fresh)
{
	struct conf	*old;

	fresh->refs = 1;
	atomic_store_explicit(&held_max, (size_t)fresh->set.memory_mb << 20,
	    memory_order_relaxed);
	pthread_mutex_lock(&conf_lock);
	old = conf_now;
	conf_now = fresh;
	pthread_mutex_unlock(&conf_lock);
	if (old != NULL)
		conf_drop(old);
}

/* --- recording outgoing mail ----------------------------------------------- */

/*
 * An outgoing message's Message-ID goes into the ledger with its
 * recipients: the header's (To, Cc, Bcc, Resent-*), then the envelope's
 * (a Bcc is often only there), at most SENT_RECIPIENTS_MAX, as
 * --record-sent keeps them; a bounce from one of them is then proof.
 */
static void
record(SMFICTX *ctx, struct session *s)
{
	char			 id[1024], err[1024];
	const char		*rcpt[SENT_RECIPIENTS_MAX];
	const char		*raw = s->msg.raw.data ? s->msg.raw.data : "";
	struct ledger_sent	 sent;
	struct arena		 a;
	char			*path;
	struct conf		*c;
	long			 today;
	int			 rc, n, i;

	if (s->failed || ledger_message_id(raw, s->msg.raw.len, id,
	    sizeof(id)) != 1) {
		log_info("%s: outgoing, no Message-ID: not recorded",
		    queue_id(ctx));
		return;
	}
	today = (long)((clock_now ? clock_now : (long long)time(NULL)) / 86400);
	c = conf_take();
	path = config_ledger_path(&c->set.sections[0].cfg, ledger_home);
	if (path == NULL) {
		conf_drop(c);
		log_info("%s: outgoing, no sent_ledger set: not recorded",
		    queue_id(ctx));
		return;
	}
	arena_init(&a, 1024 * 1024);
	n = ledger_message_recipients(raw, s->msg.raw.len, &a, rcpt,
	    SENT_RECIPIENTS_MAX);
	for (i = 0; i < s->nrcpts && n < SENT_RECIPIENTS_MAX; i++)
		rcpt[n++] = s->rcpts[i];
	sent.message_id = id;
	sent.recipients = rcpt;
	sent.nrecipients = n;
	/* LMDB: the spool first, then merged unless another writer is at
	 * it; Redis: set, to expire after sent_ledger_expiry */
	pthread_mutex_lock(&recording);
	rc = ledger_record_sent(path, &sent, 1, today,
	    c->set.sections[0].cfg.sent_ledger_expiry, err, sizeof(err));
	pthread_mutex_unlock(&recording);
	conf_drop(c);
	arena_free(&a);
	if (rc == 0)
		log_info("%s: outgoing <%s>, %d recipient%s: recorded",
		    queue_id(ctx), id, s->nrcpts, s->nrcpts == 1 ? "" : "s");
	else if (rc == 1)
		log_info("%s: outgoing <%s>: %s", queue_id(ctx), id, err);
	else
		log_info("%s: outgoing <%s>: not recorded: %s", queue_id(ctx), id,
		    err);
	free(path);
}

/*
 * What a Redis ledger could not take (down, or slow) waits in this host's
 * local spool, and counts here; the next recording writes it, and so
 * does this thread every MILTER_REPLAY_SECONDS: the other hosts must
 * see it before the bounces of that mail come, and a relay may send
 * nothing for a while. Redis's own failures are said by ledger_redis.c.
 */
static void *
replayer(void *arg)
{
	struct conf	*c;
	char		*path, err[PATH_MAX + 512];
	long		 n, today;

	(void)arg;
	for (;;) {
		sleep(MILTER_REPLAY_SECONDS);
		c = conf_take();
		path = config_ledger_path(&c->set.sections[0].cfg, ledger_home);
		today = (long)((clock_now ? clock_now :
		    (long long)time(NULL)) / 86400);
		n = 0;
		if (path != NULL && ledger_redis_is(path)) {
			pthread_mutex_lock(&recording);
			n = ledger_redis_replay(path, today,
			    c->set.sections[0].cfg.sent_ledger_expiry, err,
			    sizeof(err));
			pthread_mutex_unlock(&recording);
		}
		conf_drop(c);
		free(path);
		if (n > 0)
			log_info("outgoing mail kept while the Redis ledger "
			    "could not be written: %ld entr%s written into it",
			    n, n == 1 ? "y" : "ies");
	}
	return NULL;
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
	if (strcmp(j->proof_rule, "BS_NOT_IN_LEDGER") == 0 ||
	    strcmp(j->proof_rule, "sent_ledger") == 0)
		return "bounce of a message we never sent";
	if (strcmp(j->proof_rule, "correspondents") == 0)
		return "automatic reply from someone we never wrote to";
	if (strcmp(j->proof_rule, "BS_DKIM_FORGED") == 0 ||
	    strcmp(j->proof_rule, "dkim") == 0)
		return "bounce of a message with a forged DKIM signature of "
		    "ours";
	return "backscatter to an address that sent no such mail";
}

/* Remove the X-Backscatter-* fields that came with the message. */
static int
remove_fields(SMFICTX *ctx, struct session *s)
{
	int	 i, k;

	for (i = 0; i < s->nfields; i++)
		for (k = s->fields[i].count; k >= 1; k--)
			if (smfi_chgheader(ctx, s->fields[i].name, k, NULL) !=
			    MI_SUCCESS)
				return -1;
	for (i = 0; i < s->nfields; i++)
		free(s->fields[i].name);
	s->nfields = 0;
	return 0;
}

/*
 * Does the milter tag mail for a section of the message's recipients
 * (headers or quarantine, by proof or not)? Then no X-Backscatter-*
 * field that came with a message may pass there, judged or not: a
 * user's filter takes them for ours.
 */
static int
tags(const struct session *s)
{
	const struct milter_section	*sec;
	struct conf			*c;
	int				 i, yes = s->rcpts_cut;

	c = conf_take();
	for (i = 0; !yes && i < (s->nrcpts > 0 ? s->nrcpts : 1); i++) {
		sec = settings_section(&c->set, s->nrcpts > 0 ? s->rcpts[i] :
		    NULL);
		yes = sec->action == ACTION_HEADERS ||
		    sec->action == ACTION_QUARANTINE ||
		    sec->proof_action == ACTION_HEADERS ||
		    sec->proof_action == ACTION_QUARANTINE;
	}
	conf_drop(c);
	return yes;
}

/* Add our fields, after removing the X-Backscatter-* fields that came. */
static int
add_fields(SMFICTX *ctx, struct session *s, const struct judgement *j)
{
	const char	*p = j->headers.data, *end, *colon, *next;
	char		 name[64];

	if (remove_fields(ctx, s) == -1)
		return -1;
	/* "Name: value\n" with "\n\t" folds, as libmilter takes them (the
	 * MTA writes the line ends of its own store; Postfix kept a CR
	 * given to it): one field at a time */
	end = p + j->headers.len;
	while (p != NULL && p < end) {
		if ((colon = memchr(p, ':', (size_t)(end - p))) == NULL ||
		    (size_t)(colon - p) >= sizeof(name))
			return -1;
		memcpy(name, p, (size_t)(colon - p));
		name[colon - p] = '\0';
		for (next = colon; (next = strchr(next, '\n')) != NULL &&
		    next + 1 < end && next[1] == '\t'; next++)
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
		p = next != NULL ? next + 1 : NULL;
	}
	return 0;
}

/*
 * One message being judged in a thread of its own, so that its session
 * can stop waiting for it (milter_judge_timeout). The message and its
 * envelope are the job's; whichever of the session and the judging
 * thread lets go last frees it.
 */
struct job {
	pthread_mutex_t		 lock;
	pthread_cond_t		 finished;
	int			 refs;		/* under lock */
	int			 done;		/* the outcome is there */
	int			 given_up;	/* the session stopped waiting */
	struct conf		*conf;
	char			 id[32];	/* the queue id, for the log */
	struct timespec		 start;
	struct message		 msg;
	char			*sender;
	char			*rcpts[LIMIT_RECIPIENTS];
	int			 nrcpts;
	int			 rcpts_cut;	/* more than LIMIT_RECIPIENTS */
	/* the outcome */
	int			 failed, have;
	struct judgement	 best;
	enum milter_action	 final;
	size_t			 held;		/* bytes of msg in held_now */
};

static void
job_drop(struct job *jb)
{
	int	 i, last;

	pthread_mutex_lock(&jb->lock);
	last = --jb->refs == 0;
	pthread_mutex_unlock(&jb->lock);
	if (!last)
		return;
	if (jb->have)
		judge_free(&jb->best);
	message_free(&jb->msg);
	release(&jb->held);
	free(jb->sender);
	for (i = 0; i < jb->nrcpts; i++)
		free(jb->rcpts[i]);
	conf_drop(jb->conf);
	pthread_cond_destroy(&jb->finished);
	pthread_mutex_destroy(&jb->lock);
	free(jb);
}

/*
 * Judge the message for each section its recipients fall in; the
 * mildest action wins (a recipient whose section says accept must get
 * it).
 */
static void
judge_all(struct job *jb)
{
	struct milter_section	*done[LIMIT_RECIPIENTS + 1], *sec;
	struct judgement	 j;
	enum milter_action	 act;
	const char		*rcpt;
	int			 ndone = 0, i, k;

	jb->final = ACTION_REJECT;
	for (i = 0; i < (jb->nrcpts > 0 ? jb->nrcpts : 1); i++) {
		rcpt = jb->nrcpts > 0 ? jb->rcpts[i] : NULL;
		sec = settings_section(&jb->conf->set, rcpt);
		for (k = 0; k < ndone && done[k] != sec; k++)
			;
		if (k < ndone)
			continue;
		done[ndone++] = sec;
		if (judge_message(sec, &jb->msg, jb->sender, rcpt, ledger_home,
		    clock_now, &j) == -1) {
			jb->failed = 1;
			judge_free(&j);
			return;
		}
		act = !j.backscatter ? (sec->action == ACTION_HEADERS ?
		    ACTION_HEADERS : ACTION_ACCEPT) : j.proof ?
		    sec->proof_action : sec->action;
		if (!jb->have || act < jb->final) {
			if (jb->have)
				judge_free(&jb->best);
			jb->best = j;
			jb->final = act;
			jb->have = 1;
		} else
			judge_free(&j);
	}
	/* recipients past LIMIT_RECIPIENTS were not looked at: one of them
	 * may be in a section that would take it, so the message is at
	 * most tagged, never refused, held or dropped for them all */
	if (jb->rcpts_cut && jb->have && jb->final > ACTION_HEADERS)
		jb->final = ACTION_HEADERS;
}

static void *
judging(void *arg)
{
	struct job	*jb = arg;
	struct timespec	 now;
	int		 given_up;

	judge_all(jb);
	pthread_mutex_lock(&jb->lock);
	jb->done = 1;
	given_up = jb->given_up;
	pthread_cond_signal(&jb->finished);
	pthread_mutex_unlock(&jb->lock);
	if (given_up) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		log_info("%s: the abandoned judging ended after %ld ms", jb->id,
		    (long)(now.tv_sec - jb->start.tv_sec) * 1000 +
		    (now.tv_nsec - jb->start.tv_nsec) / 1000000);
		pthread_mutex_lock(&conf_lock);
		abandoned--;
		pthread_mutex_unlock(&conf_lock);
	}
	job_drop(jb);
	return NULL;
}

/* A job for the session's message, which it takes; NULL when none can
 * be had (out of memory, or too many judgings abandoned still run). */
static struct job *
job_new(SMFICTX *ctx, struct session *s)
{
	struct job		*jb;
	pthread_condattr_t	 ca;
	int			 busy;

	pthread_mutex_lock(&conf_lock);
	busy = abandoned >= MILTER_ABANDONED_MAX;
	pthread_mutex_unlock(&conf_lock);
	if (busy || (jb = calloc(1, sizeof(*jb))) == NULL)
		return NULL;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&jb->finished, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&jb->lock, NULL);
	jb->refs = 2;
	jb->conf = conf_take();
	snprintf(jb->id, sizeof(jb->id), "%s", queue_id(ctx));
	jb->msg = s->msg;
	memset(&s->msg, 0, sizeof(s->msg));
	jb->held = s->held;
	s->held = 0;
	jb->sender = s->sender;
	s->sender = NULL;
	memcpy(jb->rcpts, s->rcpts, (size_t)s->nrcpts * sizeof(s->rcpts[0]));
	jb->nrcpts = s->nrcpts;
	jb->rcpts_cut = s->rcpts_cut;
	s->nrcpts = 0;
	return jb;
}

/*
 * Judge in a thread of its own and wait for it, at most the configured
 * time: 1 judged (jb's outcome is there), 0 not (accept it; said).
 */
static int
await(SMFICTX *ctx, struct job *jb)
{
	struct timespec	 until;
	pthread_attr_t	 attr;
	pthread_t	 t;
	int		 ms = jb->conf->set.judge_ms, done;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	clock_gettime(CLOCK_MONOTONIC, &jb->start);
	if (pthread_create(&t, &attr, judging, jb) != 0) {
		pthread_attr_destroy(&attr);
		jb->refs = 1;
		log_info("%s: no thread to judge it in: accepted",
		    queue_id(ctx));
		return 0;
	}
	pthread_attr_destroy(&attr);
	until = jb->start;
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&jb->lock);
	while (!jb->done && pthread_cond_timedwait(&jb->finished, &jb->lock,
	    &until) == 0)
		;
	if (!(done = jb->done)) {
		jb->given_up = 1;
		pthread_mutex_lock(&conf_lock);
		abandoned++;
		pthread_mutex_unlock(&conf_lock);
	}
	pthread_mutex_unlock(&jb->lock);
	if (!done)
		log_info("%s: judging took over %d ms (milter_judge_timeout): "
		    "abandoned, accepted", queue_id(ctx), ms);
	return done;
}

/* The milter's answer to a judged message, acted on. */
static sfsistat
answer(SMFICTX *ctx, struct session *s, struct job *jb)
{
	const struct judgement	*best = &jb->best;
	enum milter_action	 final = jb->final;
	char			 text[256], code[4], dsn[6];
	sfsistat		 rc = SMFIS_CONTINUE;

	if (jb->failed || !jb->have) {
		log_info("%s: could not be judged (internal error): accepted",
		    queue_id(ctx));
		return SMFIS_CONTINUE;
	}
	log_info("%s: %s, kind=%s score=%.1f required=%.1f%s%s: %s", queue_id(ctx),
	    best->backscatter ? "backscatter" : "not backscatter", best->kind,
	    tenths(best->score), tenths(best->required),
	    best->proof ? " proof=" : "",
	    best->proof ? best->proof_rule : "", settings_action_name(final));
	switch (final) {
	case ACTION_REJECT:
	case ACTION_TEMPFAIL:
		snprintf(text, sizeof(text), "Backscatter: %s", reason_of(best));
		snprintf(code, sizeof(code), "%s", final == ACTION_REJECT ?
		    "550" : "451");
		snprintf(dsn, sizeof(dsn), "%s", final == ACTION_REJECT ?
		    "5.7.1" : "4.7.1");
		if (smfi_setreply(ctx, code, dsn, text) != MI_SUCCESS) {
			log_info("%s: the reply could not be set: accepted",
			    queue_id(ctx));
			break;
		}
		rc = final == ACTION_REJECT ? SMFIS_REJECT : SMFIS_TEMPFAIL;
		break;
	case ACTION_DISCARD:
		rc = SMFIS_DISCARD;
		break;
	case ACTION_QUARANTINE:
		if (smfi_quarantine(ctx, (char *)"backscatter") != MI_SUCCESS)
			log_info("%s: could not be quarantined: accepted",
			    queue_id(ctx));
		/* the fields say why it is held */
		/* FALLTHROUGH */
	case ACTION_HEADERS:
		if (add_fields(ctx, s, best) == -1)
			log_info("%s: the X-Backscatter fields could not be added",
			    queue_id(ctx));
		break;
	case ACTION_ACCEPT:
		break;
	}
	return rc;
}

/* Judge the session's message: the milter's answer. */
static sfsistat
judge(SMFICTX *ctx, struct session *s)
{
	struct job	*jb;
	sfsistat	 rc = SMFIS_CONTINUE;

	if ((jb = job_new(ctx, s)) == NULL) {
		log_info("%s: not judged (%d judgings abandoned still run, or "
		    "out of memory): accepted", queue_id(ctx),
		    MILTER_ABANDONED_MAX);
		return SMFIS_CONTINUE;
	}
	if (await(ctx, jb))
		rc = answer(ctx, s, jb);
	job_drop(jb);
	return rc;
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
/* the same for every connection, written at each negotiation */
static atomic_ulong		 no_reply;
static atomic_int		 no_port_said;	/* the warning below, once */
static atomic_int		 can_skip;	/* SMFIP_SKIP: the rest of a
						   body can be refused */

/* The answer at a step: none if the MTA agreed to wait for none. */
static sfsistat
reply(unsigned long step, sfsistat answer)
{
	return (atomic_load_explicit(&no_reply, memory_order_relaxed) & step) ?
	    SMFIS_NOREPLY : answer;
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
	*pf1 = f1 & (MILTER_NO_REPLY | MILTER_NOT_SENT | SMFIP_SKIP);
	*pf2 = *pf3 = 0;
	atomic_store_explicit(&no_reply, f1 & MILTER_NO_REPLY,
	    memory_order_relaxed);
	atomic_store_explicit(&can_skip, (f1 & SMFIP_SKIP) != 0,
	    memory_order_relaxed);
	return SMFIS_CONTINUE;
}

static sfsistat
cb_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr)
{
	struct session	*s;
	const char	*daemon = smfi_getsymval(ctx, sym_daemon_name);
	const char	*port = smfi_getsymval(ctx, sym_daemon_port);
	struct conf	*c;

	(void)host;
	(void)addr;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		/* never refuse for our own trouble: accepted at once, or at
		 * the end of the header */
		return reply(SMFIP_NR_CONN, SMFIS_ACCEPT);
	c = conf_take();
	s->record = settings_records(&c->set, daemon,
	    port != NULL ? atoi(port) : 0);
	/* Postfix sends no {daemon_port} unless told: outgoing mail by
	 * port would be judged as incoming, and none recorded, silently */
	if (port == NULL && !s->record && c->set.nrecord_ports > 0 &&
	    !atomic_exchange(&no_port_said, 1))
		log_warnx("milter_record_port is set, but the MTA sends no "
		    "{daemon_port}: nothing is recorded by port (Postfix: "
		    "add {daemon_port} to milter_connect_macros)");
	conf_drop(c);
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
	int		 i, ours;

	if (s == NULL)
		return reply(SMFIP_NR_HDR, SMFIS_ACCEPT);
	collect(s, name, strlen(name));
	collect(s, ": ", 2);
	collect(s, value, strlen(value));
	collect(s, "\r\n", 2);
	if (strncasecmp(name, "X-Backscatter-", 14) == 0) {
		/* our three names always have room: other names, however
		 * many, never keep a forged Status from being removed */
		ours = strcasecmp(name + 14, "Status") == 0 ||
		    strcasecmp(name + 14, "Score") == 0 ||
		    strcasecmp(name + 14, "Level") == 0;
		for (i = 0; i < s->nfields; i++)
			if (strcasecmp(s->fields[i].name, name) == 0)
				break;
		if (i == s->nfields && (i < MILTER_FIELDS_MAX || (ours &&
		    i < MILTER_FIELDS_MAX + 3)) &&
		    (s->fields[i].name = strdup(name)) != NULL)
			s->nfields++;
		if (i < s->nfields)
			s->fields[i].count++;
	}
	return reply(SMFIP_NR_HDR, SMFIS_CONTINUE);
}

/* A message accepted unjudged: at once, or, if it came with fields to
 * remove, at its end, its body not read (skipped where the MTA allows
 * it: SMFIS_SKIP is an answer to a body chunk only). */
static sfsistat
pass(struct session *s, int in_body)
{
	if (s->nfields == 0 || !tags(s)) {
		message_reset(s);
		return SMFIS_ACCEPT;
	}
	message_drop(s);
	s->passing = 1;
	return in_body && atomic_load_explicit(&can_skip,
	    memory_order_relaxed) ? SMFIS_SKIP : SMFIS_CONTINUE;
}

/* A message that would take the milter past milter_memory: accepted
 * unjudged, said. */
static sfsistat
starved(SMFICTX *ctx, struct session *s, int in_body)
{
	log_info("%s: messages held would pass milter_memory (%zu MiB): "
	    "accepted unjudged", queue_id(ctx),
	    atomic_load_explicit(&held_max, memory_order_relaxed) >> 20);
	return pass(s, in_body);
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
	if (s->starved)
		return starved(ctx, s, 0);
	/* a plain message: nothing more to read, unless fields of ours
	 * that are not ours came with it, to be removed at its end */
	if (!s->msg.oversize && judge_plain_header(s->msg.raw.data,
	    s->msg.raw.len) == 1)
		return pass(s, 0);
	collect(s, "\r\n", 2);
	return SMFIS_CONTINUE;
}

static sfsistat
cb_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct session	*s = smfi_getpriv(ctx);

	if (s == NULL)
		return SMFIS_ACCEPT;
	if (s->passing)
		return atomic_load_explicit(&can_skip, memory_order_relaxed) ?
		    SMFIS_SKIP : SMFIS_CONTINUE;
	collect(s, chunk, len);
	if (s->starved)
		return starved(ctx, s, 1);
	/* past the limit it is not judged: stop reading it (said here:
	 * the end of the message may never come to cb_eom) */
	if (s->msg.oversize) {
		log_info("%s: over %u bytes: accepted unjudged",
		    queue_id(ctx), LIMIT_MESSAGE_BYTES);
		return pass(s, 1);
	}
	return SMFIS_CONTINUE;
}

static sfsistat
cb_eom(SMFICTX *ctx)
{
	struct session	*s = smfi_getpriv(ctx);
	sfsistat	 rc = SMFIS_ACCEPT;
	int		 strip;

	if (s == NULL)
		return SMFIS_ACCEPT;
	/* judged or not, accepted where we tag: no field of ours that is
	 * not ours passes (add_fields removes them when it adds ours) */
	strip = !s->failed && s->nfields > 0 && tags(s);
	if (s->msg.oversize)
		log_info("%s: over %u bytes: accepted unjudged",
		    queue_id(ctx), LIMIT_MESSAGE_BYTES);
	else if (!s->failed && !s->passing)
		rc = judge(ctx, s);
	if (strip && s->nfields > 0 && (rc == SMFIS_CONTINUE ||
	    rc == SMFIS_ACCEPT) && remove_fields(ctx, s) == -1)
		log_info("%s: the X-Backscatter fields that came with it could "
		    "not be removed", queue_id(ctx));
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
 * lines are logged, counted in *nerr_r, and the lines that parsed apply. */
static struct conf *
load(int *nerr_r)
{
	struct conf	*c;
	int		 nerr;

	*nerr_r = 0;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	nerr = settings_load(&c->set, config_path);
	if (c->set.errors.len > 0)
		log_lines(c->set.errors.data, c->set.errors.len);
	if (nerr == -1) {
		settings_free(&c->set);
		free(c);
		return NULL;
	}
	*nerr_r = nerr;
	return c;
}

/*
 * Started again (the milter process died) from a file with errors: the
 * settings in force before are gone (a reload of that file was refused,
 * or none was asked for), and a line dropped for its error may have put
 * a section's action back to its default (reject, for proof). No action
 * harsher than headers, then, until the file is mended and reloaded.
 */
static void
milder(struct conf *c, int nerr)
{
	struct milter_section	*sec;
	int			 i;

	for (i = 0; i < c->set.nsections; i++) {
		sec = &c->set.sections[i];
		if (sec->action > ACTION_HEADERS)
			sec->action = ACTION_HEADERS;
		if (sec->proof_action > ACTION_HEADERS)
			sec->proof_action = ACTION_HEADERS;
	}
	log_warnx("%s has %d error%s: started again with no action harsher "
	    "than headers (the settings in force before are gone); mend it "
	    "and reload", config_path, nerr, nerr == 1 ? "" : "s");
}

/* Is the configuration file another than the one the first milter
 * process started from (edited since, or replaced)? */
static int
conf_changed(void)
{
	struct stat	 st;

	return stat(config_path, &st) == -1 ||
	    st.st_dev != started_conf.st_dev ||
	    st.st_ino != started_conf.st_ino ||
	    st.st_size != started_conf.st_size ||
	    st.st_mtim.tv_sec != started_conf.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != started_conf.st_mtim.tv_nsec;
}

/* The reload thread of the milter process: SIGUSR1 from the first. */
static void *
reloader(void *arg)
{
	struct conf	*fresh;
	sigset_t	*set = arg;
	int		 sig, n;

	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		if ((fresh = load(&n)) == NULL) {
			log_info("reload: %s cannot be read; the old settings "
			    "stay", config_path);
			continue;
		}
		if (n > 0) {
			/* a typo must not put a section's action back to
			 * its default (reject, for proof) in running mail:
			 * the settings in force were checked */
			log_info("reload: %s has %d error%s; the old settings "
			    "stay", config_path, n, n == 1 ? "" : "s");
			settings_free(&fresh->set);
			free(fresh);
			continue;
		}
		n = fresh->set.nsections - 1;
		conf_swap(fresh);
		log_info("reloaded %s (%d section%s)", config_path, n,
		    n == 1 ? "" : "s");
	}
	return NULL;
}

/* --- the two processes ------------------------------------------------------ */

static volatile sig_atomic_t	 got_hup, got_term, got_chld;
/* Set by the first process before it starts a milter process again (the
 * one before died): that one's settings, reloads included, are gone. */
static int			 restarted;

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else if (sig == SIGCHLD)
		got_chld = 1;
	else
		got_term = 1;
}

/*
 * The milter process: its own user, then libmilter's loop. What ends it
 * before it listens, which starting it again would not mend, is said by
 * its status (milter_cannot_start): 67 the user, 78 the configuration,
 * 69 the socket.
 */
static int
run_milter(const char *conn, const struct passwd *pw)
{
	static sigset_t	 usr1;
	struct conf	*c;
	pthread_t	 t;
	int		 nerr;

	/* a reload asked for from the start (SIGUSR1 from the first
	 * process's SIGHUP) waits for the reload thread, never ends this
	 * process by its default action */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	if (pw != NULL && getuid() == 0 &&
	    (setgroups(0, NULL) == -1 || setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1)) {
		log_warn("cannot become %s", pw->pw_name);
		return 67;
	}
	/* the unix socket: for the MTA's group too */
	umask(007);
	if ((c = load(&nerr)) == NULL) {
		log_warnx("%s cannot be read", config_path);
		return 78;
	}
	if (nerr > 0 && restarted && conf_changed())
		milder(c, nerr);
	conf_swap(c);
	if (pthread_create(&t, NULL, reloader, &usr1) != 0 ||
	    pthread_create(&t, NULL, replayer, NULL) != 0) {
		log_warnx("cannot start the reload and replay threads");
		return 1;
	}
	if (smfi_setconn((char *)conn) != MI_SUCCESS ||
	    smfi_register(desc) != MI_SUCCESS) {
		log_warnx("%s: not a milter socket", conn);
		return 69;
	}
	if (smfi_opensocket(1) != MI_SUCCESS) {
		log_warnx("%s: cannot listen", conn);
		return 69;
	}
	log_info("listening on %s", conn);
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}

/* Did the milter process end for a reason another start would not mend? */
static int
milter_cannot_start(int status)
{
	return WIFEXITED(status) && (WEXITSTATUS(status) == 67 ||
	    WEXITSTATUS(status) == 69 || WEXITSTATUS(status) == 78);
}

static pid_t
start_milter(const char *conn, const struct passwd *pw)
{
	pid_t	 pid;

	if ((pid = fork()) == 0) {
		sigset_t	 usr1;

		signal(SIGHUP, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		/* the first's mask undone, but SIGUSR1 (a reload) held for
		 * run_milter's reload thread */
		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		sigprocmask(SIG_SETMASK, &usr1, NULL);
		/* the pid file's lock is the first process's: the milter
		 * process (another user) neither holds it nor may write */
		if (pidfile_fd != -1)
			close(pidfile_fd);
		_exit(run_milter(conn, pw));
	}
	if (pid == -1)
		log_warn("fork");
	return pid;
}

/*
 * The pid file, written and held locked (flock) while this process and
 * its milter process live: a second instance given the same file finds
 * it locked and stops (69) before it touches the file or the socket (it
 * replaced the running one's unix socket, and its end removed the pid
 * file). 0, -1 (said), or 69 (said).
 */
static int
write_pidfile(const char *path)
{
	char	 text[32], was[32];
	ssize_t	 got;
	int	 fd, n, locked;

	n = snprintf(text, sizeof(text), "%ld\n", (long)getpid());
	if ((fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0644)) == -1) {
		log_warn("%s", path);
		return -1;
	}
	locked = flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : errno;
	if (locked == EWOULDBLOCK) {
		got = read(fd, was, sizeof(was) - 1);
		was[got > 0 ? got : 0] = '\0';
		was[strcspn(was, "\n")] = '\0';
		log_warnx("%s: another backscatter-milter runs (pid %s): not "
		    "started", path, *was ? was : "unknown");
		close(fd);
		return 69;
	}
	if (locked != 0)	/* a file system without locks: written */
		log_warnx("%s: cannot be locked: %s", path, strerror(locked));
	if (ftruncate(fd, 0) == -1 || write(fd, text, (size_t)n) != n) {
		log_warn("%s", path);
		close(fd);
		return -1;
	}
	pidfile_fd = fd;	/* kept: the lock lives with the process */
	return 0;
}

/* The first process's signals, taken from its start: a SIGHUP or SIGTERM
 * while the configuration is checked is kept for supervise, never the
 * default's end of the process. */
static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/* the reads of the check before supervise go on where caught */
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
}

/* The unix socket of conn ("unix:" or "local:" and a path, or a path),
 * or NULL. */
static const char *
socket_of(const char *conn)
{
	if (strncmp(conn, "unix:", 5) == 0)
		return conn + 5;
	if (strncmp(conn, "local:", 6) == 0)
		return conn + 6;
	return conn[0] == '/' ? conn : NULL;
}

/*
 * conn's unix socket removed when the milter has stopped for good: its
 * process ends by SIGTERM's default action, and libmilter removes nothing
 * then. Only a socket is removed, never a file that took its name.
 */
static void
remove_socket(const char *conn)
{
	const char	*path = socket_of(conn);
	struct stat	 st;

	if (path != NULL && lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    unlink(path) == -1)
		log_warn("%s", path);
}

/* Does a milter listen on conn's unix socket already? (libmilter
 * removes the socket it is given, live or not.) */
static int
socket_live(const char *conn)
{
	struct sockaddr_un	 sun;
	const char		*path = socket_of(conn);
	int			 fd, live;

	if (path == NULL || strlen(path) >= sizeof(sun.sun_path))
		return 0;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	live = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
	close(fd);
	return live;
}

/* The first process: signals, the pid file, the milter kept running. */
static int
supervise(const char *conn, const struct passwd *pw, const char *pidfile)
{
	sigset_t	 block, old;
	pid_t		 child, w;
	int		 status, rc = 0;
	time_t		 started;

	if (pidfile != NULL && (rc = write_pidfile(pidfile)) != 0)
		return rc == 69 ? 69 : 1;
	if (stat(config_path, &started_conf) == -1)
		memset(&started_conf, 0, sizeof(started_conf));
	if (socket_live(conn)) {
		log_warnx("%s: another milter listens on it: not started",
		    socket_of(conn));
		if (pidfile != NULL)
			unlink(pidfile);
		return 69;
	}
	/* the signals are taken only inside sigsuspend: one that comes
	 * while the last was being handled waits there, none is lost
	 * between a check of the flags and the wait */
	sigemptyset(&block);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGCHLD);
	/* and SIGUSR1, which this process never takes: a milter process
	 * is forked with it held, so a reload sent before it holds it
	 * itself never ends it */
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	started = time(NULL);
	if ((child = start_milter(conn, pw)) == -1)
		goto out;
	for (;;) {
		while (!got_term && !got_hup && !got_chld)
			sigsuspend(&old);
		if (got_term) {
			kill(child, SIGTERM);
			while (waitpid(child, &status, 0) == -1 &&
			    errno == EINTR)
				;
			remove_socket(conn);
			break;
		}
		if (got_hup) {
			got_hup = 0;
			kill(child, SIGUSR1);
		}
		if (!got_chld)
			continue;
		got_chld = 0;
		if ((w = waitpid(child, &status, WNOHANG)) != child)
			continue;
		if (milter_cannot_start(status)) {
			/* the socket, the user or the file: said in the
			 * log; a loop of restarts would only hide it */
			log_warnx("the milter process cannot start (status "
			    "%d): stopping", WEXITSTATUS(status));
			rc = WEXITSTATUS(status);
			break;
		}
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
		restarted = 1;
		if ((child = start_milter(conn, pw)) == -1)
			break;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
out:
	if (pidfile != NULL)
		unlink(pidfile);
	log_info("stopped");
	return rc;
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
	if (!lint)
		catch_signals();
	if ((v = getenv("BACKSCATTER_NOW")) != NULL && *v != '\0' &&
	    (clock_now = envelope_clock(v)) == 0)
		log_warnx("%s", ENVELOPE_CLOCK_REFUSED);
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
	ledger_set_home(ledger_home);	/* a Redis ledger's local spool */
	if (!foreground) {
		if (daemon(0, 0) == -1) {
			log_warn("daemon");
			return 71;
		}
		log_init(MILTER_NAME, LOG_TO_MAILLOG);
	}
	return supervise(conn, pw, pidfile);
}
