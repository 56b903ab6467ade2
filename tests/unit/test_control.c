/* The control protocol's dispatcher, against a server with one zone and a health engine (no
 * sockets), as tests/fuzz/fuzz_control.c runs it. Holds the regression of the one input that
 * fuzzer found (tests/fuzz/corpus/control/oom-pending-events): thousands of "stop" lines used to
 * schedule one loop exit, one allocated event, each. */
#include "autoconfig.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/buffer.h>
#include <event2/event.h>

#include "baton/log.h"
#include "health/engine.h"
#include "server/control.h"
#include "server/server.h"
#include "server/tcp.h"
#include "server/udp.h"
#include "zones/zoneset.h"

static const char zone_text[] = "$ORIGIN example.com.\n$TTL 300\n"
				"@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\n"
				"ns1 A 192.0.2.53\n"
				"$SITE fra 192.0.2.10\n$SITE iad 198.51.100.10\n"
				"www 30 IN FAILOVER policy=order sites=fra,iad\n";

static struct zoneset *load_zones(void)
{
	char path[] = "/tmp/baton-test-control-XXXXXX";
	int fd = mkstemp(path);
	struct zone *z = NULL;
	struct zoneset *zs = NULL;
	struct diag d;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, zone_text, sizeof(zone_text) - 1), sizeof(zone_text) - 1);
	close(fd);
	diag_init(&d);
	assert_int_equal(zone_load(&z, "example.com", path, &d), 0);
	diag_fini(&d);
	unlink(path);
	assert_int_equal(zoneset_new(&zs, &z, 1), 0);
	return zs;
}

static int setup(void **state)
{
	struct server *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->cfg.workers = 1;
	s->cfg.control_socket = "/nonexistent/control.sock";
	s->base = event_base_new();
	assert_non_null(s->base);
	assert_int_equal(udp_workers_open(&s->udp, s), 0);
	assert_int_equal(tcp_server_open(&s->tcp, s), 0);
	assert_int_equal(health_engine_new(&s->engine, s->base, &s->health), 0);
	s->zones = load_zones();
	assert_int_equal(health_engine_sync(s->engine, s->zones), 0);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct server *s = *state;

	health_engine_free(s->engine);
	free(s->health);
	zoneset_free(s->zones);
	tcp_server_free(s->tcp);
	udp_workers_free(s->udp);
	event_base_free(s->base);
	free(s);
	return 0;
}

/* The reply to `line`, NUL-terminated; the caller frees it. */
static char *ask(struct server *s, const char *line)
{
	struct evbuffer *out = evbuffer_new();
	size_t len;
	char *reply;

	assert_non_null(out);
	control_dispatch(s, line, out);
	len = evbuffer_get_length(out);
	reply = calloc(1, len + 1);
	assert_non_null(reply);
	evbuffer_remove(out, reply, len);
	evbuffer_free(out);
	return reply;
}

static void test_many_stops_schedule_one_exit(void **state)
{
	struct server *s = *state;
	int before = event_base_get_num_events(s->base, EVENT_BASE_COUNT_ADDED);

	for (int i = 0; i < 5000; i++) {
		char *reply = ask(s, "stop");

		assert_string_equal(reply, "ok\nstopping\n");
		free(reply);
	}
	assert_true(s->stopping);
	assert_true(event_base_get_num_events(s->base, EVENT_BASE_COUNT_ADDED) <= before + 1);
	assert_int_equal(event_base_loop(s->base, EVLOOP_NONBLOCK), 0);
	assert_true(event_base_got_exit(s->base));
}

static void test_replies(void **state)
{
	struct server *s = *state;
	char *reply;

	reply = ask(s, "drain fra");
	assert_int_equal(strncmp(reply, "ok\n", 3), 0);
	free(reply);
	reply = ask(s, "undrain fra");
	assert_int_equal(strncmp(reply, "ok\n", 3), 0);
	free(reply);
	reply = ask(s, "drain nowhere");
	assert_int_equal(strncmp(reply, "error: ", 7), 0);
	free(reply);
	reply = ask(s, "frobnicate");
	assert_string_equal(reply, "error: unknown command 'frobnicate' (known: status, status "
				   "json, reload, reload ZONE, drain SITE, undrain SITE, "
				   "failovers SITE, static ZONE, stop)\n");
	free(reply);
	reply = ask(s, "reload nosuch.example");
	assert_string_equal(reply, "error: no zone 'nosuch.example' is configured\n");
	free(reply);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_many_stops_schedule_one_exit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replies, setup, teardown),
	};

	log_open("test_control", false, LOG_LEVEL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
