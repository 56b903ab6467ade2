/* The tcp check: up when a TCP connection to the target's port completes. */
#include "autoconfig.h"

#include <errno.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "health/probe.h"

struct tcp_probe {
	int fd;
	struct event *ev;
	probe_done_fn *done;
	void *arg;
	/* The connect finished inside start() (early_errno 0: connected); on_event reports
	 * it from the loop. */
	bool early;
	int early_errno;
};

static void release(struct tcp_probe *p)
{
	event_free(p->ev);
	close(p->fd);
	free(p);
}

static void on_event(evutil_socket_t fd, short what, void *arg)
{
	struct tcp_probe *p = arg;
	probe_done_fn *done = p->done;
	void *done_arg = p->arg;
	struct probe_result r;
	socklen_t len = sizeof(int);
	int err = 0;

	(void)what;
	if (p->early)
		err = p->early_errno;
	else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err == 0)
		probe_result_set(&r, true, "tcp connect ok");
	else
		probe_result_set(&r, false, "connect: %s", strerror(err));
	/* The state goes first: `done` may start the next probe, or free what owns us. */
	release(p);
	done(done_arg, &r);
}

/* The socket address of `addr` with the check's port, and its length. */
static socklen_t with_port(struct sockaddr_storage *ss, const struct sockaddr_storage *addr,
			   uint16_t port)
{
	*ss = *addr;
	if (ss->ss_family == AF_INET6) {
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
		return sizeof(struct sockaddr_in6);
	}
	((struct sockaddr_in *)ss)->sin_port = htons(port);
	return sizeof(struct sockaddr_in);
}

static void *tcp_start(struct event_base *base, const struct zone_check *check,
		       const struct sockaddr_storage *addr, probe_done_fn *done, void *arg,
		       const char **why)
{
	struct sockaddr_storage ss;
	socklen_t len = with_port(&ss, addr, check->port);
	struct tcp_probe *p = calloc(1, sizeof(*p));

	if (p == NULL) {
		*why = "out of memory";
		return NULL;
	}
	p->done = done;
	p->arg = arg;
	p->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->fd < 0) {
		/* glibc's strerror() returns static text for every errno socket() sets. */
		*why = strerror(errno);
		free(p);
		return NULL;
	}
	if (connect(p->fd, (struct sockaddr *)&ss, len) == 0) {
		p->early = true;
	} else if (errno != EINPROGRESS) {
		/* On loopback a refusal is often known at once; it is still reported from the
		 * loop, because the engine must have start()'s result before `done` runs. */
		p->early = true;
		p->early_errno = errno;
	}
	p->ev = event_new(base, p->early ? -1 : p->fd, p->early ? 0 : EV_WRITE, on_event, p);
	if (p->ev == NULL) {
		*why = "out of memory";
		close(p->fd);
		free(p);
		return NULL;
	}
	if (p->early)
		event_active(p->ev, EV_TIMEOUT, 0);
	else if (event_add(p->ev, NULL) < 0) {
		*why = "cannot watch the socket";
		release(p);
		return NULL;
	}
	return p;
}

static void tcp_cancel(void *state)
{
	release(state);
}

const struct probe_kind probe_tcp = {
	.name = "tcp",
	.start = tcp_start,
	.cancel = tcp_cancel,
};
