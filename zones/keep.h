/* The last good copy of a zone, for `zone-cache:`. */
#ifndef BATON_KEEP_H
#define BATON_KEEP_H

#include "zones/zone.h"

/* zone_load(), and when the zone compiles, `copy_path` is replaced (atomically) by the zone as
 * one self-contained master file (every $INCLUDE inlined): zone_load() of that copy gives the
 * same zone. *copy_err is 0 or the -errno of writing the copy; the zone is loaded either way.
 * Not for the query path. */
int zone_load_keeping(struct zone **out, const char *origin, const char *path,
		      const char *copy_path, struct diag *d, int *copy_err);

#endif
