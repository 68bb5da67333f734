#!/bin/sh
# layers.sh - the folders of src/ are the layers, and each file includes
# only from its own layer and those below it:
#
#	base -> read -> anatomy -> config -> evidence -> rules
#	deliver uses read and base; cli uses everything
#	milter (backscatter-milter, a program of its own) is at cli's level
#
# (config needs only base and read; it sits below evidence, which reads it.)
# A lower layer including a higher one fails here, naming the file and line.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

# allowed LAYER: the layers a file in LAYER may include from
allowed() {
	case $1 in
	base)		echo "base" ;;
	read)		echo "base read" ;;
	anatomy)	echo "base read anatomy" ;;
	config)		echo "base read config" ;;
	evidence)	echo "base read anatomy config evidence" ;;
	rules)		echo "base read anatomy config evidence rules" ;;
	deliver)	echo "base read deliver" ;;
	cli)		echo "base read anatomy config evidence rules deliver cli" ;;
	milter)		echo "base read anatomy config evidence rules deliver cli milter" ;;
	*)		echo "" ;;
	esac
}

# check_tree DIR: one line "file:line: layer includes other/x.h" per
# include that crosses upwards, a line for each unknown folder too
check_tree() {
	for f in "$1"/src/*/*.[ch]; do
		[ -e "$f" ] || continue
		layer=${f%/*}; layer=${layer##*/}
		ok_layers=$(allowed "$layer")
		[ -n "$ok_layers" ] || { echo "$f: $layer is not a layer"; continue; }
		grep -n '^#include "[a-z_]*/' "$f" | while IFS= read -r l; do
			inc=${l#*\"}; inc=${inc%%/*}
			case " $ok_layers " in
			*" $inc "*) ;;
			*) echo "${f#$1/}:${l%%:*}: $layer includes $inc/" ;;
			esac
		done
	done
	# a file straight in src/ belongs to no layer
	for f in "$1"/src/*.[ch]; do
		[ -e "$f" ] && echo "${f#$1/}: not in a layer's folder"
	done
}

check_tree "$srcdir" > "$T/out"
is "$(head -5 "$T/out")" "" "every include in src/ is from the file's own layer or one below"
n=$(ls "$srcdir"/src/*/*.c | wc -l)
check "the check read the sources ($n .c files)" test "$n" -ge 30
# every include names its layer: a bare "x.h" would hide the arrow
bare=$(grep -n '^#include "[a-z_]*\.h"' "$srcdir"/src/*/*.[ch] | grep -v bsconfig.h | head -3)
is "$bare" "" "every include of the project's own headers names its folder"

# The environment is read in one place, src/cli/environment.c, into the
# envelope that is passed down: nothing below the command line reads it
# (backscatter-milter's main, a command line of its own, is beside it).
env=$(grep -n 'getenv *(' "$srcdir"/src/*/*.c | grep -v '/src/cli/\|/src/milter/milter\.c:' | head -3)
is "$env" "" "no getenv below src/cli"
check "... the grep finds the one in src/cli/environment.c" \
    grep -q 'getenv *(' "$srcdir/src/cli/environment.c"

# Every diagnostic goes through the log sink, src/base/log.c (stderr and,
# when asked, the mail log). What may still write to stderr itself: the
# usage and --lint reports (the program's product), --scan's progress
# meter, and signal handlers (write(2): syslog is not async-signal-safe).
# bare_stderr DIR: "file:line: text" per write to stderr outside those
bare_stderr() {
	grep -n 'std\(err\)\|STDERR_FILENO' "$1"/src/*/*.c "$1"/tools/*.c |
	    grep -v '^[^:]*:[0-9]*:[[:space:]]*/\?\*' |
	    grep 'fprintf *(stderr\|fputs *(.*stderr\|fwrite *(.*stderr\|putc *(.*stderr\|perror *(\|write *(STDERR_FILENO' |
	    sed "s|^$1/||" |
	    grep -v '^src/base/log\.c:' |
	    grep -v '^src/cli/main\.c:[0-9]*:.*fputs(usage_text, stderr)' |
	    grep -v '^src/cli/main\.c:[0-9]*:.*write(STDERR_FILENO, text' |
	    grep -v '^src/cli/mode_report\.c:[0-9]*:.*mode_lint\|^src/cli/mode_report\.c:[0-9]*:.*r->errors.data, 1, r->errors.len, stderr\|^src/cli/mode_report\.c:[0-9]*:.*"backscatter: problems found' |
	    grep -v '^src/cli/scan\.c:[0-9]*:.*fprintf(stderr, "\\r%zu/%zu'
}
bare_stderr "$srcdir" > "$T/stderr"
is "$(head -5 "$T/stderr")" "" "every diagnostic goes through src/base/log.c"
check "... the grep sees the log sink's own fprintf" \
    grep -q 'fprintf(stderr' "$srcdir/src/base/log.c"
mkdir -p "$T/tree2/src/deliver" "$T/tree2/tools"
printf '\tfprintf(stderr, "backscatter: oops\\n");\n' > "$T/tree2/src/deliver/x.c"
: > "$T/tree2/tools/y.c"
bare_stderr "$T/tree2" > "$T/bad2"
is "$(cat "$T/bad2")" 'src/deliver/x.c:1:	fprintf(stderr, "backscatter: oops\n");' \
    "... and a bare fprintf(stderr) is caught"

# Every bound lives in src/base/limits.h, and so in backscatter(1)'s
# LIMITS (docs.sh). A macro named like a bound (LIMIT_*, *_MAX, *_DEPTH,
# *_LIMIT, *_BYTES, *_SECONDS, *_MS, *_TRIES, *_STALE, *_WAIT, *_SIZE,
# *_ROUNDS, *_FILES; not a hexadecimal flag) defined elsewhere fails
# here, unless listed:
#	OPTIONS_IGNORED_MAX	the number of options --deliver can ignore,
#				not a bound on anything read
#	JSON_DEPTH		the nesting of the JSON the program writes,
#				fixed by its own code
#	PREFILTER_*, PF_*	how many literals the prefilter keeps of a rule
#				pattern: past them a rule runs without a
#				prefilter, with the same answer
#	LEADS_*, LEAD_*		how many leads (rules/leads.h) are read of a
#				pattern: past them it is tried everywhere,
#				with the same answer
#	CHUNK_SIZE, MAP_MIN_BYTES  an arena's allocation step, and the size
#				from which a message file is mapped: costs,
#				not bounds
# stray_bounds DIR: "file:line: #define NAME" for each
stray_bounds() {
	grep -n '^[[:space:]]*#[[:space:]]*define[[:space:]]\{1,\}[A-Z][A-Z0-9_]*[[:space:]]\{1,\}[(0-9]' \
	    "$1"/src/*/*.[ch] "$1"/tools/*.[ch] 2>/dev/null |
	    sed "s|^$1/||" | grep -v '^src/base/limits\.h:' |
	    grep -v 'define[[:space:]]*[A-Z0-9_]*[[:space:]]*0x' |
	    grep '#[[:space:]]*define[[:space:]]*\(LIMIT_[A-Z0-9_]*\|[A-Z0-9_]*_\(MAX\|DEPTH\|LIMIT\|BYTES\|SECONDS\|MS\|TRIES\|STALE\|WAIT\|SIZE\|ROUNDS\|FILES\)\)[[:space:]]' |
	    grep -v 'define[[:space:]]*\(OPTIONS_IGNORED_MAX\|JSON_DEPTH\|PREFILTER_[A-Z_]*\|PF_[A-Z_]*\|LEADS\{0,1\}_[A-Z_]*\|CHUNK_SIZE\|MAP_MIN_BYTES\)[[:space:]]' |
	    sed 's/^\([^:]*:[0-9]*:\).*define[[:space:]]*\([A-Z0-9_]*\).*/\1 #define \2/'
}
stray_bounds "$srcdir" > "$T/bounds"
is "$(head -5 "$T/bounds")" "" "every bound is defined in src/base/limits.h"
mkdir -p "$T/tree3/src/cli" "$T/tree3/tools"
printf '#define SCAN_NEW_MAX\t99\n#define SCAN_BLOCK\t32\n' > "$T/tree3/src/cli/x.c"
stray_bounds "$T/tree3" > "$T/bad3"
is "$(cat "$T/bad3")" "src/cli/x.c:1: #define SCAN_NEW_MAX" \
    "... and one defined in a .c file is caught (a block size is not a bound)"

# Installed paths come from configure (SYSCONFDIR in the code, @sysconfdir@
# and the like in the .in of the pages and examples): none is written out
# in src/ or doc/ (other programs' /etc paths in the examples are theirs)
paths=$(for f in "$srcdir"/src/*/*.[ch] "$srcdir"/doc/*.in "$srcdir"/doc/examples/*; do
	[ -f "$f.in" ] || echo "$f"
done | xargs grep -n '/etc/backscatter\|/usr/local\|/usr/share/backscatter' | head -3)
is "$paths" "" "no installed path is written out in src/ or doc/"

# The check itself: a copy of the tree where a base file includes a rules
# header must fail, naming the line.
mkdir -p "$T/tree/src/base" "$T/tree/src/rules"
printf '#include "rules/rules.h"\n' > "$T/tree/src/base/x.c"
printf '#include "base/buf.h"\n' > "$T/tree/src/rules/y.c"
check_tree "$T/tree" > "$T/bad"
is "$(cat "$T/bad")" "src/base/x.c:1: base includes rules/" \
    "an upward include is caught (base including rules), a downward one is not"
done_testing
