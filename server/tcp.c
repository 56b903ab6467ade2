/* DNS over TCP (RFC 7766). Connections sit on a list ordered by last activity, so the one idle
 * longest is at the head: when the cap is reached it is closed to admit the new one (§6.2.3
 * lets a server close idle connections to manage its resources). */
#include "autoconfig.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/queue.h>
#include <urcu-qsbr.h>

#include "baton/addr_text.h"
#include "baton/log.h"
#include "baton/listen_guard.h"
#include "server/answer_source.h"
#include "server/tcp.h"
#include "server/xfr.h"
#include "server/xfr_request.h"

/* A client that stops reading is not allowed to make us buffer without bound. */
#define TCP_OUTPUT_HIGH (256 * 1024)
/* A transfer makes its next messages only once the output is below this: a zone of any size
 * costs a connection this much buffer, not the whole zone. */
#define TCP_XFR_OUTPUT_LOW (64 * 1024)

struct tcp_listener {
	struct evconnlistener *listener;
	struct listen_guard *guard; /* failed accepts: counted, logged, a pause */
	struct tcp_server *server;
};

struct tcp_conn {
	TAILQ_ENTRY(tcp_conn) link;
	struct bufferevent *bev;
	struct tcp_server *server;
	struct sockaddr_storage peer; /* policy=geo answers for it */
	struct timespec message_start; /* when the unfinished message in the input began */
	bool partial; /* the input ends in part of a message, begun at message_start */
	bool deadline_armed; /* the read timeout is what is left until the message's deadline */
	bool stalled; /* reading stopped until the output drains */
	struct xfr *xfr; /* a transfer under way: reading waits until its last message */
};

TAILQ_HEAD(tcp_conn_list, tcp_conn);

struct tcp_server {
	struct server *server;
	struct tcp_listener listeners[CONFIG_MAX_ADDRESSES];
	size_t listener_count;
	struct tcp_conn_list conns; /* head: idle longest */
	unsigned conn_count;
	unsigned long queries;
	struct dns_counters counters;
	uint8_t response[2 + ANSWER_TCP_MAX];
	uint8_t query[ANSWER_TCP_MAX];
};

static void conn_close(struct tcp_conn *c)
{
	TAILQ_REMOVE(&c->server->conns, c, link);
	c->server->conn_count--;
	xfr_free(c->xfr);
	bufferevent_free(c->bev);
	free(c);
}

/* Arms the read timeout: tcp-timeout of silence, or what is left of tcp-timeout since the
 * first byte of the unfinished message (a byte now and then does not buy more time). The write
 * timeout stays tcp-timeout: a client that reads nothing for that long is closed too. */
static void conn_set_timeouts(struct tcp_conn *c, int64_t read_ms)
{
	struct timeval idle = { .tv_sec = c->server->server->cfg.tcp_timeout_s };
	struct timeval rd = { .tv_sec = read_ms / 1000, .tv_usec = (read_ms % 1000) * 1000 };

	bufferevent_set_timeouts(c->bev, &rd, &idle);
}

static int64_t ms_since(const struct timespec *then)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - then->tv_sec) * 1000 +
	       (now.tv_nsec - then->tv_nsec) / 1000000;
}

/* Writes the transfer's next messages while the output is short. Returns false when the
 * transfer failed under way and c was closed. */
static bool xfr_pump(struct tcp_conn *c)
{
	struct tcp_server *t = c->server;
	struct evbuffer *out = bufferevent_get_output(c->bev);

	while (c->xfr != NULL && evbuffer_get_length(out) < TCP_XFR_OUTPUT_LOW) {
		int len = xfr_next(c->xfr, t->response + 2, ANSWER_TCP_MAX);

		if (len < 0) {
			conn_close(c); /* half a zone is no zone: the client retries */
			return false;
		}
		if (len == 0) {
			xfr_free(c->xfr);
			c->xfr = NULL;
			break;
		}
		wire_put_u16(t->response, (uint16_t)len);
		bufferevent_write(c->bev, t->response, 2 + (size_t)len);
	}
	return true;
}

/* AXFR and IXFR go to xfr.c when batond exports zones; else the query path refuses them. */
static bool answer_transfer(struct tcp_conn *c, size_t len)
{
	struct tcp_server *t = c->server;
	size_t out_len;

	if (t->server->export == NULL || !xfr_is_transfer(t->query, len))
		return false;
	out_len = xfr_begin(t->server->export, t->query, len, &c->peer, t->response + 2,
			    ANSWER_TCP_MAX, &c->xfr);
	t->queries++;
	if (out_len > 0) {
		wire_put_u16(t->response, (uint16_t)out_len);
		bufferevent_write(c->bev, t->response, 2 + out_len);
	}
	return true;
}

/* Answers the query in t->query into the output. */
static void answer_one(struct tcp_conn *c, size_t len)
{
	struct tcp_server *t = c->server;
	struct answer_source src;
	size_t out_len;

	if (answer_transfer(c, len))
		return;
	rcu_thread_online();
	answer_source_fill(&src, t->server,
			   &t->counters); /* no rate limit: TCP proved the address */
	out_len = answer_query(t->response + 2, ANSWER_TCP_MAX, t->query, len, true, &src,
			       (const struct sockaddr *)&c->peer);
	rcu_thread_offline();
	t->queries++;
	if (out_len == 0)
		return;
	wire_put_u16(t->response, (uint16_t)out_len);
	bufferevent_write(c->bev, t->response, 2 + out_len);
}

/* Answers every complete message in the input, in order (RFC 7766 §6.2.1.1 allows out of
 * order, but in order is what every client handles). Past TCP_OUTPUT_HIGH of output it stops
 * reading and returns false: on_write goes on once the client has read the answers. */
static bool answer_buffered(struct tcp_conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	uint8_t prefix[2];

	while (evbuffer_copyout(in, prefix, 2) == 2) {
		size_t len = wire_get_u16(prefix);

		if (evbuffer_get_length(in) < 2 + len)
			break;
		evbuffer_drain(in, 2);
		evbuffer_remove(in, c->server->query, len);
		c->partial = false;
		answer_one(c, len);
		if (c->xfr != NULL && !xfr_pump(c))
			return false;
		if (c->xfr != NULL ||
		    evbuffer_get_length(bufferevent_get_output(c->bev)) > TCP_OUTPUT_HIGH) {
			bufferevent_disable(c->bev, EV_READ);
			c->stalled = true;
			return false;
		}
	}
	return true;
}

/* Answers what is buffered, then holds a part of a message to its deadline: the whole message
 * must arrive within tcp-timeout of its first byte, or the connection is closed (RFC 7766
 * §6.2.3 lets a server close connections to manage its resources; a client dripping a byte
 * at a time would otherwise hold one open forever). May free c. */
static void conn_serve(struct tcp_conn *c)
{
	int64_t timeout_ms = (int64_t)c->server->server->cfg.tcp_timeout_s * 1000, left_ms;

	if (!answer_buffered(c))
		return;
	if (evbuffer_get_length(bufferevent_get_input(c->bev)) == 0) {
		if (c->deadline_armed)
			conn_set_timeouts(c, timeout_ms);
		c->partial = c->deadline_armed = false;
		return;
	}
	if (!c->partial) {
		c->partial = true;
		clock_gettime(CLOCK_MONOTONIC, &c->message_start);
	}
	left_ms = timeout_ms - ms_since(&c->message_start);
	if (left_ms <= 0) {
		conn_close(c);
		return;
	}
	/* every read re-arms the timeout at its set value, so it is set again after each one */
	conn_set_timeouts(c, left_ms);
	c->deadline_armed = true;
}

static void on_read(struct bufferevent *bev, void *arg)
{
	struct tcp_conn *c = arg;

	(void)bev;
	TAILQ_REMOVE(&c->server->conns, c, link);
	TAILQ_INSERT_TAIL(&c->server->conns, c, link);
	conn_serve(c);
}

/* Called each time the output drains (the low watermark is 0). After a stall the complete
 * messages already read are answered now: no new byte may ever come to call on_read, as when
 * a client has sent all its queries and waits for the answers. */
static void on_write(struct bufferevent *bev, void *arg)
{
	struct tcp_conn *c = arg;

	if (c->xfr != NULL) {
		/* a transfer is activity: its connection is not the idle one to close */
		TAILQ_REMOVE(&c->server->conns, c, link);
		TAILQ_INSERT_TAIL(&c->server->conns, c, link);
		if (!xfr_pump(c) || c->xfr != NULL)
			return;
	}
	if (!c->stalled)
		return;
	c->stalled = false;
	c->partial = false; /* time spent not reading is ours, not the client's */
	bufferevent_enable(bev, EV_READ);
	conn_serve(c);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		conn_close(arg);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
		      int socklen, void *arg)
{
	struct tcp_server *t = ((struct tcp_listener *)arg)->server;
	struct event_base *base = evconnlistener_get_base(l);
	struct tcp_conn *c;

	if (listen_guard_refuse_reserved(((struct tcp_listener *)arg)->guard, fd))
		return; /* the checks' descriptors */
	if (t->conn_count >= t->server->cfg.tcp_count && !TAILQ_EMPTY(&t->conns))
		conn_close(TAILQ_FIRST(&t->conns));
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		evutil_closesocket(fd);
		return;
	}
	c->server = t;
	if (socklen > 0 && (size_t)socklen <= sizeof(c->peer))
		memcpy(&c->peer, sa, (size_t)socklen);
	c->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		evutil_closesocket(fd);
		free(c);
		return;
	}
	bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
	conn_set_timeouts(c, (int64_t)t->server->cfg.tcp_timeout_s * 1000);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	TAILQ_INSERT_TAIL(&t->conns, c, link);
	t->conn_count++;
}

/* Listens on ss into the next slot of t->listeners. Returns 0 or -errno (logged). */
static int listener_open(struct tcp_server *t, const struct sockaddr_storage *ss)
{
	struct tcp_listener *tl = &t->listeners[t->listener_count];
	struct event_base *base = t->server->base;
	int len = ss->ss_family == AF_INET6 ? (int)sizeof(struct sockaddr_in6)
					    : (int)sizeof(struct sockaddr_in);

	int err;

	tl->server = t;
	tl->listener = evconnlistener_new_bind(
		base, on_accept, tl,
		LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC |
			(ss->ss_family == AF_INET6 ? LEV_OPT_BIND_IPV6ONLY : 0),
		128, (const struct sockaddr *)ss, len);
	if (tl->listener == NULL) {
		err = errno ? -errno : -EADDRINUSE;
		char text[ADDR_TEXT_MAX];

		log_err("tcp %s: cannot listen: %s", addr_text_port(ss, text), strerror(-err));
		return err;
	}
	err = listen_guard_new(&tl->guard, tl->listener, LISTEN_TCP, "tcp");
	if (err < 0) {
		evconnlistener_free(tl->listener);
		return err;
	}
	t->listener_count++;
	return 0;
}

int tcp_server_open(struct tcp_server **out, struct server *s)
{
	struct tcp_server *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return -ENOMEM;
	t->server = s;
	TAILQ_INIT(&t->conns);
	for (size_t i = 0; i < s->cfg.address_count; i++) {
		int err = listener_open(t, &s->cfg.addresses[i]);

		if (err < 0) {
			tcp_server_free(t);
			return err;
		}
	}
	*out = t;
	return 0;
}

void tcp_server_free(struct tcp_server *t)
{
	if (t == NULL)
		return;
	while (!TAILQ_EMPTY(&t->conns))
		conn_close(TAILQ_FIRST(&t->conns));
	for (size_t i = 0; i < t->listener_count; i++) {
		listen_guard_free(t->listeners[i].guard);
		evconnlistener_free(t->listeners[i].listener);
	}
	free(t);
}

unsigned tcp_server_connections(const struct tcp_server *t)
{
	return t->conn_count;
}

unsigned long tcp_server_queries(const struct tcp_server *t)
{
	return t->queries;
}

const struct dns_counters *tcp_server_counters(const struct tcp_server *t)
{
	return &t->counters;
}
