#!/bin/sh
# bench.sh - the benchmark harness works: bench/rounds runs every command
# due in a round once, in an order rotated each round, with stdin a file or
# a pipe and stdout a pipe, and records exit codes; bench/run in its quick
# mode (cut to two rounds of the 1 KB rows, no SpamAssassin: spamd takes
# seconds to start) writes a RESULTS.md with every section, a figure and a
# target verdict in every row. What the figures are is not checked: that
# is what the benchmark is for.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

command -v python3 > /dev/null || skip_all "python3 is needed by bench/run"
cc=${CC:-cc}
$cc -O2 -o "$T/rounds" "$srcdir/bench/rounds.c" 2> "$T/cc.err" ||
    skip_all "no C compiler: $(head -1 "$T/cc.err")"

# --- bench/rounds ---------------------------------------------------------
head -c 300000 /dev/urandom > "$T/msg"
sh=$(command -v sh) cmp=$(command -v cmp) cat=$(command -v cat)
printf '%s\n' \
    "a	1	-	null	$sh	-c	:" \
    "b	2	file:$T/msg	null	$cmp	-	$T/msg" \
    "c	1	pipe:$T/msg	pipe	$cmp	-	$T/msg" \
    "d	1	pipe:$T/msg	pipe	$cat" \
    "e	1	-	null	$sh	-c	exit 1" \
    "f	1	-	null	$sh	-c	kill -TERM \$\$" > "$T/spec"
"$T/rounds" -r 4 -w 1 -e "$T/err" "$T/spec" > "$T/raw"
is "$?" 0 "rounds: exit 0"
grep -v '^#' "$T/raw" | cut -f1,3 > "$T/ran"
is "$(grep -c . "$T/ran")" 22 "rounds: every command due ran once a round (b every 2nd: 4 x 5 + 2)"
is "$(awk -F'\t' '!/^#/ && $2 == 0 {print $3}' "$T/raw" | tr -d '\n')" "bcde" \
    "rounds: the order rotates, a new first command each round (1 warm-up, then rounds 1-4)"
is "$(awk '$2 == "b" {printf "%s", $1}' "$T/ran")" "02" "rounds: EVERY 2 runs in rounds 0 and 2"
is "$(awk -F'\t' '$3 == "b" || $3 == "c" {print $7}' "$T/raw" | sort -u)" 0 \
    "rounds: stdin a file and stdin a pipe hold the whole message (cmp -)"
is "$(awk -F'\t' '$3 == "d" {print $7}' "$T/raw" | sort -u)" 0 \
    "rounds: 300 KB through pipes in and out, drained to the end"
is "$(awk -F'\t' '$3 == "e" {print $7}' "$T/raw" | sort -u)" 1 "rounds: exit code recorded"
is "$(awk -F'\t' '$3 == "f" {print $7}' "$T/raw" | sort -u)" 143 "rounds: a signal is 128 + its number"
is "$(awk -F'\t' '!/^#/ && !($4 > 0 && NF == 7) {print}' "$T/raw")" "" \
    "rounds: seven fields a run, a wall time above zero"
is "$(grep -c '^#load' "$T/raw")" 4 "rounds: the load average before each timed round"
printf 'x\t1\t-\tnull\ttrue\n' > "$T/bad"
"$T/rounds" "$T/bad" > /dev/null 2>&1
is "$?" 66 "rounds: a program not named by its path is refused (66)"
printf 'x\t0\t-\tnull\t/bin/true\n' > "$T/bad"
"$T/rounds" "$T/bad" > /dev/null 2>&1
is "$?" 66 "rounds: EVERY 0 is refused (66)"
"$T/rounds" > /dev/null 2>&1
is "$?" 64 "rounds: no SPEC is a usage error (64)"

# --- bench/run, quick -----------------------------------------------------
[ -x "$BACKSCATTER" ] || skip_all "no binary $BACKSCATTER"
mkdir -p "$T/tmp"
TMPDIR=$T/tmp BENCH_QUICK=1 BENCH_ROUNDS=2 BENCH_SIZES=1000 BENCH_MAILBOX=30 BENCH_SA=0 BENCH_KEEP=1 \
    BENCH_OUT=$T/RESULTS.md BENCH_REV=test "$srcdir/bench/run" "$BACKSCATTER" \
    > "$T/run.out" 2> "$T/run.err"
is "$?" 0 "bench/run quick: exit 0" || sed 's/^/# /' "$T/run.err"
R=$T/RESULTS.md
W=$(ls -d "$T"/tmp/bs-bench.* 2> /dev/null | head -1)
for s in "Targets of issue 13 at a glance" "Machine" "Every size, every way in" \
    "The fixtures, user rules, a foreign charset" "Start-up" "--scan: messages a second" \
    "Peak RSS"; do
	check "RESULTS.md: section $s" grep -q "^## $s" "$R"
done
rows() { grep -c "^| $1 | [0-9]* | $2 | [0-9.]* | [0-9.]* | [0-9.]*x ([0-9.]*-[0-9.]*) | .* | <= $3x | \(met\|\*\*missed\*\*\) |\$" "$R"; }
for k in "plain, 1 KB|1.1" "DSN returning, 1 KB|1.5"; do
	for m in "file > null" "file > pipe" "pipe > pipe"; do
		is "$(rows "${k%|*}" "$m" "${k#*|}")" 1 \
		    "RESULTS.md: ${k%|*}, $m: ratio, spread, target <= ${k#*|}x, verdict"
	done
done
for l in "DSN with 200 user rules in rules_dir" "DSN, text in ISO-2022-JP"; do
	check "RESULTS.md: $l, judged against <= 1.5x" \
	    grep -q "^| $l | .* | <= 1.5x | \(met\|\*\*missed\*\*\) |\$" "$R"
done
for l in "plain message, the program read back from disk|1.1" \
    "DSN, original attached, the program read back from disk|1.5"; do
	check "RESULTS.md: ${l%|*}, judged against <= ${l#*|}x" \
	    grep -q "^| ${l%|*} | .* | <= ${l#*|}x | \(met\|\*\*missed\*\*\) |\$" "$R"
done
if command -v fincore > /dev/null 2>&1; then
	check "RESULTS.md: how much of the read-back copy the drop left in the page cache" \
	    grep -q '^The copy read back from disk: [0-9]* of its [0-9]* KiB were still in the page cache after the drop' "$R"
fi
check "RESULTS.md: --scan messages a second, with spread and verdict" \
    grep -q '^| [0-9]* | [0-9]* | [0-9.]* | [0-9]* ([0-9]*-[0-9]*) | [0-9]* | >= 10000/s | \(met\|\*\*missed\*\*\) |' "$R"
check "RESULTS.md: load average at the start and the end" \
    grep -q '^| load average (1, 5, 15 min) | at the start [0-9.]* [0-9.]* [0-9.]*; .* at the end [0-9.]* [0-9.]* [0-9.]* |$' "$R"
check "RESULTS.md: the revision" grep -q '^| backscatter | .* (test) |$' "$R"
holds "RESULTS.md: no command failed" \
    'grep -q "^## Every size, every way in" "$R" && ! grep -q "exited with an unexpected status" "$R"'
if [ -x /usr/bin/time ]; then
	check "RESULTS.md: peak RSS against 4 MiB + 1x the message" \
	    grep -q '^| plain, 1 KB | 1000 | pipe > pipe | [0-9]* | [0-9]* | 4096 | \(met\|\*\*missed\*\*\) |$' "$R"
fi
if [ -n "$W" ]; then
	n=$(grep -c . "$W/spec.tsv")
	is "$(grep -v '^#' "$W/raw.tsv" | awk -F'\t' '$1 == 0' | grep -c .)" "$n" \
	    "bench/run: every command in the first round"
	a=$(awk -F'\t' '$1 == 0 && $2 == 0 {print $3}' "$W/raw.tsv")
	b=$(awk -F'\t' '$1 == 1 && $2 == 0 {print $3}' "$W/raw.tsv")
	check "bench/run: rounds start with different commands ($a, $b)" test "$a" != "$b"
	# the program timed is a copy install(1) wrote, not the build's file
	holds "bench/run: the rows time the installed copy, the same bytes as the build's" \
	    'cut -f5 "$W/spec.tsv" | grep -qx "$W/bin/backscatter" &&
	     ! cut -f5 "$W/spec.tsv" | grep -qx "$BACKSCATTER" &&
	     cmp -s "$W/bin/backscatter" "$BACKSCATTER" &&
	     cmp -s "$W/bin/backscatter-from-disk" "$BACKSCATTER"'
else
	not_ok "bench/run: work folder kept"
fi
done_testing
