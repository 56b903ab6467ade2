/* Unit tests for zones/stanza_args.c: how a stanza's words split, the value parsers the stanzas
 * share, and where their errors say they are. */
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

#include "zones/stanza_args.h"

struct fixture {
	struct diag d;
	struct arena arena;
	struct stanza_ctx c;
	struct stanza_args a;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	diag_init(&fx->d);
	arena_init(&fx->arena);
	fx->c = (struct stanza_ctx){
		.d = &fx->d, .arena = &fx->arena, .file = "z.zone", .line = 7
	};
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	stanza_args_free(&fx->a);
	arena_fini(&fx->arena);
	diag_fini(&fx->d);
	free(fx);
	return 0;
}

/* Exactly one error was added, and it is this line. */
static void expect_error(struct fixture *fx, const char *line)
{
	if (fx->d.count != 1)
		diag_print(&fx->d, stderr, "  diag: ");
	assert_int_equal(fx->d.count, 1);
	assert_string_equal(fx->d.lines[0], line);
}

static void test_split_words_and_pairs(void **state)
{
	struct fixture *fx = *state;
	struct stanza_args *a = &fx->a;

	assert_int_equal(stanza_args_split(a, "  fra\t192.0.2.1 check=web,db  weight=3 ", &fx->c),
			 0);
	assert_int_equal(a->count, 4);
	assert_null(a->keys[0]);
	assert_string_equal(a->values[0], "fra");
	assert_null(a->keys[1]);
	assert_string_equal(a->values[1], "192.0.2.1");
	assert_string_equal(a->keys[2], "check");
	assert_string_equal(a->values[2], "web,db");
	assert_string_equal(a->keys[3], "weight");
	assert_string_equal(a->values[3], "3");
	assert_int_equal(fx->d.count, 0);
}

/* Quotes keep spaces and '=' in a value and are removed; only the first '=' splits. */
static void test_split_quotes(void **state)
{
	struct fixture *fx = *state;
	struct stanza_args *a = &fx->a;

	assert_int_equal(stanza_args_split(a,
					   "command=\"/bin/check --mode=x a b\" body=a=b "
					   "\"bare word\" path=\"\"",
					   &fx->c),
			 0);
	assert_int_equal(a->count, 4);
	assert_string_equal(a->keys[0], "command");
	assert_string_equal(a->values[0], "/bin/check --mode=x a b");
	assert_string_equal(a->keys[1], "body");
	assert_string_equal(a->values[1], "a=b");
	assert_null(a->keys[2]);
	assert_string_equal(a->values[2], "bare word");
	assert_string_equal(a->keys[3], "path");
	assert_string_equal(a->values[3], "");
}

static void test_split_empty(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(stanza_args_split(&fx->a, " \t ", &fx->c), 0);
	assert_int_equal(fx->a.count, 0);
	assert_int_equal(fx->d.count, 0);
}

static void test_split_unterminated_quote(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(stanza_args_split(&fx->a, "body=\"never closed", &fx->c), -EINVAL);
	expect_error(fx, "z.zone:7: unterminated quote: add the closing '\"'");
}

static void test_split_empty_key(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(stanza_args_split(&fx->a, "fra =80", &fx->c), -EINVAL);
	expect_error(fx, "z.zone:7: '=80' has no key before '='");
}

static void test_split_too_many_words(void **state)
{
	struct fixture *fx = *state;
	char text[STANZA_ARGS_MAX * 3 + 8] = "";

	for (int i = 0; i < STANZA_ARGS_MAX; i++)
		strcat(text, "w ");
	assert_int_equal(stanza_args_split(&fx->a, text, &fx->c), 0);
	assert_int_equal(fx->a.count, STANZA_ARGS_MAX);
	stanza_args_free(&fx->a);
	strcat(text, "w");
	assert_int_equal(stanza_args_split(&fx->a, text, &fx->c), -EINVAL);
	expect_error(fx, "z.zone:7: more than 64 words in one stanza");
}

static void test_identifier(void **state)
{
	char long_name[65];

	(void)state;
	assert_true(stanza_is_identifier("fra-1_b"));
	assert_false(stanza_is_identifier(""));
	assert_false(stanza_is_identifier("fra.1"));
	assert_false(stanza_is_identifier("fra 1"));
	memset(long_name, 'a', 63);
	long_name[63] = '\0';
	assert_true(stanza_is_identifier(long_name));
	long_name[63] = 'a';
	long_name[64] = '\0';
	assert_false(stanza_is_identifier(long_name));
}

static void test_duration(void **state)
{
	struct fixture *fx = *state;
	static const struct {
		const char *text;
		uint32_t ms;
	} good[] = { { "500ms", 500 },	{ "2s", 2000 }, { "1m", 60000 },
		     { "1h", 3600000 }, { "5", 5000 },	{ "1.5s", 1500 } };
	uint32_t ms = 0;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(
			stanza_parse_duration(good[i].text, 100, 3600000, &ms, "interval", &fx->c),
			0);
		assert_int_equal(ms, good[i].ms);
	}
	assert_int_equal(fx->d.count, 0);
	ms = 42;
	assert_int_equal(stanza_parse_duration("50ms", 100, 60000, &ms, "timeout", &fx->c),
			 -EINVAL);
	expect_error(fx, "z.zone:7: timeout=50ms is out of range: use 100ms to 60s");
	assert_int_equal(ms, 42); /* untouched on error */
}

static void test_duration_not_a_duration(void **state)
{
	struct fixture *fx = *state;
	uint32_t ms = 0;

	assert_int_equal(stanza_parse_duration("2d", 0, 60000, &ms, "interval", &fx->c), -EINVAL);
	expect_error(fx, "z.zone:7: interval=2d is not a duration: write 500ms, 2s, 1m or 1h");
}

static void test_uint(void **state)
{
	struct fixture *fx = *state;
	uint32_t n = 0;

	assert_int_equal(stanza_parse_uint("1000000", 1, 1000000, &n, "weight", &fx->c), 0);
	assert_int_equal(n, 1000000);
	assert_int_equal(stanza_parse_uint("0", 0, 10, &n, "ttl-min", &fx->c), 0);
	assert_int_equal(n, 0);
	assert_int_equal(fx->d.count, 0);
	for (const char *const *bad = (const char *const[]){ "-1", "0", "1000001", "3x", "", NULL };
	     *bad != NULL; bad++)
		assert_int_equal(stanza_parse_uint(*bad, 1, 1000000, &n, "weight", &fx->c),
				 -EINVAL);
	assert_int_equal(fx->d.count, 5);
	assert_string_equal(fx->d.lines[0],
			    "z.zone:7: weight=-1: write a whole number from 1 to 1000000");
	assert_int_equal(n, 0);
}

static void test_choice(void **state)
{
	struct fixture *fx = *state;
	static const char *const policies[] = { "order", "weighted", "all", NULL };

	assert_int_equal(stanza_parse_choice("order", policies, "policy", &fx->c), 0);
	assert_int_equal(stanza_parse_choice("all", policies, "policy", &fx->c), 2);
	assert_int_equal(fx->d.count, 0);
	assert_int_equal(stanza_parse_choice("Order", policies, "policy", &fx->c), -EINVAL);
	expect_error(fx, "z.zone:7: policy=Order is unknown (known: order, weighted, all)");
}

static void test_geo(void **state)
{
	struct fixture *fx = *state;
	double lat = 0, lon = 0;

	assert_int_equal(stanza_parse_geo("50.11,8.68", &lat, &lon, &fx->c), 0);
	assert_true(lat > 50.10 && lat < 50.12);
	assert_true(lon > 8.67 && lon < 8.69);
	assert_int_equal(stanza_parse_geo("-90,-180", &lat, &lon, &fx->c), 0);
	assert_true(lat == -90 && lon == -180);
	assert_int_equal(fx->d.count, 0);
	assert_int_equal(stanza_parse_geo("91,0", &lat, &lon, &fx->c), -EINVAL);
	assert_int_equal(stanza_parse_geo("0,181", &lat, &lon, &fx->c), -EINVAL);
	assert_int_equal(stanza_parse_geo("50.11", &lat, &lon, &fx->c), -EINVAL);
	assert_int_equal(stanza_parse_geo("50.11,8.68x", &lat, &lon, &fx->c), -EINVAL);
	assert_int_equal(fx->d.count, 4);
	assert_string_equal(fx->d.lines[2], "z.zone:7: geo=50.11: write latitude,longitude in "
					    "degrees, like geo=50.11,8.68");
}

/* stanza_at() names the zone's copy of a file name, so messages and stanzas outlive the source;
 * a name it does not know is used as it is. */
static void test_at_names_the_zone_copy(void **state)
{
	struct fixture *fx = *state;
	char main_file[] = "main.zone", included[] = "inc.zone";
	char *source[] = { main_file, included };
	const char *kept[] = { "kept/main.zone", "kept/inc.zone" };

	fx->c.source_files = source;
	fx->c.zone_files = kept;
	fx->c.file_count = 2;
	stanza_at(&fx->c, included, 12);
	assert_ptr_equal(fx->c.file, kept[1]);
	assert_int_equal(fx->c.line, 12);
	stanza_error(&fx->c, "bad %s", "thing");
	stanza_at(&fx->c, "other.zone", 3);
	assert_string_equal(fx->c.file, "other.zone");
	stanza_error(&fx->c, "worse");
	assert_int_equal(fx->d.count, 2);
	assert_string_equal(fx->d.lines[0], "kept/inc.zone:12: bad thing");
	assert_string_equal(fx->d.lines[1], "other.zone:3: worse");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_split_words_and_pairs),
		T(test_split_quotes),
		T(test_split_empty),
		T(test_split_unterminated_quote),
		T(test_split_empty_key),
		T(test_split_too_many_words),
		T(test_identifier),
		T(test_duration),
		T(test_duration_not_a_duration),
		T(test_uint),
		T(test_choice),
		T(test_geo),
		T(test_at_names_the_zone_copy),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
