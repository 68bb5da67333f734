/*
 * mode_sent.c - the sent ledger's writers: --record-sent (the Message-ID
 * of one outgoing message, from a sendmail wrapper) and --learn-sent
 * (every message of Sent folders, from cron).
 */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/limits.h"
#include "base/log.h"
#include "read/envelope.h"
#include "config/config.h"
#include "evidence/ledger.h"
#include "evidence/ledger_redis.h"
#include "cli/modes.h"

/*
 * --record-sent [SENDMAIL-ARGS]: in the way of outgoing mail, so it always
 * answers 0. The whole message has been read; its Message-ID, with its
 * recipients (To, Cc, Bcc, Resent-*, and the envelope recipients given
 * as arguments), goes into the ledger's
 * spool (where it counts at once), and the spool is merged into the
 * ledger unless another writer holds it; LMDB is given
 * LEDGER_LOCK_SECONDS for that (the watchdog then exits 0, the entry safe
 * in the spool).
 */
/* Nothing recorded: said, and the ledger marked as missing an entry
 * (ledger_mark_lost), so that no bounce is proved forged by its absence. */
static void
lost(const char *path, long today, const char *why)
{
	if (ledger_mark_lost(path, today) == 0)
		log_warnx("--record-sent: %s; nothing recorded: no message is "
		    "proved unsent by the ledger for sent_ledger_expiry days",
		    why);
	else
		log_warnx("--record-sent: %s; nothing recorded, and the loss "
		    "could not be marked", why);
}

/* What a Redis ledger at path could not take, kept on this host, written
 * into it now (a writer that sends rarely runs --record-sent with an
 * empty message from cron); a failure is said. */
static void
replay_redis(struct run *r, const char *path)
{
	char	 err[PATH_MAX + 512];
	long	 today = (long)(envelope_now(&r->env) / 86400);

	if (ledger_redis_is(path) && ledger_redis_replay(path, today,
	    LEDGER_REDIS_EXPIRY, err, sizeof(err)) == -1)
		log_warnx("--record-sent: %s", err);
}

/*
 * The envelope recipients on a sendmail command line (what a mail client
 * gives its sendmail, handed on after --record-sent by a wrapper) into
 * rcpt after its first n: options skipped, with the value of those that
 * take one (-f sender, -F name, -N, -R, -V, -B, -O, ...: sendmail(8)),
 * everything after "--" an address. The new count.
 */
static int
sendmail_recipients(char *const *argv, int argc, const char **rcpt, int n)
{
	int	 i, opts = 1;

	for (i = 0; i < argc && n < SENT_RECIPIENTS_MAX; i++) {
		if (opts && strcmp(argv[i], "--") == 0) {
			opts = 0;
			continue;
		}
		if (opts && argv[i][0] == '-' && argv[i][1] != '\0') {
			if (argv[i][2] == '\0' &&
			    strchr("BCFfhLNOpRrVX", argv[i][1]) != NULL)
				i++;	/* its value is the next word */
			continue;
		}
		if (strchr(argv[i], '@') != NULL &&
		    strlen(argv[i]) <= LIMIT_ADDRESS)
			rcpt[n++] = argv[i];
	}
	return n;
}

int
mode_record_sent(struct run *r)
{
	struct ledger		*l = NULL;
	struct ledger_sent	 sent;
	struct arena		 a;
	const char		*rcpt[SENT_RECIPIENTS_MAX];
	const char		*raw = r->msg.raw.data ? r->msg.raw.data : "";
	char			 id[1024], err[PATH_MAX + 512], *path;
	long			 today;
	int			 spooled, n, i;

	if ((path = config_ledger_path(&r->cfg, r->env.home)) == NULL) {
		log_warnx("--record-sent: no sent_ledger and no $HOME");
		return EX_OK;
	}
	if (!ledger_message_id(raw, r->msg.raw.len, id, sizeof(id))) {
		/* none (an empty one from cron): what a Redis ledger could
		 * not take is written into it all the same */
		if (r->msg.raw.len > 0)
			log_warnx("--record-sent: the message has no "
			    "Message-ID; nothing recorded");
		replay_redis(r, path);
		free(path);
		return EX_OK;
	}
	/* its recipients: the header's, then the envelope's (the
	 * addresses after the options; a Bcc is often only there) */
	arena_init(&a, 1024 * 1024);
	n = ledger_message_recipients(raw, r->msg.raw.len, &a, rcpt,
	    SENT_RECIPIENTS_MAX);
	for (i = 0; i < r->opt->npaths && n < SENT_RECIPIENTS_MAX; i++)
		if (strchr(r->opt->paths[i], '@') != NULL &&
		    r->opt->paths[i][0] != '-' &&
		    strlen(r->opt->paths[i]) <= LIMIT_ADDRESS)
			rcpt[n++] = r->opt->paths[i];
	n = sendmail_recipients(r->opt->sendmail, r->opt->nsendmail, rcpt, n);
	sent.message_id = id;
	sent.recipients = rcpt;
	sent.nrecipients = n;
	today = (long)(envelope_now(&r->env) / 86400);
	if (ledger_redis_is(path)) {
		/* Redis down: kept on this host for the next writer, or
		 * lost (and marked) when that cannot be either */
		if (ledger_spool_sent(path, &sent, 1, today, err,
		    sizeof(err)) != 0)
			log_warnx("--record-sent: %s", err);
		arena_free(&a);
		free(path);
		return EX_OK;
	}
	spooled = ledger_spool_sent(path, &sent, 1, today, err,
	    sizeof(err)) == 0;
	if (!spooled)
		log_warnx("--record-sent: %s; writing the ledger itself", err);
	run_alarm(r, spooled ? "backscatter: --record-sent: the ledger not "
	    "had within " LIMIT_TEXT(LEDGER_LOCK_SECONDS) " seconds; the "
	    "entry stays in its spool\n" : "backscatter: --record-sent: the "
	    "ledger not had within " LIMIT_TEXT(LEDGER_LOCK_SECONDS)
	    " seconds; nothing recorded\n", LEDGER_LOCK_SECONDS);
	if (spooled) {
		if (ledger_merge_spool(path, today, r->cfg.sent_ledger_expiry,
		    err, sizeof(err)) == -1)
			log_warnx("--record-sent: %s; the Message-ID is kept "
			    "in the spool", err);
	} else if (ledger_open(path, 1, &l, err, sizeof(err)) == -1)
		lost(path, today, err);
	else if (ledger_add_sent(l, &sent, 1, today) == -1)
		lost(path, today, path);
	ledger_close(l);
	run_alarm_off(r);
	arena_free(&a);
	free(path);
	return EX_OK;
}

/* --learn-sent PATH...: Sent folders into the ledger, incrementally. */
int
mode_learn_sent(struct run *r)
{
	struct ledger	*l;
	char		 err[1024], *path;
	long long	 now = envelope_now(&r->env);
	long		 seen, added;
	int		 i, rc = EX_OK;

	if ((path = config_ledger_path(&r->cfg, r->env.home)) == NULL) {
		log_warnx("no sent_ledger and no $HOME");
		return EX_ERROR;
	}
	if (ledger_open(path, 1, &l, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		free(path);
		return EX_ERROR;
	}
	/* what --record-sent left in the spool */
	if (ledger_merge(l) == -1) {
		log_warnx("%s: cannot merge the spool", path);
		rc = EX_ERROR;
	}
	for (i = 0; i < r->opt->npaths; i++) {
		seen = added = 0;
		if (ledger_learn(l, r->opt->paths[i], now, &seen, &added,
		    err, sizeof(err)) == -1) {
			log_warnx("%s", err);
			rc = EX_ERROR;
		}
		printf("%s: %ld new messages, %ld Message-IDs recorded\n",
		    r->opt->paths[i], seen, added);
	}
	(void)ledger_prune(l, (long)(now / 86400), r->cfg.sent_ledger_expiry,
	    0);
	ledger_close(l);
	free(path);
	/* a report that could not be written is a failure, as --scan's
	 * is (a cron job reads the exit status) */
	if (fflush(stdout) == EOF || ferror(stdout)) {
		log_warnx("writing the report: %s", strerror(errno));
		rc = EX_ERROR;
	}
	return rc;
}
