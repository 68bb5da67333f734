/*
 * reader_challenge.c - challenge-response systems ("confirm you are
 * human"): TMDA, SpamArrest, Boxbe, MailInBlack, Bluebottle, ChoiceMail
 * and the generic wording. They answer a message with a request to prove
 * the sender; for mail we did not send, that is backscatter.
 */
#include <string.h>

#include "anatomy/anatomy.h"
#include "anatomy/phrases.h"
#include "anatomy/readers.h"

static int
challenge_match(const struct analysis *an, const struct reader_input *in)
{
	int	 sys, w;

	if ((an->kind != KIND_NONE && an->kind != KIND_CHALLENGE) || in->has_dsn)
		return 0;
	if (an->kind == KIND_CHALLENGE)
		return 9;	/* its header said so */
	sys = phrases_count(PHRASE_CHALLENGE_SYSTEM, in->ltext) +
	    phrases_count(PHRASE_CHALLENGE_SYSTEM, in->from);
	w = anatomy_challenge_words(in->ltext) +
	    phrases_count(PHRASE_CHALLENGE_WORDS, in->subject);
	if (w >= 1 && (sys >= 1 || w >= 2))
		return 7;
	return 0;
}

static int
challenge_parse(struct analysis *an, struct arena *a,
    const struct reader_input *in)
{
	an->kind = KIND_CHALLENGE;
	return 0;
}

const struct reader reader_challenge = {
	.name = "challenge",
	.match = challenge_match,
	.parse = challenge_parse,
};
