/* The health view: each site's verdict as the query path reads it. An immutable snapshot,
 * published with rcu_assign_pointer() whenever a verdict or its timing changes; readers index
 * it by zone_site.health_id inside an RCU read section and keep no pointer past it. */
#ifndef BATON_HEALTH_H
#define BATON_HEALTH_H

#include <stdbool.h>
#include <stdint.h>

enum site_verdict {
	SITE_UNKNOWN =
		0, /* no probe has answered yet: answered as up (docs/failover.md, start-up) */
	SITE_UP,
	SITE_DOWN,
};

struct health_site_view {
	uint8_t verdict; /* enum site_verdict */
	bool drained; /* out of answers by an operator, whatever the verdict */
	bool held; /* a gossip quorum's last verdict, kept while too few probers are live */
	int64_t next_change_ms; /* CLOCK_MONOTONIC ms: the earliest the verdict could change */
};

struct health_view {
	uint32_t count;
	struct health_site_view sites[];
};

/* May the query path hand out this site's addresses? Unknown counts as up. */
static inline bool health_site_is_usable(const struct health_view *v, uint32_t id)
{
	if (v == NULL || id >= v->count)
		return true; /* a site newer than the view: unknown */
	return !v->sites[id].drained && v->sites[id].verdict != SITE_DOWN;
}

#endif
