/* baton-vip as a member of the gossip channel (vip.conf's `gossip {` block, role vip in the
 * trusted keys): every round it signs and sends each instance's state (docs/gossip.md, "VIP
 * reports"). Main loop only. */
#ifndef BATON_VIP_GOSSIP_H
#define BATON_VIP_GOSSIP_H

#include "baton/diag.h"
#include "health/vip/conf.h"
#include "health/vip/instance.h"

struct event_base;
struct vip_gossip;

/* Reads the keys and binds the gossip socket of conf->gossip (from `path`). Every mistake goes
 * to d as file:line with the fix (a member whose trusted-keys role is not vip included).
 * Returns 0, -EINVAL (d says why) or -ENOMEM; *out untouched on failure. Before serving. */
int vip_gossip_open(struct vip_gossip **out, const struct vip_conf *conf, const char *path,
		    struct event_base *base, struct diag *d);

/* Starts the rounds; each reports instances[0 .. count) (borrowed, must outlive g), and a
 * change of state, priority or VIPs goes out at once after the round that sees it. Returns 0
 * or -ENOMEM. */
int vip_gossip_start(struct vip_gossip *g, struct vip_instance *const *instances, unsigned count);

/* The node, for /metrics and /status.json; NULL when g is. */
const struct gossip_member *vip_gossip_member(const struct vip_gossip *g);

/* Closes the socket and frees; NULL is a no-op. */
void vip_gossip_free(struct vip_gossip *g);

#endif
