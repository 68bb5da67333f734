#!/bin/sh
# ledger.sh - the sent ledger: --record-sent and --learn-sent fill it
# (incrementally, from Maildir and mbox), a bounce of or a reply to a
# Message-ID in it is legitimate, sent_ledger_complete turns an unknown
# Message-ID at our domain into evidence, entries expire, and many
# writers and readers at once lose nothing.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

d=$srcdir/tests/data/ledger
export HOME=$T/home
mkdir -p "$HOME"
unset RECIPIENT ORIG_RECIPIENT ORIGINAL_RECIPIENT BACKSCATTER_NOW
db=$T/state/sent.db
printf 'my_domain northwind.example\nsent_ledger %s\n' "$db" > "$T/conf"
printf 'my_domain northwind.example\nsent_ledger %s\nsent_ledger_complete yes\n' \
    "$db" > "$T/conf-complete"

# tests NAME [CONF]: the verdict and the fired tests of --json
# ("backscatter" or "ok", then the tests comma-separated)
tests() {
	bs_json '("backscatter " if j["backscatter"] else "ok ") +
	    ",".join(t["name"] for t in j["tests"])' "$1" --config "${2:-$T/conf}"
}

got=$(tests "$d/bounce.eml")
is "$got" "ok BS_ORIG_CLAIMS_OURS,BS_REASON_SPAM" \
    "before: the bounce has only unverified claims"
holds "no ledger file is made by reading" \
    '[ "$got" = "ok BS_ORIG_CLAIMS_OURS,BS_REASON_SPAM" ] && ! [ -e "$db" ]'

bs_run "$d/sent-ours.eml" --config "$T/conf" --record-sent
is "$rc:$(stat -c %a "$db" 2>/dev/null):$(cat "$T/stdout" "$T/stderr")" "0:600:" \
    "--record-sent: 0, silent, the ledger made private"
is "$(tests "$d/bounce.eml")" "ok BS_ORIG_CLAIMS_OURS,BS_PROOF_OURS,BS_REASON_SPAM,BS_SENT_LEDGER" \
    "the original's Message-ID is in the ledger for the recipient that bounced: proof"
bs_run "$d/bounce.eml" --config "$T/conf" --explain
holds "--explain shows the ledger" \
    '[ "$rc" = 0 ] && grep -q "sent by us: yes: the original'"'"'s Message-ID" "$T/stdout"'
is "$(bs_json 'j["evidence"]["sent_ledger"]["original_sent"], j["evidence"]["sent_ledger"]["found"]' \
    "$d/bounce.eml" --config "$T/conf")" \
    "(True, '20250318034705.77aa@northwind.example')" \
    "--json shows it, Message-ID normalised (domain in lower case)"

is "$(tests "$d/bounce-unknown-id.eml")" "ok BS_ORIG_CLAIMS_OURS,BS_REASON_SPAM" \
    "an unknown Message-ID at our domain, ledger not complete: no ledger evidence"
is "$(tests "$d/bounce-unknown-id.eml" "$T/conf-complete")" \
    "backscatter BS_NOT_IN_LEDGER,BS_PROOF_BACKSCATTER,BS_REASON_SPAM" \
    "sent_ledger_complete: a Message-ID at our domain we never sent is backscatter"

# a reply to a Message-ID that is not at our domain (a webmail's)
is "$(tests "$d/autoreply-answers-gmail-id.eml")" \
    "backscatter BS_REPLY_TO_FOREIGN,BS_REPLY_TO_FOREIGN_CONF" \
    "before: an auto-reply to a foreign Message-ID looks like backscatter"
bs --config "$T/conf" --record-sent < "$d/sent-gmail-id.eml"
is "$(tests "$d/autoreply-answers-gmail-id.eml")" \
    "ok BS_PROOF_OURS,BS_REPLY_TO_FOREIGN,BS_REPLY_TO_FOREIGN_CONF,BS_SENT_LEDGER_REPLY" \
    "after --record-sent: it answers our mail, sent to who replied (folded Message-ID read)"

# A Message-ID is no secret: copied into spam from a list archive, it is
# in the ledger, but a stranger handed the spam over, and that decides.
printf 'my_domain northwind.example\nmy_relay smtp.northwind.example 192.0.2.25\nsent_ledger %s\n' \
    "$T/state/copied.db" > "$T/conf-relay"
printf 'From: alice@northwind.example\nTo: list@lists.example\nSubject: hello list\nMessage-ID: <000d01db97a3$4f2e1c80$6a8b5c90$@northwind.example>\n\nhi\n' |
    bs --config "$T/conf-relay" --record-sent
rc=$?
# found in the ledger, and still backscatter without BS_SENT_LEDGER
is "$rc $(bs_json 'j["backscatter"], j["evidence"]["sent_ledger"]["original_sent"],
    "BS_SENT_LEDGER" in [t["name"] for t in j["tests"]]' \
    "$srcdir/examples/bounce-backscatter.eml" --config "$T/conf-relay")" \
    "0 (True, True, False)" \
    "a copied Message-ID in the ledger does not rescue a stranger's spam"

# --record-sent never stands in the way of sending
# (each says why on stderr, and nothing on stdout)
# refused WHY: $rc is 0, stdout empty, stderr has WHY
refused() { [ "$rc" = 0 ] && ! [ -s "$T/stdout" ] && grep -q -- "$1" "$T/stderr"; }
bs_run "$d/no-message-id.eml" --config "$T/conf" --record-sent
check "no Message-ID: still 0, and says so" refused "no Message-ID; nothing recorded"
printf 'sent_ledger /proc/no/such/dir/sent.db\n' > "$T/conf-bad"
bs_run "$d/sent-ours.eml" --config "$T/conf-bad" --record-sent
check "unwritable ledger: still 0, and says so" refused "/proc/no/such/dir/sent.db: "
printf 'no_such_directive 1\nsent_ledger %s\n' "$db" > "$T/conf-typo"
bs_run "$d/sent-ours.eml" --config "$T/conf-typo" --record-sent
check "a config error: still 0, and says so" refused "conf-typo:1: unknown directive"
bs_run "$d/sent-ours.eml" --config "$T/conf" --no-such-option --record-sent
check "a bad option: still 0, and says so" refused "^usage: backscatter"

# expiry: 200 days later the entries are too old (default 180 days)
is "$(BACKSCATTER_NOW=$(( $(date +%s) + 200 * 86400 )) tests "$d/bounce.eml")" \
    "ok BS_ORIG_CLAIMS_OURS,BS_REASON_SPAM" "after 180 days an entry no longer counts"
printf 'my_domain northwind.example\nsent_ledger %s\nsent_ledger_expiry 365\n' "$db" > "$T/conf-365"
is "$(BACKSCATTER_NOW=$(( $(date +%s) + 200 * 86400 )) tests "$d/bounce.eml" "$T/conf-365")" \
    "ok BS_ORIG_CLAIMS_OURS,BS_PROOF_OURS,BS_REASON_SPAM,BS_SENT_LEDGER" "sent_ledger_expiry 365 keeps it"
# ... and an entry too old to count is not absent either: a complete
# ledger proves no late bounce (a delayed DSN, a read receipt) forged
printf 'my_domain northwind.example\nsent_ledger %s\nsent_ledger_complete yes\n' "$db" > "$T/conf-old"
is "$(BACKSCATTER_NOW=$(( $(date +%s) + 200 * 86400 )) bs_json '"%s %s" % (j["decided_by"]["class"],
    j["evidence"]["sent_ledger"]["original_sent"])' "$d/bounce.eml" --config "$T/conf-old")" \
    "heuristic False" "... with sent_ledger_complete, past expiry: not found, and not proof of backscatter"

# --learn-sent: a Sent Maildir, incrementally
sent=$T/Maildir/.Sent
mkdir -p "$sent/cur" "$sent/new" "$sent/tmp"
for i in 1 2 3; do
	printf 'From: alice@northwind.example\nMessage-ID: <learn-%d@northwind.example>\nSubject: %d\n\nbody\n' \
	    "$i" "$i" > "$sent/cur/100$i.host:2,S"
done
printf 'From: a@b\nSubject: none\n\nno id\n' > "$sent/cur/1004.host:2,S"
printf 'sent_ledger %s\n' "$T/learn.db" > "$T/conf-learn"
# learn PATH...: "exit status: what --learn-sent printed"
learn() { bs_run - --config "$T/conf-learn" --learn-sent "$@" < /dev/null; echo "$rc: $(cat "$T/stdout")"; }
is "$(learn "$sent")" "0: $sent: 4 new messages, 3 Message-IDs recorded" \
    "--learn-sent a Maildir: 0, read 4, recorded 3"
is "$(learn "$sent")" "0: $sent: 0 new messages, 0 Message-IDs recorded" "again: nothing new to read"
$VALGRIND "$BACKSCATTER" --config "$T/conf-learn" --learn-sent "$sent" < /dev/null > /dev/full 2> "$T/stderr"
is "$?:$(grep -c 'writing the report' "$T/stderr")" 2:1 \
    "--learn-sent whose report cannot be written (/dev/full): 2, said"
sleep 1
printf 'Message-ID: <learn-5@northwind.example>\n\nb\n' > "$sent/new/1005.host"
is "$(learn "$sent")" "0: $sent: 1 new messages, 1 Message-IDs recorded" "a new one: only it is read"
sed 's/20250318034705.77aa/learn-5/' "$d/bounce.eml" > "$T/b5.eml"
printf 'my_domain northwind.example\nsent_ledger %s\n' "$T/learn.db" >> "$T/conf-learn"
is "$(tests "$T/b5.eml" "$T/conf-learn")" "ok BS_ORIG_CLAIMS_OURS,BS_REASON_SPAM,BS_SENT_LEDGER,BS_STRONG_OURS" \
    "a bounce of a learnt message is legitimate (strong: the message named no recipient)"

# messages coming into the Sent folder while --learn-sent runs (as a
# client's IMAP APPEND) are each read by one run or the next: none
# skipped for ever (file times come from the coarse clock)
race=$T/race
mkdir -p "$race/Sent/cur" "$race/Sent/new" "$race/Sent/tmp"
printf 'my_domain northwind.example\nsent_ledger %s\n' "$race/sent.db" > "$race/conf"
( i=0; while [ $i -lt 1000 ]; do
	printf 'Message-ID: <race-%d@northwind.example>\n\nx\n' $i > "$race/Sent/tmp/$i"
	mv "$race/Sent/tmp/$i" "$race/Sent/new/$i.host"
	i=$((i + 1))
  done; : > "$race/done" ) &
until [ -e "$race/done" ]; do bs --config "$race/conf" --learn-sent "$race/Sent" > /dev/null; done
wait
bs --config "$race/conf" --learn-sent "$race/Sent" > /dev/null
missing=0 i=0
while [ $i -lt 1000 ]; do
	sed "s/20250318034705.77aa@northwind.example/race-$i@northwind.example/" "$d/bounce.eml" |
	    bs --config "$race/conf" --json 2> /dev/null | grep -q '"original_sent": *true' ||
	    missing=$((missing + 1))
	i=$((i + 20))
done
is "$missing" 0 "1000 messages renamed into Sent/new while --learn-sent runs in a loop: none of 50 sampled missed"

# ... and none read twice: a message written just before a run has a ctime
# (fine-grained, on file systems that keep such) that the next coarse tick
# did not always pass, and the next run read it again (about 1 in 15)
rr=$T/reread
printf 'sent_ledger %s\n' "$rr/ledger.db" > "$T/conf-rr"
again=0 i=0
while [ $i -lt 30 ]; do
	rm -rf "$rr"
	mkdir -p "$rr/Sent/cur" "$rr/Sent/new" "$rr/Sent/tmp"
	cp "$d/sent-ours.eml" "$rr/Sent/cur/1.host:2,S"
	bs --config "$T/conf-rr" --learn-sent "$rr/Sent" < /dev/null > /dev/null 2>&1
	bs --config "$T/conf-rr" --learn-sent "$rr/Sent" < /dev/null 2> /dev/null |
	    grep -q ': 0 new messages' || again=$((again + 1))
	i=$((i + 1))
done
is "$again" 0 "30 times a message written just before --learn-sent: never read again by the next run"

# --learn-sent: an mbox, resumed where it stopped
mbox=$T/Sent.mbox
for i in 1 2; do
	printf 'From alice@northwind.example Mon Mar 10 07:58:00 2025\nMessage-ID: <mbox-%d@northwind.example>\n\nbody\nFrom here on, not a new message\n\n' "$i"
done > "$mbox"
is "$(learn "$mbox")" "0: $mbox: 2 new messages, 2 Message-IDs recorded" "--learn-sent an mbox"
printf 'From alice@northwind.example Mon Mar 10 08:00:00 2025\nMessage-ID: <mbox-3@northwind.example>\n\nx\n' >> "$mbox"
is "$(learn "$mbox")" "0: $mbox: 1 new messages, 1 Message-IDs recorded" "appended: only the new message"
bs_run - --config "$T/conf-learn" --learn-sent "$T/nonexistent" < /dev/null
is_rc 2 "--learn-sent a missing path: 2"
bs_run - --config "$T/conf-learn" --learn-sent < /dev/null
is_rc 64 "--learn-sent without a path: 64"

# many writers and readers at once: nothing lost, nothing broken
# (each writer exits 0; each reader finds the bounce legitimate: 1)
i=0
while [ $i -lt 40 ]; do
	{ printf 'Message-ID: <burst-%d@northwind.example>\n\nx\n' $i |
	    bs --config "$T/conf" --record-sent 2>> "$T/burst.err"
	  echo "writer $?" >> "$T/burst.rc"; } &
	{ bs --config "$T/conf" --test < "$d/bounce.eml" 2>> "$T/burst.err"
	  echo "reader $?" >> "$T/burst.rc"; } &
	i=$((i + 1))
done
wait
is "$(sort "$T/burst.rc" | uniq -c | tr -s ' ' | tr '\n' ';')$(cat "$T/burst.err")" \
    " 40 reader 1; 40 writer 0;" "40 writers and 40 readers at once: each answers, no errors"
missing=0 i=0
while [ $i -lt 40 ]; do
	sed "s/20250318034705.77aa/burst-$i/" "$d/bounce.eml" > "$T/bb.eml"
	bs_run "$T/bb.eml" --config "$T/conf" --json
	[ "$rc" = 0 ] && grep -q '"original_sent":true' "$T/stdout" ||
	    missing=$((missing + 1))
	i=$((i + 1))
done
is "$missing" 0 "... and all 40 Message-IDs are in the ledger"

# A ledger written by the version before recipients were kept
# (tests/data/ledger/v1.db, see README) is read as it is: a hit is strong
# evidence, not proof, and "never wrote to" is not said.
export BACKSCATTER_NOW=1742266025
cp "$d/v1.db" "$T/v1.db" && chmod 600 "$T/v1.db"
printf 'my_domain northwind.example\nsent_ledger %s\nsent_ledger_expiry 3650\nsent_ledger_complete yes\n' \
    "$T/v1.db" > "$T/conf-v1"
# decided FILE CONF: verdict, decided_by's class and evidence, the
# ledger's recipient and correspondent
decided() {
	bs_json '"%s %s %s %s %s" % ("backscatter" if j["backscatter"] else "ok",
	    j["decided_by"]["class"], j["decided_by"]["evidence"],
	    j["evidence"]["sent_ledger"]["recipient"],
	    j["evidence"]["sent_ledger"]["correspondent"])' "$1" --config "$2"
}
is "$(decided "$d/bounce.eml" "$T/conf-v1")" "ok strong sent_ledger not recorded None" \
    "an old ledger: its entry (no recipients) is strong evidence, not proof"
is "$(decided "$d/autoreply-answers-gmail-id.eml" "$T/conf-v1")" \
    "ok strong sent_ledger not recorded unknown" \
    "an old ledger, complete: who replied is not said to be a stranger"
is "$(decided "$d/bounce.eml" "$T/conf-v1"):$(cmp -s "$d/v1.db" "$T/v1.db" && echo same)" \
    "ok strong sent_ledger not recorded None:same" "reading leaves it as it was (and it is still read)"
# a writer migrates it in place; --learn-sent then reads the Sent folder
# again and gives the entries their recipients
v1sent=$T/v1sent
mkdir -p "$v1sent/cur" "$v1sent/new" "$v1sent/tmp"
cp "$d/sent-ours.eml" "$v1sent/cur/1.host:2,S"
bs_run - --config "$T/conf-v1" --learn-sent "$v1sent" < /dev/null
is "$rc: $(cat "$T/stdout")" "0: $v1sent: 1 new messages, 1 Message-IDs recorded" \
    "--learn-sent on an old ledger: 0, the folder read"
bs_run - --config "$T/conf-v1" --learn-sent "$v1sent" < /dev/null
is "$rc: $(cat "$T/stdout")" "0: $v1sent: 0 new messages, 0 Message-IDs recorded" \
    "... once: the next run is incremental again"
is "$(decided "$d/bounce.eml" "$T/conf-v1")" "ok proof sent_ledger match None" \
    "migrated: recorded for the recipient that bounced, proof"
is "$(bs_json 'j["decided_by"]["why"]' "$d/bounce.eml" --config "$T/conf-v1")" \
    "the sent ledger recorded the returned Message-ID <20250318034705.77aa@northwind.example> for rachel@retail.example on 18 Mar 2025" \
    "decided_by says it in words"
bs_run "$d/bounce.eml" --config "$T/conf-v1" --explain
is "$(sed -n 2p "$T/stdout")" \
    "Decided by proof: the sent ledger recorded the returned Message-ID <20250318034705.77aa@northwind.example> for rachel@retail.example on 18 Mar 2025." \
    "--explain says first what decided"
# the Gmail-ID entry was not in the folder read: still without recipients,
# so "never wrote to" still cannot be said
is "$(decided "$d/autoreply-answers-gmail-id.eml" "$T/conf-v1")" \
    "ok strong sent_ledger not recorded unknown" \
    "an entry left without recipients: still strong, and no stranger named"

# A new ledger knows recipients: the same Message-ID bounced by another
# recipient is strong, not proof (a Message-ID copied from a list archive)
printf 'my_domain northwind.example\nsent_ledger %s\nsent_ledger_expiry 3650\nsent_ledger_complete yes\n' \
    "$T/v2.db" > "$T/conf-v2"
bs --config "$T/conf-v2" --record-sent bcc@hidden.example < "$d/sent-ours.eml"
is "$(decided "$d/bounce.eml" "$T/conf-v2")" "ok proof sent_ledger match None" \
    "recorded for rachel, bounced by rachel: proof"
sed 's/rachel@retail.example/mallory@retail.example/' "$d/bounce.eml" > "$T/other.eml"
is "$(decided "$T/other.eml" "$T/conf-v2")" "ok heuristic rules other None" \
    "recorded for rachel, bounced by someone else: a ledger hit for others (strong, -4), not proof"
sed 's/rachel@retail.example/bcc@hidden.example/' "$d/bounce.eml" > "$T/bcc.eml"
is "$(decided "$T/bcc.eml" "$T/conf-v2")" "ok proof sent_ledger match None" \
    "an envelope recipient given to --record-sent counts (a Bcc)"
# what a wrapper hands on after --record-sent is sendmail's command line,
# as a mail client gave it: its options skipped (with the value of -f,
# -F, -N ...), its addresses recorded (after -- too)
printf 'my_domain northwind.example\nsent_ledger %s\nsent_ledger_expiry 3650\nsent_ledger_complete yes\n' \
    "$T/v3.db" > "$T/conf-v3"
bs_run "$d/sent-ours.eml" --config "$T/conf-v3" --record-sent -oem -oi -f alice@northwind.example \
    -F 'Alice A' -N failure,delay -i -- bcc@hidden.example
got=$(decided "$T/bcc.eml" "$T/conf-v3")
holds "--record-sent with sendmail's options after it: 0, nothing said" \
    '[ "$rc" = 0 ] && ! [ -s "$T/stderr" ] && [ "$got" = "ok proof sent_ledger match None" ]'
is "$got" "ok proof sent_ledger match None" "... the address after -- recorded (a Bcc)"
sed 's/rachel@retail.example/alice@northwind.example/' "$d/bounce.eml" > "$T/self.eml"
is "$(decided "$T/self.eml" "$T/conf-v3")" "ok heuristic rules other None" \
    "... the value of -f not taken for a recipient"
# an option of ours after --record-sent (as the page's synopsis puts
# it) is ours, not sendmail's: the entry goes to the ledger it names
printf 'my_domain northwind.example\nsent_ledger %s\nsent_ledger_expiry 3650\nsent_ledger_complete yes\n' \
    "$T/v4.db" > "$T/conf-v4"
HOME=$T/home-v4 bs_run "$d/sent-ours.eml" --record-sent -oi --config "$T/conf-v4" -f alice@northwind.example \
    -- bcc@hidden.example
got=$(decided "$T/bcc.eml" "$T/conf-v4")
holds "--record-sent -oi --config FILE ...: 0, nothing said, the entry in FILE's ledger" \
    '[ "$rc" = 0 ] && ! [ -s "$T/stderr" ] && [ "$got" = "ok proof sent_ledger match None" ]'
is "$(test -e "$T/v4.db" && echo made):$(ls "$T/home-v4/.local/state/backscatter" 2>/dev/null)" "made:" \
    "... that ledger made, none in the default place"
bs_run "$d/sent-ours.eml" --config "$T/conf-v3" --record-sent --deliver "$T/rs-Maildir"
is "$(grep -c -- '--record-sent ignored: with --deliver the message is delivered' "$T/stderr")" 1 \
    "... but a --deliver among them still wins (--record-sent said ignored)"
# --lint reads a Redis ledger's URL as the runs will (they went on
# without the ledger, and without its proof, while --lint said clean);
# a password is never said, even one cut short by a '#' (a comment)
lintled() {
	printf '# a Redis ledger\nsent_ledger %s\n' "$1" > "$T/conf-url"
	bs_run - --lint --config "$T/conf-url" < /dev/null
}
lintled '~bob/sent.db'
is "$rc:$(grep -c 'sent_ledger ~bob/sent.db: only ~/' "$T/stderr")" 78:1 \
    "--lint: sent_ledger ~bob/...: 78 (it was a relative path named ~bob)"
lintled 'redis://127.0.0.1:99999/2'
is "$rc:$(grep -c "conf-url:2: sent_ledger redis://127.0.0.1:99999/2: not redis://" "$T/stderr")" 78:1 \
    "--lint: a Redis URL with port 99999: 78, at its file:line"
lintled 'redis://127.0.0.1:6379/abc'
is "$rc" 78 "--lint: a Redis URL with database abc: 78"
lintled 'redis://:s3cr#et@10.0.0.5:6379/2'
is "$rc:$(grep -c 'sent_ledger a Redis URL: not' "$T/stderr"):$(grep -c 's3cr' "$T/stderr")" 78:1:0 \
    "--lint: a password cut short at '#': 78, the URL not shown"
lintled 'redis://:s3cr%23et@10.0.0.5:6379/2'
is "$rc:$(grep -c 'rules are clean' "$T/stdout")" 0:1 "--lint: the password with %23: clean (no server asked)"
# ... and a file's path as the runs will: a folder or a FIFO is no
# ledger (every run said so and went on without it, --lint said clean);
# none there yet is (the first --record-sent makes it)
mkdir "$T/led-dir"
mkfifo "$T/led-fifo"
for k in dir fifo; do
	lintled "$T/led-$k"
	is "$rc:$(grep -c "conf-url:2: sent_ledger $T/led-$k: not a regular file" "$T/stderr")" 78:1 \
	    "--lint: sent_ledger naming a $k: 78, at its file:line"
done
lintled "$T/led-none/sent.db"
is "$rc:$(grep -c 'rules are clean' "$T/stdout")" 0:1 "--lint: sent_ledger naming no file yet: clean"
lintled /dev/null/sent.db
is "$rc:$(grep -c 'conf-url:2: sent_ledger /dev/null/sent.db: Not a directory' "$T/stderr")" 78:1 \
    "--lint: sent_ledger under a file (no folder can be made there): 78, why"
rm -rf "$T/led-dir" "$T/led-fifo"
# ... "~/" under HOME, as the runs open it (it was looked for as a folder
# named "~" in the current directory), and the default ledger when no line
# names one (never looked at: every run said it was no file, --lint clean)
mkdir "$HOME/led-dir"
lintled '~/led-dir'
is "$rc:$(grep -c "conf-url:2: sent_ledger $HOME/led-dir: not a regular file" "$T/stderr")" 78:1 \
    "--lint: sent_ledger ~/ naming a folder under HOME: 78, the path the runs open"
rmdir "$HOME/led-dir" && : > "$HOME/led-dir"
mkdir -p "$T/cwd/~/led-dir"
here=$(pwd) && cd "$T/cwd" && lintled '~/led-dir'
cd "$here" || exit 99
is "$rc:$(grep -c 'rules are clean' "$T/stdout")" 0:1 \
    "--lint: sent_ledger ~/ naming a file under HOME: clean, whatever a folder named ~ holds"
rm -rf "$HOME/led-dir" "$T/cwd"
mkdir -p "$HOME/.local/state/backscatter/sent.db"
bs_run - --lint --config /dev/null < /dev/null
is "$rc:$(grep -c "sent_ledger $HOME/.local/state/backscatter/sent.db: not a regular file" "$T/stderr")" 78:1 \
    "--lint: the default ledger a folder (no sent_ledger line): 78"
rm -rf "$HOME/.local"

# vacation(1): an auto-reply naming no Message-ID, judged by whom we wrote to
vac() { printf 'From: %s\nTo: alice@northwind.example\nSubject: Away: back on Monday\nAuto-Submitted: auto-replied\nDate: Tue, 18 Mar 2025 05:00:00 +0000\n\nI am away.\n' "$1"; }
vac rachel@retail.example > "$T/vac-known.eml"
vac tomas@remote.example > "$T/vac-stranger.eml"
is "$(decided "$T/vac-known.eml" "$T/conf-v2")" "ok proof correspondents None yes" \
    "an auto-reply naming no Message-ID from someone we wrote to: proof, ours"
is "$(decided "$T/vac-stranger.eml" "$T/conf-v2")" "backscatter proof correspondents None never" \
    "... from someone we never wrote to, ledger complete: proof, backscatter"
# a quoted local part that needs no quotes is the same address
printf 'From: alice@northwind.example\nTo: "hans7"@remote.example\nSubject: hi\nMessage-ID: <quoted-1@northwind.example>\n\nhi\n' |
    bs --config "$T/conf-v2" --record-sent
vac hans7@remote.example > "$T/vac-hans.eml"
is "$(decided "$T/vac-hans.eml" "$T/conf-v2")" "ok proof correspondents None yes" \
    "written to \"hans7\"@remote.example, an auto-reply from hans7@remote.example: the same address"
is "$(decided "$T/vac-stranger.eml" "$T/conf")" "ok heuristic rules None never" \
    "... ledger not complete: never written to, and that proves nothing"
# the same letter with no machine's field: an auto-reply by its words only
# (a stranger's first letter can say "away" too), so absence is no proof
printf 'From: tomas@remote.example\nTo: alice@northwind.example\nSubject: Out of Office: back on Monday\nDate: Tue, 18 Mar 2025 05:00:00 +0000\n\nI am out of the office until Monday 24 March with limited access to e-mail.\nI will reply to your message when I return.\n' > "$T/vac-words.eml"
is "$(bs_json 'j["kind"]' "$T/vac-words.eml" --config "$T/conf-v2")" "autoreply" \
    "an auto-reply by its words alone is still an auto-reply"
is "$(decided "$T/vac-words.eml" "$T/conf-v2")" "ok heuristic rules None never" \
    "... but from a stranger, ledger complete: no machine's field, no proof"
is "$(bs_json 'j["decided_by"]["why"]' "$T/vac-words.eml" --config "$T/conf-v2")" \
    "no proof (we never wrote to tomas@remote.example, but no header field says a machine wrote the answer) and no strong evidence either way: the rules' weights add up to 0.0" \
    "... and decided_by says what proof lacked"
# each field a machine writes makes it proof again
for field in 'Auto-Submitted: auto-replied' 'Precedence: bulk' \
    'X-Autoreply: yes' 'X-Autorespond: yes' 'Return-Path: <>' \
    'X-Auto-Response-Suppress: All' 'X-Loop: tomas@remote.example'; do
	{ printf '%s\n' "$field"; cat "$T/vac-words.eml"; } > "$T/vac-field.eml"
	is "$(decided "$T/vac-field.eml" "$T/conf-v2")" \
	    "backscatter proof correspondents None never" \
	    "... with '$field': proof, backscatter"
done
sed 's/^From: tomas@/From: no-reply@/' "$T/vac-words.eml" > "$T/vac-field.eml"
is "$(decided "$T/vac-field.eml" "$T/conf-v2")" \
    "backscatter proof correspondents None never" \
    "... from a no-reply address: proof, backscatter"
long=$(printf '%0250d' 0 | tr 0 x)
sed "s/^From: tomas@remote.example/From: $long@remote.example/" "$T/vac-words.eml" > "$T/vac-long.eml"
is "$(bs_json 'j["decided_by"]["why"][-44:]' "$T/vac-long.eml" --config "$T/conf-v2")" \
    "either way: the rules' weights add up to 0.0" \
    "... whole, for a 250-character address too"
# A bounce that returns nothing but names the original's Message-ID:
# original.source "none", message_id_named, and the ledger decides on it
nothing() { printf 'From: MAILER-DAEMON@mx.retail.example\nTo: alice@northwind.example\nSubject: Mail delivery failed: returning message to sender\nAuto-Submitted: auto-replied\n%s\n\nThis message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  %s\n    No such user here\n%s\n' "$1" "$2" "$3"; }
nothing 'References: <20250318034705.77aa@NorthWind.Example>' rachel@retail.example '' > "$T/ref.eml"
nothing 'X-Original-Message-ID: <20250318034705.77aa@NorthWind.Example>' rachel@retail.example '' > "$T/xorig.eml"
nothing 'X-Mailer: none' rachel@retail.example 'Your message (Message-ID <20250318034705.77aa@NorthWind.Example>) was not delivered.' > "$T/text.eml"
nothing 'X-Mailer: none' rachel@retail.example '' > "$T/none.eml"
for f in ref xorig text; do
	is "$(bs_json 'j["original"]["source"], j["original"]["message_id"], j["original"]["message_id_named"], j["decided_by"]["class"], j["backscatter"]' \
	    "$T/$f.eml" --config "$T/conf-v2")" \
	    "('none', '20250318034705.77aa@NorthWind.Example', True, 'proof', False)" \
	    "no original, its Message-ID named ($f): source none, message_id_named, the ledger proves it ours"
done
is "$(bs_json 'j["original"]["source"], j["original"]["message_id"], j["decided_by"]["class"]' \
    "$T/none.eml" --config "$T/conf-v2")" "('none', None, 'heuristic')" \
    "no original and nothing named: source none, no proof"
sed 's/20250318034705.77aa/never-sent.1@northwind/' "$T/ref.eml" > "$T/ref-forged.eml"
is "$(decided "$T/ref-forged.eml" "$T/conf-v2")" "backscatter proof sent_ledger None None" \
    "a named Message-ID the complete ledger never recorded: proof, backscatter"
unset BACKSCATTER_NOW

# An auto-reply from someone we wrote to, answering a Message-ID no ledger
# can hold ("<spam1>": no @; one with a space): it names a Message-ID all
# the same, the bot's, so "it names none, and we wrote to them" is not
# proof of ours (it was: a malformed ID escaped the lookup unseen)
printf 'my_domain northwind.example\nsent_ledger %s\nsent_ledger_complete yes\n' "$T/v3.db" > "$T/conf-v3"
printf 'From: alice@northwind.example\nTo: Heidi <heidi@partner.example>\nSubject: contract\nMessage-ID: <real.1@northwind.example>\n\nhi\n' |
    bs --config "$T/conf-v3" --record-sent
for id in '<spam1>' '<spam 1@botnet.example>'; do
	sed "s/<CAF+q1xyzQ7@mail.gmail.com>/$id/" "$d/autoreply-answers-gmail-id.eml" > "$T/malformed.eml"
	holds "an auto-reply from a correspondent answering $id: not proof of ours" \
	    '[ "$(bs_json "j[\"decided_by\"][\"class\"]" "$T/malformed.eml" --config "$T/conf-v3")" = heuristic ]'
done
sed -e '/^In-Reply-To:/d' -e '/^References:/d' "$d/autoreply-answers-gmail-id.eml" > "$T/noid.eml"
is "$(decided "$T/noid.eml" "$T/conf-v3")" "ok proof correspondents None yes" \
    "... one that names no Message-ID at all: proof, we wrote to her"

done_testing
