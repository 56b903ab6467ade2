/* DNS over TCP (RFC 7766). Connections sit on a list ordered by last activity, so the one idle
 * longest is at the head: when the cap is reached it is closed to admit the new one (§6.2.3
 * lets a server close idle connections to manage its resources). */
#include "autoconfig.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/queue.h>
#include <urcu-qsbr.h>

#include "baton/log.h"
#include "server/answer.h"
#include "server/tcp.h"

/* A client that stops reading is not allowed to make us buffer without bound. */
#define TCP_OUTPUT_HIGH (256 * 1024)

struct tcp_conn {
	TAILQ_ENTRY(tcp_conn) link;
	struct bufferevent *bev;
	struct tcp_server *server;
	struct sockaddr_storage peer; /* policy=geo answers for it */
};

TAILQ_HEAD(tcp_conn_list, tcp_conn);

struct tcp_server {
	struct server *server;
	struct evconnlistener *listeners[CONFIG_MAX_ADDRESSES];
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
	bufferevent_free(c->bev);
	free(c);
}

/* Answers every complete message in the input, in order (RFC 7766 §6.2.1.1 allows out of
 * order, but in order is what every client handles). */
static void on_read(struct bufferevent *bev, void *arg)
{
	struct tcp_conn *c = arg;
	struct tcp_server *t = c->server;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct answer_source src = { .zones = NULL };
	uint8_t prefix[2];

	TAILQ_REMOVE(&t->conns, c, link);
	TAILQ_INSERT_TAIL(&t->conns, c, link);
	while (evbuffer_copyout(in, prefix, 2) == 2) {
		size_t len = wire_get_u16(prefix), out_len;

		if (evbuffer_get_length(in) < 2 + len)
			break;
		evbuffer_drain(in, 2);
		evbuffer_remove(in, t->query, len);
		rcu_thread_online();
		src.zones = rcu_dereference(t->server->zones);
		src.health = rcu_dereference(t->server->health);
		src.edns_size = (uint16_t)t->server->cfg.edns_buffer_size;
		src.ecs = t->server->cfg.ecs;
		src.counters = &t->counters;
		src.cookies = t->server->cfg.answer_cookie ? &t->server->cookies : NULL;
		src.now_s = (uint32_t)time(NULL);
		src.rrl = NULL; /* a TCP client has proved its address */
		out_len = answer_query(t->response + 2, ANSWER_TCP_MAX, t->query, len, true, &src,
				       (const struct sockaddr *)&c->peer);
		rcu_thread_offline();
		t->queries++;
		if (out_len == 0)
			continue;
		wire_put_u16(t->response, (uint16_t)out_len);
		bufferevent_write(bev, t->response, 2 + out_len);
		if (evbuffer_get_length(bufferevent_get_output(bev)) > TCP_OUTPUT_HIGH) {
			bufferevent_disable(bev, EV_READ);
			break;
		}
	}
}

static void on_write(struct bufferevent *bev, void *arg)
{
	(void)arg;
	/* the low watermark is 0: called once the output drained */
	bufferevent_enable(bev, EV_READ);
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
	struct tcp_server *t = arg;
	struct event_base *base = evconnlistener_get_base(l);
	struct timeval idle = { .tv_sec = t->server->cfg.tcp_timeout_s };
	struct tcp_conn *c;

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
	bufferevent_set_timeouts(c->bev, &idle, &idle);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	TAILQ_INSERT_TAIL(&t->conns, c, link);
	t->conn_count++;
}

/* EMFILE and the like, which a burst of connections can cause: said, but a few times a minute
 * at most, since a line per failed accept would be a flood of its own. */
static void on_accept_error(struct evconnlistener *l, void *arg)
{
	static struct log_limit limit = LOG_LIMIT_INIT(5, 60);
	int err = EVUTIL_SOCKET_ERROR();

	(void)l;
	(void)arg;
	log_limited(&limit, LOG_LEVEL_WARN, "tcp: cannot accept a connection: %s",
		    evutil_socket_error_to_string(err));
}

int tcp_server_open(struct tcp_server **out, struct server *s)
{
	struct tcp_server *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return -ENOMEM;
	t->server = s;
	TAILQ_INIT(&t->conns);
	for (size_t i = 0; i < s->cfg.address_count; i++) {
		const struct sockaddr_storage *ss = &s->cfg.addresses[i];
		int len = ss->ss_family == AF_INET6 ? (int)sizeof(struct sockaddr_in6)
						    : (int)sizeof(struct sockaddr_in);
		struct evconnlistener *l = evconnlistener_new_bind(
			s->base, on_accept, t,
			LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC |
				(ss->ss_family == AF_INET6 ? LEV_OPT_BIND_IPV6ONLY : 0),
			128, (const struct sockaddr *)ss, len);

		if (l == NULL) {
			int err = -errno;

			log_err("tcp port %u: cannot listen: %s", config_address_port(ss),
				strerror(errno));
			tcp_server_free(t);
			return err ? err : -EADDRINUSE;
		}
		evconnlistener_set_error_cb(l, on_accept_error);
		t->listeners[t->listener_count++] = l;
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
	for (size_t i = 0; i < t->listener_count; i++)
		evconnlistener_free(t->listeners[i]);
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
