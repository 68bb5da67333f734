/*
 * regexblob.c - a build tool: parse and compile the built-in rules and
 * write them as C source (src/rules/builtin_regex.c, see
 * src/rules/builtin.h): every rule's parsed definition, and its patterns
 * in PCRE2's serialised form with their prefilter literals, so that the
 * program neither parses the rule text nor compiles a pattern on a run
 * that scores a message. builtin_write.c writes; this only drives it.
 */
#include <stdio.h>

#include "base/buf.h"
#include "base/log.h"
#include "rules/rules.h"
#include "builtin_write.h"

int
main(void)
{
	struct ruleset	*rs;
	struct buf	 errors;
	int		 rc = 1;

	log_init("regexblob", LOG_TO_STDERR);
	buf_init(&errors, 1024 * 1024);
	if ((rs = rules_new()) == NULL || rules_add_builtin(rs) == -1)
		goto done;
	if (rules_compile(rs, NULL, &errors) != 0) {
		log_warnx("the built-in rules do not compile:");
		log_lines(errors.data, errors.len);
		goto done;
	}
	if (builtin_write(rs, stdout) == -1 || fflush(stdout) != 0) {
		log_warnx("cannot write the patterns");
		goto done;
	}
	rc = 0;
done:
	rules_free(rs);
	buf_free(&errors);
	return rc;
}
