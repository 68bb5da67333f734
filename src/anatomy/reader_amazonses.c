/*
 * reader_amazonses.c - Amazon SES event notifications delivered by mail
 * through SNS: a JSON document whose notificationType is Bounce,
 * Complaint or Delivery. Read with a few key lookups rather than a JSON
 * parser: only string values of known keys are taken, each bounded.
 */
#include <string.h>

#include "base/arena.h"
#include "base/limits.h"
#include "anatomy/anatomy.h"
#include "anatomy/readers.h"

/* The string value after "key": at or after from, within end; NULL if none. */
static char *
json_value(struct arena *a, const char *from, const char *end,
    const char *key, const char **next_r)
{
	char		 pat[64];
	const char	*p, *q;
	size_t		 n = strlen(key);

	if (n + 3 > sizeof(pat))
		return NULL;
	pat[0] = '"';
	memcpy(pat + 1, key, n);
	pat[n + 1] = '"';
	pat[n + 2] = '\0';
	if ((p = memmem(from, (size_t)(end - from), pat, n + 2)) == NULL)
		return NULL;
	p += n + 2;
	while (p < end && (*p == ' ' || *p == ':' || *p == '\n'))
		p++;
	if (p >= end || *p != '"')
		return NULL;
	for (q = ++p; q < end && *q != '"'; q++)
		if (*q == '\\' && q + 1 < end)
			q++;
	if (q >= end || q - p > LIMIT_DIAGNOSTIC)
		return NULL;
	if (next_r != NULL)
		*next_r = q;
	return arena_strndup(a, p, (size_t)(q - p));
}

static int
ses_match(const struct analysis *an, const struct reader_input *in)
{
	/* (as a JSON string inside SNS's document, its quotes escaped) */
	if ((strstr(in->ltext, "\"notificationtype\"") != NULL ||
	    strstr(in->ltext, "\\\"notificationtype\\\"") != NULL) &&
	    (strstr(in->ltext, "amazonses") != NULL ||
	    strstr(in->from, "amazonaws.com") != NULL))
		return 8;
	return 0;
}

/*
 * The notification as SNS sends it by mail: a JSON document whose
 * "Message" is the SES event as a string, its quotes escaped
 * (\"notificationType\":\"Bounce\"). A copy with one level of escapes
 * taken off, or NULL.
 */
static char *
unescaped(struct arena *a, const char *text, size_t n, size_t *len_r)
{
	char	*out, *o;
	size_t	 i;

	if ((out = arena_alloc(a, n + 1)) == NULL)
		return NULL;
	for (i = 0, o = out; i < n; i++) {
		if (text[i] == '\\' && i + 1 < n &&
		    (text[i + 1] == '"' || text[i + 1] == '\\'))
			i++;
		*o++ = text[i];
	}
	*o = '\0';
	*len_r = (size_t)(o - out);
	return out;
}

static int
ses_parse(struct analysis *an, struct arena *a, const struct reader_input *in)
{
	const char	*text = in->text, *end = in->text + in->text_len;
	const char	*list, *p, *next, *stop;
	char		*type, *addr, *u;
	const char	*listkey;
	size_t		 n;

	if ((type = json_value(a, text, end, "notificationType", NULL)) ==
	    NULL && (u = unescaped(a, in->text, in->text_len, &n)) != NULL) {
		text = u;
		end = u + n;
		type = json_value(a, text, end, "notificationType", NULL);
	}
	if (type == NULL)
		return 0;
	if (strcmp(type, "Complaint") == 0) {
		an->kind = KIND_FEEDBACK;
		listkey = "\"complainedRecipients\"";
	} else if (strcmp(type, "Bounce") == 0) {
		an->kind = KIND_BOUNCE;
		listkey = "\"bouncedRecipients\"";
	} else if (strcmp(type, "Delivery") == 0) {
		an->kind = KIND_BOUNCE;
		listkey = "\"recipients\"";
	} else
		return 0;
	an->format = "amazonses";
	if ((list = memmem(text, (size_t)(end - text), listkey,
	    strlen(listkey))) == NULL)
		return 0;
	stop = memchr(list, ']', (size_t)(end - list));
	if (stop == NULL)
		stop = end;
	if (strcmp(type, "Delivery") == 0) {
		/* a plain array of strings */
		for (p = list + strlen(listkey); p < stop; p = next + 1) {
			const char	*q;

			if ((p = memchr(p, '"', (size_t)(stop - p))) == NULL)
				break;
			if ((q = memchr(p + 1, '"', (size_t)(stop - p - 1))) == NULL)
				break;
			addr = arena_strndup(a, p + 1, (size_t)(q - p - 1));
			struct recipient *r = anatomy_add_recipient(an, a, addr);
			if (r != NULL)
				r->action = "delivered";
			next = q;
		}
		return 0;
	}
	for (p = list; p < stop &&
	    (addr = json_value(a, p, stop, "emailAddress", &next)) != NULL;
	    p = next + 1) {
		struct recipient	*r = anatomy_add_recipient(an, a, addr);

		if (r == NULL)
			continue;
		r->action = an->kind == KIND_BOUNCE ? "failed" : NULL;
		/* status and diagnostic follow inside the same object */
		{
			const char	*obj_end = memchr(next, '}',
			    (size_t)(end - next));
			const char	*oe = obj_end ? obj_end : end;
			char		*v;

			if ((v = json_value(a, p, oe, "status", NULL)) != NULL)
				r->status = v;
			if ((v = json_value(a, p, oe, "diagnosticCode", NULL)) != NULL)
				r->diagnostic = v;
		}
	}
	return 0;
}

const struct reader reader_amazonses = {
	.name = "amazonses",
	.match = ses_match,
	.parse = ses_parse,
};
