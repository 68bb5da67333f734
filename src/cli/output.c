/*
 * output.c - filter-mode output, JSON and the explanation (see output.h).
 *
 * Filter mode writes with writev from the raw buffer: the message's own
 * bytes are never copied or changed, only skipped (old X-Backscatter-*
 * fields) or joined by our three fields. The body of a message mapped
 * from a file leaves into a file by sendfile, from the file itself.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/uio.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/io.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/tenths.h"
#include "read/message.h"
#include "anatomy/anatomy.h"
#include "cli/output.h"

/* A message larger than this written into a pipe grows the pipe first
 * (io_pipe_grow). */
#define OUTPUT_PIPE_FROM	(64u * 1024)
/* A body this large read into memory goes into a pipe by its pages
 * (io_send_pages): no copy, no pipe page taken for each 4 KiB. */
#define OUTPUT_PAGES_FROM	(1024u * 1024)

/* Do n bytes of the message leave by a call of their own (send_raw), not
 * with the writer's vector? */
static int
sent_apart(const struct message *m, size_t n)
{
	return m->from_file || (m->map != NULL && n >= OUTPUT_PAGES_FROM);
}

/* n bytes of the message from off: from its file by sendfile into a
 * file when it was mapped from one (its pages never touched here); a
 * large run read into a mapping of ours, which nothing writes again, by
 * its pages into a pipe; else written from memory */
static int
send_raw(int fd, const struct message *m, size_t off, size_t n)
{
	if (m->from_file)
		return io_send_file(fd, m->src_fd, m->src_off + (long long)off,
		    n, m->raw.data + off);
	if (sent_apart(m, n))
		return io_send_pages(fd, m->raw.data + off, n);
	return io_write(fd, m->raw.data + off, n);
}

int
output_raw(int fd, struct message *m)
{
	/* then what is held in pipes; oversize: the caller streams the
	 * rest. A large message into a pipe: 1 MiB turns with its reader */
	if (m->raw.len > OUTPUT_PIPE_FROM)
		io_pipe_grow(fd);
	if (send_raw(fd, m, 0, m->raw.len) == -1)
		return -1;
	return message_send_held(fd, m);
}

int
output_headers(struct buf *out, const char *kind,
    const struct output_verdict *v, const char *eol)
{
	char		 line[256];
	const char	*t, *c;
	double		 shown;
	size_t		 names = 0;
	int		 n, i, col, r = 0;

	n = snprintf(line, sizeof(line),
	    "X-Backscatter-Status: %s, score=%.1f required=%.1f kind=%s",
	    v->backscatter ? "Yes" : "No", tenths(v->score),
	    tenths(v->required), kind);
	if (n <= 0 || (size_t)n >= sizeof(line))
		return -1;
	r |= buf_append(out, line, (size_t)n);
	r |= buf_appends(out, eol);
	/* tests= on a continuation line, folded after commas */
	t = v->tests != NULL && *v->tests ? v->tests : "none";
	r |= buf_appends(out, "\ttests=");
	col = 14;
	while (*t) {
		c = strchr(t, ',');
		n = c ? (int)(c - t) + 1 : (int)strlen(t);
		/* a bound: past it "..." (the whole list is --json's) */
		if ((names += (size_t)n) > HEADER_TESTS_MAX) {
			r |= buf_appends(out, "...");
			break;
		}
		if (col + n > 78 && col > 14) {
			r |= buf_appends(out, eol);
			r |= buf_appendc(out, '\t');
			col = 8;
		}
		r |= buf_append(out, t, (size_t)n);
		col += n;
		t += n;
	}
	r |= buf_appends(out, eol);
	n = snprintf(line, sizeof(line), "X-Backscatter-Score: %.1f",
	    tenths(v->score));
	if (n <= 0 || (size_t)n >= sizeof(line))
		return -1;
	r |= buf_append(out, line, (size_t)n);
	r |= buf_appends(out, eol);
	/* one star a whole point of the score as written beside it (4.96
	 * is "5.0": five stars, as its Yes says) */
	shown = strtod(line + strlen("X-Backscatter-Score: "), NULL);
	r |= buf_appends(out, "X-Backscatter-Level: ");
	for (i = 0; i < LEVEL_STARS_MAX && i + 1 <= shown; i++)
		r |= buf_appendc(out, '*');
	r |= buf_appends(out, eol);
	return r == 0 ? 0 : -1;
}

/*
 * Is the raw line at s (n bytes) the field name: the name, then optional
 * WSP, then the colon? With family set, any field whose name starts with
 * name (our own X-Backscatter-*). Return-Path-Extra is not Return-Path.
 */
static int
field_named(const char *s, size_t n, const char *name, int family)
{
	size_t	 i = strlen(name);

	if (n < i || strncasecmp(s, name, i) != 0)
		return 0;
	if (family)
		while (i < n && s[i] != ':' && s[i] != ' ' && s[i] != '\t' &&
		    s[i] != '\r' && s[i] != '\n')
			i++;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < n && s[i] == ':';
}

#define MAX_IOV	64

struct writer {
	int		 fd;
	struct iovec	 iov[MAX_IOV];
	int		 n;
	int		 failed;
};

static void	flush_vector(struct writer *);

static void
emit(struct writer *w, const char *p, size_t n)
{
	if (n == 0)
		return;
	/* join with the previous segment when contiguous */
	if (w->n > 0 && (const char *)w->iov[w->n - 1].iov_base +
	    w->iov[w->n - 1].iov_len == p) {
		w->iov[w->n - 1].iov_len += n;
		return;
	}
	if (w->n == MAX_IOV)
		flush_vector(w);
	w->iov[w->n].iov_base = (void *)p;
	w->iov[w->n].iov_len = n;
	w->n++;
}

static void
flush_vector(struct writer *w)
{
	ssize_t	 r;
	int	 i;

	/* one writev for the common case; fall back to plain writes */
	while (w->n > 0 && !w->failed) {
		r = writev(w->fd, w->iov, w->n);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			w->failed = 1;
			return;
		}
		for (i = 0; i < w->n && (size_t)r >= w->iov[i].iov_len; i++)
			r -= (ssize_t)w->iov[i].iov_len;
		if (i == w->n) {
			w->n = 0;
			return;
		}
		w->iov[i].iov_base = (char *)w->iov[i].iov_base + r;
		w->iov[i].iov_len -= (size_t)r;
		memmove(w->iov, w->iov + i, (size_t)(w->n - i) * sizeof(w->iov[0]));
		w->n -= i;
	}
}

/*
 * The end of a header line as the mail programs after us read it: a
 * message of LF or CRLF lines ends its lines at LF alone (a bare CR is
 * a byte of its line, as procmail, Sieve and the header's own end take
 * it); a CR message at CR. Offset past the line, and the ending's length
 * (0 at the end of the input).
 */
static size_t
filter_line_end(const char *s, size_t len, size_t off, enum eol kind,
    size_t *el)
{
	const char	*p;

	if (kind == EOL_CR)
		return message_line_end(s, len, off, el);
	if ((p = memchr(s + off, '\n', len - off)) == NULL) {
		*el = 0;
		return len;
	}
	*el = p > s + off && p[-1] == '\r' ? 2 : 1;
	return (size_t)(p - s) + 1;
}

int
output_filter(int fd, struct message *m, const char *kind,
    const struct output_verdict *v)
{
	struct writer	 w;
	struct buf	 ours;
	const char	*s = m->raw.data ? m->raw.data : "";
	const char	*eol = m->eol == EOL_CRLF ? "\r\n" :
	    m->eol == EOL_CR ? "\r" : "\n";
	size_t		 len = m->raw.len, off, next, el, end;
	int		 inserted = 0, skipping = 0, unended = 0;

	memset(&w, 0, sizeof(w));
	w.fd = fd;
	/* a large message into a pipe: 1 MiB turns with its reader, not
	 * 64 KiB ones (nothing where fd is no pipe) */
	if (len > OUTPUT_PIPE_FROM)
		io_pipe_grow(fd);
	buf_init(&ours, 64 * 1024);
	if (output_headers(&ours, kind, v, eol) == -1) {
		/* out of memory for our own fields: the original unchanged,
		 * never a header block with a field missing */
		buf_free(&ours);
		return output_raw(fd, m);
	}

	end = m->header_blank;	/* every line before it is the header's */
	if (m->oversize && end > len)
		end = len;
	/* A line of the header that ends the input without a line end (a
	 * From_ line alone, a header with no body) gets one: our fields
	 * never join it, and the header we write ends as headers do. Not
	 * where an oversize message's rest follows on stdin. */
	off = m->from_len;
	emit(&w, s, off);
	if (off > 0 && s[off - 1] != '\n' && s[off - 1] != '\r' &&
	    !m->oversize)
		emit(&w, eol, strlen(eol));
	while (off < end) {
		next = filter_line_end(s, len, off, m->eol, &el);
		if (next > end)
			next = end;
		if (s[off] == ' ' || s[off] == '\t') {
			/* continuation: follows its field */
			if (!skipping) {
				emit(&w, s + off, next - off);
				unended = el == 0;
			}
			off = next;
			continue;
		}
		skipping = 0;
		if (!inserted && !field_named(s + off, next - off, "Return-Path", 0)) {
			emit(&w, ours.data, ours.len);
			inserted = 1;
			unended = 0;
		}
		if (field_named(s + off, next - off, "X-Backscatter-", 1)) {
			skipping = 1;
			off = next;
			continue;
		}
		emit(&w, s + off, next - off);
		unended = el == 0;
		off = next;
	}
	if (unended && !m->oversize)
		emit(&w, eol, strlen(eol));
	if (!inserted) {
		/* no field but Return-Path, or no header at all */
		size_t	 el2 = 0;

		emit(&w, ours.data, ours.len);
		if (off >= len || filter_line_end(s, len, off, m->eol, &el2) -
		    off != el2 ||
		    el2 == 0)
			emit(&w, eol, strlen(eol));	/* the rest stays body */
	}
	if (len > off && sent_apart(m, len - off)) {
		/* the rest (the body) straight from the file, or by its
		 * pages */
		flush_vector(&w);
		if (!w.failed && send_raw(fd, m, off, len - off) == -1)
			w.failed = 1;
	} else
		emit(&w, s + off, len - off);
	flush_vector(&w);
	buf_free(&ours);
	/* the rest of a message held in pipes, straight from them */
	if (!w.failed && message_send_held(fd, m) == -1)
		w.failed = 1;
	return w.failed ? -1 : 0;
}

/* --- JSON ---------------------------------------------------------------- */

/* What a limit made the analysis skip (an->skipped), as "skipped" names it. */
static const struct {
	unsigned	 flag;
	const char	*name;
} skips[] = {
	{ SKIP_OVERSIZE,	"oversize" },
	{ SKIP_MIME_DEPTH,	"mime-depth" },
	{ SKIP_MIME_PARTS,	"mime-parts" },
	{ SKIP_HEADERS,		"header-fields" },
	{ SKIP_RECIPIENTS,	"recipients" },
	{ SKIP_ARENA,		"memory" },
};

void
output_json_anatomy(struct json *j, const struct analysis *an)
{
	const struct original	*o = &an->original;
	size_t			 k;
	int			 i;

	json_member_string(j, "kind", anatomy_kind_name(an->kind));
	json_member_string(j, "format", an->format);
	json_key(j, "recipients");
	json_array_begin(j);
	for (i = 0; i < an->nrecipients; i++) {
		const struct recipient	*r = &an->recipients[i];

		json_object_begin(j);
		json_member_string(j, "address", r->address);
		json_member_string(j, "action", r->action);
		json_member_string(j, "status", r->status);
		json_member_string(j, "diagnostic", r->diagnostic);
		if (r->original_recipient != NULL)
			json_member_string(j, "original_recipient",
			    r->original_recipient);
		json_object_end(j);
	}
	json_array_end(j);
	json_member_string(j, "reason", an->reason);
	json_key(j, "original");
	json_object_begin(j);
	/* DESIGN.md's four sources; an original the bounce only names
	 * (Exim's References) is none, its Message-ID said to be named */
	json_member_string(j, "source", o->source == SOURCE_REFERENCE ?
	    "none" : anatomy_source_name(o->source));
	json_member_string(j, "message_id", o->message_id);
	json_member_bool(j, "message_id_named", o->source == SOURCE_REFERENCE);
	json_member_string(j, "from", o->from);
	json_member_string(j, "to", o->to);
	json_member_string(j, "subject", o->subject);
	json_member_string(j, "date", o->date);
	json_key(j, "received");
	json_array_begin(j);
	for (i = 0; i < o->nreceived; i++)
		json_string(j, o->received[i].line);
	json_array_end(j);
	json_key(j, "dkim_domains");
	json_array_begin(j);
	for (i = 0; i < o->ndkim; i++)
		json_string(j, o->dkim_domains[i]);
	json_array_end(j);
	json_member_bool(j, "body_returned", o->body != NULL &&
	    !o->body_quoted);
	json_object_end(j);
	json_key(j, "skipped");
	json_array_begin(j);
	for (k = 0; k < sizeof(skips) / sizeof(skips[0]); k++)
		if (an->skipped & skips[k].flag)
			json_string(j, skips[k].name);
	json_array_end(j);
}

/* --- the report for a person -------------------------------------------- */

static void
line(struct buf *b, const char *label, const char *value)
{
	buf_appends(b, label);
	buf_appends(b, value != NULL ? value : "-");
	buf_appendc(b, '\n');
}

void
output_explain_anatomy(struct buf *b, const struct analysis *an)
{
	const struct original	*o = &an->original;
	char			 num[32];
	int			 i;

	line(b, "Kind:        ", anatomy_kind_name(an->kind));
	line(b, "Format:      ", an->format);
	line(b, "Reason:      ", an->reason);
	if (an->nrecipients == 0)
		line(b, "Recipients:  ", "none found");
	for (i = 0; i < an->nrecipients; i++) {
		const struct recipient	*r = &an->recipients[i];

		line(b, i == 0 ? "Recipients:  " : "             ", r->address);
		if (r->action || r->status) {
			buf_appends(b, "               ");
			buf_appends(b, r->action ? r->action : "");
			buf_appends(b, r->action && r->status ? " " : "");
			buf_appends(b, r->status ? r->status : "");
			buf_appendc(b, '\n');
		}
		if (r->diagnostic)
			line(b, "               ", r->diagnostic);
	}
	buf_appendc(b, '\n');
	line(b, "Original:    ", o->source == SOURCE_NONE ? "not returned" :
	    o->source == SOURCE_RFC822 ? "attached (message/rfc822)" :
	    o->source == SOURCE_HEADERS ? "headers only (text/rfc822-headers)" :
	    o->source == SOURCE_REFERENCE ? "not returned; the bounce names "
	    "its Message-ID" : "quoted in the text");
	if (o->source == SOURCE_REFERENCE)
		line(b, "  Message-ID: ", o->message_id);
	else if (o->source != SOURCE_NONE) {
		line(b, "  Message-ID: ", o->message_id);
		line(b, "  From:       ", o->from);
		line(b, "  To:         ", o->to);
		line(b, "  Subject:    ", o->subject);
		line(b, "  Date:       ", o->date);
		snprintf(num, sizeof(num), "%d", o->nreceived);
		line(b, "  Received:   ", num);
		for (i = 0; i < o->nreceived; i++) {
			const struct received	*r = &o->received[i];

			snprintf(num, sizeof(num), "    %2d. ", i + 1);
			buf_appends(b, num);
			buf_appends(b, "from ");
			buf_appends(b, r->from_host ? r->from_host : "?");
			if (r->from_rdns) {
				buf_appends(b, " (");
				buf_appends(b, r->from_rdns);
				buf_appends(b, ")");
			}
			if (r->from_addr) {
				buf_appends(b, " [");
				buf_appends(b, r->from_addr);
				buf_appends(b, "]");
			}
			buf_appends(b, " by ");
			buf_appends(b, r->by_host ? r->by_host : "?");
			buf_appendc(b, '\n');
		}
		for (i = 0; i < o->ndkim; i++)
			line(b, "  DKIM d=:    ", o->dkim_domains[i]);
	}
	if (an->skipped)
		line(b, "Skipped:     ", "some limits were hit (see --json)");
}
