/*
 * leads.h - where a match can start: the literals every match of a
 * pattern begins with, and a scan of a text for them.
 *
 * PCRE2 tries a pattern at every position its start bits allow, and a
 * pattern that opens with a group of words (\b(?:rejected|blocked|...))
 * allows a third of a text's letters, each try hundreds of instructions.
 * When every match must begin with one of a few literals, the text is
 * scanned for them and the pattern is tried, anchored, only there: the
 * same answer for a few instructions a byte. The scan folds as
 * prefilter_fold does (ASCII case, the long s, the Kelvin sign, white
 * space), which finds a superset of the places caseless or not PCRE2
 * could start a match at; PCRE2 decides at each.
 *
 * A pattern whose start is not read exactly has no leads and is matched
 * as before. What is read, in every top-level alternative: zero-width \b
 * and lookarounds, then ^ (a match starts where a line does, whatever
 * follows), literal characters (letters, digits, a space, some
 * punctuation; a character a quantifier follows ends them), or a group
 * whose alternatives are read the same way. Anything that could change
 * what those characters match refuses the whole pattern: an option
 * setting or verb anywhere, \Q or \E (a lone \E is nothing: a quantifier
 * after it quantifies what is before it), \c, a POSIX class, the x flag.
 */
#ifndef BS_LEADS_H
#define BS_LEADS_H

#include <stddef.h>

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

/* Literals in one set at most, the longest kept (longer ones are cut:
 * a prefix of a lead is a lead). */
#define LEADS_MAX	32
#define LEAD_LEN_MAX	24
/* Room for any set leads_of writes. */
#define LEADS_BUF	(LEADS_MAX * (LEAD_LEN_MAX + 1) + 1)

/* The lead that stands for the start of a line (^): a match may start
 * where a line does. */
#define LEAD_LINE	'\001'

/*
 * Write the leads of pattern into out (outsz >= LEADS_BUF) as folded,
 * NUL-terminated strings one after another, ended by an empty string.
 * Returns how many, or 0 when the pattern has none (its start is not
 * read exactly, or extended is set).
 */
int	leads_of(const char *pattern, int extended, char *out, size_t outsz);
/* leads_of for a pattern compiled with these PCRE2 options (extended,
 * extended-more or literal ones have none). */
int	leads_of_options(const char *pattern, uint32_t options, char *out,
	    size_t outsz);

/* The first position at or after from where one of leads (as leads_of
 * wrote them) may begin in s; len when there is none. */
size_t	leads_next(const char *leads, const char *s, size_t len, size_t from);

/*
 * What pcre2_match(re, s, len, 0, 0, md, mctx) returns, found by trying
 * re anchored only where one of leads (those of re's pattern) may begin:
 * >= 0 a match, PCRE2_ERROR_NOMATCH none, or the error a try stopped at
 * (a callout's, a limit's). Each try sees the subject only up to a
 * window past its start, LEADS_WINDOW bytes and doubled while PCRE2 says
 * the try would need more (PCRE2_PARTIAL_HARD): PCRE2 checks the UTF of
 * all it is given at every call, and the rest of a long text at every
 * try would cost more than the tries saved. *tries counts the calls.
 * A text that is not valid UTF-8 is tried everywhere, in one call;
 * *utf8 says whether s is, or LEADS_UTF8_UNKNOWN, and is set once known
 * (a text several patterns read is checked once).
 */
#define LEADS_WINDOW	128
#define LEADS_UTF8_UNKNOWN	(-1)
int	leads_match(const pcre2_code *re, const char *leads, const char *s,
	    size_t len, int *utf8, pcre2_match_data *md,
	    pcre2_match_context *mctx, long *tries);

#endif
