/* The HTTP listener (`http-listen:`): GET /metrics (Prometheus), /status.json and / (the
 * status page), on the main thread's libevent loop with evhttp. */
#ifndef BATON_HTTP_H
#define BATON_HTTP_H

#include "server/server.h"

struct http_server;

/* Binds cfg.http_listen when it is set (*out stays NULL otherwise). Returns 0 or -errno, with
 * the reason logged. Before privileges are dropped. */
int http_server_open(struct http_server **out, struct server *s);

void http_server_free(struct http_server *h);

#endif
