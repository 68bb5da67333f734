/*
 * arena.c - per-message bump allocator (see arena.h).
 *
 * Chunks of 64 KB, larger requests get a chunk of their own. Memory is
 * zeroed so parsed structures start empty, except what arena_alloc_bytes
 * hands out for text about to be written over (a normalised copy of a
 * 30 MB body need not be zeroed first).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"

#define CHUNK_SIZE	(64u * 1024)
#define ALIGN		16u

struct arena_chunk {
	struct arena_chunk	*next;
	size_t			 size;
	size_t			 off;
	/* data follows, aligned */
};

#define CHUNK_HEAD	((sizeof(struct arena_chunk) + ALIGN - 1) & ~(size_t)(ALIGN - 1))

void
arena_init(struct arena *a, size_t max)
{
	a->chunks = NULL;
	a->used = 0;
	a->max = max;
}

void *
arena_alloc_bytes(struct arena *a, size_t n)
{
	struct arena_chunk	*c = a->chunks;
	size_t			 size;
	char			*p;

	if (n == 0)
		n = 1;
	if (n > a->max || a->used > a->max - n)
		return NULL;
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (c == NULL || c->size - c->off < n) {
		size = n > CHUNK_SIZE - CHUNK_HEAD ? n : CHUNK_SIZE - CHUNK_HEAD;
		if ((c = malloc(CHUNK_HEAD + size)) == NULL)
			return NULL;
		c->size = size;
		c->off = 0;
		/* keep the roomier chunk in front for the next small request */
		if (a->chunks != NULL && size > CHUNK_SIZE - CHUNK_HEAD &&
		    a->chunks->size - a->chunks->off > 0) {
			c->next = a->chunks->next;
			a->chunks->next = c;
		} else {
			c->next = a->chunks;
			a->chunks = c;
		}
	}
	p = (char *)c + CHUNK_HEAD + c->off;
	c->off += n;
	a->used += n;
	return p;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	void	*p;

	if ((p = arena_alloc_bytes(a, n)) != NULL)
		memset(p, 0, n);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char	*p;

	if ((p = arena_alloc_bytes(a, n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void
arena_free(struct arena *a)
{
	struct arena_chunk	*c, *next;

	for (c = a->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->chunks = NULL;
	a->used = 0;
}
