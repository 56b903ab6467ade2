/* listen_guard: a failed accept is counted once and pauses the listener, rather than being
 * retried on every turn of the loop (4.1M log lines in a flood before the pause); the reserve rule. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "baton/listen_guard.h"

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
		      int socklen, void *arg)
{
	(void)l;
	(void)sa;
	(void)socklen;
	(*(int *)arg)++;
	close(fd);
}

/* With no descriptor left, accept() fails while the connection waits in the backlog: the
 * listener stays readable, and without the pause every turn of the loop fails again. */
static void test_emfile_counted_once_and_paused(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	struct event_base *base = event_base_new();
	struct evconnlistener *l;
	struct listen_guard *g = NULL;
	struct rlimit saved, low;
	uint64_t before = listen_guard_errors(LISTEN_CONTROL);
	int accepted = 0, client, spare;

	(void)state;
	assert_non_null(base);
	l = evconnlistener_new_bind(base, on_accept, &accepted, LEV_OPT_CLOSE_ON_FREE, 16,
				    (struct sockaddr *)&sin, sizeof(sin));
	assert_non_null(l);
	assert_int_equal(listen_guard_new(&g, l, LISTEN_CONTROL, "test"), 0);
	assert_int_equal(getsockname(evconnlistener_get_fd(l), (struct sockaddr *)&sin, &len), 0);
	client = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(client >= 0);
	assert_int_equal(connect(client, (struct sockaddr *)&sin, sizeof(sin)), 0);
	/* no descriptor free: the lowest free one is the limit */
	spare = dup(client);
	assert_true(spare > client);
	close(spare);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &saved), 0);
	low = saved;
	low.rlim_cur = (rlim_t)spare;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	for (int i = 0; i < 20; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &saved), 0);
	assert_int_equal(accepted, 0);
	assert_int_equal(listen_guard_errors(LISTEN_CONTROL) - before, 1);
	/* after the pause the waiting connection is accepted */
	event_base_loop(base, EVLOOP_ONCE);
	while (accepted == 0)
		event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(accepted, 1);
	close(client);
	listen_guard_free(g);
	evconnlistener_free(l);
	event_base_free(base);
}

static void test_metrics(void **state)
{
	struct evbuffer *out = evbuffer_new();
	char text[1024];
	size_t n;

	(void)state;
	listen_guard_count_error(LISTEN_TCP);
	listen_guard_write_metrics(out);
	n = evbuffer_remove(out, text, sizeof(text) - 1);
	text[n] = '\0';
	assert_non_null(strstr(text, "# TYPE baton_accept_errors_total counter\n"));
	assert_non_null(strstr(text, "baton_accept_errors_total{listener=\"http\"} "));
	assert_non_null(strstr(text, "baton_accept_errors_total{listener=\"control\"} "));
	assert_non_null(strstr(text, "baton_accept_errors_total{listener=\"tcp\"} 1\n"));
	evbuffer_free(out);
}

/* The top 32 + 2 per check target of the limit are the checks'; at most half of it. */
static void test_reserve(void **state)
{
	struct rlimit saved, rl;

	(void)state;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &saved), 0);
	rl = saved;
	rl.rlim_cur = 1024;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	listen_guard_set_check_fds(100);
	assert_false(listen_guard_fd_is_reserved(791));
	assert_true(listen_guard_fd_is_reserved(792));
	listen_guard_set_check_fds(1000);
	assert_false(listen_guard_fd_is_reserved(511));
	assert_true(listen_guard_fd_is_reserved(512));
	listen_guard_set_check_fds(0);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &saved), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_emfile_counted_once_and_paused),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_reserve),
	};

	/* a listener that spins instead of pausing must fail the run, not hang it */
	alarm(60);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
