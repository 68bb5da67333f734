/*
 * claims.h - what the original and the bounce claim about us.
 *
 * The original's Message-ID, From, Return-Path and DKIM d= at our domain
 * or address, and the Message-ID a reply answers: all forgeable, so they
 * are heuristic evidence only (DESIGN.md: proof comes from batv.c,
 * ledger.c and dkim.c).
 */
#ifndef BS_CLAIMS_H
#define BS_CLAIMS_H

struct analysis;
struct arena;
struct config;
struct evidence;

/* Fill ev's claim fields (has_original, msgid_ours, from_ours,
 * from_foreign, return_path_ours, dkim_ours, reply_refs, reply_ours,
 * reply_forged); ev->identity must be set. */
void	 claims_gather(const struct config *, const struct analysis *,
	    struct arena *, struct evidence *);

#endif
