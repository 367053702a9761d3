/*
 * decode_frag.c - IP fragment reassembly for UDP datagrams.  See
 * decode_frag.h.
 *
 * The bytes go into reassembly buffers (reasm.c: ranges, first copy wins);
 * this file keys them, learns the total length from the last fragment, and
 * rebuilds a header when the ranges cover it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "decode_frag.h"
#include "ilist.h"
#include "reasm.h"

#define IP4_HDR		20
#define IP6_HDR		40

struct defrag_entry {
	uint8_t		 src[16], dst[16];
	uint32_t	 id;
	uint8_t		 family, proto, used, pad;
	uint32_t	 total;		/* payload length, 0 until the last
					   fragment is seen */
	uint64_t	 first_us;
	uint32_t	 buf;		/* reassembly buffer */
	uint32_t	 hash, hnext;
	struct ilink	 age;		/* oldest first */
	uint8_t		 hdr4[IP4_HDR];	/* first fragment's IPv4 header */
	uint8_t		 have_hdr;
};

struct defrag {
	struct defrag_entry	*e;
	uint32_t		*buckets;
	uint32_t		 nbuckets, max;
	struct ilist		 age, free;
	struct iarray		 arr;
	struct reasm_pool	*bufs;
	struct hash_key		 key;
	uint8_t			 out[IP6_HDR + DEFRAG_MAX_BYTES];
	struct defrag_stats	 st;
};

struct defrag *
defrag_create(size_t max, const struct hash_key *key)
{
	struct defrag *d;
	uint32_t nb, i;

	if (max == 0 || max > 65536)
		return NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->max = (uint32_t)max;
	for (nb = 1; nb < d->max; nb <<= 1)
		;
	d->nbuckets = nb;
	d->e = calloc(max, sizeof(*d->e));
	d->buckets = malloc(nb * sizeof(*d->buckets));
	d->bufs = reasm_pool_create(max, DEFRAG_MAX_BYTES);
	if (d->e == NULL || d->buckets == NULL || d->bufs == NULL) {
		defrag_destroy(d);
		return NULL;
	}
	for (i = 0; i < nb; i++)
		d->buckets[i] = ILIST_NONE;
	d->arr = (struct iarray){ d->e, sizeof(*d->e),
	    offsetof(struct defrag_entry, age),
	    offsetof(struct defrag_entry, hnext) };
	ilist_init(&d->age);
	ilist_init(&d->free);
	for (i = 0; i < d->max; i++)
		ilist_append(&d->free, &d->arr, i);
	d->key = *key;
	return d;
}

void
defrag_destroy(struct defrag *d)
{
	if (d == NULL)
		return;
	reasm_pool_destroy(d->bufs);
	free(d->e);
	free(d->buckets);
	free(d);
}

const struct defrag_stats *
defrag_stats(const struct defrag *d)
{
	return &d->st;
}

static uint32_t
defrag_hash(const struct defrag *d, const struct packet *pkt)
{
	uint8_t k[16 + 16 + 4 + 2];

	memcpy(k, pkt->src, 16);
	memcpy(k + 16, pkt->dst, 16);
	memcpy(k + 32, &pkt->frag_id, 4);
	k[36] = pkt->family;
	k[37] = pkt->proto;
	return (uint32_t)hash_bytes(&d->key, k, sizeof(k));
}

static void
defrag_drop(struct defrag *d, uint32_t i)
{
	struct defrag_entry *e = &d->e[i];

	ichain_remove(&d->buckets[e->hash & (d->nbuckets - 1)], &d->arr, i);
	ilist_unlink(&d->age, &d->arr, i);
	reasm_put(d->bufs, e->buf);
	e->used = 0;
	ilist_append(&d->free, &d->arr, i);
	d->st.in_progress--;
}

void
defrag_expire(struct defrag *d, uint64_t now_us)
{
	while (d->age.head != ILIST_NONE &&
	    d->e[d->age.head].first_us + (uint64_t)DEFRAG_TIMEOUT * 1000000 <
	    now_us) {
		d->st.timed_out++;
		defrag_drop(d, d->age.head);
	}
}

static uint32_t
defrag_find(struct defrag *d, const struct packet *pkt, uint32_t h)
{
	uint32_t i;

	for (i = d->buckets[h & (d->nbuckets - 1)]; i != ILIST_NONE;
	    i = d->e[i].hnext) {
		struct defrag_entry *e = &d->e[i];

		if (e->hash == h && e->id == pkt->frag_id &&
		    e->family == pkt->family && e->proto == pkt->proto &&
		    memcmp(e->src, pkt->src, 16) == 0 &&
		    memcmp(e->dst, pkt->dst, 16) == 0)
			return i;
	}
	return ILIST_NONE;
}

static uint32_t
defrag_new(struct defrag *d, const struct packet *pkt, uint32_t h)
{
	struct defrag_entry *e;
	void *unused;
	uint32_t i;

	if (d->free.head == ILIST_NONE) {
		d->st.evicted++;
		defrag_drop(d, d->age.head);
	}
	i = d->free.head;
	ilist_unlink(&d->free, &d->arr, i);
	e = &d->e[i];
	memset(e, 0, sizeof(*e));
	memcpy(e->src, pkt->src, 16);
	memcpy(e->dst, pkt->dst, 16);
	e->id = pkt->frag_id;
	e->family = pkt->family;
	e->proto = pkt->proto;
	e->used = 1;
	e->first_us = pkt->ts_us;
	e->hash = h;
	/* every entry holds one buffer, and there are as many of each */
	e->buf = reasm_get(d->bufs, pkt->ts_us, NULL, &unused);
	ichain_insert(&d->buckets[h & (d->nbuckets - 1)], &d->arr, i);
	ilist_append(&d->age, &d->arr, i);
	d->st.in_progress++;
	return i;
}

/* Writes the rebuilt datagram to d->out; returns its length. */
static size_t
defrag_build(struct defrag *d, struct defrag_entry *e, const uint8_t *data)
{
	uint8_t *o = d->out;
	size_t hl;

	if (e->family == 4) {
		memcpy(o, e->hdr4, IP4_HDR);
		o[0] = 0x45;			/* options dropped */
		o[2] = (uint8_t)((IP4_HDR + e->total) >> 8);
		o[3] = (uint8_t)(IP4_HDR + e->total);
		o[6] = o[7] = 0;		/* no longer a fragment */
		o[9] = e->proto;
		o[10] = o[11] = 0;
		hl = IP4_HDR;
	} else {
		memset(o, 0, IP6_HDR);
		o[0] = 0x60;
		o[4] = (uint8_t)(e->total >> 8);
		o[5] = (uint8_t)e->total;
		o[6] = e->proto;
		o[7] = 64;
		memcpy(o + 8, e->src, 16);
		memcpy(o + 24, e->dst, 16);
		hl = IP6_HDR;
	}
	memcpy(o + hl, data, e->total);
	return hl + e->total;
}

int
defrag_add(struct defrag *d, const struct packet *pkt, const uint8_t **dgram,
    size_t *len)
{
	struct defrag_entry *e;
	const uint8_t *data;
	uint32_t h, i, end;
	size_t contig;

	d->st.fragments++;
	defrag_expire(d, pkt->ts_us);
	end = pkt->frag_off + (uint32_t)pkt->frag_len;
	if (end > DEFRAG_MAX_BYTES) {
		d->st.too_big++;
		return 0;
	}
	h = defrag_hash(d, pkt);
	if ((i = defrag_find(d, pkt, h)) == ILIST_NONE)
		i = defrag_new(d, pkt, h);
	e = &d->e[i];
	if (pkt->frag_off == 0 && pkt->family == 4 && !e->have_hdr) {
		memcpy(e->hdr4, pkt->l3, IP4_HDR);
		e->have_hdr = 1;
	}
	if (!pkt->frag_more) {
		if (e->total != 0 && e->total != end) {
			d->st.inconsistent++;
			defrag_drop(d, i);
			return 0;
		}
		e->total = end;
	}
	if (e->total != 0 && end > e->total) {
		d->st.inconsistent++;
		defrag_drop(d, i);
		return 0;
	}
	if (reasm_add(d->bufs, e->buf, pkt->frag_off, pkt->frag_data,
	    pkt->frag_len) == REASM_TOO_SCATTERED) {
		d->st.inconsistent++;
		defrag_drop(d, i);
		return 0;
	}
	data = reasm_data(d->bufs, e->buf, &contig);
	if (e->total == 0 || contig < e->total ||
	    (e->family == 4 && !e->have_hdr))
		return 0;
	*len = defrag_build(d, e, data);
	*dgram = d->out;
	d->st.reassembled++;
	defrag_drop(d, i);
	return 1;
}
