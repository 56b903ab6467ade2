/* Unit tests for health/history.c: the ring of transitions (newest first, wrap-around at
 * HISTORY_MAX, long names cut, never overrun; drains told apart from verdicts) and the
 * cumulative latency histogram. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "health/history.h"

static void test_empty(void **state)
{
	static struct health_history h;

	(void)state;
	assert_null(history_get(&h, 0));
	assert_null(history_get(&h, HISTORY_MAX));
}

static void test_add_and_get(void **state)
{
	static struct health_history h;
	const struct health_transition *t;
	time_t before = time(NULL), after;

	(void)state;
	history_add(&h, "example.com", "fra", SITE_UNKNOWN, SITE_UP, "tcp 192.0.2.10: connected");
	history_add(&h, "example.com", "iad", SITE_UP, SITE_DOWN, "http 503");
	after = time(NULL);
	t = history_get(&h, 0);
	assert_non_null(t);
	assert_string_equal(t->site, "iad");
	assert_string_equal(t->zone, "example.com");
	assert_int_equal(t->from, SITE_UP);
	assert_int_equal(t->to, SITE_DOWN);
	assert_string_equal(t->reason, "http 503");
	assert_true(t->when >= before && t->when <= after);
	t = history_get(&h, 1);
	assert_non_null(t);
	assert_string_equal(t->site, "fra");
	assert_int_equal(t->from, SITE_UNKNOWN);
	assert_int_equal(t->to, SITE_UP);
	assert_null(history_get(&h, 2));
}

/* Past HISTORY_MAX the oldest go: the ring keeps the newest HISTORY_MAX, newest first. */
static void test_wraps_around(void **state)
{
	static struct health_history h;
	char site[16];

	(void)state;
	for (unsigned i = 0; i < HISTORY_MAX + 5; i++) {
		snprintf(site, sizeof(site), "s%u", i);
		history_add(&h, "example.com", site, SITE_UP, SITE_DOWN, "down");
	}
	assert_int_equal(h.count, HISTORY_MAX);
	for (unsigned i = 0; i < HISTORY_MAX; i++) {
		const struct health_transition *t = history_get(&h, i);

		assert_non_null(t);
		snprintf(site, sizeof(site), "s%u", HISTORY_MAX + 4 - i);
		assert_string_equal(t->site, site);
	}
	assert_null(history_get(&h, HISTORY_MAX));
	assert_null(history_get(&h, (unsigned)-1));
}

/* Exactly HISTORY_MAX: full, nothing lost yet, and the next one pushes out the first. */
static void test_full_ring_edge(void **state)
{
	static struct health_history h;
	char site[16];

	(void)state;
	for (unsigned i = 0; i < HISTORY_MAX; i++) {
		snprintf(site, sizeof(site), "s%u", i);
		history_add(&h, "example.com", site, SITE_UP, SITE_DOWN, "down");
	}
	assert_int_equal(h.next, 0);
	assert_string_equal(history_get(&h, HISTORY_MAX - 1)->site, "s0");
	snprintf(site, sizeof(site), "s%u", HISTORY_MAX - 1);
	assert_string_equal(history_get(&h, 0)->site, site);
	history_add(&h, "example.com", "last", SITE_DOWN, SITE_UP, "up");
	assert_string_equal(history_get(&h, 0)->site, "last");
	assert_string_equal(history_get(&h, HISTORY_MAX - 1)->site, "s1");
}

/* Names and reasons longer than their fields are cut, terminated, and touch nothing else. */
static void test_long_strings_cut(void **state)
{
	static struct health_history h;
	char zone[400], site[100], reason[400];
	const struct health_transition *t;

	(void)state;
	memset(zone, 'z', sizeof(zone) - 1);
	zone[sizeof(zone) - 1] = '\0';
	memset(site, 's', sizeof(site) - 1);
	site[sizeof(site) - 1] = '\0';
	memset(reason, 'r', sizeof(reason) - 1);
	reason[sizeof(reason) - 1] = '\0';
	history_add(&h, zone, site, SITE_UP, SITE_DOWN, reason);
	t = history_get(&h, 0);
	assert_int_equal(strlen(t->zone), sizeof(t->zone) - 1);
	assert_int_equal(strlen(t->site), sizeof(t->site) - 1);
	assert_int_equal(strlen(t->reason), sizeof(t->reason) - 1);
	assert_int_equal(t->from, SITE_UP);
	assert_int_equal(t->to, SITE_DOWN);
	assert_int_equal(h.count, 1);
}

/* A drain or undrain is its own kind of change: the timeline says "drained", not the verdict
 * the drain left alone. */
static void test_drains(void **state)
{
	static struct health_history h;
	const struct health_transition *t;

	(void)state;
	history_add(&h, "example.com", "fra", SITE_UNKNOWN, SITE_UP, "tcp connect ok");
	history_add_drain(&h, "example.com", "fra", SITE_UP, true);
	history_add_drain(&h, "example.com", "fra", SITE_UP, false);
	t = history_get(&h, 1);
	assert_int_equal(t->change, HEALTH_CHANGE_DRAINED);
	assert_string_equal(history_change_name(t->change), "drained");
	assert_int_equal(t->from, SITE_UP);
	assert_int_equal(t->to, SITE_UP);
	assert_string_equal(t->reason, "drained by the operator");
	assert_string_equal(t->site, "fra");
	t = history_get(&h, 0);
	assert_int_equal(t->change, HEALTH_CHANGE_UNDRAINED);
	assert_string_equal(history_change_name(t->change), "undrained");
	assert_string_equal(t->reason, "undrained by the operator");
	t = history_get(&h, 2);
	assert_int_equal(t->change, HEALTH_CHANGE_VERDICT);
	assert_string_equal(history_change_name(t->change), "verdict");
}

/* Each observation counts in every bucket whose bound it does not exceed (Prometheus's
 * cumulative `le`), a value on a bound counts in that bucket, and past the last bound only
 * count and sum hold it (+Inf). */
static void test_latency_histogram(void **state)
{
	struct latency_histogram h = { 0 };

	(void)state;
	for (unsigned i = 1; i < LATENCY_BUCKETS; i++)
		assert_true(latency_bounds_s[i] > latency_bounds_s[i - 1]);
	latency_observe(&h, 0.0005); /* on the first bound */
	latency_observe(&h, 0.003); /* between 0.0025 and 0.005 */
	latency_observe(&h, 10); /* past the last bound */
	assert_int_equal(h.count, 3);
	assert_true(h.sum_s > 10.0034 && h.sum_s < 10.0036);
	assert_int_equal(h.le[0], 1);
	assert_int_equal(h.le[1], 1);
	assert_int_equal(h.le[2], 1);
	assert_int_equal(h.le[3], 2);
	assert_int_equal(h.le[LATENCY_BUCKETS - 1], 2);
	for (unsigned i = 1; i < LATENCY_BUCKETS; i++)
		assert_true(h.le[i] >= h.le[i - 1]);
	latency_observe(&h, 0);
	assert_int_equal(h.le[0], 2);
	assert_int_equal(h.count, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_add_and_get),
		cmocka_unit_test(test_wraps_around),
		cmocka_unit_test(test_full_ring_edge),
		cmocka_unit_test(test_long_strings_cut),
		cmocka_unit_test(test_drains),
		cmocka_unit_test(test_latency_histogram),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
