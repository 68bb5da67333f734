/*
 * fuzz_prefilter.c - libFuzzer harness for the literal prefilter: the
 * input is a pattern, a NUL, and a text. Whenever PCRE2 compiles the
 * pattern (as the rules do: UTF, invalid UTF matched, caseless or not by
 * the first byte) and matches the text, the prefilter must not have
 * ruled the text out. A pattern that matches without any of the
 * literals the prefilter found for it aborts; so does a pattern split
 * into branches that matches when none of them does, or the reverse;
 * and so does a pattern with leads (rules/leads.h) that, tried only at
 * them, answers otherwise than tried everywhere.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/leads.h"
#include "rules/prefilter.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static pcre2_match_data		*md;
static pcre2_match_context	*mctx;

/*
 * The branches prefilter_branches splits the pattern into: the pattern
 * matches exactly when one of them does on its own, and none that
 * matches is ruled out by its own literals.
 */
static void
branches(const char *pattern, uint32_t options, const char *text,
    size_t tlen, const struct prefilter_text *t, int whole)
{
	char		 set[PREFILTER_SET_MAX * (PREFILTER_LIT_MAX + 1) + 1];
	char		 sub[2048];
	size_t		 st[PREFILTER_BRANCH_MAX], en[PREFILTER_BRANCH_MAX];
	pcre2_code	*re;
	PCRE2_SIZE	 off;
	int		 n, k, err, m, any = 0, limited = 0;

	n = prefilter_branches(pattern, options & PCRE2_CASELESS ? 1 : 0, 0,
	    st, en, PREFILTER_BRANCH_MAX);
	for (k = 0; k < n; k++) {
		memcpy(sub, pattern + st[k], en[k] - st[k]);
		sub[en[k] - st[k]] = '\0';
		re = pcre2_compile((PCRE2_SPTR)sub, PCRE2_ZERO_TERMINATED,
		    options | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &err, &off,
		    NULL);
		if (re == NULL) {
			fprintf(stderr, "prefilter: branch /%s/ of /%s/ does "
			    "not compile alone\n", sub, pattern);
			abort();
		}
		m = pcre2_match(re, (PCRE2_SPTR)text, tlen, 0, 0, md, mctx);
		if (m >= 0) {
			any = 1;
			if (prefilter_literals(sub, options & PCRE2_CASELESS ?
			    1 : 0, 0, set, sizeof(set)) > 0 &&
			    !prefilter_maybe(t, set)) {
				fprintf(stderr, "prefilter: branch /%s/ matches "
				    "a text it ruled out\n", sub);
				abort();
			}
		} else if (m != PCRE2_ERROR_NOMATCH)
			limited = 1;
		pcre2_code_free(re);
	}
	if (n > 0 && !limited && any != whole) {
		fprintf(stderr, "prefilter: /%s/ %s, its branches %s\n", pattern,
		    whole ? "matches" : "does not match",
		    any ? "do" : "do not");
		abort();
	}
}

/* Tried only where its leads may begin, re answers as tried everywhere
 * (m), when both are decided. */
static void
leads(const char *pattern, const pcre2_code *re, const char *text,
    size_t tlen, int m)
{
	char	 set[LEADS_BUF];
	long	 tries;
	int	 r, utf8 = LEADS_UTF8_UNKNOWN;

	if (leads_of(pattern, 0, set, sizeof(set)) == 0)
		return;
	r = leads_match(re, set, text, tlen, &utf8, md, mctx, &tries);
	if ((r >= 0 || r == PCRE2_ERROR_NOMATCH) &&
	    (m >= 0 || m == PCRE2_ERROR_NOMATCH) && (r >= 0) != (m >= 0)) {
		fprintf(stderr, "leads: /%s/ %s, tried at its leads it %s\n",
		    pattern, m >= 0 ? "matches" : "does not match",
		    r >= 0 ? "does" : "does not");
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char			 set[PREFILTER_SET_MAX *
				    (PREFILTER_LIT_MAX + 1) + 1];
	char			 pattern[2048];
	const uint8_t		*nul;
	const char		*text;
	struct prefilter_text	 t;
	pcre2_code		*re;
	PCRE2_SIZE		 off;
	size_t			 plen, tlen;
	uint32_t		 options;
	void			*bits;
	int			 err, n, m;

	if (size < 2)
		return 0;
	/* first byte: bit 0 caseless, bit 1 multiline */
	options = (data[0] & 1 ? PCRE2_CASELESS : 0) |
	    (data[0] & 2 ? PCRE2_MULTILINE : 0);
	data++;
	size--;
	if ((nul = memchr(data, '\0', size)) == NULL)
		return 0;
	plen = (size_t)(nul - data);
	if (plen >= sizeof(pattern))
		return 0;
	memcpy(pattern, data, plen);
	pattern[plen] = '\0';
	text = (const char *)nul + 1;
	tlen = size - plen - 1;

	if (md == NULL) {
		md = pcre2_match_data_create(1, NULL);
		mctx = pcre2_match_context_create(NULL);
		pcre2_set_match_limit(mctx, 100000);
		pcre2_set_depth_limit(mctx, 1000);
	}
	re = pcre2_compile((PCRE2_SPTR)pattern, plen, options | PCRE2_UTF |
	    PCRE2_MATCH_INVALID_UTF, &err, &off, NULL);
	if (re == NULL)
		return 0;
	m = pcre2_match(re, (PCRE2_SPTR)text, tlen, 0, 0, md, mctx);
	if ((bits = malloc(prefilter_bits(tlen))) == NULL)
		abort();
	prefilter_text(&t, bits, text, tlen);
	n = prefilter_literals(pattern, options & PCRE2_CASELESS ? 1 : 0, 0,
	    set, sizeof(set));
	if (n > 0 && m >= 0 && !prefilter_maybe(&t, set)) {
		fprintf(stderr, "prefilter: /%s/%s matches a text it ruled out\n",
		    pattern, options & PCRE2_CASELESS ? "i" : "");
		abort();
	}
	if (m >= 0 || m == PCRE2_ERROR_NOMATCH)
		branches(pattern, options, text, tlen, &t, m >= 0);
	leads(pattern, re, text, tlen, m);
	free(bits);
	pcre2_code_free(re);
	return 0;
}
