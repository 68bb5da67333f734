#!/usr/bin/env python3
"""bench/plan.py - the messages, rules, mailbox and plan of one bench/run.

    plan.py WORKDIR  (the rest from options; bench/run passes them)

Writes under WORKDIR:
  msg/*.eml        the messages: the fixtures of bench/data, a DSN in
                   ISO-2022-JP, and for every size a plain message and a
                   DSN returning an original of that size
  rules200/*.cf    200 user rule files; rules200.conf names the folder
  scan/cur/*       a Maildir: the Sisimai samples (when present) and plain
                   mail, for --scan
  spec.tsv         the commands for bench/rounds (see rounds.c)
  spec-rss.tsv     the same commands under GNU time, for peak RSS
  callgrind.tsv    what to count instructions of
  plan.json        the rows of the report: which commands, which target
Everything is generated from fixed seeds: two runs time the same bytes.
"""
import argparse
import base64
import json
import os
import random
import sys

LIMIT = 32 * 1024 * 1024            # LIMIT_MESSAGE_BYTES in src/base/limits.h

WORDS = ('the harbour project budget review moved to thursday and new ferry '
         'timetable starts next month we should check totals on page three '
         'before meeting with council planning office figures attached as '
         'promised let me know if anything looks wrong draft contract '
         'quarterly report shipping schedule invoice delivery warehouse '
         'customer order spring season pricing agreement supplier visit').split()


def text(rnd, n):
    """About n bytes of plain English-looking lines, 72 columns."""
    out, line = [], []
    size = 0
    while size < n:
        words = [rnd.choice(WORDS) for _ in range(rnd.randint(8, 14))]
        sentence = ' '.join(words).capitalize() + '.'
        for w in sentence.split():
            if sum(len(x) + 1 for x in line) + len(w) > 72:
                out.append(' '.join(line))
                size += len(out[-1]) + 1
                line = []
            line.append(w)
        if rnd.random() < 0.2:
            out.append(' '.join(line))
            out.append('')
            size += len(out[-2]) + 2
            line = []
    if line:
        out.append(' '.join(line))
    return '\n'.join(out) + '\n'


def header(rnd, sender, sender_name, to, to_name, relay, subject, n):
    """A received message's header block; n numbers its Message-ID."""
    sdom = sender.split('@')[1]
    return (
        'Return-Path: <%s>\n'
        'Received: from %s (%s [192.0.2.25])\n'
        '\tby mx.remote.example (Postfix) with ESMTPS id 4Z%06dQ\n'
        '\tfor <%s>; Tue, 18 Mar 2025 14:02:10 +0000 (UTC)\n'
        'From: %s <%s>\n'
        'To: %s <%s>\n'
        'Subject: %s\n'
        'Date: Tue, 18 Mar 2025 15:02:09 +0100\n'
        'Message-ID: <%08x.%d@%s>\n'
        'MIME-Version: 1.0\n' % (sender, relay, relay, n, to, sender_name, sender,
                                 to_name, to, subject, rnd.getrandbits(32), n, sdom))


def fill(body, want):
    """body padded with words (or cut) to exactly want bytes."""
    n = want - len(body) - 1            # before the last newline
    if n < 0:
        return body[:want - 1] + '\n'
    pad, i = '', 0
    while len(pad) < n:
        pad += WORDS[i % len(WORDS)] + ' '
        i += 1
    pad = pad[:n]
    if pad.endswith(' '):
        pad = pad[:-1] + '.'
    return body + pad + '\n'


def plain(size, seed, sender='carol@fabrikam.example', sender_name='Carol Jones',
          to='alice@northwind.example', to_name='Alice Example',
          relay='mail-out.fabrikam.example', subject=None):
    """A plain message of exactly size bytes: text alone up to 8 KB, else
    a short text and a base64 attachment (a PDF, say) filling the rest."""
    rnd = random.Random(seed)
    subject = subject or 'Quarterly update: %s %s' % (rnd.choice(WORDS), rnd.choice(WORDS))
    h = header(rnd, sender, sender_name, to, to_name, relay, subject, seed)
    if size <= 8000:
        h += 'Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 7bit\n\n'
        return (h + fill(text(rnd, size), size - len(h))).encode()
    b = 'mixed-%08x' % rnd.getrandbits(32)
    h += 'Content-Type: multipart/mixed; boundary="%s"\n\n' % b
    t = ('--%s\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 7bit\n\n'
         % b)
    words = text(rnd, 1500)
    a = ('\n--%s\nContent-Type: application/pdf; name="report.pdf"\n'
         'Content-Disposition: attachment; filename="report.pdf"\n'
         'Content-Transfer-Encoding: base64\n\n' % b)
    end = '--%s--\n' % b
    room = size - len(h) - len(t) - len(words) - len(a) - len(end) - 100
    raw = rnd.randbytes(max(room, 0) * 57 // 77)
    b64 = base64.encodebytes(raw).decode()
    body = t + fill(words, size - len(h) - len(t) - len(a) - len(b64) - len(end)) + a + b64 + end
    return (h + body).encode()


def dsn_around(template, original):
    """The DSN fixture with its returned original replaced."""
    i = template.index(b'Content-Type: message/rfc822')
    j = template.index(b'\n\n', i) + 2
    k = template.rindex(b'\n--')
    return template[:j] + original + template[k:]


def bounce(size, seed, template):
    """A DSN returning an original of size bytes, one of ours that left
    through our relay (the large bounces of real life: a big attachment to
    a full mailbox)."""
    orig = plain(size, seed, sender='alice@northwind.example', sender_name='Alice Example',
                 to='bob@remote.example', to_name='Bob', relay='smtp.northwind.example',
                 subject='Harbour report, the full scans')
    return dsn_around(template, orig)


def dsn_jp(dsn):
    """The DSN fixture with its text in ISO-2022-JP: iconv loads a module."""
    jp = dsn.replace(b'Content-Type: text/plain; charset=us-ascii',
                     b'Content-Type: text/plain; charset=ISO-2022-JP', 1)
    i = jp.index(b'charset=ISO-2022-JP')
    i = jp.index(b'\n\n', i) + 2
    line = '\u914d\u4fe1\u3067\u304d\u307e\u305b\u3093\u3067\u3057\u305f\n'
    return jp[:i] + line.encode('iso2022_jp') + jp[i:]


# --- 200 user rules ---------------------------------------------------------

SPAMWORDS = ('viagra cialis casino lottery winner jackpot bitcoin crypto forex loan '
             'mortgage refinance pharmacy replica rolex diet weightloss inheritance '
             'beneficiary prize claim unclaimed investment dating singles webcam '
             'seo backlinks ranking followers giftcard voucher coupon clearance '
             'wholesale factory supplier'.split())
DOMAINS = ('bulkmailer megadeals promo-blast cheapmeds-online fastloans247 luckywin '
           'newsletter-hub mailcannon offer-zone ranking-pros trustedpharma '
           'prize-center dating-now coin-profit'.split())
PHRASES = ((r'mailbox (?:is )?full', 'mailbox full'), (r'quota exceeded', 'quota exceeded'),
           (r'over quota', 'over quota'), (r'user unknown', 'user unknown'),
           (r'no such user', 'no such user'), (r'relay(?:ing)? denied', 'relaying denied'),
           (r'spf (?:check )?fail(?:ed)?', 'SPF failed'),
           (r'dmarc (?:policy|reject)', 'DMARC policy'),
           (r'message (?:size )?too large', 'message too large'),
           (r'blocked (?:by|due to) (?:policy|reputation)', 'blocked by policy'),
           (r'greylist(?:ed|ing)', 'greylisted'),
           (r'(?:listed|blacklisted|blocklisted) (?:at|on|by)', 'listed on a blocklist'),
           (r'out of (?:the )?office', 'out of office'), (r'on vacation until', 'on vacation'),
           (r'auto(?:matic)? ?reply', 'automatic reply'),
           (r'virus (?:found|detected)', 'virus found'),
           (r'content (?:rejected|filtered)', 'content rejected'),
           (r'suspicious (?:link|attachment)', 'suspicious link'))
MAILERS = ('PHPMailer', 'MailChimp Mailer', 'Mass Mailer', 'Atomic Mail Sender',
           'SendBlaster', 'Microsoft Outlook Express 6', 'The Bat!', 'Foxmail')


def user_rules(rnd, n):
    """n rule files, one rule each, the kinds a user writes: the bounce's
    headers and text, the returned original's headers and body."""
    files = []
    for i in range(n):
        w, w2 = rnd.sample(SPAMWORDS, 2)
        d = rnd.choice(DOMAINS)
        p, ph = rnd.choice(PHRASES)
        name = 'BS_LOCAL_%03d' % i
        k = i % 10
        if k == 0:
            rule = 'header   %s Subject =~ /\\b(?:undeliver\\w*|returned mail|failure notice)\\b.{0,40}\\b%s/i' % (name, w)
            what = 'A bounce whose subject names %s' % w
        elif k == 1:
            rule = 'header   %s From:addr =~ /@(?:mx\\d*\\.|mail\\.)?%s\\.(?:com|net|biz|info)$/i' % (name, d)
            what = 'A bounce from %s' % d
        elif k == 2:
            rule = 'body     %s /\\b%s\\b/i' % (name, p)
            what = 'The bounce says: %s' % ph
        elif k == 3:
            rule = 'body     %s /\\b(?:%s)\\b[^\\n]{0,60}\\b(?:%s|%s)\\b/i' % (name, p, w, d)
            what = 'The bounce text links %s and %s' % (ph, w)
        elif k == 4:
            rule = 'orig_header %s Subject =~ /\\b(?:%s|%s)\\b/i' % (name, w, w2)
            what = 'The original\'s subject offers %s or %s' % (w, w2)
        elif k == 5:
            rule = 'orig_header %s From =~ /<[^>@]+@(?:[\\w-]+\\.)*%s\\.\\w{2,6}>/i' % (name, d)
            what = 'The original came from %s' % d
        elif k == 6:
            rule = 'orig_header %s X-Mailer =~ /^%s/' % (name, rnd.choice(MAILERS).replace(' ', '\\s'))
            what = 'The original was sent by a bulk mailer'
        elif k == 7:
            rule = 'orig_body %s /\\b%s\\b.{0,40}\\b%s\\b/is' % (name, w, w2)
            what = 'The original\'s body pairs %s with %s' % (w, w2)
        elif k == 8:
            rule = 'orig_body %s /https?:\\/\\/(?:www\\.)?%s\\.(?:com|net|biz|info)\\//i' % (name, d)
            what = 'The original links to %s' % d
        else:
            rule = 'orig_body %s /\\$\\s?\\d{1,3}(?:,\\d{3})+(?:\\.\\d\\d)?\\s+(?:USD|dollars)\\b.{0,30}%s/i' % (name, w)
            what = 'The original promises money and %s' % w
        score = rnd.choice(('0.5', '1.0', '1.5', '2.0', '2.5', '3.0', '-1.0'))
        fn = '%03d_local_%s.cf' % (i, w)
        body = ('# %s - a local rule: %s.\n\n%s\ndescribe %s %s\nscore    %s %s\n'
                % (fn, what[0].lower() + what[1:], rule, name, what, name, score))
        files.append((fn, body))
    return files


# --- the plan -----------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('work')
    ap.add_argument('--data', required=True)
    ap.add_argument('--bin', required=True)
    ap.add_argument('--bin-from-disk', default=None,
                    help='a copy of --bin whose pages bench/run drops from the page cache')
    ap.add_argument('--cat', required=True)
    ap.add_argument('--sizes', required=True)
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('--mailbox', type=int, default=0,
                    help='messages in the --scan mailbox (a third bounces); 0: every bounce')
    ap.add_argument('--sisimai', default='')
    # argument vectors: tab-separated, so that paths may hold spaces
    argv = lambda s: [x for x in s.split('\t') if x]
    ap.add_argument('--empty', type=argv, default=[])
    ap.add_argument('--sa', type=argv, default=[])
    ap.add_argument('--spamc', type=argv, default=[])
    ap.add_argument('--time', default='')
    ap.add_argument('--heavy-every', type=int, default=4)
    ap.add_argument('--sa-every', type=int, default=5)
    ap.add_argument('--scan-every', type=int, default=5)
    a = ap.parse_args()
    W = a.work
    M = os.path.join(W, 'msg')
    os.makedirs(M, exist_ok=True)
    sizes = [int(s) for s in a.sizes.split()]

    def put(name, data):
        p = os.path.join(M, name + '.eml')
        with open(p, 'wb') as f:
            f.write(data)
        return p

    msgs = {}                       # name -> (path, bytes)
    for name, fixture in (('plain', 'plain.eml'), ('dsn', 'dsn-attached.eml'),
                          ('inline', 'inline-quoted.eml')):
        data = open(os.path.join(a.data, fixture), 'rb').read()
        msgs[name] = (put(name, data), len(data))
    dsn = open(msgs['dsn'][0], 'rb').read()
    data = dsn_jp(dsn)
    msgs['dsnjp'] = (put('dsnjp', data), len(data))
    for s in sizes:
        for kind, make in (('plain', plain), ('bounce', bounce)):
            data = make(s, s) if kind == 'plain' else make(s, s, dsn)
            msgs['%s-%d' % (kind, s)] = (put('%s-%d' % (kind, s), data), len(data))

    rd = os.path.join(W, 'rules200')
    os.makedirs(rd, exist_ok=True)
    for name, body in user_rules(random.Random(200), 200):
        with open(os.path.join(rd, name), 'w') as f:
            f.write(body)
    conf200 = os.path.join(W, 'rules200.conf')
    with open(conf200, 'w') as f:
        f.write('# 200 user rules, one a file\nrules_dir %s\n' % rd)

    # the mailbox for --scan: bounces (Sisimai's samples), then twice as
    # much plain mail of everyday sizes, mixed in one cur/
    sd = os.path.join(W, 'scan')
    for sub in ('cur', 'new', 'tmp'):
        os.makedirs(os.path.join(sd, sub), exist_ok=True)
    bounces = []
    if a.sisimai and os.path.isdir(a.sisimai):
        for root, _, names in sorted(os.walk(a.sisimai)):
            bounces += [os.path.join(root, n) for n in sorted(names) if n.endswith('.eml')]
    src = 'the Sisimai samples'
    if not bounces:
        src = 'the bench\'s own bounces'
        bounces = [msgs[m][0] for m in ('dsn', 'inline', 'dsnjp')] * 50
    if a.mailbox > 0:
        n = max(1, a.mailbox // 3)
        bounces = bounces[::max(1, len(bounces) // n)][:n]
    rnd = random.Random(7)
    scan_files, scan_bytes = [], 0
    plains = 2 * len(bounces) if a.mailbox <= 0 else a.mailbox - len(bounces)
    order = [('b', p) for p in bounces] + [('p', None)] * plains
    rnd.shuffle(order)
    for i, (k, p) in enumerate(order):
        if k == 'b':
            data = open(p, 'rb').read()
        else:
            size = int(1500 * (40 ** rnd.random()))     # 1.5 KB - 60 KB, log-uniform
            data = plain(size, 100000 + i, subject=' '.join(rnd.sample(WORDS, 4)).capitalize())
        fn = os.path.join(sd, 'cur', '1742306%03d.M%dP1.bench:2,S' % (i % 1000, i))
        with open(fn, 'wb') as f:
            f.write(data)
        scan_files.append(fn)
        scan_bytes += len(data)

    # --- the commands -----------------------------------------------------
    spec, rss, rows, cg = [], [], [], []
    ids = set()
    modes = {'file>null': ('file:', 'null'), 'file>pipe': ('file:', 'pipe'),
             'pipe>pipe': ('pipe:', 'pipe')}

    def cmd(cid, every, msg, mode, argv, want_rss=True):
        if cid in ids:
            return cid
        ids.add(cid)
        i, o = modes[mode] if msg else ('-', 'null')
        stdin = i + msgs[msg][0] if msg else '-'
        spec.append('\t'.join([cid, str(every), stdin, o] + argv))
        if want_rss and a.time:
            out = os.path.join(W, 'rss', cid.replace('/', '_'))
            rss.append('\t'.join([cid, '1', stdin, o, a.time, '-f', '%M', '-a', '-o', out] + argv))
        return cid

    def bs(msg, mode, every=1, args=(), tag='', prog=None):
        return cmd('bs%s:%s:%s' % (tag, msg, mode), every, msg, mode,
                   [prog or a.bin] + list(args))

    def cat(msg, mode, every=1):
        return cmd('cat:%s:%s' % (msg, mode), every, msg, mode, [a.cat])

    def target(kind, nominal):
        if nominal is not None and nominal > LIMIT:
            return ['<=', 1.1]
        if kind == 'plain':
            return ['<=', 1.1]
        return ['<=', 1.5] if nominal is None or nominal <= 100000 else ['<=', 2.0]

    # start-up: empty programs, cat and us on an empty message
    for p in a.empty:
        cmd('start:' + os.path.basename(p), 1, None, None, [p], want_rss=False)
    cmd('start:cat', 1, None, None, [a.cat], want_rss=False)
    cmd('start:version', 1, None, None, [a.bin, '--version'], want_rss=False)
    cmd('start:bs', 1, None, None, [a.bin], want_rss=False)
    rows.append({'section': 'startup', 'empty': ['start:' + os.path.basename(p) for p in a.empty],
                 'cat': 'start:cat', 'version': 'start:version', 'bs': 'start:bs'})

    # the fixtures, from a file, output thrown away
    fixtures = [('plain', 'plain message (newsletter-like, HTML alternative)', 'plain', ()),
                ('plain', 'plain message, --test', 'plain', ('--test',)),
                ('dsn', 'DSN, original attached', 'bounce', ()),
                ('dsn', 'DSN, original attached, --test', 'bounce', ('--test',)),
                ('inline', 'inline-quoted bounce (Exim)', 'bounce', ()),
                ('dsnjp', 'DSN, text in ISO-2022-JP', 'bounce', ()),
                ('dsn', 'DSN with 200 user rules in rules_dir', 'bounce', ('--config', conf200))]
    for m, label, kind, args in fixtures:
        tag = '' if not args else ('-test' if '--test' in args else '-rules200')
        b = bs(m, 'file>null', args=args, tag=tag)
        rows.append({'section': 'fixtures', 'label': label, 'msg': m, 'bytes': msgs[m][1],
                     'mode': 'file>null', 'cat': cat(m, 'file>null'), 'bs': b,
                     'target': target(kind, None), 'budget': 4096 + msgs[m][1] // 1024})
    # the same program read back from disk by its first run's page faults
    # (bench/run drops that copy's pages from the page cache first)
    if a.bin_from_disk:
        for m, label, kind in (('plain', 'plain message, the program read back from disk',
                                'plain'),
                               ('dsn', 'DSN, original attached, the program read back '
                                'from disk', 'bounce')):
            b = bs(m, 'file>null', tag='-disk', prog=a.bin_from_disk)
            rows.append({'section': 'fixtures', 'label': label, 'msg': m,
                         'bytes': msgs[m][1], 'mode': 'file>null',
                         'cat': cat(m, 'file>null'), 'bs': b,
                         'target': target(kind, None),
                         'budget': 4096 + msgs[m][1] // 1024})

    # the scaling rows
    for kind in ('plain', 'bounce'):
        for s in sizes:
            m = '%s-%d' % (kind, s)
            every = a.heavy_every if s >= 10000000 else 1
            for mode in modes:
                rows.append({'section': 'scaling', 'kind': kind, 'nominal': s, 'msg': m,
                             'bytes': msgs[m][1], 'mode': mode,
                             'cat': cat(m, mode, every), 'bs': bs(m, mode, every),
                             'target': target(kind, s), 'budget': 4096 + msgs[m][1] // 1024})

    # SpamAssassin and spamc/spamd on the same messages, the same rounds
    if a.quick:
        sa_msgs = ['dsn']
    else:
        sa_msgs = ['plain', 'dsn', 'inline', 'dsnjp'] + \
                  ['bounce-%d' % s for s in sizes if s <= 1000000 and s >= 100000]
    for m in sa_msgs:
        r = {'section': 'sa', 'msg': m, 'bytes': msgs[m][1], 'bs': bs(m, 'file>null')}
        if a.sa:
            r['sa'] = cmd('sa:%s' % m, a.sa_every, m, 'file>null', a.sa,
                          want_rss=(m == 'dsn'))
        if a.spamc:
            r['spamc'] = cmd('spamc:%s' % m, a.sa_every, m, 'file>null', a.spamc,
                             want_rss=False)
        if a.sa or a.spamc:
            rows.append(r)

    # --scan over the mailbox, and cat of every file in it
    rows.append({'section': 'scan', 'messages': len(scan_files), 'bounces': len(bounces),
                 'source': src, 'bytes': scan_bytes,
                 'bs': cmd('scan:bs', a.scan_every, None, None, [a.bin, '--scan', sd],
                           want_rss=False),
                 'cat': cmd('scan:cat', a.scan_every, None, None, [a.cat] + scan_files,
                            want_rss=False)})

    for m in ['plain', 'dsn', 'dsnjp', 'inline'] + ['bounce-%d' % s for s in sizes
                                                    if 100000 <= s <= 10000000]:
        cg.append('\t'.join([m, msgs[m][0]]))
    cg.append('\t'.join(['dsn-rules200', msgs['dsn'][0], '--config', conf200]))

    os.makedirs(os.path.join(W, 'rss'), exist_ok=True)
    for name, lines in (('spec.tsv', spec), ('spec-rss.tsv', rss), ('callgrind.tsv', cg)):
        with open(os.path.join(W, name), 'w') as f:
            f.write(''.join(l + '\n' for l in lines))
    with open(os.path.join(W, 'plan.json'), 'w') as f:
        json.dump({'rows': rows, 'sizes': sizes, 'limit': LIMIT,
                   'messages': {k: v[1] for k, v in msgs.items()}}, f, indent=1)
    return 0


if __name__ == '__main__':
    sys.exit(main())
