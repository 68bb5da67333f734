/*
 * message.c - read one message, find its line ending, From_ line and
 * header block (see message.h).
 *
 * The raw buffer is never changed. Normalised copies live in the arena.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/io.h"
#include "base/limits.h"
#include "read/message.h"

/*
 * From a pipe, a large message would grow the buffer by copying, or fault
 * in one zeroed 4 KiB page at a time (a 10 MB message: 2,500 faults, most
 * of its cost). Reserve address space for the limit once instead, at an
 * address POPULATE_FIRST short of a 2 MiB boundary: the first
 * POPULATE_FIRST bytes (all a small message touches) are made present
 * with one call (populate), and the part past them, a 2 MiB region at a
 * time, takes a huge page where the kernel allows (transparent huge
 * pages, "madvise") and the input fills three quarters of the region or
 * more (struct ahead), else 4 KiB pages made present for what is known
 * to follow (next_region). A huge page holds up to 2 MiB the message does
 * not fill, and the process is to stay within 4 MiB and the message's
 * size. Where the address translation is itself virtualised, a 4 KiB
 * page's first touch costs a fault of its own, by the kernel's copy into
 * it and again by the analysis' first pass: a 3 MB report through pipes
 * took 2.1x cat's time with its first 4 MiB on 4 KiB pages, and a pass
 * over 3 MB just read 3.3 ms, 0.1 ms on huge pages. Not for regular
 * files: those are small here (large ones are mapped).
 */
#define RESERVE_FROM	(8u * 1024 * 1024)	/* a lower limit: a buffer */
#define HUGE_PAGE	(2u * 1024 * 1024)
#define POPULATE_FIRST	(64u * 1024)
/* n bytes in whole 4 KiB pages */
#define PAGES(n)	(((n) + 4095) / 4096 * 4096)

/*
 * size bytes of anonymous memory at an address that agrees with off
 * modulo 2 MiB (huge pages need a 2 MiB-aligned one; a file's large
 * folios, one that agrees with their offset in the file): more is mapped
 * and trimmed. NULL when none is to be had.
 */
static char *
aligned_room(size_t size, size_t off, int flags)
{
	char	*base;
	size_t	 head;

	/* whole pages: the trim after it must start at one (a room of the
	 * limit + 2 bytes kept 2 MiB of address space too many) */
	size = PAGES(size);
	base = mmap(NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	head = (off % HUGE_PAGE + HUGE_PAGE - (uintptr_t)base % HUGE_PAGE) %
	    HUGE_PAGE;
	if (head > 0)
		munmap(base, head);
	munmap(base + head + size, HUGE_PAGE - head);
	return base + head;
}

static char *
huge_aligned(size_t size)
{
	return aligned_room(size, 0, MAP_NORESERVE);
}

static void
reserve(int fd, struct message *m, size_t size)
{
	struct stat	 st;
	char		*base;

	if (size <= RESERVE_FROM || fstat(fd, &st) == -1 ||
	    S_ISREG(st.st_mode))
		return;
	/* the regions past the first POPULATE_FIRST bytes 2 MiB-aligned */
	if ((base = aligned_room(size, HUGE_PAGE - POPULATE_FIRST,
	    MAP_NORESERVE)) == NULL)
		return;
	m->map = base;
	m->map_len = size;
	m->raw.data = base;
	m->raw.cap = size;
}

/*
 * The reserved buffer's first POPULATE_FIRST bytes made present with one
 * call, not a fault per 4 KiB page; *ready is where the room is ready
 * to. A kernel without MADV_POPULATE_WRITE (before 5.14) faults them in.
 */
static void
populate(struct message *m, size_t *ready)
{
	if (m->map == NULL || *ready >= POPULATE_FIRST)
		return;
#ifdef MADV_POPULATE_WRITE
	(void)madvise(m->raw.data + *ready, POPULATE_FIRST - *ready,
	    MADV_POPULATE_WRITE);
#endif
	*ready = POPULATE_FIRST;
}

/*
 * What follows a region's start: the bytes the input's pipe holds
 * (FIONREAD, up to its 1 MiB), and past them the input taken ahead of the
 * reads into pipes of our own, read out of the input and written into
 * ours, a copy: splice would move the input pipe's own pages, which may
 * be its writer's (vmsplice) or a file's, and a writer takes its pipe's
 * emptying for their being read and may write into them again (a 10 MB
 * report from such a writer came out altered from 4 MiB on). Ours are
 * the kernel's memory, not the process's. The reads then take the held
 * bytes first, in order, and the input after them. A write of n bytes
 * into a pipe takes at most n / 4096 of its pages, rounded up: a pipe
 * is written only as far as its pages surely hold, and a write never
 * waits for a reader that is us.
 */
#define AHEAD_PIPES	4
#define AHEAD_CHUNK	(32u * 1024)

enum ahead_end {
	AHEAD_ALL,		/* want bytes held or in the input */
	AHEAD_EOF,		/* the input ended before: all of it held */
	AHEAD_FULL,		/* our pipes hold no more, the input more */
	AHEAD_BLIND		/* no pipe to be had */
};

struct ahead {
	int	 p[AHEAD_PIPES][2];
	size_t	 held[AHEAD_PIPES];
	size_t	 pages[AHEAD_PIPES];	/* a pipe's size, in pages */
	size_t	 taken[AHEAD_PIPES];	/* pages its bytes may take */
	int	 made;		/* pipes made */
	int	 first;		/* the first that holds bytes */
	int	 eof;		/* the input's writer has closed it */
};

static int	 read_rest(int, struct message *, size_t, size_t, size_t);

/* Our pipe k, made when it is not yet. -1 when none is to be had. */
static int
ahead_pipe(struct ahead *a, int k)
{
	int	 size;

	if (k < a->made)
		return 0;
	if (k == AHEAD_PIPES || pipe2(a->p[k], O_CLOEXEC) == -1)
		return -1;
	io_pipe_grow(a->p[k][1]);
	size = fcntl(a->p[k][1], F_GETPIPE_SZ);
	a->pages[k] = size > 0 ? (size_t)size / 4096 : 1;
	a->held[k] = a->taken[k] = 0;
	a->made++;
	return 0;
}

/*
 * Take the input ahead until want bytes are held or in the input's pipe,
 * it ends, or our pipes hold no more: why it stopped (enum ahead_end),
 * *have the bytes known to follow (held, and in the input's pipe when
 * that says AHEAD_ALL), or -1 on a read or write error.
 */
static int
ahead_take(int fd, struct ahead *a, size_t want, size_t *have)
{
	char		 buf[AHEAD_CHUNK];
	struct pollfd	 hup = { .fd = fd, .events = POLLIN };
	size_t		 room, n;
	ssize_t		 r;
	int		 k, avail;

	for (*have = 0, k = a->first; k < a->made; k++)
		*have += a->held[k];
	if (*have == 0)
		a->first = 0;	/* all read: the pipes again from the first */
	k = *have == 0 ? 0 : a->made - 1;
	while (*have < want && !a->eof) {
		/* what the host's pipe holds follows too: taken ahead, a
		 * byte is copied twice more; and when its writer has closed
		 * it (POLLHUP), that is all that follows (a 1 MB report
		 * was copied whole to learn it ends) */
		if (ioctl(fd, FIONREAD, &avail) == -1 || avail < 0)
			avail = 0;	/* it does not say */
		else if (*have + (size_t)avail >= want) {
			*have += (size_t)avail;
			return AHEAD_ALL;
		} else if (poll(&hup, 1, 0) == 1 && (hup.revents & POLLHUP)) {
			*have += (size_t)avail;
			return AHEAD_EOF;
		}
		/* no pipe more (four made, or none to be had: EMFILE):
		 * those before it are full; what the host's pipe holds
		 * follows too */
		if (ahead_pipe(a, k) == -1) {
			*have += (size_t)avail;
			return k > 0 ? AHEAD_FULL : AHEAD_BLIND;
		}
		if (a->held[k] == 0)
			a->taken[k] = 0;
		room = (a->pages[k] - a->taken[k]) * 4096;
		if (room == 0) {
			k++;
			continue;
		}
		n = want - *have;
		if (n > room)
			n = room;
		if (n > sizeof(buf))
			n = sizeof(buf);
		if ((r = read(fd, buf, n)) == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0) {
			a->eof = 1;
			break;
		}
		if (io_write(a->p[k][1], buf, (size_t)r) == -1)
			return -1;
		a->held[k] += (size_t)r;
		a->taken[k] += PAGES((size_t)r) / 4096;
		*have += (size_t)r;
	}
	return *have >= want ? AHEAD_ALL : AHEAD_EOF;
}

/* read(2) of up to n bytes of fd into p: the bytes taken ahead first. */
static ssize_t
ahead_read(int fd, struct ahead *a, char *p, size_t n)
{
	ssize_t	 r;

	while (a->first < a->made && a->held[a->first] == 0)
		a->first++;
	if (a->first == a->made)
		return read(fd, p, n);
	if (n > a->held[a->first])
		n = a->held[a->first];
	if ((r = read(a->p[a->first][0], p, n)) > 0)
		a->held[a->first] -= (size_t)r;
	return r;
}

static void
ahead_close(struct ahead *a)
{
	int	 k;

	for (k = 0; k < a->made; k++) {
		close(a->p[k][0]);
		close(a->p[k][1]);
	}
}

/*
 * The room's next part, past POPULATE_FIRST, from raw.len: at a 2 MiB
 * region's start, a huge page for the region when the input fills three
 * quarters of it or more, else (and when that cannot be told: no pipe of
 * ours to be had) 4 KiB pages made present for what is known to follow
 * (and the NUL after; a 100 KB report from a writer that paused, with
 * no descriptor free, took a huge page: 5.1 MiB of RSS), then,
 * as the region goes on, for what is known to follow each time. A huge
 * page holds what the message does not fill of it, and the process is
 * to stay within 4 MiB and the message's size: half a region unfilled
 * was 0.1-0.2 MiB over (a bounce of 5 MiB and a byte through pipes).
 * *ready is where the room is ready to. 0, or -1 on a read error.
 */
static int
next_region(int fd, struct message *m, size_t *ready, size_t limit,
    struct ahead *a)
{
	size_t	 len = m->raw.len, end, want, have, from, to, in;
	int	 why;

	/* where raw.len is in its region (the room's address decides) */
	in = (uintptr_t)(m->raw.data + len) % HUGE_PAGE;
	end = len + HUGE_PAGE - in;
	if (end > m->map_len)
		end = m->map_len;
	want = limit + 1 - len;
	if (in == 0 && want > HUGE_PAGE / 4 * 3)
		want = HUGE_PAGE / 4 * 3;
	else if (want > end - len)
		want = end - len;
	if ((why = ahead_take(fd, a, want, &have)) == -1)
		return -1;
	if (in == 0 && why == AHEAD_ALL) {
#ifdef MADV_HUGEPAGE
		(void)madvise(m->raw.data + len, end - len, MADV_HUGEPAGE);
#endif
		*ready = end;
		return 0;
	}
	/* what is held, and the NUL after it, within the region (the
	 * next one is decided before the NUL touches it) */
	from = len / 4096 * 4096;
	to = PAGES(len + have + 1);
	if (to > end)
		to = end;
#ifdef MADV_POPULATE_WRITE
	if (madvise(m->raw.data + from, to - from, MADV_POPULATE_WRITE) == 0) {
		*ready = to;
		return 0;
	}
#else
	(void)from;
	(void)to;
#endif
	*ready = end;		/* let it fault */
	return 0;
}

int
message_read(int fd, struct message *m, size_t limit)
{
	struct stat	 st;
	size_t		 piece = 65536;

	memset(m, 0, sizeof(*m));
	/* One byte more than the limit tells "larger" from "exactly". */
	buf_init(&m->raw, limit + 1);
	reserve(fd, m, limit + 2);	/* room for the NUL after limit + 1 */
	/* A regular file is read in one piece of its size (and one byte
	 * more, to see the end); a pipe in pieces as large as the space
	 * made ready for them. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0 &&
	    (unsigned long long)st.st_size < limit)
		piece = (size_t)st.st_size + 1;
	return read_rest(fd, m, limit, piece, 0);
}

/* Read fd to its end after raw's bytes (up to limit + 1 in all), in
 * pieces of piece bytes where no room is made ready; ready bytes of a
 * reserved room are present already. 0, or -1 on a read error. */
static int
read_rest(int fd, struct message *m, size_t limit, size_t piece,
    size_t ready)
{
	struct ahead	 a;
	ssize_t		 n;
	size_t		 want;
	int		 rc = 0;

	memset(&a, 0, sizeof(a));
	/* raw may end where a region starts (a first piece of
	 * POPULATE_FIRST): decided before a read goes into it */
	if (m->map != NULL && m->raw.len >= POPULATE_FIRST &&
	    m->raw.len >= ready && next_region(fd, m, &ready, limit, &a) == -1)
		rc = -1;

	while (rc == 0) {
		/* into the room there is; 64 KiB more when there is none */
		want = m->raw.cap > m->raw.len + 1 ?
		    m->raw.cap - m->raw.len - 1 : piece;
		if (m->map != NULL && m->raw.len < POPULATE_FIRST)
			populate(m, &ready);
		if (m->map != NULL && ready > m->raw.len)
			want = ready - m->raw.len;
		if (m->raw.len + want > limit + 1)
			want = limit + 1 - m->raw.len;
		if (want == 0) {
			m->oversize = 1;
			break;
		}
		if (buf_reserve(&m->raw, want) == -1) {
			rc = -1;
			break;
		}
		n = ahead_read(fd, &a, m->raw.data + m->raw.len, want);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			rc = -1;
			break;
		}
		if (n == 0) {
			m->raw_nul = m->raw.data != NULL;
			break;
		}
		m->raw.len += (size_t)n;
		/* the next region decided before the NUL touches it */
		if (m->map != NULL && m->raw.len >= POPULATE_FIRST &&
		    m->raw.len >= ready &&
		    next_region(fd, m, &ready, limit, &a) == -1) {
			rc = -1;
			break;
		}
		m->raw.data[m->raw.len] = '\0';
		piece = 65536;
	}
	ahead_close(&a);
	return rc;
}

/*
 * A file this large or larger is mapped: below it, one read of its size
 * costs less than setting up the mapping. Above it, a mapping touches
 * only the pages that are looked at (the header of a plain message), and
 * the body can leave by sendfile straight from the file.
 */
#define MAP_MIN_BYTES	(64u * 1024)

/*
 * Room for a mapping of total bytes of a file from offset foff:
 * anonymous memory where, for a large one, the file's offset and the
 * address agree modulo 2 MiB. The page cache holds a large file in large
 * folios, and the kernel maps a folio whole (a 2 MiB one by one entry)
 * only at such an address; anywhere else a page at a time, and each
 * page's first touch is then a fault of the address translation: one
 * pass over a 30 MB message mapped at a mere page boundary took 2.6x
 * cat's time here, at a 2 MiB one 1.3x. NULL when there is no room.
 */
static char *
map_room(size_t total, size_t foff)
{
	char	*r;

	if (total >= HUGE_PAGE)
		return aligned_room(total, foff, 0);
	r = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	return r == MAP_FAILED ? NULL : r;
}

int
message_map(int fd, struct message *m, size_t limit)
{
	struct stat	 st;
	off_t		 off;
	size_t		 size, page, skip, total;
	char		*base;
	long		 pg;
	int		 over = 0;

	memset(m, 0, sizeof(*m));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (off = lseek(fd, 0, SEEK_CUR)) == -1 || off > st.st_size)
		return 0;
	size = (size_t)(st.st_size - off);
	if (size < MAP_MIN_BYTES || (pg = sysconf(_SC_PAGESIZE)) <= 0)
		return 0;
	/* Over the limit, told by the file's size before a byte is read:
	 * what reading would have kept (limit + 1 bytes) is mapped, and the
	 * rest stays on fd past the offset, as after message_read. */
	if (size > limit) {
		size = limit + 1;
		over = 1;
	}
	page = (size_t)pg;
	skip = (size_t)off % page;
	/* a page more than the file: the NUL after it is always ours */
	total = (skip + size + 1 + page - 1) / page * page;
	if ((base = map_room(total, (size_t)(off - (off_t)skip))) == NULL)
		return 0;
	if (mmap(base, skip + size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_FIXED, fd, off - (off_t)skip) == MAP_FAILED ||
	    lseek(fd, off + (off_t)size, SEEK_SET) == -1) {
		munmap(base, total);
		return 0;
	}
	m->map = base;
	m->map_len = total;
	m->raw.data = base + skip;
	m->raw.len = m->raw.cap = m->raw.max = size;
	m->raw.data[size] = '\0';	/* the file may have grown since */
	m->raw_nul = 1;
	m->oversize = over;
	m->src_fd = fd;
	m->src_off = off;
	m->from_file = 1;
	return 1;
}

/*
 * Pipes: from SPOOL_FROM bytes on, a memory file. Reading a 10 MB message
 * into the process meant a zeroed page of its own for each 4 KiB and a
 * copy, before a byte was looked at; a plain message's body is never
 * looked at, and a bounce's returned attachment seldom. The kernel moves
 * the bytes into the file without them passing through the process
 * (splice), the mapping brings in only the pages read, and sendfile
 * writes the body out from the file.
 */
#define SPOOL_FROM	POPULATE_FIRST	/* a report's first region then
					 * starts where its first piece ends */

/* Move up to n bytes of pipe fd to the end of file mfd, to the end of
 * fd: the count, or -1 with errno (nothing moved when io_not_taken takes
 * it). */
static ssize_t
splice_all(int fd, int mfd, size_t n)
{
	size_t	 got = 0;
	ssize_t	 r;

	while (got < n) {
		r = splice(fd, NULL, mfd, NULL, n - got, SPLICE_F_MOVE);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return got > 0 ? (errno = EIO, -1) : -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/*
 * Pipes, a plain message's way. A message through pipes must be held
 * whole before a byte of it is written out: past the limit it passes
 * unchanged, and its size is known only at its end. Held in a memory
 * file, each 4 KiB was a page of the file's, charged, copied into and
 * mapped (a 10 MB plain message through pipes: 3.3x cat's time, which
 * passes the bytes on as they come). Past the first piece (which holds
 * the header the gate reads), the bytes are read as cat reads them and
 * written into pipes of our own, IO_PIPE_CAPACITY each: a pipe's pages
 * are taken without being cleared first, and leave for standard output
 * by splice, moved, not copied again. A report, told by the gate on
 * that first piece (the caller's opens), is read into memory at once
 * instead (read_report); one held all the same (no room to be had) is
 * read into memory when the analysis wants it (message_will_read).
 */
/* read from the host's pipe and written into ours this much at a time,
 * through a buffer on the stack (one of 128 KiB from malloc, a mapping
 * made, faulted in and unmapped for each message, took a 100 KB message
 * through pipes from 0.94x cat's time to 1.16x) */
#define HOLD_CHUNK	(64u * 1024)

static enum eol	 first_eol(const char *, size_t, size_t *, size_t *);
static int	 spool_rest(int, struct message *, size_t, const char *, size_t,
		    size_t);
static size_t	 raw_header_end(const char *, size_t, size_t, enum eol,
		    size_t *);

/* Does the header of the len bytes at s end (an empty line) within them,
 * with bytes after it? As message_parse_header finds it. */
static int
header_within(const char *s, size_t len)
{
	size_t	 off, el, blank, end;
	enum eol eol = first_eol(s, len, &off, &el);

	end = raw_header_end(s, len, message_from_line(s, len) ? off : 0, eol,
	    &blank);
	return blank < len && end < len;
}

/* A pipe of our own for held bytes, its read end in m->held: the write
 * end, or -1 (no more descriptors, or LIMIT_HOLD_PIPES reached). */
static int
hold_pipe(struct message *m)
{
	int	 p[2];

	if (m->held == NULL &&
	    (m->held = calloc(LIMIT_HOLD_PIPES, sizeof(*m->held))) == NULL)
		return -1;
	if (m->nheld == LIMIT_HOLD_PIPES || pipe2(p, O_CLOEXEC) == -1)
		return -1;
	/* the end we write non-blocking (a write that does not fit says the
	 * pipe is full); the end we read stays blocking: a splice from it
	 * to standard output must wait for the host's reader */
	if (fcntl(p[1], F_SETFL, O_NONBLOCK) == -1) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	/* a pipe the system keeps at 64 KiB holds less, and more of them
	 * are made */
	io_pipe_grow(p[1]);
	m->held[m->nheld++] = p[0];
	return p[1];
}

/* Close the held pipes (what they hold is dropped). */
static void
unhold(struct message *m)
{
	int	 i;

	for (i = 0; i < m->nheld; i++)
		if (m->held[i] != -1)
			close(m->held[i]);
	free(m->held);
	m->held = NULL;
	m->nheld = 0;
	m->held_len = 0;
}

/*
 * Move up to want bytes of pipe fd into held pipes, through buf
 * (HOLD_CHUNK bytes): 1 when they are all held (fd ended, or want
 * reached), 0 when the rest cannot be held (what is held stays, in
 * order, then the *tail_len_r bytes at *tail_r in buf, then the rest on
 * fd), -1 on a read error of fd. Our pipes are written non-blocking: a
 * write that does not fit says the pipe is full, and the next is made.
 *
 * A copy, not a move: splice from the host's pipe into ours would keep
 * references to the host's own pages (a writer that vmsplices a buffer,
 * or splices a file, may change them after its pipe is empty, and the
 * message we wrote out would change with them). Written into a pipe, the
 * bytes are the pipe's pages, which only we hold.
 */
static int
hold(int fd, struct message *m, size_t want, char *buf, const char **tail_r,
    size_t *tail_len_r)
{
	size_t	 have = 0, off = 0, got = 0, n;
	ssize_t	 r;
	int	 w = -1;

	*tail_r = NULL;
	*tail_len_r = 0;
	/* the host's pipe as large as ours: it writes 1 MiB before it
	 * waits for us, not 64 KiB (a 10 MB message was 150 turns) */
	io_pipe_grow(fd);
	for (;;) {
		if (off == have) {
			if (got == want)
				break;
			n = want - got < HOLD_CHUNK ? want - got : HOLD_CHUNK;
			if ((r = read(fd, buf, n)) == -1 && errno == EINTR)
				continue;
			if (r == -1) {
				if (w != -1)
					close(w);
				return -1;
			}
			if (r == 0)
				break;
			have = (size_t)r;
			off = 0;
			got += (size_t)r;
		}
		if (w == -1 && (w = hold_pipe(m)) == -1)
			break;
		r = write(w, buf + off, have - off);
		if (r > 0) {
			off += (size_t)r;
			m->held_len += (size_t)r;
		} else if (r == -1 && errno == EAGAIN) {
			close(w);		/* full: the next one */
			w = -1;
		} else if (r == 0 || errno != EINTR) {
			close(w);		/* ours refused it */
			w = -1;
			break;
		}
	}
	if (w != -1)
		close(w);
	if (off < have) {
		*tail_r = buf + off;
		*tail_len_r = have - off;
		return 0;
	}
	return 1;
}

/* Read every held pipe to its end into dst (room for held_len bytes): 0
 * when that is held_len bytes, else -1. The pipes stay open. */
static int
read_held(struct message *m, char *dst)
{
	long long	 got = 0, r;
	int		 i;

	for (i = 0; i < m->nheld; i++) {
		if ((r = io_read_full(m->held[i], dst + got,
		    m->held_len - (size_t)got, -1)) == -1)
			return -1;
		got += r;
	}
	return (size_t)got == m->held_len ? 0 : -1;
}

/* Append each held pipe's bytes to file out (splice), or to raw when out
 * is -1; the pipes are closed. 0, or -1 with some lost. */
static int
held_into(struct message *m, int out)
{
	size_t	 got = 0;
	ssize_t	 r = 0;
	int	 i, rc;

	if (out == -1) {
		if (buf_reserve(&m->raw, m->held_len) == -1 ||
		    read_held(m, m->raw.data + m->raw.len) == -1)
			return -1;
		m->raw.len += m->held_len;
		unhold(m);
		return 0;
	}
	for (i = 0; i < m->nheld && r != -1; i++)
		while ((r = splice(m->held[i], NULL, out, NULL,
		    IO_PIPE_CAPACITY, SPLICE_F_MOVE)) > 0 ||
		    (r == -1 && errno == EINTR))
			got += r > 0 ? (size_t)r : 0;
	rc = r != -1 && got == m->held_len ? 0 : -1;
	unhold(m);
	return rc;
}

int
message_send_held(int fd, struct message *m)
{
	char	 chunk[16384];
	ssize_t	 r;
	size_t	 sent = 0;
	int	 i, kernel = 1;

	if (m->held == NULL)
		return m->held_len == 0 ? 0 : -1;
	io_pipe_grow(fd);	/* a pipe out as large as ours */
	for (i = 0; i < m->nheld; i++) {
		if (m->held[i] == -1)
			continue;
		for (;;) {
			if (kernel) {
				r = splice(m->held[i], NULL, fd, NULL,
				    IO_PIPE_CAPACITY, SPLICE_F_MOVE |
				    SPLICE_F_MORE);
				if (r == -1 && io_not_taken(errno)) {
					/* fd does not take it (nothing moved
					 * by this call): read and write */
					kernel = 0;
					continue;
				}
			} else if ((r = read(m->held[i], chunk,
			    sizeof(chunk))) > 0 &&
			    io_write(fd, chunk, (size_t)r) == -1)
				return -1;
			if (r > 0)
				sent += (size_t)r;
			else if (r == 0)
				break;
			else if (errno != EINTR)
				return -1;
		}
		close(m->held[i]);
		m->held[i] = -1;
	}
	return sent == m->held_len ? 0 : -1;
}

/* raw holds the message's first bytes: the rest of fd after them, read
 * as message_read reads (the way where the kernel cannot move them). */
static int
read_on(int fd, struct message *m, size_t limit)
{
	struct message	 rest;
	size_t		 len = m->raw.len;

	if (len > limit)
		m->oversize = 1;
	else {
		if (message_read(fd, &rest, limit - len) == -1)
			return -1;
		if (buf_append(&m->raw, rest.raw.data, rest.raw.len) == -1) {
			message_free(&rest);
			return -1;
		}
		m->oversize = rest.oversize;
		message_free(&rest);
	}
	/* raw has room for its NUL (buf_reserve keeps it, also at the
	 * limit + 1 bytes that say "larger") */
	m->raw.data[m->raw.len] = '\0';
	m->raw_nul = 1;
	return 0;
}

/* The len bytes of memory file mfd, then the rest of fd, into raw. */
static int
unspool(int fd, int mfd, size_t len, struct message *m, size_t limit)
{
	memset(m, 0, sizeof(*m));
	buf_init(&m->raw, limit + 1);
	if (buf_reserve(&m->raw, len) == -1 ||
	    io_read_full(mfd, m->raw.data, len, 0) != (long long)len)
		return -1;
	m->raw.len = len;
	return read_on(fd, m, limit);
}

/*
 * A report's rest read into memory at once, after its first n bytes in
 * raw: the room message_read reserves for a pipe, the first piece copied
 * into it. Held in pipes first, every byte was copied twice more (into
 * our pipes, out of them) and its pages taken and given back, before the
 * analysis read it (a 10 MB bounce through pipes: 2.2x cat's time).
 * 1 with the message read (as message_read reads it), 0 when there is no
 * such room (raw unchanged), -1 on a read error.
 */
static int
read_report(int fd, struct message *m, size_t n, size_t limit)
{
	struct message	 big;
	size_t		 ready = 0;

	memset(&big, 0, sizeof(big));
	buf_init(&big.raw, limit + 1);
	reserve(fd, &big, limit + 2);
	if (big.map == NULL)
		return 0;
	io_pipe_grow(fd);	/* the host writes 1 MiB before it waits */
	populate(&big, &ready);
	memcpy(big.raw.data, m->raw.data, n);
	big.raw.len = n;
	/* the bytes move; what opens read of the header (offsets, and
	 * copies in its arena) stays as it is */
	buf_free(&m->raw);
	m->raw = big.raw;
	m->map = big.map;
	m->map_len = big.map_len;
	if (read_rest(fd, m, limit, 65536, ready) == -1)
		return -1;
	m->raw_nul = 1;
	return 1;
}

int
message_spool(int fd, struct message *m, size_t limit,
    int (*opens)(struct message *, void *), void *arg)
{
	struct stat	 st;
	const char	*tail = NULL;
	char		 buf[HOLD_CHUNK];
	size_t		 tail_len = 0;
	ssize_t		 n;
	int		 rc;

	memset(m, 0, sizeof(*m));
	if (fstat(fd, &st) == -1 || !S_ISFIFO(st.st_mode) ||
	    limit < SPOOL_FROM)
		return 0;
	/* the first piece straight into raw: a small message is then read,
	 * as message_read reads it, with no copy */
	buf_init(&m->raw, limit + 1);
	if (buf_reserve(&m->raw, SPOOL_FROM) == -1 ||
	    (n = (ssize_t)io_read_full(fd, m->raw.data, SPOOL_FROM, -1)) == -1)
		return -1;
	m->raw.len = (size_t)n;
	m->raw.data[n] = '\0';
	m->raw_nul = 1;
	if ((size_t)n < SPOOL_FROM)	/* all of it (the end was read) */
		return 1;
	/* the header in the first piece: a report's rest read into memory
	 * (the analysis reads it all), any other's held in pipes */
	if (header_within(m->raw.data, (size_t)n)) {
		if (opens != NULL && opens(m, arg) &&
		    (rc = read_report(fd, m, (size_t)n, limit)) != 0)
			return rc;
		rc = hold(fd, m, limit + 1 - (size_t)n, buf, &tail, &tail_len);
		if (rc == -1) {
			unhold(m);
			return -1;
		}
		if (rc == 1) {
			m->oversize = (size_t)n + m->held_len > limit;
			return 1;
		}
		/* not all of it: what is held and the tail go first into
		 * the file */
	}
	return spool_rest(fd, m, (size_t)n, tail, tail_len, limit);
}

/* The memory file's way, for message_spool: raw's n bytes, what is held,
 * then tail_len bytes at tail, then the rest of fd into a memory file,
 * mapped; read into raw where there is none. */
static int
spool_rest(int fd, struct message *m, size_t n, const char *tail,
    size_t tail_len, size_t limit)
{
	ssize_t		 more;
	int		 mfd, rc;

	mfd = memfd_create("backscatter-message", MFD_CLOEXEC);
	if (mfd != -1 && io_write(mfd, m->raw.data, n) == -1) {
		close(mfd);
		mfd = -1;
	}
	if (mfd == -1) {
		/* no memory file: what is held, the tail, then the rest,
		 * read after the first piece */
		if ((m->held != NULL && held_into(m, -1) == -1) ||
		    (tail_len > 0 && buf_append(&m->raw, tail, tail_len) == -1))
			return -1;
		return read_on(fd, m, limit) == -1 ? -1 : 1;
	}
	if ((m->held != NULL && held_into(m, mfd) == -1) ||
	    (tail_len > 0 && io_write(mfd, tail, tail_len) == -1)) {
		close(mfd);		/* some of it is gone */
		return -1;
	}
	n = (size_t)lseek(mfd, 0, SEEK_CUR);
	buf_free(&m->raw);		/* the memory file holds it now */
	more = splice_all(fd, mfd, limit + 1 - (size_t)n);
	if (more == -1 && !io_not_taken(errno)) {
		close(mfd);
		return -1;
	}
	if (more == -1 || lseek(mfd, 0, SEEK_SET) == -1 ||
	    message_map(mfd, m, limit) != 1) {
		/* the kernel would not move them, or the file would not
		 * map: what it holds and the rest, read */
		rc = unspool(fd, mfd, (size_t)n + (size_t)(more > 0 ? more : 0),
		    m, limit);
		close(mfd);
		return rc == -1 ? -1 : 1;
	}
	m->src_own = 1;
	return 1;
}

/* A held message into memory of its own: raw's bytes, then the pipes'.
 * 0; -1 with nothing taken (no memory), or with held_len (size_t)-1
 * when some bytes were taken and the rest could not be. No signal is
 * let in while the pipes are read: the watchdog writes raw and what is
 * held, which must be the message whole or fail. */
static int
unhold_into_memory(struct message *m)
{
	size_t		 n = m->raw.len + m->held_len, total;
	sigset_t	 all, old;
	char		*base;

	total = PAGES(n + 1);
	/* huge pages for every whole 2 MiB: a 3 MB bounce through pipes
	 * took 2.0x cat's time in 4 KiB pages (each one's first touch a
	 * fault of the address translation), 1.45x with one huge page, and
	 * stays within its memory (5.6 MiB of 6.9) */
	if (n >= HUGE_PAGE) {
		if ((base = huge_aligned(total)) == NULL)
			return -1;
#ifdef MADV_HUGEPAGE
		(void)madvise(base, n / HUGE_PAGE * HUGE_PAGE, MADV_HUGEPAGE);
#endif
	} else if ((base = mmap(NULL, total, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) == MAP_FAILED)
		return -1;
#ifdef MADV_POPULATE_WRITE
	(void)madvise(base, total, MADV_POPULATE_WRITE);
#endif
	memcpy(base, m->raw.data, m->raw.len);
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	if (read_held(m, base + m->raw.len) == -1) {
		munmap(base, total);
		unhold(m);
		m->held_len = (size_t)-1;	/* lost: never written out */
		sigprocmask(SIG_SETMASK, &old, NULL);
		return -1;
	}
	base[n] = '\0';
	unhold(m);
	buf_free(&m->raw);
	m->map = base;
	m->map_len = total;
	m->raw.data = base;
	m->raw.len = m->raw.cap = m->raw.max = n;
	m->raw_nul = 1;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return 0;
}

int
message_will_read(struct message *m)
{
	if (m->held != NULL)
		return unhold_into_memory(m);
	/* a mapped file's pages brought in with one call, not a fault
	 * per 64 KiB. (Copied onto huge pages from 16 MiB on, as it was
	 * until 2026-12-05, a 30 MB report took 2.46x cat's time from a
	 * file instead of 1.48x: the kernel zeroing the huge pages was
	 * 85 % of it; over the populated 4 KiB pages the passes cost
	 * little.) */
	if (m->map == NULL || !m->from_file)
		return 0;
#ifdef MADV_POPULATE_READ
	(void)madvise(m->map, m->map_len, MADV_POPULATE_READ);
#endif
	return 0;
}

int
message_drain(int fd)
{
	char		 sink[65536];
	struct stat	 st;
	ssize_t		 n;

	/* a file is at its end once the offset is: nothing to read */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		return lseek(fd, 0, SEEK_END) == -1 ? -1 : 0;
	do
		n = read(fd, sink, sizeof(sink));
	while (n > 0 || (n == -1 && errno == EINTR));
	return n == 0 ? 0 : -1;
}

char *
text_normalise(struct arena *a, const char *raw, size_t n, size_t *len_r)
{
	const char	*cr, *nul, *next, *end = raw + n;
	char		*out, *o;

	if ((out = arena_alloc_bytes(a, n + 1)) == NULL)
		return NULL;
	o = out;
	/* Copy runs between the bytes that change with memchr and memcpy:
	 * a bounce can return a 30 MB original, and a byte loop over it
	 * cost more than everything else the program does. */
	cr = memchr(raw, '\r', n);
	nul = memchr(raw, '\0', n);
	while (raw < end) {
		if (cr != NULL && cr < raw)
			cr = memchr(raw, '\r', (size_t)(end - raw));
		if (nul != NULL && nul < raw)
			nul = memchr(raw, '\0', (size_t)(end - raw));
		next = cr == NULL ? nul : nul == NULL ? cr : cr < nul ? cr : nul;
		if (next == NULL)
			next = end;
		memcpy(o, raw, (size_t)(next - raw));
		o += next - raw;
		raw = next;
		if (raw == end)
			break;
		if (*raw == '\r') {
			*o++ = '\n';
			if (raw + 1 < end && raw[1] == '\n')
				raw++;
		} else
			*o++ = ' ';
		raw++;
	}
	*o = '\0';
	if (len_r != NULL)
		*len_r = (size_t)(o - out);
	return out;
}

/* Offset just past the line ending at or after off, and the ending's kind. */
size_t
message_line_end(const char *s, size_t len, size_t off, size_t *eol_len_r)
{
	const char	*p = s + off, *end = s + len;

	/* One pass to whichever comes first: searching for LF alone would
	 * run to the end of a CR-only message on every line. */
	while (p < end && *p != '\n' && *p != '\r')
		p++;
	if (p == end) {
		*eol_len_r = 0;
		return len;
	}
	if (*p == '\r' && p + 1 < end && p[1] == '\n') {
		*eol_len_r = 2;
		return (size_t)(p - s) + 2;
	}
	*eol_len_r = 1;
	return (size_t)(p - s) + 1;
}

/*
 * The header ends where the mail hosts end it: at the first empty line.
 * procmail and Dovecot read a line that is not a field (no colon, an 8-bit
 * or empty name) as part of the header and go on to the empty line; if it
 * ended ours, a forged X-Backscatter-Status after it would be in their
 * header and not in ours, never removed. An empty line is a lone LF after
 * any line end (procmail ends the header only at "\n\n"), or, in a message
 * whose first line ends in CRLF or a bare CR, a lone line end of that kind:
 * a "\r\n" line inside an LF message ends no header for procmail, so it
 * ends none here. Returns the body's offset; *blank_r is the empty line's
 * (both len when there is none).
 */
static size_t
raw_header_end(const char *s, size_t len, size_t off, enum eol eol_kind,
    size_t *blank_r)
{
	const char	*p;
	size_t		 next, eol;

	if (eol_kind == EOL_LF) {
		/* a lone LF line follows an LF (after a CR, the two would be
		 * one CRLF): the first "\n\n", found without walking lines */
		*blank_r = len;
		if (off < len && s[off] == '\n')
			*blank_r = off;
		for (p = s + off; *blank_r == len && p + 1 < s + len &&
		    (p = memchr(p, '\n', len - (size_t)(p - s) - 1)) != NULL;
		    p++)
			if (p[1] == '\n')
				*blank_r = (size_t)(p + 1 - s);
		return *blank_r < len ? *blank_r + 1 : len;
	}
	for (; off < len; off = next) {
		next = message_line_end(s, len, off, &eol);
		if (eol == 0 || next - off != eol)
			continue;		/* not a bare line end */
		if (s[off] == '\n' || (eol == 2 && eol_kind == EOL_CRLF) ||
		    (eol == 1 && eol_kind == EOL_CR)) {
			*blank_r = off;
			return next;
		}
	}
	*blank_r = len;
	return len;
}

/* How much of a header of n bytes is indexed: all of it up to
 * LIMIT_HEADER_BYTES, else up to the last line end within the limit. */
static size_t
indexed_bytes(const char *s, size_t n)
{
	size_t	 k;

	if (n <= LIMIT_HEADER_BYTES)
		return n;
	for (k = LIMIT_HEADER_BYTES; k > 0; k--)
		if (s[k - 1] == '\n' || s[k - 1] == '\r')
			return k;
	return LIMIT_HEADER_BYTES;	/* one line: its start */
}

/* Is the word at s (n bytes) a month's name, as ctime(3) writes it? */
static int
month_name(const char *s, size_t n)
{
	static const char	 months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	char			 low[3];
	int			 i;

	if (n != 3)
		return 0;
	for (i = 0; i < 3; i++)
		low[i] = (char)(s[i] | 0x20);
	for (i = 0; i < 36; i += 3)
		if (memcmp(months + i, low, 3) == 0)
			return 1;
	return 0;
}

/* The digits at s, up to n bytes: how many (0 when none). */
static size_t
digits(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	return i;
}

/* A time of day at s (a word of n bytes): "h:mm" or "hh:mm:ss". */
static int
time_of_day(const char *s, size_t n)
{
	size_t	 i, k, parts = 0;

	for (i = 0; i < n; parts++) {
		if ((k = digits(s + i, n - i)) == 0 || k > 2)
			return 0;
		i += k;
		if (i < n && s[i++] != ':')
			return 0;
		if (i == n && s[n - 1] == ':')
			return 0;
	}
	return parts == 2 || parts == 3;
}

/*
 * The date is looked for word by word: a month's name, a time of day and
 * a four-digit year, in any order, or an ISO date ("2020-03-03 07:50:45
 * +0000") and a time. Real From_ lines put them in ctime(3)'s order,
 * mostly; the wild has others (an RFC 5322 date, ISO 8601), and a line
 * without any date is no From_ line to any reader.
 */
int
message_from_line(const char *s, size_t n)
{
	size_t		 i, k, w;
	int		 month = 0, clock = 0, year = 0;
	const char	*cr;

	if ((cr = memchr(s, '\n', n)) != NULL)
		n = (size_t)(cr - s);
	if ((cr = memchr(s, '\r', n)) != NULL)
		n = (size_t)(cr - s);
	if (n < 5 || memcmp(s, "From ", 5) != 0)
		return 0;
	for (i = 5; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	if (i == n || s[i] == ':')
		return 0;		/* "From :": the header field */
	/* the sender: one word, a quoted local part may hold spaces */
	if (s[i] == '"')
		for (i++; i < n && s[i] != '"'; i++)
			if (s[i] == '\\' && i + 1 < n)
				i++;
	while (i < n && s[i] != ' ' && s[i] != '\t')
		i++;
	while (i < n) {
		for (; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
			;
		for (w = i; i < n && s[i] != ' ' && s[i] != '\t'; i++)
			;
		w = i - w;
		if (month_name(s + i - w, w))
			month = 1;
		else if (time_of_day(s + i - w, w))
			clock = 1;
		else if ((k = digits(s + i - w, w)) == 4 && (w == 4 ||
		    (w == 10 && s[i - 6] == '-' && s[i - 3] == '-' &&
		    digits(s + i - 5, 2) == 2 && digits(s + i - 2, 2) == 2))) {
			year = 1;
			month |= w == 10;	/* yyyy-mm-dd */
		}
	}
	return month && clock && year;
}

/* The line ending of the first line of the len bytes at s, where the
 * second line starts, and the first line's ending's length. */
static enum eol
first_eol(const char *s, size_t len, size_t *next_r, size_t *eol_r)
{
	size_t	 next;

	next = message_line_end(s, len, 0, eol_r);
	*next_r = next;
	return *eol_r == 2 ? EOL_CRLF : (*eol_r == 1 && next > 0 &&
	    s[next - 1] == '\r') ? EOL_CR : EOL_LF;
}

int
message_parse_header(struct message *m, struct arena *a)
{
	const char	*s = m->raw.data ? m->raw.data : "";
	size_t		 len = m->raw.len, eol, off = 0, next, n;

	m->arena = a;
	m->eol = first_eol(s, len, &next, &eol);
	if (message_from_line(s, len)) {
		m->from_len = next;
		m->from_line = arena_strndup(a, s, next - eol);
		off = next;
	}
	m->header_end = raw_header_end(s, len, off, m->eol, &m->header_blank);
	n = indexed_bytes(s + off, m->header_blank - off);
	if ((m->htext = text_normalise(a, s + off, n, &m->htext_len)) == NULL)
		return -1;
	header_index(a, m->htext, m->htext_len, &m->hdr);
	if (n < m->header_blank - off)
		m->hdr.truncated = 1;
	return 0;
}

const char *
message_body(struct message *m)
{
	const char	*b;
	size_t		 n;

	if (m->body != NULL)
		return m->body;
	b = m->raw.data + m->header_end;
	n = m->raw.len - m->header_end;
	/* A body with no CR and no NUL is its own normalised text, and raw
	 * ends in a NUL of ours: no copy (a 30 MB original was 2,560 page
	 * faults for a copy equal to what it came from). strchrnul stops
	 * at the first CR or NUL: one pass over it tells both. */
	if (m->raw_nul && (size_t)(strchrnul(b, '\r') - b) == n) {
		m->body = (char *)b;
		m->body_len = n;
	} else
		m->body = text_normalise(m->arena, b, n, &m->body_len);
	return m->body;
}

void
message_free(struct message *m)
{
	if (m->held != NULL)
		unhold(m);
	if (m->src_own) {
		close(m->src_fd);
		m->src_own = 0;
	}
	if (m->map != NULL) {
		munmap(m->map, m->map_len);
		m->map = NULL;
		memset(&m->raw, 0, sizeof(m->raw));
	} else
		buf_free(&m->raw);
}
