/* Unit tests for zones/print.c: a printed zone reads back as the same zone, and a FAILOVER
 * prints as the A and AAAA records of the sites exported, with ttl-min as TTL. */
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

#include "tests/unit/zone_fixture.h"
#include "zones/print.h"

#define ORIGIN "example.com"

/* Many types, names in mixed case, an RRset with two TTLs, a wildcard, an empty non-terminal
 * and a delegation with glue. */
static const char zone_text[] = "$TTL 3600\n"
				"@ IN SOA ns1 hostmaster ( 2024010101 7200 900 1209600 300 )\n"
				"@ IN NS ns1\n"
				"@ IN NS ns2.elsewhere.example.\n"
				"@ IN MX 10 mail\n"
				"@ 300 IN TXT \"v=spf1 -all\" \"two strings; one \\\"quoted\\\"\"\n"
				"@ IN CAA 0 issue \"ca.example.net\"\n"
				"ns1 IN A 192.0.2.1\n"
				"ns1 IN AAAA 2001:db8::1\n"
				"mail IN A 192.0.2.25\n"
				"WWW 60 IN A 192.0.2.80\n"
				"WWW 120 IN A 192.0.2.81\n"
				"alias IN CNAME WWW\n"
				"_sip._tcp IN SRV 10 60 5060 sip\n"
				"sip IN A 192.0.2.6\n"
				"*.wild IN TXT \"wildcard\"\n"
				"a.b.c IN A 192.0.2.9\n"
				"1.2 IN PTR host.example.net.\n"
				"opaque IN TYPE65280 \\# 4 0a000001\n"
				"sub IN NS ns.sub\n"
				"ns.sub IN A 192.0.2.53\n";

static const char failover_text[] = "$TTL 3600\n"
				    "@ IN SOA ns1 hostmaster 7 7200 900 1209600 300\n"
				    "@ IN NS ns1\n"
				    "ns1 IN A 192.0.2.1\n"
				    "$SITE fra 192.0.2.10 2001:db8::10\n"
				    "$SITE iad 198.51.100.20\n"
				    "www 30 IN FAILOVER policy=order sites=fra,iad\n";

struct fixture {
	struct zone *zones[2];
	struct diag d;
	char *text;
	size_t len;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	diag_init(&fx->d);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	zone_free(fx->zones[0]);
	zone_free(fx->zones[1]);
	diag_fini(&fx->d);
	free(fx->text);
	free(fx);
	return 0;
}

static struct zone *compile(struct fixture *fx, const char *text)
{
	struct zone *z = NULL;

	if (fixture_zone(&z, ORIGIN, text, &fx->d) != 0)
		diag_print(&fx->d, stderr, "  diag: ");
	assert_non_null(z);
	assert_int_equal(fx->d.count, 0);
	return z;
}

/* zone_print() of `z` into a new string (the caller frees it). */
static char *print(const struct zone *z, const struct pick_set *picks)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	assert_int_equal(zone_print(out, z, picks, z->serial), 0);
	assert_int_equal(fclose(out), 0);
	return text;
}

static void expect_same_rrset(const struct zone_rrset *a, const struct zone_rrset *b)
{
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->ttl, b->ttl);
	assert_int_equal(a->rr_count, b->rr_count);
	for (uint16_t r = 0; r < a->rr_count; r++) {
		assert_int_equal(a->rrs[r].len, b->rrs[r].len);
		assert_memory_equal(a->rrs[r].wire, b->rrs[r].wire, a->rrs[r].len);
		assert_int_equal(a->rrs[r].name_count, b->rrs[r].name_count);
	}
}

/* Same names (as written), same flags, same RRsets byte for byte. */
static void expect_same_zone(const struct zone *a, const struct zone *b)
{
	assert_string_equal(a->name_str, b->name_str);
	assert_int_equal(a->serial, b->serial);
	assert_int_equal(a->node_count, b->node_count);
	for (uint32_t i = 0; i < a->node_count; i++) {
		const struct zone_node *x = &a->nodes[i], *y = &b->nodes[i];

		assert_int_equal(x->name_len, y->name_len);
		assert_memory_equal(x->name, y->name, x->name_len);
		assert_int_equal(x->flags, y->flags);
		assert_int_equal(x->glue_count, y->glue_count);
		assert_int_equal(x->rrset_count, y->rrset_count);
		for (uint16_t s = 0; s < x->rrset_count; s++)
			expect_same_rrset(&x->rrsets[s], &y->rrsets[s]);
	}
	expect_same_rrset(&a->negative_soa, &b->negative_soa);
}

static void test_round_trip(void **state)
{
	struct fixture *fx = *state;
	char *again;

	fx->zones[0] = compile(fx, zone_text);
	fx->text = print(fx->zones[0], NULL);
	fx->zones[1] = compile(fx, fx->text);
	expect_same_zone(fx->zones[0], fx->zones[1]);
	/* and printing is stable: the copy prints as the original did */
	again = print(fx->zones[1], NULL);
	assert_string_equal(again, fx->text);
	free(again);
}

/* The SOA comes first, so the printed file starts the zone as RFC 1035 §5.2 asks; each RRset
 * has the one TTL it is served with. */
static void test_soa_first_and_ttls(void **state)
{
	struct fixture *fx = *state;

	fx->zones[0] = compile(fx, zone_text);
	fx->text = print(fx->zones[0], NULL);
	assert_int_equal(strncmp(fx->text, "example.com.\t3600\tIN\tSOA\t", 25), 0);
	assert_non_null(strstr(fx->text, "WWW.example.com.\t60\tIN\tA\t192.0.2.80\n"));
	assert_non_null(strstr(fx->text, "WWW.example.com.\t60\tIN\tA\t192.0.2.81\n"));
	assert_null(strstr(fx->text, "\t120\t"));
}

/* With no health view every site is usable: policy=order exports its first site, as batond
 * answers a resolver without ECS, with ttl-min (default: half the TTL) as TTL. */
static void test_failover_no_view(void **state)
{
	struct fixture *fx = *state;
	const struct zone_node *www;
	const struct zone_rrset *a;

	fx->zones[0] = compile(fx, failover_text);
	fx->text = print(fx->zones[0], NULL);
	assert_null(strstr(fx->text, "FAILOVER"));
	assert_null(strstr(fx->text, "198.51.100.20"));
	fx->zones[1] = compile(fx, fx->text);
	www = &fx->zones[1]->nodes[fx->zones[1]->node_count - 1];
	assert_null(www->failover); /* a static zone */
	a = zone_node_rrset(www, LDNS_RR_TYPE_A);
	assert_non_null(a);
	assert_int_equal(a->rr_count, 1);
	assert_int_equal(a->ttl, 15);
	assert_non_null(zone_node_rrset(www, LDNS_RR_TYPE_AAAA));
	assert_int_equal(zone_node_rrset(www, LDNS_RR_TYPE_AAAA)->rr_count, 1);
}

/* The sites given are the ones printed: here iad alone (bit 1 of the FAILOVER's list). */
static void test_failover_picks(void **state)
{
	struct fixture *fx = *state;
	struct pick_set iad = { .sites = 1u << 1 };

	fx->zones[0] = compile(fx, failover_text);
	assert_int_equal(fx->zones[0]->failover_count, 1);
	fx->text = print(fx->zones[0], &iad);
	assert_non_null(strstr(fx->text, "www.example.com.\t15\tIN\tA\t198.51.100.20\n"));
	assert_null(strstr(fx->text, "192.0.2.10"));
	assert_null(strstr(fx->text, "2001:db8::10"));
}

/* No site at all (fallback=none with every site down): no address record for the name. */
static void test_failover_none(void **state)
{
	struct fixture *fx = *state;
	struct pick_set none = { 0 };

	fx->zones[0] = compile(fx, failover_text);
	fx->text = print(fx->zones[0], &none);
	assert_null(strstr(fx->text, "www.example.com."));
}

/* The SOA carries the serial given (the export's), not the file's. */
static void test_serial(void **state)
{
	struct fixture *fx = *state;
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	fx->zones[0] = compile(fx, failover_text);
	out = open_memstream(&text, &len);
	assert_non_null(out);
	assert_int_equal(zone_print(out, fx->zones[0], NULL, 4000000000u), 0);
	fclose(out);
	fx->text = text;
	assert_non_null(strstr(fx->text, " 4000000000 7200 900 1209600 300\n"));
}

static void test_write_error(void **state)
{
	struct fixture *fx = *state;
	FILE *full = fopen("/dev/full", "w");

	fx->zones[0] = compile(fx, zone_text);
	assert_non_null(full);
	setvbuf(full, NULL, _IONBF, 0);
	assert_int_equal(zone_print(full, fx->zones[0], NULL, 1), -EIO);
	fclose(full);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_round_trip),	T(test_soa_first_and_ttls), T(test_failover_no_view),
		T(test_failover_picks), T(test_failover_none),	    T(test_serial),
		T(test_write_error),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
