/*
 * dkim.c - verify our own DKIM signature on a returned original (see
 * dkim.h), with libopendkim loaded on demand.
 *
 * The key comes from the config through libopendkim's key-lookup
 * callback, so no DNS query is ever made and a key the world sees later
 * (or never) still verifies. The text handed to the library is the
 * original as returned, LF line ends restored to CRLF by the library
 * (DKIM_LIBFLAGS_FIXCRLF).
 */
#include "bsconfig.h"

#include <sys/types.h>

#include <dlfcn.h>
#include <ctype.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <opendkim/dkim.h>

#include "base/arena.h"
#include "base/sharedlibc.h"
#include "read/address.h"
#include "read/header.h"
#include "anatomy/anatomy.h"
#include "config/config.h"
#include "evidence/dkim.h"
#include "evidence/identity.h"

#ifndef DKIM_SONAME
#define DKIM_SONAME	"libopendkim.so.11"
#endif

/* The library's entry points, resolved once per process (pthread_once:
 * the milter verifies in several threads at once). */
static struct {
	void		 *handle;
	DKIM_LIB	 *lib;
	__typeof__(dkim_init)		*init;
	__typeof__(dkim_options)	*options;
	__typeof__(dkim_set_key_lookup)	*set_key_lookup;
	__typeof__(dkim_verify)		*verify;
	__typeof__(dkim_chunk)		*chunk;
	__typeof__(dkim_eom)		*eom;
	__typeof__(dkim_getsiglist)	*getsiglist;
	__typeof__(dkim_sig_getflags)	*sig_getflags;
	__typeof__(dkim_sig_getbh)	*sig_getbh;
	__typeof__(dkim_sig_geterror)	*sig_geterror;
	__typeof__(dkim_sig_geterrorstr) *sig_geterrorstr;
	__typeof__(dkim_sig_getdomain)	*sig_getdomain;
	__typeof__(dkim_sig_getselector) *sig_getselector;
	__typeof__(dkim_sig_getsignedhdrs) *sig_getsignedhdrs;
	__typeof__(dkim_sig_gettagvalue) *sig_gettagvalue;
	__typeof__(dkim_free)		*free;
} od;

/* The config the key-lookup callback answers from: the thread's message
 * (libopendkim calls it in the thread that called dkim_eom). */
static _Thread_local const struct config *lookup_cfg;
/* Which of the keys for one domain and selector it gives: a key rotated
 * under the same selector leaves mail signed with each (my_dkim_key may
 * name several), and each is tried in turn. */
static _Thread_local int lookup_nth;
static pthread_once_t		 loaded = PTHREAD_ONCE_INIT;

const char *
dkim_proof_name(enum dkim_proof p)
{
	switch (p) {
	case DKIMP_PASS:		return "pass";
	case DKIMP_FORGED:		return "forged";
	case DKIMP_BODY_CHANGED:	return "body-changed";
	case DKIMP_HEADERS_PASS:	return "headers-pass";
	case DKIMP_INCONCLUSIVE:	return "inconclusive";
	case DKIMP_UNAVAILABLE:		return "unavailable";
	case DKIMP_NONE:		break;
	}
	return "none";
}

/* The nth (from 0) key configured for domain and selector, or NULL. */
static const struct config_dkim_key *
find_key_nth(const struct config *cfg, const char *domain,
    const char *selector, int nth)
{
	int	 i;

	if (cfg == NULL || domain == NULL || selector == NULL)
		return NULL;
	for (i = 0; i < cfg->ndkim_keys; i++)
		if (strcasecmp(cfg->dkim_keys[i].domain, domain) == 0 &&
		    strcasecmp(cfg->dkim_keys[i].selector, selector) == 0 &&
		    nth-- == 0)
			return &cfg->dkim_keys[i];
	return NULL;
}

static const struct config_dkim_key *
find_key(const struct config *cfg, const char *domain, const char *selector)
{
	return find_key_nth(cfg, domain, selector, 0);
}

/* libopendkim asks for a key: ours from the config, never DNS. */
static DKIM_CBSTAT
key_lookup(DKIM *d, DKIM_SIGINFO *sig, u_char *buf, size_t buflen)
{
	const struct config_dkim_key	*k;
	size_t				 n;

	(void)d;
	k = find_key_nth(lookup_cfg, (const char *)od.sig_getdomain(sig),
	    (const char *)od.sig_getselector(sig), lookup_nth);
	if (k == NULL)		/* fewer keys for this one than the pass */
		k = find_key(lookup_cfg, (const char *)od.sig_getdomain(sig),
		    (const char *)od.sig_getselector(sig));
	if (k == NULL)
		return DKIM_CBSTAT_NOTFOUND;
	n = strlen(k->record);
	if (n + 1 > buflen)
		return DKIM_CBSTAT_ERROR;
	memcpy(buf, k->record, n + 1);
	return DKIM_CBSTAT_CONTINUE;
}

#define SYM(field, name)						\
	if ((*(void **)&od.field = dlsym(od.handle, name)) == NULL)	\
		goto fail

static void
load_once(void)
{
	unsigned int	 flags;

	if (!sharedlibc_ok() ||
	    (od.handle = dlopen(DKIM_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL)
		return;
	SYM(init, "dkim_init");
	SYM(options, "dkim_options");
	SYM(set_key_lookup, "dkim_set_key_lookup");
	SYM(verify, "dkim_verify");
	SYM(chunk, "dkim_chunk");
	SYM(eom, "dkim_eom");
	SYM(getsiglist, "dkim_getsiglist");
	SYM(sig_gettagvalue, "dkim_sig_gettagvalue");
	SYM(sig_getflags, "dkim_sig_getflags");
	SYM(sig_getbh, "dkim_sig_getbh");
	SYM(sig_geterror, "dkim_sig_geterror");
	SYM(sig_geterrorstr, "dkim_sig_geterrorstr");
	SYM(sig_getdomain, "dkim_sig_getdomain");
	SYM(sig_getselector, "dkim_sig_getselector");
	SYM(sig_getsignedhdrs, "dkim_sig_getsignedhdrs");
	SYM(free, "dkim_free");
	if ((od.lib = od.init(NULL, NULL)) == NULL)
		goto fail;
	flags = DKIM_LIBFLAGS_FIXCRLF;
	(void)od.options(od.lib, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags,
	    sizeof(flags));
	od.set_key_lookup(od.lib, key_lookup);
	return;
fail:
	od.lib = NULL;
	dlclose(od.handle);
	od.handle = NULL;
}

int
dkim_ready(const char **why_r)
{
	pthread_once(&loaded, load_once);
	if (od.lib != NULL)
		return 0;
	*why_r = sharedlibc_ok() ?
	    "libopendkim (" DKIM_SONAME ") could not be loaded" :
	    "the program is linked statically with another glibc "
	    "release than the system's: rebuild it";
	return -1;
}


/*
 * The addresses of the To and Cc fields sig covers, as the signer saw
 * them (libopendkim hands back the very field instances it hashed, so a
 * To added above the signed one is not among them).
 */
static void
signed_recipients(DKIM *d, DKIM_SIGINFO *sig, struct arena *a,
    struct dkim_evidence *ev)
{
	u_char		*hdrs;
	char		*out[DKIM_SIGNED_RCPT_MAX], *p;
	u_int		 n = SIGNED_HDRS_MAX, i;
	int		 k, m;

	if ((hdrs = arena_alloc(a, SIGNED_HDRS_MAX * SIGNED_HDR_LEN)) == NULL)
		return;
	if (od.sig_getsignedhdrs(d, sig, hdrs, SIGNED_HDR_LEN, &n) !=
	    DKIM_STAT_OK)
		return;
	for (i = 0; i < n && i < SIGNED_HDRS_MAX; i++) {
		char	*h = (char *)hdrs + (size_t)i * SIGNED_HDR_LEN;

		h[SIGNED_HDR_LEN - 1] = '\0';
		if (strncasecmp(h, "to:", 3) != 0 &&
		    strncasecmp(h, "cc:", 3) != 0)
			continue;
		ev->to_signed = 1;
		m = address_parse(a, h + 3, out, DKIM_SIGNED_RCPT_MAX);
		for (k = 0; k < m && ev->nsigned_rcpt < DKIM_SIGNED_RCPT_MAX;
		    k++) {
			for (p = out[k]; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			ev->signed_rcpt[ev->nsigned_rcpt++] = out[k];
		}
	}
}

/* The addresses of one To or Cc field's value (n bytes) into ev. */
static void
add_recipients(struct arena *a, const char *v, size_t n,
    struct dkim_evidence *ev)
{
	char	*out[DKIM_SIGNED_RCPT_MAX], *text, *p;
	int	 k, m;

	ev->to_signed = 1;
	if ((text = arena_strndup(a, v, n)) == NULL)
		return;
	m = address_parse(a, text, out, DKIM_SIGNED_RCPT_MAX);
	for (k = 0; k < m && ev->nsigned_rcpt < DKIM_SIGNED_RCPT_MAX; k++) {
		for (p = out[k]; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		ev->signed_rcpt[ev->nsigned_rcpt++] = out[k];
	}
}

/* Does text[off] follow an empty line ("\n\n" or "\n\r\n")? */
static int
after_empty_line(const char *text, size_t off)
{
	return off >= 2 && text[off - 1] == '\n' && (text[off - 2] == '\n' ||
	    (off >= 3 && text[off - 2] == '\r' && text[off - 3] == '\n'));
}

/*
 * The To and Cc fields a signature that verified on the headers alone
 * covers (the library names them only when the body hash matched too):
 * each name in its h= takes the last instance of that field not taken
 * yet, from the bottom up, as the signer and the verifier did (RFC 6376
 * 5.4.2). The header verified, so these are the instances it hashed.
 */
static void
signed_recipients_h(DKIM_SIGINFO *sig, struct arena *a, const char *text,
    size_t len, struct dkim_evidence *ev)
{
	struct header_block	 hb;
	unsigned char		*used;
	const char		*h, *e;
	size_t			 n, i, off;
	long			 j;

	if ((h = (const char *)od.sig_gettagvalue(sig, 0,
	    (u_char *)(uintptr_t)"h")) == NULL)
		return;
	/* from the bottom of the whole header, as the verifier read it: a
	 * block cut short (a line that is no field, a NUL, past the limits)
	 * has a bottom of its own, under which a bot's To would pass for
	 * the signed one */
	off = header_parse(a, text, len, &hb);
	if (hb.truncated || (off < len && !after_empty_line(text, off)))
		return;
	if (hb.count == 0 || (used = arena_alloc(a, hb.count)) == NULL)
		return;
	memset(used, 0, hb.count);
	for (; *h != '\0'; h = *e != '\0' ? e + 1 : e) {
		while (*h == ' ' || *h == '\t' || *h == '\r' || *h == '\n')
			h++;
		for (e = h; *e != '\0' && *e != ':'; e++)
			;
		for (n = (size_t)(e - h); n > 0 && (h[n - 1] == ' ' ||
		    h[n - 1] == '\t' || h[n - 1] == '\r' || h[n - 1] == '\n');
		    n--)
			;
		for (j = (long)hb.count - 1; j >= 0; j--) {
			const struct header *f = &hb.fields[j];

			i = (size_t)j;
			if (used[i] || f->name_len != n ||
			    strncasecmp(f->name, h, n) != 0)
				continue;
			used[i] = 1;
			if ((n == 2 && (strncasecmp(h, "to", 2) == 0 ||
			    strncasecmp(h, "cc", 2) == 0)))
				add_recipients(a, f->value, f->value_len, ev);
			break;
		}
	}
}

static int
rank(enum dkim_proof p)
{
	switch (p) {
	case DKIMP_PASS:		return 6;
	case DKIMP_HEADERS_PASS:	return 5;
	case DKIMP_BODY_CHANGED:	return 4;
	case DKIMP_FORGED:		return 3;
	case DKIMP_INCONCLUSIVE:	return 2;
	case DKIMP_UNAVAILABLE:		return 1;
	case DKIMP_NONE:		break;
	}
	return 0;
}

/* Does the original carry a signature by one of our keys' domains? */
static int
signed_by_key_domain(const struct config *cfg, const struct original *o)
{
	int	 i, k;

	for (i = 0; i < o->ndkim; i++)
		for (k = 0; k < cfg->ndkim_keys; k++)
			if (o->dkim_domains[i] != NULL &&
			    strcasecmp(o->dkim_domains[i],
			    cfg->dkim_keys[k].domain) == 0)
				return 1;
	return 0;
}

/*
 * One verification of the original with the nth key of each selector:
 * the best result into ev, its signature into *best_r. The handle, for
 * the caller to free, or NULL when the library failed (ev says so).
 */
static DKIM *
verify_pass(const struct config *cfg, const struct original *o, int whole,
    struct arena *a, struct dkim_evidence *ev, DKIM_SIGINFO **best_r)
{
	DKIM_SIGINFO		**sigs = NULL;
	DKIM			*d;
	DKIM_STAT		 st;
	enum dkim_proof		 r;
	const char		*why, *dom, *sel;
	unsigned int		 flags;
	int			 nsigs = 0, i, bh, err;

	*best_r = NULL;
	if ((d = od.verify(od.lib, (const unsigned char *)"backscatter",
	    NULL, &st)) == NULL) {
		ev->result = DKIMP_INCONCLUSIVE;
		ev->why = "the DKIM library failed";
		return NULL;
	}
	(void)od.chunk(d, (u_char *)(uintptr_t)o->text, o->text_len);
	(void)od.chunk(d, NULL, 0);
	(void)od.eom(d, NULL);
	if (od.getsiglist(d, &sigs, &nsigs) != DKIM_STAT_OK)
		nsigs = 0;
	for (i = 0; i < nsigs; i++) {
		dom = (const char *)od.sig_getdomain(sigs[i]);
		sel = (const char *)od.sig_getselector(sigs[i]);
		if (dom == NULL || sel == NULL)
			continue;
		flags = od.sig_getflags(sigs[i]);
		bh = od.sig_getbh(sigs[i]);
		err = od.sig_geterror(sigs[i]);
		if (find_key(cfg, dom, sel) == NULL) {
			if (!identity_ours_domain(cfg, NULL, dom))
				continue;
			r = DKIMP_INCONCLUSIVE;
			why = "signed by our domain with a selector that is "
			    "not a my_dkim_key";
		} else if ((flags & DKIM_SIGFLAG_PASSED) &&
		    bh == DKIM_SIGBH_MATCH) {
			r = DKIMP_PASS;
			why = "our signature verifies with our key";
		} else if (flags & DKIM_SIGFLAG_PASSED) {
			r = whole ? DKIMP_BODY_CHANGED : DKIMP_HEADERS_PASS;
			why = whole ? "the signed headers verify; the body was "
			    "changed after signing" : "the signed headers "
			    "verify; the body was not returned whole";
		} else if (err == DKIM_SIGERROR_BADSIG && whole) {
			r = DKIMP_FORGED;
			why = "d= and s= are ours but the signature does not "
			    "verify with our key";
		} else if (err == DKIM_SIGERROR_BADSIG) {
			r = DKIMP_INCONCLUSIVE;
			why = "the signature does not verify, but the original "
			    "was not returned whole";
		} else {
			r = DKIMP_INCONCLUSIVE;
			why = od.sig_geterrorstr(err);
			if (why == NULL)
				why = "the signature could not be checked";
		}
		if (rank(r) > rank(ev->result)) {
			ev->result = r;
			ev->why = why;
			ev->domain = arena_strdup(a, dom);
			ev->selector = arena_strdup(a, sel);
			*best_r = sigs[i];
		}
	}
	return d;
}

/* Keys configured for the domain and selector. */
static int
keys_for(const struct config *cfg, const char *domain, const char *selector)
{
	int	 n = 0;

	while (find_key_nth(cfg, domain, selector, n) != NULL)
		n++;
	return n;
}

static int
verified(enum dkim_proof r)
{
	return r == DKIMP_PASS || r == DKIMP_HEADERS_PASS ||
	    r == DKIMP_BODY_CHANGED;
}

void
dkim_gather(const struct config *cfg, const struct analysis *an,
    struct arena *a, struct dkim_evidence *ev)
{
	const struct original	*o = &an->original;
	struct dkim_evidence	 try;
	DKIM_SIGINFO		*best = NULL, *b;
	DKIM			*d = NULL, *dt;
	int			 whole, pass;

	memset(ev, 0, sizeof(*ev));
	ev->keys = cfg->ndkim_keys;
	if (cfg->ndkim_keys == 0 || o->source == SOURCE_NONE ||
	    o->source == SOURCE_REFERENCE ||
	    !signed_by_key_domain(cfg, o))
		return;
	if (o->source == SOURCE_INLINE || o->text == NULL) {
		ev->result = DKIMP_INCONCLUSIVE;
		ev->why = "the original is quoted in the text, not returned "
		    "as it was";
		return;
	}
	if (dkim_ready(&ev->why) == -1) {
		ev->result = DKIMP_UNAVAILABLE;
		return;
	}
	lookup_cfg = cfg;
	whole = o->source == SOURCE_RFC822 && o->body_complete;
	/* with the first key of each selector, then, while our best
	 * signature does not verify, with the next key of its selector */
	for (pass = 0; pass < cfg->ndkim_keys; pass++) {
		memset(&try, 0, sizeof(try));
		try.keys = cfg->ndkim_keys;
		lookup_nth = pass;
		dt = verify_pass(cfg, o, whole, a, &try, &b);
		if (pass == 0 || rank(try.result) > rank(ev->result)) {
			if (d != NULL)
				od.free(d);
			d = dt;
			best = b;
			*ev = try;
		} else if (dt != NULL)
			od.free(dt);
		if (d == NULL || verified(ev->result) || ev->domain == NULL ||
		    keys_for(cfg, ev->domain, ev->selector) <= pass + 1)
			break;
	}
	lookup_nth = 0;
	if (d == NULL)
		return;
	if (best != NULL && verified(ev->result))
		signed_recipients(d, best, a, ev);
	if (best != NULL && (ev->result == DKIMP_HEADERS_PASS ||
	    ev->result == DKIMP_BODY_CHANGED) && !ev->to_signed)
		signed_recipients_h(best, a, o->text, o->text_len, ev);
	od.free(d);
	if (ev->result == DKIMP_NONE) {
		ev->result = DKIMP_INCONCLUSIVE;
		ev->why = "a DKIM-Signature names our domain, but the library "
		    "found no signature it could read";
	}
}
