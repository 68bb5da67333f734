/*
 * tags.c - SpamAssassin's ReplaceTags for one rule file (see tags.h).
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/limits.h"
#include "rules/tags.h"

struct tag {
	char		*name;
	char		*text;		/* as written */
	char		*full;		/* with its tags replaced (tags_ready) */
	size_t		 full_len;
	int		 depth;		/* 1, or 1 + the deepest tag it uses */
	int		 state;		/* 0 new, 1 being replaced, 2 done */
	enum tags_error	 error;		/* why it has no full text */
};

struct tags_rule {
	char		*name;
	int		 line;
	int		 used;
};

struct tags {
	char		 start[RULES_TAG_BRACKET_MAX + 1];
	char		 end[RULES_TAG_BRACKET_MAX + 1];
	int		 ntags;
	struct tag	 tag[RULES_TAGS_MAX];
	int		 sorted[RULES_TAGS_MAX];	/* by name (tags_ready) */
	int		 nrules;
	struct tags_rule rule[RULES_TAG_RULES_MAX];
};

static const char name_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_";

struct tags *
tags_new(void)
{
	struct tags	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->start[0] = '<';
	t->end[0] = '>';
	return t;
}

void
tags_free(struct tags *t)
{
	int	 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->ntags; i++) {
		free(t->tag[i].name);
		free(t->tag[i].text);
		free(t->tag[i].full);
	}
	for (i = 0; i < t->nrules; i++)
		free(t->rule[i].name);
	free(t);
}

enum tags_error
tags_bracket(struct tags *t, int end, const char *text)
{
	size_t	 n = strlen(text);

	if (n == 0 || n > RULES_TAG_BRACKET_MAX)
		return TAGS_BRACKET;
	memcpy(end ? t->end : t->start, text, n + 1);
	return TAGS_OK;
}

enum tags_error
tags_define(struct tags *t, const char *name, const char *text)
{
	char	*n, *v;
	int	 i;

	for (i = 0; i < t->ntags; i++)
		if (strcmp(t->tag[i].name, name) == 0)
			break;
	if (i == RULES_TAGS_MAX)
		return TAGS_TOO_MANY;
	/* both copies made before the table changes */
	if ((v = strdup(text)) == NULL)
		return TAGS_NOMEM;
	if (i < t->ntags) {
		free(t->tag[i].text);
		t->tag[i].text = v;
		return TAGS_OK;
	}
	if ((n = strdup(name)) == NULL) {
		free(v);
		return TAGS_NOMEM;
	}
	t->tag[i].name = n;
	t->tag[i].text = v;
	t->ntags++;
	return TAGS_OK;
}

enum tags_error
tags_name_rule(struct tags *t, const char *rule, int lineno)
{
	int	 i;

	for (i = 0; i < t->nrules; i++)
		if (strcmp(t->rule[i].name, rule) == 0)
			return TAGS_OK;
	if (t->nrules == RULES_TAG_RULES_MAX)
		return TAGS_TOO_MANY;
	if ((t->rule[i].name = strdup(rule)) == NULL)
		return TAGS_NOMEM;
	t->rule[i].line = lineno;
	t->rule[i].used = 0;
	t->nrules++;
	return TAGS_OK;
}

int
tags_wants(struct tags *t, const char *rule)
{
	int	 i;

	for (i = 0; i < t->nrules; i++)
		if (strcmp(t->rule[i].name, rule) == 0) {
			t->rule[i].used = 1;
			return 1;
		}
	return 0;
}

int
tags_unused(const struct tags *t, int k, const char **rule_r, int *line_r)
{
	int	 i;

	for (i = 0; i < t->nrules; i++)
		if (!t->rule[i].used && k-- == 0) {
			*rule_r = t->rule[i].name;
			*line_r = t->rule[i].line;
			return 1;
		}
	return 0;
}

/* The tag named by the n bytes at s, or -1 (tags_ready sorted them). */
static int
find(const struct tags *t, const char *s, size_t n)
{
	int	 lo = 0, hi = t->ntags - 1, mid, c;

	while (lo <= hi) {
		mid = (lo + hi) / 2;
		c = strncmp(t->tag[t->sorted[mid]].name, s, n);
		if (c == 0 && t->tag[t->sorted[mid]].name[n] != '\0')
			c = 1;
		if (c == 0)
			return t->sorted[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* The tag whose bracketed name starts at p, or -1; its end in *next_r. */
static int
tag_at(const struct tags *t, const char *p, const char **next_r)
{
	size_t	 ns = strlen(t->start), ne = strlen(t->end), n;
	int	 i;

	if (strncmp(p, t->start, ns) != 0)
		return -1;
	n = strspn(p + ns, name_chars);
	if (n == 0 || strncmp(p + ns + n, t->end, ne) != 0 ||
	    (i = find(t, p + ns, n)) == -1)
		return -1;
	*next_r = p + ns + n + ne;
	return i;
}

static void resolve(struct tags *, int);

/*
 * s with its tags replaced by their full texts, appended to out; the
 * depth of the deepest tag used in *depth_r. With t writable, a tag not
 * yet replaced is replaced first (tags_ready); a tag being replaced is
 * one that uses itself.
 */
static enum tags_error
replace(struct tags *t, const struct tags *ct, const char *s,
    struct buf *out, int *depth_r)
{
	const char	*p = s, *next;
	int		 i;

	*depth_r = 0;
	while (*p) {
		if ((i = tag_at(ct, p, &next)) == -1) {
			/* not a tag: the text as written ("(?<name>", "<br>") */
			if (out->len >= RULES_EXPANDED_MAX ||
			    buf_appendc(out, *p) == -1)
				return TAGS_TOO_LONG;
			p++;
			continue;
		}
		if (t != NULL) {
			if (t->tag[i].state == 1)
				return TAGS_TOO_DEEP;
			resolve(t, i);
		}
		if (ct->tag[i].error != TAGS_OK)
			return ct->tag[i].error;
		if (out->len + ct->tag[i].full_len > RULES_EXPANDED_MAX ||
		    buf_append(out, ct->tag[i].full, ct->tag[i].full_len) == -1)
			return TAGS_TOO_LONG;
		if (ct->tag[i].depth > *depth_r)
			*depth_r = ct->tag[i].depth;
		p = next;
	}
	return TAGS_OK;
}

/*
 * Replace the tags in tag i's text, each tag once: recursion follows a
 * chain of tags that use tags, at most RULES_TAGS_MAX long (every tag in
 * it is being replaced, so none can come twice).
 */
static void
resolve(struct tags *t, int i)
{
	struct tag	*g = &t->tag[i];
	struct buf	 b;
	int		 depth;

	if (g->state != 0)
		return;
	g->state = 1;
	buf_init(&b, RULES_EXPANDED_MAX + 1);
	g->error = replace(t, t, g->text, &b, &depth);
	g->depth = depth + 1;
	if (g->error == TAGS_OK && g->depth > RULES_TAG_DEPTH)
		g->error = TAGS_TOO_DEEP;
	if (g->error == TAGS_OK) {
		g->full_len = b.len;
		if ((g->full = malloc(b.len + 1)) == NULL)
			g->error = TAGS_NOMEM;
		else {
			memcpy(g->full, b.data ? b.data : "", b.len);
			g->full[b.len] = '\0';
		}
	}
	buf_free(&b);
	g->state = 2;
}

void
tags_ready(struct tags *t)
{
	int	 i, j;

	/* in name order, for find(): insertion, as there are few */
	for (i = 0; i < t->ntags; i++) {
		for (j = i; j > 0 && strcmp(t->tag[t->sorted[j - 1]].name,
		    t->tag[i].name) > 0; j--)
			t->sorted[j] = t->sorted[j - 1];
		t->sorted[j] = i;
	}
	for (i = 0; i < t->ntags; i++)
		resolve(t, i);
}

enum tags_error
tags_replace(const struct tags *t, const char *s, struct buf *out)
{
	enum tags_error	 e;
	int		 depth;

	if ((e = replace(NULL, t, s, out, &depth)) != TAGS_OK)
		return e;
	return buf_appendc(out, '\0') == -1 ? TAGS_TOO_LONG : TAGS_OK;
}
