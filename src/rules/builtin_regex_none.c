/*
 * builtin_regex_none.c - no build-time table (builtin.h): the library's
 * default, used by the unit tests and by tools/regexblob, which writes
 * the real one. The program links the generated src/rules/builtin_regex.c
 * instead, and this object is then never pulled in; a set without the
 * table parses and compiles the built-in rule text at run time.
 */
#include <stddef.h>
#include <stdint.h>

#include "rules/builtin.h"

const char builtin_strings[] = "";
const size_t builtin_strings_len = 0;
const struct builtin_regex builtin_regexes[] = {
	{ .pattern = BUILTIN_NONE, .literals = BUILTIN_NONE,
	  .leads = BUILTIN_NONE } };
const int builtin_regex_count = 0;
const unsigned char builtin_regex_blob[] = { 0 };
const size_t builtin_regex_blob_len = 0;
const struct builtin_op builtin_ops[] = {
	{ .code = OP_RULE, .name = BUILTIN_NONE, .rule = -1 } };
const int builtin_meta_order[] = { -1 };
const int builtin_meta_norder = 0;
const int builtin_name_index[] = { -1 };
const int builtin_name_index_len = 0;
const struct builtin_rule builtin_rules[] = {
	{ .name = BUILTIN_NONE, .file = BUILTIN_NONE, .field = BUILTIN_NONE,
	  .regex = -1, .branch = -1, .unset = BUILTIN_NONE,
	  .eval = BUILTIN_NONE, .arg = BUILTIN_NONE, .ops = -1,
	  .describe = BUILTIN_NONE, .score_file = BUILTIN_NONE } };
const int builtin_rule_count = 0;
