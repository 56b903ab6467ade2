/* Three read-only pages; anything else is 404, anything but GET and HEAD 405. The listener is
 * for operators (loopback in every example): it has no authentication of its own. */
#include "autoconfig.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <stdlib.h>
#include <string.h>

#include "baton/http_listen.h"
#include "server/http.h"
#include "server/metrics.h"
#include "server/status.h"
#include "server/status_page.h"

struct http_server {
	struct http_listen *listen;
	struct server *server;
};

static void page_metrics(struct evbuffer *out, const struct sockaddr *peer, void *arg)
{
	struct http_server *h = arg;

	(void)peer;
	metrics_write(h->server, out);
}

/* FAILOVER answers are shown as batond gives them to the client asking. */
static void page_status_json(struct evbuffer *out, const struct sockaddr *peer, void *arg)
{
	struct http_server *h = arg;

	status_json(h->server, out, peer);
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
	http_listen_pages(h->listen, page_metrics, page_status_json, h);
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
