/*
 * handoff.h - the hop where the original entered the bouncing system.
 *
 * Of an original's Received lines only that hop says where it came from:
 * the lines below it are the sender's to write. handoff_find finds it and
 * judges it against the configured relays and domains (the steps are in
 * handoff.c).
 */
#ifndef BS_HANDOFF_H
#define BS_HANDOFF_H

struct analysis;
struct arena;
struct config;
struct evidence;

enum handoff {
	HANDOFF_UNKNOWN,	/* no Received lines, or nothing to compare */
	HANDOFF_OURS,		/* the hop came from one of our relays */
	HANDOFF_FOREIGN		/* it came from a host that is not ours */
};

/*
 * Fill the handoff fields of ev (handoff, handoff_hop, bounced_by_us,
 * helo_forged, forwarded_ours and the rest) from the original's Received
 * lines; ev->identity must be set. Never fails: what cannot be known is
 * HANDOFF_UNKNOWN with handoff_why saying why.
 */
void	 handoff_find(const struct config *, const struct analysis *,
	    struct arena *, struct evidence *);

#endif
