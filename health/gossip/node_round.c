/* The gossip node's second half (node.c holds state, receive and verdicts): dissemination and
 * decisions, once per round. Each round a member signs its state afresh (the heartbeat and its
 * observations in one datagram per part) and sends it to `fanout` random peers; receivers relay
 * each datagram new to them to `relay_fanout` more, once, so a datagram reaches every member
 * that some path of live links reaches (a cut link is bridged by any third member) and costs at
 * most members x relay_fanout sends. Every full_state_every rounds a member sends one random
 * peer the latest datagram of every live member: that repairs what loss took and brings a late
 * joiner up to date. */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include "baton/log.h"
#include "health/gossip/node_impl.h"
#include "health/gossip/sign.h"

static uint32_t random_below(struct gossip_node *n, uint32_t bound)
{
	/* xorshift64*: peer choice needs spread, not secrecy */
	n->rng ^= n->rng >> 12;
	n->rng ^= n->rng << 25;
	n->rng ^= n->rng >> 27;
	return bound ? (uint32_t)((n->rng * 2685821657736338717ull) >> 32) % bound : 0;
}

static const char *verdict_name(uint8_t v)
{
	return v == SITE_UP ? "up" : v == SITE_DOWN ? "down" : "unknown";
}

static void send_one(struct gossip_node *n, uint32_t to, const uint8_t *buf, size_t len)
{
	n->counters.sent++;
	n->counters.sent_bytes += len;
	n->send(n->send_arg, to, buf, len);
}

unsigned node_send_random(struct gossip_node *n, unsigned k, const uint8_t *buf, size_t len,
			  uint32_t skip1, uint32_t skip2)
{
	uint32_t count = n->kr->member_count, avail = 0, *pick = malloc(sizeof(*pick) * count);
	unsigned sent = 0;

	if (pick == NULL)
		return 0;
	for (uint32_t i = 0; i < count; i++)
		if (n->members[i].is_peer && i != skip1 && i != skip2)
			pick[avail++] = i;
	/* a partial Fisher-Yates shuffle: k distinct peers */
	for (; sent < k && avail > 0; sent++) {
		uint32_t j = random_below(n, avail);

		send_one(n, pick[j], buf, len);
		pick[j] = pick[--avail];
	}
	free(pick);
	return sent;
}

void node_send_full_state(struct gossip_node *n, uint32_t to, int64_t now_ms)
{
	for (uint32_t i = 0; i < n->kr->member_count; i++) {
		const struct member *m = &n->members[i];

		if (i == to || !m->live)
			continue;
		for (unsigned p = 0; p < m->parts; p++)
			if (node_part_fresh(n, m, p, now_ms))
				send_one(n, to, m->part[p]->buf, m->part[p]->len);
		for (unsigned p = 0; p < m->vip_parts; p++)
			if (node_vip_part_fresh(n, m, p, now_ms) && m->vip[p]->len > 0)
				send_one(n, to, m->vip[p]->buf, m->vip[p]->len);
	}
}

static void sign_part(struct gossip_node *n, struct member *self, unsigned p, unsigned parts,
		      int64_t now_ms, int64_t wall_ms)
{
	struct gossip_obs obs[GOSSIP_OBS_PER_MSG];
	size_t first = (size_t)p * GOSSIP_OBS_PER_MSG;
	struct gossip_msg msg = { .part = (uint8_t)p, .parts = (uint8_t)parts };
	struct stored_part *sp = self->part[p];
	int len;

	if (sp == NULL && (sp = self->part[p] = malloc(sizeof(*sp))) == NULL)
		return; /* out of memory: this part goes out next round */
	for (size_t i = first; i < n->obs_count && msg.count < GOSSIP_OBS_PER_MSG; i++) {
		int64_t age = (wall_ms - n->obs[i].since_wall_ms) / 1000;

		obs[msg.count].site_id = n->obs[i].id;
		obs[msg.count].verdict = n->obs[i].verdict;
		obs[msg.count].age_s = (uint16_t)(age < 0	     ? 0
						  : age > UINT16_MAX ? UINT16_MAX
								     : age);
		msg.count++;
	}
	memcpy(msg.key_id, gossip_key_public(n->key), GOSSIP_KEY_ID_LEN);
	msg.seq = n->seq++;
	msg.time_ms = wall_ms;
	len = gossip_msg_encode(sp->buf, &msg, obs);
	node_seal(n, sp, len, msg.seq, now_ms, wall_ms, "state");
}

void node_seal(struct gossip_node *n, struct stored_part *sp, int len, uint64_t seq, int64_t now_ms,
	       int64_t wall_ms, const char *what)
{
	if (len < 0 || gossip_key_sign(n->key, sp->buf, (size_t)len, sp->buf + len) < 0) {
		log_err("gossip: cannot sign our %s; it goes out next round", what);
		sp->len = 0;
		return;
	}
	sp->len = (uint16_t)(len + GOSSIP_SIG_LEN);
	sp->seq = seq;
	sp->heard_ms = now_ms;
	sp->signed_wall_ms = wall_ms;
}

void node_sign_own(struct gossip_node *n, int64_t now_ms, int64_t wall_ms)
{
	struct member *self = &n->members[n->self];
	unsigned parts = (unsigned)((n->obs_count + GOSSIP_OBS_PER_MSG - 1) / GOSSIP_OBS_PER_MSG);

	if (parts == 0)
		parts = 1; /* a heartbeat with no observations */
	for (unsigned p = 0; p < parts; p++)
		sign_part(n, self, p, parts, now_ms, wall_ms);
	self->parts = (uint8_t)parts;
	self->heard_ms = now_ms;
	node_sign_vip(n, now_ms, wall_ms);
}

static void send_own(struct gossip_node *n)
{
	const struct member *self = &n->members[n->self];

	for (unsigned p = 0; p < self->parts; p++)
		if (self->part[p] != NULL && self->part[p]->len > 0)
			node_send_random(n, n->cfg.fanout, self->part[p]->buf, self->part[p]->len,
					 GOSSIP_FROM_UNKNOWN, GOSSIP_FROM_UNKNOWN);
	for (unsigned p = 0; p < self->vip_parts; p++)
		if (self->vip[p] != NULL && self->vip[p]->len > 0)
			node_send_random(n, n->cfg.fanout, self->vip[p]->buf, self->vip[p]->len,
					 GOSSIP_FROM_UNKNOWN, GOSSIP_FROM_UNKNOWN);
}

void node_update_liveness(struct gossip_node *n, int64_t now_ms)
{
	for (uint32_t i = 0; i < n->kr->member_count; i++) {
		struct member *m = &n->members[i];
		bool live = m->is_self || (m->heard_ms >= 0 &&
					   now_ms - m->heard_ms <= (int64_t)n->cfg.dead_after_ms);

		if (m->live && !live)
			log_info("member %s (%s): not live, silent for %.1fs; its votes stop "
				 "counting",
				 m->def->name, m->def->region, (now_ms - m->heard_ms) / 1000.0);
		m->live = live;
	}
}

static void tally_member(struct gossip_node *n, const struct member *m, int64_t now_ms)
{
	for (unsigned p = 0; p < m->parts; p++) {
		struct gossip_msg msg;
		enum gossip_drop why;

		if (!node_part_fresh(n, m, p, now_ms) ||
		    gossip_msg_decode(&msg, m->part[p]->buf, m->part[p]->len, &why) < 0)
			continue;
		for (uint16_t i = 0; i < msg.count; i++) {
			struct gossip_obs o;
			struct watched_site *s;
			uint32_t slot;

			gossip_msg_obs(&msg, i, &o);
			if (o.verdict == SITE_UNKNOWN)
				continue;
			for (slot = (uint32_t)o.site_id & n->site_table_mask;
			     n->site_table[slot] != 0 &&
			     n->sites[n->site_table[slot] - 1].id != o.site_id;
			     slot = (slot + 1) & n->site_table_mask)
				;
			if (n->site_table[slot] == 0)
				continue; /* a site we do not watch */
			s = &n->sites[n->site_table[slot] - 1];
			s->tally.live++;
			if (o.verdict == SITE_UP) {
				s->tally.up++;
				continue;
			}
			s->tally.down++;
			s->down_regions |= 1ull << m->region;
		}
	}
}

unsigned node_decide(struct gossip_node *n, int64_t now_ms, int64_t wall_ms)
{
	unsigned changes = 0;

	if (n->site_count == 0)
		return 0;
	for (uint32_t i = 0; i < n->site_count; i++) {
		memset(&n->sites[i].tally, 0, sizeof(n->sites[i].tally));
		n->sites[i].down_regions = 0;
	}
	for (uint32_t i = 0; i < n->kr->member_count; i++)
		if (n->members[i].live && n->members[i].def->role == GOSSIP_ROLE_PROBE)
			tally_member(n, &n->members[i], now_ms);
	for (uint32_t i = 0; i < n->site_count; i++) {
		struct watched_site *s = &n->sites[i];
		uint8_t before = s->q.verdict;
		bool held = s->q.held;

		s->tally.regions_down = (unsigned)__builtin_popcountll(s->down_regions);
		if (quorum_step(&n->cfg.quorum, n->needed, &s->tally, &s->q)) {
			changes++;
			s->since_wall_ms = wall_ms;
			if (!n->cfg.quiet_verdicts)
				log_info("site %s: %s -> %s (%u/%u probers down, %u regions; "
					 "quorum %u)",
					 s->name, verdict_name(before), verdict_name(s->q.verdict),
					 s->tally.down, s->tally.live, s->tally.regions_down,
					 n->needed);
		} else if (s->q.held != held && before != SITE_UNKNOWN) {
			log_info("site %s: %s (%u live probers, quorum %u)", s->name,
				 s->q.held ? "holding its last verdict" : "decided by quorum again",
				 s->tally.live, n->needed);
		}
	}
	return changes;
}

unsigned gossip_node_round(struct gossip_node *n, int64_t now_ms, int64_t wall_ms)
{
	n->rounds++;
	node_update_liveness(n, now_ms);
	node_sign_own(n, now_ms, wall_ms);
	send_own(n);
	if (n->cfg.full_state_every > 0 && n->rounds % n->cfg.full_state_every == 0) {
		uint32_t to = GOSSIP_FROM_UNKNOWN, seen = 0;

		/* one peer, chosen uniformly (reservoir sampling over the peers) */
		for (uint32_t i = 0; i < n->kr->member_count; i++)
			if (n->members[i].is_peer && random_below(n, ++seen) == 0)
				to = i;
		if (to != GOSSIP_FROM_UNKNOWN)
			node_send_full_state(n, to, now_ms);
	}
	return node_decide(n, now_ms, wall_ms);
}

void gossip_node_push(struct gossip_node *n, int64_t now_ms, int64_t wall_ms)
{
	node_sign_own(n, now_ms, wall_ms);
	send_own(n);
}
