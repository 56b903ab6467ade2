/* FAILOVER answers. The site list of a record is short and fixed at compile time, so a pick is
 * a walk over it reading one byte of the health view per site: no allocation, no lock. */
#include "autoconfig.h"

#include <time.h>

#include "server/counters.h"
#include "server/policy.h"
#include "zones/pick.h"

/* Per-thread xorshift64* for `weighted`: statistical spread is all it needs. */
static __thread uint64_t pick_rng;

static uint64_t next_random(void)
{
	if (pick_rng == 0)
		pick_rng =
			(uint64_t)(uintptr_t)&pick_rng ^ (uint64_t)time(NULL) ^ 0x9e3779b97f4a7c15u;
	pick_rng ^= pick_rng >> 12;
	pick_rng ^= pick_rng << 25;
	pick_rng ^= pick_rng >> 27;
	return pick_rng * 2685821657736338717ull;
}

uint32_t policy_ttl(const struct zone_failover *f, const struct health_view *view, int64_t now)
{
	int64_t soonest = -1;

	for (uint16_t i = 0; view != NULL && i < f->site_count; i++) {
		uint32_t id = f->sites[i]->health_id;

		if (id < view->count && (soonest < 0 || view->sites[id].next_change_ms < soonest))
			soonest = view->sites[id].next_change_ms;
	}
	if (soonest < 0 || soonest <= now)
		return f->ttl_min_s;
	soonest = (soonest - now) / 1000;
	if (soonest < f->ttl_min_s)
		return f->ttl_min_s;
	return soonest > f->ttl_max_s ? f->ttl_max_s : (uint32_t)soonest;
}

static unsigned pick_weighted(const struct zone_failover *f, const struct health_view *view,
			      uint8_t *out)
{
	uint64_t total = 0, point;

	for (uint16_t i = 0; i < f->site_count; i++)
		if (health_site_is_usable(view, f->sites[i]->health_id))
			total += f->sites[i]->weight;
	if (total == 0)
		return 0;
	point = next_random() % total;
	for (uint16_t i = 0; i < f->site_count; i++) {
		if (!health_site_is_usable(view, f->sites[i]->health_id))
			continue;
		if (point < f->sites[i]->weight) {
			out[0] = (uint8_t)i;
			return 1;
		}
		point -= f->sites[i]->weight;
	}
	return 0;
}

static unsigned pick_geo(struct response *r, const struct zone_failover *f,
			 struct policy_context *ctx, uint8_t *out)
{
	uint8_t scope;
	int k = geo_pick(ctx->geo, f, ctx->health, ctx->client, &scope);

	if (scope > r->ecs_scope)
		r->ecs_scope = scope;
	if (k < 0)
		return 0;
	out[0] = (uint8_t)k;
	return 1;
}

/* The usable sites the policy picks, as indexes into f->sites (at most 64 sites: a byte
 * each); 0 when none is usable. `order` and `all` are zones/pick.c's walk, which the export to
 * secondaries shares. */
static unsigned pick(struct response *r, const struct zone_failover *f, struct policy_context *ctx,
		     uint8_t *out)
{
	if (f->policy == POLICY_WEIGHTED)
		return pick_weighted(f, ctx->health, out);
	if (f->policy == POLICY_GEO)
		return pick_geo(r, f, ctx, out);
	return pick_usable(f, ctx->health, f->policy == POLICY_ALL, out);
}

/* What to answer when no site is usable; 0 means the answer is already made. */
static unsigned fall_back(struct response *r, const struct zone_failover *f,
			  const struct zone_site **out)
{
	if (f->fallback == FALLBACK_SERVFAIL) {
		r->rcode = DNS_RCODE_SERVFAIL;
		r->aa = false;
		return 0;
	}
	return pick_fallback(f, out);
}

void policy_answer(struct response *r, const struct zone *z, const struct zone_failover *f,
		   struct policy_context *ctx, uint16_t qtype, const uint8_t *owner)
{
	const struct zone_site *sites[PICK_MAX];
	uint8_t picked[PICK_MAX];
	unsigned n = pick(r, f, ctx, picked);
	uint32_t ttl = policy_ttl(f, ctx->health, ctx->now_ms);
	uint16_t added = 0;

	/* several workers may answer one name at once: the counters are shared */
	for (unsigned i = 0; i < n; i++) {
		counter_bump_shared(&f->answers[picked[i]]);
		sites[i] = f->sites[picked[i]];
	}
	if (n == 0) {
		n = fall_back(r, f, sites);
		counter_bump_shared(&f->answers[f->site_count]);
	}
	if (r->rcode == DNS_RCODE_SERVFAIL)
		return;
	for (unsigned i = 0; i < n; i++) {
		const struct zone_rrset *set =
			qtype == DNS_TYPE_AAAA ? sites[i]->aaaa : sites[i]->a;

		if (set->rr_count == 0)
			continue; /* never another site's address in its place */
		if (response_add_rrset_ttl(r, SECTION_ANSWER, owner, set, ttl) < 0)
			return;
		added++;
	}
	if (added == 0)
		response_add_rrset(r, SECTION_AUTHORITY, z->apex->name, &z->negative_soa);
}
