/* The compiled list of FAILOVER nodes (struct zone's failovers): exactly the names with a
 * FAILOVER, in the canonical order a walk of every node meets them, whatever the file's order. */
#include "autoconfig.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/zone_fixture.h"

#define HEAD                                                                         \
	"$ORIGIN example.com.\n$TTL 3600\n"                                          \
	"@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.53\n" \
	"$SITE fra 192.0.2.10\n$SITE iad 198.51.100.10\n"

/* Written out of canonical order, with static names between and around them, a wildcard, the
 * apex, a FAILOVER alone under empty non-terminals and one beside other data. */
static const char mixed_zone[] = HEAD "zz A 192.0.2.1\n"
				      "www 30 IN FAILOVER sites=fra,iad\n"
				      "mail A 192.0.2.2\n"
				      "*.wild 30 IN FAILOVER sites=fra\n"
				      "wild TXT \"parent\"\n"
				      "a.b.deep 30 IN FAILOVER policy=all sites=iad,fra\n"
				      "@ 30 IN FAILOVER sites=iad\n"
				      "x.wild A 192.0.2.3\n"
				      "api 30 IN FAILOVER sites=iad\n"
				      "www TXT \"beside\"\n";

/* Canonical order (RFC 4034 §6.1), apex first. */
static const char *const mixed_expected[] = {
	"example.com.",	       "api.example.com.", "a.b.deep.example.com.",
	"*.wild.example.com.", "www.example.com.",
};

static struct zone *compile(const char *text)
{
	struct zone *z = NULL;
	struct diag d;

	diag_init(&d);
	if (fixture_zone(&z, "example.com", text, &d) != 0)
		diag_print(&d, stderr, "  diag: ");
	diag_fini(&d);
	assert_non_null(z);
	return z;
}

/* The list holds the FAILOVER nodes themselves (not copies), each once, in `want` order, and
 * no node outside it has a FAILOVER. */
static void expect_list(const struct zone *z, const char *const *want, uint32_t count)
{
	uint32_t at = 0;

	assert_int_equal(z->failover_count, count);
	for (uint32_t i = 0; i < count; i++) {
		char name[DNAME_STR_MAX];

		assert_non_null(z->failovers[i]->failover);
		assert_string_equal(dname_to_str(z->failovers[i]->name, name, sizeof(name)),
				    want[i]);
	}
	for (uint32_t i = 0; i < z->node_count; i++) {
		if (z->nodes[i].failover == NULL)
			continue;
		assert_true(at < count);
		assert_ptr_equal(z->failovers[at], &z->nodes[i]);
		at++;
	}
	assert_int_equal(at, count);
}

static void test_list_in_canonical_order(void **state)
{
	struct zone *z = compile(mixed_zone);

	(void)state;
	expect_list(z, mixed_expected, 5);
	assert_int_equal(z->failovers[3]->flags & ZONE_NODE_WILDCARD, ZONE_NODE_WILDCARD);
	assert_int_equal(z->failovers[1]->failover->site_count, 1);
	assert_int_equal(z->failovers[2]->failover->policy, POLICY_ALL);
	zone_free(z);
}

static void test_no_failover_empty_list(void **state)
{
	struct zone *z = compile(HEAD "www A 192.0.2.1\n*.wild A 192.0.2.2\n");

	(void)state;
	assert_int_equal(z->failover_count, 0);
	assert_null(z->failovers);
	zone_free(z);
}

/* Many static names around a few FAILOVERs: the list holds only the FAILOVERs. */
static void test_few_among_many(void **state)
{
	static const char *const want[] = { "f0.example.com.", "f1.example.com.",
					    "f2.example.com." };
	size_t cap = 64 * 1024, len;
	char *text = malloc(cap);
	struct zone *z;

	(void)state;
	assert_non_null(text);
	len = (size_t)snprintf(text, cap, "%s", HEAD);
	for (int i = 0; i < 1000; i++)
		len += (size_t)snprintf(text + len, cap - len, "h%d A 192.0.2.%d\n", i,
					i % 250 + 1);
	for (int i = 2; i >= 0; i--)
		len += (size_t)snprintf(text + len, cap - len, "f%d 30 IN FAILOVER sites=fra\n", i);
	assert_true(len < cap);
	z = compile(text);
	free(text);
	assert_true(z->node_count > 1000);
	expect_list(z, want, 3);
	zone_free(z);
}

/* A FAILOVER at or below a zone cut is refused, so the list never holds one. */
static void test_failover_below_cut_refused(void **state)
{
	struct zone *z = NULL;
	struct diag d;
	bool named = false;

	(void)state;
	diag_init(&d);
	assert_int_equal(fixture_zone(&z, "example.com",
				      HEAD "sub NS ns.other.net.\n"
					   "www.sub 30 IN FAILOVER sites=fra\n",
				      &d),
			 -EINVAL);
	assert_null(z);
	for (size_t i = 0; i < d.count; i++)
		named |= strstr(d.lines[i], "below the delegation") != NULL;
	assert_true(named);
	diag_fini(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_in_canonical_order),
		cmocka_unit_test(test_no_failover_empty_list),
		cmocka_unit_test(test_few_among_many),
		cmocka_unit_test(test_failover_below_cut_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
