/* A simulated network of gossip nodes in one process, for deterministic tests: logical rounds
 * of 1 s, a FIFO of datagrams delivered after every node's round, cut links, and loss drawn
 * from a seeded generator. */
#ifndef BATON_TEST_GOSSIP_SIM_H
#define BATON_TEST_GOSSIP_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "health/gossip/node.h"

#define SIM_MAX 8

struct sim_packet {
	uint32_t from, to;
	uint16_t len;
	uint8_t buf[GOSSIP_MSG_MAX];
};

struct sim;

struct sim_endpoint {
	struct sim *sim;
	uint32_t index;
};

struct sim {
	unsigned count;
	struct gossip_key *keys[SIM_MAX];
	struct gossip_keyring *kr;
	struct gossip_node *nodes[SIM_MAX]; /* NULL: not running */
	struct gossip_node_config cfg[SIM_MAX];
	struct sim_endpoint ep[SIM_MAX];
	bool cut[SIM_MAX][SIM_MAX]; /* cut[a][b]: nothing from a reaches b */
	unsigned loss_percent;
	uint64_t rng;
	struct sim_packet *queue;
	size_t queued, cap;
	int64_t now_ms, wall_ms;
	struct sim_packet last_own[SIM_MAX]; /* each member's last datagram of its own state */
	uint32_t site_fra, site_iad; /* watch indices, the same in every node */
};

/* Members from "name region role" strings; every node gets `cfg` (self and seed set per node),
 * every other member as a peer, and watches example.com/fra and example.com/iad. Nodes are
 * not started. */
void sim_init(struct sim *s, const char *const *members, unsigned count,
	      const struct gossip_node_config *cfg);
void sim_fini(struct sim *s);

void sim_start(struct sim *s, uint32_t i);
void sim_stop(struct sim *s, uint32_t i);

/* Member i's own checks see fra and iad like this. */
void sim_observe(struct sim *s, uint32_t i, enum site_verdict fra, enum site_verdict iad);

/* Cuts (or mends) both directions between a and b. */
void sim_cut(struct sim *s, uint32_t a, uint32_t b, bool cut);

/* Cuts (or mends) every link of a. */
void sim_isolate(struct sim *s, uint32_t a, bool cut);

/* One round: time moves 1 s, every running node runs its round, then every datagram (relays
 * included) is delivered or lost. */
void sim_round(struct sim *s);

/* Node i's verdict on fra. */
enum site_verdict sim_fra(const struct sim *s, uint32_t i, bool *held);

#endif
