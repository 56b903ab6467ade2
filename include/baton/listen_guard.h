/* What every listener of batond, baton-probe and baton-vip shares against descriptor
 * exhaustion: failed accepts (EMFILE, ENFILE...) are counted, logged a few times a minute at
 * most, and pause the listener briefly instead of spinning; and the top descriptors of
 * RLIMIT_NOFILE are kept for the health checks, so no flood of connections makes a site fail. */
#ifndef BATON_LISTEN_GUARD_H
#define BATON_LISTEN_GUARD_H

#include <stdbool.h>
#include <stdint.h>

struct evbuffer;
struct evconnlistener;
struct listen_guard;

/* The `listener` label of baton_accept_errors_total. */
enum listen_kind { LISTEN_HTTP, LISTEN_CONTROL, LISTEN_TCP, LISTEN_KIND_COUNT };

/* Watches l's accept errors: each is counted under `kind`, logged (rate-limited) as
 * "<name>: cannot accept a connection: <why>", and disables l for 100 ms so libevent does not
 * retry accept() in a tight loop while the descriptors are gone. l stays the caller's; free the
 * guard before l. Returns 0 or -ENOMEM (*out untouched). Main thread of l's loop. */
int listen_guard_new(struct listen_guard **out, struct evconnlistener *l, enum listen_kind kind,
		     const char *name);

/* NULL is a no-op. */
void listen_guard_free(struct listen_guard *g);

/* Counts one failed accept for a listener that handles its own errors. Thread-safe. */
void listen_guard_count_error(enum listen_kind kind);

/* Failed accepts of `kind` since the start. Thread-safe. */
uint64_t listen_guard_errors(enum listen_kind kind);

/* Writes the baton_accept_errors_total family (HELP, TYPE, one line per listener). */
void listen_guard_write_metrics(struct evbuffer *out);

/* How many descriptors the checks need at most; the health engine sets it on every sync. */
void listen_guard_set_check_fds(unsigned fds);

/* True when a just-accepted descriptor lies in the reserve at the top of RLIMIT_NOFILE: the
 * caller closes it at once. Linux hands out the lowest free descriptor, so a connection that
 * gets one up there means everything below is taken; refusing it leaves the reserve to the
 * checks, which then always find a descriptor. Thread-safe. */
bool listen_guard_fd_is_reserved(int fd);

/* For an accept callback: when `fd` lies in the reserve, closes it and treats it as a failed
 * accept of g's listener (counted, logged, the pause) and returns true; else false. */
bool listen_guard_refuse_reserved(struct listen_guard *g, int fd);

#endif
