/*
 * io.h - writing to a descriptor: every byte, or a clear failure.
 *
 * write(2) may write less than asked (pipes, signals); every writer of
 * the program (filter output, delivery, reports) goes through io_write so
 * that a short write is never mistaken for a whole one.
 */
#ifndef BS_IO_H
#define BS_IO_H

#include <stddef.h>

/* Write all n bytes of p to fd, retrying after EINTR and short writes.
 * 0, or -1 with errno set by the failing write. */
int	 io_write(int fd, const void *p, size_t n);
/* Does errno e, from sendfile, splice or vmsplice, say the call was not
 * taken (nothing moved: these descriptors, this kernel, or a system call
 * filter refusing it), so that reading and writing may do it instead? */
int	 io_not_taken(int e);
/*
 * Write to out the n bytes that are both at offset off of the file in and
 * at mem (a mapping of it): into a file by sendfile, without the process
 * touching them, else (a pipe or socket, which would hold the file's own
 * pages; a descriptor sendfile does not take; a file that ends early)
 * what is left from mem. The offset of in does not move. 0, or -1 with
 * errno set.
 */
int	 io_send_file(int out, int in, long long off, size_t n,
	    const void *mem);
/*
 * Write the n bytes at mem to out; where out is a pipe, by vmsplice: the
 * pipe takes the pages themselves, not a copy, and its reader reads them
 * from there. The caller must never change those bytes again (nor free
 * them into memory that is written: only pages of a mapping it drops
 * whole). Where vmsplice takes none (no pipe, an old kernel, a system
 * call filter: any error), the rest is written. 0, or -1 with errno.
 */
int	 io_send_pages(int out, const void *mem, size_t n);
/* Read n bytes into p, fewer only at the end of fd: from off (pread, the
 * offset of fd does not move), or from where fd is when off is -1. The
 * count, or -1 with errno set. */
long long io_read_full(int fd, void *p, size_t n, long long off);
/* Copy what is left on in to out (into a file: sendfile from a file,
 * splice from a pipe; else read and write). 0, or -1 with errno set. */
int	 io_copy_rest(int out, int in);

/* fd made blocking, when the host handed it over non-blocking (O_NONBLOCK
 * left on a pipe): every read and write of the program waits for its
 * data, and EAGAIN was a failure (75, the message deferred at every
 * retry). */
void	 io_blocking(int fd);

/* What io_pipe_grow asks a pipe to hold: a host's pipe, or one of ours,
 * then takes 1 MiB at a turn, not 64 KiB. */
#define IO_PIPE_CAPACITY	(1u << 20)

/* Grow the pipe fd to IO_PIPE_CAPACITY where the system allows (its
 * pipe-max-size and the user's pipe pages); nothing where fd is no pipe.
 * Safe in a signal handler. */
void	 io_pipe_grow(int fd);

#endif
