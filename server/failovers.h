/* `failovers SITE` on the control socket: the FAILOVER names that use a site, with the other
 * sites of each and whether they are usable now. `batonctl drill` reads it. */
#ifndef BATON_FAILOVERS_H
#define BATON_FAILOVERS_H

#include "server/server.h"

struct evbuffer;

/* Appends the reply for SITE to `out`. When some zone serves a site of that name:
 *
 *     ok
 *     server 127.0.0.1 5353            the first ip-address to ask over UDP (a wildcard
 *                                      address is given as its loopback)
 *     drained no                       "yes" when SITE is drained in some zone
 *     failover www.example.com.        one per FAILOVER whose sites= lists SITE, then:
 *     site fra up 192.0.2.10 2001:db8::10      SITE in that zone: state, addresses
 *     standby iad up 198.51.100.10             each other listed site: state, addresses
 *
 * A state is "drained" when the site is drained, else its verdict ("up", "unknown", "down");
 * a site is usable (answered) when its state is "up" or "unknown", as health_site_is_usable()
 * decides. Otherwise the reply is `error: no site called 'SITE' is served`. Main thread. */
void failovers_reply(struct server *s, const char *site, struct evbuffer *out);

#endif
