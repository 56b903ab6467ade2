/* Prints a compiled zone as a plain RFC 1035 master file, each FAILOVER resolved to A and AAAA
 * records, so NSD, Knot or a secondary can load what Baton serves. */
#ifndef BATON_PRINT_H
#define BATON_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "zones/pick.h"
#include "zones/zone.h"

/* Writes what an AXFR of `z` carries (zones/walk.c): every record in canonical order, SOA first
 * with `serial`, each FAILOVER as the A and AAAA records of the sites in `picks` (one per entry
 * of z->failovers; NULL: every verdict unknown, so as when every site is up) with its ttl-min
 * as TTL. Returns 0, or -EIO when writing failed, or -ENOMEM. */
int zone_print(FILE *out, const struct zone *z, const struct pick_set *picks, uint32_t serial);

#endif
