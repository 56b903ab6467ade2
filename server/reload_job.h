/* One reload, split where the thread ends: reload_job_compile() reads and compiles the zones
 * and touches nothing the main loop owns, reload_job_publish() publishes on the main loop. */
#ifndef BATON_RELOAD_JOB_H
#define BATON_RELOAD_JOB_H

#include <stdbool.h>
#include <time.h>

#include "baton/diag.h"
#include "server/fingerprint.h"
#include "server/reload.h"
#include "server/server.h"

struct geo_db;

struct reload_job {
	struct server *s; /* read only on the thread: cfg, zones, prints, geo_db */
	bool *want; /* [cfg.zone_count]: look at its files; otherwise what serves stays */
	size_t wanted;
	bool reopen_geo_db; /* a reload of every zone opens the geoip-database anew */
	struct diag own_d;
	struct diag *d; /* &own_d, or the caller's */
	struct timespec started; /* CLOCK_REALTIME_COARSE, before any file is read */
	struct timespec started_mono;
	struct geo_db *geo_db; /* opened by this reload, or NULL */
	bool geo_db_failed;
	struct zone **zones;
	size_t count;
	struct zone_prints *prints; /* [cfg.zone_count], what each new zone came from */
	bool *carry; /* [cfg.zone_count]: the zone serving stays, and so do its prints */
	unsigned geo_refused;
	struct reload_result result;
	struct zoneset *next;
};

/* A job for zone `zone` (index in cfg.zones) or all (-1), reporting into `d` (NULL: its own).
 * Returns 0 or -ENOMEM. Main thread. */
int reload_job_new(struct reload_job **out, struct server *s, int zone, struct diag *d);

/* Reads and compiles; any thread, while the main thread changes none of s->zones, s->prints
 * and s->geo_db (only reload_job_publish() does). */
void reload_job_compile(struct reload_job *j);

/* Publishes what reload_job_compile() built, or drops it when it was abandoned; fills
 * j->result. Main thread, RCU-offline. Returns j->result.rc. */
int reload_job_publish(struct reload_job *j);

/* Frees the job and whatever of it was not published; NULL is a no-op. */
void reload_job_free(struct reload_job *j);

#endif
