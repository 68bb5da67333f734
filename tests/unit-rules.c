/*
 * unit-rules.c - the rule language: parse errors with file:line, each
 * rule type on a hand-built analysis, meta expressions (counting,
 * comparison, cycles, depth), overriding by name, the bounds on matching
 * (a pathological pattern on pathological input is stopped fast, left
 * open, and counted only where that raises the score; metas over open
 * rules), and the built-in rules compiling clean.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/limits.h"
#include "read/header.h"
#include "read/message.h"
#include "anatomy/anatomy.h"
#include "config/config.h"
#include "evidence/origin.h"
#include "rules/rules.h"
#include "tap.h"

/* Compile text alone; return the error text ("" when clean). */
static const char *
compile_errors(const char *text, int *nerr_r)
{
	static char	 out[2048];
	struct ruleset	*rs = rules_new();
	struct buf	 err;
	int		 n;

	buf_init(&err, 8192);
	rules_add_text(rs, "t.cf", text);
	n = rules_compile(rs, NULL, &err);
	snprintf(out, sizeof(out), "%s", err.len ? err.data : "");
	if (nerr_r != NULL)
		*nerr_r = n;
	buf_free(&err);
	rules_free(rs);
	return out;
}

static const struct {
	const char	*label;
	const char	*text;
	const char	*want;
} errors[] = {
	{ "clean header rule", "header BS_A Subject =~ /x/i\n", "" },
	{ "unknown directive", "\n\nfull BS_A /x/\n",
	    "t.cf:3: unknown directive full\n" },
	{ "bad name", "body FOO /x/\n",
	    "t.cf:1: FOO: rule names start with BS_ or __ and hold letters, digits and _ (at most 64)\n" },
	{ "missing name", "body\n", "t.cf:1: body: missing rule name\n" },
	{ "no pattern", "body BS_A x\n", "t.cf:1: BS_A: expected /pattern/\n" },
	{ "other delimiters", "body BS_A m{a}i\nbody BS_B m!b!\nbody BS_C m|c|\n"
	    "body BS_D m,d,\nbody BS_E m@e@\nbody BS_F m(f)\nbody BS_G m[g]\n"
	    "body BS_H m<h>\n", "" },
	{ "m# begins a comment, no pattern", "body BS_A m#a#i\n",
	    "t.cf:1: BS_A: expected /pattern/\n" },
	{ "unclosed pattern", "body BS_A /abc\n",
	    "t.cf:1: BS_A: pattern not closed with /\n" },
	{ "bad flag", "body BS_A /abc/q\n", "t.cf:1: BS_A: unknown flag 'q'\n" },
	{ "bad regex", "# c\nbody BS_A /a(b/\n",
	    "t.cf:2: BS_A: pattern: missing closing parenthesis at offset 3\n" },
	{ "header without op", "header BS_A Subject /x/\n",
	    "t.cf:1: BS_A: expected =~ or !~, not /x/\n" },
	{ "header bad modifier", "header BS_A From:foo =~ /x/\n",
	    "t.cf:1: BS_A: unknown modifier :foo (raw, addr, name)\n" },
	{ "unknown eval", "eval BS_A no_such()\n",
	    "t.cf:1: BS_A: unknown eval function no_such\n" },
	{ "eval missing arg", "eval BS_A reason_is()\n",
	    "t.cf:1: BS_A: reason_is() needs an argument\n" },
	{ "eval extra arg", "eval BS_A no_original(x)\n",
	    "t.cf:1: BS_A: no_original() takes no argument\n" },
	{ "eval bad kind", "eval BS_A kind_is(bouncy)\n",
	    "t.cf:1: BS_A: kind_is(bouncy): bad argument\n" },
	{ "meta syntax", "body __A /a/\nmeta BS_M __A &&\n",
	    "t.cf:2: BS_M: meta: unexpected end at \"\"\n" },
	{ "meta unbalanced", "body __A /a/\nmeta BS_M (__A\n",
	    "t.cf:2: BS_M: meta: missing ) at \"\"\n" },
	{ "meta hex number", "body __A /a/\nmeta BS_M __A >= 0x10\n",
	    "t.cf:2: BS_M: meta: unexpected text after the expression at \"x10\"\n" },
	{ "meta exponent", "body __A /a/\nmeta BS_M __A >= 1e999\n",
	    "t.cf:2: BS_M: meta: unexpected text after the expression at \"e999\"\n" },
	{ "meta number too long", "body __A /a/\nmeta BS_M __A >= "
	    "1111111111111111111111111111111111111111111111111111111111111111\n",
	    "t.cf:2: BS_M: meta: number too long at \"11111111111111111111\"\n" },
	{ "meta decimals", "body __A /a/\nbody __B /b/\n"
	    "meta BS_M (__A + __B) >= 1.5 && __A < 10.25\n", "" },
	{ "meta unknown rule", "meta BS_M __NOPE || __NOPE2\n",
	    "t.cf:1: BS_M: meta uses unknown rule __NOPE\n" },
	{ "meta self", "meta BS_M BS_M\n", "t.cf:1: BS_M: meta uses itself\n" },
	{ "meta cycle", "body __X /x/\nmeta __A __B && __X\nmeta __B __C\nmeta __C __A\n",
	    "t.cf:2: __A: meta dependency cycle\n"
	    "t.cf:3: __B: meta dependency cycle\n"
	    "t.cf:4: __C: meta dependency cycle\n" },
	{ "score undefined", "score BS_GONE 2\n",
	    "t.cf:1: BS_GONE: score or describe for a rule that is not defined\n" },
	{ "score not a number", "body BS_A /a/\nscore BS_A lots\n",
	    "t.cf:2: score BS_A: not a number\n" },
	{ "text after pattern", "body BS_A /a/i junk\n",
	    "t.cf:1: BS_A: text after the pattern\n" },
	{ "escaped hash kept", "body BS_A /a\\#b/ # comment\n", "" },
	{ "tflags ignored", "body BS_A /a/\ntflags BS_A nice\n", "" },
	{ "four scores", "body BS_A /a/\nscore BS_A 1 2 3 4\n", "" },
	{ "tags clean", "replace_tag A a+\nbody BS_A /<A>/\nreplace_rules BS_A\n", "" },
	{ "tag without text", "replace_tag A\n",
	    "t.cf:1: replace_tag: a name (letters, digits, _) and its text\n" },
	{ "tag bad name", "replace_tag A-B x\n",
	    "t.cf:1: replace_tag: a name (letters, digits, _) and its text\n" },
	{ "replace_rules of no rule here",
	    "body BS_B /b/\nreplace_rules BS_A\n",
	    "t.cf:2: replace_rules: no rule BS_A in this file\n" },
	{ "replace_rules bad name", "replace_rules FOO\n",
	    "t.cf:1: replace_rules: FOO is not a rule name\n" },
	{ "replace_rules empty", "replace_rules\n",
	    "t.cf:1: replace_rules: no rule named\n" },
	{ "tag names itself",
	    "replace_tag A x<A>\nbody BS_A /<A>/\nreplace_rules BS_A\n",
	    "t.cf:2: BS_A: a tag it uses nests deeper than 8, or uses itself\n" },
	{ "replace_pre not supported", "replace_pre P x\n",
	    "t.cf:1: replace_pre is not supported (replace_tag, replace_rules, replace_start and replace_end are)\n" },
	{ "bracket of RULES_TAG_BRACKET_MAX", "replace_start 0123456789abcde\n", "" },
	{ "bracket one longer", "replace_end 0123456789abcdef\n",
	    "t.cf:1: replace_end: one word of at most 15 characters\n" },
	{ "replace_start two words", "replace_start < <\n",
	    "t.cf:1: replace_start: one word of at most 15 characters\n" },
	{ "tag makes a bad pattern",
	    "replace_tag P (\nbody BS_A /<P>/\nreplace_rules BS_A\n",
	    "t.cf:2: BS_A: pattern: missing closing parenthesis at offset 1\n" },
};

/* printf onto b. */
static void
addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
addf(struct buf *b, const char *fmt, ...)
{
	char	 line[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	buf_appends(b, line);
}

/* A message with a header, a text and an original. */
struct fixture {
	struct arena		 a;
	struct message		 m;
	struct analysis		 an;
	struct evidence		 ev;
	struct config		 cfg;
};

static void
fixture_init(struct fixture *f, const char *hdr, const char *text,
    const char *orig_hdr, const char *orig_body)
{
	memset(f, 0, sizeof(*f));
	arena_init(&f->a, 64u << 20);
	header_parse(&f->a, hdr, strlen(hdr), &f->m.hdr);
	f->an.kind = KIND_BOUNCE;
	f->an.message = &f->m;
	f->an.text = (char *)text;
	f->an.text_len = text ? strlen(text) : 0;
	if (orig_hdr != NULL) {
		f->an.original.source = SOURCE_RFC822;
		header_parse(&f->a, orig_hdr, strlen(orig_hdr),
		    &f->an.original.hdr);
	}
	f->an.original.body = (char *)orig_body;
	f->an.original.body_len = orig_body ? strlen(orig_body) : 0;
	config_init(&f->cfg);
	origin_gather(&f->cfg, NULL, &f->an, &f->a, &f->ev);
}

/*
 * Processor time used so far, in ms: what the bounds on matching cost,
 * whatever else the machine is doing (the shell tests time whole runs).
 */
static long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* The hits as "A,B*" (* marks one counted because a limit left it open). */
static const char *
run_hits(const struct rule_hit *hits, int n)
{
	static char	 out[1024];
	size_t		 o = 0;
	int		 i;

	out[0] = '\0';
	for (i = 0; i < n && o < sizeof(out) - 80; i++)
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s%s",
		    i ? "," : "", hits[i].name, hits[i].cut_short ? "*" : "");
	return out;
}

/* Run text on the fixture; the comma-separated hits, or "ERROR". */
static const char *
run(struct fixture *f, const char *text, struct ruleset **rs_r)
{
	static char	 out[1024];
	struct ruleset	*rs = rules_new();
	struct rule_hit	*hits;
	int		 n, i;
	size_t		 o = 0;

	rules_add_text(rs, "t.cf", text);
	if (rules_compile(rs, NULL, NULL) < 0 ||
	    rules_run(rs, &f->an, &f->ev, &f->a, &hits, &n, NULL, NULL) == -1) {
		rules_free(rs);
		return "ERROR";
	}
	out[0] = '\0';
	for (i = 0; i < n && o < sizeof(out) - 80; i++)
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s%s",
		    i ? "," : "", hits[i].name, hits[i].cut_short ? "*" : "");
	if (rs_r != NULL)
		*rs_r = rs;
	else
		rules_free(rs);
	return out;
}

/* Rules run on the fixture main() builds: the rule text, the rules that
 * fire (as run() lists them), what it shows. */
static const struct {
	const char	*rules, *want, *label;
} fixture_rules[] = {
	{ "header BS_S Subject =~ /^Unzustellbar: Hallo$/\n",
	    "BS_S", "header: RFC 2047 decoded" },
	{ "header BS_S Subject:raw =~ /=\\?UTF-8\\?Q/\n",
	    "BS_S", "header :raw not decoded" },
	{ "header BS_N Subject !~ /Unzustellbar/\n",
	    "", "header !~ on a match: no hit" },
	{ "header BS_N X-Absent !~ /x/\n",
	    "BS_N", "header !~ on an absent header: hit" },
	{ "header BS_U X-Absent =~ /^none$/ [if-unset: none]\n",
	    "BS_U", "if-unset text used for an absent header" },
	{ "header BS_A To:addr =~ /^alice\\@northwind\\.example$/\n",
	    "BS_A", "header :addr" },
	{ "header BS_A To:name =~ /^Alice Example$/\n",
	    "BS_A", "header :name" },
	{ "header BS_R Received =~ /^from a\\nfrom b$/\n",
	    "BS_R", "several fields joined by newlines" },
	{ "header BS_L ALL =~ /^To: Alice/m\n",
	    "BS_L", "ALL: the whole header" },
	{ "header BS_E exists:Subject\nheader BS_F exists:X-No\n",
	    "BS_E", "exists:" },
	{ "body BS_B /could not be delivered/\n",
	    "BS_B", "body on the bounce's text" },
	{ "body BS_B /viagra/i\n",
	    "", "body does not see the original" },
	{ "orig_body BS_O /viagra/i\n",
	    "BS_O", "orig_body on the original's body" },
	{ "orig_header BS_O From:name =~ /Cheap Pills/\n",
	    "BS_O", "orig_header with :name" },
	{ "orig_header BS_O Subject =~ /Unzustellbar/\n",
	    "", "orig_header does not see the bounce's header" },
	{ "eval BS_V no_original()\neval BS_K kind_is(bounce)\n",
	    "BS_K", "eval: kind_is, no_original" },
	{ "replace_tag D v[i1]agra\nreplace_tag P prices\\s+on\\s+<D>\n"
	  "replace_rules BS_O\norig_body BS_O /<P>/i\n",
	    "BS_O", "replace_tag: tags within tags, replace_rules after the tags" },
	{ "body BS_B /could not be <W>/\nreplace_tag W deliv(?:er|ered)\n"
	  "replace_rules BS_B\n",
	    "BS_B", "replace_tag and replace_rules may follow the rule" },
	{ "replace_tag W delivered\nbody BS_B /could not be <W>/\n",
	    "", "a rule not in replace_rules keeps <W> as written" },
	{ "replace_start {{\nreplace_end }}\nreplace_tag W delivered\n"
	  "body BS_B /could not be {{W}}/\nreplace_rules BS_B\n",
	    "BS_B", "replace_start and replace_end" },
	{ "replace_tag W delivered\n"
	  "body BS_B /(?<w>could) not be <W>\\b(?<=<W>)/\nreplace_rules BS_B\n",
	    "BS_B", "(?<w> names no tag: left as written, <W> replaced" },
};

int
main(void)
{
	struct fixture	 f;
	struct ruleset	*rs;
	struct config	 cfg;
	struct buf	 err;
	struct rule_hit	*hits;
	struct rule_cut	*cuts;
	char		*big;
	size_t		 i;
	long		 t0, t1;
	int		 n, ncuts, nerr, k;

	plan(0);

	for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		is_str(compile_errors(errors[i].text, NULL), errors[i].want,
		    "compile: %s", errors[i].label);
	compile_errors("body BS_A /a/\nbody BS_B /(/\nfoo\n", &nerr);
	is_int(nerr, 2, "error count returned");

	fixture_init(&f,
	    "From: MAILER-DAEMON@mx.remote.example\n"
	    "Subject: =?UTF-8?Q?Unzustellbar=3A_Hallo?=\n"
	    "To: Alice Example <alice@northwind.example>\n"
	    "Received: from a\nReceived: from b\n\n",
	    "This is the mail system at host mx.remote.example.\n"
	    "I'm sorry to have to inform you\nthat your message could not be delivered.\n",
	    "From: \"Cheap Pills\" <pills@spam.example>\n"
	    "Subject: Buy now\nMessage-ID: <x@bot.example>\n\n",
	    "Best prices on VIAGRA today\n");

	for (i = 0; i < sizeof(fixture_rules) / sizeof(fixture_rules[0]); i++)
		is_str(run(&f, fixture_rules[i].rules, NULL), fixture_rules[i].want,
		    "%s", fixture_rules[i].label);

	/* a file's tags reach no other file */
	rs = rules_new();
	buf_init(&err, 8192);
	rules_add_text(rs, "a.cf", "replace_tag W delivered\n");
	rules_add_text(rs, "b.cf",
	    "body BS_B /could not be <W>/\nreplace_rules BS_B\n");
	n = -1;
	is_int(rules_compile(rs, NULL, &err), 0, "tags in two files: clean");
	if (rules_run(rs, &f.an, &f.ev, &f.a, &hits, &n, NULL, NULL) == -1)
		n = -1;
	is_str(n == -1 ? "ERROR" : run_hits(hits, n), "",
	    "replace_tag: a tag of a.cf is not replaced in b.cf");
	buf_free(&err);
	rules_free(rs);

	/* meta */
	is_str(run(&f,
	    "body __A /mail system/\nbody __B /sorry/\nbody __C /nothere/\n"
	    "meta BS_AND __A && __B\nmeta BS_OR __C || __B\n"
	    "meta BS_NOT !__C && !(__C || !__A)\n"
	    "meta BS_CNT (__A + __B + __C) >= 2\n"
	    "meta BS_CNT3 (__A + __B + __C) > 2\n"
	    "meta BS_NEST BS_AND && BS_CNT\n"
	    "meta BS_EQ __A + __B == 2\n", NULL),
	    "BS_AND,BS_CNT,BS_EQ,BS_NEST,BS_NOT,BS_OR",
	    "meta: && || ! ( ) + comparisons, metas on metas, __ hidden");
	is_str(run(&f,
	    "meta BS_LATE __LATER\nbody __LATER /sorry/\n", NULL),
	    "BS_LATE", "meta may use a rule defined further down");
	is_str(run(&f,
	    "body BS_A /sorry/\nbody BS_A /nothere/\n", NULL), "",
	    "a later definition replaces an earlier one");
	is_str(run(&f,
	    "body BS_A /sorry/\nbody BS_A /(/\n", NULL), "BS_A",
	    "a broken redefinition keeps the earlier one");
	is_str(run(&f,
	    "body BS_A /sorry/\nscore BS_A 0\nmeta BS_M BS_A\n", NULL), "",
	    "score 0 turns a rule off, for metas too");

	/* scores, descriptions, overrides from the config */
	config_init(&cfg);
	buf_init(&err, 4096);
	config_line(&cfg, "score BS_A 2.5", "my.conf", 3, &err);
	config_line(&cfg, "score BS_NOPE 1", "my.conf", 4, &err);
	rs = rules_new();
	rules_add_text(rs, "t.cf", "body BS_A /sorry/\ndescribe BS_A Sorry\n"
	    "score BS_A 1\nbody BS_B /sorry/\n");
	is_int(rules_compile(rs, &cfg, &err), 1, "config score for no rule: error");
	ok(strstr(err.data, "my.conf:4: score BS_NOPE: no such rule") != NULL,
	    "config score error at its file:line");
	ok(rules_run(rs, &f.an, &f.ev, &f.a, &hits, &n, NULL, NULL) == 0 &&
	    n == 2 && hits[0].score == 2.5 && hits[1].score == 1.0 &&
	    hits[0].description != NULL &&
	    strcmp(hits[0].description, "Sorry") == 0,
	    "config score wins; default score 1.0; describe kept");
	rules_free(rs);
	config_free(&cfg);
	buf_free(&err);

	/* override by name across sources: a later file wins */
	rs = rules_new();
	rules_add_text(rs, "builtin.cf", "body BS_A /sorry/\nscore BS_A 3\n");
	rules_add_text(rs, "local.cf", "body BS_A /nothere/\n");
	rules_compile(rs, NULL, NULL);
	rules_run(rs, &f.an, &f.ev, &f.a, &hits, &n, NULL, NULL);
	is_int(n, 0, "a later file's definition overrides the earlier one");
	rules_free(rs);

	/* meta depth cap */
	{
		struct buf	 t;
		char		 l[128];

		buf_init(&t, 1 << 20);
		buf_appends(&t, "body __M0 /sorry/\n");
		for (k = 1; k <= RULES_META_DEPTH + 2; k++) {
			snprintf(l, sizeof(l), "meta __M%d __M%d\n", k, k - 1);
			buf_appends(&t, l);
		}
		ok(strstr(compile_errors(t.data, NULL),
		    "nested more than") != NULL, "meta chain over the depth cap");
		buf_reset(&t);
		buf_appends(&t, "body __A /a/\nmeta BS_M ");
		for (k = 0; k < RULES_EXPR_DEPTH + 5; k++)
			buf_appendc(&t, '(');
		buf_appends(&t, "__A");
		for (k = 0; k < RULES_EXPR_DEPTH + 5; k++)
			buf_appendc(&t, ')');
		buf_appendc(&t, '\n');
		ok(strstr(compile_errors(t.data, NULL), "nested too deeply") != NULL,
		    "parentheses over the nesting cap");
		buf_reset(&t);
		buf_appends(&t, "body __A /a/\nmeta BS_M ");
		for (k = 0; k < 8000; k++)
			buf_appendc(&t, '!');
		buf_appends(&t, "__A\n");
		ok(strstr(compile_errors(t.data, NULL), "nested too deeply") != NULL,
		    "8000 nots: refused, no deep recursion");
		buf_free(&t);
	}

	/*
	 * PCRE2 limits: catastrophic backtracking is stopped; the rule is
	 * open, and counts (score 1 > 0), marked as cut short.
	 */
	big = malloc(LIMIT_REGEX_INPUT * 2 + 1);
	memset(big, 'a', LIMIT_REGEX_INPUT * 2);
	big[LIMIT_REGEX_INPUT * 2] = '\0';
	big[20000] = 'b';			/* (a+)+$ fails only after backtracking */
	big[LIMIT_REGEX_INPUT + 10] = 'c';	/* past the cap */
	f.an.text = big;
	f.an.text_len = LIMIT_REGEX_INPUT * 2;
	rs = rules_new();
	rules_add_text(rs, "t.cf",
	    "body BS_EVIL /^(a+)+$/\nbody BS_EVIL2 /^(a|aa)+$/\n"
	    "body BS_LATE_C /c/\nbody BS_EARLY /^aaa/\n");
	rules_compile(rs, NULL, NULL);
	rules_keep_results(rs, 1);
	t0 = now_ms();
	ok(rules_run(rs, &f.an, &f.ev, &f.a, &hits, &n, &cuts, &ncuts) == 0,
	    "pathological run returns");
	t1 = now_ms();
	ok(rules_result(rs, "BS_EVIL") == 2 && rules_result(rs, "BS_EVIL2") == 2,
	    "a limit hit leaves the rule open, not \"no match\"");
	is_int(ncuts, 2, "both recorded as cut short");
	is_str(ncuts == 2 ? cuts[0].name : "", "BS_EVIL", "  BS_EVIL first");
	ok(t1 - t0 < 2000, "finished in %ld ms of processor time", t1 - t0);
	is_int(rules_result(rs, "BS_LATE_C"), 0,
	    "input capped at LIMIT_REGEX_INPUT (the c is past it)");
	is_int(rules_result(rs, "BS_EARLY"), 1, "a plain pattern still matches");
	is_str(run_hits(hits, n), "BS_EARLY,BS_EVIL*,BS_EVIL2*",
	    "the open rules count, marked cut short; the plain match is not "
	    "marked");
	rules_free(rs);

	/*
	 * One long word: \w+\s\d stays under PCRE2's limits, which count
	 * per start position, and would cost the square of the word. The
	 * rule's own bound on work stops it, always at the same point; the
	 * rules after it still run.
	 */
	memset(big, 'a', LIMIT_REGEX_INPUT);
	memcpy(big + LIMIT_REGEX_INPUT - 9, " tail x", 7);
	f.an.text_len = LIMIT_REGEX_INPUT - 2;
	rs = rules_new();
	rules_add_text(rs, "t.cf", "body BS_WORD /\\w+\\s\\d/\n"
	    "body BS_WORD_LAST /\\w+\\s\\d/\nbody BS_TAIL /tail/\n"
	    "score BS_WORD_LAST -1\n");
	rules_compile(rs, NULL, NULL);
	t0 = now_ms();
	rules_run(rs, &f.an, &f.ev, &f.a, &hits, &n, &cuts, &ncuts);
	t1 = now_ms();
	ok(t1 - t0 < 1000, "\\w+\\s\\d on a 256 KB word, twice: %ld ms of "
	    "processor time", t1 - t0);
	ok(ncuts == 2 && strcmp(cuts[0].limit, "work") == 0 &&
	    strcmp(cuts[1].limit, "work") == 0,
	    "both stopped by the rule's bound on work (LIMIT_REGEX_RULE_WORK)");
	is_str(run_hits(hits, n), "BS_TAIL,BS_WORD*",
	    "open and scored 1: counts; open and scored -1: does not "
	    "(a limit never lowers the score); the next rule still runs");
	rules_free(rs);

	/*
	 * Metas over an open rule: open only when the rule could change
	 * them, and then counted by their own score's sign.
	 */
	rs = rules_new();
	rules_add_text(rs, "t.cf",
	    "body __OPEN /\\w+\\s\\d/\nbody __YES /tail/\nbody __NO /zzz/\n"
	    "meta BS_OR __OPEN || __YES\n"
	    "meta BS_AND __OPEN && __NO\n"
	    "meta BS_AND_OPEN __OPEN && __YES\n"
	    "meta BS_NOT_OPEN !__OPEN\n"
	    "meta BS_NOT_OPEN_NEG !__OPEN\nscore BS_NOT_OPEN_NEG -2\n"
	    "meta BS_SUM1 (__OPEN + __YES) >= 1\n"
	    "meta BS_SUM2 (__OPEN + __YES) >= 2\n"
	    "meta BS_SUM_NO (__OPEN + __NO) >= 2\n"
	    "meta BS_EQ (__OPEN + __YES) == 3\n"
	    "meta BS_ON_META BS_AND_OPEN || BS_AND\n");
	rules_compile(rs, NULL, NULL);
	rules_keep_results(rs, 1);
	rules_run(rs, &f.an, &f.ev, &f.a, &hits, &n, &cuts, &ncuts);
	is_str(run_hits(hits, n),
	    "BS_AND_OPEN*,BS_NOT_OPEN*,BS_ON_META*,BS_OR,BS_SUM1,BS_SUM2*",
	    "metas: || and && decided where the other side decides, "
	    "open otherwise; + and comparisons on ranges; -2 not counted");
	ok(rules_result(rs, "BS_AND") == 0 && rules_result(rs, "BS_EQ") == 0 &&
	    rules_result(rs, "BS_SUM_NO") == 0 &&
	    rules_result(rs, "BS_NOT_OPEN_NEG") == 2,
	    "decided 0 where no outcome of the open rule could make them 1");
	ok(ncuts == 1 && strcmp(cuts[0].name, "__OPEN") == 0,
	    "the cut list names the rule whose pattern was stopped");
	rules_free(rs);

	/*
	 * Hundreds of patterns driven to their limits: the message's work
	 * for matching (LIMIT_REGEX_TOTAL_WORK) stops them, the rest are
	 * open without running, and the run stays well under a second.
	 */
	memset(big, 'a', LIMIT_REGEX_INPUT * 2);
	big[20000] = 'b';
	f.an.text_len = LIMIT_REGEX_INPUT * 2;
	{
		struct buf	 t;
		char		 line[128];
		int		 total = 0;

		buf_init(&t, 1024 * 1024);
		for (k = 0; k < 600; k++) {
			snprintf(line, sizeof(line),
			    "body BS_SLOW%d /^(a+)+(?:$|z%d)/\n", k, k);
			buf_appends(&t, line);
		}
		rs = rules_new();
		rules_add_text(rs, "t.cf", t.data);
		ok(rules_compile(rs, NULL, NULL) == 0, "600 slow rules compile");
		t0 = now_ms();
		rules_run(rs, &f.an, &f.ev, &f.a, &hits, &n, &cuts, &ncuts);
		t1 = now_ms();
		ok(t1 - t0 < 1000, "600 patterns at their limits: %ld ms of "
		    "processor time", t1 - t0);
		is_int(ncuts, 600, "every one is cut short, run or not");
		for (k = 0; k < ncuts; k++)
			total += strcmp(cuts[k].limit, "total") == 0 ||
			    strcmp(cuts[k].limit, "time") == 0;
		ok(total > 300, "most never ran: the message's work was spent "
		    "(%d)", total);
		is_int(n, 600, "open, scored 1: every one counts");
		rules_free(rs);
		buf_free(&t);
	}
	free(big);

	/* invalid UTF-8 is no error */
	f.an.text = (char *)"caf\xe9 \xff\xfe r\xc3\xa9sum\xc3\xa9";
	f.an.text_len = strlen(f.an.text);
	is_str(run(&f, "body BS_U /R\xc3\x89SUM\xc3\x89/i\n", NULL), "BS_U",
	    "caseless UTF-8 match in text with invalid bytes");

	/* replace_tag's bounds: tags, rules named, depth, expanded length */
	{
		struct buf	 t;
		const char	*e;
		int		 j;

		buf_init(&t, 1u << 20);
		for (j = 0; j <= RULES_TAGS_MAX; j++)
			addf(&t, "replace_tag T%d x\n", j);
		buf_appendc(&t, '\0');
		e = compile_errors(t.data, NULL);
		is_str(e, "t.cf:257: replace_tag: more than 256 tags\n",
		    "RULES_TAGS_MAX tags, and the next one refused");
		buf_free(&t);

		buf_init(&t, 1u << 20);
		for (j = 0; j <= RULES_TAG_RULES_MAX; j++)
			addf(&t, "body BS_R%d /<X>/\nreplace_rules BS_R%d\n",
			    j, j);
		buf_appendc(&t, '\0');
		e = compile_errors(t.data, NULL);
		is_str(e, "t.cf:2050: replace_rules: more than 1024 rules\n",
		    "RULES_TAG_RULES_MAX rules named, and the next one refused");
		buf_free(&t);

		/* T0 uses T1, ... T7 is text: as deep as allowed (8 tags
		 * in a chain), then one more */
		buf_init(&t, 8192);
		for (j = 0; j < RULES_TAG_DEPTH - 1; j++)
			addf(&t, "replace_tag T%d <T%d>\n", j, j + 1);
		addf(&t, "replace_tag T%d z\nbody BS_D /<T0>/\n"
		    "replace_rules BS_D\n", RULES_TAG_DEPTH - 1);
		buf_appendc(&t, '\0');
		is_str(compile_errors(t.data, NULL), "",
		    "tags nested RULES_TAG_DEPTH deep");
		buf_free(&t);
		buf_init(&t, 8192);
		for (j = 0; j < RULES_TAG_DEPTH; j++)
			addf(&t, "replace_tag T%d <T%d>\n", j, j + 1);
		addf(&t, "replace_tag T%d z\nbody BS_D /<T0>/\n"
		    "replace_rules BS_D\n", RULES_TAG_DEPTH);
		buf_appendc(&t, '\0');
		is_str(compile_errors(t.data, NULL),
		    "t.cf:10: BS_D: a tag it uses nests deeper than 8, or uses "
		    "itself\n",
		    "one deeper: the rule refused");
		buf_free(&t);

		/* a definition of exactly RULES_EXPANDED_MAX bytes once its
		 * tags are replaced ("/" + 4 x 8000 + 766 + "/") is read (then
		 * RULES_PATTERN_MAX refuses the pattern), one byte more is not */
		buf_init(&t, 65536);
		buf_appends(&t, "replace_tag L ");
		for (j = 0; j < 8000; j++)
			buf_appendc(&t, 'a');
		buf_appends(&t, "\nbody BS_L /<L><L><L><L>");
		for (j = 0; j < 766; j++)
			buf_appendc(&t, 'x');
		buf_appends(&t, "/\nbody BS_M /<L><L><L><L>");
		for (j = 0; j < 767; j++)
			buf_appendc(&t, 'x');
		buf_appends(&t, "/\nreplace_rules BS_L BS_M\n");
		buf_appendc(&t, '\0');
		e = compile_errors(t.data, NULL);
		is_str(e, "t.cf:2: BS_L: pattern too long\n"
		    "t.cf:3: BS_M: longer than 32768 bytes with its tags "
		    "replaced\n", "RULES_EXPANDED_MAX bytes read, one more not");
		buf_free(&t);

		/* each tag is replaced once, however often it is used: 240
		 * tags of filler, T1..T4 each using the one below 16 times
		 * (T3 is 4,096 bytes, T4 past RULES_EXPANDED_MAX), 400 rules
		 * citing T3 eight times each (past it too, by the brackets
		 * around them), and one citing T4 */
		buf_init(&t, 4u << 20);
		for (j = 0; j < 240; j++)
			addf(&t, "replace_tag F%d f\n", j);
		addf(&t, "replace_tag T0 z\n");
		for (j = 1; j <= 4; j++)
			addf(&t, "replace_tag T%d <T%d><T%d><T%d><T%d><T%d><T%d>"
			    "<T%d><T%d><T%d><T%d><T%d><T%d><T%d><T%d><T%d><T%d>"
			    "\n", j, j - 1, j - 1, j - 1, j - 1, j - 1, j - 1,
			    j - 1, j - 1, j - 1, j - 1, j - 1, j - 1, j - 1,
			    j - 1, j - 1, j - 1);
		for (j = 0; j < 400; j++)
			addf(&t, "body __R%d /(?:<T3><T3><T3><T3><T3><T3><T3>"
			    "<T3>)/\nreplace_rules __R%d\n", j, j);
		addf(&t, "body __R400 /<T4>/\nreplace_rules __R400\n");
		buf_appendc(&t, '\0');
		t0 = now_ms();
		e = compile_errors(t.data, &nerr);
		t1 = now_ms();
		ok(nerr == 401 && strstr(e, "t.cf:246: __R0: longer than "
		    "32768 bytes with its tags replaced\n") == e, "tags used "
		    "3,200 times: every definition read, each past the bound "
		    "(%d errors)", nerr);
		ok(t1 - t0 < 2000, "... in %ld ms of processor time", t1 - t0);
		buf_free(&t);
	}

	/* the built-in rules compile clean */
	rs = rules_new();
	buf_init(&err, 65536);
	rules_add_builtin(rs);
	n = rules_compile(rs, NULL, &err);
	is_int(n, 0, "built-in rules: no errors");
	if (n != 0)
		diag("%s", err.data);
	ok(rules_count(rs) > 10, "built-in rules: %d usable", rules_count(rs));
	diag("built-in rules compiled in %ld us", rules_compile_usec(rs));
	ok(rules_compile(rs, NULL, &err) == n, "compiling again is a no-op");
	buf_free(&err);
	rules_free(rs);

	arena_free(&f.a);
	return done();
}
