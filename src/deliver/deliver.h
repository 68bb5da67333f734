/*
 * deliver.h - store one message into a Maildir or an mbox, safely.
 *
 * A store is the --deliver TARGET: a Maildir (its INBOX is the top
 * directory, folder "Name" is the Maildir++ sub-folder ".Name") or an mbox
 * file (folder "Name" is the file "Name" beside it). Each kind is one file
 * exporting a const struct deliver_ops (deliver_maildir.c,
 * deliver_mbox.c); deliver.c picks one and runs the copies of a message
 * through it in two phases, so that a message is either stored everywhere
 * the script asked, or nowhere:
 *
 *	prepare	every copy is written in full and synced where nobody reads
 *		it yet (Maildir tmp/), or appended under lock (mbox);
 *	commit	every copy is made visible (rename into new/ or cur/; mbox
 *		unlock), or, on failure, every copy is taken back (temp file
 *		unlinked, mbox truncated to its old length).
 *
 * Nothing here decides where a message goes (that is sieve.c and
 * cli/mode_deliver.c), and nothing here exits: every function returns 0
 * or -1 with a reason logged (log.h).
 */
#ifndef BS_DELIVER_H
#define BS_DELIVER_H

#include <stddef.h>
#include <sys/types.h>

#include "base/limits.h"

/* IMAP system flags a copy is stored with (Sieve imap4flags). */
#define DELIVER_SEEN		0x01	/* \Seen     -> Maildir 'S' */
#define DELIVER_ANSWERED	0x02	/* \Answered -> 'R' */
#define DELIVER_FLAGGED		0x04	/* \Flagged  -> 'F' */
#define DELIVER_DELETED		0x08	/* \Deleted  -> 'T' */
#define DELIVER_DRAFT		0x10	/* \Draft    -> 'D' */




/* One copy being delivered: the state a kind keeps between its steps. */
struct deliver_copy {
	const struct deliver_ops *ops;
	char		 folder_path[DELIVER_PATH_MAX];	/* the Maildir or mbox */
	char		 tmp_path[DELIVER_PATH_MAX];	/* Maildir: tmp/<name> */
	char		 lock_path[DELIVER_PATH_MAX];	/* mbox: <file>.lock */
	int		 lock_held;			/* mbox: lock_path is
							   ours to remove */
	char		 name[256];			/* Maildir: unique name */
	int		 fd;
	unsigned	 flags;
	off_t		 old_size;			/* mbox: length before */
	size_t		 written;			/* message bytes so far */
	int		 size_known;			/* mbox: old_size is ours */
	int		 line_start;			/* mbox: at a line start */
	int		 last_nl;			/* mbox: last byte was LF */
	char		 pending[5];			/* mbox: a line's start */
	size_t		 npending;
	int		 state;				/* see deliver.c */
	int		 is_folder;			/* a folder below the
							   INBOX, not the INBOX */
};

struct deliver_ops {
	const char	*name;			/* "maildir", "mbox" */
	/* The path of folder (NULL: INBOX) of the store at root, into
	 * out; 0, or -1 if the name cannot be a folder. */
	int	(*folder)(const char *root, const char *folder, char *out,
		    size_t outlen);
	/* Create what is missing, open the copy for writing. */
	int	(*begin)(struct deliver_copy *, const char *sender);
	/* Append message bytes (no From_ line: the kind adds its own). */
	int	(*write)(struct deliver_copy *, const char *, size_t);
	/* All bytes given: make them durable, not yet visible. */
	int	(*prepare)(struct deliver_copy *);
	/* Make the copy visible: the moment of delivery. */
	int	(*commit)(struct deliver_copy *);
	/* Take the copy back; never fails, safe in a signal handler. */
	void	(*abort)(struct deliver_copy *);
};

extern const struct deliver_ops deliver_maildir;
extern const struct deliver_ops deliver_mbox;

/*
 * The kind of a --deliver TARGET, and its path (target without a
 * "maildir:" or "mbox:" prefix). Without a prefix an existing regular file
 * is an mbox and anything else a Maildir (created when missing).
 */
const struct deliver_ops *deliver_kind(const char *target, const char **path_r);

/* One place the message should be stored. */
struct deliver_request {
	const char	*folder;	/* NULL or "INBOX": the store itself */
	unsigned	 flags;		/* DELIVER_* */
};

/*
 * Store data (the message without any From_ line) in each requested
 * folder (at most DELIVER_COPIES_MAX) of the store at target, locking
 * them in one order (the INBOX, then folders by name); with rest_fd >= 0, the bytes still on
 * that descriptor follow data (a message too large to hold; only with one
 * request). A folder that cannot be made or written is replaced by the
 * INBOX, as Sieve's implicit keep does. sender is the envelope sender
 * ("" for <>) for the mbox From_ line.
 * Returns the number of copies stored (>= 1), or -1: nothing is stored.
 */
int	 deliver_store(const char *target, const struct deliver_request *,
	    int nrequests, const char *data, size_t len, int rest_fd,
	    const char *sender);

/*
 * Take back every copy not yet committed (unlink temp files, truncate
 * mboxes, remove locks). Only async-signal-safe calls: for the watchdog
 * and SIGTERM.
 */
void	 deliver_abort_all(void);
/* A child of the delivery while it runs, the leader of its own process
 * group (0: none now): deliver_abort_all stops the group. */
void	 deliver_child(pid_t pid);
/* Has a copy been made visible? Safe in a signal handler. */
int	 deliver_delivered(void);

/*
 * Hand data (the message without a From_ line) to sendmail (an absolute
 * path; NULL: /usr/sbin/sendmail) for address, with an empty envelope
 * sender, no shell. 0, or -1.
 */
int	 deliver_redirect(const char *sendmail, const char *address,
	    const char *data, size_t len);

/* Is s a Maildir++ folder name we accept (not empty, no "..", no control
 * characters)? Also used to refuse a Sieve fileinto before delivering. */
int	 deliver_folder_ok(const char *s);

/* path made a Maildir (tmp/, new/, cur/, and its parents); with folder,
 * a Maildir++ folder (its empty "maildirfolder" file). 0, or -1 with
 * errno set, said on standard error. */
int	 deliver_make_maildir(const char *path, int folder);

#endif
