/*
 * io.c - io_write, io_send_file, io_read_full, io_copy_rest (see io.h).
 *
 * The kernel copies file to pipe or file to file without the bytes
 * passing through the process (sendfile, splice): a large message given
 * as a file leaves without a page of it faulted in here. Where it cannot
 * (an old kernel, a descriptor it does not take), the same bytes are
 * written from memory or read and written, as before.
 */
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "base/io.h"

void
io_blocking(int fd)
{
	int	 fl = fcntl(fd, F_GETFL);

	if (fl != -1 && (fl & O_NONBLOCK))
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
}

int
io_write(int fd, const void *p, size_t n)
{
	const char	*c = p;
	ssize_t		 w;

	while (n > 0) {
		w = write(fd, c, n);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int
io_not_taken(int e)
{
	return e == EINVAL || e == ENOSYS || e == EOPNOTSUPP ||
	    e == ENOTSUP || e == EBADF || e == EPERM || e == EACCES;
}

int
io_send_file(int out, int in, long long off, size_t n, const void *mem)
{
	struct stat	 st;
	off_t		 o = (off_t)off;
	const char	*c = mem;
	ssize_t		 w;

	/* into a file only: into a pipe or a socket, sendfile passes the
	 * file's own pages, and the reader reads them later as the file is
	 * then (written into, or cut short, after we are gone) */
	if (fstat(out, &st) == -1 || !S_ISREG(st.st_mode))
		return io_write(out, mem, n);
	while (n > 0) {
		w = sendfile(out, in, &o, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && !io_not_taken(errno))
			return -1;
		if (w <= 0)	/* not taken, or the file ends early */
			break;
		c += w;
		n -= (size_t)w;
	}
	return n == 0 ? 0 : io_write(out, c, n);
}

int
io_send_pages(int out, const void *mem, size_t n)
{
	const char	*c = mem;
	struct iovec	 iov;
	ssize_t		 w;

	while (n > 0) {
		iov.iov_base = (void *)c;
		iov.iov_len = n;
		w = vmsplice(out, &iov, 1, 0);
		if (w == -1 && errno == EINTR)
			continue;
		/* an error moved nothing: the rest written, which says
		 * whether the pipe itself failed (its reader gone) */
		if (w <= 0)
			break;
		c += w;
		n -= (size_t)w;
	}
	return n == 0 ? 0 : io_write(out, c, n);
}

long long
io_read_full(int fd, void *p, size_t n, long long off)
{
	char	*c = p;
	size_t	 got = 0;
	ssize_t	 r;

	while (got < n) {
		r = off < 0 ? read(fd, c + got, n - got) :
		    pread(fd, c + got, n - got, (off_t)off + (off_t)got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (long long)got;
}

int
io_copy_rest(int out, int in)
{
	char		 chunk[65536];
	struct stat	 st, ost;
	ssize_t		 n;
	int		 kernel = 1;

	/*
	 * Into a file only, a file by sendfile from its offset on, a pipe
	 * by splice. Into a pipe or a socket, both would pass on pages not
	 * ours: the input pipe's, which may be its writer's (vmsplice; the
	 * writer takes its pipe's emptying for their being read and may
	 * write into them again), or the input file's; our reader reads
	 * them later, as they are then (a message over the limit came out
	 * altered past it).
	 */
	if (fstat(in, &st) == -1 || fstat(out, &ost) == -1 ||
	    !S_ISREG(ost.st_mode))
		kernel = 0;
	while (kernel) {
		if (S_ISREG(st.st_mode))
			n = sendfile(out, in, NULL, 1u << 30);
		else
			n = splice(in, NULL, out, NULL, 1u << 30,
			    SPLICE_F_MOVE | SPLICE_F_MORE);
		if (n == 0)
			return 0;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && io_not_taken(errno))
			break;		/* nothing moved yet by this call */
		if (n == -1)
			return -1;
	}
	for (;;) {
		n = read(in, chunk, sizeof(chunk));
		if (n == 0)
			return 0;
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (io_write(out, chunk, (size_t)n) == -1)
			return -1;
	}
}

void
io_pipe_grow(int fd)
{
	(void)fcntl(fd, F_SETPIPE_SZ, (int)IO_PIPE_CAPACITY);
}
