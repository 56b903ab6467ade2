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

/* Parses the arguments of one `$CHECK NAME KIND key=value...` into `check` (strings in the
 * ctx's arena). Returns 0, or -EINVAL with the errors added. */
int check_spec_compile(struct zone_check *check, const char *args, struct stanza_ctx *c);

/* Compiles $GEO-NET and $GEO-MAP (after the sites). Returns 0 or -ENOMEM; errors go to `c`. */
int geo_stanza_compile(struct zone *z, const struct zone_source *src, struct stanza_ctx *c);

/* The zone's own copy of `file`, a name in src->files: stanzas keep it past zone_load(). */
const char *zone_file_copy(const struct zone *z, const struct zone_source *src, const char *file);

/* The name of a check kind as written in $CHECK. */
const char *check_spec_kind_name(enum check_kind kind);

/* Do two checks probe the same way (name, kind and every parameter)? A reload keeps the state
 * of a check that did not change. */
bool check_spec_equal(const struct zone_check *a, const struct zone_check *b);

/* server/geo_index.c sizes its tables by it. */
#define STANZA_SITES_MAX SITE_LIST_MAX

#endif
