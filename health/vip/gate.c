/* The claim gate: witnesses by ping (health's icmp probe) or ARP, then the fencing command
 * (health's exec probe). */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "health/probe.h"
#include "health/vip/announce.h"
#include "health/vip/gate.h"

enum phase { PHASE_WITNESS, PHASE_FENCE };

/* What a ping's callback gets: the gate and which witness. */
struct slot {
	struct vip_gate *g;
	unsigned i;
};

struct vip_gate {
	const struct vip_instance_conf *conf;
	enum phase phase;
	struct event *timer; /* the phase's timeout, or the next step from the loop */
	struct zone_check ping; /* an icmp check for the ping witnesses */
	void *probes[VIP_WITNESSES_MAX]; /* running pings, and the fence in probes[0] */
	struct slot slots[VIP_WITNESSES_MAX];
	unsigned pending; /* witnesses still to answer */
	int arp_fd;
	struct event *arp_ev;
	uint8_t mac[6];
	bool finished, ok;
	enum vip_gate_witness witness_outcome;
	enum vip_gate_fence fence_outcome;
	char witness[INET6_ADDRSTRLEN + 32]; /* which witness answered, for the reason */
	char why[PROBE_REASON_MAX + 96];
	vip_gate_done_fn *done;
	void *arg;
};

bool vip_gate_is_needed(const struct vip_instance_conf *conf)
{
	return conf->witness_count > 0 || conf->has_fence;
}

static void to_sockaddr(const struct vip_addr *a, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = (sa_family_t)a->family;
	if (a->family == AF_INET)
		memcpy(&((struct sockaddr_in *)ss)->sin_addr, a->addr, 4);
	else
		memcpy(&((struct sockaddr_in6 *)ss)->sin6_addr, a->addr, 16);
}

static void stop_probes(struct vip_gate *g)
{
	for (unsigned i = 0; i < VIP_WITNESSES_MAX; i++) {
		if (g->probes[i] != NULL)
			(g->phase == PHASE_FENCE ? &probe_exec : &probe_icmp)->cancel(g->probes[i]);
		g->probes[i] = NULL;
	}
	if (g->arp_ev != NULL)
		event_free(g->arp_ev);
	if (g->arp_fd >= 0)
		close(g->arp_fd);
	g->arp_ev = NULL;
	g->arp_fd = -1;
}

void vip_gate_cancel(struct vip_gate *g)
{
	if (g == NULL)
		return;
	stop_probes(g);
	event_free(g->timer);
	free(g);
}

/* Ends the gate from the loop's next turn: `done` may free the caller, which holds us. */
static void conclude(struct vip_gate *g, bool ok, const char *what, const char *detail)
{
	struct timeval now = { 0, 0 };

	stop_probes(g);
	g->finished = true;
	g->ok = ok;
	snprintf(g->why, sizeof(g->why), "%s%s%s%s", g->witness,
		 g->witness[0] && what[0] ? ", " : "", what, detail);
	evtimer_del(g->timer);
	evtimer_add(g->timer, &now);
}

static void start_fence(struct vip_gate *g);

static void witness_answered(struct vip_gate *g, const char *how, const struct vip_addr *a)
{
	char text[INET6_ADDRSTRLEN];

	snprintf(g->witness, sizeof(g->witness), "witness %s answered %s", vip_addr_text(a, text),
		 how);
	g->witness_outcome = VIP_GATE_WITNESS_ANSWERED;
	if (!g->conf->has_fence) {
		conclude(g, true, "", "");
		return;
	}
	stop_probes(g);
	start_fence(g);
}

static void witness_failed(struct vip_gate *g)
{
	if (--g->pending == 0) {
		g->witness_outcome = VIP_GATE_WITNESS_NONE;
		conclude(g, false, "no witness answered", "");
	}
}

static void on_ping(void *arg, const struct probe_result *r)
{
	const struct slot *s = arg;
	struct vip_gate *g = s->g;
	unsigned i = s->i;

	g->probes[i] = NULL;
	if (r->up)
		witness_answered(g, "ping", &g->conf->witnesses[i].addr);
	else
		witness_failed(g);
}

static void on_arp(evutil_socket_t fd, short what, void *arg)
{
	struct vip_gate *g = arg;
	uint8_t buf[64];
	ssize_t n;

	(void)what;
	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) >= VIP_ARP_LEN) {
		if (buf[6] != 0 || buf[7] != 2) /* replies only */
			continue;
		for (unsigned i = 0; i < g->conf->witness_count; i++) {
			const struct vip_witness *w = &g->conf->witnesses[i];

			if (w->method == VIP_WITNESS_ARP &&
			    memcmp(buf + 14, w->addr.addr, 4) == 0) {
				witness_answered(g, "ARP", &w->addr);
				return;
			}
		}
	}
}

static int start_arp(struct vip_gate *g, struct event_base *base, int ifindex,
		     const uint8_t src4[4])
{
	static const uint8_t zero[6], bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct sockaddr_ll ll = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_ARP),
				  .sll_ifindex = ifindex,
				  .sll_halen = 6 };

	g->arp_fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ARP));
	if (g->arp_fd < 0 || bind(g->arp_fd, (struct sockaddr *)&ll, sizeof(ll)) < 0 ||
	    vip_iface_mac(g->conf->ifname, g->mac) < 0)
		return -errno;
	g->arp_ev = event_new(base, g->arp_fd, EV_READ | EV_PERSIST, on_arp, g);
	if (g->arp_ev == NULL || event_add(g->arp_ev, NULL) < 0)
		return -ENOMEM;
	memcpy(ll.sll_addr, bcast, 6);
	for (unsigned i = 0; i < g->conf->witness_count; i++) {
		const struct vip_witness *w = &g->conf->witnesses[i];
		uint8_t msg[VIP_ARP_LEN];

		if (w->method != VIP_WITNESS_ARP)
			continue;
		vip_arp_encode(msg, 1, g->mac, src4, zero, w->addr.addr);
		/* a request that cannot go out is a witness that does not answer */
		sendto(g->arp_fd, msg, sizeof(msg), 0, (struct sockaddr *)&ll, sizeof(ll));
	}
	return 0;
}

static void start_pings(struct vip_gate *g, struct event_base *base)
{
	for (unsigned i = 0; i < g->conf->witness_count; i++) {
		struct sockaddr_storage ss;
		const char *why = "";

		if (g->conf->witnesses[i].method != VIP_WITNESS_PING)
			continue;
		to_sockaddr(&g->conf->witnesses[i].addr, &ss);
		g->slots[i].g = g;
		g->slots[i].i = i;
		g->probes[i] = probe_icmp.start(base, &g->ping, &ss, on_ping, &g->slots[i], &why);
		if (g->probes[i] == NULL)
			g->pending--; /* counted as no answer; the others may still say yes */
	}
}

static void on_fence(void *arg, const struct probe_result *r)
{
	struct vip_gate *g = arg;

	g->probes[0] = NULL;
	g->fence_outcome = r->up ? VIP_GATE_FENCE_OK : VIP_GATE_FENCE_FAILED;
	conclude(g, r->up, r->up ? "fence succeeded: " : "fence failed: ", r->reason);
}

static void start_fence(struct vip_gate *g)
{
	struct timeval tv = { g->conf->fence.timeout_ms / 1000,
			      (g->conf->fence.timeout_ms % 1000) * 1000 };
	struct sockaddr_storage ss;
	const char *why = "cannot start";

	g->phase = PHASE_FENCE;
	to_sockaddr(&g->conf->vips[0], &ss);
	g->probes[0] =
		probe_exec.start(event_get_base(g->timer), &g->conf->fence, &ss, on_fence, g, &why);
	if (g->probes[0] == NULL) {
		g->fence_outcome = VIP_GATE_FENCE_FAILED;
		conclude(g, false, "fence failed: ", why);
		return;
	}
	evtimer_del(g->timer);
	evtimer_add(g->timer, &tv);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct vip_gate *g = arg;
	vip_gate_done_fn *done = g->done;
	void *done_arg = g->arg;
	char why[sizeof(g->why)];
	struct vip_gate_result r;

	(void)fd;
	(void)what;
	if (!g->finished) {
		if (g->phase == PHASE_FENCE)
			g->fence_outcome = VIP_GATE_FENCE_TIMEOUT;
		else
			g->witness_outcome = VIP_GATE_WITNESS_NONE;
		conclude(g, false,
			 g->phase == PHASE_FENCE ? "fence timed out"
						 : "no witness answered in time",
			 "");
		return;
	}
	memcpy(why, g->why, sizeof(why));
	r = (struct vip_gate_result){
		.ok = g->ok, .witness = g->witness_outcome, .fence = g->fence_outcome, .why = why
	};
	vip_gate_cancel(g);
	done(done_arg, &r);
}

int vip_gate_start(struct vip_gate **out, struct event_base *base,
		   const struct vip_instance_conf *conf, int ifindex, const uint8_t src4[4],
		   vip_gate_done_fn *done, void *arg)
{
	struct vip_gate *g = calloc(1, sizeof(*g));
	struct timeval tv = { conf->witness_timeout_ms / 1000,
			      (conf->witness_timeout_ms % 1000) * 1000 };
	bool arp = false;
	int rc = 0;

	if (g == NULL)
		return -ENOMEM;
	g->conf = conf;
	g->done = done;
	g->arg = arg;
	g->arp_fd = -1;
	g->timer = evtimer_new(base, on_timer, g);
	if (g->timer == NULL) {
		free(g);
		return -ENOMEM;
	}
	*out = g;
	if (conf->witness_count == 0) {
		start_fence(g);
		return 0;
	}
	g->ping.name = "witness";
	g->ping.kind = CHECK_ICMP;
	g->ping.timeout_ms = conf->witness_timeout_ms;
	g->ping.interval_ms = conf->witness_timeout_ms + 1;
	g->pending = conf->witness_count;
	for (unsigned i = 0; i < conf->witness_count; i++)
		arp |= conf->witnesses[i].method == VIP_WITNESS_ARP;
	if (arp)
		rc = start_arp(g, base, ifindex, src4);
	if (rc < 0) {
		vip_gate_cancel(g);
		return rc;
	}
	evtimer_add(g->timer, &tv);
	start_pings(g, base);
	if (g->pending == 0) {
		g->witness_outcome = VIP_GATE_WITNESS_NONE;
		conclude(g, false, "no witness could be asked", "");
	}
	return 0;
}
