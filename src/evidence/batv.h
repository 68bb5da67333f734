/*
 * batv.h - Bounce Address Tag Validation: is the address a bounce came
 * back to one we tagged, with our secret, recently?
 *
 * Outgoing mail's envelope sender is tagged (by Exim's ${prvs}, Postfix
 * with a tagging map, batv-tools); a legitimate bounce goes back to the
 * tagged address, backscatter to the plain one the spammer forged. The tag
 * is Exim's: prvs=KDDDSSSSSS=local@domain, K the key number, DDD the last
 * three digits of the expiry day (days since 1970 + lifetime), SSSSSS the
 * first three bytes of HMAC-SHA1(secret, "K" "DDD" "local@domain") in hex.
 * Also read: the reversed order prvs=local=KDDDSSSSSS@domain seen in the
 * wild, and the sub-address form local+prvs=KDDDSSSSSS@domain (batv-tools).
 *
 * Nothing here runs for a plain message: batv_gather is called only when
 * a message that is not kind none is scored, and does nothing without
 * keys configured.
 */
#ifndef BS_BATV_H
#define BS_BATV_H

#include "base/limits.h"

struct analysis;
struct arena;
struct config;
struct envelope;

enum batv_form {
	BATV_PRVS,		/* prvs=KDDDSSSSSS=local@domain */
	BATV_PRVS_REVERSED,	/* prvs=local=KDDDSSSSSS@domain */
	BATV_SUBADDRESS		/* local+prvs=KDDDSSSSSS@domain */
};

struct batv_tag {
	enum batv_form	 form;
	int		 key;			/* 0-9 */
	int		 day;			/* 0-999 */
	char		 hash[7];		/* six hex digits, lower case */
	char		 address[LIMIT_ADDRESS + 1];	/* local@domain */
};

enum batv_status {
	BATV_NONE,		/* no tagged address found */
	BATV_VALID,		/* our HMAC, within its lifetime */
	BATV_EXPIRED,		/* our HMAC, past its lifetime */
	BATV_BAD		/* not our HMAC, or no key of that number */
};

struct batv_evidence {
	int			 keys;		/* batv_key lines configured */
	int			 required;	/* batv_required yes */
	enum batv_status	 status;
	const char		*address;	/* the tagged address judged */
	const char		*source;	/* where it was found */
	const char		*why;		/* a phrase for the report */
	int			 days;		/* VALID: days left; EXPIRED: days
						   since it expired */
	int			 tagged;	/* tagged addresses looked at */
};

/* Parse a tagged address; 1 and r filled, or 0 when addr is not tagged. */
int	 batv_parse(const char *addr, struct batv_tag *r);

/* The address without its tag (addr itself when untagged, else a copy
 * in the arena). */
const char *batv_untag(struct arena *, const char *addr);

/* The six hex digits Exim's ${prvs} computes for address, key number and
 * day (0-999), into out (7 bytes). */
void	 batv_hash(const unsigned char *secret, size_t len, int key, int day,
	    const char *address, char out[7]);

/* Check one tag against the configured keys at time now (seconds).
 * *days_r as in struct batv_evidence; why_r a phrase. */
enum batv_status batv_check(const struct config *, const struct batv_tag *,
	    long long now, int *days_r, const char **why_r);

/* Find the address the message was delivered to and judge its tag. */
void	 batv_gather(const struct config *, const struct envelope *,
	    const struct analysis *, struct arena *, struct batv_evidence *r);

const char *batv_status_name(enum batv_status);

#endif
