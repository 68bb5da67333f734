/*
 * environment.c - the envelope from the options and the environment (see
 * environment.h). Only getenv here: everything below src/cli is handed
 * the envelope instead.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/sharedlibc.h"
#include "read/envelope.h"
#include "config/config.h"
#include "rules/cache.h"
#include "cli/environment.h"

/* An absolute path from the environment, or NULL. */
static const char *
absolute(const char *name)
{
	const char	*v = getenv(name);

	return v != NULL && *v == '/' ? v : NULL;
}

int
environment_envelope(struct envelope *env, const char *sender,
    const char *recipient, struct buf *errors)
{
	static const char *const vars[ENVELOPE_RECIPIENT_VARS] = {
		"RECIPIENT", "ORIG_RECIPIENT", "ORIGINAL_RECIPIENT"
	};
	const char	*v;
	size_t		 i;
	int		 nerr = 0;

	memset(env, 0, sizeof(*env));
	/* $SENDER when set, even empty: Postfix and Exim's null sender */
	env->sender = sender != NULL ? sender : getenv("SENDER");
	if (recipient != NULL) {
		if (!config_address_ok(recipient)) {
			buf_appends(errors, "--recipient: not an address\n");
			nerr++;
		} else {
			for (i = 0; recipient[i] != '\0'; i++)
				env->recipient_buf[i] = (char)tolower(
				    (unsigned char)recipient[i]);
			env->recipient_buf[i] = '\0';
			env->recipient = env->recipient_buf;
		}
	}
	env->to = recipient;
	for (i = 0; i < ENVELOPE_RECIPIENT_VARS; i++) {
		env->recipient_vars[i].name = vars[i];
		env->recipient_vars[i].value = v = getenv(vars[i]);
		if (env->to == NULL && v != NULL && *v != '\0')
			env->to = v;
	}
	env->home = absolute("HOME");
	rules_cache_dirs(absolute("XDG_CACHE_HOME"), env->home);
	sharedlibc_path(absolute("BACKSCATTER_LIBC"));
	/* as set: deliver_redirect says when it is no absolute path */
	if ((v = getenv("BACKSCATTER_SENDMAIL")) != NULL && *v != '\0')
		env->sendmail = v;
	if ((v = getenv("BACKSCATTER_NOW")) != NULL && *v != '\0' &&
	    (env->now = envelope_clock(v)) == 0) {
		buf_appends(errors, ENVELOPE_CLOCK_REFUSED "\n");
		nerr++;
	}
	return nerr;
}
