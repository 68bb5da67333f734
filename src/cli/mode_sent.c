/*
 * mode_sent.c - the sent ledger's writers: --record-sent (the Message-ID
 * of one outgoing message, from a sendmail wrapper) and --learn-sent
 * (every message of Sent folders, from cron).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/log.h"
#include "read/envelope.h"
#include "config/config.h"
#include "evidence/ledger.h"
#include "cli/modes.h"

/*
 * --record-sent: in the way of outgoing mail, so it always answers 0. The
 * whole message has been read; the ledger's lock is waited for
 * LEDGER_LOCK_SECONDS at most (the watchdog then exits 0, nothing
 * written).
 */
int
mode_record_sent(struct run *r)
{
	struct ledger	*l;
	const char	*ids[1];
	char		 id[1024], err[512], *path;
	long		 today;

	if (!ledger_message_id(r->msg.raw.data ? r->msg.raw.data : "",
	    r->msg.raw.len, id, sizeof(id))) {
		log_warnx("--record-sent: the message has no Message-ID; "
		    "nothing recorded");
		return EX_OK;
	}
	if ((path = config_ledger_path(&r->cfg, r->env.home)) == NULL) {
		log_warnx("--record-sent: no sent_ledger and no $HOME");
		return EX_OK;
	}
	today = (long)(envelope_now(&r->env) / 86400);
	alarm(LEDGER_LOCK_SECONDS);
	if (ledger_open(path, 1, &l, err, sizeof(err)) == -1)
		log_warnx("--record-sent: %s", err);
	else {
		ids[0] = id;
		if (ledger_add(l, ids, 1, today) == -1)
			log_warnx("--record-sent: %s: cannot write", path);
		(void)ledger_prune(l, today, r->cfg.sent_ledger_expiry, 0);
		ledger_close(l);
	}
	alarm(0);
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
	return rc;
}
