/*
 * judge.c - a message at the MX through the same steps as main.c's
 * analyse(): header, anatomy, evidence and rules, then the fields filter
 * mode writes (see judge.h).
 *
 * Proof: the forgery signs of the proof sources (a BATV tag not ours, a
 * bounce without the tag when every message is tagged, a Message-ID at
 * our domain we never sent, our DKIM signature that does not verify).
 * Only those may refuse mail by default; a verdict from the other rules
 * is an opinion, acted on as milter_action says.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/limits.h"
#include "read/envelope.h"
#include "read/message.h"
#include "anatomy/anatomy.h"
#include "anatomy/signs.h"
#include "config/config.h"
#include "evidence/decide.h"
#include "rules/score.h"
#include "cli/output.h"
#include "milter/judge.h"
#include "milter/settings.h"

/* Rules that prove a message is not about mail we sent ... */
static const char *const forged[] = {
	"BS_BATV_BAD", "BS_BATV_MISSING", "BS_NOT_IN_LEDGER", "BS_DKIM_FORGED",
	NULL
};
/* ... and those that prove it is: either one rules the other out. */
static const char *const ours[] = {
	"BS_BATV_VALID", "BS_SENT_LEDGER", "BS_SENT_LEDGER_REPLY",
	"BS_DKIM_VALID", NULL
};

/* The list's own copy of name (it outlives the verdict), or NULL. */
static const char *
named(const char *name, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(name, *list) == 0)
			return *list;
	return NULL;
}

int
judge_plain_header(const char *raw, size_t len)
{
	struct message	 m;
	struct arena	 a;
	struct signs	 sg;
	int		 rc = -1;

	memset(&m, 0, sizeof(m));
	buf_init(&m.raw, LIMIT_MESSAGE_BYTES + 1);
	arena_init(&a, LIMIT_ARENA_BYTES);
	/* the empty line that ends it: the header is all there is */
	if (buf_append(&m.raw, raw, len) == 0 &&
	    buf_appends(&m.raw, "\r\n\r\n") == 0 &&
	    message_parse_header(&m, &a) == 0) {
		signs_read(&sg, &m, &a);
		rc = !signs_gate(&sg);
	}
	arena_free(&a);
	message_free(&m);
	return rc;
}

int
judge_message(struct milter_section *sec, struct message *m,
    const char *sender, const char *recipient, const char *home,
    long long now, struct judgement *j)
{
	struct envelope		 env;
	struct arena		 arena, varena;
	struct analysis		 an;
	struct verdict		 v;
	struct output_verdict	 ov;
	const char		*tests;
	size_t			 i;
	int			 h, rc = -1, against = 0;
	const struct decision	*d;

	memset(j, 0, sizeof(*j));
	buf_init(&j->headers, 64 * 1024);
	memset(&env, 0, sizeof(env));
	env.sender = sender;
	env.now = now;
	/* the ledger's path as the milter records into it (a "~/" path,
	 * the default one): judged without it, they were "absent" */
	env.home = home;
	if (recipient != NULL && strlen(recipient) < sizeof(env.recipient_buf) &&
	    config_address_ok(recipient)) {
		for (i = 0; recipient[i] != '\0'; i++)
			env.recipient_buf[i] = (char)tolower(
			    (unsigned char)recipient[i]);
		env.recipient_buf[i] = '\0';
		env.recipient = env.recipient_buf;
		env.to = recipient;
	}
	arena_init(&arena, LIMIT_ARENA_BYTES);
	arena_init(&varena, LIMIT_VERDICT_ARENA_BYTES);
	/* judged before (another section's recipients): what was made in
	 * that arena is gone; the header is parsed anew below */
	m->body = NULL;
	m->body_len = 0;
	if (message_parse_header(m, &arena) == -1 ||
	    anatomy_read(m, &arena, &an) == -1 ||
	    score_message(&sec->cfg, &env, sec->rs, &an, &varena, &v) == -1)
		goto out;
	j->backscatter = v.backscatter;
	j->score = v.score;
	j->required = v.required;
	snprintf(j->kind, sizeof(j->kind), "%s", anatomy_kind_name(an.kind));
	for (h = 0; h < v.nhits; h++) {
		if (j->proof_rule == NULL)
			j->proof_rule = named(v.hits[h].name, forged);
		against |= named(v.hits[h].name, ours) != NULL;
	}
	/* refused by default: what the evidence hierarchy (decide.h) calls
	 * proof of backscatter, or strong evidence made with our own key
	 * (a BATV tag not ours, or missing where every bounce is tagged) */
	d = &v.evidence.decision;
	if (d->class == DECIDE_PROOF && d->backscatter)
		j->proof = v.backscatter;
	else
		j->proof = v.backscatter && d->class == DECIDE_STRONG &&
		    d->backscatter && j->proof_rule != NULL && !against;
	if (j->proof && j->proof_rule == NULL)
		j->proof_rule = d->evidence;
	ov.backscatter = v.backscatter;
	ov.score = v.score;
	ov.required = v.required;
	tests = score_tests(&v, &varena);
	ov.tests = tests != NULL && strcmp(tests, "none") != 0 ? tests : NULL;
	if (output_headers(&j->headers, j->kind, &ov, "\n") == -1)
		goto out;
	j->judged = 1;
	rc = 0;
out:
	arena_free(&varena);
	arena_free(&arena);
	return rc;
}

void
judge_free(struct judgement *j)
{
	buf_free(&j->headers);
}
