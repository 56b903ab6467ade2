/* What `batonctl status` shows, as text for people and JSON for tools. */
#ifndef BATON_STATUS_H
#define BATON_STATUS_H

#include "server/server.h"

struct evbuffer;

/* Appends the server's status to `out`: counters, zones and every site with its verdict,
 * since when, its evidence and each check. Main thread. */
void status_text(struct server *s, struct evbuffer *out);
void status_json(struct server *s, struct evbuffer *out);

#endif
