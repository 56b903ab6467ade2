/* FAILOVER answers. The site list of a record is short and fixed at compile time, so a pick is
 * a walk over it reading one byte of the health view per site: no allocation, no lock. */
#include "autoconfig.h"

#include <time.h>

#include "server/counters.h"
#include "server/policy.h"
#include "zones/dnssec.h"
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

/* What to answer when no site is usable; 0 means the answer is already made. Each fallback
 * says so in an Extended DNS Error, code Other: RFC 8914 §4 has no code for "every site is
 * down", and its SERVFAIL codes blame a resolver's upstream (22, 23) or the zone data (24). */
static unsigned fall_back(struct response *r, const struct zone_failover *f,
			  const struct zone_site **out)
{
	switch (f->fallback) {
	case FALLBACK_ALL: /* fail open, like gdnsd: some answer beats none */
		response_set_ede(r, EDE_OTHER, "no usable site: every site answered");
		break;
	case FALLBACK_SITE:
		response_set_ede(r, EDE_OTHER, "no usable site: the fallback site answered");
		break;
	case FALLBACK_SERVFAIL:
		response_set_ede(r, EDE_OTHER, "no usable site");
		r->rcode = DNS_RCODE_SERVFAIL;
		r->aa = false;
		return 0;
	case FALLBACK_NONE:
	default: response_set_ede(r, EDE_OTHER, "no usable site"); break;
	}
	return pick_fallback(f, out);
}

/* Does the pick rest on a verdict a gossip quorum holds because too few probers are live? Any
 * site of the list counts: each one's verdict decided whether it was passed over. */
static bool rests_on_held(const struct zone_failover *f, const struct health_view *view)
{
	for (uint16_t i = 0; view != NULL && i < f->site_count; i++) {
		uint32_t id = f->sites[i]->health_id;

		if (id < view->count && view->sites[id].held)
			return true;
	}
	return false;
}

/* NODATA: the SOA whose TTL a cache keeps the "no address" for (RFC 2308 §5: the lesser of
 * the SOA's TTL and MINIMUM) lives no longer than this answer's own TTL, so a dual-stack client
 * gets its AAAA back as soon as its A moves back, not a negative TTL later. */
static void add_nodata_soa(struct response *r, const struct zone *z, uint32_t ttl)
{
	if (z->negative_soa.ttl < ttl)
		ttl = z->negative_soa.ttl;
	response_add_rrset_ttl(r, SECTION_AUTHORITY, z->apex->name, &z->negative_soa, ttl);
}

/* A signed zone's answer with DO=1: the set pre-signed for exactly the sites in `mask`
 * (zones/dnssec_failover.c), its RRSIG beside it. */
static void answer_signed(struct response *r, const struct zone *z, const struct zone_failover *f,
			  uint16_t qtype, const uint8_t *owner, uint32_t mask, uint32_t ttl)
{
	const struct zone_failover_signed *s = f->signed_sets;
	const struct zone_rrset *set = NULL;

	if (mask < s->count)
		set = qtype == DNS_TYPE_AAAA ? &s->aaaa[mask] : &s->a[mask];
	if (set != NULL && set->rr_count > 0)
		response_add_rrset_ttl(r, SECTION_ANSWER, owner, set, ttl);
	else
		add_nodata_soa(r, z, ttl);
}

void policy_answer(struct response *r, const struct zone *z, const struct zone_failover *f,
		   struct policy_context *ctx, uint16_t qtype, const uint8_t *owner)
{
	const struct zone_site *sites[PICK_MAX];
	uint8_t picked[PICK_MAX];
	unsigned n = pick(r, f, ctx, picked);
	uint32_t ttl = policy_ttl(f, ctx->health, ctx->now_ms);
	uint16_t added = 0;
	uint32_t mask = 0; /* the sites answering: bit i f->sites[i], bit site_count the fallback */

	/* RFC 8914 §4.4: the answer may be older than the sites' state, as a resolver's stale
	 * answer is older than its data; a fallback's code, below, replaces it */
	if (rests_on_held(f, ctx->health))
		response_set_ede(r, EDE_STALE_ANSWER, "health verdict held: too few live probers");
	/* several workers may answer one name at once: the counters are shared */
	for (unsigned i = 0; i < n; i++) {
		counter_bump_shared(&f->answers[picked[i]]);
		sites[i] = f->sites[picked[i]];
		mask |= 1u << (picked[i] & 31);
	}
	if (n == 0) {
		n = fall_back(r, f, sites);
		counter_bump_shared(&f->answers[f->site_count]);
		mask = f->fallback == FALLBACK_SITE ? 1u << (f->site_count & 31)
						    : (1u << (n & 31)) - 1;
	}
	if (r->rcode == DNS_RCODE_SERVFAIL)
		return;
	if (f->signed_sets != NULL && r->edns_do) {
		answer_signed(r, z, f, qtype, owner, mask, ttl);
		return;
	}
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
		add_nodata_soa(r, z, ttl);
}
