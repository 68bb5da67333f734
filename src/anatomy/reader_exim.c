/*
 * reader_exim.c - Exim's "This message was created automatically by mail
 * delivery software": X-Failed-Recipients in the header, each failed
 * address indented on its own line with the SMTP error below it.
 */
#include <string.h>

#include "base/arena.h"
#include "read/address.h"
#include "read/header.h"
#include "read/message.h"
#include "anatomy/anatomy.h"
#include "anatomy/readers.h"

static int
exim_match(const struct analysis *an, const struct reader_input *in)
{
	if (header_find(&an->message->hdr, "X-Failed-Recipients", 0) != -1)
		return 6;
	if (strstr(in->ltext, "this message was created automatically by mail "
	    "delivery software") != NULL)
		return 5;
	return 0;
}

static int
exim_parse(struct analysis *an, struct arena *a, const struct reader_input *in)
{
	long	 i;
	int	 n;

	for (n = 0; (i = header_find(&an->message->hdr, "X-Failed-Recipients",
	    n)) != -1; n++) {
		char	*v = header_unfold(a, &an->message->hdr.fields[i]), *list[64];
		int	 c, k;

		c = address_parse(a, v, list, 64);
		for (k = 0; k < c; k++)
			anatomy_add_recipient(an, a, list[k]);
	}
	if (an->nrecipients == 0)
		reader_generic_parse(an, a, in);
	else
		reader_alias_notes(an, a, in);
	/* the SMTP error under each address */
	if (an->nrecipients > 0 && in->text != NULL) {
		const char	*e = strstr(in->text, "SMTP error from remote");

		if (e == NULL)
			e = strstr(in->text, "host ");
		if (e != NULL) {
			const char	*nl = strstr(e, "\n\n");

			reader_set_diagnostic(an, a, e, nl ? (size_t)(nl - e) :
			    strlen(e));
		}
	}
	if (an->kind == KIND_NONE && an->nrecipients > 0)
		an->kind = KIND_BOUNCE;
	return 0;
}

const struct reader reader_exim = {
	.name = "exim",
	.match = exim_match,
	.parse = exim_parse,
};
