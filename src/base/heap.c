/*
 * heap.c - the heap's pages made present ahead of a report's analysis
 * (see heap.h).
 *
 * glibc's malloc takes the heap from brk(2), and its main arena is one
 * run of memory from the heap's start to the break: its size (mallinfo2's
 * arena) says where it starts, its free top (keepcost) how much is left.
 * The pages malloc has not handed out yet are made present with the
 * rest, and the room is sized to what is coming, so that few are never
 * touched: with HEAP_REPORT at the gate, 84 of 100 Sisimai reports take
 * nothing past it (320 KiB: 95, for 128 KiB more of peak RSS on every
 * report; the budget of 4 MiB is near for a small one); a user's rule
 * set asks for its snapshot's size and half as much before it is
 * decoded (3 MiB at most, HEAP_ROOM_AT_ONCE: 3,000 rules' snapshot asks
 * 3.2). glibc's own (mallinfo2 is 2.33's); elsewhere, nothing.
 */
#include <sys/mman.h>

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/heap.h"

#define HEAP_BLOCKS	(1024u * 1024)	/* taken from the heap up to this */
#define HEAP_TRIM	(4u * 1024 * 1024)	/* the free top kept up to this */
/* The most room asked for at once: under HEAP_TRIM, or the free() that
 * gives the room back into the heap would give it back to the system */
#define HEAP_ROOM_AT_ONCE	(HEAP_TRIM - HEAP_TRIM / 4)

#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33) && \
    defined(M_TOP_PAD) && defined(M_TRIM_THRESHOLD) && \
    defined(M_MMAP_THRESHOLD) && defined(MADV_POPULATE_WRITE)
#define HEAP_GLIBC	1
#endif

static int	 reserved;	/* heap_reserve was called: one thread */

void
heap_reserve(void)
{
	reserved = 1;
#ifdef HEAP_GLIBC
	(void)mallopt(M_TRIM_THRESHOLD, HEAP_TRIM);
	(void)mallopt(M_TOP_PAD, HEAP_REPORT);
	(void)mallopt(M_MMAP_THRESHOLD, HEAP_BLOCKS);
#endif
}

void
heap_populate(size_t room)
{
#ifdef HEAP_GLIBC
	static uintptr_t	 ready;		/* made present up to */
	struct mallinfo2	 mi;
	void *volatile		 p;	/* (a block freed unused is not left out) */
	uintptr_t		 top, from;
	size_t			 n, pad;

	if (!reserved)
		return;
	/* the room: a block past the free top, given back into it (the
	 * heap grows by the block and M_TOP_PAD, HEAP_REPORT); of a block
	 * of HEAP_BLOCKS or more, which malloc would map apart, what is
	 * past a small one is asked for as more M_TOP_PAD for that growth */
	if (room > HEAP_ROOM_AT_ONCE)
		room = HEAP_ROOM_AT_ONCE;
	mi = mallinfo2();
	n = room > HEAP_REPORT + mi.keepcost ? room - HEAP_REPORT :
	    mi.keepcost + 64;
	pad = HEAP_REPORT;
	if (n >= HEAP_BLOCKS) {
		pad += n - (mi.keepcost + 64);
		n = mi.keepcost + 64;
	}
	if (mi.keepcost < room && n < HEAP_BLOCKS) {
		if (pad != HEAP_REPORT)
			(void)mallopt(M_TOP_PAD, (int)pad);
		if ((p = malloc(n)) != NULL)
			free(p);
		if (pad != HEAP_REPORT)
			(void)mallopt(M_TOP_PAD, HEAP_REPORT);
	}
	top = (uintptr_t)sbrk(0);
	mi = mallinfo2();
	if (top == (uintptr_t)-1 || mi.arena == 0 || mi.arena > top)
		return;
	from = top - mi.arena > ready ? top - mi.arena : ready;
	from = (from + 4095) & ~(uintptr_t)4095;
	if (top > from)
		(void)madvise((void *)from, top - from, MADV_POPULATE_WRITE);
	ready = top;
#else
	(void)room;
#endif
}
