/* Unit tests for the engine's quorum mode (health/engine.c): health_engine_use_quorum(),
 * health_engine_set_verdict() and the on_change hook, against a zone with two sites and no
 * check run (a member that only listens), so nothing depends on time. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "health/engine.h"
#include "tests/unit/engine_fixture.h"
#include "zones/zone.h"
#include "zones/zoneset.h"

static const char zone_text[] = "$ORIGIN example.com.\n"
				"$TTL 300\n"
				"@ IN SOA ns1 hostmaster 1 7200 3600 1209600 60\n"
				"@ IN NS ns1\n"
				"ns1 IN A 192.0.2.53\n"
				"$CHECK web tcp port=80 interval=1s\n"
				"$SITE fra 192.0.2.210 check=web\n"
				"$SITE iad 192.0.2.220 check=web\n"
				"www 20 IN FAILOVER policy=order sites=fra,iad\n";

static int setup(void **state)
{
	return engine_fixture_setup(state, zone_text);
}

static int teardown(void **state)
{
	return engine_fixture_teardown(state);
}

static void test_sync_calls_hook(void **state)
{
	struct engine_fixture *f = *state;
	struct health_site_info info;

	assert_int_equal(f->changes, 1);
	assert_int_equal(health_engine_site_count(f->e), 2);
	assert_true(health_engine_site_info(f->e, f->fra, &info));
	assert_int_equal(info.verdict, SITE_UNKNOWN); /* until the quorum says */
	/* a member that only listens has no checks: its own verdict is up ("no checks") */
	assert_int_equal(info.local_verdict, SITE_UP);
	assert_non_null(f->view);
	assert_true(health_site_is_usable(f->view, f->fra_id)); /* unknown answers as up */
}

static void test_set_verdict(void **state)
{
	struct engine_fixture *f = *state;
	struct health_site_info info;
	const struct health_transition *t;

	assert_true(health_engine_set_verdict(f->e, f->fra, SITE_DOWN, "quorum: 2 of 3 down"));
	assert_true(health_engine_site_info(f->e, f->fra, &info));
	assert_int_equal(info.verdict, SITE_DOWN);
	assert_int_equal(info.local_verdict, SITE_UP); /* no checks: kept apart */
	assert_string_equal(info.evidence, "quorum: 2 of 3 down");
	/* published at once, and only fra */
	assert_int_equal(f->view->sites[f->fra_id].verdict, SITE_DOWN);
	assert_false(health_site_is_usable(f->view, f->fra_id));
	assert_true(health_engine_site_info(f->e, f->iad, &info));
	assert_int_equal(info.verdict, SITE_UNKNOWN);
	t = health_engine_transition(f->e, 0);
	assert_non_null(t);
	/* the hook is for local verdicts: a quorum verdict does not call it */
	assert_int_equal(f->changes, 1);

	/* the same verdict again is no change */
	assert_false(health_engine_set_verdict(f->e, f->fra, SITE_DOWN, "quorum: 3 of 3 down"));
	assert_true(health_engine_site_info(f->e, f->fra, &info));
	assert_string_equal(info.evidence, "quorum: 2 of 3 down");
	assert_ptr_equal(health_engine_transition(f->e, 0), t);

	assert_true(health_engine_set_verdict(f->e, f->fra, SITE_UP, "quorum: 0 of 3 down"));
	assert_int_equal(f->view->sites[f->fra_id].verdict, SITE_UP);
	assert_true(health_site_is_usable(f->view, f->fra_id));
	assert_int_equal(f->changes, 1);
}

static void test_unknown_site(void **state)
{
	struct engine_fixture *f = *state;

	assert_false(health_engine_set_verdict(f->e, 2, SITE_DOWN, "no such site"));
	assert_false(health_engine_set_verdict(f->e, UINT32_MAX, SITE_UP, "no such site"));
}

/* A drain applies over the quorum's verdict, and undraining gives the verdict back. */
static void test_drain_over_quorum(void **state)
{
	struct engine_fixture *f = *state;
	struct health_site_info info;

	assert_true(health_engine_set_verdict(f->e, f->fra, SITE_UP, "quorum: 0 of 3 down"));
	assert_int_equal(health_engine_drain(f->e, "fra", true), 1);
	assert_false(health_site_is_usable(f->view, f->fra_id));
	assert_true(health_engine_site_info(f->e, f->fra, &info));
	assert_true(info.drained);
	assert_int_equal(info.verdict, SITE_UP);
	assert_false(health_engine_set_verdict(f->e, f->fra, SITE_UP, "quorum: 0 of 3 down"));
	assert_false(health_site_is_usable(f->view, f->fra_id));
	assert_int_equal(health_engine_drain(f->e, "fra", false), 1);
	assert_true(health_site_is_usable(f->view, f->fra_id));
}

/* A held verdict reaches the view at once, so answers can say they rest on it (EDE 3). */
static void test_held_is_published(void **state)
{
	struct engine_fixture *f = *state;

	assert_true(health_engine_set_verdict(f->e, f->fra, SITE_UP, "quorum: 0 of 3 down"));
	assert_false(f->view->sites[f->fra_id].held);
	assert_true(health_engine_set_held(f->e, f->fra, true));
	assert_true(f->view->sites[f->fra_id].held);
	assert_false(f->view->sites[f->fra_id == 0 ? 1 : 0].held); /* only fra */
	assert_true(health_site_is_usable(f->view, f->fra_id)); /* held up is still up */
	assert_false(health_engine_set_held(f->e, f->fra, true));
	assert_false(health_engine_set_held(f->e, 2, true));
	assert_true(health_engine_set_held(f->e, f->fra, false));
	assert_false(f->view->sites[f->fra_id].held);
}

/* Without health_engine_use_quorum() the checks decide: set_verdict changes nothing. */
static void test_without_quorum(void **state)
{
	struct event_base *base = event_base_new();
	struct health_view *view = NULL;
	struct health_engine *e;
	struct health_site_info info;
	struct zoneset *zs = engine_fixture_load_zones(zone_text);
	struct engine_fixture counter = { 0 };

	(void)state;
	assert_non_null(base);
	assert_int_equal(health_engine_new(&e, base, &view), 0);
	health_engine_on_change(e, engine_fixture_on_change, &counter);
	assert_int_equal(health_engine_sync(e, zs), 0);
	assert_int_equal(counter.changes, 1);
	assert_false(health_engine_set_verdict(e, engine_fixture_site_index(e, "fra"), SITE_DOWN,
					       "ignored"));
	assert_true(health_engine_site_info(e, engine_fixture_site_index(e, "fra"), &info));
	assert_int_equal(info.verdict, SITE_UNKNOWN);
	/* NULL removes the hook */
	health_engine_on_change(e, NULL, NULL);
	assert_int_equal(health_engine_sync(e, zs), 0);
	assert_int_equal(counter.changes, 1);
	health_engine_free(e);
	free(view);
	zoneset_free(zs);
	event_base_free(base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sync_calls_hook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_verdict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_site, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drain_over_quorum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_held_is_published, setup, teardown),
		cmocka_unit_test(test_without_quorum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
