/*
 * mode_sent.c - the sent ledger's writers: --record-sent (the Message-ID
 * of one outgoing message, from a sendmail wrapper) and --learn-sent
 * (every message of Sent folders, from cron).
 */
#include <limits.h>
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
 * whole message has been read; its Message-ID goes into the ledger's
 * spool (where it counts at once), and the spool is merged into the
 * ledger unless another writer holds it; LMDB is given
 * LEDGER_LOCK_SECONDS for that (the watchdog then exits 0, the entry safe
 * in the spool).
 */
int
mode_record_sent(struct run *r)
{
	struct ledger	*l = NULL;
	const char	*ids[1];
	char		 id[1024], err[PATH_MAX + 512], *path;
	long		 today;
	int		 spooled;

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
	ids[0] = id;
	spooled = ledger_spool(path, ids, 1, today, err, sizeof(err)) == 0;
	if (!spooled)
		log_warnx("--record-sent: %s; writing the ledger itself", err);
	alarm(LEDGER_LOCK_SECONDS);
	if (spooled) {
		if (ledger_merge_spool(path, today, r->cfg.sent_ledger_expiry,
		    err, sizeof(err)) == -1)
			log_warnx("--record-sent: %s; the Message-ID is kept "
			    "in the spool", err);
	} else if (ledger_open(path, 1, &l, err, sizeof(err)) == -1)
		log_warnx("--record-sent: %s; nothing recorded", err);
	else if (ledger_add(l, ids, 1, today) == -1)
		log_warnx("--record-sent: %s: nothing recorded", path);
	ledger_close(l);
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
	return rc;
}
