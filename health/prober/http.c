/* baton-probe's /metrics and /status.json on libevent's evhttp. The families are in the
 * docs/monitoring.md; tests/lab/gossip_clock.sh and tests/integration/gossip.sh scrape
 * them. */
#include "autoconfig.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "baton/json.h"
#include "baton/prom.h"
#include "health/engine.h"
#include "health/gossip/member.h"
#include "health/gossip/metrics.h"
#include "health/gossip/vip_status.h"
#include "baton/http_listen.h"
#include "health/prober/http.h"

struct probe_http {
	struct http_listen *listen;
	const struct gossip_member *member;
	const struct health_engine *engine;
	int64_t start_unix_s;
};

/* The local checks' verdict of each site: the prober's own observation, before any quorum. */
static void local_verdicts(struct evbuffer *out, const struct health_engine *e)
{
	static const enum site_verdict verdicts[] = { SITE_UP, SITE_DOWN, SITE_UNKNOWN };
	struct health_site_info info;

	prom_header(out, "baton_site_verdict", "gauge",
		    "1 for the verdict of this prober's own checks (up, down, unknown), 0 for the "
		    "others.");
	for (uint32_t i = 0; i < health_engine_site_count(e); i++)
		for (unsigned v = 0; v < 3 && health_engine_site_info(e, i, &info); v++) {
			const char *kv[] = { "zone",	info.zone, "site",
					     info.name, "verdict", health_verdict_name(verdicts[v]),
					     NULL };

			prom_sample(out, "baton_site_verdict", kv,
				    info.local_verdict == verdicts[v]);
		}
	prom_header(out, "baton_site_verdict_since_seconds", "gauge",
		    "Unix time of the last change of this prober's own verdict on the site.");
	for (uint32_t i = 0; i < health_engine_site_count(e); i++) {
		const char *kv[] = { "zone", info.zone, "site", info.name, NULL };

		if (!health_engine_site_info(e, i, &info))
			continue;
		prom_sample(out, "baton_site_verdict_since_seconds", kv,
			    (uint64_t)info.local_since);
	}
}

static void check_latency(struct evbuffer *out, const struct health_engine *e)
{
	struct health_site_info info;
	struct health_latency_info l;

	prom_header(out, "baton_check_duration_seconds", "histogram",
		    "How long each check of a site took, timeouts and failures included.");
	for (uint32_t i = 0; i < health_engine_site_count(e); i++)
		for (uint32_t j = 0;
		     health_engine_site_info(e, i, &info) && health_engine_latency(e, i, j, &l);
		     j++) {
			const char *kv[] = { "zone",  info.zone, "site", info.name, "check",
					     l.check, "kind",	 l.kind, NULL };

			prom_histogram(out, "baton_check_duration_seconds", kv, latency_bounds_s,
				       l.histogram->le, LATENCY_BUCKETS, l.histogram->count,
				       l.histogram->sum_s);
		}
}

void probe_http_metrics(struct evbuffer *out, const struct gossip_member *m,
			const struct health_engine *e, int64_t start_unix_s)
{
	local_verdicts(out, e);
	check_latency(out, e);
	gossip_metrics_write(out, m);
	gossip_vip_status_metrics(out, m);
	prom_single(out, "baton_start_time_seconds", "gauge", "Unix time baton-probe started.",
		    (uint64_t)start_unix_s);
}

/* A JSON string: names come from zone files and the trusted keys, so escape them. */
static void json_members(struct evbuffer *out, const struct gossip_member *m, int64_t now_ms)
{
	evbuffer_add_printf(out, "\"members\":[");
	for (uint32_t i = 0; i < m->kr->member_count; i++) {
		const struct gossip_member_def *def = &m->kr->members[i];
		int64_t heard;
		bool live = gossip_node_member_live(m->node, i, &heard);

		evbuffer_add_printf(out, "%s{\"name\":", i ? "," : "");
		json_string(out, def->name);
		evbuffer_add_printf(out, ",\"region\":");
		json_string(out, def->region);
		evbuffer_add_printf(out,
				    ",\"role\":\"%s\",\"live\":%s,\"heard_ago_ms\":%" PRId64 "}",
				    gossip_role_name(def->role), live ? "true" : "false",
				    heard < 0 ? -1 : now_ms - heard);
	}
	evbuffer_add_printf(out, "],");
}

static void json_traffic(struct evbuffer *out, const struct gossip_counters *c)
{
	evbuffer_add_printf(out, "\"drops\":{");
	for (int k = 0; k < GOSSIP_DROP_KINDS; k++)
		evbuffer_add_printf(out, "%s\"%s\":%" PRIu64, k ? "," : "",
				    gossip_drop_name((enum gossip_drop)k), c->drops[k]);
	evbuffer_add_printf(out,
			    "},\"traffic\":{\"sent\":%" PRIu64 ",\"sent_bytes\":%" PRIu64
			    ",\"accepted\":%" PRIu64 ",\"relayed\":%" PRIu64 "},",
			    c->sent, c->sent_bytes, c->accepted, c->relayed);
}

/* Is the engine's zone name (with its final dot) the node's (without)? */
static bool same_zone(const char *engine_zone, const char *node_zone)
{
	size_t n = strlen(node_zone);

	return strncmp(engine_zone, node_zone, n) == 0 &&
	       (engine_zone[n] == '\0' || strcmp(engine_zone + n, ".") == 0);
}

/* The local checks' verdict of the site the node calls zone/site. */
static void json_local(struct evbuffer *out, const struct health_engine *e,
		       const struct gossip_verdict *v)
{
	struct health_site_info info;

	for (uint32_t i = 0; i < health_engine_site_count(e); i++)
		if (health_engine_site_info(e, i, &info) && same_zone(info.zone, v->zone) &&
		    strcmp(info.name, v->site) == 0) {
			evbuffer_add_printf(out,
					    ",\"local_verdict\":\"%s\",\"local_since\":%lld,"
					    "\"checks\":%u,\"checks_up\":%u",
					    health_verdict_name(info.local_verdict),
					    (long long)info.local_since, info.targets,
					    info.targets_up);
			return;
		}
}

static void json_votes(struct evbuffer *out, const struct gossip_member *m, uint32_t site)
{
	struct gossip_vote vote;
	bool first = true;

	evbuffer_add_printf(out, ",\"votes\":[");
	for (uint32_t i = 0; gossip_node_vote(m->node, site, i, &vote); i++) {
		if (!vote.voted)
			continue;
		evbuffer_add_printf(out, "%s{\"member\":", first ? "" : ",");
		json_string(out, vote.member);
		evbuffer_add_printf(out, ",\"region\":");
		json_string(out, vote.region);
		evbuffer_add_printf(out,
				    ",\"verdict\":\"%s\",\"live\":%s,\"signed_ms\":%" PRId64
				    ",\"since_ms\":%" PRId64 "}",
				    health_verdict_name(vote.verdict), vote.live ? "true" : "false",
				    vote.signed_wall_ms, vote.since_wall_ms);
		first = false;
	}
	evbuffer_add_printf(out, "]");
}

static void json_sites(struct evbuffer *out, const struct gossip_member *m,
		       const struct health_engine *e)
{
	struct gossip_verdict v;

	evbuffer_add_printf(out, "\"sites\":[");
	for (uint32_t i = 0; gossip_node_verdict(m->node, i, &v); i++) {
		evbuffer_add_printf(out, "%s{\"zone\":", i ? "," : "");
		json_string(out, v.zone);
		evbuffer_add_printf(out, ",\"site\":");
		json_string(out, v.site);
		evbuffer_add_printf(out,
				    ",\"verdict\":\"%s\",\"held\":%s,\"needed\":%u,"
				    "\"min_regions\":%u,\"live\":%u,\"up\":%u,\"down\":%u,"
				    "\"regions_down\":%u,\"since_ms\":%" PRId64,
				    health_verdict_name(v.verdict), v.held ? "true" : "false",
				    v.needed, v.min_regions, v.tally.live, v.tally.up, v.tally.down,
				    v.tally.regions_down, v.since_wall_ms);
		json_local(out, e, &v);
		json_votes(out, m, i);
		evbuffer_add_printf(out, "}");
	}
	evbuffer_add_printf(out, "]");
}

void probe_http_status_json(struct evbuffer *out, const struct gossip_member *m,
			    const struct health_engine *e)
{
	const struct gossip_member_def *self = &m->kr->members[m->self];

	evbuffer_add_printf(out, "{\"time_ms\":%" PRId64 ",\"name\":", gossip_wall_ms());
	json_string(out, self->name);
	evbuffer_add_printf(out, ",\"region\":");
	json_string(out, self->region);
	evbuffer_add_printf(out, ",\"role\":\"%s\",", gossip_role_name(m->role));
	json_members(out, m, gossip_now_ms());
	gossip_vip_status_json(out, m);
	json_traffic(out, gossip_node_counters(m->node));
	json_sites(out, m, e);
	evbuffer_add_printf(out, "}\n");
}

static void page_metrics(struct evbuffer *out, const struct sockaddr *peer, void *arg)
{
	const struct probe_http *h = arg;

	(void)peer;
	probe_http_metrics(out, h->member, h->engine, h->start_unix_s);
}

static void page_status_json(struct evbuffer *out, const struct sockaddr *peer, void *arg)
{
	const struct probe_http *h = arg;

	(void)peer;
	probe_http_status_json(out, h->member, h->engine);
}

int probe_http_open(struct probe_http **out, struct event_base *base,
		    const struct sockaddr_storage *addr, const struct http_listen_limits *limits,
		    const struct gossip_member *m, const struct health_engine *e)
{
	struct probe_http *h = calloc(1, sizeof(*h));
	int rc;

	if (h == NULL)
		return -ENOMEM;
	rc = http_listen_open(&h->listen, base, addr, limits, "/metrics and /status.json");
	if (rc < 0) {
		free(h);
		return rc;
	}
	h->start_unix_s = time(NULL);
	h->member = m;
	h->engine = e;
	http_listen_pages(h->listen, page_metrics, page_status_json, h);
	*out = h;
	return 0;
}

void probe_http_free(struct probe_http *h)
{
	if (h == NULL)
		return;
	http_listen_free(h->listen);
	free(h);
}
