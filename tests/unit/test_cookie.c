/* SipHash-2-4 against its paper's vector, and DNS server cookies (RFC 9018) against the RFC's
 * own example, plus the validity rules: age, clock skew, another client, a new secret. */
#include "autoconfig.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "server/cookie.h"
#include "server/dns.h"
#include "server/siphash.h"

static void unhex(uint8_t *out, const char *hex)
{
	for (size_t i = 0; hex[2 * i]; i++) {
		unsigned v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

/* "SipHash: a fast short-input PRF", Appendix A: key 00..0f, message 00..0e. */
static void test_siphash_paper_vector(void **state)
{
	uint8_t key[16], msg[15];

	(void)state;
	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 15; i++)
		msg[i] = (uint8_t)i;
	assert_true(siphash24(key, msg, sizeof(msg)) == 0xa129ca6149be45e5ull);
}

static const uint8_t client_ip[4] = { 198, 51, 100, 100 };

/* RFC 9018 Appendix A.1: a client at 198.51.100.100 learns a server cookie at 1559731985. */
static void test_rfc9018_example(void **state)
{
	uint8_t secret[16], expected[16], out[COOKIE_OPTION_MAX];
	struct cookie c;

	(void)state;
	unhex(secret, "e5e973e5a6b2a43f48e7dc849e37bfcf");
	unhex(c.client, "2464c4abcf10c957");
	c.server_len = 0;
	unhex(expected, "010000005cf79f111f8130c3eee29480");
	assert_int_equal(cookie_write(out, &c, false, secret, client_ip, 4, 1559731985),
			 COOKIE_OPTION_MAX);
	assert_int_equal(out[1], DNS_EDNS_OPT_COOKIE);
	assert_int_equal(out[3], 24);
	assert_memory_equal(out + 4, c.client, 8);
	assert_memory_equal(out + 12, expected, 16);
}

static void make(struct cookie *c, const uint8_t *secret, const uint8_t *ip, uint32_t when)
{
	uint8_t out[COOKIE_OPTION_MAX];

	memset(c->client, 0x5a, sizeof(c->client));
	c->server_len = 0;
	cookie_write(out, c, false, secret, ip, 4, when);
	assert_int_equal(cookie_parse(c, out + 4, 24), 0);
}

static void test_validity(void **state)
{
	uint8_t secret[16] = { 1 }, other[16] = { 2 };
	uint8_t ip2[4] = { 203, 0, 113, 9 };
	uint32_t t = 1800000000;
	struct cookie c;

	(void)state;
	make(&c, secret, client_ip, t);
	assert_true(cookie_valid(&c, secret, NULL, client_ip, 4, t + 10));
	assert_true(cookie_valid(&c, secret, NULL, client_ip, 4, t + 3600));
	assert_false(cookie_valid(&c, secret, NULL, client_ip, 4, t + 3601)); /* too old */
	assert_true(cookie_valid(&c, secret, NULL, client_ip, 4, t - 300));
	assert_false(cookie_valid(&c, secret, NULL, client_ip, 4, t - 301)); /* from the future */
	assert_false(cookie_valid(&c, secret, NULL, ip2, 4, t)); /* another address */
	assert_false(cookie_valid(&c, other, NULL, client_ip, 4, t)); /* another secret */
	assert_true(cookie_valid(&c, other, secret, client_ip, 4, t)); /* ... unless previous */
	c.client[0] ^= 1;
	assert_false(cookie_valid(&c, secret, NULL, client_ip, 4, t)); /* another client cookie */
}

/* A valid server cookie under half an hour old is echoed as is; an older one is renewed. */
static void test_refresh(void **state)
{
	uint8_t secret[16] = { 7 }, out[COOKIE_OPTION_MAX];
	uint32_t t = 1800000000;
	struct cookie c;

	(void)state;
	make(&c, secret, client_ip, t);
	cookie_write(out, &c, true, secret, client_ip, 4, t + 60);
	assert_memory_equal(out + 12, c.server, 16);
	cookie_write(out, &c, true, secret, client_ip, 4, t + 1900);
	assert_memory_not_equal(out + 12, c.server, 16);
	assert_int_equal(out[16] << 24 | out[17] << 16 | out[18] << 8 | out[19], t + 1900);
}

static void test_parse_lengths(void **state)
{
	uint8_t data[41] = { 0 };
	struct cookie c;

	(void)state;
	assert_int_equal(cookie_parse(&c, data, 7), -1);
	assert_int_equal(cookie_parse(&c, data, 8), 0);
	assert_int_equal(c.server_len, 0);
	for (size_t len = 9; len < 16; len++)
		assert_int_equal(cookie_parse(&c, data, len), -1);
	assert_int_equal(cookie_parse(&c, data, 16), 0);
	assert_int_equal(cookie_parse(&c, data, 40), 0);
	assert_int_equal(c.server_len, 32);
	assert_int_equal(cookie_parse(&c, data, 41), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_siphash_paper_vector),
		cmocka_unit_test(test_rfc9018_example),
		cmocka_unit_test(test_validity),
		cmocka_unit_test(test_refresh),
		cmocka_unit_test(test_parse_lengths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
