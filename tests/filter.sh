#!/bin/sh
# filter.sh - filter mode is byte-exact: the output is the input with the
# three X-Backscatter-* fields inserted after a leading From_ line and
# leading Return-Path fields, in the input's line ending, and every
# X-Backscatter-* field already in the header (folded or not) removed.
# The header runs to its first empty line, as procmail and Dovecot read
# it: a line in it that is no field stays and ends nothing.
# Nothing else changes: 8-bit bytes, NULs, a missing final newline.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

# The reference: fc.py check INPUT OUTPUT [exact]  (exact: kind none, score 0)
#                fc.py many LIST  (LIST: INPUT<TAB>OUTPUT a line; prints
#                                  "ok" or what differs, a line each)
#                fc.py corpus BINARY DIR...         (every *.eml under DIR)
cat > "$T/fc.py" <<'EOF'
import os, re, subprocess, sys

def lines(b):
    out, i = [], 0
    while i < len(b):
        m = re.compile(rb'\r\n|\r|\n').search(b, i)
        j = m.end() if m else len(b)
        out.append(b[i:j]); i = j
    return out

def eol_of(b):
    m = re.search(rb'\r\n|\r|\n', b)
    return m.group(0) if m else b'\n'

def is_field(l):
    m = re.match(rb'([\x21-\x39\x3b-\x7e]+)[ \t]*:', l)
    return m.group(1).lower() if m else None

def ours_named(l):
    """A line that starts like one of our fields (any bytes up to the colon)."""
    return re.match(rb'(?i)x-backscatter-[^ \t\r\n:]*[ \t]*:', l) is not None

def is_blank(l, eol):
    """The empty line that ends the header: a lone LF after any line end
    (procmail's "\n\n"), or a lone line end of the message's own kind."""
    return l == b'\n' or (eol != b'\n' and l == eol)

MONTH = rb'(?i)(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)'

def is_from_line(l):
    """An mbox From_ line: "From ", a sender, and a date (a month, a time
    and a year, or an ISO date and a time); "From : x" is a field."""
    l = re.split(rb'\r|\n', l)[0]
    m = re.match(rb'From [ \t]*([^: \t][^ \t]*)(.*)', l)
    if not m:
        return False
    words = m.group(2).split()
    iso = any(re.fullmatch(rb'\d{4}-\d\d-\d\d', w) for w in words)
    month = iso or any(re.fullmatch(MONTH, w) for w in words)
    clock = any(re.fullmatch(rb'\d{1,2}:\d{1,2}(:\d{1,2})?', w) for w in words)
    year = iso or any(re.fullmatch(rb'\d{4}', w) for w in words)
    return bool(month and clock and year)

def ended(l):
    return l[-1:] in (b'\n', b'\r')

def expect(inp):
    """(prefix, suffix): the output must be prefix + our fields + suffix."""
    ls, i, pre, post = lines(inp), 0, [], []
    if is_from_line(inp):
        pre.append(ls[0]); i = 1
        if not ended(ls[0]):
            pre.append(eol_of(inp))     # our fields never join it
    inserted = skipping = False
    cur = pre
    eol = eol_of(inp)
    while i < len(ls):
        l = ls[i]
        if is_blank(l, eol):
            break
        if l[:1] in (b' ', b'\t'):
            if not skipping: cur.append(l)
            i += 1; continue
        skipping = False
        name = is_field(l)
        if not inserted and name != b'return-path':
            inserted = True; cur = post
        if ours_named(l):
            skipping = True; i += 1; continue
        cur.append(l); i += 1
    rest = ls[i:]
    # a header line that ends the input gets its line end
    if cur and not ended(cur[-1]) and not rest:
        cur.append(eol_of(inp))
    if not inserted:
        # our fields, then an empty line so that what follows stays body
        if not rest or rest[0].rstrip(b'\r\n') != b'' or rest[0][-1:] not in (b'\n', b'\r'):
            post.append(eol_of(inp))
    return b''.join(pre), b''.join(post + rest)

def ours(eol):
    e = re.escape(eol)
    return re.compile(rb'X-Backscatter-Status: (Yes|No), score=-?\d+\.\d required=-?\d+\.\d kind=[a-z]+' + e +
        rb'(\t[^\r\n]*' + e + rb')+X-Backscatter-Score: -?\d+\.\d' + e +
        rb'X-Backscatter-Level: \**' + e + rb'$', re.S)

def check(inp, out, exact=False):
    pre, post = expect(inp)
    eol = eol_of(inp)
    if not out.startswith(pre):
        return "differs before our fields (at byte %d)" % next(
            (k for k in range(len(pre)) if k >= len(out) or out[k] != pre[k]), len(pre))
    if not out.endswith(post) or len(out) < len(pre) + len(post):
        return "differs after our fields"
    mid = out[len(pre):len(out) - len(post)]
    if exact:
        want = (b'X-Backscatter-Status: No, score=0.0 required=5.0 kind=none' + eol +
                b'\ttests=none' + eol + b'X-Backscatter-Score: 0.0' + eol +
                b'X-Backscatter-Level: ' + eol)
        return None if mid == want else "fields are %r" % mid
    return None if ours(eol).match(mid) else "fields are %r" % mid[:300]

if sys.argv[1] == 'check':
    inp, out = open(sys.argv[2], 'rb').read(), open(sys.argv[3], 'rb').read()
    why = check(inp, out, len(sys.argv) > 4)
    print(why or "ok")
    sys.exit(1 if why else 0)
elif sys.argv[1] == 'many':
    for line in open(sys.argv[2], 'rb'):
        i, o = line.rstrip(b'\n').split(b'\t')
        print(check(open(i, 'rb').read(), open(o, 'rb').read()) or "ok")
else:
    n, bad = 0, []
    for d in sys.argv[3:]:
        for root, _, files in os.walk(d):
            for f in sorted(files):
                if not f.endswith('.eml'):
                    continue
                p = os.path.join(root, f); inp = open(p, 'rb').read(); n += 1
                r = subprocess.run([sys.argv[2]], input=inp, capture_output=True)
                why = "exit %d" % r.returncode if r.returncode else check(inp, r.stdout)
                if why: bad.append("%s: %s" % (os.path.relpath(p, d), why))
    print(n, len(bad))
    for b in bad[:20]: print("#   " + b)
EOF

# filter_case NAME [exact]: runs on $T/in, compares with the reference
filter_case() {
	if bs < "$T/in" > "$T/out" 2> "$T/err"; then
		why=$(python3 "$T/fc.py" check "$T/in" "$T/out" $2) &&
		    ok "$1" || { not_ok "$1"; diag "  $why"; }
	else
		not_ok "$1: exit $?"; sed 's/^/# /' "$T/err"
	fi
}

exact=exact
printf 'From: a@b.example\nTo: c@d.example\nSubject: hello\n\nbody\n' > "$T/in"
filter_case "LF: fields first, exact header format for kind none" $exact
printf 'From: a@b.example\r\nSubject: hello\r\n\r\nbody\r\n' > "$T/in"
filter_case "CRLF: fields end in CRLF" $exact
printf 'From: a@b.example\rSubject: hello\r\rbody\r' > "$T/in"
filter_case "CR only: fields end in CR" $exact
printf 'From MAILER-DAEMON Mon Mar  3 10:15:02 2025\nReturn-Path: <>\nReturn-Path: <x@y.example>\nFrom: a@b\n\nbody\n' > "$T/in"
filter_case "after the From_ line and leading Return-Path fields" $exact
printf 'From someone Mon Mar  3 10:15:02 2025\r\nFrom: a@b\r\n\r\nx' > "$T/in"
filter_case "From_ line with CRLF" $exact
printf 'Return-Path: <a@b>\nFrom: a@b\nX-Backscatter-Status: Yes, score=99.0 required=5.0 kind=bounce\n\ttests=FORGED,\n\t BS_MORE\nx-backscatter-score: 99.0\nX-BACKSCATTER-Level : *****\nSubject: s\n\nX-Backscatter-Status: in the body stays\n' > "$T/in"
filter_case "forged X-Backscatter-* fields removed, folded and any case; body kept" $exact
printf 'X-Backscatter-Level: ****\nFrom: a@b\n\nb\n' > "$T/in"
filter_case "forged field as the very first line removed" $exact
printf 'From: a@b\nSubject: caf\351 \000 nul\nX-8bit: \377\376\n\nbody \000\200\377\n\000' > "$T/in"
filter_case "8-bit bytes and NULs preserved" $exact
printf 'From: a@b\nSubject: no final newline\n\nlast line' > "$T/in"
filter_case "no trailing newline preserved" $exact
printf 'From: a@b\nSubject: only a header' > "$T/in"
filter_case "header only, no final newline: the header's last line gets its line end" $exact
printf 'From: a@b\r\nSubject: folded\r\n more' > "$T/in"
filter_case "a folded last header line without a line end gets one, in CRLF" $exact
printf 'From MAILER-DAEMON Mon Mar  3 10:15:02 2025' > "$T/in"
filter_case "a From_ line alone without a line end: our fields on the next line" $exact
printf 'Return-Path: <a@b>' > "$T/in"
filter_case "a lone Return-Path without a line end: our fields on the next line" $exact
printf 'Subject: s\nX-Backscatter-Status: Yes' > "$T/in"
filter_case "a forged field last without a line end: removed, no empty line left" $exact
printf 'From : alice@example.org\nSubject: obsolete syntax\n\nbody\n' > "$T/in"
filter_case "\"From :\" first (RFC 822's WSP before the colon) is a field: fields before it" $exact
printf 'From\t: alice@example.org\nSubject: s\n\nbody\n' > "$T/in"
filter_case "\"From<tab>:\" first is a field too" $exact
printf 'From alice@example.org\nSubject: s\n\nbody\n' > "$T/in"
filter_case "\"From \" and an address without a date is no From_ line" $exact
printf 'Return-Path-Extra: x\nReturn-Pathology: y\nSubject: s\n\nb\n' > "$T/in"
filter_case "Return-Path-Extra and Return-Pathology are not Return-Path: fields before them" $exact
printf 'Return-Path : <a@b>\nReturn-path:<c@d>\nReturn-Path-Extra: x\n\nb\n' > "$T/in"
filter_case "Return-Path with WSP before the colon, any case, is Return-Path" $exact
printf 'From: a@b\nSubject: s\nthis line is no field\nmore\n' > "$T/in"
filter_case "no empty line: the header runs to the end, lines that are no field in it" $exact
printf 'not a header at all\nsecond line\n' > "$T/in"
filter_case "no field and no empty line: our fields on top, no line added" $exact
printf 'From: a@b\nX-Foo\351: x\nX-Backscatter-Status: Yes, score=9.0 required=5.0 kind=bounce\n\ttests=FORGED\nSubject: s\n\nX-Backscatter-Status: Yes\n' > "$T/in"
filter_case "a field name with an 8-bit byte ends nothing: a forged field after it is removed" $exact
printf 'From: a@b\nno colon\n: no name\nX-Backscatter-Score: 9.0\n\nb\n' > "$T/in"
filter_case "lines without a colon or a name end nothing: a forged field after them is removed" $exact
printf 'From: a@b\n\r\nX-Backscatter-Status: Yes\n\nb\n' > "$T/in"
filter_case "LF message: a CRLF line ends nothing: a forged field after it is removed" $exact
printf 'From: a@b\r\nSubject: s\r\n\r\nX-Backscatter-Status: Yes\r\n' > "$T/in"
filter_case "CRLF message: the empty CRLF line ends the header, the body keeps its text" $exact
printf 'Return-Path: <a@b>\n\nbody\n' > "$T/in"
filter_case "only Return-Path: fields after it" $exact
# no number is written "-0.0": a required score given as -0
printf 'From: a@b.example\nSubject: x\n\nhi\n' > "$T/in"
bs_run "$T/in" --required -0
is "$rc:$(sed -n 's/^X-Backscatter-Status: No, score=\([^ ]*\) required=\([^ ]*\) kind=none$/\1 \2/p' "$T/stdout")" \
    "0:0.0 0.0" "--required -0: required=0.0, never -0.0"
# the Level line counts the whole points of the score written beside it:
# 4.96 is written 5.0 (and is Yes), so five stars, not four
printf 'From: MAILER-DAEMON@x.example\nTo: alice@northwind.example\nSubject: Undelivered Mail Returned to Sender\n\nThis is the mail system at host x.example.\nYour message could not be delivered.\n\n<sam@x.example>: host said: 550 user unknown\n' > "$T/in496"
printf 'body BS_LOCAL_X /user unknown/\nscore BS_LOCAL_X 4.46\n' > "$T/r496.cf"
bs_run "$T/in496" --rules "$T/r496.cf"
is "$rc:$(grep '^X-Backscatter-\(Score\|Level\)' "$T/stdout" | tr '\n' ' ')" \
    "0:X-Backscatter-Score: 5.0 X-Backscatter-Level: ***** " \
    "a score of 4.96: written 5.0, five stars beside it"
bs_run "$T/in" --required -0 --explain
is "$rc:$(head -1 "$T/stdout")" "0:Not backscatter, score 0.0, required 0.0" \
    "--explain --required -0: required 0.0, never -0.0"
bs_run "$T/in" --required -0 --json
is "$rc:$(grep -o '"required":[^,}]*' "$T/stdout")" '0:"required":0.0' \
    "--json --required -0: required 0.0, never -0.0"
: > "$T/in"
filter_case "empty input: the three fields and an empty line" $exact
printf 'From: a@b\nSubject: s\n\n' > "$T/in"
filter_case "empty body" $exact

# Every fixture of ours, whatever its verdict: each run, then one
# reference for all (started once a fixture, it was most of the time)
mkdir "$T/fx"
: > "$T/fx/list"
i=0
for f in "$srcdir"/tests/data/anatomy/*.eml "$srcdir"/examples/*.eml; do
	i=$((i + 1))
	bs < "$f" > "$T/fx/$i.out" 2> "$T/fx/$i.err"
	echo "$?" > "$T/fx/$i.rc"
	printf '%s\t%s\n' "$f" "$T/fx/$i.out" >> "$T/fx/list"
done
python3 "$T/fc.py" many "$T/fx/list" > "$T/fx/why" ||
	not_ok "the reference reads every fixture's output"
i=0
while IFS='	' read -r f out; do
	i=$((i + 1))
	read -r why <&3
	read -r rc < "$T/fx/$i.rc"
	name="fixture ${f##*/}"
	if [ "$rc" != 0 ]; then
		not_ok "$name: exit $rc"; sed 's/^/# /' "$T/fx/$i.err"
	elif [ "$why" = ok ]; then
		ok "$name"
	else
		not_ok "$name"; diag "  $why"
	fi
done < "$T/fx/list" 3< "$T/fx/why"
rm -rf "$T/fx"

# Standard output cannot be written: 75, so the host keeps its copy.
printf 'From: a@b\n\nbody\n' > "$T/in"
if [ -w /dev/full ]; then
	bs < "$T/in" > /dev/full 2> /dev/null
	is "$?" 75 "stdout is /dev/full: exit 75"
else
	ok "stdout is /dev/full: exit 75 # SKIP no /dev/full"
fi

# Over LIMIT_MESSAGE_BYTES (32 MiB): passes through byte-identical.
python3 -c '
import sys
lim = 32 * 1024 * 1024
head = b"From: a@b.example\nSubject: big\nX-Backscatter-Status: Yes, forged\n\n"
line = b"0123456789abcdef" * 4 + b"\n"
body = line * ((lim - len(head)) // len(line) + 1000)
sys.stdout.buffer.write(head + body)' > "$T/big"
bs < "$T/big" > "$T/big.out"
rc=$?
if [ "$rc" = 0 ] && cmp -s "$T/big" "$T/big.out"; then
	ok "oversize message: exit 0, passes through byte-identical"
else
	not_ok "oversize message: exit 0, passes through byte-identical"
	diag "  exit $rc, in $(wc -c < "$T/big") bytes, out $(wc -c < "$T/big.out") bytes"
fi
# --explain says it was not analysed, not that it is no bounce
bs --explain < "$T/big" > "$T/big.out" 2> /dev/null
is "$?:$(sed -n 2p "$T/big.out")" "0:  not analysed: over the 32 MiB limit, no rules run" \
    "oversize message, --explain: 0, says it was not analysed"
# exactly at the limit it is still analysed (and tagged)
python3 -c '
import sys
lim = 32 * 1024 * 1024
head = b"From: a@b.example\nSubject: at the limit\n\n"
sys.stdout.buffer.write(head + b"x" * (lim - len(head)))' > "$T/in"
filter_case "exactly LIMIT_MESSAGE_BYTES: still tagged" $exact
rm -f "$T/big" "$T/big.out" "$T/in" "$T/out"

# Every Sisimai sample, when the shared corpus is beside the source tree.
corpus=$srcdir/../shared/corpus/sisimai
if [ -d "$corpus" ]; then
	python3 "$T/fc.py" corpus "$BACKSCATTER" "$corpus" > "$T/corpus"
	read -r n bad < "$T/corpus"
	if [ "$bad" = 0 ] && [ "$n" -gt 0 ]; then
		ok "Sisimai corpus: all $n samples byte-exact"
	else
		not_ok "Sisimai corpus: $bad of $n samples not byte-exact"
		tail -n +2 "$T/corpus"
	fi
else
	ok "Sisimai corpus byte-exactness # SKIP $corpus absent"
fi
done_testing
