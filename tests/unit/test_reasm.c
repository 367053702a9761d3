/*
 * test_reasm.c - bounded stream-start reassembly against reasm.h: in order,
 * out of order, overlaps and retransmissions (the first copy of a byte
 * wins), bytes past the buffer, too many holes, pool exhaustion and buffer
 * reuse; then a seeded random comparison with a byte-by-byte model.
 *
 * The real case is the ClientHello of the lab capture
 * curl__demo-beacon.workers.dev.pcap (frame 6): its first 64 bytes, cut
 * into segments the way a client splitting it would send them.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "defaults.h"
#include "reasm.h"

/* curl__demo-beacon.workers.dev.pcap frame 6, TCP payload bytes 0-63: the
 * TLS record carrying the ClientHello (record header, handshake header,
 * version, random, session id length and the start of the session id). */
static const uint8_t client_hello[64] = {
	0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0x25,
	0xc2, 0xf5, 0xf4, 0xbf, 0x94, 0x39, 0x2c, 0x40, 0x85, 0xae, 0xe0, 0xbb,
	0x6f, 0xf7, 0x1e, 0xe8, 0x14, 0x53, 0xfc, 0x4d, 0x3d, 0xda, 0x1e, 0xb0,
	0x77, 0x2a, 0x07, 0x44, 0xa8, 0xb2, 0x66, 0x20, 0x01, 0xad, 0x91, 0x63,
	0x81, 0xac, 0xd5, 0x4f, 0x8d, 0xde, 0x00, 0xbd, 0xff, 0x31, 0xbf, 0x2b,
	0xbd, 0xd0, 0x68, 0x9a,
};

/* Receives the previous owner of a reclaimed buffer. */
static void *victim;

static struct reasm_pool *
pool_new(size_t nbufs, size_t bufsize)
{
	struct reasm_pool *rp = reasm_pool_create(nbufs, bufsize);

	assert_non_null(rp);
	return rp;
}

static size_t
contig_of(const struct reasm_pool *rp, uint32_t idx)
{
	size_t n;

	(void)reasm_data(rp, idx, &n);
	return n;
}

static void
test_in_order(void **state)
{
	struct reasm_pool *rp = pool_new(2, 256);
	const uint8_t *d;
	uint32_t idx;
	size_t n;

	(void)state;
	idx = reasm_get(rp, 0, NULL, &victim);
	assert_int_not_equal(idx, REASM_NONE);
	assert_int_equal(contig_of(rp, idx), 0);
	assert_int_equal(reasm_extent(rp, idx), 0);
	assert_int_equal(reasm_add(rp, idx, 0, client_hello, 5), REASM_OK);
	assert_int_equal(reasm_add(rp, idx, 5, client_hello + 5, 20), REASM_OK);
	assert_int_equal(reasm_add(rp, idx, 25, client_hello + 25, 39),
	    REASM_OK);
	d = reasm_data(rp, idx, &n);
	assert_int_equal(n, 64);
	assert_memory_equal(d, client_hello, 64);
	assert_int_equal(reasm_extent(rp, idx), 64);
	assert_int_equal(reasm_bufsize(rp), 256);
	reasm_pool_destroy(rp);
}

static void
test_out_of_order(void **state)
{
	struct reasm_pool *rp = pool_new(1, 256);
	const uint8_t *d;
	uint32_t idx = reasm_get(rp, 0, NULL, &victim);
	size_t n;

	(void)state;
	/* the last segment first: a gap, not "nothing yet" */
	assert_int_equal(reasm_add(rp, idx, 40, client_hello + 40, 24),
	    REASM_OK);
	assert_int_equal(contig_of(rp, idx), 0);
	assert_int_equal(reasm_extent(rp, idx), 64);
	assert_int_equal(reasm_add(rp, idx, 0, client_hello, 16), REASM_OK);
	assert_int_equal(contig_of(rp, idx), 16);
	assert_int_equal(reasm_extent(rp, idx), 64);
	assert_int_equal(reasm_add(rp, idx, 16, client_hello + 16, 24),
	    REASM_OK);
	d = reasm_data(rp, idx, &n);
	assert_int_equal(n, 64);
	assert_memory_equal(d, client_hello, 64);
	reasm_pool_destroy(rp);
}

static void
test_overlap_first_copy_wins(void **state)
{
	struct reasm_pool *rp = pool_new(1, 64);
	uint8_t a[16], b[16], c[16];
	const uint8_t *d;
	uint32_t idx = reasm_get(rp, 0, NULL, &victim);
	size_t n;

	(void)state;
	memset(a, 'A', sizeof(a));
	memset(b, 'B', sizeof(b));
	memset(c, 'C', sizeof(c));
	/* A at 0-4, then B at 3-7 */
	assert_int_equal(reasm_add(rp, idx, 0, a, 5), REASM_OK);
	assert_int_equal(reasm_add(rp, idx, 3, b, 5), REASM_OK);
	d = reasm_data(rp, idx, &n);
	assert_int_equal(n, 8);
	assert_memory_equal(d, "AAAAABBB", 8);
	/* a full retransmission with other bytes changes nothing */
	assert_int_equal(reasm_add(rp, idx, 0, c, 8), REASM_OK);
	d = reasm_data(rp, idx, &n);
	assert_int_equal(n, 8);
	assert_memory_equal(d, "AAAAABBB", 8);
	/* A at 12-13, then C at 6-15 over both ranges: only the holes are
	 * filled */
	assert_int_equal(reasm_add(rp, idx, 12, a, 2), REASM_OK);
	assert_int_equal(reasm_add(rp, idx, 6, c, 10), REASM_OK);
	d = reasm_data(rp, idx, &n);
	assert_int_equal(n, 16);
	assert_memory_equal(d, "AAAAABBBCCCCAACC", 16);
	assert_int_equal(reasm_extent(rp, idx), 16);
	/* a segment inside what is there */
	assert_int_equal(reasm_add(rp, idx, 2, c, 3), REASM_OK);
	d = reasm_data(rp, idx, &n);
	assert_memory_equal(d, "AAAAABBBCCCCAACC", 16);
	/* adjacent, not overlapping: merged */
	assert_int_equal(reasm_add(rp, idx, 16, b, 1), REASM_OK);
	assert_int_equal(contig_of(rp, idx), 17);
	/* zero bytes: accepted, nothing changes */
	assert_int_equal(reasm_add(rp, idx, 40, c, 0), REASM_OK);
	assert_int_equal(reasm_extent(rp, idx), 17);
	reasm_pool_destroy(rp);
}

static void
test_beyond_buffer(void **state)
{
	struct reasm_pool *rp = pool_new(1, 32);
	const uint8_t *d;
	uint32_t idx = reasm_get(rp, 0, NULL, &victim);
	size_t n;

	(void)state;
	assert_int_equal(reasm_add(rp, idx, 0, client_hello, 20), REASM_OK);
	/* 20-39 of a 32-byte buffer: 12 bytes kept */
	assert_int_equal(reasm_add(rp, idx, 20, client_hello + 20, 20),
	    REASM_BEYOND);
	d = reasm_data(rp, idx, &n);
	assert_int_equal(n, 32);
	assert_memory_equal(d, client_hello, 32);
	assert_int_equal(reasm_extent(rp, idx), 32);
	/* wholly past it */
	assert_int_equal(reasm_add(rp, idx, 32, client_hello, 1), REASM_BEYOND);
	assert_int_equal(reasm_add(rp, idx, 1000000, client_hello, 64),
	    REASM_BEYOND);
	assert_int_equal(reasm_add(rp, idx, UINT64_MAX, client_hello, 64),
	    REASM_BEYOND);
	assert_int_equal(reasm_add(rp, idx, UINT64_MAX - 10, client_hello, 64),
	    REASM_BEYOND);
	assert_int_equal(reasm_extent(rp, idx), 32);
	/* exactly to the end is not beyond */
	reasm_put(rp, idx);
	idx = reasm_get(rp, 0, NULL, &victim);
	assert_int_equal(reasm_add(rp, idx, 16, client_hello, 16), REASM_OK);
	assert_int_equal(reasm_extent(rp, idx), 32);
	reasm_pool_destroy(rp);
}

static void
test_too_scattered(void **state)
{
	struct reasm_pool *rp = pool_new(1, 1024);
	const uint8_t *d;
	uint32_t idx = reasm_get(rp, 0, NULL, &victim);
	size_t n;
	int i;

	(void)state;
	/* REASM_MAX_RANGES separate one-byte ranges at 10, 20, ... */
	for (i = 1; i <= REASM_MAX_RANGES; i++)
		assert_int_equal(reasm_add(rp, idx, (uint64_t)i * 10,
		    client_hello + i, 1), REASM_OK);
	assert_int_equal(reasm_extent(rp, idx), REASM_MAX_RANGES * 10 + 1);
	/* one more separate range: given up, nothing recorded */
	assert_int_equal(reasm_add(rp, idx, 500, client_hello, 4),
	    REASM_TOO_SCATTERED);
	assert_int_equal(reasm_extent(rp, idx), REASM_MAX_RANGES * 10 + 1);
	assert_int_equal(reasm_add(rp, idx, 0, client_hello, 4),
	    REASM_TOO_SCATTERED);
	assert_int_equal(contig_of(rp, idx), 0);
	/* a segment joining two ranges (fewer ranges) is still taken, and so
	 * is one extending a range */
	assert_int_equal(reasm_add(rp, idx, 10, client_hello, 11), REASM_OK);
	assert_int_equal(reasm_add(rp, idx, 161, client_hello, 3), REASM_OK);
	assert_int_equal(reasm_extent(rp, idx), 164);
	/* now there is room for one separate range again */
	assert_int_equal(reasm_add(rp, idx, 0, client_hello, 4), REASM_OK);
	d = reasm_data(rp, idx, &n);
	assert_int_equal(n, 4);
	assert_memory_equal(d, client_hello, 4);
	assert_int_equal(reasm_add(rp, idx, 600, client_hello, 4),
	    REASM_TOO_SCATTERED);
	/* filling everything from 0 leaves one range */
	{
		uint8_t fill[200];

		memset(fill, 0x5a, sizeof(fill));
		assert_int_equal(reasm_add(rp, idx, 0, fill, sizeof(fill)),
		    REASM_OK);
		d = reasm_data(rp, idx, &n);
		assert_int_equal(n, 200);
		/* what was there first was kept */
		assert_memory_equal(d, client_hello, 4);
		assert_int_equal(d[10], client_hello[1]);
		assert_int_equal(d[11], client_hello[1]);
		assert_int_equal(d[30], client_hello[3]);
		assert_int_equal(d[5], 0x5a);
	}
	assert_int_equal(reasm_add(rp, idx, 600, client_hello, 4), REASM_OK);
	reasm_pool_destroy(rp);
}

static void
test_pool_exhaustion_and_reuse(void **state)
{
	struct reasm_pool *rp = pool_new(2, 64);
	const struct reasm_pool_stats *st = reasm_pool_stats(rp);
	uint32_t a, b, c;

	(void)state;
	assert_int_equal(st->size, 2);
	a = reasm_get(rp, 0, NULL, &victim);
	b = reasm_get(rp, 0, NULL, &victim);
	assert_int_not_equal(a, REASM_NONE);
	assert_int_not_equal(b, REASM_NONE);
	assert_int_not_equal(a, b);
	assert_int_equal(st->in_use, 2);
	assert_int_equal(reasm_get(rp, 0, NULL, &victim), REASM_NONE);
	assert_int_equal(reasm_get(rp, 0, NULL, &victim), REASM_NONE);
	assert_int_equal(st->empty, 2);

	assert_int_equal(reasm_add(rp, a, 0, client_hello, 64), REASM_OK);
	assert_int_equal(reasm_add(rp, b, 0, client_hello + 1, 8), REASM_OK);
	/* a buffer comes back empty */
	reasm_put(rp, a);
	assert_int_equal(st->in_use, 1);
	c = reasm_get(rp, 0, NULL, &victim);
	assert_int_equal(c, a);
	assert_int_equal(contig_of(rp, c), 0);
	assert_int_equal(reasm_extent(rp, c), 0);
	/* and the other was not touched */
	assert_int_equal(contig_of(rp, b), 8);

	/* double put and bad indexes are ignored */
	reasm_put(rp, c);
	reasm_put(rp, c);
	reasm_put(rp, 7);
	reasm_put(rp, REASM_NONE);
	assert_int_equal(st->in_use, 1);
	a = reasm_get(rp, 0, NULL, &victim);
	assert_int_not_equal(a, REASM_NONE);
	assert_int_equal(reasm_get(rp, 0, NULL, &victim), REASM_NONE);
	assert_int_equal(st->in_use, 2);

	/* a buffer not in use: nothing added, no data */
	reasm_put(rp, b);
	assert_int_equal(reasm_add(rp, b, 0, client_hello, 4), REASM_OK);
	assert_null(reasm_data(rp, b, &(size_t){ 0 }));
	assert_int_equal(reasm_extent(rp, b), 0);
	assert_int_equal(reasm_add(rp, REASM_NONE, 0, client_hello, 4),
	    REASM_OK);
	reasm_pool_destroy(rp);
}

static void
test_reclaim_oldest_after_timeout(void **state)
{
	struct reasm_pool *rp = pool_new(2, 64);
	const struct reasm_pool_stats *st = reasm_pool_stats(rp);
	int owner_a, owner_b, owner_c, owner_d;
	uint32_t a, b, c, d;

	(void)state;
	a = reasm_get(rp, 1000000, &owner_a, &victim);
	assert_null(victim);
	b = reasm_get(rp, 2000000, &owner_b, &victim);
	assert_null(victim);
	assert_int_equal(reasm_add(rp, a, 0, client_hello, 16), REASM_OK);
	/* both held for less than the reclaim time: nothing to give */
	c = reasm_get(rp, 1000000 + REASM_RECLAIM_US - 1, &owner_c, &victim);
	assert_int_equal(c, REASM_NONE);
	assert_null(victim);
	assert_int_equal(st->empty, 1);
	/* the oldest (a) comes back, empty, for its new owner */
	c = reasm_get(rp, 1000000 + REASM_RECLAIM_US, &owner_c, &victim);
	assert_int_equal(c, a);
	assert_ptr_equal(victim, &owner_a);
	assert_int_equal(contig_of(rp, c), 0);
	assert_int_equal(st->reclaimed, 1);
	assert_int_equal(st->in_use, 2);
	/* the next oldest is b, not the buffer just handed out */
	d = reasm_get(rp, 2000000 + REASM_RECLAIM_US, &owner_d, &victim);
	assert_int_equal(d, b);
	assert_ptr_equal(victim, &owner_b);
	/* a put buffer leaves the held list: the free one is used first */
	reasm_put(rp, c);
	assert_int_equal(reasm_get(rp, 99000000, &owner_a, &victim), c);
	assert_null(victim);
	reasm_pool_destroy(rp);
}

static void
test_create_limits(void **state)
{
	(void)state;
	assert_null(reasm_pool_create(0, 64));
	assert_null(reasm_pool_create(4, 0));
	reasm_pool_destroy(NULL);
}

/* ---- random segments against a model ------------------------------------- */

struct model {
	uint8_t		data[512];
	uint8_t		have[512];
};

static int
model_ranges(const struct model *m, size_t size)
{
	size_t i;
	int n = 0;

	for (i = 0; i < size; i++)
		if (m->have[i] && (i == 0 || !m->have[i - 1]))
			n++;
	return n;
}

static uint32_t rng_state = 2463534242u;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/*
 * Random segments (random offsets, lengths, contents; many overlapping,
 * some past the end) against a model that keeps the first byte written at
 * each offset; the status, the contiguous prefix, the extent and every byte
 * of the prefix must match.
 */
static void
test_random_against_model(void **state)
{
	enum { SIZE = 512 };
	struct reasm_pool *rp = pool_new(1, SIZE);
	struct model m, save;
	uint8_t seg[128];
	int round, step;

	(void)state;
	for (round = 0; round < 300; round++) {
		uint32_t idx = reasm_get(rp, 0, NULL, &victim);

		assert_int_not_equal(idx, REASM_NONE);
		memset(&m, 0, sizeof(m));
		for (step = 0; step < 60; step++) {
			uint64_t off = rng() % (SIZE + 64);
			size_t len = rng() % sizeof(seg), i, contig, extent;
			enum reasm_status want = REASM_OK, got;
			const uint8_t *d;

			if (rng() % 4 == 0)
				off = rng() % 48;	/* near the start */
			for (i = 0; i < len; i++)
				seg[i] = (uint8_t)rng();
			save = m;
			for (i = 0; i < len; i++) {
				if (off + i >= SIZE) {
					want = REASM_BEYOND;
					break;
				}
				if (!m.have[off + i]) {
					m.have[off + i] = 1;
					m.data[off + i] = seg[i];
				}
			}
			if (model_ranges(&m, SIZE) > REASM_MAX_RANGES) {
				m = save;
				want = REASM_TOO_SCATTERED;
			}
			got = reasm_add(rp, idx, off, seg, len);
			assert_int_equal(got, want);
			for (contig = 0; contig < SIZE && m.have[contig];
			    contig++)
				;
			for (extent = SIZE; extent > 0 && !m.have[extent - 1];
			    extent--)
				;
			d = reasm_data(rp, idx, &i);
			assert_int_equal(i, contig);
			assert_memory_equal(d, m.data, contig);
			assert_int_equal(reasm_extent(rp, idx), extent);
		}
		reasm_put(rp, idx);
	}
	reasm_pool_destroy(rp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_overlap_first_copy_wins),
		cmocka_unit_test(test_beyond_buffer),
		cmocka_unit_test(test_too_scattered),
		cmocka_unit_test(test_pool_exhaustion_and_reuse),
		cmocka_unit_test(test_reclaim_oldest_after_timeout),
		cmocka_unit_test(test_create_limits),
		cmocka_unit_test(test_random_against_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
