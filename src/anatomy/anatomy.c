/*
 * anatomy.c - decide the kind of a message and take it apart (see
 * anatomy.h).
 *
 * The header alone decides most mail: a message with no sign of being a
 * bounce, auto-reply, challenge, notice, receipt or report in its header
 * is kind none and its body is never looked at. Everything else goes
 * through the MIME tree, the delivery-status fields, the format readers
 * and the search for the returned original.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/limits.h"
#include "read/address.h"
#include "read/header.h"
#include "read/message.h"
#include "read/mime.h"
#include "anatomy/anatomy.h"
#include "anatomy/dsn.h"
#include "anatomy/original.h"
#include "anatomy/readers.h"
#include "anatomy/reason.h"

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
		"none", "rfc822", "headers", "inline"
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "none";
}

struct recipient *
anatomy_add_recipient(struct analysis *an, struct arena *a, const char *address)
{
	struct recipient	*r;
	int			 i;

	if (address == NULL || strchr(address, '@') == NULL)
		return NULL;
	for (i = 0; i < an->nrecipients; i++)
		if (strcasecmp(an->recipients[i].address, address) == 0)
			return &an->recipients[i];
	if (an->nrecipients >= LIMIT_RECIPIENTS) {
		an->recipients_truncated = 1;
		an->skipped |= SKIP_RECIPIENTS;
		return NULL;
	}
	if (an->recipients == NULL &&
	    (an->recipients = arena_alloc(a, LIMIT_RECIPIENTS *
	    sizeof(*an->recipients))) == NULL)
		return NULL;
	r = &an->recipients[an->nrecipients++];
	memset(r, 0, sizeof(*r));
	r->address = arena_strdup(a, address);
	return r;
}

/* --- the header gate ----------------------------------------------------- */

static char *
lowered(struct arena *a, const char *s)
{
	char	*l, *p;

	if (s == NULL || (l = arena_strdup(a, s)) == NULL)
		return NULL;
	for (p = l; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return l;
}

static int
any_of(const char *hay, const char *const *needles)
{
	if (hay == NULL)
		return 0;
	for (; *needles; needles++)
		if (strstr(hay, *needles) != NULL)
			return 1;
	return 0;
}

/* Local parts and names of mail systems that send bounces. */
static const char *const daemon_words[] = {
	"mailer-daemon", "mailer_daemon", "mailerdaemon", "postmaster",
	"mail-daemon", "mail delivery", "maildelivery", "mail administrator",
	"mail.system", "mail system", "mmdf", "smtp gateway", "mail-router",
	"bounce", "nobody@", "returned mail", "delivery status", "mail-daemon",
	"noreply-dmarc", "mailer@", "mailadmin", "mail_admin", "internet mail",
	"post_master", "post-master",
	NULL
};

/* Senders that are machines but not only mail systems. */
static const char *const noreply_words[] = {
	"no-reply", "noreply", "do-not-reply", "donotreply", NULL
};

/* Subject words of bounces, in the languages seen in real ones. */
static const char *const bounce_subjects[] = {
	"undeliver", "undelivered", "delivery status", "delivery failure",
	"delivery failed", "delivery has failed", "returned mail",
	"failure notice", "mail delivery", "non remis", "nicht zustellbar",
	"unzustellbar", "non recapitabile", "onbestelbaar", "não entregue",
	"nao entregue", "no se puede entregar", "could not be delivered",
	"could not deliver", "delivery notification", "message not delivered",
	"returned to sender", "mail system error", "nondeliverable",
	"non-deliverable", "delayed", "delivery problem", "delivery report",
	"failed delivery", "mail failure", "delivery final failure",
	"not delivered", "rejected", "undeliverable", "bounce",
	"warning: could not send", "mail could not", "notificación",
	"échec", "remise", "error sending", "returned message",
	"delivery error", "permanent error", "message failed",
	"unable to deliver", "delivery unsuccessful", "mail not delivered",
	"delivery warning", "status notification", "fehlgeschlagen",
	"unknown user", "user unknown", "\xe9\x85\x8d\xe4\xbf\xa1",
	"\xe3\x82\xa8\xe3\x83\xa9\xe3\x83\xbc", "\xe4\xb8\x8d\xe9\x81\x94",
	"error", "failure", "failed", "returned",
	NULL
};

/* Abuse reports that are not ARF, by their providers' subjects. */
static const char *const feedback_subjects[] = {
	"complaint about message from", "abuse report", "email feedback report",
	"spam report", NULL
};

static const char *const autoreply_subjects[] = {
	"auto:", "auto reply", "auto-reply", "autoreply", "auto response",
	"auto-response", "autoresponse", "automatic reply", "automatic response",
	"out of office", "out of the office", "ooo:", "away from", "vacation",
	"on holiday", "on leave", "abwesenheit", "abwesend", "automatische",
	"réponse automatique", "reponse automatique", "absence", "absent",
	"risposta automatica", "fuori sede", "respuesta automática",
	"respuesta automatica", "fuera de la oficina", "afwezig",
	"automatisch antwoord", "resposta automática", "automatyczna odpowied",
	"autosvar", "frånvaro", "poissa", "automaattinen", "ausente",
	"\xe8\x87\xaa\xe5\x8b\x95\xe5\xbf\x9c\xe7\xad\x94",
	"\xe4\xb8\x8d\xe5\x9c\xa8", "\xe8\x87\xaa\xe5\x8a\xa8\xe5\x9b\x9e\xe5\xa4\x8d",
	NULL
};

static const char *const challenge_words[] = {
	"please confirm", "confirm your", "verify your", "verification",
	"challenge", "spam protection", "anti-spam", "antispam", "protected by",
	"before your message", "sender verification", "approve", "whitelist",
	"i'm protected", "your message is awaiting", "awaiting", "is held",
	"human", "validate your", "authenticate", "spamarrest", "boxbe",
	"mailinblack", "tmda", "bluebottle", "qurb", "cleanmymailbox",
	"sender approval", "request for authorization", "pending",
	NULL
};

static const char *const notice_subjects[] = {
	"virus", "infected", "malware", "quarantin", "spam", "blocked",
	"banned", "content filter", "policy violation", "suspicious",
	"undesirable", "detected", "alert", "threat", "malicious",
	"security", "notification", "warning", "rejected", "junk",
	NULL
};

static int
bounce_subj_of(const char *subj)
{
	return any_of(subj, bounce_subjects);
}

static int
header_has(const struct header_block *hb, const char *name)
{
	return header_find(hb, name, 0) != -1;
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

/* Header names that mark a challenge-response system's mail. */
static const char *const challenge_headers[] = {
	"X-TMDA-Fingerprint", "X-Delivery-Agent", "X-Boxbe-Challenge",
	"X-Spamarrest-noauth", "X-Spamarrest-Challenge", "X-Bluebottle-Request",
	"X-Mib-Challenge", "X-MailInBlack", "X-Challenge", "X-Qurb-Challenge",
	"X-ChoiceMail-Registration-Request", "X-Sender-Verification",
	NULL
};

static int
challenge_header(const struct header_block *hb)
{
	const char *const	*n;

	for (n = challenge_headers; *n; n++)
		if (header_has(hb, *n))
			return 1;
	return 0;
}

/* Auto-reply by its header fields (RFC 3834 and the common others). */
static int
autoreply_header(struct arena *a, const struct header_block *hb,
    const char *subject)
{
	char	*v;

	if ((v = lowered(a, header_get_raw(a, hb, "Auto-Submitted"))) != NULL &&
	    strncmp(v, "no", 2) != 0 && strstr(v, "auto-replied") != NULL)
		return 2;
	if (header_has(hb, "X-Autoreply") || header_has(hb, "X-Autorespond") ||
	    header_has(hb, "X-Autoresponder") || header_has(hb, "X-Vacation") ||
	    header_has(hb, "X-Autoreply-From"))
		return 2;
	if ((v = lowered(a, header_get_raw(a, hb, "X-Apple-Action"))) != NULL &&
	    strstr(v, "vacation") != NULL)
		return 2;
	if ((v = lowered(a, header_get_raw(a, hb, "Precedence"))) != NULL &&
	    strstr(v, "auto_reply") != NULL)
		return 2;
	if ((v = lowered(a, header_get_raw(a, hb, "X-Auto-Response-Suppress"))) &&
	    subject != NULL && any_of(subject, autoreply_subjects))
		return 2;
	if (subject != NULL && any_of(subject, autoreply_subjects))
		return 1;
	return 0;
}

/* Auto-Submitted with any value but "no" (RFC 3834). */
static int
auto_submitted(struct arena *a, const struct header_block *hb)
{
	char	*v = lowered(a, header_get_raw(a, hb, "Auto-Submitted"));

	return v != NULL && strncmp(v, "no", 2) != 0;
}

/* Senders that are content filters. */
static const char *const filter_words[] = {
	"virus", "scanner", "antivirus", "anti-virus", "quarantine", "filter",
	"mailscanner", "amavis", "security", "smsmse", "antispam", "anti-spam",
	NULL
};

/* --- taking it apart ----------------------------------------------------- */

struct parts {
	int	 dsn;		/* first delivery-status part, or -1 */
	int	 mdn;
	int	 feedback;
	int	 rfc822;	/* first embedded message's top part */
	int	 headers;	/* first rfc822-headers part */
	int	 report;	/* a multipart/report part */
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

	r->dsn = r->mdn = r->feedback = r->rfc822 = r->headers = r->report = -1;
	for (i = 0; i < m->count; i++) {
		const struct mime_part	*p = &m->parts[i];

		if (r->rfc822 != -1 && mime_within(m, i, r->rfc822))
			continue;	/* inside the original: not ours */
		if (r->report == -1 && is_type(p, "multipart/report"))
			r->report = i;
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

/* Append a part's text to b, a line end between parts; 1 if appended. */
static int
append_text(struct buf *b, struct arena *a, const struct mime_part *p)
{
	char	*t;
	size_t	 n;

	if ((t = mime_text(a, p, &n)) == NULL)
		return 0;
	if (b->len > 0 && buf_appendc(b, '\n') == -1)
		return 0;
	/* what fits: a long part still gives its start (where spam says
	 * what it sells), cut at a character boundary */
	if (n > b->max - b->len) {
		n = b->max - b->len;
		while (n > 0 && ((unsigned char)t[n] & 0xc0) == 0x80)
			n--;
	}
	buf_append(b, t, n);
	return 1;
}

/* Gather the bounce's own human text: text leaves outside the original,
 * plus a delivery-status part's text (its diagnostics are prose too). */
static void
gather_text(struct analysis *an, struct arena *a, const struct mime *m,
    const struct parts *pp)
{
	struct buf	 b;
	int		 i, leaves = 0;

	buf_init(&b, LIMIT_REGEX_INPUT * 4);
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
		leaves += append_text(&b, a, p);
	}
	an->text = arena_strndup(a, b.data ? b.data : "", b.len);
	an->text_len = an->text ? b.len : 0;
	buf_free(&b);
}

/* The original's decoded text: its text leaves, or its body as is. */
static void
original_body(struct analysis *an, struct arena *a, const struct mime *m,
    int top)
{
	struct buf	 b;
	int		 i;

	buf_init(&b, LIMIT_REGEX_INPUT * 4);
	for (i = top; i < m->count; i++) {
		const struct mime_part	*p = &m->parts[i];

		if (!mime_within(m, i, top))
			continue;
		if (strncmp(p->type, "text/", 5) == 0)
			append_text(&b, a, p);
	}
	if (b.len > 0) {
		an->original.body = arena_strndup(a, b.data, b.len);
		an->original.body_len = an->original.body ? b.len : 0;
	}
	buf_free(&b);
}

static void
read_original(struct analysis *an, struct arena *a, const struct mime *m,
    const struct parts *pp, const char *whole, size_t whole_len,
    size_t *prose_len_r)
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
	    original_find_inline(a, o, an->text, an->text_len, &start) == 1) {
		*prose_len_r = start;
		goto found;
	}
	if (whole != NULL && whole_len > 0 && whole != an->text &&
	    original_find_inline(a, o, whole, whole_len, &start) == 1)
		goto found;
	memset(o, 0, sizeof(*o));
	o->source = SOURCE_NONE;
	return;
found:
	if (o->body != NULL) {
		/* the quoted body is part of the bounce's text: decode only
		 * what is plainly text */
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
 * read it is the Final-Recipient (RFC 8098). */
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
	if (v != NULL && (r = anatomy_add_recipient(an, a,
	    address_first(a, v))) != NULL &&
	    (v = header_get_raw(a, &hb, "Disposition")) != NULL)
		r->diagnostic = v;
}

/* A bounce whose text named no recipient: the original's recipients are
 * the ones it could not reach (old Sendmail, some gateways). */
static void
original_recipients(struct analysis *an, struct arena *a)
{
	const char	*names[] = { "To", "Cc", NULL };
	char		*v, *list[32];
	int		 k, c, i;

	if (an->original.hdr.count == 0)
		return;
	for (i = 0; names[i] != NULL; i++) {
		if ((v = header_get(a, &an->original.hdr, names[i])) == NULL)
			continue;
		c = address_parse(a, v, list, 32);
		for (k = 0; k < c; k++)
			if (an->from == NULL || strcasecmp(list[k], an->from) != 0)
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
	if ((v = lowered(a, header_get_raw(a, &o->hdr, "Content-Type"))) != NULL &&
	    strstr(v, "report") != NULL && (strstr(v, "delivery-status") ||
	    strstr(v, "feedback") || strstr(v, "disposition")))
		return 1;
	if ((v = lowered(a, header_get(a, &o->hdr, "From"))) != NULL &&
	    any_of(v, daemon_words) &&
	    (v = lowered(a, header_get(a, &o->hdr, "Subject"))) != NULL &&
	    any_of(v, bounce_subjects))
		return 1;
	return 0;
}

/* "Fwd:", "Fw:", "TR:", "WG:", "RV:", "Doorst:" and the like. */
static int
is_forward(const char *subj)
{
	static const char *const prefixes[] = {
		"fwd:", "fw:", "tr:", "wg:", "rv:", "enc:", "i:", "doorst:",
		"vs:", "vb:", "fwd ", "[fwd", "\xe8\xbb\xa2\xe9\x80\x81", NULL
	};
	const char *const	*p;

	if (subj == NULL)
		return 0;
	while (*subj == ' ' || *subj == '[')
		subj++;
	for (p = prefixes; *p; p++)
		if (strncmp(subj, *p, strlen(*p)) == 0)
			return 1;
	return strstr(subj, "fwd:") != NULL || strstr(subj, "fw:") != NULL;
}

static int	read_message(struct message *, struct arena *,
		    struct analysis *, int);

int
anatomy_read(struct message *msg, struct arena *a, struct analysis *an)
{
	return read_message(msg, a, an, 0);
}

/* Analyse the report inside a message instead of the message. */
static int
unwrap(const struct original *o, struct arena *a, struct analysis *an,
    int depth)
{
	struct message		*inner;
	struct analysis		 sub;

	if ((inner = arena_alloc(a, sizeof(*inner))) == NULL)
		return 0;
	/* the text is normalised already and lives in the arena: the inner
	 * message's raw buffer borrows it (never freed through buf_free) */
	inner->raw.data = (char *)o->text;
	inner->raw.len = o->text_len;
	inner->raw.max = o->text_len;
	if (message_parse_header(inner, a) == -1 ||
	    read_message(inner, a, &sub, depth + 1) == -1 ||
	    sub.kind == KIND_NONE)
		return 0;
	sub.skipped |= an->skipped;
	*an = sub;
	return 1;
}

static int
read_message(struct message *msg, struct arena *a, struct analysis *an,
    int depth)
{
	const struct header_block	*hb = &msg->hdr;
	struct reader_input		 in;
	struct parts			 pp;
	struct mime			*m;
	const char			*body;
	char				*ct, *from, *sender, *rp, *subj;
	const struct reader		*best = NULL;
	int				 daemon, null_sender, bounce_subj, auto_hdr;
	int				 i, score, best_score = 0, challenge;
	size_t				 prose_len;

	memset(an, 0, sizeof(*an));
	an->message = msg;
	if (msg->oversize) {
		an->skipped |= SKIP_OVERSIZE;
		return 0;
	}
	if (hb->truncated)
		an->skipped |= SKIP_HEADERS;

	an->subject = header_get(a, hb, "Subject");
	subj = lowered(a, an->subject);
	from = lowered(a, header_get(a, hb, "From"));
	an->from = address_first(a, from ? from : "");
	sender = lowered(a, header_get_raw(a, hb, "Sender"));
	rp = lowered(a, header_get_raw(a, hb, "Return-Path"));
	ct = lowered(a, header_get_raw(a, hb, "Content-Type"));
	an->in_reply_to = header_get_raw(a, hb, "In-Reply-To");
	an->references = header_get_raw(a, hb, "References");
	an->replied_to = replied_to(a, an->in_reply_to, an->references);

	/* A mail system wrote it (From, Sender, the From_ line), or it came
	 * with the null sender (bounces, but RFC 3834 replies too). */
	daemon = any_of(from, daemon_words) || any_of(sender, daemon_words) ||
	    (msg->from_line != NULL && strncasecmp(msg->from_line,
	    "From MAILER-DAEMON", 18) == 0);
	/* an automatic sender that writes about a failed delivery */
	if (!daemon && bounce_subj_of(subj) && (any_of(from, noreply_words) ||
	    any_of(sender, noreply_words)))
		daemon = 1;
	null_sender = (rp != NULL && (strstr(rp, "<>") != NULL ||
	    any_of(rp, daemon_words))) || (msg->from_line != NULL &&
	    strncmp(msg->from_line, "From <>", 7) == 0);
	bounce_subj = any_of(subj, bounce_subjects);
	auto_hdr = autoreply_header(a, hb, subj);
	challenge = challenge_header(hb);

	/* The gate: nothing here says "report" of any kind. */
	if (!daemon && !null_sender && !bounce_subj && !auto_hdr && !challenge &&
	    !auto_submitted(a, hb) &&
	    (ct == NULL || (strstr(ct, "report") == NULL &&
	    strncmp(ct, "message/", 8) != 0)) &&
	    !header_has(hb, "X-Failed-Recipients") &&
	    !any_of(subj, notice_subjects) && !any_of(subj, challenge_words) &&
	    !any_of(subj, feedback_subjects) &&
	    !header_has(hb, "X-Apple-Unsubscribe") &&
	    !header_has(hb, "x-amz-sns-message-id") &&
	    !header_has(hb, "X-Amazon-Mail-Relay-Type"))
		return 0;

	if ((body = message_body(msg)) == NULL) {
		an->skipped |= SKIP_ARENA;
		return 0;
	}
	if ((m = arena_alloc(a, sizeof(*m))) == NULL ||
	    mime_parse(a, hb, body, msg->body_len, m) == -1) {
		an->skipped |= SKIP_ARENA;
		return 0;
	}
	an->mime = m;
	if (m->skipped & MIME_SKIP_DEPTH)
		an->skipped |= SKIP_MIME_DEPTH;
	if (m->skipped & MIME_SKIP_PARTS)
		an->skipped |= SKIP_MIME_PARTS;
	find_parts(m, &pp);
	gather_text(an, a, m, &pp);

	if (pp.dsn != -1) {
		char	*t;
		size_t	 n;

		if ((t = mime_decode(a, &m->parts[pp.dsn], &n)) != NULL)
			dsn_parse(a, t, n, an);
	}

	/* The original first: its quoted lines are not the bounce's words. */
	prose_len = an->text_len;
	read_original(an, a, m, &pp, body, msg->body_len, &prose_len);

	memset(&in, 0, sizeof(in));
	in.subject = subj ? subj : "";
	in.from = from ? from : "";
	in.text = an->text ? an->text : "";
	in.text_len = prose_len;
	in.ltext = lowered(a, arena_strndup(a, in.text, prose_len));
	if (in.ltext == NULL) {
		/* out of arena: the readers read nothing rather than text
		 * without its lower-case twin */
		in.ltext = "";
		in.text_len = 0;
		an->skipped |= SKIP_ARENA;
	}
	in.own = own_addresses(an, a, hb, &in.nown);
	in.has_dsn = pp.dsn != -1;
	in.daemon = daemon;
	in.machine = daemon || null_sender || auto_submitted(a, hb) ||
	    any_of(from, filter_words);

	/* Delivery-status fields in the prose: a DSN whose MIME structure
	 * was lost, or an MTA that writes the fields inline. */
	if (pp.dsn == -1) {
		const char	*f = strstr(in.ltext, "final-recipient:");
		const char	*r = strstr(in.ltext, "reporting-mta:");

		if (f != NULL) {
			size_t	 off = (size_t)((r != NULL && r < f ? r : f) -
			    in.ltext);

			if (dsn_parse(a, in.text + off, in.text_len - off, an) > 0)
				in.has_dsn = 1;
		}
	}

	/* Kind, from the strongest structural signs down. */
	if (pp.feedback != -1 || (ct != NULL && strstr(ct, "feedback-report")) ||
	    header_has(hb, "X-Apple-Unsubscribe") ||
	    (pp.rfc822 != -1 && any_of(subj, feedback_subjects)))
		an->kind = KIND_FEEDBACK;
	else if (pp.mdn != -1 || (ct != NULL &&
	    strstr(ct, "disposition-notification")))
		an->kind = KIND_MDN;
	else if (in.has_dsn)
		an->kind = KIND_BOUNCE;
	else if (challenge)
		an->kind = KIND_CHALLENGE;
	else if (auto_hdr >= 2 && !daemon)
		an->kind = KIND_AUTOREPLY;

	if (an->kind == KIND_FEEDBACK)
		feedback_recipients(an, a, m, &pp);
	else if (an->kind == KIND_MDN && pp.mdn != -1)
		mdn_fields(an, a, &m->parts[pp.mdn]);
	else if (an->kind != KIND_MDN) {
		for (i = 0; readers[i] != NULL; i++) {
			score = readers[i]->match(an, &in);
			if (score > best_score) {
				best_score = score;
				best = readers[i];
			}
		}
		if (best != NULL) {
			an->format = best->name;
			if (best->parse(an, a, &in) == -1)
				an->skipped |= SKIP_ARENA;
		}
	}

	if (an->kind == KIND_NONE) {
		/* no structure said it: the words and the sender decide */
		if (an->nrecipients > 0 && (daemon || null_sender ||
		    header_has(hb, "X-Failed-Recipients")))
			an->kind = KIND_BOUNCE;
		else if (auto_hdr && !daemon)
			an->kind = KIND_AUTOREPLY;
	}
	if (an->kind == KIND_NONE && (daemon || (null_sender && bounce_subj))) {
		/* a bounce whose recipients the text hides: still a bounce
		 * when the prose says delivery failed */
		static const char *const failed[] = {
			"could not be delivered", "undeliverable",
			"delivery has failed", "permanent error",
			"not be delivered", "delivery failed", "failed to deliver",
			"unable to deliver", "user unknown", "no such user",
			"returned to sender", "delivery to the following",
			"was not delivered", "could not deliver", "error",
			"message you sent", "your message", "failed", NULL
		};

		if (any_of(in.ltext, failed) || bounce_subj)
			an->kind = KIND_BOUNCE;
	}
	if (an->kind == KIND_BOUNCE && an->nrecipients == 0)
		original_recipients(an, a);
	if (an->kind == KIND_AUTOREPLY && an->nrecipients == 0) {
		/* who replied: From, else the envelope sender */
		char	*who = an->from;

		if (who == NULL && rp != NULL)
			who = address_first(a, rp);
		anatomy_add_recipient(an, a, who);
	}
	if (depth == 0 && pp.dsn == -1 && pp.feedback == -1 &&
	    original_is_report(a, &an->original) &&
	    unwrap(&an->original, a, an, depth))
		return 0;
	if (depth == 0 && an->kind == KIND_NONE && pp.dsn == -1 &&
	    an->text_len > 0 && is_forward(subj)) {
		/* a person forwarded a bounce inline, maybe "> " quoted */
		struct original	 fwd;

		memset(&fwd, 0, sizeof(fwd));
		if (original_find_forwarded(a, &fwd, an->text, an->text_len) == 1 &&
		    original_is_report(a, &fwd) && unwrap(&fwd, a, an, depth))
			return 0;
	}
	if (an->kind == KIND_NONE) {
		/* not a report after all: forget what was read */
		memset(&an->original, 0, sizeof(an->original));
		an->nrecipients = 0;
		an->format = NULL;
	}
	if (an->kind != KIND_NONE && an->original.message_id == NULL &&
	    an->kind == KIND_BOUNCE) {
		/* the id may be quoted without a header block */
		char	*id = original_scan_message_id(a, in.text, an->text_len);

		if (id != NULL) {
			an->original.message_id = id;
			if (an->original.source == SOURCE_NONE)
				an->original.source = SOURCE_INLINE;
		}
	}
	classify(an, in.text, in.text_len);
	return 0;
}
