/* One check of one site against one address: a fixed cadence of probes (sooner re-checks
 * with recheck=), each bounded by the check's timeout, and rise/fall hysteresis so one lost
 * probe never moves traffic. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "baton/addr_text.h"
#include "baton/clock.h"
#include "health/target.h"
#include "zones/zone.h"

/* Weak so that a unit test can run the targets and the engine on a fake clock. */
__attribute__((weak)) int64_t target_now_ms(void)
{
	return clock_monotonic_ms();
}

static void arm(struct target *t, int64_t at_ms)
{
	int64_t delay = at_ms - target_now_ms();
	struct timeval tv;

	if (delay < 0)
		delay = 0;
	/* libevent adds the delay to the time it cached when this loop turn began: refresh it,
	 * or a timer armed late in a long turn fires that much early. */
	event_base_update_cache_time(event_get_base(t->timer));
	tv.tv_sec = delay / 1000;
	tv.tv_usec = (delay % 1000) * 1000;
	evtimer_add(t->timer, &tv);
}

/* The first result decides an unknown target at once, so a restart does not wait rise x
 * interval to learn what is already known; after that, rise and fall apply. */
static bool apply(struct target *t, const struct probe_result *r)
{
	enum site_verdict before = t->state;

	t->last = *r;
	if (r->up) {
		t->ok_streak++;
		t->fail_streak = 0;
		if (t->state == SITE_UNKNOWN ||
		    (t->state == SITE_DOWN && t->ok_streak >= t->check->rise))
			t->state = SITE_UP;
	} else {
		t->fail_streak++;
		t->ok_streak = 0;
		if (t->state == SITE_UNKNOWN ||
		    (t->state == SITE_UP && t->fail_streak >= t->check->fall))
			t->state = SITE_DOWN;
	}
	return t->state != before;
}

/* The slot after `due_ms` (when the probe that just ended was due), at or after `now_ms`: a
 * fixed cadence from the schedule, not from when the probe started. A loop that stalls fires
 * every timer due meanwhile at the same moment; counting the next interval from that moment
 * would keep those targets probing together ever after (measured with tools/bench-zone
 * --sites: 1,000 targets at 1 s had drifted into 0.4 s of each second). The check's timeout
 * is shorter than its interval, so only a stall of the loop skips a slot. */
int64_t target_next_slot_ms(int64_t due_ms, uint32_t interval_ms, int64_t now_ms)
{
	int64_t next = due_ms + interval_ms;

	if (next < now_ms)
		next += (now_ms - next + interval_ms - 1) / interval_ms * interval_ms;
	return next;
}

/* Has the last result disagreed with the verdict, with rise/fall yet to decide? */
static bool is_unsettled(const struct target *t)
{
	return (t->state == SITE_UP && t->fail_streak > 0) ||
	       (t->state == SITE_DOWN && t->ok_streak > 0);
}

/* When the next probe starts: in the next slot of the fixed cadence, or, for a check with
 * recheck= whose last result disagreed with the verdict, that long after the result when this
 * comes sooner (keepalived's retry, NS1's rapid re-check). Counting from the result, not from
 * the start, means a re-check never overlaps the probe before it. rise and fall still count
 * results, so a re-check decides sooner but on as much evidence; once they decide, or a result
 * agrees, the target goes back to its slots, so its phase in the interval is kept. */
static int64_t next_start_ms(struct target *t)
{
	const struct zone_check *c = t->check;
	int64_t now = target_now_ms();
	int64_t slot = target_next_slot_ms(t->slot_ms, c->interval_ms, now);

	if (c->recheck_ms != 0 && is_unsettled(t) && now + c->recheck_ms < slot)
		return now + c->recheck_ms;
	t->slot_ms = slot;
	return slot;
}

/* Records a result and schedules the next probe. */
static void finish(struct target *t, const struct probe_result *r)
{
	bool changed = apply(t, r);

	t->next_ms = next_start_ms(t);
	arm(t, t->next_ms);
	if (t->on_result != NULL)
		t->on_result(t, changed, t->arg);
}

static void on_probe_done(void *arg, const struct probe_result *r)
{
	struct target *t = arg;

	t->probe = NULL;
	evtimer_del(t->timer);
	finish(t, r);
}

static void start_probe(struct target *t)
{
	const char *why = "cannot start";
	struct probe_result r;

	t->started_ms = target_now_ms();
	t->probe = t->kind->start(event_get_base(t->timer), t->check, &t->addr, on_probe_done, t,
				  &why);
	if (t->probe == NULL) {
		probe_result_set(&r, false, "%s", why);
		finish(t, &r);
		return;
	}
	arm(t, t->started_ms + t->check->timeout_ms);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct target *t = arg;
	struct probe_result r;

	(void)fd;
	(void)what;
	if (t->probe == NULL) {
		start_probe(t);
		return;
	}
	t->kind->cancel(t->probe);
	t->probe = NULL;
	probe_result_set(&r, false, "timeout after %ums", t->check->timeout_ms);
	finish(t, &r);
}

struct target *target_new(struct event_base *base, struct zone *zone,
			  const struct zone_check *check, const struct sockaddr_storage *addr,
			  uint32_t phase_ms)
{
	struct target *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->timer = evtimer_new(base, on_timer, t);
	if (t->timer == NULL) {
		free(t);
		return NULL;
	}
	t->zone = zone;
	if (zone != NULL)
		zone->refs++;
	t->check = check;
	t->kind = probe_kind_for(check->kind);
	t->addr = *addr;
	addr_text(addr, t->addr_text);
	t->state = SITE_UNKNOWN;
	probe_result_set(&t->last, false, "not checked yet");
	t->next_ms = t->slot_ms = target_now_ms() + phase_ms;
	arm(t, t->next_ms);
	return t;
}

void target_free(struct target *t)
{
	if (t == NULL)
		return;
	if (t->probe != NULL)
		t->kind->cancel(t->probe);
	event_free(t->timer);
	if (t->zone != NULL && --t->zone->refs == 0)
		zone_free(t->zone);
	free(t);
}

int64_t target_earliest_flip_ms(const struct target *t, int64_t now_ms)
{
	const struct zone_check *c = t->check;
	int64_t next_result = t->probe ? t->started_ms + c->timeout_ms : t->next_ms + c->timeout_ms;
	/* the results after the next one: a slot apart, or with recheck= at least that apart */
	int64_t spacing = c->recheck_ms != 0 ? c->recheck_ms : c->interval_ms;
	unsigned needed = 1;

	if (t->state == SITE_UP && c->fall > t->fail_streak)
		needed = c->fall - t->fail_streak;
	else if (t->state == SITE_DOWN && c->rise > t->ok_streak)
		needed = c->rise - t->ok_streak;
	if (next_result < now_ms)
		next_result = now_ms;
	return next_result + (int64_t)(needed - 1) * spacing;
}
