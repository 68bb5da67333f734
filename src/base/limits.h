/*
 * limits.h - every bound on hostile input, in one place.
 *
 * Over a limit means skip, never fail: the message passes through
 * unchanged, a part too deep is not descended into, a list stops growing.
 * Each limit says why it has the value it has.
 */
/*
 * This file's name is also the C library's. With src on the include path,
 * the compiler's own <limits.h> reaches this file through #include_next,
 * so pass that on to the real one first (outside the guard: it must
 * happen on every inclusion).
 */
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Winclude-next-absolute-path"
#endif
#include_next <limits.h>
#if defined(__clang__)
#pragma clang diagnostic pop
#endif

#ifndef BS_LIMITS_H
#define BS_LIMITS_H

/* Messages larger than this are not analysed; they pass through unchanged
 * (streamed in filter mode). Real bounces are far smaller: a bounce that
 * returns a whole 25 MB attachment still has its headers in the first bytes,
 * but analysing it is not worth holding it twice in memory. */
#define LIMIT_MESSAGE_BYTES	(32u * 1024 * 1024)

/* Header fields indexed per header block (the top level and each MIME part
 * or returned original). Real messages carry < 200; spam tools pad. */
#define LIMIT_HEADER_FIELDS	1000

/* Bytes of a message's own header indexed for analysis. A header runs to
 * its first empty line, so a message without one is all header; Postfix
 * keeps 100 KB of a header (header_size_limit) and drops the rest. Past
 * this the index stops (filter mode still removes X-Backscatter-* fields
 * from the whole header: that costs no copy). */
#define LIMIT_HEADER_BYTES	(1024u * 1024)

/* Bytes of one unfolded header value kept for analysis. Longer values are
 * cut, not rejected (DKIM-Signature and References may be a few KB). */
#define LIMIT_HEADER_VALUE	16384

/* MIME nesting: a bounce is at most report -> rfc822 -> multipart -> part,
 * forwarded once more by a person; mblaze uses 64. Deeper parts are skipped. */
#define LIMIT_MIME_DEPTH	24

/* MIME parts in one message, all levels together. */
#define LIMIT_MIME_PARTS	512

/* Decoded bytes produced from one part (base64/QP/charset conversion). */
#define LIMIT_PART_DECODED	(2u * 1024 * 1024)

/* Recipients kept per bounce; a DSN can list hundreds, a verdict needs few. */
#define LIMIT_RECIPIENTS	256

/* Received lines of the original kept, in order. */
#define LIMIT_RECEIVED		64

/* DKIM d= domains of the original kept. */
#define LIMIT_DKIM_DOMAINS	16

/* Bytes of one diagnostic text kept. */
#define LIMIT_DIAGNOSTIC	1024

/* Bytes of the bounce's own text and of the original's body fed to regexes:
 * spam words are in the first few KB, and regex cost grows with input. */
#define LIMIT_REGEX_INPUT	(256u * 1024)

/* PCRE2 limits per match, at one start position: a backtracking pattern
 * on hostile input stops here. 200,000 backtracking steps is a few ms. */
#define LIMIT_REGEX_MATCH	200000
/* Backtracking depth (nested groups); real rules need a few dozen. */
#define LIMIT_REGEX_DEPTH	2000
/* Backtracking heap in KB, per match. */
#define LIMIT_REGEX_HEAP_KB	4096
/* Work of one rule on one message, all its start positions and branches
 * together, in units of about a nanosecond (a byte a match moves over;
 * each pattern item tried counts 16). PCRE2's limits above count per
 * start position: \w+\s\d over one 256 KB word stays under them and
 * costs seconds. Counted, not timed, so a text gets the same answer on
 * any machine. A shipped rule needs at most a third of it on 256 KB of
 * ordinary text, a fiftieth on the Sisimai corpus. */
#define LIMIT_REGEX_RULE_WORK	(32 * 1024 * 1024)
/* Work of all rules of one message together, counted the same way: a text
 * that drives rule after rule to its bound stops here (about 0.3 s).
 * 256 KB of ordinary text needs about a quarter of it. */
#define LIMIT_REGEX_TOTAL_WORK	(256 * 1024 * 1024)
/* Milliseconds of processor time for all matching of one message: a
 * backstop for a machine too slow for the work above; processor time,
 * so a busy machine does not change an answer. A rule stopped by any of
 * these limits is open, and counts as a hit when its score is positive
 * (backscatter-rules(5)). */
#define LIMIT_REGEX_TOTAL_MS	500

/* Rule files are small; a larger file is refused, not read. */
#define RULES_FILE_MAX		(4u * 1024 * 1024)
/* Rules in a set, all files together. */
#define RULES_MAX		5000
/* Nesting of parentheses and "!" in one meta expression. */
#define RULES_EXPR_DEPTH	32
/* Metas built on metas: levels of that. */
#define RULES_META_DEPTH	16

/* Bytes scanned for the marker line of an inline-quoted original. */
#define LIMIT_INLINE_SCAN	(1024u * 1024)

/* Length of one address kept (RFC 5321 says 254 for a path). */
#define LIMIT_ADDRESS		320

/* Bytes of the per-message arena: everything parsed from one message.
 * Several times the analysed size covers normalised copies and decodings. */
#define LIMIT_ARENA_BYTES	(160u * 1024 * 1024)

/* Bytes of the verdict's own arena (evidence, fired rules, the tests
 * list): kept apart so that a message filling the analysis arena is
 * still judged. */
#define LIMIT_VERDICT_ARENA_BYTES	(16u * 1024 * 1024)

/* Seconds before the watchdog gives up analysis and falls back safely;
 * Dovecot kills a filter at 10 s and then aborts itself. */
#define LIMIT_WATCHDOG_SECONDS	8

#endif
