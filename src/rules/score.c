/*
 * score.c - add the weights up and show why (see score.h).
 *
 * Which evidence decides is settled before the rules run (decide.c):
 * proof, then strong evidence, then the rules' weights. The class that
 * decided shows as its test (BS_PROOF_OURS, BS_STRONG_BACKSCATTER, ...)
 * with a weight that dominates; should the rest of the score still
 * outweigh it (a rule file that raised other weights, or lowered it),
 * that test's score is raised just past the required score, so that
 * heuristics never outvote proof and the headers still read
 * score >= required.
 *
 * The rule set's compile errors do not stop scoring: broken rules are left
 * out by compile.c and counted here, --lint reports them. Scores are summed
 * in name order so the total is the same on every run.
 */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/tenths.h"
#include "anatomy/anatomy.h"
#include "config/config.h"
#include "evidence/origin.h"
#include "rules/rules.h"
#include "rules/score.h"

/* One decimal is what is shown: decide on what is shown. */
static int
over(double score, double required)
{
	return (long)(score * 10 + (score < 0 ? -0.5 : 0.5)) >=
	    (long)(required * 10 + (required < 0 ? -0.5 : 0.5));
}

/* The test that shows the decision, by class and answer. */
static const char *
decision_test(const struct decision *d)
{
	if (d->class == DECIDE_PROOF)
		return d->backscatter ? "BS_PROOF_BACKSCATTER" :
		    "BS_PROOF_OURS";
	return d->backscatter ? "BS_STRONG_BACKSCATTER" : "BS_STRONG_OURS";
}

/* The rest outweighed the deciding test: raise it to one point past the
 * required score (a configuration that dropped the test is obeyed). */
static void
dominate(struct verdict *v)
{
	const struct decision	*d = &v->evidence.decision;
	const char		*name = decision_test(d);
	double			 need;
	int			 i;

	for (i = 0; i < v->nhits; i++)
		if (strcmp(v->hits[i].name, name) == 0)
			break;
	if (i == v->nhits)
		return;
	need = d->backscatter ? v->required + 1.0 - v->score :
	    v->required - 1.0 - v->score;
	v->hits[i].score += need;
	v->score += need;
	v->backscatter = over(v->score, v->required);
}

int
score_message(const struct config *cfg, const struct envelope *env,
    struct ruleset *rs, const struct analysis *an, struct arena *a,
    struct verdict *v)
{
	int	 i, rc;

	memset(v, 0, sizeof(*v));
	v->required = cfg->required;
	v->kind = an->kind;
	v->analysis = an;
	v->evidence.handoff_hop = -1;
	if (an->kind == KIND_NONE)
		return 0;

	origin_gather(cfg, env, an, a, &v->evidence);
	if (rs == NULL)
		return 0;
	if ((rc = rules_compile(rs, cfg, NULL)) == -1)
		return -1;
	v->rule_errors = rc;
	if (rules_run(rs, an, &v->evidence, a, &v->hits, &v->nhits,
	    &v->cuts, &v->regex_limits) == -1) {
		v->hits = NULL;
		v->nhits = 0;
		return -1;
	}
	v->rules_run = 1;
	for (i = 0; i < v->nhits; i++)
		v->score += v->hits[i].score;
	v->backscatter = over(v->score, v->required);
	if (v->evidence.decision.class != DECIDE_HEURISTIC &&
	    v->backscatter != v->evidence.decision.backscatter)
		dominate(v);
	return 0;
}

const char *
score_tests(const struct verdict *v, struct arena *a)
{
	struct buf	 b;
	const char	*s;
	int		 i;

	if (v->nhits == 0)
		return "none";
	buf_init(&b, 512 * 1024);	/* RULES_MAX names of 64 and commas */
	for (i = 0; i < v->nhits; i++) {
		if (i > 0)
			buf_appendc(&b, ',');
		buf_appends(&b, v->hits[i].name);
	}
	s = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return s;
}

/* "batv", "sent_ledger", "dkim": each null when not configured. */
static const char *
ledger_recipient_name(enum ledger_recipient r)
{
	switch (r) {
	case LEDGER_RCPT_MATCH:		return "match";
	case LEDGER_RCPT_OTHER:		return "other";
	case LEDGER_RCPT_UNRECORDED:	return "not recorded";
	case LEDGER_RCPT_NONE:		break;
	}
	return NULL;
}

static void
json_proof(struct json *j, const struct evidence *ev)
{
	int	 i;

	json_key(j, "batv");
	if (ev->batv.keys == 0)
		json_null(j);
	else {
		json_object_begin(j);
		json_member_string(j, "result", batv_status_name(ev->batv.status));
		json_member_string(j, "address", ev->batv.address);
		json_member_string(j, "source", ev->batv.source);
		json_member_string(j, "why", ev->batv.why);
		json_member_int(j, "days", ev->batv.days);
		json_member_int(j, "tagged_addresses", ev->batv.tagged);
		json_member_bool(j, "required", ev->batv.required);
		json_object_end(j);
	}
	json_key(j, "sent_ledger");
	json_object_begin(j);
	json_member_string(j, "state", ev->ledger.state);
	json_member_bool(j, "complete", ev->ledger.complete);
	json_member_int(j, "looked_up", ev->ledger.looked_up);
	json_member_bool(j, "original_sent", ev->ledger.original_sent);
	json_member_bool(j, "reply_sent", ev->ledger.reply_sent);
	json_member_bool(j, "ours_unknown", ev->ledger.ours_unknown);
	json_member_string(j, "found", ev->ledger.found);
	json_key(j, "age_days");
	if (ev->ledger.found != NULL)
		json_int(j, ev->ledger.age);
	else
		json_null(j);
	json_member_string(j, "recipient", ledger_recipient_name(
	    ev->ledger.recipient));
	json_member_string(j, "recorded_for", ev->ledger.matched);
	json_key(j, "correspondent");
	switch (ev->ledger.correspondent) {
	case 1: json_string(j, "yes"); break;
	case 0: json_string(j, "never"); break;
	case -1: json_string(j, "unknown"); break;
	default: json_null(j); break;
	}
	json_member_string(j, "replier", ev->ledger.replier);
	json_object_end(j);
	json_key(j, "dkim");
	if (ev->dkim.keys == 0)
		json_null(j);
	else {
		json_object_begin(j);
		json_member_string(j, "result", dkim_proof_name(ev->dkim.result));
		json_member_string(j, "domain", ev->dkim.domain);
		json_member_string(j, "selector", ev->dkim.selector);
		json_member_string(j, "why", ev->dkim.why);
		json_key(j, "signed_recipients");
		json_array_begin(j);
		for (i = 0; i < ev->dkim.nsigned_rcpt; i++)
			json_string(j, ev->dkim.signed_rcpt[i]);
		json_array_end(j);
		json_object_end(j);
	}
}

static void
json_evidence(struct json *j, const struct verdict *v)
{
	const struct evidence	*ev = &v->evidence;
	const struct analysis	*an = v->analysis;
	const struct received	*h = NULL;
	int			 i;

	if (an != NULL && ev->handoff_hop >= 0 &&
	    ev->handoff_hop < an->original.nreceived)
		h = &an->original.received[ev->handoff_hop];

	json_object_begin(j);
	json_key(j, "identity");
	json_object_begin(j);
	json_member_string(j, "address", ev->identity.address);
	json_member_string(j, "source", ev->identity.source);
	json_member_bool(j, "configured", ev->identity.configured);
	json_object_end(j);

	json_member_int(j, "relays_configured", ev->nrelays);
	json_member_bool(j, "bounced_by_us", ev->bounced_by_us);

	json_key(j, "handoff");
	json_object_begin(j);
	json_member_string(j, "verdict", origin_handoff_name(ev->handoff));
	json_member_string(j, "why", ev->handoff_why);
	json_key(j, "hop");
	if (ev->handoff_hop >= 0)
		json_int(j, ev->handoff_hop);
	else
		json_null(j);
	json_member_string(j, "received", h != NULL ? h->line : NULL);
	json_member_string(j, "host", ev->handoff_host);
	json_member_string(j, "address", ev->handoff_addr);
	json_member_string(j, "relay", ev->relay != NULL ? ev->relay->text : NULL);
	json_member_string(j, "matched_by", ev->matched_by);
	json_member_bool(j, "helo_forged", ev->helo_forged);
	json_member_bool(j, "no_rdns", ev->no_rdns);
	json_member_bool(j, "dynamic", ev->dynamic);
	json_member_bool(j, "forwarded_ours", ev->forwarded_ours);
	json_member_bool(j, "lower_received_names_relay", ev->lower_names_relay);
	json_member_int(j, "internal_hops_unverified", ev->internal_unverified);
	json_object_end(j);

	json_member_bool(j, "original_present", ev->has_original);
	json_member_bool(j, "message_id_ours", ev->msgid_ours);
	json_member_bool(j, "from_ours", ev->from_ours);
	json_member_bool(j, "from_foreign", ev->from_foreign);
	json_member_bool(j, "return_path_ours", ev->return_path_ours);
	json_member_string(j, "dkim_ours", ev->dkim_ours);
	json_member_string(j, "reason", ev->reason);
	json_member_int(j, "reply_refs", ev->reply_refs);
	json_member_int(j, "reply_refs_ours", ev->reply_ours);
	if (ev->reply_forged > 0)	/* only then, as regex_limits below */
		json_member_int(j, "reply_refs_forged", ev->reply_forged);
	json_member_int(j, "regex_limits_hit", v->regex_limits);
	if (v->regex_limits > 0) {
		/* only then, so a message no limit touched reads as before */
		json_key(j, "regex_cut_short");
		json_array_begin(j);
		for (i = 0; i < v->regex_limits; i++) {
			json_object_begin(j);
			json_member_string(j, "rule", v->cuts[i].name);
			json_member_string(j, "limit", v->cuts[i].limit);
			json_object_end(j);
		}
		json_array_end(j);
	}
	json_proof(j, ev);
	json_object_end(j);
}

/* What decided, in plain words: the decision's own, or for the rules
 * the sum (and what proof lacked, when it came near), made in b (which
 * the caller frees). */
static const char *
decision_words(const struct verdict *v, struct buf *b)
{
	const struct decision	*d = &v->evidence.decision;
	char			 sum[128];

	if (d->class != DECIDE_HEURISTIC && d->why != NULL)
		return d->why;
	buf_init(b, 4096);	/* near: at most 1,023 bytes (decide.c) */
	buf_appends(b, "no proof");
	if (d->near != NULL) {
		buf_appends(b, " (");
		buf_appends(b, d->near);
		buf_appends(b, ")");
	}
	if (snprintf(sum, sizeof(sum), " and no strong evidence either way: "
	    "the rules' weights add up to %.1f", tenths(v->score)) < 0 ||
	    buf_appends(b, sum) == -1 || buf_appendc(b, '\0') == -1) {
		buf_free(b);
		return "no proof and no strong evidence either way";
	}
	return b->data;
}

void
score_json(struct json *j, const struct verdict *v)
{
	int	 i;

	json_member_bool(j, "backscatter", v->backscatter);
	json_member_score(j, "score", v->score);
	json_member_score(j, "required", v->required);
	json_key(j, "tests");
	json_array_begin(j);
	for (i = 0; i < v->nhits; i++) {
		json_object_begin(j);
		json_member_string(j, "name", v->hits[i].name);
		json_member_score(j, "score", v->hits[i].score);
		json_member_string(j, "description", v->hits[i].description);
		if (v->hits[i].cut_short)
			json_member_bool(j, "cut_short", 1);
		json_object_end(j);
	}
	json_array_end(j);
	json_key(j, "evidence");
	if (v->kind == KIND_NONE)
		json_null(j);
	else
		json_evidence(j, v);
	json_key(j, "decided_by");
	if (v->kind == KIND_NONE)
		json_null(j);
	else {
		const struct decision	*d = &v->evidence.decision;
		struct buf		 words;

		memset(&words, 0, sizeof(words));
		json_object_begin(j);
		json_member_string(j, "class", decide_class_name(d->class));
		json_member_string(j, "evidence", d->evidence);
		json_member_string(j, "why", decision_words(v, &words));
		json_object_end(j);
		buf_free(&words);
	}
}

static void
line(struct buf *b, const char *label, const char *value)
{
	buf_appends(b, "  ");
	buf_appends(b, label);
	buf_appends(b, ": ");
	buf_appends(b, value != NULL ? value : "-");
	buf_appendc(b, '\n');
}

static const char *
yes(int v)
{
	return v ? "yes" : "no";
}

static void
explain_proof(struct buf *b, const struct evidence *ev)
{
	char	 num[160];
	int	 n;

	if (ev->batv.keys > 0) {
		line(b, "BATV", batv_status_name(ev->batv.status));
		if (ev->batv.why != NULL)
			line(b, "  why", ev->batv.why);
		if (ev->batv.address != NULL) {
			line(b, "  address", ev->batv.address);
			line(b, "  found in", ev->batv.source);
		}
		if (ev->batv.status == BATV_VALID ||
		    ev->batv.status == BATV_EXPIRED) {
			n = snprintf(num, sizeof(num), ev->batv.status ==
			    BATV_VALID ? "%d days left" : "%d days ago",
			    ev->batv.days);
			line(b, "  expiry", n > 0 ? num : NULL);
		}
		if (ev->batv.required)
			line(b, "  required", "yes (batv_required)");
	}
	if (ev->ledger.looked_up > 0 || strcmp(ev->ledger.state,
	    "not looked up") != 0) {
		line(b, "sent ledger", ev->ledger.state);
		if (ev->ledger.found != NULL) {
			n = snprintf(num, sizeof(num), "yes: %s, recorded %d "
			    "days ago", ev->ledger.original_sent ?
			    "the original's Message-ID" :
			    "a Message-ID it answers", ev->ledger.age);
			line(b, "  sent by us", n > 0 ? num : NULL);
			line(b, "  Message-ID", ev->ledger.found);
		} else if (ev->ledger.looked_up > 0) {
			n = snprintf(num, sizeof(num), "none of %d Message-IDs"
			    "%s", ev->ledger.looked_up, ev->ledger.ours_unknown ?
			    " (one at our domain)" : "");
			line(b, "  found", n > 0 ? num : NULL);
		}
		if (ev->ledger.complete)
			line(b, "  complete", "yes (sent_ledger_complete)");
	}
	if (ev->dkim.keys > 0 && ev->dkim.result != DKIMP_NONE) {
		line(b, "our DKIM signature", dkim_proof_name(ev->dkim.result));
		line(b, "  why", ev->dkim.why);
		if (ev->dkim.domain != NULL) {
			n = snprintf(num, sizeof(num), "d=%s s=%s",
			    ev->dkim.domain, ev->dkim.selector ?
			    ev->dkim.selector : "-");
			line(b, "  signature", n > 0 ? num : NULL);
		}
	}
}

/* The rules a limit cut short, each with the limit, and what they count
 * as (nothing when no limit was hit). */
static void
explain_limits(struct buf *b, const struct verdict *v)
{
	char	 num[32];
	int	 i, n;

	if (v->regex_limits == 0)
		return;
	n = snprintf(num, sizeof(num), "%d", v->regex_limits);
	line(b, "patterns stopped by a limit", n > 0 ? num : NULL);
	for (i = 0; i < v->regex_limits; i++) {
		buf_appends(b, "    ");
		buf_appends(b, v->cuts[i].name);
		buf_appends(b, ": the ");
		buf_appends(b, v->cuts[i].limit);
		buf_appends(b, " limit\n");
	}
	line(b, "  counted", "open rules count as hits where that raises the "
	    "score");
}

void
score_explain(struct buf *b, const struct verdict *v)
{
	const struct evidence	*ev = &v->evidence;
	const struct analysis	*an = v->analysis;
	char			 num[64];
	int			 i, n;

	n = snprintf(num, sizeof(num), "%s, score %.1f, required %.1f\n",
	    v->backscatter ? "Backscatter" : "Not backscatter",
	    tenths(v->score), tenths(v->required));
	if (n > 0 && (size_t)n < sizeof(num))
		buf_appends(b, num);
	if (v->kind == KIND_NONE && an != NULL &&
	    (an->skipped & SKIP_OVERSIZE)) {
		/* kind none only as nothing was read: it may be a bounce */
		n = snprintf(num, sizeof(num), "  not analysed: over the %u "
		    "MiB limit, no rules run\n",
		    (unsigned)(LIMIT_MESSAGE_BYTES / (1024 * 1024)));
		if (n > 0 && (size_t)n < sizeof(num))
			buf_appends(b, num);
		return;
	}
	if (v->kind == KIND_NONE) {
		buf_appends(b, "  not a bounce, auto-reply or notice: "
		    "no rules run\n");
		return;
	}
	buf_appends(b, "Decided by ");
	buf_appends(b, decide_class_name(ev->decision.class));
	buf_appends(b, ": ");
	{
		struct buf	 words;

		memset(&words, 0, sizeof(words));
		buf_appends(b, decision_words(v, &words));
		buf_free(&words);
	}
	buf_appends(b, ".\n");

	buf_appends(b, "Tests:\n");
	if (v->nhits == 0)
		buf_appends(b, "  none\n");
	for (i = 0; i < v->nhits; i++) {
		n = snprintf(num, sizeof(num), "  %5.1f ", tenths(v->hits[i].score));
		if (n > 0 && (size_t)n < sizeof(num))
			buf_appends(b, num);
		buf_appends(b, v->hits[i].name);
		if (v->hits[i].description != NULL) {
			buf_appends(b, "  ");
			buf_appends(b, v->hits[i].description);
		}
		if (v->hits[i].cut_short)
			buf_appends(b, "  [a limit left it open: counted]");
		buf_appendc(b, '\n');
	}

	buf_appends(b, "Evidence:\n");
	line(b, "our identity", ev->identity.configured ?
	    "my_domain/my_address (config)" : ev->identity.address);
	if (!ev->identity.configured)
		line(b, "identity from", ev->identity.source);
	n = snprintf(num, sizeof(num), "%d", ev->nrelays);
	line(b, "relays configured", n > 0 ? num : NULL);
	line(b, "bounced by us", yes(ev->bounced_by_us));
	line(b, "handoff", origin_handoff_name(ev->handoff));
	line(b, "  why", ev->handoff_why);
	if (ev->handoff_hop >= 0 && an != NULL &&
	    ev->handoff_hop < an->original.nreceived) {
		n = snprintf(num, sizeof(num), "%d (from the top, 0 = newest)",
		    ev->handoff_hop);
		line(b, "  hop", n > 0 ? num : NULL);
		line(b, "  Received",
		    an->original.received[ev->handoff_hop].line);
		line(b, "  host", ev->handoff_host);
		line(b, "  address", ev->handoff_addr);
		line(b, "  relay matched", ev->relay ? ev->relay->text :
		    "none");
		if (ev->matched_by)
			line(b, "  matched by", ev->matched_by);
		if (ev->helo_forged)
			line(b, "  HELO", "names our relay or domain, the "
			    "address does not: forged");
		if (ev->no_rdns)
			line(b, "  rDNS", "none");
		if (ev->dynamic)
			line(b, "  rDNS", "looks like an end-user address");
		if (ev->forwarded_ours)
			line(b, "  below", "a DNS-linked chain reaches our relay");
		if (ev->internal_unverified)
			line(b, "  above", "hops taken as the bouncer's own "
			    "only on the name the client gave");
		if (ev->lower_names_relay)
			line(b, "  below", "a lower line names our relay "
			    "(anyone can write that: not counted)");
	}
	line(b, "original returned", yes(ev->has_original));
	if (ev->has_original) {
		line(b, "Message-ID ours", yes(ev->msgid_ours));
		line(b, "From ours", yes(ev->from_ours));
		line(b, "Return-Path ours", yes(ev->return_path_ours));
		line(b, "DKIM d= ours", ev->dkim_ours ? ev->dkim_ours : "no");
	}
	line(b, "reason", ev->reason);
	if (ev->reply_refs > 0) {
		n = ev->reply_forged > 0 ? snprintf(num, sizeof(num),
		    "%d, %d at our domains, %d of them in a spam tool's shape",
		    ev->reply_refs, ev->reply_ours + ev->reply_forged,
		    ev->reply_forged) : snprintf(num, sizeof(num),
		    "%d, %d at our domains", ev->reply_refs, ev->reply_ours);
		line(b, "answers Message-IDs", n > 0 ? num : NULL);
	}
	explain_proof(b, ev);
	explain_limits(b, v);
	if (v->rule_errors > 0)
		line(b, "rule errors", "some rules are broken: run --lint");
}
