/*
 * pair.c - per (source host, domain) aggregation.  See pair.h.
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
	struct intern		*strings;
	struct hash_key		 key;
	struct pair_stats	 st;
};

struct pair_key {
	uint8_t		src[16];
	uint32_t	name_id;
	uint8_t		family;
};

size_t
pair_table_bytes_per_pair(void)
{
	return sizeof(struct pair) + 2 * sizeof(uint32_t);
}

struct pair_table *
pair_table_create(size_t max, struct intern *strings,
    const struct hash_key *key)
{
	struct pair_table *t;
	uint32_t nb, i;

	if (max == 0 || max >= NONE / 4)
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->max = (uint32_t)max;
	for (nb = 1; nb < t->max; nb <<= 1)
		;
	t->nbuckets = nb;
	t->p = calloc(t->max, sizeof(*t->p));
	t->buckets = malloc((size_t)nb * sizeof(*t->buckets));
	if (t->p == NULL || t->buckets == NULL) {
		pair_table_destroy(t);
		return NULL;
	}
	for (i = 0; i < nb; i++)
		t->buckets[i] = NONE;
	t->free_head = NONE;
	ilist_init(&t->lru);
	t->arr = (struct iarray){ t->p, sizeof(*t->p),
	    offsetof(struct pair, lru), offsetof(struct pair, hnext) };
	t->strings = strings;
	t->key = *key;
	t->st.capacity = max;
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
	free(t->buckets);
	free(t);
}

const struct pair_stats *
pair_table_stats(const struct pair_table *t)
{
	return &t->st;
}

static void
pair_remove(struct pair_table *t, uint32_t i)
{
	struct pair *p = &t->p[i];

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
pair_lookup(struct pair_table *t, const struct conn *c)
{
	struct pair_key k;
	struct pair *p;
	uint32_t h, i;

	memset(&k, 0, sizeof(k));
	memcpy(k.src, c->src, 16);
	k.name_id = c->name_id;
	k.family = c->family;
	h = (uint32_t)hash_bytes(&t->key, &k, sizeof(k));
	for (i = t->buckets[h & (t->nbuckets - 1)]; i != NONE;
	    i = t->p[i].hnext) {
		p = &t->p[i];
		if (p->hash == h && p->name_id == c->name_id &&
		    p->family == c->family && memcmp(p->src, c->src, 16) == 0)
			return i;
	}
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
	intern_ref(t->strings, c->name_id);
	p->hash = h;
	ichain_insert(&t->buckets[h & (t->nbuckets - 1)], &t->arr, i);
	p->lru.prev = p->lru.next = NONE;
	ilist_append(&t->lru, &t->arr, i);
	t->st.active++;
	t->st.created++;
	return i;
}

static void
pair_add_port(struct pair *p, uint16_t port)
{
	int i;

	for (i = 0; i < p->nports; i++)
		if (p->ports[i] == port)
			return;
	if (p->nports < PAIR_MAX_PORTS)
		p->ports[p->nports++] = port;
	else
		p->ports_more = 1;
}

struct pair *
pair_table_add(struct pair_table *t, const struct conn *c, uint64_t now_us)
{
	uint32_t hour = (uint32_t)(c->start_us / US_PER_HOUR), i;
	uint32_t now_hour = (uint32_t)(now_us / US_PER_HOUR);
	uint32_t ms = (uint32_t)((c->start_us % US_PER_HOUR) / 1000);
	struct pair_bucket *b;
	struct pair *p;

	if (c->name_id == 0)
		return NULL;
	if (hour + PAIR_WINDOW_HOURS <= now_hour) {
		t->st.late++;
		return NULL;
	}
	i = pair_lookup(t, c);
	p = &t->p[i];
	ilist_unlink(&t->lru, &t->arr, i);
	ilist_append(&t->lru, &t->arr, i);
	t->st.conns++;

	b = &p->bucket[hour % PAIR_WINDOW_HOURS];
	if (b->hour != hour || b->conns == 0) {
		/* an older hour falls out of the window */
		memset(b, 0, sizeof(*b));
		b->hour = hour;
		b->first_ms = b->last_ms = ms;
	}
	b->conns++;
	b->sent += c->bytes_up;
	b->recv += c->bytes_down;
	if (ms < b->first_ms)
		b->first_ms = ms;
	if (ms > b->last_ms)
		b->last_ms = ms;

	pair_add_port(p, c->dport);
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
pair_window(const struct pair *p, uint64_t now_us, struct pair_window *w)
{
	uint32_t now_hour = (uint32_t)(now_us / US_PER_HOUR);
	int i;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < PAIR_WINDOW_HOURS; i++) {
		const struct pair_bucket *b = &p->bucket[i];
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
