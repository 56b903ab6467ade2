/* Gossip over UDP on a libevent loop: one socket, the peers' addresses, a round timer. Binds a
 * gossip_node (health/gossip/node.h) to the network for baton-probe and batond. */
#ifndef BATON_GOSSIP_UDP_H
#define BATON_GOSSIP_UDP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "health/gossip/node.h"

struct event_base;
struct gossip_udp;

/* Called after each round with how many verdicts changed. */
typedef void gossip_round_fn(void *arg, unsigned changes);

/* Binds a UDP socket to `addr` on `base`. Returns 0 or -errno; *out untouched on failure. */
int gossip_udp_new(struct gossip_udp **out, struct event_base *base,
		   const struct sockaddr_storage *addr);

void gossip_udp_free(struct gossip_udp *u);

/* Where member `member` listens. Returns 0 or -ENOMEM. */
int gossip_udp_add_peer(struct gossip_udp *u, uint32_t member, const struct sockaddr_storage *addr);

/* The gossip_send_fn to create the node with, its argument being the gossip_udp. */
void gossip_udp_send(void *arg, uint32_t member, const uint8_t *buf, size_t len);

/* Starts receiving into `n` and running its rounds every round_ms; on_round may be NULL.
 * Returns 0 or -ENOMEM. */
int gossip_udp_start(struct gossip_udp *u, struct gossip_node *n, uint32_t round_ms,
		     gossip_round_fn *on_round, void *arg);

/* The bound address (the port is known after binding to port 0). */
int gossip_udp_local(const struct gossip_udp *u, struct sockaddr_storage *addr);

/* CLOCK_MONOTONIC and CLOCK_REALTIME in ms: the two clocks a node is driven with. */
int64_t gossip_now_ms(void);
int64_t gossip_wall_ms(void);

#endif
