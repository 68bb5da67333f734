/*
 * rules.h - the rule language: SpamAssassin's rule-file style with PCRE2.
 *
 *   header      NAME Header =~ /re/flags [if-unset: text]   (also !~)
 *   header      NAME exists:Header
 *   body        NAME /re/flags        the bounce's own decoded text
 *   orig_header NAME Header =~ /re/   the returned original's header
 *   orig_body   NAME /re/flags        the returned original's body
 *   eval        NAME function(arg)    evidence computed in C (origin.h)
 *   meta        NAME expression       && || ! ( ) + and > >= < <= == !=
 *   describe    NAME text
 *   score       NAME n
 *   tflags      NAME ...              accepted and ignored (priority too)
 *
 * Header is a field name, "ALL" (the whole header block), or a field
 * name with ":raw" (not RFC 2047-decoded), ":addr" (its addresses) or
 * ":name" (its display names). Several fields of one name are joined
 * with newlines. Flags are i, m, s, x. '#' starts a comment unless
 * written "\#". Names start with BS_; names starting with "__" are
 * sub-rules for metas, never scored or shown. A rule without a score
 * line scores 1.0, score 0 turns it off. A later definition of a name
 * replaces the earlier one, so rule files from --rules or the config
 * override the built-in ones by name.
 *
 * Nothing is read or compiled until rules_compile, so a message of kind
 * none pays nothing for the rules. No pattern is ever built from message
 * text. Every match is bounded: PCRE2's match, depth and heap limits, a
 * bound on the work of each rule (LIMIT_REGEX_RULE_WORK), on the work and
 * the processor time of all matching of one message
 * (LIMIT_REGEX_TOTAL_WORK, LIMIT_REGEX_TOTAL_MS). A rule a limit stops
 * before it has an answer is open, not "no match": it is reported
 * (struct rule_cut), metas using it are open when it could change them,
 * and a visible rule left open counts as a hit exactly when its score is
 * positive, so a text made to be slow never scores lower for it.
 *
 * Inside (ruleset.h): ruleset.c keeps the set and its names, parse.c
 * reads rule files, expr.c compiles and evaluates meta expressions,
 * compile.c compiles patterns and loads the build-time table
 * (builtin.h), run.c matches one message; tools/builtin_write.c writes
 * that table at build time.
 */
#ifndef BS_RULES_H
#define BS_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"

struct analysis;
struct arena;
struct buf;
struct config;
struct evidence;

struct ruleset;

struct rule_hit {
	const char	*name;
	double		 score;
	const char	*description;	/* or NULL */
	int		 cut_short;	/* counted because a limit left it open */
};

/* A rule whose pattern a limit stopped before it had an answer. */
struct rule_cut {
	const char	*name;
	const char	*limit;		/* "match", "depth", "heap": PCRE2's;
					   "work": LIMIT_REGEX_RULE_WORK;
					   "total": LIMIT_REGEX_TOTAL_WORK;
					   "time": LIMIT_REGEX_TOTAL_MS;
					   "error": another PCRE2 error */
};

/* An empty set, or NULL out of memory. */
struct ruleset	*rules_new(void);
/* Free the set and everything it holds; NULL is allowed. */
void		 rules_free(struct ruleset *);

/*
 * Sources, read in the order added, later definitions winning. Nothing is
 * read yet: these only record. 0, or -1 out of memory.
 */
int	 rules_add_builtin(struct ruleset *);
/* A rule file, or a directory whose *.cf files are read in name order. */
int	 rules_add_path(struct ruleset *, const char *path);
/* Rule text under a name for errors (copied; for tests and the config). */
int	 rules_add_text(struct ruleset *, const char *name, const char *text);
/* The config's rules_file/rules_dir lines. */
int	 rules_add_config(struct ruleset *, const struct config *);

/*
 * Keep the compiled patterns of rule files in a cache file for the next
 * run (the program's own runs; see cache.h), or not (the default: unit
 * tests and tools never write to the user's cache).
 */
void	 rules_use_cache(struct ruleset *, int on);

/*
 * The build's patterns, decoded as they are first run, share one copy of
 * PCRE2's character tables: for a program of one thread only (see
 * compile.c). Call before the first set is compiled.
 */
void	 rules_share_tables(void);

/*
 * Read, parse and compile every source, then apply the config's score
 * overrides (cfg may be NULL). Runs once: later calls return the first
 * result. Broken rules are left out, the others work. Errors go to
 * errors (may be NULL) as "file:line: message\n". Returns the number of
 * errors, or -1 on an internal failure (out of memory, PCRE2 contexts).
 */
int	 rules_compile(struct ruleset *, const struct config *, struct buf *errors);

/* Compile time of the last rules_compile, in microseconds. */
long	 rules_compile_usec(const struct ruleset *);
/* Is what rules_compile made of the rule files kept for the next run (a
 * cache written or used)? 0 when there is no place for one or it would
 * be too large (CACHE_MAX): every run compiles them again. */
int	 rules_kept(const struct ruleset *);
/* Number of usable rules after compiling. */
int	 rules_count(const struct ruleset *);

/*
 * Run every rule on one analysed message. The hits (scored, visible rules
 * that fired or count as fired, sorted by name) go into the arena, and so
 * do the rules a limit cut short (sorted by name; cuts_r and ncuts_r may
 * be NULL); their strings belong to the ruleset. The set must be
 * compiled; it is only read (but for rules_keep_results), so threads may
 * run one set at once. 0, or -1 out of arena or memory.
 */
int	 rules_run(struct ruleset *, const struct analysis *,
	    const struct evidence *, struct arena *, struct rule_hit **hits_r,
	    int *nhits_r, struct rule_cut **cuts_r, int *ncuts_r);

/*
 * The pattern of rule i of a compiled set (tests): 0, 1 when rule i has
 * none, -1 past the last rule. lits is its prefilter set or NULL.
 */
int	 rules_pattern(const struct ruleset *, int i, const char **pattern,
	    uint32_t *options, const char **lits);

/*
 * Check the prefilter (fuzzing, tests): a pattern it rules out is matched
 * anyway, and a match aborts the program.
 */
void	 rules_check_prefilter(struct ruleset *, int on);

/*
 * Keep what the last rules_run made of each rule, for rules_result
 * (tests). Off by default: a set that threads run at once (the milter's)
 * is never written to by a run.
 */
void	 rules_keep_results(struct ruleset *, int on);

/*
 * Evaluate one rule by name (tests): 1 hit, 0 not, 2 left open by a limit
 * (whatever it counts as), -1 no such rule or no run kept. Only valid
 * right after rules_run on the same set, with rules_keep_results on.
 */
int	 rules_result(const struct ruleset *, const char *name);

#endif
