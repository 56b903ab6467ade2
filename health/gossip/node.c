/* A gossip member's state: members and their latest signed datagrams, our own observations,
 * the sites we watch, and the receive pipeline that admits a datagram only when it decodes,
 * comes from a trusted key, was signed inside the clock window, carries a valid signature and
 * is newer than anything accepted from its sender. */
#include "autoconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "baton/log.h"
#include "health/gossip/node_impl.h"
#include "health/gossip/sign.h"

void gossip_node_config_default(struct gossip_node_config *c)
{
	memset(c, 0, sizeof(*c));
	c->round_ms = 1000;
	c->fanout = 3;
	c->relay_fanout = 2;
	c->full_state_every = 10;
	c->dead_after_ms = 5000;
	c->max_age_ms = 10000;
	c->skew_ms = 5000;
	c->first_seq = 1;
	c->seed = 1;
	quorum_config_default(&c->quorum);
}

static unsigned region_index(const struct gossip_keyring *kr, uint32_t member)
{
	for (uint32_t i = 0; i < member; i++)
		if (strcmp(kr->members[i].region, kr->members[member].region) == 0)
			return region_index(kr, i);
	return member; /* the first member of each region names it */
}

static bool key_is_members(const struct gossip_keyring *kr, const struct gossip_key *key,
			   uint32_t member)
{
	const struct gossip_trusted_key *t = gossip_keyring_find(kr, gossip_key_public(key));

	return t != NULL && t->member == member &&
	       memcmp(gossip_key_public(t->key), gossip_key_public(key), GOSSIP_PUB_LEN) == 0;
}

int gossip_node_new(struct gossip_node **out, const struct gossip_keyring *kr,
		    const struct gossip_key *key, const struct gossip_node_config *cfg,
		    gossip_send_fn *send, void *send_arg)
{
	int self = gossip_keyring_member(kr, cfg->self);
	struct gossip_node *n;

	if (self < 0)
		return -ENOENT;
	if (!key_is_members(kr, key, (uint32_t)self))
		return -EPERM;
	/* a vip member watches no site: the quorum is none of its business */
	if (cfg->quorum.min_regions > gossip_keyring_regions(kr, GOSSIP_ROLE_PROBE) &&
	    kr->members[self].role != GOSSIP_ROLE_VIP)
		return -EDOM;
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return -ENOMEM;
	n->members = calloc(kr->member_count, sizeof(*n->members));
	if (n->members == NULL) {
		free(n);
		return -ENOMEM;
	}
	n->kr = kr;
	n->key = key;
	n->cfg = *cfg;
	n->self = (uint32_t)self;
	n->seq = cfg->first_seq;
	n->rng = cfg->seed | 1;
	n->send = send;
	n->send_arg = send_arg;
	for (uint32_t i = 0; i < kr->member_count; i++) {
		struct member *m = &n->members[i];

		m->def = &kr->members[i];
		/* region indices must fit the 64-bit down-vote mask: regions past 63 share a bit,
		 * which can only under-count regions, never over-count them */
		m->region = region_index(kr, i) % 64;
		m->is_self = i == n->self;
		m->live = m->is_self;
		m->heard_ms = -1;
		n->probers += m->def->role == GOSSIP_ROLE_PROBE;
	}
	n->needed = quorum_needed(&cfg->quorum, n->probers);
	*out = n;
	return 0;
}

void gossip_node_free(struct gossip_node *n)
{
	if (n == NULL)
		return;
	for (uint32_t i = 0; i < n->kr->member_count; i++)
		for (unsigned p = 0; p < GOSSIP_PARTS_MAX; p++) {
			free(n->members[i].part[p]);
			free(n->members[i].vip[p]);
		}
	for (uint32_t i = 0; i < n->site_count; i++) {
		free(n->sites[i].zone);
		free(n->sites[i].name);
	}
	free(n->sites);
	free(n->site_table);
	free(n->obs);
	free(n->vip);
	free(n->members);
	free(n);
}

int gossip_node_add_peer(struct gossip_node *n, uint32_t member)
{
	if (member >= n->kr->member_count || member == n->self)
		return -EINVAL;
	n->members[member].is_peer = true;
	return 0;
}

static int cmp_obs(const void *a, const void *b)
{
	const struct own_obs *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

int gossip_node_set_observations(struct gossip_node *n, const struct gossip_local_obs *obs,
				 size_t count)
{
	struct own_obs *next;
	bool changed;

	if (count > GOSSIP_OBS_MAX)
		return -E2BIG;
	next = calloc(count ? count : 1, sizeof(*next));
	if (next == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++) {
		next[i].id = gossip_site_id(obs[i].zone, obs[i].site);
		next[i].verdict = (uint8_t)obs[i].verdict;
		next[i].since_wall_ms = obs[i].since_wall_ms;
	}
	/* sorted by id, so two sets compare in one pass */
	qsort(next, count, sizeof(*next), cmp_obs);
	changed = count != n->obs_count;
	for (size_t i = 0; i < count && !changed; i++)
		changed = next[i].id != n->obs[i].id || next[i].verdict != n->obs[i].verdict;
	free(n->obs);
	n->obs = next;
	n->obs_count = count;
	return changed;
}

static int rebuild_site_table(struct gossip_node *n)
{
	uint32_t size = 16, *table;

	while (size < 2 * n->site_count)
		size *= 2;
	table = calloc(size, sizeof(*table));
	if (table == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < n->site_count; i++) {
		uint32_t slot = (uint32_t)n->sites[i].id & (size - 1);

		while (table[slot] != 0)
			slot = (slot + 1) & (size - 1);
		table[slot] = i + 1;
	}
	free(n->site_table);
	n->site_table = table;
	n->site_table_mask = size - 1;
	return 0;
}

int gossip_node_watch(struct gossip_node *n, const char *zone, const char *site, uint32_t *index)
{
	uint64_t id = gossip_site_id(zone, site);
	struct watched_site *sites, *s;

	for (uint32_t i = 0; i < n->site_count; i++) {
		if (n->sites[i].id == id) {
			*index = i;
			return 0;
		}
	}
	sites = realloc(n->sites, sizeof(*sites) * (n->site_count + 1));
	if (sites == NULL)
		return -ENOMEM;
	n->sites = sites;
	s = &sites[n->site_count];
	memset(s, 0, sizeof(*s));
	s->id = id;
	/* "example.com." and "example.com" are one zone; status shows it without the dot */
	s->zone = strndup(zone, strlen(zone) > 1 && zone[strlen(zone) - 1] == '.' ? strlen(zone) - 1
										  : strlen(zone));
	s->name = strdup(site);
	if (s->zone == NULL || s->name == NULL) {
		free(s->zone);
		free(s->name);
		return -ENOMEM;
	}
	n->site_count++;
	if (rebuild_site_table(n) < 0) {
		n->site_count--;
		free(s->zone);
		free(s->name);
		return -ENOMEM;
	}
	*index = n->site_count - 1;
	return 0;
}

static int drop(struct gossip_node *n, enum gossip_drop kind, enum gossip_drop *why)
{
	n->counters.drops[kind]++;
	*why = kind;
	return -EBADMSG;
}

/* Stores an accepted datagram as the latest of its part (of the member's state or of its VIP
 * report). Returns false when out of memory. */
static bool store(struct member *m, const struct gossip_msg *msg, const uint8_t *buf, size_t len,
		  int64_t now_ms)
{
	bool vip = msg->type == GOSSIP_TYPE_VIP;
	struct stored_part **slot = vip ? &m->vip[msg->part] : &m->part[msg->part];
	uint64_t *newest = vip ? &m->vip_newest_seq : &m->newest_seq;
	struct stored_part *sp = *slot;

	if (sp == NULL && (sp = *slot = malloc(sizeof(*sp))) == NULL)
		return false;
	memcpy(sp->buf, buf, len);
	sp->len = (uint16_t)len;
	sp->seq = msg->seq;
	sp->heard_ms = now_ms;
	sp->signed_wall_ms = msg->time_ms;
	if (msg->seq > *newest || (vip ? m->vip_parts == 0 : m->heard_ms < 0)) {
		*newest = msg->seq;
		*(vip ? &m->vip_parts : &m->parts) = msg->parts;
	}
	m->heard_ms = now_ms;
	return true;
}

int gossip_node_receive(struct gossip_node *n, const uint8_t *buf, size_t len, uint32_t from,
			int64_t now_ms, int64_t wall_ms, enum gossip_drop *why)
{
	const struct gossip_trusted_key *tk;
	struct gossip_msg msg;
	struct stored_part *sp;
	struct member *m;
	uint32_t origin;
	bool was_live;

	if (gossip_msg_decode(&msg, buf, len, why) < 0)
		return drop(n, *why, why);
	tk = gossip_keyring_find(n->kr, msg.key_id);
	if (tk == NULL)
		return drop(n, GOSSIP_DROP_UNKNOWN_KEY, why);
	/* Checks that cost nothing come before the signature, which costs tens of microseconds:
	 * junk that names a trusted key but is our own or dated outside the window is dropped
	 * unverified (it would be dropped after verifying too). Duplicates and replays are judged
	 * after it, so a tampered copy of the latest datagram still counts as a bad signature. */
	origin = tk->member;
	if (origin == n->self)
		return drop(n, GOSSIP_DROP_OWN, why);
	/* only a vip member speaks for VRRP instances: a prober's key cannot move a VIP */
	if (msg.type == GOSSIP_TYPE_VIP && n->kr->members[origin].role != GOSSIP_ROLE_VIP)
		return drop(n, GOSSIP_DROP_UNKNOWN_KEY, why);
	if (msg.time_ms < wall_ms - (int64_t)n->cfg.max_age_ms ||
	    msg.time_ms > wall_ms + (int64_t)n->cfg.skew_ms)
		return drop(n, GOSSIP_DROP_STALE, why);
	if (!gossip_key_verify(tk->key, buf, msg.signed_len, msg.sig))
		return drop(n, GOSSIP_DROP_BAD_SIGNATURE, why);
	m = &n->members[origin];
	sp = msg.type == GOSSIP_TYPE_VIP ? m->vip[msg.part] : m->part[msg.part];
	if (sp != NULL && msg.seq == sp->seq)
		return drop(n, GOSSIP_DROP_DUPLICATE, why);
	if (sp != NULL && msg.seq < sp->seq)
		return drop(n, GOSSIP_DROP_REPLAY, why);
	if (!store(m, &msg, buf, len, now_ms))
		return 0; /* out of memory: as if lost; the next round repairs it */
	n->counters.accepted++;
	was_live = m->live;
	m->live = true;
	if (!was_live) {
		log_info("member %s (%s): live", m->def->name, m->def->region);
		/* a late joiner, or one back from a cut: bring it up to date now */
		if (m->is_peer)
			node_send_full_state(n, origin, now_ms);
	}
	n->counters.relayed += node_send_random(n, n->cfg.relay_fanout, buf, len, origin, from);
	return 0;
}

bool gossip_node_verdict(const struct gossip_node *n, uint32_t index, struct gossip_verdict *v)
{
	const struct watched_site *s;

	if (index >= n->site_count)
		return false;
	s = &n->sites[index];
	v->zone = s->zone;
	v->site = s->name;
	v->verdict = (enum site_verdict)s->q.verdict;
	v->held = s->q.held;
	v->needed = n->needed;
	v->min_regions = n->cfg.quorum.min_regions;
	v->tally = s->tally;
	v->since_wall_ms = s->since_wall_ms;
	return true;
}

uint32_t gossip_node_site_count(const struct gossip_node *n)
{
	return n->site_count;
}

bool node_part_fresh(const struct gossip_node *n, const struct member *m, unsigned p,
		     int64_t now_ms)
{
	const struct stored_part *sp = m->part[p];

	if (sp == NULL || p >= m->parts)
		return false;
	return m->is_self || now_ms - sp->heard_ms <= (int64_t)n->cfg.dead_after_ms;
}

bool node_vip_part_fresh(const struct gossip_node *n, const struct member *m, unsigned p,
			 int64_t now_ms)
{
	const struct stored_part *sp = m->vip[p];

	if (sp == NULL || p >= m->vip_parts)
		return false;
	return m->is_self || now_ms - sp->heard_ms <= (int64_t)n->cfg.dead_after_ms;
}

bool gossip_node_vote(const struct gossip_node *n, uint32_t index, uint32_t member,
		      struct gossip_vote *v)
{
	const struct member *m;

	if (index >= n->site_count || member >= n->kr->member_count)
		return false;
	m = &n->members[member];
	memset(v, 0, sizeof(*v));
	v->member = m->def->name;
	v->region = m->def->region;
	v->role = m->def->role;
	v->live = m->live;
	for (unsigned p = 0; p < m->parts && !v->voted; p++) {
		struct gossip_msg msg;
		enum gossip_drop why;

		if (m->part[p] == NULL ||
		    gossip_msg_decode(&msg, m->part[p]->buf, m->part[p]->len, &why) < 0)
			continue;
		for (uint16_t i = 0; i < msg.count; i++) {
			struct gossip_obs o;

			gossip_msg_obs(&msg, i, &o);
			if (o.site_id != n->sites[index].id || o.verdict == SITE_UNKNOWN)
				continue;
			v->voted = true;
			v->verdict = (enum site_verdict)o.verdict;
			v->signed_wall_ms = msg.time_ms;
			v->since_wall_ms = msg.time_ms - (int64_t)o.age_s * 1000;
			break;
		}
	}
	return true;
}

bool gossip_node_member_live(const struct gossip_node *n, uint32_t member, int64_t *heard_ms)
{
	if (member >= n->kr->member_count)
		return false;
	*heard_ms = n->members[member].heard_ms;
	return n->members[member].live;
}

const struct gossip_counters *gossip_node_counters(const struct gossip_node *n)
{
	return &n->counters;
}
