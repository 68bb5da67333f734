/*
 * message.c - read one message, find its line ending, From_ line and
 * header block (see message.h).
 *
 * The raw buffer is never changed. Normalised copies live in the arena.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/limits.h"
#include "read/message.h"

/*
 * From a pipe, a large message would grow the buffer by copying, or fault
 * in one zeroed 4 KiB page at a time (a 10 MB message: 2,500 faults, most
 * of its cost). Reserve address space for the limit once instead, and let
 * the part past the first 2 MiB take huge pages where the kernel allows
 * (transparent huge pages, "madvise"). Small messages touch only the
 * first pages. Not for regular files: those are small here (large ones
 * are mapped).
 */
#define HUGE_FROM	(2u * 1024 * 1024)

static void
reserve(int fd, struct message *m, size_t size)
{
	struct stat	 st;
	char		*base;
	size_t		 head;

	if (size <= 2 * HUGE_FROM || fstat(fd, &st) == -1 ||
	    S_ISREG(st.st_mode))
		return;
	/* huge pages need 2 MiB-aligned addresses: map more, trim */
	base = mmap(NULL, size + HUGE_FROM, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return;
	head = (HUGE_FROM - (uintptr_t)base % HUGE_FROM) % HUGE_FROM;
	if (head > 0)
		munmap(base, head);
	munmap(base + head + size, HUGE_FROM - head);
	base += head;
#ifdef MADV_HUGEPAGE
	(void)madvise(base + HUGE_FROM, size - HUGE_FROM, MADV_HUGEPAGE);
#endif
	m->map = base;
	m->map_len = size;
	m->raw.data = base;
	m->raw.cap = size;
}

int
message_read(int fd, struct message *m, size_t limit)
{
	ssize_t	 n;
	size_t	 want;

	memset(m, 0, sizeof(*m));
	/* One byte more than the limit tells "larger" from "exactly". */
	buf_init(&m->raw, limit + 1);
	reserve(fd, m, limit + 2);	/* room for the NUL after limit + 1 */
	for (;;) {
		want = 65536;
		if (m->raw.len + want > limit + 1)
			want = limit + 1 - m->raw.len;
		if (want == 0) {
			m->oversize = 1;
			return 0;
		}
		if (buf_reserve(&m->raw, want) == -1)
			return -1;
		n = read(fd, m->raw.data + m->raw.len, want);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		m->raw.len += (size_t)n;
		m->raw.data[m->raw.len] = '\0';
	}
	return 0;
}

/* A file this large or larger is mapped: smaller ones cost less to read. */
#define MAP_MIN_BYTES	(1024u * 1024)

int
message_map(int fd, struct message *m, size_t limit)
{
	struct stat	 st;
	off_t		 off;
	size_t		 size, page, skip, total;
	char		*base;
	long		 pg;

	memset(m, 0, sizeof(*m));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (off = lseek(fd, 0, SEEK_CUR)) == -1 || off > st.st_size)
		return 0;
	size = (size_t)(st.st_size - off);
	if (size < MAP_MIN_BYTES || size > limit ||
	    (pg = sysconf(_SC_PAGESIZE)) <= 0)
		return 0;
	page = (size_t)pg;
	skip = (size_t)off % page;
	/* a page more than the file: the NUL after it is always ours */
	total = (skip + size + 1 + page - 1) / page * page;
	base = mmap(NULL, total, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
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
	return 1;
}

int
message_drain(int fd)
{
	char	 sink[65536];
	ssize_t	 n;

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

/* Offset of the first byte after the empty line ending the header block,
 * in raw bytes, with any line ending. Mirrors header_parse's notion of the
 * end: an empty line or a line that is not a field or a continuation. */
static size_t
raw_header_end(const char *s, size_t len, size_t off)
{
	size_t	 next, eol;

	while (off < len) {
		next = message_line_end(s, len, off, &eol);
		if (next - off == eol)		/* empty line */
			return next;
		if (s[off] != ' ' && s[off] != '\t') {
			const char	*c = memchr(s + off, ':', next - off);
			size_t		 i;

			if (c == NULL)
				return off;
			for (i = off; s + i < c; i++)
				if ((unsigned char)s[i] <= ' ' ||
				    (unsigned char)s[i] >= 127)
					break;
			if (s + i != c || i == off) {
				/* "Name :" with space before colon is tolerated */
				size_t	 j = i;

				while (s + j < c && (s[j] == ' ' || s[j] == '\t'))
					j++;
				if (s + j != c || i == off)
					return off;
			}
		}
		off = next;
	}
	return len;
}

int
message_parse_header(struct message *m, struct arena *a)
{
	const char	*s = m->raw.data ? m->raw.data : "";
	size_t		 len = m->raw.len, eol, off = 0, next;

	m->arena = a;
	next = message_line_end(s, len, 0, &eol);
	m->eol = eol == 2 ? EOL_CRLF : (eol == 1 && next > 0 &&
	    s[next - 1] == '\r') ? EOL_CR : EOL_LF;
	if (len >= 5 && memcmp(s, "From ", 5) == 0) {
		m->from_len = next;
		m->from_line = arena_strndup(a, s, next - eol);
		off = next;
	}
	m->header_end = raw_header_end(s, len, off);
	m->htext = text_normalise(a, s + off, m->header_end - off,
	    &m->htext_len);
	if (m->htext == NULL)
		return -1;
	header_parse(a, m->htext, m->htext_len, &m->hdr);
	return 0;
}

const char *
message_body(struct message *m)
{
	if (m->body == NULL)
		m->body = text_normalise(m->arena, m->raw.data + m->header_end,
		    m->raw.len - m->header_end, &m->body_len);
	return m->body;
}

void
message_free(struct message *m)
{
	if (m->map != NULL) {
		munmap(m->map, m->map_len);
		m->map = NULL;
		memset(&m->raw, 0, sizeof(m->raw));
	} else
		buf_free(&m->raw);
}
