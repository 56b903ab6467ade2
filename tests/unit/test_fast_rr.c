/* Unit tests for zones/fast_rr.c: every spelling of every type the fast path reads gives the
 * record ldns gives (the guard that the two never drift), and what it must leave to ldns
 * (escapes, other classes, errors) it declines. Entries go through zones/reader.c first, as
 * they do when a zone loads, so comments and parentheses are covered too. */
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

#include "zones/fast_rr.h"
#include "zones/reader.h"

/* example.com. and www.example.com. in wire form */
static const uint8_t origin_example[] = "\007example\003com";
static const uint8_t prev_www[] = "\003www\007example\003com";
static const uint8_t origin_root[] = "";

static struct fast_rr_context context(const uint8_t *origin, size_t origin_len,
				      uint32_t default_ttl)
{
	return (struct fast_rr_context){ .origin = origin,
					 .origin_len = origin_len,
					 .prev = prev_www,
					 .prev_len = sizeof(prev_www),
					 .default_ttl = default_ttl };
}

/* `line` as the reader hands it on (comments gone, parentheses joined): into `out`. */
static void read_entry(const char *line, char *out, size_t size)
{
	FILE *fp = fmemopen((void *)line, strlen(line), "r");
	struct reader r;
	struct reader_entry e;
	struct diag d;

	assert_non_null(fp);
	diag_init(&d);
	reader_init(&r, fp, "test");
	assert_int_equal(reader_next(&r, &e, &d), 1);
	snprintf(out, size, "%s", e.text);
	reader_fini(&r);
	diag_fini(&d);
	fclose(fp);
}

/* The fast path must accept `line` and agree with ldns on it. */
static void expect_agrees(const char *line, const struct fast_rr_context *ctx)
{
	char text[1024];
	int rc;

	read_entry(line, text, sizeof(text));
	rc = fast_rr_agrees(text, ctx);
	if (rc != 1)
		fail_msg("'%s' (origin length %zu, $TTL %u): %d, not read alike", line,
			 ctx->origin_len, ctx->default_ttl, rc);
}

static const char *const owners[] = { "www",	"www.example.com.", "@",       "WWW.Sub",
				      "*.wild", "_sip._tcp",	    "a-b_c.d", "host.test." };
/* the blank owner is written as a leading blank: the previous owner */
static const char *const blank_owners[] = { " ", "\t" };
static const char *const ttls[] = { "", "300", "1h", "1H30m", "2w", "1d2h3m4s", "0", "90s" };
static const char *const classes[] = { "", "IN", "in" };
static const char *const data[] = {
	"A 192.0.2.1",
	"a 198.51.100.255",
	"AAAA 2001:db8::1",
	"aaaa ::ffff:192.0.2.1",
	"AAAA 2001:DB8:0:0:0:0:0:1",
	"NS ns1",
	"ns ns1.example.net.",
	"NS @",
	"NS .",
	"CNAME target.Sub",
	"cname target.example.org.",
	"PTR host",
	"ptr @",
	"MX 10 mail",
	"mx 0 @",
	"MX 65535 mx.example.net.",
	"MX 010 mail",
	"TXT \"hello world\"",
	"txt bare",
	"TXT \"a\" \"b\"",
	"TXT \"x\"  bare2 \"y\"",
	"TXT \"semi;colon (paren) and 'quote'\"",
	"TXT \"v=spf1 ip4:192.0.2.0/24 -all\"",
	"TXT ( \"split\"\n \"over lines\" )",
	"A 192.0.2.1 ; a comment",
	"AAAA\t2001:db8::2\t",
	"MX\t5\tmail ; comment",
};

static void check_all(const struct fast_rr_context *ctx)
{
	char line[512];

	for (size_t o = 0; o < sizeof(owners) / sizeof(owners[0]) + 2; o++)
		for (size_t t = 0; t < sizeof(ttls) / sizeof(ttls[0]); t++)
			for (size_t c = 0; c < sizeof(classes) / sizeof(classes[0]); c++)
				for (size_t i = 0; i < sizeof(data) / sizeof(data[0]); i++) {
					const char *owner = o < 2 ? blank_owners[o] : owners[o - 2];

					snprintf(line, sizeof(line), "%s%s%s %s%s%s\n", owner,
						 owner[0] == ' ' || owner[0] == '\t' ? "" : " ",
						 ttls[t], classes[c], classes[c][0] ? " " : "",
						 data[i]);
					expect_agrees(line, ctx);
				}
}

static void test_every_spelling_origin(void **state)
{
	struct fast_rr_context ctx = context(origin_example, sizeof(origin_example), 3600);

	(void)state;
	check_all(&ctx);
	ctx.default_ttl = 86400;
	check_all(&ctx);
}

/* $TTL 0 reads as ldns' default of 3600; the root zone's relative names end at the root. */
static void test_every_spelling_root_and_ttl0(void **state)
{
	struct fast_rr_context ctx = context(origin_root, sizeof(origin_root), 0);

	(void)state;
	check_all(&ctx);
}

/* Values checked against the RFCs, not against ldns. */
static void test_known_values(void **state)
{
	struct fast_rr_context ctx = context(origin_example, sizeof(origin_example), 600);
	struct fast_rr *rr = malloc(sizeof(*rr));

	(void)state;
	assert_non_null(rr);
	assert_true(fast_rr_parse("Www 1h30m IN A 192.0.2.1", &ctx, rr));
	assert_int_equal(rr->owner_len, sizeof(prev_www));
	assert_memory_equal(rr->owner, "\003Www\007example\003com", sizeof(prev_www));
	assert_int_equal(rr->ttl, 5400);
	assert_int_equal(rr->type, LDNS_RR_TYPE_A);
	assert_int_equal(rr->rdlen, 4);
	assert_memory_equal(rr->rdata, "\xc0\x00\x02\x01", 4);

	assert_true(fast_rr_parse(" MX 10 mail", &ctx, rr));
	assert_int_equal(rr->ttl, 600);
	assert_memory_equal(rr->owner, prev_www, sizeof(prev_www));
	assert_int_equal(rr->rdlen, 2 + 18);
	assert_memory_equal(rr->rdata, "\000\012\004mail\007example\003com", 20);
	assert_int_equal(rr->name_count, 1);
	assert_int_equal(rr->name_off[0], 2);

	assert_true(fast_rr_parse("t TXT \"a b\" c", &ctx, rr));
	assert_int_equal(rr->rdlen, 6);
	assert_memory_equal(rr->rdata, "\003a b\001c", 6);
	assert_int_equal(rr->name_count, 0);
	free(rr);
}

/* What ldns must read: escapes, other classes and types, generic data, and every error, so
 * that its messages stay as they are. */
static void test_declines(void **state)
{
	static const char *const entries[] = {
		"w\\.x A 192.0.2.1",
		"www CH A 192.0.2.1",
		"www HS TXT x",
		"www CLASS1 A 192.0.2.1",
		"www TYPE1 192.0.2.1",
		"www A \\# 4 c0000201",
		"www A 192.0.2.1 extra",
		"www A 192.0.2",
		"www A 192.0.2.256",
		"www AAAA 2001:db8::g",
		"a..b A 192.0.2.1",
		"www.. A 192.0.2.1",
		".www A 192.0.2.1",
		"www MX 70000 mail",
		"www MX -1 mail",
		"www MX 10",
		"www MX mail",
		"www NS",
		"www TXT",
		"www TXT \"a\\\"b\"",
		"www TXT \"\"",
		"www TXT \"a\"b",
		"www IN 300 A 192.0.2.1",
		"www 300 300 A 192.0.2.1",
		"www 1x A 192.0.2.1",
		"www 4294967296 A 192.0.2.1",
		"www 3000000000 A 192.0.2.1",
		"www SOA ns host 1 2 3 4 5",
		"www FAILOVER site",
		"@x A 192.0.2.1",
		"www NS a@b",
		"www A 0x1.2.3.4",
		"w/x A 192.0.2.1",
		"www 1h IN CNAME a..b",
		"www SRV 0 0 0 .",
	};
	struct fast_rr_context ctx = context(origin_example, sizeof(origin_example), 3600);
	struct fast_rr *rr = malloc(sizeof(*rr));

	(void)state;
	assert_non_null(rr);
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++)
		if (fast_rr_parse(entries[i], &ctx, rr))
			fail_msg("the fast path read '%s'", entries[i]);
	ctx.prev_len = 0;
	assert_false(fast_rr_parse(" A 192.0.2.1", &ctx, rr)); /* no owner yet: ldns' error */
	free(rr);
}

/* Names at the length limits: 63-byte labels and 255-byte names read, one more is declined
 * (ldns appends $ORIGIN without checking the length; the loader words that error). */
static void test_name_limits(void **state)
{
	struct fast_rr_context ctx = context(origin_example, sizeof(origin_example), 3600);
	struct fast_rr *rr = malloc(sizeof(*rr));
	char line[600], label63[64], name[300];

	(void)state;
	assert_non_null(rr);
	memset(label63, 'a', 63);
	label63[63] = '\0';
	snprintf(line, sizeof(line), "%s A 192.0.2.1", label63);
	assert_int_equal(fast_rr_agrees(line, &ctx), 1);
	snprintf(line, sizeof(line), "%sa A 192.0.2.1", label63);
	assert_false(fast_rr_parse(line, &ctx, rr));
	/* four 62-byte labels and the root: 4 * 63 + 1 = 253 bytes; add "x." for 255 */
	snprintf(name, sizeof(name), "x.%.62s.%.62s.%.62s.%.62s.", label63, label63, label63,
		 label63);
	snprintf(line, sizeof(line), "%s A 192.0.2.1", name);
	assert_int_equal(fast_rr_agrees(line, &ctx), 1);
	snprintf(line, sizeof(line), "xy.%.62s.%.62s.%.62s.%.62s. A 192.0.2.1", label63, label63,
		 label63, label63);
	assert_false(fast_rr_parse(line, &ctx, rr));
	snprintf(line, sizeof(line), "w NS %.62s.%.62s.%.62s.%.62s", label63, label63, label63,
		 label63); /* relative: 253 + 12 bytes of origin */
	assert_false(fast_rr_parse(line, &ctx, rr));
	free(rr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_spelling_origin),
		cmocka_unit_test(test_every_spelling_root_and_ttl0),
		cmocka_unit_test(test_known_values),
		cmocka_unit_test(test_declines),
		cmocka_unit_test(test_name_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
