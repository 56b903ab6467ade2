/* The evhttp listener that batond, baton-probe and baton-vip share for their read-only pages:
 * one set of limits, GET and HEAD only, other paths 404. Each program adds its own paths. */
#ifndef BATON_HTTP_LISTEN_H
#define BATON_HTTP_LISTEN_H

#include <stdbool.h>
#include <sys/socket.h>

struct evbuffer;
struct event_base;
struct evhttp;
struct evhttp_request;

/* Creates an evhttp on base, bound to addr (AF_INET or AF_INET6, port set), answering 404 to
 * every path until the caller adds its own with evhttp_set_cb (or replaces the 404 with
 * evhttp_set_gencb). `pages` names what it serves for the log line ("/metrics and
 * /status.json"). The caller owns *out and frees it with evhttp_free. Returns 0, -ENOMEM, or
 * -errno when the address cannot be bound (logged); *out untouched on failure. Main thread,
 * before the loop runs. */
int http_listen_open(struct evhttp **out, struct event_base *base,
		     const struct sockaddr_storage *addr, const char *pages);

/* True for GET and HEAD; otherwise sends 405 with `Allow: GET, HEAD` and returns false, and
 * the request is answered. For the path callbacks. */
bool http_listen_method_ok(struct evhttp_request *req);

/* Sends 200 with body (still the caller's to free) as `type`, with `Cache-Control: no-store`:
 * every page is a snapshot of now. */
void http_listen_reply(struct evhttp_request *req, const char *type, struct evbuffer *body);

#endif
