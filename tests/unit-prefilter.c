/*
 * unit-prefilter.c - the literal prefilter: which literals a pattern is
 * given (and which patterns get none: those it must always run), the
 * trigram test with Unicode case folding, and the one property that
 * matters: over every message in tests/data and the Sisimai corpus (when
 * it sits beside the tree), no built-in pattern PCRE2 matches is ever
 * ruled out.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/limits.h"
#include "rules/leads.h"
#include "rules/prefilter.h"
#include "rules/rules.h"
#include "tap.h"

/* pattern, flags ("i", "x" or ""), the literals joined by ',' ("" none) */
static const struct {
	const char	*pattern;
	const char	*flags;
	const char	*want;
} cases[] = {
	{ "spam", "", "spam" },
	{ "SPAM", "i", "spam" },
	{ "\\bspam\\s+filter\\b", "i", "filter" },
	{ "(?:spam|junk)\\s+mail", "i", "spam ,junk " },	/* \\s: any blank, folded to one */
	{ "rejected|blocked|refused", "", "rejected,blocked,refused" },
	{ "ab", "", "" },
	{ "abc|de", "", "" },
	{ "(?:abc|)", "", "" },
	{ "x*", "", "" },
	{ "colou?r", "", "colour,color" },
	{ "[abc]def", "", "adef,bdef,cdef" },
	{ "[\\]x]yzw", "", "]yzw,xyzw" },
	{ "[[:alpha:]]+xyz", "", "xyz" },
	{ "[a\\c]wxyz]abcd", "", "abcd" },	/* \c] is a character */
	{ "[[=]abcd[=]]", "", "[abcd=],=abcd=]" },	/* "[=" without "=]": characters */
	{ "[[:alpha:]x]abcd", "", "abcd" },
	{ "a.b.c", "", "" },
	{ "a{2}bcd", "", "bcd" },
	{ "ab{0,2}cde", "", "cde" },
	{ "x{,3}yz", "", "" },		/* a brace PCRE2 versions differ on */
	{ "\\Qabc\\E", "", "" },
	{ "abc(?x) def", "", "" },
	{ "abcd", "x", "" },
	{ "(*UTF)abcd", "", "" },
	{ "(?=spam)food", "", "food" },
	{ "(?!spam)food", "", "food" },
	{ "(?<=spam)food", "", "food" },
	{ "(?#spam)food", "", "food" },
	{ "foods\\E{0,}", "", "" },		/* the {0,} is the s's */
	{ "abcd\\E*xyz", "", "" },
	{ "(abcd|xyz.)\\E?", "", "" },		/* the ? is the group's */
	{ "(abcd|xyz.)(?#c)?", "", "" },
	{ "(?i:abcd)e", "", "abcde" },
	{ "(?<n>hello)\\s\\k<n>", "", "hello " },
	{ "(?'n'hello)", "", "hello" },
	{ "(?P<n>hello)", "", "hello" },
	{ "(?<*hello)abcd", "", "abcd" },	/* non-atomic lookbehind */
	{ "(?*hello)abcd", "", "abcd" },	/* non-atomic lookahead */
	{ "(?<1x>hello)", "", "" },		/* not a name: not read */
	{ "foo\\1bar", "", "foo" },
	{ "(n\\g'n'>\\g'n')(?<n>)", "i", "" },	/* \\g'n': a call */
	{ "abcd\\g'n'efgh(?<n>)", "", "abcd" },
	{ "(?R)abc", "", "abc" },
	{ "a(?1)bcd", "", "" },		/* recursion by number: not read */
	{ "(?(1)abc|def)", "", "" },
	{ "\\x41bcd", "", "" },
	{ "\\.com\\b", "", ".com" },
	{ "no-?reply", "i", "no-reply,noreply" },
	{ "straße", "i", "stra" },		/* ß: other bytes caselessly */
	{ "straße", "", "straße" },
	{ "(?i)straße", "", "stra" },
	{ "ウイルス", "i", "ウイルス" },	/* kana: no case */
	{ "ſpam", "", "spam" },		/* the long s is folded to s */
	{ "(?:a|b)(?:c|d)", "", "" },		/* two characters: too short */
	{ "(?:a|b)(?:c|d)e", "", "ace,ade,bce,bde" },
	{ "v[i1!|]a(?:gr|qr)a", "i", "viagra,viaqra,v1agra,v1aqra,v!agra,v!aqra,v|agra,v|aqra" },
	{ "[a-z]bcd", "", "bcd" },		/* a range: some character */
	{ "[^x]bcd", "", "bcd" },
	{ "[abcde]fgh", "", "fgh" },		/* more than four: some character */
	{ "V\\sI\\sR\\sU\\sS", "i", "v i r u s" },
	{ "a\\bbcd\\b", "", "abcd" },		/* \\b consumes nothing */
	{ "(?=x)abc(?<!y)def", "", "abcdef" },
	{ "x(?:abc|)y", "", "" },		/* "xy" is too short: always run */
	{ "message\\s+rejected", "i", "rejected" },	/* "message": common */
	{ "(abc", "", "" },
	{ "abc)", "", "" },
	{ "+abc", "", "" },
};

static void
literals_cases(void)
{
	char	 set[8192], got[8192];
	size_t	 i, n;
	char	*p;
	int	 k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		k = prefilter_literals(cases[i].pattern,
		    strchr(cases[i].flags, 'i') != NULL,
		    strchr(cases[i].flags, 'x') != NULL, set, sizeof(set));
		got[0] = '\0';
		n = 0;
		for (p = set; k > 0 && *p != '\0'; p += strlen(p) + 1)
			n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s",
			    n ? "," : "", p);
		is_str(got, cases[i].want, "literals of /%s/%s",
		    cases[i].pattern, cases[i].flags);
	}
}

/* pattern, flags, its branches joined by ' / ' ("" when not split) */
static const struct {
	const char	*pattern;
	const char	*flags;
	const char	*want;
} branch_cases[] = {
	{ "abc|def", "", "abc / def" },
	{ "abc|(?:d|e)f|", "", "abc / (?:d|e)f / " },
	{ "(?:abc|def)", "", "" },		/* one branch */
	{ "abc", "", "" },
	{ "(?i)abc|def", "", "" },		/* the option reaches def */
	{ "(?i:abc)|def", "", "(?i:abc) / def" },
	{ "(abc)|\\1x", "", "" },		/* a backreference ties them */
	{ "(?<n>abc)|\\k<n>", "", "" },
	{ "abc(?R)?|def", "", "" },		/* recursion */
	{ "[|]abc|d\\|ef", "", "[|]abc / d\\|ef" },
	{ "abc|def", "x", "" },
	{ "(?=a)z?a|K\\n", "", "" },		/* PCRE2 10.42 misses alone */
	{ "(?!a)bcd|efg", "", "(?!a)bcd / efg" },
};

/* The reader's own bounds: nesting, branches, literals in a set. */
static void
bound_cases(void)
{
	char	 pat[4096], set[8192], opens[71], closes[71];
	size_t	 st[PREFILTER_BRANCH_MAX], en[PREFILTER_BRANCH_MAX], n = 0;
	int	 k;

	memset(opens, '(', 70);
	memset(closes, ')', 70);
	opens[70] = closes[70] = '\0';

	snprintf(pat, sizeof(pat), "%.70s%s%.70s", opens, "abcd", closes);
	is_int(prefilter_literals(pat, 0, 0, set, sizeof(set)), 0,
	    "70 nested groups: past the depth bound, always run");
	snprintf(pat, sizeof(pat), "%.60s%s%.60s", opens, "abcd", closes);
	is_int(prefilter_literals(pat, 0, 0, set, sizeof(set)), 1,
	    "60 nested groups: read");
	for (k = 0; k < PREFILTER_BRANCH_MAX + 1; k++)
		n += (size_t)snprintf(pat + n, sizeof(pat) - n, "%sword%02d",
		    k ? "|" : "", k);
	is_int(prefilter_branches(pat, 0, 0, st, en, PREFILTER_BRANCH_MAX), 0,
	    "%d top-level branches: not split", PREFILTER_BRANCH_MAX + 1);
	is_int(prefilter_literals(pat, 0, 0, set, sizeof(set)),
	    PREFILTER_BRANCH_MAX + 1, "but their %d literals are a set",
	    PREFILTER_BRANCH_MAX + 1);
	n = 0;
	for (k = 0; k < PREFILTER_SET_MAX + 1; k++)
		n += (size_t)snprintf(pat + n, sizeof(pat) - n, "%sw%03d",
		    k ? "|" : "", k);
	is_int(prefilter_literals(pat, 0, 0, set, sizeof(set)), 0,
	    "%d alternatives: past the set bound, always run",
	    PREFILTER_SET_MAX + 1);
}

static void
branch_split_cases(void)
{
	size_t	 st[PREFILTER_BRANCH_MAX], en[PREFILTER_BRANCH_MAX], n;
	char	 got[1024];
	size_t	 i;
	int	 k, nb;

	for (i = 0; i < sizeof(branch_cases) / sizeof(branch_cases[0]); i++) {
		nb = prefilter_branches(branch_cases[i].pattern,
		    strchr(branch_cases[i].flags, 'i') != NULL,
		    strchr(branch_cases[i].flags, 'x') != NULL, st, en,
		    PREFILTER_BRANCH_MAX);
		got[0] = '\0';
		n = 0;
		for (k = 0; k < nb; k++)
			n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%.*s",
			    k ? " / " : "", (int)(en[k] - st[k]),
			    branch_cases[i].pattern + st[k]);
		is_str(got, branch_cases[i].want, "branches of /%s/%s",
		    branch_cases[i].pattern, branch_cases[i].flags);
	}
}

/* prefilter_maybe on a text for a set given as "a,b,c". */
static int
maybe(const char *text, const char *lits)
{
	struct prefilter_text	 t;
	char			 set[512], *p;
	void			*bits;
	int			 r;

	snprintf(set, sizeof(set) - 1, "%s", lits);
	set[strlen(set) + 1] = '\0';
	for (p = set; (p = strchr(p, ',')) != NULL; p++)
		*p = '\0';
	bits = malloc(prefilter_bits(strlen(text)));
	prefilter_text(&t, bits, text, strlen(text));
	r = prefilter_maybe(&t, set);
	free(bits);
	return r;
}

static void
trigram_cases(void)
{
	ok(maybe("your message was marked as spam", "spam"), "a literal in the text");
	ok(maybe("YOUR MESSAGE WAS MARKED AS SPAM", "spam"), "upper case in the text");
	ok(!maybe("your message was delivered", "spam"), "no literal: ruled out");
	ok(maybe("your message was delivered", "xyz,deliv"), "any one of the set");
	ok(!maybe("", "spam"), "empty text: ruled out");
	ok(!maybe("sp", "spam"), "shorter than a trigram: ruled out");
	ok(maybe("this is \xc5\xbfpam", "spam"), "the long s (U+017F) is an s");
	ok(maybe("3 \xe2\x84\xaa" "elvin", "kelvin"), "the Kelvin sign (U+212A) is a k");
	ok(maybe("\xe3\x82\xa6\xe3\x82\xa4\xe3\x83\xab\xe3\x82\xb9\xe3\x82\x92",
	    "\xe3\x82\xa6\xe3\x82\xa4\xe3\x83\xab\xe3\x82\xb9"), "kana bytes");
	/* a text of up to PREFILTER_EXACT is kept folded: every trigram of
	 * a literal in it is not enough, the literal itself must be */
	ok(!maybe("a maki; bake it", "make "),
	    "every trigram of \"make \" (\"mak\", \"ake\", \"ke \") but not "
	    "the literal: ruled out");
	ok(maybe("we MAKE\tit", "make "),
	    "the literal folded (case, a tab for the space): maybe");
	ok(!maybe("an hour of tea", "qz,xy"),
	    "literals under a trigram are looked for too: none, ruled out");
	ok(maybe("an hour of tea", "xy,ou"), "... one there: maybe");
	ok(maybe("this is \xc5\xbfpam, folded", "s spam"),
	    "the long s folded in the kept text as in the trigrams");
}

/* A text longer than PREFILTER_EXACT is indexed only: trigrams decide.
 * The text has every trigram of "make " ("mak", "ake", "ke "), never
 * the literal. */
static void
exact_bound(void)
{
	static const char	 rep[] = "a maki; bake it; ";
	size_t			 n = PREFILTER_EXACT + 1, i;
	char			*text = malloc(n + 1);

	for (i = 0; i < n; i++)
		text[i] = rep[i % (sizeof(rep) - 1)];
	text[n] = '\0';
	ok(maybe(text, "make "), "one byte past PREFILTER_EXACT: indexed "
	    "only, the literal's trigrams let it through");
	text[n - 1] = '\0';
	ok(!maybe(text, "make "), "at PREFILTER_EXACT: kept folded, the "
	    "literal is not there: ruled out");
	memcpy(text + n - 6, "make ", 5);
	ok(maybe(text, "make "), "at PREFILTER_EXACT, the literal at its "
	    "end: maybe");
	free(text);
}

/* --- every built-in pattern over every message ------------------------- */

struct pat {
	const char	*pattern;
	const char	*lits;
	char		*leads;		/* leads.h, or NULL: none */
	pcre2_code	*re;		/* as the program runs it: interpreted */
	pcre2_code	*jit;		/* a copy, JIT-compiled where it can be */
	int		 nbr;
	pcre2_code	*br[PREFILTER_BRANCH_MAX];
	pcre2_code	*br_jit[PREFILTER_BRANCH_MAX];
	char		*br_lits[PREFILTER_BRANCH_MAX];	/* NULL: none */
	char		*br_leads[PREFILTER_BRANCH_MAX];
};

static struct pat	*pats;
static int		 npats;
static pcre2_match_data	*md;
static long		 files, pairs, ruled_out, matched, wrong;
static long		 br_pairs, br_ruled_out, br_wrong, split_wrong;
static long		 lead_pairs, lead_tries, lead_wrong, lead_matched;
static long		 seen, every = 1;
static long		 part, parts = 1;	/* this process's share of the files */

/* The leads of pattern (leads.h), malloc'd, or NULL. */
static char *
leads_copy(const char *pattern, uint32_t options)
{
	char	 buf[LEADS_BUF], *c;
	size_t	 n;

	if (leads_of(pattern, (options & PCRE2_EXTENDED) != 0, buf,
	    sizeof(buf)) <= 0)
		return NULL;
	for (n = 0; buf[n] != '\0'; n += strlen(buf + n) + 1)
		;
	c = malloc(n + 1);
	memcpy(c, buf, n + 1);
	return c;
}

static pcre2_match_context	*jit_mc;
static pcre2_jit_stack		*jit_stack;
static pcre2_code		*utf8_check;	/* "": fails on invalid UTF-8 */

/* Does re match anywhere in s, as the program's interpreter says? */
static int
interpreted(const pcre2_code *re, const char *s, size_t len)
{
	return pcre2_match(re, (PCRE2_SPTR)s, len, 0, PCRE2_NO_JIT, md,
	    NULL) >= 0;
}

/* A JIT-compiled copy of re (its own code stays interpreted: what the
 * program runs, and what leads_match is given). */
static pcre2_code *
jit_copy(const pcre2_code *re)
{
	pcre2_code	*c;

	if ((c = pcre2_code_copy(re)) == NULL)
		abort();
	(void)pcre2_jit_compile(c, PCRE2_JIT_COMPLETE);
	return c;
}

/*
 * Does re match anywhere in s, and, where it has leads, tried only where
 * they begin, does it answer the same? The answer anywhere is first the
 * JIT copy's (the test took 87 s interpreted, most of it these matches),
 * settled by the interpreter when the JIT could not answer, when the
 * leads (always interpreted) disagree with it, or when there are no
 * leads: PCRE2 10.42's JIT misses some caseless UTF-8 matches
 * (/d\S{1,2}tect/i in "détecté") that the interpreter finds.
 */
static int	 text_utf8;	/* the text being checked is valid UTF-8 */

static int
anywhere(const char *name, const char *pattern, const pcre2_code *re,
    const pcre2_code *jit, const char *leads, const char *s, size_t len)
{
	long	 tries;
	int	 rc, want, got, utf8 = LEADS_UTF8_UNKNOWN;

	if (leads == NULL)
		return interpreted(re, s, len);
	if (jit_mc == NULL) {
		if ((jit_mc = pcre2_match_context_create(NULL)) == NULL ||
		    (jit_stack = pcre2_jit_stack_create(32768, 8 << 20,
		    NULL)) == NULL)
			abort();
		pcre2_jit_stack_assign(jit_mc, NULL, jit_stack);
	}
	rc = pcre2_match(jit, (PCRE2_SPTR)s, len, 0, 0, md, jit_mc);
	want = rc >= 0 ? 1 : rc == PCRE2_ERROR_NOMATCH ? 0 :
	    interpreted(re, s, len);
	/* in a text that is not UTF-8, leads_match tries the whole text as
	 * it is: no leads to check, and the interpreter's slowest case (the
	 * JIT, wrong only in caseless UTF-8 so far, answers) */
	if (!text_utf8)
		return want;
	got = leads_match(re, leads, s, len, &utf8, md, NULL, &tries) >= 0;
	if (got != want)
		want = interpreted(re, s, len);
	lead_pairs++;
	lead_tries += tries;
	lead_matched += got;
	if (got != want && lead_wrong++ < 5)
		diag("%s: /%s/ %s, tried at its leads it %s", name, pattern,
		    want ? "matches" : "does not", got ? "does" : "does not");
	return want;
}

/* Matched branch by branch, the pattern gives the same answer. */
static void
check_branches(const char *name, const struct pat *p, const char *s,
    size_t len, const struct prefilter_text *t, int whole)
{
	int	 k, m, any = 0;

	for (k = 0; k < p->nbr; k++) {
		m = anywhere(name, p->pattern, p->br[k], p->br_jit[k],
		    p->br_leads[k], s, len);
		any |= m;
		br_pairs++;
		if (p->br_lits[k] != NULL && !prefilter_maybe(t, p->br_lits[k])) {
			br_ruled_out++;
			if (m && br_wrong++ < 5)
				diag("%s: branch %d of /%s/ matches, but was "
				    "ruled out", name, k, p->pattern);
		}
	}
	if (any != whole && split_wrong++ < 5)
		diag("%s: /%s/ %s, its branches %s", name, p->pattern,
		    whole ? "matches" : "does not", any ? "do" : "do not");
}

static void
check_text(const char *name, const char *s, size_t len)
{
	struct prefilter_text	 t;
	void			*bits;
	int			 i, m, may;

	bits = malloc(prefilter_bits(len));
	prefilter_text(&t, bits, s, len);
	text_utf8 = utf8_check == NULL || pcre2_match(utf8_check,
	    (PCRE2_SPTR)s, len, 0, 0, md, NULL) >= 0;
	for (i = 0; i < npats; i++) {
		may = pats[i].lits == NULL || prefilter_maybe(&t, pats[i].lits);
		pairs++;
		/* let through, with neither leads nor branches to compare:
		 * whether it matches shows nothing (the run would try it),
		 * and the interpreter's pass over the whole text was a third
		 * of this test's time */
		if (may && pats[i].leads == NULL && pats[i].nbr == 0)
			continue;
		m = anywhere(name, pats[i].pattern, pats[i].re, pats[i].jit,
		    pats[i].leads, s, len);
		matched += m;
		ruled_out += !may;
		if (m && !may && wrong++ < 5)
			diag("%s: /%s/ matches, but was ruled out", name,
			    pats[i].pattern);
		if (pats[i].nbr > 0)
			check_branches(name, &pats[i], s, len, &t, m);
	}
	free(bits);
}

static int
visit(const char *path, const struct stat *st, int type, struct FTW *f)
{
	char	*s;
	ssize_t	 n;
	size_t	 len;
	int	 fd;

	(void)f;
	if (type != FTW_F || st->st_size <= 0 ||
	    st->st_size > LIMIT_REGEX_INPUT)
		return 0;
	/* PREFILTER_EVERY=N: every Nth file only (a sanitizer's build, which
	 * looks for memory errors, not for another answer) */
	if (++seen % every != 0 || seen / every % parts != part)
		return 0;
	if ((fd = open(path, O_RDONLY)) == -1)
		return 0;
	len = (size_t)st->st_size;
	s = malloc(len);
	n = read(fd, s, len);
	close(fd);
	if (n == (ssize_t)len) {
		files++;
		check_text(path, s, len);
	}
	free(s);
	return 0;
}

/* The counters a walk adds to, in the order walk() passes them on. */
static long *const counters[] = {
	&files, &pairs, &ruled_out, &matched, &wrong, &br_pairs,
	&br_ruled_out, &br_wrong, &split_wrong, &lead_pairs, &lead_tries,
	&lead_wrong, &lead_matched
};
#define NCOUNTERS	(sizeof(counters) / sizeof(counters[0]))

/*
 * Every text of the tree and the corpus checked, the files shared out
 * between two processes where there are two processors (the longest test
 * of the suite: it ran alone at its end): the second's counters come
 * back through a pipe and are added; its diagnostics it prints itself.
 */
static void
walk(const char *top)
{
	char	 dir[4096];
	long	 got[NCOUNTERS];
	size_t	 i;
	ssize_t	 n;
	pid_t	 pid = -1;
	int	 fd[2] = { -1, -1 }, st;

	if (sysconf(_SC_NPROCESSORS_ONLN) > 1 && pipe(fd) == 0) {
		parts = 2;
		fflush(stdout);
		if ((pid = fork()) == 0) {
			close(fd[0]);
			part = 1;
			for (i = 0; i < NCOUNTERS; i++)
				*counters[i] = 0;
		} else if (pid == -1) {
			parts = 1;
			close(fd[0]);
			close(fd[1]);
		} else
			close(fd[1]);
	}
	snprintf(dir, sizeof(dir), "%s/tests/data", top);
	nftw(dir, visit, 16, FTW_PHYS);
	snprintf(dir, sizeof(dir), "%s/examples", top);
	nftw(dir, visit, 16, FTW_PHYS);
	snprintf(dir, sizeof(dir), "%s/../shared/corpus/sisimai", top);
	nftw(dir, visit, 16, FTW_PHYS);
	if (pid == 0) {
		for (i = 0; i < NCOUNTERS; i++)
			got[i] = *counters[i];
		fflush(stdout);
		_exit(write(fd[1], got, sizeof(got)) == (ssize_t)sizeof(got) ?
		    0 : 1);
	}
	if (pid > 0) {
		n = read(fd[0], got, sizeof(got));
		close(fd[0]);
		/* a lost share counts as a wrong answer */
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0 || n != (ssize_t)sizeof(got)) {
			diag("the second process's share of the files was lost");
			wrong++;
		} else
			for (i = 0; i < NCOUNTERS; i++)
				*counters[i] += got[i];
	}
}

/* The branches of p as the rules split them, compiled, with literals. */
static void
split_pattern(struct pat *p, uint32_t options)
{
	size_t		 st[PREFILTER_BRANCH_MAX], en[PREFILTER_BRANCH_MAX], n;
	char		 sub[8192], set[8192];
	PCRE2_SIZE	 off;
	int		 nb, k, e;

	nb = prefilter_branches(p->pattern, (options & PCRE2_CASELESS) != 0,
	    (options & PCRE2_EXTENDED) != 0, st, en, PREFILTER_BRANCH_MAX);
	for (k = 0; k < nb; k++) {
		snprintf(sub, sizeof(sub), "%.*s", (int)(en[k] - st[k]),
		    p->pattern + st[k]);
		p->br[k] = pcre2_compile((PCRE2_SPTR)sub, PCRE2_ZERO_TERMINATED,
		    options | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &e, &off,
		    NULL);
		if (p->br[k] == NULL)
			abort();
		p->br_jit[k] = NULL;
		p->br_lits[k] = NULL;
		p->br_leads[k] = leads_copy(sub, options);
		if (prefilter_literals(sub, (options & PCRE2_CASELESS) != 0, 0,
		    set, sizeof(set)) > 0) {
			for (n = 0; set[n] != '\0'; n += strlen(set + n) + 1)
				;
			p->br_lits[k] = malloc(n + 1);
			memcpy(p->br_lits[k], set, n + 1);
		}
	}
	p->nbr = nb;
}

static void
builtin_patterns(void)
{
	struct ruleset	*rs = rules_new();
	struct buf	 err;
	const char	*pattern, *lits, *top;
	uint32_t	 options;
	int		 i, k, rc, e, with = 0, nsplit = 0, with_leads = 0;
	PCRE2_SIZE	 off;

	buf_init(&err, 65536);
	rules_add_builtin(rs);
	ok(rules_compile(rs, NULL, &err) == 0, "built-in rules compile");
	pats = calloc(4096, sizeof(*pats));
	for (i = 0; (rc = rules_pattern(rs, i, &pattern, &options,
	    &lits)) != -1 && npats < 4096; i++) {
		if (rc != 0)
			continue;
		pats[npats].pattern = pattern;
		pats[npats].lits = lits;
		pats[npats].re = pcre2_compile((PCRE2_SPTR)pattern,
		    PCRE2_ZERO_TERMINATED, options | PCRE2_UTF |
		    PCRE2_MATCH_INVALID_UTF, &e, &off, NULL);
		if (pats[npats].re == NULL)
			continue;
		pats[npats].jit = jit_copy(pats[npats].re);
		with += lits != NULL;
		pats[npats].leads = leads_copy(pattern, options);
		with_leads += pats[npats].leads != NULL;
		split_pattern(&pats[npats], options);
		for (k = 0; k < pats[npats].nbr; k++)
			pats[npats].br_jit[k] = jit_copy(pats[npats].br[k]);
		nsplit += pats[npats].nbr > 0;
		npats++;
	}
	diag("%d patterns matched branch by branch", nsplit);
	ok(nsplit > 10, "more than 10 built-in patterns split (%d)", nsplit);
	ok(npats > 40, "%d built-in patterns", npats);
	ok(with * 10 >= npats * 7, "%d of them have literals (at least 70%%)",
	    with);
	md = pcre2_match_data_create(1, NULL);
	utf8_check = pcre2_compile((PCRE2_SPTR)"", 0, PCRE2_UTF, &e, &off,
	    NULL);

	/* what caseless matching equates, written the other way round */
	check_text("long s", "your message was marked as \xc5\xbfpam",
	    strlen("your message was marked as \xc5\xbfpam"));
	check_text("kelvin", "MAILER-DAEMON@\xe2\x84\xaa", 17);

	top = getenv("top_srcdir");
	if (top == NULL)
		top = ".";
	if (getenv("PREFILTER_EVERY") != NULL &&
	    (every = strtol(getenv("PREFILTER_EVERY"), NULL, 10)) < 1)
		every = 1;
	walk(top);
	diag("%ld files, %ld pattern-text pairs: %ld ruled out without running "
	    "PCRE2; %ld of the others matched (of those with leads or "
	    "branches)", files, pairs, ruled_out, matched);
	ok(files > 100 / every, "%ld messages read", files);
	ok(matched > 0 && ruled_out > pairs / 2,
	    "the prefilter rules out most pairs (%ld of %ld)", ruled_out,
	    pairs);
	is_int(wrong, 0, "no pattern PCRE2 matches is ruled out");
	diag("%ld branch-text pairs, %ld ruled out", br_pairs, br_ruled_out);
	is_int(br_wrong, 0, "no branch PCRE2 matches is ruled out");
	is_int(split_wrong, 0, "split patterns answer as the whole does");
	diag("%ld pattern-text pairs tried at their leads: %ld tries, %ld "
	    "matched", lead_pairs, lead_tries, lead_matched);
	ok(with_leads >= 10 && lead_matched > 0,
	    "%d built-in patterns have leads, and some texts match them",
	    with_leads);
	is_int(lead_wrong, 0, "tried only at their leads, patterns and "
	    "branches answer as tried everywhere");
	for (i = 0; i < npats; i++) {
		pcre2_code_free(pats[i].re);
		pcre2_code_free(pats[i].jit);
		free(pats[i].leads);
		for (k = 0; k < pats[i].nbr; k++) {
			pcre2_code_free(pats[i].br[k]);
			pcre2_code_free(pats[i].br_jit[k]);
			free(pats[i].br_lits[k]);
			free(pats[i].br_leads[k]);
		}
	}
	free(pats);
	pcre2_match_context_free(jit_mc);
	pcre2_jit_stack_free(jit_stack);
	pcre2_code_free(utf8_check);
	pcre2_match_data_free(md);
	rules_free(rs);
	buf_free(&err);
}

struct pat;
static void	split_pattern(struct pat *, uint32_t);

/* Inputs fuzz/fuzz_prefilter found (tests/data/regress, .pf), replayed. */
static void
replay(void)
{
	char			 path[4096], buf[16384], set[8192], pattern[4096];
	const char		*top = getenv("top_srcdir"), *nul;
	struct prefilter_text	 t;
	struct dirent		*d;
	pcre2_code		*re;
	PCRE2_SIZE		 off;
	DIR			*dir;
	ssize_t			 n;
	size_t			 plen;
	void			*bits;
	int			 fd, e, caseless, m, found = 0;
	uint32_t		 multiline;
	char			*leads;
	long			 tries;
	int			 utf8;

	snprintf(path, sizeof(path), "%s/tests/data/regress",
	    top != NULL ? top : ".");
	if ((dir = opendir(path)) == NULL)
		return;
	md = pcre2_match_data_create(1, NULL);
	while ((d = readdir(dir)) != NULL) {
		size_t	 len = strlen(d->d_name);

		if (len < 4 || strcmp(d->d_name + len - 3, ".pf") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/tests/data/regress/%s",
		    top != NULL ? top : ".", d->d_name);
		if ((fd = open(path, O_RDONLY)) == -1)
			continue;
		n = read(fd, buf, sizeof(buf));
		close(fd);
		if (n < 2 || (nul = memchr(buf + 1, '\0', (size_t)n - 1)) == NULL)
			continue;
		caseless = buf[0] & 1;
		multiline = buf[0] & 2 ? PCRE2_MULTILINE : 0;
		plen = (size_t)(nul - (buf + 1));
		if (plen >= sizeof(pattern))
			continue;
		memcpy(pattern, buf + 1, plen);
		pattern[plen] = '\0';
		re = pcre2_compile((PCRE2_SPTR)pattern, plen,
		    (caseless ? PCRE2_CASELESS : 0) | multiline | PCRE2_UTF |
		    PCRE2_MATCH_INVALID_UTF, &e, &off, NULL);
		if (re == NULL)
			continue;
		found++;
		m = pcre2_match(re, (PCRE2_SPTR)nul + 1,
		    (size_t)(buf + n - (nul + 1)), 0, 0, md, NULL) >= 0;
		bits = malloc(prefilter_bits((size_t)(buf + n - (nul + 1))));
		prefilter_text(&t, bits, nul + 1, (size_t)(buf + n - (nul + 1)));
		ok(!m || prefilter_literals(pattern, caseless, 0, set,
		    sizeof(set)) == 0 || prefilter_maybe(&t, set),
		    "%s: a text PCRE2 matches is not ruled out", d->d_name);
		leads = leads_copy(pattern, 0);
		utf8 = LEADS_UTF8_UNKNOWN;
		ok(leads == NULL || (leads_match(re, leads, nul + 1,
		    (size_t)(buf + n - (nul + 1)), &utf8, md, NULL,
		    &tries) >= 0) == m,
		    "%s: %s", d->d_name, leads == NULL ? "no leads" :
		    "tried at its leads, the same answer");
		free(leads);
		{
			struct pat	 p;
			int		 k, any = 0;

			memset(&p, 0, sizeof(p));
			p.pattern = pattern;
			split_pattern(&p, caseless ? PCRE2_CASELESS : 0);
			for (k = 0; k < p.nbr; k++) {
				any |= pcre2_match(p.br[k], (PCRE2_SPTR)nul + 1,
				    (size_t)(buf + n - (nul + 1)), 0, 0, md,
				    NULL) >= 0;
				pcre2_code_free(p.br[k]);
				free(p.br_lits[k]);
				free(p.br_leads[k]);
			}
			ok(p.nbr == 0 || any == m, "%s: split into %d branches, "
			    "the same answer", d->d_name, p.nbr);
		}
		free(bits);
		pcre2_code_free(re);
	}
	closedir(dir);
	pcre2_match_data_free(md);
	md = NULL;
	ok(found >= 2, "%d fuzzer inputs replayed", found);
}

int
main(void)
{
	plan(0);
	literals_cases();
	bound_cases();
	branch_split_cases();
	trigram_cases();
	exact_bound();
	replay();
	builtin_patterns();
	return done();
}
