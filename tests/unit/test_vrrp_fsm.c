/* Unit tests for the VRRPv3 state machine (health/vip/fsm.c): the RFC 9568 §6.1 timer
 * formulas, and each transition of §6.4 with the time passed in. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "health/vip/fsm.h"

static const uint8_t me[4] = { 192, 0, 2, 11 };
static const uint8_t lower_addr[4] = { 192, 0, 2, 5 };
static const uint8_t higher_addr[4] = { 192, 0, 2, 20 };

static struct vrrp_advert from(uint8_t priority, uint16_t interval_cs)
{
	struct vrrp_advert a = {
		.vrid = 51, .priority = priority, .interval_cs = interval_cs, .family = AF_INET
	};

	return a;
}

static void test_timer_formulas(void **state)
{
	(void)state;
	/* RFC 9568 §6.1: Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256 */
	assert_int_equal(vrrp_skew_us(100, 100), 609375); /* 156/256 s */
	assert_int_equal(vrrp_skew_us(255, 100), 3906); /* 1/256 s */
	assert_int_equal(vrrp_skew_us(1, 100), 996093);
	/* Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time */
	assert_int_equal(vrrp_master_down_us(100, 100), 3609375);
	assert_int_equal(vrrp_master_down_us(150, 5), 150000 + 20703);
	/* 1 cs keeps its skew: counting in microseconds, not centiseconds */
	assert_int_equal(vrrp_skew_us(200, 1), 2187);
	assert_int_equal(vrrp_master_down_us(200, 1), 32187);
	/* a higher priority always waits less, so it claims first */
	for (int p = 1; p < 255; p++)
		assert_true(vrrp_master_down_us((uint8_t)p, 10) >
			    vrrp_master_down_us((uint8_t)(p + 1), 10));
}

static void init(struct vrrp_fsm *f, uint8_t priority, bool preempt, uint32_t delay_ms)
{
	vrrp_fsm_init(f, priority, 100, preempt, delay_ms, AF_INET, me);
}

static void test_start(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	init(&f, 100, true, 0);
	assert_int_equal(f.state, VRRP_INIT);
	assert_int_equal(vrrp_fsm_start(&f, 1000), 0);
	assert_int_equal(f.state, VRRP_BACKUP);
	assert_int_equal(f.deadline_us, 1000 + 3609375);
	/* §6.4.1: the address owner does not wait */
	init(&f, 255, true, 0);
	assert_int_equal(vrrp_fsm_start(&f, 0), VRRP_ACT_SEND_ADVERT | VRRP_ACT_TO_MASTER);
	assert_int_equal(f.state, VRRP_MASTER);
	assert_int_equal(f.deadline_us, 1000000);
}

static void test_master_down_claims(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	init(&f, 100, true, 0);
	vrrp_fsm_start(&f, 0);
	assert_int_equal(vrrp_fsm_timer(&f, 3609374), 0);
	assert_int_equal(vrrp_fsm_timer(&f, 3609375), VRRP_ACT_CLAIM);
	assert_true(f.claiming);
	assert_string_equal(f.reason, "no advert within Master_Down_Interval");
	/* the gate says yes: master, advert at once, then every Advertisement_Interval */
	assert_int_equal(vrrp_fsm_claim(&f, 3700000, true),
			 VRRP_ACT_SEND_ADVERT | VRRP_ACT_TO_MASTER);
	assert_int_equal(f.state, VRRP_MASTER);
	assert_int_equal(vrrp_fsm_timer(&f, 4700000), VRRP_ACT_SEND_ADVERT);
	assert_int_equal(f.deadline_us, 5700000);
	/* a late wake-up keeps the cadence rather than sliding it */
	assert_int_equal(vrrp_fsm_timer(&f, 5750000), VRRP_ACT_SEND_ADVERT);
	assert_int_equal(f.deadline_us, 6700000);
}

static void test_claim_refused(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	init(&f, 100, true, 0);
	vrrp_fsm_start(&f, 0);
	assert_int_equal(vrrp_fsm_timer(&f, 3609375), VRRP_ACT_CLAIM);
	assert_int_equal(vrrp_fsm_claim(&f, 3800000, false), 0);
	assert_int_equal(f.state, VRRP_BACKUP);
	assert_false(f.claiming);
	assert_int_equal(f.deadline_us, 3800000 + 3609375);
	/* a verdict for a claim that is no longer running changes nothing */
	assert_int_equal(vrrp_fsm_claim(&f, 3900000, true), 0);
	assert_int_equal(f.state, VRRP_BACKUP);
}

static void test_backup_hears_master(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_advert a = from(200, 50);

	(void)state;
	init(&f, 100, true, 0);
	vrrp_fsm_start(&f, 0);
	assert_int_equal(vrrp_fsm_advert(&f, 2000000, &a, higher_addr), 0);
	/* §6.4.2: Master_Adver_Interval is learned, Master_Down_Timer restarted with it */
	assert_int_equal(f.master_adver_cs, 50);
	assert_int_equal(f.deadline_us, 2000000 + vrrp_master_down_us(100, 50));
	/* an advert while the gate runs cancels the claim */
	vrrp_fsm_timer(&f, f.deadline_us);
	assert_true(f.claiming);
	assert_int_equal(vrrp_fsm_advert(&f, 5000000, &a, higher_addr), VRRP_ACT_CANCEL_CLAIM);
	assert_false(f.claiming);
}

static void test_priority_zero_handoff(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_advert a = from(0, 100);

	(void)state;
	init(&f, 100, true, 0);
	vrrp_fsm_start(&f, 0);
	/* §6.4.2: Master_Down_Timer = Skew_Time */
	assert_int_equal(vrrp_fsm_advert(&f, 1000000, &a, higher_addr), 0);
	assert_int_equal(f.deadline_us, 1000000 + 609375);
	assert_int_equal(vrrp_fsm_timer(&f, 1609375), VRRP_ACT_CLAIM);
	assert_string_equal(f.reason, "master sent priority 0");
}

static void test_preemption(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_advert a = from(50, 100);
	int64_t before;

	(void)state;
	/* preempt on: a lower master is ignored, so our timer runs out */
	init(&f, 100, true, 0);
	vrrp_fsm_start(&f, 0);
	before = f.deadline_us;
	assert_int_equal(vrrp_fsm_advert(&f, 1000000, &a, higher_addr), 0);
	assert_int_equal(f.deadline_us, before);
	assert_int_equal(vrrp_fsm_timer(&f, before), VRRP_ACT_CLAIM);
	assert_string_equal(f.reason, "preempting a lower priority master");
	/* preempt off: any master holds us back */
	init(&f, 100, false, 0);
	vrrp_fsm_start(&f, 0);
	assert_int_equal(vrrp_fsm_advert(&f, 1000000, &a, higher_addr), 0);
	assert_int_equal(f.deadline_us, 1000000 + 3609375);
}

static void test_preempt_delay(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_advert a = from(50, 100);

	(void)state;
	init(&f, 100, true, 5000);
	vrrp_fsm_start(&f, 0);
	/* for 5 s after the first lower advert we behave as if preempt were off */
	vrrp_fsm_advert(&f, 1000000, &a, higher_addr);
	assert_int_equal(f.deadline_us, 1000000 + 3609375);
	vrrp_fsm_advert(&f, 5999999, &a, higher_addr);
	assert_int_equal(f.deadline_us, 5999999 + 3609375);
	/* then the lower master is ignored and our timer runs out */
	vrrp_fsm_advert(&f, 6000000, &a, higher_addr);
	assert_int_equal(f.deadline_us, 5999999 + 3609375);
	/* a master as good as us resets the delay */
	a.priority = 100;
	vrrp_fsm_advert(&f, 7000000, &a, higher_addr);
	assert_int_equal(f.lower_since_us, -1);
}

static void test_master_hears_others(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_advert a;

	(void)state;
	init(&f, 100, true, 0);
	vrrp_fsm_start(&f, 0);
	vrrp_fsm_timer(&f, f.deadline_us);
	vrrp_fsm_claim(&f, 4000000, true);
	/* lower: we answer at once and announce again (split brain healing) */
	a = from(50, 100);
	assert_int_equal(vrrp_fsm_advert(&f, 4100000, &a, higher_addr),
			 VRRP_ACT_SEND_ADVERT | VRRP_ACT_ANNOUNCE);
	/* equal priority: the greater primary address wins (§6.4.3) */
	a = from(100, 100);
	assert_int_equal(vrrp_fsm_advert(&f, 4200000, &a, lower_addr),
			 VRRP_ACT_SEND_ADVERT | VRRP_ACT_ANNOUNCE);
	assert_int_equal(f.state, VRRP_MASTER);
	assert_int_equal(vrrp_fsm_advert(&f, 4300000, &a, higher_addr), VRRP_ACT_TO_BACKUP);
	assert_int_equal(f.state, VRRP_BACKUP);
	assert_string_equal(f.reason, "equal priority master with a greater address");
	/* priority 0 from another master: send at once */
	vrrp_fsm_timer(&f, f.deadline_us);
	vrrp_fsm_claim(&f, 9000000, true);
	a = from(0, 100);
	assert_int_equal(vrrp_fsm_advert(&f, 9100000, &a, higher_addr), VRRP_ACT_SEND_ADVERT);
	assert_int_equal(f.deadline_us, 10100000);
	/* higher: step down and learn its interval */
	a = from(200, 20);
	assert_int_equal(vrrp_fsm_advert(&f, 9200000, &a, lower_addr), VRRP_ACT_TO_BACKUP);
	assert_int_equal(f.master_adver_cs, 20);
	assert_int_equal(f.deadline_us, 9200000 + vrrp_master_down_us(100, 20));
}

static void test_shutdown_and_fault(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	init(&f, 255, true, 0);
	vrrp_fsm_start(&f, 0);
	/* §6.4.3 Shutdown: priority 0 so the backup takes over after its skew only */
	assert_int_equal(vrrp_fsm_shutdown(&f), VRRP_ACT_SEND_PRIO0 | VRRP_ACT_TO_BACKUP);
	assert_int_equal(f.state, VRRP_INIT);
	init(&f, 255, true, 0);
	vrrp_fsm_start(&f, 0);
	assert_int_equal(vrrp_fsm_fault(&f, 10), VRRP_ACT_SEND_PRIO0 | VRRP_ACT_TO_BACKUP);
	assert_int_equal(f.state, VRRP_FAULT);
	assert_int_equal(vrrp_fsm_fault(&f, 20), 0);
	/* adverts and timers mean nothing in FAULT */
	{
		struct vrrp_advert a = from(10, 100);

		assert_int_equal(vrrp_fsm_advert(&f, 30, &a, higher_addr), 0);
		assert_int_equal(vrrp_fsm_timer(&f, 1000000000), 0);
	}
	assert_int_equal(vrrp_fsm_recover(&f, 40), VRRP_ACT_SEND_ADVERT | VRRP_ACT_TO_MASTER);
	/* a tracked priority drop is carried by the next advert */
	vrrp_fsm_set_priority(&f, 90);
	assert_int_equal(f.priority, 90);
	assert_string_equal(vrrp_state_name(VRRP_FAULT), "fault");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timer_formulas),
		cmocka_unit_test(test_start),
		cmocka_unit_test(test_master_down_claims),
		cmocka_unit_test(test_claim_refused),
		cmocka_unit_test(test_backup_hears_master),
		cmocka_unit_test(test_priority_zero_handoff),
		cmocka_unit_test(test_preemption),
		cmocka_unit_test(test_preempt_delay),
		cmocka_unit_test(test_master_hears_others),
		cmocka_unit_test(test_shutdown_and_fault),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
