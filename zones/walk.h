/* The records a zone exports, one at a time: what an AXFR carries (server/xfr.c) and what the
 * static print writes (zones/print.c), from one walk so the two cannot differ. */
#ifndef BATON_WALK_H
#define BATON_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "zones/pick.h"
#include "zones/zone.h"

/* One record: the owner in wire form, the pre-encoded TYPE CLASS TTL RDLENGTH RDATA, and the
 * TTL to write over the encoded one. */
struct walk_rr {
	const uint8_t *owner;
	const struct zone_rr *rr;
	uint16_t type;
	uint32_t ttl;
};

/* A resumable position: a transfer stops when a message is full and goes on later. */
struct walk {
	const struct zone *z;
	const struct pick_set *picks; /* per z->failovers entry; NULL: pick_export() with no view */
	uint32_t node;
	uint16_t set; /* rrset at the node; past them, the FAILOVER's A then AAAA */
	uint16_t site; /* FAILOVER: index into sites[] */
	uint16_t rr;
	uint32_t failover; /* index into z->failovers of the next FAILOVER node */
	bool soa_done;
	bool entered; /* the node's FAILOVER sites are looked up */
	unsigned site_count;
	const struct zone_site *sites[PICK_MAX]; /* the current FAILOVER node's exported sites */
};

/* Starts at the apex SOA. `picks` (may be NULL) must outlive the walk. */
void walk_init(struct walk *w, const struct zone *z, const struct pick_set *picks);

/* The next record: the apex SOA first, then every other record in canonical order of names
 * (RFC 4034 §6.1), each FAILOVER as the A and AAAA records of its exported sites with the
 * record's ttl-min as TTL (an address two sites share once). False at the end; the closing SOA
 * of a transfer is the caller's. Allocates nothing. */
bool walk_next(struct walk *w, struct walk_rr *out);

#endif
