/* A bump allocator: a compiled zone lives in one arena and is freed in one call. */
#include "autoconfig.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "baton/arena.h"

#define ARENA_BLOCK_SIZE (64 * 1024)

/* Under AddressSanitizer each allocation is unpoisoned alone and followed by a poisoned redzone,
 * so a read past one record's bytes is reported instead of landing on its neighbour. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#endif
#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define ARENA_REDZONE 16
#else
#define ASAN_POISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define ARENA_REDZONE 0
#endif

struct arena_block {
	struct arena_block *next;
	size_t used;
	size_t size;
	alignas(max_align_t) unsigned char data[];
};

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->total = 0;
}

void arena_fini(struct arena *a)
{
	struct arena_block *b = a->head;

	while (b != NULL) {
		struct arena_block *next = b->next;

		ASAN_UNPOISON_MEMORY_REGION(b->data, b->size);
		free(b);
		b = next;
	}
	a->head = NULL;
	a->total = 0;
}

void *arena_alloc(struct arena *a, size_t size)
{
	const size_t align = alignof(max_align_t);
	struct arena_block *b = a->head;
	size_t asked = size;
	void *p;

	size = ((size + align - 1) & ~(align - 1)) + ARENA_REDZONE;
	if (b == NULL || b->size - b->used < size) {
		size_t block = size > ARENA_BLOCK_SIZE ? size : ARENA_BLOCK_SIZE;

		b = malloc(sizeof(*b) + block);
		if (b == NULL)
			return NULL;
		b->used = 0;
		b->size = block;
		b->next = a->head;
		a->head = b;
		ASAN_POISON_MEMORY_REGION(b->data, block);
	}
	p = b->data + b->used;
	b->used += size;
	a->total += size;
	ASAN_UNPOISON_MEMORY_REGION(p, asked);
	memset(p, 0, asked);
	return p;
}

void *arena_dup(struct arena *a, const void *src, size_t size)
{
	void *p = arena_alloc(a, size);

	if (p != NULL && size > 0)
		memcpy(p, src, size);
	return p;
}
