# northwind.py - the hosts around alice@northwind.example, built with mailsim.py,
# shared by tests/tools/mkkinds and tests/tools/mkproof.  See mailsim.py for how
# they run (network and mount namespaces, documentation addresses on the
# namespace's loopback).
import os, time, random, shutil, subprocess
import mailsim
from mailsim import World, Postfix, Exim, Maildir, smtp_send, log, rfc_date, hexid, run

MX_NW = '192.0.2.10'
RELAY = '192.0.2.25'
WS_ALICE = '198.51.100.14'
MX_REMOTE = '198.51.100.20'
STORE = '198.51.100.21'
MX_PARTNER = '203.0.113.25'
HUB_PARTNER = '203.0.113.26'
WS_REMOTE = '198.51.100.60'    # a workstation at remote.example (people's replies)
WS_PARTNER = '203.0.113.31'    # a workstation at partner.example

# spam bots: address, HELO, reverse name (None: no PTR)
BOTS = [
    ('203.0.113.77', 'dsl-187-33-12-9.dynamic.example.net', None),
    ('198.51.100.199', 'User', None),
    ('203.0.113.141', 'host-141.cable.isp-brazil.example', 'host-141.cable.isp-brazil.example'),
    ('203.0.113.203', 'WIN-7Q2K9M1PLX', None),
    ('198.51.100.233', 'ppp-233.adsl.pool.example.ru', 'ppp-233.adsl.pool.example.ru'),
]

DOVECOT_CONF = """\
protocols =
ssl = no
base_dir = {T}/dovecot-run
state_dir = {T}/dovecot-state
log_path = {T}/dovecot.log
info_log_path = {T}/dovecot.log
mail_location = maildir:~/Maildir
first_valid_uid = 1000
postmaster_address = postmaster@remote.example
hostname = mx.remote.example
sendmail_path = /usr/sbin/sendmail -C {PFREMOTE}
recipient_delimiter = +
lda_mailbox_autocreate = yes
stats_writer_socket_path =
import_environment = TZ MAIL_CONFIG
userdb {{
  driver = passwd-file
  args = {T}/dovecot.users
}}
passdb {{
  driver = passwd-file
  args = {T}/dovecot.users
}}
mail_plugins = quota
protocol lda {{
  mail_plugins = $mail_plugins sieve
}}
plugin {{
  sieve = file:~/sieve;active=~/.dovecot.sieve
  sieve_vacation_min_period = 0
  sieve_vacation_default_period = 0
  sieve_vacation_dont_check_recipient = no
  quota = maildir:User quota
  quota_status_overquota = 552 5.2.2 Mailbox is full
}}
"""


class Northwind:
    def __init__(self, keep=False):
        self.w = w = World(keep=keep)
        T = w.T
        run(['hostname', 'mx.remote.example'])   # Dovecot LDA runs there
        w.host(MX_NW, 'mx.northwind.example')
        w.host(RELAY, 'smtp.northwind.example')
        w.host(WS_ALICE, 'ws-alice.office.northwind.example')
        w.host(MX_REMOTE, 'mx.remote.example')
        w.host(STORE, 'mailstore.remote.example')
        w.host(MX_PARTNER, 'mx.partner.example')
        w.host(HUB_PARTNER, 'mailhub.partner.example')
        w.host(WS_REMOTE, 'ws17.remote.example')
        w.host(WS_PARTNER, 'pc-bob.partner.example')
        w.mx_record('northwind.example', 'mx.northwind.example')
        w.mx_record('remote.example', 'mx.remote.example')
        w.mx_record('lists.remote.example', 'mx.remote.example')
        w.mx_record('partner.example', 'mx.partner.example')
        for addr, helo, ptr in BOTS:
            w.host(addr, *([ptr] if ptr else []))
        w.user('Debian-exim', system=True, home='/nonexistent')
        w.user('mlmmj', system=True, home=T + '/mlmmj')
        self.alice_uid, self.alice_home = w.user('alice', 'Alice Example')
        self.maildir = Maildir(self.alice_home + '/Maildir')
        for sub in ('new', 'cur', 'tmp'):
            os.makedirs('%s/Maildir/%s' % (self.alice_home, sub), exist_ok=True)
        run(['chown', '-R', 'alice:alice', self.alice_home])
        self.remote_users = []
        self.partner_users = []
        self.store_users = []
        self.extra_hosts = {}

    def remote_user(self, name, gecos=''):
        self.w.user(name, gecos)
        self.remote_users.append(name)

    def partner_user(self, name, gecos=''):
        self.w.user(name, gecos)
        self.partner_users.append(name)

    # -- the hosts -------------------------------------------------------------------------
    def build(self, relay_conf, remote_main=None, remote_files=None, remote_master='',
              partner_conf='', store_rcpt=None, store_body=None, store_main=None, nw_main=None):
        w, T = self.w, self.w.T
        # our MX (the default Postfix instance)
        main = {
            'myhostname': 'mx.northwind.example', 'mydomain': 'northwind.example',
            'myorigin': 'northwind.example',
            'mydestination': 'northwind.example, mx.northwind.example',
            'inet_interfaces': MX_NW, 'smtp_bind_address': MX_NW,
            'mynetworks': '192.0.2.0/24',
            'home_mailbox': 'Maildir/',
            'recipient_canonical_maps': 'regexp:/etc/postfix/batv-strip',
            'alias_maps': 'texthash:/etc/postfix/aliases',
            'smtpd_recipient_restrictions': 'permit_mynetworks, reject_unauth_destination',
            'recipient_delimiter': '+',
        }
        main.update(nw_main or {})
        self.nw = Postfix(w, 'nw', main, '%s:25 inet n - n - - smtpd' % MX_NW, files={
            'batv-strip': mailsim.PRVS_STRIP,
            'aliases': 'postmaster alice\nabuse alice\nhostmaster alice\n'})
        # mx.remote.example and its next hop
        pfremote = '%s/pf-remote/etc' % T
        main = {
            'myhostname': 'mx.remote.example', 'mydomain': 'remote.example',
            'myorigin': 'remote.example',
            'mydestination': 'remote.example, mx.remote.example, localhost',
            'inet_interfaces': MX_REMOTE, 'smtp_bind_address': MX_REMOTE,
            'mynetworks': '198.51.100.0/24',
            'local_recipient_maps': '',
            'home_mailbox': 'Maildir/',
            'mailbox_command': '/usr/lib/dovecot/dovecot-lda -c %s/dovecot.conf -f "$SENDER" -a "$RECIPIENT"' % T,
            'alias_maps': 'texthash:%s/aliases' % pfremote,
            'transport_maps': 'texthash:%s/transport' % pfremote,
            'mailbox_size_limit': '0',
            'recipient_delimiter': '+',
            'mlmmj_destination_recipient_limit': '1',
            'smtpd_recipient_restrictions': 'permit_mynetworks, reject_unauth_destination',
            'delay_warning_time': '0',
        }
        main.update(remote_main or {})
        files = {'aliases': 'postmaster root\nroot ravi\n', 'transport': ''}
        files.update(remote_files or {})
        master = ('mlmmj unix - n n - - pipe\n'
                  '  flags=ORhu user=mlmmj argv=/usr/bin/mlmmj-receive -F -L %s/mlmmj/${nexthop}\n' % T)
        self.remote = Postfix(w, 'remote', main, '%s:25 inet n - n - - smtpd' % MX_REMOTE,
                              extra_master=master + remote_master, files=files)
        pfstore = '%s/pf-store/etc' % T
        main = {
            'myhostname': 'mailstore.remote.example', 'mydomain': 'remote.example',
            'myorigin': 'remote.example',
            'mydestination': 'remote.example, partner.example',
            'inet_interfaces': '%s, %s' % (STORE, HUB_PARTNER), 'smtp_bind_address': STORE,
            'mynetworks': '%s/32' % STORE,
            'home_mailbox': 'Maildir/',
            'alias_maps': '',
            'smtpd_recipient_restrictions':
                'check_recipient_access texthash:%s/rcpt-access, reject_unauth_destination' % pfstore,
            'body_checks': 'regexp:%s/body_checks' % pfstore,
            'message_size_limit': '8192',
        }
        main.update(store_main or {})
        self.store = Postfix(w, 'store', main, '%s:25 inet n - n - - smtpd\n'
                             '%s:25 inet n - n - - smtpd -o myhostname=mailhub.partner.example' % (STORE, HUB_PARTNER),
                             files={'rcpt-access': store_rcpt or '', 'body_checks': store_body or ''})
        with open('%s/dovecot.conf' % T, 'w') as f:
            f.write(DOVECOT_CONF.format(T=T, PFREMOTE=pfremote))
        for d in ('dovecot-run', 'dovecot-state'):
            os.makedirs('%s/%s' % (T, d), exist_ok=True)
            os.chmod('%s/%s' % (T, d), 0o777)
        open(T + '/dovecot.log', 'a').close()
        os.chmod(T + '/dovecot.log', 0o666)
        self.write_dovecot_users()
        # our relay
        self.relay = Exim(w, 'relay', relay_conf)
        # mx.partner.example
        self.partner = Exim(w, 'partner', partner_conf, default=True) if partner_conf else None

    def write_dovecot_users(self, extra=None):
        extra = extra or {}
        with open(self.w.T + '/dovecot.users', 'w') as f:
            for u in self.remote_users:
                uid, home = self.w.users[u]
                f.write('%s::%d:%d::%s::%s\n' % (u, uid, uid, home, extra.get(u, '')))
        os.chmod(self.w.T + '/dovecot.users', 0o644)

    def start(self):
        self.nw.start()
        self.remote.start()
        self.store.start()
        self.relay.start()
        if self.partner:
            self.partner.start()

    def stop(self):
        self.w.stop()

    # -- traffic ---------------------------------------------------------------------------
    def idle(self):
        return all(p.queue_empty() for p in Postfix.instances) and \
            self.relay.queue_empty() and (not self.partner or self.partner.queue_empty())

    def settle(self, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            if self.idle():
                return True
            time.sleep(0.3)
        return False

    def send_as_alice(self, rcpts, data, envelope='alice@northwind.example', mail_params='',
                      rcpt_params=''):
        """alice's mail client submits through our relay (SMTP AUTH on port 587)."""
        return smtp_send(WS_ALICE, RELAY, '[10.20.30.41]', envelope, rcpts, data, port=587,
                         auth=('alice', 'correct horse'), mail_params=mail_params,
                         rcpt_params=rcpt_params)

    def send_from_bot(self, bot, dst, rcpts, data, envelope='alice@northwind.example',
                      mail_params='', rcpt_params=''):
        addr, helo, _ = BOTS[bot]
        return smtp_send(addr, dst, helo, envelope, rcpts, data, mail_params=mail_params,
                         rcpt_params=rcpt_params)

    def collect(self, n=1, timeout=40):
        """Wait for n messages in alice's Maildir; returns their bytes."""
        paths = self.maildir.wait(n, timeout=timeout)
        out = []
        for p in paths:
            with open(p, 'rb') as f:
                out.append(f.read())
            os.remove(p)
        return out
