/*
 * builtin_write.h - write a compiled rule set as C source: the tables of
 * src/rules/builtin.h, for tools/regexblob.
 */
#ifndef BS_BUILTIN_WRITE_H
#define BS_BUILTIN_WRITE_H

#include <stdio.h>

struct ruleset;

/*
 * Write every rule of a compiled set, with its patterns serialised, as
 * the C source of src/rules/builtin_regex.c. 0, or -1 (a rule is broken,
 * no pattern at all, out of memory, a write error).
 */
int	 builtin_write(const struct ruleset *, FILE *);

#endif
