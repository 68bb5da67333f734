/*
 * ledger.h - the sent ledger: Message-IDs we really sent, and to whom,
 * in LMDB.
 *
 * A bounce or auto-reply that names a Message-ID we sent to the very
 * recipient that bounced or replied is about our mail: that is proof. A
 * Message-ID is no secret (list archives publish ours), so a hit for
 * another recipient is only strong evidence, and so is a hit on an entry
 * recorded without recipients (by a version before they were kept). An
 * auto-reply that names no Message-ID (vacation(1)) is judged by the
 * correspondents: the addresses we wrote to, each with the last day. The ledger is filled by --record-sent (one outgoing message on
 * stdin, from a sendmail wrapper or an MTA hook) and --learn-sent (a Sent
 * Maildir or mbox, incrementally), and read at verdict time.
 *
 * Keys are the first 16 bytes of SHA-256 over the normalised Message-ID
 * (no brackets, domain lower-cased), and recipients are the first 8 bytes
 * of SHA-256 over the lower-cased address: fixed sizes, and the file
 * names no one (it can only confirm an address one already knows).
 * Values are the day (since 1970) it was recorded and the recipients;
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
 * same keys, recipients and correspondents (entries written by versions
 * that kept the day alone read as entries without recipients); there is
 * no spool, and nothing to merge or prune (keys
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
#define LEDGER_RCPT_LEN		8

/* One sent message: its Message-ID and its recipients (To, Cc, Bcc,
 * Resent-*, and the envelope's when known). */
struct ledger_sent {
	const char		*message_id;
	const char *const	*recipients;
	int			 nrecipients;
};

/* What the ledger holds about one Message-ID (ledger_find_sent). */
struct ledger_hit {
	long		 day;		/* recorded, days since 1970 */
	int		 age;		/* days ago */
	int		 recorded;	/* recipients recorded (0: an entry
					   from before they were kept) */
	int		 recipient;	/* index of the first recipient asked
					   about that is among them, or -1 */
};

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
/* Is path a ledger's path as written: a Redis URL that parses (its
 * server is not asked), or the path of a regular file or of none yet?
 * 0, or -1 with err set. */
int	 ledger_path_ok(const char *path, char *err, size_t errlen);

/* The normalised form of a Message-ID (brackets and space stripped,
 * domain lower-cased) into out; 0, or -1 when it is not one. */
int	 ledger_normalise(const char *id, size_t n, char *out, size_t outlen);

/* Is the Message-ID id in the ledger, recorded within expiry days of
 * today (days since 1970)? 1 yes (*age_r days ago), 0 no, -1 error. */
int	 ledger_find(struct ledger *, const char *id, long today, int expiry,
	    int *age_r);

/*
 * Is the Message-ID id in the ledger, recorded within expiry days, and
 * for which of the nrcpts addresses rcpts? 1 yes (r filled), 0 no, 2
 * recorded but longer ago (it no longer counts as ours, nor is it
 * absent: we sent it), -1 error.
 */
int	 ledger_find_sent(struct ledger *, const char *id,
	    const char *const *rcpts, int nrcpts, long today, int expiry,
	    struct ledger_hit *r);

/*
 * Did we write to addr within expiry days? 1 yes (*day_r the last day),
 * 0 never, -1 the ledger cannot say (it has entries without recipients
 * younger than expiry days, or no correspondents at all: one from
 * before).
 */
int	 ledger_correspondent(struct ledger *, const char *addr, long today,
	    int expiry, long *day_r);

/* The hash the ledger keeps of a recipient's address. */
void	 ledger_rcpt_hash(const char *addr, unsigned char out[LEDGER_RCPT_LEN]);

/* Add sent messages, recorded on day today, to a writable ledger; their
 * recipients become correspondents. 0 or -1. */
int	 ledger_add_sent(struct ledger *, const struct ledger_sent *, int n,
	    long today);
/* The same for Message-IDs without their recipients. */
int	 ledger_add(struct ledger *, const char *const *ids, int n, long today);

/*
 * Keep Message-IDs, recorded on day today, in the spool of the ledger at
 * path, without opening the ledger (made with its directory when
 * missing). Once this returns 0 they count as recorded. 0, or -1 with err.
 * A Redis ledger is written at once; what it cannot take is kept in this
 * host's local spool (ledger_set_home) for the next writer that reaches
 * it, and counts on this host meanwhile: 1, with err saying so.
 */
int	 ledger_spool_sent(const char *path, const struct ledger_sent *,
	    int n, long today, char *err, size_t errlen);
int	 ledger_spool(const char *path, const char *const *ids, int n,
	    long today, char *err, size_t errlen);

/*
 * An entry of outgoing mail for the LMDB ledger at path was lost (written
 * neither into its spool nor into it): mark it on day today (spool.h), so
 * that for sent_ledger_expiry days no reader of it says a Message-ID or a
 * correspondent is absent (a bounce of the lost message would be proved
 * backscatter). Only a file's time is set, which a full disk allows. 0, or
 * -1 when it cannot be marked (or the ledger is Redis's: no such mark).
 */
int	 ledger_mark_lost(const char *path, long today);

/*
 * Record Message-IDs of outgoing mail on day today: into the spool of an
 * LMDB ledger, then merged when no other writer holds it (the spool keeps
 * them otherwise); or into a Redis ledger, to expire after expiry days.
 * 0 once recorded, 1 kept in the local spool until Redis answers (err
 * says why), or -1 with err.
 */
int	 ledger_record(const char *path, const char *const *ids, int n,
	    long today, int expiry, char *err, size_t errlen);
/* The same for sent messages with their recipients (a hit for the
 * recipient that bounced is proof; entries without them are strong). */
int	 ledger_record_sent(const char *path, const struct ledger_sent *,
	    int n, long today, int expiry, char *err, size_t errlen);

/*
 * The home (absolute, kept by the caller) under which this host keeps
 * what a Redis ledger could not take, LEDGER_REDIS_SPOOL: a spool as an
 * LMDB ledger's, read by this host's lookups, written into Redis by the
 * next recording that reaches it. Without a home such entries are lost
 * (and the loss cannot be marked).
 */
#define LEDGER_REDIS_SPOOL	".local/state/backscatter/redis-spool"
void	 ledger_set_home(const char *home);

/*
 * Write the local spool into the Redis ledger at path (a long-running
 * writer calls this now and then: the next recording would, but may not
 * come soon). How many entries were written (0: none there, or path not
 * Redis's), or -1 with err: the entries stay.
 */
long	 ledger_redis_replay(const char *path, long today, int expiry,
	    char *err, size_t errlen);

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
 * The addresses of a raw message's To, Cc, Bcc and Resent-To/Cc/Bcc
 * fields, each once, into out (at most max, allocated in the arena).
 * Returns their number.
 */
int	 ledger_message_recipients(const char *raw, size_t len, struct arena *,
	    const char **out, int max);

/*
 * --learn-sent: add the Message-IDs of the messages in path, a Maildir
 * folder (cur/ and new/) or an mbox file. Incremental: a Maildir's files
 * whose inode changed before the last run, and the part of an mbox
 * read last time, are skipped. Counts into *seen_r and *added_r.
 * 0, or -1 with err.
 */
int	 ledger_learn(struct ledger *, const char *path, long long now,
	    long *seen_r, long *added_r, char *err, size_t errlen);

/* For the Message-ID found: whom the ledger recorded it for. */
enum ledger_recipient {
	LEDGER_RCPT_NONE,	/* nothing found */
	LEDGER_RCPT_MATCH,	/* the recipient that bounced or replied */
	LEDGER_RCPT_OTHER,	/* others only */
	LEDGER_RCPT_UNRECORDED	/* an entry without recipients */
};

/* What the ledger says about one message (see ledger_gather). */
struct ledger_evidence {
	const char	*state;		/* "not looked up", "absent", "open",
					   "error" */
	int		 complete;	/* sent_ledger_complete yes */
	int		 looked_up;	/* Message-IDs looked up */
	int		 unreadable;	/* Message-IDs named that no ledger
					   can hold (no @, a space...):
					   not looked up, yet named */
	int		 original_sent;	/* the original's Message-ID is in it */
	int		 reply_sent;	/* the Message-ID answered is */
	int		 ours_unknown;	/* a Message-ID at our domain looked
					   up and none of ours found */
	int		 unknown;	/* Message-IDs looked up, none found
					   (not even past expiry) */
	int		 aged;		/* found, recorded longer than
					   sent_ledger_expiry ago */
	const char	*found;		/* the Message-ID found, or NULL */
	int		 age;		/* days since it was recorded */
	long		 day;		/* the day it was recorded */
	enum ledger_recipient recipient;
	const char	*matched;	/* LEDGER_RCPT_MATCH: the address */

	/* an auto-reply, challenge or receipt: did we write to whoever
	 * replied? 1 yes (correspondent_day), 0 never, -1 cannot say,
	 * -2 not asked */
	int		 correspondent;
	const char	*replier;	/* the address asked about */
	long		 correspondent_day;
};

struct responders;

/* Look up the original's Message-ID and the one Message-ID a reply
 * answers (the analysis's replied_to: earlier References are the
 * answered message's sender's to choose), for the responders; and
 * whether we wrote to a replier. The ledger is opened on first use in
 * this process. */
void	 ledger_gather(const struct config *, const struct envelope *,
	    const struct analysis *, const struct identity *,
	    const struct responders *, struct arena *,
	    struct ledger_evidence *r);

#endif
