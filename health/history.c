/* A ring of transitions and cumulative latency histograms. */
#include "autoconfig.h"

#include <stdio.h>

#include "health/history.h"

/* From a fast TCP connect on a LAN to an HTTPS check near its timeout. */
const double latency_bounds_s[LATENCY_BUCKETS] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
						   0.05,   0.1,	  0.25,	  0.5,	 1,    2.5 };

static void add(struct health_history *h, const char *zone, const char *site,
		enum health_change change, enum site_verdict from, enum site_verdict to,
		const char *reason)
{
	struct health_transition *t = &h->ring[h->next];

	t->when = time(NULL);
	snprintf(t->zone, sizeof(t->zone), "%s", zone);
	snprintf(t->site, sizeof(t->site), "%s", site);
	t->change = change;
	t->from = from;
	t->to = to;
	snprintf(t->reason, sizeof(t->reason), "%s", reason);
	h->next = (h->next + 1) % HISTORY_MAX;
	if (h->count < HISTORY_MAX)
		h->count++;
}

void history_add(struct health_history *h, const char *zone, const char *site,
		 enum site_verdict from, enum site_verdict to, const char *reason)
{
	add(h, zone, site, HEALTH_CHANGE_VERDICT, from, to, reason);
}

void history_add_drain(struct health_history *h, const char *zone, const char *site,
		       enum site_verdict verdict, bool drained)
{
	add(h, zone, site, drained ? HEALTH_CHANGE_DRAINED : HEALTH_CHANGE_UNDRAINED, verdict,
	    verdict, drained ? "drained by the operator" : "undrained by the operator");
}

const char *history_change_name(enum health_change change)
{
	switch (change) {
	case HEALTH_CHANGE_DRAINED: return "drained";
	case HEALTH_CHANGE_UNDRAINED: return "undrained";
	case HEALTH_CHANGE_VERDICT: break;
	}
	return "verdict";
}

const struct health_transition *history_get(const struct health_history *h, unsigned i)
{
	if (i >= h->count)
		return NULL;
	return &h->ring[(h->next + HISTORY_MAX - 1 - i) % HISTORY_MAX];
}

void latency_observe(struct latency_histogram *h, double seconds)
{
	for (unsigned i = 0; i < LATENCY_BUCKETS; i++)
		if (seconds <= latency_bounds_s[i])
			h->le[i]++;
	h->count++;
	h->sum_s += seconds;
}
