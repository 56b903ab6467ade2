/* The answer algorithm of RFC 1034 §4.3.2, as amended by RFC 2308 (negative answers),
 * RFC 4592 (wildcards), RFC 6604 (rcode after CNAME) and RFC 8482 (ANY). */
#ifndef BATON_LOOKUP_H
#define BATON_LOOKUP_H

#include "server/query.h"
#include "server/response.h"
#include "zones/zoneset.h"

/* Answers `q` (a parsed QUERY of class IN) from `zs` into `r`: answer, authority and
 * additional sections, AA and the rcode (REFUSED for names in no zone served).
 * Query-path safe: no allocation, no lock; call inside an RCU read section. */
void lookup_answer(struct response *r, const struct zoneset *zs, const struct query *q);

#endif
