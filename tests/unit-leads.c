/*
 * unit-leads.c - the literals every match of a pattern begins with
 * (src/rules/leads.c): what is read and what is refused, the scan for
 * them, and matching tried only there, through windows that must widen
 * whenever PCRE2 would look past them (\b, $, a lookahead, a long match,
 * a character cut in two). tests/unit-prefilter checks every built-in
 * pattern the same way over every message of the tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/leads.h"
#include "tap.h"

/* The leads of pattern joined by '|' ("^" for a line's start), or "-". */
static const char *
leads(const char *pattern, int extended)
{
	static char	 joined[LEADS_BUF];
	char		 buf[LEADS_BUF], *o = joined;
	const char	*l;

	if (leads_of(pattern, extended, buf, sizeof(buf)) == 0)
		return "-";
	for (l = buf; *l != '\0'; l += strlen(l) + 1) {
		if (o != joined)
			*o++ = '|';
		if (*l == LEAD_LINE)
			*o++ = '^';
		else
			o += sprintf(o, "%s", l);
	}
	*o = '\0';
	return joined;
}

static const struct {
	const char	*pattern, *want, *why;
} read_cases[] = {
	{ "rejected", "rejected", "a word" },
	{ "\\bSpam\\b", "spam", "\\b skipped, folded" },
	{ "\\b(?:rejected|blocked)\\s+as", "rejected|blocked",
	  "a group of words" },
	{ "(?:as|to be|being)\\s", "as|to be|being", "a space in a word" },
	{ "messages?", "messages|message", "an optional last character: both" },
	{ "messages*x", "message", "a character * follows ends it" },
	{ "e-?mail", "e-mail|email", "an optional character: both ways" },
	{ "colou??r|x", "colour|color|x", "... lazy" },
	{ "ab?c?d?e", "abc|ab|ac|a", "... twice in a lead (LEAD_FORKS), then "
	  "the lead ends" },
	{ "s?pam", "spam|pam", "... the first" },
	{ "ab?", "ab|a", "... the last" },
	{ "a?", "-", "... the only one: an empty lead" },
	{ "e-*mail", "e", "any other quantifier ends the lead" },
	{ "ab{2}c", "a", "{ is a quantifier" },
	{ "junk(?:\\s*mail)?|uce", "junk|uce", "top-level alternatives" },
	{ "(?<!\\bno\\s)\\bvirus", "virus", "a lookbehind skipped" },
	{ "(?=x)(?!y)abc", "abc", "lookaheads skipped" },
	{ "(?:^[ \\t>]*subject|\\bmessage\\s)", "^|message",
	  "^: a line's start, whatever follows" },
	{ "(?:(?:ab|cd)|ef)g", "ab|cd|ef", "groups in groups" },
	{ "(a|b)c", "a|b", "a capturing group" },
	{ "[:x]abc|def", "-", "a class first: no lead there, none at all" },
	{ "abc|", "-", "an empty alternative" },
	{ "(?:abc)?def", "-", "a quantified group" },
	{ "(?:abc|)def", "-", "an empty alternative in the group" },
	{ ".abc", "-", "any character first" },
	{ "\\wabc", "-", "an escape other than \\b first" },
	{ "(?i)abc", "-", "an option setting" },
	{ "abc(?i)def|ghi", "-", "an option setting further on" },
	{ "(*UCP)abc", "-", "a verb" },
	{ "\\Qa|b\\E", "-", "\\Q" },
	{ "\\c(abc", "-", "\\c" },
	{ "(abcd|xyz)\\E?", "-", "\\E: the ? after it makes the group optional" },
	{ "[[:alpha:]]|abc", "-", "a POSIX class" },
	{ "abc[[:alpha:]]", "-", "a POSIX class further on" },
	{ "[|(]abc|def", "-", "| and ( in a class do not split" },
	{ "abc[|(]|def", "abc|def", "... nor open a group" },
	{ "abc\\|x|def", "abc|def", "an escaped |" },
	{ "(?<name>abc)", "-", "a named group first" },
	{ "(((((a)))))", "-", "groups nested past LEADS_DEPTH" },
	{ "((((a))))", "a", "groups nested as deep as it" },
	{ "(?:abc", "-", "a group that does not close" },
	{ "[abc", "-", "a class that does not close" },
	{ "abc\\", "-", "a trailing backslash (PCRE2 refuses it first)" },
};

static void
read_patterns(void)
{
	char		 many[4096], *p = many;
	size_t		 i;
	int		 k;

	for (i = 0; i < sizeof(read_cases) / sizeof(read_cases[0]); i++)
		is_str(leads(read_cases[i].pattern, 0), read_cases[i].want,
		    "leads of /%s/: %s", read_cases[i].pattern,
		    read_cases[i].why);
	is_str(leads("abc", 1), "-", "the x flag: none");
	for (k = 0; k < LEADS_MAX; k++)
		p += sprintf(p, "%sw%d", k ? "|" : "", k);
	ok(strcmp(leads(many, 0), "-") != 0, "LEADS_MAX leads: kept");
	sprintf(p, "|w%d", LEADS_MAX);
	is_str(leads(many, 0), "-", "one more: none (LEADS_MAX)");
	memset(many, 'a', 100);
	many[100] = '\0';
	is_int((long)strlen(leads(many, 0)), LEAD_LEN_MAX,
	    "a long word: its first LEAD_LEN_MAX bytes");
}

static void
scan(void)
{
	char	 buf[LEADS_BUF];
	leads_of("\\b(?:spam|kilo)|^x", 0, buf, sizeof(buf));
	/* from 1: the text's start is a line's */
	is_int((long)leads_next(buf, "a SPAM", 6, 0), 0, "the text's start "
	    "is a line's");
	is_int((long)leads_next(buf, "a SPAM", 6, 1), 2, "found, any case");
	is_int((long)leads_next(buf, "a \xc5\xbfpam", 7, 1), 2,
	    "the long s as s");
	is_int((long)leads_next(buf, "a \xe2\x84\xaailo", 9, 1), 2,
	    "the Kelvin sign as k");
	is_int((long)leads_next(buf, "a spa", 5, 1), 5,
	    "cut short at the end: not there");
	is_int((long)leads_next(buf, "ab\ncd", 5, 1), 3, "a line's start");
	is_int((long)leads_next(buf, "ab\rcd", 5, 1), 3, "... after CR too");
	is_int((long)leads_next(buf, "spam", 4, 1), 4, "from: not before it");
}

/* leads_match against pcre2_match everywhere, for pattern on text. */
static void
same(const char *pattern, const char *text, size_t len, int want,
    const char *why)
{
	char			 buf[LEADS_BUF];
	pcre2_code		*re;
	pcre2_match_data	*md;
	PCRE2_SIZE		 off;
	long			 tries;
	int			 e, all, got, utf8 = LEADS_UTF8_UNKNOWN;

	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_CASELESS |
	    PCRE2_MULTILINE, &e, &off, NULL);
	md = pcre2_match_data_create(1, NULL);
	if (re == NULL || leads_of(pattern, 0, buf, sizeof(buf)) == 0) {
		ok(0, "%s: /%s/ compiles and has leads", why, pattern);
		return;
	}
	all = pcre2_match(re, (PCRE2_SPTR)text, len, 0, 0, md, NULL) >= 0;
	got = leads_match(re, buf, text, len, &utf8, md, NULL, &tries) >= 0;
	ok(all == want && got == want, "%s: %s (everywhere %s, at the leads "
	    "%s, %ld tries)", why, want ? "a match" : "none",
	    all ? "yes" : "no", got ? "yes" : "no", tries);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
}

static void
windows(void)
{
	char	 t[4096];
	size_t	 w = LEADS_WINDOW, k;

	/* foo, then filler to just past the first window, then the rest */
	memset(t, 'x', sizeof(t));
	memcpy(t, "foo", 3);
	strcpy(t + w, "yz");
	same("\\bfoox+\\b", t, w + 2, 0,
	    "\\b where the first window ends: the text goes on");
	same("\\bfoox+$", t, w + 2, 0, "$ where the first window ends");
	same("\\bfoox+(?!y)", t, w + 1, 1,
	    "a lookahead: matches by backing off a byte");
	same("\\bfoox+(?!y)(?!x)", t, w + 2, 0,
	    "lookaheads at the window's end: the text goes on");
	same("\\bfoox+yz", t, w + 2, 1, "a match longer than a window");
	memset(t + 3, 'x', 3000);
	strcpy(t + 3003, "end");
	same("\\bfoo[x]{0,4000}end", t, 3006, 1,
	    "a match of 3,006 bytes: the window doubled five times");
	same("\\bfoo[x]{0,4000}ent", t, 3006, 0, "... and none");
	/* a character of two bytes across the first window's end */
	memset(t, 'x', sizeof(t));
	memcpy(t, "foo", 3);
	memcpy(t + w - 1, "\xc3\xa9", 2);
	t[w + 1] = '\0';
	same("\\bfoox+\\x{e9}$", t, w + 1, 1,
	    "a character cut by the window: whole in the next");
	memcpy(t + w - 1, "\xc3\x28", 2);
	same("\\bfoox+", t, w + 1, 1, "invalid UTF-8 after the start");
	same("\\bfoox+\\(", t, w + 1, 0, "... never matched across");
	/* found by fuzz_prefilter: a word, then invalid UTF-8 past two
	 * windows; PCRE2 said "no match" for a window ending in it */
	for (k = 0; k < sizeof(t); k++)
		t[k] = k % 4 == 3 ? 'A' : (char)0x8a;
	memcpy(t, "x montres", 9);
	same("\\bmontres?\\b", t, 500, 1, "a word before 491 bytes of "
	    "invalid UTF-8: matched (such a text is tried everywhere)");
	same("^foo|\\bbar", "x\nfoo", 5, 1, "at a line's start");
	same("^", "", 0, 1, "^ on an empty text (found by fuzz_prefilter)");
	same("^x?", "a\n", 2, 1, "^ then nothing, at the text's start");
	same("^x?$", "a\n", 2, 0, "^ after a newline that ends the text: "
	    "not a line's start, for PCRE2 either");
	same("^foo|\\bbar", "xfoo", 4, 0, "not inside a line");
}

int
main(void)
{
	read_patterns();
	scan();
	windows();
	return done();
}
