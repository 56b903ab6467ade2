/* One reload: reads and compiles the zones that changed beside the ones serving (on any
 * thread), then publishes them with RCU (on the main thread). */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <urcu-qsbr.h>

#include "baton/log.h"
#include "health/engine.h"
#include "server/geo.h"
#include "server/export.h"
#include "server/reload.h"
#include "server/reload_job.h"
#include "zones/dnssec.h"
#include "zones/keep.h"

volatile sig_atomic_t reload_stop_requested;

/* policy=geo ranks sites by the client's location, which needs a database; without one such a
 * zone is refused rather than silently answered in list order. */
static bool lacks_geo_db(const struct server *s, const struct geo_db *db, const struct zone *z,
			 struct diag *d)
{
	bool found = false;

	for (uint32_t i = 0; db == NULL && i < z->failover_count; i++) {
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
static void open_geo_db(struct reload_job *j)
{
	const struct server *s = j->s;
	struct diag d;

	if (s->cfg.geoip_database == NULL || !j->reopen_geo_db)
		return;
	diag_init(&d);
	if (geo_db_open(&j->geo_db, s->cfg.geoip_database, &d) == 0) {
		log_info("geoip %s: %u networks, %u locations", s->cfg.geoip_database,
			 j->geo_db->network_count, j->geo_db->location_count);
	} else {
		for (size_t e = 0; e < d.count; e++)
			log_err("geoip %s", d.lines[e]);
		if (s->geo_db != NULL)
			log_err("geoip %s: still using the database loaded before",
				s->cfg.geoip_database);
		j->geo_db_failed = true;
	}
	diag_fini(&d);
}

/* The database this reload's zones are checked and ranked against. */
static struct geo_db *job_geo_db(const struct reload_job *j)
{
	return j->geo_db != NULL ? j->geo_db : j->s->geo_db;
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

/* With dnssec-signing, signs the zone just loaded with the keys as they are now; on an error
 * (in `d`) the zone is freed, so a reload keeps serving the zone signed with the old keys. */
static int sign_loaded(const struct config_zone *cz, struct zone **z, struct diag *d)
{
	struct dnssec_keys *keys = NULL;
	int rc;

	if (!cz->dnssec_signing || *z == NULL)
		return 0;
	rc = dnssec_keys_load(&keys, cz->name, cz->dnssec_key_dir, d);
	if (rc == 0) {
		uint32_t now = (uint32_t)time(NULL);

		rc = dnssec_sign_zone(*z, keys, now, cz->dnssec_lifetime_s, d);
		(*z)->dnssec_signed_s = now;
	}
	dnssec_keys_free(keys);
	if (rc < 0) {
		zone_free(*z);
		*z = NULL;
	}
	return rc;
}

static int load_unsigned(const struct server *s, const struct config_zone *cz, struct zone **z,
			 struct diag *d);

/* Loads a zone from its files, keeping a copy when it compiles (with zone-cache), and signs
 * it when its section says so. */
static int load_zone(const struct server *s, const struct config_zone *cz, struct zone **z,
		     struct diag *d)
{
	int rc = load_unsigned(s, cz, z, d);

	return rc < 0 ? rc : sign_loaded(cz, z, d);
}

static int load_unsigned(const struct server *s, const struct config_zone *cz, struct zone **z,
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
static struct zone *load_last_good(const struct reload_job *j, const struct config_zone *cz)
{
	char copy[4096];
	struct zone *z = NULL;
	struct diag d;

	if (!copy_path(j->s, cz, copy, sizeof(copy)) || access(copy, R_OK) != 0)
		return NULL;
	diag_init(&d);
	if (zone_load(&z, cz->name, copy, &d) < 0 || sign_loaded(cz, &z, &d) < 0 ||
	    lacks_geo_db(j->s, job_geo_db(j), z, &d)) {
		for (size_t e = 0; e < d.count; e++)
			log_err("zone %s: last good copy: %s", cz->name, d.lines[e]);
		zone_free(z);
		z = NULL;
	}
	diag_fini(&d);
	return z;
}

int reload_zone_index(const struct server *s, const char *name)
{
	size_t len = strlen(name);

	if (len > 1 && name[len - 1] == '.')
		len--;
	for (size_t i = 0; i < s->cfg.zone_count; i++) {
		const char *cn = s->cfg.zones[i].name;
		size_t clen = strlen(cn);

		if (clen > 1 && cn[clen - 1] == '.')
			clen--;
		if (clen == len && strncasecmp(cn, name, len) == 0)
			return (int)i;
	}
	return -ENOENT;
}

int reload_job_new(struct reload_job **out, struct server *s, int zone, struct diag *d)
{
	size_t n = s->cfg.zone_count ? s->cfg.zone_count : 1;
	struct reload_job *j = calloc(1, sizeof(*j));

	if (j == NULL)
		return -ENOMEM;
	j->s = s;
	j->want = calloc(n, sizeof(*j->want));
	j->carry = calloc(n, sizeof(*j->carry));
	j->zones = calloc(n, sizeof(*j->zones));
	j->prints = calloc(n, sizeof(*j->prints));
	if (j->want == NULL || j->carry == NULL || j->zones == NULL || j->prints == NULL) {
		reload_job_free(j);
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->cfg.zone_count; i++)
		j->want[i] = zone < 0 || (size_t)zone == i;
	j->wanted = zone < 0 ? s->cfg.zone_count : 1;
	j->reopen_geo_db = zone < 0;
	diag_init(&j->own_d);
	j->d = d != NULL ? d : &j->own_d;
	j->result.d = j->d;
	*out = j;
	return 0;
}

/* The prints recorded for the zone serving as config zone i, when they describe it. */
static const struct zone_prints *serving_prints(const struct reload_job *j, size_t i,
						const struct zone *serving)
{
	const struct zone_prints *p = j->s->prints ? &j->s->prints[i] : NULL;

	return p != NULL && serving != NULL && p->zone == serving && p->count > 0 ? p : NULL;
}

/* The zone serving stays in the new set, with its prints when they describe it. */
static void keep(struct reload_job *j, size_t i, struct zone *serving)
{
	j->zones[j->count++] = serving;
	j->carry[i] = serving_prints(j, i, serving) != NULL;
}

/* A signed zone is signed again once half its signatures' lifetime has passed, whatever its
 * files say: re-signing is a reload of the zone (the timer in server/main.c asks for one), so
 * signatures never come near their expiry while batond runs. */
static bool needs_signing(const struct config_zone *cz, const struct zone *serving)
{
	return serving->dnssec &&
	       (uint32_t)time(NULL) - serving->dnssec_signed_s >= cz->dnssec_lifetime_s / 2;
}

/* A zone whose files are what it was compiled from needs no compile (nor a new last good
 * copy: the one written then holds the same zone). */
static bool kept_unchanged(struct reload_job *j, size_t i, struct zone *serving)
{
	const struct config_zone *cz = &j->s->cfg.zones[i];
	const struct zone_prints *p = serving_prints(j, i, serving);
	enum fingerprint_verdict v;

	if (p == NULL || needs_signing(cz, serving))
		return false;
	v = fingerprint_check(p);
	if (v == FINGERPRINT_CHANGED || lacks_geo_db(j->s, job_geo_db(j), serving, j->d))
		return false;
	log_info("zone %s: unchanged, kept (serial %u%s)", cz->name, serving->serial,
		 v == FINGERPRINT_TOUCHED ? "; a file's mtime moved, its content did not" : "");
	keep(j, i, serving);
	j->result.unchanged++;
	return true;
}

/* What it was compiled from is recorded unless a file changed since the reload began (the
 * zone may hold either version): that zone is compiled again next time. */
static void record_prints(struct reload_job *j, size_t i, struct zone *z)
{
	int rc = fingerprint_zone(&j->prints[i], z, z->files, z->file_count, &j->started);

	if (rc < 0)
		log_debug("zone %s: files not fingerprinted (%s); the next reload compiles it",
			  z->name_str, strerror(-rc));
}

/* The errors of a zone that did not compile; what serves instead. */
static void fall_back(struct reload_job *j, size_t i, struct zone *serving, size_t errors_before)
{
	const struct config_zone *cz = &j->s->cfg.zones[i];
	struct zone *z;

	j->result.rc++;
	for (size_t e = errors_before; e < j->d->count; e++)
		log_err("zone %s: %s", cz->name, j->d->lines[e]);
	if (serving != NULL) {
		log_err("zone %s: %s has errors; still serving serial %u", cz->name, cz->zonefile,
			serving->serial);
		keep(j, i, serving);
	} else if ((z = load_last_good(j, cz)) != NULL) {
		log_err("zone %s: %s has errors; serving its last good copy, serial %u, from %s",
			cz->name, cz->zonefile, z->serial, z->file);
		j->zones[j->count++] = z;
	} else {
		log_err("zone %s: %s has errors; zone not served", cz->name, cz->zonefile);
	}
}

/* One configured zone; false when the whole reload must stop. */
static bool compile_one(struct reload_job *j, size_t i)
{
	const struct config_zone *cz = &j->s->cfg.zones[i];
	struct zone *serving = zoneset_get_by_name(j->s->zones, cz->name), *z = NULL;
	size_t errors_before = j->d->count;

	if (!j->want[i]) {
		if (serving != NULL)
			keep(j, i, serving);
		return true;
	}
	if (diag_should_stop(j->d, cz->zonefile, 0))
		return false;
	if (kept_unchanged(j, i, serving))
		return true;
	if (load_zone(j->s, cz, &z, j->d) < 0 && j->d->stopped)
		return false;
	if (z != NULL && !lacks_geo_db(j->s, job_geo_db(j), z, j->d)) {
		log_info("zone %s: loaded serial %u from %s", cz->name, z->serial, cz->zonefile);
		record_prints(j, i, z);
		j->zones[j->count++] = z;
		j->result.compiled++;
		return true;
	}
	if (z != NULL)
		j->geo_refused++;
	zone_free(z); /* one that loaded but needs the database */
	fall_back(j, i, serving, errors_before);
	return true;
}

void reload_job_compile(struct reload_job *j)
{
	int rc;

	clock_gettime(CLOCK_REALTIME_COARSE, &j->started);
	clock_gettime(CLOCK_MONOTONIC, &j->started_mono);
	diag_set_stop(j->d, j->s->cfg.reload_timeout_s, &reload_stop_requested);
	open_geo_db(j);
	for (size_t i = 0; i < j->s->cfg.zone_count; i++) {
		if (!compile_one(j, i)) {
			j->result.rc = j->d->stopped;
			return;
		}
	}
	/* The geo records get their rankings before the query path can see them. */
	rc = zoneset_new(&j->next, j->zones, j->count);
	if (rc == 0) {
		j->count = 0; /* the set owns them now */
		rc = geo_index_build(&j->next->geo, j->next, job_geo_db(j));
	}
	if (rc < 0)
		j->result.rc = rc;
}

/* Nothing of an abandoned reload is published: fresh zones are owned by nobody yet, kept
 * ones stay owned by the set serving. */
static void drop_fresh(struct reload_job *j)
{
	for (size_t i = 0; i < j->count; i++)
		if (j->zones[i]->refs == 0)
			zone_free(j->zones[i]);
	j->count = 0;
	if (j->next != NULL)
		geo_index_free(j->next->geo);
	zoneset_free(j->next);
	j->next = NULL;
}

static void log_abandoned(struct reload_job *j)
{
	struct server *s = j->s;

	if (j->d->stopped == -ETIMEDOUT) {
		log_err("reload: abandoned after reload-timeout (%u s); the zones serving are "
			"kept: raise it in %s, or find what is slow",
			s->cfg.reload_timeout_s, s->cfg.path);
		diag_add(j->d, s->cfg.path, 0,
			 "reload abandoned after reload-timeout (%u s); the zones serving are kept",
			 s->cfg.reload_timeout_s);
	} else if (j->d->stopped != 0) {
		log_info("reload: abandoned: batond is stopping");
	}
}

/* The prints of the zones published: carried over from the set serving, or new. */
static void swap_prints(struct reload_job *j)
{
	struct server *s = j->s;

	for (size_t i = 0; i < s->cfg.zone_count; i++) {
		if (j->carry[i]) {
			j->prints[i] = s->prints[i];
			s->prints[i] = (struct zone_prints){ 0 };
		}
	}
	reload_forget_prints(s);
	s->prints = j->prints;
	j->prints = NULL;
}

static void swap_geo_db(struct reload_job *j)
{
	struct server *s = j->s;

	s->geo_refused = j->geo_refused;
	if (j->geo_db_failed)
		s->geo_db_failures++;
	if (j->geo_db != NULL) {
		geo_db_unref(s->geo_db);
		s->geo_db = j->geo_db;
		j->geo_db = NULL;
	}
}

static long elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

int reload_job_publish(struct reload_job *j)
{
	struct server *s = j->s;
	struct zoneset *old = s->zones;
	int rc = j->result.rc;

	/* Sites get their health ids before the query path can see them; a kept zone keeps its
	 * ids (they follow the zone and site names), so its sites' state is untouched. */
	if (rc >= 0 && s->engine != NULL && (rc = health_engine_sync(s->engine, j->next)) < 0)
		j->result.rc = rc;
	if (rc < 0) {
		log_abandoned(j);
		drop_fresh(j);
		s->reloads_failed++;
		return j->result.rc;
	}
	if (s->export != NULL)
		export_zones_replaced(s->export, j->next); /* new serials before anyone sees them */
	rcu_assign_pointer(s->zones, j->next);
	j->next = NULL;
	synchronize_rcu();
	if (old != NULL)
		geo_index_free(old->geo);
	zoneset_free(old);
	swap_prints(j);
	swap_geo_db(j);
	s->last_reload = time(NULL);
	if (j->result.rc > 0)
		s->reloads_failed++;
	else
		s->reloads_ok++;
	log_info("reload: done in %ld ms: %u compiled, %u unchanged, %d failed",
		 elapsed_ms(&j->started_mono), j->result.compiled, j->result.unchanged,
		 j->result.rc);
	return j->result.rc;
}

void reload_job_free(struct reload_job *j)
{
	if (j == NULL)
		return;
	drop_fresh(j);
	for (size_t i = 0; j->prints != NULL && i < j->s->cfg.zone_count; i++)
		fingerprint_fini(&j->prints[i]);
	free(j->prints);
	geo_db_unref(j->geo_db);
	diag_fini(&j->own_d);
	free(j->want);
	free(j->carry);
	free(j->zones);
	free(j);
}

void reload_forget_prints(struct server *s)
{
	for (size_t i = 0; s->prints != NULL && i < s->cfg.zone_count; i++)
		fingerprint_fini(&s->prints[i]);
	free(s->prints);
	s->prints = NULL;
}

int reload_run(struct server *s, int zone, struct diag *d, struct reload_result *out)
{
	struct reload_job *j;
	int rc = reload_job_new(&j, s, zone, d);

	if (rc < 0)
		return rc;
	log_info("reload: reading %zu zones", j->wanted);
	reload_job_compile(j);
	rc = reload_job_publish(j);
	if (out != NULL)
		*out = j->result;
	reload_job_free(j);
	return rc;
}
