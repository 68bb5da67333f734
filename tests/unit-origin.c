/*
 * unit-origin.c - the handoff hop and the other evidence, then the
 * verdict with the built-in rules: a legitimate bounce (our relay handed
 * the original over), backscatter from a bot (also with a forged Received
 * line naming our relay lower down, which must not rescue it), bounces
 * from our own system, forwarding, no configuration, auto-replies; and
 * the lines an answer quoted with '>', read as its original's body.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/json.h"
#include "read/header.h"
#include "read/message.h"
#include "anatomy/anatomy.h"
#include "anatomy/original.h"
#include "read/address.h"
#include "config/config.h"
#include "evidence/origin.h"
#include "rules/rules.h"
#include "rules/score.h"
#include "tap.h"

static struct arena	 a;
static struct message	 m;

/* A bounce: reporting MTA, Received lines of the original (top first,
 * NULL-ended), and the bounce's own header. */
static void
build(struct analysis *an, enum kind kind, const char *reporting_mta,
    const char *const *received, const char *hdr)
{
	int	 i;

	memset(an, 0, sizeof(*an));
	memset(&m, 0, sizeof(m));
	an->kind = kind;
	an->message = &m;
	if (hdr == NULL)
		hdr = "From: MAILER-DAEMON@mx1.remote.example\n\n";
	header_parse(&a, hdr, strlen(hdr), &m.hdr);
	an->reporting_mta = (char *)reporting_mta;
	if (received != NULL) {
		an->original.source = SOURCE_RFC822;
		for (i = 0; received[i] != NULL && i < LIMIT_RECEIVED; i++)
			received_parse(&a, arena_strdup(&a, received[i]),
			    &an->original.received[i]);
		an->original.nreceived = i;
	}
}

static void
load(struct config *cfg, const char *const *lines)
{
	int	 i;

	config_init(cfg);
	for (i = 0; lines[i] != NULL; i++)
		if (config_line(cfg, lines[i], "t.conf", i + 1, NULL) != 0)
			diag("config line %d refused", i + 1);
}

static const char *const conf_full[] = {
	"my_domain northwind.example",
	"my_relay smtp.northwind.example 192.0.2.25 2001:db8:25::/48",
	NULL
};

static const char *const legit[] = {
	"from mx1.remote.example (mx1.remote.example [203.0.113.10]) by store.remote.example with LMTP id 1",
	"from smtp.northwind.example (smtp.northwind.example [192.0.2.25]) by mx1.remote.example (Postfix) with ESMTPS id 2",
	"from [10.0.0.5] (client.lan [10.0.0.5]) by smtp.northwind.example with ESMTPSA id 3",
	NULL
};

static const char *const bot_forged[] = {
	"from mx1.remote.example (mx1.remote.example [203.0.113.10]) by store.remote.example with LMTP id 1",
	"from northwind.example (dsl-198-51-100-77.dyn.isp.example [198.51.100.77]) by mx1.remote.example (Postfix) with SMTP id 2",
	"from smtp.northwind.example (smtp.northwind.example [192.0.2.25]) by mx.northwind.example with ESMTPSA id 3",
	NULL
};

static const char *const helo_only[] = {
	"from smtp.northwind.example (unknown [203.0.113.99]) by mx1.remote.example (Postfix) with SMTP id 2",
	NULL
};

static const char *const v6[] = {
	"from out.northwind.example (out.northwind.example [IPv6:2001:db8:25::7]) by mx1.remote.example (Postfix) with ESMTPS id 2",
	NULL
};

static const char *const by_us_auth[] = {
	"from laptop (unknown [198.18.0.7]) by smtp.northwind.example (Postfix) with ESMTPSA id ABC",
	NULL
};

static const char *const by_us_spam[] = {
	"from localhost (localhost [127.0.0.1]) by smtp.northwind.example (Postfix) with ESMTP id D",
	"from bot.example (unknown [198.51.100.66]) by smtp.northwind.example (Postfix) with SMTP id C",
	NULL
};

static const char *const by_us_local[] = {
	"by smtp.northwind.example (Postfix, from userid 1000) id 9",
	NULL
};

static const char *const forwarded[] = {
	"from mx.forwarder.example (mx.forwarder.example [198.51.100.5]) by mx1.remote.example (Postfix) with ESMTPS id 2",
	"from smtp.northwind.example (smtp.northwind.example [192.0.2.25]) by mx.forwarder.example with ESMTPS id 3",
	"from laptop (unknown [10.0.0.5]) by smtp.northwind.example (Postfix) with ESMTPSA id 4",
	NULL
};

/* A spammer's own server with clean rDNS writes one line handing the
 * message over from our relay: the forwarder's shape, but no line of our
 * relay's own below it. */
static const char *const spam_server_hands_over[] = {
	"from mail.shop-deals.example (mail.shop-deals.example [203.0.113.80]) by mx1.remote.example (Postfix) with ESMTPS id 2",
	"from smtp.northwind.example (smtp.northwind.example [192.0.2.25]) by mail.shop-deals.example with ESMTPS id 3",
	NULL
};

/* ... or adds a line naming our relay as its by-host, which no line above
 * hands to our relay. */
static const char *const spam_server_by_relay[] = {
	"from mail.shop-deals.example (mail.shop-deals.example [203.0.113.80]) by mx1.remote.example (Postfix) with ESMTPS id 2",
	"from smtp.northwind.example (smtp.northwind.example [192.0.2.25]) by mail.shop-deals.example with ESMTPS id 3",
	"from laptop (unknown [10.0.0.5]) by smtp.northwind.example (Postfix) with ESMTPSA id 4",
	NULL
};

/* Postfix and sendmail write "from HELO (rdns [addr])": a bot that says
 * EHLO [our relay's address] or [a private address]. */
/* Exchange behind NAT: the only hop, a client greeting with a name of
 * the bouncer's own (here the very name of the receiving host) from a
 * public address, into a host at a private one */
static const char *const nat_entry[] = {
	"from mx1.remote.example (198.51.100.23) by mx1.remote.example (10.1.1.4) with Microsoft SMTP Server id 15.1.2507.39",
	NULL
};

/* the same from a private address: one of the bouncer's own hosts */
static const char *const nat_inside[] = {
	"from edge.remote.example (10.1.1.9) by mx1.remote.example (10.1.1.4) with Microsoft SMTP Server id 15.1.2507.39",
	NULL
};

/* an edge at a public address over our relay's line: our relay is found */
static const char *const nat_edge_relay[] = {
	"from edge.remote.example (198.51.100.23) by mx1.remote.example (10.1.1.4) with Microsoft SMTP Server id 15.1.2507.39",
	"from smtp.northwind.example (smtp.northwind.example [192.0.2.25]) by edge.remote.example with ESMTP id 1",
	NULL
};

static const char *const postfix_helo_literal[] = {
	"from [192.0.2.25] (unknown [198.51.100.66]) by mx1.remote.example (Postfix) with ESMTP id 2",
	"from smtp.northwind.example (smtp.northwind.example [192.0.2.25]) by smtp.northwind.example with ESMTPSA id 3",
	NULL
};
static const char *const postfix_helo_private[] = {
	"from [10.1.2.3] (unknown [198.51.100.66]) by mx1.remote.example (Postfix) with ESMTP id 2",
	"from smtp.northwind.example (smtp.northwind.example [192.0.2.25]) by smtp.northwind.example with ESMTPSA id 3",
	NULL
};
static const char *const sendmail_helo_literal[] = {
	"from [192.0.2.25] ([198.51.100.66]) by mx1.remote.example (8.17.1/8.17.1) with ESMTP id 2",
	NULL
};

static const char *const forged_chain[] = {
	"from mail (198-51-100-9.pool.isp.example [198.51.100.9]) by mx1.remote.example (Postfix) with SMTP id 2",
	"from smtp.northwind.example (smtp.northwind.example [192.0.2.25]) by 198-51-100-9.pool.isp.example with ESMTPS id 3",
	NULL
};

static const char *const microsoft[] = {
	"from DM6PR12MB4058.namprd12.prod.outlook.com (2603:10b6:5:21d::15) by SN6PR12MB2718.namprd12.prod.outlook.com with HTTPS",
	"from BN9PR03CA0123.namprd03.prod.outlook.com (2603:10b6:408:fe::8) by DM6PR12MB4058.namprd12.prod.outlook.com (2603:10b6:5:21d::15) with Microsoft SMTP Server",
	"from smtp.northwind.example (192.0.2.25) by BN9PR03CA0123.mail.protection.outlook.com (10.97.1.5) with Microsoft SMTP Server",
	NULL
};

static const char *const exim_helo_claim[] = {
	"from [198.51.100.40] (helo=mx2.remote.example) by mx1.remote.example with esmtp (Exim 4.96) id 1",
	"from smtp.northwind.example ([192.0.2.25]) by mx2.remote.example with esmtp (Exim 4.96) id 2",
	NULL
};

/* Score with the built-in rules; returns the tests string. */
static const char *
verdict(const struct config *cfg, struct ruleset *rs, const struct analysis *an,
    struct verdict *v)
{
	if (score_message(cfg, NULL, rs, an, &a, v) == -1)
		return "ERROR";
	return score_tests(v, &a);
}

/* The lines an answer quoted with '>', as original_quoted_lines reads
 * them, or "(null)". */
static const char *
quoted(const char *text)
{
	size_t	 n;
	char	*q = original_quoted_lines(&a, text, strlen(text), &n);

	if (q == NULL)
		return "(null)";
	return strlen(q) == n ? q : "(length wrong)";
}

static void
quoted_lines(void)
{
	is_str(quoted("Away until Monday.\n\n> Cheap meds\n>\n> no "
	    "prescription\n"), "Cheap meds\n\nno prescription\n",
	    "quoted lines: marks and the blank after them go, the answer's "
	    "own lines with them");
	is_str(quoted("  > > nested\n\t>>deeper"), "nested\ndeeper\n",
	    "quoted lines: indented marks, nested quotes, a last line "
	    "without its line end");
	is_str(quoted("Away.\n>\n> 12:30\n>--\n"), "(null)",
	    "quoted lines: none with a letter is no quoted body");
	is_str(quoted("Away.\n> \xd0\x9f\xd1\x80\n"),
	    "\xd0\x9f\xd1\x80\n", "quoted lines: a letter of another script "
	    "counts");
	is_str(quoted("No quote here.\nNor here."), "(null)",
	    "quoted lines: a text without any");
	is_str(quoted(">"), "(null)", "quoted lines: a lone mark");
}

int
main(void)
{
	struct config		 cfg, bare;
	struct analysis		 an;
	struct evidence		 ev;
	struct verdict		 v;
	struct ruleset		*rs;
	struct json		 j;
	struct buf		 out;
	const char		*t;

	plan(0);
	arena_init(&a, 64u << 20);
	quoted_lines();
	unsetenv("RECIPIENT");
	unsetenv("ORIG_RECIPIENT");
	unsetenv("ORIGINAL_RECIPIENT");
	load(&cfg, conf_full);
	rs = rules_new();
	rules_add_builtin(rs);

	/* 1. legitimate: our relay handed it over */
	build(&an, KIND_BOUNCE, "mx1.remote.example", legit, NULL);
	origin_gather(&cfg, NULL, &an, &a, &ev);
	is_int(ev.handoff, HANDOFF_OURS, "legit: handoff ours");
	is_int(ev.handoff_hop, 1, "legit: handoff is hop 1 (the internal LMTP hop skipped)");
	is_str(ev.matched_by, "address", "legit: matched by address");
	is_str(ev.relay ? ev.relay->text : NULL, "192.0.2.25", "legit: which relay");
	ok(!ev.bounced_by_us, "legit: not bounced by us");
	t = verdict(&cfg, rs, &an, &v);
	is_str(t, "BS_OUR_HANDOFF,BS_STRONG_OURS", "legit: tests");
	ok(!v.backscatter && v.score <= -10, "legit: not backscatter (%.1f)", v.score);

	/* 2. backscatter from a bot, with a forged lower line naming our relay */
	build(&an, KIND_BOUNCE, "mx1.remote.example", bot_forged, NULL);
	origin_gather(&cfg, NULL, &an, &a, &ev);
	is_int(ev.handoff, HANDOFF_FOREIGN, "bot: handoff foreign");
	is_int(ev.handoff_hop, 1, "bot: the bot's hop, not the forged one below");
	ok(ev.lower_names_relay, "bot: the forged lower line is seen");
	ok(!ev.forwarded_ours, "bot: and does not count as a forwarding chain");
	ok(ev.helo_forged, "bot: HELO is our bare domain from a foreign address");
	ok(ev.dynamic, "bot: rDNS looks dynamic");
	t = verdict(&cfg, rs, &an, &v);
	is_str(t, "BS_FOREIGN_HANDOFF,BS_HANDOFF_DYNAMIC,BS_HELO_FORGED,BS_STRONG_BACKSCATTER",
	    "bot: tests");
	ok(v.backscatter, "bot: backscatter (%.1f)", v.score);

	/* 3. HELO names our relay, the address is not ours */
	build(&an, KIND_BOUNCE, "mx1.remote.example", helo_only, NULL);
	origin_gather(&cfg, NULL, &an, &a, &ev);
	is_int(ev.handoff, HANDOFF_FOREIGN, "helo: forged HELO is not ours");
	ok(ev.helo_forged && ev.no_rdns, "helo: forged, no rDNS");
	t = verdict(&cfg, rs, &an, &v);
	ok(v.backscatter, "helo: backscatter (%s)", t);

	/* 4. IPv6 relay range */
	build(&an, KIND_BOUNCE, "mx1.remote.example", v6, NULL);
	origin_gather(&cfg, NULL, &an, &a, &ev);
	is_int(ev.handoff, HANDOFF_OURS, "v6: address in our CIDR is ours");
	is_str(ev.relay ? ev.relay->text : NULL, "2001:db8:25::/48", "v6: relay");

	/* 5. bounced by our own relay: authenticated submission is ours */
	build(&an, KIND_BOUNCE, "smtp.northwind.example", by_us_auth, NULL);
	origin_gather(&cfg, NULL, &an, &a, &ev);
	ok(ev.bounced_by_us, "by us: bounced by us");
	is_int(ev.handoff, HANDOFF_OURS, "by us: authenticated submission ours");
	is_str(ev.matched_by, "authentication", "by us: by authentication");

	/* 5b. the same, when my_relay lists only addresses: not foreign */
	{
		struct config	 ipcfg;
		static const char *const ip_only[] = {
			"my_relay 192.0.2.25", NULL
		};

		load(&ipcfg, ip_only);
		build(&an, KIND_BOUNCE, "smtp.northwind.example", by_us_auth,
		    NULL);
		origin_gather(&ipcfg, NULL, &an, &a, &ev);
		is_int(ev.handoff, HANDOFF_UNKNOWN,
		    "by us, relay by address only: authenticated hop unknown");
		config_free(&ipcfg);
	}

	/* 6. our relay bounced spam that was sent into it from outside */
	build(&an, KIND_BOUNCE, "smtp.northwind.example", by_us_spam, NULL);
	origin_gather(&cfg, NULL, &an, &a, &ev);
	is_int(ev.handoff, HANDOFF_FOREIGN, "by us: unauthenticated entry is foreign");
	is_int(ev.handoff_hop, 1, "by us: the localhost hop is internal");

	/* 7. locally submitted on our relay */
	build(&an, KIND_BOUNCE, "smtp.northwind.example", by_us_local, NULL);
	origin_gather(&cfg, NULL, &an, &a, &ev);
	is_int(ev.handoff, HANDOFF_OURS, "local submission on our relay is ours");

	/* 8. forwarded: a DNS-linked chain reaches our relay */
	build(&an, KIND_BOUNCE, "mx1.remote.example", forwarded, NULL);
	origin_gather(&cfg, NULL, &an, &a, &ev);
	is_int(ev.handoff, HANDOFF_FOREIGN, "forwarded: handoff from the forwarder");
	ok(ev.forwarded_ours, "forwarded: chain reaches our relay");
	t = verdict(&cfg, rs, &an, &v);
	is_str(t, "BS_FORWARDED_OURS", "forwarded: tests");
	ok(!v.backscatter, "forwarded: not backscatter");

	/* 9. a chain forged from a dynamic host does not link */
	build(&an, KIND_BOUNCE, "mx1.remote.example", forged_chain, NULL);
	origin_gather(&cfg, NULL, &an, &a, &ev);
	ok(!ev.forwarded_ours, "forged chain from a pool address: not linked");
	t = verdict(&cfg, rs, &an, &v);
	ok(v.backscatter, "forged chain: backscatter (%s)", t);

	/* 9a. the forwarder's shape written by a spammer's own server */
	build(&an, KIND_BOUNCE, "mx1.remote.example", spam_server_hands_over,
	    NULL);
	origin_gather(&cfg, NULL, &an, &a, &ev);
	ok(!ev.forwarded_ours, "one line handing over from our relay, none "
	    "of our relay's own: no chain to our relay");
	t = verdict(&cfg, rs, &an, &v);
	ok(v.backscatter, "... backscatter (%s)", t);
	/* our relay's own line, reached through the line above it, counts
	 * (a forger who writes both is caught only by proof) */
	build(&an, KIND_BOUNCE, "mx1.remote.example", spam_server_by_relay,
	    NULL);
	origin_gather(&cfg, NULL, &an, &a, &ev);
	ok(ev.forwarded_ours, "with our relay's own line below: the chain "
	    "reaches our relay");

	/* 9c. the EHLO literal is the client's word, the bracket after the
	 * rDNS what the receiver recorded */
	build(&an, KIND_BOUNCE, "mx1.remote.example", postfix_helo_literal, NULL);
	origin_gather(&cfg, NULL, &an, &a, &ev);
	is_str(an.original.received[0].from_addr, "198.51.100.66",
	    "Postfix \"from [our relay] (unknown [bot])\": the bot's address");
	is_int(ev.handoff, HANDOFF_FOREIGN, "... the handoff is foreign");
	is_int(ev.handoff_hop, 0, "... at the bot's hop");
	build(&an, KIND_BOUNCE, "mx1.remote.example", postfix_helo_private, NULL);
	origin_gather(&cfg, NULL, &an, &a, &ev);
	is_int(ev.handoff_hop, 0, "Postfix \"from [10.1.2.3] (unknown [bot])\": "
	    "not internal, the handoff is the bot's hop");
	is_int(ev.handoff, HANDOFF_FOREIGN, "... and foreign");
	build(&an, KIND_BOUNCE, "mx1.remote.example", sendmail_helo_literal, NULL);
	origin_gather(&cfg, NULL, &an, &a, &ev);
	is_str(an.original.received[0].from_addr, "198.51.100.66",
	    "sendmail \"from [our relay] ([bot])\": the bot's address");
	is_int(ev.handoff, HANDOFF_FOREIGN, "... foreign");
	build(&an, KIND_BOUNCE, "mx1.remote.example", exim_helo_claim, NULL);
	is_str(an.original.received[0].from_addr, "198.51.100.40",
	    "Exim \"from [addr] (helo=x)\": the first token is the address");

	/* 9b. Exchange Online: internal hops named without rDNS */
	build(&an, KIND_BOUNCE, "SN6PR12MB2718.namprd12.prod.outlook.com",
	    microsoft, NULL);
	origin_gather(&cfg, NULL, &an, &a, &ev);
	is_int(ev.handoff_hop, 2, "microsoft: internal hops skipped");
	is_int(ev.handoff, HANDOFF_OURS, "microsoft: our relay handed it over");

	/* 9c. a bot claiming the bouncer's name in HELO is not internal */
	build(&an, KIND_BOUNCE, "mx1.remote.example", exim_helo_claim, NULL);
	origin_gather(&cfg, NULL, &an, &a, &ev);
	is_int(ev.handoff_hop, 0, "helo claim: the bot's hop is the handoff");
	is_int(ev.handoff, HANDOFF_FOREIGN,
	    "helo claim: the forged line below does not rescue it");

	/* 9d. every hop internal, the first only by its client's greeting
	 * from a public address into a private one: that client entered
	 * from outside (its name is the receiver's own: the receiver's
	 * address is the one after "by") */
	build(&an, KIND_BOUNCE, "mx1.remote.example", nat_entry, NULL);
	origin_gather(&cfg, NULL, &an, &a, &ev);
	is_int(ev.handoff, HANDOFF_FOREIGN, "NAT entry: the client is the "
	    "handoff, foreign");
	is_int(ev.handoff_hop, 0, "NAT entry: at hop 0");
	build(&an, KIND_BOUNCE, "mx1.remote.example", nat_inside, NULL);
	origin_gather(&cfg, NULL, &an, &a, &ev);
	is_int(ev.handoff, HANDOFF_UNKNOWN, "NAT: a private client is the "
	    "bouncer's own, the original started inside");
	build(&an, KIND_BOUNCE, "mx1.remote.example", nat_edge_relay, NULL);
	origin_gather(&cfg, NULL, &an, &a, &ev);
	is_int(ev.handoff, HANDOFF_OURS, "NAT: an edge over our relay's line: "
	    "our relay handed it over");

	/* 10. no Received lines */
	build(&an, KIND_BOUNCE, "mx1.remote.example", NULL, NULL);
	origin_gather(&cfg, NULL, &an, &a, &ev);
	is_int(ev.handoff, HANDOFF_UNKNOWN, "no original: handoff unknown");
	t = verdict(&cfg, rs, &an, &v);
	is_str(t, "BS_NO_ORIGINAL", "no original: small evidence only");
	ok(!v.backscatter, "no original alone is not backscatter");

	/* 11. no configuration: identity from Delivered-To, no relay list */
	config_init(&bare);
	build(&an, KIND_BOUNCE, "mx1.remote.example", legit,
	    "Delivered-To: alice@northwind.example\n\n");
	origin_gather(&bare, NULL, &an, &a, &ev);
	is_str(ev.identity.source, "Delivered-To", "bare: identity source");
	is_int(ev.handoff, HANDOFF_OURS, "bare: rDNS in our domain is ours");
	build(&an, KIND_BOUNCE, "mx1.remote.example", bot_forged,
	    "Delivered-To: alice@northwind.example\n\n");
	origin_gather(&bare, NULL, &an, &a, &ev);
	is_int(ev.handoff, HANDOFF_UNKNOWN,
	    "bare: a foreign host is unknown without my_relay");
	ok(ev.dynamic, "bare: but it still looks dynamic");

	/* 12. the original's claims */
	build(&an, KIND_BOUNCE, "mx1.remote.example", NULL, NULL);
	an.original.source = SOURCE_HEADERS;
	an.original.message_id = (char *)"1234.abc@mail.northwind.example";
	an.original.from = (char *)"alice@northwind.example";
	an.original.dkim_domains[0] = (char *)"other.example";
	an.original.dkim_domains[1] = (char *)"northwind.example";
	an.original.ndkim = 2;
	origin_gather(&cfg, NULL, &an, &a, &ev);
	ok(ev.msgid_ours, "claims: Message-ID at a subdomain is ours");
	ok(ev.from_ours && !ev.from_foreign, "claims: From ours");
	is_str(ev.dkim_ours, "northwind.example", "claims: DKIM d= ours found");
	t = verdict(&cfg, rs, &an, &v);
	is_str(t, "BS_ORIG_CLAIMS_OURS", "claims: weak evidence against");

	/* 13. auto-replies */
	build(&an, KIND_AUTOREPLY, NULL, NULL, NULL);
	an.in_reply_to = an.replied_to = (char *)"<abc@mail.northwind.example>";
	t = verdict(&cfg, rs, &an, &v);
	is_str(t, "BS_REPLY_TO_OURS", "autoreply to our Message-ID");
	ok(!v.backscatter, "autoreply to ours: not backscatter");
	an.in_reply_to = an.replied_to = (char *)"<abc@bot.example>";
	an.references = (char *)"<x@y.example> <z@w.example>";
	t = verdict(&cfg, rs, &an, &v);
	is_str(t, "BS_REPLY_TO_FOREIGN,BS_REPLY_TO_FOREIGN_CONF",
	    "autoreply to a foreign Message-ID");
	ok(v.backscatter, "autoreply to foreign: backscatter (%.1f)", v.score);
	is_int(v.evidence.reply_refs, 1, "only the answered Message-ID counted");
	/* a spammer's References naming our Message-ID is copied into the
	 * reply; only the message answered counts */
	an.references = (char *)"<abc@mail.northwind.example> <z@w.example>";
	t = verdict(&cfg, rs, &an, &v);
	ok(v.backscatter && v.evidence.reply_ours == 0,
	    "our Message-ID in a copied References does not rescue (%s)", t);

	/* 13b. an answer to a Message-ID at our domain in a spam tool's
	 * shape: forged, not ours, not foreign */
	build(&an, KIND_AUTOREPLY, NULL, NULL, NULL);
	an.in_reply_to = an.replied_to = (char *)"<0hdfpk8y0bhy@northwind.example>";
	t = verdict(&cfg, rs, &an, &v);
	is_str(t, "BS_REPLY_TO_FORGED", "autoreply to a forged-shape id of ours");
	ok(v.backscatter && v.evidence.reply_ours == 0 &&
	    v.evidence.reply_forged == 1, "forged shape: backscatter (%.1f)",
	    v.score);
	an.in_reply_to = an.replied_to =
	    (char *)"<20261204233923.81A17A44BA@smtp.northwind.example>";
	t = verdict(&cfg, rs, &an, &v);
	is_str(t, "BS_REPLY_TO_OURS", "a queue id's shape is ours");
	/* no In-Reply-To: the returned original's Message-ID is answered */
	build(&an, KIND_AUTOREPLY, NULL, NULL, NULL);
	an.original.source = SOURCE_RFC822;
	an.original.message_id = (char *)"ug0by2irw8ywgw04@northwind.example";
	t = verdict(&cfg, rs, &an, &v);
	ok(strstr(t, "BS_REPLY_TO_FORGED") != NULL && v.evidence.reply_refs == 1,
	    "the returned original's forged-shape id is answered (%s)", t);
	an.original.message_id = (char *)"8c1e2f4a-77b0-4d3e-9a55-2b1f0c9d7e31@northwind.example";
	t = verdict(&cfg, rs, &an, &v);
	ok(strstr(t, "BS_REPLY_TO_OURS") != NULL, "a UUID is ours (%s)", t);
	/* the shape's edges */
	ok(address_spam_shape("0hdfpk8y0bhy", 12), "shape: 12 random");
	ok(!address_spam_shape("0hdfpk8y0bh", 11), "shape: 11 is too short");
	ok(address_spam_shape("0hdfpk8y0bhy0hdfpk8y0bhy0hdfpk8", 31),
	    "shape: 31 random");
	ok(!address_spam_shape("0hdfpk8y0bhy0hdfpk8y0bhy0hdfpk8y", 32),
	    "shape: 32 is too long (Roundcube's hex is 32)");
	ok(!address_spam_shape("9f3a0c4e7b21d6a8", 16),
	    "shape: hex only is a program's (OpenSMTPD)");
	ok(!address_spam_shape("meetingnotesxyz", 15), "shape: no digit");
	ok(!address_spam_shape("ab1234567890cd", 14), "shape: ten digits in a row");
	ok(address_spam_shape("ab123456789cdx", 14), "shape: nine digits in a row");
	ok(!address_spam_shape("0hdfpK8y0bhy", 12), "shape: a capital");
	ok(!address_spam_shape("0hdfpk8y.bhy", 12), "shape: a dot");

	/* 14. spam reason: strong, but not alone */
	build(&an, KIND_BOUNCE, "mx1.remote.example", legit, NULL);
	an.reason = "spamdetected";
	t = verdict(&cfg, rs, &an, &v);
	ok(!v.backscatter, "our mail rejected as spam stays legit (%s)", t);
	build(&an, KIND_BOUNCE, "mx1.remote.example", bot_forged, NULL);
	an.reason = "virusdetected";
	t = verdict(&cfg, rs, &an, &v);
	ok(strstr(t, "BS_REASON_VIRUS") != NULL && v.backscatter,
	    "virus bounce of a bot's mail (%s)", t);

	/* 15. kind none: no rules, score 0, nothing compiled needed */
	{
		struct ruleset	*fresh = rules_new();

		rules_add_builtin(fresh);
		build(&an, KIND_NONE, NULL, legit, NULL);
		t = verdict(&cfg, fresh, &an, &v);
		is_str(t, "none", "kind none: no tests");
		ok(v.score == 0 && !v.backscatter && !v.rules_run,
		    "kind none: score 0, rules not run");
		is_int(rules_count(fresh), 0, "kind none: rules not even compiled");
		rules_free(fresh);
	}

	/* 16. JSON and the report */
	build(&an, KIND_BOUNCE, "mx1.remote.example", bot_forged, NULL);
	verdict(&cfg, rs, &an, &v);
	buf_init(&out, 1 << 20);
	json_init(&j, &out);
	json_object_begin(&j);
	score_json(&j, &v);
	json_object_end(&j);
	ok(strncmp(out.data, "{\"backscatter\":true,\"score\":30.0,\"required\":5.0,"
	    "\"tests\":[{\"name\":\"BS_FOREIGN_HANDOFF\",\"score\":6.0,", 93) == 0,
	    "json: verdict members first");
	ok(strstr(out.data, "\"decided_by\":{\"class\":\"strong\","
	    "\"evidence\":\"handoff\",\"why\":\"the hop into the bouncing "
	    "system came from dsl-198-51-100-77.dyn.isp.example, not our "
	    "relay\"}") != NULL, "json: decided_by, the class, the evidence, why");
	ok(strstr(out.data, "\"handoff\":{\"verdict\":\"foreign\"") != NULL &&
	    strstr(out.data, "\"hop\":1,") != NULL &&
	    strstr(out.data, "\"relay\":null") != NULL &&
	    strstr(out.data, "\"lower_received_names_relay\":true") != NULL,
	    "json: handoff evidence");
	if (strstr(out.data, "\"hop\":1,") == NULL)
		diag("%s", out.data);
	buf_reset(&out);
	score_explain(&out, &v);
	ok(strncmp(out.data, "Backscatter, score 30.0, required 5.0\n"
	    "Decided by strong: the hop into the bouncing system came from "
	    "dsl-198-51-100-77.dyn.isp.example, not our relay.\n", 131) == 0 &&
	    strstr(out.data, "dsl-198-51-100-77.dyn.isp.example") != NULL &&
	    strstr(out.data, "not counted") != NULL,
	    "explain: verdict, what decided first, the hop, the forged line "
	    "shown as not counted");
	buf_free(&out);

	rules_free(rs);
	config_free(&cfg);
	config_free(&bare);
	arena_free(&a);
	return done();
}
