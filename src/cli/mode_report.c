/*
 * mode_report.c - the modes that answer a person or a condition: --test
 * (an exit code), --explain (a report), --json (the analysis as one
 * object), --lint (the configuration and the rules, checked) and --scan
 * (every message of a mailbox, judged).
 */
#include <sys/stat.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/io.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/sharedlibc.h"
#include "evidence/dkim.h"
#include "evidence/ledger.h"
#include "rules/rules.h"
#include "rules/score.h"
#include "cli/output.h"
#include "cli/scan.h"
#include "cli/modes.h"


int
mode_test(struct run *r)
{
	if (!r->analysed)
		return EX_ERROR;
	return r->v.backscatter ? EX_OK : EX_NOT;
}

/*
 * A report written out whole, and freed: EX_OK, or EX_ERROR when it was
 * built short (past REPORT_MAX, out of memory) or not all written (a
 * full disk, a reader gone): a caller must not take half a report for
 * the answer.
 */
static int
put_report(struct buf *out)
{
	int	 rc = EX_OK;

	if (out->refused > 0) {
		log_warnx("the report does not fit in %u bytes",
		    (unsigned)REPORT_MAX);
		rc = EX_ERROR;
	} else if (io_write(STDOUT_FILENO, out->data, out->len) == -1) {
		log_warn("writing the report");
		rc = EX_ERROR;
	}
	buf_free(out);
	return rc;
}

int
mode_json(struct run *r)
{
	struct buf	 out;
	struct json	 j;

	if (!r->analysed)
		return EX_ERROR;
	buf_init(&out, REPORT_MAX);
	json_init(&j, &out);
	json_object_begin(&j);
	output_json_anatomy(&j, &r->an);
	score_json(&j, &r->v);
	json_object_end(&j);
	buf_appendc(&out, '\n');
	return put_report(&out);
}

/* Bytes of a UTF-8 sequence starting at s (n left), or 0 when none. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t	 k, want;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		want = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		want = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		want = 4;
	else
		return 0;
	if (want > n)
		return 0;
	for (k = 1; k < want; k++)
		if ((s[k] & 0xc0) != 0x80)
			return 0;
	return want;
}

/*
 * The report as a terminal may show it: what a message put there never
 * drives the terminal. Control bytes but line ends and tabs, DEL, the C1
 * controls (U+0080 to U+009F, and such bytes standing alone) are written
 * as \ooo; the rest, UTF-8 included, as it is.
 */
static void
printable(const struct buf *in, struct buf *out)
{
	const unsigned char	*s = (const unsigned char *)in->data;
	size_t			 i, n = in->len, k;
	char			 esc[5];

	for (i = 0; i < n; i += k) {
		k = s[i] >= 0x80 ? utf8_len(s + i, n - i) : 1;
		if (k == 0)
			k = 1;	/* a byte that starts no sequence */
		if ((k == 1 && ((s[i] < 0x20 && s[i] != '\n' &&
		    s[i] != '\t') || (s[i] >= 0x7f && s[i] <= 0x9f))) ||
		    (k == 2 && s[i] == 0xc2 && s[i + 1] <= 0x9f)) {
			size_t	 j;

			for (j = 0; j < k; j++) {
				snprintf(esc, sizeof(esc), "\\%03o", s[i + j]);
				buf_append(out, esc, 4);
			}
		} else
			buf_append(out, s + i, k);
	}
}

int
mode_explain(struct run *r)
{
	struct buf	 raw, out;

	if (!r->analysed)
		return EX_ERROR;
	buf_init(&raw, REPORT_MAX);
	score_explain(&raw, &r->v);
	buf_appendc(&raw, '\n');
	output_explain_anatomy(&raw, &r->an);
	buf_init(&out, REPORT_MAX);
	printable(&raw, &out);
	out.refused += raw.refused;
	buf_free(&raw);
	return put_report(&out);
}

/* The configuration and every rule, compiled; every error listed. */
int
mode_lint(struct run *r)
{
	struct stat	 st;
	const char	*why;
	char		 line[512], *path;
	double		 secs;
	int		 rc, dkim = 0, libc = 0, ledger = 0, slow = 0;

	/* the ledger the runs will open (they would go on without it, and
	 * so without its proof): a "~/" one under HOME, a Redis ledger's
	 * URL, and the default one when no line names it, if something
	 * other than a file is there (a HOME of /dev/null has none) */
	path = config_ledger_path(&r->cfg, r->env.home);
	if (path != NULL && (r->cfg.sent_ledger != NULL ||
	    (stat(path, &st) == 0 && !S_ISREG(st.st_mode))) &&
	    ledger_path_ok(path, line, sizeof(line)) == -1) {
		buf_error(&r->errors, r->cfg.sent_ledger_file != NULL ?
		    r->cfg.sent_ledger_file : "backscatter",
		    r->cfg.sent_ledger_line, "sent_ledger %s", line);
		ledger = -1;
	}
	free(path);
	rc = rules_compile(r->rs, &r->cfg, &r->errors);
	if (r->errors.len > 0)
		fwrite(r->errors.data, 1, r->errors.len, stderr);
	errors_not_listed(&r->errors);
	/* rules that take half the watchdog's time to compile, and cannot
	 * be kept compiled: every run would give up on them */
	secs = (double)rules_compile_usec(r->rs) / 1e6;
	if (rc == 0 && secs * 2 > LIMIT_WATCHDOG_SECONDS) {
		if (!rules_kept(r->rs)) {
			log_warnx("the rules took %.1f s to compile and cannot "
			    "be kept compiled (no cache folder, or over %u MiB "
			    "compiled): every run compiles them, and gives up "
			    "at %d s", secs, (unsigned)(CACHE_MAX >> 20),
			    LIMIT_WATCHDOG_SECONDS);
			slow = -1;
		} else
			log_warnx("the rules took %.1f s to compile (kept "
			    "compiled now; a run that must compile them gives "
			    "up at %d s)", secs, LIMIT_WATCHDOG_SECONDS);
	}
	/* a static program whose glibc is not the system's loads no charset
	 * module and no libopendkim: rebuild it (base/sharedlibc.h) */
	if (!sharedlibc_ok()) {
		sharedlibc_describe(line, sizeof(line));
		log_warnx("%s", line);
		libc = -1;
	}
	/* a key configured is a signature to verify: the library must load */
	if (r->cfg.ndkim_keys > 0 && (dkim = dkim_ready(&why)) == -1)
		log_warnx("my_dkim_key: %s", why);
	if (r->nerr > 0 || rc != 0 || dkim != 0 || libc != 0 || ledger != 0 ||
	    slow != 0) {
		fprintf(stderr, "backscatter: problems found\n");
		return EX_CONFIG;
	}
	printf("backscatter: configuration and %d rules are clean\n",
	    rules_count(r->rs));
	return EX_OK;
}

int
mode_scan(struct run *r)
{
	struct scan_options	 o = r->opt->scan;
	int			 rc;

	o.paths = r->opt->paths;
	o.npaths = r->opt->npaths;
	/* a rule that does not compile is a configuration error, as a
	 * rules_dir that cannot be read is: said, and nothing scanned
	 * (a scan is run by hand; every verdict would lack the rule) */
	r->errors.len = 0;
	if ((rc = rules_compile(r->rs, &r->cfg, &r->errors)) != 0) {
		if (r->errors.len > 0)
			fwrite(r->errors.data, 1, r->errors.len, stderr);
		errors_not_listed(&r->errors);
		log_warnx("%s: nothing scanned (run --lint)", rc == -1 ?
		    "the rules cannot be compiled" : "rule errors");
		return rc == -1 ? EX_ERROR : EX_CONFIG;
	}
	signal(SIGPIPE, SIG_IGN);
	rc = scan_run(&r->cfg, &r->env, r->rs, &o, stdout);
	if (fflush(stdout) == EOF)
		rc = -1;
	return rc == 0 ? EX_OK : rc == 1 ? EX_NOT : EX_ERROR;
}
