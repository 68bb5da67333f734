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
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "prefilter.h"

#define PF_POOL		32768
#define PF_DEPTH	64

struct pf_set {
	int		 any;		/* requires nothing known */
	int		 n;
	uint16_t	 off[PREFILTER_SET_MAX];
	uint8_t		 len[PREFILTER_SET_MAX];
};

struct pf {
	const unsigned char	*p, *end;
	int			 caseless;
	int			 bail;
	int			 depth;
	size_t			 used;
	char			 pool[PF_POOL];
};

enum atom { A_LIT, A_ANY, A_ZW, A_SET, A_NONE };

static void	alt(struct pf *, struct pf_set *);

int
prefilter_fold(const unsigned char *s, size_t len, size_t *adv)
{
	*adv = 1;
	if (s[0] >= 'A' && s[0] <= 'Z')
		return s[0] + ('a' - 'A');
	/* U+017F LATIN SMALL LETTER LONG S */
	if (s[0] == 0xc5 && len >= 2 && s[1] == 0xbf) {
		*adv = 2;
		return 's';
	}
	/* U+212A KELVIN SIGN */
	if (s[0] == 0xe2 && len >= 3 && s[1] == 0x84 && s[2] == 0xaa) {
		*adv = 3;
		return 'k';
	}
	return s[0];
}

/*
 * How likely a literal is to be in a bounce's text, roughly: the set with
 * the smallest sum is kept. Literals under three characters cannot be
 * looked up by trigram at all.
 */
static const char *const common[] = {
	"the", "and", "you", "your", "for", "from", "not", "was", "has",
	"have", "been", "this", "that", "with", "are", "mail", "email",
	"e-mail", "message", "sent", "send", "address", "delivery",
	"recipient", "error", "failed", "user", "server", "subject", NULL
};

static double
lit_cost(const char *s, size_t len)
{
	int	 i;

	if (len < 3)
		return 1e9;
	for (i = 0; common[i] != NULL; i++)
		if (strlen(common[i]) == len && memcmp(common[i], s, len) == 0)
			return 0.9;
	switch (len) {
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

/* Store a run as a one-literal candidate. */
static void
flush(struct pf *pf, char *run, size_t *rl, struct pf_set *best,
    double *bestc)
{
	struct pf_set	 one;

	if (*rl == 0)
		return;
	if (pf->used + *rl + 1 > sizeof(pf->pool)) {
		pf->bail = 1;
		return;
	}
	memcpy(pf->pool + pf->used, run, *rl);
	pf->pool[pf->used + *rl] = '\0';
	one.any = 0;
	one.n = 1;
	one.off[0] = (uint16_t)pf->used;
	one.len[0] = (uint8_t)*rl;
	pf->used += *rl + 1;
	*rl = 0;
	consider(pf, best, bestc, &one);
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

/* The escape after a backslash (pf->p at the character after it). */
static enum atom
escape(struct pf *pf, unsigned char *lit, size_t *litlen)
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
		lit[0] = e;
		*litlen = 1;
		return A_LIT;
	}
	switch (e) {
	case 'Q':		/* quoting changes what follows: not read */
		pf->bail = 1;
		return A_NONE;
	case 'E':
		return A_NONE;
	case 'b': case 'B': case 'A': case 'z': case 'Z': case 'G': case 'K':
		return A_ZW;
	case 'c':
		if (pf->p >= pf->end) {
			pf->bail = 1;
			return A_NONE;
		}
		pf->p++;
		return A_ANY;
	case 'x': case 'o': case 'N': case 'p': case 'P': case 'g': case 'k':
		if (pf->p >= pf->end)
			return A_ANY;
		switch (*pf->p) {
		case '{': skip_past(pf, '}'); break;
		case '<': if (e == 'g' || e == 'k') skip_past(pf, '>'); break;
		case '\'': if (e == 'g' || e == 'k') skip_past(pf, '\''); break;
		default:
			if (e == 'p' || e == 'P')
				pf->p++;
			else if (e == 'x')
				while (pf->p < pf->end && ((*pf->p >= '0' && *pf->p <= '9') ||
				    (*pf->p >= 'a' && *pf->p <= 'f') ||
				    (*pf->p >= 'A' && *pf->p <= 'F')))
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
		if (e >= '0' && e <= '9')	/* backreference or octal */
			while (pf->p < pf->end && *pf->p >= '0' &&
			    *pf->p <= '9')
				pf->p++;
		/* \d \w \s \h \v \R \X \C \n \t ...: some character(s) */
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

/* A character class, pf->p after its '['. */
static void
class(struct pf *pf)
{
	const unsigned char	*q;

	if (pf->p < pf->end && *pf->p == '^')
		pf->p++;
	if (pf->p < pf->end && *pf->p == ']')
		pf->p++;
	while (pf->p < pf->end) {
		if (*pf->p == '\\') {
			if (pf->p + 1 < pf->end && (pf->p[1] == 'Q' ||
			    pf->p[1] == 'E')) {
				pf->bail = 1;
				return;
			}
			/* \c takes the next character too, even a ']' */
			pf->p += pf->p + 1 < pf->end && pf->p[1] == 'c' ? 3 : 2;
			continue;
		}
		if (*pf->p == '[' && pf->p + 1 < pf->end &&
		    (pf->p[1] == ':' || pf->p[1] == '.' || pf->p[1] == '=') &&
		    (q = posix_end(pf->p + 2, pf->end, pf->p[1])) != NULL) {
			pf->p = q;
			continue;
		}
		if (*pf->p == ']') {
			pf->p++;
			return;
		}
		pf->p++;
	}
	pf->bail = 1;
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
group(struct pf *pf, struct pf_set *set)
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
				pf->p++;
			}
			if (pf->p < pf->end && *pf->p == ')') {
				pf->p++;
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
	alt(pf, set);
	pf->depth--;
	if (pf->bail)
		return A_NONE;
	if (pf->p >= pf->end || *pf->p != ')') {
		pf->bail = 1;
		return A_NONE;
	}
	pf->p++;
	return look ? A_ZW : A_SET;
}

/* One UTF-8 character at pf->p (a lead byte >= 0x80). */
static enum atom
wide(struct pf *pf, unsigned char *lit, size_t *litlen)
{
	unsigned char	 c = *pf->p;
	size_t		 n, i;

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
	memcpy(lit, pf->p, n);
	*litlen = n;
	pf->p += n;
	/*
	 * Caseless, a character may match another with different bytes;
	 * U+3000-U+9FFF (CJK, kana) has no case, and is kept.
	 */
	if (pf->caseless && !(c >= 0xe3 && c <= 0xe9))
		return A_ANY;
	return A_LIT;
}

static enum atom
atom(struct pf *pf, unsigned char *lit, size_t *litlen, struct pf_set *set)
{
	unsigned char	 c = *pf->p;

	if (c >= 0x80)
		return wide(pf, lit, litlen);
	pf->p++;
	switch (c) {
	case '(':
		return group(pf, set);
	case '[':
		class(pf);
		return A_ANY;
	case '\\':
		return escape(pf, lit, litlen);
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
		lit[0] = c;
		*litlen = 1;
		return A_LIT;
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

/* The quantifier after an atom: its minimum, 1 when there is none. */
static unsigned long
quantifier(struct pf *pf, int *quantified)
{
	const unsigned char	*save = pf->p;
	unsigned long		 min = 1, max;

	*quantified = 0;
	if (pf->p >= pf->end)
		return 1;
	switch (*pf->p) {
	case '*': case '?':
		min = 0;
		pf->p++;
		break;
	case '+':
		pf->p++;
		break;
	case '{':
		pf->p++;
		if (digits(pf, &min) == 0) {
			pf->p = save;
			return 1;
		}
		if (pf->p < pf->end && *pf->p == ',') {
			pf->p++;
			(void)digits(pf, &max);
		}
		if (pf->p >= pf->end || *pf->p != '}') {
			pf->p = save;
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

/* A sequence of items up to '|', ')' or the end. */
static void
seq(struct pf *pf, struct pf_set *best)
{
	unsigned char	 lit[4];
	char		 run[PREFILTER_LIT_MAX];
	size_t		 rl = 0, litlen = 0, adv, i;
	double		 bestc = 1e9;
	struct pf_set	 grp;
	enum atom	 a;
	unsigned long	 min;
	int		 quantified, full = 0, f;

	best->any = 1;
	best->n = 0;
	while (!pf->bail && pf->p < pf->end && *pf->p != '|' &&
	    *pf->p != ')') {
		grp.any = 1;
		grp.n = 0;
		a = atom(pf, lit, &litlen, &grp);
		if (pf->bail)
			return;
		min = quantifier(pf, &quantified);
		if (a == A_LIT && min > 0) {
			/* the folded character, whole, or the run ends */
			f = prefilter_fold(lit, litlen, &adv);
			if (adv == litlen && litlen > 1)
				litlen = 1, lit[0] = (unsigned char)f;
			else if (litlen == 1)
				lit[0] = (unsigned char)f;
			if (!full && rl + litlen <= sizeof(run)) {
				for (i = 0; i < litlen; i++)
					run[rl++] = (char)lit[i];
			} else
				full = 1;
			if (quantified) {
				flush(pf, run, &rl, best, &bestc);
				full = 0;
			}
			continue;
		}
		flush(pf, run, &rl, best, &bestc);
		full = 0;
		if (a == A_SET && min > 0)
			consider(pf, best, &bestc, &grp);
	}
	flush(pf, run, &rl, best, &bestc);
}

/* Branches separated by '|' up to ')' or the end: the union of theirs. */
static void
alt(struct pf *pf, struct pf_set *out)
{
	struct pf_set	 br;
	int		 i;

	out->any = 0;
	out->n = 0;
	for (;;) {
		seq(pf, &br);
		if (pf->bail)
			return;
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
		return;
	}
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

int
prefilter_literals(const char *pattern, int caseless, int extended,
    char *out, size_t outsz)
{
	static struct pf	 pf;	/* 32 KB: not on the stack */
	struct pf_set		 set;
	size_t			 used = 0;
	int			 i;

	if (extended || outsz == 0)
		return 0;
	memset(&pf, 0, offsetof(struct pf, pool));
	pf.p = (const unsigned char *)pattern;
	pf.end = pf.p + strlen(pattern);
	pf.caseless = caseless || inline_caseless(pattern);
	alt(&pf, &set);
	if (pf.bail || pf.p != pf.end || set.any || set.n == 0)
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

size_t
prefilter_bits(size_t len)
{
	return ((size_t)1 << bits_log2(len)) / 8;
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

	t->all = 0;
	t->bits = bits;
	t->shift = shift;
	memset(bits, 0, prefilter_bits(len));
	while (i < len) {
		c = (unsigned)prefilter_fold(p + i, len - i, &adv);
		i += adv;
		if (++n >= 3) {
			h = tri_hash(c0, c1, c, shift);
			t->bits[h >> 6] |= (uint64_t)1 << (h & 63);
		}
		c0 = c1;
		c1 = c;
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
		if (len < 3)
			return 1;
		l = (const unsigned char *)set;
		for (i = 2; i < len; i++) {
			h = tri_hash(l[i - 2], l[i - 1], l[i], t->shift);
			if (!(t->bits[h >> 6] & (uint64_t)1 << (h & 63)))
				break;
		}
		if (i == len)
			return 1;
	}
	return 0;
}
