/*
 * sharedlibc.h - whether this process may load shared libraries of the
 * system's glibc (libopendkim with dlopen, iconv's charset modules, the
 * NSS modules that look up a host name).
 *
 * A program linked dynamically always may: the loader that loads them is
 * the system's. A program linked statically (the default build where the
 * archives are there) carries its own copy of glibc's loader, which works
 * only with the shared libraries of the glibc it was linked with: the
 * same release. After the system's glibc moves to another release (an
 * upgrade of the distribution) without a rebuild, those loads are
 * refused here instead of being tried: DKIM verification reports itself
 * unavailable, a charset without a table of the program's own is read
 * as an unknown one, and a Redis ledger named by a host name is not
 * reached. Same release, other patch level (a distribution's
 * security update): still loaded.
 */
#ifndef BS_SHAREDLIBC_H
#define BS_SHAREDLIBC_H

#include <stddef.h>

/* The system's libc file to compare with, an absolute path (the
 * environment's BACKSCATTER_LIBC), before the first sharedlibc_ok; NULL
 * for the one the build linked with (LIBC_SO_PATH). */
void	 sharedlibc_path(const char *path);

/* 1 if the process may load the system's shared libraries, 0 if not; the
 * answer is worked out once. */
int	 sharedlibc_ok(void);

/* A line for a person: how the program is linked and, when linked
 * statically, the glibc release it carries and the one of the system's
 * libc file; whether loading is allowed. */
void	 sharedlibc_describe(char *buf, size_t len);

/* The release ("2.36") the shared C library at path names in its banner
 * ("... stable release version 2.36.", in its .rodata section), into out;
 * -1 if the file cannot be read as an ELF shared object of this machine's
 * class and byte order with that banner, or out is too short. */
int	 sharedlibc_release(const char *path, char *out, size_t len);

#endif
