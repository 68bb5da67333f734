/*
 * ruleset.c - the rule set: its sources, its rules by name, and who owns
 * which string (ruleset.h).
 *
 * Adding a source only records it; nothing is read until rules_compile.
 * Rules are found by name through an open-addressing hash kept under half
 * full, so a set of thousands of rules is built in linear time. This file
 * neither parses nor compiles nor matches: it only stores.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "rules/builtin.h"
#include "rules/cache.h"
#include "rules/rules.h"
#include "rules/ruleset.h"

struct ruleset *
rules_new(void)
{
	return calloc(1, sizeof(struct ruleset));
}

void
ruleset_free_string(char *p)
{
	if (p != NULL && !builtin_owns(p))
		free(p);
}

void
ruleset_clear_branch(struct branch *b)
{
	ruleset_free_string(b->pattern);
	if (b->re != NULL)
		pcre2_code_free(b->re);
	free(b->lits_own);
	memset(b, 0, sizeof(*b));
}

/* Free a rule's branches; the whole pattern stays. */
static void
clear_branches(struct rule *r)
{
	int	 i;

	for (i = 0; i < r->nbr; i++)
		ruleset_clear_branch(&r->br[i]);
	free(r->br);
	r->br = NULL;
	r->nbr = 0;
}

void
ruleset_clear_rule(struct rule *r)
{
	int	 i;

	/* name, description and score stay: "describe" and "score" lines
	 * may come before or after the definition they annotate, and a
	 * redefinition in a later file keeps them */
	ruleset_free_string(r->field);
	ruleset_free_string(r->unset);
	ruleset_free_string(r->arg);
	ruleset_clear_branch(&r->whole);
	clear_branches(r);
	for (i = 0; i < r->nops; i++)
		ruleset_free_string(r->ops[i].name);
	free(r->ops);
	r->field = r->unset = r->arg = NULL;
	r->ops = NULL;
	r->nops = 0;
	r->fn = NULL;
	r->negate = 0;
	r->options = 0;
	r->mod = MOD_DECODED;
	r->type = RULE_NONE;
}

void
rules_free(struct ruleset *rs)
{
	int	 i;

	if (rs == NULL)
		return;
	/* a set loaded whole: its strings lie in the snapshot */
	rules_snapshot_free(rs);
	/* strings of the build-time table are skipped by
	 * ruleset_free_string: they are part of the program */
	for (i = 0; i < rs->nrules; i++) {
		ruleset_clear_rule(&rs->rules[i]);
		ruleset_free_string(rs->rules[i].name);
		ruleset_free_string(rs->rules[i].describe);
	}
	free(rs->rules);
	free(rs->index);
	for (i = 0; i < rs->nsources; i++) {
		free(rs->sources[i].name);
		free(rs->sources[i].text);
	}
	free(rs->sources);
	for (i = 0; i < rs->nfiles; i++)
		free(rs->files[i]);
	free(rs->files);
	free(rs->files_index);
	free(rs->order);
	free(rs->slots);
	for (i = 0; i < rs->nprebuilt; i++)
		if (rs->prebuilt[i] != NULL)
			pcre2_code_free(rs->prebuilt[i]);
	free(rs->prebuilt);
	free(rs->prebuilt_taken);
	rules_cache_free(rs);
	free(rs->kept);
	if (rs->mctx != NULL)
		pcre2_match_context_free(rs->mctx);
	if (rs->cctx != NULL)
		pcre2_compile_context_free(rs->cctx);
	free(rs);
}

/* --- sources -------------------------------------------------------------- */

/* Record a source, copying its strings; -1 once compiled (the set is
 * fixed then) or out of memory. */
static int
add_source(struct ruleset *rs, int type, const char *name, const char *text)
{
	struct rule_source *s;

	if (rs->compiled)
		return -1;
	if ((s = realloc(rs->sources, (size_t)(rs->nsources + 1) *
	    sizeof(*s))) == NULL)
		return -1;
	rs->sources = s;
	s = &rs->sources[rs->nsources];
	s->type = type;
	s->name = name ? strdup(name) : NULL;
	s->text = text ? strdup(text) : NULL;
	if ((name && !s->name) || (text && !s->text)) {
		free(s->name);
		free(s->text);
		return -1;
	}
	rs->nsources++;
	return 0;
}

int
rules_add_builtin(struct ruleset *rs)
{
	return add_source(rs, SRC_BUILTIN, "builtin", NULL);
}

int
rules_add_path(struct ruleset *rs, const char *path)
{
	return add_source(rs, SRC_PATH, path, NULL);
}

int
rules_add_text(struct ruleset *rs, const char *name, const char *text)
{
	return add_source(rs, SRC_TEXT, name, text);
}

int
rules_add_config(struct ruleset *rs, const struct config *cfg)
{
	int	 i;

	for (i = 0; i < cfg->nrule_paths; i++)
		if (rules_add_path(rs, cfg->rule_paths[i].path) == -1)
			return -1;
	return 0;
}


/* Index every interned file name in a table twice their number, so that
 * finding one costs a hash, not a comparison with each: a rules_dir of
 * 200 files compared 20,000 names. */
static int
index_files(struct ruleset *rs, size_t cap)
{
	size_t	 k, h;
	int	*t, i;

	if ((t = malloc(cap * sizeof(*t))) == NULL)
		return -1;
	for (k = 0; k < cap; k++)
		t[k] = -1;
	for (i = 0; i < rs->nfiles; i++) {
		for (h = ruleset_name_hash(rs->files[i]) & (cap - 1); t[h] != -1;
		    h = (h + 1) & (cap - 1))
			;
		t[h] = i;
	}
	free(rs->files_index);
	rs->files_index = t;
	rs->files_mask = cap - 1;
	return 0;
}

const char *
ruleset_file(struct ruleset *rs, const char *name)
{
	char	**f;
	size_t	 h;
	int	 i, cap;

	if (rs->files_index != NULL)
		for (h = ruleset_name_hash(name) & rs->files_mask;
		    (i = rs->files_index[h]) != -1; h = (h + 1) & rs->files_mask)
			if (strcmp(rs->files[i], name) == 0)
				return rs->files[i];
	if (rs->nfiles == rs->files_cap) {
		cap = rs->files_cap ? rs->files_cap * 2 : 16;
		if ((f = realloc(rs->files, (size_t)cap * sizeof(*f))) == NULL)
			return NULL;
		rs->files = f;
		rs->files_cap = cap;
		if (index_files(rs, (size_t)cap * 2) == -1)
			return NULL;
	}
	if ((rs->files[rs->nfiles] = strdup(name)) == NULL)
		return NULL;
	for (h = ruleset_name_hash(name) & rs->files_mask; rs->files_index[h] != -1;
	    h = (h + 1) & rs->files_mask)
		;
	rs->files_index[h] = rs->nfiles;
	return rs->files[rs->nfiles++];
}

/* --- rules by name -------------------------------------------------------- */

/* FNV-1a over a rule name. */
size_t
ruleset_name_hash(const char *s)
{
	size_t	 h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

int
ruleset_find(const struct ruleset *rs, const char *name)
{
	size_t	 h;
	int	 i;

	if (rs->index == NULL)
		return -1;
	for (h = ruleset_name_hash(name) & rs->index_mask; (i = rs->index[h]) != -1;
	    h = (h + 1) & rs->index_mask)
		if (i < rs->nrules && strcmp(rs->rules[i].name, name) == 0)
			return i;
	return -1;
}

/* Put rule i in the free slot its name hashes to (linear probing). */
static void
index_put(struct ruleset *rs, int i)
{
	size_t	 h;

	for (h = ruleset_name_hash(rs->rules[i].name) & rs->index_mask;
	    rs->index[h] != -1; h = (h + 1) & rs->index_mask)
		;
	rs->index[h] = i;
}

void
ruleset_reindex(struct ruleset *rs)
{
	size_t	 k;
	int	 i;

	if (rs->index == NULL)
		return;
	for (k = 0; k <= rs->index_mask; k++)
		rs->index[k] = -1;
	for (i = 0; i < rs->nrules; i++)
		index_put(rs, i);
}

/* Put rule i (rs->nrules, not yet counted) in the name index, doubling it
 * first when it would be half full; -1 out of memory. */
static int
index_rule(struct ruleset *rs, int i)
{
	size_t	 cap;
	int	*old = rs->index;

	if (rs->index == NULL || (size_t)(rs->nrules + 1) * 2 > rs->index_mask + 1) {
		cap = rs->index == NULL ? 256 : (rs->index_mask + 1) * 2;
		if ((rs->index = malloc(cap * sizeof(*rs->index))) == NULL) {
			rs->index = old;
			return -1;
		}
		rs->index_mask = cap - 1;
		free(old);
		ruleset_reindex(rs);	/* the others (rule i is not yet counted) */
	}
	index_put(rs, i);
	return 0;
}

/* A zeroed rule at the end of the set, named name (the table's names
 * used in place); NULL out of memory or past RULES_MAX. */
static struct rule *
append(struct ruleset *rs, const char *name)
{
	struct rule	*r;
	int		 cap;

	if (rs->nrules >= RULES_MAX)
		return NULL;
	if (rs->nrules == rs->rules_cap) {
		cap = rs->rules_cap ? rs->rules_cap * 2 : 64;
		if ((r = realloc(rs->rules, (size_t)cap * sizeof(*r))) == NULL)
			return NULL;
		rs->rules = r;
		rs->rules_cap = cap;
	}
	r = &rs->rules[rs->nrules];
	memset(r, 0, sizeof(*r));
	/* the table's names are used in place: loading the built-in set
	 * copies no string */
	if (builtin_owns(name))
		r->name = (char *)name;
	else if ((r->name = strdup(name)) == NULL)
		return NULL;
	r->score = 1.0;
	return r;
}

struct rule *
ruleset_append(struct ruleset *rs, const char *name)
{
	struct rule	*r;

	if ((r = append(rs, name)) != NULL)
		rs->nrules++;
	return r;
}

struct rule *
ruleset_get(struct ruleset *rs, const char *name)
{
	struct rule	*r;
	int		 i;

	if ((i = ruleset_find(rs, name)) != -1)
		return &rs->rules[i];
	if ((r = append(rs, name)) == NULL)
		return NULL;
	if (index_rule(rs, rs->nrules) == -1) {
		ruleset_free_string(r->name);
		return NULL;
	}
	rs->nrules++;
	return r;
}

long
ruleset_now_usec(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return (long)ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

long
ruleset_cpu_usec(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == -1)
		return 0;
	return (long)ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}
