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

/* What a bounce's prose says when its recipients are hidden in it. */
static const char *const failed_words[] = {
	"could not be delivered", "undeliverable", "delivery has failed",
	"permanent error", "not be delivered", "delivery failed",
	"failed to deliver", "unable to deliver", "user unknown",
	"no such user", "returned to sender", "delivery to the following",
	"was not delivered", "could not deliver", "error", "message you sent",
	"your message", "failed", NULL
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
	    subject != NULL && signs_any(subject, autoreply_subjects))
		return 2;
	if (subject != NULL && signs_any(subject, autoreply_subjects))
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

/* Senders that are content filters. */
static const char *const filter_words[] = {
	"virus", "scanner", "antivirus", "anti-virus", "quarantine", "filter",
	"mailscanner", "amavis", "security", "smsmse", "antispam", "anti-spam",
	NULL
};

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

	s->daemon = signs_any(s->from, daemon_words) ||
	    signs_any(s->sender, daemon_words) ||
	    (fl != NULL && strncasecmp(fl, "From MAILER-DAEMON", 18) == 0);
	s->bounce_subject = signs_any(s->subject, bounce_subjects);
	if (!s->daemon && s->bounce_subject &&
	    (signs_any(s->from, noreply_words) ||
	    signs_any(s->sender, noreply_words)))
		s->daemon = 1;
	s->null_sender = (s->return_path != NULL &&
	    (strstr(s->return_path, "<>") != NULL ||
	    signs_any(s->return_path, daemon_words))) ||
	    (fl != NULL && strncmp(fl, "From <>", 7) == 0);
	s->autoreply = autoreply_header(a, hb, s->subject);
	s->challenge = challenge_header(hb);
	s->auto_submitted = auto_submitted(a, hb);
	s->failed_recipients = header_has(hb, "X-Failed-Recipients");
	s->report_type = s->content_type != NULL &&
	    (strstr(s->content_type, "report") != NULL ||
	    strncmp(s->content_type, "message/", 8) == 0);
	s->notice_subject = signs_any(s->subject, notice_subjects);
	s->challenge_subject = signs_any(s->subject, challenge_words);
	s->feedback_subject = signs_any(s->subject, feedback_subjects);
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
	return signs_any(s, daemon_words);
}

int
signs_bounce_subject(const char *s)
{
	return signs_any(s, bounce_subjects);
}

int
signs_filter_name(const char *s)
{
	return signs_any(s, filter_words);
}

int
signs_failed_prose(const char *s)
{
	return signs_any(s, failed_words);
}
