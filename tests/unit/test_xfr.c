/* Unit tests for the transfer path: server/xfr_request.c (parsing, provide-xfr), server/export.c
 * (RFC 1982 serials, the journal, coalescing) and server/xfr.c (AXFR and IXFR streams, read
 * back with ldns, signed messages verified by ldns). No network: xfr_begin() and xfr_next()
 * are called as tcp.c calls them. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "baton/wire.h"
#include "server/dns.h"
#include "server/export.h"
#include "server/server.h"
#include "server/xfr.h"
#include "server/xfr_request.h"
#include "tests/unit/zone_fixture.h"

#define SECRET "K2tf3TRjvQkVCmJF3/Z9vA=="

static const char zone_text[] = "$TTL 300\n"
				"@ SOA ns1 hostmaster 7 7200 900 1209600 300\n"
				"@ NS ns1\n"
				"ns1 A 192.0.2.1\n"
				"$SITE fra 192.0.2.10 2001:db8::10\n"
				"$SITE iad 198.51.100.20\n"
				"www 30 IN FAILOVER policy=order sites=fra,iad\n"
				"all 30 IN FAILOVER policy=all sites=fra,iad ttl-min=5\n";

struct fx {
	struct server s;
	struct config_zone cz;
	struct config_acl acl[2];
	struct config_tsig_key key;
	struct zone *z;
	struct export *e;
	struct health_view *view;
	struct diag d;
};

static int setup_text(void **state, const char *text)
{
	struct fx *f = calloc(1, sizeof(*f));
	char fix[160];

	if (f == NULL)
		return -1;
	diag_init(&f->d);
	if (fixture_zone(&f->z, "example.com", text, &f->d) != 0)
		return -1;
	for (uint32_t i = 0; i < f->z->site_count; i++)
		f->z->sites[i].health_id = i;
	f->cz.name = "example.com";
	/* 127.0.0.0/8 without a key; 192.0.2.0/24 with it */
	if (config_xfr_acl(&f->acl[0], "127.0.0.1/8 NOKEY", fix, sizeof(fix)) < 0 ||
	    config_xfr_acl(&f->acl[1], "192.0.2.7/24 xfr.key", fix, sizeof(fix)) < 0)
		return -1;
	f->acl[1].key = 0;
	f->cz.provide_xfr = f->acl;
	f->cz.provide_xfr_count = 2;
	config_xfr_key_name(&f->key, "xfr.key", fix, sizeof(fix));
	config_xfr_key_algorithm(&f->key, "hmac-sha256", fix, sizeof(fix));
	config_xfr_key_secret(&f->key, SECRET, fix, sizeof(fix));
	f->s.cfg.zones = &f->cz;
	f->s.cfg.zone_count = 1;
	f->s.cfg.tsig_keys = &f->key;
	f->s.cfg.tsig_key_count = 1;
	f->s.cfg.export_min_interval_s = 1;
	if (zoneset_new(&f->s.zones, &f->z, 1) < 0 || export_new(&f->e, &f->s) < 0)
		return -1;
	f->s.export = f->e;
	f->view = calloc(1, sizeof(*f->view) + 2 * sizeof(f->view->sites[0]));
	f->view->count = 2;
	f->view->sites[0].verdict = f->view->sites[1].verdict = SITE_UP;
	f->s.health = f->view;
	export_zones_replaced(f->e, f->s.zones);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_text(state, zone_text);
}

static int teardown(void **state)
{
	struct fx *f = *state;

	export_free(f->e);
	zoneset_free(f->s.zones);
	free(f->acl[1].key_name);
	free(f->key.name);
	free(f->view);
	diag_fini(&f->d);
	free(f);
	return 0;
}

/* An AXFR or IXFR (with the client's serial) request as ldns writes it, signed when asked. */
static uint8_t *request(uint16_t qtype, const char *zone, uint32_t serial, bool sign, size_t *len,
			ldns_pkt **out)
{
	ldns_pkt *q = NULL;
	uint8_t *wire = NULL;

	assert_int_equal(ldns_pkt_query_new_frm_str(&q, zone, qtype, LDNS_RR_CLASS_IN, 0),
			 LDNS_STATUS_OK);
	if (qtype == LDNS_RR_TYPE_IXFR) {
		char text[128];
		ldns_rr *soa = NULL;

		snprintf(text, sizeof(text), "%s 0 IN SOA a. b. %u 0 0 0 0", zone, serial);
		assert_int_equal(ldns_rr_new_frm_str(&soa, text, 0, NULL, NULL), LDNS_STATUS_OK);
		ldns_pkt_push_rr(q, LDNS_SECTION_AUTHORITY, soa);
	}
	if (sign)
		assert_int_equal(
			ldns_pkt_tsig_sign(q, "xfr.key.", SECRET, 300, "hmac-sha256.", NULL),
			LDNS_STATUS_OK);
	assert_int_equal(ldns_pkt2wire(&wire, q, len), LDNS_STATUS_OK);
	*out = q;
	return wire;
}

static struct sockaddr_storage peer(const char *addr)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

	sin->sin_family = AF_INET;
	sin->sin_port = htons(5353);
	assert_int_equal(inet_pton(AF_INET, addr, &sin->sin_addr), 1);
	return ss;
}

/* Runs a transfer to its end; returns every record (answer sections) as text, one a line,
 * and the number of messages. Each signed message is verified by ldns with the MAC before. */
static char *transfer(struct fx *f, uint16_t qtype, uint32_t serial, const char *from, bool sign,
		      unsigned *messages, uint16_t *rcode)
{
	static uint8_t buf[65536];
	struct sockaddr_storage p = peer(from);
	ldns_pkt *q;
	size_t len, out_len, text_len = 0;
	uint8_t *wire = request(qtype, "example.com.", serial, sign, &len, &q);
	ldns_rdf *prior = sign ? ldns_rdf_clone(ldns_rr_rdf(ldns_pkt_tsig(q), 3)) : NULL;
	struct xfr *x = NULL;
	char *text = NULL;
	FILE *mem = open_memstream(&text, &text_len);
	int n;

	*messages = 0;
	*rcode = 0;
	out_len = xfr_begin(f->e, wire, len, &p, buf, sizeof(buf), &x);
	for (;;) {
		ldns_pkt *r = NULL;

		if (x != NULL) {
			n = xfr_next(x, buf, sizeof(buf));
			assert_true(n >= 0);
			if (n == 0)
				break;
		} else {
			n = (int)out_len;
			if (n == 0 || *messages > 0)
				break;
		}
		assert_int_equal(ldns_wire2pkt(&r, buf, (size_t)n), LDNS_STATUS_OK);
		assert_int_equal(ldns_pkt_id(r), ldns_pkt_id(q));
		*rcode = ldns_pkt_get_rcode(r);
		if (sign) {
			assert_true(ldns_pkt_tsig_verify_next(r, buf, (size_t)n, "xfr.key.", SECRET,
							      prior, *messages > 0));
			ldns_rdf_deep_free(prior);
			prior = ldns_rdf_clone(ldns_rr_rdf(ldns_pkt_tsig(r), 3));
		}
		for (size_t i = 0; i < ldns_pkt_ancount(r); i++)
			ldns_rr_print(mem, ldns_rr_list_rr(ldns_pkt_answer(r), i));
		ldns_pkt_free(r);
		(*messages)++;
	}
	xfr_free(x);
	fclose(mem);
	ldns_rdf_deep_free(prior);
	free(wire);
	ldns_pkt_free(q);
	return text;
}

static void test_axfr(void **state)
{
	struct fx *f = *state;
	unsigned messages;
	uint16_t rcode;
	char *t = transfer(f, LDNS_RR_TYPE_AXFR, 0, "127.0.0.1", false, &messages, &rcode);

	assert_int_equal(rcode, LDNS_RCODE_NOERROR);
	assert_int_equal(messages, 1);
	assert_int_equal(strncmp(t,
				 "example.com.\t300\tIN\tSOA\tns1.example.com. "
				 "hostmaster.example.com. 7 ",
				 63),
			 0);
	/* the closing SOA, and nothing after it */
	assert_non_null(strstr(t, "\nexample.com.\t300\tIN\tSOA\t"));
	assert_non_null(strstr(t, "www.example.com.\t15\tIN\tA\t192.0.2.10\n"));
	assert_non_null(strstr(t, "www.example.com.\t15\tIN\tAAAA\t2001:db8::10\n"));
	assert_null(strstr(t, "www.example.com.\t15\tIN\tA\t198.51.100.20"));
	assert_non_null(strstr(t, "all.example.com.\t5\tIN\tA\t198.51.100.20\n"));
	assert_null(strstr(t, "FAILOVER"));
	free(t);
}

/* Who may transfer: the address's network with its key (NSD: REFUSED otherwise), a key
 * unknown or a wrong MAC NOTAUTH, a zone not served NOTAUTH. */
static void test_refusals(void **state)
{
	struct fx *f = *state;
	unsigned messages;
	uint16_t rcode;
	char *t;

	t = transfer(f, LDNS_RR_TYPE_AXFR, 0, "192.0.2.9", false, &messages, &rcode);
	assert_int_equal(rcode, LDNS_RCODE_REFUSED);
	assert_string_equal(t, "");
	free(t);
	t = transfer(f, LDNS_RR_TYPE_AXFR, 0, "198.51.100.1", true, &messages, &rcode);
	assert_int_equal(rcode, LDNS_RCODE_REFUSED);
	free(t);
	t = transfer(f, LDNS_RR_TYPE_AXFR, 0, "192.0.2.9", true, &messages, &rcode);
	assert_int_equal(rcode, LDNS_RCODE_NOERROR);
	assert_true(messages >= 1);
	free(t);
	/* signed by NOKEY's network: the key is not NOKEY */
	t = transfer(f, LDNS_RR_TYPE_AXFR, 0, "127.0.0.1", true, &messages, &rcode);
	assert_int_equal(rcode, LDNS_RCODE_REFUSED);
	free(t);
	/* the key's secret differs */
	f->key.secret[0] ^= 1;
	t = transfer(f, LDNS_RR_TYPE_AXFR, 0, "192.0.2.9", false, &messages, &rcode);
	free(t);
	{
		static uint8_t buf[4096];
		struct sockaddr_storage p = peer("192.0.2.9");
		ldns_pkt *q, *r = NULL;
		size_t len;
		uint8_t *wire = request(LDNS_RR_TYPE_AXFR, "example.com.", 0, true, &len, &q);
		struct xfr *x = NULL;
		size_t n = xfr_begin(f->e, wire, len, &p, buf, sizeof(buf), &x);

		assert_null(x);
		assert_int_equal(ldns_wire2pkt(&r, buf, n), LDNS_STATUS_OK);
		assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_NOTAUTH);
		assert_int_equal(ldns_rdf2native_int16(ldns_rr_rdf(ldns_pkt_tsig(r), 5)),
				 TSIG_BADSIG);
		ldns_pkt_free(r);
		ldns_pkt_free(q);
		free(wire);
		/* a zone batond does not serve */
		wire = request(LDNS_RR_TYPE_AXFR, "example.org.", 0, false, &len, &q);
		n = xfr_begin(f->e, wire, len, &p, buf, sizeof(buf), &x);
		assert_null(x);
		assert_int_equal(ldns_wire2pkt(&r, buf, n), LDNS_STATUS_OK);
		assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_NOTAUTH);
		ldns_pkt_free(r);
		ldns_pkt_free(q);
		free(wire);
	}
	f->key.secret[0] ^= 1;
}

/* A verdict change: a new serial, a journal entry of the changed records only, and IXFR
 * answers from it; a serial too old or unknown gets the whole zone; the current one the SOA. */
static void test_ixfr(void **state)
{
	struct fx *f = *state;
	struct export_zone *ez = &f->e->zones[0];
	unsigned messages;
	uint16_t rcode;
	char *t;
	const char *expect;

	assert_int_equal(ez->serial, 7);
	f->view->sites[0].verdict = SITE_DOWN;
	export_check(f->e, ez->last_serial_ms + 1000);
	assert_int_equal(ez->serial, 8);
	assert_int_equal(zone_serial_now(f->z), 8);
	assert_int_equal(ez->journal_count, 1);
	assert_int_equal(ez->journal[0].count, 2);
	t = transfer(f, LDNS_RR_TYPE_IXFR, 7, "127.0.0.1", false, &messages, &rcode);
	expect = "example.com.\t300\tIN\tSOA\tns1.example.com. hostmaster.example.com. 8 7200 900 "
		 "1209600 300\n"
		 "example.com.\t300\tIN\tSOA\tns1.example.com. hostmaster.example.com. 7 7200 900 "
		 "1209600 300\n"
		 "all.example.com.\t5\tIN\tA\t192.0.2.10\n"
		 "all.example.com.\t5\tIN\tAAAA\t2001:db8::10\n"
		 "www.example.com.\t15\tIN\tA\t192.0.2.10\n"
		 "www.example.com.\t15\tIN\tAAAA\t2001:db8::10\n"
		 "example.com.\t300\tIN\tSOA\tns1.example.com. hostmaster.example.com. 8 7200 900 "
		 "1209600 300\n"
		 "www.example.com.\t15\tIN\tA\t198.51.100.20\n"
		 "example.com.\t300\tIN\tSOA\tns1.example.com. hostmaster.example.com. 8 7200 900 "
		 "1209600 300\n";
	assert_string_equal(t, expect);
	free(t);
	t = transfer(f, LDNS_RR_TYPE_IXFR, 8, "127.0.0.1", false, &messages, &rcode);
	assert_int_equal(messages, 1);
	assert_string_equal(t, "example.com.\t300\tIN\tSOA\tns1.example.com. "
			       "hostmaster.example.com. 8 7200 900 1209600 300\n");
	free(t);
	t = transfer(f, LDNS_RR_TYPE_IXFR, 3, "127.0.0.1", false, &messages, &rcode);
	assert_non_null(strstr(t, "ns1.example.com.\t300\tIN\tA\t192.0.2.1\n")); /* AXFR-style */
	assert_non_null(strstr(t, "www.example.com.\t15\tIN\tA\t198.51.100.20\n"));
	free(t);
}

/* At most one new serial per export-min-interval; the latest state wins; back to where it
 * was is a change too. */
static void test_coalescing(void **state)
{
	struct fx *f = *state;
	struct export_zone *ez = &f->e->zones[0];
	int64_t t0 = ez->last_serial_ms + 1000;

	f->view->sites[0].verdict = SITE_DOWN;
	export_check(f->e, t0);
	assert_int_equal(ez->serial, 8);
	f->view->sites[0].verdict = SITE_UP;
	export_check(f->e, t0 + 500);
	f->view->sites[1].drained = true;
	export_check(f->e, t0 + 900);
	assert_int_equal(ez->serial, 8);
	export_check(f->e, t0 + 1000);
	assert_int_equal(ez->serial, 9);
	assert_int_equal(ez->journal_count, 2);
	/* www back on fra; all on fra only: two FAILOVERs changed */
	assert_int_equal(export_journal_at(ez, 1)->count, 2);
	export_check(f->e, t0 + 5000);
	assert_int_equal(ez->serial, 9);
}

/* RFC 1982: comparison across the wrap, and the next serial after a file's and ours. */
static void test_serials(void **state)
{
	(void)state;
	assert_true(serial_gt(1, 0xffffffffu));
	assert_false(serial_gt(0xffffffffu, 1));
	assert_false(serial_gt(5, 5));
	assert_int_equal(export_next_serial(10, 3), 11);
	assert_int_equal(export_next_serial(10, 2026120701), 2026120701);
	assert_int_equal(export_next_serial(0xffffffffu, 0xffffffffu), 0);
	assert_int_equal(export_next_serial(0xffffffffu, 5), 5);
}

/* The journal keeps the last EXPORT_JOURNAL_MAX differences; older serials are not found. */
static void test_journal_ring(void **state)
{
	struct fx *f = *state;
	struct export_zone *ez = &f->e->zones[0];
	unsigned first;

	for (uint32_t i = 0; i < EXPORT_JOURNAL_MAX + 10; i++) {
		struct export_diff d = { .from = ez->serial, .to = ez->serial + 1 };

		d.changes = calloc(1, sizeof(*d.changes));
		d.count = 1;
		export_journal_add(ez, &d);
	}
	assert_int_equal(ez->serial, 7 + EXPORT_JOURNAL_MAX + 10);
	assert_int_equal(ez->journal_count, EXPORT_JOURNAL_MAX);
	assert_int_equal(export_journal_from(ez, 7, &first), 0);
	assert_int_equal(export_journal_from(ez, 17, &first), EXPORT_JOURNAL_MAX);
	assert_int_equal(export_journal_from(ez, ez->serial - 1, &first), 1);
	assert_int_equal(export_journal_at(ez, first)->to, ez->serial);
}

/* A zone replaced (a reload) moves past every serial given, clears the journal, and stops a
 * transfer of the old zone under way. */
static void test_zone_replaced(void **state)
{
	struct fx *f = *state;
	struct export_zone *ez = &f->e->zones[0];
	struct zoneset *next = NULL;
	struct zone *z2 = NULL;
	struct xfr *x = NULL;
	static uint8_t buf[65536];
	struct sockaddr_storage p = peer("127.0.0.1");
	ldns_pkt *q;
	size_t len;
	uint8_t *wire = request(LDNS_RR_TYPE_AXFR, "example.com.", 0, false, &len, &q);

	f->view->sites[0].verdict = SITE_DOWN;
	export_check(f->e, ez->last_serial_ms + 1000);
	assert_int_equal(xfr_begin(f->e, wire, len, &p, buf, sizeof(buf), &x), 0);
	assert_non_null(x);
	assert_int_equal(fixture_zone(&z2, "example.com", zone_text, &f->d), 0);
	assert_int_equal(zoneset_new(&next, &z2, 1), 0);
	export_zones_replaced(f->e, next);
	assert_int_equal(ez->serial, 9);
	assert_int_equal(ez->journal_count, 0);
	assert_int_equal(zone_serial_now(z2), 9);
	assert_int_equal(xfr_next(x, buf, sizeof(buf)), -ESTALE);
	xfr_free(x);
	zoneset_free(f->s.zones);
	f->s.zones = next;
	free(wire);
	ldns_pkt_free(q);
}

/* A zone larger than one message goes in several, each signed, chained, under 16 KiB plus
 * the TSIG; every record arrives once. */
static void test_many_messages(void **state)
{
	struct fx *f;
	char *text = malloc(200000), *t;
	size_t len = (size_t)snprintf(text, 200000, "%s", zone_text);
	unsigned messages, lines = 0, hosts = 0;
	static bool seen[5000];
	uint16_t rcode;

	(void)state;
	/* compressed, a host's A is 23 bytes: 5000 of them pass 16 KiB 7 times */
	for (int i = 0; i < 5000; i++)
		len += (size_t)snprintf(text + len, 200000 - len, "h%d A 10.0.%d.%d\n", i, i / 256,
					i % 256);
	assert_int_equal(setup_text((void **)&f, text), 0);
	t = transfer(f, LDNS_RR_TYPE_AXFR, 0, "192.0.2.9", true, &messages, &rcode);
	assert_true(messages >= 7);
	for (char *c = t; *c; c++)
		lines += *c == '\n';
	/* SOA, NS, ns1, 5000 hosts, www A+AAAA, all A+A+AAAA, SOA */
	assert_int_equal(lines, 1 + 1 + 1 + 5000 + 2 + 3 + 1);
	/* every host once, with its own address: the names a message's pointers lead to,
	 * across the cuts, are the right ones */
	for (char *c = t; *c; c = strchr(c, '\n') + 1) {
		int i, b, d, end = 0;

		if (sscanf(c, "h%d.example.com.\t300\tIN\tA\t10.0.%d.%d\n%n", &i, &b, &d, &end) !=
		    3)
			continue;
		assert_true(end > 0 && i >= 0 && i < 5000 && !seen[i]);
		assert_int_equal(b, i / 256);
		assert_int_equal(d, i % 256);
		seen[i] = true;
		hosts++;
	}
	assert_int_equal(hosts, 5000);
	free(t);
	free(text);
	teardown((void **)&f);
}

/* Names are compressed within a message (RFC 1035 §4.1.4): the owners under the apex and the
 * names in SOA, NS and MX RDATA point back into the message, which ldns reads back as the
 * zone's records, in fewer bytes than the same records written out. */
static void test_axfr_compressed(void **state)
{
	static uint8_t buf[65536];
	struct fx *f;
	char *text = malloc(20000), *line;
	size_t len = (size_t)snprintf(text, 20000, "%s@ MX 10 h7\n", zone_text), req_len;
	struct sockaddr_storage p = peer("127.0.0.1");
	struct xfr *x = NULL;
	ldns_pkt *q, *r = NULL;
	uint8_t *req;
	size_t plain = LDNS_HEADER_SIZE;
	char expect[128];
	int n;

	(void)state;
	for (int i = 0; i < 300; i++)
		len += (size_t)snprintf(text + len, 20000 - len, "h%d A 10.0.%d.%d\n", i, i / 256,
					i % 256);
	assert_int_equal(setup_text((void **)&f, text), 0);
	req = request(LDNS_RR_TYPE_AXFR, "example.com.", 0, false, &req_len, &q);
	assert_int_equal(xfr_begin(f->e, req, req_len, &p, buf, sizeof(buf), &x), 0);
	assert_non_null(x);
	n = xfr_next(x, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(xfr_next(x, buf + n, sizeof(buf) - (size_t)n), 0); /* one message */
	assert_int_equal(ldns_wire2pkt(&r, buf, (size_t)n), LDNS_STATUS_OK);
	/* SOA, NS, MX, ns1, 300 hosts, www A+AAAA, all A+A+AAAA, SOA */
	assert_int_equal(ldns_pkt_ancount(r), 1 + 1 + 1 + 1 + 300 + 2 + 3 + 1);
	plain += ldns_rr_uncompressed_size(ldns_rr_list_rr(ldns_pkt_question(r), 0)) - 6;
	for (size_t i = 0; i < ldns_pkt_ancount(r); i++)
		plain += ldns_rr_uncompressed_size(ldns_rr_list_rr(ldns_pkt_answer(r), i));
	/* each host's owner saves 11 of its 19 bytes ("example.com." becomes a pointer) */
	assert_true((size_t)n + 300 * 11 <= plain);
	line = ldns_pkt2str(r);
	assert_non_null(strstr(line, "example.com.\t300\tIN\tSOA\tns1.example.com. "
				     "hostmaster.example.com. 7 7200 900 1209600 300\n"));
	assert_non_null(strstr(line, "example.com.\t300\tIN\tNS\tns1.example.com.\n"));
	assert_non_null(strstr(line, "example.com.\t300\tIN\tMX\t10 h7.example.com.\n"));
	assert_non_null(strstr(line, "www.example.com.\t15\tIN\tAAAA\t2001:db8::10\n"));
	for (int i = 0; i < 300; i++) {
		snprintf(expect, sizeof(expect), "\nh%d.example.com.\t300\tIN\tA\t10.0.%d.%d\n", i,
			 i / 256, i % 256);
		assert_non_null(strstr(line, expect));
	}
	free(line);
	ldns_pkt_free(r);
	xfr_free(x);
	free(req);
	ldns_pkt_free(q);
	free(text);
	teardown((void **)&f);
}

/* The request parser: an IXFR needs its SOA; responses are dropped; a question is required. */
static void test_request_parse(void **state)
{
	struct xfr_request r;
	ldns_pkt *q;
	size_t len;
	uint8_t *wire = request(LDNS_RR_TYPE_IXFR, "Example.COM.", 42, true, &len, &q);

	(void)state;
	assert_true(xfr_is_transfer(wire, len));
	assert_false(xfr_is_notify(wire, len));
	assert_int_equal(xfr_request_parse(wire, len, &r), 0);
	assert_true(r.has_serial);
	assert_int_equal(r.serial, 42);
	assert_true(r.has_tsig);
	assert_memory_equal(r.qname,
			    "\x07"
			    "example\x03"
			    "com",
			    13);
	wire[2] |= 0x80; /* QR */
	assert_int_equal(xfr_request_parse(wire, len, &r), -EPROTO);
	assert_false(xfr_is_transfer(wire, len));
	free(wire);
	ldns_pkt_free(q);
	wire = request(LDNS_RR_TYPE_AXFR, "example.com.", 0, false, &len, &q);
	wire[DNS_HEADER_LEN + 13 + 1] = LDNS_RR_TYPE_IXFR; /* an IXFR without its SOA */
	assert_int_equal(xfr_request_parse(wire, len, &r), -EBADMSG);
	wire_put_u16(wire + DNS_HEADER_QDCOUNT, 0);
	assert_int_equal(xfr_request_parse(wire, len, &r), -EBADMSG);
	free(wire);
	ldns_pkt_free(q);
}

/* provide-xfr: the network and the key must both match; IPv6 and mapped IPv4 too. */
/* The configured zone of a wire name, whatever its case, for the UDP IXFR check. */
static void test_config_zone(void **state)
{
	struct config_zone zones[2] = { { .name = "example.org" }, { .name = "Example.COM" } };
	struct config cfg = { .zones = zones, .zone_count = 2 };

	(void)state;
	assert_ptr_equal(xfr_config_zone(&cfg, (const uint8_t *)"\x07"
								"example\x03"
								"com"),
			 &zones[1]);
	assert_null(xfr_config_zone(&cfg, (const uint8_t *)"\x03"
							   "com"));
}

static void test_acl(void **state)
{
	struct config_zone cz = { 0 };
	struct config_acl a[2];
	char fix[160];
	struct sockaddr_storage p4 = peer("192.0.2.200"), p6 = { 0 };
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&p6;

	(void)state;
	assert_int_equal(config_xfr_acl(&a[0], "192.0.2.128/25 NOKEY", fix, sizeof(fix)), 0);
	assert_int_equal(config_xfr_acl(&a[1], "2001:db8::/33 NOKEY", fix, sizeof(fix)), 0);
	a[1].key = 3;
	cz.provide_xfr = a;
	cz.provide_xfr_count = 2;
	assert_true(xfr_acl_allows(&cz, (struct sockaddr *)&p4, -1));
	assert_false(xfr_acl_allows(&cz, (struct sockaddr *)&p4, 0));
	p4 = peer("192.0.2.127");
	assert_false(xfr_acl_allows(&cz, (struct sockaddr *)&p4, -1));
	sin6->sin6_family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8:7fff::1", &sin6->sin6_addr);
	assert_true(xfr_acl_allows(&cz, (struct sockaddr *)&p6, 3));
	assert_false(xfr_acl_allows(&cz, (struct sockaddr *)&p6, -1));
	assert_true(xfr_acl_allows(&cz, (struct sockaddr *)&p6, XFR_ANY_KEY)); /* UDP IXFR: TC */
	inet_pton(AF_INET6, "2001:db8:8000::1", &sin6->sin6_addr);
	assert_false(xfr_acl_allows(&cz, (struct sockaddr *)&p6, 3));
	inet_pton(AF_INET6, "::ffff:192.0.2.130", &sin6->sin6_addr);
	assert_true(xfr_acl_allows(&cz, (struct sockaddr *)&p6, -1));
	assert_int_equal(config_xfr_acl(&a[0], "192.0.2.1/33 NOKEY", fix, sizeof(fix)), -EINVAL);
	assert_int_equal(config_xfr_acl(&a[0], "192.0.2.1", fix, sizeof(fix)), -EINVAL);
	assert_int_equal(config_xfr_acl(&a[0], "192.0.2.1 a b", fix, sizeof(fix)), -EINVAL);
	assert_int_equal(config_xfr_acl(&a[0], "192.0.2.1 BLOCKED", fix, sizeof(fix)), -EINVAL);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_axfr),
		T(test_refusals),
		T(test_ixfr),
		T(test_coalescing),
		cmocka_unit_test(test_serials),
		T(test_journal_ring),
		T(test_zone_replaced),
		cmocka_unit_test(test_many_messages),
		cmocka_unit_test(test_axfr_compressed),
		cmocka_unit_test(test_request_parse),
		cmocka_unit_test(test_acl),
		cmocka_unit_test(test_config_zone),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
