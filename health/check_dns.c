/* dns checks: one UDP query to the target, judged on the response's rcode and, when the check
 * names an address, on that address being in the answer section. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <ldns/ldns.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "health/probe.h"

#define HEADER_LEN 12
/* Header, a name of at most 255 octets, QTYPE and QCLASS (RFC 1035 §4.1.2). */
#define QUERY_MAX (HEADER_LEN + 255 + 4)
/* Without EDNS a UDP response is at most 512 octets (RFC 1035 §4.2.1); a server that sends more
 * still fits, and anything beyond this is cut off by recv() and ignored as malformed. */
#define RESPONSE_MAX 4096

struct dns_probe {
	struct event *ev_read;
	int fd;
	uint16_t id;
	uint16_t query_len;
	uint8_t query[QUERY_MAX];
	/* What the response is judged on, copied so the probe does not depend on the zone's
	 * lifetime. */
	uint8_t expect_rcode;
	bool has_expect_address;
	uint8_t expect_family;
	uint8_t expect_address[16];
	struct probe_report report;
};

static void dns_free(struct dns_probe *p)
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
	dns_free(state);
}

static void finish(struct dns_probe *p)
{
	probe_report_finish(&p->report);
}

/* Length of a wire-form name, or 0 when it is malformed. The zone compiler produced it, so this
 * only guards the copy into p->query. */
static size_t name_len(const uint8_t *name)
{
	size_t len = 0;

	while (len < 255 && name[len] != 0 && name[len] < 64)
		len += 1u + name[len];
	return len < 255 && name[len] == 0 ? len + 1 : 0;
}

/* A standard query (RFC 1035 §4.1.1): RD clear, because an authoritative server is being asked
 * about its own data; no EDNS, so any server answers it. */
static int build_query(struct dns_probe *p, const struct zone_check *check)
{
	size_t qname_len = name_len(check->query_name);
	uint8_t *q = p->query;

	if (qname_len == 0)
		return -EINVAL;
	/* The ID is the only thing that ties a response to this query besides the source port;
	 * RFC 5452 §4.3 asks for it to be unpredictable. GRND_NONBLOCK: getrandom(2) blocks only
	 * before the kernel's pool is first seeded, and a probe must not block the loop. */
	if (getrandom(&p->id, sizeof(p->id), GRND_NONBLOCK) != sizeof(p->id))
		return -errno;
	memset(q, 0, HEADER_LEN);
	q[0] = (uint8_t)(p->id >> 8);
	q[1] = (uint8_t)p->id;
	q[5] = 1; /* QDCOUNT */
	memcpy(q + HEADER_LEN, check->query_name, qname_len);
	q += HEADER_LEN + qname_len;
	q[0] = (uint8_t)(check->query_type >> 8);
	q[1] = (uint8_t)check->query_type;
	q[2] = 0;
	q[3] = LDNS_RR_CLASS_IN;
	p->query_len = (uint16_t)(HEADER_LEN + qname_len + 4);
	return 0;
}

static uint8_t fold(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + ('a' - 'A')) : c;
}

/* Whether `buf` answers our query: same ID, QR set, one question equal to ours. Names compare
 * case-insensitively (RFC 4343); length octets are below 64, so folding them is harmless. */
static bool is_our_response(const struct dns_probe *p, const uint8_t *buf, size_t len)
{
	if (len < p->query_len || buf[0] != p->query[0] || buf[1] != p->query[1])
		return false;
	if (!(buf[2] & 0x80) || buf[4] != 0 || buf[5] != 1)
		return false;
	for (size_t i = HEADER_LEN; i < p->query_len; i++)
		if (fold(buf[i]) != fold(p->query[i]))
			return false;
	return true;
}

static bool answer_has_address(const struct dns_probe *p, const uint8_t *buf, size_t len)
{
	ldns_rr_type want = p->expect_family == AF_INET ? LDNS_RR_TYPE_A : LDNS_RR_TYPE_AAAA;
	size_t want_len = p->expect_family == AF_INET ? 4 : 16;
	ldns_pkt *pkt = NULL;
	bool found = false;

	if (ldns_wire2pkt(&pkt, buf, len) != LDNS_STATUS_OK)
		return false;
	for (size_t i = 0; !found && i < ldns_rr_list_rr_count(ldns_pkt_answer(pkt)); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(ldns_pkt_answer(pkt), i);
		const ldns_rdf *rdf = ldns_rr_rdf(rr, 0);

		found = ldns_rr_get_type(rr) == want && rdf != NULL &&
			ldns_rdf_size(rdf) == want_len &&
			memcmp(ldns_rdf_data(rdf), p->expect_address, want_len) == 0;
	}
	ldns_pkt_free(pkt);
	return found;
}

static const char *rcode_name(uint8_t rcode, char *buf, size_t size)
{
	const ldns_lookup_table *t = ldns_lookup_by_id(ldns_rcodes, rcode);

	if (t != NULL)
		return t->name;
	snprintf(buf, size, "RCODE%u", rcode);
	return buf;
}

/* Judges a response to our query. A truncated response (TC) is still the server's answer: its
 * rcode is what we check, and there is no retry over TCP. */
static void judge(struct dns_probe *p, const uint8_t *buf, size_t len)
{
	uint8_t rcode = buf[3] & 0x0f;
	char got_buf[16], want_buf[16], addr[INET6_ADDRSTRLEN];
	const char *got = rcode_name(rcode, got_buf, sizeof(got_buf));
	const char *want = rcode_name(p->expect_rcode, want_buf, sizeof(want_buf));

	if (rcode != p->expect_rcode) {
		probe_result_set(&p->report.result, false, "rcode %s (expected %s)", got, want);
		return;
	}
	if (!p->has_expect_address) {
		probe_result_set(&p->report.result, true, "rcode %s", got);
		return;
	}
	inet_ntop(p->expect_family, p->expect_address, addr, sizeof(addr));
	if (answer_has_address(p, buf, len))
		probe_result_set(&p->report.result, true, "rcode %s, %s in the answer", got, addr);
	else
		probe_result_set(&p->report.result, false, "no %s in the answer%s", addr,
				 buf[2] & 0x02 ? " (truncated)" : "");
}

/* Reads every queued datagram; anything that is not a response to our query (a late answer to
 * an earlier probe, garbage) is ignored, and the probe keeps waiting until the engine's timeout. */
static void on_read(evutil_socket_t fd, short what, void *arg)
{
	struct dns_probe *p = arg;
	uint8_t buf[RESPONSE_MAX];

	(void)what;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			/* A connected UDP socket reports the ICMP port unreachable that a
			 * closed port sends as ECONNREFUSED (udp(7), "Error handling"). */
			probe_result_set(&p->report.result, false, "recv: %s", strerror(errno));
			finish(p);
			return;
		}
		if (is_our_response(p, buf, (size_t)n)) {
			judge(p, buf, (size_t)n);
			finish(p);
			return;
		}
	}
}

/* A UDP socket connected to the target, so only its datagrams reach us and ICMP errors surface
 * on recv(). Returns 0 or a negative errno with the failing call named in *call. */
static int open_and_send(struct dns_probe *p, const struct sockaddr_storage *addr, uint16_t port,
			 const char **call)
{
	struct sockaddr_storage to = *addr;
	socklen_t to_len = sizeof(struct sockaddr_in);

	if (to.ss_family == AF_INET6) {
		((struct sockaddr_in6 *)&to)->sin6_port = htons(port);
		to_len = sizeof(struct sockaddr_in6);
	} else {
		((struct sockaddr_in *)&to)->sin_port = htons(port);
	}
	*call = "socket";
	p->fd = socket(to.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->fd < 0)
		return -errno;
	*call = "connect";
	if (connect(p->fd, (struct sockaddr *)&to, to_len) < 0)
		return -errno;
	*call = "send";
	if (send(p->fd, p->query, p->query_len, 0) != (ssize_t)p->query_len)
		return errno ? -errno : -EMSGSIZE;
	return 0;
}

static void copy_expectations(struct dns_probe *p, const struct zone_check *check)
{
	p->expect_rcode = check->expect_rcode;
	p->has_expect_address = check->has_expect_address;
	p->expect_family = check->expect_address_family;
	memcpy(p->expect_address, check->expect_address, sizeof(p->expect_address));
}

static void *dns_start(struct event_base *base, const struct zone_check *check,
		       const struct sockaddr_storage *addr, probe_done_fn *done, void *arg,
		       const char **why)
{
	struct dns_probe *p = calloc(1, sizeof(*p));
	const char *call = "query";
	int err;

	if (p == NULL)
		goto nomem;
	p->fd = -1;
	copy_expectations(p, check);
	if (probe_report_init(&p->report, base, done, arg, release, p) < 0)
		goto nomem;
	err = build_query(p, check);
	if (err == 0)
		err = open_and_send(p, addr, check->port, &call);
	if (err == 0) {
		p->ev_read = event_new(base, p->fd, EV_READ | EV_PERSIST, on_read, p);
		if (p->ev_read == NULL || event_add(p->ev_read, NULL) < 0)
			goto nomem;
		return p;
	}
	/* A failure the target may cause (no route, refused) is a result, reported from the loop
	 * because `done` must not run inside start(). */
	probe_result_set(&p->report.result, false, "%s: %s", call, strerror(-err));
	probe_report_finish_later(&p->report);
	return p;
nomem:
	if (p != NULL)
		dns_free(p);
	*why = "out of memory";
	return NULL;
}

static void dns_cancel(void *state)
{
	dns_free(state);
}

const struct probe_kind probe_dns = { "dns", dns_start, dns_cancel };
