/*
 * sharedlibc.c - whether this process may load the system's shared
 * libraries (sharedlibc.h says why a static program must ask).
 *
 * The system's release is read from its libc file itself, not by loading
 * it: the highest GLIBC_2.N of its ELF version definitions, which every
 * glibc release adds (2.36 defines GLIBC_2.36, 2.41 defines GLIBC_2.41).
 * Reading them costs a few pages of a mapping, once, and only on the way
 * to a dlopen: a message that needs no DKIM check and no charset module
 * never pays for it.
 */
#include "bsconfig.h"

#include <sys/auxv.h>
#include <sys/mman.h>
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

#include "base/limits.h"
#include "base/sharedlibc.h"

#ifndef LIBC_SO_PATH
#define LIBC_SO_PATH	"/lib/x86_64-linux-gnu/libc.so.6"
#endif

#if UINTPTR_MAX > 0xffffffffu
#define ELFCLASS_HERE	ELFCLASS64
typedef Elf64_Ehdr	Ehdr;
typedef Elf64_Shdr	Shdr;
typedef Elf64_Verdef	Verdef;
typedef Elf64_Verdaux	Verdaux;
#else
#define ELFCLASS_HERE	ELFCLASS32
typedef Elf32_Ehdr	Ehdr;
typedef Elf32_Shdr	Shdr;
typedef Elf32_Verdef	Verdef;
typedef Elf32_Verdaux	Verdaux;
#endif

static pthread_once_t	 once = PTHREAD_ONCE_INIT;
static int		 verdict;	/* 1 may load, 0 may not */
static char		 theirs[16];	/* the system's release, or "" */
static const char	*libc_file;	/* sharedlibc_path's, or NULL */

/* The release of name if it is "GLIBC_2.N" (N a number), else -1. */
static long
glibc_minor(const char *name, const char *end)
{
	const char	*p;
	long		 n = 0;

	if ((size_t)(end - name) < 9 || memcmp(name, "GLIBC_2.", 8) != 0)
		return -1;
	for (p = name + 8; p < end && *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || n > 100000)
			return -1;
		n = n * 10 + (*p - '0');
	}
	return p == name + 8 || p == end ? -1 : n;
}

/* The highest GLIBC_2.N defined by the version definitions of the ELF
 * image at p (n bytes), or -1. Every offset is checked against n, and
 * every structure copied out (the file's offsets need not be aligned). */
static long
highest_minor(const unsigned char *p, size_t n)
{
	Ehdr		 eh;
	Shdr		 sh, vd = { 0 }, str;
	Verdef		 d;
	Verdaux		 a;
	size_t		 i, off, end, cnt;
	long		 best = -1, m;
	int		 found = 0;

	if (n < sizeof(eh))
		return -1;
	memcpy(&eh, p, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS_HERE ||
	    eh.e_ident[EI_DATA] != (__BYTE_ORDER__ ==
	    __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB : ELFDATA2MSB) ||
	    eh.e_type != ET_DYN || eh.e_shentsize != sizeof(Shdr) ||
	    eh.e_shoff > n || eh.e_shnum > (n - eh.e_shoff) / sizeof(Shdr))
		return -1;
	for (i = 0; i < eh.e_shnum; i++) {
		memcpy(&sh, p + eh.e_shoff + i * sizeof(Shdr), sizeof(sh));
		if (sh.sh_type == SHT_GNU_verdef) {
			vd = sh;
			found = 1;
		}
	}
	if (!found || vd.sh_link >= eh.e_shnum || vd.sh_offset > n ||
	    vd.sh_size > n - vd.sh_offset)
		return -1;
	memcpy(&str, p + eh.e_shoff + vd.sh_link * sizeof(Shdr), sizeof(str));
	if (str.sh_offset > n || str.sh_size > n - str.sh_offset)
		return -1;
	/* the chain of definitions, vd_next from each; at most as many as
	 * fit in the section, so a loop in the offsets ends */
	off = vd.sh_offset;
	end = vd.sh_offset + vd.sh_size;
	for (cnt = 0; cnt < vd.sh_size / sizeof(Verdef); cnt++) {
		if (off > end - sizeof(Verdef))
			break;
		memcpy(&d, p + off, sizeof(d));
		if (d.vd_cnt > 0 && d.vd_aux >= sizeof(Verdef) &&
		    d.vd_aux <= end - off &&
		    sizeof(Verdaux) <= end - off - d.vd_aux) {
			memcpy(&a, p + off + d.vd_aux, sizeof(a));
			if (a.vda_name < str.sh_size) {
				m = glibc_minor((const char *)p + str.sh_offset +
				    a.vda_name, (const char *)p +
				    str.sh_offset + str.sh_size);
				if (m > best)
					best = m;
			}
		}
		if (d.vd_next == 0 || d.vd_next > end - off)
			break;
		off += d.vd_next;
	}
	return best;
}

int
sharedlibc_release(const char *path, char *out, size_t len)
{
	struct stat	 st;
	void		*p;
	long		 m;
	int		 fd, k;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size < (off_t)sizeof(Ehdr) || st.st_size > LIMIT_LIBC_FILE) {
		close(fd);
		return -1;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	m = highest_minor(p, (size_t)st.st_size);
	munmap(p, (size_t)st.st_size);
	if (m < 0)
		return -1;
	k = snprintf(out, len, "2.%ld", m);
	return k < 0 || (size_t)k >= len ? -1 : 0;
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
