/* The live state exported to secondaries: per zone with `provide-xfr:` or `notify:`, the
 * compiled zone, the sites each FAILOVER carries (zones/pick.c's pick_export()), a serial that
 * moves on with every change of them, and a bounded journal of the changes for IXFR. Main
 * thread only: the TCP transfers, the control socket, reloads and the timer all run there. */
#ifndef BATON_EXPORT_H
#define BATON_EXPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "zones/pick.h"
#include "zones/zone.h"

struct server;
struct zoneset;
struct config_zone;
struct notify;

/* Differences kept per zone: a secondary further behind gets an AXFR-style answer. */
#define EXPORT_JOURNAL_MAX 64

/* One FAILOVER whose exported sites changed. */
struct export_change {
	uint32_t failover; /* index into z->failovers */
	struct pick_set before, after;
};

/* From one serial to the next (RFC 1995 §4: one difference sequence). */
struct export_diff {
	uint32_t from, to;
	uint32_t count;
	struct export_change *changes;
};

struct export_zone {
	const struct config_zone *cz;
	struct zone *z; /* the zone serving; NULL while none is. Replaced only by
	                 * export_zones_replaced(), before the old one can be freed */
	uint64_t generation; /* moves on with each replacement: a transfer of the old one stops */
	uint32_t serial;
	bool has_serial; /* serial was given out: a zone that comes back goes on from it */
	struct pick_set *picks; /* per z->failovers: what `serial` carries */
	int64_t last_serial_ms; /* CLOCK_MONOTONIC */
	struct export_diff journal[EXPORT_JOURNAL_MAX]; /* a ring, oldest at journal_start */
	unsigned journal_start, journal_count;
	char *serial_path; /* where the serial is kept across restarts; NULL: nowhere */
};

struct export
{
	struct server *s;
	struct export_zone *zones; /* one per configured zone, in config order */
	size_t count;
	unsigned interval_ms; /* export-min-interval */
	struct event *timer;
	struct notify *notify; /* NULL: none configured */
	unsigned long serials; /* new serials made, for tests and metrics */
};

/* Creates the export of `s`'s configured zones and reads the serials kept next to the
 * state-file. Returns 0 or -ENOMEM; *out untouched on failure. Main thread, before serving. */
int export_new(struct export **out, struct server *s);

/* Starts the timer that turns verdict and drain changes into new serials (at most one per
 * export-min-interval per zone). Returns 0 or -ENOMEM. */
int export_start(struct export *e);

void export_free(struct export *e);

/* Whether a configured zone is exported: it has provide-xfr or notify lines. */
bool export_zone_is_active(const struct export_zone *ez);

/* `zs` is about to be published: each exported zone whose compiled zone is new gets a serial
 * past every one it had (RFC 1982), kept on disk, an empty journal and a NOTIFY; its
 * serial_now is set before the query path can see it. Main thread. */
void export_zones_replaced(struct export *e, const struct zoneset *zs);

/* Looks at the health view now: every exported zone whose FAILOVER answers changed gets a new
 * serial, unless its last one is younger than export-min-interval (the timer then tries again;
 * the latest state wins). The timer calls it; tests call it directly with `now_ms`. */
void export_check(struct export *e, int64_t now_ms);

/* The exported zone whose apex is `lower` (wire, lowercase), or NULL. */
struct export_zone *export_find(struct export *e, const uint8_t *lower);

/* The journal entries from `serial` to the current serial: *first is the ring position of the
 * first one, the return how many (0: not in the journal). */
unsigned export_journal_from(const struct export_zone *ez, uint32_t serial, unsigned *first);

static inline const struct export_diff *export_journal_at(const struct export_zone *ez,
							  unsigned pos)
{
	return &ez->journal[pos % EXPORT_JOURNAL_MAX];
}

/* RFC 1982 §3.2: s1 is greater than s2. */
static inline bool serial_gt(uint32_t s1, uint32_t s2)
{
	return s1 != s2 && (uint32_t)(s1 - s2) < 0x80000000u;
}

/* The next serial after both `current` and `file` (RFC 1982 §3.1: +1, wrapping): what a
 * replaced zone or a change of answers is given. */
uint32_t export_next_serial(uint32_t current, uint32_t file);

/* Records a difference and makes `to` the serial (exposed for the unit tests). The diff's
 * changes array is taken over. Evicts the oldest when the ring is full. */
void export_journal_add(struct export_zone *ez, struct export_diff *diff);

void export_journal_clear(struct export_zone *ez);

#endif
