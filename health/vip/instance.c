/* One VRRP instance on the main loop: the state machine's actions made real. */
#include "autoconfig.h"

#include <errno.h>
#include <event2/event.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "baton/clock.h"
#include "baton/log.h"
#include "health/vip/announce.h"
#include "health/vip/fsm.h"
#include "health/vip/gate.h"
#include "health/vip/instance.h"
#include "health/vip/net.h"
#include "health/vip/netlink.h"
#include "health/vip/notify.h"
#include "health/vip/track.h"

#define WHY_MAX VIP_REASON_MAX

struct vip_instance {
	const struct vip_instance_conf *conf;
	struct event_base *base;
	int ifindex;
	struct vrrp_fsm fsm;
	struct vrrp_sock sock;
	struct vip_announcer an;
	struct event *sock_ev;
	struct event *timer; /* the state machine's deadline */
	struct event *burst_ev; /* the rest of an announcement burst */
	unsigned burst_left;
	struct event *refresh_ev; /* periodic announcements while master */
	struct vip_tracker *tracker;
	struct vip_gate *gate;
	struct vip_notifier *notifier;
	struct vip_counters counters;
	bool stopped;
	char why[WHY_MAX]; /* the reason of a transition that the state machine did not give */
	char refused_why[WHY_MAX]; /* the last refused claim's reason, and when it was logged */
	int64_t refused_us;
	bool has_master; /* in backup: the sender of the last advert with a priority */
	uint8_t master[16];
	bool has_transition;
	enum vrrp_state last_from, last_to;
	int64_t last_unix_ms;
	char last_reason[WHY_MAX];
};

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static struct timeval ms_tv(uint32_t ms)
{
	struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 };

	return tv;
}

static void arm(struct vip_instance *inst)
{
	int64_t delay = inst->fsm.deadline_us - now_us();
	struct timeval tv;

	evtimer_del(inst->timer);
	if (inst->stopped || (inst->fsm.state != VRRP_BACKUP && inst->fsm.state != VRRP_MASTER))
		return;
	if (delay < 0)
		delay = 0;
	tv.tv_sec = (time_t)(delay / 1000000);
	tv.tv_usec = (suseconds_t)(delay % 1000000);
	evtimer_add(inst->timer, &tv);
}

static void send_advert(struct vip_instance *inst, uint8_t priority)
{
	struct vrrp_advert a = { .vrid = inst->conf->vrid,
				 .priority = priority,
				 .interval_cs = inst->conf->advert_cs,
				 .family = inst->conf->family };
	int rc;

	for (unsigned i = 0; i < inst->conf->vip_count && a.count < VRRP_ADDRS_MAX; i++)
		if (inst->conf->vips[i].family == a.family)
			memcpy(a.addrs[a.count++], inst->conf->vips[i].addr, 16);
	rc = vrrp_sock_send(&inst->sock, &a);
	if (rc == 0)
		inst->counters.adverts_sent++;
	else
		log_debug("vip %s: advert not sent: %s", inst->conf->name, strerror(-rc));
}

static void set_vips(struct vip_instance *inst, bool add)
{
	char text[INET6_ADDRSTRLEN];

	for (unsigned i = 0; i < inst->conf->vip_count; i++) {
		const struct vip_addr *v = &inst->conf->vips[i];
		int rc =
			add ? vip_netlink_add(inst->ifindex, v) : vip_netlink_del(inst->ifindex, v);

		if (rc > 0 && add)
			inst->counters.vips_added++;
		else if (rc > 0)
			inst->counters.vips_removed++;
		if (rc < 0)
			log_err("vip %s: cannot %s %s/%u on %s: %s", inst->conf->name,
				add ? "add" : "remove", vip_addr_text(v, text), v->prefix,
				inst->conf->ifname, strerror(-rc));
	}
}

static void announce(struct vip_instance *inst)
{
	struct timeval tv = ms_tv(inst->conf->garp_interval_ms);

	vip_announce_once(&inst->an);
	inst->burst_left = inst->conf->garp_count - 1;
	if (inst->burst_left > 0)
		evtimer_add(inst->burst_ev, &tv);
}

static void on_burst(evutil_socket_t fd, short what, void *arg)
{
	struct vip_instance *inst = arg;
	struct timeval tv = ms_tv(inst->conf->garp_interval_ms);

	(void)fd;
	(void)what;
	if (inst->fsm.state != VRRP_MASTER || inst->burst_left == 0)
		return;
	vip_announce_once(&inst->an);
	if (--inst->burst_left > 0)
		evtimer_add(inst->burst_ev, &tv);
}

static void on_refresh(evutil_socket_t fd, short what, void *arg)
{
	struct vip_instance *inst = arg;

	(void)fd;
	(void)what;
	if (inst->fsm.state == VRRP_MASTER)
		vip_announce_once(&inst->an);
}

static const char *hook_state(enum vrrp_state s)
{
	switch (s) {
	case VRRP_MASTER: return "MASTER";
	case VRRP_BACKUP: return "BACKUP";
	case VRRP_FAULT: return "FAULT";
	case VRRP_INIT: break;
	}
	return "STOP";
}

/* One line per transition, with its reason (relayd's hce.c style), and the hooks. */
static void transition(struct vip_instance *inst, enum vrrp_state before, const char *why)
{
	const struct vip_instance_conf *c = inst->conf;
	enum vrrp_state after = inst->fsm.state;
	const char *specific = after == VRRP_MASTER   ? c->notify_master
			       : after == VRRP_BACKUP ? c->notify_backup
			       : after == VRRP_FAULT  ? c->notify_fault
						      : c->notify_stop;

	if (after == before)
		return;
	log_info("vip %s: %s -> %s (%s; priority %u)", c->name, vrrp_state_name(before),
		 vrrp_state_name(after), why ? why : inst->fsm.reason, inst->fsm.priority);
	inst->counters.transitions[before][after]++;
	inst->has_transition = true;
	inst->last_from = before;
	inst->last_to = after;
	inst->last_unix_ms = clock_wall_ms();
	snprintf(inst->last_reason, sizeof(inst->last_reason), "%s", why ? why : inst->fsm.reason);
	if (after != VRRP_BACKUP)
		inst->has_master = false;
	if (specific != NULL)
		vip_notifier_run(inst->notifier, specific, c, hook_state(after),
				 inst->fsm.priority);
	if (c->notify != NULL)
		vip_notifier_run(inst->notifier, c->notify, c, hook_state(after),
				 inst->fsm.priority);
}

static void apply(struct vip_instance *inst, unsigned act, enum vrrp_state before, const char *why);

/* A refused claim is retried every Master_Down_Interval for as long as the partition lasts:
 * one line when the reason changes, and a reminder every minute, not one per retry. */
static void refused(struct vip_instance *inst, const char *why)
{
	int64_t now = now_us();

	if (strcmp(why, inst->refused_why) == 0 && now - inst->refused_us < 60000000)
		return;
	snprintf(inst->refused_why, sizeof(inst->refused_why), "%s", why);
	inst->refused_us = now;
	log_warn("vip %s: not claiming the VIPs: %s; retrying every Master_Down_Interval",
		 inst->conf->name, why);
}

static void on_gate(void *arg, const struct vip_gate_result *r)
{
	struct vip_instance *inst = arg;
	enum vrrp_state before = inst->fsm.state;
	char reason[WHY_MAX];

	inst->gate = NULL;
	inst->counters.witness[r->witness]++;
	inst->counters.fence[r->fence]++;
	snprintf(reason, sizeof(reason), "%s; %s", inst->fsm.reason, r->why);
	if (!r->ok)
		refused(inst, r->why);
	apply(inst, vrrp_fsm_claim(&inst->fsm, now_us(), r->ok), before, reason);
}

static unsigned claim(struct vip_instance *inst)
{
	uint8_t src4[4] = { 0 };
	int rc;

	if (!vip_gate_is_needed(inst->conf))
		return vrrp_fsm_claim(&inst->fsm, now_us(), true);
	if (inst->conf->family == AF_INET)
		memcpy(src4, inst->sock.src, 4);
	rc = vip_gate_start(&inst->gate, inst->base, inst->conf, inst->ifindex, src4, on_gate,
			    inst);
	if (rc == 0)
		return 0;
	refused(inst, strerror(-rc));
	return vrrp_fsm_claim(&inst->fsm, now_us(), false);
}

static void apply(struct vip_instance *inst, unsigned act, enum vrrp_state before, const char *why)
{
	struct timeval refresh = ms_tv(inst->conf->garp_refresh_ms);

	if (act & VRRP_ACT_CANCEL_CLAIM) {
		vip_gate_cancel(inst->gate);
		inst->gate = NULL;
	}
	if (act & VRRP_ACT_SEND_PRIO0)
		send_advert(inst, 0);
	if (act & VRRP_ACT_TO_BACKUP) {
		set_vips(inst, false);
		evtimer_del(inst->burst_ev);
		evtimer_del(inst->refresh_ev);
	}
	if (act & VRRP_ACT_SEND_ADVERT)
		send_advert(inst, inst->fsm.priority);
	if (act & VRRP_ACT_TO_MASTER) {
		set_vips(inst, true);
		announce(inst);
		if (inst->conf->garp_refresh_ms > 0)
			evtimer_add(inst->refresh_ev, &refresh);
	}
	if (act & VRRP_ACT_ANNOUNCE)
		announce(inst);
	transition(inst, before, why);
	if (act & VRRP_ACT_CLAIM) {
		enum vrrp_state pre = inst->fsm.state;
		unsigned more = claim(inst);

		if (more != 0) {
			apply(inst, more, pre, NULL);
			return;
		}
	}
	arm(inst);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct vip_instance *inst = arg;
	enum vrrp_state before = inst->fsm.state;
	int64_t now = now_us();

	(void)fd;
	(void)what;
	if (inst->fsm.claiming && inst->gate != NULL)
		return; /* the gate bounds itself (witness-timeout, fence-timeout) and re-arms us */
	apply(inst, vrrp_fsm_timer(&inst->fsm, now), before, NULL);
}

static void on_packet(evutil_socket_t fd, short what, void *arg)
{
	struct vip_instance *inst = arg;
	struct vrrp_advert a;
	uint8_t src[16];
	enum vrrp_drop why;

	(void)fd;
	(void)what;
	while (vrrp_sock_recv(&inst->sock, &a, src, &why) > 0) {
		enum vrrp_state before = inst->fsm.state;

		if (why == VRRP_ACCEPT && a.vrid != inst->conf->vrid)
			why = VRRP_DROP_VRID;
		if (why != VRRP_ACCEPT) {
			inst->counters.drops[why]++;
			continue;
		}
		inst->counters.adverts_received++;
		if (inst->stopped)
			continue;
		apply(inst, vrrp_fsm_advert(&inst->fsm, now_us(), &a, src), before, NULL);
		if (inst->fsm.state == VRRP_BACKUP) {
			/* a priority 0 says its sender is leaving: no master until the next */
			inst->has_master = a.priority != 0;
			memcpy(inst->master, src, 16);
		}
	}
}

static void on_track(void *arg)
{
	struct vip_instance *inst = arg;
	enum vrrp_state before = inst->fsm.state;
	uint8_t old = inst->fsm.priority, prio;
	bool fault;
	unsigned act = 0;

	if (inst->stopped)
		return;
	vip_tracker_eval(inst->tracker, &prio, &fault, inst->why, sizeof(inst->why));
	vrrp_fsm_set_priority(&inst->fsm, prio);
	if (prio != old && !fault)
		log_info("vip %s: priority %u -> %u (%s)", inst->conf->name, old, prio,
			 inst->why[0] ? inst->why : "all tracked up");
	if (fault)
		act = vrrp_fsm_fault(&inst->fsm, now_us());
	else if (before == VRRP_FAULT)
		act = vrrp_fsm_recover(&inst->fsm, now_us());
	apply(inst, act, before, inst->why[0] ? inst->why : "all tracked up");
}

static void on_start(evutil_socket_t fd, short what, void *arg)
{
	struct vip_instance *inst = arg;

	uint8_t prio;
	bool fault;

	(void)fd;
	(void)what;
	/* tracking speaks first: a node whose link is down starts in FAULT, not BACKUP */
	vip_tracker_eval(inst->tracker, &prio, &fault, inst->why, sizeof(inst->why));
	vrrp_fsm_set_priority(&inst->fsm, prio);
	if (fault)
		apply(inst, vrrp_fsm_fault(&inst->fsm, now_us()), VRRP_INIT, inst->why);
	else
		apply(inst, vrrp_fsm_start(&inst->fsm, now_us()), VRRP_INIT, NULL);
}

const struct vip_counters *vip_instance_counters(const struct vip_instance *inst)
{
	return &inst->counters;
}

const struct vip_instance_conf *vip_instance_conf(const struct vip_instance *inst)
{
	return inst->conf;
}

void vip_instance_status(const struct vip_instance *inst, struct vip_instance_status *out)
{
	memset(out, 0, sizeof(*out));
	out->state = inst->fsm.state;
	out->priority = inst->fsm.priority;
	out->master.family = inst->conf->family;
	out->master.prefix = inst->conf->family == AF_INET ? 32 : 128;
	out->master_is_self = inst->fsm.state == VRRP_MASTER;
	out->has_master =
		out->master_is_self || (inst->fsm.state == VRRP_BACKUP && inst->has_master);
	memcpy(out->master.addr, out->master_is_self ? inst->fsm.primary : inst->master, 16);
	out->has_transition = inst->has_transition;
	out->last_from = inst->last_from;
	out->last_to = inst->last_to;
	out->last_unix_ms = inst->last_unix_ms;
	memcpy(out->last_reason, inst->last_reason, sizeof(out->last_reason));
	out->garp_sent = inst->an.garp_sent;
	out->na_sent = inst->an.na_sent;
	out->master_down_ms =
		(uint32_t)(vrrp_master_down_us(inst->fsm.priority, inst->fsm.master_adver_cs) /
			   1000);
}

void vip_instance_log_counters(const struct vip_instance *inst)
{
	const struct vip_counters *c = &inst->counters;
	char drops[256] = "";
	size_t n = 0;

	for (int k = 1; k < VRRP_DROP_KINDS && n < sizeof(drops); k++)
		n += (size_t)snprintf(drops + n, sizeof(drops) - n, " %s=%llu",
				      vrrp_drop_name((enum vrrp_drop)k),
				      (unsigned long long)c->drops[k]);
	log_info("vip %s: %s, priority %u, sent=%llu received=%llu, dropped:%s", inst->conf->name,
		 vrrp_state_name(inst->fsm.state), inst->fsm.priority,
		 (unsigned long long)c->adverts_sent, (unsigned long long)c->adverts_received,
		 drops);
}

void vip_instance_stop(struct vip_instance *inst)
{
	enum vrrp_state before = inst->fsm.state;

	if (inst->stopped)
		return;
	apply(inst, vrrp_fsm_shutdown(&inst->fsm), before, NULL);
	inst->stopped = true;
	evtimer_del(inst->timer);
	evtimer_del(inst->burst_ev);
	evtimer_del(inst->refresh_ev);
}

void vip_instance_free(struct vip_instance *inst)
{
	if (inst == NULL)
		return;
	vip_gate_cancel(inst->gate);
	vip_tracker_free(inst->tracker);
	if (inst->sock_ev != NULL)
		event_free(inst->sock_ev);
	if (inst->timer != NULL)
		event_free(inst->timer);
	if (inst->burst_ev != NULL)
		event_free(inst->burst_ev);
	if (inst->refresh_ev != NULL)
		event_free(inst->refresh_ev);
	vrrp_sock_close(&inst->sock);
	vip_announce_close(&inst->an);
	free(inst);
}

static int open_all(struct vip_instance *inst)
{
	const struct vip_instance_conf *c = inst->conf;
	struct vip_addr from = { .family = c->family };
	uint8_t *src = from.addr;
	char text[INET6_ADDRSTRLEN];
	int rc;

	/* a crashed run (SIGKILL) left its VIPs: whoever is master now owns them */
	set_vips(inst, false);
	rc = vrrp_sock_source(c, src);
	if (rc < 0) {
		log_err("vip %s: %s has no %s address to send adverts from", c->name, c->ifname,
			c->family == AF_INET ? "IPv4" : "IPv6 link-local");
		return rc;
	}
	rc = vrrp_sock_open(&inst->sock, c, inst->ifindex, src);
	if (rc < 0) {
		log_err("vip %s: VRRP socket on %s: %s", c->name, c->ifname, strerror(-rc));
		return rc;
	}
	rc = vip_announce_open(&inst->an, c, inst->ifindex);
	if (rc < 0) {
		log_err("vip %s: announcement sockets on %s: %s", c->name, c->ifname,
			strerror(-rc));
		return rc;
	}
	vrrp_fsm_init(&inst->fsm, c->priority, c->advert_cs, c->preempt, c->preempt_delay_ms,
		      c->family, src);
	log_info("vip %s: vrid %u on %s from %s, priority %u, advert %u cs, %s", c->name, c->vrid,
		 c->ifname, vip_addr_text(&from, text), c->priority, c->advert_cs,
		 c->peer_count ? "unicast" : "multicast");
	return 0;
}

int vip_instance_new(struct vip_instance **out, struct event_base *base,
		     const struct vip_instance_conf *conf, struct vip_notifier *notifier)
{
	struct vip_instance *inst = calloc(1, sizeof(*inst));
	struct timeval now = { 0, 0 };
	int rc = -ENOMEM;

	if (inst == NULL)
		return -ENOMEM;
	inst->conf = conf;
	inst->base = base;
	inst->notifier = notifier;
	inst->sock.fd = inst->an.arp_fd = inst->an.icmp6_fd = -1;
	inst->ifindex = (int)if_nametoindex(conf->ifname);
	if (inst->ifindex == 0) {
		log_err("vip %s: %s:%u: no interface %s", conf->name, conf->file, conf->line,
			conf->ifname);
		free(inst);
		return -ENODEV;
	}
	inst->timer = evtimer_new(base, on_timer, inst);
	inst->burst_ev = evtimer_new(base, on_burst, inst);
	inst->refresh_ev = event_new(base, -1, EV_PERSIST, on_refresh, inst);
	if (inst->timer == NULL || inst->burst_ev == NULL || inst->refresh_ev == NULL)
		goto fail;
	rc = open_all(inst);
	if (rc < 0)
		goto fail;
	rc = -ENOMEM;
	inst->sock_ev = event_new(base, inst->sock.fd, EV_READ | EV_PERSIST, on_packet, inst);
	if (inst->sock_ev == NULL || event_add(inst->sock_ev, NULL) < 0)
		goto fail;
	rc = vip_tracker_new(&inst->tracker, base, conf, on_track, inst);
	if (rc < 0) {
		log_err("vip %s: tracking: %s", conf->name, strerror(-rc));
		goto fail;
	}
	event_base_once(base, -1, EV_TIMEOUT, on_start, inst, &now);
	*out = inst;
	return 0;
fail:
	vip_instance_free(inst);
	return rc;
}
