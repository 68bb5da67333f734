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

#endif
