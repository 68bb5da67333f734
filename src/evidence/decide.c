/*
 * decide.c - the evidence classes, decided in order (see decide.h).
 *
 * Evidence comes in three classes. A class that has an answer decides;
 * the next is asked only when it has none. Heuristics never outvote
 * proof, nor strong evidence.
 *
 * Rule 4 asks for a machine's field: the kind is read partly from words,
 * and a stranger's first letter taken for an auto-reply by its words
 * ("Re:", "away") would otherwise be backscatter by proof.
 *
 *  class      not backscatter (ours)             backscatter (not ours)
 *  ---------  ---------------------------------  -------------------------------
 *  proof      1. the sent ledger recorded the    3. sent_ledger_complete, and
 *                returned or answered Message-      the ledger never recorded the
 *                ID for the very recipient that     returned or answered
 *                bounced or replied                 Message-ID
 *             2. our DKIM signature verifies     4. sent_ledger_complete, and an
 *                (the headers at least) and that    auto-reply, challenge or
 *                recipient is in its signed         receipt comes from someone
 *                To/Cc                              we never wrote to, and a
 *                                                   header field says a machine
 *                                                   wrote it (an->automatic)
 *             5. an auto-reply naming no
 *                Message-ID from someone we
 *                wrote to within
 *                sent_ledger_expiry
 *  strong     points, summed; 5 or more either way answers:
 *             our valid BATV tag           -8    an expired tag of ours     +6
 *             a ledger hit recorded              a tag that is not ours     +6
 *               without recipients         -8    no tag, batv_required yes,
 *             a ledger hit, or our signature       on a bounce              +6
 *               verified, for other              our domain's signature
 *               recipients (once)          -4      fails on the whole
 *             the handoff hop came from            original                 +7
 *               our relay                 -10    the handoff hop came from
 *                                                  a stranger (and no DNS-
 *                                                  linked chain reaches our
 *                                                  relay)                   +6
 *  heuristic  the rules' weights (content, the bounce's words, claims
 *             anyone can forge): the score against required_score
 *
 * Inside proof, proof that we sent (1, 2, 5) beats absence (3, 4): a
 * ledger can miss a message, a signature cannot be made without our key.
 * An absence needs a ledger that could answer: one that failed, or that
 * holds entries recorded before recipients were kept, proves nothing by
 * what it lacks. A valid BATV tag is strong, not proof: whoever received
 * our mail may replay it within its lifetime. A Message-ID is no secret:
 * a hit for another recipient is strong (forwarding and aliases change
 * the address; so does a copied Message-ID). An expired tag is worth no
 * less than no tag: a harvested old tag must not help.
 *
 * The answer reaches the score as a test (BS_PROOF_* at +-100, BS_STRONG_*
 * at +-20, in rules/10_evidence.cf) that dominates the rest, as
 * SpamAssassin's welcome lists do; score.c makes sure it does.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/buf.h"
#include "anatomy/anatomy.h"
#include "evidence/decide.h"
#include "evidence/origin.h"

const char *
decide_class_name(enum decide_class c)
{
	switch (c) {
	case DECIDE_PROOF:	return "proof";
	case DECIDE_STRONG:	return "strong";
	case DECIDE_HEURISTIC:	break;
	}
	return "heuristic";
}

/* "27 Nov 2026" for a day since 1970, into out. */
static const char *
day_text(long day, char *out, size_t outlen)
{
	struct tm	 tm;
	time_t		 t = (time_t)day * 86400;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, outlen, "%d %b %Y", &tm) == 0)
		snprintf(out, outlen, "day %ld", day);
	return out[0] == '0' ? out + 1 : out;
}

/* printf into the arena; the format itself when that fails. */
static const char *
say(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static const char *
say(struct arena *a, const char *fmt, ...)
{
	char		 text[1024];
	va_list		 ap;
	const char	*s;
	int		 n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n < 0)
		return fmt;
	if ((s = arena_strdup(a, text)) == NULL)
		return fmt;
	return s;
}

static int
dkim_verified(const struct dkim_evidence *d)
{
	return d->result == DKIMP_PASS || d->result == DKIMP_HEADERS_PASS ||
	    d->result == DKIMP_BODY_CHANGED;
}

/* The first responder among the signed To/Cc addresses, or NULL. */
static const char *
dkim_recipient(const struct evidence *ev)
{
	int	 i;

	for (i = 0; i < ev->dkim.nsigned_rcpt; i++)
		if (responders_has(&ev->responders, ev->dkim.signed_rcpt[i]))
			return ev->dkim.signed_rcpt[i];
	return NULL;
}

static const char *
who(const struct evidence *ev)
{
	if (ev->responders.n == 0)
		return "the recipient";
	return ev->responders.address[0];
}

/* The Message-ID the ledger was asked about, for the words (within
 * the <> they are put in: the first one an answer names, without its
 * own brackets). */
static const char *
asked_id(const struct analysis *an, struct arena *a)
{
	const char	*p, *e;

	if (an->original.message_id != NULL)
		return an->original.message_id;
	if (an->replied_to == NULL)
		return "?";
	if ((p = strchr(an->replied_to, '<')) != NULL &&
	    (e = strchr(p, '>')) != NULL && e > p + 1 &&
	    (p = arena_strndup(a, p + 1, (size_t)(e - p - 1))) != NULL)
		return p;
	return an->replied_to;
}

/* The original's Message-ID: returned with it, or named by the bounce. */
static const char *
original_words(const struct analysis *an)
{
	return an->original.source == SOURCE_REFERENCE ? "the bounced" :
	    "the returned";
}

static int
proof(const struct evidence *ev, const struct analysis *an, struct arena *a,
    struct decision *d)
{
	const struct ledger_evidence	*l = &ev->ledger;
	const char			*rcpt;
	char				 day[32];

	if (l->found != NULL && l->recipient == LEDGER_RCPT_MATCH) {
		d->backscatter = 0;
		d->evidence = "sent_ledger";
		d->why = say(a, "the sent ledger recorded %s Message-ID <%s> "
		    "for %s on %s", l->original_sent ? original_words(an) :
		    "the answered", l->found, l->matched,
		    day_text(l->day, day, sizeof(day)));
		return 1;
	}
	if (dkim_verified(&ev->dkim) && (rcpt = dkim_recipient(ev)) != NULL) {
		d->backscatter = 0;
		d->evidence = "dkim";
		d->why = say(a, "our DKIM signature (d=%s s=%s) verifies, and "
		    "%s is in the To or Cc it signs", ev->dkim.domain,
		    ev->dkim.selector ? ev->dkim.selector : "-", rcpt);
		return 1;
	}
	/* (a Message-ID named that no ledger holds is named all the same:
	 * a bot's spam, "<spam1>", answered by someone we wrote to once) */
	if (ev->responders.replier && l->looked_up == 0 &&
	    l->unreadable == 0 && l->correspondent == 1) {
		d->backscatter = 0;
		d->evidence = "correspondents";
		d->why = say(a, "it names no Message-ID, and we wrote to %s "
		    "on %s (sent ledger)", l->replier,
		    day_text(l->correspondent_day, day, sizeof(day)));
		return 1;
	}
	/* absence: only a complete ledger that answered, and never when
	 * our signature verifies on the original (on its headers at
	 * least): a signature cannot be made without our key, so we sent
	 * it, and the ledger missed it (another sender of ours, a forward) */
	if (!l->complete || strcmp(l->state, "open") != 0)
		return 0;
	if (dkim_verified(&ev->dkim) && (l->unknown ||
	    (ev->responders.replier && l->correspondent == 0))) {
		d->near = say(a, "the sent ledger, complete, lacks it, but our "
		    "DKIM signature (d=%s s=%s) on the original verifies",
		    ev->dkim.domain, ev->dkim.selector ? ev->dkim.selector :
		    "-");
		return 0;
	}
	if (l->unknown) {
		d->backscatter = 1;
		d->evidence = "sent_ledger";
		d->why = say(a, "the sent ledger, complete, never recorded "
		    "%s Message-ID <%s>", an->original.message_id ?
		    original_words(an) : "the answered", asked_id(an, a));
		return 1;
	}
	if (ev->responders.replier && l->correspondent == 0) {
		if (!an->automatic) {
			d->near = say(a, "we never wrote to %s, but no header "
			    "field says a machine wrote the answer", l->replier);
			return 0;
		}
		d->backscatter = 1;
		d->evidence = "correspondents";
		d->why = say(a, "the sent ledger, complete, shows we never "
		    "wrote to %s, who replied", l->replier);
		return 1;
	}
	return 0;
}

/* Why a tag of ours counts as expired: past its lifetime, or from
 * another 1000-day cycle than the mail's Date (batv.c's words). */
static const char *
expired_words(const struct batv_evidence *b, struct arena *a)
{
	static const char	 but[] = "our tag, but ";

	if (b->why == NULL || strncmp(b->why, but, sizeof(but) - 1) != 0)
		return "our BATV tag, expired";
	return say(a, "our BATV tag, expired: %s", b->why + sizeof(but) - 1);
}

struct fact {
	int		 points;
	const char	*evidence;
	const char	*words;
};

/* strong facts at most: one per kind of evidence, fixed by this file */
#define NFACTS	8

static void
fact(struct fact *f, int *n, int points, const char *evidence,
    const char *words)
{
	if (*n < NFACTS) {
		f[*n].points = points;
		f[*n].evidence = evidence;
		f[*n].words = words;
		(*n)++;
	}
}

static int
strong(const struct evidence *ev, const struct analysis *an, struct arena *a,
    struct decision *d)
{
	const struct ledger_evidence	*l = &ev->ledger;
	struct fact			 f[NFACTS];
	struct buf			 b;
	const struct fact		*top = NULL;
	int				 n = 0, i, sum = 0;

	switch (ev->batv.status) {
	case BATV_VALID:
		fact(f, &n, -8, "batv", "our valid BATV tag on the address "
		    "it came back to");
		break;
	case BATV_EXPIRED:
		fact(f, &n, 6, "batv", expired_words(&ev->batv, a));
		break;
	case BATV_BAD:
		fact(f, &n, 6, "batv", "a BATV tag that is not ours");
		break;
	case BATV_NONE:
		if (ev->batv.keys > 0 && ev->batv.required &&
		    an->kind == KIND_BOUNCE)
			fact(f, &n, 6, "batv", "no BATV tag, and "
			    "batv_required is yes");
		break;
	}
	/* a ledger hit and our signature for others say one thing: we
	 * sent this message, to someone else; counted once */
	if (l->found != NULL && l->recipient == LEDGER_RCPT_UNRECORDED)
		fact(f, &n, -8, "sent_ledger", say(a, "the sent ledger "
		    "recorded Message-ID <%s> (without its recipients: an "
		    "entry from before they were kept)", l->found));
	else if (l->found != NULL && l->recipient == LEDGER_RCPT_OTHER)
		fact(f, &n, -4, "sent_ledger", say(a, "the sent ledger "
		    "recorded Message-ID <%s>, but for other recipients than "
		    "%s", l->found, who(ev)));
	else if (dkim_verified(&ev->dkim))
		fact(f, &n, -4, "dkim", say(a, "our DKIM signature verifies, "
		    "but %s is not in the To or Cc it signs", who(ev)));
	if (ev->dkim.result == DKIMP_FORGED)
		fact(f, &n, 7, "dkim", "a signature of our domain fails on "
		    "the whole original");
	if (ev->handoff == HANDOFF_OURS && !ev->internal_unverified)
		fact(f, &n, -10, "handoff", "the hop into the bouncing system "
		    "came from our relay");
	else if (ev->handoff == HANDOFF_FOREIGN && !ev->forwarded_ours)
		fact(f, &n, 6, "handoff", ev->handoff_host ? say(a, "the hop "
		    "into the bouncing system came from %s, not our relay",
		    ev->handoff_host) : "the hop into the bouncing system "
		    "came from a host that is not our relay");
	for (i = 0; i < n; i++)
		sum += f[i].points;
	d->strong = sum;
	if (sum > -DECIDE_STRONG_MIN && sum < DECIDE_STRONG_MIN)
		return 0;
	d->backscatter = sum > 0;
	/* the weightiest fact on the winning side names the evidence */
	for (i = 0; i < n; i++)
		if ((f[i].points > 0) == d->backscatter && (top == NULL ||
		    abs(f[i].points) > abs(top->points)))
			top = &f[i];
	d->evidence = top->evidence;
	buf_init(&b, 4096);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_appends(&b, "; ");
		buf_appends(&b, f[i].words);
	}
	d->why = b.data != NULL ? arena_strndup(a, b.data, b.len) : NULL;
	if (d->why == NULL)
		d->why = top->words;
	buf_free(&b);
	return 1;
}

void
decide(const struct evidence *ev, const struct analysis *an, struct arena *a,
    struct decision *d)
{
	memset(d, 0, sizeof(*d));
	d->class = DECIDE_HEURISTIC;
	d->evidence = "rules";
	if (an->kind == KIND_NONE || an->kind == KIND_FEEDBACK)
		return;
	if (proof(ev, an, a, d)) {
		d->class = DECIDE_PROOF;
		return;
	}
	if (strong(ev, an, a, d)) {
		d->class = DECIDE_STRONG;
		return;
	}
	d->backscatter = 0;
	d->evidence = "rules";
	d->why = NULL;
}
