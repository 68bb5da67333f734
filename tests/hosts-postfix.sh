#!/bin/sh
# hosts-postfix.sh - the real Postfix local(8) delivering through a
# .forward pipe that runs --deliver (doc/examples/forward), loopback only:
# delivered into the Maildir and its .Backscatter folder; an unwritable
# target is deferred (4.3.0), never bounced. Needs root (it starts Postfix
# with a test main.cf and a test user); restores main.cf and stops Postfix.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root to start Postfix and add a user"
command -v postfix > /dev/null && [ -x /usr/sbin/sendmail ] ||
    skip_all "postfix is not installed (Debian: apt-get install postfix)"
if postfix status > /dev/null 2>&1; then
	skip_all "a Postfix is already running here; not touching it"
fi

user=bsxdeliver
H=/home/$user
LOG=/var/log/backscatter-test-postfix.$$.log	# maillog_file must be under /var
cp /etc/postfix/main.cf "$T/main.cf.saved"
cleanup() {
	postsuper -d ALL > /dev/null 2>&1
	postfix stop > /dev/null 2>&1
	cp "$T/main.cf.saved" /etc/postfix/main.cf
	userdel -r "$user" > /dev/null 2>&1
	rm -f "$LOG"; rm -rf "$T"
}
trap cleanup EXIT
postconf -e "maillog_file = $LOG" 'inet_interfaces = loopback-only' \
    'default_transport = error' 'relay_transport = error' \
    'command_time_limit = 30s' 'mydestination = backscatter.test, localhost' \
    'myhostname = backscatter.test' 'alias_maps =' 'alias_database =' \
    'mailbox_command =' 'home_mailbox = Mailbox'
id "$user" > /dev/null 2>&1 || useradd -m -s /bin/sh "$user"
# the binary where the user can run it, a threshold for the test messages
chmod 755 "$T"
cp "$BACKSCATTER" "$T/backscatter"; chmod 755 "$T/backscatter"
mkdir -p "$H/.config/backscatter"
echo 'required_score 2.0' > "$H/.config/backscatter/config"
cp "$srcdir/doc/examples/deliver.sieve" "$H/.backscatter.sieve"
# doc/examples/forward, with this test's paths
sed -e "s|/usr/bin/backscatter|$T/backscatter|" -e "s|/home/alice|$H|g" \
    "$srcdir/doc/examples/forward" > "$H/.forward"
chown -R "$user": "$H"
: > "$LOG"
postfix start > /dev/null 2>&1 || { not_ok "postfix starts"; done_testing; }
ok "postfix starts (loopback only, nothing leaves the machine)"

# send MSG TAG: submit with the null sender, wait for the status line
send() {
	before=$(grep -c "to=<$user@" "$LOG")
	/usr/sbin/sendmail -f '' "$user@backscatter.test" < "$1"
	i=0
	while [ "$(grep -c "to=<$user@" "$LOG")" -le "$before" ] && [ $i -lt 150 ]; do
		sleep 0.2; i=$((i + 1))
	done
	grep "to=<$user@" "$LOG" | tail -1 | sed 's/.*status=/status=/'
}
files() { find "$1" -type f 2>/dev/null | wc -l | tr -d ' '; }

st=$(send "$srcdir/examples/bounce-backscatter.eml")
case $st in status=sent*) ok "backscatter: sent (delivered to command)" ;;
	*) not_ok "backscatter: sent (delivered to command)"; diag "$st" ;; esac
is "$(files "$H/Maildir/.Backscatter/cur")" 1 "backscatter: in .Backscatter, marked seen"
ls "$H/Maildir/.Backscatter/cur/" | grep -q ':2,S$' && ok "... with :2,S" || not_ok "... with :2,S"
st=$(send "$srcdir/examples/bounce-legit.eml")
case $st in status=sent*) ok "legitimate: sent" ;; *) not_ok "legitimate: sent"; diag "$st" ;; esac
is "$(files "$H/Maildir/new")" 1 "legitimate: in the INBOX"
f=$(find "$H/Maildir/new" -type f)
head -1 "$f" | grep -q '^Return-Path: <>' && ok "Postfix's From_ line is not stored; Return-Path first" ||
    not_ok "Postfix's From_ line is not stored; Return-Path first"
grep -q '^X-Backscatter-Status: No' "$f" && ok "legitimate: tagged No" || not_ok "legitimate: tagged No"
stat -c %U "$f" | grep -qx "$user" && ok "stored as the user" || not_ok "stored as the user"

# an unwritable target: deferred, not bounced
chmod 500 "$H/Maildir/tmp"
st=$(send "$srcdir/examples/bounce-legit.eml")
case $st in status=deferred*) ok "unwritable Maildir: deferred" ;;
	*) not_ok "unwritable Maildir: deferred"; diag "$st" ;; esac
grep "to=<$user@" "$LOG" | tail -1 | grep -q 'dsn=4\.' && ok "... with a 4.x.x DSN" ||
    not_ok "... with a 4.x.x DSN"
grep -q "to=<$user@.*status=bounced" "$LOG" && not_ok "nothing was ever bounced" ||
    ok "nothing was ever bounced"
# once writable again, the deferred message arrives (once)
chmod 700 "$H/Maildir/tmp"
postqueue -f
i=0; while [ "$(files "$H/Maildir/new")" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
is "$(files "$H/Maildir/new")" 2 "after the fault is fixed, the queue delivers it once"

done_testing
