/* Unit tests for the quorum rule: how many votes are needed (majority, count, percentage, with
 * Route 53's and NS1's rules as cases), regions, holding with too few live probers, and
 * rise/fall counted in rounds. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "baton/health.h"
#include "health/gossip/quorum.h"

static void test_needed(void **state)
{
	struct quorum_config c;

	(void)state;
	quorum_config_default(&c);
	assert_int_equal(quorum_needed(&c, 1), 1);
	assert_int_equal(quorum_needed(&c, 3), 2);
	assert_int_equal(quorum_needed(&c, 4), 3);
	assert_int_equal(quorum_needed(&c, 5), 3);
	/* Route 53: unhealthy when 18% or fewer report healthy, so 82% must see it down */
	assert_int_equal(quorum_parse(&c, "82%"), 0);
	assert_int_equal(quorum_needed(&c, 15), 13);
	/* NS1's "all" and "one" */
	assert_int_equal(quorum_parse(&c, "100%"), 0);
	assert_int_equal(quorum_needed(&c, 7), 7);
	assert_int_equal(quorum_parse(&c, "1"), 0);
	assert_int_equal(quorum_needed(&c, 7), 1);
	assert_int_equal(quorum_parse(&c, "majority"), 0);
	assert_int_equal(quorum_needed(&c, 7), 4);
	assert_int_equal(quorum_parse(&c, "0"), -EINVAL);
	assert_int_equal(quorum_parse(&c, "101%"), -EINVAL);
	assert_int_equal(quorum_parse(&c, "half"), -EINVAL);
	assert_int_equal(quorum_parse(&c, "3x"), -EINVAL);
}

static void test_down_needs_quorum_and_regions(void **state)
{
	struct quorum_config c;
	struct quorum_state s = { 0 };
	struct quorum_tally t = { .live = 3, .up = 3 };

	(void)state;
	quorum_config_default(&c);
	assert_true(quorum_step(&c, 2, &t, &s)); /* the first decision: at once */
	assert_int_equal(s.verdict, SITE_UP);
	/* two probers down, but in one region */
	t = (struct quorum_tally){ .live = 3, .up = 1, .down = 2, .regions_down = 1 };
	assert_false(quorum_step(&c, 2, &t, &s));
	assert_int_equal(s.verdict, SITE_UP);
	/* one prober with a bad uplink */
	t = (struct quorum_tally){ .live = 3, .up = 2, .down = 1, .regions_down = 1 };
	assert_false(quorum_step(&c, 2, &t, &s));
	t = (struct quorum_tally){ .live = 3, .up = 1, .down = 2, .regions_down = 2 };
	assert_true(quorum_step(&c, 2, &t, &s));
	assert_int_equal(s.verdict, SITE_DOWN);
	assert_false(s.held);
}

static void test_too_few_live_holds(void **state)
{
	struct quorum_config c;
	struct quorum_state s = { 0 };
	struct quorum_tally t = { .live = 1, .down = 1, .regions_down = 1 };

	(void)state;
	quorum_config_default(&c);
	c.min_regions = 1;
	assert_false(quorum_step(&c, 2, &t, &s));
	assert_int_equal(s.verdict, SITE_UNKNOWN);
	assert_true(s.held);
	t = (struct quorum_tally){ .live = 2, .down = 2, .regions_down = 1 };
	assert_true(quorum_step(&c, 2, &t, &s));
	assert_int_equal(s.verdict, SITE_DOWN);
	/* every prober gone: the last verdict holds, whatever the last votes were */
	t = (struct quorum_tally){ 0 };
	assert_false(quorum_step(&c, 2, &t, &s));
	assert_int_equal(s.verdict, SITE_DOWN);
	assert_true(s.held);
}

static void test_rise_fall_in_rounds(void **state)
{
	struct quorum_config c;
	struct quorum_state s = { 0 };
	struct quorum_tally up = { .live = 3, .up = 3 };
	struct quorum_tally down = { .live = 3, .down = 3, .regions_down = 3 };

	(void)state;
	quorum_config_default(&c);
	c.fall = 3;
	c.rise = 2;
	assert_true(quorum_step(&c, 2, &up, &s));
	assert_false(quorum_step(&c, 2, &down, &s));
	assert_false(quorum_step(&c, 2, &down, &s));
	assert_false(quorum_step(&c, 2, &up, &s)); /* the streak breaks */
	assert_false(quorum_step(&c, 2, &down, &s));
	assert_false(quorum_step(&c, 2, &down, &s));
	assert_true(quorum_step(&c, 2, &down, &s));
	assert_int_equal(s.verdict, SITE_DOWN);
	assert_false(quorum_step(&c, 2, &up, &s));
	assert_true(quorum_step(&c, 2, &up, &s));
	assert_int_equal(s.verdict, SITE_UP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_needed),
		cmocka_unit_test(test_down_needs_quorum_and_regions),
		cmocka_unit_test(test_too_few_live_holds),
		cmocka_unit_test(test_rise_fall_in_rounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
