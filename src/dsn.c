/*
 * dsn.c - delivery-status fields (see dsn.h).
 *
 * Blocks are separated by empty lines; a block with a Final-Recipient or
 * Original-Recipient is a recipient block. Broken DSNs that put all fields
 * in one block, or indent them, are read too.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "anatomy.h"
#include "arena.h"
#include "dsn.h"
#include "header.h"
#include "limits.h"

int
dsn_status_code(const char *s, char *out)
{
	const char	*p;
	size_t		 a, b, c;

	for (p = s; p && *p; p++) {
		if ((*p != '2' && *p != '4' && *p != '5') || p[1] != '.')
			continue;
		if (p > s && (isdigit((unsigned char)p[-1]) || p[-1] == '.'))
			continue;
		a = 1;
		b = strspn(p + 2, "0123456789");
		if (b == 0 || b > 3 || p[2 + b] != '.')
			continue;
		c = strspn(p + 3 + b, "0123456789");
		if (c == 0 || c > 3 || p[3 + b + c] == '.' ||
		    isdigit((unsigned char)p[3 + b + c]))
			continue;
		memcpy(out, p, a + 1 + b + 1 + c);
		out[a + 1 + b + 1 + c] = '\0';
		return 1;
	}
	return 0;
}

/* Strip a "type;" prefix ("smtp; 550 ...", "rfc822; a@b"). */
static char *
strip_type(char *v)
{
	char	*semi;

	if (v == NULL)
		return NULL;
	semi = strchr(v, ';');
	if (semi != NULL && semi - v < 20) {
		char	*p;

		for (p = v; p < semi; p++)
			if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
				return v;
		v = semi + 1;
		while (*v == ' ')
			v++;
	}
	return v;
}

static char *
field(struct arena *a, const struct header_block *hb, const char *name)
{
	return header_get_raw(a, hb, name);
}

static int
named(const struct header *f, const char *name)
{
	size_t	 n = strlen(name);

	return f->name_len == n && strncasecmp(f->name, name, n) == 0;
}

/* Read one recipient's fields; 1 if a recipient was added. */
static int
recipient_block(struct arena *a, const struct header_block *hb,
    struct analysis *an)
{
	struct recipient	*r;
	char			*fr, *or, *addr, *v, code[16];

	fr = field(a, hb, "Final-Recipient");
	or = field(a, hb, "Original-Recipient");
	if (fr == NULL)
		fr = field(a, hb, "X-Actual-Recipient");
	addr = NULL;
	if (fr != NULL)
		addr = address_first(a, fr);
	/* A source route ("@relay:user@host") or a host without a dot names
	 * an internal hop; the original recipient is the address the sender
	 * used. */
	if (or != NULL && (addr == NULL || strchr(fr, ':') != strrchr(fr, ':') ||
	    strchr(address_domain(addr), '.') == NULL)) {
		char	*o = address_first(a, or);

		if (o != NULL)
			addr = o;
	}
	if (addr == NULL || (r = anatomy_add_recipient(an, a, addr)) == NULL)
		return 0;
	if ((v = field(a, hb, "Action")) != NULL) {
		v[strcspn(v, " \t;(")] = '\0';
		for (char *p = v; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		r->action = v;
	}
	if ((v = field(a, hb, "Status")) != NULL && dsn_status_code(v, code))
		r->status = arena_strdup(a, code);
	if ((v = field(a, hb, "Diagnostic-Code")) != NULL &&
	    *(v = strip_type(v)) != '\0') {
		if (strlen(v) > LIMIT_DIAGNOSTIC)
			v[LIMIT_DIAGNOSTIC] = '\0';
		r->diagnostic = v;
	}
	if ((v = field(a, hb, "Remote-MTA")) != NULL)
		r->remote_mta = strip_type(v);
	return 1;
}

int
dsn_parse(struct arena *a, const char *text, size_t len, struct analysis *an)
{
	struct header_block	 hb, sub;
	size_t			 off = 0, used, i, start;
	int			 found = 0, block = 0, seen_final, seen_status;
	char			*v;

	while (off < len) {
		/* skip blank lines and leading indentation of a block */
		while (off < len && (text[off] == '\n' || text[off] == ' ' ||
		    text[off] == '\t')) {
			if (text[off] != '\n') {
				/* an indented field line: only skip the indent
				 * if a field name follows */
				size_t	 k = off;

				while (k < len && (text[k] == ' ' || text[k] == '\t'))
					k++;
				if (k < len && isalpha((unsigned char)text[k])) {
					off = k;
					break;
				}
			}
			off++;
		}
		if (off >= len)
			break;
		used = header_parse(a, text + off, len - off, &hb);
		if (used == 0) {
			/* not a field line: skip it */
			const char	*nl = memchr(text + off, '\n', len - off);

			off = nl ? (size_t)(nl - text) + 1 : len;
			continue;
		}
		off += used;
		if (block++ == 0 || an->reporting_mta == NULL) {
			if ((v = field(a, &hb, "Reporting-MTA")) != NULL)
				an->reporting_mta = strip_type(v);
			if ((v = field(a, &hb, "Original-Envelope-Id")) != NULL)
				an->envelope_id = v;
		}
		/* Broken DSNs run recipients together without the empty
		 * line: a second Final-Recipient (or an Original-Recipient
		 * after one) starts the next recipient. */
		start = 0;
		seen_final = seen_status = 0;
		for (i = 0; i <= hb.count; i++) {
			int	 split = i == hb.count;

			if (!split && ((seen_final &&
			    named(&hb.fields[i], "Final-Recipient")) ||
			    (seen_status &&
			    named(&hb.fields[i], "Original-Recipient"))))
				split = 1;
			if (split) {
				sub.fields = hb.fields + start;
				sub.count = i - start;
				sub.truncated = 0;
				found += recipient_block(a, &sub, an);
				start = i;
				seen_final = seen_status = 0;
			}
			if (i == hb.count)
				break;
			if (named(&hb.fields[i], "Final-Recipient"))
				seen_final = 1;
			if (named(&hb.fields[i], "Action") ||
			    named(&hb.fields[i], "Status"))
				seen_status = 1;
		}
	}
	return found;
}
