/* log_limited(): a burst of lines, then silence counted, then one line with the count. */
#include "autoconfig.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "baton/log.h"

/* Runs `emit` with stderr sent to a temporary file; returns what was written (caller frees). */
static char *capture(void (*emit)(struct log_limit *), struct log_limit *l)
{
	char path[] = "/tmp/baton-log-XXXXXX";
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	char *text = calloc(1, 8192);
	FILE *f;

	assert_true(fd >= 0 && saved >= 0 && text != NULL);
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	emit(l);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	f = fdopen(fd, "r");
	rewind(f);
	fread(text, 1, 8191, f);
	fclose(f);
	unlink(path);
	return text;
}

static unsigned count_lines(const char *text, const char *needle)
{
	unsigned n = 0;

	for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

static void ten_bad_packets(struct log_limit *l)
{
	for (int i = 0; i < 10; i++)
		log_limited(l, LOG_LEVEL_WARN, "gossip 192.0.2.%d: bad signature", i);
}

static void one_more(struct log_limit *l)
{
	log_limited(l, LOG_LEVEL_WARN, "gossip 192.0.2.99: bad signature");
}

static void test_burst_then_suppressed(void **state)
{
	struct log_limit l = LOG_LIMIT_INIT(3, 60);
	char *text;

	(void)state;
	log_open("test", false, LOG_LEVEL_DEBUG);
	text = capture(ten_bad_packets, &l);
	assert_int_equal(count_lines(text, "bad signature"), 3);
	assert_int_equal(count_lines(text, "suppressed"), 0);
	free(text);
	assert_int_equal(l.suppressed, 7);
	/* the interval is over (moved back rather than waited for): the count comes out first */
	l.window_start -= 60;
	text = capture(one_more, &l);
	assert_non_null(strstr(text, "7 similar lines suppressed in the last 60s"));
	assert_int_equal(count_lines(text, "192.0.2.99: bad signature"), 1);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_suppressed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
