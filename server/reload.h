/* Builds the zones of the configuration beside the ones serving and publishes them with RCU. */
#ifndef BATON_RELOAD_H
#define BATON_RELOAD_H

#include "server/server.h"
#include "zones/diag.h"

/* Loads every configured zone. A zone that fails to compile keeps the data it had (or stays
 * unserved at start-up) and its errors are logged and added to `d` with file and line. The new set is published
 * with rcu_assign_pointer() and the old one freed after a grace period. Call from the main
 * thread while it is RCU-offline. Returns the number of zones that failed, or -ENOMEM. */
int reload_run(struct server *s, struct diag *d);

#endif
