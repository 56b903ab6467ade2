/* baton-vip's HTTP listener (vip.conf's `global_defs { http-listen ADDRESS@PORT }`, off by
 * default): /metrics in the Prometheus text format and /status.json, read-only, on the main
 * loop with libevent's evhttp. Other paths are 404, methods other than GET and HEAD 405. */
#ifndef BATON_VIP_HTTP_H
#define BATON_VIP_HTTP_H

#include <stdint.h>
#include <sys/socket.h>

struct evbuffer;
struct event_base;
struct http_listen_limits;
struct vip_http;
struct vip_instance;

/* Listens on `addr` (AF_INET or AF_INET6, port set) on `base` with `limits`, serving the `count` instances
 * of `instances` (the caller's array, which must outlive the listener). Errors are logged.
 * Returns 0 or -errno; *out untouched on failure. Before serving only. */
int vip_http_open(struct vip_http **out, struct event_base *base,
		  const struct sockaddr_storage *addr, const struct http_listen_limits *limits,
		  struct vip_instance *const *instances, unsigned count);

/* Closes the listener and its connections; NULL is a no-op. */
void vip_http_free(struct vip_http *h);

/* The /metrics body: every family in one group with one HELP and one TYPE line, label values
 * escaped (backslash, double quote, newline). `start_unix_s`: when baton-vip started. */
void vip_http_metrics(struct evbuffer *out, struct vip_instance *const *instances, unsigned count,
		      int64_t start_unix_s);

/* The /status.json body. */
void vip_http_status_json(struct evbuffer *out, struct vip_instance *const *instances,
			  unsigned count);

#endif
