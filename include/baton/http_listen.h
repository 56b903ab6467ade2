/* The evhttp listener that batond, baton-probe and baton-vip share for their read-only pages:
 * one set of limits, GET and HEAD only, other paths 404. Each program adds its own paths.
 *
 * Limits, against descriptor starvation: at most `connections` at once (a new one
 * past the cap sheds the oldest), each closed `timeout_s` seconds after its accept however
 * busily it trickles bytes, none holding a descriptor from the checks' reserve
 * (listen_guard.h), and failed accepts counted and paused rather than retried in a loop. */
#ifndef BATON_HTTP_LISTEN_H
#define BATON_HTTP_LISTEN_H

#include <stdbool.h>
#include <sys/socket.h>

struct evbuffer;
struct event_base;
struct evhttp;
struct evhttp_request;
struct http_listen;

/* A scraper or two and a few browser tabs (six connections each) need far fewer than 64;
 * 64 descriptors are 6% of the usual limit of 1024. */
#define HTTP_LISTEN_CONNECTIONS_DEFAULT 64
#define HTTP_LISTEN_CONNECTIONS_MAX 4096
/* Loopback clients send a request in milliseconds; 10 s leaves room for a slow link and
 * bounds what a trickling client holds. */
#define HTTP_LISTEN_TIMEOUT_DEFAULT_S 10
#define HTTP_LISTEN_TIMEOUT_MAX_S 3600

struct http_listen_limits {
	unsigned connections; /* 1 .. HTTP_LISTEN_CONNECTIONS_MAX */
	unsigned timeout_s; /* 1 .. HTTP_LISTEN_TIMEOUT_MAX_S: a connection's whole life */
};

/* Creates an evhttp on base, bound to addr (AF_INET or AF_INET6, port set), with `limits`,
 * answering 404 to every path until the caller adds its own with evhttp_set_cb on
 * http_listen_evhttp() (or replaces the 404 with evhttp_set_gencb). `pages` names what it
 * serves for the log line ("/metrics and /status.json"). The caller owns *out and frees it
 * with http_listen_free. Returns 0, -ENOMEM, or -errno when the address cannot be bound
 * (logged); *out untouched on failure. Main thread, before the loop runs. */
int http_listen_open(struct http_listen **out, struct event_base *base,
		     const struct sockaddr_storage *addr, const struct http_listen_limits *limits,
		     const char *pages);

/* Writes one page into `out`. `peer` is the client's address (NULL when unknown), `arg` what
 * was given to http_listen_pages. */
typedef void http_page_fn(struct evbuffer *out, const struct sockaddr *peer, void *arg);

/* Serves /metrics (the Prometheus text format, with the listeners' accept-error family added)
 * from `metrics` and /status.json from `status_json`, both GET and HEAD only, each a fresh
 * snapshot. `arg` must outlive h. Main thread, before the loop runs. */
void http_listen_pages(struct http_listen *h, http_page_fn *metrics, http_page_fn *status_json,
		       void *arg);

/* The evhttp to add paths to; the listener's. */
struct evhttp *http_listen_evhttp(struct http_listen *h);

/* Connections open now (for tests and metrics). */
unsigned http_listen_connections(const struct http_listen *h);

/* Closes every connection and the socket, frees; NULL is a no-op. */
void http_listen_free(struct http_listen *h);

/* True for GET and HEAD; otherwise sends 405 with `Allow: GET, HEAD` and returns false, and
 * the request is answered. For the path callbacks, before anything else. */
bool http_listen_method_ok(struct evhttp_request *req);

/* Sends 200 with body (still the caller's to free) as `type`, with `Cache-Control: no-store`:
 * every page is a snapshot of now. To HEAD, the headers alone, with the Content-Length a GET
 * would get (RFC 9110 §9.3.2): libevent would send the body and desynchronise keep-alive. */
void http_listen_reply(struct evhttp_request *req, const char *type, struct evbuffer *body);

/* Sends `code` with `reason` as a one-line text body (none to HEAD). */
void http_listen_error(struct evhttp_request *req, int code, const char *reason);

#endif
