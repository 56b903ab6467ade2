/* Builds the zones of the configuration beside the ones serving and publishes them with RCU. */
#include "autoconfig.h"

#include <errno.h>
#include <ldns/ldns.h>
#include <stdlib.h>
#include <urcu-qsbr.h>

#include "baton/log.h"
#include "health/engine.h"
#include "server/reload.h"

/* policy=geo ranks sites by the client's location, which needs `geoip-database:`; batond
 * does not read one yet, so such a zone is refused rather than silently answered in order. */
static bool uses_geo(const struct zone *z, struct diag *d)
{
	bool found = false;

	for (uint32_t i = 0; i < z->node_count; i++) {
		const struct zone_failover *f = z->nodes[i].failover;

		if (f != NULL && f->policy == POLICY_GEO) {
			diag_add(d, f->file, f->line,
				 "policy=geo needs a geoip-database, which this "
				 "batond does not support yet: use policy=order");
			found = true;
		}
	}
	return found;
}

int reload_run(struct server *s, struct diag *d)
{
	struct zoneset *old = s->zones, *next = NULL;
	struct zone **zones = calloc(s->cfg.zone_count ? s->cfg.zone_count : 1, sizeof(*zones));
	size_t count = 0;
	int failed = 0, rc;

	if (zones == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < s->cfg.zone_count; i++) {
		const struct config_zone *cz = &s->cfg.zones[i];
		struct zone *z = NULL;
		size_t errors_before = d->count;

		if (zone_load(&z, cz->name, cz->zonefile, d) == 0 && !uses_geo(z, d)) {
			log_info("zone %s: loaded serial %u from %s", cz->name, z->serial,
				 cz->zonefile);
			zones[count++] = z;
			continue;
		}
		zone_free(z); /* one that loaded but uses geo */
		z = NULL;
		failed++;
		for (size_t e = errors_before; e < d->count; e++)
			log_err("zone %s: %s", cz->name, d->lines[e]);
		z = zoneset_get_by_name(old, cz->name);
		if (z != NULL) {
			log_err("zone %s: %s has errors; still serving serial %u", cz->name,
				cz->zonefile, z->serial);
			zones[count++] = z;
		} else {
			log_err("zone %s: %s has errors; zone not served", cz->name, cz->zonefile);
		}
	}
	rc = zoneset_new(&next, zones, count);
	if (rc < 0) {
		/* Fresh zones are owned by nobody yet; kept ones stay owned by `old`. */
		for (size_t i = 0; i < count; i++)
			if (zones[i]->refs == 0)
				zone_free(zones[i]);
		free(zones);
		return rc;
	}
	free(zones);
	/* Sites get their health ids before the query path can see them. */
	rc = s->engine ? health_engine_sync(s->engine, next) : 0;
	if (rc < 0) {
		zoneset_free(next);
		return rc;
	}
	rcu_assign_pointer(s->zones, next);
	synchronize_rcu();
	zoneset_free(old);
	s->last_reload = time(NULL);
	if (failed)
		s->reloads_failed++;
	else
		s->reloads_ok++;
	return failed;
}
