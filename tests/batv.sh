#!/bin/sh
# batv.sh - BATV from the command line: a bounce to our valid tag is
# legitimate, to a forged, copied or expired tag is not, batv_required
# makes an untagged bounce backscatter, each address source is read, and
# the evidence shows in --explain and --json. Tags are Exim's own
# (tests/data/batv/exim-vectors.txt).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

d=$srcdir/tests/data/batv
export HOME=$T/home		# no user config, no ledger
mkdir -p "$HOME"
unset RECIPIENT ORIG_RECIPIENT ORIGINAL_RECIPIENT
cp "$d/key0.secret" "$T/key0.secret" && chmod 600 "$T/key0.secret"
printf 'batv_key 0 %s\n' "$T/key0.secret" > "$T/conf"
printf 'batv_key 0 %s\nbatv_required yes\n' "$T/key0.secret" > "$T/conf-req"
# Exim made this tag on day 19783 (2024-03-01), valid to day 19790
tag=prvs=07904e8917=alice@northwind.example
export BACKSCATTER_NOW=1709294400

# make NAME DELIVERED RETURN_PATH: a bounce from the template
make() {
	sed -e "s/@DELIVERED@/$2/g" -e "s/@RETURN_PATH@/$3/g" \
	    "$d/bounce.eml.in" > "$T/$1.eml"
}
make valid "$tag" "$tag"
make plain alice@northwind.example alice@northwind.example
make forged prvs=07904e8918=alice@northwind.example alice@northwind.example
make copied prvs=07904e8917=mallory@northwind.example mallory@northwind.example
make reversed prvs=alice=07904e8917@northwind.example alice@northwind.example
make subaddr alice+prvs=07904e8917@northwind.example alice@northwind.example
make rp-only alice@northwind.example "$tag"

# verdict NAME CONF [VAR=VALUE...]: from --json, "VERDICT BATV-RULES RESULT
# SOURCE" (True or False, the BS_BATV_* rules that fired, the BATV
# evidence's result and the address it read)
verdict() {
	name=$1 conf=$2; shift 2
	(
		[ $# -gt 0 ] && export "$@"
		bs_json '" ".join(str(x) for x in (j["backscatter"],
		    ",".join(t["name"] for t in j["tests"] if t["name"].startswith("BS_BATV")),
		    j["evidence"]["batv"] and j["evidence"]["batv"]["result"],
		    j["evidence"]["batv"] and j["evidence"]["batv"]["source"]))' \
		    "$T/$name.eml" --config "$conf"
	)
}

# NAME|CONFIG|WANT|DESCRIPTION: the verdict on $T/NAME.eml with $T/CONFIG
while IFS='|' read -r name conf want what; do
	is "$(verdict "$name" "$T/$conf")" "$want" "$what"
done <<'EOF'
valid|conf|False BS_BATV_VALID valid Delivered-To|valid Exim tag in Delivered-To: legitimate
reversed|conf|False BS_BATV_VALID valid Delivered-To|reversed order prvs=local=TAG@domain: legitimate
subaddr|conf|False BS_BATV_VALID valid Delivered-To|sub-address local+prvs=TAG@domain: legitimate
rp-only|conf|False BS_BATV_VALID valid the original's Return-Path|tag stripped before delivery, kept in the original's Return-Path
forged|conf|True BS_BATV_BAD bad Delivered-To|a forged tag (one digit off) is backscatter
copied|conf|True BS_BATV_BAD bad Delivered-To|our tag copied onto another address is backscatter
plain|conf|False  none None|untagged, batv_required no: no BATV evidence
plain|conf-req|True BS_BATV_MISSING none None|untagged, batv_required yes: backscatter
valid|conf-req|False BS_BATV_VALID valid Delivered-To|tagged, batv_required yes: legitimate
EOF
is "$(verdict valid "$T/conf" BACKSCATTER_NOW=$((1709294400 + 9 * 86400)))" \
    "True BS_BATV_EXPIRED expired Delivered-To" \
    "nine days on the tag has expired (as much as no tag: an old tag must not help)"

# the envelope recipient, from the option and the environment
is "$(bs_json 'j["evidence"]["batv"]["result"] + " " + j["evidence"]["batv"]["source"]' \
    "$T/plain.eml" --config "$T/conf" --recipient "$tag")" \
    "valid --recipient" "--recipient carries the tag"
for var in RECIPIENT ORIG_RECIPIENT ORIGINAL_RECIPIENT; do
	is "$(verdict plain "$T/conf" $var="$tag")" \
	    "False BS_BATV_VALID valid $var" "\$$var carries the tag"
done
sed -e 's/^Delivered-To: .*/X-Original-To: '"$tag"'/' "$T/plain.eml" > "$T/xot.eml"
is "$(verdict xot "$T/conf")" "False BS_BATV_VALID valid X-Original-To" \
    "X-Original-To carries the tag"
sed -e 's/^Delivered-To: .*/Envelope-to: '"$tag"'/' "$T/plain.eml" > "$T/envto.eml"
is "$(verdict envto "$T/conf-req")" "False BS_BATV_VALID valid Envelope-to" \
    "Exim's Envelope-to carries the tag"
# a forwarder rewrote our tagged sender by SRS: the tag inside the
# original's Return-Path is read
make srs alice@northwind.example "SRS0=Hx3k=TT=northwind.example=prvs=07904e8917=alice@forwarder.example"
make srs1 alice@northwind.example "SRS1=Ab12=fwd1.example==Hx3k=TT=northwind.example=prvs=07904e8917=alice@fwd2.example"
is "$(verdict srs "$T/conf-req")" "False BS_BATV_VALID valid the original's Return-Path, SRS unwrapped" \
    "SRS0 around our tag in the original's Return-Path: unwrapped, valid"
is "$(verdict srs1 "$T/conf-req")" "False BS_BATV_VALID valid the original's Return-Path, SRS unwrapped" \
    "... SRS1 (forwarded twice): unwrapped, valid"

# the report
bs_run "$T/forged.eml" --config "$T/conf" --explain
holds "--explain shows the BATV result" \
    '[ "$rc" = 0 ] && grep -q "^  BATV: bad" "$T/stdout"'
holds "--explain says why" \
    '[ "$rc" = 0 ] && grep -q "the tag.s hash is not ours" "$T/stdout"'
holds "--explain names the address" \
    '[ "$rc" = 0 ] && grep -q "address: prvs=07904e8918=alice@northwind.example" "$T/stdout"'

# a plain message runs no BATV at all, configured or not
printf 'From: o@oscar.example\nTo: %s\nSubject: hi\n\nhello\n' "$tag" > "$T/msg.eml"
is "$(bs_json 'j["kind"], j["evidence"]' "$T/msg.eml" --config "$T/conf")" \
    "('none', None)" "a plain message gathers no evidence"

# the secret file must not be world-readable
chmod 644 "$T/key0.secret"
bs_run - --config "$T/conf" --lint < /dev/null
is_rc 78 "--lint: a world-readable secret is a configuration error"
check "... with file:line" grep -q "conf:1: .*readable by everyone" "$T/stderr"
bs_run "$T/forged.eml" --config "$T/conf" --json
is "$rc:$(python3 -c 'import json,sys; print(json.load(sys.stdin)["evidence"]["batv"])' < "$T/stdout")" \
    "0:None" "with that config the key is left out: --json 0, no tag judged with it"
check "... and it says so" grep -q "conf:1: .*readable by everyone" "$T/stderr"
chmod 600 "$T/key0.secret"
bs_run - --config "$T/conf" --lint < /dev/null
is "$rc:$(cat "$T/stdout" "$T/stderr" | sed 's/ [0-9][0-9]* / N /')" \
    "0:backscatter: configuration and N rules are clean" "--lint: clean once private"

# An expired tag must not score better than no tag at all
score() { (export BACKSCATTER_NOW=$2; bs_json 'j["score"]' "$T/$1.eml" --config "$T/conf-req"); }
exp_score=$(score valid $((1709294400 + 9 * 86400)))
plain_score=$(score plain $((1709294400 + 9 * 86400)))
holds "an expired tag scores no better than no tag ($exp_score >= $plain_score)" \
    "python3 -c 'import sys; sys.exit(0 if $exp_score >= $plain_score else 1)'"
# The day is kept modulo 1000: 1000 days on, the tag reads as valid
# again, but the bounce's own Date (and the original's) say the mail is
# older than a tag lives: from another cycle, expired
later=$((1709294400 + 1000 * 86400))
is "$(verdict valid "$T/conf" BACKSCATTER_NOW=$later)" \
    "True BS_BATV_EXPIRED expired Delivered-To" \
    "a tag from another 1000-day cycle, the mail's Date older than a tag lives: expired"
is "$(export BACKSCATTER_NOW=$later; bs_json 'j["evidence"]["batv"]["why"]' "$T/valid.eml" --config "$T/conf")" \
    "our tag, but the mail's Date is older than a tag lives: a tag from another 1000-day cycle" \
    "... and says why"
sed '/^Date:/d' "$T/valid.eml" > "$T/undated.eml"
is "$(export BACKSCATTER_NOW=$later; bs_json 'j["evidence"]["batv"]["result"]' "$T/undated.eml" --config "$T/conf")" \
    "valid" "... with no Date to say so, it reads as valid (a limit of BATV itself)"


# CONFIG_SECRET_MAX (1024) bounds the secret, the file's first line
# without its line end: 1024 bytes and a line end are fine, 1025 not;
# what follows the first line is not the secret's, whatever its length
secret() {
	python3 -c 'import sys; sys.stdout.write(sys.argv[1])' "$1" > "$T/s.secret"
	chmod 600 "$T/s.secret"
	printf 'batv_key 1 %s\n' "$T/s.secret" > "$T/s.conf"
	bs_run - --lint --config "$T/s.conf" < /dev/null
}
secret "$(printf '%01024d' 0)
"
is "$rc:$(grep -c 'rules are clean' "$T/stdout")" 0:1 "a secret of 1024 bytes and its line end: clean (CONFIG_SECRET_MAX)"
secret "$(printf '%01025d' 0)
"
is "$rc:$(grep -c 's.secret: longer than 1024 bytes' "$T/stderr")" 78:1 \
    "a secret of 1025 bytes: 78, said (CONFIG_SECRET_MAX)"
secret "short
$(printf '%03000d' 0)
"
is "$rc:$(grep -c 'rules are clean' "$T/stdout")" 0:1 "a short secret over 3000 bytes of other lines: clean"
# a NUL in the secret's line: an error (it cut the secret there, without
# a word: a key other than the MTA's, no tag of it checking); one after
# the line end is not the secret's
printf 'abc\000def\n' > "$T/s.secret"
bs_run - --lint --config "$T/s.conf" < /dev/null
is "$rc:$(grep -c 's.secret: a NUL byte in the secret' "$T/stderr")" 78:1 "a NUL byte in the secret: 78, said"
printf 'abcdef\n\000\n' > "$T/s.secret"
bs_run - --lint --config "$T/s.conf" < /dev/null
is "$rc:$(grep -c 'rules are clean' "$T/stdout")" 0:1 "... a NUL after its line: clean"
printf '\n' > "$T/s.secret"
bs_run - --lint --config "$T/s.conf" < /dev/null
is "$rc:$(grep -c 's.secret: empty secret' "$T/stderr")" 78:1 "an empty secret: 78, said"
done_testing
