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
FIELD = re.compile(rb'([\x21-\x39\x3b-\x7e]+)[ \t]*:')


def lines(b):
    out, i = [], 0
    while i < len(b):
        m = EOL.search(b, i)
        j = m.end() if m else len(b)
        out.append(b[i:j])
        i = j
    return out


def without_old_fields(inp):
    """The input with the X-Backscatter-* fields of its header removed.
    A header line that ends the input without a line end gets the input's
    first line end (filter mode ends every header line it writes)."""
    ls, out, i = lines(inp), [], 0
    m = EOL.search(inp)
    eol = m.group(0) if m else b'\n'
    if inp.startswith(b'From '):
        out.append(ls[0])
        i = 1
    skipping = False
    while i < len(ls):
        l = ls[i]
        if l.rstrip(b'\r\n') == b'':
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
    # no empty line: the header runs to the end, as the hosts read it
    if not any(l.rstrip(b'\r\n') == b'' for l in rest):
        tail = (out + rest)[-1:]
        if tail and tail[0][-1:] not in (b'\n', b'\r'):
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
