/*
 * compile.c - turn the sources into a set ready to run: read them in
 * order (parse.c, or the build-time table), apply the config's score
 * overrides, give each header rule its text slot, order the metas
 * (expr.c); and compile one pattern, with its prefilter literals and its
 * top-level branches.
 *
 * The built-in rules come from the table the build wrote (builtin.h)
 * when the set is still empty: the state parsing their text would leave,
 * without parsing it, and their patterns decoded from PCRE2's serialised
 * form instead of compiled. When the run-time PCRE2 cannot decode them,
 * each pattern is compiled from its text. tests/unit-builtin checks that
 * both ways give the same rules. Nothing here runs a pattern on text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/limits.h"
#include "config/config.h"
#include "evidence/origin.h"
#include "rules/builtin.h"
#include "rules/cache.h"
#include "rules/prefilter.h"
#include "rules/rules.h"
#include "rules/ruleset.h"

/* One pattern with its flags, under the set's compile context (length and
 * nesting capped); NULL with PCRE2's error code and offset. */
static pcre2_code *
compile_re(struct ruleset *rs, const char *pattern, uint32_t options,
    int *err_r, PCRE2_SIZE *off_r)
{
	return pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    options | RULES_COMPILE_OPTIONS, err_r, off_r, rs->cctx);
}

/*
 * Get ready for the build-time codes, each serialised alone: one is
 * decoded only when a rule first runs it (rules_code), since a message
 * runs a few dozen of several hundred, and decoding all was a third of
 * a megabyte of heap, pages the process faulted in one by one. A blob
 * the run-time PCRE2 cannot read (another version) is no error: every
 * pattern is then compiled.
 */
void
compile_prebuilt(struct ruleset *rs)
{
	const struct builtin_regex	*x;
	int				 n = builtin_regex_count;

	if (rs->prebuilt_tried)
		return;
	rs->prebuilt_tried = 1;
	if (n <= 0 || builtin_regex_blob_len == 0)
		return;
	x = &builtin_regexes[0];
	if ((size_t)x->blob + x->blob_len > builtin_regex_blob_len ||
	    pcre2_serialize_get_number_of_codes(builtin_regex_blob +
	    x->blob) != 1)
		return;
	rs->prebuilt = calloc((size_t)n, sizeof(*rs->prebuilt));
	rs->prebuilt_taken = calloc((size_t)n, 1);
	if (rs->prebuilt == NULL || rs->prebuilt_taken == NULL) {
		free(rs->prebuilt);
		free(rs->prebuilt_taken);
		rs->prebuilt = NULL;
		rs->prebuilt_taken = NULL;
		return;
	}
	rs->nprebuilt = n;
}

/*
 * The character tables of the build's codes. pcre2_serialize_decode gives
 * every code it decodes a copy of the tables its blob carries (1,088
 * bytes and the count of codes using them), and rules_code decodes a
 * few dozen codes a message, each alone. Nothing here sets tables of its
 * own, so every code the build wrote carries PCRE2's defaults: one copy
 * serves them all. The allocator the decoder is given hands out that
 * copy for its first request (the tables: asked for before the code) and
 * never frees it (pcre2_code_free of such a code comes to decode_free).
 * Six pages of heap less for a DSN, each a fault that costs more than a
 * rule's run.
 *
 * Only in a program of one thread (rules_share_tables): each decoding
 * writes the copy again, the same bytes, and a thread matching with a
 * code that reads it meanwhile would race with that write. The milter,
 * whose threads match while others decode (and its reload decodes a new
 * set), keeps a copy a code.
 */
static void		*tables_shared;
static size_t		 tables_size;
static int		 tables_next;	/* the next request is the tables' */
static int		 tables_share;	/* rules_share_tables was called */

void
rules_share_tables(void)
{
	tables_share = 1;
}

static void *
decode_malloc(size_t n, void *data)
{
	(void)data;
	if (tables_next) {
		tables_next = 0;
		if (tables_shared == NULL && (tables_shared = malloc(n)) != NULL)
			tables_size = n;
		if (tables_shared != NULL && n == tables_size)
			return tables_shared;
	}
	return malloc(n);
}

static void
decode_free(void *p, void *data)
{
	(void)data;
	if (p != tables_shared)
		free(p);
}

/* One build code decoded alone (its tables the shared copy when they
 * are shared); NULL when the run-time PCRE2 cannot, or out of memory. */
static pcre2_code *
decode_one(const unsigned char *blob)
{
	static pcre2_general_context	*gctx;
	pcre2_code			*re = NULL;

	if (!tables_share)	/* (no static written: threads call this) */
		return pcre2_serialize_decode(&re, 1, blob, NULL) == 1 ?
		    re : NULL;
	if (gctx == NULL)
		gctx = pcre2_general_context_create(decode_malloc,
		    decode_free, NULL);
	tables_next = gctx != NULL;
	if (pcre2_serialize_decode(&re, 1, blob, gctx) != 1)
		re = NULL;
	tables_next = 0;
	return re;
}

const pcre2_code *
rules_code(const struct ruleset *rs, const struct branch *b)
{
	const struct builtin_regex	*x;
	pcre2_code			*re, *had = NULL;
	int				 i = b->lazy - 1;

	if (b->re != NULL || i < 0 || i >= rs->nprebuilt)
		return b->re;
	if ((re = __atomic_load_n(&rs->prebuilt[i], __ATOMIC_ACQUIRE)) != NULL)
		return re;
	x = &builtin_regexes[i];
	if ((size_t)x->blob + x->blob_len > builtin_regex_blob_len ||
	    (re = decode_one(builtin_regex_blob + x->blob)) == NULL)
		return NULL;
	if (!__atomic_compare_exchange_n(&rs->prebuilt[i], &had, re, 0,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		pcre2_code_free(re);	/* another thread's is there */
		re = had;
	}
	return re;
}

/* Give b the build's code of builtin_regexes[i], to be decoded when it
 * first runs; 0 when there is none to give (b then needs compiling). */
static int
take_code(struct ruleset *rs, int i, struct branch *b)
{
	if (i < 0 || i >= rs->nprebuilt || rs->prebuilt_taken[i])
		return 0;
	rs->prebuilt_taken[i] = 1;
	b->re = NULL;
	b->lazy = i + 1;
	return 1;
}

/*
 * The prebuilt code of this pattern, given to b, or 0. Rules come in the
 * order the set was written: the search starts where the last one was
 * found.
 */
static int
take_prebuilt(struct ruleset *rs, const char *pattern, uint32_t options,
    struct branch *b)
{
	const char	*p;
	int		 i, k;

	if (!rs->prebuilt_tried)
		compile_prebuilt(rs);
	for (k = 0; k < rs->nprebuilt; k++) {
		i = (rs->prebuilt_next + k) % rs->nprebuilt;
		if (!rs->prebuilt_taken[i] &&
		    builtin_regexes[i].options == options &&
		    (p = builtin_string(builtin_regexes[i].pattern)) != NULL &&
		    strcmp(p, pattern) == 0) {
			rs->prebuilt_next = i + 1;
			b->lits = builtin_string(builtin_regexes[i].literals);
			return take_code(rs, i, b);
		}
	}
	return 0;
}

/* The literals one of which every match contains, for the prefilter. */
static int
find_literals(struct branch *b, uint32_t options)
{
	char	 set[PREFILTER_SET_MAX * (PREFILTER_LIT_MAX + 1) + 1];
	size_t	 n;

	if (prefilter_literals(b->pattern, (options & PCRE2_CASELESS) != 0,
	    (options & PCRE2_EXTENDED) != 0, set, sizeof(set)) <= 0)
		return 0;
	for (n = 0; set[n] != '\0'; n += strlen(set + n) + 1)
		;
	if ((b->lits_own = malloc(n + 1)) == NULL)
		return -1;
	memcpy(b->lits_own, set, n + 1);
	b->lits = b->lits_own;
	return 0;
}

/*
 * A pattern whose top-level branches stand alone is matched branch by
 * branch, each after its own prefilter test: of a dozen alternatives,
 * only those whose words are in the text run. Best effort: without
 * branches the whole pattern runs, as before.
 */
static void
split_branches(struct ruleset *rs, struct rule *r)
{
	size_t		 st[PREFILTER_BRANCH_MAX], en[PREFILTER_BRANCH_MAX];
	PCRE2_SIZE	 off;
	struct branch	*b;
	int		 n, k, err;

	n = prefilter_branches(r->whole.pattern,
	    (r->options & PCRE2_CASELESS) != 0,
	    (r->options & PCRE2_EXTENDED) != 0, st, en, PREFILTER_BRANCH_MAX);
	if (n < 2 || (r->br = calloc((size_t)n, sizeof(*r->br))) == NULL)
		return;
	r->nbr = n;
	for (k = 0; k < n; k++) {
		b = &r->br[k];
		if ((b->pattern = strndup(r->whole.pattern + st[k],
		    en[k] - st[k])) == NULL ||
		    find_literals(b, r->options) == -1 ||
		    (b->re = compile_re(rs, b->pattern, r->options, &err,
		    &off)) == NULL)
			goto fail;
	}
	return;
fail:
	for (k = 0; k < n; k++)
		ruleset_clear_branch(&r->br[k]);
	free(r->br);
	r->br = NULL;
	r->nbr = 0;
}

int
compile_pattern(struct ruleset *rs, struct rule *r, struct buf *errors)
{
	PCRE2_UCHAR	 msg[256];
	PCRE2_SIZE	 off;
	int		 err;

	if (take_prebuilt(rs, r->whole.pattern, r->options, &r->whole)) {
		split_branches(rs, r);
		return 0;
	}
	if (rules_cache_take(rs, r))
		return 0;
	if (find_literals(&r->whole, r->options) == -1)
		return -1;
	r->whole.re = compile_re(rs, r->whole.pattern, r->options, &err, &off);
	if (r->whole.re == NULL) {
		pcre2_get_error_message(err, msg, sizeof(msg));
		buf_error(errors, r->file, r->line, "%s: pattern: %s at offset %zu",
		    r->name, (char *)msg, (size_t)off);
		return -1;
	}
	split_branches(rs, r);
	/* worth keeping in the pattern cache, if the rule is kept: a rule
	 * defined again in a later file drops it, and a cache written
	 * for it would be written again every run */
	r->whole.fresh = 1;
	return 0;
}

/* --- the build-time table ------------------------------------------------- */

/* A built-in rule's branches, decoded (or, failing that, compiled). */
static int
load_branches(struct ruleset *rs, struct rule *r,
    const struct builtin_rule *b)
{
	const struct builtin_regex	*x;
	struct branch			*br;
	PCRE2_SIZE			 off;
	int				 k, i, err;

	if (b->branch < 0 || b->branch + b->nbranch > builtin_regex_count ||
	    (r->br = calloc((size_t)b->nbranch, sizeof(*r->br))) == NULL)
		return -1;
	r->nbr = b->nbranch;
	for (k = 0; k < b->nbranch; k++) {
		i = b->branch + k;
		x = &builtin_regexes[i];
		br = &r->br[k];
		if ((br->pattern = (char *)builtin_string(x->pattern)) == NULL)
			return -1;
		br->lits = builtin_string(x->literals);
		if (!take_code(rs, i, br) &&
		    (br->re = compile_re(rs, br->pattern, x->options, &err,
		    &off)) == NULL)
			return -1;
	}
	return 0;
}

/* A built-in meta's program, names unresolved. */
static int
load_ops(struct rule *r, const struct builtin_rule *b)
{
	const struct builtin_op	*o;
	int			 k;

	if ((r->ops = calloc((size_t)b->nops, sizeof(*r->ops))) == NULL)
		return -1;
	for (k = 0; k < b->nops; k++) {
		o = &builtin_ops[b->ops + k];
		r->ops[k].code = o->code;
		r->ops[k].num = o->num;
		r->ops[k].rule = o->rule;	/* as the build resolved it */
		r->ops[k].name = (char *)builtin_string(o->name);
		r->nops = k + 1;
	}
	return 0;
}

/* The whole pattern of a built-in rule: its decoded code, or compiled. */
static int
load_pattern(struct ruleset *rs, struct rule *r,
    const struct builtin_rule *b, struct buf *errors)
{
	const struct builtin_regex	*x = &builtin_regexes[b->regex];

	if ((r->whole.pattern = (char *)builtin_string(x->pattern)) == NULL)
		return -1;
	r->options = x->options;
	if (take_code(rs, b->regex, &r->whole)) {
		r->whole.lits = builtin_string(x->literals);
		return 0;
	}
	return compile_pattern(rs, r, errors);
}

/* One rule of the table into the set; its strings stay in the table
 * (ruleset_free_string knows them). -1 out of memory. */
static int
load_rule(struct ruleset *rs, const struct builtin_rule *b,
    const char *file, struct buf *errors)
{
	struct rule	*r;
	const char	*f;

	if ((r = rs->index_whole ? ruleset_append(rs,
	    builtin_string(b->name)) : ruleset_get(rs,
	    builtin_string(b->name))) == NULL)
		return -1;
	r->broken = 1;		/* until it is whole */
	r->type = b->type;
	r->mod = b->mod;
	r->negate = b->negate;
	r->file = file;
	r->line = b->line;
	r->score = b->score;
	r->score_set = b->score_set;
	r->score_line = b->score_line;
	r->level = b->level;
	r->field = (char *)builtin_string(b->field);
	r->unset = (char *)builtin_string(b->unset);
	r->arg = (char *)builtin_string(b->arg);
	r->describe = (char *)builtin_string(b->describe);
	/* a score is mostly set in the rule's own file: no lookup then */
	if ((f = builtin_string(b->score_file)) != NULL &&
	    (r->score_file = strcmp(f, file) == 0 ? file :
	    ruleset_file(rs, f)) == NULL)
		return -1;
	if (builtin_string(b->eval) != NULL &&
	    (r->fn = origin_eval_find(builtin_string(b->eval))) == NULL)
		return -1;	/* cannot be: the build found it */
	if (b->regex >= 0 && b->regex < builtin_regex_count &&
	    load_pattern(rs, r, b, errors) == -1)
		return -1;
	if (b->nbranch > 0 && r->nbr == 0 && load_branches(rs, r, b) == -1)
		return -1;
	if (b->nops > 0 && b->ops >= 0 && load_ops(r, b) == -1)
		return -1;
	r->broken = 0;
	return 0;
}

/* Room for every built-in rule at once: no growing, no rehashing. */
static int
make_room(struct ruleset *rs)
{
	struct rule	*r;
	size_t		 cap = 256, k;

	if (rs->rules_cap < builtin_rule_count) {
		if ((r = realloc(rs->rules, (size_t)builtin_rule_count *
		    2 * sizeof(*r))) == NULL)
			return -1;
		rs->rules = r;
		rs->rules_cap = builtin_rule_count * 2;
	}
	if (rs->index == NULL) {
		while (cap < (size_t)builtin_rule_count * 4)
			cap *= 2;
		if ((rs->index = malloc(cap * sizeof(*rs->index))) == NULL)
			return -1;
		rs->index_mask = cap - 1;
		/* the build's image of the index these rules will have:
		 * no name hashed here (each was 300 instructions) */
		if ((size_t)builtin_name_index_len == cap) {
			memcpy(rs->index, builtin_name_index,
			    cap * sizeof(*rs->index));
			rs->index_whole = 1;
			return 0;
		}
		for (k = 0; k < cap; k++)
			rs->index[k] = -1;
	}
	return 0;
}

/*
 * The built-in rules from the table the build wrote (builtin_rules): the
 * state parsing their text would leave, without parsing it. Only into an
 * empty set, where that state is exact. -1 out of memory.
 */
static int
load_table(struct ruleset *rs, struct buf *errors)
{
	const struct builtin_rule	*b;
	const char			*last = NULL, *file = NULL, *f;
	int				 i;

	if (!rs->prebuilt_tried)
		compile_prebuilt(rs);
	if (make_room(rs) == -1)
		return -1;
	for (i = 0; i < builtin_rule_count; i++) {
		b = &builtin_rules[i];
		if ((f = builtin_string(b->file)) == NULL ||
		    builtin_string(b->name) == NULL)
			return -1;
		/* (the table keeps a copy of the name for every rule) */
		if ((last == NULL || strcmp(f, last) != 0) &&
		    (file = ruleset_file(rs, last = f)) == NULL)
			return -1;
		if (load_rule(rs, b, file, errors) == -1)
			return -1;
	}
	return 0;
}

/* The table's rules, as load_table loads them, or none of the index's
 * names without their rule: a load that stops part-way (out of memory)
 * leaves the index of what it loaded. -1 out of memory. */
static int
load_builtin(struct ruleset *rs, struct buf *errors)
{
	int	 rc = load_table(rs, errors);

	if (rs->index_whole) {
		rs->index_whole = 0;	/* new rules index themselves */
		if (rc == -1)
			ruleset_reindex(rs);
	}
	if (rc == 0)
		rs->from_table = 1;
	return rc;
}

/* --- the whole set -------------------------------------------------------- */

/* The built-in rules: from the table into an empty set, else parsed. */
static int
read_builtin(struct ruleset *rs, struct buf *errors)
{
	const struct builtin_rule_file	*b;
	char				 name[256];
	int				 nerr = 0, rc;

	if (builtin_rule_count > 0 && rs->nrules == 0) {
		if (load_builtin(rs, errors) == -1) {
			buf_error(errors, "builtin", 0, "out of memory, or a "
			    "pattern the run-time PCRE2 cannot compile");
			return 1;
		}
		return 0;
	}
	for (b = builtin_rule_files; b->name != NULL; b++) {
		rc = snprintf(name, sizeof(name), "builtin/%s", b->name);
		if (rc < 0 || (size_t)rc >= sizeof(name))
			continue;
		nerr += parse_text(rs, name, b->text, strlen(b->text), errors);
	}
	return nerr;
}

/* Every source in the order added; the number of errors. */
static int
read_sources(struct ruleset *rs, struct buf *errors)
{
	struct rule_source	*s;
	int			 i, nerr = 0;

	for (i = 0; i < rs->nsources; i++) {
		s = &rs->sources[i];
		switch (s->type) {
		case SRC_BUILTIN:
			nerr += read_builtin(rs, errors);
			break;
		case SRC_PATH:
			nerr += parse_path(rs, s->name, errors);
			break;
		case SRC_TEXT:
			nerr += parse_text(rs, s->name, s->text,
			    strlen(s->text), errors);
			break;
		}
	}
	return nerr;
}

/* The config's score lines, last so they win; the number of errors. */
static int
apply_scores(struct ruleset *rs, const struct config *cfg,
    struct buf *errors)
{
	int	 i, k, nerr = 0;

	for (i = 0; cfg != NULL && i < cfg->nscores; i++) {
		if ((k = ruleset_find(rs, cfg->scores[i].name)) == -1) {
			buf_error(errors, cfg->scores[i].file,
			    cfg->scores[i].line, "score %s: no such rule",
			    cfg->scores[i].name);
			nerr++;
			continue;
		}
		rs->rules[k].score = cfg->scores[i].score;
		rs->rules[k].score_set = 1;
	}
	return nerr;
}

/* The text slot a header rule reads; -1 past RULES_SLOTS_MAX. */
static int
slot_for(struct ruleset *rs, const struct rule *r)
{
	struct slot	*sl;
	int		 orig = r->type == RULE_ORIG_HEADER, i, cap;

	for (i = 0; i < rs->nslots; i++)
		if (rs->slots[i].orig == orig && rs->slots[i].mod == r->mod &&
		    ((r->field == NULL && rs->slots[i].field == NULL) ||
		    (r->field != NULL && rs->slots[i].field != NULL &&
		    strcasecmp(r->field, rs->slots[i].field) == 0)))
			return i;
	if (rs->nslots >= RULES_SLOTS_MAX)
		return -1;
	if (rs->nslots == rs->slots_cap) {
		cap = rs->slots_cap ? rs->slots_cap * 2 : 32;
		if ((sl = realloc(rs->slots, (size_t)cap * sizeof(*sl))) == NULL)
			return -1;
		rs->slots = sl;
		rs->slots_cap = cap;
	}
	rs->slots[rs->nslots].orig = orig;
	rs->slots[rs->nslots].field = r->field;
	rs->slots[rs->nslots].mod = r->mod;
	return rs->nslots++;
}

/* Rules with only a score or description are errors; header rules get
 * their slots. The number of errors. */
static int
check_rules(struct ruleset *rs, struct buf *errors)
{
	struct rule	*r;
	int		 i, nerr = 0;

	for (i = 0; i < rs->nrules; i++) {
		r = &rs->rules[i];
		if (r->type == RULE_NONE) {
			buf_error(errors, r->score_file ? r->score_file :
			    "rules", r->score_line, "%s: score or describe for "
			    "a rule that is not defined", r->name);
			r->broken = 1;
			nerr++;
		} else if ((r->type == RULE_HEADER ||
		    r->type == RULE_ORIG_HEADER) &&
		    (r->slot = slot_for(rs, r)) == -1) {
			buf_error(errors, r->file, r->line,
			    "%s: too many distinct header fields", r->name);
			r->broken = 1;
			nerr++;
		}
	}
	return nerr;
}

/* The metas of a set that is the build's table alone, in the order the
 * build gave them; 0, or -1 out of memory. */
static int
table_order(struct ruleset *rs)
{
	if ((rs->order = calloc((size_t)builtin_meta_norder + 1,
	    sizeof(*rs->order))) == NULL)
		return -1;
	memcpy(rs->order, builtin_meta_order,
	    (size_t)builtin_meta_norder * sizeof(*rs->order));
	rs->norder = builtin_meta_norder;
	return 0;
}

/*
 * Read, check and order every source, then the config's scores. A set
 * without errors is kept whole for the next run (snapshot.c) before the
 * scores, which are the configuration's: the errors of the checks are
 * held aside meanwhile, so that they still come after the scores' as
 * they always did. The number of errors, or -1 out of memory.
 */
static int
build(struct ruleset *rs, const struct config *cfg, struct buf *errors)
{
	struct buf	 later;
	int		 nerr, rc;

	rules_cache_load(rs);
	nerr = read_sources(rs, errors);
	buf_init(&later, errors != NULL ? errors->max : 0);
	nerr += check_rules(rs, errors != NULL ? &later : NULL);
	/* the table and nothing else: the metas in the build's order, their
	 * names resolved by the build (expr_order was 5 % of a bounce) */
	if (rs->from_table && rs->nsources == 1 && nerr == 0)
		rc = table_order(rs);
	else
		rc = expr_order(rs, errors != NULL ? &later : NULL);
	if (rc == -1) {
		buf_free(&later);
		return -1;
	}
	nerr += rc;
	if (nerr == 0)
		rules_snapshot_save(rs);
	nerr += apply_scores(rs, cfg, errors);
	if (errors != NULL && later.len > 0)
		(void)buf_append(errors, later.data, later.len);
	buf_free(&later);
	return nerr;
}

int
rules_compile(struct ruleset *rs, const struct config *cfg,
    struct buf *errors)
{
	long	 start = ruleset_now_usec();
	int	 i, nerr;

	if (rs->compiled)
		return rs->result;
	rs->compiled = 1;
	rs->result = -1;

	rs->cctx = pcre2_compile_context_create(NULL);
	rs->mctx = pcre2_match_context_create(NULL);
	if (rs->cctx == NULL || rs->mctx == NULL)
		return -1;
	pcre2_set_max_pattern_length(rs->cctx, RULES_PATTERN_MAX);
	pcre2_set_parens_nest_limit(rs->cctx, 64);
	pcre2_set_match_limit(rs->mctx, LIMIT_REGEX_MATCH);
	pcre2_set_depth_limit(rs->mctx, LIMIT_REGEX_DEPTH);
	pcre2_set_heap_limit(rs->mctx, LIMIT_REGEX_HEAP_KB);

	if (rules_snapshot_load(rs) == 0)
		nerr = apply_scores(rs, cfg, errors);
	else if ((nerr = build(rs, cfg, errors)) == -1)
		return -1;
	for (i = 0; i < rs->nrules; i++)
		if (!rs->rules[i].broken)
			rs->usable++;
	rules_cache_save(rs);
	rs->usec = ruleset_now_usec() - start;
	rs->result = nerr;
	return nerr;
}

long
rules_compile_usec(const struct ruleset *rs)
{
	return rs->usec;
}

int
rules_count(const struct ruleset *rs)
{
	return rs->usable;
}

int
rules_pattern(const struct ruleset *rs, int i, const char **pattern,
    uint32_t *options, const char **lits)
{
	if (i < 0 || i >= rs->nrules)
		return -1;
	if ((rs->rules[i].whole.re == NULL && rs->rules[i].whole.lazy == 0) ||
	    rs->rules[i].broken)
		return 1;
	*pattern = rs->rules[i].whole.pattern;
	*options = rs->rules[i].options;
	*lits = rs->rules[i].whole.lits;
	return 0;
}
