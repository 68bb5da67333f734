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

/* At the start of a process that judges one message: the heap grows by
 * HEAP_ROOM at a time and is never given back (nothing is taken yet).
 * Not for --scan, whose workers size their heap their own way. */
void	 heap_reserve(void);
/* Once a process, when the gate opens: room on the heap for what the
 * analysis allocates, and the heap's pages made present in one call. */
void	 heap_populate(void);

#endif
