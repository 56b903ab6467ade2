/* Gossip over UDP: reads every datagram into the node, sends what it asks to the peer's
 * address, and runs its rounds from a libevent timer. */
#include "autoconfig.h"

#include <errno.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "baton/addr_text.h"
#include "baton/clock.h"
#include "baton/log.h"
#include "health/gossip/udp.h"

/* Datagrams read per readable event before the loop gets a turn. */
#define READ_BATCH 64

struct udp_peer {
	uint32_t member;
	struct sockaddr_storage addr;
};

struct gossip_udp {
	int fd;
	struct event_base *base;
	struct event *read_ev, *round_ev;
	struct gossip_node *node;
	struct udp_peer *peers;
	size_t peer_count;
	gossip_round_fn *on_round;
	void *arg;
};

int64_t gossip_now_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

int64_t gossip_wall_ms(void)
{
	return clock_ms(CLOCK_REALTIME);
}

int gossip_udp_new(struct gossip_udp **out, struct event_base *base,
		   const struct sockaddr_storage *addr)
{
	struct gossip_udp *u = calloc(1, sizeof(*u));
	int err;

	if (u == NULL)
		return -ENOMEM;
	u->base = base;
	u->fd = socket(addr->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (u->fd < 0 || bind(u->fd, (const struct sockaddr *)addr, addr_len(addr)) < 0) {
		err = errno;
		if (u->fd >= 0)
			close(u->fd);
		free(u);
		return -err;
	}
	*out = u;
	return 0;
}

void gossip_udp_free(struct gossip_udp *u)
{
	if (u == NULL)
		return;
	if (u->read_ev != NULL)
		event_free(u->read_ev);
	if (u->round_ev != NULL)
		event_free(u->round_ev);
	close(u->fd);
	free(u->peers);
	free(u);
}

int gossip_udp_add_peer(struct gossip_udp *u, uint32_t member, const struct sockaddr_storage *addr)
{
	struct udp_peer *p = realloc(u->peers, sizeof(*p) * (u->peer_count + 1));

	if (p == NULL)
		return -ENOMEM;
	u->peers = p;
	p[u->peer_count].member = member;
	p[u->peer_count].addr = *addr;
	u->peer_count++;
	return 0;
}

void gossip_udp_send(void *arg, uint32_t member, const uint8_t *buf, size_t len)
{
	struct gossip_udp *u = arg;

	for (size_t i = 0; i < u->peer_count; i++) {
		if (u->peers[i].member != member)
			continue;
		/* a full socket buffer or an unreachable peer is loss, which gossip repairs */
		(void)sendto(u->fd, buf, len, 0, (const struct sockaddr *)&u->peers[i].addr,
			     addr_len(&u->peers[i].addr));
		return;
	}
}

static uint32_t member_at(const struct gossip_udp *u, const struct sockaddr_storage *from)
{
	for (size_t i = 0; i < u->peer_count; i++)
		if (addr_same_endpoint(&u->peers[i].addr, from))
			return u->peers[i].member;
	return GOSSIP_FROM_UNKNOWN;
}

static void on_read(evutil_socket_t fd, short what, void *arg)
{
	struct gossip_udp *u = arg;
	/* one byte more than the limit, so an oversized datagram is seen (and counted) as such */
	uint8_t buf[GOSSIP_MSG_MAX + 1];

	(void)what;
	for (int i = 0; i < READ_BATCH; i++) {
		struct sockaddr_storage from;
		socklen_t from_len = sizeof(from);
		enum gossip_drop why;
		ssize_t n = recvfrom(fd, buf, sizeof(buf), MSG_TRUNC, (struct sockaddr *)&from,
				     &from_len);

		if (n < 0)
			return;
		(void)gossip_node_receive(u->node, buf, (size_t)n, member_at(u, &from),
					  gossip_now_ms(), gossip_wall_ms(), &why);
	}
}

static void on_round(evutil_socket_t fd, short what, void *arg)
{
	struct gossip_udp *u = arg;
	unsigned changes;

	(void)fd;
	(void)what;
	changes = gossip_node_round(u->node, gossip_now_ms(), gossip_wall_ms());
	if (u->on_round != NULL)
		u->on_round(u->arg, changes);
}

int gossip_udp_start(struct gossip_udp *u, struct gossip_node *n, uint32_t round_ms,
		     gossip_round_fn *round_fn, void *arg)
{
	struct timeval tv = { .tv_sec = round_ms / 1000, .tv_usec = (round_ms % 1000) * 1000 };

	u->node = n;
	u->on_round = round_fn;
	u->arg = arg;
	u->read_ev = event_new(u->base, u->fd, EV_READ | EV_PERSIST, on_read, u);
	u->round_ev = event_new(u->base, -1, EV_PERSIST, on_round, u);
	if (u->read_ev == NULL || u->round_ev == NULL)
		return -ENOMEM;
	event_add(u->read_ev, NULL);
	event_add(u->round_ev, &tv);
	return 0;
}

int gossip_udp_local(const struct gossip_udp *u, struct sockaddr_storage *addr)
{
	socklen_t len = sizeof(*addr);

	return getsockname(u->fd, (struct sockaddr *)addr, &len) < 0 ? -errno : 0;
}
