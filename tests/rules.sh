#!/bin/sh
# rules.sh - every shipped rule has a must-hit and a must-miss case, and
# each behaves: tests/data/rules/RULE.hit*.eml must list RULE in the
# verdict's tests, RULE.miss*.eml must not (a near miss: legitimate mail
# on the same topic, or the same shape one step away). The rule names come
# from rules/*.cf, so a new rule without fixtures fails here.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

data=$srcdir/tests/data/rules
conf=$data/backscatter.conf

# Visible (scored) rules: "__" sub-rules are exercised through them.
rules=$(cat "$srcdir"/rules/*.cf |
    sed -n -E 's/^(header|body|orig_header|orig_body|eval|meta)[[:space:]]+(BS_[A-Z0-9_]+)[[:space:]].*/\2/p' |
    sort -u)
[ -n "$rules" ] || { echo "1..1"; echo "not ok 1 - no rules found in $srcdir/rules"; exit 0; }

# fired FILE: the visible rules that fired, one a line, from --json; "exit N"
# or "not one JSON object" when the run did not answer (so that a rule
# counts as missing only when the program said so).
# A rule that needs its own configuration (a BATV secret, a sent ledger)
# has RULE.conf. In a RULE.conf, @T@ is this test's temp dir, where the
# BATV secrets are copied private (git keeps no file modes, and a
# world-readable secret is refused), and "#env NAME=VALUE" lines set the
# environment of its runs (BACKSCATTER_NOW: the day a BATV tag was made).
cp "$srcdir"/tests/data/batv/*.secret "$T"/ && chmod 600 "$T"/*.secret
fired() {
	c=$conf
	r=${1##*/}
	[ -f "$data/${r%%.*}.conf" ] && c=$data/${r%%.*}.conf
	if grep -q '@T@' "$c"; then
		sed "s|@T@|$T|g" "$c" > "$T/rule.conf"
		c=$T/rule.conf
	fi
	(
		for v in $(sed -n 's/^#env //p' "$c"); do export "$v"; done
		bs --json --config "$c" < "$1" > "$T/json" 2> "$T/stderr"
	)
	rc=$?
	[ "$rc" = 0 ] || { echo "exit $rc"; return 1; }
	# one line, one object (a grep: python per case would double the time)
	{ [ "$(wc -l < "$T/json")" = 1 ] && grep -q '^{"kind":.*}$' "$T/json"; } ||
	    { echo "not one JSON object"; return 1; }
	grep -o '"name":"BS_[A-Z0-9_]*"' "$T/json" | sed 's/"name":"//; s/"$//'
}

for rule in $rules; do
	for kind in hit miss; do
		n=0
		for f in "$data/$rule.$kind".eml "$data/$rule.$kind"-*.eml; do
			[ -f "$f" ] || continue
			n=$((n + 1))
			name=${f##*/}
			if fired "$f" > "$T/fired"; then
				if grep -qx "$rule" "$T/fired"; then got=hit; else got=miss; fi
			else
				got=$(cat "$T/fired")
			fi
			case $kind in hit) what=hits ;; miss) what=misses ;; esac
			if [ "$got" = "$kind" ]; then
				ok "$name: $rule $what"
			else
				not_ok "$name: $rule $what"
				diag "  --json: $got; fired: $(tr '\n' ' ' < "$T/fired")"
			fi
		done
		if [ "$n" -eq 0 ]; then
			not_ok "$rule has a must-$kind case ($rule.$kind.eml)"
		fi
	done
done

# Every fixture belongs to a shipped rule (a renamed rule leaves none behind).
for f in "$data"/*.eml "$data"/*.conf; do
	[ "$f" = "$conf" ] && continue
	[ -f "$f" ] || continue
	name=${f##*/}
	rule=${name%%.*}
	if printf '%s\n' $rules | grep -qx "$rule"; then :; else
		not_ok "$name: no shipped rule $rule"
	fi
done

# --lint on the shipped rules is clean.
bs_run - --lint --config "$conf" < /dev/null
is "$rc:$(cat "$T/stdout" "$T/stderr" | sed 's/ [0-9][0-9]* / N /')" \
    "0:backscatter: configuration and N rules are clean" "--lint: shipped rules are clean"

# an eval's argument the program never gives is an error, not a rule
# that never fires; a known one in another case is fine (compared so)
for a in 'reason_is(spamdetcted)' 'format_is(postfx)' 'kind_is(bogus)'; do
	printf 'eval BS_LOCAL_E %s\n' "$a" > "$T/e.cf"
	bs_run - --lint --config "$conf" --rules "$T/e.cf" < /dev/null
	is "$rc:$(grep -c "e.cf:1: BS_LOCAL_E: $a: bad argument" "$T/stdout" "$T/stderr" | awk -F: '{ n += $2 } END { print n }')" \
	    78:1 "--lint: $a: 78, file:line, bad argument"
done
printf 'eval BS_LOCAL_E reason_is(SpamDetected)\neval BS_LOCAL_F format_is(Postfix)\neval BS_LOCAL_G format_is(rfc3464)\n' > "$T/e.cf"
bs_run - --lint --config "$conf" --rules "$T/e.cf" < /dev/null
is "$rc:$(grep -c 'rules are clean' "$T/stdout")" 0:1 "--lint: reason_is(SpamDetected), format_is(Postfix), format_is(rfc3464): clean"

# numbers as people write them: a hexadecimal or exponent form, or a
# score out of range, is an error that says which
for v in 0x10 1e2 inf; do
	printf 'required_score %s\n' "$v" > "$T/n.conf"
	bs_run - --lint --config "$T/n.conf" < /dev/null
	is "$rc:$(grep -c "n.conf:1: required_score $v: not a number" "$T/stderr")" 78:1 \
	    "--lint: required_score $v: 78, not a number"
done
printf 'required_score 1001\nscore BS_FOREIGN_HANDOFF -1000.5\n' > "$T/n.conf"
bs_run - --lint --config "$T/n.conf" < /dev/null
is "$rc:$(grep -c 'n.conf:1: required_score 1001: out of range, -1000 to 1000' "$T/stderr"):$(grep -c 'n.conf:2: score BS_FOREIGN_HANDOFF -1000.5: out of range' "$T/stderr")" \
    78:1:1 "--lint: required_score 1001, score -1000.5: 78, out of range, said"
printf 'required_score .5\nscore BS_FOREIGN_HANDOFF -2.5\n' > "$T/n.conf"
bs_run - --lint --config "$T/n.conf" < /dev/null
is "$rc:$(grep -c 'rules are clean' "$T/stdout")" 0:1 "--lint: required_score .5, score -2.5: clean"
printf 'body BS_LOCAL_N /x/\nscore BS_LOCAL_N 1e1\n' > "$T/n.cf"
bs_run - --lint --config "$conf" --rules "$T/n.cf" < /dev/null
is "$rc:$(grep -c 'n.cf:2: score BS_LOCAL_N: not a number' "$T/stdout" "$T/stderr" | awk -F: '{ n += $2 } END { print n }')" 78:1 \
    "--lint: a rule file's score 1e1: 78, not a number"
printf 'my_relay 300.1.1.1\n' > "$T/n.conf"
bs_run - --lint --config "$T/n.conf" < /dev/null
is "$rc:$(grep -c 'my_relay 300.1.1.1: not a host name' "$T/stderr")" 78:1 \
    "--lint: my_relay 300.1.1.1 (no host name ends in digits): 78"

# a description of a rule never defined: an error at its file and line
printf '# one\ndescribe BS_LOCAL_NONE a rule never written\n' > "$T/d.cf"
bs_run - --lint --config "$conf" --rules "$T/d.cf" < /dev/null
is "$rc:$(cat "$T/stdout" "$T/stderr" | grep -c 'd.cf:2: BS_LOCAL_NONE: score or describe for a rule that is not defined')" \
    78:1 "--lint: describe of a rule never defined: 78, at its file:line"

# 1100 user rules firing on one bounce: the tests= line stops at
# HEADER_TESTS_MAX with "...", and the message is still tagged, a forged
# field removed (the fields were past the 64 KiB they are built in: the
# message went out untagged, the forged field in it)
python3 -c 'for i in range(1100):
    n = "BS_LOCAL_HIT_%04d_%s" % (i, "X" * 46)
    print("body %s /Undelivered|delivery|rejected/i\nscore %s 0.01" % (n, n))' > "$T/hits.cf"
{ printf 'X-Backscatter-Status: No, score=-50.0 required=5.0 kind=none\n'; cat "$srcdir/examples/bounce-backscatter.eml"; } > "$T/forged-hits.eml"
bs_run "$T/forged-hits.eml" --rules "$T/hits.cf"
is "$rc:$(grep -c '^X-Backscatter-Status:' "$T/stdout"):$(grep -c 'score=-50.0' "$T/stdout")" "0:1:0" \
    "1100 rules firing: tagged once, the forged field removed"
check "... the tests= list cut with ... (HEADER_TESTS_MAX)" sh -c \
    "sed -n '/^X-Backscatter-Status:/,/^X-Backscatter-Score:/p' '$T/stdout' | grep -q '\.\.\.\$'"

done_testing
