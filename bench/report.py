#!/usr/bin/env python3
"""bench/report.py - RESULTS.md from one bench/run's work folder.

    report.py WORKDIR > RESULTS.md

Reads plan.json (the rows and their targets, from plan.py), raw.tsv (one
line a timed run, from rounds.c), rss/* (GNU time, one peak RSS a line),
cg.txt and cg-startup.txt (callgrind), env.txt (machine and versions).
A row's figure is the median of its per-round ratios, with their
interquartile range as the spread; targets are those of issue 13.
"""
import json
import os
import platform
import re
import statistics
import sys

W = sys.argv[1]
plan = json.load(open(os.path.join(W, 'plan.json')))
env = dict(l.rstrip('\n').split('|', 1) for l in open(os.path.join(W, 'env.txt')) if '|' in l)
env['python'] = 'Python ' + platform.python_version()

wall, cpu, status, loads = {}, {}, {}, []
for line in open(os.path.join(W, 'raw.tsv')):
    f = line.rstrip('\n').split('\t')
    if f[0] == '#load':
        loads.append(float(f[2]))
        continue
    r, cid = int(f[0]), f[2]
    wall.setdefault(cid, {})[r] = int(f[3]) / 1e9
    cpu.setdefault(cid, {})[r] = int(f[4]) / 1e9
    status.setdefault(cid, {})[r] = int(f[6])

# exit codes that are answers, not failures
ok_codes = lambda cid: {0, 1} if cid.startswith('bs-test:') else {0}
failed = {cid: sorted(set(s.values()) - ok_codes(cid)) for cid, s in status.items()}
failed = {k: v for k, v in failed.items() if v}


def quart(xs):
    xs = sorted(xs)
    if not xs:
        return None
    if len(xs) == 1:
        return xs[0], xs[0], xs[0]
    q1, q2, q3 = statistics.quantiles(xs, n=4, method='inclusive')
    return q2, q1, q3


def med(cid, d=wall):
    return statistics.median(d[cid].values()) if cid in d and d[cid] else None


def ratios(a, b, d=wall):
    """b's time over a's, per round where both ran."""
    if a not in d or b not in d:
        return []
    return [d[b][r] / d[a][r] for r in d[b] if r in d[a] and d[a][r] > 0]


def fx(q, digits=2):
    if q is None:
        return '-'
    m, lo, hi = q
    return '%.*fx (%.*f-%.*f)' % (digits, m, digits, lo, digits, hi)


def ms(t):
    return '-' if t is None else '%.3f' % (t * 1000)


def judge(value, target):
    """'met' or '**missed**' for value against [op, limit]."""
    if value is None or target is None:
        return '-'
    op, lim = target
    ok = value <= lim if op == '<=' else value >= lim
    return 'met' if ok else '**missed**'


def tgt(target, unit='x'):
    return '%s %g%s' % ('<=' if target[0] == '<=' else '>=', target[1], unit)


def size(n):
    for unit, div in (('MB', 1000000), ('KB', 1000)):
        if n >= div:
            v = n / div
            return ('%d %s' % (v, unit)) if v == int(v) else ('%.1f %s' % (v, unit))
    return '%d B' % n


def msg_label(m):
    fixed = {'plain': 'plain message', 'dsn': 'DSN, original attached',
             'inline': 'inline-quoted bounce (Exim)', 'dsnjp': 'DSN, text in ISO-2022-JP'}
    if m in fixed:
        return fixed[m]
    kind, n = m.rsplit('-', 1)
    return '%s, %s' % ('plain' if kind == 'plain' else 'DSN returning', size(int(n)))


def row_label(r):
    if r.get('label'):
        return r['label']
    label = msg_label(r['msg'])
    if r['nominal'] > plan['limit']:
        label += ' (over the limit)'
    return label


def flag(*cids):
    bad = [c for c in cids if c in failed]
    return ' (exit %s!)' % ','.join(str(x) for c in bad for x in failed[c]) if bad else ''


rows = plan['rows']
tally = {}                      # target label -> [met, missed]


def count(label, verdict):
    t = tally.setdefault(label, [0, 0])
    if verdict == 'met':
        t[0] += 1
    elif verdict != '-':
        t[1] += 1


o = []
quick = env.get('quick') == '1'
o.append('# bench/RESULTS.md: what one message costs, at every size and every way in\n')
o.append('Written by `bench/run`%s on %s: %s rounds after %s warm-up, every command once a '
         'round (the heavy ones every few rounds: the runs column says how many), the order '
         'rotated by one each round (`bench/rounds.c`). A figure is the **median of the '
         'per-round ratios** of backscatter\'s wall time over `cat`\'s on the same message in '
         'the same round, both run with `LC_ALL=C` and the same stdin and stdout; in '
         'parentheses the interquartile range of those ratios. "CPU / cat" is the same for '
         'user + system time. Absolute times are medians, for context only. Targets are issue '
         '13\'s.\n' % (' with BENCH_QUICK=1 (a smoke run: few rounds, small rows)' if quick else '',
                       env.get('date', '?'), env.get('rounds'), env.get('warmup')))
hi = max([float(env.get(k, '0').split()[0]) for k in ('load_t0', 'load_t1')] + loads)
if hi >= 2:
    o.append('**The load average reached %.2f during the timed rounds (on %s): these figures '
             'measure a busy machine, not backscatter. Rerun on a quiet one.**\n'
             % (hi, env.get('cpu', '?')))
if failed:
    o.append('**Commands that exited with an unexpected status:** %s. Their rows are marked '
             'with the exit code.\n' % ', '.join('`%s` (%s)' % (c, ','.join(map(str, v)))
                                                for c, v in sorted(failed.items())))
summary_at = len(o)

o.append('## Machine\n')
o.append('| | |')
o.append('|---|---|')
for k in ('machine', 'cpu', 'memory', 'os', 'cc', 'libc', 'pcre2', 'cat', 'time',
          'spamassassin', 'spamc', 'valgrind', 'python', 'backscatter', 'binary', 'linked'):
    if k in env:
        o.append('| %s | %s |' % (k, env[k]))
o.append('| load average (1, 5, 15 min) | at the start %s; timed rounds from %s to %s, '
         '1-min highest %.2f; at the end %s |' % (
             env.get('load_start', '?'), env.get('load_t0', '?'), env.get('load_t1', '?'),
             max(loads) if loads else -1, env.get('load_end', '?')))
o.append('')


def timed_table(sel, title, intro):
    o.append('## %s\n' % title)
    if intro:
        o.append(intro + '\n')
    o.append('| message | bytes | stdin > stdout | cat ms | backscatter ms | backscatter / cat '
             '(IQR) | CPU / cat | runs | target | |')
    o.append('|---|---:|---|---:|---:|---:|---:|---:|---|---|')
    for r in sel:
        q = quart(ratios(r['cat'], r['bs']))
        qc = quart(ratios(r['cat'], r['bs'], cpu))
        v = judge(q[0] if q else None, r['target'])
        label = row_label(r)
        kind = r.get('kind', 'plain' if r['msg'] == 'plain' else 'bounce')
        if r.get('nominal', 0) > plan['limit']:
            count('over the 32 MiB limit <= 1.1x', v)
        elif kind == 'plain':
            count('plain <= 1.1x at every size, file or pipe', v)
        elif r['target'][1] == 1.5:
            count('bounce <= 1.5x up to 100 KB (also: ISO-2022-JP, 200 user rules)', v)
        else:
            count('bounce <= 2x at every size up to the limit', v)
        o.append('| %s | %d | %s | %s | %s | %s%s | %s | %d | %s | %s |' % (
            label, r['bytes'], r['mode'].replace('>', ' > '), ms(med(r['cat'])),
            ms(med(r['bs'])), fx(q), flag(r['cat'], r['bs']),
            fx(qc) if qc else '-', len(ratios(r['cat'], r['bs'])), tgt(r['target']), v))
    o.append('')


timed_table([r for r in rows if r['section'] == 'scaling'], 'Every size, every way in',
            'A plain message (text, then a base64 attachment filling it to the size) and a '
            'DSN returning an original of that size (one of ours, with the same attachment). '
            '"file > null" is the message as a file with the output thrown away; "file > '
            'pipe" and "pipe > pipe" are as an MTA hands it over, the output read by another '
            'process, in 64 KiB pieces, like the input. Over the limit (%d bytes) nothing is '
            'analysed, so a bounce there is held to the plain target.' % plan['limit'])
timed_table([r for r in rows if r['section'] == 'fixtures'], 'The fixtures, user rules, '
            'a foreign charset', 'The messages of `bench/data`, the DSN with its text in '
            'ISO-2022-JP (iconv loads a module), and the DSN with 200 user rule files in '
            '`rules_dir` (header, body, orig_header and orig_body rules; the same `cat` row '
            'as the DSN). The 200-rule row is held to the small-bounce target. Every row '
            'runs the program as installed (install(1) wrote it: the page cache holds it in '
            'large folios); the two rows "read back from disk" run a copy whose pages were '
            'dropped from the page cache before the rounds, so that its first run read it '
            'back by page faults, one page at a time, as after a reboot.')
dropped = os.path.join(W, 'from-disk.txt')
if os.path.exists(dropped):
    try:
        res_b, file_b = (int(x) for x in open(dropped).read().split())
        o.append('The copy read back from disk: %d of its %d KiB were still in the page cache '
                 'after the drop%s.\n' % (res_b // 1024, file_b // 1024,
                 '' if res_b * 10 <= file_b else ' (the drop did not take, as on tmpfs: '
                 'those two rows are the installed program\'s)'))
    except ValueError:
        pass

for r in rows:
    if r['section'] != 'startup':
        continue
    cgs = {}
    p = os.path.join(W, 'cg-startup.txt')
    for l in open(p) if os.path.exists(p) else []:
        k, v = l.rstrip('\n').rsplit('|', 1)
        cgs[k] = v
    o.append('## Start-up: what a process costs before it reads a byte\n')
    o.append('Empty `main` programs, `cat` and backscatter on an empty message (stdin '
             '/dev/null). The floor a small message can reach is `cat`\'s.\n')
    o.append('| program | median ms | / cat < /dev/null (IQR) | instructions (callgrind) |')
    o.append('|---|---:|---:|---:|')
    names = {'start:empty-static': 'empty, static', 'start:empty-libc': 'empty, dynamic (libc)',
             'start:cat': 'cat < /dev/null', 'start:version': 'backscatter --version',
             'start:bs': 'backscatter < /dev/null'}
    for cid in r['empty'] + [r['cat'], r['version'], r['bs']]:
        if cid not in wall:
            continue
        q = quart(ratios(r['cat'], cid)) if cid != r['cat'] else None
        o.append('| %s%s | %s | %s | %s |' % (names.get(cid, cid), flag(cid), ms(med(cid)),
                                             fx(q), cgs.get(cid, '-')))
    o.append('')

for r in rows:
    if r['section'] != 'scan':
        continue
    o.append('## --scan: messages a second\n')
    o.append('`backscatter --scan` over one Maildir of %d messages: %d from %s (bounces, a few '
             'not) and '
             '%d plain messages of 1.5-60 KB, shuffled; its workers use every core (%s). '
             'A figure is the median of per-round rates (messages over wall time), with its '
             'interquartile range; `cat` of every file in one process is the floor.\n'
             % (r['messages'], r['bounces'], r['source'], r['messages'] - r['bounces'],
                env.get('cpu', '?').split(' x ')[-1]))
    rates = [r['messages'] / t for t in wall.get(r['bs'], {}).values()]
    q = quart(rates)
    v = judge(q[0] if q else None, ['>=', 10000])
    count('--scan >= 10,000 messages/s', v)
    # processor time, workers included (wait4 counts the children a
    # process reaped): what the cores could do were the machine not shared
    ncores = int(env.get('cpu', '? x 1').split(' x ')[-1] or 1)
    crates = [ncores * r['messages'] / t for t in cpu.get(r['bs'], {}).values() if t > 0]
    qc = quart(crates)
    o.append('| messages | bytes | --scan s | messages/s (IQR) | runs | target | | cat of every '
             'file, s | --scan / cat (IQR) | messages per processor second x %d cores (IQR) |'
             % ncores)
    o.append('|---:|---:|---:|---:|---:|---|---|---:|---:|---:|')
    o.append('| %d | %d | %s | %s%s | %d | >= 10000/s | %s | %s | %s | %s |' % (
        r['messages'], r['bytes'], '-' if med(r['bs']) is None else '%.3f' % med(r['bs']),
        '-' if q is None else '%.0f (%.0f-%.0f)' % q, flag(r['bs']), len(rates), v,
        '-' if med(r['cat']) is None else '%.3f' % med(r['cat']),
        fx(quart(ratios(r['cat'], r['bs'])), 1),
        '-' if qc is None else '%.0f (%.0f-%.0f)' % qc))
    o.append('\nThe wall-clock rate is the target\'s measure and depends on the load: on a '
             'machine shared with other work the workers wait for the cores. The last column '
             'is the rate from processor time (workers included), times the cores: what the '
             'same run would reach with the cores to itself.')
    o.append('')

sa_rows = [r for r in rows if r['section'] == 'sa']
if sa_rows:
    o.append('## SpamAssassin and spamc/spamd, same messages, same rounds\n')
    o.append('`spamassassin -L` and `spamc` against a `spamd -L -x` that bench/run started on '
             'a unix socket (2 children), both with the VBounce rules only and '
             '`welcomelist_bounce_relays` set; spamc with `-x`, so an unreachable spamd fails '
             'instead of passing the message through. A figure is the median of per-round '
             'ratios of their wall time over backscatter\'s (filter mode, stdin the file) on '
             'the same message in the same round.\n')
    o.append('| message | bytes | backscatter ms | spamassassin ms | SA / backscatter (IQR) | '
             '| spamc ms | spamc / backscatter (IQR) | | runs |')
    o.append('|---|---:|---:|---:|---:|---|---:|---:|---|---:|')
    for r in sa_rows:
        cells = []
        for k, lim, label in (('sa', 100, '>= 100x SpamAssassin (VBounce only), per message'),
                              ('spamc', 10, '>= 10x spamc/spamd, per message')):
            if k not in r:
                cells += ['-', '-', '-']
                continue
            q = quart(ratios(r['bs'], r[k]))
            v = judge(q[0] if q else None, ['>=', lim])
            count(label, v)
            cells += [ms(med(r[k])), fx(q, 0 if q and q[0] >= 10 else 1) + flag(r[k]),
                      '>= %dx %s' % (lim, v)]
        n = max(len(ratios(r['bs'], r[k])) for k in ('sa', 'spamc') if k in r)
        o.append('| %s | %d | %s | %s | %d |' % (msg_label(r['msg']), r['bytes'], ms(med(r['bs'])),
                                                 ' | '.join(cells), n))
    o.append('')

# --- peak RSS -----------------------------------------------------------------
rssd = os.path.join(W, 'rss')
rss = {}
for fn in os.listdir(rssd) if os.path.isdir(rssd) else []:
    vals = [int(x) for x in open(os.path.join(rssd, fn)).read().split() if x.isdigit()]
    if vals:
        rss[fn] = max(vals)
if rss:
    o.append('## Peak RSS (GNU time, the highest of %s runs)\n' % env.get('rss_runs'))
    o.append('Budget: 4 MiB + 1x the message. GNU time reports the child\'s `ru_maxrss`.\n')
    o.append('| message | bytes | stdin > stdout | cat KiB | backscatter KiB | budget KiB | |')
    o.append('|---|---:|---|---:|---:|---:|---|')
    for r in rows:
        if r['section'] not in ('scaling', 'fixtures'):
            continue
        c, b = rss.get(r['cat']), rss.get(r['bs'])
        if b is None:
            continue
        v = judge(b, ['<=', r['budget']])
        count('peak RSS <= 4 MiB + 1x the message', v)
        label = row_label(r)
        o.append('| %s | %d | %s | %s | %d | %d | %s |' % (
            label, r['bytes'], r['mode'].replace('>', ' > '), c if c else '-', b,
            r['budget'], v))
    sa = [(r['msg'], rss[r['sa']]) for r in sa_rows if r.get('sa') in rss]
    if sa:
        o.append('\nSpamAssassin, for scale: %s.' % ', '.join('%s %d KiB' % (msg_label(m), k)
                                                            for m, k in sa))
    o.append('')

# --- callgrind ------------------------------------------------------------------
cg = {}
p = os.path.join(W, 'cg.txt')
for l in open(p) if os.path.exists(p) else []:
    m, rest = l.split('|', 1)
    mm = re.match(r'\s*([\d,]+) \([^)]*\)\s+(.*)', rest)
    if not mm:
        continue
    n = int(mm.group(1).replace(',', ''))
    what = mm.group(2)
    if 'PROGRAM TOTALS' in what:
        cg.setdefault(m, {})['total'] = n
        continue
    fn = re.search(r':([A-Za-z_][\w.@]*)(?: \[|$)', what)
    if fn:
        k = fn.group(1).split('@')[0]
        cg.setdefault(m, {})[k] = max(n, cg.setdefault(m, {}).get(k, 0))
steps = [('total', 'whole process'), ('_dl_start', 'dynamic loader: map, relocate (ld.so)'),
         ('_dl_relocate_object', '  of which relocation'),
         ('main', 'main()'),
         ('config_load_default', 'config loading (system + user file)'),
         ('config_load', 'a config file read (config_load)'),
         ('rules_new', 'rule set allocation'), ('rules_add_builtin', 'built-in rules registered'),
         ('rules_add_config', 'user rule files registered (rules_dir, rules_file)'),
         ('message_read', 'reading stdin'), ('message_parse_header', 'header index'),
         ('anatomy_read', 'anatomy (kind, MIME, readers, original)'),
         ('charset_to_utf8', '  charset conversion'), ('iconv_open', '  iconv_open (gconv modules)'),
         ('__memmem', '  memmem'),
         ('score_message', 'evidence + rules + verdict'),
         ('rules_compile', '  rule set built + patterns decoded'),
         ('parse_text', '    of which rule text parsed'),
         ('pcre2_compile_8', '    of which pcre2_compile'), ('rules_run', '  rules run'),
         ('prefilter_text', '    of which trigram indexes (literal prefilter)'),
         ('pcre2_match_8', '    of which pcre2_match'),
         ('output_filter', 'filter output'),
         ('exit', 'exit (freeing, atexit)')]
if cg:
    o.append('## Instructions per step (callgrind, filter mode, inclusive)\n')
    o.append('Deterministic counts, whatever the load: the way to compare builds on a busy '
             'machine. Process creation in the kernel (exec, page faults) is not counted.\n')
    ms_ = [m for m in cg]
    o.append('| step | ' + ' | '.join('DSN, 200 user rules' if m == 'dsn-rules200' else
                                      msg_label(m) for m in ms_) + ' |')
    o.append('|---|' + '---:|' * len(ms_))
    for k, label in steps:
        if not any(k in cg[m] for m in ms_):
            continue
        o.append('| %s | %s |' % (label.replace('  ', '&nbsp;&nbsp;'), ' | '.join(
            '{:,}'.format(cg[m][k]) if k in cg[m] else '-' for m in ms_)))
    o.append('')

summary = ['## Targets of issue 13 at a glance\n', '| target | rows met | rows missed |',
           '|---|---:|---:|']
for label, (met, missed) in tally.items():
    summary.append('| %s | %d | %s |' % (label, met, ('**%d**' % missed) if missed else '0'))
summary.append('')
o[summary_at:summary_at] = summary
print('\n'.join(o))
