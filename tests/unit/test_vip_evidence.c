/* Unit tests for the VIP evidence rule (health/vip_evidence.c): fake reports, a fake clock. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "health/vip_evidence.h"

enum { INIT, BACKUP, MASTER, FAULT };

#define MDI 3600 /* ms: priority 100, advert 1 s */

static struct vip_report node(uint8_t state, int64_t changed_ms)
{
	return (struct vip_report){
		.live = true, .state = state, .master_down_ms = MDI, .changed_ms = changed_ms
	};
}

/* Each round every live node reports anew. */
static void fresh(struct vip_report *r, size_t n, int64_t now)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].live)
			r[i].heard_ms = now;
}

static enum vip_evidence judge(struct vip_tracker *t, struct vip_report *r, size_t n, int64_t now)
{
	struct vip_judgement j;

	fresh(r, n, now);
	vip_evidence_judge(t, r, n, now, &j);
	return j.evidence;
}

/* The reports as last heard: nobody spoke since. */
static enum vip_evidence judge_stale(struct vip_tracker *t, const struct vip_report *r, size_t n,
				     int64_t now)
{
	struct vip_judgement j;

	vip_evidence_judge(t, r, n, now, &j);
	return j.evidence;
}

static void test_all_fault_is_down_at_once(void **state)
{
	struct vip_report r[2] = { node(FAULT, 1000), node(FAULT, 1000) };
	struct vip_tracker t;
	struct vip_judgement j;
	char text[128];

	(void)state;
	vip_tracker_init(&t);
	/* the first round heard: FAULT needs no waiting */
	fresh(r, 2, 1000);
	vip_evidence_judge(&t, r, 2, 1000, &j);
	assert_int_equal(j.evidence, VIP_EVIDENCE_DOWN);
	vip_evidence_text(&j, "web", text, sizeof(text));
	assert_string_equal(text, "vip web: 2/2 nodes FAULT");
}

static void test_mixed_fault_backup_waits_for_mdi(void **state)
{
	struct vip_report r[2] = { node(FAULT, 1000), node(BACKUP, 1000) };
	struct vip_tracker t;

	(void)state;
	vip_tracker_init(&t);
	assert_int_equal(judge(&t, r, 2, 1000), VIP_EVIDENCE_NONE);
	assert_int_equal(judge(&t, r, 2, 1000 + MDI), VIP_EVIDENCE_NONE);
	assert_int_equal(judge(&t, r, 2, 1001 + MDI), VIP_EVIDENCE_DOWN);
}

static void test_master_present_is_no_evidence(void **state)
{
	struct vip_report r[2] = { node(FAULT, 0), node(MASTER, 0) };
	struct vip_tracker t;

	(void)state;
	vip_tracker_init(&t);
	for (int64_t now = 0; now < 100000; now += 1000)
		assert_int_equal(judge(&t, r, 2, now), VIP_EVIDENCE_NONE);
}

/* The master crashes (its member goes silent); the backup has not yet taken over. */
static void test_no_master_within_mdi(void **state)
{
	struct vip_report r[2] = { node(BACKUP, 0), node(MASTER, 0) };
	struct vip_tracker t;

	(void)state;
	vip_tracker_init(&t);
	assert_int_equal(judge(&t, r, 2, 10000), VIP_EVIDENCE_NONE);
	r[1].live = false;
	assert_int_equal(judge(&t, r, 2, 11000), VIP_EVIDENCE_NONE);
	assert_int_equal(judge(&t, r, 2, 10000 + MDI), VIP_EVIDENCE_NONE);
	/* the backup became master in time */
	r[0] = node(MASTER, 12000);
	assert_int_equal(judge(&t, r, 2, 20000), VIP_EVIDENCE_NONE);
}

static void test_no_master_past_mdi(void **state)
{
	struct vip_report r[2] = { node(BACKUP, 0), node(MASTER, 0) };
	struct vip_tracker t;
	struct vip_judgement j;
	char text[128];

	(void)state;
	vip_tracker_init(&t);
	assert_int_equal(judge(&t, r, 2, 10000), VIP_EVIDENCE_NONE);
	r[1] = node(BACKUP, 10500); /* it stepped down; nobody took over */
	assert_int_equal(judge(&t, r, 2, 11000), VIP_EVIDENCE_NONE);
	assert_int_equal(judge(&t, r, 2, 10500 + MDI), VIP_EVIDENCE_NONE);
	fresh(r, 2, 10501 + MDI);
	vip_evidence_judge(&t, r, 2, 10501 + MDI, &j);
	assert_int_equal(j.evidence, VIP_EVIDENCE_DOWN);
	vip_evidence_text(&j, "web", text, sizeof(text));
	assert_string_equal(text,
			    "vip web: no master for 3.6 s (master-down 3.6 s, 0/2 nodes master)");
}

/* The largest interval counts: a low-priority node waits longer before it takes over. */
static void test_largest_mdi_counts(void **state)
{
	struct vip_report r[2] = { node(BACKUP, 0), node(BACKUP, 0) };
	struct vip_tracker t;

	(void)state;
	r[1].master_down_ms = 2 * MDI;
	vip_tracker_init(&t);
	assert_int_equal(judge(&t, r, 2, 0), VIP_EVIDENCE_NONE);
	assert_int_equal(judge(&t, r, 2, MDI + 1), VIP_EVIDENCE_NONE);
	assert_int_equal(judge(&t, r, 2, 2 * MDI + 1), VIP_EVIDENCE_DOWN);
}

/* A batond that starts, or hears a site again, waits an interval before "no master" counts,
 * even when the reports' last changes are old: a master may have just gone silent. */
static void test_first_heard_waits(void **state)
{
	struct vip_report r[1] = { node(BACKUP, 0) };
	struct vip_tracker t;

	(void)state;
	vip_tracker_init(&t);
	assert_int_equal(judge(&t, r, 1, 100000), VIP_EVIDENCE_NONE);
	assert_int_equal(judge(&t, r, 1, 100000 + MDI + 1), VIP_EVIDENCE_DOWN);
	/* silence, then the same reports again: the wait starts over */
	r[0].live = false;
	assert_int_equal(judge(&t, r, 1, 200000), VIP_EVIDENCE_NONE);
	r[0].live = true;
	assert_int_equal(judge(&t, r, 1, 300000), VIP_EVIDENCE_NONE);
	assert_int_equal(judge(&t, r, 1, 300000 + MDI + 1), VIP_EVIDENCE_DOWN);
}

static void test_silence_is_no_evidence(void **state)
{
	struct vip_report r[2] = { node(FAULT, 0), node(FAULT, 0) };
	struct vip_tracker t;
	struct vip_judgement j;

	(void)state;
	vip_tracker_init(&t);
	assert_int_equal(judge(&t, r, 2, 1000), VIP_EVIDENCE_DOWN);
	r[0].live = r[1].live = false;
	vip_evidence_judge(&t, r, 2, 2000, &j);
	assert_int_equal(j.evidence, VIP_EVIDENCE_NONE);
	assert_int_equal(j.live, 0);
	assert_int_equal(judge(&t, NULL, 0, 3000), VIP_EVIDENCE_NONE);
}

/* Reports of members no longer live do not count: one live FAULT node beside a stale
 * master is all FAULT; a stale FAULT beside a live master is not. */
static void test_stale_reports_ignored(void **state)
{
	struct vip_report r[2] = { node(FAULT, 0), node(MASTER, 0) };
	struct vip_tracker t;

	(void)state;
	vip_tracker_init(&t);
	r[1].live = false;
	assert_int_equal(judge(&t, r, 2, 1000), VIP_EVIDENCE_DOWN);
	r[1].live = true;
	r[0].live = false;
	assert_int_equal(judge(&t, r, 2, 2000), VIP_EVIDENCE_NONE);
}

/* A node master again ends the evidence; it gives none of its own (checks decide the rise). */
static void test_master_again_ends_evidence(void **state)
{
	struct vip_report r[2] = { node(FAULT, 0), node(FAULT, 0) };
	struct vip_tracker t;

	(void)state;
	vip_tracker_init(&t);
	assert_int_equal(judge(&t, r, 2, 1000), VIP_EVIDENCE_DOWN);
	r[0] = node(MASTER, 5000);
	assert_int_equal(judge(&t, r, 2, 5000), VIP_EVIDENCE_NONE);
}

/* Nodes killed as backups: their last reports stay live until dead-after, but no report newer
 * than the last master says anything about the time since, so no evidence grows from them. */
static void test_last_words_do_not_age_into_evidence(void **state)
{
	struct vip_report r[2] = { node(BACKUP, 0), node(MASTER, 0) };
	struct vip_tracker t;

	(void)state;
	vip_tracker_init(&t);
	assert_int_equal(judge(&t, r, 2, 10000), VIP_EVIDENCE_NONE);
	r[1] = node(BACKUP, 10000);
	assert_int_equal(judge(&t, r, 2, 10100), VIP_EVIDENCE_NONE);
	/* silent from now on, still live: */
	assert_int_equal(judge_stale(&t, r, 2, 10100 + 10 * MDI), VIP_EVIDENCE_NONE);
	/* while nodes that keep talking without a master do give evidence */
	assert_int_equal(judge(&t, r, 2, 10101 + MDI), VIP_EVIDENCE_DOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_fault_is_down_at_once),
		cmocka_unit_test(test_mixed_fault_backup_waits_for_mdi),
		cmocka_unit_test(test_master_present_is_no_evidence),
		cmocka_unit_test(test_no_master_within_mdi),
		cmocka_unit_test(test_no_master_past_mdi),
		cmocka_unit_test(test_largest_mdi_counts),
		cmocka_unit_test(test_first_heard_waits),
		cmocka_unit_test(test_silence_is_no_evidence),
		cmocka_unit_test(test_stale_reports_ignored),
		cmocka_unit_test(test_master_again_ends_evidence),
		cmocka_unit_test(test_last_words_do_not_age_into_evidence),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
