/* One running VRRP instance: its socket, state machine, timers, VIPs, announcements,
 * tracking, claim gate and hooks, on the main loop. */
#ifndef BATON_VIP_INSTANCE_H
#define BATON_VIP_INSTANCE_H

#include <stdbool.h>
#include <stdint.h>

#include "health/vip/conf.h"
#include "health/vip/fsm.h"
#include "health/vip/gate.h"
#include "health/vip/vrrp.h"

struct event_base;
struct vip_instance;
struct vip_notifier;

#define VIP_REASON_MAX 256

struct vip_counters {
	uint64_t adverts_sent;
	uint64_t adverts_received; /* accepted and for our VRID */
	uint64_t drops[VRRP_DROP_KINDS];
	uint64_t transitions[VRRP_STATES][VRRP_STATES]; /* [from][to] */
	uint64_t vips_added, vips_removed; /* addresses netlink added or removed */
	uint64_t witness[VIP_GATE_WITNESS_NONE + 1]; /* by outcome; [0] unused */
	uint64_t fence[VIP_GATE_FENCE_TIMEOUT + 1]; /* by outcome; [0] unused */
};

/* What /status.json and /metrics show of an instance besides its counters. */
struct vip_instance_status {
	enum vrrp_state state;
	uint8_t priority; /* effective: configured less tracking weights */
	bool has_master; /* a master is known: us, or the sender of the adverts we follow */
	bool master_is_self;
	struct vip_addr master;
	bool has_transition;
	enum vrrp_state last_from, last_to;
	int64_t last_unix_ms; /* wall clock of the last transition */
	char last_reason[VIP_REASON_MAX];
	uint64_t garp_sent, na_sent;
	uint32_t master_down_ms; /* Master_Down_Interval at our priority and the master's advert */
};

/* Opens `conf` on `base`: resolves the interface, removes VIPs a crashed run left behind,
 * opens the sockets and starts tracking, then enters BACKUP (or MASTER at priority 255) on the
 * loop's first turn. `notifier` runs the hooks. Errors are logged with the instance's name.
 * Returns 0 or -errno; *out untouched on failure. Before serving only. */
int vip_instance_new(struct vip_instance **out, struct event_base *base,
		     const struct vip_instance_conf *conf, struct vip_notifier *notifier);

/* The Shutdown event: a master sends priority 0 and removes its VIPs; the stop hook runs.
 * The instance stays allocated (and silent) until vip_instance_free(). */
void vip_instance_stop(struct vip_instance *inst);

/* Closes everything; NULL is a no-op. */
void vip_instance_free(struct vip_instance *inst);

const struct vip_counters *vip_instance_counters(const struct vip_instance *inst);

/* Fills *out with the instance's state now. */
void vip_instance_status(const struct vip_instance *inst, struct vip_instance_status *out);

const struct vip_instance_conf *vip_instance_conf(const struct vip_instance *inst);

/* Logs one line of counters. */
void vip_instance_log_counters(const struct vip_instance *inst);

#endif
