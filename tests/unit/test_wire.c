/* Unit tests for the bounds-checked wire cursor: big-endian fields, the sticky error and the
 * reserve-then-patch of a length. */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "baton/wire.h"

static void test_read_big_endian(void **state)
{
	uint8_t buf[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0xfe, 0xdc, 0xba, 0x98 };
	struct wire w;

	(void)state;
	wire_init(&w, buf, sizeof(buf));
	assert_int_equal(wire_available(&w), 11);
	assert_int_equal(wire_read_u8(&w), 0x01);
	assert_int_equal(wire_read_u16(&w), 0x0203);
	assert_int_equal(wire_read_u32(&w), 0x04050607);
	assert_int_equal(wire_read_u32(&w), 0xfedcba98u);
	assert_int_equal(w.error, 0);
	assert_int_equal(wire_offset(&w), 11);
	assert_int_equal(wire_available(&w), 0);
}

static void test_read_bytes(void **state)
{
	uint8_t buf[] = { 'a', 'b', 'c', 'd' }, dst[3];
	struct wire w;

	(void)state;
	wire_init(&w, buf, sizeof(buf));
	wire_read(&w, dst, 3);
	assert_memory_equal(dst, "abc", 3);
	assert_int_equal(wire_offset(&w), 3);
	/* too long: nothing read, the destination zeroed, the cursor stays */
	wire_read(&w, dst, 2);
	assert_int_equal(w.error, -EMSGSIZE);
	assert_memory_equal(dst, "\0\0", 2);
	assert_int_equal(wire_offset(&w), 3);
}

static void test_write_big_endian(void **state)
{
	static const uint8_t want[] = { 0xab, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 'x', 'y' };
	uint8_t buf[sizeof(want)];
	struct wire w;

	(void)state;
	memset(buf, 0, sizeof(buf));
	wire_init(&w, buf, sizeof(buf));
	wire_write_u8(&w, 0xab);
	wire_write_u16(&w, 0x1234);
	wire_write_u32(&w, 0xdeadbeefu);
	wire_write(&w, "xy", 2);
	assert_int_equal(w.error, 0);
	assert_int_equal(wire_offset(&w), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

static void test_fixed_position_helpers(void **state)
{
	uint8_t buf[4] = { 0 };

	(void)state;
	wire_put_u16(buf + 1, 0xc00c);
	assert_int_equal(buf[0], 0);
	assert_int_equal(buf[1], 0xc0);
	assert_int_equal(buf[2], 0x0c);
	assert_int_equal(buf[3], 0);
	assert_int_equal(wire_get_u16(buf + 1), 0xc00c);
}

/* Each read size past the end: -EMSGSIZE, zero returned, cursor not moved. */
static void test_read_past_end(void **state)
{
	uint8_t buf[] = { 0x11, 0x22, 0x33 };
	struct wire w;

	(void)state;
	wire_init(&w, buf, 1);
	assert_int_equal(wire_read_u16(&w), 0);
	assert_int_equal(w.error, -EMSGSIZE);
	assert_int_equal(wire_offset(&w), 0);

	wire_init(&w, buf, 3);
	assert_int_equal(wire_read_u32(&w), 0);
	assert_int_equal(w.error, -EMSGSIZE);
	assert_int_equal(wire_offset(&w), 0);

	wire_init(&w, buf, 0);
	assert_int_equal(wire_read_u8(&w), 0);
	assert_int_equal(w.error, -EMSGSIZE);
	assert_int_equal(wire_offset(&w), 0);
}

/* Once set, the error stays: later reads that would fit still return 0 and do not move. */
static void test_error_is_sticky(void **state)
{
	uint8_t buf[] = { 0x11, 0x22, 0x33, 0x44 };
	struct wire w;

	(void)state;
	wire_init(&w, buf, sizeof(buf));
	assert_int_equal(wire_read_u8(&w), 0x11);
	assert_int_equal(wire_read_u32(&w), 0);
	assert_int_equal(w.error, -EMSGSIZE);
	assert_int_equal(wire_offset(&w), 1);
	assert_int_equal(wire_read_u8(&w), 0);
	assert_int_equal(wire_read_u16(&w), 0);
	assert_int_equal(w.error, -EMSGSIZE);
	assert_int_equal(wire_offset(&w), 1);
	assert_false(wire_can(&w, 0));
	wire_skip(&w, 1);
	wire_seek(&w, 0);
	assert_int_equal(wire_offset(&w), 1);
	assert_int_equal(w.error, -EMSGSIZE);
}

static void test_available_after_error(void **state)
{
	uint8_t buf[8];
	struct wire w;

	(void)state;
	wire_init(&w, buf, sizeof(buf));
	wire_skip(&w, 2);
	assert_int_equal(wire_available(&w), 6);
	wire_skip(&w, 7);
	assert_int_equal(w.error, -EMSGSIZE);
	assert_int_equal(wire_offset(&w), 2);
	assert_int_equal(wire_available(&w), 0);
}

/* Writes past the end touch no byte, neither inside nor beyond the buffer. */
static void test_write_past_end(void **state)
{
	uint8_t mem[8];
	struct wire w;

	(void)state;
	memset(mem, 0xee, sizeof(mem));
	wire_init(&w, mem, 3);
	wire_write_u16(&w, 0x0102);
	wire_write_u16(&w, 0x0304); /* 1 byte left: nothing written */
	assert_int_equal(w.error, -EMSGSIZE);
	assert_int_equal(wire_offset(&w), 2);
	assert_int_equal(mem[2], 0xee);
	wire_write_u8(&w, 0x05); /* would fit, but the error is sticky */
	assert_int_equal(mem[2], 0xee);
	assert_int_equal(wire_offset(&w), 2);
	assert_int_equal(mem[0], 0x01);
	assert_int_equal(mem[1], 0x02);

	memset(mem, 0xee, sizeof(mem));
	wire_init(&w, mem, 3);
	wire_write_u32(&w, 0xaabbccdd);
	assert_int_equal(w.error, -EMSGSIZE);
	wire_init(&w, mem, 3);
	wire_write(&w, "abcd", 4);
	assert_int_equal(w.error, -EMSGSIZE);
	wire_init(&w, mem, 0);
	wire_write_u8(&w, 1);
	assert_int_equal(w.error, -EMSGSIZE);
	for (size_t i = 0; i < sizeof(mem); i++)
		assert_int_equal(mem[i], 0xee);
}

static void test_seek_bounds(void **state)
{
	uint8_t buf[] = { 0x10, 0x20, 0x30, 0x40 };
	struct wire w;

	(void)state;
	wire_init(&w, buf, sizeof(buf));
	wire_seek(&w, 2);
	assert_int_equal(wire_read_u8(&w), 0x30);
	wire_seek(&w, 0);
	assert_int_equal(wire_read_u16(&w), 0x1020);
	/* the end itself is a valid position, with nothing left */
	wire_seek(&w, 4);
	assert_int_equal(w.error, 0);
	assert_int_equal(wire_offset(&w), 4);
	assert_int_equal(wire_available(&w), 0);
	wire_seek(&w, 5);
	assert_int_equal(w.error, -EMSGSIZE);
	assert_int_equal(wire_offset(&w), 4);
}

static void test_skip_bounds(void **state)
{
	uint8_t buf[4] = { 0, 0, 0, 0x7f };
	struct wire w;

	(void)state;
	wire_init(&w, buf, sizeof(buf));
	wire_skip(&w, 3);
	assert_int_equal(w.error, 0);
	assert_int_equal(wire_read_u8(&w), 0x7f);
	wire_skip(&w, 0);
	assert_int_equal(w.error, 0);
	wire_skip(&w, 1);
	assert_int_equal(w.error, -EMSGSIZE);
	assert_int_equal(wire_offset(&w), 4);

	/* a huge count must not wrap the pointer around */
	wire_init(&w, buf, sizeof(buf));
	wire_skip(&w, SIZE_MAX);
	assert_int_equal(w.error, -EMSGSIZE);
	assert_int_equal(wire_offset(&w), 0);
}

static void test_can(void **state)
{
	uint8_t buf[2];
	struct wire w;

	(void)state;
	wire_init(&w, buf, sizeof(buf));
	assert_true(wire_can(&w, 2));
	assert_true(wire_can(&w, 0));
	assert_int_equal(w.error, 0);
	assert_false(wire_can(&w, 3));
	assert_int_equal(w.error, -EMSGSIZE);
}

/* The RDLENGTH pattern: reserve a length, write the data, patch the length in. */
static void test_reserve_and_patch(void **state)
{
	static const uint8_t want[] = { 0x00, 0x03, 'a', 'b', 'c', 0x12, 0x34, 0x56, 0x78 };
	uint8_t buf[sizeof(want)];
	struct wire w;
	size_t at;

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	wire_init(&w, buf, sizeof(buf));
	at = wire_reserve_u16(&w);
	assert_int_equal(at, 0);
	assert_int_equal(wire_offset(&w), 2);
	assert_int_equal(buf[0], 0); /* reserved bytes hold 0 until patched */
	assert_int_equal(buf[1], 0);
	wire_write(&w, "abc", 3);
	wire_patch_u16(&w, at, (uint16_t)(wire_offset(&w) - at - 2));
	wire_write_u32(&w, 0);
	wire_patch_u32(&w, 5, 0x12345678u);
	assert_int_equal(w.error, 0);
	assert_int_equal(wire_offset(&w), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

/* A patch may rewrite only bytes already written, up to the last of them. */
static void test_patch_bounds(void **state)
{
	uint8_t buf[8];
	struct wire w;

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	wire_init(&w, buf, sizeof(buf));
	wire_write_u32(&w, 0);
	wire_patch_u16(&w, 2, 0x0102); /* the last two bytes written */
	assert_int_equal(w.error, 0);
	assert_int_equal(buf[2], 0x01);
	assert_int_equal(buf[3], 0x02);
	wire_patch_u16(&w, 3, 0xabcd); /* one byte past what is written, inside the buffer */
	assert_int_equal(w.error, -EMSGSIZE);
	assert_int_equal(buf[3], 0x02);
	assert_int_equal(buf[4], 0xee);

	wire_init(&w, buf, sizeof(buf));
	wire_write_u16(&w, 0);
	wire_patch_u32(&w, 0, 0xaabbccddu);
	assert_int_equal(w.error, -EMSGSIZE);
	assert_int_equal(buf[2], 0x01);

	/* an offset near SIZE_MAX must not wrap around into the buffer */
	wire_init(&w, buf, sizeof(buf));
	wire_write_u32(&w, 0);
	wire_patch_u16(&w, SIZE_MAX, 0xffff);
	assert_int_equal(w.error, -EMSGSIZE);
	wire_init(&w, buf, sizeof(buf));
	wire_write_u32(&w, 0);
	wire_patch_u16(&w, SIZE_MAX - 1, 0xffff);
	assert_int_equal(w.error, -EMSGSIZE);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(buf[i], 0);
}

/* After an error, reserving fails at the end and no patch lands, even one that would fit. */
static void test_patch_after_error(void **state)
{
	uint8_t buf[3];
	struct wire w;
	size_t at;

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	wire_init(&w, buf, sizeof(buf));
	at = wire_reserve_u16(&w);
	assert_int_equal(wire_reserve_u16(&w), 2); /* 1 byte left: nothing written */
	assert_int_equal(w.error, -EMSGSIZE);
	assert_int_equal(wire_offset(&w), 2);
	assert_int_equal(buf[2], 0xee);
	wire_patch_u16(&w, at, 0x0102);
	assert_int_equal(buf[0], 0);
	assert_int_equal(buf[1], 0);
	assert_int_equal(w.error, -EMSGSIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_big_endian),
		cmocka_unit_test(test_read_bytes),
		cmocka_unit_test(test_write_big_endian),
		cmocka_unit_test(test_fixed_position_helpers),
		cmocka_unit_test(test_read_past_end),
		cmocka_unit_test(test_error_is_sticky),
		cmocka_unit_test(test_available_after_error),
		cmocka_unit_test(test_write_past_end),
		cmocka_unit_test(test_seek_bounds),
		cmocka_unit_test(test_skip_bounds),
		cmocka_unit_test(test_can),
		cmocka_unit_test(test_reserve_and_patch),
		cmocka_unit_test(test_patch_bounds),
		cmocka_unit_test(test_patch_after_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
