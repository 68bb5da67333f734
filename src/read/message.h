/*
 * message.h - the message as read from stdin.
 *
 * The raw bytes are kept exactly as they came: filter mode writes them
 * back. For analysis the header block (and, only when needed, the body)
 * is copied into LF-normalised text: CRLF and bare CR become LF, NUL
 * becomes a space, so every later parser sees one kind of line end and
 * can use C string functions.
 */
#ifndef BS_MESSAGE_H
#define BS_MESSAGE_H

#include <stddef.h>

#include "base/buf.h"
#include "read/header.h"

struct arena;

enum eol {
	EOL_LF,
	EOL_CRLF,
	EOL_CR
};

struct message {
	struct buf		 raw;		/* bytes as read, up to the limit */
	int			 oversize;	/* input is larger than raw holds */
	enum eol		 eol;		/* the first line's ending */
	size_t			 from_len;	/* leading "From " line with EOL */
	size_t			 header_blank;	/* raw offset of the empty line
						   ending the header, or of the
						   end when there is none */
	size_t			 header_end;	/* raw offset of the body */
	struct arena		*arena;

	struct header_block	 hdr;		/* top-level header index */
	char			*htext;		/* normalised header block */
	size_t			 htext_len;
	char			*body;		/* normalised body, see message_body */
	size_t			 body_len;
	char			*from_line;	/* the From_ line without EOL, or NULL */
	void			*map;		/* message_map's mapping, or NULL */
	size_t			 map_len;
	int			 raw_nul;	/* raw.data[raw.len] is a NUL of
						   ours (read or mapped) */
	int			 from_file;	/* mapped from src_fd: raw is the
						   file's bytes from src_off */
	int			 src_fd;
	long long		 src_off;
	int			 src_own;	/* src_fd is message_spool's */
	int			*held;		/* read ends of the pipes holding
						   the bytes after raw (message_spool),
						   -1 once sent; or NULL */
	int			 nheld;
	size_t			 held_len;	/* bytes they hold */
};

/*
 * Read fd to the end. Up to limit bytes are kept in raw; a larger input
 * stops being read at limit + 1 bytes (in raw) with oversize set, and the
 * rest stays on fd for the caller to stream through. Returns 0, or -1 on
 * a read error.
 */
int	 message_read(int fd, struct message *, size_t limit);
/*
 * Map fd instead of reading it when it is a regular file holding 64 KiB
 * or more from its offset on: 1 mapped (raw then points into a private,
 * writable mapping, NUL-terminated, and the offset is at the end, as after
 * reading; from_file, src_fd and src_off say where the bytes are in the
 * file), 0 not mapped (read it). A file larger than limit is told by its
 * size: limit + 1 bytes are mapped with oversize set and the rest left on
 * fd, as message_read leaves it. A file that shrinks while mapped raises
 * SIGBUS on access: the caller handles.
 */
int	 message_map(int fd, struct message *, size_t limit);
/*
 * A pipe's message too large for one read (64 KiB or more), whose header
 * ends in its first 64 KiB, is either read whole into memory, when opens
 * (given m with raw holding those first bytes, and arg) says its body
 * will be read, as message_read reads it; or held in pipes of the
 * program's own. What opens sets in m (its header parsed) stays on
 * those two ways; the memory file's way, and reading after it, clear it
 * (htext NULL: the header is to be parsed again). Raw
 * holds those first bytes, and the rest is read from fd and written into
 * the pipes (held, held_len), up to limit + 1 bytes in all
 * (oversize past the limit). The gate reads the header in raw; a plain
 * message leaves with message_send_held, a report is read into memory by
 * message_will_read. Otherwise (a longer header, no pipes to be had, a
 * kernel that will not move the bytes) it is moved by
 * the kernel into a memory file (memfd_create and splice, up to limit + 1
 * bytes) and mapped from it as message_map maps a regular file, so that
 * its pages are touched only where they are read and it leaves by
 * sendfile (src_fd is then that file, closed by message_free). 1 when m
 * holds the message so, or read whole into raw when it ended in its first
 * 64 KiB or the kernel cannot move it (as message_read reads; oversize
 * set either way past the limit, with the rest left on fd); 0 when fd is
 * not a pipe (nothing read); -1 on a read error.
 */
int	 message_spool(int fd, struct message *, size_t limit,
	    int (*opens)(struct message *, void *), void *arg);
/* The whole message is about to be read (a report, past the gate): one
 * held in pipes is read into memory of its own (raw.data moves; the
 * bytes and offsets stay); a mapped one is brought in with one call, not
 * a fault per 64 KiB. 0, or -1 when a held message
 * cannot be had in memory: left held when no byte of it was taken,
 * else with held_len set to (size_t)-1 (lost: it cannot be written out
 * whole, and message_send_held fails). */
int	 message_will_read(struct message *);
/* Write the bytes held after raw to fd and close their pipes: the kernel
 * moves them where fd takes it (a pipe, a file), else they are read and
 * written. Safe in a signal handler. 0 (also when none are held), or -1
 * when they cannot be written whole. */
int	 message_send_held(int fd, struct message *);
/* Read and throw away the rest of fd (every mode reads stdin to the end;
 * a regular file is only moved to its end); 0, or -1 on a read error. */
int	 message_drain(int fd);

/*
 * Find the header block and index it; 0 or -1 (out of memory). The header
 * ends where the mail hosts end it, at the first empty line (see
 * message.c): a line in it that is not a field stays in it.
 */
int	 message_parse_header(struct message *, struct arena *);
/* The normalised body, made on first use (the raw bytes themselves when
 * they hold no CR and no NUL); NULL only when out of arena. */
const char *message_body(struct message *);

/* LF-normalise n raw bytes into the arena (NUL -> space). */
char	*text_normalise(struct arena *, const char *raw, size_t n,
	    size_t *len_r);

/*
 * Is the line at s (up to n bytes; it ends at the first CR or LF) an mbox
 * From_ line: "From ", the sender, and a date, as mbox readers (mutt,
 * mblaze, Dovecot) decide? Never a header field: "From : a@b" (RFC 822's
 * obsolete WSP before the colon) is the From field.
 */
int	 message_from_line(const char *s, size_t n);

/* Offset just past the line starting at off (LF, CRLF or bare CR), with
 * the length of its ending (0 at the end of input without one). */
size_t	 message_line_end(const char *s, size_t len, size_t off,
	    size_t *eol_len_r);

void	 message_free(struct message *);

#endif
