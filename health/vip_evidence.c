/* The rule that lets a site's own VRRP nodes take it down (health/vip_evidence.h). */
#include "autoconfig.h"

#include <stdint.h>
#include <stdio.h>

#include "health/vip_evidence.h"

#define STATE_MASTER 2
#define STATE_FAULT 3

void vip_tracker_init(struct vip_tracker *t)
{
	t->first_ms = -1;
	t->master_ms = -1;
}

static int64_t later(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

void vip_evidence_judge(struct vip_tracker *t, const struct vip_report *r, size_t n, int64_t now_ms,
			struct vip_judgement *out)
{
	int64_t last_master, newest = INT64_MIN;

	*out = (struct vip_judgement){ .evidence = VIP_EVIDENCE_NONE };
	last_master = t->master_ms;
	for (size_t i = 0; i < n; i++) {
		if (!r[i].live)
			continue;
		out->live++;
		out->fault += r[i].state == STATE_FAULT;
		out->masters += r[i].state == STATE_MASTER;
		if (r[i].master_down_ms > out->master_down_ms)
			out->master_down_ms = r[i].master_down_ms;
		/* a node that was master stopped being one at its last change at the latest */
		last_master = later(last_master, r[i].changed_ms);
		newest = later(newest, r[i].heard_ms);
	}
	if (out->live == 0) {
		/* a cut-off site falls silent: the probers' quorum decides, as without vip= */
		t->first_ms = -1;
		return;
	}
	if (t->first_ms < 0)
		t->first_ms = now_ms;
	if (out->masters > 0) {
		t->master_ms = now_ms;
		return;
	}
	out->no_master_ms = later(0, newest - later(last_master, t->first_ms));
	if (out->fault == out->live || out->no_master_ms > (int64_t)out->master_down_ms)
		out->evidence = VIP_EVIDENCE_DOWN;
}

void vip_evidence_text(const struct vip_judgement *j, const char *instance, char *buf, size_t size)
{
	if (j->live > 0 && j->fault == j->live)
		snprintf(buf, size, "vip %s: %u/%u nodes FAULT", instance, j->fault, j->live);
	else
		snprintf(buf, size,
			 "vip %s: no master for %.1f s (master-down %.1f s, %u/%u nodes master)",
			 instance, (double)j->no_master_ms / 1000, (double)j->master_down_ms / 1000,
			 j->masters, j->live);
}
