/*
 * reasm.h - bounded reassembly of the start of a byte stream.
 *
 * A name often does not fit in one packet: a ClientHello with a
 * post-quantum key share spans two TCP segments; Chrome scatters its QUIC
 * CRYPTO frames over several Initials; an HTTP request's headers can be
 * split.  One mechanism serves all of them: bytes arrive with a stream
 * offset (TCP sequence number minus the initial one, or a CRYPTO frame
 * offset), land in a fixed-size buffer, and the caller parses the contiguous
 * prefix.  Segments may arrive out of order, repeat or overlap: the first
 * copy of a byte wins.  Data past the buffer's size is dropped and flagged;
 * a segment that would need more than REASM_MAX_RANGES separate holes makes
 * the stream give up (counted by the caller).
 *
 * Buffers come from a fixed pool created at start-up; no allocation happens
 * per packet.  A name arrives within a few round trips or not at all, so
 * when the pool is empty the buffer held longest is taken back from its
 * owner once it has been held REASM_RECLAIM_US (counted): a flood of
 * half-sent first flights cannot keep new flows from being named.
 */
#ifndef FAASWATCH_REASM_H
#define FAASWATCH_REASM_H

#include <stddef.h>
#include <stdint.h>

#define REASM_NONE		UINT32_MAX
#define REASM_MAX_RANGES	16
#define REASM_RECLAIM_US	5000000		/* 5 s */

enum reasm_status {
	REASM_OK,		/* accepted (possibly nothing new) */
	REASM_BEYOND,		/* some bytes lie past the buffer: dropped */
	REASM_TOO_SCATTERED,	/* too many holes: the stream gave up */
};

struct reasm_pool;

struct reasm_pool_stats {
	uint64_t	size, in_use;
	uint64_t	empty;		/* reasm_get() found no buffer at all */
	uint64_t	reclaimed;	/* taken back from an owner */
};

/* Returns NULL on allocation failure. */
struct reasm_pool	*reasm_pool_create(size_t nbufs, size_t bufsize);
void			 reasm_pool_destroy(struct reasm_pool *);

/*
 * An empty buffer's index for owner (an opaque cookie) at time now_us, or
 * REASM_NONE when every buffer is in use and none has been held for
 * REASM_RECLAIM_US.  When a buffer is taken back, *reclaimed_from is set to
 * its previous owner (else NULL): that owner must forget the index.
 */
uint32_t		 reasm_get(struct reasm_pool *, uint64_t now_us,
			    void *owner, void **reclaimed_from);
void			 reasm_put(struct reasm_pool *, uint32_t idx);

/* Adds len bytes at stream offset off. */
enum reasm_status	 reasm_add(struct reasm_pool *, uint32_t idx,
			    uint64_t off, const uint8_t *p, size_t len);

/* The contiguous bytes from offset 0 (borrowed until the next add or put)
 * and their count. */
const uint8_t		*reasm_data(const struct reasm_pool *, uint32_t idx,
			    size_t *contig);

/* The buffer's bytes for a caller that manages them itself (a message
 * assembler): reasm_bufsize() bytes, borrowed while the buffer is held;
 * the range bookkeeping is then not used. */
uint8_t			*reasm_raw(struct reasm_pool *, uint32_t idx);

/* The i-th filled range [*start, *end) of the buffer, in offset order;
 * returns 0 when there is no such range. */
int			 reasm_range(const struct reasm_pool *, uint32_t idx,
			    size_t i, size_t *start, size_t *end);

/* Highest offset + 1 received so far (to tell a gap from "not yet"). */
uint64_t		 reasm_extent(const struct reasm_pool *, uint32_t idx);

size_t			 reasm_bufsize(const struct reasm_pool *);
const struct reasm_pool_stats *reasm_pool_stats(const struct reasm_pool *);

#endif /* FAASWATCH_REASM_H */
