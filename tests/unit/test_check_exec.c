/* Unit tests for the exec probe, driven on a private libevent loop: what completes a probe (exit
 * and end of output, both), that cancel reaps its child without calling `done`, and what the
 * child gets (environment, descriptors, signal dispositions). */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "health/probe.h"

struct outcome {
	int calls;
	struct probe_result result;
	int64_t at_ms;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_done(void *arg, const struct probe_result *result)
{
	struct outcome *o = arg;

	o->calls++;
	o->result = *result;
	o->at_ms = now_ms();
}

static void wake(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
}

/* Runs `base` until `done` has been called (with o NULL: never) or `ms` have passed; a 10 ms
 * tick keeps the loop from blocking past the deadline. */
static void run_until(struct event_base *base, const struct outcome *o, int ms)
{
	struct timeval tick = { 0, 10000 };
	int64_t deadline = now_ms() + ms;

	while ((o == NULL || o->calls == 0) && now_ms() < deadline) {
		assert_int_equal(event_base_once(base, -1, EV_TIMEOUT, wake, NULL, &tick), 0);
		event_base_loop(base, EVLOOP_ONCE);
	}
}

/* Whether this process has no child left, running or unreaped. WNOWAIT: only look. */
static bool no_children(void)
{
	siginfo_t si;

	return waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 && errno == ECHILD;
}

static struct zone_check make_check(char *const *argv)
{
	struct zone_check c = { .name = "unit", .kind = CHECK_EXEC, .argv = argv };

	return c;
}

static struct sockaddr_storage v4(const char *text)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

	memset(&ss, 0, sizeof(ss));
	sin->sin_family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, text, &sin->sin_addr), 1);
	return ss;
}

/* Starts `argv` against 192.0.2.1 and runs the loop until `done` or `ms`. Returns the probe,
 * NULL once it has completed. */
static void *run_sh(struct event_base *base, const char *script, struct outcome *o, int ms,
		    uint16_t port)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
	struct zone_check check = make_check(argv);
	struct sockaddr_storage addr = v4("192.0.2.1");
	const char *why = NULL;
	void *p;

	check.port = port;
	o->calls = 0;
	p = probe_exec.start(base, &check, &addr, on_done, o, &why);
	assert_non_null(p);
	assert_int_equal(o->calls, 0); /* never from inside start() */
	run_until(base, o, ms);
	assert_true(o->calls <= 1);
	return o->calls ? NULL : p;
}

static void test_exit_zero_first_line(void **state)
{
	struct event_base *base = event_base_new();
	struct outcome o = { 0 };

	(void)state;
	assert_null(run_sh(base, "echo 'hello there'; echo two; exit 0", &o, 3000, 0));
	assert_int_equal(o.calls, 1);
	assert_true(o.result.up);
	assert_string_equal(o.result.reason, "exit 0: hello there");
	assert_true(no_children());
	event_base_free(base);
}

static void test_exit_code_and_signal(void **state)
{
	struct event_base *base = event_base_new();
	struct outcome o = { 0 };
	void (*old)(int) = signal(SIGTERM, SIG_IGN);

	(void)state;
	assert_null(run_sh(base, "echo broken >&2; exit 2", &o, 3000, 0));
	assert_false(o.result.up);
	assert_string_equal(o.result.reason, "exit 2: broken");
	/* We ignore SIGTERM; the child must not inherit that (posix_spawn SETSIGDEF). */
	assert_null(run_sh(base, "kill -TERM $$; sleep 5", &o, 3000, 0));
	assert_string_equal(o.result.reason, "killed by signal 15");
	signal(SIGTERM, old);
	assert_true(no_children());
	event_base_free(base);
}

/* Closing stdout is not finishing: the probe waits for the exit. */
static void test_closed_output_still_running(void **state)
{
	struct event_base *base = event_base_new();
	struct outcome o = { 0 };
	int64_t start = now_ms();

	(void)state;
	assert_null(run_sh(base, "exec >&- 2>&-; sleep 0.5; exit 4", &o, 3000, 0));
	assert_string_equal(o.result.reason, "exit 4");
	assert_true(o.at_ms - start >= 450);
	event_base_free(base);
}

/* An exited program whose background child still holds the pipe is not finished; cancel kills
 * that child too (it is in the program's process group) and `done` never runs. */
static void test_exited_but_output_held(void **state)
{
	struct event_base *base = event_base_new();
	struct outcome o = { 0 };
	void *p;

	(void)state;
	p = run_sh(base, "sleep 60 & echo started", &o, 300, 0);
	assert_non_null(p);
	probe_exec.cancel(p);
	run_until(base, NULL, 200);
	assert_int_equal(o.calls, 0);
	assert_true(no_children());
	event_base_free(base);
}

/* Cancel of a running program: killed, reaped from the loop (no zombie left), `done` never. */
static void test_cancel_reaps(void **state)
{
	struct event_base *base = event_base_new();
	struct outcome o = { 0 };
	int64_t deadline = now_ms() + 2000;
	void *p;

	(void)state;
	p = run_sh(base, "echo working; exec sleep 60", &o, 100, 0);
	assert_non_null(p);
	assert_false(no_children());
	probe_exec.cancel(p);
	while (!no_children() && now_ms() < deadline)
		run_until(base, NULL, 20);
	assert_true(no_children());
	assert_int_equal(o.calls, 0);
	event_base_free(base);
}

/* Our variables replace inherited ones; BATON_PORT only when the check has a port; no
 * descriptor of ours but 0, 1 and 2 reaches the program. */
static void test_environment_and_descriptors(void **state)
{
	struct event_base *base = event_base_new();
	struct outcome o = { 0 };
	int leak = open("/dev/null", O_RDONLY); /* no O_CLOEXEC on purpose */
	char script[80];

	(void)state;
	assert_true(leak > 2);
	setenv("BATON_CHECK", "stale", 1);
	assert_null(run_sh(base, "echo \"$BATON_CHECK $BATON_ADDRESS ${BATON_PORT-none}\"", &o,
			   3000, 0));
	assert_string_equal(o.result.reason, "exit 0: unit 192.0.2.1 none");
	assert_null(run_sh(base, "echo $BATON_PORT", &o, 3000, 8080));
	assert_string_equal(o.result.reason, "exit 0: 8080");
	snprintf(script, sizeof(script), "[ -e /dev/fd/%d ] && echo leaked || echo closed", leak);
	assert_null(run_sh(base, script, &o, 3000, 0));
	assert_string_equal(o.result.reason, "exit 0: closed");
	unsetenv("BATON_CHECK");
	close(leak);
	event_base_free(base);
}

/* A program that cannot run is a result, delivered from the loop. */
static void test_missing_program(void **state)
{
	char *argv[] = { "/nonexistent/program", NULL };
	struct zone_check check = make_check(argv);
	struct sockaddr_storage addr = v4("192.0.2.1");
	struct event_base *base = event_base_new();
	struct outcome o = { 0 };
	const char *why = NULL;

	(void)state;
	assert_non_null(probe_exec.start(base, &check, &addr, on_done, &o, &why));
	assert_int_equal(o.calls, 0);
	event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(o.calls, 1);
	assert_string_equal(o.result.reason,
			    "exec /nonexistent/program: No such file or directory");
	event_base_free(base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_zero_first_line),
		cmocka_unit_test(test_exit_code_and_signal),
		cmocka_unit_test(test_closed_output_still_running),
		cmocka_unit_test(test_exited_but_output_held),
		cmocka_unit_test(test_cancel_reaps),
		cmocka_unit_test(test_environment_and_descriptors),
		cmocka_unit_test(test_missing_program),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
