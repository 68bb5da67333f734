/*
 * claims.c - the original's and the reply's claims about us (see
 * claims.h).
 *
 * A Message-ID is ours when its right-hand side is within our domains,
 * and the Message-ID an answer answers only when its left side is not
 * also in the shape spam tools forge there (address_spam_shape: random
 * lower-case letters and digits); a From when identity_ours_address says
 * so; a Return-Path after its BATV tag is taken off (the tagged
 * address's owner is who sent it); a DKIM signature when its d= is
 * ours, verified or not (dkim.c verifies). Only
 * the Message-ID a reply answers is looked at: earlier References are
 * copied from the message answered, so its sender chose them.
 */
#include <string.h>

#include "base/limits.h"
#include "read/address.h"
#include "anatomy/anatomy.h"
#include "config/config.h"
#include "evidence/batv.h"
#include "evidence/claims.h"
#include "evidence/identity.h"
#include "evidence/origin.h"


/* The domain of a Message-ID ("left@right", maybe with brackets). */
static int
msgid_ours(const struct config *cfg, const struct identity *id,
    const char *mid, size_t n)
{
	char		 dom[256];
	const char	*at;
	size_t		 dn;

	if ((at = memchr(mid, '@', n)) == NULL)
		return 0;
	at++;
	dn = n - (size_t)(at - mid);
	while (dn > 0 && (at[dn - 1] == '>' || at[dn - 1] == ' '))
		dn--;
	if (dn == 0 || dn >= sizeof(dom))
		return 0;
	memcpy(dom, at, dn);
	dom[dn] = '\0';
	return identity_ours_domain(cfg, id, dom);
}

/* Is the answered Message-ID mid (n bytes) ours, and in our form? An
 * answer to one at our domain in a spam tool's shape counts as forged. */
static void
answered(const struct config *cfg, const char *mid, size_t n,
    struct evidence *ev)
{
	const char	*at;

	if (!msgid_ours(cfg, &ev->identity, mid, n))
		return;
	while (n > 0 && (*mid == '<' || *mid == ' '))
		mid++, n--;
	if ((at = memchr(mid, '@', n)) != NULL &&
	    address_spam_shape(mid, (size_t)(at - mid)))
		ev->reply_forged++;
	else
		ev->reply_ours++;
}

/* Count the <...> Message-IDs in v, and those at our domains. */
static void
scan_refs(const struct config *cfg, const char *v, struct evidence *ev)
{
	const char	*p, *e;

	for (p = v; p != NULL && (p = strchr(p, '<')) != NULL; p = e) {
		if ((e = strchr(p, '>')) == NULL)
			break;
		if (ev->reply_refs >= CLAIMS_REFS_MAX)
			break;
		if (memchr(p, '@', (size_t)(e - p)) != NULL) {
			ev->reply_refs++;
			answered(cfg, p + 1, (size_t)(e - p - 1), ev);
		}
	}
}

void
claims_gather(const struct config *cfg, const struct analysis *an,
    struct arena *a, struct evidence *ev)
{
	const struct original	*o = &an->original;
	int			 i;

	/* a Message-ID the bounce names is not the original */
	ev->has_original = o->source != SOURCE_NONE &&
	    o->source != SOURCE_REFERENCE;
	if (o->message_id != NULL)
		ev->msgid_ours = msgid_ours(cfg, &ev->identity, o->message_id,
		    strlen(o->message_id));
	ev->from_ours = identity_ours_address(cfg, &ev->identity, o->from);
	/* a BATV-tagged Return-Path is the tagged address's owner's */
	ev->return_path_ours = identity_ours_address(cfg, &ev->identity,
	    o->return_path != NULL ? batv_untag(a, o->return_path) : NULL);
	if ((ev->identity.configured || ev->identity.address != NULL) &&
	    o->from != NULL && !ev->from_ours && !ev->return_path_ours)
		ev->from_foreign = 1;
	for (i = 0; i < o->ndkim && ev->dkim_ours == NULL; i++)
		if (identity_ours_domain(cfg, &ev->identity,
		    o->dkim_domains[i]))
			ev->dkim_ours = o->dkim_domains[i];
	/* only the message answered: earlier References are copied from
	 * it, so the sender of what was answered chose them */
	scan_refs(cfg, an->replied_to, ev);
	/* an answer that names no Message-ID in its header but returns or
	 * quotes what it answers (Mailman's command results, a responder
	 * attaching the message) answers the Message-ID of that */
	if (an->replied_to == NULL && o->message_id != NULL &&
	    ev->has_original && (an->kind == KIND_AUTOREPLY ||
	    an->kind == KIND_CHALLENGE || an->kind == KIND_MDN)) {
		ev->reply_refs = 1;
		answered(cfg, o->message_id, strlen(o->message_id), ev);
	}
}
