/* The check engine: sites, their targets, verdicts and the published health view. Runs on the
 * main thread's loop; the query path sees only the views it publishes. */
#include "autoconfig.h"

#include <errno.h>
#include <event2/event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <urcu-qsbr.h>

#include "baton/log.h"
#include "health/engine.h"
#include "health/history.h"
#include "baton/listen_guard.h"
#include "health/target.h"
#include "zones/check_spec.h"
#include "zones/zoneset.h"

/* Timing-only changes (streaks, schedules) are published at most this often; verdict
 * changes are published at the end of the loop turn that saw them. */
#define PUBLISH_COALESCE_MS 200
/* New targets start within this window (or their interval, if shorter), evenly spread, so a
 * thousand sites do not probe in one burst. */
#define START_SPREAD_MS 2000
/* 2^64 / the golden ratio: the k-th new target starts at frac(k / phi) of the window. After
 * any n targets no gap is wider than 1.53 / n of the window (computed for n up to 5,000; the
 * three-gap theorem, Knuth TAOCP 6.4), so the targets a reload adds fill the gaps, and the
 * phases are the same at every start. */
#define PHASE_STEP 0x9E3779B97F4A7C15ull

/* How long one check of a site takes, over all its addresses. */
struct check_latency {
	char *check;
	const char *kind;
	struct latency_histogram histogram;
};

struct engine_site {
	char *zone;
	char *name;
	uint32_t id;
	enum site_verdict verdict; /* published: the local one, or the quorum's */
	enum site_verdict local; /* from our own checks */
	bool drained;
	bool held; /* the quorum's verdict is its last one, held */
	bool vip_down; /* down by evidence from inside the site, whatever `verdict` says */
	char *vip; /* $SITE vip=: the VRRP instance; NULL without */
	char vip_evidence[160];
	bool in_use;
	time_t since, local_since;
	char evidence[256];
	struct check_latency *latency;
	unsigned latency_count;
	struct target *targets; /* through site_next: rebuilt by each sync */
};

struct health_engine {
	struct event_base *base;
	struct health_view **published;
	struct engine_site **sites; /* index = health_id */
	uint32_t site_count;
	struct target *targets;
	struct event *publish_timer; /* timing-only changes */
	struct event *publish_turn; /* verdict changes: activated, runs at the turn's end */
	bool publish_pending;
	uint64_t publishes;
	uint64_t targets_made; /* the phase sequence's index */
	struct health_history history;
	bool quorum; /* verdicts come from health_engine_set_verdict() */
	bool no_checks; /* a member that only listens: no targets at all */
	health_change_fn *on_change;
	void *change_arg;
};

/* What answers and status see: the usual verdict, unless the site's own VRRP nodes say down. */
static enum site_verdict shown(const struct engine_site *s)
{
	return s->vip_down ? SITE_DOWN : s->verdict;
}

const char *health_verdict_name(enum site_verdict v)
{
	return v == SITE_UP ? "up" : v == SITE_DOWN ? "down" : "unknown";
}

uint32_t health_engine_phase_ms(uint64_t k, uint32_t window_ms)
{
	return (uint32_t)((((k * PHASE_STEP) >> 32) * window_ms) >> 32);
}

static int64_t site_next_change_ms(const struct health_engine *e, const struct engine_site *s,
				   int64_t now)
{
	int64_t best = -1;
	bool checked = false;

	for (const struct target *t = s->targets; t; t = t->site_next) {
		int64_t flip;

		checked = true;
		flip = target_earliest_flip_ms(t, now);
		if (s->verdict == SITE_UP && (best < 0 || flip < best))
			best = flip; /* any target going down takes the site down */
		else if (s->verdict == SITE_DOWN && t->state == SITE_DOWN && flip > best)
			best = flip; /* every down target must rise */
	}
	if (e->quorum || s->vip_down)
		return now; /* any gossip round may change it: answers get ttl-min */
	if (!checked)
		return INT64_MAX; /* nothing can change a site without checks */
	return best < 0 ? now : best;
}

/* O(sites + targets), so that it may run for every loop turn that changed a verdict. */
static void publish(struct health_engine *e)
{
	struct health_view *v = malloc(sizeof(*v) + sizeof(v->sites[0]) * e->site_count), *old;
	int64_t now = target_now_ms();

	if (v == NULL) {
		log_err("health: out of memory publishing the view; the previous one stays");
		return;
	}
	v->count = e->site_count;
	for (uint32_t i = 0; i < e->site_count; i++) {
		const struct engine_site *s = e->sites[i];

		v->sites[i].verdict = (uint8_t)shown(s);
		v->sites[i].drained = s->drained;
		v->sites[i].held = s->held;
		v->sites[i].next_change_ms = site_next_change_ms(e, s, now);
	}
	old = rcu_xchg_pointer(e->published, v);
	synchronize_rcu();
	free(old);
	e->publishes++;
	/* this view has what the pending ones would have had */
	if (e->publish_pending)
		evtimer_del(e->publish_timer);
	event_del(e->publish_turn);
	e->publish_pending = false;
}

static void on_publish_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	publish(arg);
}

/* Verdict changes: a burst of results in one turn of the loop (100 sites failing together)
 * costs one view, published once every result of that turn is in; libevent runs an event
 * activated from a callback after the events already active in that turn. One view per change
 * cost 1,000 sites x 1,000 targets each before publish() was linear, and 8.7 s for 100 sites
 * to flip on a loaded machine (tools/bench-zone --sites). */
static void publish_at_turn_end(struct health_engine *e)
{
	event_active(e->publish_turn, EV_TIMEOUT, 1);
}

static void publish_soon(struct health_engine *e)
{
	struct timeval tv = { .tv_usec = PUBLISH_COALESCE_MS * 1000 };

	if (e->publish_pending)
		return;
	e->publish_pending = true;
	evtimer_add(e->publish_timer, &tv);
}

/* Recomputes a site's local verdict from its targets; logs a transition with its evidence.
 * Unless a quorum decides, the local verdict is the site's verdict. */
static bool update_site(struct health_engine *e, struct engine_site *s, const struct target *cause)
{
	enum site_verdict v = SITE_UP;
	char why[sizeof(s->evidence)] = "";
	bool any = false;

	for (const struct target *t = s->targets; t; t = t->site_next) {
		any = true;
		if (t->state == SITE_DOWN)
			v = SITE_DOWN;
		else if (t->state == SITE_UNKNOWN && v == SITE_UP)
			v = SITE_UNKNOWN;
	}
	if (!any)
		v = SITE_UP; /* a site without checks is always up */
	if (v == s->local && (e->quorum || v == s->verdict))
		return false;
	if (cause != NULL) {
		const struct zone_check *c = cause->check;
		bool up = v == SITE_UP;

		/* by quorum, s->evidence is the quorum's; our checks' goes to the log */
		snprintf(e->quorum ? why : s->evidence, sizeof(why),
			 "%s@%s: %s after %u/%u %s, %.1fs", c->name, cause->addr_text,
			 cause->last.reason, up ? cause->ok_streak : cause->fail_streak,
			 up ? c->rise : c->fall, up ? "successes" : "fails",
			 c->interval_ms / 1000.0);
	}
	if (e->quorum) {
		log_info("site %s: local checks %s -> %s (%s)", s->name,
			 health_verdict_name(s->local), health_verdict_name(v),
			 why[0] ? why : "no checks");
		s->local = v;
		s->local_since = time(NULL);
		return true;
	}
	if (s->vip_down) {
		/* the answers stay down; the checks' verdict waits for the evidence to end */
		log_info("site %s: checks %s -> %s (%s); down by %s", s->name,
			 health_verdict_name(s->verdict), health_verdict_name(v),
			 s->evidence[0] ? s->evidence : "no checks", s->vip_evidence);
		s->verdict = s->local = v;
		s->local_since = time(NULL);
		return true;
	}
	log_info("site %s: %s -> %s (%s)", s->name, health_verdict_name(s->verdict),
		 health_verdict_name(v), s->evidence[0] ? s->evidence : "no checks");
	history_add(&e->history, s->zone, s->name, s->verdict, v,
		    s->evidence[0] ? s->evidence : "no checks");
	s->verdict = s->local = v;
	s->since = s->local_since = time(NULL);
	return true;
}

static void observe_latency(struct engine_site *s, const struct target *t)
{
	struct check_latency *l = NULL, *more;

	for (unsigned i = 0; i < s->latency_count && l == NULL; i++)
		if (strcmp(s->latency[i].check, t->check->name) == 0)
			l = &s->latency[i];
	if (l == NULL) {
		more = realloc(s->latency, (s->latency_count + 1) * sizeof(*more));
		if (more == NULL)
			return; /* a lost observation, not worth failing a check over */
		s->latency = more;
		l = &more[s->latency_count];
		memset(l, 0, sizeof(*l));
		l->check = strdup(t->check->name);
		if (l->check == NULL)
			return;
		l->kind = check_spec_kind_name(t->check->kind);
		s->latency_count++;
	}
	latency_observe(&l->histogram, (double)(target_now_ms() - t->started_ms) / 1000.0);
}

static void on_target_result(struct target *t, bool changed, void *arg)
{
	struct health_engine *e = arg;

	observe_latency(t->site, t);
	if (changed && update_site(e, t->site, t)) {
		if (e->on_change != NULL)
			e->on_change(e->change_arg);
		if (!e->quorum) {
			publish_at_turn_end(e);
			return;
		}
	}
	publish_soon(e);
}

int health_engine_new(struct health_engine **out, struct event_base *base,
		      struct health_view **published)
{
	struct health_engine *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return -ENOMEM;
	e->base = base;
	e->published = published;
	e->publish_timer = evtimer_new(base, on_publish_timer, e);
	e->publish_turn = event_new(base, -1, 0, on_publish_timer, e);
	if (e->publish_timer == NULL || e->publish_turn == NULL) {
		if (e->publish_timer != NULL)
			event_free(e->publish_timer);
		free(e);
		return -ENOMEM;
	}
	*out = e;
	return 0;
}

void health_engine_free(struct health_engine *e)
{
	if (e == NULL)
		return;
	while (e->targets != NULL) {
		struct target *t = e->targets;

		e->targets = t->next;
		target_free(t);
	}
	for (uint32_t i = 0; i < e->site_count; i++) {
		for (unsigned j = 0; j < e->sites[i]->latency_count; j++)
			free(e->sites[i]->latency[j].check);
		free(e->sites[i]->latency);
		free(e->sites[i]->zone);
		free(e->sites[i]->name);
		free(e->sites[i]->vip);
		free(e->sites[i]);
	}
	free(e->sites);
	event_free(e->publish_timer);
	event_free(e->publish_turn);
	free(e);
}

static struct engine_site *site_for(struct health_engine *e, const char *zone, const char *name)
{
	struct engine_site *s, **sites;

	for (uint32_t i = 0; i < e->site_count; i++)
		if (strcmp(e->sites[i]->zone, zone) == 0 && strcmp(e->sites[i]->name, name) == 0)
			return e->sites[i];
	sites = realloc(e->sites, sizeof(*sites) * (e->site_count + 1));
	if (sites == NULL)
		return NULL;
	e->sites = sites;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->zone = strdup(zone);
	s->name = strdup(name);
	if (s->zone == NULL || s->name == NULL) {
		free(s->zone);
		free(s->name);
		free(s);
		return NULL;
	}
	s->id = e->site_count;
	s->verdict = s->local = SITE_UNKNOWN;
	s->since = s->local_since = time(NULL);
	e->sites[e->site_count++] = s;
	return s;
}

static bool same_address(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
			      &((const struct sockaddr_in *)b)->sin_addr, 4) == 0;
	return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		      &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
}

/* Keeps the running target that does exactly this, or starts a new one. */
static int want_target(struct health_engine *e, struct engine_site *s, struct zone *z,
		       const struct zone_check *check, const struct sockaddr_storage *addr)
{
	struct target *t;
	uint32_t spread =
		check->interval_ms < START_SPREAD_MS ? check->interval_ms : START_SPREAD_MS;

	for (t = s->targets; t; t = t->site_next) {
		if (!t->seen && same_address(&t->addr, addr) && check_spec_equal(t->check, check)) {
			t->seen = true;
			return 0;
		}
	}
	t = target_new(e->base, z, check, addr, health_engine_phase_ms(e->targets_made, spread));
	if (t == NULL)
		return -ENOMEM;
	t->site = s;
	t->on_result = on_target_result;
	t->arg = e;
	t->seen = true;
	t->next = e->targets;
	e->targets = t;
	e->targets_made++;
	return 0;
}

static void site_addresses(const struct zone_site *site, struct sockaddr_storage *out,
			   unsigned *count)
{
	*count = 0;
	for (unsigned i = 0; i < site->v4_count; i++) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&out[(*count)++];

		memset(sin, 0, sizeof(struct sockaddr_storage));
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, site->v4[i], 4);
	}
	for (unsigned i = 0; i < site->v6_count; i++) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&out[(*count)++];

		memset(sin6, 0, sizeof(struct sockaddr_storage));
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, site->v6[i], 16);
	}
}

/* A reload may add, change or remove vip=; evidence about the old instance ends with it. */
static int set_vip(struct engine_site *s, const char *vip)
{
	char *copy;

	if (vip == NULL ? s->vip == NULL : s->vip != NULL && strcmp(s->vip, vip) == 0)
		return 0;
	copy = vip ? strdup(vip) : NULL;
	if (vip != NULL && copy == NULL)
		return -ENOMEM;
	free(s->vip);
	s->vip = copy;
	if (s->vip_down) {
		log_info("site %s: vip= changed; the evidence of the old instance no longer counts",
			 s->name);
		s->vip_down = false;
	}
	return 0;
}

static int sync_zone(struct health_engine *e, struct zone *z)
{
	for (uint32_t i = 0; i < z->site_count; i++) {
		struct zone_site *site = &z->sites[i];
		struct engine_site *s = site_for(e, z->name_str, site->name);
		struct sockaddr_storage addrs[2 * SITE_ADDRESSES_MAX];
		unsigned n;

		if (s == NULL)
			return -ENOMEM;
		s->in_use = true;
		site->health_id = s->id;
		if (set_vip(s, site->vip) < 0)
			return -ENOMEM;
		site_addresses(site, addrs, &n);
		for (uint16_t c = 0; !e->no_checks && c < site->check_count; c++)
			for (unsigned a = 0; a < n; a++)
				if (want_target(e, s, z, site->checks[c], &addrs[a]) < 0)
					return -ENOMEM;
	}
	return 0;
}

static void drop_unseen(struct health_engine *e)
{
	struct target **link = &e->targets;

	while (*link != NULL) {
		struct target *t = *link;

		if (t->seen) {
			link = &t->next;
			continue;
		}
		*link = t->next;
		target_free(t);
	}
}

/* Threads every target onto its site's list, in the engine's order, so that whatever walks a
 * site's targets (verdicts, the view, status) costs that site's targets, not all of them. */
static void link_sites(struct health_engine *e)
{
	for (uint32_t i = 0; i < e->site_count; i++)
		e->sites[i]->targets = NULL;
	for (struct target *t = e->targets; t; t = t->next) {
		t->site_next = t->site->targets;
		t->site->targets = t;
	}
	for (uint32_t i = 0; i < e->site_count; i++) {
		struct target *reversed = NULL, *t = e->sites[i]->targets, *next;

		for (; t; t = next) {
			next = t->site_next;
			t->site_next = reversed;
			reversed = t;
		}
		e->sites[i]->targets = reversed;
	}
}

/* Each target has at most one probe in flight, so the listeners leave this many descriptors
 * for the checks (listen_guard.h): a flood of connections never fails a site. */
static void reserve_fds(const struct health_engine *e)
{
	unsigned n = 0;

	for (const struct target *t = e->targets; t; t = t->next)
		n++;
	listen_guard_set_check_fds(n);
}

int health_engine_sync(struct health_engine *e, struct zoneset *zs)
{
	int rc = 0;

	for (struct target *t = e->targets; t; t = t->next)
		t->seen = false;
	for (uint32_t i = 0; i < e->site_count; i++)
		e->sites[i]->in_use = false;
	for (size_t i = 0; zs != NULL && i < zs->count && rc == 0; i++)
		rc = sync_zone(e, zs->zones[i]);
	if (rc < 0) {
		/* keep every target: what was running keeps running */
		for (struct target *t = e->targets; t; t = t->next)
			t->seen = true;
		link_sites(e);
		return rc;
	}
	drop_unseen(e);
	link_sites(e);
	reserve_fds(e);
	for (uint32_t i = 0; i < e->site_count; i++)
		if (e->sites[i]->in_use)
			update_site(e, e->sites[i], NULL);
	publish(e);
	if (e->on_change != NULL)
		e->on_change(e->change_arg); /* sites may have come or gone */
	return 0;
}

int health_engine_drain(struct health_engine *e, const char *name, bool drained)
{
	int n = 0;

	for (uint32_t i = 0; i < e->site_count; i++) {
		struct engine_site *s = e->sites[i];

		if (!s->in_use || strcmp(s->name, name) != 0)
			continue;
		if (s->drained != drained) {
			log_info("site %s: %s by the operator (zone %s)", s->name,
				 drained ? "drained" : "undrained", s->zone);
			history_add_drain(&e->history, s->zone, s->name, shown(s), drained);
		}
		s->drained = drained;
		n++;
	}
	if (n > 0)
		publish(e);
	return n;
}

void health_engine_on_change(struct health_engine *e, health_change_fn *fn, void *arg)
{
	e->on_change = fn;
	e->change_arg = arg;
}

void health_engine_use_quorum(struct health_engine *e, bool run_checks)
{
	e->quorum = true;
	e->no_checks = !run_checks;
}

bool health_engine_set_verdict(struct health_engine *e, uint32_t i, enum site_verdict v,
			       const char *evidence)
{
	struct engine_site *s;

	if (!e->quorum || i >= e->site_count || !e->sites[i]->in_use || e->sites[i]->verdict == v)
		return false;
	s = e->sites[i];
	snprintf(s->evidence, sizeof(s->evidence), "%s", evidence);
	if (s->vip_down) {
		log_info("site %s: quorum %s -> %s (%s); stays down by %s", s->name,
			 health_verdict_name(s->verdict), health_verdict_name(v), s->evidence,
			 s->vip_evidence);
		s->verdict = v;
		return true;
	}
	log_info("site %s: %s -> %s (%s)", s->name, health_verdict_name(s->verdict),
		 health_verdict_name(v), s->evidence);
	history_add(&e->history, s->zone, s->name, s->verdict, v, s->evidence);
	s->verdict = v;
	s->since = time(NULL);
	publish(e);
	return true;
}

bool health_engine_set_held(struct health_engine *e, uint32_t i, bool held)
{
	if (!e->quorum || i >= e->site_count || !e->sites[i]->in_use || e->sites[i]->held == held)
		return false;
	e->sites[i]->held = held;
	publish(e);
	return true;
}

bool health_engine_set_vip_down(struct health_engine *e, uint32_t i, bool down,
				const char *evidence)
{
	struct engine_site *s;

	if (i >= e->site_count || !e->sites[i]->in_use || e->sites[i]->vip == NULL)
		return false;
	s = e->sites[i];
	if (s->vip_down == down) {
		if (down) /* the count of nodes or the time without a master moves on */
			snprintf(s->vip_evidence, sizeof(s->vip_evidence), "%s", evidence);
		return false;
	}
	s->vip_down = down;
	if (down) {
		snprintf(s->vip_evidence, sizeof(s->vip_evidence), "%s", evidence);
		if (s->verdict == SITE_DOWN) {
			log_info("site %s: down, and now by %s too", s->name, evidence);
		} else {
			log_info("site %s: %s -> down (%s)", s->name,
				 health_verdict_name(s->verdict), evidence);
			history_add(&e->history, s->zone, s->name, s->verdict, SITE_DOWN, evidence);
			s->since = time(NULL);
		}
	} else if (s->verdict == SITE_DOWN) {
		log_info("site %s: %s; stays down (%s)", s->name, evidence,
			 s->evidence[0] ? s->evidence : "no checks");
	} else {
		/* no evidence of up: the usual verdict, which rose by its own rules */
		log_info("site %s: down -> %s (%s; %s)", s->name, health_verdict_name(s->verdict),
			 evidence, s->evidence[0] ? s->evidence : "no checks");
		history_add(&e->history, s->zone, s->name, SITE_DOWN, s->verdict, evidence);
		s->since = time(NULL);
	}
	publish(e);
	return true;
}

uint32_t health_engine_site_count(const struct health_engine *e)
{
	return e->site_count;
}

bool health_engine_site_info(const struct health_engine *e, uint32_t i,
			     struct health_site_info *info)
{
	const struct engine_site *s;

	if (i >= e->site_count || !e->sites[i]->in_use)
		return false;
	s = e->sites[i];
	memset(info, 0, sizeof(*info));
	info->zone = s->zone;
	info->name = s->name;
	info->verdict = shown(s);
	info->local_verdict = s->local;
	info->drained = s->drained;
	info->since = s->since;
	info->local_since = s->local_since;
	info->evidence = s->vip_down ? s->vip_evidence : s->evidence;
	info->vip = s->vip;
	info->vip_down = s->vip_down;
	for (const struct target *t = s->targets; t; t = t->site_next) {
		info->targets++;
		info->targets_up += t->state == SITE_UP;
	}
	return true;
}

bool health_engine_target_info(const struct health_engine *e, uint32_t i, uint32_t j,
			       struct health_target_info *info)
{
	for (const struct target *t = i < e->site_count ? e->sites[i]->targets : NULL; t;
	     t = t->site_next) {
		if (j-- > 0)
			continue;
		info->check = t->check->name;
		info->kind = check_spec_kind_name(t->check->kind);
		info->address = t->addr_text;
		info->state = t->state;
		info->reason = t->last.reason;
		return true;
	}
	return false;
}

const struct health_transition *health_engine_transition(const struct health_engine *e, unsigned i)
{
	return history_get(&e->history, i);
}

bool health_engine_latency(const struct health_engine *e, uint32_t i, uint32_t j,
			   struct health_latency_info *info)
{
	const struct engine_site *s;

	if (i >= e->site_count || !e->sites[i]->in_use || j >= e->sites[i]->latency_count)
		return false;
	s = e->sites[i];
	info->check = s->latency[j].check;
	info->kind = s->latency[j].kind;
	info->histogram = &s->latency[j].histogram;
	return true;
}

uint64_t health_engine_publish_count(const struct health_engine *e)
{
	return e->publishes;
}

struct target *health_engine_targets(struct health_engine *e)
{
	return e->targets;
}
