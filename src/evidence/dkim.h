/*
 * dkim.h - our own DKIM signature on the returned original, verified
 * against our configured public key (my_dkim_key), without DNS.
 *
 * A legitimate bounce returns mail we sent, signed by our signer; nobody
 * else can make that signature. So when the original comes back whole
 * and carries a DKIM-Signature whose d= and s= are one of our keys:
 *   pass                 proof the original is ours;
 *   bad signature        (complete body) strong evidence of a forgery;
 *   headers verify, body does not
 *                        the headers are ours; the body was changed on the
 *                        way (a relay re-encoded it) or cut: no verdict;
 *   headers only, truncated, quoted inline, expired, unknown selector
 *                        inconclusive.
 * A signature that verifies proves the message is ours, not that it
 * went to the recipient who bounced it: a bot can replay a signed
 * message, or its signed header block with a body of its own, to anyone.
 * So the To and Cc the signature covers are kept, for the verdict to
 * compare with the bounce's recipients (decide.c).
 * libopendkim does the verifying; it (and the libcrypto it pulls in) is
 * loaded with dlopen only when such a message arrives, since linking it
 * costs every start-up about a millisecond.
 */
#ifndef BS_DKIM_H
#define BS_DKIM_H

#include "base/limits.h"

struct analysis;
struct arena;
struct config;


enum dkim_proof {
	DKIMP_NONE,		/* no signature of ours to check */
	DKIMP_PASS,		/* our signature verifies */
	DKIMP_FORGED,		/* d= ours, the signature does not verify,
				   the whole original was returned */
	DKIMP_BODY_CHANGED,	/* headers verify, body hash does not, whole
				   original returned */
	DKIMP_HEADERS_PASS,	/* headers verify; body missing or cut */
	DKIMP_INCONCLUSIVE,	/* cannot tell (see why) */
	DKIMP_UNAVAILABLE	/* libopendkim could not be loaded */
};

struct dkim_evidence {
	int		 keys;		/* my_dkim_key lines configured */
	enum dkim_proof	 result;
	const char	*domain;	/* d= of the signature judged */
	const char	*selector;	/* s= */
	const char	*why;		/* a phrase for the report */
	/* pass, headers-pass, body-changed: the addresses in the To and Cc
	 * fields the signature covers (lower case), the recipients it
	 * proves we wrote to; to_signed is 0 when it covers neither */
	const char	*signed_rcpt[DKIM_SIGNED_RCPT_MAX];
	int		 nsigned_rcpt;
	int		 to_signed;
};

/* Verify the returned original's signatures of our domains. */
void	 dkim_gather(const struct config *, const struct analysis *,
	    struct arena *, struct dkim_evidence *r);

const char *dkim_proof_name(enum dkim_proof);

/* 0 when libopendkim is loaded (once) and ready, else -1 with *why_r
 * saying why. */
int	 dkim_ready(const char **why_r);

#endif
