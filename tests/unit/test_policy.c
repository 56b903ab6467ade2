/* FAILOVER answers (server/policy.c through answer_query()): each policy and fallback against a
 * hand-made health view, the address-family rule, and the TTL clamp. */
#include "autoconfig.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "baton/health.h"
#include "server/answer.h"
#include "server/policy.h"
#include "tests/unit/zone_fixture.h"

static const char zone_text[] =
	"$ORIGIN example.com.\n$TTL 3600\n"
	"@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.53\n"
	"$SITE fra 192.0.2.10 2001:db8::10 weight=1\n"
	"$SITE iad 198.51.100.10 weight=3\n"
	"$SITE sin 203.0.113.10\n"
	"www 30 IN FAILOVER policy=order sites=iad,fra,sin\n"
	"all 30 IN FAILOVER policy=all sites=fra,iad,sin\n"
	"w 30 IN FAILOVER policy=weighted sites=fra,iad\n"
	"sf 30 IN FAILOVER sites=sin fallback=servfail\n"
	"none 30 IN FAILOVER sites=sin fallback=none\n"
	"fb 30 IN FAILOVER sites=sin fallback=fra\n"
	"open 30 IN FAILOVER sites=iad,sin fallback=all\n"
	"floor 60 IN FAILOVER sites=fra ttl-min=10\n"
	"long 600 IN FAILOVER sites=iad\n"
	"*.wild 30 IN FAILOVER sites=fra\n"
	"www TXT \"beside\"\n";

struct fixture {
	struct zoneset *zs;
	struct health_view *view;
	uint64_t now_ms; /* the answer's clock: the caller's, so TTLs are exact */
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct zone *z = NULL;
	struct diag d;

	diag_init(&d);
	assert_int_equal(fixture_zone(&z, "example.com", zone_text, &d), 0);
	diag_fini(&d);
	/* what health_engine_sync() does: site i gets id i */
	for (uint32_t i = 0; i < z->site_count; i++)
		z->sites[i].health_id = i;
	assert_int_equal(zoneset_new(&fx->zs, &z, 1), 0);
	fx->view = calloc(1, sizeof(*fx->view) + 3 * sizeof(fx->view->sites[0]));
	fx->view->count = 3;
	for (int i = 0; i < 3; i++) {
		fx->view->sites[i].verdict = SITE_UP;
		fx->view->sites[i].next_change_ms = INT64_MAX;
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	zoneset_free(fx->zs);
	free(fx->view);
	free(fx);
	return 0;
}

enum { FRA, IAD, SIN };

static ldns_pkt *ask_edns(struct fixture *fx, const char *name, uint16_t qtype, bool edns)
{
	const struct answer_source src = { .zones = fx->zs,
					   .health = fx->view,
					   .edns_size = FIXTURE_EDNS_SIZE,
					   .now_ms = fx->now_ms };
	struct fixture_query fq = {
		.name = name, .qtype = qtype, .edns = edns, .edns_udp_size = 1232
	};
	uint8_t query[512], out[1232];
	size_t qlen = fixture_build_query(&fq, query, sizeof(query));
	size_t len = answer_query(out, sizeof(out), query, qlen, false, &src, NULL);
	ldns_pkt *p = NULL;

	assert_true(len > 0);
	assert_int_equal(ldns_wire2pkt(&p, out, len), LDNS_STATUS_OK);
	return p;
}

static ldns_pkt *ask(struct fixture *fx, const char *name, uint16_t qtype)
{
	return ask_edns(fx, name, qtype, false);
}

/* The Extended DNS Error of `name` asked with EDNS, as "code text" ("code" without text), or
 * "" when there is none (RFC 8914 §2). */
static void ede_of(struct fixture *fx, const char *name, uint16_t qtype, char *buf, size_t size)
{
	ldns_pkt *p = ask_edns(fx, name, qtype, true);
	const ldns_rdf *opts = ldns_pkt_edns_data(p);
	const uint8_t *d = opts != NULL ? ldns_rdf_data(opts) : NULL;
	size_t len = opts != NULL ? ldns_rdf_size(opts) : 0, at = 0;

	assert_true(ldns_pkt_edns(p));
	buf[0] = '\0';
	while (at + 4 <= len) {
		uint16_t code = (uint16_t)(d[at] << 8 | d[at + 1]);
		uint16_t olen = (uint16_t)(d[at + 2] << 8 | d[at + 3]);

		assert_true(at + 4 + olen <= len);
		if (code == 15) {
			assert_true(olen >= 2);
			snprintf(buf, size, "%u%s%.*s", (unsigned)(d[at + 4] << 8 | d[at + 5]),
				 olen > 2 ? " " : "", (int)(olen - 2), (const char *)d + at + 6);
		}
		at += 4u + olen;
	}
	ldns_pkt_free(p);
}

static void expect_ede(struct fixture *fx, const char *name, uint16_t qtype, const char *want)
{
	char got[128];
	ldns_pkt *p;

	ede_of(fx, name, qtype, got, sizeof(got));
	assert_string_equal(got, want);
	/* RFC 8914 §2: an EDE lives in the OPT, so a query without EDNS gets none */
	p = ask(fx, name, qtype);
	assert_false(ldns_pkt_edns(p));
	ldns_pkt_free(p);
}

/* The addresses in the answer section, comma-separated, in order. */
static void answer_text(const ldns_pkt *p, char *buf, size_t size)
{
	const ldns_rr_list *an = ldns_pkt_answer(p);

	buf[0] = '\0';
	for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
		char *s = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(an, i), 0));

		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", i ? "," : "", s);
		free(s);
	}
}

static void expect_answer(struct fixture *fx, const char *name, uint16_t qtype,
			  const char *expected)
{
	ldns_pkt *p = ask(fx, name, qtype);
	char got[256];

	answer_text(p, got, sizeof(got));
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	assert_true(ldns_pkt_aa(p));
	assert_string_equal(got, expected);
	ldns_pkt_free(p);
}

static void expect_nodata(struct fixture *fx, const char *name, uint16_t qtype)
{
	ldns_pkt *p = ask(fx, name, qtype);

	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	assert_int_equal(ldns_pkt_ancount(p), 0);
	assert_int_equal(ldns_pkt_nscount(p), 1);
	assert_int_equal(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_authority(p), 0)),
			 LDNS_RR_TYPE_SOA);
	ldns_pkt_free(p);
}

static void test_order_picks_first_usable(void **state)
{
	struct fixture *fx = *state;

	expect_answer(fx, "www.example.com.", LDNS_RR_TYPE_A, "198.51.100.10");
	fx->view->sites[IAD].verdict = SITE_DOWN;
	expect_answer(fx, "www.example.com.", LDNS_RR_TYPE_A, "192.0.2.10");
	fx->view->sites[FRA].drained = true;
	expect_answer(fx, "www.example.com.", LDNS_RR_TYPE_A, "203.0.113.10");
}

static void test_unknown_counts_as_up(void **state)
{
	struct fixture *fx = *state;

	fx->view->sites[IAD].verdict = SITE_UNKNOWN;
	expect_answer(fx, "www.example.com.", LDNS_RR_TYPE_A, "198.51.100.10");
}

/* A site with only IPv4, when picked, gives NODATA to AAAA: never another site's address. */
static void test_aaaa_of_ipv4_only_site_is_nodata(void **state)
{
	struct fixture *fx = *state;

	expect_nodata(fx, "www.example.com.", LDNS_RR_TYPE_AAAA);
	fx->view->sites[IAD].verdict = SITE_DOWN;
	expect_answer(fx, "www.example.com.", LDNS_RR_TYPE_AAAA, "2001:db8::10");
}

static void test_all_gives_every_usable_site(void **state)
{
	struct fixture *fx = *state;

	expect_answer(fx, "all.example.com.", LDNS_RR_TYPE_A,
		      "192.0.2.10,198.51.100.10,203.0.113.10");
	fx->view->sites[IAD].verdict = SITE_DOWN;
	expect_answer(fx, "all.example.com.", LDNS_RR_TYPE_A, "192.0.2.10,203.0.113.10");
}

static void test_weighted_follows_weights(void **state)
{
	struct fixture *fx = *state;
	unsigned iad = 0, fra = 0;

	for (int i = 0; i < 4000; i++) {
		ldns_pkt *p = ask(fx, "w.example.com.", LDNS_RR_TYPE_A);
		char got[64];

		answer_text(p, got, sizeof(got));
		iad += strcmp(got, "198.51.100.10") == 0;
		fra += strcmp(got, "192.0.2.10") == 0;
		ldns_pkt_free(p);
	}
	assert_int_equal(iad + fra, 4000);
	/* weights 3:1, so iad gets 3000 on average; 2600 is more than 10 sigma away */
	assert_true(iad > 2600 && iad < 3400);
	fx->view->sites[IAD].verdict = SITE_DOWN;
	expect_answer(fx, "w.example.com.", LDNS_RR_TYPE_A, "192.0.2.10");
}

static void test_fallbacks(void **state)
{
	struct fixture *fx = *state;
	ldns_pkt *p;

	fx->view->sites[SIN].verdict = SITE_DOWN;
	p = ask(fx, "sf.example.com.", LDNS_RR_TYPE_A);
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_SERVFAIL);
	assert_int_equal(ldns_pkt_ancount(p), 0);
	ldns_pkt_free(p);
	expect_nodata(fx, "none.example.com.", LDNS_RR_TYPE_A);
	expect_answer(fx, "fb.example.com.", LDNS_RR_TYPE_A, "192.0.2.10");
	fx->view->sites[IAD].verdict = SITE_DOWN;
	/* fail open: every site, as if all were up */
	expect_answer(fx, "open.example.com.", LDNS_RR_TYPE_A, "198.51.100.10,203.0.113.10");
}

static void test_other_types_and_wildcards(void **state)
{
	struct fixture *fx = *state;
	ldns_pkt *p;

	expect_answer(fx, "www.example.com.", LDNS_RR_TYPE_TXT, "\"beside\"");
	expect_nodata(fx, "all.example.com.", LDNS_RR_TYPE_MX);
	expect_answer(fx, "x.wild.example.com.", LDNS_RR_TYPE_A, "192.0.2.10");
	p = ask(fx, "nope.example.com.", LDNS_RR_TYPE_A);
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NXDOMAIN);
	ldns_pkt_free(p);
}

/* Each answer that is not a plain pick says so in an EDE (docs/dns.md); plain picks have none. */
static void test_ede_per_case(void **state)
{
	struct fixture *fx = *state;

	expect_ede(fx, "www.example.com.", LDNS_RR_TYPE_A, "");
	expect_ede(fx, "www.example.com.", LDNS_RR_TYPE_AAAA, ""); /* NODATA of a pick */
	expect_ede(fx, "nope.example.com.", LDNS_RR_TYPE_A, "");
	expect_ede(fx, "www.example.org.", LDNS_RR_TYPE_A, "20"); /* NSD's REFUSED */
	fx->view->sites[SIN].verdict = SITE_DOWN;
	expect_ede(fx, "sf.example.com.", LDNS_RR_TYPE_A, "0 no usable site");
	expect_ede(fx, "none.example.com.", LDNS_RR_TYPE_A, "0 no usable site");
	expect_ede(fx, "fb.example.com.", LDNS_RR_TYPE_A,
		   "0 no usable site: the fallback site answered");
	fx->view->sites[IAD].verdict = SITE_DOWN;
	expect_ede(fx, "open.example.com.", LDNS_RR_TYPE_A,
		   "0 no usable site: every site answered");
	expect_ede(fx, "www.example.com.", LDNS_RR_TYPE_A, "");

	/* a quorum's held verdict: the answer may be older than the sites' state */
	fx->view->sites[IAD].held = true;
	expect_ede(fx, "www.example.com.", LDNS_RR_TYPE_A,
		   "3 health verdict held: too few live probers");
	expect_ede(fx, "all.example.com.", LDNS_RR_TYPE_A,
		   "3 health verdict held: too few live probers");
	expect_ede(fx, "fb.example.com.", LDNS_RR_TYPE_A,
		   "0 no usable site: the fallback site answered"); /* sin is not held */
	expect_ede(fx, "open.example.com.", LDNS_RR_TYPE_A,
		   "0 no usable site: every site answered"); /* the fallback's code wins */
	fx->view->sites[IAD].held = false;
	expect_ede(fx, "www.example.com.", LDNS_RR_TYPE_A, "");
}

static uint32_t nodata_soa_ttl(struct fixture *fx, const char *name)
{
	ldns_pkt *p = ask(fx, name, LDNS_RR_TYPE_AAAA);
	uint32_t ttl;

	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	assert_int_equal(ldns_pkt_ancount(p), 0);
	assert_int_equal(ldns_pkt_nscount(p), 1);
	ttl = ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_authority(p), 0));
	ldns_pkt_free(p);
	return ttl;
}

/* NODATA at a FAILOVER name is cached no longer than its A answer: the SOA's TTL (which bounds
 * the negative TTL, RFC 2308 §5) is the lesser of the zone's negative TTL (300) and the
 * answer's own TTL, so a dual-stack site's AAAA comes back when its A does. */
static void test_nodata_soa_ttl(void **state)
{
	struct fixture *fx = *state;
	const int64_t now = 86400000;

	fx->now_ms = (uint64_t)now;
	assert_int_equal(nodata_soa_ttl(fx, "www.example.com."), 30); /* iad: no IPv6 */
	fx->view->sites[IAD].next_change_ms = now + 20000;
	assert_int_equal(nodata_soa_ttl(fx, "www.example.com."), 20);
	fx->view->sites[SIN].verdict = SITE_DOWN;
	assert_int_equal(nodata_soa_ttl(fx, "none.example.com."), 30); /* fallback=none */
	fx->view->sites[SIN].next_change_ms = now + 2000;
	assert_int_equal(nodata_soa_ttl(fx, "none.example.com."), 15); /* ttl-min */
	assert_int_equal(nodata_soa_ttl(fx, "long.example.com."), 300); /* the zone's is lower */
}

static uint32_t answer_ttl(struct fixture *fx, const char *name)
{
	ldns_pkt *p = ask(fx, name, LDNS_RR_TYPE_A);
	uint32_t ttl;

	assert_true(ldns_pkt_ancount(p) > 0);
	ttl = ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(p), 0));
	ldns_pkt_free(p);
	return ttl;
}

/* The TTL is the time until a verdict could change, clamped to [ttl-min, ttl]. */
static void test_ttl_clamp(void **state)
{
	struct fixture *fx = *state;
	const int64_t now =
		86400000; /* the clock is the caller's, as answer_source_fill() reads it */

	fx->now_ms = (uint64_t)now;
	assert_int_equal(answer_ttl(fx, "floor.example.com."), 60); /* never changes: ceiling */
	fx->view->sites[FRA].next_change_ms = now + 25000;
	assert_int_equal(answer_ttl(fx, "floor.example.com."), 25);
	fx->view->sites[FRA].next_change_ms = now + 25999;
	assert_int_equal(answer_ttl(fx, "floor.example.com."),
			 25); /* whole seconds, rounded down */
	fx->view->sites[FRA].next_change_ms = now + 2000;
	assert_int_equal(answer_ttl(fx, "floor.example.com."), 10); /* ttl-min */
	fx->view->sites[FRA].next_change_ms = now + 2000;
	assert_int_equal(answer_ttl(fx, "www.example.com."), 15); /* default floor: half of 30 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order_picks_first_usable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_counts_as_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aaaa_of_ipv4_only_site_is_nodata, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_all_gives_every_usable_site, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weighted_follows_weights, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fallbacks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_types_and_wildcards, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ttl_clamp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ede_per_case, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nodata_soa_ttl, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
