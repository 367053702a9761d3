/*
 * pair.c - per (source, domain, process) evidence.  See pair.h.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "pair.h"

#define NONE		ILIST_NONE
#define US_PER_HOUR	3600000000ULL

struct pair_table {
	struct pair		*p;
	uint32_t		*buckets;
	uint32_t		 nbuckets, max, next_unused, free_head;
	struct ilist		 lru;		/* least recently updated first */
	struct iarray		 arr;
	struct pair_heavy	*h;
	uint32_t		 hmax, h_unused;
	struct ilist		 hlru, hfree;
	struct iarray		 harr;
	struct intern		*strings;
	struct hash_key		 key;
	struct score_conf	 conf;
	struct pair_stats	 st;
};

struct pair_key {
	uint8_t		src[16];
	uint64_t	proc_key;
	uint32_t	name_id;
	uint8_t		family;
};

size_t
pair_table_bytes_per_pair(void)
{
	return sizeof(struct pair) + 2 * sizeof(uint32_t);
}

size_t
pair_table_bytes_per_heavy(void)
{
	return sizeof(struct pair_heavy);
}

struct pair_table *
pair_table_create(size_t max, size_t heavy, struct intern *strings,
    const struct hash_key *key, const struct score_conf *conf)
{
	struct pair_table *t;
	uint32_t nb, i;

	if (max == 0 || max >= NONE / 4 || heavy == 0 || heavy >= NONE / 4)
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->max = (uint32_t)max;
	t->hmax = (uint32_t)heavy;
	for (nb = 1; nb < t->max; nb <<= 1)
		;
	t->nbuckets = nb;
	t->p = calloc(t->max, sizeof(*t->p));
	t->h = calloc(t->hmax, sizeof(*t->h));
	t->buckets = malloc((size_t)nb * sizeof(*t->buckets));
	if (t->p == NULL || t->h == NULL || t->buckets == NULL) {
		pair_table_destroy(t);
		return NULL;
	}
	for (i = 0; i < nb; i++)
		t->buckets[i] = NONE;
	t->free_head = NONE;
	ilist_init(&t->lru);
	ilist_init(&t->hlru);
	ilist_init(&t->hfree);
	t->arr = (struct iarray){ t->p, sizeof(*t->p),
	    offsetof(struct pair, lru), offsetof(struct pair, hnext) };
	t->harr = (struct iarray){ t->h, sizeof(*t->h),
	    offsetof(struct pair_heavy, lru), 0 /* no chains */ };
	t->strings = strings;
	t->key = *key;
	t->conf = *conf;
	t->st.capacity = max;
	t->st.heavy_capacity = heavy;
	return t;
}

void
pair_table_destroy(struct pair_table *t)
{
	uint32_t i;

	if (t == NULL)
		return;
	if (t->p != NULL)
		for (i = 0; i < t->next_unused; i++)
			if (t->p[i].name_id != 0) {
				intern_unref(t->strings, t->p[i].name_id);
				intern_unref(t->strings, t->p[i].sni_id);
			}
	free(t->p);
	free(t->h);
	free(t->buckets);
	free(t);
}

const struct pair_stats *
pair_table_stats(const struct pair_table *t)
{
	return &t->st;
}

struct pair_heavy *
pair_heavy(struct pair_table *t, const struct pair *p)
{
	return p->heavy != NONE ? &t->h[p->heavy] : NULL;
}

/* ---- heavy entries ------------------------------------------------------- */

static void
heavy_release(struct pair_table *t, struct pair *p)
{
	if (p->heavy == NONE)
		return;
	ilist_unlink(&t->hlru, &t->harr, p->heavy);
	ilist_append(&t->hfree, &t->harr, p->heavy);
	p->heavy = NONE;
	t->st.heavy--;
}

static void
pair_bucket_add(struct pair_heavy *h, uint64_t start_us, uint64_t up,
    uint64_t down)
{
	uint32_t hour = (uint32_t)(start_us / US_PER_HOUR);
	uint32_t ms = (uint32_t)((start_us % US_PER_HOUR) / 1000);
	struct pair_bucket *b = &h->bucket[hour % PAIR_WINDOW_HOURS];

	if (b->hour != hour || b->conns == 0) {
		/* an older hour falls out of the window */
		memset(b, 0, sizeof(*b));
		b->hour = hour;
		b->first_ms = b->last_ms = ms;
	}
	b->conns++;
	b->sent += up;
	b->recv += down;
	if (ms < b->first_ms)
		b->first_ms = ms;
	if (ms > b->last_ms)
		b->last_ms = ms;
}

static void
pair_add_port(struct pair_heavy *h, uint16_t port)
{
	int i;

	for (i = 0; i < h->nports; i++)
		if (h->ports[i] == port)
			return;
	if (h->nports < PAIR_MAX_PORTS)
		h->ports[h->nports++] = port;
	else
		h->ports_more = 1;
}

/* Gives p a heavy entry holding what its light part kept. */
static void
heavy_take(struct pair_table *t, struct pair *p, uint32_t pi)
{
	struct pair_heavy *h;
	uint32_t i;

	if (t->hfree.head != NONE) {
		i = t->hfree.head;
		ilist_unlink(&t->hfree, &t->harr, i);
	} else if (t->h_unused < t->hmax) {
		i = t->h_unused++;
	} else {
		i = t->hlru.head;
		t->p[t->h[i].owner].heavy = NONE;	/* light again */
		ilist_unlink(&t->hlru, &t->harr, i);
		t->st.demoted++;
		t->st.heavy--;
	}
	h = &t->h[i];
	memset(h, 0, sizeof(*h));
	h->owner = pi;
	beacon_hist_init(&h->hist);
	ilist_append(&t->hlru, &t->harr, i);
	p->heavy = i;
	t->st.heavy++;
	t->st.promoted++;
	if (p->c1_start_us != 0) {
		pair_bucket_add(h, p->c1_start_us, p->c1_up, p->c1_down);
		pair_add_port(h, p->first_port);
	}
	if (p->k1_us != 0)
		beacon_hist_add(&h->hist, p->k1_us, p->k1_up, p->k1_down,
		    &t->conf);
}

/* ---- pairs --------------------------------------------------------------- */

static void
pair_remove(struct pair_table *t, uint32_t i)
{
	struct pair *p = &t->p[i];

	heavy_release(t, p);
	ichain_remove(&t->buckets[p->hash & (t->nbuckets - 1)], &t->arr, i);
	ilist_unlink(&t->lru, &t->arr, i);
	intern_unref(t->strings, p->name_id);
	intern_unref(t->strings, p->sni_id);
	p->name_id = 0;
	p->sni_id = 0;
	p->hnext = t->free_head;
	t->free_head = i;
	t->st.active--;
}

static uint32_t
pair_hash(const struct pair_table *t, int family, const uint8_t *src,
    uint32_t name_id, uint64_t proc_key)
{
	struct pair_key k;

	memset(&k, 0, sizeof(k));
	memcpy(k.src, src, 16);
	k.proc_key = proc_key;
	k.name_id = name_id;
	k.family = (uint8_t)family;
	return (uint32_t)hash_bytes(&t->key, &k, sizeof(k));
}

static uint32_t
pair_find_idx(const struct pair_table *t, uint32_t h, int family,
    const uint8_t *src, uint32_t name_id, uint64_t proc_key)
{
	uint32_t i;

	for (i = t->buckets[h & (t->nbuckets - 1)]; i != NONE;
	    i = t->p[i].hnext) {
		const struct pair *p = &t->p[i];

		if (p->hash == h && p->name_id == name_id &&
		    p->proc_key == proc_key && p->family == family &&
		    memcmp(p->src, src, 16) == 0)
			return i;
	}
	return NONE;
}

struct pair *
pair_table_find(struct pair_table *t, int family, const uint8_t *src,
    uint32_t name_id, uint64_t proc_key)
{
	uint32_t i = pair_find_idx(t, pair_hash(t, family, src, name_id,
	    proc_key), family, src, name_id, proc_key);

	return i != NONE ? &t->p[i] : NULL;
}

static uint32_t
pair_lookup(struct pair_table *t, const struct conn *c, uint64_t proc_key)
{
	struct pair *p;
	uint32_t h, i;

	h = pair_hash(t, c->family, c->src, c->name_id, proc_key);
	if ((i = pair_find_idx(t, h, c->family, c->src, c->name_id,
	    proc_key)) != NONE)
		return i;
	if (t->free_head != NONE) {
		i = t->free_head;
		t->free_head = t->p[i].hnext;
	} else if (t->next_unused < t->max) {
		i = t->next_unused++;
	} else {
		pair_remove(t, t->lru.head);
		t->st.evicted++;
		i = t->free_head;
		t->free_head = t->p[i].hnext;
	}
	p = &t->p[i];
	memset(p, 0, sizeof(*p));
	p->family = c->family;
	memcpy(p->src, c->src, 16);
	p->name_id = c->name_id;
	p->proc_key = proc_key;
	p->heavy = NONE;
	intern_ref(t->strings, c->name_id);
	p->hash = h;
	ichain_insert(&t->buckets[h & (t->nbuckets - 1)], &t->arr, i);
	p->lru.prev = p->lru.next = NONE;
	ilist_append(&t->lru, &t->arr, i);
	t->st.active++;
	t->st.created++;
	return i;
}

struct pair *
pair_table_add(struct pair_table *t, const struct conn *c, uint64_t proc_key,
    uint64_t now_us, int *is_new_checkin)
{
	uint32_t now_hour = (uint32_t)(now_us / US_PER_HOUR), i;
	struct pair_heavy *h;
	struct pair *p;
	int fresh = 0;

	if (is_new_checkin != NULL)
		*is_new_checkin = 0;
	if (c->name_id == 0)
		return NULL;
	if (c->kind == CONN_FLOW && (uint32_t)(c->start_us / US_PER_HOUR) +
	    PAIR_WINDOW_HOURS <= now_hour) {
		t->st.late++;
		return NULL;
	}
	i = pair_lookup(t, c, proc_key);
	p = &t->p[i];
	ilist_unlink(&t->lru, &t->arr, i);
	ilist_append(&t->lru, &t->arr, i);
	if (p->heavy != NONE) {
		ilist_unlink(&t->hlru, &t->harr, p->heavy);
		ilist_append(&t->hlru, &t->harr, p->heavy);
	} else if (c->kind == CONN_FLOW ? p->conns > 0 : p->checkins > 0) {
		heavy_take(t, p, i);
	}
	h = pair_heavy(t, p);

	if (p->first_us == 0 || c->start_us < p->first_us)
		p->first_us = c->start_us;
	if (c->start_us > p->last_us)
		p->last_us = c->start_us;
	if (c->kind == CONN_FLOW) {
		t->st.conns++;
		if (p->conns < UINT32_MAX)
			p->conns++;
		if (h != NULL) {
			pair_bucket_add(h, c->start_us, c->bytes_up,
			    c->bytes_down);
			pair_add_port(h, c->dport);
		} else {
			p->c1_start_us = c->start_us;
			p->c1_up = c->bytes_up;
			p->c1_down = c->bytes_down;
			p->first_port = c->dport;
		}
	} else {
		t->st.checkins++;
		if (p->checkins < UINT32_MAX)
			p->checkins++;
		if (h != NULL) {
			fresh = beacon_hist_add(&h->hist, c->start_us,
			    c->bytes_up, c->bytes_down, &t->conf) == 1;
		} else {
			p->k1_us = c->start_us;
			p->k1_up = (uint32_t)(c->bytes_up > UINT32_MAX ?
			    UINT32_MAX : c->bytes_up);
			p->k1_down = (uint32_t)(c->bytes_down > UINT32_MAX ?
			    UINT32_MAX : c->bytes_down);
			fresh = 1;
		}
		if (is_new_checkin != NULL)
			*is_new_checkin = fresh;
	}
	memcpy(p->last_dst, c->dst, 16);
	p->serverless = c->serverless;
	if (c->sni != NULL) {
		uint32_t id = intern_get(t->strings, c->sni, strlen(c->sni));

		if (id != 0) {
			intern_unref(t->strings, p->sni_id);
			p->sni_id = id;
		}
	}
	return p;
}

void
pair_table_set_conf(struct pair_table *t, const struct score_conf *conf)
{
	t->conf = *conf;
}

void
pair_table_visit(const struct pair_table *t, pair_visit_fn *fn, void *arg)
{
	uint32_t i;

	for (i = t->lru.head; i != NONE; i = t->p[i].lru.next)
		fn(arg, &t->p[i], t->p[i].heavy != NONE ?
		    &t->h[t->p[i].heavy] : NULL);
}

struct pair *
pair_table_restore(struct pair_table *t, const struct pair *p,
    const struct pair_heavy *h, uint32_t name_id, uint32_t sni_id,
    const struct catalogue_entry *e)
{
	struct pair_heavy *nh;
	struct pair *q;
	struct conn c;
	uint32_t i, owner, pi;
	struct ilink lru;

	if (name_id == 0 || pair_table_find(t, p->family, p->src, name_id,
	    p->proc_key) != NULL)
		return NULL;
	memset(&c, 0, sizeof(c));
	c.family = p->family;
	memcpy(c.src, p->src, 16);
	c.name_id = name_id;
	pi = pair_lookup(t, &c, p->proc_key);
	q = &t->p[pi];
	q->first_us = p->first_us;
	q->last_us = p->last_us;
	q->conns = p->conns;
	q->checkins = p->checkins;
	memcpy(q->last_dst, p->last_dst, 16);
	q->first_port = p->first_port;
	q->serverless = e;
	q->c1_start_us = p->c1_start_us;
	q->c1_up = p->c1_up;
	q->c1_down = p->c1_down;
	q->k1_us = p->k1_us;
	q->k1_up = p->k1_up;
	q->k1_down = p->k1_down;
	if (sni_id != 0) {
		intern_ref(t->strings, sni_id);
		q->sni_id = sni_id;
	}
	if (h != NULL) {
		/* a fresh heavy entry, then the history as it was */
		q->c1_start_us = q->k1_us = 0;
		heavy_take(t, q, pi);
		t->st.promoted--;
		i = q->heavy;
		nh = &t->h[i];
		owner = nh->owner;
		lru = nh->lru;
		*nh = *h;
		nh->owner = owner;
		nh->lru = lru;
		q->c1_start_us = p->c1_start_us;
		q->k1_us = p->k1_us;
	}
	t->st.created--;
	return q;
}

void
pair_window(struct pair_table *t, const struct pair *p, uint64_t now_us,
    struct pair_window *w)
{
	uint32_t now_hour = (uint32_t)(now_us / US_PER_HOUR);
	const struct pair_heavy *h = pair_heavy(t, p);
	int i;

	memset(w, 0, sizeof(*w));
	if (h == NULL) {
		if (p->c1_start_us != 0 &&
		    (uint32_t)(p->c1_start_us / US_PER_HOUR) +
		    PAIR_WINDOW_HOURS > now_hour) {
			w->connections = 1;
			w->hours = 1;
			w->sent = p->c1_up;
			w->recv = p->c1_down;
			w->first_us = w->last_us = p->c1_start_us;
		}
		return;
	}
	for (i = 0; i < PAIR_WINDOW_HOURS; i++) {
		const struct pair_bucket *b = &h->bucket[i];
		uint64_t first, last;

		if (b->conns == 0 || b->hour + PAIR_WINDOW_HOURS <= now_hour ||
		    b->hour > now_hour)
			continue;
		w->connections += b->conns;
		w->hours++;
		w->sent += b->sent;
		w->recv += b->recv;
		first = (uint64_t)b->hour * US_PER_HOUR +
		    (uint64_t)b->first_ms * 1000;
		last = (uint64_t)b->hour * US_PER_HOUR +
		    (uint64_t)b->last_ms * 1000;
		if (w->first_us == 0 || first < w->first_us)
			w->first_us = first;
		if (last > w->last_us)
			w->last_us = last;
	}
}
