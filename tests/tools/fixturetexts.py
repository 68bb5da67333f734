# fixturetexts.py - the messages that start each fixture: what alice@northwind.example
# really writes, and the spam that forges her address.  Used by tests/tools/mkkinds
# and tests/tools/mkproof.
import random, time, uuid
from email.header import Header
from email.utils import format_datetime, formatdate

ALICE = 'alice@northwind.example'


def rdate(offset=0):
    return formatdate(time.time() + offset, localtime=False, usegmt=False).replace('-0000', '+0000')


def enc_subject(s, charset='utf-8'):
    try:
        s.encode('ascii')
        return s
    except UnicodeEncodeError:
        return Header(s, charset).encode()


def tb_mid():
    """Thunderbird: <uuid@domain>"""
    return '%s@northwind.example' % uuid.uuid4()


# ---------------------------------------------------------------------------------------
# What alice writes (Thunderbird 115 on her workstation).  (subject, body, language)
LEGIT = [
    ('Q1 delivery schedule for the Leeds order',
     'Hi {first},\n\nas promised on the phone, here is the delivery schedule for the Leeds\norder:\n\n'
     '  pallets 1-4   week 3, Tuesday\n  pallets 5-9   week 4, Monday (needs the tail-lift truck)\n\n'
     'Could you confirm that the loading bay is free on both days?\n\nThanks,\nAlice', 'en-GB'),
    ('Meeting on Thursday: agenda',
     'Hello {first},\n\nhere is the agenda for Thursday:\n\n 1. open orders\n 2. the new price list\n'
     ' 3. holidays in December\n\nSee you at 10:00 in room 2.\n\nAlice', 'en-GB'),
    ('Invoice 2026-1187: question about the freight charge',
     'Dear {first},\n\nthank you for invoice 2026-1187. The freight charge (EUR 240) is higher than in\n'
     'our framework agreement (EUR 180). Could you check it and send a corrected invoice?\n\n'
     'Kind regards\nAlice Example\nLogistics, Northwind Traders', 'en-GB'),
    ('Lieferung KW 49 - Rückfrage',
     'Hallo {first},\n\nkönnt ihr die Lieferung für KW 49 schon am Montag bringen? Unser Lager ist ab\n'
     'Mittwoch wegen Inventur geschlossen.\n\nViele Grüße\nAlice', 'de-DE'),
    ('Commande n° 5521 : date de livraison',
     'Bonjour {first},\n\npourriez-vous me confirmer la date de livraison de la commande n° 5521 ?\n'
     'Nous avons besoin des cartons avant le 15.\n\nMerci d\'avance,\nAlice', 'fr-FR'),
    ('Pedido 7781 - confirmación',
     'Hola {first}:\n\n¿Podéis confirmarme el pedido 7781? Necesitamos saber si el transporte\n'
     'sale el martes o el miércoles.\n\nGracias y un saludo,\nAlice', 'es-ES'),
    ('Catalogue 2027 - your comments',
     'Hi {first},\n\nattached is the draft of the 2027 catalogue (pages 1-12). Any comments by\n'
     'Friday would be great.\n\nThanks!\nAlice', 'en-GB'),
    ('Re: samples for the trade fair',
     'Hi {first},\n\nthe samples went out this morning with the courier; tracking number\n'
     '1Z 999 AA1 01 2345 6784.\n\nBest,\nAlice', 'en-GB'),
    ('Ordine 4410 - spedizione',
     'Ciao {first},\n\nti confermo che l\'ordine 4410 è pronto per la spedizione. Il corriere passa\n'
     'giovedì mattina.\n\nA presto,\nAlice', 'it-IT'),
    ('Encomenda 3302 - fatura',
     'Olá {first},\n\npode enviar-me a fatura da encomenda 3302? Precisamos dela até sexta-feira.\n\n'
     'Obrigada,\nAlice', 'pt-PT'),
    ('Bestelling 9920 - levering',
     'Hallo {first},\n\nkunnen jullie de bestelling 9920 volgende week dinsdag leveren?\n\n'
     'Groeten,\nAlice', 'nl-NL'),
    ('Zamówienie 6612 - termin dostawy',
     'Dzień dobry {first},\n\nczy mogą Państwo potwierdzić termin dostawy zamówienia 6612?\n\n'
     'Pozdrawiam\nAlice', 'pl-PL'),
    ('Заказ 8812 - сроки поставки',
     'Здравствуйте, {first}!\n\nПодтвердите, пожалуйста, сроки поставки по заказу 8812.\n\n'
     'С уважением,\nAlice', 'ru-RU'),
    ('Order 3391: shipping documents',
     'Hello {first},\n\ncould you send the shipping documents for order 3391 (packing list and\n'
     'commercial invoice)? Customs needs them tomorrow.\n\nRegards,\nAlice', 'en-GB'),
    ('Lunch next week?',
     'Hi {first},\n\nare you free for lunch next Wednesday? The new place on Harbour Street is\n'
     'supposed to be good.\n\nAlice', 'en-GB'),
]

SIGNATURE = '\n\n-- \nAlice Example, Logistics\nNorthwind Traders - https://www.northwind.example/\n'


def legit(to, first='there', idx=0, to_name=None, cc=None, extra_headers=(), mid=None,
          date_offset=-40):
    """alice's message, as her mail client submits it; returns (bytes, message_id, subject)."""
    subject, body, lang = LEGIT[idx % len(LEGIT)]
    mid = mid or tb_mid()
    body = body.format(first=first) + SIGNATURE
    h = ['Message-ID: <%s>' % mid,
         'Date: %s' % rdate(date_offset),
         'MIME-Version: 1.0',
         'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Thunderbird/115.12.0',
         'Content-Language: %s' % lang,
         'To: %s' % ('%s <%s>' % (to_name, to) if to_name else to)]
    if cc:
        h.append('Cc: %s' % cc)
    h += ['From: Alice Example <%s>' % ALICE,
          'Subject: %s' % enc_subject(subject)]
    h += list(extra_headers)
    try:
        body.encode('ascii')
        h += ['Content-Type: text/plain; charset=UTF-8; format=flowed',
              'Content-Transfer-Encoding: 7bit']
    except UnicodeEncodeError:
        h += ['Content-Type: text/plain; charset=UTF-8; format=flowed',
              'Content-Transfer-Encoding: 8bit']
    return ('\n'.join(h) + '\n\n' + body).encode('utf-8'), mid, subject


# ---------------------------------------------------------------------------------------
# Spam that forges alice's address.  Each: (subject, body, style)
SPAM = [
    ('Re: cheap replica watches - Rolex from $89, 80% OFF today',
     'Hello!\n\nBest quality REPLICA WATCHES: Rolex, Omega, Breitling, Cartier - from only $89!\n'
     'Swiss movement, sapphire glass, looks 100% like the original. 80% OFF today only.\n'
     '  http://replica-watch-deals.example/?id=3317\n\nTo unsubscribe reply with REMOVE in subject.\n', 'oe'),
    ('CANADIAN PHARMACY - Viagra $0.99 per pill',
     'CANADIAN PHARMACY online - no prescription needed!\n  Viagra $0.99 per pill, Cialis $1.25, Levitra, Valium, Xanax\n'
     '  Worldwide shipping, discreet package, 100% satisfaction guaranteed.\n'
     '  http://cheap-meds-online.example/rx/?ref=91aa\n', 'oe'),
    ('Your invoice #INV-88213 is overdue',
     'Dear customer,\n\nplease find attached the overdue invoice INV-88213. Payment is required within\n'
     '24 hours to avoid legal action. Open the document here:\n  http://docs-secure-view.example/inv/88213\n', 'bat'),
    ('Make $5000 a week from home with Bitcoin',
     'Our automatic trading robot made 4,312 USD for Maria last week. Register now, only 50 free\n'
     'places left: http://crypto-profit-bot.example/join\n', 'php'),
    ('Your parcel could not be delivered',
     'Your parcel 00340434161094015682 could not be delivered because the customs fee of 1.99 EUR\n'
     'was not paid. Pay now: http://parcel-fee.example/pay\n', 'php'),
    ('Hi dear, I saw your profile',
     'Hi dear,\nI am Anna, 27 years old. I saw your profile and I want to know you better. Write me\n'
     'to my private email and I send you my photos ;)\n', 'oe'),
    ('URGENT BUSINESS PROPOSAL',
     'Dear Friend,\n\nI am Barrister James Okoro, the personal attorney to the late Mr. Paul, who\n'
     'left the sum of US$12,500,000 in a bank here. I need your help to transfer the funds.\n'
     'You will receive 30% of the total.\n', 'oe'),
    ('Re: SEO services for northwind.example',
     'Hello,\n\nI checked your website and it is not on the first page of Google. We can bring it\n'
     'to the top 10 in 30 days. Reply for a free audit.\n', 'php'),
    ('Increase your size by 3 inches',
     'Doctors hate him! The natural formula that really works - 100% guaranteed.\n'
     '  http://natural-enlarge.example/?a=77\n', 'oe'),
    ('Password expiry notice for alice@northwind.example',
     'Your mailbox password expires today. Keep your current password here:\n'
     '  http://northwind-example.mail-verify.example/login\n\nMail Administrator\n', 'bat'),
    ('Купить дешевые часы копии',
     'Копии швейцарских часов высшего качества - всего от 3000 руб! Доставка по всей России.\n'
     '  http://chasy-kopii.example/\n', 'ru'),
    ('网站推广 - 让您的网站排名第一',
     '专业网站推广, 百度排名第一, 效果保证! 联系QQ: 88888888\n  http://seo-paiming.example/\n', 'zh'),
]


def spam(to, idx=0, forged='alice@northwind.example', display='Alice', mid_at_ours=False,
         date_offset=-40):
    """A spam message as a bot sends it, From forged; returns (bytes, message_id, subject)."""
    subject, body, style = SPAM[idx % len(SPAM)]
    rnd = random.Random(hash((to, idx, forged)))
    if mid_at_ours:
        mid = '%08X.%04X@northwind.example' % (rnd.getrandbits(32), rnd.getrandbits(16))
    elif style == 'oe':
        mid = '000%x01d%x$%08x$%08x@%s' % (rnd.getrandbits(12), rnd.getrandbits(12),
                                           rnd.getrandbits(32), rnd.getrandbits(32),
                                           rnd.choice(['PC', 'User', 'HOME-PC', 'NOTEBOOK']))
    elif style == 'php':
        mid = '%032x@%s' % (rnd.getrandbits(128), rnd.choice(['mail.example.net', 'localhost.localdomain']))
    else:
        mid = '%s.%08X@dsl-187-33-12-9.dynamic.example.net' % (time.strftime('%Y%m%d'), rnd.getrandbits(32))
    h = []
    if style == 'oe':
        h += ['From: "%s" <%s>' % (display, forged), 'To: <%s>' % to,
              'Subject: %s' % enc_subject(subject, 'windows-1251' if style == 'ru' else 'utf-8'),
              'Date: %s' % rdate(date_offset), 'MIME-Version: 1.0',
              'Content-Type: text/plain; charset="iso-8859-1"', 'Content-Transfer-Encoding: 7bit',
              'X-Priority: 3', 'X-MSMail-Priority: Normal',
              'X-Mailer: Microsoft Outlook Express 6.00.2900.2180',
              'Message-ID: <%s>' % mid]
    elif style == 'php':
        h += ['To: %s' % to, 'Subject: %s' % subject, 'X-PHP-Originating-Script: 1000:mailer.php',
              'From: %s <%s>' % (display, forged), 'Message-ID: <%s>' % mid,
              'Date: %s' % rdate(date_offset), 'MIME-Version: 1.0',
              'Content-Type: text/plain; charset=utf-8']
    elif style == 'ru':
        h += ['From: =?windows-1251?B?wOvo8eA=?= <%s>' % forged, 'To: %s' % to,
              'Subject: %s' % enc_subject(subject, 'windows-1251'), 'Date: %s' % rdate(date_offset),
              'Message-ID: <%s>' % mid, 'MIME-Version: 1.0',
              'Content-Type: text/plain; charset=windows-1251', 'Content-Transfer-Encoding: 8bit']
        return ('\r\n'.join(h) + '\r\n\r\n').encode() + body.replace('\n', '\r\n').encode('cp1251'), mid, subject
    elif style == 'zh':
        h += ['From: %s' % forged, 'To: %s' % to, 'Subject: %s' % enc_subject(subject, 'gb2312'),
              'Date: %s' % rdate(date_offset), 'Message-ID: <%s>' % mid, 'MIME-Version: 1.0',
              'Content-Type: text/plain; charset=gb2312', 'Content-Transfer-Encoding: 8bit']
        return ('\n'.join(h) + '\n\n').encode() + body.encode('gb2312'), mid, subject
    else:
        h += ['Message-ID: <%s>' % mid, 'From: "%s" <%s>' % (display, forged), 'To: %s' % to,
              'Subject: %s' % subject, 'Date: %s' % rdate(date_offset), 'MIME-Version: 1.0',
              'Content-Type: text/plain; charset=us-ascii', 'X-Mailer: The Bat! (v3.51.10) Professional']
    # a forged Received line naming our relay, as ratware writes
    fr = ('Received: from smtp.northwind.example (smtp.northwind.example [192.0.2.25])\n'
          '\tby mail.northwind.example (Postfix) with ESMTP id %X\n\tfor <%s>; %s\n'
          % (rnd.getrandbits(40), to, rdate(date_offset + 3)))
    return (fr + '\n'.join(h) + '\n\n' + body).encode('utf-8'), mid, subject
