/* A compiled zone: immutable after zone_compile(), built for the query path.
 * The layout is public because server/lookup.c walks it on every query and must inline the
 * field accesses; nothing outside zones/ writes to it. */
#ifndef BATON_ZONE_H
#define BATON_ZONE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "baton/arena.h"
#include "baton/diag.h"
#include "zones/dname.h"
#include "zones/failover.h"

struct zone_source;

/* One resource record, pre-encoded as it goes on the wire after its owner name:
 * TYPE, CLASS, TTL, RDLENGTH, RDATA. Names inside RDATA of the types RFC 1035 defined may be
 * compressed (RFC 3597 §4), so their offsets are kept to let the encoder do it. */
struct zone_rr {
	const uint8_t *wire; /* 10 + rdlength bytes */
	uint16_t len;
	uint8_t name_count; /* compressible names in RDATA: at most 2 (SOA, MINFO) */
	uint16_t name_off[2]; /* from the start of RDATA */
};

struct zone_rrset {
	uint16_t type;
	uint16_t rr_count;
	uint32_t ttl; /* RFC 2181 §5.2: one TTL per RRset, the lowest given */
	struct zone_rr *rrs;
	const char *file; /* where its first RR was written, for messages */
	unsigned line;
	uint32_t order; /* its first RR's position in the source, $INCLUDEs inlined */
	/* In a signed zone, its RRSIG RRset, sent right after it to a query with DO=1 (and
	 * dropped with it when it does not fit); NULL when unsigned (glue, delegation NS). */
	const struct zone_rrset *sig;
};

enum zone_node_flags {
	ZONE_NODE_APEX = 1 << 0,
	ZONE_NODE_DELEGATION = 1 << 1, /* NS below the apex: a zone cut */
	ZONE_NODE_WILDCARD = 1 << 2, /* first label is '*' */
};

struct zone_node {
	const uint8_t *name; /* wire form, case as written in the zone file */
	const uint8_t *lower; /* wire form, lowercased: the hash key */
	uint8_t name_len;
	uint8_t labels;
	uint16_t flags;
	uint32_t hash; /* dname_hash(lower) */
	struct zone_node *parent; /* NULL at the apex */
	struct zone_node *cut; /* highest delegation at or above this node (itself at a cut),
	                             * NULL when the node holds authoritative data */
	struct zone_node *wildcard; /* the "*.<this>" child, if the zone has one */
	struct zone_rrset *rrsets; /* sorted by type; none for an empty non-terminal */
	uint16_t rrset_count;
	uint16_t glue_count;
	struct zone_node **glue; /* at a delegation or the apex: in-zone name server nodes
	                             * with addresses */
	const struct zone_failover *failover; /* a FAILOVER record here, or NULL */
	/* Signed zones (zones/dnssec.h): this name's NSEC RRset (with its sig), NULL for names
	 * not in the chain (empty non-terminals, glue and names below a cut); and the last node
	 * at or before this one in canonical order that has one, whose NSEC proves what is
	 * here or covers the names after it. */
	const struct zone_rrset *nsec;
	const struct zone_node *nsec_at;
};

struct zone {
	struct arena arena;
	char name_str[DNAME_STR_MAX]; /* presentation, for messages */
	const char *file;
	const char **files; /* the zone file and each $INCLUDE: what `file` fields point to */
	size_t file_count;
	struct zone_node *apex;
	struct zone_node *nodes; /* canonical order (RFC 4034 §6.1), apex first */
	uint32_t node_count;
	struct zone_node **table; /* open addressing on lowercased names */
	uint32_t table_mask;
	struct zone_rrset *soa; /* the apex SOA as written */
	struct zone_rrset negative_soa; /* TTL = min(SOA TTL, MINIMUM): RFC 2308 §3 */
	uint32_t serial; /* the file's */
	/* The serial answered in the SOA: the file's, or the export's (server/export.c), which a
	 * change of the FAILOVER answers a secondary carries moves on. The other mutable part, with
	 * answers counters: written by the main thread, read by the query path (relaxed). */
	_Atomic uint32_t serial_now;
	struct zone_check *checks; /* $CHECK stanzas */
	uint32_t check_count;
	struct zone_site *sites; /* $SITE stanzas */
	uint32_t site_count;
	struct zone_geo_net *geo_nets; /* $GEO-NET */
	uint32_t geo_net_count;
	struct zone_geo_map *geo_maps; /* $GEO-MAP */
	uint32_t geo_map_count;
	/* The nodes with a FAILOVER, in canonical order (as a walk of `nodes` meets them): what
	 * metrics, the status page, drills, the geo index and reloads walk, so ten FAILOVERs
	 * among a million names cost ten steps. NULL when failover_count is 0. */
	struct zone_node **failovers;
	uint32_t failover_count;
	unsigned refs; /* zonesets holding it; changed only by the thread that reloads */
	bool dnssec; /* signed (dnssec_sign_zone()): RRSIGs and NSECs for queries with DO=1 */
	uint32_t dnssec_signed_s; /* when it was signed (wall clock): a reload re-signs it past half
	                            * its signatures' lifetime */
};

/* Reads and compiles the zone `origin` from `path`. On success *out holds a new zone (free with
 * zone_free()); on failure *out is untouched, every problem is in `d` with file and line, and
 * the return is -EINVAL (bad data), -ENOENT/-EACCES (file) or -ENOMEM. Not for the query path. */
int zone_load(struct zone **out, const char *origin, const char *path, struct diag *d);

/* Compiles records already read (zone_load's second half; the fuzzer calls it too). */
int zone_compile(struct zone **out, const struct zone_source *src, struct diag *d);

void zone_free(struct zone *z);

/* The node with exactly this lowercased name (from a dname_view suffix), or NULL.
 * Query-path safe: no allocation, no lock. */
static inline struct zone_node *zone_find(const struct zone *z, const uint8_t *lower, uint8_t len,
					  uint32_t hash)
{
	for (uint32_t i = hash & z->table_mask;; i = (i + 1) & z->table_mask) {
		struct zone_node *n = z->table[i];

		if (n == NULL)
			return NULL;
		if (n->hash == hash && n->name_len == len && memcmp(n->lower, lower, len) == 0)
			return n;
	}
}

/* The SOA serial to answer now. Query-path safe. */
static inline uint32_t zone_serial_now(const struct zone *z)
{
	return atomic_load_explicit(&((struct zone *)z)->serial_now, memory_order_relaxed);
}

/* The RRset of `type` at `n`, or NULL. */
static inline const struct zone_rrset *zone_node_rrset(const struct zone_node *n, uint16_t type)
{
	for (uint16_t i = 0; i < n->rrset_count; i++)
		if (n->rrsets[i].type == type)
			return &n->rrsets[i];
	return NULL;
}

#endif
