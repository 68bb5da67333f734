#!/bin/sh
# golden.sh - what the program says about every fixture and every sample of
# the Sisimai corpus, compared with the stored run in tests/data/golden/:
# the digest of filter mode's output and the whole --json, byte for byte.
#
# A change that moves code must leave every line as it was. A change meant
# to alter a verdict or a reading changes lines here: rerun
# tests/tools/golden-update and read the diff of the stored run before
# committing it.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

# compare NAME DIR STORED: one result for the whole set, a diagnostic line
# for each message whose output differs
compare() {
	set -- "$1" "$2" "$3" $(cut -f1 "$3")
	label=$1 dir=$2 stored=$3
	shift 3
	[ $# -gt 0 ] || { not_ok "$label: the stored run lists messages"; return; }
	# a program that cannot read the first message (none in a stored
	# run fails) is not run on thousands more
	if ! "$BACKSCATTER" --config /dev/null < "$dir/$1" > /dev/null 2>&1; then
		not_ok "$label: $# messages, output as stored"
		diag "the program fails on $1"
		return
	fi
	sh "$srcdir/tests/tools/golden-run" "$BACKSCATTER" "$dir" "$@" > "$T/run"
	if cmp -s "$T/run" "$stored"; then
		ok "$label: $# messages, output as stored"
		return
	fi
	not_ok "$label: $# messages, output as stored"
	diff "$stored" "$T/run" | sed -n 's/^< \([^	]*\)	.*/\1/p' | sort -u |
	    head -20 | while IFS= read -r n; do diag "differs: $n"; done
}

compare fixtures "$srcdir" "$srcdir/tests/data/golden/fixtures.tsv"
# every fixture of the tree is in the stored run, so none goes unchecked
cut -f1 "$srcdir/tests/data/golden/fixtures.tsv" > "$T/stored-names"
(cd "$srcdir" && find tests/data examples -type f -name '*.eml' | LC_ALL=C sort) > "$T/names"
is "$(comm -3 "$T/stored-names" "$T/names" | head -5 | tr '\n' ' ')" "" \
    "the stored run lists exactly the fixtures of the tree"

corpus=$srcdir/../shared/corpus/sisimai/maildir
if [ -d "$corpus" ]; then
	compare sisimai "$corpus" "$srcdir/tests/data/golden/sisimai.tsv"
else
	echo "ok $((tap_n + 1)) # SKIP no Sisimai corpus at $corpus"
	tap_n=$((tap_n + 1))
fi
done_testing
