/*
 * guard.h - a call that touches a mapped file and survives its faults.
 *
 * A file mapped into memory and cut short by someone else (a copy
 * restored from one taken mid-write, a truncate) raises SIGBUS where its
 * lost pages are touched; a file damaged inside may send a reader astray
 * (SIGSEGV). guard_call runs fn(arg) with both turned into a failure of
 * the call. Guards nest: the innermost one catches. What fn allocated
 * before the fault is not freed. The signals' actions are set for the
 * call and put back after it, so a guard belongs to one thread at a time
 * (the callers guard loads done before threads start, or under a lock).
 */
#ifndef BS_GUARD_H
#define BS_GUARD_H

/* fn(arg)'s result; -1 with *faulted set (when not NULL) after a fault. */
int	 guard_call(int (*fn)(void *), void *arg, int *faulted);

#endif
