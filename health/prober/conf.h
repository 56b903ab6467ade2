/* probe.conf: who this prober is, its keys, where it listens and whom it gossips with, how the
 * quorum is counted, and which zone files say what to check. NSD-style "key: value" lines in a
 * "probe:" section and one "zone:" section per zone; README "Gossip and quorum" documents it. */
#ifndef BATON_PROBE_CONF_H
#define BATON_PROBE_CONF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "health/gossip/keys.h"
#include "health/gossip/quorum.h"
#include "zones/diag.h"

struct probe_peer {
	char name[GOSSIP_NAME_MAX + 1];
	struct sockaddr_storage addr;
	unsigned line;
};

struct probe_zone {
	char *name;
	char *zonefile; /* resolved against the config file's folder */
	unsigned line;
};

struct probe_conf {
	char *path;
	char name[GOSSIP_NAME_MAX + 1];
	char region[GOSSIP_NAME_MAX + 1];
	unsigned name_line, region_line, quorum_line;
	char *key_path, *trusted_keys_path, *status_path; /* resolved like zone files */
	struct sockaddr_storage listen;
	struct probe_peer *peers;
	size_t peer_count;
	uint32_t round_ms, dead_after_ms;
	unsigned fanout, relay_fanout, full_state_every;
	struct quorum_config quorum;
	struct probe_zone *zones;
	size_t zone_count;
};

/* Reads `path`. Every mistake goes to d as file:line and the fix. Returns 0, -EINVAL when d
 * holds errors, -errno when the file cannot be read (also in d); call probe_conf_fini() in
 * every case. */
int probe_conf_load(struct probe_conf *c, const char *path, struct diag *d);

void probe_conf_fini(struct probe_conf *c);

#endif
