/* baton-check: runs one $CHECK of a zone file once against one address and prints the result,
 * so an operator can try a check before deploying it (and the tests can drive every kind). */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health/probe.h"
#include "zones/zone.h"

struct run {
	struct event_base *base;
	struct event *timer;
	void *probe;
	const struct probe_kind *kind;
	struct probe_result result;
	bool done;
};

static void on_done(void *arg, const struct probe_result *result)
{
	struct run *run = arg;

	run->result = *result;
	run->done = true;
	run->probe = NULL;
	event_base_loopexit(run->base, NULL);
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct run *run = arg;

	(void)fd;
	(void)what;
	run->kind->cancel(run->probe);
	run->probe = NULL;
	run->done = true;
	probe_result_set(&run->result, false, "timeout");
	event_base_loopexit(run->base, NULL);
}

static int parse_address(const char *text, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		return 0;
	}
	return -1;
}

static const struct zone_check *find(const struct zone *z, const char *name)
{
	for (uint32_t i = 0; i < z->check_count; i++)
		if (strcmp(z->checks[i].name, name) == 0)
			return &z->checks[i];
	return NULL;
}

static int run_check(const struct zone_check *check, const struct sockaddr_storage *addr)
{
	struct run run = { .kind = probe_kind_for(check->kind) };
	struct timeval tv = { .tv_sec = check->timeout_ms / 1000,
			      .tv_usec = (check->timeout_ms % 1000) * 1000 };
	const char *why = "cannot start";

	run.base = event_base_new();
	run.timer = evtimer_new(run.base, on_timeout, &run);
	run.probe = run.kind->start(run.base, check, addr, on_done, &run, &why);
	if (run.probe == NULL && !run.done)
		probe_result_set(&run.result, false, "%s", why);
	else if (!run.done) {
		evtimer_add(run.timer, &tv);
		event_base_dispatch(run.base);
	}
	event_free(run.timer);
	event_base_free(run.base);
	printf("%s: %s %s\n", run.result.up ? "up" : "down", check->name, run.result.reason);
	return run.result.up ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage addr;
	const struct zone_check *check;
	struct zone *z = NULL;
	struct diag d;
	int rc;

	if (argc != 5) {
		fprintf(stderr,
			"usage: baton-check ZONEFILE ORIGIN CHECK ADDRESS\n"
			"runs the $CHECK named CHECK once against ADDRESS; exit 0 when up\n");
		return 2;
	}
	/* libevent and OpenSSL write with plain write(): a peer's reset must not kill us */
	signal(SIGPIPE, SIG_IGN);
	diag_init(&d);
	if (zone_load(&z, argv[2], argv[1], &d) < 0) {
		diag_print(&d, stderr, "baton-check: ");
		diag_fini(&d);
		return 2;
	}
	diag_fini(&d);
	check = find(z, argv[3]);
	if (check == NULL || parse_address(argv[4], &addr) < 0) {
		fprintf(stderr, "baton-check: %s\n",
			check ? "not an IPv4 or IPv6 address" : "no $CHECK of that name");
		zone_free(z);
		return 2;
	}
	rc = run_check(check, &addr);
	zone_free(z);
	return rc;
}
