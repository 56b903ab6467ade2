/* GET /metrics: every counter and gauge of batond in Prometheus's text format (0.0.4). */
#ifndef BATON_METRICS_H
#define BATON_METRICS_H

#include <event2/buffer.h>

#include "server/server.h"

/* Appends the exposition to `out`. Main thread. */
void metrics_write(struct server *s, struct evbuffer *out);

#endif
