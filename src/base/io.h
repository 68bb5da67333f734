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

#endif
