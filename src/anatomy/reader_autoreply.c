/*
 * reader_autoreply.c - RFC 3834 auto-replies and the vacation and
 * out-of-office forms. This reader only names the format ("rfc3834"):
 * anatomy.c decides the kind from the header's signs and takes the
 * recipient, whoever replied.
 */
#include <string.h>

#include "base/arena.h"
#include "read/header.h"
#include "read/message.h"
#include "anatomy/anatomy.h"
#include "anatomy/phrases.h"
#include "anatomy/readers.h"

static int
autoreply_match(const struct analysis *an, const struct reader_input *in)
{
	const struct header_block	*hb = &an->message->hdr;

	if ((an->kind != KIND_NONE && an->kind != KIND_AUTOREPLY) ||
	    in->has_dsn || in->daemon)
		return 0;
	if (header_find(hb, "X-Autoreply", 0) != -1 ||
	    header_find(hb, "X-Autorespond", 0) != -1 ||
	    header_find(hb, "Auto-Submitted", 0) != -1 ||
	    header_find(hb, "X-Apple-Action", 0) != -1)
		return 3;
	if (phrases_any(PHRASE_AUTOREPLY_BODY, in->subject))
		return 3;
	return 0;
}

static int
autoreply_parse(struct analysis *an, struct arena *a,
    const struct reader_input *in)
{
	/* the kind is decided in anatomy.c from the header strength */
	return 0;
}

const struct reader reader_autoreply = {
	.name = "rfc3834",
	.match = autoreply_match,
	.parse = autoreply_parse,
};
