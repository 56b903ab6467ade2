/* baton-vip: runs the VRRPv3 instances of vip.conf until SIGTERM or SIGINT, then hands off
 * (priority 0) and removes its VIPs. SIGUSR1 logs each instance's counters. */
#include "autoconfig.h"

#include <event2/event.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baton/clock.h"
#include "baton/log.h"
#include "baton/privileges.h"
#include "health/vip/conf.h"
#include "health/vip/gossip.h"
#include "health/vip/http.h"
#include "health/vip/instance.h"
#include "health/vip/notify.h"

/* How long stop hooks may run at shutdown before they are killed. */
#define STOP_HOOKS_MS 5000

struct daemon {
	struct event_base *base;
	struct vip_conf *conf;
	struct vip_notifier *notifier;
	struct vip_instance *instances[VIP_INSTANCES_MAX];
	unsigned count;
	struct vip_http *http; /* NULL without http-listen */
	struct vip_gossip *gossip; /* NULL without a gossip block */
	bool stopping;
	struct event *wait_hooks;
	int64_t hooks_deadline_ms;
};

static void usage(void)
{
	fprintf(stderr, "usage: baton-vip -c vip.conf [-t] [-d] [-s]\n"
			"  -c FILE  the instances to run\n"
			"  -t       check the configuration and exit\n"
			"  -d       log debug messages\n"
			"  -s       log to syslog instead of stderr\n");
	exit(2);
}

static void on_wait_hooks(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;

	(void)fd;
	(void)what;
	if (vip_notifier_pending(d->notifier) == 0 || clock_monotonic_ms() >= d->hooks_deadline_ms)
		event_base_loopbreak(d->base);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;
	struct timeval poll = { 0, 20000 };

	(void)what;
	if (sig == SIGUSR1) {
		for (unsigned i = 0; i < d->count; i++)
			vip_instance_log_counters(d->instances[i]);
		return;
	}
	if (d->stopping)
		return;
	d->stopping = true;
	log_info("baton-vip: stopping on signal %d", (int)sig);
	for (unsigned i = 0; i < d->count; i++) {
		vip_instance_log_counters(d->instances[i]);
		vip_instance_stop(d->instances[i]);
	}
	/* the stop hooks run on this loop: keep it turning until they end, or at most 5 s */
	d->hooks_deadline_ms = clock_monotonic_ms() + STOP_HOOKS_MS;
	event_add(d->wait_hooks, &poll);
}

/* libevent's default clock is CLOCK_MONOTONIC_COARSE, which moves once per kernel tick (4 ms
 * at HZ=250), and epoll_wait() sleeps in whole milliseconds: a Master_Down_Timer could fire a
 * tick late, or early and then again. A precise timer (CLOCK_MONOTONIC, and a timerfd with
 * epoll) fires within microseconds of the deadline, which matters at 1 cs adverts. */
static struct event_base *new_base(void)
{
	struct event_config *cfg = event_config_new();
	struct event_base *base;

	if (cfg == NULL)
		return NULL;
	event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	return base;
}

/* Keys and the gossip socket, while baton-vip can still read root's files and bind any port. */
static void open_gossip(struct daemon *d, const char *path)
{
	struct diag diag;
	int rc;

	if (d->conf->gossip == NULL)
		return;
	diag_init(&diag);
	rc = vip_gossip_open(&d->gossip, d->conf, path, d->base, &diag);
	diag_print(&diag, stderr, "baton-vip: ");
	diag_fini(&diag);
	if (rc < 0)
		fatal("baton-vip: gossip: fix the above in %s; baton-vip did not start", path);
	if (vip_gossip_start(d->gossip, d->instances, d->count) < 0)
		fatal("baton-vip: gossip: out of memory");
}

static struct vip_conf *load_conf(const char *path)
{
	struct vip_conf *conf = NULL;
	struct diag diag;
	int rc;

	diag_init(&diag);
	rc = vip_conf_load(&conf, path, &diag);
	if (rc < 0) {
		diag_print(&diag, stderr, "baton-vip: ");
		if (rc == -ENOMEM)
			fprintf(stderr, "baton-vip: out of memory\n");
		diag_fini(&diag);
		exit(1);
	}
	diag_fini(&diag);
	return conf;
}

/* Sockets open: what is left is changing addresses (netlink, CAP_NET_ADMIN) and the raw and
 * packet sockets a re-appearing interface needs again (CAP_NET_RAW). Hooks get neither. */
static void drop_privileges(const struct vip_conf *conf, const char *path)
{
	const struct privileges p = {
		.program = "baton-vip",
		.username = conf->username,
		.keep = PRIVILEGES_CAP(CAP_NET_ADMIN) | PRIVILEGES_CAP(CAP_NET_RAW),
	};

	if (privileges_drop(&p) < 0)
		fatal("baton-vip: %s:%u: username %s: cannot drop privileges (see above)", path,
		      conf->username_line, conf->username ? conf->username : "");
}

int main(int argc, char **argv)
{
	struct daemon d = { 0 };
	const char *path = NULL;
	bool test_only = false, to_syslog = false;
	enum log_level level = LOG_LEVEL_INFO;
	struct event *signals[4];
	const int sigs[4] = { SIGTERM, SIGINT, SIGUSR1, SIGHUP };
	int opt;

	while ((opt = getopt(argc, argv, "c:tds")) != -1) {
		switch (opt) {
		case 'c': path = optarg; break;
		case 't': test_only = true; break;
		case 'd': level = LOG_LEVEL_DEBUG; break;
		case 's': to_syslog = true; break;
		default: usage();
		}
	}
	if (path == NULL || optind != argc)
		usage();
	log_open("baton-vip", to_syslog, level);
	d.conf = load_conf(path);
	if (test_only) {
		printf("baton-vip: %s: %u instance%s, OK\n", path, d.conf->count,
		       d.conf->count == 1 ? "" : "s");
		vip_conf_free(d.conf);
		return 0;
	}
	/* hooks and fencing commands write with plain write(): a closed pipe must not kill us */
	signal(SIGPIPE, SIG_IGN);
	d.base = new_base();
	if (d.base == NULL || vip_notifier_new(&d.notifier, d.base) < 0)
		fatal("baton-vip: out of memory");
	d.wait_hooks = event_new(d.base, -1, EV_PERSIST, on_wait_hooks, &d);
	for (int i = 0; i < 4; i++) {
		/* SIGHUP: no reload yet; ignore it rather than die */
		signals[i] = evsignal_new(d.base, sigs[i], on_signal, &d);
		if (signals[i] == NULL || d.wait_hooks == NULL ||
		    (sigs[i] != SIGHUP && evsignal_add(signals[i], NULL) < 0))
			fatal("baton-vip: cannot set up signals");
	}
	signal(SIGHUP, SIG_IGN);
	for (unsigned i = 0; i < d.conf->count; i++) {
		if (vip_instance_new(&d.instances[i], d.base, d.conf->instances[i], d.notifier) < 0)
			fatal("baton-vip: instance %s cannot start (see above)",
			      d.conf->instances[i]->name);
		d.count++;
	}
	if (d.conf->http_listen.ss_family != 0 &&
	    vip_http_open(&d.http, d.base, &d.conf->http_listen, &d.conf->http_limits, d.instances,
			  d.count) < 0)
		fatal("baton-vip: %s: http-listen cannot listen (see above)", path);
	open_gossip(&d, path);
	drop_privileges(d.conf, path);
	event_base_dispatch(d.base);
	vip_http_free(d.http);
	vip_gossip_free(d.gossip);
	for (unsigned i = 0; i < d.count; i++)
		vip_instance_free(d.instances[i]);
	vip_notifier_free(d.notifier);
	for (int i = 0; i < 4; i++)
		event_free(signals[i]);
	event_free(d.wait_hooks);
	event_base_free(d.base);
	vip_conf_free(d.conf);
	log_info("baton-vip: stopped");
	return 0;
}
