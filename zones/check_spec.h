/* `$CHECK NAME KIND key=value...`, compiled into a struct zone_check: the zone compiler, the
 * vip.conf parser (track_check) and the health engine share it. */
#ifndef BATON_CHECK_SPEC_H
#define BATON_CHECK_SPEC_H

#include <stdbool.h>

#include "zones/failover.h"
#include "zones/stanza_args.h"

/* Parses the arguments of one `$CHECK NAME KIND key=value...` into `check` (strings in the
 * ctx's arena). Returns 0, or -EINVAL with the errors added to `c` (check->name is set when the
 * name itself was good). */
int check_spec_compile(struct zone_check *check, const char *args, struct stanza_ctx *c);

/* The name of a check kind as written in $CHECK. */
const char *check_spec_kind_name(enum check_kind kind);

/* Do two checks probe the same way (name, kind and every parameter)? A reload keeps the state
 * of a check that did not change. */
bool check_spec_equal(const struct zone_check *a, const struct zone_check *b);

#endif
