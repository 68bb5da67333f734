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
/* Pipes of its own a plain message read from a pipe is held in past its
 * first 64 KiB (read/message.c; a report is read into memory), 1 MiB each
 * where the system allows: a message at the limit fills 33 when the host
 * wrote whole pages; one whose pages are not full, or a system that keeps
 * pipes at 64 KiB, goes the memory file's way past this many (each an
 * open descriptor). */
#define LIMIT_HOLD_PIPES	64

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

/* Length of a separator line ("--- Below this line is a copy of the
 * message."), its words without the rules around them: a longer line is
 * prose, not a separator. */
#define LIMIT_SEPARATOR_LINE	100

/* Bytes between quotation marks read as quoted speech in a person's letter
 * (what an answer said, told in a letter about it): a longer span is the
 * letter's own words, a mark left open. */
#define LIMIT_QUOTED_SPEECH	300

/* Lines a report's help sentence ("please send mail ... to the address")
 * is read for, when no line ends it: an address in them is whom to ask,
 * not a failed recipient. */
#define LIMIT_HELP_LINES	8

/* Envelope senders a report's transcript names ("MAIL FROM:<...>") that
 * are kept to be told from failed recipients: a later one named again
 * ("250 <...>... Sender ok") may be taken for one. */
#define LIMIT_TRANSCRIPT_SENDERS	8

/* Addresses of a returned original's addressee fields (X-Original-To,
 * Delivered-To, Envelope-To, To, Cc, in that order) and of its Received
 * lines' "for <...>" compared with a mailbox a report names inside the
 * server, to find the address the sender wrote: later ones are not. */
#define LIMIT_ORIGINAL_ADDRESSEES	40

/* Bytes of one line of a report's prose searched for the words that name
 * a failed recipient, help text or an alias: the rest of a longer line is
 * not searched for them. */
#define LIMIT_REPORT_LINE	2048

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

/* --- the files a user gives: configuration, rules, Sieve scripts -------- */

/* Longest configuration line; longer lines are an error. */
#define CONFIG_LINE_MAX		4096
/* A configuration file (or the milter's) larger than this is refused
 * whole, before a line of it is read: 4096 list entries on lines of their
 * own take a tenth of it, and a runaway file would take the run's time
 * before its watchdog starts. */
#define CONFIG_FILE_MAX		(1u * 1024 * 1024)
/* Words in one configuration line: a directive and its values. */
#define CONFIG_WORDS_MAX	64
/* Entries per list (my_domain, my_relay, ...): far more than anyone
 * configures, small enough that a runaway generated file cannot make
 * matching slow. */
#define CONFIG_LIST_MAX		4096
/* --rules given again adds a path: more than this many is a usage error
 * (a runaway generated command line, not a rule set). */
#define OPTIONS_RULES_MAX	32
/* Longest BATV secret read from a batv_key file. */
#define CONFIG_SECRET_MAX	1024
/* Longest DKIM public key record read from a my_dkim_key file (a 4096-bit
 * RSA key is about 800 bytes of base64). */
#define CONFIG_DKIM_KEY_MAX	8192

/* One rule-file line, and one meta expression's tokens. */
#define RULES_LINE_MAX		8192
#define RULES_EXPR_OPS		512
/* Distinct header texts one message's rules ask for. */
#define RULES_SLOTS_MAX		1024
/* Patterns longer than this are refused at compile time. */
#define RULES_PATTERN_MAX	8192
/* replace_tag (SpamAssassin's ReplaceTags), per rule file: tags, rules
 * named by replace_rules, tags within tags, the brackets' length
 * (replace_start, replace_end), and a definition's length once its tags
 * are replaced. */
#define RULES_TAGS_MAX		256
#define RULES_TAG_RULES_MAX	1024
#define RULES_TAG_DEPTH		8
#define RULES_TAG_BRACKET_MAX	15
#define RULES_EXPANDED_MAX	(32u * 1024)

/* A Sieve script larger than this is refused (and the message kept). */
#define SIEVE_SCRIPT_MAX	(1024u * 1024)
/* Redirects acted on per message; more are refused (kept instead). */
#define SIEVE_REDIRECTS_MAX	4
/* Seconds a user's Sieve script may run on one message (libsieve's
 * :matches backtracks without bound: five wildcards over a 16 KB header
 * ran for minutes): past it the script's run is stopped, said, and the
 * message kept in the INBOX. */
#define SIEVE_TIME_LIMIT	10

/* --- delivery ------------------------------------------------------------ */

/* Longest path built; longer ones are refused, never cut. */
#define DELIVER_PATH_MAX	4096
/* Seconds a delivery may take once the message is analysed (lock waits
 * included); past it, everything is taken back and 75 returned, well
 * before Postfix's command_time_limit (1000 s) would bounce. */
#define DELIVER_TIME_LIMIT	300
/* Copies of one message (one per distinct folder). */
#define DELIVER_COPIES_MAX	32
/* Seconds to wait for either mbox lock before giving up (75: the MTA
 * retries). */
#define DELIVER_LOCK_WAIT	60
/* A dotlock older than this, in seconds, is left over from a crash
 * (liblockfile: 5 min). */
#define DELIVER_LOCK_STALE	300
/* A dotlock is empty or holds a process id (Dovecot: "pid:hostname"); a
 * larger file, or one starting with a From_ line, is something else (a
 * folder filed under that name by another program) and never taken for a
 * stale lock. */
#define DELIVER_LOCK_FILE_MAX	512
/* Tries at a fresh Maildir name when one is taken in tmp/. */
#define DELIVER_UNIQUE_TRIES	100

/* --- the sent ledger and its spool --------------------------------------- */

/* Address space reserved for the ledger file; it grows only as written.
 * 1 GiB is tens of millions of entries. */
#define LEDGER_MAP_SIZE		(1024u * 1024 * 1024)
/* A Message-ID longer than this is not one we wrote (RFC 5322's line). */
#define LEDGER_ID_MAX		998
/* Bytes of one To, Cc or Bcc field of a Sent message read for its
 * addresses. */
#define LEDGER_FIELD_MAX	(16u * 1024)
/* Bytes of a Sent message read to find its Message-ID. */
#define LEDGER_HEAD_MAX		(64u * 1024)
/* Message-IDs looked up per message (In-Reply-To and References). */
#define LEDGER_LOOKUPS_MAX	50
/* Spool files merged per transaction, and rounds of merging per writer
 * (entries spooled while a round runs are taken by the next). */
#define LEDGER_MERGE_FILES	2000
#define LEDGER_MERGE_ROUNDS	8
/* Seconds --record-sent gives the merge of the spool into the ledger
 * before it leaves (its entry is in the spool already). */
#define LEDGER_LOCK_SECONDS	2
/* Entries a reader takes from the spool (it is merged by the next writer;
 * it holds more only when the ledger cannot be written for long). */
#define SPOOL_READ_MAX		8192
/* Bytes of one spool entry file read; ours hold a few lines. */
#define SPOOL_FILE_MAX		(64u * 1024)
/* Tries at a fresh spool name when one is taken in tmp/. */
#define SPOOL_UNIQUE_TRIES	100
/* Seconds after which a spool temp file was left by a writer that died. */
#define SPOOL_TMP_STALE		(36 * 3600)

/* --- evidence from one message ------------------------------------------- */

/* Organisations that make up the bouncing side of a handoff. */
#define HANDOFF_SIDE_MAX	4
/* Message-IDs looked at in In-Reply-To and References together. */
#define CLAIMS_REFS_MAX		100
/* Addresses looked at for a BATV tag per message, all sources together. */
#define BATV_CANDIDATES_MAX	64

/* A Redis sent ledger's URL: longest host name or socket path. */
#define REDIS_URL_MAX		1024
/* A Redis sent ledger: the longest wait for an answer (and for its host
 * name's lookup, which the resolver alone would let take seconds); after
 * a failure, how long it counts as down before it is tried again; and
 * how often a failure is logged at most. */
#define LEDGER_REDIS_TIMEOUT_MS		50
#define LEDGER_REDIS_RETRY_SECONDS	1
/* A process that lives on (backscatter-milter, --scan) opens a ledger file
 * found missing or unusable again after this many seconds: a first
 * --record-sent, or a ledger mended, is then used without a restart. */
#define LEDGER_REOPEN_SECONDS		10
#define LEDGER_REDIS_LOG_SECONDS	60
/* Spool batches (SPOOL_READ_MAX entries each) one replay of a Redis
 * ledger's local spool writes; the rest waits for the next. */
#define LEDGER_REDIS_REPLAY_BATCHES	16
/* backscatter-milter: X-Backscatter-* field names told apart in one
 * message (to remove the ones that came with it); more are left in place. */
#define MILTER_FIELDS_MAX	16
/* backscatter-milter: how often what a Redis ledger could not take is
 * written into it again (ledger_redis_replay), when there is any. */
#define MILTER_REPLAY_SECONDS	5
/* Stars on the X-Backscatter-Level line (one per whole point): a score
 * of proof (100 and more) is past what a filter counts. */
#define LEVEL_STARS_MAX		100
/* Bytes of rule names on the X-Backscatter-Status field's tests= line:
 * past them "..." (--json lists every one). A thousand user rules
 * firing made a header past the 64 KiB our fields are built in, and
 * the message went out untagged, with a forged field left in it. */
#define HEADER_TESTS_MAX	8192
/* backscatter-milter: [domain] sections in its configuration; more is a
 * configuration error. */
#define SETTINGS_SECTIONS_MAX	256
/* backscatter-milter: {daemon_name} values and ports that mean "outgoing
 * mail"; more is a configuration error. */
#define SETTINGS_RECORD_MAX	16
/* Milliseconds backscatter-milter waits for one message's judgement
 * (and the most milter_judge_timeout may say): past it the message is
 * accepted, as on any internal trouble, and the judging, abandoned, ends
 * by the bounds above in its own time. An SMTP client waits for the
 * answer to its DATA; ordinary judging takes milliseconds. */
#define LIMIT_MILTER_JUDGE_MS	2000
/* Abandoned judgings still running, at most: past it a message is
 * accepted unjudged, so that a flood of slow messages cannot pile up
 * threads. */
#define MILTER_ABANDONED_MAX	16
/* backscatter-milter: MiB of messages held at once, in all sessions and
 * judgings, unless milter_memory says otherwise (at most
 * MILTER_MEMORY_MAX): a message that would go past it is accepted
 * unjudged, so that many large messages at once cannot take the host's
 * memory. Each may hold up to LIMIT_MESSAGE_BYTES. */
#define MILTER_MEMORY		(512u * 1024 * 1024)
#define MILTER_MEMORY_MAX	(65536ull * 1024 * 1024)

/* --record-sent: recipients recorded with one sent message (the ledger
 * keeps as many). */
#define SENT_RECIPIENTS_MAX	100

/* Our DKIM signature: signed header fields read for the signed To and
 * Cc, and the bytes kept of each (the rest of a field is not read). */
#define SIGNED_HDRS_MAX		64
#define SIGNED_HDR_LEN		2048

/* The sent ledger's recipients: kept per sent message (more is a
 * mailing, where no one recipient's proof matters), asked about per
 * lookup (those of one bounce or reply), and the responders kept per
 * message (a bounce naming more speaks of a list). */
#define SPOOL_RCPT_MAX		100
#define LEDGER_ASK_MAX		16
#define RESPONDERS_MAX		16
/* Addresses read from our DKIM signature's signed To and Cc fields. */
#define DKIM_SIGNED_RCPT_MAX	64
/* A user rules cache larger than this is not ours to read (RULES_MAX
 * patterns of RULES_PATTERN_MAX bytes compile to far less). */
#define CACHE_MAX		(64u * 1024 * 1024)
/* The whole compiled rule set is not cached while a rule file or folder
 * changed less than this many seconds ago: a change in the same clock
 * tick as the one before would leave its times as they were. */
#define RULES_SNAPSHOT_SETTLE	2

/* --- the command line ---------------------------------------------------- */

/* Room for an --explain or --json report: far more than the longest
 * analysis prints. */
#define REPORT_MAX		(64u * 1024 * 1024)
/* --scan: workers at most. */
#define SCAN_JOBS_MAX		64
/* --scan: folder depth followed below a path given. */
#define SCAN_DEPTH_MAX		16
/* --scan: messages listed at most (the list is kept in memory). A build
 * may set it lower (tests/backscatter-scanmax, for the test of the limit:
 * twenty million messages are not made in a test). */
#ifndef SCAN_ITEMS_MAX
#define SCAN_ITEMS_MAX		(20u * 1000 * 1000)
#endif
/* --scan --summary: distinct kind, format and reason names counted. */
#define SCAN_NAMES_MAX		256
/* --scan: what a worker has sent that is not yet a whole line, at most. */
#define SCAN_PENDING_MAX	(16u * 1024 * 1024)
/* The system's libc file read for its glibc release by a static program
 * (base/sharedlibc.c): larger is not a libc (glibc's is about 2 MB). */
#define LIMIT_LIBC_FILE		(64u * 1024 * 1024)
/* Longest line of log_warn and log_warnx, and longest line sent to the
 * mail log; longer ones are cut (log_lines writes whole lines to stderr). */
#define LOG_LINE_MAX		1024

#endif
