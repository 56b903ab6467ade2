/* baton-probe's status file: members and their liveness, drops by kind, traffic, and each
 * site's verdict by quorum with the votes behind it. Rewritten atomically every round, so
 * operators and the lab tests read a whole one. */
#ifndef BATON_PROBE_STATUS_H
#define BATON_PROBE_STATUS_H

#include <stdint.h>
#include <stdio.h>

#include "health/gossip/node.h"

/* Writes the status of `n` to fp. */
void probe_status_print(FILE *fp, const struct gossip_node *n, const struct gossip_keyring *kr,
			int64_t now_ms, int64_t wall_ms);

/* Writes it to path through a new temporary file and rename() (file_replace_nosync()), so a
 * link planted at path or beside it is never followed. Returns 0 or -errno. */
int probe_status_write(const char *path, const struct gossip_node *n,
		       const struct gossip_keyring *kr, int64_t now_ms, int64_t wall_ms);

#endif
