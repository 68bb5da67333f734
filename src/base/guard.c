/*
 * guard.c - a call that touches a mapped file and survives its faults
 * (see guard.h).
 */
#include "bsconfig.h"

#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>

#include "base/guard.h"

struct guard {
	sigjmp_buf		 jmp;
	sigjmp_buf		*outer;
	struct sigaction	 bus, segv;
};

static sigjmp_buf *volatile	 guard_jmp;

static void
guard_signal(int sig)
{
	if (guard_jmp != NULL)
		siglongjmp(*guard_jmp, sig);
	/* not in a guarded call: as if we were not here */
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
guard_arm(struct guard *g)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = guard_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &g->bus);
	sigaction(SIGSEGV, &sa, &g->segv);
	g->outer = guard_jmp;
	guard_jmp = &g->jmp;
}

static void
guard_disarm(struct guard *g)
{
	guard_jmp = g->outer;
	sigaction(SIGBUS, &g->bus, NULL);
	sigaction(SIGSEGV, &g->segv, NULL);
}

int
guard_call(int (*fn)(void *), void *arg, int *faulted)
{
	struct guard	 g;
	int		 rc;

	if (faulted != NULL)
		*faulted = 0;
	guard_arm(&g);
	if (sigsetjmp(g.jmp, 1) != 0) {
		guard_disarm(&g);
		if (faulted != NULL)
			*faulted = 1;
		return -1;
	}
	rc = fn(arg);
	guard_disarm(&g);
	return rc;
}
