/* Unit tests for one engine target (health/target.c): the first result decides an unknown
 * target, then rise and fall need that many results in a row, a timeout or a probe that cannot
 * start counts as a failure, the cadence is fixed to the probe's start, and the earliest flip.
 * A fake probe kind replaces the real one: the test says when each probe ends and how, and
 * fires the target's timer itself, so nothing here waits on the clock. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "health/target.h"

/* The fake kind's one probe in flight, and what the target told us. */
static struct {
	probe_done_fn *done;
	void *arg;
	int started, cancelled;
	const char *refuse; /* non-NULL: start() fails with this reason */
	int results, changes;
} fake;

static int probe_handle;

static void *fake_start(struct event_base *base, const struct zone_check *check,
			const struct sockaddr_storage *addr, probe_done_fn *done, void *arg,
			const char **why)
{
	(void)base;
	(void)check;
	(void)addr;
	fake.started++;
	if (fake.refuse != NULL) {
		*why = fake.refuse;
		return NULL;
	}
	fake.done = done;
	fake.arg = arg;
	return &probe_handle;
}

static void fake_cancel(void *state)
{
	assert_ptr_equal(state, &probe_handle);
	fake.cancelled++;
	fake.done = NULL;
}

static const struct probe_kind fake_kind = { "fake", fake_start, fake_cancel };

static void on_result(struct target *t, bool changed, void *arg)
{
	(void)t;
	(void)arg;
	fake.results++;
	fake.changes += changed;
}

struct fixture {
	struct event_base *base;
	struct zone_check check;
	struct target *t;
};

static struct fixture *setup(uint8_t rise, uint8_t fall)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

	assert_non_null(f);
	memset(&fake, 0, sizeof(fake));
	f->base = event_base_new();
	assert_non_null(f->base);
	/* an interval no test run lasts: the timer fires only when the test fires it */
	f->check = (struct zone_check){ .name = "alive",
					.kind = CHECK_TCP,
					.interval_ms = 600000,
					.timeout_ms = 1000,
					.rise = rise,
					.fall = fall,
					.port = 80 };
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, "192.0.2.10", &sin->sin_addr);
	f->t = target_new(f->base, NULL, &f->check, &ss, 600000);
	assert_non_null(f->t);
	f->t->kind = &fake_kind;
	f->t->on_result = on_result;
	return f;
}

static void teardown(struct fixture *f)
{
	target_free(f->t);
	event_base_free(f->base);
	free(f);
}

/* What the target's timer does when it fires: start the next probe, or time out the running
 * one. */
static void fire(struct fixture *f)
{
	event_active(f->t->timer, EV_TIMEOUT, 1);
	assert_int_equal(event_base_loop(f->base, EVLOOP_NONBLOCK), 0);
}

/* One whole probe: started by the timer, finished with `up`. Returns whether the state
 * changed. */
static bool probe(struct fixture *f, bool up)
{
	struct probe_result r;
	int changes = fake.changes, results = fake.results;

	fire(f);
	assert_non_null(fake.done);
	probe_result_set(&r, up, up ? "connected" : "connect: Connection refused");
	fake.done(fake.arg, &r);
	assert_int_equal(fake.results, results + 1);
	return fake.changes != changes;
}

static void test_new_target_is_unknown(void **state)
{
	struct fixture *f = setup(2, 3);

	(void)state;
	assert_int_equal(f->t->state, SITE_UNKNOWN);
	assert_string_equal(f->t->last.reason, "not checked yet");
	assert_string_equal(f->t->addr_text, "192.0.2.10");
	assert_int_equal(fake.started, 0);
	teardown(f);
}

/* A restart must not wait rise x interval to learn what one probe tells. */
static void test_first_result_decides(void **state)
{
	struct fixture *f = setup(5, 5);

	(void)state;
	assert_true(probe(f, true));
	assert_int_equal(f->t->state, SITE_UP);
	teardown(f);

	f = setup(5, 5);
	assert_true(probe(f, false));
	assert_int_equal(f->t->state, SITE_DOWN);
	assert_string_equal(f->t->last.reason, "connect: Connection refused");
	teardown(f);
}

static void test_fall_needs_that_many_failures_in_a_row(void **state)
{
	struct fixture *f = setup(2, 3);

	(void)state;
	assert_true(probe(f, true));
	assert_false(probe(f, false));
	assert_false(probe(f, false));
	assert_int_equal(f->t->fail_streak, 2);
	/* one success in between starts the count again */
	assert_false(probe(f, true));
	assert_int_equal(f->t->fail_streak, 0);
	assert_false(probe(f, false));
	assert_false(probe(f, false));
	assert_int_equal(f->t->state, SITE_UP);
	assert_true(probe(f, false));
	assert_int_equal(f->t->state, SITE_DOWN);
	/* more failures change nothing */
	assert_false(probe(f, false));
	assert_int_equal(f->t->state, SITE_DOWN);
	teardown(f);
}

static void test_rise_needs_that_many_successes_in_a_row(void **state)
{
	struct fixture *f = setup(2, 3);

	(void)state;
	assert_true(probe(f, false));
	assert_false(probe(f, true));
	assert_false(probe(f, false));
	assert_false(probe(f, true));
	assert_int_equal(f->t->state, SITE_DOWN);
	assert_true(probe(f, true));
	assert_int_equal(f->t->state, SITE_UP);
	assert_int_equal(f->t->ok_streak, 2);
	teardown(f);
}

/* rise=1 fall=1: every result that disagrees flips it. */
static void test_rise_fall_one_flips_each_time(void **state)
{
	struct fixture *f = setup(1, 1);

	(void)state;
	assert_true(probe(f, true));
	assert_true(probe(f, false));
	assert_true(probe(f, true));
	assert_false(probe(f, true));
	assert_true(probe(f, false));
	assert_int_equal(fake.results, 5);
	assert_int_equal(fake.changes, 4);
	teardown(f);
}

/* The timer firing while a probe runs is its timeout: the probe is cancelled (its `done` never
 * runs) and the result is a failure that says so. */
static void test_timeout_is_a_failure(void **state)
{
	struct fixture *f = setup(1, 2);

	(void)state;
	assert_true(probe(f, true));
	fire(f); /* starts a probe */
	assert_int_equal(fake.started, 2);
	fire(f); /* its timeout */
	assert_int_equal(fake.cancelled, 1);
	assert_null(f->t->probe);
	assert_false(f->t->last.up);
	assert_string_equal(f->t->last.reason, "timeout after 1000ms");
	assert_int_equal(f->t->fail_streak, 1);
	assert_int_equal(f->t->state, SITE_UP);
	fire(f);
	fire(f);
	assert_int_equal(fake.cancelled, 2);
	assert_int_equal(f->t->state, SITE_DOWN);
	teardown(f);
}

static void test_probe_that_cannot_start_is_a_failure(void **state)
{
	struct fixture *f = setup(1, 1);

	(void)state;
	assert_true(probe(f, true));
	fake.refuse = "socket: Too many open files";
	fire(f);
	assert_int_equal(fake.started, 2);
	assert_null(f->t->probe);
	assert_int_equal(f->t->state, SITE_DOWN);
	assert_string_equal(f->t->last.reason, "socket: Too many open files");
	assert_int_equal(fake.changes, 2);
	teardown(f);
}

/* The next probe is one interval after this one started, however long it took. */
static void test_fixed_cadence(void **state)
{
	struct fixture *f = setup(1, 1);

	(void)state;
	probe(f, true);
	assert_int_equal(f->t->next_ms, f->t->started_ms + (int64_t)f->check.interval_ms);
	teardown(f);
}

/* Freeing a target with a probe running cancels the probe. */
static void test_free_cancels_running_probe(void **state)
{
	struct fixture *f = setup(1, 1);

	(void)state;
	fire(f);
	assert_non_null(f->t->probe);
	teardown(f);
	assert_int_equal(fake.cancelled, 1);
}

/* The soonest a state could change: the next result, plus one interval for each further
 * result the streak still needs. */
static void test_earliest_flip(void **state)
{
	struct fixture *f = setup(2, 3);
	struct target *t = f->t;
	int64_t interval = f->check.interval_ms, timeout = f->check.timeout_ms;

	(void)state;
	t->next_ms = 5000;
	/* unknown: the next result decides */
	assert_int_equal(target_earliest_flip_ms(t, 0), 5000 + timeout);
	/* up, no failure yet: three results */
	t->state = SITE_UP;
	assert_int_equal(target_earliest_flip_ms(t, 0), 5000 + timeout + 2 * interval);
	t->fail_streak = 2;
	assert_int_equal(target_earliest_flip_ms(t, 0), 5000 + timeout);
	/* a streak already past what fall needs (fall lowered by a reload): the next one */
	t->fail_streak = 7;
	assert_int_equal(target_earliest_flip_ms(t, 0), 5000 + timeout);
	/* down: rise results */
	t->state = SITE_DOWN;
	t->ok_streak = 0;
	assert_int_equal(target_earliest_flip_ms(t, 0), 5000 + timeout + interval);
	/* a probe running: its timeout is when it ends at the latest */
	t->probe = &probe_handle;
	t->started_ms = 4000;
	assert_int_equal(target_earliest_flip_ms(t, 0), 4000 + timeout + interval);
	t->probe = NULL;
	/* overdue: not before now */
	assert_int_equal(target_earliest_flip_ms(t, 90000), 90000 + interval);
	teardown(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_target_is_unknown),
		cmocka_unit_test(test_first_result_decides),
		cmocka_unit_test(test_fall_needs_that_many_failures_in_a_row),
		cmocka_unit_test(test_rise_needs_that_many_successes_in_a_row),
		cmocka_unit_test(test_rise_fall_one_flips_each_time),
		cmocka_unit_test(test_timeout_is_a_failure),
		cmocka_unit_test(test_probe_that_cannot_start_is_a_failure),
		cmocka_unit_test(test_fixed_cadence),
		cmocka_unit_test(test_free_cancels_running_probe),
		cmocka_unit_test(test_earliest_flip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
