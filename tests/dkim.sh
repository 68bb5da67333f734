#!/bin/sh
# dkim.sh - our own DKIM signature on a returned original, verified with
# the configured key and no DNS: the bounce of our signed mail is
# legitimate even when everything else about it looks like backscatter;
# a signature changed after signing or made with another key is a
# forgery; headers only is not proof either way. Signed by python3-dkim
# (tests/data/dkim/make-fixtures.sh).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

d=$(cd "$srcdir/tests/data/dkim" && pwd)
export HOME=$T/home
mkdir -p "$HOME"
unset RECIPIENT ORIG_RECIPIENT ORIGINAL_RECIPIENT BACKSCATTER_NOW
base='my_domain northwind.example
my_relay smtp.northwind.example 192.0.2.25'
printf '%s\nmy_dkim_key northwind.example test2025 %s\n' "$base" "$d/test2025.txt" > "$T/conf"
printf '%s\nmy_dkim_key northwind.example test2025 %s\n' "$base" "$d/test2025.pem" > "$T/conf-pem"
printf '%s\nmy_dkim_key northwind.example other %s\n' "$base" "$d/test2025.txt" > "$T/conf-sel"
printf '%s\n' "$base" > "$T/conf-none"

# result NAME CONF: from --json, "VERDICT DKIM-RESULT BS_DKIM-RULES"
# (backscatter or ok, the DKIM evidence's result, the BS_DKIM_* rules that
# fired, comma-separated)
result() {
	bs_json '" ".join(str(x) for x in (
	    "backscatter" if j["backscatter"] else "ok",
	    j["evidence"]["dkim"] and j["evidence"]["dkim"]["result"],
	    ",".join(t["name"] for t in j["tests"] if t["name"].startswith("BS_DKIM"))))' \
	    "$d/bounce-$1.eml" --config "$2"
}

# NAME|CONFIG|WANT|DESCRIPTION: the result on bounce-NAME.eml with $T/CONFIG
while IFS='|' read -r name conf want what; do
	is "$(result "$name" "$T/$conf")" "$want" "$what"
done <<'EOF'
signed|conf-none|backscatter None |without my_dkim_key: a foreign hop and a spam reason make it backscatter
signed|conf|ok pass BS_DKIM_VALID|our signature verifies: legitimate despite the rest
signed|conf-pem|ok pass BS_DKIM_VALID|the key as a PEM public key works the same
header-changed|conf|backscatter forged BS_DKIM_FORGED|a signed header changed after signing: forged
other-key|conf|backscatter forged BS_DKIM_FORGED|signed with a key that is not ours, claiming our d= and s=: forged
body-changed|conf|ok body-changed BS_DKIM_BODY_CHANGED|body changed after signing (a footer, a bounce that cut it short), the signed headers intact and naming the recipient that bounced: proof, as headers alone
headers-only|conf|ok headers-pass BS_DKIM_HEADERS_OURS|headers only: they verify and sign the recipient that bounced in To: proof (the h= tag names the fields)
signed|conf-sel|backscatter inconclusive |our d= with a selector we have no key for: inconclusive
EOF

# a key rotated under one selector: both lines kept, each key tried in
# turn (mail signed with the old one still bounces back for a while)
openssl rsa -in "$d/attacker.private" -pubout -out "$T/old.pem" 2> /dev/null
printf '%s\nmy_dkim_key northwind.example test2025 %s\nmy_dkim_key northwind.example test2025 %s\n' \
    "$base" "$T/old.pem" "$d/test2025.txt" > "$T/conf-rot"
is "$(result signed "$T/conf-rot")" "ok pass BS_DKIM_VALID" \
    "two keys for one selector (rotated): the second verifies our signature"
bs_run - --config "$T/conf-rot" --lint < /dev/null
holds "... and --lint finds nothing wrong with two keys for one selector (got $rc)" \
    '[ "$rc" = 0 ] && grep -q "are clean" "$T/stdout"'
printf '%s\nmy_dkim_key northwind.example test2025 %s\nmy_dkim_key northwind.example test2025 %s\n' \
    "$base" "$d/test2025.txt" "$T/old.pem" > "$T/conf-rot2"
is "$(result signed "$T/conf-rot2"):$(result header-changed "$T/conf-rot2")" \
    "ok pass BS_DKIM_VALID:backscatter forged BS_DKIM_FORGED" \
    "... either order; a signature neither key verifies is still forged"

bs_run "$d/bounce-other-key.eml" --config "$T/conf" --explain
holds "--explain shows the DKIM result" \
    '[ "$rc" = 0 ] && grep -q "^  our DKIM signature: forged" "$T/stdout"'
holds "--explain names the signature" \
    '[ "$rc" = 0 ] && grep -q "signature: d=northwind.example s=test2025" "$T/stdout"'

# no DNS: the key record is nowhere but in the config (the test domain
# does not exist); a resolver that cannot answer changes nothing
is "$(export RES_OPTIONS='attempts:1 timeout:1' LOCALDOMAIN=invalid; result signed "$T/conf")" \
    "ok pass BS_DKIM_VALID" "verified without DNS"

# bad key files are configuration errors with file:line
printf 'my_dkim_key northwind.example test2025 %s\n' "$T/missing.txt" > "$T/conf-bad"
bs_run - --config "$T/conf-bad" --lint < /dev/null
is_rc 78 "a missing key file: --lint 78"
check "... with file:line" grep -q "conf-bad:1: " "$T/stderr"
printf 'v=DKIM1; k=rsa;\n' > "$T/nokey.txt"
printf 'my_dkim_key northwind.example test2025 %s\n' "$T/nokey.txt" > "$T/conf-bad"
bs_run - --config "$T/conf-bad" --lint < /dev/null
holds "a key file without p= is an error: --lint 78 (got $rc), says why" \
    '[ "$rc" = 78 ] && grep -q "conf-bad:1: .*no public key" "$T/stderr"'

# A static program (the default build) checks the system's glibc release
# before it loads libopendkim (src/base/sharedlibc.c). With
# BACKSCATTER_LIBC at a libc of another release (tests/fakelibc.so, as
# an upgrade of the distribution leaves it), it loads nothing: DKIM is
# unavailable, said by the JSON and by --lint, and the message still
# passes. A dynamic program's loader is the system's: it loads as ever.
fake=$(cd "${top_builddir:-$srcdir}/tests" && pwd)/fakelibc.so
# with_libc PATH CMD...: CMD with BACKSCATTER_LIBC=PATH exported ($rc kept)
with_libc() {
	BACKSCATTER_LIBC=$1; export BACKSCATTER_LIBC; shift
	"$@"; _r=$?
	unset BACKSCATTER_LIBC
	return $_r
}
if [ ! -f "$fake" ]; then
	ok "# SKIP no tests/fakelibc.so (make check builds it)"
elif readelf -l "$BACKSCATTER" 2> /dev/null | grep -q "program interpreter"; then
	is "$(export BACKSCATTER_LIBC=$fake; result signed "$T/conf")" "ok pass BS_DKIM_VALID" \
	    "linked dynamically: BACKSCATTER_LIBC changes nothing, our signature verifies"
else
	is "$(export BACKSCATTER_LIBC=$fake; result signed "$T/conf")" "backscatter unavailable " \
	    "linked statically, the system's glibc another release: DKIM unavailable, no DKIM rule"
	with_libc "$fake" bs_run "$d/bounce-signed.eml" --config "$T/conf"
	holds "... the message still passes, tagged (exit $rc)" \
	    '[ "$rc" = 0 ] && [ "$(status "$T/stdout")" = Yes ]'
	with_libc "$fake" bs_run - --config "$T/conf" --lint < /dev/null
	holds "... --lint 78 (got $rc), naming both releases and the rebuild" \
	    '[ "$rc" = 78 ] && grep -q "linked statically with glibc 2\.[0-9]*, the system.s is 2\.99 ($fake)" "$T/stderr" &&
	     grep -q "my_dkim_key: .*rebuild it" "$T/stderr"'
	with_libc "$d/test2025.txt" bs_run - --config "$T/conf" --lint < /dev/null
	holds "... a file that is no glibc: --lint 78 (got $rc), says so" \
	    '[ "$rc" = 78 ] && grep -q "test2025.txt cannot be read as a glibc" "$T/stderr"'
	bs_run - --config "$T/conf" --lint < /dev/null
	holds "... the system's own libc: --lint 0, clean (got $rc)" \
	    '[ "$rc" = 0 ] && grep -q "are clean" "$T/stdout"'
fi

# Our signed header block replayed to another recipient, with a To of
# the bot's put above the signed fields and the block cut short below
# them (a line that is no field, or a NUL; or more fields than the reader
# takes): the header the verifier hashed has its own bottom, and the To
# read from it was the bot's, taken for the signed one (proof for the
# victim). Now no signed recipient is read from a block cut short.
for junk in nofield nul many; do
	python3 - "$d/bounce-headers-only.eml" "$junk" > "$T/replay.eml" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
head, sep, rest = s.partition('Content-Type: text/rfc822-headers\n\n')
head = head.replace('rachel@retail.example', 'victim@evil.example')
sig = re.search(r'DKIM-Signature:.*?(?=\nFrom: )\n', rest, re.S).group(0)
rest = rest.replace(sig, '')
junk = {'nofield': ':novalue\n', 'nul': 'X\x00Y: z\n',
        'many': ''.join('X-J%d: x\n' % i for i in range(1000))}[sys.argv[2]]
sys.stdout.write(head + sep + 'To: <victim@evil.example>\n' + sig + junk + rest)
PY
	is "$(bs_json '" ".join(str(x) for x in (j["evidence"]["dkim"]["result"],
	    j["evidence"]["dkim"]["signed_recipients"], j["decided_by"] and j["decided_by"]["class"]))' \
	    "$T/replay.eml" --config "$T/conf")" "headers-pass [] heuristic" \
	    "our signed headers replayed to another with a To above them, the block cut short below ($junk): no signed recipient, no proof"
done

# Our signed message replayed to another address, the bounce naming one
# of the signed recipients as its Original-Recipient (the ORCPT the
# sender gave: the bot's to choose), or, with no Original-Recipient and
# no "for <...>" in the bouncing system's Received line, in the
# original's own To: not the recipient that bounced, so no proof. An
# alias's bounce, whose Received line names the address we wrote to,
# stays proof (tests/proof.sh).
python3 - "$d/bounce-signed.eml" "$T" <<'PY'
import sys
s = open(sys.argv[1]).read()
a = s.replace('<rachel@retail.example>: host', '<victim@evil.example>: host') \
     .replace('Final-Recipient: rfc822; rachel@retail.example',
              'Original-Recipient: rfc822;rachel@retail.example\nFinal-Recipient: rfc822; victim@evil.example') \
     .replace('for <rachel@retail.example>', 'for <victim@evil.example>')
b = s.replace('<rachel@retail.example>: host', '<nosuch@retail.example>: host') \
     .replace('Final-Recipient: rfc822; rachel@retail.example', 'Final-Recipient: rfc822; nosuch@retail.example') \
     .replace('\tfor <rachel@retail.example>; Tue', '\t; Tue')
open(sys.argv[2] + '/orcpt.eml', 'w').write(a)
open(sys.argv[2] + '/nofor.eml', 'w').write(b)
PY
for f in orcpt nofor; do
	is "$(bs_json '" ".join(str(x) for x in (j["evidence"]["dkim"]["result"],
	    j["decided_by"]["class"], [r["address"] for r in j["recipients"]]))' \
	    "$T/$f.eml" --config "$T/conf")" \
	    "pass heuristic ['$([ $f = orcpt ] && echo victim@evil.example || echo nosuch@retail.example)']" \
	    "our signed message replayed to another, a signed recipient named $([ $f = orcpt ] && echo 'as its Original-Recipient' || echo 'by the original'"'"'s To alone'): no proof"
done

# a plain message never loads the DKIM library
printf 'From: o@oscar.example\nTo: alice@northwind.example\nSubject: hi\n\nhello\n' > "$T/plain.eml"
if command -v strace > /dev/null 2>&1; then
	# (and each still answers: a program that never ran opens nothing)
	strace -f -e trace=openat -o "$T/trace" "$BACKSCATTER" --config "$T/conf" \
	    < "$T/plain.eml" > "$T/out"
	rc=$?
	holds "plain message: libopendkim not opened (exit $rc, tagged No)" \
	    '[ "$rc" = 0 ] && [ "$(status "$T/out")" = No ] && ! grep -q libopendkim "$T/trace"'
	strace -f -e trace=openat -o "$T/trace" "$BACKSCATTER" --config "$T/conf" \
	    < "$d/bounce-signed.eml" > "$T/out"
	rc=$?
	holds "our signed bounce: libopendkim opened (exit $rc, tagged No)" \
	    '[ "$rc" = 0 ] && [ "$(status "$T/out")" = No ] && grep -q libopendkim "$T/trace"'
fi

done_testing
