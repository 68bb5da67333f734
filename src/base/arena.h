/*
 * arena.h - one message, one arena.
 *
 * Everything parsed from a message is allocated here and freed at once.
 * The arena has a hard total size (its max; LIMIT_ARENA_BYTES for a
 * message): past it, allocation returns NULL and the caller skips what it
 * was doing.
 */
#ifndef BS_ARENA_H
#define BS_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk	*chunks;
	size_t			 used;	/* bytes handed out, all chunks */
	size_t			 max;
};

void	 arena_init(struct arena *, size_t max);
/* Zeroed memory aligned for any type, or NULL past the arena's max. */
void	*arena_alloc(struct arena *, size_t);
/* The same, not zeroed: for text the caller writes before reading. */
void	*arena_alloc_bytes(struct arena *, size_t);
/* A NUL-terminated copy of n bytes, or NULL. */
char	*arena_strndup(struct arena *, const char *, size_t n);
char	*arena_strdup(struct arena *, const char *);
void	 arena_free(struct arena *);

#endif
