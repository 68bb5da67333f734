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
 * lives in the message's arena; nothing here reads rule files or
 * compiles.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/limits.h"
#include "base/log.h"
#include "read/address.h"
#include "read/header.h"
#include "read/message.h"
#include "read/rfc2047.h"
#include "anatomy/anatomy.h"
#include "evidence/origin.h"
#include "rules/prefilter.h"
#include "rules/rules.h"
#include "rules/ruleset.h"

/* A text's trigram index, built the first time a rule asks. */
struct pf_cache {
	struct prefilter_text	 t;
	int			 done;
};

/* One header text of one message, made the first time a rule asks. */
struct text {
	const char	*s;
	size_t		 len;
	int		 present;
	int		 done;
	struct pf_cache	 pf;
};

/* Cap text at LIMIT_REGEX_INPUT, not splitting a UTF-8 sequence. */
static size_t
cap_len(const char *s, size_t len)
{
	size_t	 n = len, k;

	if (n <= LIMIT_REGEX_INPUT)
		return n;
	n = LIMIT_REGEX_INPUT;
	for (k = 0; k < 3 && n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80; k++)
		n--;
	return n;
}

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
		if (sl->mod != MOD_RAW && strstr(v, "=?") != NULL &&
		    (v = rfc2047_decode(a, v)) == NULL)
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
	OPEN		/* a limit stopped it first (rs->meter.stop says which) */
};

/*
 * Work a pattern item costs, in units of one byte moved over: an item
 * tried costs about as much as a repeat's step over a dozen bytes, so
 * that a unit is about a nanosecond whichever the pattern does.
 */
#define ITEM_WORK	16
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
	m->rule += w;
	m->total += w;
	if (m->rule > LIMIT_REGEX_RULE_WORK) {
		m->stop = CUT_WORK;
		return PCRE2_ERROR_CALLOUT;
	}
	if (spent(m)) {
		m->stop = m->spent;
		return PCRE2_ERROR_CALLOUT;
	}
	return 0;
}

/* One match of one compiled pattern on the whole text. */
static enum outcome
run_match(struct ruleset *rs, const pcre2_code *re, const char *s,
    size_t len)
{
	struct meter	*m = &rs->meter;
	int		 rc;

	if (spent(m)) {
		m->stop = m->spent;
		return OPEN;
	}
	m->last = 0;
	rc = pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, rs->md, rs->mctx);
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

/*
 * A pattern the prefilter ruled out: when checking, it must not match.
 * The check's work is not the rule's: the meter is put back after it.
 */
static void
check_skip(struct ruleset *rs, const char *name, const pcre2_code *re,
    const char *s, size_t len)
{
	struct meter	 saved = rs->meter;
	int		 rc;

	if (!rs->check_prefilter)
		return;
	rs->meter.last = 0;
	rc = pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, rs->md, rs->mctx);
	rs->meter = saved;
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
match(struct ruleset *rs, const struct rule *r, const char *s, size_t len,
    struct pf_cache *pc, struct arena *a)
{
	const struct branch	*b;
	enum outcome		 o, result = NO;
	int			 k;

	if (s == NULL) {
		s = "";
		len = 0;
	}
	len = cap_len(s, len);
	if (pc != NULL && r->whole.lits != NULL &&
	    !maybe(pc, s, len, r->whole.lits, a)) {
		check_skip(rs, r->name, r->whole.re, s, len);
		return NO;
	}
	if (r->nbr == 0 || pc == NULL)
		return run_match(rs, r->whole.re, s, len);
	for (k = 0; k < r->nbr; k++) {
		b = &r->br[k];
		if (b->lits != NULL && !maybe(pc, s, len, b->lits, a)) {
			check_skip(rs, r->name, b->re, s, len);
			continue;
		}
		if ((o = run_match(rs, b->re, s, len)) == YES)
			return YES;
		if (o == OPEN) {
			result = OPEN;
			if (rs->meter.stop == CUT_WORK ||
			    rs->meter.spent != CUT_NONE)
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
run_header(struct ruleset *rs, const struct rule *r,
    const struct analysis *an, struct arena *a, struct texts *tx)
{
	struct text	*t = &tx->slot[r->slot];
	struct pf_cache	*pc = &t->pf;
	const char	*s;
	size_t		 len;
	enum outcome	 o;

	if (!t->done)
		make_text(&rs->slots[r->slot], an, a, t);
	if (r->mod == MOD_EXISTS)
		return t->present ? YES : NO;
	s = t->s;
	len = t->len;
	if (!t->present && r->unset != NULL) {
		s = r->unset;
		len = strlen(s);
		pc = NULL;
	}
	if ((o = match(rs, r, s, len, pc, a)) == OPEN || !r->negate)
		return o;
	return o == YES ? NO : YES;
}

/* The outcome of one body rule. */
static enum outcome
run_body(struct ruleset *rs, const struct rule *r,
    const struct analysis *an, struct arena *a, struct texts *tx)
{
	if (r->type == RULE_BODY)
		return an->text == NULL || an->text_len == 0 ? NO :
		    match(rs, r, an->text, an->text_len, &tx->body, a);
	return an->original.body == NULL || an->original.body_len == 0 ? NO :
	    match(rs, r, an->original.body, an->original.body_len,
	    &tx->orig, a);
}

/* A rule is off when broken, or scored 0 (SpamAssassin's way to disable). */
static int
rule_off(const struct rule *r)
{
	return r->broken || r->type == RULE_NONE ||
	    (r->score_set && r->score == 0 && strncmp(r->name, "__", 2) != 0);
}

/* One plain rule on this message: its lo, hi and cut. */
static void
run_plain(struct ruleset *rs, struct rule *r, const struct analysis *an,
    const struct evidence *ev, struct arena *a, struct texts *tx)
{
	enum outcome	 o = NO;

	rs->meter.rule = 0;
	rs->meter.stop = CUT_NONE;
	switch (r->type) {
	case RULE_HEADER:
	case RULE_ORIG_HEADER:
		o = run_header(rs, r, an, a, tx);
		break;
	case RULE_BODY:
	case RULE_ORIG_BODY:
		o = run_body(rs, r, an, a, tx);
		break;
	case RULE_EVAL:
		o = r->fn->test(ev, an, r->arg) ? YES : NO;
		break;
	default:
		break;
	}
	r->lo = o == YES;
	r->hi = o != NO;
	if (o == OPEN)
		r->cut = rs->meter.stop != CUT_NONE ? rs->meter.stop : CUT_ERROR;
}

/*
 * What an open rule counts as: a hit exactly when that raises the score.
 * A limit is the sender's doing as much as the text is: taking the open
 * rule the other way would let a spammer lower a score by making the
 * text slower to match.
 */
static void
settle(struct rule *r)
{
	r->value = r->lo == r->hi ? r->lo : r->score > 0;
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
collect_hits(const struct ruleset *rs, struct arena *a,
    struct rule_hit **hits_r, int *nhits_r)
{
	struct rule_hit	*hits;
	const struct rule *r;
	int		 i, nhits = 0;

	if ((hits = arena_alloc(a, (size_t)(rs->nrules + 1) *
	    sizeof(*hits))) == NULL)
		return -1;
	for (i = 0; i < rs->nrules; i++) {
		r = &rs->rules[i];
		if (!r->value || strncmp(r->name, "__", 2) == 0 || rule_off(r))
			continue;
		hits[nhits].name = r->name;
		hits[nhits].score = r->score;
		hits[nhits].description = r->describe;
		hits[nhits].cut_short = r->lo != r->hi;
		nhits++;
	}
	qsort(hits, (size_t)nhits, sizeof(*hits), hit_cmp);
	*hits_r = hits;
	*nhits_r = nhits;
	return 0;
}

/* The rules whose own pattern a limit stopped, sorted by name. */
static int
collect_cuts(const struct ruleset *rs, struct arena *a,
    struct rule_cut **cuts_r, int *ncuts_r)
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
		n += rs->rules[i].cut != CUT_NONE;
	if ((cuts = arena_alloc(a, (size_t)(n + 1) * sizeof(*cuts))) == NULL)
		return -1;
	for (i = 0, n = 0; i < rs->nrules; i++)
		if (rs->rules[i].cut != CUT_NONE) {
			cuts[n].name = rs->rules[i].name;
			cuts[n++].limit = names[rs->rules[i].cut];
		}
	qsort(cuts, (size_t)n, sizeof(*cuts), cut_cmp);
	*cuts_r = cuts;
	*ncuts_r = n;
	return 0;
}

int
rules_run(struct ruleset *rs, const struct analysis *an,
    const struct evidence *ev, struct arena *a, struct rule_hit **hits_r,
    int *nhits_r, struct rule_cut **cuts_r, int *ncuts_r)
{
	struct texts	 tx;
	struct rule	*r;
	int		 i, v;

	*hits_r = NULL;
	*nhits_r = 0;
	if (cuts_r != NULL)
		*cuts_r = NULL;
	if (ncuts_r != NULL)
		*ncuts_r = 0;
	if (!rs->compiled || rs->result == -1)
		return -1;
	memset(&rs->meter, 0, sizeof(rs->meter));
	rs->meter.deadline = ruleset_cpu_usec() + LIMIT_REGEX_TOTAL_MS * 1000L;
	pcre2_set_callout(rs->mctx, meter, &rs->meter);
	if ((tx.slot = arena_alloc(a, (size_t)(rs->nslots + 1) *
	    sizeof(*tx.slot))) == NULL)
		return -1;
	tx.body.done = tx.orig.done = 0;

	for (i = 0; i < rs->nrules; i++) {
		r = &rs->rules[i];
		r->lo = r->hi = r->value = 0;
		r->cut = CUT_NONE;
		if (!rule_off(r) && r->type != RULE_META)
			run_plain(rs, r, an, ev, a, &tx);
		settle(r);
	}
	/* in order, so each meta sees the metas it uses already settled */
	for (i = 0; i < rs->norder; i++) {
		r = &rs->rules[rs->order[i]];
		if (rule_off(r))
			continue;
		v = expr_eval(rs, r);
		r->lo = v == 1;
		r->hi = v != 0;
		settle(r);
	}
	if (collect_hits(rs, a, hits_r, nhits_r) == -1)
		return -1;
	if (cuts_r != NULL && ncuts_r != NULL &&
	    collect_cuts(rs, a, cuts_r, ncuts_r) == -1)
		return -1;
	return 0;
}

void
rules_check_prefilter(struct ruleset *rs, int on)
{
	rs->check_prefilter = on;
}

int
rules_result(const struct ruleset *rs, const char *name)
{
	int	 i = ruleset_find(rs, name);

	if (i == -1)
		return -1;
	return rs->rules[i].lo == rs->rules[i].hi ? rs->rules[i].lo : 2;
}
