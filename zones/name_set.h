/* The names of a zone being compiled: every owner and each of its ancestors down to the apex
 * (the empty non-terminals of RFC 4592 §2.2.2), found once each through a hash set, then put
 * in canonical order (RFC 4034 §6.1) by walking the tree they form. */
#ifndef BATON_NAME_SET_H
#define BATON_NAME_SET_H

#include <stddef.h>
#include <stdint.h>

#include "baton/arena.h"

#define NAME_SET_NONE UINT32_MAX

struct name_set_entry {
	const uint8_t *lower; /* wire form, lowercased, in the zone's arena */
	uint32_t hash; /* dname_hash(lower) */
	uint32_t parent; /* the entry one label up; NAME_SET_NONE at the apex */
	uint32_t rank; /* position in canonical order, once name_set_order() ran */
	uint8_t len;
	uint8_t labels;
};

struct name_set {
	struct name_set_entry *names; /* names[0] is the apex */
	uint32_t count;
	uint32_t cap;
	uint32_t *slots; /* open addressing: an index into names plus one, 0 when free */
	uint32_t mask;
	struct arena *arena; /* where names are copied: the zone's, so nodes keep them */
};

/* Starts a set holding the apex `apex` (wire form, any case), sized for about `hint` names;
 * copies go into `arena`. Returns 0 or -ENOMEM; name_set_fini() in either case. */
int name_set_init(struct name_set *s, struct arena *arena, const uint8_t *apex, size_t hint);
void name_set_fini(struct name_set *s);

/* Adds `name` (wire form, any case, at or below the apex) and every ancestor of it down to
 * the apex; *id is its entry. Returns 0 or -ENOMEM. */
int name_set_add(struct name_set *s, const uint8_t *name, uint32_t *id);

/* Sets every entry's rank to its position in canonical order: a parent before its children,
 * siblings by their first label. `order` receives the entries in that order (count of them,
 * allocated by the caller). Returns 0 or -ENOMEM. */
int name_set_order(struct name_set *s, uint32_t *order);

#endif
