/*
 * spool.h - sent-ledger entries waiting to be merged into the ledger.
 *
 * Recording a sent message must never wait for, or fail on, the ledger's
 * writer: --record-sent stands in the way of outgoing mail and answers 0
 * whatever happens. So an entry is first put in a spool, a directory
 * beside the ledger laid out as a Maildir: each entry file is written
 * whole in tmp/, synced, and renamed into new/. No locks, no partial
 * entries, and any number of writers at once. The next writer that gets
 * the ledger merges the spool and removes what it merged; until then
 * readers look in the spool too.
 *
 * An entry file holds one line per entry: the day it was recorded (days
 * since 1970), the key (the ledger's hash of a Message-ID) in hex, and
 * the hashes of its recipients in hex, each after a space (none in lines
 * written before recipients were kept: they still read). It names no
 * one: the spool, like the ledger, keeps hashes, never addresses.
 * Lines that do not read as entries are skipped, never trusted.
 */
#ifndef BS_SPOOL_H
#define BS_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"

#define SPOOL_KEY_LEN		16
/* Bytes of a recipient's hash, and recipients kept per entry. */
#define SPOOL_RCPT_LEN		8


struct spool_entry {
	unsigned char	 key[SPOOL_KEY_LEN];
	uint32_t	 day;
	unsigned char	*rcpt;		/* nrcpt hashes of SPOOL_RCPT_LEN
					   bytes (malloc'd), or NULL */
	unsigned	 nrcpt;
};

/* What one spool_take read: the entries and the files they came from. */
struct spool_batch {
	struct spool_entry	*entries;
	size_t			 n;
	char			**files;	/* names in new/, to remove */
	size_t			 nfiles;
	int			 partial;	/* not all of the spool: more
						   than was taken, or a file
						   that could not be read */
};

/*
 * Make the spool dir (and its tmp/ and new/), private. 0 or -1 (errno).
 */
int	 spool_make(const char *dir);

/*
 * The mark of a lost entry, <spool>/lost: an entry that could be written
 * neither into the spool nor into the ledger (a full disk, a folder it
 * may not write). Its modification time is the day of the last loss
 * (days since 1970); only the time is set, which a full disk allows.
 * spool_make makes it dated 0. spool_mark_lost sets the date of the mark
 * of the spool at dir to day, making the file when missing (create_only:
 * only that, dated day): 0 or -1 (errno). spool_lost_day: the day
 * marked, -1 without a mark, LONG_MAX when it cannot be read (as if lost
 * today: nothing proved absent).
 */
int	 spool_mark_lost(const char *dir, long day, int create_only);
long	 spool_lost_day(const char *dir);

/*
 * Put n entries in the spool at dir, as one file: written in tmp/,
 * synced, renamed into new/. 0, or -1 (errno) with nothing in new/.
 */
int	 spool_add(const char *dir, const struct spool_entry *, size_t n);

/*
 * Read the entries of up to max_files files (0: no limit on files) and at
 * most SPOOL_READ_MAX entries from the spool at dir into b (cleared first).
 * A missing spool is an empty one. 0, or -1 (errno).
 */
int	 spool_take(const char *dir, size_t max_files, struct spool_batch *b);

/* Remove the files b was read from (they are merged); also temp files
 * left in tmp/ by writers that died more than a day ago. */
void	 spool_remove(const char *dir, const struct spool_batch *b);

void	 spool_batch_free(struct spool_batch *);

/* Free the recipients of n entries (not the array). */
void	 spool_entries_clear(struct spool_entry *, size_t n);

#endif
