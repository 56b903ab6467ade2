/* Unit tests for a zone with more than one SOA at its apex: the error names the line of the
 * second, the record to remove (as NSD does), wherever it was written. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/zone_fixture.h"

#define ORIGIN "example.com"
#define SOA(serial) "@ IN SOA ns1 hostmaster " serial " 7200 900 1209600 300\n"

static int load(struct zone_file_fixture *fx, const char *text)
{
	return fixture_file_load(fx, ORIGIN, text);
}

/* The load failed with exactly one error, "<file>:<line>: <message>". */
static void expect_one_error(const struct zone_file_fixture *fx, const char *file, unsigned line,
			     const char *message)
{
	char want[FIXTURE_PATH_MAX + 256];

	snprintf(want, sizeof(want), "%s:%u: %s", file, line, message);
	if (fx->diag.count != 1)
		diag_print(&fx->diag, stderr, "  diag: ");
	assert_int_equal(fx->diag.count, 1);
	assert_string_equal(fx->diag.lines[0], want);
	assert_null(fx->zone);
}

static void test_second_soa_named(void **state)
{
	struct zone_file_fixture *fx = *state;

	assert_int_equal(load(fx, FIXTURE_HEAD "www IN A 192.0.2.80\n" SOA("2024010102")), -EINVAL);
	expect_one_error(fx, fx->path, FIXTURE_HEAD_LINES + 2,
			 "zone example.com. has 2 SOA records at its apex: keep exactly one");
}

/* The second SOA may sort before the first (a lower serial): file order decides. */
static void test_second_soa_in_file_order(void **state)
{
	struct zone_file_fixture *fx = *state;

	assert_int_equal(load(fx, FIXTURE_HEAD SOA("1") SOA("2")), -EINVAL);
	expect_one_error(fx, fx->path, FIXTURE_HEAD_LINES + 1,
			 "zone example.com. has 3 SOA records at its apex: keep exactly one");
}

/* A copy of the first SOA is dropped as a duplicate (RFC 2181 §5): the second is the next
 * different one. */
static void test_duplicate_is_not_second(void **state)
{
	struct zone_file_fixture *fx = *state;

	assert_int_equal(load(fx, FIXTURE_HEAD SOA("2024010101") SOA("2024010102")), -EINVAL);
	expect_one_error(fx, fx->path, FIXTURE_HEAD_LINES + 2,
			 "zone example.com. has 2 SOA records at its apex: keep exactly one");
}

static void test_exact_duplicate_loads(void **state)
{
	struct zone_file_fixture *fx = *state;

	assert_int_equal(load(fx, FIXTURE_HEAD SOA("2024010101")), 0);
	assert_int_equal(fx->diag.count, 0);
	assert_int_equal(fx->zone->serial, 2024010101);
	assert_int_equal(fx->zone->soa->rr_count, 1);
}

static void test_second_soa_in_include(void **state)
{
	struct zone_file_fixture *fx = *state;
	char text[256];

	assert_int_equal(fixture_write(fx->extra, "www IN A 192.0.2.80\n" /* 1 */
						  "; the second SOA\n" /* 2 */
						  "example.com. IN SOA ns1 hostmaster 7 7200 900 "
						  "1209600 300\n"), /* 3 */
			 0);
	snprintf(text, sizeof(text), FIXTURE_HEAD "$INCLUDE %s\n", fx->extra);
	assert_int_equal(load(fx, text), -EINVAL);
	expect_one_error(fx, fx->extra, 3,
			 "zone example.com. has 2 SOA records at its apex: keep exactly one");
}

/* The name is compared without case, as DNS names are. */
static void test_second_soa_other_case(void **state)
{
	struct zone_file_fixture *fx = *state;

	assert_int_equal(load(fx, FIXTURE_HEAD
			      "EXAMPLE.COM. IN SOA ns1 hostmaster 9 7200 900 1209600 300\n"),
			 -EINVAL);
	expect_one_error(fx, fx->path, FIXTURE_HEAD_LINES + 1,
			 "zone example.com. has 2 SOA records at its apex: keep exactly one");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fixture_file_setup, fixture_file_teardown)
	const struct CMUnitTest tests[] = {
		T(test_second_soa_named),	 T(test_second_soa_in_file_order),
		T(test_duplicate_is_not_second), T(test_exact_duplicate_loads),
		T(test_second_soa_in_include),	 T(test_second_soa_other_case),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
