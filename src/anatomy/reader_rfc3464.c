/*
 * reader_rfc3464.c - a delivery-status part was read; fill what the prose
 * adds (diagnostics for recipients the fields left without one).
 */
#include <string.h>

#include "anatomy/anatomy.h"
#include "anatomy/readers.h"

static int
rfc3464_match(const struct analysis *an, const struct reader_input *in)
{
	return in->has_dsn ? 2 : 0;
}

static int
rfc3464_parse(struct analysis *an, struct arena *a,
    const struct reader_input *in)
{
	if (an->nrecipients == 0)
		reader_generic_parse(an, a, in);
	else
		reader_alias_notes(an, a, in);
	return 0;
}

const struct reader reader_rfc3464 = {
	.name = "rfc3464",
	.match = rfc3464_match,
	.parse = rfc3464_parse,
};
