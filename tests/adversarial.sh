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
. "${top_srcdir:-.}/tests/lib.sh"
command -v python3 > /dev/null || skip_all "python3 is needed to make the inputs"
plan 30

gen() { python3 - "$@" > "$T/$1.eml"; }

# run NAME MODE...: the exit code, and the seconds taken (to 2 decimals)
run() {
	n=$1; shift
	s=$(date +%s%N)
	bs "$@" < "$T/$n.eml" > "$T/$n.out" 2> "$T/$n.err"
	rc=$?
	e=$(date +%s%N)
	secs=$(( (e - s) / 10000000 ))
	echo "$rc $secs"
}
# under 1.00 s; 3 s in a sanitizer build, as in hostile.sh
factor=1
grep -q __asan_init "$BACKSCATTER" 2>/dev/null && factor=3
fast() { [ "$2" -lt $((100 * factor)) ]; }

json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$T/$1.out"; }

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
set -- $(run arena --json); is "$1" 0 "many indented DSN blocks: --json exits 0"
check "many indented DSN blocks: under 1 s (${2}0 ms)" fast $1 $2
set -- $(run arena); is "$1" 0 "many indented DSN blocks: filter exits 0"

gen cr <<'PY'
import sys
sys.stdout.write("From: a@b.example\r" + "X-Pad: yes\r" * 200000 + "Subject: x\r\rbody\r")
PY
set -- $(run cr); is "$1" 0 "200,000 CR-only header lines: filter exits 0"
check "200,000 CR-only header lines: under 1 s (${2}0 ms)" fast $1 $2
check "200,000 CR-only header lines: byte-exact apart from our fields" \
    python3 "$srcdir/tests/bytecheck.py" filter "$T/cr.eml" "$T/cr.out"

gen style <<'PY'
import os, sys
sys.stdout.write(os.environ["head"] + "\n--B\nContent-Type: text/html\n\n" + "<style>" * 250000 + "\n--B--\n")
PY
set -- $(run style --json); is "$1" 0 "250,000 unclosed <style> tags: --json exits 0"
check "250,000 unclosed <style> tags: under 1 s (${2}0 ms)" fast $1 $2

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
set -- $(run padding --json)
is "$(json padding "'BS_ORIG_PHARMA' in [t['name'] for t in d['tests']]")" True \
    "an original padded past 1 MB still shows its spam to the rules"
check "padded original: under 1 s (${2}0 ms)" fast $1 $2

gen own <<'PY'
import sys
rcpts = ", ".join("user%d@northwind.example" % i for i in range(600))
sys.stdout.write("From: MAILER-DAEMON@mx.remote.example\nTo: " + rcpts + "\nCc: " + rcpts +
    "\nSubject: failure notice\n\n" + "".join("failed x%d@remote.example\n" % i for i in range(50000)))
PY
set -- $(run own --test); check "long To/Cc and 50,000 'failed' lines: --test answers 0 or 1 (got $1)" [ "$1" -le 1 ]
check "long To/Cc and 50,000 'failed' lines: under 1 s (${2}0 ms)" fast $1 $2

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
run quoted --json > /dev/null
is "$(json quoted "','.join(r['address'] for r in d['recipients'])")" "bob@remote.example" \
    "DSN fields inside the quoted original are not the bounce's"

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
is "$1" 0 "a user rule on a 300 KB word: --deliver answers 0" ||
    sed 's/^/# /' "$T/deliver.err"
check "a user rule on a 300 KB word: --deliver under 1 s (${2}0 ms)" fast $1 $2
is "$(find "$U/Maildir" -path '*/new/*' -type f | wc -l | tr -d ' ')" 1 \
    "a user rule on a 300 KB word: the message is stored"
set -- $(run longword --config "$T/user.conf" --json)
check "a user rule on a 300 KB word: --json under 1 s (${2}0 ms)" fast $1 $2
is "$(json longword "d['evidence']['regex_cut_short']")" \
    "[{'rule': 'BS_USER_WORD_NUMBER', 'limit': 'work'}]" \
    "a user rule on a 300 KB word: cut short by its bound on work, and said so"
is "$(json longword "[t.get('cut_short') for t in d['tests'] if t['name'] == 'BS_USER_WORD_NUMBER']")" \
    "[True]" "a user rule on a 300 KB word: left open, it counts (score 1.0 > 0)"
run longword --config "$T/user.conf" --explain > /dev/null
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
	set -- $(run "spam-$n" --json)
	is "$1" 0 "spam padded with $n words: --json exits 0"
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

# A writer slower than the watchdog: the message must come out whole.
( printf 'From: a@b.example\nSubject: slow\n\nfirst half\n'; sleep 9; printf 'second half\n' ) |
    bs > "$T/slow.out"
is "$?" 0 "a writer slower than the watchdog: filter exits 0"
check "a writer slower than the watchdog: the whole message comes out" \
    grep -q '^second half$' "$T/slow.out"
done_testing
