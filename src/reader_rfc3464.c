/*
 * reader_rfc3464.c - a delivery-status part was read; fill what the prose
 * adds (diagnostics for recipients the fields left without one).
 */
#include <string.h>

#include "anatomy.h"
#include "dsn.h"
#include "readers.h"

static int
rfc3464_match(const struct analysis *an, const struct reader_input *in)
{
	if (in->has_dsn)
		return 2;
	/* delivery-status fields in the text (a DSN whose MIME header was
	 * lost, or an MTA that writes them inline) */
	if (strstr(in->ltext, "final-recipient:") != NULL &&
	    strstr(in->ltext, "status:") != NULL)
		return 2;
	return 0;
}

static int
rfc3464_parse(struct analysis *an, struct arena *a,
    const struct reader_input *in)
{
	const char	*f;

	if (!in->has_dsn && (f = strstr(in->ltext, "final-recipient:")) != NULL) {
		/* back to the start of the block */
		size_t	 off = (size_t)(f - in->ltext);
		const char *b = strstr(in->ltext, "reporting-mta:");

		if (b != NULL && b < f)
			off = (size_t)(b - in->ltext);
		if (dsn_parse(a, in->text + off, in->text_len - off, an) > 0 &&
		    an->kind == KIND_NONE)
			an->kind = KIND_BOUNCE;
	}
	if (an->nrecipients == 0)
		reader_generic_parse(an, a, in);
	return 0;
}

const struct reader reader_rfc3464 = {
	.name = "rfc3464",
	.match = rfc3464_match,
	.parse = rfc3464_parse,
};
