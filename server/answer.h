/* One query in, one response out: the whole per-query path shared by UDP, TCP and tests. */
#ifndef BATON_ANSWER_H
#define BATON_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zones/zoneset.h"

#define ANSWER_TCP_MAX 65535

struct answer_stats; /* counted by the caller from the returned rcode in a later issue */

/* Answers the query `pkt` of `len` bytes into `out` (`out_size` >= 512; 65535 for TCP).
 * `edns_size` is our advertised payload size (RFC 6891 §6.2.3); `zs` may be NULL before the
 * first load (everything is REFUSED). Returns the response length, or 0 when the packet must be
 * dropped unanswered. Query-path safe: no allocation, no lock; call inside an RCU read
 * section because the zones are read through `zs`. */
size_t answer_query(uint8_t *out, size_t out_size, const uint8_t *pkt, size_t len, bool tcp,
		    const struct zoneset *zs, uint16_t edns_size);

#endif
