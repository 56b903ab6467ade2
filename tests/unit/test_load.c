/* Unit tests for zones/load.c and zones/reader.c through zone_source_read(): the file and line
 * of every record, stanza and error across $INCLUDE files, $ORIGIN and $TTL, blank owners. */
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
#include <unistd.h>

#include "zones/dname.h"
#include "zones/load.h"

#define ORIGIN "example.com"
#define FILES_MAX 4

struct fixture {
	char dir[64]; /* a private folder for the zone and what it includes */
	char paths[FILES_MAX][128];
	size_t file_count;
	struct zone_source src;
	struct diag d;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/baton_load.XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	diag_init(&fx->d);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	zone_source_fini(&fx->src);
	diag_fini(&fx->d);
	for (size_t i = 0; i < fx->file_count; i++)
		unlink(fx->paths[i]);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

/* Writes `dir/name` and returns its path. */
static const char *put(struct fixture *fx, const char *name, const char *text)
{
	char *path = fx->paths[fx->file_count], built[sizeof(fx->paths[0])];
	FILE *fp;

	assert_true(fx->file_count < FILES_MAX);
	snprintf(built, sizeof(built), "%s/%s", fx->dir, name);
	memcpy(path, built, sizeof(built));
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	fx->file_count++;
	return path;
}

static int read_zone(struct fixture *fx, const char *path)
{
	return zone_source_read(&fx->src, ORIGIN, path, &fx->d);
}

/* The n-th record (0 first) whose owner is `owner` (absolute, presentation) and type `type`. */
static const struct zone_source_rr *rr_at(const struct fixture *fx, const char *owner,
					  ldns_rr_type type, unsigned n)
{
	for (size_t i = 0; i < fx->src.count; i++) {
		const struct zone_source_rr *rr = &fx->src.rrs[i];
		char name[DNAME_STR_MAX];
		bool match = strcmp(dname_to_str(rr->owner, name, sizeof(name)), owner) == 0 &&
			     rr->type == type;

		if (match && n-- == 0)
			return &fx->src.rrs[i];
	}
	fail_msg("no record %s type %d", owner, type);
	return NULL;
}

/* The record is at `file`:`line`. */
static void expect_at(const struct zone_source_rr *rr, const char *file, unsigned line)
{
	assert_string_equal(rr->file, file);
	assert_int_equal(rr->line, line);
}

static void expect_diag(const struct fixture *fx, size_t i, const char *file, unsigned line,
			const char *needle)
{
	char prefix[256];

	snprintf(prefix, sizeof(prefix), "%s:%u: ", file, line);
	assert_true(i < fx->d.count);
	if (strncmp(fx->d.lines[i], prefix, strlen(prefix)) != 0 ||
	    strstr(fx->d.lines[i], needle) == NULL)
		fail_msg("diag %zu is '%s', not '%s...%s...'", i, fx->d.lines[i], prefix, needle);
}

/* Comments and blank lines count; a parenthesised record is at its first line. */
static void test_record_lines(void **state)
{
	struct fixture *fx = *state;
	const char *zone = put(fx, "db",
			       "; a comment\n" /* 1 */
			       "\n" /* 2 */
			       "@ IN SOA ns1 hostmaster ( 1 ; serial\n" /* 3 */
			       "  7200 900\n" /* 4 */
			       "  1209600 300 )\n" /* 5 */
			       "@ IN NS ns1 ; trailing comment\n" /* 6 */
			       "ns1 IN A 192.0.2.1\n" /* 7 */
			       "txt IN TXT \"a ; not a comment\"\n"); /* 8 */

	assert_int_equal(read_zone(fx, zone), 0);
	assert_int_equal(fx->d.count, 0);
	assert_int_equal(fx->src.count, 4);
	expect_at(rr_at(fx, "example.com.", LDNS_RR_TYPE_SOA, 0), zone, 3);
	expect_at(rr_at(fx, "example.com.", LDNS_RR_TYPE_NS, 0), zone, 6);
	expect_at(rr_at(fx, "ns1.example.com.", LDNS_RR_TYPE_A, 0), zone, 7);
	expect_at(rr_at(fx, "txt.example.com.", LDNS_RR_TYPE_TXT, 0), zone, 8);
	assert_int_equal(fx->src.file_count, 1);
	assert_string_equal(fx->src.files[0], zone);
}

/* Records of an included file carry its name and its own line numbers; the including file's
 * lines go on after the $INCLUDE. A relative name is found beside the including file. */
static void test_include_lines(void **state)
{
	struct fixture *fx = *state;
	const char *inc = put(fx, "inc.db",
			      "\n" /* 1 */
			      "host IN A 192.0.2.7\n" /* 2 */
			      "$SITE fra 192.0.2.10\n"); /* 3 */
	const char *zone = put(fx, "db",
			       "$TTL 300\n" /* 1 */
			       "@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n" /* 2 */
			       "$INCLUDE inc.db\n" /* 3 */
			       "www IN A 192.0.2.80\n" /* 4 */
			       "www 60 IN FAILOVER sites=fra\n"); /* 5 */

	assert_int_equal(read_zone(fx, zone), 0);
	assert_int_equal(fx->d.count, 0);
	expect_at(rr_at(fx, "host.example.com.", LDNS_RR_TYPE_A, 0), inc, 2);
	expect_at(rr_at(fx, "www.example.com.", LDNS_RR_TYPE_A, 0), zone, 4);
	assert_int_equal(fx->src.file_count, 2);
	assert_string_equal(fx->src.files[0], zone);
	assert_string_equal(fx->src.files[1], inc);
	assert_int_equal(fx->src.stanza_count, 2);
	assert_int_equal(fx->src.stanzas[0].kind, STANZA_SITE);
	assert_string_equal(fx->src.stanzas[0].file, inc);
	assert_int_equal(fx->src.stanzas[0].line, 3);
	assert_string_equal(fx->src.stanzas[0].args, "fra 192.0.2.10");
	assert_int_equal(fx->src.stanzas[1].kind, STANZA_FAILOVER);
	assert_string_equal(fx->src.stanzas[1].file, zone);
	assert_int_equal(fx->src.stanzas[1].line, 5);
	assert_int_equal(fx->src.stanzas[1].ttl, 60);
}

/* Each error names the file it is in, included or not, and reading goes on after it. */
static void test_include_errors(void **state)
{
	struct fixture *fx = *state;
	const char *inc = put(fx, "inc.db",
			      "ok IN A 192.0.2.7\n" /* 1 */
			      "bad IN A 192.0.2\n" /* 2 */
			      "open IN TXT ( \"never closed\"\n"); /* 3 */
	const char *zone = put(fx, "db",
			       "@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n" /* 1 */
			       "$INCLUDE inc.db\n" /* 2 */
			       "also-bad IN AAAA 192.0.2.1\n" /* 3 */
			       "fine IN A 192.0.2.9\n" /* 4 */
			       "$INCLUDE missing.db\n"); /* 5 */

	assert_int_equal(read_zone(fx, zone), -EINVAL);
	if (fx->d.count != 4)
		diag_print(&fx->d, stderr, "  diag: ");
	assert_int_equal(fx->d.count, 4);
	expect_diag(fx, 0, inc, 2, "192.0.2");
	expect_diag(fx, 1, inc, 3, "");
	expect_diag(fx, 2, zone, 3, "192.0.2.1");
	expect_diag(fx, 3, zone, 5, "missing.db");
	expect_at(rr_at(fx, "ok.example.com.", LDNS_RR_TYPE_A, 0), inc, 1);
	expect_at(rr_at(fx, "fine.example.com.", LDNS_RR_TYPE_A, 0), zone, 4);
}

/* $ORIGIN changes what relative names mean; an included file's $ORIGIN (or the one $INCLUDE
 * gives) ends with it (RFC 1035 §5.1). */
static void test_origin(void **state)
{
	struct fixture *fx = *state;
	const char *inc = put(fx, "inc.db",
			      "a IN A 192.0.2.1\n"
			      "$ORIGIN deeper.example.com.\n"
			      "b IN A 192.0.2.2\n");
	const char *zone = put(fx, "db",
			       "@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n"
			       "$ORIGIN sub.example.com.\n"
			       "x IN A 192.0.2.3\n"
			       "@ IN TXT \"sub apex\"\n"
			       "$INCLUDE inc.db lab.example.com.\n"
			       "y IN A 192.0.2.4\n"
			       "$ORIGIN example.com.\n"
			       "z IN CNAME x.sub\n");

	assert_int_equal(read_zone(fx, zone), 0);
	assert_int_equal(fx->d.count, 0);
	rr_at(fx, "x.sub.example.com.", LDNS_RR_TYPE_A, 0);
	rr_at(fx, "sub.example.com.", LDNS_RR_TYPE_TXT, 0);
	expect_at(rr_at(fx, "a.lab.example.com.", LDNS_RR_TYPE_A, 0), inc, 1);
	expect_at(rr_at(fx, "b.deeper.example.com.", LDNS_RR_TYPE_A, 0), inc, 3);
	expect_at(rr_at(fx, "y.sub.example.com.", LDNS_RR_TYPE_A, 0), zone, 6);
	{
		const struct zone_source_rr *z = rr_at(fx, "z.example.com.", LDNS_RR_TYPE_CNAME, 0);
		char target[DNAME_STR_MAX];

		assert_string_equal(dname_to_str(z->rdata, target, sizeof(target)),
				    "x.sub.example.com.");
	}
}

/* Without $TTL a record has 3600; $TTL applies to the records after it, an explicit TTL wins. */
static void test_ttl(void **state)
{
	struct fixture *fx = *state;
	const char *zone = put(fx, "db",
			       "@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n"
			       "a IN A 192.0.2.1\n"
			       "$TTL 1h30m\n"
			       "b IN A 192.0.2.2\n"
			       "c 60 IN A 192.0.2.3\n"
			       "$TTL 45\n"
			       "d IN A 192.0.2.4\n");

	assert_int_equal(read_zone(fx, zone), 0);
	assert_int_equal(rr_at(fx, "a.example.com.", LDNS_RR_TYPE_A, 0)->ttl, 3600);
	assert_int_equal(rr_at(fx, "b.example.com.", LDNS_RR_TYPE_A, 0)->ttl, 5400);
	assert_int_equal(rr_at(fx, "c.example.com.", LDNS_RR_TYPE_A, 0)->ttl, 60);
	assert_int_equal(rr_at(fx, "d.example.com.", LDNS_RR_TYPE_A, 0)->ttl, 45);
}

static void test_bad_directives(void **state)
{
	struct fixture *fx = *state;
	const char *zone = put(fx, "db",
			       "@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n" /* 1 */
			       "$TTL soon\n" /* 2 */
			       "$ORIGIN\n" /* 3 */
			       "a IN A 192.0.2.1\n"); /* 4 */

	assert_int_equal(read_zone(fx, zone), -EINVAL);
	assert_int_equal(fx->d.count, 2);
	expect_diag(fx, 0, zone, 2, "$TTL 'soon' is not a TTL");
	expect_diag(fx, 1, zone, 3, "$ORIGIN takes one domain name");
	expect_at(rr_at(fx, "a.example.com.", LDNS_RR_TYPE_A, 0), zone, 4);
}

/* A blank owner repeats the previous record's (RFC 1035 §5.1), across a $ORIGIN too; an included
 * file starts with none, and after it the including file's previous owner applies again. */
static void test_blank_owners(void **state)
{
	struct fixture *fx = *state;
	const char *inc = put(fx, "inc.db",
			      "  IN TXT \"no owner yet\"\n" /* 1 */
			      "host IN A 192.0.2.7\n" /* 2 */
			      "  IN AAAA 2001:db8::7\n"); /* 3 */
	const char *zone = put(fx, "db",
			       "@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n" /* 1 */
			       "  IN NS ns1\n" /* 2 */
			       "www IN A 192.0.2.80\n" /* 3 */
			       "$ORIGIN other.example.com.\n" /* 4 */
			       "\tIN TXT \"still www\"\n" /* 5 */
			       "$INCLUDE inc.db\n" /* 6 */
			       "\tIN MX 10 mail\n"); /* 7 */

	assert_int_equal(read_zone(fx, zone), -EINVAL);
	assert_int_equal(fx->d.count, 1);
	expect_diag(fx, 0, inc, 1, "no owner name");
	expect_at(rr_at(fx, "example.com.", LDNS_RR_TYPE_NS, 0), zone, 2);
	expect_at(rr_at(fx, "www.example.com.", LDNS_RR_TYPE_TXT, 0), zone, 5);
	/* the included file starts at the including file's current $ORIGIN */
	expect_at(rr_at(fx, "host.other.example.com.", LDNS_RR_TYPE_AAAA, 0), inc, 3);
	expect_at(rr_at(fx, "www.example.com.", LDNS_RR_TYPE_MX, 0), zone, 7);
}

/* The fuzzer's entry: a stream read under the name it is given. */
static void test_stream_name(void **state)
{
	struct fixture *fx = *state;
	static char text[] = "@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n"
			     "\n"
			     "bad IN A nowhere\n";
	FILE *fp = fmemopen(text, strlen(text), "r");

	assert_non_null(fp);
	assert_int_equal(zone_source_read_stream(&fx->src, ORIGIN, fp, "memory", &fx->d), -EINVAL);
	fclose(fp);
	assert_int_equal(fx->d.count, 1);
	expect_diag(fx, 0, "memory", 3, "cannot read the record");
	expect_at(rr_at(fx, "example.com.", LDNS_RR_TYPE_SOA, 0), "memory", 1);
}

static void test_missing_file(void **state)
{
	struct fixture *fx = *state;
	char path[128];

	snprintf(path, sizeof(path), "%s/absent.db", fx->dir);
	assert_int_equal(read_zone(fx, path), -ENOENT);
	assert_int_equal(fx->d.count, 1);
	assert_non_null(strstr(fx->d.lines[0], "cannot read zone file"));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_record_lines), T(test_include_lines), T(test_include_errors),
		T(test_origin),	      T(test_ttl),	     T(test_bad_directives),
		T(test_blank_owners), T(test_stream_name),   T(test_missing_file),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
