/*
 * heap.c - the heap's pages made present ahead of a report's analysis
 * (see heap.h).
 *
 * glibc's malloc takes the heap from brk(2), and its main arena is one
 * run of memory from the heap's start to the break: its size (mallinfo2's
 * arena) says where it starts. The pages malloc has not handed out yet
 * are made present with the rest, and the room is sized to what a report
 * needs, so that few are never touched: a DSN takes 410 KiB of heap, and
 * with the room of 256 KiB 84 of 100 Sisimai reports find all they take
 * made present (320 KiB: 95, for 128 KiB more of peak RSS on every
 * report; the budget of 4 MiB is near for a small one).
 */
#include <sys/mman.h>

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/heap.h"

#define HEAP_ROOM	(256u * 1024)
#define HEAP_STEP	(64u * 1024)	/* under malloc's mmap threshold */

void
heap_reserve(void)
{
#if defined(M_TOP_PAD) && defined(M_TRIM_THRESHOLD)
	(void)mallopt(M_TRIM_THRESHOLD, 4 * 1024 * 1024);
	(void)mallopt(M_TOP_PAD, HEAP_ROOM);
#endif
}

void
heap_populate(void)
{
#ifdef MADV_POPULATE_WRITE
	static int	 done;
	void *volatile	 p[4];	/* (a block freed unused is not left out) */
	char		*top, *from;
	size_t		 size;
	int		 n = 0;

	if (done)
		return;
	done = 1;
	/* the room: blocks taken until the heap grows (by HEAP_ROOM past
	 * them), given back into its free top */
	if (mallinfo2().keepcost < HEAP_ROOM / 2) {
		top = sbrk(0);
		while (n < 4 && (p[n] = malloc(HEAP_STEP)) != NULL) {
			n++;
			if (sbrk(0) != top)
				break;
		}
		while (n > 0)
			free(p[--n]);
	}
	top = sbrk(0);
	size = mallinfo2().arena;
	if (top == (char *)-1 || size == 0 || size > (uintptr_t)top)
		return;
	from = (char *)(((uintptr_t)(top - size) + 4095) & ~(uintptr_t)4095);
	if (top > from)
		(void)madvise(from, (size_t)(top - from), MADV_POPULATE_WRITE);
#endif
}
