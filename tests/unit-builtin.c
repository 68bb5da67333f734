/*
 * unit-builtin.c - the built-in table as the program links it
 * (src/rules/builtin_regex.c, written by tools/regexblob) gives the same
 * rules as parsing the rule files it was made from (the .cf files of
 * rules/).
 *
 * The two ways build one state apart: compile.c loads the table field by
 * field, parse.c reads the text. Here both sets are compiled and compared
 * rule by rule: name, type, file and line, header field and form, !~,
 * flags, if-unset text, the pattern and its prefilter literals and leads,
 * each top-level branch with its literals and leads, the eval function and argument,
 * the meta program (and the rules it resolves to), the description, the
 * score and where it was set, and the compiled code's size and options.
 * A field the writer forgets or the loader misreads fails here, naming
 * the rule and the field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "evidence/origin.h"
#include "rules/builtin.h"
#include "rules/leads.h"
#include "rules/rules.h"
#include "rules/ruleset.h"
#include "tap.h"

static int
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* The file's base name: "builtin/10_x.cf" and "../rules/10_x.cf" agree. */
static const char *
base(const char *path)
{
	const char	*s;

	if (path == NULL)
		return NULL;
	return (s = strrchr(path, '/')) != NULL ? s + 1 : path;
}

/* A prefilter set (strings ended by an empty one) compared whole. */
static int
same_lits(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	for (;;) {
		if (strcmp(a, b) != 0)
			return 0;
		if (*a == '\0')
			return 1;
		a += strlen(a) + 1;
		b += strlen(b) + 1;
	}
}

/* Compiled code: the same size and the same options. */
static int
same_code(const pcre2_code *a, const pcre2_code *b)
{
	size_t		 sa, sb;
	uint32_t	 oa, ob;

	if (a == NULL || b == NULL)
		return a == b;
	return pcre2_pattern_info(a, PCRE2_INFO_SIZE, &sa) == 0 &&
	    pcre2_pattern_info(b, PCRE2_INFO_SIZE, &sb) == 0 &&
	    pcre2_pattern_info(a, PCRE2_INFO_ARGOPTIONS, &oa) == 0 &&
	    pcre2_pattern_info(b, PCRE2_INFO_ARGOPTIONS, &ob) == 0 &&
	    sa == sb && oa == ob;
}

/* The leads the run finds for b of a rule with these options: the
 * table's for a built-in pattern (run.c's leads_for), else leads_of's;
 * leads_of's alone when computed is set. */
static const char *
leads_run(const struct branch *b, uint32_t options, char *buf, size_t n,
    int computed)
{
	if (!computed && b->lazy > 0 && b->lazy <= builtin_regex_count)
		return builtin_string(builtin_regexes[b->lazy - 1].leads);
	if (b->pattern == NULL || leads_of_options(b->pattern, options,
	    buf, n) == 0)
		return NULL;
	return buf;
}

static const char *
diff_branch(const struct ruleset *sa, const struct branch *a,
    const struct ruleset *sb, const struct branch *b, uint32_t options)
{
	char	 la[LEADS_BUF], lb[LEADS_BUF];

	if (!same_str(a->pattern, b->pattern))
		return "pattern";
	if (!same_lits(a->lits, b->lits))
		return "prefilter literals";
	/* the table's leads are those the pattern's text has */
	if (!same_lits(leads_run(a, options, la, sizeof(la), 0),
	    leads_run(b, options, lb, sizeof(lb), 1)))
		return "leads";
	if (!same_code(rules_code(sa, a), rules_code(sb, b)))
		return "compiled code";
	return NULL;
}

static const char *
diff_meta(const struct ruleset *sa, const struct rule *a,
    const struct ruleset *sb, const struct rule *b)
{
	int	 k;

	if (a->nops != b->nops)
		return "meta program length";
	for (k = 0; k < a->nops; k++) {
		if (a->ops[k].code != b->ops[k].code ||
		    a->ops[k].num != b->ops[k].num ||
		    !same_str(a->ops[k].name, b->ops[k].name))
			return "meta program";
		if (a->ops[k].code == OP_RULE && (a->ops[k].rule < 0 ||
		    b->ops[k].rule < 0 ||
		    strcmp(sa->rules[a->ops[k].rule].name,
		    sb->rules[b->ops[k].rule].name) != 0))
			return "meta rules resolved";
	}
	if (a->level != b->level)
		return "meta level";
	return NULL;
}

/* The first field in which two rules differ, or NULL. */
static const char *
diff_rule(const struct ruleset *sa, const struct rule *a,
    const struct ruleset *sb, const struct rule *b)
{
	const char	*d;
	int		 k;

	if (a->type != b->type)
		return "type";
	if (!same_str(base(a->file), base(b->file)) || a->line != b->line)
		return "file:line";
	if (!same_str(a->field, b->field) || a->mod != b->mod)
		return "header field";
	if (a->negate != b->negate)
		return "!~";
	if (a->options != b->options)
		return "flags";
	if (!same_str(a->unset, b->unset))
		return "if-unset";
	if ((d = diff_branch(sa, &a->whole, sb, &b->whole, a->options)) != NULL)
		return d;
	if (a->nbr != b->nbr)
		return "number of branches";
	for (k = 0; k < a->nbr; k++)
		if ((d = diff_branch(sa, &a->br[k], sb, &b->br[k],
		    a->options)) != NULL)
			return d;
	if (a->fn != b->fn || !same_str(a->arg, b->arg))
		return "eval";
	if ((d = diff_meta(sa, a, sb, b)) != NULL)
		return d;
	if (!same_str(a->describe, b->describe))
		return "description";
	if (a->score != b->score || a->score_set != b->score_set ||
	    !same_str(base(a->score_file), base(b->score_file)) ||
	    a->score_line != b->score_line)
		return "score";
	if (a->broken != b->broken)
		return "broken";
	return NULL;
}

static struct ruleset *
compiled(struct ruleset *rs, const char *what)
{
	struct buf	 err;
	int		 n;

	buf_init(&err, 65536);
	n = rules_compile(rs, NULL, &err);
	is_int(n, 0, "%s: compiles clean", what);
	if (n != 0)
		diag("%s", err.data != NULL ? err.data : "");
	buf_free(&err);
	return rs;
}

/*
 * The built-in rules the prefilter cannot rule out (their pattern, or one
 * of its branches, holds no literal every match must contain): each is
 * matched on every report that reaches the rules, and a large one costs
 * its decoding there too (a Cyrillic word in a caseless pattern, or one
 * literal past PREFILTER_SET_MAX, has done so unseen). Those below read a
 * short text (a Subject, a Message-ID) with a short pattern; a rule
 * joining them fails here.
 */
static const char *const unfiltered[] = {	/* in the rules' order */
	"__RPATH_NULL",			/* Return-Path: <> */
	"__PHARMA_SUBJ",		/* "c1alis" spellings: no fixed letter */
	"__REPLY_SPAM_GENRE_RU",	/* Cyrillic, caseless */
	"BS_MSGID_ALL_DIGITS",		/* shapes of a Message-ID */
	"BS_MSGID_UPPERCASE",
	"BS_MSGID_OE_SHAPE",
	"BS_MSGID_DYNAMIC_HOST",
};

/* Does the prefilter fail to rule r out (its pattern, or a branch, has
 * no literal set)? */
static int
unfiltered_rule(const struct rule *r)
{
	int	 k, open;

	if (r->whole.pattern == NULL)
		return 0;
	open = r->nbr == 0 && r->whole.lits == NULL;
	for (k = 0; k < r->nbr; k++)
		open |= r->br[k].lits == NULL;
	return open;
}

/*
 * The rules reading a subject quoted under its label ("Subject:",
 * "Betreff:"), which nearly every report holds: the prefilter must rule
 * them out by their spam words, not by the label. Past PREFILTER_SET_MAX
 * literals in the union of the genres, the prefilter falls back on the
 * label's set unseen, and these run on every bounce (an inline-quoted
 * bounce took 1.36M -> 3.72M instructions). (The hold notices' rules
 * rightly keep their lead-in, "with the subject", which only a hold
 * notice writes.)
 */
static const char *const genre_filtered[] = {
	"__QUOTED_SPAM_A", "__QUOTED_SPAM_B",
};

/* Does a prefilter set (NUL-separated, ended by an empty string) hold
 * word? */
static int
lits_hold(const char *lits, const char *word)
{
	for (; lits != NULL && *lits != '\0'; lits += strlen(lits) + 1)
		if (strstr(lits, word) != NULL)
			return 1;
	return 0;
}

/* "" when rule r's prefilter sets (its pattern's, each branch's) are
 * there and hold none of the label words, else what is wrong. */
static const char *
genre_set(const struct rule *r)
{
	static const char *const labels[] = { "subject", "betreff", "objet" };
	size_t	 w;
	int	 k;

	if (r->nbr == 0 && r->whole.lits == NULL)
		return "no prefilter set";
	for (k = 0; k < r->nbr; k++)
		if (r->br[k].lits == NULL)
			return "a branch without a prefilter set";
	for (w = 0; w < sizeof(labels) / sizeof(labels[0]); w++) {
		if (r->nbr == 0 && lits_hold(r->whole.lits, labels[w]))
			return labels[w];
		for (k = 0; k < r->nbr; k++)
			if (lits_hold(r->br[k].lits, labels[w]))
				return labels[w];
	}
	return "";
}

/* The rules of rs that pick says yes to are named in want (n names, in
 * the rules' order), and only those. */
static void
rules_named(const struct ruleset *rs, int (*pick)(const struct rule *),
    const char *const *want, size_t n, const char *what)
{
	struct buf	 got, w;
	size_t		 k;
	int		 i;

	buf_init(&got, 1 << 16);
	buf_init(&w, 1 << 16);
	for (i = 0; i < rs->nrules; i++)
		if (pick(&rs->rules[i]) && (buf_appends(&got,
		    rs->rules[i].name) == -1 || buf_appendc(&got, ' ') == -1))
			break;
	for (k = 0; k < n; k++)
		if (buf_appends(&w, want[k]) == -1 || buf_appendc(&w, ' ') == -1)
			break;
	if (buf_appendc(&got, '\0') == -1 || buf_appendc(&w, '\0') == -1)
		ok(0, "room for the rule names");
	else
		is_str(got.data, w.data, "%s", what);
	buf_free(&got);
	buf_free(&w);
}

/*
 * The built-in body rules matched at every position of a text (their
 * pattern, or a branch, has no leads: leads.h): each try costs hundreds
 * of instructions, on every report the prefilter lets them read. A rule
 * joining these (a start leads.h cannot read, such as a \x{...} word,
 * added to an alternation that had leads) fails here.
 */
static const char *const leadless[] = {	/* in the rules' order */
	"__SPAM_PHRASE_JA", "__VIRUS_PHRASE_INTL",
	/* a Cyrillic start; case-sensitive, so that its prefilter literal
	 * is the Cyrillic word: it reads Russian text alone */
	"__ROMANCE_BODY_RU",
	"__CRYPTO_BODY",
	/* a Hangul start (leads.h reads ASCII only); its prefilter literals
	 * are Hangul words, so it reads Korean text alone */
	"__QUOTED_SPAM_KO",
};

static int
has_leads(const struct rule *r, const char *pattern)
{
	char	 out[LEADS_BUF];

	return leads_of_options(pattern, r->options, out, sizeof(out)) > 0;
}

/* Is r a body rule tried at every position (no leads, its pattern's or
 * a branch's)? */
static int
leadless_rule(const struct rule *r)
{
	int	 k, none;

	if ((r->type != RULE_BODY && r->type != RULE_ORIG_BODY) ||
	    r->whole.pattern == NULL)
		return 0;
	none = r->nbr == 0 && !has_leads(r, r->whole.pattern);
	for (k = 0; k < r->nbr; k++)
		none |= !has_leads(r, r->br[k].pattern);
	return none;
}

int
main(void)
{
	struct ruleset	*table, *text;
	const char	*srcdir = getenv("top_srcdir"), *d;
	char		 dir[4096];
	int		 i, k, loaded = 1, lazy, decoded;

	plan(0);
	if (srcdir == NULL)
		srcdir = ".";
	snprintf(dir, sizeof(dir), "%s/rules", srcdir);

	ok(builtin_rule_count > 0 && builtin_regex_count > 0,
	    "the program's table is linked: %d rules, %d patterns",
	    builtin_rule_count, builtin_regex_count);

	table = rules_new();
	rules_add_builtin(table);
	compiled(table, "the built-in table");
	text = rules_new();
	rules_add_path(text, dir);
	compiled(text, dir);

	/* the first set came from the table, not from its text: its
	 * strings are the table's and its patterns were decoded */
	for (i = 0; i < table->nrules; i++)
		if (!builtin_owns(table->rules[i].name))
			loaded = 0;
	ok(loaded && table->nprebuilt == builtin_regex_count,
	    "the built-in set was loaded from the table (%d patterns "
	    "to decode)", table->nprebuilt);
	for (i = lazy = decoded = 0; i < table->nrules; i++) {
		lazy += table->rules[i].whole.lazy != 0;
		for (k = 0; k < table->rules[i].nbr; k++)
			lazy += table->rules[i].br[k].lazy != 0;
	}
	for (i = 0; i < table->nprebuilt; i++)
		decoded += table->prebuilt[i] != NULL;
	ok(lazy == builtin_regex_count && decoded == 0,
	    "... each pattern given to its rule, none decoded before it "
	    "runs (%d given, %d decoded)", lazy, decoded);
	for (i = 0; i < table->nrules && table->rules[i].whole.lazy == 0; i++)
		;
	if (i < table->nrules) {
		const pcre2_code	*c1, *c2;

		c1 = rules_code(table, &table->rules[i].whole);
		c2 = rules_code(table, &table->rules[i].whole);
		ok(c1 != NULL && c1 == c2 &&
		    table->prebuilt[table->rules[i].whole.lazy - 1] == c1,
		    "%s: its code decoded when first asked for, once, kept "
		    "in the set", table->rules[i].name);
	} else
		ok(0, "a rule with a pattern of the table");

	rules_named(table, unfiltered_rule, unfiltered, sizeof(unfiltered) /
	    sizeof(unfiltered[0]), "the built-in rules the prefilter cannot "
	    "rule out are the known few");
	rules_named(table, leadless_rule, leadless, sizeof(leadless) /
	    sizeof(leadless[0]), "the built-in body rules without leads are "
	    "the known few");

	for (k = 0; k < (int)(sizeof(genre_filtered) /
	    sizeof(genre_filtered[0])); k++) {
		const struct rule	*r = ruleset_get(table, genre_filtered[k]);

		is_str(r != NULL ? genre_set(r) : "no such rule", "",
		    "%s: ruled out by its spam words, not by the label it "
		    "reads after", genre_filtered[k]);
	}

	is_int(table->nrules, text->nrules, "as many rules both ways");
	for (i = 0; i < table->nrules; i++) {
		const struct rule	*a = &table->rules[i];

		if ((k = ruleset_find(text, a->name)) == -1) {
			ok(0, "%s: parsed from the files too", a->name);
			continue;
		}
		d = diff_rule(table, a, text, &text->rules[k]);
		ok(d == NULL, "%s: the same in the table and parsed%s%s",
		    a->name, d ? ": differs in " : "", d ? d : "");
	}
	for (i = 0; i < text->nrules; i++)
		if (ruleset_find(table, text->rules[i].name) == -1)
			ok(0, "%s: in the files but not in the table",
			    text->rules[i].name);
	/* the table's set takes the build's name index whole
	 * (builtin_name_index): every name found at its own rule, and a
	 * rule added after it indexed as any other */
	for (i = 0, k = 0; i < table->nrules; i++)
		if (ruleset_find(table, table->rules[i].name) != i)
			k++;
	is_int(k, 0, "every table rule found by name through the build's "
	    "index (%d rules)", table->nrules);
	ok(ruleset_get(table, "ZZ_ADDED_AFTER_THE_TABLE") != NULL &&
	    ruleset_find(table, "ZZ_ADDED_AFTER_THE_TABLE") ==
	    table->nrules - 1 && ruleset_find(table,
	    table->rules[0].name) == 0, "a rule added after the table is "
	    "indexed, and the table's are still found");
	/* the table's set takes the build's meta order (builtin_meta_order,
	 * no expr_order of its own): the one ordering the parsed files gives */
	k = table->norder == text->norder;
	for (i = 0; k && i < table->norder; i++)
		k = strcmp(table->rules[table->order[i]].name,
		    text->rules[text->order[i]].name) == 0;
	ok(k && table->norder > 0, "the metas in the same order both ways "
	    "(%d and %d)", table->norder, text->norder);
	rules_free(table);
	rules_free(text);

	/* a rule file read after the table may redefine a meta of its: the
	 * levels are found anew, not kept from the table. A meta of level 3
	 * or more whose operand, a meta, is made a meta of a pattern rule is
	 * at level 2 then. */
	{
		struct ruleset	*both = rules_new();
		char		 line[512];
		const char	*user = NULL, *used = NULL, *leaf = NULL;
		int		 j, o;

		for (j = 0; j < builtin_rule_count; j++) {
			const struct builtin_rule *b = &builtin_rules[j];

			if (b->nops == 0 && b->regex >= 0 && leaf == NULL)
				leaf = builtin_string(b->name);
			if (b->nops == 0 || b->level < 3 || user != NULL)
				continue;
			for (o = b->ops; o < b->ops + b->nops; o++)
				if (builtin_ops[o].code == OP_RULE &&
				    builtin_ops[o].rule >= 0 &&
				    builtin_rules[builtin_ops[o].rule].level ==
				    b->level - 1) {
					user = builtin_string(b->name);
					used = builtin_string(builtin_ops[o].name);
					break;
				}
		}
		ok(user != NULL && used != NULL && leaf != NULL, "the table has "
		    "a meta of level 3 or more (%s) over a meta (%s), and a "
		    "pattern rule (%s)", user ? user : "-", used ? used : "-",
		    leaf ? leaf : "-");
		snprintf(line, sizeof(line), "meta %s %s\n", used ? used : "X",
		    leaf ? leaf : "Y");
		rules_add_builtin(both);
		rules_add_text(both, "local.cf", line);
		compiled(both, "the table and a file redefining one meta");
		k = user != NULL ? ruleset_find(both, user) : -1;
		ok(k >= 0 && both->rules[k].level == 2, "%s over %s, now a meta "
		    "of one pattern rule: level 2 (got %d)", user ? user : "-",
		    used ? used : "-", k >= 0 ? both->rules[k].level : -1);
		rules_free(both);
	}
	return done();
}
