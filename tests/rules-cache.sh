#!/bin/sh
# rules-cache.sh - the patterns of rule files are compiled once and kept in
# ~/.cache/backscatter (src/rules/cache.c): a run with the cache says what
# a run without one says; a cache that is cut short, damaged, of another
# build or not private is ignored and written anew; a rule file changed
# (even keeping its size and time) is read as it now is.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

msg=$srcdir/bench/data/dsn-attached.eml
R=$T/rules
mkdir "$R"
cat > "$R/10-subject.cf" <<'EOF'
header   BS_LOCAL_SUBJECT Subject =~ /\b(?:undeliver\w*|returned mail|failure notice)\b/i
score    BS_LOCAL_SUBJECT 0.7
EOF
cat > "$R/20-body.cf" <<'EOF'
# branches, each with its own literals
body     BS_LOCAL_BODY /could not be delivered|mailbox unavailable|user unknown/i
score    BS_LOCAL_BODY 0.4
EOF
cat > "$R/30-orig.cf" <<'EOF'
orig_header BS_LOCAL_ORIG Subject =~ /quarterly (figures|report)/i
score    BS_LOCAL_ORIG 0.3
orig_body BS_LOCAL_ORIG_BODY /zzqx-never-there/
EOF
printf 'rules_dir %s\n' "$R" > "$T/conf"
C=$HOME/.cache/backscatter

# run: --json of the message with the rules; the cache where HOME says
run() { bs --config "$T/conf" --json < "$msg"; }
# the answer with no cache at all: its folder cannot be made
reference() { XDG_CACHE_HOME=$T/conf bs --config "$T/conf" --json < "$msg"; }
cachefile() {
	_n=$(ls "$C" 2>/dev/null | grep '^rules-[0-9a-f]*$' | head -1)
	[ -n "$_n" ] && echo "$C/$_n"
}
inode() { stat -c %i "$1" 2>/dev/null; }
# answers DESCRIPTION RC OUT WANT: exit 0 with a verdict, and the one wanted
answers() {
	case $3 in
	*'"backscatter":'*) is "$2 $3" "0 $4" "$1" ;;
	*) not_ok "$1"; diag "exit $2, not a verdict: $(printf '%s' "$3" | head -c 200)" ;;
	esac
}

ref=$(reference); rc=$?
case $rc$ref in 0*BS_LOCAL_ORIG*BS_LOCAL_SUBJECT*) ok "without a cache: the local rules fire" ;;
*) not_ok "without a cache: the local rules fire"; diag "exit $rc: $ref" ;; esac
case $ref in *'"backscatter":'*) v=verdict ;; *) v="no verdict" ;; esac
is "$rc $v, in HOME: $(ls -A "$HOME")" "0 verdict, in HOME: " \
    "without a cache: a verdict, nothing written in HOME"

out=$(run); rc=$?
answers "first run: the same answer" "$rc" "$out" "$ref"
f=$(cachefile)
[ -n "$f" ] && [ -s "$f" ]
is "$?" 0 "first run: the cache is written"
is "$(stat -c %a "$f" 2>/dev/null) $(stat -c %a "$C" 2>/dev/null)" "600 700" \
    "the cache and its folder are private"
cp "$f" "$T/pristine"
ino=$(inode "$f")

rm -f "$C"/*.set
out=$(run); rc=$?
answers "second run: the same answer" "$rc" "$out" "$ref"
is "${ino:-no cache} $(inode "$f")" "$ino $ino" "second run: the cache is used, not written again"

# damage DESCRIPTION COMMAND: the cache damaged by COMMAND is ignored
# (same answer) and replaced by a whole one
damage() {
	# the whole set, once kept (rules-snapshot.sh), is read before
	# this cache: gone, so that this one is read
	rm -f "$C"/*.set
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
damage "cut to nothing" ": > \"\$1\""
# one bit in the middle of the compiled codes
damage "a bit flipped" "python3 -c 'import sys
p = sys.argv[1]; b = bytearray(open(p, \"rb\").read()); b[len(b) * 2 // 3] ^= 4
open(p, \"wb\").write(b)' \"\$1\""
# the build line of the head (after the 8-byte magic): another version
damage "of another build" "printf 9 | dd of=\"\$1\" bs=1 seek=8 conv=notrunc 2>/dev/null"
damage "of another format" "printf X | dd of=\"\$1\" bs=1 seek=0 conv=notrunc 2>/dev/null"
damage "writable by others" "chmod 666 \"\$1\""
is "$(stat -c %a "$f")" 600 "a cache writable by others is replaced by a private one"

# A rule file changed in place, its size and time kept: the new pattern
# is compiled (an entry is found by its text, not by the file's stamp).
cp -p "$R/10-subject.cf" "$T/subject.cf"
sed 's/failure notice/failure noticX/; s/undeliver/xndeliver/' "$T/subject.cf" > "$R/10-subject.cf"
touch -r "$T/subject.cf" "$R/10-subject.cf"
[ "$(wc -c < "$R/10-subject.cf")" = "$(wc -c < "$T/subject.cf")" ] ||
    diag "the changed rule file should keep its size"
ref2=$(reference); rc=$?
case $rc$ref2 in 0*BS_LOCAL_SUBJECT*) not_ok "the changed rule no longer fires without a cache" ;;
0*BS_LOCAL_ORIG*) ok "the changed rule no longer fires without a cache" ;;
*) not_ok "the changed rule no longer fires without a cache" ;; esac
out=$(run); rc=$?
answers "a changed rule file is read as it now is" "$rc" "$out" "$ref2"
out=$(run); rc=$?
answers "and again, from the cache written for it" "$rc" "$out" "$ref2"

# A new rule file is picked up too.
cat > "$R/40-new.cf" <<'EOF'
header   BS_LOCAL_NEW Subject =~ /returned to sender/i
EOF
out=$(run); rc=$?
case $rc$out in 0*BS_LOCAL_NEW*) ok "a new rule file is read" ;;
*) not_ok "a new rule file is read" ;; esac
answers "a new rule file: the same answer as without a cache" "$rc" "$out" "$(reference)"

# A rule defined again in a later file: the first definition's pattern is
# compiled (a broken redefinition must keep it) and dropped; the cache
# holds the kept one and is not written again on every run (a set with an
# error, which no snapshot spares from the pattern cache).
R2=$T/rules-again
mkdir "$R2"
printf 'body     BS_LOCAL_AGAIN /first definition/\n' > "$R2/10-a.cf"
printf 'body     BS_LOCAL_AGAIN /second definition/\nmeta     BS_LOCAL_BAD BS_LOCAL_NOWHERE\n' > "$R2/20-b.cf"
printf 'rules_dir %s\n' "$R2" > "$T/conf-again"
rm -rf "$C"
bs --config "$T/conf-again" --json < "$msg" > /dev/null 2>&1
f2=$(cachefile); ino2=$(inode "$f2"); t2=$(stat -c %Y.%y "$f2" 2>/dev/null)
bs --config "$T/conf-again" --json < "$msg" > /dev/null 2>&1
bs --config "$T/conf-again" --json < "$msg" > /dev/null 2>&1
is "${ino2:-no cache} ${t2:+time} $(inode "$f2") $(stat -c %Y.%y "$f2" 2>/dev/null)" \
    "$ino2 time $ino2 $t2" "a rule redefined in a later file: the cache written once, not on every run"
rm -rf "$C"

# No HOME and no XDG_CACHE_HOME: no cache, the same answer.
out=$(env -u HOME $VALGRIND "$BACKSCATTER" --config "$T/conf" --json < "$msg"); rc=$?
answers "no HOME: no cache, the same answer" "$rc" "$out" "$(reference)"

done_testing
