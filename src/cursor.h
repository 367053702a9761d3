/*
 * cursor.h - the one bounded reader for untrusted bytes.
 *
 * Every byte that comes off the wire or out of a feed file is read through a
 * struct cur, in the manner of Knot DNS's wire context.  A cursor holds a base
 * pointer, a length, an offset and a sticky error: the first read that would
 * pass the end sets the error, and every later read returns 0 (or NULL) and
 * leaves the offset alone.  Callers check cur_ok() once per logical unit
 * instead of after every field.
 *
 * Length-prefixed fields are parsed through a sub-cursor (cur_sub()), so a
 * parser can never read into its neighbour.  Lengths are compared against
 * what remains (n > len - off); a pointer past the end is never formed.
 * Integers are assembled from bytes; no packet pointer is cast to a struct.
 *
 * The cursor owns nothing: the bytes are borrowed from the caller.
 */
#ifndef FAASWATCH_CURSOR_H
#define FAASWATCH_CURSOR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cur {
	const uint8_t	*base;
	size_t		 len;
	size_t		 off;
	int		 err;	/* sticky: set by the first short read */
};

static inline void
cur_init(struct cur *c, const uint8_t *p, size_t len)
{
	/* An empty cursor points at a static empty string, never NULL, so
	 * that no read ever adds an offset to a null pointer. */
	c->base = p != NULL ? p : (const uint8_t *)"";
	c->len = p != NULL ? len : 0;
	c->off = 0;
	c->err = 0;
}

/* Bytes left to read; 0 once the cursor is in error. */
static inline size_t
cur_left(const struct cur *c)
{
	return c->err ? 0 : c->len - c->off;
}

static inline int
cur_ok(const struct cur *c)
{
	return !c->err;
}

static inline size_t
cur_off(const struct cur *c)
{
	return c->off;
}

/* Sets the sticky error; returns 0 so parsers can `return cur_fail(c)`. */
static inline int
cur_fail(struct cur *c)
{
	c->err = 1;
	return 0;
}

/* Reserves n bytes: returns a pointer to them and advances, or NULL (and
 * sets the error) if fewer than n remain. */
static inline const uint8_t *
cur_take(struct cur *c, size_t n)
{
	const uint8_t *p;

	if (c->err || n > c->len - c->off) {
		c->err = 1;
		return NULL;
	}
	p = c->base + c->off;
	c->off += n;
	return p;
}

/* Pointer to the next byte without advancing (NULL at the end or on error);
 * valid for cur_left() bytes. */
static inline const uint8_t *
cur_peek(const struct cur *c)
{
	if (c->err || c->off >= c->len)
		return NULL;
	return c->base + c->off;
}

static inline void
cur_skip(struct cur *c, size_t n)
{
	(void)cur_take(c, n);
}

static inline uint8_t
cur_u8(struct cur *c)
{
	const uint8_t *p = cur_take(c, 1);

	return p != NULL ? p[0] : 0;
}

static inline uint16_t
cur_u16(struct cur *c)
{
	const uint8_t *p = cur_take(c, 2);

	return p != NULL ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

static inline uint32_t
cur_u24(struct cur *c)
{
	const uint8_t *p = cur_take(c, 3);

	return p != NULL ? (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]
	    : 0;
}

static inline uint32_t
cur_u32(struct cur *c)
{
	const uint8_t *p = cur_take(c, 4);

	return p != NULL ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3] : 0;
}

static inline uint16_t
cur_u16le(struct cur *c)
{
	const uint8_t *p = cur_take(c, 2);

	return p != NULL ? (uint16_t)(p[1] << 8 | p[0]) : 0;
}

static inline uint32_t
cur_u32le(struct cur *c)
{
	const uint8_t *p = cur_take(c, 4);

	return p != NULL ? (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0] : 0;
}

static inline uint64_t
cur_u64(struct cur *c)
{
	uint64_t hi = cur_u32(c);

	return hi << 32 | cur_u32(c);
}

/* QUIC variable-length integer (RFC 9000, 16). */
static inline uint64_t
cur_varint(struct cur *c)
{
	const uint8_t *p = cur_peek(c);
	size_t n, i;
	uint64_t v;

	if (p == NULL) {
		c->err = 1;
		return 0;
	}
	n = (size_t)1 << (p[0] >> 6);
	if ((p = cur_take(c, n)) == NULL)
		return 0;
	v = p[0] & 0x3f;
	for (i = 1; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Copies n bytes to dst; returns 0, or -1 (dst untouched) on a short read. */
static inline int
cur_copy(struct cur *c, void *dst, size_t n)
{
	const uint8_t *p = cur_take(c, n);

	if (p == NULL)
		return -1;
	if (n > 0)
		memcpy(dst, p, n);
	return 0;
}

/* A sub-cursor over the next n bytes; the parent advances past them.  On a
 * short read both the parent and the returned cursor are in error. */
static inline struct cur
cur_sub(struct cur *c, size_t n)
{
	struct cur s;
	const uint8_t *p = cur_take(c, n);

	cur_init(&s, p, n);
	if (p == NULL)
		s.err = 1;
	return s;
}

/* A sub-cursor over n bytes whose length is read first as a big-endian
 * integer of `width` bytes (1, 2 or 3): the TLS vector idiom. */
static inline struct cur
cur_vec(struct cur *c, int width)
{
	size_t n;

	switch (width) {
	case 1:
		n = cur_u8(c);
		break;
	case 2:
		n = cur_u16(c);
		break;
	default:
		n = cur_u24(c);
		break;
	}
	if (c->err) {
		struct cur s;

		cur_init(&s, NULL, 0);
		s.err = 1;
		return s;
	}
	return cur_sub(c, n);
}

/* A fresh cursor over the same bytes positioned at an absolute offset (DNS
 * compression pointers).  In error if off is past the end. */
static inline struct cur
cur_at(const struct cur *c, size_t off)
{
	struct cur s = *c;

	s.err = 0;
	if (off > c->len)
		s.err = 1;
	else
		s.off = off;
	return s;
}

#endif /* FAASWATCH_CURSOR_H */
