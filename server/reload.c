/* Builds the zones of the configuration beside the ones serving and publishes them with RCU. */
#include "autoconfig.h"

#include <errno.h>
#include <ldns/ldns.h>
#include <stdlib.h>
#include <urcu-qsbr.h>

#include "baton/log.h"
#include "health/engine.h"
#include "server/geo.h"
#include "server/reload.h"

/* policy=geo ranks sites by the client's location, which needs a database; without one such a
 * zone is refused rather than silently answered in list order. */
static bool lacks_geo_db(const struct server *s, const struct zone *z, struct diag *d)
{
	bool found = false;

	for (uint32_t i = 0; s->geo_db == NULL && i < z->node_count; i++) {
		const struct zone_failover *f = z->nodes[i].failover;

		if (f != NULL && f->policy == POLICY_GEO) {
			diag_add(d, f->file, f->line,
				 s->cfg.geoip_database
					 ? "policy=geo: the geoip-database %s could not be opened "
					   "(see above)"
					 : "policy=geo needs a MaxMind DB: set geoip-database: in "
					   "%s",
				 s->cfg.geoip_database ? s->cfg.geoip_database : s->cfg.path);
			found = true;
		}
	}
	return found;
}

/* Opens the configured database anew, as a reload does for the zones; when it cannot be
 * opened the one serving stays. */
static void reload_geo_db(struct server *s)
{
	struct geo_db *db = NULL;
	struct diag d;

	if (s->cfg.geoip_database == NULL)
		return;
	diag_init(&d);
	if (geo_db_open(&db, s->cfg.geoip_database, &d) == 0) {
		log_info("geoip %s: %u networks, %u locations", s->cfg.geoip_database,
			 db->network_count, db->location_count);
		geo_db_unref(s->geo_db);
		s->geo_db = db;
	} else {
		for (size_t e = 0; e < d.count; e++)
			log_err("geoip %s", d.lines[e]);
		if (s->geo_db != NULL)
			log_err("geoip %s: still using the database loaded before",
				s->cfg.geoip_database);
		s->geo_db_failures++;
	}
	diag_fini(&d);
}

int reload_run(struct server *s, struct diag *d)
{
	struct zoneset *old = s->zones, *next = NULL;
	struct zone **zones = calloc(s->cfg.zone_count ? s->cfg.zone_count : 1, sizeof(*zones));
	size_t count = 0;
	int failed = 0, rc;

	if (zones == NULL)
		return -ENOMEM;
	reload_geo_db(s);
	s->geo_refused = 0;
	for (size_t i = 0; i < s->cfg.zone_count; i++) {
		const struct config_zone *cz = &s->cfg.zones[i];
		struct zone *z = NULL;
		size_t errors_before = d->count;

		if (zone_load(&z, cz->name, cz->zonefile, d) == 0 && !lacks_geo_db(s, z, d)) {
			log_info("zone %s: loaded serial %u from %s", cz->name, z->serial,
				 cz->zonefile);
			zones[count++] = z;
			continue;
		}
		if (z != NULL)
			s->geo_refused++;
		zone_free(z); /* one that loaded but needs the database */
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
	/* Sites get their health ids, and geo records their rankings, before the query path can
	 * see them. */
	rc = s->engine ? health_engine_sync(s->engine, next) : 0;
	if (rc == 0)
		rc = geo_index_build(&next->geo, next, s->geo_db);
	if (rc < 0) {
		zoneset_free(next);
		return rc;
	}
	rcu_assign_pointer(s->zones, next);
	synchronize_rcu();
	if (old != NULL)
		geo_index_free(old->geo);
	zoneset_free(old);
	s->last_reload = time(NULL);
	if (failed)
		s->reloads_failed++;
	else
		s->reloads_ok++;
	return failed;
}
