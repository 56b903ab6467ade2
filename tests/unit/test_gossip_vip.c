/* Unit tests for VIP reports (gossip datagram type 2): the record's round trip, every
 * truncation and every field out of bounds refused as malformed, the encoder's limits, and,
 * on the simulated network, reports reaching a batond (relayed around a cut link, split in
 * parts) while forged, replayed, tampered and wrong-role reports are dropped, counted and
 * change nothing. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "health/gossip/sign.h"
#include "health/gossip/wire.h"
#include "tests/unit/gossip_sim.h"

static void fill_inst(struct gossip_vip_inst *v, const char *name, const char *site, uint8_t state,
		      uint8_t priority, unsigned addrs)
{
	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", name);
	snprintf(v->site, sizeof(v->site), "%s", site);
	v->state = state;
	v->priority = priority;
	v->master_down_ms = 3609;
	v->changed_age_ms = 1234;
	v->addr_count = (uint8_t)addrs;
	for (unsigned i = 0; i < addrs; i++) {
		v->addrs[i].family = i % 2 ? 6 : 4;
		v->addrs[i].prefix = i % 2 ? 64 : 24;
		v->addrs[i].addr[0] = i % 2 ? 0x20 : 192;
		v->addrs[i].addr[1] = i % 2 ? 0x01 : 0;
		v->addrs[i].addr[3] = (uint8_t)(10 + i);
	}
}

/* A signed VIP report of `count` instances ("web0".. on site "web"); returns its length. */
static size_t make_report(uint8_t *buf, struct gossip_key *key, uint16_t count, uint64_t seq,
			  int64_t time_ms, uint8_t state)
{
	struct gossip_vip_inst v[8];
	struct gossip_msg m = { .seq = seq, .time_ms = time_ms, .parts = 1, .count = count };
	int len;

	assert_true(count <= 8);
	for (uint16_t i = 0; i < count; i++) {
		char name[16];

		snprintf(name, sizeof(name), "web%u", i);
		fill_inst(&v[i], name, "web", state, (uint8_t)(100 + i), i + 1u);
	}
	memcpy(m.key_id, gossip_key_public(key), GOSSIP_KEY_ID_LEN);
	len = gossip_vip_encode(buf, &m, v);
	assert_true(len > 0);
	assert_int_equal(gossip_key_sign(key, buf, (size_t)len, buf + len), 0);
	return (size_t)len + GOSSIP_SIG_LEN;
}

static void test_round_trip(void **state)
{
	uint8_t buf[GOSSIP_MSG_MAX];
	struct gossip_vip_inst v;
	struct gossip_key *key;
	struct gossip_msg m;
	enum gossip_drop why;
	size_t len, off = 0;

	(void)state;
	assert_int_equal(gossip_key_generate(&key), 0);
	len = make_report(buf, key, 3, 7, 1700000000123, 2);
	assert_int_equal(gossip_msg_decode(&m, buf, len, &why), 0);
	assert_int_equal(m.type, GOSSIP_TYPE_VIP);
	assert_int_equal(m.seq, 7);
	assert_int_equal(m.count, 3);
	assert_true(gossip_key_verify(key, buf, m.signed_len, m.sig));
	for (unsigned i = 0; i < 3; i++) {
		char name[16];

		gossip_msg_vip(&m, &off, &v);
		snprintf(name, sizeof(name), "web%u", i);
		assert_string_equal(v.name, name);
		assert_string_equal(v.site, "web");
		assert_int_equal(v.state, 2);
		assert_int_equal(v.priority, 100 + i);
		assert_int_equal(v.master_down_ms, 3609);
		assert_int_equal(v.changed_age_ms, 1234);
		assert_int_equal(v.addr_count, i + 1);
		assert_int_equal(v.addrs[0].family, 4);
		assert_int_equal(v.addrs[0].prefix, 24);
		assert_int_equal(v.addrs[0].addr[0], 192);
	}
	assert_int_equal(v.addrs[1].family, 6);
	assert_int_equal(v.addrs[1].addr[0], 0x20);
	assert_int_equal(off, m.body_len);
	gossip_key_free(key);
}

static void test_every_truncation_is_malformed(void **state)
{
	uint8_t buf[GOSSIP_MSG_MAX], cut[GOSSIP_MSG_MAX];
	struct gossip_key *key;
	struct gossip_msg m;
	enum gossip_drop why;
	size_t len, body;

	(void)state;
	assert_int_equal(gossip_key_generate(&key), 0);
	len = make_report(buf, key, 2, 1, 1, 1);
	body = len - GOSSIP_SIG_LEN;
	/* cut the records anywhere (the signature moved to the end): never accepted */
	for (size_t n = GOSSIP_HEADER_LEN; n < body; n++) {
		memcpy(cut, buf, n);
		memcpy(cut + n, buf + body, GOSSIP_SIG_LEN);
		assert_int_equal(gossip_msg_decode(&m, cut, n + GOSSIP_SIG_LEN, &why), -EBADMSG);
		assert_int_equal(why, GOSSIP_DROP_MALFORMED);
	}
	for (size_t n = 4; n < len; n++) {
		assert_int_equal(gossip_msg_decode(&m, buf, n, &why), -EBADMSG);
		assert_int_equal(why, GOSSIP_DROP_MALFORMED);
	}
	gossip_key_free(key);
}

/* Sets byte `at` of a fresh one-record report (name "web0", site "web", one IPv4 address) and
 * returns what the decoder says. */
static int decode_with(struct gossip_key *key, size_t at, uint8_t value, enum gossip_drop *why)
{
	uint8_t buf[GOSSIP_MSG_MAX];
	struct gossip_msg m;
	size_t len = make_report(buf, key, 1, 1, 1, 1);

	buf[at] = value;
	return gossip_msg_decode(&m, buf, len, why);
}

static void test_refusals(void **state)
{
	/* offsets in the record: 0 name length, 1..4 "web0", 5 site length, 6..8 "web",
	 * 9 state, 10 priority, 11 addresses, 12 reserved, 13..16 master-down, 17..20 age,
	 * 21 family, 22 prefix, 23..26 the address */
	const size_t r = GOSSIP_HEADER_LEN;
	const struct {
		size_t at;
		uint8_t value;
	} bad[] = {
		{ r + 0, 0 },	{ r + 0, 64 },	{ r + 0, 200 }, { r + 2, ' ' }, { r + 2, '"' },
		{ r + 5, 0 },	{ r + 5, 100 }, { r + 7, 0 },	{ r + 9, 4 },	{ r + 11, 0 },
		{ r + 11, 2 },	{ r + 11, 21 }, { r + 12, 1 },	{ r + 21, 5 },	{ r + 21, 6 },
		{ r + 22, 33 }, { 31, 2 },	{ 31, 0 },	{ 29, 0 },	{ 28, 1 },
	};
	struct gossip_key *key;
	enum gossip_drop why;

	(void)state;
	assert_int_equal(gossip_key_generate(&key), 0);
	assert_int_equal(decode_with(key, r + 10, 0, &why), 0); /* any priority is fine */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = GOSSIP_DROP_KINDS;
		if (decode_with(key, bad[i].at, bad[i].value, &why) != -EBADMSG)
			fail_msg("byte %zu = %u was accepted", bad[i].at, bad[i].value);
		assert_int_equal(why, GOSSIP_DROP_MALFORMED);
	}
	/* a type this build does not speak: dropped as `version`, as version 1 decoders
	 * that predate type 2 drop a VIP report */
	assert_int_equal(decode_with(key, 3, 3, &why), -EBADMSG);
	assert_int_equal(why, GOSSIP_DROP_VERSION);
	gossip_key_free(key);
}

static void test_encode_limits(void **state)
{
	static struct gossip_vip_inst v[4];
	uint8_t buf[GOSSIP_MSG_MAX];
	struct gossip_msg m = { .parts = 1, .count = 1 };

	(void)state;
	fill_inst(&v[0], "web", "web", 2, 100, 0);
	assert_int_equal(gossip_vip_record_len(&v[0]), GOSSIP_VIP_FIXED_LEN + 6);
	assert_int_equal(gossip_vip_encode(buf, &m, v),
			 GOSSIP_HEADER_LEN + GOSSIP_VIP_FIXED_LEN + 6);
	v[0].state = 4;
	assert_int_equal(gossip_vip_record_len(&v[0]), 0);
	assert_int_equal(gossip_vip_encode(buf, &m, v), -EINVAL);
	fill_inst(&v[0], "", "web", 2, 100, 0);
	assert_int_equal(gossip_vip_encode(buf, &m, v), -EINVAL);
	fill_inst(&v[0], "web/1", "web", 2, 100, 0);
	assert_int_equal(gossip_vip_encode(buf, &m, v), -EINVAL);
	fill_inst(&v[0], "web", "web", 2, 100, GOSSIP_VIP_ADDRS_MAX);
	v[0].addrs[3].prefix = 129;
	assert_int_equal(gossip_vip_encode(buf, &m, v), -EINVAL);
	/* the largest records: 63-character names and 20 IPv6 addresses, 500 bytes each */
	for (int i = 0; i < 3; i++) {
		fill_inst(&v[i], "x", "y", 1, 1, GOSSIP_VIP_ADDRS_MAX);
		memset(v[i].name, 'n', GOSSIP_VIP_NAME_MAX);
		memset(v[i].site, 's', GOSSIP_VIP_NAME_MAX);
		for (int a = 0; a < GOSSIP_VIP_ADDRS_MAX; a++)
			v[i].addrs[a].family = 6;
	}
	assert_int_equal(gossip_vip_record_len(&v[0]), 500);
	m.count = 2;
	assert_int_equal(gossip_vip_encode(buf, &m, v), GOSSIP_HEADER_LEN + 1000);
	m.count = 3;
	assert_int_equal(gossip_vip_encode(buf, &m, v), -E2BIG);
	m.count = 0;
	m.parts = 0;
	assert_int_equal(gossip_vip_encode(buf, &m, v), -EINVAL);
}

enum { B1, P1, V1, V2, MEMBERS };

static const char *const members[MEMBERS] = {
	"b1 eu server",
	"p1 eu probe",
	"v1 eu vip",
	"v2 eu vip",
};

static void start_all(struct sim *s)
{
	struct gossip_node_config cfg;

	gossip_node_config_default(&cfg);
	cfg.quorum.min_regions = 1;
	sim_init(s, members, MEMBERS, &cfg);
	for (uint32_t i = 0; i < MEMBERS; i++)
		sim_start(s, i);
}

static void set_vip(struct sim *s, uint32_t node, const char *name, uint8_t state,
		    int64_t changed_wall_ms)
{
	struct gossip_local_vip v = { .changed_wall_ms = changed_wall_ms };

	fill_inst(&v.inst, name, "web", state, state == 2 ? 150 : 100, 1);
	assert_true(gossip_node_set_vip(s->nodes[node], &v, 1) >= 0);
}

/* What node `at` holds of member `member`'s first instance; false when nothing. */
static bool seen(struct sim *s, uint32_t at, uint32_t member, struct gossip_vip_seen *out)
{
	return gossip_node_vip_seen(s->nodes[at], member, 0, out);
}

static void test_reports_reach_batond(void **state)
{
	struct gossip_vip_seen v;
	struct sim s;

	(void)state;
	start_all(&s);
	set_vip(&s, V1, "web-a", 2, s.wall_ms - 5000);
	set_vip(&s, V2, "web-b", 1, -1);
	/* v1 cannot reach batond directly: relays carry its report */
	sim_cut(&s, V1, B1, true);
	for (int r = 0; r < 3; r++)
		sim_round(&s);
	assert_true(seen(&s, B1, V1, &v));
	assert_string_equal(v.member, "v1");
	assert_string_equal(v.inst.name, "web-a");
	assert_string_equal(v.inst.site, "web");
	assert_int_equal(v.inst.state, 2);
	assert_int_equal(v.inst.priority, 150);
	assert_true(v.live);
	assert_int_equal(v.signed_wall_ms, s.wall_ms);
	assert_int_equal(v.inst.changed_age_ms, 5000 + 3000);
	assert_true(seen(&s, B1, V2, &v));
	assert_int_equal(v.inst.state, 1);
	assert_int_equal(v.inst.changed_age_ms, GOSSIP_VIP_NEVER);
	assert_false(seen(&s, B1, P1, &v)); /* a prober reports no instance */
	assert_false(gossip_node_vip_seen(s.nodes[B1], V1, 1, &v));
	/* the master moves: the next round shows it */
	set_vip(&s, V1, "web-a", 3, s.wall_ms);
	set_vip(&s, V2, "web-b", 2, s.wall_ms);
	sim_round(&s);
	assert_true(seen(&s, B1, V1, &v));
	assert_int_equal(v.inst.state, 3);
	assert_true(seen(&s, B1, V2, &v));
	assert_int_equal(v.inst.state, 2);
	assert_int_equal(v.inst.changed_age_ms, 1000);
	/* a vip member holds a probe's and a server's state, and relays it: no drop counted */
	for (int k = 0; k < GOSSIP_DROP_KINDS; k++)
		if (k != GOSSIP_DROP_DUPLICATE && k != GOSSIP_DROP_REPLAY && k != GOSSIP_DROP_OWN)
			assert_int_equal(gossip_node_counters(s.nodes[B1])->drops[k], 0);
	sim_fini(&s);
}

/* Delivers buf to batond and checks the drop it is counted under. */
static void expect_drop(struct sim *s, const uint8_t *buf, size_t len, enum gossip_drop kind)
{
	uint64_t before = gossip_node_counters(s->nodes[B1])->drops[kind];
	enum gossip_drop why;

	assert_int_equal(
		gossip_node_receive(s->nodes[B1], buf, len, V1, s->now_ms, s->wall_ms, &why),
		-EBADMSG);
	assert_int_equal(why, kind);
	assert_int_equal(gossip_node_counters(s->nodes[B1])->drops[kind], before + 1);
}

static void test_forged_replayed_tampered_dropped(void **state)
{
	uint8_t old[GOSSIP_MSG_MAX], buf[GOSSIP_MSG_MAX];
	struct gossip_key *stranger;
	struct gossip_vip_seen v;
	enum gossip_drop why;
	size_t old_len, len;
	struct sim s;

	(void)state;
	start_all(&s);
	assert_int_equal(gossip_key_generate(&stranger), 0);
	/* an old report of v1 (backup) that batond accepts, then a newer one (master) */
	old_len = make_report(old, s.keys[V1], 1, 10, s.wall_ms, 1);
	assert_int_equal(
		gossip_node_receive(s.nodes[B1], old, old_len, V1, s.now_ms, s.wall_ms, &why), 0);
	len = make_report(buf, s.keys[V1], 1, 11, s.wall_ms, 2);
	assert_int_equal(gossip_node_receive(s.nodes[B1], buf, len, V1, s.now_ms, s.wall_ms, &why),
			 0);
	expect_drop(&s, buf, len, GOSSIP_DROP_DUPLICATE);
	expect_drop(&s, old, old_len, GOSSIP_DROP_REPLAY);
	/* tampered: the state byte of a newer report turned to fault after signing */
	len = make_report(buf, s.keys[V1], 1, 12, s.wall_ms, 2);
	buf[GOSSIP_HEADER_LEN + 9] = 3;
	expect_drop(&s, buf, len, GOSSIP_DROP_BAD_SIGNATURE);
	/* forged: a key no one trusts */
	len = make_report(buf, stranger, 1, 13, s.wall_ms, 3);
	expect_drop(&s, buf, len, GOSSIP_DROP_UNKNOWN_KEY);
	/* a trusted prober's key speaking for a VIP: not its role */
	len = make_report(buf, s.keys[P1], 1, 14, s.wall_ms, 3);
	expect_drop(&s, buf, len, GOSSIP_DROP_UNKNOWN_KEY);
	/* signed 20 s ago: outside the clock window */
	len = make_report(buf, s.keys[V1], 1, 15, s.wall_ms - 20000, 3);
	expect_drop(&s, buf, len, GOSSIP_DROP_STALE);
	/* none of them changed what batond holds: v1 is master, from seq 11 */
	assert_true(seen(&s, B1, V1, &v));
	assert_int_equal(v.inst.state, 2);
	gossip_key_free(stranger);
	sim_fini(&s);
}

static void test_many_instances_split_in_parts(void **state)
{
	static struct gossip_local_vip v[30];
	struct gossip_vip_seen out;
	struct sim s;
	uint32_t i;

	(void)state;
	start_all(&s);
	for (i = 0; i < 30; i++) {
		char name[16];

		snprintf(name, sizeof(name), "inst%u", i);
		fill_inst(&v[i].inst, name, "web", 1, (uint8_t)i, GOSSIP_VIP_ADDRS_MAX);
		for (int a = 0; a < GOSSIP_VIP_ADDRS_MAX; a++)
			v[i].inst.addrs[a].family = 6;
		v[i].changed_wall_ms = -1;
	}
	assert_int_equal(gossip_node_set_vip(s.nodes[V1], v, 30), 1);
	assert_int_equal(gossip_node_set_vip(s.nodes[V1], v, 30), 0); /* nothing changed */
	for (int r = 0; r < 2; r++)
		sim_round(&s);
	for (i = 0; gossip_node_vip_seen(s.nodes[B1], V1, i, &out); i++)
		assert_int_equal(out.inst.priority, i);
	assert_int_equal(i, 30);
	fill_inst(&v[0].inst, "bad name", "web", 1, 1, 0);
	assert_int_equal(gossip_node_set_vip(s.nodes[V1], v, 1), -EINVAL);
	sim_fini(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_every_truncation_is_malformed),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_encode_limits),
		cmocka_unit_test(test_reports_reach_batond),
		cmocka_unit_test(test_forged_replayed_tampered_dropped),
		cmocka_unit_test(test_many_instances_split_in_parts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
