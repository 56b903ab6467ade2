/* UDP serving. Each thread owns one socket (SO_REUSEPORT spreads flows across them), so no
 * state is shared between threads but the RCU-published zones. A batch of up to UDP_BATCH
 * datagrams costs one recvmmsg and one sendmmsg; with MSG_WAITFORONE a lone query is not kept
 * waiting for the batch to fill.
 *
 * A socket bound to the wildcard (0.0.0.0, ::) would let the kernel pick each reply's source
 * by route, and a resolver drops a reply that comes from another address than the one it asked
 * (dig: "reply from unexpected source"). So such a socket asks for each datagram's destination
 * (IP_PKTINFO, IPV6_RECVPKTINFO, RFC 3542 §6) and its reply carries it back as the source. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <urcu-qsbr.h>

#include "baton/addr_text.h"
#include "baton/log.h"
#include "server/answer_source.h"
#include "server/udp.h"

/* At dnsperf's full rate a recvmmsg returned 16 datagrams on average (2026-11-25, the
 * profile in docs/benchmarks.md), so 32 holds a burst of twice that, while the worker's
 * buffers (32 x 8 KiB) stay within a core's L2 cache. */
#define UDP_BATCH 32
#define UDP_QUERY_MAX 4096
#define UDP_RESPONSE_MAX 4096

/* One datagram's control message: room for the larger of the two pktinfo structures, aligned
 * as a cmsghdr must be. */
union udp_control {
	struct cmsghdr align;
	uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
};

struct udp_worker {
	pthread_t thread;
	bool running;
	int fd;
	bool pktinfo; /* bound to the wildcard: replies name their source */
	struct server *server;
	struct udp_workers *owner;
	atomic_ulong queries;
	atomic_ulong recv_errors; /* failed recvmmsg, timeouts and EINTR aside */
	atomic_ulong send_errors; /* failed sendmmsg: each one loses a response */
	struct dns_counters counters;
	unsigned rrl_slips;
	struct mmsghdr in[UDP_BATCH];
	struct mmsghdr out[UDP_BATCH];
	struct iovec in_iov[UDP_BATCH];
	struct iovec out_iov[UDP_BATCH];
	struct sockaddr_storage peer[UDP_BATCH];
	union udp_control in_control[UDP_BATCH]; /* used when pktinfo */
	union udp_control out_control[UDP_BATCH];
	uint8_t query[UDP_BATCH][UDP_QUERY_MAX];
	uint8_t response[UDP_BATCH][UDP_RESPONSE_MAX];
};

struct udp_workers {
	struct udp_worker **workers;
	size_t count;
	atomic_bool stopping;
};

static bool is_wildcard(const struct sockaddr_storage *addr)
{
	if (addr->ss_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)addr)->sin6_addr);
	return ((const struct sockaddr_in *)addr)->sin_addr.s_addr == htonl(INADDR_ANY);
}

/* Asks for each datagram's destination address with its control messages. */
static int want_pktinfo(int fd, int family)
{
	int one = 1;

	if (family == AF_INET6)
		return setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
	return setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
}

static int open_socket(const struct sockaddr_storage *addr)
{
	socklen_t len = addr->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						    : sizeof(struct sockaddr_in);
	int one = 1, buf = 4 << 20;
	struct timeval tv = { .tv_sec = 1 };
	int fd = socket(addr->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0 ||
	    (addr->ss_family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0) ||
	    /* the timeout only bounds how long a stop waits; shutdown() wakes us first */
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    (is_wildcard(addr) && want_pktinfo(fd, addr->ss_family) < 0) ||
	    bind(fd, (const struct sockaddr *)addr, len) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	/* A bigger queue absorbs bursts; failing to get it is not worth refusing to start. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	return fd;
}

int udp_workers_open(struct udp_workers **out, struct server *s)
{
	struct udp_workers *u = calloc(1, sizeof(*u));
	size_t total = s->cfg.address_count * s->cfg.workers;

	if (u == NULL || (u->workers = calloc(total, sizeof(*u->workers))) == NULL) {
		free(u);
		return -ENOMEM;
	}
	for (size_t a = 0; a < s->cfg.address_count; a++) {
		for (unsigned i = 0; i < s->cfg.workers; i++) {
			struct udp_worker *w = calloc(1, sizeof(*w));
			char where[ADDR_TEXT_MAX];

			if (w == NULL) {
				udp_workers_free(u);
				return -ENOMEM;
			}
			u->workers[u->count++] = w;
			w->server = s;
			w->owner = u;
			w->fd = open_socket(&s->cfg.addresses[a]);
			w->pktinfo = is_wildcard(&s->cfg.addresses[a]);
			if (w->fd < 0) {
				int err = w->fd;

				log_err("udp %s: cannot listen: %s",
					addr_text_port(&s->cfg.addresses[a], where),
					strerror(-err));
				udp_workers_free(u);
				return err;
			}
		}
	}
	*out = u;
	return 0;
}

static void prepare(struct udp_worker *w)
{
	for (unsigned i = 0; i < UDP_BATCH; i++) {
		w->in_iov[i] = (struct iovec){ w->query[i], UDP_QUERY_MAX };
		w->in[i].msg_hdr = (struct msghdr){ .msg_name = &w->peer[i],
						    .msg_namelen = sizeof(w->peer[i]),
						    .msg_iov = &w->in_iov[i],
						    .msg_iovlen = 1 };
		if (w->pktinfo) {
			w->in[i].msg_hdr.msg_control = w->in_control[i].buf;
			w->in[i].msg_hdr.msg_controllen = sizeof(w->in_control[i].buf);
		}
	}
}

/* Writes into `out` the control message that makes a reply leave from the address query `in`
 * was sent to; returns its length, 0 when `in` carries no destination (the kernel picks). The
 * IPv4 reply takes the received ipi_spec_dst (the destination for unicast, a local address
 * for a broadcast) and no ifindex, so routing picks the way out; the IPv6 reply keeps the
 * ifindex, which a link-local source needs. */
static size_t reply_control(union udp_control *out, struct msghdr *in)
{
	struct cmsghdr *c, *r = &out->align;

	for (c = CMSG_FIRSTHDR(in); c != NULL; c = CMSG_NXTHDR(in, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo))) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			pi.ipi_ifindex = 0;
			*r = (struct cmsghdr){ .cmsg_len = CMSG_LEN(sizeof(pi)),
					       .cmsg_level = IPPROTO_IP,
					       .cmsg_type = IP_PKTINFO };
			memcpy(CMSG_DATA(r), &pi, sizeof(pi));
			return CMSG_SPACE(sizeof(pi));
		}
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
			*r = (struct cmsghdr){ .cmsg_len = CMSG_LEN(sizeof(struct in6_pktinfo)),
					       .cmsg_level = IPPROTO_IPV6,
					       .cmsg_type = IPV6_PKTINFO };
			memcpy(CMSG_DATA(r), CMSG_DATA(c), sizeof(struct in6_pktinfo));
			return CMSG_SPACE(sizeof(struct in6_pktinfo));
		}
	}
	return 0;
}

static void set_source(struct udp_worker *w, unsigned n, struct msghdr *in)
{
	size_t len = reply_control(&w->out_control[n], in);

	if (len > 0) {
		w->out[n].msg_hdr.msg_control = w->out_control[n].buf;
		w->out[n].msg_hdr.msg_controllen = len;
	}
}

/* Answers a received batch; returns how many responses to send. */
static unsigned answer_batch(struct udp_worker *w, unsigned received)
{
	struct answer_source src;
	unsigned n = 0;

	answer_source_fill(&src, w->server, &w->counters); /* once a batch */
	src.rrl = w->server->rrl;
	src.rrl_slips = &w->rrl_slips;

	for (unsigned i = 0; i < received; i++) {
		struct msghdr *h = &w->in[i].msg_hdr;
		size_t len = 0;

		if (!(h->msg_flags & MSG_TRUNC))
			len = answer_query(w->response[n], UDP_RESPONSE_MAX, w->query[i],
					   w->in[i].msg_len, false, &src, h->msg_name);
		if (len > 0) {
			w->out_iov[n] = (struct iovec){ w->response[n], len };
			w->out[n].msg_hdr = (struct msghdr){ .msg_name = h->msg_name,
							     .msg_namelen = h->msg_namelen,
							     .msg_iov = &w->out_iov[n],
							     .msg_iovlen = 1 };
			if (w->pktinfo)
				set_source(w, n, h);
			n++;
		}
		h->msg_namelen = sizeof(w->peer[i]);
		if (w->pktinfo)
			h->msg_controllen = sizeof(w->in_control[i].buf);
	}
	return n;
}

static void send_all(struct udp_worker *w, unsigned count)
{
	unsigned sent = 0;

	while (sent < count) {
		int rc = sendmmsg(w->fd, w->out + sent, count - sent, 0);

		if (rc < 0) {
			if (errno == EINTR)
				continue;
			/* one bad peer address must not cost the rest of the batch */
			atomic_fetch_add_explicit(&w->send_errors, 1, memory_order_relaxed);
			sent++;
			continue;
		}
		sent += (unsigned)rc;
	}
}

static void *worker_main(void *arg)
{
	struct udp_worker *w = arg;
	struct udp_workers *u = w->owner;

	rcu_register_thread();
	rcu_thread_offline();
	prepare(w);
	while (!atomic_load_explicit(&u->stopping, memory_order_relaxed)) {
		int rc = recvmmsg(w->fd, w->in, UDP_BATCH, MSG_WAITFORONE, NULL);
		unsigned n;

		if (rc <= 0) {
			/* the 1 s timeout, EINTR and the wake-up from shutdown() are no failure */
			if (rc < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    !atomic_load_explicit(&u->stopping, memory_order_relaxed))
				atomic_fetch_add_explicit(&w->recv_errors, 1, memory_order_relaxed);
			continue;
		}
		rcu_thread_online();
		n = answer_batch(w, (unsigned)rc);
		rcu_thread_offline();
		atomic_fetch_add_explicit(&w->queries, (unsigned long)rc, memory_order_relaxed);
		send_all(w, n);
	}
	rcu_unregister_thread();
	return NULL;
}

int udp_workers_start(struct udp_workers *u)
{
	for (size_t i = 0; i < u->count; i++) {
		int rc = pthread_create(&u->workers[i]->thread, NULL, worker_main, u->workers[i]);

		if (rc != 0)
			return -rc;
		u->workers[i]->running = true;
	}
	return 0;
}

void udp_workers_free(struct udp_workers *u)
{
	if (u == NULL)
		return;
	atomic_store(&u->stopping, true);
	for (size_t i = 0; i < u->count; i++)
		if (u->workers[i]->fd >= 0)
			shutdown(u->workers[i]->fd, SHUT_RDWR);
	for (size_t i = 0; i < u->count; i++) {
		struct udp_worker *w = u->workers[i];

		if (w->running)
			pthread_join(w->thread, NULL);
		if (w->fd >= 0)
			close(w->fd);
		free(w);
	}
	free(u->workers);
	free(u);
}

unsigned long udp_workers_queries(const struct udp_workers *u)
{
	unsigned long total = 0;

	for (size_t i = 0; i < u->count; i++)
		total += atomic_load_explicit(&u->workers[i]->queries, memory_order_relaxed);
	return total;
}

void udp_workers_errors(const struct udp_workers *u, unsigned long *recv_errors,
			unsigned long *send_errors)
{
	*recv_errors = 0;
	*send_errors = 0;
	for (size_t i = 0; i < u->count; i++) {
		*recv_errors +=
			atomic_load_explicit(&u->workers[i]->recv_errors, memory_order_relaxed);
		*send_errors +=
			atomic_load_explicit(&u->workers[i]->send_errors, memory_order_relaxed);
	}
}

void udp_workers_counters(const struct udp_workers *u, struct dns_counters *sum)
{
	for (size_t i = 0; i < u->count; i++)
		dns_counters_add(sum, &u->workers[i]->counters);
}
