/* Three read-only pages; anything else is 404, anything but GET and HEAD 405. The listener is
 * for operators (loopback in every example): it has no authentication of its own. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <stdlib.h>
#include <string.h>

#include "baton/log.h"
#include "server/http.h"
#include "server/metrics.h"
#include "server/status.h"
#include "server/status_page.h"

struct http_server {
	struct evhttp *http;
	struct server *server;
};

static void reply(struct evhttp_request *req, const char *type, struct evbuffer *body)
{
	struct evkeyvalq *headers = evhttp_request_get_output_headers(req);

	evhttp_add_header(headers, "Content-Type", type);
	evhttp_add_header(headers, "Cache-Control", "no-store");
	evhttp_send_reply(req, HTTP_OK, "OK", body);
}

static bool allowed(struct evhttp_request *req)
{
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);

	if (cmd == EVHTTP_REQ_GET || cmd == EVHTTP_REQ_HEAD)
		return true;
	evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "GET, HEAD");
	evhttp_send_error(req, 405, "Method Not Allowed");
	return false;
}

static void on_metrics(struct evhttp_request *req, void *arg)
{
	struct http_server *h = arg;
	struct evbuffer *body = evbuffer_new();

	if (body == NULL || !allowed(req)) {
		evbuffer_free(body);
		return;
	}
	metrics_write(h->server, body);
	reply(req, "text/plain; version=0.0.4; charset=utf-8", body);
	evbuffer_free(body);
}

/* The client's own address, so FAILOVER answers are shown as batond gives them to it. */
static bool peer_address(struct evhttp_request *req, struct sockaddr_storage *ss)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(req);
	const struct sockaddr *sa = conn ? evhttp_connection_get_addr(conn) : NULL;

	if (sa == NULL || (sa->sa_family != AF_INET && sa->sa_family != AF_INET6))
		return false;
	memcpy(ss, sa,
	       sa->sa_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
	return true;
}

static void on_status_json(struct evhttp_request *req, void *arg)
{
	struct http_server *h = arg;
	struct evbuffer *body = evbuffer_new();
	struct sockaddr_storage peer;

	if (body == NULL || !allowed(req)) {
		evbuffer_free(body);
		return;
	}
	status_json(h->server, body,
		    peer_address(req, &peer) ? (const struct sockaddr *)&peer : NULL);
	reply(req, "application/json", body);
	evbuffer_free(body);
}

static void on_other(struct evhttp_request *req, void *arg)
{
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	struct evbuffer *body;

	(void)arg;
	if (path == NULL || (strcmp(path, "/") != 0 && strcmp(path, "/index.html") != 0)) {
		evhttp_send_error(req, HTTP_NOTFOUND, "Not Found");
		return;
	}
	if (!allowed(req) || (body = evbuffer_new()) == NULL)
		return;
	evbuffer_add_reference(body, status_page_html, status_page_html_len, NULL, NULL);
	reply(req, "text/html; charset=utf-8", body);
	evbuffer_free(body);
}

int http_server_open(struct http_server **out, struct server *s)
{
	const struct sockaddr_storage *ss = &s->cfg.http_listen;
	char host[INET6_ADDRSTRLEN];
	unsigned port = config_address_port(ss);
	struct http_server *h;

	*out = NULL;
	if (ss->ss_family == 0)
		return 0;
	inet_ntop(ss->ss_family,
		  ss->ss_family == AF_INET
			  ? (const void *)&((const struct sockaddr_in *)ss)->sin_addr
			  : (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr,
		  host, sizeof(host));
	h = calloc(1, sizeof(*h));
	if (h == NULL || (h->http = evhttp_new(s->base)) == NULL) {
		free(h);
		return -ENOMEM;
	}
	h->server = s;
	evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
						    EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE);
	evhttp_set_timeout(h->http, 10);
	evhttp_set_max_headers_size(h->http, 8192);
	evhttp_set_max_body_size(h->http, 0);
	evhttp_set_cb(h->http, "/metrics", on_metrics, h);
	evhttp_set_cb(h->http, "/status.json", on_status_json, h);
	evhttp_set_gencb(h->http, on_other, h);
	if (evhttp_bind_socket(h->http, host, (uint16_t)port) < 0) {
		int err = errno ? -errno : -EADDRINUSE;

		log_err("http %s@%u: cannot listen: %s", host, port, strerror(-err));
		http_server_free(h);
		return err;
	}
	log_info("http %s@%u: /metrics, /status.json and the status page", host, port);
	*out = h;
	return 0;
}

void http_server_free(struct http_server *h)
{
	if (h == NULL)
		return;
	evhttp_free(h->http);
	free(h);
}
