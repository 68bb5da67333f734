/*
 * origin.h - evidence of where the original came from, computed in C.
 *
 * origin_gather reads the analysis (never the raw message) and the config
 * and answers the questions rules cannot answer with a regex: which
 * Received hop handed the original to the system that bounced it, and was
 * that one of our relays; is the original's Message-ID, From, Return-Path
 * or DKIM d= ours; what does the bounce give as its reason; does an
 * auto-reply answer a Message-ID of ours. Each answer is exposed to the
 * rule language as an eval function (origin_eval_find), so the weights
 * live in the rule files and not here.
 */
#ifndef BS_ORIGIN_H
#define BS_ORIGIN_H

#include "config/config.h"
#include "evidence/identity.h"
#include "evidence/batv.h"
#include "evidence/dkim.h"
#include "evidence/handoff.h"
#include "evidence/ledger.h"
#include "evidence/responder.h"
#include "evidence/decide.h"

struct analysis;
struct arena;
struct envelope;

struct evidence {
	struct identity			 identity;
	int				 nrelays;	/* relays configured */

	/* The handoff hop of the original's Received chain. */
	int				 bounced_by_us;	/* the bouncing system is ours */
	int				 handoff_hop;	/* index, top = 0; or -1 */
	enum handoff			 handoff;
	const char			*handoff_why;	/* a phrase for the report */
	const char			*handoff_host;	/* rDNS or HELO name */
	const char			*handoff_addr;
	const struct config_relay	*relay;		/* the relay matched, or NULL */
	const char			*matched_by;	/* "address", "rdns", "helo" */
	int				 helo_forged;	/* HELO names our relay,
							   address and rDNS do not */
	int				 no_rdns;	/* handoff host has no rDNS */
	int				 internal_unverified; /* hops above the
					   handoff taken as the bouncer's own on
					   a name only the client vouched for */
	int				 dynamic;	/* its rDNS looks like an
							   end-user address */
	int				 forwarded_ours; /* a DNS-linked chain below
							   the handoff reaches our relay */
	int				 lower_names_relay; /* a line below the handoff
							   names our relay: proves
							   nothing, shown only */

	/* The original's own claims (weak: all forgeable). */
	int				 has_original;
	int				 msgid_ours;
	int				 from_ours;
	int				 from_foreign;	/* a From that is not ours,
							   nor its Return-Path, while
							   we know who we are */
	int				 return_path_ours;
	const char			*dkim_ours;	/* the d= that is ours, or NULL */

	/* What the bounce says and answers. */
	const char			*reason;
	int				 reply_refs;	/* the Message-ID answered
							   (analysis replied_to):
							   1, or 0 for none */
	int				 reply_ours;	/* it is at our domains */
	int				 reply_forged;	/* at our domains, but in a
							   spam tool's shape
							   (address_spam_shape), so
							   not counted as ours */

	/* Proof, where configured: a BATV tag on the address the bounce
	 * came back to, Message-IDs in the sent ledger, our own DKIM
	 * signature on the original (batv.c, ledger.c, dkim.c). */
	struct batv_evidence		 batv;
	struct ledger_evidence		 ledger;
	struct dkim_evidence		 dkim;

	/* Who bounced or replied: what proof is checked against. */
	struct responders		 responders;
	/* Which class decided, and why (decide.c). */
	struct decision			 decision;
};

/* Gather the evidence; never fails (what cannot be known stays unknown). */
void	 origin_gather(const struct config *, const struct envelope *,
	    const struct analysis *, struct arena *, struct evidence *r);

const char *origin_handoff_name(enum handoff);

/*
 * Eval functions for the rule language. test returns 1 (hit) or 0; arg is
 * the function's single argument or NULL. check, when set, validates the
 * argument when the rule is compiled (0 good, -1 bad).
 */
struct origin_eval {
	const char	*name;
	int		 takes_arg;	/* 0: none, 1: exactly one */
	int		(*check)(const char *arg);
	int		(*test)(const struct evidence *, const struct analysis *,
			    const char *arg);
	const char	*help;
};

const struct origin_eval *origin_eval_find(const char *name);
/* The table, terminated by a NULL name (for --lint and the man page). */
extern const struct origin_eval origin_evals[];

#endif
