/* Unit tests for zones/keep.c (`zone-cache:`): a zone that compiles leaves a self-contained copy
 * that loads as the same zone; a zone that does not leaves the last good copy alone. */
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

#include "zones/keep.h"
#include "zones/print.h"
#include "zones/site.h"

#define ORIGIN "example.com"

struct fixture {
	char dir[64];
	char zone[128], inc[128], copy[128];
	struct zone *z, *again;
	struct diag d;
};

static void path_in(const struct fixture *fx, char out[128], const char *name)
{
	char built[128];

	snprintf(built, sizeof(built), "%s/%s", fx->dir, name);
	memcpy(out, built, sizeof(built));
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/baton_keep.XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	path_in(fx, fx->zone, "db");
	path_in(fx, fx->inc, "inc.db");
	path_in(fx, fx->copy, "cache.db");
	diag_init(&fx->d);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	zone_free(fx->z);
	zone_free(fx->again);
	diag_fini(&fx->d);
	unlink(fx->zone);
	unlink(fx->inc);
	unlink(fx->copy);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static void put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

/* The file's whole text (the caller frees it), or NULL when it does not exist. */
static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *text;
	long len;

	if (fp == NULL)
		return NULL;
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	len = ftell(fp);
	rewind(fp);
	text = calloc(1, (size_t)len + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	return text;
}

static char *print(const struct zone *z)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	assert_int_equal(zone_print(out, z, NULL, z->serial), 0);
	assert_int_equal(fclose(out), 0);
	return text;
}

/* An include with its own origin, blank owners, a comment and every stanza. */
static void write_good_zone(struct fixture *fx)
{
	put(fx->inc, "host IN A 192.0.2.7 ; a comment\n"
		     "  IN TXT \"same owner\"\n"
		     "$ORIGIN deeper.example.com.\n"
		     "x IN A 192.0.2.8\n");
	put(fx->zone, "$TTL 600\n"
		      "@ IN SOA ns1 hostmaster ( 2024010107 7200 900\n"
		      "                         1209600 300 )\n"
		      "@ IN NS ns1\n"
		      "ns1 IN A 192.0.2.1\n"
		      "$INCLUDE inc.db lab\n"
		      "  IN TXT \"the apex again\"\n"
		      "$CHECK web http port=8080 path=/health interval=5s\n"
		      "$SITE fra 192.0.2.10 2001:db8::10 check=web geo=50.11,8.68\n"
		      "$SITE iad 198.51.100.20 check=web geo=38.95,-77.45 weight=3\n"
		      "$GEO-MAP EU fra\n"
		      "$GEO-NET 203.0.113.0/24 iad\n"
		      "www 30 IN FAILOVER policy=geo sites=fra,iad fallback=all\n");
}

static void test_copy_loads_as_the_zone(void **state)
{
	struct fixture *fx = *state;
	char *printed, *printed_again;
	struct stat sb;
	int copy_err = 1, failovers = 0;

	write_good_zone(fx);
	assert_int_equal(zone_load_keeping(&fx->z, ORIGIN, fx->zone, fx->copy, &fx->d, &copy_err),
			 0);
	assert_int_equal(fx->d.count, 0);
	assert_int_equal(copy_err, 0);
	assert_int_equal(stat(fx->copy, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0644);

	/* self-contained: it loads with the zone's own files gone */
	unlink(fx->inc);
	unlink(fx->zone);
	if (zone_load(&fx->again, ORIGIN, fx->copy, &fx->d) != 0)
		diag_print(&fx->d, stderr, "  diag: ");
	assert_non_null(fx->again);
	printed = print(fx->z);
	printed_again = print(fx->again);
	assert_string_equal(printed_again, printed);
	free(printed);
	free(printed_again);
	assert_int_equal(fx->again->serial, 2024010107);
	assert_int_equal(fx->again->check_count, 1);
	assert_int_equal(fx->again->checks[0].interval_ms, 5000);
	assert_int_equal(fx->again->checks[0].port, 8080);
	assert_int_equal(fx->again->site_count, 2);
	assert_int_equal(site_find(fx->again, "iad")->weight, 3);
	assert_int_equal(site_find(fx->again, "fra")->v6_count, 1);
	assert_int_equal(fx->again->geo_map_count, 1);
	assert_int_equal(fx->again->geo_net_count, 1);
	for (uint32_t i = 0; i < fx->again->node_count; i++)
		if (fx->again->nodes[i].failover != NULL) {
			assert_int_equal(fx->again->nodes[i].failover->policy, POLICY_GEO);
			failovers++;
		}
	assert_int_equal(failovers, 1);
}

/* A zone with errors: no zone, the copy as it was, and no copy error (none was written). */
static void test_bad_zone_keeps_the_old_copy(void **state)
{
	struct fixture *fx = *state;
	struct zone *sentinel = (struct zone *)fx, *z = sentinel;
	int copy_err = 1;
	char *text;

	put(fx->copy, "; the last good copy\n");
	put(fx->zone, "@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n"
		      "@ IN NS ns1\n"
		      "ns1 IN A 192.0.2.300\n");
	assert_int_equal(zone_load_keeping(&z, ORIGIN, fx->zone, fx->copy, &fx->d, &copy_err),
			 -EINVAL);
	assert_ptr_equal(z, sentinel);
	assert_int_equal(copy_err, 0);
	assert_true(fx->d.count >= 1);
	text = slurp(fx->copy);
	assert_string_equal(text, "; the last good copy\n");
	free(text);
}

/* A zone that reads but does not compile (no NS) keeps the old copy too. */
static void test_uncompilable_zone_keeps_the_old_copy(void **state)
{
	struct fixture *fx = *state;
	struct zone *sentinel = (struct zone *)fx, *z = sentinel;
	int copy_err = 1;
	char *text;

	put(fx->copy, "; the last good copy\n");
	put(fx->zone, "@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n");
	assert_int_equal(zone_load_keeping(&z, ORIGIN, fx->zone, fx->copy, &fx->d, &copy_err),
			 -EINVAL);
	assert_ptr_equal(z, sentinel);
	text = slurp(fx->copy);
	assert_string_equal(text, "; the last good copy\n");
	free(text);
}

static void test_missing_zone_file(void **state)
{
	struct fixture *fx = *state;
	struct zone *sentinel = (struct zone *)fx, *z = sentinel;
	int copy_err = 1;

	assert_int_equal(zone_load_keeping(&z, ORIGIN, fx->zone, fx->copy, &fx->d, &copy_err),
			 -ENOENT);
	assert_ptr_equal(z, sentinel);
	assert_null(slurp(fx->copy));
}

/* The copy cannot be written: the zone still loads, and the error is the copy's. */
static void test_copy_write_fails(void **state)
{
	struct fixture *fx = *state;
	char nowhere[160];
	int copy_err = 0;

	write_good_zone(fx);
	snprintf(nowhere, sizeof(nowhere), "%s/no-such-folder/cache.db", fx->dir);
	assert_int_equal(zone_load_keeping(&fx->z, ORIGIN, fx->zone, nowhere, &fx->d, &copy_err),
			 0);
	assert_non_null(fx->z);
	assert_int_equal(copy_err, -ENOENT);
	assert_int_equal(fx->d.count, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_copy_loads_as_the_zone),
		T(test_bad_zone_keeps_the_old_copy),
		T(test_uncompilable_zone_keeps_the_old_copy),
		T(test_missing_zone_file),
		T(test_copy_write_fails),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
