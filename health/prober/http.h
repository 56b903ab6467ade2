/* baton-probe's HTTP listener (`http-listen:` in probe.conf; off by default): /metrics in the
 * Prometheus text format and /status.json, what the status file shows. Read-only and without
 * authentication: keep it on loopback. Other paths are 404, methods but GET and HEAD 405. */
#ifndef BATON_PROBE_HTTP_H
#define BATON_PROBE_HTTP_H

#include <stdint.h>
#include <sys/socket.h>

struct event_base;
struct evbuffer;
struct gossip_member;
struct health_engine;
struct http_listen_limits;
struct probe_http;

/* Listens on addr on base's loop with `limits` (http_listen.h). m and e are borrowed and must outlive the listener.
 * Returns 0, -ENOMEM, or -errno when the address cannot be bound (logged); *out untouched on
 * failure. Main thread, before the loop runs. */
int probe_http_open(struct probe_http **out, struct event_base *base,
		    const struct sockaddr_storage *addr, const struct http_listen_limits *limits,
		    const struct gossip_member *m, const struct health_engine *e);

/* Closes the listener; NULL is a no-op. */
void probe_http_free(struct probe_http *h);

/* The pages' bodies, for the listener and for tests: /metrics and /status.json. */
void probe_http_metrics(struct evbuffer *out, const struct gossip_member *m,
			const struct health_engine *e, int64_t start_unix_s);
void probe_http_status_json(struct evbuffer *out, const struct gossip_member *m,
			    const struct health_engine *e);

#endif
