/* Accept errors and the descriptor reserve of every listener; see listen_guard.h. */
#include "autoconfig.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "baton/log.h"
#include "baton/listen_guard.h"

/* libevent calls the error callback again as soon as the listener is readable, and with no
 * descriptor left accept() fails at once: a flood made 4.1M "Error from accept()" lines
 * before this pause.
 * 100 ms is ten tries a second, long enough for a closing connection to free a descriptor
 * and short enough that the backlog (128) holds the clients meanwhile. */
#define PAUSE_MS 100

/* Descriptors besides the checks that batond needs while serving: a zone file and its cache
 * copy during a reload, the state file, the GeoIP database, the pidfile, syslog. 32 covers
 * them with room; each check target then needs 2 at most (an exec check's pipe; the others
 * one socket). At the default limit of 1024 and 100 targets the reserve is 232, and the
 * listeners' default caps (HTTP 64, control 16, TCP 100) fit in the rest with 600 to spare. */
#define RESERVE_BASE 32
#define FDS_PER_TARGET 2

struct listen_guard {
	struct listen_guard *next;
	struct evconnlistener *listener;
	struct event *resume;
	enum listen_kind kind;
	const char *name;
	struct log_limit limit;
};

/* libevent passes the error callback the accept callback's argument, which evhttp sets to
 * itself: the guard is found by its listener instead. A handful per process, main thread. */
static struct listen_guard *guards;
static uint64_t errors[LISTEN_KIND_COUNT];
static unsigned check_fds;
static const char *const kind_label[LISTEN_KIND_COUNT] = { "http", "control", "tcp" };

void listen_guard_count_error(enum listen_kind kind)
{
	__atomic_fetch_add(&errors[kind], 1, __ATOMIC_RELAXED);
}

uint64_t listen_guard_errors(enum listen_kind kind)
{
	return __atomic_load_n(&errors[kind], __ATOMIC_RELAXED);
}

void listen_guard_write_metrics(struct evbuffer *out)
{
	evbuffer_add_printf(out,
			    "# HELP baton_accept_errors_total Connections a listener failed to "
			    "accept (EMFILE, ENFILE, ENOBUFS...).\n"
			    "# TYPE baton_accept_errors_total counter\n");
	for (int k = 0; k < LISTEN_KIND_COUNT; k++)
		evbuffer_add_printf(out, "baton_accept_errors_total{listener=\"%s\"} %llu\n",
				    kind_label[k],
				    (unsigned long long)listen_guard_errors((enum listen_kind)k));
}

void listen_guard_set_check_fds(unsigned fds)
{
	__atomic_store_n(&check_fds, fds, __ATOMIC_RELAXED);
}

bool listen_guard_fd_is_reserved(int fd)
{
	struct rlimit rl;
	unsigned long reserve =
		RESERVE_BASE +
		FDS_PER_TARGET * (unsigned long)__atomic_load_n(&check_fds, __ATOMIC_RELAXED);

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return false;
	/* a limit too small for the reserve leaves half to connections rather than none */
	if (reserve > rl.rlim_cur / 2)
		reserve = rl.rlim_cur / 2;
	return (rlim_t)fd >= rl.rlim_cur - reserve;
}

static void on_resume(evutil_socket_t fd, short what, void *arg)
{
	struct listen_guard *g = arg;

	(void)fd;
	(void)what;
	evconnlistener_enable(g->listener);
}

/* A connection that could not be had: counted, said a few times a minute, and the listener
 * rests, since its socket stays readable and libevent would accept again at once. */
static void refuse(struct listen_guard *g, const char *why)
{
	const struct timeval pause = { .tv_usec = PAUSE_MS * 1000 };

	listen_guard_count_error(g->kind);
	log_limited(&g->limit, LOG_LEVEL_WARN,
		    "%s: cannot accept a connection: %s; pausing the listener for %d ms", g->name,
		    why, PAUSE_MS);
	evconnlistener_disable(g->listener);
	event_add(g->resume, &pause);
}

static void on_error(struct evconnlistener *l, void *arg)
{
	int err = EVUTIL_SOCKET_ERROR();
	struct listen_guard *g = guards;

	(void)arg;
	while (g != NULL && g->listener != l)
		g = g->next;
	if (g != NULL)
		refuse(g, evutil_socket_error_to_string(err));
}

bool listen_guard_refuse_reserved(struct listen_guard *g, int fd)
{
	if (!listen_guard_fd_is_reserved(fd))
		return false;
	evutil_closesocket(fd);
	refuse(g, "the descriptors left are kept for the health checks");
	return true;
}

int listen_guard_new(struct listen_guard **out, struct evconnlistener *l, enum listen_kind kind,
		     const char *name)
{
	struct listen_guard *g = calloc(1, sizeof(*g));

	if (g == NULL)
		return -ENOMEM;
	g->resume = evtimer_new(evconnlistener_get_base(l), on_resume, g);
	if (g->resume == NULL) {
		free(g);
		return -ENOMEM;
	}
	g->listener = l;
	g->kind = kind;
	g->name = name;
	g->limit = (struct log_limit)LOG_LIMIT_INIT(5, 60);
	evconnlistener_set_error_cb(l, on_error);
	g->next = guards;
	guards = g;
	*out = g;
	return 0;
}

void listen_guard_free(struct listen_guard *g)
{
	struct listen_guard **link = &guards;

	if (g == NULL)
		return;
	while (*link != NULL && *link != g)
		link = &(*link)->next;
	if (*link == g)
		*link = g->next;
	event_free(g->resume);
	free(g);
}
