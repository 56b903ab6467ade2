/* The query path allocates nothing: every allocation function is wrapped at link time
 * (-Wl,--wrap=...) and counted while answer_query() answers every kind of query. */
#include "autoconfig.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>
#include <ldns/ldns.h>

#include "server/answer.h"
#include "zones/zone.h"
#include "zones/zoneset.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);

static bool counting;
static unsigned allocations;

void *__wrap_malloc(size_t size)
{
	allocations += counting;
	return __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	allocations += counting;
	return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
	allocations += counting;
	return __real_realloc(p, size);
}

static const char zone_text[] =
	"$ORIGIN example.com.\n$TTL 300\n"
	"@ SOA ns1 hostmaster 1 7200 3600 1209600 60\n@ NS ns1\n@ MX 10 mail\n"
	"ns1 A 192.0.2.53\nmail A 192.0.2.25\nwww A 192.0.2.80\nwww AAAA 2001:db8::80\n"
	"alias CNAME www\nloop1 CNAME loop2\nloop2 CNAME loop1\n*.wild A 192.0.2.7\n"
	"a.b.ent TXT \"x\"\nsub NS ns.sub\nns.sub A 198.51.100.1\n"
	"big TXT \""
	"0123456789012345678901234567890123456789012345678901234567890123456789"
	"0123456789012345678901234567890123456789012345678901234567890123456789\"\n";

static struct zoneset *load(void)
{
	char path[] = "/tmp/baton-query-path-XXXXXX";
	int fd = mkstemp(path);
	struct zone *z = NULL;
	struct zoneset *zs = NULL;
	struct diag d;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, zone_text, sizeof(zone_text) - 1),
			 (ssize_t)sizeof(zone_text) - 1);
	close(fd);
	diag_init(&d);
	assert_int_equal(zone_load(&z, "example.com", path, &d), 0);
	diag_fini(&d);
	unlink(path);
	assert_int_equal(zoneset_new(&zs, &z, 1), 0);
	return zs;
}

static size_t make_query(uint8_t *buf, size_t size, const char *name, ldns_rr_type type, bool edns)
{
	ldns_pkt *q = NULL;
	uint8_t *wire = NULL;
	size_t len = 0;

	assert_int_equal(ldns_pkt_query_new_frm_str(&q, name, type, LDNS_RR_CLASS_IN, 0),
			 LDNS_STATUS_OK);
	if (edns)
		ldns_pkt_set_edns_udp_size(q, 1232);
	assert_int_equal(ldns_pkt2wire(&wire, q, &len), LDNS_STATUS_OK);
	assert_true(len <= size);
	memcpy(buf, wire, len);
	free(wire);
	ldns_pkt_free(q);
	return len;
}

static void test_no_allocation_per_query(void **state)
{
	static const struct {
		const char *name;
		ldns_rr_type type;
	} cases[] = {
		{ "www.example.com.", LDNS_RR_TYPE_A },
		{ "www.example.com.", LDNS_RR_TYPE_TXT },
		{ "nope.example.com.", LDNS_RR_TYPE_A },
		{ "alias.example.com.", LDNS_RR_TYPE_AAAA },
		{ "loop1.example.com.", LDNS_RR_TYPE_A },
		{ "x.wild.example.com.", LDNS_RR_TYPE_A },
		{ "b.ent.example.com.", LDNS_RR_TYPE_A },
		{ "host.sub.example.com.", LDNS_RR_TYPE_A },
		{ "example.com.", LDNS_RR_TYPE_ANY },
		{ "example.com.", LDNS_RR_TYPE_NS },
		{ "example.com.", LDNS_RR_TYPE_MX },
		{ "big.example.com.", LDNS_RR_TYPE_TXT },
		{ "example.org.", LDNS_RR_TYPE_A },
		{ "sub.example.com.", LDNS_RR_TYPE_DS },
	};
	struct zoneset *zs = load();
	const struct answer_source src = { .zones = zs, .edns_size = 1232 };
	uint8_t query[512], out[ANSWER_TCP_MAX];
	size_t answered = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (int edns = 0; edns < 2; edns++) {
			size_t len = make_query(query, sizeof(query), cases[i].name, cases[i].type,
						edns);

			counting = true;
			answered += answer_query(out, sizeof(out), query, len, false, &src) > 0;
			answered += answer_query(out, sizeof(out), query, len, true, &src) > 0;
			answered += answer_query(out, sizeof(out), query, len / 2, false, &src) > 0;
			counting = false;
		}
	}
	assert_int_equal(allocations, 0);
	/* every full query is answered; a half query still gets FORMERR unless it lacks a header */
	assert_true(answered >= 4 * sizeof(cases) / sizeof(cases[0]));
	zoneset_free(zs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_allocation_per_query),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
