/* A zone's sites by name: the lookups of the stanzas that list sites (FAILOVER, $GEO-NET,
 * $GEO-MAP) and of batonctl, which names a site. */
#ifndef BATON_SITE_H
#define BATON_SITE_H

#include <stdint.h>

#include "zones/stanza_args.h"
#include "zones/zone.h"

/* The most sites one stanza lists. */
#define SITE_LIST_MAX 64

/* The site of `z` named `name`, or NULL. Allocates nothing; reads only what the zone compiled,
 * so any thread holding the zone may call it. */
const struct zone_site *site_find(const struct zone *z, const char *name);

/* Parses "fra,iad" into sites of `z` (array in the zone's arena); `who` names the stanza in
 * messages. Returns 0, -EINVAL (unknown or repeated site, added to `c`) or -ENOMEM. */
int site_list_parse(struct zone *z, const char *list, const struct zone_site ***out,
		    uint16_t *count, const char *who, struct stanza_ctx *c);

#endif
