/*
 * builtin_regex_none.c - no build-time compiled rules: the library's
 * default, used by the tests; the program links src/rules/builtin_regex.c
 * (generated) instead, and this object is then never pulled in.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rules/rules.h"

const struct builtin_regex builtin_regexes[] = { { 0, 0, BUILTIN_NONE } };
const int builtin_regex_count = 0;
const unsigned char builtin_regex_blob[] = { 0 };
const size_t builtin_regex_blob_len = 0;
const char builtin_strings[] = "";
const size_t builtin_strings_len = 0;
const struct builtin_op builtin_ops[] = { { 0, 0, BUILTIN_NONE } };
const struct builtin_rule builtin_rules[] = { { BUILTIN_NONE, 0, 0, 0,
    BUILTIN_NONE, 0, BUILTIN_NONE, -1, -1, 0, BUILTIN_NONE, BUILTIN_NONE,
    BUILTIN_NONE, -1, 0, BUILTIN_NONE, 0, 0, BUILTIN_NONE, 0 } };
const int builtin_rule_count = 0;
