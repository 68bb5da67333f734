#!/bin/sh
# adversarial.sh - shapes of hostile input found in review, each generated
# here (too large to ship): the right answer, in well under a second.
#   arena: many indented DSN blocks once filled the arena and the readers
#          then read past a 1-byte string (SIGSEGV in every mode);
#   CR-only: bare-CR header lines made line splitting quadratic;
#   style: "<style>" without its end tag made HTML skipping quadratic;
#   padding: a text part over 1 MB gave the rules nothing at all;
#   own: huge To/Cc with many "failed" lines re-parsed them per address;
#   quoted DSN: fields inside the quoted original counted as the bounce's;
#   slow writer: the watchdog ran during the read and cut the message;
#   long word: a user's /\w+\s\d/ on a 300 KB word ran for seconds in one
#          match (PCRE2's step limit counts per start position) until the
#          watchdog, and --deliver answered 75;
#   one-word padding: "viagra" 40,000 times made one shipped pattern use
#          the message's whole time for matching, and every rule after it
#          "did not match": the bigger spam scored lower.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
command -v python3 > /dev/null || skip_all "python3 is needed to make the inputs"
plan 29
check_py=$srcdir/tests/bytecheck.py

gen() { python3 - "$@" > "$T/$1.eml"; }

# run NAME MODE...: the exit code in $rc, the seconds taken (to 2
# decimals) in $secs, the output in $T/NAME.out
run() {
	n=$1; shift
	s=$(date +%s%N)
	bs "$@" < "$T/$n.eml" > "$T/$n.out" 2> "$T/$n.err"
	rc=$?
	e=$(date +%s%N)
	secs=$(( (e - s) / 10000000 ))
}
# fast RIGHT SECS: a right answer (RIGHT is 0), under 1.00 s; 3 s in a
# sanitizer build, as in hostile.sh
factor=1
grep -q __asan_init "$BACKSCATTER" 2>/dev/null && factor=3
fast() { [ "$1" = 0 ] && [ "$2" -lt $((100 * factor)) ]; }
# tagged NAME: filter mode's output of NAME is the input with our fields
tagged() { python3 "$check_py" filter "$T/$1.eml" "$T/$1.out"; }
# json NAME EXPR: EXPR of the JSON object in NAME's output
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$T/$1.out" 2>/dev/null; }
# onejson NAME: NAME's output is one JSON object with its kind
onejson() { [ -n "$(json "$1" "d['kind']")" ]; }

head='From: Mail Delivery System <MAILER-DAEMON@mx.remote.example>
To: alice@northwind.example
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"
'
export head

gen arena <<'PY'
import os, sys
prose = "This is the mail system at host mx.remote.example.\n" + "your message could not be delivered\n" * 9000
dsn = "Reporting-MTA: dns; mx.remote.example\n\n" + " x\n\n" * 10000
sys.stdout.write(os.environ["head"] + "\n--B\nContent-Type: text/plain\n\n" + prose +
    "\n--B\nContent-Type: message/delivery-status\n\n" + dsn + "\n--B--\n")
PY
run arena --json
holds "many indented DSN blocks: --json exits 0 (got $rc), one JSON object" \
    '[ "$rc" = 0 ] && onejson arena'
check "many indented DSN blocks: right under 1 s (${secs}0 ms)" fast $? $secs
run arena
holds "many indented DSN blocks: filter exits 0 (got $rc), our fields inserted" \
    '[ "$rc" = 0 ] && tagged arena'

gen cr <<'PY'
import sys
sys.stdout.write("From: a@b.example\r" + "X-Pad: yes\r" * 200000 + "Subject: x\r\rbody\r")
PY
run cr
holds "200,000 CR-only header lines: filter exits 0 (got $rc), byte-exact apart from our fields" \
    '[ "$rc" = 0 ] && tagged cr'
check "200,000 CR-only header lines: right under 1 s (${secs}0 ms)" fast $? $secs

gen style <<'PY'
import os, sys
sys.stdout.write(os.environ["head"] + "\n--B\nContent-Type: text/html\n\n" + "<style>" * 250000 + "\n--B--\n")
PY
run style --json
holds "250,000 unclosed <style> tags: --json exits 0 (got $rc), one JSON object" \
    '[ "$rc" = 0 ] && onejson style'
check "250,000 unclosed <style> tags: right under 1 s (${secs}0 ms)" fast $? $secs

gen padding <<'PY'
import sys
orig = ("Received: from dsl-187-33-12-9.dynamic.example.net ([203.0.113.77]) by mx.remote.example\n"
    "From: alice@northwind.example\nTo: bob@remote.example\nSubject: hi\n"
    "Message-ID: <x1@dsl-187-33-12-9.dynamic.example.net>\n\n"
    "Buy cheap viagra and cialis online, no prescription needed!\n" + "lorem ipsum dolor sit amet\n" * 45000)
sys.stdout.write("From: MAILER-DAEMON@mx.remote.example\nTo: alice@northwind.example\n"
    "Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
    "--B\nContent-Type: text/plain\n\nundeliverable\n--B\nContent-Type: message/delivery-status\n\n"
    "Reporting-MTA: dns; mx.remote.example\n\nFinal-Recipient: rfc822; bob@remote.example\n"
    "Action: failed\nStatus: 5.1.1\n\n--B\nContent-Type: message/rfc822\n\n" + orig + "\n--B--\n")
PY
run padding --json
is "$rc $(json padding "'BS_ORIG_PHARMA' in [t['name'] for t in d['tests']]")" "0 True" \
    "an original padded past 1 MB still shows its spam to the rules (--json exits 0)"
check "padded original: right under 1 s (${secs}0 ms)" fast $? $secs

gen own <<'PY'
import sys
rcpts = ", ".join("user%d@northwind.example" % i for i in range(600))
sys.stdout.write("From: MAILER-DAEMON@mx.remote.example\nTo: " + rcpts + "\nCc: " + rcpts +
    "\nSubject: failure notice\n\n" + "".join("failed x%d@remote.example\n" % i for i in range(50000)))
PY
run own --test
mv "$T/own.out" "$T/own.test"
trc=$rc tsecs=$secs
run own
case $(status "$T/own.out") in Yes) want=0 ;; No) want=1 ;; *) want="a verdict" ;; esac
check "long To/Cc and 50,000 'failed' lines: --test exits as filter mode says ($want; got $trc)" \
    sh -c "[ '$trc' = '$want' ] && ! [ -s '$T/own.test' ]"
check "long To/Cc and 50,000 'failed' lines: right under 1 s (${tsecs}0 ms)" fast $? $tsecs

gen quoted <<'PY'
import sys
sys.stdout.write("From: MAILER-DAEMON@mx.remote.example\nTo: alice@northwind.example\n"
    "Subject: failure notice\n\n<bob@remote.example>:\n550 5.1.1 no such user\n\n"
    "--- Below this line is a copy of the message.\n\n"
    "Received: from bot.example.net ([203.0.113.9]) by mx.remote.example\n"
    "Message-ID: <q1@bot.example.net>\nFrom: alice@northwind.example\nTo: bob@remote.example\n"
    "Subject: x\n\nReporting-MTA: dns; fake.example\n\nFinal-Recipient: rfc822; planted@fake.example\n"
    "Action: delivered\nStatus: 2.0.0\n")
PY
run quoted --json
is "$rc $(json quoted "','.join(r['address'] for r in d['recipients'])")" "0 bob@remote.example" \
    "DSN fields inside the quoted original are not the bounce's (--json exits 0)"

# Bounded matching (backscatter-rules(5)): each rule may do a bounded
# amount of work on a message, so no pattern can spend the time of the
# others; a rule a limit stops is cut short, shown in --json and
# --explain, and counts where that raises the score.
mkdir -p "$T/rules"
printf '%s\n' 'orig_body BS_USER_WORD_NUMBER /\w+\s\d/' \
    'describe  BS_USER_WORD_NUMBER A word, a space and a number' > "$T/rules/user.cf"
printf 'rules_dir %s\n' "$T/rules" > "$T/user.conf"
original='Received: from mail.example.net (mail.example.net [198.51.100.7]) by mx.remote.example
From: alice@northwind.example
To: bob@remote.example
Subject: Hello
Message-ID: <a1.b2@example.net>
'
export original
gen longword <<'PY'
import os, sys
sys.stdout.write(os.environ["head"] + "\n--B\nContent-Type: text/plain\n\nundeliverable\n"
    "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.remote.example\n\n"
    "Final-Recipient: rfc822; bob@remote.example\nAction: failed\nStatus: 5.1.1\n\n"
    "--B\nContent-Type: message/rfc822\n\n" + os.environ["original"] + "\n" +
    "x" * 300000 + "\n--B--\n")
PY
# --deliver refuses root: as root, the mail user is nobody
U=$T/u
mkdir "$U"
RUNAS=
if [ "$(id -u)" = 0 ]; then
	chmod 755 "$T"
	chown nobody:nogroup "$U"
	RUNAS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
fi
s=$(date +%s%N)
$RUNAS env HOME="$U" $VALGRIND "$BACKSCATTER" --config "$T/user.conf" \
    --deliver "$U/Maildir" < "$T/longword.eml" 2> "$T/deliver.err"
set -- $? $(( ($(date +%s%N) - s) / 10000000 ))
stored=$(find "$U/Maildir" -path '*/new/*' -type f 2> /dev/null | wc -l | tr -d ' ')
is "$1:$stored" 0:1 "a user rule on a 300 KB word: --deliver answers 0" ||
    sed 's/^/# /' "$T/deliver.err"
[ "$1:$stored" = 0:1 ]
check "a user rule on a 300 KB word: --deliver under 1 s (${2}0 ms)" fast $? $2
is "$stored" 1 "a user rule on a 300 KB word: the message is stored"
run longword --config "$T/user.conf" --json
[ "$rc" = 0 ] && onejson longword
set -- $? $secs
check "a user rule on a 300 KB word: --json under 1 s (${2}0 ms)" fast $1 $2
is "$(json longword "d['evidence']['regex_cut_short']")" \
    "[{'rule': 'BS_USER_WORD_NUMBER', 'limit': 'work'}]" \
    "a user rule on a 300 KB word: cut short by its bound on work, and said so"
is "$(json longword "[t.get('cut_short') for t in d['tests'] if t['name'] == 'BS_USER_WORD_NUMBER']")" \
    "[True]" "a user rule on a 300 KB word: left open, it counts (score 1.0 > 0)"
run longword --config "$T/user.conf" --explain
is "$rc:$(grep -c '^Kind:' "$T/longword.out")" 0:1 "a user rule on a 300 KB word: --explain exits 0, names the kind"
check "a user rule on a 300 KB word: --explain names the rule and the limit" \
    grep -q '^    BS_USER_WORD_NUMBER: the work limit$' "$T/longword.out"

# The same spam with and without "viagra" 40,000 times after it.
spam='Dear friend,
You have been selected and won the lottery prize of $1,000,000!
Verify your account now to claim it: http://claim.example/
Invest in bitcoin today for guaranteed profit of 300% a month.
'
export spam
for n in 0 40000; do
	gen "spam-$n" "$n" <<'PY'
import os, sys
sys.stdout.write(os.environ["head"] + "\n--B\nContent-Type: text/plain\n\nundeliverable\n"
    "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.remote.example\n\n"
    "Final-Recipient: rfc822; bob@remote.example\nAction: failed\nStatus: 5.1.1\n\n"
    "--B\nContent-Type: message/rfc822\n\n" + os.environ["original"] + "\n" +
    os.environ["spam"] + "viagra " * int(sys.argv[2]) + "\n--B--\n")
PY
	run "spam-$n" --json
	is "$rc:$(json "$n" "d['kind']")" 0:bounce "spam padded with $n words: --json exits 0, one JSON object"
	[ "$rc" = 0 ] && onejson "$n"
	set -- $? $secs
	check "spam padded with $n words: under 1 s (${2}0 ms)" fast $1 $2
done
is "$(json spam-0 "d['backscatter'], sorted(t['name'] for t in d['tests'])")" \
    "True ['BS_ORIG_419', 'BS_ORIG_CRYPTO', 'BS_ORIG_SPAM_MULTI']" \
    "the spam alone: backscatter, by its lottery and crypto rules"
small=$(json spam-0 "d['score']")
is "$(json spam-40000 "d['backscatter'], d['score'] >= $small")" "True True" \
    "padded with 40,000 words: still backscatter, no lower ($(json spam-40000 "d['score']") >= $small)"
is "$(json spam-40000 "set(t['name'] for t in d['tests']) >= {'BS_ORIG_419', 'BS_ORIG_CRYPTO', 'BS_ORIG_SPAM_MULTI'}")" \
    True "padded: every rule the spam alone fires still fires (no pattern spent the others' time)"
is "$(json spam-40000 "[c['rule'] for c in d['evidence']['regex_cut_short']]")" "['__PHARMA_BODY']" \
    "padded: the pattern the padding makes slow is cut short, and said so"

# A writer slower than the watchdog: the message must come out whole, tagged.
( printf 'From: a@b.example\nSubject: slow\n\nfirst half\n'; sleep 9; printf 'second half\n' ) |
    bs > "$T/slow.out"
rc=$?
printf 'From: a@b.example\nSubject: slow\n\nfirst half\nsecond half\n' > "$T/slow.eml"
holds "a writer slower than the watchdog: filter exits 0 (got $rc), the whole message tagged" \
    '[ "$rc" = 0 ] && tagged slow'
done_testing
