/* test_cursor.c - the bounded reader: sticky errors, sub-cursors, varints. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cursor.h"

static void
test_reads_and_sticky_error(void **state)
{
	static const uint8_t b[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07 };
	struct cur c;

	(void)state;
	cur_init(&c, b, sizeof(b));
	assert_int_equal(cur_u8(&c), 0x01);
	assert_int_equal(cur_u16(&c), 0x0203);
	assert_int_equal(cur_u32(&c), 0x04050607);
	assert_true(cur_ok(&c));
	assert_int_equal(cur_left(&c), 0);
	assert_int_equal(cur_u8(&c), 0);
	assert_false(cur_ok(&c));
	/* sticky: later reads do nothing, even ones that would fit */
	cur_init(&c, b, sizeof(b));
	assert_int_equal(cur_u32(&c), 0x01020304);
	assert_int_equal(cur_u32(&c), 0);
	assert_false(cur_ok(&c));
	assert_int_equal(cur_off(&c), 4);
	assert_int_equal(cur_u8(&c), 0);
	assert_null(cur_take(&c, 0));
}

static void
test_u24_le_and_copy(void **state)
{
	static const uint8_t b[] = { 0xaa, 0xbb, 0xcc, 0x34, 0x12, 0x78, 0x56,
	    0x34, 0x12 };
	uint8_t out[2] = { 0, 0 };
	struct cur c;

	(void)state;
	cur_init(&c, b, sizeof(b));
	assert_int_equal(cur_u24(&c), 0xaabbcc);
	assert_int_equal(cur_u16le(&c), 0x1234);
	assert_int_equal(cur_u32le(&c), 0x12345678);
	assert_int_equal(cur_copy(&c, out, 2), -1);
	assert_int_equal(out[0], 0);
}

static void
test_sub_and_vec(void **state)
{
	/* vector of 3 bytes, then a trailing byte; then a vector too long */
	static const uint8_t b[] = { 0x00, 0x03, 0x11, 0x22, 0x33, 0x44 };
	static const uint8_t bad[] = { 0x05, 0x11, 0x22 };
	struct cur c, s;

	(void)state;
	cur_init(&c, b, sizeof(b));
	s = cur_vec(&c, 2);
	assert_true(cur_ok(&s));
	assert_int_equal(cur_left(&s), 3);
	assert_int_equal(cur_u16(&s), 0x1122);
	assert_int_equal(cur_u16(&s), 0);	/* cannot read the neighbour */
	assert_false(cur_ok(&s));
	assert_true(cur_ok(&c));
	assert_int_equal(cur_u8(&c), 0x44);

	cur_init(&c, bad, sizeof(bad));
	s = cur_vec(&c, 1);
	assert_false(cur_ok(&s));
	assert_false(cur_ok(&c));
	assert_int_equal(cur_left(&s), 0);
}

static void
test_varint(void **state)
{
	/* RFC 9000 appendix A.1 examples */
	static const uint8_t v8[] = { 0xc2, 0x19, 0x7c, 0x5e, 0xff, 0x14,
	    0xe8, 0x8c };
	static const uint8_t v4[] = { 0x9d, 0x7f, 0x3e, 0x7d };
	static const uint8_t v2[] = { 0x7b, 0xbd };
	static const uint8_t v1[] = { 0x25 };
	static const uint8_t shortv[] = { 0x9d, 0x7f };
	struct cur c;

	(void)state;
	cur_init(&c, v8, sizeof(v8));
	assert_true(cur_varint(&c) == 151288809941952652ULL);
	cur_init(&c, v4, sizeof(v4));
	assert_int_equal(cur_varint(&c), 494878333);
	cur_init(&c, v2, sizeof(v2));
	assert_int_equal(cur_varint(&c), 15293);
	cur_init(&c, v1, sizeof(v1));
	assert_int_equal(cur_varint(&c), 37);
	cur_init(&c, shortv, sizeof(shortv));
	assert_int_equal(cur_varint(&c), 0);
	assert_false(cur_ok(&c));
	cur_init(&c, NULL, 0);
	assert_int_equal(cur_varint(&c), 0);
	assert_false(cur_ok(&c));
}

static void
test_at(void **state)
{
	static const uint8_t b[] = { 1, 2, 3 };
	struct cur c, a;

	(void)state;
	cur_init(&c, b, sizeof(b));
	cur_skip(&c, 3);
	a = cur_at(&c, 1);
	assert_true(cur_ok(&a));
	assert_int_equal(cur_u8(&a), 2);
	a = cur_at(&c, 3);
	assert_true(cur_ok(&a));
	assert_int_equal(cur_left(&a), 0);
	a = cur_at(&c, 4);
	assert_false(cur_ok(&a));
}

static void
test_truncation_every_offset(void **state)
{
	/* a nested structure read at every truncation: never past the end */
	static const uint8_t b[] = { 0x00, 0x06, 0x01, 0x00, 0x02, 0xab, 0xcd,
	    0xee, 0x09 };
	size_t cut;

	(void)state;
	for (cut = 0; cut <= sizeof(b); cut++) {
		struct cur c, s, t;

		cur_init(&c, b, cut);
		s = cur_vec(&c, 2);
		(void)cur_u8(&s);
		t = cur_vec(&s, 2);
		(void)cur_u16(&t);
		(void)cur_u8(&c);
		if (cut == sizeof(b)) {
			assert_true(cur_ok(&c) && cur_ok(&s) && cur_ok(&t));
		} else {
			assert_false(cur_ok(&c) && cur_ok(&s) && cur_ok(&t));
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_and_sticky_error),
		cmocka_unit_test(test_u24_le_and_copy),
		cmocka_unit_test(test_sub_and_vec),
		cmocka_unit_test(test_varint),
		cmocka_unit_test(test_at),
		cmocka_unit_test(test_truncation_every_offset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
