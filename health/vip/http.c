/* /metrics and /status.json for baton-vip. The families are listed in docs/vip.md,
 * "Metrics and status"; tests/lab/vip_track.sh scrapes them. */
#include "autoconfig.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <stdlib.h>
#include <time.h>

#include "baton/json.h"
#include "baton/prom.h"
#include "baton/http_listen.h"
#include "health/vip/http.h"
#include "health/vip/instance.h"

struct vip_http {
	struct http_listen *listen;
	struct vip_instance *const *instances;
	unsigned count;
	int64_t start_unix_s;
};

/* `name{instance="web"[,key="value"]} n`: one sample of one instance. */
static void sample(struct evbuffer *out, const char *name, const struct vip_instance *inst,
		   const char *key, const char *value, uint64_t n)
{
	evbuffer_add_printf(out, "%s{", name);
	prom_label(out, "instance", vip_instance_conf(inst)->name, true);
	if (key != NULL)
		prom_label(out, key, value, false);
	evbuffer_add_printf(out, "} %llu\n", (unsigned long long)n);
}

static const enum vrrp_state states[VRRP_STATES] = { VRRP_INIT, VRRP_BACKUP, VRRP_MASTER,
						     VRRP_FAULT };

static void state_families(struct evbuffer *out, struct vip_instance *const *v, unsigned count)
{
	struct vip_instance_status st;

	prom_header(
		out, "baton_vip_state", "gauge",
		"1 for the instance's VRRP state (init, backup, master, fault), 0 for the others.");
	for (unsigned i = 0; i < count; i++) {
		vip_instance_status(v[i], &st);
		for (unsigned s = 0; s < VRRP_STATES; s++)
			sample(out, "baton_vip_state", v[i], "state", vrrp_state_name(states[s]),
			       st.state == states[s]);
	}
	prom_header(out, "baton_vip_priority", "gauge", "The configured priority.");
	for (unsigned i = 0; i < count; i++)
		sample(out, "baton_vip_priority", v[i], NULL, NULL,
		       vip_instance_conf(v[i])->priority);
	prom_header(
		out, "baton_vip_effective_priority", "gauge",
		"The priority advertised: configured less the weights of what tracking sees down.");
	for (unsigned i = 0; i < count; i++) {
		vip_instance_status(v[i], &st);
		sample(out, "baton_vip_effective_priority", v[i], NULL, NULL, st.priority);
	}
	prom_header(out, "baton_vip_last_transition_timestamp_seconds", "gauge",
		    "Unix time of the last state change.");
	for (unsigned i = 0; i < count; i++) {
		vip_instance_status(v[i], &st);
		if (st.has_transition)
			sample(out, "baton_vip_last_transition_timestamp_seconds", v[i], NULL, NULL,
			       (uint64_t)(st.last_unix_ms / 1000));
	}
	prom_header(out, "baton_vip_transitions_total", "counter",
		    "State changes, by the state left and the state entered.");
	for (unsigned i = 0; i < count; i++) {
		const struct vip_counters *c = vip_instance_counters(v[i]);

		for (unsigned f = 0; f < VRRP_STATES; f++)
			for (unsigned t = 0; t < VRRP_STATES; t++) {
				if (c->transitions[f][t] == 0)
					continue;
				evbuffer_add_printf(out, "baton_vip_transitions_total{");
				prom_label(out, "instance", vip_instance_conf(v[i])->name, true);
				prom_label(out, "from", vrrp_state_name(states[f]), false);
				prom_label(out, "to", vrrp_state_name(states[t]), false);
				evbuffer_add_printf(out, "} %llu\n",
						    (unsigned long long)c->transitions[f][t]);
			}
	}
}

static void advert_families(struct evbuffer *out, struct vip_instance *const *v, unsigned count)
{
	prom_header(out, "baton_vip_adverts_sent_total", "counter",
		    "VRRP adverts sent (to the group, or once per unicast peer round).");
	for (unsigned i = 0; i < count; i++)
		sample(out, "baton_vip_adverts_sent_total", v[i], NULL, NULL,
		       vip_instance_counters(v[i])->adverts_sent);
	prom_header(out, "baton_vip_adverts_received_total", "counter",
		    "VRRP adverts accepted for the instance's VRID.");
	for (unsigned i = 0; i < count; i++)
		sample(out, "baton_vip_adverts_received_total", v[i], NULL, NULL,
		       vip_instance_counters(v[i])->adverts_received);
	prom_header(
		out, "baton_vip_adverts_dropped_total", "counter",
		"VRRP packets dropped, by kind (short, ttl, version, type, checksum, vrid, peer, "
		"interval).");
	for (unsigned i = 0; i < count; i++)
		for (int k = 1; k < VRRP_DROP_KINDS; k++)
			sample(out, "baton_vip_adverts_dropped_total", v[i], "kind",
			       vrrp_drop_name((enum vrrp_drop)k),
			       vip_instance_counters(v[i])->drops[k]);
}

static void action_families(struct evbuffer *out, struct vip_instance *const *v, unsigned count)
{
	static const char *const witness[] = {
		[VIP_GATE_WITNESS_ANSWERED] = "answered", [VIP_GATE_WITNESS_NONE] = "no_answer"
	};
	static const char *const fence[] = { [VIP_GATE_FENCE_OK] = "ok",
					     [VIP_GATE_FENCE_FAILED] = "failed",
					     [VIP_GATE_FENCE_TIMEOUT] = "timeout" };
	struct vip_instance_status st;

	prom_header(out, "baton_vip_address_changes_total", "counter",
		    "VIPs added to or removed from the interface by netlink, by op (add, remove).");
	for (unsigned i = 0; i < count; i++) {
		sample(out, "baton_vip_address_changes_total", v[i], "op", "add",
		       vip_instance_counters(v[i])->vips_added);
		sample(out, "baton_vip_address_changes_total", v[i], "op", "remove",
		       vip_instance_counters(v[i])->vips_removed);
	}
	prom_header(out, "baton_vip_announcements_total", "counter",
		    "Announcements sent, by kind (garp: gratuitous ARP, na: unsolicited NA).");
	for (unsigned i = 0; i < count; i++) {
		vip_instance_status(v[i], &st);
		sample(out, "baton_vip_announcements_total", v[i], "kind", "garp", st.garp_sent);
		sample(out, "baton_vip_announcements_total", v[i], "kind", "na", st.na_sent);
	}
	prom_header(out, "baton_vip_witness_total", "counter",
		    "Claim gates that asked the witnesses, by outcome (answered, no_answer).");
	for (unsigned i = 0; i < count; i++)
		for (unsigned o = VIP_GATE_WITNESS_ANSWERED; o <= VIP_GATE_WITNESS_NONE; o++)
			sample(out, "baton_vip_witness_total", v[i], "outcome", witness[o],
			       vip_instance_counters(v[i])->witness[o]);
	prom_header(out, "baton_vip_fence_total", "counter",
		    "Fencing commands run, by outcome (ok, failed, timeout).");
	for (unsigned i = 0; i < count; i++)
		for (unsigned o = VIP_GATE_FENCE_OK; o <= VIP_GATE_FENCE_TIMEOUT; o++)
			sample(out, "baton_vip_fence_total", v[i], "outcome", fence[o],
			       vip_instance_counters(v[i])->fence[o]);
}

void vip_http_metrics(struct evbuffer *out, struct vip_instance *const *instances, unsigned count,
		      int64_t start_unix_s)
{
	state_families(out, instances, count);
	advert_families(out, instances, count);
	action_families(out, instances, count);
	prom_header(out, "baton_vip_start_time_seconds", "gauge", "Unix time baton-vip started.");
	evbuffer_add_printf(out, "baton_vip_start_time_seconds %lld\n", (long long)start_unix_s);
}

/* A JSON string: quotes, backslashes and control characters escaped (RFC 8259 §7). */
static void json_instance(struct evbuffer *out, const struct vip_instance *inst)
{
	const struct vip_instance_conf *c = vip_instance_conf(inst);
	const struct vip_counters *n = vip_instance_counters(inst);
	struct vip_instance_status st;
	char text[INET6_ADDRSTRLEN];

	vip_instance_status(inst, &st);
	evbuffer_add_printf(out, "{\"name\":");
	json_string(out, c->name);
	evbuffer_add_printf(out, ",\"interface\":");
	json_string(out, c->ifname);
	evbuffer_add_printf(out,
			    ",\"vrid\":%u,\"state\":\"%s\",\"priority\":%u,"
			    "\"effective_priority\":%u,\"advert_cs\":%u,\"master\":",
			    c->vrid, vrrp_state_name(st.state), c->priority, st.priority,
			    c->advert_cs);
	if (st.has_master)
		evbuffer_add_printf(out, "{\"address\":\"%s\",\"self\":%s}",
				    vip_addr_text(&st.master, text),
				    st.master_is_self ? "true" : "false");
	else
		evbuffer_add_printf(out, "null");
	evbuffer_add_printf(out, ",\"vips\":[");
	for (unsigned i = 0; i < c->vip_count; i++)
		evbuffer_add_printf(out, "%s\"%s/%u\"", i ? "," : "",
				    vip_addr_text(&c->vips[i], text), c->vips[i].prefix);
	evbuffer_add_printf(out, "],\"last_transition\":");
	if (st.has_transition) {
		evbuffer_add_printf(out,
				    "{\"from\":\"%s\",\"to\":\"%s\",\"unix_ms\":%lld,\"reason\":",
				    vrrp_state_name(st.last_from), vrrp_state_name(st.last_to),
				    (long long)st.last_unix_ms);
		json_string(out, st.last_reason);
		evbuffer_add(out, "}", 1);
	} else {
		evbuffer_add_printf(out, "null");
	}
	evbuffer_add_printf(out, ",\"adverts_sent\":%llu,\"adverts_received\":%llu}",
			    (unsigned long long)n->adverts_sent,
			    (unsigned long long)n->adverts_received);
}

void vip_http_status_json(struct evbuffer *out, struct vip_instance *const *instances,
			  unsigned count)
{
	evbuffer_add_printf(out, "{\"instances\":[");
	for (unsigned i = 0; i < count; i++) {
		if (i > 0)
			evbuffer_add(out, ",", 1);
		json_instance(out, instances[i]);
	}
	evbuffer_add_printf(out, "]}\n");
}

static void page_metrics(struct evbuffer *out, const struct sockaddr *peer, void *arg)
{
	const struct vip_http *h = arg;

	(void)peer;
	vip_http_metrics(out, h->instances, h->count, h->start_unix_s);
}

static void page_status_json(struct evbuffer *out, const struct sockaddr *peer, void *arg)
{
	const struct vip_http *h = arg;

	(void)peer;
	vip_http_status_json(out, h->instances, h->count);
}

int vip_http_open(struct vip_http **out, struct event_base *base,
		  const struct sockaddr_storage *addr, const struct http_listen_limits *limits,
		  struct vip_instance *const *instances, unsigned count)
{
	struct vip_http *h = calloc(1, sizeof(*h));
	struct timespec ts;
	int rc;

	if (h == NULL)
		return -ENOMEM;
	rc = http_listen_open(&h->listen, base, addr, limits, "/metrics and /status.json");
	if (rc < 0) {
		free(h);
		return rc;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	h->start_unix_s = ts.tv_sec;
	h->instances = instances;
	h->count = count;
	http_listen_pages(h->listen, page_metrics, page_status_json, h);
	*out = h;
	return 0;
}

void vip_http_free(struct vip_http *h)
{
	if (h == NULL)
		return;
	http_listen_free(h->listen);
	free(h);
}
