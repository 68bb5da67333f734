/*
 * mode_filter.c - filter mode: the message on standard output with our
 * X-Backscatter-* fields; on any error the original bytes unchanged.
 * Only if standard output cannot be written (or the message could not be
 * read whole) does it fail, with 75, so that the host keeps its copy.
 */
#include <errno.h>
#include <unistd.h>

#include "base/io.h"
#include "anatomy/anatomy.h"
#include "cli/modes.h"

/* Copy what is left on stdin to stdout (an oversize message). */
static int
stream_rest(void)
{
	char	 chunk[65536];
	ssize_t	 n;

	for (;;) {
		n = read(STDIN_FILENO, chunk, sizeof(chunk));
		if (n == 0)
			return 0;
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (io_write(STDOUT_FILENO, chunk, (size_t)n) == -1)
			return -1;
	}
}

/* The fallback: the original bytes unchanged. */
static int
pass_through(struct run *r)
{
	r->output_begun = 1;
	if (output_raw(STDOUT_FILENO, &r->msg) == -1 ||
	    (r->msg.oversize && stream_rest() == -1))
		return EX_TEMPFAIL;
	return EX_OK;
}

int
mode_filter(struct run *r)
{
	if (!r->analysed || r->msg.oversize)
		return pass_through(r);
	r->output_begun = 1;
	return output_filter(STDOUT_FILENO, &r->msg,
	    anatomy_kind_name(r->an.kind), &r->ov) == -1 ? EX_TEMPFAIL : EX_OK;
}
