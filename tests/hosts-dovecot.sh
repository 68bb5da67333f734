#!/bin/sh
# hosts-dovecot.sh - the real Dovecot Pigeonhole (no daemon): dovecot-lda
# and sieve-test with sieve_extprograms, running the scripts of
# doc/examples: vnd.dovecot.filter (tag, then test the header) and
# vnd.dovecot.execute (--test as a Sieve test). CRLF input, no From_
# line under dovecot-lda; byte-exact apart from our headers.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

LDA=/usr/lib/dovecot/dovecot-lda
[ -x "$LDA" ] && command -v sieve-test > /dev/null ||
    skip_all "dovecot-core and dovecot-sieve are not installed"
[ -f /usr/lib/dovecot/modules/sieve/lib90_sieve_extprograms_plugin.so ] ||
    skip_all "the sieve_extprograms plugin is not installed (dovecot-sieve)"
if [ "$(id -u)" = 0 ]; then
	RUNAS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	OWNER=nobody:nogroup
else
	RUNAS= OWNER=
fi

chmod 755 "$T"
mkdir "$T/filter-bin" "$T/execute-bin" "$T/Maildir" "$T/.config" "$T/.config/backscatter"
ln -s "$BACKSCATTER" "$T/filter-bin/backscatter"
ln -s "$BACKSCATTER" "$T/execute-bin/backscatter"
echo 'required_score 2.0' > "$T/.config/backscatter/config"
cat > "$T/dovecot.conf" <<C
ssl = no
log_path = /dev/stderr
mail_location = maildir:$T/Maildir
protocol lda {
  mail_plugins = sieve
}
plugin {
  sieve = file:$T/sieve;active=$T/active.sieve
  sieve_plugins = sieve_extprograms
  sieve_extensions = +vnd.dovecot.filter +vnd.dovecot.execute
  sieve_filter_bin_dir = $T/filter-bin
  sieve_execute_bin_dir = $T/execute-bin
}
C
cp "$srcdir/doc/examples/dovecot-filter.sieve" "$srcdir/doc/examples/dovecot-execute.sieve" "$T/"
yes=$srcdir/examples/bounce-backscatter.eml
no=$srcdir/examples/bounce-legit.eml
[ -n "$OWNER" ] && chown -R "$OWNER" "$T"
files() { find "$1" -type f 2>/dev/null | wc -l | tr -d ' '; }
# lda SCRIPT MSG: dovecot-lda as the mail user, null sender
lda() {
	cp "$T/$1" "$T/active.sieve"; [ -n "$OWNER" ] && chown "$OWNER" "$T/active.sieve"
	$RUNAS env -i HOME="$T" USER=nobody PATH=/usr/bin:/bin timeout 30 \
	    "$LDA" -c "$T/dovecot.conf" -f '' -a alice@northwind.example < "$2"
}
stored() { find "$T/Maildir/$1" -type f | head -1; }

# --- vnd.dovecot.filter --------------------------------------------------------
lda dovecot-filter.sieve "$yes" 2> "$T/err"; is "$?" 0 "dovecot-lda + filter, backscatter: exit 0"
lda dovecot-filter.sieve "$no" 2>> "$T/err"; is "$?" 0 "dovecot-lda + filter, legitimate: exit 0"
is "$(files "$T/Maildir/.Junk/new")" 1 "filter: the backscatter is in .Junk"
is "$(files "$T/Maildir/new")" 1 "filter: the legitimate bounce is in the INBOX"
grep -q 'Terminated with non-zero' "$T/err" && not_ok "filter: the program never failed" ||
    ok "filter: the program never failed"
# Dovecot feeds CRLF; it stores LF. Compare with filter mode on CRLF input,
# line ends normalised.
sed 's/$/\r/' "$yes" | HOME=$T "$BACKSCATTER" | tr -d '\r' > "$T/want"
grep -v '^X-Backscatter-' "$(stored .Junk/new)" | tr -d '\r' > "$T/got.rest"
tr -d '\r' < "$(stored .Junk/new)" | grep -A3 '^X-Backscatter-Status' > "$T/got.hdr"
grep -A3 '^X-Backscatter-Status' "$T/want" > "$T/want.hdr"
check "filter: the stored headers are ours" cmp -s "$T/want.hdr" "$T/got.hdr"
grep -v '^X-Backscatter-\|^	tests=' "$T/want" > "$T/want.rest"
grep -v '^	tests=' "$T/got.rest" > "$T/got.rest2"
check "filter: every other byte as it came" cmp -s "$T/want.rest" "$T/got.rest2"
grep -q '^X-Backscatter-Status: No' "$(stored new)" &&
    ok "filter: the INBOX copy is tagged No" || not_ok "filter: the INBOX copy is tagged No"

# --- vnd.dovecot.execute :pipe backscatter --test --------------------------------
rm -rf "$T/Maildir"; $RUNAS mkdir "$T/Maildir"
lda dovecot-execute.sieve "$yes" 2> "$T/err"; is "$?" 0 "dovecot-lda + execute, backscatter: exit 0"
lda dovecot-execute.sieve "$no" 2>> "$T/err"; is "$?" 0 "dovecot-lda + execute, legitimate: exit 0"
is "$(files "$T/Maildir/.Junk/new"):$(files "$T/Maildir/new")" "1:1" \
    "execute: backscatter in .Junk, the legitimate bounce in the INBOX"
tr -d '\r' < "$(stored .Junk/new)" > "$T/got"
check "execute: the message is stored untouched" cmp -s "$yes" "$T/got"

# --- sieve-test: what the script decides, with the From_ line sieve-test keeps ----
{ printf 'From MAILER-DAEMON  Fri Nov 27 05:04:48 2026\n'; cat "$yes"; } > "$T/fromline.eml"
[ -n "$OWNER" ] && chown "$OWNER" "$T/fromline.eml"
$RUNAS env -i HOME="$T" PATH=/usr/bin:/bin timeout 30 sieve-test -C \
    -c "$T/dovecot.conf" "$T/dovecot-filter.sieve" "$T/fromline.eml" > "$T/out" 2>&1
is "$?" 0 "sieve-test runs the filter script"
grep -q 'store message in folder: Junk' "$T/out" &&
    ok "sieve-test: a From_ line first still files into Junk" ||
    { not_ok "sieve-test: a From_ line first still files into Junk"; diag "$(cat "$T/out")"; }

done_testing
