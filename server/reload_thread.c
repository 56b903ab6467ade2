/* Reloads on a thread of their own, one at a time, the next one queued and coalesced; the main
 * loop hears of the end through a pipe and publishes. */
#include "autoconfig.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <unistd.h>

#include "baton/log.h"
#include "server/reload.h"
#include "server/reload_job.h"

struct reload_waiter {
	TAILQ_ENTRY(reload_waiter) link;
	struct reload_request *req;
	reload_done_fn *done;
	void *arg;
};

/* What was asked: every zone, or those marked. */
struct reload_request {
	bool asked;
	bool all;
	bool *zones; /* [cfg.zone_count] */
	TAILQ_HEAD(, reload_waiter) waiters;
};

struct reloader {
	struct server *server;
	int pipe[2]; /* the thread writes one byte when it is done */
	struct event *done_ev;
	pthread_t thread;
	struct reload_job *job; /* the one running, or NULL */
	struct reload_request running, queued;
};

static int request_init(struct reload_request *q, size_t zones)
{
	q->zones = calloc(zones ? zones : 1, sizeof(*q->zones));
	TAILQ_INIT(&q->waiters);
	return q->zones != NULL ? 0 : -ENOMEM;
}

static void request_merge(struct reload_request *q, int zone)
{
	q->asked = true;
	if (zone < 0)
		q->all = true;
	else
		q->zones[zone] = true;
}

/* The scope of a request for reload_job_new(): -1 for every zone, or the only one asked. Two
 * different zones asked while one reload ran make the next reload look at every zone: zones
 * whose files did not change are kept anyway, so only what changed is compiled. */
static int request_scope(const struct reload_request *q, size_t zones)
{
	int zone = -1;

	if (q->all)
		return -1;
	for (size_t i = 0; i < zones; i++) {
		if (!q->zones[i])
			continue;
		if (zone >= 0)
			return -1;
		zone = (int)i;
	}
	return zone;
}

static void request_clear(struct reload_request *q, size_t zones)
{
	q->asked = false;
	q->all = false;
	memset(q->zones, 0, (zones ? zones : 1) * sizeof(*q->zones));
}

/* Calls and frees every waiter of `q`. A callback may drop another waiter (its connection
 * closed), so each is unlinked before its call. */
static void request_answer(struct reload_request *q, const struct reload_result *result)
{
	struct reload_waiter *w;

	while ((w = TAILQ_FIRST(&q->waiters)) != NULL) {
		TAILQ_REMOVE(&q->waiters, w, link);
		if (w->done != NULL)
			w->done(w->arg, result);
		free(w);
	}
}

static void *thread_main(void *arg)
{
	struct reloader *r = arg;
	unsigned char b = 1;

	reload_job_compile(r->job);
	/* a full pipe already holds a wake-up */
	while (write(r->pipe[1], &b, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

/* The queued request becomes the running one, waiters and all. */
static void promote(struct reloader *r, size_t zones)
{
	struct reload_waiter *w;

	r->running.asked = true;
	r->running.all = r->queued.all;
	memcpy(r->running.zones, r->queued.zones, (zones ? zones : 1) * sizeof(*r->queued.zones));
	while ((w = TAILQ_FIRST(&r->queued.waiters)) != NULL) {
		TAILQ_REMOVE(&r->queued.waiters, w, link);
		TAILQ_INSERT_TAIL(&r->running.waiters, w, link);
		w->req = &r->running;
	}
	request_clear(&r->queued, zones);
}

/* Starts the queued request on a thread. The thread has every signal blocked, so SIGTERM and
 * SIGHUP reach the main thread's handlers. On failure, answers the waiters. */
static void start_queued(struct reloader *r)
{
	struct server *s = r->server;
	struct reload_result result = { 0 };
	sigset_t all, old;
	int rc;

	promote(r, s->cfg.zone_count);
	rc = reload_job_new(&r->job, s, request_scope(&r->running, s->cfg.zone_count), NULL);
	request_clear(&r->running, s->cfg.zone_count);
	if (rc == 0) {
		/* logged before the thread starts: whoever sees it knows a reload runs */
		log_info("reload: reading %zu zones", r->job->wanted);
		s->reload_running = true;
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		rc = -pthread_create(&r->thread, NULL, thread_main, r);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	if (rc == 0)
		return;
	s->reload_running = false;
	log_err("reload: cannot start: %s; the zones serving are kept", strerror(-rc));
	reload_job_free(r->job);
	r->job = NULL;
	s->reloads_failed++;
	result.rc = rc;
	request_answer(&r->running, &result);
}

/* The thread is done: join it, publish, answer, and start what was asked meanwhile. */
static void on_done(evutil_socket_t fd, short what, void *arg)
{
	struct reloader *r = arg;
	unsigned char buf[16];

	(void)what;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	if (r->job == NULL)
		return;
	pthread_join(r->thread, NULL);
	r->server->reload_running = false;
	if (reload_job_publish(r->job) < 0 && r->job->result.rc != -ETIMEDOUT &&
	    r->job->result.rc != -ECANCELED)
		log_err("reload: %s; the zones serving are kept", strerror(-r->job->result.rc));
	request_answer(&r->running, &r->job->result);
	reload_job_free(r->job);
	r->job = NULL;
	if (r->queued.asked && !reload_stop_requested)
		start_queued(r);
}

int reload_open(struct server *s)
{
	struct reloader *r = calloc(1, sizeof(*r));
	int rc = r == NULL ? -ENOMEM : 0;

	if (rc == 0) {
		r->server = s;
		r->pipe[0] = r->pipe[1] = -1;
		if (request_init(&r->running, s->cfg.zone_count) < 0 ||
		    request_init(&r->queued, s->cfg.zone_count) < 0)
			rc = -ENOMEM;
	}
	if (rc == 0 && pipe2(r->pipe, O_NONBLOCK | O_CLOEXEC) < 0)
		rc = -errno;
	if (rc == 0) {
		r->done_ev = event_new(s->base, r->pipe[0], EV_READ | EV_PERSIST, on_done, r);
		if (r->done_ev == NULL || event_add(r->done_ev, NULL) < 0)
			rc = -ENOMEM;
	}
	s->reloader = r;
	if (rc < 0)
		reload_close(s);
	return rc;
}

void reload_close(struct server *s)
{
	struct reloader *r = s->reloader;
	struct reload_result result = { .rc = -ECANCELED };

	if (r == NULL)
		return;
	if (r->job != NULL) {
		reload_stop_requested = 1;
		pthread_join(r->thread, NULL);
		log_info("reload: abandoned: batond is stopping");
		reload_job_free(r->job); /* publishes nothing */
		s->reload_running = false;
	}
	request_answer(&r->running, &result);
	request_answer(&r->queued, &result);
	if (r->done_ev != NULL)
		event_free(r->done_ev);
	for (int i = 0; i < 2; i++)
		if (r->pipe[i] >= 0)
			close(r->pipe[i]);
	free(r->running.zones);
	free(r->queued.zones);
	free(r);
	s->reloader = NULL;
}

int reload_ask(struct reloader *r, int zone, reload_done_fn *done, void *arg,
	       struct reload_waiter **waiter)
{
	struct reload_waiter *w;

	if (r->server->stopping || reload_stop_requested)
		return -ECANCELED;
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return -ENOMEM;
	w->done = done;
	w->arg = arg;
	w->req = &r->queued;
	request_merge(&r->queued, zone);
	TAILQ_INSERT_TAIL(&r->queued.waiters, w, link);
	if (waiter != NULL)
		*waiter = w;
	if (r->job == NULL)
		start_queued(r);
	else
		log_info("reload: one is running; this request is queued and runs after it");
	return 0;
}

void reload_waiter_drop(struct reload_waiter *w)
{
	if (w == NULL)
		return;
	TAILQ_REMOVE(&w->req->waiters, w, link);
	free(w);
}
