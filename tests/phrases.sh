#!/bin/sh
# phrases.sh - the phrase table (data/phrases.tsv) and its compiler,
# tools/phrases2c.sh: every table it rejects fails the build with the
# table's own line named, the shipped table compiles, and the phrases
# moved there from C still decide what they decided (the bounce reasons,
# in their order), read by the program.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

p2c=$srcdir/tools/phrases2c.sh
inc=$srcdir/src
CC=${CC:-cc}

# p2c_run TABLE: the compiler on TABLE; its exit in $rc, its C in
# $T/out.c, its complaint in $T/err
p2c_run() {
	sh "$p2c" "$@" > "$T/out.c" 2> "$T/err"
	rc=$?
}
# table NAME LINE...: a table of the given lines, TAB-separated by "|"
table() {
	name=$1; shift
	printf '%s\n' "$@" | tr '|' '\t' > "$T/$name"
}
# compiles: the generated C is valid against src/anatomy/phrases.h
compiles() { "$CC" -std=c99 -fsyntax-only -I "$inc" -x c "$T/out.c" 2> "$T/cc.err"; }

# --- what it rejects: each path, with its message and the line ---------------

p2c_run
is "$rc:$(cat "$T/err")" "1:usage: phrases2c.sh TABLE" "phrases2c: no table: usage, exit 1"
p2c_run "$T/absent.tsv"
is "$rc:$(cat "$T/err")" "1:usage: phrases2c.sh TABLE" "phrases2c: an unreadable table: usage, exit 1"
p2c_run "$T/a" "$T/b"
is "$rc" 1 "phrases2c: two tables: exit 1"

table ok.tsv '# a comment' '' 'daemon|-|mailer-daemon'
table two-cols.tsv '# a comment' '' 'daemon|-|mailer-daemon' 'daemon|postmaster'
p2c_run "$T/two-cols.tsv"
is "$rc:$(cat "$T/err")" "1:$T/two-cols.tsv:4: want meaning, language and phrase" \
    "phrases2c: two columns: rejected, its line named"
table four-cols.tsv 'daemon|-|postmaster|extra'
p2c_run "$T/four-cols.tsv"
is "$rc:$(cat "$T/err")" "1:$T/four-cols.tsv:1: want meaning, language and phrase" \
    "phrases2c: four columns: rejected"
table spaces.tsv 'daemon - postmaster'
p2c_run "$T/spaces.tsv"
is "$rc:$(cat "$T/err")" "1:$T/spaces.tsv:1: want meaning, language and phrase" \
    "phrases2c: blanks in place of TABs: rejected"
for lang in eng EN e 1a '' '--'; do
	table lang.tsv "daemon|$lang|postmaster"
	p2c_run "$T/lang.tsv"
	is "$rc:$(cat "$T/err")" "1:$T/lang.tsv:1: want meaning, language and phrase" \
	    "phrases2c: language code '$lang': rejected"
done
for m in Daemon daemon_x 2daemon -daemon ''; do
	table meaning.tsv "$m|en|postmaster"
	p2c_run "$T/meaning.tsv"
	is "$rc:$(cat "$T/err")" "1:$T/meaning.tsv:1: want meaning, language and phrase" \
	    "phrases2c: meaning '$m': rejected"
done
table empty.tsv 'daemon|-|mailer-daemon' 'daemon|en|'
p2c_run "$T/empty.tsv"
is "$rc:$(cat "$T/err")" "1:$T/empty.tsv:2: want meaning, language and phrase" \
    "phrases2c: an empty phrase: rejected"
table upper.tsv 'daemon|-|mailer-daemon' 'failed|en|Delivery failed'
p2c_run "$T/upper.tsv"
is "$rc:$(cat "$T/err")" "1:$T/upper.tsv:2: upper case in a phrase: Delivery failed" \
    "phrases2c: an upper-case letter: rejected"
table dup.tsv 'daemon|-|postmaster' '# between' 'failed|en|postmaster' 'daemon|en|postmaster'
p2c_run "$T/dup.tsv"
is "$rc:$(cat "$T/err")" "1:$T/dup.tsv:4: phrase listed twice: postmaster" \
    "phrases2c: a phrase twice under one meaning (another language): rejected"

# A meaning the code does not know passes the script and fails the build.
table unknown.tsv 'daemon|-|postmaster' 'no-such-meaning|en|whatever'
p2c_run "$T/unknown.tsv"
is "$rc" 0 "phrases2c: an unknown meaning is written as its constant"
if compiles; then
	not_ok "phrases2c: an unknown meaning fails the build"
else
	check "phrases2c: an unknown meaning fails the build (PHRASE_NO_SUCH_MEANING)" \
	    grep -q PHRASE_NO_SUCH_MEANING "$T/cc.err"
fi

# --- what it accepts ------------------------------------------------------------

table good.tsv '# comment' '' 'failed|en|said "no" \ why?' 'daemon|-|postmaster' \
    'failed|de|unzustellbar' 'reply-prefix|zh|回复'
p2c_run "$T/good.tsv"
is "$rc:$(cat "$T/err")" "0:" "phrases2c: a good table: exit 0, nothing said"
check "phrases2c: a good table compiles" compiles
is "$(grep -c '^	{ PHRASE_' "$T/out.c")" 5 "phrases2c: four rows and the end row"
is "$(sed -n 's/^	{ \(PHRASE_[A-Z_]*\), .*/\1/p' "$T/out.c" | tr '\n' ' ')" \
    "PHRASE_DAEMON PHRASE_FAILED PHRASE_FAILED PHRASE_REPLY_PREFIX PHRASE_NONE " \
    "phrases2c: rows grouped by meaning, each meaning's in the table's order"
check "phrases2c: '\"', '\\' and '?' escaped, the length of the text itself" \
    grep -qF '{ PHRASE_FAILED, "en", 16, 11 },' "$T/out.c"
check "phrases2c: the text after the one before it (postmaster, 10 bytes and a NUL)" \
    grep -qxF '	"said \"no\" \\ why\?\0"' "$T/out.c"
check "phrases2c: UTF-8 kept, its length in bytes, its place counted in bytes" \
    grep -qF '{ PHRASE_REPLY_PREFIX, "zh", 6, 41 },' "$T/out.c"
check "phrases2c: the UTF-8 row's text" grep -qxF '	"回复\0"' "$T/out.c"
is "$(sed -n 's/^	\[PHRASE_FAILED\] = \([0-9]*\),$/\1/p' "$T/out.c" | tr '\n' ' ')" "1 3 " \
    "phrases2c: where a meaning's rows start and end"
is "$(sed -n 's/^const int phrase_count = \([0-9]*\);$/\1/p' "$T/out.c")" 4 \
    "phrases2c: phrase_count"
# A phrase with marks, of a meaning people type (subjects, letters of
# absence), stands in the table written plain too: right after it among
# its meaning's rows, once, in the phrase's language; German writes its
# umlauts ae, oe, ue; a plain form the table lists itself, or that is
# part of another phrase of its meaning, is not added; the words of a
# report's prose have none.
table plain.tsv 'absence-subject|cs|nepřítomn' 'absence-subject|de|außer büro' \
    'absence-subject|el|εκτός' 'bounce-subject|fr|échec' 'bounce-subject|fr|echec' \
    'autoreply-body|tr|ıslak ğüş' 'autoreply-body|fr|virus détecté' \
    'autoreply-body|en|virus detected' 'failed|fr|échoué' 'daemon|-|postmaster'
p2c_run "$T/plain.tsv"
is "$rc:$(cat "$T/err")" "0:" "phrases2c: phrases with marks: exit 0, nothing said"
check "phrases2c: phrases with marks: it compiles" compiles
is "$(sed -n 's/^	"\(.*\)\\0"$/\1/p' "$T/out.c" | tr '\n' '|')" \
    "nepřítomn|nepritomn|außer büro|ausser buero|εκτός|εκτοσ|ıslak ğüş|islak gus|virus détecté|virus detected|échec|echec|postmaster|échoué|" \
    "phrases2c: each with marks, its plain form after it (ß ss, ü ue in German; tonos and final sigma); none listed twice, none inside another phrase, none for prose"
is "$(grep -c '^	{ PHRASE_ABSENCE_SUBJECT, "cs", 9, ' "$T/out.c")" 1 \
    "phrases2c: the plain form keeps the phrase's language, its length its own"
p2c_run "$srcdir/data/phrases.tsv"
is "$rc:$(cat "$T/err")" "0:" "phrases2c: the shipped table: exit 0"
check "phrases2c: the shipped table compiles" compiles

# --- the program reads them ---------------------------------------------------------

# bounce REASONTEXT STATUS: the reason of a bounce with that diagnostic
bounce() {
	cat > "$T/bounce.eml" <<EOF
Return-Path: <>
From: Mail Delivery System <MAILER-DAEMON@mx.remote.example>
To: alice@northwind.example
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

Your message could not be delivered.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.remote.example

Final-Recipient: rfc822; bob@remote.example
Action: failed
Status: $2
Diagnostic-Code: smtp; $1

--b1--
EOF
	bs_json 'j["reason"]' "$T/bounce.eml" --config /dev/null
}
is "$(bounce '550 5.1.1 User unknown' 5.1.1)" userunknown \
    "reason: 'user unknown' is userunknown (reason-userunknown)"
is "$(bounce '550 5.1.1 User unknown; listed as spam source' 5.1.1)" spamdetected \
    "reason: 'spam' in a user-unknown line is spamdetected (the order of the meanings)"
is "$(bounce '552 Message size exceeds fixed limit' 5.3.4)" mesgtoobig \
    "reason: 'message size' is mesgtoobig"
is "$(bounce '554 5.7.1 Relay access denied' 5.7.1)" norelaying \
    "reason: 'relay access denied' is norelaying"
is "$(bounce '550 5.7.1 Blocked using zen.spamhaus.org' 5.7.1)" spamdetected \
    "reason: a name of no language (spamhaus) counts"
is "$(bounce '550 no words the table knows' 5.2.2)" mailboxfull \
    "reason: no phrase: the status code decides"

# (The reply and forward prefixes moved to the table decide as they did:
# tests/golden.sh holds every fixture's and Sisimai sample's kind.)

done_testing
