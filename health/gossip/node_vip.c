/* VIP reports in a gossip node: a baton-vip member's own VRRP instances, signed each round as
 * datagrams of type GOSSIP_TYPE_VIP, and what the other vip members last reported. They
 * travel like state datagrams (fan-out, relays, full-state exchange: node_round.c) and pass
 * the same receive pipeline (node.c), each part under its own sequence number. */
#include "autoconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "baton/log.h"
#include "health/gossip/node_impl.h"
#include "health/gossip/sign.h"

/* Records that fit in one datagram from `first` on: at least one, as each record is at most
 * about 500 bytes. */
static size_t fit(const struct gossip_local_vip *v, size_t first, size_t count)
{
	size_t used = GOSSIP_MSG_MIN, k = first;

	while (k < count && used + gossip_vip_record_len(&v[k].inst) <= GOSSIP_MSG_MAX)
		used += gossip_vip_record_len(&v[k++].inst);
	return k - first;
}

/* How many datagrams the records take; an empty report is one ("no instances", not silence). */
static unsigned parts_for(const struct gossip_local_vip *v, size_t count)
{
	unsigned parts = 1;

	for (size_t first = fit(v, 0, count); first < count; parts++)
		first += fit(v, first, count);
	return parts;
}

static bool same_inst(const struct gossip_vip_inst *a, const struct gossip_vip_inst *b)
{
	return strcmp(a->name, b->name) == 0 && strcmp(a->site, b->site) == 0 &&
	       a->state == b->state && a->priority == b->priority &&
	       a->addr_count == b->addr_count &&
	       memcmp(a->addrs, b->addrs, sizeof(a->addrs[0]) * a->addr_count) == 0;
}

int gossip_node_set_vip(struct gossip_node *n, const struct gossip_local_vip *v, size_t count)
{
	struct gossip_local_vip *next;
	bool changed;

	for (size_t i = 0; i < count; i++)
		if (gossip_vip_record_len(&v[i].inst) == 0)
			return -EINVAL;
	if (parts_for(v, count) > GOSSIP_PARTS_MAX)
		return -E2BIG;
	next = calloc(count ? count : 1, sizeof(*next));
	if (next == NULL)
		return -ENOMEM;
	memcpy(next, v, sizeof(*next) * count);
	changed = !n->vip_on || count != n->vip_count;
	for (size_t i = 0; i < count && !changed; i++)
		changed = !same_inst(&next[i].inst, &n->vip[i].inst);
	free(n->vip);
	n->vip = next;
	n->vip_count = count;
	n->vip_on = true;
	return changed;
}

static uint32_t age_ms(int64_t since_wall_ms, int64_t wall_ms)
{
	if (since_wall_ms < 0)
		return GOSSIP_VIP_NEVER;
	if (since_wall_ms > wall_ms)
		return 0;
	return wall_ms - since_wall_ms >= GOSSIP_VIP_NEVER ? GOSSIP_VIP_NEVER - 1
							   : (uint32_t)(wall_ms - since_wall_ms);
}

/* Signs part p (records first .. first + k) into our member's VIP slot p. */
static void sign_part(struct gossip_node *n, struct member *self, unsigned p, unsigned parts,
		      size_t first, size_t k, int64_t now_ms, int64_t wall_ms)
{
	struct gossip_vip_inst recs[GOSSIP_MSG_MAX / GOSSIP_VIP_FIXED_LEN];
	struct gossip_msg msg = { .part = (uint8_t)p, .parts = (uint8_t)parts };
	struct stored_part *sp = self->vip[p];
	int len;

	if (sp == NULL && (sp = self->vip[p] = malloc(sizeof(*sp))) == NULL)
		return; /* out of memory: this part goes out next round */
	for (size_t i = 0; i < k; i++) {
		recs[i] = n->vip[first + i].inst;
		recs[i].changed_age_ms = age_ms(n->vip[first + i].changed_wall_ms, wall_ms);
	}
	msg.count = (uint16_t)k;
	memcpy(msg.key_id, gossip_key_public(n->key), GOSSIP_KEY_ID_LEN);
	msg.seq = n->seq++;
	msg.time_ms = wall_ms;
	len = gossip_vip_encode(sp->buf, &msg, recs);
	node_seal(n, sp, len, msg.seq, now_ms, wall_ms, "VIP report");
}

void node_sign_vip(struct gossip_node *n, int64_t now_ms, int64_t wall_ms)
{
	struct member *self = &n->members[n->self];
	unsigned parts, p = 0;
	size_t first = 0;

	if (!n->vip_on)
		return;
	parts = parts_for(n->vip, n->vip_count);
	do {
		size_t k = fit(n->vip, first, n->vip_count);

		sign_part(n, self, p++, parts, first, k, now_ms, wall_ms);
		first += k;
	} while (first < n->vip_count);
	self->vip_parts = (uint8_t)parts;
}

bool gossip_node_vip_seen(const struct gossip_node *n, uint32_t member, uint32_t i,
			  struct gossip_vip_seen *out)
{
	const struct member *m;

	if (member >= n->kr->member_count)
		return false;
	m = &n->members[member];
	for (unsigned p = 0; p < m->vip_parts; p++) {
		struct gossip_msg msg;
		enum gossip_drop why;
		size_t off = 0;

		if (m->vip[p] == NULL || m->vip[p]->len == 0 ||
		    gossip_msg_decode(&msg, m->vip[p]->buf, m->vip[p]->len, &why) < 0)
			continue;
		if (i >= msg.count) {
			i -= msg.count;
			continue;
		}
		for (uint32_t k = 0; k <= i; k++)
			gossip_msg_vip(&msg, &off, &out->inst);
		out->member = m->def->name;
		out->region = m->def->region;
		out->live = m->live;
		out->signed_wall_ms = msg.time_ms;
		out->heard_ms = m->vip[p]->heard_ms;
		return true;
	}
	return false;
}
