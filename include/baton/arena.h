/* A bump allocator: a compiled zone lives in one arena and is freed in one call. */
#ifndef BATON_ARENA_H
#define BATON_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t total; /* bytes handed out, for status */
};

void arena_init(struct arena *a);

/* Frees every block; the arena may be reused after arena_init(). */
void arena_fini(struct arena *a);

/* Zeroed memory aligned for any type, or NULL when out of memory. Freed with the arena. */
void *arena_alloc(struct arena *a, size_t size);

/* A copy of `size` bytes, or NULL. */
void *arena_dup(struct arena *a, const void *src, size_t size);

/* The same without alignment, for bytes read one at a time (names, wire data): a million names
 * padded to 16 bytes each would waste some 20 MB. */
void *arena_alloc_bytes(struct arena *a, size_t size);
void *arena_dup_bytes(struct arena *a, const void *src, size_t size);

#endif
