#!/bin/sh
# hosts-procmail.sh - the real procmail with every procmail recipe of the
# README and backscatter(1), taken from the documents word for word
# (tests/doclib.sh): ":0 fw | backscatter" then filing on the header, and
# ":0 HB * ? backscatter --test"; each files the backscatter bounce into
# the folder it names and the legitimate one into the inbox, byte-exact
# apart from our fields; a failing filter defers (75) and never mangles.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$srcdir/tests/doclib.sh"

command -v procmail > /dev/null || skip_all "procmail is not installed (Debian: apt-get install procmail)"

host_bin
# pm RC MSG: procmail as a delivery agent with that rc, HOME=$T, with no
# configuration; PATH leads to the binary under test
pm() {
	env -i PATH="$T/bin:/usr/bin:/bin" timeout 30 procmail -m \
	    HOME="$T" PATH="$T/bin:/usr/bin:/bin" "$1" < "$2"
}
# same FILE STORED: the stored copy is FILE (procmail adds a blank line
# when a message does not end in one)
same() { cmp -s "$1" "$2" || { cat "$1"; echo; } | cmp -s - "$2"; }

doc_blocks
rcs=$(blocks_with '^:0')
check "the README and backscatter(1) show procmail recipes ($(echo $rcs | wc -w))" \
    test "$(echo $rcs | wc -w)" -ge 4

for rc in $rcs; do
	name=$(block_name "$rc")
	# the user's Maildir exists (procmail makes its subdirectories)
	rm -rf "$T/Maildir" "$T/.config"; mkdir "$T/Maildir"
	# the folder the recipe files backscatter into: its last line
	folder=$(sed -n '$s|^\.\([A-Za-z]*\)/$|\1|p' "$rc")
	is "$folder" Backscatter "$name: files backscatter into the Maildir folder .Backscatter"
	pm "$rc" "$yes"; is "$?" 0 "$name: backscatter, exit 0"
	pm "$rc" "$no"; is "$?" 0 "$name: legitimate, exit 0"
	is "$(files "$T/Maildir/.$folder/new"):$(files "$T/Maildir/new")" 1:1 \
	    "$name: the backscatter in .$folder, the legitimate bounce in the inbox"
	stored=$(find "$T/Maildir/.$folder/new" -type f)
	if grep -q '^| backscatter$' "$rc"; then
		HOME=$T "$BACKSCATTER" < "$yes" > "$T/want"
		check "$name: the .$folder copy is filter mode's output" same "$T/want" "$stored"
		check "$name: the inbox copy is tagged No" \
		    grep -q '^X-Backscatter-Status: No' "$T/Maildir/new/"*
		# a failing filter: procmail exits 75 (the MTA defers), nothing stored
		rm -rf "$T/Maildir"; mkdir "$T/Maildir"
		sed 's/^| backscatter$/| backscatter.fail/' "$rc" > "$T/rc-fail"
		pm "$T/rc-fail" "$yes"; is "$?" 75 "$name: a failing filter, procmail exits 75"
		is "$(files "$T/Maildir")" 0 "$name: a failing filter, nothing stored"
		# a broken configuration never stops the mail: stored once,
		# whole, whatever the verdict
		mkdir -p "$T/.config/backscatter"
		printf 'no_such_directive 1\nrequired_score 100\n' > "$T/.config/backscatter/config"
		pm "$rc" "$yes"; is "$?" 0 "$name: a broken configuration, procmail still delivers"
		check "$name: ... judged by the line that parsed (required=100.0)" \
		    grep -q '^X-Backscatter-Status: No, .*required=100\.0' "$(find "$T/Maildir/new" -type f)"
		stored=$(find "$T/Maildir" -type f -path '*/new/*')
		is "$(files "$T/Maildir")" 1 "$name: a broken configuration, the message stored once"
		# our fields out, with every line they fold onto
		awk '/^X-Backscatter-/ { ours = 1; next }
		    ours && /^[ \t]/ { next } { ours = 0; print }' "$stored" > "$T/got"
		check "$name: ... whole, every byte but our fields as it came" same "$yes" "$T/got"
	else
		check "$name: the message is stored untouched" same "$yes" "$stored"
		# without HB procmail feeds only the header: nothing breaks
		sed 's/^:0 HB$/:0/' "$rc" > "$T/rc-h"
		rm -rf "$T/Maildir"; mkdir "$T/Maildir"
		pm "$T/rc-h" "$yes"; is "$?" 0 "$name: without HB, procmail still delivers"
		is "$(files "$T/Maildir")" 1 "$name: without HB, the message stored once"
	fi
done

done_testing
