/* Gossip and quorum over a simulated network (tests/unit/gossip_sim.c): three probers in
 * three regions and two servers. A site dies; one prober is cut off alone; a server is cut
 * off from everyone; a link is cut and bridged; a member joins late; a member dies; 30% loss;
 * forged, replayed, tampered, stale, oversized and malformed datagrams. Rounds are logical and
 * loss is seeded, so every run is the same. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include <stdio.h>
#include <string.h>

#include "tests/unit/gossip_sim.h"

enum { P_EU, P_US, P_AP, S_EU, S_US, MEMBERS };

static const char *const cluster[MEMBERS] = {
	"p-eu eu probe", "p-us us probe", "p-ap ap probe", "s-eu eu server", "s-us us server",
};

/* Starts everyone, every prober seeing both sites up, and runs until every node says fra is up. */
static void start_all_up(struct sim *s, const struct gossip_node_config *cfg)
{
	sim_init(s, cluster, MEMBERS, cfg);
	for (uint32_t i = 0; i < MEMBERS; i++)
		sim_start(s, i);
	for (uint32_t i = P_EU; i <= P_AP; i++)
		sim_observe(s, i, SITE_UP, SITE_UP);
	sim_round(s);
	sim_round(s);
	for (uint32_t i = 0; i < MEMBERS; i++)
		assert_int_equal(sim_fra(s, i, NULL), SITE_UP);
}

static void all_probers_see(struct sim *s, enum site_verdict fra)
{
	for (uint32_t i = P_EU; i <= P_AP; i++)
		sim_observe(s, i, fra, SITE_UP);
}

/* With fan-out to every peer, the probers' states reach everyone in the round they are sent,
 * and every node decides in the next one. */
static void test_site_dies_every_server_moves(void **state)
{
	struct gossip_node_config cfg;
	struct gossip_vote vote;
	struct sim s;

	(void)state;
	gossip_node_config_default(&cfg);
	cfg.fanout = MEMBERS;
	start_all_up(&s, &cfg);
	all_probers_see(&s, SITE_DOWN);
	sim_round(&s);
	assert_int_equal(sim_fra(&s, S_EU, NULL), SITE_UP);
	sim_round(&s);
	for (uint32_t i = 0; i < MEMBERS; i++)
		assert_int_equal(sim_fra(&s, i, NULL), SITE_DOWN);
	/* the evidence: who voted what, from where */
	assert_true(gossip_node_vote(s.nodes[S_US], s.site_fra, P_AP, &vote));
	assert_string_equal(vote.member, "p-ap");
	assert_string_equal(vote.region, "ap");
	assert_true(vote.live && vote.voted);
	assert_int_equal(vote.verdict, SITE_DOWN);
	assert_int_equal(vote.signed_wall_ms, s.wall_ms); /* signed this round */
	assert_true(gossip_node_vote(s.nodes[S_US], s.site_fra, S_EU, &vote));
	assert_false(vote.voted); /* servers do not vote */
	assert_false(gossip_node_vote(s.nodes[S_US], s.site_fra, MEMBERS, &vote));
	/* iad was never down */
	for (uint32_t i = 0; i < MEMBERS; i++) {
		struct gossip_verdict v;

		assert_true(gossip_node_verdict(s.nodes[i], s.site_iad, &v));
		assert_int_equal(v.verdict, SITE_UP);
	}
	sim_fini(&s);
}

/* A prober whose own network fails sees every site down and reaches nobody: nothing moves. */
static void test_one_prober_cut_off_changes_nothing(void **state)
{
	struct gossip_node_config cfg;
	int64_t heard;
	struct sim s;

	(void)state;
	gossip_node_config_default(&cfg);
	start_all_up(&s, &cfg);
	sim_isolate(&s, P_AP, true);
	sim_observe(&s, P_AP, SITE_DOWN, SITE_DOWN);
	for (int r = 0; r < 20; r++) {
		sim_round(&s);
		for (uint32_t i = 0; i < MEMBERS; i++)
			if (i != P_AP)
				assert_int_equal(sim_fra(&s, i, NULL), SITE_UP);
	}
	assert_false(gossip_node_member_live(s.nodes[S_EU], P_AP, &heard));
	/* it knows it cannot decide alone, and holds */
	{
		bool held;

		assert_int_equal(sim_fra(&s, P_AP, &held), SITE_UP);
		assert_true(held);
	}
	sim_fini(&s);
}

/* A server cut off from every prober holds its verdicts while the rest of the cluster moves. */
static void test_server_cut_off_holds(void **state)
{
	struct gossip_node_config cfg;
	struct sim s;
	bool held;

	(void)state;
	gossip_node_config_default(&cfg);
	start_all_up(&s, &cfg);
	sim_isolate(&s, S_EU, true);
	all_probers_see(&s, SITE_DOWN);
	for (int r = 0; r < 20; r++) {
		sim_round(&s);
		assert_int_equal(sim_fra(&s, S_EU, NULL), SITE_UP);
	}
	assert_int_equal(sim_fra(&s, S_EU, &held), SITE_UP);
	assert_true(held);
	assert_int_equal(sim_fra(&s, S_US, &held), SITE_DOWN);
	assert_false(held);
	/* mended: it learns the truth */
	sim_isolate(&s, S_EU, false);
	for (int r = 0; r < 5; r++)
		sim_round(&s);
	assert_int_equal(sim_fra(&s, S_EU, &held), SITE_DOWN);
	assert_false(held);
	sim_fini(&s);
}

/* A cut link between a prober and a server: third members relay, the prober never looks dead,
 * and its vote counts. */
static void test_cut_link_is_bridged(void **state)
{
	struct gossip_node_config cfg;
	struct gossip_vote vote;
	int64_t heard;
	struct sim s;

	(void)state;
	gossip_node_config_default(&cfg);
	cfg.fanout = 1;
	start_all_up(&s, &cfg);
	sim_cut(&s, P_EU, S_US, true);
	for (int r = 0; r < 30; r++) {
		sim_round(&s);
		assert_true(gossip_node_member_live(s.nodes[S_US], P_EU, &heard));
	}
	assert_true(gossip_node_vote(s.nodes[S_US], s.site_fra, P_EU, &vote));
	assert_true(vote.voted);
	assert_true(gossip_node_counters(s.nodes[P_US])->relayed > 0);
	sim_fini(&s);
}

/* A server that starts after the site died knows it within two of its rounds: the first
 * member to hear it sends it the full state. */
static void test_late_joiner_catches_up(void **state)
{
	struct gossip_node_config cfg;
	struct sim s;

	(void)state;
	gossip_node_config_default(&cfg);
	sim_init(&s, cluster, MEMBERS, &cfg);
	for (uint32_t i = 0; i < S_US; i++)
		sim_start(&s, i);
	all_probers_see(&s, SITE_DOWN);
	for (int r = 0; r < 12; r++)
		sim_round(&s);
	assert_int_equal(sim_fra(&s, S_EU, NULL), SITE_DOWN);
	sim_start(&s, S_US);
	sim_round(&s);
	sim_round(&s);
	assert_int_equal(sim_fra(&s, S_US, NULL), SITE_DOWN);
	sim_fini(&s);
}

/* A dead prober's votes stop counting after dead_after. */
static void test_dead_members_votes_stop_counting(void **state)
{
	struct gossip_node_config cfg;
	struct gossip_verdict v;
	struct sim s;
	int r;

	(void)state;
	gossip_node_config_default(&cfg);
	cfg.fanout = MEMBERS;
	start_all_up(&s, &cfg);
	sim_observe(&s, P_US, SITE_DOWN, SITE_UP);
	sim_observe(&s, P_AP, SITE_DOWN, SITE_UP);
	sim_round(&s);
	sim_round(&s);
	assert_int_equal(sim_fra(&s, S_EU, NULL), SITE_DOWN);
	sim_stop(&s, P_AP);
	/* its last state counts until it has been silent for more than dead_after (5 rounds) */
	for (r = 0; r < 10 && sim_fra(&s, S_EU, NULL) == SITE_DOWN; r++)
		sim_round(&s);
	assert_int_equal(r, 6);
	assert_true(gossip_node_verdict(s.nodes[S_EU], s.site_fra, &v));
	assert_int_equal(v.verdict, SITE_UP);
	assert_int_equal(v.tally.live, 2);
	assert_int_equal(v.tally.down, 1);
	sim_fini(&s);
}

/* 30% loss on every link: no false verdict while the site is up, and the death is known by
 * every server within a few rounds (full-state exchanges and the next rounds repair). */
static void test_loss_converges(void **state)
{
	struct gossip_node_config cfg;
	struct sim s;
	int r;

	(void)state;
	gossip_node_config_default(&cfg);
	start_all_up(&s, &cfg);
	s.loss_percent = 30;
	for (r = 0; r < 30; r++) {
		sim_round(&s);
		for (uint32_t i = 0; i < MEMBERS; i++)
			assert_int_equal(sim_fra(&s, i, NULL), SITE_UP);
	}
	all_probers_see(&s, SITE_DOWN);
	for (r = 1; r <= 10; r++) {
		sim_round(&s);
		if (sim_fra(&s, S_EU, NULL) == SITE_DOWN && sim_fra(&s, S_US, NULL) == SITE_DOWN)
			break;
	}
	print_message("30%% loss: both servers down after %d rounds\n", r);
	assert_true(r <= 10);
	sim_fini(&s);
}

static void inject(struct sim *s, uint32_t to, const uint8_t *buf, size_t len,
		   enum gossip_drop expect)
{
	const struct gossip_counters *c = gossip_node_counters(s->nodes[to]);
	uint64_t before = c->drops[expect];
	enum gossip_drop why = GOSSIP_DROP_KINDS;

	assert_int_equal(gossip_node_receive(s->nodes[to], buf, len, GOSSIP_FROM_UNKNOWN, s->now_ms,
					     s->wall_ms, &why),
			 -EBADMSG);
	assert_int_equal(why, expect);
	assert_int_equal(c->drops[expect], before + 1);
}

/* A datagram claiming fra is down from p-eu's position, signed by `key`, dated `wall_ms`. */
static size_t forge(uint8_t *buf, struct gossip_key *key, const struct gossip_key *claimed,
		    uint64_t seq, int64_t wall_ms)
{
	struct gossip_obs obs = { gossip_site_id("example.com", "fra"), SITE_DOWN, 0 };
	struct gossip_msg m = { .seq = seq, .time_ms = wall_ms, .parts = 1, .count = 1 };
	int len;

	memcpy(m.key_id, gossip_key_public(claimed), GOSSIP_KEY_ID_LEN);
	len = gossip_msg_encode(buf, &m, &obs);
	assert_int_equal(gossip_key_sign(key, buf, (size_t)len, buf + len), 0);
	return (size_t)len + GOSSIP_SIG_LEN;
}

static void test_bad_datagrams_are_counted_and_change_nothing(void **state)
{
	struct gossip_node_config cfg;
	uint8_t buf[GOSSIP_MSG_MAX + 1] = { 0 };
	struct sim_packet old;
	struct gossip_key *stranger;
	struct sim s;
	size_t len;

	(void)state;
	gossip_node_config_default(&cfg);
	start_all_up(&s, &cfg);
	old = s.last_own[P_EU];
	sim_round(&s);
	assert_int_equal(gossip_key_generate(&stranger), 0);

	len = forge(buf, stranger, stranger, UINT64_MAX, s.wall_ms);
	inject(&s, S_EU, buf, len, GOSSIP_DROP_UNKNOWN_KEY);
	/* a stranger's signature under p-eu's key id */
	len = forge(buf, stranger, s.keys[P_EU], UINT64_MAX, s.wall_ms);
	inject(&s, S_EU, buf, len, GOSSIP_DROP_BAD_SIGNATURE);
	/* p-eu's real last datagram, one observation's verdict flipped */
	memcpy(buf, s.last_own[P_EU].buf, s.last_own[P_EU].len);
	buf[GOSSIP_HEADER_LEN + 8] ^= SITE_UP ^ SITE_DOWN;
	inject(&s, S_EU, buf, s.last_own[P_EU].len, GOSSIP_DROP_BAD_SIGNATURE);
	/* a datagram of a round ago, again */
	inject(&s, S_EU, old.buf, old.len, GOSSIP_DROP_REPLAY);
	inject(&s, S_EU, s.last_own[P_EU].buf, s.last_own[P_EU].len, GOSSIP_DROP_DUPLICATE);
	/* properly signed but dated beyond the clock window either way */
	len = forge(buf, s.keys[P_EU], s.keys[P_EU], UINT64_MAX, s.wall_ms - 11000);
	inject(&s, S_EU, buf, len, GOSSIP_DROP_STALE);
	len = forge(buf, s.keys[P_EU], s.keys[P_EU], UINT64_MAX, s.wall_ms + 6000);
	inject(&s, S_EU, buf, len, GOSSIP_DROP_STALE);
	/* a forgery dated outside the window is dropped before its signature is checked */
	len = forge(buf, stranger, s.keys[P_EU], UINT64_MAX, s.wall_ms - 11000);
	inject(&s, S_EU, buf, len, GOSSIP_DROP_STALE);
	/* our own, relayed back */
	inject(&s, S_EU, s.last_own[S_EU].buf, s.last_own[S_EU].len, GOSSIP_DROP_OWN);
	inject(&s, S_EU, buf, GOSSIP_MSG_MAX + 1, GOSSIP_DROP_OVERSIZED);
	inject(&s, S_EU, (const uint8_t *)"BG", 2, GOSSIP_DROP_MALFORMED);
	gossip_key_free(stranger);
	for (int r = 0; r < 3; r++) {
		sim_round(&s);
		assert_int_equal(sim_fra(&s, S_EU, NULL), SITE_UP);
	}
	sim_fini(&s);
}

static void test_node_refuses_bad_setups(void **state)
{
	struct gossip_node_config cfg;
	struct gossip_node *n = NULL;
	struct sim s;

	(void)state;
	gossip_node_config_default(&cfg);
	sim_init(&s, cluster, MEMBERS, &cfg);
	cfg.self = "nobody";
	assert_int_equal(gossip_node_new(&n, s.kr, s.keys[0], &cfg, NULL, NULL), -ENOENT);
	cfg.self = "p-us";
	assert_int_equal(gossip_node_new(&n, s.kr, s.keys[0], &cfg, NULL, NULL), -EPERM);
	cfg.quorum.min_regions = 4;
	assert_int_equal(gossip_node_new(&n, s.kr, s.keys[1], &cfg, NULL, NULL), -EDOM);
	assert_null(n);
	sim_fini(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_site_dies_every_server_moves),
		cmocka_unit_test(test_one_prober_cut_off_changes_nothing),
		cmocka_unit_test(test_server_cut_off_holds),
		cmocka_unit_test(test_cut_link_is_bridged),
		cmocka_unit_test(test_late_joiner_catches_up),
		cmocka_unit_test(test_dead_members_votes_stop_counting),
		cmocka_unit_test(test_loss_converges),
		cmocka_unit_test(test_bad_datagrams_are_counted_and_change_nothing),
		cmocka_unit_test(test_node_refuses_bad_setups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
