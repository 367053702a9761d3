/*
 * reasm.c - bounded stream-start reassembly.  See reasm.h.
 *
 * Each buffer keeps a sorted list of disjoint filled ranges.  Adding a
 * segment copies only the bytes not already filled, then merges ranges.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ilist.h"
#include "reasm.h"

struct reasm_range {
	uint32_t	start, end;	/* [start, end) */
};

struct reasm_buf {
	struct reasm_range	r[REASM_MAX_RANGES];
	uint8_t			nr;
	uint8_t			used;
	struct ilink		held;		/* in-use list, oldest first */
	uint64_t		since_us;
	void			*owner;
};

struct reasm_pool {
	uint8_t			*data;
	struct reasm_buf	*bufs;
	uint32_t		*free_list;
	size_t			 n, nfree, bufsize;
	struct ilist		 held;
	struct iarray		 arr;
	struct reasm_pool_stats	 st;
};

struct reasm_pool *
reasm_pool_create(size_t nbufs, size_t bufsize)
{
	struct reasm_pool *rp;
	size_t i;

	if (nbufs == 0 || nbufs >= REASM_NONE || bufsize == 0 ||
	    bufsize > UINT32_MAX / 2)
		return NULL;
	if ((rp = calloc(1, sizeof(*rp))) == NULL)
		return NULL;
	rp->n = nbufs;
	rp->bufsize = bufsize;
	rp->data = malloc(nbufs * bufsize);
	rp->bufs = calloc(nbufs, sizeof(*rp->bufs));
	rp->free_list = malloc(nbufs * sizeof(*rp->free_list));
	if (rp->data == NULL || rp->bufs == NULL || rp->free_list == NULL) {
		reasm_pool_destroy(rp);
		return NULL;
	}
	for (i = 0; i < nbufs; i++)
		rp->free_list[i] = (uint32_t)(nbufs - 1 - i);
	rp->nfree = nbufs;
	rp->st.size = nbufs;
	ilist_init(&rp->held);
	rp->arr = (struct iarray){ rp->bufs, sizeof(*rp->bufs),
	    offsetof(struct reasm_buf, held), 0 /* no hash chains */ };
	return rp;
}

void
reasm_pool_destroy(struct reasm_pool *rp)
{
	if (rp == NULL)
		return;
	free(rp->data);
	free(rp->bufs);
	free(rp->free_list);
	free(rp);
}

uint32_t
reasm_get(struct reasm_pool *rp, uint64_t now_us, void *owner,
    void **reclaimed_from)
{
	struct reasm_buf *b;
	uint32_t idx;

	*reclaimed_from = NULL;
	if (rp->nfree > 0) {
		idx = rp->free_list[--rp->nfree];
		rp->st.in_use++;
	} else {
		idx = rp->held.head;
		if (idx == ILIST_NONE ||
		    now_us < rp->bufs[idx].since_us + REASM_RECLAIM_US) {
			rp->st.empty++;
			return REASM_NONE;
		}
		*reclaimed_from = rp->bufs[idx].owner;
		ilist_unlink(&rp->held, &rp->arr, idx);
		rp->st.reclaimed++;
	}
	b = &rp->bufs[idx];
	memset(b, 0, sizeof(*b));
	b->used = 1;
	b->since_us = now_us;
	b->owner = owner;
	ilist_append(&rp->held, &rp->arr, idx);
	return idx;
}

void
reasm_put(struct reasm_pool *rp, uint32_t idx)
{
	if (idx >= rp->n || !rp->bufs[idx].used)
		return;
	rp->bufs[idx].used = 0;
	ilist_unlink(&rp->held, &rp->arr, idx);
	rp->free_list[rp->nfree++] = idx;
	rp->st.in_use--;
}

enum reasm_status
reasm_add(struct reasm_pool *rp, uint32_t idx, uint64_t off,
    const uint8_t *p, size_t len)
{
	struct reasm_buf *b;
	uint8_t *data;
	enum reasm_status rc = REASM_OK;
	uint32_t s, e, cur;
	struct reasm_range merged[REASM_MAX_RANGES + 1];
	size_t i, n = 0;
	int placed = 0;

	if (idx >= rp->n || !rp->bufs[idx].used)
		return REASM_OK;
	b = &rp->bufs[idx];
	data = rp->data + (size_t)idx * rp->bufsize;
	if (len == 0)
		return REASM_OK;
	if (off >= rp->bufsize)
		return REASM_BEYOND;
	if (len > rp->bufsize - off) {
		len = (size_t)(rp->bufsize - off);
		rc = REASM_BEYOND;
	}
	s = (uint32_t)off;
	e = (uint32_t)(off + len);

	/* Copy the parts of [s, e) not covered by existing ranges. */
	cur = s;
	for (i = 0; i < b->nr && cur < e; i++) {
		if (b->r[i].end <= cur)
			continue;
		if (b->r[i].start >= e)
			break;
		if (b->r[i].start > cur)
			memcpy(data + cur, p + (cur - s), b->r[i].start - cur);
		cur = b->r[i].end;
	}
	if (cur < e)
		memcpy(data + cur, p + (cur - s), e - cur);

	/* Merge [s, e) into the sorted range list. */
	for (i = 0; i < b->nr; i++) {
		struct reasm_range r = b->r[i];

		if (r.end < s) {
			merged[n++] = r;
		} else if (r.start > e) {
			if (!placed) {
				merged[n++] = (struct reasm_range){ s, e };
				placed = 1;
			}
			merged[n++] = r;
		} else {
			if (r.start < s)
				s = r.start;
			if (r.end > e)
				e = r.end;
		}
	}
	if (!placed)
		merged[n++] = (struct reasm_range){ s, e };
	if (n > REASM_MAX_RANGES)
		return REASM_TOO_SCATTERED;
	memcpy(b->r, merged, n * sizeof(*merged));
	b->nr = (uint8_t)n;
	return rc;
}

const uint8_t *
reasm_data(const struct reasm_pool *rp, uint32_t idx, size_t *contig)
{
	const struct reasm_buf *b;

	*contig = 0;
	if (idx >= rp->n || !rp->bufs[idx].used)
		return NULL;
	b = &rp->bufs[idx];
	if (b->nr > 0 && b->r[0].start == 0)
		*contig = b->r[0].end;
	return rp->data + (size_t)idx * rp->bufsize;
}

int
reasm_range(const struct reasm_pool *rp, uint32_t idx, size_t i,
    size_t *start, size_t *end)
{
	const struct reasm_buf *b;

	if (idx >= rp->n || !rp->bufs[idx].used || i >= rp->bufs[idx].nr)
		return 0;
	b = &rp->bufs[idx];
	*start = b->r[i].start;
	*end = b->r[i].end;
	return 1;
}

uint8_t *
reasm_raw(struct reasm_pool *rp, uint32_t idx)
{
	if (idx >= rp->n || !rp->bufs[idx].used)
		return NULL;
	return rp->data + (size_t)idx * rp->bufsize;
}

uint64_t
reasm_extent(const struct reasm_pool *rp, uint32_t idx)
{
	const struct reasm_buf *b;

	if (idx >= rp->n || !rp->bufs[idx].used)
		return 0;
	b = &rp->bufs[idx];
	return b->nr > 0 ? b->r[b->nr - 1].end : 0;
}

size_t
reasm_bufsize(const struct reasm_pool *rp)
{
	return rp->bufsize;
}

const struct reasm_pool_stats *
reasm_pool_stats(const struct reasm_pool *rp)
{
	return &rp->st;
}
