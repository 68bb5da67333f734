/*
 * origin.c - evidence of where the original came from (see origin.h).
 *
 * The handoff hop. The original's Received lines are newest first. The
 * top ones were written by the system that bounced it, the lower ones by
 * whoever sent it, and anyone can write those: a spammer puts a line
 * naming our relay below the bot's real hop as easily as any other text.
 * So the only hop that tells where the original came from is the one
 * where it entered the bouncing system, and it is found from the top:
 *
 *   1. The bouncing side is the organisation (last two labels, or three
 *      under a two-letter country code with a short second level such as
 *      co.uk) of the bounce's Reporting-MTA and of the top line's by-host.
 *      If either is one of our relays or within a my_domain, the bounce
 *      came from our own system ("bounced by us").
 *   2. Walk down from the top. A hop whose from-clause is internal to the
 *      bouncing side (its verified name within the bouncing organisations,
 *      or a loopback/private address; when bounced by us, also one of our
 *      relays) is skipped. The first other hop is the handoff.
 *   3. The handoff is ours when its address matches a my_relay address or
 *      range, or its reverse-DNS name matches a my_relay name. The HELO
 *      name counts only when the line records neither address nor rDNS:
 *      the client chooses its HELO, so a HELO naming our relay from an
 *      address that is not ours is itself evidence of forgery.
 *      When bounced by us, the handoff is the entry into our system: ours
 *      if it was an authenticated submission (RFC 3848 "with ESMTPA"...),
 *      foreign otherwise (mail sent into our MX that we then bounced).
 *   4. Without a relay list nothing can be called foreign: a hop is ours
 *      when its rDNS is within our domains, and unknown otherwise.
 *
 * A DNS-linked chain below the handoff (the handoff's rDNS is the by-host
 * of the next line down, and so on) is followed to recognise a legitimate
 * bounce of mail that was forwarded or passed a filtering service after
 * our relay; hosts with no rDNS or an end-user-looking rDNS break the
 * chain, since a bot's next line is written by the spammer.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "read/header.h"
#include "read/message.h"
#include "anatomy/anatomy.h"
#include "config/config.h"
#include "evidence/identity.h"
#include "evidence/origin.h"

/* Message-IDs looked at in In-Reply-To and References together. */
#define ORIGIN_REFS_MAX		100

/* Organisations that make up the bouncing side. */
#define ORIGIN_SIDE_MAX		4

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

/*
 * The registrable part of a host name, approximately: the last two
 * labels, or three when the top level is a two-letter country code and
 * the second level is short (co.uk, com.au, ne.jp). No public-suffix
 * list: this only groups a bouncer's own hosts together.
 */
static const char *
org_domain(const char *host)
{
	const char	*p, *dots[3] = { NULL, NULL, NULL };
	size_t		 tld, second;

	if (host == NULL)
		return NULL;
	/* the last three dots, rightmost first */
	dots[0] = dots[1] = dots[2] = NULL;
	for (p = host + strlen(host); p > host; p--) {
		if (p[-1] != '.')
			continue;
		if (dots[0] == NULL)
			dots[0] = p - 1;
		else if (dots[1] == NULL)
			dots[1] = p - 1;
		else {
			dots[2] = p - 1;
			break;
		}
	}
	if (dots[0] == NULL)
		return host;
	tld = strlen(dots[0] + 1);
	second = (size_t)(dots[0] - (dots[1] ? dots[1] + 1 : host));
	if (tld == 2 && second <= 3 && dots[1] != NULL)
		return dots[2] ? dots[2] + 1 : host;
	return dots[1] ? dots[1] + 1 : host;
}

static int
same_org(const char *a, const char *b)
{
	const char	*oa = org_domain(a), *ob = org_domain(b);

	return oa != NULL && ob != NULL && strcasecmp(oa, ob) == 0;
}

/* Does the text look like a name (not empty, not "unknown", not [addr])? */
static int
is_name(const char *s)
{
	return s != NULL && *s != '\0' && *s != '[' &&
	    strcasecmp(s, "unknown") != 0 && strchr(s, '.') != NULL;
}

/* The verified name of a hop: its rDNS when recorded. */
static const char *
hop_rdns(const struct received *h)
{
	return is_name(h->from_rdns) ? h->from_rdns : NULL;
}

/* The line marks the from-name as the client's HELO claim (Exim's
 * "helo=", sendmail's and qmail's "(HELO x)"). */
static int
helo_claimed(const struct received *h)
{
	return h->line != NULL && (strcasestr(h->line, "helo=") != NULL ||
	    strcasestr(h->line, "(helo ") != NULL);
}

/*
 * The name a hop is grouped by when walking the bouncing side: its rDNS;
 * or the from-name when the receiver presents it as the host's identity,
 * as Exchange Online does ("from X.prod.outlook.com (2603:...) by ...").
 * Not when the line marks the name as the client's claim ("helo=",
 * "(HELO x)") or says the lookup failed ("unknown"): a bot may HELO as
 * the bouncer's own host to have its hop taken as internal.
 */
static const char *
hop_name(const struct received *h)
{
	if (hop_rdns(h) != NULL)
		return h->from_rdns;
	if (!is_name(h->from_host))
		return NULL;
	if (helo_claimed(h))
		return NULL;
	if (h->from_addr == NULL)
		return h->from_host;
	if (h->line != NULL && strcasestr(h->line, "unknown") == NULL)
		return h->from_host;
	return NULL;
}

static int
has_from_clause(const struct received *h)
{
	return h->from_host != NULL || h->from_rdns != NULL ||
	    h->from_addr != NULL;
}

/* Loopback, RFC 1918, link-local, CGN shared, ULA: never a handoff. */
static int
is_private(const char *text)
{
	unsigned char	 a[16];
	char		 tmp[INET6_ADDRSTRLEN + 1];
	size_t		 n;

	if (text == NULL)
		return 0;
	if (*text == '[')
		text++;
	if (strncasecmp(text, "IPv6:", 5) == 0)
		text += 5;
	n = strcspn(text, "]");
	if (n == 0 || n >= sizeof(tmp))
		return 0;
	memcpy(tmp, text, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, a) == 1)
		return a[0] == 127 || a[0] == 10 ||
		    (a[0] == 172 && (a[1] & 0xf0) == 16) ||
		    (a[0] == 192 && a[1] == 168) ||
		    (a[0] == 169 && a[1] == 254) ||
		    (a[0] == 100 && (a[1] & 0xc0) == 64);
	if (inet_pton(AF_INET6, tmp, a) == 1) {
		static const unsigned char loop[16] =
		    { 0,0,0,0, 0,0,0,0, 0,0,0,0, 0,0,0,1 };

		return memcmp(a, loop, 16) == 0 || (a[0] & 0xfe) == 0xfc ||
		    (a[0] == 0xfe && (a[1] & 0xc0) == 0x80);
	}
	return 0;
}

/*
 * Does a name look like an end-user address: its labels carry the
 * address's octets ("203-0-113-5", "5.113.0.203") or a word used for
 * access networks. Only ever asked of hops that are not ours.
 */
static int
looks_dynamic(const char *name, const char *addr)
{
	static const char *const words[] = {
		"dyn", "dynamic", "dsl", "adsl", "vdsl", "xdsl", "dhcp",
		"pool", "ppp", "pppoe", "cable", "dial", "dialup", "dialin",
		"broadband", "cpe", "customer", "client", "res", "resi",
		"residential", "home", "user", "users", "ip", "mobile",
		"wireless", "fibertel", "ftth", "fttx", NULL
	};
	unsigned char	 a[4];
	char		 tok[64], ip[INET_ADDRSTRLEN + 1];
	const char	*p, *q;
	size_t		 n;
	int		 i, hits;

	if (name == NULL)
		return 0;
	/* the address's octets, in either order, in the name */
	if (addr != NULL) {
		if (*addr == '[')
			addr++;
		n = strcspn(addr, "]");
		if (n < sizeof(ip)) {
			memcpy(ip, addr, n);
			ip[n] = '\0';
			if (inet_pton(AF_INET, ip, a) == 1) {
				for (hits = 0, i = 0; i < 4; i++) {
					int	 k = snprintf(tok, sizeof(tok),
					    "%u", a[i]);
					if (k > 0 && strstr(name, tok) != NULL)
						hits++;
				}
				/* all four octets, or the last two joined */
				if (hits == 4)
					return 1;
				if (snprintf(tok, sizeof(tok), "%u-%u", a[2],
				    a[3]) > 0 && strstr(name, tok) != NULL)
					return 1;
				if (snprintf(tok, sizeof(tok), "%u-%u", a[3],
				    a[2]) > 0 && strstr(name, tok) != NULL)
					return 1;
			}
		}
	}
	/* access-network words as whole tokens, digits stripped */
	for (p = name; *p; p = q) {
		while (*p && !isalpha((unsigned char)*p))
			p++;
		for (q = p; isalpha((unsigned char)*q); q++)
			;
		n = (size_t)(q - p);
		if (n == 0 || n >= sizeof(tok))
			continue;
		for (i = 0; i < (int)n; i++)
			tok[i] = (char)tolower((unsigned char)p[i]);
		tok[n] = '\0';
		for (i = 0; words[i] != NULL; i++)
			if (strcmp(tok, words[i]) == 0)
				return 1;
	}
	return 0;
}

/* Authenticated submission (RFC 3848): "with ESMTPA", "with ESMTPSA"... */
static int
authenticated(const struct received *h)
{
	static const char *const kw[] = {
		" with esmtpa", " with esmtpsa", " with lmtpa", " with lmtpsa",
		" with asmtp", NULL
	};
	const char	*p, *end;
	int		 i;
	size_t		 n;

	if (h->line == NULL)
		return 0;
	/* Only what the receiver wrote before "for <recipient>": the
	 * recipient is the sender's to choose, quotes and spaces included. */
	if ((end = strcasestr(h->line, " for ")) == NULL)
		end = h->line + strlen(h->line);
	/* sendmail: "(authenticated bits=0)" */
	if ((p = strcasestr(h->line, "(authenticated ")) != NULL && p < end)
		return 1;
	for (i = 0; kw[i] != NULL; i++) {
		n = strlen(kw[i]);
		for (p = h->line; (p = strchr(p, ' ')) != NULL && p < end; p++)
			if (strncasecmp(p, kw[i], n) == 0 &&
			    (p[n] == '\0' || p[n] == ' ' || p[n] == ';' ||
			    p[n] == '\t'))
				return 1;
	}
	return 0;
}

/*
 * Is the hop's from-clause one of our relays? Address first, then rDNS;
 * HELO only when the line records neither. Sets matched_by.
 */
static const struct config_relay *
hop_relay(const struct config *cfg, const struct received *h,
    const char **by_r)
{
	const struct config_relay	*r;

	if ((r = config_relay_match_addr(cfg, h->from_addr)) != NULL) {
		*by_r = "address";
		return r;
	}
	if ((r = config_relay_match_host(cfg, hop_rdns(h))) != NULL) {
		*by_r = "rdns";
		return r;
	}
	if (h->from_addr == NULL && hop_rdns(h) == NULL && !helo_claimed(h) &&
	    (r = config_relay_match(cfg, h->from_host, h->from_host)) != NULL) {
		*by_r = "helo";
		return r;
	}
	return NULL;
}

/* Does a line name our relay anywhere (from-clause or by-host)? */
static int
line_names_relay(const struct config *cfg, const struct received *h)
{
	return config_relay_match_addr(cfg, h->from_addr) != NULL ||
	    config_relay_match_host(cfg, h->from_rdns) != NULL ||
	    config_relay_match(cfg, h->from_host, h->from_host) != NULL ||
	    config_relay_match_host(cfg, h->by_host) != NULL;
}

static int
within_configured(const struct config *cfg, const char *host)
{
	int	 i;

	for (i = 0; host != NULL && i < cfg->ndomains; i++)
		if (domain_within(host, cfg->domains[i]))
			return 1;
	return 0;
}

static int
ours_host(const struct config *cfg, const char *host)
{
	return is_name(host) && (config_relay_match_host(cfg, host) != NULL ||
	    within_configured(cfg, host));
}

/*
 * "from [192.0.2.1] (helo=x)": Exim without rDNS puts the address first;
 * take it from the line when the parser left from_addr empty, or the
 * hop would look address-less and its HELO would be believed.
 */
static void
fill_addr(struct arena *a, struct received *h)
{
	const char	*p, *e;

	if (h->from_addr != NULL || h->line == NULL ||
	    strncasecmp(h->line, "from [", 6) != 0)
		return;
	p = h->line + 6;
	if (strncasecmp(p, "IPv6:", 5) == 0)
		p += 5;
	if ((e = strchr(p, ']')) == NULL || e == p || e - p > 45 ||
	    strspn(p, "0123456789abcdefABCDEF.:") != (size_t)(e - p))
		return;
	h->from_addr = arena_strndup(a, p, (size_t)(e - p));
}

static void
find_handoff(const struct config *cfg, const struct analysis *an,
    struct arena *a, struct evidence *ev)
{
	struct original		 copy;
	const struct original	*o = &copy;
	const struct received	*h;
	const char		*side[ORIGIN_SIDE_MAX];
	const char		*by = NULL, *name;
	int			 nside = 0, i, k, internal;

	ev->handoff_hop = -1;
	ev->handoff = HANDOFF_UNKNOWN;
	memset(&copy, 0, sizeof(copy));
	copy.nreceived = an->original.nreceived;
	for (i = 0; i < copy.nreceived && i < LIMIT_RECEIVED; i++) {
		copy.received[i] = an->original.received[i];
		fill_addr(a, &copy.received[i]);
	}
	if (o->nreceived <= 0) {
		ev->handoff_why = "the original has no Received lines";
		return;
	}
	if (is_name(an->reporting_mta))
		side[nside++] = an->reporting_mta;
	if (is_name(o->received[0].by_host))
		side[nside++] = o->received[0].by_host;
	ev->bounced_by_us = ours_host(cfg, an->reporting_mta) ||
	    ours_host(cfg, o->received[0].by_host);

	for (i = 0; i < o->nreceived; i++) {
		h = &o->received[i];
		if (!has_from_clause(h)) {
			/* local submission on the by-host: the chain
			 * starts here */
			break;
		}
		if (hop_relay(cfg, h, &by) != NULL) {
			if (ev->bounced_by_us)
				continue;	/* our own internal hop */
			break;
		}
		internal = is_private(h->from_addr);
		name = hop_name(h);
		for (k = 0; !internal && name != NULL && k < nside; k++)
			if (same_org(name, side[k]))
				internal = 1;
		if (!internal)
			break;
		/* internal on a name the client chose (EHLO), from a public
		 * address: Exchange Online's own hops look so, and so does a
		 * bot that EHLOs as the bouncer above forged lines naming our
		 * relay; whatever is found below counts for less */
		if (h->from_addr != NULL && !is_private(h->from_addr) &&
		    hop_rdns(h) == NULL)
			ev->internal_unverified++;
		if (name != NULL && nside < ORIGIN_SIDE_MAX &&
		    is_name(h->by_host) && !same_org(h->by_host, name))
			side[nside++] = h->by_host;
	}

	if (i == o->nreceived || !has_from_clause(&o->received[i])) {
		/* every hop is internal: the original started inside the
		 * bouncing system */
		ev->handoff_hop = i < o->nreceived ? i : o->nreceived - 1;
		if (ev->bounced_by_us) {
			ev->handoff = HANDOFF_OURS;
			ev->handoff_why = "the original started inside our system";
		} else
			ev->handoff_why =
			    "the original started inside the bouncing system";
		return;
	}

	h = &o->received[i];
	ev->handoff_hop = i;
	ev->handoff_host = hop_rdns(h) ? hop_rdns(h) : h->from_host;
	ev->handoff_addr = h->from_addr;
	ev->no_rdns = h->from_addr != NULL && hop_rdns(h) == NULL;

	if ((ev->relay = hop_relay(cfg, h, &by)) != NULL) {
		ev->handoff = HANDOFF_OURS;
		ev->matched_by = by;
		ev->handoff_why = "handed over by our relay";
	} else if (ev->bounced_by_us && authenticated(h)) {
		ev->handoff = HANDOFF_OURS;
		ev->matched_by = "authentication";
		ev->handoff_why = "authenticated submission to our system";
	} else if (authenticated(h)) {
		/* a user of the bouncing system sent it, logged in there:
		 * if that system were ours we would know (bounced_by_us),
		 * so it is not our relay, but calling it foreign would
		 * turn our own MSA's bounces into backscatter whenever
		 * my_relay lists addresses only */
		ev->handoff_why = "authenticated submission to the bouncing "
		    "system, which is not known to be ours";
	} else if (cfg->nrelays == 0) {
		if (within_configured(cfg, hop_rdns(h)) ||
		    identity_ours_domain(cfg, &ev->identity, hop_rdns(h))) {
			ev->handoff = HANDOFF_OURS;
			ev->matched_by = "rdns";
			ev->handoff_why = "handed over by a host in our domain";
		} else
			ev->handoff_why =
			    "no my_relay configured to compare the hop with";
	} else {
		ev->handoff = HANDOFF_FOREIGN;
		ev->handoff_why = ev->bounced_by_us ?
		    "sent into our system from outside, not authenticated" :
		    "handed over by a host that is not our relay";
	}

	if (ev->handoff != HANDOFF_OURS) {
		/* the client chose its HELO: ours from elsewhere is forged */
		if (config_relay_match(cfg, h->from_host, h->from_host) ||
		    within_configured(cfg, h->from_host))
			ev->helo_forged = h->from_addr != NULL ||
			    hop_rdns(h) != NULL;
		ev->dynamic = looks_dynamic(hop_rdns(h), h->from_addr);
	}

	/* lines below: proof of nothing unless DNS-linked */
	for (k = i + 1; k < o->nreceived; k++)
		if (line_names_relay(cfg, &o->received[k]))
			ev->lower_names_relay = 1;
	if (ev->handoff == HANDOFF_FOREIGN && !ev->bounced_by_us) {
		for (k = i; k + 1 < o->nreceived; k++) {
			const struct received	*up = &o->received[k];
			const struct received	*down = &o->received[k + 1];

			if (hop_rdns(up) == NULL ||
			    looks_dynamic(hop_rdns(up), up->from_addr) ||
			    !is_name(down->by_host) ||
			    !same_org(down->by_host, hop_rdns(up)))
				break;
			if (hop_relay(cfg, down, &by) != NULL &&
			    strcmp(by, "helo") != 0) {
				ev->forwarded_ours = 1;
				break;
			}
		}
	}
}

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

/* Count the <...> Message-IDs in v, and those at our domains. */
static void
scan_refs(const struct config *cfg, const char *v, struct evidence *ev)
{
	const char	*p, *e;

	for (p = v; p != NULL && (p = strchr(p, '<')) != NULL; p = e) {
		if ((e = strchr(p, '>')) == NULL)
			break;
		if (ev->reply_refs >= ORIGIN_REFS_MAX)
			break;
		if (memchr(p, '@', (size_t)(e - p)) != NULL) {
			ev->reply_refs++;
			if (msgid_ours(cfg, &ev->identity, p + 1,
			    (size_t)(e - p - 1)))
				ev->reply_ours++;
		}
	}
}

void
origin_gather(const struct config *cfg, const struct envelope *env,
    const struct analysis *an, struct arena *a, struct evidence *ev)
{
	const struct original	*o = &an->original;
	const struct header_block *hdr = NULL;
	int			 i;

	memset(ev, 0, sizeof(*ev));
	if (an->message != NULL)
		hdr = &an->message->hdr;
	identity_find(cfg, env, hdr, a, &ev->identity);
	ev->nrelays = cfg->nrelays;

	find_handoff(cfg, an, a, ev);

	ev->has_original = o->source != SOURCE_NONE;
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

	ev->reason = an->reason;
	/* only the message answered: earlier References are copied from
	 * it, so the sender of what was answered chose them */
	scan_refs(cfg, an->replied_to, ev);

	/* proof: each costs nothing unless configured (the ledger: unless
	 * its file exists and there is a Message-ID to look up) */
	batv_gather(cfg, env, an, a, &ev->batv);
	ledger_gather(cfg, env, an, &ev->identity, a, &ev->ledger);
	dkim_gather(cfg, an, a, &ev->dkim);
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
EV(ev_from_ours, ev->from_ours)
EV(ev_from_foreign, ev->from_foreign)
EV(ev_return_path_ours, ev->return_path_ours)
EV(ev_dkim_ours, ev->dkim_ours != NULL)
EV(ev_no_original, !ev->has_original)
EV(ev_reply_to_ours, ev->reply_ours > 0)
EV(ev_reply_to_foreign, ev->reply_refs > 0 && ev->reply_ours == 0 &&
    (ev->identity.configured || ev->identity.address != NULL))
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

static int
check_word(const char *arg)
{
	const char	*p;

	if (*arg == '\0')
		return -1;
	for (p = arg; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-' &&
		    *p != '.')
			return -1;
	return 0;
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

	for (s = SOURCE_NONE; s <= SOURCE_INLINE; s++)
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
	    "how the original was returned: rfc822, headers, inline, none" },
	{ "reason_is", 1, check_word, ev_reason_is,
	    "the bounce's reason (spamdetected, virusdetected, ...)" },
	{ "kind_is", 1, check_kind, ev_kind_is,
	    "the message's kind (bounce, autoreply, challenge, ...)" },
	{ "format_is", 1, check_word, ev_format_is,
	    "the reader that understood the bounce" },
	{ "status_is", 1, check_status, ev_status_is,
	    "a recipient's status starts with the argument" },
	{ "reply_to_ours", 0, NULL, ev_reply_to_ours,
	    "In-Reply-To/References name a Message-ID at our domain" },
	{ "reply_to_foreign", 0, NULL, ev_reply_to_foreign,
	    "they name Message-IDs, none at our domain" },
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

	for (e = origin_evals; e->name != NULL; e++)
		if (strcmp(e->name, name) == 0)
			return e;
	return NULL;
}
