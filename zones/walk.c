/* The records a zone exports, one at a time, FAILOVERs resolved by zones/pick.c. */
#include "autoconfig.h"

#include <string.h>

#include "zones/walk.h"

enum { TYPE_A = 1, TYPE_AAAA = 28 }; /* RFC 1035, RFC 3596 */

void walk_init(struct walk *w, const struct zone *z, const struct pick_set *picks)
{
	memset(w, 0, sizeof(*w));
	w->z = z;
	w->picks = picks;
}

/* The same address from an earlier site of this node: a second copy would make the RRset hold
 * one RR twice (RFC 2181 §5). */
static bool seen_before(const struct walk *w, uint16_t type, const struct zone_rr *rr)
{
	for (uint16_t s = 0; s < w->site; s++) {
		const struct zone_rrset *set = type == TYPE_A ? w->sites[s]->a : w->sites[s]->aaaa;

		for (uint16_t i = 0; i < set->rr_count; i++)
			if (set->rrs[i].len == rr->len &&
			    memcmp(set->rrs[i].wire, rr->wire, rr->len) == 0)
				return true;
	}
	return false;
}

/* The FAILOVER part of node n: A records of each site, then AAAA (w->set counts past the
 * node's own rrsets: +0 for A, +1 for AAAA). */
static bool failover_next(struct walk *w, const struct zone_node *n, struct walk_rr *out)
{
	for (;;) {
		unsigned part = (unsigned)(w->set - n->rrset_count);
		const struct zone_rrset *set;

		if (part > 1)
			return false;
		if (w->site >= w->site_count) {
			w->set++;
			w->site = 0;
			w->rr = 0;
			continue;
		}
		set = part == 0 ? w->sites[w->site]->a : w->sites[w->site]->aaaa;
		if (w->rr >= set->rr_count) {
			w->site++;
			w->rr = 0;
			continue;
		}
		out->rr = &set->rrs[w->rr++];
		if (seen_before(w, part == 0 ? TYPE_A : TYPE_AAAA, out->rr))
			continue;
		out->owner = n->name;
		out->type = part == 0 ? TYPE_A : TYPE_AAAA;
		out->ttl = n->failover->ttl_min_s;
		return true;
	}
}

static void enter_failover(struct walk *w, const struct zone_node *n)
{
	struct pick_set now;
	const struct pick_set *s = &now;

	if (w->picks != NULL)
		s = &w->picks[w->failover];
	else
		pick_export(n->failover, NULL, &now);
	w->failover++;
	w->site_count = pick_set_sites(n->failover, s, w->sites);
	w->site = 0;
}

bool walk_next(struct walk *w, struct walk_rr *out)
{
	const struct zone *z = w->z;

	if (!w->soa_done) {
		w->soa_done = true;
		if (z->soa != NULL && z->soa->rr_count > 0) {
			out->owner = z->apex->name;
			out->rr = &z->soa->rrs[0];
			out->type = z->soa->type;
			out->ttl = z->soa->ttl;
			return true;
		}
	}
	while (w->node < z->node_count) {
		const struct zone_node *n = &z->nodes[w->node];

		if (!w->entered) {
			w->entered = true;
			w->set = w->rr = w->site = 0;
			w->site_count = 0;
			if (n->failover != NULL)
				enter_failover(w, n);
		}
		if (w->set < n->rrset_count) {
			const struct zone_rrset *set = &n->rrsets[w->set];

			if (set == z->soa || w->rr >= set->rr_count) {
				w->set++;
				w->rr = 0;
				continue;
			}
			out->owner = n->name;
			out->rr = &set->rrs[w->rr++];
			out->type = set->type;
			out->ttl = set->ttl;
			return true;
		}
		if (n->failover != NULL && failover_next(w, n, out))
			return true;
		w->node++;
		w->entered = false;
	}
	return false;
}
