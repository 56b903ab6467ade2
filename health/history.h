/* What the status page and the metrics show of the past: the last verdict transitions, and how
 * long checks take (Prometheus-style cumulative histograms). Main thread only. */
#ifndef BATON_HISTORY_H
#define BATON_HISTORY_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "baton/health.h"

#define HISTORY_MAX 64

/* What changed: the verdict, or the operator's drain (then from and to are both the verdict
 * of the moment, which the drain leaves alone). */
enum health_change { HEALTH_CHANGE_VERDICT, HEALTH_CHANGE_DRAINED, HEALTH_CHANGE_UNDRAINED };

struct health_transition {
	time_t when;
	char zone[256];
	char site[64];
	enum health_change change;
	enum site_verdict from, to;
	char reason[256]; /* the evidence, or "drained by the operator" */
};

struct health_history {
	struct health_transition ring[HISTORY_MAX];
	unsigned next; /* where the next one goes */
	unsigned count; /* up to HISTORY_MAX */
};

/* A verdict transition. */
void history_add(struct health_history *h, const char *zone, const char *site,
		 enum site_verdict from, enum site_verdict to, const char *reason);

/* An operator's drain (or undrain) of a site whose verdict is `verdict`. */
void history_add_drain(struct health_history *h, const char *zone, const char *site,
		       enum site_verdict verdict, bool drained);

/* "verdict", "drained" or "undrained": status.json's "change". */
const char *history_change_name(enum health_change change);

/* The i-th newest (0: the last), or NULL past the end. */
const struct health_transition *history_get(const struct health_history *h, unsigned i);

/* Upper bounds of the latency buckets in seconds, and how many; +Inf follows them. */
#define LATENCY_BUCKETS 12
extern const double latency_bounds_s[LATENCY_BUCKETS];

struct latency_histogram {
	uint64_t le[LATENCY_BUCKETS]; /* observations <= each bound: already cumulative */
	uint64_t count;
	double sum_s;
};

void latency_observe(struct latency_histogram *h, double seconds);

#endif
