/*
 * cache.h - the user's rule patterns compiled once, kept on disk.
 *
 * Rule files from rules_dir, rules_file or --rules are parsed on every
 * run, but their patterns are not compiled again: the codes PCRE2
 * compiled (serialised, as the build does for the shipped rules), the
 * prefilter's literal sets and the top-level branches of each pattern
 * are read from a cache file in $XDG_CACHE_HOME/backscatter (else
 * ~/.cache/backscatter), one file a list of rule sources. An entry is
 * found by its pattern's text and flags, so a changed rule file finds no
 * entry for what changed and compiles it; the file is then written anew
 * (a temporary file renamed over the old one). A cache file is used only
 * when it is ours (owned by us, not writable by others), of this very
 * program (its format, version, PCRE2 and the executable's size, time
 * and inode) and whole (its length and checksum): anything else is
 * ignored, and rewritten after the run.
 */
#ifndef BS_RULES_CACHE_H
#define BS_RULES_CACHE_H

#include <sys/types.h>
#include <sys/stat.h>

#include <stddef.h>
#include <signal.h>
#include <stdint.h>

struct ruleset;
struct rule;

/* Where caches are kept: absolute $XDG_CACHE_HOME and $HOME, each NULL
 * when unset (the command line reads the environment; no cache without
 * either). */
void	 rules_cache_dirs(const char *xdg_cache_home, const char *home);
/* Read the cache of the set's sources, when it has rule files among
 * them; nothing when there is none or it cannot be used. */
void	 rules_cache_load(struct ruleset *);
/* The cached codes, literals and branches of r's pattern, taken over by
 * r: 1, or 0 when the cache has none (then compile it). */
int	 rules_cache_take(struct ruleset *, struct rule *);
/* Write the cache anew when a pattern had to be compiled; failing to
 * write it is no error (the next run compiles again). */
void	 rules_cache_save(struct ruleset *);
/* Free what the set's cache holds. */
void	 rules_cache_free(struct ruleset *);

/* --- shared with snapshot.c ------------------------------------------ */

/* A 64-bit checksum of n bytes, chained from h. */
uint64_t rules_cache_checksum(const void *, size_t n, uint64_t h);
/* The cache file of the set's sources; -1 when it has no rule files or
 * there is no place for a cache. */
int	 rules_cache_path(const struct ruleset *, char *out, size_t n);
/*
 * A cache file: a head (magic, the program that wrote it, the payload's
 * length and checksum), then the payload. rules_cache_load_file gives the
 * payload of the file at path when it is ours (a regular file owned by
 * us, not writable by others, of at most CACHE_MAX bytes), has magic (8
 * bytes) and was written by this very program, and is whole: a fresh
 * buffer (malloc) and its length, or NULL. rules_cache_save_file writes
 * one atomically (aside, then renamed), making its folder when missing;
 * 0 or -1.
 */
char	*rules_cache_load_file(const char *path, const char *magic,
	    size_t *len_r);
int	 rules_cache_save_file(const char *path, const char *magic,
	    const void *payload, size_t len);
/*
 * The same file, checked the same way, held still and mapped read-only
 * instead of read: 0 with the payload and its length in m, -1 when it is
 * unusable, -2 when it cannot be held still (then rules_cache_load_file's
 * private copy is the way). A mapping shows what others write into the
 * file after it was checked; so the file is mapped only under a read
 * lease (fcntl F_SETLEASE), which the kernel grants only while no one
 * has it open for writing and which keeps anyone from opening it for
 * writing or cutting it (they wait) until rules_cache_unmap_file lets it
 * go: what was checked is what is read. Whoever reads the payload still
 * does it under base/guard.h and copies out what it keeps.
 */
struct cache_map {
	const char	*payload;
	size_t		 len;		/* the payload's */
	size_t		 maplen;	/* the mapping's */
	int		 fd;		/* holding the lease */
	struct sigaction sigio;		/* as it was before */
};
int	 rules_cache_map_file(const char *path, const char *magic,
	    struct cache_map *);
void	 rules_cache_unmap_file(struct cache_map *);
/* Is the file still held still? 0 when a writer came and the lease was
 * broken (after lease-break-time, or at once where an administrator set
 * it to 0): what was read from the mapping may not be what was checked. */
int	 rules_cache_map_held(const struct cache_map *);

/* --- snapshot.c: the whole set ----------------------------------------- */

/*
 * The whole compiled set (the built-in rules and the user's, parsed,
 * metas ordered, every pattern compiled) kept beside the pattern cache,
 * with the identity of every rule file and folder read (device, inode,
 * size, modification and change times). When none has changed, the set
 * is taken from it as it is: no file is read or parsed, no name looked
 * up. Written only for a set without errors, and not while a source is
 * younger than RULES_SNAPSHOT_SETTLE seconds (a change within the same
 * clock tick would leave its times as they were).
 */
/* Note a rule file or folder read (parse.c). */
void	 rules_snapshot_note(struct ruleset *, const char *path,
	    const struct stat *);
/* Load the set whole: 0, or -1 (nothing changed in the set) when there
 * is no usable snapshot. */
int	 rules_snapshot_load(struct ruleset *);
/* Write the snapshot of a set compiled without errors, scores not yet
 * overridden by the configuration. */
void	 rules_snapshot_save(struct ruleset *);
/* Free a set taken from a snapshot: its codes and arrays, not its
 * strings one by one (they lie in the snapshot). Nothing when the set
 * was not. */
void	 rules_snapshot_free(struct ruleset *);

#endif
