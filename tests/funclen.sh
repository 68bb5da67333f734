#!/bin/sh
# funclen.sh - no function of the program is longer than 120 lines, so
# that each can be read whole. A function longer than that is split,
# unless it is a flat table or switch (one row or case a line, nothing to
# follow from one to the next), listed below with the reason.
#
# A function is what this tree's style makes it: its name at the start of
# a line, its body from a "{" to a "}" alone at the start of a line; the
# length counts the lines between them.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

MAX=120

# FILE:FUNCTION and why it may be longer (none today)
allowed='
'

# lengths FILE...: "LINES FILE:FUNCTION" for every function
lengths() {
	awk '
	/^[A-Za-z_][A-Za-z0-9_]*\(/ { name = $0; sub(/\(.*/, "", name) }
	/^\{/ { start = FNR; fn = name }
	/^\}/ && start { print FNR - start - 1, FILENAME ":" fn; start = 0 }' "$@"
}

# the program and the tools that build it; generated tables are not read
files=$(ls "$srcdir"/src/*/*.c "$srcdir"/tools/*.c "$srcdir"/fuzz/*.c \
    "$srcdir"/bench/*.c 2>/dev/null | grep -v '/builtin_\(regex\|rules\|sieve\)\.c$\|/builtin_regex_none\.c$')
lengths $files | sed "s|$srcdir/||" > "$T/all"
n=$(wc -l < "$T/all" | tr -d ' ')
check "the functions were read ($n)" test "$n" -ge 500
over=$(awk -v max=$MAX '$1 > max { print $2 " (" $1 " lines)" }' "$T/all" |
    while read -r fn rest; do
	printf '%s\n' "$allowed" | grep -q "^$fn " || echo "$fn $rest"
    done)
is "$over" "" "no function is longer than $MAX lines, but the flat tables listed"
diag "longest: $(sort -rn "$T/all" | head -3 | tr '\n' ';')"

# the count itself: a function of 121 lines is found, one of 120 is not
{
	printf 'static int\nlong_one(void)\n{\n'
	i=0; while [ $i -lt 121 ]; do echo '	x++;'; i=$((i + 1)); done
	printf '}\n\nstatic int\nshort_one(void)\n{\n'
	i=0; while [ $i -lt 120 ]; do echo '	x++;'; i=$((i + 1)); done
	printf '}\n'
} > "$T/x.c"
is "$(lengths "$T/x.c" | awk -v max=$MAX '$1 > max { sub(/.*:/, "", $2); print $2 }')" \
    long_one "a function of 121 lines is caught, one of 120 is not"
done_testing
