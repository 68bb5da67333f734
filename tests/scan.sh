#!/bin/sh
# scan.sh - --scan over Maildirs (with sub-folders) and mbox files: one
# line per message with the same verdict as a run on that message alone,
# --summary, --move-to moving backscatter within the Maildir without
# losing anything, progress only on a terminal, and the exit codes.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

export HOME=$T/home
mkdir -p "$HOME"
unset RECIPIENT ORIG_RECIPIENT ORIGINAL_RECIPIENT BACKSCATTER_NOW
bad=$srcdir/examples/bounce-backscatter.eml
good=$srcdir/examples/bounce-legit.eml
plain=$srcdir/tests/data/scan/plain.eml
a=$srcdir/tests/data/anatomy
md=$T/Maildir
for f in "" .Archive .Archive.2024 Nested/Deeper; do
	mkdir -p "$md/$f/cur" "$md/$f/new" "$md/$f/tmp"
done
cp "$bad" "$md/cur/1.host:2,S"
cp "$good" "$md/cur/2.host:2,S"
cp "$plain" "$md/new/3.host"
cp "$bad" "$md/.Archive/new/4.host"
cp "$a/notice-virus.eml" "$md/.Archive/cur/5.host:2,"
cp "$a/autoreply-rfc3834.eml" "$md/.Archive.2024/cur/6.host:2,S"
cp "$a/challenge-tmda.eml" "$md/Nested/Deeper/cur/7.host:2,S"
printf 'x\n' > "$md/dovecot-uidlist"
mbox=$T/old.mbox
for f in "$bad" "$plain" "$good"; do
	printf 'From MAILER-DAEMON Tue Mar 18 02:47:13 2025\n'
	cat "$f"
	printf '\n'
done > "$mbox"
conf=$T/conf
printf 'my_domain northwind.example\n' > "$conf"

# running PID: PID has not ended (a child that ended is a zombie until
# waited for, and kill -0 still finds it)
running() {
	{ read -r c comm state rest < "/proc/$1/stat"; } 2> /dev/null && [ "$state" != Z ]
}

# children_of PID [STATE]: the processes PID started (in STATE, e.g. Z)
children_of() {
	for f in /proc/[0-9]*/stat; do
		{ read -r c comm state ppid rest < "$f"; } 2> /dev/null || continue
		if [ "$ppid" = "$1" ] && [ -z "$2" -o "$state" = "$2" ]; then
			echo "$c"
		fi
	done
}

# held_maildir DIR: a Maildir whose cur/ holds 600 messages named to come
# first: more lines than a pipe holds, which keep a scan waiting to write
# while its worker, done, waits to be reaped
held_maildir() {
	mkdir -p "$1/cur" "$1/new" "$1/tmp"
	awk 'BEGIN { for (i = 0; i < 600; i++) print "Subject: " i }' |
	    (cd "$1/cur" && split -a 3 -l 1 - "a$(printf '%0200d' 0).")
}

# held_scan STATE ARG...: --scan --jobs 1 ARG... writing into the fifo
# $T/lines, open on fd 3 for the caller to read; back once the scan's
# worker is in STATE (Z: done, waiting to be reaped; "": there at all) or
# the scan has ended. $pid is the scan's.
held_scan() {
	_state=$1
	shift
	[ -p "$T/lines" ] || mkfifo "$T/lines"
	"$BACKSCATTER" --config "$conf" --scan --jobs 1 "$@" > "$T/lines" \
	    2> "$T/err" &
	pid=$!
	exec 3< "$T/lines"
	i=0
	while [ $i -lt 600 ] && [ -z "$(children_of "$pid" "$_state")" ] &&
	    running "$pid"; do
		sleep 0.1
		i=$((i + 1))
	done
}

bs --config "$conf" --scan "$md" "$mbox" > "$T/out" 2> "$T/err"
is "$?:$(wc -l < "$T/out" | tr -d ' ')" 0:10 \
    "--scan: 0, one line per message: 7 in the Maildir, 3 in the mbox"
# lines N: $T/out has N lines (what follows is about a scan that ran)
lines() { [ "$(wc -l < "$T/out" | tr -d ' ')" = "$1" ]; }
holds "no progress on stderr when it is not a terminal" 'lines 10 && ! [ -s "$T/err" ]'
holds "the dovecot-uidlist file is not mail" 'lines 10 && ! grep -q uidlist "$T/out"'
check "mbox messages are named path#n" grep -q "old.mbox#3\$" "$T/out"

# every line agrees with a run on the message alone
diff=0 same=0
while IFS="$(printf '\t')" read verdict score kind reason path; do
	case $path in
	*'#'*) continue;;
	esac
	bs --config "$conf" --test < "$path"
	case $?$verdict in
	0backscatter|1ok) same=$((same + 1)) ;;
	*) diff=$((diff + 1)); diag "differs: $path";;
	esac
done < "$T/out"
is "$diff:$same" 0:7 "the same verdicts as per-message --test (the 7 Maildir messages)"
is "$(grep -c '^backscatter' "$T/out")" 5 "5 backscatter (2 bounces, notice, challenge, mbox bounce)"
is "$(grep 'old.mbox#1' "$T/out" | cut -f1)" backscatter "the mbox's backscatter bounce"
is "$(grep 'old.mbox#3' "$T/out" | cut -f1)" ok "the mbox's legitimate bounce"
bs_run - --config "$conf" --scan --jobs 1 "$md" "$mbox" < /dev/null
holds "one worker gives the same lines in the same order" \
    '[ "$rc" = 0 ] && lines 10 && cmp -s "$T/stdout" "$T/out"'

bs --config "$conf" --scan --summary "$md" "$mbox" > "$T/sum"
is "$?:$(grep -c '^messages: 10 in' "$T/sum")" 0:1 "--summary: 0, the message count"
check "--summary: bounces by verdict" grep -Eq '^bounce +3 +2$' "$T/sum"
check "--summary: total" grep -Eq '^total +5 +5$' "$T/sum"
check "--summary: top formats" grep -q 'backscatter by format' "$T/sum"

# --summary is the same whichever worker answers first: kinds by name,
# equal counts by name
order=$T/order
mkdir -p "$order/cur" "$order/new" "$order/tmp"
i=10
while [ $i -lt 20 ]; do
	ln "$plain" "$order/cur/a$i:2,S"
	ln "$a/notice-virus.eml" "$order/cur/b$i:2,S"
	ln "$bad" "$order/cur/c$i:2,S"
	ln "$a/autoreply-rfc3834.eml" "$order/cur/d$i:2,S"
	i=$((i + 1))
done
bs --config "$conf" --scan --summary --jobs 4 "$order" > "$T/sum"
is "$(awk '/^kind/ { on = 1; next } /^total/ { on = 0 } on { printf "%s ", $1 }' "$T/sum")" \
    "autoreply bounce none notice " "--summary: kinds by name"
is "$(awk '/^backscatter by reason/ { on = 1; next } on { printf "%s ", $1 }' "$T/sum")" \
    "spamdetected virusdetected " "--summary: equal counts by name"

# --move-to: backscatter moves to .Backscatter, by link and unlink
before=$(find "$md" -type f | wc -l)
bs --config "$conf" --scan --move-to Backscatter "$md" > "$T/moved"
is "$?:$(find "$md/.Backscatter" -type f ! -name maildirfolder 2>/dev/null | wc -l | tr -d ' ')" 0:4 "--move-to: 0, 4 messages moved"
is "$(find "$md/.Backscatter" -type f ! -name maildirfolder 2>/dev/null | wc -l | tr -d ' '):$(find "$md" -type f ! -name maildirfolder | wc -l)" \
    "4:$before" "no message lost or copied"
check "the folder made is a Maildir++ folder (its maildirfolder file, as --deliver makes)" \
    test -f "$md/.Backscatter/maildirfolder"
check "cur/ stays cur/" test -f "$md/.Backscatter/cur/1.host:2,S"
check "new/ stays new/" test -f "$md/.Backscatter/new/4.host"
holds "the legitimate bounce stays" \
    'test -f "$md/.Backscatter/cur/1.host:2,S" && test -f "$md/cur/2.host:2,S"'
check "the line says where it went" grep -q "moved to $md/.Backscatter/cur/1.host:2,S" "$T/moved"
bs --config "$conf" --scan --move-to Backscatter "$md" > "$T/again"
is "$?:$(wc -l < "$T/again" | tr -d ' '):$(grep -c '^backscatter' "$T/again")" 0:3:0 \
    "a second run: the folder moved to is not scanned (3 messages left, none backscatter)"
# an interrupted move (linked, not yet unlinked) completes without loss
cp "$bad" "$md/cur/8.host:2,S"
ln "$md/cur/8.host:2,S" "$md/.Backscatter/cur/8.host:2,S"
bs --config "$conf" --scan --move-to Backscatter "$md" > /dev/null
rc=$?
holds "an interrupted move finishes (exit $rc)" \
    '[ "$rc" = 0 ] && test ! -e "$md/cur/8.host:2,S" && test -f "$md/.Backscatter/cur/8.host:2,S"'
# another message under the same name there: this one is not dropped
cp "$bad" "$md/cur/9.host:2,S"
printf 'From: x@y\nSubject: other\n\nanother message\n' > "$md/.Backscatter/cur/9.host:2,S"
bs_run - --config "$conf" --scan --move-to Backscatter "$md" < /dev/null
holds "a name taken by another file: 1, says so, the message stays where it was" \
    '[ "$rc" = 1 ] && grep -q "$md/cur/9.host:2,S: not moved: another file has its name there" "$T/stderr" &&
     cmp -s "$bad" "$md/cur/9.host:2,S"'
holds "... and the other file is untouched" \
    '[ "$rc" = 1 ] && grep -q "another file has its name there" "$T/stderr" &&
     grep -q "^another message\$" "$md/.Backscatter/cur/9.host:2,S"'

# --move-to moves the file judged, never one put under its name since.
# More lines than a pipe holds keep the scan waiting to write while its
# worker, done, waits to be reaped: then the last message is replaced.
race=$T/race
held_maildir "$race"
cp "$bad" "$race/cur/z.host:2,S"
held_scan Z --move-to Backscatter "$race"
cp "$plain" "$T/replacement"
mv "$T/replacement" "$race/cur/z.host:2,S"
cat <&3 > "$T/moved"
exec 3<&-
wait "$pid"
rc=$?
said() { grep -q 'z.host:2,S: not moved: the file changed since it was judged$' "$T/err"; }
holds "--move-to, the file replaced after it was judged: 1, and it is said" '[ "$rc" = 1 ] && said'
holds "... the file now under that name is not moved" 'said && cmp -s "$plain" "$race/cur/z.host:2,S"'
holds "... nothing is in the folder" 'said && test ! -e "$race/.Backscatter/cur/z.host:2,S"'
is "$(wc -l < "$T/moved" | tr -d ' ')" 601 "... every message reported"

# a worker that dies: the scan says so and answers 2, what was judged is
# reported and every message left is named. More lines than the pipes
# hold keep the worker from finishing before it is killed.
awk 'BEGIN { for (i = 0; i < 20000; i++)
    printf "From a@b.example Tue Mar 18 02:47:13 2025\nSubject: %d\n\n", i }' \
    > "$T/many.mbox"
held_scan "" "$T/many.mbox"
worker=$(children_of "$pid")
[ -z "$worker" ] || kill -9 $worker
cat <&3 > "$T/out"
exec 3<&-
wait "$pid"
is "$?" 2 "a worker killed: 2"
check "... and said" grep -q '^backscatter: worker 1: killed by signal 9' "$T/err"
is "$(($(wc -l < "$T/out") + $(grep -c ': not judged$' "$T/err")))" 20000 \
    "... every message either reported or named as not judged"
check "... some of them judged" test -s "$T/out"

# at most 64 workers, however many are asked for (625 blocks of 32 here)
bs --config "$conf" --scan --summary --jobs 1000 "$T/many.mbox" > "$T/sum"
rc=$?
holds "--jobs 1000 over 20,000 messages: 0, every message judged" \
    '[ "$rc" = 0 ] && grep -q "^messages: 20000 in" "$T/sum"'

# a message a mail reader moves from new/ to cur/ (its name given ":2,"
# and flags) while the scan runs is judged there, under its name now, as
# Maildir readers find it (it was "No such file", not judged, 1). The
# mbox before it keeps the worker from reaching it (the lines wait in
# full pipes) until it has been moved.
rn=$T/renamed
mkdir -p "$rn/cur" "$rn/new" "$rn/tmp"
cp "$bad" "$rn/new/1.host"
held_scan "" "$T/many.mbox" "$rn"
mv "$rn/new/1.host" "$rn/cur/1.host:2,S"
cat <&3 > "$T/out"
exec 3<&-
wait "$pid"
is "$?:$(tail -n 1 "$T/out" | cut -f1,5):$(wc -c < "$T/err" | tr -d ' ')" \
    "0:backscatter	$rn/cur/1.host:2,S:0" \
    "a message moved from new/ to cur/ by a mail reader during the scan: 0, judged under its new name, nothing said"
# ... and one moved so after it was judged, before --move-to came to it:
# moved from where it is now (it was "the file changed since it was
# judged", 1). More lines than a pipe holds keep the scan waiting to
# write while its worker, done, waits to be reaped.
rn=$T/renamed2
held_maildir "$rn"
cp "$bad" "$rn/new/z.host"
held_scan Z --move-to Backscatter "$rn"
mv "$rn/new/z.host" "$rn/cur/z.host:2,RS"
cat <&3 > "$T/out"
exec 3<&-
wait "$pid"
is "$?:$(tail -n 1 "$T/out" | cut -f5,6)" \
    "0:$rn/cur/z.host:2,RS	moved to $rn/.Backscatter/cur/z.host:2,RS" \
    "a message moved to cur/ by a mail reader after it was judged: 0, --move-to moves it from there, to cur/"

# progress: only on a terminal
if command -v script > /dev/null 2>&1; then
	script -qec "'$BACKSCATTER' --config '$conf' --scan --summary '$md' > /dev/null" /dev/null > "$T/tty" 2>&1
	check "progress on a terminal: done/total, rate, ETA" grep -q '/[0-9]* *[0-9]* msg/s *ETA' "$T/tty"
fi

# folder links: followed, and each folder read once however it is reached
loop=$T/loop
shared=$T/shared
for f in "$loop" "$loop/.Archive" "$loop/Nested" "$shared"; do
	mkdir -p "$f/cur" "$f/new" "$f/tmp"
done
cp "$bad" "$loop/cur/1.host:2,S"
cp "$plain" "$loop/.Archive/cur/2.host:2,S"
cp "$good" "$loop/Nested/new/3.host"
cp "$a/notice-virus.eml" "$shared/cur/4.host:2,S"
cp "$plain" "$loop/tmp/5.host"
ln -s . "$loop/.Loop"
ln -s .. "$loop/Nested/up"
ln -s "$loop" "$loop/Nested/again"
ln -s "$loop/tmp" "$loop/.Tmp"
ln -s "$shared" "$loop/.Shared"
timeout 60 "$BACKSCATTER" --config "$conf" --scan "$loop" "$loop/.Archive" \
    "$shared" > "$T/out" 2> "$T/err"
is "$?:$(wc -l < "$T/out" | tr -d ' ')" 0:4 \
    "folder links in loops, a linked Maildir, a path given twice: 0, in time, each message once"
check "the message of a Maildir linked as a folder is judged" grep -q '/4.host:2,S$' "$T/out"
holds "a message being delivered (tmp/) is not read, not even through a link" \
    'grep -q "/4.host:2,S\$" "$T/out" && ! grep -q 5.host "$T/out"'
holds "nothing said on stderr" '[ -s "$T/out" ] && [ ! -s "$T/err" ]'

# folders are followed 16 deep below a path given; what lies deeper is
# named, not read
deep=$T/deep
f=$deep
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17; do
	f=$f/$i
	mkdir -p "$f/cur" "$f/new" "$f/tmp"
	cp "$plain" "$f/cur/$i.host:2,S"
done
ln -s "$deep/1" "$deep/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/up"
bs --config "$conf" --scan "$deep" > "$T/out" 2> "$T/err"
is "$?:$(wc -l < "$T/out" | tr -d ' ')" 1:16 "folders 17 deep: 1, the messages of the 16 folders above judged"
check "... the 17th named" grep -q '/16/17: not scanned: deeper than 16 folders$' "$T/err"
is "$(wc -l < "$T/err" | tr -d ' ')" 1 "... and nothing else: a link up to a folder listed is not"

# what is not a regular file among the messages: named, never read
mkfifo "$loop/cur/6.host:2,S"
ln -s 1.host:2,S "$loop/cur/7.host:2,S"
timeout 60 "$BACKSCATTER" --config "$conf" --scan "$loop" > "$T/out" 2> "$T/err"
is "$?:$(wc -l < "$T/out" | tr -d ' ')" 1:4 "a FIFO and a link among the messages: 1, in time, the other messages judged"
check "... the FIFO named, not read" grep -q '6.host:2,S: not a regular file$' "$T/err"
check "... the link named, not followed" grep -q '7.host:2,S: a symbolic link, not followed$' "$T/err"
rm "$loop/cur/6.host:2,S" "$loop/cur/7.host:2,S"
mkfifo "$T/fifo"
timeout 60 "$BACKSCATTER" --config "$conf" --scan "$T/fifo" "$md" > "$T/out" 2> "$T/err"
rc=$?
holds "a FIFO as a path: 1, in time, named" \
    '[ "$rc" = 1 ] && grep -q "fifo: not a folder, an mbox or a message file\$" "$T/err"'
check "... the other path scanned" test -s "$T/out"
cp "$good" "$T/good.eml"
ln -s good.eml "$T/linked.eml"
bs --config "$conf" --scan "$T/linked.eml" > "$T/out"
is "$?:$(cut -f1 "$T/out")" 0:ok "a link to a message file given as a path: 0, the message it links to judged"

# an mbox cut short after it was listed: the messages no longer there are
# named, the others judged, and the scan goes on. Listing goes on to
# write more errors than a pipe holds, so it waits, the mbox listed,
# until the test has cut the mbox and reads on.
cut=$T/cut.mbox
cp "$mbox" "$cut"
size=$(wc -c < "$cut")
missing=$T
while [ ${#missing} -lt 3800 ]; do missing=$missing/no-such-folder; done
set --
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24; do
	set -- "$@" "$missing"
done
mkfifo "$T/errors"
"$BACKSCATTER" --config "$conf" --scan --jobs 1 "$cut" "$@" "$md" \
    > "$T/out" 2> "$T/errors" &
pid=$!
exec 3< "$T/errors"
read -r first <&3
truncate -s $((size / 2)) "$cut"
cat <&3 > "$T/err"
exec 3<&-
wait "$pid"
rc=$?
holds "an mbox cut short after it was listed: 1, its first message judged" \
    '[ "$rc" = 1 ] && grep -q "cut.mbox#1\$" "$T/out"'
check "... the second named" grep -q 'cut.mbox#2: the mbox changed since it was listed$' "$T/err"
check "... the third named" grep -q 'cut.mbox#3: the mbox changed since it was listed$' "$T/err"
check "... and the scan went on" grep -q '/cur/2.host:2,S$' "$T/out"
set --

# a file name cannot forge a line or a field: control bytes and the
# backslash are escaped, on stdout and on stderr
esc=$T/esc
mkdir -p "$esc/cur" "$esc/new" "$esc/tmp"
cp "$plain" "$esc/cur/$(printf 'evil\nbackscatter\t99.0\tbounce\t-\tforged\\\033[0m')"
mkfifo "$esc/cur/$(printf 'fifo\nbackscatter: forged')"
bs --config "$conf" --scan "$esc" > "$T/out" 2> "$T/err"
is "$?:$(wc -l < "$T/out" | tr -d ' ')" 1:1 "names with control bytes (one a FIFO): 1, one line for the message"
is "$(cut -f5 "$T/out")" "$esc/cur/evil\\nbackscatter\\t99.0\\tbounce\\t-\\tforged\\\\\\033[0m" \
    "... its newline, tabs, backslash and escape written as \\n, \\t, \\\\ and \\033"
is "$(wc -l < "$T/err" | tr -d ' ')" 1 "... one line on stderr for the FIFO"
check "... its name escaped there too" grep -q 'fifo\\nbackscatter: forged: not a regular file$' "$T/err"

bs_run - --config "$conf" --scan "$T/nonexistent" "$mbox" < /dev/null
is "$rc:$(grep -c "$T/nonexistent: " "$T/stderr"):$(wc -l < "$T/stdout" | tr -d ' ')" 1:1:3 \
    "an unreadable path: 1, named on stderr, the rest still scanned"
bs_run - --config "$conf" --scan < /dev/null
is_rc 64 "--scan without a path: 64"
# a rule that does not compile, a --rules path that is none: 78, said,
# nothing scanned (every verdict would lack the rule)
printf 'body BS_BROKEN /(/\n' > "$T/broken.cf"
bs_run - --config "$conf" --scan --rules "$T/broken.cf" "$mbox" < /dev/null
is "$rc:$(grep -c 'broken.cf:1: BS_BROKEN' "$T/stderr"):$(wc -c < "$T/stdout" | tr -d ' ')" 78:1:0 \
    "--scan with a rule that does not compile: 78, the error said, nothing scanned"
bs_run - --config "$conf" --scan --rules "$T/no-such.cf" "$mbox" < /dev/null
is "$rc:$(grep -c 'no-such.cf' "$T/stderr")" 78:1 "--scan --rules with a path that is none: 78, said"

# --move-to naming the folder a message is in never drops it: an empty
# word is refused, "." and the path of its own folder move nothing
mv=$T/mvself
mkdir -p "$mv/MD/cur" "$mv/MD/new" "$mv/MD/tmp"
cp "$bad" "$mv/MD/cur/1.host:2,S"
bs_run - --config "$conf" --scan --move-to '' "$mv/MD" < /dev/null
is "$rc:$(grep -c 'not an empty word' "$T/stderr")" 64:1 "--move-to '': 64, said"
bs_run - --config "$conf" --scan --move-to . "$mv/MD" < /dev/null
said=$(grep -c 'not moved: --move-to names the folder it is in' "$T/stderr")
is "$rc:$said" 1:1 "--move-to .: 1, the backscatter not moved, said"
holds "... and still there, whole" '[ "$said" = 1 ] && cmp -s "$bad" "$mv/MD/cur/1.host:2,S"'
bs_run - --config "$conf" --scan --move-to "$mv/./MD" "$mv/MD" < /dev/null
said=$(grep -c 'MD: not scanned: it is the folder --move-to names' "$T/stderr")
is "$rc:$said:$(wc -c < "$T/stdout" | tr -d ' ')" 1:1:0 \
    "--move-to the path of the Maildir scanned: 1, said (it was 0, nothing scanned, nothing said)"
holds "... and still there, whole" '[ "$said" = 1 ] && cmp -s "$bad" "$mv/MD/cur/1.host:2,S"'

# a message given by its path and in its Maildir: judged once, either
# order; two names of one file in two Maildirs (a delivery hard-linked
# into each mailbox) are two messages
bs_run - --config "$conf" --scan "$mv/MD" "$mv/MD/cur/1.host:2,S" < /dev/null
is "$rc:$(wc -l < "$T/stdout" | tr -d ' ')" 0:1 "a message file and its Maildir: judged once"
bs_run - --config "$conf" --scan "$mv/MD/cur/1.host:2,S" "$mv/MD" < /dev/null
is "$rc:$(wc -l < "$T/stdout" | tr -d ' ')" 0:1 "... given the other way round: once"
mkdir -p "$mv/MD/.Other/cur" "$mv/MD/.Other/new" "$mv/MD/.Other/tmp"
ln "$mv/MD/cur/1.host:2,S" "$mv/MD/.Other/cur/1.host:2,S"
bs_run - --config "$conf" --scan "$mv/MD" < /dev/null
is "$rc:$(wc -l < "$T/stdout" | tr -d ' ')" 0:2 "one file linked into two Maildir folders: two messages"

# folders and mbox files named cur, new or tmp outside a Maildir are
# scanned like any
pl=$T/plainfolder
mkdir -p "$pl/tmp" "$pl/other"
cp "$plain" "$pl/tmp/a.eml"
cp "$plain" "$pl/other/b.eml"
cp "$mbox" "$pl/new"
bs_run - --config "$conf" --scan "$pl" < /dev/null
is "$rc:$(wc -l < "$T/stdout" | tr -d ' ')" 0:5 "cur, new, tmp in a folder that is no Maildir: scanned (a folder, an mbox of 3)"


# a message file given before its Maildir is the Maildir's message:
# listed once, and moved with the others (it was listed, never moved)
gv=$T/given
mkdir -p "$gv/MD/cur" "$gv/MD/new" "$gv/MD/tmp"
cp "$bad" "$gv/MD/new/1.host"
cp "$good" "$gv/MD/cur/2.host:2,S"
bs_run - --config "$conf" --scan --move-to Backscatter "$gv/MD/new/1.host" \
    "$gv/MD" < /dev/null
is "$rc:$(wc -l < "$T/stdout" | tr -d ' '):$(cd "$gv/MD" && find . -name 1.host)" \
    "0:2:./.Backscatter/new/1.host" \
    "a message file given before its Maildir, --move-to: 0, listed once, moved"
# a link to a Maildir's message given beside the Maildir is that message:
# judged once, either order (the link's own folder was taken for the
# message's, and it was judged twice)
lk=$T/linked
mkdir -p "$lk/MD/cur" "$lk/MD/new" "$lk/MD/tmp"
cp "$good" "$lk/MD/cur/1.host:2,S"
ln -s "$lk/MD/cur/1.host:2,S" "$lk/link-to-msg"
bs_run - --config "$conf" --scan "$lk/link-to-msg" "$lk/MD" < /dev/null
first="$rc:$(wc -l < "$T/stdout" | tr -d ' ')"
bs_run - --config "$conf" --scan "$lk/MD" "$lk/link-to-msg" < /dev/null
is "$first $rc:$(wc -l < "$T/stdout" | tr -d ' ')" "0:1 0:1" \
    "a link to a Maildir's message given beside the Maildir: the message judged once, either order"

# a Maildir's tmp/, cur/ or new/ given itself (or through a link) is read
# as the Maildir's: tmp/, where messages are being delivered, not at all
# (said); cur/'s messages by the Maildir's rules, a link among them not
# followed, backscatter moved within the Maildir (it was read as a plain
# folder, links followed, tmp/ too, nothing moved)
pt=$T/parts
mkdir -p "$pt/MD/cur" "$pt/MD/new" "$pt/MD/tmp" "$pt/elsewhere"
cp "$plain" "$pt/MD/tmp/1.host"
cp "$bad" "$pt/MD/cur/2.host:2,S"
cp "$good" "$pt/elsewhere/x.eml"
ln -s "$pt/elsewhere/x.eml" "$pt/MD/cur/3.host:2,S"
ln -s "$pt/MD/tmp" "$pt/tmp-link"
ln -s "$pt/MD/cur" "$pt/cur-link"
bs_run - --config "$conf" --scan "$pt/MD/tmp" "$pt/tmp-link" < /dev/null
is "$rc:$(wc -c < "$T/stdout" | tr -d ' '):$(grep -c "not scanned: a Maildir's tmp/, where messages are being delivered\$" "$T/stderr")" \
    1:0:2 "a Maildir's tmp/ given, and a link to it: 1, nothing in it read, each named"
bs_run - --config "$conf" --scan "$pt/cur-link" < /dev/null
is "$rc:$(cut -f1,5 "$T/stdout"):$(grep -c '/3.host:2,S: a symbolic link, not followed$' "$T/stderr")" \
    "1:backscatter	$(cd "$pt/MD" && pwd -P)/cur/2.host:2,S:1" \
    "a link to a Maildir's cur/: 1, its message judged by its real path, the link among them named, not followed"
bs_run - --config "$conf" --scan --move-to Backscatter "$pt/MD/cur" < /dev/null
holds "a Maildir's cur/ given, --move-to: its backscatter moved within the Maildir" \
    'test -f "$pt/MD/.Backscatter/cur/2.host:2,S" && test ! -e "$pt/MD/cur/2.host:2,S"'
holds "... and the message of tmp/ is never read: a message file given there is named" \
    'bs_run - --config "$conf" --scan "$pt/MD/tmp/1.host" < /dev/null;
     [ "$rc" = 1 ] && [ ! -s "$T/stdout" ] && grep -q "1.host: not scanned: in a Maildir.s tmp/" "$T/stderr"'

# what lies in a Maildir but is no message: an empty file (no line, not
# an error; --summary counts it), and the files of folders below it that
# are no Maildir (Courier's courierimapkeywords/ holds a file named for
# each message with keywords). They were judged as messages.
nm=$T/notmail
for f in "" .Sub; do
	mkdir -p "$nm/$f/cur" "$nm/$f/new" "$nm/$f/tmp" "$nm/$f/courierimapkeywords"
	printf 'x\n' > "$nm/$f/courierimapuiddb"
	printf 'x\n' > "$nm/$f/dovecot.index.log"
done
cp "$bad" "$nm/cur/1.host:2,S"
: > "$nm/new/2.host"
printf 'Junk\n' > "$nm/courierimapkeywords/1.host"
printf '1\n:list\n' > "$nm/courierimapkeywords/:list"
printf 'Junk\n' > "$nm/.Sub/courierimapkeywords/3.host"
bs_run - --config "$conf" --scan "$nm" < /dev/null
is "$rc:$(grep -c /2.host "$T/stdout"):$(grep -c '/cur/1.host:2,S$' "$T/stdout"):$(wc -c < "$T/stderr" | tr -d ' ')" \
    0:0:1:0 "an empty file in a Maildir's new/: 0, no line for it, nothing said"
is "$(grep -c courierimap "$T/stdout"):$(wc -l < "$T/stdout" | tr -d ' ')" 0:1 \
    "... nor for the files of Courier's courierimapkeywords/: one line, the message's"
bs_run - --config "$conf" --scan --summary "$nm" < /dev/null
holds "--summary: the one message counted, the empty file said skipped" \
    '[ "$rc" = 0 ] && grep -q "^messages: 1 in" "$T/stdout" && grep -q "^empty files skipped: 1\$" "$T/stdout"'


# SCAN_ITEMS_MAX: the program built with the limit at 5 (twenty million
# messages are not made here). Past it the rest is named and skipped,
# exit 1; the five listed are judged.
scanmax=${BACKSCATTER_SCANMAX:-${top_builddir:-$srcdir}/tests/backscatter-scanmax}
if [ -x "$scanmax" ]; then
	lim=$T/limit
	mkdir -p "$lim/cur" "$lim/new" "$lim/tmp"
	for i in 1 2 3 4 5 6 7 8; do cp "$plain" "$lim/cur/$i.host:2,S"; done
	$VALGRIND "$scanmax" --scan "$lim" > "$T/stdout" 2> "$T/stderr"; rc=$?
	is "$rc:$(wc -l < "$T/stdout" | tr -d ' '):$(cut -f1 "$T/stdout" | sort -u)" 1:5:ok \
	    "more messages than SCAN_ITEMS_MAX (5): 1, five judged"
	is "$(cat "$T/stderr")" \
	    "backscatter: the rest: not scanned: more than 5 messages (SCAN_ITEMS_MAX)" \
	    "... the rest named, once"
	for f in "$plain" "$plain" "$plain" "$plain" "$plain" "$plain" "$plain"; do
		printf 'From someone@example.org Tue Mar 18 02:47:13 2025\n'
		cat "$f"
		printf '\n'
	done > "$T/seven.mbox"
	$VALGRIND "$scanmax" --scan "$lim/cur/1.host:2,S" "$T/seven.mbox" > "$T/stdout" 2> "$T/stderr"; rc=$?
	is "$rc:$(wc -l < "$T/stdout" | tr -d ' '):$(grep -c 'SCAN_ITEMS_MAX' "$T/stderr")" 1:5:1 \
	    "a file and an mbox of 7 past SCAN_ITEMS_MAX (5): 1, five judged, said"
	$VALGRIND "$scanmax" --scan "$lim/cur/1.host:2,S" "$lim/cur/2.host:2,S" "$lim/cur/3.host:2,S" \
	    "$lim/cur/4.host:2,S" "$lim/cur/5.host:2,S" > "$T/stdout" 2> "$T/stderr"; rc=$?
	is "$rc:$(wc -l < "$T/stdout" | tr -d ' '):$(wc -c < "$T/stderr" | tr -d ' ')" 0:5:0 \
	    "exactly SCAN_ITEMS_MAX (5) messages: 0, all judged, nothing said"
else
	ok "# SKIP no tests/backscatter-scanmax (make check builds it)"
fi
# The date of an mbox's From_ line is the time the message arrived (a
# BATV tag's age is counted to it): also as Postfix's local(8) writes it,
# two spaces after the sender (strptime's %a took none there, and the
# clock of the scan was used: a tag valid then, expired now)
unset BACKSCATTER_NOW
cp "$srcdir/tests/data/batv/key0.secret" "$T/k0" && chmod 600 "$T/k0"
printf 'batv_key 0 %s\n' "$T/k0" > "$T/conf-batv"
tag=prvs=07904e8917=alice@northwind.example	# Exim's, made 1 Mar 2024 (tests/batv.sh)
sed -e "s/@DELIVERED@/$tag/g" -e "s/@RETURN_PATH@/$tag/g" "$srcdir/tests/data/batv/bounce.eml.in" > "$T/tagged.eml"
for sp in ' ' '  '; do
	{ printf 'From MAILER-DAEMON%sFri Mar  1 12:00:00 2024\n' "$sp"; cat "$T/tagged.eml"; echo; } > "$T/dated.mbox"
	bs --config "$T/conf-batv" --scan "$T/dated.mbox" > "$T/out" 2> "$T/err"
	is "$?:$(cut -f1,3 "$T/out")" "0:ok	bounce" \
	    "From_ line with ${#sp} space(s) after the sender: its date is the arrival, our tag valid then: ok"
done
# --summary lists every format and reason, not the first ten: the counts
# add up to the lines' (over 10 reasons here)
many="$srcdir/tests/data/mta $srcdir/tests/data/kinds/vendor"
bs --config "$conf" --scan --jobs 1 --required -999 $many < /dev/null |
    awk -F '\t' '$1 == "backscatter" { print $4 }' | sort | uniq -c |
    awk '{ print $2, $1 }' | sort > "$T/want-reasons"
bs --config "$conf" --scan --summary --jobs 1 --required -999 $many < /dev/null |
    sed -n '/^backscatter by reason:/,$p' | sed 1d | awk '{ print $1, $2 }' | sort > "$T/got-reasons"
holds "--summary: every reason of the backscatter ($(wc -l < "$T/got-reasons") of them), each with its count" \
    '[ "$(wc -l < "$T/want-reasons")" -gt 10 ] && cmp -s "$T/want-reasons" "$T/got-reasons"'
# An mbox message is judged as the message it was before it was escaped
# into the mbox: ">From " in its body is "From " again (mboxrd's ">>From "
# loses one '>'), or our DKIM signature on the original it returns reads
# "body changed" where filter mode on the message says "pass"
printf 'my_domain northwind.example\nmy_dkim_key northwind.example test2025 %s\n' \
    "$(cd "$srcdir/tests/data/dkim" && pwd)/test2025.txt" > "$T/conf-dkim"
fb=$srcdir/tests/data/dkim/bounce-from-line.eml
{ echo 'From MAILER-DAEMON Tue Mar 18 02:47:12 2025'; sed 's/^\(>*From \)/>\1/' "$fb"; echo; } > "$T/escaped.mbox"
want=$(bs_json '"%.1f %s" % (j["score"], j["evidence"]["dkim"]["result"])' "$fb" --config "$T/conf-dkim")
bs --config "$T/conf-dkim" --scan "$T/escaped.mbox" > "$T/out" 2> "$T/err"
is "$?:${want#* }:$(cut -f2 "$T/out")" "0:pass:${want% *}" \
    "an mbox's >From line unescaped: judged as filter mode judges the message (our signature passes)"
done_testing
