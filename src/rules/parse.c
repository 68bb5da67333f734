/*
 * parse.c - read rule files: one directive a line, SpamAssassin's style
 * (the language is in rules.h and backscatter-rules(5)).
 *
 * Each line is parsed into a scratch rule and, when it is good, put in
 * the set under its name, replacing an earlier definition; a bad line is
 * an error at file:line and changes nothing, so a broken redefinition
 * keeps the rule it meant to replace. Patterns are compiled here, line by
 * line, for that reason (compile.c); meta expressions are compiled by
 * expr.c, their names resolved only when every file is read. Lines are
 * bounded (RULES_LINE_MAX), files too (RULES_FILE_MAX). Nothing here
 * matches anything.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/limits.h"
#include "evidence/origin.h"
#include "rules/cache.h"
#include "rules/ruleset.h"
#include "rules/tags.h"

/* Letters, digits and _: 1 to 64 of them. */
static int
valid_word(const char *s)
{
	size_t	 n = strlen(s);

	if (n == 0 || n > 64)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

/* A rule's name: BS_ or __, then letters, digits and _, at most 64. */
static int
valid_name(const char *s)
{
	return strlen(s) >= 3 && valid_word(s) &&
	    (strncmp(s, "BS_", 3) == 0 || strncmp(s, "__", 2) == 0);
}

/* The line at *p up to end: its length in *n_r without the line end (a
 * CR before it too: files edited on Windows read as LF ones); *p moves
 * to the next line. */
static const char *
next_line(const char **p, const char *end, size_t *n_r)
{
	const char	*line = *p, *nl;
	size_t		 n;

	if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
		nl = end;
	n = (size_t)(nl - line);
	if (n > 0 && line[n - 1] == '\r')
		n--;
	*n_r = n;
	*p = nl + 1;
	return line;
}

/* Next word of *sp (space-separated), NUL-terminated in place. */
static char *
word(char **sp)
{
	char	*s = *sp, *w;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0') {
		*sp = s;
		return NULL;
	}
	w = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	if (*s)
		*s++ = '\0';
	*sp = s;
	return w;
}

/* s past blanks (not line ends: a line has none left). */
static char *
skip_space(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* The last unescaped close in [start, end), or NULL. */
static char *
last_delimiter(char *start, const char *end, char close)
{
	char	*p, *found = NULL;

	for (p = start; p < end && *p; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			continue;
		}
		if (*p == close)
			found = p;
	}
	return found;
}

/* The PCRE2 options of the flags from s to the next space; -1 on a flag
 * that is not one (its letter in *bad_r). */
static int
pattern_flags(const char *s, uint32_t *opt_r, char *bad_r)
{
	uint32_t	 opt = 0;

	for (; *s && *s != ' ' && *s != '\t'; s++)
		switch (*s) {
		case 'i': opt |= PCRE2_CASELESS; break;
		case 'm': opt |= PCRE2_MULTILINE; break;
		case 's': opt |= PCRE2_DOTALL; break;
		case 'x': opt |= PCRE2_EXTENDED; break;
		default:
			*bad_r = *s;
			return -1;
		}
	*opt_r = opt;
	return 0;
}

/*
 * A pattern "/re/flags" or "m{re}flags" (any delimiter, bracket pairs
 * closing with their partner) at s, alone on the rest of the line except
 * an "[if-unset: text]" when allow_unset. The pattern text is copied as
 * written: PCRE2 reads "\/" as "/".
 */
static int
parse_pattern(const char *file, int line, struct buf *errors, char *s,
    struct rule *r, int allow_unset)
{
	char		 open, close, bad;
	char		*start, *end, *p, *u;
	size_t		 n;

	s = skip_space(s);
	if (*s == 'm' && s[1] != '\0' && !isalnum((unsigned char)s[1]) &&
	    s[1] != ' ')
		s++;
	open = *s;
	switch (open) {
	case '/': close = '/'; break;
	case '{': close = '}'; break;
	case '(': close = ')'; break;
	case '[': close = ']'; break;
	case '<': close = '>'; break;
	/* not '#': it begins a comment (strip_comment), as in SpamAssassin */
	case '!': case '|': case ',': case '@': close = open; break;
	default:
		buf_error(errors, file, line, "%s: expected /pattern/", r->name);
		return -1;
	}
	start = s + 1;
	/* the closing delimiter is the last one on the line before the
	 * flags (and an if-unset clause): patterns may contain it escaped */
	end = last_delimiter(start, start + strlen(start), close);
	if (allow_unset && end != NULL &&
	    (u = strstr(start, "[if-unset:")) != NULL)
		end = last_delimiter(start, u, close);
	if (end == NULL) {
		buf_error(errors, file, line, "%s: pattern not closed with %c",
		    r->name, close);
		return -1;
	}
	if (pattern_flags(end + 1, &r->options, &bad) == -1) {
		buf_error(errors, file, line, "%s: unknown flag '%c'", r->name,
		    bad);
		return -1;
	}
	for (p = end + 1; *p && *p != ' ' && *p != '\t'; p++)
		;
	p = skip_space(p);
	if (*p != '\0') {
		if (!allow_unset || strncmp(p, "[if-unset:", 10) != 0 ||
		    (n = strlen(p)) < 11 || p[n - 1] != ']') {
			buf_error(errors, file, line, "%s: text after the pattern",
			    r->name);
			return -1;
		}
		p[n - 1] = '\0';
		if ((r->unset = strdup(skip_space(p + 10))) == NULL)
			return -1;
	}
	if ((size_t)(end - start) > RULES_PATTERN_MAX) {
		buf_error(errors, file, line, "%s: pattern too long", r->name);
		return -1;
	}
	if ((r->whole.pattern = strndup(start, (size_t)(end - start))) == NULL)
		return -1;
	return 0;
}

/* The modifier after "Field:" into r->mod; -1 when it is none of them. */
static int
field_modifier(const char *colon, struct rule *r)
{
	if (strcmp(colon, "raw") == 0)
		r->mod = MOD_RAW;
	else if (strcmp(colon, "addr") == 0)
		r->mod = MOD_ADDR;
	else if (strcmp(colon, "name") == 0)
		r->mod = MOD_NAME;
	else
		return -1;
	return 0;
}

/* "Header =~ /re/", "Header !~ /re/", "exists:Header". */
static int
parse_header(const char *file, int line, struct buf *errors, char *s,
    struct rule *r)
{
	char	*field, *op, *colon;

	s = skip_space(s);
	if (strncmp(s, "exists:", 7) == 0) {
		field = s + 7;
		if (*field == '\0' || strpbrk(field, " \t:") != NULL) {
			buf_error(errors, file, line, "%s: exists:Header",
			    r->name);
			return -1;
		}
		if ((r->field = strdup(field)) == NULL)
			return -1;
		r->mod = MOD_EXISTS;
		return 0;
	}
	if ((field = word(&s)) == NULL || (op = word(&s)) == NULL) {
		buf_error(errors, file, line, "%s: expected Header =~ /pattern/",
		    r->name);
		return -1;
	}
	if (strcmp(op, "=~") == 0)
		r->negate = 0;
	else if (strcmp(op, "!~") == 0)
		r->negate = 1;
	else {
		buf_error(errors, file, line, "%s: expected =~ or !~, not %s",
		    r->name, op);
		return -1;
	}
	r->mod = MOD_DECODED;
	if ((colon = strchr(field, ':')) != NULL) {
		*colon++ = '\0';
		if (field_modifier(colon, r) == -1) {
			buf_error(errors, file, line,
			    "%s: unknown modifier :%s (raw, addr, name)",
			    r->name, colon);
			return -1;
		}
	}
	if (*field == '\0') {
		buf_error(errors, file, line, "%s: no header name", r->name);
		return -1;
	}
	if (strcmp(field, "ALL") == 0) {
		if (r->mod != MOD_DECODED && r->mod != MOD_RAW) {
			buf_error(errors, file, line, "%s: ALL takes no :%s",
			    r->name, colon);
			return -1;
		}
		r->mod = MOD_ALL;
	} else if ((r->field = strdup(field)) == NULL)
		return -1;
	return parse_pattern(file, line, errors, s, r, 1);
}

/* The argument between the parentheses, trimmed and unquoted in place. */
static char *
eval_argument(char *arg, size_t *len_r)
{
	size_t	 n;

	arg = skip_space(arg);
	n = strlen(arg);
	while (n > 0 && (arg[n - 1] == ' ' || arg[n - 1] == '\t'))
		arg[--n] = '\0';
	if (n >= 2 && (arg[0] == '\'' || arg[0] == '"') && arg[n - 1] == arg[0]) {
		arg[n - 1] = '\0';
		arg++;
		n -= 2;
	}
	*len_r = n;
	return arg;
}

/* "function()" or "function(arg)", arg optionally quoted. */
static int
parse_eval(const char *file, int line, struct buf *errors, char *s,
    struct rule *r)
{
	char	*open, *close, *arg, *end;
	size_t	 n;

	s = skip_space(s);
	if ((open = strchr(s, '(')) == NULL ||
	    (close = strrchr(s, ')')) == NULL || close < open ||
	    *skip_space(close + 1) != '\0') {
		buf_error(errors, file, line, "%s: expected function(args)",
		    r->name);
		return -1;
	}
	*open = '\0';
	for (end = open; end > s && (end[-1] == ' ' || end[-1] == '\t'); end--)
		end[-1] = '\0';
	if ((r->fn = origin_eval_find(s)) == NULL) {
		buf_error(errors, file, line, "%s: unknown eval function %s",
		    r->name, s);
		return -1;
	}
	*close = '\0';
	arg = eval_argument(open + 1, &n);
	if (r->fn->takes_arg && n == 0) {
		buf_error(errors, file, line, "%s: %s() needs an argument",
		    r->name, r->fn->name);
		return -1;
	}
	if (!r->fn->takes_arg && n > 0) {
		buf_error(errors, file, line, "%s: %s() takes no argument",
		    r->name, r->fn->name);
		return -1;
	}
	if (n > 0) {
		if (r->fn->check != NULL && r->fn->check(arg) == -1) {
			buf_error(errors, file, line, "%s: %s(%s): bad argument",
			    r->name, r->fn->name, arg);
			return -1;
		}
		if ((r->arg = strdup(arg)) == NULL)
			return -1;
	}
	return 0;
}

/* Drop comments: '#' unless escaped as "\#" (SpamAssassin's rule). */
static void
strip_comment(char *s)
{
	char	*p;

	for (p = s; *p; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			continue;
		}
		if (*p == '#') {
			*p = '\0';
			break;
		}
	}
	for (p = s + strlen(s); p > s && isspace((unsigned char)p[-1]); p--)
		p[-1] = '\0';
}

/* The one error for a set that cannot grow: memory, or RULES_MAX. */
static int
nomem(struct buf *errors, const char *file, int lineno)
{
	buf_error(errors, file, lineno, "out of memory or more than %d rules",
	    RULES_MAX);
	return -1;
}

/* "describe NAME text": the text, for reports. */
static int
parse_describe(struct ruleset *rs, const char *file, int lineno,
    const char *name, char *s, struct buf *errors)
{
	struct rule	*r;

	if ((r = ruleset_get(rs, name)) == NULL)
		return nomem(errors, file, lineno);
	ruleset_free_string(r->describe);
	if ((r->describe = strdup(skip_space(s))) == NULL)
		return nomem(errors, file, lineno);
	/* where a rule never defined is named in an error, when no score
	 * line says it (a score line names it then) */
	if (r->score_file == NULL) {
		r->score_file = file;
		r->score_line = lineno;
	}
	return 0;
}

/* "score NAME n [n n n]": the first number is the weight. */
static int
parse_score(struct ruleset *rs, const char *file, int lineno,
    const char *name, char *s, struct buf *errors)
{
	struct rule	*r;
	char		*num = word(&s);
	double		 v, w;
	int		 k, rc = 0;

	/* SpamAssassin allows four scores (per Bayes/net set): the first
	 * is the one without either */
	if (num == NULL || (rc = config_number(num, -1000, 1000, &v)) != 0) {
		buf_error(errors, file, lineno, num != NULL && rc == -2 ?
		    "score %s: out of range, -1000 to 1000" :
		    "score %s: not a number", name);
		return -1;
	}
	for (k = 0; (num = word(&s)) != NULL; k++)
		if (k >= 3 || config_number(num, -1000, 1000, &w) != 0) {
			buf_error(errors, file, lineno,
			    "score %s: one to four numbers", name);
			return -1;
		}
	if ((r = ruleset_get(rs, name)) == NULL)
		return nomem(errors, file, lineno);
	r->score = v;
	r->score_set = 1;
	r->score_file = file;
	r->score_line = lineno;
	return 0;
}

/* The directives that define a rule, by name. */
static const struct {
	const char	*directive;
	enum rule_type	 type;
} definitions[] = {
	{ "header",		RULE_HEADER },
	{ "body",		RULE_BODY },
	{ "orig_header",	RULE_ORIG_HEADER },
	{ "orig_body",		RULE_ORIG_BODY },
	{ "eval",		RULE_EVAL },
	{ "meta",		RULE_META },
};

/*
 * A defining line into a scratch rule; when it is good, it replaces the
 * definition of the rule of that name, keeping its description and score.
 */
static int
parse_definition(struct ruleset *rs, const char *file, int lineno,
    enum rule_type type, char *name, char *s, struct buf *errors)
{
	struct rule	 tmp;
	struct rule	*r;
	int		 rc;

	memset(&tmp, 0, sizeof(tmp));
	tmp.name = name;
	tmp.type = type;
	tmp.file = file;
	tmp.line = lineno;
	switch (type) {
	case RULE_HEADER:
	case RULE_ORIG_HEADER:
		rc = parse_header(file, lineno, errors, s, &tmp);
		break;
	case RULE_BODY:
	case RULE_ORIG_BODY:
		rc = parse_pattern(file, lineno, errors, s, &tmp, 0);
		break;
	case RULE_EVAL:
		rc = parse_eval(file, lineno, errors, s, &tmp);
		break;
	case RULE_META:
		rc = expr_parse(file, lineno, errors, s, &tmp);
		break;
	default:
		rc = -1;
	}
	/* compile now, so a broken redefinition keeps the earlier rule
	 * (a typo in a local file must not switch a shipped rule off) */
	if (rc == 0 && tmp.whole.pattern != NULL &&
	    compile_pattern(rs, &tmp, errors) == -1)
		rc = -1;
	if (rc == -1) {
		tmp.name = NULL;
		ruleset_clear_rule(&tmp);
		return -1;
	}
	if ((r = ruleset_get(rs, name)) == NULL) {
		ruleset_clear_rule(&tmp);
		return nomem(errors, file, lineno);
	}
	ruleset_clear_rule(r);
	tmp.name = r->name;
	tmp.describe = r->describe;
	tmp.score = r->score;
	tmp.score_set = r->score_set;
	tmp.score_file = r->score_file;
	tmp.score_line = r->score_line;
	*r = tmp;
	return 0;
}

/* Bracketed names in replace_rules' definitions: tags.c. One replace_*
 * line of the first pass (dir, then the rest in s): 0, or -1 with the
 * error at file:line. */
static int
tags_line(struct tags *t, const char *file, int lineno, const char *dir,
    char *s, struct buf *errors)
{
	enum tags_error	 e = TAGS_OK;
	char		*w, *v;

	if (strcmp(dir, "replace_start") == 0 ||
	    strcmp(dir, "replace_end") == 0) {
		if ((w = word(&s)) == NULL || word(&s) != NULL ||
		    tags_bracket(t, dir[8] == 'e', w) != TAGS_OK) {
			buf_error(errors, file, lineno, "%s: one word of at "
			    "most %d characters", dir, RULES_TAG_BRACKET_MAX);
			return -1;
		}
		return 0;
	}
	if (strcmp(dir, "replace_tag") == 0) {
		if ((w = word(&s)) == NULL || !valid_word(w) ||
		    *(v = skip_space(s)) == '\0') {
			buf_error(errors, file, lineno, "replace_tag: a name "
			    "(letters, digits, _) and its text");
			return -1;
		}
		e = tags_define(t, w, v);
	} else if (strcmp(dir, "replace_rules") == 0) {
		if ((w = word(&s)) == NULL) {
			buf_error(errors, file, lineno,
			    "replace_rules: no rule named");
			return -1;
		}
		for (; w != NULL && e == TAGS_OK; w = word(&s)) {
			if (!valid_name(w)) {
				buf_error(errors, file, lineno,
				    "replace_rules: %s is not a rule name", w);
				return -1;
			}
			e = tags_name_rule(t, w, lineno);
		}
	} else {
		buf_error(errors, file, lineno, "%s is not supported "
		    "(replace_tag, replace_rules, replace_start and "
		    "replace_end are)", dir);
		return -1;
	}
	if (e == TAGS_TOO_MANY)
		buf_error(errors, file, lineno, "%s: more than %d %s", dir,
		    dir[8] == 't' ? RULES_TAGS_MAX : RULES_TAG_RULES_MAX,
		    dir[8] == 't' ? "tags" : "rules");
	else if (e != TAGS_OK)
		return nomem(errors, file, lineno);
	return e == TAGS_OK ? 0 : -1;
}

/* One line, comments stripped: a directive, a rule name, the rest.
 * 0 (blank lines too), or -1 with the error at file:line. */
static int
parse_line(struct ruleset *rs, const char *file, int lineno, char *s,
    struct tags *t, struct buf *errors)
{
	struct buf	 ex;
	enum tags_error	 e;
	char		*dir, *name;
	size_t		 i;
	int		 rc;

	strip_comment(s);
	if ((dir = word(&s)) == NULL)
		return 0;
	if (strncmp(dir, "replace_", 8) == 0)
		return 0;		/* the first pass read it */
	if ((name = word(&s)) == NULL) {
		buf_error(errors, file, lineno, "%s: missing rule name", dir);
		return -1;
	}
	if (!valid_name(name)) {
		buf_error(errors, file, lineno,
		    "%s: rule names start with BS_ or __ and hold letters, "
		    "digits and _ (at most 64)", name);
		return -1;
	}
	if (strcmp(dir, "describe") == 0)
		return parse_describe(rs, file, lineno, name, s, errors);
	if (strcmp(dir, "score") == 0)
		return parse_score(rs, file, lineno, name, s, errors);
	if (strcmp(dir, "tflags") == 0 || strcmp(dir, "priority") == 0)
		return 0;
	for (i = 0; i < sizeof(definitions) / sizeof(definitions[0]); i++) {
		if (strcmp(dir, definitions[i].directive) != 0)
			continue;
		if (t == NULL || !tags_wants(t, name))
			return parse_definition(rs, file, lineno,
			    definitions[i].type, name, s, errors);
		buf_init(&ex, RULES_EXPANDED_MAX + 1);
		if ((e = tags_replace(t, s, &ex)) != TAGS_OK) {
			buf_free(&ex);
			if (e == TAGS_TOO_LONG)
				buf_error(errors, file, lineno, "%s: longer than "
				    "%u bytes with its tags replaced", name,
				    RULES_EXPANDED_MAX);
			else if (e == TAGS_TOO_DEEP)
				buf_error(errors, file, lineno, "%s: a tag it "
				    "uses nests deeper than %d, or uses itself",
				    name, RULES_TAG_DEPTH);
			else
				return nomem(errors, file, lineno);
			return -1;
		}
		rc = parse_definition(rs, file, lineno, definitions[i].type,
		    name, ex.data, errors);
		buf_free(&ex);
		return rc;
	}
	buf_error(errors, file, lineno, "unknown directive %s", dir);
	return -1;
}

/* The first pass: the file's replace_* lines into a new *t_r (NULL when
 * it has none). The number of errors, or -1 when out of memory. */
static int
tags_read(const char *file, const char *text, size_t len, struct tags **t_r,
    struct buf *errors)
{
	char		 line[RULES_LINE_MAX + 1];
	const char	*p = text, *end = text + len, *l;
	struct tags	*t = NULL;
	char		*s, *dir;
	size_t		 n;
	int		 lineno = 0, nerr = 0;

	*t_r = NULL;
	while (p < end) {
		lineno++;
		l = next_line(&p, end, &n);
		/* the second pass says what is wrong with a long line */
		if (n <= RULES_LINE_MAX && n >= 8 && memchr(l, '\0', n) == NULL &&
		    memmem(l, n, "replace_", 8) != NULL) {
			memcpy(line, l, n);
			line[n] = '\0';
			s = line;
			strip_comment(s);
			if ((dir = word(&s)) != NULL &&
			    strncmp(dir, "replace_", 8) == 0) {
				if (t == NULL && (t = tags_new()) == NULL)
					return nomem(errors, file, lineno);
				if (tags_line(t, file, lineno, dir, s,
				    errors) == -1)
					nerr++;
			}
		}
	}
	if (t != NULL)
		tags_ready(t);
	*t_r = t;
	return nerr;
}

int
parse_text(struct ruleset *rs, const char *name, const char *text,
    size_t len, struct buf *errors)
{
	char		 line[RULES_LINE_MAX + 1];
	const char	*file, *p = text, *end = text + len, *l;
	struct tags	*t;
	const char	*unused;
	size_t		 n;
	int		 lineno = 0, nerr, k, uline;

	if ((file = ruleset_file(rs, name)) == NULL) {
		buf_error(errors, name, 0, "out of memory");
		return 1;
	}
	if ((nerr = tags_read(file, text, len, &t, errors)) == -1)
		return 1;
	while (p < end) {
		lineno++;
		l = next_line(&p, end, &n);
		if (n > RULES_LINE_MAX) {
			buf_error(errors, file, lineno, "line too long");
			nerr++;
		} else if (memchr(l, '\0', n) != NULL) {
			/* an error, not a cut: what follows a NUL would
			 * be dropped without a word */
			buf_error(errors, file, lineno, "NUL byte in line");
			nerr++;
		} else {
			memcpy(line, l, n);
			line[n] = '\0';
			if (parse_line(rs, file, lineno, line, t,
			    errors) == -1)
				nerr++;
		}
	}
	for (k = 0; t != NULL && tags_unused(t, k, &unused, &uline); k++) {
		buf_error(errors, file, uline, "replace_rules: no rule %s in "
		    "this file", unused);
		nerr++;
	}
	tags_free(t);
	return nerr;
}

/* A whole file, read at once under RULES_FILE_MAX; a FIFO or a device
 * is refused before it is read (opened without blocking for a writer).
 * open, fstat, read, close: a rules_dir of 200 files is read on every
 * run, and stdio's own fstat and end-of-file read were 400 calls more. */
static int
parse_file(struct ruleset *rs, const char *path, struct buf *errors)
{
	struct stat	 st;
	char		*text;
	size_t		 n = 0;
	ssize_t		 r;
	int		 fd, nerr;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC)) == -1) {
		buf_error(errors, path, 0, "%s", strerror(errno));
		return 1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > (off_t)RULES_FILE_MAX) {
		buf_error(errors, path, 0, "not a regular file or too large");
		close(fd);
		return 1;
	}
	rules_snapshot_note(rs, path, &st);
	if ((text = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		buf_error(errors, path, 0, "out of memory");
		return 1;
	}
	/* what the file holds now, up to the size it had: a file growing
	 * meanwhile is read as it was */
	while (n < (size_t)st.st_size) {
		r = read(fd, text + n, (size_t)st.st_size - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			buf_error(errors, path, 0, "read error");
			close(fd);
			free(text);
			return 1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	nerr = parse_text(rs, path, text, n, errors);
	free(text);
	return nerr;
}

/* The rule files of a directory: *.cf, no dot files (editors' copies). */
static int
cf_filter(const struct dirent *d)
{
	size_t	 n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 3 &&
	    strcmp(d->d_name + n - 3, ".cf") == 0;
}

int
parse_path(struct ruleset *rs, const char *path, struct buf *errors)
{
	struct dirent	**list;
	struct stat	 st;
	char		 full[4096];
	int		 n, i, nerr = 0, len;

	if (stat(path, &st) == -1) {
		buf_error(errors, path, 0, "%s", strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return parse_file(rs, path, errors);
	rules_snapshot_note(rs, path, &st);
	/* name order, as the shipped files are numbered: a later file
	 * overrides an earlier one by rule name */
	if ((n = scandir(path, &list, cf_filter, alphasort)) == -1) {
		buf_error(errors, path, 0, "%s", strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		len = snprintf(full, sizeof(full), "%s/%s", path,
		    list[i]->d_name);
		if (len < 0 || (size_t)len >= sizeof(full)) {
			buf_error(errors, path, 0, "path too long");
			nerr++;
		} else
			nerr += parse_file(rs, full, errors);
		free(list[i]);
	}
	free(list);
	return nerr;
}
