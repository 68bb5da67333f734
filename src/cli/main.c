/*
 * main.c - the command line: options, the steps, the exit code.
 *
 * Everything else is in the library. The exit codes of every mode are in
 * one table (exit_codes) that the man page prints too.
 */
#include "bsconfig.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/io.h"
#include "base/json.h"
#include "base/limits.h"
#include "read/address.h"
#include "read/message.h"
#include "anatomy/anatomy.h"
#include "config/config.h"
#include "evidence/ledger.h"
#include "rules/rules.h"
#include "rules/score.h"
#include "deliver/deliver.h"
#include "deliver/sieve.h"
#include "cli/output.h"
#include "cli/scan.h"

#define EX_OK		0
#define EX_NOT		1	/* --test: not backscatter */
#define EX_ERROR	2	/* --test: error */
#define EX_USAGE	64
#define EX_TEMPFAIL	75
#define EX_CONFIG	78

enum mode {
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

/* What each mode answers on an internal error, and on bad options. */
static const struct {
	const char	*name;
	int		 on_error;
	int		 on_usage;
} exit_codes[] = {
	[MODE_FILTER]	= { "filter",	EX_OK,		EX_USAGE },
	[MODE_TEST]	= { "test",	EX_ERROR,	EX_USAGE },
	[MODE_EXPLAIN]	= { "explain",	EX_ERROR,	EX_USAGE },
	[MODE_JSON]	= { "json",	EX_ERROR,	EX_USAGE },
	[MODE_DELIVER]	= { "deliver",	EX_TEMPFAIL,	EX_TEMPFAIL },
	[MODE_LINT]	= { "lint",	EX_CONFIG,	EX_USAGE },
	[MODE_SCAN]	= { "scan",	EX_ERROR,	EX_USAGE },
	/* --record-sent runs in the way of outgoing mail: it never fails */
	[MODE_RECORD_SENT] = { "record-sent", EX_OK,	EX_OK },
	[MODE_LEARN_SENT] = { "learn-sent", EX_ERROR,	EX_USAGE },
};

static const char usage_text[] =
"usage: backscatter [options]            filter: the message with X-Backscatter-* headers\n"
"       backscatter --test               exit 0 = backscatter, 1 = not, 2 = error\n"
"       backscatter --explain            a report of the analysis\n"
"       backscatter --json               the analysis as one JSON object\n"
"       backscatter --deliver MAILDIR [--sieve SCRIPT]\n"
"       backscatter --lint               check config and rules\n"
"       backscatter --scan [--summary] [--move-to FOLDER] [--jobs N] PATH...\n"
"       backscatter --record-sent        add the Message-ID of the message on stdin\n"
"       backscatter --learn-sent PATH... add the Message-IDs of a Sent Maildir or mbox\n"
"options: --config FILE  --rules DIR  --required SCORE  --recipient ADDR\n"
"         --sender ADDR  --version  --help\n";

/* State the watchdog needs: the message, and whether output has begun. */
static struct message		 msg;
static volatile sig_atomic_t	 output_begun;
static enum mode		 mode = MODE_FILTER;

/*
 * The watchdog: analysis took too long (hostile input or a bug). Filter
 * mode writes the original unchanged, as on any error; if output had begun
 * it can only fail (75) so the host keeps the original.
 */
static void
watchdog(int sig)
{
	(void)sig;
	if (mode == MODE_DELIVER) {
		/* delivered already (the signal was held while copies were
		 * made visible): 0, or the MTA delivers it twice */
		if (deliver_delivered())
			_exit(EX_OK);
		/* nothing half-delivered stays: the MTA retries */
		deliver_abort_all();
		_exit(EX_TEMPFAIL);
	}
	if (mode == MODE_FILTER && !output_begun) {
		size_t	 off = 0;
		ssize_t	 w;

		while (off < msg.raw.len) {
			w = write(STDOUT_FILENO, msg.raw.data + off,
			    msg.raw.len - off);
			if (w <= 0)
				_exit(EX_TEMPFAIL);
			off += (size_t)w;
		}
		if (msg.oversize)
			_exit(EX_TEMPFAIL);
		_exit(EX_OK);
	}
	_exit(mode == MODE_FILTER ? EX_TEMPFAIL : exit_codes[mode].on_error);
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
	_exit(mode == MODE_FILTER ? EX_TEMPFAIL : exit_codes[mode].on_error);
}

/* Copy what is left on stdin to stdout (an oversize message). */
static int
stream_rest(void)
{
	char	 chunk[65536];
	ssize_t	 n;

	for (;;) {
		n = read(STDIN_FILENO, chunk, sizeof(chunk));
		if (n == 0)
			return 0;
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (io_write(STDOUT_FILENO, chunk, (size_t)n) == -1)
			return -1;
	}
}

/* Filter mode's fallback: the original bytes unchanged. */
static int
pass_through(void)
{
	output_begun = 1;
	if (output_raw(STDOUT_FILENO, &msg) == -1 ||
	    (msg.oversize && stream_rest() == -1))
		return EX_TEMPFAIL;
	return EX_OK;
}

static void
print_json(const struct analysis *an, const struct verdict *v)
{
	struct buf	 out;
	struct json	 j;

	buf_init(&out, 64u * 1024 * 1024);
	json_init(&j, &out);
	json_object_begin(&j);
	output_json_anatomy(&j, an);
	score_json(&j, v);
	json_object_end(&j);
	buf_appendc(&out, '\n');
	io_write(STDOUT_FILENO, out.data, out.len);
	buf_free(&out);
}

static void
print_explain(const struct analysis *an, const struct verdict *v)
{
	struct buf	 out;

	buf_init(&out, 64u * 1024 * 1024);
	score_explain(&out, v);
	buf_appendc(&out, '\n');
	output_explain_anatomy(&out, an);
	io_write(STDOUT_FILENO, out.data, out.len);
	buf_free(&out);
}

/* Print collected "file:line: message" errors to stderr. */
static void
print_errors(const struct buf *errors)
{
	if (errors->len > 0)
		fwrite(errors->data, 1, errors->len, stderr);
}

/* The envelope sender: --sender, $SENDER when set (Postfix and Exim set
 * it empty for <>), the From_ line, the first Return-Path. "" is <>. */
static const char *
envelope_sender(const char *opt, const struct message *m, struct arena *a)
{
	const char	*env = getenv("SENDER"), *v;
	size_t		 n;

	if (opt != NULL)
		return opt;
	if (env != NULL)
		return env;
	if (m->from_line != NULL) {
		v = m->from_line + 5;
		n = strcspn(v, " \t");
		if (n == 0 || (n == 13 && strncmp(v, "MAILER-DAEMON", 13) == 0))
			return "";
		return arena_strndup(a, v, n);
	}
	if ((v = header_get_raw(a, &m->hdr, "Return-Path")) != NULL)
		return (v = address_first(a, v)) != NULL ? v : "";
	return "";
}

static const char *
envelope_recipient(const char *opt)
{
	static const char *const vars[] = { "RECIPIENT", "ORIG_RECIPIENT",
	    "ORIGINAL_RECIPIENT" };
	const char	*v;
	size_t		 i;

	if (opt != NULL)
		return opt;
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if ((v = getenv(vars[i])) != NULL && *v)
			return v;
	return NULL;
}

/*
 * --deliver: the message, tagged as filter mode tags it (as it came when
 * ov is NULL: the analysis failed), through the Sieve script into the
 * store. A message too large to analyse goes to the INBOX untouched.
 * EX_OK once it is stored (or deliberately discarded), else EX_TEMPFAIL.
 */
static int
run_deliver(const char *target, const char *script_path,
    const char *sender_opt, const char *recipient_opt, const char *kind,
    const struct output_verdict *ov)
{
	struct deliver_request	 inbox = { NULL, 0 };
	struct sieve_message	 sm;
	struct sieve_outcome	 so;
	struct message		 stored;
	struct arena		 a;
	const char		*sender, *data, *script;
	char			*text = NULL;
	size_t			 len, eol;
	int			 fd = -1, rc = EX_TEMPFAIL, i;

	memset(&stored, 0, sizeof(stored));
	arena_init(&a, LIMIT_ARENA_BYTES);
	alarm(DELIVER_TIME_LIMIT);
	if (msg.oversize) {
		/* too large to hold: as it came, the rest streamed in */
		len = msg.raw.len >= 5 && memcmp(msg.raw.data, "From ", 5) == 0 ?
		    message_line_end(msg.raw.data, msg.raw.len, 0, &eol) : 0;
		if (message_parse_header(&msg, &a) == -1)
			goto done;
		sender = envelope_sender(sender_opt, &msg, &a);
		if (deliver_store(target, &inbox, 1, msg.raw.data + len,
		    msg.raw.len - len, STDIN_FILENO, sender) > 0)
			rc = EX_OK;
		goto done;
	}

	/* the bytes as stored: tagged, read back to give the script
	 * the header it will see */
	if (ov != NULL) {
		if ((fd = memfd_create("backscatter", MFD_CLOEXEC)) == -1 ||
		    output_filter(fd, &msg, kind, ov) == -1 ||
		    lseek(fd, 0, SEEK_SET) == -1 ||
		    message_read(fd, &stored, msg.raw.len + 65536) == -1 ||
		    stored.oversize) {
			fprintf(stderr, "backscatter: tagging the message: "
			    "%s\n", strerror(errno));
			goto done;
		}
	} else {
		buf_init(&stored.raw, msg.raw.len + 1);
		if (buf_append(&stored.raw, msg.raw.data, msg.raw.len) == -1)
			goto done;
	}
	if (message_parse_header(&stored, &a) == -1)
		goto done;
	data = stored.raw.data + stored.from_len;
	len = stored.raw.len - stored.from_len;
	sender = envelope_sender(sender_opt, &stored, &a);

	if (script_path != NULL) {
		if ((text = sieve_read(script_path)) == NULL)
			fprintf(stderr, "backscatter: %s: cannot read the "
			    "script; keeping the message in the INBOX\n",
			    script_path);
		script = text;
	} else
		script = sieve_default_script;
	memset(&sm, 0, sizeof(sm));
	sm.hdr = &stored.hdr;
	sm.arena = &a;
	sm.size = len;
	sm.sender = sender;
	sm.recipient = envelope_recipient(recipient_opt);
	if (script == NULL) {
		memset(&so, 0, sizeof(so));
		so.stores[0] = inbox;
		so.nstores = 1;
	} else
		sieve_run(script, script_path != NULL ? script_path :
		    "default.sieve", &sm, &so);

	for (i = 0; i < so.nredirects; i++)
		if (deliver_redirect(so.redirects[i], data, len) == -1 &&
		    so.nstores < DELIVER_COPIES_MAX) {
			/* not sent: keep it instead */
			so.stores[so.nstores++] = inbox;
		}
	if (so.nstores == 0)
		rc = EX_OK;		/* discarded, or redirected */
	else if (deliver_store(target, so.stores, so.nstores, data, len, -1,
	    sender) > 0)
		rc = EX_OK;
done:
	if (rc != EX_OK)
		fprintf(stderr, "backscatter: message not delivered; "
		    "deferred (75)\n");
	if (fd != -1)
		close(fd);
	free(text);
	message_free(&stored);
	arena_free(&a);
	return rc;
}

/* --lint: the configuration and every rule, compiled. */
static int
lint(struct config *cfg, struct ruleset *rs, struct buf *errors, int nerr)
{
	int	 r;

	r = rules_compile(rs, cfg, errors);
	print_errors(errors);
	if (nerr > 0 || r != 0) {
		fprintf(stderr, "backscatter: problems found\n");
		return EX_CONFIG;
	}
	printf("backscatter: configuration and %d rules are clean\n",
	    rules_count(rs));
	return EX_OK;
}

/*
 * --record-sent: the Message-ID of the message on stdin into the ledger.
 * In the way of outgoing mail, so it always answers 0: the whole message
 * is read, the Message-ID put in the ledger's spool (where it counts at
 * once), and the spool merged into the ledger unless another writer holds
 * it; LMDB is given LEDGER_LOCK_SECONDS for that (the watchdog then exits
 * 0, the entry safe in the spool).
 */
static int
record_sent(const struct config *cfg)
{
	const char	*ids[1];
	char		 id[1024], err[PATH_MAX + 512], *path;
	long		 today = (long)(config_now(cfg) / 86400);
	int		 spooled;

	if (message_read(STDIN_FILENO, &msg, LIMIT_MESSAGE_BYTES) == -1) {
		fprintf(stderr, "backscatter: --record-sent: reading the "
		    "message: %s\n", strerror(errno));
		message_drain(STDIN_FILENO);
		message_free(&msg);
		return EX_OK;
	}
	if (msg.oversize)
		message_drain(STDIN_FILENO);
	if (!ledger_message_id(msg.raw.data ? msg.raw.data : "", msg.raw.len,
	    id, sizeof(id))) {
		fprintf(stderr, "backscatter: --record-sent: the message has "
		    "no Message-ID; nothing recorded\n");
		message_free(&msg);
		return EX_OK;
	}
	message_free(&msg);
	if ((path = config_ledger_path(cfg)) == NULL) {
		fprintf(stderr, "backscatter: --record-sent: no sent_ledger "
		    "and no $HOME\n");
		return EX_OK;
	}
	ids[0] = id;
	spooled = ledger_spool(path, ids, 1, today, err, sizeof(err)) == 0;
	if (!spooled)
		fprintf(stderr, "backscatter: --record-sent: %s; writing the "
		    "ledger itself\n", err);
	signal(SIGALRM, watchdog);
	alarm(LEDGER_LOCK_SECONDS);
	if (spooled) {
		if (ledger_merge_spool(path, today, cfg->sent_ledger_expiry,
		    err, sizeof(err)) == -1)
			fprintf(stderr, "backscatter: --record-sent: %s; the "
			    "Message-ID is kept in the spool\n", err);
	} else {
		struct ledger	*l;

		if (ledger_open(path, 1, &l, err, sizeof(err)) == -1 ||
		    ledger_add(l, ids, 1, today) == -1)
			fprintf(stderr, "backscatter: --record-sent: %s: "
			    "nothing recorded\n", l == NULL ? err : path);
		ledger_close(l);
	}
	alarm(0);
	free(path);
	return EX_OK;
}

/* --learn-sent PATH...: Sent folders into the ledger, incrementally. */
static int
learn_sent(const struct config *cfg, char **paths, int n)
{
	struct ledger	*l;
	char		 err[1024], *path;
	long		 seen, added;
	int		 i, rc = EX_OK;

	if ((path = config_ledger_path(cfg)) == NULL) {
		fprintf(stderr, "backscatter: no sent_ledger and no $HOME\n");
		return EX_ERROR;
	}
	if (ledger_open(path, 1, &l, err, sizeof(err)) == -1) {
		fprintf(stderr, "backscatter: %s\n", err);
		free(path);
		return EX_ERROR;
	}
	/* what --record-sent left in the spool */
	if (ledger_merge(l) == -1) {
		fprintf(stderr, "backscatter: %s: cannot merge the spool\n",
		    path);
		rc = EX_ERROR;
	}
	for (i = 0; i < n; i++) {
		seen = added = 0;
		if (ledger_learn(l, paths[i], config_now(cfg), &seen, &added,
		    err, sizeof(err)) == -1) {
			fprintf(stderr, "backscatter: %s\n", err);
			rc = EX_ERROR;
		}
		printf("%s: %ld new messages, %ld Message-IDs recorded\n",
		    paths[i], seen, added);
	}
	(void)ledger_prune(l, (long)(config_now(cfg) / 86400),
	    cfg->sent_ledger_expiry, 0);
	ledger_close(l);
	free(path);
	return rc;
}

int
main(int argc, char *argv[])
{
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
	struct arena		 arena, varena;
	struct analysis		 an;
	struct output_verdict	 ov;
	struct verdict		 v;
	struct config		 cfg;
	struct ruleset		*rs = NULL;
	struct buf		 errors;
	const char		*config_path = NULL, *rules_path = NULL;
	const char		*required = NULL, *recipient = NULL;
	const char		*target = NULL, *script = NULL, *sender = NULL;
	struct scan_options	 scan = { NULL, 0, 0, NULL, 0, -1 };
	char			*end;
	int			 ch, rc, bad = 0, nerr, paths, mapped = 0;

	opterr = 0;
	/* --deliver changes what a usage error exits with: find it first */
	for (ch = 1; ch < argc; ch++)
		if (strcmp(argv[ch], "--deliver") == 0 ||
		    strncmp(argv[ch], "--deliver=", 10) == 0)
			mode = MODE_DELIVER;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 't': mode = MODE_TEST; break;
		case 'e': mode = MODE_EXPLAIN; break;
		case 'j': mode = MODE_JSON; break;
		case 'd': mode = MODE_DELIVER; target = optarg; break;
		case 'l': mode = MODE_LINT; break;
		case 'c': config_path = optarg; break;
		case 'r': rules_path = optarg; break;
		case 'R': required = optarg; break;
		case 'T': recipient = optarg; break;
		case 's': script = optarg; break;
		case 'F': sender = optarg; break;
		case 'S': mode = MODE_SCAN; break;
		case 'U': scan.summary = 1; break;
		case 'M': scan.move_to = optarg; break;
		case 'J':
			scan.jobs = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || scan.jobs < 1)
				bad = 1;
			break;
		case 'W': mode = MODE_RECORD_SENT; break;
		case 'L': mode = MODE_LEARN_SENT; break;
		case 'V':
			printf("backscatter %s\n", PACKAGE_VERSION);
			return EX_OK;
		case 'h':
			fputs(usage_text, stdout);
			return EX_OK;
		default:
			bad = 1;
		}
	}
	/* --scan and --learn-sent take paths, the others none */
	paths = mode == MODE_SCAN || mode == MODE_LEARN_SENT;
	if (bad || (optind < argc) != paths) {
		fputs(usage_text, stderr);
		/* every mode that takes a message reads it to the end, even
		 * to refuse it (a writer's EPIPE makes its host fail) */
		if (mode != MODE_LINT && !paths)
			message_drain(STDIN_FILENO);
		return exit_codes[mode].on_usage;
	}
	if (mode == MODE_DELIVER && geteuid() == 0) {
		/* files made as root in a user's Maildir are files the user
		 * cannot read; .forward and mailbox_command run as the user */
		fprintf(stderr, "backscatter: refusing to deliver as root: "
		    "run --deliver as the mailbox's owner; message deferred\n");
		message_drain(STDIN_FILENO);
		return EX_TEMPFAIL;
	}

	/* Configuration: the files, then the options over them. */
	buf_init(&errors, 1024 * 1024);
	config_init(&cfg);
	nerr = config_path != NULL ? config_load(&cfg, config_path, 1, &errors) :
	    config_load_default(&cfg, &errors);
	if (recipient != NULL && config_set_recipient(&cfg, recipient) == -1) {
		buf_appends(&errors, "--recipient: not an address\n");
		nerr++;
	}
	if (required != NULL) {
		/* the config's own directive, so its range and checks apply */
		char	 line[128];
		int	 n;

		n = snprintf(line, sizeof(line), "required_score %s", required);
		if (n < 0 || (size_t)n >= sizeof(line) ||
		    config_line(&cfg, line, "--required", 0, &errors) == -1) {
			if (n < 0 || (size_t)n >= sizeof(line))
				buf_appends(&errors, "--required: not a number\n");
			nerr++;
		}
	}
	if ((rs = rules_new()) == NULL || rules_add_builtin(rs) == -1 ||
	    rules_add_config(rs, &cfg) == -1 ||
	    (rules_path != NULL && rules_add_path(rs, rules_path) == -1)) {
		buf_appends(&errors, "backscatter: cannot set up the rules\n");
		nerr++;
	}
	if (mode == MODE_LINT) {
		rc = lint(&cfg, rs, &errors, nerr);
		goto out;
	}
	if (mode == MODE_RECORD_SENT) {
		/* a config error must not stop outgoing mail: record anyway */
		print_errors(&errors);
		rc = record_sent(&cfg);
		goto out;
	}
	if (paths && nerr > 0) {
		print_errors(&errors);
		rc = EX_CONFIG;
		goto out;
	}
	if (mode == MODE_LEARN_SENT) {
		rc = learn_sent(&cfg, argv + optind, argc - optind);
		goto out;
	}
	if (mode == MODE_SCAN) {
		scan.paths = argv + optind;
		scan.npaths = argc - optind;
		signal(SIGPIPE, SIG_IGN);
		rc = scan_run(&cfg, rs, &scan, stdout);
		if (fflush(stdout) == EOF)
			rc = -1;
		rc = rc == 0 ? EX_OK : rc == 1 ? EX_NOT : EX_ERROR;
		goto out;
	}
	if (nerr > 0) {
		/* A broken configuration is an internal error: say so, and
		 * answer as each mode does on error (filter: unchanged). */
		print_errors(&errors);
		if (mode == MODE_FILTER) {
			if (message_read(STDIN_FILENO, &msg,
			    LIMIT_MESSAGE_BYTES) == -1)
				rc = EX_TEMPFAIL;
			else
				rc = pass_through();
			message_free(&msg);
		} else {
			message_drain(STDIN_FILENO);
			rc = exit_codes[mode].on_error;
		}
		goto out;
	}

	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, watchdog);
	if (mode == MODE_DELIVER) {
		/* killed: take back what is half written, then 75 */
		signal(SIGTERM, watchdog);
		signal(SIGINT, watchdog);
		signal(SIGHUP, watchdog);
	}

	/* The watchdog starts once the message is in: a slow writer is the
	 * host's business, and a partial message must never pass for whole.
	 * A large file is mapped, except for --deliver, which must never
	 * die of SIGBUS halfway through appending to an mbox. */
	if (mode != MODE_DELIVER) {
		signal(SIGBUS, input_shrank);
		if ((mapped = message_map(STDIN_FILENO, &msg,
		    LIMIT_MESSAGE_BYTES)) == 0)
			signal(SIGBUS, SIG_DFL);
	}
	if (!mapped && message_read(STDIN_FILENO, &msg,
	    LIMIT_MESSAGE_BYTES) == -1) {
		fprintf(stderr, "backscatter: reading the message: %s\n",
		    strerror(errno));
		/* what we have is not the whole message: filter mode fails
		 * so the host keeps its copy */
		rc = mode == MODE_FILTER ? EX_TEMPFAIL :
		    exit_codes[mode].on_error;
		message_free(&msg);
		goto out;
	}
	if (msg.oversize && mode != MODE_FILTER && mode != MODE_DELIVER &&
	    message_drain(STDIN_FILENO) == -1) {
		/* the message could not be read to its end: an error, not
		 * a verdict on its first 32 MiB */
		fprintf(stderr, "backscatter: reading the message: %s\n",
		    strerror(errno));
		rc = exit_codes[mode].on_error;
		message_free(&msg);
		goto out;
	}

	alarm(LIMIT_WATCHDOG_SECONDS);
	/* The verdict has an arena of its own: a message that fills the
	 * analysis arena still gets judged on what was read. */
	arena_init(&arena, LIMIT_ARENA_BYTES);
	arena_init(&varena, LIMIT_VERDICT_ARENA_BYTES);
	if (message_parse_header(&msg, &arena) == -1 ||
	    anatomy_read(&msg, &arena, &an) == -1 ||
	    score_message(&cfg, rs, &an, &varena, &v) == -1) {
		alarm(0);	/* as below: the rest is copying */
		rc = mode == MODE_FILTER ? pass_through() :
		    mode == MODE_DELIVER ? run_deliver(target, script, sender,
		    recipient, NULL, NULL) : exit_codes[mode].on_error;
		goto done;
	}
	if (v.rule_errors > 0) {
		/* a rule that does not compile is a configuration error that
		 * --lint reports; the others still ran */
		fprintf(stderr, "backscatter: %d rule errors (run --lint)\n",
		    v.rule_errors);
	}

	/*
	 * The watchdog bounds analysis, which hostile input can slow. What
	 * follows is copying the message out, paced by the host: a 1 GiB
	 * message streamed through a slow pipe must not be cut at 8 s and
	 * deferred forever. (--deliver sets a limit of its own.)
	 */
	alarm(0);
	memset(&ov, 0, sizeof(ov));
	ov.backscatter = v.backscatter;
	ov.score = v.score;
	ov.required = v.required;
	ov.tests = score_tests(&v, &varena);
	if (ov.tests != NULL && strcmp(ov.tests, "none") == 0)
		ov.tests = NULL;
	switch (mode) {
	case MODE_FILTER:
		if (msg.oversize) {
			rc = pass_through();
			break;
		}
		output_begun = 1;
		rc = output_filter(STDOUT_FILENO, &msg,
		    anatomy_kind_name(an.kind), &ov) == -1 ? EX_TEMPFAIL : EX_OK;
		break;
	case MODE_TEST:
		rc = v.backscatter ? EX_OK : EX_NOT;
		break;
	case MODE_JSON:
		print_json(&an, &v);
		rc = EX_OK;
		break;
	case MODE_EXPLAIN:
		print_explain(&an, &v);
		rc = EX_OK;
		break;
	case MODE_DELIVER:
		rc = run_deliver(target, script, sender, recipient,
		    anatomy_kind_name(an.kind), &ov);
		break;
	default:
		rc = exit_codes[mode].on_error;
	}
done:
	alarm(0);
	arena_free(&varena);
	arena_free(&arena);
	message_free(&msg);
out:
	rules_free(rs);
	config_free(&cfg);
	buf_free(&errors);
	return rc;
}
