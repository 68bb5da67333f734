/*
 * fuzz_config.c - libFuzzer harness for the configuration file and the
 * rule language.
 *
 * The input is a configuration file, optionally followed by a line "%%"
 * and a rule file. The configuration is read through config_load (from a
 * memfd, so its line reader is fuzzed too), the rules are added after the
 * built-in ones (loaded from the build-time table, as in the program: the
 * harness links src/rules/builtin_regex.c), compiled, and run against a small
 * fixed bounce so that
 * patterns, evals and metas are exercised on real text. rules_file and
 * rules_dir lines are parsed but not followed: the fuzzer must not read
 * arbitrary files.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/limits.h"
#include "read/message.h"
#include "anatomy/anatomy.h"
#include "config/config.h"
#include "rules/rules.h"
#include "rules/score.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char bounce[] =
"Return-Path: <>\n"
"From: MAILER-DAEMON@mx.remote.example (Mail Delivery System)\n"
"To: alice@northwind.example\n"
"Subject: Undelivered Mail Returned to Sender\n"
"MIME-Version: 1.0\n"
"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
"\n"
"--B\n"
"Content-Type: text/plain\n"
"\n"
"Your message was rejected as spam: 550 5.7.1 Message rejected (spam)\n"
"--B\n"
"Content-Type: message/delivery-status\n"
"\n"
"Reporting-MTA: dns; mx.remote.example\n"
"\n"
"Final-Recipient: rfc822; bob@remote.example\n"
"Action: failed\n"
"Status: 5.7.1\n"
"Diagnostic-Code: smtp; 550 5.7.1 spam detected\n"
"--B\n"
"Content-Type: message/rfc822\n"
"\n"
"Received: from botnet.example (unknown [203.0.113.7])\n"
"\tby mx.remote.example with ESMTP id 1; Mon, 1 Jan 2024 00:00:00 +0000\n"
"From: alice@northwind.example\n"
"To: bob@remote.example\n"
"Message-ID: <x1@botnet.example>\n"
"Subject: cheap pills viagra casino\n"
"\n"
"Buy cheap pills now! Click here to unsubscribe. Free casino bonus.\n"
"--B--\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	 cfg;
	struct ruleset	*rs;
	struct buf	 errors;
	struct message	 msg;
	struct arena	 arena;
	struct analysis	 an;
	struct verdict	 v;
	const uint8_t	*sep, *rules = NULL;
	size_t		 clen = size, rlen = 0;
	char		 path[64], *text;
	int		 fd;

	if (size > 1024 * 1024)
		return 0;
	if ((sep = memmem(data, size, "\n%%\n", 4)) != NULL) {
		clen = (size_t)(sep - data) + 1;
		rules = sep + 4;
		rlen = size - clen - 3;
	}

	buf_init(&errors, 1024 * 1024);
	config_init(&cfg);
	if ((fd = memfd_create("fuzz-config", 0)) == -1 ||
	    (clen > 0 && write(fd, data, clen) != (ssize_t)clen))
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	config_load(&cfg, path, 1, &errors);
	close(fd);

	if ((rs = rules_new()) == NULL || rules_add_builtin(rs) == -1)
		abort();
	if (rules != NULL) {
		if ((text = malloc(rlen + 1)) == NULL)
			abort();
		memcpy(text, rules, rlen);
		text[rlen] = '\0';
		rules_add_text(rs, "fuzz.cf", text);
		free(text);
	}
	rules_compile(rs, &cfg, &errors);

	memset(&msg, 0, sizeof(msg));
	buf_init(&msg.raw, sizeof(bounce));
	if (buf_append(&msg.raw, bounce, sizeof(bounce) - 1) == -1 ||
	    buf_reserve(&msg.raw, 1) == -1)
		abort();
	msg.raw.data[msg.raw.len] = '\0';
	arena_init(&arena, LIMIT_ARENA_BYTES);
	if (message_parse_header(&msg, &arena) == 0 &&
	    anatomy_read(&msg, &arena, &an) == 0 &&
	    score_message(&cfg, NULL, rs, &an, &arena, &v) == 0) {
		buf_reset(&errors);
		score_explain(&errors, &v);
	}
	arena_free(&arena);
	message_free(&msg);
	rules_free(rs);
	config_free(&cfg);
	buf_free(&errors);
	return 0;
}
