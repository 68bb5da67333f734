/*
 * run.c - run a compiled set on one analysed message.
 *
 * Every plain rule is evaluated in the set's order, then the metas in the
 * order expr.c gave them. A header rule reads its field through a text
 * slot made once per message (decoded, addresses, names, or the whole
 * header); body rules read the bounce's decoded text or the original's
 * body. Before a pattern runs, the prefilter asks whether the text holds
 * one of the literals every match contains (the text's trigram bitmap is
 * built the first time a rule asks). Texts are capped at
 * LIMIT_REGEX_INPUT, every match runs under PCRE2's match, depth and
 * heap limits, and all matching of one message under
 * LIMIT_REGEX_TOTAL_MS; a limit hit counts as no match and is counted.
 * What a run computes lives in the message's arena; nothing here reads
 * rule files or compiles.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/limits.h"
#include "read/header.h"
#include "read/message.h"
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
		hb = an->original.source != SOURCE_NONE ? &an->original.hdr :
		    NULL;
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

/*
 * 1 match, 0 no match; a limit hit is no match and is counted, and so is
 * every match tried after the message's time for matching ran out.
 */
static int
run_match(struct ruleset *rs, const pcre2_code *re, const char *s,
    size_t len, int *limits)
{
	int	 rc;

	if (rs->overtime || ruleset_now_usec() > rs->deadline) {
		rs->overtime = 1;
		(*limits)++;
		return 0;
	}
	rc = pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, rs->md, rs->mctx);
	if (rc >= 0)
		return 1;
	if (rc != PCRE2_ERROR_NOMATCH)
		(*limits)++;	/* match/depth/heap limit, or bad input */
	return 0;
}

/* A pattern the prefilter ruled out: when checking, it must not match. */
static void
check_skip(struct ruleset *rs, const char *name, const pcre2_code *re,
    const char *s, size_t len)
{
	if (rs->check_prefilter && pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0,
	    rs->md, rs->mctx) >= 0) {
		fprintf(stderr, "prefilter: %s matches without any of its "
		    "literals\n", name);
		abort();
	}
}

/*
 * 1 match, 0 no match; a limit hit is no match and is counted. pc, when
 * not NULL, is the text's prefilter cache.
 */
static int
match(struct ruleset *rs, const struct rule *r, const char *s, size_t len,
    int *limits, struct pf_cache *pc, struct arena *a)
{
	const struct branch	*b;
	int			 k;

	if (s == NULL) {
		s = "";
		len = 0;
	}
	len = cap_len(s, len);
	if (pc != NULL && r->whole.lits != NULL &&
	    !maybe(pc, s, len, r->whole.lits, a)) {
		check_skip(rs, r->name, r->whole.re, s, len);
		return 0;
	}
	if (r->nbr == 0 || pc == NULL)
		return run_match(rs, r->whole.re, s, len, limits);
	for (k = 0; k < r->nbr; k++) {
		b = &r->br[k];
		if (b->lits != NULL && !maybe(pc, s, len, b->lits, a))
			check_skip(rs, r->name, b->re, s, len);
		else if (run_match(rs, b->re, s, len, limits))
			return 1;
	}
	return 0;
}

/* The texts of one message: header slots, made as rules ask for them,
 * and the two bodies' prefilter caches. */
struct texts {
	struct text	*slot;
	struct pf_cache	 body, orig;
};

/* The value of one header rule. */
static int
run_header(struct ruleset *rs, const struct rule *r,
    const struct analysis *an, struct arena *a, struct texts *tx,
    int *limits)
{
	struct text	*t = &tx->slot[r->slot];
	struct pf_cache	*pc = &t->pf;
	const char	*s;
	size_t		 len;

	if (!t->done)
		make_text(&rs->slots[r->slot], an, a, t);
	if (r->mod == MOD_EXISTS)
		return t->present;
	s = t->s;
	len = t->len;
	if (!t->present && r->unset != NULL) {
		s = r->unset;
		len = strlen(s);
		pc = NULL;
	}
	return match(rs, r, s, len, limits, pc, a) ^ r->negate;
}

/* The value of one body rule. */
static int
run_body(struct ruleset *rs, const struct rule *r,
    const struct analysis *an, struct arena *a, struct texts *tx,
    int *limits)
{
	if (r->type == RULE_BODY)
		return an->text != NULL && an->text_len > 0 &&
		    match(rs, r, an->text, an->text_len, limits, &tx->body, a);
	return an->original.body != NULL && an->original.body_len > 0 &&
	    match(rs, r, an->original.body, an->original.body_len, limits,
	    &tx->orig, a);
}

/* Hits in name order, so that output and the sum are the same each run. */
static int
hit_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rule_hit *)a)->name,
	    ((const struct rule_hit *)b)->name);
}

/* A rule is off when broken, or scored 0 (SpamAssassin's way to disable). */
static int
rule_off(const struct rule *r)
{
	return r->broken || r->type == RULE_NONE ||
	    (r->score_set && r->score == 0 && strncmp(r->name, "__", 2) != 0);
}

/* The visible rules that fired, sorted by name, into the arena. */
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
		nhits++;
	}
	qsort(hits, (size_t)nhits, sizeof(*hits), hit_cmp);
	*hits_r = hits;
	*nhits_r = nhits;
	return 0;
}

int
rules_run(struct ruleset *rs, const struct analysis *an,
    const struct evidence *ev, struct arena *a, struct rule_hit **hits_r,
    int *nhits_r, int *limits_hit_r)
{
	struct texts	 tx;
	struct rule	*r;
	int		 i, limits = 0;

	*hits_r = NULL;
	*nhits_r = 0;
	if (limits_hit_r != NULL)
		*limits_hit_r = 0;
	if (!rs->compiled || rs->result == -1)
		return -1;
	rs->deadline = ruleset_now_usec() + LIMIT_REGEX_TOTAL_MS * 1000L;
	rs->overtime = 0;
	if ((tx.slot = arena_alloc(a, (size_t)(rs->nslots + 1) *
	    sizeof(*tx.slot))) == NULL)
		return -1;
	tx.body.done = tx.orig.done = 0;

	for (i = 0; i < rs->nrules; i++) {
		r = &rs->rules[i];
		r->value = 0;
		if (rule_off(r))
			continue;
		switch (r->type) {
		case RULE_HEADER:
		case RULE_ORIG_HEADER:
			r->value = run_header(rs, r, an, a, &tx, &limits);
			break;
		case RULE_BODY:
		case RULE_ORIG_BODY:
			r->value = run_body(rs, r, an, a, &tx, &limits);
			break;
		case RULE_EVAL:
			r->value = r->fn->test(ev, an, r->arg) ? 1 : 0;
			break;
		default:
			break;
		}
	}
	for (i = 0; i < rs->norder; i++) {
		r = &rs->rules[rs->order[i]];
		if (!rule_off(r))
			r->value = expr_eval(rs, r) != 0;
	}
	if (collect_hits(rs, a, hits_r, nhits_r) == -1)
		return -1;
	if (limits_hit_r != NULL)
		*limits_hit_r = limits;
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

	return i == -1 ? -1 : rs->rules[i].value;
}
