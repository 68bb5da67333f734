#!/bin/sh
# regress.sh - every input that once crashed, hung or lost bytes, again
# (tests/data/regress/, each with a note on its origin).
#
# *.eml: filter mode exits 0 with the output byte-exact (our fields
# inserted, or the input unchanged); --test exits 0 or 1; --json and
# --explain exit 0; each run under a second (3 s for ASan builds).
# *.rules: a configuration, a line "%%", a rule file (fuzz_config's input):
# --lint exits 0 or 78, and a bounce filtered with them exits 0.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

dir=$srcdir/tests/data/regress
check_py=$srcdir/tests/bytecheck.py
command -v python3 >/dev/null || skip_all "python3 needed for byte checks"
bound=1000
grep -q __asan_init "$BACKSCATTER" 2>/dev/null && bound=3000
now_ms() { date +%s%3N; }

# The byte check must be able to fail: one changed byte is caught.
printf 'From: a@b.example\nSubject: x\n\nbody\n' > "$T/in.eml"
bs < "$T/in.eml" > "$T/out" 2>/dev/null
check "bytecheck accepts the real output" \
    python3 "$check_py" filter "$T/in.eml" "$T/out"
sed 's/body/bodY/' "$T/out" > "$T/bad"
check "bytecheck catches one changed byte" \
    sh -c "! python3 '$check_py' filter '$T/in.eml' '$T/bad' 2>/dev/null"

n=0
for f in "$dir"/*.eml; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	name=$(basename "$f")
	t0=$(now_ms)
	bs < "$f" > "$T/out" 2> "$T/err"
	rc=$? t1=$(now_ms)
	is "$rc" 0 "$name: filter exits 0" || sed 's/^/# /' "$T/err" | head -5
	check "$name: filter output byte-exact" sh -c \
	    "python3 '$check_py' filter '$f' '$T/out' 2>/dev/null ||
	     python3 '$check_py' same '$f' '$T/out'"
	check "$name: filter in $((t1 - t0)) ms <= $bound ms" \
	    test $((t1 - t0)) -le $bound
	bs --test < "$f" > "$T/out" 2>/dev/null
	rc=$?
	check "$name: --test exits 0 or 1 (got $rc)" test "$rc" -le 1
	bs --json < "$f" > "$T/out" 2>/dev/null
	rc=$?
	check "$name: --json exits 0 (got $rc) with one JSON object" sh -c \
	    "[ $rc = 0 ] && python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding=\"utf-8\", errors=\"replace\"))' '$T/out'"
	bs --explain < "$f" > /dev/null 2>&1
	is "$?" 0 "$name: --explain exits 0"
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
	bs --lint --config "$T/conf" --rules "$T/rules" > /dev/null 2>&1
	rc=$?
	check "$name: --lint exits 0 or 78 (got $rc)" sh -c "[ $rc = 0 ] || [ $rc = 78 ]"
	bs --config "$T/conf" --rules "$T/rules" < "$bounce" > "$T/out" 2>/dev/null
	rc=$?
	check "$name: filter with them exits 0 (got $rc), byte-exact" sh -c \
	    "[ $rc = 0 ] && { python3 '$check_py' filter '$bounce' '$T/out' 2>/dev/null ||
	     python3 '$check_py' same '$bounce' '$T/out'; }"
done
[ "$n" -gt 0 ] || ok "no regression inputs yet # SKIP"
done_testing
