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

# result NAME CONF: "verdict dkim-result BS_DKIM_* rules"
result() {
	bs --config "$2" --json < "$d/bounce-$1.eml" | python3 -c '
import json, sys
j = json.load(sys.stdin)
k = j["evidence"]["dkim"]
print("backscatter" if j["backscatter"] else "ok", k and k["result"],
      ",".join(t["name"] for t in j["tests"] if t["name"].startswith("BS_DKIM")))'
}

is "$(result signed "$T/conf-none")" "backscatter None " \
    "without my_dkim_key: a foreign hop and a spam reason make it backscatter"
is "$(result signed "$T/conf")" "ok pass BS_DKIM_VALID" \
    "our signature verifies: legitimate despite the rest"
is "$(result signed "$T/conf-pem")" "ok pass BS_DKIM_VALID" \
    "the key as a PEM public key works the same"
is "$(result header-changed "$T/conf")" "backscatter forged BS_DKIM_FORGED" \
    "a signed header changed after signing: forged"
is "$(result other-key "$T/conf")" "backscatter forged BS_DKIM_FORGED" \
    "signed with a key that is not ours, claiming our d= and s=: forged"
is "$(result body-changed "$T/conf")" "backscatter body-changed BS_DKIM_BODY_CHANGED" \
    "body changed after signing, headers intact: never proof"
is "$(result headers-only "$T/conf")" "backscatter headers-pass BS_DKIM_HEADERS_OURS" \
    "headers only: they verify, the body cannot: not proof"
is "$(result signed "$T/conf-sel")" "backscatter inconclusive " \
    "our d= with a selector we have no key for: inconclusive"

bs --config "$T/conf" --explain < "$d/bounce-other-key.eml" > "$T/explain"
check "--explain shows the DKIM result" grep -q '^  our DKIM signature: forged' "$T/explain"
check "--explain names the signature" grep -q 'signature: d=northwind.example s=test2025' "$T/explain"

# no DNS: the key record is nowhere but in the config (the test domain
# does not exist); a resolver that cannot answer changes nothing
is "$(export RES_OPTIONS='attempts:1 timeout:1' LOCALDOMAIN=invalid; result signed "$T/conf")" \
    "ok pass BS_DKIM_VALID" "verified without DNS"

# bad key files are configuration errors with file:line
printf 'my_dkim_key northwind.example test2025 %s\n' "$T/missing.txt" > "$T/conf-bad"
bs --config "$T/conf-bad" --lint > /dev/null 2> "$T/err"
is "$?" 78 "a missing key file: --lint 78"
check "... with file:line" grep -q "conf-bad:1: " "$T/err"
printf 'v=DKIM1; k=rsa;\n' > "$T/nokey.txt"
printf 'my_dkim_key northwind.example test2025 %s\n' "$T/nokey.txt" > "$T/conf-bad"
bs --config "$T/conf-bad" --lint > /dev/null 2> "$T/err"
check "a key file without p= is an error" grep -q "no public key" "$T/err"

# a plain message never loads the DKIM library
printf 'From: o@oscar.example\nTo: alice@northwind.example\nSubject: hi\n\nhello\n' > "$T/plain.eml"
if command -v strace > /dev/null 2>&1; then
	strace -f -e trace=openat -o "$T/trace" "$BACKSCATTER" --config "$T/conf" < "$T/plain.eml" > /dev/null
	check "plain message: libopendkim not opened" sh -c "! grep -q libopendkim '$T/trace'"
	strace -f -e trace=openat -o "$T/trace" "$BACKSCATTER" --config "$T/conf" < "$d/bounce-signed.eml" > /dev/null
	check "our signed bounce: libopendkim opened" grep -q libopendkim "$T/trace"
fi

done_testing
