/*
 * signs.c - what a message's header says about its kind (see signs.h).
 *
 * Word lists are lower-case substrings, matched against lower-cased
 * text; header fields are matched by name. Nothing here reads the body:
 * the gate must decide a plain message for the cost of its header.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "read/address.h"
#include "read/header.h"
#include "read/message.h"
#include "anatomy/phrases.h"
#include "anatomy/signs.h"

/*
 * Lower-case a UTF-8 letter of Latin-1, Latin Extended-A, Greek or Cyrillic in
 * place (p at its lead byte, two bytes available); the lower-case letter
 * is as long as the upper, so offsets into the text stay valid.
 */
static void
lower_utf8(unsigned char *p)
{
	unsigned	 c = ((unsigned)(p[0] & 0x1f) << 6) | (p[1] & 0x3f);

	if ((c >= 0xc0 && c <= 0xde && c != 0xd7) ||	/* À-Þ */
	    (c >= 0x410 && c <= 0x42f))			/* А-Я */
		c += 0x20;
	else if (c >= 0x400 && c <= 0x40f)		/* Ѐ-Џ */
		c += 0x50;
	else if (c >= 0x391 && c <= 0x3a9 && c != 0x3a2)	/* Α-Ω */
		c += 0x20;
	else if (c == 0x386)				/* Ά */
		c = 0x3ac;
	else if (c >= 0x388 && c <= 0x38a)		/* Έ-Ί */
		c += 0x25;
	else if (c == 0x38c)				/* Ό */
		c = 0x3cc;
	else if (c == 0x38e || c == 0x38f)		/* Ύ Ώ */
		c += 0x3f;
	else if ((c >= 0x100 && c <= 0x137 && c != 0x130 && (c & 1) == 0) ||
	    (c >= 0x139 && c <= 0x148 && (c & 1) == 1) ||
	    (c >= 0x14a && c <= 0x177 && (c & 1) == 0) ||
	    (c >= 0x179 && c <= 0x17e && (c & 1) == 1))
		c += 1;					/* Ā-ž pairs */
	else
		return;
	p[0] = (unsigned char)(0xc0 | (c >> 6));
	p[1] = (unsigned char)(0x80 | (c & 0x3f));
}

char *
signs_lowered(struct arena *a, const char *s)
{
	char	*l;
	unsigned char	*p;

	if (s == NULL || (l = arena_strdup(a, s)) == NULL)
		return NULL;
	for (p = (unsigned char *)l; *p; p++) {
		if (*p < 0x80)
			*p = (unsigned char)tolower(*p);
		else if ((*p & 0xe0) == 0xc0 && (p[1] & 0xc0) == 0x80) {
			lower_utf8(p);
			p++;
		}
	}
	return l;
}

int
signs_any(const char *hay, const char *const *needles)
{
	if (hay == NULL)
		return 0;
	for (; *needles; needles++)
		if (strstr(hay, *needles) != NULL)
			return 1;
	return 0;
}

static int
header_has(const struct header_block *hb, const char *name)
{
	return header_find(hb, name, 0) != -1;
}

/* Header names that mark a challenge-response system's mail. */
static const char *const challenge_headers[] = {
	"X-TMDA-Fingerprint", "X-Delivery-Agent", "X-Boxbe-Challenge",
	"X-Spamarrest-noauth", "X-Spamarrest-Challenge", "X-Bluebottle-Request",
	"X-Mib-Challenge", "X-MailInBlack", "X-Challenge", "X-Qurb-Challenge",
	"X-ChoiceMail-Registration-Request", "X-Sender-Verification",
	"X-AskVersion", "X-Sendio-Verification",
	NULL
};

static int
challenge_header(const struct header_block *hb)
{
	const char *const	*n;

	for (n = challenge_headers; *n; n++)
		if (header_has(hb, *n))
			return 1;
	return 0;
}

/* Do the len bytes at n (a field's name, an X-Mailer) say "auto-reply"
 * or "auto-respon...", hyphen or not, ASCII case ignored? One pass: most
 * hold no 'a' followed by "uto". */
static int
name_autoreply(const char *n, size_t len)
{
	size_t	 i, r;

	for (i = 0; i + 8 <= len; i++) {
		if ((n[i] | 0x20) != 'a' || strncasecmp(n + i + 1, "uto", 3) != 0)
			continue;
		r = i + 4 + (n[i + 4] == '-');
		if ((r + 4 <= len && strncasecmp(n + r, "repl", 4) == 0) ||
		    (r + 6 <= len && strncasecmp(n + r, "respon", 6) == 0))
			return 1;
	}
	return 0;
}

/*
 * A vendor's X- field whose value is one word naming an auto-response
 * (Salesforce's "X-SFDC-EmailCategory: caseAutoResponse"). Not the
 * fields that ask others to suppress one.
 */
static int
vendor_autoreply_value(const struct header_block *hb)
{
	const struct header	*h;
	const char		*v, *e;
	size_t			 i, n;

	for (i = 0; i < hb->count; i++) {
		h = &hb->fields[i];
		if ((n = h->name_len) < 3 || strncasecmp(h->name, "X-", 2) != 0 ||
		    (n >= 8 && strncasecmp(h->name + n - 8, "suppress", 8) == 0))
			continue;
		for (v = h->value, e = v + h->value_len; v < e &&
		    (*v == ' ' || *v == '\t'); v++)
			;
		while (e > v && (e[-1] == ' ' || e[-1] == '\t' ||
		    e[-1] == '\r' || e[-1] == '\n'))
			e--;
		if (e - v >= 9 && e - v <= 40 && memchr(v, ' ',
		    (size_t)(e - v)) == NULL && name_autoreply(v, (size_t)(e - v)))
			return 1;
	}
	return 0;
}

/*
 * A vendor's own auto-reply field: X-Naver-Auto-Reply, X-MDAutoResponse,
 * X-SmarterMail-AutoResponder, ... (a name holding "auto-reply" or
 * "auto-respon", hyphen or not; Exchange's X-Auto-Response-Suppress asks
 * for none and is on people's mail too), unless its value says no.
 */
static int
vendor_autoreply_field(const struct header_block *hb)
{
	const struct header	*h;
	const char		*v;
	size_t			 i, n;

	for (i = 0; i < hb->count; i++) {
		h = &hb->fields[i];
		n = h->name_len;
		if (n < 10 || !name_autoreply(h->name, n) ||
		    strncasecmp(h->name + n - 8, "suppress", 8) == 0)
			continue;
		for (v = h->value, n = h->value_len; n > 0 &&
		    (*v == ' ' || *v == '\t'); v++, n--)
			;
		if ((n >= 2 && strncasecmp(v, "no", 2) == 0) ||
		    (n >= 5 && strncasecmp(v, "false", 5) == 0) ||
		    (n >= 3 && strncasecmp(v, "off", 3) == 0) ||
		    (n >= 1 && *v == '0'))
			continue;
		return 1;
	}
	return vendor_autoreply_value(hb);
}

/*
 * Is the subject a person's reply to, or forward of, an answer: a reply
 * or forward prefix, then at once an auto-reply's or absence's own
 * ("Re: Automatic reply: ...", "WG: Automatische Antwort: ...")? An
 * answer puts its word first, or after the subject it answers ("Out of
 * office: Re: ...", "Re: ... [Autoreply]"), never behind a "Re:" of its
 * own.
 */
static int
answers_an_answer(const char *subject)
{
	const char	*p = subject, *colon;

	if (p == NULL)
		return 0;
	p += strspn(p, " \t");
	if (!phrases_starts(PHRASE_REPLY_PREFIX, p) &&
	    !phrases_starts(PHRASE_FORWARD_PREFIX, p))
		return 0;
	if ((colon = strchr(p, ':')) == NULL || colon - p > 16)
		return 0;
	p = colon + 1;
	p += strspn(p, " \t");
	return phrases_starts(PHRASE_AUTOREPLY_SUBJECT, p) ||
	    phrases_starts(PHRASE_ABSENCE_SUBJECT, p);
}

/*
 * A letter of absence's subject wrapping the subject of the message it
 * answers: an absence phrase first, a word of its own, then, right after
 * the first ':' or '(' (the phrase's own ':' in "Fravær:"), that subject
 * - vacation(1)'s and the filters' "<absence>: $SUBJECT" ("Out of
 * office: Re: <subject>", "Izindeyim / Out of office: ...", "Out of
 * office (Re: ...)"): a reply prefix or a letter follows. Not when a
 * digit does (a person's "Out of office: 3-9 December"), when the ':' is
 * a reply prefix's own ("Urlop do 14 grudnia - Re: ...": the limit of
 * autoreply-vacation-absence-before-re), or when the phrase only begins a
 * longer word ("Urlaubsplanung Dezember (was: Re: ...)").
 */
static int
absence_wraps(const char *s)
{
	const unsigned char	*p;
	const char		*w;
	size_t			 n, lead;

	if (s == NULL)
		return 0;
	s += strspn(s, " \t");
	if ((lead = phrases_lead(PHRASE_ABSENCE_SUBJECT, s)) == 0 ||
	    isalpha((unsigned char)s[lead]) || (unsigned char)s[lead] >= 0x80)
		return 0;
	n = s[lead - 1] == ':' ? lead - 1 : lead + strcspn(s + lead, ":(");
	if (s[n] == '\0' || n > 80)
		return 0;
	/* the word before a ':' may be a reply prefix's ("Re:") */
	for (w = s + n; w > s && isalpha((unsigned char)w[-1]); w--)
		;
	if (s[n] == ':' && phrases_starts(PHRASE_REPLY_PREFIX, w))
		return 0;
	p = (const unsigned char *)s + n + 1;
	p += strspn((const char *)p, " \t");
	/* a reply prefix, or a letter: ASCII, or a UTF-8 one's lead byte */
	return phrases_starts(PHRASE_REPLY_PREFIX, (const char *)p) ||
	    isalpha(*p) || *p >= 0xc2;
}

/* Auto-reply by its header fields (RFC 3834 and the common others). */
static int
autoreply_header(struct arena *a, const struct header_block *hb,
    const char *subject)
{
	char	*v;

	if ((v = signs_lowered(a, header_get_raw(a, hb, "Auto-Submitted"))) != NULL &&
	    strncmp(v, "no", 2) != 0 && strstr(v, "auto-replied") != NULL)
		return 2;
	if (header_has(hb, "X-Autoreply") || header_has(hb, "X-Autorespond") ||
	    header_has(hb, "X-Autoresponder") || header_has(hb, "X-Vacation") ||
	    header_has(hb, "X-Autoreply-From") ||
	    header_has(hb, "Delivered-By-The-Graces-Of"))	/* vacation(1) */
		return 2;
	if (vendor_autoreply_field(hb))
		return 2;
	/* a mailer that names itself a vacation or auto-reply program
	 * ("Rediffmail Vacation Reply", gnarwl, LDAP's vacation) */
	if ((v = signs_lowered(a, header_get_raw(a, hb, "X-Mailer"))) != NULL &&
	    (name_autoreply(v, strlen(v)) || strstr(v, "vacation") != NULL ||
	    strstr(v, "gnarwl") != NULL))
		return 2;
	if ((v = signs_lowered(a, header_get_raw(a, hb, "X-Autogenerated"))) != NULL &&
	    strstr(v, "reply") != NULL)
		return 2;
	if ((v = signs_lowered(a, header_get_raw(a, hb, "X-Apple-Action"))) != NULL &&
	    strstr(v, "vacation") != NULL)
		return 2;
	if ((v = signs_lowered(a, header_get_raw(a, hb, "Precedence"))) != NULL &&
	    strstr(v, "auto_reply") != NULL)
		return 2;
	if ((v = signs_lowered(a, header_get_raw(a, hb, "X-Auto-Response-Suppress"))) &&
	    subject != NULL && phrases_any(PHRASE_AUTOREPLY_SUBJECT, subject))
		return 2;
	if (subject != NULL && phrases_any(PHRASE_AUTOREPLY_SUBJECT, subject))
		return 1;
	return 0;
}

/* Auto-Submitted with any value but "no" (RFC 3834). */
static int
auto_submitted(struct arena *a, const struct header_block *hb)
{
	char	*v = signs_lowered(a, header_get_raw(a, hb, "Auto-Submitted"));

	return v != NULL && strncmp(v, "no", 2) != 0;
}

/* The fields of a mailing list's posts (RFC 2369, RFC 2919). */
static const char *const list_headers[] = {
	"List-Id", "List-Post", "List-Unsubscribe", "List-Help",
	"List-Subscribe", "List-Archive", "Mailing-List", "X-Mailing-List",
	NULL
};

static int
any_header(const struct header_block *hb, const char *const *names)
{
	for (; *names; names++)
		if (header_has(hb, *names))
			return 1;
	return 0;
}

/*
 * "Re:" and its translations, after blanks and a "[list]" tag. A tag
 * saying absence ("[부재중] Re: ...", "[Out of Office] RE: ...") is an
 * auto-reply's, put before the reply's prefix by a machine.
 */
static int
is_reply_subject(struct arena *a, const char *s)
{
	const char	*c, *tag;

	if (s == NULL)
		return 0;
	while (*s == ' ')
		s++;
	if (*s == '[' && (c = strchr(s, ']')) != NULL) {
		tag = arena_strndup(a, s, (size_t)(c - s));
		if (tag == NULL || phrases_any(PHRASE_ABSENCE_SUBJECT, tag) ||
		    phrases_any(PHRASE_AUTOREPLY_SUBJECT, tag))
			return 0;
		s = c;
		while (*++s == ' ')
			;
	}
	/* the reply-prefix rows of data/phrases.tsv */
	return s != NULL && phrases_starts(PHRASE_REPLY_PREFIX, s);
}

/*
 * A ticket system's id in brackets, as its acknowledgement's subject
 * carries it: "[#FLS-482-71930]", "[Ticket#2026120110000012]", "[Support
 * #4521]", "[rt.example.org #1234]": a '#' and at least 3 letters or
 * digits before the ']'. (A code forge's "(#1234)" is in parentheses.)
 */
static int
ticket_id(const char *s)
{
	const char	*o, *c, *h;
	size_t		 n;

	for (; s != NULL && (o = strchr(s, '[')) != NULL; s = o + 1) {
		if ((c = memchr(o, ']', strnlen(o, 100))) == NULL)
			continue;
		if ((h = memchr(o, '#', (size_t)(c - o))) == NULL)
			continue;
		for (h++, n = 0; h < c && (isalnum((unsigned char)*h) ||
		    *h == '-'); h++)
			n++;
		if (h == c && n >= 3)
			return 1;
	}
	return 0;
}

/* A VERP envelope sender: its local part encodes the recipient's
 * address ("...-alice=northwind.example@bounces.esp.example"). */
static int
verp_sender(const char *addr)
{
	const char	*at = strrchr(addr, '@'), *eq;

	if (at == NULL || (eq = memchr(addr, '=', (size_t)(at - addr))) == NULL)
		return 0;
	return memchr(eq, '.', (size_t)(at - eq)) != NULL;
}

/*
 * An answer sent through a bulk-mail service: a help desk's or a shop's
 * acknowledgement ("we received your message, ticket #...") goes out
 * through an ESP, which stamps a Feedback-ID (RFC-less, but every large
 * one does, for mailbox providers' complaint loops) or encodes the
 * recipient in a VERP envelope sender, at its own domain. A person's
 * reply carries neither: even one sent through a provider that stamps
 * Feedback-ID (Amazon WorkMail) has its own address as envelope sender.
 */
static int
esp_answer(struct arena *a, const struct header_block *hb,
    const struct signs *s)
{
	const char	*from, *env;
	char		*f, *e;
	int		 fbid;

	/* (a discussion list's post has the list's envelope sender, VERP or
	 * not; an ESP's mail has List-Unsubscribe, even List-Id, but no
	 * List-Post) */
	if (!(header_has(hb, "In-Reply-To") || header_has(hb, "References")) ||
	    s->return_path == NULL || s->from == NULL || s->list_sender ||
	    header_has(hb, "List-Post"))
		return 0;
	/* most replies stop here, before any address is parsed */
	fbid = header_has(hb, "Feedback-ID");
	if (!fbid && strchr(s->return_path, '=') == NULL)
		return 0;
	if ((f = address_first(a, s->from)) == NULL ||
	    (e = address_first(a, s->return_path)) == NULL)
		return 0;
	if (!fbid && !verp_sender(e))
		return 0;
	from = address_domain(f);
	env = address_domain(e);
	return from != NULL && env != NULL && !domain_within(env, from) &&
	    !domain_within(from, env);
}

/* The domain of the first address in v, lower case, or NULL. */
static const char *
first_domain(struct arena *a, const char *v)
{
	char	*f;

	if (v == NULL || (f = address_first(a, v)) == NULL)
		return NULL;
	return address_domain(signs_lowered(a, f));
}

/* Is d one of the sender's own domains (within it, or it within d)? */
static int
own_domain(const char *d, const char *own)
{
	return own != NULL && (domain_within(d, own) || domain_within(own, d));
}

/*
 * A no-reply address answering a message that is not its own system's: a
 * bank's or a shop's "this mailbox is not monitored", a help desk's
 * acknowledgement. Nobody reads a no-reply address, so what answers from
 * it is a machine. A notification threaded on its own system's messages
 * (a forge's "noreply@" with In-Reply-To at the domain of its From, its
 * envelope sender or its own Message-ID, as when its mail service writes
 * the IDs) is not an answer to anybody's mail.
 */
static int
noreply_answer(struct arena *a, const struct header_block *hb,
    const struct signs *s)
{
	const char	*dom;

	if (!s->noreply_from || (dom = first_domain(a, header_get_raw(a, hb,
	    "In-Reply-To"))) == NULL)
		return 0;
	return !own_domain(dom, first_domain(a, s->from)) &&
	    !own_domain(dom, first_domain(a, s->return_path)) &&
	    !own_domain(dom, first_domain(a, header_get_raw(a, hb,
	    "Message-ID")));
}

/* Does the word w (n bytes, lower case) share a piece with one of the
 * words of the address part [p, e) (split at . _ - + @): one in the
 * other, at least three letters of the shorter, or two when whole? */
static int
shares_word(const char *w, size_t n, const char *p, const char *e)
{
	const char	*q;
	size_t		 m, k;

	for (; p < e; p = q + 1) {
		for (q = p; q < e && strchr("._-+@", *q) == NULL; q++)
			;
		m = (size_t)(q - p);
		if (m == 0)
			continue;
		if (n == m && strncasecmp(w, p, n) == 0)
			return 1;
		if (n < 3 || m < 3)
			continue;
		for (k = 0; n <= m && k + n <= m; k++)
			if (strncasecmp(p + k, w, n) == 0)
				return 1;
		for (k = 0; m < n && k + m <= n; k++)
			if (strncasecmp(w + k, p, m) == 0)
				return 1;
	}
	return 0;
}

/*
 * U+00C0..U+017F as ASCII: one letter, or a capital standing for two (A
 * ae, J ij, O oe, S ss, T th); '?' is not a letter.
 */
static const char latin_fold[] =
    "aaaaaaAceeeeiiiidnooooo?ouuuuyTSaaaaaaAceeeeiiiidnooooo?ouuuuyTy"
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiJJjjkkkllllllll"
    "llnnnnnnnnnooooooOOrrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

/*
 * The word [p, e) folded into buf in lower-case ASCII, its length; 0 when
 * a letter is beyond Latin (Cyrillic, Greek, CJK: it cannot be compared
 * with an address). With translit, the umlauts and the Nordic vowels as
 * their owners write them in addresses: "mueller", "soeren", "aasa".
 */
static size_t
fold_word(const char *p, const char *e, int translit, char *buf, size_t sz)
{
	const unsigned char	*u = (const unsigned char *)p;
	const char		*two = NULL;
	size_t			 n = 0;
	unsigned		 cp;
	char			 c;

	while (u < (const unsigned char *)e) {
		if (*u < 0x80) {
			c = (char)tolower(*u++);
			two = NULL;
		} else if ((*u & 0xe0) != 0xc0 || u + 1 >= (const unsigned char *)e ||
		    (u[1] & 0xc0) != 0x80 ||
		    (cp = ((unsigned)(*u & 0x1f) << 6) | (u[1] & 0x3f)) < 0xc0 ||
		    cp >= 0x180 || (c = latin_fold[cp - 0xc0]) == '?')
			return 0;
		else {
			u += 2;
			two = c == 'A' ? "ae" : c == 'J' ? "ij" : c == 'O' ?
			    "oe" : c == 'S' ? "ss" : c == 'T' ? "th" : NULL;
			if (translit)
				switch (cp | 0x20) {	/* either case */
				case 0xe4: two = "ae"; break;
				case 0xf6: case 0xf8: two = "oe"; break;
				case 0xfc: two = "ue"; break;
				case 0xe5: two = "aa"; break;
				}
			if (two != NULL)
				c = two[0];
		}
		if (n + 2 >= sz)
			return 0;
		buf[n++] = c;
		if (two != NULL)
			buf[n++] = two[1];
	}
	buf[n] = '\0';
	return n;
}

/* Does the Message-ID answered (In-Reply-To's, else the last of
 * References) have a spam tool's left side? Mailutils and nmh write
 * "Your message of <date>" before it. */
static int
answers_spam_id(struct arena *a, const struct header_block *hb)
{
	const char	*v, *lt = NULL, *gt, *at, *p;

	if ((v = header_get_raw(a, hb, "In-Reply-To")) != NULL)
		lt = strchr(v, '<');
	else if ((v = header_get_raw(a, hb, "References")) != NULL)
		lt = strrchr(v, '<');
	if (lt == NULL || (gt = strchr(lt, '>')) == NULL)
		return 0;
	for (at = NULL, p = lt + 1; p < gt; p++)
		if (*p == '@')
			at = p;
	return at != NULL && address_spam_shape(lt + 1, (size_t)(at - lt - 1));
}

/*
 * Is the To field one address under a display name that shares no word
 * with it ("SEO Expert" <alice@northwind.example>, "Claims Office"
 * <a.brandt@...>)? An answer goes to the name its question came from: a
 * name a bot forged with our address. A name of the address's owner
 * ("Alice Brandt" <alice@...>, "Brandt, A." <abrandt@...>, "Jürgen
 * Müller" <juergen.mueller@...>, initials, the domain's "Northwind Sales"
 * <info@northwind...>) shares a word. Words beyond Latin letters are not
 * judged: a name written only in them is not.
 */
static int
to_name_foreign(struct arena *a, const struct header_block *hb)
{
	const char	*v = header_get(a, hb, "To"), *lt, *gt, *p, *w;
	char		 init[16], f0[64], f1[64];
	size_t		 n, m, ni = 0;
	int		 words = 0;

	if (v == NULL || (lt = strchr(v, '<')) == NULL ||
	    (gt = strchr(lt, '>')) == NULL || strchr(gt, '@') != NULL ||
	    memchr(v, '@', (size_t)(lt - v)) != NULL ||
	    memchr(lt, '@', (size_t)(gt - lt)) == NULL)
		return 0;
	for (p = v; p < lt; p = w) {
		while (p < lt && (unsigned char)*p < 0x80 &&
		    !isalnum((unsigned char)*p))
			p++;
		for (w = p; w < lt && ((unsigned char)*w >= 0x80 ||
		    isalnum((unsigned char)*w)); w++)
			;
		if (w == p)
			break;
		if ((n = fold_word(p, w, 0, f0, sizeof(f0))) == 0)
			continue;
		m = fold_word(p, w, 1, f1, sizeof(f1));
		words++;
		if (ni < sizeof(init))
			init[ni++] = f0[0];
		if ((n >= 2 && shares_word(f0, n, lt + 1, gt)) ||
		    (m >= 2 && m != n && shares_word(f1, m, lt + 1, gt)))
			return 0;
	}
	n = (size_t)(strchr(lt, '@') - lt - 1);
	if (words == 0 || (ni == n && strncasecmp(init, lt + 1, n) == 0))
		return 0;
	return 1;
}

/*
 * Is From the list whose own address is the envelope or Sender: "x@d"
 * with "x-bounce@d", "x-request@d", "owner-x@d"? The list then writes in
 * its own name; a post's From is its writer's.
 */
static int
list_self(struct arena *a, const struct signs *s)
{
	const char	*f, *e, *fd, *ed;
	size_t		 n;

	if ((f = address_first(a, s->from)) == NULL ||
	    (fd = address_domain(f)) == NULL)
		return 0;
	n = (size_t)(fd - f - 1);
	if (n == 0)
		return 0;
	if (((e = address_first(a, s->sender)) == NULL ||
	    !phrases_any(PHRASE_LIST_ROLE, e)) &&
	    (e = address_first(a, s->return_path)) == NULL)
		return 0;
	if ((ed = address_domain(e)) == NULL || strcasecmp(fd, ed) != 0)
		return 0;
	if (strncmp(e, "owner-", 6) == 0 && (size_t)(ed - e - 7) == n &&
	    strncmp(e + 6, f, n) == 0)
		return 1;
	return (size_t)(ed - e - 1) > n + 1 && strncmp(e, f, n) == 0 &&
	    (e[n] == '-' || e[n] == '+');
}

/*
 * Does a list's robot answer a command it was mailed, echoing it as its
 * subject ("INFO orchard", "REVIEW orchard" from orchard-request@: Sympa's
 * info, review and stats reports)? The command is one of those that take
 * the list's name, the name is the robot's own list.
 */
static int
robot_echo(struct arena *a, const struct signs *s)
{
	static const char *const cmds[] = {
		"info ", "review ", "stats ", "index ", "who ", "intro "
	};
	const char	*f, *subj, *l;
	size_t		 i, n, c = 0;

	if (s->subject == NULL || s->from == NULL)
		return 0;
	subj = s->subject + strspn(s->subject, " \t");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strncmp(subj, cmds[i], c = strlen(cmds[i])) == 0)
			break;
	/* (the subject first: most mail stops here, From unparsed) */
	if (i == sizeof(cmds) / sizeof(cmds[0]) ||
	    (f = address_first(a, s->from)) == NULL ||
	    (l = strchr(f, '@')) == NULL)
		return 0;
	n = (size_t)(l - f);
	if (n <= 8 || strncasecmp(l - 8, "-request", 8) != 0)
		return 0;
	n -= 8;
	return strncasecmp(subj + c, f, n) == 0 &&
	    subj[c + n + strspn(subj + c + n, " \t")] == '\0';
}

/*
 * Does the subject name a mailbox at a domain other than the To
 * address's ("Your message to r.hansen@fjord-shipping.example", "Ihre
 * E-Mail an zaehlerstand@stadtwerke-oberau.example")? A report on one
 * message names where that message went; ordinary mail that names an
 * address in its subject names its reader's own (a quota warning, an
 * invitation).
 */
static char *
subject_mailbox(struct arena *a, const struct header_block *hb,
    const char *subject)
{
	const char	*at, *b, *e, *to, *td;
	char		*dom;
	size_t		 n;

	if (subject == NULL || strchr(subject, '@') == NULL)
		return NULL;
	to = address_first(a, header_get(a, hb, "To"));
	td = to != NULL ? address_domain(to) : NULL;
	for (at = strchr(subject, '@'); at != NULL; at = strchr(at + 1, '@')) {
		for (b = at; b > subject && (isalnum((unsigned char)b[-1]) ||
		    strchr("._%+-", b[-1]) != NULL); b--)
			;
		for (e = at + 1; isalnum((unsigned char)*e) || *e == '.' ||
		    *e == '-'; e++)
			;
		while (e > at + 1 && e[-1] == '.')
			e--;
		n = (size_t)(e - at - 1);
		if (b == at || n == 0 || memchr(at + 1, '.', n) == NULL ||
		    (dom = arena_strndup(a, at + 1, n)) == NULL)
			continue;
		if (td == NULL || (!domain_within(dom, td) &&
		    !domain_within(td, dom)))
			return arena_strndup(a, b, (size_t)(e - b));
	}
	return NULL;
}

/*
 * Did a local program hand the message to the mail system itself, with
 * no MIME field and no mail program's name (User-Agent, X-Mailer)? The
 * mail system says so in the Received field it writes for a local
 * submission: Postfix "by HOST (Postfix, from userid N)", Exim "from
 * USER by HOST with local (Exim ...)", Sendmail "(from USER@localhost)
 * by HOST (8.x/8.x/Submit)". vacation(1) and scripts send so; a person's
 * mail program writes MIME-Version and names itself, even through
 * sendmail(1) on a shell host (mutt's User-Agent).
 */
static int
program_mail(const struct header_block *hb)
{
	const struct header	*f;
	size_t			 i;

	if (header_find(hb, "MIME-Version", 0) >= 0 ||
	    header_find(hb, "User-Agent", 0) >= 0 ||
	    header_find(hb, "X-Mailer", 0) >= 0)
		return 0;
	for (i = 0; i < hb->count; i++) {
		f = &hb->fields[i];
		if (f->name_len != 8 || strncasecmp(f->name, "Received", 8) != 0)
			continue;
		if (memmem(f->value, f->value_len, "(Postfix, from userid ",
		    22) != NULL ||
		    (memmem(f->value, f->value_len, " with local ", 12) !=
		    NULL && memmem(f->value, f->value_len, "(Exim ", 6) !=
		    NULL) ||
		    memmem(f->value, f->value_len, "/Submit)", 8) != NULL)
			return 1;
	}
	return 0;
}

void
signs_read(struct signs *s, const struct message *msg, struct arena *a)
{
	const struct header_block	*hb = &msg->hdr;
	const char			*fl = msg->from_line;
	char				*v;
	int				 answer_quoted;

	memset(s, 0, sizeof(*s));
	s->subject_text = header_get(a, hb, "Subject");
	s->no_subject = header_find(hb, "Subject", 0) < 0;
	s->program_mail = program_mail(hb);
	s->subject = signs_lowered(a, s->subject_text);
	s->from = signs_lowered(a, header_get(a, hb, "From"));
	s->sender = signs_lowered(a, header_get_raw(a, hb, "Sender"));
	s->return_path = signs_lowered(a,
	    header_get_raw(a, hb, "Return-Path"));
	s->content_type = signs_lowered(a,
	    header_get_raw(a, hb, "Content-Type"));

	/* A list's own address in Sender or Return-Path says "list post",
	 * whatever word ("bounces") it holds. */
	s->list_sender = phrases_any(PHRASE_LIST_ROLE, s->sender) ||
	    phrases_any(PHRASE_LIST_ROLE, s->return_path);
	s->list_self = s->list_sender && list_self(a, s);
	s->list = any_header(hb, list_headers);
	s->list_post = s->list && header_has(hb, "List-Post");
	s->challenge_from = phrases_any(PHRASE_CHALLENGE_SYSTEM, s->from) ||
	    phrases_any(PHRASE_CHALLENGE_SYSTEM, s->return_path) ||
	    phrases_any(PHRASE_CHALLENGE_SYSTEM, signs_lowered(a,
	    header_get_raw(a, hb, "X-Mailer")));
	if ((v = signs_lowered(a, header_get_raw(a, hb, "Precedence"))) != NULL) {
		if (strstr(v, "list") != NULL)
			s->list = 1;
		else if (strstr(v, "bulk") != NULL || strstr(v, "junk") != NULL)
			s->machine = 1;
	}
	/* (a command address is the list's with its fields, or where the
	 * envelope is the list's: mlmmj's "+help@" writes no List-*) */
	s->list_from = phrases_any(PHRASE_LIST_ROLE, s->from) ||
	    ((s->list || s->list_sender) &&
	    phrases_any(PHRASE_LIST_COMMAND, s->from));
	if (header_has(hb, "X-Loop") ||
	    header_has(hb, "X-Auto-Response-Suppress"))
		s->machine = 1;
	s->noreply_from = phrases_any(PHRASE_NOREPLY, s->from);
	if (esp_answer(a, hb, s) || noreply_answer(a, hb, s))
		s->machine = 1;

	s->daemon_from = phrases_any(PHRASE_DAEMON, s->from) ||
	    (fl != NULL && strncasecmp(fl, "From MAILER-DAEMON", 18) == 0);
	s->daemon = s->daemon_from || (!phrases_any(PHRASE_LIST_ROLE,
	    s->sender) && phrases_any(PHRASE_DAEMON, s->sender));
	s->bounce_subject_strong = phrases_any(PHRASE_BOUNCE_SUBJECT,
	    s->subject);
	s->bounce_subject = s->bounce_subject_strong ||
	    phrases_any(PHRASE_BOUNCE_SUBJECT_WEAK, s->subject);
	if (!s->daemon && s->bounce_subject &&
	    (s->noreply_from || phrases_any(PHRASE_NOREPLY, s->sender)))
		s->daemon = 1;
	s->null_sender = (s->return_path != NULL &&
	    (strstr(s->return_path, "<>") != NULL ||
	    (!phrases_any(PHRASE_LIST_ROLE, s->return_path) &&
	    phrases_any(PHRASE_DAEMON, s->return_path)))) ||
	    (fl != NULL && strncmp(fl, "From <>", 7) == 0);
	/* a person's reply to or forward of an answer: its subject is
	 * the answer's, not this message's (answers_an_answer) */
	answer_quoted = answers_an_answer(s->subject);
	s->autoreply = autoreply_header(a, hb, answer_quoted ? NULL :
	    s->subject);
	s->command_subject = phrases_any(PHRASE_COMMAND_SUBJECT, s->subject) ||
	    robot_echo(a, s);
	if (!answer_quoted) {
		s->autoreply_subject = phrases_any(PHRASE_AUTOREPLY_SUBJECT,
		    s->subject);
		s->absence_subject = phrases_any(PHRASE_ABSENCE_SUBJECT,
		    s->subject);
		s->absence_wraps = s->absence_subject &&
		    absence_wraps(s->subject);
	}
	s->subject_reply = is_reply_subject(a, s->subject);
	/* a ticket id counts on an acknowledgement, not on a reply in the
	 * ticket's thread (unless a no-reply address sends it) */
	s->ticket_tag = ticket_id(s->subject);
	s->ticket_subject = phrases_any(PHRASE_TICKET, s->subject) ||
	    (s->ticket_tag && (!s->subject_reply || s->noreply_from));
	/* "Read: <subject>" is a receipt's prefix, "must read: ..." is not */
	s->mdn_subject = phrases_any(PHRASE_MDN_SUBJECT, s->subject) ||
	    (s->subject != NULL && phrases_starts(PHRASE_MDN_PREFIX,
	    s->subject + strspn(s->subject, " \t")));
	s->challenge = challenge_header(hb);
	s->auto_submitted = auto_submitted(a, hb);
	if ((v = signs_lowered(a, header_get_raw(a, hb, "Auto-Submitted"))) !=
	    NULL) {
		if (strstr(v, "rejected") != NULL)
			s->rejected = 1;
		if (strncmp(v, "auto-notified", 13) == 0)
			s->notified = 1;
	}
	s->failed_recipients = header_has(hb, "X-Failed-Recipients");
	s->report_type = s->content_type != NULL &&
	    (strstr(s->content_type, "report") != NULL ||
	    strncmp(s->content_type, "message/", 8) == 0);
	s->notice_subject = phrases_any(PHRASE_NOTICE_SUBJECT, s->subject);
	s->challenge_subject = phrases_any(PHRASE_CHALLENGE_SUBJECT, s->subject);
	s->feedback_subject = phrases_any(PHRASE_FEEDBACK_SUBJECT, s->subject);
	s->unsubscribe = header_has(hb, "X-Apple-Unsubscribe");
	s->amazon = header_has(hb, "x-amz-sns-message-id") ||
	    header_has(hb, "X-Amazon-Mail-Relay-Type");
	s->mailbox = subject_mailbox(a, hb, s->subject);
	s->answers = header_has(hb, "In-Reply-To") ||
	    header_has(hb, "References");
	if (s->answers || s->subject_reply)
		s->to_name_foreign = to_name_foreign(a, hb);
	if (s->answers)
		s->answers_spam_id = answers_spam_id(a, hb);
}

/* The gate: if no sign says "report", the message is kind none and its
 * body is never read. A list post or a threaded reply opens it only with
 * another sign (an answer to a name forged with our address or to a
 * Message-ID in a spam tool's shape, an auto-reply's subject, ...); a
 * "Re:" that answers no message opens it alone, and so does a message
 * with no Subject field; the header is all it costs. */
static int
gate_report(const struct signs *s)
{
	return s->daemon || s->null_sender || s->bounce_subject ||
	    s->autoreply || s->challenge || s->auto_submitted ||
	    s->report_type || s->failed_recipients || s->notice_subject ||
	    s->challenge_subject || s->feedback_subject || s->unsubscribe ||
	    s->amazon || s->machine || s->autoreply_subject ||
	    s->command_subject ||
	    s->absence_subject || s->ticket_subject || s->mdn_subject ||
	    s->list_from || s->challenge_from || s->to_name_foreign ||
	    s->answers_spam_id || s->no_subject || s->mailbox != NULL ||
	    signs_unthreaded_reply(s) || signs_list_answer(s);
}

/* The gate: a report's signs (gate_report), or a local program's mail
 * (program_mail), which opens it for words of absence only: anatomy.c
 * weighs what only that let in (signs_program_only) as an auto-reply or
 * as nothing, a job's report being no bounce. */
int
signs_gate(const struct signs *s)
{
	return gate_report(s) || s->program_mail;
}

/* Did only program_mail open the gate? (Asked past the gate, so that a
 * plain message weighs the report's signs once.) */
int
signs_program_only(const struct signs *s)
{
	return s->program_mail && !gate_report(s);
}

/* The list whose envelope or Sender it is, writing in its own name,
 * answering a message with "Re:" and none of a post's list fields: the
 * list's robot answering one writer (a post's From is its writer's, and
 * a post carries the list's fields). */
int
signs_list_answer(const struct signs *s)
{
	return s->list_self && s->answers && s->subject_reply && !s->list;
}

/* "Re:" answering no Message-ID (no In-Reply-To, no References): how a
 * responder or a template answers; a mail program's reply names what it
 * answers, though a person may type "Re:" into a new message (so it is
 * weighed, and does not make the writer a machine); a ticket system's
 * update ("[Ticket#...] Re: ...") relays a person's. */
int
signs_unthreaded_reply(const struct signs *s)
{
	return s->subject_reply && !s->answers && !s->ticket_tag;
}

int
signs_daemon_name(const char *s)
{
	return phrases_any(PHRASE_DAEMON, s);
}

int
signs_bounce_subject(const char *s)
{
	return phrases_any(PHRASE_BOUNCE_SUBJECT, s) ||
	    phrases_any(PHRASE_BOUNCE_SUBJECT_WEAK, s);
}

int
signs_filter_name(const char *s)
{
	return phrases_any(PHRASE_FILTER, s) ||
	    phrases_any(PHRASE_FILTER_PRODUCT, s);
}

int
signs_failed_prose(const char *s)
{
	return phrases_any(PHRASE_FAILED, s);
}
