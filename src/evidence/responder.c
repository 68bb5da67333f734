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

/*
 * Was the returned original handed to the bouncing system for addr, as
 * the first Received line of it says, the one that system wrote ("for
 * <addr>")? An Original-Recipient alone is the ORCPT the sender gave,
 * or the original's own To: a bot replaying our signed mail or one of
 * our Message-IDs to its victim names one of our recipients there, and
 * the victim's system writes the victim in that line. An alias's or a
 * forward's bounce names the address we wrote to in both.
 */
static int
written_to(const struct analysis *an, struct arena *a, const char *addr)
{
	const char	*v;

	if (addr == NULL || an->original.nreceived == 0 ||
	    (v = anatomy_received_for(a, an->original.received[0].line)) ==
	    NULL)
		return 0;
	return strcasecmp(batv_untag(a, v), batv_untag(a, addr)) == 0;
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
		if (written_to(an, a, an->recipients[i].original_recipient))
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
