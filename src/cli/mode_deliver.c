/*
 * mode_deliver.c - --deliver: the message, tagged as filter mode tags it
 * (as it came when the analysis failed), through the Sieve script into
 * the store. A message too large to analyse goes to the INBOX untouched.
 * Only two answers leave: 0 once the message is stored (or deliberately
 * discarded), else 75, which every MTA defers; any other code would
 * bounce, and a bounce of backscatter is more backscatter.
 */
#include <sys/mman.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/limits.h"
#include "base/log.h"
#include "read/envelope.h"
#include "read/message.h"
#include "anatomy/anatomy.h"
#include "deliver/deliver.h"
#include "deliver/sieve.h"
#include "cli/output.h"
#include "cli/modes.h"

/* What tagging may add to a message: our fields (the tests= line held to
 * HEADER_TESTS_MAX) and the line ends of a header line or From_ line
 * that had none. */
#define STORED_MORE	(HEADER_TESTS_MAX * 2 + 4096)

/*
 * Before anything is read: files made as root in a user's Maildir are
 * files the user cannot read (.forward and mailbox_command run as the
 * user). -1 to go on, or the exit status.
 */
int
mode_deliver_prepare(const struct options *opt)
{
	(void)opt;
	if (geteuid() != 0)
		return -1;
	log_warnx("refusing to deliver as root: run --deliver as the "
	    "mailbox's owner; message deferred");
	message_drain(STDIN_FILENO);
	return EX_TEMPFAIL;
}

/* The message as it came, in the INBOX: one too large to hold (the rest
 * streamed in from rest_fd), or one that could not be tagged. */
static int
deliver_as_came(struct run *r, struct arena *a, int rest_fd)
{
	struct deliver_request	 inbox = { NULL, 0 };
	struct message		*m = &r->msg;

	/* the From_ line is the store's to write (message_from_line) */
	if (m->htext == NULL && message_parse_header(m, a) == -1)
		return EX_TEMPFAIL;
	return deliver_store(r->opt->target, &inbox, 1, m->raw.data +
	    m->from_len, m->raw.len - m->from_len, rest_fd,
	    envelope_sender(&r->env, m, a)) > 0 ? EX_OK : EX_TEMPFAIL;
}

/*
 * The bytes as they will be stored, in stored: tagged when the analysis
 * ran, else as they came. Read back, so the script sees the header it
 * will store. 0 or -1.
 */
static int
stored_bytes(struct run *r, struct message *stored)
{
	int	 fd, rc = -1;

	if (!r->analysed) {
		buf_init(&stored->raw, r->msg.raw.len + 1);
		return buf_append(&stored->raw, r->msg.raw.data,
		    r->msg.raw.len);
	}
	if ((fd = memfd_create("backscatter", MFD_CLOEXEC)) != -1 &&
	    output_filter(fd, &r->msg, anatomy_kind_name(r->an.kind),
	    &r->ov) == 0 && lseek(fd, 0, SEEK_SET) == 0 &&
	    message_read(fd, stored, r->msg.raw.len + STORED_MORE) == 0 &&
	    !stored->oversize)
		rc = 0;
	else
		log_warn("tagging the message");
	if (fd != -1)
		close(fd);
	return rc;
}

/* Run the script (--sieve, or the built-in one) on the stored message:
 * where it goes, in so. A script that cannot be read keeps the message. */
static void
run_script(struct run *r, struct message *stored, size_t size,
    const char *sender, struct arena *a, struct sieve_outcome *so)
{
	struct sieve_message	 sm;
	const char		*path = r->opt->script;
	char			*text = NULL;

	memset(so, 0, sizeof(*so));
	if (path != NULL && (text = sieve_read(path)) == NULL) {
		log_warnx("%s: cannot read the script; keeping the message "
		    "in the INBOX", path);
		so->stores[0].folder = NULL;
		so->nstores = 1;
		return;
	}
	memset(&sm, 0, sizeof(sm));
	sm.hdr = &stored->hdr;
	sm.arena = a;
	sm.size = size;
	sm.sender = sender;
	sm.recipient = r->env.to;
	/* a user's script in a process of its own, stopped after
	 * SIEVE_TIME_LIMIT (libsieve's :matches can run for minutes);
	 * the built-in one needs no such bound */
	if (text != NULL)
		sieve_run_bounded(text, path, &sm, so);
	else
		sieve_run(sieve_default_script, "default.sieve", &sm, so);
	free(text);
}

/* Does the outcome store a copy in the INBOX? */
static int
has_inbox(const struct sieve_outcome *so)
{
	int	 i;

	for (i = 0; i < so->nstores; i++)
		if (so->stores[i].folder == NULL)
			return 1;
	return 0;
}

int
mode_deliver(struct run *r)
{
	struct deliver_request	 inbox = { NULL, 0 };
	struct sieve_outcome	 so;
	struct message		 stored;
	struct arena		 a;
	const char		*sender, *data;
	size_t			 len;
	int			 rc = EX_TEMPFAIL, i, unsent;

	memset(&stored, 0, sizeof(stored));
	arena_init(&a, LIMIT_ARENA_BYTES);
	run_alarm(r, "backscatter: the delivery took longer than "
	    LIMIT_TEXT(DELIVER_TIME_LIMIT) " seconds: taken back (75)\n",
	    DELIVER_TIME_LIMIT);
	if (r->msg.oversize) {
		rc = deliver_as_came(r, &a, STDIN_FILENO);
		goto done;
	}
	if (stored_bytes(r, &stored) == -1 ||
	    message_parse_header(&stored, &a) == -1) {
		/* no memory (or descriptor) to tag it: stored as it came,
		 * as filter mode passes it on, not 75 at every retry */
		log_warnx("keeping the message in the INBOX untagged");
		rc = deliver_as_came(r, &a, -1);
		goto done;
	}
	data = stored.raw.data + stored.from_len;
	len = stored.raw.len - stored.from_len;
	sender = envelope_sender(&r->env, &stored, &a);
	run_script(r, &stored, len, sender, &a, &so);

	/* stored first, then sent: a redirect sent before a store that
	 * failed (75) went out again at every retry */
	if (so.nstores > 0 && deliver_store(r->opt->target, so.stores,
	    so.nstores, data, len, -1, sender) <= 0)
		goto done;
	for (i = 0, unsent = 0; i < so.nredirects; i++)
		if (deliver_redirect(r->env.sendmail, so.redirects[i], data,
		    len) == -1)
			unsent++;
	rc = EX_OK;
	/* a redirect not sent: the message is kept in the INBOX instead
	 * (unless it is there already); with nothing stored and not even
	 * that, 75 */
	if (unsent > 0 && !has_inbox(&so) && deliver_store(r->opt->target,
	    &inbox, 1, data, len, -1, sender) <= 0) {
		if (so.nstores == 0)
			rc = EX_TEMPFAIL;
		else
			log_warnx("a redirect not sent, and no copy in the "
			    "INBOX either: the message is in the folders "
			    "the script chose");
	}
done:
	if (rc != EX_OK)
		log_warnx("message not delivered; deferred (75)");
	message_free(&stored);
	arena_free(&a);
	return rc;
}
