/* probe.conf: who this prober is, its keys, where it listens and whom it gossips with, how the
 * quorum is counted, and which zone files say what to check. NSD-style "key: value" lines in a
 * "probe:" section and one "zone:" section per zone; probe.conf(5) documents it. */
#ifndef BATON_PROBE_CONF_H
#define BATON_PROBE_CONF_H

#include <stddef.h>
#include <sys/socket.h>

#include "health/gossip/conf.h"
#include "baton/http_listen.h"
#include "baton/diag.h"

struct probe_zone {
	char *name;
	char *zonefile; /* resolved against the config file's folder */
	unsigned line;
};

struct probe_conf {
	char *path;
	struct gossip_conf gossip; /* the probe: section's gossip keys, paths resolved */
	char *status_path; /* resolved like zone files */
	char *username; /* NULL: keep the uid it started with */
	struct sockaddr_storage http_listen; /* ss_family 0: no HTTP listener (the default) */
	struct http_listen_limits http_limits; /* http-connections, http-timeout */
	unsigned http_listen_line, status_line, username_line;
	unsigned http_connections_line, http_timeout_line;
	struct probe_zone *zones;
	size_t zone_count;
};

/* Reads `path`. Every mistake goes to d as file:line and the fix. Returns 0, -EINVAL when d
 * holds errors, -errno when the file cannot be read (also in d); call probe_conf_fini() in
 * every case. */
int probe_conf_load(struct probe_conf *c, const char *path, struct diag *d);

void probe_conf_fini(struct probe_conf *c);

#endif
