/*
 * reader_qmail.c - qmail's QSBMF ("Hi. This is the qmail-send program")
 * and its clones: "<addr>:" lines each followed by the remote's words,
 * then "--- Below this line is a copy of the message."
 */
#include <string.h>

#include "base/arena.h"
#include "anatomy/anatomy.h"
#include "anatomy/readers.h"

static int
qmail_match(const struct analysis *an, const struct reader_input *in)
{
	if (strstr(in->ltext, "this is the qmail-send program") != NULL ||
	    strstr(in->ltext, "qmail-send") != NULL)
		return 5;
	if (strstr(in->ltext, "below this line is a copy of the message") &&
	    strstr(in->ltext, "\n<") != NULL)
		return 3;
	return 0;
}

/* "This is the qmail-send program at mx.example.org.": the host that
 * wrote the report, as a DSN's Reporting-MTA names it. */
static void
qmail_host(struct analysis *an, struct arena *a, const struct reader_input *in)
{
	static const char	 lead[] = "qmail-send program at ";
	const char		*p = strstr(in->ltext, lead);
	size_t			 n;

	if (p == NULL || an->reporting_mta != NULL)
		return;
	p = in->text + (p - in->ltext) + sizeof(lead) - 1;
	n = strcspn(p, " \t\n");
	while (n > 0 && (p[n - 1] == '.' || p[n - 1] == ','))
		n--;
	if (n > 0 && n < 256 && memchr(p, '.', n) != NULL)
		an->reporting_mta = arena_strndup(a, p, n);
}

static int
qmail_parse(struct analysis *an, struct arena *a, const struct reader_input *in)
{
	const char		*p = in->text, *end = p + in->text_len, *nl, *gt;
	struct recipient	*r = NULL;
	const char		*stop = strstr(in->text, "--- Below this line");

	if (stop != NULL)
		end = stop;
	qmail_host(an, a, in);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (*p == '<' && (gt = memchr(p, '>', (size_t)(nl - p))) != NULL &&
		    gt + 1 < nl && gt[1] == ':') {
			char	*addr = arena_strndup(a, p + 1, (size_t)(gt - p - 1));

			r = anatomy_add_recipient(an, a, addr);
			if (r != NULL && gt + 2 < nl)
				r->diagnostic = arena_strndup(a, gt + 2,
				    (size_t)(nl - gt - 2));
		} else if (r != NULL && nl > p && r->diagnostic == NULL)
			r->diagnostic = arena_strndup(a, p, (size_t)(nl - p));
		else if (r != NULL && nl > p && strlen(r->diagnostic) < 512) {
			size_t	 n = strlen(r->diagnostic);
			char	*d = arena_alloc(a, n + (size_t)(nl - p) + 2);

			if (d != NULL) {
				memcpy(d, r->diagnostic, n);
				d[n] = ' ';
				memcpy(d + n + 1, p, (size_t)(nl - p));
				r->diagnostic = d;
			}
		} else if (nl == p)
			r = NULL;
		p = nl + 1;
	}
	if (an->nrecipients == 0)
		reader_generic_parse(an, a, in);
	if (an->kind == KIND_NONE && an->nrecipients > 0)
		an->kind = KIND_BOUNCE;
	return 0;
}

const struct reader reader_qmail = {
	.name = "qmail",
	.match = qmail_match,
	.parse = qmail_parse,
};
