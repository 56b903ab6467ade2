/* Unit tests for the engine at scale (health/engine.c): new targets start at phases spread
 * evenly over their interval, and a burst of verdict changes in one turn of the loop costs one
 * published view, made once the whole burst is in. The zone's sites have TCP checks on
 * documentation addresses, but a fake probe kind replaces the real one before the loop first
 * runs and a fake clock (target_now_ms() is weak) stands still, so nothing here touches the
 * network or waits on time. */
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
#include "health/target.h"
#include "zones/zone.h"
#include "zones/zoneset.h"

#define SITES 100
#define INTERVAL_MS 1000

static int64_t fake_now_ms = 5000000;

int64_t target_now_ms(void)
{
	return fake_now_ms;
}

/* The fake kind: every probe fails, reported from the loop like a real refused connect. */
struct fake_probe {
	struct probe_report rep;
};

static void fake_release(void *state)
{
	struct fake_probe *p = state;

	probe_report_fini(&p->rep);
	free(p);
}

static void *fake_start(struct event_base *base, const struct zone_check *check,
			const struct sockaddr_storage *addr, probe_done_fn *done, void *arg,
			const char **why)
{
	struct fake_probe *p = calloc(1, sizeof(*p));

	(void)check;
	(void)addr;
	*why = "out of memory";
	if (p == NULL)
		return NULL;
	if (probe_report_init(&p->rep, base, done, arg, fake_release, p) < 0) {
		free(p);
		return NULL;
	}
	probe_result_set(&p->rep.result, false, "connect: Connection refused");
	probe_report_finish_later(&p->rep);
	return p;
}

static const struct probe_kind fake_kind = { "fake", fake_start, fake_release };

struct fixture {
	struct event_base *base;
	struct health_engine *e;
	struct health_view *view;
	struct zoneset *zs;
	int64_t synced_ms;
};

/* SITES sites s0 .. s99, each with the TCP check and a FAILOVER name of its own. */
static struct zoneset *load_zones(void)
{
	char path[] = "/tmp/baton_engine_publish.XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	struct zoneset *zs;
	struct zone *z;
	struct diag d;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fprintf(f, "$ORIGIN example.com.\n$TTL 300\n"
		   "@ IN SOA ns1 hostmaster 1 7200 3600 1209600 60\n@ IN NS ns1\n"
		   "ns1 IN A 192.0.2.53\n$CHECK web tcp port=80 interval=1s timeout=500ms\n");
	for (int i = 0; i < SITES; i++)
		fprintf(f, "$SITE s%d 192.0.2.%d check=web\n", i, i + 1);
	for (int i = 0; i < SITES; i++)
		fprintf(f, "www%d 20 IN FAILOVER policy=order sites=s%d\n", i, i);
	assert_int_equal(fclose(f), 0);
	diag_init(&d);
	assert_int_equal(zone_load(&z, "example.com", path, &d), 0);
	unlink(path);
	diag_fini(&d);
	assert_int_equal(zoneset_new(&zs, &z, 1), 0);
	return zs;
}

/* An engine synced to the zone whose targets all probe with the fake kind and whose timers
 * the test fires itself. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL || (f->base = event_base_new()) == NULL)
		return -1;
	if (health_engine_new(&f->e, f->base, &f->view) < 0)
		return -1;
	f->zs = load_zones();
	f->synced_ms = fake_now_ms;
	if (health_engine_sync(f->e, f->zs) < 0)
		return -1;
	for (struct target *t = health_engine_targets(f->e); t; t = t->next) {
		t->kind = &fake_kind;
		evtimer_del(t->timer);
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	health_engine_free(f->e);
	free(f->view); /* no reader: no grace period to wait for */
	zoneset_free(f->zs);
	event_base_free(f->base);
	free(f);
	return 0;
}

static int compare_ms(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The widest gap between neighbouring phases, the one across the interval's end included. */
static int64_t widest_gap(int64_t *phase, unsigned n, int64_t interval)
{
	int64_t widest;

	qsort(phase, n, sizeof(*phase), compare_ms);
	widest = phase[0] + interval - phase[n - 1];
	for (unsigned i = 1; i < n; i++)
		if (phase[i] - phase[i - 1] > widest)
			widest = phase[i] - phase[i - 1];
	return widest;
}

/* A hundred targets at 1 s: each 10 ms of the second has one first probe, about. Random
 * phases leave gaps of ln(100) / 100 of the interval, 46 ms, and bursts in between. */
static void test_phases_spread_evenly(void **state)
{
	struct fixture *f = *state;
	int64_t phase[SITES];
	unsigned n = 0;

	for (const struct target *t = health_engine_targets(f->e); t; t = t->next) {
		assert_true(n < SITES);
		phase[n] = t->next_ms - f->synced_ms;
		assert_true(phase[n] >= 0 && phase[n] < INTERVAL_MS);
		n++;
	}
	assert_int_equal(n, SITES);
	assert_true(widest_gap(phase, n, INTERVAL_MS) <= 2 * INTERVAL_MS / SITES);
}

/* The sequence itself: any first n of it leave no gap wider than twice the even one, so the
 * targets a reload adds keep the spread. */
static void test_phase_sequence(void **state)
{
	static int64_t phase[5000];

	(void)state;
	for (unsigned n = 0; n < 5000; n++) {
		phase[n] = health_engine_phase_ms(n, 60000);
		assert_true(phase[n] < 60000);
		if (n == 9 || n == 99 || n == 999 || n == 4999)
			assert_true(widest_gap(phase, n + 1, 60000) <= 2 * 60000 / (n + 1));
	}
	assert_int_equal(health_engine_phase_ms(12345, 0), 0);
}

/* Every site fails in the same turn of the loop: one view, published after the last result,
 * holding every change. */
static void test_burst_publishes_once(void **state)
{
	struct fixture *f = *state;
	uint64_t before = health_engine_publish_count(f->e);
	const struct health_view *v = f->view;

	for (struct target *t = health_engine_targets(f->e); t; t = t->next)
		event_active(t->timer, EV_TIMEOUT, 1);
	assert_int_equal(health_engine_publish_count(f->e), before);
	assert_int_equal(event_base_loop(f->base, EVLOOP_NONBLOCK), 0);
	assert_int_equal(health_engine_publish_count(f->e), before + 1);
	assert_ptr_not_equal(f->view, v);
	for (uint32_t i = 0; i < f->zs->zones[0]->site_count; i++) {
		const struct zone_site *site = &f->zs->zones[0]->sites[i];

		assert_int_equal(f->view->sites[site->health_id].verdict, SITE_DOWN);
	}
}

/* A change in a later turn is published in that turn: coalescing never holds one back. */
static void test_each_turn_publishes(void **state)
{
	struct fixture *f = *state;
	struct target *t = health_engine_targets(f->e);
	uint64_t before = health_engine_publish_count(f->e);

	for (int turn = 0; turn < 2; turn++, t = t->next) {
		event_active(t->timer, EV_TIMEOUT, 1);
		assert_int_equal(event_base_loop(f->base, EVLOOP_NONBLOCK), 0);
		assert_int_equal(health_engine_publish_count(f->e), before + 1 + (uint64_t)turn);
		assert_int_equal(t->state, SITE_DOWN);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_phases_spread_evenly, setup, teardown),
		cmocka_unit_test(test_phase_sequence),
		cmocka_unit_test_setup_teardown(test_burst_publishes_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_each_turn_publishes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
