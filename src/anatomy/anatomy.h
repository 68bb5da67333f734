/*
 * anatomy.h - what a message is and what it says.
 *
 * anatomy_read decides the kind from the header alone when it can (a plain
 * message leaves there, without its body being walked), and otherwise
 * takes the message apart: the MIME tree, the delivery-status fields, the
 * format's own text, the recipients, a reason, and the returned original.
 * It judges nothing: evidence and scoring come later (origin.c, run.c,
 * score.c) and read this structure only.
 */
#ifndef BS_ANATOMY_H
#define BS_ANATOMY_H

#include <stddef.h>

#include "base/limits.h"
#include "read/header.h"

struct arena;
struct message;
struct mime;

enum kind {
	KIND_NONE,
	KIND_BOUNCE,
	KIND_AUTOREPLY,
	KIND_CHALLENGE,
	KIND_NOTICE,
	KIND_MDN,
	KIND_FEEDBACK
};

enum source {
	SOURCE_NONE,
	SOURCE_RFC822,		/* a message/rfc822 part */
	SOURCE_HEADERS,		/* text/rfc822-headers: headers only */
	SOURCE_INLINE,		/* quoted in the text after a marker line */
	SOURCE_REFERENCE	/* not returned: only its Message-ID, named by
				   the bounce (its In-Reply-To or References,
				   X-Original-Message-ID, the report's text) */
};

struct recipient {
	char	*address;
	const char *action;	/* failed, delayed, delivered, relayed, expanded */
	char	*status;	/* X.Y.Z, or NULL */
	char	*diagnostic;	/* the remote's words, or NULL */
	char	*remote_mta;
	char	*original_recipient;	/* the DSN's Original-Recipient when it
					   differs from the address (an alias
					   or forward the sender wrote), or
					   NULL */
};

/* One Received line of the original, taken apart. */
struct received {
	char	*line;		/* unfolded text */
	char	*from_host;	/* name given after "from" (HELO), or NULL */
	char	*from_rdns;	/* the receiver's reverse-DNS name, or NULL */
	char	*from_addr;	/* the connecting IP address, or NULL */
	char	*by_host;	/* name after "by", or NULL */
};

struct original {
	enum source		 source;
	struct header_block	 hdr;		/* the original's header index */
	char			*message_id;	/* without angle brackets */
	char			*from;		/* addr-spec */
	char			*to;
	char			*return_path;
	char			*subject;	/* decoded UTF-8 */
	char			*date;
	struct received		 received[LIMIT_RECEIVED];	/* top (newest) first */
	int			 nreceived;
	char			*dkim_domains[LIMIT_DKIM_DOMAINS];
	int			 ndkim;
	char			*body;		/* decoded text, or NULL */
	size_t			 body_len;
	int			 body_complete;	/* the whole body was returned */
	int			 body_quoted;	/* body is what an answer quoted
						   with '>': nothing returned */
	const char		*text;		/* headers and body as returned */
	size_t			 text_len;	/* (normalised, dequoted) */
};

struct analysis {
	enum kind		 kind;
	const char		*format;	/* reader that understood it */
	const char		*reason;	/* Sisimai's vocabulary, or NULL */
	struct recipient	*recipients;
	int			 nrecipients;
	int			 recipients_truncated;
	struct original		 original;

	/* What later stages read. */
	const struct message	*message;
	char			*subject;	/* the bounce's own, decoded */
	char			*from;		/* the bounce's From addr-spec */
	char			*text;		/* the bounce's own decoded text
						   (the human part, not the original) */
	size_t			 text_len;
	char			*in_reply_to;	/* auto-replies: what it answers */
	char			*references;
	char			*replied_to;	/* the one Message-ID answered, "<id>":
						   In-Reply-To's, else the last of
						   References (earlier ones are copied
						   from the answered message and so
						   are the sender's to choose) */
	char			*envelope_id;	/* DSN Original-Envelope-Id */
	char			*reporting_mta;
	int			 automatic;	/* a header field says a machine
						   wrote it (Auto-Submitted, an
						   auto-reply's or challenge's field,
						   Precedence bulk, the null sender,
						   a mail system's, list's or no-reply
						   address, a report's type), not
						   only its words */
	struct mime		*mime;		/* part tree, or NULL for KIND_NONE */
	unsigned		 skipped;	/* SKIP_* flags: limits that were hit */
};

#define SKIP_OVERSIZE		0x01	/* message over the analysis limit */
#define SKIP_MIME_DEPTH		0x02
#define SKIP_MIME_PARTS		0x04
#define SKIP_HEADERS		0x08
#define SKIP_RECIPIENTS		0x10
#define SKIP_ARENA		0x40

/* Fill a from m (whose header is parsed). 0, or -1 on an internal error. */
int		 anatomy_read(struct message *, struct arena *, struct analysis *);
/* Would anatomy_read look past m's header (its header parsed): does the
 * gate open? Asked by the reader of a large message through a pipe, on
 * its first piece, so that a report is read into memory at once. */
int		 anatomy_opens(const struct message *, struct arena *);

const char	*anatomy_kind_name(enum kind);
const char	*anatomy_source_name(enum source);

/* Add a recipient, merging with an existing entry for the same address;
 * returns it, or NULL past LIMIT_RECIPIENTS. Used by the readers. */
struct recipient *anatomy_add_recipient(struct analysis *, struct arena *,
		    const char *address);

/* The address a Received line says the message was for ("for <x>"), or
 * NULL. */
char		*anatomy_received_for(struct arena *, const char *line);

/* Note field's address (an Original-Recipient) as the one the sender
 * wrote for r, when r has none yet and it differs from r's. */
void		 anatomy_original_recipient(struct recipient *, struct arena *,
		    const char *field);

#endif
