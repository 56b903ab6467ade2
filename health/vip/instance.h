/* One running VRRP instance: its socket, state machine, timers, VIPs, announcements,
 * tracking, claim gate and hooks, on the main loop. */
#ifndef BATON_VIP_INSTANCE_H
#define BATON_VIP_INSTANCE_H

#include <stdint.h>

#include "health/vip/conf.h"
#include "health/vip/vrrp.h"

struct event_base;
struct vip_instance;
struct vip_notifier;

struct vip_counters {
	uint64_t adverts_sent;
	uint64_t adverts_received; /* accepted and for our VRID */
	uint64_t drops[VRRP_DROP_KINDS];
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

/* Logs one line of counters. */
void vip_instance_log_counters(const struct vip_instance *inst);

#endif
