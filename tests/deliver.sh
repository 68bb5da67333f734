#!/bin/sh
# deliver.sh - --deliver into a Maildir and an mbox: the default script,
# Sieve actions (keep, fileinto, discard, flags, reject, vacation,
# redirect), Maildir++ folder names, the implicit keep, script errors, the
# envelope, byte-exactness against filter mode, and refusing root.
# Delivery runs as an unprivileged user (nobody when the suite runs as root).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
# under ASan: libsieve's own leaks are not ours
LSAN_OPTIONS="suppressions=$srcdir/tests/deliver-lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

U=$T/u					# the mail user's home
mkdir "$U"
if [ "$(id -u)" = 0 ]; then
	chmod 755 "$T"
	chown nobody:nogroup "$U"
	RUNAS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	# the program where nobody can run it: the build tree may be
	# private (a clone in /root)
	cp "$BACKSCATTER" "$T/backscatter" && BACKSCATTER=$T/backscatter
else
	RUNAS=
fi
# d ARGS...: backscatter as the mail user, with a clean envelope
d() {
	$RUNAS env -u SENDER -u RECIPIENT -u ORIGINAL_RECIPIENT \
	    -u ORIG_RECIPIENT HOME="$U" $VALGRIND "$BACKSCATTER" "$@"
}
# files DIR: how many files are in DIR (0 if it does not exist)
files() { find "$1" -maxdepth 1 -type f 2>/dev/null | wc -l | tr -d ' '; }
# script NAME TEXT: a Sieve script in $T
script() { printf '%s\n' "$2" > "$T/$1.sieve"; }

bounce=$srcdir/examples/bounce-backscatter.eml
plain=$T/plain.eml
printf 'From: Oscar <oscar@oscar.example>\nTo: alice@northwind.example\nSubject: lunch\nMessage-ID: <l1@oscar.example>\n\nSee you at noon.\nFrom the office.\n' > "$plain"

# --- the default script --------------------------------------------------
M=$U/Maildir
d --deliver "$M" --required 1 < "$bounce" 2> "$T/err"
is "$?" 0 "backscatter, default script: exit 0"
is "$(files "$M/.Backscatter/new")" 1 "backscatter goes to .Backscatter/new"
is "$(files "$M/new")" 0 "... and not to the INBOX"
check "the folder has its maildirfolder marker" test -f "$M/.Backscatter/maildirfolder"
for sub in tmp new cur; do
	check "the Maildir has $sub/" test -d "$M/$sub"
done
bs --required 1 < "$bounce" > "$T/want"
check "stored bytes are filter mode's, byte for byte" \
    cmp -s "$T/want" "$M/.Backscatter/new/"*
check "stored bytes are the message's, apart from our fields" \
    python3 "$srcdir/tests/bytecheck.py" filter "$bounce" "$M/.Backscatter/new/"*

# a Maildir whose own name starts with a dot is no Maildir++ folder
d --deliver "$U/.maildir" < "$plain"
is "$?:$(files "$U/.maildir/new")" "0:1" "a Maildir named .maildir: delivered"
check "... with no maildirfolder marker" test ! -e "$U/.maildir/maildirfolder"
check "... and nothing made in the directory above" test ! -e "$U/new"
[ -s "$T/err" ] && not_ok "nothing on stderr when delivered" ||
    ok "nothing on stderr when delivered"

d --deliver "$M" --required 100 < "$bounce"
is "$?" 0 "not backscatter: exit 0"
is "$(files "$M/new")" 1 "not backscatter: kept in the INBOX"
grep -q '^X-Backscatter-Status: No' "$M/new/"* &&
    ok "the INBOX copy is tagged No" || not_ok "the INBOX copy is tagged No"

# a forged Yes is removed before the script sees the header
{ printf 'X-Backscatter-Status: Yes, score=99.0\n'; cat "$plain"; } > "$T/forged.eml"
d --deliver "$U/F" < "$T/forged.eml"
is "$(files "$U/F/new"):$(files "$U/F/.Backscatter/new")" "1:0" \
    "a forged X-Backscatter-Status: Yes does not steer the script"

# names: unique, well formed, and what the Maildir spec allows
i=0; while [ $i -lt 20 ]; do d --deliver "$U/Many" < "$plain"; i=$((i + 1)); done
is "$(files "$U/Many/new")" 20 "20 deliveries, 20 distinct files"
bad=$(ls "$U/Many/new" | grep -v '^[0-9]*\.M[0-9]*P[0-9]*Q[0-9]*V[0-9a-f]*I[0-9a-f]*\.[^/:]*,S=[0-9]*$' | head -1)
is "$bad" "" "names are time.MusecPpidQnVdevIino.host,S=size"
is "$(files "$U/Many/tmp")" 0 "nothing left in tmp/"

# made when missing, parents too; a trailing / (procmail's Maildir mark)
d --deliver "$U/a/b/Mail/" < "$plain"
is "$?:$(files "$U/a/b/Mail/new")" "0:1" "a missing Maildir and its parents are made"
check "made 0700" sh -c "ls -ld '$U/a/b/Mail' | grep -q '^drwx------'"

# a From_ line is not stored in a Maildir; CRLF input is stored as CRLF
{ printf 'From MAILER-DAEMON  Fri Nov 27 05:04:48 2026\n'; cat "$plain"; } > "$T/fromline.eml"
d --deliver "$U/FL" < "$T/fromline.eml"
head -c 5 "$U/FL/new/"* | grep -q '^From ' && not_ok "no From_ line in a Maildir file" ||
    ok "no From_ line in a Maildir file"
sed 's/$/\r/' "$plain" > "$T/crlf.eml"
d --deliver "$U/CR" < "$T/crlf.eml"
bs < "$T/crlf.eml" > "$T/want"
check "CRLF input is stored as filter mode writes it (CRLF)" cmp -s "$T/want" "$U/CR/new/"*

# --- Sieve actions --------------------------------------------------------
script junk 'require "fileinto";
fileinto "Junk";'
d --deliver "$U/S1" --sieve "$T/junk.sieve" < "$plain"
is "$?:$(files "$U/S1/.Junk/new"):$(files "$U/S1/new")" "0:1:0" \
    "fileinto \"Junk\" stores in .Junk only (no implicit keep)"

script dup 'require "fileinto";
fileinto "Junk"; fileinto "Junk"; keep; keep; fileinto "INBOX";'
d --deliver "$U/S2" --sieve "$T/dup.sieve" < "$plain"
is "$(files "$U/S2/.Junk/new"):$(files "$U/S2/new")" "1:1" \
    "duplicate actions store once per folder"

script names 'require "fileinto";
fileinto "Lists/foo"; fileinto "INBOX.Old"; fileinto "a&b"; fileinto "Müll";'
d --deliver "$U/S3" --sieve "$T/names.sieve" < "$plain"
for f in .Lists.foo .Old '.a&-b' '.M&APw-ll'; do
	is "$(files "$U/S3/$f/new")" 1 "Maildir++ folder $f"
done

script escape 'require "fileinto";
fileinto "../../escape";'
d --deliver "$U/S4" --sieve "$T/escape.sieve" < "$plain" 2> "$T/err"
is "$?:$(files "$U/S4/new")" "0:1" "fileinto \"../../escape\" is refused: kept in the INBOX"
check "nothing made outside the Maildir" test ! -e "$U/escape"

script flags 'require ["fileinto", "imap4flags"];
addflag "\\Seen";
fileinto "Seen";
keep :flags ["\\Flagged", "\\Answered", "$label1"];'
d --deliver "$U/S5" --sieve "$T/flags.sieve" < "$plain"
is "$(ls "$U/S5/.Seen/cur" | sed 's/.*:2,/:2,/')" ":2,S" \
    "addflag \\Seen: stored in cur/ with :2,S"
is "$(ls "$U/S5/cur" | sed 's/.*:2,/:2,/')" ":2,FR" \
    "keep :flags [\\Flagged \\Answered]: :2,FR (keywords not stored)"
is "$(files "$U/S5/new")" 0 "a message with flags is not in new/"

script discard 'discard;'
d --deliver "$U/S6" --sieve "$T/discard.sieve" < "$plain"
is "$?:$(find "$U/S6" -type f 2>/dev/null | wc -l | tr -d ' ')" "0:0" \
    "discard: exit 0, nothing stored"

# a recording sendmail: proves what would be sent, sends nothing
cat > "$T/sendmail" <<EOF
#!/bin/sh
printf '%s\n' "\$@" > "$U/sendmail.args"
cat > "$U/sendmail.msg"
exit \${SENDMAIL_EXIT:-0}
EOF
chmod 755 "$T/sendmail"
script answer 'require ["reject", "vacation"];
if header :contains "Subject" "lunch" { reject "go away"; }'
BACKSCATTER_SENDMAIL=$T/sendmail d --deliver "$U/S7" --sieve "$T/answer.sieve" \
    < "$plain" 2> "$T/err"
is "$?:$(files "$U/S7/new")" "0:1" "reject: kept in the INBOX, exit 0"
check "reject: nothing sent" test ! -e "$U/sendmail.args"
grep -q 'reject: refused' "$T/err" && ok "reject: logged on stderr" ||
    not_ok "reject: logged on stderr"
script vacation 'require "vacation";
vacation :days 1 "I am away";'
BACKSCATTER_SENDMAIL=$T/sendmail d --deliver "$U/S8" --sieve "$T/vacation.sieve" \
    --sender oscar@oscar.example --recipient alice@northwind.example \
    < "$plain" 2> "$T/err"
is "$?:$(files "$U/S8/new")" "0:1" "vacation: kept in the INBOX, exit 0"
check "vacation: nothing sent" test ! -e "$U/sendmail.args"

script redirect 'redirect "bob@northwind.example";'
BACKSCATTER_SENDMAIL=$T/sendmail d --deliver "$U/S9" --sieve "$T/redirect.sieve" \
    --required 100 < "$plain"
is "$?:$(files "$U/S9/new")" "0:0" "redirect: handed over, not kept"
is "$(tr '\n' ' ' < "$U/sendmail.args")" "-oi -f  -- bob@northwind.example " \
    "redirect: sendmail -oi -f '' -- address (null sender, no shell)"
bs --required 100 < "$plain" > "$T/want"
check "redirect: sendmail got the tagged message" cmp -s "$T/want" "$U/sendmail.msg"
SENDMAIL_EXIT=75 BACKSCATTER_SENDMAIL=$T/sendmail d --deliver "$U/S10" \
    --sieve "$T/redirect.sieve" < "$plain" 2> "$T/err"
is "$?:$(files "$U/S10/new")" "0:1" "redirect that fails: kept in the INBOX"
script badaddr 'redirect "-oQ/tmp/x@evil.example";'
rm -f "$U/sendmail.args"
BACKSCATTER_SENDMAIL=$T/sendmail d --deliver "$U/S11" --sieve "$T/badaddr.sieve" \
    < "$plain" 2> "$T/err"
is "$?:$(files "$U/S11/new")" "0:1" "redirect to an option-like address: refused, kept"
check "... and sendmail never ran" test ! -e "$U/sendmail.args"

# --- script errors: keep, never lose ---------------------------------------
script syntax 'require "fileinto";
if header :contains "Subject" { fileinto "X"; }'
d --deliver "$U/E1" --sieve "$T/syntax.sieve" < "$plain" 2> "$T/err"
is "$?:$(files "$U/E1/new")" "0:1" "a script that does not parse: kept in the INBOX"
grep -q 'syntax.sieve:[0-9]*: error' "$T/err" && ok "... with file:line on stderr" ||
    not_ok "... with file:line on stderr"
script unsupported 'require "variables";
keep;'
d --deliver "$U/E2" --sieve "$T/unsupported.sieve" < "$plain" 2> "$T/err"
is "$?:$(files "$U/E2/new")" "0:1" "an unsupported extension: kept in the INBOX"
d --deliver "$U/E3" --sieve "$T/no-such.sieve" < "$plain" 2> "$T/err"
is "$?:$(files "$U/E3/new")" "0:1" "a missing script: kept in the INBOX"

# --- the envelope ----------------------------------------------------------
script env 'require ["envelope", "fileinto"];
if envelope :is "from" "mailer-daemon@retail.example" { fileinto "Env"; }
if envelope :is "to" "alice@northwind.example" { fileinto "To"; }'
d --deliver "$U/V1" --sieve "$T/env.sieve" --sender mailer-daemon@retail.example \
    --recipient alice@northwind.example < "$plain"
is "$(files "$U/V1/.Env/new"):$(files "$U/V1/.To/new")" "1:1" \
    "envelope tests see --sender and --recipient"
SENDER=mailer-daemon@retail.example RECIPIENT=alice@northwind.example \
    $RUNAS env HOME="$U" "$BACKSCATTER" --deliver "$U/V2" \
    --sieve "$T/env.sieve" < "$plain"
is "$(files "$U/V2/.Env/new"):$(files "$U/V2/.To/new")" "1:1" \
    "envelope tests see \$SENDER and \$RECIPIENT"

# --- mbox ------------------------------------------------------------------
MB=$U/mbox
$RUNAS sh -c "printf 'From a@b  Thu Jan  1 00:00:00 2026\nSubject: old\n\nno newline at the end' > '$MB'"
old=$(wc -c < "$MB")
d --deliver "$MB" --sender 'oscar@oscar.example' < "$T/fromline.eml"
is "$?" 0 "mbox: exit 0"
head -c "$old" "$MB" > "$T/head"
$RUNAS sh -c "printf 'From a@b  Thu Jan  1 00:00:00 2026\nSubject: old\n\nno newline at the end'" > "$T/oldmb"
check "mbox: the old messages are untouched" cmp -s "$T/head" "$T/oldmb"
tail -c +$((old + 1)) "$MB" > "$T/new"
is "$(head -c 3 "$T/new" | od -An -c | tr -d ' ')" '\n\nF' \
    "mbox: a blank line separates it from the last message"
grep -q '^From oscar@oscar.example  [A-Z][a-z][a-z] [A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]* [0-9]*$' "$T/new" &&
    ok "mbox: From_ line from --sender, in Postfix's form" ||
    not_ok "mbox: From_ line from --sender, in Postfix's form"
grep -q '^>From the office\.$' "$T/new" && ok "mbox: a body From line is quoted" ||
    not_ok "mbox: a body From line is quoted"
is "$(tail -c 2 "$MB" | od -An -c | tr -d ' ')" '\n\n' "mbox: ends with a blank line"
is "$(grep -c '^From ' "$MB")" 2 "mbox: two messages, the old From_ line not repeated"
check "mbox: no lock file left" test ! -e "$MB.lock"
SENDER= $RUNAS env HOME="$U" "$BACKSCATTER" --deliver "mbox:$U/new.mbox" < "$plain"
head -1 "$U/new.mbox" | grep -q '^From MAILER-DAEMON  ' &&
    ok "mbox: made when missing with mbox:, null sender is MAILER-DAEMON" ||
    not_ok "mbox: made when missing with mbox:, null sender is MAILER-DAEMON"
d --deliver "$MB" --sieve "$T/junk.sieve" < "$plain"
check "mbox: fileinto \"Junk\" is the file Junk beside it" test -s "$U/Junk"

# --- a message too large to analyse: stored whole, untouched ----------------
python3 -c '
import sys
sys.stdout.buffer.write(b"From: a@b\nSubject: big\n\n" + (b"y" * 1023 + b"\n") * (33 * 1024))' > "$T/big.eml"
d --deliver "$U/Big" < "$T/big.eml"
is "$?" 0 "a 33 MB message: exit 0"
check "a 33 MB message: stored byte for byte" cmp -s "$T/big.eml" "$U/Big/new/"*

# --- refusing root; exit codes ----------------------------------------------
if [ "$(id -u)" = 0 ]; then
	env HOME="$U" "$BACKSCATTER" --deliver "$T/rootbox" < "$plain" 2> "$T/err"
	is "$?" 75 "as root: 75"
	check "as root: nothing made" test ! -e "$T/rootbox"
	grep -q 'refusing to deliver as root' "$T/err" && ok "as root: says why" ||
	    not_ok "as root: says why"
fi
d --deliver "$U/C" --config "$T/no-such.conf" < "$plain" 2> /dev/null
is "$?:$(files "$U/C/new")" "75:0" "a configuration error: 75, nothing stored"
d --deliver "$U/C" --required x < "$plain" 2> /dev/null
is "$?" 75 "a bad --required: 75"

done_testing
