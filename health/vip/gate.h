/* The claim gate: what must hold before a backup whose master went silent may take the VIPs.
 * Silence is ambiguous (the master died, or we are cut off from it), so the gate asks the
 * witnesses first (at least one must answer ARP or ping within witness-timeout: a node that
 * cannot reach any is the one cut off) and then runs the fencing command (it must exit 0
 * within fence-timeout: the old master is powered off or isolated). Any no keeps us backup. */
#ifndef BATON_VIP_GATE_H
#define BATON_VIP_GATE_H

#include <stdbool.h>
#include <stdint.h>

#include "health/vip/conf.h"

struct event_base;
struct vip_gate;

enum vip_gate_witness {
	VIP_GATE_WITNESS_NOT_ASKED,
	VIP_GATE_WITNESS_ANSWERED,
	VIP_GATE_WITNESS_NONE
};
enum vip_gate_fence {
	VIP_GATE_FENCE_NOT_RUN,
	VIP_GATE_FENCE_OK,
	VIP_GATE_FENCE_FAILED,
	VIP_GATE_FENCE_TIMEOUT
};

/* A gate's verdict: `ok`, what the witnesses and the fence said (for the metrics), and a
 * reason ("witness 192.0.2.254 answered ARP, fence failed: exit 1"). */
struct vip_gate_result {
	bool ok;
	enum vip_gate_witness witness;
	enum vip_gate_fence fence;
	const char *why;
};

/* Called once from the loop with the verdict; the gate is already freed, `r` lives only for
 * the call. */
typedef void vip_gate_done_fn(void *arg, const struct vip_gate_result *r);

/* Has `conf` anything to ask? Without witnesses and fencing the gate is skipped. */
bool vip_gate_is_needed(const struct vip_instance_conf *conf);

/* Starts the gate. `src4` is our IPv4 address for ARP (zeros when we have none). Returns 0 or
 * -errno (then `done` will not be called). */
int vip_gate_start(struct vip_gate **out, struct event_base *base,
		   const struct vip_instance_conf *conf, int ifindex, const uint8_t src4[4],
		   vip_gate_done_fn *done, void *arg);

/* Stops a running gate: probes cancelled, the fencing command killed; `done` is not called.
 * NULL is a no-op. */
void vip_gate_cancel(struct vip_gate *g);

#endif
