#!/bin/sh
# heap.sh - a report's analysis finds its heap made present (src/base/heap.c):
# one madvise(MADV_POPULATE_WRITE) over the heap when the gate opens, up
# to the program break, and room enough there that a DSN's analysis does
# not grow the heap again (each page it would take then is a page fault
# of its own); a plain message's run makes nothing present (its heap is
# a few pages), and the verdicts are those of a run with no such call.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

[ -x "$BACKSCATTER" ] || skip_all "no program at $BACKSCATTER"
command -v strace > /dev/null 2>&1 || skip_all "no strace"
grep -q __asan_init "$BACKSCATTER" 2> /dev/null &&
	skip_all "an ASan build (its allocator is not glibc's heap)"
[ -z "$VALGRIND" ] || skip_all "under VALGRIND (its allocator is not glibc's heap)"

dsn=$top_srcdir/examples/bounce-backscatter.eml
cat > "$T/plain.eml" <<'MSG'
Return-Path: <carol@fabrikam.example>
From: Carol <carol@fabrikam.example>
To: alice@northwind.example
Subject: the harbour plans
Message-ID: <plans.7@fabrikam.example>
Date: Mon, 3 Mar 2025 10:00:00 +0000

The plans for Thursday, as promised.
MSG

# trace FILE ARGS...: the run's brk and madvise calls into $T/trace
trace() {
	_f=$1; shift
	strace -e trace=brk,madvise -o "$T/trace" "$BACKSCATTER" "$@" < "$_f" > "$T/out" 2> /dev/null
}
# the populate call's end, and the program break before it
populated() {
	set -- $(sed -n 's/^madvise(0x\([0-9a-f]*\), \([0-9]*\), MADV_POPULATE_WRITE.*/\1 \2/p' "$T/trace" | head -n 1)
	[ $# = 2 ] || return 0
	_b=$(sed -n '/MADV_POPULATE_WRITE/q; s/^brk(.*= 0x\([0-9a-f]*\)$/\1/p' "$T/trace" | tail -n 1)
	echo "$(($(printf '%d' "0x$1") + $2)) $(printf '%d' "0x${_b:-0}")"
}

trace "$dsn"
n=$(grep -c 'MADV_POPULATE_WRITE' "$T/trace")
is "$n" 1 "a DSN: the heap made present by one call"
set -- $(populated)
is "${1:-}" "${2:-none}" "... up to the program break (its end $1, the break $2)"
after=$(awk '/MADV_POPULATE_WRITE/ { on = 1; next } on && /^brk\(0x/' "$T/trace" | wc -l)
holds "... and the analysis finds room there: the heap not grown after it ($after)" \
    '[ "$n" = 1 ] && [ "$after" = 0 ]'
holds "... the DSN judged backscatter" '[ "$(status "$T/out")" = Yes ]'

trace "$T/plain.eml"
n=$(grep -c 'MADV_POPULATE_WRITE' "$T/trace")
holds "a plain message: nothing made present (its heap is a few pages: $n calls), passed on whole, judged not backscatter" \
    '[ "$n" = 0 ] && [ "$(status "$T/out")" = No ] && grep -v "^X-Backscatter-\|^	" "$T/out" | cmp -s - "$T/plain.eml"'

# A user's rule set, kept compiled: its snapshot's size made present
# before it is decoded (a second call, past the gate's), and nothing
# taken past that (the snapshot written by a first run)
mkdir -p "$T/rules" "$T/home"
i=0
while [ $i -lt 200 ]; do
	printf 'header   BS_LOCAL_%03d Subject =~ /\\b(?:undeliver\\w*|returned mail)\\b.{0,40}\\bword%03d/i\ndescribe BS_LOCAL_%03d A bounce whose subject names word%03d\nscore    BS_LOCAL_%03d 1.0\nbody     BS_LOCAL_B%03d /\\bthe (?:offer|deal) number %03d\\b/i\nscore    BS_LOCAL_B%03d 0.5\n' \
	    $i $i $i $i $i $i $i $i > "$T/rules/$i.cf"
	i=$((i + 1))
done
printf 'rules_dir %s\n' "$T/rules" > "$T/rules.conf"
# and 3,000 rules, whose snapshot (2 MB) asks more room than the heap
# gives at once (HEAP_ROOM_AT_ONCE, 3 MiB)
mkdir -p "$T/big" "$T/bighome"
awk -v d="$T/big" 'BEGIN { for (i = 0; i < 1500; i++) {
	f = sprintf("%s/%d.cf", d, i)
	printf "header   BS_LOCAL_%04d Subject =~ /\\b(?:undeliver\\w*|returned mail)\\b.{0,40}\\bword%04d/i\nscore    BS_LOCAL_%04d 1.0\n", i, i, i > f
	printf "body     BS_LOCAL_B%04d /\\bthe (?:offer|deal) number %04d\\b/i\nscore    BS_LOCAL_B%04d 0.5\n", i, i, i > f
	close(f) } }'
printf 'rules_dir %s\n' "$T/big" > "$T/big.conf"
# settled (a file changed in the last RULES_SNAPSHOT_SETTLE seconds is
# not kept compiled: it may change again unseen)
sleep 3
HOME=$T/home "$BACKSCATTER" --config "$T/rules.conf" < "$dsn" > /dev/null 2>&1
HOME=$T/home trace "$dsn" --config "$T/rules.conf"
n=$(grep -c 'MADV_POPULATE_WRITE' "$T/trace")
after=$(awk '/MADV_POPULATE_WRITE/ { on = NR } /^brk\(0x/ { b = NR } END { print (b > on) }' "$T/trace")
holds "200 user rules: the heap made present at the gate and for the rule set ($n calls), not grown after ($after)" \
    '[ "$n" = 2 ] && [ "$after" = 0 ] && [ "$(status "$T/out")" = Yes ] &&
     [ -n "$(ls "$T/home/.cache/backscatter/"*.set 2> /dev/null)" ]'

HOME=$T/bighome "$BACKSCATTER" --config "$T/big.conf" < "$dsn" > /dev/null 2>&1
HOME=$T/bighome trace "$dsn" --config "$T/big.conf"
n=$(grep -c 'MADV_POPULATE_WRITE' "$T/trace")
len=$(sed -n 's/^madvise(0x[0-9a-f]*, \([0-9]*\), MADV_POPULATE_WRITE.*/\1/p' "$T/trace" | tail -n 1)
holds "3,000 user rules: the room asked for the rule set held to 3 MiB, made present ($n calls, the second ${len:-no} bytes), judged" \
    '[ "$n" = 2 ] && [ "${len:-0}" -gt $((2 * 1048576)) ] &&
     [ "${len:-0}" -le $((3 * 1048576 + 4096)) ] && [ "$(status "$T/out")" = Yes ] &&
     [ -n "$(ls "$T/bighome/.cache/backscatter/"*.set 2> /dev/null)" ]'

# --scan's workers keep their heap from one message to the next: nothing
# made present (each page is touched once a worker, whatever comes)
mkdir -p "$T/md/cur" "$T/md/new" "$T/md/tmp"
for i in 1 2 3 4 5 6; do cp "$dsn" "$T/md/cur/$i:2,"; done
strace -f -e trace=madvise -o "$T/trace" "$BACKSCATTER" --scan "$T/md" > "$T/scan.out" 2>&1
n=$(grep -c 'MADV_POPULATE_WRITE' "$T/trace")
holds "--scan of 6 reports: nothing made present ($n calls), 6 judged" \
    '[ "$n" = 0 ] && [ "$(grep -c . "$T/scan.out")" -ge 6 ]'

# A DSN returning a 3 MB original in plain text (read as text, 1 MiB of
# it kept) against one as large whose original's body is base64 (not
# text: not read): at most 1.25 MiB more at the peak. The text was copied whole
# four times on its way (decoded, converted, gathered, kept): 5.3 MiB
# more, 11.9 MiB in all against a budget of 7.0.
cat > "$T/dsn.py" <<'PY'
import base64, sys
size, how, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
line = b"The quick brown fox jumps over the lazy dog, again and again. 0123456789\n"
body = (line * (size // len(line) + 1))[:size]
if how == "base64":
    body = base64.encodebytes(body)
    part = b"Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
else:
    part = b"Content-Type: text/plain; charset=utf-8\n\n"
sys.stdout = open(out, "wb")
sys.stdout.write(b"""Return-Path: <>
From: MAILER-DAEMON@mx.remote.example (Mail Delivery System)
To: alice@northwind.example
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.

<bob@remote.example>: host mx.remote.example said: 550 5.1.1 unknown user

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.remote.example

Final-Recipient: rfc822; bob@remote.example
Action: failed
Status: 5.1.1

--B
Content-Type: message/rfc822

From: Alice <alice@northwind.example>
To: bob@remote.example
Subject: the plans
Message-ID: <plans.3@northwind.example>
MIME-Version: 1.0
""" + part + body + b"\n--B--\n")
PY
python3 "$T/dsn.py" 3000000 text "$T/text3m.eml"
python3 "$T/dsn.py" 2250000 base64 "$T/b64-3m.eml"	# (3 MB encoded)
if [ -x /usr/bin/time ]; then
	least() {
		_m=
		for _i in 1 2 3; do
			/usr/bin/time -f %M -o "$T/rss" "$BACKSCATTER" < "$1" > "$T/out" 2> /dev/null
			_r=$(tail -n 1 "$T/rss")
			[ -z "$_m" ] || [ "$_r" -lt "$_m" ] && _m=$_r
		done
		echo "$_m"
	}
	rt=$(least "$T/text3m.eml")
	"$BACKSCATTER" < "$T/text3m.eml" > "$T/text.out" 2> /dev/null
	rb=$(least "$T/b64-3m.eml")
	holds "a DSN returning a 3 MB text original: peak RSS $rt KiB, one as large returning base64 $rb KiB (at most 1,280 more), judged, passed on whole" \
	    '[ "$rt" -le $((rb + 1280)) ] && [ "$(status "$T/text.out")" = No ] &&
	     grep -v "^X-Backscatter-\|^	" "$T/text.out" | cmp -s - "$T/text3m.eml"'
fi

# peak RSS: within the budget of 4 MiB and the message
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f %M -o "$T/rss" "$BACKSCATTER" < "$dsn" > "$T/out" 2> /dev/null
	rss=$(tail -n 1 "$T/rss")
	holds "a DSN's peak RSS $rss KiB, within 4 MiB and the message, judged" \
	    '[ "$rss" -le $((4096 + $(wc -c < "$dsn") / 1024)) ] && [ "$(status "$T/out")" = Yes ]'
fi
done_testing
