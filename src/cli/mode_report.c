/*
 * mode_report.c - the modes that answer a person or a condition: --test
 * (an exit code), --explain (a report), --json (the analysis as one
 * object), --lint (the configuration and the rules, checked) and --scan
 * (every message of a mailbox, judged).
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/io.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/sharedlibc.h"
#include "evidence/dkim.h"
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

int
mode_explain(struct run *r)
{
	struct buf	 out;

	if (!r->analysed)
		return EX_ERROR;
	buf_init(&out, REPORT_MAX);
	score_explain(&out, &r->v);
	buf_appendc(&out, '\n');
	output_explain_anatomy(&out, &r->an);
	return put_report(&out);
}

/* The configuration and every rule, compiled; every error listed. */
int
mode_lint(struct run *r)
{
	const char	*why;
	char		 line[512];
	int		 rc, dkim = 0, libc = 0;

	rc = rules_compile(r->rs, &r->cfg, &r->errors);
	if (r->errors.len > 0)
		fwrite(r->errors.data, 1, r->errors.len, stderr);
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
	if (r->nerr > 0 || rc != 0 || dkim != 0 || libc != 0) {
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
