/*
 * mode_filter.c - filter mode: the message on standard output with our
 * X-Backscatter-* fields; on any error the original bytes unchanged.
 * Only if standard output cannot be written (or the message could not be
 * read whole) does it fail, with 75, so that the host keeps its copy.
 */
#include <unistd.h>

#include "base/io.h"
#include "anatomy/anatomy.h"
#include "cli/modes.h"

/* The fallback: the original bytes unchanged. */
static int
pass_through(struct run *r)
{
	r->output_begun = 1;
	if (output_raw(STDOUT_FILENO, &r->msg) == -1 ||
	    (r->msg.oversize &&
	    io_copy_rest(STDOUT_FILENO, STDIN_FILENO) == -1))
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
