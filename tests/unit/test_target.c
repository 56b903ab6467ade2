/* Unit tests for one engine target (health/target.c): the first result decides an unknown
 * target, then rise and fall need that many results in a row, a timeout or a probe that cannot
 * start counts as a failure, the cadence is fixed to the schedule (a stalled loop does not line
 * targets up), recheck= probes sooner while a result disagrees, and the earliest flip. A fake probe kind replaces the real one: the test says
 * when each probe ends and how, and fires the target's timer itself; a fake clock
 * (target_now_ms() is weak) says what time it is, so nothing here waits on the clock. */
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

/* The fake clock: what target_now_ms() returns. */
static int64_t fake_now_ms = 1000000;

int64_t target_now_ms(void)
{
	return fake_now_ms;
}

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
static void fire_target(struct event_base *base, struct target *t)
{
	event_active(t->timer, EV_TIMEOUT, 1);
	assert_int_equal(event_base_loop(base, EVLOOP_NONBLOCK), 0);
}

static void fire(struct fixture *f)
{
	fire_target(f->base, f->t);
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

/* One probe of `t` started at `start_ms` and ended at `end_ms`, with `up`. The next probe's
 * timer is taken off the loop: the test fires every timer itself. */
static void probe_result_at(struct event_base *base, struct target *t, int64_t start_ms,
			    int64_t end_ms, bool up)
{
	struct probe_result r;

	fake_now_ms = start_ms;
	fire_target(base, t);
	assert_non_null(fake.done);
	assert_int_equal(t->started_ms, start_ms);
	fake_now_ms = end_ms;
	probe_result_set(&r, up, up ? "connected" : "connect: Connection refused");
	fake.done(fake.arg, &r);
	evtimer_del(t->timer);
}

static void probe_at(struct event_base *base, struct target *t, int64_t start_ms, int64_t end_ms)
{
	probe_result_at(base, t, start_ms, end_ms, true);
}

/* The next probe is due one interval after this one was due, however late it started (a busy
 * loop) or long it took: the cadence never drifts. */
static void test_fixed_cadence(void **state)
{
	struct fixture *f = setup(1, 1);
	int64_t due = f->t->next_ms, interval = f->check.interval_ms;

	(void)state;
	assert_int_equal(due, fake_now_ms + 600000); /* the phase target_new() was given */
	for (int i = 0; i < 3; i++) {
		probe_at(f->base, f->t, due + 250, due + 900);
		assert_int_equal(f->t->next_ms, due + interval);
		due += interval;
	}
	teardown(f);
}

/* A loop stalled past a whole interval skips the slots it missed and keeps the phase. */
static void test_stall_keeps_the_phase(void **state)
{
	struct fixture *f = setup(1, 1);
	int64_t due = f->t->next_ms, interval = f->check.interval_ms;

	(void)state;
	probe_at(f->base, f->t, due + 2 * interval + 5, due + 2 * interval + 7);
	assert_int_equal(f->t->next_ms, due + 3 * interval);
	assert_int_equal(target_next_slot_ms(1000, 1000, 1999), 2000);
	assert_int_equal(target_next_slot_ms(1000, 1000, 2000), 2000);
	assert_int_equal(target_next_slot_ms(1000, 1000, 2001), 3000);
	assert_int_equal(target_next_slot_ms(1000, 1000, 7500), 8000);
	teardown(f);
}

/* Ten targets a tenth of an interval apart; the loop stalls for half an interval, so five are
 * started together, late. Their next probes are due in their own phases again, not all at
 * once: counting from when they started would line them up for good (tools/bench-zone --sites
 * saw 1,000 sites drift into 0.4 s of every second). */
static void test_stall_does_not_line_targets_up(void **state)
{
	struct fixture *f = setup(1, 1);
	struct target *t[10];
	struct sockaddr_storage ss = f->t->addr;
	int64_t t0 = fake_now_ms, interval = 1000, stall_end = t0 + 450;

	(void)state;
	f->check.interval_ms = (uint32_t)interval;
	f->check.timeout_ms = 100;
	for (int i = 0; i < 10; i++) {
		t[i] = target_new(f->base, NULL, &f->check, &ss, (uint32_t)(i * interval / 10));
		assert_non_null(t[i]);
		t[i]->kind = &fake_kind;
		evtimer_del(t[i]->timer);
	}
	/* 0 .. 4 were due at t0 .. t0 + 400 and all start at the stall's end */
	for (int i = 0; i < 5; i++)
		probe_at(f->base, t[i], stall_end, stall_end + 3);
	for (int i = 5; i < 10; i++)
		probe_at(f->base, t[i], t0 + i * interval / 10, t0 + i * interval / 10 + 3);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(t[i]->next_ms, t0 + interval + i * interval / 10);
		target_free(t[i]);
	}
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

/* A check with recheck=: interval 1 s, timeout 500 ms, re-check 100 ms. The target is
 * recreated so that its first slot is a whole interval away. */
static void use_recheck(struct fixture *f, uint32_t recheck_ms)
{
	struct sockaddr_storage addr = f->t->addr;

	f->check.interval_ms = 1000;
	f->check.timeout_ms = 500;
	f->check.recheck_ms = recheck_ms;
	target_free(f->t);
	f->t = target_new(f->base, NULL, &f->check, &addr, 1000);
	assert_non_null(f->t);
	f->t->kind = &fake_kind;
	f->t->on_result = on_result;
	evtimer_del(f->t->timer);
}

/* fall 2: the first failure is re-checked 100 ms after its result, not a second later, and
 * the second failure takes the target down; then it is back in its slots. */
static void test_recheck_fall(void **state)
{
	struct fixture *f = setup(2, 2);
	int64_t due;

	(void)state;
	use_recheck(f, 100);
	due = f->t->next_ms;
	probe_result_at(f->base, f->t, due, due + 2, true);
	assert_int_equal(f->t->state, SITE_UP); /* the first result decides */
	assert_int_equal(f->t->next_ms, due + 1000);
	probe_result_at(f->base, f->t, due + 1000, due + 1003, false);
	assert_int_equal(f->t->state, SITE_UP);
	assert_int_equal(f->t->next_ms, due + 1103); /* the result's time + recheck */
	probe_result_at(f->base, f->t, due + 1103, due + 1105, false);
	assert_int_equal(f->t->state, SITE_DOWN);
	assert_int_equal(fake.changes, 2);
	/* decided: the next probe is in the slot of the original phase */
	assert_int_equal(f->t->next_ms, due + 2000);
	/* a failure now agrees with the verdict: no re-check */
	probe_result_at(f->base, f->t, due + 2000, due + 2001, false);
	assert_int_equal(f->t->next_ms, due + 3000);
	teardown(f);
}

/* A failure then a success: the failure is re-checked, the success resets the count as
 * without recheck=, and the target goes back to its slots. */
static void test_recheck_agreeing_result_returns_to_cadence(void **state)
{
	struct fixture *f = setup(2, 2);
	int64_t due;

	(void)state;
	use_recheck(f, 100);
	due = f->t->next_ms;
	probe_result_at(f->base, f->t, due, due + 2, true);
	probe_result_at(f->base, f->t, due + 1000, due + 1004, false);
	assert_int_equal(f->t->next_ms, due + 1104);
	probe_result_at(f->base, f->t, due + 1104, due + 1106, true);
	assert_int_equal(f->t->state, SITE_UP);
	assert_int_equal(f->t->fail_streak, 0);
	assert_int_equal(f->t->next_ms, due + 2000);
	/* the next failure starts the count from one again */
	probe_result_at(f->base, f->t, due + 2000, due + 2001, false);
	assert_int_equal(f->t->fail_streak, 1);
	assert_int_equal(f->t->state, SITE_UP);
	assert_int_equal(f->t->next_ms, due + 2101);
	assert_int_equal(fake.changes, 1);
	teardown(f);
}

/* rise 3 on recovery: each success is re-checked until the third brings the target up. */
static void test_recheck_rise(void **state)
{
	struct fixture *f = setup(3, 2);
	int64_t due;

	(void)state;
	use_recheck(f, 100);
	due = f->t->next_ms;
	probe_result_at(f->base, f->t, due, due + 2, false);
	assert_int_equal(f->t->state, SITE_DOWN);
	assert_int_equal(f->t->next_ms, due + 1000);
	probe_result_at(f->base, f->t, due + 1000, due + 1010, true);
	assert_int_equal(f->t->next_ms, due + 1110);
	probe_result_at(f->base, f->t, due + 1110, due + 1120, true);
	assert_int_equal(f->t->state, SITE_DOWN);
	assert_int_equal(f->t->next_ms, due + 1220);
	probe_result_at(f->base, f->t, due + 1220, due + 1230, true);
	assert_int_equal(f->t->state, SITE_UP);
	assert_int_equal(f->t->next_ms, due + 2000);
	teardown(f);
}

/* A re-check counts from the result, so it never overlaps the probe before it, even one that
 * timed out; and it never comes later than the next slot would. */
static void test_recheck_after_timeout_and_before_the_slot(void **state)
{
	struct fixture *f = setup(2, 3);
	int64_t due;

	(void)state;
	use_recheck(f, 100);
	due = f->t->next_ms;
	probe_result_at(f->base, f->t, due, due + 2, true);
	fake_now_ms = due + 1000;
	fire(f); /* starts a probe */
	fake_now_ms = due + 1500;
	fire(f); /* its timeout */
	assert_string_equal(f->t->last.reason, "timeout after 500ms");
	assert_int_equal(f->t->next_ms, due + 1600);
	evtimer_del(f->t->timer);
	/* a slow second failure: a re-check 100 ms on would pass the slot at due + 2000 */
	probe_result_at(f->base, f->t, due + 1600, due + 1950, false);
	assert_int_equal(f->t->fail_streak, 2);
	assert_int_equal(f->t->next_ms, due + 2000);
	/* and from that slot the phase is kept: the third failure decides */
	probe_result_at(f->base, f->t, due + 2000, due + 2001, false);
	assert_int_equal(f->t->state, SITE_DOWN);
	assert_int_equal(f->t->next_ms, due + 3000);
	teardown(f);
}

/* Without recheck= a disagreeing result waits for the next slot, as before. */
static void test_no_recheck_waits_for_the_slot(void **state)
{
	struct fixture *f = setup(2, 2);
	int64_t due;

	(void)state;
	use_recheck(f, 0);
	due = f->t->next_ms;
	probe_result_at(f->base, f->t, due, due + 2, true);
	probe_result_at(f->base, f->t, due + 1000, due + 1003, false);
	assert_int_equal(f->t->state, SITE_UP);
	assert_int_equal(f->t->next_ms, due + 2000);
	probe_result_at(f->base, f->t, due + 2000, due + 2003, false);
	assert_int_equal(f->t->state, SITE_DOWN);
	assert_int_equal(f->t->next_ms, due + 3000);
	teardown(f);
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
	/* with recheck=, the further results come a re-check apart at the soonest */
	f->check.recheck_ms = 100;
	t->state = SITE_UP;
	t->fail_streak = 0;
	assert_int_equal(target_earliest_flip_ms(t, 0), 5000 + timeout + 2 * 100);
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
		cmocka_unit_test(test_stall_keeps_the_phase),
		cmocka_unit_test(test_stall_does_not_line_targets_up),
		cmocka_unit_test(test_free_cancels_running_probe),
		cmocka_unit_test(test_recheck_fall),
		cmocka_unit_test(test_recheck_agreeing_result_returns_to_cadence),
		cmocka_unit_test(test_recheck_rise),
		cmocka_unit_test(test_recheck_after_timeout_and_before_the_slot),
		cmocka_unit_test(test_no_recheck_waits_for_the_slot),
		cmocka_unit_test(test_earliest_flip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
