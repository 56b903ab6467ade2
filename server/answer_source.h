/* What every caller of answer_query() passes in: one place that fills struct answer_source
 * from the server, for the UDP workers, DNS over TCP and the status page alike. */
#ifndef BATON_ANSWER_SOURCE_H
#define BATON_ANSWER_SOURCE_H

#include "server/answer.h"

struct server;

/* Fills `src` from `s` as this instant sees it: the published zones and health view (so call
 * inside the RCU read section that then answers), the EDNS, ECS and cookie settings, and both
 * clocks, read once per call. `counters` is the caller's own, or NULL not to count. Rate
 * limiting is left off (rrl NULL): only the UDP workers turn it on, with their own slip count.
 * Query-path safe: the clocks are the coarse ones from the vDSO, no system call. */
void answer_source_fill(struct answer_source *src, struct server *s, struct dns_counters *counters);

#endif
