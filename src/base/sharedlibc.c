/*
 * sharedlibc.c - whether this process may load the system's shared
 * libraries (sharedlibc.h says why a static program must ask).
 *
 * The system's release is read from its libc file itself, not by loading
 * it: the banner in its .rodata section ("... stable release version
 * 2.36."), the string gnu_get_libc_version's release is printed in. (Not
 * the highest GLIBC_2.N version it defines: a release that adds no
 * symbol adds no version, 2.19 to 2.21 none.) Reading it costs a search
 * of some 150 KB of a mapping, once, and only on the way to a dlopen: a
 * message that needs no DKIM check and no charset module never pays.
 */
#include "bsconfig.h"

#include <sys/auxv.h>
#include <sys/stat.h>

#include <elf.h>
#include <fcntl.h>
#include <gnu/libc-version.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/io.h"
#include "base/limits.h"
#include "base/sharedlibc.h"

#ifndef LIBC_SO_PATH
#define LIBC_SO_PATH	"/lib/x86_64-linux-gnu/libc.so.6"
#endif

#if UINTPTR_MAX > 0xffffffffu
#define ELFCLASS_HERE	ELFCLASS64
typedef Elf64_Ehdr	Ehdr;
typedef Elf64_Shdr	Shdr;
#else
#define ELFCLASS_HERE	ELFCLASS32
typedef Elf32_Ehdr	Ehdr;
typedef Elf32_Shdr	Shdr;
#endif

static pthread_once_t	 once = PTHREAD_ONCE_INIT;
static int		 verdict;	/* 1 may load, 0 may not */
static char		 theirs[16];	/* the system's release, or "" */
static const char	*libc_file;	/* sharedlibc_path's, or NULL */

/* The words before the release in the banner every glibc carries (the
 * one libc.so.6 prints when run): "GNU C Library (Debian GLIBC
 * 2.36-9+deb12u14) stable release version 2.36." */
#define BANNER		"release version "
#define BANNER_LEN	(sizeof(BANNER) - 1)

/* n bytes at off of fd into p, all of them: 0, else -1. */
static int
read_at(int fd, void *p, size_t n, off_t off)
{
	return io_read_full(fd, p, n, (long long)off) == (long long)n ? 0 : -1;
}

/* The section header i of the ELF file fd (its header eh checked) into
 * sh; -1 past the table or unread. */
static int
section(int fd, const Ehdr *eh, size_t i, Shdr *sh)
{
	if (i >= eh->e_shnum)
		return -1;
	return read_at(fd, sh, sizeof(*sh), (off_t)(eh->e_shoff +
	    i * sizeof(Shdr)));
}

/* The release the banner text at d (up to end) begins with: digits, a
 * dot, digits ("2.36"), into out; -1 if it does not, or out is short. */
static int
release_at(const char *d, const char *end, char *out, size_t len)
{
	size_t	 k, minor;

	for (k = 0; d + k < end && d[k] >= '0' && d[k] <= '9'; k++)
		;
	if (k == 0 || d + k >= end || d[k] != '.')
		return -1;
	for (minor = ++k; d + k < end && d[k] >= '0' && d[k] <= '9'; k++)
		;
	if (k == minor || k >= len)
		return -1;
	memcpy(out, d, k);
	out[k] = '\0';
	return 0;
}

/*
 * The release ("2.36") the banner in the .rodata section of the ELF file
 * fd (size bytes) names, into out; -1 when it is no shared object of this
 * machine's class and byte order, has no .rodata, or no banner there.
 * Read with pread, each piece checked against the size (a file mapped and
 * cut short meanwhile would raise SIGBUS).
 */
static int
banner_release(int fd, size_t size, char *out, size_t len)
{
	Ehdr		 eh;
	Shdr		 sh, names;
	char		 name[sizeof(".rodata")], *text;
	const char	*hit;
	size_t		 i;
	int		 rc = -1;

	if (read_at(fd, &eh, sizeof(eh), 0) == -1 ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS_HERE ||
	    eh.e_ident[EI_DATA] != (__BYTE_ORDER__ ==
	    __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB : ELFDATA2MSB) ||
	    eh.e_type != ET_DYN || eh.e_shentsize != sizeof(Shdr) ||
	    eh.e_shoff > size ||
	    eh.e_shnum > (size - eh.e_shoff) / sizeof(Shdr) ||
	    section(fd, &eh, eh.e_shstrndx, &names) == -1 ||
	    names.sh_offset > size || names.sh_size > size - names.sh_offset)
		return -1;
	for (i = 0; section(fd, &eh, i, &sh) == 0; i++) {
		if (sh.sh_type != SHT_PROGBITS || sh.sh_name >= names.sh_size ||
		    names.sh_size - sh.sh_name < sizeof(name) ||
		    read_at(fd, name, sizeof(name), (off_t)(names.sh_offset +
		    sh.sh_name)) == -1 || memcmp(name, ".rodata",
		    sizeof(name)) != 0)
			continue;
		if (sh.sh_offset > size || sh.sh_size > size - sh.sh_offset ||
		    sh.sh_size == 0 || (text = malloc(sh.sh_size)) == NULL)
			return -1;
		if (read_at(fd, text, sh.sh_size, (off_t)sh.sh_offset) == 0 &&
		    (hit = memmem(text, sh.sh_size, BANNER, BANNER_LEN)) != NULL)
			rc = release_at(hit + BANNER_LEN, text + sh.sh_size, out,
			    len);
		free(text);
		return rc;
	}
	return -1;
}

int
sharedlibc_release(const char *path, char *out, size_t len)
{
	struct stat	 st;
	int		 fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	rc = -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size >= (off_t)sizeof(Ehdr) && st.st_size <= LIMIT_LIBC_FILE)
		rc = banner_release(fd, (size_t)st.st_size, out, len);
	close(fd);
	return rc;
}

/* A program with no interpreter (AT_BASE 0) was linked statically. */
static int
linked_statically(void)
{
	return getauxval(AT_BASE) == 0;
}

static const char *
libc_path(void)
{
	return libc_file != NULL ? libc_file : LIBC_SO_PATH;
}

void
sharedlibc_path(const char *path)
{
	libc_file = path != NULL && *path == '/' ? path : NULL;
}

static void
decide(void)
{
	verdict = 1;
	if (!linked_statically())
		return;
	if (sharedlibc_release(libc_path(), theirs, sizeof(theirs)) == -1)
		theirs[0] = '\0';
	verdict = strcmp(theirs, gnu_get_libc_version()) == 0;
}

int
sharedlibc_ok(void)
{
	pthread_once(&once, decide);
	return verdict;
}

void
sharedlibc_describe(char *buf, size_t len)
{
	int	 ok = sharedlibc_ok();

	if (!linked_statically())
		snprintf(buf, len, "linked dynamically");
	else if (ok)
		snprintf(buf, len, "linked statically with glibc %s, the "
		    "release of %s: its shared libraries may be loaded",
		    gnu_get_libc_version(), libc_path());
	else if (theirs[0] == '\0')
		snprintf(buf, len, "linked statically with glibc %s; %s "
		    "cannot be read as a glibc: libopendkim, iconv's "
		    "charset modules and host name lookups are not loaded "
		    "(rebuild the program)",
		    gnu_get_libc_version(), libc_path());
	else
		snprintf(buf, len, "linked statically with glibc %s, the "
		    "system's is %s (%s): libopendkim, iconv's charset "
		    "modules and host name lookups are not loaded (rebuild "
		    "the program)",
		    gnu_get_libc_version(), theirs, libc_path());
}
