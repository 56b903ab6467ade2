/* policy=geo and EDNS Client Subnet through answer_query(): the nearest usable site for ECS and
 * source addresses of both families, the scope each answer is echoed with, $GEO-NET and $GEO-MAP
 * beating distance, a site going down, and RFC 7871's FORMERR cases. The database is
 * tests/data/geo-test.csv, written by MaxMind's writer (tools/mmdb-from-csv) at build time. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "baton/health.h"
#include "server/answer.h"
#include "server/dns.h"
#include "server/ecs.h"
#include "server/geo.h"
#include "tests/unit/zone_fixture.h"

static const char plain_zone[] = "$ORIGIN example.com.\n$TTL 3600\n"
				 "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\n"
				 "ns1 A 192.0.2.53\n"
				 "$SITE fra 192.0.2.10 2001:db8::10 geo=50.11,8.68\n"
				 "$SITE iad 198.51.100.10 geo=38.95,-77.45\n"
				 "$SITE sin 203.0.113.10 geo=1.35,103.99\n"
				 "www 30 IN FAILOVER policy=geo sites=fra,iad,sin\n"
				 "alias CNAME www\n"
				 "static A 192.0.2.80\n";

/* The same sites with overrides: a /26 inside a /25, a continent and a country. */
static const char override_zone[] = "$ORIGIN over.example.\n$TTL 3600\n"
				    "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\n"
				    "ns1 A 192.0.2.53\n"
				    "$SITE fra 192.0.2.10 geo=50.11,8.68\n"
				    "$SITE iad 198.51.100.10 geo=38.95,-77.45\n"
				    "$SITE sin 203.0.113.10 geo=1.35,103.99\n"
				    "$GEO-NET 192.0.2.128/25 sin\n"
				    "$GEO-NET 192.0.2.192/26 iad\n"
				    "$GEO-MAP NA fra\n"
				    "$GEO-MAP AS/JP iad\n"
				    "www 30 IN FAILOVER policy=geo sites=fra,iad,sin\n";

enum { FRA, IAD, SIN, SITES };

struct fixture {
	struct zoneset *zs;
	struct geo_db *db;
	struct health_view *view;
	bool ecs_enabled;
};

static void number_sites(struct zone *z)
{
	/* what health_engine_sync() does; both zones name their sites in the same order */
	for (uint32_t i = 0; i < z->site_count; i++)
		z->sites[i].health_id = i;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct zone *zones[2] = { NULL, NULL };
	const char *builddir = getenv("top_builddir");
	char path[4096];
	struct diag d;

	assert_non_null(fx);
	diag_init(&d);
	snprintf(path, sizeof(path), "%s/tests/data/geo-test.mmdb", builddir ? builddir : ".");
	if (geo_db_open(&fx->db, path, &d) < 0)
		diag_print(&d, stderr, "# ");
	assert_non_null(fx->db);
	assert_int_equal(fixture_zone(&zones[0], "example.com", plain_zone, &d), 0);
	assert_int_equal(fixture_zone(&zones[1], "over.example", override_zone, &d), 0);
	diag_fini(&d);
	number_sites(zones[0]);
	number_sites(zones[1]);
	assert_int_equal(zoneset_new(&fx->zs, zones, 2), 0);
	assert_int_equal(geo_index_build(&fx->zs->geo, fx->zs, fx->db), 0);
	fx->view = calloc(1, sizeof(*fx->view) + SITES * sizeof(fx->view->sites[0]));
	fx->view->count = SITES;
	for (int i = 0; i < SITES; i++) {
		fx->view->sites[i].verdict = SITE_UP;
		fx->view->sites[i].next_change_ms = INT64_MAX;
	}
	fx->ecs_enabled = true;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	geo_index_free(fx->zs->geo);
	zoneset_free(fx->zs);
	geo_db_unref(fx->db);
	free(fx->view);
	free(fx);
	return 0;
}

/* What came back, decoded. */
struct reply {
	int rcode;
	char answer[128]; /* the addresses, comma-separated */
	bool has_opt;
	bool has_ecs;
	uint16_t family;
	uint8_t source, scope;
	uint8_t addr[16];
};

/* Builds the ECS option: code 8, then family, source, scope and the address bytes given. */
static size_t ecs_option(uint8_t *out, uint16_t family, uint8_t source, uint8_t scope,
			 const char *text)
{
	uint8_t addr[32] = { 0 }; /* room for the 17 bytes of a bad /129 */
	size_t bytes = (source + 7u) / 8u;

	if (text != NULL)
		assert_int_equal(inet_pton(family == 1 ? AF_INET : AF_INET6, text, addr), 1);
	out[0] = 0;
	out[1] = DNS_EDNS_OPT_ECS;
	out[2] = 0;
	out[3] = (uint8_t)(4 + bytes);
	out[4] = 0;
	out[5] = (uint8_t)family;
	out[6] = source;
	out[7] = scope;
	memcpy(out + 8, addr, bytes);
	return 8 + bytes;
}

static void read_opt(struct reply *rep, const uint8_t *msg, size_t len)
{
	ldns_pkt *p = NULL;
	ldns_rdf *data;

	assert_int_equal(ldns_wire2pkt(&p, msg, len), LDNS_STATUS_OK);
	rep->rcode = ldns_pkt_get_rcode(p);
	for (size_t i = 0; i < ldns_rr_list_rr_count(ldns_pkt_answer(p)); i++) {
		ldns_rr *rr = ldns_rr_list_rr(ldns_pkt_answer(p), i);
		char *s;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_A &&
		    ldns_rr_get_type(rr) != LDNS_RR_TYPE_AAAA)
			continue;
		s = ldns_rdf2str(ldns_rr_rdf(rr, 0));
		snprintf(rep->answer + strlen(rep->answer),
			 sizeof(rep->answer) - strlen(rep->answer), "%s%s",
			 rep->answer[0] ? "," : "", s);
		free(s);
	}
	rep->has_opt = ldns_pkt_edns(p);
	data = ldns_pkt_edns_data(p);
	for (size_t off = 0; data != NULL && off + 4 <= ldns_rdf_size(data);) {
		const uint8_t *o = ldns_rdf_data(data) + off;
		uint16_t code = (uint16_t)(o[0] << 8 | o[1]), olen = (uint16_t)(o[2] << 8 | o[3]);

		if (code == DNS_EDNS_OPT_ECS && olen >= 4) {
			rep->has_ecs = true;
			rep->family = (uint16_t)(o[4] << 8 | o[5]);
			rep->source = o[6];
			rep->scope = o[7];
			memcpy(rep->addr, o + 8, olen - 4u);
		}
		off += 4u + olen;
	}
	ldns_pkt_free(p);
}

/* Asks `name`/`qtype` from `peer` with the EDNS options `opt` (NULL: no EDNS at all). */
static struct reply ask_from(struct fixture *fx, const char *name, uint16_t qtype,
			     const uint8_t *opt, size_t opt_len, const char *peer)
{
	const struct answer_source src = {
		.zones = fx->zs,
		.health = fx->view,
		.edns_size = FIXTURE_EDNS_SIZE,
		.ecs = fx->ecs_enabled,
	};
	struct fixture_query fq = {
		.name = name,
		.qtype = qtype,
		.edns = opt != NULL,
		.edns_udp_size = 1232,
		.options = opt,
		.options_len = opt_len,
	};
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	const struct sockaddr *sa = NULL;
	uint8_t query[512], out[1232];
	struct reply rep;
	size_t len;

	if (peer != NULL && inet_pton(AF_INET, peer, &sin.sin_addr) == 1)
		sa = (const struct sockaddr *)&sin;
	else if (peer != NULL && inet_pton(AF_INET6, peer, &sin6.sin6_addr) == 1)
		sa = (const struct sockaddr *)&sin6;
	len = fixture_build_query(&fq, query, sizeof(query));
	len = answer_query(out, sizeof(out), query, len, false, &src, sa);
	assert_true(len > 0);
	memset(&rep, 0, sizeof(rep));
	read_opt(&rep, out, len);
	return rep;
}

/* Asks `name` A with ECS `subnet`/`source` (family from the text) from a resolver in no
 * database network. */
static struct reply ask_ecs(struct fixture *fx, const char *name, uint16_t qtype,
			    const char *subnet, uint8_t source)
{
	uint8_t opt[64];
	uint16_t family = strchr(subnet, ':') ? 2 : 1;
	size_t n = ecs_option(opt, family, source, 0, subnet);

	return ask_from(fx, name, qtype, opt, n, "127.0.0.1");
}

static void expect_geo(struct fixture *fx, const char *name, const char *subnet, uint8_t source,
		       const char *answer, uint8_t scope)
{
	struct reply rep = ask_ecs(
		fx, name, strchr(answer, ':') ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A, subnet, source);

	assert_int_equal(rep.rcode, LDNS_RCODE_NOERROR);
	assert_string_equal(rep.answer, answer);
	assert_true(rep.has_ecs);
	assert_int_equal(rep.source, source);
	if (rep.scope != scope)
		fail_msg("%s from %s/%u: scope %u, expected %u", name, subnet, source, rep.scope,
			 scope);
}

static void test_nearest_site_by_ecs(void **state)
{
	struct fixture *fx = *state;

	expect_geo(fx, "www.example.com", "192.0.2.0", 24, "192.0.2.10", 24); /* Frankfurt */
	expect_geo(fx, "www.example.com", "203.0.113.0", 24, "203.0.113.10", 24); /* Tokyo */
	/* Washington's /24 holds Paris's /25: the answer holds for the lower /25 only */
	expect_geo(fx, "www.example.com", "198.51.100.0", 24, "198.51.100.10", 25);
	expect_geo(fx, "www.example.com", "198.51.100.128", 25, "192.0.2.10", 25);
	/* a longer source than the database network: the scope is the network's */
	expect_geo(fx, "www.example.com", "192.0.2.77", 32, "192.0.2.10", 24);
}

static void test_ipv6_client(void **state)
{
	struct fixture *fx = *state;

	expect_geo(fx, "www.example.com", "2001:db8:1::", 56, "203.0.113.10", 48); /* Singapore */
	expect_geo(fx, "www.example.com", "2001:db8:3::", 48, "198.51.100.10", 48); /* Sao Paulo */
	expect_geo(fx, "www.example.com", "2001:db8:2::", 48, "2001:db8::10", 48); /* London */
}

/* ::ffff:192.0.2.0/120 is Frankfurt's /24, scoped in IPv6 bits. */
static void test_ipv4_mapped_client(void **state)
{
	expect_geo(*state, "www.example.com", "::ffff:192.0.2.0", 120, "192.0.2.10", 120);
}

/* Without ECS the packet's source decides, and no option is echoed. */
static void test_source_address(void **state)
{
	struct fixture *fx = *state;
	struct reply rep = ask_from(fx, "www.example.com", LDNS_RR_TYPE_A, NULL, 0, "203.0.113.7");

	assert_string_equal(rep.answer, "203.0.113.10");
	assert_false(rep.has_opt);
	rep = ask_from(fx, "www.example.com", LDNS_RR_TYPE_A, (const uint8_t *)"", 0,
		       "2001:db8:3::1");
	assert_string_equal(rep.answer, "198.51.100.10");
	assert_true(rep.has_opt);
	assert_false(rep.has_ecs);
	rep = ask_from(fx, "www.example.com", LDNS_RR_TYPE_A, NULL, 0, "::ffff:192.0.2.9");
	assert_string_equal(rep.answer, "192.0.2.10");
}

/* Source prefix 0: the client asks not to be placed; the resolver's address decides and the
 * answer is scoped for everyone. */
static void test_source_prefix_zero(void **state)
{
	struct fixture *fx = *state;
	uint8_t opt[16];
	size_t n = ecs_option(opt, 1, 0, 0, NULL);
	struct reply rep = ask_from(fx, "www.example.com", LDNS_RR_TYPE_A, opt, n, "203.0.113.7");

	assert_string_equal(rep.answer, "203.0.113.10");
	assert_true(rep.has_ecs);
	assert_int_equal(rep.source, 0);
	assert_int_equal(rep.scope, 0);
}

/* Static data and CNAMEs to it hold for every client: scope 0. A CNAME to a geo name carries
 * the geo answer's scope. */
static void test_static_scope_zero(void **state)
{
	struct fixture *fx = *state;

	expect_geo(fx, "static.example.com", "192.0.2.0", 24, "192.0.2.80", 0);
	expect_geo(fx, "alias.example.com", "203.0.113.0", 24, "203.0.113.10", 24);
}

/* Sites that go down move their clients to the next nearest. */
static void test_site_down_moves_to_next_nearest(void **state)
{
	struct fixture *fx = *state;

	fx->view->sites[SIN].verdict = SITE_DOWN;
	expect_geo(fx, "www.example.com", "203.0.113.0", 24, "192.0.2.10", 24);
	fx->view->sites[FRA].verdict = SITE_DOWN;
	expect_geo(fx, "www.example.com", "203.0.113.0", 24, "198.51.100.10", 24);
	fx->view->sites[SIN].verdict = SITE_UP;
	fx->view->sites[FRA].drained = true; /* an operator's drain counts as down too */
	fx->view->sites[FRA].verdict = SITE_UP;
	expect_geo(fx, "www.example.com", "192.0.2.0", 24, "198.51.100.10", 24);
}

/* A client in no database network: the list order, scoped to the empty network around it. */
static void test_unknown_location_uses_list_order(void **state)
{
	struct fixture *fx = *state;
	struct reply rep = ask_ecs(fx, "www.example.com", LDNS_RR_TYPE_A, "127.1.0.0", 16);

	assert_string_equal(rep.answer, "192.0.2.10");
	assert_true(rep.has_ecs);
	assert_true(rep.scope > 0 && rep.scope <= 16);
	fx->view->sites[FRA].verdict = SITE_DOWN;
	rep = ask_ecs(fx, "www.example.com", LDNS_RR_TYPE_A, "127.1.0.0", 16);
	assert_string_equal(rep.answer, "198.51.100.10");
}

static void test_geo_net_beats_distance(void **state)
{
	struct fixture *fx = *state;

	/* Frankfurt by distance, but only for the lower /25: the overrides hold the upper one */
	expect_geo(fx, "www.over.example", "192.0.2.0", 24, "192.0.2.10", 25);
	/* Singapore by the /25; the /26 inside it cuts the scope to 26 */
	expect_geo(fx, "www.over.example", "192.0.2.130", 32, "203.0.113.10", 26);
	expect_geo(fx, "www.over.example", "192.0.2.200", 32, "198.51.100.10", 26);
	/* the network's site down: the rest by distance from where the database puts it */
	fx->view->sites[SIN].verdict = SITE_DOWN;
	expect_geo(fx, "www.over.example", "192.0.2.130", 32, "192.0.2.10", 26);
}

static void test_geo_map_beats_distance(void **state)
{
	struct fixture *fx = *state;

	expect_geo(fx, "www.over.example", "198.51.100.0", 24, "192.0.2.10", 25); /* NA: fra */
	expect_geo(fx, "www.over.example", "203.0.113.0", 24, "198.51.100.10", 24); /* AS/JP: iad */
	expect_geo(fx, "www.over.example", "2001:db8:1::", 48, "203.0.113.10", 48); /* AS/SG */
	fx->view->sites[FRA].verdict = SITE_DOWN;
	expect_geo(fx, "www.over.example", "198.51.100.0", 24, "198.51.100.10", 25);
}

static void expect_formerr(struct fixture *fx, const uint8_t *opt, size_t len, const char *why)
{
	struct reply rep = ask_from(fx, "www.example.com", LDNS_RR_TYPE_A, opt, len, "127.0.0.1");

	if (rep.rcode != LDNS_RCODE_FORMERR)
		fail_msg("%s: rcode %d, expected FORMERR", why, rep.rcode);
	assert_true(rep.has_opt);
	assert_false(rep.has_ecs);
}

static void test_malformed_ecs_is_formerr(void **state)
{
	struct fixture *fx = *state;
	uint8_t opt[96];
	size_t n;

	n = ecs_option(opt, 3, 0, 0, NULL);
	expect_formerr(fx, opt, n, "unknown family");
	n = ecs_option(opt, 1, 24, 16, "192.0.2.0");
	expect_formerr(fx, opt, n, "scope in a query");
	n = ecs_option(opt, 1, 20, 0, "192.0.2.0");
	expect_formerr(fx, opt, n, "bits after the source prefix (192.0.2.0/20)");
	n = ecs_option(opt, 1, 23, 0, "192.0.3.0");
	expect_formerr(fx, opt, n, "bits after the source prefix (inside a byte)");
	n = ecs_option(opt, 1, 33, 0, NULL);
	expect_formerr(fx, opt, n, "IPv4 source longer than 32");
	n = ecs_option(opt, 2, 129, 0, NULL);
	expect_formerr(fx, opt, n, "IPv6 source longer than 128");
	n = ecs_option(opt, 1, 8, 0, "192.0.2.0");
	opt[3] = 8; /* four address bytes for an /8 */
	expect_formerr(fx, opt, n + 3, "address longer than the source prefix needs");
	n = ecs_option(opt, 1, 24, 0, "192.0.2.0");
	opt[3] = 5; /* one address byte for a /24 */
	expect_formerr(fx, opt, n - 2, "address shorter than the source prefix needs");
	n = ecs_option(opt, 1, 24, 0, "192.0.2.0");
	n += ecs_option(opt + n, 1, 24, 0, "192.0.2.0");
	expect_formerr(fx, opt, n, "two ECS options");
	opt[0] = 0;
	opt[1] = DNS_EDNS_OPT_ECS;
	opt[2] = 0;
	opt[3] = 3;
	expect_formerr(fx, opt, 7, "shorter than family, source and scope");
}

/* `ecs: no`: the option is neither read nor echoed, even a malformed one. */
static void test_ecs_disabled(void **state)
{
	struct fixture *fx = *state;
	uint8_t opt[64];
	size_t n = ecs_option(opt, 1, 24, 0, "192.0.2.0");
	struct reply rep;

	fx->ecs_enabled = false;
	rep = ask_from(fx, "www.example.com", LDNS_RR_TYPE_A, opt, n, "203.0.113.7");
	assert_string_equal(rep.answer, "203.0.113.10"); /* the source, not the subnet */
	assert_true(rep.has_opt);
	assert_false(rep.has_ecs);
	n = ecs_option(opt, 3, 0, 0, NULL);
	rep = ask_from(fx, "www.example.com", LDNS_RR_TYPE_A, opt, n, "203.0.113.7");
	assert_int_equal(rep.rcode, LDNS_RCODE_NOERROR);
}

/* The echo repeats family, source prefix and address as sent (RFC 7871 §7.2.1). */
static void test_echo_repeats_the_query(void **state)
{
	struct fixture *fx = *state;
	struct reply rep = ask_ecs(fx, "www.example.com", LDNS_RR_TYPE_A, "198.51.100.128", 25);

	assert_int_equal(rep.family, 1);
	assert_int_equal(rep.source, 25);
	assert_int_equal(rep.addr[0], 198);
	assert_int_equal(rep.addr[3], 128);
}

/* Every database record is indexed once: seven networks, seven locations. */
static void test_database_index(void **state)
{
	struct fixture *fx = *state;
	struct geo_lookup where;
	uint8_t addr[16];

	assert_int_equal(fx->db->location_count, 7);
	inet_pton(AF_INET, "198.51.100.200", addr);
	geo_db_lookup(fx->db, addr, true, &where);
	assert_int_not_equal(where.location, GEO_LOCATION_NONE);
	assert_string_equal(fx->db->locations[where.location].country, "FR");
	assert_string_equal(fx->db->locations[where.location].continent, "EU");
	assert_int_equal(where.prefix_len, 25);
	inet_pton(AF_INET6, "2001:db8:2::1", addr);
	geo_db_lookup(fx->db, addr, false, &where);
	assert_string_equal(fx->db->locations[where.location].country, "GB");
	assert_int_equal(where.prefix_len, 48);
	inet_pton(AF_INET6, "2001:db8:4::1", addr);
	geo_db_lookup(fx->db, addr, false, &where);
	assert_int_equal(where.location, GEO_LOCATION_NONE);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_nearest_site_by_ecs),
		T(test_ipv6_client),
		T(test_ipv4_mapped_client),
		T(test_source_address),
		T(test_source_prefix_zero),
		T(test_static_scope_zero),
		T(test_site_down_moves_to_next_nearest),
		T(test_unknown_location_uses_list_order),
		T(test_geo_net_beats_distance),
		T(test_geo_map_beats_distance),
		T(test_malformed_ecs_is_formerr),
		T(test_ecs_disabled),
		T(test_echo_repeats_the_query),
		T(test_database_index),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
