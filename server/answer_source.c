/* Fills struct answer_source for UDP, TCP and the status page; see answer_source.h. */
#include "autoconfig.h"

#include <time.h>
#include <urcu-qsbr.h>

#include "server/answer_source.h"
#include "server/server.h"

void answer_source_fill(struct answer_source *src, struct server *s, struct dns_counters *counters)
{
	struct timespec mono, wall;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &mono);
	clock_gettime(CLOCK_REALTIME_COARSE, &wall);
	*src = (struct answer_source){
		.zones = rcu_dereference(s->zones),
		.health = rcu_dereference(s->health),
		.edns_size = (uint16_t)s->cfg.edns_buffer_size,
		.ecs = s->cfg.ecs,
		.cfg = &s->cfg,
		.counters = counters,
		.cookies = s->cfg.answer_cookie ? &s->cookies : NULL,
		.now_s = (uint32_t)wall.tv_sec,
		.now_ms = (uint64_t)mono.tv_sec * 1000 + (uint64_t)mono.tv_nsec / 1000000,
		.chaos = &s->cfg.chaos,
	};
}
