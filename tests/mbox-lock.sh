#!/bin/sh
# mbox-lock.sh - --deliver into an mbox beside the real procmail: the
# dotlock "<mbox>.lock" is taken before the fcntl lock, as procmail and
# Postfix take them, so a writer holding the dotlock never waits for us
# while we wait for it; no Sieve folder can be a lock file, and a stale
# lock is removed only when it looks like one.
# Delivery runs as an unprivileged user (nobody when the suite runs as root).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
LSAN_OPTIONS="suppressions=$srcdir/tests/deliver-lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

command -v procmail > /dev/null && command -v lockfile > /dev/null ||
    skip_all "procmail is not installed (Debian: apt-get install procmail)"

mail_user
# d ARGS...: backscatter as the mail user
d() {
	$RUNAS env -u SENDER -u RECIPIENT HOME="$U" $VALGRIND "$BACKSCATTER" "$@"
}
# msg SUBJECT: a plain message
msg() {
	printf 'From: Oscar <oscar@oscar.example>\nTo: alice@northwind.example\nSubject: %s\nMessage-ID: <%s@oscar.example>\n\nSee you at noon.\n' "$1" "$1"
}
script() { printf '%s\n' "$2" > "$T/$1.sieve"; }
# count FILE: messages in an mbox
count() { n=$(grep -c '^From ' "$1" 2>/dev/null); echo "${n:-0}"; }
# can_fcntl FILE: can another process take an fcntl write lock on it now?
can_fcntl() {
	python3 -c 'import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)' "$1" 2> /dev/null
}
# running PID: PID has not ended (a child that ended is a zombie until
# waited for)
running() {
	{ read -r c comm state rest < "/proc/$1/stat"; } 2> /dev/null && [ "$state" != Z ]
}
# waitfor PID TEST...: until the test holds, 20 s at most, and only while
# PID runs (a program that ended at once will not make it hold)
waitfor() {
	_p=$1; shift
	i=0
	while ! "$@" && [ $i -lt 200 ] && running "$_p"; do
		sleep 0.1; i=$((i + 1))
	done
	"$@"
}
# gone FILE: FILE does not exist ("" if so, else "FILE made")
gone() { [ -e "$1" ] && echo "${1##*/} made"; }
# waiting DIR: a delivery is waiting for a dotlock (its unique file exists)
waiting() { ls -a "$1" | grep -q '\.lk[0-9]'; }
MB=$U/mbox
$RUNAS touch "$MB"

# --- no folder is a lock ----------------------------------------------------
script lock 'require "fileinto";
fileinto "mbox.lock";'
msg folder-lock | d --deliver "$MB" --sieve "$T/lock.sieve" 2> "$T/err"
rc=$?
is "$rc:$(count "$MB")" "0:1" "fileinto \"mbox.lock\": refused, kept in the INBOX"
is "$rc:$(count "$MB"):$(gone "$MB.lock")" "0:1:" "... no file mbox.lock is made"
check "... and stderr says the folder cannot be used" \
    grep -q 'folder "mbox.lock" cannot be used' "$T/err"
start=$(date +%s)
msg after-lock | d --deliver "$MB" 2> /dev/null
rc=$? took=$(( $(date +%s) - start ))
is "$rc:$(count "$MB")" "0:2" "the next INBOX delivery: stored"
holds "... at once (no lock in the way)" '[ "$rc:$(count "$MB")" = 0:2 ] && [ "$took" -lt 10 ]'

script upper 'require "fileinto";
fileinto "Junk.LOCK";'
msg folder-upper | d --deliver "$MB" --sieve "$T/upper.sieve" 2> /dev/null
rc=$?
is "$rc:$(count "$MB")" "0:3" "fileinto \"Junk.LOCK\" (any case): refused, kept in the INBOX"
is "$rc:$(count "$MB"):$(gone "$U/Junk.LOCK")" "0:3:" "... no file Junk.LOCK is made"

# an INBOX named X.lock: the folder X would take it for its lock
$RUNAS touch "$U/inbox.lock"
script x 'require "fileinto";
fileinto "inbox";'
msg folder-of-lock | d --deliver "mbox:$U/inbox.lock" --sieve "$T/x.sieve" 2> /dev/null
rc=$?
is "$rc:$(count "$U/inbox.lock")" "0:1" \
    "fileinto \"inbox\" beside an INBOX inbox.lock: refused, kept in the INBOX"
is "$rc:$(count "$U/inbox.lock"):$(gone "$U/inbox")" "0:1:" "... no file inbox is made"

# names that only look alike are folders
script near 'require "fileinto";
fileinto "mbox.locked"; fileinto "lock";'
msg near | d --deliver "$MB" --sieve "$T/near.sieve" 2> /dev/null
is "$?:$(count "$U/mbox.locked"):$(count "$U/lock")" "0:1:1" \
    "fileinto \"mbox.locked\" and \"lock\": folders as usual"
# in a Maildir a folder is a directory .Name: nothing there is a lock
msg maildir | d --deliver "$U/Maildir" --sieve "$T/lock.sieve" 2> /dev/null
is "$?:$(find "$U/Maildir/.mbox.lock/new" -type f | wc -l | tr -d ' ')" "0:1" \
    "a Maildir folder \"mbox.lock\" is an ordinary Maildir++ folder"

# --- stale locks ----------------------------------------------------------------
$RUNAS touch -d '10 minutes ago' "$MB.lock"
n=$(count "$MB")
msg stale | d --deliver "$MB" 2> "$T/err"
is "$?:$(count "$MB")" "0:$((n + 1))" "an empty lock 10 minutes old is stale: taken over, delivered"
check "... said on stderr" grep -q 'removing stale' "$T/err"
check "... and no lock is left" test ! -e "$MB.lock"
# a message where the lock would be (another program filed a folder
# under that name): never removed, the delivery deferred at once
$RUNAS sh -c "printf 'From a@b  Thu Jan  1 00:00:00 2026\nSubject: filed\n\nkeep me\n' > '$MB.lock'"
$RUNAS touch -d '10 minutes ago' "$MB.lock"
cp "$MB.lock" "$T/notlock"
start=$(date +%s)
msg notlock | d --deliver "$MB" 2> "$T/err"
rc=$? took=$(( $(date +%s) - start ))
said() { grep -q 'is not a lock file' "$T/err"; }
is "$rc" 75 "a message file where the lock would be: 75"
holds "... at once" '[ "$rc" = 75 ] && [ "$took" -lt 10 ]'
holds "... the file is left as it was" 'said && cmp -s "$T/notlock" "$MB.lock"'
check "... and stderr says why" said
rm -f "$MB.lock"

# --- lock order -------------------------------------------------------------------
# lockfile(1), procmail's own, holds the dotlock: we wait for it without
# holding the fcntl lock, so whoever holds the dotlock can take that
$RUNAS lockfile -r0 "$MB.lock"
n=$(count "$MB")
msg after-lockfile > "$T/m1"
d --deliver "$MB" < "$T/m1" 2> "$T/err" &
pid=$!
waitfor $pid waiting "$U"
check "lockfile(1) holds $(basename "$MB").lock: our delivery waits" waiting "$U"
holds "... without holding the fcntl lock" 'waiting "$U" && can_fcntl "$MB"'
$RUNAS rm -f "$MB.lock"		# lockfile(1)'s way to unlock
wait $pid
is "$?:$(count "$MB")" "0:$((n + 1))" "... and delivers once the dotlock is gone"

# copies are locked in one order, the INBOX first: a delivery that
# files into Junk and keeps waits for the INBOX holding no lock of Junk,
# so another naming them the other way round never waits for it
script both 'require "fileinto";
fileinto "Junk"; keep;'
$RUNAS touch "$U/Junk"
$RUNAS lockfile -r0 "$MB.lock"
n=$(count "$MB") j=$(count "$U/Junk")
msg both-folders | d --deliver "$MB" --sieve "$T/both.sieve" 2> "$T/err" &
pid=$!
waitfor $pid waiting "$U"
check "fileinto \"Junk\"; keep, the INBOX locked by lockfile(1): it waits" waiting "$U"
holds "... holding neither Junk's dotlock" 'waiting "$U" && [ ! -e "$U/Junk.lock" ]'
holds "... nor its fcntl lock" 'waiting "$U" && can_fcntl "$U/Junk"'
$RUNAS rm -f "$MB.lock"
wait $pid
is "$?:$(count "$MB"):$(count "$U/Junk")" "0:$((n + 1)):$((j + 1))" \
    "... and stores both copies once the INBOX is free"

# procmail holds the dotlock (LOCKFILE=$DEFAULT$LOCKEXT, as its examples
# show) while a filter runs, then waits (F_SETLKW) for the fcntl lock to
# write. Our delivery starts in between. Taking fcntl first and waiting
# for the dotlock, both would wait until we gave up after 60 s (75).
cat > "$T/rc" <<EOF
SHELL=/bin/sh
MAILDIR=$U
DEFAULT=$MB
LOCKFILE=\$DEFAULT\$LOCKEXT
:0 fw
| sleep 3; cat
:0
\$DEFAULT
EOF
n=$(count "$MB")
msg via-procmail > "$T/m2"
$RUNAS env -i PATH=/usr/bin:/bin HOME="$U" timeout 120 procmail -f oscar@oscar.example -m "$T/rc" \
    < "$T/m2" 2> "$T/pm.err" &
pmpid=$!
waitfor $pmpid test -e "$MB.lock"
check "procmail holds the dotlock" test -e "$MB.lock"
start=$(date +%s)
msg beside-procmail > "$T/m3"
d --deliver "$MB" < "$T/m3" 2> "$T/err"
rc=$? took=$(( $(date +%s) - start ))
wait $pmpid
pmrc=$?
# ours: the message is in the mbox
ours=$(grep -c '^Subject: beside-procmail' "$MB")
is "$pmrc:$ours" "0:1" "procmail delivers: exit 0 (and so do we)"
is "$rc:$ours" "0:1" "our delivery beside it: exit 0, stored"
holds "... within 20 s (${took} s), no deadlock" '[ "$rc:$ours" = 0:1 ] && [ "$took" -lt 20 ]'
is "$(count "$MB")" "$((n + 2))" "both messages are in the mbox"
is "$(grep '^Subject: \(via-procmail\|beside-procmail\)' "$MB" | tr '\n' ' ')" \
    "Subject: via-procmail Subject: beside-procmail " \
    "... procmail's first (it held the lock), then ours"
is "$ours:$(gone "$MB.lock")" "1:" "no lock left"
holds "no unique file left" '[ "$ours" = 1 ] && ! ls -a "$U" | grep -q "\\.lk[0-9]"'

# stopped while it waits for the dotlock another writer holds: 75, and
# the file it would link to the lock is gone too (it stayed, one more
# each time)
$RUNAS mkdir "$U/w"
$RUNAS touch "$U/w/inbox.lock"
msg waiting | d --deliver "mbox:$U/w/inbox" 2> /dev/null &
pid=$!
n=0
while ! ls -a "$U/w" | grep -q '\.lk[0-9]' && [ $n -lt 50 ] && kill -0 "$pid" 2> /dev/null; do
	sleep 0.1; n=$((n + 1))
done
waited=$(ls -a "$U/w" | grep -c '\.lk[0-9]')
for p in $(pgrep -f "deliver mbox:$U/w/inbox"); do kill -TERM "$p" 2> /dev/null; done
wait "$pid"
rc=$?
is "$rc:$waited:$(ls -a "$U/w" | grep -c '\.lk[0-9]'):$(count "$U/w/inbox"):$(test -e "$U/w/inbox.lock" && echo held)" \
    "75:1:0:0:held" \
    "SIGTERM while waiting for a held dotlock: 75, its link source removed, nothing appended, the other's lock left"

# the same stopped by a SIGALRM from outside (kill -ALRM, or an alarm a
# wrapper set before exec): 75, said as a signal, not as the delivery's
# time running out (every SIGALRM was "took longer than 300 seconds")
msg waiting | d --deliver "mbox:$U/w/inbox" 2> "$T/alrm.err" &
pid=$!
n=0
while ! ls -a "$U/w" | grep -q '\.lk[0-9]' && [ $n -lt 50 ] && kill -0 "$pid" 2> /dev/null; do
	sleep 0.1; n=$((n + 1))
done
for p in $(pgrep -f "deliver mbox:$U/w/inbox"); do kill -ALRM "$p" 2> /dev/null; done
wait "$pid"
rc=$?
is "$rc:$(count "$U/w/inbox"):$(cat "$T/alrm.err")" "75:0:backscatter: ended by a signal: given up" \
    "SIGALRM from outside while waiting for the dotlock: 75, nothing appended, said as a signal"

done_testing
