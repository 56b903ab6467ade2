/* Compiles the failover stanzas of a zone ($CHECK, $SITE, FAILOVER, $GEO-NET, $GEO-MAP) into
 * zones/failover.h. */
#ifndef BATON_STANZA_H
#define BATON_STANZA_H

#include "zones/load.h"
#include "zones/site.h"
#include "zones/stanza_args.h"
#include "zones/zone.h"

/* Builds z->checks, z->sites and the `failover` of each FAILOVER owner's node (the nodes must
 * exist). Errors go to `d` with file and line. Returns 0 (check d->count for errors) or -ENOMEM. */
int stanza_compile(struct zone *z, const struct zone_source *src, struct diag *d);

/* Compiles $GEO-NET and $GEO-MAP (after the sites). Returns 0 or -ENOMEM; errors go to `c`. */
int geo_stanza_compile(struct zone *z, const struct zone_source *src, struct stanza_ctx *c);

/* The zone's own copy of `file`, a name in src->files: stanzas keep it past zone_load(). */
const char *zone_file_copy(const struct zone *z, const struct zone_source *src, const char *file);

/* server/geo_index.c sizes its tables by it. */
#define STANZA_SITES_MAX SITE_LIST_MAX

#endif
