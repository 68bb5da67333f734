/*
 * handoff.c - the hop where the original entered the bouncing system
 * (see handoff.h).
 *
 * The original's Received lines are newest first. The top ones were
 * written by the system that bounced it, the lower ones by whoever sent
 * it, and anyone can write those: a spammer puts a line naming our relay
 * below the bot's real hop as easily as any other text. So the only hop
 * that tells where the original came from is the one where it entered the
 * bouncing system, and it is found from the top, in four steps (one
 * function each below):
 *
 *   1. The bouncing side is the organisation (last two labels, or three
 *      under a two-letter country code with a short second level such as
 *      co.uk) of the bounce's Reporting-MTA and of the top line's by-host.
 *      If either is one of our relays or within a my_domain, the bounce
 *      came from our own system ("bounced by us").
 *   2. Walk down from the top. A hop whose from-clause is internal to the
 *      bouncing side (its name within the bouncing organisations, or a
 *      loopback/private address; when bounced by us, also one of our
 *      relays) is skipped, and its by-host joins the side. The name is
 *      the rDNS, or the from-name where the receiver presents it as the
 *      host's identity, never a name marked as the client's HELO. The
 *      first other hop is the handoff: a hop from our relay when not
 *      bounced by us ends the walk too. A hop with no from-clause (local
 *      submission) means the original started inside the bouncing system,
 *      unless it is a delivery note (qmail's "invoked by alias", Postfix's
 *      re-injection of a forward) over a hop the side wrote: that hop is
 *      where it came in.
 *   3. The handoff is ours when its address matches a my_relay address or
 *      range, or its reverse-DNS name matches a my_relay name. The HELO
 *      name counts only when the line records neither address nor rDNS
 *      and does not mark the name as the client's HELO: the client
 *      chooses its HELO, so a HELO naming our relay from an address that
 *      is not ours is itself evidence of forgery. When bounced by us, the
 *      handoff is the entry into our system: ours if it was an
 *      authenticated submission (RFC 3848 "with ESMTPA"...), foreign
 *      otherwise (mail sent into our MX that we then bounced). An
 *      authenticated submission to a bouncing system not known to be ours
 *      is neither.
 *   4. Without a relay list nothing can be called foreign: a hop is ours
 *      when its rDNS is within our domains, and unknown otherwise.
 *
 * A DNS-linked chain below the handoff (the handoff's rDNS is the by-host
 * of the next line down, and so on) is followed to recognise a legitimate
 * bounce of mail that was forwarded or passed a filtering service after
 * our relay; hosts with no rDNS or an end-user-looking rDNS break the
 * chain, since a bot's next line is written by the spammer. The chain
 * reaches our relay only through our relay's own line (lines_below): a
 * line handing the message to our relay is its writer's word alone.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/limits.h"
#include "read/address.h"
#include "read/header.h"
#include "read/message.h"
#include "anatomy/anatomy.h"
#include "config/config.h"
#include "evidence/handoff.h"
#include "evidence/identity.h"
#include "evidence/origin.h"


/* The original's Received lines, top first, with addresses filled in. */
struct chain {
	struct received	 hop[LIMIT_RECEIVED];
	int		 n;
};

/* The host names whose organisations are the bouncing side. */
struct side {
	const char	*host[HANDOFF_SIDE_MAX];
	int		 n;
};

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

/*
 * Operators whose own hosts go by more than one registrable name, the
 * first of each group standing for the others: Microsoft's mail servers
 * write "prod.outlook.com" and "prod.exchangelabs.com" (and
 * "outlook.office365.com") in one chain, Google's "google.com" and
 * "1e100.net", Proofpoint's hosted filters "pphosted.com" and
 * "ppops.net", Yahoo's "yahoo.com" and "yahoodns.net". Without this a
 * hop between two of one operator's hosts was a handoff from a stranger.
 */
static const char *const org_same[][4] = {
	{ "outlook.com", "exchangelabs.com", "office365.com", NULL },
	{ "google.com", "1e100.net", NULL, NULL },
	{ "pphosted.com", "ppops.net", NULL, NULL },
	{ "yahoo.com", "yahoodns.net", NULL, NULL },
};

static const char *
org_canonical(const char *org)
{
	size_t	 i, k;

	if (org == NULL)
		return NULL;
	for (i = 0; i < sizeof(org_same) / sizeof(org_same[0]); i++)
		for (k = 0; k < 4 && org_same[i][k] != NULL; k++)
			if (strcasecmp(org, org_same[i][k]) == 0)
				return org_same[i][0];
	return org;
}

static int
same_org(const char *a, const char *b)
{
	const char	*oa = org_canonical(org_domain(a));
	const char	*ob = org_canonical(org_domain(b));

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

/* An address as a Received line writes it ("[addr]", "IPv6:addr") into
 * a: AF_INET (4 bytes), AF_INET6 (16), or 0 when it is none. */
static int
addr_of(const char *text, unsigned char a[16])
{
	char	 tmp[INET6_ADDRSTRLEN + 1];
	size_t	 n;

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
		return AF_INET;
	if (inet_pton(AF_INET6, tmp, a) == 1)
		return AF_INET6;
	return 0;
}

/* 127/8 or ::1: the host itself. */
static int
is_loopback(const char *text)
{
	static const unsigned char loop[16] =
	    { 0,0,0,0, 0,0,0,0, 0,0,0,0, 0,0,0,1 };
	unsigned char	 a[16];

	switch (addr_of(text, a)) {
	case AF_INET:
		return a[0] == 127;
	case AF_INET6:
		return memcmp(a, loop, 16) == 0;
	}
	return 0;
}

/* Loopback, RFC 1918, link-local, CGN shared, ULA: never a handoff. */
static int
is_private(const char *text)
{
	unsigned char	 a[16];

	if (is_loopback(text))
		return 1;
	switch (addr_of(text, a)) {
	case AF_INET:
		return a[0] == 10 ||
		    (a[0] == 172 && (a[1] & 0xf0) == 16) ||
		    (a[0] == 192 && a[1] == 168) ||
		    (a[0] == 169 && a[1] == 254) ||
		    (a[0] == 100 && (a[1] & 0xc0) == 64);
	case AF_INET6:
		return (a[0] & 0xfe) == 0xfc ||
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


/* Step 1: the bouncing side, and whether it is ours. */
static void
bouncing_side(const struct config *cfg, const struct analysis *an,
    const struct chain *c, struct side *side, struct evidence *ev)
{
	const char	*top_by = c->hop[0].by_host;

	side->n = 0;
	if (is_name(an->reporting_mta))
		side->host[side->n++] = an->reporting_mta;
	if (is_name(top_by))
		side->host[side->n++] = top_by;
	ev->bounced_by_us = ours_host(cfg, an->reporting_mta) ||
	    ours_host(cfg, top_by);
}

/*
 * A domain with no host label: "example.com", or "example.co.uk" under
 * a country's usual second level. (org_domain groups more loosely: it
 * takes "web.de" in "smtp.web.de" for such a second level.)
 */
static int
bare_domain(const char *name)
{
	static const char *const second[] = {
		"ac", "co", "com", "edu", "go", "gob", "gov", "ne", "net",
		"or", "org", NULL
	};
	const char	*d1, *d2;
	size_t		 n;
	int		 k;

	if ((d1 = strchr(name, '.')) == NULL)
		return 1;		/* "localhost" */
	if ((d2 = strchr(d1 + 1, '.')) == NULL)
		return 1;
	if (strchr(d2 + 1, '.') != NULL || strlen(d2 + 1) != 2)
		return 0;
	n = (size_t)(d2 - d1 - 1);
	for (k = 0; second[k] != NULL; k++)
		if (strlen(second[k]) == n &&
		    strncasecmp(d1 + 1, second[k], n) == 0)
			return 1;
	return 0;
}

/*
 * Is the receiving host of h at a private address, as Exchange writes it
 * ("by EXCH01.corp.example (10.0.0.4) with Microsoft SMTP Server")?
 */
static int
by_private(const struct received *h)
{
	const char	*p, *e;
	char		 tmp[INET6_ADDRSTRLEN + 1];
	size_t		 n;

	if (h->line == NULL || h->by_host == NULL)
		return 0;
	/* the by-host's own parenthesis, not one its name has in the
	 * from-clause ("from mx.x (203.0.113.5) by mx.x (10.0.0.4)") */
	for (p = h->line; (p = strstr(p, h->by_host)) != NULL; p++)
		if (p - h->line >= 3 && strncasecmp(p - 3, "by ", 3) == 0)
			break;
	if (p == NULL)
		return 0;
	p += strlen(h->by_host);
	while (*p == ' ')
		p++;
	if (*p != '(' || (e = strchr(++p, ')')) == NULL)
		return 0;
	if (*p == '[')
		p++;
	n = (size_t)(e - p);
	if (n > 0 && p[n - 1] == ']')
		n--;
	if (n == 0 || n >= sizeof(tmp) ||
	    strspn(p, "0123456789abcdefABCDEF.:") != n)
		return 0;
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	return is_private(tmp);
}

/* A hop whose client is named only by its own greeting, from a public
 * address, into a host at a private address. */
static int
unverified_entry(const struct received *h)
{
	return h->from_addr != NULL && !is_private(h->from_addr) &&
	    hop_rdns(h) == NULL && by_private(h);
}

/*
 * Is h a transfer inside the bouncing side by a protocol of its own, no
 * SMTP client can make its hosts write: Yahoo's NNFMP between its own
 * machines ("from [203.0.113.7] by n45.bullet.mail.example.com with
 * NNFMP"), LMTP into a message store, qmail's QMQP? Its by-host must be
 * of the side.
 */
static int
internal_protocol(const struct received *h, const struct side *side)
{
	static const char *const protos[] = { "nnfmp", "lmtp", "qmqp", NULL };
	const char	*p;
	size_t		 n;
	int		 k, ours = 0;

	if (h->line == NULL || !is_name(h->by_host))
		return 0;
	for (k = 0; k < side->n; k++)
		ours |= same_org(h->by_host, side->host[k]);
	if (!ours || (p = strcasestr(h->line, " with ")) == NULL)
		return 0;
	p += 6;
	n = strcspn(p, " ;\t(");
	for (k = 0; protos[k] != NULL; k++)
		if (n == strlen(protos[k]) && strncasecmp(p, protos[k], n) == 0)
			return 1;
	return 0;
}

/*
 * Step 2, one hop: 1 when it is internal to the bouncing side (the walk
 * goes on, and its by-host joins the side), 0 when it is the handoff.
 */
static int
internal_hop(const struct config *cfg, const struct received *h,
    struct side *side, struct evidence *ev)
{
	const char	*by, *name;
	int		 k, internal, proto;

	if (hop_relay(cfg, h, &by) != NULL)
		return ev->bounced_by_us;	/* our own internal hop */
	proto = internal_protocol(h, side);
	internal = is_private(h->from_addr) || proto;
	name = hop_name(h);
	/* a bare domain (no host label) as the only name of a client at a
	 * public address without rDNS is a bot's HELO as its victim, not
	 * a host of the bouncing system: mail servers greet with their
	 * host names */
	if (!internal && name != NULL && hop_rdns(h) == NULL &&
	    h->from_addr != NULL && bare_domain(name))
		name = NULL;
	for (k = 0; !internal && name != NULL && k < side->n; k++)
		if (same_org(name, side->host[k]))
			internal = 1;
	if (!internal)
		return 0;
	/* internal on a name the client chose (EHLO), from a public
	 * address: Exchange Online's own hops look so, and so does a bot
	 * that EHLOs as the bouncer above forged lines naming our relay;
	 * whatever is found below counts for less */
	if (h->from_addr != NULL && !is_private(h->from_addr) &&
	    hop_rdns(h) == NULL && !proto)
		ev->internal_unverified++;
	if (name != NULL && side->n < HANDOFF_SIDE_MAX && is_name(h->by_host) &&
	    !same_org(h->by_host, name))
		side->host[side->n++] = h->by_host;
	return 1;
}

/*
 * A line of the bouncing system's own over a hop it took in, with no
 * from-clause: qmail's "(qmail N invoked from network)" over its SMTP
 * line, Google's "by 2001:db8::1 with SMTP id ..." between its machines
 * (its by-host an address, not a name), simscan's "by simscan 1.4.0
 * ppid: ..." under qmail's, Haraka's "(Haraka outbound)". Not a local
 * submission.
 */
static int
internal_note(const struct received *h)
{
	unsigned char	 a[16];
	const char	*by = h->by_host;

	if (h->line == NULL || has_from_clause(h))
		return 0;
	if (strcasestr(h->line, "invoked from network") != NULL)
		return 1;
	/* a qmail toaster's scanner over the hop it scanned */
	if (strncasecmp(h->line, "by simscan ", 11) == 0)
		return 1;
	/* a line that is only a comment, Haraka's "(Haraka outbound)" as
	 * it queues what it took in; not a process's ("invoked by uid") */
	if (by == NULL && h->line[0] == '(' &&
	    strcasestr(h->line, "invoked by") == NULL)
		return 1;
	return by != NULL && strcasestr(h->line, " with smtp") != NULL &&
	    (inet_pton(AF_INET, by, a) == 1 || inet_pton(AF_INET6, by, a) == 1);
}

/* A process's submission on the host that wrote the line: Postfix's
 * "from userid N", qmail's "invoked by uid N", dma's "from alice (uid N)". */
static int
submitted_by_process(const struct received *h)
{
	return strcasestr(h->line, "invoked by uid") != NULL ||
	    strcasestr(h->line, "from userid") != NULL ||
	    strcasestr(h->line, " (uid ") != NULL;
}

/*
 * A line of no client that is no process's submission either: a mail
 * system passing on what it holds ("by mail.host (Postfix) id 4B7C...",
 * written when local(8) re-injects a message a .forward sends on). A
 * submission names its process: Postfix's "from userid", qmail's
 * "invoked by uid", Exim's "with local", a webmail's "with HTTP".
 */
static int
reinjection_note(const struct received *h)
{
	return !submitted_by_process(h) &&
	    strcasestr(h->line, "invoked by") == NULL &&
	    strcasestr(h->line, " with local") == NULL &&
	    strcasestr(h->line, " with http") == NULL &&
	    strcasestr(h->line, "(Postfix)") != NULL;
}

/* Did the line's host take the message over LMTP or SMTP (a delivery
 * to a mailbox, or a receipt from a client)? */
static int
lmtp_or_smtp(const struct received *h)
{
	return h->line != NULL && (strcasestr(h->line, " with lmtp") != NULL ||
	    strcasestr(h->line, " with smtp") != NULL ||
	    strcasestr(h->line, " with esmtp") != NULL);
}

/*
 * A note of a delivery on the bouncing system over the hop that brought
 * the message in: qmail's "(qmail N invoked by alias)" when a .qmail
 * file forwards it, "(qmail N invoked by uid 89)" when vpopmail delivers
 * it, Postfix's re-injection of a forward (reinjection_note), a
 * process's submission over an LMTP delivery (a Sieve redirect) or over
 * an SMTP receipt (a server that hands what it takes to the MTA's
 * sendmail: msmtpd to dma, "from root (uid 0)"). Below it (past notes),
 * a line written by a host of the side: that is where the message came
 * in. (A note at the bottom, or over lines of other hosts, is where it
 * started: started_inside.)
 */
static int
delivery_note(const struct chain *c, int i, const struct side *side)
{
	const struct received	*h = &c->hop[i];
	int			 j, k, resent;

	/* (dma names the submitting user in a from-clause: "from alice
	 * (uid 1000)") */
	if (h->line == NULL || (has_from_clause(h) &&
	    !submitted_by_process(h)))
		return 0;
	/* not a forward's note but a process's submission ("from userid
	 * N"): a note only over the same message's delivery or receipt on
	 * the side, what a mailbox's filter sent on after it was delivered
	 * (Pigeonhole's redirect, a procmail forward) or a receiving
	 * server handed to the MTA */
	resent = strcasestr(h->line, "invoked by alias") == NULL &&
	    strcasestr(h->line, "invoked by uid") == NULL &&
	    !reinjection_note(h);
	if (resent && !submitted_by_process(h))
		return 0;
	for (j = i + 1; j < c->n && internal_note(&c->hop[j]); j++)
		;
	if (j == c->n || !has_from_clause(&c->hop[j]) ||
	    !is_name(c->hop[j].by_host) || (resent &&
	    !lmtp_or_smtp(&c->hop[j])))
		return 0;
	for (k = 0; k < side->n; k++)
		if (same_org(c->hop[j].by_host, side->host[k]))
			return 1;
	return 0;
}

/* Step 2: walk down from hop i; the index of the first hop that is
 * not internal, or of one with no from-clause (a local submission), or
 * c->n. */
static int
walk_down(const struct config *cfg, const struct chain *c, int i,
    struct side *side, struct evidence *ev)
{
	for (; i < c->n; i++) {
		if (internal_note(&c->hop[i]) || delivery_note(c, i, side))
			continue;
		if (!has_from_clause(&c->hop[i]) ||
		    !internal_hop(cfg, &c->hop[i], side, ev))
			break;
	}
	return i;
}

/*
 * Does the report say the message went round in a loop: a status of
 * RFC 3463's X.4.6 ("routing loop detected"), or the bouncer's words
 * naming a loop ("Hop count exceeded - possible mail loop", "mail
 * forwarding loop for ...", "Too many Received headers - suspected mail
 * loop")?
 */
static int
report_says_loop(const struct analysis *an)
{
	const struct recipient	*r;
	int			 k;

	for (k = 0; k < an->nrecipients; k++) {
		r = &an->recipients[k];
		if (r->status != NULL && strlen(r->status) >= 5 &&
		    strncmp(r->status + 1, ".4.6", 4) == 0)
			return 1;
		if (r->diagnostic != NULL &&
		    strcasestr(r->diagnostic, "loop") != NULL)
			return 1;
	}
	return 0;
}

/*
 * Is hop i, about to be judged the handoff, a loop's way back into the
 * bouncing system? In a report that says the message looped, a line
 * below i written by a host that wrote one of the lines from the top to
 * i says the message had been there before: it went out and came back
 * (an Exchange hybrid's cloud and on-premises servers sending it to each
 * other, a forward pointing back). The handoff is where it first came
 * in: the walk goes on from the lowest such line, k > i; 0 if there is
 * none. (Only a report that says "loop": a bot that forged a line by
 * the bouncer's public name below its own cannot make it say so.)
 */
static int
loop_reentry(const struct analysis *an, const struct chain *c, int i)
{
	int	 j, k;

	if (!report_says_loop(an))
		return 0;
	for (k = c->n - 1; k > i; k--) {
		if (!is_name(c->hop[k].by_host))
			continue;
		for (j = 0; j <= i; j++)
			if (is_name(c->hop[j].by_host) && strcasecmp(
			    c->hop[j].by_host, c->hop[k].by_host) == 0)
				return k;
	}
	return 0;
}

/* Step 2's other end: every hop was internal, or the chain starts with a
 * local submission at hop i. */
static void
started_inside(const struct config *cfg, const struct chain *c, int i,
    struct evidence *ev)
{
	ev->handoff_hop = i < c->n ? i : c->n - 1;
	if (ev->bounced_by_us) {
		ev->handoff = HANDOFF_OURS;
		ev->handoff_why = "the original started inside our system";
	} else if (i == c->n - 1 && cfg->nrelays > 0 &&
	    c->hop[i].line != NULL && submitted_by_process(&c->hop[i])) {
		/* its first line a process's submission on that host (a
		 * script): not our mail, which reaches others through our
		 * relay. (One with lines below it may be a forward's
		 * re-injection of what came in: not judged; nor a webmail's
		 * "with HTTP", which may be our own provider's.) */
		ev->handoff = HANDOFF_FOREIGN;
		ev->handoff_why = "the original started inside the bouncing "
		    "system, which is not ours";
	} else
		ev->handoff_why =
		    "the original started inside the bouncing system";
}

/* Step 4: no relay list; ours by rDNS within our domains, else unknown. */
static void
judge_without_relays(const struct config *cfg, const struct received *h,
    struct evidence *ev)
{
	if (within_configured(cfg, hop_rdns(h)) ||
	    identity_ours_domain(cfg, &ev->identity, hop_rdns(h))) {
		ev->handoff = HANDOFF_OURS;
		ev->matched_by = "rdns";
		ev->handoff_why = "handed over by a host in our domain";
	} else
		ev->handoff_why =
		    "no my_relay configured to compare the hop with";
}

/* The domain a list field names: List-Id's identifier after its first
 * label ("<news.lists.example.org>": lists.example.org), else the
 * domain of the field's first address. */
static const char *
list_field_domain(struct arena *a, const struct header_block *hb,
    const char *name)
{
	char		*v = header_get_raw(a, hb, name), *lt, *gt, *dot;
	const char	*addr;

	if (v == NULL)
		return NULL;
	if (strcasecmp(name, "List-Id") == 0) {
		if ((lt = strrchr(v, '<')) == NULL ||
		    (gt = strchr(lt, '>')) == NULL)
			return NULL;
		*gt = '\0';
		dot = strchr(lt + 1, '.');
		return dot != NULL && is_name(dot + 1) ? dot + 1 : NULL;
	}
	addr = address_first(a, v);
	return addr != NULL ? address_domain(addr) : NULL;
}

/* Is a list at domain d named by hb's List-Id, Sender or Errors-To? */
static int
names_list(struct arena *a, const struct header_block *hb, const char *d)
{
	static const char *const fields[] = { "List-Id", "Sender",
	    "Errors-To", NULL };
	int	 k;

	for (k = 0; fields[k] != NULL; k++)
		if (same_org(list_field_domain(a, hb, fields[k]), d))
			return 1;
	return 0;
}

/*
 * Did the mailing list that distributed the original hand it to the
 * bouncer? The original carries a list's fields (List-*), the handoff
 * host is in the domain they name, and that is more than the client's
 * word: the receiver's rDNS says so, or the report itself reached us
 * through that list (its List-Id, Sender or envelope sender). A list
 * passes on what anyone posted to it, ours or not: its hop says
 * nothing of who sent the original.
 */
static int
list_handoff(const struct analysis *an, struct arena *a,
    const struct received *h)
{
	const struct header_block	*orig = &an->original.hdr;
	const char			*name = hop_rdns(h) ? hop_rdns(h) :
					    h->from_host;
	const char			*rp;

	if (!is_name(name) || (header_find(orig, "List-Id", 0) < 0 &&
	    header_find(orig, "List-Post", 0) < 0 &&
	    header_find(orig, "List-Help", 0) < 0 &&
	    header_find(orig, "List-Unsubscribe", 0) < 0) ||
	    !names_list(a, orig, name))
		return 0;
	if (hop_rdns(h) != NULL)
		return 1;
	if (an->message == NULL)
		return 0;
	rp = list_field_domain(a, &an->message->hdr, "Return-Path");
	return names_list(a, &an->message->hdr, name) || same_org(rp, name);
}

/* Step 3 (and 4 without relays): is the handoff hop h ours? */
static void
judge_handoff(const struct config *cfg, const struct received *h,
    struct evidence *ev)
{
	const char	*by = NULL;

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
	} else if (cfg->nrelays == 0)
		judge_without_relays(cfg, h, ev);
	else {
		ev->handoff = HANDOFF_FOREIGN;
		ev->handoff_why = ev->bounced_by_us ?
		    "sent into our system from outside, not authenticated" :
		    "handed over by a host that is not our relay";
	}
}

/* What a handoff that is not ours says of itself: a HELO naming us from
 * an address or rDNS that is not ours (the client chose it), an rDNS
 * that looks like an end-user address. */
static void
client_claims(const struct config *cfg, const struct received *h,
    struct evidence *ev)
{
	if (config_relay_match(cfg, h->from_host, h->from_host) ||
	    within_configured(cfg, h->from_host))
		ev->helo_forged = h->from_addr != NULL || hop_rdns(h) != NULL;
	ev->dynamic = looks_dynamic(hop_rdns(h), h->from_addr);
}

/*
 * Is the line down written by the host the line up names as its sender?
 * up's from-clause is what up's writer recorded (its rDNS, not one that
 * looks like an end-user address); down's by-host is down's writer's own
 * word, which must agree with it.
 */
static int
written_by_sender(const struct received *up, const struct received *down)
{
	return hop_rdns(up) != NULL &&
	    !looks_dynamic(hop_rdns(up), up->from_addr) &&
	    is_name(down->by_host) && same_org(down->by_host, hop_rdns(up));
}

/*
 * One step down a chain of custody: the line down is written by the host
 * the line up names as its sender, or, where up has no from-clause (a
 * message its writer took in again from itself: an alias's expansion,
 * Postfix's "by host (Postfix) id X"), by up's writer again.
 */
static int
custody_step(const struct received *up, const struct received *down)
{
	/* a host taking the message from itself, over loopback (a content
	 * filter's re-injection: amavis, Proofpoint's "from pps.filterd
	 * ([127.0.0.1])"): the line down is its own too */
	if (has_from_clause(up) && !is_loopback(up->from_addr))
		return written_by_sender(up, down);
	return is_name(up->by_host) && is_name(down->by_host) &&
	    same_org(down->by_host, up->by_host);
}

/*
 * A handoff into the bouncer's server (its mailbox server, Exchange
 * Online's front door) from a host named only by its greeting (no rDNS:
 * Exchange writes none), a name of another organisation than the
 * server's, whose lines below are written by hosts of that organisation
 * and lead, through its own hops (from a private address or a host of its
 * own, or its note of an alias's expansion; three lines at most), to one
 * that takes the message from our relay by its address or rDNS: a front
 * end (a list's or an alias's host, an edge server, a filtering
 * service, a forwarder) between our relay and that server, or a bot that
 * greets so above lines it forged. Neither can be told from the other:
 * not foreign, not ours. (A bot that greets as the bouncer's own
 * organisation stays foreign.)
 */
static int
greeting_took_ours(const struct config *cfg, const struct chain *c, int i)
{
	const struct received	*h = &c->hop[i], *down;
	const char		*by;
	int			 k;

	if (i + 1 >= c->n || hop_rdns(h) != NULL || !is_name(h->from_host) ||
	    h->from_addr == NULL || same_org(h->from_host, h->by_host))
		return 0;
	/* down the front end's own lines, through its internal hops (a
	 * private address, or a host of its own), to the one that takes the
	 * message from our relay */
	for (k = i + 1; k < c->n && k <= i + 3; k++) {
		down = &c->hop[k];
		if (!is_name(down->by_host) ||
		    !same_org(down->by_host, h->from_host))
			return 0;
		if (hop_relay(cfg, down, &by) != NULL)
			return strcmp(by, "helo") != 0;
		/* (its own note of taking the message in again, an alias's
		 * expansion: "by lists.example (Postfix) id X") */
		if (!has_from_clause(down))
			continue;
		if (!(is_private(down->from_addr) ||
		    same_org(hop_name(down), h->from_host)))
			return 0;
	}
	return 0;
}

/*
 * The lines below the handoff at i: proof of nothing (shown only), unless
 * a chain of custody from a foreign handoff reaches our relay. The chain
 * runs down from the handoff, whose line the bouncing side wrote, through
 * lines each written by the host the line above named as its sender. A
 * line whose from-clause is our relay is its writer's word (a spammer's
 * own server with clean rDNS writes one as easily as a forwarder): our
 * relay is reached only when the line below it is our relay's own, the
 * one our relay wrote when it took the message in. A line naming our
 * relay as its by-host that no line above hands to our relay is not our
 * relay's.
 */
static void
lines_below(const struct config *cfg, const struct chain *c, int i,
    struct evidence *ev)
{
	const char	*by;
	int		 k;

	for (k = i + 1; k < c->n; k++)
		if (line_names_relay(cfg, &c->hop[k]))
			ev->lower_names_relay = 1;
	if (ev->handoff != HANDOFF_FOREIGN || ev->bounced_by_us)
		return;
	if (greeting_took_ours(cfg, c, i)) {
		ev->handoff = HANDOFF_UNKNOWN;
		ev->handoff_why = "handed over by a host named only by its "
		    "greeting, whose own line takes it from our relay: "
		    "unverified";
		return;
	}
	for (k = i; k + 1 < c->n; k++) {
		const struct received	*down = &c->hop[k + 1];

		if (!custody_step(&c->hop[k], down))
			break;
		if (hop_relay(cfg, down, &by) == NULL || strcmp(by, "helo") == 0)
			continue;
		/* down hands the message to our relay: the next line must be
		 * our relay's, by the name down recorded for it, or, where
		 * down named it by its address alone (Exim's "from [addr]
		 * (helo=...)"), by a name of our relay's */
		if (k + 2 < c->n && (written_by_sender(down, &c->hop[k + 2]) ||
		    (strcmp(by, "address") == 0 && hop_rdns(down) == NULL &&
		    config_relay_match_host(cfg, c->hop[k + 2].by_host) !=
		    NULL)))
			ev->forwarded_ours = 1;
		break;
	}
}

void
handoff_find(const struct config *cfg, const struct analysis *an,
    struct arena *a, struct evidence *ev)
{
	struct chain		 c;
	struct side		 side;
	const struct received	*h;
	const char		*by;
	int			 i, k, looped;

	ev->handoff_hop = -1;
	ev->handoff = HANDOFF_UNKNOWN;
	c.n = an->original.nreceived < LIMIT_RECEIVED ?
	    an->original.nreceived : LIMIT_RECEIVED;
	if (c.n <= 0) {
		ev->handoff_why = "the original has no Received lines";
		return;
	}
	for (i = 0; i < c.n; i++) {
		c.hop[i] = an->original.received[i];
		fill_addr(a, &c.hop[i]);
	}

	bouncing_side(cfg, an, &c, &side, ev);			/* 1 */
	i = walk_down(cfg, &c, 0, &side, ev);			/* 2 */
	looped = 0;
	while (i < c.n && !ev->bounced_by_us && has_from_clause(&c.hop[i]) &&
	    hop_relay(cfg, &c.hop[i], &by) == NULL &&
	    (k = loop_reentry(an, &c, i)) > i) {
		looped = 1;
		i = walk_down(cfg, &c, k, &side, ev);
	}
	/* every hop internal, the first only by the name its client chose
	 * from a public address, received by a host at a private one: the
	 * bouncer's own hosts reach it over their own network, a client
	 * from outside through its NAT. A message of ours would show our
	 * relay's hop below; that client is the handoff. */
	if (i == c.n && !ev->bounced_by_us && unverified_entry(&c.hop[c.n - 1]))
		i = c.n - 1;
	if (i == c.n || !has_from_clause(&c.hop[i])) {
		started_inside(cfg, &c, i, ev);
		return;
	}
	h = &c.hop[i];
	ev->handoff_hop = i;
	ev->handoff_host = hop_rdns(h) ? hop_rdns(h) : h->from_host;
	ev->handoff_addr = h->from_addr;
	ev->no_rdns = h->from_addr != NULL && hop_rdns(h) == NULL;
	judge_handoff(cfg, h, ev);				/* 3, 4 */
	if (looped && ev->handoff == HANDOFF_OURS && ev->relay != NULL)
		ev->handoff_why = "handed over by our relay, before the "
		    "message went round a loop in the bouncing system";
	else if (looped && ev->handoff == HANDOFF_FOREIGN)
		ev->handoff_why = "handed over by a host that is not our "
		    "relay, before the message went round a loop in the "
		    "bouncing system";
	if (ev->handoff == HANDOFF_FOREIGN && !ev->bounced_by_us &&
	    list_handoff(an, a, h)) {
		ev->handoff = HANDOFF_UNKNOWN;
		ev->handoff_why = "handed over by the mailing list that "
		    "distributed the original";
		return;
	}
	if (ev->handoff != HANDOFF_OURS)
		client_claims(cfg, h, ev);
	lines_below(cfg, &c, i, ev);
}
