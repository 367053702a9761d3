/*
 * hash.c - SipHash-2-4.  See hash.h.
 */
#include "config.h"

#include <sys/random.h>
#include <sys/types.h>
#include <endian.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"

#define ROTL(x, b)	(uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND(v0, v1, v2, v3) do {					\
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);	\
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;				\
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;				\
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);	\
} while (0)

static uint64_t
load_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

uint64_t
hash_bytes(const struct hash_key *key, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t v0 = 0x736f6d6570736575ULL ^ key->k0;
	uint64_t v1 = 0x646f72616e646f6dULL ^ key->k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ key->k0;
	uint64_t v3 = 0x7465646279746573ULL ^ key->k1;
	uint64_t m, b = (uint64_t)len << 56;
	size_t i, tail = len & 7;

	for (i = 0; i + 8 <= len; i += 8) {
		m = load_le64(p + i);
		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	while (tail > 0) {
		tail--;
		b |= (uint64_t)p[i + tail] << (8 * tail);
	}
	v3 ^= b;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

int
hash_key_random(struct hash_key *key)
{
	uint8_t buf[16];

	if (getrandom(buf, sizeof(buf), GRND_NONBLOCK) == (ssize_t)sizeof(buf)) {
		key->k0 = load_le64(buf);
		key->k1 = load_le64(buf + 8);
		return 0;
	}
	key->k0 = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ULL;
	key->k1 = (uint64_t)getpid() * 0xc2b2ae3d27d4eb4fULL ^ (uint64_t)clock();
	return -1;
}
