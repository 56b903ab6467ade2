/* Notify hooks: `command INSTANCE NAME STATE PRIORITY` on every transition, as keepalived's
 * generic notify script is called (STATE is MASTER, BACKUP, FAULT or STOP). Hooks run through
 * health's exec probe (no shell, pidfd reaping) and are killed after VIP_NOTIFY_TIMEOUT_MS. */
#ifndef BATON_VIP_NOTIFY_H
#define BATON_VIP_NOTIFY_H

#include <stdint.h>

#include "health/vip/conf.h"

#define VIP_NOTIFY_TIMEOUT_MS 10000

struct event_base;
struct vip_notifier;

/* Returns 0 or -ENOMEM; *out untouched on failure. */
int vip_notifier_new(struct vip_notifier **out, struct event_base *base);

/* Kills hooks still running; NULL is a no-op. */
void vip_notifier_free(struct vip_notifier *n);

/* Starts `command` (a vip.conf command line) for instance `inst`. A hook that cannot start or
 * fails is logged, never fatal. */
void vip_notifier_run(struct vip_notifier *n, const char *command,
		      const struct vip_instance_conf *inst, const char *state, uint8_t priority);

/* Hooks still running. */
unsigned vip_notifier_pending(const struct vip_notifier *n);

#endif
