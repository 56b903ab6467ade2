/* What `batonctl status` shows, as text for people and JSON for tools. */
#ifndef BATON_STATUS_H
#define BATON_STATUS_H

#include <sys/socket.h>

#include "server/server.h"

struct evbuffer;

/* Appends the server's status to `out`: counters, zones and every site with its verdict,
 * since when, its evidence and each check. Main thread. */
void status_text(struct server *s, struct evbuffer *out);

/* The same as JSON, with the last transitions and, for each FAILOVER name, the answer batond
 * gives right now to a query from `client` (NULL: a client without a location). */
void status_json(struct server *s, struct evbuffer *out, const struct sockaddr *client);

#endif
