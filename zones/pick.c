/* Which sites a FAILOVER answers with: the walk over its short site list shared by the query
 * path, the export to secondaries and the static print. No allocation, no lock. */
#include "autoconfig.h"

#include "zones/pick.h"

unsigned pick_usable(const struct zone_failover *f, const struct health_view *view, bool all,
		     uint8_t *out)
{
	unsigned n = 0;

	for (uint16_t i = 0; i < f->site_count && n < PICK_MAX; i++) {
		if (!health_site_is_usable(view, f->sites[i]->health_id))
			continue;
		out[n++] = (uint8_t)i;
		if (!all)
			break;
	}
	return n;
}

unsigned pick_fallback(const struct zone_failover *f, const struct zone_site **out)
{
	switch (f->fallback) {
	case FALLBACK_ALL: /* fail open, like gdnsd: some answer beats none */
		for (uint16_t i = 0; i < f->site_count && i < PICK_MAX; i++)
			out[i] = f->sites[i];
		return f->site_count < PICK_MAX ? f->site_count : PICK_MAX;
	case FALLBACK_SITE: out[0] = f->fallback_site; return 1;
	case FALLBACK_SERVFAIL:
	case FALLBACK_NONE:
	default: return 0;
	}
}

void pick_export(const struct zone_failover *f, const struct health_view *view,
		 struct pick_set *out)
{
	uint8_t picked[PICK_MAX];
	bool all = f->policy == POLICY_ALL || f->policy == POLICY_WEIGHTED;
	unsigned n = pick_usable(f, view, all, picked);

	out->sites = 0;
	out->fallback_site = false;
	for (unsigned i = 0; i < n; i++)
		out->sites |= 1ull << picked[i];
	if (n > 0)
		return;
	if (f->fallback == FALLBACK_ALL)
		out->sites = f->site_count >= 64 ? ~0ull : (1ull << f->site_count) - 1;
	else if (f->fallback == FALLBACK_SITE)
		out->fallback_site = true;
}

unsigned pick_set_sites(const struct zone_failover *f, const struct pick_set *s,
			const struct zone_site **out)
{
	unsigned n = 0;
	bool listed = false;

	for (uint16_t i = 0; i < f->site_count && i < PICK_MAX; i++) {
		if (!(s->sites & (1ull << i)))
			continue;
		out[n++] = f->sites[i];
		listed |= f->sites[i] == f->fallback_site;
	}
	if (s->fallback_site && !listed && n < PICK_MAX)
		out[n++] = f->fallback_site;
	return n;
}
