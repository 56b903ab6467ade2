/* One target of the engine: one check of one site against one of its addresses, with its
 * schedule, its running probe and its rise/fall state. Private to health/. */
#ifndef BATON_TARGET_H
#define BATON_TARGET_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "baton/addr_text.h"
#include "baton/health.h"
#include "health/probe.h"

struct event;
struct event_base;
struct zone;
struct engine_site;

struct target {
	struct target *next; /* the engine's list */
	struct engine_site *site;
	struct target *site_next; /* its site's targets, in the engine's order */
	struct zone *zone; /* a reference: `check` points into it; or NULL */
	const struct zone_check *check;
	const struct probe_kind *kind;
	struct sockaddr_storage addr;
	char addr_text[ADDR_TEXT_MAX];
	struct event *timer; /* the next probe, or the running probe's timeout */
	void *probe; /* the running probe's state, or NULL */
	int64_t started_ms; /* when the running (or last) probe started */
	int64_t next_ms; /* when the next (or the running) probe is due */
	int64_t slot_ms; /* the last slot of the fixed cadence; a re-check runs between slots */
	enum site_verdict state;
	unsigned ok_streak, fail_streak;
	struct probe_result last;
	bool seen; /* marked by a sync */
	/* called after every result with whether the target's state changed */
	void (*on_result)(struct target *t, bool changed, void *arg);
	void *arg;
};

/* A target of `check` at `addr`, first probed after `phase_ms`. Takes a reference on `zone`;
 * NULL when the check lives elsewhere for the target's lifetime (baton-vip's vip.conf).
 * Returns NULL when out of memory. */
struct target *target_new(struct event_base *base, struct zone *zone,
			  const struct zone_check *check, const struct sockaddr_storage *addr,
			  uint32_t phase_ms);

/* Cancels its probe, drops the zone reference (freeing the zone if it was the last). */
void target_free(struct target *t);

/* The earliest CLOCK_MONOTONIC ms at which this target's state could change. */
int64_t target_earliest_flip_ms(const struct target *t, int64_t now_ms);

/* When a target whose last probe was due at `due_ms` probes next: one interval later, or the
 * first slot in the same phase at or after `now_ms` when the loop stalled past that. A check
 * with recheck= probes sooner while a result disagrees with the verdict (target.c). */
int64_t target_next_slot_ms(int64_t due_ms, uint32_t interval_ms, int64_t now_ms);

/* CLOCK_MONOTONIC in ms. A weak symbol: a unit test may define its own (a fake clock). */
int64_t target_now_ms(void);

#endif
