/*
 * builtin.h - the shipped rules as the build leaves them in the program.
 *
 * Two generated files: src/rules/builtin_rules.c (tools/rules2c.sh) holds
 * the text of the rules/ files; src/rules/builtin_regex.c (tools/regexblob)
 * holds what parsing and compiling that text gives: every rule's
 * definition, field by field, and its patterns in PCRE2's serialised
 * form with their prefilter literals. compile.c loads the second into an
 * empty set without parsing or compiling anything, and falls back to the
 * text when the PCRE2 found at run time cannot read the patterns. The
 * library links an empty second table (builtin_regex_none.c); the program
 * and tests/unit-builtin link the generated one, and that test checks the
 * two ways give the same rules.
 */
#ifndef BS_BUILTIN_H
#define BS_BUILTIN_H

#include <stddef.h>
#include <stdint.h>

#include "rules/ruleset.h"

/* The text of each shipped rule file, by base name; NULL-ended. */
struct builtin_rule_file {
	const char	*name;
	const char	*text;
};
extern const struct builtin_rule_file builtin_rule_files[];

/*
 * Every string of the tables, NUL-terminated, one after another: offsets
 * rather than pointers leave the loader nothing to relocate, and a rule's
 * string inside this array is never freed.
 */
#define BUILTIN_NONE	0xffffffffu
extern const char builtin_strings[];
extern const size_t builtin_strings_len;

/* A pattern: the whole one of a rule, or one of its branches. */
struct builtin_regex {
	uint32_t	 pattern;	/* offsets into builtin_strings */
	uint32_t	 options;	/* the rule's flags */
	uint32_t	 literals;	/* prefilter_literals' set, or BUILTIN_NONE */
	uint32_t	 leads;		/* leads_of's set, or BUILTIN_NONE: none */
	uint32_t	 blob;		/* its code in builtin_regex_blob: */
	uint32_t	 blob_len;	/* offset (a multiple of 8) and length */
};
extern const struct builtin_regex builtin_regexes[];
extern const int builtin_regex_count;
/* The codes of builtin_regexes, each serialised alone
 * (pcre2_serialize_encode of one code), so that one can be decoded
 * without the others. */
extern const unsigned char builtin_regex_blob[];
extern const size_t builtin_regex_blob_len;

/* One step of a meta's program (struct op), with the index in
 * builtin_rules of the rule it names, as the build resolved it. */
struct builtin_op {
	enum op_code	 code;
	double		 num;
	uint32_t	 name;		/* a rule's, or BUILTIN_NONE */
	int		 rule;		/* its index, or -1 */
};
extern const struct builtin_op builtin_ops[];

/* The metas of builtin_rules in the order the build's expr_order gave
 * them: a set that is the table alone needs no ordering of its own. */
extern const int builtin_meta_order[];
extern const int builtin_meta_norder;

/* The name index of a set holding builtin_rules alone (struct ruleset's
 * index, linear probing by ruleset_name_hash), builtin_name_index_len
 * slots: the smallest power of two from 256 up with room for four times
 * the rules, as compile.c's make_room sizes it. */
extern const int builtin_name_index[];
extern const int builtin_name_index_len;

/* One rule, as struct rule holds it; strings are offsets. */
struct builtin_rule {
	uint32_t	 name;
	enum rule_type	 type;
	uint32_t	 file;
	int		 line;
	uint32_t	 field;
	enum field_mod	 mod;
	int		 negate;
	uint32_t	 unset;
	int		 regex;		/* whole pattern in builtin_regexes, or -1 */
	int		 branch;	/* its first branch there, or -1 */
	int		 nbranch;
	uint32_t	 eval;		/* the function's name */
	uint32_t	 arg;
	int		 ops;		/* first in builtin_ops, or -1 */
	int		 nops;
	int		 level;		/* a meta's, as expr_order set it */
	uint32_t	 describe;
	double		 score;
	int		 score_set;
	uint32_t	 score_file;
	int		 score_line;
};
extern const struct builtin_rule builtin_rules[];
extern const int builtin_rule_count;

/* The string at off in builtin_strings, or NULL (BUILTIN_NONE, or past
 * the end). */
static inline const char *
builtin_string(uint32_t off)
{
	return off == BUILTIN_NONE || off >= builtin_strings_len ? NULL :
	    builtin_strings + off;
}

/* Whether p points into builtin_strings (and so must not be freed). */
static inline int
builtin_owns(const char *p)
{
	return p != NULL && builtin_strings_len > 0 && p >= builtin_strings &&
	    p < builtin_strings + builtin_strings_len;
}

#endif
