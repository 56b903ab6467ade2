/* The last steps of reading batond.conf (server/config.c), kept apart to keep that file small. */
#ifndef BATON_CONFIG_FINISH_H
#define BATON_CONFIG_FINISH_H

#include "server/config.h"
#include "baton/diag.h"

/* Makes zonesdir, state-file, geoip-database, zone-cache, pidfile, the gossip paths and every
 * zonefile absolute, relative ones taken from conf_path's folder (zonefiles from zonesdir), and
 * sets the default control socket. Returns 0 or -ENOMEM. */
int config_resolve_paths(struct config *cfg, const char *conf_path);

/* Adds an error to diag for each zone configured a second time (names compare without case,
 * RFC 4343). Returns the number of errors, or -ENOMEM. */
int config_check_duplicate_zones(const struct config *cfg, const char *conf_path,
				 struct diag *diag);

#endif
