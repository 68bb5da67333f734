/*
 * unit-mime.c - the MIME part tree, transfer decoding, HTML to text
 * (src/read/mime.c) and delivery-status fields (src/anatomy/dsn.c), as tables of
 * { label, input, want }.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/limits.h"
#include "read/header.h"
#include "read/mime.h"
#include "anatomy/anatomy.h"
#include "anatomy/dsn.h"
#include "tap.h"

static struct arena	 arena;

/* Parse a whole message (LF text) into m. */
static int
parse(const char *text, size_t len, struct mime *m)
{
	struct header_block	 hb;
	size_t			 body;

	body = header_parse(&arena, text, len, &hb);
	return mime_parse(&arena, &hb, text + body, len - body, m);
}

/* The tree as "depth:type" words; "!" marks an embedded message's top. */
static char *
render_tree(const char *text)
{
	struct mime	 m;
	struct buf	 b;
	char		 w[128], *r;
	int		 i;

	if (parse(text, strlen(text), &m) == -1)
		return NULL;
	buf_init(&b, 1u << 20);
	buf_appends(&b, "");
	for (i = 0; i < m.count; i++) {
		snprintf(w, sizeof(w), "%s%d:%s%s", i ? " " : "",
		    m.parts[i].depth, m.parts[i].type,
		    m.parts[i].embedded ? "!" : "");
		buf_appends(&b, w);
	}
	r = arena_strdup(&arena, b.data);
	buf_free(&b);
	return r;
}

static const struct tap_case tree_cases[] = {
	{ "no Content-Type: one text/plain part",
	  "Subject: x\n\nhello\n",
	  "0:text/plain" },
	{ "type lower-cased, parameters dropped",
	  "Content-Type: Text/HTML; charset=UTF-8\n\n<p>x</p>\n",
	  "0:text/html" },
	{ "DSN: report with text, status and an rfc822 original that is itself multipart",
	  "Content-Type: multipart/report; report-type=delivery-status;\n"
	  "\tboundary=\"OUTER/mx.example\"\n\n"
	  "This is a MIME-encapsulated message.\n\n"
	  "--OUTER/mx.example\nContent-Description: Notification\n"
	  "Content-Type: text/plain; charset=us-ascii\n\nI'm sorry.\n\n"
	  "--OUTER/mx.example\nContent-Type: message/delivery-status\n\n"
	  "Reporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; a@b\n"
	  "Action: failed\nStatus: 5.1.1\n\n"
	  "--OUTER/mx.example\nContent-Type: message/rfc822\n\n"
	  "From: alice@northwind.example\nMessage-ID: <1@northwind.example>\n"
	  "Content-Type: multipart/alternative; boundary=inner\n\n"
	  "--inner\nContent-Type: text/plain\n\nplain\n"
	  "--inner\nContent-Type: text/html\n\n<p>html</p>\n"
	  "--inner--\n\n"
	  "--OUTER/mx.example--\n",
	  "0:multipart/report 1:text/plain 1:message/delivery-status "
	  "1:message/rfc822 2:multipart/alternative! 3:text/plain 3:text/html" },
	{ "text/rfc822-headers is a leaf",
	  "Content-Type: multipart/report; boundary=b\n\n--b\n\ntext\n--b\n"
	  "Content-Type: text/rfc822-headers\n\nFrom: a@b\nSubject: s\n--b--\n",
	  "0:multipart/report 1:text/plain 1:text/rfc822-headers" },
	{ "message/rfc822 child: embedded flag, default text/plain",
	  "Content-Type: message/rfc822\n\nFrom: a@b\nSubject: fwd\n\nbody\n",
	  "0:message/rfc822 1:text/plain!" },
	{ "message/rfc822 in base64 (CRLF inside): decoded, its own parts read",
	  "Content-Type: multipart/mixed; boundary=zz\n\n--zz\n"
	  "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
	  "RnJvbTogYUBiDQpNZXNzYWdlLUlEOiA8MUBiPg0KQ29udGVudC1UeXBlOiBtdWx0aXBh"
	  "cnQvYWx0ZXJuYXRpdmU7IGJvdW5kYXJ5PXkNCg0KLS15DQpDb250ZW50LVR5cGU6IHRl"
	  "eHQvcGxhaW4NCg0KaGkNCi0teS0tDQo=\n--zz--\n",
	  "0:multipart/mixed 1:message/rfc822 2:multipart/alternative! 3:text/plain" },
	{ "message/rfc822 in quoted-printable: decoded",
	  "Content-Type: message/rfc822\nContent-Transfer-Encoding: quoted-printable\n\n"
	  "Content-Type: text/ht=\nml\n\n<p>x</p>\n",
	  "0:message/rfc822 1:text/html!" },
	{ "message/global child",
	  "Content-Type: message/global\n\nFrom: a@b\n\nbody\n",
	  "0:message/global 1:text/plain!" },
	{ "never-closed boundary: the last part runs to the end",
	  "Content-Type: multipart/mixed; boundary=zz\n\n--zz\n\none\n--zz\n\ntwo\nthree\n",
	  "0:multipart/mixed 1:text/plain 1:text/plain" },
	{ "missing boundary parameter: read as text",
	  "Content-Type: multipart/mixed\n\n--zz\n\none\n--zz--\n",
	  "0:text/plain" },
	{ "boundary that never occurs: read as text",
	  "Content-Type: multipart/mixed; boundary=absent\n\n--zz\n\none\n--zz--\n",
	  "0:text/plain" },
	{ "boundary text in mid-line is not a delimiter",
	  "Content-Type: multipart/mixed; boundary=zz\n\n--zz\n\nsee --zz here\n--zz--\n",
	  "0:multipart/mixed 1:text/plain" },
	{ "multipart/digest parts default to message/rfc822",
	  "Content-Type: multipart/digest; boundary=d\n\n--d\n\nFrom: a@b\n\nx\n--d--\n",
	  "0:multipart/digest 1:message/rfc822 2:text/plain!" },
	{ "text after the close delimiter is not a part",
	  "Content-Type: multipart/mixed; boundary=zz\n\n--zz\n\none\n--zz--\n--zz\n\nepilogue\n",
	  "0:multipart/mixed 1:text/plain" },
	{ "a part with no header takes the default type",
	  "Content-Type: multipart/mixed; boundary=zz\n\n--zz\n\nx\n--zz\n"
	  "Content-Type: image/png\n\nPNG\n--zz--\n",
	  "0:multipart/mixed 1:text/plain 1:image/png" },
	{ "inner boundary that extends the outer one",
	  "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	  "Content-Type: multipart/alternative; boundary=b-inner\n\n"
	  "--b-inner\n\nplain\n--b-inner--\n--b\n\nlast\n--b--\n",
	  "0:multipart/mixed 1:multipart/alternative 2:text/plain 1:text/plain" },
};

/* The body of the last part of text, as it was split. */
static char *
last_body(const char *text)
{
	struct mime	 m;

	if (parse(text, strlen(text), &m) == -1)
		return NULL;
	return arena_strndup(&arena, m.parts[m.count - 1].body,
	    m.parts[m.count - 1].body_len);
}

static void
test_tree(void)
{
	size_t	 i;

	for (i = 0; i < sizeof(tree_cases) / sizeof(tree_cases[0]); i++) {
		is_str(render_tree(tree_cases[i].input), tree_cases[i].want,
		    "mime_parse: %s", tree_cases[i].label);
	}
	is_str(last_body("Content-Type: multipart/mixed; boundary=zz\n\n"
	    "--zz\n\none\n--zz\n\ntwo\nthree\n"), "two\nthree\n",
	    "mime_parse: never-closed last part holds the rest");
	is_str(last_body("Content-Type: multipart/mixed; boundary=zz\n\n"
	    "--zz\nContent-Type: text/plain\n\nfirst line\nsecond\n--zz--\n"),
	    "first line\nsecond", "mime_parse: the LF before a delimiter "
	    "belongs to it");
}

/*
 * The lines starting with "--" are indexed once (at most DASH_LINES of
 * them) and every level's delimiters looked up there: a first part with
 * dashes lines more than the index holds, then a returned message whose
 * own multipart lies past them, must split as a scan would.
 */
/* head, then 5,000 times line, then tail, into b (initialised here) */
static void
dashes(struct buf *b, const char *head, const char *line, const char *tail)
{
	int	 i;

	buf_init(b, 1u << 24);
	buf_appends(b, head);
	for (i = 0; i < 5000; i++)
		buf_appends(b, line);
	buf_appends(b, tail);
}

static void
test_dash_index(void)
{
	struct buf	 b;

	dashes(&b, "Content-Type: multipart/report; boundary=\"out\"\n\n"
	    "--out\nContent-Type: text/plain\n\n",
	    "-- a line that starts like a delimiter\n--out-not\n",
	    "--out\nContent-Type: message/rfc822\n\n"
	    "Subject: the original\n"
	    "Content-Type: multipart/mixed; boundary=\"in\"\n\n"
	    "--in\nContent-Type: text/plain\n\nhello\n"
	    "--in\nContent-Type: application/pdf\n\nJVBERi0=\n--in--\n"
	    "--out--\n");
	is_str(render_tree(b.data), "0:multipart/report 1:text/plain "
	    "1:message/rfc822 2:multipart/mixed! 3:text/plain "
	    "3:application/pdf", "mime_parse: 10,000 lines of dashes before "
	    "the delimiters (past the index): the same tree");
	is_str(last_body(b.data), "JVBERi0=", "... the last part's body whole");
	buf_free(&b);
	/* past the index, an inner part that ends in a delimiter line and
	 * an empty line: an empty range is searched (never past its end) */
	dashes(&b, "Content-Type: multipart/mixed; boundary=\"out\"\n\n"
	    "--out\nContent-Type: text/plain\n\n",
	    "-- a line that starts like a delimiter\n",
	    "--out\nContent-Type: multipart/mixed; boundary=\"in\"\n\n"
	    "--in\n\nx\n--in\n\n--out--\n");
	is_str(render_tree(b.data), "0:multipart/mixed 1:text/plain "
	    "1:multipart/mixed 2:text/plain 2:text/plain", "mime_parse: past "
	    "the index, an inner part ending in a delimiter and an empty line");
	buf_free(&b);
	is_str(render_tree("Content-Type: multipart/mixed; boundary=\"a\"\n\n"
	    "--a\nContent-Type: multipart/alternative; boundary=\"b\"\n\n"
	    "--b\n\nplain\n--b\nContent-Type: text/html\n\n<p>x</p>\n--b--\n"
	    "--a\nContent-Type: text/plain\n\n--a-\n--ab\nafter\n--a--\n"),
	    "0:multipart/mixed 1:multipart/alternative 2:text/plain "
	    "2:text/html 1:text/plain", "mime_parse: nested boundaries looked "
	    "up in one index; \"--a-\" and \"--ab\" are no delimiters of a");
}

/* n nested multiparts around one text part: parts at depths 0..n. */
static void
nested(struct buf *b, int n)
{
	char	 line[128];
	int	 i;

	buf_appends(b, "Subject: deep\n");
	for (i = 0; i < n; i++) {
		snprintf(line, sizeof(line),
		    "Content-Type: multipart/mixed; boundary=\"=_%d_=\"\n\n--=_%d_=\n",
		    i, i);
		buf_appends(b, line);
	}
	buf_appends(b, "Content-Type: text/plain\n\nleaf\n");
	for (i = n - 1; i >= 0; i--) {
		snprintf(line, sizeof(line), "--=_%d_=--\n", i);
		buf_appends(b, line);
	}
}

/* n nested message/rfc822 parts around a text part. */
static void
nested_rfc822(struct buf *b, int n)
{
	int	 i;

	for (i = 0; i < n; i++)
		buf_appends(b, "Content-Type: message/rfc822\n\n");
	buf_appends(b, "Subject: innermost\n\nleaf\n");
}

static void
test_limits(void)
{
	struct buf	 b;
	struct mime	 m;
	int		 i, maxdepth;

	/* LIMIT_MIME_DEPTH levels (depths 0 .. LIMIT-1): all there */
	buf_init(&b, 1u << 24);
	nested(&b, LIMIT_MIME_DEPTH - 1);
	parse(b.data, b.len, &m);
	for (maxdepth = 0, i = 0; i < m.count; i++)
		if (m.parts[i].depth > maxdepth)
			maxdepth = m.parts[i].depth;
	is_int(maxdepth, LIMIT_MIME_DEPTH - 1,
	    "depth: %d levels all parsed", LIMIT_MIME_DEPTH);
	is_str(m.parts[m.count - 1].type, "text/plain", "depth: leaf reached at the limit");
	is_int((long)(m.skipped & MIME_SKIP_DEPTH), 0, "depth: no skip flag at the limit");
	buf_free(&b);

	/* one level more: the last is not descended into, flag set */
	buf_init(&b, 1u << 24);
	nested(&b, LIMIT_MIME_DEPTH);
	parse(b.data, b.len, &m);
	for (maxdepth = 0, i = 0; i < m.count; i++)
		if (m.parts[i].depth > maxdepth)
			maxdepth = m.parts[i].depth;
	is_int(maxdepth, LIMIT_MIME_DEPTH - 1, "depth: one over stops at depth %d",
	    LIMIT_MIME_DEPTH - 1);
	is_int((long)(m.skipped & MIME_SKIP_DEPTH), MIME_SKIP_DEPTH,
	    "depth: one over sets MIME_SKIP_DEPTH");
	buf_free(&b);

	/* the same with message/rfc822 nesting */
	buf_init(&b, 1u << 24);
	nested_rfc822(&b, LIMIT_MIME_DEPTH - 1);
	parse(b.data, b.len, &m);
	is_int(m.count, LIMIT_MIME_DEPTH, "depth: %d rfc822 levels all parsed",
	    LIMIT_MIME_DEPTH);
	is_int((long)(m.skipped & MIME_SKIP_DEPTH), 0, "depth: rfc822 at the limit, no flag");
	buf_free(&b);
	buf_init(&b, 1u << 24);
	nested_rfc822(&b, LIMIT_MIME_DEPTH);
	parse(b.data, b.len, &m);
	is_int(m.count, LIMIT_MIME_DEPTH, "depth: rfc822 one over stops");
	is_int((long)(m.skipped & MIME_SKIP_DEPTH), MIME_SKIP_DEPTH,
	    "depth: rfc822 one over sets MIME_SKIP_DEPTH");
	buf_free(&b);

	/* a base64 message/rfc822 decodes to LIMIT_PART_DECODED at most */
	{
		const char	*head = "Content-Type: message/rfc822\n"
		    "Content-Transfer-Encoding: base64\n\n";
		size_t		 k, n = (LIMIT_PART_DECODED / 3 + 1000) * 4;
		const struct mime_part *e;

		buf_init(&b, 1u << 24);
		buf_appends(&b, head);
		buf_appends(&b, "U3ViamVjdDogeA0KDQo=\n");	/* "Subject: x\r\n\r\n" */
		for (k = 0; k < n; k += 4)
			buf_appends(&b, k % 76 == 72 ? "QUFB\n" : "QUFB");
		ok(parse(b.data, b.len, &m) == 0 && m.count == 2,
		    "encoded rfc822: %zu bytes of base64 parsed", b.len);
		e = &m.parts[1];
		ok(e->embedded && (size_t)(e->body + e->body_len - e->head) <=
		    LIMIT_PART_DECODED, "encoded rfc822: decoded to at most "
		    "LIMIT_PART_DECODED (%zu)",
		    (size_t)(e->body + e->body_len - e->head));
		buf_free(&b);
	}

	/* hostile nesting far over the limit costs nothing */
	buf_init(&b, 1u << 26);
	nested(&b, 100000);
	ok(parse(b.data, b.len, &m) == 0 && (m.skipped & MIME_SKIP_DEPTH),
	    "depth: 100000 levels parsed and skipped");
	buf_free(&b);

	/* part count: top + LIMIT-1 children is exactly the limit */
	buf_init(&b, 1u << 24);
	buf_appends(&b, "Content-Type: multipart/mixed; boundary=p\n\n");
	for (i = 0; i < LIMIT_MIME_PARTS - 1; i++)
		buf_appends(&b, "--p\n\nx\n");
	buf_appends(&b, "--p--\n");
	parse(b.data, b.len, &m);
	is_int(m.count, LIMIT_MIME_PARTS, "parts: %d recorded at the limit",
	    LIMIT_MIME_PARTS);
	is_int((long)(m.skipped & MIME_SKIP_PARTS), 0, "parts: no flag at the limit");
	buf_free(&b);

	buf_init(&b, 1u << 24);
	buf_appends(&b, "Content-Type: multipart/mixed; boundary=p\n\n");
	for (i = 0; i < LIMIT_MIME_PARTS + 50; i++)
		buf_appends(&b, "--p\n\nx\n");
	buf_appends(&b, "--p--\n");
	parse(b.data, b.len, &m);
	is_int(m.count, LIMIT_MIME_PARTS, "parts: over the limit keeps %d",
	    LIMIT_MIME_PARTS);
	is_int((long)(m.skipped & MIME_SKIP_PARTS), MIME_SKIP_PARTS,
	    "parts: over the limit sets MIME_SKIP_PARTS");
	buf_free(&b);
}

/* --- decoders ------------------------------------------------------------ */

static const struct tap_case b64_cases[] = {
	{ "padded", "aGVsbG8=", "hello" },
	{ "no padding", "aGVsbG8", "hello" },
	{ "line breaks and spaces ignored", "aGVs\nbG8g\r\nd29y bGQ=", "hello world" },
	{ "junk characters skipped", "aGV*sb!G8=", "hello" },
	{ "concatenated padded runs", "aGk=aGk=", "hihi" },
	{ "empty", "", "" },
	{ "8-bit result", "w6k=", "\xc3\xa9" },
	{ "dangling bits dropped", "aGVsbG8gd", "hello " },
};

static const struct tap_case qp_cases[] = {
	{ "hex escapes", "caf=C3=A9", "caf\xc3\xa9" },
	{ "lower-case hex", "a=3db", "a=b" },
	{ "soft line break", "long=\nline", "longline" },
	{ "soft line break with blanks after =", "long= \t\nline", "longline" },
	{ "trailing = at the end dropped", "end=", "end" },
	{ "lone = kept", "a = b", "a = b" },
	{ "invalid hex kept", "=ZZ=4", "=ZZ=4" },
	{ "hard line breaks kept", "one\ntwo\n", "one\ntwo\n" },
	{ "escaped = at the very end", "x=3D", "x=" },
};

static const struct tap_case html_cases[] = {
	{ "tags removed, blocks on lines", "<p>Delivery failed</p><p>to a@b</p>",
	  "Delivery failed\nto a@b\n" },
	{ "br is a line break", "one<br>two<br/>three", "one\ntwo\nthree" },
	{ "entities", "&lt;user@example.com&gt; &amp; &quot;x&quot;&nbsp;y",
	  "<user@example.com> & \"x\" y" },
	{ "unknown entity kept", "a &copy; b", "a &copy; b" },
	{ "style content dropped", "<style>p { color: red }</style>Hello",
	  "Hello" },
	{ "script content dropped", "<SCRIPT>alert(1)</SCRIPT>Hi", "Hi" },
	{ "inline tags joined", "Your <b>message</b> was <i>not</i> delivered",
	  "Your message was not delivered" },
	{ "unclosed tag at the end", "text <a href=", "text " },
	{ "table cells a word apart",
	  "<tr><td>Recipient</td><td>a@b.example</td></tr>"
	  "<tr><TH>Subject</TH> <td>x</td></tr>",
	  "Recipient a@b.example \nSubject  x \n" },
};

static void
test_decoders(void)
{
	size_t	 i, n;
	char	 out[256], *t;

	for (i = 0; i < sizeof(b64_cases) / sizeof(b64_cases[0]); i++) {
		n = base64_decode(b64_cases[i].input, strlen(b64_cases[i].input), out);
		out[n] = '\0';
		is_str(out, b64_cases[i].want, "base64_decode: %s", b64_cases[i].label);
	}
	for (i = 0; i < sizeof(qp_cases) / sizeof(qp_cases[0]); i++) {
		n = qp_decode(qp_cases[i].input, strlen(qp_cases[i].input), out);
		out[n] = '\0';
		is_str(out, qp_cases[i].want, "qp_decode: %s", qp_cases[i].label);
	}
	for (i = 0; i < sizeof(html_cases) / sizeof(html_cases[0]); i++) {
		t = html_to_text(&arena, html_cases[i].input,
		    strlen(html_cases[i].input), &n);
		is_str(t, html_cases[i].want, "html_to_text: %s", html_cases[i].label);
	}
}

/* mime_text: transfer decoding and charset conversion together. */
static void
test_text(void)
{
	static const struct {
		const char	*label;
		const char	*input;
		const char	*want;
	} cases[] = {
		{ "base64 UTF-8",
		  "Content-Type: text/plain; charset=utf-8\n"
		  "Content-Transfer-Encoding: base64\n\nR3LDvMOfZQ==\n",
		  "Gr\xc3\xbc\xc3\x9f" "e" },
		{ "quoted-printable ISO-8859-1",
		  "Content-Type: text/plain; charset=iso-8859-1\n"
		  "Content-Transfer-Encoding: Quoted-Printable\n\nGr=FC=DFe\n",
		  "Gr\xc3\xbc\xc3\x9f" "e\n" },
		{ "a charset label past open_loose's 63 bytes (under ASan: no "
		  "overflow): read as windows-1252",
		  "Content-Type: text/plain; charset=x-cp_1251-and-more-"
		  "characters-than-the-sixty-three-bytes-open-loose-copies\n"
		  "Content-Transfer-Encoding: quoted-printable\n\n=E9\n",
		  "\xc3\xa9\n" },
		{ "ISO-2022-JP 7bit",
		  "Content-Type: text/plain; charset=ISO-2022-JP\n\n\x1b$B%F%9%H\x1b(B\n",
		  "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88\n" },
		{ "HTML base64 reduced to text",
		  "Content-Type: text/html\nContent-Transfer-Encoding: base64\n\n"
		  "PHA+VW5kZWxpdmVyYWJsZTwvcD4=\n",
		  "Undeliverable\n" },
		{ "CRLF inside base64 normalised",
		  "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
		  "YQ0KYg0K\n",
		  "a\nb\n" },
	};
	struct mime	 m;
	size_t		 i, n;
	char		*t;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse(cases[i].input, strlen(cases[i].input), &m);
		t = mime_text(&arena, &m.parts[0], &n);
		is_str(t, cases[i].want, "mime_text: %s", cases[i].label);
	}
}

/* --- DSN ----------------------------------------------------------------- */

static char *
render_dsn(const char *text, int *found_r, struct analysis *an)
{
	struct buf	 b;
	char		*r;
	int		 i;

	memset(an, 0, sizeof(*an));
	*found_r = dsn_parse(&arena, text, strlen(text), an);
	buf_init(&b, 1u << 20);
	buf_appends(&b, "");
	for (i = 0; i < an->nrecipients; i++) {
		struct recipient	*rc = &an->recipients[i];

		if (i > 0)
			buf_appends(&b, "\n");
		buf_appends(&b, rc->address);
		buf_appends(&b, "|");
		buf_appends(&b, rc->action ? rc->action : "-");
		buf_appends(&b, "|");
		buf_appends(&b, rc->status ? rc->status : "-");
		buf_appends(&b, "|");
		buf_appends(&b, rc->diagnostic ? rc->diagnostic : "-");
		buf_appends(&b, "|");
		buf_appends(&b, rc->remote_mta ? rc->remote_mta : "-");
	}
	r = arena_strdup(&arena, b.data);
	buf_free(&b);
	return r;
}

static const struct {
	const char	*label;
	const char	*input;
	const char	*want;
	const char	*reporting_mta;
} dsn_cases[] = {
	{ "RFC 3464: per-message block and one recipient",
	  "Reporting-MTA: dns; mx.remote.example\n"
	  "X-Postfix-Queue-ID: 4F1A2B3C\n"
	  "Arrival-Date: Mon, 3 Mar 2025 10:00:00 +0000\n\n"
	  "Final-Recipient: rfc822; bob@remote.example\n"
	  "Original-Recipient: rfc822;bob@remote.example\n"
	  "Action: failed\nStatus: 5.1.1\n"
	  "Remote-MTA: dns; mail.remote.example\n"
	  "Diagnostic-Code: smtp; 550 5.1.1 <bob@remote.example>: User unknown\n",
	  "bob@remote.example|failed|5.1.1|550 5.1.1 <bob@remote.example>: User unknown|mail.remote.example",
	  "mx.remote.example" },
	{ "two recipients, folded Diagnostic-Code",
	  "Reporting-MTA: dns; mx.example\n\n"
	  "Final-Recipient: rfc822; one@a.example\nAction: failed\nStatus: 5.2.2\n"
	  "Diagnostic-Code: smtp; 552-5.2.2 The email account that you tried to reach is\n"
	  "    over quota. Please direct the recipient to\n    https://support.example/\n\n"
	  "Final-Recipient: rfc822; two@b.example\nAction: delayed\nStatus: 4.4.7\n",
	  "one@a.example|failed|5.2.2|552-5.2.2 The email account that you tried to reach is    over quota. Please direct the recipient to    https://support.example/|-\n"
	  "two@b.example|delayed|4.4.7|-|-",
	  "mx.example" },
	{ "indented fields (broken MTAs)",
	  "  Reporting-MTA: dns; mx.example\n\n"
	  "  Final-Recipient: RFC822; carol@c.example\n"
	  "  Action: Failed\n  Status: 5.0.0 (permanent failure)\n",
	  "carol@c.example|failed|5.0.0|-|-",
	  "mx.example" },
	{ "Original-Recipient only",
	  "Reporting-MTA: dns; mx.example\n\nOriginal-Recipient: rfc822; dave@d.example\n"
	  "Action: failed\nStatus: 5.1.1\n",
	  "dave@d.example|failed|5.1.1|-|-",
	  "mx.example" },
	{ "X-Actual-Recipient when no Final-Recipient",
	  "Reporting-MTA: dns; mx.example\n\nX-Actual-Recipient: rfc822; erin@e.example\n"
	  "Action: failed\nStatus: 5.1.1\n",
	  "erin@e.example|failed|5.1.1|-|-",
	  "mx.example" },
	{ "same recipient twice merged",
	  "Reporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; f@f.example\n"
	  "Action: failed\n\nFinal-Recipient: rfc822; F@F.EXAMPLE\nAction: failed\n",
	  "f@f.example|failed|-|-|-",
	  "mx.example" },
	{ "a recipient block without an address is not a recipient",
	  "Reporting-MTA: dns; mx.example\n\nAction: failed\nStatus: 5.1.1\n",
	  "",
	  "mx.example" },
	{ "Status with a comment",
	  "Final-Recipient: rfc822; g@g.example\nAction: failed\nStatus: 5.7.1 (delivery not authorized)\n",
	  "g@g.example|failed|5.7.1|-|-",
	  NULL },
};

static const struct {
	const char	*input;
	const char	*want;	/* NULL: none */
} status_cases[] = {
	{ "5.1.1", "5.1.1" },
	{ "smtp; 550 5.1.1 <a@b>: User unknown", "5.1.1" },
	{ "4.4.7 (delivery time expired)", "4.4.7" },
	{ "2.0.0", "2.0.0" },
	{ "5.7.26 DMARC", "5.7.26" },
	{ "#5.1.10 SMTP; 550", "5.1.10" },
	{ "3.1.1", NULL },
	{ "connect to 192.0.2.5.1.1", NULL },
	{ "version 5.1.1.4", NULL },
	{ "see 15.1.1", NULL },
	{ "550 user unknown", NULL },
	{ "", NULL },
};

/* A server's refusal quoted in a report's text (dsn_smtp_refusal). */
static const struct {
	const char	*input;
	int		 want;
} refusal_cases[] = {
	{ "Remote host said: 550 5.1.1 <a@b>: User unknown", 1 },
	{ "452-4.2.2 The email account is over quota", 1 },
	{ "421 4.7.0 Try again later", 1 },
	{ "<mail.corp.example #5.1.1>", 1 },
	{ "<mail.corp.example #4.4.7 smtp;timeout>", 0 },
	{ "550 5.1.1", 1 },
	{ "550 4.1.1 class differs", 0 },
	{ "250 2.0.0 Ok: queued", 0 },
	{ "total 500 5.5 kg", 0 },
	{ "555-5.5 call us", 0 },
	{ "550 5.1.1.1 a version", 0 },
	{ "A550 5.1.1", 0 },
	{ "see section #5.2.1 of the contract", 0 },
	{ "55", 0 },
	{ "", 0 },
};

static void
test_dsn(void)
{
	struct analysis	 an;
	size_t		 i;
	int		 found, n;
	char		 code[16];

	for (i = 0; i < sizeof(dsn_cases) / sizeof(dsn_cases[0]); i++) {
		char	*got = render_dsn(dsn_cases[i].input, &found, &an);

		is_str(got, dsn_cases[i].want, "dsn_parse: %s", dsn_cases[i].label);
		n = *dsn_cases[i].want ? 1 : 0;
		for (const char *p = dsn_cases[i].want; *p; p++)
			n += *p == '\n';
		ok(found >= n, "dsn_parse: %s: returns at least %d (got %d)",
		    dsn_cases[i].label, n, found);
		is_str(an.reporting_mta, dsn_cases[i].reporting_mta,
		    "dsn_parse: %s: Reporting-MTA", dsn_cases[i].label);
	}
	for (i = 0; i < sizeof(status_cases) / sizeof(status_cases[0]); i++) {
		int	 r = dsn_status_code(status_cases[i].input, code);

		is_str(r ? code : NULL, status_cases[i].want,
		    "dsn_status_code(\"%s\")", status_cases[i].input);
	}
	for (i = 0; i < sizeof(refusal_cases) / sizeof(refusal_cases[0]); i++)
		is_int(dsn_smtp_refusal(refusal_cases[i].input),
		    refusal_cases[i].want, "dsn_smtp_refusal(\"%s\")",
		    refusal_cases[i].input);
}

int
main(void)
{
	arena_init(&arena, LIMIT_ARENA_BYTES);
	test_tree();
	test_dash_index();
	test_limits();
	test_decoders();
	test_text();
	test_dsn();
	arena_free(&arena);
	return done();
}
