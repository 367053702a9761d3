/* test_hash.c - SipHash-2-4 against the reference vectors of the paper. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "hash.h"

static void
test_reference_vectors(void **state)
{
	/* key 00 01 .. 0f; message 00 01 .. (len-1) */
	struct hash_key key = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL };
	uint8_t msg[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	assert_true(hash_bytes(&key, msg, 0) == 0x726fdb47dd0e0e31ULL);
	assert_true(hash_bytes(&key, msg, 1) == 0x74f839c593dc67fdULL);
	assert_true(hash_bytes(&key, msg, 8) == 0x93f5f5799a932462ULL);
	assert_true(hash_bytes(&key, msg, 15) == 0xa129ca6149be45e5ULL);
	assert_true(hash_bytes(&key, msg, 63) == 0x958a324ceb064572ULL);
}

static void
test_random_key_differs(void **state)
{
	struct hash_key a, b;

	(void)state;
	hash_key_random(&a);
	hash_key_random(&b);
	assert_false(a.k0 == b.k0 && a.k1 == b.k1);
	assert_false(hash_bytes(&a, "x", 1) == hash_bytes(&b, "x", 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_vectors),
		cmocka_unit_test(test_random_key_differs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
