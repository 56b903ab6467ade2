/* NOTIFY out (RFC 1996 §3.6): one UDP socket per address family on the main loop; each
 * (zone, target) pair has one NOTIFY in flight at most, retried with a doubling delay until a
 * response with its ID comes from the target's address, or NOTIFY_TRIES were sent. */
#include "autoconfig.h"

#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "baton/addr_text.h"
#include "baton/log.h"
#include "baton/wire.h"
#include "server/dns.h"
#include "server/export.h"
#include "server/notify.h"
#include "server/server.h"
#include "server/tsig.h"

struct target {
	struct notify *n;
	const struct config_notify *cn;
	const struct export_zone *ez; /* NULL until the zone's first serial */
	uint16_t id;
	uint32_t serial;
	unsigned tries;
	bool pending;
	struct event *retry;
};

struct notify {
	struct server *s;
	int fd[2]; /* IPv4, IPv6; -1 when unused */
	struct event *ev[2];
	struct target *targets;
	size_t count;
	unsigned long answered, given_up;
};

static struct log_limit reply_limit = LOG_LIMIT_INIT(10, 60);

static int family_slot(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? 1 : 0;
}

/* The NOTIFY: the zone's apex SOA as question, and its SOA with the new serial as answer
 * (§3.7: a hint the secondary may use), signed when a key is named. */
static int build(const struct target *t, uint8_t *buf, size_t cap)
{
	const struct zone *z = t->ez->z;
	const struct config *cfg = &t->n->s->cfg;
	size_t apex_len = dname_length(z->apex->name);
	struct wire w;

	wire_init(&w, buf, cap);
	wire_write_u16(&w, t->id);
	wire_write_u16(&w, DNS_OPCODE_NOTIFY << DNS_OPCODE_SHIFT | DNS_FLAG_AA);
	wire_write_u16(&w, 1);
	wire_write_u16(&w, 1);
	wire_write_u32(&w, 0);
	wire_write(&w, z->apex->name, apex_len);
	wire_write_u16(&w, DNS_TYPE_SOA);
	wire_write_u16(&w, DNS_CLASS_IN);
	wire_write(&w, z->apex->name, apex_len);
	wire_write(&w, z->soa->rrs[0].wire, z->soa->rrs[0].len);
	wire_patch_u32(&w, wire_offset(&w) - 20, t->serial);
	if (w.error)
		return -EMSGSIZE;
	if (t->cn->key >= 0) {
		struct tsig_signer sg;

		tsig_signer_init(&sg, &cfg->tsig_keys[t->cn->key], NULL);
		return tsig_sign(&sg, buf, wire_offset(&w), cap, (uint64_t)time(NULL), 0, NULL, 0,
				 NULL);
	}
	return (int)wire_offset(&w);
}

static void send_one(struct target *t)
{
	uint8_t buf[1024];
	int len = t->ez->z != NULL ? build(t, buf, sizeof(buf)) : -ENOENT;
	int fd = t->n->fd[family_slot(&t->cn->addr)];
	char who[ADDR_TEXT_MAX];
	struct timeval tv;
	unsigned delay_ms = NOTIFY_RETRY_MS << t->tries;

	if (len < 0 || fd < 0) {
		t->pending = false;
		return;
	}
	if (sendto(fd, buf, (size_t)len, 0, (const struct sockaddr *)&t->cn->addr,
		   addr_len(&t->cn->addr)) < 0)
		log_limited(&reply_limit, LOG_LEVEL_WARN, "zone %s: NOTIFY to %s: %s",
			    t->ez->cz->name, addr_text_port(&t->cn->addr, who), strerror(errno));
	t->tries++;
	tv.tv_sec = delay_ms / 1000;
	tv.tv_usec = (delay_ms % 1000) * 1000;
	event_add(t->retry, &tv);
}

static void on_retry(evutil_socket_t fd, short what, void *arg)
{
	struct target *t = arg;
	char who[ADDR_TEXT_MAX];

	(void)fd;
	(void)what;
	if (!t->pending)
		return;
	if (t->tries >= NOTIFY_TRIES) {
		t->pending = false;
		t->n->given_up++;
		log_warn("zone %s: NOTIFY of serial %u to %s: no answer after %u tries",
			 t->ez->cz->name, t->serial, addr_text_port(&t->cn->addr, who), t->tries);
		return;
	}
	send_one(t);
}

static void on_reply(evutil_socket_t fd, short what, void *arg)
{
	struct notify *n = arg;
	uint8_t buf[1024];
	struct sockaddr_storage from;
	socklen_t from_len = sizeof(from);
	ssize_t len;
	char who[ADDR_TEXT_MAX];

	(void)what;
	while ((len = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &from_len)) >=
	       DNS_HEADER_LEN) {
		uint16_t id = wire_get_u16(buf), flags = wire_get_u16(buf + DNS_HEADER_FLAGS);

		from_len = sizeof(from);
		if (!(flags & DNS_FLAG_QR) ||
		    ((flags >> DNS_OPCODE_SHIFT) & DNS_OPCODE_MASK) != DNS_OPCODE_NOTIFY)
			continue;
		for (size_t i = 0; i < n->count; i++) {
			struct target *t = &n->targets[i];

			if (!t->pending || t->id != id || !addr_same_endpoint(&from, &t->cn->addr))
				continue;
			t->pending = false;
			event_del(t->retry);
			if ((flags & DNS_RCODE_MASK) == DNS_RCODE_NOERROR) {
				n->answered++;
				log_debug("zone %s: NOTIFY of serial %u to %s answered",
					  t->ez->cz->name, t->serial, addr_text_port(&from, who));
			} else {
				log_limited(&reply_limit, LOG_LEVEL_WARN,
					    "zone %s: NOTIFY of serial %u to %s: rcode %u",
					    t->ez->cz->name, t->serial, addr_text_port(&from, who),
					    flags & DNS_RCODE_MASK);
			}
		}
	}
}

void notify_zone(struct notify *n, const struct export_zone *ez)
{
	for (size_t i = 0; i < n->count; i++) {
		struct target *t = &n->targets[i];

		if (t->cn < ez->cz->notify || t->cn >= ez->cz->notify + ez->cz->notify_count)
			continue;
		t->ez = ez;
		t->serial = ez->serial;
		t->tries = 0;
		t->pending = true;
		if (getrandom(&t->id, sizeof(t->id), 0) != sizeof(t->id))
			t->id = (uint16_t)random();
		event_del(t->retry);
		send_one(t);
	}
}

static int open_socket(struct notify *n, int family)
{
	int slot = family == AF_INET6 ? 1 : 0;

	if (n->fd[slot] >= 0)
		return 0;
	n->fd[slot] = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (n->fd[slot] < 0)
		return -errno;
	n->ev[slot] = event_new(n->s->base, n->fd[slot], EV_READ | EV_PERSIST, on_reply, n);
	if (n->ev[slot] == NULL || event_add(n->ev[slot], NULL) < 0)
		return -ENOMEM;
	return 0;
}

int notify_new(struct notify **out, struct server *s)
{
	struct notify *n = calloc(1, sizeof(*n));
	size_t total = 0, k = 0;
	int rc = -ENOMEM;

	if (n == NULL)
		return -ENOMEM;
	n->s = s;
	n->fd[0] = n->fd[1] = -1;
	for (size_t z = 0; z < s->cfg.zone_count; z++)
		total += s->cfg.zones[z].notify_count;
	n->targets = calloc(total ? total : 1, sizeof(*n->targets));
	if (n->targets == NULL)
		goto fail;
	for (size_t z = 0; z < s->cfg.zone_count; z++) {
		for (size_t i = 0; i < s->cfg.zones[z].notify_count; i++) {
			struct target *t = &n->targets[k++];

			t->n = n;
			t->cn = &s->cfg.zones[z].notify[i];
			n->count++;
			t->retry = evtimer_new(s->base, on_retry, t);
			if (t->retry == NULL)
				goto fail;
			rc = open_socket(n, t->cn->addr.ss_family);
			if (rc < 0)
				goto fail;
			rc = -ENOMEM;
		}
	}
	*out = n;
	return 0;
fail:
	notify_free(n);
	return rc;
}

void notify_free(struct notify *n)
{
	if (n == NULL)
		return;
	for (size_t i = 0; i < n->count; i++)
		if (n->targets[i].retry != NULL)
			event_free(n->targets[i].retry);
	for (int i = 0; i < 2; i++) {
		if (n->ev[i] != NULL)
			event_free(n->ev[i]);
		if (n->fd[i] >= 0)
			close(n->fd[i]);
	}
	free(n->targets);
	free(n);
}

unsigned long notify_answered(const struct notify *n)
{
	return n->answered;
}

unsigned long notify_given_up(const struct notify *n)
{
	return n->given_up;
}
