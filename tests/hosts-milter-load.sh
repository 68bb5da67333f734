#!/bin/sh
# hosts-milter-load.sh - backscatter-milter behind a real Postfix under
# load and under faults, messages sent by Postfix's own smtp-source:
#  - 3 streams of 20 concurrent SMTP sessions at once (legitimate
#    bounces, forged bounces, plain mail), with a SIGHUP storm reloading
#    the configuration while they run: every message accounted for, each
#    verdict right (the legitimate ones delivered tagged No, the forged
#    ones refused with 550 5.7.1, the plain ones delivered untouched);
#  - the watchdog: with milter_judge_timeout 20 a real slow message (the
#    recipient-storm case of hostile.sh, 50000 recipients, with user
#    rules spending the whole work bound for matching: a quarter second
#    of CPU or more on any machine) is accepted with a log line, the
#    judging abandoned, and the milter goes on; 32 of them ending at
#    once: past MILTER_ABANDONED_MAX abandoned judgings, messages are
#    accepted unjudged, none lost;
#  - the fault run: the Redis ledger stopped in the middle of a stream,
#    and the milter killed in the middle of one (Postfix's
#    milter_default_action = accept), and malformed SMTP sessions
#    (garbage commands, bare LF, NUL bytes, cut mid-DATA, over-long
#    lines): no message lost, none refused wrongly (a legitimate bounce
#    never refused; a forged one refused only while the ledger answers).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$srcdir/tests/doclib.sh"

MILTER=${BACKSCATTER_MILTER:-${top_builddir:-$srcdir}/src/backscatter-milter}
[ "$(id -u)" = 0 ] || skip_all "needs root to run Postfix and add users"
command -v postfix > /dev/null || skip_all "postfix is not installed (Debian: apt-get install postfix)"
command -v smtp-source > /dev/null || PATH=$PATH:/usr/sbin
command -v smtp-source > /dev/null || skip_all "smtp-source is not installed (Debian: postfix)"
[ -x "$MILTER" ] || skip_all "backscatter-milter is not built (Debian: apt-get install libmilter-dev, then configure)"
command -v python3 > /dev/null || skip_all "python3 is not installed"

user=bsl$$
muser=bsn$$
H=$T/$user
P=$T/postfix
LOG=$T/maillog
chmod 755 "$T"
milter_stop() {
	[ -s "$T/milter.pid" ] && kill "$(cat "$T/milter.pid")" 2> /dev/null
	i=0
	while [ -s "$T/milter.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}
cleanup() {
	milter_stop
	[ -s "$T/redis/pid" ] && kill "$(cat "$T/redis/pid")" 2> /dev/null
	postfix_stop
	userdel "$user" > /dev/null 2>&1
	userdel "$muser" > /dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT

set -- $(python3 -c '
import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
MX=$1 MP=$2 REDIS=$3

useradd -M -d "$H" -s /bin/sh "$user" && useradd -M -d "$T/mhome" -s /bin/false "$muser" ||
    { not_ok "the test users are made"; done_testing; }
mkdir -p "$H/Maildir" "$T/ledger" "$T/mhome" "$T/redis" && chown -R "$user": "$H"

# the mail: a bounce of a message we sent (its Message-ID recorded), a
# forged one, a plain message
sed -e 's/northwind\.example/backscatter.test/g' "$srcdir/examples/bounce-legit.eml" > "$T/legit.eml"
sed -e 's/northwind\.example/backscatter.test/g' "$srcdir/examples/bounce-backscatter.eml" > "$T/forged.eml"
printf 'From: Bob <bob@client.test>\nTo: someone@backscatter.test\nSubject: lunch\nMessage-ID: <plain1@client.test>\n\nSee you at noon.\n' > "$T/plain.eml"
awk '/^Content-Type: message\/rfc822/ { on = 1; next } on && /^$/ && !body { body = 1; next }
    on && body && /^--/ { exit } on && body { print }' "$T/legit.eml" > "$T/sent.eml"
printf 'my_domain backscatter.test\nsent_ledger %s/ledger/sent.db\nsent_ledger_complete yes\n' "$T" > "$T/lmdb.conf"
bs_run "$T/sent.eml" --config "$T/lmdb.conf" --record-sent
is "$rc" 0 "the legitimate bounce's original is recorded in the sent ledger"
chown -R "$muser": "$T/ledger"

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
cp "$T/lmdb.conf" "$T/milter.conf"
check "the milter starts" milter_start

postfix_instance mx.backscatter.test backscatter.test
postconf -c "$P" -M "127.0.0.1:$MX/inet=127.0.0.1:$MX inet n - n - - smtpd"
cat >> "$P/main.cf" <<EOF
mynetworks = 127.0.0.0/8
home_mailbox = Maildir/
recipient_delimiter = +
smtpd_milters = inet:127.0.0.1:$MP
milter_default_action = accept
milter_protocol = 6
milter_connect_timeout = 5s
EOF
postfix -c "$P" start > /dev/null 2>&1 || { not_ok "postfix starts"; diag "$(cat "$LOG")"; done_testing; }
ok "a private Postfix starts (loopback port $MX, the milter on $MP)"
i=0
until python3 "$srcdir/tests/tools/smtp-send" "$MX" x@client.test nobody@nowhere.invalid /dev/null 2>/dev/null |
    grep -q '^5' || [ $i -ge 50 ]; do sleep 0.2; i=$((i + 1)); done

streams=
# stream TAG FILE COUNT SESSIONS [SENDER]: COUNT copies of FILE to
# $user+TAG, over SESSIONS concurrent SMTP sessions, in the background,
# by Postfix's smtp-source (which stops at the first refusal: for mail
# that must all be taken)
stream() {
	smtp-source -s "$4" -m "$3" -f "${5-}" -t "$user+$1@backscatter.test" \
	    -F "$2" -M client.test "127.0.0.1:$MX" > "$T/src-$1.out" 2>&1 &
	streams="$streams $!"
}
# refusable TAG FILE COUNT SESSIONS [HOLD]: the same, with the null
# sender, by tests/tools/smtp-stream, which goes on after a refusal;
# what the server answered in $T/src-TAG.out. With HOLD the stream
# stops after HOLD messages until the test opens the gate (release TAG)
refusable() {
	python3 "$srcdir/tests/tools/smtp-stream" "$MX" "$4" "$3" "$2" "" \
	    "$user+$1@backscatter.test" ${5:+"$5:$T/gate-$1"} > "$T/src-$1.out" 2>&1 &
	streams="$streams $!"
}
# held TAG: until the first HOLD messages of the stream were answered
# (at most 60 s)
held() {
	i=0; until [ -e "$T/gate-$1.held" ] || [ $i -ge 600 ]; do sleep 0.1; i=$((i + 1)); done
}
# release TAG: the held stream sends the rest
release() { : > "$T/gate-$1"; }
# wait_streams: until the streams end (not the milter: a plain wait
# would wait for it too)
wait_streams() { wait $streams; streams=; }
# running: a stream still runs
running() {
	for _p in $streams; do kill -0 "$_p" 2> /dev/null && return 0; done
	return 1
}
# delivered TAG: messages delivered to $user+TAG
delivered() { grep -l -r "^Delivered-To: $user+$1@" "$H/Maildir/new" 2>/dev/null | wc -l | tr -d ' '; }
# refused TAG: messages Postfix says the milter refused for $user+TAG
refused() { grep 'milter-reject: END-OF-MESSAGE' "$LOG" | grep -c "to=<$user+$1@"; }
# settle TAG N: until the N messages to $user+TAG are delivered or
# refused (at most 60 s)
settle() {
	i=0
	while [ $(( $(delivered "$1") + $(refused "$1") )) -lt "$2" ] && [ $i -lt 300 ]; do
		sleep 0.2; i=$((i + 1))
	done
}

# 1. 60 concurrent sessions, 3 streams, a SIGHUP storm meanwhile
N=60
cp "$T/lmdb.conf" "$T/a.conf"
{ cat "$T/lmdb.conf"; printf '[unused.test]\nmilter_proof_action tempfail\n'; } > "$T/b.conf"
stream legit "$T/legit.eml" $N 20
# (the forged stream holds after 30 until 6 signals were sent: the storm
# meets the sessions however fast the machine)
refusable forged "$T/forged.eml" $N 20 30
stream plain "$T/plain.eml" $N 20 bob@client.test
k=0
while running && [ $k -lt 600 ]; do
	[ $k = 6 ] && release forged
	# the configuration changes under the sessions: same verdicts
	cp "$T/$( [ $((k % 2)) = 0 ] && echo b || echo a ).conf" "$T/milter.conf"
	kill -HUP "$(cat "$T/milter.pid")"
	sleep 0.05
	k=$((k + 1))
done
wait_streams
settle legit $N; settle forged $N; settle plain $N
reloads=$(grep -c 'reloaded' "$T/milter.log")
check "SIGHUP storm: $k signals while the sessions ran, $reloads reloads" test "$reloads" -ge 3
is "$(delivered legit):$(refused legit)" "$N:0" "$N legitimate bounces over 20 concurrent sessions: all delivered, none refused"
is "$(grep -l -r "^X-Backscatter-Status: No" "$H/Maildir/new" | xargs grep -l "^Delivered-To: $user+legit@" | wc -l | tr -d ' ')" \
    "$N" "... each tagged X-Backscatter-Status: No (the sent ledger)"
is "$(refused forged):$(delivered forged):$(cat "$T/src-forged.out")" "$N:0:taken 0 refused $N tempfailed 0 errors 0" \
    "$N forged bounces at once: all refused (550 5.7.1, proof), none delivered"
is "$(grep 'milter-reject: END-OF-MESSAGE' "$LOG" | grep "to=<$user+forged@" | grep -c '5.7.1 Backscatter')" "$N" \
    "... each with the milter's 5.7.1 reason"
is "$(delivered plain):$(refused plain)" "$N:0" "$N plain messages at once: all delivered"
is "$(grep -l -r '^X-Backscatter' "$H/Maildir/new" | xargs grep -l "^Delivered-To: $user+plain@" 2>/dev/null | wc -l | tr -d ' ')" 0 \
    "... untouched (accepted at the end of the header)"
is "$(grep -c 'could not be judged\|abandoned\|not judged' "$T/milter.log")" 0 \
    "no message went unjudged for the milter's own trouble"
is "$(grep -c 'kind=bounce' "$T/milter.log")" $((2 * N)) "every bounce judged once"
is "$(grep -c 'the milter process ended' "$T/milter.log")" 0 "the milter process never died"

# 2. the watchdog: a real slow message, milter_judge_timeout 20
sed -n "/^cat > \"\$T\/gen.py\" <<'PY'$/,/^PY$/p" "$srcdir/tests/hostile.sh" | sed '1d;$d' > "$T/gen.py"
python3 "$T/gen.py" recipient-storm "$T/slow.eml"
# and user rules that spend the whole of a message's work for matching
# (LIMIT_REGEX_TOTAL_WORK, a count, not a time: a quarter of a second of
# processor time or more on any machine) on a run of "a" in its text, so
# that the judgings abandoned below still run for seconds however fast
# the machine is
python3 - "$T/slow.eml" <<'PY'
import sys
p = sys.argv[1]
m = open(p).read().replace("northwind.example", "backscatter.test")
m = m.replace("--B\n", "--B\nContent-Type: text/plain\n\nYour message could not be delivered.\n" +
              "a" * 20000 + "b\n\n--B\n", 1)
open(p, "w").write(m)
PY
mkdir -p "$T/slowrules"
for k in $(seq 1 40); do echo "body BS_TEST_SLOW$k /(a+)+(?:\$|z$k)/"; done > "$T/slowrules/slow.cf"
{ cat "$T/lmdb.conf"; echo 'milter_judge_timeout 20'; echo "rules_dir $T/slowrules"; } > "$T/milter.conf"
kill -HUP "$(cat "$T/milter.pid")"
i=0; until [ "$(grep -c 'reloaded' "$T/milter.log")" -gt "$reloads" ] || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
a=$(python3 "$srcdir/tests/tools/smtp-send" "$MX" "" "$user+slow@backscatter.test" "$T/slow.eml")
case $a in 250*) ok "a slow message, milter_judge_timeout 20: 250" ;; *) not_ok "a slow message, milter_judge_timeout 20: 250"; diag "$a" ;; esac
settle slow 1
is "$(delivered slow)" 1 "... delivered"
check "... the milter said it abandoned the judging" \
    grep -q 'judging took over 20 ms (milter_judge_timeout): abandoned, accepted' "$T/milter.log"
# 32 at once: the abandoned judgings still run; past 16 of them a
# message is accepted unjudged. The 32 sessions end their DATA together
# (tests/tools/smtp-together), and a forged bounce, sent but for its
# final ".", ends it the moment the milter's log says 16 judgings were
# abandoned and still run: it must be accepted unjudged (never refused,
# never lost). The milter's threads run at the lowest priority for this
# part, so that the test and Postfix, not the judgings, have the cores
# when the gate opens (on two cores, 32 judgings of a quarter second of
# CPU or more each leave the other processes a thirty-third of the
# machine otherwise)
mpid=$(cat "$T/milter.pid")
niceness() { for _t in /proc/"$mpid"/task/*; do renice -n "$1" -p "${_t##*/}" > /dev/null; done; }
# abandoned_running: judgings the milter abandoned that still run
abandoned_running() {
	echo $(( $(grep -c 'abandoned, accepted' "$T/milter.log") -
	    $(grep -c 'the abandoned judging ended after' "$T/milter.log") ))
}
niceness 19
python3 "$srcdir/tests/tools/smtp-send" "$MX" "" "$user+overflow@backscatter.test" "$T/forged.eml" \
    "$T/gate-over" > "$T/over.out" 2>&1 &
over_pid=$!
i=0; until [ -e "$T/gate-over.held" ] || [ $i -ge 600 ]; do sleep 0.1; i=$((i + 1)); done
python3 "$srcdir/tests/tools/smtp-together" "$MX" 32 "$T/slow.eml" "" \
    "$user+slowmany@backscatter.test" > "$T/src-slowmany.out" 2>&1 &
wave_pid=$!
i=0; until [ "$(abandoned_running)" -ge 16 ] || [ $i -ge 1200 ]; do sleep 0.02; i=$((i + 1)); done
at_gate=$(abandoned_running)
: > "$T/gate-over"
wait "$over_pid" "$wave_pid"
niceness 0
settle slowmany 32
is "$(delivered slowmany):$(refused slowmany):$(cat "$T/src-slowmany.out")" \
    "32:0:taken 32 refused 0 tempfailed 0 errors 0" "32 slow messages ended at once: all delivered"
a=$(cat "$T/over.out")
qid=$(printf '%s\n' "$a" | sed -n 's/^250 .*queued as \([0-9A-Za-z]*\).*/\1/p')
if [ -n "$qid" ] && grep -q ": $qid: not judged (16 judgings abandoned still run" "$T/milter.log"; then
	ok "... past MILTER_ABANDONED_MAX abandoned judgings still running, a forged bounce is accepted unjudged"
else
	not_ok "... past MILTER_ABANDONED_MAX abandoned judgings still running, a forged bounce is accepted unjudged"
	diag "the forged bounce: $a; abandoned judgings running when it ended: $at_gate"
	diag "$(tail -60 "$T/milter.log")"
fi
settle overflow 1
is "$(delivered overflow)" 1 "... and delivered, not lost"
cp "$T/lmdb.conf" "$T/milter.conf"
before=$(grep -c 'reloaded' "$T/milter.log")
kill -HUP "$(cat "$T/milter.pid")"
i=0; until [ "$(grep -c 'reloaded' "$T/milter.log")" -gt "$before" ] || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
# the abandoned judgings end by their own bounds (at most 120 s: the
# machine may be loaded)
given_up=$(grep -c 'abandoned, accepted' "$T/milter.log")
i=0; until [ "$(grep -c 'the abandoned judging ended after' "$T/milter.log")" -ge "$given_up" ] || [ $i -ge 1200 ]; do
	sleep 0.1; i=$((i + 1)); done
is "$(grep -c 'the abandoned judging ended after' "$T/milter.log")" "$given_up" \
    "... each of the $given_up abandoned judgings ended, and said so"
a=$(python3 "$srcdir/tests/tools/smtp-send" "$MX" "" "$user+after@backscatter.test" "$T/forged.eml")
case $a in "550 5.7.1 "*) ok "... and then a forged bounce is judged and refused again" ;;
	*) not_ok "... and then a forged bounce is judged and refused again"; diag "$a" ;; esac
is "$(grep -c 'the milter process ended' "$T/milter.log")" 0 "... the milter process never died"

# 3. malformed SMTP: garbage, bare LF, NUL, cut in DATA, long lines; a
# message that completes is delivered; the milter goes on
python3 - "$MX" "$user" > "$T/raw.out" 2>&1 <<'PY'
import socket, sys, time
port, user = int(sys.argv[1]), sys.argv[2]
rcpt = ("%s+raw@backscatter.test" % user).encode()
def session(chunks, wait=0.3):
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    s.recv(4096)
    for c in chunks:
        s.sendall(c)
        time.sleep(0.05)
    time.sleep(wait)
    try:
        s.recv(65536)
    except OSError:
        pass
    s.close()
dsn = (b"From: MAILER-DAEMON@mx.remote.test\r\nSubject: Undelivered Mail Returned to Sender\r\n"
       b"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
       b"--B\r\nContent-Type: text/plain\r\n\r\nrejected\r\n")
env = b"EHLO client.test\r\nMAIL FROM:<>\r\nRCPT TO:<" + rcpt + b">\r\nDATA\r\n"
# garbage commands, then a whole message (counted: 1)
session([b"HELO\r\n", b"\x00\x01\x02 junk\r\n", b"MAIL FROM:<<<>>>\r\n", b"RCPT TO:\r\n",
         b"X" * 5000 + b"\r\n", b"RSET\r\n", env, dsn + b"--B--\r\n.\r\nQUIT\r\n"])
# bare LF and NUL bytes in the message (counted: 2)
session([env, dsn.replace(b"\r\n", b"\n") + b"\x00\x00 nul\n--B--\n\r\n.\r\nQUIT\r\n"])
# cut in the middle of DATA, in the header and in the body: not counted
session([env, b"Subject: Undelivered Mail Returned to Sender\r\nFrom: MAILER"], 0.5)
session([env, dsn + b"half a body"], 0.5)
# an over-long header line, then a whole message (counted: 3)
session([env, b"Subject: Returned mail " + b"y" * 200000 + b"\r\n" + dsn[dsn.index(b"From"):] +
         b"--B--\r\n.\r\nQUIT\r\n"], 1)
# pipelined: two messages in one write, the first aborted by RSET after
# MAIL (counted: 4)
session([b"EHLO c\r\nMAIL FROM:<>\r\nRSET\r\nMAIL FROM:<>\r\nRCPT TO:<" + rcpt + b">\r\nDATA\r\n",
         dsn + b"--B--\r\n.\r\nQUIT\r\n"])
PY
settle raw 4
is "$(delivered raw):$(refused raw)" "4:0" "malformed SMTP: the 4 messages that completed are delivered, none refused"
check "... the milter still runs, never restarted" sh -c \
    "kill -0 $(cat "$T/milter.pid") && ! grep -q 'the milter process ended' '$T/milter.log'"
a=$(python3 "$srcdir/tests/tools/smtp-send" "$MX" "" "$user+after2@backscatter.test" "$T/forged.eml")
case $a in "550 5.7.1 "*) ok "... and it still refuses a forged bounce" ;;
	*) not_ok "... and it still refuses a forged bounce"; diag "$a" ;; esac

# 4. Redis stopped in the middle of a stream: legitimate bounces never
# refused; forged ones refused while Redis answers, then accepted (no
# proof); every message accounted for
if command -v redis-server > /dev/null; then
	redis-server --port "$REDIS" --bind 127.0.0.1 --daemonize yes --pidfile "$T/redis/pid" \
	    --dir "$T/redis" --save '' --appendonly no --logfile "$T/redis/log" > /dev/null
	i=0; until redis-cli -p "$REDIS" ping > /dev/null 2>&1 || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
	redis-cli -p "$REDIS" CONFIG SET requirepass 'pw:1' > /dev/null
	printf 'my_domain backscatter.test\nsent_ledger redis://:pw%%3A1@127.0.0.1:%s/0\nsent_ledger_complete yes\n' "$REDIS" > "$T/redis.conf"
	bs_run "$T/sent.eml" --config "$T/redis.conf" --record-sent
	is "$rc:$(REDISCLI_AUTH=pw:1 redis-cli -p "$REDIS" --scan --pattern 'bs:sent:*' 2> /dev/null | wc -l | tr -d ' ')" "0:1" \
	    "Redis with requirepass: the legitimate bounce's original recorded"
	# reload CONF: the milter reads it, and has said so
	reload() {
		cp "$1" "$T/milter.conf"
		before=$(grep -c 'reloaded' "$T/milter.log")
		kill -HUP "$(cat "$T/milter.pid")"
		i=0; until [ "$(grep -c 'reloaded' "$T/milter.log")" -gt "$before" ] || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
	}
	# a wrong password: the ledger cannot answer; nothing refused on
	# it, said once for all the messages
	sed 's/:pw%3A1@/:wrong@/' "$T/redis.conf" > "$T/redis-wrong.conf"
	reload "$T/redis-wrong.conf"
	got=
	for f in forged forged legit forged; do
		a=$(python3 "$srcdir/tests/tools/smtp-send" "$MX" "" "$user+wrongpw@backscatter.test" "$T/$f.eml")
		got="$got ${a%% *}"
	done
	is "$got" " 250 250 250 250" "Redis, a wrong password: every message accepted (no proof from the ledger)"
	is "$(grep -c 'WRONGPASS.*no proof from it until it answers' "$T/milter.log")" 1 \
	    "... said once for the four, not per message"
	check "... the password is never said" sh -c "! grep -q 'wrong@' '$T/milter.log'"
	reload "$T/redis.conf"
	# the failure is remembered LEDGER_REDIS_RETRY_SECONDS
	sleep 1.2
	a=$(python3 "$srcdir/tests/tools/smtp-send" "$MX" "" "$user+rightpw@backscatter.test" "$T/forged.eml")
	case $a in "550 5.7.1 "*) ok "... the right password: a forged bounce refused again" ;;
		*) not_ok "... the right password: a forged bounce refused again"; diag "$a" ;; esac
	N=80
	stream rlegit "$T/legit.eml" $N 10
	refusable rforged "$T/forged.eml" $N 10 20
	# Redis goes once a part of the stream was judged, before the rest
	held rforged
	i=0; until [ "$(refused rforged)" -ge 5 ] || [ $i -ge 300 ]; do sleep 0.1; i=$((i + 1)); done
	kill -KILL "$(cat "$T/redis/pid")"
	release rforged
	wait_streams
	settle rlegit $N; settle rforged $N
	is "$(delivered rlegit):$(refused rlegit)" "$N:0" "Redis killed mid-stream: $N legitimate bounces all delivered, none refused"
	settle wrongpw 4
	r=$(refused rforged) d=$(delivered rforged)
	is "$((r + d))" "$N" "... $N forged: $r refused while Redis answered, $d accepted after (no proof): none lost"
	is "$r:$d" "20:60" "... the 20 sent before the kill refused, the 60 after accepted"
	is "$(grep -c 'no proof from it until it answers' "$T/milter.log")" 1 \
	    "... not said per message: at most once a minute (the wrong password's line, a minute ago at most, stands for it)"
fi

# 5. the milter killed in the middle of a stream: Postfix's
# milter_default_action = accept; every message accounted for, the
# legitimate ones all delivered
cp "$T/lmdb.conf" "$T/milter.conf"
before=$(grep -c 'reloaded' "$T/milter.log")
kill -HUP "$(cat "$T/milter.pid")"
i=0; until [ "$(grep -c 'reloaded' "$T/milter.log")" -gt "$before" ] || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
N=80
stream klegit "$T/legit.eml" $N 10
refusable kforged "$T/forged.eml" $N 10 20
held kforged
i=0; until [ "$(refused kforged)" -ge 5 ] || [ $i -ge 300 ]; do sleep 0.1; i=$((i + 1)); done
kill -KILL "$(cat "$T/milter.pid")" $(pgrep -P "$(cat "$T/milter.pid")") 2> /dev/null
rm -f "$T/milter.pid"
release kforged
wait_streams
settle klegit $N; settle kforged $N
is "$(delivered klegit):$(refused klegit)" "$N:0" "the milter killed mid-stream: $N legitimate bounces all delivered, none refused"
r=$(refused kforged) d=$(delivered kforged)
is "$((r + d))" "$N" "... $N forged: $r refused before, $d accepted after (milter_default_action = accept): none lost"
is "$r:$d" "20:60" "... the 20 sent before the kill refused, the 60 after accepted"
grep -q 'status=bounced' "$LOG" && not_ok "nothing was ever bounced" || ok "nothing was ever bounced"
is "$(find "$T/spool/deferred" "$T/spool/active" "$T/spool/incoming" -type f 2>/dev/null | wc -l | tr -d ' ')" 0 \
    "nothing left in Postfix's queues"
done_testing
