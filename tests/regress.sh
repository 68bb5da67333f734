#!/bin/sh
# regress.sh - every input that once crashed, hung or lost bytes, again
# (tests/data/regress/, each with a note on its origin).
#
# *.eml: filter mode exits 0 with our fields inserted, byte-exact, in
# under a second (3 s for ASan builds); --test, --json and --explain give
# the verdict filter mode wrote.
# *.rules: a configuration, a line "%%", a rule file (fuzz_config's input):
# --lint says clean (0) or why not (78), and a bounce filtered with them
# exits 0, tagged when they are clean, unchanged when they are refused.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

dir=$srcdir/tests/data/regress
check_py=$srcdir/tests/bytecheck.py
command -v python3 >/dev/null || skip_all "python3 needed for byte checks"
bound=1000
grep -q __asan_init "$BACKSCATTER" 2>/dev/null && bound=3000
now_ms() { date +%s%3N; }

# answer: the verdict filter mode wrote into $T/filter (Yes, No or none)
# as the --test exit status a user would then expect ("" for none)
answer() {
	case $(status "$T/filter") in
	Yes) echo 0 ;; No) echo 1 ;; *) echo "" ;;
	esac
}

# The byte check must be able to fail: one changed byte is caught.
printf 'From: a@b.example\nSubject: x\n\nbody\n' > "$T/in.eml"
bs_run "$T/in.eml"
check "bytecheck accepts the real output (exit $rc)" \
    sh -c "[ $rc = 0 ] && python3 '$check_py' filter '$T/in.eml' '$T/stdout'"
accepted=$?
sed 's/body/bodY/' "$T/stdout" > "$T/bad"
check "bytecheck catches one changed byte in it" \
    sh -c "[ $accepted = 0 ] && ! python3 '$check_py' filter '$T/in.eml' '$T/bad' 2>/dev/null"

n=0
for f in "$dir"/*.eml; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	name=$(basename "$f")
	t0=$(now_ms)
	bs_run "$f"
	t1=$(now_ms)
	cp "$T/stdout" "$T/filter"
	check "$name: filter exits 0 (got $rc), our fields inserted, byte-exact" \
	    sh -c "[ $rc = 0 ] && python3 '$check_py' filter '$f' '$T/filter'"
	right=$?
	[ "$right" = 0 ] || head -5 "$T/stderr" | sed 's/^/#   /'
	check "$name: filter answers right in $((t1 - t0)) ms <= $bound ms" \
	    test "$right" = 0 -a $((t1 - t0)) -le $bound
	# the other modes give filter mode's verdict
	want=$(answer)
	bs_run "$f" --test
	check "$name: --test exits as filter mode says (${want:-no verdict}; got $rc), prints nothing" \
	    sh -c "[ '$rc' = '$want' ] && ! [ -s '$T/stdout' ]"
	is "$(bs_json 'int(not j["backscatter"])' "$f")" "${want:-a verdict}" \
	    "$name: --json exits 0 with one JSON object, its verdict filter mode's"
	bs_run "$f" --explain
	case $want in 0) says=Backscatter ;; 1) says="Not backscatter" ;; *) says="?" ;; esac
	is "$rc:$(head -n 1 "$T/stdout" | sed 's/,.*//')" "0:$says" \
	    "$name: --explain exits 0, its first line filter mode's verdict"
done

bounce=$srcdir/tests/data/anatomy/postfix-5.1.1-attached-original.eml
for f in "$dir"/*.rules; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	name=$(basename "$f")
	mkdir -p "$T/rules"
	rm -f "$T/rules"/*
	sed '/^%%$/,$d' "$f" > "$T/conf"
	sed '1,/^%%$/d' "$f" > "$T/rules/fuzz.cf"
	bs_run - --lint --config "$T/conf" --rules "$T/rules" < /dev/null
	lint=$rc
	# clean: says so; refused: 78 with the reason on stderr
	check "$name: --lint exits 0 saying it is clean, or 78 saying why (got $rc)" \
	    sh -c "{ [ $rc = 0 ] && grep -q 'rules are clean' '$T/stdout'; } ||
		{ [ $rc = 78 ] && [ -s '$T/stderr' ]; }"
	# a configuration --lint refuses passes every message through unchanged
	[ "$lint" = 0 ] && mode=filter || mode=same
	bs_run "$bounce" --config "$T/conf" --rules "$T/rules"
	check "$name: filter with them exits 0 (got $rc), byte-exact ($mode)" \
	    sh -c "[ $rc = 0 ] && python3 '$check_py' $mode '$bounce' '$T/stdout'"
done
[ "$n" -gt 0 ] || ok "no regression inputs yet # SKIP"
done_testing
