/*
 * builtin_write.c - write a compiled rule set as the C source of the
 * build-time table (src/rules/builtin.h), for tools/regexblob only.
 *
 * The table holds what compile.c needs to rebuild the set without
 * parsing: every rule field by field (struct builtin_rule, written with
 * designated initialisers), the meta programs, the patterns with their
 * flags and prefilter literals, and the patterns' code serialised by
 * PCRE2. Strings go into one array and are named by offset, so the
 * program has nothing to relocate. Patterns come in one order, which
 * builtin_regex_blob follows: every rule's whole pattern, then every
 * rule's branches, each code serialised alone. The writer only reads the set; it compiles nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "evidence/origin.h"
#include "rules/builtin.h"
#include "rules/leads.h"
#include "rules/ruleset.h"
#include "builtin_write.h"

/* Enum names, so that the table reads as the rules do. */
static const char *const type_names[] = {
	[RULE_NONE] = "RULE_NONE",		[RULE_HEADER] = "RULE_HEADER",
	[RULE_BODY] = "RULE_BODY",		[RULE_ORIG_HEADER] = "RULE_ORIG_HEADER",
	[RULE_ORIG_BODY] = "RULE_ORIG_BODY",	[RULE_EVAL] = "RULE_EVAL",
	[RULE_META] = "RULE_META",
};
static const char *const mod_names[] = {
	[MOD_DECODED] = "MOD_DECODED",	[MOD_RAW] = "MOD_RAW",
	[MOD_ADDR] = "MOD_ADDR",	[MOD_NAME] = "MOD_NAME",
	[MOD_EXISTS] = "MOD_EXISTS",	[MOD_ALL] = "MOD_ALL",
};
static const char *const op_names[] = {
	[OP_RULE] = "OP_RULE",	[OP_NUM] = "OP_NUM",	[OP_NOT] = "OP_NOT",
	[OP_AND] = "OP_AND",	[OP_OR] = "OP_OR",	[OP_ADD] = "OP_ADD",
	[OP_GT] = "OP_GT",	[OP_GE] = "OP_GE",	[OP_LT] = "OP_LT",
	[OP_LE] = "OP_LE",	[OP_EQ] = "OP_EQ",	[OP_NE] = "OP_NE",
};

/* The tables as they will be written, strings still to be placed. */
struct table {
	const struct ruleset	 *rs;
	FILE			 *out;
	size_t			  off;		/* of the next string */
	const struct branch	**pattern;	/* every pattern, in order */
	uint32_t		 *options;
	struct builtin_regex	 *regex;
	int			  nregex;
	struct builtin_rule	 *rule;
	struct builtin_op	 *op;
	int			  nops;
};

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

/* Append len bytes and a NUL to the strings; their offset, or
 * BUILTIN_NONE for NULL. */
static uint32_t
add_bytes(struct table *t, const char *s, size_t len)
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
add_string(struct table *t, const char *s)
{
	return add_bytes(t, s, s != NULL ? strlen(s) : 0);
}

/* A prefilter set: its strings and the empty one that ends it. */
static uint32_t
add_literals(struct table *t, const char *lits)
{
	const char	*c;

	if (lits == NULL)
		return BUILTIN_NONE;
	for (c = lits; *c != '\0'; c += strlen(c) + 1)
		;
	return add_bytes(t, lits, (size_t)(c - lits));
}

static void
write_off(FILE *out, const char *field, uint32_t off)
{
	if (off == BUILTIN_NONE)
		fprintf(out, ".%s = BUILTIN_NONE", field);
	else
		fprintf(out, ".%s = %u", field, (unsigned)off);
}

/*
 * Number the patterns and the meta programs' steps: each rule's whole
 * pattern, then each rule's branches. -1 on a broken rule or out of
 * memory.
 */
static int
collect(struct table *t)
{
	const struct ruleset	*rs = t->rs;
	const struct rule	*r;
	int			 i, k, n = 0;

	for (i = 0; i < rs->nrules; i++)
		n += 1 + rs->rules[i].nbr;
	t->pattern = calloc((size_t)n + 1, sizeof(*t->pattern));
	t->options = calloc((size_t)n + 1, sizeof(*t->options));
	t->regex = calloc((size_t)n + 1, sizeof(*t->regex));
	t->rule = calloc((size_t)rs->nrules + 1, sizeof(*t->rule));
	if (t->pattern == NULL || t->options == NULL || t->regex == NULL ||
	    t->rule == NULL)
		return -1;
	for (i = 0; i < rs->nrules; i++) {
		r = &rs->rules[i];
		if (r->broken) {
			log_warnx("%s: broken", r->name);
			return -1;
		}
		t->rule[i].regex = -1;
		if (r->whole.re != NULL) {
			t->rule[i].regex = t->nregex;
			t->options[t->nregex] = r->options;
			t->pattern[t->nregex++] = &r->whole;
		}
		t->rule[i].ops = r->nops > 0 ? t->nops : -1;
		t->rule[i].nops = r->nops;
		t->nops += r->nops;
	}
	for (i = 0; i < rs->nrules; i++) {
		r = &rs->rules[i];
		t->rule[i].branch = r->nbr > 0 ? t->nregex : -1;
		t->rule[i].nbranch = r->nbr;
		for (k = 0; k < r->nbr; k++) {
			t->options[t->nregex] = r->options;
			t->pattern[t->nregex++] = &r->br[k];
		}
	}
	t->op = calloc((size_t)t->nops + 1, sizeof(*t->op));
	return t->op == NULL ? -1 : 0;
}

/* builtin_strings, placing every string of the tables. */
static void
write_strings(struct table *t)
{
	const struct rule	*r;
	struct builtin_rule	*b;
	struct builtin_op	*o;
	char			 leads[LEADS_BUF];
	int			 i, k;

	fputs("const char builtin_strings[] =\n", t->out);
	for (i = 0; i < t->nregex; i++) {
		t->regex[i].pattern = add_string(t, t->pattern[i]->pattern);
		t->regex[i].options = t->options[i];
		t->regex[i].literals = add_literals(t, t->pattern[i]->lits);
	}
	for (i = 0; i < t->rs->nrules; i++) {
		r = &t->rs->rules[i];
		b = &t->rule[i];
		b->name = add_string(t, r->name);
		b->type = r->type;
		b->file = add_string(t, r->file);
		b->line = r->line;
		b->field = add_string(t, r->field);
		b->mod = r->mod;
		b->negate = r->negate;
		b->unset = add_string(t, r->unset);
		b->eval = add_string(t, r->fn != NULL ? r->fn->name : NULL);
		b->arg = add_string(t, r->arg);
		b->describe = add_string(t, r->describe);
		b->score = r->score;
		b->score_set = r->score_set;
		b->score_file = add_string(t, r->score_file);
		b->score_line = r->score_line;
		b->level = r->level;
		for (k = 0; k < r->nops; k++) {
			o = &t->op[b->ops + k];
			o->code = r->ops[k].code;
			o->num = r->ops[k].num;
			o->name = add_string(t, r->ops[k].name);
			o->rule = r->ops[k].code == OP_RULE ?
			    r->ops[k].rule : -1;
		}
	}
	/* the leads the run would find for each pattern (run.c's
	 * leads_for), last and together: a bounce reads a few pages of
	 * them, not one here and there among the patterns */
	for (i = 0; i < t->nregex; i++)
		t->regex[i].leads = leads_of_options(t->pattern[i]->pattern,
		    t->options[i], leads, sizeof(leads)) > 0 ?
		    add_literals(t, leads) : BUILTIN_NONE;
	fprintf(t->out, "\t\"\";\nconst size_t builtin_strings_len = %zu;\n\n",
	    t->off + 1);
}

/* builtin_regexes and builtin_regex_blob: each code serialised alone,
 * at an offset a multiple of 8. */
static int
write_regexes(struct table *t)
{
	const pcre2_code	*code;
	uint8_t			 *bytes;
	PCRE2_SIZE		  size, k, at = 0, n;
	int			  i;

	fputs("const unsigned char builtin_regex_blob[] "
	    "__attribute__((aligned(8))) = {", t->out);
	for (i = 0; i < t->nregex; i++) {
		code = t->pattern[i]->re;
		if (pcre2_serialize_encode(&code, 1, &bytes, &size, NULL) < 0)
			return -1;
		if (size > UINT32_MAX / 2 || at > UINT32_MAX / 2 - size) {
			pcre2_serialize_free(bytes);
			return -1;
		}
		t->regex[i].blob = (uint32_t)at;
		t->regex[i].blob_len = (uint32_t)size;
		fprintf(t->out, "\n\t/* %d */", i);
		for (n = size + (8 - size % 8) % 8, k = 0; k < n; k++)
			fprintf(t->out, "%s%u,", k % 16 == 0 ? "\n\t" : "",
			    k < size ? (unsigned)bytes[k] : 0u);
		at += n;
		pcre2_serialize_free(bytes);
	}
	fprintf(t->out, "\n};\nconst size_t builtin_regex_blob_len = %zu;\n\n",
	    (size_t)at);
	fputs("const struct builtin_regex builtin_regexes[] = {\n", t->out);
	for (i = 0; i < t->nregex; i++) {
		fputs("\t{ ", t->out);
		write_off(t->out, "pattern", t->regex[i].pattern);
		fprintf(t->out, ", .options = 0x%08xu, ",
		    (unsigned)t->regex[i].options);
		write_off(t->out, "literals", t->regex[i].literals);
		fputs(", ", t->out);
		write_off(t->out, "leads", t->regex[i].leads);
		fprintf(t->out, ",\n\t  .blob = %u, .blob_len = %u },\n",
		    (unsigned)t->regex[i].blob, (unsigned)t->regex[i].blob_len);
	}
	fprintf(t->out, "};\nconst int builtin_regex_count = %d;\n\n",
	    t->nregex);
	return 0;
}

/* builtin_ops: every meta's program, one after another. */
static void
write_ops(struct table *t)
{
	int	 i;

	fputs("const struct builtin_op builtin_ops[] = {\n", t->out);
	for (i = 0; i < t->nops; i++) {
		fprintf(t->out, "\t{ .code = %s, .num = %.17g, ",
		    op_names[t->op[i].code], t->op[i].num);
		write_off(t->out, "name", t->op[i].name);
		fprintf(t->out, ", .rule = %d },\n", t->op[i].rule);
	}
	if (t->nops == 0)
		fputs("\t{ .code = OP_RULE, .name = BUILTIN_NONE, .rule = -1 },\n",
		    t->out);
	fputs("};\n\n", t->out);
	/* the metas' order, as the build's expr_order left it */
	fputs("const int builtin_meta_order[] = {", t->out);
	for (i = 0; i < t->rs->norder; i++)
		fprintf(t->out, "%s%d,", i % 16 == 0 ? "\n\t" : " ",
		    t->rs->order[i]);
	if (t->rs->norder == 0)
		fputs(" -1", t->out);
	fprintf(t->out, "\n};\nconst int builtin_meta_norder = %d;\n\n",
	    t->rs->norder);
}

/* builtin_name_index: the name index a set of these rules alone has,
 * sized as compile.c's make_room sizes it. -1 out of memory. */
static int
write_name_index(struct table *t)
{
	size_t	 cap = 256, h, k;
	int	*index, i;

	while (cap < (size_t)t->rs->nrules * 4)
		cap *= 2;
	if ((index = malloc(cap * sizeof(*index))) == NULL)
		return -1;
	for (k = 0; k < cap; k++)
		index[k] = -1;
	for (i = 0; i < t->rs->nrules; i++) {
		for (h = ruleset_name_hash(t->rs->rules[i].name) & (cap - 1);
		    index[h] != -1; h = (h + 1) & (cap - 1))
			;
		index[h] = i;
	}
	fputs("const int builtin_name_index[] = {", t->out);
	for (k = 0; k < cap; k++)
		fprintf(t->out, "%s%d,", k % 16 == 0 ? "\n\t" : " ", index[k]);
	fprintf(t->out, "\n};\nconst int builtin_name_index_len = %zu;\n\n",
	    cap);
	free(index);
	return 0;
}

/* builtin_rules: one initialiser a rule, every field named. */
static void
write_rules(struct table *t)
{
	const struct builtin_rule	*b;
	FILE				*out = t->out;
	int				 i;

	fputs("const struct builtin_rule builtin_rules[] = {\n", out);
	for (i = 0; i < t->rs->nrules; i++) {
		b = &t->rule[i];
		fprintf(out, "\t/* %s */\n\t{ ", t->rs->rules[i].name);
		write_off(out, "name", b->name);
		fprintf(out, ", .type = %s,\n\t  ", type_names[b->type]);
		write_off(out, "file", b->file);
		fprintf(out, ", .line = %d,\n\t  ", b->line);
		write_off(out, "field", b->field);
		fprintf(out, ", .mod = %s, .negate = %d, ", mod_names[b->mod],
		    b->negate);
		write_off(out, "unset", b->unset);
		fprintf(out, ",\n\t  .regex = %d, .branch = %d, .nbranch = %d,"
		    "\n\t  ", b->regex, b->branch, b->nbranch);
		write_off(out, "eval", b->eval);
		fputs(", ", out);
		write_off(out, "arg", b->arg);
		fprintf(out, ", .ops = %d, .nops = %d, .level = %d,\n\t  ",
		    b->ops, b->nops, b->level);
		write_off(out, "describe", b->describe);
		fprintf(out, ",\n\t  .score = %.17g, .score_set = %d, ", b->score,
		    b->score_set);
		write_off(out, "score_file", b->score_file);
		fprintf(out, ", .score_line = %d },\n", b->score_line);
	}
	fprintf(out, "};\nconst int builtin_rule_count = %d;\n", t->rs->nrules);
}

int
builtin_write(const struct ruleset *rs, FILE *out)
{
	struct table	 t;
	int		 rc = -1;

	memset(&t, 0, sizeof(t));
	t.rs = rs;
	t.out = out;
	if (collect(&t) == -1 || t.nregex == 0)
		goto done;
	fputs("/* Generated by tools/regexblob from the rule files: do not "
	    "edit. */\n#include <stddef.h>\n#include <stdint.h>\n\n"
	    "#include \"rules/builtin.h\"\n\n", out);
	write_strings(&t);
	if (write_regexes(&t) == -1)
		goto done;
	write_ops(&t);
	if (write_name_index(&t) == -1)
		goto done;
	write_rules(&t);
	rc = ferror(out) ? -1 : 0;
done:
	free(t.pattern);
	free(t.options);
	free(t.regex);
	free(t.rule);
	free(t.op);
	return rc;
}
