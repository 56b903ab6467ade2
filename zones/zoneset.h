/* The set of zones served at one moment: what the query path reads through an RCU pointer. */
#ifndef BATON_ZONESET_H
#define BATON_ZONESET_H

#include <stddef.h>
#include <stdint.h>

#include "zones/dname.h"
#include "zones/zone.h"

struct geo_index;

struct zoneset {
	struct zone **zones;
	size_t count;
	struct zone **table; /* open addressing on apex names */
	uint32_t table_mask;
	/* policy=geo rankings for exactly these zones, published with them so a query never
	 * pairs one reload's zones with another's rankings. Built and freed by the server
	 * (server/geo.h); the zones library never reads it. */
	struct geo_index *geo;
};

/* Builds a set over `zones` (count may be 0); each zone gains a reference, so a zone kept
 * across a reload is shared by the old and the new set. Returns 0 or -ENOMEM (then *out is
 * untouched and no reference was taken). */
int zoneset_new(struct zoneset **out, struct zone *const *zones, size_t count);

/* Drops the set's references and frees zones no other set holds. Only after an RCU grace
 * period when the set was published. NULL is a no-op. */
void zoneset_free(struct zoneset *zs);

/* The zone whose apex is the longest suffix of `qname` among labels [from_label, labels] of
 * the view, or NULL; *apex_label receives the label index of that apex. Query-path safe. */
static inline struct zone *zoneset_find(const struct zoneset *zs, const struct dname_view *qname,
					unsigned from_label, unsigned *apex_label)
{
	for (unsigned l = from_label; l <= qname->labels; l++) {
		const uint8_t *suffix = qname->lower + qname->suffix_off[l];
		uint8_t len = (uint8_t)(qname->len - qname->suffix_off[l]);
		uint32_t hash = qname->suffix_hash[l];

		for (uint32_t i = hash & zs->table_mask;; i = (i + 1) & zs->table_mask) {
			struct zone *z = zs->table[i];

			if (z == NULL)
				break;
			if (z->apex->hash == hash && z->apex->name_len == len &&
			    memcmp(z->apex->lower, suffix, len) == 0) {
				*apex_label = l;
				return z;
			}
		}
	}
	return NULL;
}

/* The zone named exactly `lower` (wire, lowercased), or NULL. */
struct zone *zoneset_get(const struct zoneset *zs, const uint8_t *lower);

/* The zone named `name` in presentation form ("example.com", with or without the final dot,
 * any case), or NULL; `zs` may be NULL. Not for the query path (ldns parses the name). */
struct zone *zoneset_get_by_name(const struct zoneset *zs, const char *name);

#endif
