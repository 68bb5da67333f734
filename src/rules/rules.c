/*
 * rules.c - parse, compile and run the rule language (see rules.h).
 *
 * A ruleset lives for the run (malloc); what it computes per message
 * lives in the message arena. Parsing collects definitions by name, a
 * later one replacing an earlier one; compiling turns patterns into PCRE2
 * code, evals into function pointers, metas into RPN programs over rule
 * indices, and orders the metas so each is evaluated after the rules it
 * uses (Kahn's algorithm: no recursion, cycles found as the nodes that
 * never become ready). Running evaluates every plain rule, then the metas
 * in that order with an explicit stack.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/limits.h"
#include "read/address.h"
#include "read/header.h"
#include "read/rfc2047.h"
#include "read/message.h"
#include "anatomy/anatomy.h"
#include "config/config.h"
#include "evidence/origin.h"
#include "rules/prefilter.h"
#include "rules/rules.h"

/* One rule-file line, and one meta expression's tokens. */
#define RULES_LINE_MAX		8192
#define RULES_EXPR_OPS		512
/* Distinct header texts one message's rules ask for. */
#define RULES_SLOTS_MAX		1024
/* Patterns longer than this are refused at compile time. */
#define RULES_PATTERN_MAX	8192

enum rule_type {
	RULE_NONE,		/* only describe/score seen so far */
	RULE_HEADER,
	RULE_BODY,
	RULE_ORIG_HEADER,
	RULE_ORIG_BODY,
	RULE_EVAL,
	RULE_META
};

enum field_mod {
	MOD_DECODED,
	MOD_RAW,
	MOD_ADDR,
	MOD_NAME,
	MOD_EXISTS,
	MOD_ALL
};

enum op_code {
	OP_RULE, OP_NUM, OP_NOT, OP_AND, OP_OR, OP_ADD,
	OP_GT, OP_GE, OP_LT, OP_LE, OP_EQ, OP_NE
};

struct op {
	enum op_code	 code;
	int		 rule;		/* OP_RULE: index, after resolving */
	double		 num;
	char		*name;		/* OP_RULE: until resolved */
};

/* A top-level branch of a pattern, matched on its own (prefilter.h). */
struct branch {
	char			*pattern;
	pcre2_code		*re;
	const char		*lits;		/* prefilter set, or NULL */
	char			*lits_own;	/* the same, when malloc'd */
};

struct rule {
	char			*name;
	enum rule_type		 type;
	const char		*file;	/* of the definition */
	int			 line;

	/* header, body and their orig_ forms */
	char			*field;		/* field name, or NULL for ALL */
	enum field_mod		 mod;
	int			 negate;
	char			*pattern;
	uint32_t		 options;
	char			*unset;		/* if-unset: text */
	pcre2_code		*re;
	const char		*lits;		/* prefilter set, or NULL */
	char			*lits_own;	/* the same, when malloc'd */
	struct branch		*br;		/* the branches, or NULL */
	int			 nbr;
	int			 slot;		/* text cache index */

	/* eval */
	const struct origin_eval *fn;
	char			*arg;

	/* meta */
	struct op		*ops;
	int			 nops;
	int			 level;

	char			*describe;
	double			 score;
	int			 score_set;
	const char		*score_file;
	int			 score_line;

	int			 broken;
	int			 value;		/* per message */
};

struct rule_source {
	enum { SRC_BUILTIN, SRC_PATH, SRC_TEXT } type;
	char		*name;
	char		*text;
};

struct slot {
	int		 orig;		/* original's header, not the bounce's */
	const char	*field;		/* NULL: ALL */
	enum field_mod	 mod;
};

struct ruleset {
	struct rule_source	*sources;
	int			 nsources;
	char			**files;	/* interned file names */
	int			 nfiles;
	struct rule		*rules;
	int			 nrules;
	int			 rules_cap;
	int			*index;		/* name hash -> rule, -1 free */
	size_t			 index_mask;
	int			*order;		/* metas in evaluation order */
	int			 norder;
	struct slot		*slots;		/* grown as fields appear */
	int			 nslots;
	int			 slots_cap;

	pcre2_compile_context	*cctx;
	pcre2_match_context	*mctx;
	pcre2_match_data	*md;

	pcre2_code		**prebuilt;	/* decoded builtin_regexes,
						   NULL once taken by a rule */
	int			 nprebuilt;
	int			 prebuilt_next;	/* where to look first */
	int			 prebuilt_tried;

	int			 check_prefilter; /* match anyway, abort
						   when it was wrong */
	long			 deadline;	/* of this message's matching,
						   in microseconds */
	int			 overtime;
	int			 compiled;
	int			 result;	/* of the compile */
	long			 usec;
	int			 usable;
};

/* --- the set ------------------------------------------------------------- */

struct ruleset *
rules_new(void)
{
	return calloc(1, sizeof(struct ruleset));
}

/* A string of the build-time tables, or NULL. */
static const char *
bstr(uint32_t off)
{
	return off == BUILTIN_NONE || off >= builtin_strings_len ? NULL :
	    builtin_strings + off;
}

/* Free a rule's string, unless it lies in the build-time tables. */
static void
free_str(char *p)
{
	if (p != NULL && !(builtin_strings_len > 0 && p >= builtin_strings &&
	    p < builtin_strings + builtin_strings_len))
		free(p);
}

static void
free_branches(struct rule *r)
{
	int	 i;

	for (i = 0; i < r->nbr; i++) {
		free_str(r->br[i].pattern);
		if (r->br[i].re != NULL)
			pcre2_code_free(r->br[i].re);
		free(r->br[i].lits_own);
	}
	free(r->br);
	r->br = NULL;
	r->nbr = 0;
}

static void
rule_clear(struct rule *r)
{
	int	 i;

	free_str(r->field);
	free_str(r->pattern);
	free_str(r->unset);
	free_str(r->arg);
	if (r->re != NULL)
		pcre2_code_free(r->re);
	free(r->lits_own);
	r->lits = r->lits_own = NULL;
	free_branches(r);
	for (i = 0; i < r->nops; i++)
		free_str(r->ops[i].name);
	free(r->ops);
	r->field = r->pattern = r->unset = r->arg = NULL;
	r->re = NULL;
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
	for (i = 0; i < rs->nrules; i++) {
		rule_clear(&rs->rules[i]);
		free_str(rs->rules[i].name);
		free_str(rs->rules[i].describe);
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
	free(rs->order);
	free(rs->slots);
	for (i = 0; i < rs->nprebuilt; i++)
		if (rs->prebuilt[i] != NULL)
			pcre2_code_free(rs->prebuilt[i]);
	free(rs->prebuilt);
	if (rs->md != NULL)
		pcre2_match_data_free(rs->md);
	if (rs->mctx != NULL)
		pcre2_match_context_free(rs->mctx);
	if (rs->cctx != NULL)
		pcre2_compile_context_free(rs->cctx);
	free(rs);
}

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

static const char *
intern_file(struct ruleset *rs, const char *name)
{
	char	**f;
	int	  i;

	for (i = 0; i < rs->nfiles; i++)
		if (strcmp(rs->files[i], name) == 0)
			return rs->files[i];
	if ((f = realloc(rs->files, (size_t)(rs->nfiles + 1) *
	    sizeof(*f))) == NULL)
		return NULL;
	rs->files = f;
	if ((f[rs->nfiles] = strdup(name)) == NULL)
		return NULL;
	return f[rs->nfiles++];
}

/* FNV-1a over a rule name. */
static size_t
name_hash(const char *s)
{
	size_t	 h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int
find_rule(const struct ruleset *rs, const char *name)
{
	size_t	 h;
	int	 i;

	if (rs->index == NULL)
		return -1;
	for (h = name_hash(name) & rs->index_mask; (i = rs->index[h]) != -1;
	    h = (h + 1) & rs->index_mask)
		if (strcmp(rs->rules[i].name, name) == 0)
			return i;
	return -1;
}

/* Put rule i in the name index (open addressing, kept under half full). */
static int
index_rule(struct ruleset *rs, int i)
{
	size_t	 h, cap, k;
	int	*old = rs->index, j;

	if (rs->index == NULL || (size_t)(rs->nrules + 1) * 2 > rs->index_mask + 1) {
		cap = rs->index == NULL ? 256 : (rs->index_mask + 1) * 2;
		if ((rs->index = malloc(cap * sizeof(*rs->index))) == NULL) {
			rs->index = old;
			return -1;
		}
		for (k = 0; k < cap; k++)
			rs->index[k] = -1;
		rs->index_mask = cap - 1;
		free(old);
		for (j = 0; j < i; j++)		/* re-insert the others */
			for (h = name_hash(rs->rules[j].name) & rs->index_mask; ;
			    h = (h + 1) & rs->index_mask)
				if (rs->index[h] == -1) {
					rs->index[h] = j;
					break;
				}
	}
	for (h = name_hash(rs->rules[i].name) & rs->index_mask;
	    rs->index[h] != -1; h = (h + 1) & rs->index_mask)
		;
	rs->index[h] = i;
	return 0;
}

/*
 * The rule named name, created empty if new; NULL past RULES_MAX. A name
 * from the build-time tables is kept, not copied.
 */
static struct rule *
get_rule(struct ruleset *rs, const char *name)
{
	struct rule	*r;
	int		 i, cap;

	if ((i = find_rule(rs, name)) != -1)
		return &rs->rules[i];
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
	if (builtin_strings_len > 0 && name >= builtin_strings &&
	    name < builtin_strings + builtin_strings_len)
		r->name = (char *)name;
	else if ((r->name = strdup(name)) == NULL)
		return NULL;
	r->score = 1.0;
	if (index_rule(rs, rs->nrules) == -1) {
		free_str(r->name);
		return NULL;
	}
	rs->nrules++;
	return r;
}

/* --- parsing ------------------------------------------------------------- */

static int
valid_name(const char *s)
{
	size_t	 n = strlen(s);

	if (n < 3 || n > 64 ||
	    (strncmp(s, "BS_", 3) != 0 && strncmp(s, "__", 2) != 0))
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

/* Next word of *sp (space-separated), NUL-terminated in place. */
static char *
word(char **sp)
{
	char	*s = *sp, *w;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0') {
		*sp = s;
		return NULL;
	}
	w = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	if (*s)
		*s++ = '\0';
	*sp = s;
	return w;
}

static char *
skip_space(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/*
 * A pattern "/re/flags" or "m{re}flags" (any delimiter, bracket pairs
 * closing with their partner) at s, alone on the rest of the line except
 * an "[if-unset: text]" when unset_r is given. The pattern text is copied
 * as written: PCRE2 reads "\/" as "/".
 */
static int
parse_pattern(const char *file, int line, struct buf *errors, char *s,
    struct rule *r, int allow_unset)
{
	char		 open, close;
	char		*start, *end, *p;
	uint32_t	 opt = 0;

	s = skip_space(s);
	if (*s == 'm' && s[1] != '\0' && !isalnum((unsigned char)s[1]) &&
	    s[1] != ' ')
		s++;
	open = *s;
	switch (open) {
	case '/': close = '/'; break;
	case '{': close = '}'; break;
	case '(': close = ')'; break;
	case '[': close = ']'; break;
	case '<': close = '>'; break;
	case '!': case '|': case '#': case ',': case '@': close = open; break;
	default:
		buf_error(errors, file, line, "%s: expected /pattern/", r->name);
		return -1;
	}
	start = s + 1;
	/* the closing delimiter is the last one on the line before the
	 * flags (and an if-unset clause): patterns may contain it escaped */
	end = NULL;
	for (p = start; *p; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			continue;
		}
		if (*p == close)
			end = p;
	}
	if (allow_unset && end != NULL) {
		/* "[if-unset: x]" after the pattern: find the last
		 * delimiter before it */
		char	*u = strstr(start, "[if-unset:");

		if (u != NULL) {
			char	*q;

			end = NULL;
			for (q = start; q < u; q++) {
				if (*q == '\\' && q[1] != '\0') {
					q++;
					continue;
				}
				if (*q == close)
					end = q;
			}
		}
	}
	if (end == NULL) {
		buf_error(errors, file, line, "%s: pattern not closed with %c",
		    r->name, close);
		return -1;
	}
	for (p = end + 1; *p && *p != ' ' && *p != '\t'; p++) {
		switch (*p) {
		case 'i': opt |= PCRE2_CASELESS; break;
		case 'm': opt |= PCRE2_MULTILINE; break;
		case 's': opt |= PCRE2_DOTALL; break;
		case 'x': opt |= PCRE2_EXTENDED; break;
		default:
			buf_error(errors, file, line, "%s: unknown flag '%c'",
			    r->name, *p);
			return -1;
		}
	}
	p = skip_space(p);
	if (*p != '\0') {
		size_t	 n;

		if (!allow_unset || strncmp(p, "[if-unset:", 10) != 0 ||
		    (n = strlen(p)) < 11 || p[n - 1] != ']') {
			buf_error(errors, file, line, "%s: text after the pattern",
			    r->name);
			return -1;
		}
		p[n - 1] = '\0';
		if ((r->unset = strdup(skip_space(p + 10))) == NULL)
			return -1;
	}
	if ((size_t)(end - start) > RULES_PATTERN_MAX) {
		buf_error(errors, file, line, "%s: pattern too long", r->name);
		return -1;
	}
	if ((r->pattern = strndup(start, (size_t)(end - start))) == NULL)
		return -1;
	r->options = opt;
	return 0;
}

/* "Header =~ /re/", "Header !~ /re/", "exists:Header". */
static int
parse_header(const char *file, int line, struct buf *errors, char *s,
    struct rule *r)
{
	char	*field, *op, *colon;

	s = skip_space(s);
	if (strncmp(s, "exists:", 7) == 0) {
		field = s + 7;
		if (*field == '\0' || strpbrk(field, " \t:") != NULL) {
			buf_error(errors, file, line, "%s: exists:Header",
			    r->name);
			return -1;
		}
		if ((r->field = strdup(field)) == NULL)
			return -1;
		r->mod = MOD_EXISTS;
		return 0;
	}
	if ((field = word(&s)) == NULL || (op = word(&s)) == NULL) {
		buf_error(errors, file, line, "%s: expected Header =~ /pattern/",
		    r->name);
		return -1;
	}
	if (strcmp(op, "=~") == 0)
		r->negate = 0;
	else if (strcmp(op, "!~") == 0)
		r->negate = 1;
	else {
		buf_error(errors, file, line, "%s: expected =~ or !~, not %s",
		    r->name, op);
		return -1;
	}
	r->mod = MOD_DECODED;
	if ((colon = strchr(field, ':')) != NULL) {
		*colon++ = '\0';
		if (strcmp(colon, "raw") == 0)
			r->mod = MOD_RAW;
		else if (strcmp(colon, "addr") == 0)
			r->mod = MOD_ADDR;
		else if (strcmp(colon, "name") == 0)
			r->mod = MOD_NAME;
		else {
			buf_error(errors, file, line,
			    "%s: unknown modifier :%s (raw, addr, name)",
			    r->name, colon);
			return -1;
		}
	}
	if (*field == '\0') {
		buf_error(errors, file, line, "%s: no header name", r->name);
		return -1;
	}
	if (strcmp(field, "ALL") == 0) {
		if (r->mod != MOD_DECODED && r->mod != MOD_RAW) {
			buf_error(errors, file, line, "%s: ALL takes no :%s",
			    r->name, colon);
			return -1;
		}
		r->mod = MOD_ALL;
	} else if ((r->field = strdup(field)) == NULL)
		return -1;
	return parse_pattern(file, line, errors, s, r, 1);
}

/* "function()" or "function(arg)", arg optionally quoted. */
static int
parse_eval(const char *file, int line, struct buf *errors, char *s,
    struct rule *r)
{
	char	*open, *close, *arg, *end;
	size_t	 n;

	s = skip_space(s);
	if ((open = strchr(s, '(')) == NULL ||
	    (close = strrchr(s, ')')) == NULL || close < open ||
	    *skip_space(close + 1) != '\0') {
		buf_error(errors, file, line, "%s: expected function(args)",
		    r->name);
		return -1;
	}
	*open = '\0';
	for (end = open; end > s && (end[-1] == ' ' || end[-1] == '\t'); end--)
		end[-1] = '\0';
	if ((r->fn = origin_eval_find(s)) == NULL) {
		buf_error(errors, file, line, "%s: unknown eval function %s",
		    r->name, s);
		return -1;
	}
	*close = '\0';
	arg = skip_space(open + 1);
	n = strlen(arg);
	while (n > 0 && (arg[n - 1] == ' ' || arg[n - 1] == '\t'))
		arg[--n] = '\0';
	if (n >= 2 && (arg[0] == '\'' || arg[0] == '"') && arg[n - 1] == arg[0]) {
		arg[n - 1] = '\0';
		arg++;
		n -= 2;
	}
	if (r->fn->takes_arg && n == 0) {
		buf_error(errors, file, line, "%s: %s() needs an argument",
		    r->name, r->fn->name);
		return -1;
	}
	if (!r->fn->takes_arg && n > 0) {
		buf_error(errors, file, line, "%s: %s() takes no argument",
		    r->name, r->fn->name);
		return -1;
	}
	if (n > 0) {
		if (r->fn->check != NULL && r->fn->check(arg) == -1) {
			buf_error(errors, file, line, "%s: %s(%s): bad argument",
			    r->name, r->fn->name, arg);
			return -1;
		}
		if ((r->arg = strdup(arg)) == NULL)
			return -1;
	}
	return 0;
}

/*
 * Meta expressions: recursive descent over a token string with a depth
 * cap, producing RPN. Names stay names until every file is read.
 */
struct expr {
	const char	*p;
	struct op	*ops;
	int		 nops;
	int		 depth;
	const char	*error;
};

static void
expr_space(struct expr *e)
{
	while (*e->p == ' ' || *e->p == '\t')
		e->p++;
}

static int
expr_emit(struct expr *e, enum op_code code, double num, const char *name,
    size_t nlen)
{
	struct op	*op;

	if (e->nops >= RULES_EXPR_OPS) {
		e->error = "expression too long";
		return -1;
	}
	op = &e->ops[e->nops];
	memset(op, 0, sizeof(*op));
	op->code = code;
	op->num = num;
	op->rule = -1;
	if (name != NULL && (op->name = strndup(name, nlen)) == NULL) {
		e->error = "out of memory";
		return -1;
	}
	e->nops++;
	return 0;
}

static int expr_or(struct expr *);
static int compile_pattern(struct ruleset *, struct rule *, struct buf *);

static int
expr_primary(struct expr *e)
{
	const char	*s;
	char		*end;
	double		 v;

	expr_space(e);
	if (*e->p == '(') {
		e->p++;
		if (expr_or(e) == -1)
			return -1;
		expr_space(e);
		if (*e->p != ')') {
			e->error = "missing )";
			return -1;
		}
		e->p++;
		return 0;
	}
	if (isdigit((unsigned char)*e->p)) {
		v = strtod(e->p, &end);
		e->p = end;
		return expr_emit(e, OP_NUM, v, NULL, 0);
	}
	if (isalpha((unsigned char)*e->p) || *e->p == '_') {
		s = e->p;
		while (isalnum((unsigned char)*e->p) || *e->p == '_')
			e->p++;
		return expr_emit(e, OP_RULE, 0, s, (size_t)(e->p - s));
	}
	e->error = *e->p ? "unexpected character" : "unexpected end";
	return -1;
}

static int
expr_unary(struct expr *e)
{
	int	 rc;

	expr_space(e);
	if (*e->p == '!' && e->p[1] != '=') {
		e->p++;
		if (++e->depth > RULES_EXPR_DEPTH) {
			e->error = "nested too deeply";
			return -1;
		}
		rc = expr_unary(e);
		e->depth--;
		if (rc == -1)
			return -1;
		return expr_emit(e, OP_NOT, 0, NULL, 0);
	}
	if (*e->p == '(') {
		if (++e->depth > RULES_EXPR_DEPTH) {
			e->error = "nested too deeply";
			return -1;
		}
		rc = expr_primary(e);
		e->depth--;
		return rc;
	}
	return expr_primary(e);
}

static int
expr_sum(struct expr *e)
{
	if (expr_unary(e) == -1)
		return -1;
	for (;;) {
		expr_space(e);
		if (*e->p != '+')
			return 0;
		e->p++;
		if (expr_unary(e) == -1 || expr_emit(e, OP_ADD, 0, NULL, 0) == -1)
			return -1;
	}
}

static int
expr_cmp(struct expr *e)
{
	enum op_code	 code;

	if (expr_sum(e) == -1)
		return -1;
	expr_space(e);
	if (strncmp(e->p, ">=", 2) == 0)
		code = OP_GE, e->p += 2;
	else if (strncmp(e->p, "<=", 2) == 0)
		code = OP_LE, e->p += 2;
	else if (strncmp(e->p, "==", 2) == 0)
		code = OP_EQ, e->p += 2;
	else if (strncmp(e->p, "!=", 2) == 0)
		code = OP_NE, e->p += 2;
	else if (*e->p == '>')
		code = OP_GT, e->p++;
	else if (*e->p == '<')
		code = OP_LT, e->p++;
	else
		return 0;
	if (expr_sum(e) == -1)
		return -1;
	return expr_emit(e, code, 0, NULL, 0);
}

static int
expr_and(struct expr *e)
{
	if (expr_cmp(e) == -1)
		return -1;
	for (;;) {
		expr_space(e);
		if (strncmp(e->p, "&&", 2) != 0)
			return 0;
		e->p += 2;
		if (expr_cmp(e) == -1 || expr_emit(e, OP_AND, 0, NULL, 0) == -1)
			return -1;
	}
}

static int
expr_or(struct expr *e)
{
	if (expr_and(e) == -1)
		return -1;
	for (;;) {
		expr_space(e);
		if (strncmp(e->p, "||", 2) != 0)
			return 0;
		e->p += 2;
		if (expr_and(e) == -1 || expr_emit(e, OP_OR, 0, NULL, 0) == -1)
			return -1;
	}
}

static int
parse_meta(const char *file, int line, struct buf *errors, char *s,
    struct rule *r)
{
	struct expr	 e;
	int		 i;

	memset(&e, 0, sizeof(e));
	e.p = skip_space(s);
	if (*e.p == '\0') {
		buf_error(errors, file, line, "%s: empty meta", r->name);
		return -1;
	}
	/* room for the longest expression; each op is set as it is
	 * emitted, and the array shrinks to fit below */
	if ((e.ops = malloc(RULES_EXPR_OPS * sizeof(*e.ops))) == NULL)
		return -1;
	if (expr_or(&e) == 0) {
		expr_space(&e);
		if (*e.p != '\0')
			e.error = "unexpected text after the expression";
	} else if (e.error == NULL)
		e.error = "syntax error";
	if (e.error != NULL) {
		buf_error(errors, file, line, "%s: meta: %s at \"%.20s\"",
		    r->name, e.error, e.p);
		for (i = 0; i < e.nops; i++)
			free(e.ops[i].name);
		free(e.ops);
		return -1;
	}
	r->ops = realloc(e.ops, (size_t)(e.nops > 0 ? e.nops : 1) *
	    sizeof(*e.ops));
	if (r->ops == NULL)
		r->ops = e.ops;
	r->nops = e.nops;
	return 0;
}

/* Drop comments: '#' unless escaped as "\#" (SpamAssassin's rule). */
static void
strip_comment(char *s)
{
	char	*p;

	for (p = s; *p; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			continue;
		}
		if (*p == '#') {
			*p = '\0';
			break;
		}
	}
	for (p = s + strlen(s); p > s && isspace((unsigned char)p[-1]); p--)
		p[-1] = '\0';
}

static int
parse_line(struct ruleset *rs, const char *file, int lineno, char *s,
    struct buf *errors)
{
	struct rule	 tmp;
	struct rule	*r;
	char		*dir, *name, *end;
	double		 v;
	enum rule_type	 type;
	int		 rc;

	strip_comment(s);
	if ((dir = word(&s)) == NULL)
		return 0;
	if ((name = word(&s)) == NULL) {
		buf_error(errors, file, lineno, "%s: missing rule name", dir);
		return -1;
	}
	if (!valid_name(name)) {
		buf_error(errors, file, lineno,
		    "%s: rule names start with BS_ or __ and hold letters, "
		    "digits and _ (at most 64)", name);
		return -1;
	}

	if (strcmp(dir, "describe") == 0) {
		if ((r = get_rule(rs, name)) == NULL)
			goto nomem;
		free_str(r->describe);
		if ((r->describe = strdup(skip_space(s))) == NULL)
			goto nomem;
		return 0;
	}
	if (strcmp(dir, "score") == 0) {
		char	*num = word(&s);

		/* SpamAssassin allows four scores (per Bayes/net set):
		 * the first is the one without either */
		errno = 0;
		if (num == NULL || (v = strtod(num, &end), *end != '\0') ||
		    errno != 0 || !isfinite(v) || v > 1000 || v < -1000) {
			buf_error(errors, file, lineno, "score %s: not a number",
			    name);
			return -1;
		}
		for (rc = 0; (num = word(&s)) != NULL; rc++)
			if (rc >= 3 || (strtod(num, &end), *end != '\0')) {
				buf_error(errors, file, lineno,
				    "score %s: one to four numbers", name);
				return -1;
			}
		if ((r = get_rule(rs, name)) == NULL)
			goto nomem;
		r->score = v;
		r->score_set = 1;
		r->score_file = file;
		r->score_line = lineno;
		return 0;
	}
	if (strcmp(dir, "tflags") == 0 || strcmp(dir, "priority") == 0)
		return 0;

	if (strcmp(dir, "header") == 0)
		type = RULE_HEADER;
	else if (strcmp(dir, "body") == 0)
		type = RULE_BODY;
	else if (strcmp(dir, "orig_header") == 0)
		type = RULE_ORIG_HEADER;
	else if (strcmp(dir, "orig_body") == 0)
		type = RULE_ORIG_BODY;
	else if (strcmp(dir, "eval") == 0)
		type = RULE_EVAL;
	else if (strcmp(dir, "meta") == 0)
		type = RULE_META;
	else {
		buf_error(errors, file, lineno, "unknown directive %s", dir);
		return -1;
	}

	/* parse into a scratch rule; replace the old definition only when
	 * the new one is good */
	memset(&tmp, 0, sizeof(tmp));
	tmp.name = name;
	tmp.type = type;
	switch (type) {
	case RULE_HEADER:
	case RULE_ORIG_HEADER:
		rc = parse_header(file, lineno, errors, s, &tmp);
		break;
	case RULE_BODY:
	case RULE_ORIG_BODY:
		rc = parse_pattern(file, lineno, errors, s, &tmp, 0);
		break;
	case RULE_EVAL:
		rc = parse_eval(file, lineno, errors, s, &tmp);
		break;
	case RULE_META:
		rc = parse_meta(file, lineno, errors, s, &tmp);
		break;
	default:
		rc = -1;
	}
	tmp.file = file;
	tmp.line = lineno;
	/* compile now, so a broken redefinition keeps the earlier rule */
	if (rc == 0 && tmp.pattern != NULL && compile_pattern(rs, &tmp,
	    errors) == -1)
		rc = -1;
	if (rc == -1) {
		tmp.name = NULL;
		rule_clear(&tmp);
		return -1;
	}
	if ((r = get_rule(rs, name)) == NULL) {
		rule_clear(&tmp);
		goto nomem;
	}
	rule_clear(r);
	tmp.name = r->name;
	tmp.describe = r->describe;
	tmp.score = r->score;
	tmp.score_set = r->score_set;
	tmp.score_file = r->score_file;
	tmp.score_line = r->score_line;
	*r = tmp;
	return 0;
nomem:
	buf_error(errors, file, lineno, "out of memory or more than %d rules",
	    RULES_MAX);
	return -1;
}

/* Parse a whole text; returns the number of errors. */
static int
parse_text(struct ruleset *rs, const char *name, const char *text,
    size_t len, struct buf *errors)
{
	char		 line[RULES_LINE_MAX + 1];
	const char	*file, *p = text, *end = text + len, *nl;
	size_t		 n;
	int		 lineno = 0, nerr = 0;

	if ((file = intern_file(rs, name)) == NULL) {
		buf_error(errors, name, 0, "out of memory");
		return 1;
	}
	while (p < end) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > RULES_LINE_MAX) {
			buf_error(errors, file, lineno, "line too long");
			nerr++;
		} else if (memchr(p, '\0', n) != NULL) {
			buf_error(errors, file, lineno, "NUL byte in line");
			nerr++;
		} else {
			memcpy(line, p, n);
			line[n] = '\0';
			if (parse_line(rs, file, lineno, line, errors) == -1)
				nerr++;
		}
		p = nl + 1;
	}
	return nerr;
}

static int
parse_file(struct ruleset *rs, const char *path, struct buf *errors)
{
	FILE		*fp;
	struct stat	 st;
	char		*text;
	size_t		 n;
	int		 nerr;

	if ((fp = fopen(path, "r")) == NULL) {
		buf_error(errors, path, 0, "%s", strerror(errno));
		return 1;
	}
	if (fstat(fileno(fp), &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > (off_t)RULES_FILE_MAX) {
		buf_error(errors, path, 0, "not a regular file or too large");
		fclose(fp);
		return 1;
	}
	if ((text = malloc((size_t)st.st_size + 1)) == NULL) {
		fclose(fp);
		buf_error(errors, path, 0, "out of memory");
		return 1;
	}
	n = fread(text, 1, (size_t)st.st_size, fp);
	if (ferror(fp)) {
		buf_error(errors, path, 0, "read error");
		fclose(fp);
		free(text);
		return 1;
	}
	fclose(fp);
	nerr = parse_text(rs, path, text, n, errors);
	free(text);
	return nerr;
}

static int
cf_filter(const struct dirent *d)
{
	size_t	 n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 3 &&
	    strcmp(d->d_name + n - 3, ".cf") == 0;
}

static int
parse_path(struct ruleset *rs, const char *path, struct buf *errors)
{
	struct dirent	**list;
	struct stat	 st;
	char		 full[4096];
	int		 n, i, nerr = 0, len;

	if (stat(path, &st) == -1) {
		buf_error(errors, path, 0, "%s", strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return parse_file(rs, path, errors);
	if ((n = scandir(path, &list, cf_filter, alphasort)) == -1) {
		buf_error(errors, path, 0, "%s", strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		len = snprintf(full, sizeof(full), "%s/%s", path,
		    list[i]->d_name);
		if (len < 0 || (size_t)len >= sizeof(full)) {
			buf_error(errors, path, 0, "path too long");
			nerr++;
		} else
			nerr += parse_file(rs, full, errors);
		free(list[i]);
	}
	free(list);
	return nerr;
}

/* --- compiling ----------------------------------------------------------- */

static int
slot_for(struct ruleset *rs, const struct rule *r)
{
	int	 orig = r->type == RULE_ORIG_HEADER, i;

	for (i = 0; i < rs->nslots; i++)
		if (rs->slots[i].orig == orig && rs->slots[i].mod == r->mod &&
		    ((r->field == NULL && rs->slots[i].field == NULL) ||
		    (r->field != NULL && rs->slots[i].field != NULL &&
		    strcasecmp(r->field, rs->slots[i].field) == 0)))
			return i;
	if (rs->nslots >= RULES_SLOTS_MAX)
		return -1;
	if (rs->nslots == rs->slots_cap) {
		struct slot	*sl;
		int		 cap = rs->slots_cap ? rs->slots_cap * 2 : 32;

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

/*
 * Decode the build-time set once. A set the run-time PCRE2 cannot read
 * (another version) is no error: every pattern is then compiled.
 */
static void
decode_prebuilt(struct ruleset *rs)
{
	int32_t	 n;

	rs->prebuilt_tried = 1;
	if (builtin_regex_count <= 0 || builtin_regex_blob_len == 0)
		return;
	n = pcre2_serialize_get_number_of_codes(builtin_regex_blob);
	if (n != builtin_regex_count)
		return;
	if ((rs->prebuilt = calloc((size_t)n, sizeof(*rs->prebuilt))) == NULL)
		return;
	if (pcre2_serialize_decode(rs->prebuilt, n, builtin_regex_blob,
	    NULL) != n) {
		free(rs->prebuilt);
		rs->prebuilt = NULL;
		return;
	}
	rs->nprebuilt = n;
}

/*
 * The prebuilt code of this pattern, taken over by the caller, or NULL.
 * Rules come in the order the set was written: the search starts where
 * the last one was found.
 */
static pcre2_code *
take_prebuilt(struct ruleset *rs, const char *pattern, uint32_t options,
    const char **lits)
{
	pcre2_code	*re;
	int		 i, k;

	if (!rs->prebuilt_tried)
		decode_prebuilt(rs);
	for (k = 0; k < rs->nprebuilt; k++) {
		i = (rs->prebuilt_next + k) % rs->nprebuilt;
		if (rs->prebuilt[i] != NULL &&
		    builtin_regexes[i].options == options &&
		    bstr(builtin_regexes[i].pattern) != NULL &&
		    strcmp(bstr(builtin_regexes[i].pattern), pattern) == 0) {
			re = rs->prebuilt[i];
			rs->prebuilt[i] = NULL;
			rs->prebuilt_next = i + 1;
			*lits = bstr(builtin_regexes[i].literals);
			return re;
		}
	}
	return NULL;
}

/* The literals one of which every match contains, for the prefilter. */
static int
find_literals(const char *pattern, uint32_t options, const char **lits,
    char **lits_own)
{
	char	 set[PREFILTER_SET_MAX * (PREFILTER_LIT_MAX + 1) + 1];
	size_t	 n;

	if (prefilter_literals(pattern, (options & PCRE2_CASELESS) != 0,
	    (options & PCRE2_EXTENDED) != 0, set, sizeof(set)) <= 0)
		return 0;
	for (n = 0; set[n] != '\0'; n += strlen(set + n) + 1)
		;
	if ((*lits_own = malloc(n + 1)) == NULL)
		return -1;
	memcpy(*lits_own, set, n + 1);
	*lits = *lits_own;
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
	int		 n, k, err;

	n = prefilter_branches(r->pattern, (r->options & PCRE2_CASELESS) != 0,
	    (r->options & PCRE2_EXTENDED) != 0, st, en, PREFILTER_BRANCH_MAX);
	if (n < 2 || (r->br = calloc((size_t)n, sizeof(*r->br))) == NULL)
		return;
	r->nbr = n;
	for (k = 0; k < n; k++) {
		struct branch	*b = &r->br[k];

		if ((b->pattern = strndup(r->pattern + st[k], en[k] - st[k])) ==
		    NULL || find_literals(b->pattern, r->options, &b->lits,
		    &b->lits_own) == -1 ||
		    (b->re = pcre2_compile((PCRE2_SPTR)b->pattern,
		    PCRE2_ZERO_TERMINATED, r->options | PCRE2_UTF |
		    PCRE2_MATCH_INVALID_UTF, &err, &off, rs->cctx)) == NULL)
			goto fail;
	}
	return;
fail:
	free_branches(r);
}

static int
compile_pattern(struct ruleset *rs, struct rule *r, struct buf *errors)
{
	PCRE2_UCHAR	 msg[256];
	PCRE2_SIZE	 off;
	int		 err;

	if ((r->re = take_prebuilt(rs, r->pattern, r->options,
	    &r->lits)) != NULL) {
		split_branches(rs, r);
		return 0;
	}
	if (find_literals(r->pattern, r->options, &r->lits,
	    &r->lits_own) == -1)
		return -1;
	r->re = pcre2_compile((PCRE2_SPTR)r->pattern, PCRE2_ZERO_TERMINATED,
	    r->options | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &err, &off,
	    rs->cctx);
	if (r->re == NULL) {
		pcre2_get_error_message(err, msg, sizeof(msg));
		buf_error(errors, r->file, r->line, "%s: pattern: %s at offset %zu",
		    r->name, (char *)msg, (size_t)off);
		return -1;
	}
	split_branches(rs, r);
	return 0;
}

/* A built-in rule's branches, decoded (or, failing that, compiled). */
static int
load_branches(struct ruleset *rs, struct rule *r,
    const struct builtin_rule *b)
{
	const struct builtin_regex	*x;
	PCRE2_SIZE			 off;
	int				 k, i, err;

	if (b->branch < 0 || b->branch + b->nbranch > builtin_regex_count ||
	    (r->br = calloc((size_t)b->nbranch, sizeof(*r->br))) == NULL)
		return -1;
	r->nbr = b->nbranch;
	for (k = 0; k < b->nbranch; k++) {
		i = b->branch + k;
		x = &builtin_regexes[i];
		if ((r->br[k].pattern = (char *)bstr(x->pattern)) == NULL)
			return -1;
		r->br[k].lits = bstr(x->literals);
		if (i < rs->nprebuilt && rs->prebuilt[i] != NULL) {
			r->br[k].re = rs->prebuilt[i];
			rs->prebuilt[i] = NULL;
		} else if ((r->br[k].re = pcre2_compile(
		    (PCRE2_SPTR)r->br[k].pattern, PCRE2_ZERO_TERMINATED,
		    x->options | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &err,
		    &off, rs->cctx)) == NULL)
			return -1;
	}
	return 0;
}

/*
 * The built-in rules from the table the build wrote (builtin_rules): the
 * state parsing their text would leave, without parsing it. Only into an
 * empty set, where that state is exact. -1 out of memory.
 */
static int
load_builtin(struct ruleset *rs, struct buf *errors)
{
	const struct builtin_rule	*b;
	const struct builtin_regex	*x;
	const char			*last = NULL, *file = NULL, *f;
	struct rule			*r;
	int				 i, k;

	if (!rs->prebuilt_tried)
		decode_prebuilt(rs);
	/* room for all of them at once: no growing, no rehashing */
	if (rs->rules_cap < builtin_rule_count) {
		if ((r = realloc(rs->rules, (size_t)builtin_rule_count *
		    2 * sizeof(*r))) == NULL)
			return -1;
		rs->rules = r;
		rs->rules_cap = builtin_rule_count * 2;
	}
	if (rs->index == NULL) {
		size_t	 cap = 256;

		while (cap < (size_t)builtin_rule_count * 4)
			cap *= 2;
		if ((rs->index = malloc(cap * sizeof(*rs->index))) == NULL)
			return -1;
		for (k = 0; k < (int)cap; k++)
			rs->index[k] = -1;
		rs->index_mask = cap - 1;
	}
	for (i = 0; i < builtin_rule_count; i++) {
		b = &builtin_rules[i];
		if ((f = bstr(b->file)) == NULL || bstr(b->name) == NULL)
			return -1;
		if (f != last && (file = intern_file(rs, last = f)) == NULL)
			return -1;
		if ((r = get_rule(rs, bstr(b->name))) == NULL)
			return -1;
		r->broken = 1;		/* until it is whole */
		r->type = (enum rule_type)b->type;
		r->mod = (enum field_mod)b->mod;
		r->negate = b->negate;
		r->file = file;
		r->line = b->line;
		r->score = b->score;
		r->score_set = b->score_set;
		r->score_line = b->score_line;
		/* strings stay in the table: free_str knows them */
		r->field = (char *)bstr(b->field);
		r->unset = (char *)bstr(b->unset);
		r->arg = (char *)bstr(b->arg);
		r->describe = (char *)bstr(b->describe);
		if ((f = bstr(b->score_file)) != NULL &&
		    (r->score_file = intern_file(rs, f)) == NULL)
			return -1;
		if (bstr(b->eval) != NULL &&
		    (r->fn = origin_eval_find(bstr(b->eval))) == NULL)
			return -1;	/* cannot be: the build found it */
		if (b->regex >= 0 && b->regex < builtin_regex_count) {
			x = &builtin_regexes[b->regex];
			if ((r->pattern = (char *)bstr(x->pattern)) == NULL)
				return -1;
			r->options = x->options;
			if (b->regex < rs->nprebuilt &&
			    rs->prebuilt[b->regex] != NULL) {
				r->re = rs->prebuilt[b->regex];
				rs->prebuilt[b->regex] = NULL;
				r->lits = bstr(x->literals);
			} else if (compile_pattern(rs, r, errors) == -1)
				return -1;
		}
		if (b->nbranch > 0 && r->nbr == 0 &&
		    load_branches(rs, r, b) == -1)
			return -1;
		if (b->nops > 0 && b->ops >= 0) {
			if ((r->ops = calloc((size_t)b->nops,
			    sizeof(*r->ops))) == NULL)
				return -1;
			for (k = 0; k < b->nops; k++) {
				const struct builtin_op	*o = &builtin_ops[b->ops + k];

				r->ops[k].code = (enum op_code)o->code;
				r->ops[k].num = o->num;
				r->ops[k].rule = -1;
				r->ops[k].name = (char *)bstr(o->name);
				r->nops = k + 1;
			}
		}
		r->broken = 0;
	}
	return 0;
}

/* Resolve meta names; order metas with Kahn's algorithm. */
static int
order_metas(struct ruleset *rs, struct buf *errors)
{
	int	*pending = NULL, *queue = NULL;
	int	 i, k, j, head = 0, tail = 0, nerr = 0, nmeta = 0;

	pending = calloc((size_t)rs->nrules + 1, sizeof(int));
	queue = calloc((size_t)rs->nrules + 1, sizeof(int));
	rs->order = calloc((size_t)rs->nrules + 1, sizeof(int));
	if (pending == NULL || queue == NULL || rs->order == NULL)
		goto nomem;

	for (i = 0; i < rs->nrules; i++) {
		struct rule	*r = &rs->rules[i];

		if (r->type != RULE_META || r->broken)
			continue;
		nmeta++;
		for (k = 0; k < r->nops; k++) {
			struct op	*op = &r->ops[k];

			if (op->code != OP_RULE)
				continue;
			if ((j = find_rule(rs, op->name)) == -1 ||
			    rs->rules[j].type == RULE_NONE) {
				buf_error(errors, r->file, r->line,
				    "%s: meta uses unknown rule %s", r->name,
				    op->name);
				r->broken = 1;
				nerr++;
				break;
			}
			op->rule = j;
			if (j == i) {
				buf_error(errors, r->file, r->line,
				    "%s: meta uses itself", r->name);
				r->broken = 1;
				nerr++;
				break;
			}
		}
	}
	/* pending[i]: metas used by meta i that are not yet ordered */
	for (i = 0; i < rs->nrules; i++) {
		struct rule	*r = &rs->rules[i];

		if (r->type != RULE_META || r->broken)
			continue;
		for (k = 0; k < r->nops; k++)
			if (r->ops[k].code == OP_RULE &&
			    rs->rules[r->ops[k].rule].type == RULE_META &&
			    !rs->rules[r->ops[k].rule].broken)
				pending[i]++;
		if (pending[i] == 0) {
			r->level = 1;
			queue[tail++] = i;
		}
	}
	while (head < tail) {
		i = queue[head++];
		if (rs->rules[i].level > RULES_META_DEPTH) {
			buf_error(errors, rs->rules[i].file, rs->rules[i].line,
			    "%s: metas nested more than %d deep",
			    rs->rules[i].name, RULES_META_DEPTH);
			rs->rules[i].broken = 1;
			nerr++;
			/* still released below, so its users are ordered
			 * (and fail the same test) */
		} else
			rs->order[rs->norder++] = i;
		for (j = 0; j < rs->nrules; j++) {
			struct rule	*u = &rs->rules[j];

			if (u->type != RULE_META || pending[j] == 0)
				continue;
			for (k = 0; k < u->nops; k++)
				if (u->ops[k].code == OP_RULE &&
				    u->ops[k].rule == i) {
					if (u->level < rs->rules[i].level + 1)
						u->level = rs->rules[i].level + 1;
					if (--pending[j] == 0)
						queue[tail++] = j;
				}
		}
	}
	/* what never became ready is on, or behind, a cycle */
	for (i = 0; i < rs->nrules; i++)
		if (rs->rules[i].type == RULE_META && !rs->rules[i].broken &&
		    pending[i] > 0) {
			buf_error(errors, rs->rules[i].file, rs->rules[i].line,
			    "%s: meta dependency cycle", rs->rules[i].name);
			rs->rules[i].broken = 1;
			nerr++;
		}
	(void)nmeta;
	free(pending);
	free(queue);
	return nerr;
nomem:
	free(pending);
	free(queue);
	return -1;
}

static long
now_usec(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return (long)ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

int
rules_compile(struct ruleset *rs, const struct config *cfg,
    struct buf *errors)
{
	const struct builtin_rule_file	*b;
	char				 name[256];
	long				 start = now_usec();
	int				 i, nerr = 0, rc;

	if (rs->compiled)
		return rs->result;
	rs->compiled = 1;
	rs->result = -1;

	rs->cctx = pcre2_compile_context_create(NULL);
	rs->mctx = pcre2_match_context_create(NULL);
	rs->md = pcre2_match_data_create(1, NULL);
	if (rs->cctx == NULL || rs->mctx == NULL || rs->md == NULL)
		return -1;
	pcre2_set_max_pattern_length(rs->cctx, RULES_PATTERN_MAX);
	pcre2_set_parens_nest_limit(rs->cctx, 64);
	pcre2_set_match_limit(rs->mctx, LIMIT_REGEX_MATCH);
	pcre2_set_depth_limit(rs->mctx, LIMIT_REGEX_DEPTH);
	pcre2_set_heap_limit(rs->mctx, LIMIT_REGEX_HEAP_KB);

	for (i = 0; i < rs->nsources; i++) {
		struct rule_source *s = &rs->sources[i];

		switch (s->type) {
		case SRC_BUILTIN:
			if (builtin_rule_count > 0 && rs->nrules == 0) {
				if (load_builtin(rs, errors) == -1) {
					buf_error(errors, "builtin", 0,
					    "out of memory, or a pattern the "
					    "run-time PCRE2 cannot compile");
					nerr++;
				}
				break;
			}
			for (b = builtin_rule_files; b->name != NULL; b++) {
				rc = snprintf(name, sizeof(name), "builtin/%s",
				    b->name);
				if (rc < 0 || (size_t)rc >= sizeof(name))
					continue;
				nerr += parse_text(rs, name, b->text,
				    strlen(b->text), errors);
			}
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

	/* config score overrides, last so they win */
	for (i = 0; cfg != NULL && i < cfg->nscores; i++) {
		int	 k = find_rule(rs, cfg->scores[i].name);

		if (k == -1) {
			buf_error(errors, cfg->scores[i].file, cfg->scores[i].line,
			    "score %s: no such rule", cfg->scores[i].name);
			nerr++;
			continue;
		}
		rs->rules[k].score = cfg->scores[i].score;
		rs->rules[k].score_set = 1;
	}

	for (i = 0; i < rs->nrules; i++) {
		struct rule	*r = &rs->rules[i];

		switch (r->type) {
		case RULE_NONE:
			buf_error(errors, r->score_file ? r->score_file : "rules",
			    r->score_line, "%s: score or describe for a rule "
			    "that is not defined", r->name);
			r->broken = 1;
			nerr++;
			break;
		case RULE_HEADER:
		case RULE_ORIG_HEADER:
			if ((r->slot = slot_for(rs, r)) == -1) {
				buf_error(errors, r->file, r->line,
				    "%s: too many distinct header fields",
				    r->name);
				r->broken = 1;
				nerr++;
				break;
			}
			break;
		case RULE_BODY:
		case RULE_ORIG_BODY:
		case RULE_EVAL:
		case RULE_META:
			break;
		}
	}
	if ((rc = order_metas(rs, errors)) == -1)
		return -1;
	nerr += rc;
	for (i = 0; i < rs->nrules; i++)
		if (!rs->rules[i].broken)
			rs->usable++;
	rs->usec = now_usec() - start;
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

/* --- running ------------------------------------------------------------- */

/* A text's trigram index, built the first time a rule asks. */
struct pf_cache {
	struct prefilter_text	 t;
	int			 done;
};

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
		} else {
			/* "addr (Name)" */
			const char	*lp = memchr(p, '(', (size_t)(end - p));
			const char	*rp = lp ? memchr(lp, ')',
			    (size_t)(end - lp)) : NULL;

			if (lp != NULL && rp != NULL && rp > lp + 1) {
				if (b->len > 0)
					buf_appendc(b, '\n');
				buf_append(b, lp + 1, (size_t)(rp - lp - 1));
			}
		}
		p = *end ? end + 1 : end;
	}
}

static void
make_text(const struct ruleset *rs, const struct slot *sl,
    const struct analysis *an, struct arena *a, struct text *t)
{
	const struct header_block	*hb = NULL;
	struct buf			 b;
	char				*v, *addrs[16];
	long				 idx;
	int				 i, k, n;

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
		for (i = 0; i < (int)hb->count; i++) {
			if ((v = header_unfold(a, &hb->fields[i])) == NULL)
				break;
			if (buf_append(&b, hb->fields[i].name,
			    hb->fields[i].name_len) == -1 ||
			    buf_append(&b, ": ", 2) == -1 ||
			    buf_appends(&b, v) == -1 ||
			    buf_appendc(&b, '\n') == -1)
				break;
		}
		t->present = 1;
	} else {
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
					if (b.len > 0)
						buf_appendc(&b, '\n');
					buf_appends(&b, addrs[k]);
				}
			} else if (sl->mod == MOD_NAME)
				append_names(&b, v);
			else {
				if (i > 0)
					buf_appendc(&b, '\n');
				buf_appends(&b, v);
			}
		}
	}
	if (b.len > 0)
		t->s = arena_strndup(a, b.data, b.len);
	t->len = t->s != NULL ? b.len : 0;
	buf_free(&b);
	(void)rs;
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

	if (rs->overtime || now_usec() > rs->deadline) {
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
	int	 k;

	if (s == NULL) {
		s = "";
		len = 0;
	}
	len = cap_len(s, len);
	if (pc != NULL && r->lits != NULL && !maybe(pc, s, len, r->lits, a)) {
		check_skip(rs, r->name, r->re, s, len);
		return 0;
	}
	if (r->nbr == 0 || pc == NULL)
		return run_match(rs, r->re, s, len, limits);
	for (k = 0; k < r->nbr; k++) {
		const struct branch	*b = &r->br[k];

		if (b->lits != NULL && !maybe(pc, s, len, b->lits, a))
			check_skip(rs, r->name, b->re, s, len);
		else if (run_match(rs, b->re, s, len, limits))
			return 1;
	}
	return 0;
}

static double
run_meta(const struct ruleset *rs, const struct rule *r)
{
	double	 stack[RULES_EXPR_OPS];
	int	 sp = 0, k;

	for (k = 0; k < r->nops; k++) {
		const struct op	*op = &r->ops[k];
		double		 b;

		switch (op->code) {
		case OP_RULE:
			stack[sp++] = rs->rules[op->rule].value;
			continue;
		case OP_NUM:
			stack[sp++] = op->num;
			continue;
		case OP_NOT:
			if (sp < 1)
				return 0;
			stack[sp - 1] = stack[sp - 1] == 0;
			continue;
		default:
			break;
		}
		if (sp < 2)
			return 0;	/* cannot happen: the parser emits RPN */
		b = stack[--sp];
		switch (op->code) {
		case OP_AND: stack[sp - 1] = stack[sp - 1] != 0 && b != 0; break;
		case OP_OR:  stack[sp - 1] = stack[sp - 1] != 0 || b != 0; break;
		case OP_ADD: stack[sp - 1] += b; break;
		case OP_GT:  stack[sp - 1] = stack[sp - 1] > b; break;
		case OP_GE:  stack[sp - 1] = stack[sp - 1] >= b; break;
		case OP_LT:  stack[sp - 1] = stack[sp - 1] < b; break;
		case OP_LE:  stack[sp - 1] = stack[sp - 1] <= b; break;
		case OP_EQ:  stack[sp - 1] = stack[sp - 1] == b; break;
		case OP_NE:  stack[sp - 1] = stack[sp - 1] != b; break;
		default: break;
		}
	}
	return sp == 1 ? stack[0] : 0;
}

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

int
rules_run(struct ruleset *rs, const struct analysis *an,
    const struct evidence *ev, struct arena *a, struct rule_hit **hits_r,
    int *nhits_r, int *limits_hit_r)
{
	struct text	*texts;
	struct pf_cache	 pf_body, pf_orig, *pc;
	struct rule_hit	*hits;
	const char	*body, *s;
	size_t		 body_len, len;
	int		 i, nhits = 0, limits = 0;

	*hits_r = NULL;
	*nhits_r = 0;
	if (limits_hit_r != NULL)
		*limits_hit_r = 0;
	if (!rs->compiled || rs->result == -1)
		return -1;
	rs->deadline = now_usec() + LIMIT_REGEX_TOTAL_MS * 1000L;
	rs->overtime = 0;
	if ((texts = arena_alloc(a, (size_t)(rs->nslots + 1) *
	    sizeof(*texts))) == NULL)
		return -1;
	pf_body.done = pf_orig.done = 0;

	for (i = 0; i < rs->nrules; i++) {
		struct rule	*r = &rs->rules[i];

		r->value = 0;
		if (rule_off(r))
			continue;
		switch (r->type) {
		case RULE_HEADER:
		case RULE_ORIG_HEADER:
			if (!texts[r->slot].done)
				make_text(rs, &rs->slots[r->slot], an, a,
				    &texts[r->slot]);
			if (r->mod == MOD_EXISTS) {
				r->value = texts[r->slot].present;
				break;
			}
			s = texts[r->slot].s;
			len = texts[r->slot].len;
			pc = &texts[r->slot].pf;
			if (!texts[r->slot].present && r->unset != NULL) {
				s = r->unset;
				len = strlen(s);
				pc = NULL;
			}
			r->value = match(rs, r, s, len, &limits, pc, a) ^
			    r->negate;
			break;
		case RULE_BODY:
		case RULE_ORIG_BODY:
			if (r->type == RULE_BODY) {
				body = an->text;
				body_len = an->text_len;
				pc = &pf_body;
			} else {
				body = an->original.body;
				body_len = an->original.body_len;
				pc = &pf_orig;
			}
			r->value = body != NULL && body_len > 0 &&
			    match(rs, r, body, body_len, &limits, pc, a);
			break;
		case RULE_EVAL:
			r->value = r->fn->test(ev, an, r->arg) ? 1 : 0;
			break;
		default:
			break;
		}
	}
	for (i = 0; i < rs->norder; i++) {
		struct rule	*r = &rs->rules[rs->order[i]];

		if (!rule_off(r))
			r->value = run_meta(rs, r) != 0;
	}

	if ((hits = arena_alloc(a, (size_t)(rs->nrules + 1) *
	    sizeof(*hits))) == NULL)
		return -1;
	for (i = 0; i < rs->nrules; i++) {
		struct rule	*r = &rs->rules[i];

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
	if (limits_hit_r != NULL)
		*limits_hit_r = limits;
	return 0;
}

int
rules_pattern(const struct ruleset *rs, int i, const char **pattern,
    uint32_t *options, const char **lits)
{
	if (i < 0 || i >= rs->nrules)
		return -1;
	if (rs->rules[i].re == NULL || rs->rules[i].broken)
		return 1;
	*pattern = rs->rules[i].pattern;
	*options = rs->rules[i].options;
	*lits = rs->rules[i].lits;
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
	int	 i = find_rule(rs, name);

	return i == -1 ? -1 : rs->rules[i].value;
}

/* A C string literal of len bytes; octal escapes keep NULs and trigraphs. */
static void
write_c_string(FILE *out, const char *s, size_t len)
{
	size_t	 i;

	fputc('"', out);
	for (i = 0; i < len; i++)
		if (s[i] >= 32 && s[i] < 127 && s[i] != '"' && s[i] != '\\' &&
		    s[i] != '?')
			fputc(s[i], out);
		else
			fprintf(out, "\\%03o", (unsigned char)s[i]);
	fputc('"', out);
}

/*
 * The string table being written: strings go out as one C string literal
 * (in pieces), and each gets its offset.
 */
struct strtab {
	FILE	*out;
	size_t	 off;
};

/* Append len bytes and a NUL; their offset, or BUILTIN_NONE for NULL. */
static uint32_t
strtab_add(struct strtab *t, const char *s, size_t len)
{
	size_t	 at = t->off;

	if (s == NULL)
		return BUILTIN_NONE;
	fputc('\t', t->out);
	write_c_string(t->out, s, len);
	fputs(" \"\\000\"\n", t->out);
	t->off += len + 1;
	return (uint32_t)at;
}

static uint32_t
strtab_str(struct strtab *t, const char *s)
{
	return strtab_add(t, s, s != NULL ? strlen(s) : 0);
}

static void
write_off(FILE *out, uint32_t off)
{
	if (off == BUILTIN_NONE)
		fputs("BUILTIN_NONE", out);
	else
		fprintf(out, "%u", (unsigned)off);
}

int
rules_write_builtin(struct ruleset *rs, FILE *out)
{
	const pcre2_code	**codes = NULL;
	const char		**cpat = NULL, **clits = NULL;
	uint32_t		 *copt = NULL;
	int			 *regex = NULL, *ops_at = NULL, *bfirst = NULL;
	uint32_t		 *off = NULL;	/* per rule: 8 strings */
	uint32_t		 *roff = NULL;	/* per regex: 2 strings */
	uint32_t		 *ooff = NULL;	/* per op: its name */
	uint8_t			*bytes = NULL;
	PCRE2_SIZE		 size = 0, k;
	struct strtab		 t;
	int			 i, j, n = 0, nops = 0, rc = -1;
	const char		*c;

	for (i = 0, j = 0; i < rs->nrules; i++)
		j += 1 + rs->rules[i].nbr;
	codes = calloc((size_t)j + 1, sizeof(*codes));
	cpat = calloc((size_t)j + 1, sizeof(*cpat));
	clits = calloc((size_t)j + 1, sizeof(*clits));
	copt = calloc((size_t)j + 1, sizeof(*copt));
	bfirst = calloc((size_t)rs->nrules + 1, sizeof(*bfirst));
	regex = calloc((size_t)rs->nrules + 1, sizeof(*regex));
	ops_at = calloc((size_t)rs->nrules + 1, sizeof(*ops_at));
	off = calloc((size_t)rs->nrules * 8 + 1, sizeof(*off));
	roff = calloc((size_t)j * 2 + 1, sizeof(*roff));
	if (codes == NULL || cpat == NULL || clits == NULL || copt == NULL ||
	    bfirst == NULL || regex == NULL || ops_at == NULL ||
	    off == NULL || roff == NULL)
		goto done;
	for (i = 0; i < rs->nrules; i++) {
		if (rs->rules[i].broken) {
			fprintf(stderr, "%s: broken\n", rs->rules[i].name);
			goto done;
		}
		regex[i] = -1;
		if (rs->rules[i].re != NULL) {
			regex[i] = n;
			codes[n] = rs->rules[i].re;
			cpat[n] = rs->rules[i].pattern;
			copt[n] = rs->rules[i].options;
			clits[n++] = rs->rules[i].lits;
		}
		ops_at[i] = rs->rules[i].nops > 0 ? nops : -1;
		nops += rs->rules[i].nops;
	}
	/* the branches after every whole pattern */
	for (i = 0; i < rs->nrules; i++) {
		bfirst[i] = rs->rules[i].nbr > 0 ? n : -1;
		for (j = 0; j < rs->rules[i].nbr; j++) {
			codes[n] = rs->rules[i].br[j].re;
			cpat[n] = rs->rules[i].br[j].pattern;
			copt[n] = rs->rules[i].options;
			clits[n++] = rs->rules[i].br[j].lits;
		}
	}
	if ((ooff = calloc((size_t)nops + 1, sizeof(*ooff))) == NULL)
		goto done;
	if (n == 0 || pcre2_serialize_encode(codes, n, &bytes, &size,
	    NULL) < 0)
		goto done;

	fprintf(out, "/* Generated by tools/regexblob from the rule files: do not edit. */\n"
	    "#include <stddef.h>\n#include <stdint.h>\n#include <stdio.h>\n\n"
	    "#include \"rules/rules.h\"\n\n"
	    "const char builtin_strings[] =\n");
	t.out = out;
	t.off = 0;
	for (i = 0; i < n; i++) {
		roff[2 * i] = strtab_str(&t, cpat[i]);
		if (clits[i] != NULL) {
			for (c = clits[i]; *c != '\0'; c += strlen(c) + 1)
				;
			/* the set ends with an empty string: one more NUL */
			roff[2 * i + 1] = strtab_add(&t, clits[i],
			    (size_t)(c - clits[i]));
		} else
			roff[2 * i + 1] = BUILTIN_NONE;
	}
	for (i = 0; i < rs->nrules; i++) {
		const struct rule	*r = &rs->rules[i];

		off[8 * i] = strtab_str(&t, r->name);
		off[8 * i + 1] = strtab_str(&t, r->file);
		off[8 * i + 2] = strtab_str(&t, r->field);
		off[8 * i + 3] = strtab_str(&t, r->unset);
		off[8 * i + 4] = strtab_str(&t, r->fn != NULL ? r->fn->name :
		    NULL);
		off[8 * i + 5] = strtab_str(&t, r->arg);
		off[8 * i + 6] = strtab_str(&t, r->describe);
		off[8 * i + 7] = strtab_str(&t, r->score_file);
		for (j = 0; j < r->nops; j++)
			ooff[ops_at[i] + j] = strtab_str(&t, r->ops[j].name);
	}
	fprintf(out, "\t\"\";\nconst size_t builtin_strings_len = %zu;\n\n",
	    t.off + 1);

	fputs("const struct builtin_regex builtin_regexes[] = {\n", out);
	for (i = 0; i < n; i++) {
		fputs("\t{ ", out);
		write_off(out, roff[2 * i]);
		fprintf(out, ", 0x%08xu, ", (unsigned)copt[i]);
		write_off(out, roff[2 * i + 1]);
		fputs(" },\n", out);
	}
	fprintf(out, "};\nconst int builtin_regex_count = %d;\n"
	    "const size_t builtin_regex_blob_len = %zu;\n"
	    "const unsigned char builtin_regex_blob[] = {", n, (size_t)size);
	for (k = 0; k < size; k++)
		fprintf(out, "%s%u,", k % 16 == 0 ? "\n\t" : "",
		    (unsigned)bytes[k]);
	fputs("\n};\n\nconst struct builtin_op builtin_ops[] = {\n", out);
	for (i = 0; i < rs->nrules; i++)
		for (j = 0; j < rs->rules[i].nops; j++) {
			fprintf(out, "\t{ %d, %.17g, ",
			    (int)rs->rules[i].ops[j].code,
			    rs->rules[i].ops[j].num);
			write_off(out, ooff[ops_at[i] + j]);
			fputs(" },\n", out);
		}
	if (nops == 0)
		fputs("\t{ 0, 0, BUILTIN_NONE },\n", out);
	fputs("};\n\nconst struct builtin_rule builtin_rules[] = {\n", out);
	for (i = 0; i < rs->nrules; i++) {
		const struct rule	*r = &rs->rules[i];

		fputs("\t{ ", out);
		write_off(out, off[8 * i]);
		fprintf(out, ", %d, %d, %d, ", (int)r->type, (int)r->mod,
		    r->negate);
		write_off(out, off[8 * i + 1]);
		fprintf(out, ", %d, ", r->line);
		write_off(out, off[8 * i + 2]);
		fprintf(out, ", %d, %d, %d, ", regex[i], bfirst[i], r->nbr);
		write_off(out, off[8 * i + 3]);
		fputs(", ", out);
		write_off(out, off[8 * i + 4]);
		fputs(", ", out);
		write_off(out, off[8 * i + 5]);
		fprintf(out, ", %d, %d, ", ops_at[i], r->nops);
		write_off(out, off[8 * i + 6]);
		fprintf(out, ", %.17g, %d, ", r->score, r->score_set);
		write_off(out, off[8 * i + 7]);
		fprintf(out, ", %d },\n", r->score_line);
	}
	fprintf(out, "};\nconst int builtin_rule_count = %d;\n", rs->nrules);
	rc = ferror(out) ? -1 : 0;
done:
	if (bytes != NULL)
		pcre2_serialize_free(bytes);
	free(codes);
	free(cpat);
	free(clits);
	free(copt);
	free(bfirst);
	free(regex);
	free(ops_at);
	free(off);
	free(roff);
	free(ooff);
	return rc;
}
