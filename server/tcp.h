/* DNS over TCP (RFC 7766) on the main thread's libevent loop: length-prefixed messages, several
 * queries per connection answered in order, an idle timeout, a deadline for each message
 * (tcp-timeout from its first byte), and a cap on connections that closes the longest-idle one
 * to make room. */
#ifndef BATON_TCP_H
#define BATON_TCP_H

#include "server/counters.h"
#include "server/server.h"

/* Listens on every configured address. Returns 0, or -errno with a message logged. */
int tcp_server_open(struct tcp_server **out, struct server *s);

/* Closes listeners and connections; NULL is a no-op. */
void tcp_server_free(struct tcp_server *t);

/* Connections open now, and queries answered so far. */
unsigned tcp_server_connections(const struct tcp_server *t);
unsigned long tcp_server_queries(const struct tcp_server *t);

/* What TCP answered, by rcode and type (the main thread's own counters). */
const struct dns_counters *tcp_server_counters(const struct tcp_server *t);

#endif
