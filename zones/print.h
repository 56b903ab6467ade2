/* Prints a compiled zone as a plain RFC 1035 master file, each FAILOVER resolved to A and AAAA
 * records, so NSD, Knot or a secondary can load what Baton serves. */
#ifndef BATON_PRINT_H
#define BATON_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "zones/zone.h"

/* Which sites a FAILOVER's static form lists; NULL lists them all. */
typedef bool zone_site_filter(const struct zone_site *site, void *arg);

/* Writes every record of `z` in canonical order, SOA first. A FAILOVER becomes the A and AAAA
 * records of its sites that `keep` accepts, with the record's TTL; when it accepts none, all
 * sites are listed (a static zone cannot fail over, so it fails open). Returns 0, or -EIO when
 * writing failed, or -ENOMEM. */
int zone_print(FILE *out, const struct zone *z, zone_site_filter *keep, void *arg);

#endif
