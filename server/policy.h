/* FAILOVER answers: which sites a policy picks from the health view, and with which TTL. */
#ifndef BATON_POLICY_H
#define BATON_POLICY_H

#include <stdint.h>

#include "baton/health.h"
#include "server/geo.h"
#include "server/response.h"
#include "zones/zone.h"

/* What a pick depends on besides the record: verdicts, and for policy=geo the client. */
struct policy_context {
	const struct health_view *health; /* NULL: every verdict unknown */
	const struct geo_index *geo; /* NULL: geo answers in list order */
	struct geo_client *client;
	int64_t now_ms; /* CLOCK_MONOTONIC_COARSE, as the view's next_change_ms */
};

/* Answers an A or AAAA query at a FAILOVER name of zone `z` into `r`: the addresses of the
 * sites `f`'s policy picks among the usable ones (the view's verdict, drains), or its fallback
 * when none is usable; NODATA when the picked sites have no address of that family. A geo pick
 * widens r->ecs_scope to the prefix it holds for. `owner` is as for response_add_rrset().
 * Query-path safe: no allocation, no lock, RCU read side. */
void policy_answer(struct response *r, const struct zone *z, const struct zone_failover *f,
		   struct policy_context *ctx, uint16_t qtype, const uint8_t *owner);

/* The TTL for an answer from `f` at `now_ms`: the time until any of its sites' verdicts could
 * change, clamped to [ttl-min, ttl] (gdnsd's rule), so caches follow a failover quickly. */
uint32_t policy_ttl(const struct zone_failover *f, const struct health_view *view, int64_t now_ms);

#endif
