#!/bin/sh
# hosts-milter.sh - backscatter-milter behind a real Postfix: a private
# Postfix instance of this test listens on two loopback ports, an MX
# port and a submission port (milter_macro_daemon_name ORIGINATING, which
# the milter records), with smtpd_milters pointing at the milter, also
# on loopback. Mail is sent over SMTP (tests/tools/smtp-send) and what
# Postfix answered and delivered is checked: a plain message accepted at
# the end of its header, a message sent through the submission port
# recorded in the sent ledger, its bounce accepted, a forged bounce
# refused with 550 5.7.1 (proof: sent_ledger_complete), tempfail,
# discard and quarantine by [domain] sections, the same bounce
# only tagged once the configuration (reloaded by SIGHUP) has no proof,
# malformed messages accepted, and with the milter killed Postfix's
# milter_default_action = accept: nothing lost, nothing refused.
# Postfix's main.cf and master.cf lines, the milter's command line and
# the configuration of the Redis part are backscatter-milter(8)'s, taken
# from the page (tests/doclib.sh): only ports, paths and the domain are
# this test's. With
# redis-server, a second milter on the submission port records into a
# Redis ledger that the MX milter judges by; Redis is killed mid-run.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$srcdir/tests/doclib.sh"

MILTER=${BACKSCATTER_MILTER:-${top_builddir:-$srcdir}/src/backscatter-milter}
[ "$(id -u)" = 0 ] || skip_all "needs root to run Postfix and add users"
command -v postfix > /dev/null || skip_all "postfix is not installed (Debian: apt-get install postfix)"
[ -x "$MILTER" ] || skip_all "backscatter-milter is not built (Debian: apt-get install libmilter-dev, then configure)"
command -v python3 > /dev/null || skip_all "python3 is not installed"

user=bsx$$
muser=bsm$$
ruser=bsr$$	# the relay milter's: another host's home
H=$T/$user
P=$T/postfix
LOG=$T/maillog
SEND="python3 $srcdir/tests/tools/smtp-send"
chmod 755 "$T"
milter_stop() {
	[ -s "$T/milter.pid" ] && kill "$(cat "$T/milter.pid")" 2> /dev/null
	i=0
	while [ -s "$T/milter.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}
cleanup() {
	milter_stop
	[ -s "$T/relay.pid" ] && kill "$(cat "$T/relay.pid")" 2> /dev/null
	[ -s "$T/redis/pid" ] && kill "$(cat "$T/redis/pid")" 2> /dev/null
	postfix_stop
	userdel "$user" > /dev/null 2>&1
	userdel "$muser" > /dev/null 2>&1
	userdel "$ruser" > /dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT

doc_blocks
maincf=$(blocks_with '^smtpd_milters = ' backscatter-milter.8)
mastercf=$(blocks_with '^submission inet ' backscatter-milter.8)
conf=$(blocks_with '^milter_record_daemon ' backscatter-milter.8)
cmd=$(blocks_with '^backscatter-milter ' backscatter-milter.8)
for b in maincf mastercf conf cmd; do
	eval "f=\$$b"
	check "backscatter-milter(8) has its $b block" test -n "$f" -a "$(echo $f | wc -w)" = 1
done
check "the README's main.cf lines are the page's" cmp -s "$maincf" "$(blocks_with '^smtpd_milters = ' README)"

# three free loopback ports: MX, submission, the milter
set -- $(python3 -c '
import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
MX=$1 SUB=$2 MP=$3

useradd -M -d "$H" -s /bin/sh "$user" && useradd -M -d "$T/mhome" -s /bin/false "$muser" &&
    useradd -M -d "$T/rhome" -s /bin/false "$ruser" ||
    { not_ok "the test users are made"; done_testing; }
mkdir -p "$H/Maildir" "$T/mhome/ledger" "$T/rhome" && chown -R "$user": "$H" &&
    chown -R "$muser": "$T/mhome" && chown -R "$ruser": "$T/rhome"

# the milter's configuration: our domain, the ledger, complete. The
# ledger under "~/", the milter user's home: recorded there and read
# there (judging read it as absent, whatever it held, and the bounce of
# mail just recorded was tagged backscatter by the rest)
cat > "$T/milter.conf" <<EOF
my_domain backscatter.test
sent_ledger ~/ledger/sent.db
sent_ledger_complete yes
milter_record_daemon ORIGINATING
EOF
milter_start() {
	: > "$T/milter.log"
	"$MILTER" -f -u "$muser" -c "$T/milter.conf" -P "$T/milter.pid" \
	    -p "inet:$MP@127.0.0.1" 2>> "$T/milter.log" &
	i=0
	until grep -q 'listening on' "$T/milter.log" || [ $i -ge 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	grep -q 'listening on' "$T/milter.log"
}
check "the milter starts as its own user, on loopback" milter_start
check "... its pid file names a running process" kill -0 "$(cat "$T/milter.pid" 2>/dev/null || echo 0)"
check "... its milter process runs as $muser" sh -c "ps -o user= -u $muser | grep -q ."

# the instance (tests/doclib.sh): two loopback SMTP ports, local
# delivery into Maildir/
postfix_instance mx.backscatter.test "backscatter.test, other.test, discard.test, hold.test"
postconf -c "$P" -M "127.0.0.1:$MX/inet=127.0.0.1:$MX inet n - n - - smtpd"
# the page's submission service, on a loopback port and without chroot
sed -e "s/^submission inet n - y /127.0.0.1:$SUB inet n - n /" "$mastercf" >> "$P/master.cf"
cat >> "$P/main.cf" <<EOF
mynetworks = 127.0.0.0/8
home_mailbox = Maildir/
milter_connect_timeout = 5s
message_size_limit = 40000000
EOF
sed "s/8895/$MP/" "$maincf" >> "$P/main.cf"
postfix -c "$P" start > /dev/null 2>&1 || { not_ok "postfix starts"; diag "$(cat "$LOG")"; done_testing; }
ok "a private Postfix starts (loopback ports $MX and $SUB)"
i=0
until $SEND "$MX" x@client.test "nobody@nowhere.invalid" /dev/null 2>/dev/null | grep -q '^5' ||
    [ $i -ge 50 ]; do sleep 0.2; i=$((i + 1)); done

delivered() { find "$H/Maildir/new" -type f 2>/dev/null | wc -l | tr -d ' '; }
# wait_delivered N: until N messages are in the Maildir (at most 20 s)
wait_delivered() {
	i=0
	while [ "$(delivered)" -lt "$1" ] && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
	[ "$(delivered)" -eq "$1" ]
}
# newest: the message delivered last
newest() { ls -t "$H/Maildir/new"/* 2>/dev/null | head -1; }
judged() { grep -c 'kind=' "$T/milter.log"; }
rcpt=$user@backscatter.test
n=0

# 1. a plain message: accepted at the end of its header, never judged
cat > "$T/plain.eml" <<EOF
From: Bob <bob@client.test>
To: $rcpt
Subject: lunch
Message-ID: <plain1@client.test>

See you at noon.
EOF
before=$(judged)
a=$($SEND "$MX" bob@client.test "$rcpt" "$T/plain.eml")
case $a in 250*) ok "plain mail: 250" ;; *) not_ok "plain mail: 250"; diag "$a" ;; esac
n=$((n + 1)); check "... delivered" wait_delivered $n
is "$(judged)" "$before" "... accepted at the end of the header: not judged"
check "... stored without X-Backscatter fields" sh -c "! grep -q '^X-Backscatter' '$(newest)'"

# 2. sent through the submission port: its Message-ID is recorded
sed -e 's/northwind\.example/backscatter.test/g' "$srcdir/examples/bounce-legit.eml" > "$T/legit.eml"
sed -e 's/northwind\.example/backscatter.test/g' "$srcdir/examples/bounce-backscatter.eml" > "$T/forged.eml"
awk '/^Content-Type: message\/rfc822/ { on = 1; next } on && /^$/ && !body { body = 1; next }
    on && body && /^--/ { exit } on && body { print }' "$T/legit.eml" |
    sed -e '/^Return-Path:/d' -e "s/^To: .*/To: $rcpt/" > "$T/sent.eml"
# before anything is recorded there is no ledger file: a forged bounce is
# judged without proof (accepted, tagged), and the ledger found missing
a=$($SEND "$MX" "" "$rcpt" "$T/forged.eml")
case $a in 250*) ok "forged bounce before any ledger: 250, no proof" ;;
	*) not_ok "forged bounce before any ledger: 250, no proof"; diag "$a" ;; esac
n=$((n + 1)); check "... delivered" wait_delivered $n
noledger_at=$(date +%s)
a=$($SEND "$SUB" alice@backscatter.test "$rcpt" "$T/sent.eml")
case $a in 250*) ok "outgoing mail on the submission port: 250" ;; *) not_ok "outgoing mail on the submission port: 250"; diag "$a" ;; esac
n=$((n + 1)); check "... delivered" wait_delivered $n
check "... its Message-ID recorded in the sent ledger" \
    grep -q 'outgoing <8d2f4a6c-1e3b-4c5d-9e7f-a1b2c3d4e5f6@backscatter.test>.*recorded' "$T/milter.log"

# 3. the bounce of that message: accepted, tagged No. The ledger found
# missing above is opened again (LEDGER_REOPEN_SECONDS, 10 s): without a
# restart or SIGHUP, the milter uses the ledger made meanwhile
while [ $(( $(date +%s) - noledger_at )) -le 10 ]; do sleep 1; done
a=$($SEND "$MX" "" "$rcpt" "$T/legit.eml")
case $a in 250*) ok "legitimate bounce: 250" ;; *) not_ok "legitimate bounce: 250"; diag "$a" ;; esac
n=$((n + 1)); check "... delivered" wait_delivered $n
check "... tagged X-Backscatter-Status: No" grep -q '^X-Backscatter-Status: No' "$(newest)"
check "... the sent ledger said so" grep -q 'BS_SENT_LEDGER' "$(newest)"

# 4. a forged bounce of a message never sent: refused, with proof
a=$($SEND "$MX" "" "$rcpt" "$T/forged.eml")
case $a in "550 5.7.1 Backscatter: bounce of a message we never sent"*)
	ok "forged bounce, proof by the sent ledger: 550 5.7.1" ;;
	*) not_ok "forged bounce, proof by the sent ledger: 550 5.7.1"; diag "$a" ;; esac
sleep 1
is "$(delivered)" "$n" "... not delivered"
check "... Postfix logged the milter's refusal" grep -q 'milter-reject: END-OF-MESSAGE.*5.7.1 Backscatter' "$LOG"
check "... the milter logged proof and action" grep -q 'backscatter, kind=bounce .*proof=BS_NOT_IN_LEDGER: reject' "$T/milter.log"

# 4d. one process in both roles: a recording does not take away the
# reader's hold on LMDB's lock file. (Recording opened and closed a second
# environment on the file, which drops the process's POSIX locks on
# sent.db-lock: another process could then reset the reader table while
# the milter read.) After a recording and a lookup, the milter process
# holds a lock on sent.db-lock (/proc/locks)
sed 's/8d2f4a6c-1e3b-4c5d-9e7f-a1b2c3d4e5f6/both-1/' "$T/sent.eml" > "$T/sent-b.eml"
sed 's/8d2f4a6c-1e3b-4c5d-9e7f-a1b2c3d4e5f6/both-1/' "$T/legit.eml" > "$T/legit-b.eml"
$SEND "$SUB" alice@backscatter.test "$rcpt" "$T/sent-b.eml" > /dev/null
n=$((n + 1)); wait_delivered $n
a=$($SEND "$MX" "" "$rcpt" "$T/legit-b.eml")
case $a in 250*) ok "both roles: recorded, then its bounce judged: 250" ;;
	*) not_ok "both roles: recorded, then its bounce judged: 250"; diag "$a" ;; esac
n=$((n + 1)); wait_delivered $n
lockino=$(stat -c %i "$T/mhome/ledger/sent.db-lock")
mpid=$(ps -o pid= -u "$muser" | tr -d ' ' | head -1)
holds "... the milter process ($mpid) still holds its lock on sent.db-lock (inode $lockino)" \
    'awk -v p="$mpid" -v i="$lockino" '"'"'$2 == "POSIX" && $5 == p && $6 ~ (":" i "$") { f = 1 } END { exit !f }'"'"' /proc/locks'

# 4c. the ledger restored in place (a copy moved over it: another file
# at the same path): what is recorded from then on goes into the new
# file, and the milter reads that one too once LEDGER_REOPEN_SECONDS have
# passed (it read the unlinked one on, and refused the bounce of mail it
# had just recorded: 550, "never sent")
led=$T/mhome/ledger/sent.db
cp -p "$led" "$led.new" && mv "$led.new" "$led"
sed 's/8d2f4a6c-1e3b-4c5d-9e7f-a1b2c3d4e5f6/restored-1/' "$T/sent.eml" > "$T/sent-x.eml"
sed 's/8d2f4a6c-1e3b-4c5d-9e7f-a1b2c3d4e5f6/restored-1/' "$T/legit.eml" > "$T/legit-x.eml"
$SEND "$SUB" alice@backscatter.test "$rcpt" "$T/sent-x.eml" > /dev/null
n=$((n + 1)); wait_delivered $n
check "ledger restored in place: mail sent is recorded into the new file" \
    grep -q 'outgoing <restored-1@backscatter.test>.*recorded' "$T/milter.log"
sleep 11
a=$($SEND "$MX" "" "$rcpt" "$T/legit-x.eml")
case $a in 250*) ok "... its bounce, past LEDGER_REOPEN_SECONDS: 250, the new file read" ;;
	*) not_ok "... its bounce, past LEDGER_REOPEN_SECONDS: 250, the new file read"; diag "$a" ;; esac
n=$((n + 1)); check "... delivered" wait_delivered $n
check "... tagged X-Backscatter-Status: No" grep -q '^X-Backscatter-Status: No' "$(newest)"

# 4b. an auto-reply from someone we never wrote to (the ledger complete):
# refused, and the reply says why (it gave the DKIM words for any proof
# other than BATV's and the ledger's)
printf 'From: Carol <carol@stranger.example>\nTo: %s\nSubject: Out of Office: hello\nAuto-Submitted: auto-replied\nDate: Mon, 07 Dec 2026 19:00:00 +0000\nMessage-ID: <ooo1@stranger.example>\n\nI am out of the office until Monday.\n' \
    "$rcpt" > "$T/ooo.eml"
a=$($SEND "$MX" "" "$rcpt" "$T/ooo.eml")
case $a in "550 5.7.1 Backscatter: automatic reply from someone we never wrote to"*)
	ok "auto-reply from a stranger, proof by the sent ledger: 550 5.7.1, saying why" ;;
	*) not_ok "auto-reply from a stranger, proof by the sent ledger: 550 5.7.1, saying why"; diag "$a" ;; esac
# to more recipients than the milter looks at (LIMIT_RECIPIENTS, 256): one
# not looked at may be in a section that would take it: tagged, not refused
many=$(python3 -c 'import sys; print(",".join([sys.argv[1]] * 257))' "$rcpt")
a=$($SEND "$MX" "" "$many" "$T/forged.eml")
case $a in 250*) ok "... to 257 recipients: 250, at most tagged (not all looked at)" ;;
	*) not_ok "... to 257 recipients: 250, at most tagged (not all looked at)"; diag "$a" ;; esac
n=$((n + 1)); check "... delivered, tagged" wait_delivered $n
# over the 32 MiB limit: accepted unjudged, and said in the log
# (with a forged field of ours, which goes: the section tags mail)
python3 -c 'import sys
sys.stdout.write("X-Backscatter-Status: Yes, forged\n" + open(sys.argv[1]).read() +
    ("y" * 99 + "\n") * 340000)' "$T/forged.eml" > "$T/big.eml"
a=$($SEND "$MX" "" "$rcpt" "$T/big.eml")
case $a in 250*) ok "a forged bounce over 32 MiB: 250, unjudged" ;;
	*) not_ok "a forged bounce over 32 MiB: 250, unjudged"; diag "$a" ;; esac
n=$((n + 1)); check "... delivered" wait_delivered $n
check "... the milter said it took it unjudged" grep -q 'over 33554432 bytes: accepted unjudged' "$T/milter.log"
is "$(grep -c 'over 33554432 bytes' "$T/milter.log")" 1 "... once"
is "$(grep -c '^X-Backscatter' "$(newest)"):$(grep -c '^y\{99\}$' "$(newest)")" "0:340000" \
    "... whole, without the X-Backscatter-Status that came with it"
rm -f "$T/big.eml"
# milter_memory: with 1 MiB, a forged bounce of 0.6 MiB is judged (refused)
# three times over: what one message held is given back; one of 1.2 MiB
# is accepted unjudged, said
cp "$T/milter.conf" "$T/milter.conf.keep"
printf 'milter_memory 1\n' >> "$T/milter.conf"
r=$(grep -c 'reloaded' "$T/milter.log")
kill -HUP "$(cat "$T/milter.pid")"
i=0; until [ "$(grep -c 'reloaded' "$T/milter.log")" -gt "$r" ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
for k in 6 12; do
	python3 -c 'import sys
sys.stdout.write(open(sys.argv[1]).read() + ("y" * 99 + "\n") * int(sys.argv[2]) * 1000)' "$T/forged.eml" $k > "$T/mem$k.eml"
done
got=
for f in mem6 mem6 mem6 mem12; do
	a=$($SEND "$MX" "" "$rcpt" "$T/$f.eml")
	got="$got ${a%% *}"
done
is "$got" " 550 550 550 250" "milter_memory 1: 0.6 MiB judged three times over, 1.2 MiB accepted unjudged"
n=$((n + 1)); check "... delivered" wait_delivered $n
is "$(grep -c 'would pass milter_memory (1 MiB): accepted unjudged' "$T/milter.log")" 1 "... said once"
cp "$T/milter.conf.keep" "$T/milter.conf"
r=$(grep -c 'reloaded' "$T/milter.log")
kill -HUP "$(cat "$T/milter.pid")"
i=0; until [ "$(grep -c 'reloaded' "$T/milter.log")" -gt "$r" ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
rm -f "$T/mem6.eml" "$T/mem12.eml"

# 4b. a section per recipient domain: other.test tempfails what
# backscatter.test refuses; a message to both gets the milder answer
printf '[other.test]\nmilter_proof_action tempfail\n' >> "$T/milter.conf"
kill -HUP "$(cat "$T/milter.pid")"
i=0; until grep -q 'reloaded' "$T/milter.log" || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
a=$($SEND "$MX" "" "$user@other.test" "$T/forged.eml")
case $a in "451 4.7.1 Backscatter"*) ok "[other.test] milter_proof_action tempfail: 451 4.7.1" ;;
	*) not_ok "[other.test] milter_proof_action tempfail: 451 4.7.1"; diag "$a" ;; esac
a=$($SEND "$MX" "" "$rcpt,$user@other.test" "$T/forged.eml")
case $a in "451 4.7.1 "*) ok "... to both domains: the milder of reject and tempfail" ;;
	*) not_ok "... to both domains: the milder of reject and tempfail"; diag "$a" ;; esac
a=$($SEND "$MX" "" "$rcpt" "$T/forged.eml")
case $a in "550 5.7.1 "*) ok "... to backscatter.test alone: still 550" ;;
	*) not_ok "... to backscatter.test alone: still 550"; diag "$a" ;; esac
sleep 0.5
is "$(delivered)" "$n" "... none delivered"

# 4c. the other actions, by section: discard (taken, then gone) and
# quarantine (taken, held in Postfix's hold queue with our fields)
printf '[discard.test]\nmilter_proof_action discard\n[hold.test]\nmilter_proof_action quarantine\n' >> "$T/milter.conf"
kill -HUP "$(cat "$T/milter.pid")"
i=0; until [ "$(grep -c 'reloaded' "$T/milter.log")" -ge 2 ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
a=$($SEND "$MX" "" "$user@discard.test" "$T/forged.eml")
case $a in 250*) ok "[discard.test] milter_proof_action discard: 250" ;;
	*) not_ok "[discard.test] milter_proof_action discard: 250"; diag "$a" ;; esac
check "... and Postfix discarded it" sh -c "sleep 1; grep -q 'milter-discard: END-OF-MESSAGE' '$LOG'"
a=$($SEND "$MX" "" "$user@hold.test" "$T/forged.eml")
case $a in 250*) ok "[hold.test] milter_proof_action quarantine: 250" ;;
	*) not_ok "[hold.test] milter_proof_action quarantine: 250"; diag "$a" ;; esac
i=0; until [ -n "$(ls "$T/spool/hold" 2>/dev/null)" ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
held=$(ls "$T/spool/hold" 2>/dev/null | head -1)
check "... held in Postfix's hold queue" test -n "$held"
check "... with the X-Backscatter fields" sh -c "postcat -c '$P' -q '$held' 2>/dev/null | grep -q '^X-Backscatter-Status: Yes'"
postsuper -c "$P" -d ALL hold > /dev/null 2>&1
sleep 0.5
is "$(delivered)" "$n" "... neither delivered"

# 5. malformed input: accepted and delivered, the milter goes on
printf 'From: \377\376 broken\nSubject: Undelivered Mail Returned to Sender\nContent-Type: multipart/report; boundary=\n\n--\n--\n\0\0\0 nul bytes\n' > "$T/bad1.eml"
{ printf 'Subject: Delivery Status Notification (Failure)\nX-Long: '
  head -c 20000 /dev/zero | tr '\0' a; printf '\n\nbody\n'; } > "$T/bad2.eml"
printf 'Subject: Returned mail\nContent-Type: message/rfc822\n\nContent-Type: message/rfc822\n\nContent-Type: message/rfc822\n\n' > "$T/bad3.eml"
for f in bad1 bad2 bad3; do
	a=$($SEND "$MX" "" "$rcpt" "$T/$f.eml")
	case $a in 250*) ok "malformed $f: 250" ;; *) not_ok "malformed $f: 250"; diag "$a" ;; esac
	n=$((n + 1))
done
check "... all delivered" wait_delivered $n
check "... the milter still runs" kill -0 "$(cat "$T/milter.pid")"

# 6. SIGHUP: the configuration without proof is reloaded; the forged
# bounce is backscatter by the rules alone, an opinion: tagged, kept
cat > "$T/milter.conf" <<EOF
my_domain backscatter.test
milter_action headers
EOF
kill -HUP "$(cat "$T/milter.pid")"
i=0; until grep -q 'reloaded' "$T/milter.log" || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
check "SIGHUP reloads the configuration" grep -q 'reloaded' "$T/milter.log"
a=$($SEND "$MX" "" "$rcpt" "$T/forged.eml")
case $a in 250*) ok "forged bounce, no proof configured: 250 (never refused on an opinion)" ;;
	*) not_ok "forged bounce, no proof configured: 250"; diag "$a" ;; esac
n=$((n + 1)); check "... delivered" wait_delivered $n
check "... tagged X-Backscatter-Status: Yes" grep -q '^X-Backscatter-Status: Yes' "$(newest)"
# our folded field stored in the store's own line ends: no CR in an LF
# message (libmilter takes folds as "\n\t"; Postfix kept a CR given)
is "$(grep -c "$(printf '\r')" "$(newest)")" 0 "... with no CR byte: our folds in the store's line ends"
# a forged X-Backscatter-Status in the incoming message is removed
{ printf 'X-Backscatter-Status: No, forged\n'; cat "$T/forged.eml"; } > "$T/forged2.eml"
a=$($SEND "$MX" "" "$rcpt" "$T/forged2.eml")
n=$((n + 1)); wait_delivered $n
is "$(grep -c '^X-Backscatter-Status' "$(newest)")" 1 "an incoming X-Backscatter-Status is replaced by ours"
# ... also from a message not judged: a plain one, its body not read
{ printf 'X-Backscatter-Status: Yes, score=99.0 forged\nX-Backscatter-Level: proof\n'
  cat "$T/plain.eml"; } > "$T/plain2.eml"
before=$(judged)
a=$($SEND "$MX" bob@client.test "$rcpt" "$T/plain2.eml")
case $a in 250*) ok "a plain message with forged X-Backscatter fields: 250" ;;
	*) not_ok "a plain message with forged X-Backscatter fields: 250"; diag "$a" ;; esac
n=$((n + 1)); wait_delivered $n
is "$(judged)" "$before" "... not judged"
is "$(grep -c '^X-Backscatter' "$(newest)")" 0 "... delivered without them"
check "... its body whole" grep -q '^See you at noon\.$' "$(newest)"
# ... however many other X-Backscatter-* names come before it
{ i=0; while [ $i -lt 20 ]; do printf 'X-Backscatter-J%d: x\n' $i; i=$((i + 1)); done
  printf 'X-Backscatter-Status: No, forged\n'; cat "$T/forged.eml"; } > "$T/forged3.eml"
a=$($SEND "$MX" "" "$rcpt" "$T/forged3.eml")
n=$((n + 1)); wait_delivered $n
is "$(grep -c '^X-Backscatter-Status' "$(newest)"):$(grep -c '^X-Backscatter-Status: No, forged' "$(newest)")" "1:0" \
    "... also after 20 other X-Backscatter-* names (MILTER_FIELDS_MAX is 16)"

# 6b. outgoing mail told by its port (milter_record_port): Postfix sends
# no {daemon_port} unless milter_connect_macros names it, and nothing was
# recorded, without a word. The milter says so (once); with the macro
# named as backscatter-milter(8) says, the submission port's mail is
# recorded.
cat > "$T/milter.conf" <<EOF
my_domain backscatter.test
sent_ledger ~/ledger/sent.db
milter_record_port $SUB
EOF
# (the log from here: since6b)
from=$(($(wc -l < "$T/milter.log") + 1))
since6b() { tail -n +"$from" "$T/milter.log"; }
kill -HUP "$(cat "$T/milter.pid")"
i=0; until since6b | grep -q 'reloaded' || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
for k in 1 2; do
	sed "s/^Message-ID: <[^>]*>/Message-ID: <byport.$k@backscatter.test>/" "$T/sent.eml" > "$T/byport$k.eml"
	$SEND "$SUB" alice@backscatter.test "$rcpt" "$T/byport$k.eml" > /dev/null
	n=$((n + 1)); wait_delivered $n
done
is "$(since6b | grep -c 'milter_record_port is set, but the MTA sends no {daemon_port}'):$(since6b | grep -c 'outgoing <byport')" "1:0" \
    "milter_record_port without {daemon_port} from Postfix: nothing recorded, and the milter says so once"
# the page's line, word for word
line=$(sed -n 's/^.*\(milter_connect_macros = [^;]*\) ;$/\1/p' "$srcdir/doc/backscatter-milter.8.in" | head -n 1)
postconf -c "$P" -e "$line" && postfix -c "$P" reload > /dev/null 2>&1
sleep 1
sed "s/^Message-ID: <[^>]*>/Message-ID: <byport.3@backscatter.test>/" "$T/sent.eml" > "$T/byport3.eml"
$SEND "$SUB" alice@backscatter.test "$rcpt" "$T/byport3.eml" > /dev/null
n=$((n + 1)); wait_delivered $n
check "... with backscatter-milter(8)'s \"${line:-its line}\": recorded by port" \
    sh -c "tail -n +$from '$T/milter.log' | grep -q 'outgoing <byport.3@backscatter.test>.*recorded'"

# 7. one ledger for two roles, in Redis: a relay milter records what the
# submission port sends, the MX milter judges bounces by it; Redis
# killed mid-run: mail still flows, no proof, nothing refused. The relay
# runs as another user (another home: another host's local state)
if command -v redis-server > /dev/null; then
	mkdir -p "$T/redis"
	set -- $(python3 -c '
import socket
ss = [socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
	RP=$1 REDIS=$2
	redis-server --port "$REDIS" --bind 127.0.0.1 \
	    --daemonize yes --pidfile "$T/redis/pid" --dir "$T/redis" --save '' \
	    --appendonly no --logfile "$T/redis/log" > /dev/null
	i=0; until redis-cli -p "$REDIS" ping > /dev/null 2>&1 || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
	milter_stop
	# the page's configuration, for both roles
	sed -e 's/example\.org/backscatter.test/g' \
	    -e "s|redis://127.0.0.1:6379/0|redis://127.0.0.1:$REDIS/0|" "$conf" > "$T/milter.conf"
	cp "$T/milter.conf" "$T/relay.conf"
	"$MILTER" -f -u "$ruser" -c "$T/relay.conf" -P "$T/relay.pid" \
	    -p "inet:$RP@127.0.0.1" 2> "$T/relay.log" &
	# the MX milter by the page's command line
	sed -e "s|^backscatter-milter |'$MILTER' -f -c '$T/milter.conf' |" \
	    -e "s|-u backscatter|-u $muser|" -e "s|/run/backscatter-milter.pid|'$T/milter.pid'|" \
	    -e "s|8895|$MP|" "$cmd" > "$T/start.sh"
	: > "$T/milter.log"
	sh "$T/start.sh" 2>> "$T/milter.log" &
	i=0; until grep -q 'listening on' "$T/milter.log" || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
	check "the MX milter starts by the page's command line, with the page's Redis configuration" \
	    grep -q 'listening on' "$T/milter.log"
	i=0; until grep -q 'listening on' "$T/relay.log" || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
	check "the relay milter starts (its own process, the same Redis)" grep -q 'listening on' "$T/relay.log"
	postconf -c "$P" -M "127.0.0.1:$SUB/inet=127.0.0.1:$SUB inet n - n - - smtpd -o milter_macro_daemon_name=ORIGINATING -o smtpd_milters=inet:127.0.0.1:$RP"
	postfix -c "$P" reload > /dev/null 2>&1
	sleep 2
	sed 's/8d2f4a6c-1e3b-4c5d-9e7f-a1b2c3d4e5f6/redis-1/' "$T/sent.eml" > "$T/sent-r.eml"
	sed 's/8d2f4a6c-1e3b-4c5d-9e7f-a1b2c3d4e5f6/redis-1/' "$T/legit.eml" > "$T/legit-r.eml"
	a=$($SEND "$SUB" alice@backscatter.test "$rcpt" "$T/sent-r.eml")
	case $a in 250*) ok "Redis: sent through the relay: 250" ;; *) not_ok "Redis: sent through the relay: 250"; diag "$a" ;; esac
	n=$((n + 1)); wait_delivered $n
	check "... recorded by the relay milter" grep -q 'outgoing <redis-1@backscatter.test>.*recorded' "$T/relay.log"
	is "$(redis-cli -p "$REDIS" --scan --pattern 'bs:sent:*' | wc -l | tr -d ' ')" 1 "... one key in Redis"
	is "$(redis-cli -p "$REDIS" --scan --pattern 'bs:to:*' | wc -l | tr -d ' ')" 1 "... with its recipients beside it"
	is "$(redis-cli -p "$REDIS" smembers "$(redis-cli -p "$REDIS" --scan --pattern 'bs:to:*')" | wc -l | tr -d ' ')" 1 \
	    "... one recipient (To and RCPT TO name the same address)"
	is "$(redis-cli -p "$REDIS" --scan --pattern 'bs:corr:*' | wc -l | tr -d ' ')" 1 "... who is a correspondent now"
	# a bounce of what was recorded (accepted, found), then a forged one
	mx_bounces() {
		a=$($SEND "$MX" "" "$rcpt" "$1")
		case $a in 250*) ok "$2: 250" ;; *) not_ok "$2: 250"; diag "$a" ;; esac
		n=$((n + 1)); check "... delivered" wait_delivered $n
		check "... found in the shared ledger (BS_SENT_LEDGER)" grep -q 'BS_SENT_LEDGER' "$(newest)"
		a=$($SEND "$MX" "" "$rcpt" "$T/forged.eml")
		case $a in "550 5.7.1 "*) ok "$3: 550 5.7.1" ;; *) not_ok "$3: 550 5.7.1"; diag "$a" ;; esac
	}
	mx_bounces "$T/legit-r.eml" "Redis: its bounce, at the MX" "Redis: a forged bounce at the MX"
	# Redis stalled while the relay records: the entry is kept in the
	# relay's local spool and written into Redis once it answers (by
	# the relay's replay, every 5 s: no other mail need come), so that
	# the MX, another host, finds it; nothing was lost, so a forged
	# bounce is still refused. (Before: nothing recorded, and the MX
	# refused the bounce of that mail 550 "never sent".)
	sed 's/8d2f4a6c-1e3b-4c5d-9e7f-a1b2c3d4e5f6/redis-2/' "$T/sent.eml" > "$T/sent-r2.eml"
	sed 's/8d2f4a6c-1e3b-4c5d-9e7f-a1b2c3d4e5f6/redis-2/' "$T/legit.eml" > "$T/legit-r2.eml"
	kill -STOP "$(cat "$T/redis/pid")"
	a=$($SEND "$SUB" alice@backscatter.test "$rcpt" "$T/sent-r2.eml")
	case $a in 250*) ok "Redis stalled: sent through the relay: 250" ;;
		*) not_ok "Redis stalled: sent through the relay: 250"; diag "$a" ;; esac
	n=$((n + 1)); wait_delivered $n
	check "... kept in the relay's local spool, said" \
	    grep -q 'outgoing <redis-2@backscatter.test>: .*kept in the local spool until it answers' "$T/relay.log"
	is "$(ls "$T"/rhome/.local/state/backscatter/redis-spool/*/new | wc -l | tr -d ' ')" 1 \
	    "... one entry file in ~/.local/state/backscatter/redis-spool/<hash of the URL>/new"
	kill -CONT "$(cat "$T/redis/pid")"
	i=0; until grep -q 'entry written into it' "$T/relay.log" || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
	check "Redis answers again: the relay writes the kept entry into it, unasked, and says so" \
	    grep -q 'could not be written: 1 entry written into it' "$T/relay.log"
	is "$(redis-cli -p "$REDIS" --scan --pattern 'bs:sent:*' | wc -l | tr -d ' ')" 2 "... two keys in Redis"
	is "$(ls "$T"/rhome/.local/state/backscatter/redis-spool/*/new | wc -l | tr -d ' ')" 0 "... the local spool emptied"
	mx_bounces "$T/legit-r2.eml" "... its bounce, at the MX" "... a forged bounce still (nothing was lost)"
	kill -KILL "$(cat "$T/redis/pid")"
	sleep 0.3
	got=
	for f in forged legit-r forged plain; do
		a=$($SEND "$MX" "" "$rcpt" "$T/$f.eml")
		got="$got ${a%% *}"
		n=$((n + 1))
	done
	is "$got" " 250 250 250 250" "Redis killed mid-run: every message accepted (no proof, no refusal)"
	check "... and delivered" wait_delivered $n
	is "$(grep -c 'no proof from it until it answers' "$T/milter.log")" 1 \
	    "... the MX milter said so once, not per message"
	sed 's/8d2f4a6c-1e3b-4c5d-9e7f-a1b2c3d4e5f6/redis-3/' "$T/sent.eml" > "$T/sent-r3.eml"
	sed 's/8d2f4a6c-1e3b-4c5d-9e7f-a1b2c3d4e5f6/redis-3/' "$T/legit.eml" > "$T/legit-r3.eml"
	a=$($SEND "$SUB" alice@backscatter.test "$rcpt" "$T/sent-r3.eml")
	case $a in 250*) ok "Redis down: outgoing mail still flows through the relay" ;;
		*) not_ok "Redis down: outgoing mail still flows through the relay"; diag "$a" ;; esac
	n=$((n + 1)); check "... delivered" wait_delivered $n
	# started again empty (no persistence: its history is gone). The
	# relay, which wrote to it before, marks the loss as it writes what
	# it kept: the MX finds that entry, and proves nothing by absence
	redis-server --port "$REDIS" --bind 127.0.0.1 \
	    --daemonize yes --pidfile "$T/redis/pid" --dir "$T/redis" --save '' \
	    --appendonly no --logfile "$T/redis/log" > /dev/null
	i=0; until [ "$(grep -c 'entry written into it' "$T/relay.log")" = 2 ] || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
	is "$(grep -c 'entry written into it' "$T/relay.log")" 2 "Redis started again, empty: the relay writes what it kept"
	is "$(redis-cli -p "$REDIS" get bs:state:lost)" "$(( $(date +%s) / 86400 ))" \
	    "... and marks today's loss of history (bs:state:lost), having written to it before"
	a=$($SEND "$MX" "" "$rcpt" "$T/legit-r3.eml")
	case $a in 250*) ok "... the bounce of the kept one, at the MX: 250" ;; *) not_ok "... the bounce of the kept one, at the MX: 250"; diag "$a" ;; esac
	n=$((n + 1)); check "... delivered" wait_delivered $n
	check "... found in the shared ledger (BS_SENT_LEDGER)" grep -q 'BS_SENT_LEDGER' "$(newest)"
	a=$($SEND "$MX" "" "$rcpt" "$T/legit-r.eml")
	case $a in 250*) ok "... the bounce of one recorded before the restart: 250 (not 'never sent')" ;;
		*) not_ok "... the bounce of one recorded before the restart: 250 (not 'never sent')"; diag "$a" ;; esac
	n=$((n + 1)); check "... delivered" wait_delivered $n
	kill "$(cat "$T/relay.pid")" 2> /dev/null
else
	ok "# SKIP redis-server is not installed (Debian: apt-get install redis-server)"
fi

# 8. the milter process dies: the first process starts it again
cpid=$(pgrep -P "$(cat "$T/milter.pid")" | head -1)
kill -KILL "$cpid" 2> /dev/null
i=0; until [ "$(grep -c 'listening on' "$T/milter.log")" -ge 2 ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
is "$(grep -c 'listening on' "$T/milter.log")" 2 "a killed milter process is started again"

# 8b. a reload refused for an error, then the milter process dies: the
# one started again must not run the file's other lines with the
# dropped line's default (reject, for proof): every action at most
# headers until the file is mended. (It refused 550 what the settings
# in force, milter_proof_action headers, tagged.)
printf 'my_domain backscatter.test\nsent_ledger ~/ledger/sent.db\nsent_ledger_complete yes\nmilter_proof_action headers\n' > "$T/milter.conf"
kill -HUP "$(cat "$T/milter.pid")"
i=0; until [ "$(grep -c 'reloaded' "$T/milter.log")" -ge 1 ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
a=$($SEND "$MX" "" "$rcpt" "$T/forged.eml")
case $a in 250*) ok "milter_proof_action headers: a forged bounce (proof) is tagged, 250" ;;
	*) not_ok "milter_proof_action headers: a forged bounce (proof) is tagged, 250"; diag "$a" ;; esac
n=$((n + 1)); check "... delivered" wait_delivered $n
sed -i 's/milter_proof_action headers/milter_proof_action hedaers/' "$T/milter.conf"
kill -HUP "$(cat "$T/milter.pid")"
i=0; until grep -q 'the old settings stay' "$T/milter.log" || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
cpid=$(pgrep -P "$(cat "$T/milter.pid")" | head -1)
kill -KILL "$cpid" 2> /dev/null
i=0; until [ "$(grep -c 'listening on' "$T/milter.log")" -ge 3 ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
check "a reload refused for a typo, the milter process killed: started again, and says it runs milder" \
    grep -q 'has 1 error: started again with no action harsher than headers' "$T/milter.log"
a=$($SEND "$MX" "" "$rcpt" "$T/forged.eml")
case $a in 250*) ok "... the forged bounce: still tagged, 250 (not refused by the default reject)" ;;
	*) not_ok "... the forged bounce: still tagged, 250 (not refused by the default reject)"; diag "$a" ;; esac
n=$((n + 1)); check "... delivered" wait_delivered $n
check "... tagged X-Backscatter-Status: Yes" grep -q '^X-Backscatter-Status: Yes' "$(newest)"

# 9. the milter killed whole: Postfix's milter_default_action = accept
kill -KILL "$(cat "$T/milter.pid")" $(pgrep -P "$(cat "$T/milter.pid")") 2> /dev/null
sleep 0.5
got=
for f in forged plain legit; do
	a=$($SEND "$MX" "" "$rcpt" "$T/$f.eml")
	got="$got ${a%% *}"
	n=$((n + 1))
done
is "$got" " 250 250 250" "the milter killed: every message is accepted (milter_default_action = accept)"
check "... and delivered: nothing lost" wait_delivered $n
grep -q 'status=bounced' "$LOG" && not_ok "nothing was ever bounced" || ok "nothing was ever bounced"
rm -f "$T/milter.pid"
done_testing
