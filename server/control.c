/* The control socket. Commands run on the main loop; a reload runs on its thread
 * (server/reload.h) and its connection waits, reading nothing, until it has ended. */
#include "autoconfig.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "baton/log.h"
#include "health/engine.h"
#include "baton/listen_guard.h"
#include "server/control.h"
#include "server/export.h"
#include "server/drainfile.h"
#include "server/failovers.h"
#include "server/reload.h"
#include "server/status.h"
#include "zones/print.h"

#define CONTROL_LINE_MAX 1024
/* batonctl sends one line at once and reads the reply: 10 s is ample, and the deadline runs
 * from the accept (a client trickling a byte at a time gains nothing). 16 at once is more than
 * any operator's scripts need and bounds what a stuck client holds. */
#define CONTROL_TIMEOUT_S 10
#define CONTROL_CONNECTIONS_MAX 16

struct control_conn {
	TAILQ_ENTRY(control_conn) link; /* oldest first */
	struct control *owner;
	struct bufferevent *bev;
	struct event *deadline;
	struct reload_waiter *waiter; /* a reload this connection waits for, or NULL */
};

struct control {
	struct server *server;
	struct evconnlistener *listener;
	struct listen_guard *guard;
	TAILQ_HEAD(, control_conn) conns;
	unsigned count;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)]; /* set once bound */
};

static void write_reload_reply(struct evbuffer *out, const struct reload_result *r)
{
	if (r->rc == 0)
		evbuffer_add_printf(out, "ok\nreloaded %u zones: %u compiled, %u unchanged\n",
				    r->compiled + r->unchanged, r->compiled, r->unchanged);
	else if (r->rc < 0)
		evbuffer_add_printf(out, "error: reload failed: %s\n", strerror(-r->rc));
	else
		evbuffer_add_printf(out, "error: %d zones have errors and keep their old data\n",
				    r->rc);
	for (size_t i = 0; r->d != NULL && i < r->d->count; i++)
		evbuffer_add_printf(out, "%s\n", r->d->lines[i]);
}

static void on_reload_done(void *arg, const struct reload_result *r);

/* `reload` or `reload ZONE`. On a connection of batond's socket the reply waits for the
 * reload's thread (true: the reply is pending); without one (the fuzz target, unit tests) the
 * reload runs inline. */
static bool reply_reload(struct server *s, const char *zone_name, struct evbuffer *out,
			 struct control_conn *c)
{
	struct reload_result r = { 0 };
	struct diag d;
	int zone = zone_name ? reload_zone_index(s, zone_name) : -1;

	if (zone_name != NULL && zone < 0) {
		evbuffer_add_printf(out, "error: no zone '%.255s' is configured\n", zone_name);
		return false;
	}
	if (c != NULL && s->reloader != NULL) {
		r.rc = reload_ask(s->reloader, zone, on_reload_done, c, &c->waiter);
		if (r.rc == 0)
			return c->waiter != NULL; /* NULL: answered already (no thread) */
		write_reload_reply(out, &r);
		return false;
	}
	diag_init(&d);
	r.rc = reload_run(s, zone, &d, &r);
	r.d = &d;
	write_reload_reply(out, &r);
	diag_fini(&d);
	return false;
}

/* With a state-file, every drain and undrain rewrites it. A failed write does not undo the
 * drain, which is in force: the reply says it will not survive a restart. */
static void reply_drain(struct server *s, const char *site, bool drained, struct evbuffer *out)
{
	int n = health_engine_drain(s->engine, site, drained), rc;
	const char *verb = drained ? "drain" : "undrain";

	if (n <= 0) {
		evbuffer_add_printf(out, "error: no site called '%.64s' is served\n", site);
		return;
	}
	evbuffer_add_printf(out, "ok\nsite %s %sed in %d zone%s\n", site, verb, n,
			    n == 1 ? "" : "s");
	if (s->cfg.state_file == NULL)
		return;
	rc = drainfile_save(s->cfg.state_file, s->engine);
	if (rc < 0) {
		log_err("state-file %s: cannot save the %s of site %s: %s; it is lost on a restart",
			s->cfg.state_file, verb, site, strerror(-rc));
		evbuffer_add_printf(out,
				    "warning: state-file %s: cannot save: %s; this %s is lost "
				    "on a restart\n",
				    s->cfg.state_file, strerror(-rc), verb);
	}
}

/* The zone as a plain master file: exactly what an AXFR carries now (server/export.h); a zone
 * not exported, as it would be with the health view now. */
static void reply_static(struct server *s, const char *name, struct evbuffer *out)
{
	const struct zone *z = zoneset_get_by_name(s->zones, name);
	const struct export_zone *ez = z ? export_find(s->export, z->apex->lower) : NULL;
	struct pick_set *picks = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *mem;
	int rc = -ENOMEM;

	if (z == NULL) {
		evbuffer_add_printf(out, "error: no zone '%.255s' is served\n", name);
		return;
	}
	if (ez == NULL || ez->z != z) {
		picks = calloc(z->failover_count ? z->failover_count : 1, sizeof(*picks));
		for (uint32_t i = 0; picks != NULL && i < z->failover_count; i++)
			pick_export(z->failovers[i]->failover, s->health, &picks[i]);
	}
	mem = open_memstream(&text, &len);
	if (mem != NULL && (picks != NULL || (ez != NULL && ez->z == z)))
		rc = zone_print(mem, z, picks ? picks : ez->picks, picks ? z->serial : ez->serial);
	if (mem != NULL)
		fclose(mem);
	free(picks);
	if (rc < 0) {
		free(text);
		evbuffer_add_printf(out, "error: cannot print zone %s\n", z->name_str);
		return;
	}
	evbuffer_add_printf(out, "ok\n");
	evbuffer_add(out, text, len);
	free(text);
}

/* One loop exit however many stops arrive: each event_base_loopexit() allocates an event,
 * and a client may send thousands of lines before the loop runs again. */
static void stop_server(struct server *s)
{
	if (s->stopping)
		return;
	log_info("control: stop requested");
	s->stopping = true;
	event_base_loopexit(s->base, NULL);
}

/* Answers `line` into `out`; true when the reply comes later (a reload on its thread). */
static bool dispatch(struct server *s, const char *line, struct evbuffer *out,
		     struct control_conn *c)
{
	if (strcmp(line, "status") == 0) {
		evbuffer_add_printf(out, "ok\n");
		status_text(s, out);
	} else if (strcmp(line, "status json") == 0) {
		evbuffer_add_printf(out, "ok\n");
		status_json(s, out, NULL);
	} else if (strncmp(line, "drain ", 6) == 0) {
		reply_drain(s, line + 6, true, out);
	} else if (strncmp(line, "undrain ", 8) == 0) {
		reply_drain(s, line + 8, false, out);
	} else if (strncmp(line, "failovers ", 10) == 0) {
		failovers_reply(s, line + 10, out);
	} else if (strncmp(line, "static ", 7) == 0) {
		reply_static(s, line + 7, out);
	} else if (strcmp(line, "reload") == 0) {
		return reply_reload(s, NULL, out, c);
	} else if (strncmp(line, "reload ", 7) == 0) {
		return reply_reload(s, line + 7, out, c);
	} else if (strcmp(line, "stop") == 0) {
		evbuffer_add_printf(out, "ok\nstopping\n");
		stop_server(s);
	} else {
		evbuffer_add_printf(out,
				    "error: unknown command '%.64s' (known: status, status "
				    "json, reload, reload ZONE, drain SITE, undrain SITE, "
				    "failovers SITE, static ZONE, stop)\n",
				    line);
	}
	return false;
}

void control_dispatch(struct server *s, const char *line, struct evbuffer *out)
{
	dispatch(s, line, out, NULL);
}

static void conn_close(struct control_conn *c)
{
	struct control *owner = c->owner;

	TAILQ_REMOVE(&owner->conns, c, link);
	owner->count--;
	reload_waiter_drop(c->waiter); /* the reload goes on; nobody reads its reply */
	event_free(c->deadline);
	bufferevent_free(c->bev);
	free(c);
}

static void on_flushed(struct bufferevent *bev, void *arg)
{
	(void)bev;
	conn_close(arg);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)what;
	conn_close(arg);
}

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	conn_close(arg);
}

static void on_read(struct bufferevent *bev, void *arg)
{
	const struct timeval deadline = { .tv_sec = CONTROL_TIMEOUT_S };
	struct control_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	bool pending;
	size_t len;
	char *line = evbuffer_readln(in, &len, EVBUFFER_EOL_CRLF);

	if (line == NULL) {
		if (evbuffer_get_length(in) > CONTROL_LINE_MAX)
			conn_close(c);
		return;
	}
	bufferevent_disable(bev, EV_READ);
	pending = dispatch(c->owner->server, line, bufferevent_get_output(bev), c);
	free(line);
	if (!pending) {
		/* The deadline starts again with the reply: a long status made near its end would
		 * otherwise be cut off mid-write. */
		evtimer_add(c->deadline, &deadline);
		bufferevent_setcb(bev, NULL, on_flushed, on_event, c);
		return;
	}
	/* A reload may take longer than the connection's deadline: the client waits for it,
	 * and the deadline starts again with the reply. */
	event_del(c->deadline);
	bufferevent_setcb(bev, NULL, NULL, on_event, c);
}

static void on_reload_done(void *arg, const struct reload_result *r)
{
	const struct timeval deadline = { .tv_sec = CONTROL_TIMEOUT_S };
	struct control_conn *c = arg;

	c->waiter = NULL;
	write_reload_reply(bufferevent_get_output(c->bev), r);
	bufferevent_setcb(c->bev, NULL, on_flushed, on_event, c);
	evtimer_add(c->deadline, &deadline);
}

/* Past the cap the oldest connection goes: a stuck client cannot keep the operator out. */
static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
		      int socklen, void *arg)
{
	const struct timeval deadline = { .tv_sec = CONTROL_TIMEOUT_S };
	struct event_base *base = evconnlistener_get_base(l);
	struct control *owner = arg;
	struct control_conn *c;

	(void)sa;
	(void)socklen;
	if (listen_guard_refuse_reserved(owner->guard, fd))
		return; /* the checks' descriptors */
	if (owner->count >= CONTROL_CONNECTIONS_MAX)
		conn_close(TAILQ_FIRST(&owner->conns));
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		evutil_closesocket(fd);
		return;
	}
	c->owner = owner;
	c->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	c->deadline = evtimer_new(base, on_deadline, c);
	if (c->bev == NULL || c->deadline == NULL) {
		if (c->bev != NULL)
			bufferevent_free(c->bev);
		else
			evutil_closesocket(fd);
		if (c->deadline != NULL)
			event_free(c->deadline);
		free(c);
		return;
	}
	bufferevent_setcb(c->bev, on_read, NULL, on_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	evtimer_add(c->deadline, &deadline);
	TAILQ_INSERT_TAIL(&owner->conns, c, link);
	owner->count++;
}

/* Only a stale socket, one nobody listens on, may be replaced: a regular file (a typo in
 * control-socket:) is data, and a live socket is another batond's. */
static int clear_stale(const struct sockaddr_un *sun)
{
	struct stat st;
	int fd, err;

	if (lstat(sun->sun_path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		log_err("control-socket %s: exists and is not a socket; remove it or choose "
			"another path",
			sun->sun_path);
		return -EEXIST;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	err = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) < 0 ? errno : 0;
	close(fd);
	if (err == ECONNREFUSED) {
		/* a socket left by a killed run */
		return unlink(sun->sun_path) < 0 && errno != ENOENT ? -errno : 0;
	}
	if (err == 0 || err == EAGAIN) {
		log_err("control-socket %s: another process (a running batond?) listens there; "
			"stop it or choose another path",
			sun->sun_path);
		return -EADDRINUSE;
	}
	log_err("control-socket %s: cannot tell whether it is stale: %s", sun->sun_path,
		strerror(err));
	return -err;
}

static int bind_socket(struct control *c, const struct sockaddr_un *sun)
{
	mode_t old_mask;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), err;

	if (fd < 0)
		return -errno;
	old_mask = umask(0117);
	err = bind(fd, (const struct sockaddr *)sun, sizeof(*sun)) < 0 ? -errno : 0;
	umask(old_mask);
	if (err == 0 && listen(fd, 16) < 0)
		err = -errno;
	if (err == 0) {
		c->listener = evconnlistener_new(c->server->base, on_accept, c,
						 LEV_OPT_CLOSE_ON_FREE, -1, fd);
		if (c->listener == NULL)
			err = -ENOMEM;
	}
	if (err == 0)
		err = listen_guard_new(&c->guard, c->listener, LISTEN_CONTROL, "control-socket");
	if (err < 0) {
		log_err("control-socket %s: %s", sun->sun_path, strerror(-err));
		if (c->listener == NULL)
			close(fd);
	}
	return err;
}

int control_open(struct control **out, struct server *s)
{
	struct control *c = calloc(1, sizeof(*c));
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int err;

	if (c == NULL)
		return -ENOMEM;
	c->server = s;
	TAILQ_INIT(&c->conns);
	if (strlen(s->cfg.control_socket) >= sizeof(sun.sun_path)) {
		log_err("control-socket %s: path too long (at most %zu bytes)",
			s->cfg.control_socket, sizeof(sun.sun_path) - 1);
		free(c);
		return -ENAMETOOLONG;
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", s->cfg.control_socket);
	err = clear_stale(&sun);
	if (err == 0)
		err = bind_socket(c, &sun);
	if (err < 0) {
		control_free(c);
		return err;
	}
	snprintf(c->path, sizeof(c->path), "%s", s->cfg.control_socket);
	*out = c;
	return 0;
}

void control_free(struct control *c)
{
	if (c == NULL)
		return;
	while (!TAILQ_EMPTY(&c->conns))
		conn_close(TAILQ_FIRST(&c->conns));
	listen_guard_free(c->guard);
	if (c->listener != NULL)
		evconnlistener_free(c->listener);
	/* only the socket we bound: a failed open leaves the path as it found it */
	if (c->path[0] != '\0')
		unlink(c->path);
	free(c);
}
