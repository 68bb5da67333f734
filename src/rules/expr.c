/*
 * expr.c - meta expressions: compile "(__A + __B) >= 2 && !__C" into a
 * program in reverse Polish order, order the metas, evaluate a program.
 *
 * Parsing is recursive descent with a depth cap (RULES_EXPR_DEPTH) and a
 * cap on the program's length (RULES_EXPR_OPS); names stay names until
 * every rule file is read, since a meta may use a rule defined further
 * down. Ordering resolves the names and sorts the metas with Kahn's
 * algorithm: no recursion, and a cycle shows as the metas that never
 * become ready. Evaluation runs a program with an explicit stack over the
 * values the plain rules got; each value is a range, so that a rule a
 * limit left open (run.c) makes a meta open only when it could change
 * it. Nothing here matches text.
 *
 * Grammar, loosest first:
 *	or	:= and { "||" and }
 *	and	:= cmp { "&&" cmp }
 *	cmp	:= sum [ (">" | ">=" | "<" | "<=" | "==" | "!=") sum ]
 *	sum	:= unary { "+" unary }
 *	unary	:= "!" unary | primary
 *	primary	:= "(" or ")" | number | name
 */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "rules/ruleset.h"

struct expr {
	const char	*p;
	struct op	*ops;
	int		 nops;
	int		 depth;
	const char	*error;
};

/* Past blanks. */
static void
expr_space(struct expr *e)
{
	while (*e->p == ' ' || *e->p == '\t')
		e->p++;
}

/* Append one step to the program; -1 past RULES_EXPR_OPS or out of
 * memory, with the reason in e->error. */
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

/* primary := "(" or ")" | number | name */
static int
expr_primary(struct expr *e)
{
	const char	*s;
	char		*end, num[64];
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
		/* decimal, as a score is: no 0x10, 1e999, inf or nan, which
		 * strtod takes ("0x10" is 0 and a name after it: an error) */
		s = e->p + strspn(e->p, "0123456789");
		if (*s == '.' && isdigit((unsigned char)s[1]))
			s += 1 + strspn(s + 1, "0123456789");
		if (s - e->p >= (ptrdiff_t)sizeof(num)) {
			e->error = "number too long";
			return -1;
		}
		memcpy(num, e->p, (size_t)(s - e->p));
		num[s - e->p] = '\0';
		v = strtod(num, &end);
		e->p = s;
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

/* unary := "!" unary | primary; both "!" and "(" count towards
 * RULES_EXPR_DEPTH, so 8000 nots are refused, not recursed into. */
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

/* sum := unary { "+" unary }: a count of the rules that fired. */
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

/* cmp := sum [ op sum ], at most one comparison. */
static int
expr_cmp(struct expr *e)
{
	static const struct {
		const char	*text;
		enum op_code	 code;
	} cmps[] = {	/* two-character ones first */
		{ ">=", OP_GE }, { "<=", OP_LE }, { "==", OP_EQ },
		{ "!=", OP_NE }, { ">", OP_GT }, { "<", OP_LT },
	};
	size_t	 i, n;

	if (expr_sum(e) == -1)
		return -1;
	expr_space(e);
	for (i = 0; i < sizeof(cmps) / sizeof(cmps[0]); i++) {
		n = strlen(cmps[i].text);
		if (strncmp(e->p, cmps[i].text, n) != 0)
			continue;
		e->p += n;
		if (expr_sum(e) == -1)
			return -1;
		return expr_emit(e, cmps[i].code, 0, NULL, 0);
	}
	return 0;
}

/* and := cmp { "&&" cmp } */
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

/* or := and { "||" and } */
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

int
expr_parse(const char *file, int line, struct buf *errors, const char *text,
    struct rule *r)
{
	struct expr	 e;
	int		 i;

	memset(&e, 0, sizeof(e));
	for (e.p = text; *e.p == ' ' || *e.p == '\t'; e.p++)
		;
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

/* Resolve the names of every meta; the number of metas broken by it. */
static int
resolve(struct ruleset *rs, struct buf *errors)
{
	struct rule	*r;
	struct op	*op;
	int		 i, k, j, nerr = 0;

	for (i = 0; i < rs->nrules; i++) {
		r = &rs->rules[i];
		if (r->type != RULE_META || r->broken)
			continue;
		for (k = 0; k < r->nops; k++) {
			op = &r->ops[k];
			if (op->code != OP_RULE)
				continue;
			if ((j = ruleset_find(rs, op->name)) == -1 ||
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
	return nerr;
}

/* Is op a meta the expression reads (a sound one)? */
static int
meta_operand(const struct ruleset *rs, const struct op *op)
{
	return op->code == OP_RULE && rs->rules[op->rule].type == RULE_META &&
	    !rs->rules[op->rule].broken;
}

/*
 * The metas that use each meta, in rule order and once per use: users of
 * meta i are users[from[i]] to users[from[i + 1] - 1]. Only the uses
 * pending counts (a usable meta's of a usable meta). A scan of every rule
 * for each meta ordered was 90,000 instructions of each bounce.
 */
static int *
users_of(struct ruleset *rs, const int *pending, int **from_r)
{
	struct rule	*u;
	int		*from, *users, *fill, i, j, k, n = 0;

	if ((from = calloc((size_t)rs->nrules + 2, sizeof(int))) == NULL)
		return NULL;
	for (j = 0; j < rs->nrules; j++) {
		u = &rs->rules[j];
		if (u->type != RULE_META || pending[j] == 0)
			continue;
		for (k = 0; k < u->nops; k++)
			if (meta_operand(rs, &u->ops[k])) {
				from[u->ops[k].rule + 1]++;
				n++;
			}
	}
	for (i = 0; i < rs->nrules; i++)
		from[i + 1] += from[i];
	users = calloc((size_t)n + 1, sizeof(int));
	fill = calloc((size_t)rs->nrules + 1, sizeof(int));
	if (users == NULL || fill == NULL) {
		free(users);
		free(fill);
		free(from);
		return NULL;
	}
	for (j = 0; j < rs->nrules; j++) {
		u = &rs->rules[j];
		if (u->type != RULE_META || pending[j] == 0)
			continue;
		for (k = 0; k < u->nops; k++)
			if (meta_operand(rs, &u->ops[k])) {
				i = u->ops[k].rule;
				users[from[i] + fill[i]++] = j;
			}
	}
	free(fill);
	*from_r = from;
	return users;
}

/* Meta i is ordered: the metas waiting on it are one step nearer ready. */
static void
release(struct ruleset *rs, int i, const int *from, const int *users,
    int *pending, int *queue, int *tail)
{
	struct rule	*u;
	int		 e, j;

	for (e = from[i]; e < from[i + 1]; e++) {
		j = users[e];
		u = &rs->rules[j];
		if (pending[j] == 0)
			continue;
		if (u->level < rs->rules[i].level + 1)
			u->level = rs->rules[i].level + 1;
		if (--pending[j] == 0)
			queue[(*tail)++] = j;
	}
}

int
expr_order(struct ruleset *rs, struct buf *errors)
{
	struct rule	*r;
	int		*pending, *queue, *from = NULL, *users;
	int		 i, k, head = 0, tail = 0, nerr;

	pending = calloc((size_t)rs->nrules + 1, sizeof(int));
	queue = calloc((size_t)rs->nrules + 1, sizeof(int));
	rs->order = calloc((size_t)rs->nrules + 1, sizeof(int));
	if (pending == NULL || queue == NULL || rs->order == NULL) {
		free(pending);
		free(queue);
		return -1;
	}
	nerr = resolve(rs, errors);
	/* pending[i]: metas used by meta i that are not yet ordered; the
	 * levels found anew (the build's table brings its own, which a rule
	 * file read after it may have made wrong) */
	for (i = 0; i < rs->nrules; i++) {
		r = &rs->rules[i];
		if (r->type != RULE_META || r->broken)
			continue;
		r->level = 0;
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
	if ((users = users_of(rs, pending, &from)) == NULL) {
		free(pending);
		free(queue);
		return -1;
	}
	while (head < tail) {
		i = queue[head++];
		r = &rs->rules[i];
		if (r->level > RULES_META_DEPTH) {
			buf_error(errors, r->file, r->line,
			    "%s: metas nested more than %d deep", r->name,
			    RULES_META_DEPTH);
			r->broken = 1;
			nerr++;
			/* still released, so its users are ordered (and
			 * fail the same test) */
		} else
			rs->order[rs->norder++] = i;
		release(rs, i, from, users, pending, queue, &tail);
	}
	/* what never became ready is on, or behind, a cycle */
	for (i = 0; i < rs->nrules; i++) {
		r = &rs->rules[i];
		if (r->type == RULE_META && !r->broken && pending[i] > 0) {
			buf_error(errors, r->file, r->line,
			    "%s: meta dependency cycle", r->name);
			r->broken = 1;
			nerr++;
		}
	}
	free(users);
	free(from);
	free(pending);
	free(queue);
	return nerr;
}

/* The range of values a step may take: lo == hi once decided. */
struct range {
	double	 lo, hi;
};

static struct range
range_of(double lo, double hi)
{
	struct range	 r;

	r.lo = lo;
	r.hi = hi;
	return r;
}

/* "v is not 0", as a range of 0 and 1. */
static struct range
truth(struct range v)
{
	if (v.lo > 0 || v.hi < 0)
		return range_of(1, 1);
	if (v.lo == 0 && v.hi == 0)
		return range_of(0, 0);
	return range_of(0, 1);
}

/* 1 when cond_true holds, 0 when cond_false does, either otherwise. */
static struct range
decide(int cond_true, int cond_false)
{
	if (cond_true)
		return range_of(1, 1);
	if (cond_false)
		return range_of(0, 0);
	return range_of(0, 1);
}

/* One binary step on two ranges. */
static struct range
binary(enum op_code code, struct range a, struct range b)
{
	struct range	 ta = truth(a), tb = truth(b), eq;

	switch (code) {
	case OP_AND:
		return range_of(ta.lo < tb.lo ? ta.lo : tb.lo,
		    ta.hi < tb.hi ? ta.hi : tb.hi);
	case OP_OR:
		return range_of(ta.lo > tb.lo ? ta.lo : tb.lo,
		    ta.hi > tb.hi ? ta.hi : tb.hi);
	case OP_ADD:
		return range_of(a.lo + b.lo, a.hi + b.hi);
	case OP_GT:
		return decide(a.lo > b.hi, a.hi <= b.lo);
	case OP_GE:
		return decide(a.lo >= b.hi, a.hi < b.lo);
	case OP_LT:
		return decide(a.hi < b.lo, a.lo >= b.hi);
	case OP_LE:
		return decide(a.hi <= b.lo, a.lo > b.hi);
	case OP_EQ:
	case OP_NE:
		eq = decide(a.lo == a.hi && b.lo == b.hi && a.lo == b.lo,
		    a.hi < b.lo || b.hi < a.lo);
		return code == OP_EQ ? eq : range_of(1 - eq.hi, 1 - eq.lo);
	default:
		return range_of(0, 0);
	}
}

int
expr_eval(const struct rule_state *st, const struct rule *r)
{
	struct range	 stack[RULES_EXPR_OPS], t;
	const struct op	*op;
	const struct rule_state *u;
	int		 sp = 0, k;

	for (k = 0; k < r->nops; k++) {
		op = &r->ops[k];
		switch (op->code) {
		case OP_RULE:
			u = &st[op->rule];
			stack[sp++] = range_of(u->lo, u->hi);
			continue;
		case OP_NUM:
			stack[sp++] = range_of(op->num, op->num);
			continue;
		case OP_NOT:
			if (sp < 1)
				return 0;
			t = truth(stack[sp - 1]);
			stack[sp - 1] = range_of(1 - t.hi, 1 - t.lo);
			continue;
		default:
			break;
		}
		if (sp < 2)
			return 0;	/* cannot happen: the parser emits RPN */
		sp--;
		stack[sp - 1] = binary(op->code, stack[sp - 1], stack[sp]);
	}
	if (sp != 1)
		return 0;
	t = truth(stack[0]);
	return t.lo == t.hi ? (int)t.lo : -1;
}
