/* Unit tests for "down by VIP evidence" in the engine (health_engine_set_vip_down()), fed by
 * the rule (health/vip_evidence.c) from fake reports, in quorum mode with no check run, so
 * nothing depends on time: fra has vip=web, iad has none. */
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
#include "health/vip_evidence.h"
#include "zones/zone.h"
#include "zones/zoneset.h"

static const char zone_text[] = "$ORIGIN example.com.\n"
				"$TTL 300\n"
				"@ IN SOA ns1 hostmaster 1 7200 3600 1209600 60\n"
				"@ IN NS ns1\n"
				"ns1 IN A 192.0.2.53\n"
				"$CHECK web tcp port=80 interval=1s\n"
				"$SITE fra 192.0.2.210 check=web vip=web\n"
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

/* What batond does each round for fra: judge the reports, set the override. */
static void round_of(struct engine_fixture *f, struct vip_tracker *t, const struct vip_report *r,
		     size_t n, int64_t now)
{
	struct vip_judgement j;
	char why[160];
	struct vip_report fresh[4];

	for (size_t i = 0; i < n; i++) {
		fresh[i] = r[i];
		fresh[i].heard_ms = now; /* each round every live node reports anew */
	}
	vip_evidence_judge(t, fresh, n, now, &j);
	vip_evidence_text(&j, "web", why, sizeof(why));
	health_engine_set_vip_down(f->e, f->fra, j.evidence == VIP_EVIDENCE_DOWN,
				   j.evidence == VIP_EVIDENCE_DOWN ? why
								   : "vip web: evidence ended");
}

static const struct vip_report fault = { .live = true, .state = 3, .master_down_ms = 3600 };
static const struct vip_report master = { .live = true, .state = 2, .master_down_ms = 3600 };

static void test_all_fault_takes_site_down_over_quorum(void **state)
{
	struct engine_fixture *f = *state;
	struct vip_report r[2] = { fault, fault };
	struct health_site_info info;
	const struct health_transition *t;
	struct vip_tracker tr;

	vip_tracker_init(&tr);
	assert_true(health_engine_set_verdict(f->e, f->fra, SITE_UP, "quorum: 0 of 3 down"));
	round_of(f, &tr, r, 2, 1000);
	/* published at once, though the quorum says up */
	assert_int_equal(f->view->sites[f->fra_id].verdict, SITE_DOWN);
	assert_false(health_site_is_usable(f->view, f->fra_id));
	assert_true(health_engine_site_info(f->e, f->fra, &info));
	assert_int_equal(info.verdict, SITE_DOWN);
	assert_true(info.vip_down);
	assert_string_equal(info.vip, "web");
	assert_string_equal(info.evidence, "vip web: 2/2 nodes FAULT");
	t = health_engine_transition(f->e, 0);
	assert_non_null(t);
	assert_int_equal(t->from, SITE_UP);
	assert_int_equal(t->to, SITE_DOWN);
	assert_string_equal(t->reason, "vip web: 2/2 nodes FAULT");
	/* the quorum moving meanwhile does not bring it up */
	health_engine_set_verdict(f->e, f->fra, SITE_DOWN, "quorum: 3 of 3 down");
	health_engine_set_verdict(f->e, f->fra, SITE_UP, "quorum: 0 of 3 down");
	assert_int_equal(f->view->sites[f->fra_id].verdict, SITE_DOWN);
	/* iad, without vip=, is untouched and cannot be overridden */
	assert_false(health_engine_set_vip_down(f->e, f->iad, true, "vip web: 2/2 nodes FAULT"));
	assert_true(health_engine_site_info(f->e, f->iad, &info));
	assert_false(info.vip_down);
	assert_null(info.vip);
}

/* A master again ends the evidence; the site takes the quorum's verdict, which decides the
 * rise: down stays down until the quorum says up. */
static void test_master_again_releases_to_quorum(void **state)
{
	struct engine_fixture *f = *state;
	struct vip_report r[2] = { fault, fault };
	struct health_site_info info;
	struct vip_tracker tr;

	vip_tracker_init(&tr);
	health_engine_set_verdict(f->e, f->fra, SITE_UP, "quorum: 0 of 3 down");
	round_of(f, &tr, r, 2, 1000);
	health_engine_set_verdict(f->e, f->fra, SITE_DOWN, "quorum: 3 of 3 down");
	r[0] = master;
	round_of(f, &tr, r, 2, 2000);
	assert_true(health_engine_site_info(f->e, f->fra, &info));
	assert_false(info.vip_down);
	assert_int_equal(f->view->sites[f->fra_id].verdict, SITE_DOWN);
	assert_string_equal(info.evidence, "quorum: 3 of 3 down");
	assert_true(health_engine_set_verdict(f->e, f->fra, SITE_UP, "quorum: 0 of 3 down"));
	assert_int_equal(f->view->sites[f->fra_id].verdict, SITE_UP);
}

/* Nodes that stop reporting (a cut-off site) leave the verdict to the quorum: here up. */
static void test_silence_leaves_quorum_verdict(void **state)
{
	struct engine_fixture *f = *state;
	struct vip_report r[2] = { fault, fault };
	struct vip_tracker tr;

	vip_tracker_init(&tr);
	health_engine_set_verdict(f->e, f->fra, SITE_UP, "quorum: 0 of 3 down");
	round_of(f, &tr, r, 2, 1000);
	assert_int_equal(f->view->sites[f->fra_id].verdict, SITE_DOWN);
	r[0].live = r[1].live = false;
	round_of(f, &tr, r, 2, 2000);
	assert_int_equal(f->view->sites[f->fra_id].verdict, SITE_UP);
	/* and silence from the start never takes it down */
	for (int64_t now = 3000; now < 100000; now += 1000)
		round_of(f, &tr, r, 2, now);
	assert_int_equal(f->view->sites[f->fra_id].verdict, SITE_UP);
}

/* An operator's drain and VIP evidence are separate: both apply, each can end alone. */
static void test_drain_and_vip_down(void **state)
{
	struct engine_fixture *f = *state;
	struct vip_report r[2] = { fault, master };
	struct vip_tracker tr;

	vip_tracker_init(&tr);
	health_engine_set_verdict(f->e, f->fra, SITE_UP, "quorum: 0 of 3 down");
	round_of(f, &tr, r, 2, 1000);
	assert_int_equal(f->view->sites[f->fra_id].verdict, SITE_UP);
	assert_int_equal(health_engine_drain(f->e, "fra", true), 1);
	r[1] = fault;
	round_of(f, &tr, r, 2, 2000);
	assert_int_equal(f->view->sites[f->fra_id].verdict, SITE_DOWN);
	assert_true(f->view->sites[f->fra_id].drained);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_all_fault_takes_site_down_over_quorum, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_master_again_releases_to_quorum, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_silence_leaves_quorum_verdict, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_drain_and_vip_down, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
