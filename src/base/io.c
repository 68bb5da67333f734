/*
 * io.c - io_write (see io.h).
 */
#include <errno.h>
#include <unistd.h>

#include "base/io.h"

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
