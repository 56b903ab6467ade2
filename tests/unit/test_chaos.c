/* Unit tests for server/chaos.c through answer_query(): the CHAOS TXT names NSD answers, the
 * hide-* keys, what is REFUSED, and the NSID option (RFC 5001) with its payload and rcode rules.
 * The expected answers are NSD 4.6.1's, read with dig (tests/integration/identity.sh compares
 * the two servers side by side). */
#include "autoconfig.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "baton/wire.h"
#include "server/answer.h"
#include "server/chaos.h"
#include "server/dns.h"

struct exchange {
	uint8_t query[512];
	size_t query_len;
	size_t rdlen_at; /* the OPT's RDLENGTH, 0 without EDNS */
	uint8_t out[ANSWER_TCP_MAX];
	size_t len;
};

/* `name` is a wire name written as a string literal, in the client's case. */
static void ask_begin(struct exchange *x, const char *name, uint16_t qtype, uint16_t qclass,
		      uint16_t flags, bool edns, uint8_t version)
{
	struct wire w;

	wire_init(&w, x->query, sizeof(x->query));
	wire_write_u16(&w, 0x1234);
	wire_write_u16(&w, flags);
	wire_write_u16(&w, 1);
	wire_write_u16(&w, 0);
	wire_write_u16(&w, 0);
	wire_write_u16(&w, edns ? 1 : 0);
	wire_write(&w, name, strlen(name) + 1);
	wire_write_u16(&w, qtype);
	wire_write_u16(&w, qclass);
	x->rdlen_at = 0;
	if (edns) {
		wire_write_u8(&w, 0);
		wire_write_u16(&w, DNS_TYPE_OPT);
		wire_write_u16(&w, 1232);
		wire_write_u8(&w, 0);
		wire_write_u8(&w, version);
		wire_write_u16(&w, 0);
		x->rdlen_at = wire_offset(&w);
		wire_write_u16(&w, 0);
	}
	assert_int_equal(w.error, 0);
	x->query_len = wire_offset(&w);
}

static void add_option(struct exchange *x, uint16_t code, const char *data)
{
	size_t n = strlen(data);
	uint8_t *p = x->query + x->query_len;

	assert_true(x->rdlen_at > 0);
	wire_put_u16(p, code);
	wire_put_u16(p + 2, (uint16_t)n);
	memcpy(p + 4, data, n);
	x->query_len += 4 + n;
	wire_put_u16(x->query + x->rdlen_at,
		     (uint16_t)(wire_get_u16(x->query + x->rdlen_at) + 4 + n));
}

static void ask_send(struct exchange *x, const struct chaos *c, bool tcp)
{
	struct answer_source src = { .zones = NULL, .edns_size = 1232, .chaos = c };

	x->len = answer_query(x->out, sizeof(x->out), x->query, x->query_len, tcp, &src, NULL);
	assert_true(x->len >= DNS_HEADER_LEN);
	assert_int_equal(wire_get_u16(x->out), 0x1234);
}

static void ask(struct exchange *x, const struct chaos *c, const char *name, uint16_t qtype)
{
	ask_begin(x, name, qtype, DNS_CLASS_CH, 0, true, 0);
	ask_send(x, c, false);
}

static uint16_t rcode_of(const struct exchange *x)
{
	return wire_get_u16(x->out + DNS_HEADER_FLAGS) & DNS_RCODE_MASK;
}

static uint16_t count_of(const struct exchange *x, size_t at)
{
	return wire_get_u16(x->out + at);
}

/* Where the answer section starts: after the header and the echoed question. */
static size_t answer_at(const struct exchange *x)
{
	return DNS_HEADER_LEN + strlen((const char *)x->query + DNS_HEADER_LEN) + 1 + 4;
}

/* The one answer is a TXT in CH with a TTL of 0, owned by the question's name (a pointer to
 * it, so the client's case comes back), holding `text`. */
static void expect_txt(const struct exchange *x, const char *text)
{
	const uint8_t *rr = x->out + answer_at(x);
	size_t n = strlen(text);

	assert_int_equal(rcode_of(x), DNS_RCODE_NOERROR);
	assert_int_equal(count_of(x, DNS_HEADER_ANCOUNT), 1);
	/* NSD leaves AA clear: these names are in no zone */
	assert_int_equal(wire_get_u16(x->out + DNS_HEADER_FLAGS) & DNS_FLAG_AA, 0);
	assert_int_equal(wire_get_u16(rr), DNS_POINTER | DNS_HEADER_LEN);
	assert_int_equal(wire_get_u16(rr + 2), DNS_TYPE_TXT);
	assert_int_equal(wire_get_u16(rr + 4), DNS_CLASS_CH);
	assert_int_equal(wire_get_u16(rr + 6) | wire_get_u16(rr + 8), 0);
	assert_int_equal(wire_get_u16(rr + 10), 1 + n);
	assert_int_equal(rr[12], n);
	assert_memory_equal(rr + 13, text, n);
}

static void expect_refused(const struct exchange *x)
{
	assert_int_equal(rcode_of(x), DNS_RCODE_REFUSED);
	assert_int_equal(count_of(x, DNS_HEADER_ANCOUNT), 0);
	assert_int_equal(count_of(x, DNS_HEADER_NSCOUNT), 0);
}

/* The NSID option in the response's OPT (the last record), or NULL; its length in *len. */
static const uint8_t *nsid_of(const struct exchange *x, size_t *len)
{
	const uint8_t *end = x->out + x->len, *p;
	size_t rdlen;

	for (p = x->out + DNS_HEADER_LEN; p + 11 <= end; p++) {
		rdlen = wire_get_u16(p + 9);
		if (p[0] == 0 && wire_get_u16(p + 1) == DNS_TYPE_OPT && p + 11 + rdlen == end)
			break;
	}
	assert_true(p + 11 <= end); /* an OPT is there */
	for (p += 11; p + 4 <= end; p += 4 + wire_get_u16(p + 2)) {
		if (wire_get_u16(p) == DNS_EDNS_OPT_NSID) {
			*len = wire_get_u16(p + 2);
			return p + 4;
		}
	}
	return NULL;
}

static void configure(struct chaos *c)
{
	chaos_init(c);
	assert_int_equal(chaos_set_identity(c, "ns1.fra"), 0);
	assert_int_equal(chaos_set_version(c, "batond test"), 0);
	assert_null(chaos_set_nsid(c, "ascii_ns1"));
}

static void test_identity_and_version(void **state)
{
	struct exchange x;
	struct chaos c;

	(void)state;
	configure(&c);
	ask(&x, &c, "\2id\6server", DNS_TYPE_TXT);
	expect_txt(&x, "ns1.fra");
	ask(&x, &c, "\10hostname\4bind", DNS_TYPE_TXT);
	expect_txt(&x, "ns1.fra");
	ask(&x, &c, "\7version\6server", DNS_TYPE_TXT);
	expect_txt(&x, "batond test");
	ask(&x, &c, "\7version\4bind", DNS_TYPE_TXT);
	expect_txt(&x, "batond test");
	/* ANY is answered with the TXT, as NSD does */
	ask(&x, &c, "\7version\4bind", DNS_TYPE_ANY);
	expect_txt(&x, "batond test");
}

/* Names compare without case (RFC 4343); the echoed question and the owner keep the client's. */
static void test_case_kept(void **state)
{
	struct exchange x;
	struct chaos c;

	(void)state;
	configure(&c);
	ask(&x, &c, "\2Id\6SeRvEr", DNS_TYPE_TXT);
	expect_txt(&x, "ns1.fra");
	assert_memory_equal(x.out + DNS_HEADER_LEN, "\2Id\6SeRvEr", 11);
	ask(&x, &c, "\7VERSION\4BIND", DNS_TYPE_TXT);
	expect_txt(&x, "batond test");
}

/* RD is copied and the answer is the same over TCP and without EDNS. */
static void test_rd_tcp_plain(void **state)
{
	struct exchange x;
	struct chaos c;

	(void)state;
	configure(&c);
	ask_begin(&x, "\2id\6server", DNS_TYPE_TXT, DNS_CLASS_CH, DNS_FLAG_RD, false, 0);
	ask_send(&x, &c, true);
	expect_txt(&x, "ns1.fra");
	assert_int_equal(wire_get_u16(x.out + DNS_HEADER_FLAGS) & DNS_FLAG_RD, DNS_FLAG_RD);
	assert_int_equal(count_of(&x, DNS_HEADER_ARCOUNT), 0);
}

static void test_hidden(void **state)
{
	struct exchange x;
	struct chaos c;

	(void)state;
	configure(&c);
	c.hide_identity = true;
	ask(&x, &c, "\2id\6server", DNS_TYPE_TXT);
	expect_refused(&x);
	ask(&x, &c, "\10hostname\4bind", DNS_TYPE_ANY);
	expect_refused(&x);
	ask(&x, &c, "\7version\4bind", DNS_TYPE_TXT);
	expect_txt(&x, "batond test");
	c.hide_version = true;
	ask(&x, &c, "\7version\6server", DNS_TYPE_TXT);
	expect_refused(&x);
	ask(&x, &c, "\7version\4bind", DNS_TYPE_TXT);
	expect_refused(&x);
}

/* Other names, other types, and no chaos at all: REFUSED, as NSD answers. */
static void test_refused(void **state)
{
	struct exchange x;
	struct chaos c;

	(void)state;
	configure(&c);
	ask(&x, &c, "\7authors\4bind", DNS_TYPE_TXT);
	expect_refused(&x);
	ask(&x, &c, "\2id\6server\4test", DNS_TYPE_TXT);
	expect_refused(&x);
	ask(&x, &c, "\6server", DNS_TYPE_TXT);
	expect_refused(&x);
	ask(&x, &c, "\2id\6server", DNS_TYPE_A);
	expect_refused(&x);
	ask(&x, &c, "\7version\4bind", DNS_TYPE_SOA);
	expect_refused(&x);
	ask(&x, &c, "\7version\4bind", DNS_TYPE_AXFR);
	expect_refused(&x);
	ask(&x, NULL, "\2id\6server", DNS_TYPE_TXT);
	expect_refused(&x);
}

/* NSID only when asked, whatever the answer (RFC 5001 §2.2); a payload in the query is
 * ignored (§2.3); none with BADVERS, as NSD. */
static void test_nsid(void **state)
{
	struct exchange x;
	struct chaos c;
	const uint8_t *nsid;
	size_t len = 0;

	(void)state;
	configure(&c);
	ask(&x, &c, "\2id\6server", DNS_TYPE_TXT);
	assert_null(nsid_of(&x, &len));
	ask_begin(&x, "\2id\6server", DNS_TYPE_TXT, DNS_CLASS_CH, 0, true, 0);
	add_option(&x, DNS_EDNS_OPT_NSID, "");
	ask_send(&x, &c, false);
	expect_txt(&x, "ns1.fra");
	nsid = nsid_of(&x, &len);
	assert_non_null(nsid);
	assert_int_equal(len, 3);
	assert_memory_equal(nsid, "ns1", 3);
	/* an IN query for a zone we lack: REFUSED, with the NSID */
	ask_begin(&x, "\3www\7example", DNS_TYPE_A, DNS_CLASS_IN, 0, true, 0);
	add_option(&x, DNS_EDNS_OPT_NSID, "xy");
	ask_send(&x, &c, true);
	expect_refused(&x);
	nsid = nsid_of(&x, &len);
	assert_non_null(nsid);
	assert_memory_equal(nsid, "ns1", 3);
	ask_begin(&x, "\2id\6server", DNS_TYPE_TXT, DNS_CLASS_CH, 0, true, 1);
	add_option(&x, DNS_EDNS_OPT_NSID, "");
	ask_send(&x, &c, false);
	assert_int_equal(rcode_of(&x), DNS_RCODE_BADVERS & DNS_RCODE_MASK);
	assert_null(nsid_of(&x, &len));
	/* none configured: none sent */
	assert_null(chaos_set_nsid(&c, "ascii_"));
	ask_begin(&x, "\2id\6server", DNS_TYPE_TXT, DNS_CLASS_CH, 0, true, 0);
	add_option(&x, DNS_EDNS_OPT_NSID, "");
	ask_send(&x, &c, false);
	expect_txt(&x, "ns1.fra");
	assert_null(nsid_of(&x, &len));
}

/* The longest NSID and identity still leave a 512-byte answer whole, with the OPT. */
static void test_longest_fit(void **state)
{
	struct exchange x;
	struct chaos c;
	char text[CHAOS_TEXT_MAX + 1], hex[2 * CHAOS_NSID_MAX + 1];
	size_t len = 0;

	(void)state;
	chaos_init(&c);
	memset(text, 'i', CHAOS_TEXT_MAX);
	text[CHAOS_TEXT_MAX] = '\0';
	memset(hex, 'A', 2 * CHAOS_NSID_MAX);
	hex[2 * CHAOS_NSID_MAX] = '\0';
	assert_int_equal(chaos_set_identity(&c, text), 0);
	assert_null(chaos_set_nsid(&c, hex));
	ask_begin(&x, "\10hostname\4bind", DNS_TYPE_TXT, DNS_CLASS_CH, 0, true, 0);
	wire_put_u16(x.query + x.rdlen_at - 6, 512); /* the OPT's payload size */
	add_option(&x, DNS_EDNS_OPT_NSID, "");
	ask_send(&x, &c, false);
	assert_true(x.len <= 512);
	expect_txt(&x, text);
	assert_non_null(nsid_of(&x, &len));
	assert_int_equal(len, CHAOS_NSID_MAX);
}

static void test_nsid_notation(void **state)
{
	struct chaos c;

	(void)state;
	chaos_init(&c);
	assert_int_equal(c.nsid_option_len, 0);
	assert_null(chaos_set_nsid(&c, "00aBfF"));
	assert_int_equal(c.nsid_option_len, 4 + 3);
	assert_memory_equal(c.nsid_option, "\0\3\0\3\0\xab\xff", 7);
	assert_null(chaos_set_nsid(&c, "ascii_a b"));
	assert_memory_equal(c.nsid_option, "\0\3\0\3a b", 7);
	assert_non_null(chaos_set_nsid(&c, "abc"));
	assert_non_null(chaos_set_nsid(&c, "0g"));
	assert_non_null(chaos_set_nsid(&c, "ascii"));
	/* a failure leaves what was set */
	assert_memory_equal(c.nsid_option, "\0\3\0\3a b", 7);
	assert_null(chaos_set_nsid(&c, ""));
	assert_int_equal(c.nsid_option_len, 0);
}

static void test_text_limits(void **state)
{
	struct chaos c;
	char text[CHAOS_TEXT_MAX + 2];

	(void)state;
	chaos_init(&c);
	memset(text, 'v', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(chaos_set_version(&c, text), -EMSGSIZE);
	assert_memory_equal(c.version_rr + DNS_RR_FIXED_LEN + 1, "batond ", 7);
	text[CHAOS_TEXT_MAX] = '\0';
	assert_int_equal(chaos_set_version(&c, text), 0);
	assert_int_equal(c.version_rr_len, DNS_RR_FIXED_LEN + 1 + CHAOS_TEXT_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity_and_version),
		cmocka_unit_test(test_case_kept),
		cmocka_unit_test(test_rd_tcp_plain),
		cmocka_unit_test(test_hidden),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_nsid),
		cmocka_unit_test(test_longest_fit),
		cmocka_unit_test(test_nsid_notation),
		cmocka_unit_test(test_text_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
