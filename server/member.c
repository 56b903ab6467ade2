/* batond's gossip membership: the engine's local verdicts out, the quorum's verdicts in. */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baton/log.h"
#include "health/engine.h"
#include "health/gossip/member.h"
#include "health/gossip/udp.h"
#include "health/vip_evidence.h"
#include "server/member.h"
#include "server/server.h"

/* batond's own membership; health/gossip's `struct member` is one peer as a node sees it. */
struct batond_member {
	struct server *s;
	struct gossip_member g;
	uint32_t *index; /* engine site (health_id) -> watched site of the node; UINT32_MAX none */
	uint32_t index_count;
	struct vip_tracker *vip; /* per engine site, as index */
	const char **vip_name; /* the engine's vip= each tracker follows */
};

/* Reports judged per site: one per VRRP node of the instance; more is a site nobody runs. */
#define VIP_REPORTS_MAX 64

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
		struct vip_tracker *vip = more ? realloc(m->vip, sizeof(*vip) * count) : NULL;
		const char **vip_name =
			vip ? realloc(m->vip_name, sizeof(*vip_name) * count) : NULL;

		if (more != NULL)
			m->index = more;
		if (vip != NULL)
			m->vip = vip;
		if (vip_name != NULL)
			m->vip_name = vip_name;
		if (vip_name == NULL) {
			log_err("gossip: out of memory watching %u sites; new sites keep their "
				"verdicts until the next reload",
				count);
			return;
		}
		for (uint32_t i = m->index_count; i < count; i++) {
			more[i] = UINT32_MAX;
			vip_tracker_init(&vip[i]);
			vip_name[i] = NULL;
		}
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

/* The latest reports of site `site`'s nodes for instance `vip`, live or not. */
static size_t vip_reports(const struct batond_member *m, const char *site, const char *vip,
			  struct vip_report *r)
{
	struct gossip_vip_seen v;
	size_t n = 0;

	for (uint32_t mb = 0; mb < m->g.kr->member_count; mb++) {
		for (uint32_t i = 0;
		     n < VIP_REPORTS_MAX && gossip_node_vip_seen(m->g.node, mb, i, &v); i++) {
			if (strcmp(v.inst.site, site) != 0 || strcmp(v.inst.name, vip) != 0)
				continue;
			r[n++] = (struct vip_report){
				.live = v.live,
				.heard_ms = v.heard_ms,
				.state = v.inst.state,
				.master_down_ms = v.inst.master_down_ms,
				/* heard, not signed: later than the truth, so never too early */
				.changed_ms = v.inst.changed_age_ms == GOSSIP_VIP_NEVER
						      ? -1
						      : v.heard_ms - (int64_t)v.inst.changed_age_ms,
			};
		}
	}
	return n;
}

/* A site with vip= is down while its own nodes' reports say so (health/vip_evidence.h). */
static void apply_vip(struct batond_member *m, uint32_t i, int64_t now)
{
	static struct vip_report r[VIP_REPORTS_MAX];
	struct health_site_info info;
	struct vip_judgement j;
	char why[160];
	size_t n;

	if (!health_engine_site_info(m->s->engine, i, &info) || info.vip == NULL)
		return;
	if (m->vip_name[i] != info.vip) { /* a new vip= (the engine copies it anew) */
		vip_tracker_init(&m->vip[i]);
		m->vip_name[i] = info.vip;
	}
	n = vip_reports(m, info.name, info.vip, r);
	vip_evidence_judge(&m->vip[i], r, n, now, &j);
	if (j.evidence == VIP_EVIDENCE_DOWN)
		vip_evidence_text(&j, info.vip, why, sizeof(why));
	else if (j.live == 0)
		snprintf(why, sizeof(why), "vip %s: no live reports, no evidence", info.vip);
	else
		snprintf(why, sizeof(why), "vip %s: evidence ended (%u/%u nodes master)", info.vip,
			 j.masters, j.live);
	health_engine_set_vip_down(m->s->engine, i, j.evidence == VIP_EVIDENCE_DOWN, why);
}

/* The quorum's verdicts become the engine's, which publishes a new view on a change. */
static void apply(struct batond_member *m)
{
	struct gossip_verdict v;
	int64_t now = gossip_now_ms();
	char why[160];

	for (uint32_t i = 0; i < m->index_count; i++) {
		if (m->index[i] == UINT32_MAX || !gossip_node_verdict(m->g.node, m->index[i], &v))
			continue;
		member_evidence(m, m->index[i], why, sizeof(why));
		health_engine_set_verdict(m->s->engine, i, v.verdict, why);
		health_engine_set_held(m->s->engine, i, v.held);
	}
	for (uint32_t i = 0; i < m->index_count; i++)
		apply_vip(m, i, now);
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
	free(m->vip);
	free(m->vip_name);
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
