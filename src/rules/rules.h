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
 *   tflags      NAME ...              accepted and ignored
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
 * none pays nothing for the rules. Every pattern runs under one match
 * context with match, depth and heap limits: a limit hit counts as no
 * match. No pattern is ever built from message text.
 */
#ifndef BS_RULES_H
#define BS_RULES_H

#include <stddef.h>

struct analysis;
#include <stdint.h>
#include <stdio.h>

#include "base/limits.h"

struct arena;
struct buf;
struct config;
struct evidence;

struct ruleset;

struct rule_hit {
	const char	*name;
	double		 score;
	const char	*description;	/* or NULL */
};

/* Where the built-in rules come from (generated src/rules/builtin_rules.c). */
struct builtin_rule_file {
	const char	*name;
	const char	*text;
};
extern const struct builtin_rule_file builtin_rule_files[];	/* NULL-ended */

/*
 * The built-in rules as the build parsed and compiled them (generated
 * src/rules/builtin_regex.c, written by tools/regexblob): PCRE2's serialised
 * form of the patterns with, for each, its text, options and the literals
 * one of which any match contains (prefilter.h); and every rule's parsed
 * definition, so that a run builds the set without reading the rule
 * text. A program without them (the tests) links an empty set from the
 * library and parses and compiles the rule files at run time, as it does
 * when the PCRE2 found at run time cannot read the patterns.
 */
struct builtin_regex {
	uint32_t	 pattern;	/* offsets into builtin_strings */
	uint32_t	 options;
	uint32_t	 literals;	/* prefilter_literals' set, or BUILTIN_NONE */
};
extern const struct builtin_regex builtin_regexes[];
extern const int builtin_regex_count;
extern const unsigned char builtin_regex_blob[];
extern const size_t builtin_regex_blob_len;

/*
 * Every string of the tables, NUL-terminated, one after another: offsets
 * rather than pointers leave the loader nothing to relocate, and a rule's
 * string inside this array is never freed.
 */
#define BUILTIN_NONE	0xffffffffu
extern const char builtin_strings[];
extern const size_t builtin_strings_len;

struct builtin_op {
	int		 code;
	double		 num;
	uint32_t	 name;		/* a rule's, or BUILTIN_NONE */
};
struct builtin_rule {
	uint32_t	 name;
	int		 type, mod, negate;
	uint32_t	 file;
	int		 line;
	uint32_t	 field;
	int		 regex;		/* index in builtin_regexes, or -1 */
	int		 branch;	/* its top-level branches: the first */
	int		 nbranch;	/* in builtin_regexes, how many */
	uint32_t	 unset;
	uint32_t	 eval;		/* function name */
	uint32_t	 arg;
	int		 ops;		/* first in builtin_ops, or -1 */
	int		 nops;
	uint32_t	 describe;
	double		 score;
	int		 score_set;
	uint32_t	 score_file;
	int		 score_line;
};
extern const struct builtin_rule builtin_rules[];
extern const int builtin_rule_count;
extern const struct builtin_op builtin_ops[];

/* Write the compiled set as C source for builtin_regex.c; 0, or -1
 * (nothing compiled, out of memory, write error). */
int	 rules_write_builtin(struct ruleset *, FILE *);

struct ruleset	*rules_new(void);
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
 * Read, parse and compile every source, then apply the config's score
 * overrides (cfg may be NULL). Runs once: later calls return the first
 * result. Broken rules are left out, the others work. Errors go to
 * errors (may be NULL) as "file:line: message\n". Returns the number of
 * errors, or -1 on an internal failure (out of memory, PCRE2 contexts).
 */
int	 rules_compile(struct ruleset *, const struct config *, struct buf *errors);

/* Compile time of the last rules_compile, in microseconds. */
long	 rules_compile_usec(const struct ruleset *);
/* Number of usable rules after compiling. */
int	 rules_count(const struct ruleset *);

/*
 * Run every rule on one analysed message. The hits (scored, visible rules
 * that fired, sorted by name) go into the arena; their strings belong to
 * the ruleset. limits_hit_r (may be NULL) counts regex runs stopped by a
 * limit. The set must be compiled. 0, or -1 out of arena.
 */
int	 rules_run(struct ruleset *, const struct analysis *,
	    const struct evidence *, struct arena *, struct rule_hit **hits_r,
	    int *nhits_r, int *limits_hit_r);

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
 * Evaluate one rule by name (tests): 1 hit, 0 not, -1 no such rule. Only
 * valid right after rules_run on the same set.
 */
int	 rules_result(const struct ruleset *, const char *name);

#endif
