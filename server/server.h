/* The state one batond process shares between its threads. */
#ifndef BATON_SERVER_H
#define BATON_SERVER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "server/config.h"
#include "server/cookie.h"
#include "zones/zoneset.h"

struct event_base;
struct udp_workers;
struct tcp_server;
struct control;
struct http_server;
struct health_engine;
struct health_view;
struct geo_db;
struct rrl;
struct batond_member;
struct reloader;
struct zone_prints;
struct export;

struct server {
	struct config cfg;
	struct zoneset *zones; /* read with rcu_dereference(); replaced only by server/reload.c, on
				* the main thread */
	struct zone_prints *prints; /* [cfg.zone_count]: the files each zone serving was
				     * compiled from (server/fingerprint.h); reload.c only */
	struct reloader *reloader; /* reloads on their thread; NULL: reloads run inline */
	bool reload_running; /* a reload's thread is reading or compiling (main thread) */
	struct health_view *health; /* read with rcu_dereference(); published by the engine */
	struct health_engine *engine;
	struct geo_db *geo_db; /* the geoip-database last opened; main thread only */
	unsigned long geo_db_failures; /* reloads that could not open it */
	unsigned geo_refused; /* zones of the last reload refused for want of a database */
	struct event_base *base; /* main thread: TCP, control socket, signals */
	struct udp_workers *udp;
	struct tcp_server *tcp;
	struct control *control;
	struct http_server *http; /* NULL without http-listen */
	struct rrl *rrl; /* NULL while rrl-ratelimit is 0 */
	struct cookie_secrets cookies; /* used while cfg.answer_cookie */
	struct batond_member *member; /* NULL without a gossip: section */
	struct export *export; /* what secondaries get (AXFR, IXFR, NOTIFY); main thread */
	time_t started;
	time_t last_reload;
	bool stopping; /* a loop exit is scheduled: a second stop schedules none (main thread) */
	unsigned long reloads_ok; /* every zone compiled */
	unsigned long reloads_failed; /* at least one zone kept its old data */
	atomic_ulong udp_queries; /* summed from the workers when asked */
};

#endif
