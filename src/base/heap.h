/*
 * heap.h - the heap's pages made present ahead of a report's analysis.
 *
 * A page's first touch is a page fault; where the address translation is
 * itself virtualised it costs 10-15 us (the guest's fault, then the
 * host's), against 0.7 us a page made present by one madvise call (and
 * 4 us at its first touch). A report's analysis touches 40 pages of heap,
 * 90 with 200 user rules; a plain message's, 7.
 */
#ifndef BS_HEAP_H
#define BS_HEAP_H

#include <stddef.h>

/* What a report's analysis takes of the heap, most reports (a DSN: 410
 * KiB of heap in all, 280 KiB of them past the heap's first 132 KiB) */
#define HEAP_REPORT	(256u * 1024)

/* At the start of a process that judges one message: the heap grows by
 * HEAP_REPORT at a time and is never given back, and blocks up to 1 MiB
 * come from it (nothing is taken yet). Not for --scan, whose workers
 * size their heap their own way. */
void	 heap_reserve(void);
/* room bytes free on the heap (3 MiB at most: the heap keeps a free top
 * under 4 MiB), and the heap's pages not made present yet made present
 * in one call. Nothing in a process that did not call
 * heap_reserve: --scan's workers keep their heap from one message to the
 * next, and the milter's threads allocate from arenas of their own. */
void	 heap_populate(size_t room);

#endif
