/* Three read-only pages; anything else is 404, anything but GET and HEAD 405. The listener is
 * for operators (loopback in every example): it has no authentication of its own. */
#include "autoconfig.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <stdlib.h>
#include <string.h>

#include "health/http_listen.h"
#include "server/http.h"
#include "server/metrics.h"
#include "server/status.h"
#include "server/status_page.h"

struct http_server {
	struct http_listen *listen;
	struct server *server;
};

static void on_metrics(struct evhttp_request *req, void *arg)
{
	struct http_server *h = arg;
	struct evbuffer *body = evbuffer_new();

	if (body == NULL || !http_listen_method_ok(req)) {
		evbuffer_free(body);
		return;
	}
	metrics_write(h->server, body);
	http_listen_reply(req, "text/plain; version=0.0.4; charset=utf-8", body);
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

	if (body == NULL || !http_listen_method_ok(req)) {
		evbuffer_free(body);
		return;
	}
	status_json(h->server, body,
		    peer_address(req, &peer) ? (const struct sockaddr *)&peer : NULL);
	http_listen_reply(req, "application/json", body);
	evbuffer_free(body);
}

static void on_other(struct evhttp_request *req, void *arg)
{
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	struct evbuffer *body;

	(void)arg;
	if (!http_listen_method_ok(req))
		return;
	if (path == NULL || (strcmp(path, "/") != 0 && strcmp(path, "/index.html") != 0)) {
		http_listen_error(req, HTTP_NOTFOUND, "Not Found");
		return;
	}
	if ((body = evbuffer_new()) == NULL)
		return;
	evbuffer_add_reference(body, status_page_html, status_page_html_len, NULL, NULL);
	http_listen_reply(req, "text/html; charset=utf-8", body);
	evbuffer_free(body);
}

int http_server_open(struct http_server **out, struct server *s)
{
	struct http_server *h;
	int rc;

	*out = NULL;
	if (s->cfg.http_listen.ss_family == 0)
		return 0;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return -ENOMEM;
	rc = http_listen_open(&h->listen, s->base, &s->cfg.http_listen, &s->cfg.http_limits,
			      "/metrics, /status.json and the status page");
	if (rc < 0) {
		free(h);
		return rc;
	}
	h->server = s;
	evhttp_set_cb(http_listen_evhttp(h->listen), "/metrics", on_metrics, h);
	evhttp_set_cb(http_listen_evhttp(h->listen), "/status.json", on_status_json, h);
	/* batond's own fallback in place of the 404: it also serves the status page at / */
	evhttp_set_gencb(http_listen_evhttp(h->listen), on_other, h);
	*out = h;
	return 0;
}

void http_server_free(struct http_server *h)
{
	if (h == NULL)
		return;
	http_listen_free(h->listen);
	free(h);
}
