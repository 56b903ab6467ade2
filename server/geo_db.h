/* A MaxMind DB for policy=geo. Opened with libmaxminddb and read once through when it loads:
 * each distinct record becomes a location (continent, country, coordinates) with a small id,
 * so the query path turns an address into a location id with one tree walk and one probe of a
 * hash table, and everything that depends on location is computed before serving. */
#ifndef BATON_GEO_DB_H
#define BATON_GEO_DB_H

#include <maxminddb.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "baton/diag.h"

#define GEO_LOCATION_NONE UINT32_MAX

struct geo_location {
	char continent[3]; /* "EU", "" when the record has none */
	char country[3]; /* "DE", "" when the record has none */
	bool has_coordinates;
	double latitude, longitude; /* radians */
};

struct geo_db {
	MMDB_s mmdb;
	char *path;
	struct geo_location *locations;
	uint32_t location_count;
	/* data-section offset -> location, open addressing; sized by the distinct records (kept
	 * at most half full), not by the tree's nodes, so that it stays in the CPU's caches: one
	 * slot holds both, so a lookup costs one cache line, not two */
	struct geo_db_slot {
		uint32_t offset; /* data-section offset + 1 (0: empty slot) */
		uint32_t location;
	} * slots;
	uint32_t slot_mask;
	uint32_t network_count; /* records in the search tree that lead to data */
	time_t loaded;
	unsigned refs; /* snapshots holding it; changed only by the thread that reloads */
};

/* What one address maps to. */
struct geo_lookup {
	uint32_t location; /* index into db->locations, or GEO_LOCATION_NONE */
	uint8_t prefix_len; /* the database network's prefix, in bits of the address's family */
};

/* Opens `path` and indexes its records. Returns 0 with *out holding one reference, or a
 * negative errno with the reason in `d` (named after the file). Not for the query path. */
int geo_db_open(struct geo_db **out, const char *path, struct diag *d);

void geo_db_ref(struct geo_db *db);
/* Drops a reference; closes the database with the last one. NULL is a no-op. */
void geo_db_unref(struct geo_db *db);

/* Looks up `addr` (4 bytes when `ipv4`, else 16; an IPv6 address has no location in an
 * IPv4-only database). Query-path safe: libmaxminddb's lookup walks
 * the memory-mapped tree without allocating. */
void geo_db_lookup(const struct geo_db *db, const uint8_t *addr, bool ipv4, struct geo_lookup *out);

/* Great-circle distance in radians between two located points (haversine). */
double geo_distance(double lat1, double lon1, double lat2, double lon2);

#endif
