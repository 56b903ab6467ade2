/* batond's gossip membership: the engine's local verdicts out, the quorum's verdicts in. */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baton/log.h"
#include "health/engine.h"
#include "health/gossip/member.h"
#include "server/member.h"
#include "server/server.h"

/* batond's own membership; health/gossip's `struct member` is one peer as a node sees it. */
struct batond_member {
	struct server *s;
	struct gossip_member g;
	uint32_t *index; /* engine site (health_id) -> watched site of the node; UINT32_MAX none */
	uint32_t index_count;
};

int member_open(struct batond_member **out, struct server *s, struct diag *d)
{
	struct batond_member *m = calloc(1, sizeof(*m));
	int rc;

	if (m == NULL)
		return -ENOMEM;
	m->s = s;
	s->cfg.gossip->quiet_verdicts = true; /* the engine logs each verdict with its evidence */
	rc = gossip_member_open(&m->g, s->cfg.gossip, s->cfg.path, s->base, d);
	if (rc < 0) {
		free(m);
		return rc;
	}
	*out = m;
	return 0;
}

/* Every site the engine has is watched; the map grows with the engine's sites. */
static void watch_sites(struct batond_member *m)
{
	uint32_t count = health_engine_site_count(m->s->engine);
	struct health_site_info info;

	if (count > m->index_count) {
		uint32_t *more = realloc(m->index, sizeof(*more) * count);

		if (more == NULL) {
			log_err("gossip: out of memory watching %u sites; new sites keep their "
				"verdicts until the next reload",
				count);
			return;
		}
		for (uint32_t i = m->index_count; i < count; i++)
			more[i] = UINT32_MAX;
		m->index = more;
		m->index_count = count;
	}
	for (uint32_t i = 0; i < count; i++) {
		if (m->index[i] != UINT32_MAX || !health_engine_site_info(m->s->engine, i, &info))
			continue;
		if (gossip_node_watch(m->g.node, info.zone, info.name, &m->index[i]) < 0)
			m->index[i] = UINT32_MAX;
	}
}

void member_evidence(const struct batond_member *m, uint32_t index, char *buf, size_t size)
{
	struct gossip_verdict v;

	if (!gossip_node_verdict(m->g.node, index, &v)) {
		snprintf(buf, size, "not watched");
		return;
	}
	if (v.held)
		snprintf(buf, size, "held: too few live probers (%u of %u needed)", v.tally.live,
			 v.needed);
	else if (v.verdict == SITE_UNKNOWN)
		snprintf(buf, size, "no quorum yet (%u of %u live probers needed)", v.tally.live,
			 v.needed);
	else
		snprintf(buf, size,
			 "quorum: %u of %u live probers down, %u regions (%u needed, from %u "
			 "regions)",
			 v.tally.down, v.tally.live, v.tally.regions_down, v.needed, v.min_regions);
}

/* The quorum's verdicts become the engine's, which publishes a new view on a change. */
static void apply(struct batond_member *m)
{
	struct gossip_verdict v;
	char why[160];

	for (uint32_t i = 0; i < m->index_count; i++) {
		if (m->index[i] == UINT32_MAX || !gossip_node_verdict(m->g.node, m->index[i], &v))
			continue;
		member_evidence(m, m->index[i], why, sizeof(why));
		health_engine_set_verdict(m->s->engine, i, v.verdict, why);
		health_engine_set_held(m->s->engine, i, v.held);
	}
}

static void on_change(void *arg)
{
	struct batond_member *m = arg;

	watch_sites(m);
	if (m->g.role == GOSSIP_ROLE_PROBE)
		gossip_member_observe(&m->g, m->s->engine);
	apply(m);
}

static void on_round(void *arg, unsigned changes)
{
	(void)changes; /* a site watched since the last round may have a verdict without one */
	apply(arg);
}

int member_start(struct batond_member *m)
{
	health_engine_use_quorum(m->s->engine, m->g.role == GOSSIP_ROLE_PROBE);
	health_engine_on_change(m->s->engine, on_change, m);
	log_info("gossip: member %s (%s, %s) with %zu peers; verdicts by quorum", m->g.conf->name,
		 m->g.conf->region, gossip_role_name(m->g.role), m->g.conf->peer_count);
	return gossip_member_start(&m->g, on_round, m);
}

void member_free(struct batond_member *m)
{
	if (m == NULL)
		return;
	gossip_member_close(&m->g);
	free(m->index);
	free(m);
}

const struct gossip_member *member_gossip(const struct batond_member *m)
{
	return &m->g;
}

bool member_site_index(const struct batond_member *m, uint32_t site, uint32_t *index)
{
	if (m == NULL || site >= m->index_count || m->index[site] == UINT32_MAX)
		return false;
	*index = m->index[site];
	return true;
}
