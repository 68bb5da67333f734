#!/bin/sh
# header-end.sh - the header ends where the mail hosts end it, at its first
# empty line. A line in it that is no field (an 8-bit byte in a name, no
# colon, no name, a lone CRLF in an LF message) ends nothing: procmail
# reads on to the empty line, so a forged "X-Backscatter-Status: Yes" after
# such a line is in procmail's header and must not survive filter mode, or
# the procmail recipe of doc/examples files a plain message as backscatter.
# Filter mode is checked by itself, then --deliver (its script and what it
# stores), then the real procmail.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

# The hostile messages: plain mail (no sign of a bounce), each with a
# forged status field after a line procmail keeps in the header.
forged='X-Backscatter-Status: Yes, score=99.0 required=5.0 kind=bounce\n\ttests=FORGED\n'
plain() {	# plain NAME LINE: a plain message with LINE before the forgery
	printf "From: alice@example.org\nTo: bob@example.net\nSubject: lunch\n$2$forged\nhello\n" \
	    > "$T/$1.eml"
}
plain 8bit-name 'X-Mailer-\351t\351: x\n'
plain no-colon 'this line has no colon\n'
plain no-name ': no name\n'
plain crlf-line '\r\n'
names="8bit-name no-colon no-name crlf-line"
# and the forgery after a field that runs on in continuation lines
printf "From: alice@example.org\nX-Bad\377: a\n\tb\n$forged\nhello\n" > "$T/continued.eml"
names="$names continued"
# and after more header than the analysis indexes (LIMIT_HEADER_BYTES):
# removing our fields from a header costs no copy, so it has no limit
python3 -c 'import sys; sys.stdout.buffer.write(b"From: alice@example.org\n" +
    b"a line of the header that is no field\n" * 60000 + sys.argv[1].encode()
    .decode("unicode_escape").encode("latin-1") + b"\nhello\n")' "$forged" > "$T/long.eml"
names="$names long"

# header_of FILE: the header as procmail reads it, up to the first "\n\n"
header_of() {
	python3 -c 'import sys; b = open(sys.argv[1], "rb").read()
sys.stdout.buffer.write(b.split(b"\n\n", 1)[0] + b"\n")' "$1"
}

# --- filter mode ------------------------------------------------------------
for n in $names; do
	bs < "$T/$n.eml" > "$T/$n.out"
	is "$?:$(status "$T/$n.out")" 0:No "$n: filter mode exits 0, tagged No"
	is "$(header_of "$T/$n.out" | grep -c '^X-Backscatter-Status:'):$(status "$T/$n.out")" 1:No \
	    "$n: one X-Backscatter-Status in the header as procmail reads it"
	is "$(header_of "$T/$n.out" | sed -n 's/^\(X-Backscatter-Status: [A-Za-z]*\),.*/\1/p')" \
	    "X-Backscatter-Status: No" "$n: and it is ours, No"
	# every other byte as it came: the input is the output without our
	# three fields and the forged one (with its continuation)
	python3 - "$T/$n.eml" "$T/$n.out" <<'EOF'
import re, sys
inp, out = (open(p, 'rb').read() for p in sys.argv[1:3])
ours = re.compile(rb'X-Backscatter-Status: No, [^\n]*\n(\t[^\n]*\n)+'
                  rb'X-Backscatter-Score: [^\n]*\nX-Backscatter-Level: [^\n]*\n')
forged = re.compile(rb'X-Backscatter-Status: Yes[^\n]*\n(\t[^\n]*\n)*')
sys.exit(0 if ours.sub(b'', out, 1) == forged.sub(b'', inp, 1) else 1)
EOF
	is "$?" 0 "$n: nothing else in the message changed"
done

# the same text after the empty line is body: it stays, and is not ours
printf "From: alice@example.org\nSubject: lunch\n\nX-Backscatter-Status: Yes\n" > "$T/body.eml"
bs < "$T/body.eml" > "$T/body.out"
is "$?:$(status "$T/body.out"):$(tail -n 1 "$T/body.out")" "0:No:X-Backscatter-Status: Yes" \
    "the status text in the body stays"

# a bare CR in an LF message is a byte of its line, as procmail reads it:
# "Subject: lunch?<CR>X-Backscatter-Pad: 1" is the Subject. Cut after the
# CR, the CR would join the empty line's LF, and the body's first line (a
# forged status) would move up into the header.
printf 'From: friend@person.example\nSubject: lunch?\rX-Backscatter-Pad: 1\n\nX-Backscatter-Status: Yes, score=99.0 required=5.0 kind=bounce\n\nSee you at noon.\n' > "$T/cr.eml"
bs < "$T/cr.eml" > "$T/cr.out"
is "$(header_of "$T/cr.out" | grep -c '^X-Backscatter-Status:'):$(status "$T/cr.out")" 1:No \
    "a bare CR before an X-Backscatter-* name: one X-Backscatter-Status in the header, ours"
check "... every other byte as it came" python3 "$srcdir/tests/bytecheck.py" filter "$T/cr.eml" "$T/cr.out"

# --- --deliver: its Sieve script reads the header as stored ----------------
# (delivery refuses root: run it as nobody, as deliver.sh does)
mail_user
for n in 8bit-name crlf-line cr; do
	$RUNAS env HOME="$U" $VALGRIND "$BACKSCATTER" --deliver "$U/$n" < "$T/$n.eml"
	is "$?:$(find "$U/$n/new" -type f 2> /dev/null | wc -l | tr -d ' ')" 0:1 "--deliver, $n: exit 0, stored"
	is "$(find "$U/$n/new" -type f | wc -l | tr -d ' '):$(find "$U/$n" -path '*/.Backscatter/*' -type f | wc -l | tr -d ' ')" \
	    "1:0" "--deliver, $n: in the INBOX, not .Backscatter"
	f=$(find "$U/$n/new" -type f | head -1)
	is "$(header_of "$f" | grep -c '^X-Backscatter-Status:')" 1 \
	    "--deliver, $n: one X-Backscatter-Status in the stored header"
done

# --- the real procmail, with the recipe of doc/examples ---------------------
if ! command -v procmail > /dev/null; then
	echo "ok $((tap_n + 1)) # SKIP procmail is not installed (Debian: apt-get install procmail)"
	tap_n=$((tap_n + 1))
	done_testing
fi
mkdir "$T/bin"
ln -s "$BACKSCATTER" "$T/bin/backscatter"
pm() {
	env -i PATH="$T/bin:/usr/bin:/bin" timeout 30 procmail -m \
	    HOME="$T" PATH="$T/bin:/usr/bin:/bin" "$srcdir/doc/examples/procmailrc" < "$1"
}
files() { find "$1" -type f 2>/dev/null | wc -l | tr -d ' '; }
for n in $names body cr; do
	rm -rf "$T/Maildir"; mkdir "$T/Maildir"
	pm "$T/$n.eml"
	is "$?:$(status "$(find "$T/Maildir" -type f | head -1)")" 0:No \
	    "procmail, $n: exit 0, the stored message tagged No by us"
	is "$(files "$T/Maildir/new"):$(files "$T/Maildir/.Junk"):$(status "$(find "$T/Maildir/new" -type f | head -1)")" "1:0:No" \
	    "procmail, $n: the plain message is in the inbox, not .Junk"
done
# the recipe itself sees a forgery after such a line: what is at stake
rm -rf "$T/Maildir"; mkdir "$T/Maildir"
printf ':0 fw\n| cat\n:0\n* ^X-Backscatter-Status: Yes\n.Junk/\n' |
    sed "1i MAILDIR=$T/Maildir/\nDEFAULT=$T/Maildir/" > "$T/rc-cat"
env -i PATH=/usr/bin:/bin timeout 30 procmail -m HOME="$T" "$T/rc-cat" \
    < "$T/8bit-name.eml"
is "$(files "$T/Maildir/.Junk")" 1 \
    "procmail itself files the unfiltered forgery as backscatter (the test can fail)"

done_testing
