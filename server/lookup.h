/* The answer algorithm of RFC 1034 §4.3.2, as amended by RFC 2308 (negative answers),
 * RFC 4592 (wildcards), RFC 6604 (rcode after CNAME) and RFC 8482 (ANY). */
#ifndef BATON_LOOKUP_H
#define BATON_LOOKUP_H

#include "server/answer.h"
#include "server/geo.h"
#include "server/query.h"
#include "server/response.h"
#include "zones/zoneset.h"

/* Answers `q` (a parsed QUERY of class IN) from `src` into `r`: answer, authority and
 * additional sections, AA and the rcode (REFUSED for names in no zone served); FAILOVER names
 * from the health view, and for policy=geo from where `client` is. Query-path safe: no
 * allocation, no lock; inside an RCU read section. */
void lookup_answer(struct response *r, const struct answer_source *src, const struct query *q,
		   struct geo_client *client);

#endif
