#!/bin/sh
# hosts-maildrop.sh - the real maildrop with doc/examples/mailfilter:
# xfilter "backscatter", then filing on the header; byte-exact apart from
# our headers; a failing filter makes maildrop exit 75 (the MTA retries).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

command -v maildrop > /dev/null || skip_all "maildrop is not installed (Debian: apt-get install maildrop)"
if [ "$(id -u)" = 0 ]; then
	RUNAS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	OWNER=nobody:nogroup
else
	RUNAS= OWNER=
fi
chmod 755 "$T"
mkdir "$T/bin" "$T/.config" "$T/.config/backscatter"
ln -s "$BACKSCATTER" "$T/bin/backscatter"
echo 'required_score 2.0' > "$T/.config/backscatter/config"
# maildrop runs the filter through the passwd SHELL (nobody's is
# nologin), with its own PATH and the passwd HOME: set a shell, and name
# the binary under test and the test's threshold in the example's line
echo 'required_score 2.0' > "$T/bs.conf"
{ echo 'SHELL="/bin/sh"'
  sed "s|xfilter \"backscatter\"|xfilter \"$BACKSCATTER --config $T/bs.conf\"|" \
    "$srcdir/doc/examples/mailfilter"; } > "$T/mailfilter"
grep -q "^xfilter \"$BACKSCATTER --config" "$T/mailfilter" &&
    ok "the example's xfilter line is there to run" ||
    not_ok "the example's xfilter line is there to run"
chmod 600 "$T/mailfilter"
yes=$srcdir/examples/bounce-backscatter.eml
no=$srcdir/examples/bounce-legit.eml
[ -n "$OWNER" ] && chown -R "$OWNER" "$T"
files() { find "$1" -type f 2>/dev/null | wc -l | tr -d ' '; }
md() {
	$RUNAS env -i HOME="$T" PATH=/usr/bin:/bin timeout 30 \
	    maildrop "$T/mailfilter" < "$1"
}
# maildrop's $HOME is the passwd one: the example's $HOME/Maildir is $T's
sed -i "s|^MAILDIR=.*|MAILDIR=\"$T/Maildir\"|" "$T/mailfilter"
$RUNAS maildirmake "$T/Maildir" && $RUNAS maildirmake -f Junk "$T/Maildir"
is "$?" 0 "maildirmake (as the example says)"

md "$yes"; is "$?" 0 "maildrop xfilter, backscatter: exit 0"
md "$no"; is "$?" 0 "maildrop xfilter, legitimate: exit 0"
is "$(files "$T/Maildir/.Junk/new"):$(files "$T/Maildir/new")" "1:1" \
    "backscatter in .Junk, the legitimate bounce in the inbox"
"$BACKSCATTER" --config "$T/bs.conf" < "$yes" > "$T/want"
check "the .Junk copy is filter mode's output, byte for byte" \
    cmp -s "$T/want" "$(find "$T/Maildir/.Junk/new" -type f)"

# a From_ line first: kept first by us, so maildrop does not bury it in
# the header
{ printf 'From MAILER-DAEMON  Fri Nov 27 05:04:48 2026\n'; cat "$yes"; } > "$T/fromline.eml"
md "$T/fromline.eml"; is "$?" 0 "a From_ line first: exit 0"
f=$(ls -t "$T/Maildir/.Junk/new/"* | head -1)
sed -n '2,$p' "$f" | grep -q '^From ' && not_ok "no From_ line inside the header" ||
    ok "no From_ line inside the header"

# a filter that fails: maildrop exits 75, nothing stored
printf '#!/bin/sh\ncat > /dev/null; exit 75\n' > "$T/bin/backscatter.fail"
chmod 755 "$T/bin/backscatter.fail"
{ echo 'SHELL="/bin/sh"'
  sed "s|xfilter \"backscatter\"|xfilter \"$T/bin/backscatter.fail\"|" \
    "$srcdir/doc/examples/mailfilter"; } > "$T/mailfilter"
chmod 600 "$T/mailfilter"; [ -n "$OWNER" ] && chown "$OWNER" "$T/mailfilter"
n=$(files "$T/Maildir")
md "$yes" 2> /dev/null; is "$?" 75 "a failing filter: maildrop exits 75"
is "$(files "$T/Maildir")" "$n" "a failing filter: nothing stored"

done_testing
