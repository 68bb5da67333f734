#!/bin/sh
# hosts-maildrop.sh - the real maildrop with the maildrop recipe of
# backscatter(1), taken from the page word for word (tests/doclib.sh),
# after the maildirmake command the page gives: xfilter "backscatter",
# then filing on the header; byte-exact apart from our fields; a failing
# filter makes maildrop exit 75 (the MTA retries).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$srcdir/tests/doclib.sh"

command -v maildrop > /dev/null || skip_all "maildrop is not installed (Debian: apt-get install maildrop)"
host_bin
# rc BLOCK: the recipe as the user's filter file, after what maildrop
# would take from the passwd entry of a real user (nobody has none):
# SHELL, HOME, and a PATH with the program in it
rc() {
	{ printf 'SHELL="/bin/sh"\nHOME="%s"\nPATH="%s/bin:/usr/bin:/bin"\n' "$T" "$T"
	  cat "$1"; } > "$T/mailfilter"
	chmod 600 "$T/mailfilter"; [ -n "$OWNER" ] && chown "$OWNER" "$T/mailfilter"
}
md() {
	$RUNAS env -i HOME="$T" PATH=/usr/bin:/bin timeout 30 \
	    maildrop "$T/mailfilter" < "$1"
}

doc_blocks
recipe=$(blocks_with '^xfilter "backscatter"$' backscatter.1)
is "$(echo $recipe | wc -w)" 1 "backscatter(1) shows a maildrop recipe"
[ -n "$recipe" ] || done_testing
# the command the page gives to make the folder, and the Maildir
mkfolder=$(sed -n 's/^\.Pq Ic \(maildirmake .*\) ;$/\1/p' "$docdir/backscatter.1")
case $mkfolder in
'maildirmake -f Backscatter $HOME/Maildir') ok "the page makes the folder: $mkfolder" ;;
*) not_ok "the page makes the folder: $mkfolder" ;;
esac
[ -n "$OWNER" ] && chown -R "$OWNER" "$T"
$RUNAS env -i HOME="$T" PATH=/usr/bin:/bin sh -ec "maildirmake \$HOME/Maildir && $mkfolder"
is "$?" 0 "maildirmake (the user's Maildir, then the page's command)"

rc "$recipe"
md "$yes"; is "$?" 0 "maildrop xfilter, backscatter: exit 0"
md "$no"; is "$?" 0 "maildrop xfilter, legitimate: exit 0"
is "$(files "$T/Maildir/.Backscatter/new"):$(files "$T/Maildir/new")" "1:1" \
    "backscatter in .Backscatter, the legitimate bounce in the inbox"
HOME=$T "$BACKSCATTER" < "$yes" > "$T/want"
check "the .Backscatter copy is filter mode's output, byte for byte" \
    cmp -s "$T/want" "$(find "$T/Maildir/.Backscatter/new" -type f)"

# a From_ line first: kept first by us, so maildrop does not bury it in
# the header
{ printf 'From MAILER-DAEMON  Fri Nov 27 05:04:48 2026\n'; cat "$yes"; } > "$T/fromline.eml"
md "$T/fromline.eml"; is "$?" 0 "a From_ line first: exit 0"
f=$(ls -t "$T/Maildir/.Backscatter/new/"* | head -1)
sed -n '2,$p' "$f" | grep -q '^From ' && not_ok "no From_ line inside the header" ||
    ok "no From_ line inside the header"

# a filter that fails: maildrop exits 75, nothing stored
sed 's/^xfilter "backscatter"$/xfilter "backscatter.fail"/' "$recipe" > "$T/fail"
rc "$T/fail"
n=$(files "$T/Maildir")
md "$yes" 2> /dev/null; is "$?" 75 "a failing filter: maildrop exits 75"
is "$(files "$T/Maildir")" "$n" "a failing filter: nothing stored"

done_testing
