/*
 * reader_notice.c - content filters telling the "sender" that a message
 * was quarantined or refused as spam or a virus (Amavis, ClamAV notices,
 * MailMarshal, SurfControl, corporate gateways). Not a DSN: a letter.
 */
#include <string.h>

#include "anatomy/anatomy.h"
#include "anatomy/readers.h"

/* What was found, in the languages notices come in. */
static const char *const threat[] = {
	"virus", "infected", "malware", "worm", "trojan", "spam",
	"banned", "dangerous content", "suspicious", "malicious",
	"quarantine",
	/* de, fr, es/pt, it, nl */
	"viren", "schadsoftware", "infiziert", "quarantäne",
	"logiciel malveillant", "infecté", "pourriel", "quarantaine",
	"vírus", "infectado", "cuarentena", "quarentena",
	"infetto", "quarantena", "besmet",
	NULL
};

/* What the filter did with it. */
static const char *const action[] = {
	"quarantined", "has been blocked", "was blocked", "was not delivered",
	"has been rejected", "was rejected", "was deleted", "has been deleted",
	"been removed", "was removed", "not been delivered", "was quarantined",
	"has been quarantined", "was held", "has been held", "was refused",
	"was detected", "has been detected", "was found", "were found",
	"detected in", "found in", "was stopped", "has been stopped",
	"checker found", "scanner found", "virus found", "found virus",
	"virus detected", "detected virus", "found a virus", "found malware",
	"detected a virus", "detected malware", "not delivered",
	"held for review",
	/* de */
	"gefunden", "gelöscht", "nicht zugestellt", "blockiert", "entfernt",
	"zurückgewiesen", "abgewiesen",
	/* fr */
	"détecté", "supprimé", "bloqué", "mis en quarantaine", "rejeté",
	"n'a pas été distribué", "non distribué",
	/* es, pt */
	"detectado", "eliminado", "bloqueado", "rechazado", "no fue entregado",
	"não foi entregue", "removido",
	/* it */
	"rilevato", "eliminato", "bloccato", "respinto", "non è stato consegnato",
	/* nl */
	"gevonden", "verwijderd", "geblokkeerd", "geweigerd", "niet afgeleverd",
	NULL
};

static int
any(const char *hay, const char *const *list)
{
	for (; *list; list++)
		if (strstr(hay, *list) != NULL)
			return 1;
	return 0;
}

/*
 * A notice is written by a machine: it comes with the null sender, marks
 * itself Auto-Submitted, is signed by a mail system or its From names a
 * content filter. A person's letter that says "rejected as spam" is not
 * one.
 */
static int
notice_match(const struct analysis *an, const struct reader_input *in)
{
	if ((an->kind != KIND_NONE && an->kind != KIND_AUTOREPLY) ||
	    in->has_dsn || !in->machine)
		return 0;
	if ((any(in->subject, threat) || any(in->ltext, threat)) &&
	    any(in->ltext, action))
		return 5;	/* above auto-reply headers and MTA names */
	return 0;
}

static int
notice_parse(struct analysis *an, struct arena *a,
    const struct reader_input *in)
{
	/* A bounce that also names the failed recipients stays a bounce:
	 * the generic reader decides by finding them. */
	reader_generic_parse_strict(an, a, in);
	if (an->nrecipients == 0)
		an->kind = KIND_NOTICE;
	else
		an->kind = KIND_BOUNCE;
	return 0;
}

const struct reader reader_notice = {
	.name = "notice",
	.match = notice_match,
	.parse = notice_parse,
};
