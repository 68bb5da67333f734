#!/bin/sh
# ledger-redis.sh - the sent ledger in Redis (sent_ledger unix:/path or
# redis://host:port/db), with a redis-server this test starts on a unix
# socket in its own directory and stops: --record-sent and --learn-sent
# fill it, keys expire, a bounce of a recorded Message-ID for the
# recipient that bounced is proof, as in LMDB, and so is an unknown one at
# our domain (sent_ledger_complete); the correspondents judge a vacation
# reply; a key written by a version that kept the day alone is strong
# evidence, and makes "never wrote to" unsaid. A
# Redis that is down, killed mid-run, or that never answers is a ledger
# that cannot answer: no proof, the verdict of the other rules, no wait,
# said once. With requirepass: the password (and user, and database) in
# the URL, over TCP and a unix socket; a wrong one is a ledger that
# cannot answer, and the password is never said.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

command -v redis-server > /dev/null ||
    skip_all "redis-server is not installed (Debian: apt-get install redis-server)"
d=$srcdir/tests/data/ledger
unset BACKSCATTER_NOW
R=$T/redis
mkdir -p "$R"
sock=$R/redis.sock
redis_start() {
	redis-server --port 0 --unixsocket "$sock" --unixsocketperm 700 \
	    --daemonize yes --pidfile "$R/pid" --dir "$R" --save '' \
	    --appendonly no --logfile "$R/log" > /dev/null || return 1
	i=0; until [ -S "$sock" ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
	[ -S "$sock" ]
}
redis_stop() {
	[ -s "$R/pid" ] && kill "$(cat "$R/pid")" 2> /dev/null
	i=0; while [ -S "$sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	rm -f "$R/pid"
}
trap 'redis_stop; rm -rf "$T"' EXIT
rcli() { redis-cli -s "$sock" "$@"; }

printf 'my_domain northwind.example\nsent_ledger unix:%s\n' "$sock" > "$T/conf"
printf 'my_domain northwind.example\nsent_ledger unix:%s\nsent_ledger_complete yes\n' \
    "$sock" > "$T/conf-complete"
tests() {
	bs_json '("backscatter " if j["backscatter"] else "ok ") +
	    ",".join(t["name"] for t in j["tests"])' "$1" --config "${2:-$T/conf}"
}

check "redis-server starts on a unix socket" redis_start
is "$(tests "$d/bounce.eml")" "ok BS_ORIG_CLAIMS_OURS,BS_REASON_SPAM" \
    "before: the bounce has only unverified claims"
bs_run "$d/sent-ours.eml" --config "$T/conf" --record-sent
is "$rc:$(cat "$T/stdout" "$T/stderr")" "0:" "--record-sent into Redis: 0, silent"
is "$(rcli --scan --pattern 'bs:sent:*' | wc -l | tr -d ' ')" 1 "... one key, bs:sent:<hash>"
key=$(rcli --scan --pattern 'bs:sent:*' | head -1)
check "... the key names no address (32 hex digits)" sh -c "echo '$key' | grep -qx 'bs:sent:[0-9a-f]\{32\}'"
is "$(rcli get "$key")" "$(( $(date +%s) / 86400 ))" "... its value is the day it was recorded"
ttl=$(rcli ttl "$key")
check "... and it expires (TTL $ttl s, at most 3650 days)" test "$ttl" -gt 0 -a "$ttl" -le 315360000
is "$(rcli --scan --pattern 'bs:to:*')" "bs:to:${key#bs:sent:}" "... its recipients, a set beside it (bs:to:<hash>)"
is "$(rcli smembers "bs:to:${key#bs:sent:}" | grep -cx '[0-9a-f]\{16\}')" 1 \
    "... holding one recipient's hash (16 hex digits: the address is not named)"
ckey=$(rcli --scan --pattern 'bs:corr:*' | head -1)
is "$(rcli get "$ckey")" "$(( $(date +%s) / 86400 ))" "... and a correspondent, bs:corr:<hash>, the day we wrote"
check "... which expires too" test "$(rcli ttl "$ckey")" -gt 0
is "$(tests "$d/bounce.eml")" "ok BS_ORIG_CLAIMS_OURS,BS_PROOF_OURS,BS_REASON_SPAM,BS_SENT_LEDGER" \
    "the original's Message-ID is in Redis for the recipient that bounced: proof"
is "$(bs_json 'j["decided_by"]["class"] + " " + j["decided_by"]["evidence"] + " " + j["decided_by"]["why"]' \
    "$d/bounce.eml" --config "$T/conf")" \
    "proof sent_ledger the sent ledger recorded the returned Message-ID <20250318034705.77aa@northwind.example> for rachel@retail.example on $(date -u +'%-d %b %Y')" \
    "... said first, in words: the Message-ID, the recipient, the day"
is "$(tests "$d/bounce-unknown-id.eml" "$T/conf-complete")" \
    "backscatter BS_NOT_IN_LEDGER,BS_PROOF_BACKSCATTER,BS_REASON_SPAM" \
    "an unknown Message-ID at our domain, sent_ledger_complete: proof of backscatter"
# the entry's day is checked as in LMDB: older than the expiry, ignored
is "$(BACKSCATTER_NOW=$(( $(date +%s) + 200 * 86400 )) tests "$d/bounce.eml")" \
    "ok BS_ORIG_CLAIMS_OURS,BS_REASON_SPAM" "an entry older than sent_ledger_expiry is ignored"

# redis://host:port/db, on a TCP port of loopback, database 3
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --pidfile "$R/pid2" \
    --dir "$R" --save '' --appendonly no --logfile "$R/log2" > /dev/null
i=0; until redis-cli -p "$port" ping > /dev/null 2>&1 || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
printf 'my_domain northwind.example\nsent_ledger redis://127.0.0.1:%s/3\n' "$port" > "$T/conf-tcp"
bs_run "$d/sent-ours.eml" --config "$T/conf-tcp" --record-sent
is "$rc:$(redis-cli -p "$port" -n 3 --scan --pattern 'bs:sent:*' | wc -l | tr -d ' '):$(redis-cli -p "$port" -n 0 dbsize)" "0:1:0" \
    "redis://127.0.0.1:PORT/3: recorded in database 3"
is "$(tests "$d/bounce.eml" "$T/conf-tcp")" "ok BS_ORIG_CLAIMS_OURS,BS_PROOF_OURS,BS_REASON_SPAM,BS_SENT_LEDGER" \
    "... and found there"
# a database no writer has marked (never written, wiped by FLUSHALL, not
# kept across a restart) holds no history: "never recorded" proves nothing
printf 'my_domain northwind.example\nsent_ledger redis://127.0.0.1:%s/5\nsent_ledger_complete yes\n' \
    "$port" > "$T/conf-empty"
printf 'sent_ledger_complete yes\n' | cat "$T/conf-tcp" - > "$T/conf-tcp-complete"
is "$(tests "$d/bounce-unknown-id.eml" "$T/conf-tcp-complete")" \
    "backscatter BS_NOT_IN_LEDGER,BS_PROOF_BACKSCATTER,BS_REASON_SPAM" \
    "database 3, written, sent_ledger_complete: an unknown Message-ID is proof of backscatter"
is "$(redis-cli -p "$port" -n 5 dbsize):$(tests "$d/bounce-unknown-id.eml" "$T/conf-empty")" \
    "0:ok BS_ORIG_CLAIMS_OURS,BS_REASON_SPAM" \
    "database 5, never written, sent_ledger_complete: an unknown Message-ID is no proof"
redis-cli -p "$port" -n 3 flushdb > /dev/null
is "$(tests "$d/bounce-unknown-id.eml" "$T/conf-tcp-complete")" \
    "ok BS_ORIG_CLAIMS_OURS,BS_REASON_SPAM" \
    "database 3 wiped (FLUSHDB): no proof either"
bs_run "$d/sent-ours.eml" --config "$T/conf-tcp" --record-sent
# A static program (the default build) looks a host name up through
# the system's NSS modules: only when the system's glibc is the release
# it was linked with (src/base/sharedlibc.c). With BACKSCATTER_LIBC at a
# libc of another release (tests/fakelibc.so), a host name is not
# looked up, and says why; an address needs no lookup.
printf 'my_domain northwind.example\nsent_ledger redis://localhost:%s/3\n' "$port" > "$T/conf-name"
fake=$(cd "${top_builddir:-$srcdir}/tests" && pwd)/fakelibc.so
is "$(tests "$d/bounce.eml" "$T/conf-name")" "ok BS_ORIG_CLAIMS_OURS,BS_PROOF_OURS,BS_REASON_SPAM,BS_SENT_LEDGER" \
    "redis://localhost:PORT/3: the host name looked up, found there"
if [ -f "$fake" ] && ! readelf -l "$BACKSCATTER" 2> /dev/null | grep -q "program interpreter"; then
	BACKSCATTER_LIBC=$fake; export BACKSCATTER_LIBC
	is "$(tests "$d/bounce.eml" "$T/conf-name")" "ok BS_ORIG_CLAIMS_OURS,BS_REASON_SPAM" \
	    "linked statically, the system's glibc another release: localhost not looked up, no proof"
	bs_run "$d/bounce.eml" --config "$T/conf-name"
	holds "... filter mode 0 (got $rc), saying why" \
	    '[ "$rc" = 0 ] && grep -q "redis://localhost:$port/3: .*rebuild it, or name the host by its address" "$T/stderr"'
	is "$(tests "$d/bounce.eml" "$T/conf-tcp")" "ok BS_ORIG_CLAIMS_OURS,BS_PROOF_OURS,BS_REASON_SPAM,BS_SENT_LEDGER" \
	    "... 127.0.0.1 needs no lookup: found"
	unset BACKSCATTER_LIBC
else
	ok "# SKIP the program is linked dynamically, or no tests/fakelibc.so"
fi
# the page's plain line (backscatter-milter(8), THE SHARED LEDGER), on
# this test's port
. "$srcdir/tests/doclib.sh"
doc_blocks
plain_block=
for b in $(blocks_with '^sent_ledger redis://127' backscatter-milter.8); do
	[ "$(wc -l < "$b")" = 1 ] && plain_block=$b
done
check "backscatter-milter(8) shows the plain Redis line" test -n "$plain_block"
{ echo 'my_domain northwind.example'; sed "s|:6379/|:$port/|" "$plain_block"; } > "$T/conf-page"
pdb=$(sed -n 's|.*/\([0-9]*\)$|\1|p' "$plain_block")
bs_run "$d/sent-ours.eml" --config "$T/conf-page" --record-sent
is "$rc:$(redis-cli -p "$port" -n "${pdb:-0}" --scan --pattern 'bs:sent:*' | wc -l | tr -d ' ')" "0:1" "... recorded by it (database ${pdb:-0})"
kill "$(cat "$R/pid2")" 2> /dev/null

# AUTH: redis-server with requirepass; the page's URL forms (the
# password and a database in the URL, a unix socket with a password)
pw='s3cret:/@x'
pwe='s3cret%3A%2F%40x'	# the same, escaped as a URL has it
tcp_block=$(blocks_with '^sent_ledger redis://:' backscatter-milter.8)
unix_block=$(blocks_with '^sent_ledger unix://' backscatter-milter.8)
check "backscatter-milter(8) shows a Redis URL with a password, and a unix socket with one" \
    test -n "$tcp_block" -a -n "$unix_block"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
asock=$R/auth.sock
redis-server --port "$port" --bind 127.0.0.1 --unixsocket "$asock" --unixsocketperm 700 \
    --requirepass "$pw" --daemonize yes --pidfile "$R/pid3" \
    --dir "$R" --save '' --appendonly no --logfile "$R/log3" > /dev/null
i=0; until REDISCLI_AUTH=$pw redis-cli -p "$port" ping 2> /dev/null | grep -q PONG || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
acli() { REDISCLI_AUTH=$pw redis-cli "$@" 2> /dev/null; }
# the page's lines, with this test's port, socket and password
{ echo 'my_domain northwind.example'
  sed -e "s|@[^/@]*/|@127.0.0.1:$port/|" -e "s|:[^:@/]*@|:$pwe@|" "$tcp_block"; } > "$T/conf-auth"
{ echo 'my_domain northwind.example'
  sed -e "s|@/[^?]*|@$asock|" -e "s|:[^:@/]*@|:$pwe@|" -e 's|?db=[0-9]*$|?db=5|' "$unix_block"; } > "$T/conf-auth-unix"
db=$(sed -n 's|.*/\([0-9]*\)$|\1|p' "$T/conf-auth")
udb=$(sed -n 's|.*?db=\([0-9]*\)$|\1|p' "$T/conf-auth-unix")
bs_run "$d/sent-ours.eml" --config "$T/conf-auth" --record-sent
is "$rc:$(acli -p "$port" -n "${db:-0}" --scan --pattern 'bs:sent:*' | wc -l | tr -d ' '):$(cat "$T/stderr")" "0:1:" \
    "requirepass, redis://:password@host:port/$db: recorded in database $db"
is "$(tests "$d/bounce.eml" "$T/conf-auth")" "ok BS_ORIG_CLAIMS_OURS,BS_PROOF_OURS,BS_REASON_SPAM,BS_SENT_LEDGER" \
    "... and found there"
is "$(tests "$d/bounce.eml" "$T/conf-auth-unix")" "ok BS_ORIG_CLAIMS_OURS,BS_REASON_SPAM" \
    "unix://:password@/path?db=$udb: another database, not found there"
bs_run "$d/sent-ours.eml" --config "$T/conf-auth-unix" --record-sent
is "$rc:$(acli -s "$asock" -n "${udb:-0}" --scan --pattern 'bs:sent:*' | wc -l | tr -d ' ')" "0:1" "... recorded through the socket with the password"
is "$(tests "$d/bounce.eml" "$T/conf-auth-unix")" "ok BS_ORIG_CLAIMS_OURS,BS_PROOF_OURS,BS_REASON_SPAM,BS_SENT_LEDGER" \
    "... and found"
# the ACL form: user:password
# (the commands backscatter-milter(8) names for it)
acli -p "$port" ACL SETUSER bsledger on '>ledgerpw' '~bs:*' '+get' '+set' '+sadd' \
    '+smembers' '+expire' '+exists' '+dbsize' '+select' > /dev/null
printf 'my_domain northwind.example\nsent_ledger redis://bsledger:ledgerpw@127.0.0.1:%s/%s\n' "$port" "${db:-0}" > "$T/conf-acl"
is "$(tests "$d/bounce.eml" "$T/conf-acl")" "ok BS_ORIG_CLAIMS_OURS,BS_PROOF_OURS,BS_REASON_SPAM,BS_SENT_LEDGER" \
    "redis://user:password@: AUTH as that user (Redis 6 ACL), found"
# a wrong password: the ledger cannot answer, said, the password never
sed "s|:$pwe@|:wrong@|" "$T/conf-auth" > "$T/conf-wrong"
sed "s|/[0-9]*\$|/0|" "$T/conf-wrong" > /dev/null
cat "$T/conf-wrong" > "$T/conf-wrong-complete"; echo 'sent_ledger_complete yes' >> "$T/conf-wrong-complete"
is "$(tests "$d/bounce-unknown-id.eml" "$T/conf-wrong-complete")" "ok BS_ORIG_CLAIMS_OURS,BS_REASON_SPAM" \
    "a wrong password: no proof (the ledger counts as unavailable), nothing refused on it"
check "... said: the ledger, Redis's refusal, no proof" \
    grep -q "sent ledger redis://:\*\*\*@127.0.0.1:$port/.*WRONGPASS.*no proof from it" "$T/stderr"
check "... the password is not said (hidden as ***)" sh -c "grep -q 'redis://:\*\*\*@' '$T/stderr' && ! grep -q wrong '$T/stderr'"
bs_run "$d/sent-ours.eml" --config "$T/conf-wrong" --record-sent
is "$rc:$(cat "$T/stdout")" "0:" "... --record-sent with a wrong password: 0 (outgoing mail is never held up)"
check "... the password not said there either (hidden as ***)" sh -c "grep -q 'redis://:\*\*\*@' '$T/stderr' && ! grep -q wrong '$T/stderr'"
printf 'sent_ledger redis://:%s@127.0.0.1:notaport/0\n' "$pwe" > "$T/conf-bad-auth"
bs_run "$d/bounce.eml" --config "$T/conf-bad-auth" --test
holds "a malformed URL with a password: said, the password not" \
    '[ "$rc" = 1 ] && grep -q "not redis://" "$T/stderr" && ! grep -q "s3cret" "$T/stderr"'
kill "$(cat "$R/pid3")" 2> /dev/null

# a malformed URL is a configuration error --lint reports, not a crash
printf 'sent_ledger redis://:notaport/x\n' > "$T/conf-bad"
bs_run "$d/bounce.eml" --config "$T/conf-bad" --test
holds "a malformed Redis URL: the message is judged without the ledger (1), and it is said" \
    '[ "$rc" = 1 ] && grep -q "not redis://" "$T/stderr"'

# --learn-sent into Redis (no incremental state: it reads all)
mkdir -p "$T/Sent/cur" "$T/Sent/new" "$T/Sent/tmp"
cp "$d/sent-gmail-id.eml" "$T/Sent/cur/1:2,S"
bs_run - --config "$T/conf" --learn-sent "$T/Sent" < /dev/null
is "$rc:$(rcli --scan --pattern 'bs:sent:*' | wc -l | tr -d ' ')" "0:2" "--learn-sent into Redis: 0, one more key"
is "$(tests "$d/autoreply-answers-gmail-id.eml")" \
    "ok BS_PROOF_OURS,BS_REPLY_TO_FOREIGN,BS_REPLY_TO_FOREIGN_CONF,BS_SENT_LEDGER_REPLY" \
    "... an auto-reply to the learnt Message-ID, from its recipient: proof it answers our mail"

# The correspondents: an auto-reply naming no Message-ID (vacation(1))
# from someone we wrote to is proof it answers our mail; from someone we
# never wrote to, proof of backscatter when the ledger is complete, and
# nothing more when it is not
printf 'From: Rachel <rachel@retail.example>\nTo: alice@northwind.example\nSubject: Away: back on Monday\nPrecedence: bulk\nAuto-Submitted: auto-replied\n\nI am away.\n' \
    > "$T/vac-correspondent.eml"
printf 'From: tomas@remote.example\nTo: alice@northwind.example\nSubject: Away: back on Monday\nAuto-Submitted: auto-replied\n\nI am away.\n' \
    > "$T/vac-stranger.eml"
decided() {
	bs_json '("backscatter " if j["backscatter"] else "ok ") + j["decided_by"]["class"] + " " +
	    j["decided_by"]["evidence"] + " " + str(j["evidence"]["sent_ledger"]["correspondent"])' "$@"
}
is "$(decided "$T/vac-correspondent.eml" --config "$T/conf-complete")" "ok proof correspondents yes" \
    "a vacation reply from a correspondent (Redis): proof it answers our mail"
is "$(bs_json 'j["decided_by"]["why"]' "$T/vac-correspondent.eml" --config "$T/conf-complete")" \
    "it names no Message-ID, and we wrote to rachel@retail.example on $(date -u +'%-d %b %Y') (sent ledger)" \
    "... said in words: whom we wrote to, and when"
is "$(decided "$T/vac-stranger.eml" --config "$T/conf-complete")" "backscatter proof correspondents never" \
    "a vacation reply from a stranger, Redis ledger complete: proof of backscatter"
is "$(decided "$T/vac-stranger.eml" --config "$T/conf")" "ok heuristic rules never" \
    "... not complete: never written to proves nothing"
# a correspondent older than sent_ledger_expiry is no correspondent
is "$(BACKSCATTER_NOW=$(( $(date +%s) + 200 * 86400 )) decided "$T/vac-correspondent.eml" --config "$T/conf-complete")" \
    "backscatter proof correspondents never" "... a correspondent older than sent_ledger_expiry is not one"

# A key written by a version that kept the day alone (bs:sent:<hash>,
# its day, no bs:to:): read as it is, a strong hit, not proof; the next
# writer marks the ledger, and "never wrote to" is not said while such a
# key may live
rcli flushall > /dev/null
rcli set "$key" "$(( $(date +%s) / 86400 ))" > /dev/null
is "$(tests "$d/bounce.eml")" "ok BS_ORIG_CLAIMS_OURS,BS_REASON_SPAM,BS_SENT_LEDGER,BS_STRONG_OURS" \
    "an entry of an older version (the day alone): strong evidence, not proof"
is "$(decided "$T/vac-stranger.eml" --config "$T/conf-complete")" "ok heuristic rules unknown" \
    "... a ledger that never kept recipients cannot say we never wrote to someone"
bs_run "$d/sent-gmail-id.eml" --config "$T/conf" --record-sent
is "$rc:$(rcli get bs:state:legacy):$(rcli exists bs:state:recipients)" "0:$(( $(date +%s) / 86400 )):1" \
    "... the first writer that keeps recipients marks the day old entries may be as young as"
is "$(tests "$d/bounce.eml")" "ok BS_ORIG_CLAIMS_OURS,BS_REASON_SPAM,BS_SENT_LEDGER,BS_STRONG_OURS" \
    "... the old entry still reads, still strong"
is "$(decided "$T/vac-stranger.eml" --config "$T/conf-complete")" "ok heuristic rules unknown" \
    "... and while it may live, never written to is not said"
is "$(BACKSCATTER_NOW=$(( $(date +%s) + 200 * 86400 )) decided "$T/vac-stranger.eml" --config "$T/conf-complete")" \
    "backscatter proof correspondents never" "... once older than sent_ledger_expiry, it is said again"

# Redis stalled (SIGSTOP: it takes the connection, never answers) while
# --record-sent writes: the entry is kept in this host's local spool
# (~/.local/state/backscatter/redis-spool/<hash>), where this host's lookups
# find it at once, and the next writer that reaches Redis writes it
# there. Another host (another HOME) finds it in Redis from then on.
# (Before: nothing recorded, and a complete ledger proved the bounce of
# that mail forged.)
kept() { sed "s/20250318034705\.77aa/kept-$1/I" "$2"; }
kept 1 "$d/sent-ours.eml" > "$T/sent-k1.eml"; kept 1 "$d/bounce.eml" > "$T/bounce-k1.eml"
kept 2 "$d/sent-ours.eml" > "$T/sent-k2.eml"; kept 2 "$d/bounce.eml" > "$T/bounce-k2.eml"
kept 3 "$d/sent-ours.eml" > "$T/sent-k3.eml"; kept 3 "$d/bounce.eml" > "$T/bounce-k3.eml"
kept 4 "$d/sent-ours.eml" > "$T/sent-k4.eml"; kept 4 "$d/bounce.eml" > "$T/bounce-k4.eml"
# the local spool of a Redis ledger: named by the SHA-256 (16 hex digits)
# of the database its URL names (unix:<socket>?db=N, or
# redis://<host>:<port>/<db>), no password
SP=$HOME/.local/state/backscatter/redis-spool/$(printf 'unix:%s?db=0' "$sock" | sha256sum | cut -c1-16)
ls_spool() { if [ -d "$SP/new" ]; then ls "$SP/new" | wc -l | tr -d ' '; else echo missing; fi; }
mkdir -p "$T/host2"
keys0=$(rcli --scan --pattern 'bs:sent:*' | wc -l | tr -d ' ')
kill -STOP "$(cat "$R/pid")"
bs_run "$T/sent-k1.eml" --config "$T/conf" --record-sent
holds "Redis stalled: --record-sent answers 0, keeps the entry on this host, and says so" \
    '[ "$rc" = 0 ] && [ ! -s "$T/stdout" ] && grep -q "kept in the local spool until it answers" "$T/stderr"'
is "$(ls_spool)" 1 "... one entry file in ~/.local/state/backscatter/redis-spool/<hash of the URL>/new"
is "$(tests "$T/bounce-k1.eml" "$T/conf-complete")" "ok BS_ORIG_CLAIMS_OURS,BS_PROOF_OURS,BS_REASON_SPAM,BS_SENT_LEDGER" \
    "... its bounce on this host, Redis still stalled: found (proof it is ours)"
# the same database however its URL is spelled: the same local spool
sed "s|unix:|unix://|" "$T/conf-complete" > "$T/conf-spelled"
is "$(tests "$T/bounce-k1.eml" "$T/conf-spelled")" "ok BS_ORIG_CLAIMS_OURS,BS_PROOF_OURS,BS_REASON_SPAM,BS_SENT_LEDGER" \
    "... found too through the URL spelled unix://$sock (the spool named by the database, not the text)"
kill -CONT "$(cat "$R/pid")"
is "$(HOME=$T/host2 tests "$T/bounce-k1.eml" "$T/conf-complete")" \
    "backscatter BS_NOT_IN_LEDGER,BS_PROOF_BACKSCATTER,BS_REASON_SPAM" \
    "Redis answers again: another host cannot know of it until a writer here reaches Redis"
bs_run "$T/sent-k2.eml" --config "$T/conf" --record-sent
is "$rc:$(cat "$T/stdout" "$T/stderr")" "0:" "the next --record-sent: 0, silent"
is "$(rcli --scan --pattern 'bs:sent:*' | wc -l | tr -d ' '):$(ls_spool)" "$((keys0 + 2)):0" \
    "... the kept entry written into Redis with its own, the local spool emptied"
is "$(HOME=$T/host2 tests "$T/bounce-k1.eml" "$T/conf-complete")" \
    "ok BS_ORIG_CLAIMS_OURS,BS_PROOF_OURS,BS_REASON_SPAM,BS_SENT_LEDGER" \
    "... another host finds it in Redis: proof it is ours"
is "$(HOME=$T/host2 tests "$d/bounce-unknown-id.eml" "$T/conf-complete"):$(rcli get bs:state:lost)" \
    "backscatter BS_NOT_IN_LEDGER,BS_PROOF_BACKSCATTER,BS_REASON_SPAM:" \
    "... nothing was lost (no bs:state:lost): an unknown Message-ID is still proof of backscatter"
# a file in the local spool that cannot be read (here a symbolic link,
# which is never followed) is not taken for written: it stays (its
# entries are unknown; it was removed with the ones replayed)
ln -s /etc/hostname "$SP/new/unreadable"
kill -STOP "$(cat "$R/pid")"
bs_run "$T/sent-k1.eml" --config "$T/conf" --record-sent
kill -CONT "$(cat "$R/pid")"
bs_run "$T/sent-k2.eml" --config "$T/conf" --record-sent
is "$(ls "$SP/new" | tr '\n' ' ')" "unreadable " \
    "a replay leaves a spool file it could not read, removes the ones it wrote"
rm -f "$SP/new/unreadable"
# a user who sends rarely: --record-sent of an empty message (from cron)
# writes what was kept, and records nothing
kill -STOP "$(cat "$R/pid")"
bs_run "$T/sent-k4.eml" --config "$T/conf" --record-sent
kill -CONT "$(cat "$R/pid")"
is "$(ls_spool)" 1 "an entry kept while Redis stalled"
bs_run - --config "$T/conf" --record-sent < /dev/null
is "$rc:$(cat "$T/stdout" "$T/stderr"):$(ls_spool)" "0::0" \
    "--record-sent < /dev/null (cron): 0, silent, the kept entry written into Redis"
is "$(HOME=$T/host2 tests "$T/bounce-k4.eml" "$T/conf-complete")" \
    "ok BS_ORIG_CLAIMS_OURS,BS_PROOF_OURS,BS_REASON_SPAM,BS_SENT_LEDGER" \
    "... another host finds it"
# lost: Redis stalled and the local spool cannot keep the entry either
# (its tmp/ a file): marked lost here, and in Redis by the next writer
# that reaches it; no host then proves a bounce forged by absence
rm -rf "$SP/tmp"
: > "$SP/tmp"
kill -STOP "$(cat "$R/pid")"
bs_run "$T/sent-k3.eml" --config "$T/conf" --record-sent
holds "Redis stalled and the local spool unwritable: 0, said lost and marked" \
    '[ "$rc" = 0 ] && grep -q "Redis cannot be written either: lost, and marked" "$T/stderr"'
kill -CONT "$(cat "$R/pid")"
is "$(tests "$d/bounce-unknown-id.eml" "$T/conf-complete")" "ok BS_ORIG_CLAIMS_OURS,BS_REASON_SPAM" \
    "... this host proves nothing by absence now"
rm -f "$SP/tmp"
mkdir "$SP/tmp"
bs_run "$T/sent-k2.eml" --config "$T/conf" --record-sent
is "$(rcli get bs:state:lost)" "$(( $(date +%s) / 86400 ))" \
    "the next --record-sent that reaches Redis marks the loss there (bs:state:lost, today)"
is "$(HOME=$T/host2 tests "$d/bounce-unknown-id.eml" "$T/conf-complete")" "ok BS_ORIG_CLAIMS_OURS,BS_REASON_SPAM" \
    "... another host proves nothing by absence either"
is "$(HOME=$T/host2 BACKSCATTER_NOW=$(( $(date +%s) + 200 * 86400 )) tests "$d/bounce-unknown-id.eml" "$T/conf-complete")" \
    "backscatter BS_NOT_IN_LEDGER,BS_PROOF_BACKSCATTER,BS_REASON_SPAM" \
    "... until sent_ledger_expiry days have passed"
rcli del bs:state:legacy > /dev/null	# (its own test is above)
is "$(HOME=$T/host2 decided "$T/vac-stranger.eml" --config "$T/conf-complete")" \
    "ok heuristic rules unknown" "... nor is 'never written to' said meanwhile"
rcli del bs:state:lost > /dev/null
is "$(HOME=$T/host2 decided "$T/vac-stranger.eml" --config "$T/conf-complete")" \
    "backscatter proof correspondents never" "... (which it is without the mark)"

# Redis down: no proof, the other rules' verdict, no refusal on it
redis_stop
check "redis-server is stopped" test ! -S "$sock"
is "$(tests "$d/bounce-unknown-id.eml" "$T/conf-complete")" "ok BS_ORIG_CLAIMS_OURS,BS_REASON_SPAM" \
    "Redis down: the unknown Message-ID is no proof (the ledger cannot answer)"
check "... said on stderr" grep -q 'no proof from it until it answers' "$T/stderr"
is "$(tests "$d/bounce.eml")" "ok BS_ORIG_CLAIMS_OURS,BS_REASON_SPAM" \
    "... a recorded one is not found either: judged without the ledger"
bs_run "$d/sent-ours.eml" --config "$T/conf" --record-sent
is "$rc:$(cat "$T/stdout")" "0:" "--record-sent with Redis down: 0, nothing on stdout (outgoing mail is never held up)"

# a Redis that accepts and never answers: the lookup gives up in tens of ms
python3 -c '
import socket, sys, time, os
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(8)
open(sys.argv[2], "w").write(str(os.getpid()))
end = time.time() + 20
conns = []
while time.time() < end:
    s.settimeout(0.5)
    try: conns.append(s.accept()[0])
    except OSError: pass
' "$sock" "$R/mute.pid" &
i=0; until [ -S "$sock" ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
got=$(tests "$d/bounce-unknown-id.eml" "$T/conf-complete")
is "$got" "ok BS_ORIG_CLAIMS_OURS,BS_REASON_SPAM" "a Redis that never answers: no proof"
# the server holds the connection for 20 s: without the timeout the run
# would wait that long (the bound is loose: the machine may be loaded)
start=$(date +%s%N)
bs_run "$d/bounce-unknown-id.eml" --config "$T/conf-complete" --test
ms=$(( ($(date +%s%N) - start) / 1000000 ))
holds "... and the run gave up waiting: $ms ms (timeout 50 ms; under 3000), and said so" \
    '[ "$rc" = 1 ] && [ "$ms" -lt 3000 ] && grep -q "no proof from it" "$T/stderr"'
kill "$(cat "$R/mute.pid")" 2> /dev/null
rm -f "$sock"

# killed mid-run: started again, the keys it had are gone (no
# persistence here), new ones are recorded and found
check "redis-server starts again" redis_start
bs_run "$d/sent-ours.eml" --config "$T/conf" --record-sent
is "$(tests "$d/bounce.eml")" "ok BS_ORIG_CLAIMS_OURS,BS_PROOF_OURS,BS_REASON_SPAM,BS_SENT_LEDGER" \
    "after a restart: recorded again, found again"
redis_stop

# A Redis named by a host name, and a DNS that does not answer: the
# lookup is given what a connection is (LEDGER_REDIS_TIMEOUT_MS), not
# the resolver's own timeouts (it held every message for the watchdog's
# 8 s, and said nothing). A resolver of this test's own on 127.0.0.77
# that reads the queries and never answers, named in a resolv.conf bound
# over /etc/resolv.conf in a mount namespace of the run's own.
if [ "$(id -u)" = 0 ] && unshare -m true 2> /dev/null; then
	cat > "$T/mute-dns.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.77", 53))
open(sys.argv[1], "w").write("up\n")
while True:
    s.recvfrom(4096)
PY
	python3 "$T/mute-dns.py" "$T/dns-up" 2> /dev/null & dns=$!
	i=0; until [ -s "$T/dns-up" ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
fi
if [ ! -s "$T/dns-up" ]; then
	ok "a Redis by host name, DNS not answering # SKIP needs root, unshare -m and 127.0.0.77:53 (udp)"
else
	printf 'nameserver 127.0.0.77\noptions timeout:5 attempts:2\n' > "$T/resolv.conf"
	printf 'my_domain northwind.example\nsent_ledger redis://ledger.corp.example:6379/\n' > "$T/conf-name"
	for mode in --json --test; do
		start=$(date +%s%N)
		unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' sh \
		    "$T/resolv.conf" "$BACKSCATTER" $mode --config "$T/conf-name" \
		    < "$d/bounce.eml" > "$T/stdout" 2> "$T/stderr"
		rc=$?
		ms=$(( ($(date +%s%N) - start) / 1000000 ))
		holds "a Redis by host name, DNS not answering: $mode exits $rc in $ms ms (under 2000), said" \
		    '[ "$rc" = "$([ $mode = --test ] && echo 1 || echo 0)" ] && [ "$ms" -lt 2000 ] &&
		     grep -q "sent ledger redis://ledger.corp.example:6379/: .*; no proof from it" "$T/stderr"'
	done
fi
[ -n "$dns" ] && kill "$dns" 2> /dev/null
done_testing
