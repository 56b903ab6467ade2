/* The simulated gossip network of gossip_sim.h. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/gossip_sim.h"

static void on_send(void *arg, uint32_t member, const uint8_t *buf, size_t len)
{
	struct sim_endpoint *ep = arg;
	struct sim *s = ep->sim;
	struct sim_packet *p;

	if (s->queued == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->queue = realloc(s->queue, s->cap * sizeof(*s->queue));
		assert_non_null(s->queue);
	}
	p = &s->queue[s->queued++];
	p->from = ep->index;
	p->to = member;
	p->len = (uint16_t)len;
	memcpy(p->buf, buf, len);
	if (memcmp(buf + 4, gossip_key_public(s->keys[ep->index]), GOSSIP_KEY_ID_LEN) == 0)
		s->last_own[ep->index] = *p;
}

void sim_init(struct sim *s, const char *const *members, unsigned count,
	      const struct gossip_node_config *cfg)
{
	char text[4096], name[64], region[64], role[64];
	size_t used = 0;
	struct diag d;
	FILE *fp;

	assert_true(count <= SIM_MAX);
	memset(s, 0, sizeof(*s));
	s->count = count;
	s->rng = 0x9e3779b97f4a7c15ull;
	s->now_ms = 1000000;
	s->wall_ms = 1700000000000;
	for (unsigned i = 0; i < count; i++) {
		char pub[GOSSIP_PUB_TEXT_MAX];

		assert_int_equal(sscanf(members[i], "%63s %63s %63s", name, region, role), 3);
		assert_int_equal(gossip_key_generate(&s->keys[i]), 0);
		gossip_pub_format(gossip_key_public(s->keys[i]), pub);
		used += (size_t)snprintf(text + used, sizeof(text) - used, "%s %s %s %s\n", name,
					 region, role, pub);
		s->cfg[i] = *cfg;
		s->cfg[i].seed = 1000 + i;
		s->ep[i].sim = s;
		s->ep[i].index = i;
	}
	fp = fmemopen(text, used, "r");
	assert_non_null(fp);
	diag_init(&d);
	assert_int_equal(gossip_keyring_read(&s->kr, fp, "sim", &d), 0);
	diag_fini(&d);
	fclose(fp);
	for (unsigned i = 0; i < count; i++)
		s->cfg[i].self = s->kr->members[i].name;
}

void sim_start(struct sim *s, uint32_t i)
{
	struct gossip_node *n;
	uint32_t fra, iad;

	assert_int_equal(gossip_node_new(&n, s->kr, s->keys[i], &s->cfg[i], on_send, &s->ep[i]), 0);
	for (uint32_t j = 0; j < s->count; j++)
		if (j != i)
			assert_int_equal(gossip_node_add_peer(n, j), 0);
	assert_int_equal(gossip_node_watch(n, "example.com", "fra", &fra), 0);
	assert_int_equal(gossip_node_watch(n, "example.com.", "iad", &iad), 0);
	s->site_fra = fra;
	s->site_iad = iad;
	s->nodes[i] = n;
}

void sim_stop(struct sim *s, uint32_t i)
{
	gossip_node_free(s->nodes[i]);
	s->nodes[i] = NULL;
}

void sim_fini(struct sim *s)
{
	for (unsigned i = 0; i < s->count; i++) {
		gossip_node_free(s->nodes[i]);
		gossip_key_free(s->keys[i]);
	}
	gossip_keyring_free(s->kr);
	free(s->queue);
}

void sim_observe(struct sim *s, uint32_t i, enum site_verdict fra, enum site_verdict iad)
{
	struct gossip_local_obs obs[2] = {
		{ "example.com", "fra", fra, s->wall_ms },
		{ "example.com", "iad", iad, s->wall_ms },
	};

	assert_true(gossip_node_set_observations(s->nodes[i], obs, 2) >= 0);
}

void sim_cut(struct sim *s, uint32_t a, uint32_t b, bool cut)
{
	s->cut[a][b] = s->cut[b][a] = cut;
}

void sim_isolate(struct sim *s, uint32_t a, bool cut)
{
	for (uint32_t b = 0; b < s->count; b++)
		if (b != a)
			sim_cut(s, a, b, cut);
}

static bool lost(struct sim *s)
{
	s->rng = s->rng * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)((s->rng >> 33) % 100) < s->loss_percent;
}

void sim_round(struct sim *s)
{
	s->now_ms += 1000;
	s->wall_ms += 1000;
	for (unsigned i = 0; i < s->count; i++)
		if (s->nodes[i] != NULL)
			gossip_node_round(s->nodes[i], s->now_ms, s->wall_ms);
	/* relays append to the queue while it drains; each datagram is relayed at most once
	 * per member, so this ends */
	for (size_t q = 0; q < s->queued; q++) {
		struct sim_packet p = s->queue[q];
		enum gossip_drop why;

		if (s->nodes[p.to] == NULL || s->cut[p.from][p.to] || lost(s))
			continue;
		gossip_node_receive(s->nodes[p.to], p.buf, p.len, p.from, s->now_ms, s->wall_ms,
				    &why);
	}
	s->queued = 0;
}

enum site_verdict sim_fra(const struct sim *s, uint32_t i, bool *held)
{
	struct gossip_verdict v;

	assert_true(gossip_node_verdict(s->nodes[i], s->site_fra, &v));
	if (held != NULL)
		*held = v.held;
	return v.verdict;
}
