/* Builds the zones of the configuration beside the ones serving and publishes them with RCU. */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <urcu-qsbr.h>

#include "baton/log.h"
#include "health/engine.h"
#include "server/geo.h"
#include "server/export.h"
#include "server/reload.h"
#include "zones/keep.h"

volatile sig_atomic_t reload_stop_requested;

/* policy=geo ranks sites by the client's location, which needs a database; without one such a
 * zone is refused rather than silently answered in list order. */
static bool lacks_geo_db(const struct server *s, const struct zone *z, struct diag *d)
{
	bool found = false;

	for (uint32_t i = 0; s->geo_db == NULL && i < z->failover_count; i++) {
		const struct zone_failover *f = z->failovers[i]->failover;

		if (f->policy == POLICY_GEO) {
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

/* DIR/NAME.zone for `zone-cache: DIR` (NAME without its final dot, in lower case, and
 * anything but letters, digits, '.', '-' and '_' made '_': names may hold escapes); false
 * without zone-cache. */
static bool copy_path(const struct server *s, const struct config_zone *cz, char *buf, size_t size)
{
	size_t n, name_len = strlen(cz->name);

	if (s->cfg.zone_cache == NULL)
		return false;
	if (name_len > 1 && cz->name[name_len - 1] == '.')
		name_len--;
	n = (size_t)snprintf(buf, size, "%s/", s->cfg.zone_cache);
	for (size_t i = 0; i < name_len && n + 6 < size; i++) {
		unsigned char c = (unsigned char)cz->name[i];

		buf[n++] = (char)(isalnum(c) || strchr(".-_", c) ? tolower(c) : '_');
	}
	snprintf(buf + n, size - n, ".zone");
	return true;
}

/* Loads a zone from its files, keeping a copy when it compiles (with zone-cache). */
static int load_zone(const struct server *s, const struct config_zone *cz, struct zone **z,
		     struct diag *d)
{
	char copy[4096];
	int copy_err, rc;

	if (!copy_path(s, cz, copy, sizeof(copy)))
		return zone_load(z, cz->name, cz->zonefile, d);
	rc = zone_load_keeping(z, cz->name, cz->zonefile, copy, d, &copy_err);
	if (copy_err < 0)
		log_warn("zone %s: cannot keep its last good copy in %s: %s", cz->name, copy,
			 strerror(-copy_err));
	return rc;
}

/* At a start, a zone whose files do not compile is served from its last good copy. */
static struct zone *load_last_good(const struct server *s, const struct config_zone *cz)
{
	char copy[4096];
	struct zone *z = NULL;
	struct diag d;

	if (!copy_path(s, cz, copy, sizeof(copy)) || access(copy, R_OK) != 0)
		return NULL;
	diag_init(&d);
	if (zone_load(&z, cz->name, copy, &d) < 0 || lacks_geo_db(s, z, &d)) {
		for (size_t e = 0; e < d.count; e++)
			log_err("zone %s: last good copy: %s", cz->name, d.lines[e]);
		zone_free(z);
		z = NULL;
	}
	diag_fini(&d);
	return z;
}

/* Nothing of an abandoned reload is published: fresh zones are owned by nobody yet, kept
 * ones stay owned by the set serving. */
static void drop_fresh(struct zone **zones, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (zones[i]->refs == 0)
			zone_free(zones[i]);
	free(zones);
}

static int abandon(struct server *s, struct zone **zones, size_t count, struct diag *d)
{
	drop_fresh(zones, count);
	s->reloads_failed++;
	if (d->stopped == -ETIMEDOUT) {
		log_err("reload: abandoned after reload-timeout (%u s); the zones serving are "
			"kept: raise it in %s, or find what is slow",
			s->cfg.reload_timeout_s, s->cfg.path);
		diag_add(d, s->cfg.path, 0,
			 "reload abandoned after reload-timeout (%u s); the zones serving are kept",
			 s->cfg.reload_timeout_s);
	} else {
		log_info("reload: abandoned: batond is stopping");
	}
	return d->stopped;
}

int reload_run(struct server *s, struct diag *d)
{
	struct zoneset *old = s->zones, *next = NULL;
	struct zone **zones = calloc(s->cfg.zone_count ? s->cfg.zone_count : 1, sizeof(*zones));
	size_t count = 0;
	int failed = 0, rc;

	if (zones == NULL)
		return -ENOMEM;
	diag_set_stop(d, s->cfg.reload_timeout_s, &reload_stop_requested);
	reload_geo_db(s);
	s->geo_refused = 0;
	for (size_t i = 0; i < s->cfg.zone_count; i++) {
		const struct config_zone *cz = &s->cfg.zones[i];
		struct zone *z = NULL;
		size_t errors_before = d->count;

		if (diag_should_stop(d, cz->zonefile, 0) ||
		    (load_zone(s, cz, &z, d) < 0 && d->stopped))
			return abandon(s, zones, count, d);
		if (z != NULL && !lacks_geo_db(s, z, d)) {
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
		} else if ((z = load_last_good(s, cz)) != NULL) {
			log_err("zone %s: %s has errors; serving its last good copy, serial %u, "
				"from %s",
				cz->name, cz->zonefile, z->serial, z->file);
			zones[count++] = z;
		} else {
			log_err("zone %s: %s has errors; zone not served", cz->name, cz->zonefile);
		}
	}
	rc = zoneset_new(&next, zones, count);
	if (rc < 0) {
		drop_fresh(zones, count);
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
	if (s->export != NULL)
		export_zones_replaced(s->export, next); /* new serials before anyone sees them */
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
