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
#include <sys/random.h>
#include <unistd.h>

#include "baton/log.h"
#include "health/engine.h"
#include "health/gossip/node.h"
#include "health/gossip/udp.h"
#include "health/prober/conf.h"
#include "health/prober/status.h"
#include "zones/zone.h"
#include "zones/zoneset.h"

/* How often the engine's verdicts are read into our observations. A change is pushed to the
 * peers at once, so this bounds what a change waits before it leaves (the engine has no
 * change callback; polling a few hundred sites costs microseconds). */
#define OBSERVE_EVERY_MS 100

struct prober {
	struct probe_conf conf;
	struct gossip_keyring *kr;
	struct gossip_key *key;
	struct zoneset *zones;
	struct event_base *base;
	struct health_engine *engine;
	struct health_view *view;
	struct gossip_udp *udp;
	struct gossip_node *node;
	struct event *observe_ev, *sigterm_ev, *sigint_ev;
	struct gossip_local_obs *obs;
	size_t obs_cap;
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

static void load_keys(struct prober *p)
{
	char why[512];
	struct diag d;
	int self;

	diag_init(&d);
	if (gossip_keyring_load(&p->kr, p->conf.trusted_keys_path, &d) < 0) {
		diag_print(&d, stderr, "baton-probe: ");
		fatal("baton-probe: fix the trusted keys above");
	}
	diag_fini(&d);
	if (gossip_key_load_private(&p->key, p->conf.key_path, why, sizeof(why)) < 0)
		fatal("baton-probe: %s", why);
	self = gossip_keyring_member(p->kr, p->conf.name);
	if (self < 0)
		fatal("%s:%u: name %s is not in %s; add its key line there", p->conf.path,
		      p->conf.name_line, p->conf.name, p->conf.trusted_keys_path);
	if (strcmp(p->kr->members[self].region, p->conf.region) != 0)
		fatal("%s:%u: region %s, but %s lists %s in %s; make them agree", p->conf.path,
		      p->conf.region_line, p->conf.region, p->conf.trusted_keys_path, p->conf.name,
		      p->kr->members[self].region);
}

/* The engine's verdicts become our observations; a change goes out at once. */
static void on_observe(evutil_socket_t fd, short what, void *arg)
{
	struct prober *p = arg;
	uint32_t count = health_engine_site_count(p->engine), n = 0;
	struct health_site_info info;

	(void)fd;
	(void)what;
	if (count > p->obs_cap) {
		struct gossip_local_obs *obs = realloc(p->obs, sizeof(*obs) * count);

		if (obs == NULL)
			return; /* next time */
		p->obs = obs;
		p->obs_cap = count;
	}
	for (uint32_t i = 0; i < count; i++) {
		if (!health_engine_site_info(p->engine, i, &info))
			continue;
		p->obs[n].zone = info.zone;
		p->obs[n].site = info.name;
		p->obs[n].verdict = info.verdict;
		p->obs[n].since_wall_ms = (int64_t)info.since * 1000;
		n++;
	}
	switch (gossip_node_set_observations(p->node, p->obs, n)) {
	case 1: gossip_node_push(p->node, gossip_now_ms(), gossip_wall_ms()); break;
	case -E2BIG: log_err("gossip: %u sites are more than one member can report", n); break;
	default: break;
	}
}

static void on_round(void *arg, unsigned changes)
{
	struct prober *p = arg;
	int rc;

	(void)changes;
	if (p->conf.status_path == NULL)
		return;
	rc = probe_status_write(p->conf.status_path, p->node, p->kr, gossip_now_ms(),
				gossip_wall_ms());
	if (rc < 0)
		log_warn("status %s: %s", p->conf.status_path, strerror(-rc));
}

static void on_stop(evutil_socket_t sig, short what, void *arg)
{
	struct prober *p = arg;

	(void)what;
	log_info("baton-probe %s: stopping on signal %d", p->conf.name, (int)sig);
	event_base_loopbreak(p->base);
}

static void start_gossip(struct prober *p)
{
	struct gossip_node_config cfg;
	uint64_t seed;
	int rc;

	gossip_node_config_default(&cfg);
	cfg.self = p->conf.name;
	cfg.round_ms = p->conf.round_ms;
	cfg.fanout = p->conf.fanout;
	cfg.relay_fanout = p->conf.relay_fanout;
	cfg.full_state_every = p->conf.full_state_every;
	cfg.dead_after_ms = p->conf.dead_after_ms;
	cfg.quorum = p->conf.quorum;
	/* above every sequence number a previous run of this member sent, at any sane rate */
	cfg.first_seq = (uint64_t)gossip_wall_ms() * 1000;
	if (getrandom(&seed, sizeof(seed), 0) == sizeof(seed))
		cfg.seed = seed;
	rc = gossip_udp_new(&p->udp, p->base, &p->conf.listen);
	if (rc < 0)
		fatal("%s: listen: %s", p->conf.path, strerror(-rc));
	rc = gossip_node_new(&p->node, p->kr, p->key, &cfg, gossip_udp_send, p->udp);
	if (rc == -EPERM)
		fatal("%s: the key is not one of %s's in %s; add its .pub line there",
		      p->conf.key_path, p->conf.name, p->conf.trusted_keys_path);
	if (rc == -EDOM)
		fatal("%s:%u: quorum-regions %u, but the trusted keys have probers in only %u "
		      "regions; lower it",
		      p->conf.path, p->conf.quorum_line, cfg.quorum.min_regions,
		      gossip_keyring_regions(p->kr, GOSSIP_ROLE_PROBE));
	if (rc < 0)
		fatal("baton-probe: %s", strerror(-rc));
	for (size_t i = 0; i < p->conf.peer_count; i++) {
		const struct probe_peer *peer = &p->conf.peers[i];
		int m = gossip_keyring_member(p->kr, peer->name);

		if (m < 0 || gossip_node_add_peer(p->node, (uint32_t)m) < 0)
			fatal("%s:%u: peer %s is not another member in %s; add it there or fix the "
			      "name",
			      p->conf.path, peer->line, peer->name, p->conf.trusted_keys_path);
		if (gossip_udp_add_peer(p->udp, (uint32_t)m, &peer->addr) < 0)
			fatal("baton-probe: out of memory");
	}
	for (size_t z = 0; z < p->zones->count; z++) {
		const struct zone *zone = p->zones->zones[z];

		for (uint32_t s = 0; s < zone->site_count; s++) {
			uint32_t index;

			if (gossip_node_watch(p->node, zone->name_str, zone->sites[s].name,
					      &index) < 0)
				fatal("baton-probe: out of memory");
		}
	}
	if (gossip_udp_start(p->udp, p->node, cfg.round_ms, on_round, p) < 0)
		fatal("baton-probe: out of memory");
}

static void start(struct prober *p)
{
	struct timeval every = { .tv_usec = OBSERVE_EVERY_MS * 1000 };

	p->base = event_base_new();
	if (p->base == NULL || health_engine_new(&p->engine, p->base, &p->view) < 0 ||
	    health_engine_sync(p->engine, p->zones) < 0)
		fatal("baton-probe: out of memory");
	start_gossip(p);
	p->observe_ev = event_new(p->base, -1, EV_PERSIST, on_observe, p);
	p->sigterm_ev = evsignal_new(p->base, SIGTERM, on_stop, p);
	p->sigint_ev = evsignal_new(p->base, SIGINT, on_stop, p);
	if (p->observe_ev == NULL || p->sigterm_ev == NULL || p->sigint_ev == NULL)
		fatal("baton-probe: out of memory");
	event_add(p->observe_ev, &every);
	event_add(p->sigterm_ev, NULL);
	event_add(p->sigint_ev, NULL);
}

static void stop(struct prober *p)
{
	event_free(p->observe_ev);
	event_free(p->sigterm_ev);
	event_free(p->sigint_ev);
	gossip_udp_free(p->udp);
	gossip_node_free(p->node);
	health_engine_free(p->engine);
	free(p->view); /* no reader: nothing to wait for */
	event_base_free(p->base);
	zoneset_free(p->zones);
	gossip_key_free(p->key);
	gossip_keyring_free(p->kr);
	free(p->obs);
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
		return 1;
	}
	diag_fini(&d);
	load_keys(&p);
	load_zones(&p);
	start(&p);
	log_info("baton-probe %s (%s): gossiping with %zu peers, %u sites", p.conf.name,
		 p.conf.region, p.conf.peer_count, gossip_node_site_count(p.node));
	event_base_dispatch(p.base);
	stop(&p);
	return 0;
}
