/*
 * fleet.c - population context per domain.  See fleet.h.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "ilist.h"

struct fleet_source {
	uint64_t	src_hash;	/* of family and address; 0: empty */
	uint64_t	period_us;
	uint64_t	seen_us;
	float		jitter;
};

struct fleet_domain {
	uint32_t		name_id;	/* 0: free */
	uint32_t		hash, hnext;
	struct ilink		lru;
	uint64_t		first_us, last_us;
	struct fleet_source	src[FLEET_SOURCES];
};

struct fleet {
	struct fleet_domain	*d;
	uint32_t		*buckets;
	uint32_t		 nbuckets, max, next_unused, free_head;
	struct ilist		 lru;
	struct iarray		 arr;
	struct intern		*strings;
	struct hash_key		 key;
	struct fleet_stats	 st;
};

struct fleet *
fleet_create(size_t max, struct intern *strings, const struct hash_key *key)
{
	struct fleet *f;
	uint32_t nb, i;

	if (max == 0 || max >= ILIST_NONE / 4)
		return NULL;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->max = (uint32_t)max;
	for (nb = 1; nb < f->max; nb <<= 1)
		;
	f->nbuckets = nb;
	f->d = calloc(max, sizeof(*f->d));
	f->buckets = malloc((size_t)nb * sizeof(*f->buckets));
	if (f->d == NULL || f->buckets == NULL) {
		fleet_destroy(f);
		return NULL;
	}
	for (i = 0; i < nb; i++)
		f->buckets[i] = ILIST_NONE;
	f->free_head = ILIST_NONE;
	ilist_init(&f->lru);
	f->arr = (struct iarray){ f->d, sizeof(*f->d),
	    offsetof(struct fleet_domain, lru),
	    offsetof(struct fleet_domain, hnext) };
	f->strings = strings;
	f->key = *key;
	f->st.capacity = max;
	return f;
}

void
fleet_destroy(struct fleet *f)
{
	uint32_t i;

	if (f == NULL)
		return;
	if (f->d != NULL)
		for (i = 0; i < f->next_unused; i++)
			intern_unref(f->strings, f->d[i].name_id);
	free(f->d);
	free(f->buckets);
	free(f);
}

const struct fleet_stats *
fleet_stats(const struct fleet *f)
{
	return &f->st;
}

static uint32_t
fleet_hash(const struct fleet *f, uint32_t name_id)
{
	return (uint32_t)hash_bytes(&f->key, &name_id, sizeof(name_id));
}

static struct fleet_domain *
fleet_find(struct fleet *f, uint32_t name_id, int create, uint64_t now_us)
{
	uint32_t h = fleet_hash(f, name_id), i;
	struct fleet_domain *d;

	for (i = f->buckets[h & (f->nbuckets - 1)]; i != ILIST_NONE;
	    i = f->d[i].hnext)
		if (f->d[i].name_id == name_id) {
			ilist_unlink(&f->lru, &f->arr, i);
			ilist_append(&f->lru, &f->arr, i);
			return &f->d[i];
		}
	if (!create || name_id == 0)
		return NULL;
	if (f->free_head != ILIST_NONE) {
		i = f->free_head;
		f->free_head = f->d[i].hnext;
	} else if (f->next_unused < f->max) {
		i = f->next_unused++;
	} else {
		i = f->lru.head;
		d = &f->d[i];
		ichain_remove(&f->buckets[d->hash & (f->nbuckets - 1)],
		    &f->arr, i);
		ilist_unlink(&f->lru, &f->arr, i);
		intern_unref(f->strings, d->name_id);
		f->st.evicted++;
		f->st.domains--;
	}
	d = &f->d[i];
	memset(d, 0, sizeof(*d));
	d->name_id = name_id;
	intern_ref(f->strings, name_id);
	d->hash = h;
	d->first_us = d->last_us = now_us;
	ichain_insert(&f->buckets[h & (f->nbuckets - 1)], &f->arr, i);
	d->lru.prev = d->lru.next = ILIST_NONE;
	ilist_append(&f->lru, &f->arr, i);
	f->st.domains++;
	return d;
}

static uint64_t
fleet_src_hash(const struct fleet *f, int family, const uint8_t *src)
{
	uint8_t k[17];
	uint64_t h;

	memcpy(k, src, 16);
	k[16] = (uint8_t)family;
	h = hash_bytes(&f->key, k, sizeof(k));
	return h != 0 ? h : 1;
}

void
fleet_visit(const struct fleet *f, fleet_visit_fn *fn, void *arg)
{
	uint32_t i;

	for (i = f->lru.head; i != ILIST_NONE; i = f->d[i].lru.next)
		fn(arg, f->d[i].name_id, f->d[i].first_us, f->d[i].last_us,
		    f->d[i].src);
}

size_t
fleet_sources_size(void)
{
	return sizeof(((struct fleet_domain *)NULL)->src);
}

void
fleet_restore(struct fleet *f, uint32_t name_id, uint64_t first_us,
    uint64_t last_us, const void *sources)
{
	struct fleet_domain *d = fleet_find(f, name_id, 1, first_us);

	if (d == NULL)
		return;
	d->first_us = first_us;
	d->last_us = last_us;
	memcpy(d->src, sources, sizeof(d->src));
}

void
fleet_seen(struct fleet *f, uint32_t name_id, uint64_t now_us)
{
	struct fleet_domain *d = fleet_find(f, name_id, 1, now_us);

	if (d == NULL)
		return;
	if (now_us < d->first_us)
		d->first_us = now_us;
	if (now_us > d->last_us)
		d->last_us = now_us;
}

void
fleet_update(struct fleet *f, uint32_t name_id, int family, const uint8_t *src,
    uint64_t period_us, double jitter, uint64_t now_us)
{
	struct fleet_domain *d = fleet_find(f, name_id, 1, now_us);
	struct fleet_source *s, *slot = NULL;
	uint64_t h;
	int i;

	if (d == NULL)
		return;
	h = fleet_src_hash(f, family, src);
	for (i = 0; i < FLEET_SOURCES; i++) {
		s = &d->src[i];
		if (s->src_hash == h) {
			slot = s;
			break;
		}
		if (slot == NULL || (slot->src_hash != 0 &&
		    (s->src_hash == 0 || s->seen_us < slot->seen_us)))
			slot = s;		/* empty, or the oldest */
	}
	slot->src_hash = h;
	slot->period_us = period_us;
	slot->jitter = (float)jitter;
	slot->seen_us = now_us;
}

unsigned
fleet_size(struct fleet *f, uint32_t name_id, int family, const uint8_t *src,
    uint64_t period_us, double jitter, uint64_t now_us,
    const struct score_conf *conf)
{
	struct fleet_domain *d = fleet_find(f, name_id, 0, now_us);
	uint64_t h;
	unsigned n = 0;
	int i;

	if (d == NULL || period_us == 0)
		return 0;
	h = fleet_src_hash(f, family, src);
	for (i = 0; i < FLEET_SOURCES; i++) {
		const struct fleet_source *s = &d->src[i];

		if (s->src_hash == 0 || s->src_hash == h || s->period_us == 0 ||
		    s->seen_us + FLEET_RECENT * s->period_us < now_us)
			continue;
		if (beacon_period_match(period_us, jitter, s->period_us,
		    s->jitter, conf))
			n++;
	}
	return n;
}

uint64_t
fleet_age(struct fleet *f, uint32_t name_id, uint64_t now_us)
{
	struct fleet_domain *d = fleet_find(f, name_id, 0, now_us);

	return d != NULL && now_us > d->first_us ? now_us - d->first_us : 0;
}
