/*
 * flow.c - the bidirectional flow table.  See flow.h.
 */
#include "config.h"

#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "defaults.h"
#include "flow.h"

enum flow_list {
	FLOW_LIST_SYN,		/* TCP handshake not answered */
	FLOW_LIST_TCP,		/* TCP established or picked up mid-stream */
	FLOW_LIST_UDP,
	FLOW_LIST_CLOSED,	/* reported, lingering */
	FLOW_LIST_MAX,
	FLOW_LIST_FREE = FLOW_LIST_MAX
};

struct flow_lru {
	struct ilist	l;
	uint64_t	timeout_us;
};

struct flow_table {
	struct flow	*flows;
	uint32_t	*buckets;
	uint32_t	 nbuckets;	/* power of two */
	uint32_t	 max;
	uint32_t	 free_head;
	struct flow_lru	 lru[FLOW_LIST_MAX];
	struct iarray	 arr;
	struct hash_key	 key;
	uint64_t	 clock_us;
	uint64_t	 deadline_us;	/* no flow can expire before this */
	flow_end_fn	*cb;
	void		*cb_arg;
	struct flow_stats st;
};

static const char *const flow_end_names[FLOW_END_MAX] = {
	[FLOW_END_FIN] = "fin",
	[FLOW_END_RST] = "rst",
	[FLOW_END_IDLE] = "idle",
	[FLOW_END_EVICTED] = "evicted",
	[FLOW_END_REUSED] = "reused",
	[FLOW_END_SHUTDOWN] = "shutdown",
};

const char *
flow_end_name(enum flow_end why)
{
	return (unsigned)why < FLOW_END_MAX ? flow_end_names[why] : "unknown";
}

size_t
flow_table_bytes_per_flow(void)
{
	/* one bucket per slot (rounded up to a power of two: at most 2) */
	return sizeof(struct flow) + 2 * sizeof(uint32_t);
}

/* ---- key and hash -------------------------------------------------------- */

/*
 * The hash key: both endpoints in a fixed order (so both directions hash
 * alike), then ports, VLAN, protocol and family, packed so that an IPv4
 * flow hashes 16 bytes rather than 40.
 */
static uint32_t
flow_hash(const struct flow_table *ft, const struct packet *pkt)
{
	uint8_t k[2 * 16 + 8];
	size_t alen = pkt->family == 4 ? 4 : 16, n;
	const uint8_t *a = pkt->src, *b = pkt->dst;
	uint16_t pa = pkt->sport, pb = pkt->dport, t;
	int c = memcmp(a, b, alen);

	if (c > 0 || (c == 0 && pa > pb)) {
		a = pkt->dst;
		b = pkt->src;
		t = pa;
		pa = pb;
		pb = t;
	}
	memcpy(k, a, alen);
	memcpy(k + alen, b, alen);
	n = 2 * alen;
	k[n++] = (uint8_t)(pa >> 8);
	k[n++] = (uint8_t)pa;
	k[n++] = (uint8_t)(pb >> 8);
	k[n++] = (uint8_t)pb;
	k[n++] = (uint8_t)(pkt->vlan >> 8);
	k[n++] = (uint8_t)pkt->vlan;
	k[n++] = pkt->proto;
	k[n++] = pkt->family;
	return (uint32_t)hash_bytes(&ft->key, k, n);
}

/* Returns 0 (client to server), 1 (reverse) or -1 (not this flow). */
static int
flow_match(const struct flow *f, const struct packet *pkt)
{
	if (f->proto != pkt->proto || f->family != pkt->family ||
	    f->vlan != pkt->vlan)
		return -1;
	if (f->port[0] == pkt->sport && f->port[1] == pkt->dport &&
	    memcmp(f->addr[0], pkt->src, 16) == 0 &&
	    memcmp(f->addr[1], pkt->dst, 16) == 0)
		return 0;
	if (f->port[0] == pkt->dport && f->port[1] == pkt->sport &&
	    memcmp(f->addr[0], pkt->dst, 16) == 0 &&
	    memcmp(f->addr[1], pkt->src, 16) == 0)
		return 1;
	return -1;
}

/* ---- lists --------------------------------------------------------------- */

static void
lru_unlink(struct flow_table *ft, uint32_t i)
{
	ilist_unlink(&ft->lru[ft->flows[i].list].l, &ft->arr, i);
}

/* Lowers the table's next deadline to flow i's on list l. */
static void
flow_deadline(struct flow_table *ft, uint32_t i, enum flow_list l)
{
	uint64_t d = ft->flows[i].last_us + ft->lru[l].timeout_us;

	if (d < ft->deadline_us)
		ft->deadline_us = d;
}

static void
lru_append(struct flow_table *ft, uint32_t i, enum flow_list list)
{
	ft->flows[i].list = (uint8_t)list;
	ilist_append(&ft->lru[list].l, &ft->arr, i);
	if (ft->lru[list].l.head == i)	/* a new head sets a deadline */
		flow_deadline(ft, i, list);
}

static void
lru_touch(struct flow_table *ft, uint32_t i, enum flow_list list)
{
	struct flow *f = &ft->flows[i];

	if (f->list == list && ft->lru[list].l.tail == i)
		return;
	lru_unlink(ft, i);
	lru_append(ft, i, list);
}

/* ---- create / destroy ---------------------------------------------------- */

struct flow_table *
flow_table_create(const struct flow_conf *fc, const struct hash_key *key,
    flow_end_fn *cb, void *arg)
{
	struct flow_table *ft;
	uint32_t i, nb;

	if (fc->max_flows == 0 || fc->max_flows >= FLOW_NONE / 2)
		return NULL;
	if ((ft = calloc(1, sizeof(*ft))) == NULL)
		return NULL;
	ft->max = (uint32_t)fc->max_flows;
	for (nb = 1; nb < ft->max; nb <<= 1)
		;
	ft->nbuckets = nb;
	ft->flows = calloc(ft->max, sizeof(*ft->flows));
	ft->buckets = malloc((size_t)nb * sizeof(*ft->buckets));
	if (ft->flows == NULL || ft->buckets == NULL) {
		flow_table_destroy(ft);
		return NULL;
	}
	for (i = 0; i < nb; i++)
		ft->buckets[i] = FLOW_NONE;
	for (i = 0; i < ft->max; i++) {
		ft->flows[i].hnext = i + 1 < ft->max ? i + 1 : FLOW_NONE;
		ft->flows[i].list = FLOW_LIST_FREE;
	}
	ft->free_head = 0;
	for (i = 0; i < FLOW_LIST_MAX; i++)
		ilist_init(&ft->lru[i].l);
	ft->arr = (struct iarray){ ft->flows, sizeof(*ft->flows),
	    offsetof(struct flow, lru), offsetof(struct flow, hnext) };
	ft->lru[FLOW_LIST_SYN].timeout_us = (uint64_t)fc->timeout_tcp_syn * 1000000;
	ft->lru[FLOW_LIST_TCP].timeout_us = (uint64_t)fc->timeout_tcp * 1000000;
	ft->lru[FLOW_LIST_UDP].timeout_us = (uint64_t)fc->timeout_udp * 1000000;
	ft->lru[FLOW_LIST_CLOSED].timeout_us =
	    (uint64_t)fc->timeout_closed * 1000000;
	ft->key = *key;
	ft->cb = cb;
	ft->cb_arg = arg;
	return ft;
}

void
flow_table_destroy(struct flow_table *ft)
{
	if (ft == NULL)
		return;
	free(ft->flows);
	free(ft->buckets);
	free(ft);
}

const struct flow_stats *
flow_table_stats(const struct flow_table *ft)
{
	return &ft->st;
}

uint64_t
flow_table_clock(const struct flow_table *ft)
{
	return ft->clock_us;
}

/* ---- reporting and freeing ----------------------------------------------- */

static void
flow_report(struct flow_table *ft, struct flow *f, enum flow_end why)
{
	if (f->flags & FLOW_F_REPORTED)
		return;
	f->flags |= FLOW_F_REPORTED;
	ft->st.ended[why]++;
	if (ft->cb != NULL)
		ft->cb(ft->cb_arg, f, why, ft->clock_us);
}

/* Unhooks flow i from its bucket and list and puts it on the free list. */
static void
flow_free(struct flow_table *ft, uint32_t i)
{
	struct flow *f = &ft->flows[i];

	ichain_remove(&ft->buckets[f->hash & (ft->nbuckets - 1)], &ft->arr, i);
	lru_unlink(ft, i);
	f->list = FLOW_LIST_FREE;
	f->hnext = ft->free_head;
	ft->free_head = i;
	ft->st.active--;
}

static void
flow_end(struct flow_table *ft, uint32_t i, enum flow_end why)
{
	flow_report(ft, &ft->flows[i], why);
	flow_free(ft, i);
}

/* The flow that has been idle longest: the oldest of the list heads. */
static uint32_t
flow_oldest(const struct flow_table *ft)
{
	uint32_t best = FLOW_NONE;
	int l;

	for (l = 0; l < FLOW_LIST_MAX; l++) {
		uint32_t h = ft->lru[l].l.head;

		if (h == FLOW_NONE)
			continue;
		/* a lingering closed flow is the cheapest to drop */
		if (l == FLOW_LIST_CLOSED)
			return h;
		if (best == FLOW_NONE ||
		    ft->flows[h].last_us < ft->flows[best].last_us)
			best = h;
	}
	return best;
}

/* ---- lookup -------------------------------------------------------------- */

/* Which side of a new flow is the client. */
static int
flow_sender_is_client(const struct packet *pkt)
{
	if (pkt->proto == IPPROTO_TCP && (pkt->tcp_flags & PKT_TCP_SYN))
		return !(pkt->tcp_flags & PKT_TCP_ACK);
	if (pkt->sport < 1024 && pkt->dport >= 1024)
		return 0;
	return 1;
}

static uint32_t
flow_new(struct flow_table *ft, const struct packet *pkt, uint32_t h)
{
	struct flow *f;
	uint32_t i;
	int c;

	if (ft->free_head == FLOW_NONE)
		flow_end(ft, flow_oldest(ft), FLOW_END_EVICTED);
	i = ft->free_head;
	f = &ft->flows[i];
	ft->free_head = f->hnext;
	memset(f, 0, sizeof(*f));
	c = flow_sender_is_client(pkt);
	memcpy(f->addr[0], c ? pkt->src : pkt->dst, 16);
	memcpy(f->addr[1], c ? pkt->dst : pkt->src, 16);
	f->port[0] = c ? pkt->sport : pkt->dport;
	f->port[1] = c ? pkt->dport : pkt->sport;
	f->vlan = pkt->vlan;
	f->family = pkt->family;
	f->proto = pkt->proto;
	f->hash = h;
	f->first_us = f->last_us = pkt->ts_us;
	f->reasm_idx = f->ndpi_idx = FLOW_NONE;
	f->lru.prev = f->lru.next = FLOW_NONE;
	ichain_insert(&ft->buckets[h & (ft->nbuckets - 1)], &ft->arr, i);
	lru_append(ft, i, pkt->proto == IPPROTO_TCP ?
	    (pkt->tcp_flags & PKT_TCP_SYN ? FLOW_LIST_SYN : FLOW_LIST_TCP) :
	    FLOW_LIST_UDP);
	ft->st.created++;
	if (++ft->st.active > ft->st.peak)
		ft->st.peak = ft->st.active;
	return i;
}

struct flow *
flow_table_get(struct flow_table *ft, const struct packet *pkt, int *dir,
    int *created)
{
	uint32_t h = flow_hash(ft, pkt), i;
	int d;

	for (i = ft->buckets[h & (ft->nbuckets - 1)]; i != FLOW_NONE;
	    i = ft->flows[i].hnext) {
		struct flow *f = &ft->flows[i];

		if (f->hash != h || (d = flow_match(f, pkt)) < 0)
			continue;
		/* A fresh SYN on a closed or closing 5-tuple is a new
		 * connection (port reuse): end the old one first. */
		if (pkt->proto == IPPROTO_TCP &&
		    (pkt->tcp_flags & (PKT_TCP_SYN | PKT_TCP_ACK)) == PKT_TCP_SYN &&
		    (f->tcp_state == FLOW_TCP_CLOSED ||
		    (f->flags & (FLOW_F_FIN_C | FLOW_F_FIN_S)) ||
		    ((f->tcp_state == FLOW_TCP_EST ||
		    f->tcp_state == FLOW_TCP_NONE) &&
		    (f->flags & FLOW_F_CBASE) && pkt->seq + 1 != f->cbase))) {
			flow_end(ft, i, FLOW_END_REUSED);
			break;
		}
		*dir = d;
		*created = 0;
		return f;
	}
	i = flow_new(ft, pkt, h);
	*dir = flow_match(&ft->flows[i], pkt);
	*created = 1;
	return &ft->flows[i];
}

/* ---- update -------------------------------------------------------------- */

void
flow_table_update(struct flow_table *ft, struct flow *f,
    const struct packet *pkt, int dir)
{
	uint32_t i = (uint32_t)(f - ft->flows);
	uint8_t fl = pkt->tcp_flags;

	if (pkt->ts_us > f->last_us)
		f->last_us = pkt->ts_us;
	f->bytes[dir] += pkt->ip_len;
	f->pkts[dir]++;
	if (dir == 1)
		f->flags |= FLOW_F_REPLIED;

	if (f->tcp_state == FLOW_TCP_CLOSED) {
		lru_touch(ft, i, FLOW_LIST_CLOSED);
		return;
	}
	if (pkt->proto != IPPROTO_TCP) {
		lru_touch(ft, i, FLOW_LIST_UDP);
		return;
	}

	/* Where the client's byte stream starts: after its SYN, at the ACK
	 * of the server's SYN-ACK, or else at its first packet seen. */
	if ((fl & (PKT_TCP_SYN | PKT_TCP_ACK)) == PKT_TCP_SYN && dir == 0) {
		f->cbase = pkt->seq + 1;
		f->flags |= FLOW_F_CBASE;
	} else if ((fl & (PKT_TCP_SYN | PKT_TCP_ACK)) ==
	    (PKT_TCP_SYN | PKT_TCP_ACK) && dir == 1 &&
	    !(f->flags & FLOW_F_CBASE)) {
		f->cbase = pkt->ack;
		f->flags |= FLOW_F_CBASE;
	} else if (dir == 0 && !(f->flags & FLOW_F_CBASE)) {
		f->cbase = pkt->seq;
		f->flags |= FLOW_F_CBASE;
	}
	if (fl & PKT_TCP_SYN) {
		if (!(fl & PKT_TCP_ACK) && dir == 0) {
			f->flags |= FLOW_F_SYN;
			if (f->tcp_state == FLOW_TCP_NONE && f->pkts[1] == 0)
				f->tcp_state = FLOW_TCP_SYN;
		} else if ((fl & PKT_TCP_ACK) && dir == 1) {
			f->flags |= FLOW_F_SYNACK;
			f->tcp_state = FLOW_TCP_EST;
		}
	}
	if (f->tcp_state == FLOW_TCP_SYN && f->pkts[1] > 0)
		f->tcp_state = FLOW_TCP_EST;
	if (fl & PKT_TCP_FIN)
		f->flags |= dir == 0 ? FLOW_F_FIN_C : FLOW_F_FIN_S;

	if (fl & PKT_TCP_RST) {
		f->tcp_state = FLOW_TCP_CLOSED;
		lru_touch(ft, i, FLOW_LIST_CLOSED);
		flow_report(ft, f, FLOW_END_RST);
		return;
	}
	if ((f->flags & (FLOW_F_FIN_C | FLOW_F_FIN_S)) ==
	    (FLOW_F_FIN_C | FLOW_F_FIN_S)) {
		f->tcp_state = FLOW_TCP_CLOSED;
		lru_touch(ft, i, FLOW_LIST_CLOSED);
		flow_report(ft, f, FLOW_END_FIN);
		return;
	}
	lru_touch(ft, i, f->tcp_state == FLOW_TCP_SYN ? FLOW_LIST_SYN :
	    FLOW_LIST_TCP);
}

/* ---- time ---------------------------------------------------------------- */

void
flow_table_expire(struct flow_table *ft, uint64_t now_us)
{
	int l;

	if (now_us > ft->clock_us)
		ft->clock_us = now_us;
	/* Most packets come long before any flow can time out: skip the
	 * pass (and the list heads' cache lines) until the earliest
	 * deadline.  The cached deadline may be early, never late. */
	if (ft->clock_us <= ft->deadline_us)
		return;
	ft->deadline_us = UINT64_MAX;
	for (l = 0; l < FLOW_LIST_MAX; l++) {
		struct flow_lru *lru = &ft->lru[l];

		while (lru->l.head != FLOW_NONE &&
		    ft->flows[lru->l.head].last_us + lru->timeout_us <
		    ft->clock_us)
			flow_end(ft, lru->l.head, FLOW_END_IDLE);
		if (lru->l.head != FLOW_NONE)
			flow_deadline(ft, lru->l.head, (enum flow_list)l);
	}
}

void
flow_table_flush(struct flow_table *ft)
{
	uint32_t i;

	while ((i = flow_oldest(ft)) != FLOW_NONE)
		flow_end(ft, i, FLOW_END_SHUTDOWN);
}
