/*
 * unit-sharedlibc.c - the glibc release read from the banner in a libc
 * file's .rodata (src/base/sharedlibc.c): the system's libc reads as the
 * release this test was linked with; tests/fakelibc.so as 2.99; files
 * that are no shared object, none at all, and the system's libc cut
 * short or with bytes of its headers and first 64 KiB changed at random
 * read as -1 or as some release, never past the file (ASan and valgrind
 * runs watch that).
 */
#include "bsconfig.h"

#include <elf.h>
#include <gnu/libc-version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/limits.h"
#include "base/sharedlibc.h"
#include "tap.h"

static unsigned char	*libc_bytes;
static size_t		 libc_len;

static int
slurp(const char *path)
{
	FILE	*f = fopen(path, "rb");
	long	 n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (libc_bytes = malloc(n)) == NULL ||
	    fread(libc_bytes, 1, n, f) != (size_t)n) {
		if (f != NULL)
			fclose(f);
		return -1;
	}
	fclose(f);
	libc_len = (size_t)n;
	return 0;
}

static void
spill(const char *path, const unsigned char *p, size_t n)
{
	FILE	*f = fopen(path, "wb");

	if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		exit(99);
	}
}

/* 1 if out is digits, a dot, digits ("2.36"). */
static int
release_form(const char *out)
{
	size_t	 i = 0, major;

	while (out[i] >= '0' && out[i] <= '9')
		i++;
	if (i == 0 || out[i] != '.')
		return 0;
	for (major = ++i; out[i] >= '0' && out[i] <= '9'; i++)
		;
	return i > major && out[i] == '\0';
}

int
main(void)
{
	char		 tmp[] = "/tmp/unit-sharedlibc.XXXXXX", path[64];
	char		 out[16], small[4], fake[4096];
	const char	*top = getenv("top_builddir");
	unsigned char	*copy;
	const Elf64_Ehdr *eh;
	size_t		 i, cut, bad_cut = 0, bad_flip = 0, lo, hi;
	int		 fd, r;

	plan(0);
	is_int(sharedlibc_release("/nonexistent/libc.so.6", out, sizeof(out)),
	    -1, "a file that is not there: -1");
	is_int(sharedlibc_release("/dev/null", out, sizeof(out)), -1,
	    "not a regular file: -1");
	if ((fd = mkstemp(tmp)) == -1)
		return 99;
	close(fd);
	spill(tmp, (const unsigned char *)"v=DKIM1; k=rsa; p=...\n", 22);
	is_int(sharedlibc_release(tmp, out, sizeof(out)), -1,
	    "a text file: -1");

	snprintf(fake, sizeof(fake), "%s/tests/fakelibc.so",
	    top != NULL ? top : ".");
	r = sharedlibc_release(fake, out, sizeof(out));
	ok(r == 0 && strcmp(out, "2.99") == 0,
	    "tests/fakelibc.so (its banner: release version 2.99): 2.99 "
	    "(%d, %s)", r,
	    r == 0 ? out : "-");
	is_int(sharedlibc_release(fake, small, sizeof(small)), -1,
	    "... into a buffer too small for it: -1");

	if (slurp(LIBC_SO_PATH) == -1) {
		ok(1, "# SKIP no libc at %s", LIBC_SO_PATH);
		unlink(tmp);
		return done();
	}
	r = sharedlibc_release(LIBC_SO_PATH, out, sizeof(out));
	ok(r == 0 && strcmp(out, gnu_get_libc_version()) == 0,
	    "%s: the release this test was linked with, %s (%d, %s)",
	    LIBC_SO_PATH, gnu_get_libc_version(), r, r == 0 ? out : "-");

	/* LIMIT_LIBC_FILE: the libc's bytes, then a hole to that size, is
	 * still read; one byte more and the file is no libc */
	spill(tmp, libc_bytes, libc_len);
	r = truncate(tmp, (off_t)LIMIT_LIBC_FILE) == 0 ?
	    sharedlibc_release(tmp, out, sizeof(out)) : -2;
	ok(r == 0 && strcmp(out, gnu_get_libc_version()) == 0,
	    "the libc made LIMIT_LIBC_FILE bytes long: still read (%d)", r);
	r = truncate(tmp, (off_t)LIMIT_LIBC_FILE + 1) == 0 ?
	    sharedlibc_release(tmp, out, sizeof(out)) : -2;
	is_int(r, -1, "... one byte longer: -1, not read");

	/* cut short: before the section headers (at the end) end, every
	 * cut is -1; anything else must at least be a release */
	eh = (const Elf64_Ehdr *)libc_bytes;
	for (i = 0; i < 200; i++) {
		cut = i < 100 ? i * 7 : (size_t)random() % libc_len;
		spill(tmp, libc_bytes, cut);
		r = sharedlibc_release(tmp, out, sizeof(out));
		if (cut < eh->e_shoff + (size_t)eh->e_shnum * eh->e_shentsize ?
		    r != -1 : r == 0 && !release_form(out))
			bad_cut++;
	}
	is_int((int)bad_cut, 0, "the libc cut at 200 lengths: -1 before its "
	    "section headers end, else a release");

	/* bytes changed in the ELF header, the section headers and the
	 * first 64 KiB */
	if ((copy = malloc(libc_len)) == NULL)
		return 99;
	lo = eh->e_shoff;
	hi = libc_len;
	for (i = 0; i < 300; i++) {
		size_t	 k, at;

		memcpy(copy, libc_bytes, libc_len);
		for (k = 0; k < 1 + (size_t)random() % 8; k++) {
			switch (random() % 3) {
			case 0:
				at = (size_t)random() % sizeof(Elf64_Ehdr);
				break;
			case 1:
				at = lo + (size_t)random() % (hi - lo);
				break;
			default:
				at = (size_t)random() % (libc_len < 65536 ?
				    libc_len : 65536);
				break;
			}
			copy[at] = (unsigned char)random();
		}
		spill(tmp, copy, libc_len);
		r = sharedlibc_release(tmp, out, sizeof(out));
		if (r != -1 && (r != 0 || !release_form(out)))
			bad_flip++;
	}
	is_int((int)bad_flip, 0, "300 libc copies with bytes changed: each -1 "
	    "or a release");
	snprintf(path, sizeof(path), "%s", tmp);
	unlink(path);
	free(copy);
	free(libc_bytes);
	return done();
}
