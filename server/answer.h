/* One query in, one response out: the whole per-query path shared by UDP, TCP and tests. */
#ifndef BATON_ANSWER_H
#define BATON_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "server/cookie.h"
#include "server/counters.h"
#include "server/rrl.h"
#include "zones/zoneset.h"

#define ANSWER_TCP_MAX 65535

struct health_view;
struct chaos;

/* What answers are made from, as one RCU read section sees it. */
struct config;

struct answer_source {
	const struct zoneset *zones; /* NULL before the first load: all REFUSED */
	const struct health_view *health; /* NULL: every site's verdict is unknown */
	uint16_t edns_size; /* our payload size (RFC 6891 §6.2.3) */
	bool ecs; /* read EDNS Client Subnet and echo it (RFC 7871); else ignore the option */
	struct dns_counters *counters; /* the calling thread's own, or NULL */
	/* DNS Cookies (RFC 7873, RFC 9018): NULL when answer-cookie is off */
	const struct cookie_secrets *cookies;
	uint32_t now_s; /* wall-clock seconds, for cookie timestamps */
	/* Response rate limiting, UDP only: NULL when rrl-ratelimit is 0 */
	struct rrl *rrl;
	unsigned *rrl_slips; /* the calling thread's own count of limited responses */
	uint64_t now_ms; /* a millisecond clock for the buckets */
	const struct chaos *chaos; /* CHAOS TXT answers and NSID; NULL: CHAOS REFUSED, no NSID */
	const struct config *cfg; /* provide-xfr, for an IXFR over UDP; NULL: not checked */
};

/* Answers the query `pkt` of `len` bytes from `peer` (NULL: unknown; policy=geo then answers
 * in list order unless the query carries ECS) into `out` (`out_size` >= 512; 65535 for TCP).
 * Returns the response length, or 0 when the packet must be dropped unanswered. Query-path
 * safe: no allocation, no lock; call inside an RCU read section, since `src` points at
 * published snapshots. */
size_t answer_query(uint8_t *out, size_t out_size, const uint8_t *pkt, size_t len, bool tcp,
		    const struct answer_source *src, const struct sockaddr *peer);

#endif
