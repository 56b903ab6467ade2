/* Unit tests for zone file errors: each one names the file, the line and the fix, and one run
 * reports every mistake of a file. Also the directives and syntax that must load. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/zone_fixture.h"
#include "zones/check_spec.h"
#include "zones/keep.h"

#define ORIGIN "example.com"
#define HEAD FIXTURE_HEAD
#define HEAD_LINES FIXTURE_HEAD_LINES

static int load(struct zone_file_fixture *fx, const char *text)
{
	return fixture_file_load(fx, ORIGIN, text);
}

static void print_diag(const struct zone_file_fixture *fx)
{
	diag_print(&fx->diag, stderr, "  diag: ");
}

/* Fails unless some diag line is "<file>:<line>: ...needle..." ("<file>: ..." for line 0). */
static void expect_diag_in(const struct zone_file_fixture *fx, const char *file, unsigned line,
			   const char *needle)
{
	char prefix[FIXTURE_PATH_MAX + 16];
	size_t len;

	if (line > 0)
		len = (size_t)snprintf(prefix, sizeof(prefix), "%s:%u: ", file, line);
	else
		len = (size_t)snprintf(prefix, sizeof(prefix), "%s: ", file);
	for (size_t i = 0; i < fx->diag.count; i++)
		if (strncmp(fx->diag.lines[i], prefix, len) == 0 &&
		    strstr(fx->diag.lines[i] + len, needle) != NULL)
			return;
	print_diag(fx);
	fail_msg("no diag line '%s...%s...'", prefix, needle);
}

static void expect_diag(const struct zone_file_fixture *fx, unsigned line, const char *needle)
{
	expect_diag_in(fx, fx->path, line, needle);
}

static void expect_count(const struct zone_file_fixture *fx, size_t count)
{
	if (fx->diag.count != count)
		print_diag(fx);
	assert_int_equal(fx->diag.count, count);
}

/* The file fails with exactly `count` errors, no zone, and one of them is line:needle. */
static void expect_errors(struct zone_file_fixture *fx, const char *text, size_t count,
			  unsigned line, const char *needle)
{
	struct zone *sentinel = (struct zone *)&fx->zone, *z = sentinel;
	int rc;

	assert_int_equal(fixture_write(fx->path, text), 0);
	rc = zone_load(&z, ORIGIN, fx->path, &fx->diag);
	if (z != sentinel)
		fx->zone = z; /* freed in teardown */
	assert_int_equal(rc, -EINVAL);
	assert_ptr_equal(z, sentinel); /* a failed load leaves *out untouched */
	expect_diag(fx, line, needle);
	expect_count(fx, count);
}

static void expect_loaded(struct zone_file_fixture *fx, const char *text)
{
	int rc = load(fx, text);

	if (rc != 0)
		print_diag(fx);
	assert_int_equal(rc, 0);
	assert_non_null(fx->zone);
	expect_count(fx, 0);
}

/* Replaces the contents of an existing file. */
static int rewrite(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	int rc;

	if (fp == NULL)
		return -errno;
	rc = fputs(text, fp) < 0 ? -EIO : 0;
	if (fclose(fp) != 0 && rc == 0)
		rc = -EIO;
	return rc;
}

static const struct zone_node *find(const struct zone *z, const char *name)
{
	ldns_rdf *rdf = NULL;
	uint8_t lower[DNAME_MAX_LEN];
	const struct zone_node *n;
	size_t len;

	assert_int_equal(ldns_str2rdf_dname(&rdf, name), LDNS_STATUS_OK);
	len = ldns_rdf_size(rdf);
	dname_lower(lower, ldns_rdf_data(rdf), len);
	ldns_rdf_deep_free(rdf);
	n = zone_find(z, lower, (uint8_t)len, dname_hash(lower, len));
	return n;
}

static void test_clean_zone(void **state)
{
	struct zone_file_fixture *fx = *state;

	expect_loaded(fx, HEAD "www IN A 192.0.2.80\n");
	assert_non_null(find(fx->zone, "www.example.com."));
	assert_int_equal(fx->zone->serial, 2024010101);
	assert_string_equal(fx->zone->name_str, "example.com.");
}

/* fixture_zone(): the shared helper gives the same result and leaves no file behind. */
static void test_fixture_zone(void **state)
{
	struct zone_file_fixture *fx = *state;
	struct zone *z = NULL;

	assert_int_equal(fixture_zone(&z, ORIGIN, HEAD, &fx->diag), 0);
	assert_non_null(z);
	expect_count(fx, 0);
	assert_non_null(find(z, "ns1.example.com."));
	zone_free(z);
}

static void test_bad_ipv4(void **state)
{
	expect_errors(*state, HEAD "www IN A 192.0.2.300\n", 1, HEAD_LINES + 1, "");
}

/* A syntax error must say what to fix: at least which value of the record is wrong, since the
 * line alone may hold a long parenthesised record. */
static void test_syntax_error_names_the_value(void **state)
{
	struct zone_file_fixture *fx = *state;

	expect_errors(fx,
		      HEAD "www IN A 192.0.2.300\n"
			   "v6 IN AAAA not-an-address\n",
		      2, HEAD_LINES + 1, "192.0.2.300");
	expect_diag(fx, HEAD_LINES + 2, "not-an-address");
}

/* Lines after blank lines, comments and multi-line records still count right. */
static void test_line_numbers(void **state)
{
	struct zone_file_fixture *fx = *state;

	expect_errors(fx,
		      "; a comment\n" /* 1 */
		      "\n" /* 2 */
		      "$TTL 3600\n" /* 3 */
		      "@ IN SOA ns1 hostmaster (\n" /* 4 */
		      "        2024010101 ; serial\n" /* 5 */
		      "        7200 900 1209600\n" /* 6 */
		      "        300 )\n" /* 7 */
		      "@ IN NS ns1\n" /* 8 */
		      "ns1 IN A 192.0.2.1\n" /* 9 */
		      "\n" /* 10 */
		      "   \t\n" /* 11 */
		      "; (a comment with a parenthesis\n" /* 12 */
		      "txt IN TXT ( \"one\" ; and a comment\n" /* 13 */
		      "             \"two\" )\n" /* 14 */
		      "bad IN A 192.0.2.256\n" /* 15 */
		      "v6 IN AAAA not-an-address\n", /* 16 */
		      2, 15, "");
	expect_diag(fx, 16, "");
}

/* An error inside a parenthesised record names the line the record starts on. */
static void test_error_in_multiline_record(void **state)
{
	struct zone_file_fixture *fx = *state;

	expect_errors(fx,
		      HEAD "mx IN MX (\n" /* 5 */
			   "    10\n" /* 6 */
			   "    )\n" /* 7 */
			   "www IN A ( 192.0.2.1\n" /* 8 */
			   " 192.0.2.2 )\n" /* 9 */
			   "after IN A 192.0.2.999\n", /* 10 */
		      3, HEAD_LINES + 1, "");
	expect_diag(fx, HEAD_LINES + 4, "");
	expect_diag(fx, HEAD_LINES + 6, "");
}

static void test_unclosed_parenthesis(void **state)
{
	struct zone_file_fixture *fx = *state;
	int rc;

	rc = load(fx, HEAD "www IN A 192.0.2.1\n"
			   "txt IN TXT ( \"a\"\n" /* 6: never closed, swallows the rest */
			   "    \"b\"\n"
			   "mail IN A 192.0.2.25\n");
	assert_int_equal(rc, -EINVAL);
	assert_null(fx->zone);
	expect_diag(fx, HEAD_LINES + 2, "'(' is never closed: add the matching ')'");
	expect_count(fx, 1);
}

/* A stray ')' is reported on its own line, and reading goes on with the next one. */
static void test_stray_close_parenthesis(void **state)
{
	struct zone_file_fixture *fx = *state;

	expect_errors(fx,
		      HEAD "www IN A 192.0.2.1\n"
			   "mail IN A 192.0.2.25 )\n" /* 6 */
			   "bad IN A 1.2.3\n", /* 7 */
		      2, HEAD_LINES + 2, "')' without a matching '('");
	expect_diag(fx, HEAD_LINES + 3, "");
}

static void test_unterminated_quote(void **state)
{
	expect_errors(*state,
		      HEAD "txt IN TXT \"no end\n"
			   "www IN A 192.0.2.1\n",
		      1, HEAD_LINES + 1, "unterminated quoted string: add the closing '\"'");
}

static void test_outside_zone(void **state)
{
	expect_errors(*state, HEAD "www.example.net. IN A 192.0.2.1\n", 1, HEAD_LINES + 1,
		      "www.example.net. is outside the zone example.com.: fix the name or its "
		      "$ORIGIN");
}

/* Even a name that only ends like the zone: label boundaries count. */
static void test_outside_zone_suffix(void **state)
{
	expect_errors(*state, HEAD "$ORIGIN com.\nnotexample IN A 192.0.2.1\n", 1, HEAD_LINES + 2,
		      "notexample.com. is outside the zone example.com.");
}

static void test_no_soa(void **state)
{
	expect_errors(*state, "$TTL 3600\n@ IN NS ns1\nns1 IN A 192.0.2.1\n", 1, 0,
		      "zone example.com. has no SOA record at its apex: add one");
}

static void test_two_soas(void **state)
{
	expect_errors(*state, HEAD "@ IN SOA ns1 hostmaster 2024010102 7200 900 1209600 300\n", 1,
		      5, "zone example.com. has 2 SOA records at its apex: keep exactly one");
}

static void test_soa_below_apex(void **state)
{
	expect_errors(*state, HEAD "www IN SOA ns1 hostmaster 1 7200 900 1209600 300\n", 1,
		      HEAD_LINES + 1,
		      "SOA record at www.example.com., which is not the zone apex example.com.: "
		      "remove it");
}

static void test_no_apex_ns(void **state)
{
	expect_errors(*state,
		      "$TTL 3600\n"
		      "@ IN SOA ns1 hostmaster 2024010101 7200 900 1209600 300\n"
		      "ns1 IN A 192.0.2.1\n",
		      1, 2, "zone example.com. has no NS records at its apex: add at least one");
}

static void test_cname_and_other_data(void **state)
{
	expect_errors(*state,
		      HEAD "www IN A 192.0.2.80\n" /* 5 */
			   "mail IN A 192.0.2.25\n" /* 6 */
			   "www IN CNAME mail\n", /* 7 */
		      1, HEAD_LINES + 3,
		      "www.example.com. has a CNAME and other data (A at line 5): a CNAME must "
		      "stand alone");
}

static void test_two_cnames(void **state)
{
	expect_errors(*state,
		      HEAD "alias IN CNAME www\n" /* 5 */
			   "alias IN CNAME mail\n"
			   "www IN A 192.0.2.80\n"
			   "mail IN A 192.0.2.25\n",
		      1, HEAD_LINES + 1,
		      "alias.example.com. has 2 CNAME records: a name can be an alias of only one "
		      "name");
}

/* RFC 6672 §2.4: a DNAME owner has no CNAME, as NSD says too. */
static void test_dname_and_cname(void **state)
{
	expect_errors(*state,
		      HEAD "d IN DNAME example.net.\n" /* 5 */
			   "d IN CNAME ns1\n", /* 6 */
		      1, HEAD_LINES + 2,
		      "d.example.com. has a CNAME and other data (DNAME at line 5): a CNAME must "
		      "stand alone");
}

static void test_two_dnames(void **state)
{
	expect_errors(*state,
		      HEAD "d IN DNAME example.net.\n" /* 5 */
			   "d IN DNAME example.org.\n", /* 6 */
		      1, HEAD_LINES + 1,
		      "d.example.com. has 2 DNAME records: a name can redirect to only one target "
		      "(RFC 6672 §2.4): keep one");
}

/* Each name below a DNAME is named, at its first record; the empty non-terminal c.d between
 * them is not. A sibling whose name starts the same (d-x) is not below it. */
static void test_data_below_dname(void **state)
{
	struct zone_file_fixture *fx = *state;

	expect_errors(fx,
		      HEAD "d IN DNAME example.net.\n" /* 5 */
			   "d-x IN A 192.0.2.5\n" /* 6 */
			   "b.c.d IN TXT \"below\"\n" /* 7 */
			   "a.d IN AAAA 2001:db8::1\n" /* 8 */
			   "a.d IN A 192.0.2.1\n", /* 9 */
		      2, HEAD_LINES + 4,
		      "a.d.example.com. is below the DNAME at d.example.com. (line 5), which "
		      "redirects every name below it (RFC 6672 §2.4): remove a.d.example.com. or "
		      "the DNAME");
	expect_diag(fx, HEAD_LINES + 3, "b.c.d.example.com. is below the DNAME at d.example.com.");
}

/* At the apex a DNAME redirects the whole zone: its name servers must be outside it. */
static void test_dname_at_apex(void **state)
{
	expect_errors(*state, HEAD "@ IN DNAME example.net.\n", 1, HEAD_LINES,
		      "ns1.example.com. is below the DNAME at example.com. (line 5)");
}

static void test_dname_loads(void **state)
{
	struct zone_file_fixture *fx = *state;

	expect_loaded(fx, "$TTL 3600\n"
			  "@ IN SOA ns.example.net. hostmaster 1 7200 900 1209600 300\n"
			  "@ IN NS ns.example.net.\n"
			  "@ IN DNAME example.net.\n");
	zone_free(fx->zone);
	fx->zone = NULL;
	/* beside other data, and a DNAME for a name a delegation already hides */
	expect_loaded(fx, HEAD "d IN DNAME example.net.\n"
			       "d IN A 192.0.2.5\n"
			       "d IN TXT \"kept\"\n"
			       "cut IN NS ns.example.net.\n"
			       "cut IN DNAME example.org.\n");
}

static void test_missing_glue_delegation(void **state)
{
	expect_errors(*state, HEAD "sub IN NS ns.sub\n", 1, HEAD_LINES + 1,
		      "name server ns.sub.example.com. is inside the zone but has no A or AAAA "
		      "record: add its address (glue)");
}

/* The name server exists as a node (it owns other data) but has no address. */
static void test_missing_glue_apex(void **state)
{
	expect_errors(*state,
		      "$TTL 3600\n"
		      "@ IN SOA ns1 hostmaster 2024010101 7200 900 1209600 300\n"
		      "@ IN NS ns1\n" /* 3 */
		      "ns1 IN TXT \"no address here\"\n",
		      1, 3, "name server ns1.example.com. is inside the zone but has no A or AAAA");
}

/* Out-of-zone name servers need no glue; glue present at a delegation is fine. */
static void test_glue_not_needed(void **state)
{
	struct zone_file_fixture *fx = *state;
	const struct zone_node *sub;

	expect_loaded(fx, HEAD "@ IN NS ns.example.net.\n"
			       "sub IN NS ns.example.org.\n"
			       "sub IN NS ns.sub\n"
			       "ns.sub IN AAAA 2001:db8::53\n");
	sub = find(fx->zone, "sub.example.com.");
	assert_non_null(sub);
	assert_true(sub->flags & ZONE_NODE_DELEGATION);
	assert_int_equal(sub->glue_count, 1);
	assert_ptr_equal(sub->glue[0], find(fx->zone, "ns.sub.example.com."));
	assert_ptr_equal(find(fx->zone, "ns.sub.example.com.")->cut, sub);
}

/* Inputs the fuzzer crashed on (tests/fuzz/corpus/zone/crash-*): each is now an error. */
static void test_generic_rdata_missing_fields(void **state)
{
	expect_errors(*state, HEAD "x NS \\# 0\n", 1, HEAD_LINES + 1, "lacks fields");
}

static void test_short_mx_rdata(void **state)
{
	expect_errors(*state, HEAD "x MX \\# 2 0001\n", 1, HEAD_LINES + 1, "lacks fields");
}

static void test_typo_is_not_type0(void **state)
{
	expect_errors(*state, HEAD "x mxx\n", 1, HEAD_LINES + 1, "cannot be served");
}

static void test_opt_in_zone(void **state)
{
	expect_errors(*state, HEAD "x TYPE41 \\# 0\n", 1, HEAD_LINES + 1, "RFC 6895");
}

static void test_name_over_255_bytes(void **state)
{
	char text[2048], l63[64], l60[61];

	/* a valid 205-byte $ORIGIN; the relative owner makes it 266 bytes */
	memset(l63, 'a', 63);
	l63[63] = '\0';
	memset(l60, 'b', 60);
	l60[60] = '\0';
	snprintf(text, sizeof(text), HEAD "$ORIGIN %s.%s.%s.example.com.\n%s A 192.0.2.1\n", l63,
		 l63, l63, l60);
	expect_errors(*state, text, 1, HEAD_LINES + 2, "longer than 255 bytes");
}

static void test_empty_caa_value_loads(void **state)
{
	expect_loaded(*state, HEAD "@ CAA 0 issue \"\"\n");
}

/* Failover stanzas: each mistake names its line and the fix. */
static void test_unknown_check_kind(void **state)
{
	expect_errors(*state, HEAD "$CHECK web htttp port=80\n", 1, HEAD_LINES + 1,
		      "check kind=htttp is unknown (known: tcp, http, https, dns, icmp, exec)");
}

static void test_unknown_check_parameter(void **state)
{
	expect_errors(*state, HEAD "$CHECK db tcp port=5432 colour=red\n", 1, HEAD_LINES + 1,
		      "tcp checks take no 'colour' parameter");
}

static void test_bad_duration(void **state)
{
	expect_errors(*state, HEAD "$CHECK db tcp port=5432 interval=1x\n", 1, HEAD_LINES + 1,
		      "interval=1x is not a duration: write 500ms, 2s, 1m or 1h");
}

static void test_timeout_not_below_interval(void **state)
{
	expect_errors(*state, HEAD "$CHECK db tcp port=5432 interval=1s timeout=1s\n", 1,
		      HEAD_LINES + 1, "timeout (1000ms) must be below interval (1000ms)");
}

static void test_site_without_address(void **state)
{
	expect_errors(*state, HEAD "$SITE fra weight=2\n", 1, HEAD_LINES + 1,
		      "site 'fra' has no address");
}

static void test_failover_unknown_site(void **state)
{
	expect_errors(*state, HEAD "$SITE fra 192.0.2.10\nwww 30 IN FAILOVER sites=fra,xyz\n", 1,
		      HEAD_LINES + 2, "FAILOVER names site 'xyz', which no $SITE defines");
}

static void test_cname_beside_failover(void **state)
{
	expect_errors(*state,
		      HEAD "$SITE fra 192.0.2.10\nwww 30 IN FAILOVER sites=fra\n"
			   "www CNAME elsewhere.example.\n",
		      1, HEAD_LINES + 2, "has a FAILOVER and CNAME records (line 7)");
}

static void test_failover_compiles(void **state)
{
	expect_loaded(*state,
		      HEAD "$CHECK web http port=80 path=/healthz interval=1s timeout=500ms\n"
			   "$SITE fra 192.0.2.10 2001:db8::10 check=web\n"
			   "$SITE iad 198.51.100.10 check=web weight=3\n"
			   "www 30 IN FAILOVER policy=order sites=fra,iad fallback=iad ttl-min=5\n"
			   "www TXT \"beside\"\n");
}

#define GEO_SITES                                    \
	"$SITE fra 192.0.2.10 geo=50.11,8.68\n"      \
	"$SITE iad 198.51.100.10 geo=38.95,-77.45\n" \
	"$SITE sin 203.0.113.10 geo=1.35,103.99\n"
#define GEO_SITES_LINES 3

/* $GEO-NET and $GEO-MAP compile: networks of both families, continents, countries and both. */
static void test_geo_overrides_compile(void **state)
{
	struct zone_file_fixture *fx = *state;

	expect_loaded(fx, HEAD GEO_SITES "$GEO-NET 203.0.113.0/24 sin\n"
					 "$GEO-NET 2001:db8:5::/48 fra,iad\n"
					 "$GEO-MAP EU fra,iad\n"
					 "$geo-map eu/de fra\n"
					 "$GEO-MAP JP sin\n"
					 "$GEO-MAP OC/AS sin\n"
					 "www 30 IN FAILOVER policy=geo sites=fra,iad,sin\n");
	assert_int_equal(fx->zone->geo_net_count, 2);
	assert_int_equal(fx->zone->geo_nets[0].prefix_len, 24);
	assert_int_equal(fx->zone->geo_nets[1].site_count, 2);
	assert_int_equal(fx->zone->geo_map_count, 4);
	assert_string_equal(fx->zone->geo_maps[0].continent, "EU");
	assert_string_equal(fx->zone->geo_maps[0].country, "");
	assert_string_equal(fx->zone->geo_maps[1].country, "DE");
	assert_string_equal(fx->zone->geo_maps[2].continent, "");
	assert_string_equal(fx->zone->geo_maps[2].country, "JP");
	assert_string_equal(fx->zone->geo_maps[3].continent, "OC");
	assert_string_equal(fx->zone->geo_maps[3].country, "AS");
}

static void test_geo_net_host_bits(void **state)
{
	expect_errors(*state, HEAD GEO_SITES "$GEO-NET 203.0.113.5/24 sin\n", 1,
		      HEAD_LINES + GEO_SITES_LINES + 1,
		      "$GEO-NET 203.0.113.5/24 has bits set after the /24 prefix");
}

static void test_geo_net_not_a_network(void **state)
{
	struct zone_file_fixture *fx = *state;

	expect_errors(fx, HEAD GEO_SITES "$GEO-NET 203.0.113.0 sin\n$GEO-NET 198.51.100.0/33 sin\n",
		      2, HEAD_LINES + GEO_SITES_LINES + 1, "write a network as ADDRESS/LENGTH");
	expect_diag(fx, HEAD_LINES + GEO_SITES_LINES + 2, "198.51.100.0/33");
}

static void test_geo_unknown_site(void **state)
{
	struct zone_file_fixture *fx = *state;

	expect_errors(fx, HEAD GEO_SITES "$GEO-NET 203.0.113.0/24 sin,lhr\n$GEO-MAP EU xyz\n", 2,
		      HEAD_LINES + GEO_SITES_LINES + 1,
		      "$GEO-NET names site 'lhr', which no $SITE defines");
	expect_diag(fx, HEAD_LINES + GEO_SITES_LINES + 2,
		    "$GEO-MAP names site 'xyz', which no $SITE defines");
}

static void test_geo_map_bad_region(void **state)
{
	struct zone_file_fixture *fx = *state;

	expect_errors(fx, HEAD GEO_SITES "$GEO-MAP Europe fra\n$GEO-MAP XX/DE fra\n", 2,
		      HEAD_LINES + GEO_SITES_LINES + 1,
		      "write a continent (AF AN AS EU NA OC SA), a two-letter country code");
	expect_diag(fx, HEAD_LINES + GEO_SITES_LINES + 2, "write CONTINENT/COUNTRY");
}

static void test_geo_twice(void **state)
{
	struct zone_file_fixture *fx = *state;

	expect_errors(fx,
		      HEAD GEO_SITES "$GEO-MAP EU fra\n$GEO-MAP eu iad\n"
				     "$GEO-NET 2001:db8::/32 sin\n$GEO-NET 2001:db8:0::/32 fra\n",
		      2, HEAD_LINES + GEO_SITES_LINES + 2,
		      "$GEO-MAP eu is already mapped at line 8");
	expect_diag(fx, HEAD_LINES + GEO_SITES_LINES + 4, "is already mapped at line 10");
}

static void test_geo_wrong_shape(void **state)
{
	expect_errors(*state, HEAD GEO_SITES "$GEO-MAP EU\n", 1, HEAD_LINES + GEO_SITES_LINES + 1,
		      "write $GEO-MAP REGION SITES, like $GEO-MAP EU fra,iad");
}

static void test_site_listed_twice(void **state)
{
	expect_errors(*state, HEAD GEO_SITES "www 30 IN FAILOVER sites=fra,iad,fra\n", 1,
		      HEAD_LINES + GEO_SITES_LINES + 1,
		      "FAILOVER names site 'fra' twice: list each site once");
}

static void test_unknown_directive(void **state)
{
	expect_errors(*state, HEAD "$FOO bar\n", 1, HEAD_LINES + 1,
		      "unknown directive $FOO (known: $ORIGIN, $TTL, $INCLUDE, $CHECK, $SITE, "
		      "$GEO-NET, $GEO-MAP)");
}

static void test_bad_ttl(void **state)
{
	struct zone_file_fixture *fx = *state;

	expect_errors(fx, HEAD "$TTL abc\n$TTL 1x\n$TTL\n$TTL 1 2\n", 4, HEAD_LINES + 1,
		      "$TTL 'abc' is not a TTL (seconds, or units like 1h30m)");
	expect_diag(fx, HEAD_LINES + 2, "$TTL '1x' is not a TTL");
	expect_diag(fx, HEAD_LINES + 3, "$TTL takes one value, such as 3600 or 1h");
	expect_diag(fx, HEAD_LINES + 4, "$TTL takes one value");
}

static void test_ttl_directive_applies(void **state)
{
	struct zone_file_fixture *fx = *state;
	const struct zone_node *n;

	expect_loaded(fx, HEAD "$TTL 1h30m\nwww IN A 192.0.2.80\nmail 60 IN A 192.0.2.25\n");
	n = find(fx->zone, "www.example.com.");
	assert_non_null(n);
	assert_int_equal(zone_node_rrset(n, LDNS_RR_TYPE_A)->ttl, 5400);
	n = find(fx->zone, "mail.example.com.");
	assert_int_equal(zone_node_rrset(n, LDNS_RR_TYPE_A)->ttl, 60);
}

static void test_bad_origin(void **state)
{
	expect_errors(*state, HEAD "$ORIGIN\n", 1, HEAD_LINES + 1, "$ORIGIN takes one domain name");
}

static void test_include_missing(void **state)
{
	struct zone_file_fixture *fx = *state;

	expect_errors(fx, HEAD "$INCLUDE /nonexistent/baton-test.zone\n", 1, HEAD_LINES + 1,
		      "$INCLUDE /nonexistent/baton-test.zone: No such file or directory");
}

/* Records of an included file load; its errors name it and its own lines; its $ORIGIN stays
 * inside it. The name is relative to the including file's folder. */
static void test_include(void **state)
{
	struct zone_file_fixture *fx = *state;
	char text[512], dir[FIXTURE_PATH_MAX];
	const struct zone_node *n;

	assert_int_equal(fixture_write(fx->extra, "$ORIGIN sub.example.com.\n" /* 1 */
						  "host IN A 192.0.2.7\n" /* 2 */
						  "bad IN A 192.0.2\n" /* 3 */
						  "  IN TXT \"same owner\"\n"), /* 4 */
			 0);
	snprintf(dir, sizeof(dir), "%s", fx->extra);
	snprintf(text, sizeof(text),
		 HEAD "$INCLUDE %s\n" /* 5 */
		      "www IN A 192.0.2.80\n",
		 basename(dir));
	assert_int_equal(load(fx, text), -EINVAL);
	expect_diag_in(fx, fx->extra, 3, "");
	expect_count(fx, 1);

	/* the same without the mistake loads, with the names where they belong */
	diag_fini(&fx->diag);
	unlink(fx->path);
	assert_int_equal(rewrite(fx->extra, "$ORIGIN sub.example.com.\n"
					    "host IN A 192.0.2.7\n"
					    "  IN TXT \"same owner\"\n"),
			 0);
	expect_loaded(fx, text);
	n = find(fx->zone, "host.sub.example.com.");
	assert_non_null(n);
	assert_non_null(zone_node_rrset(n, LDNS_RR_TYPE_A));
	assert_non_null(zone_node_rrset(n, LDNS_RR_TYPE_TXT));
	assert_int_equal(zone_node_rrset(n, LDNS_RR_TYPE_A)->line, 2);
	n = find(fx->zone, "www.example.com.");
	assert_non_null(n);
	assert_int_equal(zone_node_rrset(n, LDNS_RR_TYPE_A)->line, HEAD_LINES + 2);
	assert_null(find(fx->zone, "www.sub.example.com."));
}

/* $INCLUDE's optional origin is relative to the current one and also does not leak. */
static void test_include_with_origin(void **state)
{
	struct zone_file_fixture *fx = *state;
	char text[512];

	assert_int_equal(fixture_write(fx->extra, "host IN A 192.0.2.7\n@ IN TXT \"apex\"\n"), 0);
	snprintf(text, sizeof(text), HEAD "$INCLUDE %s lab\nwww IN A 192.0.2.80\n", fx->extra);
	expect_loaded(fx, text);
	assert_non_null(find(fx->zone, "host.lab.example.com."));
	assert_non_null(zone_node_rrset(find(fx->zone, "lab.example.com."), LDNS_RR_TYPE_TXT));
	assert_non_null(find(fx->zone, "www.example.com."));
	assert_null(find(fx->zone, "www.lab.example.com."));
}

/* zone-cache's copy: $INCLUDE inlined with its origin, blank owners written out (the one after
 * the include means the owner before it), stanzas kept; loading the copy gives the same zone. */
static void test_keep_copy(void **state)
{
	struct zone_file_fixture *fx = *state;
	char text[768], copy[] = "/tmp/baton-copy-XXXXXX";
	struct zone *again = NULL;
	int fd = mkstemp(copy), copy_err;

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(fixture_write(fx->extra, "host IN A 192.0.2.7\n@ IN TXT \"apex\"\n"), 0);
	snprintf(text, sizeof(text),
		 HEAD "www IN A 192.0.2.80\n$INCLUDE %s lab\n IN TXT \"www again\"\n"
		      "$SITE fra 192.0.2.10 geo=50.11,8.68\n$GEO-MAP EU fra\n"
		      "app 30 IN FAILOVER policy=geo sites=fra\n",
		 fx->extra);
	assert_int_equal(fixture_write(fx->path, text), 0);
	assert_int_equal(zone_load_keeping(&fx->zone, ORIGIN, fx->path, copy, &fx->diag, &copy_err),
			 0);
	assert_int_equal(copy_err, 0);
	assert_int_equal(zone_load(&again, ORIGIN, copy, &fx->diag), 0);
	unlink(copy);
	assert_int_equal(again->node_count, fx->zone->node_count);
	assert_non_null(find(again, "host.lab.example.com."));
	assert_non_null(zone_node_rrset(find(again, "lab.example.com."), LDNS_RR_TYPE_TXT));
	assert_non_null(zone_node_rrset(find(again, "www.example.com."), LDNS_RR_TYPE_TXT));
	assert_non_null(find(again, "app.example.com.")->failover);
	assert_int_equal(again->geo_map_count, 1);
	assert_int_equal(again->serial, fx->zone->serial);
	zone_free(again);
}

/* A folder where the zone file should be: the error says so, not "no SOA". */
static void test_zone_file_is_a_folder(void **state)
{
	struct zone_file_fixture *fx = *state;
	char dir[] = "/tmp/baton-folder-XXXXXX";
	struct zone *z = NULL;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(zone_load(&z, ORIGIN, dir, &fx->diag), -EISDIR);
	rmdir(dir);
	expect_diag_in(fx, dir, 0, "cannot read zone file: Is a directory");
}

static void test_include_self(void **state)
{
	struct zone_file_fixture *fx = *state;
	char text[512];

	/* the file includes itself: found by its inode, not by the nesting limit */
	assert_int_equal(fixture_write(fx->path, ""), 0);
	snprintf(text, sizeof(text), HEAD "$INCLUDE %s\n", fx->path);
	assert_int_equal(rewrite(fx->path, text), 0);
	assert_int_equal(zone_load(&fx->zone, ORIGIN, fx->path, &fx->diag), -EINVAL);
	assert_null(fx->zone);
	expect_diag(fx, HEAD_LINES + 1, "includes itself through");
}

static void test_blank_owner(void **state)
{
	struct zone_file_fixture *fx = *state;
	const struct zone_node *n;

	expect_loaded(fx, HEAD "www IN A 192.0.2.80\n"
			       "    IN AAAA 2001:db8::80\n"
			       "\tIN TXT \"tab\"\n"
			       "mail IN A 192.0.2.25\n");
	n = find(fx->zone, "www.example.com.");
	assert_non_null(n);
	assert_int_equal(n->rrset_count, 3);
	assert_non_null(zone_node_rrset(n, LDNS_RR_TYPE_AAAA));
	assert_non_null(zone_node_rrset(n, LDNS_RR_TYPE_TXT));
	assert_int_equal(find(fx->zone, "mail.example.com.")->rrset_count, 1);
	/* the apex NS in HEAD took its owner from the SOA line: "@" written once is enough */
	assert_non_null(zone_node_rrset(fx->zone->apex, LDNS_RR_TYPE_NS));
}

static void test_blank_owner_first(void **state)
{
	expect_errors(*state,
		      "$TTL 3600\n"
		      "  IN A 192.0.2.1\n"
		      "@ IN SOA ns1 hostmaster 2024010101 7200 900 1209600 300\n"
		      "@ IN NS ns1\n"
		      "ns1 IN A 192.0.2.1\n",
		      1, 2, "record has no owner name and no earlier record to take it from");
}

static void test_generic_type(void **state)
{
	struct zone_file_fixture *fx = *state;
	const struct zone_rrset *set;
	const struct zone_node *n;

	expect_loaded(fx, HEAD "gen IN TYPE65400 \\# 4 0a000001\n"
			       "gen IN TYPE1 \\# 4 c0000201\n");
	n = find(fx->zone, "gen.example.com.");
	assert_non_null(n);
	set = zone_node_rrset(n, 65400);
	assert_non_null(set);
	assert_int_equal(set->rr_count, 1);
	assert_int_equal(set->rrs[0].len, 14);
	assert_memory_equal(set->rrs[0].wire,
			    "\xff\x78\x00\x01\x00\x00\x0e\x10\x00\x04\x0a\x00\x00\x01", 14);
	/* a known type in generic syntax is the same as the usual form */
	set = zone_node_rrset(n, LDNS_RR_TYPE_A);
	assert_non_null(set);
	assert_memory_equal(set->rrs[0].wire + 10, "\xc0\x00\x02\x01", 4);
}

static void test_class_not_in(void **state)
{
	expect_errors(*state, HEAD "txt CH TXT \"chaos\"\n", 1, HEAD_LINES + 1,
		      "only class IN is served; remove the record or write IN");
}

/* One run, every mistake: reading errors and semantic ones together. */
static void test_all_errors_reported(void **state)
{
	struct zone_file_fixture *fx = *state;

	expect_errors(fx,
		      "$TTL 3600\n" /* 1 */
		      "@ IN SOA ns1 hostmaster 2024010101 7200 900 1209600 300\n" /* 2 */
		      "@ IN NS ns1\n" /* 3 */
		      "@ IN NS ns2\n" /* 4 */
		      "ns1 IN A 192.0.2.1\n" /* 5 */
		      "www IN A 192.0.2.\n" /* 6 */
		      "$FOO\n" /* 7 */
		      "mail IN MX ten mail\n" /* 8 */
		      "www.example.org. IN A 192.0.2.1\n" /* 9 */
		      "alias IN CNAME ns1\n" /* 10 */
		      "alias IN TXT \"also\"\n" /* 11 */
		      "$TTL forever\n" /* 12 */
		      "sub IN NS ns.sub\n" /* 13 */
		      "txt IN TXT \"open\n", /* 14 */
		      9, 6, "");
	expect_diag(fx, 7, "unknown directive $FOO");
	expect_diag(fx, 8, "");
	expect_diag(fx, 9, "is outside the zone");
	expect_diag(fx, 10, "has a CNAME and other data (TXT at line 11)");
	expect_diag(fx, 12, "$TTL 'forever'");
	expect_diag(fx, 13, "name server ns.sub.example.com.");
	expect_diag(fx, 14, "unterminated quoted string");
	expect_diag(fx, 3, "name server ns2.example.com.");
}

/* zone.h keeps the file of the zone and of each RRset "for messages": they must stay valid as
 * long as the zone, after zone_load() has freed what it read. */
static void test_zone_keeps_file_names(void **state)
{
	struct zone_file_fixture *fx = *state;
	char text[512];
	const struct zone_node *n;

	assert_int_equal(fixture_write(fx->extra, "host IN A 192.0.2.7\n"
						  "$SITE fra 192.0.2.10 geo=50.11,8.68\n"
						  "$GEO-MAP EU fra\n"),
			 0);
	snprintf(text, sizeof(text), HEAD "$INCLUDE %s\nwww 30 IN FAILOVER sites=fra\n", fx->extra);
	expect_loaded(fx, text);
	assert_string_equal(fx->zone->file, fx->path);
	assert_string_equal(fx->zone->soa->file, fx->path);
	n = find(fx->zone, "host.example.com.");
	assert_non_null(n);
	assert_string_equal(zone_node_rrset(n, LDNS_RR_TYPE_A)->file, fx->extra);
	/* stanzas too: messages about them are written long after the load */
	assert_string_equal(fx->zone->sites[0].file, fx->extra);
	assert_string_equal(fx->zone->geo_maps[0].file, fx->extra);
	assert_string_equal(find(fx->zone, "www.example.com.")->failover->file, fx->path);
}

/* Inside quotes ';' is no comment and parentheses do not group; a backslash escapes a quote. */
static void test_quoted_specials(void **state)
{
	struct zone_file_fixture *fx = *state;
	const struct zone_rrset *set;

	expect_loaded(fx, HEAD "txt IN TXT \"a;b(c\" ; a real comment\n"
			       "esc IN TXT \"say \\\"hi\\\"\"\n");
	set = zone_node_rrset(find(fx->zone, "txt.example.com."), LDNS_RR_TYPE_TXT);
	assert_non_null(set);
	assert_int_equal(wire_get_u16(set->rrs[0].wire + 8), 6);
	assert_memory_equal(set->rrs[0].wire + 10,
			    "\x05"
			    "a;b(c",
			    6);
	set = zone_node_rrset(find(fx->zone, "esc.example.com."), LDNS_RR_TYPE_TXT);
	assert_non_null(set);
	assert_memory_equal(set->rrs[0].wire + 10, "\x08say \"hi\"", 9);
}

/* The root zone: every name is below it. Loaded in a child process, because a crash here must
 * not take the other tests with it. */
static void test_root_zone(void **state)
{
	struct zone_file_fixture *fx = *state;
	int status;
	pid_t pid;

	assert_int_equal(fixture_write(fx->path, ". 86400 IN SOA a.root-servers.net. "
						 "nstld.verisign-grs.com. 1 1800 900 604800 86400\n"
						 ". IN NS a.root-servers.net.\n"
						 "a.root-servers.net. IN A 198.41.0.4\n"
						 "com. IN NS a.gtld-servers.net.\n"
						 "a.gtld-servers.net. IN A 192.5.6.30\n"),
			 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		static const int fatal_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
		struct zone *z = NULL;
		struct diag d;
		int rc;

		/* die of the signal here instead of running the remaining tests in the child */
		for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
			signal(fatal_signals[i], SIG_DFL);
		diag_init(&d);
		rc = zone_load(&z, ".", fx->path, &d);
		/* ., net, root-servers.net, a.root-servers.net, com, gtld-servers.net, a.gtld-... */
		if (rc == 0 &&
		    (z->node_count != 7 || !(find(z, "com.")->flags & ZONE_NODE_DELEGATION)))
			rc = -EINVAL;
		diag_print(&d, stderr, "  diag: ");
		zone_free(z);
		diag_fini(&d);
		_exit(rc == 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		fail_msg("loading the root zone died of signal %d", WTERMSIG(status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_missing_file(void **state)
{
	struct zone_file_fixture *fx = *state;
	struct zone *z = NULL;

	assert_int_equal(zone_load(&z, ORIGIN, "/nonexistent/db.example", &fx->diag), -ENOENT);
	assert_null(z);
	assert_int_equal(fx->diag.count, 1);
	assert_string_equal(
		fx->diag.lines[0],
		"/nonexistent/db.example: cannot read zone file: No such file or directory");
}

/* recheck= must be a duration of at least 10 ms, and below the interval: at or past it a
 * re-check would come no sooner than the next slot. */
static void test_recheck_zero(void **state)
{
	expect_errors(*state, HEAD "$CHECK db tcp port=5432 interval=1s recheck=0\n", 1,
		      HEAD_LINES + 1, "recheck=0 is out of range: use 10ms to 3600s");
}

static void test_recheck_not_a_duration(void **state)
{
	expect_errors(*state, HEAD "$CHECK db tcp port=5432 recheck=soon\n", 1, HEAD_LINES + 1,
		      "recheck=soon is not a duration: write 500ms, 2s, 1m or 1h");
}

static void test_recheck_not_below_interval(void **state)
{
	expect_errors(*state, HEAD "$CHECK db tcp port=5432 interval=1s recheck=1s\n", 1,
		      HEAD_LINES + 1,
		      "check 'db': recheck (1000ms) must be below interval (1000ms): lower "
		      "recheck= or leave it out");
}

/* against the default interval, 10 s */
static void test_recheck_not_below_default_interval(void **state)
{
	expect_errors(*state, HEAD "$CHECK db tcp port=5432 recheck=20s\n", 1, HEAD_LINES + 1,
		      "recheck (20000ms) must be below interval (10000ms)");
}

/* recheck= compiles, is off unless given, and is part of what makes two checks the same, so
 * that a reload that changes it replaces the target. */
static void test_recheck_compiles_and_counts_for_equality(void **state)
{
	struct zone_file_fixture *fx = *state;
	struct zone *with;

	expect_loaded(fx, HEAD "$CHECK web tcp port=80 interval=1s recheck=100ms\n"
			       "$SITE fra 192.0.2.10 check=web\n");
	assert_int_equal(fx->zone->checks[0].recheck_ms, 100);
	with = fx->zone;
	fx->zone = NULL;
	expect_loaded(fx, HEAD "$CHECK web tcp port=80 interval=1s\n"
			       "$SITE fra 192.0.2.10 check=web\n");
	assert_int_equal(fx->zone->checks[0].recheck_ms, 0);
	assert_true(check_spec_equal(&with->checks[0], &with->checks[0]));
	assert_false(check_spec_equal(&with->checks[0], &fx->zone->checks[0]));
	zone_free(with);
}

/* vip= names the VRRP instance whose reports may take the site down (docs/vip.md). */
static void test_site_vip_compiles(void **state)
{
	struct zone_file_fixture *fx = *state;

	expect_loaded(fx, HEAD "$SITE fra 192.0.2.10 vip=web-4\n$SITE ams 192.0.2.20\n");
	assert_string_equal(fx->zone->sites[0].vip, "web-4");
	assert_null(fx->zone->sites[1].vip);
}

static void test_site_vip_empty(void **state)
{
	expect_errors(*state, HEAD "$SITE fra 192.0.2.10 vip=\n", 1, HEAD_LINES + 1,
		      "site 'fra': vip=: name the vrrp_instance of vip.conf (1 to 63 characters)");
}

static void test_site_vip_too_long(void **state)
{
	expect_errors(*state,
		      HEAD "$SITE fra 192.0.2.10 "
			   "vip=a123456789012345678901234567890123456789012345678901234567890123\n",
		      1, HEAD_LINES + 1, "(1 to 63 characters)");
}

static void test_site_vip_twice(void **state)
{
	expect_errors(*state, HEAD "$SITE fra 192.0.2.10 vip=web vip=db\n", 1, HEAD_LINES + 1,
		      "site 'fra': vip= given twice: name one VRRP instance");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fixture_file_setup, fixture_file_teardown)
	const struct CMUnitTest tests[] = {
		T(test_clean_zone),
		T(test_fixture_zone),
		T(test_bad_ipv4),
		T(test_syntax_error_names_the_value),
		T(test_line_numbers),
		T(test_error_in_multiline_record),
		T(test_unclosed_parenthesis),
		T(test_stray_close_parenthesis),
		T(test_unterminated_quote),
		T(test_outside_zone),
		T(test_outside_zone_suffix),
		T(test_no_soa),
		T(test_two_soas),
		T(test_soa_below_apex),
		T(test_no_apex_ns),
		T(test_cname_and_other_data),
		T(test_two_cnames),
		T(test_dname_and_cname),
		T(test_two_dnames),
		T(test_data_below_dname),
		T(test_dname_at_apex),
		T(test_dname_loads),
		T(test_missing_glue_delegation),
		T(test_missing_glue_apex),
		T(test_glue_not_needed),
		T(test_unknown_directive),
		T(test_geo_overrides_compile),
		T(test_geo_net_host_bits),
		T(test_geo_net_not_a_network),
		T(test_geo_unknown_site),
		T(test_geo_map_bad_region),
		T(test_geo_twice),
		T(test_geo_wrong_shape),
		T(test_site_listed_twice),
		T(test_unknown_check_kind),
		T(test_unknown_check_parameter),
		T(test_bad_duration),
		T(test_timeout_not_below_interval),
		T(test_site_without_address),
		T(test_failover_unknown_site),
		T(test_cname_beside_failover),
		T(test_failover_compiles),
		T(test_generic_rdata_missing_fields),
		T(test_short_mx_rdata),
		T(test_typo_is_not_type0),
		T(test_opt_in_zone),
		T(test_name_over_255_bytes),
		T(test_empty_caa_value_loads),
		T(test_bad_ttl),
		T(test_ttl_directive_applies),
		T(test_bad_origin),
		T(test_include_missing),
		T(test_include),
		T(test_include_with_origin),
		T(test_keep_copy),
		T(test_zone_file_is_a_folder),
		T(test_include_self),
		T(test_blank_owner),
		T(test_blank_owner_first),
		T(test_generic_type),
		T(test_class_not_in),
		T(test_all_errors_reported),
		T(test_quoted_specials),
		T(test_root_zone),
		T(test_missing_file),
		T(test_recheck_zero),
		T(test_recheck_not_a_duration),
		T(test_recheck_not_below_interval),
		T(test_recheck_not_below_default_interval),
		T(test_recheck_compiles_and_counts_for_equality),
		T(test_site_vip_compiles),
		T(test_site_vip_empty),
		T(test_site_vip_too_long),
		T(test_site_vip_twice),
		/* last: under ASan its use after free aborts the program */
		T(test_zone_keeps_file_names),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
