/*
 * deliver-shim.c - an LD_PRELOAD library that makes one system call fail
 * (or stall) on the files a delivery writes, for tests/faults.sh: a full
 * disk, a dying disk, a slow one to kill the process on.
 *
 *	FAULT_CALL	write, fsync, rename or ftruncate
 *	FAULT_PATH	only calls on a file whose path contains this
 *			(write/fsync/ftruncate: the descriptor's path;
 *			rename: the old path)
 *	FAULT_NTH	fail from the n-th matching call on (default 1)
 *	FAULT_ERRNO	the errno to fail with, as a number (default ENOSPC)
 *	FAULT_SLEEP	instead of failing, sleep this many seconds first
 *			(to kill the process at that point)
 *
 * Only the descriptor's path selects a call, so the shim never touches
 * stdin, stdout, stderr or anything outside the delivery target.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static int	 calls;

/* Should this call (by name, on path) fail? Sleeps instead if asked. */
static int
fault(const char *call, const char *path)
{
	const char	*want = getenv("FAULT_CALL");
	const char	*where = getenv("FAULT_PATH");
	const char	*nth = getenv("FAULT_NTH");
	const char	*nap = getenv("FAULT_SLEEP");
	const char	*err = getenv("FAULT_ERRNO");

	if (want == NULL || strcmp(want, call) != 0)
		return 0;
	if (where != NULL && (path == NULL || strstr(path, where) == NULL))
		return 0;
	if (++calls < (nth != NULL ? atoi(nth) : 1))
		return 0;
	if (nap != NULL) {
		sleep((unsigned)atoi(nap));
		return 0;
	}
	errno = err != NULL ? atoi(err) : ENOSPC;
	return 1;
}

static const char *
fd_path(int fd, char *buf, size_t len)
{
	char	 link[64];
	ssize_t	 n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, buf, len - 1)) < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

ssize_t
write(int fd, const void *p, size_t n)
{
	static ssize_t	(*real)(int, const void *, size_t);
	char		 path[4096];

	if (real == NULL)
		real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT,
		    "write");
	if (fd > 2 && fault("write", fd_path(fd, path, sizeof(path))))
		return -1;
	return real(fd, p, n);
}

int
fsync(int fd)
{
	static int	(*real)(int);
	char		 path[4096];

	if (real == NULL)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	if (fault("fsync", fd_path(fd, path, sizeof(path))))
		return -1;
	return real(fd);
}

int
ftruncate(int fd, off_t len)
{
	static int	(*real)(int, off_t);
	char		 path[4096];

	if (real == NULL)
		real = (int (*)(int, off_t))dlsym(RTLD_NEXT, "ftruncate");
	if (fault("ftruncate", fd_path(fd, path, sizeof(path))))
		return -1;
	return real(fd, len);
}

int
rename(const char *from, const char *to)
{
	static int	(*real)(const char *, const char *);

	if (real == NULL)
		real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT,
		    "rename");
	if (fault("rename", from))
		return -1;
	return real(from, to);
}
