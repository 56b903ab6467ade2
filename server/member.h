/* batond as a gossip member (docs/gossip.md). With a `gossip:` section, the
 * verdicts the query path reads come from the quorum of live probers rather than from
 * batond's own checks; when the trusted keys list batond as a probe, its checks' verdicts go
 * out as one prober's observations, and as a server it runs no checks and only listens.
 * Main thread only; nothing here is on the query path, which reads the same health view. */
#ifndef BATON_MEMBER_H
#define BATON_MEMBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "baton/diag.h"

struct server;
struct batond_member;
struct gossip_member;

/* Reads the keys and binds the gossip socket on s->base from s->cfg.gossip: before batond
 * daemonises and drops privileges, so the key may be root's alone and the port privileged.
 * Mistakes go to d as file:line and the fix. Returns 0, -EINVAL or -errno; *out untouched on
 * failure. */
int member_open(struct batond_member **out, struct server *s, struct diag *d);

/* Puts s->engine under the quorum and starts the rounds. Call it after the engine is made and
 * before the first zone load. Returns 0 or -ENOMEM. */
int member_start(struct batond_member *m);

void member_free(struct batond_member *m);

/* The membership, for status and metrics. */
const struct gossip_member *member_gossip(const struct batond_member *m);

/* The gossip node's index for engine site `site` (its health_id). Returns false for a site not
 * watched (yet). */
bool member_site_index(const struct batond_member *m, uint32_t site, uint32_t *index);

/* "held: too few live probers (1 of 2 needed)", or the tally behind the verdict:
 * "quorum: 2 of 3 live probers down, 2 regions (2 needed, from 2 regions)". */
void member_evidence(const struct batond_member *m, uint32_t index, char *buf, size_t size);

#endif
