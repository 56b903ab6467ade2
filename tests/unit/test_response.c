/* Unit tests for query parsing (server/query.c) and response encoding (server/response.c):
 * the statuses of malformed queries, EDNS, the echoed question, name compression, rollback of
 * RRsets that do not fit, truncation and the OPT record. */
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

#include <ldns/ldns.h>

#include "server/query.h"
#include "server/response.h"
#include "zones/zone.h"

#define N(s) ((const uint8_t *)(s))

/* ---- building queries by hand ---- */

struct pkt {
	uint8_t buf[1024];
	struct wire w;
};

static void pkt_header(struct pkt *p, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an,
		       uint16_t ns, uint16_t ar)
{
	wire_init(&p->w, p->buf, sizeof(p->buf));
	wire_write_u16(&p->w, id);
	wire_write_u16(&p->w, flags);
	wire_write_u16(&p->w, qd);
	wire_write_u16(&p->w, an);
	wire_write_u16(&p->w, ns);
	wire_write_u16(&p->w, ar);
}

/* An uncompressed wire name given as a string literal (its NUL is the root label). */
static void pkt_name(struct pkt *p, const char *name)
{
	wire_write(&p->w, name, dname_length(N(name)));
}

static void pkt_question(struct pkt *p, const char *name, uint16_t qtype, uint16_t qclass)
{
	pkt_name(p, name);
	wire_write_u16(&p->w, qtype);
	wire_write_u16(&p->w, qclass);
}

/* OPT: owner (root unless given as raw bytes), payload size, version, DO, RDATA length. */
static void pkt_opt(struct pkt *p, uint16_t size, uint8_t version, bool dnssec_ok)
{
	wire_write_u8(&p->w, 0);
	wire_write_u16(&p->w, LDNS_RR_TYPE_OPT);
	wire_write_u16(&p->w, size);
	wire_write_u8(&p->w, 0);
	wire_write_u8(&p->w, version);
	wire_write_u16(&p->w, dnssec_ok ? 0x8000 : 0);
	wire_write_u16(&p->w, 0);
}

static size_t pkt_len(const struct pkt *p)
{
	assert_int_equal(p->w.error, 0);
	return wire_offset(&p->w);
}

static enum query_status parse(struct query *q, const struct pkt *p)
{
	return query_parse(q, p->buf, pkt_len(p));
}

/* A standard query: id 0x1234, RD, "WwW.ExAmPlE.CoM." A IN. */
static void std_query(struct pkt *p, uint16_t arcount)
{
	pkt_header(p, 0x1234, 0x0100, 1, 0, 0, arcount);
	pkt_question(p,
		     "\x03WwW\x07"
		     "ExAmPlE\x03"
		     "CoM",
		     LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN);
}

/* ---- query_parse ---- */

static void test_parse_ok(void **state)
{
	struct query q;
	struct pkt p;

	(void)state;
	pkt_header(&p, 0xabcd, 0x0110, 1, 0, 0, 0); /* RD and CD */
	pkt_question(&p,
		     "\x03WwW\x07"
		     "ExAmPlE\x03"
		     "CoM",
		     LDNS_RR_TYPE_MX, LDNS_RR_CLASS_IN);
	assert_int_equal(parse(&q, &p), QUERY_OK);
	assert_int_equal(q.id, 0xabcd);
	assert_int_equal(q.opcode, 0);
	assert_true(q.rd);
	assert_true(q.cd);
	assert_int_equal(q.qtype, LDNS_RR_TYPE_MX);
	assert_int_equal(q.qclass, LDNS_RR_CLASS_IN);
	assert_ptr_equal(q.question, p.buf + 12);
	assert_int_equal(q.question_len, 17 + 4);
	assert_int_equal(q.qname.len, 17);
	assert_int_equal(q.qname.labels, 3);
	assert_memory_equal(q.qname.lower,
			    "\x03www\x07"
			    "example\x03"
			    "com",
			    17);
	assert_false(q.edns);

	pkt_header(&p, 1, 0, 1, 0, 0, 0);
	pkt_question(&p, "", LDNS_RR_TYPE_NS, LDNS_RR_CLASS_IN);
	assert_int_equal(parse(&q, &p), QUERY_OK);
	assert_false(q.rd);
	assert_false(q.cd);
	assert_int_equal(q.qname.labels, 0);
	assert_int_equal(q.question_len, 5);
}

static void test_parse_drop(void **state)
{
	struct query q;
	struct pkt p;

	(void)state;
	std_query(&p, 0);
	for (size_t len = 0; len < 12; len++)
		assert_int_equal(query_parse(&q, p.buf, len), QUERY_DROP);
	/* a response (QR set) is never answered */
	p.buf[2] |= 0x80;
	assert_int_equal(parse(&q, &p), QUERY_DROP);
	/* a bare header is a query with no question */
	std_query(&p, 0);
	assert_int_equal(query_parse(&q, p.buf, 12), QUERY_FORMERR);
	assert_int_equal(q.question_len, 0);
}

static void test_parse_notimp(void **state)
{
	struct query q;
	struct pkt p;

	(void)state;
	pkt_header(&p, 7, 2 << 11 | 0x0100, 1, 0, 0, 0); /* STATUS */
	pkt_question(&p,
		     "\x07"
		     "example\x03"
		     "com",
		     LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_IN);
	assert_int_equal(parse(&q, &p), QUERY_NOTIMP);
	assert_int_equal(q.opcode, 2);
	assert_int_equal(q.id, 7);
	/* a NOTIFY is parsed like a query: answer.c answers it (REFUSED or NOTAUTH) */
	pkt_header(&p, 7, 4 << 11, 1, 0, 0, 0);
	pkt_question(&p,
		     "\x07"
		     "example\x03"
		     "com",
		     LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_IN);
	assert_int_equal(parse(&q, &p), QUERY_OK);
	assert_int_equal(q.opcode, 4);
	pkt_header(&p, 7, 5 << 11, 1, 0, 0, 0); /* UPDATE */
	pkt_question(&p,
		     "\x07"
		     "example\x03"
		     "com",
		     LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_IN);
	assert_int_equal(parse(&q, &p), QUERY_NOTIMP);
	assert_int_equal(q.opcode, 5);
}

static void test_parse_qdcount(void **state)
{
	struct query q;
	struct pkt p;

	(void)state;
	pkt_header(&p, 1, 0, 0, 0, 0, 0);
	assert_int_equal(parse(&q, &p), QUERY_FORMERR);
	assert_int_equal(q.question_len, 0);

	pkt_header(&p, 1, 0, 2, 0, 0, 0);
	pkt_question(&p,
		     "\x03www\x07"
		     "example\x03"
		     "com",
		     LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN);
	pkt_question(&p,
		     "\x04mail\x07"
		     "example\x03"
		     "com",
		     LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN);
	assert_int_equal(parse(&q, &p), QUERY_FORMERR);
	assert_int_equal(q.question_len, 0);
}

static void test_parse_bad_question(void **state)
{
	struct query q;
	struct pkt p;

	(void)state;
	/* a compression pointer: there is nothing before the question to point at */
	pkt_header(&p, 1, 0, 1, 0, 0, 0);
	wire_write(&p.w, "\x03www\xc0\x0c", 6);
	wire_write_u16(&p.w, LDNS_RR_TYPE_A);
	wire_write_u16(&p.w, LDNS_RR_CLASS_IN);
	assert_int_equal(parse(&q, &p), QUERY_FORMERR);
	assert_int_equal(q.question_len, 0);

	/* the name is there, the type and class are not all there */
	std_query(&p, 0);
	for (size_t cut = 12; cut < pkt_len(&p); cut++) {
		assert_int_equal(query_parse(&q, p.buf, cut), QUERY_FORMERR);
		assert_int_equal(q.question_len, 0);
	}
}

static void test_parse_edns(void **state)
{
	struct query q;
	struct pkt p;

	(void)state;
	std_query(&p, 1);
	pkt_opt(&p, 4096, 0, true);
	assert_int_equal(parse(&q, &p), QUERY_OK);
	assert_true(q.edns);
	assert_int_equal(q.edns_udp_size, 4096);
	assert_int_equal(q.edns_version, 0);
	assert_true(q.edns_do);

	std_query(&p, 1);
	pkt_opt(&p, 1232, 0, false);
	assert_int_equal(parse(&q, &p), QUERY_OK);
	assert_int_equal(q.edns_udp_size, 1232);
	assert_false(q.edns_do);

	/* the options in its RDATA are skipped */
	std_query(&p, 1);
	wire_write(&p.w, "\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x08", 11);
	wire_write(&p.w, "\x00\x0a\x00\x04\x01\x02\x03\x04", 8); /* a COOKIE-like option */
	assert_int_equal(parse(&q, &p), QUERY_OK);
	assert_true(q.edns);
	assert_int_equal(q.edns_udp_size, 1232);

	/* another record may come before the OPT in the additional section */
	std_query(&p, 2);
	wire_write(&p.w, "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\xc0\x00\x02\x01", 16);
	pkt_opt(&p, 512, 0, true);
	assert_int_equal(parse(&q, &p), QUERY_OK);
	assert_true(q.edns);
	assert_true(q.edns_do);
}

/* Every EDNS field is reset, not only `edns`: answer_query() copies edns_do into the response
 * whether or not there was an OPT, and a stale or uninitialised bool there is undefined. */
static void test_parse_without_opt_clears_edns(void **state)
{
	struct query q;
	struct pkt p;

	(void)state;
	std_query(&p, 1);
	pkt_opt(&p, 4096, 0, true);
	assert_int_equal(parse(&q, &p), QUERY_OK);
	assert_true(q.edns_do);
	std_query(&p, 0);
	assert_int_equal(parse(&q, &p), QUERY_OK);
	assert_false(q.edns);
	assert_false(q.edns_do);
	assert_int_equal(q.edns_version, 0);
	assert_int_equal(q.edns_udp_size, 0);
}

static void test_parse_badvers(void **state)
{
	struct query q;
	struct pkt p;

	(void)state;
	std_query(&p, 1);
	pkt_opt(&p, 4096, 1, true);
	assert_int_equal(parse(&q, &p), QUERY_BADVERS);
	assert_true(q.edns);
	assert_int_equal(q.edns_version, 1);
	assert_true(q.edns_do);
	assert_int_equal(q.question_len, 21); /* the question is still echoed */
}

static void test_parse_bad_opt(void **state)
{
	struct query q;
	struct pkt p;

	(void)state;
	/* two OPT records */
	std_query(&p, 2);
	pkt_opt(&p, 4096, 0, false);
	pkt_opt(&p, 4096, 0, false);
	assert_int_equal(parse(&q, &p), QUERY_FORMERR);

	/* an OPT in the answer section, and in the authority section */
	pkt_header(&p, 1, 0, 1, 1, 0, 0);
	pkt_question(&p,
		     "\x03www\x07"
		     "example\x03"
		     "com",
		     LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN);
	pkt_opt(&p, 4096, 0, false);
	assert_int_equal(parse(&q, &p), QUERY_FORMERR);
	pkt_header(&p, 1, 0, 1, 0, 1, 0);
	pkt_question(&p,
		     "\x03www\x07"
		     "example\x03"
		     "com",
		     LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN);
	pkt_opt(&p, 4096, 0, false);
	assert_int_equal(parse(&q, &p), QUERY_FORMERR);

	/* an OPT owned by another name than the root, plainly or through a pointer */
	std_query(&p, 1);
	wire_write(&p.w, "\x01x\x00\x00\x29\x10\x00\x00\x00\x00\x00\x00\x00", 13);
	assert_int_equal(parse(&q, &p), QUERY_FORMERR);
	std_query(&p, 1);
	wire_write(&p.w, "\xc0\x0c\x00\x29\x10\x00\x00\x00\x00\x00\x00\x00", 12);
	assert_int_equal(parse(&q, &p), QUERY_FORMERR);

	/* an OPT whose RDATA runs past the end */
	std_query(&p, 1);
	wire_write(&p.w, "\x00\x00\x29\x10\x00\x00\x00\x00\x00\x00\x05\x00\x0a", 13);
	assert_int_equal(parse(&q, &p), QUERY_FORMERR);

	/* counts that promise more records than there are */
	std_query(&p, 1);
	assert_int_equal(parse(&q, &p), QUERY_FORMERR);
	std_query(&p, 2);
	pkt_opt(&p, 4096, 0, false);
	assert_int_equal(parse(&q, &p), QUERY_FORMERR);
}

/* ---- response encoding ---- */

/* A query parsed from `p`, for response_init(). */
static void parsed(struct query *q, const struct pkt *p)
{
	assert_int_equal(parse(q, p), QUERY_OK);
}

/* A hand-built RR: the wire after the owner, with its compressible names. */
struct test_rr {
	uint8_t wire[300];
	struct zone_rr rr;
};

static void make_rr(struct test_rr *t, uint16_t type, const void *rdata, uint16_t rdlen,
		    uint8_t name_count, uint16_t off0, uint16_t off1)
{
	wire_put_u16(t->wire, type);
	wire_put_u16(t->wire + 2, LDNS_RR_CLASS_IN);
	wire_put_u16(t->wire + 4, 0);
	wire_put_u16(t->wire + 6, 300);
	wire_put_u16(t->wire + 8, rdlen);
	memcpy(t->wire + 10, rdata, rdlen);
	t->rr.wire = t->wire;
	t->rr.len = (uint16_t)(10 + rdlen);
	t->rr.name_count = name_count;
	t->rr.name_off[0] = off0;
	t->rr.name_off[1] = off1;
}

static void make_set(struct zone_rrset *set, struct zone_rr *rrs, uint16_t count)
{
	memset(set, 0, sizeof(*set));
	set->type = wire_get_u16(rrs[0].wire);
	set->rr_count = count;
	set->ttl = 300;
	set->rrs = rrs;
}

/* The finished response parses with ldns; returns it for the caller to free. */
static ldns_pkt *decode(const uint8_t *buf, size_t len)
{
	ldns_pkt *p = NULL;

	assert_int_equal(ldns_wire2pkt(&p, buf, len), LDNS_STATUS_OK);
	return p;
}

static void test_init_echoes_question(void **state)
{
	struct response r;
	struct query q;
	struct pkt p;
	uint8_t out[512];
	size_t len;

	(void)state;
	pkt_header(&p, 0x4242, 0x0110, 1, 0, 0, 0);
	pkt_question(&p,
		     "\x03WwW\x07"
		     "ExAmPlE\x03"
		     "CoM",
		     LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN);
	parsed(&q, &p);
	memset(out, 0xee, sizeof(out));
	response_init(&r, out, sizeof(out), 512, &q);
	assert_int_equal(r.len, 12 + 21);
	assert_int_equal(r.question_end, 33);
	assert_int_equal(r.compress_count, 3);
	assert_int_equal(r.compress_off[0], 12);
	assert_int_equal(r.compress_off[1], 16);
	assert_int_equal(r.compress_off[2], 24);
	len = response_finish(&r);
	assert_int_equal(len, 33);
	assert_memory_equal(out, "\x42\x42\x81\x10\x00\x01\x00\x00\x00\x00\x00\x00", 12);
	assert_memory_equal(out + 12, p.buf + 12, 21); /* verbatim: the client's case */
	assert_int_equal(out[33], 0xee);
}

/* Opcode and flags copied, QR set, RD/CD only when asked. */
static void test_init_flags(void **state)
{
	struct response r;
	struct query q;
	struct pkt p;
	uint8_t out[512];

	(void)state;
	pkt_header(&p, 0x0001, 0, 1, 0, 0, 0);
	pkt_question(&p, "", LDNS_RR_TYPE_NS, LDNS_RR_CLASS_IN);
	parsed(&q, &p);
	response_init(&r, out, sizeof(out), 512, &q);
	r.aa = true;
	r.rcode = DNS_RCODE_NXDOMAIN;
	response_finish(&r);
	assert_int_equal(wire_get_u16(out + 2), 0x8403);

	/* a NOTIMP query keeps its opcode and has no question to echo */
	pkt_header(&p, 0x0002, 5 << 11 | 0x0100, 1, 0, 0, 0);
	pkt_question(&p, "", LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_IN);
	assert_int_equal(parse(&q, &p), QUERY_NOTIMP);
	response_init(&r, out, sizeof(out), 512, &q);
	r.rcode = DNS_RCODE_NOTIMP;
	assert_int_equal(response_finish(&r), 12);
	assert_memory_equal(out, "\x00\x02\xa9\x04\x00\x00\x00\x00\x00\x00\x00\x00", 12);
}

static void test_owner_pointer_to_question(void **state)
{
	static const uint8_t want[] =
		"\xc0\x0c\x00\x01\x00\x01\x00\x00\x01\x2c\x00\x04\xc0\x00\x02\x01";
	struct test_rr a;
	struct zone_rrset set;
	struct response r;
	struct query q;
	struct pkt p;
	uint8_t out[512];
	size_t len;
	ldns_pkt *lp;

	(void)state;
	std_query(&p, 0);
	parsed(&q, &p);
	make_rr(&a, LDNS_RR_TYPE_A, "\xc0\x00\x02\x01", 4, 0, 0, 0);
	make_set(&set, &a.rr, 1);
	response_init(&r, out, sizeof(out), 512, &q);
	assert_int_equal(response_add_rrset(&r, SECTION_ANSWER, NULL, &set), 0);
	len = response_finish(&r);
	assert_int_equal(len, 33 + 16);
	assert_memory_equal(out + 33, want, 16);
	assert_int_equal(wire_get_u16(out + 6), 1);
	lp = decode(out, len);
	assert_int_equal(ldns_pkt_ancount(lp), 1);
	ldns_pkt_free(lp);
}

/* Owners compress against the question, whatever the case of either. */
static void test_owner_compressed_against_question(void **state)
{
	struct test_rr a;
	struct zone_rrset set;
	struct response r;
	struct query q;
	struct pkt p;
	uint8_t out[512];
	size_t len;
	ldns_pkt *lp;

	(void)state;
	std_query(&p, 0);
	parsed(&q, &p);
	make_rr(&a, LDNS_RR_TYPE_A, "\xc0\x00\x02\x19", 4, 0, 0, 0);
	make_set(&set, &a.rr, 1);
	response_init(&r, out, sizeof(out), 512, &q);
	/* mail.example.com: "mail" written, then a pointer to "ExAmPlE.CoM" at 16 */
	assert_int_equal(response_add_rrset(&r, SECTION_ANSWER,
					    N("\x04mail\x07"
					      "example\x03"
					      "com"),
					    &set),
			 0);
	assert_memory_equal(out + 33, "\x04mail\xc0\x10\x00\x01", 9);
	/* the same name again: one pointer to where "mail" was written */
	assert_int_equal(response_add_rrset(&r, SECTION_ANSWER,
					    N("\x04MAIL\x07"
					      "EXAMPLE\x03"
					      "COM"),
					    &set),
			 0);
	assert_memory_equal(out + 33 + 21, "\xc0\x21\x00\x01", 4);
	/* the question's own name in another case: a pointer to the question */
	assert_int_equal(response_add_rrset(&r, SECTION_ADDITIONAL,
					    N("\x03www\x07"
					      "EXAMPLE\x03"
					      "com"),
					    &set),
			 0);
	assert_memory_equal(out + 33 + 21 + 16, "\xc0\x0c\x00\x01", 4);
	/* a name sharing only "com" */
	assert_int_equal(response_add_rrset(&r, SECTION_ADDITIONAL,
					    N("\x03"
					      "foo\x03"
					      "com"),
					    &set),
			 0);
	assert_memory_equal(out + 33 + 21 + 16 + 16,
			    "\x03"
			    "foo\xc0\x18\x00\x01",
			    8);
	/* no common suffix: written in full */
	assert_int_equal(response_add_rrset(&r, SECTION_ADDITIONAL,
					    N("\x03"
					      "net"),
					    &set),
			 0);
	assert_memory_equal(out + 33 + 21 + 16 + 16 + 20,
			    "\x03"
			    "net\x00\x00\x01",
			    7);
	len = response_finish(&r);
	assert_int_equal(wire_get_u16(out + 6), 2);
	assert_int_equal(wire_get_u16(out + 10), 3);
	lp = decode(out, len);
	assert_int_equal(ldns_rr_list_rr_count(ldns_pkt_answer(lp)), 2);
	assert_int_equal(ldns_rr_list_rr_count(ldns_pkt_additional(lp)), 3);
	ldns_pkt_free(lp);
}

/* ---- RRsets compiled from a zone ---- */

static const char zone_text[] = "$ORIGIN example.com.\n"
				"$TTL 3600\n"
				"@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n"
				"@ IN NS ns1\n"
				"@ IN NS ns2.example.net.\n"
				"@ IN MX 10 mail\n"
				"ns1 IN A 192.0.2.1\n"
				"mail IN A 192.0.2.25\n"
				"_sip._udp IN SRV 0 5 5060 sip\n"
				"sip IN A 192.0.2.5\n"
				"sip IN AAAA 2001:db8::5\n"
				"alias IN CNAME mail\n";

struct fixture {
	struct zone *zone;
	uint8_t out[65536];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char path[] = "/tmp/test_response.XXXXXX";
	struct diag d;
	int fd, rc;

	if (fx == NULL)
		return -1;
	fd = mkstemp(path);
	if (fd < 0 || write(fd, zone_text, strlen(zone_text)) != (ssize_t)strlen(zone_text)) {
		free(fx);
		return -1;
	}
	close(fd);
	diag_init(&d);
	rc = zone_load(&fx->zone, "example.com", path, &d);
	diag_print(&d, stderr, "  diag: ");
	diag_fini(&d);
	unlink(path);
	if (rc != 0) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	zone_free(fx->zone);
	free(fx);
	return 0;
}

static const struct zone_rrset *rrset(const struct fixture *fx, const uint8_t *lower, uint16_t type)
{
	size_t len = dname_length(lower);
	const struct zone_node *n =
		zone_find(fx->zone, lower, (uint8_t)len, dname_hash(lower, len));

	assert_non_null(n);
	assert_non_null(zone_node_rrset(n, type));
	return zone_node_rrset(n, type);
}

static const uint8_t apex[] = "\x07"
			      "example\x03"
			      "com";

/* A query for example.com/`qtype`: question at 12..24, so "example" is at 12 and "com" at 20. */
static void start(struct response *r, struct fixture *fx, uint16_t qtype, size_t limit,
		  struct pkt *p, struct query *q)
{
	pkt_header(p, 0x1111, 0, 1, 0, 0, 0);
	pkt_question(p,
		     "\x07"
		     "example\x03"
		     "com",
		     qtype, LDNS_RR_CLASS_IN);
	parsed(q, p);
	response_init(r, fx->out, sizeof(fx->out), limit, q);
	assert_int_equal(r->len, 29);
}

/* MX RDATA: the exchange is compressed and RDLENGTH is rewritten to what was written. */
static void test_mx_rdata_compressed(void **state)
{
	static const uint8_t want[] = "\xc0\x0c\x00\x0f\x00\x01\x00\x00\x0e\x10"
				      "\x00\x09" /* RDLENGTH: 2 + 5 + 2, not 20 */
				      "\x00\x0a\x04mail\xc0\x0c";
	struct fixture *fx = *state;
	const struct zone_rrset *mx = rrset(fx, apex, LDNS_RR_TYPE_MX);
	struct response r;
	struct query q;
	struct pkt p;
	ldns_pkt *lp;
	char *text;
	size_t len;

	start(&r, fx, LDNS_RR_TYPE_MX, 512, &p, &q);
	assert_int_equal(wire_get_u16(mx->rrs[0].wire + 8), 20);
	assert_int_equal(response_add_rrset(&r, SECTION_ANSWER, NULL, mx), 0);
	assert_int_equal(r.len, 29 + sizeof(want) - 1);
	assert_memory_equal(fx->out + 29, want, sizeof(want) - 1);
	/* the A record of the exchange then points at the "mail" label in the RDATA */
	assert_int_equal(response_add_rrset(&r, SECTION_ADDITIONAL,
					    N("\x04mail\x07"
					      "example\x03"
					      "com"),
					    rrset(fx,
						  N("\x04mail\x07"
						    "example\x03"
						    "com"),
						  LDNS_RR_TYPE_A)),
			 0);
	assert_memory_equal(fx->out + 29 + sizeof(want) - 1, "\xc0\x2b\x00\x01", 4);
	len = response_finish(&r);
	lp = decode(fx->out, len);
	text = ldns_rr2str(ldns_rr_list_rr(ldns_pkt_answer(lp), 0));
	assert_string_equal(text, "example.com.\t3600\tIN\tMX\t10 mail.example.com.\n");
	free(text);
	ldns_pkt_free(lp);
}

/* SOA RDATA has two names, NS RDATA one; both compress and both lengths are patched. */
static void test_soa_ns_rdata_compressed(void **state)
{
	static const uint8_t soa_want[] = "\xc0\x0c\x00\x06\x00\x01\x00\x00\x0e\x10"
					  "\x00\x27" /* 6 + 13 + 20 = 39 */
					  "\x03ns1\xc0\x0c\x0ahostmaster\xc0\x0c"
					  "\x00\x00\x00\x01\x00\x00\x1c\x20\x00\x00\x03\x84"
					  "\x00\x12\x75\x00\x00\x00\x01\x2c";
	struct fixture *fx = *state;
	struct response r;
	struct query q;
	struct pkt p;
	ldns_pkt *lp;
	size_t len, ns_at;
	char *text;

	start(&r, fx, LDNS_RR_TYPE_SOA, 512, &p, &q);
	assert_int_equal(
		response_add_rrset(&r, SECTION_ANSWER, NULL, rrset(fx, apex, LDNS_RR_TYPE_SOA)), 0);
	assert_memory_equal(fx->out + 29, soa_want, sizeof(soa_want) - 1);
	ns_at = r.len;
	assert_int_equal(
		response_add_rrset(&r, SECTION_AUTHORITY, NULL, rrset(fx, apex, LDNS_RR_TYPE_NS)),
		0);
	/* ns1.example.com: a pointer to the "ns1" label inside the SOA's MNAME (offset 41) */
	assert_memory_equal(fx->out + ns_at,
			    "\xc0\x0c\x00\x02\x00\x01\x00\x00\x0e\x10\x00\x02\xc0\x29", 14);
	/* ns2.example.net shares nothing: in full, RDLENGTH 17 */
	assert_memory_equal(fx->out + ns_at + 14,
			    "\xc0\x0c\x00\x02\x00\x01\x00\x00\x0e\x10\x00\x11\x03ns2\x07"
			    "example\x03"
			    "net",
			    29);
	len = response_finish(&r);
	assert_int_equal(len, ns_at + 14 + 29);
	lp = decode(fx->out, len);
	text = ldns_rr2str(ldns_rr_list_rr(ldns_pkt_answer(lp), 0));
	assert_string_equal(text,
			    "example.com.\t3600\tIN\tSOA\tns1.example.com. hostmaster.example.com. "
			    "1 7200 900 1209600 300\n");
	free(text);
	assert_int_equal(ldns_rr_list_rr_count(ldns_pkt_authority(lp)), 2);
	ldns_pkt_free(lp);
}

/* RFC 3597 §4: SRV came after RFC 1035, so its target is never compressed, even when the
 * packet holds that very name; nor is it a target for later pointers. */
static void test_srv_rdata_not_compressed(void **state)
{
	static const uint8_t owner[] = "\x04_sip\x04_udp\x07"
				       "example\x03"
				       "com";
	static const uint8_t sip[] = "\x03sip\x07"
				     "example\x03"
				     "com";
	struct fixture *fx = *state;
	const struct zone_rrset *srv = rrset(fx, owner, LDNS_RR_TYPE_SRV);
	struct response r;
	struct query q;
	struct pkt p;
	size_t at, len;
	ldns_pkt *lp;

	assert_int_equal(srv->rrs[0].name_count, 0);
	start(&r, fx, LDNS_RR_TYPE_SRV, 512, &p, &q);
	/* sip.example.com goes in first, so a compressor would have something to point at */
	assert_int_equal(
		response_add_rrset(&r, SECTION_ANSWER, sip, rrset(fx, sip, LDNS_RR_TYPE_A)), 0);
	at = r.len;
	assert_int_equal(response_add_rrset(&r, SECTION_ANSWER, owner, srv), 0);
	/* owner compressed (it is not RDATA), RDATA as in the zone: 6 + 17 bytes */
	assert_memory_equal(fx->out + at,
			    "\x04_sip\x04_udp\xc0\x0c\x00\x21\x00\x01\x00\x00\x0e\x10\x00\x17"
			    "\x00\x00\x00\x05\x13\xc4\x03sip\x07"
			    "example\x03"
			    "com\x00",
			    12 + 10 + 23);
	len = response_finish(&r);
	lp = decode(fx->out, len);
	assert_int_equal(ldns_rr_list_rr_count(ldns_pkt_answer(lp)), 2);
	ldns_pkt_free(lp);
}

/* RFC 2181 §9: an RRset that does not fit leaves no part of it behind. */
static void test_rrset_rollback(void **state)
{
	struct fixture *fx = *state;
	struct test_rr ns[2], bar;
	struct zone_rrset set, set2;
	struct zone_rr rrs[2];
	struct response r;
	struct query q;
	struct pkt p;
	uint8_t before[128];
	size_t len;
	ldns_pkt *lp;

	/* ns1.foo.example.com takes 22 bytes (to 51); ns2.foo.example.com 18 more (to 69) */
	make_rr(&ns[0], LDNS_RR_TYPE_NS,
		"\x03ns1\x03"
		"foo\x07"
		"example\x03"
		"com",
		21, 1, 0, 0);
	make_rr(&ns[1], LDNS_RR_TYPE_NS,
		"\x03ns2\x03"
		"foo\x07"
		"example\x03"
		"com",
		21, 1, 0, 0);
	rrs[0] = ns[0].rr;
	rrs[1] = ns[1].rr;
	make_set(&set, rrs, 2);
	start(&r, fx, LDNS_RR_TYPE_NS, 60, &p, &q);
	memcpy(before, fx->out, sizeof(before));
	assert_int_equal(response_add_rrset(&r, SECTION_AUTHORITY, NULL, &set), -ENOSPC);
	assert_int_equal(r.len, 29);
	assert_int_equal(r.count[SECTION_AUTHORITY], 0);
	assert_int_equal(r.compress_count, 2);
	assert_true(r.tc);

	/* what fits still goes in, and compresses only against what is really in the packet:
	 * not against the "foo" label written and rolled back above */
	r.tc = false;
	make_rr(&bar, LDNS_RR_TYPE_NS,
		"\x03"
		"bar\x03"
		"foo\x07"
		"example\x03"
		"com",
		21, 1, 0, 0);
	make_set(&set2, &bar.rr, 1);
	assert_int_equal(response_add_rrset(&r, SECTION_AUTHORITY, NULL, &set2), 0);
	assert_memory_equal(fx->out + 29,
			    "\xc0\x0c\x00\x02\x00\x01\x00\x00\x01\x2c\x00\x0a"
			    "\x03"
			    "bar\x03"
			    "foo\xc0\x0c",
			    22);
	assert_false(r.tc);
	len = response_finish(&r);
	assert_int_equal(len, 51);
	assert_memory_equal(fx->out, before, 12 - 4); /* header fields other than the counts */
	lp = decode(fx->out, len);
	assert_int_equal(ldns_rr_list_rr_count(ldns_pkt_authority(lp)), 1);
	ldns_pkt_free(lp);
}

/* The limit holds to the byte: a record ending exactly at it fits, one byte less does not. */
static void test_limit_exact(void **state)
{
	struct fixture *fx = *state;
	struct test_rr a;
	struct zone_rrset set;
	struct response r;
	struct query q;
	struct pkt p;

	make_rr(&a, LDNS_RR_TYPE_A, "\xc0\x00\x02\x01", 4, 0, 0, 0);
	make_set(&set, &a.rr, 1);
	start(&r, fx, LDNS_RR_TYPE_A, 29 + 16, &p, &q);
	assert_int_equal(response_add_rrset(&r, SECTION_ANSWER, NULL, &set), 0);
	assert_int_equal(r.len, 45);
	assert_int_equal(response_add_rrset(&r, SECTION_ANSWER, NULL, &set), -ENOSPC);
	assert_int_equal(r.len, 45);
	start(&r, fx, LDNS_RR_TYPE_A, 29 + 15, &p, &q);
	assert_int_equal(response_add_rrset(&r, SECTION_ANSWER, NULL, &set), -ENOSPC);
	assert_int_equal(r.len, 29);
}

/* An optional RRset that does not fit is left out without TC. */
static void test_add_optional(void **state)
{
	struct fixture *fx = *state;
	struct test_rr a;
	struct zone_rrset set;
	struct response r;
	struct query q;
	struct pkt p;

	make_rr(&a, LDNS_RR_TYPE_A, "\xc0\x00\x02\x01", 4, 0, 0, 0);
	make_set(&set, &a.rr, 1);
	start(&r, fx, LDNS_RR_TYPE_A, 50, &p, &q);
	assert_int_equal(response_add_optional(&r, NULL, &set), 0);
	assert_int_equal(r.count[SECTION_ADDITIONAL], 1);
	assert_int_equal(response_add_optional(&r, NULL, &set), -ENOSPC);
	assert_false(r.tc);
	assert_int_equal(r.count[SECTION_ADDITIONAL], 1);
	assert_int_equal(r.len, 45);
}

static void test_finish_truncated(void **state)
{
	struct fixture *fx = *state;
	struct response r;
	struct query q;
	struct pkt p;
	size_t len;

	start(&r, fx, LDNS_RR_TYPE_MX, 80, &p, &q);
	r.aa = true;
	assert_int_equal(
		response_add_rrset(&r, SECTION_ANSWER, NULL, rrset(fx, apex, LDNS_RR_TYPE_MX)), 0);
	assert_int_equal(
		response_add_rrset(&r, SECTION_AUTHORITY, NULL, rrset(fx, apex, LDNS_RR_TYPE_SOA)),
		-ENOSPC);
	assert_true(r.tc);
	len = response_finish(&r);
	assert_int_equal(len, 29);
	assert_int_equal(wire_get_u16(fx->out + 2), 0x8600); /* QR, AA, TC */
	assert_memory_equal(fx->out + 4, "\x00\x01\x00\x00\x00\x00\x00\x00", 8);
}

/* RFC 6891 §6.1.3: BADVERS (16) is ext-rcode 1 in the OPT TTL with 0 in the header. */
static void test_opt_badvers(void **state)
{
	struct fixture *fx = *state;
	struct response r;
	struct query q;
	struct pkt p;
	ldns_pkt *lp;
	size_t len;

	std_query(&p, 1);
	pkt_opt(&p, 4096, 1, true);
	assert_int_equal(parse(&q, &p), QUERY_BADVERS);
	response_init(&r, fx->out, sizeof(fx->out), 1232 - 11, &q);
	r.edns = true;
	r.edns_size = 1232;
	r.edns_do = q.edns_do;
	r.rcode = DNS_RCODE_BADVERS;
	len = response_finish(&r);
	assert_int_equal(len, 33 + 11);
	assert_int_equal(wire_get_u16(fx->out + 2) & 0x000f, 0);
	assert_int_equal(wire_get_u16(fx->out + 10), 1);
	assert_memory_equal(fx->out + 33, "\x00\x00\x29\x04\xd0\x01\x00\x80\x00\x00\x00", 11);
	lp = decode(fx->out, len);
	assert_true(ldns_pkt_edns(lp));
	assert_int_equal(ldns_pkt_edns_extended_rcode(lp), 1);
	assert_true(ldns_pkt_edns_do(lp));
	ldns_pkt_free(lp);
}

static void test_opt_plain(void **state)
{
	struct fixture *fx = *state;
	struct response r;
	struct query q;
	struct pkt p;
	size_t len;

	std_query(&p, 1);
	pkt_opt(&p, 4096, 0, false);
	parsed(&q, &p);
	response_init(&r, fx->out, sizeof(fx->out), 4096 - 11, &q);
	r.edns = true;
	r.edns_size = 4096;
	r.edns_do = false;
	r.rcode = DNS_RCODE_NXDOMAIN;
	len = response_finish(&r);
	assert_int_equal(len, 33 + 11);
	assert_int_equal(wire_get_u16(fx->out + 2) & 0x000f, DNS_RCODE_NXDOMAIN);
	assert_memory_equal(fx->out + 33, "\x00\x00\x29\x10\x00\x00\x00\x00\x00\x00\x00", 11);
}

/* RFC 8914 §2: the EDE option, code 15, after the other options of the OPT. */
static void test_opt_ede(void **state)
{
	struct fixture *fx = *state;
	struct response r;
	struct query q;
	struct pkt p;
	size_t len;

	std_query(&p, 1);
	pkt_opt(&p, 4096, 0, false);
	parsed(&q, &p);
	response_init(&r, fx->out, sizeof(fx->out), 4096 - 11, &q);
	r.edns = true;
	r.edns_size = 4096;
	r.rcode = DNS_RCODE_REFUSED;
	assert_true(response_set_ede(&r, EDE_NOT_AUTHORITATIVE, NULL));
	assert_int_equal(r.limit, 4096 - 11 - 6); /* its room comes out of the sections' */
	len = response_finish(&r);
	assert_int_equal(len, 33 + 11 + 6);
	assert_memory_equal(fx->out + 33,
			    "\x00\x00\x29\x10\x00\x00\x00\x00\x00\x00\x06"
			    "\x00\x0f\x00\x02\x00\x14",
			    17);

	/* with EXTRA-TEXT, replacing the first: the room of the first is given back */
	response_init(&r, fx->out, sizeof(fx->out), 4096 - 11, &q);
	r.edns = true;
	r.edns_size = 4096;
	assert_true(response_set_ede(&r, EDE_STALE_ANSWER, "held"));
	assert_true(response_set_ede(&r, EDE_OTHER, "no usable site"));
	assert_int_equal(r.limit, 4096 - 11 - 6 - 14);
	len = response_finish(&r);
	assert_int_equal(len, 33 + 11 + 6 + 14);
	assert_memory_equal(fx->out + 33 + 9, "\x00\x14\x00\x0f\x00\x10\x00\x00no usable site",
			    2 + 6 + 14);
}

/* Without EDNS there is no OPT to carry an EDE: nothing is added and no room taken. */
static void test_ede_needs_edns(void **state)
{
	struct fixture *fx = *state;
	struct response r;
	struct query q;
	struct pkt p;

	start(&r, fx, LDNS_RR_TYPE_A, 512, &p, &q);
	assert_false(response_set_ede(&r, EDE_NOT_AUTHORITATIVE, NULL));
	assert_false(r.has_ede);
	assert_int_equal(r.limit, 512);
	assert_int_equal(response_finish(&r), 29);
}

/* The EDE counts against the limit like any option: an RRset that fits without it no longer
 * fits with it (TC), and an EDE that would push what is already written past the limit is
 * left out, never the answer. */
static void test_ede_room(void **state)
{
	struct fixture *fx = *state;
	struct test_rr a;
	struct zone_rrset set;
	struct response r;
	struct query q;
	struct pkt p;

	make_rr(&a, LDNS_RR_TYPE_A, "\xc0\x00\x02\x01", 4, 0, 0, 0);
	make_set(&set, &a.rr, 1);
	start(&r, fx, LDNS_RR_TYPE_A, 29 + 16, &p, &q);
	r.edns = true;
	assert_true(response_set_ede(&r, EDE_OTHER, NULL));
	assert_int_equal(response_add_rrset(&r, SECTION_ANSWER, NULL, &set), -ENOSPC);
	assert_true(r.tc);

	start(&r, fx, LDNS_RR_TYPE_A, 29 + 16 + 5, &p, &q);
	r.edns = true;
	assert_int_equal(response_add_rrset(&r, SECTION_ANSWER, NULL, &set), 0);
	assert_false(response_set_ede(&r, EDE_OTHER, NULL));
	assert_false(r.has_ede);
	assert_int_equal(r.limit, 29 + 16 + 5);
}

/* Pointers have 14 bits: a name written past 16 KiB cannot be pointed at, so the same name
 * again is written again, and the message stays valid. */
static void test_compression_offset_limit(void **state)
{
	static const uint8_t alpha[] = "\x05"
				       "alpha\x07"
				       "example\x03"
				       "com";
	struct fixture *fx = *state;
	uint8_t txt[256];
	struct test_rr big, a;
	struct zone_rrset bigset, aset;
	struct response r;
	struct query q;
	struct pkt p;
	size_t len, first, second;
	ldns_pkt *lp;
	char *owner;

	memset(txt, 'x', sizeof(txt));
	txt[0] = 255;
	make_rr(&big, LDNS_RR_TYPE_TXT, txt, 256, 0, 0, 0);
	make_set(&bigset, &big.rr, 1);
	make_rr(&a, LDNS_RR_TYPE_A, "\xc0\x00\x02\x01", 4, 0, 0, 0);
	make_set(&aset, &a.rr, 1);
	start(&r, fx, LDNS_RR_TYPE_ANY, 65535, &p, &q);
	while (r.len < 0x4000)
		assert_int_equal(response_add_rrset(&r, SECTION_ANSWER, NULL, &bigset), 0);
	first = r.len;
	assert_int_equal(response_add_rrset(&r, SECTION_ANSWER, alpha, &aset), 0);
	second = r.len;
	assert_int_equal(response_add_rrset(&r, SECTION_ANSWER, alpha, &aset), 0);
	assert_memory_equal(fx->out + first,
			    "\x05"
			    "alpha\xc0\x0c",
			    8);
	assert_memory_equal(fx->out + second,
			    "\x05"
			    "alpha\xc0\x0c",
			    8);
	assert_int_equal(r.compress_count, 2); /* only the question's labels */
	len = response_finish(&r);
	lp = decode(fx->out, len);
	assert_int_equal(ldns_rr_list_rr_count(ldns_pkt_answer(lp)), r.count[SECTION_ANSWER]);
	owner = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_answer(lp), r.count[0] - 1)));
	assert_string_equal(owner, "alpha.example.com.");
	free(owner);
	ldns_pkt_free(lp);
}

/* The table remembers RESPONSE_COMPRESS_MAX label offsets; names after that are written with
 * what it holds, and stay correct. */
static void test_compression_table_full(void **state)
{
	struct fixture *fx = *state;
	struct test_rr a;
	struct zone_rrset aset;
	struct response r;
	struct query q;
	struct pkt p;
	uint8_t name[32];
	size_t len;
	ldns_pkt *lp;

	make_rr(&a, LDNS_RR_TYPE_A, "\xc0\x00\x02\x01", 4, 0, 0, 0);
	make_set(&aset, &a.rr, 1);
	start(&r, fx, LDNS_RR_TYPE_ANY, 65535, &p, &q);
	for (unsigned i = 0; i < 80; i++) {
		name[0] = 3;
		snprintf((char *)name + 1, 4, "n%02u", i);
		memcpy(name + 4, apex, sizeof(apex));
		assert_int_equal(response_add_rrset(&r, SECTION_ANSWER, name, &aset), 0);
		/* every owner is its own label and a pointer to example.com */
		assert_memory_equal(fx->out + r.len - 20, name, 4);
		assert_memory_equal(fx->out + r.len - 16, "\xc0\x0c", 2);
	}
	assert_int_equal(r.compress_count, RESPONSE_COMPRESS_MAX);
	/* n70 is not in the table: written again, not pointed at */
	memcpy(name + 1, "n70", 3);
	assert_int_equal(response_add_rrset(&r, SECTION_ANSWER, name, &aset), 0);
	assert_memory_equal(fx->out + r.len - 20, "\x03n70\xc0\x0c", 6);
	/* n00 is: one pointer */
	memcpy(name + 1, "n00", 3);
	assert_int_equal(response_add_rrset(&r, SECTION_ANSWER, name, &aset), 0);
	assert_memory_equal(fx->out + r.len - 16, "\xc0\x1d", 2);
	len = response_finish(&r);
	lp = decode(fx->out, len);
	assert_int_equal(ldns_rr_list_rr_count(ldns_pkt_answer(lp)), 82);
	ldns_pkt_free(lp);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_drop),
		cmocka_unit_test(test_parse_notimp),
		cmocka_unit_test(test_parse_qdcount),
		cmocka_unit_test(test_parse_bad_question),
		cmocka_unit_test(test_parse_edns),
		cmocka_unit_test(test_parse_without_opt_clears_edns),
		cmocka_unit_test(test_parse_badvers),
		cmocka_unit_test(test_parse_bad_opt),
		cmocka_unit_test(test_init_echoes_question),
		cmocka_unit_test(test_init_flags),
		cmocka_unit_test(test_owner_pointer_to_question),
		cmocka_unit_test(test_owner_compressed_against_question),
		T(test_mx_rdata_compressed),
		T(test_soa_ns_rdata_compressed),
		T(test_srv_rdata_not_compressed),
		T(test_rrset_rollback),
		T(test_limit_exact),
		T(test_add_optional),
		T(test_finish_truncated),
		T(test_opt_badvers),
		T(test_opt_plain),
		T(test_opt_ede),
		T(test_ede_needs_edns),
		T(test_ede_room),
		T(test_compression_offset_limit),
		T(test_compression_table_full),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
