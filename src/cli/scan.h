/*
 * scan.h - judge every message of a mailbox already delivered: Maildirs
 * (with their sub-folders) and mbox files, in parallel workers.
 *
 * Each message is read and judged exactly as one run of the program on
 * it would judge it (the same analysis, rules and verdict, with the
 * message's delivery time, the file's modification time, as "now" for
 * BATV expiry). One line per message, in the order found, or a summary.
 * --move-to moves backscatter out of a Maildir by link and unlink within
 * the same file system, so an interrupted run leaves every message in at
 * least one place; only the file judged moves, never one put under its
 * name since.
 */
#ifndef BS_SCAN_H
#define BS_SCAN_H

#include <stdio.h>

struct config;
struct envelope;
struct ruleset;

struct scan_options {
	char *const	*paths;		/* Maildirs, folders, mbox files */
	int		 npaths;
	int		 summary;	/* counts instead of one line each */
	const char	*move_to;	/* a Maildir folder for backscatter */
	int		 jobs;		/* workers; 0: one per CPU */
	int		 progress;	/* -1: when stderr is a terminal */
};

/*
 * Scan, each message judged with the envelope env and the file's time as
 * the time it arrived. Lines (or the summary) go to out, progress to
 * stderr, errors to the log (log.h).
 * Returns 0, 1 when some messages could not be read or moved, -1 when
 * the scan could not run at all or a worker died (the messages it left
 * are named in the log).
 */
int	 scan_run(struct config *, const struct envelope *, struct ruleset *,
	    const struct scan_options *, FILE *out);

#endif
