/* Semantic checks of a compiled zone: what a file can say but a zone must not. */
#ifndef BATON_VALIDATE_H
#define BATON_VALIDATE_H

#include "zones/diag.h"

struct zone;

/* Adds to `d`, with file and line, each of: no SOA or more than one at the apex, an SOA
 * elsewhere, no NS at the apex, CNAME beside other data or more than one CNAME (RFC 2181 §10.1),
 * an in-zone name server without an address (missing glue). Returns the number added. */
size_t zone_validate(const struct zone *z, struct diag *d);

#endif
