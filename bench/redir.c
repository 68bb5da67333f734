/*
 * redir.c - run a program with a file on stdin, for hyperfine 1.15
 * (Debian 12), which has no --input.
 *
 *	redir FILE PROG [ARG...]
 *
 * hyperfine -N runs "redir msg.eml /path/backscatter --test" directly, no
 * shell. Built static, redir adds one small exec to each run; bench/run
 * measures that exec (redir FILE empty-static against empty-static) and
 * subtracts it, so the ratios against cat are not diluted by it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	int	 fd;

	if (argc < 3) {
		fprintf(stderr, "usage: redir FILE PROG [ARG...]\n");
		return 64;
	}
	if ((fd = open(argv[1], O_RDONLY)) == -1) {
		perror(argv[1]);
		return 66;
	}
	if (fd != 0) {
		dup2(fd, 0);
		close(fd);
	}
	execv(argv[2], argv + 2);
	perror(argv[2]);
	return 127;
}
