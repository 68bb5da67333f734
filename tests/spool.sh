#!/bin/sh
# spool.sh - a message through a pipe. One that ends in its first 64 KiB is
# read into memory, and so is a larger report; a larger plain one is held
# in pipes of the program's own (message_spool; tests/pipes.sh tries each
# way), or, with no pipe to be
# had, moved by the kernel into a memory file (memfd_create and splice),
# mapped, and written out by sendfile. Either way filter mode writes byte
# for byte what the same message given as a file gives, and --json says
# the same: at the 64 KiB boundary, for a plain message and a bounce, over
# the size limit (the message unchanged), and when the system fails under
# it (the fault shim: byte-exact, or 75 and the host keeps its copy).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

command -v python3 > /dev/null || skip_all "python3 needed to write the messages"

# gen KIND SIZE FILE: a plain message or a DSN returning an original, of
# SIZE bytes exactly
gen() {
	python3 - "$1" "$2" "$3" <<'PY'
import sys
kind, size, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if kind == "plain":
    head = ("From: Carol Jones <carol@fabrikam.example>\n"
            "To: alice@northwind.example\n"
            "Subject: the minutes of Tuesday's meeting\n"
            "Message-ID: <minutes.4711@fabrikam.example>\n"
            "Date: Tue, 01 Dec 2026 10:00:00 +0100\n\n")
    tail = ""
else:
    head = ("Return-Path: <>\n"
            "From: Mail Delivery System <MAILER-DAEMON@mx.remote.example>\n"
            "To: alice@northwind.example\n"
            "Subject: Undelivered Mail Returned to Sender\n"
            "Message-ID: <20261201.ABCDE@mx.remote.example>\n"
            "MIME-Version: 1.0\n"
            "Content-Type: multipart/report; report-type=delivery-status;"
            " boundary=\"B\"\n\n"
            "--B\nContent-Type: text/plain\n\n"
            "<bob@remote.example>: host mx.remote.example said: 550 5.1.1"
            " unknown user\n\n"
            "--B\nContent-Type: message/delivery-status\n\n"
            "Reporting-MTA: dns; mx.remote.example\n\n"
            "Final-Recipient: rfc822; bob@remote.example\nAction: failed\n"
            "Status: 5.1.1\n\n"
            "--B\nContent-Type: message/rfc822\n\n"
            "From: alice@northwind.example\nTo: bob@remote.example\n"
            "Subject: the offer\n"
            "Message-ID: <offer.1@northwind.example>\n\n")
    tail = "\n--B--\n"
line = "The quick brown fox jumps over the lazy dog, again and again.\n"
n = size - len(head) - len(tail)
body = (line * (n // len(line) + 1))[:n]
if n > 0:
    body = body[:-1] + "\n"
with open(path, "w") as f:
    f.write(head + body + tail)
PY
}

# same NAME FILE [ARGS]: through a pipe as from the file, filter mode and
# --json
same() {
	_name=$1 _f=$2
	shift 2
	bs "$@" < "$_f" > "$T/file.out" 2> /dev/null
	rf=$?
	cat "$_f" | bs "$@" > "$T/pipe.out" 2> /dev/null
	rp=$?
	bs --json < "$_f" > "$T/file.json" 2> /dev/null
	cat "$_f" | bs --json > "$T/pipe.json" 2> /dev/null
	if [ "$rf:$rp" = 0:0 ] && cmp -s "$T/file.out" "$T/pipe.out" &&
	    cmp -s "$T/file.json" "$T/pipe.json" &&
	    grep -q '^X-Backscatter-Status: ' "$T/pipe.out" &&
	    grep -q '^{"kind":' "$T/pipe.json"; then
		ok "$_name: through a pipe as from a file (filter and --json)"
	else
		not_ok "$_name: through a pipe as from a file (filter and --json)"
		diag "exit $rf and $rp; $(wc -c < "$T/file.out") and $(wc -c < "$T/pipe.out") bytes"
	fi
}

for size in 65535 65536 65537 200000 3000000; do
	gen plain $size "$T/plain-$size.eml"
	same "plain, $size bytes" "$T/plain-$size.eml"
done
for size in 65536 200000 3000000; do
	gen dsn $size "$T/dsn-$size.eml"
	same "bounce, $size bytes" "$T/dsn-$size.eml"
done
cat "$T/dsn-3000000.eml" | bs --json > "$T/json" 2> /dev/null
check "... the bounce read from the memory file: its recipient and its original" \
    grep -q '"address":"bob@remote.example".*"message_id":"offer.1@northwind.example"' "$T/json"
cat "$T/plain-3000000.eml" | bs > "$T/out" 2> /dev/null
is "$(grep -c '^X-Backscatter-Status: No' "$T/out"):$(( $(wc -c < "$T/out") > 3000000 ))" 1:1 \
    "a 3 MB plain message through a pipe: our fields, and every byte of it after them"

# over the limit (32 MiB): the first 32 MiB + 1 in the memory file, the
# rest left on the pipe, and the whole message written out unchanged
gen plain 34000000 "$T/over.eml"
cat "$T/over.eml" | bs > "$T/out" 2> /dev/null
is "$?" 0 "34 MB through a pipe (over the limit): exit 0"
check "... written out unchanged, byte for byte" cmp -s "$T/out" "$T/over.eml"
rm -f "$T/over.eml" "$T/out"

# --- when the system fails under it ---------------------------------------------

shim=${FAULTSHIM:-${top_builddir:-$srcdir}/tests/faultshim.so}
if [ -n "$VALGRIND" ] || grep -q __asan_init "$BACKSCATTER" 2>/dev/null ||
    [ ! -f "$shim" ]; then
	diag "fault injection skipped (valgrind, an ASan build, or no $shim)"
	done_testing
fi
# fbs VAR=VALUE... -- ARGS: the binary with the shim and fault variables
fbs() {
	_env=
	while [ "$1" != "--" ]; do _env="$_env $1"; shift; done
	shift
	env LD_PRELOAD="$shim" $_env "$BACKSCATTER_PRELOAD" "$@"
}
f=$T/dsn-200000.eml
bs < "$f" > "$T/want" 2> /dev/null
cat "$f" | fbs FAULT_MEMFD=1 -- > "$T/got" 2> /dev/null
rc=$?
check "no memory file to be had (memfd_create fails): exit 0 (got $rc), a verdict" \
    sh -c "[ $rc = 0 ] && grep -q '^X-Backscatter-Status: ' '$T/got'"
check "... the message read instead, the output the same (with our fields)" \
    sh -c "cmp -s '$T/got' '$T/want' && grep -q '^X-Backscatter-Status: ' '$T/got'"
# (the memory file's way: no pipe of its own to hold a plain message in)
bs < "$T/plain-3000000.eml" > "$T/want3" 2> /dev/null
for e in EINVAL EACCES; do
	cat "$T/plain-3000000.eml" | fbs FAULT_PIPE=1 FAULT_FD=0 FAULT_COPY=1 FAULT_ERRNO=$e -- > "$T/got" 2> /dev/null
	rc=$?
	check "splice from this pipe refused ($e): exit 0 (got $rc), a verdict" \
	    sh -c "[ $rc = 0 ] && grep -q '^X-Backscatter-Status: ' '$T/got'"
	check "... the rest read instead, the output the same (with our fields)" \
	    sh -c "cmp -s '$T/got' '$T/want3' && grep -q '^X-Backscatter-Status: ' '$T/got'"
done
# (the memory file's way, no pipe of its own to hold the message in)
cat "$T/plain-3000000.eml" | fbs FAULT_PIPE=1 FAULT_FD=0 FAULT_COPY=2 -- > "$T/got" 2> "$T/err"
is "$?" 75 "the pipe fails halfway through the splicing: exit 75 (the host keeps its copy)"
check "... and says it could not read the message" grep -q 'reading the message' "$T/err"
cat "$T/plain-3000000.eml" | fbs FAULT_PIPE=1 FAULT_FD=0 FAULT_COPY=2 -- --test > /dev/null 2>&1
is "$?" 2 "--test, the pipe fails while spliced: exit 2, no verdict"
# (a plain message held in pipes of its own, a bounce read into memory at
# once: read from the host's pipe either way)
for k in plain dsn; do
	cat "$T/$k-3000000.eml" | fbs FAULT_FD=0 FAULT_READ_FROM=1000000 -- > "$T/got" 2> "$T/err"
	is "$?" 75 "$k: the pipe fails halfway through: exit 75 (the host keeps its copy)"
	check "... and says it could not read the message" grep -q 'reading the message' "$T/err"
	cat "$T/$k-3000000.eml" | fbs FAULT_FD=0 FAULT_READ_FROM=1000000 -- --test > /dev/null 2>&1
	is "$?" 2 "$k: --test, the pipe fails halfway through: exit 2, no verdict"
done
cat "$f" | fbs FAULT_FD=0 FAULT_READ=1 -- > "$T/got" 2> /dev/null
is "$?" 75 "the first read fails: exit 75"

# over the limit, when the kernel cannot move it: read as before, the
# first 32 MiB + 1 kept and the rest streamed, unchanged
gen plain 34000000 "$T/over.eml"
for how in "no memory file:FAULT_MEMFD=1" \
    "splice refused:FAULT_FD=0 FAULT_COPY=1 FAULT_ERRNO=EINVAL"; do
	cat "$T/over.eml" | fbs ${how#*:} -- > "$T/got" 2> /dev/null
	rc=$?
	check "34 MB through a pipe, ${how%%:*}: exit 0 (got $rc), unchanged" \
	    sh -c "[ $rc = 0 ] && cmp -s '$T/got' '$T/over.eml'"
done
rm -f "$T/over.eml" "$T/got"

# A report of 16 MiB or more from a file is read from its mapping,
# populated past the gate (message_will_read): no read of stdin at all
# (a failing one changes nothing), and through a pipe the same answer
gen dsn 17000000 "$T/dsn-17m.eml"
bs < "$T/dsn-17m.eml" > "$T/want" 2> /dev/null
bs --json < "$T/dsn-17m.eml" > "$T/want.json" 2> /dev/null
check "a 17 MB bounce from a file: its recipient read" \
    grep -q '"address":"bob@remote.example"' "$T/want.json"
fbs FAULT_FD=0 FAULT_READ=1 -- < "$T/dsn-17m.eml" > "$T/got" 2> /dev/null
rc=$?
check "... a read of stdin failing: exit 0 (got $rc), the same output from the mapping" \
    sh -c "[ $rc = 0 ] && cmp -s '$T/got' '$T/want' && grep -q '^X-Backscatter-Status: ' '$T/got'"
fbs FAULT_FD=0 FAULT_READ=1 -- --json < "$T/dsn-17m.eml" > "$T/got.json" 2> /dev/null
check "... and the same reading" sh -c "cmp -s '$T/got.json' '$T/want.json' && grep -q '\"kind\":\"bounce\"' '$T/got.json'"
cat "$T/dsn-17m.eml" | bs > "$T/got" 2> /dev/null
rc=$?
check "... through a pipe (read into memory at once): exit 0 (got $rc), the same output" \
    sh -c "[ $rc = 0 ] && cmp -s '$T/got' '$T/want' && grep -q '^X-Backscatter-Status: ' '$T/got'"
rm -f "$T/dsn-17m.eml"
done_testing
