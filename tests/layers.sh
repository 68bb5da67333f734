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

# The check itself: a copy of the tree where a base file includes a rules
# header must fail, naming the line.
mkdir -p "$T/tree/src/base" "$T/tree/src/rules"
printf '#include "rules/rules.h"\n' > "$T/tree/src/base/x.c"
printf '#include "base/buf.h"\n' > "$T/tree/src/rules/y.c"
check_tree "$T/tree" > "$T/bad"
is "$(cat "$T/bad")" "src/base/x.c:1: base includes rules/" \
    "an upward include is caught (base including rules), a downward one is not"
done_testing
