/* Which sites a FAILOVER answers with. One definition for the query path (server/policy.c), the
 * export to secondaries (server/export.c) and the static print (zones/print.c), so what a
 * secondary carries is what batond answers a resolver without ECS, and the two cannot drift. */
#ifndef BATON_PICK_H
#define BATON_PICK_H

#include <stdbool.h>
#include <stddef.h> /* health.h uses NULL */
#include <stdint.h>

#include "baton/health.h"
#include "zones/failover.h"
#include "zones/site.h"

/* At most SITE_LIST_MAX (64) sites per FAILOVER: one bit each. */
#define PICK_MAX SITE_LIST_MAX

/* A set of a FAILOVER's sites: bit i is f->sites[i]; fallback_site is f->fallback_site (it
 * need not be in the list). */
struct pick_set {
	uint64_t sites;
	bool fallback_site;
};

/* The usable sites of `f` (verdict and drain, health_site_is_usable()) in list order, as
 * indexes into f->sites: every one when `all`, else only the first. Returns how many.
 * Query-path safe. */
unsigned pick_usable(const struct zone_failover *f, const struct health_view *view, bool all,
		     uint8_t *out);

/* The sites the fallback answers with when none is usable: every site (fallback=all), the
 * named one, or none (servfail, none). Returns how many. Query-path safe. */
unsigned pick_fallback(const struct zone_failover *f, const struct zone_site **out);

/* What `f` answers now to a resolver without ECS, as a secondary must carry it: `order` and
 * `geo` (with no client, geo answers in list order) the first usable site; `all` and `weighted`
 * every usable site (a secondary cannot draw at random); else the fallback. */
void pick_export(const struct zone_failover *f, const struct health_view *view,
		 struct pick_set *out);

static inline bool pick_set_equal(const struct pick_set *a, const struct pick_set *b)
{
	return a->sites == b->sites && a->fallback_site == b->fallback_site;
}

/* The sites of `s` in list order, the fallback site last. Returns how many. */
unsigned pick_set_sites(const struct zone_failover *f, const struct pick_set *s,
			const struct zone_site **out);

#endif
