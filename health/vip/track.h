/* What an instance tracks: its own interface (link down forces FAULT, as keepalived does),
 * the interfaces and checks of its track-interface and track-check lines. Checks run as
 * batond's do (health/target.c: cadence, timeout, rise/fall); link changes arrive by
 * netlink. The instance asks for the resulting priority and fault whenever told of a change. */
#ifndef BATON_VIP_TRACK_H
#define BATON_VIP_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "health/vip/conf.h"

struct event_base;
struct vip_tracker;

/* Called from the loop when something tracked changed state. */
typedef void vip_track_changed_fn(void *arg);

/* Starts tracking. Returns 0 or -errno/-ENOMEM; *out untouched on failure. */
int vip_tracker_new(struct vip_tracker **out, struct event_base *base,
		    const struct vip_instance_conf *conf, vip_track_changed_fn *changed, void *arg);

/* Stops every check and the netlink monitor; NULL is a no-op. */
void vip_tracker_free(struct vip_tracker *t);

/* The configured priority less the weights of what is down (kept within 1..254 once any
 * weight applies), whether a down `fault` track forces FAULT, and why, in a few words. */
void vip_tracker_eval(const struct vip_tracker *t, uint8_t *priority, bool *fault, char *why,
		      size_t why_size);

#endif
