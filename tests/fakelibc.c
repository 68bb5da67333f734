/*
 * fakelibc.c - a shared object that names itself a glibc release the
 * program was not linked with, as glibc does, in a banner in .rodata
 * (and defines that release's symbol version, tests/fakelibc.map:
 * GLIBC_2.99): tests/dkim.sh, tests/static.sh and tests/ledger-redis.sh
 * point BACKSCATTER_LIBC at it, as an upgrade of the distribution would
 * leave a static program.
 */
const char	fake_banner[];
const char	fake_banner[] = "GNU C Library (test) stable release "
    "version 2.99.\n";
int	fake_old(void);
int	fake_new(void);

int
fake_old(void)
{
	return 1;
}

int
fake_new(void)
{
	return 2;
}
