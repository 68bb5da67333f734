/*
 * address.c - addr-specs in header values and DSN fields (see address.h).
 *
 * Not an RFC 5322 parser: real bounces write addresses in every form
 * ("rfc822; a@b", "Name <a@b>", "a@b (comment)", an address glued to
 * prose), so the scan looks for an '@' with a local part on its left and
 * a domain on its right, preferring what is in angle brackets.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/limits.h"
#include "read/address.h"

static int
atext(unsigned char c)
{
	return isalnum(c) || strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL ||
	    c >= 0x80;
}

/* A two-byte UTF-8 sequence at s (U+0080 to U+07FF)? */
static int
utf8_pair(const char *s)
{
	const unsigned char	*u = (const unsigned char *)s;

	return u[0] >= 0xc2 && u[0] <= 0xdf && u[1] >= 0x80 && u[1] <= 0xbf;
}

/*
 * Exim writes the bytes of a UTF-8 address it prints as octal escapes
 * ("jos\303\251@b\303\274cher.example", string_printing()): those
 * of 0200 to 0377 back as bytes, in a copy; v itself when it has none.
 * Other backslashes (a quoted local part's) are kept.
 */
static const char *
octal_unescaped(struct arena *a, const char *v)
{
	const char	*p;
	char		*out, *o;

	for (p = v; (p = strchr(p, '\\')) != NULL; p++)
		if (p[1] >= '2' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
		    p[3] >= '0' && p[3] <= '7')
			break;
	if (p == NULL || (out = arena_strndup(a, v, strlen(v))) == NULL)
		return v;
	for (o = out, p = v; *p; p++) {
		if (*p == '\\' && p[1] >= '2' && p[1] <= '3' && p[2] >= '0' &&
		    p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
			*o++ = (char)((p[1] - '0') << 6 | (p[2] - '0') << 3 |
			    (p[3] - '0'));
			p += 3;
		} else
			*o++ = *p;
	}
	*o = '\0';
	return out;
}

/*
 * Scan value for addr-specs: each '@' with atext (or a quoted string) on
 * the left and a domain on the right. Comments in parentheses are skipped
 * unless nothing else holds an address (some MTAs put it only there).
 */
static int
scan_addresses(struct arena *a, const char *v, char **out, int max,
    int skip_comments)
{
	const char	*p, *l, *r;
	int		 found = 0, depth, k, dup;
	char		*addr, *d;
	size_t		 n;

	for (p = v; *p && found < max; p++) {
		if (skip_comments && *p == '(') {
			for (depth = 0; *p; p++) {
				if (*p == '(')
					depth++;
				else if (*p == ')' && --depth == 0)
					break;
			}
			if (!*p)
				break;
			continue;
		}
		if (*p != '@' || p == v)
			continue;
		/* left: local part */
		l = p;
		if (l[-1] == '"') {
			/* quoted local part: back to its opening quote */
			if (p - v < 2)
				continue;
			l -= 2;
			while (l > v && *l != '"')
				l--;
			if (*l != '"')
				continue;
		} else {
			/* a glued-on "rfc822;" type prefix stops here: ';'
			 * is not atext */
			while (l > v && atext((unsigned char)l[-1]))
				l--;
		}
		/* right: domain, or a literal [1.2.3.4] */
		r = p + 1;
		if (*r == '[') {
			while (*r && *r != ']')
				r++;
			if (*r == ']')
				r++;
		} else
			/* ASCII, and the two-byte UTF-8 letters of an
			 * internationalised domain in a Latin, Greek or
			 * Cyrillic script ("bücherstube.example"); not the
			 * three-byte ones: an address in CJK prose runs straight
			 * into the next word */
			while (*r && (isalnum((unsigned char)*r) || *r == '-' ||
			    *r == '.' || *r == '_' || utf8_pair(r)))
				r += utf8_pair(r) ? 2 : 1;
		while (l < p && *l == '.')
			l++;
		while (r > p + 1 && r[-1] == '.')
			r--;
		if (l == p || r == p + 1)
			continue;
		n = (size_t)(r - l);
		if (n > LIMIT_ADDRESS)
			continue;
		if ((addr = arena_strndup(a, l, n)) == NULL)
			break;
		if ((d = strchr(addr, '@')) != NULL)
			for (d++; *d; d++)
				*d = (char)tolower((unsigned char)*d);
		for (dup = 0, k = 0; k < found; k++)
			if (strcasecmp(out[k], addr) == 0)
				dup = 1;
		if (!dup)
			out[found++] = addr;
		p = r - 1;
	}
	return found;
}

/*
 * The addresses inside angle brackets, skipping quoted strings (a display
 * name may hold something that looks like an address: "alice@ours" <bot@x>
 * is bot@x). Returns the number found.
 */
static int
angle_addresses(struct arena *a, const char *v, char **out, int max)
{
	const char	*p, *close;
	char		*inner, *one[1];
	int		 found = 0, k, dup;

	for (p = v; *p && found < max; p++) {
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				if (*p == '\\' && p[1])
					p++;
			if (!*p)
				break;
			continue;
		}
		if (*p != '<' || (close = memchr(p, '>', strnlen(p,
		    LIMIT_ADDRESS + 2))) == NULL)
			continue;
		if (memchr(p, '@', (size_t)(close - p)) == NULL ||
		    (size_t)(close - p) > LIMIT_ADDRESS + 2) {
			p = close;
			continue;
		}
		if ((inner = arena_strndup(a, p + 1, (size_t)(close - p - 1))) == NULL)
			break;
		if (scan_addresses(a, inner, one, 1, 0) == 1) {
			for (dup = 0, k = 0; k < found; k++)
				if (strcasecmp(out[k], one[0]) == 0)
					dup = 1;
			if (!dup)
				out[found++] = one[0];
		}
		p = close;
	}
	return found;
}

/*
 * An RFC 6533 utf-8 address: each "\\x{HEX}" (1 to 6 hex digits, a code
 * point of Unicode) as the UTF-8 it stands for; the rest as it is.
 */
static const char *
unitext_decoded(struct arena *a, const char *v)
{
	const char	*p, *h;
	unsigned long	 c;
	char		*out, *o;
	int		 n;

	if (strstr(v, "\\x{") == NULL ||
	    (out = arena_alloc(a, strlen(v) + 1)) == NULL)
		return v;
	for (o = out, p = v; *p != '\0'; ) {
		c = 0;
		n = 0;
		if (p[0] == '\\' && p[1] == 'x' && p[2] == '{') {
			for (h = p + 3; n < 7 && isxdigit((unsigned char)*h);
			    h++, n++)
				c = c * 16 + (unsigned long)(isdigit(
				    (unsigned char)*h) ? *h - '0' :
				    (tolower((unsigned char)*h) - 'a' + 10));
		}
		if (n < 1 || n > 6 || *h != '}' || c == 0 || c > 0x10ffff ||
		    (c >= 0xd800 && c <= 0xdfff)) {
			*o++ = *p++;
			continue;
		}
		if (c < 0x80)
			*o++ = (char)c;
		else if (c < 0x800) {
			*o++ = (char)(0xc0 | (c >> 6));
			*o++ = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			*o++ = (char)(0xe0 | (c >> 12));
			*o++ = (char)(0x80 | ((c >> 6) & 0x3f));
			*o++ = (char)(0x80 | (c & 0x3f));
		} else {
			*o++ = (char)(0xf0 | (c >> 18));
			*o++ = (char)(0x80 | ((c >> 12) & 0x3f));
			*o++ = (char)(0x80 | ((c >> 6) & 0x3f));
			*o++ = (char)(0x80 | (c & 0x3f));
		}
		p = h + 1;
	}
	*o = '\0';
	return out;
}

/*
 * A value is a list of comma-separated elements (commas inside quotes,
 * angle brackets and comments do not count). From each element the
 * address in angle brackets is taken if there is one, else any address
 * in it outside comments, else any at all.
 */
int
address_parse(struct arena *a, const char *value, char **out, int max)
{
	const char	*v = value, *semi, *p, *start;
	char		*elem, *list[16];
	int		 n = 0, c, k, j, dup, inq = 0, angle = 0, paren = 0;

	if (value == NULL || max <= 0)
		return 0;
	v = octal_unescaped(a, value);
	/* "rfc822; addr", "utf-8; addr" (DSN address types) */
	semi = strchr(v, ';');
	if (semi != NULL && semi - v < 16 && memchr(v, '@', (size_t)(semi - v)) == NULL) {
		for (p = v; *p == ' ' || *p == '\t'; p++)
			;
		v = strncasecmp(p, "utf-8", 5) == 0 ? unitext_decoded(a, semi + 1) :
		    semi + 1;
	}
	for (start = p = v; n < max; p++) {
		if (*p == '\\' && inq && p[1]) {
			p++;
			continue;
		}
		if (*p == '"' && !paren)
			inq = !inq;
		else if (!inq && *p == '<')
			angle++;
		else if (!inq && *p == '>' && angle > 0)
			angle--;
		else if (!inq && *p == '(')
			paren++;
		else if (!inq && *p == ')' && paren > 0)
			paren--;
		if (*p != '\0' && (*p != ',' || inq || angle || paren))
			continue;
		if (p > start && memchr(start, '@', (size_t)(p - start)) != NULL &&
		    (elem = arena_strndup(a, start, (size_t)(p - start))) != NULL) {
			c = angle_addresses(a, elem, list, 16);
			if (c == 0)
				c = scan_addresses(a, elem, list, 16, 1);
			if (c == 0)
				c = scan_addresses(a, elem, list, 16, 0);
			for (k = 0; k < c && n < max; k++) {
				for (dup = 0, j = 0; j < n; j++)
					if (strcasecmp(out[j], list[k]) == 0)
						dup = 1;
				if (!dup)
					out[n++] = list[k];
			}
		}
		if (*p == '\0')
			break;
		start = p + 1;
	}
	return n;
}

char *
address_first(struct arena *a, const char *value)
{
	char	*out[1];

	return address_parse(a, value, out, 1) == 1 ? out[0] : NULL;
}

int
address_listed(char *const *list, int n, const char *addr)
{
	int	 k;

	for (k = 0; k < n; k++)
		if (strcasecmp(list[k], addr) == 0)
			return 1;
	return 0;
}

const char *
address_domain(const char *addr)
{
	const char	*at;

	if (addr == NULL || (at = strrchr(addr, '@')) == NULL)
		return NULL;
	return at + 1;
}

int
domain_within(const char *domain, const char *parent)
{
	size_t	 dl, pl;

	if (domain == NULL || parent == NULL)
		return 0;
	dl = strlen(domain);
	pl = strlen(parent);
	if (pl == 0 || dl < pl)
		return 0;
	if (strcasecmp(domain + dl - pl, parent) != 0)
		return 0;
	return dl == pl || domain[dl - pl - 1] == '.';
}

int
address_spam_shape(const char *left, size_t n)
{
	size_t	 i, run = 0;
	int	 digit = 0, letter = 0;

	if (n < 12 || n > 31)
		return 0;
	for (i = 0; i < n; i++) {
		if (left[i] >= '0' && left[i] <= '9') {
			digit = 1;
			if (++run >= 10)
				return 0;
			continue;
		}
		run = 0;
		if (left[i] < 'a' || left[i] > 'z')
			return 0;
		if (left[i] > 'f')
			letter = 1;
	}
	return digit && letter;
}
