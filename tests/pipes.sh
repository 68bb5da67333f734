#!/bin/sh
# pipes.sh - a message through pipes, as an MTA hands it over, comes out
# as the same message from a file does: filter mode byte for byte, --json
# the same, exit 0; over the limit, unchanged.
#
# Past its first 64 KiB a piped message whose header ends there is held
# in pipes of the program's own (src/read/message.c), unless the gate
# opens on that header: a report is read into memory at once, and its
# body leaves into a pipe by its pages (vmsplice). A longer header, no
# pipe to be had, or pipes the system keeps at 64 KiB, take the memory
# file's way, and no memory file either the way of reading. Each way is
# run here: the real ones, and the failures made by tests/faultshim.so
# (PIPE: pipe2 fails, PIPESZ: F_SETPIPE_SZ fails, MEMFD) on the dynamic
# twin. strace, where there is one, shows which way a message took. The
# held bytes are the program's own copy: a writer that splices its pages
# in and changes them after does not change the message, nor does one
# that vmsplices its buffers and reuses them (a plain message or a report,
# within the limit or past it).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

[ -n "$VALGRIND" ] && skip_all "messages of megabytes through pipes: not under valgrind"
shim=${top_builddir:-$srcdir}/tests/faultshim.so

python3 - "$T" <<'PY'
import base64, random, sys
t = sys.argv[1]
rnd = random.Random(13)

def blob(n):
    return base64.encodebytes(bytes(rnd.getrandbits(8) for _ in range(n * 3 // 4)))[:n]

def plain(name, size, header_extra=b""):
    h = (b"Return-Path: <carol@fabrikam.example>\n"
         b"From: Carol <carol@fabrikam.example>\nTo: alice@northwind.example\n"
         b"Subject: the plans\nMessage-ID: <plans.1@fabrikam.example>\n" + header_extra +
         b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b1\"\n\n"
         b"--b1\nContent-Type: text/plain\n\nThe plans, attached.\n--b1\n"
         b"Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n")
    body = blob(size - len(h) - 8)
    open(t + "/" + name, "wb").write(h + body + b"\n--b1--\n")

def bounce(name, size):
    orig = (b"From: alice@northwind.example\nTo: zed@remote.example\n"
            b"Subject: cheap pills\nMessage-ID: <x1@spammer.example>\n\n" + blob(size))
    m = (b"Return-Path: <>\nFrom: MAILER-DAEMON@mx.remote.example (Mail Delivery System)\n"
         b"To: alice@northwind.example\nSubject: Undelivered Mail Returned to Sender\n"
         b"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\n\n"
         b"--r\nContent-Type: text/plain\n\nI'm sorry: your message was rejected as spam.\n\n"
         b"--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.remote.example\n\n"
         b"Final-Recipient: rfc822; zed@remote.example\nAction: failed\nStatus: 5.7.1\n"
         b"Diagnostic-Code: smtp; 550 5.7.1 rejected as spam\n\n"
         b"--r\nContent-Type: message/rfc822\n\n" + orig + b"\n--r--\n")
    open(t + "/" + name, "wb").write(m)

plain("p200k.eml", 200000)
plain("p3m.eml", 3000000)
plain("p34m.eml", 34000000)
bounce("b3m.eml", 3000000)
bounce("b900k.eml", 900000)
# a bounce over the limit: the 34 MB plain message returned whole
b = open(t + "/b3m.eml", "rb").read()
cut = b.index(b"Message-ID: <x1@spammer.example>\n\n") + len(b"Message-ID: <x1@spammer.example>\n\n")
open(t + "/b34m.eml", "wb").write(b[:cut] + open(t + "/p34m.eml", "rb").read() + b"\n--r--\n")
# a header longer than the first 64 KiB: 1,500 Received fields
plain("longhead.eml", 300000, b"".join(
    b"Received: from relay%d.fabrikam.example by mx.fabrikam.example; Mon, 3 Mar 2025 10:00:00 +0000\n" % i
    for i in range(1500)))
PY

# same NAME FILE [RUN...]: through a pipe (by RUN, default plain), filter
# mode and --json as from the file; exit 0 both
same() {
	_n=$1 _f=$2; shift 2
	"$BACKSCATTER" < "$_f" > "$T/file.out" 2> /dev/null
	_fr=$?
	cat "$_f" | "${@:-$BACKSCATTER}" > "$T/pipe.out" 2> "$T/pipe.err"
	_pr=$?
	holds "$_n: filter mode through a pipe as from the file (exit $_pr, $_fr), judged" \
	    '[ "$_pr" = 0 ] && [ "$_fr" = 0 ] && [ "$(status "$T/file.out")" != none ] &&
	     cmp -s "$T/file.out" "$T/pipe.out"'
	"$BACKSCATTER" --json < "$_f" > "$T/file.json" 2> /dev/null
	_fr=$?
	cat "$_f" | "${@:-$BACKSCATTER}" --json > "$T/pipe.json" 2> /dev/null
	_pr=$?
	holds "$_n: --json the same (exit $_pr, $_fr), a report with its kind" \
	    '[ "$_pr" = 0 ] && [ "$_fr" = 0 ] && grep -q "\"kind\"" "$T/file.json" &&
	     cmp -s "$T/file.json" "$T/pipe.json"'
}

same "plain 200 KB" "$T/p200k.eml"
same "plain 3 MB" "$T/p3m.eml"
same "a 3 MB bounce" "$T/b3m.eml"
same "plain, its header 150 KB long" "$T/longhead.eml"
holds "... the bounce is judged backscatter, the plain message not" \
    '[ "$(status "$T/file.out")" = No ] && "$BACKSCATTER" --test < "$T/b3m.eml"'
cat "$T/p34m.eml" | "$BACKSCATTER" > "$T/pipe.out"
rc=$?
holds "plain 34 MB (over the limit) through a pipe: unchanged, exit $rc" \
    '[ "$rc" = 0 ] && cmp -s "$T/p34m.eml" "$T/pipe.out"'

# A bounce is read into memory at once (the gate opens on its first
# piece), and its body leaves into a pipe by its pages (vmsplice): the
# pipe's reader reads them after the program has gone on, or exited.
"$BACKSCATTER" < "$T/b3m.eml" > "$T/file.out"
{ cat "$T/b3m.eml" | "$BACKSCATTER"; echo $? > "$T/rc"; } | cat > "$T/pipe.out"
holds "a 3 MB bounce, pipe to pipe: as from the file (exit $(cat "$T/rc")), judged" \
    '[ "$(cat "$T/rc")" = 0 ] && [ "$(status "$T/pipe.out")" = Yes ] && cmp -s "$T/file.out" "$T/pipe.out"'
{ cat "$T/b3m.eml" | "$BACKSCATTER"; echo $? > "$T/rc"; } | { sleep 1; cat; } > "$T/pipe.out"
holds "... its reader starting a second late (the pipe full): the same (exit $(cat "$T/rc"))" \
    '[ "$(cat "$T/rc")" = 0 ] && [ "$(status "$T/pipe.out")" = Yes ] && cmp -s "$T/file.out" "$T/pipe.out"'
{ cat "$T/b3m.eml" | "$BACKSCATTER" 2> "$T/err"; echo $? > "$T/rc"; } | head -c 1000 > /dev/null
holds "... its reader gone after 1,000 bytes: exit 75 (got $(cat "$T/rc")), the host keeps its copy" \
    '[ "$(cat "$T/rc")" = 75 ]'
{ cat "$T/b34m.eml" | "$BACKSCATTER"; echo $? > "$T/rc"; } | cat > "$T/pipe.out"
holds "a 34 MB bounce (over the limit), pipe to pipe: unchanged (exit $(cat "$T/rc"))" \
    '[ "$(cat "$T/rc")" = 0 ] && cmp -s "$T/b34m.eml" "$T/pipe.out"'
cat "$T/b34m.eml" | "$BACKSCATTER" > "$T/pipe.out"
rc=$?
holds "... into a file: unchanged (exit $rc)" \
    '[ "$rc" = 0 ] && cmp -s "$T/b34m.eml" "$T/pipe.out"'

# Past its first 64 KiB the room takes a huge page for each 2 MiB region
# (64 KiB-2 MiB 64 KiB, 2 MiB 64 KiB-4 MiB 64 KiB, ...) the input
# fills three quarters of (that much known to follow: in the writer's
# pipe, or read ahead into pipes of the program's own), 4 KiB pages for
# the one it ends early in (its writer closed it with less): the same
# output whether the writer is fast, pauses just past a region's start
# or writes in odd sizes (its pipe full of part-filled pages before it
# holds 1 MiB), and a peak RSS over the same message's from a file
# (mapped, no room of its own) of at most a quarter of a region, and
# only where the last region is more than three quarters full (else a
# few pages, and the heap the first piece was read into: it is made
# present with the rest of the heap at the gate, 64 KiB more than from
# the file).
python3 - "$T" <<'PY'
import sys
t = sys.argv[1]
b = open(t + "/b3m.eml", "rb").read()
# the original returned whole: a short text and a large attachment
cut = b.index(b"Message-ID: <x1@spammer.example>\n") + len(b"Message-ID: <x1@spammer.example>\n")
head = b[:cut] + (b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"m\"\n\n"
    b"--m\nContent-Type: text/plain\n\nThe files, attached.\n--m\n"
    b"Content-Type: application/octet-stream; name=\"files.zip\"\n"
    b"Content-Transfer-Encoding: base64\n\n")
tail = b"\n--m--\n\n--r--\n"
line = b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5\n"
for name, d in (("r100k", 100000), ("rhalf", 1048576 + 4096),
                ("rlow", 1572864 - 4096), ("rhigh", 1572864 + 4096), ("rzero", 0)):
    size = 10 * 1048576 + 65536 + d    # d into the sixth region
    n = size - len(head) - len(tail)
    body = (line * (n // len(line) + 1))[:n - 1] + b"\n"
    open(t + "/" + name + ".eml", "wb").write(head + body + tail)
PY
# least "$1" (a command that leaves its peak RSS in $T/rss) gives of
# three runs: the memory it needs; what else the machine does (the page
# cache's state of the program's own files) only adds, up to 0.4 MiB
least_rss() {
	_m=
	for _i in 1 2 3; do
		eval "$1"
		_r=$(tail -n 1 "$T/rss")
		if [ -z "$_m" ] || [ "$_r" -lt "$_m" ]; then _m=$_r; fi
	done
	echo "$_m"
}
# FILE:HUGE:EXTRA - the regions on huge pages (the five before 10 MiB
# 64 KiB, the sixth after it),
# the KiB of RSS allowed over the mapped file's
for r in r100k:5:320 rhalf:5:320 rlow:5:320 rhigh:6:832 rzero:5:320; do
	f=$T/${r%%:*}.eml
	huge=${r#*:}
	extra=${huge#*:}
	huge=${huge%:*}
	size=$(wc -c < "$f")
	"$BACKSCATTER" < "$f" > "$T/file.out"
	for how in fast paused; do
		if [ $how = fast ]; then
			{ cat "$f" | "$BACKSCATTER"; echo $? > "$T/rc"; } | cat > "$T/pipe.out"
		else
			{ { head -c 10601296 "$f"; sleep 1; tail -c +10601297 "$f"; } |
			    "$BACKSCATTER"; echo $? > "$T/rc"; } | cat > "$T/pipe.out"
		fi
		holds "a bounce of $size bytes, the writer $how: as from the file (exit $(cat "$T/rc"))" \
		    '[ "$(cat "$T/rc")" = 0 ] && [ "$(status "$T/pipe.out")" = Yes ] && cmp -s "$T/file.out" "$T/pipe.out"'
	done
	if command -v strace > /dev/null 2>&1; then
		cat "$f" | strace -e trace=madvise -o "$T/trace" "$BACKSCATTER" > /dev/null 2>&1
		w=$(grep -c 'MADV_HUGEPAGE' "$T/trace")
		holds "... huge pages for $huge regions of 2 MiB: $w" '[ "$w" = "$huge" ]'
		# a writer pausing at a region's start (1 s, 50,000 bytes
		# into the last one) is waited for, as a read waits: that
		# region still on 4 KiB pages; a writer of 65,000 bytes at a
		# time fills its pipe's pages before it holds 1 MiB (each
		# write starts a page): read on, the same (no wait for a
		# write that cannot come, taken then to have more)
		if [ "${r%%:*}" = r100k ]; then
			{ head -c 10601296 "$f"; sleep 1; tail -c +10601297 "$f"; } |
			    strace -e trace=madvise -o "$T/trace" "$BACKSCATTER" > "$T/pipe.out" 2> /dev/null
			w=$(grep -c 'MADV_HUGEPAGE' "$T/trace")
			holds "... the writer pausing at the last region: huge pages for 5 regions ($w), the same output" \
			    '[ "$w" = 5 ] && cmp -s "$T/file.out" "$T/pipe.out"'
			dd if="$f" bs=65000 status=none |
			    strace -e trace=madvise,poll,ppoll,epoll_wait,epoll_pwait \
			    -o "$T/trace" "$BACKSCATTER" > "$T/pipe.out" 2> /dev/null
			w=$(grep -c 'MADV_HUGEPAGE' "$T/trace")
			# (a poll with no timeout, 0, asks whether the writer
			# has closed its pipe: no wait, whatever it answers)
			t=$(grep -v 'poll(.*, 0) *= 0 (Timeout)' "$T/trace" |
			    grep -c 'wait(.*) *= 0$\|poll(.*) *= 0 (Timeout)')
			holds "... the writer writing 65,000 bytes at a time: huge pages for 5 regions ($w), no wait ended by a timeout ($t), the same output" \
			    '[ "$w" = 5 ] && [ "$t" = 0 ] && cmp -s "$T/file.out" "$T/pipe.out"'
		fi
	fi
	if [ -x /usr/bin/time ] && ! grep -q __asan_init "$BACKSCATTER" 2> /dev/null; then
		rf=$(least_rss '/usr/bin/time -f %M -o "$T/rss" "$BACKSCATTER" < "$f" > /dev/null')
		rp=$(least_rss 'cat "$f" | /usr/bin/time -f %M -o "$T/rss" "$BACKSCATTER" > "$T/pipe.out"')
		# (the memory of a right answer: the message read whole)
		holds "... peak RSS $rp KiB through a pipe, $rf KiB from the file: at most $extra KiB more" \
		    '[ "$rp" -le $((rf + extra)) ] && [ "$rp" -gt $((size / 1024)) ] &&
		     [ "$(status "$T/pipe.out")" = Yes ] && cmp -s "$T/file.out" "$T/pipe.out"'
	fi
done
# A slow writer of small writes past 10 MiB (100 bytes at a time): each
# read of them takes a page of the pipes the program takes ahead into, so
# four pipes hold about 100 KB of it, and the last region, which the
# message fills to 1 MiB, is still on 4 KiB pages (taken then as it
# comes), not a huge page for "more follows": the RSS of the right
# answer.
f=$T/rhalf.eml
size=$(wc -c < "$f")
"$BACKSCATTER" < "$f" > "$T/file.out"
cat > "$T/slow.py" <<'PY'
import os, sys, time
d = open(sys.argv[1], 'rb').read()
fast = 10 * 1048576
o = 0
while o < fast:
    o += os.write(1, d[o:min(o + 65536, fast)])
while o < len(d):
    o += os.write(1, d[o:o + 100])
    time.sleep(0.00002)
PY
if [ -x /usr/bin/time ] && ! grep -q __asan_init "$BACKSCATTER" 2> /dev/null; then
	rf=$(least_rss '/usr/bin/time -f %M -o "$T/rss" "$BACKSCATTER" < "$f" > /dev/null')
	rp=$(least_rss 'python3 "$T/slow.py" "$f" | /usr/bin/time -f %M -o "$T/rss" "$BACKSCATTER" > "$T/pipe.out"')
	holds "a bounce of 10 MiB 64 KiB + 1 MiB, its last 1.1 MiB written 100 bytes at a time: peak RSS $rp KiB, $rf KiB from the file (at most 320 more), the same output" \
	    '[ "$rp" -le $((rf + 320)) ] && [ "$rp" -gt $((size / 1024)) ] &&
	     [ "$(status "$T/pipe.out")" = Yes ] && cmp -s "$T/file.out" "$T/pipe.out"'
fi
# ... and the second pipe to take ahead into not had (EMFILE): the first
# full, more follows, the same 4 KiB pages (a huge page was 'cannot
# tell'): huge pages for at most the five regions before 10 MiB 64 KiB,
# where strace can tell (fewer when the writer lags behind on a busy
# machine: what its pipe holds then falls short of three quarters); and
# the RSS of the program with the fault shim, from the file and the pipe, within 512 KiB (its shared libraries' pages move
# it by up to 0.4 MiB on a busy machine; a huge page there is 1 MiB more)
if command -v strace > /dev/null 2>&1; then
	python3 "$T/slow.py" "$f" | strace -e trace=madvise -o "$T/trace" \
	    env LD_PRELOAD="$shim" FAULT_PIPE=2+ FAULT_ERRNO=24 \
	    "$BACKSCATTER_PRELOAD" > "$T/pipe.out" 2> /dev/null
	w=$(grep -c 'MADV_HUGEPAGE' "$T/trace")
	holds "... the second pipe to take ahead into not had (EMFILE): huge pages for at most 5 regions ($w), the same output, judged" \
	    '[ "$w" -le 5 ] && [ "$(status "$T/pipe.out")" = Yes ] && cmp -s "$T/file.out" "$T/pipe.out"'
fi
if [ -x /usr/bin/time ] && ! grep -q __asan_init "$BACKSCATTER" 2> /dev/null; then
	rf=$(least_rss '/usr/bin/time -f %M -o "$T/rss" env LD_PRELOAD="$shim" \
	    "$BACKSCATTER_PRELOAD" < "$f" > /dev/null')
	rp=$(least_rss 'python3 "$T/slow.py" "$f" | /usr/bin/time -f %M -o "$T/rss" \
	    env LD_PRELOAD="$shim" FAULT_PIPE=2+ FAULT_ERRNO=24 \
	    "$BACKSCATTER_PRELOAD" > "$T/pipe.out"')
	holds "... and its peak RSS $rp KiB, $rf KiB from the file (at most 512 more), the same output" \
	    '[ "$rp" -le $((rf + 512)) ] && [ "$rp" -gt $((size / 1024)) ] &&
	     [ "$(status "$T/pipe.out")" = Yes ] && cmp -s "$T/file.out" "$T/pipe.out"'
fi
# ... and no pipe of its own to be had at all (EMFILE at the first): the
# 900 KB bounce from a writer that pauses after 70,000 bytes, its pipe
# short of three quarters of the region when it starts: 4 KiB pages for
# what is known to follow, never a huge page for a region the message
# fills a third of ("cannot be told" took one: a 100 KB report 5.1 MiB
# of RSS, its budget 4.1)
if command -v strace > /dev/null 2>&1; then
	"$BACKSCATTER" < "$T/b900k.eml" > "$T/file.out"
	{ head -c 70000 "$T/b900k.eml"; sleep 1; tail -c +70001 "$T/b900k.eml"; } |
	    strace -e trace=madvise,pipe2 -o "$T/trace" \
	    env LD_PRELOAD="$shim" FAULT_PIPE=1+ FAULT_ERRNO=24 \
	    "$BACKSCATTER_PRELOAD" > "$T/pipe.out" 2> /dev/null
	w=$(grep -c 'MADV_HUGEPAGE' "$T/trace")
	p=$(grep -c '^pipe2(' "$T/trace")
	holds "a 900 KB bounce, its writer pausing, no pipe to take ahead into (the shim refuses each: $p made): no huge page ($w), the same output as from the file, judged" \
	    '[ "$p" = 0 ] && [ "$w" = 0 ] && [ "$(status "$T/pipe.out")" = Yes ] &&
	     cmp -s "$T/file.out" "$T/pipe.out"'
fi
# stdin a block device (a loop device over the message): always
# readable, it says nothing of what it holds (no FIONREAD): read whole
# (a whole number of 512-byte sectors: blank lines after its end)
python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); open(sys.argv[2], "wb").write(d + b"\n" * (-len(d) % 512))' \
    "$T/r100k.eml" "$T/rdev.eml"
if command -v losetup > /dev/null 2>&1 &&
    dev=$(losetup -f --show "$T/rdev.eml" 2> /dev/null); then
	"$BACKSCATTER" < "$T/rdev.eml" > "$T/file.out"
	timeout 60 "$BACKSCATTER" < "$dev" > "$T/pipe.out"
	rc=$?
	losetup -d "$dev"
	holds "a 10 MB bounce from a block device: as from the file (exit $rc)" \
	    '[ "$rc" = 0 ] && [ "$(status "$T/pipe.out")" = Yes ] && cmp -s "$T/file.out" "$T/pipe.out"'
else
	echo "# skip: no loop device here (losetup)"
fi

# a writer that pauses after the first piece, and again in the middle
{ head -c 70000 "$T/p3m.eml"; sleep 1; tail -c +70001 "$T/p3m.eml" | head -c 1000000; sleep 1
  tail -c +1070001 "$T/p3m.eml"; } | "$BACKSCATTER" > "$T/pipe.out"
rc=$?
"$BACKSCATTER" < "$T/p3m.eml" > "$T/file.out"
holds "plain 3 MB, the writer pausing twice: as from the file (exit $rc), judged" \
    '[ "$rc" = 0 ] && [ "$(status "$T/pipe.out")" = No ] && cmp -s "$T/file.out" "$T/pipe.out"'

# A writer that splices a file into the pipe and then changes the file
# in place (a second later, its bytes all taken by the program): what
# the program holds is its own copy, so the message it writes out is the
# one it was given. (A pipe-to-pipe splice would have kept references to
# the file's pages, and written out the change.)
"$BACKSCATTER" < "$T/p3m.eml" > "$T/file.out"
for at in 70000 2000000; do
	python3 -c 'import os, sys, time
src, at = sys.argv[1], int(sys.argv[2])
data = open(src, "rb").read()
open(sys.argv[3], "wb").write(data)
fd = os.open(sys.argv[3], os.O_RDWR)
off = 0
while off < len(data):
	off += os.splice(fd, 1, len(data) - off, offset_src=off)
time.sleep(1)
os.pwrite(fd, b"X" * 50000, at)' "$T/p3m.eml" "$at" "$T/spliced" | "$BACKSCATTER" > "$T/pipe.out"
	rc=$?
	holds "plain 3 MB spliced from a file that is changed at $at after: as given (exit $rc)" \
	    '[ "$rc" = 0 ] && [ "$(status "$T/pipe.out")" = No ] && cmp -s "$T/file.out" "$T/pipe.out"'
done

# A writer that vmsplices its buffers into the pipe and writes into a
# buffer again once the pipe has given up the bytes from it (FIONREAD on
# its end: right for any reader that reads them). The program must read
# them, not move them on: bytes moved into a pipe of its own (a report's,
# taken ahead) or into stdout (the part of a message past the limit) by
# splice are the writer's pages, and come out as the writer wrote them
# next. The reader of stdout starts a second late.
cat > "$T/vmwriter" <<'PY'
import array, ctypes, fcntl, mmap, sys, termios, time
libc = ctypes.CDLL(None, use_errno=True)
class Iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
data = open(sys.argv[1], "rb").read()
CH = 256 * 1024
bufs = [mmap.mmap(-1, CH), mmap.mmap(-1, CH)]
addr = [ctypes.addressof(ctypes.c_char.from_buffer(b)) for b in bufs]
try:
    fcntl.fcntl(1, 1031, 1 << 20)       # F_SETPIPE_SZ
except OSError:
    pass
def held():
    a = array.array("i", [0])
    fcntl.ioctl(1, termios.FIONREAD, a, True)
    return a[0]
after, off, k = [0, 0], 0, 0            # bytes in the pipe after buffer k's
while off < len(data):
    n = min(CH, len(data) - off)
    while held() > after[k]:            # buffer k's bytes still in the pipe
        time.sleep(0.0002)
    bufs[k][:n] = data[off:off + n]
    done = 0
    while done < n:
        iov = Iovec(addr[k] + done, n - done)
        r = libc.vmsplice(1, ctypes.byref(iov), 1, 0)
        if r < 0:
            sys.exit("vmsplice: errno %d" % ctypes.get_errno())
        done += r
    after[k], after[1 - k] = 0, n
    off, k = off + n, 1 - k
while held() > 0:
    time.sleep(0.0002)
for b in bufs:
    b[:] = b"#" * CH
time.sleep(0.3)
PY
"$BACKSCATTER" < "$T/r100k.eml" > "$T/r100k.out"
for c in "r100k:a 10 MB bounce (taken ahead past 4 MiB):$T/r100k.out" \
    "b34m:a 34 MB bounce (over the limit):$T/b34m.eml" \
    "p34m:plain 34 MB (over the limit):$T/p34m.eml"; do
	f=${c%%:*} r=${c#*:}; d=${r%%:*} want=${r#*:}
	{ python3 "$T/vmwriter" "$T/$f.eml" | "$BACKSCATTER"; echo $? > "$T/rc"; } |
	    { sleep 1; cat; } > "$T/pipe.out"
	holds "$d from a writer that vmsplices its buffers and reuses them: as given (exit $(cat "$T/rc"))" \
	    '[ "$(cat "$T/rc")" = 0 ] && cmp -s "$want" "$T/pipe.out" &&
	     { [ "$f" != r100k ] || [ "$(status "$T/pipe.out")" = Yes ]; }'
done

# stdin a file, stdout a pipe whose reader stops two seconds before the
# last 600,000 bytes of the output (by then the program has written all,
# and ended), and the file written into 300,000 bytes before its end and
# cut short 100,000 before it a second in: what the reader reads is the
# message as the program read it. sendfile into the pipe passed the
# file's own pages, and the reader read the change, or NUL bytes.
cat > "$T/late-reader" <<'PY'
import os, sys, time
total, o = int(sys.argv[1]), 0
first = max(total - 600000, 0)
while o < first:
    b = os.read(0, min(65536, first - o))
    if not b:
        break
    sys.stdout.buffer.write(b)
    o += len(b)
time.sleep(2)
sys.stdout.buffer.write(sys.stdin.buffer.read())
PY
for c in "p200k:plain 200 KB" "b3m:a 3 MB bounce" "p34m:plain 34 MB (over the limit)"; do
	f=${c%%:*} d=${c#*:}
	cp "$T/$f.eml" "$T/changing.eml"
	"$BACKSCATTER" < "$T/changing.eml" > "$T/file.out"
	{ "$BACKSCATTER" < "$T/changing.eml"; echo $? > "$T/rc"; } |
	    python3 "$T/late-reader" "$(wc -c < "$T/file.out")" > "$T/pipe.out" &
	sleep 1
	python3 -c 'import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY)
size = os.fstat(fd).st_size
os.pwrite(fd, b"Z" * 20000, max(40000, size - 300000))
os.ftruncate(fd, max(60000, size - 100000))' "$T/changing.eml"
	wait
	holds "$d from a file changed and cut short after it was read, the output's last 600,000 bytes read late: as read (exit $(cat "$T/rc"))" \
	    '[ "$(cat "$T/rc")" = 0 ] && cmp -s "$T/file.out" "$T/pipe.out" &&
	     { [ "$f" = p34m ] || [ "$(status "$T/pipe.out")" != none ]; }'
done

# which way: pipes of its own, or the memory file
if command -v strace > /dev/null 2>&1; then
	ways() { cat "$1" | strace -f -e trace=pipe2,memfd_create -o "$T/trace" "$BACKSCATTER" > /dev/null 2>&1
		echo "$(grep -c 'pipe2(' "$T/trace") $(grep -c 'memfd_create(' "$T/trace")"; }
	w=$(ways "$T/p3m.eml")
	holds "plain 3 MB: held in pipes of its own, no memory file ($w)" \
	    '[ "${w% *}" -ge 3 ] && [ "${w#* }" = 0 ]'
	w=$(ways "$T/longhead.eml")
	holds "a header past the first 64 KiB: the memory file's way, no pipe ($w)" \
	    '[ "${w% *}" = 0 ] && [ "${w#* }" = 1 ]'
	w=$(ways "$T/p200k.eml")
	holds "plain 200 KB: one pipe ($w)" '[ "$w" = "1 0" ]'
	w=$(ways "$T/b3m.eml")
	cat "$T/b3m.eml" | "$BACKSCATTER" > "$T/b3m.out" 2> /dev/null
	# (a pipe of its own only to take ahead what its first 2 MiB
	# region is decided on: 1 MiB, what the host's pipe does not hold)
	holds "a 3 MB bounce: read into memory, no memory file, one pipe to take ahead into at most ($w), judged" \
	    '[ "${w% *}" -le 1 ] && [ "${w#* }" = 0 ] && [ "$(status "$T/b3m.out")" = Yes ]'
	cat "$T/b3m.eml" | strace -f -e trace=vmsplice,write,writev -o "$T/trace" \
	    "$BACKSCATTER" 2> /dev/null | cat > /dev/null
	w=$(grep -c 'vmsplice(1, .* = [1-9]' "$T/trace")
	holds "... its body into the pipe by vmsplice ($w calls that took pages)" '[ "$w" -ge 1 ]'
	# A 900 KB bounce whose writer filled a pipe of 1 MiB and closed
	# it before the program began: what the pipe holds is all that
	# follows (its reader is told so, POLLHUP), no pipe of its own to
	# take it ahead into; its writer still there (the pipe open), the
	# rest is taken ahead to its end (one pipe)
	"$BACKSCATTER" < "$T/b900k.eml" > "$T/file.out"
	cat > "$T/fill.py" <<'PY'
import fcntl, os, sys
fcntl.fcntl(1, 1031, 1048576)	# F_SETPIPE_SZ
d = open(sys.argv[1], 'rb').read()
o = 0
while o < len(d):
    o += os.write(1, d[o:])
PY
	python3 "$T/fill.py" "$T/b900k.eml" | { sleep 1; strace -e trace=pipe2 -o "$T/trace" \
	    "$BACKSCATTER"; } > "$T/pipe.out" 2> /dev/null
	w=$(grep -c 'pipe2(' "$T/trace")
	holds "a 900 KB bounce in a pipe its writer closed: no pipe to take ahead into ($w), as from the file" \
	    '[ "$w" = 0 ] && [ "$(status "$T/pipe.out")" = Yes ] && cmp -s "$T/file.out" "$T/pipe.out"'
	{ python3 "$T/fill.py" "$T/b900k.eml"; sleep 2; } | { sleep 1; strace -e trace=pipe2 -o "$T/trace" \
	    "$BACKSCATTER"; } > "$T/pipe.out" 2> /dev/null
	w=$(grep -c 'pipe2(' "$T/trace")
	holds "... its writer not gone: the rest taken ahead into one pipe ($w), as from the file" \
	    '[ "$w" = 1 ] && [ "$(status "$T/pipe.out")" = Yes ] && cmp -s "$T/file.out" "$T/pipe.out"'
else
	ok "# SKIP no strace"
fi

# The other ways, made by failing calls (the dynamic twin, with the shim)
if [ ! -f "$shim" ] || grep -q __asan_init "$BACKSCATTER" 2> /dev/null; then
	ok "# SKIP no tests/faultshim.so, or an ASan build"
	done_testing
fi
# fbs FAULT_X=N... ARGS: the twin with the shim, those faults and ARGS
fbs() {
	_e=
	while case $1 in FAULT_*) true ;; *) false ;; esac; do
		_e="$_e $1"; shift
	done
	env LD_PRELOAD="$shim" $_e "$BACKSCATTER_PRELOAD" "$@"
}
same "no pipe to be had (the first pipe2 fails): the memory file's way" \
    "$T/p3m.eml" fbs FAULT_PIPE=1
same "the second pipe not had (1 MiB held): held bytes first into the memory file" \
    "$T/p3m.eml" fbs FAULT_PIPE=2
same "no pipe and no memory file: read" "$T/p3m.eml" fbs FAULT_PIPE=1 FAULT_MEMFD=1
same "1 MiB held, then neither a pipe nor a memory file: held bytes read, then the rest" \
    "$T/p3m.eml" fbs FAULT_PIPE=2 FAULT_MEMFD=1
same "pipes kept at 64 KiB (F_SETPIPE_SZ fails): more of them" \
    "$T/p3m.eml" fbs FAULT_PIPESZ=1+
same "a bounce, no room to read it into (mmap fails): held, then read" \
    "$T/b3m.eml" fbs FAULT_MMAP=1
same "... and the second pipe not had" "$T/b3m.eml" fbs FAULT_MMAP=1 FAULT_PIPE=2
# the body into the pipe by its pages, when that fails
"$BACKSCATTER" < "$T/b3m.eml" > "$T/file.out"
for how in "refused (EINVAL), written instead:FAULT_ERRNO=EINVAL FAULT_COPY=1+" \
    "refused by a system call filter (EACCES), written instead:FAULT_ERRNO=EACCES FAULT_COPY=1+" \
    "failing (EIO) halfway, the rest written:FAULT_COPY=2" \
    "moving half of it at a time:FAULT_SHORT_WRITE=2"; do
	{ cat "$T/b3m.eml" | fbs FAULT_FD=1 ${how#*:}; echo $? > "$T/rc"; } | cat > "$T/pipe.out"
	holds "a bounce's body into the pipe, ${how%%:*}: as from the file (exit $(cat "$T/rc"))" \
	    '[ "$(cat "$T/rc")" = 0 ] && [ "$(status "$T/pipe.out")" = Yes ] && cmp -s "$T/file.out" "$T/pipe.out"'
done
{ cat "$T/b3m.eml" | fbs FAULT_FD=1 FAULT_COPY=1+ FAULT_WRITE=1; echo $? > "$T/rc"; } | cat > /dev/null
holds "... refused, and the write after it failing (EIO): exit 75 (got $(cat "$T/rc")), the host keeps its copy" \
    '[ "$(cat "$T/rc")" = 75 ]'
cat "$T/p34m.eml" | fbs FAULT_PIPESZ=1+ > "$T/pipe.out"
rc=$?
holds "34 MB in pipes kept at 64 KiB: more than 64 would be needed, the memory file's way; unchanged (exit $rc)" \
    '[ "$rc" = 0 ] && cmp -s "$T/p34m.eml" "$T/pipe.out"'
# the held bytes into stdout by splice, refused: read and written
"$BACKSCATTER" < "$T/p3m.eml" > "$T/file.out"
for e in EINVAL EACCES; do
	{ cat "$T/p3m.eml" | fbs FAULT_FD=1 FAULT_COPY=1+ FAULT_ERRNO=$e; echo $? > "$T/rc"; } | cat > "$T/pipe.out"
	holds "plain 3 MB held, splice into stdout refused ($e): as from the file (exit $(cat "$T/rc"))" \
	    '[ "$(cat "$T/rc")" = 0 ] && [ "$(status "$T/pipe.out")" = No ] && cmp -s "$T/file.out" "$T/pipe.out"'
done
# stdin failing in the middle of the moves: 75, the host keeps its copy
cat "$T/p3m.eml" | fbs FAULT_COPY=5 > "$T/pipe.out"
is "$?" 75 "a move from stdin failing midway: filter mode 75"
# a 10 MB bounce's bytes taken ahead into pipes of the program's own
# (the page size of each 2 MiB of its memory decided on them), when that
# cannot be: read straight, the same; a read or write error there: 75
"$BACKSCATTER" < "$T/r100k.eml" > "$T/file.out"
for how in "no pipe to take ahead into:FAULT_PIPE=1+" \
    "pipes kept at 64 KiB (F_SETPIPE_SZ fails), all four full:FAULT_PIPESZ=1+"; do
	{ cat "$T/r100k.eml" | fbs ${how#*:}; echo $? > "$T/rc"; } | cat > "$T/pipe.out"
	holds "a 10 MB bounce, ${how%%:*}: as from the file (exit $(cat "$T/rc"))" \
	    '[ "$(cat "$T/rc")" = 0 ] && [ "$(status "$T/pipe.out")" = Yes ] && cmp -s "$T/file.out" "$T/pipe.out"'
done
cat "$T/r100k.eml" | fbs FAULT_FD=0 FAULT_READ_FROM=5000000 > "$T/pipe.out"
is "$?" 75 "a 10 MB bounce, stdin failing (EIO) at 5 MB, while taken ahead: 75"
cat "$T/r100k.eml" | fbs FAULT_WRITE=3 > "$T/pipe.out"
is "$?" 75 "a 10 MB bounce, a write into its own pipe failing (EIO) while taking ahead: 75"

done_testing
