/*
 * origin.c - the evidence gathered, and the eval functions that show it
 * to the rule language (see origin.h).
 *
 * origin_gather asks each source in turn: the handoff hop (handoff.c),
 * the claims of the original and of a reply (claims.c), then the proof
 * sources, each of which costs nothing unless configured (batv.c,
 * ledger.c, dkim.c). The weights are not here: origin_evals[] turns each
 * fact into a yes or no that rules/10_evidence.cf weighs.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "read/header.h"
#include "read/message.h"
#include "read/address.h"
#include "anatomy/anatomy.h"
#include "anatomy/readers.h"
#include "anatomy/reason.h"
#include "config/config.h"
#include "evidence/claims.h"
#include "evidence/handoff.h"
#include "evidence/identity.h"
#include "evidence/origin.h"

const char *
origin_handoff_name(enum handoff h)
{
	switch (h) {
	case HANDOFF_OURS:	return "ours";
	case HANDOFF_FOREIGN:	return "foreign";
	case HANDOFF_UNKNOWN:	break;
	}
	return "unknown";
}

void
origin_gather(const struct config *cfg, const struct envelope *env,
    const struct analysis *an, struct arena *a, struct evidence *ev)
{
	const struct header_block *hdr = NULL;

	memset(ev, 0, sizeof(*ev));
	if (an->message != NULL)
		hdr = &an->message->hdr;
	identity_find(cfg, env, hdr, a, &ev->identity);
	ev->nrelays = cfg->nrelays;

	handoff_find(cfg, an, a, ev);
	claims_gather(cfg, an, a, ev);
	ev->reason = an->reason;

	/* proof: each costs nothing unless configured (the ledger: unless
	 * its file exists and there is a Message-ID to look up) */
	responders_find(an, a, &ev->responders);
	batv_gather(cfg, env, an, a, &ev->batv);
	ledger_gather(cfg, env, an, &ev->identity, &ev->responders, a,
	    &ev->ledger);
	dkim_gather(cfg, an, a, &ev->dkim);

	/* proof, then strong evidence; else the rules decide */
	decide(ev, an, a, &ev->decision);
}

/* --- eval functions ------------------------------------------------------ */

#define EV(fn, expr)							\
static int								\
fn(const struct evidence *ev, const struct analysis *an, const char *arg) \
{									\
	(void)ev; (void)an; (void)arg;					\
	return (expr) ? 1 : 0;						\
}

EV(ev_handoff_ours, ev->handoff == HANDOFF_OURS && !ev->internal_unverified)
EV(ev_handoff_ours_unverified, ev->handoff == HANDOFF_OURS &&
    ev->internal_unverified)
EV(ev_handoff_foreign, ev->handoff == HANDOFF_FOREIGN)
EV(ev_handoff_unknown, ev->handoff == HANDOFF_UNKNOWN)
EV(ev_bounced_by_us, ev->bounced_by_us)
EV(ev_helo_forged, ev->helo_forged)
EV(ev_no_rdns, ev->handoff != HANDOFF_OURS && ev->no_rdns)
EV(ev_dynamic, ev->dynamic)
EV(ev_forwarded_ours, ev->forwarded_ours)
EV(ev_lower_names_relay, ev->lower_names_relay)
EV(ev_have_relays, ev->nrelays > 0)
EV(ev_identity_configured, ev->identity.configured)
EV(ev_identity_known, ev->identity.configured || ev->identity.address)
EV(ev_msgid_ours, ev->msgid_ours)
/* the original's Message-ID, its local part in a spam tool's shape */
static int
ev_msgid_random(const struct evidence *ev, const struct analysis *an,
    const char *arg)
{
	const char	*id = an->original.message_id, *at;

	(void)ev; (void)arg;
	return id != NULL && (at = strchr(id, '@')) != NULL &&
	    address_spam_shape(id, (size_t)(at - id));
}

EV(ev_msgid_foreign, an->original.message_id != NULL &&
    strchr(an->original.message_id, '@') != NULL && !ev->msgid_ours &&
    (ev->identity.configured || ev->identity.address != NULL))
EV(ev_from_ours, ev->from_ours)
EV(ev_from_foreign, ev->from_foreign)
EV(ev_return_path_ours, ev->return_path_ours)
EV(ev_dkim_ours, ev->dkim_ours != NULL)
EV(ev_no_original, !ev->has_original)
EV(ev_reply_to_ours, ev->reply_ours > 0)
EV(ev_reply_to_foreign, ev->reply_refs > 0 && ev->reply_ours == 0 &&
    ev->reply_forged == 0 &&
    (ev->identity.configured || ev->identity.address != NULL))
EV(ev_reply_to_forged, ev->reply_forged > 0 && ev->reply_ours == 0)
EV(ev_no_reply_refs, ev->reply_refs == 0)
EV(ev_batv_valid, ev->batv.status == BATV_VALID)
EV(ev_batv_expired, ev->batv.status == BATV_EXPIRED)
EV(ev_batv_bad, ev->batv.status == BATV_BAD)
EV(ev_batv_missing, ev->batv.keys > 0 && ev->batv.status == BATV_NONE)
EV(ev_batv_required, ev->batv.keys > 0 && ev->batv.required)
EV(ev_ledger_original, ev->ledger.original_sent)
EV(ev_ledger_reply, ev->ledger.reply_sent)
EV(ev_ledger_unknown, ev->ledger.complete && ev->ledger.ours_unknown)
EV(ev_dkim_pass, ev->dkim.result == DKIMP_PASS)
EV(ev_dkim_forged, ev->dkim.result == DKIMP_FORGED)
EV(ev_dkim_body_changed, ev->dkim.result == DKIMP_BODY_CHANGED)
EV(ev_dkim_headers_pass, ev->dkim.result == DKIMP_HEADERS_PASS)
EV(ev_dkim_inconclusive, ev->dkim.result == DKIMP_INCONCLUSIVE ||
    ev->dkim.result == DKIMP_UNAVAILABLE)

static int
ev_reason_is(const struct evidence *ev, const struct analysis *an,
    const char *arg)
{
	return ev->reason != NULL && strcasecmp(ev->reason, arg) == 0;
}

static int
ev_kind_is(const struct evidence *ev, const struct analysis *an,
    const char *arg)
{
	return strcmp(anatomy_kind_name(an->kind), arg) == 0;
}

static int
ev_original_is(const struct evidence *ev, const struct analysis *an,
    const char *arg)
{
	return strcmp(anatomy_source_name(an->original.source), arg) == 0;
}

static int
ev_format_is(const struct evidence *ev, const struct analysis *an,
    const char *arg)
{
	return an->format != NULL && strcasecmp(an->format, arg) == 0;
}

/* Any recipient's status starts with arg ("5.7.1", "5.7.", "4."). */
static int
ev_status_is(const struct evidence *ev, const struct analysis *an,
    const char *arg)
{
	size_t	 n = strlen(arg);
	int	 i;

	for (i = 0; i < an->nrecipients; i++)
		if (an->recipients[i].status != NULL &&
		    strncmp(an->recipients[i].status, arg, n) == 0)
			return 1;
	return 0;
}

/* decided(proof_ours), decided(strong_backscatter), ... */
static int
ev_decided(const struct evidence *ev, const struct analysis *an,
    const char *arg)
{
	const struct decision	*d = &ev->decision;
	const char		*side = strchr(arg, '_');
	size_t			 n = side != NULL ? (size_t)(side - arg) : 0;

	if (d->class == DECIDE_HEURISTIC || side == NULL)
		return 0;
	if (strncmp(arg, decide_class_name(d->class), n) != 0 ||
	    decide_class_name(d->class)[n] != '\0')
		return 0;
	return strcmp(side + 1, d->backscatter ? "backscatter" : "ours") == 0;
}

static int
check_decided(const char *arg)
{
	static const char *const ok[] = { "proof_ours", "proof_backscatter",
	    "strong_ours", "strong_backscatter", NULL };
	int	 i;

	for (i = 0; ok[i] != NULL; i++)
		if (strcmp(arg, ok[i]) == 0)
			return 0;
	return -1;
}

EV(ev_ledger_other, ev->ledger.found != NULL &&
    ev->ledger.recipient != LEDGER_RCPT_MATCH)
EV(ev_correspondent, ev->ledger.correspondent == 1)
EV(ev_not_correspondent, ev->ledger.complete &&
    ev->ledger.correspondent == 0)

/* a reason the program gives (in any case, as reason_is compares): a
 * word it never gives ("reason_is(spamdetcted)") never fires */
static int
check_reason(const char *arg)
{
	return reason_known(arg) ? 0 : -1;
}

/* a format a reader names (in any case, as format_is compares) */
static int
check_format(const char *arg)
{
	return readers_format_known(arg) ? 0 : -1;
}

static int
check_kind(const char *arg)
{
	int	 k;

	for (k = KIND_NONE; k <= KIND_FEEDBACK; k++)
		if (strcmp(anatomy_kind_name((enum kind)k), arg) == 0)
			return 0;
	return -1;
}

static int
check_source(const char *arg)
{
	int	 s;

	for (s = SOURCE_NONE; s <= SOURCE_REFERENCE; s++)
		if (strcmp(anatomy_source_name((enum source)s), arg) == 0)
			return 0;
	return -1;
}

static int
check_status(const char *arg)
{
	const char	*p;

	if (*arg < '2' || *arg > '5')
		return -1;
	for (p = arg; *p; p++)
		if (!isdigit((unsigned char)*p) && *p != '.')
			return -1;
	return 0;
}

const struct origin_eval origin_evals[] = {
	{ "handoff_ours", 0, NULL, ev_handoff_ours,
	    "the hop into the bouncing system came from our relay" },
	{ "handoff_ours_unverified", 0, NULL, ev_handoff_ours_unverified,
	    "the same, below hops taken as the bouncer's own on a name only the client gave" },
	{ "handoff_foreign", 0, NULL, ev_handoff_foreign,
	    "it came from a host that is not our relay (needs my_relay)" },
	{ "handoff_unknown", 0, NULL, ev_handoff_unknown,
	    "no Received lines, or nothing to compare them with" },
	{ "bounced_by_us", 0, NULL, ev_bounced_by_us,
	    "the bouncing system is one of our relays or in my_domain" },
	{ "helo_forged", 0, NULL, ev_helo_forged,
	    "the handoff's HELO names our relay or domain; its address does not" },
	{ "handoff_no_rdns", 0, NULL, ev_no_rdns,
	    "the handoff host has no reverse DNS" },
	{ "handoff_dynamic", 0, NULL, ev_dynamic,
	    "the handoff host's rDNS looks like an end-user address" },
	{ "forwarded_ours", 0, NULL, ev_forwarded_ours,
	    "a DNS-linked chain below the handoff reaches our relay" },
	{ "lower_received_names_relay", 0, NULL, ev_lower_names_relay,
	    "a line below the handoff names our relay (proves nothing)" },
	{ "have_relays", 0, NULL, ev_have_relays,
	    "my_relay is configured" },
	{ "identity_configured", 0, NULL, ev_identity_configured,
	    "my_domain or my_address is configured" },
	{ "identity_known", 0, NULL, ev_identity_known,
	    "we know our domain or address, from config or envelope" },
	{ "orig_msgid_ours", 0, NULL, ev_msgid_ours,
	    "the original's Message-ID is at our domain" },
	{ "orig_msgid_random", 0, NULL, ev_msgid_random,
	    "the original's Message-ID is in a spam tool's shape" },
	{ "orig_msgid_foreign", 0, NULL, ev_msgid_foreign,
	    "the original's Message-ID is not at our domain (ours known)" },
	{ "orig_from_ours", 0, NULL, ev_from_ours,
	    "the original's From is ours" },
	{ "orig_from_foreign", 0, NULL, ev_from_foreign,
	    "the original's From and Return-Path are not ours" },
	{ "orig_return_path_ours", 0, NULL, ev_return_path_ours,
	    "the original's Return-Path is ours" },
	{ "orig_dkim_ours", 0, NULL, ev_dkim_ours,
	    "the original carries a DKIM signature d= our domain (unverified)" },
	{ "no_original", 0, NULL, ev_no_original,
	    "the bounce returns no original" },
	{ "original_is", 1, check_source, ev_original_is,
	    "how the original was returned: rfc822, headers, inline, reference, none" },
	{ "reason_is", 1, check_reason, ev_reason_is,
	    "the bounce's reason (spamdetected, virusdetected, ...)" },
	{ "kind_is", 1, check_kind, ev_kind_is,
	    "the message's kind (bounce, autoreply, challenge, ...)" },
	{ "format_is", 1, check_format, ev_format_is,
	    "the reader that understood the bounce" },
	{ "status_is", 1, check_status, ev_status_is,
	    "a recipient's status starts with the argument" },
	{ "reply_to_ours", 0, NULL, ev_reply_to_ours,
	    "In-Reply-To/References name a Message-ID at our domain" },
	{ "reply_to_foreign", 0, NULL, ev_reply_to_foreign,
	    "they name Message-IDs, none at our domain" },
	{ "reply_to_forged", 0, NULL, ev_reply_to_forged,
	    "the Message-ID answered is at our domain in a spam tool's shape" },
	{ "no_reply_refs", 0, NULL, ev_no_reply_refs,
	    "no In-Reply-To/References Message-IDs" },
	{ "batv_valid", 0, NULL, ev_batv_valid,
	    "the address it came back to carries our valid BATV tag" },
	{ "batv_expired", 0, NULL, ev_batv_expired,
	    "it carries our BATV tag, past its lifetime" },
	{ "batv_bad", 0, NULL, ev_batv_bad,
	    "it carries a BATV tag that is not ours (bad hash or key)" },
	{ "batv_missing", 0, NULL, ev_batv_missing,
	    "batv_key is configured and no tagged address was found" },
	{ "batv_required", 0, NULL, ev_batv_required,
	    "batv_key is configured and batv_required is yes" },
	{ "ledger_original", 0, NULL, ev_ledger_original,
	    "the original's Message-ID is in the sent ledger" },
	{ "ledger_reply", 0, NULL, ev_ledger_reply,
	    "an In-Reply-To/References Message-ID is in the sent ledger" },
	{ "ledger_unknown_ours", 0, NULL, ev_ledger_unknown,
	    "sent_ledger_complete: a Message-ID at our domain is not in it" },
	{ "ledger_other_recipient", 0, NULL, ev_ledger_other,
	    "a Message-ID in the sent ledger, not recorded for who bounced or replied" },
	{ "correspondent", 0, NULL, ev_correspondent,
	    "we wrote to who replied within sent_ledger_expiry" },
	{ "not_correspondent", 0, NULL, ev_not_correspondent,
	    "sent_ledger_complete: we never wrote to who replied" },
	{ "decided", 1, check_decided, ev_decided,
	    "the class that decided, and its answer: proof_ours, proof_backscatter, strong_ours, strong_backscatter" },
	{ "dkim_pass", 0, NULL, ev_dkim_pass,
	    "the original's DKIM signature verifies with our key" },
	{ "dkim_forged", 0, NULL, ev_dkim_forged,
	    "a signature d= our key's domain fails on the whole original" },
	{ "dkim_body_changed", 0, NULL, ev_dkim_body_changed,
	    "our signed headers verify, the returned body does not" },
	{ "dkim_headers_pass", 0, NULL, ev_dkim_headers_pass,
	    "our signed headers verify; the body was not returned whole" },
	{ "dkim_inconclusive", 0, NULL, ev_dkim_inconclusive,
	    "our signature could not be checked either way" },
	{ NULL, 0, NULL, NULL, NULL }
};

const struct origin_eval *
origin_eval_find(const char *name)
{
	const struct origin_eval	*e;

	/* the first letter before a call: every report's rule set looks up
	 * some forty names in the table at start */
	for (e = origin_evals; e->name != NULL; e++)
		if (e->name[0] == name[0] && strcmp(e->name, name) == 0)
			return e;
	return NULL;
}
