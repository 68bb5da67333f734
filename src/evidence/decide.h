/*
 * decide.h - which evidence decides: proof, then strong evidence, then
 * the rules' weights (the decision table is in decide.c).
 */
#ifndef BS_DECIDE_H
#define BS_DECIDE_H

struct analysis;
struct arena;
struct evidence;

enum decide_class {
	DECIDE_HEURISTIC,	/* neither proof nor strong evidence answers:
				   the rules' weights decide */
	DECIDE_PROOF,
	DECIDE_STRONG
};

/* Strong evidence answers when its points reach this, either way. */
#define DECIDE_STRONG_MIN	5

struct decision {
	enum decide_class	 class;
	int			 backscatter;	/* the answer (not for
						   DECIDE_HEURISTIC) */
	const char		*evidence;	/* "sent_ledger", "dkim",
						   "correspondents", "batv",
						   "handoff"; "rules" */
	const char		*why;		/* plain words, for a user */
	int			 strong;	/* strong evidence's points,
						   positive for backscatter */
	const char		*near;		/* proof that was not: what it
						   lacked, in words, or NULL */
};

/*
 * Decide from the gathered evidence (every field of ev but decision
 * set). Never fails: short of memory, the why is a
 * shorter phrase.
 */
void	 decide(const struct evidence *, const struct analysis *,
	    struct arena *, struct decision *r);

const char *decide_class_name(enum decide_class);

#endif
