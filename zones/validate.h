/* Semantic checks of a compiled zone: what a file can say but a zone must not. */
#ifndef BATON_VALIDATE_H
#define BATON_VALIDATE_H

#include "baton/diag.h"

struct zone;
struct zone_source;

/* Adds to `d`, with file and line, each of: no SOA or more than one at the apex (named at the
 * second one's line in `src`, the source `z` was compiled from), an SOA elsewhere, no NS at the
 * apex, CNAME beside other data or more than one CNAME (RFC 2181 §10.1), an in-zone name server
 * without an address (missing glue). Returns the number added. */
size_t zone_validate(const struct zone *z, const struct zone_source *src, struct diag *d);

#endif
