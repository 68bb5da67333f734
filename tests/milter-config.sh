#!/bin/sh
# milter-config.sh - backscatter-milter's configuration, checked with -n:
# the directives of backscatter.conf(5) in a default part and [domain]
# sections, the milter's own (milter_action, milter_proof_action in any
# part; milter_record_daemon and milter_record_port before the first
# section), each error as file:line and exit 78; the defaults (headers
# for an opinion, reject for proof); usage 64. The page's Sendmail .mc
# line through real m4 and Debian's sendmail-cf macros: the X line of
# the sendmail.cf made has the socket and flags the page says.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

MILTER=${BACKSCATTER_MILTER:-${top_builddir:-$srcdir}/src/backscatter-milter}
[ -x "$MILTER" ] || skip_all "backscatter-milter is not built (Debian: apt-get install libmilter-dev, then configure)"

m() { "$MILTER" "$@" > "$T/out" 2> "$T/err"; rc=$?; }

: > "$T/empty.conf"
m -n -c "$T/empty.conf"
is "$rc:$(cat "$T/out")" "0:(default): milter_action headers, milter_proof_action reject" \
    "an empty file: 0; an opinion adds the fields, proof refuses"

cat > "$T/s.conf" <<EOF
my_domain backscatter.test
milter_action quarantine
milter_record_daemon ORIGINATING
milter_record_port 587
[Other.Test]
my_domain other.test
milter_proof_action tempfail
[third.test]
milter_action accept
EOF
m -n -c "$T/s.conf"
is "$rc:$(cat "$T/out" | tr '\n' '|')" \
    "0:(default): milter_action quarantine, milter_proof_action reject|other.test: milter_action quarantine, milter_proof_action tempfail|third.test: milter_action accept, milter_proof_action reject|" \
    "sections: the default part's settings, then the section's own; names lower-cased"

# a domain's second section: an error (the first one won, unsaid)
printf 'my_domain x.example\n[shop.example]\nmilter_action reject\n[Shop.Example]\nmilter_action headers\n' > "$T/twice.conf"
m -n -c "$T/twice.conf"
is "$rc:$(grep -c 'twice.conf:4: \[shop.example\]: a second section for it' "$T/err")" 78:1 \
    "-n: a second section for one domain: 78, said at its line"

# a Redis ledger's URL that does not parse: an error at its line, said
# once for the sections that inherit it (the milter judged without the
# ledger's proof, and -n said nothing)
printf 'sent_ledger redis://127.0.0.1:99999/2\n[shop.example]\nmilter_action reject\n' > "$T/url.conf"
m -n -c "$T/url.conf"
is "$rc:$(grep -c "url.conf:1: sent_ledger redis://127.0.0.1:99999/2: not redis://" "$T/err")" 78:1 \
    "-n: a Redis URL with port 99999: 78, said once at its line"

printf 'my_domain bad..x\nmilter_foo 1\n[bad domain]\nmilter_record_port 99999\nmilter_action maybe\n[ok.test]\nmilter_record_daemon X\nrequired_score abc\nmilter_action\n' > "$T/bad.conf"
m -n -c "$T/bad.conf"
is "$rc" 78 "errors: exit 78"
is "$(sort "$T/err")" "$(sort <<EOF
backscatter-milter: $T/bad.conf:1: my_domain bad..x: not a domain name
backscatter-milter: $T/bad.conf:2: milter_foo: unknown directive
backscatter-milter: $T/bad.conf:3: a section is [domain]
backscatter-milter: $T/bad.conf:4: milter_record_port belongs before the first section
backscatter-milter: $T/bad.conf:5: maybe: not one of accept, headers, quarantine, tempfail, discard, reject
backscatter-milter: $T/bad.conf:7: milter_record_daemon belongs before the first section
backscatter-milter: $T/bad.conf:8: required_score abc: not a number
backscatter-milter: $T/bad.conf:9: milter_action takes one value
EOF
)" "... each one as file:line: message, the config file's own parser for its directives"
is "$rc:$(wc -c < "$T/out" | tr -d ' '):$(grep -c 'bad.conf:' "$T/err")" "78:0:8" \
    "... and nothing on stdout (78, eight errors said)"

printf 'milter_record_port 0\n' > "$T/port.conf"
m -n -c "$T/port.conf"
is "$rc:$(cat "$T/err")" "78:backscatter-milter: $T/port.conf:1: 0: not a port" "a port out of range"

m -n -c "$T/missing.conf"
is "$rc:$(cat "$T/err")" "78:backscatter-milter: $T/missing.conf: No such file or directory" "a missing file: 78"

# read as backscatter.conf(5) says a configuration file is read: only a
# regular file (a folder, a FIFO refused at once, never waited on), "#"
# begins a comment anywhere, CRLF line ends are taken
mkdir "$T/conf.d"
m -n -c "$T/conf.d"
is "$rc:$(wc -c < "$T/out" | tr -d ' '):$(cat "$T/err")" "78:0:backscatter-milter: $T/conf.d: not a regular file" \
    "a folder for the file: 78, not a regular file"
if mkfifo "$T/fifo.conf" 2> /dev/null; then
	"$MILTER" -n -c "$T/fifo.conf" > "$T/out" 2> "$T/err" &
	pid=$!
	( sleep 10; kill "$pid" 2> /dev/null ) &
	killer=$!
	wait "$pid"
	rc=$?
	kill "$killer" 2> /dev/null
	is "$rc:$(cat "$T/err")" "78:backscatter-milter: $T/fifo.conf: not a regular file" \
	    "a FIFO for the file: 78 at once, not a regular file (nothing waits on a writer)"
else
	ok "a FIFO for the file # SKIP mkfifo failed"
fi
{ echo 'milter_action reject'; head -c 1048576 /dev/zero | tr '\0' '\n'; } > "$T/big.conf"
m -n -c "$T/big.conf"
is "$rc:$(wc -c < "$T/out" | tr -d ' '):$(cat "$T/err")" "78:0:backscatter-milter: $T/big.conf: larger than 1 MiB: not read" \
    "a file over 1 MiB (CONFIG_FILE_MAX): 78, refused whole"
rm -f "$T/big.conf"
printf 'milter_action reject # not the default\r\nmy_domain c.test\r\n[crlf.test]   # a section\r\nmilter_proof_action tempfail\t# softer\r\n' > "$T/crlf.conf"
m -n -c "$T/crlf.conf"
is "$rc:$(cat "$T/out" | tr '\n' '|'):$(cat "$T/err")" \
    "0:(default): milter_action reject, milter_proof_action reject|crlf.test: milter_action reject, milter_proof_action tempfail|:" \
    "trailing comments and CRLF line ends on milter_* lines and sections: taken as the config file's own lines"
# BACKSCATTER_NOW that is no time: said, the clock used (as backscatter)
: > "$T/now.conf"
BACKSCATTER_NOW=99999999999999999999 "$MILTER" -n -c "$T/now.conf" > "$T/out" 2> "$T/err"
is "$?:$(grep -c 'BACKSCATTER_NOW: not seconds since 1970' "$T/err")" 0:1 \
    "BACKSCATTER_NOW past the year 9999: said, the clock used"

# a socket it cannot listen on: the first process says so and stops with
# 69, rather than start the milter process again every second for ever
# (as root it runs as nobody, who must be able to read the file)
if [ "$(id -u)" = 0 ]; then as="-u nobody"; else as=; fi
pub=$(mktemp -d) && chmod 755 "$pub" && : > "$pub/m.conf" && chmod 644 "$pub/m.conf"
timeout 20 "$MILTER" -f $as -c "$pub/m.conf" -p "unix:$T/no/such/dir/m.sock" > "$T/out" 2> "$T/err"
rc=$?
rm -rf "$pub"
is "$rc:$(grep -c 'cannot listen' "$T/err"):$(grep -c 'cannot start (status 69): stopping' "$T/err")" "69:1:1" \
    "a socket it cannot listen on: 69, said once, not started again"
# Signals to the first process: a SIGHUP right after the start (before
# the milter process is ready) reloads, never kills it; a reload of a file
# with an error keeps the settings in force (a typo must not put a
# section's proof action back to reject); SIGTERM stops it.
# (the socket made by nobody when the suite runs as root)
pub=$(mktemp -d) && chmod 1777 "$pub"
printf 'my_domain backscatter.test\n[acc.test]\nmilter_proof_action accept\n' > "$pub/m.conf"
chmod 644 "$pub/m.conf"
"$MILTER" -f $as -c "$pub/m.conf" -P "$T/sig.pid" -p "unix:$pub/m.sock" > "$T/sig.out" 2> "$T/sig.err" &
first=$!
# at once once the first process writes its pid file: the milter process
# is then starting (its settings loading, its reload thread not yet there)
i=0; until [ -s "$T/sig.pid" ] || [ $i -ge 500 ]; do sleep 0.01; i=$((i + 1)); done
kill -HUP "$first" 2> /dev/null
i=0; until grep -q 'listening on' "$T/sig.err" || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
i=0; until grep -q 'reloaded' "$T/sig.err" || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
is "$(grep -c 'listening on' "$T/sig.err"):$(grep -c 'ended (signal' "$T/sig.err"):$(grep -c 'reloaded' "$T/sig.err")" "1:0:1" \
    "SIGHUP at once: the configuration read again, the milter process not killed"
printf 'my_domain backscatter.test\n[acc.test]\nmilter_proof_action acept\n' > "$pub/m.conf"
kill -HUP "$first"
i=0; until grep -q 'the old settings stay' "$T/sig.err" || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
is "$(grep -c 'has 1 error; the old settings stay' "$T/sig.err"):$(grep -c 'reloaded' "$T/sig.err")" "1:1" \
    "SIGHUP with an error in the file: said, the settings in force kept"
# a second instance given the same pid file, or the same socket: it
# stops with 69 and says why, touching neither (it replaced the running
# one's socket, and its end removed the pid file)
timeout 20 "$MILTER" -f $as -c "$pub/m.conf" -P "$T/sig.pid" -p "unix:$pub/m.sock" > /dev/null 2> "$T/sig2.err"
is "$?:$(cat "$T/sig.pid"):$(grep -c "another backscatter-milter runs (pid $first): not started" "$T/sig2.err")" \
    "69:$first:1" "a second instance, the same pid file: 69, said, the pid file the first's"
timeout 20 "$MILTER" -f $as -c "$pub/m.conf" -P "$T/sig2.pid" -p "unix:$pub/m.sock" > /dev/null 2> "$T/sig2.err"
is "$?:$(grep -c "$pub/m.sock: another milter listens on it: not started" "$T/sig2.err"):$(ls "$T/sig2.pid" 2>&1 | grep -c 'No such')" \
    "69:1:1" "... another pid file, the same socket: 69, said, its pid file removed"
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.close()' "$pub/m.sock" 2> /dev/null
is "$?:$(grep -c 'listening on' "$T/sig.err")" "0:1" "... the first one's socket still answers, it listens still"
child=$(pgrep -P "$first" | head -1)
holds "... the milter process holds no descriptor of the pid file (the first process's lock)" \
    '[ -n "$child" ] && ls -l "/proc/$child/fd" > "$T/fds" && grep -q socket "$T/fds" && ! grep -q "$T/sig.pid" "$T/fds"'
sock_before=absent; [ -S "$pub/m.sock" ] && sock_before=socket
kill -TERM "$first"
i=0; while kill -0 "$first" 2> /dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
wait "$first"
is "$?:$(grep -c '^.*stopped' "$T/sig.err")" "0:1" "SIGTERM: stopped, 0"
is "$sock_before:$(ls -A "$pub" | tr '\n' ' ')" "socket:m.conf " \
    "SIGTERM: the unix socket it listened on is removed"
rm -rf "$pub"

# started again from the very file the first milter process ran (an
# error in it said at the start): its settings as they were, no actions
# made milder (only a file edited since is suspect)
pub=$(mktemp -d) && chmod 1777 "$pub"
printf 'my_domain backscatter.test\nno_such_directive 1\n' > "$pub/m.conf"
chmod 644 "$pub/m.conf"
"$MILTER" -f $as -c "$pub/m.conf" -p "unix:$pub/m.sock" > /dev/null 2> "$T/re.err" &
first=$!
i=0; until grep -q 'listening on' "$T/re.err" || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -KILL "$(pgrep -P "$first" | head -1)"
i=0; until [ "$(grep -c 'listening on' "$T/re.err")" -ge 2 ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
is "$(grep -c 'listening on' "$T/re.err"):$(grep -c 'no action harsher' "$T/re.err")" "2:0" \
    "a milter process started again from the unchanged file it ran: its actions as they were"
kill -TERM "$first"; wait "$first"
rm -rf "$pub"

printf 'milter_action accept\nmilter_action\0 reject\n' > "$T/nul.conf"
m -n -c "$T/nul.conf"
is "$rc:$(cat "$T/err")" "78:backscatter-milter: $T/nul.conf:2: NUL byte in line" \
    "a NUL byte in a line: 78, said as the config file's loader says it"

# numeric NAME MAX UNIT WORD LIMIT: a number of the default part, 1 to
# MAX: 0, MAX + 1, a word with a unit and a line in a section are errors,
# each said; 1 and MAX are taken
numeric() {
	f=$T/$1.conf
	printf '%s 0\n%s %s\n%s %s\n[x.test]\n%s 100\n' "$1" "$1" $(($2 + 1)) "$1" "$4" "$1" > "$f"
	m -n -c "$f"
	is "$rc:$(cat "$T/err" | tr '\n' '|')" "78:backscatter-milter: $f:1: 0: not $3 from 1 to $2|backscatter-milter: $f:2: $(($2 + 1)): not $3 from 1 to $2|backscatter-milter: $f:3: $4: not $3 from 1 to $2|backscatter-milter: $f:5: $1 belongs before the first section|" \
	    "$1: 1 to $5, before the first section"
	printf '%s %s\n%s 1\n' "$1" "$2" "$1" > "$f"
	m -n -c "$f"
	is "$rc:$(cat "$T/out"):$(cat "$T/err")" "0:(default): milter_action headers, milter_proof_action reject:" \
	    "... 1 and $2 taken, nothing said against them"
}
numeric milter_judge_timeout 2000 milliseconds 2s LIMIT_MILTER_JUDGE_MS
numeric milter_memory 65536 MiB 1M MILTER_MEMORY_MAX

# a rule file that does not compile: said at start, with the rest
printf 'rules_file %s\n' "$T/broken.cf" > "$T/rules.conf"
printf 'body BS_BROKEN /(/\n' > "$T/broken.cf"
m -n -c "$T/rules.conf"
is "$rc:$(grep -c "broken.cf:1:" "$T/err")" "78:1" "rules are compiled by -n: a broken rule is an error (78)"

m -c "$T/empty.conf"
is "$rc:$(head -c 6 "$T/err")" "64:usage:" "no -p socket: usage, 64"
m -x
is "$rc:$(head -c 6 "$T/err")" "64:usage:" "an unknown option: usage, 64"
m -V
is "$rc:$(cut -d' ' -f1 "$T/out")" "0:backscatter-milter" "-V: the version"

# Sendmail: the page's INPUT_MAIL_FILTER line in a sendmail.mc, made into
# a sendmail.cf by m4 and the sendmail-cf macros as sendmailconfig would
. "$srcdir/tests/doclib.sh"
doc_blocks
mc=$(blocks_with '^INPUT_MAIL_FILTER' backscatter-milter.8)
check "backscatter-milter(8) has the Sendmail .mc line" test -n "$mc"
cf=${SENDMAIL_CF:-/usr/share/sendmail/cf}
if ! command -v m4 > /dev/null || [ ! -f "$cf/m4/cf.m4" ]; then
	ok "# SKIP m4 or sendmail-cf is not installed (Debian: apt-get install sendmail-cf)"
else
	{ printf "divert(-1)\ndivert(0)dnl\nOSTYPE(\`debian')dnl\nDOMAIN(\`generic')dnl\n"
	  cat "$mc"
	  printf "MAILER(\`local')dnl\nMAILER(\`smtp')dnl\n"; } > "$T/sendmail.mc"
	m4 -I "$cf" "$cf/m4/cf.m4" "$T/sendmail.mc" > "$T/sendmail.cf" 2> "$T/m4.err"
	is "$?:$(cat "$T/m4.err")" "0:" "m4 makes a sendmail.cf of it, saying nothing"
	sock=$(sed -n 's/.*S=\([^,]*\),.*/\1/p' "$mc")
	is "$(grep '^Xbackscatter' "$T/sendmail.cf")" \
	    "Xbackscatter, S=$sock, F=, T=S:30s;R:30s;E:2m" \
	    "... its X line: the page's socket ($sock), F= empty (the mail goes through without the milter), the page's timeouts"
	is "$(grep '^O InputMailFilters=' "$T/sendmail.cf")" "O InputMailFilters=backscatter" \
	    "... and the milter is in InputMailFilters"
	check "... the socket is the one of the page's command line" \
	    grep -q -- "-p $sock\$" "$(blocks_with '^backscatter-milter ' backscatter-milter.8)"
fi
done_testing
