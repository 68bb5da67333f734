#!/bin/sh
# goes-on.sh - nothing a user writes stops mail.
#
# A configuration error: filter mode, --test and --deliver go on with the
# lines that parsed (with no configuration at all when the file cannot be
# used), tag and deliver the message as usual, and say so on standard
# error and in the mail log; --lint lists every error and exits 78. Each
# kind of error: a typo, a bad value, a world-readable BATV secret, a FIFO
# named as a secret, a NUL byte in a line, and a configuration file that
# is missing, a directory, a FIFO.
#
# Where warnings go (the log directive): the mail log too by default when
# the mail system runs the program (stderr not a terminal), always with
# "log syslog", never with "log stderr".
#
# An option beside --deliver that would change the mode or end the run
# early (--test, --explain, --json, --lint, --scan, --record-sent,
# --learn-sent, --help, --version), before or after it: the message is
# delivered (0), the option reported and ignored; in a .forward line 0
# with nothing stored drops the message, and 64 or 78 bounce it.
#
# Delivery runs as an unprivileged user (nobody when the suite runs as root).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

SHIM=${top_builddir:-$srcdir}/tests/syslog-shim.so
if [ ! -f "$SHIM" ]; then
	noshim="no $SHIM"
elif [ -n "$VALGRIND" ]; then
	noshim="LD_PRELOAD does not mix with valgrind"
elif grep -q __asan_init "$BACKSCATTER" 2>/dev/null; then
	noshim="an ASan build must come first in the preload list"
else
	noshim=
fi

mail_user
log=$U/maillog
# run ARGS...: backscatter as the mail user, given 60 s (a hang fails the
# test, it does not stop the suite); what it sends to syslog is written
# to $log. With TTY set (TTY=$tty run ...), its standard error is a
# terminal, copied to run's standard error when it ends.
TTY=
run() {
	rm -f "$log"
	if [ -z "$noshim" ]; then
		$RUNAS env -u SENDER -u RECIPIENT -u ORIGINAL_RECIPIENT \
		    -u ORIG_RECIPIENT HOME="$U" SYSLOG_FILE="$log" \
		    LD_PRELOAD="$SHIM" $TTY timeout 60 "$BACKSCATTER_PRELOAD" "$@"
	else
		$RUNAS env -u SENDER -u RECIPIENT -u ORIGINAL_RECIPIENT \
		    -u ORIG_RECIPIENT HOME="$U" $TTY timeout 60 $VALGRIND \
		    "$BACKSCATTER" "$@"
	fi
}
# a terminal as standard error: a pseudo-terminal, read when the command ends
cat > "$T/tty.py" <<'PY'
import os, subprocess, sys
master, slave = os.openpty()
rc = subprocess.call(sys.argv[1:], stderr=slave)
os.close(slave)
while True:
    try:
        data = os.read(master, 4096)
    except OSError:
        break
    if not data:
        break
    sys.stderr.buffer.write(data)
sys.exit(rc)
PY
tty="python3 $T/tty.py"
# stderr_only DESCRIPTION TEXT: $T/err holds TEXT, no line of the mail
# log does
stderr_only() {
	if [ -n "$noshim" ]; then
		ok "$1 # SKIP $noshim"
	elif grep -qF -- "$2" "$T/err" && ! grep -qF -- "$2" "$log" 2>/dev/null; then
		ok "$1"
	else
		not_ok "$1"
		diag "stderr: $(cat "$T/err")" "mail log: $(cat "$log" 2>/dev/null)"
	fi
}
# in_maillog DESCRIPTION TEXT: a mail.warning line of the mail log holds TEXT
in_maillog() {
	if [ -n "$noshim" ]; then
		ok "$1 # SKIP $noshim"
	elif grep -F "backscatter mail.warning: " "$log" 2>/dev/null |
	    grep -qF -- "$2"; then
		ok "$1"
	else
		not_ok "$1"
		diag "mail log: $(cat "$log" 2>/dev/null)"
	fi
}
files() { find "$1" -maxdepth 1 -type f 2>/dev/null | wc -l | tr -d ' '; }

bounce=$srcdir/examples/bounce-backscatter.eml
plain=$T/plain.eml
printf 'From: Oscar <oscar@oscar.example>\nTo: alice@northwind.example\nSubject: lunch\nMessage-ID: <l1@oscar.example>\n\nSee you at noon.\n' > "$plain"
C=$U/conf
mkdir "$C"

# goes_on NAME ERROR: with $C/config holding a good line (required_score
# 100, which no message reaches) and a bad one, every mail-time mode goes
# on with the good line; ERROR is what stderr and the mail log say
goes_on() {
	name=$1 error=$2
	run --config "$C/config" < "$bounce" > "$T/out" 2> "$T/err"
	is "$?:$(status "$T/out")" 0:No "$name: filter mode exits 0, tags it"
	check "$name: ... with the message tagged by the lines that parsed" \
	    grep -q '^X-Backscatter-Status: No, score=.* required=100\.0' "$T/out"
	check "$name: ... and says what is wrong on stderr" \
	    grep -qF -- "$error" "$T/err"
	check "$name: ... and that it went on" \
	    grep -q 'configuration: [0-9]* errors*, going on without' "$T/err"
	in_maillog "$name: ... in the mail log too" "$error"
	in_maillog "$name: ... that it went on" "going on without"

	# 1 is also what a program that never ran answers: the same run says
	# the error, and that it went on with the good line
	run --config "$C/config" --test < "$bounce" > "$T/out" 2> "$T/err"
	rc=$?
	is "$rc:$(wc -c < "$T/out" | tr -d ' '):$(grep -cF -- "$error" "$T/err"):$(grep -c 'going on without' "$T/err")" \
	    "1:0:1:1" "$name: --test answers (1: not backscatter, by the good line), saying the error once"

	rm -rf "$U/M"
	run --config "$C/config" --deliver "$U/M" < "$bounce" 2> "$T/err"
	is "$?:$(files "$U/M/new")" "0:1" "$name: --deliver stores it in the INBOX, exit 0"
	check "$name: ... tagged by the lines that parsed" \
	    grep -q '^X-Backscatter-Status: No, .*required=100\.0' "$U/M/new/"*
	in_maillog "$name: ... and --deliver says why in the mail log" "$error"

	run --config "$C/config" --lint > /dev/null 2> "$T/err"
	is "$?" 78 "$name: --lint exits 78"
	check "$name: ... listing the error" grep -qF -- "$error" "$T/err"
}

# a typo: an unknown directive
printf 'required_score 100\nrequird_score 3\n' > "$C/config"
goes_on "a typo" "config:2: unknown directive requird_score"

# a bad value, and a line of several values with one bad: left out whole
printf 'my_relay 192.0.2.25 300.1.2.3/8\nrequired_score 100\n' > "$C/config"
goes_on "a bad value" "config:1: my_relay 300.1.2.3/8: not an address"
run --config "$C/config" --json < "$bounce" 2> /dev/null | python3 -c '
import json, sys
print(json.load(sys.stdin)["evidence"]["relays_configured"])' > "$T/got" 2>&1
is "$(cat "$T/got")" 0 "a bad value: the good value on its line is left out too"

# a BATV secret others can read
printf 'tagsecret\n' > "$C/key.secret"
chmod 644 "$C/key.secret"
printf 'batv_key 0 key.secret\nbatv_required yes\nrequired_score 100\n' > "$C/config"
goes_on "a world-readable BATV secret" "key.secret: readable by everyone"

# a FIFO named as a secret: refused, never opened to wait for a writer
rm -f "$C/key.secret"
mkfifo "$C/key.secret"
[ -n "$RUNAS" ] && chown nobody "$C/key.secret"
goes_on "a FIFO as the secret" "key.secret: not a regular file"
rm -f "$C/key.secret"

# a NUL byte in a line: the line is an error, nothing after the NUL counts
printf 'required_score 100\nmy_domain a.example\000 my_relay 0.0.0.0/0\n' > "$C/config"
goes_on "a NUL byte in a line" "config:2: NUL byte in line"
# the NUL hidden in a line too long for the line buffer: the text past
# the buffer is not read as a line of its own
python3 -c '
import sys
sys.stdout.buffer.write(b"required_score 100\n#\0" + b"x" * 4095 + b"my_relay 0.0.0.0/0\n")' > "$C/config"
goes_on "a NUL in a line of 4,116 bytes" "config:2: line too long"
run --config "$C/config" --lint > /dev/null 2> "$T/err"
is "$(grep -c 'config:' "$T/err")" 1 "... one error, for line 2 only"
run --config "$C/config" --json < "$bounce" 2> /dev/null | python3 -c '
import json, sys
print(json.load(sys.stdin)["evidence"]["relays_configured"])' > "$T/got" 2>&1
is "$(cat "$T/got")" 0 "... and its end is no my_relay line"

# a configuration file that cannot be used: no configuration at all
for kind in missing directory fifo; do
	rm -rf "$C/config"
	case $kind in
	directory) mkdir "$C/config" ;;
	fifo) mkfifo "$C/config" ;;
	esac
	rm -rf "$U/M"
	run --config "$C/config" < "$plain" > "$T/out" 2> "$T/err"
	is "$?:$(status "$T/out")" 0:No "a $kind configuration file: filter mode exits 0, tags it"
	check "... with the message tagged" grep -q '^X-Backscatter-Status: No' "$T/out"
	in_maillog "... and the mail log says why" "$C/config: "
	run --config "$C/config" --deliver "$U/M" < "$plain" 2> "$T/err"
	is "$?:$(files "$U/M/new")" "0:1" "a $kind configuration file: --deliver stores the message"
	run --config "$C/config" --lint > /dev/null 2> "$T/err"
	is "$?" 78 "a $kind configuration file: --lint exits 78"
done
rm -rf "$C/config"

# A HOME that is no folder (/dev/null, as some daemon users have) holds
# no user configuration, as a HOME that does not exist: nothing to say
for h in /dev/null /nonexistent-home; do
	env HOME=$h "$BACKSCATTER" --lint > "$T/out" 2> "$T/err"
	is "$?:$(cat "$T/err"):$(grep -c 'rules are clean' "$T/out")" 0::1 \
	    "HOME=$h: --lint clean, exit 0, nothing said"
	env HOME=$h "$BACKSCATTER" < "$plain" > "$T/out" 2> "$T/err"
	is "$?:$(status "$T/out"):$(cat "$T/err")" 0:No: "HOME=$h: filter mode tags it, nothing said"
done

# more errors than the list holds (1 MiB): each listed whole, never a
# line end alone, then how many more
python3 -c 'import sys
sys.stdout.write("".join("my_relay 192.0.2.%d/33\n" % (i % 250) for i in range(30000)))' > "$C/config"
run --config "$C/config" --lint > /dev/null 2> "$T/err"
rc=$?
n=$(grep -c 'prefix length must be 0-32$' "$T/err")
more=$(sed -n 's/^backscatter: \([0-9]*\) more errors, not listed: the list stops at 1024 KiB$/\1/p' "$T/err")
holds "30,000 bad lines: --lint exits 78 ($rc), lists $n whole, no empty line, then $more more, not listed" \
    '[ "$rc" = 78 ] && [ "$n" -gt 10000 ] && ! grep -q "^$" "$T/err" && [ $((n + more)) = 30000 ]'
rm -f "$C/config"

# options checked as the configuration is: a bad --required or --recipient
run --required nan < "$plain" > "$T/out" 2> "$T/err"
is "$?:$(status "$T/out")" 0:No "--required nan: filter mode exits 0, tags it"
check "... tagged with the default required score" \
    grep -q '^X-Backscatter-Status: No, .*required=5\.0' "$T/out"
check "... and says so" grep -q 'required_score nan: not a number' "$T/err"
rm -rf "$U/M"
run --deliver "$U/M" --recipient 'not an address' < "$plain" 2> "$T/err"
is "$?:$(files "$U/M/new")" "0:1" "a bad --recipient: --deliver stores the message"
check "... and says so" grep -q -- '--recipient: not an address' "$T/err"

# --- an option beside --deliver ----------------------------------------------
for opt in --test --explain --json --lint --scan --record-sent --learn-sent \
    --help --version; do
	for where in before after; do
		rm -rf "$U/W"
		if [ $where = before ]; then
			run $opt --deliver "$U/W" < "$plain" > "$T/out" 2> "$T/err"
		else
			run --deliver "$U/W" $opt < "$plain" > "$T/out" 2> "$T/err"
		fi
		rc=$?
		is "$rc:$(files "$U/W/new")" "0:1" "$opt $where --deliver: delivered, 0"
		is "$rc:$(wc -c < "$T/out" | tr -d ' ')" "0:0" "... nothing on stdout"
		check "... $opt reported as ignored" \
		    grep -q -- "^backscatter: $opt ignored" "$T/err"
		in_maillog "... in the mail log too" "$opt ignored"
	done
done
rm -rf "$U/W"
run --deliv "$U/W" --he --js < "$plain" > "$T/out" 2> "$T/err"
is "$?:$(files "$U/W/new")" "0:1" "abbreviated (--deliv --he --js): delivered, 0"
check "... --help and --json reported" \
    sh -c "grep -q -- '--help ignored' '$T/err' && grep -q -- '--json ignored' '$T/err'"
# all of them at once, some twice: each reported once
rm -rf "$U/W"
run --json --test --explain --json --lint --scan --record-sent --learn-sent \
    --help --version --deliver "$U/W" --help --json < "$plain" > "$T/out" 2> "$T/err"
is "$?:$(files "$U/W/new")" "0:1" "every such option at once, some twice: delivered, 0"
is "$(grep -c ' ignored: with --deliver' "$T/err")" 9 "... nine options reported, each once"
# what DESIGN.md keeps: a usage error under --deliver defers (75)
rm -rf "$U/W"
run --deliver "$U/W" --no-such-option --help < "$plain" > /dev/null 2>&1
is "$?:$(files "$U/W/new")" "75:0" "an unknown option beside --deliver and --help: 75, nothing stored"
run --help --deliver < "$plain" > "$T/out" 2> /dev/null
is "$?:$(wc -c < "$T/out" | tr -d ' ')" "75:0" "--deliver without its target, after --help: 75, no usage on stdout"
run --deliver "$U/W" --scan "$U" < "$plain" > /dev/null 2>&1
is "$?:$(files "$U/W/new")" "75:0" "--scan with a path beside --deliver: the path is a usage error, 75"
# without --deliver the options keep their meaning
run --json --help < "$plain" > "$T/out" 2> /dev/null
is "$?:$(head -c 6 "$T/out")" "0:usage:" "without --deliver, --help still prints the usage"

# --- where warnings go: the log directive ---------------------------------
# a bad value is a configuration error like any other
printf 'required_score 100\nlog sideways\n' > "$C/config"
goes_on "a bad log value" "config:2: log sideways: stderr or syslog"

# by default the mail log is for runs the mail system makes: a person at
# a terminal reads standard error
printf 'required_score 100\nrequird_score 3\n' > "$C/config"
TTY=$tty run --config "$C/config" < "$bounce" > "$T/out" 2> "$T/err"
is "$?:$(grep -c '^X-Backscatter-Status:' "$T/out")" 0:1 "stderr a terminal: filter mode exits 0, the message tagged"
stderr_only "... says what is wrong on the terminal, not in the mail log" "unknown directive requird_score"
# log syslog: the mail log too, wherever stderr goes
printf 'log syslog\nrequired_score 100\nrequird_score 3\n' > "$C/config"
TTY=$tty run --config "$C/config" < "$bounce" > "$T/out" 2> "$T/err"
is "$?:$(grep -c '^X-Backscatter-Status:' "$T/out")" 0:1 "log syslog, stderr a terminal: filter mode exits 0, the message tagged"
check "... says what is wrong on the terminal" grep -qF "unknown directive requird_score" "$T/err"
in_maillog "... and in the mail log" "config:3: unknown directive requird_score"
# a delivery that fails: the Maildir's parent is a file
: > "$U/file"
printf 'log syslog\n' > "$C/config"
TTY=$tty run --config "$C/config" --deliver "$U/file/M" < "$plain" > /dev/null 2> "$T/err"
is "$?" 75 "log syslog, stderr a terminal: a delivery that fails defers (75)"
check "... says why on the terminal" grep -qF "$U/file/M" "$T/err"
in_maillog "... and in the mail log" "$U/file/M"
# without the directive, --deliver logs there when stderr is not a terminal
rm -f "$C/config"
run --deliver "$U/file/M" < "$plain" > /dev/null 2> "$T/err"
is "$?" 75 "no log directive, stderr not a terminal: a delivery that fails defers (75)"
in_maillog "... and says why in the mail log" "$U/file/M"
TTY=$tty run --deliver "$U/file/M" < "$plain" > /dev/null 2> "$T/err"
is "$?" 75 "no log directive, stderr a terminal: 75 too"
stderr_only "... says why on the terminal, not in the mail log" "$U/file/M"
# log stderr: never the mail log
printf 'log stderr\n' > "$C/config"
run --config "$C/config" --deliver "$U/file/M" < "$plain" > /dev/null 2> "$T/err"
is "$?" 75 "log stderr, stderr not a terminal: a delivery that fails defers (75)"
stderr_only "... says why on stderr, not in the mail log" "$U/file/M"
rm -f "$U/file" "$C/config"

# --- the configuration a symbolic link to nothing ---------------------------
# ~/.config/backscatter/config linked to a file that is gone (a dotfile
# manager's link after the file moved): an error said, not silently no
# configuration at all; mail still tagged
$RUNAS mkdir -p "$U/.config/backscatter"
$RUNAS ln -s "$U/moved-away/config" "$U/.config/backscatter/config"
run < "$plain" > "$T/out" 2> "$T/err"
is "$?:$(status "$T/out")" 0:No "configuration a symbolic link to nothing: filter mode exits 0, tags it"
check "... and says so on stderr" \
    grep -q "config/backscatter/config: a symbolic link to a file that is not there" "$T/err"
check "... and that it went on" grep -q 'configuration: 1 error, going on without it' "$T/err"
run --lint > "$T/out" 2>&1
is "$?" 78 "... --lint: 78"
$RUNAS rm -f "$U/.config/backscatter/config"
run < "$plain" > "$T/out" 2> "$T/err"
is "$?:$(status "$T/out"):$(cat "$T/err")" "0:No:" "no configuration file at all: tagged, nothing said"

# --- a clean run says nothing -----------------------------------------------
# a clean configuration says nothing
printf 'required_score 100\n' > "$C/config"
run --config "$C/config" < "$plain" > "$T/out" 2> "$T/err"
rc=$?
sc=$(status "$T/out")
is "$rc:$sc:$(cat "$T/err")" "0:No:" "a clean configuration: tagged, nothing on stderr"
if [ -z "$noshim" ]; then
	is "$rc:$sc:$(cat "$log" 2>/dev/null)" "0:No:" "... nor in the mail log"
else
	ok "... nor in the mail log # SKIP $noshim"
fi

done_testing
