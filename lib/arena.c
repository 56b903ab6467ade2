/* A bump allocator: a compiled zone lives in one arena and is freed in one call. */
#include "autoconfig.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "baton/arena.h"

/* Blocks grow with the arena, from 64 KiB for a small zone to 8 MiB for a large one, and come
 * from mmap(2), not malloc: a zone's blocks and a load's temporaries then never share a heap, so
 * what a load frees goes back to the system at once instead of staying in the heap, fragmented
 * between the zone's blocks (a million-name zone kept some 400 MB resident that way). */
#define ARENA_BLOCK_MIN (64 * 1024)
#define ARENA_BLOCK_MAX (8 * 1024 * 1024)

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
		munmap(b, sizeof(*b) + b->size);
		b = next;
	}
	a->head = NULL;
	a->total = 0;
}

/* A block for `size` bytes at least, sized to the arena's growth. */
static struct arena_block *block_new(struct arena *a, size_t size)
{
	size_t block = a->total / 8, page = 4096;
	struct arena_block *b;

	if (block < ARENA_BLOCK_MIN)
		block = ARENA_BLOCK_MIN;
	if (block > ARENA_BLOCK_MAX)
		block = ARENA_BLOCK_MAX;
	if (block < size)
		block = size;
	block = ((sizeof(*b) + block + page - 1) & ~(page - 1)) - sizeof(*b);
	b = mmap(NULL, sizeof(*b) + block, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		 0);
	if (b == MAP_FAILED)
		return NULL;
	b->used = 0;
	b->size = block;
	b->next = a->head;
	a->head = b;
	ASAN_POISON_MEMORY_REGION(b->data, block);
	return b;
}

/* `size` bytes at the next multiple of `align` (a power of two), zeroed: fresh blocks are. */
static void *alloc_aligned(struct arena *a, size_t size, size_t align)
{
	struct arena_block *b = a->head;
	size_t start = 0, need;
	void *p;

	if (size > SIZE_MAX / 2)
		return NULL;
	if (b != NULL)
		start = (b->used + align - 1) & ~(align - 1);
	need = size + ARENA_REDZONE;
	if (b == NULL || start > b->size || b->size - start < need) {
		b = block_new(a, need);
		if (b == NULL)
			return NULL;
		start = 0;
	}
	p = b->data + start;
	a->total += need + (start - b->used);
	b->used = start + need;
	ASAN_UNPOISON_MEMORY_REGION(p, size);
	return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
	return alloc_aligned(a, size, alignof(max_align_t));
}

void *arena_alloc_bytes(struct arena *a, size_t size)
{
	return alloc_aligned(a, size, 1);
}

void *arena_dup(struct arena *a, const void *src, size_t size)
{
	void *p = arena_alloc(a, size);

	if (p != NULL && size > 0)
		memcpy(p, src, size);
	return p;
}

void *arena_dup_bytes(struct arena *a, const void *src, size_t size)
{
	void *p = arena_alloc_bytes(a, size);

	if (p != NULL && size > 0)
		memcpy(p, src, size);
	return p;
}
