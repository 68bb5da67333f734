/*
 * fakelibc.c - a shared object that defines the symbol versions of a
 * glibc release the program was not linked with (tests/fakelibc.map:
 * GLIBC_2.99): tests/dkim.sh and tests/static.sh point BACKSCATTER_LIBC
 * at it, as an upgrade of the distribution would leave a static program.
 */
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
