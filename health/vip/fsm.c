/* The VRRPv3 state machine (RFC 9568 §6.4), driven by the caller's clock. */
#include "autoconfig.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "health/vip/fsm.h"

int64_t vrrp_skew_us(uint8_t priority, uint16_t master_adver_cs)
{
	return (int64_t)(256 - priority) * master_adver_cs * 10000 / 256;
}

int64_t vrrp_master_down_us(uint8_t priority, uint16_t master_adver_cs)
{
	return 3 * (int64_t)master_adver_cs * 10000 + vrrp_skew_us(priority, master_adver_cs);
}

const char *vrrp_state_name(enum vrrp_state s)
{
	switch (s) {
	case VRRP_INIT: return "init";
	case VRRP_BACKUP: return "backup";
	case VRRP_MASTER: return "master";
	case VRRP_FAULT: return "fault";
	}
	return "unknown";
}

void vrrp_fsm_init(struct vrrp_fsm *f, uint8_t priority, uint16_t adver_cs, bool preempt,
		   uint32_t preempt_delay_ms, int family, const uint8_t *primary)
{
	memset(f, 0, sizeof(*f));
	f->state = VRRP_INIT;
	f->priority = priority;
	f->adver_cs = f->master_adver_cs = adver_cs;
	f->preempt = preempt;
	f->preempt_delay_ms = preempt_delay_ms;
	f->lower_since_us = -1;
	f->family = family;
	memcpy(f->primary, primary, family == AF_INET6 ? 16 : 4);
	f->reason = "configured";
}

static unsigned to_master(struct vrrp_fsm *f, int64_t now_us, const char *reason)
{
	f->state = VRRP_MASTER;
	f->claiming = false;
	f->lower_since_us = -1;
	f->deadline_us = now_us + (int64_t)f->adver_cs * 10000;
	f->reason = reason;
	return VRRP_ACT_SEND_ADVERT | VRRP_ACT_TO_MASTER;
}

static void wait_master(struct vrrp_fsm *f, int64_t now_us)
{
	f->deadline_us = now_us + vrrp_master_down_us(f->priority, f->master_adver_cs);
	f->handoff = false;
}

static unsigned to_backup(struct vrrp_fsm *f, int64_t now_us, const char *reason)
{
	unsigned act = f->state == VRRP_MASTER ? VRRP_ACT_TO_BACKUP : 0;

	f->state = VRRP_BACKUP;
	f->claiming = false;
	f->lower_since_us = -1;
	f->reason = reason;
	wait_master(f, now_us);
	return act;
}

unsigned vrrp_fsm_start(struct vrrp_fsm *f, int64_t now_us)
{
	if (f->state != VRRP_INIT)
		return 0;
	f->master_adver_cs = f->adver_cs;
	if (f->priority == 255)
		return to_master(f, now_us, "priority 255: address owner");
	return to_backup(f, now_us, "started");
}

unsigned vrrp_fsm_timer(struct vrrp_fsm *f, int64_t now_us)
{
	if (now_us < f->deadline_us)
		return 0;
	if (f->state == VRRP_MASTER) {
		/* from the deadline, not from now: a late wake-up must not stretch the cadence,
		 * unless we are so late that catching up would burst */
		f->deadline_us += (int64_t)f->adver_cs * 10000;
		if (f->deadline_us <= now_us)
			f->deadline_us = now_us + (int64_t)f->adver_cs * 10000;
		return VRRP_ACT_SEND_ADVERT;
	}
	if (f->state == VRRP_BACKUP && !f->claiming) {
		f->claiming = true;
		f->reason = f->handoff		     ? "master sent priority 0"
			    : f->lower_since_us >= 0 ? "preempting a lower priority master"
						     : "no advert within Master_Down_Interval";
		f->handoff = false;
		/* not a timer while the gate runs (it bounds itself); vrrp_fsm_claim() sets the
		 * next one */
		f->deadline_us = now_us + vrrp_master_down_us(f->priority, f->master_adver_cs);
		return VRRP_ACT_CLAIM;
	}
	return 0;
}

unsigned vrrp_fsm_claim(struct vrrp_fsm *f, int64_t now_us, bool ok)
{
	if (f->state != VRRP_BACKUP || !f->claiming)
		return 0;
	if (ok)
		return to_master(f, now_us, f->reason);
	f->claiming = false;
	wait_master(f, now_us);
	return 0;
}

static int compare_addr(const struct vrrp_fsm *f, const uint8_t *src)
{
	return memcmp(src, f->primary, f->family == AF_INET6 ? 16 : 4);
}

/* §6.4.2, Backup: a master at least as good as us, or any master when we may not preempt,
 * holds us back; a lower one is ignored so our timer runs out (after the preempt delay). */
static unsigned backup_advert(struct vrrp_fsm *f, int64_t now_us, const struct vrrp_advert *a)
{
	unsigned act = f->claiming ? VRRP_ACT_CANCEL_CLAIM : 0;

	if (a->priority == 0) {
		/* the master is leaving: take over after Skew_Time only */
		f->deadline_us = now_us + vrrp_skew_us(f->priority, f->master_adver_cs);
		f->claiming = false;
		f->handoff = true;
		return act;
	}
	if (!f->preempt || a->priority >= f->priority) {
		f->master_adver_cs = a->interval_cs;
		f->lower_since_us = -1;
		f->claiming = false;
		wait_master(f, now_us);
		return act;
	}
	if (f->lower_since_us < 0)
		f->lower_since_us = now_us;
	if (now_us - f->lower_since_us < (int64_t)f->preempt_delay_ms * 1000) {
		f->master_adver_cs = a->interval_cs;
		f->claiming = false;
		wait_master(f, now_us);
		return act;
	}
	return 0;
}

/* §6.4.3, Master: priority 0 asks us to speak at once; a better master (higher priority, or
 * equal with a greater address) takes over; a worse one hears from us at once, and its
 * clients get our announcement again. */
static unsigned master_advert(struct vrrp_fsm *f, int64_t now_us, const struct vrrp_advert *a,
			      const uint8_t *src)
{
	if (a->priority == 0) {
		f->deadline_us = now_us + (int64_t)f->adver_cs * 10000;
		return VRRP_ACT_SEND_ADVERT;
	}
	if (a->priority > f->priority || (a->priority == f->priority && compare_addr(f, src) > 0)) {
		f->master_adver_cs = a->interval_cs;
		return to_backup(f, now_us,
				 a->priority > f->priority
					 ? "higher priority master heard"
					 : "equal priority master with a greater address");
	}
	if (compare_addr(f, src) == 0)
		return 0; /* our own advert, looped back */
	return VRRP_ACT_SEND_ADVERT | VRRP_ACT_ANNOUNCE;
}

unsigned vrrp_fsm_advert(struct vrrp_fsm *f, int64_t now_us, const struct vrrp_advert *a,
			 const uint8_t *src)
{
	if (f->state == VRRP_BACKUP)
		return backup_advert(f, now_us, a);
	if (f->state == VRRP_MASTER)
		return master_advert(f, now_us, a, src);
	return 0;
}

void vrrp_fsm_set_priority(struct vrrp_fsm *f, uint8_t priority)
{
	f->priority = priority;
}

unsigned vrrp_fsm_fault(struct vrrp_fsm *f, int64_t now_us)
{
	unsigned act = 0;

	(void)now_us;
	if (f->state == VRRP_FAULT)
		return 0;
	if (f->state == VRRP_MASTER)
		act = VRRP_ACT_SEND_PRIO0 | VRRP_ACT_TO_BACKUP;
	if (f->claiming)
		act |= VRRP_ACT_CANCEL_CLAIM;
	f->state = VRRP_FAULT;
	f->claiming = false;
	return act;
}

unsigned vrrp_fsm_recover(struct vrrp_fsm *f, int64_t now_us)
{
	if (f->state != VRRP_FAULT)
		return 0;
	f->master_adver_cs = f->adver_cs;
	f->state = VRRP_INIT;
	return vrrp_fsm_start(f, now_us);
}

unsigned vrrp_fsm_shutdown(struct vrrp_fsm *f)
{
	unsigned act = 0;

	if (f->state == VRRP_MASTER)
		act = VRRP_ACT_SEND_PRIO0 | VRRP_ACT_TO_BACKUP;
	if (f->claiming)
		act |= VRRP_ACT_CANCEL_CLAIM;
	f->state = VRRP_INIT;
	f->claiming = false;
	f->reason = "stopping";
	return act;
}
