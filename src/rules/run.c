/*
 * run.c - run a compiled set on one analysed message.
 *
 * Every plain rule is evaluated in the set's order, then the metas in the
 * order expr.c gave them. A header rule reads its field through a text
 * slot made once per message (decoded, addresses, names, or the whole
 * header); body rules read the bounce's decoded text or the original's
 * body. Before a pattern runs, the prefilter asks whether the text holds
 * one of the literals every match contains (the text's trigram bitmap is
 * built the first time a rule asks).
 *
 * Matching is bounded four ways: texts are capped at LIMIT_REGEX_INPUT;
 * one match, at one start position, by PCRE2's match, depth and heap
 * limits; one rule, all its branches together, by LIMIT_REGEX_RULE_WORK,
 * counted by a callout before every pattern item (deterministic: the same
 * text costs the same on any machine); all matching of one message by
 * LIMIT_REGEX_TOTAL_WORK, and by LIMIT_REGEX_TOTAL_MS of processor time,
 * a clock the same callout reads. A rule a limit stops is open, not "no
 * match": its range is 0..1, metas carry the range (expr.c), and a
 * visible rule still open at the end counts as a hit exactly when its
 * score is positive (settle). What a run computes
 * lives in the message's arena and in its struct run; the set is only
 * read, so threads may run one set at once. Nothing here reads rule
 * files or compiles.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/limits.h"
#include "read/charset.h"
#include "base/log.h"
#include "read/address.h"
#include "read/header.h"
#include "read/message.h"
#include "anatomy/anatomy.h"
#include "evidence/origin.h"
#include "rules/builtin.h"
#include "rules/leads.h"
#include "rules/prefilter.h"
#include "rules/rules.h"
#include "rules/ruleset.h"

/*
 * One run of a set on one message: what a run changes (the rules'
 * states, the meter, PCRE2's match data and the match context the
 * callout's meter is set in) is here, not in the set.
 */
struct run {
	const struct ruleset	*rs;
	struct rule_state	*st;		/* [rs->nrules], in the arena */
	struct meter		 meter;
	pcre2_match_context	*mctx;		/* a copy of the set's */
	pcre2_match_data	*md;
	const char		***leads;	/* [rule][1 + branch], made as
						 * patterns first run (leads_for) */
};

/* A text's trigram index, built the first time a rule asks. */
struct pf_cache {
	struct prefilter_text	 t;
	int			 done;
	int			 utf8;		/* leads.h: LEADS_UTF8_* */
};

/* One header text of one message, made the first time a rule asks. */
struct text {
	const char	*s;
	size_t		 len;
	int		 present;
	int		 done;
	struct pf_cache	 pf;
};


/* One display name of an "addr (Name)" entry, for append_names. */
static void
append_comment_name(struct buf *b, const char *p, const char *end)
{
	const char	*lp = memchr(p, '(', (size_t)(end - p));
	const char	*rp = lp ? memchr(lp, ')', (size_t)(end - lp)) : NULL;

	if (lp != NULL && rp != NULL && rp > lp + 1) {
		if (b->len > 0)
			buf_appendc(b, '\n');
		buf_append(b, lp + 1, (size_t)(rp - lp - 1));
	}
}

/* The display names of a decoded address header, one per line. */
static void
append_names(struct buf *b, const char *v)
{
	const char	*p = v, *lt, *end;
	size_t		 n;

	/* each comma-separated entry: the part before '<', unquoted */
	while (*p) {
		end = p;
		while (*end && *end != ',') {
			if (*end == '"') {
				for (end++; *end && *end != '"'; end++)
					if (*end == '\\' && end[1])
						end++;
				if (*end == '\0')
					break;
			}
			end++;
		}
		lt = memchr(p, '<', (size_t)(end - p));
		if (lt != NULL) {
			n = (size_t)(lt - p);
			while (n > 0 && (*p == ' ' || *p == '"')) {
				p++;
				n--;
			}
			while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '"'))
				n--;
			if (n > 0) {
				if (b->len > 0)
					buf_appendc(b, '\n');
				buf_append(b, p, n);
			}
		} else
			append_comment_name(b, p, end);
		p = *end ? end + 1 : end;
	}
}

/* "Name: value\n" for every field of the block (header ALL). */
static void
append_all(struct buf *b, const struct header_block *hb, struct arena *a)
{
	char	*v;
	int	 i;

	for (i = 0; i < (int)hb->count; i++) {
		if ((v = header_unfold(a, &hb->fields[i])) == NULL)
			break;
		if (buf_append(b, hb->fields[i].name,
		    hb->fields[i].name_len) == -1 ||
		    buf_append(b, ": ", 2) == -1 ||
		    buf_appends(b, v) == -1 ||
		    buf_appendc(b, '\n') == -1)
			break;
	}
}

/* Every field of the slot's name, in the slot's form, one a line. */
static void
append_fields(struct buf *b, const struct header_block *hb,
    const struct slot *sl, struct arena *a, struct text *t)
{
	char	*v, *addrs[16];
	long	 idx;
	int	 i, k, n;

	for (i = 0; (idx = header_find(hb, sl->field, i)) != -1; i++) {
		t->present = 1;
		if (sl->mod == MOD_EXISTS)
			break;
		if ((v = header_unfold(a, &hb->fields[idx])) == NULL)
			break;
		if (sl->mod != MOD_RAW && (v = header_decode(a, hb, v)) == NULL)
			break;
		if (sl->mod == MOD_ADDR) {
			n = address_parse(a, v, addrs, 16);
			for (k = 0; k < n; k++) {
				if (b->len > 0)
					buf_appendc(b, '\n');
				buf_appends(b, addrs[k]);
			}
		} else if (sl->mod == MOD_NAME)
			append_names(b, v);
		else {
			if (i > 0)
				buf_appendc(b, '\n');
			buf_appends(b, v);
		}
	}
}

/* The text of a slot for this message, into t (in the arena). */
static void
make_text(const struct slot *sl, const struct analysis *an,
    struct arena *a, struct text *t)
{
	const struct header_block	*hb = NULL;
	struct buf			 b;

	t->done = 1;
	if (sl->orig)
		hb = an->original.source != SOURCE_NONE &&
		    an->original.source != SOURCE_REFERENCE ?
		    &an->original.hdr : NULL;
	else if (an->message != NULL)
		hb = &an->message->hdr;
	if (hb == NULL || hb->count == 0)
		return;
	buf_init(&b, LIMIT_REGEX_INPUT);
	if (sl->mod == MOD_ALL) {
		append_all(&b, hb, a);
		t->present = 1;
	} else
		append_fields(&b, hb, sl, a, t);
	if (b.len > 0)
		t->s = arena_strndup(a, b.data, b.len);
	t->len = t->s != NULL ? b.len : 0;
	buf_free(&b);
}

/* 0 when none of the rule's literals is in the text: it cannot match. */
static int
maybe(struct pf_cache *pc, const char *s, size_t len, const char *lits,
    struct arena *a)
{
	void	*bits;

	if (!pc->done) {
		pc->done = 1;
		/* prefilter_text zeroes it */
		if ((bits = arena_alloc_bytes(a, prefilter_bits(len))) == NULL) {
			pc->t.bits = NULL;
			pc->t.all = 1;
		} else
			prefilter_text(&pc->t, bits, s, len);
	}
	return prefilter_maybe(&pc->t, lits);
}

/* The outcome of matching one rule on one text. */
enum outcome {
	NO,
	YES,
	OPEN		/* a limit stopped it first (meter.stop says which) */
};

/*
 * Work a pattern item costs, in units of one byte moved over: an item
 * tried costs about as much as a repeat's step over a dozen bytes, so
 * that a unit is about a nanosecond whichever the pattern does.
 */
#define ITEM_WORK	16
/* Texts shorter than this are tried everywhere: PCRE2 is through them
 * before their leads would be found. */
#define LEADS_TEXT	256
/* Work between two readings of the clock (about 0.1 ms). */
#define CLOCK_EVERY	(128L * 1024)

/*
 * Whether the message's work or time for matching is spent (reading the
 * clock when enough work was done since it was last read); once it is,
 * it stays spent, and m->spent says which.
 */
static int
spent(struct meter *m)
{
	if (m->spent != CUT_NONE)
		return 1;
	if (m->total > LIMIT_REGEX_TOTAL_WORK)
		m->spent = CUT_TOTAL;
	else if (m->total >= m->clock_at) {
		m->clock_at = m->total + CLOCK_EVERY;
		if (ruleset_cpu_usec() > m->deadline)
			m->spent = CUT_TIME;
	}
	return m->spent != CUT_NONE;
}

/* Count w more work for the rule being matched; nonzero, with m->stop
 * set, once the rule's bound or the message's is passed. */
static int
charge(struct meter *m, long w)
{
	m->rule += w;
	m->total += w;
	if (m->rule > LIMIT_REGEX_RULE_WORK) {
		m->stop = CUT_WORK;
		return 1;
	}
	if (spent(m)) {
		m->stop = m->spent;
		return 1;
	}
	return 0;
}

/*
 * The callout PCRE2 makes before every pattern item (RULES_COMPILE_OPTIONS):
 * count the work, and stop the match (a negative return) past the rule's
 * bound or once the message's is spent. PCRE2's own match limit counts
 * per start position and not the bytes a repeat runs over: a pattern such
 * as \w+\s\d on one long word costs the square of its length under it.
 */
static int
meter(pcre2_callout_block *cb, void *data)
{
	struct meter	*m = data;
	size_t		 p = cb->current_position;
	long		 w;

	w = ITEM_WORK + (long)(p > m->last ? p - m->last : m->last - p);
	m->last = p;
	return charge(m, w) ? PCRE2_ERROR_CALLOUT : 0;
}

/* What pcre2_match's rc says of a match, m->stop set when it stopped. */
static enum outcome
outcome_of(struct meter *m, int rc)
{
	if (rc >= 0)
		return YES;
	switch (rc) {
	case PCRE2_ERROR_NOMATCH:
		return NO;
	case PCRE2_ERROR_CALLOUT:
		break;		/* the meter said why */
	case PCRE2_ERROR_MATCHLIMIT:
		m->stop = CUT_MATCH;
		break;
	case PCRE2_ERROR_DEPTHLIMIT:
		m->stop = CUT_DEPTH;
		break;
	case PCRE2_ERROR_HEAPLIMIT:
		m->stop = CUT_HEAP;
		break;
	default:
		m->stop = CUT_ERROR;
		break;
	}
	return OPEN;
}

/* One match of one compiled pattern on the whole text, tried everywhere. */
static enum outcome
run_match_all(struct run *rn, const pcre2_code *re, const char *s,
    size_t len)
{
	if (spent(&rn->meter)) {
		rn->meter.stop = rn->meter.spent;
		return OPEN;
	}
	rn->meter.last = 0;
	return outcome_of(&rn->meter, pcre2_match(re, (PCRE2_SPTR)s, len, 0,
	    0, rn->md, rn->mctx));
}

/*
 * One match of one compiled pattern on the whole text: where the pattern
 * has leads (leads.h), tried anchored only where one of them may begin
 * (the bytes between two tries counted by the meter as a try's jump, and
 * each try as an item). When checking, the answer must be the one trying
 * everywhere gives.
 */
static enum outcome
run_match(struct run *rn, const pcre2_code *re, const char *leads,
    const char *s, size_t len, int *utf8)
{
	struct meter	*m = &rn->meter;
	struct meter	 saved;
	enum outcome	 o, all;
	long		 tries;

	if (re == NULL) {		/* its code could not be decoded */
		m->stop = CUT_ERROR;
		return OPEN;
	}
	if (leads == NULL || len < LEADS_TEXT)
		return run_match_all(rn, re, s, len);
	if (spent(m)) {
		m->stop = m->spent;
		return OPEN;
	}
	m->last = 0;
	o = outcome_of(m, leads_match(re, leads, s, len, utf8, rn->md,
	    rn->mctx, &tries));
	if (o != OPEN && charge(m, tries * ITEM_WORK))
		o = OPEN;
	if (rn->rs->check_prefilter && o != OPEN) {
		saved = rn->meter;
		all = run_match_all(rn, re, s, len);
		rn->meter = saved;
		if (all != OPEN && all != o) {
			log_warnx("leads: %s where trying everywhere %s",
			    o == YES ? "a match" : "no match",
			    all == YES ? "matches" : "does not");
			abort();
		}
	}
	return o;
}

/*
 * The leads of rule r's pattern (k -1) or branch k, read the first time
 * it runs in this run; NULL when it has none. In the run, not the set:
 * the set is only read while it runs.
 */
static const char *
leads_for(struct run *rn, const struct rule *r, int k, struct arena *a)
{
	static const char	 none[1];
	const struct branch	*b = k < 0 ? &r->whole : &r->br[k];
	const char		**v;
	const char		*pattern;
	char			 buf[LEADS_BUF], *copy;
	size_t			 n;
	int			 i = (int)(r - rn->rs->rules);

	/* a built-in pattern's were found when the table was written */
	if (b->lazy > 0 && b->lazy <= builtin_regex_count)
		return builtin_string(builtin_regexes[b->lazy - 1].leads);
	if (rn->leads == NULL && (rn->leads = arena_alloc(a,
	    (size_t)rn->rs->nrules * sizeof(*rn->leads))) == NULL)
		return NULL;
	if ((v = rn->leads[i]) == NULL && (v = rn->leads[i] = arena_alloc(a,
	    (size_t)(r->nbr + 1) * sizeof(*v))) == NULL)
		return NULL;
	if (v[k + 1] == NULL) {
		v[k + 1] = none;
		pattern = k < 0 ? r->whole.pattern : r->br[k].pattern;
		if (pattern != NULL && leads_of_options(pattern, r->options,
		    buf, sizeof(buf)) > 0) {
			for (n = 0; buf[n] != '\0'; n += strlen(buf + n) + 1)
				;
			if ((copy = arena_alloc_bytes(a, n + 1)) != NULL) {
				memcpy(copy, buf, n + 1);
				v[k + 1] = copy;
			}
		}
	}
	return v[k + 1] == none ? NULL : v[k + 1];
}

/*
 * A pattern the prefilter ruled out: when checking, it must not match.
 * The check's work is not the rule's: the meter is put back after it.
 */
static void
check_skip(struct run *rn, const char *name, const struct branch *b,
    const char *s, size_t len)
{
	struct meter		 saved = rn->meter;
	const pcre2_code	*re;
	int			 rc;

	/* (not decoded unless checking: skipping it is what saves that) */
	if (!rn->rs->check_prefilter || (re = rules_code(rn->rs, b)) == NULL)
		return;
	rn->meter.last = 0;
	rc = pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, rn->md, rn->mctx);
	rn->meter = saved;
	if (rc >= 0) {
		log_warnx("prefilter: %s matches without any of its "
		    "literals", name);
		abort();
	}
}

/*
 * Match one rule's pattern, branch by branch when it has branches. pc,
 * when not NULL, is the text's prefilter cache. A branch stopped by one
 * of PCRE2's limits leaves the others to try; once the rule's work or
 * the message's time is spent, no further branch runs.
 */
static enum outcome
match(struct run *rn, const struct rule *r, const char *s, size_t len,
    struct pf_cache *pc, struct arena *a)
{
	const struct branch	*b;
	enum outcome		 o, result = NO;
	int			 k, utf8 = LEADS_UTF8_UNKNOWN;

	if (s == NULL) {
		s = "";
		len = 0;
	}
	len = charset_cut(s, len, LIMIT_REGEX_INPUT);
	if (pc != NULL && r->whole.lits != NULL &&
	    !maybe(pc, s, len, r->whole.lits, a)) {
		check_skip(rn, r->name, &r->whole, s, len);
		return NO;
	}
	if (r->nbr == 0 || pc == NULL)
		return run_match(rn, rules_code(rn->rs, &r->whole),
		    leads_for(rn, r, -1, a), s, len,
		    pc != NULL ? &pc->utf8 : &utf8);
	for (k = 0; k < r->nbr; k++) {
		b = &r->br[k];
		if (b->lits != NULL && !maybe(pc, s, len, b->lits, a)) {
			check_skip(rn, r->name, b, s, len);
			continue;
		}
		if ((o = run_match(rn, rules_code(rn->rs, b),
		    leads_for(rn, r, k, a), s, len, &pc->utf8)) == YES)
			return YES;
		if (o == OPEN) {
			result = OPEN;
			if (rn->meter.stop == CUT_WORK ||
			    rn->meter.spent != CUT_NONE)
				break;
		}
	}
	return result;
}

/* The texts of one message: header slots, made as rules ask for them,
 * and the two bodies' prefilter caches. */
struct texts {
	struct text	*slot;
	struct pf_cache	 body, orig;
};

/* The outcome of one header rule ("!~" turns a decided answer round). */
static enum outcome
run_header(struct run *rn, const struct rule *r,
    const struct analysis *an, struct arena *a, struct texts *tx)
{
	struct text	*t = &tx->slot[r->slot];
	struct pf_cache	*pc = &t->pf;
	const char	*s;
	size_t		 len;
	enum outcome	 o;

	if (!t->done)
		make_text(&rn->rs->slots[r->slot], an, a, t);
	if (r->mod == MOD_EXISTS)
		return t->present ? YES : NO;
	s = t->s;
	len = t->len;
	if (!t->present && r->unset != NULL) {
		s = r->unset;
		len = strlen(s);
		pc = NULL;
	}
	if ((o = match(rn, r, s, len, pc, a)) == OPEN || !r->negate)
		return o;
	return o == YES ? NO : YES;
}

/* The outcome of one body rule. */
static enum outcome
run_body(struct run *rn, const struct rule *r,
    const struct analysis *an, struct arena *a, struct texts *tx)
{
	if (r->type == RULE_BODY)
		return an->text == NULL || an->text_len == 0 ? NO :
		    match(rn, r, an->text, an->text_len, &tx->body, a);
	return an->original.body == NULL || an->original.body_len == 0 ? NO :
	    match(rn, r, an->original.body, an->original.body_len,
	    &tx->orig, a);
}

/* A rule is off when broken, or scored 0 (SpamAssassin's way to disable). */
static int
rule_off(const struct rule *r)
{
	return r->broken || r->type == RULE_NONE ||
	    (r->score_set && r->score == 0 && strncmp(r->name, "__", 2) != 0);
}

/* One plain rule on this message: its lo, hi and cut, into st. */
static void
run_plain(struct run *rn, const struct rule *r, struct rule_state *st,
    const struct analysis *an, const struct evidence *ev, struct arena *a,
    struct texts *tx)
{
	enum outcome	 o = NO;

	rn->meter.rule = 0;
	rn->meter.stop = CUT_NONE;
	switch (r->type) {
	case RULE_HEADER:
	case RULE_ORIG_HEADER:
		o = run_header(rn, r, an, a, tx);
		break;
	case RULE_BODY:
	case RULE_ORIG_BODY:
		o = run_body(rn, r, an, a, tx);
		break;
	case RULE_EVAL:
		o = r->fn->test(ev, an, r->arg) ? YES : NO;
		break;
	default:
		break;
	}
	st->lo = o == YES;
	st->hi = o != NO;
	if (o == OPEN)
		st->cut = rn->meter.stop != CUT_NONE ? rn->meter.stop :
		    CUT_ERROR;
}

/*
 * What an open rule counts as: a hit exactly when that raises the score.
 * A limit is the sender's doing as much as the text is: taking the open
 * rule the other way would let a spammer lower a score by making the
 * text slower to match.
 */
static void
settle(const struct rule *r, struct rule_state *st)
{
	st->value = st->lo == st->hi ? st->lo : r->score > 0;
}

static int
hit_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rule_hit *)a)->name,
	    ((const struct rule_hit *)b)->name);
}

static int
cut_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rule_cut *)a)->name,
	    ((const struct rule_cut *)b)->name);
}

/* The visible rules that fired or count as fired, sorted by name. */
static int
collect_hits(const struct ruleset *rs, const struct rule_state *st,
    struct arena *a, struct rule_hit **hits_r, int *nhits_r)
{
	struct rule_hit	*hits;
	const struct rule *r;
	int		 i, nhits = 0;

	if ((hits = arena_alloc(a, (size_t)(rs->nrules + 1) *
	    sizeof(*hits))) == NULL)
		return -1;
	for (i = 0; i < rs->nrules; i++) {
		r = &rs->rules[i];
		if (!st[i].value || strncmp(r->name, "__", 2) == 0 ||
		    rule_off(r))
			continue;
		hits[nhits].name = r->name;
		hits[nhits].score = r->score;
		hits[nhits].description = r->describe;
		hits[nhits].cut_short = st[i].lo != st[i].hi;
		nhits++;
	}
	qsort(hits, (size_t)nhits, sizeof(*hits), hit_cmp);
	*hits_r = hits;
	*nhits_r = nhits;
	return 0;
}

/* The rules whose own pattern a limit stopped, sorted by name. */
static int
collect_cuts(const struct ruleset *rs, const struct rule_state *st,
    struct arena *a, struct rule_cut **cuts_r, int *ncuts_r)
{
	static const char *const names[] = {
		[CUT_NONE] = "none",	[CUT_MATCH] = "match",
		[CUT_DEPTH] = "depth",	[CUT_HEAP] = "heap",
		[CUT_WORK] = "work",	[CUT_TOTAL] = "total",
		[CUT_TIME] = "time",	[CUT_ERROR] = "error",
	};
	struct rule_cut	*cuts;
	int		 i, n = 0;

	for (i = 0; i < rs->nrules; i++)
		n += st[i].cut != CUT_NONE;
	if ((cuts = arena_alloc(a, (size_t)(n + 1) * sizeof(*cuts))) == NULL)
		return -1;
	for (i = 0, n = 0; i < rs->nrules; i++)
		if (st[i].cut != CUT_NONE) {
			cuts[n].name = rs->rules[i].name;
			cuts[n++].limit = names[st[i].cut];
		}
	qsort(cuts, (size_t)n, sizeof(*cuts), cut_cmp);
	*cuts_r = cuts;
	*ncuts_r = n;
	return 0;
}

/* Every rule of the set on the message, into rn->st. */
static void
run_all(struct run *rn, const struct analysis *an,
    const struct evidence *ev, struct arena *a, struct texts *tx)
{
	const struct ruleset	*rs = rn->rs;
	const struct rule	*r;
	struct rule_state	*st;
	int			 i, v;

	for (i = 0; i < rs->nrules; i++) {
		r = &rs->rules[i];
		st = &rn->st[i];
		if (!rule_off(r) && r->type != RULE_META)
			run_plain(rn, r, st, an, ev, a, tx);
		settle(r, st);
	}
	/* in order, so each meta sees the metas it uses already settled */
	for (i = 0; i < rs->norder; i++) {
		r = &rs->rules[rs->order[i]];
		st = &rn->st[rs->order[i]];
		if (rule_off(r))
			continue;
		v = expr_eval(rn->st, r);
		st->lo = v == 1;
		st->hi = v != 0;
		settle(r, st);
	}
}

int
rules_run(struct ruleset *rs, const struct analysis *an,
    const struct evidence *ev, struct arena *a, struct rule_hit **hits_r,
    int *nhits_r, struct rule_cut **cuts_r, int *ncuts_r)
{
	struct texts	 tx;
	struct run	 rn;
	size_t		 nst = (size_t)rs->nrules + 1;
	int		 rc = -1;

	*hits_r = NULL;
	*nhits_r = 0;
	if (cuts_r != NULL)
		*cuts_r = NULL;
	if (ncuts_r != NULL)
		*ncuts_r = 0;
	if (!rs->compiled || rs->result == -1)
		return -1;
	memset(&rn, 0, sizeof(rn));
	rn.rs = rs;
	rn.meter.deadline = ruleset_cpu_usec() + LIMIT_REGEX_TOTAL_MS * 1000L;
	/* arena_alloc zeroes: every rule starts decided no, not cut */
	if ((rn.st = arena_alloc(a, nst * sizeof(*rn.st))) == NULL ||
	    (tx.slot = arena_alloc(a, (size_t)(rs->nslots + 1) *
	    sizeof(*tx.slot))) == NULL ||
	    (rn.mctx = pcre2_match_context_copy(rs->mctx)) == NULL ||
	    (rn.md = pcre2_match_data_create(1, NULL)) == NULL)
		goto out;
	pcre2_set_callout(rn.mctx, meter, &rn.meter);
	tx.body.done = tx.orig.done = 0;
	tx.body.utf8 = tx.orig.utf8 = LEADS_UTF8_UNKNOWN;
	run_all(&rn, an, ev, a, &tx);
	if (collect_hits(rs, rn.st, a, hits_r, nhits_r) == -1 ||
	    (cuts_r != NULL && ncuts_r != NULL &&
	    collect_cuts(rs, rn.st, a, cuts_r, ncuts_r) == -1))
		goto out;
	/* for rules_result: tests only, never a set threads share */
	if (rs->keep && (rs->kept != NULL || (rs->kept = calloc(nst,
	    sizeof(*rs->kept))) != NULL))
		memcpy(rs->kept, rn.st, nst * sizeof(*rn.st));
	rc = 0;
out:
	if (rn.md != NULL)
		pcre2_match_data_free(rn.md);
	if (rn.mctx != NULL)
		pcre2_match_context_free(rn.mctx);
	return rc;
}

void
rules_check_prefilter(struct ruleset *rs, int on)
{
	rs->check_prefilter = on;
}

void
rules_keep_results(struct ruleset *rs, int on)
{
	rs->keep = on;
}

int
rules_result(const struct ruleset *rs, const char *name)
{
	int	 i = ruleset_find(rs, name);

	if (i == -1 || rs->kept == NULL)
		return -1;
	return rs->kept[i].lo == rs->kept[i].hi ? rs->kept[i].lo : 2;
}
