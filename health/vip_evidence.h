/* Evidence from inside a site: the signed reports of the VRRP nodes that hold its address
 * ($SITE vip=) say the site is down before any remote check can (docs/design.md, "VIP
 * failover inside a site"). Reports only ever take a site down; silence says nothing. */
#ifndef BATON_VIP_EVIDENCE_H
#define BATON_VIP_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One node's latest report for the site's instance. */
struct vip_report {
	bool live; /* its member is live; a report from a silent member is no evidence */
	uint8_t state; /* enum vrrp_state: 0 init, 1 backup, 2 master, 3 fault */
	uint32_t master_down_ms; /* its Master_Down_Interval (RFC 9568 section 6.1) */
	int64_t changed_ms; /* its last state change on now_ms's scale, or -1 unknown */
	int64_t heard_ms; /* when we accepted it, on now_ms's scale */
};

/* What the judge remembers of one (site, instance) between rounds. */
struct vip_tracker {
	int64_t first_ms; /* when the present run of live reports began; -1: silent */
	int64_t master_ms; /* when a live report last said master; -1: never */
};

enum vip_evidence { VIP_EVIDENCE_NONE, VIP_EVIDENCE_DOWN };

struct vip_judgement {
	enum vip_evidence evidence;
	unsigned live, fault, masters;
	uint32_t master_down_ms; /* the largest a live report gives */
	int64_t no_master_ms; /* how long no live node has been master (0 with a master) */
};

void vip_tracker_init(struct vip_tracker *t);

/* Judges the `n` reports `r` of one (site, instance) at now_ms, and updates `t`:
 * DOWN when some report is live and every live one is FAULT, or when no live node has been
 * master for longer than the largest live Master_Down_Interval; NONE otherwise, and always
 * when no report is live. "No master for longer" is measured from the last master seen, the
 * latest state change reported and the start of the present run of reports (a batond that
 * just started or just heard the site again waits an interval), up to the newest report
 * heard, not to now: nodes that stopped talking (killed, cut off) are live until their
 * members' dead-after, and their last words must not turn into evidence as time passes.
 * No allocation. */
void vip_evidence_judge(struct vip_tracker *t, const struct vip_report *r, size_t n, int64_t now_ms,
			struct vip_judgement *out);

/* "vip web: 2/2 nodes FAULT" or "vip web: no master for 4.1 s (master-down 3.6 s, 0/2
 * nodes master)", for the log and status. */
void vip_evidence_text(const struct vip_judgement *j, const char *instance, char *buf, size_t size);

#endif
