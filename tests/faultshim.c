/*
 * faultshim.c - an LD_PRELOAD shim that makes system calls and the
 * allocator fail on demand, for the fault-injection tests.
 *
 * Each wrapped function counts its calls. FAULT_<NAME>=N makes the Nth
 * call fail; "N+" makes the Nth and every later call fail. NAME is one of
 *
 *   READ (read and pread) WRITE WRITEV FSYNC FDATASYNC RENAME RENAMEAT LINK OPEN OPENAT
 *   CLOSE MKDIR MALLOC CALLOC REALLOC COPY MEMFD PIPE PIPESZ MMAP
 *
 * COPY is sendfile, splice and vmsplice, the copies the kernel makes from
 * stdin or memory to stdout: counted when either descriptor is FAULT_FD
 * (or always), and a short write halves what one moves. MEMFD is memfd_create. PIPE is
 * pipe and pipe2; PIPESZ is fcntl's F_SETPIPE_SZ (other fcntl commands
 * pass, uncounted). MMAP is an anonymous mmap (the program's own room;
 * glibc's allocator maps without the PLT, unseen).
 *
 * FAULT_ERRNO   the errno a failing call sets: a number or EIO (default),
 *               ENOSPC, EINTR, EAGAIN, EACCES, EDQUOT, EPIPE, ENOMEM, EINVAL
 * FAULT_FD      count and fail read/write/writev/fsync/fdatasync/close
 *               only on this descriptor (e.g. 1 for stdout)
 * FAULT_SHORT_WRITE=N  the Nth write/writev/copy (on FAULT_FD) writes
 *               only half its bytes and succeeds: callers must loop
 * FAULT_READ_FROM=N  every read (on FAULT_FD) fails once N bytes have
 *               been read: a fault at a place in the input, however the
 *               reads happened to be cut
 * FAULT_REPORT  a file that gets "NAME calls" lines at exit, to learn how
 *               many calls a run makes (for looping over every N)
 * FAULT_SHRINK_MAPPED=1  when a file is mapped, truncate it to nothing
 *               right after (as another process could): reading the
 *               mapping then raises SIGBUS
 *
 * The wrappers go straight to the system (syscall(2), __libc_malloc), so
 * no dlsym is needed and allocation inside the shim cannot recurse. Only
 * calls through the PLT are seen: stdio's internal writes are not.
 * Built by "make check" as tests/faultshim.so; not installed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

extern void	*__libc_malloc(size_t);
extern void	*__libc_calloc(size_t, size_t);
extern void	*__libc_realloc(void *, size_t);

enum {
	F_READ, F_WRITE, F_WRITEV, F_FSYNC, F_FDATASYNC, F_RENAME, F_RENAMEAT,
	F_LINK, F_OPEN, F_OPENAT, F_CLOSE, F_MKDIR, F_MALLOC, F_CALLOC,
	F_REALLOC, F_COPY, F_MEMFD, F_PIPE, F_PIPESZ, F_MMAP, F_COUNT
};

static const char *const names[F_COUNT] = {
	"READ", "WRITE", "WRITEV", "FSYNC", "FDATASYNC", "RENAME", "RENAMEAT",
	"LINK", "OPEN", "OPENAT", "CLOSE", "MKDIR", "MALLOC", "CALLOC",
	"REALLOC", "COPY", "MEMFD", "PIPE", "PIPESZ", "MMAP"
};

static unsigned long	 calls[F_COUNT];
static unsigned long	 fail_at[F_COUNT];	/* 0: never */
static int		 fail_after[F_COUNT];	/* "N+" */
static int		 fail_errno = EIO;
static int		 only_fd = -1;
static unsigned long	 short_write;
static unsigned long long read_from;		/* FAULT_READ_FROM, 0: off */
static unsigned long long read_bytes;
static unsigned long	 writes;		/* for FAULT_SHORT_WRITE */
static int		 ready;

static void
setup(void)
{
	static const struct { const char *name; int value; } errnos[] = {
		{ "EIO", EIO }, { "ENOSPC", ENOSPC }, { "EINTR", EINTR },
		{ "EAGAIN", EAGAIN }, { "EACCES", EACCES }, { "EDQUOT", EDQUOT },
		{ "EPIPE", EPIPE }, { "ENOMEM", ENOMEM }, { "EINVAL", EINVAL },
	};
	char		 var[32];
	const char	*v;
	char		*end;
	size_t		 i;

	ready = 1;	/* getenv does not allocate; set first anyway */
	for (i = 0; i < F_COUNT; i++) {
		snprintf(var, sizeof(var), "FAULT_%s", names[i]);
		if ((v = getenv(var)) == NULL)
			continue;
		fail_at[i] = strtoul(v, &end, 10);
		fail_after[i] = *end == '+';
	}
	if ((v = getenv("FAULT_ERRNO")) != NULL) {
		fail_errno = atoi(v);
		for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
			if (strcmp(v, errnos[i].name) == 0)
				fail_errno = errnos[i].value;
	}
	if ((v = getenv("FAULT_FD")) != NULL)
		only_fd = atoi(v);
	if ((v = getenv("FAULT_SHORT_WRITE")) != NULL)
		short_write = strtoul(v, NULL, 10);
	if ((v = getenv("FAULT_READ_FROM")) != NULL)
		read_from = strtoull(v, NULL, 10);
}

/* Count a call of f; 1 if it is to fail (errno is then set). */
static int
fault(int f)
{
	unsigned long	 n;

	if (!ready)
		setup();
	n = ++calls[f];
	if (fail_at[f] == 0 || n < fail_at[f] || (n > fail_at[f] &&
	    !fail_after[f]))
		return 0;
	errno = fail_errno;
	return 1;
}

static int
fd_counts(int fd)
{
	if (!ready)
		setup();
	return only_fd == -1 || fd == only_fd;
}

__attribute__((destructor)) static void
report(void)
{
	const char	*path = getenv("FAULT_REPORT");
	char		 line[64];
	int		 fd, i, n;

	if (path == NULL || (fd = (int)syscall(SYS_openat, AT_FDCWD, path,
	    O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
		return;
	for (i = 0; i < F_COUNT; i++) {
		n = snprintf(line, sizeof(line), "%s %lu\n", names[i], calls[i]);
		if (n > 0)
			(void)syscall(SYS_write, fd, line, (size_t)n);
	}
	syscall(SYS_close, fd);
}

void *
mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void	*p;
	char	 path[64];
	int	 w;

	if ((flags & MAP_ANONYMOUS) && fault(F_MMAP))
		return MAP_FAILED;
	p = (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
	if (p != MAP_FAILED && !(flags & MAP_ANONYMOUS) && fd >= 0 &&
	    getenv("FAULT_SHRINK_MAPPED") != NULL) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if ((w = (int)syscall(SYS_open, path, O_WRONLY)) != -1) {
			(void)syscall(SYS_ftruncate, w, 0);
			syscall(SYS_close, w);
		}
	}
	return p;
}

/* pread counts as a READ: the same descriptor, another offset */
ssize_t
pread(int fd, void *p, size_t n, off_t off)
{
	if (fd_counts(fd) && fault(F_READ))
		return -1;
	return syscall(SYS_pread64, fd, p, n, off);
}

ssize_t
pread64(int fd, void *p, size_t n, off_t off)
{
	return pread(fd, p, n, off);
}

ssize_t
read(int fd, void *p, size_t n)
{
	ssize_t	 r;

	if (fd_counts(fd) && fault(F_READ))
		return -1;
	if (fd_counts(fd) && read_from > 0 && read_bytes >= read_from) {
		errno = fail_errno;
		return -1;
	}
	r = syscall(SYS_read, fd, p, n);
	if (r > 0 && fd_counts(fd))
		read_bytes += (unsigned long long)r;
	return r;
}

ssize_t
write(int fd, const void *p, size_t n)
{
	if (fd_counts(fd)) {
		if (fault(F_WRITE))
			return -1;
		if (++writes == short_write && n > 1)
			n /= 2;
	}
	return syscall(SYS_write, fd, p, n);
}

ssize_t
writev(int fd, const struct iovec *iov, int cnt)
{
	if (fd_counts(fd)) {
		if (fault(F_WRITEV))
			return -1;
		if (++writes == short_write && cnt > 0) {
			size_t	 n = iov[0].iov_len > 1 ? iov[0].iov_len / 2 : 1;

			return syscall(SYS_write, fd, iov[0].iov_base, n);
		}
	}
	return syscall(SYS_writev, fd, iov, cnt);
}

/* A copy in the kernel: 1 if it is to fail; a short write halves *n. */
static int
copy_fault(int in, int out, size_t *n)
{
	if (!fd_counts(in) && !fd_counts(out))
		return 0;
	if (fault(F_COPY))
		return 1;
	if (fd_counts(out) && ++writes == short_write && *n > 1)
		*n /= 2;
	return 0;
}

ssize_t
sendfile(int out, int in, off_t *off, size_t n)
{
	if (copy_fault(in, out, &n))
		return -1;
	return syscall(SYS_sendfile, out, in, off, n);
}

ssize_t
sendfile64(int out, int in, off_t *off, size_t n)
{
	return sendfile(out, in, off, n);
}

ssize_t
splice(int in, loff_t *off_in, int out, loff_t *off_out, size_t n,
    unsigned int flags)
{
	if (copy_fault(in, out, &n))
		return -1;
	return syscall(SYS_splice, in, off_in, out, off_out, n, flags);
}

/* vmsplice of one piece of memory (as the program calls it) */
ssize_t
vmsplice(int out, const struct iovec *iov, unsigned long cnt,
    unsigned int flags)
{
	struct iovec	 one;

	if (cnt != 1)
		return syscall(SYS_vmsplice, out, iov, cnt, flags);
	one = iov[0];
	if (copy_fault(-1, out, &one.iov_len))
		return -1;
	return syscall(SYS_vmsplice, out, &one, 1UL, flags);
}

int
memfd_create(const char *name, unsigned int flags)
{
	if (fault(F_MEMFD))
		return -1;
	return (int)syscall(SYS_memfd_create, name, flags);
}

int
pipe2(int fd[2], int flags)
{
	if (fault(F_PIPE))
		return -1;
	return (int)syscall(SYS_pipe2, fd, flags);
}

int
pipe(int fd[2])
{
	return pipe2(fd, 0);
}

int
fcntl(int fd, int cmd, ...)
{
	va_list	 ap;
	long	 arg;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	if (cmd == F_SETPIPE_SZ && fault(F_PIPESZ))
		return -1;
	return (int)syscall(SYS_fcntl, fd, cmd, arg);
}

int
fsync(int fd)
{
	if (fd_counts(fd) && fault(F_FSYNC))
		return -1;
	return (int)syscall(SYS_fsync, fd);
}

int
fdatasync(int fd)
{
	if (fd_counts(fd) && fault(F_FDATASYNC))
		return -1;
	return (int)syscall(SYS_fdatasync, fd);
}

int
close(int fd)
{
	if (fd_counts(fd) && fault(F_CLOSE)) {
		syscall(SYS_close, fd);		/* the fd is gone either way */
		return -1;
	}
	return (int)syscall(SYS_close, fd);
}

int
rename(const char *from, const char *to)
{
	if (fault(F_RENAME))
		return -1;
	return (int)syscall(SYS_renameat, AT_FDCWD, from, AT_FDCWD, to);
}

int
renameat(int dfrom, const char *from, int dto, const char *to)
{
	if (fault(F_RENAMEAT))
		return -1;
	return (int)syscall(SYS_renameat, dfrom, from, dto, to);
}

int
link(const char *from, const char *to)
{
	if (fault(F_LINK))
		return -1;
	return (int)syscall(SYS_linkat, AT_FDCWD, from, AT_FDCWD, to, 0);
}

int
mkdir(const char *path, mode_t mode)
{
	if (fault(F_MKDIR))
		return -1;
	return (int)syscall(SYS_mkdirat, AT_FDCWD, path, mode);
}

static mode_t
mode_arg(int flags, va_list ap)
{
	return (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

int
open(const char *path, int flags, ...)
{
	va_list	 ap;
	mode_t	 mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	if (fault(F_OPEN))
		return -1;
	return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}

int
openat(int dir, const char *path, int flags, ...)
{
	va_list	 ap;
	mode_t	 mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	if (fault(F_OPENAT))
		return -1;
	return (int)syscall(SYS_openat, dir, path, flags, mode);
}

void *
malloc(size_t n)
{
	if (fault(F_MALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_malloc(n);
}

void *
calloc(size_t k, size_t n)
{
	if (fault(F_CALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_calloc(k, n);
}

void *
realloc(void *p, size_t n)
{
	if (fault(F_REALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(p, n);
}
