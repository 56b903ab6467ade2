/* batond: the authoritative DNS server. Start-up order matters: sockets are bound before the
 * process daemonises, threads start after it (fork keeps no threads). */
#include "autoconfig.h"

#include <errno.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include <urcu-qsbr.h>

#include "baton/log.h"
#include "health/engine.h"
#include "server/control.h"
#include "server/drainfile.h"
#include "server/export.h"
#include "server/geo.h"
#include "server/http.h"
#include "server/member.h"
#include "baton/privileges.h"
#include "server/reload.h"
#include "server/rrl.h"
#include "server/server.h"
#include "server/tcp.h"
#include "server/udp.h"
#include "baton/file_replace.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: batond [-f] [-c batond.conf]\n"
		"  -c FILE  configuration (default %s/baton/batond.conf)\n"
		"  -f       stay in the foreground and log to stderr\n"
		"  -v       print the version\n",
		SYSCONFDIR);
}

static void load_config(struct server *s, const char *path)
{
	struct diag d;

	diag_init(&d);
	if (config_load(&s->cfg, path, &d) < 0) {
		diag_print(&d, stderr, "batond: ");
		diag_fini(&d);
		exit(1);
	}
	diag_fini(&d);
}

/* The first load runs on the main thread, before anything is served: nothing waits for the
 * loop yet. Returns what reload_run() returns; errors are logged there. */
static int load_zones(struct server *s)
{
	struct diag d;
	int rc;

	diag_init(&d);
	rc = reload_run(s, -1, &d, NULL);
	diag_fini(&d);
	return rc;
}

/* A reload on its thread; its end is logged by server/reload.c. */
static void on_hup(evutil_socket_t sig, short what, void *arg)
{
	struct server *s = arg;
	int rc;

	(void)sig;
	(void)what;
	log_info("reload: SIGHUP");
	rc = reload_ask(s->reloader, -1, NULL, NULL, NULL);
	if (rc < 0 && rc != -ECANCELED)
		log_err("reload: %s; the zones serving are kept", strerror(-rc));
}

/* SIGTERM and SIGINT get a handler of their own, not a libevent signal event: the first load
 * runs before the loop does, and libevent's runs its callbacks only when the loop does. The
 * handler tells a reload in progress to stop (reload_stop_requested) and wakes the loop
 * through a pipe, whose callback ends it; a reload's thread is joined after the loop. */
static int stop_pipe[2] = { -1, -1 };

static void on_stop_signal(int sig)
{
	int saved_errno = errno;
	unsigned char b = (unsigned char)sig;
	ssize_t n;

	reload_stop_requested = sig;
	n = write(stop_pipe[1], &b, 1); /* a full pipe already holds a wake-up */
	(void)n;
	errno = saved_errno;
}

static void on_term(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;
	unsigned char sig = 0;

	(void)what;
	if (read(fd, &sig, 1) != 1)
		return;
	log_info("stopping on signal %d", (int)sig);
	if (!s->stopping)
		event_base_loopexit(s->base, NULL);
	s->stopping = true;
}

/* Before the zones load, so a SIGTERM during the first load stops it too. */
static struct event *catch_stop_signals(struct server *s)
{
	struct sigaction sa = { .sa_handler = on_stop_signal, .sa_flags = SA_RESTART };
	struct event *ev;

	if (pipe2(stop_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
		fatal("cannot make the stop pipe: %s", strerror(errno));
	ev = event_new(s->base, stop_pipe[0], EV_READ | EV_PERSIST, on_term, s);
	sigemptyset(&sa.sa_mask);
	if (ev == NULL || event_add(ev, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0 ||
	    sigaction(SIGINT, &sa, NULL) < 0)
		fatal("cannot install signal handlers");
	return ev;
}

/* Written as root, before the switch, in a folder the user may write too: opened without
 * following a link, never truncated before it proved to be a file of ours, and kept root's (not
 * handed over), so the user cannot point it at another process. What it held is never read. */
static void write_pidfile(const char *path)
{
	char buf[32];
	int fd, len, rc = 0;

	if (path == NULL)
		return;
	fd = file_open_own(path, O_WRONLY | O_CREAT, 0644);
	if (fd < 0)
		fatal("pidfile %s: %s", path, file_refusal(fd));
	len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || write(fd, buf, (size_t)len) != len)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc < 0)
		fatal("pidfile %s: %s", path, strerror(-rc));
}

static void open_listeners(struct server *s)
{
	int rc = udp_workers_open(&s->udp, s);

	if (rc < 0)
		fatal("cannot listen on UDP: %s", strerror(-rc));
	rc = tcp_server_open(&s->tcp, s);
	if (rc < 0)
		fatal("cannot listen on TCP: %s", strerror(-rc));
	rc = control_open(&s->control, s);
	if (rc < 0)
		fatal("cannot open the control socket: %s", strerror(-rc));
	rc = http_server_open(&s->http, s);
	if (rc < 0)
		fatal("cannot open the HTTP listener: %s", strerror(-rc));
}

/* Keys and the gossip socket, while batond can still read root's files, bind any port and
 * print its mistakes to the terminal. */
static void open_gossip(struct server *s)
{
	struct diag d;

	if (s->cfg.gossip == NULL)
		return;
	diag_init(&d);
	if (member_open(&s->member, s, &d) < 0) {
		diag_print(&d, stderr, "batond: ");
		diag_fini(&d);
		fatal("gossip: fix the above in %s; batond did not start", s->cfg.path);
	}
	diag_fini(&d);
}

/* After binding (port 53 needs root or CAP_NET_BIND_SERVICE) and before reading any zone, so
 * zone files and checks never run as root. Nothing batond does later needs a capability, but
 * an icmp check may need CAP_NET_RAW. */
static void drop_privileges(struct server *s)
{
	/* The pidfile stays root's (see write_pidfile). */
	const char *owned[] = { s->cfg.control_socket, s->cfg.state_file, NULL };
	const struct privileges p = {
		.program = "batond", .username = s->cfg.username, .owned = owned, .icmp = true
	};

	if (privileges_drop(&p) < 0)
		fatal("cannot drop privileges (see above)");
}

/* Rate limiting's table and the cookie secret: random unless cookie-secret sets it (servers
 * behind one anycast address must share it, RFC 9018 §5). */
static void open_protections(struct server *s)
{
	if (s->cfg.rrl.ratelimit > 0 && rrl_new(&s->rrl, &s->cfg.rrl) < 0)
		fatal("rrl: cannot make a table of %u buckets", s->cfg.rrl.size);
	if (s->cfg.has_cookie_secret)
		memcpy(s->cookies.current, s->cfg.cookie_secret, sizeof(s->cookies.current));
	else if (getrandom(s->cookies.current, sizeof(s->cookies.current), 0) !=
		 (ssize_t)sizeof(s->cookies.current))
		fatal("cookies: cannot draw a random secret");
}

/* Signed zones are re-signed by a reload: every zone unchanged is kept, and a signed one past
 * half its signatures' lifetime is signed again (server/reload.c, needs_signing). */
static void on_resign(evutil_socket_t fd, short what, void *arg)
{
	struct server *s = arg;

	(void)fd;
	(void)what;
	if (reload_ask(s->reloader, -1, NULL, NULL, NULL) < 0)
		log_warn("dnssec: cannot ask for the re-signing reload");
}

/* How often to look: an eighth of the shortest lifetime of a signed zone, so a signature is
 * renewed between half and five eighths of its life; 0 when nothing is signed. */
static unsigned resign_period_s(const struct config *cfg)
{
	unsigned period = 0;

	for (size_t i = 0; i < cfg->zone_count; i++)
		if (cfg->zones[i].dnssec_signing &&
		    (period == 0 || cfg->zones[i].dnssec_lifetime_s / 8 < period))
			period = cfg->zones[i].dnssec_lifetime_s / 8;
	return period;
}

static void run(struct server *s)
{
	struct event *hup = evsignal_new(s->base, SIGHUP, on_hup, s);
	struct event *resign = event_new(s->base, -1, EV_PERSIST, on_resign, s);
	struct timeval every = { .tv_sec = resign_period_s(&s->cfg) };

	if (!hup || evsignal_add(hup, NULL) || !resign)
		fatal("cannot install signal handlers");
	if (every.tv_sec > 0 && event_add(resign, &every) < 0)
		fatal("dnssec: cannot arm the re-signing timer");
	log_info("serving %zu zones on %zu addresses with %u workers", s->cfg.zone_count,
		 s->cfg.address_count, s->cfg.workers);
	event_base_dispatch(s->base);
	event_free(resign);
	event_free(hup);
}

int main(int argc, char **argv)
{
	const char *conf = SYSCONFDIR "/baton/batond.conf";
	struct server s = { 0 };
	bool foreground = false;
	struct event *stop;
	int opt, rc;

	while ((opt = getopt(argc, argv, "c:fhv")) != -1) {
		switch (opt) {
		case 'c': conf = optarg; break;
		case 'f': foreground = true; break;
		case 'v': printf("batond %s\n", PACKAGE_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	load_config(&s, conf);
	log_open("batond", !foreground, (enum log_level)s.cfg.verbosity);
	signal(SIGPIPE, SIG_IGN);
	s.base = event_base_new();
	if (s.base == NULL)
		fatal("cannot create the event loop");
	open_listeners(&s);
	open_protections(&s);
	open_gossip(&s);
	if (!foreground && daemon(0, 0) < 0)
		fatal("cannot daemonise: %s", strerror(errno));
	if (event_reinit(s.base) < 0)
		fatal("cannot reinitialise the event loop after fork");
	write_pidfile(s.cfg.pidfile);
	drop_privileges(&s);
	rcu_register_thread();
	rcu_thread_offline();
	if (health_engine_new(&s.engine, s.base, &s.health) < 0)
		fatal("health: out of memory");
	if (s.member != NULL && member_start(s.member) < 0)
		fatal("gossip: out of memory");
	s.started = time(NULL);
	stop = catch_stop_signals(&s);
	rc = load_zones(&s);
	/* -ECANCELED: a SIGTERM came during the load; the loop sees it at once and ends. */
	if (rc == -ETIMEDOUT)
		fatal("zones: the load took longer than reload-timeout (%u s): raise it in %s",
		      s.cfg.reload_timeout_s, conf);
	if (rc < 0 && rc != -ECANCELED)
		fatal("zones: %s", strerror(-rc));
	/* A reload keeps the database serving; a start has none to keep. */
	if (s.cfg.geoip_database != NULL && s.geo_db == NULL)
		fatal("geoip-database %s cannot be opened (see above): fix it or remove it from %s",
		      s.cfg.geoip_database, conf);
	if (s.geo_refused > 0)
		fatal("%u zone(s) use policy=geo without a geoip-database (see above): set one in "
		      "%s",
		      s.geo_refused, conf);
	/* Before the workers start, so a drained site is never answered after a restart. */
	if (s.cfg.state_file != NULL)
		drainfile_restore(s.cfg.state_file, s.engine);
	/* The export starts from the drains restored, so a restart makes no serial for them. */
	if (export_new(&s.export, &s) < 0 || export_start(s.export) < 0)
		fatal("export: out of memory, or no socket for NOTIFY");
	export_zones_replaced(s.export, s.zones);
	if (udp_workers_start(s.udp) < 0)
		fatal("cannot start the UDP workers");
	if (reload_open(&s) < 0)
		fatal("reload: cannot set up its thread's wake-up");
	run(&s);
	/* before the control socket goes: a client waiting for a reload gets its reply */
	reload_close(&s);
	event_free(stop);
	http_server_free(s.http);
	control_free(s.control);
	rrl_free(s.rrl);
	tcp_server_free(s.tcp);
	export_free(s.export);
	udp_workers_free(s.udp);
	member_free(s.member);
	health_engine_free(s.engine);
	free(s.health);
	if (s.zones != NULL)
		geo_index_free(s.zones->geo);
	zoneset_free(s.zones);
	reload_forget_prints(&s);
	geo_db_unref(s.geo_db);
	rcu_unregister_thread();
	event_base_free(s.base);
	if (s.cfg.pidfile)
		unlink(s.cfg.pidfile);
	config_free(&s.cfg);
	log_info("stopped");
	return 0;
}
