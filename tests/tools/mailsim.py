# mailsim.py - a small Internet of real mail software, for making fixtures.
#
# Used by tests/tools/mkkinds and tests/tools/mkproof (run them as root on
# Debian 12).  Everything runs inside a private network namespace and a private
# mount namespace made with unshare(1):
#   * the namespace's loopback interface carries the documentation addresses
#     the simulated hosts use (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24),
#     so every host talks to the others from its own address: a Received line
#     shows [198.51.100.20], never 127.0.0.1, and nothing is rewritten after
#     the fact; no packet can leave the namespace (it has no other interface);
#   * /etc is a private copy bind-mounted over the real one: the simulated
#     users, /etc/hosts (names and reverse names of the simulated hosts),
#     /etc/postfix and /etc/exim4 exist only inside; nothing on the machine
#     is changed and nothing is left behind;
#   * a private UTS namespace: the host name (which Dovecot writes into Message-IDs)
#     is the simulated host's, not the build machine's;
#   * daemons (Postfix instances, Exim daemons) live and die with the
#     namespace; stop() ends each by its pid, then any process still in the
#     private network namespace (by its pid, found through /proc).
# Exim is not installed (it would remove Postfix): its Debian package is
# fetched with "apt-get download" and unpacked with "dpkg -x".
import os, sys, subprocess, shutil, socket, time, tempfile, glob, signal, random, re

NS_FLAG = 'MAILSIM_IN_NAMESPACE'


def enter_namespaces(debs=()):
    """Fetch the Debian packages named (apt-get download, outside the namespace:
    it has no network), then re-run this program inside fresh network and mount
    namespaces."""
    if os.environ.get(NS_FLAG) == '1':
        return
    if os.getuid() != 0:
        sys.exit('%s: must run as root' % os.path.basename(sys.argv[0]))
    extra = {}
    cache = os.environ.get('MAILSIM_DEBS')
    if not cache:
        cache = tempfile.mkdtemp(prefix='mailsim-debs.')
        extra['MAILSIM_DEBS_TEMP'] = '1'         # World.stop removes it
    os.chmod(cache, 0o755)
    for p in debs:
        if not glob.glob('%s/%s_*.deb' % (cache, p)):
            run(['apt-get', 'download', '-q', p], cwd=cache, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
    env = dict(os.environ, **{NS_FLAG: '1', 'LC_ALL': 'C', 'TZ': 'UTC', 'MAILSIM_DEBS': cache}, **extra)
    os.execvpe('unshare', ['unshare', '--net', '--mount', '--uts', '--propagation', 'private',
                           sys.executable] + sys.argv, env)


def log(*a):
    sys.stderr.write('%s %s: %s\n' % (time.strftime('%H:%M:%S'),
                                      os.path.basename(sys.argv[0]), ' '.join(map(str, a))))
    sys.stderr.flush()


def run(cmd, check=True, **kw):
    r = subprocess.run(cmd, **kw)
    if check and r.returncode != 0:
        raise RuntimeError('command failed (%d): %s' % (r.returncode, ' '.join(map(str, cmd))))
    return r


class World:
    def __init__(self, keep=False):
        assert os.environ.get(NS_FLAG) == '1'
        # a signal ends the program through its finally: blocks, which stop the daemons
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, lambda n, f: sys.exit(128 + n))
        self.T = tempfile.mkdtemp(prefix='mailsim.')
        os.chmod(self.T, 0o755)
        self.keep = keep
        self.pids = []
        self.hosts = {}          # address -> [names]
        self.users = {}          # name -> (uid, home)
        self.next_uid = 21000
        self.debs = {}
        run(['ip', 'link', 'set', 'lo', 'up'])
        # the private /etc
        run(['cp', '-a', '/etc', self.T + '/etc'])
        run(['mount', '--bind', self.T + '/etc', '/etc'])
        with open('/etc/hosts', 'w') as f:
            f.write('127.0.0.1\tlocalhost\n')
        for d in ('/etc/exim4', '/etc/mailname'):
            pass
        os.makedirs('/etc/exim4', exist_ok=True)
        with open('/etc/mailname', 'w') as f:
            f.write('localhost\n')
        with open('/etc/resolv.conf', 'w') as f:
            f.write('nameserver 127.0.0.1\noptions timeout:1 attempts:1\n')
        self.mx = {}             # domain -> [(preference, host name)]
        self.dns = DNSServer(self)

    # -- hosts and users ------------------------------------------------------------
    def host(self, addr, *names):
        """Give the namespace's loopback the address, and name it in /etc/hosts."""
        if addr not in self.hosts:
            run(['ip', 'addr', 'add', addr + '/32', 'dev', 'lo'])
            self.hosts[addr] = []
        self.hosts[addr] += list(names)
        with open('/etc/hosts', 'w') as f:
            f.write('127.0.0.1\tlocalhost\n')
            for a, n in self.hosts.items():
                if n:
                    f.write('%s\t%s\n' % (a, ' '.join(n)))

    def mx_record(self, domain, host, pref=10):
        self.mx.setdefault(domain.lower(), []).append((pref, host))

    def user(self, name, gecos='', home=None, system=False):
        uid = self.next_uid
        self.next_uid += 1
        home = home or '%s/home/%s' % (self.T, name)
        with open('/etc/passwd', 'a') as f:
            f.write('%s:x:%d:%d:%s:%s:%s\n' % (name, uid, uid, gecos, home,
                                             '/usr/sbin/nologin' if system else '/bin/sh'))
        with open('/etc/group', 'a') as f:
            f.write('%s:x:%d:\n' % (name, uid))
        with open('/etc/shadow', 'a') as f:
            f.write('%s:!:19000:0:99999:7:::\n' % name)
        if not system:
            os.makedirs(home, exist_ok=True)
            os.chown(home, uid, uid)
            os.chmod(home, 0o755)
        self.users[name] = (uid, home)
        return uid, home

    def write_home(self, user, rel, text, mode=0o644):
        uid, home = self.users[user]
        p = os.path.join(home, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        data = text if isinstance(text, bytes) else text.encode('utf-8')
        with open(p, 'wb') as f:
            f.write(data)
        os.chmod(p, mode)
        d = os.path.dirname(p)
        while True:
            os.chown(d, uid, uid)
            if d == home:
                break
            d = os.path.dirname(d)
        os.chown(p, uid, uid)
        return p

    def as_user(self, user, cmd, **kw):
        uid, home = self.users[user]
        env = {'HOME': home, 'USER': user, 'LOGNAME': user, 'PATH': '/usr/bin:/bin:/usr/sbin',
               'LC_ALL': 'C', 'TZ': 'UTC'}

        def drop():
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
        return run(cmd, preexec_fn=drop, env=env, cwd=home, **kw)

    # -- packages that are not installed ---------------------------------------------
    def deb(self, pkg):
        """Fetch a Debian package with apt-get download and unpack it; returns the root."""
        if pkg in self.debs:
            return self.debs[pkg]
        cache = os.environ.get('MAILSIM_DEBS') or (self.T + '/deb')
        os.makedirs(cache, exist_ok=True)
        found = glob.glob('%s/%s_*.deb' % (cache, pkg))
        if not found:
            # apt-get needs the network, which this namespace has not: fetch outside it
            raise RuntimeError('package %s not fetched into %s' % (pkg, cache))
        root = '%s/unpacked/%s' % (self.T, pkg)
        os.makedirs(root, exist_ok=True)
        run(['dpkg', '-x', found[0], root])
        ver = subprocess.run(['dpkg-deb', '-f', found[0], 'Version'], capture_output=True,
                             text=True).stdout.strip()
        self.debs[pkg] = (root, ver)
        return self.debs[pkg]

    # -- daemons ----------------------------------------------------------------------
    def track(self, pid):
        self.pids.append(pid)

    def stop(self):
        for p in self.pids:
            try:
                os.kill(p, signal.SIGTERM)
            except ProcessLookupError:
                pass
        time.sleep(1.5)
        me = os.readlink('/proc/self/ns/net')
        for d in glob.glob('/proc/[0-9]*'):
            pid = int(d[6:])
            if pid == os.getpid():
                continue
            try:
                if os.readlink(d + '/ns/net') == me:
                    os.kill(pid, signal.SIGKILL)
            except (OSError, ProcessLookupError):
                pass
        if self.keep:
            log('kept', self.T)
        else:
            subprocess.run(['umount', '/etc'])
            shutil.rmtree(self.T, ignore_errors=True)
        if os.environ.get('MAILSIM_DEBS_TEMP') == '1':
            shutil.rmtree(os.environ['MAILSIM_DEBS'], ignore_errors=True)


# ---------------------------------------------------------------------------------------
# A name server for the namespace (127.0.0.1:53, the only use of loopback): A and PTR
# records from World.host, MX records from World.mx_record; everything else does not
# exist.  Exim verifies reverse names by forward DNS lookups, and MX lookups make the
# hosts route mail the way they do on the Internet.
class DNSServer:
    def __init__(self, world):
        import threading
        import dns.message, dns.rrset, dns.rcode, dns.flags  # python3-dnspython
        self.w = world
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(('127.0.0.1', 53))
        t = threading.Thread(target=self.serve, daemon=True)
        t.start()

    def answer(self, q):
        import dns.message, dns.rrset, dns.rcode, dns.rdatatype, dns.flags, dns.reversename
        r = dns.message.make_response(q)
        r.flags |= dns.flags.AA
        found_name = False
        for question in q.question:
            name = question.name.to_text().rstrip('.').lower()
            t = question.rdtype
            if t == dns.rdatatype.PTR:
                try:
                    addr = dns.reversename.to_address(question.name)
                except Exception:
                    addr = None
                names = self.w.hosts.get(addr) or []
                if names:
                    found_name = True
                    r.answer.append(dns.rrset.from_text(question.name, 300, 'IN', 'PTR',
                                                        names[0] + '.'))
                continue
            addrs = [a for a, ns in self.w.hosts.items() if name in [n.lower() for n in ns]]
            mx = self.w.mx.get(name)
            if addrs or mx:
                found_name = True
            if t == dns.rdatatype.A and addrs:
                r.answer.append(dns.rrset.from_text_list(question.name, 300, 'IN', 'A', addrs))
            elif t == dns.rdatatype.MX and mx:
                r.answer.append(dns.rrset.from_text_list(
                    question.name, 300, 'IN', 'MX', ['%d %s.' % m for m in mx]))
        if not found_name:
            r.set_rcode(dns.rcode.NXDOMAIN)
        return r

    def serve(self):
        import dns.message
        while True:
            try:
                data, peer = self.sock.recvfrom(4096)
                q = dns.message.from_wire(data)
                self.sock.sendto(self.answer(q).to_wire(), peer)
            except Exception:
                continue


# ---------------------------------------------------------------------------------------
# Postfix (the installed package).  The first instance made is the default one:
# its configuration is /etc/postfix (the private copy) and it lists the others in
# alternate_config_directories, so that sendmail(1)/postdrop(1) run by a local
# user's command (vacation, Dovecot LDA) with MAIL_CONFIG work as on a real host.
MASTER_CF = """\
{listen}
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
{extra}
"""


class Postfix:
    instances = []

    def __init__(self, world, name, main, listen, extra_master='', files=None):
        self.w, self.name = world, name
        default = not Postfix.instances
        self.etc = '/etc/postfix' if default else '%s/pf-%s/etc' % (world.T, name)
        self.q = '%s/pf-%s/spool' % (world.T, name)
        self.data = '%s/pf-%s/data' % (world.T, name)
        self.logf = '%s/pf-%s.log' % (world.T, name)
        os.makedirs(self.etc, exist_ok=True)
        for f in glob.glob(self.etc + '/*'):
            if os.path.isfile(f) and not f.endswith(('postfix-files', 'dynamicmaps.cf', 'makedefs.out')):
                os.remove(f)
        for sub in glob.glob(self.etc + '/*.d') + glob.glob(self.etc + '/sasl'):
            pass
        os.makedirs(self.data, exist_ok=True)
        shutil.chown(self.data, 'postfix')
        base = {
            'compatibility_level': '3.6',
            'inet_protocols': 'ipv4',
            'queue_directory': self.q,
            'data_directory': self.data,
            'mail_owner': 'postfix',
            'setgid_group': 'postdrop',
            'maillog_file': self.logf,
            'mailbox_size_limit': '0',
            'syslog_name': 'postfix-' + name if not default else 'postfix',
            'maillog_file_prefixes': world.T,
            'biff': 'no',
            'smtp_host_lookup': 'dns',
            'smtpd_banner': '$myhostname ESMTP Postfix (Debian/GNU)',
            'alias_maps': '',
            'alias_database': '',
            'queue_run_delay': '5s',
            'minimal_backoff_time': '5s',
            'maximal_backoff_time': '10s',
            'smtp_connect_timeout': '5s',
            'smtp_tls_security_level': 'none',
            'smtpd_tls_security_level': 'none',
            'import_environment': 'MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ LANG=C POSTLOG_SERVICE POSTLOG_HOSTNAME',
        }
        base.update(main)
        if default:
            base['alternate_config_directories'] = '$config_directory_others'
        self.main = base
        for fn, text in (files or {}).items():
            with open(os.path.join(self.etc, fn), 'w') as f:
                f.write(text)
        self.listen = listen
        self.extra_master = extra_master
        Postfix.instances.append(self)
        self.pid = None

    def write(self):
        m = dict(self.main)
        if self is Postfix.instances[0]:
            others = ' '.join(p.etc for p in Postfix.instances[1:])
            m['alternate_config_directories'] = others
        with open(self.etc + '/main.cf', 'w') as f:
            for k, v in m.items():
                f.write('%s = %s\n' % (k, v))
        with open(self.etc + '/master.cf', 'w') as f:
            f.write(MASTER_CF.format(listen=self.listen, extra=self.extra_master))

    def start(self):
        for p in Postfix.instances:      # the default instance names the others
            p.write()
        q = self.q
        for d in ('active', 'bounce', 'corrupt', 'defer', 'deferred', 'flush', 'hold',
                  'incoming', 'private', 'saved', 'trace', 'maildrop', 'public', 'pid'):
            os.makedirs('%s/%s' % (q, d), exist_ok=True)
        for d in ('active', 'bounce', 'corrupt', 'defer', 'deferred', 'flush', 'hold',
                  'incoming', 'private', 'saved', 'trace'):
            shutil.chown('%s/%s' % (q, d), 'postfix')
            os.chmod('%s/%s' % (q, d), 0o700)
        shutil.chown(q + '/maildrop', 'postfix', 'postdrop')
        os.chmod(q + '/maildrop', 0o730)
        shutil.chown(q + '/public', 'postfix', 'postdrop')
        os.chmod(q + '/public', 0o710)
        open(self.logf, 'a').close()
        env = dict(os.environ, MAIL_CONFIG=self.etc)
        run(['postfix', '-c', self.etc, 'check'], env=env)
        run(['/usr/lib/postfix/sbin/master', '-c', self.etc, '-w'], env=env)
        with open(q + '/pid/master.pid') as f:
            self.pid = int(f.read().strip())
        self.w.track(self.pid)
        log('postfix %s started (pid %d)' % (self.name, self.pid))

    def postconf(self, *args):
        return subprocess.run(['postconf', '-c', self.etc] + list(args), capture_output=True,
                              text=True).stdout.strip()

    def flush(self):
        run(['postqueue', '-c', self.etc, '-f'], check=False)

    def queue_empty(self):
        for d in ('incoming', 'active', 'maildrop'):
            for _, _, files in os.walk('%s/%s' % (self.q, d)):
                if files:
                    return False
        return True

    def deferred(self):
        n = 0
        for _, _, files in os.walk(self.q + '/deferred'):
            n += len(files)
        return n

    def delete_deferred(self):
        run(['postsuper', '-c', self.etc, '-d', 'ALL', 'deferred'], check=False,
            capture_output=True)


# ---------------------------------------------------------------------------------------
# Exim (unpacked from exim4-daemon-light), as a daemon with its own configuration,
# spool and log.  The configuration is named in /etc/exim4/trusted_configs (the
# private /etc), so Exim keeps root privilege with -C when root runs it.  One
# instance may be the default one (/etc/exim4/exim4.conf, no -C): the one whose
# local users' processes call Exim again (autoreply), which -C would strip of the
# privilege to write the spool.
class Exim:
    def __init__(self, world, name, conf, default=False):
        self.w, self.name = world, name
        root, self.version = world.deb('exim4-daemon-light')
        self.bin = root + '/usr/sbin/exim4'
        os.chmod(self.bin, 0o4755)      # setuid root, as installed: local users' child
                                        # processes (autoreply) write the spool
        self.dir = '%s/exim-%s' % (world.T, name)
        os.makedirs(self.dir + '/spool', exist_ok=True)
        os.makedirs(self.dir + '/log', exist_ok=True)
        shutil.chown(self.dir + '/spool', 'Debian-exim', 'Debian-exim')
        shutil.chown(self.dir + '/log', 'Debian-exim', 'Debian-exim')
        self.conf = '/etc/exim4/exim4.conf' if default else self.dir + '/exim.conf'
        self.copt = [] if default else ['-C', self.conf]
        head = ('spool_directory = %s/spool\nlog_file_path = %s/log/%%slog\n'
                'pid_file_path = %s/exim.pid\nexim_path = %s\nexim_user = Debian-exim\n'
                'exim_group = Debian-exim\nkeep_environment =\n' %
                (self.dir, self.dir, self.dir, self.bin))
        with open(self.conf, 'w') as f:
            f.write(head + conf)
        os.chmod(self.conf, 0o644)
        with open('/etc/exim4/trusted_configs', 'a') as f:
            f.write(self.conf + '\n')
        os.chmod('/etc/exim4/trusted_configs', 0o644)
        run([self.bin] + self.copt + ['-bV'], stdout=subprocess.DEVNULL)

    def start(self):
        run([self.bin] + self.copt + ['-bd', '-q5s'])
        for _ in range(50):
            if os.path.exists(self.dir + '/exim.pid'):
                break
            time.sleep(0.1)
        with open(self.dir + '/exim.pid') as f:
            self.pid = int(f.read().strip())
        self.w.track(self.pid)
        log('exim %s started (pid %d)' % (self.name, self.pid))

    def expand(self, s):
        return subprocess.run([self.bin] + self.copt + ['-be', s], capture_output=True,
                              text=True, check=True).stdout.rstrip('\n')

    def queue_empty(self):
        return not glob.glob(self.dir + '/spool/input/*-H') and \
            not glob.glob(self.dir + '/spool/input/*/*-H')

    def frozen_or_deferred(self):
        r = subprocess.run([self.bin] + self.copt + ['-bpc'], capture_output=True, text=True)
        return int(r.stdout.strip() or 0)

    def flush(self):
        run([self.bin] + self.copt + ['-qff'], check=False, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)

    def clear(self):
        r = subprocess.run([self.bin] + self.copt + ['-bp'], capture_output=True, text=True)
        ids = re.findall(r'\b([0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4})\b', r.stdout)
        if ids:
            subprocess.run([self.bin] + self.copt + ['-Mrm'] + ids, capture_output=True)


# ---------------------------------------------------------------------------------------
# An SMTP client that speaks from a chosen address (a spam bot, a phone's carrier relay,
# a vendor's outbound server): the receiving MTA writes a Received line naming it.
class SMTPError(Exception):
    pass


def smtp_send(src, dst, helo, mail_from, rcpts, data, port=25, mail_params='',
              rcpt_params='', expect_reject=False, auth=None):
    """Send one message; returns the server's reply to the end of DATA (or the
    rejection).  data: bytes with \\n or \\r\\n line ends."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.settimeout(60)
    s.connect((dst, port))
    f = s.makefile('rb')

    def reply():
        lines = []
        while True:
            l = f.readline().decode('latin-1')
            if not l:
                raise SMTPError('connection closed')
            lines.append(l.rstrip('\r\n'))
            if len(l) < 4 or l[3] != '-':
                return int(l[:3]), lines

    def cmd(c, ok=(250,)):
        s.sendall(c.encode('utf-8') + b'\r\n')
        code, lines = reply()
        if code not in ok:
            raise SMTPError('%s -> %s' % (c, ' / '.join(lines)))
        return code, lines
    try:
        reply()
        cmd('EHLO ' + helo)
        if auth:
            import base64
            tok = base64.b64encode(('\0%s\0%s' % auth).encode()).decode()
            cmd('AUTH PLAIN ' + tok, ok=(235,))
        cmd(('MAIL FROM:<%s> %s' % (mail_from, mail_params)).rstrip())
        for r in rcpts:
            cmd(('RCPT TO:<%s> %s' % (r, rcpt_params)).rstrip())
        cmd('DATA', ok=(354,))
        lines = data.replace(b'\r\n', b'\n').split(b'\n')
        if lines and lines[-1] == b'':
            lines.pop()
        out = b''.join((b'.' + l if l.startswith(b'.') else l) + b'\r\n' for l in lines) + b'.\r\n'
        s.sendall(out)
        code, lines = reply()
        if code != 250:
            raise SMTPError('DATA -> ' + ' / '.join(lines))
        cmd('QUIT', ok=(221,))
        return lines
    except SMTPError:
        if expect_reject:
            return None
        raise
    finally:
        s.close()


# ---------------------------------------------------------------------------------------
class Maildir:
    """A Maildir whose new/ is watched for what arrives."""

    def __init__(self, path):
        self.path = path
        self.seen = set()

    def _list(self):
        return sorted(glob.glob(self.path + '/new/*'))

    def mark(self):
        self.seen = set(self._list())

    def wait(self, n=1, timeout=30, settle=2.0, idle=None):
        """Wait for n new messages (then settle seconds more for strays); returns
        their paths in arrival order.  idle: a function that says the senders'
        queues are empty (then waiting stops early when nothing came)."""
        end = time.time() + timeout
        got = []
        while time.time() < end:
            got = [p for p in self._list() if p not in self.seen]
            if len(got) >= n:
                break
            time.sleep(0.2)
        if got and settle:
            time.sleep(settle)
            got = [p for p in self._list() if p not in self.seen]
        got.sort(key=lambda p: (os.stat(p).st_mtime, p))
        self.seen |= set(got)
        return got


def hexid(n):
    return ''.join(random.choice('0123456789abcdef') for _ in range(n))


def rfc_date(t=None, tz='+0000'):
    t = time.time() if t is None else t
    return time.strftime('%a, %d %b %Y %H:%M:%S ', time.gmtime(t)) + tz


# ---------------------------------------------------------------------------------------
# The world of the fixtures: our user alice@northwind.example and the hosts around her.
#
#   192.0.2.10    mx.northwind.example      Postfix: our MX, delivers to alice's Maildir
#   192.0.2.25    smtp.northwind.example    Exim: our outbound relay (my_relay)
#   198.51.100.14 ws-alice.office.northwind.example   alice's workstation (a client)
#   198.51.100.20 mx.remote.example         Postfix: accepts all, bounces later; local
#                 lists.remote.example      users with vacation(1), Dovecot LDA and
#                                           Sieve; mlmmj lists
#   198.51.100.21 mailstore.remote.example  Postfix: the next hop behind mx.remote.example
#   203.0.113.26  mailhub.partner.example     (the same instance), which refuses at RCPT
#                                           or at end of DATA
#   203.0.113.25  mx.partner.example        Exim: local users with autoreply, bounces
#   203.0.113.77 and others                 spam bots (clients), no reverse name
PRVS_STRIP = '/^prvs=[0-9]{4}[0-9a-f]{6}=(.+@.+)$/    ${1}\n'

ALICE_CLIENT = ('198.51.100.14', 'ws-alice.office.northwind.example')


def exim_relay_conf(tag_batv=False, sign_dkim=None, smarthost=None, routes=None):
    """Our relay.  routes: domain -> address of its MX.  tag_batv: the envelope
    sender gets Exim's ${prvs} tag with key 0 (secret in /etc/exim4/batv.secret).
    sign_dkim: (selector, private key file): Exim's own DKIM signing.  smarthost:
    (address, domains): mail to those domains goes through that smarthost."""
    routes = routes or {}
    lines = ['primary_hostname = smtp.northwind.example',
             'qualify_domain = northwind.example',
             'local_interfaces = 192.0.2.25',
             'daemon_smtp_ports = 25 : 587',
             'host_lookup = *',
             'rfc1413_hosts =',
             'hostlist relay_from_hosts = 198.51.100.14 : 192.0.2.0/24',
             'acl_smtp_rcpt = acl_rcpt',
             'acl_smtp_data = acl_data',
             'dsn_advertise_hosts = *',
             'auth_advertise_hosts = *',
             'smtp_accept_max = 50',
             'ignore_bounce_errors_after = 1d',
             'timeout_frozen_after = 2d',
             '']
    if tag_batv:
        lines.insert(0, 'BATV_SECRET = ${readfile{/etc/exim4/batv.secret}{}}')
    lines += ['begin acl', 'acl_rcpt:',
              '  accept authenticated = *',
              '  accept hosts = +relay_from_hosts',
              '  deny message = relay not permitted', '',
              'acl_data:', '  accept', '']
    lines += ['begin routers']
    if smarthost:
        addr, doms = smarthost
        lines += ['smarthost:', '  driver = manualroute',
                  '  domains = ' + ' : '.join(doms),
                  '  transport = remote_smtp', '  route_list = * %s' % addr, '  self = send', '']
    for dom, addr in routes.items():
        name = re.sub(r'\W', '_', dom)
        lines += ['r_%s:' % name, '  driver = manualroute', '  domains = ' + dom,
                  '  transport = remote_smtp', '  route_list = * %s' % addr, '  self = send', '']
    lines += ['dnslookup:', '  driver = dnslookup', '  transport = remote_smtp',
              '  no_more', '']
    lines += ['begin transports', 'remote_smtp:', '  driver = smtp', '  interface = 192.0.2.25',
              '  helo_data = smtp.northwind.example', '  hosts_try_chunking =',
              '  hosts_try_fastopen =']
    if tag_batv:
        lines += ['  return_path = ${if eq{$return_path}{}{}'
                  '{${prvs{$return_path}{BATV_SECRET}{0}}}}']
    if sign_dkim:
        sel, key = sign_dkim
        lines += ['  dkim_domain = northwind.example', '  dkim_selector = ' + sel,
                  '  dkim_private_key = ' + key, '  dkim_canon = relaxed']
    lines += ['', 'begin retry', '*  *  F,2d,15s', '',
              'begin authenticators', 'PLAIN:', '  driver = plaintext', '  public_name = PLAIN',
              '  server_prompts = :',
              '  server_condition = ${if and{{eq{$auth2}{alice}}{eq{$auth3}{correct horse}}}}',
              '  server_set_id = $auth2', '']
    return '\n'.join(lines)
