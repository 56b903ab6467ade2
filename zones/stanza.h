/* Compiles the failover stanzas of a zone ($CHECK, $SITE, FAILOVER, $GEO-NET, $GEO-MAP) into
 * zones/failover.h. */
#ifndef BATON_STANZA_H
#define BATON_STANZA_H

#include "zones/load.h"
#include "zones/site.h"
#include "zones/stanza_args.h"
#include "zones/zone.h"

/* Builds z->checks, z->sites and the `failover` of each FAILOVER owner's node (the nodes must
 * exist). `c` is the zone's stanza context (its diag, arena and file names); errors go to it
 * with file and line. Returns 0 (check the diag's count for errors) or -ENOMEM. */
int stanza_compile(struct zone *z, const struct zone_source *src, struct stanza_ctx *c);

/* Compiles $GEO-NET and $GEO-MAP, after stanza_compile() (they name its sites). Returns 0 or
 * -ENOMEM; errors go to `c`. */
int geo_stanza_compile(struct zone *z, const struct zone_source *src, struct stanza_ctx *c);

#endif
