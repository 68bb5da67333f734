/*
 * main.c - the command line: parse the options, set up the run (the
 * configuration, the rules, the envelope), read the message, analyse it,
 * and hand it to the mode, whose answer is the exit status.
 *
 * Everything a mode does is in its own file (modes.h); this file holds
 * the one table of modes, which says what each exits with on an internal
 * error and on bad options (the man page prints the same table).
 */
#include "bsconfig.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/heap.h"
#include "base/io.h"
#include "base/limits.h"
#include "base/log.h"
#include "read/message.h"
#include "anatomy/anatomy.h"
#include "config/config.h"
#include "rules/rules.h"
#include "rules/score.h"
#include "deliver/deliver.h"
#include "evidence/ledger.h"
#include "cli/environment.h"
#include "cli/modes.h"

enum mode_id {
	MODE_FILTER,
	MODE_TEST,
	MODE_EXPLAIN,
	MODE_JSON,
	MODE_DELIVER,
	MODE_LINT,
	MODE_SCAN,
	MODE_RECORD_SENT,
	MODE_LEARN_SENT
};

/* What a mode reads from standard input. */
enum input {
	INPUT_NONE,		/* nothing (paths, or the configuration) */
	INPUT_READ,		/* the message, read into memory */
	INPUT_MAP		/* the message, a large file mapped */
};

/* What a configuration error does to a mode. */
enum on_config {
	CONFIG_LINT,		/* the mode's own report */
	CONFIG_GO_ON,		/* reported; the lines that parsed apply */
	CONFIG_REFUSE		/* reported; the mode does not run (78) */
};

struct mode {
	const char	*name;
	int		 on_error;	/* exit on an internal error */
	int		 on_usage;	/* exit on bad options */
	int		 paths;		/* 1: takes paths, and no message;
					   2: may take addresses (the envelope
					   recipients of --record-sent) */
	enum input	 input;
	int		 analyse;	/* the message is analysed */
	int		 streams;	/* the message goes out whole through
					   the mode (the rest of a message too
					   large to hold is left on stdin) */
	int		 maillog;	/* run by the mail system: warnings go
					   to the mail log too (log_where) */
	int		 takes_back;	/* the ending[] signals take back
					   what is half written: 75 */
	enum on_config	 on_config;
	int		(*prepare)(const struct options *);
	int		(*run)(struct run *);
};

/*
 * Every mode. tests/docs.sh reads the name, on_error and on_usage (the
 * first line of each) and checks them against backscatter(1)'s EXIT
 * STATUS.
 */
static const struct mode modes[] = {
	[MODE_FILTER]	= { "filter",	EX_OK,		EX_USAGE,
		.input = INPUT_MAP, .analyse = 1, .streams = 1, .maillog = 1,
		.on_config = CONFIG_GO_ON, .run = mode_filter },
	[MODE_TEST]	= { "test",	EX_ERROR,	EX_USAGE,
		.input = INPUT_MAP, .analyse = 1, .maillog = 1,
		.on_config = CONFIG_GO_ON, .run = mode_test },
	[MODE_EXPLAIN]	= { "explain",	EX_ERROR,	EX_USAGE,
		.input = INPUT_MAP, .analyse = 1,
		.on_config = CONFIG_GO_ON, .run = mode_explain },
	[MODE_JSON]	= { "json",	EX_ERROR,	EX_USAGE,
		.input = INPUT_MAP, .analyse = 1,
		.on_config = CONFIG_GO_ON, .run = mode_json },
	[MODE_DELIVER]	= { "deliver",	EX_TEMPFAIL,	EX_TEMPFAIL,
		.input = INPUT_READ, .analyse = 1, .streams = 1, .maillog = 1,
		.takes_back = 1, .on_config = CONFIG_GO_ON,
		.prepare = mode_deliver_prepare, .run = mode_deliver },
	[MODE_LINT]	= { "lint",	EX_CONFIG,	EX_USAGE,
		.input = INPUT_NONE,
		.on_config = CONFIG_LINT, .run = mode_lint },
	[MODE_SCAN]	= { "scan",	EX_ERROR,	EX_USAGE,
		.paths = 1, .input = INPUT_NONE,
		.on_config = CONFIG_REFUSE, .run = mode_scan },
	/* --record-sent runs in the way of outgoing mail: it never fails */
	[MODE_RECORD_SENT] = { "record-sent", EX_OK,	EX_OK,
		.paths = 2, .input = INPUT_READ, .maillog = 1,
		.on_config = CONFIG_GO_ON, .run = mode_record_sent },
	[MODE_LEARN_SENT] = { "learn-sent", EX_ERROR,	EX_USAGE,
		.paths = 1, .input = INPUT_NONE,
		.on_config = CONFIG_REFUSE, .run = mode_learn_sent },
};

static const char usage_text[] =
"usage: backscatter [options]            filter: the message with X-Backscatter-* headers\n"
"       backscatter --test               exit 0 = backscatter, 1 = not, 2 = error\n"
"       backscatter --explain            a report of the analysis\n"
"       backscatter --json               the analysis as one JSON object\n"
"       backscatter --deliver TARGET [--sieve SCRIPT]\n"
"       backscatter --lint               check config and rules\n"
"       backscatter --scan [--summary] [--move-to FOLDER] [--jobs N] PATH...\n"
"       backscatter --record-sent [SENDMAIL-ARGS]  add the message on stdin to the sent ledger\n"
"       backscatter --learn-sent PATH... add the Message-IDs of a Sent Maildir or mbox\n"
"options: --config FILE  --rules PATH  --required SCORE  --recipient ADDR\n"
"         --sender ADDR  --version  --help\n";

/* The run, and its mode: the watchdog needs both. */
static struct run		 run;
static const struct mode	*mode = &modes[MODE_FILTER];

/* --- signals ------------------------------------------------------------- */

/*
 * The watchdog: an alarm of ours rang (analysis took too long: hostile
 * input or a bug; a delivery or the ledger's lock, as their modes set
 * it), or a signal ended the run. Filter mode writes the original
 * unchanged, as on any error; if output had begun it can only fail (75)
 * so the host keeps the original. run.late says which alarm it was; an
 * alarm not ours (kill -ALRM, or one a wrapper set before exec, which
 * rings before ours would) is a signal like the others.
 */
static int
alarm_ours(int sig, const siginfo_t *si)
{
	struct timespec	 now;

	if (sig != SIGALRM || run.late == NULL || si == NULL ||
	    si->si_code != SI_KERNEL ||
	    clock_gettime(CLOCK_MONOTONIC, &now) == -1)
		return 0;
	return now.tv_sec > run.late_due.tv_sec ||
	    (now.tv_sec == run.late_due.tv_sec &&
	    now.tv_nsec >= run.late_due.tv_nsec);
}

static void
watchdog(int sig, siginfo_t *si, void *uc)
{
	const char		*text = alarm_ours(sig, si) ? run.late :
	    "backscatter: ended by a signal: given up\n";
	struct message		*m = &run.msg;
	size_t			 off = 0;
	ssize_t			 w;

	if (mode == &modes[MODE_DELIVER] && deliver_delivered())
		/* delivered already (the signal was held while copies were
		 * made visible): 0, or the MTA delivers it twice */
		_exit(EX_OK);
	/* said, or a message passed untagged or deferred has no reason in
	 * the mail log (a host logs what a filter writes on stderr); an
	 * alarm not ours (set before exec, kill -ALRM) ends it as a signal */
	(void)uc;
	(void)!write(STDERR_FILENO, text, strlen(text));
	if (mode == &modes[MODE_DELIVER]) {
		/* nothing half-delivered stays: the MTA retries */
		deliver_abort_all();
		_exit(EX_TEMPFAIL);
	}
	if (mode != &modes[MODE_FILTER])
		_exit(mode->on_error);
	/* output begun, or the message not yet read whole (a SIGALRM from
	 * outside: an alarm a wrapper set before exec, kill -ALRM): what we
	 * hold is not the message, and the held pipes' writer is us */
	if (run.output_begun || !run.input_whole)
		_exit(EX_TEMPFAIL);
	while (off < m->raw.len) {
		w = write(STDOUT_FILENO, m->raw.data + off, m->raw.len - off);
		if (w <= 0)
			_exit(EX_TEMPFAIL);
		off += (size_t)w;
	}
	/* a message held in pipes: the rest from them */
	if (message_send_held(STDOUT_FILENO, m) == -1)
		_exit(EX_TEMPFAIL);
	_exit(m->oversize ? EX_TEMPFAIL : EX_OK);
}

/*
 * The mapped input file shrank under us: what was read is not the
 * message. Filter mode fails so the host keeps its copy.
 */
static void
input_shrank(int sig)
{
	static const char	 text[] =
	    "backscatter: the message file shrank while being read\n";

	(void)sig;
	(void)!write(STDERR_FILENO, text, sizeof(text) - 1);
	_exit(mode == &modes[MODE_FILTER] ? EX_TEMPFAIL : mode->on_error);
}

/* --- the steps ----------------------------------------------------------- */

/* Why the command line is refused, beyond the usage: the first reason. */
static void
refuse(struct options *o, const char *fmt, ...)
{
	va_list	 ap;

	if (o->refused[0] != '\0')
		return;
	va_start(ap, fmt);
	(void)vsnprintf(o->refused, sizeof(o->refused), fmt, ap);
	va_end(ap);
}

/*
 * An option's value, into *slot: 0, or -1 (refused) when the option was
 * given before (which of the two was meant is not for us to guess) or
 * when its value, a path, is an option ("--deliver --json" in a .forward
 * line: the target forgotten, not a Maildir named "--json").
 */
static int
take_value(struct options *o, const char *name, const char **slot,
    const char *value, int path)
{
	if (path && strncmp(value, "--", 2) == 0) {
		refuse(o, "--%s takes a path, not the option %.80s", name,
		    value);
		return -1;
	}
	if (path && value[0] == '\0') {
		refuse(o, "--%s takes a path, not an empty word", name);
		return -1;
	}
	if (slot == NULL)
		return 0;
	if (*slot != NULL) {
		refuse(o, "--%s given twice", name);
		return -1;
	}
	*slot = value;
	return 0;
}

/* --jobs: 0, or -1 (refused) given twice or not a count from 1. */
static int
take_jobs(struct options *o, const char *value)
{
	char	*end;
	long	 jobs;

	errno = 0;
	jobs = strtol(value, &end, 10);
	if (o->scan.jobs != 0) {
		refuse(o, "--jobs given twice");
		return -1;
	}
	if (*end != '\0' || jobs < 1 || jobs > INT_MAX || errno != 0) {
		refuse(o, "--jobs takes a number of processes from 1");
		return -1;
	}
	o->scan.jobs = (int)jobs;
	return 0;
}

static const struct option longopts[] = {
	{ "test",	no_argument,		NULL, 't' },
	{ "explain",	no_argument,		NULL, 'e' },
	{ "json",	no_argument,		NULL, 'j' },
	{ "deliver",	required_argument,	NULL, 'd' },
	{ "sieve",	required_argument,	NULL, 's' },
	{ "lint",	no_argument,		NULL, 'l' },
	{ "config",	required_argument,	NULL, 'c' },
	{ "rules",	required_argument,	NULL, 'r' },
	{ "required",	required_argument,	NULL, 'R' },
	{ "recipient",	required_argument,	NULL, 'T' },
	{ "sender",	required_argument,	NULL, 'F' },
	{ "scan",	no_argument,		NULL, 'S' },
	{ "summary",	no_argument,		NULL, 'U' },
	{ "move-to",	required_argument,	NULL, 'M' },
	{ "jobs",	required_argument,	NULL, 'J' },
	{ "record-sent", no_argument,		NULL, 'W' },
	{ "learn-sent",	no_argument,		NULL, 'L' },
	{ "version",	no_argument,		NULL, 'V' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* Is word one of our long options (as --name or --name=value)? Its
 * value is the next word when it takes one and has no '='. */
static int
our_option(const struct option *opts, const char *word, int *valued_r)
{
	size_t	 n;
	int	 i;

	if (strncmp(word, "--", 2) != 0)
		return 0;
	for (i = 0; opts[i].name != NULL; i++) {
		n = strlen(opts[i].name);
		if (strncmp(word + 2, opts[i].name, n) == 0 &&
		    (word[2 + n] == '\0' || word[2 + n] == '=')) {
			*valued_r = opts[i].has_arg == required_argument &&
			    word[2 + n] == '\0';
			return 1;
		}
	}
	return 0;
}

/*
 * Where sendmail's arguments begin: after the first --record-sent, when no
 * --deliver stands anywhere (argc otherwise). A --record-sent that is the
 * value of an option before it is not one. An option of ours after it
 * (before a "--"), as in "--record-sent --config FILE", is moved before
 * it, with its value: no sendmail option is written so, and taken as
 * sendmail's it was lost (the entry went to another ledger).
 */
static int
record_sent_split(int argc, char *argv[], const struct option *opts)
{
	char	*w, *v;
	int	 i, j, at = argc, valued;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--deliver") == 0 ||
		    strncmp(argv[i], "--deliver=", 10) == 0)
			return argc;
		if (strcmp(argv[i], "--") == 0)
			break;
		if (at == argc && strcmp(argv[i], "--record-sent") == 0) {
			at = i + 1;
			continue;
		}
		if (at == argc && our_option(opts, argv[i], &valued) &&
		    valued)
			i++;
	}
	/* a --deliver among sendmail's arguments still wins */
	for (i = at; i < argc; i++)
		if (strcmp(argv[i], "--deliver") == 0 ||
		    strncmp(argv[i], "--deliver=", 10) == 0)
			return argc;
	for (i = at; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (!our_option(opts, argv[i], &valued))
			continue;
		/* argv[i] (and its value) to argv[at], the rest after */
		w = argv[i];
		v = valued && i + 1 < argc ? argv[i + 1] : NULL;
		for (j = i - 1; j >= at; j--)
			argv[j + 1 + (v != NULL)] = argv[j];
		argv[at++] = w;
		if (v != NULL)
			argv[at++] = v;
		i += v != NULL;
	}
	return at;
}

/* A mode option, --version or --help, for --deliver to say it ignored:
 * each name once. */
static void
note_ignored(struct options *o, const char *name)
{
	int	 i;

	for (i = 0; i < o->nignored; i++)
		if (o->ignored[i] == name)
			return;
	if (o->nignored < OPTIONS_IGNORED_MAX)
		o->ignored[o->nignored++] = name;
}

/* Called backscatter-test (a link, as DESIGN.md's Dovecot recipe runs
 * it: execute :pipe "backscatter-test"): --test is meant. */
static int
called_as_test(const char *argv0)
{
	const char	*base = strrchr(argv0, '/');

	return strcmp(base != NULL ? base + 1 : argv0,
	    "backscatter-test") == 0;
}

/*
 * The options of one mode given for another: -1, refused (without it,
 * "|backscatter --sieve FILE" in a .forward ran filter mode, its output
 * thrown away, and the message was lost). Under --deliver they are
 * ignored, and said, as the mode options it wins over.
 */
static int
mode_options(struct options *o, enum mode_id chosen, const char *for_scan)
{
	if (chosen == MODE_DELIVER) {
		if (for_scan != NULL)
			note_ignored(o, for_scan + 2);
		return 0;
	}
	o->nignored = 0;
	if (o->script != NULL) {
		refuse(o, "--sieve is for --deliver");
		return -1;
	}
	if (for_scan != NULL && chosen != MODE_SCAN) {
		refuse(o, "%s is for --scan", for_scan);
		return -1;
	}
	return 0;
}

/*
 * The options into o, the mode into *mode_r, --version or --help into
 * *early_r ('V' or 'h', whichever came first; 0 for none). -1 on a usage
 * error.
 *
 * --deliver wins over every other mode option and over --version and
 * --help, wherever it stands: in a .forward line or mailbox_command, an
 * answer of 0 with nothing stored loses the message, and 64 or 78 bounce
 * it. The options it wins over are kept in o->ignored, to be reported.
 */
static int
parse_options(int argc, char *argv[], struct options *o,
    enum mode_id *mode_r, int *early_r)
{
	enum mode_id	 chosen = MODE_FILTER, was;
	const char	**slot = NULL, *first = NULL, *second = NULL;
	const char	 *for_scan = NULL;
	int		 ch, idx, deliver = 0, bad = 0, path = 0;
	int		 full = argc;

	if (argc > 0 && called_as_test(argv[0])) {
		chosen = MODE_TEST;
		first = "test";
	}

	/* what follows --record-sent is sendmail's command line, as a
	 * wrapper hands it on: its options are not ours (unless --deliver
	 * stands anywhere: it wins, and all is read as ours) */
	argc = record_sent_split(argc, argv, longopts);
	memset(o, 0, sizeof(*o));
	o->scan.progress = -1;
	*early_r = 0;
	opterr = 0;
	/* ':' first: a missing value is told from an unknown option, so
	 * that "--deliver" without its target is still --deliver */
	while ((ch = getopt_long(argc, argv, ":", longopts, &idx)) != -1) {
		was = chosen;
		switch (ch) {
		case 't': chosen = MODE_TEST; break;
		case 'e': chosen = MODE_EXPLAIN; break;
		case 'j': chosen = MODE_JSON; break;
		case 'd':
			deliver = 1;
			if (take_value(o, "deliver", &o->target, optarg, 1) ==
			    -1)
				bad = 1;
			continue;
		case 'l': chosen = MODE_LINT; break;
		case 'S': chosen = MODE_SCAN; break;
		case 'W': chosen = MODE_RECORD_SENT; break;
		case 'L': chosen = MODE_LEARN_SENT; break;
		case 'V':
		case 'h':
			if (*early_r == 0)
				*early_r = ch;
			break;
		case 'c': slot = &o->config; path = 1; break;
		case 'r':
			if (take_value(o, "rules", NULL, optarg, 1) == -1)
				bad = 1;
			else if (o->nrules == OPTIONS_RULES_MAX) {
				refuse(o, "more than %d --rules",
				    OPTIONS_RULES_MAX);
				bad = 1;
			} else
				o->rules[o->nrules++] = optarg;
			continue;
		case 'R': slot = &o->required; path = 0; break;
		case 'T': slot = &o->recipient; path = 0; break;
		case 's': slot = &o->script; path = 1; break;
		case 'F': slot = &o->sender; path = 0; break;
		case 'U':
			o->scan.summary = 1;
			for_scan = "--summary";
			continue;
		case 'M':
			slot = &o->scan.move_to;
			path = 1;
			for_scan = "--move-to";
			break;
		case 'J':
			if (take_jobs(o, optarg) == -1)
				bad = 1;
			for_scan = "--jobs";
			continue;
		case ':':
			if (optopt == 'd')
				deliver = 1;
			bad = 1;
			continue;
		default:
			bad = 1;
			continue;
		}
		if (slot != NULL) {
			if (take_value(o, longopts[idx].name, slot, optarg,
			    path) == -1)
				bad = 1;
			slot = NULL;
			continue;
		}
		/* two modes: which was meant is not guessed ("--test
		 * --explain" in a procmail condition answered 0 for every
		 * message); the same one twice is one */
		if (chosen != was && first != NULL &&
		    strcmp(first, longopts[idx].name) != 0 && second == NULL)
			second = longopts[idx].name;
		else if (chosen != was && first == NULL)
			first = longopts[idx].name;
		note_ignored(o, longopts[idx].name);
	}
	if (deliver) {
		chosen = MODE_DELIVER;
		*early_r = 0;
	} else if (second != NULL) {
		refuse(o, "--%s and --%s: one mode at a time", first, second);
		bad = 1;
	}
	if (mode_options(o, chosen, for_scan) == -1)
		bad = 1;
	*mode_r = chosen;
	if (*early_r != 0)
		return 0;	/* --version, --help: nothing else matters */
	o->paths = argv + optind;
	o->npaths = argc - optind;
	o->sendmail = argv + argc;
	o->nsendmail = chosen == MODE_RECORD_SENT ? full - argc : 0;
	if (bad || (modes[chosen].paths != 2 &&
	    (o->npaths > 0) != modes[chosen].paths))
		return -1;
	return 0;
}

/* Under --deliver: the options it won over, logged (on stderr, and in the
 * mail log where log_where sends it). */
static void
report_ignored(const struct options *o)
{
	int	 i;

	for (i = 0; i < o->nignored; i++)
		log_warnx("--%s ignored: with --deliver the message is "
		    "delivered", o->ignored[i]);
}

/*
 * Where warnings go: standard error, and the mail log (syslog LOG_MAIL)
 * with "log syslog" in the configuration, or without a log directive when
 * the mail system runs a mode it runs (its standard error is not a
 * terminal, and is often thrown away). "log stderr": standard error only.
 */
static void
log_where(const struct mode *m, enum config_log setting)
{
	int	 to = LOG_TO_STDERR;

	if (setting == CONFIG_LOG_SYSLOG || (setting == CONFIG_LOG_DEFAULT &&
	    m->maillog && !isatty(STDERR_FILENO)))
		to |= LOG_TO_MAILLOG;
	log_init("backscatter", to);
}

/* Every --rules path, in the order given. */
static int
add_rule_paths(struct ruleset *rs, const struct options *o)
{
	int	 i;

	for (i = 0; i < o->nrules; i++)
		if (rules_add_path(rs, o->rules[i]) == -1)
			return -1;
	return 0;
}

/* The configuration, the options over it, the envelope and the rules. */
static void
set_up(struct run *r, const struct options *o)
{
	char	 line[128];
	int	 n;

	buf_init(&r->errors, 1024 * 1024);
	config_init(&r->cfg);
	r->nerr = environment_envelope(&r->env, o->sender, o->recipient,
	    &r->errors);
	ledger_set_home(r->env.home);	/* a Redis ledger's local spool */
	r->nerr += o->config != NULL ? config_load(&r->cfg, o->config, 1,
	    &r->errors) : config_load_default(&r->cfg, r->env.home,
	    &r->errors);
	if (o->required != NULL) {
		/* the config's own directive, so its range and checks apply */
		n = snprintf(line, sizeof(line), "required_score %s",
		    o->required);
		if (n < 0 || (size_t)n >= sizeof(line)) {
			buf_appends(&r->errors, "--required: not a number\n");
			r->nerr++;
		} else if (config_line(&r->cfg, line, "--required", 0,
		    &r->errors) == -1)
			r->nerr++;
	}
	if ((r->rs = rules_new()) != NULL)
		rules_use_cache(r->rs, 1);
	if (r->rs == NULL || rules_add_builtin(r->rs) == -1 ||
	    rules_add_config(r->rs, &r->cfg) == -1 ||
	    add_rule_paths(r->rs, o) == -1) {
		buf_appends(&r->errors, "cannot set up the rules\n");
		r->nerr++;
	}
}

/* message_spool's question on a large message's first piece: does the
 * gate open on its header? (A report is then read into memory at once.)
 * The header is parsed into the run's arena, once: analyse finds it so. */
static int
spool_opens(struct message *m, void *arg)
{
	struct run	*r = arg;

	return message_parse_header(m, &r->arena) == 0 &&
	    anatomy_opens(m, &r->arena);
}

/*
 * A file on standard input that could not be held (no memory for it: an
 * address-space limit) is still there, whole: an internal error, not the
 * input's, and filter mode passes it on unchanged. Rewound to where it
 * began (what message_read took of it, m->raw.len, before it); 0 when
 * stdin is not a file. Asked only then: nothing on the way of every
 * message.
 */
static int
file_rewound(const struct message *m)
{
	struct stat	 st;
	off_t		 at;

	return fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode) &&
	    (at = lseek(STDIN_FILENO, 0, SEEK_CUR)) != -1 &&
	    (off_t)m->raw.len <= at &&
	    lseek(STDIN_FILENO, at - (off_t)m->raw.len, SEEK_SET) != -1;
}

/*
 * The message on standard input, read (or mapped) whole; the rest of one
 * too large to hold is drained unless the mode streams it. -1 to go on,
 * else the exit status.
 */
static int
read_input(struct run *r)
{
	int	 got = 0, e;

	/* The watchdog starts once the message is in: a slow writer is the
	 * host's business, and a partial message must never pass for whole.
	 * A large file is mapped, except for the modes that must never die
	 * of SIGBUS halfway through (--deliver appending to an mbox). */
	if (mode->input == INPUT_MAP) {
		signal(SIGBUS, input_shrank);
		if ((got = message_map(STDIN_FILENO, &r->msg,
		    LIMIT_MESSAGE_BYTES)) == 0) {
			signal(SIGBUS, SIG_DFL);
			/* a pipe: a large message into a memory file of our
			 * own (which nothing else can shrink) */
			got = message_spool(STDIN_FILENO, &r->msg,
			    LIMIT_MESSAGE_BYTES, spool_opens, r);
		}
	}
	if (got == 0)
		got = message_read(STDIN_FILENO, &r->msg,
		    LIMIT_MESSAGE_BYTES) == -1 ? -1 : 1;
	if (got == -1) {
		e = errno;
		if (e == ENOMEM && mode == &modes[MODE_FILTER] &&
		    file_rewound(&r->msg)) {
			log_warnx("no memory to hold the message: passed on "
			    "unchanged");
			return io_copy_rest(STDOUT_FILENO, STDIN_FILENO) == 0 ?
			    EX_OK : EX_TEMPFAIL;
		}
		errno = e;
		log_warn("reading the message");
		/* what we have is not the whole message: a mode that writes
		 * it out fails, so the host keeps its copy */
		return mode->streams ? EX_TEMPFAIL : mode->on_error;
	}
	if (r->msg.oversize && !mode->streams &&
	    message_drain(STDIN_FILENO) == -1) {
		/* not read to its end: an error, not a verdict on its first
		 * 32 MiB */
		log_warn("reading the message");
		return mode->on_error;
	}
	return -1;
}

/* The watchdog in seconds from now, saying late when it rings. */
void
run_alarm(struct run *r, const char *late, unsigned int seconds)
{
	if (clock_gettime(CLOCK_MONOTONIC, &r->late_due) == -1)
		r->late_due.tv_sec = r->late_due.tv_nsec = 0;
	/* alarm() rings no earlier; a tick's slack for the clocks */
	r->late_due.tv_sec += (time_t)seconds - 1;
	r->late = late;
	alarm(seconds);
}

void
run_alarm_off(struct run *r)
{
	alarm(0);
	r->late = NULL;
}

/* Analyse the message, under the watchdog; r->analysed when it worked. */
static void
analyse(struct run *r)
{
	run_alarm(r, "backscatter: the analysis took longer than "
	    LIMIT_TEXT(LIMIT_WATCHDOG_SECONDS) " seconds: given up\n",
	    LIMIT_WATCHDOG_SECONDS);
	/* The verdict has an arena of its own: a message that fills the
	 * analysis arena still gets judged on what was read. */
	arena_init(&r->varena, LIMIT_VERDICT_ARENA_BYTES);
	/* (parsed already where the reading asked the gate) */
	if ((r->msg.htext == NULL &&
	    message_parse_header(&r->msg, &r->arena) == -1) ||
	    anatomy_read(&r->msg, &r->arena, &r->an) == -1 ||
	    score_message(&r->cfg, &r->env, r->rs, &r->an, &r->varena,
	    &r->v) == -1) {
		run_alarm_off(r);
		/* what each mode does then (the bytes unchanged, exit 2, the
		 * INBOX) is its own; why is said here */
		log_warnx("the message could not be analysed: out of memory, "
		    "or an arena's limit reached");
		return;
	}
	/*
	 * The watchdog bounds analysis, which hostile input can slow. What
	 * follows is copying the message out, paced by the host: a 1 GiB
	 * message streamed through a slow pipe must not be cut at 8 s and
	 * deferred forever. (--deliver sets a limit of its own.)
	 */
	run_alarm_off(r);
	if (r->v.rule_errors > 0) {
		/* a rule that does not compile is a configuration error that
		 * --lint reports; the others still ran */
		log_warnx("%d rule error%s (run --lint)", r->v.rule_errors,
		    r->v.rule_errors == 1 ? "" : "s");
	}
	r->ov.backscatter = r->v.backscatter;
	r->ov.score = r->v.score;
	r->ov.required = r->v.required;
	r->ov.tests = score_tests(&r->v, &r->varena);
	if (r->ov.tests != NULL && strcmp(r->ov.tests, "none") == 0)
		r->ov.tests = NULL;
	r->analysed = 1;
}

/* Said after a list of errors that stopped at its buffer's end. */
void
errors_not_listed(const struct buf *errors)
{
	if (errors->refused > 0)
		log_warnx("%d more error%s, not listed: the list stops at %zu "
		    "KiB", errors->refused, errors->refused == 1 ? "" : "s",
		    errors->max / 1024);
}

/*
 * Configuration errors, as the mode takes them. A mode that takes a
 * message goes on with the lines that parsed (or with no configuration
 * when a file cannot be used): a typo must never stop mail. -1 to go on,
 * else the exit status.
 */
static int
config_errors(struct run *r)
{
	if (r->nerr == 0 || mode->on_config == CONFIG_LINT)
		return -1;
	log_lines(r->errors.data, r->errors.len);
	errors_not_listed(&r->errors);
	if (mode->on_config == CONFIG_REFUSE)
		return EX_CONFIG;
	log_warnx("configuration: %d error%s, going on without %s "
	    "(backscatter --lint lists them)", r->nerr, r->nerr == 1 ? "" :
	    "s", r->nerr == 1 ? "it" : "them");
	return -1;
}

/*
 * Descriptors 0, 1 and 2 open: a host may start us with one closed, and a
 * file opened then (a Maildir's temp file, an mbox) would take its number
 * and get our warnings or our output. A closed one is held by /dev/null
 * opened the other way round, so that reading stdin or writing stdout or
 * stderr fails (EBADF) as it did on the closed descriptor.
 */
static void
hold_std_fds(void)
{
	int	 fd, got;

	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF &&
		    (got = open("/dev/null", (fd == 0 ? O_WRONLY : O_RDONLY) |
		    O_NOCTTY)) != -1 && got != fd)
			close(got);
}

/* handler for sig, told who sent it */
static void
on_signal(int sig, void (*handler)(int, siginfo_t *, void *))
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(sig, &sa, NULL);
}

/* The signals that end a run that takes back what it half wrote
 * (--deliver): each is the watchdog's, 75 and nothing half delivered.
 * SIGXCPU is a CPU-time limit's (ulimit -t) first word. */
static const int	 ending[] = {
	SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGXCPU
};

int
main(int argc, char *argv[])
{
	struct options	 opt;
	sigset_t	 ends, before;
	enum mode_id	 id;
	size_t		 i;
	int		 early, rc;

	hold_std_fds();
	/* a host that ignores SIGCHLD would have our children reaped
	 * unseen: waitpid fails, and a Sieve script's or a redirect's
	 * outcome with it */
	signal(SIGCHLD, SIG_DFL);
	/* the signals that end a run held until the mode's handlers are in:
	 * a delivery stopped in its first milliseconds ends 75, not by the
	 * signal */
	sigemptyset(&ends);
	for (i = 0; i < sizeof(ending) / sizeof(ending[0]); i++)
		sigaddset(&ends, ending[i]);
	sigprocmask(SIG_BLOCK, &ends, &before);
	rules_share_tables();	/* this program runs one thread */
	if (parse_options(argc, argv, &opt, &id, &early) == -1) {
		sigprocmask(SIG_SETMASK, &before, NULL);
		log_where(&modes[id], CONFIG_LOG_DEFAULT);
		report_ignored(&opt);
		if (opt.refused[0] != '\0')
			log_warnx("%s", opt.refused);
		fputs(usage_text, stderr);
		/* every mode that takes a message reads it to the end, even
		 * to refuse it (a writer's EPIPE makes its host fail) */
		if (modes[id].input != INPUT_NONE)
			message_drain(STDIN_FILENO);
		return modes[id].on_usage;
	}
	if (early == 'V') {
		printf("backscatter %s\n", PACKAGE_VERSION);
		return EX_OK;
	}
	if (early == 'h') {
		fputs(usage_text, stdout);
		return EX_OK;
	}
	mode = &modes[id];
	if (mode->takes_back)
		/* killed: take back what is half written, then 75 */
		for (i = 0; i < sizeof(ending) / sizeof(ending[0]); i++)
			on_signal(ending[i], watchdog);
	sigprocmask(SIG_SETMASK, &before, NULL);
	log_where(mode, CONFIG_LOG_DEFAULT);
	report_ignored(&opt);
	if (mode->prepare != NULL && (rc = mode->prepare(&opt)) != -1)
		return rc;
	if (mode->analyse)	/* the one message on stdin, judged */
		heap_reserve();

	run.opt = &opt;
	set_up(&run, &opt);
	/* the configuration may say where warnings go */
	log_where(mode, run.cfg.log);
	if ((rc = config_errors(&run)) != -1)
		goto out;
	/* a file-size limit (ulimit -f, systemd's LimitFSIZE) is EFBIG to
	 * handle, not a death halfway through an mbox or the ledger */
	signal(SIGXFSZ, SIG_IGN);
	/* the analysis arena, also for the header read while reading */
	arena_init(&run.arena, LIMIT_ARENA_BYTES);
	if (mode->input != INPUT_NONE) {
		io_blocking(STDIN_FILENO);
		io_blocking(STDOUT_FILENO);
		signal(SIGPIPE, SIG_IGN);
		on_signal(SIGALRM, watchdog);
		if ((rc = read_input(&run)) != -1)
			goto out;
		run.input_whole = 1;
	}
	if (mode->analyse)
		analyse(&run);
	rc = mode->run(&run);
out:
	alarm(0);
#if defined(__SANITIZE_ADDRESS__) || defined(BS_FREE_AT_EXIT)
	arena_free(&run.varena);
	arena_free(&run.arena);
	message_free(&run.msg);
	rules_free(run.rs);
	config_free(&run.cfg);
	buf_free(&run.errors);
#endif
	/* The process ends here and the kernel takes back its memory at
	 * once: freeing the rule set block by block first was 70,000
	 * instructions of a bounce's 1.2 million. What is left is reachable
	 * from run, a global, so a leak checker reports no leak; an ASan
	 * build frees all the same, to see the *_free functions run. */
	return rc;
}
