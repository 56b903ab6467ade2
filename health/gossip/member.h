/* A gossip member brought up from its configuration: the trusted keys, its private key, its
 * UDP socket and peers, and its node. baton-probe and batond both start their membership
 * here, so both refuse the same mistakes with the same messages. Main thread only. */
#ifndef BATON_GOSSIP_MEMBER_H
#define BATON_GOSSIP_MEMBER_H

#include <stddef.h>
#include <stdint.h>

#include "health/gossip/conf.h"
#include "health/gossip/node.h"
#include "health/gossip/udp.h"
#include "baton/diag.h"

struct event_base;
struct health_engine;

struct gossip_member {
	const struct gossip_conf *conf; /* borrowed */
	struct gossip_keyring *kr;
	struct gossip_key *key;
	struct gossip_udp *udp;
	struct gossip_node *node;
	uint32_t self; /* our index in kr->members */
	enum gossip_role role; /* from the trusted keys */
	struct gossip_local_obs *obs;
	size_t obs_cap;
};

/* Reads the trusted keys and the private key, checks that the name and region agree with the
 * trusted keys, binds the socket on `base`, makes the node and adds the peers. `c` (read from
 * `conf_path`) is borrowed and must outlive the member. Every mistake goes to d as
 * file:line: what to fix. Returns 0, -EINVAL (d says why), or -errno when the socket cannot
 * be bound (in d too); on failure *m is left closed. */
int gossip_member_open(struct gossip_member *m, const struct gossip_conf *c, const char *conf_path,
		       struct event_base *base, struct diag *d);

/* Starts receiving and running rounds; on_round (may be NULL) runs after each. Returns 0 or
 * -ENOMEM. */
int gossip_member_start(struct gossip_member *m, gossip_round_fn *on_round, void *arg);

/* The local verdicts of `e`'s sites (health_site_info.local_verdict) become our observations;
 * a change is pushed to the peers at once. Returns what gossip_node_set_observations() does. */
int gossip_member_observe(struct gossip_member *m, const struct health_engine *e);

/* Closes the socket and frees everything; a zeroed or closed member is fine. */
void gossip_member_close(struct gossip_member *m);

#endif
