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

# --move-to: backscatter moves to .Backscatter, by link and unlink
before=$(find "$md" -type f | wc -l)
bs --config "$conf" --scan --move-to Backscatter "$md" > "$T/moved"
is "$?:$(find "$md/.Backscatter" -type f 2>/dev/null | wc -l | tr -d ' ')" 0:4 "--move-to: 0, 4 messages moved"
is "$(find "$md/.Backscatter" -type f 2>/dev/null | wc -l | tr -d ' '):$(find "$md" -type f | wc -l)" \
    "4:$before" "no message lost or copied"
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
    '[ "$rc" = 1 ] && grep -q "moving $md/cur/9.host:2,S: File exists" "$T/stderr" &&
     cmp -s "$bad" "$md/cur/9.host:2,S"'
holds "... and the other file is untouched" \
    '[ "$rc" = 1 ] && grep -q "File exists" "$T/stderr" &&
     grep -q "^another message\$" "$md/.Backscatter/cur/9.host:2,S"'

# progress: only on a terminal
if command -v script > /dev/null 2>&1; then
	script -qec "'$BACKSCATTER' --config '$conf' --scan --summary '$md' > /dev/null" /dev/null > "$T/tty" 2>&1
	check "progress on a terminal: done/total, rate, ETA" grep -q '/[0-9]* *[0-9]* msg/s *ETA' "$T/tty"
fi

bs_run - --config "$conf" --scan "$T/nonexistent" "$mbox" < /dev/null
is "$rc:$(grep -c "$T/nonexistent: " "$T/stderr"):$(wc -l < "$T/stdout" | tr -d ' ')" 1:1:3 \
    "an unreadable path: 1, named on stderr, the rest still scanned"
bs_run - --config "$conf" --scan < /dev/null
is_rc 64 "--scan without a path: 64"

done_testing
