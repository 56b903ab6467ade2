/* Fingerprints of a zone's files: what a reload compares to keep an unchanged zone without
 * compiling it. File times are set explicitly (utimensat), never waited for. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "server/fingerprint.h"

static const struct timespec t_old = { .tv_sec = 1000000000 };
static const struct timespec t_touched = { .tv_sec = 1000000500, .tv_nsec = 7 };
static const struct timespec t_reload = { .tv_sec = 1700000000 };

struct files {
	char dir[64];
	char zone[96];
	char inc[96];
	const char *list[2];
};

static void write_file(const char *path, const char *text, const struct timespec *mtime)
{
	FILE *f = fopen(path, "w");
	struct timespec times[2] = { *mtime, *mtime };

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
}

static int setup(void **state)
{
	struct files *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/baton-test-fp-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->zone, sizeof(f->zone), "%s/zone", f->dir);
	snprintf(f->inc, sizeof(f->inc), "%s/inc", f->dir);
	write_file(f->zone, "$INCLUDE inc\n@ SOA ns1 h 1 2 3 4 5\n", &t_old);
	write_file(f->inc, "www A 192.0.2.1\n", &t_old);
	f->list[0] = f->zone;
	f->list[1] = f->inc;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct files *f = *state;

	unlink(f->zone);
	unlink(f->inc);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void test_compare_is_pure(void **state)
{
	struct file_print a = { .size = 10, .mtime = t_old }, b;

	(void)state;
	memset(a.hash, 0xab, sizeof(a.hash));
	b = a;
	assert_int_equal(fingerprint_compare(&a, &b), FINGERPRINT_SAME);
	b.mtime = t_touched;
	assert_int_equal(fingerprint_compare(&a, &b), FINGERPRINT_TOUCHED);
	b.hash[31] ^= 1;
	assert_int_equal(fingerprint_compare(&a, &b), FINGERPRINT_CHANGED);
	b = a;
	b.size = 11;
	assert_int_equal(fingerprint_compare(&a, &b), FINGERPRINT_CHANGED);
}

static void take(struct files *f, struct zone_prints *p)
{
	static const int zone_tag = 1;

	assert_int_equal(fingerprint_zone(p, &zone_tag, f->list, 2, &t_reload), 0);
	assert_int_equal(p->count, 2);
	assert_ptr_equal(p->zone, &zone_tag);
}

static void test_unchanged_files_are_the_same(void **state)
{
	struct files *f = *state;
	struct zone_prints p;

	take(f, &p);
	assert_int_equal(fingerprint_check(&p), FINGERPRINT_SAME);
	fingerprint_fini(&p);
}

/* A touch moves the mtime and leaves the bytes: still the zone that was compiled. */
static void test_touched_include_is_kept(void **state)
{
	struct files *f = *state;
	struct zone_prints p;
	struct timespec times[2] = { t_touched, t_touched };

	take(f, &p);
	assert_int_equal(utimensat(AT_FDCWD, f->inc, times, 0), 0);
	assert_int_equal(fingerprint_check(&p), FINGERPRINT_TOUCHED);
	fingerprint_fini(&p);
}

/* Same size and the same mtime (cp -p, rsync -t): only the hash sees the change. */
static void test_same_size_same_mtime_other_bytes_changed(void **state)
{
	struct files *f = *state;
	struct zone_prints p;

	take(f, &p);
	write_file(f->inc, "www A 192.0.2.2\n", &t_old);
	assert_int_equal(fingerprint_check(&p), FINGERPRINT_CHANGED);
	fingerprint_fini(&p);
}

static void test_removed_include_changed(void **state)
{
	struct files *f = *state;
	struct zone_prints p;

	take(f, &p);
	assert_int_equal(unlink(f->inc), 0);
	assert_int_equal(fingerprint_check(&p), FINGERPRINT_CHANGED);
	fingerprint_fini(&p);
}

/* A file written after the reload began may differ from what the loader read: no prints. */
static void test_file_newer_than_the_reload_is_refused(void **state)
{
	struct files *f = *state;
	struct zone_prints p = { 0 };
	const struct timespec later = { .tv_sec = t_reload.tv_sec + 1 };

	write_file(f->inc, "www A 192.0.2.1\n", &later);
	assert_int_equal(fingerprint_zone(&p, NULL, f->list, 2, &t_reload), -EAGAIN);
	assert_null(p.files);
	write_file(f->inc, "www A 192.0.2.1\n", &t_reload); /* the same tick: not before */
	assert_int_equal(fingerprint_zone(&p, NULL, f->list, 2, &t_reload), -EAGAIN);
}

static void test_missing_file_is_an_error(void **state)
{
	struct files *f = *state;
	struct zone_prints p = { 0 };
	const char *list[1] = { "/nonexistent/baton-zone" };

	assert_int_equal(fingerprint_zone(&p, NULL, list, 1, &t_reload), -ENOENT);
	list[0] = f->dir; /* a folder is no zone file */
	assert_int_equal(fingerprint_zone(&p, NULL, list, 1, &t_reload), -EINVAL);
	assert_int_equal(fingerprint_check(&p), FINGERPRINT_CHANGED); /* nothing recorded */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compare_is_pure),
		cmocka_unit_test_setup_teardown(test_unchanged_files_are_the_same, setup, teardown),
		cmocka_unit_test_setup_teardown(test_touched_include_is_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_size_same_mtime_other_bytes_changed,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_removed_include_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_newer_than_the_reload_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_missing_file_is_an_error, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
