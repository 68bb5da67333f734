/*
 * identity.h - who we are for one message, and is an address or a domain
 * ours.
 *
 * The configuration says it when it names our domains or addresses
 * (my_domain, my_address). Otherwise our address is taken per message:
 * --recipient, then the envelope recipient the host set (RECIPIENT,
 * ORIG_RECIPIENT, ORIGINAL_RECIPIENT), then the message's own
 * Delivered-To, X-Original-To, To; a BATV tag on it is taken off.
 */
#ifndef BS_IDENTITY_H
#define BS_IDENTITY_H

struct arena;
struct config;
struct envelope;
struct header_block;

/* Where our identity came from, for the report. */
struct identity {
	const char	*address;	/* our address, or NULL */
	const char	*source;	/* "config", "--recipient", "RECIPIENT",
					   ..., "Delivered-To", or NULL */
	int		 configured;	/* my_domain or my_address given */
};

/*
 * Our identity for one message, as above. env and hdr (the top-level
 * header) may be NULL. The address is allocated in the arena.
 */
void	 identity_find(const struct config *, const struct envelope *,
	    const struct header_block *hdr, struct arena *, struct identity *r);

/* Is domain ours: within a my_domain, the domain of a my_address, or,
 * when neither is configured, of the identity's address. id may be NULL. */
int	 identity_ours_domain(const struct config *, const struct identity *,
	    const char *domain);
/* Is addr ours: a my_address, an address within a my_domain, or the
 * identity's address (a "+detail" in the local part is ignored). */
int	 identity_ours_address(const struct config *, const struct identity *,
	    const char *addr);

#endif
