/*
 * cache.c - the user's rule patterns compiled once (see cache.h).
 *
 * Compiling is most of what a rule costs: 200 rule files took 16 million
 * instructions a message, 13 million of them in pcre2_compile and the
 * prefilter's analysis of each pattern and its branches. Decoding the
 * serialised codes costs a copy of each.
 *
 * The file: a head (magic, the identity of this program, the payload's
 * length and checksum), then the payload: one record a pattern (16
 * bytes: flags, number of branches, offsets of its text and literal set
 * in the strings), a pattern's branches as records right after it, the
 * strings, and every record's code in PCRE2's serialised form, in record
 * order. The checksum is no defence against someone who can write the
 * file (who could as well write the rules): it tells a file cut short or
 * damaged, which pcre2_serialize_decode would not, and a damaged code
 * could make pcre2_match read out of bounds.
 */
#include "bsconfig.h"

#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/guard.h"
#include "rules/builtin.h"
#include "rules/cache.h"
#include "rules/prefilter.h"
#include "rules/rules.h"
#include "rules/ruleset.h"
#include "base/limits.h"

/* Where the cache lives: $XDG_CACHE_HOME/backscatter, else
 * $HOME/.cache/backscatter (rules_cache_dirs; NULL: not known). */
static const char	*cache_xdg;
static const char	*cache_home;

void
rules_cache_dirs(const char *xdg_cache_home, const char *home)
{
	cache_xdg = xdg_cache_home;
	cache_home = home;
}

#define CACHE_MAGIC	"BSRULES\001"
#define CACHE_NONE	0xffffffffu

struct cache_head {
	char		 magic[8];
	char		 build[120];	/* who wrote it: identity() */
	uint64_t	 payload_len;
	uint64_t	 checksum;
};

struct cache_record {
	uint32_t	 options;	/* the rule's flags */
	uint32_t	 nbranch;	/* its branches, the records after this
					   one; CACHE_NONE in a branch */
	uint32_t	 pattern;	/* offsets into the strings */
	uint32_t	 literals;	/* or CACHE_NONE */
};

struct rules_cache {
	char			 path[PATH_MAX];
	char			*data;		/* the payload as read */
	const struct cache_record *rec;
	uint32_t		 nrec;
	const char		*strings;
	uint64_t		 strings_len;
	pcre2_code		**codes;	/* one a record, NULL once taken */
	uint32_t		 next;		/* where to look first */
};

/*
 * A checksum of 64-bit words: four lanes of Fletcher's two running sums
 * (a change confined to one word changes its lane's sums), mixed at the
 * end with a multiply-and-xor hash, which also takes the tail. A rule
 * set's cache is read on every run: this is under half an instruction a
 * byte, where a multiply a word was two.
 */
uint64_t
rules_cache_checksum(const void *p, size_t n, uint64_t h)
{
	const unsigned char	*c = p;
	uint64_t		 w0, w1, w2, w3, a[4] = { 1, 2, 3, 4 }, b[4] = { 0 };
	uint64_t		 a0 = 1, a1 = 2, a2 = 3, a3 = 4;
	uint64_t		 b0 = 0, b1 = 0, b2 = 0, b3 = 0;
	int			 k;

	h ^= n * 0x9e3779b97f4a7c15ull;
	/* the lanes in registers: kept in an array, the compiler stored
	 * them back every round (1.2 instructions a byte, not 0.4) */
	for (; n >= 32; c += 32, n -= 32) {
		memcpy(&w0, c, 8);
		memcpy(&w1, c + 8, 8);
		memcpy(&w2, c + 16, 8);
		memcpy(&w3, c + 24, 8);
		a0 += w0, a1 += w1, a2 += w2, a3 += w3;
		b0 += a0, b1 += a1, b2 += a2, b3 += a3;
	}
	a[0] = a0, a[1] = a1, a[2] = a2, a[3] = a3;
	b[0] = b0, b[1] = b1, b[2] = b2, b[3] = b3;
	for (k = 0; k < 4; k++) {
		h = (h ^ a[k]) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
		h = (h ^ b[k]) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	for (; n >= 8; c += 8, n -= 8) {
		memcpy(&w0, c, 8);
		h = (h ^ w0) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	for (; n > 0; c++, n--) {
		h = (h ^ *c) * 0xc4ceb9fe1a85ec53ull;
		h ^= h >> 29;
	}
	return h;
}

/* This program, as the cache must have been written by: the format, the
 * version, PCRE2's, and the executable file itself (a rebuild with other
 * prefilter rules or flags is another program). */
static int
identity(char *out, size_t n)
{
	struct stat	 st;
	const char	*exe;
	char		 pcre[32];
	int		 k;

	/* the file exec'd (under valgrind too), else what the kernel says */
	exe = (const char *)getauxval(AT_EXECFN);
	if ((exe == NULL || stat(exe, &st) == -1) &&
	    stat("/proc/self/exe", &st) == -1)
		return -1;
	if (pcre2_config(PCRE2_CONFIG_VERSION, pcre) < 0)
		pcre[0] = '\0';
	pcre[sizeof(pcre) - 1] = '\0';
	k = snprintf(out, n, "1 %s pcre2 %s %u exe %lld %lld.%09ld %llu %llu %zu",
	    PACKAGE_VERSION, pcre, (unsigned)RULES_COMPILE_OPTIONS,
	    (long long)st.st_size, (long long)st.st_mtim.tv_sec,
	    (long)st.st_mtim.tv_nsec, (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino,
	    sizeof(void *));
	return k < 0 || (size_t)k >= n ? -1 : 0;
}

/* The cache file of the set's sources, or -1 when the set has no rule
 * files (or no place for a cache). */
int
rules_cache_path(const struct ruleset *rs, char *out, size_t n)
{
	const char	*base, *sub;
	uint64_t	 h = 0;
	int		 i, files = 0, k;

	for (i = 0; i < rs->nsources; i++) {
		h = rules_cache_checksum(&rs->sources[i].type,
		    sizeof(rs->sources[i].type), h);
		if (rs->sources[i].name != NULL)
			h = rules_cache_checksum(rs->sources[i].name,
			    strlen(rs->sources[i].name) + 1, h);
		if (rs->sources[i].type == SRC_PATH)
			files = 1;
	}
	if (!files)
		return -1;
	if ((base = cache_xdg) != NULL)
		sub = "backscatter";
	else if ((base = cache_home) != NULL)
		sub = ".cache/backscatter";
	else
		return -1;
	k = snprintf(out, n, "%s/%s/rules-%016llx", base, sub,
	    (unsigned long long)h);
	return k < 0 || (size_t)k >= n ? -1 : 0;
}

/* Read all of fd (size bytes) into a fresh buffer; NULL on any shortfall. */
static char *
read_all(int fd, size_t size)
{
	char	*p;
	size_t	 got = 0;
	ssize_t	 r;

	if ((p = malloc(size + 1)) == NULL)
		return NULL;
#ifdef MADV_POPULATE_WRITE
	/* a snapshot is a few hundred KB: its pages made present in one
	 * call, not faulted in one by one as read fills them */
	if (size >= 64 * 1024) {
		uintptr_t	 pg = 4096, a = ((uintptr_t)p + pg - 1) & ~(pg - 1);
		uintptr_t	 e = ((uintptr_t)p + size + 1) & ~(pg - 1);

		if (e > a)
			(void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
	}
#endif
	while (got < size) {
		r = read(fd, p + got, size - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(p);
			return NULL;
		}
		got += (size_t)r;
	}
	return p;
}

/* head and payload to path, aside and renamed; its folder made when
 * missing */
static int
write_file(const char *path, const void *head, size_t head_len,
    const void *payload, size_t len)
{
	char	 dir[PATH_MAX], tmp[PATH_MAX + 16], *slash;
	int	 fd;

	/* the folder, made private when missing; the file written aside
	 * and renamed over the old one, so no reader sees half of it */
	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir) ||
	    (slash = strrchr(dir, '/')) == NULL)
		return -1;
	*slash = '\0';
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		/* ~/.cache itself may be missing */
		char	*up = strrchr(dir, '/');

		if (up == NULL || up == dir)
			return -1;
		*up = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST)
			return -1;
		*up = '/';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST)
			return -1;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    (int)sizeof(tmp) || (fd = mkstemp(tmp)) == -1)
		return -1;
	if (write(fd, head, head_len) != (ssize_t)head_len ||
	    write(fd, payload, len) != (ssize_t)len) {
		close(fd);
		(void)unlink(tmp);
		return -1;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		(void)unlink(tmp);
		return -1;
	}
	return 0;
}

/* path opened when it is ours, of min to CACHE_MAX bytes: fd and size */
static int
open_file(const char *path, off_t min, off_t *size_r)
{
	struct stat	 st;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 022) != 0 ||
	    st.st_size < min || st.st_size > (off_t)CACHE_MAX) {
		close(fd);
		return -1;
	}
	*size_r = st.st_size;
	return fd;
}

/* The cache file at path opened, its head read and found ours (magic,
 * this program, a payload of the file's length): the descriptor, at the
 * payload, and the head; -1 when it is not. */
static int
open_head(const char *path, const char *magic, struct cache_head *head,
    off_t *size_r)
{
	char	 build[sizeof(head->build)];
	int	 fd;

	memset(build, 0, sizeof(build));
	if (identity(build, sizeof(build)) == -1 ||
	    (fd = open_file(path, (off_t)sizeof(*head), size_r)) == -1)
		return -1;
	if (read(fd, head, sizeof(*head)) != (ssize_t)sizeof(*head) ||
	    memcmp(head->magic, magic, sizeof(head->magic)) != 0 ||
	    memcmp(head->build, build, sizeof(build)) != 0 ||
	    head->payload_len != (uint64_t)*size_r - sizeof(*head)) {
		close(fd);
		return -1;
	}
	return fd;
}

char *
rules_cache_load_file(const char *path, const char *magic, size_t *len_r)
{
	struct cache_head	 head;
	char			*data;
	off_t			 size;
	int			 fd;

	*len_r = 0;
	if ((fd = open_head(path, magic, &head, &size)) == -1)
		return NULL;
	if ((data = read_all(fd, (size_t)head.payload_len)) != NULL &&
	    rules_cache_checksum(data, (size_t)head.payload_len, 0) !=
	    head.checksum) {
		free(data);
		data = NULL;
	}
	close(fd);
	if (data != NULL)
		*len_r = (size_t)head.payload_len;
	return data;
}

/*
 * The guarded part of rules_cache_map_file: the payload's checksum, read
 * from the mapping (a file cut meanwhile raises SIGBUS there).
 */
struct mapped_sum {
	const char	*data;
	size_t		 len;
	uint64_t	 want;
};

static int
mapped_sum(void *arg)
{
	struct mapped_sum	*m = arg;

	return rules_cache_checksum(m->data, m->len, 0) == m->want ? 0 : -1;
}

/*
 * Hold the file still: a read lease, with the lease-break signal (SIGIO,
 * whose default ends the process) ignored meanwhile, since a writer that
 * comes along is to wait for rules_cache_unmap_file, not to end the run.
 * -1 when the kernel will not grant one (someone has the file open for
 * writing, leases are off, a file system without them).
 */
static int
hold_still(int fd, struct sigaction *old)
{
	struct sigaction	 ign;
	int			 saved;

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	if (sigaction(SIGIO, &ign, old) == -1)
		return -1;
	if (fcntl(fd, F_SETLEASE, F_RDLCK) == -1) {
		saved = errno;
		(void)sigaction(SIGIO, old, NULL);
		errno = saved;
		return -1;
	}
	return 0;
}

static void
let_go(int fd, const struct sigaction *old)
{
	(void)fcntl(fd, F_SETLEASE, F_UNLCK);
	(void)close(fd);
	(void)sigaction(SIGIO, old, NULL);
}

int
rules_cache_map_file(const char *path, const char *magic,
    struct cache_map *m)
{
	struct cache_head	 head;
	struct mapped_sum	 sum;
	char			*map;
	off_t			 size;
	int			 fd;

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	if ((fd = open_head(path, magic, &head, &size)) == -1)
		return -1;
	if (head.payload_len == 0) {
		close(fd);
		return -1;
	}
	if (hold_still(fd, &m->sigio) == -1) {
		close(fd);
		return -2;
	}
	/* the page cache's own pages, put in place in one call: nothing
	 * allocated, zeroed or copied */
	map = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
	    fd, 0);
	if (map == MAP_FAILED) {
		let_go(fd, &m->sigio);
		return -2;
	}
	sum.data = map + sizeof(head);
	sum.len = (size_t)head.payload_len;
	sum.want = head.checksum;
	if (guard_call(mapped_sum, &sum, NULL) == -1) {
		munmap(map, (size_t)size);
		let_go(fd, &m->sigio);
		return -1;
	}
	m->payload = sum.data;
	m->len = sum.len;
	m->maplen = (size_t)size;
	m->fd = fd;
	return 0;
}

int
rules_cache_map_held(const struct cache_map *m)
{
	/* a lease being broken reads as what it is to become: F_UNLCK */
	return m->payload != NULL && fcntl(m->fd, F_GETLEASE) == F_RDLCK;
}

void
rules_cache_unmap_file(struct cache_map *m)
{
	if (m->payload == NULL)
		return;
	munmap((char *)m->payload - sizeof(struct cache_head), m->maplen);
	let_go(m->fd, &m->sigio);
	m->payload = NULL;
	m->fd = -1;
}

int
rules_cache_save_file(const char *path, const char *magic,
    const void *payload, size_t len)
{
	struct cache_head	 head;

	memset(&head, 0, sizeof(head));
	memcpy(head.magic, magic, sizeof(head.magic));
	if (identity(head.build, sizeof(head.build)) == -1)
		return -1;
	head.payload_len = len;
	head.checksum = rules_cache_checksum(payload, len, 0);
	return write_file(path, &head, sizeof(head), payload, len);
}

/* Does a string (or, with set, a literal set: strings ended by an empty
 * one) start at off and end inside the strings? */
static int
string_at(const struct rules_cache *c, uint32_t off, int set)
{
	const char	*p, *end = c->strings + c->strings_len;

	if (off >= c->strings_len)
		return 0;
	for (p = c->strings + off;;) {
		const char	*nul = memchr(p, '\0', (size_t)(end - p));

		if (nul == NULL)
			return 0;
		if (!set || nul == p)
			return 1;
		if ((p = nul + 1) >= end)
			return 0;
	}
}

/* Is the payload's structure whole? Every string inside the strings, a
 * pattern's branches within the records and marked as branches. */
static int
well_formed(const struct rules_cache *c)
{
	const struct cache_record	*x;
	uint32_t			 i, k;

	for (i = 0; i < c->nrec; i = k) {
		x = &c->rec[i];
		if (x->nbranch == CACHE_NONE ||
		    x->nbranch > PREFILTER_BRANCH_MAX ||
		    x->nbranch >= c->nrec - i)
			return 0;
		for (k = i; k <= i + x->nbranch; k++)
			if (!string_at(c, c->rec[k].pattern, 0) ||
			    (c->rec[k].literals != CACHE_NONE &&
			    !string_at(c, c->rec[k].literals, 1)) ||
			    (k > i && c->rec[k].nbranch != CACHE_NONE))
				return 0;
	}
	return 1;
}

/* The payload into c, checked; 0, or -1 when it cannot be used. */
static int
take_payload(struct rules_cache *c, char *data, size_t len)
{
	uint64_t	 blob_len, nrec;
	int32_t		 n;

	if (len < 16)
		return -1;
	memcpy(&nrec, data, 8);
	memcpy(&c->strings_len, data + 8, 8);
	if (nrec == 0 || nrec > RULES_MAX * (PREFILTER_BRANCH_MAX + 1) ||
	    c->strings_len > len - 16 ||
	    (uint64_t)nrec * sizeof(struct cache_record) > len - 16 -
	    c->strings_len)
		return -1;
	blob_len = len - 16 - (uint64_t)nrec * sizeof(struct cache_record) -
	    c->strings_len;
	c->data = data;
	c->nrec = (uint32_t)nrec;
	c->rec = (const struct cache_record *)(data + 16);
	c->strings = data + 16 + nrec * sizeof(struct cache_record);
	/* PCRE2's own head is 16 bytes: it must be there to be read */
	if (c->strings_len % 8 != 0 || !well_formed(c) || blob_len < 16)
		return -1;
	n = pcre2_serialize_get_number_of_codes((const uint8_t *)c->strings +
	    c->strings_len);
	if (n < 0 || (uint64_t)n != nrec ||
	    (c->codes = calloc(c->nrec, sizeof(*c->codes))) == NULL)
		return -1;
	if (pcre2_serialize_decode(c->codes, n, (const uint8_t *)c->strings +
	    c->strings_len, NULL) != n) {
		free(c->codes);
		c->codes = NULL;
		return -1;
	}
	return 0;
}

void
rules_cache_load(struct ruleset *rs)
{
	struct rules_cache	*c;
	char			*data = NULL;
	size_t			 len;

	if (!rs->cache_wanted || rs->cache != NULL ||
	    (c = calloc(1, sizeof(*c))) == NULL)
		return;
	if (rules_cache_path(rs, c->path, sizeof(c->path)) == -1) {
		free(c);
		return;
	}
	rs->cache = c;
	/* from here, whatever is wrong with the file: rewrite it */
	rs->cache_dirty = 1;
	if ((data = rules_cache_load_file(c->path, CACHE_MAGIC, &len)) == NULL ||
	    take_payload(c, data, len) == -1)
		goto ignore;
	rs->cache_dirty = 0;
	return;
ignore:
	free(data);
	c->data = NULL;
	c->nrec = 0;
}

/* The bytes of a literal set: its literals, each ended by a NUL, and
 * the empty one that ends the set. */
static size_t
literals_size(const char *lits)
{
	const char	*p = lits;

	while (*p != '\0')
		p += strlen(p) + 1;
	return (size_t)(p - lits) + 1;
}

/* A copy of the cache's string (or literal set, with set) at off, or
 * NULL for none; -1 out of memory. */
static int
copy_string(const struct rules_cache *c, uint32_t off, int set, char **out)
{
	size_t	 n;

	*out = NULL;
	if (off == CACHE_NONE)
		return 0;
	n = set ? literals_size(c->strings + off) :
	    strlen(c->strings + off) + 1;
	if ((*out = malloc(n)) == NULL)
		return -1;
	memcpy(*out, c->strings + off, n);
	return 0;
}

int
rules_cache_take(struct ruleset *rs, struct rule *r)
{
	struct rules_cache		*c = rs->cache;
	const struct cache_record	*x;
	struct branch			*br = NULL;
	uint32_t			 i, k, j;

	if (c == NULL || c->nrec == 0 || r->whole.pattern == NULL)
		return 0;
	for (j = 0; j < c->nrec; j++) {
		i = (c->next + j) % c->nrec;
		x = &c->rec[i];
		if (x->nbranch != CACHE_NONE && x->options == r->options &&
		    c->codes[i] != NULL &&
		    strcmp(c->strings + x->pattern, r->whole.pattern) == 0)
			break;
	}
	if (j == c->nrec)
		return 0;
	for (k = 0; k < x->nbranch; k++)
		if (c->codes[i + 1 + k] == NULL)
			return 0;
	if (x->nbranch > 0 &&
	    (br = calloc(x->nbranch, sizeof(*br))) == NULL)
		return 0;
	for (k = 0; k < x->nbranch; k++) {
		if (copy_string(c, c->rec[i + 1 + k].pattern, 0,
		    &br[k].pattern) == -1 || br[k].pattern == NULL ||
		    copy_string(c, c->rec[i + 1 + k].literals, 1,
		    &br[k].lits_own) == -1)
			goto fail;
		br[k].lits = br[k].lits_own;
	}
	if (copy_string(c, x->literals, 1, &r->whole.lits_own) == -1)
		goto fail;
	r->whole.lits = r->whole.lits_own;
	r->whole.re = c->codes[i];
	c->codes[i] = NULL;
	for (k = 0; k < x->nbranch; k++) {
		br[k].re = c->codes[i + 1 + k];
		c->codes[i + 1 + k] = NULL;
	}
	r->br = br;
	r->nbr = (int)x->nbranch;
	c->next = i + 1 + x->nbranch;
	return 1;
fail:
	for (k = 0; k < x->nbranch; k++) {
		free(br[k].pattern);
		free(br[k].lits_own);
	}
	free(br);
	return 0;
}

/* Append a string to the strings, its offset in *off (CACHE_NONE for
 * NULL); -1 out of memory. */
static int
add_string(struct buf *s, const char *str, uint32_t *off)
{
	*off = CACHE_NONE;
	if (str == NULL)
		return 0;
	if (s->len >= CACHE_NONE)
		return -1;
	*off = (uint32_t)s->len;
	return buf_append(s, str, strlen(str) + 1);
}

/* Append a literal set (see literals_size) likewise. */
static int
add_literals(struct buf *s, const char *lits, uint32_t *off)
{
	*off = CACHE_NONE;
	if (lits == NULL)
		return 0;
	if (s->len >= CACHE_NONE)
		return -1;
	*off = (uint32_t)s->len;
	return buf_append(s, lits, literals_size(lits));
}

static int
add_record(struct buf *recs, struct buf *s, const struct branch *b,
    uint32_t options, uint32_t nbranch, pcre2_code **codes, uint32_t *n)
{
	struct cache_record	 x;

	memset(&x, 0, sizeof(x));
	x.options = options;
	x.nbranch = nbranch;
	if (b->re == NULL || add_string(s, b->pattern, &x.pattern) == -1 ||
	    x.pattern == CACHE_NONE ||
	    add_literals(s, b->lits, &x.literals) == -1)
		return -1;
	codes[(*n)++] = b->re;
	return buf_append(recs, &x, sizeof(x));
}

void
rules_cache_save(struct ruleset *rs)
{
	struct rules_cache	*c = rs->cache;
	struct buf		 recs, strs, payload;
	struct rule		*r;
	pcre2_code		**codes = NULL;
	uint8_t			*blob = NULL;
	PCRE2_SIZE		 blob_len = 0;
	uint32_t		 n = 0, nmax = 0;
	uint64_t		 v, slen;
	int			 i, k;

	if (c == NULL)
		return;
	/* written when unusable as found, or when a kept rule's pattern
	 * was compiled, not taken from it */
	for (i = 0; i < rs->nrules && !rs->cache_dirty; i++) {
		r = &rs->rules[i];
		if (!r->broken && r->whole.re != NULL && r->whole.fresh &&
		    r->whole.pattern != NULL && !builtin_owns(r->whole.pattern))
			rs->cache_dirty = 1;
	}
	if (!rs->cache_dirty)
		return;
	buf_init(&recs, CACHE_MAX);
	buf_init(&strs, CACHE_MAX);
	buf_init(&payload, CACHE_MAX);
	for (i = 0; i < rs->nrules; i++)
		nmax += 1 + (uint32_t)rs->rules[i].nbr;
	if (nmax == 0 || (codes = calloc(nmax, sizeof(*codes))) == NULL)
		goto out;
	/* the patterns of rule files: not the build's (their codes are in
	 * the program), not broken ones */
	for (i = 0; i < rs->nrules; i++) {
		r = &rs->rules[i];
		if (r->broken || r->whole.re == NULL ||
		    builtin_owns(r->whole.pattern) || r->whole.pattern == NULL)
			continue;
		if (add_record(&recs, &strs, &r->whole, r->options,
		    (uint32_t)r->nbr, codes, &n) == -1)
			goto out;
		for (k = 0; k < r->nbr; k++)
			if (add_record(&recs, &strs, &r->br[k], 0, CACHE_NONE,
			    codes, &n) == -1)
				goto out;
	}
	/* PCRE2's codes start 8-byte aligned */
	while (strs.len % 8 != 0)
		if (buf_appendc(&strs, '\0') == -1)
			goto out;
	if (n == 0 || pcre2_serialize_encode((const pcre2_code **)codes,
	    (int32_t)n, &blob, &blob_len, NULL) < 0)
		goto out;
	v = n;
	slen = strs.len;
	if (buf_append(&payload, &v, 8) == -1 ||
	    buf_append(&payload, &slen, 8) == -1 ||
	    buf_append(&payload, recs.data, recs.len) == -1 ||
	    buf_append(&payload, strs.data, strs.len) == -1 ||
	    buf_append(&payload, blob, blob_len) == -1)
		goto out;
	if (rules_cache_save_file(c->path, CACHE_MAGIC, payload.data,
	    payload.len) == -1)
		goto out;
	rs->cache_dirty = 0;
out:
	if (blob != NULL)
		pcre2_serialize_free(blob);
	free(codes);
	buf_free(&recs);
	buf_free(&strs);
	buf_free(&payload);
}

int
rules_kept(const struct ruleset *rs)
{
	return rs->cache != NULL && !rs->cache_dirty;
}

void
rules_use_cache(struct ruleset *rs, int on)
{
	rs->cache_wanted = on;
}

void
rules_cache_free(struct ruleset *rs)
{
	struct rules_cache	*c = rs->cache;
	uint32_t		 i;

	if (c == NULL)
		return;
	for (i = 0; c->codes != NULL && i < c->nrec; i++)
		if (c->codes[i] != NULL)
			pcre2_code_free(c->codes[i]);
	free(c->codes);
	free(c->data);
	free(c);
	rs->cache = NULL;
}
