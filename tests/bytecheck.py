#!/usr/bin/env python3
"""bytecheck.py - is filter-mode output byte-exact?

    bytecheck.py filter INPUT OUTPUT   the input with every X-Backscatter-*
                                       field of its header removed and our
                                       three fields inserted (with at most
                                       one line ending either side of them)
    bytecheck.py same INPUT OUTPUT     the input unchanged (oversize, errors)

Exit 0 when it holds; 1 with a reason on stderr otherwise. Used by
tests/hostile.sh, regress.sh, adversarial.sh, faults-filter.sh and
deliver.sh.
"""
import re
import sys

EOL = re.compile(rb'\r\n|\r|\n')
LF = re.compile(rb'\n')
FIELD = re.compile(rb'([\x21-\x39\x3b-\x7e]+)[ \t]*:')


def kind(b):
    """The message's line ends, by its first: 'lf', 'crlf' or 'cr'."""
    m = EOL.search(b)
    return {b'\r\n': 'crlf', b'\r': 'cr'}.get(m.group(0) if m else b'\n', 'lf')


def lines(b):
    """Lines as the hosts after filter mode read them: an LF or CRLF
    message's end at LF alone (a bare CR is a byte of its line), a CR
    message's at CR, CRLF or LF."""
    out, i = [], 0
    eol = EOL if kind(b) == 'cr' else LF
    while i < len(b):
        m = eol.search(b, i)
        j = m.end() if m else len(b)
        out.append(b[i:j])
        i = j
    return out


def blank(l, k):
    """Is l the empty line that ends the header (as the reader finds it)?"""
    if k == 'lf':
        return l == b'\n'
    if k == 'crlf':
        return l in (b'\r\n', b'\n')
    return l in (b'\r', b'\n') or l.startswith(b'\n')


def without_old_fields(inp):
    """The input with the X-Backscatter-* fields of its header removed.
    A header line that ends the input without a line end gets the input's
    first line end (filter mode ends every header line it writes)."""
    ls, out, i, k = lines(inp), [], 0, kind(inp)
    m = EOL.search(inp)
    eol = m.group(0) if m else b'\n'
    if inp.startswith(b'From '):
        out.append(ls[0])
        i = 1
    skipping = False
    while i < len(ls):
        l = ls[i]
        if blank(l, k):
            break
        if l[:1] in (b' ', b'\t'):
            if not skipping:
                out.append(l)
            i += 1
            continue
        m = FIELD.match(l)
        if m is None:
            break
        skipping = m.group(1).lower().startswith(b'x-backscatter-')
        if not skipping:
            out.append(l)
        i += 1
    rest = ls[i:]
    # no empty line: the header runs to the end, as the hosts read it;
    # its last line is unended as lines() reads it (in an LF or CRLF
    # message a bare CR last is a byte of the line, not its end)
    if not any(blank(l, k) for l in rest):
        tail = (out + rest)[-1:]
        ends = (b'\n', b'\r') if k == 'cr' else (b'\n',)
        if tail and tail[0][-1:] not in ends:
            rest = rest + [eol]
    return b''.join(out + rest)


def ours(out):
    """(start, end) of our three fields in out, or None."""
    m = re.search(rb'X-Backscatter-Status: (?:Yes|No), score=-?\d+\.\d '
                  rb'required=-?\d+\.\d kind=[a-z]+(\r\n|\r|\n)', out)
    if m is None:
        return None
    e = re.escape(m.group(1))
    t = re.compile(rb'(?:\t[^\r\n]*' + e + rb')+X-Backscatter-Score: -?\d+\.\d' +
                   e + rb'X-Backscatter-Level: \**' + e)
    n = t.match(out, m.end())
    return (m.start(), n.end()) if n else None


def check_filter(inp, out):
    want = without_old_fields(inp)
    span = ours(out)
    if span is None:
        return "our fields are missing or malformed"
    a, b = out[:span[0]], out[span[1]:]
    for ta in (b'', b'\r\n', b'\n', b'\r'):
        for tb in (b'', b'\r\n', b'\n', b'\r'):
            if not a.endswith(ta) or not b.startswith(tb):
                continue
            if a[:len(a) - len(ta)] + b[len(tb):] == want:
                return None
    k = next((i for i in range(min(len(a) + len(b), len(want)))
              if (a + b)[i] != want[i]), min(len(a) + len(b), len(want)))
    return ("output differs from the input at byte %d (input %d bytes, "
            "output without our fields %d)" % (k, len(want), len(a) + len(b)))


def main():
    mode, fin, fout = sys.argv[1:4]
    inp = open(fin, 'rb').read()
    out = open(fout, 'rb').read()
    if mode == 'same':
        err = None if inp == out else "output is not the input unchanged (%d vs %d bytes)" % (len(inp), len(out))
    else:
        err = check_filter(inp, out)
    if err:
        sys.stderr.write("bytecheck: %s: %s\n" % (fin, err))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
