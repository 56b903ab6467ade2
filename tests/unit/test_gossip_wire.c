/* Unit tests for the gossip wire format and its signatures: round trips, every truncation,
 * oversized, unknown versions, bad fields, tampering, and public-key text. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include <string.h>

#include "baton/health.h"
#include "health/gossip/sign.h"
#include "health/gossip/wire.h"

/* A signed datagram with `count` observations; returns its length. */
static size_t make_msg(uint8_t *buf, struct gossip_key *key, uint16_t count, uint64_t seq)
{
	struct gossip_obs obs[GOSSIP_OBS_PER_MSG];
	struct gossip_msg m = {
		.seq = seq, .time_ms = 1700000000123, .part = 0, .parts = 1, .count = count
	};
	int len;

	for (uint16_t i = 0; i < count; i++) {
		obs[i].site_id = gossip_site_id("example.com", i % 2 ? "fra" : "iad") + i;
		obs[i].verdict = i % 3 == 0 ? SITE_DOWN : SITE_UP;
		obs[i].age_s = (uint16_t)(i * 7);
	}
	memcpy(m.key_id, gossip_key_public(key), GOSSIP_KEY_ID_LEN);
	len = gossip_msg_encode(buf, &m, obs);
	assert_true(len > 0);
	assert_int_equal(gossip_key_sign(key, buf, (size_t)len, buf + len), 0);
	return (size_t)len + GOSSIP_SIG_LEN;
}

static void test_round_trip(void **state)
{
	uint8_t buf[GOSSIP_MSG_MAX];
	struct gossip_key *key;
	struct gossip_msg m;
	struct gossip_obs o;
	enum gossip_drop why;
	size_t len;

	(void)state;
	assert_int_equal(gossip_key_generate(&key), 0);
	len = make_msg(buf, key, GOSSIP_OBS_PER_MSG, 42);
	assert_true(len <= GOSSIP_MSG_MAX);
	assert_int_equal(gossip_msg_decode(&m, buf, len, &why), 0);
	assert_int_equal(m.seq, 42);
	assert_int_equal(m.time_ms, 1700000000123);
	assert_int_equal(m.count, GOSSIP_OBS_PER_MSG);
	assert_memory_equal(m.key_id, gossip_key_public(key), GOSSIP_KEY_ID_LEN);
	gossip_msg_obs(&m, 3, &o);
	assert_int_equal(o.site_id, gossip_site_id("example.com", "fra") + 3);
	assert_int_equal(o.verdict, SITE_DOWN);
	assert_int_equal(o.age_s, 21);
	assert_true(gossip_key_verify(key, buf, m.signed_len, m.sig));
	gossip_key_free(key);
}

static void test_every_truncation_is_malformed(void **state)
{
	uint8_t buf[GOSSIP_MSG_MAX];
	struct gossip_key *key;
	struct gossip_msg m;
	enum gossip_drop why;
	size_t len;

	(void)state;
	assert_int_equal(gossip_key_generate(&key), 0);
	len = make_msg(buf, key, 5, 1);
	for (size_t cut = 0; cut < len; cut++) {
		assert_int_equal(gossip_msg_decode(&m, buf, cut, &why), -EBADMSG);
		assert_int_equal(why, GOSSIP_DROP_MALFORMED);
	}
	gossip_key_free(key);
}

static void test_refusals(void **state)
{
	uint8_t buf[GOSSIP_MSG_MAX + 8] = { 0 };
	struct gossip_key *key;
	struct gossip_msg m;
	enum gossip_drop why;
	size_t len;

	(void)state;
	assert_int_equal(gossip_key_generate(&key), 0);
	assert_int_equal(gossip_msg_decode(&m, buf, GOSSIP_MSG_MAX + 1, &why), -EBADMSG);
	assert_int_equal(why, GOSSIP_DROP_OVERSIZED);

	len = make_msg(buf, key, 2, 1);
	buf[2] = 2; /* a future version */
	assert_int_equal(gossip_msg_decode(&m, buf, len, &why), -EBADMSG);
	assert_int_equal(why, GOSSIP_DROP_VERSION);

	len = make_msg(buf, key, 2, 1);
	buf[GOSSIP_HEADER_LEN + 8] = 7; /* no such verdict */
	assert_int_equal(gossip_msg_decode(&m, buf, len, &why), -EBADMSG);
	assert_int_equal(why, GOSSIP_DROP_MALFORMED);

	len = make_msg(buf, key, 2, 1);
	buf[GOSSIP_HEADER_LEN + 9] = 1; /* reserved */
	assert_int_equal(gossip_msg_decode(&m, buf, len, &why), -EBADMSG);

	len = make_msg(buf, key, 2, 1);
	buf[28] = 1; /* part 1 of 1 */
	assert_int_equal(gossip_msg_decode(&m, buf, len, &why), -EBADMSG);

	len = make_msg(buf, key, 2, 1);
	buf[31] = 3; /* three observations claimed, two present */
	assert_int_equal(gossip_msg_decode(&m, buf, len, &why), -EBADMSG);
	assert_int_equal(why, GOSSIP_DROP_MALFORMED);
	gossip_key_free(key);
}

static void test_encode_limits(void **state)
{
	uint8_t buf[GOSSIP_MSG_MAX];
	struct gossip_obs obs[GOSSIP_OBS_PER_MSG + 1] = { { 0 } };
	struct gossip_msg m = { .parts = 1, .count = GOSSIP_OBS_PER_MSG + 1 };

	(void)state;
	assert_int_equal(gossip_msg_encode(buf, &m, obs), -EINVAL);
	m.count = 0;
	m.parts = GOSSIP_PARTS_MAX + 1;
	assert_int_equal(gossip_msg_encode(buf, &m, obs), -EINVAL);
	m.parts = 1;
	assert_int_equal(gossip_msg_encode(buf, &m, obs), GOSSIP_HEADER_LEN);
}

static void test_tampering_breaks_the_signature(void **state)
{
	uint8_t buf[GOSSIP_MSG_MAX];
	struct gossip_key *key, *other;
	struct gossip_msg m;
	enum gossip_drop why;
	size_t len;

	(void)state;
	assert_int_equal(gossip_key_generate(&key), 0);
	assert_int_equal(gossip_key_generate(&other), 0);
	len = make_msg(buf, key, 4, 9);
	for (size_t i = 0; i < len; i += 5) {
		buf[i] ^= 0x01;
		if (gossip_msg_decode(&m, buf, len, &why) == 0)
			assert_false(gossip_key_verify(key, buf, m.signed_len, m.sig));
		buf[i] ^= 0x01;
	}
	assert_int_equal(gossip_msg_decode(&m, buf, len, &why), 0);
	assert_true(gossip_key_verify(key, buf, m.signed_len, m.sig));
	assert_false(gossip_key_verify(other, buf, m.signed_len, m.sig));
	gossip_key_free(key);
	gossip_key_free(other);
}

static void test_public_key_text(void **state)
{
	char text[GOSSIP_PUB_TEXT_MAX];
	uint8_t pub[GOSSIP_PUB_LEN], sig[GOSSIP_SIG_LEN];
	struct gossip_key *key, *pubkey;

	(void)state;
	assert_int_equal(gossip_key_generate(&key), 0);
	gossip_pub_format(gossip_key_public(key), text);
	assert_int_equal(strlen(text), GOSSIP_PUB_TEXT_MAX - 1);
	assert_int_equal(gossip_pub_parse(text, pub), 0);
	assert_memory_equal(pub, gossip_key_public(key), GOSSIP_PUB_LEN);
	assert_int_equal(gossip_key_from_public(&pubkey, pub), 0);
	assert_int_equal(gossip_key_sign(pubkey, pub, 1, sig), -EINVAL);
	assert_int_equal(gossip_pub_parse(text + 1, pub), -EINVAL);
	text[20] = '*';
	assert_int_equal(gossip_pub_parse(text, pub), -EINVAL);
	assert_int_equal(gossip_pub_parse("ed25519:", pub), -EINVAL);
	assert_int_equal(
		gossip_pub_parse("ed25519:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=x", pub),
		-EINVAL);
	gossip_key_free(pubkey);
	gossip_key_free(key);
}

static void test_site_ids(void **state)
{
	(void)state;
	assert_int_equal(gossip_site_id("Example.COM.", "FRA"),
			 gossip_site_id("example.com", "fra"));
	assert_int_not_equal(gossip_site_id("example.com", "fra"),
			     gossip_site_id("example.com", "iad"));
	assert_int_not_equal(gossip_site_id("a.example", "b"), gossip_site_id("a", "example/b"));
	assert_string_equal(gossip_drop_name(GOSSIP_DROP_BAD_SIGNATURE), "bad_signature");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_every_truncation_is_malformed),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_encode_limits),
		cmocka_unit_test(test_tampering_breaks_the_signature),
		cmocka_unit_test(test_public_key_text),
		cmocka_unit_test(test_site_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
