/* Unit tests for what a VRRP instance tracks (health/vip/track.c): the priority less the
 * weights of what is down, kept within 1..254 once a weight applies; FAULT from the instance's
 * own link or a `fault` track; the reasons, cut to the caller's buffer. Interfaces are `lo`
 * (always up) and names no host has (down); checks are tcp checks on loopback, one at a
 * listening port and one at a bound port nobody listens on, run on a private loop. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "health/vip/track.h"

static struct vip_instance_conf conf;

static void conf_init(const char *ifname, uint8_t priority)
{
	memset(&conf, 0, sizeof(conf));
	conf.name = "VI_1";
	snprintf(conf.ifname, sizeof(conf.ifname), "%s", ifname);
	conf.vrid = 51;
	conf.priority = priority;
}

static void track_interface(const char *ifname, unsigned weight, bool fault)
{
	struct vip_track *tr = &conf.tracks[conf.track_count++];

	tr->kind = VIP_TRACK_INTERFACE;
	snprintf(tr->ifname, sizeof(tr->ifname), "%s", ifname);
	tr->weight = weight;
	tr->fault = fault;
}

static void track_tcp(const char *name, uint16_t port, unsigned weight, bool fault)
{
	struct vip_track *tr = &conf.tracks[conf.track_count++];
	struct sockaddr_in *sin = (struct sockaddr_in *)&tr->addr;

	tr->kind = VIP_TRACK_CHECK;
	/* the interval is long: each check's first probe starts at once, and that is all the
	 * tests wait for */
	tr->check = (struct zone_check){ .name = name,
					 .kind = CHECK_TCP,
					 .interval_ms = 600000,
					 .timeout_ms = 5000,
					 .rise = 1,
					 .fall = 1,
					 .port = port };
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	tr->weight = weight;
	tr->fault = fault;
}

struct run {
	struct event_base *base;
	struct vip_tracker *t;
	int changes, want;
	bool gave_up;
};

static void on_changed(void *arg)
{
	struct run *r = arg;

	if (++r->changes >= r->want)
		event_base_loopbreak(r->base);
}

static void on_give_up(evutil_socket_t fd, short what, void *arg)
{
	struct run *r = arg;

	(void)fd;
	(void)what;
	r->gave_up = true;
	event_base_loopbreak(r->base);
}

static void start(struct run *r)
{
	memset(r, 0, sizeof(*r));
	r->base = event_base_new();
	assert_non_null(r->base);
	assert_int_equal(vip_tracker_new(&r->t, r->base, &conf, on_changed, r), 0);
}

/* Runs the loop until `want` changes were reported. The deadline only keeps a broken build
 * from hanging the suite: loopback connects finish in well under it. */
static void run_until_changes(struct run *r, int want)
{
	struct timeval guard = { 30, 0 };
	struct event *ev = evtimer_new(r->base, on_give_up, r);

	r->want = want;
	evtimer_add(ev, &guard);
	event_base_dispatch(r->base);
	event_free(ev);
	assert_false(r->gave_up);
	assert_int_equal(r->changes, want);
}

static void stop(struct run *r)
{
	vip_tracker_free(r->t);
	event_base_free(r->base);
}

static void eval(struct run *r, uint8_t *priority, bool *fault, char *why, size_t size)
{
	*priority = 0;
	*fault = true;
	vip_tracker_eval(r->t, priority, fault, why, size);
}

/* A tracker for `conf`, evaluated once before any check has run, then freed. */
static void eval_once(uint8_t *priority, bool *fault, char *why, size_t size)
{
	struct run r;

	start(&r);
	eval(&r, priority, fault, why, size);
	stop(&r);
}

static void test_nothing_down(void **state)
{
	uint8_t prio;
	bool fault;
	char why[128];

	(void)state;
	conf_init("lo", 100);
	track_interface("lo", 50, false);
	eval_once(&prio, &fault, why, sizeof(why));
	assert_int_equal(prio, 100);
	assert_false(fault);
	assert_string_equal(why, "");
}

/* The owner's 255 stays 255 while nothing weighs on it. */
static void test_owner_priority_kept(void **state)
{
	uint8_t prio;
	bool fault;
	char why[128];

	(void)state;
	conf_init("lo", 255);
	eval_once(&prio, &fault, why, sizeof(why));
	assert_int_equal(prio, 255);
	assert_false(fault);
}

static void test_interface_down_subtracts_weight(void **state)
{
	uint8_t prio;
	bool fault;
	char why[128];

	(void)state;
	conf_init("lo", 100);
	track_interface("lo", 50, false);
	track_interface("nosuchif0", 20, false);
	track_interface("nosuchif1", 15, false);
	eval_once(&prio, &fault, why, sizeof(why));
	assert_int_equal(prio, 65);
	assert_false(fault);
	assert_string_equal(why, "nosuchif0 link down, nosuchif1 link down");
}

/* Once a weight applies, the priority stays a backup's: never 0 (that means "I resign") and
 * never 255 (that means "I own the addresses"). */
static void test_priority_bounds(void **state)
{
	static const struct {
		uint8_t priority;
		unsigned weight; /* of one interface that is down */
		uint8_t want;
	} cases[] = {
		{ 10, 50, 1 },
		{ 255, 0, 254 },
		{ 200, 199, 1 },
	};
	uint8_t prio;
	bool fault;
	char why[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		conf_init("lo", cases[i].priority);
		track_interface("nosuchif0", cases[i].weight, false);
		eval_once(&prio, &fault, why, sizeof(why));
		assert_int_equal(prio, cases[i].want);
		assert_false(fault);
	}
}

static void test_fault(void **state)
{
	uint8_t prio;
	bool fault;
	char why[128];

	(void)state;
	/* the instance's own interface down */
	conf_init("nosuchif9", 100);
	eval_once(&prio, &fault, why, sizeof(why));
	assert_true(fault);
	assert_int_equal(prio, 100);
	assert_string_equal(why, "nosuchif9 link down");

	/* a `fault` track down */
	conf_init("lo", 100);
	track_interface("nosuchif0", 0, true);
	eval_once(&prio, &fault, why, sizeof(why));
	assert_true(fault);
	assert_string_equal(why, "nosuchif0 link down");
}

/* The reasons fill at most the caller's buffer, terminated. */
static void test_why_is_cut(void **state)
{
	uint8_t prio;
	bool fault;
	char why[12];

	(void)state;
	conf_init("nosuchif9", 100);
	track_interface("nosuchif0", 10, false);
	track_interface("nosuchif1", 10, false);
	memset(why, 'x', sizeof(why));
	eval_once(&prio, &fault, why, sizeof(why));
	assert_int_equal(strlen(why), sizeof(why) - 1);
	assert_string_equal(why, "nosuchif9 l");
	assert_int_equal(prio, 80);
	assert_true(fault);
}

/* A loopback TCP port: listening, or bound with nobody listening (connects are refused). */
static int tcp_port(bool listening, uint16_t *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	if (listening)
		assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* Checks count once they have a verdict: unknown weighs nothing, down weighs its weight and
 * says why, up weighs nothing. */
static void test_checks(void **state)
{
	struct run r;
	uint8_t prio;
	bool fault;
	char why[256];
	uint16_t open_port, closed_port;
	int open_fd = tcp_port(true, &open_port), closed_fd = tcp_port(false, &closed_port);

	(void)state;
	conf_init("lo", 100);
	track_tcp("web", open_port, 40, false);
	track_tcp("db", closed_port, 30, false);
	start(&r);
	eval(&r, &prio, &fault, why, sizeof(why));
	assert_int_equal(prio, 100); /* not checked yet */
	assert_string_equal(why, "");
	run_until_changes(&r, 2); /* both leave unknown */
	eval(&r, &prio, &fault, why, sizeof(why));
	assert_int_equal(prio, 70);
	assert_false(fault);
	assert_string_equal(why, "db connect: Connection refused");
	stop(&r);

	/* the same check as a fault track */
	conf_init("lo", 100);
	track_tcp("db", closed_port, 0, true);
	start(&r);
	run_until_changes(&r, 1);
	eval(&r, &prio, &fault, why, sizeof(why));
	assert_true(fault);
	assert_int_equal(prio, 100); /* weight 0, within bounds */
	stop(&r);
	close(open_fd);
	close(closed_fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_down),
		cmocka_unit_test(test_owner_priority_kept),
		cmocka_unit_test(test_interface_down_subtracts_weight),
		cmocka_unit_test(test_priority_bounds),
		cmocka_unit_test(test_fault),
		cmocka_unit_test(test_why_is_cut),
		cmocka_unit_test(test_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
