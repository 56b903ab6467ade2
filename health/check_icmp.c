/* icmp checks: one ICMP or ICMPv6 echo request (RFC 792, RFC 4443 §4.1); up on the echo reply. */
#include "autoconfig.h"

#include <errno.h>
#include <event2/event.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "health/probe.h"

#define ECHO_HEADER_LEN 8
/* Random payload echoed back by the target: with a raw socket we see every ICMP packet the host
 * receives, and the cookie makes a reply to another pinger with the same id and sequence number
 * impossible to mistake for ours. */
#define COOKIE_LEN 16
#define ECHO_LEN (ECHO_HEADER_LEN + COOKIE_LEN)
/* An IPv4 header with options (60) and our echo, with room for targets that pad replies. */
#define REPLY_MAX 256

struct icmp_probe {
	struct event *ev_read;
	int fd;
	int family;
	bool raw; /* raw socket: we match the id and see IPv4 headers */
	uint8_t request[ECHO_LEN];
	struct probe_report report;
};

static void icmp_free(struct icmp_probe *p)
{
	if (p->ev_read != NULL)
		event_free(p->ev_read);
	probe_report_fini(&p->report);
	if (p->fd >= 0)
		close(p->fd);
	free(p);
}

static void release(void *state)
{
	icmp_free(state);
}

static void finish(struct icmp_probe *p)
{
	probe_report_finish(&p->report);
}

/* The Internet checksum (RFC 1071). Only raw ICMPv4 needs it from us: the kernel fills it for
 * ping sockets, and for every ICMPv6 socket (RFC 3542 §3.1). */
static uint16_t internet_checksum(const uint8_t *data, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)data[i] << 8 | data[i + 1];
	if (len & 1)
		sum += (uint32_t)data[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Prefers the unprivileged ping socket (icmp(7), "ping_group_range"; ICMPv6 since Linux 3.11,
 * and the same sysctl governs both): the kernel owns its id, fills the checksum and hands it only
 * the replies to this socket. When the sysctl leaves our group out (EACCES) or the kernel lacks
 * ping sockets, a raw socket does the same work if we have CAP_NET_RAW. On failure, writes both
 * reasons into `r`. */
static int open_socket(struct icmp_probe *p, struct probe_result *r)
{
	int proto = p->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	int ping_err;

	p->fd = socket(p->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (p->fd >= 0)
		return 0;
	ping_err = errno;
	if (ping_err != EACCES && ping_err != EPERM && ping_err != EPROTONOSUPPORT) {
		probe_result_set(r, false, "socket: %s", strerror(ping_err));
		return -ping_err;
	}
	p->fd = socket(p->family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (p->fd < 0) {
		int raw_err = errno;

		probe_result_set(r, false,
				 "no ping socket (%s: see net.ipv4.ping_group_range), "
				 "no raw socket (%s: needs CAP_NET_RAW)",
				 strerror(ping_err), strerror(raw_err));
		return -raw_err;
	}
	p->raw = true;
	return 0;
}

/* IP_RECVERR (ip(7)) and IPV6_RECVERR (ipv6(7)) make every ICMP error about our request, soft
 * ones like host unreachable included, fail the next recv(); without them only "hard" errors
 * reach a connected socket, and an unreachable host would look like a timeout. A raw ICMPv6
 * socket also sees neighbour discovery and router adverts; the filter (RFC 3542 §3.2) keeps
 * those from waking us. */
static int set_options(struct icmp_probe *p)
{
	int on = 1;

	if (p->family == AF_INET)
		return setsockopt(p->fd, IPPROTO_IP, IP_RECVERR, &on, sizeof(on));
	if (setsockopt(p->fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof(on)) < 0)
		return -1;
	if (p->raw) {
		struct icmp6_filter filter;

		ICMP6_FILTER_SETBLOCKALL(&filter);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
		return setsockopt(p->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter));
	}
	return 0;
}

/* Type, code, checksum, id, sequence number, then the cookie. */
static int build_request(struct icmp_probe *p)
{
	uint8_t *q = p->request;

	/* The id (ignored with a ping socket, whose kernel-chosen id replaces it), the sequence
	 * number and the cookie, all at once. */
	if (getrandom(q + 4, ECHO_LEN - 4, GRND_NONBLOCK) != ECHO_LEN - 4)
		return -1;
	q[0] = p->family == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
	q[1] = 0;
	q[2] = q[3] = 0;
	if (p->family == AF_INET && p->raw) {
		uint16_t sum = internet_checksum(q, ECHO_LEN);

		q[2] = (uint8_t)(sum >> 8);
		q[3] = (uint8_t)sum;
	}
	return 0;
}

/* Whether `buf` is the echo reply to our request. Raw IPv4 sockets deliver the IP header too
 * (raw(7)), and every ICMP packet of the host, our own request to a loopback target included. */
static bool is_our_reply(const struct icmp_probe *p, const uint8_t *buf, size_t len)
{
	uint8_t reply_type = p->family == AF_INET ? ICMP_ECHOREPLY : ICMP6_ECHO_REPLY;
	size_t from = p->raw ? 4 : 6; /* compare the id too, where it is ours */

	if (p->family == AF_INET && p->raw) {
		size_t ihl;

		if (len < 20)
			return false;
		ihl = (size_t)(buf[0] & 0x0f) * 4;
		if (ihl < 20 || len < ihl)
			return false;
		buf += ihl;
		len -= ihl;
	}
	return len >= ECHO_LEN && buf[0] == reply_type && buf[1] == 0 &&
	       memcmp(buf + from, p->request + from, ECHO_LEN - from) == 0;
}

static void on_read(evutil_socket_t fd, short what, void *arg)
{
	struct icmp_probe *p = arg;
	uint8_t buf[REPLY_MAX];

	(void)what;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			/* EHOSTUNREACH, ENETUNREACH, ...: the target's network said no. */
			probe_result_set(&p->report.result, false, "recv: %s", strerror(errno));
			finish(p);
			return;
		}
		if (is_our_reply(p, buf, (size_t)n)) {
			probe_result_set(&p->report.result, true, "echo reply");
			finish(p);
			return;
		}
	}
}

/* Opens, connects (so an error is about this target, and a raw socket sees only its packets)
 * and sends. Returns 0, or -1 with p->report.result saying why. */
static int open_and_send(struct icmp_probe *p, const struct sockaddr_storage *addr)
{
	struct sockaddr_storage to = *addr;
	socklen_t to_len =
		p->family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	const char *call;

	/* The port field means nothing to ICMP sockets; clear whatever the caller left there. */
	if (p->family == AF_INET6)
		((struct sockaddr_in6 *)&to)->sin6_port = 0;
	else
		((struct sockaddr_in *)&to)->sin_port = 0;
	if (open_socket(p, &p->report.result) < 0)
		return -1;
	call = "setsockopt";
	if (set_options(p) < 0)
		goto fail;
	call = "getrandom";
	if (build_request(p) < 0)
		goto fail;
	call = "connect";
	if (connect(p->fd, (struct sockaddr *)&to, to_len) < 0)
		goto fail;
	call = "send";
	if (send(p->fd, p->request, ECHO_LEN, 0) != ECHO_LEN)
		goto fail;
	return 0;
fail:
	probe_result_set(&p->report.result, false, "%s: %s", call, strerror(errno));
	return -1;
}

static void *icmp_start(struct event_base *base, const struct zone_check *check,
			const struct sockaddr_storage *addr, probe_done_fn *done, void *arg,
			const char **why)
{
	struct icmp_probe *p = calloc(1, sizeof(*p));

	(void)check;
	if (p == NULL)
		goto nomem;
	p->fd = -1;
	p->family = addr->ss_family;
	if (probe_report_init(&p->report, base, done, arg, release, p) < 0)
		goto nomem;
	if (open_and_send(p, addr) < 0) {
		/* No socket, no route: a result, reported from the loop because `done` must not
		 * run inside start(). */
		probe_report_finish_later(&p->report);
		return p;
	}
	p->ev_read = event_new(base, p->fd, EV_READ | EV_PERSIST, on_read, p);
	if (p->ev_read == NULL || event_add(p->ev_read, NULL) < 0)
		goto nomem;
	return p;
nomem:
	if (p != NULL)
		icmp_free(p);
	*why = "out of memory";
	return NULL;
}

static void icmp_cancel(void *state)
{
	icmp_free(state);
}

const struct probe_kind probe_icmp = { "icmp", icmp_start, icmp_cancel };
