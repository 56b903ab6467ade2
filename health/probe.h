/* One probe: a single run of a check against one address, on a libevent loop. Each kind of
 * check (health/check_<kind>.c) implements `struct probe_kind`; the engine (health/engine.c)
 * schedules probes, enforces the check's timeout and turns results into verdicts. */
#ifndef BATON_PROBE_H
#define BATON_PROBE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "zones/failover.h"

struct event_base;

#define PROBE_REASON_MAX 160

struct probe_result {
	bool up;
	/* Why, in a few words, for logs and status: "http 503", "connect: Connection refused",
	 * "exit 2: db unreachable", "rcode SERVFAIL". Always filled, up or down. */
	char reason[PROBE_REASON_MAX];
};

/* Called exactly once per started probe unless it was cancelled first, always from the loop and
 * never from inside start() (the caller stores start()'s return value after it returns);
 * `result` is valid only during the call. The probe's state is already released when it runs. */
typedef void probe_done_fn(void *arg, const struct probe_result *result);

struct probe_kind {
	const char *name; /* as in $CHECK: "tcp", "http", ... */
	/* Starts a probe of `check` against `addr` (port from the check, where it has one).
	 * Returns the probe's private state, or NULL when it could not start (then `done` has
	 * not been and will not be called, and *why says why). Must not block the loop. */
	void *(*start)(struct event_base *base, const struct zone_check *check,
		       const struct sockaddr_storage *addr, probe_done_fn *done, void *arg,
		       const char **why);
	/* Stops a started probe whose `done` has not run: frees everything, closes its sockets,
	 * kills its processes; `done` is never called afterwards. The engine calls it on timeout
	 * and when a reload removes the check. */
	void (*cancel)(void *state);
};

extern const struct probe_kind probe_tcp, probe_http, probe_https, probe_dns, probe_icmp,
	probe_exec;

/* What a kind keeps to report its result: whom to tell, the result so far, and an event to tell
 * it from the loop when the outcome is already known inside start(). Embedded in each kind's
 * state; `release` frees that state (and must call probe_report_fini()). */
struct probe_report {
	probe_done_fn *done;
	void *arg;
	struct probe_result result;
	struct event *later;
	void (*release)(void *state);
	void *state;
};

/* Returns 0 or -ENOMEM (then nothing needs freeing in `rep`). */
int probe_report_init(struct probe_report *rep, struct event_base *base, probe_done_fn *done,
		      void *arg, void (*release)(void *state), void *state);
void probe_report_fini(struct probe_report *rep);

/* Releases the kind's state, then tells `done` what rep->result holds: `done` may start the
 * next probe at once, so nothing of this one may be left to touch. */
void probe_report_finish(struct probe_report *rep);

/* The same, from the loop's next turn: for outcomes known inside start(). */
void probe_report_finish_later(struct probe_report *rep);

/* The implementation for a check kind. */
const struct probe_kind *probe_kind_for(enum check_kind kind);

/* Formats `fmt` into r->reason. */
void probe_result_set(struct probe_result *r, bool up, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
