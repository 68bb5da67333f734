#!/bin/sh
# ledger-faults.sh - the sent ledger under stress: a ledger cut short (a
# copy restored from one taken mid-write) or damaged inside never kills a
# mode (filter passes the message analysed without it, --deliver delivers,
# --record-sent answers 0 and keeps the entry, --learn-sent fails with a
# reason); a writer holding the ledger never makes --record-sent wait or
# lose its entry; 200 --record-sent at once lose no Message-ID.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

data=$srcdir/tests/data/ledger
unset BACKSCATTER_NOW
mk_conf() { printf 'my_domain northwind.example\nsent_ledger %s\n' "$2" > "$1"; }
# sent ID: an outgoing message with that Message-ID
sent() { printf 'From: alice@northwind.example\nTo: oscar@oscar.example\nSubject: hello\nMessage-ID: <%s>\n\nhi\n' "$1"; }
# bounce ID: a bounce returning the message with that Message-ID
bounce() { sed "s/20250318034705.77aa@northwind.example/$1/" "$data/bounce.eml"; }
# found CONF ID: is ID in the ledger, as a bounce of it is judged?
found() {
	bounce "$2" | bs --config "$1" --json 2> /dev/null |
	    grep -q '"original_sent": *true'
}
# spooled DB: entries waiting in the spool of the ledger DB
spooled() { find "$1-spool/new" -type f 2>/dev/null | wc -l | tr -d ' '; }

# --- a ledger cut short -------------------------------------------------------
# a ledger of 3000 Message-IDs, learnt from a Sent mbox
python3 -c '
for i in range(3000):
    print("From alice@northwind.example  Mon Mar 10 07:58:00 2025")
    print("Message-ID: <m%d@northwind.example>\n\nbody\n" % i)' > "$T/Sent"
mk_conf "$T/conf-full" "$T/full.db"
bs --config "$T/conf-full" --learn-sent "$T/Sent" > /dev/null
size=$(wc -c < "$T/full.db")
check "a ledger of 3000 Message-IDs ($size bytes)" test "$size" -gt 100000
check "... m1500 is in it" found "$T/conf-full" m1500@northwind.example
mk_conf "$T/conf-none" "$T/none.db"
bounce m1500@northwind.example > "$T/b.eml"
bs --config "$T/conf-none" < "$T/b.eml" > "$T/want" 2> /dev/null
bs --config "$T/conf-none" --test < "$T/b.eml"; want_test=$?
# --deliver runs as the mail user (nobody when the suite runs as root)
mail_user

for cut in 100 5000 $((size / 2)) $((size - 4096)) $((size - 1)); do
	db=$T/cut$cut/sent.db
	mkdir -p "$T/cut$cut"
	head -c "$cut" "$T/full.db" > "$db"
	cp "$db" "$T/cut.copy"
	conf=$T/cut$cut/conf
	mk_conf "$conf" "$db"
	bs --config "$conf" < "$T/b.eml" > "$T/out" 2> "$T/err"
	rc=$?
	is "$rc:$(status "$T/out")" 0:No "cut to $cut bytes: filter mode exits 0, tags it"
	holds "... and writes the message as analysed without the ledger" \
	    '[ "$(status "$T/want")" = No ] && cmp -s "$T/want" "$T/out"'
	check "... saying on stderr that it goes on without the ledger" \
	    grep -q "sent ledger $db: .*; going on without it" "$T/err"
	bs --config "$conf" --test < "$T/b.eml" > "$T/out" 2> "$T/err"
	is "$?:$(wc -c < "$T/out" | tr -d ' '):$(grep -c 'going on without it' "$T/err")" \
	    "$want_test:0:1" "... --test answers as without the ledger, saying it goes on"
	state=$(bs --config "$conf" --json < "$T/b.eml" 2> /dev/null |
	    python3 -c 'import json, sys
print(json.load(sys.stdin)["evidence"]["sent_ledger"]["state"])' 2> /dev/null)
	is "$state" error "... --json: the ledger's state is error"
	$RUNAS cp "$db" "$U/cut$cut.db"
	mk_conf "$T/conf-u" "$U/cut$cut.db"
	$RUNAS env HOME="$U" $VALGRIND "$BACKSCATTER" --config "$T/conf-u" \
	    --deliver "$U/Maildir$cut" < "$T/b.eml" 2> /dev/null
	is "$?:$(find "$U/Maildir$cut/new" -type f | wc -l)" "0:1" \
	    "... --deliver delivers (0, the message stored)"
	sent "while-cut-$cut@northwind.example" |
	    bs --config "$conf" --record-sent 2> "$T/err"
	rc=$?
	said() { grep -q 'not used\|not an LMDB\|damaged' "$T/err"; }
	holds "... --record-sent answers 0, saying why" '[ "$rc" = 0 ] && said'
	check "... says the ledger is not used" said
	is "$(spooled "$db")" 1 "... and keeps the Message-ID in the spool"
	bs --config "$conf" --learn-sent "$T/Sent" > /dev/null 2> "$T/err"
	rc=$?
	is "$rc" 2 "... --learn-sent fails (2)"
	check "... saying why" test -s "$T/err"
	holds "... and the damaged file is left as it was" \
	    '[ "$rc" = 2 ] && [ -s "$T/err" ] && cmp -s "$T/cut.copy" "$db"'
done

# the user moves the damaged ledger away: the next writer makes a new one
# and merges what was kept meanwhile
db=$T/cut5000/sent.db conf=$T/cut5000/conf
mv "$db" "$db.damaged"
sent after-move@northwind.example | bs --config "$conf" --record-sent 2> "$T/err"
rc=$?
holds "a new ledger once the damaged one is moved away: the spool merged" \
    '[ "$rc:$(spooled "$db")" = 0:0 ] && found "$conf" while-cut-5000@northwind.example'
check "... the Message-ID recorded while it was damaged is found" \
    found "$conf" while-cut-5000@northwind.example
check "... and the new one" found "$conf" after-move@northwind.example

# cut short below a page: a ledger of no pages at all; empty: none yet
db=$T/empty/sent.db
mkdir -p "$T/empty"; : > "$db"
mk_conf "$T/empty/conf" "$db"
bs --config "$T/empty/conf" < "$T/b.eml" > "$T/out" 2> "$T/err"
rc=$?
is "$rc:$(status "$T/out")" 0:No "an empty ledger file: filter mode exits 0, tags it"
holds "... nothing said (nothing recorded yet)" \
    '[ "$(status "$T/out")" = No ] && [ ! -s "$T/err" ]'
sent into-empty@northwind.example | bs --config "$T/empty/conf" --record-sent
check "... --record-sent makes it a ledger" found "$T/empty/conf" into-empty@northwind.example

# damaged inside, at full length: pages overwritten with other bytes
i=0
for page in 2 10 30; do
	for fill in zero ff; do
		db=$T/dmg$page$fill/sent.db
		mkdir -p "$T/dmg$page$fill"
		cp "$T/full.db" "$db"
		python3 -c '
import sys
f = open(sys.argv[1], "r+b")
f.seek(int(sys.argv[2]) * 4096)
f.write((b"\0" if sys.argv[3] == "zero" else b"\xff") * 4096)' "$db" $page $fill
		mk_conf "$T/dmg$page$fill/conf" "$db"
		for id in m1 m700 m1500 m2999; do
			bounce $id@northwind.example |
			    bs --config "$T/dmg$page$fill/conf" > "$T/out" 2>&1 &&
			    [ "$(status "$T/out")" != none ] || i=$((i + 1))
		done
		sent "dmg-$page-$fill@northwind.example" |
		    bs --config "$T/dmg$page$fill/conf" --record-sent 2> /dev/null &&
		    { found "$T/dmg$page$fill/conf" "dmg-$page-$fill@northwind.example" ||
		      [ "$(spooled "$db")" = 1 ]; } || i=$((i + 1))
	done
done
is "$i" 0 "pages overwritten (3 places, 2 ways): filter mode and --record-sent always exit 0 (tagged; recorded or spooled)"

# --- a writer holding the ledger ---------------------------------------------
# a process of LMDB's own library holds the ledger's write transaction
# (as a backup tool or a hung writer would): --record-sent does not
# wait for it past its bound, and its entry counts at once
db=$T/held/sent.db
mkdir -p "$T/held"
mk_conf "$T/held/conf" "$db"
sent first@northwind.example | bs --config "$T/held/conf" --record-sent
if python3 -c 'import ctypes; ctypes.CDLL("liblmdb.so.0")' 2> /dev/null; then
	python3 - "$db" "$T/held/ready" "$T/held/release" <<'EOF' &
import ctypes, os, sys, time
lib = ctypes.CDLL("liblmdb.so.0")
env, txn = ctypes.c_void_p(), ctypes.c_void_p()
lib.mdb_env_create(ctypes.byref(env))
lib.mdb_env_set_mapsize(env, ctypes.c_size_t(1 << 30))
lib.mdb_env_set_maxdbs(env, 2)
MDB_NOSUBDIR, MDB_NOTLS = 0x4000, 0x200000
if lib.mdb_env_open(env, sys.argv[1].encode(), MDB_NOSUBDIR | MDB_NOTLS, 0o600):
    sys.exit(1)
if lib.mdb_txn_begin(env, None, 0, ctypes.byref(txn)):
    sys.exit(1)
open(sys.argv[2], "w").close()
# held 8 s at most, or until the test has seen what it needs
end = time.time() + 8
while time.time() < end and not os.path.exists(sys.argv[3]):
    time.sleep(0.05)
lib.mdb_txn_abort(txn)
EOF
	holder=$!
	i=0; while [ ! -e "$T/held/ready" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	holds "another process holds the ledger's write transaction (first@ recorded before)" \
	    '[ -e "$T/held/ready" ] && found "$T/held/conf" first@northwind.example'
	start=$(date +%s)
	sent while-held@northwind.example | bs --config "$T/held/conf" --record-sent 2> "$T/err"
	rc=$? took=$(( $(date +%s) - start ))
	held=$(spooled "$db")
	is "$rc:$held" 0:1 "--record-sent beside it: 0"
	holds "... within 10 s (${took} s)" '[ "$rc:$held" = 0:1 ] && [ "$took" -lt 10 ]'
	is "$held" 1 "... its Message-ID is in the spool"
	is "$(cat "$T/err")" "backscatter: --record-sent: the ledger not had within 2 seconds; the entry stays in its spool" \
	    "... and says so (LEDGER_LOCK_SECONDS)"
	check "... and a bounce of it is judged as ours already" \
	    found "$T/held/conf" while-held@northwind.example
	: > "$T/held/release"
	wait $holder
	sent after-held@northwind.example | bs --config "$T/held/conf" --record-sent
	is "$held:$?:$(spooled "$db")" 1:0:0 "the next --record-sent merges the spool"
	for id in first while-held after-held; do
		check "... $id is in the ledger" found "$T/held/conf" $id@northwind.example
	done
else
	i=0; while [ $i -lt 8 ]; do
		ok "# SKIP python3 cannot load liblmdb.so.0 (Debian: liblmdb0)"
		i=$((i + 1))
	done
fi

# --- 200 writers at once ----------------------------------------------------------
db=$T/burst/sent.db
mkdir -p "$T/burst"
printf 'my_domain northwind.example\nsent_ledger %s\nsent_ledger_complete yes\n' \
    "$db" > "$T/burst/conf"
start=$(date +%s)
i=0
while [ $i -lt 200 ]; do
	{ sent "burst-$i@northwind.example" |
	    bs --config "$T/burst/conf" --record-sent 2>> "$T/burst/err"
	  echo $? >> "$T/burst/rc"; } &
	i=$((i + 1))
done
wait
diag "200 writers took $(( $(date +%s) - start )) s"
burst_found() {
	found "$T/burst/conf" burst-0@northwind.example &&
	    found "$T/burst/conf" burst-199@northwind.example
}
holds "200 --record-sent at once: every one answers 0" \
    '[ "$(sort -u "$T/burst/rc")" = 0 ] && burst_found'
holds "... with nothing on stderr" '[ ! -s "$T/burst/err" ] && burst_found'
# every one judged by the ledger: a Maildir of their 200 bounces and of
# one never sent, judged in one --scan
mkdir -p "$T/burst/M/cur" "$T/burst/M/new" "$T/burst/M/tmp"
i=0
while [ $i -lt 200 ]; do
	bounce "burst-$i@northwind.example" > "$T/burst/M/cur/$i"
	i=$((i + 1))
done
bounce burst-none@northwind.example > "$T/burst/M/cur/none"
bs --config "$T/burst/conf" --scan "$T/burst/M" > "$T/burst/scan"
is "$(grep -c '^ok' "$T/burst/scan")" 200 \
    "... and all 200 Message-IDs are found: their bounces are legitimate"
is "$(grep '^backscatter' "$T/burst/scan" | sed 's|.*/||')" none \
    "... while the bounce of one never sent is backscatter (sent_ledger_complete)"
sent quiet@northwind.example | bs --config "$T/burst/conf" --record-sent
rc=$?
holds "a later --record-sent leaves the spool empty" \
    '[ "$rc:$(spooled "$db")" = 0:0 ] && found "$T/burst/conf" quiet@northwind.example'

# --- a complete ledger that cannot say what it lacks -------------------------
# "never recorded" is proof of backscatter only from a ledger that holds its
# history and was read whole: not from a spool without its ledger file
# (missing, or emptied: moved away, restored badly), not from a file that
# is no ledger (a FIFO, a folder: never waited on), not from a spool with
# more entries than one read takes.
# proof DB-CONF: decided_by's class for the bounce of a message never sent
proof_class() {
	bounce never-sent@northwind.example | bs --config "$1" --json 2> /dev/null |
	    python3 -c 'import json, sys
j = json.load(sys.stdin); d = j.get("decided_by") or {}
print(d.get("class"), j["evidence"]["sent_ledger"]["state"])'
}
L=$T/lost
mkdir -p "$L"
printf 'my_domain northwind.example\nsent_ledger %s\nsent_ledger_complete yes\n' "$L/sent.db" > "$L/conf"
sent kept@northwind.example | bs --config "$L/conf" --record-sent
is "$(proof_class "$L/conf")" "proof open" "a complete ledger: the bounce of a message never sent is proved backscatter"
mkdir -p "$L/sent.db-spool/new"
: > "$L/sent.db"
is "$(proof_class "$L/conf")" "heuristic absent" "the ledger file emptied, its spool left: no proof by absence"
rm -f "$L/sent.db"
is "$(proof_class "$L/conf")" "heuristic absent" "the ledger file gone, its spool left: no proof by absence"
mkfifo "$L/sent.db"
is "$(proof_class "$L/conf")" "heuristic error" "the ledger file a FIFO: an error, no proof, never waited on"
rm -f "$L/sent.db"; mkdir "$L/sent.db"
is "$(proof_class "$L/conf")" "heuristic error" "the ledger file a folder: an error, no proof"
rmdir "$L/sent.db"
sent kept@northwind.example | bs --config "$L/conf" --record-sent
# more spool entries than one read takes (SPOOL_READ_MAX), as a writer
# that cannot merge leaves them: the one sought may be in the rest
python3 -c 'import os, sys
d = sys.argv[1]
for i in range(8300):
    with open(os.path.join(d, "x%05d" % i), "w") as f:
        f.write("%d %032x\n" % (20000, i + 1))' "$L/sent.db-spool/new"
is "$(proof_class "$L/conf")" "heuristic error" "a spool larger than one read: no proof by absence"

# a full disk: an entry --record-sent can write neither into the spool nor
# into the ledger is lost; the ledger is marked (a file's time: no space
# needed) and proves no absence for sent_ledger_expiry days
cls() { python3 -c 'import json, sys
print((json.load(sys.stdin).get("decided_by") or {}).get("class"))'; }
if [ "$(id -u)" = 0 ] && mkdir "$T/full" && mount -t tmpfs -o size=256k tmpfs "$T/full" 2>/dev/null; then
	F=$T/full
	printf 'my_domain northwind.example\nsent_ledger %s\nsent_ledger_complete yes\nsent_ledger_expiry 30\n' "$F/sent.db" > "$T/full.conf"
	sent first@northwind.example | bs --config "$T/full.conf" --record-sent
	bounce never@northwind.example > "$T/never.eml"
	is "$(bs --config "$T/full.conf" --json < "$T/never.eml" | cls)" proof \
	    "full disk: before it fills, a bounce of a message never sent is proved backscatter"
	dd if=/dev/zero of="$F/fill" bs=4k 2> /dev/null
	sent lost@northwind.example | bs --config "$T/full.conf" --record-sent 2> "$T/err"
	is "$?:$(grep -c 'nothing recorded: no message is proved unsent by the ledger for sent_ledger_expiry days' "$T/err")" 0:1 \
	    "... full: --record-sent answers 0, says the entry is lost and the ledger marked"
	for id in lost never; do
		bounce $id@northwind.example | bs --config "$T/full.conf" --json > "$T/j" 2> /dev/null
		is "$(cls < "$T/j")" heuristic \
		    "... the bounce of $id@: no proof by the ledger's absence"
	done
	later=$(( $(date +%s) + 31 * 86400 ))
	is "$(BACKSCATTER_NOW=$later bs --config "$T/full.conf" --json < "$T/never.eml" | cls)" proof \
	    "... sent_ledger_expiry (30) days after the loss: proof by absence again"
	umount "$F"
else
	ok "# SKIP a tmpfs cannot be mounted here (not root, or no CAP_SYS_ADMIN)"
fi

done_testing
