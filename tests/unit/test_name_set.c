/* Unit tests for zones/name_set.c: every ancestor is added once, and the order is RFC 4034
 * §6.1's canonical order, which the compiled zone's nodes keep. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "zones/dname.h"
#include "zones/name_set.h"

/* "a.b" into wire form (no escapes: the tests write labels as bytes below where needed). */
static size_t wire(uint8_t *out, const char *text)
{
	size_t o = 0;

	while (*text != '\0') {
		size_t len = strcspn(text, ".");

		out[o] = (uint8_t)len;
		memcpy(out + o + 1, text, len);
		o += 1 + len;
		text += len + (text[len] == '.');
	}
	out[o++] = 0;
	return o;
}

/* RFC 4034 §6.1's example, shuffled, with the name with a \200 label and uppercase owners:
 * the order comes out as the RFC lists it. */
static void test_rfc4034_order(void **state)
{
	static const char *const shuffled[] = {
		"Z.a.example",	      "*.z.example",	"zABC.a.EXAMPLE", "a.example",
		"yljkjljk.a.example", "\001.z.example", "\310.z.example", "example", /* \310: 200 */
	};
	static const char *const expected[] = {
		"example.",	    "a.example.",      "yljkjljk.a.example.",
		"z.a.example.",	    "zabc.a.example.", "z.example.",
		"\\001.z.example.", "*.z.example.",    "\\200.z.example.",
	};
	struct arena arena;
	struct name_set s;
	uint8_t apex[DNAME_MAX_LEN], name[DNAME_MAX_LEN];
	uint32_t order[16], id;
	char text[DNAME_STR_MAX];

	(void)state;
	arena_init(&arena);
	wire(apex, "example");
	assert_int_equal(name_set_init(&s, &arena, apex, 4), 0);
	for (size_t i = 0; i < sizeof(shuffled) / sizeof(shuffled[0]); i++) {
		wire(name, shuffled[i]);
		assert_int_equal(name_set_add(&s, name, &id), 0);
		assert_true(id < s.count);
	}
	/* z.example is an empty non-terminal: added as the parent of three names */
	assert_int_equal(s.count, sizeof(expected) / sizeof(expected[0]));
	assert_int_equal(name_set_order(&s, order), 0);
	for (uint32_t i = 0; i < s.count; i++) {
		assert_string_equal(dname_to_str(s.names[order[i]].lower, text, sizeof(text)),
				    expected[i]);
		assert_int_equal(s.names[order[i]].rank, i);
		if (i > 0)
			assert_int_equal(s.names[order[i]].hash, dname_hash(s.names[order[i]].lower,
									    s.names[order[i]].len));
	}
	name_set_fini(&s);
	arena_fini(&arena);
}

/* A name outside the apex is refused, and the set is unchanged. */
static void test_outside_apex(void **state)
{
	struct arena arena;
	struct name_set s;
	uint8_t apex[DNAME_MAX_LEN], name[DNAME_MAX_LEN];
	uint32_t id = 7;

	(void)state;
	arena_init(&arena);
	wire(apex, "example.com");
	assert_int_equal(name_set_init(&s, &arena, apex, 1), 0);
	wire(name, "www.example.org");
	assert_int_equal(name_set_add(&s, name, &id), -EINVAL);
	wire(name, "com");
	assert_int_equal(name_set_add(&s, name, &id), -EINVAL);
	assert_int_equal(s.count, 1);
	name_set_fini(&s);
	arena_fini(&arena);
}

/* The set grows past its first size: every name is still found once. */
static void test_growth(void **state)
{
	struct arena arena;
	struct name_set s;
	uint8_t apex[DNAME_MAX_LEN], name[DNAME_MAX_LEN];
	uint32_t order[2100], id, again;
	char text[64];

	(void)state;
	arena_init(&arena);
	wire(apex, "example");
	assert_int_equal(name_set_init(&s, &arena, apex, 1), 0);
	for (int i = 0; i < 2000; i++) {
		snprintf(text, sizeof(text), "h%d.example", i);
		wire(name, text);
		assert_int_equal(name_set_add(&s, name, &id), 0);
		assert_int_equal(name_set_add(&s, name, &again), 0);
		assert_int_equal(id, again);
	}
	assert_int_equal(s.count, 2001);
	assert_int_equal(name_set_order(&s, order), 0);
	assert_int_equal(order[0], 0);
	name_set_fini(&s);
	arena_fini(&arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4034_order),
		cmocka_unit_test(test_outside_apex),
		cmocka_unit_test(test_growth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
