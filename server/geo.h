/* policy=geo: the client a query is answered for, and per-FAILOVER site rankings computed when
 * the zones or the database load. Distances do not change between loads and verdicts do not
 * change the order, only which entry is first usable, so a query walks a ranking made in
 * advance: no sorting, no allocation, no lock. */
#ifndef BATON_GEO_H
#define BATON_GEO_H

#include <stdbool.h>
#include <stdint.h>

#include "baton/health.h"
#include "server/geo_db.h"
#include "zones/zoneset.h"

/* Whom a query is answered for: the ECS address when the query carried one, else its source. */
struct geo_client {
	bool present; /* false: no address (tests): every geo answer is in list order */
	bool ipv4; /* addr holds 4 bytes (an IPv4-mapped IPv6 address is unmapped) */
	uint8_t addr[16];
	bool looked_up; /* `where` is filled on first need, once per query */
	struct geo_lookup where;
};

struct geo_index;

/* Rankings for every policy=geo FAILOVER of `zs` over the locations of `db` (NULL: no geo
 * record may exist). Takes a reference on `db`. Returns 0 or -ENOMEM. Not for the query path. */
int geo_index_build(struct geo_index **out, const struct zoneset *zs, struct geo_db *db);

/* Frees the index and drops its database reference; after an RCU grace period when it was
 * published. NULL is a no-op. */
void geo_index_free(struct geo_index *gi);

const struct geo_db *geo_index_db(const struct geo_index *gi);

/* The site of `f` that policy=geo answers `c` with: the first usable of the most
 * specific $GEO-NET naming sites of `f`, then of the ranking for c's location ($GEO-MAP
 * preferences first, then by distance, or list order where the location is unknown). Returns
 * the index in f->sites, or -1 when no site is usable. *scope_len receives the prefix length
 * (in bits of c's family) over which that answer holds; 0 when none was picked. Query-path
 * safe. */
int geo_pick(const struct geo_index *gi, const struct zone_failover *f,
	     const struct health_view *view, struct geo_client *c, uint8_t *scope_len);

#endif
