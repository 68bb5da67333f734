#!/bin/sh
# rules-snapshot.sh - the whole compiled rule set is kept beside the
# pattern cache (src/rules/snapshot.c) and taken as it is while no rule
# file or folder has changed: a run from it says what a run without a
# cache says; it is not written while a rule file is younger than
# RULES_SNAPSHOT_SETTLE (2 s) nor for a set with errors; a damaged one is
# ignored and written anew; a file changed in place (size and time kept),
# added or removed, is read as it now is; the configuration's score lines
# still apply, and stop applying when removed.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

msg=$srcdir/bench/data/dsn-attached.eml
R=$T/rules
mkdir "$R"
cat > "$R/10-subject.cf" <<'EOF'
header   BS_LOCAL_SUBJECT Subject =~ /\b(?:undeliver\w*|returned mail|failure notice)\b/i
describe BS_LOCAL_SUBJECT A bounce by its subject
score    BS_LOCAL_SUBJECT 0.7
EOF
cat > "$R/20-body.cf" <<'EOF'
body     BS_LOCAL_BODY /could not be delivered|mailbox unavailable|user unknown/i
score    BS_LOCAL_BODY 0.4
meta     BS_LOCAL_BOTH BS_LOCAL_SUBJECT && BS_LOCAL_BODY
score    BS_LOCAL_BOTH 0.2
EOF
cat > "$R/30-orig.cf" <<'EOF'
orig_header BS_LOCAL_ORIG Subject =~ /quarterly (figures|report)/i
score    BS_LOCAL_ORIG 0.3
EOF
printf 'rules_dir %s\n' "$R" > "$T/conf"
printf 'rules_dir %s\nscore BS_LOCAL_ORIG 4.5\n' "$R" > "$T/conf-score"
C=$HOME/.cache/backscatter

run() { bs --config "${1:-$T/conf}" --json < "$msg"; }
# the answer with no cache at all: its folder cannot be made
reference() { XDG_CACHE_HOME=$T/conf bs --config "${1:-$T/conf}" --json < "$msg"; }
snapfile() {
	_n=$(ls "$C" 2>/dev/null | grep '^rules-[0-9a-f]*\.set$' | head -1)
	[ -n "$_n" ] && echo "$C/$_n"
}
inode() { stat -c %i "$1" 2>/dev/null; }
answers() {
	case $3 in
	*'"backscatter":'*) is "$2 $3" "0 $4" "$1" ;;
	*) not_ok "$1"; diag "exit $2, not a verdict: $(printf '%s' "$3" | head -c 200)" ;;
	esac
}
# opened FILE: does a run open FILE, and the snapshot? (strace; "?" when
# it cannot tell)
opened() {
	command -v strace > /dev/null || { echo "?"; return; }
	strace -f -e trace=open,openat -o "$T/trace" "$BACKSCATTER" --config "$T/conf" \
	    --json < "$msg" > /dev/null 2>&1
	if grep -q "$1" "$T/trace"; then printf 'rule file opened, '; else printf 'no rule file, '; fi
	if grep -q 'rules-[0-9a-f]*\.set"' "$T/trace"; then echo "snapshot read"; else echo "no snapshot"; fi
}

ref=$(reference); rc=$?
case $rc$ref in 0*BS_LOCAL_BOTH*BS_LOCAL_ORIG*BS_LOCAL_SUBJECT*) ok "without a cache: the local rules fire" ;;
*) not_ok "without a cache: the local rules fire"; diag "exit $rc: $ref" ;; esac

out=$(run); rc=$?
answers "rule files just written: the same answer" "$rc" "$out" "$ref"
case $out in *'"backscatter":'*) v=verdict ;; *) v="no verdict" ;; esac
is "$rc $v [$(snapfile)] [$(ls "$C" 2>/dev/null | grep -c '^rules-[0-9a-f]*$')]" "0 verdict [] [1]" \
    "rule files just written: the patterns are cached, the set is not yet (they may change within the clock's tick)"

sleep 3
out=$(run); rc=$?
answers "settled: the same answer" "$rc" "$out" "$ref"
f=$(snapfile)
[ -n "$f" ] && [ -s "$f" ]
is "$?" 0 "settled: the snapshot is written"
is "$(stat -c %a "$f" 2>/dev/null)" 600 "the snapshot is private"
cp "$f" "$T/pristine"
ino=$(inode "$f")

out=$(run); rc=$?
answers "from the snapshot: the same answer" "$rc" "$out" "$ref"
is "${ino:-none} $(inode "$f")" "$ino $ino" "from the snapshot: not written again"
o=$(opened "$R/20-body.cf")
if [ "$o" = "?" ]; then ok "# SKIP no strace"; else
	is "$o" "no rule file, snapshot read" "from the snapshot: no rule file is opened, the snapshot is"; fi

out=$(run "$T/conf-score"); rc=$?
answers "a score line of the configuration applies to a set from the snapshot" "$rc" "$out" \
    "$(reference "$T/conf-score")"
case $out in *'"BS_LOCAL_ORIG"'*4.5*) ok "the configuration's score is the one used" ;;
*) not_ok "the configuration's score is the one used"; diag "$out" ;; esac
out=$(run); rc=$?
answers "and without that line the rule file's score is back" "$rc" "$out" "$ref"

damage() {
	cp "$T/pristine" "$f" && chmod 600 "$f"
	sh -c "$2" sh "$f"
	before=$(inode "$f")
	out=$(run); rc=$?
	answers "$1: ignored, the same answer" "$rc" "$out" "$ref"
	if [ "$(inode "$f")" != "$before" ] && cmp -s "$f" "$T/pristine"; then
		ok "$1: written anew"
	else
		not_ok "$1: written anew"
	fi
}
size=$(wc -c < "$T/pristine")
damage "cut short" "truncate -s $((size / 2)) \"\$1\""
damage "a bit flipped in the rules" "python3 -c 'import sys
p = sys.argv[1]; b = bytearray(open(p, \"rb\").read()); b[300] ^= 1
open(p, \"wb\").write(b)' \"\$1\""
damage "a bit flipped in the codes" "python3 -c 'import sys
p = sys.argv[1]; b = bytearray(open(p, \"rb\").read()); b[len(b) - 200] ^= 16
open(p, \"wb\").write(b)' \"\$1\""
damage "of another build" "printf 9 | dd of=\"\$1\" bs=1 seek=8 conv=notrunc 2>/dev/null"
damage "writable by others" "chmod 666 \"\$1\""

# Written into in place while runs read it (cp over it, rsync --inplace,
# a restore): a mapping shows such writes after its checksum, so the
# file is mapped only under a read lease (which keeps writers out while
# a run reads it) and read into private memory when another process has
# it open for writing. Held open for writing: the same answer, from the
# private copy.
cp "$T/pristine" "$f" && chmod 600 "$f"
python3 -c 'import os, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY); open(sys.argv[2], "w").close()
time.sleep(30)' "$f" "$T/holding" &
holder=$!
n=0; while [ ! -e "$T/holding" ] && [ $n -lt 100 ] && kill -0 "$holder" 2> /dev/null; do
	sleep 0.1; n=$((n + 1))
done
out=$(run); rc=$?
answers "the snapshot open for writing elsewhere: read privately, the same answer" "$rc" "$out" "$ref"
kill "$holder" 2> /dev/null; wait "$holder" 2> /dev/null
# Bytes of its rules flipped and flipped back, in place, as fast as they
# go, for 4 s, while filter mode runs four at a time: never a crash or a
# message held back (each run: 0, the message tagged), and a verdict
# only from a file as it was checked (the same answer, or one built from
# the files: the same).
cp "$T/pristine" "$f" && chmod 600 "$f"
python3 -c 'import os, sys, time
p = sys.argv[1]; data = open(p, "rb").read()
offs = list(range(200, min(len(data), 60000), 97))
orig = bytes(data[o] for o in offs); bad = bytes(b ^ 0x7f for b in orig)
end = time.time() + 4
while time.time() < end:
    for which in (bad, orig):
        fd = os.open(p, os.O_WRONLY)
        for o, b in zip(offs, which):
            os.pwrite(fd, bytes([b]), o)
        os.close(fd)
' "$f" &
flipper=$!
XDG_CACHE_HOME=$T/conf bs --config "$T/conf" < "$msg" > "$T/flip.ref" 2> /dev/null
ref_status=$(sed -n 's/^X-Backscatter-Status: \(.*\)/\1/p' "$T/flip.ref")
: > "$T/flip.bad"
while kill -0 "$flipper" 2> /dev/null; do
	pids=
	for i in 1 2 3 4; do
		( bs --config "$T/conf" < "$msg" > "$T/flip.$i" 2> /dev/null
		r=$?
		st=$(sed -n 's/^X-Backscatter-Status: \(.*\)/\1/p' "$T/flip.$i")
		[ "$r:$st" = "0:$ref_status" ] ||
		    echo "exit $r, status '$st'" >> "$T/flip.bad" ) &
		pids="$pids $!"
	done
	wait $pids
done
wait
is "${ref_status:+tagged}:$(head -3 "$T/flip.bad")" "tagged:" \
    "the snapshot written into in place during runs: every run 0 and tagged as without a cache"

# A rule file changed in place, its size and time kept: its change time
# tells, and the set is built from the files again.
cp -p "$R/10-subject.cf" "$T/subject.cf"
sed 's/failure notice/failure noticX/; s/undeliver/xndeliver/' "$T/subject.cf" > "$R/10-subject.cf"
touch -r "$T/subject.cf" "$R/10-subject.cf"
ref2=$(reference); rc=$?
case $rc$ref2 in 0*BS_LOCAL_SUBJECT*) not_ok "the changed rule no longer fires without a cache" ;;
0*BS_LOCAL_ORIG*) ok "the changed rule no longer fires without a cache" ;;
*) not_ok "the changed rule no longer fires without a cache" ;; esac
out=$(run); rc=$?
answers "a rule file changed in place is read as it now is" "$rc" "$out" "$ref2"

# A new file, then a file removed.
cat > "$R/40-new.cf" <<'EOF'
header   BS_LOCAL_NEW Subject =~ /undeliver|returned|failure/i
EOF
out=$(run); rc=$?
case $rc$out in 0*BS_LOCAL_NEW*) ok "a new rule file is read" ;;
*) not_ok "a new rule file is read"; diag "$out" ;; esac
sleep 3
run > /dev/null
out=$(run); rc=$?
case $rc$out in 0*BS_LOCAL_NEW*) ok "a new rule file: in the snapshot written after" ;;
*) not_ok "a new rule file: in the snapshot written after"; diag "$out" ;; esac
rm "$R/40-new.cf"
out=$(run); rc=$?
answers "a rule file removed is gone" "$rc" "$out" "$ref2"

# Rule files in two folders (the rules_dir and a rules_file beside it):
# each folder's files are looked up from that folder; a change in place
# in the second one (size and time kept) is seen, as in the first.
M=$T/more
mkdir "$M"
printf 'header   BS_LOCAL_MORE Subject =~ /undelivered mail/i\n' > "$M/more.cf"
printf 'rules_dir %s\nrules_file %s\n' "$R" "$M/more.cf" > "$T/conf-two"
sets_before=$(ls "$C" | grep -c '\.set$')
sleep 3
run "$T/conf-two" > /dev/null
is "$(ls "$C" | grep -c '\.set$')" "$((sets_before + 1))" "two folders: the set kept as a snapshot of its own"
out=$(run "$T/conf-two"); rc=$?
case $rc$out in 0*BS_LOCAL_MORE*) ok "two folders: the second folder's rule fires from the snapshot" ;;
*) not_ok "two folders: the second folder's rule fires from the snapshot"; diag "$out" ;; esac
cp -p "$M/more.cf" "$T/more.keep"
sed 's/undelivered mail/xndelivered mail/' "$T/more.keep" > "$M/more.cf"
touch -r "$T/more.keep" "$M/more.cf"
out=$(run "$T/conf-two"); rc=$?
case $rc$out in 0*BS_LOCAL_MORE*) not_ok "two folders: a change in place in the second folder is read"; diag "$out" ;;
0*'"backscatter":'*) ok "two folders: a change in place in the second folder is read" ;;
*) not_ok "two folders: a change in place in the second folder is read"; diag "exit $rc: $out" ;; esac

# A rules_dir written with a trailing slash ("rules/"): the folder is
# statted by that name, its files from the folder; the snapshot, once
# settled, is used and not written again.
printf 'rules_dir %s/\n' "$R" > "$T/conf-slash"
sleep 3
run "$T/conf-slash" > /dev/null
set_slash=$(ls -t "$C" | grep '\.set$' | head -1)
ino1=$(inode "$C/$set_slash")
out=$(run "$T/conf-slash"); rc=$?
ino2=$(inode "$C/$set_slash")
case $rc$out in 0*BS_LOCAL_ORIG*) slash_ok=fires ;; *) slash_ok="exit $rc" ;; esac
is "$slash_ok ${ino1:-none} $(ls "$C" | grep -c '\.set$')" "fires $ino2 $(ls "$C" | grep -c '\.set$')" \
    "rules_dir with a trailing slash: the snapshot used as it is, not written again"

# A set with an error is never kept whole: its errors are told every run.
rm -f "$C"/*.set
printf 'score BS_LOCAL_NOWHERE 1\n' > "$R/50-broken.cf"
sleep 3
bs --config "$T/conf" --lint > "$T/lint1" 2>&1; rc1=$?
bs --config "$T/conf" --lint > "$T/lint2" 2>&1; rc2=$?
is "$rc1 $rc2 $(snapfile)" "78 78 " "a set with errors: --lint finds them twice, no snapshot"
holds "a set with errors: the same report both times, the error told" \
    'cmp -s "$T/lint1" "$T/lint2" && grep -q BS_LOCAL_NOWHERE "$T/lint2"'

done_testing
