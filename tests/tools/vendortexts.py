# vendortexts.py - messages of mail systems Debian does not have (Exchange and
# Microsoft 365, Gmail, Zimbra, Yahoo, Lotus Notes, ticket systems, challenge-
# response services, content filters and gateways, other MTAs' bounces, read
# receipts, feedback reports, plain mail), written by hand after the vendors'
# public documentation and descriptions of these messages and the RFCs (3464,
# 3798/8098, 3834, 5965), for tests/tools/mkvendor.  Each builder returns the
# message as the vendor's system sends it (its own Received lines included);
# mkvendor delivers it to alice through our MX.
import base64, quopri, random, time, uuid
from email.header import Header
import fixturetexts as FT

ALICE = 'alice@northwind.example'
R = random.Random(20261127)


def hx(n):
    return ''.join(R.choice('0123456789abcdef') for _ in range(n))


def HX(n):
    return hx(n).upper()


def b64(s, cs):
    return base64.encodebytes(s.encode(cs)).decode('ascii')


def qp(s, cs):
    return quopri.encodestring(s.encode(cs)).decode('ascii')


def ew(s, cs='utf-8', enc='B'):
    """one RFC 2047 encoded word (or several, folded), as the vendor writes them"""
    try:
        s.encode('ascii')
        return s
    except UnicodeEncodeError:
        pass
    try:
        s.encode(cs)
    except UnicodeEncodeError:
        cs = 'utf-8'
    if enc == 'Q':
        return Header(s, cs).encode()
    raw = s.encode(cs)
    return '=?%s?B?%s?=' % (cs, base64.b64encode(raw).decode())


def date(offset=0, tz='+0000'):
    return FT.rdate(offset).replace('+0000', tz)


def body_part(text, cs, cte):
    if cte == 'base64':
        return b64(text, cs)
    if cte == 'quoted-printable':
        return qp(text, cs)
    if cte == '7bit':
        return text.encode(cs).decode('ascii')
    return text


# ---------------------------------------------------------------------------------------
# The originals, as the vendor's MX received them
def orig(label, rcpt, idx, mx, mx_id=None, rcpt_name=None, dsn_hdrs=False, with_body=True,
         extra_headers=()):
    """(bytes, message_id, subject) of alice's real message (legit) or of spam forging
    her (bs), with the Received line the vendor's MX wrote on top."""
    mx_id = mx_id or HX(10)
    if label == 'legit':
        data, mid, subj = FT.legit(rcpt, (rcpt_name or rcpt.split('@')[0]).split()[0].capitalize(),
                                   idx, to_name=rcpt_name, extra_headers=extra_headers)
        top = ('Received: from smtp.northwind.example (smtp.northwind.example [192.0.2.25])\n'
               '\tby %s with ESMTPS id %s\n\tfor <%s>; %s\n'
               'Received: from ws-alice.office.northwind.example ([198.51.100.14] helo=[10.20.30.41])\n'
               '\tby smtp.northwind.example with esmtpa (Exim 4.96)\n'
               '\t(envelope-from <alice@northwind.example>)\n\tid 1xY%s-000%s-%s\n\tfor %s;\n\t%s\n'
               % (mx, mx_id, rcpt, date(-60), hx(3), hx(3).upper(), hx(2), rcpt, date(-62)))
    else:
        bots = [('203.0.113.77', 'dsl-187-33-12-9.dynamic.example.net', 'unknown'),
                ('198.51.100.199', 'User', 'unknown'),
                ('203.0.113.141', 'host-141.cable.isp-brazil.example', 'host-141.cable.isp-brazil.example'),
                ('198.51.100.233', 'ppp-233.adsl.pool.example.ru', 'ppp-233.adsl.pool.example.ru')]
        ip, helo, ptr = bots[idx % len(bots)]
        data, mid, subj = FT.spam(rcpt, idx)
        top = ('Received: from %s (%s [%s])\n\tby %s with SMTP id %s\n\tfor <%s>; %s\n'
               % (helo, ptr, ip, mx, mx_id, rcpt, date(-60)))
    data = top.encode() + data
    if not with_body:
        data = data.split(b'\n\n', 1)[0] + b'\n'
    return data, mid, subj


def headers_of(data):
    return data.split(b'\n\n', 1)[0] + b'\n'


def text_of(data):
    """the original's body as text (for quoting)"""
    return data.split(b'\n\n', 1)[1].decode('utf-8', 'replace') if b'\n\n' in data else ''


def quote_headers(data, names=('From', 'Sent', 'Date', 'To', 'Subject')):
    out = []
    for line in data.split(b'\n\n', 1)[0].decode('utf-8', 'replace').split('\n'):
        for n in names:
            if line.lower().startswith(n.lower() + ':'):
                out.append(line)
    return '\n'.join(out)


def msg(headers, body):
    """headers: list of 'Name: value' (folded already); body: str"""
    return ('\n'.join(headers) + '\n\n' + body).encode('utf-8', 'surrogateescape')


def multipart(ctype, parts, boundary=None, preamble='This is a multi-part message in MIME format.'):
    b = boundary or '----=_Part_%s' % hx(16)
    out = ''
    if preamble:
        out += preamble + '\n\n'
    for hdrs, body in parts:
        out += '--%s\n%s\n\n%s' % (b, '\n'.join(hdrs), body if isinstance(body, str) else body.decode('utf-8', 'surrogateescape'))
        if not out.endswith('\n'):
            out += '\n'
    out += '--%s--\n' % b
    return 'Content-Type: %s; boundary="%s"' % (ctype, b), out


def msgb(headers, body_bytes):
    return ('\n'.join(headers) + '\n\n').encode('utf-8') + body_bytes


# ---------------------------------------------------------------------------------------
# Out-of-office texts, by language: (charset Exchange/Outlook uses, subject prefix of
# Exchange 2010+ and Microsoft 365 "Automatic reply", the text)
OOF = {
    'en': ('us-ascii', 'Automatic reply:', 'en-GB',
           'Thank you for your email. I am out of the office until Monday 14 December with\n'
           'limited access to email. For urgent matters please contact our office on\n'
           '+44 20 7946 0000.\n\nKind regards\n{name}'),
    'de': ('iso-8859-1', 'Automatische Antwort:', 'de-DE',
           'Vielen Dank für Ihre Nachricht.\n\nIch bin bis einschließlich 11.12. nicht im Büro '
           'und habe nur eingeschränkt\nZugriff auf meine E-Mails. In dringenden Fällen wenden '
           'Sie sich bitte an\nmeine Kollegin (zentrale@{domain}).\n\nMit freundlichen Grüßen\n{name}'),
    'fr': ('iso-8859-1', 'Réponse automatique\xa0:', 'fr-FR',
           'Bonjour,\n\nJe suis absent(e) du bureau jusqu\'au 15 décembre inclus. Votre message '
           'sera\ntraité à mon retour. En cas d\'urgence, merci d\'écrire à accueil@{domain}.\n\n'
           'Bien cordialement,\n{name}'),
    'es': ('iso-8859-1', 'Respuesta automática:', 'es-ES',
           'Gracias por su mensaje.\n\nEstaré fuera de la oficina hasta el 9 de diciembre, con '
           'acceso limitado al correo.\nPara asuntos urgentes, contacte con recepcion@{domain}.\n\n'
           'Un saludo,\n{name}'),
    'it': ('iso-8859-1', 'Risposta automatica:', 'it-IT',
           'Grazie per il messaggio.\n\nSarò fuori ufficio fino al 10 dicembre, con accesso '
           'limitato alla posta\nelettronica. Per urgenze scrivete a segreteria@{domain}.\n\n'
           'Cordiali saluti,\n{name}'),
    'pt': ('iso-8859-1', 'Resposta automática:', 'pt-PT',
           'Obrigado pela sua mensagem.\n\nEstou ausente do escritório até dia 14 de dezembro. '
           'Para assuntos urgentes,\ncontacte geral@{domain}.\n\nCom os melhores cumprimentos,\n{name}'),
    'nl': ('iso-8859-1', 'Automatisch antwoord:', 'nl-NL',
           'Bedankt voor uw bericht.\n\nIk ben tot en met 11 december afwezig en lees mijn e-mail '
           'niet. Voor dringende\nzaken kunt u contact opnemen met info@{domain}.\n\n'
           'Met vriendelijke groet,\n{name}'),
    'pl': ('iso-8859-2', 'Odpowiedź automatyczna:', 'pl-PL',
           'Dziękuję za wiadomość.\n\nDo 13 grudnia jestem poza biurem i mam ograniczony dostęp '
           'do poczty.\nW pilnych sprawach proszę pisać na adres biuro@{domain}.\n\nPozdrawiam\n{name}'),
    'ru': ('koi8-r', 'Автоматический ответ:', 'ru-RU',
           'Спасибо за ваше письмо.\n\nЯ нахожусь в отпуске до 20 декабря и не имею доступа к '
           'почте.\nПо срочным вопросам обращайтесь по адресу office@{domain}.\n\nС уважением,\n{name}'),
    'ja': ('iso-2022-jp', '自動応答:', 'ja-JP',
           'お世話になっております。\n\n12月14日まで不在にしております。戻り次第ご返信いたします。\n'
           'お急ぎの場合は office@{domain} までご連絡ください。\n\n{name}'),
    'zh': ('gb2312', '自动回复:', 'zh-CN',
           '您好！\n\n我将于12月18日前休假，期间无法及时回复邮件。\n如有急事，请联系 office@{domain}。\n\n'
           '谢谢！\n{name}'),
}

PEOPLE = {   # language -> (name, address) of the person whose system replies
    'en': ('Oliver Bennett', 'oliver.bennett@fabrikam.example'),
    'de': ('Katrin Vogel', 'k.vogel@musterbau.example'),
    'fr': ('Julien Moreau', 'julien.moreau@societe-durand.example'),
    'es': ('Lucía Fernández', 'lfernandez@grupo-iberia.example'),
    'it': ('Alessandro Conti', 'a.conti@ditta-conti.example'),
    'pt': ('João Pereira', 'joao.pereira@lusotrans.example'),
    'nl': ('Sanne Bakker', 's.bakker@bakker-logistiek.example'),
    'pl': ('Tomasz Wiśniewski', 't.wisniewski@hurtownia-wisla.example'),
    'ru': ('Ирина Соколова', 'i.sokolova@torgdom.example'),
    'ja': ('佐藤 健', 'k.sato@yamato-shoji.example'),
    'zh': ('王伟', 'wangwei@huaxin-trading.example'),
}

LEGIT_IDX = {'en': 0, 'de': 3, 'fr': 4, 'es': 5, 'it': 8, 'pt': 9, 'nl': 10, 'pl': 11, 'ru': 12,
             'ja': 13, 'zh': 14}


def html_of(text):
    import html
    paras = html.escape(text).split('\n\n')
    return ('<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset={cs}">\n'
            '</head>\n<body>\n' + ''.join('<p>%s</p>\n' % p.replace('\n', '<br>\n') for p in paras) +
            '</body>\n</html>\n')


def exchange_oof(label, lang, online=False, idx=0):
    """Exchange 2016/2019 on premises, or Exchange Online (Microsoft 365): an
    automatic reply from the mailbox rules agent; after [MS-OXCMAIL] and the headers
    Exchange writes (auto-submitted: auto-generated, x-ms-exchange-generated-message-
    source, X-Auto-Response-Suppress)."""
    cs, prefix, clang, text = OOF[lang]
    name, addr = PEOPLE[lang]
    domain = addr.split('@')[1]
    text = text.format(name=name, domain=domain)
    mx = 'mail.%s' % domain if not online else '%s.mail.protection.outlook.com' % domain.replace('.', '-')
    o, mid, subj = orig(label, addr, LEGIT_IDX[lang] if label == 'legit' else idx, mx, rcpt_name=name)
    subject = ew('%s %s' % (prefix, subj), cs if cs != 'us-ascii' else 'utf-8')
    cte = 'quoted-printable' if cs in ('iso-8859-1', 'iso-8859-2', 'us-ascii') else \
        ('7bit' if cs == 'iso-2022-jp' else 'base64')
    host = 'EX%02d.%s' % (R.randint(1, 4), domain.split('.')[0].upper()) if not online else \
        'AM%dPR%02dMB%04d.eurprd%02d.prod.outlook.com' % (R.randint(5, 9), R.randint(1, 9),
                                                           R.randint(1000, 9999), R.randint(1, 9))
    msgid = '<%s@%s>' % (hx(32) if not online else HX(30) + hx(2), host.lower() if not online else host)
    ctype, body = multipart('multipart/alternative', [
        (['Content-Type: text/plain; charset="%s"' % cs, 'Content-Transfer-Encoding: %s' % cte],
         body_part(text + '\n', cs, cte)),
        (['Content-Type: text/html; charset="%s"' % cs, 'Content-Transfer-Encoding: %s' % cte],
         body_part(html_of(text).replace('{cs}', cs), cs, cte)),
    ], boundary='_000_%s%s_' % (host.split('.')[0], hx(8)), preamble=None)
    h = []
    if online:
        h += ['Received: from %s (2001:db8:6:%x::%x) by %s with Microsoft SMTP Server' % (
            host, R.randint(1, 255), R.randint(1, 255), host),
              ' (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8158.%d;' % R.randint(10, 40),
              ' %s' % date(-2)]
    else:
        h += ['Received: from %s.%s (10.%d.%d.%d) by %s.%s' % (host.split('.')[0], domain,
              R.randint(0, 9), R.randint(0, 9), R.randint(2, 99), host.split('.')[0], domain),
              ' (10.1.0.11) with Microsoft SMTP Server (version=TLS1_2,',
              ' cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.2.1544.%d; %s' % (R.randint(1, 20), date(-2))]
    h += ['From: %s <%s>' % (ew(name, cs if cs != 'us-ascii' else 'utf-8'), addr),
          'To: Alice <alice@northwind.example>' if label != 'legit' else 'To: Alice Example <alice@northwind.example>',
          'Subject: %s' % subject,
          'Thread-Topic: %s' % ew(subj, 'utf-8'),
          'Thread-Index: AQHa%s' % base64.b64encode(bytes(R.getrandbits(8) for _ in range(18))).decode(),
          'Date: %s' % date(-1, '+0100'),
          'Message-ID: %s' % msgid,
          'References: <%s>' % mid,
          'In-Reply-To: <%s>' % mid,
          'Content-Language: %s' % clang,
          'X-MS-Has-Attach:',
          'X-MS-Exchange-Organization-SCL: -1',
          'X-MS-TNEF-Correlator:',
          'x-ms-exchange-parent-message-id: <%s>' % mid,
          'auto-submitted: auto-generated',
          'x-ms-exchange-generated-message-source: Mailbox Rules Agent',
          'X-Auto-Response-Suppress: All']
    if online:
        h += ['X-MS-Exchange-Inbox-Rules-Loop: %s' % addr,
              'X-MS-PublicTrafficType: Email',
              'X-MS-Exchange-CrossTenant-AuthSource: %s' % host]
    h += [ctype, 'MIME-Version: 1.0']
    return msg(h, body), mid


def exchange2003_oof(label, lang, idx=0):
    """Exchange 2003 / Outlook 2003 Out of Office Assistant: "Out of Office AutoReply:"
    (German Outlook: "Abwesenheitsnotiz:"), no RFC 3834 header, no In-Reply-To."""
    prefix = {'en': 'Out of Office AutoReply:', 'de': 'Abwesenheitsnotiz:'}[lang]
    name, addr = PEOPLE[lang]
    domain = addr.split('@')[1]
    cs = 'iso-8859-1'
    text = {'en': 'I will be out of the office from 30 November until 11 December.\n'
                  'In urgent cases please call the switchboard.\n',
            'de': 'Ich bin vom 30.11. bis zum 11.12. nicht im Büro. In dringenden Fällen wenden\n'
                  'Sie sich bitte an die Zentrale.\n'}[lang]
    o, mid, subj = orig(label, addr, LEGIT_IDX[lang] if label == 'legit' else idx, 'mail.' + domain)
    h = ['Received: from MAIL01.%s.local ([10.0.0.12]) by mail.%s with Microsoft SMTPSVC(6.0.3790.4675);' % (
        domain.split('.')[0], domain), '\t %s' % date(-2, '+0100'),
         'Content-class: urn:content-classes:message',
         'MIME-Version: 1.0',
         'Content-Type: text/plain;\n\tcharset="%s"' % cs,
         'Content-Transfer-Encoding: quoted-printable',
         'X-MimeOLE: Produced By Microsoft Exchange V6.5',
         'Subject: %s' % ew('%s %s' % (prefix, subj), cs, 'Q'),
         'Date: %s' % date(-1, '+0100'),
         'Message-ID: <%s@MAIL01.%s.local>' % (HX(8) + '5E' + HX(6), domain.split('.')[0]),
         'X-MS-Has-Attach:',
         'X-MS-TNEF-Correlator:',
         'Thread-Topic: %s' % ew(subj, cs, 'Q'),
         'Thread-Index: Ac%s==' % base64.b64encode(bytes(R.getrandbits(8) for _ in range(12))).decode()[:16],
         'From: "%s" <%s>' % (name, addr),
         'To: <alice@northwind.example>']
    return msg(h, qp(text, cs)), mid


def gmail_vacation(label, lang, idx=0, workspace=False):
    """Gmail's (or Google Workspace's) vacation responder: Auto-Submitted: auto-replied,
    Precedence: bulk, X-Autoreply: yes; the subject is the user's own, or "Re: <subject>"
    when she left it empty."""
    people = {'en': ('Megan Clarke', 'megan.clarke.design@gmail.com', 'Out of office until 14 December', None),
              'es': ('Carlos Ruiz', 'carlos.ruiz.mx@gmail.com', None,
                     'Hola, estoy de vacaciones hasta el 8 de diciembre. Responderé a tu correo a mi regreso.'),
              'pt': ('Ana Souza', 'ana.souza.vendas@gmail.com', 'Ausente - férias',
                     'Olá! Estou de férias até 10/12 e responderei seu e-mail quando voltar.'),
              'ja': ('鈴木 花子', 'hanako.suzuki.office@gmail.com', '不在のお知らせ',
                     'メールありがとうございます。12月12日まで休暇のため返信が遅れます。'),
              'de': ('Stefan Krüger', 'stefan@krueger-consulting.example', 'Urlaub bis 7.12.',
                     'Ich bin im Urlaub und lese meine E-Mails erst ab dem 8. Dezember wieder.')}
    name, addr, subj_set, text = people[lang]
    if text is None:
        text = ('Hi, thanks for your message. I am travelling until 14 December and checking email '
                'only occasionally.\nI will get back to you as soon as I can.\n\nMegan')
    domain = addr.split('@')[1]
    mx = 'mx.google.com'
    o, mid, subj = orig(label, addr, LEGIT_IDX.get(lang, 0) if label == 'legit' else idx, mx, rcpt_name=name)
    subject = ew(subj_set, 'utf-8') if subj_set else ew('Re: ' + subj, 'utf-8')
    b = '000000000000%s' % hx(12)
    ctype, body = multipart('multipart/alternative', [
        (['Content-Type: text/plain; charset="UTF-8"', 'Content-Transfer-Encoding: base64'], b64(text + '\n', 'utf-8')),
        (['Content-Type: text/html; charset="UTF-8"', 'Content-Transfer-Encoding: base64'],
         b64('<div dir="ltr">%s</div>\n' % text.replace('\n', '<br>'), 'utf-8'))], boundary=b, preamble=None)
    h = ['Received: by mail-sor-f41.google.com with SMTP id %s%s' % (hx(6), '.3-20020a05600c'),
         '        for <alice@northwind.example>; %s' % date(-1, '-0800'),
         'X-Received: by 2002:a05:600c:%s with SMTP id %s; %s' % (hx(4), hx(10), date(-1, '-0800')),
         'MIME-Version: 1.0',
         'References: <%s>' % mid,
         'In-Reply-To: <%s>' % mid,
         'X-Autoreply: yes',
         'Auto-Submitted: auto-replied',
         'Precedence: bulk',
         'From: %s <%s>' % (ew(name, 'utf-8'), addr),
         'Date: %s' % date(-1, '-0800'),
         'Message-ID: <CA+%s%s@mail.gmail.com>' % (base64.b64encode(bytes(R.getrandbits(8) for _ in range(24))).decode().replace('/', '_'), hx(4)),
         'Subject: %s' % subject,
         'To: alice@northwind.example',
         ctype]
    return msg(h, body), mid


def zimbra_ooo(label, lang='en', idx=0):
    """Zimbra Collaboration out-of-office reply: Auto-Submitted: auto-replied (zimbra;
    vacation), Precedence: bulk, subject "Re: <subject>" unless the user set one."""
    name, addr = ('Paolo Greco', 'paolo.greco@unimare.example') if lang == 'it' else ('Nadia Haddad', 'n.haddad@campus-nord.example')
    text = ('Sono fuori sede fino al 9 dicembre. Per urgenze: segreteria@unimare.example\n' if lang == 'it'
            else 'I am away on research leave until January and will reply to your message on my return.\n')
    o, mid, subj = orig(label, addr, (8 if lang == 'it' else 2) if label == 'legit' else idx, 'mta.' + addr.split('@')[1])
    host = 'mail.' + addr.split('@')[1]
    h = ['Received: from mbox1.%s (mbox1.%s [10.0.4.12])' % (addr.split('@')[1], addr.split('@')[1]),
         '\tby %s (Postfix) with ESMTP id %s' % (host, HX(10)),
         '\tfor <alice@northwind.example>; %s' % date(-1, '+0100'),
         'Date: %s' % date(-1, '+0100'),
         'From: %s <%s>' % (name, addr),
         'To: alice@northwind.example',
         'Message-ID: <%d.%d.%d.JavaMail.zimbra@%s>' % (R.randint(10**8, 10**9), R.randint(10**6, 10**7),
                                                       int(time.time() * 1000), addr.split('@')[1]),
         'In-Reply-To: <%s>' % mid,
         'Subject: Re: %s' % ew(subj, 'utf-8'),
         'MIME-Version: 1.0',
         'Content-Type: text/plain; charset=utf-8',
         'Content-Transfer-Encoding: 7bit' if lang != 'it' else 'Content-Transfer-Encoding: quoted-printable',
         'Auto-Submitted: auto-replied (zimbra; vacation)',
         'Precedence: bulk',
         'X-Mailer: Zimbra 9.0.0_GA_4546 (zclient/9.0.0_GA_4546)']
    return msg(h, text if lang != 'it' else qp(text, 'utf-8')), mid


def yahoo_vacation(label, idx=0):
    """Yahoo Mail vacation response (subject "Auto Response"-like, Auto-Submitted)."""
    name, addr = 'Jenny Walsh', 'jenny_walsh77@yahoo.com'
    o, mid, subj = orig(label, addr, 6 if label == 'legit' else idx, 'mta1052.mail.ne1.yahoo.com')
    b = '----=_Part_%d_%d.%d' % (R.randint(10**6, 10**7), R.randint(10**8, 10**9), int(time.time() * 1000))
    text = 'Thanks for your email! I am on vacation until December 12th and will reply when I am back.\n\nJenny'
    ctype, body = multipart('multipart/alternative', [
        (['Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: 7bit'], text + '\n'),
        (['Content-Type: text/html; charset=UTF-8', 'Content-Transfer-Encoding: 7bit'],
         '<html><body><div>%s</div></body></html>\n' % text.replace('\n', '<br>'))], boundary=b, preamble=None)
    h = ['Received: from sonic%d.consmr.mail.ne1.yahoo.com by sonic%d.consmr.mail.ne1.yahoo.com with HTTP; %s' % (
        R.randint(300, 320), R.randint(300, 320), date(-1)),
         'Date: %s' % date(-1),
         'From: Jenny Walsh <%s>' % addr,
         'To: alice@northwind.example',
         'Message-ID: <%d.%d.%d@mail.yahoo.com>' % (R.randint(10**8, 10**9), R.randint(10**6, 10**7), int(time.time() * 1000)),
         'In-Reply-To: <%s>' % mid,
         'Subject: Auto Response',
         'MIME-Version: 1.0', ctype,
         'Auto-Submitted: auto-replied',
         'X-Mailer: WebService/1.1.21952 YMailNorrin']
    return msg(h, body), mid


def cpanel_autoresponder(label, idx=0):
    """cPanel's autoresponder (Exim on a shared host): X-Autorespond, Precedence:
    auto_reply, X-Precedence: auto_reply; no Auto-Submitted."""
    addr = 'sales@ceramica-bella.example'
    o, mid, subj = orig(label, addr, 7 if label == 'legit' else idx, 'server42.hosting-box.example')
    h = ['Received: from [10.42.0.7] (port=41822 helo=server42.hosting-box.example)',
         '\tby server42.hosting-box.example with esmtpa (Exim 4.96.2)',
         '\t(envelope-from <sales@ceramica-bella.example>)',
         '\tid 1t%s-0004Wq-2C' % hx(4),
         '\tfor alice@northwind.example;',
         '\t%s' % date(-1, '-0500'),
         'To: alice@northwind.example',
         'Subject: Re: %s' % ew(subj, 'utf-8'),
         'X-Autorespond: %s' % ew(subj, 'utf-8'),
         'Precedence: auto_reply',
         'X-Precedence: auto_reply',
         'From: Ceramica Bella Sales <sales@ceramica-bella.example>',
         'Date: %s' % date(-1, '-0500'),
         'Message-Id: <E1t%s-0004Wq-2C@server42.hosting-box.example>' % hx(4),
         'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8']
    return msg(h, 'Thank you for contacting Ceramica Bella. Our office is closed until Monday; we answer\n'
                  'all enquiries in the order received.\n'), mid


def communigate_reply(label, idx=0):
    """CommuniGate Pro automatic reply rule: X-Autogenerated: Reply."""
    addr = 'info@nordic-hotels.example'
    o, mid, subj = orig(label, addr, 1 if label == 'legit' else idx, 'mail.nordic-hotels.example')
    h = ['Received: from [10.10.0.5] (account info@nordic-hotels.example)',
         '  by mail.nordic-hotels.example (CommuniGate Pro RULE 6.3.18)',
         '  with RULE id %d for alice@northwind.example; %s' % (R.randint(10**7, 10**8), date(-1, '+0100')),
         'X-Autogenerated: Reply',
         'Message-ID: <auto-%09d@nordic-hotels.example>' % R.randint(0, 10**9),
         'Date: %s' % date(-1, '+0100'),
         'From: "Nordic Hotels" <info@nordic-hotels.example>',
         'Subject: Re: %s' % ew(subj, 'utf-8'),
         'To: alice@northwind.example',
         'In-Reply-To: <%s>' % mid,
         'X-Mailer: CommuniGate Pro RULE',
         'MIME-Version: 1.0', 'Content-Type: text/plain; charset="utf-8"', 'Content-Transfer-Encoding: 8bit']
    return msg(h, 'Thank you for your message. Our reservations team will answer within 24 hours.\n'
                  'Tack för ditt meddelande!\n'), mid


def notes_ooo(label, lang, idx=0):
    """IBM/HCL Notes out-of-office agent: "<Name> ist außer Haus." / "is out of the
    office." / "est absent(e)", no RFC 3834 header, no In-Reply-To."""
    name, addr = {'de': ('Hans Weber', 'Hans.Weber@musterbau.example'),
                  'en': ('Robert Lee', 'Robert.Lee@harbourbank.example'),
                  'fr': ('Sophie Martin', 'Sophie.Martin@assur-ouest.example')}[lang]
    subj_txt = {'de': '%s ist außer Haus.' % name, 'en': '%s is out of the office.' % name,
                'fr': '%s est absente du bureau.' % name}[lang]
    text = {'de': 'Ich werde ab  30.11.2026 nicht im Büro sein. Ich kehre zurück am 11.12.2026.\n\n'
                  'Ich werde Ihre Nachricht nach meiner Rückkehr beantworten.\n',
            'en': 'I will be out of the office starting  30/11/2026 and will not return until 11/12/2026.\n\n'
                  'I will respond to your message when I return.\n',
            'fr': 'Je serai absente du bureau à partir du  30/11/2026 et ne serai pas de retour avant le 11/12/2026.\n\n'
                  'Je répondrai à votre message dès mon retour.\n'}[lang]
    dom = addr.split('@')[1]
    o, mid, subj = orig(label, addr, {'de': 3, 'en': 2, 'fr': 4}[lang] if label == 'legit' else idx, 'mx.' + dom)
    h = ['Received: from MAIL01.%s ([10.1.1.20]) by smtpgw.%s' % (dom.split('.')[0], dom),
         '          (Lotus Domino Release 9.0.1FP10) with ESMTP id 2026%s;' % hx(10),
         '          %s' % date(-1, '+0100'),
         'Subject: %s' % ew(subj_txt, 'iso-8859-1', 'Q'),
         'From: %s <%s>' % (name, addr),
         'To: alice@northwind.example',
         'Date: %s' % date(-1, '+0100'),
         'Message-ID: <OF%s.%s-ONC1258B%s.%s-C1258B%s.%s@%s>' % (HX(8), HX(8), HX(2), HX(8), HX(2), HX(8), dom.split('.')[0]),
         'X-Mailer: HCL Notes Release 9.0.1FP10 SHF261 | January 31, 2025',
         'X-MIMETrack: Serialize by Router on MAIL01/%s(Release 9.0.1FP10|January 31, 2025) at' % dom.split('.')[0].capitalize(),
         ' %s' % time.strftime('%d.%m.%Y %H:%M:%S'),
         'MIME-Version: 1.0',
         'Content-type: text/plain; charset=ISO-8859-1',
         'Content-transfer-encoding: quoted-printable']
    return msg(h, qp(text, 'iso-8859-1')), mid


# ---------------------------------------------------------------------------------------
# Ticket systems and web forms: "we received your request"
TICKET_ACK = {
    # lang: (system, from, subject template, text template, charset, cte, extra headers)
    'rt': ('Request Tracker 5', 'Support <support@fabrikam.example>',
           '[fabrikam #{n}] AutoReply: {subj}',
           'Greetings,\n\nThis message was generated automatically in reply to your message about\n'
           '"{subj}". A ticket has been opened for it: [fabrikam #{n}].\n\n'
           'Please keep this string in the subject of any further correspondence about this\n'
           'issue. There is no need to reply to this message now.\n\nThank you,\nFabrikam Support\n',
           'utf-8', '8bit', ['RT-Ticket: fabrikam #{n}', 'Managed-BY: RT 5.0.5 (https://bestpractical.com/rt)',
                             'RT-Originator: {to}', 'X-RT-Loop-Prevention: fabrikam', 'Precedence: bulk',
                             'X-Managed-BY: RT 5.0.5', 'RT-Message-ID: <rt-5.0.5-{h}@rt.fabrikam.example>']),
    'de': ('Znuny (OTRS) 6', 'Musterbau Kundenservice <service@musterbau.example>',
           '[Ticket#2026120210000{n}] Ihre Anfrage ist eingegangen: {subj}',
           'Sehr geehrte Damen und Herren,\n\nvielen Dank für Ihre Anfrage. Sie wurde unter der '
           'Ticketnummer 2026120210000{n}\nerfasst. Wir melden uns so schnell wie möglich bei Ihnen.\n\n'
           'Diese Nachricht wurde automatisch erstellt.\n\nIhr Musterbau Kundenservice\n',
           'utf-8', 'quoted-printable', ['X-Loop: service@musterbau.example', 'Precedence: bulk',
                                         'X-Mailer: Znuny Mail Service (6.5.x)']),
    'zendesk': ('Zendesk', 'Acme Help Center <support@acme-shop.example>',
                '[Request received] {subj}',
                'Your request ({n}) has been received and is being reviewed by our support staff.\n\n'
                'To add additional comments, reply to this email.\n',
                'utf-8', 'quoted-printable', ['Auto-Submitted: auto-generated', 'X-Mailer: Zendesk Mailer',
                                              'X-Zendesk-From-Account-Id: {h}']),
    'freshdesk': ('Freshdesk', 'Lusotrans Apoio <apoio@lusotrans.example>',
                  'Pedido recebido - {subj}',
                  'Olá,\n\nRecebemos o seu pedido e abrimos o ticket #{n}. Um membro da nossa equipa irá '
                  'responder\no mais rapidamente possível.\n\nEquipa de Apoio Lusotrans\n',
                  'utf-8', 'quoted-printable', ['Auto-Submitted: auto-replied']),
    'jira': ('Jira Service Management', 'Harbour IT Service Desk <jira@harbourbank.example>',
             'Request received: HSD-{n} {subj}',
             'Thanks for contacting the Harbour IT Service Desk. We have received your request\n'
             'HSD-{n} and will get back to you soon.\n\nView request: https://servicedesk.harbourbank.example/HSD-{n}\n',
             'utf-8', '7bit', ['Auto-Submitted: auto-generated', 'X-JIRA-FingerPrint: {h}',
                               'Precedence: bulk']),
    'fr': ('web form (French)', 'Service clients <ne-pas-repondre@assur-ouest.example>',
           'Accusé de réception de votre demande n° {n}',
           'Bonjour,\n\nNous avons bien reçu votre demande n° {n} concernant « {subj} ».\n'
           'Un conseiller vous répondra sous 48 heures ouvrées.\n\nMerci de ne pas répondre à ce message.\n',
           'iso-8859-1', 'quoted-printable', []),
    'es': ('helpdesk (Spanish)', 'Atención al cliente <noreply@grupo-iberia.example>',
           'Hemos recibido su solicitud [#{n}]',
           'Estimado/a cliente:\n\nHemos recibido su solicitud y le hemos asignado el número {n}.\n'
           'Le responderemos lo antes posible.\n\nEste es un mensaje automático, por favor no responda.\n',
           'utf-8', 'base64', ['X-Auto-Response-Suppress: All']),
    'it': ('helpdesk (Italian)', 'Assistenza <assistenza@ditta-conti.example>',
           'Abbiamo ricevuto la sua richiesta - Ticket {n}',
           'Gentile cliente,\n\nabbiamo ricevuto la sua richiesta (ticket {n}) e le risponderemo al più presto.\n',
           'iso-8859-1', 'quoted-printable', ['Precedence: bulk']),
    'nl': ('helpdesk (Dutch)', 'Klantenservice <klantenservice@bakker-logistiek.example>',
           'Wij hebben uw bericht ontvangen (ticket {n})',
           'Beste klant,\n\nBedankt voor uw bericht. We hebben het ontvangen onder ticketnummer {n}\n'
           'en reageren binnen twee werkdagen.\n', 'utf-8', '7bit', ['Auto-Submitted: auto-replied']),
    'pl': ('helpdesk (Polish)', 'Biuro Obsługi Klienta <bok@hurtownia-wisla.example>',
           'Otrzymaliśmy Twoje zgłoszenie nr {n}',
           'Dzień dobry,\n\ndziękujemy za wiadomość. Twoje zgłoszenie otrzymało numer {n}.\n'
           'Odpowiemy najszybciej, jak to możliwe.\n\nWiadomość wygenerowana automatycznie.\n',
           'iso-8859-2', 'quoted-printable', []),
    'ru': ('helpdesk (Russian)', 'Служба поддержки <support@torgdom.example>',
           'Ваше обращение №{n} зарегистрировано',
           'Здравствуйте!\n\nВаше обращение зарегистрировано под номером {n}. Мы ответим вам в '
           'ближайшее время.\n\nЭто письмо сформировано автоматически, отвечать на него не нужно.\n',
           'utf-8', 'base64', ['Auto-Submitted: auto-generated']),
    'ja': ('helpdesk (Japanese)', 'ヤマト商事 サポート <support@yamato-shoji.example>',
           '【自動返信】お問い合わせを受け付けました（受付番号：{n}）',
           'この度はお問い合わせいただき、誠にありがとうございます。\n受付番号 {n} にて承りました。\n'
           '担当者より2営業日以内にご連絡いたします。\n\n※このメールは送信専用です。\n',
           'iso-2022-jp', '7bit', []),
    'zh': ('helpdesk (Chinese)', '华信贸易 客服中心 <service@huaxin-trading.example>',
           '您的工单已提交 (#{n})',
           '您好！\n\n我们已收到您的请求，工单编号为 {n}。我们会尽快与您联系。\n\n此邮件为系统自动发送，请勿回复。\n',
           'gbk', 'base64', []),
}


def ticket_ack(label, key, idx=0):
    system, frm, subj_t, text_t, cs, cte, extra = TICKET_ACK[key]
    addr = frm.rsplit('<', 1)[1].rstrip('>')
    dom = addr.split('@')[1]
    to = {'rt': 'support@fabrikam.example'}.get(key, addr.replace('noreply', 'kontakt').replace('ne-pas-repondre', 'contact'))
    o, mid, subj = orig(label, to, R.randint(0, 14) if label == 'legit' else idx, 'mx.' + dom)
    n = str(R.randint(10000, 99999))
    h_ = hx(8)
    subject = subj_t.format(n=n, subj=subj)
    text = text_t.format(n=n, subj=subj)
    cs_h = cs if cs not in ('iso-8859-1', 'iso-8859-2') else cs
    name, a = frm.rsplit('<', 1)
    h = ['Received: from helpdesk.%s (helpdesk.%s [10.20.0.8])' % (dom, dom),
         '\tby mx.%s (Postfix) with ESMTP id %s' % (dom, HX(10)),
         '\tfor <alice@northwind.example>; %s' % date(-1),
         'From: %s <%s' % (ew(name.strip(), cs_h), a),
         'To: alice@northwind.example',
         'Subject: %s' % ew(subject, cs_h),
         'Date: %s' % date(-1),
         'Message-ID: <%s.%s@%s>' % (int(time.time()), hx(12), 'helpdesk.' + dom),
         'In-Reply-To: <%s>' % mid,
         'References: <%s>' % mid]
    if key in ('fr', 'es', 'ja', 'zh'):     # web forms do not name the message
        h = h[:-2]
    h += [x.format(n=n, h=h_, to=ALICE) for x in extra]
    h += ['MIME-Version: 1.0', 'Content-Type: text/plain; charset="%s"' % cs,
          'Content-Transfer-Encoding: %s' % cte]
    if cte == '8bit':
        return msgb(h, text.encode(cs)), mid
    return msg(h, body_part(text, cs, cte)), mid


# ---------------------------------------------------------------------------------------
# Webmail auto-responders of large providers
def webmail_ooo(label, key, idx=0):
    """QQ Mail, Yandex, Mail.ru, WP/Onet (Poland), Naver-like Japanese ISP webmail, GMX/WEB.DE."""
    if key == 'qq':
        name, addr = '张磊', '10086123@qq.com'
        subject = '自动回复: {subj}'
        text = '这是来自QQ邮箱的假期自动回复邮件。\n\n您好，我最近正在休假中，无法亲自回复您的邮件。我将在假期结束后，尽快给您回复。'
        cs, cte, extra = 'gb18030', 'base64', ['X-QQ-MIME: TCMime 1.0 by Tencent', 'X-Mailer: QQMail 2.x',
                                               'X-QQ-Mailer: QQMail 2.x']
        mx = 'mx3.qq.com'
    elif key == 'yandex':
        name, addr = 'Андрей Кузнецов', 'a.kuznetsov@yandex.ru'
        subject = 'Автоответ: {subj}'
        text = 'Здравствуйте!\n\nЯ в отпуске до 15 декабря. Ваше письмо получено и будет прочитано после моего возвращения.'
        cs, cte, extra = 'utf-8', 'base64', ['Auto-Submitted: auto-replied']
        mx = 'mx.yandex.ru'
    elif key == 'mailru':
        name, addr = 'Ольга Петрова', 'olga.petrova@mail.ru'
        subject = 'Re: {subj}'
        text = 'Добрый день! Я в командировке до 10 декабря, отвечу по возвращении.'
        cs, cte, extra = 'koi8-r', 'base64', ['X-Mailer: Mail.Ru Mailer 1.0', 'Precedence: bulk']
        mx = 'mxs.mail.ru'
    elif key == 'wp':
        name, addr = 'Magdalena Nowak', 'magda.nowak@wp.pl'
        subject = 'Autoodpowiedź: {subj}'
        text = 'Dzień dobry, jestem na urlopie do 12 grudnia. Odpowiem po powrocie.\n\nMagdalena Nowak'
        cs, cte, extra = 'iso-8859-2', 'quoted-printable', ['X-Mailer: Poczta WP']
        mx = 'mx.wp.pl'
    elif key == 'gmx':
        name, addr = 'Jürgen Schmitt', 'j.schmitt@gmx.de'
        subject = 'Abwesenheitsnotiz: {subj}'
        text = 'Vielen Dank für Ihre E-Mail. Ich bin bis zum 14.12. im Urlaub und habe keinen Zugriff auf meine E-Mails.'
        cs, cte, extra = 'utf-8', 'quoted-printable', ['Precedence: junk']
        mx = 'mx00.emig.gmx.net'
    elif key == 'ocn':
        name, addr = '高橋 美咲', 'misaki.t@ocn-mail.example'
        subject = '不在通知 Re: {subj}'
        text = 'ただいま海外出張中のため、12月16日以降に順次返信いたします。\nご了承ください。'
        cs, cte, extra = 'iso-2022-jp', '7bit', ['X-Mailer: Active! mail']
        mx = 'mx.ocn-mail.example'
    o, mid, subj = orig(label, addr, 13 if label == 'legit' else idx, mx)
    h = ['Received: from web%d.%s (web%d.%s [10.%d.%d.%d])' % (R.randint(1, 40), addr.split('@')[1], 7,
                                                                addr.split('@')[1], R.randint(0, 9), R.randint(0, 9), R.randint(2, 99)),
         '\tby %s with HTTP; %s' % ('smtp.' + addr.split('@')[1], date(-1, '+0800' if key == 'qq' else '+0300')),
         'From: %s <%s>' % (ew(name, cs), addr),
         'To: alice@northwind.example',
         'Subject: %s' % ew(subject.format(subj=subj), cs),
         'Date: %s' % date(-1, '+0800' if key == 'qq' else '+0300'),
         'Message-ID: <%s@%s>' % (hx(24), addr.split('@')[1]),
         'MIME-Version: 1.0',
         'Content-Type: text/plain; charset="%s"' % cs,
         'Content-Transfer-Encoding: %s' % cte] + extra
    if key in ('yandex', 'gmx'):
        h.insert(6, 'In-Reply-To: <%s>' % mid)
    return msg(h, body_part(text + '\n', cs, cte)), mid


# ---------------------------------------------------------------------------------------
# Challenge-response: "confirm you are a person and your message will be delivered"
def challenge(label, key, idx=0):
    R2 = random.Random(key + label)
    tok = ''.join(R2.choice('abcdefghijkmnpqrstuvwxyz23456789') for _ in range(20))
    if key == 'spamarrest':
        prot, pname = 'dave@smallbiz-accounting.example', 'Dave Morris'
        mx = 'mx.smallbiz-accounting.example'
    elif key in ('boxbe', 'boxbe-dsn'):
        prot, pname = 'tom.harris@gmail.com', 'Tom Harris'
        mx = 'mx.google.com'
    elif key == 'mailblocks':
        prot, pname = 'kim.lee@mailblocks.com', 'Kim Lee'
        mx = 'mx.mailblocks.com'
    elif key == 'choicemail':
        prot, pname = 'gary@westside-dental.example', 'Gary Fisher'
        mx = 'mail.westside-dental.example'
    elif key == 'ask':
        prot, pname = 'marcelo@linux-users.example', 'Marcelo Alves'
        mx = 'mail.linux-users.example'
    elif key == 'sendio':
        prot, pname = 'purchasing@county-schools.example', 'Purchasing Dept'
        mx = 'sendio.county-schools.example'
    elif key == 'tmda':
        prot, pname = 'judy@tmda-user.example', 'Judy Stone'
        mx = 'mail.tmda-user.example'
    elif key == 'boxtrapper':
        prot, pname = 'office@tuscany-villas.example', 'Tuscany Villas'
        mx = 'server17.hosting-box.example'
    elif key == 'generic-en':
        prot, pname = 'frank@frank-photo.example', 'Frank Wood'
        mx = 'mx.secure-inbox.example'
    else:   # generic-de
        prot, pname = 'info@kanzlei-roth.example', 'Kanzlei Roth'
        mx = 'mx.mailschutz.example'
    o, mid, subj = orig(label, prot, R2.randint(0, 14) if label == 'legit' else idx, mx, rcpt_name=pname)
    oh = headers_of(o).decode('utf-8', 'replace')
    date_h = 'Date: %s' % date(-1)
    if key == 'spamarrest':
        h = ['Received: from verify3.spamarrest.com (verify3.spamarrest.com [198.51.100.121])',
             '\tby mx.spamarrest.com (Postfix) with ESMTP id %s' % HX(9),
             '\tfor <alice@northwind.example>; %s' % date(-1),
             'From: "%s" <%s>' % (pname, prot),
             'Sender: verify-%s@spamarrest.com' % tok[:12],
             'Reply-To: verify-%s@spamarrest.com' % tok[:12],
             'To: alice@northwind.example',
             'Subject: Re: %s [Verification Required]' % ew(subj),
             date_h, 'Message-ID: <%s.sa@spamarrest.com>' % tok,
             'In-Reply-To: <%s>' % mid,
             'MIME-Version: 1.0', 'Content-Type: text/plain; charset=us-ascii']
        b = ('Hello,\n\nI apologize for this automatic reply to your email.\n\n'
             'To control spam, I now allow incoming messages only from senders I have\n'
             'approved beforehand.\n\nIf you would like to be added to my list of approved senders, '
             'please fill out\nthe short request form (see link below). Once I approve you, I will '
             'receive your\noriginal message in my inbox. You do not need to resend your message. '
             'I apologize\nfor this one-time inconvenience.\n\nClick the link below to fill out the '
             'request:\n\nhttps://www.spamarrest.com/a2?%s\n\n%s\n' % (tok, pname))
        return msg(h, b), mid
    if key == 'boxbe':
        h = ['Received: from mail.boxbe.com (mail.boxbe.com [203.0.113.180])',
             '\tby mx.boxbe.com with ESMTP id %s; %s' % (hx(12), date(-1, '-0800')),
             'From: "%s (via Boxbe)" <notifications@boxbe.com>' % pname,
             'Reply-To: notifications@boxbe.com',
             'To: alice@northwind.example',
             'Subject: Re: %s (Action Required)' % ew(subj),
             date_h, 'Message-ID: <%s@boxbe.com>' % tok,
             'In-Reply-To: <%s>' % mid, 'References: <%s>' % mid,
             'MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8']
        b = ('Hello alice@northwind.example,\n\nYou will not receive any more courtesy notices from our '
             'members for two days.\nMessages you have sent will remain in a lower priority mailbox for '
             'our member to\nreview at their leisure.\n\nFuture messages will be more likely to be viewed '
             'if you are on our member\'s\npriority Guest List.\n\nThank you,\n%s\n\nPowered by Boxbe -- '
             '"End Email Overload"\nVisit http://www.boxbe.com/how-it-works?tc=%s\n\n'
             'ORIGINAL MESSAGE\n\n---------- Original message ----------\n%s\n' %
             (prot, tok, quote_headers(o)))
        return msg(h, b), mid
    if key == 'boxbe-dsn':
        # Boxbe's waitlist notice packaged as a delivery status notification (delayed)
        ctype, body = multipart('multipart/report; report-type=delivery-status', [
            (['Content-Type: text/plain; charset=UTF-8'],
             'Your message to %s has been waitlisted.\n\n%s uses Boxbe to prioritize email. Your message is\n'
             'waiting in a lower priority mailbox. To request to be added to the Guest List\n'
             'so that your messages are delivered right away, click:\n\n'
             '  https://www.boxbe.com/anno?tc=%s\n\nThis is not a delivery failure; you do not need to '
             'resend your message.\n' % (prot, pname, tok)),
            (['Content-Type: message/delivery-status'],
             'Reporting-MTA: dns; mail.boxbe.com\nArrival-Date: %s\n\nFinal-Recipient: rfc822; %s\n'
             'Action: delayed\nStatus: 4.7.0\nDiagnostic-Code: smtp; 450 4.7.0 waitlisted by Boxbe, '
             'sender approval required\n' % (date(-5), prot)),
            (['Content-Type: text/rfc822-headers'], oh)],
            boundary='=_boxbe_%s' % tok[:10], preamble='This is a MIME-encapsulated message.')
        h = ['Received: from mail.boxbe.com (mail.boxbe.com [203.0.113.180])',
             '\tby mx.boxbe.com with ESMTP id %s; %s' % (hx(12), date(-1, '-0800')),
             'From: Boxbe <notifications@boxbe.com>',
             'To: alice@northwind.example',
             'Subject: Delivery Status Notification (Delay): waitlisted by %s' % prot,
             date_h, 'Message-ID: <dsn-%s@boxbe.com>' % tok,
             'Auto-Submitted: auto-replied', 'MIME-Version: 1.0', ctype]
        return msg(h, body), mid
    if key == 'mailblocks':
        h = ['Received: from challenge.mailblocks.com (challenge.mailblocks.com [198.51.100.131])',
             '\tby out.mailblocks.com with SMTP; %s' % date(-1, '-0800'),
             'From: "%s" <%s>' % (pname, prot),
             'To: alice@northwind.example',
             'Subject: Re: %s' % ew(subj),
             date_h, 'Message-ID: <CHALLENGE.%s@mailblocks.com>' % tok.upper(),
             'MIME-Version: 1.0', 'Content-Type: text/plain']
        b = ('I apologize for this automatic reply to your email.\n\nTo control spam, I now allow '
             'incoming messages only from senders I have approved\nbeforehand. If you would like to '
             'be added to my list of approved senders,\nplease go to:\n\n'
             '  http://www.mailblocks.com/challenge/%s\n\nand type the number you see there. You '
             'only have to do this once.\n\n%s\n\n--- Your original message ---\n%s\n' %
             (tok, pname, quote_headers(o)))
        return msg(h, b), mid
    if key == 'choicemail':
        h = ['Received: from CHOICEMAIL (office.westside-dental.example [203.0.113.192])',
             '\tby mail.westside-dental.example; %s' % date(-1, '-0500'),
             'From: %s <%s>' % (pname, prot),
             'To: alice@northwind.example',
             'Subject: Registration required - Re: %s' % ew(subj),
             date_h, 'Message-ID: <CM%s@westside-dental.example>' % tok.upper(),
             'X-Mailer: ChoiceMail', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset="us-ascii"']
        b = ('Hi,\n\nYou sent a message to %s. Because I receive too much junk mail, I use\n'
             'ChoiceMail, a program that lets me accept mail only from people I know.\n\n'
             'Your message has been held. Please click the link below and fill in the short\n'
             'registration form, and I will receive your message:\n\n'
             '  http://www.digiportal.com/register.php?id=%s\n\n'
             'If you do not register within 7 days, your message will be deleted.\n' % (prot, tok))
        return msg(h, b), mid
    if key == 'ask':
        cfm = hx(32)
        h = ['Received: (qmail 31337 invoked by uid 1001); %s' % date(-1),
             'From: %s <%s>' % (pname, prot),
             'To: alice@northwind.example',
             'Subject: Re: %s [ASK Confirmation # %s]' % (ew(subj), cfm),
             date_h, 'Message-ID: <ask.%s@linux-users.example>' % cfm[:16],
             'X-AskVersion: 2.5.3 (http://www.paganini.net/ask)',
             'Precedence: bulk', 'MIME-Version: 1.0', 'Content-Type: text/plain']
        b = ('Hi,\n\nI am protecting myself from receiving junk mail. Just this once, please reply\n'
             'to this message, keeping the subject unchanged, to confirm that you are a real\n'
             'person. Your original message will then be delivered, and you will not be asked\n'
             'again.\n\n--- Active Spam Killer (ASK) ---\n\nYour message follows:\n\n%s\n\n%s' %
             (quote_headers(o), text_of(o)[:400]))
        return msg(h, b), mid
    if key == 'sendio':
        h = ['Received: from sendio.county-schools.example (sendio.county-schools.example [198.51.100.140])',
             '\tby mx.county-schools.example; %s' % date(-1, '-0600'),
             'From: "Sendio Sender Verification" <verify@county-schools.example>',
             'To: alice@northwind.example',
             'Subject: Please verify your email to %s' % prot,
             date_h, 'Message-ID: <sendio-%s@county-schools.example>' % tok,
             'In-Reply-To: <%s>' % mid,
             'Auto-Submitted: auto-replied', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8']
        b = ('Your email to %s is being held until you verify your address.\n\n'
             'Subject: %s\n\nTo verify, simply reply to this message or click the link below.\n'
             'You will only need to do this once.\n\n  https://sendio.county-schools.example/verify?k=%s\n\n'
             'Protected by Sendio ICE Box\n' % (prot, subj, tok))
        return msg(h, b), mid
    if key == 'tmda':
        stamp = '%d.%d.%s' % (int(time.time()), R2.randint(10000, 99999), hx(6))
        caddr = 'judy-confirm-%s@tmda-user.example' % stamp
        h = ['Received: (qmail 8812 invoked by uid 1002); %s' % date(-1),
             'From: %s (Judy Stone)' % caddr,
             'To: alice@northwind.example',
             'Subject: Please confirm your message (Re: %s)' % ew(subj),
             date_h, 'Message-ID: <tmda-%s@tmda-user.example>' % stamp,
             'In-Reply-To: <%s>' % mid,
             'X-Delivery-Agent: TMDA/1.1.12 (Macallan)',
             'X-Primary-Address: judy@tmda-user.example',
             'Auto-Submitted: auto-replied (confirm)', 'Precedence: bulk',
             'MIME-Version: 1.0', 'Content-Type: text/plain; charset=us-ascii']
        b = ('This message was created automatically by mail delivery software.\n\n'
             'A message that you sent has not yet been delivered to one or more of its\n'
             'recipients. It is being held until the sender address can be confirmed.\n\n'
             'To release your message, reply to this message, or send an empty message to\n\n   %s\n\n'
             'You only need to do this once.\n\n--- Enclosed is a copy of your message.\n\n%s\n%s' %
             (caddr, oh, text_of(o)[:600]))
        return msg(h, b), mid
    if key == 'boxtrapper':
        vid = hx(16)
        h = ['Received: from [10.17.0.3] (port=50122 helo=server17.hosting-box.example)',
             '\tby server17.hosting-box.example with esmtp (Exim 4.96.2)',
             '\t(envelope-from <office@tuscany-villas.example>)', '\tid 1t%s-00013X-0v' % hx(4),
             '\tfor alice@northwind.example; %s' % date(-1, '-0600'),
             'To: alice@northwind.example',
             'Subject: verify#%s' % vid,
             'From: office@tuscany-villas.example',
             'Precedence: auto_reply', 'X-Precedence: auto_reply', 'X-Autorespond: verify',
             date_h, 'Message-Id: <E1t%s-00013X-0v@server17.hosting-box.example>' % hx(4),
             'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8']
        b = ('The recipient of your message uses BoxTrapper to filter unsolicited email.\n'
             'To deliver your message, please reply to this email without changing the\n'
             'subject, or open:\n\n  https://server17.hosting-box.example:2096/cgi-sys/bxd.cgi?a=office@tuscany-villas.example&v=%s\n\n'
             'The headers of the message you sent appear below:\n\n%s' % (vid, oh))
        return msg(h, b), mid
    if key == 'generic-en':
        h = ['Received: from out1.secure-inbox.example (out1.secure-inbox.example [203.0.113.88])',
             '\tby relay.secure-inbox.example (Postfix) with ESMTP id %s; %s' % (HX(10), date(-1)),
             'From: "Frank Wood via SecureInbox" <noreply@secure-inbox.example>',
             'To: alice@northwind.example',
             'Subject: Action needed: confirm you are human to deliver your message',
             date_h, 'Message-ID: <%s@secure-inbox.example>' % tok,
             'Auto-Submitted: auto-replied', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8']
        b = ('Hi,\n\nYou recently sent a message to frank@frank-photo.example with the subject\n"%s".\n\n'
             'Frank only accepts email from verified senders. Please confirm you are human\n'
             'by clicking the link below, and your message will be delivered:\n\n'
             '  https://secure-inbox.example/c/%s\n\nIf you did not send this message, you can ignore this email.\n' % (subj, tok))
        return msg(h, b), mid
    # generic-de
    h = ['Received: from gw.mailschutz.example (gw.mailschutz.example [198.51.100.177])',
         '\tby mx.mailschutz.example (Postfix) with ESMTPS id %s; %s' % (HX(10), date(-1, '+0100')),
         'From: Mailschutz <bestaetigung@mailschutz.example>',
         'To: alice@northwind.example',
         'Subject: =?utf-8?Q?Bitte_best=C3=A4tigen_Sie_Ihre_Nachricht_an_info=40kanzlei-roth=2Eexample?=',
         date_h, 'Message-ID: <%s@mailschutz.example>' % tok,
         'In-Reply-To: <%s>' % mid,
         'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable']
    b = ('Guten Tag,\n\nSie haben eine E-Mail an info@kanzlei-roth.example gesendet (Betreff: "%s").\n'
         'Zum Schutz vor Spam wird Ihre Nachricht erst zugestellt, nachdem Sie bestätigt\n'
         'haben, dass Sie ein Mensch sind. Klicken Sie dazu bitte auf den folgenden Link:\n\n'
         '  https://mailschutz.example/bestaetigen/%s\n\nDie Bestätigung ist nur einmal nötig.\n' % (subj, tok))
    return msg(h, qp(b, 'utf-8')), mid


# ---------------------------------------------------------------------------------------
# Notices: content filters and gateways telling the "sender" they quarantined or
# blocked her message (spam, a virus, a banned attachment, a blocked sender)
def notice(label, key, idx=0):
    R2 = random.Random(key + label)
    ref = ''.join(R2.choice('0123456789ABCDEF') for _ in range(12))
    rcpt = {'barracuda': 'accounts@ridgeway-school.example', 'proofpoint': 'm.jones@citylaw.example',
            'mimecast': 'orders@brightfoods.example', 'symantec': 'info@mediagroup.example',
            'trendmicro': 'y.tanaka@yamato-shoji.example', 'mcafee': 'hr@steelworks.example',
            'sophos': 'admissions@college-east.example', 'kaspersky': 'buh@torgdom.example',
            'eset': 'einkauf@musterbau.example', 'blocked-sender': 'lisa.m@webmail-plus.example',
            'quarantine-dsn': 'sales@fabrikam.example', 'mailscanner': 'office@printshop.example'}[key]
    dom = rcpt.split('@')[1]
    o, mid, subj = orig(label, rcpt, R2.randint(0, 14) if label == 'legit' else idx, 'gw.' + dom)
    oh = headers_of(o).decode('utf-8', 'replace')
    d = date(-1)
    if key == 'barracuda':
        h = ['Received: from barracuda.%s (barracuda.%s [203.0.113.150])' % (dom, dom),
             '\tby barracuda.%s with ESMTP id %s for <alice@northwind.example>; %s' % (dom, ref, d),
             'From: "Barracuda Email Security Gateway" <postmaster@%s>' % dom,
             'To: alice@northwind.example',
             'Subject: Message you sent blocked by our bulk email filter',
             'Date: %s' % d, 'Message-ID: <%s@barracuda.%s>' % (ref, dom),
             'X-Barracuda-Connect: UNKNOWN', 'Auto-Submitted: auto-generated',
             'MIME-Version: 1.0', 'Content-Type: text/plain; charset=us-ascii']
        b = ('Your message to: %s\nwas blocked by our Spam Firewall. The email you sent with the following '
             'subject has\nNOT BEEN DELIVERED:\n\nSubject: %s\n\nReason: Score exceeded the block level '
             '(7.12)\n\nIf you believe this is an error, please contact the recipient by other means.\n' % (rcpt, subj))
    elif key == 'proofpoint':
        h = ['Received: from mx0a.%s (mx0a.%s [198.51.100.161])' % (dom, dom),
             '\tby mx0b.%s with ESMTPS id 3xq%s; %s' % (dom, hx(6), d),
             'From: Proofpoint Protection <noreply@%s>' % dom,
             'To: alice@northwind.example',
             'Subject: Message Quarantined: %s' % ew(subj),
             'Date: %s' % d, 'Message-ID: <%s.pp@%s>' % (ref, dom),
             'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8']
        b = ('The message you sent to %s has been quarantined because it was\nclassified as spam.\n\n'
             '  Subject: %s\n  Quarantine ID: %s\n\nThe recipient has been notified and may release '
             'the message. No further\naction is needed on your part.\n' % (rcpt, subj, ref))
    elif key == 'mimecast':
        h = ['Received: from eu-smtp-1.mimecast.com (eu-smtp-1.mimecast.com [203.0.113.170])',
             '\tby eu-smtp-delivery-1.mimecast.com with ESMTP id mimecast-%s; %s' % (hx(10), d),
             'From: Mimecast Notification <postmaster@%s>' % dom,
             'To: alice@northwind.example',
             'Subject: Message on hold: %s' % ew(subj),
             'Date: %s' % d, 'Message-ID: <%s-mimecast@%s>' % (ref, dom),
             'Auto-Submitted: auto-generated', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8']
        b = ('Your message to %s has been held for review by the recipient\'s administrator\n'
             'because it matched a content policy (suspected spam).\n\nSubject: %s\nSent: %s\n\n'
             'You will be notified if the message is released or rejected.\n' % (rcpt, subj, d))
    elif key == 'symantec':
        h = ['Received: from smg.%s (smg.%s [198.51.100.171])' % (dom, dom),
             '\tby mail.%s (Postfix) with ESMTP id %s; %s' % (dom, HX(10), d),
             'From: Symantec Messaging Gateway <smg-notify@%s>' % dom,
             'To: alice@northwind.example',
             'Subject: Virus detected in a message you sent',
             'Date: %s' % d, 'Message-ID: <%s@smg.%s>' % (ref, dom),
             'MIME-Version: 1.0', 'Content-Type: text/plain; charset=us-ascii']
        b = ('Symantec Messaging Gateway detected a virus in a message you sent.\n\n'
             'Recipient: %s\nSubject: %s\nVirus: W32.Downadup.B\nAction taken: message deleted\n\n'
             'Please run a virus scan on your computer.\n' % (rcpt, subj))
    elif key == 'trendmicro':
        h = ['Received: from imss.%s (imss.%s [203.0.113.172])' % (dom, dom),
             '\tby mail.%s with ESMTP; %s' % (dom, date(-1, '+0900')),
             'From: InterScan Messaging Security Suite <imss@%s>' % dom,
             'To: alice@northwind.example',
             'Subject: %s (Message blocked)' % ew('セキュリティポリシー違反のメッセージを検出しました', 'iso-2022-jp'),
             'Date: %s' % date(-1, '+0900'), 'Message-ID: <IMSS.%s@%s>' % (ref, dom),
             'MIME-Version: 1.0', 'Content-Type: text/plain; charset=iso-2022-jp', 'Content-Transfer-Encoding: 7bit']
        txt = ('InterScan Messaging Security Suite が、セキュリティポリシーに違反するメッセージを検出しました。\n\n'
               '送信者: alice@northwind.example\n宛先: %s\n件名: %s\n処理: 削除\n' % (rcpt, subj))
        try:
            b = txt.encode('iso-2022-jp').decode('ascii')
        except UnicodeEncodeError:
            b = txt.replace(subj, '(non-Japanese subject)').encode('iso-2022-jp').decode('ascii')
    elif key == 'mcafee':
        h = ['Received: from meg.%s (meg.%s [198.51.100.173])' % (dom, dom),
             '\tby mail.%s (Postfix) with ESMTP id %s; %s' % (dom, HX(10), d),
             'From: McAfee Email Gateway <postmaster@%s>' % dom,
             'To: alice@northwind.example',
             'Subject: Blocked: %s' % ew(subj),
             'Date: %s' % d, 'Message-ID: <MEG.%s@%s>' % (ref, dom),
             'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8']
        b = ('McAfee Email Gateway blocked your message to %s.\n\nReason: the message contained a '
             'prohibited attachment type (invoice.zip -> invoice.exe).\n\nThe message has been quarantined.\n' % rcpt)
    elif key == 'sophos':
        h = ['Received: from pmx.%s (pmx.%s [203.0.113.174])' % (dom, dom),
             '\tby mail.%s (Postfix) with ESMTP id %s; %s' % (dom, HX(10), d),
             'From: PureMessage <pmx-noreply@%s>' % dom,
             'To: alice@northwind.example',
             'Subject: [PMX:SPAM] Your message was not delivered: %s' % ew(subj),
             'Date: %s' % d, 'Message-ID: <pmx.%s@%s>' % (ref, dom),
             'MIME-Version: 1.0', 'Content-Type: text/plain; charset=us-ascii']
        b = ('Sophos PureMessage quarantined a message that appears to come from you:\n\n'
             '   To: %s\n   Subject: %s\n   Spam probability: 99%%\n\n'
             'If you did not send this message, your address was forged by the sender.\n' % (rcpt, subj))
    elif key == 'kaspersky':
        h = ['Received: from kms.%s (kms.%s [198.51.100.174])' % (dom, dom),
             '\tby mail.%s (Postfix) with ESMTP id %s; %s' % (dom, HX(10), date(-1, '+0300')),
             'From: Kaspersky Security for Linux Mail Server <postmaster@%s>' % dom,
             'To: alice@northwind.example',
             'Subject: %s' % ew('Обнаружен вирус в отправленном вами сообщении', 'koi8-r'),
             'Date: %s' % date(-1, '+0300'), 'Message-ID: <kav.%s@%s>' % (ref, dom),
             'MIME-Version: 1.0', 'Content-Type: text/plain; charset=koi8-r', 'Content-Transfer-Encoding: 8bit']
        txt = ('В сообщении, отправленном вами на адрес %s, обнаружен вирус.\n\n'
               'Тема: %s\nОбъект: Trojan-Downloader.MSWord.Agent\nДействие: сообщение удалено.\n' % (rcpt, subj))
        return msgb(h, txt.encode('koi8-r', 'replace')), mid
    elif key == 'eset':
        h = ['Received: from esets.%s (esets.%s [203.0.113.175])' % (dom, dom),
             '\tby mail.%s (Postfix) with ESMTP id %s; %s' % (dom, HX(10), date(-1, '+0100')),
             'From: ESET Mail Security <postmaster@%s>' % dom,
             'To: alice@northwind.example',
             'Subject: =?utf-8?Q?Bedrohung_in_Ihrer_Nachricht_gefunden?=',
             'Date: %s' % date(-1, '+0100'), 'Message-ID: <eset.%s@%s>' % (ref, dom),
             'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable']
        b = qp('ESET Mail Security hat in Ihrer Nachricht an %s eine Bedrohung gefunden.\n\n'
               'Betreff: %s\nBedrohung: Win32/Emotet.CD Trojaner\nAktion: Nachricht in Quarantäne verschoben\n' % (rcpt, subj), 'utf-8')
    elif key == 'blocked-sender':
        h = ['Received: from notify.webmail-plus.example (notify.webmail-plus.example [203.0.113.176])',
             '\tby mx.webmail-plus.example (Postfix) with ESMTP id %s; %s' % (HX(10), d),
             'From: Webmail Plus <no-reply@webmail-plus.example>',
             'To: alice@northwind.example',
             'Subject: Your message to lisa.m@webmail-plus.example was blocked',
             'Date: %s' % d, 'Message-ID: <blk.%s@webmail-plus.example>' % ref,
             'Auto-Submitted: auto-generated', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8']
        b = ('The recipient has added your address to their Blocked Senders list, so your\n'
             'message "%s" was not delivered. This notice is sent once per day.\n' % subj)
    elif key == 'mailscanner':
        h = ['Received: from mx.%s (mx.%s [198.51.100.178])' % (dom, dom),
             '\tby mx.%s (Postfix) with ESMTP id %s; %s' % (dom, HX(10), d),
             'From: MailScanner <postmaster@%s>' % dom,
             'To: alice@northwind.example',
             'Subject: Warning: E-mail viruses detected',
             'Date: %s' % d, 'Message-ID: <MailScanner.%s@%s>' % (ref, dom),
             'X-Printshop-MailScanner: Found to be infected',
             'MIME-Version: 1.0', 'Content-Type: text/plain; charset=us-ascii']
        b = ('Our virus detector has just been triggered by a message you sent:\n'
             '     To: %s\n     Subject: %s\n     Date: %s\n'
             'Any infected parts of the message have not been delivered.\n\n'
             'This message is simply to warn you that your computer system may have a\nvirus present '
             'and should be checked.\n\nThe virus detector said this about the message:\n'
             'Report: invoice.doc.exe: W32/Emotet-BZP\n\n-- \nMailScanner\n' % (rcpt, subj, d))
    else:   # quarantine-dsn: a quarantine notice packaged as a DSN
        ctype, body = multipart('multipart/report; report-type=delivery-status', [
            (['Content-Type: text/plain; charset=us-ascii'],
             'Your message was quarantined by the content filter of fabrikam.example because it\n'
             'was classified as SPAM (score 11.3). It has not been delivered to the recipient\n'
             'below. The recipient can release it from the quarantine.\n\n   %s\n' % rcpt),
            (['Content-Type: message/delivery-status'],
             'Reporting-MTA: dns; filter.fabrikam.example\n\nFinal-Recipient: rfc822; %s\n'
             'Action: failed\nStatus: 5.7.1\nDiagnostic-Code: smtp; 550 5.7.1 Message quarantined as spam\n' % rcpt),
            (['Content-Type: text/rfc822-headers'], oh)], boundary='qrt%s' % ref)
        h = ['Received: from filter.fabrikam.example (filter.fabrikam.example [198.51.100.179])',
             '\tby mx.fabrikam.example (Postfix) with ESMTP id %s; %s' % (HX(10), d),
             'From: Content Filter <postmaster@fabrikam.example>',
             'To: alice@northwind.example',
             'Subject: Quarantine notice: message held as spam',
             'Date: %s' % d, 'Message-ID: <Q%s@filter.fabrikam.example>' % ref,
             'Auto-Submitted: auto-generated', 'MIME-Version: 1.0', ctype]
        return msg(h, body), mid
    return msg(h, b), mid


# ---------------------------------------------------------------------------------------
# Bounces from systems Debian does not have, and odd bounces
def dsn_part(reporting, rcpt, action='failed', status='5.1.1', diag=None, orig_rcpt=None,
             remote=None, arrival=None):
    s = 'Reporting-MTA: dns; %s\n' % reporting
    if arrival:
        s += 'Arrival-Date: %s\n' % arrival
    s += '\n'
    if orig_rcpt:
        s += 'Original-Recipient: rfc822;%s\n' % orig_rcpt
    s += 'Final-Recipient: rfc822;%s\nAction: %s\nStatus: %s\n' % (rcpt, action, status)
    if remote:
        s += 'Remote-MTA: dns;%s\n' % remote
    if diag:
        s += 'Diagnostic-Code: smtp;%s\n' % diag
    return s


def bounce(label, key, idx=0):
    """(bytes, message_id, [failed recipients as the user wrote them])"""
    R2 = random.Random(key + label)
    ref = ''.join(R2.choice('0123456789ABCDEF') for _ in range(10))
    d = date(-1)
    if key == 'mdaemon':
        rcpt = 'p.wright@wrightsteel.example'
        o, mid, subj = orig(label, rcpt, 2 if label == 'legit' else idx, 'mail.wrightsteel.example')
        h = ['Received: from mail.wrightsteel.example by mail.wrightsteel.example (MDaemon PRO v23.5.2)',
             '\twith ESMTP id md50000123456.msg; %s' % d,
             'From: "MDaemon at mail.wrightsteel.example" <MDaemon@mail.wrightsteel.example>',
             'To: alice@northwind.example',
             'Subject: Permanent Delivery Failure',
             'Date: %s' % d, 'Message-ID: <MDAEMON-F%s.%s@mail.wrightsteel.example>' % (time.strftime('%Y%m%d%H%M%S'), ref),
             'X-MDDSN-Message: Yes', 'X-MDaemon-Deliver-To: alice@northwind.example', 'X-Return-Path: <>',
             'Content-Type: multipart/mixed; boundary="0409-%s"' % ref, 'MIME-Version: 1.0']
        b = ('--0409-%s\nContent-Type: text/plain; charset=us-ascii\n\n'
             'The attached message had PERMANENT fatal delivery errors!\n\n'
             'After one or more unsuccessful delivery attempts the attached message has\n'
             'been removed from the mail queue on this server.  The number and frequency\n'
             'of delivery attempts are determined by local configuration parameters.\n\n'
             'YOU DO NOT NEED TO RESEND YOUR MESSAGE.\n\n--- Session Transcript ---\n'
             ' %s: Parsing message <pd50000123456.msg>\n'
             ' %s: *  Session 12345; child 0001\n'
             ' %s: *      From: alice@northwind.example\n'
             ' %s: *        To: %s\n'
             ' %s: Attempting SMTP connection to [10.3.0.5 : 25]\n'
             ' %s: --> RCPT To:<%s>\n'
             ' %s: <-- 550 5.1.1 <%s>... User unknown\n'
             '--- End Transcript ---\n\n'
             ': Message contains [1] file attachments\n\n--0409-%s\n'
             'Content-Type: message/rfc822\n\n%s\n--0409-%s--\n') % (
            ref, *(time.strftime('%a %Y-%m-%d %H:%M:%S.000'),) * 2,
            time.strftime('%a %Y-%m-%d %H:%M:%S.000'), time.strftime('%a %Y-%m-%d %H:%M:%S.000'), rcpt,
            time.strftime('%a %Y-%m-%d %H:%M:%S.000'), time.strftime('%a %Y-%m-%d %H:%M:%S.000'), rcpt,
            time.strftime('%a %Y-%m-%d %H:%M:%S.000'), rcpt, ref, o.decode('utf-8', 'replace'), ref)
        return msg(h, b), mid, [rcpt]
    if key == 'sysadmin':   # Exchange 5.5 / 2000 "System Administrator"
        rcpt = 'jbrown@oldbank.example'
        o, mid, subj = orig(label, rcpt, 2 if label == 'legit' else idx, 'mail.oldbank.example')
        ctype, body = multipart('multipart/report; report-type=delivery-status', [
            (['Content-Type: text/plain;', '\tcharset="iso-8859-1"'],
             'Your message did not reach some or all of the intended recipients.\n\n'
             '      Subject:\t%s\n      Sent:\t%s\n\nThe following recipient(s) could not be reached:\n\n'
             '      jbrown@oldbank.example on %s\n            The recipient name is not recognized\n'
             '\tThe MTS-ID of the original message is: c=US;a= ;p=OLDBANK;l=EXCH01-%s\n'
             '            MSEXCH:IMS:OldBank:HQ:EXCH01 0 (000C05A6) Unknown Recipient\n' % (subj, d, d, ref)),
            (['Content-Type: message/delivery-status'],
             'Reporting-MTA: dns; exch01.oldbank.example\n\nFinal-Recipient: rfc822;%s\nAction: failed\n'
             'Status: 5.0.0\n' % rcpt),
            (['Content-Type: message/rfc822'], o)], boundary='----_=_NextPart_000_01C%s' % ref, preamble=None)
        h = ['Received: by exch01.oldbank.example with Internet Mail Service (5.5.2658.3)',
             '\tid <%s>; %s' % (ref, d),
             'Message-ID: <%s@exch01.oldbank.example>' % ref,
             'From: System Administrator <postmaster@oldbank.example>',
             'To: alice@northwind.example',
             'Subject: Undeliverable: %s' % ew(subj, 'iso-8859-1', 'Q'),
             'Date: %s' % d, 'MIME-Version: 1.0', 'X-Mailer: Internet Mail Service (5.5.2658.3)', ctype]
        return msg(h, body), mid, [rcpt]
    if key == 'ndr-at':     # a gateway that sends its NDRs from ndr@
        rcpt = 'c.evans@shipco.example'
        o, mid, subj = orig(label, rcpt, 13 if label == 'legit' else idx, 'gw.shipco.example')
        h = ['Received: from gw.shipco.example (gw.shipco.example [198.51.100.181])',
             '\tby relay.shipco.example with ESMTP id %s; %s' % (ref, d),
             'From: ndr@shipco.example', 'To: alice@northwind.example',
             'Subject: Returned mail: %s' % ew(subj),
             'Date: %s' % d, 'Message-ID: <ndr.%s@shipco.example>' % ref,
             'MIME-Version: 1.0', 'Content-Type: text/plain; charset=us-ascii']
        b = ('Delivery to the following recipient failed permanently:\n\n    %s\n\n'
             'Technical details of permanent failure:\nThe recipient mailbox does not exist '
             '(mailbox disabled, 550 5.2.1).\n\n----- Original message -----\n\n%s' % (rcpt, o.decode('utf-8', 'replace')))
        return msg(h, b), mid, [rcpt]
    if key == 'exchange2016':
        rcpt = 'l.hughes@fabrikam.example'
        o, mid, subj = orig(label, rcpt, 0 if label == 'legit' else idx, 'mail.fabrikam.example')
        text = ('Delivery has failed to these recipients or groups:\n\n%s (%s)\n'
                'The email address you entered couldn\'t be found. Please check the recipient\'s email '
                'address and try to resend the message. If the problem continues, please contact your '
                'helpdesk.\n\nIf you need help, your administrator can contact support@fabrikam.example '
                'or the Fabrikam IT Service Desk <it-desk@fabrikam.example>.\n\n\n\n\n\n'
                'Diagnostic information for administrators:\n\nGenerating server: EX02.fabrikam.local\n\n'
                '%s\nRemote Server returned \'550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not '
                'found by SMTP address lookup\'\n\nOriginal message headers:\n\n%s'
                % (rcpt, rcpt, rcpt, headers_of(o).decode('utf-8', 'replace')))
        alt_t, alt_b = multipart('multipart/alternative', [
            (['Content-Type: text/plain; charset="us-ascii"', 'Content-Transfer-Encoding: quoted-printable'], qp(text, 'utf-8')),
            (['Content-Type: text/html; charset="us-ascii"', 'Content-Transfer-Encoding: quoted-printable'],
             qp(html_of(text).replace('{cs}', 'us-ascii'), 'utf-8'))], boundary='_002_%s_' % ref, preamble=None)
        ctype, body = multipart('multipart/report; report-type=delivery-status', [
            ([alt_t], alt_b),
            (['Content-Type: message/delivery-status'],
             dsn_part('EX02.fabrikam.local', rcpt, status='5.1.10',
                      diag='550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
                      arrival=d)),
            (['Content-Type: message/rfc822'], o)], boundary='_000_%s_' % ref, preamble=None)
        h = ['Received: from EX02.fabrikam.local (10.1.0.12) by mail.fabrikam.example (10.1.0.10)',
             ' with Microsoft SMTP Server id 15.1.2507.%d; %s' % (R2.randint(1, 39), d),
             'MIME-Version: 1.0', 'From: <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@fabrikam.example>',
             'To: <alice@northwind.example>', 'Date: %s' % d,
             'Content-Type: ' + ctype.split(': ', 1)[1],
             'X-MS-Exchange-Message-Is-Ndr:', 'Content-Language: en-US',
             'Message-ID: <%s@EX02.fabrikam.local>' % hx(32),
             'In-Reply-To: <%s>' % mid, 'References: <%s>' % mid,
             'Thread-Index: AQHa%s' % base64.b64encode(bytes(R2.getrandbits(8) for _ in range(15))).decode(),
             'Subject: Undeliverable: %s' % ew(subj), 'Auto-Submitted: auto-replied',
             'X-MS-Exchange-Organization-SCL: -1']
        return msg(h, body), mid, [rcpt]
    if key == 'm365-alias':   # Exchange Online: the address she wrote is an alias; Final-Recipient differs
        rcpt, final = 'sales@contoso-retail.example', 'sales.team@contosoretail.onmicrosoft.example'
        o, mid, subj = orig(label, rcpt, 6 if label == 'legit' else idx, 'contoso-retail-example.mail.protection.outlook.com')
        text = ('Your message to %s couldn\'t be delivered.\n\nsales.team wasn\'t found at '
                'contosoretail.onmicrosoft.example.\n\nalice    Office 365    sales.team\nAction Required   '
                '            Recipient\n\nUnknown To address\n\nHow to Fix It\nThe address may be misspelled '
                'or may not exist. Try one or more of the following:\n\n  *   Retype the recipient\'s address, '
                'then resend the message.\n\nDiagnostic information for administrators:\n\nGenerating server: '
                'DB8PR04MB6991.eurprd04.prod.outlook.com\n\n%s\nRemote Server returned \'550 5.1.10 '
                'RESOLVER.ADR.RecipientNotFound; Recipient %s not found by SMTP address lookup\'\n' % (rcpt, final, final))
        ctype, body = multipart('multipart/report; report-type=delivery-status', [
            (['Content-Type: text/plain; charset="us-ascii"', 'Content-Transfer-Encoding: quoted-printable'], qp(text, 'utf-8')),
            (['Content-Type: message/delivery-status'],
             dsn_part('DB8PR04MB6991.eurprd04.prod.outlook.com', final, status='5.1.10', orig_rcpt=rcpt,
                      diag='550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient %s not found by SMTP address lookup' % final)),
            (['Content-Type: message/rfc822'], o)], boundary='_000_DB8PR04MB%s_' % ref, preamble=None)
        h = ['Received: from DB8PR04MB6991.eurprd04.prod.outlook.com (2001:db8:10a6:10:cafe::14) by',
             ' AM6P193CA0101.outlook.office365.com with Microsoft SMTP Server id 15.20.8158.%d; %s' % (R2.randint(10, 40), d),
             'MIME-Version: 1.0', 'From: <postmaster@contosoretail.onmicrosoft.example>',
             'To: <alice@northwind.example>', 'Date: %s' % d,
             'Content-Type: ' + ctype.split(': ', 1)[1],
             'X-MS-Exchange-Message-Is-Ndr:', 'Content-Language: en-US',
             'Message-ID: <%s@DB8PR04MB6991.eurprd04.prod.outlook.com>' % hx(32),
             'In-Reply-To: <%s>' % mid, 'References: <%s>' % mid,
             'Subject: Undeliverable: %s' % ew(subj), 'Auto-Submitted: auto-replied',
             'X-MS-PublicTrafficType: Email']
        return msg(h, body), mid, [rcpt]
    if key == 'gmail':
        rcpt = 'nobody.here.2026@gmail.com'
        o, mid, subj = orig(label, rcpt, 14 if label == 'legit' else idx, 'mx.google.com')
        b = '000000000000%s' % hx(12)
        text = ('** Address not found **\n\nYour message wasn\'t delivered to %s because the address '
                'couldn\'t be found, or is unable to receive mail.\n\nLearn more here: '
                'https://support.google.com/mail/?p=NoSuchUser\n\nThe response was:\n\n'
                'The email account that you tried to reach does not exist. Please try double-checking '
                'the recipient\'s email address for typos or unnecessary spaces. Learn more at '
                'https://support.google.com/mail/?p=NoSuchUser %s - gsmtp\n' % (rcpt, hx(24)))
        alt_t, alt_b = multipart('multipart/related', [
            (['Content-Type: text/html; charset="UTF-8"', 'Content-Transfer-Encoding: quoted-printable'],
             qp('<html><body><h2>Address not found</h2><p>%s</p></body></html>\n' % text.replace('\n', '<br>'), 'utf-8'))],
            boundary='000000000000%s' % hx(12), preamble=None)
        ctype, body = multipart('multipart/report; report-type=delivery-status', [
            ([alt_t], alt_b),
            (['Content-Type: message/delivery-status'],
             'Reporting-MTA: dns; googlemail.com\nReceived-From-MTA: dns; smtp.northwind.example\n'
             'Arrival-Date: %s\nX-Original-Message-ID: <%s>\n\nFinal-Recipient: rfc822; %s\nAction: failed\n'
             'Status: 5.1.1\nRemote-MTA: dns; gmail-smtp-in.l.google.com. (203.0.113.27, the server for the domain gmail.com.)\n'
             'Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does not exist.\n'
             'Last-Attempt-Date: %s\n' % (d, mid, rcpt, d)),
            (['Content-Type: message/rfc822'], o)], boundary=b, preamble=None)
        h = ['Received: by 2002:a05:6000:1a8c:b0:%s with SMTP id %s; %s' % (hx(3), hx(10), date(-1, '-0800')),
             'Return-Path: <>',
             'From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
             'To: alice@northwind.example',
             'Auto-Submitted: auto-replied',
             'Subject: Delivery Status Notification (Failure)',
             'References: <%s>' % mid, 'In-Reply-To: <%s>' % mid,
             'X-Failed-Recipients: %s' % rcpt,
             'Message-ID: <%s.%s.%s.GMR@mx.google.com>' % (hx(8), hx(4), hx(12)),
             'Date: %s' % date(-1, '-0800'), 'MIME-Version: 1.0', ctype]
        return msg(h, body), mid, [rcpt]
    if key == 'yahoo':
        rcpt = 'no_such_person_88@yahoo.com'
        o, mid, subj = orig(label, rcpt, 7 if label == 'legit' else idx, 'mta6.am0.yahoodns.net')
        h = ['Received: from 10.197.33.10 by atlas-production.v2-mail-prod1-gq1.omega.yahoo.com pod-id'
             ' atlas--production-gq1-%s with HTTP; %s' % (hx(6), d),
             'From: MAILER-DAEMON@yahoo.com', 'To: alice@northwind.example',
             'Subject: Failure Notice', 'Date: %s' % d,
             'Message-ID: <%d.%d@yahoo.com>' % (R2.randint(10**6, 10**7), R2.randint(10**6, 10**7)),
             'X-Yahoo-Newman-Property: ymail-5']
        b = ('Sorry, we were unable to deliver your message to the following address.\n\n'
             '<%s>:\n554: delivery error: dd This user doesn\'t have a yahoo.com account (%s) [-5] - '
             'mta4213.mail.gq1.yahoo.com\n\n--- Below this line is a copy of the message.\n\n%s'
             % (rcpt, rcpt, o.decode('utf-8', 'replace')))
        return msg(h, b), mid, [rcpt]
    if key == 'aol-screenname':
        rcpt = 'gardenlady54'
        o, mid, subj = orig(label, rcpt + '@aol.com', 9 if label == 'legit' else idx, 'mx-aol.mail.gm0.yahoodns.net')
        h = ['Received: from rly-da01.mx.aol.com (rly-da01.mail.aol.com [203.0.113.55])',
             '\tby air-da02.mail.aol.com (v129.4) with ESMTP id MAILINDA024-%s; %s' % (hx(12), d),
             'From: Mail Delivery Subsystem <MAILER-DAEMON@aol.com>',
             'To: alice@northwind.example',
             'Subject: Returned mail: User unknown', 'Date: %s' % d,
             'Message-Id: <%s.%s@rly-da01.mx.aol.com>' % (hx(10), hx(4)),
             'MIME-Version: 1.0',
             'Content-Type: multipart/report; report-type=delivery-status;\n\tboundary="%s.%s/rly-da01.mx.aol.com"' % (ref, hx(4))]
        bnd = '%s.%s/rly-da01.mx.aol.com' % (ref, h[-1][-26:-22])
        bnd = h[-1].split('boundary="')[1].rstrip('"')
        b = ('This is a MIME-encapsulated message\n\n--%s\n\n'
             'The original message was received at %s\nfrom smtp.northwind.example [192.0.2.25]\n\n'
             '   ----- The following addresses had permanent fatal errors -----\n%s\n\n'
             '   ----- Transcript of session follows -----\n... while talking to air-da02.mail.aol.com.:\n'
             '>>> RCPT To:<%s>\n<<< 550 MAILBOX NOT FOUND\n550 %s... User unknown\n\n--%s\n'
             'Content-Type: message/delivery-status\n\nReporting-MTA: dns; rly-da01.mx.aol.com\n'
             'Arrival-Date: %s\n\nFinal-Recipient: RFC822; %s\nAction: failed\nStatus: 5.1.1\n'
             'Remote-MTA: DNS; air-da02.mail.aol.com\nDiagnostic-Code: SMTP; 550 MAILBOX NOT FOUND\n'
             'Last-Attempt-Date: %s\n\n--%s\nContent-Type: text/rfc822-headers\n\n%s\n--%s--\n') % (
            bnd, d, rcpt, rcpt, rcpt, bnd, d, rcpt, d, bnd, headers_of(o).decode('utf-8', 'replace'), bnd)
        return msg(h, b), mid, [rcpt]
    if key == 'domino':
        rcpt = 'Peter.Klein@musterbau.example'
        o, mid, subj = orig(label, rcpt, 3 if label == 'legit' else idx, 'smtpgw.musterbau.example')
        h = ['Received: from smtpgw.musterbau.example ([10.1.1.21])',
             '          by MAIL01.musterbau.example (Lotus Domino Release 9.0.1FP10)',
             '          with ESMTP id 2026%s; %s' % (hx(10), date(-1, '+0100')),
             'Subject: DELIVERY FAILURE: User Peter Klein (Peter.Klein@musterbau.example) not listed in Domino Directory',
             'From: Postmaster@musterbau.example', 'To: alice@northwind.example',
             'Date: %s' % date(-1, '+0100'),
             'Message-ID: <OF%s.%s-ON%s@musterbau.example>' % (HX(8), HX(8), HX(8)),
             'X-Mailer: HCL Domino Release 9.0.1FP10', 'MIME-Version: 1.0',
             'Content-type: multipart/report; report-type="delivery-status"; boundary="==IFJRGLKFGIR%s=="' % ref]
        bnd = '==IFJRGLKFGIR%s==' % ref
        b = ('--%s\nContent-type: text/plain; charset=US-ASCII\n\n'
             'Your message\n\n  Subject: %s\n\nwas not delivered to:\n\n  Peter.Klein@musterbau.example\n\n'
             'because:\n\n  User Peter Klein (Peter.Klein@musterbau.example) not listed in Domino Directory\n\n'
             '--%s\nContent-type: message/delivery-status\n\nReporting-MTA: dns;MAIL01.musterbau.example\n\n'
             'Final-Recipient: rfc822;Peter.Klein@musterbau.example\nAction: failed\nStatus: 5.0.0\n\n'
             '--%s\nContent-type: message/rfc822\n\n%s\n--%s--\n') % (bnd, subj, bnd, bnd, o.decode('utf-8', 'replace'), bnd)
        return msg(h, b), mid, [rcpt]
    if key == 'groupwise':
        rcpt = 'mgarcia@county-gov.example'
        o, mid, subj = orig(label, rcpt, 5 if label == 'legit' else idx, 'gwia.county-gov.example')
        h = ['Received: from GWIA-MTA by gwia.county-gov.example with Novell_GroupWise; %s' % date(-1, '-0700'),
             'Message-Id: <%s.%s.%s@gwia.county-gov.example>' % (HX(8), hx(3), HX(4)),
             'Date: %s' % date(-1, '-0700'),
             'From: Mail Delivery System <Postmaster@county-gov.example>',
             'To: <alice@northwind.example>',
             'Subject: Message status - undeliverable',
             'MIME-Version: 1.0', 'Content-Type: multipart/report; report-type=delivery-status; boundary="GW%s"' % ref]
        b = ('--GW%s\nContent-Type: text/plain\n\nThe message that you sent was undeliverable to the following:\n'
             '\t%s (user not found)\n\nPossibly truncated original message follows:\n\n%s\n'
             '--GW%s\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; gwia.county-gov.example\n\n'
             'Final-Recipient: rfc822; %s\nAction: failed\nStatus: 5.1.1\n\n--GW%s--\n') % (
            ref, rcpt, o.decode('utf-8', 'replace')[:1500], ref, rcpt, ref)
        return msg(h, b), mid, [rcpt]
    if key == 'qmail':
        rcpt = 'webmaster@oldsite.example'
        o, mid, subj = orig(label, rcpt, 1 if label == 'legit' else idx, 'oldsite.example')
        h = ['Received: (qmail 20113 invoked for bounce); %s' % date(-1),
             'Date: %s' % date(-1), 'From: MAILER-DAEMON@mail.oldsite.example',
             'To: alice@northwind.example', 'Subject: failure notice']
        b = ('Hi. This is the qmail-send program at mail.oldsite.example.\n'
             'I\'m afraid I wasn\'t able to deliver your message to the following addresses.\n'
             'This is a permanent error; I\'ve given up. Sorry it didn\'t work out.\n\n'
             '<%s>:\nSorry, no mailbox here by that name. (#5.1.1)\n\n'
             '--- Below this line is a copy of the message.\n\n%s' % (rcpt, o.decode('utf-8', 'replace')))
        return msg(h, b), mid, [rcpt]
    if key == 'sendmail':
        rcpt = 'tanaka@mail.old-unix.example'
        o, mid, subj = orig(label, rcpt, 13 if label == 'legit' else idx, 'mail.old-unix.example')
        bnd = '%s.%d/mail.old-unix.example' % (ref, int(time.time()))
        h = ['Received: from localhost (localhost)', '\tby mail.old-unix.example (8.17.1/8.17.1) id %s;' % ref,
             '\t%s' % d, 'Date: %s' % d,
             'From: Mail Delivery Subsystem <MAILER-DAEMON@mail.old-unix.example>',
             'Message-Id: <%s.%s@mail.old-unix.example>' % (time.strftime('%Y%m%d%H%M'), ref),
             'To: <alice@northwind.example>', 'MIME-Version: 1.0',
             'Content-Type: multipart/report; report-type=delivery-status;\n\tboundary="%s"' % bnd,
             'Subject: Returned mail: see transcript for details', 'Auto-Submitted: auto-generated (failure)']
        b = ('This is a MIME-encapsulated message\n\n--%s\n\n'
             'The original message was received at %s\nfrom smtp.northwind.example [192.0.2.25]\n\n'
             '   ----- The following addresses had permanent fatal errors -----\n<%s>\n'
             '    (reason: 550 5.1.1 <%s>... User unknown)\n\n'
             '   ----- Transcript of session follows -----\n... while talking to mailhost.old-unix.example.:\n'
             '>>> DATA\n<<< 550 5.1.1 <%s>... User unknown\n550 5.1.1 <%s>... User unknown\n<<< 503 5.0.0 Need RCPT (recipient)\n\n'
             '--%s\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mail.old-unix.example\n'
             'Received-From-MTA: DNS; smtp.northwind.example\nArrival-Date: %s\n\n'
             'Final-Recipient: RFC822; %s\nAction: failed\nStatus: 5.1.1\nRemote-MTA: DNS; mailhost.old-unix.example\n'
             'Diagnostic-Code: SMTP; 550 5.1.1 <%s>... User unknown\nLast-Attempt-Date: %s\n\n'
             '--%s\nContent-Type: message/rfc822\n\n%s\n--%s--\n') % (
            bnd, d, rcpt, rcpt, rcpt, rcpt, bnd, d, rcpt, rcpt, d, bnd, o.decode('utf-8', 'replace'), bnd)
        # the bounce's own first hop is a local one on that host
        h[0] = 'Received: from mail.old-unix.example (mail.old-unix.example)'
        return msg(h, b), mid, [rcpt]
    if key == 'smtp-equals':   # Exchange 2000/2003 IMS with the SMTP=user@host address form
        rcpt = 'rpatel@legacy-insurance.example'
        o, mid, subj = orig(label, rcpt, 0 if label == 'legit' else idx, 'mail.legacy-insurance.example')
        ctype, body = multipart('multipart/report; report-type=delivery-status', [
            (['Content-Type: text/plain;', '\tcharset="iso-8859-1"'],
             'Your message\n\n  To:      %s\n  Subject: %s\n  Sent:    %s\n\ndid not reach the following '
             'recipient(s):\n\nSMTP=%s on %s\n    The e-mail account does not exist at the organization this '
             'message was sent to.\n    <mail.legacy-insurance.example #5.1.1>\n' % (rcpt, subj, d, rcpt, d)),
            (['Content-Type: message/delivery-status'],
             'Reporting-MTA: dns;mail.legacy-insurance.example\n\nFinal-Recipient: rfc822;SMTP=%s\n'
             'Action: failed\nStatus: 5.1.1\n' % rcpt),
            (['Content-Type: message/rfc822'], o)], boundary='----_=_NextPart_001_01D%s' % ref, preamble=None)
        h = ['Received: from mail.legacy-insurance.example ([10.2.0.4]) by mail.legacy-insurance.example with Microsoft SMTPSVC(6.0.3790.4675);',
             '\t %s' % d, 'From: postmaster@legacy-insurance.example', 'To: alice@northwind.example',
             'Date: %s' % d, 'MIME-Version: 1.0', ctype,
             'X-DSNContext: 335a7efd - 4523 - 00000001 - 80040546',
             'Message-ID: <%s@mail.legacy-insurance.example>' % hx(20),
             'Subject: Delivery Status Notification (Failure)']
        return msg(h, body), mid, [rcpt]
    if key == 'unfolded':   # the returned header block lost its continuation lines' indentation
        rcpt = 'kontakt@reisebuero-sonne.example'
        o, mid, subj = orig(label, rcpt, 3 if label == 'legit' else idx, 'mx.reisebuero-sonne.example')
        hdr, bodytxt = o.decode('utf-8', 'replace').split('\n\n', 1)
        hdr = '\n'.join(l.lstrip('\t ') for l in hdr.split('\n'))
        h = ['Received: from mail.webhoster-billig.example (mail.webhoster-billig.example [198.51.100.182])',
             '\tby mx.reisebuero-sonne.example; %s' % date(-1, '+0100'),
             'From: Mail Delivery System <MAILER-DAEMON@webhoster-billig.example>',
             'To: alice@northwind.example', 'Subject: Mail delivery failed',
             'Date: %s' % date(-1, '+0100'), 'Message-ID: <%s@webhoster-billig.example>' % ref]
        b = ('This message was created automatically by mail delivery software.\n\n'
             'A message that you sent could not be delivered to one or more of its recipients.\n'
             'The following address(es) failed:\n\n  %s\n    mailbox unavailable\n\n'
             '------ This is a copy of the message\'s headers. ------\n\n%s\n' % (rcpt, hdr))
        return msg(h, b), mid, [rcpt]
    if key == 'quoted-addr':   # the failed address glued to quotes and brackets
        rcpt = 'm.rossi@ditta-conti.example'
        o, mid, subj = orig(label, rcpt, 8 if label == 'legit' else idx, 'mx.ditta-conti.example')
        h = ['Received: from antispam.ditta-conti.example (antispam.ditta-conti.example [203.0.113.183])',
             '\tby mx.ditta-conti.example; %s' % date(-1, '+0100'),
             'From: "Mail Administrator" <mailadmin@ditta-conti.example>',
             'To: alice@northwind.example', 'Subject: Mail System Error - Returned Mail',
             'Date: %s' % date(-1, '+0100'), 'Message-ID: <%s.err@ditta-conti.example>' % ref,
             'MIME-Version: 1.0', 'Content-Type: text/plain; charset=us-ascii']
        b = ('This Message was undeliverable due to the following reason:\n\n'
             'The user(s) account is disabled.\n\n"<%s>"\n\nPlease reply to <mailadmin@ditta-conti.example>\n'
             'if you feel this message to be in error.\n\nReceived: %s\n\n----- Original message follows -----\n\n%s'
             % (rcpt, d, o.decode('utf-8', 'replace')))
        return msg(h, b), mid, [rcpt]
    if key == 'via-list':   # a bounce sent back to a list, which resent it to every member
        rcpt = 'old.member@defunct-isp.example'
        o, mid, subj = orig(label, 'club@lists.rowing-club.example', 1 if label == 'legit' else idx, 'lists.rowing-club.example')
        inner = ('From: Mail Delivery System <MAILER-DAEMON@mail.defunct-isp.example>\n'
                 'To: club@lists.rowing-club.example\nSubject: Undelivered Mail Returned to Sender\n'
                 'Date: %s\nMessage-Id: <%s@mail.defunct-isp.example>\nAuto-Submitted: auto-replied\n'
                 'Content-Type: text/plain\n\nThis is the mail system at host mail.defunct-isp.example.\n\n'
                 'I\'m sorry to have to inform you that your message could not\nbe delivered to one or more '
                 'recipients.\n\n<%s>: user unknown\n\n--- copy of the message follows ---\n\n%s') % (
            date(-3), ref, rcpt, o.decode('utf-8', 'replace'))
        h = ['Received: from lists.rowing-club.example (lists.rowing-club.example [198.51.100.184])',
             '\tby lists.rowing-club.example (Postfix) with ESMTP id %s; %s' % (HX(10), d),
             'From: Mail Delivery System <MAILER-DAEMON@mail.defunct-isp.example>',
             'To: club@lists.rowing-club.example',
             'Subject: Undelivered Mail Returned to Sender',
             'Date: %s' % date(-3), 'Message-Id: <%s@mail.defunct-isp.example>' % ref,
             'Sender: club-bounces@lists.rowing-club.example',
             'List-Id: Rowing club members <club.lists.rowing-club.example>',
             'List-Post: <mailto:club@lists.rowing-club.example>',
             'Precedence: list', 'Errors-To: club-bounces@lists.rowing-club.example',
             'X-BeenThere: club@lists.rowing-club.example', 'Content-Type: text/plain']
        return msg(h, inner.split('\n\n', 1)[1]), mid, [rcpt]
    if key == 'helpdesk-person':   # a bounce written by a person-like sender, not null envelope
        rcpt = 'd.kowalski@hurtownia-wisla.example'
        o, mid, subj = orig(label, rcpt, 11 if label == 'legit' else idx, 'mail.hurtownia-wisla.example')
        h = ['Received: from mail.hurtownia-wisla.example (mail.hurtownia-wisla.example [203.0.113.185])',
             '\tby mail.hurtownia-wisla.example; %s' % date(-1, '+0100'),
             'From: "IT Helpdesk" <helpdesk@hurtownia-wisla.example>',
             'To: alice@northwind.example', 'Subject: Undeliverable message / Wiadomość niedostarczona',
             'Date: %s' % date(-1, '+0100'), 'Message-ID: <%s.hd@hurtownia-wisla.example>' % ref,
             'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit']
        b = ('Your message could not be delivered: the mailbox of %s has been\n'
             'closed (employee left the company). Delivery failed permanently.\n\n'
             'Twoja wiadomość nie mogła zostać dostarczona: skrzynka %s została zamknięta.\n\n'
             '-------- Original Message --------\nSubject: %s\nDate: %s\nFrom: Alice <alice@northwind.example>\nTo: %s\n'
             % (rcpt, rcpt, subj, d, rcpt))
        return msg(h, b), mid, [rcpt]
    if key == 'courier':
        rcpt = 'info@ferienwohnung-see.example'
        o, mid, subj = orig(label, rcpt, 3 if label == 'legit' else idx, 'mail.ferienwohnung-see.example')
        bnd = '=_courier-%d-%d-%s' % (R2.randint(1000, 9999), int(time.time()), hx(4))
        h = ['From: Courier mail server at mail.ferienwohnung-see.example <@>',
             'To: alice@northwind.example', 'Subject: NOTICE: mail delivery status.',
             'Mime-Version: 1.0',
             'Content-Type: multipart/report; report-type=delivery-status;\n    boundary="%s"' % bnd,
             'Content-Transfer-Encoding: 7bit', 'Message-ID: <courier.%s@mail.ferienwohnung-see.example>' % ref,
             'Date: %s' % date(-1, '+0100')]
        b = ('This is a MIME-formatted message.  If you see this text it means that your\n'
             'E-mail software does not support MIME-formatted messages.\n\n--%s\n'
             'Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 7bit\n\n'
             '                        This is a delivery status notification from\n'
             '                        mail.ferienwohnung-see.example, running the Courier mail server.\n\n'
             'The original message was received on %s\nfrom smtp.northwind.example (smtp.northwind.example [192.0.2.25])\n\n'
             '---------------------------------------------------------------------------\n\n'
             '                           UNDELIVERABLE MAIL\n\n'
             'Your message to the following recipients cannot be delivered:\n\n<%s>:\n'
             '    <<< 550 User %s unknown\n\n--%s\nContent-Type: message/delivery-status\n'
             'Content-Transfer-Encoding: 7bit\n\nReporting-MTA: dns; mail.ferienwohnung-see.example\n'
             'Arrival-Date: %s\n\nFinal-Recipient: rfc822; %s\nAction: failed\nStatus: 5.0.0\n'
             'Diagnostic-Code: smtp; 550 User %s unknown\n\n--%s\nContent-Type: text/rfc822-headers; charset="iso-8859-1"\n'
             'Content-Transfer-Encoding: 7bit\n\n%s\n--%s--\n') % (
            bnd, d, rcpt, rcpt, bnd, d, rcpt, rcpt, bnd, headers_of(o).decode('utf-8', 'replace'), bnd)
        return msg(h, b), mid, [rcpt]
    if key == 'copy-follows-fr':   # a French gateway: "Une copie du message suit"
        rcpt = 'contact@cabinet-leroy.example'
        o, mid, subj = orig(label, rcpt, 4 if label == 'legit' else idx, 'mx.cabinet-leroy.example')
        h = ['Received: from relais.fai-ouest.example (relais.fai-ouest.example [198.51.100.186])',
             '\tby mx.cabinet-leroy.example; %s' % date(-1, '+0100'),
             'From: Service de messagerie <postmaster@fai-ouest.example>',
             'To: alice@northwind.example', 'Subject: =?iso-8859-1?Q?Message_non_d=E9livr=E9?=',
             'Date: %s' % date(-1, '+0100'), 'Message-ID: <ndr-%s@fai-ouest.example>' % ref,
             'MIME-Version: 1.0', 'Content-Type: text/plain; charset=iso-8859-1', 'Content-Transfer-Encoding: quoted-printable']
        b = qp('Votre message n\'a pas pu être délivré au destinataire suivant :\n\n  %s\n'
               '  Raison : boîte aux lettres inexistante (550 5.1.1)\n\n'
               '----- Une copie du message suit -----\n\n' % rcpt, 'iso-8859-1')
        return msg(h, b + o.decode('utf-8', 'replace')), mid, [rcpt]
    raise KeyError(key)


# ---------------------------------------------------------------------------------------
# Read receipts (RFC 8098): legit when alice asked for one; backscatter when spam that
# forged her asked for one (Disposition-Notification-To: alice)
def mdn(label, key, idx=0):
    R2 = random.Random(key + label)
    dnt = ['Disposition-Notification-To: Alice Example <alice@northwind.example>']
    if key == 'outlook':
        rcpt, name = 'b.taylor@fabrikam.example', 'Brian Taylor'
    elif key == 'thunderbird':
        rcpt, name = 'jan.novak@firma-novak.example', 'Jan Novák'
    elif key == 'outlook-de-unread':
        rcpt, name = 'k.vogel@musterbau.example', 'Katrin Vogel'
    else:   # notes
        rcpt, name = 'Robert.Lee@harbourbank.example', 'Robert Lee'
    if label == 'legit':
        o, mid, subj = orig(label, rcpt, R2.randint(0, 14), 'mx.' + rcpt.split('@')[1], extra_headers=dnt)
    else:
        o, mid, subj = orig(label, rcpt, idx, 'mx.' + rcpt.split('@')[1])
        hdr, rest = o.split(b'\n\n', 1)
        o = hdr + b'\nDisposition-Notification-To: <alice@northwind.example>\n\n' + rest
    dom = rcpt.split('@')[1]
    d = date(-1, '+0100')
    if key == 'outlook':
        ctype, body = multipart('multipart/report; report-type=disposition-notification', [
            (['Content-Type: text/plain; charset="utf-8"', 'Content-Transfer-Encoding: 7bit'],
             'Your message\n\nTo: %s\nSubject: %s\nSent: %s\n\nwas read on %s.\n' % (name, subj, d, d)),
            (['Content-Type: message/disposition-notification'],
             'Reporting-UA: EX01.fabrikam.local; Microsoft Exchange Server 2016\n'
             'Final-Recipient: rfc822;%s\nOriginal-Message-ID: <%s>\n'
             'Disposition: manual-action/MDN-sent-manually; displayed\n' % (rcpt, mid))],
            boundary='_000_%s_' % hx(12), preamble=None)
        h = ['From: %s <%s>' % (name, rcpt), 'To: Alice Example <alice@northwind.example>',
             'Subject: Read: %s' % ew(subj), 'Date: %s' % d, 'Message-ID: <%s@EX01.fabrikam.local>' % hx(32),
             'Content-Language: en-US', 'X-MS-Has-Attach:', 'X-MS-TNEF-Correlator:', 'MIME-Version: 1.0', ctype]
    elif key == 'thunderbird':
        ctype, body = multipart('multipart/report; report-type=disposition-notification', [
            (['Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: 8bit'],
             'This is a Return Receipt for the mail that you sent to %s.\n\nNote: This Return Receipt only '
             'acknowledges that the message was displayed on the recipient\'s computer. There is no guarantee '
             'that the recipient has read or understood the message contents.\n' % rcpt),
            (['Content-Type: message/disposition-notification; name="MDNPart2.txt"',
              'Content-Disposition: inline', 'Content-Transfer-Encoding: 7bit'],
             'Reporting-UA: %s; Mozilla Thunderbird\nFinal-Recipient: rfc822;%s\nOriginal-Message-ID: <%s>\n'
             'Disposition: manual-action/MDN-sent-manually; displayed\n' % (dom, rcpt, mid)),
            (['Content-Type: text/rfc822-headers; name="MDNPart3.txt"', 'Content-Transfer-Encoding: 7bit',
              'Content-Disposition: inline'], headers_of(o).decode('utf-8', 'replace'))],
            boundary='------------%s' % hx(24), preamble='This is a multi-part message in MIME format.')
        h = ['Message-ID: <%s@%s>' % (uuid.uuid4(), dom), 'Date: %s' % d, 'MIME-Version: 1.0',
             'User-Agent: Mozilla Thunderbird', 'From: %s <%s>' % (ew(name), rcpt),
             'To: Alice Example <alice@northwind.example>',
             'Subject: Return Receipt (displayed) - %s' % ew(subj), ctype]
    elif key == 'outlook-de-unread':
        ctype, body = multipart('multipart/report; report-type=disposition-notification', [
            (['Content-Type: text/plain; charset="iso-8859-1"', 'Content-Transfer-Encoding: quoted-printable'],
             qp('Ihre Nachricht\n\nAn: %s\nBetreff: %s\nGesendet: %s\n\nwurde am %s ungelesen gelöscht.\n'
                % (name, subj, d, d), 'iso-8859-1')),
            (['Content-Type: message/disposition-notification'],
             'Reporting-UA: EX03.musterbau.local; Microsoft Exchange Server 2019\nFinal-Recipient: rfc822;%s\n'
             'Original-Message-ID: <%s>\nDisposition: manual-action/MDN-sent-manually; deleted\n' % (rcpt, mid))],
            boundary='_000_%s_' % hx(12), preamble=None)
        h = ['From: %s <%s>' % (name, rcpt), 'To: Alice Example <alice@northwind.example>',
             'Subject: %s' % ew('Nicht gelesen: ' + subj, 'iso-8859-1', 'Q'), 'Date: %s' % d,
             'Message-ID: <%s@EX03.musterbau.local>' % hx(32), 'Content-Language: de-DE', 'MIME-Version: 1.0', ctype]
    else:
        ctype, body = multipart('multipart/report; report-type=disposition-notification', [
            (['Content-Type: text/plain; charset=US-ASCII'],
             'Your message\n\n  To: %s\n  Subject: %s\n\nwas read on %s.\n' % (rcpt, subj, d)),
            (['Content-Type: message/disposition-notification'],
             'Reporting-UA: MAIL01/Harbourbank; Lotus Domino Release 9.0.1FP10\nFinal-Recipient: rfc822;%s\n'
             'Original-Message-ID: <%s>\nDisposition: manual-action/MDN-sent-automatically; displayed\n' % (rcpt, mid))],
            boundary='==IFJRGLKFGIR%s==' % hx(8), preamble=None)
        h = ['From: %s <%s>' % (name, rcpt), 'To: alice@northwind.example',
             'Subject: Read: %s' % ew(subj), 'Date: %s' % d,
             'Message-ID: <OF%s.%s-ON%s@harbourbank.example>' % (HX(8), HX(8), HX(8)),
             'X-Mailer: HCL Notes Release 9.0.1FP10', 'MIME-Version: 1.0', ctype]
    h.insert(0, 'Received: from mail.%s (mail.%s [10.9.0.5])\n\tby mx.%s with ESMTP id %s; %s' % (dom, dom, dom, HX(10), d))
    return msg(h, body), mid


# ---------------------------------------------------------------------------------------
# Feedback reports (RFC 5965, ARF): never backscatter; they report, they do not answer
def arf(label, key, idx=0):
    R2 = random.Random(key + label)
    if key == 'fbl-esp':   # a mailbox provider's feedback loop about alice's real newsletter
        o, mid, subj = orig('legit', 'customer77@mailbox-provider.example', 6, 'mx.mailbox-provider.example')
        frm, rep = 'Feedback Loop <fbl@mailbox-provider.example>', 'mailbox-provider.example'
        text = ('This is an email abuse report for an email message received from IP 192.0.2.25 on %s.\n'
                'A user of mailbox-provider.example marked it as spam.\n' % date(-3600))
        fb = ('Feedback-Type: abuse\nUser-Agent: MailboxProvider-FBL/1.0\nVersion: 1\n'
              'Original-Mail-From: <alice@northwind.example>\nOriginal-Rcpt-To: <customer77@mailbox-provider.example>\n'
              'Arrival-Date: %s\nSource-IP: 192.0.2.25\nReported-Domain: northwind.example\n' % date(-3600))
    else:   # an abuse desk reports spam that forged alice's domain, to abuse@northwind.example
        o, mid, subj = orig('bs', 'victim@isp-abuse.example', idx, 'mx.isp-abuse.example')
        frm, rep = 'ISP Abuse Desk <abuse-reports@isp-abuse.example>', 'isp-abuse.example'
        text = ('We received the attached spam claiming to come from your domain northwind.example.\n'
                'The sending host was 203.0.113.77. Please investigate.\n')
        fb = ('Feedback-Type: abuse\nUser-Agent: AbuseDesk/2.3\nVersion: 1\nOriginal-Mail-From: <alice@northwind.example>\n'
              'Arrival-Date: %s\nSource-IP: 203.0.113.77\nReported-Domain: northwind.example\n'
              'Authentication-Results: mx.isp-abuse.example; spf=fail smtp.mailfrom=northwind.example\n' % date(-3600))
    ctype, body = multipart('multipart/report; report-type=feedback-report', [
        (['Content-Type: text/plain; charset="US-ASCII"', 'Content-Transfer-Encoding: 7bit'], text),
        (['Content-Type: message/feedback-report'], fb),
        (['Content-Type: message/rfc822', 'Content-Disposition: inline'], o)], boundary='_----%s' % hx(20), preamble=None)
    h = ['From: %s' % frm, 'To: %s' % ('alice@northwind.example' if key == 'fbl-esp' else 'abuse@northwind.example'),
         'Subject: %s' % ('Complaint about message from 192.0.2.25' if key == 'fbl-esp' else 'Abuse report: spam from your domain'),
         'Date: %s' % date(-1), 'Message-ID: <arf.%s@%s>' % (hx(16), rep), 'MIME-Version: 1.0', ctype]
    return msg(h, body), mid


# ---------------------------------------------------------------------------------------
# Plain mail a user meets (kind none, never backscatter)
def plain(key):
    d = date(-1)
    mid = '%s@%s' % (hx(20), 'example')
    if key == 'newsletter-esp':
        b = 'b_%s' % hx(16)
        ctype, body = multipart('multipart/alternative', [
            (['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable'],
             qp('Winter sale: 30% off all outdoor jackets until Sunday.\n\nShop now: https://shop.outdoor-gear.example/sale\n\n'
                'You receive this newsletter because you subscribed at outdoor-gear.example.\n'
                'Unsubscribe: https://outdoor-gear.example/u/8f2a\n', 'utf-8')),
            (['Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable'],
             qp('<html><body><h1>Winter sale</h1><p>30% off all outdoor jackets until Sunday.</p>'
                '<p><a href="https://outdoor-gear.example/u/8f2a">Unsubscribe</a></p></body></html>\n', 'utf-8'))],
            boundary=b, preamble=None)
        h = ['Received: from mta-12.esp-mailer.example (mta-12.esp-mailer.example [203.0.113.190])',
             '\tby mta-12.esp-mailer.example id %s; %s' % (hx(12), d),
             'From: Outdoor Gear <news@outdoor-gear.example>', 'To: alice@northwind.example',
             'Subject: =?utf-8?Q?Winter_sale=3A_30=25_off_jackets_=E2=9D=84?=', 'Date: %s' % d,
             'Message-ID: <%s@esp-mailer.example>' % hx(24),
             'List-Unsubscribe: <https://outdoor-gear.example/u/8f2a>, <mailto:unsub-8f2a@esp-mailer.example>',
             'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
             'Feedback-ID: 4412:newsletter:esp-mailer', 'Precedence: bulk',
             'X-Auto-Response-Suppress: OOF, AutoReply', 'MIME-Version: 1.0', ctype]
        return msg(h, body), 'bounces+8f2a=northwind.example@esp-mailer.example', ('203.0.113.190', 'mta-12.esp-mailer.example')
    if key == 'mailman-post':
        h = ['Received: from lists.pgsql-users.example (lists.pgsql-users.example [198.51.100.191])',
             '\tby lists.pgsql-users.example (Postfix) with ESMTP id %s; %s' % (HX(10), d),
             'From: Martin Kovac <martin@dbconsult.example>', 'To: general@lists.pgsql-users.example',
             'Subject: [general] Re: replication lag after upgrade to 16', 'Date: %s' % d,
             'Message-ID: <%s@dbconsult.example>' % hx(16), 'In-Reply-To: <%s@lists.example>' % hx(12),
             'MIME-Version: 1.0', 'Content-Type: text/plain; charset="us-ascii"',
             'X-BeenThere: general@lists.pgsql-users.example', 'X-Mailman-Version: 2.1.39',
             'Precedence: list', 'List-Id: General discussion <general.lists.pgsql-users.example>',
             'List-Unsubscribe: <https://lists.pgsql-users.example/mailman/options/general>,',
             ' <mailto:general-request@lists.pgsql-users.example?subject=unsubscribe>',
             'List-Archive: <https://lists.pgsql-users.example/pipermail/general/>',
             'List-Post: <mailto:general@lists.pgsql-users.example>',
             'List-Help: <mailto:general-request@lists.pgsql-users.example?subject=help>',
             'Errors-To: general-bounces@lists.pgsql-users.example',
             'Sender: "general" <general-bounces@lists.pgsql-users.example>']
        b = ('Check wal_receiver_status_interval; after the upgrade it was back at the default.\n'
             'Also the new checkpoint settings: we saw lag until we raised max_wal_size.\n\nMartin\n'
             '_______________________________________________\ngeneral mailing list\n'
             'general@lists.pgsql-users.example\nhttps://lists.pgsql-users.example/mailman/listinfo/general\n')
        return msg(h, b), 'general-bounces+alice=northwind.example@lists.pgsql-users.example', ('198.51.100.191', 'lists.pgsql-users.example')
    if key == 'mailman3-post-bounces-word':
        h = ['Received: from mail.python-users.example (mail.python-users.example [198.51.100.192])',
             '\tby mail.python-users.example (Postfix) with ESMTP id %s; %s' % (HX(10), d),
             'From: Eve Adams <eve@adams-dev.example>', 'To: help@mm.python-users.example',
             'Subject: [help] Mail delivery failed errors from our bounce handler', 'Date: %s' % d,
             'Message-ID: <%s@adams-dev.example>' % hx(16), 'MIME-Version: 1.0',
             'Content-Type: text/plain; charset="utf-8"', 'Content-Transfer-Encoding: 7bit',
             'Message-ID-Hash: %s' % HX(32)[:32], 'X-Message-ID-Hash: %s' % HX(32)[:32],
             'X-MailFrom: eve@adams-dev.example', 'X-Mailman-Version: 3.3.8',
             'Precedence: list', 'List-Id: Help <help.mm.python-users.example>',
             'Archived-At: <https://mm.python-users.example/archives/help/message/%s/>' % HX(16),
             'List-Archive: <https://mm.python-users.example/archives/list/help@mm.python-users.example/>',
             'List-Help: <mailto:help-request@mm.python-users.example?subject=help>',
             'List-Owner: <mailto:help-owner@mm.python-users.example>',
             'List-Post: <mailto:help@mm.python-users.example>',
             'List-Subscribe: <mailto:help-join@mm.python-users.example>',
             'List-Unsubscribe: <mailto:help-leave@mm.python-users.example>']
        b = ('Hi list,\n\nour bounce handler marks every "Undelivered Mail Returned to Sender" as a hard\n'
             'bounce, even delay warnings (Status: 4.4.1). How do you parse message/delivery-status\n'
             'in Python? email.message has no helper for it.\n\nEve\n')
        return msg(h, b), 'help-bounces@mm.python-users.example', ('198.51.100.192', 'mail.python-users.example')
    if key == 'googlegroups-post':
        h = ['Received: by 2002:a05:6214:%s with SMTP id %s; %s' % (hx(4), hx(10), d),
             'From: Sam Okafor <sam.okafor@gmail.com>', 'To: hiking-club@googlegroups.com',
             'Subject: Saturday hike moved to Sunday', 'Date: %s' % d,
             'Message-ID: <CA+%s@mail.gmail.com>' % hx(30), 'MIME-Version: 1.0',
             'Content-Type: text/plain; charset="UTF-8"',
             'X-Original-Sender: sam.okafor@gmail.com', 'Precedence: list',
             'Mailing-list: list hiking-club@googlegroups.com; contact hiking-club+owners@googlegroups.com',
             'List-ID: <hiking-club.googlegroups.com>',
             'List-Post: <https://groups.google.com/group/hiking-club/post>, <mailto:hiking-club@googlegroups.com>',
             'List-Help: <https://support.google.com/a/users/answer/9308861>, <mailto:hiking-club+help@googlegroups.com>',
             'List-Archive: <https://groups.google.com/group/hiking-club/>',
             'List-Unsubscribe: <mailto:googlegroups-manage+123456789+unsubscribe@googlegroups.com>,',
             ' <https://groups.google.com/group/hiking-club/subscribe>']
        b = 'Rain on Saturday, so we walk on Sunday, same time, same car park.\n\nSam\n\n--\nYou received this message because you are subscribed to the Google Groups "Hiking club" group.\n'
        return msg(h, b), 'hiking-club+bncBC%s@googlegroups.com' % HX(20), ('203.0.113.191', 'mail-sor-f69.google.com')
    if key == 'zendesk-update':
        h = ['Received: from outbound.zendesk.example (outbound.zendesk.example [203.0.113.208])',
             '\tby outbound.zendesk.example; %s' % d,
             'From: "Maria (Acme Help Center)" <support@acme-shop.example>', 'To: alice@northwind.example',
             'Subject: [Acme] Re: order 44182 arrived damaged', 'Date: %s' % d,
             'Message-ID: <%s_sprut@zendesk.com>' % HX(20), 'In-Reply-To: <%s_sprut@zendesk.com>' % HX(20),
             'X-Mailer: Zendesk Mailer', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8']
        b = ('##- Please type your reply above this line -##\n\nYour request (44182) has been updated. '
             'To add additional comments, reply to this email.\n\nMaria (Acme Help Center)\n\n'
             'Hi Alice, we are sending a replacement today; no need to return the damaged one.\n')
        return msg(h, b), 'support@acme-shop.example', ('203.0.113.208', 'outbound.zendesk.example')
    if key == 'rt-correspondence':
        h = ['Received: from rt.fabrikam.example (rt.fabrikam.example [198.51.100.193])',
             '\tby mail.fabrikam.example (Postfix) with ESMTP id %s; %s' % (HX(10), d),
             'Subject: [fabrikam #48213] Re: Invoice 2026-1187: question about the freight charge',
             'From: "Lee Harris via RT" <support@fabrikam.example>', 'To: alice@northwind.example',
             'Date: %s' % d, 'Message-ID: <rt-5.0.5-%s@rt.fabrikam.example>' % hx(10),
             'RT-Ticket: fabrikam #48213', 'Managed-BY: RT 5.0.5 (https://bestpractical.com/rt)',
             'RT-Originator: lee.harris@fabrikam.example', 'Precedence: bulk',
             'X-RT-Loop-Prevention: fabrikam', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset="utf-8"']
        b = 'Hello Alice,\n\nyou are right, the freight charge should be EUR 180. A corrected invoice follows.\n\nLee\n'
        return msg(h, b), 'support@fabrikam.example', ('198.51.100.193', 'rt.fabrikam.example')
    if key == 'otrs-update-de':
        h = ['Received: from helpdesk.musterbau.example (helpdesk.musterbau.example [203.0.113.193])',
             '\tby mx.musterbau.example (Postfix) with ESMTP id %s; %s' % (HX(10), d),
             'From: Musterbau Kundenservice <service@musterbau.example>', 'To: alice@northwind.example',
             'Subject: [Ticket#2026120110000031] Re: Lieferung KW 49', 'Date: %s' % d,
             'Message-ID: <%s.%s@helpdesk.musterbau.example>' % (int(time.time()), hx(8)),
             'X-Loop: service@musterbau.example', 'MIME-Version: 1.0',
             'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable']
        b = qp('Hallo Frau Example,\n\ndie Lieferung kommt am Montag zwischen 8 und 10 Uhr.\n\nFreundliche Grüße\n'
               'Ihr Musterbau Kundenservice\n', 'utf-8')
        return msg(h, b), 'service@musterbau.example', ('203.0.113.193', 'helpdesk.musterbau.example')
    if key == 'order-confirmation-de':
        h = ['Received: from mailout.buero-shop.example (mailout.buero-shop.example [198.51.100.194])',
             '\tby mailout.buero-shop.example; %s' % d,
             'From: Buero-Shop <bestellung@buero-shop.example>', 'To: alice@northwind.example',
             'Subject: =?utf-8?Q?Ihre_Bestellung_Nr._6620431_ist_eingegangen?=', 'Date: %s' % d,
             'Message-ID: <order-6620431@buero-shop.example>', 'MIME-Version: 1.0',
             'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable']
        b = qp('Vielen Dank für Ihre Bestellung!\n\n  2 x Druckerpapier A4, 2500 Blatt    31,98 EUR\n'
               '  1 x Ordner breit, 10er Pack          12,49 EUR\n\nVoraussichtliche Lieferung: Donnerstag.\n', 'utf-8')
        return msg(h, b), 'bounce-6620431@buero-shop.example', ('198.51.100.194', 'mailout.buero-shop.example')
    if key == 'parcel-not-delivered':
        h = ['Received: from notify.parcel-express.example (notify.parcel-express.example [203.0.113.194])',
             '\tby notify.parcel-express.example; %s' % d,
             'From: Parcel Express <noreply@parcel-express.example>', 'To: alice@northwind.example',
             'Subject: Your parcel could not be delivered today - we will try again tomorrow', 'Date: %s' % d,
             'Message-ID: <%s@parcel-express.example>' % hx(20), 'MIME-Version: 1.0',
             'Content-Type: text/plain; charset=utf-8']
        b = ('Hello Alice Example,\n\nwe tried to deliver parcel 1Z999AA10123456784 today but nobody was at home.\n'
             'Delivery failed; we will try again tomorrow between 9:00 and 13:00.\n'
             'Track your parcel: https://parcel-express.example/t/1Z999AA10123456784\n')
        return msg(h, b), 'noreply@parcel-express.example', ('203.0.113.194', 'notify.parcel-express.example')
    if key == 'calendar-invite':
        b = 'c_%s' % hx(12)
        ical = ('BEGIN:VCALENDAR\nPRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\nVERSION:2.0\n'
                'METHOD:REQUEST\nBEGIN:VEVENT\nORGANIZER;CN=Oliver Bennett:mailto:oliver.bennett@fabrikam.example\n'
                'ATTENDEE;RSVP=TRUE:mailto:alice@northwind.example\nDTSTART:20261210T100000Z\n'
                'DTEND:20261210T110000Z\nSUMMARY:Q1 planning\nUID:%s\nEND:VEVENT\nEND:VCALENDAR\n' % hx(32))
        ctype, body = multipart('multipart/alternative', [
            (['Content-Type: text/plain; charset="us-ascii"'], 'Q1 planning, Thursday 10:00.\n'),
            (['Content-Type: text/calendar; charset="utf-8"; method=REQUEST'], ical)], boundary=b, preamble=None)
        h = ['Received: from mail.fabrikam.example (mail.fabrikam.example [203.0.113.195])',
             '\tby mail.fabrikam.example; %s' % d,
             'From: Oliver Bennett <oliver.bennett@fabrikam.example>', 'To: Alice Example <alice@northwind.example>',
             'Subject: Q1 planning', 'Date: %s' % d, 'Message-ID: <%s@EX01.fabrikam.local>' % hx(32),
             'Thread-Topic: Q1 planning', 'X-MS-Has-Attach:', 'MIME-Version: 1.0', ctype]
        return msg(h, body), 'oliver.bennett@fabrikam.example', ('203.0.113.195', 'mail.fabrikam.example')
    if key == 'github-notification':
        h = ['Received: from out-22.smtp.github.com (out-22.smtp.github.com [203.0.113.196])',
             '\tby out-22.smtp.github.com; %s' % d,
             'From: Sam Lee <notifications@github.com>', 'Reply-To: northwind/warehouse <reply+A2B3C4@reply.github.com>',
             'To: northwind/warehouse <warehouse@noreply.github.com>', 'Cc: Alice Example <alice@northwind.example>, Mention <mention@noreply.github.com>',
             'Subject: Re: [northwind/warehouse] Bounce handling marks delayed mail as failed (Issue #42)',
             'Date: %s' % d, 'Message-ID: <northwind/warehouse/issues/42/%d@github.com>' % R.randint(10**9, 10**10),
             'In-Reply-To: <northwind/warehouse/issues/42@github.com>',
             'List-ID: northwind/warehouse <warehouse.northwind.github.com>', 'List-Archive: https://github.com/northwind/warehouse',
             'List-Unsubscribe: <mailto:unsub+A2B3C4@reply.github.com>', 'X-GitHub-Reason: mention',
             'X-Auto-Response-Suppress: All', 'Precedence: list', 'MIME-Version: 1.0',
             'Content-Type: text/plain; charset=UTF-8']
        b = ('@alice the DSN parser treats "Action: delayed" as a permanent failure; see the log:\n\n'
             '  Final-Recipient: rfc822; slow@remote.example\n  Action: delayed\n  Status: 4.4.1\n\n'
             '-- \nReply to this email directly or view it on GitHub.\n')
        return msg(h, b), 'noreply@github.com', ('203.0.113.196', 'out-22.smtp.github.com')
    if key == 'password-reset':
        h = ['Received: from mail.accounting-cloud.example (mail.accounting-cloud.example [198.51.100.195])',
             '\tby mail.accounting-cloud.example; %s' % d,
             'From: Accounting Cloud <no-reply@accounting-cloud.example>', 'To: alice@northwind.example',
             'Subject: Reset your password', 'Date: %s' % d, 'Message-ID: <%s@accounting-cloud.example>' % hx(24),
             'Auto-Submitted: auto-generated', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8']
        b = ('Someone asked to reset the password of your account alice@northwind.example.\n'
             'If it was you, open https://accounting-cloud.example/reset/%s within 1 hour.\n'
             'If not, ignore this message.\n' % hx(24))
        return msg(h, b), 'bounces@accounting-cloud.example', ('198.51.100.195', 'mail.accounting-cloud.example')
    if key == 'reply-ja':
        txt = 'アリス様\n\nいつもお世話になっております。\nご依頼の件、12月10日に出荷いたします。\n\n佐藤'
        h = ['Received: from mail.yamato-shoji.example (mail.yamato-shoji.example [203.0.113.197])',
             '\tby mail.yamato-shoji.example; %s' % date(-1, '+0900'),
             'From: %s <k.sato@yamato-shoji.example>' % ew('佐藤 健', 'iso-2022-jp'), 'To: alice@northwind.example',
             'Subject: %s' % ew('Re: Order 3391: 出荷について', 'iso-2022-jp'), 'Date: %s' % date(-1, '+0900'),
             'Message-ID: <%s@yamato-shoji.example>' % hx(20), 'In-Reply-To: <%s>' % FT.tb_mid(),
             'MIME-Version: 1.0', 'Content-Type: text/plain; charset=ISO-2022-JP', 'Content-Transfer-Encoding: 7bit',
             'X-Mailer: Becky! ver. 2.81.04']
        return msg(h, txt.encode('iso-2022-jp').decode('ascii') + '\n'), 'k.sato@yamato-shoji.example', ('203.0.113.197', 'mail.yamato-shoji.example')
    if key == 'reply-zh':
        txt = 'Alice 您好：\n\n货物已于今天发出，预计下周三到达。\n\n王伟'
        h = ['Received: from mail.huaxin-trading.example (mail.huaxin-trading.example [198.51.100.196])',
             '\tby mail.huaxin-trading.example; %s' % date(-1, '+0800'),
             'From: %s <wangwei@huaxin-trading.example>' % ew('王伟', 'gbk'), 'To: alice@northwind.example',
             'Subject: %s' % ew('回复: 订单发货', 'gbk'), 'Date: %s' % date(-1, '+0800'),
             'Message-ID: <%s@huaxin-trading.example>' % hx(20), 'MIME-Version: 1.0',
             'Content-Type: text/plain; charset="gbk"', 'Content-Transfer-Encoding: base64',
             'X-Mailer: Foxmail 7.2.25.375']
        return msg(h, b64(txt + '\n', 'gbk')), 'wangwei@huaxin-trading.example', ('198.51.100.196', 'mail.huaxin-trading.example')
    if key == 'reply-ru':
        txt = 'Добрый день, Алиса!\n\nСчёт оплачен, документы отправим почтой.\n\nИрина'
        h = ['Received: from mail.torgdom.example (mail.torgdom.example [203.0.113.198])',
             '\tby mail.torgdom.example; %s' % date(-1, '+0300'),
             'From: %s <i.sokolova@torgdom.example>' % ew('Ирина Соколова', 'koi8-r'), 'To: alice@northwind.example',
             'Subject: %s' % ew('Re: Заказ 8812 - сроки поставки', 'koi8-r'), 'Date: %s' % date(-1, '+0300'),
             'Message-ID: <%s@torgdom.example>' % hx(20), 'MIME-Version: 1.0',
             'Content-Type: text/plain; charset=koi8-r', 'Content-Transfer-Encoding: 8bit',
             'X-Mailer: The Bat! (v9.5.3) Professional']
        return msgb(h, (txt + '\n').encode('koi8-r')), 'i.sokolova@torgdom.example', ('203.0.113.198', 'mail.torgdom.example')
    if key == 'colleague-ooo-announcement':
        h = ['Received: from mail.fabrikam.example (mail.fabrikam.example [203.0.113.195])',
             '\tby mail.fabrikam.example; %s' % d,
             'From: Oliver Bennett <oliver.bennett@fabrikam.example>', 'To: Alice Example <alice@northwind.example>',
             'Subject: Out of office next week - who to contact', 'Date: %s' % d,
             'Message-ID: <%s@EX01.fabrikam.local>' % hx(32), 'MIME-Version: 1.0',
             'Content-Type: text/plain; charset="us-ascii"']
        b = ('Hi Alice,\n\nI will be out of the office next week (holiday). For the Leeds order please\n'
             'contact Lee Harris, who has all the details.\n\nBest,\nOliver\n')
        return msg(h, b), 'oliver.bennett@fabrikam.example', ('203.0.113.195', 'mail.fabrikam.example')
    if key == 'person-about-returned-mail':
        h = ['Received: from mail.ditta-conti.example (mail.ditta-conti.example [203.0.113.199])',
             '\tby mail.ditta-conti.example; %s' % date(-1, '+0100'),
             'From: Alessandro Conti <a.conti@ditta-conti.example>', 'To: alice@northwind.example',
             'Subject: Re: returned mail / delivery failure?', 'Date: %s' % date(-1, '+0100'),
             'Message-ID: <%s@ditta-conti.example>' % hx(20), 'In-Reply-To: <%s>' % FT.tb_mid(),
             'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8']
        b = ('Hi Alice,\n\nyes, your mail of Monday came back to you as undeliverable because our old\n'
             'address m.rossi@ is closed. Please use orders@ditta-conti.example from now on.\n\n'
             'Alessandro\n\n> Alessandro, I got a "Mail System Error - Returned Mail" for my message to\n'
             '> Marco. Is his address still valid?\n')
        return msg(h, b), 'a.conti@ditta-conti.example', ('203.0.113.199', 'mail.ditta-conti.example')
    raise KeyError(key)
