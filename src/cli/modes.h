/*
 * modes.h - what each mode of the command line does once main.c has set
 * up the run: the options, the configuration, the rules, the envelope and,
 * for the modes that take one, the message and its analysis.
 *
 * A mode's run returns the exit status. main.c's table (modes[]) says for
 * each mode what it exits with on an internal error and on bad options,
 * whether it takes paths or a message, and which run it is.
 */
#ifndef BS_MODES_H
#define BS_MODES_H

#include <signal.h>
#include <time.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/limits.h"
#include "read/envelope.h"
#include "read/message.h"
#include "anatomy/anatomy.h"
#include "config/config.h"
#include "rules/score.h"
#include "cli/output.h"
#include "cli/scan.h"

#define EX_OK		0
#define EX_NOT		1	/* --test: not backscatter */
#define EX_ERROR	2	/* --test: error */
#define EX_USAGE	64
#define EX_TEMPFAIL	75
#define EX_CONFIG	78

/* Mode options --deliver won over, each kept once to be reported: there
 * are nine (the seven other modes' options, --version and --help). */
#define OPTIONS_IGNORED_MAX	9

/* The command line, as given. */
struct options {
	const char		*config;	/* --config FILE */
	const char		*rules[OPTIONS_RULES_MAX]; /* --rules PATH */
	int			 nrules;
	const char		*required;	/* --required SCORE */
	const char		*recipient;	/* --recipient ADDR */
	const char		*sender;	/* --sender ADDR */
	const char		*target;	/* --deliver TARGET */
	const char		*script;	/* --sieve SCRIPT */
	struct scan_options	 scan;		/* --summary, --move-to, --jobs */
	char *const		*paths;		/* --scan, --learn-sent */
	int			 npaths;
	char *const		*sendmail;	/* after --record-sent: a
						   sendmail command line */
	int			 nsendmail;
	const char		*ignored[OPTIONS_IGNORED_MAX];	/* names */
	int			 nignored;
	char			 refused[160];	/* why the line is refused,
						 * beyond the usage */
};

/* A limit's number as text, for the watchdog's lines (a signal handler
 * formats nothing). */
#define LIMIT_TEXT_(x)	#x
#define LIMIT_TEXT(x)	LIMIT_TEXT_(x)

/* One run of the program. */
struct run {
	const struct options	*opt;
	struct config		 cfg;
	struct ruleset		*rs;
	struct envelope		 env;
	struct buf		 errors;	/* "file:line: message" lines */
	int			 nerr;		/* configuration errors */

	struct message		 msg;		/* modes that take a message */
	volatile sig_atomic_t	 output_begun;	/* for the watchdog */
	volatile sig_atomic_t	 input_whole;	/* the message is read (or,
						   over the limit, its held
						   part): for the watchdog */
	const char *volatile	 late;		/* the watchdog's line when
						   the alarm set last rings:
						   what ran out of time */
	struct timespec		 late_due;	/* when it rings
						   (CLOCK_MONOTONIC) */
	struct arena		 arena;		/* the analysis */
	struct arena		 varena;	/* the verdict */
	int			 analysed;	/* an, v and ov are set */
	struct analysis		 an;
	struct verdict		 v;
	struct output_verdict	 ov;
};

/* main.c: after a list of errors that stopped at its buffer's end, how
 * many were left out. */
void	 errors_not_listed(const struct buf *);
void	 run_alarm(struct run *, const char *, unsigned int);
void	 run_alarm_off(struct run *);

/* mode_filter.c: the tagged message; the original unchanged on error. */
int	 mode_filter(struct run *);

/* mode_report.c: --test, --explain, --json, --lint, --scan. */
int	 mode_test(struct run *);
int	 mode_explain(struct run *);
int	 mode_json(struct run *);
int	 mode_lint(struct run *);
int	 mode_scan(struct run *);

/* mode_deliver.c: --deliver. */
int	 mode_deliver_prepare(const struct options *);
int	 mode_deliver(struct run *);

/* mode_sent.c: --record-sent, --learn-sent. */
int	 mode_record_sent(struct run *);
int	 mode_learn_sent(struct run *);

#endif
