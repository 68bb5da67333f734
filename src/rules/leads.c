/*
 * leads.c - the literals every match of a pattern begins with, and a scan
 * of a text for them (see leads.h).
 */
#include <string.h>

#include "rules/leads.h"
#include "rules/prefilter.h"

/* Groups opened at the start, one in another, read at most; optional
 * characters read as both there and not, in one lead, at most. */
#define LEADS_DEPTH	4
#define LEAD_FORKS	2

struct out {
	char	*p, *end;
	int	 n;
};

static int
quantified(const char *p, const char *end)
{
	return p < end && (*p == '?' || *p == '*' || *p == '+' || *p == '{');
}

/* A byte that stands for itself outside a class (the x flag refused). */
static int
literal(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr(" -_:,;'\"@/%=<>!&~", c) != NULL);
}

/* Past the class that opens at p ("[...]"); NULL when it does not end
 * or holds a POSIX class. */
static const char *
class_end(const char *p, const char *end)
{
	p++;
	if (p < end && *p == '^')
		p++;
	if (p < end && *p == ']')
		p++;
	while (p < end) {
		if (*p == '\\')
			p += 2;
		else if (*p == '[' && end - p >= 2 &&
		    (p[1] == ':' || p[1] == '.' || p[1] == '='))
			return NULL;	/* a POSIX class: not read */
		else if (*p++ == ']')
			return p;
	}
	return NULL;
}

/* Past one item at p: an escape, a class, or one byte; NULL when it does
 * not end. */
static const char *
item_end(const char *p, const char *end)
{
	if (*p == '\\')
		return end - p >= 2 ? p + 2 : NULL;
	if (*p == '[')
		return class_end(p, end);
	return p + 1;
}

/* The ')' that closes the group opened at p, or NULL. */
static const char *
group_close(const char *p, const char *end)
{
	int	 depth = 0;

	while (p < end) {
		if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p;
		if ((p = item_end(p, end)) == NULL)
			return NULL;
	}
	return NULL;
}

/* The next '|' of [p, end) outside any group, or end; NULL on a fault. */
static const char *
next_bar(const char *p, const char *end)
{
	int	 depth = 0;

	while (p < end) {
		if (*p == '(')
			depth++;
		else if (*p == ')')
			depth--;
		else if (*p == '|' && depth == 0)
			return p;
		if ((p = item_end(p, end)) == NULL)
			return NULL;
	}
	return end;
}

/* Write one lead, the n bytes of lit; -1 when it is empty or there is no
 * room. */
static int
add_lead(struct out *o, const char *lit, size_t n)
{
	if (n == 0 || o->n == LEADS_MAX || (size_t)(o->end - o->p) < n + 2)
		return -1;
	memcpy(o->p, lit, n);
	o->p += n;
	*o->p++ = '\0';
	o->n++;
	return 0;
}

/*
 * Add the literals [p, end) may begin with, after the n bytes of lit
 * already read. A character a ? follows is both there and not, in two
 * leads, LEAD_FORKS times at most (e-?mail: "e-mail" and "email", where
 * stopping before it would leave the lead "e"); past that, or before any
 * other quantifier, the literal ends. -1 when a lead would be empty, or
 * there is no room.
 */
static int
add_prefix_from(struct out *o, char *lit, size_t n, const char *p,
    const char *end, int forks)
{
	const char	*q;
	char		 c;

	while (p < end && n < LEAD_LEN_MAX && literal((unsigned char)*p)) {
		c = (*p >= 'A' && *p <= 'Z') ? *p + ('a' - 'A') : *p;
		if (end - p >= 2 && p[1] == '?' && forks > 0) {
			/* c? , c?? (lazy), c?+ (possessive): there or not */
			q = p + 2;
			if (q < end && (*q == '?' || *q == '+'))
				q++;
			lit[n] = c;
			if (add_prefix_from(o, lit, n + 1, q, end, forks - 1) == -1)
				return -1;
			return add_prefix_from(o, lit, n, q, end, forks - 1);
		}
		if (quantified(p + 1, end))
			break;
		lit[n++] = c;
		p++;
	}
	return add_lead(o, lit, n);
}

/* Add the literals [p, end) begins with; -1 when it begins with none, or
 * there is no room. */
static int
add_prefix(struct out *o, const char *p, const char *end)
{
	char	 lit[LEAD_LEN_MAX];

	return add_prefix_from(o, lit, 0, p, end, LEAD_FORKS);
}

/* A zero-width item at p the start may open with (\b, a lookaround):
 * past it; p itself when there is none; NULL on a fault. */
static const char *
zero_width(const char *p, const char *end)
{
	const char	*q;

	if (end - p >= 2 && p[0] == '\\' && p[1] == 'b')
		return p + 2;
	if (end - p >= 3 && p[0] == '(' && p[1] == '?' &&
	    (p[2] == '=' || p[2] == '!' || (p[2] == '<' && end - p >= 4 &&
	    (p[3] == '=' || p[3] == '!')))) {
		if ((q = group_close(p, end)) == NULL || quantified(q + 1, end))
			return NULL;
		return q + 1;
	}
	return p;
}

/* Add the lead that stands for a line's start (LEAD_LINE); -1 when there
 * is no room. */
static int
add_line(struct out *o)
{
	if (o->p + 3 > o->end || o->n == LEADS_MAX)
		return -1;
	*o->p++ = LEAD_LINE;
	*o->p++ = '\0';
	o->n++;
	return 0;
}

/* The leads of one alternative [p, end), depth groups down; -1 when
 * unknown. */
static int
alternative(struct out *o, const char *p, const char *end, int depth)
{
	const char	*q, *inner, *bar;

	while ((q = zero_width(p, end)) != p)
		if ((p = q) == NULL)
			return -1;
	/* ^ matches at the subject's start or after a newline, with the m
	 * flag or not: whatever follows, a match starts at a line's start */
	if (p < end && *p == '^')
		return add_line(o);
	if (p == end || *p != '(')
		return add_prefix(o, p, end);
	if (depth == LEADS_DEPTH)
		return -1;
	if (end - p >= 3 && p[1] == '?' && p[2] == ':')
		inner = p + 3;
	else if (end - p >= 2 && p[1] != '?' && p[1] != '*')
		inner = p + 1;
	else
		return -1;
	if ((q = group_close(p, end)) == NULL || quantified(q + 1, end))
		return -1;
	for (;; inner = bar + 1) {
		if ((bar = next_bar(inner, q)) == NULL ||
		    alternative(o, inner, bar, depth + 1) == -1)
			return -1;
		if (bar == q)
			return 0;
	}
}

/* What could change the meaning of the characters read: refused. */
static int
refused(const char *s)
{
	const char	*p;

	if (strstr(s, "\\Q") != NULL || strstr(s, "\\E") != NULL ||
	    strstr(s, "\\c") != NULL ||
	    strstr(s, "(*") != NULL)
		return 1;
	for (p = s; (p = strstr(p, "(?")) != NULL; p += 2)
		if (p[2] != ':' && p[2] != '=' && p[2] != '!' && p[2] != '<' &&
		    p[2] != '>')
			return 1;
	return 0;
}

int
leads_of(const char *pattern, int extended, char *out, size_t outsz)
{
	struct out	 o = { out, out + outsz, 0 };
	const char	*p = pattern, *end = pattern + strlen(pattern), *bar;

	if (extended || outsz < 2 || refused(pattern))
		return 0;
	for (;;) {
		if ((bar = next_bar(p, end)) == NULL ||
		    alternative(&o, p, bar, 0) == -1)
			return 0;
		if (bar == end)
			break;
		p = bar + 1;
	}
	*o.p = '\0';
	return o.n;
}

/* The bytes after which a line may start (^ with the m flag, under any
 * newline convention: LF, CR, VT, FF, NEL, LS, PS). */
static const unsigned char	 line_ends[] = { '\n', '\r', '\v', '\f', 0x85,
    0xa8, 0xa9 };

/* A set of leads read once for a scan. */
struct lead_set {
	const char	*l[LEADS_MAX];
	size_t		 len[LEADS_MAX];
	int		 n;
	int		 line;		/* LEAD_LINE is one */
	/* each byte: 1 may begin a lead (as prefilter_fold folds it), 2
	 * a line may start after it */
	unsigned char	 cls[256];
};

/* Mark the bytes that fold to c as beginning a lead. */
static void
mark_first(struct lead_set *ls, unsigned char c)
{
	int	 b;

	ls->cls[c] |= 1;
	if (c >= 'a' && c <= 'z')
		ls->cls[c - ('a' - 'A')] |= 1;
	if (c == ' ')
		for (b = '\t'; b <= '\r'; b++)
			ls->cls[b] |= 1;
	if (c == 's')
		ls->cls[0xc5] |= 1;	/* the long s */
	if (c == 'k')
		ls->cls[0xe2] |= 1;	/* the Kelvin sign */
}

static void
lead_set(struct lead_set *ls, const char *leads)
{
	const char	*l;
	size_t		 k;

	memset(ls, 0, sizeof(*ls));
	for (l = leads; *l != '\0' && ls->n < LEADS_MAX; l += strlen(l) + 1) {
		if (*l == LEAD_LINE) {
			ls->line = 1;
			for (k = 0; k < sizeof(line_ends); k++)
				ls->cls[line_ends[k]] |= 2;
			continue;
		}
		mark_first(ls, (unsigned char)*l);
		ls->l[ls->n] = l;
		ls->len[ls->n++] = strlen(l);
	}
}

/* Does lead l (folded) begin at t[i]? */
static int
lead_at(const char *l, size_t n, const unsigned char *t, size_t len,
    size_t i)
{
	size_t	 j, adv;

	for (j = 0; j < n; j++, i += adv)
		if (i >= len ||
		    prefilter_fold(t + i, len - i, &adv) != (unsigned char)l[j])
			return 0;
	return 1;
}

/* The first position at or after from where a lead may begin, or a line
 * start (never at len: ^ does not match after a newline that ends the
 * subject); len when none. */
static size_t
next_lead(const struct lead_set *ls, const unsigned char *t, size_t len,
    size_t from)
{
	size_t	 i, adv;
	int	 k, c;

	if (ls->line && from < len && (from == 0 ||
	    (ls->cls[t[from - 1]] & 2) != 0))
		return from;
	for (i = from; i < len; i++) {
		if (ls->cls[t[i]] == 0)
			continue;
		if (ls->cls[t[i]] & 1) {
			c = prefilter_fold(t + i, len - i, &adv);
			for (k = 0; k < ls->n; k++)
				if ((unsigned char)ls->l[k][0] == c &&
				    lead_at(ls->l[k] + 1, ls->len[k] - 1, t,
				    len, i + adv))
					return i;
		}
		if ((ls->cls[t[i]] & 2) && i + 1 < len)
			return i + 1;
	}
	return len;
}

size_t
leads_next(const char *leads, const char *s, size_t len, size_t from)
{
	struct lead_set	 ls;

	lead_set(&ls, leads);
	return next_lead(&ls, (const unsigned char *)s, len, from);
}

/* Where a window of w bytes from at ends: len, or the first character's
 * start at or past at + w (never inside a UTF-8 sequence). */
static size_t
window_end(const char *s, size_t len, size_t at, size_t w)
{
	size_t	 end;

	if (w >= len - at)
		return len;
	for (end = at + w; end < len && ((unsigned char)s[end] & 0xc0) == 0x80;
	    end++)
		;
	return end;
}

/*
 * Is s valid UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
 * past U+10FFFF)? Windows are only for such a text: PCRE2 matches an
 * invalid one (PCRE2_MATCH_INVALID_UTF) in its valid pieces, and a
 * window's end there does not always say "partial". As strict as PCRE2's
 * own check, so stricter than read/charset.c's, which only decides
 * whether a part's text may pass as it is.
 */
static int
utf8_valid(const unsigned char *s, size_t len)
{
	size_t	 i = 0, n, k;
	unsigned	 c, min;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			n = 1, min = 0x80, c = s[i] & 0x1f;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			n = 2, min = 0x800, c = s[i] & 0x0f;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			n = 3, min = 0x10000, c = s[i] & 0x07;
		else
			return 0;
		if (len - i <= n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (s[i + k] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

int
leads_match(const pcre2_code *re, const char *leads, const char *s,
    size_t len, int *utf8, pcre2_match_data *md, pcre2_match_context *mctx,
    long *tries)
{
	struct lead_set	 ls;
	size_t		 at, from = 0, w, end;
	int		 rc;

	/* an empty text: ^ matches at its start, which is its end */
	*tries = 1;
	if (len == 0)
		return pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, mctx);
	if (*utf8 == LEADS_UTF8_UNKNOWN)
		*utf8 = utf8_valid((const unsigned char *)s, len);
	if (!*utf8)
		return pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, mctx);
	*tries = 0;
	lead_set(&ls, leads);
	while ((at = next_lead(&ls, (const unsigned char *)s, len, from)) <
	    len) {
		for (w = LEADS_WINDOW;; w *= 2) {
			end = window_end(s, len, at, w);
			(*tries)++;
			rc = pcre2_match(re, (PCRE2_SPTR)s, end, at,
			    PCRE2_ANCHORED | (end < len ? PCRE2_PARTIAL_HARD :
			    0), md, mctx);
			if (rc != PCRE2_ERROR_PARTIAL)
				break;
		}
		if (rc != PCRE2_ERROR_NOMATCH)
			return rc;
		from = at + 1;
	}
	return PCRE2_ERROR_NOMATCH;
}

int
leads_of_options(const char *pattern, uint32_t options, char *out,
    size_t outsz)
{
	return leads_of(pattern, (options & (PCRE2_EXTENDED |
	    PCRE2_EXTENDED_MORE | PCRE2_LITERAL)) != 0, out, outsz);
}
