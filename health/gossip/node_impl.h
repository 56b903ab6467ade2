/* The inside of a gossip node, shared by node.c (state, receive, verdicts) and node_round.c
 * (dissemination). Private to health/gossip/. */
#ifndef BATON_GOSSIP_NODE_IMPL_H
#define BATON_GOSSIP_NODE_IMPL_H

#include "health/gossip/node.h"

/* The latest accepted datagram of one part of a member's state, kept verbatim: relays and
 * full-state exchanges forward the sender's own signed bytes. */
struct stored_part {
	uint8_t buf[GOSSIP_MSG_MAX];
	uint16_t len;
	uint64_t seq;
	int64_t heard_ms;
	int64_t signed_wall_ms;
};

struct member {
	const struct gossip_member_def *def;
	unsigned region; /* index among the keyring's distinct regions */
	bool is_self, is_peer, live;
	int64_t heard_ms; /* the last datagram new to us; -1: never */
	uint64_t newest_seq;
	uint8_t parts; /* from its newest datagram */
	struct stored_part *part[GOSSIP_PARTS_MAX];
	/* its latest VIP report (role vip), in parts of its own sequence, as part[] */
	uint64_t vip_newest_seq;
	uint8_t vip_parts;
	struct stored_part *vip[GOSSIP_PARTS_MAX];
};

struct watched_site {
	char *zone, *name;
	uint64_t id;
	struct quorum_state q;
	struct quorum_tally tally;
	uint64_t down_regions; /* this round's, one bit per region index */
	int64_t since_wall_ms;
};

struct own_obs {
	uint64_t id;
	uint8_t verdict;
	int64_t since_wall_ms;
};

struct gossip_node {
	const struct gossip_keyring *kr;
	const struct gossip_key *key;
	struct gossip_node_config cfg;
	uint32_t self;
	unsigned probers, needed;
	struct member *members;
	struct watched_site *sites;
	uint32_t site_count;
	uint32_t *site_table; /* open addressing on site id: index + 1, 0 empty */
	uint32_t site_table_mask;
	struct own_obs *obs;
	size_t obs_count;
	struct gossip_local_vip *vip; /* our VRRP instances (baton-vip), signed each round */
	size_t vip_count;
	bool vip_on; /* gossip_node_set_vip() was called: VIP reports go out each round */
	uint64_t seq;
	uint64_t rounds;
	uint64_t rng;
	gossip_send_fn *send;
	void *send_arg;
	struct gossip_counters counters;
};

/* Is part p of member m fresh enough to count (heard within dead_after)? */
bool node_part_fresh(const struct gossip_node *n, const struct member *m, unsigned p,
		     int64_t now_ms);

/* The same for part p of its VIP report. */
bool node_vip_part_fresh(const struct gossip_node *n, const struct member *m, unsigned p,
			 int64_t now_ms);

/* Sends buf to up to k random peers, never to skip1 or skip2 (GOSSIP_FROM_UNKNOWN for none).
 * Returns how many it sent to. */
unsigned node_send_random(struct gossip_node *n, unsigned k, const uint8_t *buf, size_t len,
			  uint32_t skip1, uint32_t skip2);

/* Every fresh stored part of every live member, except `to`'s own, to `to`. */
void node_send_full_state(struct gossip_node *n, uint32_t to, int64_t now_ms);

/* Signs our state (one datagram per part) and stores it as our member's. */
void node_sign_own(struct gossip_node *n, int64_t now_ms, int64_t wall_ms);

/* Signs the `len` bytes encoded in sp->buf (len < 0: encoding failed) and keeps them as part of
 * our state, sequence `seq`; on a failure the part is emptied and goes out next round, and the
 * log names `what` ("state", "VIP report"). */
void node_seal(struct gossip_node *n, struct stored_part *sp, int len, uint64_t seq, int64_t now_ms,
	       int64_t wall_ms, const char *what);

/* Signs our VIP report (one datagram per part) and stores it as our member's; nothing unless
 * gossip_node_set_vip() was called. health/gossip/node_vip.c. */
void node_sign_vip(struct gossip_node *n, int64_t now_ms, int64_t wall_ms);

/* Re-evaluates liveness; logs each change. */
void node_update_liveness(struct gossip_node *n, int64_t now_ms);

/* Counts the round's votes and applies the quorum to every watched site. Returns changes. */
unsigned node_decide(struct gossip_node *n, int64_t now_ms, int64_t wall_ms);

#endif
