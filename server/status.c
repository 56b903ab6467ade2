/* What `batonctl status` shows. The JSON is written by hand: it is small, flat and its strings
 * are escaped here, which is cheaper than a JSON library dependency. */
#include "autoconfig.h"

#include <event2/buffer.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "baton/json.h"
#include "health/engine.h"
#include "health/gossip/member.h"
#include "health/gossip/vip_status.h"
#include "server/answer_source.h"
#include "server/query.h"
#include "server/geo_db.h"
#include "server/member.h"
#include "server/status.h"
#include "server/tcp.h"
#include "server/udp.h"

static void iso_time(time_t t, char *buf, size_t size)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Milliseconds of the wall clock as ISO 8601 with tenths: votes are seconds apart at most. */
static void iso_time_ms(int64_t ms, char *buf, size_t size)
{
	char whole[32];

	if (ms <= 0) {
		snprintf(buf, size, "never");
		return;
	}
	iso_time((time_t)(ms / 1000), whole, sizeof(whole));
	whole[strlen(whole) - 1] = '\0'; /* the Z goes after the tenths */
	snprintf(buf, size, "%s.%01dZ", whole, (int)(ms % 1000 / 100));
}

/* Who this member is, who is live, what went over the wire and what was dropped. */
static void gossip_text(struct server *s, struct evbuffer *out)
{
	const struct gossip_member *g = member_gossip(s->member);
	const struct gossip_counters *c = gossip_node_counters(g->node);
	int64_t now = gossip_now_ms(), heard;
	unsigned live = 0;

	for (uint32_t i = 0; i < g->kr->member_count; i++)
		live += gossip_node_member_live(g->node, i, &heard);
	evbuffer_add_printf(out, "gossip member %s (region %s, role %s): %u of %u members live\n",
			    g->conf->name, g->conf->region, gossip_role_name(g->role), live,
			    g->kr->member_count);
	for (uint32_t i = 0; i < g->kr->member_count; i++) {
		const struct gossip_member_def *d = &g->kr->members[i];
		bool is_live = gossip_node_member_live(g->node, i, &heard);

		evbuffer_add_printf(out, "  member %s (region %s, %s): %s", d->name, d->region,
				    gossip_role_name(d->role), is_live ? "live" : "not live");
		if (i == g->self)
			evbuffer_add_printf(out, ", this batond\n");
		else if (heard < 0)
			evbuffer_add_printf(out, ", never heard\n");
		else
			evbuffer_add_printf(out, ", heard %.1f s ago\n",
					    (double)(now - heard) / 1000);
	}
	evbuffer_add_printf(out,
			    "gossip traffic: sent %llu (%llu bytes), accepted %llu, relayed %llu\n"
			    "gossip drops:",
			    (unsigned long long)c->sent, (unsigned long long)c->sent_bytes,
			    (unsigned long long)c->accepted, (unsigned long long)c->relayed);
	for (int k = 0; k < GOSSIP_DROP_KINDS; k++)
		evbuffer_add_printf(out, " %s %llu", gossip_drop_name((enum gossip_drop)k),
				    (unsigned long long)c->drops[k]);
	evbuffer_add(out, "\n", 1);
}

/* The evidence behind a site's verdict by quorum: the tally, then every prober's vote. */
static void quorum_text(struct server *s, uint32_t site, const struct health_site_info *info,
			struct evbuffer *out)
{
	const struct gossip_member *g = member_gossip(s->member);
	struct gossip_verdict v;
	struct gossip_vote vote;
	char why[160], since[40], signed_at[40];
	uint32_t index;

	if (!member_site_index(s->member, site, &index) || !gossip_node_verdict(g->node, index, &v))
		return;
	member_evidence(s->member, index, why, sizeof(why));
	evbuffer_add_printf(out, "  quorum: %s; %s; %u up, %u down\n",
			    health_verdict_name(v.verdict), why, v.tally.up, v.tally.down);
	for (uint32_t m = 0; gossip_node_vote(g->node, index, m, &vote); m++) {
		if (vote.role != GOSSIP_ROLE_PROBE)
			continue;
		if (!vote.voted) {
			evbuffer_add_printf(out, "  vote %s (region %s, %s): none\n", vote.member,
					    vote.region, vote.live ? "live" : "not live");
			continue;
		}
		iso_time_ms(vote.since_wall_ms, since, sizeof(since));
		iso_time_ms(vote.signed_wall_ms, signed_at, sizeof(signed_at));
		evbuffer_add_printf(out, "  vote %s (region %s, %s): %s since %s, signed %s%s\n",
				    vote.member, vote.region, vote.live ? "live" : "not live",
				    health_verdict_name(vote.verdict), since, signed_at,
				    m == g->self ? " (this batond's checks)" : "");
	}
	if (g->role == GOSSIP_ROLE_PROBE) {
		iso_time(info->local_since, since, sizeof(since));
		evbuffer_add_printf(out, "  local checks: %s since %s\n",
				    health_verdict_name(info->local_verdict), since);
	}
}

void status_text(struct server *s, struct evbuffer *out)
{
	struct health_site_info info;
	struct health_target_info t;

	evbuffer_add_printf(out, "version: %s\nuptime-seconds: %ld\n", PACKAGE_VERSION,
			    (long)(time(NULL) - s->started));
	evbuffer_add_printf(out, "udp-queries: %lu\ntcp-queries: %lu\ntcp-connections: %u\n",
			    udp_workers_queries(s->udp), tcp_server_queries(s->tcp),
			    tcp_server_connections(s->tcp));
	evbuffer_add_printf(out, "reloads-ok: %lu\nreloads-failed: %lu\n", s->reloads_ok,
			    s->reloads_failed);
	if (s->geo_db != NULL) {
		char loaded[32];

		iso_time(s->geo_db->loaded, loaded, sizeof(loaded));
		evbuffer_add_printf(out, "geoip %s: %u networks, %u locations, loaded %s",
				    s->geo_db->path, s->geo_db->network_count,
				    s->geo_db->location_count, loaded);
		evbuffer_add_printf(out, "; %lu reloads could not open it\n", s->geo_db_failures);
	} else if (s->cfg.geoip_database != NULL) {
		evbuffer_add_printf(out, "geoip %s: not open (see the log)\n",
				    s->cfg.geoip_database);
	}
	for (size_t i = 0; i < s->cfg.zone_count; i++) {
		const struct config_zone *cz = &s->cfg.zones[i];
		const struct zone *z = zoneset_get_by_name(s->zones, cz->name);

		if (z != NULL)
			evbuffer_add_printf(out, "zone %s: serving serial %u from %s\n", cz->name,
					    z->serial, cz->zonefile);
		else
			evbuffer_add_printf(out, "zone %s: not served (errors in %s)\n", cz->name,
					    cz->zonefile);
	}
	if (s->member != NULL) {
		gossip_text(s, out);
		gossip_vip_status_text(out, member_gossip(s->member));
	}
	for (uint32_t i = 0; s->engine && i < health_engine_site_count(s->engine); i++) {
		char since[32];

		if (!health_engine_site_info(s->engine, i, &info))
			continue;
		iso_time(info.since, since, sizeof(since));
		evbuffer_add_printf(out,
				    "site %s (zone %s): %s%s%s since %s, %u/%u checks up%s%s\n",
				    info.name, info.zone, health_verdict_name(info.verdict),
				    info.vip_down ? " by vip evidence" : "",
				    info.drained ? ", drained" : "", since, info.targets_up,
				    info.targets, info.evidence[0] ? "; " : "", info.evidence);
		if (s->member != NULL)
			quorum_text(s, i, &info, out);
		for (uint32_t j = 0; health_engine_target_info(s->engine, i, j, &t); j++)
			evbuffer_add_printf(out, "  check %s (%s) at %s: %s: %s\n", t.check, t.kind,
					    t.address, health_verdict_name(t.state), t.reason);
	}
}

static void json_quorum(struct server *s, uint32_t site, const struct health_site_info *info,
			struct evbuffer *out)
{
	const struct gossip_member *g = member_gossip(s->member);
	struct gossip_verdict v;
	struct gossip_vote vote;
	char why[160];
	uint32_t index;
	bool first = true;

	if (!member_site_index(s->member, site, &index) || !gossip_node_verdict(g->node, index, &v))
		return;
	member_evidence(s->member, index, why, sizeof(why));
	evbuffer_add_printf(out,
			    ",\"local_verdict\":\"%s\",\"quorum\":{\"verdict\":\"%s\",\"held\":%s,"
			    "\"needed\":%u,\"min_regions\":%u,\"live\":%u,\"up\":%u,\"down\":%u,"
			    "\"regions_down\":%u,\"since_ms\":%lld,\"evidence\":",
			    health_verdict_name(info->local_verdict),
			    health_verdict_name(v.verdict), v.held ? "true" : "false", v.needed,
			    v.min_regions, v.tally.live, v.tally.up, v.tally.down,
			    v.tally.regions_down, (long long)v.since_wall_ms);
	json_string(out, why);
	evbuffer_add_printf(out, ",\"votes\":[");
	for (uint32_t m = 0; gossip_node_vote(g->node, index, m, &vote); m++) {
		if (vote.role != GOSSIP_ROLE_PROBE)
			continue;
		evbuffer_add_printf(out, "%s{\"member\":", first ? "" : ",");
		first = false;
		json_string(out, vote.member);
		evbuffer_add_printf(out, ",\"region\":");
		json_string(out, vote.region);
		evbuffer_add_printf(out,
				    ",\"live\":%s,\"verdict\":\"%s\",\"signed_ms\":%lld,"
				    "\"since_ms\":%lld,\"self\":%s}",
				    vote.live ? "true" : "false",
				    vote.voted ? health_verdict_name(vote.verdict) : "none",
				    (long long)vote.signed_wall_ms, (long long)vote.since_wall_ms,
				    m == g->self ? "true" : "false");
	}
	evbuffer_add_printf(out, "]}");
}

static void json_gossip(struct server *s, struct evbuffer *out)
{
	const struct gossip_member *g = member_gossip(s->member);
	const struct gossip_counters *c = gossip_node_counters(g->node);
	int64_t now = gossip_now_ms(), heard;

	evbuffer_add_printf(out, "\"gossip\":{\"member\":");
	json_string(out, g->conf->name);
	evbuffer_add_printf(out, ",\"region\":");
	json_string(out, g->conf->region);
	evbuffer_add_printf(out, ",\"role\":\"%s\",\"members\":[", gossip_role_name(g->role));
	for (uint32_t i = 0; i < g->kr->member_count; i++) {
		bool live = gossip_node_member_live(g->node, i, &heard);

		evbuffer_add_printf(out, "%s{\"name\":", i ? "," : "");
		json_string(out, g->kr->members[i].name);
		evbuffer_add_printf(out, ",\"region\":");
		json_string(out, g->kr->members[i].region);
		evbuffer_add_printf(out, ",\"role\":\"%s\",\"live\":%s,\"heard_ago_ms\":%lld}",
				    gossip_role_name(g->kr->members[i].role),
				    live ? "true" : "false",
				    heard < 0 ? -1LL : (long long)(now - heard));
	}
	evbuffer_add_printf(out,
			    "],\"sent\":%llu,\"sent_bytes\":%llu,\"accepted\":%llu,"
			    "\"relayed\":%llu,\"drops\":{",
			    (unsigned long long)c->sent, (unsigned long long)c->sent_bytes,
			    (unsigned long long)c->accepted, (unsigned long long)c->relayed);
	for (int k = 0; k < GOSSIP_DROP_KINDS; k++)
		evbuffer_add_printf(out, "%s\"%s\":%llu", k ? "," : "",
				    gossip_drop_name((enum gossip_drop)k),
				    (unsigned long long)c->drops[k]);
	evbuffer_add_printf(out, "}},");
}

static void json_site(struct server *s, uint32_t i, const struct health_site_info *info,
		      struct evbuffer *out)
{
	struct health_target_info t;
	char since[32];

	iso_time(info->since, since, sizeof(since));
	evbuffer_add_printf(out, "{\"zone\":");
	json_string(out, info->zone);
	evbuffer_add_printf(out, ",\"name\":");
	json_string(out, info->name);
	evbuffer_add_printf(
		out, ",\"verdict\":\"%s\",\"drained\":%s,\"since\":\"%s\",\"evidence\":",
		health_verdict_name(info->verdict), info->drained ? "true" : "false", since);
	json_string(out, info->evidence);
	if (info->vip != NULL) {
		evbuffer_add_printf(out, ",\"vip\":");
		json_string(out, info->vip);
		evbuffer_add_printf(out, ",\"vip_down\":%s", info->vip_down ? "true" : "false");
	}
	evbuffer_add_printf(out, ",\"checks\":[");
	for (uint32_t j = 0; health_engine_target_info(s->engine, i, j, &t); j++) {
		evbuffer_add_printf(out, "%s{\"check\":", j ? "," : "");
		json_string(out, t.check);
		evbuffer_add_printf(out,
				    ",\"kind\":\"%s\",\"address\":\"%s\",\"state\":\"%s\","
				    "\"reason\":",
				    t.kind, t.address, health_verdict_name(t.state));
		json_string(out, t.reason);
		evbuffer_add_printf(out, "}");
	}
	evbuffer_add_printf(out, "]");
	if (s->member != NULL)
		json_quorum(s, i, info, out);
	evbuffer_add_printf(out, "}");
}

static void json_transitions(struct server *s, struct evbuffer *out)
{
	const struct health_transition *t;
	char when[32];

	for (unsigned i = 0; s->engine && (t = health_engine_transition(s->engine, i)); i++) {
		iso_time(t->when, when, sizeof(when));
		evbuffer_add_printf(out, "%s{\"when\":\"%s\",\"zone\":", i ? "," : "", when);
		json_string(out, t->zone);
		evbuffer_add_printf(out, ",\"site\":");
		json_string(out, t->site);
		evbuffer_add_printf(out,
				    ",\"change\":\"%s\",\"from\":\"%s\",\"to\":\"%s\",\"reason\":",
				    history_change_name(t->change), health_verdict_name(t->from),
				    health_verdict_name(t->to));
		json_string(out, t->reason);
		evbuffer_add(out, "}", 1);
	}
}

/* Asks the query path itself, so the page shows exactly what a resolver at `client` gets. */
static void json_answer(struct server *s, const uint8_t *name, uint16_t type,
			const struct sockaddr *client, struct evbuffer *out)
{
	struct answer_source src;
	uint8_t query[DNS_HEADER_LEN + DNAME_MAX_LEN + 4] = { 0x4a, 0x53, 0, 0, 0, 1 };
	uint8_t response[1232];
	size_t name_len = dname_length(name), len;
	ldns_pkt *pkt = NULL;

	answer_source_fill(&src, s, NULL); /* the main thread: it publishes, so it may read */
	memcpy(query + DNS_HEADER_LEN, name, name_len);
	wire_put_u16(query + DNS_HEADER_LEN + name_len, type);
	wire_put_u16(query + DNS_HEADER_LEN + name_len + 2, DNS_CLASS_IN);
	len = answer_query(response, sizeof(response), query, DNS_HEADER_LEN + name_len + 4, false,
			   &src, client);
	evbuffer_add(out, "[", 1);
	if (len > 0 && ldns_wire2pkt(&pkt, response, len) == LDNS_STATUS_OK) {
		const ldns_rr_list *an = ldns_pkt_answer(pkt);
		bool first = true;

		for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
			ldns_rr *rr = ldns_rr_list_rr(an, i);
			char *text;

			if (ldns_rr_get_type(rr) != type)
				continue;
			text = ldns_rdf2str(ldns_rr_rdf(rr, 0));
			if (text == NULL)
				continue;
			evbuffer_add_printf(out, "%s\"%s\"", first ? "" : ",", text);
			first = false;
			free(text);
		}
	}
	ldns_pkt_free(pkt);
	evbuffer_add(out, "]", 1);
}

static void json_failovers(struct server *s, struct evbuffer *out, const struct sockaddr *client)
{
	static const char *const policies[] = { "order", "weighted", "all", "geo" };
	char name[DNAME_MAX_LEN * 4 + 2];
	bool first = true;

	for (size_t i = 0; s->zones != NULL && i < s->zones->count; i++) {
		const struct zone *z = s->zones->zones[i];

		for (uint32_t n = 0; n < z->failover_count; n++) {
			const struct zone_node *node = z->failovers[n];
			const struct zone_failover *f = node->failover;

			dname_to_str(node->name, name, sizeof(name));
			evbuffer_add_printf(out, "%s{\"zone\":", first ? "" : ",");
			first = false;
			json_string(out, z->name_str);
			evbuffer_add_printf(out, ",\"name\":");
			json_string(out, name);
			evbuffer_add_printf(out, ",\"policy\":\"%s\",\"sites\":[",
					    policies[f->policy]);
			for (uint16_t k = 0; k < f->site_count; k++) {
				evbuffer_add_printf(out, "%s", k ? "," : "");
				json_string(out, f->sites[k]->name);
			}
			evbuffer_add_printf(out, "],\"a\":");
			json_answer(s, node->name, DNS_TYPE_A, client, out);
			evbuffer_add_printf(out, ",\"aaaa\":");
			json_answer(s, node->name, DNS_TYPE_AAAA, client, out);
			evbuffer_add(out, "}", 1);
		}
	}
}

void status_json(struct server *s, struct evbuffer *out, const struct sockaddr *client)
{
	struct health_site_info info;
	bool first = true;

	evbuffer_add_printf(out,
			    "{\"version\":\"%s\",\"uptime_seconds\":%ld,\"udp_queries\":%lu,"
			    "\"tcp_queries\":%lu,\"reloads_ok\":%lu,\"reloads_failed\":%lu,",
			    PACKAGE_VERSION, (long)(time(NULL) - s->started),
			    udp_workers_queries(s->udp), tcp_server_queries(s->tcp), s->reloads_ok,
			    s->reloads_failed);
	if (s->geo_db != NULL) {
		evbuffer_add_printf(out, "\"geoip\":{\"path\":");
		json_string(out, s->geo_db->path);
		evbuffer_add_printf(out,
				    ",\"networks\":%u,\"locations\":%u,\"loaded\":%ld,"
				    "\"reload_failures\":%lu},",
				    s->geo_db->network_count, s->geo_db->location_count,
				    (long)s->geo_db->loaded, s->geo_db_failures);
	}
	if (s->member != NULL) {
		json_gossip(s, out);
		gossip_vip_status_json(out, member_gossip(s->member));
	}
	evbuffer_add_printf(out, "\"zones\":[");
	for (size_t i = 0; i < s->cfg.zone_count; i++) {
		const struct zone *z = zoneset_get_by_name(s->zones, s->cfg.zones[i].name);

		evbuffer_add_printf(out, "%s{\"name\":", i ? "," : "");
		json_string(out, s->cfg.zones[i].name);
		evbuffer_add_printf(out, ",\"served\":%s,\"serial\":%u}", z ? "true" : "false",
				    z ? z->serial : 0);
	}
	evbuffer_add_printf(out, "],\"sites\":[");
	for (uint32_t i = 0; s->engine && i < health_engine_site_count(s->engine); i++) {
		if (!health_engine_site_info(s->engine, i, &info))
			continue;
		if (!first)
			evbuffer_add(out, ",", 1);
		first = false;
		json_site(s, i, &info, out);
	}
	evbuffer_add_printf(out, "],\"transitions\":[");
	json_transitions(s, out);
	evbuffer_add_printf(out, "],\"failovers\":[");
	json_failovers(s, out, client);
	evbuffer_add_printf(out, "]}\n");
}
