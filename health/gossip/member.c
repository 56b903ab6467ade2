/* A gossip member from its configuration: keys, socket, node, peers. */
#include "autoconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "baton/log.h"
#include "health/engine.h"
#include "health/gossip/member.h"

static int load_keys(struct gossip_member *m, const struct gossip_conf *c, const char *path,
		     struct diag *d)
{
	char why[512];
	int self;

	if (gossip_keyring_load(&m->kr, c->trusted_keys_path, d) < 0)
		return -EINVAL;
	if (gossip_key_load_private(&m->key, c->key_path, why, sizeof(why)) < 0) {
		diag_add(d, path, c->seen[GOSSIP_CONF_KEY], "key %s: %s", c->key_path, why);
		return -EINVAL;
	}
	self = gossip_keyring_member(m->kr, c->name);
	if (self < 0) {
		diag_add(d, path, c->name_line, "name %s is not in %s; add its key line there",
			 c->name, c->trusted_keys_path);
		return -EINVAL;
	}
	if (strcmp(m->kr->members[self].region, c->region) != 0) {
		diag_add(d, path, c->region_line,
			 "region %s, but %s lists %s in %s; make them agree", c->region,
			 c->trusted_keys_path, c->name, m->kr->members[self].region);
		return -EINVAL;
	}
	m->self = (uint32_t)self;
	m->role = m->kr->members[self].role;
	return 0;
}

static void node_config(const struct gossip_conf *c, struct gossip_node_config *cfg)
{
	uint64_t seed;

	gossip_node_config_default(cfg);
	cfg->self = c->name;
	cfg->round_ms = c->round_ms;
	cfg->fanout = c->fanout;
	cfg->relay_fanout = c->relay_fanout;
	cfg->full_state_every = c->full_state_every;
	cfg->dead_after_ms = c->dead_after_ms;
	cfg->quorum = c->quorum;
	cfg->quiet_verdicts = c->quiet_verdicts;
	/* above every sequence number a previous run of this member sent, at any sane rate */
	cfg->first_seq = (uint64_t)gossip_wall_ms() * 1000;
	if (getrandom(&seed, sizeof(seed), 0) == sizeof(seed))
		cfg->seed = seed;
}

static int make_node(struct gossip_member *m, const struct gossip_conf *c, const char *path,
		     struct diag *d)
{
	struct gossip_node_config cfg;
	int rc;

	node_config(c, &cfg);
	rc = gossip_node_new(&m->node, m->kr, m->key, &cfg, gossip_udp_send, m->udp);
	if (rc == -EPERM)
		diag_add(d, c->key_path, 0,
			 "the key is not one of %s's in %s; add its .pub line there", c->name,
			 c->trusted_keys_path);
	else if (rc == -EDOM)
		diag_add(d, path, c->regions_line ? c->regions_line : c->quorum_line,
			 "quorum-regions %u, but the trusted keys have probers in only %u regions; "
			 "lower it",
			 cfg.quorum.min_regions, gossip_keyring_regions(m->kr, GOSSIP_ROLE_PROBE));
	if (rc < 0)
		return rc == -ENOMEM ? rc : -EINVAL;
	for (size_t i = 0; i < c->peer_count; i++) {
		const struct gossip_conf_peer *peer = &c->peers[i];
		int p = gossip_keyring_member(m->kr, peer->name);

		if (p < 0 || gossip_node_add_peer(m->node, (uint32_t)p) < 0) {
			diag_add(
				d, path, peer->line,
				"peer %s is not another member in %s; add it there or fix the name",
				peer->name, c->trusted_keys_path);
			return -EINVAL;
		}
		if (gossip_udp_add_peer(m->udp, (uint32_t)p, &peer->addr) < 0)
			return -ENOMEM;
	}
	return 0;
}

int gossip_member_open(struct gossip_member *m, const struct gossip_conf *c, const char *conf_path,
		       struct event_base *base, struct diag *d)
{
	int rc;

	memset(m, 0, sizeof(*m));
	m->conf = c;
	rc = load_keys(m, c, conf_path, d);
	if (rc == 0) {
		rc = gossip_udp_new(&m->udp, base, &c->listen);
		if (rc < 0)
			diag_add(d, conf_path, c->seen[GOSSIP_CONF_LISTEN],
				 "listen: cannot bind: %s; pick a free "
				 "address@port of this host",
				 strerror(-rc));
	}
	if (rc == 0)
		rc = make_node(m, c, conf_path, d);
	if (rc < 0)
		gossip_member_close(m);
	return rc;
}

int gossip_member_start(struct gossip_member *m, gossip_round_fn *on_round, void *arg)
{
	return gossip_udp_start(m->udp, m->node, m->conf->round_ms, on_round, arg);
}

int gossip_member_observe(struct gossip_member *m, const struct health_engine *e)
{
	uint32_t count = health_engine_site_count(e), n = 0;
	struct health_site_info info;
	int rc;

	if (count > m->obs_cap) {
		struct gossip_local_obs *obs = realloc(m->obs, sizeof(*obs) * count);

		if (obs == NULL)
			return -ENOMEM;
		m->obs = obs;
		m->obs_cap = count;
	}
	for (uint32_t i = 0; i < count; i++) {
		if (!health_engine_site_info(e, i, &info))
			continue;
		m->obs[n].zone = info.zone;
		m->obs[n].site = info.name;
		m->obs[n].verdict = info.local_verdict;
		m->obs[n].since_wall_ms = (int64_t)info.local_since * 1000;
		n++;
	}
	rc = gossip_node_set_observations(m->node, m->obs, n);
	if (rc == 1)
		gossip_node_push(m->node, gossip_now_ms(), gossip_wall_ms());
	else if (rc == -E2BIG)
		log_err("gossip: %u sites are more than one member can report", n);
	return rc;
}

void gossip_member_close(struct gossip_member *m)
{
	gossip_udp_free(m->udp);
	gossip_node_free(m->node);
	gossip_key_free(m->key);
	gossip_keyring_free(m->kr);
	free(m->obs);
	memset(m, 0, sizeof(*m));
}
