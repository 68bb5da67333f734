/*
 * unit-signs.c - what a message's header says about its writer
 * (src/anatomy/signs.c): a list writing in its own name from its own
 * envelope, answering one writer (signs_list_answer), and the gate
 * reading its body; a list's robot echoing the command it answers as its
 * subject (command_subject); as a table of { label, header, want }.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/limits.h"
#include "read/message.h"
#include "anatomy/signs.h"
#include "tap.h"

static struct arena	 arena;

/* "answer=N gate=N cmd=N" for a message of header h (and an empty
 * body). */
static char *
read_signs(const char *h)
{
	struct message	 m;
	struct signs	 s;
	char		 out[64];

	memset(&m, 0, sizeof(m));
	m.raw.data = arena_strdup(&arena, h);
	m.raw.len = m.raw.max = strlen(h);
	if (message_parse_header(&m, &arena) == -1)
		return NULL;
	signs_read(&s, &m, &arena);
	snprintf(out, sizeof(out), "answer=%d gate=%d cmd=%d",
	    signs_list_answer(&s), signs_gate(&s), s.command_subject);
	return arena_strdup(&arena, out);
}

#define ENV_BOUNCE	"Return-Path: <kaffee-bounce@lists.roesterei.example>\n"
#define ANSWERS		"In-Reply-To: <a1b2c3@mail.elsewhere.example>\n"

static const struct tap_case cases[] = {
	{ "the list from its \"-bounce@\" Sender answers with RE: (Schleuder's sendkey)",
	  ENV_BOUNCE "From: kaffee@lists.roesterei.example\n"
	  "Sender: kaffee-bounce@lists.roesterei.example\n"
	  "To: alice@northwind.example\n" ANSWERS
	  "Subject: RE: hello\n\n",
	  "answer=1 gate=1 cmd=0" },
	{ "the list's address in From with a display name, the envelope alone its own",
	  ENV_BOUNCE "From: \"Kaffee list\" <Kaffee@Lists.Roesterei.example>\n"
	  "To: alice@northwind.example\n" ANSWERS
	  "Subject: Re: hello\n\n",
	  "answer=1 gate=1 cmd=0" },
	{ "\"owner-x@\" is x's own envelope",
	  "Return-Path: <owner-kaffee@lists.roesterei.example>\n"
	  "From: kaffee@lists.roesterei.example\n"
	  "To: alice@northwind.example\n" ANSWERS
	  "Subject: Re: hello\n\n",
	  "answer=1 gate=1 cmd=0" },
	{ "a member's reply through a list without list fields: From is its writer",
	  ENV_BOUNCE "From: Jonas <jonas@roesterei.example>\n"
	  "Sender: kaffee-bounce@lists.roesterei.example\n"
	  "To: kaffee@lists.roesterei.example\n" ANSWERS
	  "Subject: Re: hello\n\n",
	  "answer=0 gate=0 cmd=0" },
	{ "a post with the list's fields is a post",
	  ENV_BOUNCE "From: kaffee@lists.roesterei.example\n"
	  "List-Id: <kaffee.lists.roesterei.example>\n"
	  "To: alice@northwind.example\n" ANSWERS
	  "Subject: Re: hello\n\n",
	  "answer=0 gate=0 cmd=0" },
	{ "another list's envelope (\"kaffeeklatsch-bounce@\" is not kaffee's)",
	  "Return-Path: <kaffeeklatsch@lists.roesterei.example>\n"
	  "Sender: kaffeeklatsch-bounce@lists.roesterei.example\n"
	  "From: kaffee@lists.roesterei.example\n"
	  "To: alice@northwind.example\n" ANSWERS
	  "Subject: Re: hello\n\n",
	  "answer=0 gate=0 cmd=0" },
	{ "the same local part at another domain",
	  "Return-Path: <kaffee-bounce@lists.other.example>\n"
	  "From: kaffee@lists.roesterei.example\n"
	  "To: alice@northwind.example\n" ANSWERS
	  "Subject: Re: hello\n\n",
	  "answer=0 gate=0 cmd=0" },
	{ "answering nothing (no In-Reply-To or References)",
	  ENV_BOUNCE "From: kaffee@lists.roesterei.example\n"
	  "To: alice@northwind.example\n"
	  "Subject: Re: hello\n\n",
	  "answer=0 gate=1 cmd=0" },
	{ "no \"Re:\": a list's letter, not its answer",
	  ENV_BOUNCE "From: kaffee@lists.roesterei.example\n"
	  "To: alice@northwind.example\n" ANSWERS
	  "Subject: hello\n\n",
	  "answer=0 gate=0 cmd=0" },
	{ "no From at all",
	  ENV_BOUNCE "To: alice@northwind.example\n" ANSWERS
	  "Subject: Re: hello\n\n",
	  "answer=0 gate=0 cmd=0" },
	{ "From with an empty local part",
	  ENV_BOUNCE "From: @lists.roesterei.example\n"
	  "To: alice@northwind.example\n" ANSWERS
	  "Subject: Re: hello\n\n",
	  "answer=0 gate=0 cmd=0" },
	{ "Sympa's INFO answer from the list's -request address",
	  "Return-Path: <orchard-owner@lists.obstbau.example>\n"
	  "From: orchard-request@lists.obstbau.example\n"
	  "To: alice@northwind.example\n"
	  "Auto-Submitted: auto-generated\n"
	  "Subject: INFO orchard\n\n",
	  "answer=0 gate=1 cmd=1" },
	{ "REVIEW, upper-case From, blanks after the name",
	  "From: Orchard-Request@Lists.Obstbau.example\n"
	  "To: alice@northwind.example\n"
	  "Subject: REVIEW Orchard  \n\n",
	  "answer=0 gate=1 cmd=1" },
	{ "the subject names another list than the robot's",
	  "From: orchard-request@lists.obstbau.example\n"
	  "To: alice@northwind.example\n"
	  "Subject: INFO orchards\n\n",
	  "answer=0 gate=1 cmd=0" },
	{ "more words after the list's name: a letter's subject",
	  "From: orchard-request@lists.obstbau.example\n"
	  "To: alice@northwind.example\n"
	  "Subject: Info orchard meeting on Monday\n\n",
	  "answer=0 gate=1 cmd=0" },
	{ "the command and list from a person, not a robot",
	  "From: orchard@lists.obstbau.example\n"
	  "To: alice@northwind.example\n"
	  "Subject: INFO orchard\n\n",
	  "answer=0 gate=0 cmd=0" },
	{ "\"-request\" alone is no list's robot",
	  "From: -request@lists.obstbau.example\n"
	  "To: alice@northwind.example\n"
	  "Subject: INFO \n\n",
	  "answer=0 gate=1 cmd=0" },
};

int
main(void)
{
	size_t	 i;

	arena_init(&arena, LIMIT_ARENA_BYTES);
	plan((int)(sizeof(cases) / sizeof(cases[0])));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_str(read_signs(cases[i].input), cases[i].want, "%s",
		    cases[i].label);
	arena_free(&arena);
	return done();
}
