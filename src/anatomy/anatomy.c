/*
 * anatomy.c - decide the kind of a message and take it apart (see
 * anatomy.h).
 *
 * read_message runs the phases in order: signs (the header read once,
 * signs.c) -> gate -> take apart (MIME tree, text, delivery-status part,
 * returned original) -> structure (the kind the report parts and header
 * fields name, which the readers are told) -> readers (the format's own
 * words) -> words (every sign weighed together into the kind, kind.c)
 * -> unwrap (a report wrapped in a message) -> finish (reasons). The
 * header alone decides most mail: a message with no sign of being a
 * bounce, auto-reply, challenge, notice, receipt or report is kind none at
 * the gate and its body is never looked at.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/heap.h"
#include "base/limits.h"
#include "read/address.h"
#include "read/codec.h"
#include "read/header.h"
#include "read/message.h"
#include "read/mime.h"
#include "anatomy/anatomy.h"
#include "anatomy/dsn.h"
#include "anatomy/kind.h"
#include "anatomy/original.h"
#include "anatomy/phrases.h"
#include "anatomy/readers.h"
#include "anatomy/reason.h"
#include "anatomy/signs.h"

const char *
anatomy_kind_name(enum kind k)
{
	static const char *const names[] = {
		"none", "bounce", "autoreply", "challenge", "notice", "mdn",
		"feedback"
	};

	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "none";
}

const char *
anatomy_source_name(enum source s)
{
	static const char *const names[] = {
		"none", "rfc822", "headers", "inline", "reference"
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "none";
}

/* Is p a wide punctuation mark: U+3000-303F (CJK: 、。「」【】) or
 * U+FF00-FF3F (fullwidth: ：，（）＜＞)? No address has one. */
static int
wide_punct(const char *p)
{
	const unsigned char	*u = (const unsigned char *)p;

	return (u[0] == 0xe3 && u[1] == 0x80 && (u[2] & 0xc0) == 0x80) ||
	    (u[0] == 0xef && u[1] == 0xbc && (u[2] & 0xc0) == 0x80);
}

/*
 * Exchange's encapsulation of a foreign address, IMCEA<type>-<address
 * with '+' and two hex digits for each character not allowed>@<its own
 * domain>: "IMCEASMTP-w+2Ebrenner+40isp+2Eexample@corp.example" is
 * w.brenner@isp.example. The decoded address, or NULL when s is none.
 */
static char *
imcea_decode(struct arena *a, const char *s, size_t n)
{
	const char	*p, *at = memchr(s, '@', n);
	char		*out, *q;
	int		 hi, lo;

	if (n < 11 || strncasecmp(s, "imceasmtp-", 10) != 0 || at == NULL ||
	    (out = arena_alloc(a, n + 1)) == NULL)
		return NULL;
	for (p = s + 10, q = out; p < at; p++) {
		if (*p == '+' && at - p > 2 &&
		    (hi = codec_hex((unsigned char)p[1])) >= 0 &&
		    (lo = codec_hex((unsigned char)p[2])) >= 0) {
			*q++ = (char)(hi << 4 | lo);
			p += 2;
		} else
			*q++ = *p;
	}
	*q = '\0';
	return strchr(out, '@') != NULL && out[0] != '@' ? out : NULL;
}

/* Does [s, e) end in a domain literal, "user@[198.51.100.7]", whose
 * ']' is the address's own? */
static int
domain_literal(const char *s, const char *e)
{
	const char	*at = memchr(s, '@', (size_t)(e - s));

	return at != NULL && at + 2 < e && at[1] == '[' &&
	    memchr(at + 2, ']', (size_t)(e - at - 2)) == e - 1;
}

/*
 * An address as gateways write it, cleaned: an "SMTP=" or "smtp:" type
 * prefix or an IMCEA encapsulation (Exchange), quotes, brackets and
 * punctuation stuck to either end, and text run into it up to a wide
 * punctuation mark ("收件人：a@b", a Chinese or Japanese report's
 * "Recipient: "). NULL when nothing like an address is left.
 */
static char *
clean_address(struct arena *a, const char *address)
{
	static const char *const prefixes[] = {
		"smtp=", "smtp:", "rfc822=", "rfc822:", "mailto:", NULL
	};
	const char	*s = address, *e, *at, *p;
	char		*out;
	size_t		 k;

	for (;;) {
		/* (a quote that is not closed before the '@': a quoted local
		 * part, '"a b"@host', keeps its quotes) */
		while ((*s == '"' && ((e = strchr(s + 1, '"')) == NULL ||
		    e[1] != '@')) || *s == '\'' || *s == '<' || *s == '(' ||
		    *s == '[' || *s == ' ' || *s == '\t')
			s++;
		for (k = 0; prefixes[k] != NULL; k++)
			if (strncasecmp(s, prefixes[k], strlen(prefixes[k])) == 0)
				break;
		if (prefixes[k] == NULL)
			break;
		s += strlen(prefixes[k]);
	}
	e = s + strlen(s);
	if ((at = strchr(s, '@')) != NULL) {
		for (p = s; p < at; p++)
			if (wide_punct(p))
				s = p + 3;
		for (p = at; p < e; p++)
			if (wide_punct(p)) {
				e = p;
				break;
			}
	}
	while (e > s && ((e[-1] == '"' && memchr(s, '"', (size_t)(e - s - 1)) ==
	    NULL) || e[-1] == '\'' || e[-1] == '>' ||
	    e[-1] == ')' || (e[-1] == ']' && !domain_literal(s, e)) ||
	    e[-1] == '.' || e[-1] == ',' ||
	    e[-1] == ';' || e[-1] == ':' || e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (e == s || memchr(s, '@', (size_t)(e - s)) == NULL || *s == '@' ||
	    e[-1] == '@')
		return NULL;
	if ((out = imcea_decode(a, s, (size_t)(e - s))) != NULL)
		return out;
	return arena_strndup(a, s, (size_t)(e - s));
}

struct recipient *
anatomy_add_recipient(struct analysis *an, struct arena *a, const char *address)
{
	struct recipient	*r;
	int			 i;

	if (address == NULL || strchr(address, '@') == NULL ||
	    (address = clean_address(a, address)) == NULL)
		return NULL;
	for (i = 0; i < an->nrecipients; i++)
		if (strcasecmp(an->recipients[i].address, address) == 0)
			return &an->recipients[i];
	if (an->nrecipients >= LIMIT_RECIPIENTS) {
		an->recipients_truncated = 1;
		an->skipped |= SKIP_RECIPIENTS;
		return NULL;
	}
	/* each zeroed as it is added (below) */
	if (an->recipients == NULL &&
	    (an->recipients = arena_alloc_bytes(a, LIMIT_RECIPIENTS *
	    sizeof(*an->recipients))) == NULL)
		return NULL;
	r = &an->recipients[an->nrecipients++];
	memset(r, 0, sizeof(*r));
	r->address = (char *)address;
	return r;
}

void
anatomy_original_recipient(struct recipient *r, struct arena *a,
    const char *field)
{
	char	*o;

	if (field != NULL && r->original_recipient == NULL &&
	    (o = address_first(a, field)) != NULL && strchr(o, '@') != NULL &&
	    strcasecmp(o, r->address) != 0)
		r->original_recipient = o;
}

/* "<id>": the first in In-Reply-To, else the last in References. */
static char *
replied_to(struct arena *a, const char *irt, const char *refs)
{
	const char	*l = NULL, *r = NULL, *p;

	if (irt != NULL && (l = strchr(irt, '<')) != NULL)
		r = strchr(l, '>');
	if (r == NULL && refs != NULL) {
		/* the last complete <...> */
		for (l = NULL, p = refs; (p = strchr(p, '<')) != NULL; p++) {
			const char	*e = strchr(p, '>');

			if (e == NULL)
				break;
			l = p;
			r = e;
			p = e;
		}
	}
	if (l == NULL || r == NULL || r - l < 3)
		return NULL;
	return arena_strndup(a, l, (size_t)(r - l + 1));
}

/* The host of a "<local@host>" Message-ID in v: its start, its length
 * in *n; NULL when there is none. */
static const char *
id_host(const char *v, size_t *n)
{
	const char	*l, *at, *r;

	if (v == NULL || (l = strchr(v, '<')) == NULL ||
	    (r = strchr(l, '>')) == NULL ||
	    (at = memchr(l, '@', (size_t)(r - l))) == NULL || r - at < 2)
		return NULL;
	*n = (size_t)(r - at - 1);
	return at + 1;
}

/*
 * Is the Message-ID a message answers (id, "<...>") its own, or one its
 * own host made? A tracker's first notice of an issue names the
 * issue's thread, its own Message-ID, in References; its updates, and a
 * help desk's, name the thread's first notice, made by the same host
 * ("<ticket-4471@helpdesk...>" from "<ticket-4471-upd-3...@helpdesk...>"):
 * the system's own thread, no answer to a message someone sent. A bot
 * forging the Message-ID of the spam cannot know that host's name.
 */
static int
own_thread(struct arena *a, const struct header_block *hb, const char *id)
{
	const char	*v = header_get_raw(a, hb, "Message-ID"), *h1, *h2;
	size_t		 n1, n2;

	if (v == NULL || id == NULL)
		return 0;
	if (strstr(v, id) != NULL)
		return 1;
	if ((h1 = id_host(v, &n1)) == NULL || (h2 = id_host(id, &n2)) == NULL)
		return 0;
	return n1 == n2 && strncasecmp(h1, h2, n1) == 0;
}

/* --- taking it apart ----------------------------------------------------- */

struct parts {
	int	 dsn;		/* first delivery-status part, or -1 */
	int	 mdn;
	int	 feedback;
	int	 rfc822;	/* first embedded message's top part */
	int	 headers;	/* first rfc822-headers part */
	int	 report;	/* a multipart/report part */
	int	 digest;	/* a multipart/digest part: a list's digest */
	int	 calendar;	/* a text/calendar part: an invitation or its
				   answer */
};

static int
is_type(const struct mime_part *p, const char *t)
{
	return strcmp(p->type, t) == 0;
}

static void
find_parts(const struct mime *m, struct parts *r)
{
	int	 i;

	r->dsn = r->mdn = r->feedback = r->rfc822 = r->headers = r->report =
	    r->digest = r->calendar = -1;
	for (i = 0; i < m->count; i++) {
		const struct mime_part	*p = &m->parts[i];

		if (r->rfc822 != -1 && mime_within(m, i, r->rfc822))
			continue;	/* inside the original: not ours */
		if (r->report == -1 && is_type(p, "multipart/report"))
			r->report = i;
		if (r->digest == -1 && is_type(p, "multipart/digest"))
			r->digest = i;
		if (r->calendar == -1 && is_type(p, "text/calendar"))
			r->calendar = i;
		if (r->dsn == -1 && (is_type(p, "message/delivery-status") ||
		    is_type(p, "message/global-delivery-status")))
			r->dsn = i;
		else if (r->mdn == -1 &&
		    (is_type(p, "message/disposition-notification") ||
		    is_type(p, "message/global-disposition-notification")))
			r->mdn = i;
		else if (r->feedback == -1 && is_type(p, "message/feedback-report"))
			r->feedback = i;
		else if (r->headers == -1 && (is_type(p, "text/rfc822-headers") ||
		    is_type(p, "message/rfc822-headers") ||
		    is_type(p, "text/rfc822-header") ||
		    is_type(p, "message/global-headers")))
			r->headers = i;
		else if (r->rfc822 == -1 && p->embedded)
			r->rfc822 = i;
	}
}

/*
 * Parts' texts gathered into one, a line end between parts, up to max
 * bytes (cut at a character boundary: a long part still gives its start,
 * where spam says what it sells). One part's text is kept where
 * mime_text left it, in the arena, not copied into a buffer and out of
 * it again (a 1 MB text original took four copies of itself).
 */
struct texts {
	struct buf	 b;		/* the texts, from a second part on */
	int		 buffered;	/* b holds them */
	char		*one;		/* the first part's (kept alone until
					   a second comes; NULL: none yet) */
	size_t		 one_len;
	size_t		 max;
};

static void
texts_init(struct texts *x, size_t max)
{
	buf_init(&x->b, max);
	x->buffered = 0;
	x->one = NULL;
	x->one_len = 0;
	x->max = max;
}

/* Append a part's text; 1 if appended. */
static int
append_text(struct texts *x, struct arena *a, const struct mime_part *p)
{
	char	*t;
	size_t	 n, len = x->buffered ? x->b.len : x->one_len;

	/* full: a part is not decoded for nothing (each decoded part
	 * stays in the arena: 15 parts of 2 MiB held 160 MB) */
	if (len + 1 >= x->max)
		return 0;
	if ((t = mime_text_upto(a, p, x->max - len -
	    (x->one != NULL && len > 0 ? 1 : 0), &n)) == NULL)
		return 0;
	if (x->one != NULL && !x->buffered) {
		/* a second part: both into the buffer (none more if the
		 * first cannot go there) */
		if (buf_append(&x->b, x->one, x->one_len) == -1) {
			x->max = 0;
			return 0;
		}
		x->buffered = 1;
	}
	if (x->buffered && len > 0) {
		if (buf_appendc(&x->b, '\n') == -1)
			return 0;
		len++;
	}
	if (n > x->max - len) {
		n = x->max - len;
		while (n > 0 && ((unsigned char)t[n] & 0xc0) == 0x80)
			n--;
	}
	if (!x->buffered) {
		t[n] = '\0';	/* mime_text's own copy, n bytes or more */
		x->one = t;
		x->one_len = n;
	} else
		buf_append(&x->b, t, n);
	return 1;
}

/* The gathered text, NUL-terminated in the arena, and its length. */
static char *
texts_take(struct texts *x, struct arena *a, size_t *len_r)
{
	char	*t;

	if (!x->buffered && x->one != NULL) {
		t = x->one;
		*len_r = x->one_len;
	} else {
		t = arena_strndup(a, x->b.data ? x->b.data : "", x->b.len);
		*len_r = t != NULL ? x->b.len : 0;
	}
	buf_free(&x->b);
	return t;
}

/* Gather the bounce's own human text: text leaves outside the original,
 * plus a delivery-status part's text (its diagnostics are prose too). */
static void
gather_text(struct analysis *an, struct arena *a, const struct mime *m,
    const struct parts *pp)
{
	struct texts	 x;
	int		 i, leaves = 0;

	texts_init(&x, LIMIT_REGEX_INPUT * 4);
	for (i = 0; i < m->count; i++) {
		const struct mime_part	*p = &m->parts[i];

		if (pp->rfc822 != -1 && mime_within(m, i, pp->rfc822))
			continue;
		if (pp->headers != -1 && i == pp->headers)
			continue;
		if (strncmp(p->type, "multipart/", 10) == 0 ||
		    strncmp(p->type, "message/rfc822", 14) == 0 ||
		    p->embedded)
			continue;
		if (strncmp(p->type, "text/", 5) != 0 &&
		    strncmp(p->type, "message/", 8) != 0)
			continue;
		/* text/html alongside text/plain says the same again */
		if (is_type(p, "text/html") && leaves > 0 && i > 0 &&
		    is_type(&m->parts[p->parent], "multipart/alternative"))
			continue;
		leaves += append_text(&x, a, p);
	}
	an->text = texts_take(&x, a, &an->text_len);
}

/* The original's decoded text: its text leaves, or its body as is. */
static void
original_body(struct analysis *an, struct arena *a, const struct mime *m,
    int top)
{
	struct texts	 x;
	char		*t;
	size_t		 n;
	int		 i;

	texts_init(&x, LIMIT_REGEX_INPUT * 4);
	for (i = top; i < m->count; i++) {
		const struct mime_part	*p = &m->parts[i];

		if (!mime_within(m, i, top))
			continue;
		if (strncmp(p->type, "text/", 5) == 0)
			append_text(&x, a, p);
	}
	t = texts_take(&x, a, &n);
	if (n > 0) {
		an->original.body = t;
		an->original.body_len = t != NULL ? n : 0;
	}
}

static void
read_original(struct analysis *an, struct arena *a, const struct mime *m,
    const struct parts *pp, const char *whole, size_t whole_len,
    int answer, size_t *prose_len_r)
{
	struct original	*o = &an->original;
	size_t		 start;

	if (pp->rfc822 != -1) {
		const struct mime_part	*p = &m->parts[pp->rfc822];

		o->source = SOURCE_RFC822;
		o->hdr = p->hdr;
		o->text = p->head;
		o->text_len = (size_t)(p->body + p->body_len - p->head);
		original_fields(a, o);
		original_body(an, a, m, pp->rfc822);
		o->body_complete = 1;
		/* An attachment holding only headers is what it is. */
		if (o->hdr.count > 0 && p->body_len == 0)
			o->body_complete = 0;
		if (o->hdr.count > 0)
			return;
		/* an empty message/rfc822 part: keep looking */
	}
	if (pp->headers != -1) {
		const struct mime_part	*p = &m->parts[pp->headers];
		char			*t;
		size_t			 n;

		if ((t = mime_decode(a, p, &n)) != NULL) {
			size_t	 k = 0;

			/* some MTAs start the part with blank lines */
			while (k < n && t[k] == '\n')
				k++;
			original_read(a, o, SOURCE_HEADERS, t + k, n - k);
			if (o->hdr.count > 0)
				return;
		}
	}
	/* Quoted in the text, or (non-MIME bounces) in the body itself. */
	memset(o, 0, sizeof(*o));
	if (an->text_len > 0 &&
	    original_find_inline(a, o, an->text, an->text_len, answer,
	    &start) == 1) {
		*prose_len_r = start;
		goto found;
	}
	if (whole != NULL && whole_len > 0 && whole != an->text &&
	    original_find_inline(a, o, whole, whole_len, answer, &start) == 1)
		goto found;
	memset(o, 0, sizeof(*o));
	o->source = SOURCE_NONE;
	return;
found:
	if (o->body != NULL) {
		/* a body quoted in the bounce's text is the bouncer's
		 * rendering of it, maybe cut: never the whole original */
		o->body_complete = 0;
	}
}

/*
 * Recipients' reasons, and the message's reason from its first failure.
 * A recipient without its own diagnostic is judged by the start of the
 * bounce's prose (where MTAs write the one error they report) before its
 * status code alone.
 */
static void
classify(struct analysis *an, const char *prose, size_t prose_len)
{
	char		 head[2048];
	size_t		 n = prose_len < sizeof(head) - 1 ? prose_len :
	    sizeof(head) - 1;
	int		 i;
	const char	*first = NULL, *r;

	memcpy(head, prose != NULL ? prose : "", prose != NULL ? n : 0);
	head[prose != NULL ? n : 0] = '\0';
	for (i = 0; i < an->nrecipients; i++) {
		struct recipient	*rc = &an->recipients[i];

		r = reason_classify(rc->status, rc->diagnostic != NULL ?
		    rc->diagnostic : head);
		if (r != NULL && first == NULL &&
		    (rc->action == NULL || strcmp(rc->action, "failed") == 0))
			first = r;
	}
	for (i = 0; first == NULL && i < an->nrecipients; i++)
		first = reason_classify(an->recipients[i].status,
		    an->recipients[i].diagnostic);
	if (first == NULL && (an->kind == KIND_BOUNCE || an->kind == KIND_NOTICE))
		first = reason_classify(NULL, head);
	if (an->kind == KIND_AUTOREPLY)
		first = "vacation";
	else if (an->kind == KIND_FEEDBACK)
		first = "feedback";
	an->reason = first;
}

/* Feedback reports name who complained: Original-Rcpt-To, else the
 * original's To. */
static void
feedback_recipients(struct analysis *an, struct arena *a, const struct mime *m,
    const struct parts *pp)
{
	struct header_block	 hb;
	char			*t, *v, *list[LIMIT_RECIPIENTS];
	size_t			 n;
	long			 i;
	int			 k, c, found = 0;

	if (pp->feedback != -1 &&
	    (t = mime_decode(a, &m->parts[pp->feedback], &n)) != NULL) {
		header_parse(a, t, n, &hb);
		for (k = 0; (i = header_find(&hb, "Original-Rcpt-To", k)) != -1; k++)
			if ((v = header_unfold(a, &hb.fields[i])) != NULL &&
			    anatomy_add_recipient(an, a, address_first(a, v)))
				found++;
		/* an opt-out report names the address to remove */
		for (k = 0; (i = header_find(&hb, "Removal-Recipient", k)) != -1; k++)
			if ((v = header_unfold(a, &hb.fields[i])) != NULL &&
			    anatomy_add_recipient(an, a, address_first(a, v)))
				found++;
	}
	if (found == 0 && an->original.hdr.count > 0 &&
	    (v = header_get(a, &an->original.hdr, "To")) != NULL) {
		c = address_parse(a, v, list, LIMIT_RECIPIENTS);
		for (k = 0; k < c; k++)
			if (anatomy_add_recipient(an, a, list[k]) != NULL)
				found++;
	}
	/* no original either (a mail client's unsubscribe request): the
	 * report's own sender is who asked */
	if (found == 0 && an->original.hdr.count == 0)
		anatomy_add_recipient(an, a, an->from);
}

/* The message's own addressees: To, Delivered-To and Cc, parsed once. */
static char **
own_addresses(struct analysis *an, struct arena *a,
    const struct header_block *hb, int *n_r)
{
	static const char *const names[] = { "To", "Delivered-To", "Cc", NULL };
	char			**list;
	char			*v;
	int			 i, n = 0;

	*n_r = 0;
	if ((list = arena_alloc(a, 32 * sizeof(*list))) == NULL)
		return NULL;
	for (i = 0; names[i] != NULL && n < 32; i++)
		if ((v = header_get_raw(a, hb, names[i])) != NULL)
			n += address_parse(a, v, list + n, 32 - n);
	*n_r = n;
	return list;
}

/* A read receipt answers the message named in Original-Message-ID; who
 * read it is the Final-Recipient (RFC 8098), and the address the sender
 * wrote its Original-Recipient when an alias made another of it (a Sieve
 * refusal reports both). */
static void
mdn_fields(struct analysis *an, struct arena *a, const struct mime_part *p)
{
	struct header_block	 hb;
	struct recipient	*r;
	char			*t, *v;
	size_t			 n;

	if ((t = mime_decode(a, p, &n)) == NULL)
		return;
	header_parse(a, t, n, &hb);
	if ((v = header_get_raw(a, &hb, "Original-Message-ID")) != NULL &&
	    an->in_reply_to == NULL) {
		an->in_reply_to = v;
		an->replied_to = replied_to(a, v, NULL);
	}
	if ((v = header_get_raw(a, &hb, "Final-Recipient")) == NULL)
		v = header_get_raw(a, &hb, "Original-Recipient");
	if (v == NULL || (r = anatomy_add_recipient(an, a,
	    address_first(a, v))) == NULL)
		return;
	anatomy_original_recipient(r, a,
	    header_get_raw(a, &hb, "Original-Recipient"));
	if ((v = header_get_raw(a, &hb, "Disposition")) != NULL)
		r->diagnostic = v;
}

/* A bounce whose text named no recipient: the original's recipients are
 * the ones it could not reach (old Sendmail, some gateways), but not the
 * list's own address a list's copy is sent to (its List-Post,
 * X-BeenThere): the member it could not reach is named nowhere in it. */
static void
original_recipients(struct analysis *an, struct arena *a)
{
	const char	*names[] = { "To", "Cc", NULL };
	char		*v, *list[32], *post, *there;
	int		 k, c, i;

	if (an->original.hdr.count == 0)
		return;
	post = address_first(a, header_get_raw(a, &an->original.hdr,
	    "List-Post"));
	there = address_first(a, header_get_raw(a, &an->original.hdr,
	    "X-BeenThere"));
	for (i = 0; names[i] != NULL; i++) {
		if ((v = header_get(a, &an->original.hdr, names[i])) == NULL)
			continue;
		c = address_parse(a, v, list, 32);
		for (k = 0; k < c; k++)
			if ((post == NULL || strcasecmp(list[k], post) != 0) &&
			    (there == NULL || strcasecmp(list[k], there) != 0))
				anatomy_add_recipient(an, a, list[k]);
		if (an->nrecipients > 0)
			return;
	}
}

/*
 * Is the "original" itself a bounce? A person forwarding a bounce, or a
 * list server wrapping one, puts the real report one level down.
 */
static int
original_is_report(struct arena *a, const struct original *o)
{
	char	*v;

	if (o->hdr.count == 0 || o->text == NULL)
		return 0;
	if ((v = signs_lowered(a, header_get_raw(a, &o->hdr,
	    "Content-Type"))) != NULL &&
	    strstr(v, "report") != NULL && (strstr(v, "delivery-status") ||
	    strstr(v, "feedback") || strstr(v, "disposition")))
		return 1;
	if ((v = signs_lowered(a, header_get(a, &o->hdr, "From"))) != NULL &&
	    signs_daemon_name(v) &&
	    (v = signs_lowered(a, header_get(a, &o->hdr, "Subject"))) != NULL &&
	    signs_bounce_subject(v))
		return 1;
	return 0;
}

/* The local part of an address is the same (case aside). */
static int
same_local(const char *x, const char *y)
{
	const char	*ax = strchr(x, '@'), *ay = strchr(y, '@');

	return ax != NULL && ay != NULL && ax - x == ay - y &&
	    strncasecmp(x, y, (size_t)(ax - x)) == 0;
}

/* Is the address at (or below) the domain of one of our addresses? */
static int
at_our_domain(const char *addr, char *const *own, int nown)
{
	int	 j;

	for (j = 0; j < nown; j++)
		if (domain_within(address_domain(addr),
		    address_domain(own[j])))
			return 1;
	return 0;
}

/*
 * Was a forwarded report addressed to a mailbox at (or below) the domain
 * the forward reached, or forwarded by its addressee to another mailbox
 * of theirs (the same local part)? A help desk or a colleague forwarding
 * our bounce forwards one sent to us; a friend, or a colleague at our
 * domain, forwarding to us the bounce of a letter of theirs (addressed
 * to the forwarder) forwards theirs, no report on our mail.
 * Without a To in the block: no.
 */
static int
report_was_ours(struct arena *a, const struct original *o, const char *from,
    char *const *own, int nown)
{
	char	*to[8];
	int	 i, j, n;

	n = address_parse(a, header_get(a, &o->hdr, "To"), to, 8);
	for (i = 0; i < n; i++) {
		/* the forwarder's own bounce: ours only when the forwarder
		 * is we, at another mailbox */
		if (from != NULL && strcasecmp(to[i], from) == 0) {
			for (j = 0; j < nown; j++)
				if (same_local(from, own[j]))
					return 1;
		} else if (at_our_domain(to[i], own, nown))
			return 1;
	}
	return 0;
}

/* Did every recipient a report names sit at (or below) one of our
 * domains: mail to us that failed? */
static int
failed_reaching_us(const struct analysis *an, char *const *own, int nown)
{
	int	 i;

	for (i = 0; i < an->nrecipients; i++)
		if (!at_our_domain(an->recipients[i].address, own, nown))
			return 0;
	return an->nrecipients > 0;
}

/* "Fwd:", "Fw:", "TR:", "WG:", "RV:", "Doorst:" and the like. */
static int
is_forward(const char *subj)
{
	if (subj == NULL)
		return 0;
	while (*subj == ' ' || *subj == '[')
		subj++;
	/* the forward-prefix rows of data/phrases.tsv */
	if (phrases_starts(PHRASE_FORWARD_PREFIX, subj))
		return 1;
	return strstr(subj, "fwd:") != NULL || strstr(subj, "fw:") != NULL;
}

/* Subjects shorter than this are not looked for in the prose. */
#define ECHO_MIN_LEN	8

/* Words in [s, e). */
static int
words_in(const char *s, const char *e)
{
	const char	*p;
	int		 words;

	for (words = 1, p = s; p < e; p++)
		if (*p == ' ' && p > s && p[-1] != ' ')
			words++;
	return words;
}

/* Is "S" of "Prefix (re: S)" (a prefix of four words at most) in the
 * prose? The "(re: ...)" is cut from a copy in the arena. */
static int
paren_echoed(struct arena *a, const char *subject, const char *ltext)
{
	const char	*open;
	char		*rest;
	size_t		 n;

	if ((open = strstr(subject, " (re: ")) == NULL ||
	    words_in(subject, open) > 4)
		return 0;
	if ((rest = arena_strdup(a, open + 6)) == NULL)
		return 0;
	n = strlen(rest);
	while (n > 0 && (rest[n - 1] == ' ' || rest[n - 1] == ')'))
		rest[--n] = '\0';
	return n >= ECHO_MIN_LEN && strstr(ltext, rest) != NULL;
}

/* "URLOP - Re: S", "Out of office - Re: S": words of absence, four words
 * at most, before the "Re:" of the subject answered, as a template puts
 * them (a person's reply starts with its "Re:"; "Holiday plans (was: Re:
 * S)" is a person's new subject). */
static int
absence_before_reply(struct arena *a, const char *subject)
{
	const char	*p;
	char		*before;

	for (p = strchr(subject, ' '); p != NULL; p = strchr(p + 1, ' ')) {
		if (!phrases_starts(PHRASE_REPLY_PREFIX, p + 1))
			continue;
		if (words_in(subject, p) > 4 || memchr(subject, '(',
		    (size_t)(p - subject)) != NULL)
			return 0;
		if ((before = arena_strndup(a, subject,
		    (size_t)(p - subject))) == NULL)
			return 0;
		return phrases_any(PHRASE_ABSENCE_SUBJECT, before) ||
		    phrases_any(PHRASE_AUTOREPLY_SUBJECT, before);
	}
	return 0;
}

/*
 * Does the prose repeat what follows the subject's prefix ("Away: S", or
 * "Away (Re: S)", and a text that names "S")? That is a template an
 * automaton filled in with the subject of the message it answers
 * (vacation(1)'s $SUBJECT, Exim's $h_subject:, an autoresponder's). The
 * prefix is a word or three (four before "(Re:"), not a person's "Re:"
 * or "Fwd:"; the subject is looked for decoded and as written
 * (vacation(1) copies encoded words as they came). Words of absence
 * before the answered subject's own "Re:" say so without the prose.
 */
static int
subject_echoed(struct arena *a, const struct message *msg,
    const struct signs *s, const char *ltext)
{
	const char	*subject = s->subject;
	const char	*src[2];
	const char	*colon, *rest;
	int		 i;

	src[0] = subject;
	src[1] = signs_lowered(a, header_get_raw(a, &msg->hdr, "Subject"));
	if (subject == NULL || s->subject_reply || is_forward(subject))
		return 0;
	if (absence_before_reply(a, subject))
		return 1;
	for (i = 0; i < 2; i++) {
		if (src[i] == NULL)
			continue;
		if (paren_echoed(a, src[i], ltext))
			return 1;
		if ((colon = strstr(src[i], ": ")) == NULL)
			continue;
		rest = colon + 2;
		while (*rest == ' ')
			rest++;
		if (words_in(src[i], colon) <= 3 &&
		    strlen(rest) >= ECHO_MIN_LEN && strstr(ltext, rest) != NULL)
			return 1;
	}
	return 0;
}

/* --- reading a message, phase by phase ----------------------------------- */

/*
 * A person writing from their organisation's role address (From
 * "postmaster@x") with their own envelope: its sender (Return-Path, and
 * Sender if any) is an address at the same domain that names no mail
 * system, list or no-reply sender. A mail system's report comes from the
 * null sender or a daemon's address.
 */
static int
role_writer(const struct signs *s, struct arena *a)
{
	const char	*rd, *fd;

	if (!s->daemon_from || s->null_sender ||
	    phrases_any(PHRASE_DAEMON, s->return_path) ||
	    phrases_any(PHRASE_LIST_ROLE, s->return_path) ||
	    phrases_any(PHRASE_NOREPLY, s->return_path) ||
	    phrases_any(PHRASE_DAEMON, s->sender) ||
	    phrases_any(PHRASE_LIST_ROLE, s->sender))
		return 0;
	rd = address_domain(address_first(a, s->return_path));
	fd = address_domain(address_first(a, s->from));
	return rd != NULL && fd != NULL && strcasecmp(rd, fd) == 0;
}

/*
 * Did a person write it: no machine's field, no mail system's or list's
 * address, no report's structure? A mail program's letter (its
 * User-Agent) from a mail system's role address, not from the null
 * sender, is a person's too: a postmaster writing.
 */
static int
person_wrote(const struct signs *s, const struct kind_facts *f, int role)
{
	return !s->autoreply && !s->auto_submitted &&
	    ((!s->null_sender && !s->daemon) || role ||
	    (f->mail_client && s->return_path != NULL &&
	    strstr(s->return_path, "<>") == NULL)) &&
	    !s->machine && !s->challenge && !s->list_from &&
	    !s->report_type && !s->failed_recipients && !s->challenge_from &&
	    !s->noreply_from && !f->filter_from && !signs_list_answer(s) &&
	    !(s->command_subject && !s->subject_reply);
}

/*
 * Does a header field say a machine wrote it? A subject ("Out of
 * office", "Re:") does not: a person can type it. Proof that rests on
 * who a message answers (decide.c: we never wrote to who replied) needs
 * this, not the kind alone.
 */
static int
machine_fields(const struct signs *s)
{
	/* a report's type itself, not "report" in a boundary or a name */
	const char	*ct = s->content_type ? s->content_type : "";
	int		 report;

	ct += strspn(ct, " \t");
	report = strncmp(ct, "multipart/report", 16) == 0 ||
	    strncmp(ct, "message/", 8) == 0;

	return s->autoreply == 2 || s->auto_submitted || s->null_sender ||
	    s->daemon || s->machine || s->challenge || s->challenge_from ||
	    s->list_from || report || s->failed_recipients ||
	    s->noreply_from || s->rejected || s->amazon;
}

/* A refusal's words, and a list's own address refusing a post or holding
 * it for its moderator. */
static void
list_facts(struct kind_facts *f, const struct signs *s, const char *t,
    const char *reply_to)
{
	f->reject_words = phrases_any(PHRASE_REJECT, t) ||
	    phrases_any(PHRASE_REJECT, s->subject);
	f->list_hold = s->list_from && (phrases_any(PHRASE_LIST_HOLD, t) ||
	    phrases_any(PHRASE_LIST_HOLD, s->subject));
	/* (a post held for its moderator, "by a non-member", is not
	 * refused yet) */
	f->list_refusal = s->list_from && f->reject_words && !f->list_hold;
	/* a request to approve a held post goes to the list's owner: the
	 * post's refusal or hold it describes is not a report to us */
	f->list_moderate = s->list_from &&
	    (phrases_any(PHRASE_LIST_MODERATE, t) ||
	    phrases_any(PHRASE_LIST_MODERATE, s->subject));
	if (f->list_moderate)
		f->list_refusal = f->list_hold = 0;
	/* (with the list's fields or its envelope: a shop's
	 * "orders-confirm+id@" is none; mlmmj asks from "+help@" with the
	 * address to confirm to in Reply-To) */
	f->list_confirm = s->list_from && (s->list || s->list_sender) &&
	    !f->list_moderate && (phrases_any(PHRASE_LIST_CONFIRM, s->from) ||
	    phrases_any(PHRASE_LIST_CONFIRM, reply_to));
	/* (a list's post quoting its program: the post's list fields
	 * outweigh it) */
	f->list_program = phrases_any(PHRASE_LIST_PROGRAM, t);
	/* (or the list writing in its own name from its own envelope or
	 * Sender, "x@" with "x-bounce@", answering one writer, not its
	 * members: Schleuder's "sendkey" sends the list's key as "RE:
	 * <subject>") */
	f->list_robot_reply = (s->list_from || signs_list_answer(s)) &&
	    s->answers && (s->subject_reply || s->machine) &&
	    !s->list && !f->list_refusal && !f->list_hold &&
	    !f->list_moderate && !f->list_confirm;
	if (f->list_robot_reply)
		f->list_sender = 0;
}

/*
 * A report that names failures (or delays) beside deliveries (Sendmail's
 * "relayed", a DSN asked for on success): its recipients are those that
 * failed, as a reader of bounces wants them (a list's manager removing
 * the addresses a bounce names); a report of deliveries alone keeps its
 * own.
 */
static void
keep_unsettled(struct analysis *an)
{
	const char	*act;
	int		 i, j, failed = 0;

	for (i = 0; i < an->nrecipients; i++)
		if ((act = an->recipients[i].action) != NULL &&
		    (strcmp(act, "failed") == 0 || strcmp(act, "delayed") == 0))
			failed = 1;
	if (!failed)
		return;
	for (i = j = 0; i < an->nrecipients; i++) {
		act = an->recipients[i].action;
		if (act != NULL && (strcmp(act, "delivered") == 0 ||
		    strcmp(act, "relayed") == 0 || strcmp(act, "expanded") == 0))
			continue;
		an->recipients[j++] = an->recipients[i];
	}
	an->nrecipients = j;
}

/*
 * The name a letter to us would greet: the first word of the To field's
 * display name (decoded), else its address's local part up to a '.',
 * '_', '-' or '+', lower-cased; NULL when shorter than three bytes.
 */
static const char *
addressee_name(struct arena *a, const struct message *msg)
{
	const char	*to = header_get(a, &msg->hdr, "To"), *p, *lt;
	char		*w;
	size_t		 n;

	if (to == NULL)
		return NULL;
	p = to + strspn(to, " \t\"'");
	lt = strchr(p, '<');
	if (lt != NULL && lt > p && strcspn(p, "@<") == (size_t)(lt - p))
		n = strcspn(p, " \t\"',<");
	else {
		if ((p = address_first(a, to)) == NULL)
			return NULL;
		n = strcspn(p, "._-+@");
	}
	if (n < 3 || (w = arena_strndup(a, p, n)) == NULL)
		return NULL;
	return signs_lowered(a, w);
}

/* A letter of absence is a few lines of its own ("Re:" and no more). */
#define ABSENCE_LINES	14

/*
 * Is the text (lower-cased, its lines kept) a short letter of its own:
 * at most ABSENCE_LINES lines outside those quoted with '>', before any
 * original, none of the first two greeting who it answers by name
 * ("Hallo Alice,")? A rule's template does not know the name; a person
 * does.
 */
static int
short_unaddressed(struct arena *a, const struct message *msg,
    const char *ltext)
{
	const char	*name = addressee_name(a, msg), *p = ltext, *end, *nl;
	const char	*hit;
	size_t		 n = name != NULL ? strlen(name) : 0;
	int		 lines = 0;

	end = ltext + original_separator(ltext, strlen(ltext));
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		p += strspn(p, " \t\r");
		if (p >= nl || *p == '>')
			continue;
		if (++lines > ABSENCE_LINES)
			return 0;
		for (hit = p; lines <= 2 && n > 0 && (hit = strstr(hit,
		    name)) != NULL && hit < nl; hit += n)
			if ((hit == p || !isalnum((unsigned char)hit[-1])) &&
			    !isalnum((unsigned char)hit[n]))
				return 0;
	}
	return lines > 0;
}

/* Does every recipient the report names say "delivered"? */
static int
all_delivered(const struct analysis *an)
{
	int	 i;

	for (i = 0; i < an->nrecipients; i++)
		if (an->recipients[i].action == NULL ||
		    strcmp(an->recipients[i].action, "delivered") != 0)
			return 0;
	return an->nrecipients > 0;
}

static const char	*unquoted_folded(struct arena *, const char *);
static const char	*unspoken(struct arena *, const char *);

/* The words of failure and of an answer, before any original; an
 * answer's only outside lines quoted with '>' (own, NULL when none is):
 * an absence quoted in a person's reply is not theirs. And a quarantine
 * digest's, in those or the subject; an answer that is all absence, or
 * that answers a name a bot forged with our address (or a Message-ID in
 * a spam tool's shape: challenge_and_filter_words, once the other kinds'
 * words are known). */
static void
failure_and_answer_words(struct kind_facts *f, const struct analysis *an,
    const struct signs *s, struct arena *a, const char *t, const char *ltext)
{
	const char	*own = unquoted_folded(a, ltext), *said;

	/* (a person's letter tells what an answer said in quotation marks:
	 * those are the answer's words, not the letter's) */
	if (f->mail_client && (said = unspoken(a, own != NULL ? own : t)) !=
	    NULL)
		own = said;
	f->failed_words = phrases_count(PHRASE_FAILED, t);
	f->mailbox_failed = f->subject_mailbox && f->failed_words > 0;
	f->not_failure = phrases_any(PHRASE_NOT_FAILURE, t);
	f->autoreply_words = phrases_count(PHRASE_AUTOREPLY_BODY,
	    own != NULL ? own : t);
	f->ticket_words = phrases_count(PHRASE_TICKET, own != NULL ? own : t);
	f->ticket_opened = phrases_any(PHRASE_TICKET_OPENED,
	    own != NULL ? own : t);
	/* an answer in a delivery report's clothes (maildrop's mailbot
	 * -T replydsn): every recipient "delivered", an auto-reply's field
	 * and its words (an absence, or a request received); the report
	 * says nothing failed */
	if (f->dsn && (f->autoreply_words > 0 || f->ticket_words > 0) &&
	    f->autoreply_header && all_delivered(an))
		f->dsn = 0;
	/* a filter's digest of what it holds for the recipient (not a
	 * report's structure: a DSN or a receipt stays one) */
	f->quarantine_digest = !f->dsn && !f->mdn && !f->feedback &&
	    (phrases_any(PHRASE_QUARANTINE_DIGEST, s->subject) ||
	    phrases_any(PHRASE_QUARANTINE_DIGEST, t));
	f->absence_letter = f->autoreply_words >= 2 && s->subject_reply &&
	    !f->mail_client && short_unaddressed(a, an->message, ltext);
	f->answers_forged = s->to_name_foreign &&
	    (f->autoreply_words > 0 || f->ticket_words > 0);
	f->program_absence = f->autoreply_words > 0 && f->failed_words == 0 &&
	    (s->no_subject || (signs_program_only(s) &&
	    short_unaddressed(a, an->message, ltext)));
}

/*
 * The text without what it puts between quotation marks ("...", “...”,
 * „...“, «...»), each span blanked: in a person's letter, what someone
 * else said ("kreeg ik een automatisch antwoord: “Wij hebben uw bericht
 * ontvangen”"). NULL when out of memory.
 */
static const char *
unspoken(struct arena *a, const char *s)
{
	static const char *const pairs[][2] = {
		{ "\"", "\"" }, { "\xe2\x80\x9c", "\xe2\x80\x9d" },
		{ "\xe2\x80\x9e", "\xe2\x80\x9c" },
		{ "\xc2\xab", "\xc2\xbb" }
	};
	const char	*next[sizeof(pairs) / sizeof(pairs[0])] = { NULL };
	int		 none[sizeof(pairs) / sizeof(pairs[0])] = { 0 };
	char		*c, *p;
	size_t		 i, ol, cl;

	if ((c = arena_strdup(a, s)) == NULL)
		return NULL;
	for (p = c; *p != '\0'; p++)
		for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
			ol = strlen(pairs[i][0]);
			cl = strlen(pairs[i][1]);
			if (none[i] || strncmp(p, pairs[i][0], ol) != 0)
				continue;
			/* (the next closing mark found once and kept until
			 * passed: a text of opening marks stays linear) */
			if ((next[i] == NULL || next[i] < p + ol) &&
			    (next[i] = strstr(p + ol, pairs[i][1])) == NULL) {
				none[i] = 1;
				continue;
			}
			if (next[i] - (p + ol) > LIMIT_QUOTED_SPEECH)
				continue;
			memset(p + ol, ' ', (size_t)(next[i] - (p + ol)));
			p = (char *)next[i] + cl - 1;
			break;
		}
	return c;
}

/* cron's mail of a job's output: its X-Cron-Env fields, or "Cron
 * <user@host> command" from the Cron Daemon */
static int
cron_job(const struct header_block *hb, const struct signs *s)
{
	return header_find(hb, "X-Cron-Env", 0) != -1 ||
	    (s->subject != NULL && strncmp(s->subject, "cron <", 6) == 0 &&
	    s->from != NULL && strstr(s->from, "(cron daemon)") != NULL);
}

/* Is the message addressed to a list's bounce address ("list-bounces@",
 * "-bounces+VERP@")? Where a list's mail is returned to, not where it
 * posts: no list sends its posts there. */
static int
to_list_bounces(struct arena *a, const struct message *msg)
{
	const char	*to = signs_lowered(a, header_get_raw(a, &msg->hdr,
			    "To"));

	return to != NULL && (strstr(to, "-bounces@") != NULL ||
	    strstr(to, "-bounces+") != NULL);
}

/* Is the message addressed to a list's owner, "list-owner@" or
 * "owner-list@", with a list's fields or from a list's address? Lists
 * send their owners what they hold, disable or cannot read, attached. */
static int
to_list_owner(struct arena *a, const struct message *msg,
    const struct signs *s)
{
	const char	*to, *at;

	if (!s->list && !s->list_sender && !s->list_from)
		return 0;
	if ((to = signs_lowered(a, header_get_raw(a, &msg->hdr, "To"))) ==
	    NULL)
		return 0;
	if (strstr(to, "-owner@") != NULL)
		return 1;
	/* "owner-list@": the local part's start */
	for (at = to; (at = strstr(at, "owner-")) != NULL; at++)
		if (at == to || strchr("<, \t\"", at[-1]) != NULL)
			return 1;
	return 0;
}

/*
 * A report a list passed on: it came with a list's fields, but a mail
 * system wrote it (its From names one, or its envelope sender is empty),
 * or it is no one's letter and has a report's subject over a returned
 * original (a part, not text a writer pasted) or addressed to the list's
 * bounce address (a report that copied the list's fields from the
 * message it returns: Microsoft CDO's "Non-Delivery"). A person's "Re:"
 * or "Fwd:" about a bounce, or anything a mail program wrote, is a post.
 */
static int
passed_on_report(const struct kind_facts *f, const struct signs *s,
    struct arena *a, const struct message *msg)
{
	if (!f->list_header || f->digest || f->mail_client ||
	    s->subject_reply || is_forward(s->subject))
		return 0;
	/* (an empty envelope sender, not a list's or a bulk sender's
	 * "bounces" address, which every newsletter has) */
	return s->daemon_from || (s->return_path != NULL &&
	    strstr(s->return_path, "<>") != NULL) || (!f->person &&
	    f->subject_bounce && (f->original || to_list_bounces(a, msg)));
}

/* What the phases after the gate share. */
struct reading {
	struct message		*msg;
	int			 depth;		/* 1 inside an unwrapped report */
	struct signs		 s;
	const char		*body;		/* the normalised body */
	struct mime		*mime;
	struct parts		 parts;
	struct reader_input	 in;		/* what the readers read */
	int			 person_forward;	/* a person's "Fwd:" */
	int			 person_reply;		/* a person's "Re:" */
	int			 person_post;		/* a person's list post */
	int			 list_moderate;		/* a list asks its owner */
	int			 list_owner;		/* a list's mail to its
							   owner */
	int			 double_bounce;		/* a bounce that could
							   not be returned */
};

static int	read_message(struct message *, struct arena *,
		    struct analysis *, int);

int
anatomy_read(struct message *msg, struct arena *a, struct analysis *an)
{
	return read_message(msg, a, an, 0);
}

int
anatomy_opens(const struct message *msg, struct arena *a)
{
	struct signs	 s;

	if (msg->oversize)
		return 0;
	signs_read(&s, msg, a);	/* (which clears s) */
	return signs_gate(&s);
}

/*
 * Take apart: the MIME tree, the bounce's own text, the delivery-status
 * part and the returned original, then the prose the readers read (the
 * text before a quoted original). 0, or -1 when out of arena.
 */
static int
take_apart(struct reading *r, struct arena *a, struct analysis *an)
{
	struct message		*msg = r->msg;
	struct reader_input	*in = &r->in;
	struct mime		*m;
	size_t			 prose_len;

	if ((r->body = message_body(msg)) == NULL) {
		an->skipped |= SKIP_ARENA;
		return -1;
	}
	if ((m = arena_alloc(a, sizeof(*m))) == NULL ||
	    mime_parse(a, &msg->hdr, r->body, msg->body_len, m) == -1) {
		an->skipped |= SKIP_ARENA;
		return -1;
	}
	an->mime = r->mime = m;
	if (m->skipped & MIME_SKIP_DEPTH)
		an->skipped |= SKIP_MIME_DEPTH;
	if (m->skipped & MIME_SKIP_PARTS)
		an->skipped |= SKIP_MIME_PARTS;
	find_parts(m, &r->parts);
	gather_text(an, a, m, &r->parts);
	if (r->parts.dsn != -1) {
		char	*t;
		size_t	 n;

		if ((t = mime_decode(a, &m->parts[r->parts.dsn], &n)) != NULL)
			dsn_parse(a, t, n, an);
	}

	/* The original first: its quoted lines are not the bounce's words. */
	prose_len = an->text_len;
	/* a mail program's quote header is an answer's or a notice's
	 * original, never a bounce's (a returned body may quote a third
	 * party) */
	read_original(an, a, m, &r->parts, r->body, msg->body_len,
	    !r->s.failed_recipients && !r->s.bounce_subject &&
	    !r->s.report_type, &prose_len);
	/* the original's header read in part is said as the bounce's is */
	if (an->original.hdr.truncated)
		an->skipped |= SKIP_HEADERS;

	in->subject = r->s.subject ? r->s.subject : "";
	in->from = r->s.from ? r->s.from : "";
	in->text = an->text ? an->text : "";
	in->text_len = prose_len;
	in->ltext = signs_lowered(a, arena_strndup(a, in->text, prose_len));
	if (in->ltext == NULL) {
		/* out of arena: the readers read nothing rather than text
		 * without its lower-case twin */
		in->ltext = "";
		in->text_len = 0;
		an->skipped |= SKIP_ARENA;
	}
	in->own = own_addresses(an, a, &msg->hdr, &in->nown);
	in->has_dsn = r->parts.dsn != -1;
	in->daemon = r->s.daemon;
	in->machine = r->s.daemon || r->s.null_sender || r->s.auto_submitted ||
	    signs_filter_name(r->s.from);
	return 0;
}

/*
 * Structure: the kind the report parts and the header fields name,
 * strongest first. The readers read it (a reader of bounce prose leaves a
 * feedback report alone); weigh_kind has the last word. Delivery-status
 * fields written in the prose count as a delivery-status part (a DSN whose
 * MIME structure was lost, or an MTA that writes the fields inline).
 */
static void
kind_from_structure(struct reading *r, struct arena *a, struct analysis *an)
{
	const struct signs	*s = &r->s;
	const struct parts	*pp = &r->parts;
	struct reader_input	*in = &r->in;

	/* (not in a list post: people paste DSN fields when they talk
	 * about bounces) */
	if (pp->dsn == -1 && !(s->list && !s->list_from)) {
		const char	*f = strstr(in->ltext, "final-recipient:");
		const char	*rm = strstr(in->ltext, "reporting-mta:");

		if (f != NULL) {
			size_t	 off = (size_t)((rm != NULL && rm < f ? rm : f) -
			    in->ltext);

			if (dsn_parse(a, in->text + off, in->text_len - off,
			    an) > 0)
				in->has_dsn = 1;
		}
	}

	if (pp->feedback != -1 || (s->content_type != NULL &&
	    strstr(s->content_type, "feedback-report")) || s->unsubscribe ||
	    (pp->rfc822 != -1 && s->feedback_subject))
		an->kind = KIND_FEEDBACK;
	else if (pp->mdn != -1 || (s->content_type != NULL &&
	    strstr(s->content_type, "disposition-notification")))
		an->kind = KIND_MDN;
	else if (in->has_dsn)
		an->kind = KIND_BOUNCE;
	else if (s->challenge)
		an->kind = KIND_CHALLENGE;
	else if (s->autoreply >= 2 && !s->daemon)
		an->kind = KIND_AUTOREPLY;
}

/*
 * Readers: a feedback report's and a receipt's own fields, or the format
 * reader that knows the text best (it may also set the kind).
 */
static void
run_readers(struct reading *r, struct arena *a, struct analysis *an)
{
	const struct reader	*best = NULL;
	int			 i, score, best_score = 0;

	if (an->kind == KIND_FEEDBACK) {
		feedback_recipients(an, a, r->mime, &r->parts);
		return;
	}
	if (an->kind == KIND_MDN) {
		if (r->parts.mdn != -1)
			mdn_fields(an, a, &r->mime->parts[r->parts.mdn]);
		return;
	}
	for (i = 0; readers[i] != NULL; i++) {
		score = readers[i]->match(an, &r->in);
		if (score > best_score) {
			best_score = score;
			best = readers[i];
		}
	}
	if (best != NULL) {
		an->format = best->name;
		if (best->parse(an, a, &r->in) == -1)
			an->skipped |= SKIP_ARENA;
	}
}

/* Does a disposition-notification part say "deleted" by an automatic
 * action? That is a Sieve "reject" or an LDA's refusal (RFC 5429): the
 * message was not delivered. A person's "deleted unread" is manual. */
static int
mdn_rejected(struct arena *a, const struct mime_part *p)
{
	struct header_block	 hb;
	char			*t, *v;
	size_t			 n;

	if ((t = mime_decode(a, p, &n)) == NULL)
		return 0;
	header_parse(a, t, n, &hb);
	v = signs_lowered(a, header_get_raw(a, &hb, "Disposition"));
	return v != NULL && strstr(v, "automatic-action") != NULL &&
	    (strstr(v, "deleted") != NULL || strstr(v, "denied") != NULL ||
	    strstr(v, "failed") != NULL);
}

/* s with each run of blanks and line breaks one space; without the
 * lines quoted with '>' when unquoted is set. NULL out of memory. */
static const char *
folded(struct arena *a, const char *s, int unquoted)
{
	const char	*l, *start = s;
	char		*f, *q;

	if ((f = arena_alloc_bytes(a, strlen(s) + 1)) == NULL)
		return NULL;
	for (q = f; *s != '\0'; s++) {
		/* a quoted line goes, with its line break */
		if (unquoted && (s == start || s[-1] == '\n')) {
			for (l = s; *l == ' ' || *l == '\t'; l++)
				;
			if (*l == '>') {
				s = l + strcspn(l, "\n");
				if (*s == '\0')
					break;
				continue;
			}
		}
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			if (q == f || q[-1] != ' ')
				*q++ = ' ';
		} else
			*q++ = *s;
	}
	*q = '\0';
	return f;
}

/* The prose with every run of blanks and line ends one space: the
 * phrases are written so, and a report wraps its lines where it likes
 * ("identified as\nspam"). NULL when out of memory. */
static const char *
blanks_folded(struct arena *a, const char *s)
{
	return folded(a, s, 0);
}

/* As blanks_folded, without the lines quoted with '>': the words of
 * someone else (a person's reply quoting an auto-reply's absence). NULL
 * when no line is quoted, or out of memory. */
static const char *
unquoted_folded(struct arena *a, const char *s)
{
	const char	*l;

	for (l = s; *l == ' ' || *l == '\t'; l++)
		;
	if (*l != '>' && strstr(s, "\n>") == NULL && strstr(s, "\n >") ==
	    NULL)
		return NULL;
	return folded(a, s, 1);
}

/*
 * The first word of every line, one space between: the labels of a
 * two-column table as a text part renders it. Notes' return receipt sets
 * "Your document:", "was received by:" and "at:" down its left column,
 * one word a line beside the values ("Your    Angebot 4471" then
 * "document:"), so its words are found only so. NULL when out of memory.
 */
static const char *
column_labels(struct arena *a, const char *s)
{
	char		*f, *q;
	const char	*w;

	if ((f = arena_alloc_bytes(a, strlen(s) + 1)) == NULL)
		return NULL;
	for (q = f; *s != '\0'; s += *s == '\n') {
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		for (w = s; *s != '\0' && *s != '\n' && *s != ' ' &&
		    *s != '\t' && *s != '\r'; s++)
			;
		if (s > w) {
			if (q > f)
				*q++ = ' ';
			memcpy(q, w, (size_t)(s - w));
			q += s - w;
		}
		while (*s != '\0' && *s != '\n')
			s++;
	}
	*q = '\0';
	return f;
}

/* A list's digest: multipart/digest, or Mailman's text digest (list
 * fields, "Digest" in the subject). */
static int
is_digest(const struct parts *pp, const struct signs *s)
{
	return pp->digest != -1 || (s->list && s->subject != NULL &&
	    strstr(s->subject, "digest") != NULL);
}

/* A digest's text is its members' posts: what they quote (a bounce, an
 * auto-reply) says nothing of what the digest is. */
static void
digest_posts(struct kind_facts *f)
{
	f->reader_bounce = f->failed_words = f->autoreply_words =
	    f->ticket_words = f->ticket_opened = f->receipt_words =
	    f->challenge_words =
	    f->notice_words = f->spam_block = f->threat_action =
	    f->reject_words = f->list_refusal = f->list_hold =
	    f->smtp_refusal =
	    f->recipients = 0;
}

/*
 * A delivery-status report from a content filter (its From names one, or
 * its prose names the product: "blocked by Microsoft Defender",
 * "generated by the Cisco Secure Email Gateway") whose own words say it
 * stopped the message, naming no remote MTA (no other host refused it):
 * the filter reports its own decision, a notice packaged as a DSN. (An
 * MTA's bounce that says a virus was found is still a bounce.)
 */
static int
filter_report(const struct analysis *an, const struct kind_facts *f,
    const char *t)
{
	int	 i;

	if (!f->dsn || f->notice_words == 0 || (!f->filter_from &&
	    !phrases_any(PHRASE_FILTER_PRODUCT, t)))
		return 0;
	for (i = 0; i < an->nrecipients; i++)
		if (an->recipients[i].remote_mta != NULL)
			return 0;
	return 1;
}

/*
 * Whom the message is addressed to, as a report or an answer never is:
 * to several (To and Cc name two addresses or more: a report or an
 * answer goes to the one sender it answers), or to its own sender (From
 * among To: a note to oneself others get in Bcc).
 */
static void
addressees(const struct reading *r, struct arena *a, struct kind_facts *f)
{
	const struct header_block	*hb = &r->msg->hdr;
	char				*to[4], *cc[4], *from;
	int				 nto = 0, ncc = 0;
	const char			*v;

	if ((v = header_get_raw(a, hb, "To")) != NULL)
		nto = address_parse(a, v, to, 4);
	if ((v = header_get_raw(a, hb, "Cc")) != NULL)
		ncc = address_parse(a, v, cc, 4);
	f->several = nto + ncc >= 2;
	from = address_first(a, r->s.from != NULL ? r->s.from : "");
	f->self_addressed = from != NULL && address_listed(to, nto, from);
}

/* What the subject says, before a person's "Re:" is known. */
static void
subject_facts(struct kind_facts *f, const struct signs *s)
{
	f->subject_autoreply = s->autoreply_subject;
	f->subject_commands = s->command_subject;
	f->subject_autoreply_weak = s->absence_subject;
	f->absence_wraps = s->absence_wraps;
	f->subject_ticket = s->ticket_subject;
	f->subject_challenge = s->challenge_subject;
	f->subject_notice = s->notice_subject;
	f->subject_postmaster = phrases_any(PHRASE_POSTMASTER_SUBJECT,
	    s->subject);
	f->subject_mdn = s->mdn_subject;
	f->subject_feedback = s->feedback_subject;
	f->subject_bounce = s->bounce_subject_strong;
	f->subject_bounce_weak = s->bounce_subject &&
	    !s->bounce_subject_strong;
	f->subject_mailbox = s->mailbox != NULL;
}

/*
 * What a list's post or a person's reply says is its writer's, not a
 * report's: its words of failure, refusal or absence do not count.
 */
static void
posts_and_replies(struct reading *r, struct arena *a, struct kind_facts *f)
{
	const struct signs	*s = &r->s;

	/* a mail system's report a list passed on (sent to the list's
	 * address, or its owner's): the list's fields say how it came, not
	 * that a person wrote it */
	if (passed_on_report(f, s, a, r->msg)) {
		f->list_header = f->list_sender = 0;
		r->person_post = 0;
	}
	/* a list's post (not the list's own notice, not a mail system's
	 * report it passed on) that carries no report: its words are its
	 * writer's, who talks about a bounce as a digest's members do */
	if (f->digest || (f->list_header && !f->dsn && !f->reader_bounce &&
	    !s->daemon_from && !s->null_sender)) {
		int	opened = f->ticket_opened;

		digest_posts(f);
		/* (a tracker's notices go out with a List-Id and no
		 * List-Post, marked as a program's: no discussion list, and
		 * the note that the author's message opened an issue is the
		 * program's own word) */
		f->ticket_opened = opened && !f->digest && s->auto_submitted &&
		    !s->list_post;
	}
	/* a person's "Re:" with no report in it: the delivery failure it
	 * quotes or tells of is the letter it answers, not its own */
	else if (f->subject_reply && s->subject_reply && !f->dsn && !f->mdn)
		f->reader_bounce = f->failed_words = f->reject_words =
		    f->smtp_refusal = f->recipients = 0;
}

/* Mail for an administrator, no answer to anyone: a job's output that
 * cron mails, a list's word to its owner. What the list tells its owner
 * comes attached: a report sent to the owner's address (the envelope
 * sender of some lists' mail) is a report it passed on. */
static void
admin_mail(struct reading *r, struct arena *a, struct kind_facts *f)
{
	f->cron = cron_job(&r->msg->hdr, &r->s);
	f->to_list_owner = r->list_owner = r->parts.rfc822 != -1 &&
	    !r->in.has_dsn && to_list_owner(a, r->msg, &r->s);
}

/* A challenge's and a content filter's words, a Sieve notify saying
 * the message was refused or thrown away, and then an answer to a
 * Message-ID in a spam tool's shape: absence or a request received in
 * it counts as an answer to a forged name (failure_and_answer_words),
 * but a filter's notice or a challenge answers spam too, and says so in
 * its own words. */
static void
challenge_and_filter_words(struct kind_facts *f, const struct analysis *an,
    const struct signs *s, const char *t)
{
	f->challenge_system = phrases_count(PHRASE_CHALLENGE_SYSTEM, t) +
	    phrases_count(PHRASE_CHALLENGE_SYSTEM, s->from);
	f->challenge_words += anatomy_challenge_words(t);
	f->notice_words = phrases_count2(PHRASE_NOTICE_WORDS, t, s->subject);
	f->filter_report = filter_report(an, f, t);
	/* refused as spam in a delivery-status report is a bounce's reason;
	 * in a letter, a filter's notice */
	if (!f->dsn)
		f->spam_block = phrases_count2(PHRASE_SPAM_BLOCK, t,
		    s->subject);
	f->notify_refused = s->notified && (s->bounce_subject ||
	    f->failed_words > 0 || phrases_any(PHRASE_FILTER_ACTION, t));
	if (s->answers_spam_id && (f->autoreply_words > 0 ||
	    f->ticket_words > 0) && f->notice_words == 0 &&
	    f->challenge_words == 0 && f->spam_block == 0)
		f->answers_forged = 1;
}

/*
 * Lines that start with a subject's label ("Subject:", "Betreff:", in
 * the language the text writes it), counted to three: a filter's digest
 * lists the messages it holds, each with its subject; its notice to a
 * sender names the one it stopped.
 */
static int
subject_lines(const char *ltext)
{
	const struct phrase	*ph = phrases_find(PHRASE_QUOTE_SUBJECT, ltext);
	const char		*w = ph != NULL ? phrase_text(ph) : "subject:";
	const char		*p = ltext;
	size_t			 wl = strlen(w);
	int			 n = 0;

	while (p != NULL && *p != '\0' && n < 3) {
		p += strspn(p, " \t");
		if (strncmp(p, w, wl) == 0)
			n++;
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return n;
}

/*
 * Blank, in text (writable), its lines that start with a
 * subject's label ("Subject:", "Betreff:", in any language the phrases
 * know): where a report or a notice names the message it is about, the
 * subject is that message's words, not its own ("Subject: Please confirm
 * your subscription" in a bounce is no challenge). How many it blanked.
 */
static int
blank_subjects(char *text)
{
	char	*p, *e;
	size_t	 off;
	int	 n = 0;

	for (p = text; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		if ((e = strchr(p, '\n')) == NULL)
			e = p + strlen(p);
		off = strspn(p, " \t>");
		if (strncmp(p + off, "subject:", 8) != 0 &&
		    !phrases_starts(PHRASE_QUOTE_SUBJECT, p + off))
			continue;
		memset(p, ' ', (size_t)(e - p));
		n++;
	}
	return n;
}

int
anatomy_challenge_words(const char *text)
{
	char	*copy;
	int	 n = phrases_count(PHRASE_CHALLENGE_WORDS, text);

	/* counted again on a copy only where words were found: most texts
	 * have none (out of memory, the count with the subjects) */
	if (n > 0 && (copy = strdup(text)) != NULL) {
		if (blank_subjects(copy) > 0)
			n = phrases_count(PHRASE_CHALLENGE_WORDS, copy);
		free(copy);
	}
	return n;
}

/* Does a text open with a greeting: a first line of at most five words
 * ended by ',' or '!' ("Dear Ms Brandt,", "Hallo!")? */
static int
greets(const char *text)
{
	const char	*p = text, *e;
	int		 words = 0, in = 0;

	p += strspn(p, " \t\r\n");
	if ((e = strchr(p, '\n')) == NULL)
		e = p + strlen(p);
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	if (e == p || (e[-1] != ',' && e[-1] != '!'))
		return 0;
	for (; p < e; p++) {
		if (*p == ' ' || *p == '\t')
			in = 0;
		else if (!in)
			in = 1, words++;
	}
	return words <= 5;
}

/* Does the text (lower-cased) open with a greeting to no one in
 * particular ("Dear customer,", "Sehr geehrte Damen und Herren,")? A
 * template's: a person answering greets whom they answer. */
static int
greets_no_one(const char *ltext)
{
	const char	*p = ltext + strspn(ltext, " \t\r\n");

	return phrases_starts(PHRASE_SALUTATION_GENERIC, p);
}

/*
 * A "Re:" whose subject says delivery failed and whose own few lines (not
 * quoted, not an original's, not in quotation marks) say it with two
 * phrases or more and name an address, with no mail program's
 * User-Agent, no greeting and no addressee's name: a gateway's report
 * written in its user's name ("RE: <subject> : non remis (delivery
 * failed)", "Your message could not be delivered to user@host" in two
 * languages), not a person's letter about a bounce, which greets and
 * tells of the report it quotes in its own words.
 */
static int
failure_letter(const struct signs *s, const struct kind_facts *f,
    struct arena *a, const struct message *msg, const char *ltext)
{
	const char	*own, *said;
	char		*cut;

	if (!s->subject_reply || !s->bounce_subject_strong ||
	    f->mail_client || strchr(ltext, '@') == NULL)
		return 0;
	if ((cut = arena_strndup(a, ltext, original_separator(ltext,
	    strlen(ltext)))) == NULL || greets(cut) ||
	    (own = folded(a, cut, 1)) == NULL)
		return 0;
	if ((said = unspoken(a, own)) != NULL)
		own = said;
	return strchr(own, '@') != NULL &&
	    phrases_count(PHRASE_FAILED, own) >= 2 &&
	    short_unaddressed(a, msg, ltext);
}

/*
 * Who wrote it, a person or a machine, and what a person's letter makes
 * of the subject's facts: a person's "Re: Delivery failure" is a letter
 * about a bounce, and a person's reply names its subject as any letter
 * does (a template filling it in is a machine's, with a machine's
 * fields).
 */
static void
writer_facts(struct reading *r, struct arena *a, struct kind_facts *f)
{
	const struct signs	*s = &r->s;
	int			 role = role_writer(s, a);

	f->greets_no_one = greets_no_one(r->in.ltext);
	f->person = !failure_letter(s, f, a, r->msg, r->in.ltext) &&
	    !f->greets_no_one && person_wrote(s, f, role);
	/* (a person at a role address is no mail system) */
	if (f->person && role)
		f->daemon = 0;
	f->subject_reply = (s->subject_reply || is_forward(s->subject)) &&
	    f->person;
	r->person_forward = f->person && is_forward(s->subject);
	r->person_reply = f->person && s->subject_reply;
	r->person_post = f->person && f->list_header;
	f->machine_reply = f->machine_header && s->subject_reply;
	f->unthreaded_reply = signs_unthreaded_reply(s);
	if (f->subject_reply && s->subject_reply)
		f->echo = 0;
	/* (a person's "Re:" names no report's subject) */
	f->subject_bounce &= !f->subject_reply;
	f->subject_bounce_weak &= !f->subject_reply;
	f->subject_mailbox &= !f->subject_reply;
}

/*
 * Words and weighing: gather what the header, the structure, the readers
 * and the prose say (struct kind_facts) and let kind_weigh decide. The
 * kind the structure and the readers gave so far counts as one fact among
 * the others.
 */
static void
weigh_kind(struct reading *r, struct arena *a, struct analysis *an)
{
	const struct signs	*s = &r->s;
	const struct parts	*pp = &r->parts;
	const char		*t = blanks_folded(a, r->in.ltext);
	struct kind_facts	 f;

	if (t == NULL)
		t = r->in.ltext;

	memset(&f, 0, sizeof(f));
	f.autoreply_header = s->autoreply >= 2 && !s->rejected;
	f.rejected_header = s->rejected;
	f.machine_header = s->machine || (s->auto_submitted &&
	    s->autoreply < 2);
	f.list_header = s->list && !s->list_from;
	f.list_sender = s->list_sender && !s->list_from;
	f.challenge_header = s->challenge;
	f.failed_recipients = s->failed_recipients;
	/* (a list's own address, "list-bounces@", is the list's, not a mail
	 * system's: its notices are weighed by their words) */
	f.daemon = s->daemon_from && !s->list_from;
	f.mail_client = header_find(&r->msg->hdr, "User-Agent", 0) != -1;
	f.daemon_sender = s->daemon && !s->daemon_from;
	f.null_sender = s->null_sender;
	f.filter_from = signs_filter_name(s->from);
	f.unsubscribe = s->unsubscribe;
	f.answers = s->answers;
	f.echo = subject_echoed(a, r->msg, s, t);
	subject_facts(&f, s);
	/* (a copy for the postmaster of a bounce that itself could not be
	 * delivered, Postfix's double bounce, returns that bounce: it
	 * reports on mail to the user, as the bounce did) */
	if (f.subject_postmaster && original_is_report(a, &an->original))
		f.subject_postmaster = 0, r->double_bounce = 1;
	admin_mail(r, a, &f);
	writer_facts(r, a, &f);

	f.dsn = r->in.has_dsn && an->kind == KIND_BOUNCE;
	/* (a list server's command results as a delivery-status report,
	 * Sympa's "no command found": the report says the command failed) */
	f.subject_commands &= !f.dsn;
	f.mdn = pp->mdn != -1 || (s->content_type != NULL &&
	    strstr(s->content_type, "disposition-notification") != NULL);
	/* (a receipt's own subject, "Not read:", says a person deleted it
	 * unread: Outlook writes that disposition too) */
	f.mdn_rejected = pp->mdn != -1 &&
	    mdn_rejected(a, &r->mime->parts[pp->mdn]) &&
	    (s->rejected || ((s->null_sender || s->daemon) && !s->mdn_subject));
	f.feedback = pp->feedback != -1 || (s->content_type != NULL &&
	    strstr(s->content_type, "feedback-report") != NULL);
	f.feedback_wrapped = pp->rfc822 != -1 && s->feedback_subject;
	f.original = an->original.source != SOURCE_NONE;
	f.digest = is_digest(pp, s);
	f.calendar = pp->calendar != -1;
	addressees(r, a, &f);

	/* what the readers claimed beyond the structure */
	f.reader_bounce = an->kind == KIND_BOUNCE && !r->in.has_dsn &&
	    an->format != NULL && strcmp(an->format, "notice") != 0;
	f.reader_feedback = an->kind == KIND_FEEDBACK && !f.feedback &&
	    !s->unsubscribe;
	if (an->kind == KIND_CHALLENGE && !s->challenge)
		f.challenge_words++;
	if (an->kind == KIND_NOTICE)
		f.threat_action = 1;

	failure_and_answer_words(&f, an, s, a, t, r->in.ltext);
	f.receipt_words = phrases_count(PHRASE_MDN_BODY, t);
	if (f.receipt_words == 0 && s->mdn_subject)
		f.receipt_words = phrases_count(PHRASE_MDN_BODY,
		    column_labels(a, r->in.ltext));
	challenge_and_filter_words(&f, an, s, t);
	/* a filter's words over a list of three subjects or more: its digest
	 * of what it holds for the recipient, whatever it calls itself */
	if (!f.quarantine_digest && f.notice_words > 0 && !f.dsn && !f.mdn &&
	    !f.feedback && !f.original && subject_lines(r->in.ltext) >= 3)
		f.quarantine_digest = 1;
	if (r->in.machine && (phrases_any(PHRASE_THREAT, s->subject) ||
	    phrases_any(PHRASE_THREAT, t)) &&
	    phrases_any(PHRASE_FILTER_ACTION, t))
		f.threat_action = 1;
	list_facts(&f, s, t, signs_lowered(a, header_get_raw(a, &r->msg->hdr,
	    "Reply-To")));
	r->list_moderate = f.list_moderate;
	/* (the refusal code in a filter's own report is its decision, not
	 * another server's) */
	f.smtp_refusal = dsn_smtp_refusal(t) && !f.filter_report;
	f.recipients = an->nrecipients > 0 && (s->daemon || s->null_sender ||
	    s->failed_recipients || r->in.has_dsn || f.failed_words > 0);
	/* (a mail system's report that says delivery failed may be cut
	 * short: it is not doubted for naming nothing; nor is one whose
	 * subject names the mailbox) */
	f.nothing_returned = an->nrecipients == 0 && !f.original &&
	    !f.subject_mailbox && !f.list_refusal &&
	    !r->in.has_dsn && !(s->daemon_from && (s->bounce_subject ||
	    f.failed_words > 0));
	posts_and_replies(r, a, &f);
	an->kind = kind_weigh(&f, NULL);
	/* a local program's mail that only that opened the gate to: its
	 * absence, or a job's report (pflogsumm, eximstats, fail2ban), no
	 * bounce or notice for its words of failure */
	if (signs_program_only(s) && an->kind != KIND_AUTOREPLY)
		an->kind = KIND_NONE;
}

/* Who bounced or replied, when the text named no one. */
static void
default_recipients(const struct reading *r, struct arena *a,
    struct analysis *an)
{
	char	*who;

	/* a bounce a letter's reader claimed (a list's refusal under an
	 * auto-reply's fields): its prose names what failed */
	if (an->kind == KIND_BOUNCE && an->nrecipients == 0 &&
	    an->format != NULL && (strcmp(an->format, "rfc3834") == 0 ||
	    strcmp(an->format, "challenge") == 0) &&
	    reader_generic_parse(an, a, &r->in) == -1)
		an->skipped |= SKIP_ARENA;
	if (an->kind == KIND_BOUNCE && an->nrecipients == 0)
		original_recipients(an, a);
	/* "Your message to r.hansen@...: waiting": the mailbox the subject
	 * names is the one the report is about */
	if (an->kind == KIND_BOUNCE && an->nrecipients == 0 &&
	    r->s.mailbox != NULL)
		anatomy_add_recipient(an, a, r->s.mailbox);
	/* an auto-reply's prose names a new address or whom to ask
	 * instead ("ab sofort: x@y"): whoever replied is its recipient */
	if (an->kind == KIND_AUTOREPLY && !r->in.has_dsn &&
	    an->format != NULL && strcmp(an->format, "generic") == 0)
		an->nrecipients = 0;
	if ((an->kind == KIND_AUTOREPLY || an->kind == KIND_CHALLENGE) &&
	    an->nrecipients == 0) {
		/* who replied: From, else the envelope sender */
		who = an->from;
		if (who == NULL && r->s.return_path != NULL)
			who = address_first(a, r->s.return_path);
		anatomy_add_recipient(an, a, who);
	}
}

/* Read the report a message returns or carries; 1 when it is one. */
static int
read_inner(const struct original *o, struct arena *a, struct analysis *sub,
    int depth)
{
	struct message		*inner;

	if ((inner = arena_alloc(a, sizeof(*inner))) == NULL)
		return 0;
	/* the text is normalised already and lives in the arena: the inner
	 * message's raw buffer borrows it (never freed through buf_free) */
	inner->raw.data = (char *)o->text;
	inner->raw.len = o->text_len;
	inner->raw.max = o->text_len;
	return message_parse_header(inner, a) != -1 &&
	    read_message(inner, a, sub, depth + 1) != -1 &&
	    sub->kind != KIND_NONE;
}

/* Analyse the report inside a message instead of the message. */
static int
unwrap(const struct original *o, struct arena *a, struct analysis *an,
    int depth)
{
	struct analysis		 sub;

	if (!read_inner(o, a, &sub, depth))
		return 0;
	sub.skipped |= an->skipped;
	*an = sub;
	return 1;
}

/*
 * Unwrap: a report forwarded by a person or wrapped by a list server is
 * read in place of the message that carries it (one level down only).
 * 1 when an holds the inner report's reading.
 */
static int
unwrap_carried(const struct reading *r, struct arena *a, struct analysis *an)
{
	const struct parts	*pp = &r->parts;
	struct original		 fwd;

	if (r->depth > 0)
		return 0;
	/* a double bounce reports on the mail the bounce it returns
	 * returned: that original is the one to judge (the recipients stay
	 * the double bounce's own: whom the bounce did not reach) */
	if (r->double_bounce) {
		struct analysis	 sub;

		if (read_inner(&an->original, a, &sub, r->depth) &&
		    sub.kind == KIND_BOUNCE &&
		    sub.original.source != SOURCE_NONE)
			an->original = sub.original;
		return 0;
	}
	/* a list's digest quotes what its members wrote, bounces too: it
	 * is the list's mail, never a report */
	if (is_digest(pp, &r->s))
		return 0;
	/* nor is what a list passes to its owner to decide on (a held
	 * post, a bounce it could not read, a member it disabled): mail for
	 * the owner */
	if (r->list_moderate || r->list_owner)
		return 0;
	/* (a person who forwards a bounce, or posts one to a list, writes a
	 * letter about it, unless the bounce was ours: report_was_ours; one
	 * who answers a letter that quotes a bounce writes a letter,
	 * whoever's it was) */
	if (pp->dsn == -1 && pp->feedback == -1 && !r->person_reply &&
	    original_is_report(a, &an->original) && ((!r->person_forward &&
	    !r->person_post) || report_was_ours(a, &an->original,
	    address_first(a, r->s.from), r->in.own, r->in.nown)) &&
	    unwrap(&an->original, a, an, r->depth))
		return 1;
	if (pp->dsn != -1 || an->text_len == 0 || r->person_reply ||
	    !is_forward(r->s.subject))
		return 0;
	/* a person forwarded a bounce inline, maybe "> " quoted */
	memset(&fwd, 0, sizeof(fwd));
	if (original_find_forwarded(a, &fwd, an->text, an->text_len) != 1 ||
	    !original_is_report(a, &fwd))
		return 0;
	/* ours when it was sent to this mailbox; a person forwarding one of
	 * theirs writes a letter about it: ordinary mail */
	if (!report_was_ours(a, &fwd, address_first(a, r->s.from), r->in.own,
	    r->in.nown)) {
		if (r->person_forward)
			an->kind = KIND_NONE;
		return 0;
	}
	/* read in place of the letter, unless the letter was read as a
	 * report with the original it carries (a forward that quotes the
	 * report's text and attaches the returned message) */
	return (an->kind == KIND_NONE || (r->person_forward &&
	    an->original.source == SOURCE_NONE)) &&
	    unwrap(&fwd, a, an, r->depth);
}

/*
 * A person's forward of a report (attached, quoted or pasted as text)
 * whose every failed address is at our own domains was their letter to
 * us that bounced, whatever its header block says: ordinary mail, not a
 * report on ours.
 */
static int
unwrap_report(const struct reading *r, struct arena *a, struct analysis *an)
{
	struct analysis	 outer;
	int		 inner;

	if (r->depth > 0 || !r->person_forward)
		return unwrap_carried(r, a, an);
	outer = *an;
	inner = unwrap_carried(r, a, an);
	if (an->kind != KIND_BOUNCE ||
	    !failed_reaching_us(an, r->in.own, r->in.nown))
		return inner;
	if (inner)
		*an = outer;
	an->kind = KIND_NONE;
	return 0;
}

/*
 * The Message-ID of the original a bounce does not return, from what
 * the bounce says of it: the MTA's own X-Original-Message-ID, the
 * bounce's In-Reply-To or References (Exim names the original there),
 * or "Message-ID: <...>" in the report's text. Without angle brackets,
 * or NULL.
 */
static char *
named_original(const struct reading *r, struct arena *a,
    const struct analysis *an)
{
	const char	*v, *l, *e;
	char		*id;

	if ((v = header_get_raw(a, &an->message->hdr,
	    "X-Original-Message-ID")) != NULL && (l = strchr(v, '<')) != NULL &&
	    (e = strchr(l, '>')) != NULL && e - l > 2 &&
	    memchr(l, '@', (size_t)(e - l)) != NULL)
		return arena_strndup(a, l + 1, (size_t)(e - l - 1));
	if ((v = an->replied_to) != NULL && strchr(v, '@') != NULL &&
	    (id = arena_strndup(a, v + 1, strlen(v) - 2)) != NULL)
		return id;
	return original_scan_message_id(a, r->in.text, an->text_len);
}

/*
 * One recipient named twice, as the address the sender wrote and as the
 * mailbox it became (Exim's "generated from" note under the forward's
 * target, a DSN's fields beside the prose): the entry that carries the
 * original keeps what the other knew, and the other goes.
 */
static void
merge_originals(struct analysis *an)
{
	struct recipient	*x, *y;
	int			 i, j, k;

	for (i = 0; i < an->nrecipients; i++) {
		x = &an->recipients[i];
		if (x->original_recipient == NULL)
			continue;
		for (j = 0; j < an->nrecipients; j++) {
			y = &an->recipients[j];
			if (j == i || y->original_recipient != NULL ||
			    strcasecmp(y->address, x->original_recipient) != 0)
				continue;
			if (x->action == NULL)
				x->action = y->action;
			if (x->status == NULL)
				x->status = y->status;
			if (x->diagnostic == NULL)
				x->diagnostic = y->diagnostic;
			if (x->remote_mta == NULL)
				x->remote_mta = y->remote_mta;
			for (k = j; k + 1 < an->nrecipients; k++)
				an->recipients[k] = an->recipients[k + 1];
			an->nrecipients--;
			if (j < i)
				i--;
			break;
		}
	}
}

/* The fields of a list's post. */
static const char *const list_fields[] = {
	"List-Id", "List-Post", "X-BeenThere", "Mailing-List", NULL
};

/* The address a Received line says the message was for ("for <x>"). */
char *
anatomy_received_for(struct arena *a, const char *line)
{
	const char	*q;

	if (line == NULL || (q = strcasestr(line, " for <")) == NULL)
		return NULL;
	return address_first(a, q + 5);
}

/*
 * The returned original's addressee fields and the "for <...>" of its
 * Received lines: the addresses the message was sent to, read once.
 */
static int
original_addressees(const struct analysis *an, struct arena *a,
    char **list)
{
	const char	*names[] = { "X-Original-To", "Delivered-To",
			    "Envelope-To", "To", "Cc", NULL };
	char		*v;
	int		 n = 0, i;

	for (i = 0; names[i] != NULL && n < LIMIT_ORIGINAL_ADDRESSEES; i++)
		if ((v = header_get_raw(a, &an->original.hdr, names[i])) != NULL)
			n += address_parse(a, v, list + n,
			    LIMIT_ORIGINAL_ADDRESSEES - n);
	for (i = 0; i < an->original.nreceived &&
	    n < LIMIT_ORIGINAL_ADDRESSEES; i++)
		if ((v = anatomy_received_for(a, an->original.received[i].line)) !=
		    NULL)
			list[n++] = v;
	return n;
}

/*
 * The one address of list[0..n) that r's mailbox was written as: the
 * same local part at the domain r's host is under, or at any domain when
 * r's has no dot ("reklamationer@internal", a mailbox's name inside the
 * server). NULL when none or more than one.
 */
static char *
written_as(const struct recipient *r, char **list, int n)
{
	const char	*at = strchr(r->address, '@'), *dom;
	char		*found = NULL;
	int		 k;

	if (at == NULL)
		return NULL;
	dom = at + 1;
	for (k = 0; k < n; k++) {
		const char	*cat = strchr(list[k], '@');

		if (cat == NULL || (size_t)(cat - list[k]) !=
		    (size_t)(at - r->address) || strncasecmp(list[k],
		    r->address, (size_t)(at - r->address)) != 0 ||
		    strcasecmp(list[k], r->address) == 0 ||
		    (strchr(dom, '.') != NULL && !domain_within(dom, cat + 1)))
			continue;
		if (found != NULL && strcasecmp(found, list[k]) != 0)
			return NULL;
		found = list[k];
	}
	return found;
}

/* The one addressee of the original at the reporting system's domain
 * (rep, or a host within it), NULL when none or more than one (the same
 * address in X-Original-To and To is one). */
static char *
addressee_at(const char *rep, char **list, int n)
{
	const char	*dom;
	char		*x = NULL;
	int		 k;

	for (k = 0; k < n; k++) {
		if ((dom = address_domain(list[k])) == NULL ||
		    !domain_within(rep, dom))
			continue;
		if (x != NULL && strcasecmp(x, list[k]) != 0)
			return NULL;
		x = list[k];
	}
	return x;
}

/* The domain the report was written at: its From's, else its own
 * Message-ID's (dma writes "From: MAILER-DAEMON <>"). */
static const char *
reporting_domain(const struct analysis *an, struct arena *a)
{
	const char	*d, *id;

	if ((d = address_domain(an->from)) != NULL)
		return d;
	if ((id = header_get_raw(a, &an->message->hdr, "Message-ID")) == NULL)
		return NULL;
	return address_domain(address_first(a, id));
}

/*
 * The one address the original's Received lines say it was sent to
 * ("for <x>"), when the one recipient a report names is none of its
 * addressees and the reporting system is x's domain: an alias or a
 * forward there turned x into the address that failed (OpenSMTPD's
 * delay warning for "piotr@tarnow-druk" names only the forward's
 * target). A Bcc recipient's own hop names itself, so it is left alone.
 * With no "for" on any line (dma's, msmtpd's), the original's one
 * addressee at the reporting system's domain.
 */
static char *
forwarded_from(const struct analysis *an, struct arena *a,
    const struct recipient *r, char **list, int n)
{
	const char	*rep = reporting_domain(an, a), *dom;
	char		*x = NULL, *v;
	int		 i, k;

	if (rep == NULL)
		return NULL;
	/* a list's post: the list's address expands to its members, and
	 * the member is what failed */
	for (k = 0; list_fields[k] != NULL; k++)
		if (header_find(&an->original.hdr, list_fields[k], 0) != -1)
			return NULL;
	if (address_listed(list, n, r->address))
		return NULL;
	for (i = 0; i < an->original.nreceived; i++) {
		if ((v = anatomy_received_for(a, an->original.received[i].line)) ==
		    NULL)
			continue;
		if (x != NULL && strcasecmp(x, v) != 0)
			return NULL;
		x = v;
	}
	if (x == NULL)
		return addressee_at(rep, list, n);
	/* (x's domain, or a host of it) */
	if ((dom = address_domain(x)) == NULL || !domain_within(rep, dom))
		return NULL;
	return x;
}

/* A report that names a mailbox inside the server (Sieve's refusals:
 * "Final-Recipient: rfc822; user@mail.x.example", "...; user@internal")
 * without the address the sender wrote: that one, from the original; or
 * the address a forward or an alias at the reporting system turned into
 * the one that failed. */
static void
addresses_written(struct analysis *an, struct arena *a)
{
	struct recipient	*r;
	char			*list[LIMIT_ORIGINAL_ADDRESSEES];
	int			 i, n;

	if (an->original.hdr.count == 0 ||
	    (n = original_addressees(an, a, list)) == 0)
		return;
	for (i = 0; i < an->nrecipients; i++) {
		r = &an->recipients[i];
		if (r->original_recipient == NULL)
			r->original_recipient = written_as(r, list, n);
	}
	if (an->nrecipients == 1 && an->recipients[0].original_recipient ==
	    NULL)
		an->recipients[0].original_recipient = forwarded_from(an, a,
		    &an->recipients[0], list, n);
}

/*
 * Finish: forget what a message that is no report seemed to say, find
 * the Message-ID of a bounce's original it does not return whole, and
 * give the recipients and the message their reasons.
 */
static void
finish(const struct reading *r, struct arena *a, struct analysis *an)
{
	char	*id;

	if (an->kind == KIND_NONE) {
		memset(&an->original, 0, sizeof(an->original));
		an->nrecipients = 0;
		an->format = NULL;
	}
	merge_originals(an);
	if (an->kind == KIND_BOUNCE) {
		keep_unsettled(an);
		addresses_written(an, a);
	}
	if ((an->kind == KIND_BOUNCE || an->kind == KIND_NOTICE) &&
	    an->original.message_id == NULL) {
		if (an->original.source != SOURCE_NONE)
			/* quoted, but its Message-ID not in what was quoted */
			id = original_scan_message_id(a, r->in.text,
			    an->text_len);
		else if ((id = named_original(r, a, an)) != NULL)
			an->original.source = SOURCE_REFERENCE;
		an->original.message_id = id;
	}
	/* an answer that returns nothing of the message it answers but
	 * quotes it with '>' (mailbot -A, a reply template's "> %b"): the
	 * quoted lines are that message's body, for the rules on it */
	if ((an->kind == KIND_AUTOREPLY || an->kind == KIND_CHALLENGE ||
	    an->kind == KIND_NOTICE || an->kind == KIND_MDN) &&
	    (an->original.source == SOURCE_NONE ||
	    an->original.source == SOURCE_REFERENCE) &&
	    an->original.body == NULL && an->text_len > 0) {
		an->original.body = original_quoted_lines(a, an->text,
		    an->text_len, &an->original.body_len);
		an->original.body_quoted = an->original.body != NULL;
	}
	classify(an, r->in.text, r->in.text_len);
}

/*
 * One message, phase by phase: signs -> gate -> take apart -> structure
 * -> readers -> words -> unwrap -> finish. A plain message leaves at the
 * gate; every phase after it reads what the earlier ones left in r and an.
 */
static int
read_message(struct message *msg, struct arena *a, struct analysis *an,
    int depth)
{
	struct reading	 r;

	memset(an, 0, sizeof(*an));
	memset(&r, 0, sizeof(r));
	an->message = msg;
	r.msg = msg;
	r.depth = depth;
	if (msg->oversize) {
		an->skipped |= SKIP_OVERSIZE;
		return 0;
	}
	if (msg->hdr.truncated)
		an->skipped |= SKIP_HEADERS;

	signs_read(&r.s, msg, a);
	an->subject = r.s.subject_text;
	an->from = address_first(a, r.s.from ? r.s.from : "");
	an->in_reply_to = header_get_raw(a, &msg->hdr, "In-Reply-To");
	an->references = header_get_raw(a, &msg->hdr, "References");
	an->replied_to = replied_to(a, an->in_reply_to, an->references);
	if (own_thread(a, &msg->hdr, an->replied_to))
		an->replied_to = NULL;
	if (!signs_gate(&r.s))
		return 0;
	an->automatic = machine_fields(&r.s);	/* (proof needs a kind) */
	heap_populate(HEAP_REPORT);
	if (message_will_read(msg) == -1) {
		/* held in pipes, and no memory to read it into: judged on
		 * its header, as a message the arena cannot hold */
		an->skipped |= SKIP_ARENA;
		return 0;
	}
	if (take_apart(&r, a, an) == -1)
		return 0;
	kind_from_structure(&r, a, an);
	run_readers(&r, a, an);
	weigh_kind(&r, a, an);
	default_recipients(&r, a, an);
	if (unwrap_report(&r, a, an))
		return 0;
	finish(&r, a, an);
	return 0;
}
