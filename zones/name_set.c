/* The names of a zone being compiled, found once each and ordered canonically. The compiler
 * used to sort every record and then every name with a label-by-label comparison, some 40
 * million comparisons for a million names; here each name is hashed once, and the order comes
 * from sorting siblings by one label and walking the tree. */
#include "autoconfig.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "zones/dname.h"
#include "zones/name_set.h"

static int slots_resize(struct name_set *s, uint32_t size)
{
	uint32_t *slots = calloc(size, sizeof(*slots));

	if (slots == NULL)
		return -ENOMEM;
	free(s->slots);
	s->slots = slots;
	s->mask = size - 1;
	for (uint32_t id = 0; id < s->count; id++) {
		uint32_t i = s->names[id].hash & s->mask;

		while (s->slots[i] != 0)
			i = (i + 1) & s->mask;
		s->slots[i] = id + 1;
	}
	return 0;
}

/* The slot holding this name, or the free slot where it belongs. */
static uint32_t *slot_of(const struct name_set *s, const uint8_t *lower, uint8_t len, uint32_t hash)
{
	for (uint32_t i = hash & s->mask;; i = (i + 1) & s->mask) {
		const struct name_set_entry *e;

		if (s->slots[i] == 0)
			return &s->slots[i];
		e = &s->names[s->slots[i] - 1];
		if (e->hash == hash && e->len == len && memcmp(e->lower, lower, len) == 0)
			return &s->slots[i];
	}
}

static int insert(struct name_set *s, const uint8_t *lower, uint8_t len, uint8_t labels,
		  uint32_t hash, uint32_t *id)
{
	struct name_set_entry *e;
	uint32_t *slot;

	if (s->count == s->cap) {
		uint32_t cap = s->cap * 2;
		void *p = cap > s->cap ? realloc(s->names, (size_t)cap * sizeof(*s->names)) : NULL;

		if (p == NULL)
			return -ENOMEM;
		s->names = p;
		s->cap = cap;
	}
	if ((s->count + 1) * 2 > s->mask + 1 && slots_resize(s, (s->mask + 1) * 2) < 0)
		return -ENOMEM;
	slot = slot_of(s, lower, len, hash);
	e = &s->names[s->count];
	e->lower = arena_dup_bytes(s->arena, lower, len);
	if (e->lower == NULL)
		return -ENOMEM;
	e->hash = hash;
	e->len = len;
	e->labels = labels;
	e->parent = NAME_SET_NONE;
	e->rank = 0;
	*slot = s->count + 1;
	*id = s->count++;
	return 0;
}

int name_set_init(struct name_set *s, struct arena *arena, const uint8_t *apex, size_t hint)
{
	uint32_t size = 64, id;
	size_t len = dname_length(apex);
	uint8_t lower[DNAME_MAX_LEN];

	memset(s, 0, sizeof(*s));
	s->arena = arena;
	while (size < hint * 2 && size < (1u << 31))
		size *= 2;
	s->cap = size / 2;
	s->names = malloc((size_t)s->cap * sizeof(*s->names));
	if (s->names == NULL || slots_resize(s, size) < 0)
		return -ENOMEM;
	dname_lower(lower, apex, len);
	return insert(s, lower, (uint8_t)len, (uint8_t)dname_label_count(lower),
		      dname_hash(lower, len), &id);
}

void name_set_fini(struct name_set *s)
{
	free(s->names);
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

int name_set_add(struct name_set *s, const uint8_t *name, uint32_t *id)
{
	struct dname_view v;
	uint32_t child = NAME_SET_NONE, apex_labels = s->names[0].labels;

	dname_view_from_wire(&v, name, dname_length(name));
	if (v.labels < apex_labels ||
	    v.len - v.suffix_off[v.labels - apex_labels] != s->names[0].len ||
	    memcmp(v.lower + v.suffix_off[v.labels - apex_labels], s->names[0].lower,
		   s->names[0].len) != 0)
		return -EINVAL; /* not at or below the apex */
	/* from the name up: each ancestor found ends the walk, since its own are there too */
	for (uint32_t i = 0; i <= v.labels - apex_labels; i++) {
		const uint8_t *lower = v.lower + v.suffix_off[i];
		uint8_t len = (uint8_t)(v.len - v.suffix_off[i]);
		uint32_t *slot = slot_of(s, lower, len, v.suffix_hash[i]), found;
		bool existed = *slot != 0;
		int rc;

		if (existed)
			found = *slot - 1;
		else if ((rc = insert(s, lower, len, (uint8_t)(v.labels - i), v.suffix_hash[i],
				      &found)) < 0)
			return rc;
		if (child == NAME_SET_NONE)
			*id = found;
		else
			s->names[child].parent = found;
		if (existed)
			return 0;
		child = found;
	}
	return -EINVAL;
}

/* A name under its parent: siblings sort by their first label alone. */
struct child {
	uint32_t parent;
	uint32_t id;
	const uint8_t *label;
};

/* RFC 4034 §6.1 within one parent: the first labels as octet strings, lowercased, a label that
 * is a prefix of another first. */
static int child_compare(const void *pa, const void *pb)
{
	const struct child *a = pa, *b = pb;
	size_t n;
	int c;

	if (a->parent != b->parent)
		return a->parent < b->parent ? -1 : 1;
	n = a->label[0] < b->label[0] ? a->label[0] : b->label[0];
	c = memcmp(a->label + 1, b->label + 1, n);
	if (c != 0)
		return c;
	return (a->label[0] > b->label[0]) - (a->label[0] < b->label[0]);
}

/* Depth first from the apex, children in label order: canonical order. `first[id]` is where
 * the children of `id` begin in `kids`, or NAME_SET_NONE. */
static void walk(struct name_set *s, const struct child *kids, const uint32_t *first,
		 uint32_t *order)
{
	struct {
		uint32_t parent;
		uint32_t next;
	} stack[DNAME_MAX_LABELS + 1];
	uint32_t depth = 0, pos = 0, kid_count = s->count - 1;

	order[pos] = 0;
	s->names[0].rank = pos++;
	stack[depth].parent = 0;
	stack[depth++].next = first[0];
	while (depth > 0) {
		uint32_t k = stack[depth - 1].next, id;

		if (k >= kid_count || kids[k].parent != stack[depth - 1].parent) {
			depth--;
			continue;
		}
		id = kids[k].id;
		stack[depth - 1].next = k + 1;
		order[pos] = id;
		s->names[id].rank = pos++;
		stack[depth].parent = id;
		stack[depth++].next = first[id];
	}
}

int name_set_order(struct name_set *s, uint32_t *order)
{
	uint32_t kid_count = s->count - 1;
	struct child *kids = malloc((kid_count ? kid_count : 1) * sizeof(*kids));
	uint32_t *first = malloc((size_t)s->count * sizeof(*first));

	if (kids == NULL || first == NULL) {
		free(kids);
		free(first);
		return -ENOMEM;
	}
	for (uint32_t id = 1; id <= kid_count; id++)
		kids[id - 1] = (struct child){ s->names[id].parent, id, s->names[id].lower };
	qsort(kids, kid_count, sizeof(*kids), child_compare);
	for (uint32_t id = 0; id < s->count; id++)
		first[id] = NAME_SET_NONE;
	for (uint32_t k = kid_count; k-- > 0;)
		first[kids[k].parent] = k;
	walk(s, kids, first, order);
	free(kids);
	free(first);
	return 0;
}
