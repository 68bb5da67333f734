/*
 * redir.c - run a program with a file on stdin, for hyperfine 1.15
 * (Debian 12), which has no --input.
 *
 *	redir FILE PROG [ARG...]
 *	redir -p FILE PROG [ARG...]
 *
 * hyperfine -N runs "redir msg.eml /path/backscatter --test" directly, no
 * shell. Built static, redir adds one small exec to each run; bench/run
 * measures that exec (redir FILE empty-static against empty-static) and
 * subtracts it, so the ratios against cat are not diluted by it.
 *
 * With -p the file comes through a pipe, as from an MTA: a child writes
 * it in 64 KiB pieces while the program reads.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void
feed(int in, int out)
{
	char	 buf[65536];
	ssize_t	 n, w, off;

	while ((n = read(in, buf, sizeof(buf))) > 0)
		for (off = 0; off < n; off += w)
			if ((w = write(out, buf + off, (size_t)(n - off))) <= 0)
				_exit(1);
	_exit(0);
}

int
main(int argc, char *argv[])
{
	int	 fd, p[2], pipe_in = 0;

	if (argc > 1 && strcmp(argv[1], "-p") == 0) {
		pipe_in = 1;
		argc--;
		argv++;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: redir [-p] FILE PROG [ARG...]\n");
		return 64;
	}
	if ((fd = open(argv[1], O_RDONLY)) == -1) {
		perror(argv[1]);
		return 66;
	}
	if (pipe_in) {
		if (pipe(p) == -1) {
			perror("pipe");
			return 71;
		}
		switch (fork()) {
		case -1:
			perror("fork");
			return 71;
		case 0:
			close(p[0]);
			feed(fd, p[1]);
			break;
		default:
			close(p[1]);
			close(fd);
			fd = p[0];
			break;
		}
	}
	if (fd != 0) {
		dup2(fd, 0);
		close(fd);
	}
	execv(argv[2], argv + 2);
	perror(argv[2]);
	return 127;
}
