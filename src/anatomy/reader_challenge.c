/*
 * reader_challenge.c - challenge-response systems ("confirm you are
 * human"): TMDA, SpamArrest, Boxbe, MailInBlack, Bluebottle, ChoiceMail
 * and the generic wording. They answer a message with a request to prove
 * the sender; for mail we did not send, that is backscatter.
 */
#include <string.h>

#include "anatomy/anatomy.h"
#include "anatomy/readers.h"

static const char *const systems[] = {
	"tmda", "spamarrest", "spam arrest", "boxbe", "mailinblack",
	"bluebottle", "choicemail", "qurb", "0spam", "sendio", "mailblocks",
	"cleanmymailbox", "earthlink spamblocker", "vanquish", NULL
};

static const char *const words[] = {
	"confirm that you are a human", "prove you are a human",
	"verify that you are", "are you a human", "not a robot",
	"please confirm your", "confirm your message", "click the link below",
	"to have your message delivered", "until you confirm",
	"awaiting your confirmation", "reply to this message to confirm",
	"verification request", "one-time verification", "authorize your",
	"i use a challenge", "challenge-response", "challenge/response",
	"add you to my", "approved senders", "guest list", NULL
};

static int
count(const char *hay, const char *const *list)
{
	int	 n = 0;

	for (; *list; list++)
		if (strstr(hay, *list) != NULL)
			n++;
	return n;
}

static int
challenge_match(const struct analysis *an, const struct reader_input *in)
{
	int	 sys, w;

	if ((an->kind != KIND_NONE && an->kind != KIND_CHALLENGE) || in->has_dsn)
		return 0;
	if (an->kind == KIND_CHALLENGE)
		return 9;	/* its header said so */
	sys = count(in->ltext, systems) + count(in->from, systems);
	w = count(in->ltext, words) + count(in->subject, words);
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
