/* Unit tests for wire-format domain names: question parsing, skipping, comparison, case folding
 * and presentation. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "zones/dname.h"

#define N(s) ((const uint8_t *)(s))

/* Parses `len` bytes; returns the result and leaves the cursor offset in *consumed. */
static int parse(struct dname_view *v, const void *bytes, size_t len, size_t *consumed)
{
	uint8_t buf[600];
	struct wire w;
	int rc;

	assert_true(len <= sizeof(buf));
	memcpy(buf, bytes, len);
	wire_init(&w, buf, len);
	rc = dname_view_parse(v, &w);
	if (consumed != NULL)
		*consumed = wire_offset(&w);
	return rc;
}

/* Wire name of `count` labels of `size` bytes each, filled with `fill`; returns its length. */
static size_t make_name(uint8_t *out, unsigned count, unsigned size, uint8_t fill)
{
	size_t o = 0;

	for (unsigned i = 0; i < count; i++) {
		out[o++] = (uint8_t)size;
		memset(out + o, fill, size);
		o += size;
	}
	out[o++] = 0;
	return o;
}

static void expect_suffix_hashes(const struct dname_view *v)
{
	for (unsigned i = 0; i <= v->labels; i++) {
		const uint8_t *suffix = v->lower + v->suffix_off[i];
		size_t len = (size_t)v->len - v->suffix_off[i];

		assert_int_equal(dname_length(suffix), len);
		assert_int_equal(v->suffix_hash[i], dname_hash(suffix, len));
	}
}

static void test_parse_lowercases(void **state)
{
	static const uint8_t pkt[] = "\x03WwW\x07"
				     "ExAmPlE\x03"
				     "CoM\x00\x00\x01";
	static const uint8_t want[] = "\x03www\x07"
				      "example\x03"
				      "com";
	struct dname_view v;
	size_t used;

	(void)state;
	assert_int_equal(parse(&v, pkt, sizeof(pkt) - 1, &used), 0);
	assert_int_equal(used, 17); /* stops after the root label, before the type */
	assert_int_equal(v.len, 17);
	assert_memory_equal(v.lower, want, 17);
	assert_int_equal(v.labels, 3);
	assert_int_equal(v.suffix_off[0], 0);
	assert_int_equal(v.suffix_off[1], 4);
	assert_int_equal(v.suffix_off[2], 12);
	assert_int_equal(v.suffix_off[3], 16);
	expect_suffix_hashes(&v);
	assert_int_equal(v.suffix_hash[0], dname_hash(want, 17));
	assert_int_equal(v.suffix_hash[2], dname_hash(N("\x03"
							"com"),
						      5));
	assert_int_equal(v.suffix_hash[3], dname_hash(N(""), 1));
}

static void test_parse_root(void **state)
{
	struct dname_view v;
	size_t used;

	(void)state;
	assert_int_equal(parse(&v, "\0\0\x02", 3, &used), 0);
	assert_int_equal(used, 1);
	assert_int_equal(v.len, 1);
	assert_int_equal(v.labels, 0);
	assert_int_equal(v.lower[0], 0);
	assert_int_equal(v.suffix_off[0], 0);
	assert_int_equal(v.suffix_hash[0], dname_hash(N(""), 1));
}

/* The view of the same name in another case is identical, hashes included. */
static void test_parse_case_insensitive_view(void **state)
{
	struct dname_view a, b;

	(void)state;
	assert_int_equal(parse(&a,
			       "\x04MAIL\x07"
			       "EXAMPLE\x03"
			       "ORG",
			       18, NULL),
			 0);
	assert_int_equal(parse(&b,
			       "\x04mail\x07"
			       "example\x03"
			       "org",
			       18, NULL),
			 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.lower, b.lower, a.len);
	for (unsigned i = 0; i <= a.labels; i++)
		assert_int_equal(a.suffix_hash[i], b.suffix_hash[i]);
	assert_int_not_equal(a.suffix_hash[0], a.suffix_hash[1]);
}

/* Lengths 64..127 carry the 0x40 label type bits: a 65-byte label is not a label. */
static void test_parse_rejects_long_label(void **state)
{
	uint8_t name[80];
	struct dname_view v;
	size_t len = make_name(name, 1, 65, 'Q');

	(void)state;
	assert_int_equal(parse(&v, name, len, NULL), -EBADMSG);
	len = make_name(name, 1, 64, 'Q');
	assert_int_equal(parse(&v, name, len, NULL), -EBADMSG);
	len = make_name(name, 1, 63, 'Q');
	assert_int_equal(parse(&v, name, len, NULL), 0);
	assert_int_equal(v.lower[0], 63);
	assert_int_equal(v.lower[63], 'q');
}

static void test_parse_longest_name(void **state)
{
	uint8_t name[300];
	struct dname_view v;
	size_t len;

	(void)state;
	/* 3 * (1 + 63) + (1 + 61) + 1 = 255 bytes: allowed */
	len = make_name(name, 3, 63, 'x');
	name[len - 1] = 61;
	memset(name + len, 'y', 61);
	len += 61;
	name[len++] = 0;
	assert_int_equal(len, 255);
	assert_int_equal(parse(&v, name, len, NULL), 0);
	assert_int_equal(v.len, 255);
	assert_int_equal(v.labels, 4);
	expect_suffix_hashes(&v);

	/* 127 one-byte labels: the most labels a name can have */
	len = make_name(name, 127, 1, 'z');
	assert_int_equal(len, 255);
	assert_int_equal(parse(&v, name, len, NULL), 0);
	assert_int_equal(v.labels, 127);
	assert_int_equal(v.suffix_off[127], 254);
	expect_suffix_hashes(&v);
}

static void test_parse_rejects_overlong(void **state)
{
	uint8_t name[300];
	struct dname_view v;
	size_t len;

	(void)state;
	/* 3 * 64 + 63 + 1 = 256 bytes */
	len = make_name(name, 3, 63, 'x');
	name[len - 1] = 62;
	memset(name + len, 'y', 62);
	len += 62;
	name[len++] = 0;
	assert_int_equal(len, 256);
	assert_int_equal(parse(&v, name, len, NULL), -EBADMSG);

	len = make_name(name, 128, 1, 'z'); /* 257 bytes */
	assert_int_equal(parse(&v, name, len, NULL), -EBADMSG);
}

static void test_parse_rejects_pointer(void **state)
{
	struct dname_view v;

	(void)state;
	assert_int_equal(parse(&v, "\xc0\x0c", 2, NULL), -EBADMSG);
	assert_int_equal(parse(&v, "\x03www\xc0\x0c", 6, NULL), -EBADMSG);
}

static void test_parse_rejects_label_types(void **state)
{
	struct dname_view v;

	(void)state;
	assert_int_equal(parse(&v, "\x40\x00", 2, NULL), -EBADMSG); /* extended label */
	assert_int_equal(parse(&v, "\x80\x00", 2, NULL), -EBADMSG); /* reserved */
	assert_int_equal(parse(&v,
			       "\x01"
			       "a\x40\x00",
			       4, NULL),
			 -EBADMSG);
	assert_int_equal(parse(&v,
			       "\x01"
			       "a\x80\x00",
			       4, NULL),
			 -EBADMSG);
	assert_int_equal(parse(&v,
			       "\x01"
			       "a\x7f\x00",
			       4, NULL),
			 -EBADMSG);
}

static void test_parse_truncated(void **state)
{
	struct dname_view v;

	(void)state;
	assert_int_equal(parse(&v, "", 0, NULL), -EMSGSIZE);
	assert_int_equal(parse(&v,
			       "\x05"
			       "ab",
			       3, NULL),
			 -EMSGSIZE); /* label cut */
	assert_int_equal(parse(&v,
			       "\x03"
			       "com",
			       4, NULL),
			 -EMSGSIZE); /* no root */
	assert_int_equal(parse(&v,
			       "\x03"
			       "www\x03"
			       "co",
			       7, NULL),
			 -EMSGSIZE);
}

static int skip_name(const void *bytes, size_t len, size_t *consumed)
{
	uint8_t buf[600];
	struct wire w;
	int rc;

	memcpy(buf, bytes, len);
	wire_init(&w, buf, len);
	rc = dname_skip(&w);
	*consumed = wire_offset(&w);
	return rc;
}

static void test_skip(void **state)
{
	uint8_t name[300];
	size_t used, len;

	(void)state;
	assert_int_equal(skip_name("\x03www\x07"
				   "example\x03"
				   "com\x00\x00\x01",
				   19, &used),
			 0);
	assert_int_equal(used, 17);
	assert_int_equal(skip_name("\x00\x00\x29", 3, &used), 0);
	assert_int_equal(used, 1);
	/* a pointer ends the name; it is not followed */
	assert_int_equal(skip_name("\xc0\x0c\x00\x01", 4, &used), 0);
	assert_int_equal(used, 2);
	assert_int_equal(skip_name("\x04mail\xc0\x0c\x00\x0f", 8, &used), 0);
	assert_int_equal(used, 7);
	assert_int_equal(skip_name("\x04mail\xff\xff", 7, &used), 0);
	assert_int_equal(used, 7);

	assert_int_equal(skip_name("\x04mail\xc0", 6, &used), -EMSGSIZE); /* half a pointer */
	assert_int_equal(skip_name("\x04ma", 3, &used), -EMSGSIZE);
	assert_int_equal(skip_name("\x04mail", 5, &used), -EMSGSIZE);
	assert_int_equal(skip_name("\x40\x00", 2, &used), -EBADMSG);
	assert_int_equal(skip_name("\x01x\x80\x00", 4, &used), -EBADMSG);

	len = make_name(name, 128, 1, 'z');
	assert_int_equal(skip_name(name, len, &used), -EBADMSG);
	len = make_name(name, 127, 1, 'z');
	assert_int_equal(skip_name(name, len, &used), 0);
	assert_int_equal(used, 255);
}

static void test_length_and_labels(void **state)
{
	(void)state;
	assert_int_equal(dname_length(N("")), 1);
	assert_int_equal(dname_label_count(N("")), 0);
	assert_int_equal(dname_length(N("\x03www\x07"
					"example\x03"
					"com")),
			 17);
	assert_int_equal(dname_label_count(N("\x03www\x07"
					     "example\x03"
					     "com")),
			 3);
}

static void test_equal(void **state)
{
	(void)state;
	assert_true(dname_equal(N(""), N("")));
	assert_true(dname_equal(N("\x03WWW\x07"
				  "Example\x03"
				  "COM"),
				N("\x03www\x07"
				  "eXAMPLE\x03"
				  "com")));
	assert_false(dname_equal(N("\x03www\x07"
				   "example\x03"
				   "com"),
				 N("\x07"
				   "example\x03"
				   "com")));
	assert_false(dname_equal(N("\x01"
				   "a"),
				 N("\x02"
				   "aa")));
	assert_false(dname_equal(N("\x01"
				   "a"),
				 N("")));
	assert_false(dname_equal(N("\x03"
				   "abc"),
				 N("\x03"
				   "abd")));
	/* folding is ASCII only: '[' is not '{' */
	assert_false(dname_equal(N("\x01["), N("\x01{")));
	assert_false(dname_equal(N("\x01@"), N("\x01`")));
}

static void test_is_subdomain(void **state)
{
	const uint8_t *com = N("\x07"
			       "example\x03"
			       "com");

	(void)state;
	assert_true(dname_is_subdomain(com, com));
	assert_true(dname_is_subdomain(N("\x03WWW\x07"
					 "EXAMPLE\x03"
					 "COM"),
				       com));
	assert_true(dname_is_subdomain(N("\x01"
					 "a\x01"
					 "b\x07"
					 "example\x03"
					 "com"),
				       com));
	assert_true(dname_is_subdomain(com, N("")));
	assert_true(dname_is_subdomain(N(""), N("")));
	assert_false(dname_is_subdomain(N("\x03"
					  "com"),
					com));
	assert_false(dname_is_subdomain(N(""), com));
	assert_false(dname_is_subdomain(N("\x08xexample\x03"
					  "com"),
					com));
	assert_false(dname_is_subdomain(N("\x03www\x07"
					  "example\x03"
					  "net"),
					com));
}

static void test_lower(void **state)
{
	uint8_t name[200], want[200], out[200];
	size_t len, wlen;

	(void)state;
	dname_lower(out,
		    N("\x03WwW\x07"
		      "ExAmPlE\x03"
		      "CoM"),
		    17);
	assert_memory_equal(out,
			    "\x03www\x07"
			    "example\x03"
			    "com",
			    17);
	dname_lower(out, N(""), 1);
	assert_int_equal(out[0], 0);

	/* Length bytes 65..90 read as 'A'..'Z'; they are lengths and must not be folded.
	 * Such labels are not valid on the wire, but the function must not corrupt its input
	 * into a name of another shape. */
	len = make_name(name, 2, 65, 'Q');
	wlen = make_name(want, 2, 65, 'q');
	assert_int_equal(len, wlen);
	assert_int_equal(name[66], 'A');
	memset(out, 0xee, sizeof(out));
	dname_lower(out, name, len);
	assert_int_equal(out[0], 65);
	assert_int_equal(out[66], 65);
	assert_memory_equal(out, want, len);
	assert_int_equal(out[len], 0xee);

	len = make_name(name, 1, 90, 'Z');
	make_name(want, 1, 90, 'z');
	dname_lower(out, name, len);
	assert_int_equal(out[0], 90);
	assert_memory_equal(out, want, len);

	/* only `len` bytes are written, even mid-label */
	memset(out, 0xee, sizeof(out));
	dname_lower(out,
		    N("\x03WWW\x03"
		      "COM"),
		    3);
	assert_memory_equal(out, "\x03ww\xee", 4);
}

/* The view built from zone data matches the one parsed from a packet. */
static void test_view_from_wire(void **state)
{
	static const uint8_t name[] = "\x04Mail\x02"
				      "Ex\x03"
				      "ORG";
	struct dname_view v, p;

	(void)state;
	dname_view_from_wire(&v, name, sizeof(name));
	assert_int_equal(v.len, 13);
	assert_int_equal(v.labels, 3);
	assert_memory_equal(v.lower,
			    "\x04mail\x02"
			    "ex\x03"
			    "org",
			    13);
	assert_int_equal(v.suffix_off[1], 5);
	assert_int_equal(v.suffix_off[2], 8);
	assert_int_equal(v.suffix_off[3], 12);
	expect_suffix_hashes(&v);
	assert_int_equal(parse(&p, name, sizeof(name), NULL), 0);
	assert_memory_equal(p.lower, v.lower, v.len);
	for (unsigned i = 0; i <= v.labels; i++) {
		assert_int_equal(p.suffix_off[i], v.suffix_off[i]);
		assert_int_equal(p.suffix_hash[i], v.suffix_hash[i]);
	}
}

static void test_hash(void **state)
{
	(void)state;
	assert_int_equal(dname_hash(N("\x03www\x07"
				      "example\x03"
				      "com"),
				    17),
			 dname_hash(N("\x03www\x07"
				      "example\x03"
				      "com"),
				    17));
	assert_int_not_equal(dname_hash(N("\x03www\x07"
					  "example\x03"
					  "com"),
					17),
			     dname_hash(N("\x03www\x07"
					  "example\x03"
					  "net"),
					17));
	/* the label boundaries count: a.bc is not ab.c */
	assert_int_not_equal(dname_hash(N("\x01"
					  "a\x02"
					  "bc"),
					6),
			     dname_hash(N("\x02"
					  "ab\x01"
					  "c"),
					6));
}

static void test_to_str(void **state)
{
	char buf[DNAME_MAX_LEN * 4 + 2];

	(void)state;
	assert_string_equal(dname_to_str(N(""), buf, sizeof(buf)), ".");
	assert_string_equal(dname_to_str(N("\x03WwW\x07"
					   "example\x03"
					   "com"),
					 buf, sizeof(buf)),
			    "WwW.example.com.");
	assert_string_equal(dname_to_str(N("\x03"
					   "a.b\x07"
					   "example"),
					 buf, sizeof(buf)),
			    "a\\.b.example.");
	assert_string_equal(dname_to_str(N("\x04"
					   "a\\b\"\x01"
					   "*"),
					 buf, sizeof(buf)),
			    "a\\\\b\\\".*.");
	assert_string_equal(dname_to_str(N("\x04"
					   "a b\x7f\x03\x00\x01\xff"),
					 buf, sizeof(buf)),
			    "a\\032b\\127.\\000\\001\\255.");
	assert_string_equal(dname_to_str(N("\x03"
					   "(;)\x02@$"),
					 buf, sizeof(buf)),
			    "\\(\\;\\).\\@\\$.");
}

/* The worst case fits the documented buffer, and a short buffer is never overrun. */
static void test_to_str_bounds(void **state)
{
	char buf[DNAME_MAX_LEN * 4 + 2], small[12];
	uint8_t name[300];

	(void)state;
	make_name(name, 127, 1, 0x01);
	dname_to_str(name, buf, sizeof(buf));
	assert_int_equal(strlen(buf), 127 * 5);
	assert_memory_equal(buf, "\\001.\\001.", 10);

	memset(small, 'Z', sizeof(small));
	dname_to_str(name, small, 8);
	assert_true(strlen(small) < 8);
	assert_int_equal(small[8], 'Z');
	dname_to_str(N("\x03www\x07"
		       "example\x03"
		       "com"),
		     small, 1);
	assert_string_equal(small, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_lowercases),
		cmocka_unit_test(test_parse_root),
		cmocka_unit_test(test_parse_case_insensitive_view),
		cmocka_unit_test(test_parse_rejects_long_label),
		cmocka_unit_test(test_parse_longest_name),
		cmocka_unit_test(test_parse_rejects_overlong),
		cmocka_unit_test(test_parse_rejects_pointer),
		cmocka_unit_test(test_parse_rejects_label_types),
		cmocka_unit_test(test_parse_truncated),
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_length_and_labels),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_is_subdomain),
		cmocka_unit_test(test_lower),
		cmocka_unit_test(test_view_from_wire),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_to_str),
		cmocka_unit_test(test_to_str_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
