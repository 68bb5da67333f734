/*
 * builtin_regex_none.c - no build-time compiled rules: the library's
 * default, used by the tests; the program links src/builtin_regex.c
 * (generated) instead, and this object is then never pulled in.
 */
#include <stddef.h>
#include <stdint.h>

#include "rules.h"

const struct builtin_regex builtin_regexes[] = { { NULL, 0, NULL } };
const int builtin_regex_count = 0;
const unsigned char builtin_regex_blob[] = { 0 };
const size_t builtin_regex_blob_len = 0;
const struct builtin_rule builtin_rules[] = { { NULL, 0, 0, 0, NULL, 0,
    NULL, -1, NULL, NULL, NULL, NULL, 0, NULL, 0, 0, NULL, 0 } };
const int builtin_rule_count = 0;
