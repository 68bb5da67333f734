/*
 * responder.c - who bounced or replied (see responder.h).
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "anatomy/anatomy.h"
#include "evidence/batv.h"
#include "evidence/responder.h"

static void
add(struct responders *r, struct arena *a, const char *addr)
{
	char	*low, *p;
	int	 i;

	if (addr == NULL || strchr(addr, '@') == NULL ||
	    r->n == RESPONDERS_MAX)
		return;
	addr = batv_untag(a, addr);
	if ((low = arena_strdup(a, addr)) == NULL)
		return;
	for (p = low; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	for (i = 0; i < r->n; i++)
		if (strcmp(r->address[i], low) == 0)
			return;
	r->address[r->n++] = low;
}

void
responders_find(const struct analysis *an, struct arena *a,
    struct responders *r)
{
	int	 i;

	memset(r, 0, sizeof(*r));
	switch (an->kind) {
	case KIND_AUTOREPLY:
	case KIND_CHALLENGE:
	case KIND_MDN:
		r->replier = 1;
		add(r, a, an->from);
		break;
	case KIND_BOUNCE:
	case KIND_NOTICE:
		break;
	default:
		return;
	}
	for (i = 0; i < an->nrecipients; i++) {
		add(r, a, an->recipients[i].address);
		add(r, a, an->recipients[i].original_recipient);
	}
}

int
responders_has(const struct responders *r, const char *addr)
{
	int	 i;

	if (addr == NULL)
		return 0;
	for (i = 0; i < r->n; i++)
		if (strcasecmp(r->address[i], addr) == 0)
			return 1;
	return 0;
}
