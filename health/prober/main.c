/* baton-probe -c probe.conf: runs batond's check engine on the zone files its config names, in
 * its region, and gossips its signed observations and heartbeats to its peers; it also keeps
 * the verdicts by quorum of every site, in its status file and its log. */
#include "autoconfig.h"

#include <errno.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baton/log.h"
#include "health/engine.h"
#include "health/gossip/member.h"
#include "baton/privileges.h"
#include "health/prober/conf.h"
#include "health/prober/http.h"
#include "health/prober/status.h"
#include "zones/zone.h"
#include "zones/zoneset.h"

struct prober {
	struct probe_conf conf;
	struct gossip_member member;
	struct zoneset *zones;
	struct event_base *base;
	struct health_engine *engine;
	struct health_view *view;
	struct event *sigterm_ev, *sigint_ev;
	struct probe_http *http; /* NULL without http-listen */
};

static void usage(void)
{
	fprintf(stderr, "usage: baton-probe -c probe.conf [-v]\n");
	exit(2);
}

static void load_zones(struct prober *p)
{
	struct zone **zones = calloc(p->conf.zone_count ? p->conf.zone_count : 1, sizeof(*zones));
	struct diag d;
	bool ok = true;

	if (zones == NULL)
		fatal("baton-probe: out of memory");
	diag_init(&d);
	for (size_t i = 0; i < p->conf.zone_count; i++) {
		const struct probe_zone *z = &p->conf.zones[i];

		if (zone_load(&zones[i], z->name, z->zonefile, &d) < 0)
			ok = false;
	}
	if (!ok) {
		diag_print(&d, stderr, "baton-probe: ");
		fatal("baton-probe: fix the zone files above; nothing was started");
	}
	diag_fini(&d);
	if (zoneset_new(&p->zones, zones, p->conf.zone_count) < 0)
		fatal("baton-probe: out of memory");
	free(zones); /* the set holds the zones now */
}

/* The engine's verdicts become our observations; a change goes out at once. */
static void on_change(void *arg)
{
	struct prober *p = arg;

	if (p->member.node != NULL)
		gossip_member_observe(&p->member, p->engine);
}

static void on_round(void *arg, unsigned changes)
{
	struct prober *p = arg;
	int rc;

	(void)changes;
	if (p->conf.status_path == NULL)
		return;
	rc = probe_status_write(p->conf.status_path, p->member.node, p->member.kr, gossip_now_ms(),
				gossip_wall_ms());
	if (rc < 0)
		log_warn("status %s: %s", p->conf.status_path, strerror(-rc));
}

static void on_stop(evutil_socket_t sig, short what, void *arg)
{
	struct prober *p = arg;

	(void)what;
	log_info("baton-probe %s: stopping on signal %d", p->conf.gossip.name, (int)sig);
	event_base_loopbreak(p->base);
}

static void start_gossip(struct prober *p)
{
	struct gossip_member *m = &p->member;
	struct diag d;

	diag_init(&d);
	if (gossip_member_open(m, &p->conf.gossip, p->conf.path, p->base, &d) < 0) {
		diag_print(&d, stderr, "baton-probe: ");
		fatal("baton-probe: fix the above; nothing was started");
	}
	diag_fini(&d);
	for (size_t z = 0; z < p->zones->count; z++) {
		const struct zone *zone = p->zones->zones[z];

		for (uint32_t s = 0; s < zone->site_count; s++) {
			uint32_t index;

			if (gossip_node_watch(m->node, zone->name_str, zone->sites[s].name,
					      &index) < 0)
				fatal("baton-probe: out of memory");
		}
	}
	if (gossip_member_start(m, on_round, p) < 0)
		fatal("baton-probe: out of memory");
}

static void start(struct prober *p)
{
	p->base = event_base_new();
	if (p->base == NULL || health_engine_new(&p->engine, p->base, &p->view) < 0 ||
	    health_engine_sync(p->engine, p->zones) < 0)
		fatal("baton-probe: out of memory");
	start_gossip(p);
	health_engine_on_change(p->engine, on_change, p);
	on_change(p);
	if (p->conf.http_listen.ss_family != 0 &&
	    probe_http_open(&p->http, p->base, &p->conf.http_listen, &p->conf.http_limits,
			    &p->member, p->engine) < 0)
		fatal("baton-probe: %s:%u: http-listen: cannot listen there (see above); use a "
		      "free address@port or remove the line",
		      p->conf.path, p->conf.http_listen_line);
	p->sigterm_ev = evsignal_new(p->base, SIGTERM, on_stop, p);
	p->sigint_ev = evsignal_new(p->base, SIGINT, on_stop, p);
	if (p->sigterm_ev == NULL || p->sigint_ev == NULL)
		fatal("baton-probe: out of memory");
	event_add(p->sigterm_ev, NULL);
	event_add(p->sigint_ev, NULL);
}

/* Keys read, sockets bound: nothing later needs root, and only icmp checks may need a
 * capability. */
static void drop_privileges(struct prober *p)
{
	const char *owned[] = { p->conf.status_path, NULL };
	const struct privileges priv = {
		.program = "baton-probe", .username = p->conf.username, .owned = owned, .icmp = true
	};

	if (privileges_drop(&priv) < 0)
		fatal("baton-probe: %s:%u: username %s: cannot drop privileges (see above)",
		      p->conf.path, p->conf.username_line,
		      p->conf.username ? p->conf.username : "");
}

static void stop(struct prober *p)
{
	probe_http_free(p->http);
	event_free(p->sigterm_ev);
	event_free(p->sigint_ev);
	gossip_member_close(&p->member);
	health_engine_free(p->engine);
	free(p->view); /* no reader: nothing to wait for */
	event_base_free(p->base);
	zoneset_free(p->zones);
	probe_conf_fini(&p->conf);
}

int main(int argc, char **argv)
{
	struct prober p = { 0 };
	const char *conf = NULL;
	enum log_level level = LOG_LEVEL_INFO;
	struct diag d;
	int opt;

	while ((opt = getopt(argc, argv, "c:vh")) != -1) {
		if (opt == 'c')
			conf = optarg;
		else if (opt == 'v')
			level = LOG_LEVEL_DEBUG;
		else
			usage();
	}
	if (conf == NULL || optind != argc)
		usage();
	log_open("baton-probe", false, level);
	signal(SIGPIPE, SIG_IGN);
	diag_init(&d);
	if (probe_conf_load(&p.conf, conf, &d) < 0) {
		diag_print(&d, stderr, "baton-probe: ");
		diag_fini(&d);
		probe_conf_fini(&p.conf);
		return 1;
	}
	diag_fini(&d);
	load_zones(&p);
	start(&p);
	drop_privileges(&p);
	log_info("baton-probe %s (%s): gossiping with %zu peers, %u sites", p.conf.gossip.name,
		 p.conf.gossip.region, p.conf.gossip.peer_count,
		 gossip_node_site_count(p.member.node));
	event_base_dispatch(p.base);
	stop(&p);
	return 0;
}
