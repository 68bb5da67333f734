#!/bin/sh
# exit.sh - every exit path of the command line, as DESIGN.md's table says:
# bad options 64 (75 under --deliver), --version/--help 0, --test 0/1/2,
# --json one JSON object, and every mode reads stdin to the end.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

plain=$T/plain.eml
printf 'From: Oscar <oscar@oscar.example>\nTo: alice@northwind.example\nSubject: lunch\nMessage-ID: <l1@oscar.example>\n\nSee you at noon.\n' > "$plain"
bounce=$srcdir/examples/bounce-backscatter.eml

# code NAME WANT ARGS...: exit status of the binary on $plain
code() {
	name=$1 want=$2; shift 2
	bs_run "$plain" "$@"
	is_rc "$want" "$name"
}

code "bad option: 64" 64 --no-such-option
code "stray argument: 64" 64 stray-argument
code "--test with a bad option: 64" 64 --test --no-such-option
code "--required without its value: 64" 64 --required
code "--deliver with a bad option: 75" 75 --deliver "$T/Maildir" --no-such-option
code "bad option before --deliver: 75" 75 --no-such-option --deliver "$T/Maildir"
code "--deliver without its Maildir: 75" 75 --deliver
# an option with a value given twice, or an option where a path belongs:
# a usage error, said (64; 75 under --deliver, nothing delivered)
code "--config twice: 64" 64 --config /dev/null --config /dev/null
is "$(grep -c -- '--config given twice' "$T/stderr")" 1 "... saying --config was given twice"
code "--required twice: 64" 64 --test --required 5 --required 6
code "--recipient twice: 64" 64 --recipient a@b.example --recipient c@d.example
code "--jobs past INT_MAX: 64" 64 --scan --jobs 4294967297 "$T"
is "$(grep -c -- '--jobs takes a number' "$T/stderr")" 1 "... saying what --jobs takes"
mkdir -p "$T/home.dj"
# (from inside the folder a relative target would be made in: the
# program by its absolute path, which BACKSCATTER need not be)
abs=$(cd "$(dirname "$BACKSCATTER")" && pwd)/$(basename "$BACKSCATTER")
( cd "$T/home.dj" && HOME=$T/home.dj $VALGRIND "$abs" --deliver --json < "$plain" > "$T/stdout" 2> "$T/stderr" )
is "$?:$(ls -A "$T/home.dj"):$(grep -c -- '--deliver takes a path, not the option --json' "$T/stderr")" "75::1" \
    "--deliver --json (the target forgotten): 75, no Maildir named --json, said"
code "--rules --json: 64" 64 --rules --json
# two modes: which was meant is not guessed (the last one won: "--test
# --explain" answered 0 for every message); the same one twice is one
code "--test --explain: 64" 64 --test --explain
is "$(grep -c -- '--test and --explain: one mode at a time' "$T/stderr")" 1 "... said"
code "--json --test: 64" 64 --json --test
code "--test --lint: 64" 64 --test --lint
bs_run "$bounce" --test --test
is "$rc:$(wc -c < "$T/stdout" | tr -d ' ')" 0:0 "--test --test: one mode (0 for the backscatter example, nothing printed)"
# an option of another mode (--sieve without --deliver ran filter mode,
# its output thrown away in a .forward)
code "--sieve without --deliver: 64" 64 --sieve "$T/none.sieve"
is "$(grep -c -- '--sieve is for --deliver' "$T/stderr")" 1 "... said"
code "--summary without --scan: 64" 64 --summary
code "--move-to without --scan: 64" 64 --test --move-to "$T"
code "--jobs without --scan: 64" 64 --explain --jobs 2
is "$(grep -c -- '--jobs is for --scan' "$T/stderr")" 1 "... said"
bs_run "$plain" --deliver "$T/Maildir" --summary
case $rc in 0|75) rc=0-or-75 ;; esac	# 75 as root, who is refused
is "$rc:$(grep -c -- '--summary ignored: with --deliver' "$T/stderr")" 0-or-75:1 \
    "--deliver with --summary: --deliver wins, --summary said ignored"
# --rules again adds a file: both files' rules run
printf 'body     BS_LOCAL_ONE /spam/i\nscore    BS_LOCAL_ONE 0.1\n' > "$T/one.cf"
printf 'body     BS_LOCAL_TWO /spam/i\nscore    BS_LOCAL_TWO 0.1\n' > "$T/two.cf"
is "$(HOME=$T/home.dj bs_json '",".join(sorted(t["name"] for t in j["tests"] if t["name"].startswith("BS_LOCAL")))' "$bounce" --rules "$T/one.cf" --rules "$T/two.cf")" \
    "BS_LOCAL_ONE,BS_LOCAL_TWO" "--rules twice: the rules of both files run"
# up to OPTIONS_RULES_MAX (32) --rules: the 32nd read, a 33rd a usage error
set --; i=1
while [ $i -lt 32 ]; do set -- "$@" --rules "$T/one.cf"; i=$((i + 1)); done
is "$(HOME=$T/home.dj bs_json '",".join(sorted(t["name"] for t in j["tests"] if t["name"].startswith("BS_LOCAL")))' "$bounce" "$@" --rules "$T/two.cf")" \
    "BS_LOCAL_ONE,BS_LOCAL_TWO" "32 --rules (OPTIONS_RULES_MAX): the last one's rules run too"
code "33 --rules: 64" 64 "$@" --rules "$T/two.cf" --rules "$T/two.cf"
is "$(grep -c -- 'more than 32 --rules' "$T/stderr")" 1 "... saying so"

# called backscatter-test (the link make install puts beside it, the name
# DESIGN.md's Dovecot recipe runs): --test
ln -s "$(cd "$(dirname "$BACKSCATTER")" && pwd)/$(basename "$BACKSCATTER")" "$T/backscatter-test"
"$T/backscatter-test" < "$bounce" > "$T/out1" 2>&1; r1=$?
"$T/backscatter-test" < "$plain" > "$T/out2" 2>&1; r2=$?
is "$r1:$r2:$(cat "$T/out1" "$T/out2" | wc -c | tr -d ' ')" 0:1:0 \
    "called backscatter-test: --test (0 backscatter, 1 not, nothing printed)"
"$T/backscatter-test" --explain < "$plain" > /dev/null 2> "$T/err"
is "$?:$(grep -c -- '--test and --explain: one mode at a time' "$T/err")" 64:1 \
    "... and with --explain: 64, two modes"

bs_run "$plain" --version
is "$rc:$(head -n 1 "$T/stdout" | grep -c '^backscatter [0-9]')" 0:1 \
    "--version: 0, the version on stdout"
bs_run "$plain" --help
is "$rc:$(grep -c '^usage: backscatter .*' "$T/stdout"):$(grep -c -- '--test' "$T/stdout")" \
    0:1:1 "--help: 0, the usage on stdout"
# --test and filter mode agree: exit 1 and No, exit 0 and Yes
is "$(bs_verdict "$plain")" "not backscatter" \
    "--test on a plain message: 1, nothing printed (filter mode: No)"
# the README's examples, with no configuration at all
is "$(bs_verdict "$srcdir/examples/bounce-legit.eml")" "not backscatter" \
    "--test on examples/bounce-legit.eml: 1 (not backscatter)"
is "$(bs_verdict "$bounce")" "backscatter" \
    "--test on examples/bounce-backscatter.eml: 0 (backscatter)"
bs_run "$plain" --explain
is "$rc:$(grep -c '^Kind: *none$' "$T/stdout")" 0:1 "--explain: 0, names the kind"
bs_run "$plain"
is "$rc:$(status "$T/stdout")" 0:No "filter mode: 0, the message tagged No"

# --json: one JSON object, for a plain message and for a bounce
for m in "$plain" "$bounce"; do
	is "$(bs_json 'j["kind"]' "$m")" "$(case $m in "$plain") echo none;; *) echo bounce;; esac)" \
	    "--json on $(basename "$m"): 0, one JSON object with its kind"
done

# A report that cannot be written whole is an error (2), said on stderr:
# half a JSON object must not pass for the answer.
for mode in --json --explain; do
	if [ -w /dev/full ]; then
		bs "$mode" < "$bounce" > /dev/full 2> "$T/stderr"
		is "$?:$(grep -c 'writing the report' "$T/stderr")" 2:1 \
		    "$mode to /dev/full: 2, saying the report was not written"
	else
		ok "$mode to /dev/full: 2 # SKIP no /dev/full"
	fi
	bs "$mode" < "$bounce" >&- 2> "$T/stderr"
	is "$?:$(grep -c 'writing the report' "$T/stderr")" 2:1 \
	    "$mode with stdout closed: 2, saying so"
done

# Every mode reads stdin to the end, even when it answers early (a writer
# that gets EPIPE would make the MTA defer or bounce), and still answers.
# drained NAME ANSWER ARGS...: ANSWER is what the run must end with
# (answered below)
answered() {
	case $1 in
	exit:*)	[ "$rc" = "${1#exit:}" ] ;;
	test)	[ "$rc" = 1 ] && ! [ -s "$T/drain.out" ] ;;
	json)	[ "$rc" = 0 ] && grep -q '^{"kind":"none"' "$T/drain.out" ;;
	explain) [ "$rc" = 0 ] && grep -q '^Kind: *none$' "$T/drain.out" ;;
	filter)	[ "$rc" = 0 ] && [ "$(status "$T/drain.out")" = No ] ;;
	deliver) if [ "$(id -u)" = 0 ]; then
			[ "$rc" = 75 ]	# refused as root (tests/deliver.sh)
		else
			[ "$rc" = 0 ] && [ -n "$(ls "$T/Maildir/new")" ]
		fi ;;
	esac
}
drained() {
	name=$1 answer=$2; shift 2
	if [ -n "$VALGRIND" ]; then
		todo=$TODO TODO=
		ok "$name reads stdin to the end # SKIP valgrind drains stdin itself"
		TODO=$todo
		return
	fi
	rm -f "$T/wrote"
	(python3 -c '
import sys
sys.stdout.buffer.write(b"From: a@b\nSubject: big\n\n" + (b"x" * 79 + b"\n") * 50000)
sys.stdout.flush()' 2>/dev/null && : > "$T/wrote") | bs "$@" > "$T/drain.out" 2>&1
	rc=$?
	if [ -f "$T/wrote" ] && answered "$answer"; then
		ok "$name reads stdin to the end ($answer)"
	else
		not_ok "$name reads stdin to the end ($answer)"
		diag "  exit $rc$([ -f "$T/wrote" ] || echo ', the writer failed')"
	fi
}
drained "bad option" exit:64 --no-such-option
drained "--deliver with a bad option" exit:75 --deliver "$T/Maildir" --no-such-option
drained "--test" test --test
drained "--json" json --json
drained "--explain" explain --explain
drained "filter mode" filter
drained "--deliver" deliver --deliver "$T/Maildir"

# BACKSCATTER_NOW that is no time (a word, past the year 9999, one that
# overflows): said, the clock used, the run goes on (a wrapped value made
# every ledger day wrong, silently).
for v in abc 99999999999999999999 253402300800 0; do
	BACKSCATTER_NOW=$v bs --test < "$bounce" > "$T/stdout" 2> "$T/stderr"
	is "$?:$(grep -c 'BACKSCATTER_NOW: not seconds since 1970' "$T/stderr")" 0:1 \
	    "BACKSCATTER_NOW=$v: said, and the bounce still judged (0)"
done
BACKSCATTER_NOW=253402300799 bs --json < "$bounce" > "$T/stdout" 2> "$T/stderr"
is "$?:$(wc -c < "$T/stderr" | tr -d ' '):$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["kind"])' "$T/stdout" 2> /dev/null)" \
    0:0:bounce "BACKSCATTER_NOW=253402300799 (the last second of 9999): taken, nothing said, the bounce judged"

# --required takes what required_score takes: a finite number in range.
# Anything else is a configuration error: reported, and the run goes on
# with the default (tests/goes-on.sh has the other errors).
for v in nan 1e300 abc "5 6"; do
	printf 'From: a@b\nSubject: x\n\nhi\n' > "$T/req.eml"
	# the backscatter example reaches the default score: 0, which neither
	# a program that never ran (1) nor one that copies stdin can answer
	# with nothing on stdout and the refusal on stderr
	bs_run "$bounce" --test --required "$v"
	is "$rc:$(wc -c < "$T/stdout" | tr -d ' '):$(grep -c -- '--required: required_score' "$T/stderr")" \
	    "0:0:1" "--test --required '$v': 0 on the backscatter example, judged with the default score, saying the value is refused"
	bs_run "$T/req.eml" --test --required "$v"
	is "$rc:$(wc -c < "$T/stdout" | tr -d ' '):$(grep -c -- '--required: required_score' "$T/stderr")" \
	    "1:0:1" "... 1 on a plain message, saying it too"
	bs_run "$T/req.eml" --required "$v"
	is "$rc:$(sed -n 's/^X-Backscatter-Status: .*\(required=[0-9.]*\).*/\1/p' "$T/stdout")" \
	    "0:required=5.0" "filter --required '$v': tagged with required=5.0, 0"
done
done_testing
