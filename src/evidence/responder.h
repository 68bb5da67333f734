/*
 * responder.h - who bounced or replied: the addresses proof is checked
 * against.
 *
 * Proof that we sent a message is proof for one recipient: the ledger
 * records whom each Message-ID went to, and our DKIM signature covers its
 * To and Cc. A bounce is about the recipients its report names (each
 * Final-Recipient, and the Original-Recipient the sender wrote when an
 * alias or a forward changed it, if the bouncing system's own Received
 * line in the returned original names it: alone it is the ORCPT the
 * sender gave, a bot's to choose); an auto-reply, challenge or read
 * receipt comes from whoever replied (its From, and the recipients its
 * reader found). Addresses are lower-cased and their BATV tag, if any,
 * taken off.
 */
#ifndef BS_RESPONDER_H
#define BS_RESPONDER_H

#include "base/limits.h"


struct analysis;
struct arena;

struct responders {
	const char	*address[RESPONDERS_MAX];
	int		 n;
	int		 replier;	/* an auto-reply, challenge or read
					   receipt: the address replied */
};

/* The responders of an analysed message (none for kind none). */
void	 responders_find(const struct analysis *, struct arena *,
	    struct responders *r);

/* Is addr (any case) one of them? */
int	 responders_has(const struct responders *, const char *addr);

#endif
