/* Reloads: the zones of the configuration built beside the ones serving (on a thread of their
 * own once batond serves) and published with RCU. */
#ifndef BATON_RELOAD_H
#define BATON_RELOAD_H

#include <signal.h>

#include "baton/diag.h"
#include "server/server.h"

/* Set (to the signal's number) by batond's SIGTERM and SIGINT handler, and by reload_close():
 * the reload in progress stops at its next check (between records while reading, between
 * phases while compiling). */
extern volatile sig_atomic_t reload_stop_requested;

/* What one reload did, for its reply. `d` holds every error with file and line. */
struct reload_result {
	int rc; /* zones that failed (they keep their old data), or -errno: see reload_run() */
	unsigned compiled; /* zones read and compiled anew */
	unsigned unchanged; /* zones whose files had not changed: kept without compiling */
	const struct diag *d;
};

/* The index in cfg.zones of the zone called `name` (any case, final dot or not), or -ENOENT. */
int reload_zone_index(const struct server *s, const char *name);

/* Loads the configured zone `zone` (an index in cfg.zones), or every one when `zone` is -1,
 * on the calling thread. A zone whose files (the zone file and each $INCLUDE) have the size
 * and SHA-256 they had when its serving data was compiled is kept, not compiled again. A zone
 * that fails to compile keeps the data it had (or stays unserved at start-up) and its errors
 * are logged and added to `d` with file and line. The new set is published with
 * rcu_assign_pointer() and the old one freed after a grace period. Main thread, RCU-offline,
 * while no reload_ask() reload runs: batond calls it for its first load. Returns the number of
 * zones that failed, -ENOMEM, or -ETIMEDOUT (past reload-timeout) or -ECANCELED
 * (reload_stop_requested) when the whole reload was abandoned and every zone serving before
 * still serves. `out`, when not NULL, receives the counts (out->d is `d`). */
int reload_run(struct server *s, int zone, struct diag *d, struct reload_result *out);

/* Frees s->prints, what reloads know of the zones' files; at exit, after reload_close(). */
void reload_forget_prints(struct server *s);

/* Reloads run on a thread, so the main loop (TCP, the control socket, HTTP, the checks,
 * gossip) goes on answering during the seconds a big zone takes to compile. One runs at a
 * time; a request while one runs is queued, and every request that arrives before the queued
 * one starts joins it (as NSD and Knot coalesce reloads): the files are read after the last
 * request, and a zone asked for by any of them is reloaded. */
struct reloader;
struct reload_waiter;

/* Called on the main loop when the reload that covers a request ended (published or
 * abandoned). `r` and what it points to live until the call returns. */
typedef void reload_done_fn(void *arg, const struct reload_result *r);

/* Makes s->reloader, with its wake-up pipe on s->base. Returns 0 or -errno. Main thread. */
int reload_open(struct server *s);

/* Stops a reload in progress (reload_stop_requested), waits for its thread, publishes
 * nothing; every waiter is called with -ECANCELED. Frees s->reloader. Main thread. */
void reload_close(struct server *s);

/* Asks for a reload of zone `zone` (an index in cfg.zones) or of every zone (-1). `done`
 * (may be NULL) is called once, from the main loop, unless the waiter is dropped first; with
 * `waiter` not NULL it receives the handle that drops it (reload_waiter_drop). Returns 0,
 * -ECANCELED when batond is stopping, or -ENOMEM; `done` is not called then. Main thread. */
int reload_ask(struct reloader *r, int zone, reload_done_fn *done, void *arg,
	       struct reload_waiter **waiter);

/* Forgets a waiter (its client went away): the reload goes on, `done` is not called. */
void reload_waiter_drop(struct reload_waiter *w);

#endif
