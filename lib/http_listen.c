/* The evhttp listener shared by batond, baton-probe and baton-vip; see http_listen.h.
 *
 * libevent 2.1's evhttp has no connection cap and only an idle timeout, which restarts on
 * every byte, and it calls back on a connection only once a whole request has arrived. So the
 * listener is ours (evconnlistener, with listen_guard), and each connection is seen through
 * the bufferevent evhttp asks us to create for it (evhttp_set_bevcb): we keep a reference to
 * it, learn its evhttp_connection from the callbacks evhttp sets on it, and hear of its end
 * through evhttp_connection_set_closecb. Shedding a connection is evhttp_connection_free. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include "baton/addr_text.h"
#include "baton/clock.h"
#include "baton/log.h"
#include "baton/http_listen.h"
#include "baton/listen_guard.h"

/* Every connection gets this long before a newcomer may shed it: a loopback request is read
 * in well under a millisecond. */
#define SHED_AGE_MS 1000
/* Connections accepted in one go before the listener lets the loop run on. */
#define BURST_MAX 16

struct http_conn {
	TAILQ_ENTRY(http_conn) link; /* oldest first */
	struct http_listen *owner;
	struct bufferevent *bev; /* our reference keeps it valid until on_closed */
	struct evhttp_connection *evcon; /* NULL until attached */
	struct event *deadline;
	int64_t accepted_ms; /* CLOCK_MONOTONIC */
	bool refused; /* over the cap: closed once attached */
};

struct http_listen {
	struct evhttp *http;
	struct listen_guard *guard;
	struct evconnlistener *listener; /* evhttp's to free */
	struct event *attach; /* made active by each new connection */
	unsigned burst; /* connections accepted since on_attach last ran */
	bool burst_paused;
	TAILQ_HEAD(, http_conn) conns;
	unsigned count;
	struct http_listen_limits limits;
	struct log_limit shed_limit;
	char name[INET6_ADDRSTRLEN + 16]; /* "http ADDRESS@PORT", for the log */
	http_page_fn *metrics, *status_json; /* http_listen_pages */
	void *pages_arg;
};

bool http_listen_method_ok(struct evhttp_request *req)
{
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);

	if (cmd == EVHTTP_REQ_GET || cmd == EVHTTP_REQ_HEAD)
		return true;
	/* evhttp_send_error() clears the output headers, and a 405 must say what is allowed
	 * (RFC 9110 §15.5.6): a plain reply keeps the header. */
	evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "GET, HEAD");
	evhttp_send_reply(req, 405, "Method Not Allowed", NULL);
	return false;
}

/* evhttp_send_reply() puts the body on the wire even for HEAD, and adds no Content-Length
 * to HEAD: the client reads the body as the start of its next response. */
static void send_page(struct evhttp_request *req, int code, const char *reason,
		      struct evbuffer *body)
{
	char len[24];

	if (evhttp_request_get_command(req) != EVHTTP_REQ_HEAD) {
		evhttp_send_reply(req, code, reason, body);
		return;
	}
	snprintf(len, sizeof(len), "%zu", body ? evbuffer_get_length(body) : 0);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Length", len);
	evhttp_send_reply(req, code, reason, NULL);
}

void http_listen_reply(struct evhttp_request *req, const char *type, struct evbuffer *body)
{
	struct evkeyvalq *headers = evhttp_request_get_output_headers(req);

	evhttp_add_header(headers, "Content-Type", type);
	evhttp_add_header(headers, "Cache-Control", "no-store");
	send_page(req, HTTP_OK, "OK", body);
}

void http_listen_error(struct evhttp_request *req, int code, const char *reason)
{
	struct evbuffer *body = evbuffer_new();

	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
			  "text/plain; charset=utf-8");
	if (body != NULL)
		evbuffer_add_printf(body, "%d %s\n", code, reason);
	send_page(req, code, reason, body);
	evbuffer_free(body);
}

static void on_other(struct evhttp_request *req, void *arg)
{
	(void)arg;
	if (http_listen_method_ok(req))
		http_listen_error(req, HTTP_NOTFOUND, "Not Found");
}

static void conn_forget(struct http_conn *c)
{
	struct http_listen *h = c->owner;

	TAILQ_REMOVE(&h->conns, c, link);
	h->count--;
	event_free(c->deadline);
	bufferevent_decref(c->bev);
	free(c);
}

static void on_closed(struct evhttp_connection *evcon, void *arg)
{
	(void)evcon;
	conn_forget(arg);
}

/* Learns c's evhttp_connection, the argument of the callbacks evhttp set on c->bev. No error
 * callback means evhttp freed the connection already (bufferevent_free clears them): then
 * c is forgotten and false returned. */
static bool conn_attach(struct http_conn *c)
{
	bufferevent_event_cb on_event = NULL;
	void *evcon = NULL;

	if (c->evcon != NULL)
		return true;
	bufferevent_getcb(c->bev, NULL, NULL, &on_event, &evcon);
	if (on_event == NULL || evcon == NULL) {
		conn_forget(c);
		return false;
	}
	c->evcon = evcon;
	evhttp_connection_set_closecb(c->evcon, on_closed, c);
	return true;
}

/* Frees c's connection (on_closed then forgets c), or just forgets c if evhttp did. */
static void conn_close(struct http_conn *c)
{
	struct http_listen *h = c->owner;
	unsigned before = h->count;

	if (!conn_attach(c))
		return;
	evhttp_connection_free(c->evcon);
	/* evhttp skips the close callback of a connection without a descriptor */
	if (h->count == before)
		conn_forget(c);
}

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	conn_close(arg);
}

static void on_attach(evutil_socket_t unused, short what, void *arg)
{
	struct http_listen *h = arg;
	struct http_conn *c = TAILQ_FIRST(&h->conns), *next;

	(void)unused;
	(void)what;
	if (what != 0) {
		/* the accept burst is over */
		h->burst = 0;
		if (h->burst_paused)
			evconnlistener_enable(h->listener);
		h->burst_paused = false;
	}
	for (; c != NULL; c = next) {
		next = TAILQ_NEXT(c, link);
		if (c->evcon != NULL || !conn_attach(c))
			continue;
		if (c->refused) {
			conn_close(c);
		} else if (listen_guard_fd_is_reserved(bufferevent_getfd(c->bev))) {
			log_limited(&h->shed_limit, LOG_LEVEL_WARN,
				    "%s: connection refused: the descriptors left are kept for "
				    "the health checks",
				    h->name);
			conn_close(c);
		}
	}
}

/* evhttp asks for a bufferevent for each accepted connection: the one place we see it. At
 * the cap the oldest connection is shed, so a slow client cannot keep the others out; but
 * never one younger than SHED_AGE_MS, or a fast flood would shed every connection before its
 * request is read: then the new one is refused instead. */
static struct bufferevent *on_new_conn(struct event_base *base, void *arg)
{
	struct http_listen *h = arg;
	const struct timeval deadline = { .tv_sec = h->limits.timeout_s };
	struct http_conn *c;

	struct http_conn *oldest;
	bool refuse = false;

	/* earlier connections of this accept burst: evhttp has set them up by now */
	on_attach(-1, 0, h);
	oldest = TAILQ_FIRST(&h->conns);
	if (h->count >= h->limits.connections && oldest != NULL) {
		if (clock_monotonic_ms() - oldest->accepted_ms >= SHED_AGE_MS)
			conn_close(oldest);
		else
			refuse = true;
	}
	if (refuse)
		log_limited(&h->shed_limit, LOG_LEVEL_WARN,
			    "%s: connection refused: %u open, the cap (http-connections)", h->name,
			    h->count);
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->owner = h;
	c->refused = refuse;
	c->accepted_ms = clock_monotonic_ms();
	c->bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	c->deadline = evtimer_new(base, on_deadline, c);
	if (c->bev == NULL || c->deadline == NULL) {
		if (c->bev != NULL)
			bufferevent_free(c->bev);
		if (c->deadline != NULL)
			event_free(c->deadline);
		free(c);
		return NULL;
	}
	bufferevent_incref(c->bev);
	evtimer_add(c->deadline, &deadline);
	TAILQ_INSERT_TAIL(&h->conns, c, link);
	h->count++;
	event_active(h->attach, EV_TIMEOUT, 1);
	/* libevent accepts until the backlog is empty, which a flood keeps full, and a closed
	 * connection's descriptor is released only once the loop runs on: without a pause the
	 * shed ones pile up (264 descriptors at a 64 cap in http_flood.sh) */
	if (++h->burst >= BURST_MAX && !h->burst_paused) {
		evconnlistener_disable(h->listener);
		h->burst_paused = true;
	}
	return c->bev;
}

static int listen_on(struct http_listen *h, struct event_base *base,
		     const struct sockaddr_storage *addr)
{
	const bool v4 = addr->ss_family == AF_INET;
	struct evconnlistener *l;

	errno = 0;
	l = evconnlistener_new_bind(
		base, NULL, NULL,
		LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC |
			(v4 ? 0 : LEV_OPT_BIND_IPV6ONLY),
		128, (const struct sockaddr *)addr,
		v4 ? (int)sizeof(struct sockaddr_in) : (int)sizeof(struct sockaddr_in6));
	if (l == NULL)
		return errno ? -errno : -EADDRINUSE;
	if (evhttp_bind_listener(h->http, l) == NULL) {
		evconnlistener_free(l);
		return -ENOMEM;
	}
	/* evhttp owns l now and frees it in evhttp_free */
	h->listener = l;
	return listen_guard_new(&h->guard, l, LISTEN_HTTP, h->name);
}

static void describe(struct http_listen *h, const struct sockaddr_storage *addr)
{
	char text[ADDR_TEXT_MAX];

	snprintf(h->name, sizeof(h->name), "http %s", addr_text_port(addr, text));
}

int http_listen_open(struct http_listen **out, struct event_base *base,
		     const struct sockaddr_storage *addr, const struct http_listen_limits *limits,
		     const char *pages)
{
	struct http_listen *h = calloc(1, sizeof(*h));
	int rc;

	if (h == NULL)
		return -ENOMEM;
	TAILQ_INIT(&h->conns);
	h->limits = *limits;
	h->shed_limit = (struct log_limit)LOG_LIMIT_INIT(5, 60);
	describe(h, addr);
	h->http = evhttp_new(base);
	h->attach = event_new(base, -1, 0, on_attach, h);
	if (h->http == NULL || h->attach == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	/* every method reaches the callbacks, so all but GET and HEAD get 405 rather than
	 * libevent's 501; an unknown one is the top bit (EVHTTP_REQ_UNKNOWN_) */
	evhttp_set_allowed_methods(h->http, 0xffff);
	evhttp_set_timeout(h->http, (int)limits->timeout_s);
	evhttp_set_max_headers_size(h->http, 8192);
	evhttp_set_max_body_size(h->http, 0);
	evhttp_set_gencb(h->http, on_other, NULL);
	evhttp_set_bevcb(h->http, on_new_conn, h);
	rc = listen_on(h, base, addr);
	if (rc < 0) {
		log_err("%s: cannot listen: %s", h->name, strerror(-rc));
		goto fail;
	}
	log_info("%s: %s (at most %u connections, %u s each)", h->name, pages, limits->connections,
		 limits->timeout_s);
	*out = h;
	return 0;
fail:
	http_listen_free(h);
	return rc;
}

struct evhttp *http_listen_evhttp(struct http_listen *h)
{
	return h->http;
}

unsigned http_listen_connections(const struct http_listen *h)
{
	return h->count;
}

void http_listen_free(struct http_listen *h)
{
	if (h == NULL)
		return;
	listen_guard_free(h->guard);
	/* frees every connection: on_closed forgets those attached */
	if (h->http != NULL)
		evhttp_free(h->http);
	while (!TAILQ_EMPTY(&h->conns))
		conn_forget(TAILQ_FIRST(&h->conns));
	if (h->attach != NULL)
		event_free(h->attach);
	free(h);
}

/* The client's own address, so a page can show what that client would be answered. */
static const struct sockaddr *peer_address(struct evhttp_request *req, struct sockaddr_storage *ss)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(req);
	const struct sockaddr *sa = conn ? evhttp_connection_get_addr(conn) : NULL;

	if (sa == NULL || (sa->sa_family != AF_INET && sa->sa_family != AF_INET6))
		return NULL;
	memcpy(ss, sa,
	       sa->sa_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
	return (const struct sockaddr *)ss;
}

static void serve_page(struct evhttp_request *req, struct http_listen *h, bool metrics)
{
	struct sockaddr_storage peer;
	struct evbuffer *body;

	if (!http_listen_method_ok(req))
		return;
	body = evbuffer_new();
	if (body == NULL) {
		http_listen_error(req, HTTP_INTERNAL, "Out of memory");
		return;
	}
	(metrics ? h->metrics : h->status_json)(body, peer_address(req, &peer), h->pages_arg);
	if (metrics)
		listen_guard_write_metrics(body);
	http_listen_reply(req,
			  metrics ? "text/plain; version=0.0.4; charset=utf-8" : "application/json",
			  body);
	evbuffer_free(body);
}

static void on_metrics(struct evhttp_request *req, void *arg)
{
	serve_page(req, arg, true);
}

static void on_status_json(struct evhttp_request *req, void *arg)
{
	serve_page(req, arg, false);
}

void http_listen_pages(struct http_listen *h, http_page_fn *metrics, http_page_fn *status_json,
		       void *arg)
{
	h->metrics = metrics;
	h->status_json = status_json;
	h->pages_arg = arg;
	evhttp_set_cb(h->http, "/metrics", on_metrics, h);
	evhttp_set_cb(h->http, "/status.json", on_status_json, h);
}
