/*
 * envelope.c - the envelope of one message (see envelope.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "read/address.h"
#include "read/envelope.h"
#include "read/header.h"
#include "read/message.h"

long long
envelope_now(const struct envelope *env)
{
	if (env != NULL && env->now > 0)
		return env->now;
	return (long long)time(NULL);
}

long long
envelope_clock(const char *value)
{
	char		*end;
	long long	 now;

	errno = 0;
	now = strtoll(value, &end, 10);
	return *end == '\0' && end != value && errno == 0 && now > 0 &&
	    now <= 253402300799LL ? now : 0;
}

const char *
envelope_sender(const struct envelope *env, const struct message *m,
    struct arena *a)
{
	const char	*v;
	char		*copy;
	size_t		 n;

	if (env != NULL && env->sender != NULL)
		return env->sender;
	if (m->from_line != NULL) {
		v = m->from_line + 5;
		n = strcspn(v, " \t");
		if (n == 0 || (n == 13 && strncmp(v, "MAILER-DAEMON", 13) == 0))
			return "";
		return (copy = arena_strndup(a, v, n)) != NULL ? copy : "";
	}
	if ((v = header_get_raw(a, &m->hdr, "Return-Path")) != NULL)
		return (v = address_first(a, v)) != NULL ? v : "";
	return "";
}
