/* The live state exported to secondaries. Every source of a change of answers (the zone's own
 * checks, a gossip quorum, a drain, a reload) ends in a newly published health view, so the
 * export reads that view on a timer instead of hooking each source: a walk over the zones'
 * FAILOVER lists (ten FAILOVERs among a million names cost ten steps) every EXPORT_POLL_MS. */
#include "autoconfig.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <urcu-qsbr.h>

#include "baton/clock.h"
#include "baton/file_replace.h"
#include "baton/log.h"
#include "server/export.h"
#include "server/notify.h"
#include "server/server.h"

/* How often the health view is compared with what was exported: well inside the default
 * export-min-interval of 1 s, and 10 wake-ups a second cost nothing measurable. */
#define EXPORT_POLL_MS 100

uint32_t export_next_serial(uint32_t current, uint32_t file)
{
	return serial_gt(file, current) ? file : current + 1;
}

bool export_zone_is_active(const struct export_zone *ez)
{
	return ez->cz->provide_xfr_count > 0 || ez->cz->notify_count > 0;
}

void export_journal_clear(struct export_zone *ez)
{
	for (unsigned i = 0; i < ez->journal_count; i++)
		free(export_journal_at(ez, ez->journal_start + i)->changes);
	ez->journal_start = ez->journal_count = 0;
}

void export_journal_add(struct export_zone *ez, struct export_diff *diff)
{
	if (ez->journal_count == EXPORT_JOURNAL_MAX) {
		free(ez->journal[ez->journal_start % EXPORT_JOURNAL_MAX].changes);
		ez->journal_start = (ez->journal_start + 1) % EXPORT_JOURNAL_MAX;
		ez->journal_count--;
	}
	ez->journal[(ez->journal_start + ez->journal_count) % EXPORT_JOURNAL_MAX] = *diff;
	ez->journal_count++;
	ez->serial = diff->to;
}

unsigned export_journal_from(const struct export_zone *ez, uint32_t serial, unsigned *first)
{
	for (unsigned i = 0; i < ez->journal_count; i++) {
		if (export_journal_at(ez, ez->journal_start + i)->from == serial) {
			*first = ez->journal_start + i;
			return ez->journal_count - i;
		}
	}
	return 0;
}

/* "<state-file>.<zone>.serial": beside the drains, where batond may already write. */
static char *serial_path(const struct server *s, const struct config_zone *cz)
{
	char *path = NULL;

	if (s->cfg.state_file == NULL)
		return NULL;
	if (asprintf(&path, "%s.%s.serial", s->cfg.state_file, cz->name) < 0)
		return NULL;
	return path;
}

/* The serial kept on disk; false when none is (or it cannot be read: logged). */
static bool serial_read(const char *path, uint32_t *serial)
{
	char buf[32];
	ssize_t n;
	int fd;
	unsigned long v;
	char *end;

	if (path == NULL)
		return false;
	fd = file_open_own(path, O_RDONLY, 0);
	if (fd < 0) {
		if (fd != -ENOENT)
			log_warn("export: %s: %s", path, file_refusal(fd));
		return false;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	v = strtoul(buf, &end, 10);
	if (end == buf || (*end != '\n' && *end != '\0') || v > UINT32_MAX) {
		log_warn("export: %s: not a serial; starting from the zone file's", path);
		return false;
	}
	*serial = (uint32_t)v;
	return true;
}

static void serial_write(const struct export_zone *ez)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u\n", ez->serial), rc;

	if (ez->serial_path == NULL)
		return;
	rc = file_replace(ez->serial_path, buf, (size_t)len, 0644);
	if (rc < 0)
		log_err("zone %s: %s: cannot keep serial %u: %s; a restart may reuse it",
			ez->cz->name, ez->serial_path, ez->serial, strerror(-rc));
}

/* The health view as the query path sees it. The main thread publishes and frees views (the
 * engine runs on its loop), so the one read here lives until this call returns. */
static const struct health_view *view_now(const struct server *s)
{
	return rcu_dereference(s->health);
}

static void new_serial(struct export *e, struct export_zone *ez, int64_t now_ms)
{
	atomic_store_explicit(&ez->z->serial_now, ez->serial, memory_order_relaxed);
	ez->last_serial_ms = now_ms;
	e->serials++;
	serial_write(ez);
	if (e->notify != NULL)
		notify_zone(e->notify, ez);
}

static void zone_replaced(struct export *e, struct export_zone *ez, struct zone *z, bool had_serial)
{
	const struct health_view *view = view_now(e->s);
	struct pick_set *picks = calloc(z->failover_count ? z->failover_count : 1, sizeof(*picks));

	if (picks == NULL) {
		log_err("zone %s: out of memory; its export stays as it was", ez->cz->name);
		return;
	}
	for (uint32_t i = 0; i < z->failover_count; i++)
		pick_export(z->failovers[i]->failover, view, &picks[i]);
	export_journal_clear(ez);
	free(ez->picks);
	ez->picks = picks;
	ez->z = z;
	ez->generation++;
	ez->serial = had_serial || ez->has_serial ? export_next_serial(ez->serial, z->serial)
						  : z->serial;
	ez->has_serial = true;
	log_info("zone %s: exporting serial %u (file serial %u)", ez->cz->name, ez->serial,
		 z->serial);
	new_serial(e, ez, clock_monotonic_ms());
}

void export_zones_replaced(struct export *e, const struct zoneset *zs)
{
	for (size_t i = 0; i < e->count; i++) {
		struct export_zone *ez = &e->zones[i];
		struct zone *z = zoneset_get_by_name(zs, ez->cz->name);
		uint32_t kept;

		if (!export_zone_is_active(ez) || z == ez->z)
			continue;
		if (z == NULL) {
			ez->z = NULL;
			ez->generation++;
			export_journal_clear(ez);
			continue;
		}
		if (ez->z == NULL && serial_read(ez->serial_path, &kept)) {
			ez->serial = kept;
			zone_replaced(e, ez, z, true);
		} else {
			zone_replaced(e, ez, z, ez->z != NULL);
		}
	}
}

/* The changes of `ez`'s FAILOVER answers since its serial, into *diff; false when none. */
static int diff_now(struct export_zone *ez, const struct health_view *view,
		    struct export_diff *diff)
{
	const struct zone *z = ez->z;
	uint32_t count = 0;

	diff->changes = NULL;
	diff->count = 0;
	for (uint32_t i = 0; i < z->failover_count; i++) {
		struct pick_set now;

		pick_export(z->failovers[i]->failover, view, &now);
		if (pick_set_equal(&now, &ez->picks[i]))
			continue;
		if (diff->changes == NULL) {
			diff->changes = calloc(z->failover_count, sizeof(*diff->changes));
			if (diff->changes == NULL)
				return -ENOMEM;
		}
		diff->changes[count++] = (struct export_change){ i, ez->picks[i], now };
	}
	diff->count = count;
	return 0;
}

void export_check(struct export *e, int64_t now_ms)
{
	const struct health_view *view = view_now(e->s);

	for (size_t i = 0; i < e->count; i++) {
		struct export_zone *ez = &e->zones[i];
		struct export_diff diff;

		if (ez->z == NULL || ez->z->failover_count == 0 ||
		    now_ms - ez->last_serial_ms < (int64_t)e->interval_ms)
			continue;
		if (diff_now(ez, view, &diff) < 0) {
			log_err("zone %s: out of memory; the export waits", ez->cz->name);
			continue;
		}
		if (diff.count == 0)
			continue;
		diff.from = ez->serial;
		diff.to = ez->serial + 1; /* RFC 1982 §3.1 */
		for (uint32_t c = 0; c < diff.count; c++)
			ez->picks[diff.changes[c].failover] = diff.changes[c].after;
		export_journal_add(ez, &diff);
		log_info("zone %s: serial %u: %u FAILOVER answer%s changed", ez->cz->name,
			 ez->serial, diff.count, diff.count == 1 ? "" : "s");
		new_serial(e, ez, now_ms);
	}
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	export_check(arg, clock_monotonic_ms());
}

struct export_zone *export_find(struct export *e, const uint8_t *lower)
{
	for (size_t i = 0; e != NULL && i < e->count; i++) {
		const struct zone *z = e->zones[i].z;

		if (z != NULL && dname_equal(z->apex->lower, lower))
			return &e->zones[i];
	}
	return NULL;
}

int export_new(struct export **out, struct server *s)
{
	struct export *e = calloc(1, sizeof(*e));
	bool notifies = false;

	if (e == NULL)
		return -ENOMEM;
	e->s = s;
	e->interval_ms = s->cfg.export_min_interval_s * 1000;
	e->zones = calloc(s->cfg.zone_count ? s->cfg.zone_count : 1, sizeof(*e->zones));
	if (e->zones == NULL)
		goto fail;
	e->count = s->cfg.zone_count;
	for (size_t i = 0; i < e->count; i++) {
		e->zones[i].cz = &s->cfg.zones[i];
		e->zones[i].last_serial_ms = INT64_MIN / 2;
		notifies |= s->cfg.zones[i].notify_count > 0;
		if (export_zone_is_active(&e->zones[i]) && s->cfg.state_file != NULL &&
		    (e->zones[i].serial_path = serial_path(s, &s->cfg.zones[i])) == NULL)
			goto fail;
	}
	if (notifies && notify_new(&e->notify, s) < 0)
		goto fail;
	*out = e;
	return 0;
fail:
	export_free(e);
	return -ENOMEM;
}

int export_start(struct export *e)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = EXPORT_POLL_MS * 1000 };
	bool active = false;

	for (size_t i = 0; i < e->count; i++)
		active |= export_zone_is_active(&e->zones[i]);
	if (!active)
		return 0; /* nothing exported: no wake-ups */
	e->timer = event_new(e->s->base, -1, EV_PERSIST, on_timer, e);
	if (e->timer == NULL || event_add(e->timer, &tv) < 0)
		return -ENOMEM;
	return 0;
}

void export_free(struct export *e)
{
	if (e == NULL)
		return;
	if (e->timer != NULL)
		event_free(e->timer);
	notify_free(e->notify);
	for (size_t i = 0; i < e->count; i++) {
		export_journal_clear(&e->zones[i]);
		free(e->zones[i].picks);
		free(e->zones[i].serial_path);
	}
	free(e->zones);
	free(e);
}
