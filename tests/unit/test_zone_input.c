/* Zone input that never ends or is not a zone file: only regular files are read, a line or a
 * record past its bound and too many errors stop the read, an $INCLUDE loop is found by inode,
 * messages quote short escaped excerpts, and a deadline or a cancel flag stops a load. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/config.h"
#include "baton/diag.h"
#include "zones/zone.h"
#include "tests/unit/zone_fixture.h" /* FIXTURE_HEAD only: this test does not link it */

#define ORIGIN "example.com"

struct fixture {
	char dir[64]; /* a private folder, removed with what is in it */
	char path[128]; /* dir/zone */
	struct zone *zone;
	struct diag diag;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/baton-input-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/zone", fx->dir);
	diag_init(&fx->diag);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];

	zone_free(fx->zone);
	diag_fini(&fx->diag);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		return -1;
	free(fx);
	return 0;
}

/* Writes `len` bytes of `text` to dir/name; returns the path in a static buffer. */
static const char *put(struct fixture *fx, const char *name, const char *text, size_t len)
{
	static char path[192];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

static int load(struct fixture *fx, const char *text)
{
	put(fx, "zone", text, strlen(text));
	return zone_load(&fx->zone, ORIGIN, fx->path, &fx->diag);
}

/* The diag line that contains `needle`, or a failure listing them all. */
static const char *find_diag(const struct fixture *fx, const char *needle)
{
	for (size_t i = 0; i < fx->diag.count; i++)
		if (strstr(fx->diag.lines[i], needle) != NULL)
			return fx->diag.lines[i];
	diag_print(&fx->diag, stderr, "  diag: ");
	fail_msg("no diag line with '%s'", needle);
	return NULL;
}

static void test_fifo_included(void **state)
{
	struct fixture *fx = *state;
	char fifo[128];

	snprintf(fifo, sizeof(fifo), "%s/fifo", fx->dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	/* no writer: an open without O_NONBLOCK would wait here for ever */
	assert_int_equal(load(fx, FIXTURE_HEAD "$INCLUDE fifo\n"), -EINVAL);
	assert_null(fx->zone);
	find_diag(fx, ":5: $INCLUDE");
	find_diag(fx, "fifo: not a regular file (a FIFO); zone files must be regular files");
}

static void test_fifo_as_zone_file(void **state)
{
	struct fixture *fx = *state;
	char fifo[128];

	snprintf(fifo, sizeof(fifo), "%s/fifo", fx->dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(zone_load(&fx->zone, ORIGIN, fifo, &fx->diag), -ENOTSUP);
	find_diag(fx, "fifo: cannot read zone file: not a regular file (a FIFO)");
}

static void test_device_included(void **state)
{
	struct fixture *fx = *state;

	/* /dev/zero never ends and has no newline: it used to be read for ever */
	assert_int_equal(load(fx, FIXTURE_HEAD "$INCLUDE /dev/zero\n"), -EINVAL);
	find_diag(fx, ":5: $INCLUDE /dev/zero: not a regular file (a character device)");
	assert_int_equal(fx->diag.count, 1);
}

/* Loads `prefix`, `len` bytes of 'x', then `suffix`: a line or a record past a read bound. */
static int load_padded(struct fixture *fx, const char *prefix, size_t len, const char *suffix)
{
	size_t head = strlen(prefix);
	char *text = malloc(head + len + strlen(suffix) + 1);
	int rc;

	assert_non_null(text);
	memcpy(text, prefix, head);
	memset(text + head, 'x', len);
	strcpy(text + head + len, suffix);
	rc = load(fx, text);
	free(text);
	return rc;
}

/* A 300 KiB comment: past the line bound, the read stops there (the bad record after it is not
 * read, so not reported). */
static void test_line_too_long(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(load_padded(fx, FIXTURE_HEAD ";", 300 * 1024, "\nbad IN A 192.0.2.999\n"),
			 -EMSGSIZE);
	assert_null(fx->zone);
	find_diag(fx, ":5: a line longer than 256 KiB: is this a zone file?");
	assert_int_equal(fx->diag.count, 1);
}

static void test_record_too_long(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(load_padded(fx, FIXTURE_HEAD "t TXT ", 300 * 1024, "\n"), -E2BIG);
	find_diag(fx, ":5: a record longer than 256 KiB or 8192 lines: is a ')' missing?");
	assert_int_equal(fx->diag.count, 1);
}

/* A '(' never closed eats the file a line at a time: stopped after 8192 lines. */
static void test_parenthesis_lines_bound(void **state)
{
	struct fixture *fx = *state;
	size_t n = 9000, len = sizeof(FIXTURE_HEAD "t TXT (\n") - 1;
	char *text = malloc(len + n * 8 + 1);

	assert_non_null(text);
	memcpy(text, FIXTURE_HEAD "t TXT (\n", len);
	for (size_t i = 0; i < n; i++, len += 5)
		memcpy(text + len, "\"ab\"\n", 5);
	text[len] = '\0';
	assert_int_equal(load(fx, text), -E2BIG);
	free(text);
	find_diag(fx, ":5: a record longer than 256 KiB or 8192 lines");
}

/* a.zone includes b.zone, which includes a symbolic link to a.zone: the loop is named, not
 * taken for deep nesting. */
static void test_include_loop_through_symlink(void **state)
{
	struct fixture *fx = *state;
	char link[128];

	put(fx, "a.zone", "$INCLUDE b.zone\n", 16);
	put(fx, "b.zone", "$INCLUDE link.zone\n", 19);
	snprintf(link, sizeof(link), "%s/link.zone", fx->dir);
	assert_int_equal(symlink("a.zone", link), 0);
	assert_int_equal(load(fx, FIXTURE_HEAD "$INCLUDE a.zone\n"), -EINVAL);
	find_diag(fx, "b.zone:1: $INCLUDE");
	find_diag(fx, "link.zone: includes itself through");
	find_diag(fx, "/a.zone -> ");
	assert_int_equal(fx->diag.count, 1);
}

static void test_include_symlink_eloop(void **state)
{
	struct fixture *fx = *state;
	char one[128], two[128];

	snprintf(one, sizeof(one), "%s/one", fx->dir);
	snprintf(two, sizeof(two), "%s/two", fx->dir);
	assert_int_equal(symlink("two", one), 0);
	assert_int_equal(symlink("one", two), 0);
	assert_int_equal(load(fx, FIXTURE_HEAD "$INCLUDE one\n"), -EINVAL);
	find_diag(fx, ":5: $INCLUDE");
	find_diag(fx, "one: a loop of symbolic links");
}

/* Ten files each including the next, none twice: the depth bound, said as such. */
static void test_include_too_deep(void **state)
{
	struct fixture *fx = *state;
	char name[16], text[32];

	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "%d.zone", i);
		snprintf(text, sizeof(text), "$INCLUDE %d.zone\n", i + 1);
		put(fx, name, text, strlen(text));
	}
	put(fx, "10.zone", "", 0);
	assert_int_equal(load(fx, FIXTURE_HEAD "$INCLUDE 0.zone\n"), -EINVAL);
	find_diag(fx, "nested more than 8 deep");
	assert_int_equal(fx->diag.count, 1);
}

static void test_excerpt(void **state)
{
	char buf[DIAG_EXCERPT_SIZE];

	(void)state;
	assert_string_equal(diag_excerpt(buf, "www.example.com. IN A"), "www.example.com.");
	assert_string_equal(diag_excerpt(buf, "a'b\x1b[2J\xff"), "a\\x27b\\x1b[2J\\xff");
	assert_string_equal(diag_excerpt(buf, "0123456789abcdef0123456789abcdefXYZ"),
			    "0123456789abcdef0123456789abcdef...");
	/* the worst case fills the buffer exactly */
	assert_int_equal(strlen(diag_excerpt(buf, "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"
						  "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"
						  "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01")),
			 DIAG_EXCERPT_SIZE - 1);
}

/* A file that is not a zone file: its errors name file and line and quote at most an excerpt,
 * never the line. */
static void test_included_secret_not_echoed(void **state)
{
	struct fixture *fx = *state;
	const char *shadow = "root:$y$j9T$salt0123456789abcdefgh$SECRETHASHsecrethash0123456789:"
			     "19000:0:99999:7:::\n"
			     "svc IN A $y$j9T$SECRETHASHsecrethash0123456789\n";

	put(fx, "shadow", shadow, strlen(shadow));
	assert_int_equal(load(fx, FIXTURE_HEAD "$INCLUDE shadow\n"), -EINVAL);
	find_diag(fx, "shadow:1: cannot read the record: 'root:$y$j9T$salt0123456789abcdef...'");
	find_diag(fx, "shadow:2: cannot read the record: '$y$j9T$SECRETHASHsecrethash01234...'");
	for (size_t i = 0; i < fx->diag.count; i++)
		assert_null(strstr(fx->diag.lines[i], "SECRETHASHsecrethash0123456789"));
}

/* Control bytes in a record come back escaped: a message is one printable line. */
static void test_binary_junk_escaped(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(load(fx, FIXTURE_HEAD "www IN A \x1b[2J\x07\r1.2.3.4\n"), -EINVAL);
	find_diag(fx, ":5: cannot read the record: '\\x1b[2J\\x07");
	for (size_t i = 0; i < fx->diag.count; i++)
		for (const char *p = fx->diag.lines[i]; *p != '\0'; p++)
			assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
}

static void test_nul_byte(void **state)
{
	struct fixture *fx = *state;
	static const char text[] = FIXTURE_HEAD "www IN A 192.0.2.1\0junk\n";

	put(fx, "zone", text, sizeof(text) - 1);
	assert_int_equal(zone_load(&fx->zone, ORIGIN, fx->path, &fx->diag), -EINVAL);
	find_diag(fx, ":5: a NUL byte: is this a text file?");
}

/* 30 bad records: 20 errors, then one line saying the read stopped; the rest not read. */
static void test_too_many_errors(void **state)
{
	struct fixture *fx = *state;
	char text[4096];
	size_t len = sizeof(FIXTURE_HEAD) - 1;

	memcpy(text, FIXTURE_HEAD, len);
	for (int i = 0; i < 30; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "h%d IN A 192.0.2.%d\n", i,
					300 + i);
	assert_int_equal(load(fx, text), -EOVERFLOW);
	assert_int_equal(fx->diag.count, 21);
	find_diag(fx, ":25: too many errors (20); the rest was not read");
	for (size_t i = 0; i < fx->diag.count; i++)
		assert_null(strstr(fx->diag.lines[i], "h20"));
}

static void test_cancel_flag(void **state)
{
	struct fixture *fx = *state;
	static volatile sig_atomic_t cancel = 1;

	diag_set_stop(&fx->diag, 0, &cancel);
	assert_int_equal(load(fx, FIXTURE_HEAD), -ECANCELED);
	assert_null(fx->zone);
	assert_int_equal(fx->diag.stopped, -ECANCELED);
	find_diag(fx, "the load was cancelled");
}

/* A deadline already past stops the load at its first check. */
static void test_deadline_passed(void **state)
{
	struct fixture *fx = *state;

	fx->diag.deadline.tv_sec = 1;
	assert_int_equal(load(fx, FIXTURE_HEAD), -ETIMEDOUT);
	assert_null(fx->zone);
	find_diag(fx, "it took longer than its deadline");
}

/* No cancel and no deadline: a load is never stopped. */
static void test_no_stop_by_default(void **state)
{
	struct fixture *fx = *state;

	diag_set_stop(&fx->diag, 300, NULL);
	assert_int_equal(load(fx, FIXTURE_HEAD), 0);
	assert_non_null(fx->zone);
	assert_int_equal(fx->diag.stopped, 0);
}

static void test_config_fifo(void **state)
{
	struct fixture *fx = *state;
	struct config cfg;
	char fifo[128];

	snprintf(fifo, sizeof(fifo), "%s/batond.conf", fx->dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(config_load(&cfg, fifo, &fx->diag), -ENOTSUP);
	find_diag(fx, "batond.conf: cannot open: not a regular file (a FIFO)");
}

static void test_config_reload_timeout(void **state)
{
	struct fixture *fx = *state;
	struct config cfg;
	const char *path;

	path = put(fx, "a.conf", "server:\n  port: 5353\n", 21);
	assert_int_equal(config_load(&cfg, path, &fx->diag), 0);
	assert_int_equal(cfg.reload_timeout_s, 300);
	config_free(&cfg);
	path = put(fx, "b.conf", "server:\n  reload-timeout: 20\n", 29);
	assert_int_equal(config_load(&cfg, path, &fx->diag), 0);
	assert_int_equal(cfg.reload_timeout_s, 20);
	config_free(&cfg);
	path = put(fx, "c.conf", "server:\n  reload-timeout: 0\n", 28);
	assert_int_equal(config_load(&cfg, path, &fx->diag), -EINVAL);
	find_diag(fx, "c.conf:2: reload-timeout: must be between 1 and 86400");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_fifo_included),
		T(test_fifo_as_zone_file),
		T(test_device_included),
		T(test_line_too_long),
		T(test_record_too_long),
		T(test_parenthesis_lines_bound),
		T(test_include_loop_through_symlink),
		T(test_include_symlink_eloop),
		T(test_include_too_deep),
		T(test_excerpt),
		T(test_included_secret_not_echoed),
		T(test_binary_junk_escaped),
		T(test_nul_byte),
		T(test_too_many_errors),
		T(test_cancel_flag),
		T(test_deadline_passed),
		T(test_no_stop_by_default),
		T(test_config_fifo),
		T(test_config_reload_timeout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
