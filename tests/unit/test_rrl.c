/* Response rate limiting (server/rrl.c): bucket size and refill, slip, the client's network as
 * the key, kinds and names, the whitelist, and IPv6 prefixes. Time is passed in, so nothing
 * here waits. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "server/rrl.h"

static const uint8_t www[] = "\3www\7example\3com";
static const uint8_t zone[] = "\7example\3com";

static struct sockaddr_storage addr(const char *text)
{
	struct sockaddr_storage ss = { 0 };

	if (inet_pton(AF_INET, text, &((struct sockaddr_in *)&ss)->sin_addr) == 1)
		ss.ss_family = AF_INET;
	else if (inet_pton(AF_INET6, text, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1)
		ss.ss_family = AF_INET6;
	else
		fail_msg("bad address %s", text);
	return ss;
}

static struct rrl *make(unsigned rate, unsigned slip)
{
	struct rrl_config c = {
		.ratelimit = rate, .slip = slip, .ipv4_prefix = 24, .ipv6_prefix = 56, .size = 4096
	};
	struct rrl *r = NULL;

	c.whitelist[0] = (struct rrl_prefix){ .family = AF_INET, .len = 25 };
	inet_pton(AF_INET, "198.51.100.0", c.whitelist[0].addr);
	c.whitelist_count = 1;
	assert_int_equal(rrl_new(&r, &c), 0);
	return r;
}

/* How many of `n` responses at `t` from `who` are sent, slipped and dropped. */
static void charge(struct rrl *r, const char *who, enum rrl_kind kind, const uint8_t *name,
		   unsigned n, uint64_t t, unsigned counts[3])
{
	struct sockaddr_storage ss = addr(who);
	unsigned slips = 0;

	counts[0] = counts[1] = counts[2] = 0;
	for (unsigned i = 0; i < n; i++)
		counts[rrl_charge(r, (struct sockaddr *)&ss, kind, name,
				  name ? strlen((const char *)name) + 1 : 0, t, &slips)]++;
}

static void test_burst_refill_and_slip(void **state)
{
	struct rrl *r = make(10, 2);
	unsigned c[3];

	(void)state;
	charge(r, "192.0.2.1", RRL_ANSWER, www, 30, 100000, c);
	assert_int_equal(c[RRL_SEND], 10); /* one second's worth */
	assert_int_equal(c[RRL_SLIP], 10); /* every second limited response */
	assert_int_equal(c[RRL_DROP], 10);
	charge(r, "192.0.2.1", RRL_ANSWER, www, 30, 100500, c);
	assert_int_equal(c[RRL_SEND], 5); /* half a second refills half */
	charge(r, "192.0.2.1", RRL_ANSWER, www, 30, 200000, c);
	assert_int_equal(c[RRL_SEND], 10); /* never more than one second's worth */
	rrl_free(r);
}

static void test_network_is_the_key(void **state)
{
	struct rrl *r = make(5, 0);
	unsigned c[3];

	(void)state;
	charge(r, "192.0.2.1", RRL_ANSWER, www, 5, 1000, c);
	assert_int_equal(c[RRL_SEND], 5);
	charge(r, "192.0.2.200", RRL_ANSWER, www, 5, 1000, c); /* same /24: same bucket */
	assert_int_equal(c[RRL_SEND], 0);
	assert_int_equal(c[RRL_DROP], 5); /* slip 0 drops all */
	charge(r, "203.0.113.7", RRL_ANSWER, www, 5, 1000, c); /* another network */
	assert_int_equal(c[RRL_SEND], 5);
	charge(r, "192.0.2.1", RRL_NODATA, www, 5, 1000, c); /* another kind */
	assert_int_equal(c[RRL_SEND], 5);
	charge(r, "192.0.2.1", RRL_ANSWER, zone, 5, 1000, c); /* another name */
	assert_int_equal(c[RRL_SEND], 5);
	rrl_free(r);
}

/* NXDOMAIN is charged to the zone: a flood of random names shares one bucket. */
static void test_nxdomain_by_zone(void **state)
{
	struct rrl *r = make(3, 0);
	unsigned c[3];

	(void)state;
	charge(r, "192.0.2.1", RRL_NXDOMAIN, zone, 10, 5000, c);
	assert_int_equal(c[RRL_SEND], 3);
	charge(r, "192.0.2.1", RRL_ERROR, NULL, 10, 5000, c);
	assert_int_equal(c[RRL_SEND], 3);
	rrl_free(r);
}

static void test_whitelist_and_off(void **state)
{
	struct rrl *r = make(1, 0), *off = make(0, 0);
	unsigned c[3];

	(void)state;
	charge(r, "198.51.100.9", RRL_ANSWER, www, 100, 1, c); /* in the whitelisted /25 */
	assert_int_equal(c[RRL_SEND], 100);
	charge(r, "198.51.100.200", RRL_ANSWER, www, 100, 1, c); /* outside it */
	assert_int_equal(c[RRL_SEND], 1);
	charge(off, "192.0.2.1", RRL_ANSWER, www, 100, 1, c);
	assert_int_equal(c[RRL_SEND], 100);
	rrl_free(r);
	rrl_free(off);
}

static void test_ipv6_prefix(void **state)
{
	struct rrl *r = make(2, 0);
	unsigned c[3];

	(void)state;
	charge(r, "2001:db8:1:100::1", RRL_ANSWER, www, 2, 1, c);
	assert_int_equal(c[RRL_SEND], 2);
	charge(r, "2001:db8:1:1ff::9", RRL_ANSWER, www, 2, 1, c); /* same /56 */
	assert_int_equal(c[RRL_SEND], 0);
	charge(r, "2001:db8:1:200::1", RRL_ANSWER, www, 2, 1, c); /* next /56 */
	assert_int_equal(c[RRL_SEND], 2);
	charge(r, "::ffff:192.0.2.9", RRL_ANSWER, www, 2, 1, c); /* an IPv4 client, mapped */
	assert_int_equal(c[RRL_SEND], 2);
	charge(r, "192.0.2.10", RRL_ANSWER, www, 2, 1, c); /* the same /24 as above */
	assert_int_equal(c[RRL_SEND], 0);
	rrl_free(r);
}

/* A clock that wraps the 24-bit timestamp does not empty or overfill a bucket. */
static void test_clock_wrap(void **state)
{
	struct rrl *r = make(4, 0);
	uint64_t wrap = 0x1000000;
	unsigned c[3];

	(void)state;
	charge(r, "192.0.2.1", RRL_ANSWER, www, 4, wrap - 100, c);
	assert_int_equal(c[RRL_SEND], 4);
	charge(r, "192.0.2.1", RRL_ANSWER, www, 4, wrap + 150, c); /* 250 ms later: one token */
	assert_int_equal(c[RRL_SEND], 1);
	rrl_free(r);
}

static void test_rate_limit_checked(void **state)
{
	struct rrl_config c = { .ratelimit = RRL_RATE_MAX + 1, .size = 1024 };
	struct rrl *r = NULL;

	(void)state;
	assert_int_equal(rrl_new(&r, &c), -EINVAL);
	assert_null(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_refill_and_slip),
		cmocka_unit_test(test_network_is_the_key),
		cmocka_unit_test(test_nxdomain_by_zone),
		cmocka_unit_test(test_whitelist_and_off),
		cmocka_unit_test(test_ipv6_prefix),
		cmocka_unit_test(test_clock_wrap),
		cmocka_unit_test(test_rate_limit_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
