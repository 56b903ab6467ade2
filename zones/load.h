/* Reads a master file into records with their file and line: $ORIGIN, $TTL, $INCLUDE and every
 * RR type ldns knows, RFC 3597 generic syntax included. */
#ifndef BATON_LOAD_H
#define BATON_LOAD_H

#include <ldns/ldns.h>
#include <stdio.h>

#include "baton/arena.h"
#include "baton/diag.h"

/* One record as ldns read it, in wire form: the ldns_rr itself is freed at once, since a
 * million of them (some ten allocations each) were most of a large zone's load-time memory. */
struct zone_source_rr {
	const uint8_t *owner; /* wire form as written, in zone_source.pool; records in a row with
	                       * the same owner share it */
	const uint8_t *rdata; /* in zone_source.pool */
	uint32_t rdlen;
	uint32_t ttl;
	uint16_t type;
	uint8_t owner_len;
	uint8_t name_count; /* names of RDATA that may be compressed (RFC 3597 §4): at most 2 */
	uint16_t name_off[2]; /* from the start of RDATA */
	unsigned line;
	const char *file; /* points into zone_source.files */
};

/* A failover stanza, kept as text for zones/stanza.c to compile. */
enum stanza_kind { STANZA_CHECK, STANZA_SITE, STANZA_FAILOVER, STANZA_GEO_NET, STANZA_GEO_MAP };

struct zone_source_stanza {
	enum stanza_kind kind;
	char *args; /* what follows the directive or the FAILOVER type, owned */
	ldns_rdf *owner; /* FAILOVER: the absolute owner name, owned */
	uint32_t ttl; /* FAILOVER */
	const char *file; /* points into zone_source.files */
	unsigned line;
};

struct zone_source {
	ldns_rdf *origin; /* the zone's apex */
	struct zone_source_rr *rrs;
	size_t count;
	size_t cap;
	struct zone_source_stanza *stanzas;
	size_t stanza_count;
	char **files; /* the zone file and each $INCLUDE, owned */
	size_t file_count;
	struct arena pool; /* owners and RDATA of `rrs` */
};

/* Reads `path` (and what it includes) for the zone `origin` ("example.com" or "example.com.").
 * Records are kept even when later ones fail, so one run reports every error. Returns 0, or
 * -EINVAL when `d` holds errors, or -errno when the file cannot be opened. The caller frees
 * `src` with zone_source_fini() in every case. */
int zone_source_read(struct zone_source *src, const char *origin, const char *path, struct diag *d);

/* The same, also writing the zone to `copy` as one self-contained master file: every $INCLUDE
 * inlined between $ORIGIN lines, blank owners written out, comments gone. Reading the copy
 * gives the same records and stanzas (with other line numbers). */
int zone_source_read_copy(struct zone_source *src, const char *origin, const char *path, FILE *copy,
			  struct diag *d);

/* The same from an open stream named `name` (used by the fuzzer with fmemopen()). */
int zone_source_read_stream(struct zone_source *src, const char *origin, FILE *fp, const char *name,
			    struct diag *d);

void zone_source_fini(struct zone_source *src);

#endif
