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
	bs "$@" < "$plain" > "$T/out" 2> "$T/err"
	is "$?" "$want" "$name"
}

code "bad option: 64" 64 --no-such-option
code "stray argument: 64" 64 stray-argument
code "--test with a bad option: 64" 64 --test --no-such-option
code "--required without its value: 64" 64 --required
code "--deliver with a bad option: 75" 75 --deliver "$T/Maildir" --no-such-option
code "bad option before --deliver: 75" 75 --no-such-option --deliver "$T/Maildir"
code "--deliver without its Maildir: 75" 75 --deliver
code "--version: 0" 0 --version
grep -q '^backscatter [0-9]' "$T/out" && ok "--version prints the version" ||
    not_ok "--version prints the version"
code "--help: 0" 0 --help
grep -q -- '--test' "$T/out" && ok "--help prints the usage on stdout" ||
    not_ok "--help prints the usage on stdout"
code "--test on a plain message: 1 (not backscatter)" 1 --test
[ -s "$T/out" ] && not_ok "--test prints nothing" || ok "--test prints nothing"
# the README's examples, with no configuration at all
bs --test < "$srcdir/examples/bounce-legit.eml" > /dev/null 2>&1
is "$?" 1 "--test on examples/bounce-legit.eml: 1 (not backscatter)"
bs --test < "$bounce" > /dev/null 2>&1
is "$?" 0 "--test on examples/bounce-backscatter.eml: 0 (backscatter)"
code "--explain: 0" 0 --explain
grep -q 'none' "$T/out" && ok "--explain names the kind" ||
    not_ok "--explain names the kind"
code "filter mode: 0" 0

# --json: one JSON object, for a plain message and for a bounce
for m in "$plain" "$bounce"; do
	bs --json < "$m" > "$T/out"
	is "$?" 0 "--json on $(basename "$m"): 0"
	if python3 -c '
import json, sys
s = open(sys.argv[1]).read()
o, end = json.JSONDecoder().raw_decode(s)
sys.exit(0 if isinstance(o, dict) and s[end:].strip() == "" and "kind" in o else 1)' "$T/out"; then
		ok "--json on $(basename "$m"): one JSON object"
	else
		not_ok "--json on $(basename "$m"): one JSON object"
	fi
done

# Every mode reads stdin to the end, even when it answers early (a writer
# that gets EPIPE would make the MTA defer or bounce).
drained() {
	name=$1; shift
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
sys.stdout.flush()' 2>/dev/null && : > "$T/wrote") | bs "$@" > /dev/null 2>&1
	[ -f "$T/wrote" ] && ok "$name reads stdin to the end" ||
	    not_ok "$name reads stdin to the end"
}
drained "bad option" --no-such-option
drained "--deliver with a bad option" --deliver "$T/Maildir" --no-such-option
drained "--test" --test
drained "--json" --json
drained "--explain" --explain
drained "filter mode"
drained "--deliver" --deliver "$T/Maildir"

# --required takes what required_score takes: a finite number in range.
# Anything else is a configuration error: reported, and the run goes on
# with the default (tests/goes-on.sh has the other errors).
for v in nan 1e300 abc "5 6"; do
	printf 'From: a@b\nSubject: x\n\nhi\n' > "$T/req.eml"
	bs --test --required "$v" < "$T/req.eml" 2> "$T/err"
	is "$?" 1 "--test --required '$v': 1, judged with the default score"
	check "... saying the value is refused" grep -q -- '--required: required_score' "$T/err"
	bs --required "$v" < "$T/req.eml" > "$T/req.out" 2> /dev/null
	is "$?:$(sed -n 's/^X-Backscatter-Status: .*\(required=[0-9.]*\).*/\1/p' "$T/req.out")" \
	    "0:required=5.0" "filter --required '$v': tagged with required=5.0, 0"
done
done_testing
