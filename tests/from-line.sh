#!/bin/sh
# from-line.sh - the first line of a message is an mbox From_ line only
# when it is one ("From ", the sender and a date, as mbox readers decide):
# "From : alice@example.org" (RFC 822's obsolete WSP before the colon) is
# the From field. It is analysed as the From, and --deliver stores it,
# in a Maildir as it came and in an mbox quoted like every line that
# starts "From ". A From_ line (or a header) that ends the input without
# a line end still makes a well-formed stored message.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

mail_user
# a copy the mail user can run, whatever the build tree's modes
[ -z "$RUNAS" ] || { cp "$BACKSCATTER" "$T/backscatter" && BACKSCATTER=$T/backscatter; }
d() {
	$RUNAS env -u SENDER -u RECIPIENT -u ORIGINAL_RECIPIENT \
	    -u ORIG_RECIPIENT HOME="$U" $VALGRIND "$BACKSCATTER" "$@"
}
# stored DIR: the one file in DIR/new
stored() { cat "$1"/new/* 2>/dev/null; }

printf 'From : alice@example.org\nTo: bob@example.net\nSubject: obsolete syntax\n\nhello\n' > "$T/obs.eml"

# --- the analysis sees the From ---------------------------------------------
# A bounce that says little is known by its From (MAILER-DAEMON): the same
# message with "From :" first must read the same as with "From:" first.
printf 'From: MAILER-DAEMON@mx.example.net\nSubject: Delivery Status Notification (Failure)\n\nYour message could not be delivered.\n' > "$T/colon.eml"
sed '1s/^From:/From :/' "$T/colon.eml" > "$T/wsp.eml"
is "$(bs_json 'j["kind"]' "$T/colon.eml")" bounce \
    "a bounce known by its From MAILER-DAEMON: kind bounce"
is "$(bs_json 'j["kind"]' "$T/wsp.eml")" bounce \
    "... the same with \"From :\" first: the analysis sees the From"

# --- --deliver keeps it -----------------------------------------------------
d --deliver "$U/M1" < "$T/obs.eml"
is "$?:$(stored "$U/M1" | grep -c '^From : alice@example.org$')" 0:1 \
    "Maildir: \"From : alice@example.org\" is stored"
is "$(stored "$U/M1" | head -n 1 | cut -c1-21)" "X-Backscatter-Status:" \
    "Maildir: our fields come first, before it"

MB=$U/mbox
d --deliver "mbox:$MB" < "$T/obs.eml"
is "$?:$(grep -c '^>From : alice@example.org$' "$MB" 2>/dev/null)" 0:1 \
    "mbox: the field is stored, quoted as every line starting \"From \""
is "$(grep -c '^From ' "$MB")" 1 "mbox: one message, one From_ line (ours)"

# --- a From_ line or a header that ends without a line end -------------------
printf 'From MAILER-DAEMON Mon Mar  3 10:15:02 2025' > "$T/bare.eml"
d --deliver "$U/M2" < "$T/bare.eml"
is "$?:$(stored "$U/M2" | head -n 1 | cut -c1-21)" "0:X-Backscatter-Status:" \
    "Maildir: a From_ line without a line end is not stored, our fields are"
holds "Maildir: ... the stored header ends with a line end" \
    '[ "$(stored "$U/M2" | tail -c 1 | od -An -c | tr -d " ")" = "\\n" ]'
bs_run "$T/bare.eml"
is "$rc:$(head -n 1 "$T/stdout"):$(sed -n 2p "$T/stdout" | cut -c1-21)" \
    "0:From MAILER-DAEMON Mon Mar  3 10:15:02 2025:X-Backscatter-Status:" \
    "filter: the From_ line keeps its own line, and our fields start the next one"

printf 'From: a@b.example\nSubject: no line end' > "$T/hdr.eml"
d --deliver "mbox:$U/mbox2" < "$T/hdr.eml"
is "$?:$(grep -c '^Subject: no line end$' "$U/mbox2")" 0:1 \
    "mbox: a header's last line without a line end is a line of its own"
d --deliver "mbox:$U/mbox2" < "$T/obs.eml"
is "$?:$(grep -c '^From ' "$U/mbox2")" 0:2 "mbox: the next message is a message of its own"

# --- --scan: a file that starts "From :" is a message, not an mbox -------------
mkdir "$T/scan"
cp "$T/obs.eml" "$T/scan/msg"
bs_run - --scan "$T/scan/msg" < /dev/null
holds "--scan of a file starting \"From :\": exit 0, read as a message file, not an mbox" \
    '[ "$rc" = 0 ] && grep -q "msg\$" "$T/stdout" && ! grep -q "msg#" "$T/stdout"'
done_testing
