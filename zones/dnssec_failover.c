/* FAILOVER answers of a signed zone. An RRSIG covers owner, type and every address of the
 * set, so each answer a FAILOVER can give (one site's addresses; with policy=all or
 * fallback=all, those of any group of sites) gets its own set and signature under that owner,
 * made here. The query path picks the pair by the mask of the sites it chose: a changed
 * answer and its signature change together, as one pointer. */
#include "autoconfig.h"

#include <errno.h>
#include <string.h>

#include "zones/dnssec.h"
#include "zones/dnssec_internal.h"

void dnssec_check_failovers(const struct zone *z, struct diag *d)
{
	for (uint32_t i = 0; i < z->failover_count; i++) {
		const struct zone_failover *f = z->failovers[i]->failover;

		if (f->site_count > DNSSEC_FAILOVER_SITES_MAX)
			diag_add(d, f->file, f->line,
				 "FAILOVER with %u sites in a signed zone: at most %u; split it "
				 "or turn dnssec-signing off",
				 f->site_count, DNSSEC_FAILOVER_SITES_MAX);
	}
}

static bool can_join(const struct zone_failover *f)
{
	return f->policy == POLICY_ALL || f->fallback == FALLBACK_ALL;
}

/* Can the FAILOVER answer with exactly the sites of `mask`? */
static bool is_possible(const struct zone_failover *f, uint32_t mask)
{
	uint32_t fallback = 1u << f->site_count;

	if (mask == fallback)
		return f->fallback == FALLBACK_SITE && f->fallback_site != NULL;
	if (mask & fallback)
		return false;
	return (mask & (mask - 1)) == 0 || can_join(f);
}

static const struct zone_site *site_of(const struct zone_failover *f, unsigned bit)
{
	return bit < f->site_count ? f->sites[bit] : f->fallback_site;
}

static bool has_rr(const struct zone_rrset *set, const struct zone_rr *rr)
{
	for (uint16_t i = 0; i < set->rr_count; i++)
		if (set->rrs[i].len == rr->len && memcmp(set->rrs[i].wire, rr->wire, rr->len) == 0)
			return true;
	return false;
}

/* The addresses of the sites in `mask`, in site order, each once (RFC 2181 §5), signed. */
static int build_set(struct zone *z, const struct dnssec_keys *keys, const struct zone_node *n,
		     uint32_t mask, bool v6, struct zone_rrset *out)
{
	const struct zone_failover *f = n->failover;
	unsigned total = 0;

	for (unsigned b = 0; b <= f->site_count; b++)
		if (mask & (1u << b))
			total += (v6 ? site_of(f, b)->aaaa : site_of(f, b)->a)->rr_count;
	*out = (struct zone_rrset){ .type = v6 ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A,
				    .ttl = f->ttl_max_s,
				    .file = f->file,
				    .line = f->line };
	if (total == 0)
		return 0;
	out->rrs = arena_alloc(&z->arena, sizeof(*out->rrs) * total);
	if (out->rrs == NULL)
		return -ENOMEM;
	for (unsigned b = 0; b <= f->site_count; b++) {
		const struct zone_rrset *s;

		if (!(mask & (1u << b)))
			continue;
		s = v6 ? site_of(f, b)->aaaa : site_of(f, b)->a;
		for (uint16_t i = 0; i < s->rr_count; i++)
			if (!has_rr(out, &s->rrs[i]))
				out->rrs[out->rr_count++] = s->rrs[i];
	}
	/* the RRSIG's original TTL is the record's ceiling; answers go out at or below it */
	return dnssec_sign_set(z, dnssec_zsk(keys), n->name, out, f->ttl_max_s);
}

static int sign_failover(struct zone *z, const struct dnssec_keys *keys, struct zone_node *n)
{
	struct zone_failover *f = (struct zone_failover *)n->failover;
	struct zone_failover_signed *s = arena_alloc(&z->arena, sizeof(*s));
	const uint8_t *next;

	if (s == NULL)
		return -ENOMEM;
	s->count = 1u << (f->site_count + 1);
	s->a = arena_alloc(&z->arena, sizeof(*s->a) * s->count);
	s->aaaa = arena_alloc(&z->arena, sizeof(*s->aaaa) * s->count);
	if (s->a == NULL || s->aaaa == NULL)
		return -ENOMEM;
	memset(s->a, 0, sizeof(*s->a) * s->count);
	memset(s->aaaa, 0, sizeof(*s->aaaa) * s->count);
	for (uint32_t mask = 1; mask < s->count; mask++) {
		int rc;

		if (!is_possible(f, mask))
			continue;
		rc = build_set(z, keys, n, mask, false, &s->a[mask]);
		if (rc == 0)
			rc = build_set(z, keys, n, mask, true, &s->aaaa[mask]);
		if (rc < 0)
			return rc;
	}
	/* NODATA for one family: the chain's NSEC here with that type left out */
	next = n->nsec->rrs[0].wire + 10;
	for (unsigned v6 = 0; v6 < 2; v6++) {
		struct zone_rrset *nsec;
		int rc = dnssec_make_nsec(z, n, next, v6 ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A,
					  &nsec);

		if (rc == 0)
			rc = dnssec_sign_set(z, dnssec_zsk(keys), n->name, nsec, nsec->ttl);
		if (rc < 0)
			return rc;
		s->nsec_nodata[v6] = nsec;
	}
	f->signed_sets = s;
	return 0;
}

int dnssec_sign_failovers(struct zone *z, const struct dnssec_keys *keys)
{
	for (uint32_t i = 0; i < z->failover_count; i++) {
		struct zone_node *n = z->failovers[i];
		int rc;

		/* below a cut a FAILOVER is never answered: a referral is */
		if (n->nsec == NULL)
			continue;
		rc = sign_failover(z, keys, n);
		if (rc < 0)
			return rc;
	}
	return 0;
}
