/* The VIP reports a member holds, grouped by site. A node is master for a site when its latest
 * report says so and it is live; two live masters (a split brain) are both shown. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "baton/json.h"
#include "baton/prom.h"
#include "health/gossip/member.h"
#include "health/gossip/vip_status.h"

/* Sites shown; more is a configuration nobody runs (32 instances per node). */
#define SITES_MAX 256

static const char *const state_names[4] = { "init", "backup", "master", "fault" };

struct site_view {
	char name[GOSSIP_VIP_NAME_MAX + 1];
	unsigned masters, reports;
	const char *master; /* the last live master's node */
	int64_t moved_wall_ms; /* the master's last change, else the latest change; -1 unknown */
};

struct view {
	struct site_view sites[SITES_MAX];
	unsigned count;
};

/* When the instance's state last changed, by the reporter's clock; -1 when never. */
static int64_t changed_ms(const struct gossip_vip_seen *v)
{
	if (v->inst.changed_age_ms == GOSSIP_VIP_NEVER)
		return -1;
	return v->signed_wall_ms - (int64_t)v->inst.changed_age_ms;
}

static struct site_view *site_of(struct view *w, const char *name)
{
	for (unsigned i = 0; i < w->count; i++)
		if (strcmp(w->sites[i].name, name) == 0)
			return &w->sites[i];
	if (w->count == SITES_MAX)
		return NULL;
	memset(&w->sites[w->count], 0, sizeof(w->sites[0]));
	snprintf(w->sites[w->count].name, sizeof(w->sites[0].name), "%s", name);
	w->sites[w->count].moved_wall_ms = -1;
	return &w->sites[w->count++];
}

static void build(struct view *w, const struct gossip_member *m)
{
	struct gossip_vip_seen v;

	w->count = 0;
	for (uint32_t mb = 0; mb < m->kr->member_count; mb++) {
		for (uint32_t i = 0; gossip_node_vip_seen(m->node, mb, i, &v); i++) {
			struct site_view *s = site_of(w, v.inst.site);
			bool master = v.live && v.inst.state == 2;

			if (s == NULL)
				continue;
			s->reports++;
			if (master) {
				/* the first master found sets the time; a second one is shown as such */
				if (s->masters++ == 0)
					s->moved_wall_ms = changed_ms(&v);
				s->master = v.member;
			} else if (s->masters == 0 && changed_ms(&v) > s->moved_wall_ms) {
				s->moved_wall_ms = changed_ms(&v);
			}
		}
	}
}

static void iso_ms(int64_t ms, char *buf, size_t size)
{
	struct tm tm;
	time_t t = (time_t)(ms / 1000);
	char whole[32];

	if (ms < 0) {
		snprintf(buf, size, "unknown");
		return;
	}
	gmtime_r(&t, &tm);
	strftime(whole, sizeof(whole), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%01dZ", whole, (int)(ms % 1000 / 100));
}

static void addr_text(const struct gossip_vip_addr *a, char *buf, size_t size)
{
	char text[INET6_ADDRSTRLEN];

	inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, a->addr, text, sizeof(text));
	snprintf(buf, size, "%s/%u", text, a->prefix);
}

static void node_text(struct evbuffer *out, const struct gossip_vip_seen *v, int64_t now_ms)
{
	char changed[40], addr[64];

	iso_ms(changed_ms(v), changed, sizeof(changed));
	evbuffer_add_printf(out,
			    "  vip node %s (region %s, %s) instance %s: %s, priority %u, "
			    "master-down %u ms, changed %s, reported %.1f s ago, vips",
			    v->member, v->region, v->live ? "live" : "not live", v->inst.name,
			    state_names[v->inst.state], v->inst.priority, v->inst.master_down_ms,
			    changed, (double)(now_ms - v->heard_ms) / 1000);
	for (uint8_t a = 0; a < v->inst.addr_count; a++) {
		addr_text(&v->inst.addrs[a], addr, sizeof(addr));
		evbuffer_add_printf(out, " %s", addr);
	}
	evbuffer_add(out, "\n", 1);
}

void gossip_vip_status_text(struct evbuffer *out, const struct gossip_member *m)
{
	static struct view w;
	int64_t now = gossip_now_ms();
	struct gossip_vip_seen v;
	char moved[40];

	build(&w, m);
	for (unsigned s = 0; s < w.count; s++) {
		const struct site_view *sv = &w.sites[s];

		iso_ms(sv->moved_wall_ms, moved, sizeof(moved));
		if (sv->masters == 0)
			evbuffer_add_printf(out, "vip site %s: no master, last change %s\n",
					    sv->name, moved);
		else
			evbuffer_add_printf(out, "vip site %s: master %s since %s%s\n", sv->name,
					    sv->master, moved,
					    sv->masters > 1 ? " (more than one live master)" : "");
		for (uint32_t mb = 0; mb < m->kr->member_count; mb++)
			for (uint32_t i = 0; gossip_node_vip_seen(m->node, mb, i, &v); i++)
				if (strcmp(v.inst.site, sv->name) == 0)
					node_text(out, &v, now);
	}
}

static void node_json(struct evbuffer *out, const struct gossip_vip_seen *v, int64_t now_ms)
{
	char addr[64];

	evbuffer_add_printf(out, "{\"node\":");
	json_string(out, v->member);
	evbuffer_add_printf(out, ",\"region\":");
	json_string(out, v->region);
	evbuffer_add_printf(out, ",\"instance\":");
	json_string(out, v->inst.name);
	evbuffer_add_printf(out,
			    ",\"live\":%s,\"state\":\"%s\",\"priority\":%u,\"master_down_ms\":%u,"
			    "\"changed_ms\":%lld,\"signed_ms\":%lld,\"age_ms\":%lld,\"vips\":[",
			    v->live ? "true" : "false", state_names[v->inst.state],
			    v->inst.priority, v->inst.master_down_ms, (long long)changed_ms(v),
			    (long long)v->signed_wall_ms, (long long)(now_ms - v->heard_ms));
	for (uint8_t a = 0; a < v->inst.addr_count; a++) {
		addr_text(&v->inst.addrs[a], addr, sizeof(addr));
		evbuffer_add_printf(out, "%s\"%s\"", a ? "," : "", addr);
	}
	evbuffer_add_printf(out, "]}");
}

void gossip_vip_status_json(struct evbuffer *out, const struct gossip_member *m)
{
	static struct view w;
	int64_t now = gossip_now_ms();
	struct gossip_vip_seen v;

	build(&w, m);
	if (w.count == 0)
		return;
	evbuffer_add_printf(out, "\"vip\":[");
	for (unsigned s = 0; s < w.count; s++) {
		const struct site_view *sv = &w.sites[s];
		bool first = true;

		evbuffer_add_printf(out, "%s{\"site\":", s ? "," : "");
		json_string(out, sv->name);
		evbuffer_add_printf(out, ",\"master\":");
		if (sv->masters > 0)
			json_string(out, sv->master);
		else
			evbuffer_add_printf(out, "null");
		evbuffer_add_printf(out, ",\"masters\":%u,\"moved_ms\":%lld,\"nodes\":[",
				    sv->masters, (long long)sv->moved_wall_ms);
		for (uint32_t mb = 0; mb < m->kr->member_count; mb++) {
			for (uint32_t i = 0; gossip_node_vip_seen(m->node, mb, i, &v); i++) {
				if (strcmp(v.inst.site, sv->name) != 0)
					continue;
				if (!first)
					evbuffer_add(out, ",", 1);
				first = false;
				node_json(out, &v, now);
			}
		}
		evbuffer_add_printf(out, "]}");
	}
	evbuffer_add_printf(out, "],");
}

void gossip_vip_status_metrics(struct evbuffer *out, const struct gossip_member *m)
{
	static struct view w;
	struct gossip_vip_seen v;
	int64_t now = gossip_now_ms();

	build(&w, m);
	prom_header(
		out, "baton_vip_report_state", "gauge",
		"1 for the state a VRRP node last reported for its instance, 0 for the others.");
	for (uint32_t mb = 0; mb < m->kr->member_count; mb++) {
		for (uint32_t i = 0; gossip_node_vip_seen(m->node, mb, i, &v); i++) {
			for (unsigned st = 0; st < 4; st++) {
				const char *kv[] = { "site",   v.inst.site,	"node",
						     v.member, "instance",	v.inst.name,
						     "state",  state_names[st], NULL };

				prom_sample(out, "baton_vip_report_state", kv, v.inst.state == st);
			}
		}
	}
	prom_header(out, "baton_vip_report_priority", "gauge",
		    "The effective VRRP priority a node last reported for its instance.");
	for (uint32_t mb = 0; mb < m->kr->member_count; mb++) {
		for (uint32_t i = 0; gossip_node_vip_seen(m->node, mb, i, &v); i++) {
			const char *kv[] = { "site",	 v.inst.site, "node", v.member,
					     "instance", v.inst.name, NULL };

			prom_sample(out, "baton_vip_report_priority", kv, v.inst.priority);
		}
	}
	prom_header(out, "baton_vip_report_age_seconds", "gauge",
		    "Seconds since the node's latest VIP report was accepted.");
	for (uint32_t mb = 0; mb < m->kr->member_count; mb++) {
		for (uint32_t i = 0; gossip_node_vip_seen(m->node, mb, i, &v); i++) {
			const char *kv[] = { "site",	 v.inst.site, "node", v.member,
					     "instance", v.inst.name, NULL };

			prom_sample(out, "baton_vip_report_age_seconds", kv,
				    (uint64_t)(now - v.heard_ms) / 1000);
		}
	}
	prom_header(out, "baton_vip_site_masters", "gauge",
		    "Live nodes that report themselves master of the site (1 is healthy).");
	for (unsigned s = 0; s < w.count; s++) {
		const char *kv[] = { "site", w.sites[s].name, NULL };

		prom_sample(out, "baton_vip_site_masters", kv, w.sites[s].masters);
	}
	prom_header(out, "baton_vip_site_moved_timestamp_seconds", "gauge",
		    "When the site's VIP last moved (its master's last change), Unix seconds.");
	for (unsigned s = 0; s < w.count; s++) {
		const char *kv[] = { "site", w.sites[s].name, NULL };

		if (w.sites[s].moved_wall_ms >= 0)
			prom_sample(out, "baton_vip_site_moved_timestamp_seconds", kv,
				    (uint64_t)w.sites[s].moved_wall_ms / 1000);
	}
}
