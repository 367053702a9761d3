/*
 * names.c - the DNS name map and name canonicalisation.  See names.h.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ilist.h"
#include "names.h"

#define NONE	ILIST_NONE

struct names_entry {
	uint8_t		client[16];
	uint8_t		server[16];
	uint8_t		family;
	uint8_t		used;
	uint32_t	name_id;
	uint32_t	hash;
	uint32_t	hnext;
	struct ilink	lru;		/* least recently updated first */
	uint64_t	expires_us;
};

struct names {
	struct names_entry	*e;
	uint32_t		*buckets;
	uint32_t		 nbuckets;
	uint32_t		 max;
	uint32_t		 next_unused;
	uint32_t		 free_head;
	struct ilist		 lru;
	struct iarray		 arr;
	struct intern		*strings;
	struct hash_key		 key;
	struct names_stats	 st;
};

struct names_key {
	uint8_t		client[16];
	uint8_t		server[16];
	uint8_t		family;
};

struct names *
names_create(size_t max, struct intern *strings, const struct hash_key *key)
{
	struct names *n;
	uint32_t nb, i;

	if (max == 0 || max >= NONE / 4)
		return NULL;
	if ((n = calloc(1, sizeof(*n))) == NULL)
		return NULL;
	n->max = (uint32_t)max;
	for (nb = 1; nb < n->max; nb <<= 1)
		;
	n->nbuckets = nb;
	n->e = calloc(n->max, sizeof(*n->e));
	n->buckets = malloc((size_t)nb * sizeof(*n->buckets));
	if (n->e == NULL || n->buckets == NULL) {
		names_destroy(n);
		return NULL;
	}
	for (i = 0; i < nb; i++)
		n->buckets[i] = NONE;
	n->free_head = NONE;
	ilist_init(&n->lru);
	n->arr = (struct iarray){ n->e, sizeof(*n->e),
	    offsetof(struct names_entry, lru),
	    offsetof(struct names_entry, hnext) };
	n->strings = strings;
	n->key = *key;
	n->st.capacity = max;
	return n;
}

void
names_destroy(struct names *n)
{
	uint32_t i;

	if (n == NULL)
		return;
	if (n->e != NULL)
		for (i = 0; i < n->next_unused; i++)
			if (n->e[i].used)
				intern_unref(n->strings, n->e[i].name_id);
	free(n->e);
	free(n->buckets);
	free(n);
}

const struct names_stats *
names_stats(const struct names *n)
{
	return &n->st;
}

static uint32_t
names_hash(const struct names *n, int family, const uint8_t *client,
    const uint8_t *server)
{
	struct names_key k;

	memset(&k, 0, sizeof(k));
	memcpy(k.client, client, 16);
	memcpy(k.server, server, 16);
	k.family = (uint8_t)family;
	return (uint32_t)hash_bytes(&n->key, &k, sizeof(k));
}

static void
names_remove(struct names *n, uint32_t i)
{
	struct names_entry *e = &n->e[i];

	ichain_remove(&n->buckets[e->hash & (n->nbuckets - 1)], &n->arr, i);
	ilist_unlink(&n->lru, &n->arr, i);
	intern_unref(n->strings, e->name_id);
	e->used = 0;
	e->hnext = n->free_head;
	n->free_head = i;
	n->st.entries--;
}

static uint32_t
names_find(const struct names *n, uint32_t h, int family,
    const uint8_t *client, const uint8_t *server)
{
	uint32_t i;

	for (i = n->buckets[h & (n->nbuckets - 1)]; i != NONE;
	    i = n->e[i].hnext) {
		const struct names_entry *e = &n->e[i];

		if (e->hash == h && e->family == family &&
		    memcmp(e->client, client, 16) == 0 &&
		    memcmp(e->server, server, 16) == 0)
			return i;
	}
	return NONE;
}

void
names_visit(const struct names *n, names_visit_fn *fn, void *arg)
{
	uint32_t i;

	for (i = n->lru.head; i != NONE; i = n->e[i].lru.next)
		fn(arg, n->e[i].family, n->e[i].client, n->e[i].server,
		    n->e[i].name_id, n->e[i].expires_us);
}

void
names_restore(struct names *n, int family, const uint8_t *client,
    const uint8_t *server, uint32_t name_id, uint64_t expires_us)
{
	uint32_t i;

	names_dns_add(n, family, client, server, name_id, DNS_TTL_MIN, 0);
	n->st.added--;
	if ((i = names_find(n, names_hash(n, family, client, server), family,
	    client, server)) != NONE)
		n->e[i].expires_us = expires_us;
}

void
names_dns_add(struct names *n, int family, const uint8_t *client,
    const uint8_t *addr, uint32_t name_id, uint32_t ttl, uint64_t now_us)
{
	uint32_t h = names_hash(n, family, client, addr), i;
	struct names_entry *e;

	if (name_id == 0)
		return;
	if (ttl < DNS_TTL_MIN)
		ttl = DNS_TTL_MIN;
	if (ttl > DNS_TTL_MAX)
		ttl = DNS_TTL_MAX;
	n->st.added++;
	if ((i = names_find(n, h, family, client, addr)) != NONE) {
		e = &n->e[i];
		if (e->name_id != name_id) {
			intern_ref(n->strings, name_id);
			intern_unref(n->strings, e->name_id);
			e->name_id = name_id;
			n->st.replaced++;
		}
		e->expires_us = now_us + (uint64_t)ttl * 1000000;
		ilist_unlink(&n->lru, &n->arr, i);
		ilist_append(&n->lru, &n->arr, i);
		return;
	}
	if (n->free_head != NONE) {
		i = n->free_head;
		n->free_head = n->e[i].hnext;
	} else if (n->next_unused < n->max) {
		i = n->next_unused++;
	} else {
		i = n->lru.head;
		if (n->e[i].expires_us < now_us)
			n->st.expired++;
		else
			n->st.evicted++;
		names_remove(n, i);
		i = n->free_head;
		n->free_head = n->e[i].hnext;
	}
	e = &n->e[i];
	memcpy(e->client, client, 16);
	memcpy(e->server, addr, 16);
	e->family = (uint8_t)family;
	e->used = 1;
	e->name_id = name_id;
	intern_ref(n->strings, name_id);
	e->hash = h;
	e->expires_us = now_us + (uint64_t)ttl * 1000000;
	ichain_insert(&n->buckets[h & (n->nbuckets - 1)], &n->arr, i);
	e->lru.prev = e->lru.next = NONE;
	ilist_append(&n->lru, &n->arr, i);
	n->st.entries++;
}

uint32_t
names_dns_lookup(struct names *n, int family, const uint8_t *client,
    const uint8_t *server, uint64_t now_us)
{
	uint32_t i;

	n->st.lookups++;
	i = names_find(n, names_hash(n, family, client, server), family,
	    client, server);
	if (i == NONE)
		return 0;
	if (n->e[i].expires_us < now_us) {
		names_remove(n, i);
		n->st.expired++;
		return 0;
	}
	n->st.hits++;
	return n->e[i].name_id;
}

int
names_canon(const uint8_t *raw, size_t len, char out[NAME_MAX_LEN + 1])
{
	size_t i, o = 0;

	if (len > 0 && raw[len - 1] == '.')
		len--;
	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		uint8_t ch = raw[i];

		if (ch >= 'A' && ch <= 'Z')
			ch = (uint8_t)(ch - 'A' + 'a');
		if (ch > 0x20 && ch < 0x7f && ch != '\\' && ch != '"') {
			if (o + 1 > NAME_MAX_LEN)
				return -1;
			out[o++] = (char)ch;
		} else {
			if (o + 4 > NAME_MAX_LEN)
				return -1;
			snprintf(out + o, 5, "\\%03u", ch);
			o += 4;
		}
	}
	out[o] = '\0';
	return (int)o;
}
