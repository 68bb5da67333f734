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

mail_user
if [ -n "$RUNAS" ]; then
	# the program where nobody can run it: the build tree may be
	# private (a clone in /root)
	cp "$BACKSCATTER" "$T/backscatter" && BACKSCATTER=$T/backscatter
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
d --deliver "$M" --required 1 < "$bounce" > "$T/out" 2> "$T/err"
is "$?:$(files "$M/.Backscatter/new")" "0:1" \
    "backscatter, default script: exit 0, stored in .Backscatter/new"
is "$(files "$M/.Backscatter/new"):$(files "$M/new")" "1:0" "... and not in the INBOX"
holds "nothing on stdout or stderr when delivered" \
    '[ "$(files "$M/.Backscatter/new")" = 1 ] && ! [ -s "$T/out" ] && ! [ -s "$T/err" ]'
check "the folder has its maildirfolder marker" test -f "$M/.Backscatter/maildirfolder"
for sub in tmp new cur; do
	check "the Maildir has $sub/" test -d "$M/$sub"
done
bs_run "$bounce" --required 1
cp "$T/stdout" "$T/want"
holds "stored bytes are filter mode's (exit $rc), byte for byte" \
    '[ "$rc" = 0 ] && cmp -s "$T/want" "$M/.Backscatter/new/"*'
check "stored bytes are the message's, apart from our fields" \
    python3 "$srcdir/tests/bytecheck.py" filter "$bounce" "$M/.Backscatter/new/"*

# a Maildir whose own name starts with a dot is no Maildir++ folder
d --deliver "$U/.maildir" < "$plain"
is "$?:$(files "$U/.maildir/new")" "0:1" "a Maildir named .maildir: delivered"
holds "... with no maildirfolder marker" \
    '[ "$(files "$U/.maildir/new")" = 1 ] && ! [ -e "$U/.maildir/maildirfolder" ]'
holds "... and nothing made in the directory above" \
    '[ "$(files "$U/.maildir/new")" = 1 ] && ! [ -e "$U/new" ]'

d --deliver "$M" --required 100 < "$bounce"
is "$?:$(files "$M/new")" "0:1" "not backscatter: exit 0, kept in the INBOX"
is "$(status "$M/new/"*)" No "the INBOX copy is tagged No"

# a forged Yes is removed before the script sees the header
{ printf 'X-Backscatter-Status: Yes, score=99.0\n'; cat "$plain"; } > "$T/forged.eml"
d --deliver "$U/F" < "$T/forged.eml"
is "$?:$(files "$U/F/new"):$(files "$U/F/.Backscatter/new")" "0:1:0" \
    "a forged X-Backscatter-Status: Yes does not steer the script"

# names: unique, well formed, and what the Maildir spec allows
i=0 failed=0
while [ $i -lt 20 ]; do
	d --deliver "$U/Many" < "$plain" || failed=$((failed + 1))
	i=$((i + 1))
done
is "$failed:$(files "$U/Many/new")" "0:20" "20 deliveries, each exit 0, 20 distinct files"
is "$(ls "$U/Many/new" | grep -c '^[0-9]*\.M[0-9]*P[0-9]*Q[0-9]*V[0-9a-f]*I[0-9a-f]*\.[^/:]*,S=[0-9]*$')" 20 \
    "names are time.MusecPpidQnVdevIino.host,S=size"
is "$(files "$U/Many/new"):$(files "$U/Many/tmp")" "20:0" "nothing left in tmp/"

# made when missing, parents too; a trailing / (procmail's Maildir mark)
d --deliver "$U/a/b/Mail/" < "$plain"
is "$?:$(files "$U/a/b/Mail/new")" "0:1" "a missing Maildir and its parents are made"
check "made 0700" sh -c "ls -ld '$U/a/b/Mail' | grep -q '^drwx------'"

# a From_ line is not stored in a Maildir; CRLF input is stored as CRLF
{ printf 'From MAILER-DAEMON  Fri Nov 27 05:04:48 2026\n'; cat "$plain"; } > "$T/fromline.eml"
d --deliver "$U/FL" < "$T/fromline.eml"
is "$?:$(files "$U/FL/new"):$(cat "$U/FL/new/"* 2>/dev/null | head -n 1 | cut -c1-21)" \
    "0:1:X-Backscatter-Status:" "no From_ line in a Maildir file (it starts with our fields)"
sed 's/$/\r/' "$plain" > "$T/crlf.eml"
d --deliver "$U/CR" < "$T/crlf.eml"
drc=$?
bs_run "$T/crlf.eml"
cr=$(printf '\r')
holds "CRLF input is stored as filter mode writes it (CRLF; exit $drc, $rc)" \
    '[ "$drc:$rc" = 0:0 ] && grep -q "^X-Backscatter-Status: .*$cr\$" "$T/stdout" &&
     cmp -s "$T/stdout" "$U/CR/new/"*'

# --- Sieve actions --------------------------------------------------------
script junk 'require "fileinto";
fileinto "Junk";'
d --deliver "$U/S1" --sieve "$T/junk.sieve" < "$plain"
is "$?:$(files "$U/S1/.Junk/new"):$(files "$U/S1/new")" "0:1:0" \
    "fileinto \"Junk\" stores in .Junk only (no implicit keep)"

script dup 'require "fileinto";
fileinto "Junk"; fileinto "Junk"; keep; keep; fileinto "INBOX";'
d --deliver "$U/S2" --sieve "$T/dup.sieve" < "$plain"
is "$?:$(files "$U/S2/.Junk/new"):$(files "$U/S2/new")" "0:1:1" \
    "duplicate actions store once per folder"

script names 'require "fileinto";
fileinto "Lists/foo"; fileinto "INBOX.Old"; fileinto "a&b"; fileinto "Müll";'
d --deliver "$U/S3" --sieve "$T/names.sieve" < "$plain"
rc=$?
for f in .Lists.foo .Old '.a&-b' '.M&APw-ll'; do
	is "$rc:$(files "$U/S3/$f/new")" 0:1 "Maildir++ folder $f"
done

script escape 'require "fileinto";
fileinto "../../escape";'
d --deliver "$U/S4" --sieve "$T/escape.sieve" < "$plain" 2> "$T/err"
is "$?:$(files "$U/S4/new")" "0:1" "fileinto \"../../escape\" is refused: kept in the INBOX"
holds "nothing made outside the Maildir" \
    '[ "$(files "$U/S4/new")" = 1 ] && ! [ -e "$U/escape" ] && ! [ -e "$T/escape" ]'

script flags 'require ["fileinto", "imap4flags"];
addflag "\\Seen";
fileinto "Seen";
keep :flags ["\\Flagged", "\\Answered", "$label1"];'
d --deliver "$U/S5" --sieve "$T/flags.sieve" < "$plain"
is "$?:$(ls "$U/S5/.Seen/cur" | sed 's/.*:2,/:2,/')" "0::2,S" \
    "addflag \\Seen: stored in cur/ with :2,S"
is "$(ls "$U/S5/cur" | sed 's/.*:2,/:2,/')" ":2,FR" \
    "keep :flags [\\Flagged \\Answered]: :2,FR (keywords not stored)"
is "$(files "$U/S5/cur"):$(files "$U/S5/new")" 1:0 "a message with flags is not in new/"
# several flags in one string, space-separated (RFC 5232): each set
script flags2 'require ["fileinto", "imap4flags"];
fileinto :flags "\\Seen \\Flagged" "A";
addflag "\\Answered  \\Draft $label1";
fileinto "B";'
d --deliver "$U/S5b" --sieve "$T/flags2.sieve" < "$plain"
is "$?:$(ls "$U/S5b/.A/cur" | sed 's/.*:2,/:2,/'):$(ls "$U/S5b/.B/cur" | sed 's/.*:2,/:2,/')" "0::2,FS::2,DR" \
    ":flags \"\\Seen \\Flagged\" and addflag \"\\Answered  \\Draft \$label1\": each flag of the string set"

script discard 'discard;'
d --deliver "$U/S6" --sieve "$T/discard.sieve" < "$plain" > "$T/out"
is "$?:$(find "$U/S6" -type f 2>/dev/null | wc -l | tr -d ' '):$(wc -c < "$T/out" | tr -d ' ')" "0:0:0" \
    "discard: exit 0, nothing stored, nothing printed"

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
holds "reject: nothing sent" '[ "$(files "$U/S7/new")" = 1 ] && ! [ -e "$U/sendmail.args" ]'
grep -q 'reject: refused' "$T/err" && ok "reject: logged on stderr" ||
    not_ok "reject: logged on stderr"
script vacation 'require "vacation";
vacation :days 1 "I am away";'
BACKSCATTER_SENDMAIL=$T/sendmail d --deliver "$U/S8" --sieve "$T/vacation.sieve" \
    --sender oscar@oscar.example --recipient alice@northwind.example \
    < "$plain" 2> "$T/err"
is "$?:$(files "$U/S8/new")" "0:1" "vacation: kept in the INBOX, exit 0"
holds "vacation: nothing sent" '[ "$(files "$U/S8/new")" = 1 ] && ! [ -e "$U/sendmail.args" ]'

script redirect 'redirect "bob@northwind.example";'
BACKSCATTER_SENDMAIL=$T/sendmail d --deliver "$U/S9" --sieve "$T/redirect.sieve" \
    --required 100 < "$plain"
is "$?:$(files "$U/S9/new"):$(test -e "$U/sendmail.args" && echo sent)" "0:0:sent" \
    "redirect: handed over, not kept"
is "$(tr '\n' ' ' < "$U/sendmail.args")" "-oi -f  -- bob@northwind.example " \
    "redirect: sendmail -oi -f '' -- address (null sender, no shell)"
bs_run "$plain" --required 100
holds "redirect: sendmail got the tagged message" \
    '[ "$rc" = 0 ] && [ "$(status "$T/stdout")" = No ] && cmp -s "$T/stdout" "$U/sendmail.msg"'
SENDMAIL_EXIT=75 BACKSCATTER_SENDMAIL=$T/sendmail d --deliver "$U/S10" \
    --sieve "$T/redirect.sieve" < "$plain" 2> "$T/err"
is "$?:$(files "$U/S10/new")" "0:1" "redirect that fails: kept in the INBOX"
# a store that fails (75, to be retried) sends nothing: the redirect went
# out before it, and again at every retry
script redirkeep 'redirect "bob@northwind.example";
keep;'
rm -f "$U/sendmail.args"
$RUNAS mkdir -p "$U/RO" && $RUNAS chmod 500 "$U/RO"
BACKSCATTER_SENDMAIL=$T/sendmail d --deliver "$U/RO/Maildir" \
    --sieve "$T/redirkeep.sieve" < "$plain" 2> "$T/err"
is "$?:$(test -e "$U/sendmail.args" && echo sent)" "75:" \
    "redirect and keep, the store failing: 75, and nothing sent before it"
# a redirect whose sendmail hangs, the delivery stopped (SIGTERM): 75,
# and the sendmail stopped with it (it was left running, to send the
# message once more after the MTA's retry had sent it again)
printf '#!/bin/sh\necho $$ > "%s/hang.pid"\ncat > /dev/null\nexec sleep 300\n' "$U" > "$T/sendmail-hang"
chmod 755 "$T/sendmail-hang"
rm -f "$U/hang.pid"
$RUNAS env -u SENDER -u RECIPIENT -u ORIGINAL_RECIPIENT -u ORIG_RECIPIENT \
    HOME="$U" BACKSCATTER_SENDMAIL="$T/sendmail-hang" "$BACKSCATTER" \
    --deliver "$U/S10b" --sieve "$T/redirect.sieve" < "$plain" 2> "$T/err" &
bpid=$!
n=0
while ! [ -s "$U/hang.pid" ] && [ $n -lt 100 ] && kill -0 "$bpid" 2> /dev/null; do
	sleep 0.1; n=$((n + 1))
done
sleep 0.5
kill -TERM "$bpid"	# that process alone, not its group
wait "$bpid"
rc=$?
hung=$(cat "$U/hang.pid" 2>/dev/null)
sleep 0.5
# alive: running, not a zombie waiting for init
alive() { { read -r _p _c st _r < "/proc/$1/stat"; } 2> /dev/null && [ "$st" != Z ]; }
is "$rc:${hung:+started}:$([ -n "$hung" ] && alive "$hung" && echo alive)" "75:started:" \
    "a redirect whose sendmail hangs, the delivery stopped: 75, its sendmail stopped too"
[ -n "$hung" ] && kill -9 "$hung" 2>/dev/null
script badaddr 'redirect "-oQ/tmp/x@evil.example";'
rm -f "$U/sendmail.args"
BACKSCATTER_SENDMAIL=$T/sendmail d --deliver "$U/S11" --sieve "$T/badaddr.sieve" \
    < "$plain" 2> "$T/err"
is "$?:$(files "$U/S11/new")" "0:1" "redirect to an option-like address: refused, kept"
holds "... and sendmail never ran" '[ "$(files "$U/S11/new")" = 1 ] && ! [ -e "$U/sendmail.args" ]'
# BACKSCATTER_SENDMAIL that is no absolute path: said, and the default
# /usr/sbin/sendmail used (it was used unsaid), run in a mount namespace
# of its own where that path is the recording sendmail
rm -f "$U/sendmail.args"
if [ "$(id -u)" = 0 ] && [ -f /usr/sbin/sendmail ] &&
    unshare -m true 2> /dev/null; then
	unshare -m sh -c 'mount --bind "$1" /usr/sbin/sendmail && shift &&
	    exec "$@"' sh "$T/sendmail" $RUNAS env -u SENDER -u RECIPIENT \
	    -u ORIGINAL_RECIPIENT -u ORIG_RECIPIENT HOME="$U" \
	    BACKSCATTER_SENDMAIL=sendmail $VALGRIND "$BACKSCATTER" \
	    --deliver "$U/S12" --sieve "$T/redirect.sieve" --required 100 \
	    < "$plain" 2> "$T/err"
	is "$?:$(files "$U/S12/new"):$(test -e "$U/sendmail.args" && echo sent):$(grep -c 'BACKSCATTER_SENDMAIL "sendmail" is not an absolute path: /usr/sbin/sendmail used' "$T/err")" \
	    "0:0:sent:1" "BACKSCATTER_SENDMAIL not absolute: said, /usr/sbin/sendmail used"
else
	ok "BACKSCATTER_SENDMAIL not absolute # SKIP needs root, unshare -m and /usr/sbin/sendmail"
fi

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
mkfifo "$T/fifo.sieve"
chmod 666 "$T/fifo.sieve"
t0=$(date +%s)
d --deliver "$U/E4" --sieve "$T/fifo.sieve" < "$plain" 2> "$T/err"
is "$?:$(files "$U/E4/new"):$(( $(date +%s) - t0 < 5 ))" "0:1:1" \
    "a script that is a FIFO: kept in the INBOX at once, never waited on"

# --- the script's limits -----------------------------------------------------
# a size past libsieve's int (2G and more overflowed: true for every
# message, and a discard lost all mail) is the most it holds
script size2g 'if size :over 2G { discard; stop; }
if size :over 3000M { discard; stop; }
keep;'
d --deliver "$U/L1" --sieve "$T/size2g.sieve" < "$plain" 2> "$T/err"
is "$?:$(files "$U/L1/new")" "0:1" "size :over 2G and :over 3000M are false for a small message: kept"
script size1k 'if size :over 1K { discard; stop; }
keep;'
d --deliver "$U/L2" --sieve "$T/size1k.sieve" < "$bounce" 2> "$T/err"
rc=$?
d --deliver "$U/L2b" --sieve "$T/size1k.sieve" < "$plain" 2> "$T/err"
rc2=$?
is "$rc:$(files "$U/L2/new"):$rc2:$(files "$U/L2b/new")" "0:0:0:1" \
    "... while size :over 1K still discards a bounce of 2 KB, and keeps a small message"
# a run past SIEVE_TIME_LIMIT (libsieve's :matches backtracks without
# bound): stopped, said, kept in the INBOX, exit 0
script matches 'require "fileinto";
if header :matches "Subject" "*free*money*now*please*" { fileinto "Spam"; }'
python3 -c 'import sys; sys.stdout.write("From: x@spam.example\nTo: alice@northwind.example\nSubject: " + "free money now " * 1100 + "\n\nbody\n")' > "$T/matches.eml"
t0=$(date +%s)
d --deliver "$U/L3" --sieve "$T/matches.sieve" < "$T/matches.eml" 2> "$T/err"
rc=$? t1=$(date +%s)
is "$rc:$(files "$U/L3/new"):$(files "$U/L3/.Spam/new")" "0:1:0" \
    "a :matches that would run for minutes: stopped, kept in the INBOX, exit 0"
said=$(grep -c 'ran over 10 seconds (SIEVE_TIME_LIMIT)' "$T/err")
is "$said" 1 "... said"
holds "... stopped within SIEVE_TIME_LIMIT (10 s) and a little ($((t1 - t0)) s)" \
    '[ "$said" = 1 ] && [ $((t1 - t0)) -ge 10 ] && [ $((t1 - t0)) -le 20 ]'
# 33 fileinto: the first 32 folders (DELIVER_COPIES_MAX, the INBOX
# counted), the 33rd skipped and said, none replaced
python3 -c 'print("require \"fileinto\";"); [print("fileinto \"F%02d\";" % i) for i in range(1, 34)]' > "$T/fi33.sieve"
d --deliver "$U/L4" --sieve "$T/fi33.sieve" < "$plain" 2> "$T/err"
is "$?:$(files "$U/L4/.F32/new"):$(files "$U/L4/.F33/new"):$(files "$U/L4/new")" "0:1:0:0" \
    "33 fileinto: F01 to F32 filed, the 33rd skipped, no INBOX copy in place of the 32nd"
is "$(ls -d "$U"/L4/.F* | wc -l | tr -d ' '):$(grep -c 'this one skipped' "$T/err")" "32:1" "... 32 folders, and said"

# --- the envelope ----------------------------------------------------------
script env 'require ["envelope", "fileinto"];
if envelope :is "from" "mailer-daemon@retail.example" { fileinto "Env"; }
if envelope :is "to" "alice@northwind.example" { fileinto "To"; }'
d --deliver "$U/V1" --sieve "$T/env.sieve" --sender mailer-daemon@retail.example \
    --recipient alice@northwind.example < "$plain"
is "$?:$(files "$U/V1/.Env/new"):$(files "$U/V1/.To/new")" "0:1:1" \
    "envelope tests see --sender and --recipient"
SENDER=mailer-daemon@retail.example RECIPIENT=alice@northwind.example \
    $RUNAS env HOME="$U" "$BACKSCATTER" --deliver "$U/V2" \
    --sieve "$T/env.sieve" < "$plain"
is "$?:$(files "$U/V2/.Env/new"):$(files "$U/V2/.To/new")" "0:1:1" \
    "envelope tests see \$SENDER and \$RECIPIENT"

# --- mbox ------------------------------------------------------------------
MB=$U/mbox
$RUNAS sh -c "printf 'From a@b  Thu Jan  1 00:00:00 2026\nSubject: old\n\nno newline at the end' > '$MB'"
old=$(wc -c < "$MB")
d --deliver "$MB" --sender 'oscar@oscar.example' < "$T/fromline.eml"
is "$?:$(grep -c '^From ' "$MB")" 0:2 "mbox: exit 0, the message appended"
head -c "$old" "$MB" > "$T/head"
$RUNAS sh -c "printf 'From a@b  Thu Jan  1 00:00:00 2026\nSubject: old\n\nno newline at the end'" > "$T/oldmb"
holds "mbox: the old messages are untouched" \
    '[ "$(wc -c < "$MB")" -gt "$old" ] && cmp -s "$T/head" "$T/oldmb"'
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
holds "mbox: no lock file left" '[ "$(grep -c "^From " "$MB")" = 2 ] && ! [ -e "$MB.lock" ]'
SENDER= $RUNAS env HOME="$U" "$BACKSCATTER" --deliver "mbox:$U/new.mbox" < "$plain"
is "$?:$(head -n 1 "$U/new.mbox" 2>/dev/null | cut -c1-20)" "0:From MAILER-DAEMON  " \
    "mbox: made when missing with mbox:, null sender is MAILER-DAEMON"
d --deliver "$MB" --sieve "$T/junk.sieve" < "$plain"
is "$?:$(grep -c '^From ' "$U/Junk" 2>/dev/null)" 0:1 "mbox: fileinto \"Junk\" is the file Junk beside it"

# Under a file-size limit (ulimit -f in a .forward pipe, systemd's
# LimitFSIZE) that the message would pass: 75, the mbox as it was, no lock
# left (SIGXFSZ killed it halfway through the message, exit 153).
if command -v prlimit > /dev/null 2>&1; then
	cp "$MB" "$T/mb.before"
	python3 -c 'import sys
sys.stdout.write("From: a@b.example\nSubject: big\n\n" + ("y" * 79 + "\n") * 4000)' > "$T/fsize.eml"
	lim=$(( $(wc -c < "$MB") + 100000 ))
	$RUNAS env HOME="$U" prlimit --fsize=$lim "$BACKSCATTER" --deliver "$MB" < "$T/fsize.eml" 2> /dev/null
	rc=$?
	is "$rc:$(cmp -s "$MB" "$T/mb.before" && echo same):$([ -e "$MB.lock" ] && echo locked)" "75:same:" \
	    "mbox over the file-size limit: 75, the mbox as it was, no lock left"
else
	ok "mbox over the file-size limit # SKIP no prlimit"
fi

# --- a message too large to analyse: stored whole, untouched ----------------
python3 -c '
import sys
sys.stdout.buffer.write(b"From: a@b\nSubject: big\n\n" + (b"y" * 1023 + b"\n") * (33 * 1024))' > "$T/big.eml"
d --deliver "$U/Big" < "$T/big.eml" > "$T/out"
rc=$?
holds "a 33 MB message: exit 0 (got $rc), stored byte for byte, nothing printed" \
    '[ "$rc" = 0 ] && cmp -s "$T/big.eml" "$U/Big/new/"* && ! [ -s "$T/out" ]'

# --- what the host hands us: descriptors, signals, the folders -------------
# stderr closed: a warning (a folder it cannot use) went into the
# delivered file, which took descriptor 2 (0 all the same)
script locked 'require "fileinto";
fileinto "Locked";
keep;'
d --deliver "$U/F1" < "$plain" 2> /dev/null
rm -f "$U/F1/new/"*
mkdir "$U/F1/.Locked" && chmod 000 "$U/F1/.Locked"
d --deliver "$U/F1" --sieve "$T/locked.sieve" < "$plain" 2>&-
rc=$?
is "$rc:$(files "$U/F1/new"):$(head -c 20 "$U/F1/new/"* 2> /dev/null)" "0:1:X-Backscatter-Status" \
    "stderr closed, a warning said: exit 0, the INBOX copy begins with our header, no warning in it"
holds "... and the message follows our fields, whole" \
    'grep -v -e "^X-Backscatter-" -e "^	tests=" "$U/F1/new/"* | cmp -s - "$plain"'
chmod 700 "$U/F1/.Locked"
# a folder whose new/ cannot be written: known before the message is
# written there, so the INBOX takes it (it was 75 at every retry)
d --deliver "$U/F2" --required 1 < "$bounce" 2> /dev/null
chmod 500 "$U/F2/.Backscatter/new"
d --deliver "$U/F2" --required 1 < "$bounce" 2> "$T/err"
is "$?:$(files "$U/F2/new"):$(files "$U/F2/.Backscatter/new"):$(files "$U/F2/.Backscatter/tmp")" "0:1:1:0" \
    "a folder's new/ not writable: 0, kept in the INBOX, nothing left in its tmp/"
check "... and why is said" grep -q 'Backscatter/new: Permission denied' "$T/err"
chmod 700 "$U/F2/.Backscatter/new"
# a host that ignores SIGCHLD (inherited across exec): the redirect's
# outcome was lost (waitpid: ECHILD) and the message kept as well
rm -f "$U/sendmail.args"
BACKSCATTER_SENDMAIL=$T/sendmail $RUNAS env -u SENDER -u RECIPIENT \
    -u ORIGINAL_RECIPIENT -u ORIG_RECIPIENT HOME="$U" python3 -c \
    'import os, signal, sys; signal.signal(signal.SIGCHLD, signal.SIG_IGN); os.execvp(sys.argv[1], sys.argv[1:])' \
    $VALGRIND "$BACKSCATTER" --deliver "$U/F3" --sieve "$T/redirect.sieve" < "$plain" 2> "$T/err"
is "$?:$(files "$U/F3/new"):$(test -e "$U/sendmail.args" && echo sent)" "0:0:sent" \
    "SIGCHLD ignored by the host: redirected once, not kept besides"
# a Sieve script still running when the delivery is stopped: stopped with
# it (it ran on alone, with no time limit)
script slow 'require "fileinto";
if header :matches "Subject" "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b" { fileinto "X"; }'
python3 -c "print('From: a@b.example\nSubject: ' + 'a' * 3000 + '\n\nbody')" > "$T/slow.eml"
$RUNAS env HOME="$U" "$BACKSCATTER" --deliver "$U/F4" --sieve "$T/slow.sieve" \
    < "$T/slow.eml" 2> /dev/null &
bpid=$!
n=0
while [ -z "$(pgrep -P "$bpid")" ] && [ $n -lt 50 ] && kill -0 "$bpid" 2> /dev/null; do
	sleep 0.1; n=$((n + 1))
done
child=$(pgrep -P "$bpid" | head -n 1)
sleep 0.3
kill -TERM "$bpid"
wait "$bpid"
rc=$?
sleep 0.3
is "$rc:${child:+started}:$([ -n "$child" ] && alive "$child" && echo alive)" "75:started:" \
    "the delivery stopped while its Sieve script runs: 75, the script's process stopped too"
[ -n "$child" ] && kill -9 "$child" 2> /dev/null
# a path whose name in new/ would not fit: refused before the message is
# written, and why is said (it was 75 with no reason)
P=$U/L
while [ ${#P} -lt 3990 ]; do P=$P/dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd; done
$RUNAS mkdir -p "$P"
d --deliver "$P/x" < "$plain" 2> "$T/err"
is "$?:$(files "$P/x/tmp")" "75:0" "a Maildir path too long for its names: 75, nothing written"
check "... and why is said, first on its line" grep -q '^backscatter: path too long (DELIVER_PATH_MAX): ' "$T/err"

# a Maildir it makes is synced into its parent before the message in it
# is said delivered (a crash could lose the folder, and the message)
if command -v strace > /dev/null; then
	strace -f -o "$T/trace" -e trace=mkdir,openat,fsync $RUNAS env HOME="$U" \
	    "$BACKSCATTER" --deliver "$U/Sync/box" < "$plain" 2> /dev/null
	rc=$?
	holds "a Maildir made on the way: 0, its parent and the parent's parent synced" \
	    '[ "$rc" = 0 ] && grep -q "openat(AT_FDCWD, \"$U/Sync\", O_RDONLY|[A-Z_|]*O_DIRECTORY[A-Z_|]*) = " "$T/trace" &&
	    grep -q "openat(AT_FDCWD, \"$U\", O_RDONLY|[A-Z_|]*O_DIRECTORY[A-Z_|]*) = " "$T/trace"'
else
	ok "a Maildir made on the way # SKIP no strace"
fi

# no memory to tag it (an address-space limit the 25 MB report and its
# tagged copy do not fit in): stored as it came, in the INBOX, not 75 at
# every retry
python3 -c '
import sys
sys.stdout.buffer.write(b"From: a@b\nSubject: big\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\n\n" + (b"y" * 1023 + b"\n") * (25 * 1024) + b"--b--\n")' > "$T/m25.eml"
if command -v prlimit > /dev/null && [ -z "$VALGRIND" ] &&
    ! nm "$BACKSCATTER" 2> /dev/null | grep -q __asan_init; then
	$RUNAS env HOME="$U" prlimit --as=$((50000 * 1024)) "$BACKSCATTER" \
	    --deliver "$U/N1" < "$T/m25.eml" 2> "$T/err"
	rc=$?
	if grep -q 'tagging the message' "$T/err"; then
		holds "no memory to tag a 25 MB report: 0, stored as it came in the INBOX" \
		    '[ "$rc" = 0 ] && cmp -s "$T/m25.eml" "$U/N1/new/"*'
		check "... and why is said" grep -q 'keeping the message in the INBOX untagged' "$T/err"
	else
		holds "a 25 MB report under 50 MB of address space: tagged, 0 (the limit did not bite)" \
		    '[ "$rc" = 0 ] && cat "$U/N1/new/"* "$U/N1/.Backscatter/new/"* 2> /dev/null | grep -q "^X-Backscatter-Status: "'
		ok "... # SKIP the limit left room to tag it"
	fi
else
	ok "no memory to tag # SKIP no prlimit, or a sanitizer's build"
	ok "... # SKIP"
fi

# --- refusing root; exit codes ----------------------------------------------
if [ "$(id -u)" = 0 ]; then
	env HOME="$U" "$BACKSCATTER" --deliver "$T/rootbox" < "$plain" 2> "$T/err"
	is "$?:$(test -e "$T/rootbox" && echo made)" "75:" "as root: 75, nothing made"
	grep -q 'refusing to deliver as root' "$T/err" && ok "as root: says why" ||
	    not_ok "as root: says why"
fi
# a configuration error never stops mail (tests/goes-on.sh)
d --deliver "$U/C" --config "$T/no-such.conf" < "$plain" 2> /dev/null
is "$?:$(files "$U/C/new")" "0:1" "a configuration error: delivered all the same, 0"
d --deliver "$U/C" --required x < "$plain" 2> /dev/null
is "$?:$(files "$U/C/new")" "0:2" "a bad --required: delivered all the same, 0"

done_testing
