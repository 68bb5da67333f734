/*
 * tags.h - SpamAssassin's ReplaceTags for one rule file (parse.c reads
 * the directives, this keeps the tags and replaces them).
 *
 * "replace_tag NAME text" names a piece of pattern; "replace_rules
 * RULE..." lists the rules whose definitions have "<NAME>" replaced by
 * it; replace_start and replace_end change the brackets. A tag's text may
 * use other tags. Each tag is replaced once, when the file's tags are all
 * known (tags_ready), so a definition costs one pass however its tags
 * nest or repeat: a rule file cannot make the parser's work grow past
 * RULES_TAGS_MAX times RULES_EXPANDED_MAX bytes of copying.
 */
#ifndef BS_TAGS_H
#define BS_TAGS_H

#include <stddef.h>

#include "base/limits.h"

struct buf;
struct tags;

/* What went wrong, for the caller's words. */
enum tags_error {
	TAGS_OK,
	TAGS_NOMEM,
	TAGS_TOO_MANY,		/* RULES_TAGS_MAX, RULES_TAG_RULES_MAX */
	TAGS_BRACKET,		/* empty, or past RULES_TAG_BRACKET_MAX */
	TAGS_TOO_LONG,		/* past RULES_EXPANDED_MAX */
	TAGS_TOO_DEEP		/* past RULES_TAG_DEPTH, or a tag using itself */
};


struct tags	*tags_new(void);
void		 tags_free(struct tags *);

/* replace_start (end 0) or replace_end (end 1). */
enum tags_error	 tags_bracket(struct tags *, int end, const char *text);
/* replace_tag: a later definition of a name replaces the earlier one. */
enum tags_error	 tags_define(struct tags *, const char *name,
		    const char *text);
/* replace_rules: one rule, named on line lineno. */
enum tags_error	 tags_name_rule(struct tags *, const char *rule, int lineno);

/* Replace every tag in every tag's text: once, after the first pass. */
void		 tags_ready(struct tags *);

/* Is rule named by replace_rules? When it is, mark it defined. */
int		 tags_wants(struct tags *, const char *rule);
/* s with its tags replaced, appended to out (NUL-ended). */
enum tags_error	 tags_replace(const struct tags *, const char *s,
		    struct buf *out);
/* The k-th rule named by replace_rules that no definition used, with its
 * line; 0 when there are no more. */
int		 tags_unused(const struct tags *, int k, const char **rule_r,
		    int *line_r);

#endif
