/* UDP serving: one SO_REUSEPORT socket per worker thread and address, batched with
 * recvmmsg/sendmmsg, answering inside an RCU read section with no allocation and no lock. */
#ifndef BATON_UDP_H
#define BATON_UDP_H

#include "server/counters.h"
#include "server/server.h"

/* Opens the sockets for every configured address (before privileges are dropped, before
 * daemonising). Returns 0, or -errno with *out untouched and a message logged. */
int udp_workers_open(struct udp_workers **out, struct server *s);

/* Starts the threads (after daemonising: fork keeps no threads). Returns 0 or -errno. */
int udp_workers_start(struct udp_workers *u);

/* Stops the threads, closes the sockets and frees; NULL is a no-op. */
void udp_workers_free(struct udp_workers *u);

/* The workers' failed recvmmsg and sendmmsg calls, summed (relaxed reads: any thread). */
void udp_workers_errors(const struct udp_workers *u, unsigned long *recv_errors,
			unsigned long *send_errors);

/* Adds every worker's counters into `sum`. */
void udp_workers_counters(const struct udp_workers *u, struct dns_counters *sum);

/* Queries answered so far by all workers (relaxed reads; for status). */
unsigned long udp_workers_queries(const struct udp_workers *u);

#endif
