/*
 * ruleset.h - the rule set inside: what the parser, the meta-expression
 * compiler, the compiler and the runtime share (not for callers outside
 * src/rules, which see only rules.h; the unit tests and the build tool
 * that writes the built-in table read it too).
 *
 * A ruleset lives for the run (malloc); what it computes per message
 * lives in the message arena. One struct rule per name: a later
 * definition replaces the earlier one in place. A rule's strings are its
 * own (malloc) unless they lie in the build-time tables (builtin.h),
 * which are never freed; ruleset_free_string tells the two apart.
 */
#ifndef BS_RULESET_H
#define BS_RULESET_H

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif

#include <stddef.h>
#include <stdint.h>
#include <pcre2.h>

#include "base/limits.h"

struct buf;
struct origin_eval;
struct rules_cache;
struct rules_snap;


/* The build-time table stores these numbers: append, never reorder. */
enum rule_type {
	RULE_NONE,		/* only describe/score seen so far */
	RULE_HEADER,
	RULE_BODY,
	RULE_ORIG_HEADER,
	RULE_ORIG_BODY,
	RULE_EVAL,
	RULE_META
};

/* How a header rule reads its field. */
enum field_mod {
	MOD_DECODED,		/* RFC 2047-decoded */
	MOD_RAW,		/* Field:raw */
	MOD_ADDR,		/* Field:addr, one address a line */
	MOD_NAME,		/* Field:name, one display name a line */
	MOD_EXISTS,		/* exists:Field */
	MOD_ALL			/* ALL, the whole header block */
};

/* A meta expression's program, in reverse Polish order (expr.c). */
enum op_code {
	OP_RULE, OP_NUM, OP_NOT, OP_AND, OP_OR, OP_ADD,
	OP_GT, OP_GE, OP_LT, OP_LE, OP_EQ, OP_NE
};

/*
 * What stopped a rule's matching before it had an answer (run.c): one of
 * PCRE2's limits on one match, the rule's own bound on work, the
 * message's, the processor time of its matching, or another PCRE2 error.
 */
enum cut_by {
	CUT_NONE,
	CUT_MATCH,		/* LIMIT_REGEX_MATCH steps at one position */
	CUT_DEPTH,		/* LIMIT_REGEX_DEPTH */
	CUT_HEAP,		/* LIMIT_REGEX_HEAP_KB */
	CUT_WORK,		/* LIMIT_REGEX_RULE_WORK */
	CUT_TOTAL,		/* LIMIT_REGEX_TOTAL_WORK */
	CUT_TIME,		/* LIMIT_REGEX_TOTAL_MS */
	CUT_ERROR
};

struct op {
	enum op_code	 code;
	int		 rule;		/* OP_RULE: index, after resolving */
	double		 num;		/* OP_NUM */
	char		*name;		/* OP_RULE: until resolved */
};

/*
 * A compiled pattern: a rule's whole pattern as written, or one of its
 * top-level branches, matched on its own (prefilter.h).
 */
struct branch {
	char			*pattern;
	pcre2_code		*re;		/* owned; NULL when lazy */
	int			 lazy;		/* 1 + its builtin_regexes index:
						   the build's code, decoded
						   the first time it runs
						   (rules_code); 0 none */
	const char		*lits;		/* prefilter set, or NULL */
	char			*lits_own;	/* the same, when malloc'd */
	int			 fresh;		/* compiled by this run: for the
						   pattern cache, if the rule
						   is kept */
};

struct rule {
	char			*name;
	enum rule_type		 type;
	const char		*file;		/* of the definition, interned */
	int			 line;

	/* header, body and their orig_ forms */
	char			*field;		/* field name, or NULL for ALL */
	enum field_mod		 mod;
	int			 negate;	/* !~ */
	uint32_t		 options;	/* the flags, as PCRE2 options */
	char			*unset;		/* if-unset: text */
	struct branch		 whole;		/* the pattern as written */
	struct branch		*br;		/* its branches, or NULL */
	int			 nbr;
	int			 slot;		/* text cache index */

	/* eval */
	const struct origin_eval *fn;
	char			*arg;

	/* meta */
	struct op		*ops;
	int			 nops;
	int			 level;		/* 1 + the deepest meta used */

	char			*describe;
	double			 score;
	int			 score_set;
	const char		*score_file;	/* its score line, or else
						   its describe line */
	int			 score_line;

	int			 broken;
};

/*
 * What one run on one message makes of a rule: kept out of the set, so
 * that a compiled set is read only while it runs and threads share it
 * (backscatter-milter judges several messages at once). lo and hi bound
 * what the rule would be had no limit cut anything short: equal when it
 * is decided, 0 and 1 when a limit left it open. value is what it counts
 * as: its answer, or, when open, a hit exactly when its score is
 * positive, so that a limit never lowers the score.
 */
struct rule_state {
	int			 lo, hi;
	int			 value;
	enum cut_by		 cut;		/* why its own pattern stopped */
};

struct rule_source {
	enum { SRC_BUILTIN, SRC_PATH, SRC_TEXT } type;
	char		*name;
	char		*text;
};

/* One header text the rules read: a field in one form, of one header. */
struct slot {
	int		 orig;		/* original's header, not the bounce's */
	const char	*field;		/* NULL: ALL */
	enum field_mod	 mod;
};

/*
 * The work of the rule being matched, counted by a PCRE2 callout before
 * every pattern item (run.c): the bound PCRE2's own limits do not give,
 * since they count per start position and not the bytes a repeat runs
 * over.
 */
struct meter {
	long			 rule;		/* units used by this rule */
	long			 total;		/* by all rules of the message */
	long			 clock_at;	/* total at which the clock is
						   read next */
	long			 deadline;	/* processor time, microseconds */
	size_t			 last;		/* position at the last callout */
	enum cut_by		 stop;		/* why the callout stopped */
	enum cut_by		 spent;		/* CUT_TOTAL or CUT_TIME once
						   the message's is spent */
};

struct ruleset {
	struct rule_source	*sources;
	int			 nsources;
	char			**files;	/* interned file names */
	int			 nfiles;
	int			 files_cap;
	int			*files_index;	/* name hash -> file, -1 free */
	size_t			 files_mask;
	struct rule		*rules;
	int			 nrules;
	int			 rules_cap;
	int			*index;		/* name hash -> rule, -1 free */
	size_t			 index_mask;
	int			*order;		/* metas in evaluation order */
	int			 norder;
	struct slot		*slots;		/* grown as fields appear */
	int			 nslots;
	int			 slots_cap;

	pcre2_compile_context	*cctx;
	pcre2_match_context	*mctx;		/* the limits; each run
						   matches under a copy */

	pcre2_code		**prebuilt;	/* builtin_regexes' codes,
						   each decoded when first
						   run (NULL until then) */
	unsigned char		*prebuilt_taken; /* given to a rule */
	int			 nprebuilt;
	int			 prebuilt_next;	/* where to look first */
	int			 prebuilt_tried;
	int			 from_table;	/* the built-in rules came from
						   the build's table (builtin.h) */
	int			 index_whole;	/* index holds the table's names
						   before their rules are in */

	struct rules_cache	*cache;		/* the user's patterns, compiled
						   (cache.h), or NULL */
	int			 cache_dirty;	/* to be written after compiling */
	int			 cache_wanted;	/* rules_use_cache */
	struct rules_snap	*snap;		/* files read, and the set
						   when loaded whole
						   (snapshot.c), or NULL */

	int			 check_prefilter; /* match anyway, abort
						   when it was wrong */
	struct rule_state	*kept;		/* the last run's, for
						   rules_result; NULL: none */
	int			 keep;		/* rules_keep_results */
	int			 compiled;
	int			 result;	/* of the compile */
	long			 usec;
	int			 usable;
};

/*
 * PCRE2 options every pattern is compiled with, besides its flags: UTF-8
 * that may be invalid, and a callout before every item, where run.c
 * counts the work of a match and can stop it.
 */
#define RULES_COMPILE_OPTIONS	(PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | \
	PCRE2_AUTO_CALLOUT)

/* --- ruleset.c: the set and its names ------------------------------------ */

/* Index of the rule named name, or -1. */
int	 ruleset_find(const struct ruleset *, const char *name);

/*
 * The rule named name, created empty (score 1.0) if new; NULL out of
 * memory or past RULES_MAX. A name from the build-time tables is kept,
 * not copied.
 */
struct rule *ruleset_get(struct ruleset *, const char *name);
/* A new rule at the end of the set, not put in the name index: for the
 * build's table, whose index comes whole (builtin_name_index). NULL out
 * of memory, or past RULES_MAX. */
struct rule *ruleset_append(struct ruleset *, const char *name);
/* Index every rule of the set again, from nothing (after a table's
 * index image was left with rules missing). */
void	 ruleset_reindex(struct ruleset *);
/* The hash of a rule name the index uses (for the build's index image). */
size_t	 ruleset_name_hash(const char *name);

/* The one copy of a file name all rules from that file point to; NULL
 * out of memory. */
const char *ruleset_file(struct ruleset *, const char *name);

/* Free a string of a rule, unless it lies in the build-time tables. */
void	 ruleset_free_string(char *);

/* Free what a branch holds and zero it. */
void	 ruleset_clear_branch(struct branch *);

/*
 * Free a rule's definition (pattern, branches, field, eval, meta program)
 * and make it RULE_NONE; its name, description and score stay.
 */
void	 ruleset_clear_rule(struct rule *);

/* A monotonic clock in microseconds (0 if there is none). */
long	 ruleset_now_usec(void);
/* The processor time this thread has used, in microseconds (0 if the
 * clock cannot be read). */
long	 ruleset_cpu_usec(void);

/* --- parse.c: rule files ------------------------------------------------- */

/*
 * Parse rule text under a file name for errors; each good line defines or
 * changes a rule at once (patterns compiled, so a broken redefinition
 * keeps the earlier rule). Returns the number of errors, each written to
 * errors (may be NULL) as "file:line: message\n".
 */
int	 parse_text(struct ruleset *, const char *name, const char *text,
	    size_t len, struct buf *errors);

/* A rule file, or a directory whose *.cf files are read in name order;
 * the number of errors, as parse_text. */
int	 parse_path(struct ruleset *, const char *path, struct buf *errors);

/* --- expr.c: meta expressions -------------------------------------------- */

/*
 * Compile a meta expression into r's program (r->ops, r->nops), rule
 * names kept as names. 0, or -1 with the error (at file:line) in errors.
 */
int	 expr_parse(const char *file, int line, struct buf *errors,
	    const char *text, struct rule *r);

/*
 * Resolve every meta's names to rule indices and order the metas so each
 * comes after the metas it uses (rs->order). A meta naming an unknown
 * rule, itself, a cycle, or nested deeper than RULES_META_DEPTH is marked
 * broken with an error. The number of errors, or -1 out of memory.
 */
int	 expr_order(struct ruleset *, struct buf *errors);

/*
 * A meta's value over the lo and hi of the rules it uses in this run
 * (st, indexed as the set's rules): 0 or 1 when they decide it, -1 when
 * rules a limit left open could make it either. (Each value is carried
 * as the range it may take; + and the comparisons work on ranges.)
 */
int	 expr_eval(const struct rule_state *st, const struct rule *);

/* --- compile.c: patterns and the build-time table ------------------------ */

/*
 * Compile r's pattern (r->whole.pattern, r->options) with its prefilter
 * literals and its top-level branches, or take the build-time code for
 * the same text. 0, or -1 with the PCRE2 error at r's file:line.
 */
int	 compile_pattern(struct ruleset *, struct rule *, struct buf *errors);

/* Make room for the build-time codes in rs->prebuilt, once (none when
 * the run-time PCRE2 cannot read them); each is decoded when first run. */
void	 compile_prebuilt(struct ruleset *);

/*
 * The code to match b with: its own, or the build's, decoded now if it
 * was not yet (the set is otherwise read only while it runs: threads
 * decoding the same code at once keep one of them). NULL only when
 * memory ran out: a match with it fails as an error, never as a match.
 */
const pcre2_code *rules_code(const struct ruleset *, const struct branch *);


#endif
