/*
 * unit-guard.c - a mapped file cut short under a reader: base/guard.h,
 * and the rule set's snapshot (src/rules/snapshot.c), which is mapped,
 * not read. Linked with --wrap=mmap: the snapshot's file is cut right
 * after it is mapped, as another process may cut it, so the load touches
 * pages the file no longer has (SIGBUS). The set must then be built from
 * the rule files, with the same rules, and the process must live on.
 * Linked with --wrap=pcre2_serialize_decode_8 too: the file is cut again
 * when the snapshot's codes are decoded, past its checksum.
 */
#include "bsconfig.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/guard.h"
#include "rules/cache.h"
#include "rules/rules.h"
#include "rules/ruleset.h"
#include "tap.h"

/* --- the wrapper: a read lease pretended ----------------------------------- */

/*
 * The program holds a mapped cache file still with a read lease
 * (src/rules/cache.c), so that a writer waits while it reads. A cut from
 * the holder itself waits out the kernel's lease-break-time (45 s) before
 * it is made: while a cut is asked for, the lease is pretended, and reads
 * as broken once the file was cut, as the kernel's does (the cut stands
 * for a writer whose wait ran out).
 */
int	 __real_fcntl(int, int, ...);
int	 __wrap_fcntl(int, int, ...);

static int		 pretend_lease;
static int		 lease_broken;

int
__wrap_fcntl(int fd, int cmd, ...)
{
	va_list	 ap;
	void	*arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);	/* (as glibc's own fcntl takes it) */
	va_end(ap);
	if (pretend_lease && cmd == F_SETLEASE) {
		lease_broken = 0;
		return 0;
	}
	if (pretend_lease && cmd == F_GETLEASE)
		return lease_broken ? F_UNLCK : F_RDLCK;
	return __real_fcntl(fd, cmd, arg);
}

/* --- the wrapper: cut a file right after mapping it ----------------------- */

void	*__real_mmap(void *, size_t, int, int, int, off_t);
void	*__wrap_mmap(void *, size_t, int, int, int, off_t);

static const char	*cut_path;	/* cut this file when it is mapped */
static off_t		 cut_to;
static int		 cuts;

void *
__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void	*p = __real_mmap(addr, len, prot, flags, fd, off);

	if (p != MAP_FAILED && fd >= 0 && cut_path != NULL &&
	    truncate(cut_path, cut_to) == 0) {
		cuts++;
		lease_broken = 1;
	}
	return p;
}

/* The same cut when the snapshot's codes are decoded, after its checksum
 * and its tables were read: the load's own guard must catch the fault
 * and undo what was taken. */
int32_t	__real_pcre2_serialize_decode_8(pcre2_code_8 **, int32_t,
	    const uint8_t *, pcre2_general_context_8 *);
int32_t	__wrap_pcre2_serialize_decode_8(pcre2_code_8 **, int32_t,
	    const uint8_t *, pcre2_general_context_8 *);

static const char	*cut_decoding;
static int		 decode_cuts;

int32_t
__wrap_pcre2_serialize_decode_8(pcre2_code_8 **codes, int32_t n,
    const uint8_t *bytes, pcre2_general_context_8 *gc)
{
	if (cut_decoding != NULL && truncate(cut_decoding, 4096) == 0) {
		decode_cuts++;
		lease_broken = 1;
		cut_decoding = NULL;
	}
	return __real_pcre2_serialize_decode_8(codes, n, bytes, gc);
}

/* --- base/guard.h ----------------------------------------------------------- */

static volatile char	*page;		/* a mapped page the file lost */

static int
touch(void *arg)
{
	(void)arg;
	return page[0] == 'x' ? 7 : 8;
}

static int
plain(void *arg)
{
	return *(int *)arg + 1;
}

static int
nested(void *arg)
{
	int	 faulted = 0, rc;

	rc = guard_call(touch, NULL, &faulted);
	/* the inner guard caught it; this one goes on */
	*(int *)arg = rc == -1 && faulted;
	return 5;
}

static void
on_bus(int sig)
{
	(void)sig;
}

static void
test_guard(const char *dir)
{
	char			 path[PATH_MAX];
	struct sigaction	 sa, now;
	int			 fd, faulted = 9, inner = 0, n = 41;
	char			*map;

	snprintf(path, sizeof(path), "%s/mapped", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ok(fd != -1 && ftruncate(fd, 3 * 4096) == 0, "a file of three pages");
	map = mmap(NULL, 3 * 4096, PROT_READ, MAP_SHARED, fd, 0);
	ok(map != MAP_FAILED, "mapped");
	page = map + 2 * 4096;

	is_int(guard_call(plain, &n, &faulted), 42,
	    "guard_call: the function's result");
	is_int(faulted, 0, "no fault: faulted is 0");
	is_int(guard_call(touch, NULL, NULL), 8,
	    "a page still in the file is read");

	/* a handler of the caller's own before the guard */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_bus;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);

	ok(ftruncate(fd, 4096) == 0, "the file cut to one page");
	is_int(guard_call(touch, NULL, &faulted), -1,
	    "a page the file lost: the call fails");
	is_int(faulted, 1, "and says it faulted");
	sigaction(SIGBUS, NULL, &now);
	ok(now.sa_handler == on_bus,
	    "the caller's SIGBUS handler is back after the fault");
	is_int(guard_call(nested, &inner, &faulted), 5,
	    "a guard inside a guard: the outer call goes on");
	is_int(inner, 1, "the inner guard caught the fault");
	is_int(faulted, 0, "the outer one saw none");
	signal(SIGBUS, SIG_DFL);
	munmap(map, 3 * 4096);
	close(fd);
	unlink(path);
}

/* --- the snapshot cut while mapped ------------------------------------------ */

static void
write_rules(const char *rules)
{
	char	 p[PATH_MAX + 16];
	FILE	*f;
	int	 i;

	mkdir(rules, 0700);
	for (i = 0; i < 20; i++) {
		snprintf(p, sizeof(p), "%s/%02d.cf", rules, i);
		if ((f = fopen(p, "w")) == NULL)
			continue;
		fprintf(f, "body BS_LOCAL_%02d /\\bjackpot%d\\b/i\n"
		    "describe BS_LOCAL_%02d rule %d\nscore BS_LOCAL_%02d %d.5\n",
		    i, i, i, i, i, i % 5);
		fclose(f);
	}
}

/* A set of the rule files, with the cache; its number of rules. */
static int
compile_set(const char *rules, struct ruleset **out)
{
	struct ruleset	*rs = rules_new();
	int		 errors;

	if (rs == NULL || rules_add_builtin(rs) == -1 ||
	    rules_add_path(rs, rules) == -1) {
		rules_free(rs);
		*out = NULL;
		return -1;
	}
	rules_use_cache(rs, 1);
	errors = rules_compile(rs, NULL, NULL);
	*out = rs;
	return errors == 0 ? rules_count(rs) : -1;
}

/* The snapshot file in cache (the only *.set), or "" */
static void
find_snapshot(const char *cache, char *out, size_t n)
{
	DIR		*d;
	struct dirent	*e;
	size_t		 k;

	out[0] = '\0';
	if ((d = opendir(cache)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if ((k = strlen(e->d_name)) > 4 &&
		    strcmp(e->d_name + k - 4, ".set") == 0)
			snprintf(out, n, "%s/%s", cache, e->d_name);
	closedir(d);
}

static void
test_snapshot(const char *dir)
{
	char		 rules[PATH_MAX], cache[PATH_MAX], snap[PATH_MAX + 300];
	struct ruleset	*rs;
	struct stat	 st;
	struct sigaction now;
	int		 want, got;

	snprintf(rules, sizeof(rules), "%s/rules", dir);
	snprintf(cache, sizeof(cache), "%s/backscatter", dir);
	write_rules(rules);
	rules_cache_dirs(dir, NULL);

	want = compile_set(rules, &rs);
	ok(want > 20, "the set built from its files (%d rules)", want);
	rules_free(rs);
	/* the snapshot is written once no source is younger than
	 * RULES_SNAPSHOT_SETTLE */
	sleep(3);
	got = compile_set(rules, &rs);
	rules_free(rs);
	find_snapshot(cache, snap, sizeof(snap));
	ok(snap[0] != '\0' && stat(snap, &st) == 0 && st.st_size > 3 * 4096,
	    "the snapshot written, over three pages");
	is_int(got, want, "the same rules");

	got = compile_set(rules, &rs);
	rules_free(rs);
	is_int(got, want, "the set from the snapshot: the same rules");
	is_int(cuts, 0, "(nothing cut yet)");

	/* cut to its first page right after it is mapped */
	cut_path = snap;
	cut_to = 4096;
	pretend_lease = 1;
	got = compile_set(rules, &rs);
	pretend_lease = 0;
	cut_path = NULL;
	is_int(cuts, 1, "the snapshot was cut while mapped");
	is_int(got, want,
	    "a snapshot cut under the load: the set built from the files, "
	    "the same rules");
	ok(rs != NULL && rules_count(rs) == want, "and the process lives on");
	rules_free(rs);
	sigaction(SIGBUS, NULL, &now);
	ok(now.sa_handler == SIG_DFL, "SIGBUS is as it was");

	/* the cut file is not trusted again: once written anew, it serves */
	got = compile_set(rules, &rs);
	rules_free(rs);
	is_int(got, want, "the next run: the same rules");
	ok(stat(snap, &st) == 0 && st.st_size > 4096,
	    "the snapshot written anew whole");

	/* cut when its codes are decoded: past the checksum, inside the
	 * load's own guard */
	cut_decoding = snap;
	pretend_lease = 1;
	got = compile_set(rules, &rs);
	pretend_lease = 0;
	cut_decoding = NULL;
	is_int(decode_cuts, 1, "the snapshot was cut while its codes were "
	    "decoded");
	is_int(got, want, "cut while decoding: the set built from the "
	    "files, the same rules");
	ok(rs != NULL && rules_count(rs) == want &&
	    ruleset_find(rs, "BS_LOCAL_07") >= 0,
	    "and a rule of the files is in it");
	rules_free(rs);
	sigaction(SIGBUS, NULL, &now);
	ok(now.sa_handler == SIG_DFL, "SIGBUS is as it was");
}

/* --- a pattern cache whose lengths do not add up ----------------------------- */

/*
 * A pattern cache (src/rules/cache.c) whole by its head's length and
 * checksum, whose payload says its strings are longer than the payload
 * past its own 16 bytes (24 of 16): ignored and written anew, the set
 * built from the files. The check compared them with the whole payload,
 * and what was left after them wrapped round: the records and strings
 * were read past the buffer's end (an ASan build says so).
 */
static void
test_cache_lengths(const char *dir)
{
	static const char	 magic[] = "BSRULES\001";
	unsigned char		 payload[32];
	uint64_t		 v;
	char			 rules[PATH_MAX], path[PATH_MAX];
	struct ruleset		*rs;
	int			 want, got;

	snprintf(rules, sizeof(rules), "%s/rules-lengths", dir);
	write_rules(rules);
	rules_cache_dirs(dir, NULL);
	want = compile_set(rules, &rs);
	ok(want > 20 && rules_kept(rs), "a fresh set: its patterns kept in "
	    "a cache (%d rules)", want);
	if (rs == NULL || rules_cache_path(rs, path, sizeof(path)) == -1)
		path[0] = '\0';
	rules_free(rs);
	memset(payload, 0, sizeof(payload));
	v = 1;				/* one record */
	memcpy(payload, &v, 8);
	v = sizeof(payload) - 8;	/* its strings: 24 of the 16 left */
	memcpy(payload + 8, &v, 8);
	ok(path[0] != '\0' && rules_cache_save_file(path, magic, payload,
	    sizeof(payload)) == 0, "the cache replaced by one whose strings "
	    "run past its end");
	got = compile_set(rules, &rs);
	is_int(got, want, "that cache ignored: the set from the files, the "
	    "same rules");
	ok(rs != NULL && rules_kept(rs), "and the cache written anew");
	rules_free(rs);
}

int
main(void)
{
	char	 dir[] = "/tmp/unit-guard.XXXXXX";
	char	 cmd[PATH_MAX + 16];

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_guard(dir);
	test_snapshot(dir);
	test_cache_lengths(dir);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return done();
}
