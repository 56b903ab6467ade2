/* Unit tests for server/tsig.c: requests signed by ldns verify here, and messages signed here
 * verify in ldns, the first message of a response (request MAC + message + variables) and the
 * following ones (prior MAC + message + timers, RFC 8945 §5.3.1); each TSIG error, and the
 * placement rules of the parser. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "baton/wire.h"
#include "server/config_xfr.h"
#include "server/dns.h"
#include "server/tsig.h"

#define SECRET "K2tf3TRjvQkVCmJF3/Z9vA=="

static void make_key(struct config_tsig_key *k, const char *name, const char *alg)
{
	char fix[160];

	memset(k, 0, sizeof(*k));
	assert_int_equal(config_xfr_key_name(k, name, fix, sizeof(fix)), 0);
	assert_int_equal(config_xfr_key_algorithm(k, alg, fix, sizeof(fix)), 0);
	assert_int_equal(config_xfr_key_secret(k, SECRET, fix, sizeof(fix)), 0);
}

static void free_key(struct config_tsig_key *k)
{
	free(k->name);
}

/* An AXFR request for example.com signed by ldns; *wire is its wire form (free it). */
static ldns_pkt *ldns_request(const char *key_name, uint8_t **wire, size_t *len)
{
	ldns_pkt *q = NULL;

	assert_int_equal(ldns_pkt_query_new_frm_str(&q, "example.com.", LDNS_RR_TYPE_AXFR,
						    LDNS_RR_CLASS_IN, 0),
			 LDNS_STATUS_OK);
	ldns_pkt_set_id(q, 0x1234);
	assert_int_equal(ldns_pkt_tsig_sign(q, key_name, SECRET, 300, "hmac-sha256.", NULL),
			 LDNS_STATUS_OK);
	assert_int_equal(ldns_pkt2wire(wire, q, len), LDNS_STATUS_OK);
	return q;
}

static void test_verify_ldns_request(void **state)
{
	struct config_tsig_key key;
	const struct config_tsig_key *found;
	struct tsig_rr t;
	uint8_t *wire;
	size_t len;
	ldns_pkt *q = ldns_request("xfr.key.", &wire, &len);
	uint64_t now = (uint64_t)time(NULL);

	(void)state;
	make_key(&key, "XFR.key", "hmac-sha256");
	assert_int_equal(tsig_parse(wire, len, &t), 0);
	assert_int_equal(t.mac_len, 32);
	assert_int_equal(t.original_id, 0x1234);
	assert_int_equal(tsig_verify(&key, 1, wire, &t, now, &found), TSIG_NOERROR);
	assert_ptr_equal(found, &key);
	/* outside the fudge either way */
	assert_int_equal(tsig_verify(&key, 1, wire, &t, now + 400, &found), TSIG_BADTIME);
	assert_int_equal(tsig_verify(&key, 1, wire, &t, now - 400, &found), TSIG_BADTIME);
	/* one bit of the question changed */
	wire[DNS_HEADER_LEN + 2] ^= 0x20;
	assert_int_equal(tsig_verify(&key, 1, wire, &t, now, &found), TSIG_BADSIG);
	free(wire);
	ldns_pkt_free(q);
	/* a key of another name */
	q = ldns_request("other.key.", &wire, &len);
	assert_int_equal(tsig_parse(wire, len, &t), 0);
	assert_int_equal(tsig_verify(&key, 1, wire, &t, now, &found), TSIG_BADKEY);
	assert_null(found);
	free(wire);
	ldns_pkt_free(q);
	free_key(&key);
}

/* A response of `count` A records (a part of a transfer) to ldns's request `q`. */
static size_t response(uint8_t *buf, size_t cap, uint16_t id, unsigned count)
{
	struct wire w;

	wire_init(&w, buf, cap);
	wire_write_u16(&w, id);
	wire_write_u16(&w, DNS_FLAG_QR | DNS_FLAG_AA);
	wire_write_u16(&w, 0);
	wire_write_u16(&w, (uint16_t)count);
	wire_write_u32(&w, 0);
	for (unsigned i = 0; i < count; i++) {
		wire_write(&w,
			   "\x03www\x07"
			   "example\x03"
			   "com",
			   17);
		wire_write_u16(&w, DNS_TYPE_A);
		wire_write_u16(&w, DNS_CLASS_IN);
		wire_write_u32(&w, 60);
		wire_write_u16(&w, 4);
		wire_write_u32(&w, 0xc0000200 + i);
	}
	assert_int_equal(w.error, 0);
	return wire_offset(&w);
}

/* Three messages of a transfer signed here verify in ldns, each with the MAC before it. */
static void test_multi_message_chain(void **state)
{
	struct config_tsig_key key;
	struct tsig_signer sg;
	struct tsig_rr t;
	uint8_t *wire, buf[4096];
	size_t len;
	ldns_pkt *q = ldns_request("xfr.key.", &wire, &len);
	ldns_rdf *prior = ldns_rdf_clone(ldns_rr_rdf(ldns_pkt_tsig(q), 3));

	(void)state;
	make_key(&key, "xfr.key.", "hmac-sha256");
	assert_int_equal(tsig_parse(wire, len, &t), 0);
	tsig_signer_init(&sg, &key, &t);
	for (unsigned m = 0; m < 3; m++) {
		int n = tsig_sign(&sg, buf, response(buf, sizeof(buf), 0x1234, m + 1), sizeof(buf),
				  (uint64_t)time(NULL), TSIG_NOERROR, NULL, 0, NULL);
		ldns_pkt *r = NULL;

		assert_true(n > 0);
		assert_int_equal(wire_get_u16(buf + DNS_HEADER_ARCOUNT), 1);
		assert_int_equal(ldns_wire2pkt(&r, buf, (size_t)n), LDNS_STATUS_OK);
		assert_true(ldns_pkt_tsig_verify_next(r, buf, (size_t)n, "xfr.key.", SECRET, prior,
						      m > 0));
		ldns_rdf_deep_free(prior);
		prior = ldns_rdf_clone(ldns_rr_rdf(ldns_pkt_tsig(r), 3));
		ldns_pkt_free(r);
	}
	/* a message signed as the first one again does not verify as a following one */
	tsig_signer_init(&sg, &key, &t);
	{
		int n = tsig_sign(&sg, buf, response(buf, sizeof(buf), 0x1234, 1), sizeof(buf),
				  (uint64_t)time(NULL), TSIG_NOERROR, NULL, 0, NULL);
		ldns_pkt *r = NULL;

		assert_int_equal(ldns_wire2pkt(&r, buf, (size_t)n), LDNS_STATUS_OK);
		assert_false(
			ldns_pkt_tsig_verify_next(r, buf, (size_t)n, "xfr.key.", SECRET, prior, 1));
		ldns_pkt_free(r);
	}
	ldns_rdf_deep_free(prior);
	free(wire);
	ldns_pkt_free(q);
	free_key(&key);
}

/* A request signed here (a NOTIFY: no prior MAC) verifies here, for each algorithm. */
static void test_round_trip_algorithms(void **state)
{
	static const char *const algs[] = { "hmac-sha1", "hmac-sha256", "hmac-sha512" };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct config_tsig_key key;
		const struct config_tsig_key *found;
		struct tsig_signer sg;
		struct tsig_rr t;
		uint8_t buf[4096];
		int n;

		size_t base = response(buf, sizeof(buf), 7, 2);

		make_key(&key, "k.example", algs[i]);
		tsig_signer_init(&sg, &key, NULL);
		n = tsig_sign(&sg, buf, base, sizeof(buf), 1000000, TSIG_NOERROR, NULL, 0, NULL);
		assert_true(n > 0);
		assert_true((size_t)n <= base + tsig_room(&key));
		assert_int_equal(tsig_parse(buf, (size_t)n, &t), 0);
		assert_int_equal(tsig_verify(&key, 1, buf, &t, 1000100, &found), TSIG_NOERROR);
		free_key(&key);
	}
}

/* BADKEY and BADSIG answers carry no MAC, and the request's key and algorithm names. */
static void test_error_unsigned(void **state)
{
	struct tsig_signer sg;
	struct tsig_rr t, back;
	uint8_t *wire, buf[4096];
	size_t len;
	ldns_pkt *q = ldns_request("other.key.", &wire, &len);
	int n;

	(void)state;
	assert_int_equal(tsig_parse(wire, len, &t), 0);
	tsig_signer_init(&sg, NULL, &t);
	n = tsig_sign(&sg, buf, response(buf, sizeof(buf), 0x1234, 0), sizeof(buf), 5, TSIG_BADKEY,
		      NULL, 0, &t);
	assert_true(n > 0);
	assert_int_equal(tsig_parse(buf, (size_t)n, &back), 0);
	assert_int_equal(back.mac_len, 0);
	assert_int_equal(back.error, TSIG_BADKEY);
	assert_memory_equal(back.key_name, "\x05other\x03key", 11);
	free(wire);
	ldns_pkt_free(q);
}

/* A TSIG anywhere but last in the additional section is malformed (RFC 8945 §5.1); a message
 * without one says so; a cut message is malformed. */
static void test_parse_placement(void **state)
{
	struct config_tsig_key key;
	struct tsig_signer sg;
	struct tsig_rr t;
	uint8_t buf[4096];
	size_t base = response(buf, sizeof(buf), 1, 1);
	int n;

	(void)state;
	assert_int_equal(tsig_parse(buf, base, &t), -ENOENT);
	make_key(&key, "k.example", "hmac-sha256");
	tsig_signer_init(&sg, &key, NULL);
	n = tsig_sign(&sg, buf, base, sizeof(buf), 1, TSIG_NOERROR, NULL, 0, NULL);
	assert_int_equal(tsig_parse(buf, (size_t)n, &t), 0);
	for (size_t cut = 0; cut < (size_t)n; cut++)
		assert_int_equal(tsig_parse(buf, cut, &t), -EBADMSG);
	/* the TSIG counted in the answer section instead */
	wire_put_u16(buf + DNS_HEADER_ANCOUNT, 2);
	wire_put_u16(buf + DNS_HEADER_ARCOUNT, 0);
	assert_int_equal(tsig_parse(buf, (size_t)n, &t), -EBADMSG);
	/* a record after it */
	wire_put_u16(buf + DNS_HEADER_ANCOUNT, 1);
	wire_put_u16(buf + DNS_HEADER_ARCOUNT, 1);
	memcpy(buf + n, buf + DNS_HEADER_LEN, 17 + 14);
	wire_put_u16(buf + DNS_HEADER_ARCOUNT, 2);
	assert_int_equal(tsig_parse(buf, (size_t)n + 31, &t), -EBADMSG);
	free_key(&key);
}

/* Secrets: base64 only, not empty, at most 128 bytes; names and algorithms checked. */
static void test_key_values(void **state)
{
	struct config_tsig_key k = { 0 };
	char fix[160];

	(void)state;
	assert_int_equal(config_xfr_key_secret(&k, "AAAA", fix, sizeof(fix)), 0);
	assert_int_equal(k.secret_len, 3);
	assert_int_equal(config_xfr_key_secret(&k, "AA==", fix, sizeof(fix)), 0);
	assert_int_equal(k.secret_len, 1);
	assert_int_equal(config_xfr_key_secret(&k, "AA=", fix, sizeof(fix)), -EINVAL);
	assert_int_equal(config_xfr_key_secret(&k, "A!AA", fix, sizeof(fix)), -EINVAL);
	assert_int_equal(config_xfr_key_secret(&k, "====", fix, sizeof(fix)), -EINVAL);
	assert_int_equal(config_xfr_key_algorithm(&k, "hmac-md5", fix, sizeof(fix)), -EINVAL);
	assert_non_null(strstr(fix, "hmac-sha256"));
	assert_int_equal(config_xfr_key_name(&k, "a..b", fix, sizeof(fix)), -EINVAL);
	assert_int_equal(config_xfr_key_name(&k, "Key.Example.", fix, sizeof(fix)), 0);
	assert_string_equal(k.name, "key.example");
	assert_int_equal(k.wire_len, 13);
	free(k.name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verify_ldns_request),
		cmocka_unit_test(test_multi_message_chain),
		cmocka_unit_test(test_round_trip_algorithms),
		cmocka_unit_test(test_error_unsigned),
		cmocka_unit_test(test_parse_placement),
		cmocka_unit_test(test_key_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
