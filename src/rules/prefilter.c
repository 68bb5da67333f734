/*
 * prefilter.c - required literals of a pattern, and a trigram index of a
 * text to rule patterns out before PCRE2 runs (see prefilter.h).
 *
 * The reader walks the pattern once, recursively by group (depth bounded),
 * and computes for each piece a set of literals one of which every match
 * of the piece contains:
 *   - a run of literal characters is one literal;
 *   - a sequence needs every one of its items, so any one item's set will
 *     do: the one least likely to be in a text is kept;
 *   - an alternation needs one of its branches: the union of their sets,
 *     or nothing when a branch requires nothing;
 *   - anything that may match the empty string, a class, a dot, an escape
 *     like \s, a lookaround, requires nothing.
 * Everything the reader does not know makes the whole pattern "always
 * run": the answer must never be "cannot match" for a text PCRE2 would
 * match. Literals are folded (ASCII lower case, and the two non-ASCII
 * characters that caseless matching equates with ASCII letters), and the
 * text is folded the same way before its trigrams are taken.
 */
#include "bsconfig.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rules/prefilter.h"

#define PF_POOL		32768
#define PF_DEPTH	64
/* Strings in an exact set: the cross product of a few small choices. */
#define PF_EXACT_MAX	16
/* Characters in a class read as an exact set. */
#define PF_CLASS_MAX	4

struct pf_set {
	int		 any;		/* requires nothing known */
	int		 n;
	uint16_t	 off[PREFILTER_SET_MAX];
	uint8_t		 len[PREFILTER_SET_MAX];
};

/*
 * Every string a piece can match, when there are few: a literal run, a
 * small class, a group of such alternatives, an optional one of these.
 * Strings are folded.
 */
struct pf_exact {
	int		 n;
	uint8_t		 len[PF_EXACT_MAX];
	char		 s[PF_EXACT_MAX][PREFILTER_LIT_MAX];
};

struct pf {
	const unsigned char	*p, *end;
	const unsigned char	*start;
	int			 caseless;
	int			 bail;
	int			 depth;
	int			 linked;	/* branches not separable */
	int			 nbranch;	/* top-level branches */
	size_t			 branch_start[PREFILTER_BRANCH_MAX];
	size_t			 branch_end[PREFILTER_BRANCH_MAX];
	size_t			 used;
	char			 pool[PF_POOL];
};

enum atom {
	A_EXACT,	/* matches one of the strings of an exact set */
	A_ANY,		/* some text, nothing known */
	A_ZW,		/* consumes nothing: \b, ^, lookarounds */
	A_SET,		/* a group: one of a set of literals is in it */
	A_NONE		/* nothing at all: comments, (?i) */
};

static void	alt(struct pf *, struct pf_set *, struct pf_exact *);

/*
 * How likely a literal is to be in a bounce's text, roughly: the set with
 * the smallest sum is kept. Literals under three characters cannot be
 * looked up by trigram at all.
 */
static const char *const common[] = {
	"the", "and", "you", "your", "for", "from", "not", "was", "has",
	"have", "been", "this", "that", "with", "are", "mail", "email",
	"e-mail", "message", "sent", "send", "address", "delivery",
	"recipient", "error", "failed", "user", "server", "subject", "account",
	NULL
};

static double
lit_cost(const char *s, size_t len)
{
	size_t	 n, k, letters = 0;
	int	 i;

	if (len < 3)
		return 1e9;
	/* "message " is as common as "message", "as " as any short word */
	for (n = len; n > 0 && s[n - 1] == ' '; n--)
		;
	for (; n > 0 && *s == ' '; s++, n--)
		;
	for (i = 0; common[i] != NULL; i++)
		if (strlen(common[i]) == n && memcmp(common[i], s, n) == 0)
			return 0.9;
	for (k = 0; k < n; k++)
		letters += s[k] != ' ';
	switch (letters) {
	case 0: case 1: case 2: return 0.9;
	case 3: return 0.3;
	case 4: return 0.15;
	case 5: return 0.08;
	default: return 0.04;
	}
}

static double
set_cost(const struct pf *pf, const struct pf_set *set)
{
	double	 c = 0;
	int	 i;

	if (set->any || set->n == 0)
		return 1e9;
	for (i = 0; i < set->n; i++)
		c += lit_cost(pf->pool + set->off[i], set->len[i]);
	return c;
}

static void
consider(struct pf *pf, struct pf_set *best, double *bestc,
    const struct pf_set *cand)
{
	double	 c = set_cost(pf, cand);

	if (c < 1e9 && c < *bestc) {
		*best = *cand;
		*bestc = c;
	}
}

static void
exact_one(struct pf_exact *x, const char *s, size_t len)
{
	x->n = 1;
	x->len[0] = (uint8_t)len;
	memcpy(x->s[0], s, len);
}

/* Add a string unless it is there; 0, or -1 when full. */
static int
exact_add(struct pf_exact *x, const char *s, size_t len)
{
	int	 i;

	for (i = 0; i < x->n; i++)
		if (x->len[i] == len && memcmp(x->s[i], s, len) == 0)
			return 0;
	if (x->n >= PF_EXACT_MAX || len > PREFILTER_LIT_MAX)
		return -1;
	x->len[x->n] = (uint8_t)len;
	memcpy(x->s[x->n++], s, len);
	return 0;
}

/* The run's strings as a candidate set; the run starts again empty. */
static void
flush(struct pf *pf, struct pf_exact *run, struct pf_set *best,
    double *bestc)
{
	struct pf_set	 cand;
	int		 i;

	if (run->n == 1 && run->len[0] == 0)
		return;
	cand.any = 0;
	cand.n = 0;
	for (i = 0; i < run->n; i++) {
		if (pf->used + run->len[i] + 1 > sizeof(pf->pool)) {
			pf->bail = 1;
			return;
		}
		memcpy(pf->pool + pf->used, run->s[i], run->len[i]);
		pf->pool[pf->used + run->len[i]] = '\0';
		cand.off[cand.n] = (uint16_t)pf->used;
		cand.len[cand.n++] = run->len[i];
		pf->used += run->len[i] + 1;
	}
	exact_one(run, "", 0);
	consider(pf, best, bestc, &cand);
}

/*
 * Append x to the run: every string of the run followed by every string
 * of x. When that would be too many or too long, the run so far becomes
 * a candidate and x starts a new one: *broken is then set (the run no
 * longer holds all the sequence has matched).
 */
static void
append(struct pf *pf, struct pf_exact *run, const struct pf_exact *x,
    struct pf_set *best, double *bestc, int *broken)
{
	struct pf_exact	 out;
	int		 i, k, fits = run->n * x->n <= PF_EXACT_MAX;
	size_t		 n;

	for (i = 0; fits && i < run->n; i++)
		for (k = 0; k < x->n; k++)
			if (run->len[i] + x->len[k] > PREFILTER_LIT_MAX)
				fits = 0;
	if (!fits) {
		flush(pf, run, best, bestc);
		*broken = 1;
		*run = *x;
		return;
	}
	out.n = 0;
	for (i = 0; i < run->n; i++)
		for (k = 0; k < x->n; k++) {
			char	 buf[PREFILTER_LIT_MAX];

			n = run->len[i];
			memcpy(buf, run->s[i], n);
			memcpy(buf + n, x->s[k], x->len[k]);
			(void)exact_add(&out, buf, n + x->len[k]);
		}
	*run = out;
}

/* Skip to and past the byte c; bail if it never comes. */
static void
skip_past(struct pf *pf, unsigned char c)
{
	while (pf->p < pf->end && *pf->p != c)
		pf->p++;
	if (pf->p >= pf->end)
		pf->bail = 1;
	else
		pf->p++;
}

/* A one-character exact set of the folded c. */
static enum atom
exact_char(struct pf_exact *x, unsigned char c)
{
	size_t	 adv;
	char	 f = (char)prefilter_fold(&c, 1, &adv);

	exact_one(x, &f, 1);
	return A_EXACT;
}

/* The escape after a backslash (pf->p at the character after it). */
static enum atom
escape(struct pf *pf, struct pf_exact *x)
{
	unsigned char	 e;

	if (pf->p >= pf->end) {
		pf->bail = 1;
		return A_NONE;
	}
	e = *pf->p++;
	if (e >= 0x80) {		/* an escaped non-ASCII character */
		while (pf->p < pf->end && (*pf->p & 0xc0) == 0x80)
			pf->p++;
		return A_ANY;
	}
	if (!((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') ||
	    (e >= '0' && e <= '9'))) {
		if (e < 0x20 || e == 0x7f)
			return A_ANY;
		return exact_char(x, e);
	}
	switch (e) {
	case 'Q':		/* quoting changes what follows: not read */
		pf->bail = 1;
		return A_NONE;
	case 'E':
		return A_NONE;
	case 'b': case 'B': case 'A': case 'z': case 'Z': case 'G': case 'K':
		return A_ZW;
	case 's':		/* [ \t\n\v\f\r], all folded to ' ' */
	case 'n': case 't': case 'r': case 'f':
		return exact_char(x, ' ');
	case 'c':
		if (pf->p >= pf->end) {
			pf->bail = 1;
			return A_NONE;
		}
		pf->p++;
		return A_ANY;
	case 'x': case 'o': case 'N': case 'p': case 'P': case 'g': case 'k':
		if (e == 'g' || e == 'k')	/* a reference or a call */
			pf->linked = 1;
		if (pf->p >= pf->end)
			return A_ANY;
		switch (*pf->p) {
		case '{': skip_past(pf, '}'); break;
		case '<': if (e == 'g' || e == 'k') skip_past(pf, '>'); break;
		case '\'':
			if (e == 'g' || e == 'k') {
				pf->p++;	/* past the opening quote */
				skip_past(pf, '\'');
			}
			break;
		default:
			if (e == 'p' || e == 'P')
				pf->p++;
			else if (e == 'x')
				while (pf->p < pf->end && ((*pf->p >= '0' &&
				    *pf->p <= '9') || (*pf->p >= 'a' &&
				    *pf->p <= 'f') || (*pf->p >= 'A' &&
				    *pf->p <= 'F')))
					pf->p++;
			else if (e == 'g')
				while (pf->p < pf->end && (*pf->p == '-' ||
				    *pf->p == '+' ||
				    (*pf->p >= '0' && *pf->p <= '9')))
					pf->p++;
			break;
		}
		return A_ANY;
	default:
		if (e >= '0' && e <= '9') {	/* backreference or octal */
			pf->linked = 1;
			while (pf->p < pf->end && *pf->p >= '0' &&
			    *pf->p <= '9')
				pf->p++;
		}
		/* \d \w \S \h \v \R \X \C ...: some character(s) */
		return A_ANY;
	}
}

/*
 * Just past "[:name:]" (or [.x.], [=x=]) whose name starts at p, or NULL
 * when it is not one: then '[' is a character of the class. PCRE2's rule:
 * a ']' or another "[:" first means not.
 */
static const unsigned char *
posix_end(const unsigned char *p, const unsigned char *end, unsigned char k)
{
	for (; p < end; p++) {
		if (*p == '\\' && p + 1 < end && (p[1] == ']' || p[1] == '\\'))
			p++;
		else if ((*p == '[' && p + 1 < end && p[1] == k) || *p == ']')
			return NULL;
		else if (*p == k && p + 1 < end && p[1] == ']')
			return p + 2;
	}
	return NULL;
}

/*
 * A character class, pf->p after its '['. A few plain characters, like
 * [i1!|], are an exact set; anything else (ranges, negation, escapes of
 * letters, POSIX names, non-ASCII) is some character.
 */
static enum atom
class(struct pf *pf, struct pf_exact *x)
{
	const unsigned char	*q;
	int			 plain = 1, first = 1;
	char			 f;

	x->n = 0;
	if (pf->p < pf->end && *pf->p == '^') {
		plain = 0;
		pf->p++;
	}
	while (pf->p < pf->end) {
		unsigned char	 c = *pf->p;

		if (c == ']' && !first) {
			pf->p++;
			return plain && x->n > 0 ? A_EXACT : A_ANY;
		}
		first = 0;
		if (c == '\\') {
			if (pf->p + 1 < pf->end && (pf->p[1] == 'Q' ||
			    pf->p[1] == 'E')) {
				pf->bail = 1;
				return A_NONE;
			}
			c = pf->p + 1 < pf->end ? pf->p[1] : 0;
			/* \c takes the next character too, even a ']' */
			pf->p += c == 'c' ? 3 : 2;
			if (c > 0x20 && c < 0x7f && !((c >= 'a' && c <= 'z') ||
			    (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
				goto member;
			if (c == 's' || c == 'n' || c == 't' || c == 'r' ||
			    c == 'f') {
				c = ' ';
				goto member;
			}
			plain = 0;
			continue;
		}
		if (c == '[' && pf->p + 1 < pf->end &&
		    (pf->p[1] == ':' || pf->p[1] == '.' || pf->p[1] == '=') &&
		    (q = posix_end(pf->p + 2, pf->end, pf->p[1])) != NULL) {
			pf->p = q;
			plain = 0;
			continue;
		}
		pf->p++;
		if (c == '-' || c < 0x20 || c >= 0x7f) {
			plain = 0;	/* a range, or more than a byte */
			continue;
		}
	member:
		{
			size_t	 adv;

			f = (char)prefilter_fold(&c, 1, &adv);
			if (x->n >= PF_CLASS_MAX || exact_add(x, &f, 1) == -1)
				plain = 0;
		}
	}
	pf->bail = 1;
	return A_NONE;
}

/*
 * Past a group's name: skip bytes of "<" or "P<" (pf->p at the first),
 * then a name (a letter or '_', then word characters), then end. Any
 * other shape is some syntax not read here: bail.
 */
static void
group_name(struct pf *pf, int skip, unsigned char end)
{
	const unsigned char	*p = pf->p + skip;

	if (p >= pf->end || !((*p >= 'a' && *p <= 'z') ||
	    (*p >= 'A' && *p <= 'Z') || *p == '_')) {
		pf->bail = 1;
		return;
	}
	while (p < pf->end && ((*p >= 'a' && *p <= 'z') ||
	    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
		p++;
	if (p >= pf->end || *p != end) {
		pf->bail = 1;
		return;
	}
	pf->p = p + 1;
}

/* A group, pf->p after its '('. */
static enum atom
group(struct pf *pf, struct pf_set *set, struct pf_exact *x)
{
	int	 look = 0;

	if (pf->p < pf->end && *pf->p == '*') {	/* (*VERB) */
		pf->bail = 1;
		return A_NONE;
	}
	if (pf->p < pf->end && *pf->p == '?') {
		pf->p++;
		if (pf->p >= pf->end) {
			pf->bail = 1;
			return A_NONE;
		}
		switch (*pf->p) {
		case '#':
			skip_past(pf, ')');
			return A_NONE;
		case ':': case '>': case '|':
			pf->p++;
			break;
		case '=': case '!': case '*':	/* (?* non-atomic */
			/*
			 * PCRE2 10.42 takes a first character from a positive
			 * lookahead and then may miss a match ((?=a)z?a on
			 * "a"); inside an alternation the optimisation is off,
			 * so a pattern with one is not split into branches.
			 */
			if (*pf->p != '!')
				pf->linked = 1;
			pf->p++;
			look = 1;
			break;
		case '<':
			if (pf->p + 1 < pf->end && (pf->p[1] == '=' ||
			    pf->p[1] == '!' || pf->p[1] == '*')) {
				pf->p += 2;
				look = 1;
			} else
				group_name(pf, 1, '>');
			break;
		case '\'':
			group_name(pf, 1, '\'');
			break;
		case 'P':
			if (pf->p + 1 < pf->end && pf->p[1] == '<')
				group_name(pf, 2, '>');
			else
				pf->bail = 1;
			break;
		default:
			/* option letters: (?i) or (?i:...) */
			while (pf->p < pf->end && ((*pf->p >= 'a' &&
			    *pf->p <= 'z') || (*pf->p >= 'A' && *pf->p <= 'Z') ||
			    *pf->p == '-' || *pf->p == '^')) {
				if (*pf->p == 'x') {
					pf->bail = 1;
					return A_NONE;
				}
				/* (?R), (?C): not options */
				if (strchr("imnsJU-^", *pf->p) == NULL)
					pf->linked = 1;
				pf->p++;
			}
			if (pf->p < pf->end && *pf->p == ')') {
				pf->p++;
				/* outside a group it reaches later branches */
				if (pf->depth == 0)
					pf->linked = 1;
				return A_NONE;
			}
			if (pf->p < pf->end && *pf->p == ':') {
				pf->p++;
				break;
			}
			pf->bail = 1;
			return A_NONE;
		}
		if (pf->bail)
			return A_NONE;
	}
	if (++pf->depth > PF_DEPTH) {
		pf->bail = 1;
		return A_NONE;
	}
	alt(pf, set, x);
	pf->depth--;
	if (pf->bail)
		return A_NONE;
	if (pf->p >= pf->end || *pf->p != ')') {
		pf->bail = 1;
		return A_NONE;
	}
	pf->p++;
	if (look)
		return A_ZW;
	return x->n > 0 ? A_EXACT : A_SET;
}

/* One UTF-8 character at pf->p (a lead byte >= 0x80). */
static enum atom
wide(struct pf *pf, struct pf_exact *x)
{
	unsigned char	 c = *pf->p;
	size_t		 n, i, adv;
	char		 f;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else {
		pf->bail = 1;
		return A_NONE;
	}
	if ((size_t)(pf->end - pf->p) < n) {
		pf->bail = 1;
		return A_NONE;
	}
	for (i = 1; i < n; i++)
		if ((pf->p[i] & 0xc0) != 0x80) {
			pf->bail = 1;
			return A_NONE;
		}
	f = (char)prefilter_fold(pf->p, n, &adv);
	if (adv == n)			/* the long s, the Kelvin sign */
		exact_one(x, &f, 1);
	else
		exact_one(x, (const char *)pf->p, n);
	pf->p += n;
	/*
	 * Caseless, a character may match another with different bytes;
	 * U+3000-U+9FFF (CJK, kana) has no case, and is kept.
	 */
	if (pf->caseless && adv != n && !(c >= 0xe3 && c <= 0xe9))
		return A_ANY;
	return A_EXACT;
}

static enum atom
atom(struct pf *pf, struct pf_set *set, struct pf_exact *x)
{
	unsigned char	 c = *pf->p;

	if (c >= 0x80)
		return wide(pf, x);
	pf->p++;
	switch (c) {
	case '(':
		return group(pf, set, x);
	case '[':
		return class(pf, x);
	case '\\':
		return escape(pf, x);
	case '.':
		return A_ANY;
	case '^': case '$':
		return A_ZW;
	case '*': case '+': case '?': case '{':
		/* a quantifier with nothing before it, or a brace PCRE2
		 * versions read differently */
		pf->bail = 1;
		return A_NONE;
	default:
		if (c < 0x20 || c == 0x7f)
			return A_ANY;
		return exact_char(x, c);
	}
}

static int
digits(struct pf *pf, unsigned long *v)
{
	int	 n = 0;

	*v = 0;
	while (pf->p < pf->end && *pf->p >= '0' && *pf->p <= '9') {
		if (*v < 100000)
			*v = *v * 10 + (unsigned long)(*pf->p - '0');
		pf->p++;
		n++;
	}
	return n;
}

/*
 * The quantifier after an atom: its minimum (1 when there is none) and
 * in *max its maximum (0 for no limit).
 */
static unsigned long
quantifier(struct pf *pf, int *quantified, unsigned long *max)
{
	const unsigned char	*save = pf->p;
	unsigned long		 min = 1;

	*quantified = 0;
	*max = 1;
	if (pf->p >= pf->end)
		return 1;
	switch (*pf->p) {
	case '*':
		min = 0;
		*max = 0;
		pf->p++;
		break;
	case '?':
		min = 0;
		pf->p++;
		break;
	case '+':
		*max = 0;
		pf->p++;
		break;
	case '{':
		pf->p++;
		if (digits(pf, &min) == 0) {
			pf->p = save;
			return 1;
		}
		*max = min;
		if (pf->p < pf->end && *pf->p == ',') {
			pf->p++;
			if (digits(pf, max) == 0)
				*max = 0;
		}
		if (pf->p >= pf->end || *pf->p != '}') {
			pf->p = save;
			*max = 1;
			return 1;
		}
		pf->p++;
		break;
	default:
		return 1;
	}
	*quantified = 1;
	if (pf->p < pf->end && (*pf->p == '?' || *pf->p == '+'))
		pf->p++;
	return min;
}

/*
 * A sequence of items up to '|', ')' or the end: in best the candidate
 * set least likely to be in a text, and in exact every string the whole
 * sequence can match (n 0 when it is not known).
 */
static void
seq(struct pf *pf, struct pf_set *best, struct pf_exact *exact)
{
	struct pf_exact	 run, x;
	struct pf_set	 grp;
	double		 bestc = 1e9;
	enum atom	 a;
	unsigned long	 min, max;
	int		 quantified, broken = 0;

	best->any = 1;
	best->n = 0;
	exact->n = 0;
	exact_one(&run, "", 0);
	while (!pf->bail && pf->p < pf->end && *pf->p != '|' &&
	    *pf->p != ')') {
		grp.any = 1;
		grp.n = 0;
		x.n = 0;
		a = atom(pf, &grp, &x);
		if (pf->bail)
			return;
		min = quantifier(pf, &quantified, &max);
		switch (a) {
		case A_ZW:
		case A_NONE:
			/* consumes nothing: what is either side is adjacent;
			 * but a quantifier after \E or a comment belongs to
			 * what came before ((abc|de)\E?): not read here */
			if (quantified) {
				pf->bail = 1;
				return;
			}
			continue;
		case A_EXACT:
			if (!quantified) {
				append(pf, &run, &x, best, &bestc, &broken);
			} else if (min == 0 && max == 1) {
				if (exact_add(&x, "", 0) == -1) {
					flush(pf, &run, best, &bestc);
					broken = 1;
				} else
					append(pf, &run, &x, best, &bestc,
					    &broken);
			} else if (min >= 1) {
				/* once for sure; what follows may not touch */
				append(pf, &run, &x, best, &bestc, &broken);
				flush(pf, &run, best, &bestc);
				broken = 1;
			} else {
				flush(pf, &run, best, &bestc);
				broken = 1;
			}
			break;
		case A_SET:
			flush(pf, &run, best, &bestc);
			broken = 1;
			if (min > 0)
				consider(pf, best, &bestc, &grp);
			break;
		case A_ANY:
			flush(pf, &run, best, &bestc);
			broken = 1;
			break;
		}
	}
	if (!broken && !pf->bail)
		*exact = run;
	flush(pf, &run, best, &bestc);
}

/*
 * Branches separated by '|' up to ')' or the end: the union of their
 * sets, and of their exact strings when every branch has them.
 */
static void
alt(struct pf *pf, struct pf_set *out, struct pf_exact *exact)
{
	struct pf_set	 br;
	struct pf_exact	 bx;
	int		 i, all_exact = 1;

	out->any = 0;
	out->n = 0;
	exact->n = 0;
	for (;;) {
		size_t	 at = (size_t)(pf->p - pf->start);

		seq(pf, &br, &bx);
		if (pf->bail)
			return;
		if (pf->depth == 0) {
			if (pf->nbranch < PREFILTER_BRANCH_MAX) {
				pf->branch_start[pf->nbranch] = at;
				pf->branch_end[pf->nbranch] =
				    (size_t)(pf->p - pf->start);
			}
			pf->nbranch++;
		}
		if (bx.n == 0)
			all_exact = 0;
		for (i = 0; all_exact && i < bx.n; i++)
			if (exact_add(exact, bx.s[i], bx.len[i]) == -1)
				all_exact = 0;
		if (br.any || br.n == 0)
			out->any = 1;
		for (i = 0; !out->any && i < br.n; i++) {
			if (out->n >= PREFILTER_SET_MAX || br.len[i] < 3) {
				out->any = 1;
				break;
			}
			out->off[out->n] = br.off[i];
			out->len[out->n++] = br.len[i];
		}
		if (pf->p < pf->end && *pf->p == '|') {
			pf->p++;
			continue;
		}
		break;
	}
	if (!all_exact)
		exact->n = 0;
}

/* An inline (?i) anywhere makes the whole pattern count as caseless. */
static int
inline_caseless(const char *s)
{
	const char	*p;

	for (p = s; (p = strstr(p, "(?")) != NULL; ) {
		for (p += 2; (*p >= 'a' && *p <= 'z') || (*p >= 'A' &&
		    *p <= 'Z') || *p == '-' || *p == '^'; p++)
			if (*p == 'i')
				return 1;
	}
	return 0;
}

static struct pf	 pf;	/* 32 KB: not on the stack */

/* Read the whole pattern; -1 when it is not understood. */
static int
analyse(struct pf *a, const char *pattern, int caseless, struct pf_set *set)
{
	struct pf_exact	 exact;

	memset(a, 0, offsetof(struct pf, pool));
	a->p = a->start = (const unsigned char *)pattern;
	a->end = a->p + strlen(pattern);
	a->caseless = caseless || inline_caseless(pattern);
	alt(a, set, &exact);
	return a->bail || a->p != a->end ? -1 : 0;
}

int
prefilter_branches(const char *pattern, int caseless, int extended,
    size_t *start, size_t *end, int max)
{
	struct pf_set	 set;
	int		 i;

	if (extended || analyse(&pf, pattern, caseless, &set) == -1 ||
	    pf.linked || pf.nbranch < 2 || pf.nbranch > max ||
	    pf.nbranch > PREFILTER_BRANCH_MAX)
		return 0;
	for (i = 0; i < pf.nbranch; i++) {
		start[i] = pf.branch_start[i];
		end[i] = pf.branch_end[i];
	}
	return pf.nbranch;
}

int
prefilter_literals(const char *pattern, int caseless, int extended,
    char *out, size_t outsz)
{
	struct pf_set		 set;
	size_t			 used = 0;
	int			 i;

	if (extended || outsz == 0)
		return 0;
	if (analyse(&pf, pattern, caseless, &set) == -1 || set.any ||
	    set.n == 0)
		return 0;
	for (i = 0; i < set.n; i++) {
		if (set.len[i] < 3 || used + set.len[i] + 2 > outsz)
			return 0;
		memcpy(out + used, pf.pool + set.off[i], set.len[i]);
		used += set.len[i];
		out[used++] = '\0';
	}
	out[used] = '\0';
	return set.n;
}

/* --- the text side ------------------------------------------------------- */

static unsigned
bits_log2(size_t len)
{
	unsigned	 lg = 9;	/* at least 512 bits */

	while (lg < 17 && ((size_t)1 << lg) < len * 8)
		lg++;
	return lg;
}

/* Bytes of the bitmap alone. */
static size_t
map_bytes(size_t len)
{
	return ((size_t)1 << bits_log2(len)) / 8;
}

size_t
prefilter_bits(size_t len)
{
	return map_bytes(len) + (len <= PREFILTER_EXACT ? len + 1 : 0);
}

static uint32_t
tri_hash(unsigned a, unsigned b, unsigned c, unsigned shift)
{
	return (((uint32_t)a << 16 | (uint32_t)b << 8 | c) * 0x9e3779b1u) >>
	    shift;
}

void
prefilter_text(struct prefilter_text *t, void *bits, const char *s,
    size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned		 shift = 32 - bits_log2(len), c0 = 0, c1 = 0, c;
	size_t			 i = 0, adv, n = 0;
	uint32_t		 h;
	char			*f = NULL;

	t->all = 0;
	t->bits = bits;
	t->shift = shift;
	t->folded = NULL;
	t->flen = 0;
	memset(bits, 0, map_bytes(len));
	if (len <= PREFILTER_EXACT)
		t->folded = f = (char *)bits + map_bytes(len);
	while (i < len) {
		c = (unsigned)prefilter_fold(p + i, len - i, &adv);
		i += adv;
		if (f != NULL)
			f[n] = (char)c;
		if (++n >= 3) {
			h = tri_hash(c0, c1, c, shift);
			t->bits[h >> 6] |= (uint64_t)1 << (h & 63);
		}
		c0 = c1;
		c1 = c;
	}
	if (f != NULL) {
		f[n] = '\0';
		t->flen = n;
	}
}

int
prefilter_maybe(const struct prefilter_text *t, const char *set)
{
	const unsigned char	*l;
	size_t			 len, i;
	uint32_t		 h;

	if (t->all || t->bits == NULL)
		return 1;
	for (; *set != '\0'; set += len + 1) {
		len = strlen(set);
		if (len < 3) {
			if (t->folded == NULL ||
			    memmem(t->folded, t->flen, set, len) != NULL)
				return 1;
			continue;
		}
		l = (const unsigned char *)set;
		for (i = 2; i < len; i++) {
			h = tri_hash(l[i - 2], l[i - 1], l[i], t->shift);
			if (!(t->bits[h >> 6] & (uint64_t)1 << (h & 63)))
				break;
		}
		if (i == len && (t->folded == NULL ||
		    memmem(t->folded, t->flen, set, len) != NULL))
			return 1;
	}
	return 0;
}
