/* The Prometheus exposition. Names and labels are documented in docs/monitoring.md;
 * tests/integration/http.sh scrapes them. Label values are escaped as the format says
 * (backslash, double quote, newline). */
#include "autoconfig.h"

#include <time.h>

#include "baton/prom.h"
#include "health/engine.h"
#include "health/gossip/member.h"
#include "health/gossip/metrics.h"
#include "health/gossip/vip_status.h"
#include "server/geo_db.h"
#include "server/member.h"
#include "server/metrics.h"
#include "server/tcp.h"
#include "server/udp.h"

static const char *rcode_name(unsigned rcode)
{
	static const char *const names[] = { "NOERROR",	 "FORMERR", "SERVFAIL",
					     "NXDOMAIN", "NOTIMP",  "REFUSED" };

	if (rcode < sizeof(names) / sizeof(names[0]))
		return names[rcode];
	return rcode == 16 ? "BADVERS" : NULL;
}

static void udp_errors(struct server *s, struct evbuffer *out)
{
	unsigned long recv_errors, send_errors;

	udp_workers_errors(s->udp, &recv_errors, &send_errors);
	prom_header(out, "baton_udp_errors_total", "counter",
		    "Failed recvmmsg and sendmmsg calls of the UDP workers (a failed send loses a "
		    "response).");
	evbuffer_add_printf(out, "baton_udp_errors_total{call=\"recvmmsg\"} %lu\n", recv_errors);
	evbuffer_add_printf(out, "baton_udp_errors_total{call=\"sendmmsg\"} %lu\n", send_errors);
}

/* Prometheus wants each family's lines together, so each family loops over transports. */
static void dns(struct server *s, struct evbuffer *out)
{
	struct dns_counters udp = { 0 };
	const struct dns_counters *by_proto[2] = { &udp, tcp_server_counters(s->tcp) };
	static const char *const protos[2] = { "udp", "tcp" };
	char number[8];

	udp_workers_counters(s->udp, &udp);
	prom_header(out, "baton_dns_responses_total", "counter",
		    "Responses sent, by transport and rcode.");
	for (unsigned p = 0; p < 2; p++)
		for (unsigned i = 0; i < COUNTER_RCODES; i++) {
			const char *name = rcode_name(i);
			uint64_t n = counter_read(&by_proto[p]->rcode[i]);

			if (name == NULL && n == 0)
				continue;
			snprintf(number, sizeof(number), "%u", i);
			evbuffer_add_printf(out, "baton_dns_responses_total{");
			prom_label(out, "proto", protos[p], true);
			prom_label(out, "rcode", name ? name : number, false);
			evbuffer_add_printf(out, "} %llu\n", (unsigned long long)n);
		}
	prom_header(out, "baton_dns_queries_total", "counter",
		    "Queries with a question, by transport and type.");
	for (unsigned p = 0; p < 2; p++)
		for (unsigned i = 0; i < COUNTER_TYPE_COUNT; i++) {
			evbuffer_add_printf(out, "baton_dns_queries_total{");
			prom_label(out, "proto", protos[p], true);
			prom_label(out, "type", counter_type_name((enum counter_type)i), false);
			evbuffer_add_printf(
				out, "} %llu\n",
				(unsigned long long)counter_read(&by_proto[p]->qtype[i]));
		}
	prom_header(out, "baton_dns_dropped_total", "counter",
		    "Packets not answered (shorter than a header, or responses).");
	for (unsigned p = 0; p < 2; p++) {
		evbuffer_add_printf(out, "baton_dns_dropped_total{");
		prom_label(out, "proto", protos[p], true);
		evbuffer_add_printf(out, "} %llu\n",
				    (unsigned long long)counter_read(&by_proto[p]->dropped));
	}
	prom_header(out, "baton_rrl_limited_total", "counter",
		    "Responses over rrl-ratelimit, by what was done: slipped (sent truncated) or "
		    "dropped.");
	evbuffer_add_printf(out, "baton_rrl_limited_total{action=\"slipped\"} %llu\n",
			    (unsigned long long)counter_read(&udp.rrl_slipped));
	evbuffer_add_printf(out, "baton_rrl_limited_total{action=\"dropped\"} %llu\n",
			    (unsigned long long)counter_read(&udp.rrl_dropped));
	udp_errors(s, out);
	prom_header(out, "baton_tcp_connections", "gauge", "Open DNS-over-TCP connections.");
	evbuffer_add_printf(out, "baton_tcp_connections %u\n", tcp_server_connections(s->tcp));
}

/* One family of FAILOVER answer counters: per site, or (fallback) the fallback's. */
static void failover_family(struct server *s, struct evbuffer *out, bool fallback)
{
	const char *metric =
		fallback ? "baton_failover_fallback_answers_total" : "baton_failover_answers_total";
	char name[DNAME_STR_MAX];

	for (size_t i = 0; s->zones != NULL && i < s->zones->count; i++) {
		const struct zone *z = s->zones->zones[i];

		for (uint32_t n = 0; n < z->failover_count; n++) {
			const struct zone_failover *f = z->failovers[n]->failover;

			dname_to_str(z->failovers[n]->name, name, sizeof(name));
			for (uint16_t k = fallback ? f->site_count : 0; k <= f->site_count; k++) {
				if (!fallback && k == f->site_count)
					break;
				evbuffer_add_printf(out, "%s{", metric);
				prom_label(out, "zone", z->name_str, true);
				prom_label(out, "name", name, false);
				if (!fallback)
					prom_label(out, "site", f->sites[k]->name, false);
				evbuffer_add_printf(
					out, "} %llu\n",
					(unsigned long long)counter_read(&f->answers[k]));
			}
		}
	}
}

static void failover_answers(struct server *s, struct evbuffer *out)
{
	prom_header(out, "baton_failover_answers_total", "counter",
		    "FAILOVER answers, by name and the site whose addresses they gave.");
	failover_family(s, out, false);
	prom_header(out, "baton_failover_fallback_answers_total", "counter",
		    "FAILOVER answers made by the fallback: no site was usable.");
	failover_family(s, out, true);
}

static void site_labels(struct evbuffer *out, const struct health_site_info *info)
{
	prom_label(out, "zone", info->zone, true);
	prom_label(out, "site", info->name, false);
}

enum site_family { SITE_VERDICT, SITE_DRAINED, SITE_SINCE };

static void site_family(struct server *s, struct evbuffer *out, enum site_family which)
{
	static const enum site_verdict verdicts[] = { SITE_UP, SITE_DOWN, SITE_UNKNOWN };
	struct health_site_info info;
	uint32_t count = s->engine ? health_engine_site_count(s->engine) : 0;

	for (uint32_t i = 0; i < count; i++) {
		if (!health_engine_site_info(s->engine, i, &info))
			continue;
		if (which == SITE_VERDICT) {
			for (unsigned v = 0; v < 3; v++) {
				evbuffer_add_printf(out, "baton_site_verdict{");
				site_labels(out, &info);
				prom_label(out, "verdict", health_verdict_name(verdicts[v]), false);
				evbuffer_add_printf(out, "} %d\n", info.verdict == verdicts[v]);
			}
		} else {
			evbuffer_add_printf(out, "%s{",
					    which == SITE_DRAINED
						    ? "baton_site_drained"
						    : "baton_site_verdict_since_seconds");
			site_labels(out, &info);
			evbuffer_add_printf(out, "} %lld\n",
					    which == SITE_DRAINED ? (long long)info.drained
								  : (long long)info.since);
		}
	}
}

static void sites(struct server *s, struct evbuffer *out)
{
	prom_header(out, "baton_site_verdict", "gauge",
		    "1 for the site's current verdict (up, down, unknown), 0 for the others.");
	site_family(s, out, SITE_VERDICT);
	prom_header(out, "baton_site_drained", "gauge",
		    "1 while an operator has drained the site.");
	site_family(s, out, SITE_DRAINED);
	prom_header(out, "baton_site_verdict_since_seconds", "gauge",
		    "Unix time of the site's last verdict change.");
	site_family(s, out, SITE_SINCE);
}

static void check_latency(struct server *s, struct evbuffer *out)
{
	struct health_site_info info;
	struct health_latency_info l;
	uint32_t count = s->engine ? health_engine_site_count(s->engine) : 0;

	prom_header(out, "baton_check_duration_seconds", "histogram",
		    "How long each check of a site took, timeouts and failures included.");
	for (uint32_t i = 0; i < count; i++) {
		if (!health_engine_site_info(s->engine, i, &info))
			continue;
		for (uint32_t j = 0; health_engine_latency(s->engine, i, j, &l); j++) {
			const char *kv[] = { "zone",  info.zone, "site", info.name, "check",
					     l.check, "kind",	 l.kind, NULL };

			prom_histogram(out, "baton_check_duration_seconds", kv, latency_bounds_s,
				       l.histogram->le, LATENCY_BUCKETS, l.histogram->count,
				       l.histogram->sum_s);
		}
	}
}

static void reloads(struct server *s, struct evbuffer *out)
{
	prom_header(out, "baton_reloads_total", "counter",
		    "Reloads, by outcome: ok (every zone compiled) or failed (a zone kept its old "
		    "data or is not served).");
	evbuffer_add_printf(out, "baton_reloads_total{outcome=\"ok\"} %lu\n", s->reloads_ok);
	evbuffer_add_printf(out, "baton_reloads_total{outcome=\"failed\"} %lu\n",
			    s->reloads_failed);
	prom_header(out, "baton_last_reload_timestamp_seconds", "gauge",
		    "Unix time of the last reload.");
	evbuffer_add_printf(out, "baton_last_reload_timestamp_seconds %lld\n",
			    (long long)s->last_reload);
	prom_header(out, "baton_reload_in_progress", "gauge",
		    "1 while a reload reads and compiles zones on its thread.");
	evbuffer_add_printf(out, "baton_reload_in_progress %d\n", s->reload_running ? 1 : 0);
	prom_header(out, "baton_zone_serial", "gauge", "The SOA serial of each zone served.");
	for (size_t i = 0; s->zones != NULL && i < s->zones->count; i++) {
		evbuffer_add_printf(out, "baton_zone_serial{");
		prom_label(out, "zone", s->zones->zones[i]->name_str, true);
		evbuffer_add_printf(out, "} %u\n", s->zones->zones[i]->serial);
	}
	prom_header(
		out, "baton_geoip_reload_failures_total", "counter",
		"Reloads that could not open the geoip-database (the previous one kept serving).");
	evbuffer_add_printf(out, "baton_geoip_reload_failures_total %lu\n", s->geo_db_failures);
	if (s->geo_db != NULL) {
		prom_header(out, "baton_geoip_networks", "gauge",
			    "Networks in the geoip-database serving.");
		evbuffer_add_printf(out, "baton_geoip_networks %u\n", s->geo_db->network_count);
		prom_header(out, "baton_geoip_loaded_timestamp_seconds", "gauge",
			    "Unix time the geoip-database serving was opened.");
		evbuffer_add_printf(out, "baton_geoip_loaded_timestamp_seconds %lld\n",
				    (long long)s->geo_db->loaded);
	}
	prom_header(out, "baton_start_time_seconds", "gauge", "Unix time batond started.");
	evbuffer_add_printf(out, "baton_start_time_seconds %lld\n", (long long)s->started);
}

enum quorum_family { QUORUM_VOTES, QUORUM_LIVE, QUORUM_NEEDED, QUORUM_HELD };

static void quorum_family(struct server *s, struct evbuffer *out, enum quorum_family which)
{
	static const char *const names[] = { "baton_gossip_quorum_votes",
					     "baton_gossip_quorum_live",
					     "baton_gossip_quorum_needed",
					     "baton_gossip_quorum_held" };
	const struct gossip_member *g = member_gossip(s->member);
	struct health_site_info info;
	struct gossip_verdict v;
	uint32_t index;

	for (uint32_t i = 0; i < health_engine_site_count(s->engine); i++) {
		if (!health_engine_site_info(s->engine, i, &info) ||
		    !member_site_index(s->member, i, &index) ||
		    !gossip_node_verdict(g->node, index, &v))
			continue;
		for (unsigned vote = 0; vote < (which == QUORUM_VOTES ? 2u : 1u); vote++) {
			unsigned n = which == QUORUM_LIVE     ? v.tally.live
				     : which == QUORUM_NEEDED ? v.needed
				     : which == QUORUM_HELD   ? (unsigned)v.held
				     : vote == 0	      ? v.tally.up
							      : v.tally.down;

			evbuffer_add_printf(out, "%s{", names[which]);
			site_labels(out, &info);
			if (which == QUORUM_VOTES)
				prom_label(out, "vote", vote == 0 ? "up" : "down", false);
			evbuffer_add_printf(out, "} %u\n", n);
		}
	}
}

static void gossip(struct server *s, struct evbuffer *out)
{
	if (s->member == NULL || s->engine == NULL)
		return;
	gossip_metrics_write_traffic(out, member_gossip(s->member));
	prom_header(out, "baton_gossip_quorum_votes", "gauge",
		    "Live probers' votes on the site in the last gossip round, up and down.");
	quorum_family(s, out, QUORUM_VOTES);
	prom_header(out, "baton_gossip_quorum_live", "gauge",
		    "Live probers with a vote on the site in the last round.");
	quorum_family(s, out, QUORUM_LIVE);
	prom_header(out, "baton_gossip_quorum_needed", "gauge",
		    "Down votes that take the site down (also the live probers a decision needs).");
	quorum_family(s, out, QUORUM_NEEDED);
	prom_header(out, "baton_gossip_quorum_held", "gauge",
		    "1 while too few probers are live: the site's last verdict holds.");
	quorum_family(s, out, QUORUM_HELD);
	gossip_vip_status_metrics(out, member_gossip(s->member));
}

void metrics_write(struct server *s, struct evbuffer *out)
{
	dns(s, out);
	failover_answers(s, out);
	sites(s, out);
	check_latency(s, out);
	reloads(s, out);
	gossip(s, out);
}
