/* The check engine: runs every site's checks against every address of the site on a libevent
 * loop, turns results into verdicts with rise/fall hysteresis, logs each transition with its
 * evidence, and publishes the health view for the query path. */
#ifndef BATON_ENGINE_H
#define BATON_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "baton/health.h"
#include "health/history.h"
#include "health/probe.h"

struct event_base;
struct zoneset;
struct health_engine;
struct target;

/* Creates an engine on `base` that publishes its views to *published (read by the query path
 * with rcu_dereference()). Returns 0 or -ENOMEM; *out untouched on failure. */
int health_engine_new(struct health_engine **out, struct event_base *base,
		      struct health_view **published);

/* Cancels every probe (killing exec checks' processes), frees everything; NULL is a no-op.
 * The last published view stays published; the caller frees it after a grace period. */
void health_engine_free(struct health_engine *e);

/* Makes the engine check exactly the sites of `zs`: a check whose zone, site, address and
 * parameters are unchanged keeps its state and schedule; new ones start at phases spread
 * evenly over their interval (2 s at most);
 * removed ones are cancelled. Sets every site's health_id, so call it before publishing `zs`.
 * Site identity is (zone name, site name): it survives reloads, and so do drains.
 * Returns 0 or -ENOMEM (then nothing changed). Main thread, RCU-offline. */
int health_engine_sync(struct health_engine *e, struct zoneset *zs);

/* Called on the main loop after a site's local verdict changed (from its own checks) and
 * after health_engine_sync(): baton-probe and a batond gossip member report their
 * observations from it. One hook; NULL removes it. */
typedef void health_change_fn(void *arg);
void health_engine_on_change(struct health_engine *e, health_change_fn *fn, void *arg);

/* From now on a site's verdict is what health_engine_set_verdict() says (a gossip quorum),
 * not what its checks say; the checks' verdict is kept as local_verdict. Drains still apply.
 * A site's next_change_ms is "now": any round may change it, so answers get ttl-min.
 * run_checks false: no check runs at all (a member that only listens). Call it before the
 * first health_engine_sync(). */
void health_engine_use_quorum(struct health_engine *e, bool run_checks);

/* Sets site i's verdict, with the evidence status and the log show; logs and publishes a
 * change at once. Returns true when the verdict changed; false without a change, for an
 * unknown site, or when health_engine_use_quorum() was not called. */
bool health_engine_set_verdict(struct health_engine *e, uint32_t i, enum site_verdict v,
			       const char *evidence);

/* Marks site i's verdict as held (a quorum that lost too many probers keeps its last verdict)
 * or decided again; answers say so (docs/dns.md, Extended DNS Errors). Publishes a change at
 * once. Returns true when it changed; false otherwise, as health_engine_set_verdict(). */
bool health_engine_set_held(struct health_engine *e, uint32_t i, bool held);

/* Site i (one with $SITE vip=) is down while `down`, whatever its checks or quorum say: its
 * own VRRP nodes' reports say so (health/vip_evidence.h). When it ends the site takes its
 * usual verdict again, which rose (or not) by its own rules: the reports never bring a site up.
 * Logs each change with `evidence` and publishes it at once. Returns true when it changed;
 * false without a change, for an unknown site or one without vip=. Main loop. */
bool health_engine_set_vip_down(struct health_engine *e, uint32_t i, bool down,
				const char *evidence);

/* Drains (or undrains) every site called `name`, in every zone. Returns how many. */
int health_engine_drain(struct health_engine *e, const char *name, bool drained);

/* What status shows of one site: index 0 .. count-1. */
struct health_site_info {
	const char *zone;
	const char *name;
	enum site_verdict verdict;
	enum site_verdict local_verdict; /* our own checks' (the verdict, unless by quorum) */
	bool drained;
	time_t since; /* wall clock of the last verdict change (or of the start) */
	time_t local_since; /* the same for local_verdict */
	const char *evidence; /* the last transition's reason, or "" */
	const char *vip; /* $SITE vip=, or NULL */
	bool vip_down; /* down by VIP evidence (then evidence is that evidence) */
	unsigned targets; /* checks x addresses */
	unsigned targets_up;
};

uint32_t health_engine_site_count(const struct health_engine *e);
bool health_engine_site_info(const struct health_engine *e, uint32_t i,
			     struct health_site_info *info);

/* The j-th check target of site i (j from 0 until it returns false). */
struct health_target_info {
	const char *check;
	const char *kind;
	const char *address;
	enum site_verdict state;
	const char *reason; /* the last probe's result */
};

bool health_engine_target_info(const struct health_engine *e, uint32_t i, uint32_t j,
			       struct health_target_info *info);

/* The i-th newest verdict transition or drain (0: the last), or NULL past the end. */
const struct health_transition *health_engine_transition(const struct health_engine *e, unsigned i);

/* How long the j-th check of site i has taken (j from 0 until it returns false). */
struct health_latency_info {
	const char *check;
	const char *kind;
	const struct latency_histogram *histogram;
};

bool health_engine_latency(const struct health_engine *e, uint32_t i, uint32_t j,
			   struct health_latency_info *info);

/* How many health views it has published. */
uint64_t health_engine_publish_count(const struct health_engine *e);

/* Its targets (struct target, health/target.h), through ->next; for health/ and its tests. */
struct target *health_engine_targets(struct health_engine *e);

/* The first probe of the k-th target the engine makes starts this long after the sync that
 * made it: an even spread over `window_ms` for any number of targets (0 .. window_ms - 1). */
uint32_t health_engine_phase_ms(uint64_t k, uint32_t window_ms);

/* "up", "down", "unknown". */
const char *health_verdict_name(enum site_verdict v);

#endif
