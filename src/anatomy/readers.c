/*
 * readers.c - the list of format readers, best match wins (see readers.h).
 */
#include <stddef.h>
#include <strings.h>

#include "anatomy/readers.h"

extern const struct reader reader_generic;
extern const struct reader reader_rfc3464;
extern const struct reader reader_signature;
extern const struct reader reader_qmail;
extern const struct reader reader_exim;
extern const struct reader reader_autoreply;
extern const struct reader reader_challenge;
extern const struct reader reader_notice;
extern const struct reader reader_amazonses;

const struct reader *const readers[] = {
	&reader_generic,
	&reader_rfc3464,
	&reader_signature,
	&reader_qmail,
	&reader_exim,
	&reader_autoreply,
	&reader_challenge,
	&reader_notice,
	&reader_amazonses,
	NULL
};

int
readers_format_known(const char *name)
{
	int	 i;

	for (i = 0; readers[i] != NULL; i++)
		if (strcasecmp(readers[i]->name, name) == 0)
			return 1;
	return reader_signature_format(name);
}
