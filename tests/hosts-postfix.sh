#!/bin/sh
# hosts-postfix.sh - the real Postfix local(8) running --deliver from
# every .forward line and mailbox_command of the README and
# backscatter(1), taken from the documents word for word
# (tests/doclib.sh; only the paths are this test's): delivered into the
# Maildir and its folder Backscatter; an unwritable target is deferred
# (4.x.x), never bounced, and delivered once when fixed.
# Postfix runs as a private instance of this test (its own configuration,
# queue and log in the test's directory, no network listener), beside
# any Postfix the machine runs, which is not touched. Needs root (Postfix
# and a test user).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$srcdir/tests/doclib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root to run Postfix and add a user"
command -v postfix > /dev/null && [ -x /usr/sbin/sendmail ] ||
    skip_all "postfix is not installed (Debian: apt-get install postfix)"

user=bsx$$
H=$T/$user
P=$T/postfix
LOG=$T/maillog
chmod 755 "$T"
cleanup() {
	postfix_stop
	userdel "$user" > /dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT

# the instance (tests/doclib.sh): local delivery only, no listener
postfix_instance backscatter.test backscatter.test
echo 'command_time_limit = 30s' >> "$P/main.cf"
cp "$P/main.cf" "$P/main.cf.base"
useradd -M -d "$H" -s /bin/sh "$user" || { not_ok "a test user is made"; done_testing; }
# the program where the user can run it
mkdir "$T/bin"
cp "$BACKSCATTER" "$T/bin/backscatter" && chmod 755 "$T/bin/backscatter"
postfix -c "$P" start > /dev/null 2>&1 || { not_ok "postfix starts"; diag "$(cat "$LOG")"; done_testing; }
ok "a private Postfix starts (local delivery only, no listener)"

# paths FILE: the document's paths, this test's
paths() {
	sed -e "s|$bindir/backscatter|$T/bin/backscatter|g" \
	    -e "s|/usr/local/bin/backscatter|$T/bin/backscatter|g" -e "s|/home/alice|$H|g" "$1"
}
# send MSG: submit with the null sender, wait for the status line
send() {
	before=$(grep -c "to=<$user@" "$LOG")
	/usr/sbin/sendmail -C "$P" -f '' "$user@backscatter.test" < "$1"
	i=0
	while [ "$(grep -c "to=<$user@" "$LOG")" -le "$before" ] && [ $i -lt 150 ]; do
		sleep 0.2; i=$((i + 1))
	done
	grep "to=<$user@" "$LOG" | tail -1 | sed 's/.*status=/status=/'
}
files() { find "$1" -type f 2>/dev/null | wc -l | tr -d ' '; }

doc_blocks
forwards=$(blocks_with '^"\|')
commands=$(blocks_with '^mailbox_command = ')
check "the README and backscatter(1) show .forward lines ($(echo $forwards | wc -w))" \
    test "$(echo $forwards | wc -w)" -ge 2
check "the README and backscatter(1) show mailbox_command lines ($(echo $commands | wc -w))" \
    test "$(echo $commands | wc -w)" -ge 2
script=$(blocks_with '^require \["fileinto", "imap4flags"\];$' backscatter.1)

for recipe in $forwards $commands; do
	name=$(block_name "$recipe")
	rm -rf "$H"; mkdir -p "$H"
	if head -n 1 "$recipe" | grep -q '^"|'; then
		paths "$recipe" > "$H/.forward"
		cp "$P/main.cf.base" "$T/main.cf"
		# the script it names: the one backscatter(1) shows with it
		sieve=$(paths "$recipe" | sed -n 's/.* --sieve \([^ "]*\).*/\1/p')
		[ -n "$sieve" ] && cp "$script" "$sieve"
	else
		{ cat "$P/main.cf.base"; paths "$recipe"; } > "$T/main.cf"
		sieve=
	fi
	chown -R "$user": "$H"; chmod 700 "$H"
	# a reload (seconds) only when main.cf changes
	if ! cmp -s "$T/main.cf" "$P/main.cf"; then
		cp "$T/main.cf" "$P/main.cf"
		postfix -c "$P" reload > /dev/null 2>&1
	fi

	st=$(send "$srcdir/examples/bounce-backscatter.eml")
	case $st in status=sent*) ok "$name: backscatter, delivered" ;;
		*) not_ok "$name: backscatter, delivered"; diag "$st" ;; esac
	if [ -n "$sieve" ]; then
		is "$(files "$H/Maildir/.Backscatter/cur")" 1 "$name: backscatter in .Backscatter, marked seen by the script"
		ls "$H/Maildir/.Backscatter/cur/" | grep -q ':2,S$' && ok "$name: ... with :2,S" ||
		    not_ok "$name: ... with :2,S"
	else
		is "$(files "$H/Maildir/.Backscatter/new")" 1 "$name: backscatter in .Backscatter"
	fi
	st=$(send "$srcdir/examples/bounce-legit.eml")
	case $st in status=sent*) ok "$name: legitimate, delivered" ;;
		*) not_ok "$name: legitimate, delivered"; diag "$st" ;; esac
	is "$(files "$H/Maildir/new")" 1 "$name: legitimate, in the INBOX"
	f=$(find "$H/Maildir/new" -type f | head -1)
	head -n 1 "${f:-/dev/null}" | grep -q '^Return-Path: <>' &&
	    ok "$name: Postfix's From_ line is not stored; Return-Path first" ||
	    not_ok "$name: Postfix's From_ line is not stored; Return-Path first"
	grep -q '^X-Backscatter-Status: No' "${f:-/dev/null}" && ok "$name: legitimate, tagged No" ||
	    not_ok "$name: legitimate, tagged No"
	[ "$(stat -c %U "${f:-/dev/null}")" = "$user" ] && ok "$name: stored as the user" ||
	    not_ok "$name: stored as the user"

	# an unwritable target: deferred, not bounced; delivered once fixed
	chmod 500 "$H/Maildir/tmp"
	st=$(send "$srcdir/examples/bounce-legit.eml")
	case $st in status=deferred*) ok "$name: unwritable Maildir, deferred" ;;
		*) not_ok "$name: unwritable Maildir, deferred"; diag "$st" ;; esac
	grep "to=<$user@" "$LOG" | tail -1 | grep -q 'dsn=4\.' && ok "$name: ... with a 4.x.x DSN" ||
	    not_ok "$name: ... with a 4.x.x DSN"
	chmod 700 "$H/Maildir/tmp"
	postqueue -c "$P" -f
	i=0; while [ "$(files "$H/Maildir/new")" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
	is "$(files "$H/Maildir/new")" 2 "$name: after the fault is fixed, the queue delivers it once"
done
grep -q "to=<$user@.*status=bounced" "$LOG" && not_ok "nothing was ever bounced" ||
    ok "nothing was ever bounced"

done_testing
