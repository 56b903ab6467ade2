/* The query path allocates nothing: every allocation function is wrapped at link time
 * (-Wl,--wrap=...) and counted while answer_query() answers every kind of query. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <ldns/ldns.h>

#include "baton/health.h"
#include "server/answer.h"
#include "server/chaos.h"
#include "server/cookie.h"
#include "server/dns.h"
#include "server/geo.h"
#include "server/rrl.h"
#include "zones/dnssec.h"
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
	"dn DNAME alt\nwww.alt A 192.0.2.81\ndl1 DNAME dl2\ndl2 DNAME dl1\n"
	"$SITE fra 192.0.2.10 2001:db8::10 geo=50.11,8.68\n$SITE sin 203.0.113.10 geo=1.35,103.99\n"
	"$GEO-NET 198.51.100.0/24 sin\n$GEO-MAP EU fra\n"
	"geo 30 IN FAILOVER policy=geo sites=fra,sin\n"
	"sf 30 IN FAILOVER sites=sin fallback=servfail\nnone 30 IN FAILOVER sites=sin "
	"fallback=none\n"
	"fb 30 IN FAILOVER sites=sin fallback=fra\nopen 30 IN FAILOVER sites=sin fallback=all\n"
	"held 30 IN FAILOVER sites=fra,sin\n"
	"big TXT \""
	"0123456789012345678901234567890123456789012345678901234567890123456789"
	"0123456789012345678901234567890123456789012345678901234567890123456789\"\n";

/* Signs `z` with a fresh CSK, as batond does with dnssec-signing: yes, so that queries with DO=1
 * below take every DNSSEC branch (RRSIGs, NSEC proofs, pre-signed FAILOVER answers). */
static void sign(struct zone *z)
{
	struct dnssec_keys keys = { ldns_key_list_new(), ldns_key_list_new(), ldns_rr_list_new() };
	ldns_key *k = ldns_key_new_frm_algorithm(LDNS_SIGN_ECDSAP256SHA256, 256);
	ldns_rdf *owner = NULL;
	struct diag d;

	assert_non_null(k);
	assert_int_equal(ldns_str2rdf_dname(&owner, "example.com."), LDNS_STATUS_OK);
	ldns_key_set_pubkey_owner(k, owner);
	ldns_key_set_flags(k, LDNS_KEY_ZONE_KEY | LDNS_KEY_SEP_KEY);
	ldns_rr_list_push_rr(keys.dnskeys, ldns_key2rr(k));
	ldns_key_set_keytag(k, ldns_calc_keytag(ldns_rr_list_rr(keys.dnskeys, 0)));
	ldns_key_list_push_key(keys.ksk, k);
	diag_init(&d);
	assert_int_equal(dnssec_sign_zone(z, &keys, 1800000000, 14 * 86400, &d), 0);
	diag_fini(&d);
	ldns_key_deep_free(k);
	ldns_key_list_set_key_count(keys.ksk, 0);
	ldns_key_list_free(keys.ksk);
	ldns_key_list_free(keys.zsk);
	ldns_rr_list_deep_free(keys.dnskeys);
}

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
	sign(z);
	assert_int_equal(zoneset_new(&zs, &z, 1), 0);
	return zs;
}

/* The tests' MaxMind DB, made at build time by tools/mmdb-from-csv. */
static struct geo_db *open_db(void)
{
	const char *builddir = getenv("top_builddir");
	struct geo_db *db = NULL;
	char path[4096];
	struct diag d;

	snprintf(path, sizeof(path), "%s/tests/data/geo-test.mmdb", builddir ? builddir : ".");
	diag_init(&d);
	assert_int_equal(geo_db_open(&db, path, &d), 0);
	diag_fini(&d);
	return db;
}

/* Appends an option to a query that ends with its OPT record, whose RDLENGTH is at
 * `rdlen_at`. */
static size_t add_option(uint8_t *buf, size_t len, size_t rdlen_at, uint16_t code,
			 const uint8_t *data, size_t n)
{
	size_t rdlen = (size_t)(buf[rdlen_at] << 8 | buf[rdlen_at + 1]) + 4 + n;

	buf[len] = (uint8_t)(code >> 8);
	buf[len + 1] = (uint8_t)code;
	buf[len + 2] = 0;
	buf[len + 3] = (uint8_t)n;
	memcpy(buf + len + 4, data, n);
	buf[rdlen_at] = (uint8_t)(rdlen >> 8);
	buf[rdlen_at + 1] = (uint8_t)rdlen;
	return len + 4 + n;
}

/* ECS for `subnet`/`source`. */
static size_t add_ecs(uint8_t *buf, size_t len, size_t rdlen_at, const char *subnet, uint8_t source)
{
	bool v6 = strchr(subnet, ':') != NULL;
	uint8_t data[4 + 16] = { 0, v6 ? 2 : 1, source, 0 };

	assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET, subnet, data + 4), 1);
	return add_option(buf, len, rdlen_at, 8, data, 4 + (source + 7u) / 8u);
}

/* A COOKIE: a client cookie alone, or with a server cookie that is not ours (answered anew). */
static size_t add_cookie(uint8_t *buf, size_t len, size_t rdlen_at, bool with_server)
{
	uint8_t data[24];

	memset(data, 0x42, sizeof(data));
	data[8] = 1; /* version 1 */
	return add_option(buf, len, rdlen_at, DNS_EDNS_OPT_COOKIE, data, with_server ? 24 : 8);
}

/* edns: 0 none, 1 EDNS, 2 EDNS with DO=1 */
static size_t make_query_class(uint8_t *buf, size_t size, const char *name, ldns_rr_type type,
			       ldns_rr_class class, int edns)
{
	ldns_pkt *q = NULL;
	uint8_t *wire = NULL;
	size_t len = 0;

	assert_int_equal(ldns_pkt_query_new_frm_str(&q, name, type, class, 0), LDNS_STATUS_OK);
	if (edns)
		ldns_pkt_set_edns_udp_size(q, 1232);
	if (edns > 1)
		ldns_pkt_set_edns_do(q, true);
	assert_int_equal(ldns_pkt2wire(&wire, q, &len), LDNS_STATUS_OK);
	assert_true(len <= size);
	memcpy(buf, wire, len);
	free(wire);
	ldns_pkt_free(q);
	return len;
}

static size_t make_query(uint8_t *buf, size_t size, const char *name, ldns_rr_type type, int edns)
{
	return make_query_class(buf, size, name, type, LDNS_RR_CLASS_IN, edns);
}

/* The positive control: the wraps must see an allocation made inside the libraries the query
 * path links, or the zero below proves nothing (a build that lost -Wl,--wrap, or a library
 * linked as a shared object, whose calls --wrap never sees). rrl_new() is in libserver, beside
 * answer_query(); zone_load() in libzones. */
static void test_wrap_sees_allocations(void **state)
{
	struct rrl_config config = {
		.ratelimit = 10, .slip = 2, .ipv4_prefix = 24, .ipv6_prefix = 64, .size = 64
	};
	struct rrl *rrl = NULL;
	struct zoneset *zs;

	(void)state;
	allocations = 0;
	counting = true;
	assert_int_equal(rrl_new(&rrl, &config), 0);
	counting = false;
	assert_true(allocations > 0);
	rrl_free(rrl);
	allocations = 0;
	counting = true;
	zs = load();
	counting = false;
	assert_true(allocations > 0);
	zoneset_free(zs);
	allocations = 0;
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
		{ "www.dn.example.com.", LDNS_RR_TYPE_A },
		{ "www.dn.example.com.", LDNS_RR_TYPE_DNAME },
		{ "x.dl1.example.com.", LDNS_RR_TYPE_A },
		{ "host.sub.example.com.", LDNS_RR_TYPE_A },
		{ "example.com.", LDNS_RR_TYPE_ANY },
		{ "example.com.", LDNS_RR_TYPE_NS },
		{ "example.com.", LDNS_RR_TYPE_MX },
		{ "big.example.com.", LDNS_RR_TYPE_TXT },
		{ "example.org.", LDNS_RR_TYPE_A },
		{ "sub.example.com.", LDNS_RR_TYPE_DS },
		{ "geo.example.com.", LDNS_RR_TYPE_A },
		{ "geo.example.com.", LDNS_RR_TYPE_AAAA },
		/* the Extended DNS Errors of each fallback and of a held verdict, and NODATA's
		 * SOA with its TTL set */
		{ "sf.example.com.", LDNS_RR_TYPE_A },
		{ "none.example.com.", LDNS_RR_TYPE_A },
		{ "fb.example.com.", LDNS_RR_TYPE_A },
		{ "open.example.com.", LDNS_RR_TYPE_A },
		{ "held.example.com.", LDNS_RR_TYPE_A },
		{ "held.example.com.", LDNS_RR_TYPE_AAAA },
		{ "example.com.", LDNS_RR_TYPE_AXFR },
		/* signed: DNSKEY, NSEC, a wildcard's NODATA, the NODATA of a FAILOVER family */
		{ "example.com.", LDNS_RR_TYPE_DNSKEY },
		{ "www.example.com.", LDNS_RR_TYPE_NSEC },
		{ "x.wild.example.com.", LDNS_RR_TYPE_TXT },
		{ "fb.example.com.", LDNS_RR_TYPE_AAAA },
	};
	static const struct {
		const char *subnet;
		uint8_t source;
	} clients[] = {
		{ "192.0.2.0", 24 }, { "198.51.100.0", 24 }, { "203.0.113.0", 24 },
		{ "127.0.0.0", 8 },  { "2001:db8:3::", 48 }, { "::ffff:192.0.2.0", 120 },
		{ "192.0.2.0", 0 },
	};
	struct zoneset *zs = load();
	struct geo_db *db = open_db();
	struct sockaddr_in peer = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0xcb00710a) };
	const struct sockaddr *from = (const struct sockaddr *)&peer;
	static const struct cookie_secrets secrets = { .current = { 9 } };
	struct rrl_config rrl_config = { .ratelimit = RRL_RATE_MAX,
					 .slip = 2,
					 .ipv4_prefix = 24,
					 .ipv6_prefix = 64,
					 .size = 1024 };
	struct rrl *rrl = NULL;
	unsigned slips = 0;
	static const char *const chaos_names[] = { "id.server.", "HOSTNAME.bind.",
						   "version.server.", "version.bind.",
						   "authors.bind." };
	struct chaos chaos;
	struct health_view *view = calloc(1, sizeof(*view) + 2 * sizeof(view->sites[0]));
	struct answer_source src = { .chaos = &chaos,
				     .zones = zs,
				     .health = view,
				     .edns_size = 1232,
				     .ecs = true,
				     .cookies = &secrets,
				     .now_s = 1800000000,
				     .rrl_slips = &slips,
				     .now_ms = 1 };
	uint8_t query[512], out[ANSWER_TCP_MAX];
	size_t answered = 0;

	(void)state;
	chaos_init(&chaos);
	assert_null(chaos_set_nsid(&chaos, "ascii_ns1.example"));
	chaos.hide_version = true;
	/* fra (id 0) up on a held verdict, sin (1) down: what health_engine_sync() would number */
	for (uint32_t i = 0; i < zs->zones[0]->site_count; i++)
		zs->zones[0]->sites[i].health_id = i;
	view->count = 2;
	view->sites[0] = (struct health_site_view){ .verdict = SITE_UP, .held = true };
	view->sites[1] = (struct health_site_view){ .verdict = SITE_DOWN };
	assert_int_equal(geo_index_build(&zs->geo, zs, db), 0);
	assert_int_equal(rrl_new(&rrl, &rrl_config), 0); /* charged on every UDP answer below */
	src.rrl = rrl;
	for (size_t i = 0; i < sizeof(clients) / sizeof(clients[0]); i++) {
		size_t len =
			make_query(query, sizeof(query), "geo.example.com.", LDNS_RR_TYPE_A, 2);

		size_t rdlen_at = len - 2; /* make_query's OPT is last, with no options */

		len = add_ecs(query, len, rdlen_at, clients[i].subnet, clients[i].source);
		len = add_cookie(query, len, rdlen_at, i % 2 == 0);
		len = add_option(query, len, rdlen_at, DNS_EDNS_OPT_NSID, (const uint8_t *)"", 0);
		counting = true;
		answered += answer_query(out, sizeof(out), query, len, false, &src, from) > 0;
		answered += answer_query(out, sizeof(out), query, len, true, &src, from) > 0;
		counting = false;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (int edns = 0; edns < 3; edns++) {
			size_t len = make_query(query, sizeof(query), cases[i].name, cases[i].type,
						edns);

			counting = true;
			answered +=
				answer_query(out, sizeof(out), query, len, false, &src, from) > 0;
			answered +=
				answer_query(out, sizeof(out), query, len, true, &src, from) > 0;
			answered += answer_query(out, sizeof(out), query, len / 2, false, &src,
						 from) > 0;
			counting = false;
		}
	}
	/* CHAOS: answered, hidden (REFUSED) and not ours (REFUSED), each with NSID asked */
	for (size_t i = 0; i < sizeof(chaos_names) / sizeof(chaos_names[0]); i++) {
		size_t len = make_query_class(query, sizeof(query), chaos_names[i],
					      LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_CH, true);

		len = add_option(query, len, len - 2, DNS_EDNS_OPT_NSID, (const uint8_t *)"", 0);
		counting = true;
		answered += answer_query(out, sizeof(out), query, len, false, &src, from) > 0;
		answered += answer_query(out, sizeof(out), query, len, true, &src, from) > 0;
		counting = false;
	}
	assert_int_equal(allocations, 0);
	/* every full query is answered; a half query still gets FORMERR unless it lacks a header */
	assert_true(answered >= 4 * sizeof(cases) / sizeof(cases[0]) +
					2 * sizeof(clients) / sizeof(clients[0]) +
					2 * sizeof(chaos_names) / sizeof(chaos_names[0]));
	geo_index_free(zs->geo);
	zoneset_free(zs);
	geo_db_unref(db);
	rrl_free(rrl);
	free(view);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrap_sees_allocations),
		cmocka_unit_test(test_no_allocation_per_query),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
