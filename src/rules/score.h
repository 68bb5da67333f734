/*
 * score.h - the verdict: evidence gathered, rules run, weights added.
 *
 * score_message is the one entry point. A message of kind none scores 0
 * and runs no rule (the rules are not even compiled). Otherwise the
 * evidence is gathered (origin.c), the rule set compiled on first use and
 * run, and the fired rules' scores summed against the required score.
 * score_json and score_explain turn a verdict into the JSON members and
 * the report that cli/mode_report.c writes; nothing here writes to a
 * descriptor.
 */
#ifndef BS_SCORE_H
#define BS_SCORE_H

#include "anatomy/anatomy.h"
#include "evidence/origin.h"
#include "rules/rules.h"

struct arena;
struct buf;
struct config;
struct envelope;
struct json;

struct verdict {
	double			 score;
	double			 required;
	int			 backscatter;	/* score >= required */
	enum kind		 kind;
	struct rule_hit		*hits;		/* sorted by name, in the arena */
	int			 nhits;
	int			 rules_run;	/* 0 for kind none */
	int			 rule_errors;	/* from compiling the set */
	struct rule_cut		*cuts;		/* rules a limit cut short */
	int			 regex_limits;	/* how many */
	struct evidence		 evidence;
	const struct analysis	*analysis;
};

/*
 * Judge one analysed message, delivered with envelope env (NULL: none
 * known; the clock is now). rs may be NULL (no rules: evidence only,
 * score 0). Returns 0, or -1 on an internal error (out of arena, the rule
 * set could not be compiled at all); r then holds a score-0 "No" verdict.
 */
int	 score_message(const struct config *, const struct envelope *,
	    struct ruleset *, const struct analysis *, struct arena *,
	    struct verdict *r);

/* "BS_A,BS_B" or "none", in the arena; NULL if out of arena. */
const char *score_tests(const struct verdict *, struct arena *);

/*
 * JSON members "backscatter", "score", "required", "tests" and
 * "evidence", written into an object the caller has open.
 */
void	 score_json(struct json *, const struct verdict *);

/* The human report: verdict, fired tests, evidence. */
void	 score_explain(struct buf *, const struct verdict *);

#endif
