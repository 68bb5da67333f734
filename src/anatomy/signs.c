/*
 * signs.c - what a message's header says about its kind (see signs.h).
 *
 * Word lists are lower-case substrings, matched against lower-cased
 * text; header fields are matched by name. Nothing here reads the body:
 * the gate must decide a plain message for the cost of its header.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "read/header.h"
#include "read/message.h"
#include "anatomy/phrases.h"
#include "anatomy/signs.h"

char *
signs_lowered(struct arena *a, const char *s)
{
	char	*l, *p;

	if (s == NULL || (l = arena_strdup(a, s)) == NULL)
		return NULL;
	for (p = l; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return l;
}

int
signs_any(const char *hay, const char *const *needles)
{
	if (hay == NULL)
		return 0;
	for (; *needles; needles++)
		if (strstr(hay, *needles) != NULL)
			return 1;
	return 0;
}

static int
header_has(const struct header_block *hb, const char *name)
{
	return header_find(hb, name, 0) != -1;
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

	if ((v = signs_lowered(a, header_get_raw(a, hb, "Auto-Submitted"))) != NULL &&
	    strncmp(v, "no", 2) != 0 && strstr(v, "auto-replied") != NULL)
		return 2;
	if (header_has(hb, "X-Autoreply") || header_has(hb, "X-Autorespond") ||
	    header_has(hb, "X-Autoresponder") || header_has(hb, "X-Vacation") ||
	    header_has(hb, "X-Autoreply-From"))
		return 2;
	if ((v = signs_lowered(a, header_get_raw(a, hb, "X-Apple-Action"))) != NULL &&
	    strstr(v, "vacation") != NULL)
		return 2;
	if ((v = signs_lowered(a, header_get_raw(a, hb, "Precedence"))) != NULL &&
	    strstr(v, "auto_reply") != NULL)
		return 2;
	if ((v = signs_lowered(a, header_get_raw(a, hb, "X-Auto-Response-Suppress"))) &&
	    subject != NULL && phrases_any(PHRASE_AUTOREPLY_SUBJECT, subject))
		return 2;
	if (subject != NULL && phrases_any(PHRASE_AUTOREPLY_SUBJECT, subject))
		return 1;
	return 0;
}

/* Auto-Submitted with any value but "no" (RFC 3834). */
static int
auto_submitted(struct arena *a, const struct header_block *hb)
{
	char	*v = signs_lowered(a, header_get_raw(a, hb, "Auto-Submitted"));

	return v != NULL && strncmp(v, "no", 2) != 0;
}

void
signs_read(struct signs *s, const struct message *msg, struct arena *a)
{
	const struct header_block	*hb = &msg->hdr;
	const char			*fl = msg->from_line;

	memset(s, 0, sizeof(*s));
	s->subject_text = header_get(a, hb, "Subject");
	s->subject = signs_lowered(a, s->subject_text);
	s->from = signs_lowered(a, header_get(a, hb, "From"));
	s->sender = signs_lowered(a, header_get_raw(a, hb, "Sender"));
	s->return_path = signs_lowered(a,
	    header_get_raw(a, hb, "Return-Path"));
	s->content_type = signs_lowered(a,
	    header_get_raw(a, hb, "Content-Type"));

	s->daemon = phrases_any(PHRASE_DAEMON, s->from) ||
	    phrases_any(PHRASE_DAEMON, s->sender) ||
	    (fl != NULL && strncasecmp(fl, "From MAILER-DAEMON", 18) == 0);
	s->bounce_subject = phrases_any(PHRASE_BOUNCE_SUBJECT, s->subject);
	if (!s->daemon && s->bounce_subject &&
	    (phrases_any(PHRASE_NOREPLY, s->from) ||
	    phrases_any(PHRASE_NOREPLY, s->sender)))
		s->daemon = 1;
	s->null_sender = (s->return_path != NULL &&
	    (strstr(s->return_path, "<>") != NULL ||
	    phrases_any(PHRASE_DAEMON, s->return_path))) ||
	    (fl != NULL && strncmp(fl, "From <>", 7) == 0);
	s->autoreply = autoreply_header(a, hb, s->subject);
	s->challenge = challenge_header(hb);
	s->auto_submitted = auto_submitted(a, hb);
	s->failed_recipients = header_has(hb, "X-Failed-Recipients");
	s->report_type = s->content_type != NULL &&
	    (strstr(s->content_type, "report") != NULL ||
	    strncmp(s->content_type, "message/", 8) == 0);
	s->notice_subject = phrases_any(PHRASE_NOTICE_SUBJECT, s->subject);
	s->challenge_subject = phrases_any(PHRASE_CHALLENGE_SUBJECT, s->subject);
	s->feedback_subject = phrases_any(PHRASE_FEEDBACK_SUBJECT, s->subject);
	s->unsubscribe = header_has(hb, "X-Apple-Unsubscribe");
	s->amazon = header_has(hb, "x-amz-sns-message-id") ||
	    header_has(hb, "X-Amazon-Mail-Relay-Type");
}

/* The gate: if no sign says "report", the message is kind none and its
 * body is never read. */
int
signs_gate(const struct signs *s)
{
	return s->daemon || s->null_sender || s->bounce_subject ||
	    s->autoreply || s->challenge || s->auto_submitted ||
	    s->report_type || s->failed_recipients || s->notice_subject ||
	    s->challenge_subject || s->feedback_subject || s->unsubscribe ||
	    s->amazon;
}

int
signs_daemon_name(const char *s)
{
	return phrases_any(PHRASE_DAEMON, s);
}

int
signs_bounce_subject(const char *s)
{
	return phrases_any(PHRASE_BOUNCE_SUBJECT, s);
}

int
signs_filter_name(const char *s)
{
	return phrases_any(PHRASE_FILTER, s);
}

int
signs_failed_prose(const char *s)
{
	return phrases_any(PHRASE_FAILED, s);
}
