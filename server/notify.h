/* NOTIFY out (RFC 1996): on each new exported serial, a NOTIFY to every `notify:` target of the
 * zone, signed with the key named, retried with backoff until a target answers. Main thread. */
#ifndef BATON_NOTIFY_H
#define BATON_NOTIFY_H

struct server;
struct notify;
struct export_zone;

/* Tries per serial, and the first retry's delay, doubling after each (NSD retries a NOTIFY
 * five times, a few seconds apart). */
#define NOTIFY_TRIES 5
#define NOTIFY_RETRY_MS 2000

/* Opens the UDP sockets NOTIFYs leave from. Returns 0 or -errno; *out untouched on failure. */
int notify_new(struct notify **out, struct server *s);

void notify_free(struct notify *n);

/* Sends `ez`'s current serial to each of its targets now; a NOTIFY of an older serial still
 * being retried is replaced. */
void notify_zone(struct notify *n, const struct export_zone *ez);

/* NOTIFYs answered and given up, for tests. */
unsigned long notify_answered(const struct notify *n);
unsigned long notify_given_up(const struct notify *n);

#endif
