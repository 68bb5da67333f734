#!/bin/sh
# anatomy.sh - what backscatter --json reads from each bounce fixture.
#
# tests/data/anatomy/NAME.eml is a message; NAME.want lists what must be
# read from it, one "key<TAB>value" a line: key is a path into the JSON
# object (recipients.0.address, original.received.# for a count, and
# recipients.*.address for "one of them"); null for a JSON null, (missing)
# for a key the object does not have. A third column
# "TODO why" marks a known bug. A "file<TAB>PATH" line names another message
# (relative to the source tree). Lines starting with # are comments.
# Also checks tests/data/mta/ against its LABELS.tsv when present.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

# For each line "JSON<TAB>WANT<TAB>OUT" of the file it is given, write OUT:
# "key<TAB>want<TAB>got<TAB>todo" for each line of WANT against JSON (one
# python for all: started once a fixture, it was most of the test's time)
compare='
import json, os, sys
def walk(o, keys):
    if not keys:
        if o is None: return ["null"]
        if isinstance(o, bool): return ["true" if o else "false"]
        if isinstance(o, (list, dict)): return [json.dumps(o)]
        return [str(o)]
    k, rest = keys[0], keys[1:]
    if k == "#":
        return [str(len(o))] if isinstance(o, (list, dict)) else ["(none)"]
    if k == "*" and isinstance(o, list):
        return [v for e in o for v in walk(e, rest)]
    if isinstance(o, list) and k.isdigit() and int(k) < len(o):
        return walk(o[int(k)], rest)
    if isinstance(o, dict) and k in o:
        return walk(o[k], rest)
    return ["(missing)"]
def fields(json_file, want_file, out):
    try:
        got = json.load(open(json_file))
    except ValueError:
        got = None	# no key holds, not even "(missing)"
    for line in open(want_file, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if not line.strip() or line.startswith("#") or f[0] == "file":
            continue
        want = f[1] if len(f) > 1 else ""
        vals = walk(got, f[0].split(".")) if got is not None else ["(not JSON)"]
        res = want if "*" in f[0] and want in vals else "|".join(vals)
        todo = f[2][5:] if len(f) > 2 and f[2].startswith("TODO") else ""
        print("\t".join([f[0], want, res.replace("\t", " ").replace("\n", " "), todo]), file=out)
# (the paths as the shell wrote them, whatever their bytes)
for line in open(sys.argv[1], encoding="utf-8", errors="surrogateescape"):
    j, w, o = line.rstrip("\n").split("\t")
    try:
        with open(o + ".tmp", "w", encoding="utf-8") as out:
            fields(j, w, out)
    except Exception as e:
        print("# %s: %s" % (w, e), file=sys.stderr)
        continue
    os.rename(o + ".tmp", o)
'

# run_all: every message of $T/runs (MESSAGE<TAB>KEY a line) through
# --json, as many at a time as there are processors (under valgrind each
# takes a second or more): $T/r/KEY.json, .err and .rc.
run_all() {
	mkdir -p "$T/r"
	jobs=$(nproc 2>/dev/null || echo 2)
	export VALGRIND BACKSCATTER T
	tr '\t\n' '\0\0' < "$T/runs" | xargs -0 -r -n 2 -P "$jobs" sh -c '
		$VALGRIND "$BACKSCATTER" --json < "$1" > "$T/r/$2.json" \
		    2> "$T/r/$2.err"
		echo $? > "$T/r/$2.rc"' sh
	: > "$T/runs"
}

# compare_all: the fields of every run of $T/cmp (JSON<TAB>WANT<TAB>OUT)
compare_all() {
	python3 -c "$compare" "$T/cmp" || not_ok "the want files can be compared"
	: > "$T/cmp"
}

# check_message NAME MESSAGE RUN: what run_all and compare_all wrote for RUN
check_message() {
	name=$1 msg=$2 run=$3
	if [ ! -f "$msg" ]; then
		not_ok "$name: message file exists"; return
	fi
	rc=
	[ -f "$T/r/$run.rc" ] && read -r rc < "$T/r/$run.rc"
	if [ "$rc" != 0 ]; then
		not_ok "$name: --json exits 0"; sed 's/^/# /' "$T/r/$run.err"
		return
	fi
	[ -f "$T/r/$run.fields" ] || { not_ok "$name: output is JSON"; return; }
	while IFS='	' read -r key wantv gotv todo; do
		TODO=$todo
		is "$gotv" "$wantv" "$name: $key"
		TODO=
	done < "$T/r/$run.fields"
}

# ANATOMY_EVERY=N: every Nth fixture only (.ci/run's valgrind pass; the
# sanitizer build and make check read them all)
every=${ANATOMY_EVERY:-1}
: > "$T/runs"
: > "$T/cmp"
dir=$srcdir/tests/data/anatomy
ls "$dir"/*.want | awk -v n="$every" '(NR - 1) % n == 0' > "$T/wants"
# WANT<TAB>NAME<TAB>MESSAGE a fixture, the message named by a "file"
# line where there is one
# (the paths from the environment: awk -v would read escapes in them)
AN_DIR=$dir AN_SRC=$srcdir awk '{
	dir = ENVIRON["AN_DIR"]; src = ENVIRON["AN_SRC"]
	want = $0; name = want
	sub(/.*\//, "", name); sub(/\.want$/, "", name)
	msg = dir "/" name ".eml"
	while ((getline l < want) > 0)
		if (l ~ /^file\t/) msg = src "/" substr(l, 6)
	close(want)
	print want "\t" name "\t" msg
}' "$T/wants" > "$T/list"
while IFS='	' read -r want name msg; do
	[ -f "$msg" ] && printf '%s\t%s\n' "$msg" "a-$name" >> "$T/runs"
	printf '%s\t%s\t%s\n' "$T/r/a-$name.json" "$want" \
	    "$T/r/a-$name.fields" >> "$T/cmp"
done < "$T/list"
run_all
compare_all
while IFS='	' read -r want name msg; do
	check_message "$name" "$msg" "a-$name"
done < "$T/list"

# Real bounces made by real MTAs on loopback (tests/tools/mkbounces).
mta=$srcdir/tests/data/mta
if [ -f "$mta/LABELS.tsv" ]; then
	python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8"), delimiter="\t"))
for r in rows:
    lines = ["kind\t" + r["kind"]] if r.get("kind") else []
    if r.get("recipient"):
        lines.append("recipients.*.address\t" + r["recipient"])
    if r.get("message_id"):
        lines.append("original.message_id\t" + r["message_id"].strip("<>"))
    open(sys.argv[2] + "/" + r["file"] + ".want", "w").write("\n".join(lines) + "\n")
' "$mta/LABELS.tsv" "$T" || not_ok "tests/data/mta/LABELS.tsv is readable"
	for want in "$T"/*.want; do
		[ -f "$want" ] || continue
		name=${want##*/}
		name=${name%.want}
		[ -f "$mta/$name" ] &&
		    printf '%s\t%s\n' "$mta/$name" "m-$name" >> "$T/runs"
		printf '%s\t%s\t%s\n' "$T/r/m-$name.json" "$want" \
		    "$T/r/m-$name.fields" >> "$T/cmp"
	done
	run_all
	compare_all
	for want in "$T"/*.want; do
		[ -f "$want" ] || continue
		name=${want##*/}
		name=${name%.want}
		check_message "mta/$name" "$mta/$name" "m-$name"
	done
else
	diag "tests/data/mta/LABELS.tsv absent: real-MTA fixtures not checked"
fi
done_testing
