/* Builds the zones of the configuration beside the ones serving and publishes them with RCU. */
#ifndef BATON_RELOAD_H
#define BATON_RELOAD_H

#include <signal.h>

#include "server/server.h"
#include "baton/diag.h"

/* Set (to the signal's number) by batond's SIGTERM and SIGINT handler: the reload in progress,
 * which runs on the event loop and so cannot see libevent's signal events, stops at its next
 * check (between records while reading, between phases while compiling). */
extern volatile sig_atomic_t reload_stop_requested;

/* Loads every configured zone. A zone that fails to compile keeps the data it had (or stays
 * unserved at start-up) and its errors are logged and added to `d` with file and line. The new
 * set is published with rcu_assign_pointer() and the old one freed after a grace period. Call
 * from the main thread while it is RCU-offline. Returns the number of zones that failed,
 * -ENOMEM, or -ETIMEDOUT (past reload-timeout) or -ECANCELED (reload_stop_requested) when the
 * whole reload was abandoned and every zone serving before still serves. */
int reload_run(struct server *s, struct diag *d);

#endif
