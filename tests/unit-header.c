/*
 * unit-header.c - header index, unfolding, RFC 2047 words, addresses,
 * parameters and domains (src/read/header.c, address.c, rfc2047.c), and
 * where a message's header ends (message.c), as tables of { label, input,
 * want }.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/limits.h"
#include "read/address.h"
#include "read/header.h"
#include "read/message.h"
#include "read/rfc2047.h"
#include "tap.h"

static struct arena	 arena;

/* --- header_parse ------------------------------------------------------- */

/* The index rendered as "name=value|..." (values unfolded), then "#" and
 * the text where the body starts. */
static char *
render_block(const char *text)
{
	struct header_block	 hb;
	struct buf		 b;
	size_t			 body, i;
	char			*v, *r;

	body = header_parse(&arena, text, strlen(text), &hb);
	buf_init(&b, 1u << 20);
	for (i = 0; i < hb.count; i++) {
		if (i > 0)
			buf_appendc(&b, '|');
		buf_append(&b, hb.fields[i].name, hb.fields[i].name_len);
		buf_appendc(&b, '=');
		v = header_unfold(&arena, &hb.fields[i]);
		buf_appends(&b, v ? v : "(null)");
	}
	buf_appendc(&b, '#');
	buf_appends(&b, text + body);
	r = arena_strdup(&arena, b.data ? b.data : "");
	buf_free(&b);
	return r;
}

static const struct tap_case parse_cases[] = {
	{ "two fields and a body",
	  "From: a@b.example\nSubject: hi\n\nbody\n",
	  "From=a@b.example|Subject=hi#body\n" },
	{ "folded value is unfolded, tab becomes space",
	  "Subject: one\n\ttwo\n  three\nTo: x@y\n\nB",
	  "Subject=one two  three|To=x@y#B" },
	{ "no colon ends the block",
	  "From: a@b\nthis is not a field\nTo: c@d\n",
	  "From=a@b#this is not a field\nTo: c@d\n" },
	{ "space before the colon is allowed",
	  "Subject : x\n\n",
	  "Subject=x#" },
	{ "empty value",
	  "X-Empty:\nTo: a@b\n\n",
	  "X-Empty=|To=a@b#" },
	{ "no body separator, no final newline",
	  "From: a@b\nTo: c@d",
	  "From=a@b|To=c@d#" },
	{ "continuation before any field is skipped",
	  " junk\nFrom: a@b\n\nx",
	  "From=a@b#x" },
	{ "empty input",
	  "",
	  "#" },
	{ "body only",
	  "\nbody",
	  "#body" },
	{ "colon in the name position ends the block",
	  ": no name\n\n",
	  "#: no name\n\n" },
	{ "8-bit bytes kept",
	  "Subject: caf\xe9\n\n",
	  "Subject=caf\xe9#" },
};

static void
test_parse(void)
{
	size_t			 i;
	struct buf		 b;
	struct header_block	 hb;
	char			 line[64];
	int			 n;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++)
		is_str(render_block(parse_cases[i].input), parse_cases[i].want,
		    "header_parse: %s", parse_cases[i].label);

	/* exactly at the field limit: all kept, not truncated */
	buf_init(&b, 1u << 24);
	for (n = 0; n < LIMIT_HEADER_FIELDS; n++) {
		snprintf(line, sizeof(line), "X-F%d: %d\n", n, n);
		buf_appends(&b, line);
	}
	buf_appends(&b, "\nbody");
	header_parse(&arena, b.data, b.len, &hb);
	is_int((long)hb.count, LIMIT_HEADER_FIELDS,
	    "header_parse: %d fields all indexed", LIMIT_HEADER_FIELDS);
	is_int(hb.truncated, 0, "header_parse: at the limit is not truncated");
	buf_free(&b);

	/* one over: truncated, and the body is still found */
	buf_init(&b, 1u << 24);
	for (n = 0; n < LIMIT_HEADER_FIELDS + 1; n++) {
		snprintf(line, sizeof(line), "X-F%d: %d\n", n, n);
		buf_appends(&b, line);
	}
	buf_appends(&b, "\nbody");
	{
		size_t	 off = header_parse(&arena, b.data, b.len, &hb);

		is_int((long)hb.count, LIMIT_HEADER_FIELDS,
		    "header_parse: over the limit keeps %d", LIMIT_HEADER_FIELDS);
		is_int(hb.truncated, 1, "header_parse: over the limit sets truncated");
		is_str(b.data + off, "body",
		    "header_parse: body found after a truncated block");
	}
	buf_free(&b);
}

/* --- header_find / header_get ------------------------------------------- */

static void
test_get(void)
{
	static const char	 text[] =
	    "Received: from a\n\tby b\nreceived: from c\nSubject: =?UTF-8?B?R3LDvMOfZQ==?=\n"
	    "  and more\nTo:   spaced@x.example   \n\n";
	struct header_block	 hb;

	header_parse(&arena, text, strlen(text), &hb);
	is_int(header_find(&hb, "RECEIVED", 0), 0, "header_find: case-insensitive, first");
	is_int(header_find(&hb, "Received", 1), 1, "header_find: second of a name");
	is_int(header_find(&hb, "Received", 2), -1, "header_find: no third");
	is_int(header_find(&hb, "Receive", 0), -1, "header_find: prefix is not a match");
	is_str(header_get_raw(&arena, &hb, "received"), "from a by b",
	    "header_get_raw: unfolded");
	is_str(header_get_raw(&arena, &hb, "Subject"),
	    "=?UTF-8?B?R3LDvMOfZQ==?=  and more", "header_get_raw: not decoded");
	is_str(header_get(&arena, &hb, "Subject"), "Gr\xc3\xbc\xc3\x9f" "e  and more",
	    "header_get: decoded");
	is_str(header_get(&arena, &hb, "To"), "spaced@x.example", "header_get: trimmed");
	is_str(header_get(&arena, &hb, "Cc"), NULL, "header_get: absent is NULL");
}

/* Raw 8-bit header text: in the charset of the block's own text. */
static void
test_get_8bit(void)
{
	static const char	 koi8[] =
	    "Subject: Re: \xf7\xd9 \xd7\xd9\xc9\xc7\xd2\xc1\xcc\xc9\n"
	    "Content-Type: text/plain; charset=\"KOI8-R\"\n\n";
	static const char	 none[] =
	    "Subject: Gr\xfc\xdf =?UTF-8?Q?=C3=A9?=\n\n";
	static const char	 multi[] =
	    "Subject: \xfc\n"
	    "Content-Type: multipart/mixed; charset=koi8-r; boundary=x\n\n";
	static const char	 utf8[] =
	    "Subject: Gr\xc3\xbc\xc3\x9f\n"
	    "Content-Type: text/plain; charset=iso-8859-2\n\n";
	static const char	 latin2[] =
	    "Subject: Zam\xf3wienie =?UTF-8?Q?nr_4471?= p\xb3" "atno\xb6\xe6\n"
	    "Content-Type: text/plain; charset=iso-8859-2\n\n";
	struct header_block	 hb;

	header_parse(&arena, koi8, strlen(koi8), &hb);
	is_str(header_get(&arena, &hb, "Subject"),
	    "Re: \xd0\x92\xd1\x8b \xd0\xb2\xd1\x8b\xd0\xb8\xd0\xb3"
	    "\xd1\x80\xd0\xb0\xd0\xbb\xd0\xb8",
	    "header_get: raw KOI8-R in the text's own charset");
	header_parse(&arena, none, strlen(none), &hb);
	is_str(header_get(&arena, &hb, "Subject"),
	    "Gr\xc3\xbc\xc3\x9f \xc3\xa9",
	    "header_get: raw 8-bit without a charset is Latin-1, words decoded");
	header_parse(&arena, multi, strlen(multi), &hb);
	is_str(header_get(&arena, &hb, "Subject"), "\xc3\xbc",
	    "header_get: a multipart's charset parameter is not the text's");
	header_parse(&arena, utf8, strlen(utf8), &hb);
	is_str(header_get(&arena, &hb, "Subject"), "Gr\xc3\xbc\xc3\x9f",
	    "header_get: raw UTF-8 stays as written whatever the label");
	header_parse(&arena, latin2, strlen(latin2), &hb);
	is_str(header_get(&arena, &hb, "Subject"),
	    "Zam\xc3\xb3wienie nr 4471 p\xc5\x82" "atno\xc5\x9b\xc4\x87",
	    "header_get: raw ISO-8859-2 beside an encoded word");
}

/* --- a message's own header: where it ends ------------------------------- */

/* The message's header index rendered as "name=value|...", then "#" and
 * the raw bytes of its body. */
static char *
render_message(const char *raw)
{
	struct message	 m;
	struct buf	 b;
	size_t		 i;
	char		*v, *r;

	memset(&m, 0, sizeof(m));
	m.raw.data = (char *)raw;
	m.raw.len = m.raw.max = strlen(raw);
	if (message_parse_header(&m, &arena) == -1)
		return NULL;
	buf_init(&b, 1u << 20);
	for (i = 0; i < m.hdr.count; i++) {
		if (i > 0)
			buf_appendc(&b, '|');
		buf_append(&b, m.hdr.fields[i].name, m.hdr.fields[i].name_len);
		buf_appendc(&b, '=');
		v = header_unfold(&arena, &m.hdr.fields[i]);
		buf_appends(&b, v ? v : "(null)");
	}
	buf_appendc(&b, '#');
	buf_append(&b, raw + m.header_end, m.raw.len - m.header_end);
	r = arena_strdup(&arena, b.data ? b.data : "");
	buf_free(&b);
	return r;
}

static const struct tap_case message_cases[] = {
	{ "a field name with an 8-bit byte ends nothing; a field after it is indexed",
	  "From: a@b\nX-Foo\xe9: x\nX-Backscatter-Status: Yes\n\nbody\n",
	  "From=a@b|X-Backscatter-Status=Yes#body\n" },
	{ "a line without a colon ends nothing",
	  "From: a@b\nthis is not a field\nTo: c@d\n\nB",
	  "From=a@b|To=c@d#B" },
	{ "an empty name ends nothing",
	  "From: a@b\n: no name\nTo: c@d\n\nB",
	  "From=a@b|To=c@d#B" },
	{ "the first line no field: the fields after it are indexed",
	  "\xff\xfe: x\nFrom: a@b\n\nB",
	  "From=a@b#B" },
	{ "a continuation of a line that is no field is not the field above's",
	  "Subject: s\nX-\xff: x\n\tmore\nTo: t\n\nB",
	  "Subject=s|To=t#B" },
	{ "no empty line: the header runs to the end, the body is empty",
	  "From: a@b\nthis line is no field\nmore\n",
	  "From=a@b#" },
	{ "LF message: a CRLF line ends nothing (procmail reads on to LF LF)",
	  "From: a@b\n\r\nX-B: y\n\nB",
	  "From=a@b|X-B=y#B" },
	{ "LF message: a lone CR line ends nothing",
	  "From: a@b\n\rX-B: y\n\nB",
	  "From=a@b|X-B=y#B" },
	{ "LF message: text after a bare CR is a line that is no field",
	  "Subject: a\rtext\nTo: t\n\nB",
	  "Subject=a|To=t#B" },
	{ "CRLF message: the empty CRLF line ends it",
	  "From: a@b\r\nTo: c@d\r\n\r\nB\r\n",
	  "From=a@b|To=c@d#B\r\n" },
	{ "CRLF message: a lone LF ends it too",
	  "From: a@b\r\n\nX-B: y\r\n",
	  "From=a@b#X-B: y\r\n" },
	{ "CR message: the empty CR line ends it",
	  "From: a@b\rTo: c@d\r\rB\r",
	  "From=a@b|To=c@d#B\r" },
	{ "after a From_ line",
	  "From x@y.example Mon Mar  3 10:15:02 2025\nFrom: a@b\nno field\n\nB",
	  "From=a@b#B" },
	{ "an empty line first: no header",
	  "\nFrom: a@b\n",
	  "#From: a@b\n" },
};

/* A header of n bytes (before its empty line): 2 KiB fields, the last
 * one X-Last, then the empty line and "body". */
static void
long_header(struct message *m, struct buf *b, size_t n)
{
	char	 line[2048 + 1];
	int	 k = 0;

	buf_init(b, 1u << 24);
	while (b->len + 2048 < n) {
		/* "X-F000000: " and 2036 bytes of value: 2048 with the LF */
		snprintf(line, sizeof(line), "X-F%06d: %02036d\n", k++, 0);
		buf_append(b, line, 2048);
	}
	buf_appends(b, "X-Last: ");
	while (b->len < n - 1)
		buf_appendc(b, 'w');
	buf_appends(b, "\n\nbody");
	memset(m, 0, sizeof(*m));
	m->raw = *b;
	message_parse_header(m, &arena);
}

static void
test_message(void)
{
	struct message	 m;
	struct buf	 b;
	size_t		 i;

	for (i = 0; i < sizeof(message_cases) / sizeof(message_cases[0]); i++)
		is_str(render_message(message_cases[i].input),
		    message_cases[i].want, "message_parse_header: %s",
		    message_cases[i].label);

	/* LIMIT_HEADER_BYTES of header: all indexed */
	long_header(&m, &b, LIMIT_HEADER_BYTES);
	is_int(m.header_blank, LIMIT_HEADER_BYTES,
	    "a header of LIMIT_HEADER_BYTES: its empty line found");
	ok(header_find(&m.hdr, "X-Last", 0) != -1 && !m.hdr.truncated,
	    "a header of LIMIT_HEADER_BYTES: every field indexed");
	buf_free(&b);
	/* a byte more: the index stops at the last whole line within it */
	long_header(&m, &b, LIMIT_HEADER_BYTES + 1);
	ok(header_find(&m.hdr, "X-Last", 0) == -1 && m.hdr.truncated &&
	    m.hdr.count > 0, "a byte over LIMIT_HEADER_BYTES: the index stops "
	    "before the line past it, truncated");
	is_str(m.raw.data + m.header_end, "body",
	    "a byte over LIMIT_HEADER_BYTES: the body is where it was");
	buf_free(&b);
}

/* --- RFC 2047 ------------------------------------------------------------ */

static const struct tap_case rfc2047_cases[] = {
	{ "plain text unchanged", "Undelivered Mail", "Undelivered Mail" },
	{ "B, UTF-8", "=?UTF-8?B?R3LDvMOfZQ==?=", "Gr\xc3\xbc\xc3\x9f" "e" },
	{ "Q, UTF-8, underscore is space",
	  "=?utf-8?q?Mail_delivery_failed=3A_returning?=",
	  "Mail delivery failed: returning" },
	{ "Q, ISO-8859-1", "=?ISO-8859-1?Q?Unzustellbar:_R=FCcksendung?=",
	  "Unzustellbar: R\xc3\xbc" "cksendung" },
	{ "B, ISO-2022-JP", "=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=",
	  "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88" },
	{ "B, Shift_JIS", "=?Shift_JIS?B?g2WDWINn?=",
	  "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88" },
	{ "adjacent words joined",
	  "=?UTF-8?Q?Returned?= =?UTF-8?Q?_mail?=", "Returned mail" },
	{ "adjacent words across a fold (tab) joined",
	  "=?UTF-8?B?R3LDvA==?=\t=?UTF-8?B?w59l?=", "Gr\xc3\xbc\xc3\x9f" "e" },
	{ "text between words kept",
	  "=?UTF-8?Q?a?= and =?UTF-8?Q?b?=", "a and b" },
	{ "text before and after kept",
	  "Re: =?UTF-8?Q?caf=C3=A9?= today", "Re: caf\xc3\xa9 today" },
	{ "lower-case encoding letter", "=?utf-8?b?aGk=?=", "hi" },
	{ "RFC 2231 language suffix", "=?UTF-8*en?Q?hello?=", "hello" },
	{ "malformed: unknown encoding kept", "=?UTF-8?X?abc?=", "=?UTF-8?X?abc?=" },
	{ "malformed: never closed kept", "=?UTF-8?B?abc", "=?UTF-8?B?abc" },
	{ "malformed: no encoding kept", "=?UTF-8?", "=?UTF-8?" },
	{ "lone =? kept", "a =? b", "a =? b" },
	{ "invalid UTF-8 in a UTF-8 word: read as Latin-1",
	  "=?UTF-8?Q?caf=E9?=", "caf\xc3\xa9" },
	{ "unknown charset, valid UTF-8 kept",
	  "=?x-unknown?Q?caf=C3=A9?=", "caf\xc3\xa9" },
	{ "decoded line break flattened", "=?UTF-8?Q?a=0Ab?=", "a b" },
	/* labels iconv does not know as written, and subsets read as their
	 * supersets (charset.c labels[]) */
	{ "Java's EUCGB2312_CN label read as GB18030",
	  "=?eucgb2312_cn?b?z7XNs83L0MU=?=",
	  "\xe7\xb3\xbb\xe7\xbb\x9f\xe9\x80\x80\xe4\xbf\xa1" },
	{ "GB2312 label holding a GBK-only character (U+4E02)",
	  "=?gb2312?b?gUA=?=", "\xe4\xb8\x82" },
	{ "Outlook's ks_c_5601-1987 label", "=?ks_c_5601-1987?B?x9GxuQ==?=",
	  "\xed\x95\x9c\xea\xb5\xad" },
	{ "x-sjis label, an NEC character only CP932 has (U+2460)",
	  "=?x-sjis?B?h0A=?=", "\xe2\x91\xa0" },
	{ "x- prefix and _ for - dropped when iconv knows the rest",
	  "=?x-iso8859_5?B?vw==?=", "\xd0\x9f" },
	{ "cp-850 written with a dash", "=?cp-850?Q?=81?=", "\xc3\xbc" },
	{ "Latin-1 label: 0x80-0x9f read as windows-1252",
	  "=?iso-8859-1?Q?=93quoted=94_=80?=",
	  "\xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x82\xac" },
	{ "windows-1252 label without iconv: an unassigned byte kept",
	  "=?windows-1252?Q?a=81?=", "a\xc2\x81" },
	{ "unknown label: windows-1252 too", "=?x-nonesuch?Q?=96?=",
	  "\xe2\x80\x93" },
	{ "UTF-7, valid UTF-8 as written, still converted",
	  "=?utf7?Q?Hi_+AOk-?=", "Hi \xc3\xa9" },
	{ "a label of nothing but x-: windows-1252", "=?x-?Q?=E9?=",
	  "\xc3\xa9" },
	{ "cp_1251 written with an underscore", "=?cp_1251?Q?=CF?=",
	  "\xd0\x9f" },
};

static void
test_rfc2047(void)
{
	size_t	 i;

	for (i = 0; i < sizeof(rfc2047_cases) / sizeof(rfc2047_cases[0]); i++)
		is_str(rfc2047_decode(&arena, rfc2047_cases[i].input),
		    rfc2047_cases[i].want, "rfc2047_decode: %s",
		    rfc2047_cases[i].label);
}

/* --- addresses ----------------------------------------------------------- */

static const struct {
	const char	*label;
	const char	*input;
	const char	*want;	/* addresses joined by "," */
} address_cases[] = {
	{ "bare", "user@example.com", "user@example.com" },
	{ "angle brackets", "Mail Delivery System <MAILER-DAEMON@mx.example.org>",
	  "MAILER-DAEMON@mx.example.org" },
	{ "domain lower-cased, local part kept", "<John.Doe@EXAMPLE.COM>",
	  "John.Doe@example.com" },
	{ "comment after", "user@example.com (User Name)", "user@example.com" },
	{ "comment holding an address is skipped",
	  "user@example.com (was: old@example.net)", "user@example.com" },
	{ "address only in a comment is found", "(alice@example.net)",
	  "alice@example.net" },
	{ "rfc822; prefix", "rfc822; bob@remote.example", "bob@remote.example" },
	{ "RFC822; prefix, angle brackets", "RFC822; <bob@remote.example>",
	  "bob@remote.example" },
	{ "rfc822; glued", "rfc822;bob@remote.example", "bob@remote.example" },
	{ "quoted local part", "\"john doe\"@example.com", "\"john doe\"@example.com" },
	{ "quoted local part in brackets", "Someone <\"a.b\"@example.com>",
	  "\"a.b\"@example.com" },
	{ "encoded display name", "=?UTF-8?B?R3LDvMOfZQ==?= <gruss@example.de>",
	  "gruss@example.de" },
	{ "multiple addresses", "a@one.example, B <b@two.example>,c@three.example",
	  "a@one.example,b@two.example,c@three.example" },
	{ "duplicates merged", "a@x.example, <A@X.EXAMPLE>", "a@x.example" },
	{ "domain literal", "postmaster@[192.0.2.1]", "postmaster@[192.0.2.1]" },
	{ "trailing dot dropped", "user@example.com.", "user@example.com" },
	{ "no address", "undisclosed-recipients:;", "" },
	{ "@ alone", "@", "" },
	{ "display name holding an address: the angle address wins",
	  "\"alice@northwind.example\" <bot@spam.example>", "bot@spam.example" },
	{ "utf-8 type, UTF-8 local part and IDN domain (SMTPUTF8)",
	  "utf-8; j\xc3\xbc" "rgen.wei\xc3\x9f@b\xc3\xbc" "cherstube.example",
	  "j\xc3\xbc" "rgen.wei\xc3\x9f@b\xc3\xbc" "cherstube.example" },
	{ "Cyrillic IDN domain", "<info@\xd0\xbf\xd0\xbe\xd1\x87\xd1\x82\xd0\xb0.example>",
	  "info@\xd0\xbf\xd0\xbe\xd1\x87\xd1\x82\xd0\xb0.example" },
	{ "CJK prose runs into the domain: not taken",
	  "a@b.example\xe5\xae\x9b", "a@b.example" },
	{ "Exim's octal escapes of UTF-8 bytes",
	  "jos\\303\\251@b\\303\\274cher.example",
	  "jos\xc3\xa9@b\xc3\xbc" "cher.example" },
	{ "an octal escape below 0200 is not a UTF-8 byte",
	  "C:\\101\\x.txt for a\\101b@example.com", "101b@example.com" },
};

static void
test_addresses(void)
{
	size_t		 i;
	int		 n, k;
	char		*out[8];
	struct buf	 b;

	for (i = 0; i < sizeof(address_cases) / sizeof(address_cases[0]); i++) {
		n = address_parse(&arena, address_cases[i].input, out, 8);
		buf_init(&b, 4096);
		buf_appends(&b, "");
		for (k = 0; k < n; k++) {
			if (k > 0)
				buf_appendc(&b, ',');
			buf_appends(&b, out[k]);
		}
		is_str(b.data ? b.data : "", address_cases[i].want,
		    "address_parse: %s", address_cases[i].label);
		buf_free(&b);
	}
	n = address_parse(&arena, "a@x.example, b@x.example, c@x.example", out, 2);
	is_int(n, 2, "address_parse: stops at max");
	is_int(address_parse(&arena, NULL, out, 2), 0, "address_parse: NULL value");
	is_str(address_first(&arena, "Bob <bob@b.example>, carol@c.example"),
	    "bob@b.example", "address_first: first of several");
	is_str(address_first(&arena, "\"PayPal service@paypal.example\" "
	    "<bot@spam.example>"), "bot@spam.example",
	    "address_first: the angle address, not the display name's");
	is_str(address_first(&arena, "nobody"), NULL, "address_first: none is NULL");
	is_str(address_domain("a@b.example"), "b.example", "address_domain");
	is_str(address_domain("nodomain"), NULL, "address_domain: no @");
}

/* --- From_ lines ----------------------------------------------------------- */

/* An mbox From_ line is "From ", the sender and a date (as mutt's and
 * mblaze's readers decide); a header field is never one. want "1" or "0". */
static const struct tap_case from_line_cases[] = {
	{ "ctime date", "From alice@example.org Mon Jan  1 00:00:00 2024\n", "1" },
	{ "MAILER-DAEMON, two spaces", "From MAILER-DAEMON  Thu Apr 29 23:34:45 2015", "1" },
	{ "null sender", "From <> Sat Dec  6 13:46:11 2014\r\nTo: x\r\n", "1" },
	{ "no sender, only a date", "From  Mon Jan  1 00:00:00 2024\n", "1" },
	{ "time zone before the year", "From a@b Wed Aug  2 00:39:12 MET DST 1995\n", "1" },
	{ "RFC 5322 date", "From a@b Mon 1 Jan 2015 00:00:00 +0900\n", "1" },
	{ "ISO 8601 date", "From a@b 2020-03-03 07:50:45 +0000\n", "1" },
	{ "short minutes", "From a@b Fri Jan 1 00:0:00 2015\n", "1" },
	{ "quoted sender with a space", "From \"a b\"@c.example Mon Jan  1 00:00:00 2024\n", "1" },
	{ "bare CR ends the line", "From a@b Mon Jan  1 00:00:00 2024\rSubject: x\r", "1" },
	{ "obsolete From field, WSP before the colon", "From : alice@example.org\n", "0" },
	{ "obsolete From field, tab before the colon", "From\t: alice@example.org\n", "0" },
	{ "obsolete From field, spaces, no line end", "From   :alice@example.org", "0" },
	{ "From field", "From: alice@example.org\n", "0" },
	{ "sender and no date", "From alice@example.org\n", "0" },
	{ "a date on the next line is not this line's",
	  "From alice@example.org\nDate: Mon Jan  1 00:00:00 2024\n", "0" },
	{ "prose that starts with From", "From the desk of the CEO: 10:30 in 2024\n", "0" },
	{ "a year and a time but no month", "From a@b 12:00:00 2024\n", "0" },
	{ "only \"From \"", "From ", "0" },
	{ "empty", "", "0" },
};

static void
test_from_line(void)
{
	struct message	 m;
	struct arena	 a;
	size_t		 i;
	char		*v;

	for (i = 0; i < sizeof(from_line_cases) / sizeof(from_line_cases[0]);
	    i++)
		is_int(message_from_line(from_line_cases[i].input,
		    strlen(from_line_cases[i].input)),
		    from_line_cases[i].want[0] - '0', "message_from_line: %s",
		    from_line_cases[i].label);
	/* what the header parse makes of them */
	arena_init(&a, LIMIT_ARENA_BYTES);
	memset(&m, 0, sizeof(m));
	buf_init(&m.raw, 4096);
	buf_appends(&m.raw, "From : alice@example.org\nSubject: hi\n\nbody\n");
	message_parse_header(&m, &a);
	is_int((int)m.from_len, 0, "\"From :\" first: no From_ line");
	is_str(m.from_line, NULL, "... from_line NULL");
	v = header_get(&a, &m.hdr, "From");
	is_str(v, "alice@example.org", "... the From field is indexed");
	message_free(&m);
	memset(&m, 0, sizeof(m));
	buf_init(&m.raw, 4096);
	buf_appends(&m.raw, "From a@b Mon Jan  1 00:00:00 2024");
	message_parse_header(&m, &a);
	is_int((int)m.from_len, (int)m.raw.len,
	    "a From_ line without a line end is the From_ line");
	is_int((int)m.hdr.count, 0, "... and no header follows it");
	message_free(&m);
	arena_free(&a);
}

/* --- parameters and domains ---------------------------------------------- */

static const struct {
	const char	*label;
	const char	*value;
	const char	*param;
	const char	*want;
} param_cases[] = {
	{ "quoted boundary", "multipart/report; report-type=delivery-status;  boundary=\"B1/x.example\"",
	  "boundary", "B1/x.example" },
	{ "unquoted charset", "text/plain; charset=us-ascii", "charset", "us-ascii" },
	{ "case-insensitive name", "text/plain; CHARSET=UTF-8", "charset", "UTF-8" },
	{ "spaces around =", "text/plain; charset = iso-8859-1 ; format=flowed",
	  "charset", "iso-8859-1" },
	{ "semicolon inside quotes", "multipart/mixed; boundary=\"a;b\"; x=y",
	  "boundary", "a;b" },
	{ "parameter named like a prefix is not taken",
	  "text/plain; charsetx=bad; charset=good", "charset", "good" },
	{ "absent", "text/plain", "charset", NULL },
	{ "RFC 2231 charset form taken as is", "text/plain; charset*=utf-8''x",
	  "charset", "utf-8''x" },
};

static const struct {
	const char	*domain;
	const char	*parent;
	int		 want;
} within_cases[] = {
	{ "northwind.example", "northwind.example", 1 },
	{ "mail.northwind.example", "northwind.example", 1 },
	{ "MAIL.Northwind.Example", "northwind.EXAMPLE", 1 },
	{ "evilnorthwind.example", "northwind.example", 0 },
	{ "northwind.example.evil", "northwind.example", 0 },
	{ "example", "northwind.example", 0 },
	{ "northwind.example", "", 0 },
	{ NULL, "northwind.example", 0 },
};

static void
test_param_domain(void)
{
	size_t	 i;

	for (i = 0; i < sizeof(param_cases) / sizeof(param_cases[0]); i++)
		is_str(header_param(&arena, param_cases[i].value,
		    param_cases[i].param), param_cases[i].want,
		    "header_param: %s", param_cases[i].label);
	for (i = 0; i < sizeof(within_cases) / sizeof(within_cases[0]); i++)
		is_int(domain_within(within_cases[i].domain,
		    within_cases[i].parent), within_cases[i].want,
		    "domain_within(%s, %s)", within_cases[i].domain ?
		    within_cases[i].domain : "NULL", within_cases[i].parent);
}

int
main(void)
{
	arena_init(&arena, LIMIT_ARENA_BYTES);
	test_parse();
	test_get();
	test_get_8bit();
	test_message();
	test_from_line();
	test_rfc2047();
	test_addresses();
	test_param_domain();
	arena_free(&arena);
	return done();
}
