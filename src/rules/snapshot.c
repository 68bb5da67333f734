/*
 * snapshot.c - the whole compiled rule set kept on disk (see cache.h).
 *
 * With 200 rule files, the pattern cache (cache.c) still left 3.4 million
 * instructions a message in building the set: reading and parsing every
 * file, looking names up, ordering metas, copying cached codes. The
 * snapshot is that set as rules_compile leaves it before the
 * configuration's score lines, written once: every rule with its strings
 * as offsets into one string area, its branches and meta program as
 * indices into shared arrays, the name index, the meta order, the header
 * slots, and every pattern's code (the built-in ones too) in one PCRE2
 * serialised blob. Loading it is a stat of each rule file and folder,
 * one mapping of the file, a checksum, a pass that checks every offset
 * and index, one pcre2_serialize_decode and a copy of the strings (all
 * that is kept of the mapping, which another process may cut short:
 * everything that reads it runs under base/guard.h).
 *
 * The file: the head of cache.c's files (magic, this program's identity,
 * the payload's length and checksum), then the payload: struct snap_meta,
 * the sources' fingerprint, the dependencies, rules, branches, ops, file
 * names, name index, meta order, slots, strings and codes, each section
 * a multiple of 8 bytes. It is used only when ours, of this program and
 * whole (as the pattern cache), and when every dependency's identity is
 * what it was: anything else and the set is built as before.
 */
#include "bsconfig.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/guard.h"
#include "base/heap.h"
#include "base/limits.h"
#include "evidence/origin.h"
#include "rules/builtin.h"
#include "rules/cache.h"
#include "rules/prefilter.h"
#include "rules/rules.h"
#include "rules/ruleset.h"

#define SNAP_MAGIC	"BSRSET\001\0"
#define SNAP_NONE	0xffffffffu
/* A code that is the build's: builtin_regexes[code & ~SNAP_BUILTIN],
 * decoded from the program itself, not kept in the file. */
#define SNAP_BUILTIN	0x80000000u
/* PCRE2 serialises only codes of one character table together, and a
 * set holds up to three: the build's, the pattern cache's, and those
 * compiled now. One blob for each. */
#define SNAP_GROUPS	8

struct snap_meta {
	uint64_t	 sources;	/* fingerprint of the sources */
	uint32_t	 ndeps, nrules, nbranch, nops;
	uint32_t	 nfiles, nindex, norder, nslots;
	uint32_t	 ncodes, ngroups;	/* codes; blobs they lie in */
	uint64_t	 strings_len;
	uint64_t	 blob_len;	/* of the codes' section */
};

/* A rule file or folder read, as it was. */
struct snap_dep {
	uint32_t	 path;		/* string offset */
	uint32_t	 pad;
	uint64_t	 dev, ino, size, mode;
	int64_t		 mtime, mtime_ns, ctime, ctime_ns;
};

struct snap_rule {
	uint32_t	 name, file, field, unset, pattern, lits, arg, eval;
	uint32_t	 describe, score_file, options, code;
	uint32_t	 br, ops;	/* first in the shared arrays */
	int32_t		 type, mod, negate, line, slot, nbr, nops, level;
	int32_t		 score_set, score_line, broken, pad;
	double		 score;
};

struct snap_branch {
	uint32_t	 pattern, lits, code, pad;
};

struct snap_op {
	int32_t		 code, rule;
	uint32_t	 name, pad;
	double		 num;
};

struct snap_slot {
	int32_t		 orig, mod;
	uint32_t	 field, pad;
};

struct rules_snap {
	struct snap_dep	*deps;		/* noted while parsing */
	struct buf	 dep_paths;
	int		 ndeps, deps_cap;

	char		*data;		/* the payload, when loaded */
	struct branch	*br;
	struct op	*ops;
	pcre2_code	**codes;
	uint32_t	 ncodes;
	/* decode_codes' room while it runs: a fault in it (a file cut
	 * meanwhile) leaves it to unload */
	pcre2_code	**decoding;
};

static struct rules_snap *
snap_of(struct ruleset *rs)
{
	if (rs->snap == NULL && (rs->snap = calloc(1, sizeof(*rs->snap))) !=
	    NULL)
		buf_init(&rs->snap->dep_paths, CACHE_MAX);
	return rs->snap;
}

void
rules_snapshot_note(struct ruleset *rs, const char *path,
    const struct stat *st)
{
	struct rules_snap	*s;
	struct snap_dep		*d;
	int			 cap;

	if (!rs->cache_wanted || (s = snap_of(rs)) == NULL ||
	    s->ndeps < 0)
		return;
	if (s->ndeps == s->deps_cap) {
		cap = s->deps_cap ? s->deps_cap * 2 : 64;
		if ((d = realloc(s->deps, (size_t)cap * sizeof(*d))) == NULL) {
			s->ndeps = -1;	/* unknown: no snapshot */
			return;
		}
		s->deps = d;
		s->deps_cap = cap;
	}
	d = &s->deps[s->ndeps];
	memset(d, 0, sizeof(*d));
	d->path = (uint32_t)s->dep_paths.len;
	if (s->dep_paths.len >= SNAP_NONE ||
	    buf_append(&s->dep_paths, path, strlen(path) + 1) == -1) {
		s->ndeps = -1;
		return;
	}
	d->dev = (uint64_t)st->st_dev;
	d->ino = (uint64_t)st->st_ino;
	d->size = (uint64_t)st->st_size;
	d->mode = (uint64_t)st->st_mode;
	d->mtime = (int64_t)st->st_mtim.tv_sec;
	d->mtime_ns = (int64_t)st->st_mtim.tv_nsec;
	d->ctime = (int64_t)st->st_ctim.tv_sec;
	d->ctime_ns = (int64_t)st->st_ctim.tv_nsec;
	s->ndeps++;
}

/* Every source's type, name and text. */
static uint64_t
sources_print(const struct ruleset *rs)
{
	uint64_t	 h = 0x736e6170u;
	int		 i;

	for (i = 0; i < rs->nsources; i++) {
		h = rules_cache_checksum(&rs->sources[i].type,
		    sizeof(rs->sources[i].type), h);
		if (rs->sources[i].name != NULL)
			h = rules_cache_checksum(rs->sources[i].name,
			    strlen(rs->sources[i].name) + 1, h);
		if (rs->sources[i].text != NULL)
			h = rules_cache_checksum(rs->sources[i].text,
			    strlen(rs->sources[i].text) + 1, h);
		h = rules_cache_checksum("|", 1, h);
	}
	return h;
}

static int
snap_path(const struct ruleset *rs, char *out, size_t n)
{
	size_t	 k;

	if (rules_cache_path(rs, out, n) == -1 || (k = strlen(out)) + 5 > n)
		return -1;
	memcpy(out + k, ".set", 5);
	return 0;
}

/* --- writing -------------------------------------------------------------- */

struct writer {
	struct buf	 strs;
	pcre2_code	**codes;
	uint8_t		*group;		/* of each code */
	uint32_t	 ncodes, maxcodes;
	uint8_t		*bused;		/* builtin_regexes referred to */
	const pcre2_code *rep[SNAP_GROUPS];	/* a code of each group */
	uint32_t	 ngroups;
	int		 failed;
};

/* The group of codes re can be serialised with. */
static int
w_group(struct writer *w, pcre2_code *re)
{
	const pcre2_code	*two[2];
	uint8_t			*blob;
	PCRE2_SIZE		 n;
	uint32_t		 g;

	two[1] = re;
	for (g = 0; g < w->ngroups; g++) {
		two[0] = w->rep[g];
		if (pcre2_serialize_encode(two, 2, &blob, &n, NULL) >= 0) {
			pcre2_serialize_free(blob);
			return (int)g;
		}
	}
	if (w->ngroups == SNAP_GROUPS)
		return -1;
	w->rep[w->ngroups] = re;
	return (int)w->ngroups++;
}

static uint32_t
w_string(struct writer *w, const char *str)
{
	uint32_t	 off;
	size_t		 n;

	if (str == NULL)
		return SNAP_NONE;
	if (builtin_owns(str))
		return SNAP_BUILTIN | (uint32_t)(str - builtin_strings);
	off = (uint32_t)w->strs.len;
	n = strlen(str) + 1;
	if (w->strs.len >= SNAP_NONE / 2 ||
	    buf_append(&w->strs, str, n) == -1)
		w->failed = 1;
	return off;
}

/* A literal set: strings ended by an empty one. */
static uint32_t
w_lits(struct writer *w, const char *lits)
{
	const char	*p = lits;
	uint32_t	 off;

	if (lits == NULL)
		return SNAP_NONE;
	if (builtin_owns(lits))
		return SNAP_BUILTIN | (uint32_t)(lits - builtin_strings);
	while (*p != '\0')
		p += strlen(p) + 1;
	off = (uint32_t)w->strs.len;
	if (w->strs.len >= SNAP_NONE / 2 ||
	    buf_append(&w->strs, lits, (size_t)(p - lits) + 1) == -1)
		w->failed = 1;
	return off;
}

/* The build's code of the same pattern and flags, not yet referred to:
 * SNAP_BUILTIN and its index, or SNAP_NONE. */
static uint32_t
w_builtin(struct writer *w, const char *pattern, uint32_t options)
{
	uint32_t	 off;
	int		 i;

	if (!builtin_owns(pattern) || w->bused == NULL)
		return SNAP_NONE;
	off = (uint32_t)(pattern - builtin_strings);
	for (i = 0; i < builtin_regex_count; i++)
		if (!w->bused[i] && builtin_regexes[i].pattern == off &&
		    builtin_regexes[i].options == options) {
			w->bused[i] = 1;
			return SNAP_BUILTIN | (uint32_t)i;
		}
	return SNAP_NONE;
}

static uint32_t
w_code(struct writer *w, const struct branch *br, uint32_t options)
{
	pcre2_code	*re = br->re;
	uint32_t	 b;
	int		 g;

	/* the build's code given to it, not yet decoded: by its index, the
	 * pattern's text being the table's or a rule file's copy of it */
	if (br->lazy > 0 && br->lazy <= builtin_regex_count) {
		if (w->bused != NULL)
			w->bused[br->lazy - 1] = 1;
		return SNAP_BUILTIN | (uint32_t)(br->lazy - 1);
	}
	if ((b = w_builtin(w, br->pattern, options)) != SNAP_NONE)
		return b;
	if (re == NULL)
		return SNAP_NONE;
	if (w->ncodes == w->maxcodes || (g = w_group(w, re)) == -1) {
		w->failed = 1;
		return SNAP_NONE;
	}
	w->codes[w->ncodes] = re;
	w->group[w->ncodes] = (uint8_t)g;
	return w->ncodes++;
}

/* The index of an interned file name, or SNAP_NONE. */
static uint32_t
w_file(struct writer *w, const struct ruleset *rs, const char *f)
{
	int	 i;

	if (f == NULL)
		return SNAP_NONE;
	for (i = rs->nfiles - 1; i >= 0; i--)
		if (rs->files[i] == f)
			return (uint32_t)i;
	w->failed = 1;
	return SNAP_NONE;
}

/* One rule, its branches and ops appended to their sections. */
static void
w_rule(struct writer *w, const struct ruleset *rs, const struct rule *r,
    struct buf *rules, struct buf *brs, struct buf *ops)
{
	struct snap_rule	 x;
	struct snap_branch	 b;
	struct snap_op		 o;
	int			 k;

	memset(&x, 0, sizeof(x));
	x.name = w_string(w, r->name);
	x.file = w_file(w, rs, r->file);
	x.field = w_string(w, r->field);
	x.unset = w_string(w, r->unset);
	x.pattern = w_string(w, r->whole.pattern);
	x.lits = w_lits(w, r->whole.lits);
	x.code = w_code(w, &r->whole, r->options);
	x.arg = w_string(w, r->arg);
	x.eval = w_string(w, r->fn != NULL ? r->fn->name : NULL);
	x.describe = w_string(w, r->describe);
	x.score_file = w_file(w, rs, r->score_file);
	x.options = r->options;
	x.br = (uint32_t)(brs->len / sizeof(b));
	x.ops = (uint32_t)(ops->len / sizeof(o));
	x.type = (int32_t)r->type;
	x.mod = (int32_t)r->mod;
	x.negate = r->negate;
	x.line = r->line;
	x.slot = r->slot;
	x.nbr = r->nbr;
	x.nops = r->nops;
	x.level = r->level;
	x.score_set = r->score_set;
	x.score_line = r->score_line;
	x.broken = r->broken;
	x.score = r->score;
	for (k = 0; k < r->nbr; k++) {
		memset(&b, 0, sizeof(b));
		b.pattern = w_string(w, r->br[k].pattern);
		b.lits = w_lits(w, r->br[k].lits);
		b.code = w_code(w, &r->br[k], r->options);
		if (buf_append(brs, &b, sizeof(b)) == -1)
			w->failed = 1;
	}
	for (k = 0; k < r->nops; k++) {
		memset(&o, 0, sizeof(o));
		o.code = (int32_t)r->ops[k].code;
		o.rule = r->ops[k].rule;
		o.num = r->ops[k].num;
		o.name = w_string(w, r->ops[k].name);
		if (buf_append(ops, &o, sizeof(o)) == -1)
			w->failed = 1;
	}
	if (buf_append(rules, &x, sizeof(x)) == -1)
		w->failed = 1;
}

/* Has any source changed too recently to be told from a later change? */
static int
unsettled(const struct rules_snap *s)
{
	struct timespec	 now;
	int		 i;

	if (clock_gettime(CLOCK_REALTIME, &now) == -1)
		return 1;
	for (i = 0; i < s->ndeps; i++)
		if (s->deps[i].mtime > (int64_t)now.tv_sec -
		    RULES_SNAPSHOT_SETTLE || s->deps[i].ctime >
		    (int64_t)now.tv_sec - RULES_SNAPSHOT_SETTLE)
			return 1;
	return 0;
}

/* The sections after the rules: deps, file names, index, order, slots. */
static void
w_tables(struct writer *w, const struct ruleset *rs, struct buf *out)
{
	const struct rules_snap	*s = rs->snap;
	struct snap_dep		 d;
	struct snap_slot	 sl;
	uint32_t		 off;
	int32_t			 v;
	int			 i;

	for (i = 0; i < s->ndeps; i++) {
		d = s->deps[i];
		d.path = w_string(w, s->dep_paths.data + s->deps[i].path);
		if (buf_append(out, &d, sizeof(d)) == -1)
			w->failed = 1;
	}
	for (i = 0; i < rs->nfiles; i++) {
		off = w_string(w, rs->files[i]);
		if (buf_append(out, &off, sizeof(off)) == -1)
			w->failed = 1;
	}
	for (i = 0; i <= (int)rs->index_mask; i++) {
		v = rs->index[i];
		if (buf_append(out, &v, sizeof(v)) == -1)
			w->failed = 1;
	}
	for (i = 0; i < rs->norder; i++) {
		v = rs->order[i];
		if (buf_append(out, &v, sizeof(v)) == -1)
			w->failed = 1;
	}
	for (i = 0; i < rs->nslots; i++) {
		memset(&sl, 0, sizeof(sl));
		sl.orig = rs->slots[i].orig;
		sl.mod = (int32_t)rs->slots[i].mod;
		sl.field = w_string(w, rs->slots[i].field);
		if (buf_append(out, &sl, sizeof(sl)) == -1)
			w->failed = 1;
	}
}

static int
pad8(struct buf *b)
{
	while (b->len % 8 != 0)
		if (buf_appendc(b, '\0') == -1)
			return -1;
	return 0;
}

/* The codes' section: each code's group, then a blob a group (its
 * length first), each part a multiple of 8 bytes. */
static int
w_codes(struct writer *w, struct buf *out)
{
	const pcre2_code	**grp;
	uint8_t			*blob;
	PCRE2_SIZE		 n;
	uint64_t		 len;
	uint32_t		 g, i, k;
	int			 rc = 0;

	if (buf_append(out, w->group, w->ncodes) == -1 || pad8(out) == -1 ||
	    (grp = calloc(w->ncodes + 1, sizeof(*grp))) == NULL)
		return -1;
	for (g = 0; g < w->ngroups && rc == 0; g++) {
		for (i = k = 0; i < w->ncodes; i++)
			if (w->group[i] == g)
				grp[k++] = w->codes[i];
		if (pcre2_serialize_encode(grp, (int32_t)k, &blob, &n,
		    NULL) < 0) {
			rc = -1;
			break;
		}
		len = n;
		if (buf_append(out, &len, sizeof(len)) == -1 ||
		    buf_append(out, blob, n) == -1 || pad8(out) == -1)
			rc = -1;
		pcre2_serialize_free(blob);
	}
	free(grp);
	return rc;
}

void
rules_snapshot_save(struct ruleset *rs)
{
	struct rules_snap	*s = rs->snap;
	struct writer		 w;
	struct snap_meta	 m;
	struct buf		 rules, brs, ops, tables, codes, payload;
	char			 path[PATH_MAX];
	int			 i;

	if (!rs->cache_wanted || s == NULL || s->ndeps <= 0 ||
	    rs->index == NULL || unsettled(s) ||
	    snap_path(rs, path, sizeof(path)) == -1)
		return;
	memset(&w, 0, sizeof(w));
	buf_init(&w.strs, CACHE_MAX);
	buf_init(&rules, CACHE_MAX);
	buf_init(&brs, CACHE_MAX);
	buf_init(&ops, CACHE_MAX);
	buf_init(&tables, CACHE_MAX);
	buf_init(&codes, CACHE_MAX);
	buf_init(&payload, CACHE_MAX);
	for (i = 0; i < rs->nrules; i++)
		w.maxcodes += 1 + (uint32_t)rs->rules[i].nbr;
	if ((w.codes = calloc(w.maxcodes + 1, sizeof(*w.codes))) == NULL ||
	    (w.group = calloc(w.maxcodes + 1, 1)) == NULL ||
	    (w.bused = calloc((size_t)builtin_regex_count + 1, 1)) == NULL)
		goto out;
	for (i = 0; i < rs->nrules && !w.failed; i++)
		w_rule(&w, rs, &rs->rules[i], &rules, &brs, &ops);
	w_tables(&w, rs, &tables);
	/* two NULs end the strings: every string and literal set read
	 * from any offset inside them ends inside them */
	if (w.failed || w.ncodes == 0 || buf_append(&w.strs, "\0", 2) == -1 ||
	    pad8(&w.strs) == -1 || pad8(&tables) == -1 ||
	    w_codes(&w, &codes) == -1)
		goto out;
	memset(&m, 0, sizeof(m));
	m.sources = sources_print(rs);
	m.ndeps = (uint32_t)s->ndeps;
	m.nrules = (uint32_t)rs->nrules;
	m.nbranch = (uint32_t)(brs.len / sizeof(struct snap_branch));
	m.nops = (uint32_t)(ops.len / sizeof(struct snap_op));
	m.nfiles = (uint32_t)rs->nfiles;
	m.nindex = (uint32_t)rs->index_mask + 1;
	m.norder = (uint32_t)rs->norder;
	m.nslots = (uint32_t)rs->nslots;
	m.ncodes = w.ncodes;
	m.ngroups = w.ngroups;
	m.strings_len = w.strs.len;
	m.blob_len = codes.len;
	if (buf_append(&payload, &m, sizeof(m)) == -1 ||
	    buf_append(&payload, rules.data, rules.len) == -1 ||
	    buf_append(&payload, brs.data, brs.len) == -1 ||
	    buf_append(&payload, ops.data, ops.len) == -1 ||
	    buf_append(&payload, tables.data, tables.len) == -1 ||
	    buf_append(&payload, w.strs.data, w.strs.len) == -1 ||
	    buf_append(&payload, codes.data, codes.len) == -1)
		goto out;
	(void)rules_cache_save_file(path, SNAP_MAGIC, payload.data,
	    payload.len);
out:
	free(w.codes);
	free(w.group);
	free(w.bused);
	buf_free(&codes);
	buf_free(&w.strs);
	buf_free(&rules);
	buf_free(&brs);
	buf_free(&ops);
	buf_free(&tables);
	buf_free(&payload);
}

/* --- reading -------------------------------------------------------------- */

/* The payload's sections, found and bounded. */
struct view {
	const struct snap_meta		*m;
	const struct snap_dep		*deps;
	const struct snap_rule		*rules;
	const struct snap_branch	*brs;
	const struct snap_op		*ops;
	const uint32_t			*files;
	const int32_t			*index;
	const int32_t			*order;
	const struct snap_slot		*slots;
	const char			*strs;
	const uint8_t			*blob;
};

/* Cut the payload into its sections; -1 when the sizes do not add up. */
static int
sections(struct view *v, const char *data, uint64_t len)
{
	const struct snap_meta	*m = (const struct snap_meta *)data;
	uint64_t		 off = sizeof(*m), tab;

	if (len < sizeof(*m))
		return -1;
	v->m = m;
	if (m->nrules == 0 || m->nrules > RULES_MAX ||
	    m->nbranch > (uint64_t)RULES_MAX * PREFILTER_BRANCH_MAX ||
	    m->nops > CACHE_MAX / sizeof(struct snap_op) ||
	    m->ndeps > CACHE_MAX / sizeof(struct snap_dep) ||
	    m->nfiles > CACHE_MAX || m->nindex > CACHE_MAX ||
	    (m->nindex & (m->nindex - 1)) != 0 || m->nindex == 0 ||
	    m->norder > m->nrules || m->nslots > RULES_SLOTS_MAX ||
	    m->strings_len > len || m->blob_len > len || m->strings_len < 2)
		return -1;
	tab = (uint64_t)m->nrules * sizeof(struct snap_rule) +
	    (uint64_t)m->nbranch * sizeof(struct snap_branch) +
	    (uint64_t)m->nops * sizeof(struct snap_op) +
	    (uint64_t)m->ndeps * sizeof(struct snap_dep) +
	    (uint64_t)m->nfiles * 4 + (uint64_t)m->nindex * 4 +
	    (uint64_t)m->norder * 4 +
	    (uint64_t)m->nslots * sizeof(struct snap_slot);
	if (tab > len)
		return -1;
	v->rules = (const struct snap_rule *)(data + off);
	v->brs = (const struct snap_branch *)(v->rules + m->nrules);
	v->ops = (const struct snap_op *)(v->brs + m->nbranch);
	v->deps = (const struct snap_dep *)(v->ops + m->nops);
	v->files = (const uint32_t *)(v->deps + m->ndeps);
	v->index = (const int32_t *)(v->files + m->nfiles);
	v->order = v->index + m->nindex;
	v->slots = (const struct snap_slot *)(v->order + m->norder);
	off += (tab + 7) / 8 * 8;
	if (off + m->strings_len + m->blob_len != len || m->strings_len % 8)
		return -1;
	v->strs = data + off;
	v->blob = (const uint8_t *)(data + off + m->strings_len);
	return v->strs[m->strings_len - 1] == '\0' &&
	    v->strs[m->strings_len - 2] == '\0' ? 0 : -1;
}

/* A string offset: none, or inside the strings. */
#define STR_OK(v, o)	((o) == SNAP_NONE || (o) < (v)->m->strings_len || \
	((o) >= SNAP_BUILTIN && (o) - SNAP_BUILTIN < builtin_strings_len))
#define STR(v, o)	((o) == SNAP_NONE ? NULL : (o) >= SNAP_BUILTIN ? \
	(char *)builtin_strings + ((o) - SNAP_BUILTIN) : \
	(char *)(v)->strs + (o))
/* A code: none, one of the file's, or one of the build's. */
#define CODE_OK(m, c)	((c) == SNAP_NONE || (c) < (m)->ncodes || \
	((c) >= SNAP_BUILTIN && (c) - SNAP_BUILTIN < \
	(uint32_t)builtin_regex_count))

/* Is every rule's offset and index inside what it points into? */
static int
rules_whole(const struct view *v)
{
	const struct snap_meta	*m = v->m;
	const struct snap_rule	*x;
	const struct snap_branch *b;
	uint32_t		 i, k;

	for (i = 0; i < m->nrules; i++) {
		x = &v->rules[i];
		if (x->name == SNAP_NONE || !STR_OK(v, x->name) ||
		    !STR_OK(v, x->field) || !STR_OK(v, x->unset) ||
		    !STR_OK(v, x->pattern) || !STR_OK(v, x->lits) ||
		    !STR_OK(v, x->arg) || !STR_OK(v, x->eval) ||
		    !STR_OK(v, x->describe) ||
		    (x->file != SNAP_NONE && x->file >= m->nfiles) ||
		    (x->score_file != SNAP_NONE &&
		    x->score_file >= m->nfiles) ||
		    !CODE_OK(m, x->code) ||
		    x->type < RULE_NONE || x->type > RULE_META ||
		    x->mod < MOD_DECODED || x->mod > MOD_ALL ||
		    x->nbr < 0 || x->nbr > PREFILTER_BRANCH_MAX ||
		    x->br > m->nbranch || (uint32_t)x->nbr > m->nbranch - x->br ||
		    x->nops < 0 || x->nops > RULES_EXPR_OPS ||
		    x->ops > m->nops || (uint32_t)x->nops > m->nops - x->ops)
			return 0;
		/* what run.c reads of a usable rule */
		if (!x->broken && (x->type == RULE_HEADER ||
		    x->type == RULE_ORIG_HEADER) &&
		    (x->slot < 0 || (uint32_t)x->slot >= m->nslots))
			return 0;
		if (!x->broken && x->type >= RULE_HEADER &&
		    x->type <= RULE_ORIG_BODY && x->mod != MOD_EXISTS &&
		    (x->code == SNAP_NONE || x->pattern == SNAP_NONE))
			return 0;
		for (k = 0; k < (uint32_t)x->nbr; k++) {
			b = &v->brs[x->br + k];
			if (b->pattern == SNAP_NONE ||
			    !STR_OK(v, b->pattern) || !STR_OK(v, b->lits) ||
			    b->code == SNAP_NONE || !CODE_OK(m, b->code))
				return 0;
		}
	}
	return 1;
}

/* The ops, tables and dependencies: inside, and the programs sound. */
static int
tables_whole(const struct view *v)
{
	const struct snap_meta	*m = v->m;
	const struct snap_op	*o;
	uint32_t		 i, free_slots = 0;

	for (i = 0; i < m->nops; i++) {
		o = &v->ops[i];
		if (o->code < OP_RULE || o->code > OP_NE ||
		    !STR_OK(v, o->name) || (o->code == OP_RULE &&
		    (o->rule < 0 || (uint32_t)o->rule >= m->nrules)))
			return 0;
	}
	for (i = 0; i < m->nfiles; i++)
		if (v->files[i] == SNAP_NONE || !STR_OK(v, v->files[i]))
			return 0;
	for (i = 0; i < m->nindex; i++) {
		if (v->index[i] == -1)
			free_slots++;
		else if (v->index[i] < 0 || (uint32_t)v->index[i] >= m->nrules)
			return 0;
	}
	for (i = 0; i < m->norder; i++)
		if (v->order[i] < 0 || (uint32_t)v->order[i] >= m->nrules)
			return 0;
	for (i = 0; i < m->nslots; i++)
		if (!STR_OK(v, v->slots[i].field) ||
		    v->slots[i].mod < MOD_DECODED || v->slots[i].mod > MOD_ALL)
			return 0;
	for (i = 0; i < m->ndeps; i++)
		if (v->deps[i].path == SNAP_NONE ||
		    !STR_OK(v, v->deps[i].path))
			return 0;
	/* ruleset_find stops at a free entry: there must be one */
	return free_slots > 0;
}

/*
 * stat(2) of a dependency, from an open handle on its folder: a rules_dir
 * is one folder and its files, and a name looked up from the folder skips
 * walking the folder's path again for each file (of 200 stat calls, about
 * a fifth of their time). *dfd and dir (its path, PATH_MAX) are the folder
 * open now; -1 and "" at first.
 */
static int
dep_stat(const char *path, int *dfd, char *dir, struct stat *st)
{
	const char	*slash = strrchr(path, '/');
	size_t		 n;

	/* (a folder named with its trailing slash, "rules.d/", is statted
	 * by its whole name) */
	if (slash == NULL || slash[1] == '\0')
		return stat(path, st);
	n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= PATH_MAX)
		return stat(path, st);
	if (*dfd == -1 || strncmp(dir, path, n) != 0 || dir[n] != '\0') {
		if (*dfd != -1)
			close(*dfd);
		memcpy(dir, path, n);
		dir[n] = '\0';
		if ((*dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1) {
			dir[0] = '\0';
			return stat(path, st);
		}
	}
	return fstatat(*dfd, slash + 1, st, 0);
}

/* Is every rule file and folder as it was? */
static int
deps_same(const struct view *v)
{
	const struct snap_dep	*d;
	struct stat		 st;
	char			 dir[PATH_MAX];
	uint32_t		 i;
	int			 dfd = -1, same = 1;

	dir[0] = '\0';
	for (i = 0; i < v->m->ndeps && same; i++) {
		d = &v->deps[i];
		if (d->path >= SNAP_BUILTIN ||
		    dep_stat(v->strs + d->path, &dfd, dir, &st) == -1 ||
		    (uint64_t)st.st_dev != d->dev ||
		    (uint64_t)st.st_ino != d->ino ||
		    (uint64_t)st.st_size != d->size ||
		    (uint64_t)st.st_mode != d->mode ||
		    (int64_t)st.st_mtim.tv_sec != d->mtime ||
		    (int64_t)st.st_mtim.tv_nsec != d->mtime_ns ||
		    (int64_t)st.st_ctim.tv_sec != d->ctime ||
		    (int64_t)st.st_ctim.tv_nsec != d->ctime_ns)
			same = 0;
	}
	if (dfd != -1)
		close(dfd);
	return same;
}

/* The code a record names, given to b: the file's (which the snapshot
 * owns), or the build's, to be decoded when it first runs (rs->prebuilt
 * owns it then: rules_free frees it there). -1 when it names none. */
static int
take_code(struct ruleset *rs, uint32_t c, struct branch *b)
{
	b->re = NULL;
	b->lazy = 0;
	if (c == SNAP_NONE)
		return 0;
	if (c < SNAP_BUILTIN)
		b->re = rs->snap->codes[c];
	else if ((int)(c - SNAP_BUILTIN) < rs->nprebuilt)
		b->lazy = (int)(c - SNAP_BUILTIN) + 1;
	return b->re != NULL || b->lazy != 0 ? 0 : -1;
}

/* One rule from its record; -1 when its eval function is unknown or a
 * code is missing. */
static int
take_rule(struct ruleset *rs, const struct view *v, uint32_t i)
{
	struct rules_snap	*s = rs->snap;
	const struct snap_rule	*x = &v->rules[i];
	struct rule		*r = &rs->rules[i];
	const char		*ev = STR(v, x->eval);
	int			 k;

	r->name = STR(v, x->name);
	r->type = (enum rule_type)x->type;
	r->file = x->file == SNAP_NONE ? NULL : rs->files[x->file];
	r->line = x->line;
	r->field = STR(v, x->field);
	r->mod = (enum field_mod)x->mod;
	r->negate = x->negate;
	r->options = x->options;
	r->unset = STR(v, x->unset);
	r->whole.pattern = STR(v, x->pattern);
	r->whole.lits = STR(v, x->lits);
	if (take_code(rs, x->code, &r->whole) == -1)
		return -1;
	r->br = x->nbr > 0 ? s->br + x->br : NULL;
	r->nbr = x->nbr;
	r->slot = x->slot;
	if (ev != NULL && (r->fn = origin_eval_find(ev)) == NULL)
		return -1;
	r->arg = STR(v, x->arg);
	r->ops = x->nops > 0 ? s->ops + x->ops : NULL;
	r->nops = x->nops;
	r->level = x->level;
	r->describe = STR(v, x->describe);
	r->score = x->score;
	r->score_set = x->score_set;
	r->score_file = x->score_file == SNAP_NONE ? NULL :
	    rs->files[x->score_file];
	r->score_line = x->score_line;
	r->broken = x->broken;
	for (k = 0; k < x->nbr; k++) {
		r->br[k].pattern = STR(v, v->brs[x->br + k].pattern);
		r->br[k].lits = STR(v, v->brs[x->br + k].lits);
		if (take_code(rs, v->brs[x->br + k].code, &r->br[k]) == -1)
			return -1;
	}
	for (k = 0; k < x->nops; k++) {
		r->ops[k].code = (enum op_code)v->ops[x->ops + k].code;
		r->ops[k].rule = v->ops[x->ops + k].rule;
		r->ops[k].num = v->ops[x->ops + k].num;
		r->ops[k].name = STR(v, v->ops[x->ops + k].name);
	}
	return 0;
}

/* The arrays of the set, from the view; -1 out of memory. */
static int
take_tables(struct ruleset *rs, const struct view *v)
{
	const struct snap_meta	*m = v->m;
	uint32_t		 i;

	rs->rules = calloc(m->nrules, sizeof(*rs->rules));
	rs->files = calloc(m->nfiles + 1, sizeof(*rs->files));
	rs->index = malloc(m->nindex * sizeof(*rs->index));
	rs->order = calloc(m->norder + 1, sizeof(*rs->order));
	rs->slots = calloc(m->nslots + 1, sizeof(*rs->slots));
	rs->snap->br = calloc(m->nbranch + 1, sizeof(*rs->snap->br));
	rs->snap->ops = calloc(m->nops + 1, sizeof(*rs->snap->ops));
	if (rs->rules == NULL || rs->files == NULL || rs->index == NULL ||
	    rs->order == NULL || rs->slots == NULL || rs->snap->br == NULL ||
	    rs->snap->ops == NULL)
		return -1;
	for (i = 0; i < m->nfiles; i++)
		rs->files[i] = STR(v, v->files[i]);
	rs->nfiles = rs->files_cap = (int)m->nfiles;
	memcpy(rs->index, v->index, m->nindex * sizeof(*rs->index));
	rs->index_mask = m->nindex - 1;
	memcpy(rs->order, v->order, m->norder * sizeof(*rs->order));
	rs->norder = (int)m->norder;
	for (i = 0; i < m->nslots; i++) {
		rs->slots[i].orig = v->slots[i].orig;
		rs->slots[i].mod = (enum field_mod)v->slots[i].mod;
		rs->slots[i].field = STR(v, v->slots[i].field);
	}
	rs->nslots = rs->slots_cap = (int)m->nslots;
	rs->rules_cap = (int)m->nrules;
	for (i = 0; i < m->nrules; i++) {
		if (take_rule(rs, v, i) == -1)
			return -1;
		rs->nrules = (int)i + 1;
	}
	return 0;
}

/* Undo a partial load: the set empty again, as rules_new left it. */
static void
unload(struct ruleset *rs)
{
	struct rules_snap	*s = rs->snap;
	uint32_t		 i;

	for (i = 0; s->codes != NULL && i < s->ncodes; i++)
		if (s->codes[i] != NULL)
			pcre2_code_free(s->codes[i]);
	free(s->codes);
	free(s->decoding);
	free(s->br);
	free(s->ops);
	free(s->data);
	s->codes = NULL;
	s->decoding = NULL;
	s->br = NULL;
	s->ops = NULL;
	s->data = NULL;
	s->ncodes = 0;
	free(rs->rules);
	free(rs->files);
	free(rs->index);
	free(rs->order);
	free(rs->slots);
	rs->rules = NULL;
	rs->files = NULL;
	rs->index = NULL;
	rs->order = NULL;
	rs->slots = NULL;
	rs->nrules = rs->rules_cap = rs->nfiles = rs->files_cap = 0;
	rs->norder = rs->nslots = rs->slots_cap = 0;
	rs->index_mask = 0;
}

/* Decode every group's blob into s->codes, each code at its place;
 * -1 when the section does not hold what the meta says. */
static int
decode_codes(struct rules_snap *s, const struct view *v)
{
	const struct snap_meta	*m = v->m;
	const uint8_t		*p = v->blob, *end = v->blob + m->blob_len;
	uint64_t		 len;
	uint32_t		 g, i, k, count;
	int			 rc = 0;

	if (m->ngroups == 0 || m->ngroups > SNAP_GROUPS ||
	    m->blob_len < (m->ncodes + 7) / 8 * 8 ||
	    (s->codes = calloc(m->ncodes + 1, sizeof(*s->codes))) == NULL ||
	    (s->decoding = calloc(m->ncodes + 1, sizeof(*s->decoding))) ==
	    NULL)
		return -1;
	s->ncodes = m->ncodes;
	for (i = 0; i < m->ncodes; i++)
		if (p[i] >= m->ngroups)
			rc = -1;
	p += (m->ncodes + 7) / 8 * 8;
	for (g = 0; g < m->ngroups && rc == 0; g++) {
		for (i = count = 0; i < m->ncodes; i++)
			count += v->blob[i] == g;
		rc = -1;
		if ((size_t)(end - p) < 8)
			break;
		memcpy(&len, p, 8);
		p += 8;
		/* PCRE2's own head is 16 bytes */
		if (len < 16 || len > (uint64_t)(end - p) ||
		    (len + 7) / 8 * 8 > (uint64_t)(end - p) ||
		    count == 0 ||
		    pcre2_serialize_get_number_of_codes(p) != (int32_t)count ||
		    pcre2_serialize_decode(s->decoding, (int32_t)count, p,
		    NULL) != (int32_t)count)
			break;
		for (i = k = 0; i < m->ncodes; i++)
			if (v->blob[i] == g)
				s->codes[i] = s->decoding[k++];
		p += (len + 7) / 8 * 8;
		rc = 0;
	}
	free(s->decoding);
	s->decoding = NULL;
	return rc == 0 && p == end ? 0 : -1;
}

/* What rules_snapshot_load reads from the payload. */
struct load {
	struct ruleset	*rs;
	const char	*data;
	uint64_t	 len;
};

/*
 * Everything that reads the mapping, run under the guard: the file's
 * sections checked, the strings the set points into copied out of it,
 * the codes decoded (copied), the tables taken. -1 when unusable; what
 * was taken is then for unload.
 */
static int
load_mapped(void *arg)
{
	struct load		*ld = arg;
	struct ruleset		*rs = ld->rs;
	struct rules_snap	*s;
	struct view		 v;
	char			*strs;

	memset(&v, 0, sizeof(v));
	if (ld->len % 8 != 0 || sections(&v, ld->data, ld->len) == -1 ||
	    v.m->sources != sources_print(rs) || !rules_whole(&v) ||
	    !tables_whole(&v) || !deps_same(&v) ||
	    (s = snap_of(rs)) == NULL ||
	    (strs = malloc(v.m->strings_len)) == NULL)
		return -1;
	memcpy(strs, v.strs, v.m->strings_len);
	v.strs = strs;
	s->data = strs;
	/* the build's codes, from the program; the file has the others */
	compile_prebuilt(rs);
	return decode_codes(s, &v) == -1 || take_tables(rs, &v) == -1 ?
	    -1 : 0;
}

/* The set from the snapshot's payload, which data holds (len bytes). */
static int
load_payload(struct ruleset *rs, const char *data, size_t len)
{
	struct load	 ld;
	int		 rc;

	ld.rs = rs;
	ld.data = data;
	ld.len = len;
	rc = guard_call(load_mapped, &ld, NULL);
	if (rc == -1 && rs->snap != NULL && rs->snap->data != NULL)
		unload(rs);
	return rc;
}

int
rules_snapshot_load(struct ruleset *rs)
{
	struct cache_map	 m;
	char			 path[PATH_MAX];
	char			*copy;
	size_t			 len = 0;
	int			 rc;

	if (!rs->cache_wanted || rs->nrules != 0 || rs->index != NULL ||
	    snap_path(rs, path, sizeof(path)) == -1)
		return -1;
	/* mapped while held still, or else read: never a mapping others
	 * may have written into after it was checked (cache.h) */
	if ((rc = rules_cache_map_file(path, SNAP_MAGIC, &m)) == -1)
		return -1;
	if (rc == 0) {
		/* what decoding it takes of the heap: its size and half as
		 * much (200 rules took it all, 260 more than its size) */
		heap_populate(m.len + m.len / 2);
		rc = load_payload(rs, m.payload, m.len);
		if (rules_cache_map_held(&m)) {
			rules_cache_unmap_file(&m);
			return rc;
		}
		/* a writer came meanwhile: the file read again, privately */
		if (rc == 0)
			unload(rs);
		rules_cache_unmap_file(&m);
	}
	if ((copy = rules_cache_load_file(path, SNAP_MAGIC, &len)) == NULL)
		return -1;
	rc = load_payload(rs, copy, len);
	free(copy);
	return rc == -1 ? -1 : 0;
}

void
rules_snapshot_free(struct ruleset *rs)
{
	struct rules_snap	*s = rs->snap;

	if (s == NULL)
		return;
	if (s->data != NULL)
		unload(rs);
	free(s->deps);
	buf_free(&s->dep_paths);
	free(s);
	rs->snap = NULL;
}
