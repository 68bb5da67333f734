/*
 * ledger.h - the sent ledger: Message-IDs we really sent, in LMDB.
 *
 * A bounce or auto-reply that names a Message-ID we sent is about our
 * mail. The ledger is filled by --record-sent (one outgoing message on
 * stdin, from a sendmail wrapper or an MTA hook) and --learn-sent (a Sent
 * Maildir or mbox, incrementally), and read at verdict time.
 *
 * Keys are the first 16 bytes of SHA-256 over the normalised Message-ID
 * (no brackets, domain lower-cased): fixed size, and the file tells no one
 * whom we wrote to. Values are the day (since 1970) it was recorded;
 * entries older than sent_ledger_expiry days are ignored and pruned.
 *
 * LMDB gives many readers alongside one writer without lock-outs or
 * corruption, and a crash mid-write loses only that transaction. Readers
 * open the file read-only and only when a message that is not kind none
 * is scored and names a Message-ID; a missing ledger is simply no
 * evidence, and so is one that cannot be read (cut short, damaged): it is
 * logged (log.h) and the message judged without it.
 *
 * Recording never waits for another writer and never loses an entry: it
 * goes first into a spool beside the ledger (spool.h), which the writer
 * holding the ledger merges; readers look in the spool too.
 *
 * A path "redis://host:port/db" or "unix:/path" is a ledger in Redis,
 * shared by a domain's hosts (ledger_redis.h): the same functions, the
 * same keys; there is no spool, and nothing to merge or prune (keys
 * expire). Written without a known expiry (--record-sent,
 * --learn-sent), a key lives LEDGER_REDIS_EXPIRY days; lookups still
 * ignore entries older than sent_ledger_expiry.
 */
#ifndef BS_LEDGER_H
#define BS_LEDGER_H

#include <stddef.h>

#include "base/limits.h"

struct analysis;
struct arena;
struct config;
struct envelope;
struct identity;

struct ledger;

#define LEDGER_KEY_LEN		16

/* Days a Redis key lives when written without a known expiry: the
 * longest sent_ledger_expiry. */
#define LEDGER_REDIS_EXPIRY	3650

/*
 * Open the ledger at path. Writable: created (and its directory and
 * spool) when missing, and held by this writer alone (the writers' lock,
 * waited for) until ledger_close. Read-only: the file and the spool, or
 * the spool alone when there is no file yet. Returns 0, 1 when read-only
 * and neither exists, or -1 with the reason in err (size errlen): a file
 * that is not a ledger, or is cut short or damaged, is refused.
 */
int	 ledger_open(const char *path, int writable, struct ledger **r,
	    char *err, size_t errlen);
void	 ledger_close(struct ledger *);

/* The normalised form of a Message-ID (brackets and space stripped,
 * domain lower-cased) into out; 0, or -1 when it is not one. */
int	 ledger_normalise(const char *id, size_t n, char *out, size_t outlen);

/* Is the Message-ID id in the ledger, recorded within expiry days of
 * today (days since 1970)? 1 yes (*age_r days ago), 0 no, -1 error. */
int	 ledger_find(struct ledger *, const char *id, long today, int expiry,
	    int *age_r);

/* Add Message-IDs, recorded on day today, to a writable ledger. 0 or -1. */
int	 ledger_add(struct ledger *, const char *const *ids, int n, long today);

/*
 * Keep Message-IDs, recorded on day today, in the spool of the ledger at
 * path, without opening the ledger (made with its directory when
 * missing). Once this returns 0 they count as recorded. 0, or -1 with err.
 */
int	 ledger_spool(const char *path, const char *const *ids, int n,
	    long today, char *err, size_t errlen);

/*
 * Record Message-IDs of outgoing mail on day today: into the spool of an
 * LMDB ledger, then merged when no other writer holds it (the spool keeps
 * them otherwise); or into a Redis ledger, to expire after expiry days.
 * 0 once recorded, or -1 with err.
 */
int	 ledger_record(const char *path, const char *const *ids, int n,
	    long today, int expiry, char *err, size_t errlen);

/*
 * Merge the spool of the ledger at path into it, and prune it, unless
 * another writer holds it (the spool is merged by that one, or the next).
 * 1 merged, 0 another writer holds it, -1 with err: the ledger cannot be
 * opened or written (the spool keeps the entries).
 */
int	 ledger_merge_spool(const char *path, long today, int expiry,
	    char *err, size_t errlen);

/* Merge the spool into a writable ledger. The entries merged, or -1. */
long	 ledger_merge(struct ledger *);

/* Drop entries older than expiry days, at most once a day unless force.
 * Returns the number dropped, or -1. */
long	 ledger_prune(struct ledger *, long today, int expiry, int force);

/*
 * The Message-ID in a raw message's header (LF or CRLF line ends, a
 * leading From_ line), normalised into out. 1 found, 0 none.
 */
int	 ledger_message_id(const char *raw, size_t len, char *out,
	    size_t outlen);

/*
 * --learn-sent: add the Message-IDs of the messages in path, a Maildir
 * folder (cur/ and new/) or an mbox file. Incremental: a Maildir's files
 * whose inode changed before the last run, and the part of an mbox
 * read last time, are skipped. Counts into *seen_r and *added_r.
 * 0, or -1 with err.
 */
int	 ledger_learn(struct ledger *, const char *path, long long now,
	    long *seen_r, long *added_r, char *err, size_t errlen);

/* What the ledger says about one message (see ledger_gather). */
struct ledger_evidence {
	const char	*state;		/* "not looked up", "absent", "open",
					   "error" */
	int		 complete;	/* sent_ledger_complete yes */
	int		 looked_up;	/* Message-IDs looked up */
	int		 original_sent;	/* the original's Message-ID is in it */
	int		 reply_sent;	/* the Message-ID answered is */
	int		 ours_unknown;	/* a Message-ID at our domain looked
					   up and none of ours found */
	const char	*found;		/* the Message-ID found, or NULL */
	int		 age;		/* days since it was recorded */
};

/* Look up the original's Message-ID and the one Message-ID a reply
 * answers (the analysis's replied_to: earlier References are the
 * answered message's sender's to choose). The ledger is opened on first
 * use in this process. */
void	 ledger_gather(const struct config *, const struct envelope *,
	    const struct analysis *, const struct identity *, struct arena *,
	    struct ledger_evidence *r);

#endif
