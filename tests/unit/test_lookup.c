/* Unit tests for the answer algorithm (server/lookup.c) through answer_query(): what RFC 1034
 * §4.3.2 and its amendments say each kind of name gets, decoded back with ldns. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "server/answer.h"
#include "tests/unit/zone_fixture.h"

#define S10(c) c c c c c c c c c c
#define S50(c) S10(c) S10(c) S10(c) S10(c) S10(c)
#define S200(c) S50(c) S50(c) S50(c) S50(c)

/* SOA TTL 7200 and MINIMUM 300: negative answers carry 300 (RFC 2308 §3). */
static const char example_zone[] =
	"$ORIGIN example.com.\n"
	"$TTL 3600\n"
	"@         7200 IN SOA ns1 hostmaster ( 2024010101 7200 900 1209600 300 )\n"
	"@         IN NS    ns1\n"
	"@         IN NS    ns2.example.com.\n"
	"@         IN MX    10 mail\n"
	"@         IN NS    ns.example.net.\n"
	"ns1       IN A     192.0.2.1\n"
	"ns1       IN AAAA  2001:db8::1\n"
	"ns2       IN A     192.0.2.2\n"
	"www       IN A     192.0.2.10\n"
	"mail      IN A     192.0.2.25\n"
	"alias     IN CNAME www\n"
	"chain1    IN CNAME chain2\n"
	"chain2    IN CNAME www\n"
	"outside   IN CNAME www.example.net.\n"
	"loop1     IN CNAME loop2\n"
	"loop2     IN CNAME loop1\n"
	"self      IN CNAME self\n"
	"dangling  IN CNAME nothere\n"
	"towild    IN CNAME Host.Wild\n"
	"*.wild    IN A     192.0.2.80\n"
	"*.wild    IN TXT   \"wild\"\n"
	"real.wild IN A     192.0.2.81\n"
	"host.ent.wild IN A 192.0.2.82\n"
	"sub       IN NS    ns.sub\n"
	"sub       IN NS    ns.example.net.\n"
	"ns.sub    IN A     192.0.2.53\n"
	"ns.sub    IN AAAA  2001:db8::53\n"
	"sub       IN DS    60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118\n"
	"nods      IN NS    ns.nods\n"
	"ns.nods   IN A     192.0.2.54\n"
	"big       IN TXT   \"" S200(
		"a") "\"\n" /* three TXT RRs of 200 bytes: 650 in all */
		     "big       IN TXT   \"" S200(
			     "b") "\"\n"
				  "big       IN TXT   \"" S200(
					  "c") "\"\n"
					       /* RDATA of 256 + 208 bytes: the answer is 510 bytes, 521 with an OPT record */
					       "fill      IN TXT   \"" S200("f")
						       S50("f") "fffff\" \"" S200(
							       "g") "ggggggg\"\n"
								    "multi     IN TXT   \"first\"\n"
								    "multi     IN A     192.0.2.9\n"
								    "multi     IN MX    10 mail\n"
								    "multi     IN A     "
								    "192.0.2.1\n";

/* A parent and its child zone, both served: SOA TTL 60 below MINIMUM 3600 this time. */
static const char parent_zone[] =
	"$ORIGIN example.org.\n"
	"@         IN SOA ns1 hostmaster 1 7200 900 1209600 600\n"
	"@         IN NS  ns1\n"
	"ns1       IN A   192.0.2.1\n"
	"child     IN NS  ns.child\n"
	"ns.child  IN A   192.0.2.99\n"
	"child     IN DS  60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118\n"
	"nods      IN NS  ns.child\n";
static const char child_zone[] = "$ORIGIN child.example.org.\n"
				 "@         60 IN SOA ns hostmaster 7 7200 900 1209600 3600\n"
				 "@         IN NS  ns\n"
				 "ns        IN A   192.0.2.99\n"
				 "www       IN A   192.0.2.100\n";
static const char nods_zone[] =
	"$ORIGIN nods.example.org.\n"
	"@         IN SOA ns.child.example.org. hostmaster 1 7200 900 1209600 600\n"
	"@         IN NS  ns.child.example.org.\n";

#define L63 S50("l") S10("l") "lll"
#define M63 S50("m") S10("m") "mmm"
#define X63 S50("x") S10("x") "xxx"

/* DNAME (RFC 6672): nothing below an owner, so each redirection is the owner's alone. */
static const char dname_zone[] =
	"$ORIGIN dname.test.\n"
	"$TTL 3600\n"
	"@          IN SOA ns.example.net. hostmaster 1 7200 900 1209600 300\n"
	"@          IN NS  ns.example.net.\n"
	"dn         IN DNAME target\n"
	"dn         IN A   192.0.2.1\n"
	"www.target IN A   192.0.2.10\n"
	"cn.target  IN CNAME www.target\n"
	"dn2     60 IN DNAME dn\n"
	"out        IN DNAME example.net.\n"
	"loop1      IN DNAME loop2\n"
	"loop2      IN DNAME loop1\n"
	"self       IN DNAME x.self\n"
	"again      IN DNAME again-t\n"
	"x.again-t  IN CNAME y.again\n"
	"y.again-t  IN A   192.0.2.2\n"
	"grow1      IN DNAME a.grow2\n"
	"grow2      IN DNAME grow1\n"
	"long       IN DNAME " L63 "." M63 "\n"; /* a 140-byte target */
/* A whole zone redirected from its apex. */
static const char apex_dname_zone[] = "$ORIGIN apex.test.\n"
				      "@ IN SOA ns.example.net. hostmaster 1 7200 900 1209600 300\n"
				      "@ IN NS  ns.example.net.\n"
				      "@ IN DNAME dname.test.\n";

struct fixture {
	struct zoneset *zs;
	struct diag diag;
	ldns_pkt *
		pkt; /* the last answer, freed by the next one or teardown even when a test fails */
};

static struct zone *compile(struct fixture *fx, const char *origin, const char *text)
{
	struct zone *z = NULL;
	int rc = fixture_zone(&z, origin, text, &fx->diag);

	if (rc != 0)
		diag_print(&fx->diag, stderr, "  diag: ");
	assert_int_equal(rc, 0);
	return z;
}

static int setup_zones(void **state, const char *const *origins, const char *const *texts,
		       size_t count)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct zone *zones[4];

	if (fx == NULL)
		return -1;
	diag_init(&fx->diag);
	for (size_t i = 0; i < count; i++)
		zones[i] = compile(fx, origins[i], texts[i]);
	if (zoneset_new(&fx->zs, zones, count) != 0)
		return -1;
	*state = fx;
	return 0;
}

static int setup(void **state)
{
	const char *origins[] = { "example.com" };
	const char *texts[] = { example_zone };

	return setup_zones(state, origins, texts, 1);
}

static int setup_parent_child(void **state)
{
	const char *origins[] = { "example.org", "child.example.org", "nods.example.org" };
	const char *texts[] = { parent_zone, child_zone, nods_zone };

	return setup_zones(state, origins, texts, 3);
}

static int setup_dname(void **state)
{
	const char *origins[] = { "dname.test", "apex.test" };
	const char *texts[] = { dname_zone, apex_dname_zone };

	return setup_zones(state, origins, texts, 2);
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	ldns_pkt_free(fx->pkt);
	zoneset_free(fx->zs);
	diag_fini(&fx->diag);
	free(fx);
	return 0;
}

/* Keeps `p` as the test's current answer, freeing the previous one. */
static ldns_pkt *keep(void **state, ldns_pkt *p)
{
	struct fixture *fx = *state;

	ldns_pkt_free(fx->pkt);
	fx->pkt = p;
	return p;
}

static ldns_pkt *ask(void **state, const char *name, ldns_rr_type type)
{
	struct fixture *fx = *state;

	return keep(state, fixture_ask_pkt(fx->zs, name, (uint16_t)type, false, 0, false));
}

static ldns_rr_list *section(const ldns_pkt *p, ldns_pkt_section s)
{
	switch (s) {
	case LDNS_SECTION_ANSWER: return ldns_pkt_answer(p);
	case LDNS_SECTION_AUTHORITY: return ldns_pkt_authority(p);
	default: return ldns_pkt_additional(p);
	}
}

/* Record counts; ldns takes the OPT record out of the additional section, so `ar` does not
 * count it (ldns_pkt_edns() tells whether it came). */
static void expect_counts(const ldns_pkt *p, size_t an, size_t ns, size_t ar)
{
	if (ldns_pkt_ancount(p) != an || ldns_pkt_nscount(p) != ns || ldns_pkt_arcount(p) != ar)
		ldns_pkt_print(stderr, p);
	assert_int_equal(ldns_pkt_qdcount(p), 1);
	assert_int_equal(ldns_pkt_ancount(p), an);
	assert_int_equal(ldns_pkt_nscount(p), ns);
	assert_int_equal(ldns_pkt_arcount(p), ar);
}

/* The i-th record of a section has this owner, type and, when `rdata` is not NULL, this first
 * RDATA field in presentation form. */
static void expect_rr(const ldns_pkt *p, ldns_pkt_section s, size_t i, const char *owner,
		      ldns_rr_type type, const char *rdata)
{
	ldns_rr *rr = ldns_rr_list_rr(section(p, s), i);
	ldns_rdf *want = NULL;
	char *text;
	bool same;

	assert_non_null(rr);
	assert_int_equal(ldns_str2rdf_dname(&want, owner), LDNS_STATUS_OK);
	same = ldns_dname_compare(ldns_rr_owner(rr), want) == 0 && ldns_rr_get_type(rr) == type;
	ldns_rdf_deep_free(want);
	if (!same) {
		ldns_pkt_print(stderr, p);
		fail_msg("record %zu of section %d is not %s type %d", i, (int)s, owner, (int)type);
	}
	if (rdata == NULL)
		return;
	text = ldns_rdf2str(ldns_rr_rdf(rr, 0));
	assert_non_null(text);
	if (strcmp(text, rdata) != 0) {
		ldns_pkt_print(stderr, p);
		free(text);
		fail_msg("record %zu of section %d: rdata is not %s", i, (int)s, rdata);
	}
	free(text);
}

static void expect_header(const ldns_pkt *p, ldns_pkt_rcode rcode, bool aa)
{
	assert_int_equal(ldns_pkt_id(p), FIXTURE_QUERY_ID);
	assert_true(ldns_pkt_qr(p));
	assert_true(ldns_pkt_rd(p));
	assert_false(ldns_pkt_ra(p));
	assert_false(ldns_pkt_tc(p));
	assert_int_equal(ldns_pkt_get_rcode(p), rcode);
	assert_int_equal(ldns_pkt_aa(p), aa);
}

/* A negative answer: nothing in the answer but what came before, the zone's SOA in authority
 * with TTL min(SOA TTL, MINIMUM). */
static void expect_negative(const ldns_pkt *p, const char *apex, uint32_t ttl)
{
	ldns_rr_list *auth = ldns_pkt_authority(p);

	assert_int_equal(ldns_rr_list_rr_count(auth), 1);
	expect_rr(p, LDNS_SECTION_AUTHORITY, 0, apex, LDNS_RR_TYPE_SOA, NULL);
	assert_int_equal(ldns_rr_ttl(ldns_rr_list_rr(auth, 0)), ttl);
}

static void test_exact_match(void **state)
{
	ldns_pkt *p = ask(state, "www.example.com.", LDNS_RR_TYPE_A);

	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 1, 0, 0); /* minimal responses: no NS, no additional */
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "www.example.com.", LDNS_RR_TYPE_A, "192.0.2.10");
	assert_int_equal(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(p), 0)), 3600);
	assert_false(ldns_pkt_edns(p));
}

static void test_nodata(void **state)
{
	ldns_pkt *p = ask(state, "www.example.com.", LDNS_RR_TYPE_MX);

	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 0, 1, 0);
	expect_negative(p, "example.com.", 300);
}

static void test_nxdomain(void **state)
{
	ldns_pkt *p = ask(state, "nope.example.com.", LDNS_RR_TYPE_A);

	expect_header(p, LDNS_RCODE_NXDOMAIN, true);
	expect_counts(p, 0, 1, 0);
	expect_negative(p, "example.com.", 300);

	/* below a name that exists */
	p = ask(state, "a.b.www.example.com.", LDNS_RR_TYPE_AAAA);
	expect_header(p, LDNS_RCODE_NXDOMAIN, true);
	expect_negative(p, "example.com.", 300);
}

static void test_apex_soa(void **state)
{
	ldns_pkt *p = ask(state, "example.com.", LDNS_RR_TYPE_SOA);

	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 1, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "example.com.", LDNS_RR_TYPE_SOA, "ns1.example.com.");
	assert_int_equal(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(p), 0)), 7200);
}

static void test_cname_followed(void **state)
{
	ldns_pkt *p = ask(state, "alias.example.com.", LDNS_RR_TYPE_A);

	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 2, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "alias.example.com.", LDNS_RR_TYPE_CNAME,
		  "www.example.com.");
	expect_rr(p, LDNS_SECTION_ANSWER, 1, "www.example.com.", LDNS_RR_TYPE_A, "192.0.2.10");

	p = ask(state, "chain1.example.com.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 3, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "chain1.example.com.", LDNS_RR_TYPE_CNAME, NULL);
	expect_rr(p, LDNS_SECTION_ANSWER, 1, "chain2.example.com.", LDNS_RR_TYPE_CNAME, NULL);
	expect_rr(p, LDNS_SECTION_ANSWER, 2, "www.example.com.", LDNS_RR_TYPE_A, NULL);
}

/* The CNAME itself is the answer to a CNAME query, and to ANY (RFC 8482). */
static void test_cname_query(void **state)
{
	ldns_pkt *p = ask(state, "alias.example.com.", LDNS_RR_TYPE_CNAME);

	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 1, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "alias.example.com.", LDNS_RR_TYPE_CNAME, NULL);

	p = ask(state, "alias.example.com.", LDNS_RR_TYPE_ANY);
	expect_counts(p, 1, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "alias.example.com.", LDNS_RR_TYPE_CNAME, NULL);
}

/* After the chain, the target's NODATA: the SOA, rcode NOERROR. */
static void test_cname_then_nodata(void **state)
{
	ldns_pkt *p = ask(state, "alias.example.com.", LDNS_RR_TYPE_MX);

	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 1, 1, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "alias.example.com.", LDNS_RR_TYPE_CNAME, NULL);
	expect_negative(p, "example.com.", 300);
}

static void test_cname_out_of_zone(void **state)
{
	ldns_pkt *p = ask(state, "outside.example.com.", LDNS_RR_TYPE_A);

	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 1, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "outside.example.com.", LDNS_RR_TYPE_CNAME,
		  "www.example.net.");
}

static void test_cname_loop(void **state)
{
	ldns_pkt *p = ask(state, "loop1.example.com.", LDNS_RR_TYPE_A);

	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 2, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "loop1.example.com.", LDNS_RR_TYPE_CNAME,
		  "loop2.example.com.");
	expect_rr(p, LDNS_SECTION_ANSWER, 1, "loop2.example.com.", LDNS_RR_TYPE_CNAME,
		  "loop1.example.com.");

	p = ask(state, "self.example.com.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 1, 0, 0);
}

/* RFC 6604 §3: the rcode is the last name's; the CNAME stays in the answer. */
static void test_cname_to_nxdomain(void **state)
{
	ldns_pkt *p = ask(state, "dangling.example.com.", LDNS_RR_TYPE_A);

	expect_header(p, LDNS_RCODE_NXDOMAIN, true);
	expect_counts(p, 1, 1, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "dangling.example.com.", LDNS_RR_TYPE_CNAME,
		  "nothere.example.com.");
	expect_negative(p, "example.com.", 300);
}

/* A chain into a wildcard: the synthesised record is owned by the CNAME's target. */
static void test_cname_to_wildcard(void **state)
{
	ldns_pkt *p = ask(state, "towild.example.com.", LDNS_RR_TYPE_A);

	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 2, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 1, "host.wild.example.com.", LDNS_RR_TYPE_A,
		  "192.0.2.80");
}

static void test_wildcard(void **state)
{
	ldns_pkt *p = ask(state, "anything.wild.example.com.", LDNS_RR_TYPE_A);

	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 1, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "anything.wild.example.com.", LDNS_RR_TYPE_A,
		  "192.0.2.80");

	/* several labels below the wildcard's parent, none of which exists */
	p = ask(state, "a.b.wild.example.com.", LDNS_RR_TYPE_TXT);
	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 1, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "a.b.wild.example.com.", LDNS_RR_TYPE_TXT, "\"wild\"");
}

static void test_wildcard_nodata(void **state)
{
	ldns_pkt *p = ask(state, "anything.wild.example.com.", LDNS_RR_TYPE_MX);

	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 0, 1, 0);
	expect_negative(p, "example.com.", 300);
}

/* RFC 4592 §2.2.1: an existing name is never matched by the wildcard beside it. */
static void test_wildcard_blocked_by_existing_name(void **state)
{
	ldns_pkt *p = ask(state, "real.wild.example.com.", LDNS_RR_TYPE_TXT);

	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 0, 1, 0);
	expect_negative(p, "example.com.", 300);

	/* below it, the closest encloser is real.wild, which has no wildcard */
	p = ask(state, "x.real.wild.example.com.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NXDOMAIN, true);
	expect_counts(p, 0, 1, 0);
}

/* ent.wild exists only as the parent of host.ent.wild: an empty non-terminal. It answers
 * NODATA, and blocks *.wild for itself and for names below it. */
static void test_empty_non_terminal(void **state)
{
	ldns_pkt *p = ask(state, "ent.wild.example.com.", LDNS_RR_TYPE_A);

	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 0, 1, 0);
	expect_negative(p, "example.com.", 300);

	p = ask(state, "other.ent.wild.example.com.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NXDOMAIN, true);
	expect_counts(p, 0, 1, 0);

	p = ask(state, "host.ent.wild.example.com.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "host.ent.wild.example.com.", LDNS_RR_TYPE_A,
		  "192.0.2.82");
}

static void test_wildcard_literal(void **state)
{
	ldns_pkt *p = ask(state, "*.wild.example.com.", LDNS_RR_TYPE_A);

	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 1, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "*.wild.example.com.", LDNS_RR_TYPE_A, "192.0.2.80");
}

/* The additional section of a referral holds the glue of in-zone name servers. */
static void expect_sub_referral(const ldns_pkt *p)
{
	ldns_rr_list *add = ldns_pkt_additional(p);
	bool a = false, aaaa = false;

	expect_header(p, LDNS_RCODE_NOERROR, false);
	expect_counts(p, 0, 2, 2);
	expect_rr(p, LDNS_SECTION_AUTHORITY, 0, "sub.example.com.", LDNS_RR_TYPE_NS, NULL);
	expect_rr(p, LDNS_SECTION_AUTHORITY, 1, "sub.example.com.", LDNS_RR_TYPE_NS, NULL);
	for (size_t i = 0; i < ldns_rr_list_rr_count(add); i++) {
		ldns_rr *rr = ldns_rr_list_rr(add, i);

		expect_rr(p, LDNS_SECTION_ADDITIONAL, i, "ns.sub.example.com.",
			  ldns_rr_get_type(rr), NULL);
		a |= ldns_rr_get_type(rr) == LDNS_RR_TYPE_A;
		aaaa |= ldns_rr_get_type(rr) == LDNS_RR_TYPE_AAAA;
	}
	assert_true(a);
	assert_true(aaaa);
}

static void test_referral(void **state)
{
	ldns_pkt *p = ask(state, "www.sub.example.com.", LDNS_RR_TYPE_A);

	expect_sub_referral(p);

	/* the name server's own address is glue, not an answer */
	p = ask(state, "ns.sub.example.com.", LDNS_RR_TYPE_A);
	expect_sub_referral(p);

	/* deep below the cut */
	p = ask(state, "a.b.c.sub.example.com.", LDNS_RR_TYPE_MX);
	expect_sub_referral(p);
}

/* At the cut, NS and every other type but DS refer: the child is authoritative. */
static void test_referral_at_cut(void **state)
{
	ldns_pkt *p = ask(state, "sub.example.com.", LDNS_RR_TYPE_NS);

	expect_sub_referral(p);

	p = ask(state, "sub.example.com.", LDNS_RR_TYPE_A);
	expect_sub_referral(p);
}

/* RFC 4035 §3.1.4.1: DS at a cut is the parent's own data, answered with AA. */
static void test_ds_at_cut(void **state)
{
	ldns_pkt *p = ask(state, "sub.example.com.", LDNS_RR_TYPE_DS);

	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 1, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "sub.example.com.", LDNS_RR_TYPE_DS, "60485");

	p = ask(state, "nods.example.com.", LDNS_RR_TYPE_DS);
	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 0, 1, 0);
	expect_negative(p, "example.com.", 300);

	/* DS below a cut is the child's business: a referral */
	p = ask(state, "www.sub.example.com.", LDNS_RR_TYPE_DS);
	expect_sub_referral(p);
}

static void test_refused_outside(void **state)
{
	const char *names[] = { "www.example.net.", "com.", ".", "example.com.example.net." };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ldns_pkt *p = ask(state, names[i], LDNS_RR_TYPE_A);

		expect_header(p, LDNS_RCODE_REFUSED, false);
		expect_counts(p, 0, 0, 0);
	}
}

/* DS for the child's apex comes from the parent; everything else from the child. */
static void test_parent_and_child(void **state)
{
	ldns_pkt *p = ask(state, "child.example.org.", LDNS_RR_TYPE_DS);

	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 1, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "child.example.org.", LDNS_RR_TYPE_DS, "60485");

	p = ask(state, "child.example.org.", LDNS_RR_TYPE_SOA);
	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 1, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "child.example.org.", LDNS_RR_TYPE_SOA,
		  "ns.child.example.org.");

	p = ask(state, "child.example.org.", LDNS_RR_TYPE_NS);
	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 1, 0, 1);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "child.example.org.", LDNS_RR_TYPE_NS,
		  "ns.child.example.org.");
	expect_rr(p, LDNS_SECTION_ADDITIONAL, 0, "ns.child.example.org.", LDNS_RR_TYPE_A,
		  "192.0.2.99");

	p = ask(state, "www.child.example.org.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 1, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "www.child.example.org.", LDNS_RR_TYPE_A,
		  "192.0.2.100");

	/* the child's negative answers use its SOA: TTL 60, below its MINIMUM of 3600 */
	p = ask(state, "nope.child.example.org.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NXDOMAIN, true);
	expect_negative(p, "child.example.org.", 60);

	p = ask(state, "www.child.example.org.", LDNS_RR_TYPE_DS);
	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_negative(p, "child.example.org.", 60);

	/* no DS in the parent: NODATA from the parent, with the parent's SOA */
	p = ask(state, "nods.example.org.", LDNS_RR_TYPE_DS);
	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 0, 1, 0);
	expect_negative(p, "example.org.", 600);
}

/* RFC 8482: one RRset answers ANY. */
static void test_any(void **state)
{
	ldns_pkt *p = ask(state, "example.com.", LDNS_RR_TYPE_ANY);

	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 1, 0, 0); /* one RRset, and the SOA was listed first */
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "example.com.", LDNS_RR_TYPE_SOA, NULL);

	p = ask(state, "ns1.example.com.", LDNS_RR_TYPE_ANY);
	expect_counts(p, 1, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "ns1.example.com.", LDNS_RR_TYPE_A, NULL);

	p = keep(state, fixture_ask_pkt(((struct fixture *)*state)->zs, "big.example.com.",
					LDNS_RR_TYPE_ANY, false, 0, true));
	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 3, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "big.example.com.", LDNS_RR_TYPE_TXT, NULL);

	p = ask(state, "nope.example.com.", LDNS_RR_TYPE_ANY);
	expect_header(p, LDNS_RCODE_NXDOMAIN, true);

	/* an empty non-terminal has nothing to pick */
	p = ask(state, "ent.wild.example.com.", LDNS_RR_TYPE_ANY);
	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 0, 1, 0);
}

/* "The first address, SOA, MX or PTR RRset in zone-file order" (lookup.c, pick_any): at
 * `multi` the A RRset starts on an earlier line than the MX, though its second A record sorts
 * first. */
static void test_any_follows_file_order(void **state)
{
	ldns_pkt *p = ask(state, "multi.example.com.", LDNS_RR_TYPE_ANY);

	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 2, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "multi.example.com.", LDNS_RR_TYPE_A, NULL);
}

static void test_apex_ns_additional(void **state)
{
	ldns_pkt *p = ask(state, "example.com.", LDNS_RR_TYPE_NS);
	ldns_rr_list *add;
	size_t a = 0, aaaa = 0;

	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 3, 0, 3); /* ns.example.net. has no address here */
	add = ldns_pkt_additional(p);
	for (size_t i = 0; i < ldns_rr_list_rr_count(add); i++) {
		ldns_rr *rr = ldns_rr_list_rr(add, i);
		char *owner = ldns_rdf2str(ldns_rr_owner(rr));

		assert_true(strcmp(owner, "ns1.example.com.") == 0 ||
			    strcmp(owner, "ns2.example.com.") == 0);
		free(owner);
		a += ldns_rr_get_type(rr) == LDNS_RR_TYPE_A;
		aaaa += ldns_rr_get_type(rr) == LDNS_RR_TYPE_AAAA;
	}
	assert_int_equal(a, 2);
	assert_int_equal(aaaa, 1);
}

static void test_truncation(void **state)
{
	struct fixture *fx = *state;
	ldns_pkt *p;

	p = keep(state,
		 fixture_ask_pkt(fx->zs, "big.example.com.", LDNS_RR_TYPE_TXT, false, 0, false));
	assert_true(ldns_pkt_tc(p));
	assert_true(ldns_pkt_aa(p));
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	expect_counts(p, 0, 0, 0); /* nothing partial to cache */

	p = keep(state,
		 fixture_ask_pkt(fx->zs, "big.example.com.", LDNS_RR_TYPE_TXT, true, 1232, false));
	assert_false(ldns_pkt_tc(p));
	expect_counts(p, 3, 0, 0);
	assert_true(ldns_pkt_edns(p));

	/* EDNS asking for less than 512 still gets 512, which is too little */
	p = keep(state,
		 fixture_ask_pkt(fx->zs, "big.example.com.", LDNS_RR_TYPE_TXT, true, 100, false));
	assert_true(ldns_pkt_tc(p));
	expect_counts(p, 0, 0, 0);
	assert_true(ldns_pkt_edns(p)); /* the OPT record stays in a truncated answer */

	p = keep(state,
		 fixture_ask_pkt(fx->zs, "big.example.com.", LDNS_RR_TYPE_TXT, false, 0, true));
	assert_false(ldns_pkt_tc(p));
	expect_counts(p, 3, 0, 0);
}

/* The raw sizes behind test_truncation: a TC answer is header + question (+ OPT). */
static void test_truncation_sizes(void **state)
{
	struct fixture *fx = *state;
	uint8_t out[2048];
	size_t len;

	len = fixture_ask(fx->zs, "big.example.com.", LDNS_RR_TYPE_TXT, false, 0, false, out,
			  sizeof(out));
	assert_int_equal(len, 12 + 17 + 4);
	assert_true(out[2] & 0x02);
	assert_int_equal(wire_get_u16(out + 10), 0);
	len = fixture_ask(fx->zs, "big.example.com.", LDNS_RR_TYPE_TXT, true, 100, false, out,
			  sizeof(out));
	assert_int_equal(len, 12 + 17 + 4 + 11);
	assert_true(out[2] & 0x02);
	assert_int_equal(wire_get_u16(out + 10), 1); /* ARCOUNT: the OPT record */
	len = fixture_ask(fx->zs, "big.example.com.", LDNS_RR_TYPE_TXT, true, 4096, false, out,
			  sizeof(out));
	assert_true(len > 512 && len <= FIXTURE_EDNS_SIZE);
	assert_false(out[2] & 0x02);
	assert_int_equal(wire_get_u16(out + 6), 3);
}

/* answer_query() documents out_size >= 512: a response must never run past out_size, OPT
 * record included, whatever the client's and our EDNS sizes say. */
static void test_answer_respects_out_size(void **state)
{
	struct fixture *fx = *state;
	uint8_t out[700];
	size_t len;

	/* without EDNS the fill answer fits 512 exactly as computed */
	len = fixture_ask(fx->zs, "fill.example.com.", LDNS_RR_TYPE_TXT, false, 0, false, out, 512);
	assert_int_equal(len, 510);
	assert_false(out[2] & 0x02);

	for (unsigned i = 0; i < 2; i++) {
		memset(out, 0xee, sizeof(out));
		len = fixture_ask(fx->zs, i ? "fill.example.com." : "big.example.com.",
				  LDNS_RR_TYPE_TXT, true, 4096, false, out, 512);
		assert_true(len > 0);
		assert_true(len <= 512);
		for (size_t b = 512; b < sizeof(out); b++)
			assert_int_equal(out[b], 0xee);
	}
}

static void test_edns(void **state)
{
	struct fixture *fx = *state;
	struct fixture_query fq = {
		.name = "www.example.com.",
		.qtype = LDNS_RR_TYPE_A,
		.edns = true,
		.edns_udp_size = 4096,
		.edns_do = true,
	};
	ldns_pkt *p = keep(state, fixture_ask_query_pkt(fx->zs, &fq, false));

	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 1, 0, 0);
	assert_true(ldns_pkt_edns(p));
	assert_int_equal(ldns_pkt_edns_udp_size(p), FIXTURE_EDNS_SIZE);
	assert_int_equal(ldns_pkt_edns_version(p), 0);
	assert_int_equal(ldns_pkt_edns_extended_rcode(p), 0);
	assert_true(ldns_pkt_edns_do(p));

	fq.edns_do = false;
	fq.edns_udp_size = 512;
	p = keep(state, fixture_ask_query_pkt(fx->zs, &fq, false));
	assert_true(ldns_pkt_edns(p));
	assert_int_equal(ldns_pkt_edns_udp_size(p), FIXTURE_EDNS_SIZE); /* ours, not theirs */
	assert_false(ldns_pkt_edns_do(p));
}

/* RFC 6891 §6.1.3: BADVERS is 16, split between the header (0) and the OPT TTL (1). */
static void test_edns_badvers(void **state)
{
	struct fixture *fx = *state;
	struct fixture_query fq = {
		.name = "www.example.com.",
		.qtype = LDNS_RR_TYPE_A,
		.edns = true,
		.edns_udp_size = 4096,
		.edns_version = 1,
	};
	ldns_pkt *p = keep(state, fixture_ask_query_pkt(fx->zs, &fq, false));

	assert_int_equal(ldns_pkt_get_rcode(p), 0);
	assert_true(ldns_pkt_edns(p));
	assert_int_equal(ldns_pkt_edns_extended_rcode(p), 1);
	assert_int_equal(ldns_pkt_edns_version(p), 0);
	assert_false(ldns_pkt_aa(p));
	expect_counts(p, 0, 0, 0);
}

static void test_query_refused_or_notimp(void **state)
{
	struct fixture *fx = *state;
	struct fixture_query fq = { .name = "www.example.com.", .qtype = LDNS_RR_TYPE_A };
	static const uint16_t transfers[] = { LDNS_RR_TYPE_AXFR, LDNS_RR_TYPE_IXFR };
	ldns_pkt *p;

	fq.qclass = LDNS_RR_CLASS_CH;
	p = keep(state, fixture_ask_query_pkt(fx->zs, &fq, false));
	expect_header(p, LDNS_RCODE_REFUSED, false);
	expect_counts(p, 0, 0, 0);
	assert_int_equal(ldns_rr_get_class(ldns_rr_list_rr(ldns_pkt_question(p), 0)),
			 LDNS_RR_CLASS_CH);

	fq.qclass = 0;
	for (size_t i = 0; i < 2; i++) {
		fq.name = "example.com.";
		fq.qtype = transfers[i];
		p = keep(state, fixture_ask_query_pkt(fx->zs, &fq, true));
		expect_header(p, LDNS_RCODE_REFUSED, false);
		expect_counts(p, 0, 0, 0);
	}

	/* over UDP an IXFR of a zone served gets TC: ask again over TCP (RFC 1995 §2) */
	fq.qtype = LDNS_RR_TYPE_IXFR;
	p = keep(state, fixture_ask_query_pkt(fx->zs, &fq, false));
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	assert_true(ldns_pkt_tc(p));
	expect_counts(p, 0, 0, 0);
	fq.name = "example.org.";
	p = keep(state, fixture_ask_query_pkt(fx->zs, &fq, false));
	expect_header(p, LDNS_RCODE_NOTAUTH, false);
	/* AXFR over UDP: NOTIMP, as NSD answers it */
	fq.name = "example.com.";
	fq.qtype = LDNS_RR_TYPE_AXFR;
	p = keep(state, fixture_ask_query_pkt(fx->zs, &fq, false));
	expect_header(p, LDNS_RCODE_NOTIMPL, false);

	/* NOTIFY: batond is the primary of the zones it serves, so it refuses them as NSD does;
	 * a zone it does not serve is not its to be told about */
	fq.name = "example.com.";
	fq.qtype = LDNS_RR_TYPE_SOA;
	fq.opcode = LDNS_PACKET_NOTIFY;
	p = keep(state, fixture_ask_query_pkt(fx->zs, &fq, false));
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_REFUSED);
	assert_int_equal(ldns_pkt_get_opcode(p), LDNS_PACKET_NOTIFY);
	assert_true(ldns_pkt_qr(p));
	assert_int_equal(ldns_pkt_ancount(p), 0);
	fq.name = "example.org.";
	p = keep(state, fixture_ask_query_pkt(fx->zs, &fq, false));
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NXDOMAIN);
	fq.opcode = LDNS_PACKET_UPDATE;
	p = keep(state, fixture_ask_query_pkt(fx->zs, &fq, false));
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOTIMPL);
}

/* No zones loaded yet: everything is REFUSED. */
static void test_no_zoneset(void **state)
{
	ldns_pkt *p = keep(
		state, fixture_ask_pkt(NULL, "www.example.com.", LDNS_RR_TYPE_A, false, 0, false));

	expect_header(p, LDNS_RCODE_REFUSED, false);
	expect_counts(p, 0, 0, 0);
}

/* The question comes back in the client's case, and so do the owners that point at it. */
static void test_question_case(void **state)
{
	struct fixture *fx = *state;
	struct fixture_query fq = { .name = "WwW.ExAmPlE.CoM.", .qtype = LDNS_RR_TYPE_A };
	const struct answer_source src = { .zones = fx->zs, .edns_size = FIXTURE_EDNS_SIZE };
	uint8_t query[512], out[512];
	size_t qlen = fixture_build_query(&fq, query, sizeof(query));
	size_t len = answer_query(out, sizeof(out), query, qlen, false, &src, NULL);
	ldns_pkt *p = NULL;
	char *owner;

	assert_true(len > qlen);
	assert_memory_equal(out + 12,
			    "\x03WwW\x07"
			    "ExAmPlE\x03"
			    "CoM\x00\x00\x01\x00\x01",
			    21);
	assert_memory_equal(out + 12, query + 12, qlen - 12);
	assert_int_equal(ldns_wire2pkt(&p, out, len), LDNS_STATUS_OK);
	keep(state, p);
	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 1, 0, 0);
	owner = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_answer(p), 0)));
	assert_string_equal(owner, "WwW.ExAmPlE.CoM.");
	free(owner);
}

/* RFC 6672 §3.1: the DNAME, the CNAME synthesized from the query name with the DNAME's TTL,
 * then the target's answer. */
static void test_dname_synthesis(void **state)
{
	ldns_pkt *p = ask(state, "www.dn.dname.test.", LDNS_RR_TYPE_A);
	ldns_rr_list *an = ldns_pkt_answer(p);

	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 3, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "dn.dname.test.", LDNS_RR_TYPE_DNAME,
		  "target.dname.test.");
	expect_rr(p, LDNS_SECTION_ANSWER, 1, "www.dn.dname.test.", LDNS_RR_TYPE_CNAME,
		  "www.target.dname.test.");
	expect_rr(p, LDNS_SECTION_ANSWER, 2, "www.target.dname.test.", LDNS_RR_TYPE_A,
		  "192.0.2.10");
	assert_int_equal(ldns_rr_ttl(ldns_rr_list_rr(an, 1)), 3600);

	/* DNAME -> CNAME -> A */
	p = ask(state, "cn.dn.dname.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 4, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 2, "cn.target.dname.test.", LDNS_RR_TYPE_CNAME,
		  "www.target.dname.test.");
	expect_rr(p, LDNS_SECTION_ANSWER, 3, "www.target.dname.test.", LDNS_RR_TYPE_A, NULL);

	/* the target does not exist: NXDOMAIN after the CNAME (RFC 6604 §2.1) */
	p = ask(state, "a.b.dn.dname.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NXDOMAIN, true);
	expect_counts(p, 2, 1, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 1, "a.b.dn.dname.test.", LDNS_RR_TYPE_CNAME,
		  "a.b.target.dname.test.");
	expect_negative(p, "dname.test.", 300);
}

/* A DNAME -> DNAME chain; each CNAME has the TTL of the DNAME it came from. */
static void test_dname_chain(void **state)
{
	ldns_pkt *p = ask(state, "www.dn2.dname.test.", LDNS_RR_TYPE_A);
	ldns_rr_list *an = ldns_pkt_answer(p);

	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 5, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "dn2.dname.test.", LDNS_RR_TYPE_DNAME,
		  "dn.dname.test.");
	expect_rr(p, LDNS_SECTION_ANSWER, 1, "www.dn2.dname.test.", LDNS_RR_TYPE_CNAME,
		  "www.dn.dname.test.");
	expect_rr(p, LDNS_SECTION_ANSWER, 2, "dn.dname.test.", LDNS_RR_TYPE_DNAME, NULL);
	expect_rr(p, LDNS_SECTION_ANSWER, 3, "www.dn.dname.test.", LDNS_RR_TYPE_CNAME,
		  "www.target.dname.test.");
	expect_rr(p, LDNS_SECTION_ANSWER, 4, "www.target.dname.test.", LDNS_RR_TYPE_A, NULL);
	assert_int_equal(ldns_rr_ttl(ldns_rr_list_rr(an, 0)), 60);
	assert_int_equal(ldns_rr_ttl(ldns_rr_list_rr(an, 1)), 60);
	assert_int_equal(ldns_rr_ttl(ldns_rr_list_rr(an, 3)), 3600);

	/* out of the zone: DNAME and CNAME only */
	p = ask(state, "a.out.dname.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 2, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 1, "a.out.dname.test.", LDNS_RR_TYPE_CNAME,
		  "a.example.net.");
}

/* The owner answers from its own data; a CNAME query takes the synthesized CNAME as its
 * answer; a DNAME query below the owner is redirected like any other. */
static void test_dname_owner_and_types(void **state)
{
	ldns_pkt *p = ask(state, "dn.dname.test.", LDNS_RR_TYPE_DNAME);

	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 1, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "dn.dname.test.", LDNS_RR_TYPE_DNAME, NULL);

	p = ask(state, "dn.dname.test.", LDNS_RR_TYPE_A);
	expect_counts(p, 1, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "dn.dname.test.", LDNS_RR_TYPE_A, "192.0.2.1");

	p = ask(state, "dn.dname.test.", LDNS_RR_TYPE_AAAA);
	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 0, 1, 0);

	p = ask(state, "www.dn.dname.test.", LDNS_RR_TYPE_CNAME);
	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 2, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 1, "www.dn.dname.test.", LDNS_RR_TYPE_CNAME, NULL);

	p = ask(state, "www.dn.dname.test.", LDNS_RR_TYPE_DNAME);
	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 2, 1, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "dn.dname.test.", LDNS_RR_TYPE_DNAME, NULL);
	expect_negative(p, "dname.test.", 300);

	p = ask(state, "www.dn.dname.test.", LDNS_RR_TYPE_ANY);
	expect_counts(p, 3, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 2, "www.target.dname.test.", LDNS_RR_TYPE_A, NULL);
}

/* Loops stop where NSD stops them: at a name redirected twice, or at a DNAME met again that
 * redirects into its own subtree; a DNAME met again for another name redirects it. */
static void test_dname_loops(void **state)
{
	ldns_pkt *p = ask(state, "x.loop1.dname.test.", LDNS_RR_TYPE_A);

	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 4, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 3, "x.loop2.dname.test.", LDNS_RR_TYPE_CNAME,
		  "x.loop1.dname.test.");

	p = ask(state, "a.self.dname.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 2, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 1, "a.self.dname.test.", LDNS_RR_TYPE_CNAME,
		  "a.x.self.dname.test.");

	p = ask(state, "x.again.dname.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 5, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 2, "x.again-t.dname.test.", LDNS_RR_TYPE_CNAME,
		  "y.again.dname.test.");
	expect_rr(p, LDNS_SECTION_ANSWER, 3, "y.again.dname.test.", LDNS_RR_TYPE_CNAME,
		  "y.again-t.dname.test.");
	expect_rr(p, LDNS_SECTION_ANSWER, 4, "y.again-t.dname.test.", LDNS_RR_TYPE_A, NULL);

	/* a name that grows at each turn: two DNAMEs and twelve CNAMEs, the chain's limit */
	p = ask(state, "x.grow1.dname.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 14, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 13, "x.a.a.a.a.a.a.grow2.dname.test.", LDNS_RR_TYPE_CNAME,
		  "x.a.a.a.a.a.a.grow1.dname.test.");
}

/* RFC 6672 §2.2: a name that would pass 255 octets once redirected is YXDOMAIN, with the DNAME
 * and no CNAME; at exactly 255 it is redirected. */
static void test_dname_yxdomain(void **state)
{
	struct fixture *fx = *state;
	/* 64 + 52 bytes of labels below long.dname.test. and a 140-byte target: 256 */
	ldns_pkt *p = ask(state, X63 "." S50("x") "x.long.dname.test.", LDNS_RR_TYPE_A);

	expect_header(p, LDNS_RCODE_YXDOMAIN, true);
	expect_counts(p, 1, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "long.dname.test.", LDNS_RR_TYPE_DNAME, NULL);

	/* over TCP: the answer passes 512 bytes */
	p = keep(state, fixture_ask_pkt(fx->zs, X63 "." S50("x") ".long.dname.test.",
					LDNS_RR_TYPE_A, false, 0, true));
	expect_header(p, LDNS_RCODE_NXDOMAIN, true);
	expect_counts(p, 2, 1, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 1, X63 "." S50("x") ".long.dname.test.",
		  LDNS_RR_TYPE_CNAME, X63 "." S50("x") "." L63 "." M63 ".dname.test.");
}

/* A DNAME at the apex redirects every name of the zone but the apex; the target is another
 * zone's, so the chain stops there as a CNAME's would. */
static void test_dname_at_apex(void **state)
{
	ldns_pkt *p = ask(state, "www.dn.apex.test.", LDNS_RR_TYPE_A);

	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 2, 0, 0);
	expect_rr(p, LDNS_SECTION_ANSWER, 0, "apex.test.", LDNS_RR_TYPE_DNAME, "dname.test.");
	expect_rr(p, LDNS_SECTION_ANSWER, 1, "www.dn.apex.test.", LDNS_RR_TYPE_CNAME,
		  "www.dn.dname.test.");

	p = ask(state, "apex.test.", LDNS_RR_TYPE_SOA);
	expect_header(p, LDNS_RCODE_NOERROR, true);
	expect_counts(p, 1, 0, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_exact_match),
		T(test_nodata),
		T(test_nxdomain),
		T(test_apex_soa),
		T(test_cname_followed),
		T(test_cname_query),
		T(test_cname_then_nodata),
		T(test_cname_out_of_zone),
		T(test_cname_loop),
		T(test_cname_to_nxdomain),
		T(test_cname_to_wildcard),
		T(test_wildcard),
		T(test_wildcard_nodata),
		T(test_wildcard_blocked_by_existing_name),
		T(test_empty_non_terminal),
		T(test_wildcard_literal),
		T(test_referral),
		T(test_referral_at_cut),
		T(test_ds_at_cut),
		T(test_refused_outside),
		cmocka_unit_test_setup_teardown(test_parent_and_child, setup_parent_child,
						teardown),
		T(test_any),
		T(test_any_follows_file_order),
		T(test_apex_ns_additional),
		T(test_truncation),
		T(test_truncation_sizes),
		T(test_answer_respects_out_size),
		T(test_edns),
		T(test_edns_badvers),
		T(test_query_refused_or_notimp),
		T(test_no_zoneset),
		T(test_question_case),
		cmocka_unit_test_setup_teardown(test_dname_synthesis, setup_dname, teardown),
		cmocka_unit_test_setup_teardown(test_dname_chain, setup_dname, teardown),
		cmocka_unit_test_setup_teardown(test_dname_owner_and_types, setup_dname, teardown),
		cmocka_unit_test_setup_teardown(test_dname_loops, setup_dname, teardown),
		cmocka_unit_test_setup_teardown(test_dname_yxdomain, setup_dname, teardown),
		cmocka_unit_test_setup_teardown(test_dname_at_apex, setup_dname, teardown),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
