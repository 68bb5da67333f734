/*
 * batv.c - BATV tags on the address a bounce came back to (see batv.h).
 *
 * Where the address comes from, first found first: --recipient; the
 * environment the MDA sets (RECIPIENT, ORIG_RECIPIENT, ORIGINAL_RECIPIENT);
 * the bounce's Delivered-To, X-Original-To, Envelope-to (Exim) and To;
 * the tagged recipients a DSN names; and the returned original's
 * Return-Path, which the bouncing system wrote from the envelope sender
 * it was given (unwrapped when an SRS forwarder rewrote it). Every
 * tagged address found is checked; a valid one decides, else a bad one,
 * else an expired one. An MTA that strips the tag before delivery (Exim's
 * prvscheck router, a Postfix canonical map) leaves it in X-Original-To
 * or ORIGINAL_RECIPIENT, which is why those are read.
 *
 * A valid tag is strong evidence, not proof of innocence: whoever got a
 * mail from us knows one tagged address until it expires. That is what
 * the lifetime is for. The tag keeps its day modulo 1000, so a tag 1000
 * days old reads as new; when the bounce's own Date, or the returned
 * original's, says the mail is older than a tag lives, a tag that reads
 * as valid is from another cycle and counts as expired.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/arena.h"
#include "base/digest.h"
#include "read/address.h"
#include "read/envelope.h"
#include "read/header.h"
#include "read/message.h"
#include "anatomy/anatomy.h"
#include "config/config.h"
#include "evidence/batv.h"


const char *
batv_status_name(enum batv_status s)
{
	switch (s) {
	case BATV_VALID:	return "valid";
	case BATV_EXPIRED:	return "expired";
	case BATV_BAD:		return "bad";
	case BATV_NONE:		break;
	}
	return "none";
}

/* "KDDDSSSSSS": a digit, three digits, six hex digits. */
static int
tag_value(const char *s, size_t n, struct batv_tag *r)
{
	int	 i;

	if (n != 10)
		return 0;
	for (i = 0; i < 4; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	for (i = 4; i < 10; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	r->key = s[0] - '0';
	r->day = (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	for (i = 0; i < 6; i++)
		r->hash[i] = (char)tolower((unsigned char)s[4 + i]);
	r->hash[6] = '\0';
	return 1;
}

static int
set_address(struct batv_tag *r, const char *local, size_t ln,
    const char *domain)
{
	size_t	 dn = strlen(domain);

	if (ln == 0 || dn == 0 || ln + 1 + dn > LIMIT_ADDRESS)
		return 0;
	memcpy(r->address, local, ln);
	r->address[ln] = '@';
	memcpy(r->address + ln + 1, domain, dn + 1);
	return 1;
}

int
batv_parse(const char *addr, struct batv_tag *r)
{
	const char	*at, *eq, *p;
	size_t		 len;

	if (addr == NULL || (at = strrchr(addr, '@')) == NULL || at == addr ||
	    at[1] == '\0')
		return 0;
	len = (size_t)(at - addr);
	memset(r, 0, sizeof(*r));
	if (len > 5 && strncasecmp(addr, "prvs=", 5) == 0) {
		/* prvs=KDDDSSSSSS=local@domain */
		r->form = BATV_PRVS;
		if (len > 16 && addr[15] == '=' && tag_value(addr + 5, 10, r))
			return set_address(r, addr + 16, len - 16, at + 1);
		/* prvs=local=KDDDSSSSSS@domain */
		r->form = BATV_PRVS_REVERSED;
		if (len > 16 && at[-11] == '=' && tag_value(at - 10, 10, r))
			return set_address(r, addr + 5, len - 16, at + 1);
		return 0;
	}
	/* local+prvs=KDDDSSSSSS@domain */
	for (p = addr; (p = memchr(p, '+', (size_t)(at - p))) != NULL; p++) {
		if ((size_t)(at - p) != 16 || strncasecmp(p, "+prvs=", 6) != 0)
			continue;
		eq = p + 6;
		r->form = BATV_SUBADDRESS;
		if (tag_value(eq, 10, r))
			return set_address(r, addr, (size_t)(p - addr), at + 1);
	}
	return 0;
}

const char *
batv_untag(struct arena *a, const char *addr)
{
	struct batv_tag	 t;
	char		*copy;

	if (!batv_parse(addr, &t))
		return addr;
	if ((copy = arena_strdup(a, t.address)) == NULL)
		return addr;
	return copy;
}

void
batv_hash(const unsigned char *secret, size_t len, int key, int day,
    const char *address, char out[7])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 mac[DIGEST_SHA1_LEN];
	char			 data[4 + LIMIT_ADDRESS + 1];
	size_t			 n = strlen(address);
	int			 i;

	if (n > LIMIT_ADDRESS)
		n = LIMIT_ADDRESS;
	data[0] = (char)('0' + key);
	data[1] = (char)('0' + day / 100 % 10);
	data[2] = (char)('0' + day / 10 % 10);
	data[3] = (char)('0' + day % 10);
	memcpy(data + 4, address, n);
	digest_hmac_sha1(secret, len, data, 4 + n, mac);
	for (i = 0; i < 3; i++) {
		out[2 * i] = hex[mac[i] >> 4];
		out[2 * i + 1] = hex[mac[i] & 15];
	}
	out[6] = '\0';
}

/* Compare without an early exit: the tag is short, but there is no reason
 * to tell anyone how much of it was right. */
static int
same_hash(const char *a, const char *b)
{
	unsigned char	 d = 0;
	int		 i;

	for (i = 0; i < 6; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

enum batv_status
batv_check(const struct config *cfg, const struct batv_tag *t, long long now,
    int *days_r, const char **why_r)
{
	const struct config_batv_key	*k = NULL;
	char				 variant[LIMIT_ADDRESS + 1], mine[7];
	char				*at;
	int				 i, v, today, ahead;

	*days_r = 0;
	for (i = 0; i < cfg->nbatv_keys; i++)
		if (cfg->batv_keys[i].number == t->key)
			k = &cfg->batv_keys[i];
	if (k == NULL) {
		*why_r = "no batv_key of the tag's key number";
		return BATV_BAD;
	}
	/*
	 * The signer hashed the address as it was then; MTAs lower-case the
	 * domain, and Postfix's Delivered-To the whole address. Try as
	 * written, domain lower-cased, all lower-cased.
	 */
	memcpy(variant, t->address, strlen(t->address) + 1);
	for (v = 0; v < 3; v++) {
		if (v > 0) {
			at = v == 1 ? strrchr(variant, '@') : variant;
			for (; at != NULL && *at; at++)
				*at = (char)tolower((unsigned char)*at);
			if (strcmp(variant, t->address) == 0 && v == 1)
				continue;
		}
		batv_hash(k->secret, k->secret_len, t->key, t->day, variant,
		    mine);
		if (same_hash(mine, t->hash))
			break;
	}
	if (v == 3) {
		*why_r = "the tag's hash is not ours";
		return BATV_BAD;
	}
	/*
	 * Exim: valid while the expiry day is today or later, the day kept
	 * mod 1000. Counted forward from today, the expiry is at most the
	 * lifetime away (one more day allowed for clock skew); anything else
	 * is past.
	 */
	today = (int)((now / 86400) % 1000);
	ahead = (t->day - today + 1000) % 1000;
	if (ahead <= cfg->batv_lifetime + 1) {
		*days_r = ahead;
		*why_r = "our tag, within its lifetime";
		return BATV_VALID;
	}
	*days_r = 1000 - ahead;
	*why_r = "our tag, expired";
	return BATV_EXPIRED;
}

struct candidate {
	const char	*address;
	const char	*source;
};

static void
add(struct candidate *c, int *n, const char *addr, const char *source)
{
	if (addr != NULL && *n < BATV_CANDIDATES_MAX) {
		c[*n].address = addr;
		c[*n].source = source;
		(*n)++;
	}
}

/*
 * The address an SRS forwarder wrapped (RFC-less but common: SRS0=HASH=
 * TT=domain=local@forwarder, and SRS1=HASH=forwarder1==HASH=TT=domain=
 * local@forwarder2 after two forwards), into the arena; NULL when addr
 * is none. A forwarded message's Return-Path carries our tag so.
 */
static const char *
srs_unwrapped(struct arena *a, const char *addr)
{
	const char	*p, *at, *dom, *end;
	char		*out;
	int		 k;

	if (addr == NULL || (at = strrchr(addr, '@')) == NULL)
		return NULL;
	if (strncasecmp(addr, "SRS0=", 5) == 0)
		p = addr + 5;
	else if (strncasecmp(addr, "SRS1=", 5) == 0 &&
	    (p = strstr(addr + 5, "==")) != NULL && p < at)
		p += 2;
	else
		return NULL;
	for (k = 0; k < 2; k++)		/* the hash, the timestamp */
		if ((p = memchr(p, '=', (size_t)(at - p))) == NULL)
			return NULL;
		else
			p++;
	dom = p;
	if ((end = memchr(dom, '=', (size_t)(at - dom))) == NULL ||
	    end == dom || end + 1 >= at)
		return NULL;
	if ((out = arena_alloc(a, (size_t)(at - end) + (size_t)(end - dom) +
	    1)) == NULL)
		return NULL;
	memcpy(out, end + 1, (size_t)(at - end - 1));
	out[at - end - 1] = '@';
	memcpy(out + (at - end), dom, (size_t)(end - dom));
	out[(at - end) + (end - dom)] = '\0';
	return out;
}

/* Every address in every field called name. */
static void
add_field(struct candidate *c, int *n, struct arena *a,
    const struct header_block *hdr, const char *name)
{
	char	*out[16], *value;
	long	 idx;
	int	 i, k, m;

	for (i = 0; i < 16 && (idx = header_find(hdr, name, i)) != -1; i++) {
		if ((value = header_unfold(a, &hdr->fields[idx])) == NULL)
			continue;
		m = address_parse(a, value, out, 16);
		for (k = 0; k < m; k++)
			add(c, n, out[k], name);
	}
}

static int
rank(enum batv_status s)
{
	switch (s) {
	case BATV_VALID:	return 3;
	case BATV_BAD:		return 2;
	case BATV_EXPIRED:	return 1;
	case BATV_NONE:		break;
	}
	return 0;
}

/* The day (since 1970) of an RFC 5322 date, or -1. The zone is left
 * out: a day either way changes nothing here. */
static long
date_day(const char *date)
{
	static const char *const forms[] = {
		"%a, %d %b %Y %H:%M", "%d %b %Y %H:%M", "%a, %d %b %Y",
		"%d %b %Y", NULL
	};
	struct tm	 tm;
	int		 i;

	if (date == NULL)
		return -1;
	while (*date == ' ' || *date == '\t')
		date++;
	for (i = 0; forms[i] != NULL; i++) {
		memset(&tm, 0, sizeof(tm));
		if (strptime(date, forms[i], &tm) != NULL && tm.tm_year > 70)
			return (long)(timegm(&tm) / 86400);
	}
	return -1;
}

/*
 * A valid tag on mail whose Date (the bounce's own, or the original's)
 * is older than the tag's lifetime: the tag is from an earlier 1000-day
 * cycle. Counted as expired.
 */
static void
other_cycle(const struct config *cfg, const struct analysis *an,
    struct arena *a, long long now, struct batv_evidence *ev)
{
	const char	*dates[2];
	long		 today = (long)(now / 86400), day, oldest = -1;
	int		 i;

	dates[0] = an->message != NULL ? header_get(a, &an->message->hdr,
	    "Date") : NULL;
	dates[1] = an->original.date;
	for (i = 0; i < 2; i++)
		if ((day = date_day(dates[i])) != -1 && day <= today + 1 &&
		    (oldest == -1 || day < oldest))
			oldest = day;
	if (oldest == -1 || today - oldest <= cfg->batv_lifetime + 1)
		return;
	ev->status = BATV_EXPIRED;
	ev->days = (int)(today - oldest) - cfg->batv_lifetime;
	ev->why = "our tag, but the mail's Date is older than a tag lives: "
	    "a tag from another 1000-day cycle";
}

void
batv_gather(const struct config *cfg, const struct envelope *env,
    const struct analysis *an, struct arena *a, struct batv_evidence *ev)
{
	struct candidate	 c[BATV_CANDIDATES_MAX];
	struct batv_tag		 t;
	enum batv_status	 s;
	const char		*v, *why;
	long long		 now;
	size_t			 e;
	int			 n = 0, i, days;

	memset(ev, 0, sizeof(*ev));
	ev->keys = cfg->nbatv_keys;
	ev->required = cfg->batv_required;
	if (cfg->nbatv_keys == 0)
		return;
	now = envelope_now(env);

	if (env != NULL) {
		add(c, &n, env->recipient, "--recipient");
		for (e = 0; e < ENVELOPE_RECIPIENT_VARS; e++)
			if ((v = env->recipient_vars[e].value) != NULL &&
			    strlen(v) <= LIMIT_ADDRESS)
				add(c, &n, address_first(a, v),
				    env->recipient_vars[e].name);
	}
	if (an->message != NULL) {
		add_field(c, &n, a, &an->message->hdr, "Delivered-To");
		add_field(c, &n, a, &an->message->hdr, "X-Original-To");
		/* Exim's envelope_to_add */
		add_field(c, &n, a, &an->message->hdr, "Envelope-to");
		add_field(c, &n, a, &an->message->hdr, "To");
	}
	for (i = 0; i < an->nrecipients; i++)
		if (batv_parse(an->recipients[i].address, &t))
			add(c, &n, an->recipients[i].address, "DSN recipient");
	if (an->original.return_path != NULL) {
		add(c, &n, an->original.return_path,
		    "the original's Return-Path");
		add(c, &n, srs_unwrapped(a, an->original.return_path),
		    "the original's Return-Path, SRS unwrapped");
	}

	for (i = 0; i < n; i++) {
		if (!batv_parse(c[i].address, &t))
			continue;
		ev->tagged++;
		s = batv_check(cfg, &t, now, &days, &why);
		if (rank(s) > rank(ev->status)) {
			ev->status = s;
			ev->address = c[i].address;
			ev->source = c[i].source;
			ev->why = why;
			ev->days = days;
		}
	}
	if (ev->status == BATV_VALID)
		other_cycle(cfg, an, a, now, ev);
	if (ev->status == BATV_NONE)
		ev->why = ev->tagged ? NULL : "no tagged address found";
}
