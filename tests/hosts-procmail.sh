#!/bin/sh
# hosts-procmail.sh - the real procmail with the recipes of
# doc/examples: ":0 fw | backscatter" then filing on the header, and
# ":0 HB * ? backscatter --test"; into Maildir folders, byte-exact apart
# from our headers; a failing filter defers (75) and never mangles.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

command -v procmail > /dev/null || skip_all "procmail is not installed (Debian: apt-get install procmail)"

mkdir "$T/bin" "$T/Maildir" "$T/.config" "$T/.config/backscatter"
ln -s "$BACKSCATTER" "$T/bin/backscatter"
# the threshold for these tests: the example bounce is well above it, the
# legitimate one well below
echo 'required_score 2.0' > "$T/.config/backscatter/config"
yes=$srcdir/examples/bounce-backscatter.eml
no=$srcdir/examples/bounce-legit.eml
ex=$srcdir/doc/examples
files() { find "$1" -type f 2>/dev/null | wc -l | tr -d ' '; }
# pm RC MSG: procmail as a delivery agent with that rc (the example
# word for word; PATH leads to the binary under test)
pm() {
	env -i PATH="$T/bin:/usr/bin:/bin" timeout 30 procmail -m \
	    HOME="$T" PATH="$T/bin:/usr/bin:/bin" "$1" < "$2"
}

# --- :0 fw filter, then the header ----------------------------------------
cp "$ex/procmailrc" "$T/rc"
pm "$T/rc" "$yes"; is "$?" 0 "procmail :0 fw, backscatter: exit 0"
pm "$T/rc" "$no"; is "$?" 0 "procmail :0 fw, legitimate: exit 0"
is "$(files "$T/Maildir/.Junk/new")" 1 "the backscatter is in .Junk"
is "$(files "$T/Maildir/new")" 1 "the legitimate bounce is in the inbox"
HOME=$T "$BACKSCATTER" < "$yes" > "$T/want"
# procmail adds a blank line when the message does not end in one
f=$(find "$T/Maildir/.Junk/new" -type f)
if cmp -s "$T/want" "$f" || { cat "$T/want"; echo; } | cmp -s - "$f"; then
	ok "the .Junk copy is filter mode's output (procmail's trailing newline aside)"
else
	not_ok "the .Junk copy is filter mode's output"
fi
grep -q '^X-Backscatter-Status: No' "$T/Maildir/new/"* &&
    ok "the inbox copy is tagged No" || not_ok "the inbox copy is tagged No"

# a failing filter: procmail exits 75 (the MTA defers), nothing stored
rm -rf "$T/Maildir"; mkdir "$T/Maildir"
printf '#!/bin/sh\ncat > /dev/null; exit 75\n' > "$T/bin/backscatter.fail"
sed 's/| backscatter$/| backscatter.fail/' "$ex/procmailrc" > "$T/rc-fail"
chmod 755 "$T/bin/backscatter.fail"
pm "$T/rc-fail" "$yes"; is "$?" 75 "a failing filter: procmail exits 75"
is "$(files "$T/Maildir")" 0 "a failing filter: nothing stored"
# our own failure path: unwritable stdout is not testable here. A broken
# configuration never stops mail: the lines that parsed apply
printf 'no_such_directive 1\nrequired_score 100\n' > "$T/.config/backscatter/config"
pm "$T/rc" "$yes"; is "$?" 0 "a broken config: procmail still delivers"
check "a broken config: the message arrives in the inbox, judged by the line that parsed" \
    grep -q '^X-Backscatter-Status: No, .*required=100\.0' "$(find "$T/Maildir/new" -type f)"
echo 'required_score 2.0' > "$T/.config/backscatter/config"

# --- :0 HB * ? backscatter --test ---------------------------------------------
rm -rf "$T/Maildir"; mkdir "$T/Maildir"
cp "$ex/procmailrc-test" "$T/rc"
pm "$T/rc" "$yes"; is "$?" 0 "procmail * ? --test, backscatter: exit 0"
pm "$T/rc" "$no"; is "$?" 0 "procmail * ? --test, legitimate: exit 0"
is "$(files "$T/Maildir/.Junk/new"):$(files "$T/Maildir/new")" "1:1" \
    "--test files the backscatter in .Junk, the rest in the inbox"
f=$(find "$T/Maildir/.Junk/new" -type f)
if cmp -s "$yes" "$f" || { cat "$yes"; echo; } | cmp -s - "$f"; then
	ok "--test leaves the message untouched"
else
	not_ok "--test leaves the message untouched"
fi
# without HB procmail feeds only the header: the verdict must not be Yes
# from the header alone here (and nothing breaks)
sed 's/^:0 HB$/:0/' "$ex/procmailrc-test" > "$T/rc-h"
rm -rf "$T/Maildir"; mkdir "$T/Maildir"
pm "$T/rc-h" "$yes"; is "$?" 0 "* ? without HB: procmail still delivers (exit 0)"

done_testing
