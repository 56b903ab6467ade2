/* The VRRPv3 state machine of one virtual router (RFC 9568 §6.4), without sockets or clocks:
 * the caller passes the time in and performs the actions that come back, so the unit tests
 * can walk every transition and check every timer. */
#ifndef BATON_VRRP_FSM_H
#define BATON_VRRP_FSM_H

#include <stdbool.h>
#include <stdint.h>

#include "health/vip/vrrp.h"

enum vrrp_state { VRRP_INIT, VRRP_BACKUP, VRRP_MASTER, VRRP_FAULT };
#define VRRP_STATES 4

/* What the caller must do after an event, as bits. */
enum vrrp_action {
	VRRP_ACT_SEND_ADVERT = 1 << 0, /* send an advert with fsm->priority */
	VRRP_ACT_SEND_PRIO0 = 1 << 1, /* send an advert with priority 0: we are leaving */
	VRRP_ACT_CLAIM = 1 << 2, /* the master is gone: run the claim gate, then vrrp_fsm_claim() */
	VRRP_ACT_TO_MASTER = 1 << 3, /* add the VIPs and announce them */
	VRRP_ACT_TO_BACKUP = 1 << 4, /* remove the VIPs */
	VRRP_ACT_ANNOUNCE = 1 << 5, /* announce the VIPs again (a lower priority master heard) */
	VRRP_ACT_CANCEL_CLAIM = 1 << 6, /* a running claim gate is moot: a master spoke */
};

struct vrrp_fsm {
	enum vrrp_state state;
	uint8_t priority; /* effective: configured, less tracking weights */
	uint16_t adver_cs; /* ours */
	uint16_t master_adver_cs; /* learned from the master's adverts (RFC 9568 §6.1) */
	bool preempt;
	uint32_t preempt_delay_ms; /* hold off preempting a lower master this long after we
	                            * first hear it */
	int64_t lower_since_us; /* first advert from a lower priority master, or -1 */
	bool claiming; /* the Master_Down_Timer fired and the claim gate runs */
	bool handoff; /* the running Master_Down_Timer is the Skew_Time after a priority 0 */
	int64_t deadline_us; /* Master_Down_Timer in backup, Adver_Timer in master */
	int family;
	uint8_t primary[16]; /* our address in adverts' source field, for the tie-break */
	const char *reason; /* why the last transition happened, static text */
};

/* RFC 9568 §6.1, in microseconds so 1 cs intervals keep their skew:
 * Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256 and
 * Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time. */
int64_t vrrp_skew_us(uint8_t priority, uint16_t master_adver_cs);
int64_t vrrp_master_down_us(uint8_t priority, uint16_t master_adver_cs);

/* Initialises *f in INIT; nothing is sent until vrrp_fsm_start(). */
void vrrp_fsm_init(struct vrrp_fsm *f, uint8_t priority, uint16_t adver_cs, bool preempt,
		   uint32_t preempt_delay_ms, int family, const uint8_t *primary);

/* The Startup event (§6.4.1): priority 255 becomes master at once, anything else backup. */
unsigned vrrp_fsm_start(struct vrrp_fsm *f, int64_t now_us);

/* The timer of the current state reached its deadline (call when now >= f->deadline_us). */
unsigned vrrp_fsm_timer(struct vrrp_fsm *f, int64_t now_us);

/* The claim gate (witness, fencing) said yes: backup becomes master. A no (`ok` false) keeps
 * us backup and waits a whole Master_Down_Interval before trying again. */
unsigned vrrp_fsm_claim(struct vrrp_fsm *f, int64_t now_us, bool ok);

/* An accepted advert for our VRID, from `src` (family-sized). */
unsigned vrrp_fsm_advert(struct vrrp_fsm *f, int64_t now_us, const struct vrrp_advert *a,
			 const uint8_t *src);

/* Tracking changed our priority (1..254); a master's next advert carries it. */
void vrrp_fsm_set_priority(struct vrrp_fsm *f, uint8_t priority);

/* Tracking forces FAULT (a master sends priority 0 and drops the VIPs), or lifts it. */
unsigned vrrp_fsm_fault(struct vrrp_fsm *f, int64_t now_us);
unsigned vrrp_fsm_recover(struct vrrp_fsm *f, int64_t now_us);

/* The Shutdown event (§6.4.3): a master hands off with priority 0; back to INIT. */
unsigned vrrp_fsm_shutdown(struct vrrp_fsm *f);

/* "init", "backup", "master", "fault". */
const char *vrrp_state_name(enum vrrp_state s);

#endif
