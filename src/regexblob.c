/*
 * regexblob.c - a build tool: compile the built-in rules and write their
 * patterns in PCRE2's serialised form as C source (src/builtin_regex.c),
 * so that the program decodes them instead of compiling each on every
 * run that scores a message.
 */
#include <stdio.h>

#include "buf.h"
#include "rules.h"

int
main(void)
{
	struct ruleset	*rs;
	struct buf	 errors;
	int		 rc = 1;

	buf_init(&errors, 1024 * 1024);
	if ((rs = rules_new()) == NULL || rules_add_builtin(rs) == -1)
		goto done;
	if (rules_compile(rs, NULL, &errors) != 0) {
		fprintf(stderr, "regexblob: the built-in rules do not compile:\n%s",
		    errors.data ? errors.data : "");
		goto done;
	}
	if (rules_write_regex_blob(rs, stdout) == -1 || fflush(stdout) != 0) {
		fprintf(stderr, "regexblob: cannot write the patterns\n");
		goto done;
	}
	rc = 0;
done:
	rules_free(rs);
	buf_free(&errors);
	return rc;
}
