/*
 * fuzz_message.c - libFuzzer harness for the whole analysis path of one
 * message: header index, anatomy (MIME tree, DSN fields, format readers,
 * the returned original), evidence, rules, verdict, and the output of
 * every mode (filter into a memfd, JSON and the report into buffers).
 *
 * Besides not crashing, filter output is checked to be byte-exact: when
 * the input holds no X-Backscatter-* text of its own, the output must be
 * the input with our three fields (and at most one line ending either
 * side of them) inserted. A difference aborts, so the fuzzer reports it.
 * So does a pattern the literal prefilter ruled out that matches.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/limits.h"
#include "read/message.h"
#include "anatomy/anatomy.h"
#include "config/config.h"
#include "rules/rules.h"
#include "rules/score.h"
#include "cli/output.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct config	 cfg;
static struct ruleset	*rs;
static int		 outfd = -1;
static struct buf	 outbuf;

/* A configuration that makes the origin checks do real work. */
static const char *const config_lines[] = {
	"my_domain northwind.example example.org",
	"my_address alice@northwind.example",
	"my_relay smtp.northwind.example *.out.northwind.example 192.0.2.25 2001:db8::/32",
	"required_score 5.0",
	NULL
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct buf	 errors;
	int		 i;

	(void)argc;
	(void)argv;
	buf_init(&errors, 65536);
	config_init(&cfg);
	for (i = 0; config_lines[i] != NULL; i++)
		if (config_line(&cfg, config_lines[i], "fuzz", i + 1,
		    &errors) == -1)
			abort();
	if ((rs = rules_new()) == NULL || rules_add_builtin(rs) == -1 ||
	    rules_compile(rs, &cfg, &errors) != 0) {
		fwrite(errors.data, 1, errors.len, stderr);
		abort();
	}
	/* a pattern the literal prefilter rules out is matched anyway: a
	 * match then aborts (the prefilter must never say "cannot") */
	rules_check_prefilter(rs, 1);
	buf_free(&errors);
	if ((outfd = memfd_create("fuzz-out", 0)) == -1)
		abort();
	buf_init(&outbuf, LIMIT_MESSAGE_BYTES * 2u);
	return 0;
}

/* Read back what output_filter wrote to the memfd. */
static void
read_output(void)
{
	off_t	 end = lseek(outfd, 0, SEEK_CUR);
	ssize_t	 n;

	buf_reset(&outbuf);
	if (end < 0 || buf_reserve(&outbuf, (size_t)end + 1) == -1)
		abort();
	n = pread(outfd, outbuf.data, (size_t)end, 0);
	if (n != end)
		abort();
	outbuf.len = (size_t)n;
}

static int
has_our_fields(const uint8_t *d, size_t n)
{
	static const char	 name[] = "x-backscatter-";
	size_t			 i, k = sizeof(name) - 1;

	for (i = 0; i + k <= n; i++)
		if (strncasecmp((const char *)d + i, name, k) == 0)
			return 1;
	return 0;
}

/* out[0:olen] == in[0:p] (+eol) + ours (+eol) + in[p:] for some p */
static int
is_input_plus_ours(const char *out, size_t olen, const uint8_t *in,
    size_t n, const struct buf *ours, const char *eol)
{
	const char	*at;
	size_t		 p, el = strlen(eol), a, b, alen, blen;

	if (el == 0)
		abort();	/* the loops below step by el */
	at = memmem(out, olen, ours->data, ours->len);
	if (at == NULL)
		return 0;
	p = (size_t)(at - out);
	for (a = 0; a <= el; a += el) {
		for (b = 0; b <= el; b += el) {
			if (p < a)
				continue;
			alen = p - a;
			if (olen < p + ours->len + b)
				continue;
			blen = olen - p - ours->len - b;
			if (alen + blen != n)
				continue;
			if ((a == 0 || memcmp(out + alen, eol, el) == 0) &&
			    (b == 0 || memcmp(at + ours->len, eol, el) == 0) &&
			    memcmp(out, in, alen) == 0 &&
			    memcmp(at + ours->len + b, in + alen, blen) == 0)
				return 1;
		}
	}
	return 0;
}

/*
 * The output is the input with our fields inserted; a header line that
 * ends the input without a line end (a message that is all header) also
 * gets one at the very end, as output_filter says and tests/filter.sh
 * checks: the input then ends in no line end as its lines are read (LF;
 * CR or LF in a CR message: in an LF or CRLF message a bare CR is a
 * byte of its line), the output in eol.
 */
static void
check_exact(const uint8_t *in, size_t n, const struct buf *ours,
    const char *eol, size_t header_end)
{
	const char	*out = outbuf.data;
	size_t		 el = strlen(eol);

	if (memmem(out, outbuf.len, ours->data, ours->len) == NULL) {
		fprintf(stderr, "filter output lacks our fields\n");
		abort();
	}
	if (is_input_plus_ours(out, outbuf.len, in, n, ours, eol))
		return;
	if (n > 0 && in[n - 1] != '\n' &&
	    (in[n - 1] != '\r' || strcmp(eol, "\r") != 0) &&
	    header_end >= n && outbuf.len >= el &&
	    memcmp(out + outbuf.len - el, eol, el) == 0 &&
	    is_input_plus_ours(out, outbuf.len - el, in, n, ours, eol))
		return;
	fprintf(stderr, "filter output is not the input plus our fields\n");
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct message		 msg;
	struct arena		 arena;
	struct analysis		 an;
	struct verdict		 v;
	struct output_verdict	 ov;
	struct buf		 text, ours;
	struct json		 j;
	const char		*eol;

	if (size > LIMIT_MESSAGE_BYTES)
		return 0;
	memset(&msg, 0, sizeof(msg));
	buf_init(&msg.raw, LIMIT_MESSAGE_BYTES + 1);
	/* message_read leaves a NUL after the bytes: do the same */
	if (buf_reserve(&msg.raw, size + 1) == -1)
		abort();
	if (size > 0)
		memcpy(msg.raw.data, data, size);
	msg.raw.len = size;
	msg.raw.data[size] = '\0';

	arena_init(&arena, LIMIT_ARENA_BYTES);
	if (message_parse_header(&msg, &arena) == -1 ||
	    anatomy_read(&msg, &arena, &an) == -1 ||
	    score_message(&cfg, NULL, rs, &an, &arena, &v) == -1)
		goto done;

	memset(&ov, 0, sizeof(ov));
	ov.backscatter = v.backscatter;
	ov.score = v.score;
	ov.required = v.required;
	ov.tests = score_tests(&v, &arena);
	if (ov.tests != NULL && strcmp(ov.tests, "none") == 0)
		ov.tests = NULL;

	/* filter mode */
	if (lseek(outfd, 0, SEEK_SET) != 0 || ftruncate(outfd, 0) == -1)
		abort();
	if (output_filter(outfd, &msg, anatomy_kind_name(an.kind), &ov) == -1)
		abort();
	read_output();
	if (!has_our_fields(data, size)) {
		eol = msg.eol == EOL_CRLF ? "\r\n" : msg.eol == EOL_CR ? "\r" :
		    "\n";
		buf_init(&ours, 65536);
		output_headers(&ours, anatomy_kind_name(an.kind), &ov, eol);
		check_exact(data, size, &ours, eol, msg.header_blank);
		buf_free(&ours);
	}

	/* --json and --explain */
	buf_init(&text, 64u * 1024 * 1024);
	json_init(&j, &text);
	json_object_begin(&j);
	output_json_anatomy(&j, &an);
	score_json(&j, &v);
	json_object_end(&j);
	buf_reset(&text);
	score_explain(&text, &v);
	output_explain_anatomy(&text, &an);
	buf_free(&text);
done:
	arena_free(&arena);
	message_free(&msg);
	return 0;
}
