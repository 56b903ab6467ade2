/* The engine the engine tests share (test_engine_quorum, test_engine_vip): quorum mode, no
 * check run, synced to the zone `zone_text` (which must have sites fra and iad), with a hook
 * counting on_change calls. */
#ifndef BATON_ENGINE_FIXTURE_H
#define BATON_ENGINE_FIXTURE_H

#include <stdint.h>

#include "health/engine.h"
#include "zones/zoneset.h"

struct engine_fixture {
	struct event_base *base;
	struct health_engine *e;
	struct health_view *view;
	struct zoneset *zs;
	unsigned changes; /* on_change calls */
	uint32_t fra, iad; /* engine site indexes */
	uint32_t fra_id; /* fra's index in the health view */
};

/* The on_change hook: counts into the struct engine_fixture it is given. */
void engine_fixture_on_change(void *arg);

/* Compiles `zone_text` as example.com into a new zone set (the caller frees it). */
struct zoneset *engine_fixture_load_zones(const char *zone_text);

/* The engine's index of the site called `name`; fails the test when there is none. */
uint32_t engine_fixture_site_index(const struct health_engine *e, const char *name);

/* cmocka setup and teardown bodies: *state becomes a struct engine_fixture. */
int engine_fixture_setup(void **state, const char *zone_text);
int engine_fixture_teardown(void **state);

#endif
