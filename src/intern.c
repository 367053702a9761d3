/*
 * intern.c - a bounded, reference-counted string table.  See intern.h.
 *
 * Slots live in one array; slot 0 is never used so that id 0 means "none".
 * Strings are allocated once per distinct string (not per packet) and kept
 * until their slot is recycled.  Unreferenced slots sit on a FIFO list from
 * which the oldest is recycled when no free slot is left.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ilist.h"
#include "intern.h"

#define NONE	ILIST_NONE

struct intern_slot {
	char		*s;		/* NULL: free */
	uint32_t	 len;
	uint32_t	 refs;
	uint32_t	 hash;
	uint32_t	 hnext;
	uint32_t	 tag;
	uint8_t		 flags;
	struct ilink	 unref;		/* unreferenced FIFO */
};

struct intern {
	struct intern_slot	*slots;
	uint32_t		*buckets;
	uint32_t		 nbuckets;
	uint32_t		 nslots;
	uint32_t		 next_unused;	/* slots never used start here */
	struct ilist		 unref;
	struct iarray		 arr;
	struct hash_key		 key;
	struct intern_stats	 st;
};

struct intern *
intern_create(size_t max, const struct hash_key *key)
{
	struct intern *t;
	uint32_t nb, i;

	if (max == 0 || max >= NONE / 4)
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->nslots = (uint32_t)max + 1;
	for (nb = 1; nb < t->nslots; nb <<= 1)
		;
	t->nbuckets = nb;
	t->slots = calloc(t->nslots, sizeof(*t->slots));
	t->buckets = malloc((size_t)nb * sizeof(*t->buckets));
	if (t->slots == NULL || t->buckets == NULL) {
		intern_destroy(t);
		return NULL;
	}
	for (i = 0; i < nb; i++)
		t->buckets[i] = NONE;
	t->next_unused = 1;
	ilist_init(&t->unref);
	t->arr = (struct iarray){ t->slots, sizeof(*t->slots),
	    offsetof(struct intern_slot, unref),
	    offsetof(struct intern_slot, hnext) };
	t->key = *key;
	return t;
}

void
intern_destroy(struct intern *t)
{
	uint32_t i;

	if (t == NULL)
		return;
	if (t->slots != NULL)
		for (i = 0; i < t->nslots; i++)
			free(t->slots[i].s);
	free(t->slots);
	free(t->buckets);
	free(t);
}

uint32_t
intern_find(const struct intern *t, const char *s, size_t len)
{
	uint32_t h, id;

	if (len == 0 || len > UINT32_MAX)
		return 0;
	h = (uint32_t)hash_bytes(&t->key, s, len);
	for (id = t->buckets[h & (t->nbuckets - 1)]; id != NONE;
	    id = t->slots[id].hnext) {
		const struct intern_slot *e = &t->slots[id];

		if (e->hash == h && e->len == len && memcmp(e->s, s, len) == 0)
			return id;
	}
	return 0;
}

/* Removes slot id from the table (it must be unreferenced). */
static void
intern_drop(struct intern *t, uint32_t id)
{
	struct intern_slot *e = &t->slots[id];

	ichain_remove(&t->buckets[e->hash & (t->nbuckets - 1)], &t->arr, id);
	ilist_unlink(&t->unref, &t->arr, id);
	t->st.bytes -= e->len + 1;
	t->st.entries--;
	free(e->s);
	e->s = NULL;
}

static uint32_t
intern_slot_alloc(struct intern *t)
{
	uint32_t id;

	if (t->next_unused < t->nslots)
		return t->next_unused++;
	if (t->unref.head == NONE)
		return 0;
	id = t->unref.head;
	intern_drop(t, id);
	t->st.reused++;
	return id;
}

uint32_t
intern_get(struct intern *t, const char *s, size_t len)
{
	struct intern_slot *e;
	uint32_t id, h;
	char *copy;

	if (len == 0 || len > UINT32_MAX - 1)
		return 0;
	if ((id = intern_find(t, s, len)) != 0) {
		intern_ref(t, id);
		return id;
	}
	if ((copy = malloc(len + 1)) == NULL) {
		t->st.full++;
		return 0;
	}
	if ((id = intern_slot_alloc(t)) == 0) {
		free(copy);
		t->st.full++;
		return 0;
	}
	memcpy(copy, s, len);
	copy[len] = '\0';
	h = (uint32_t)hash_bytes(&t->key, s, len);
	e = &t->slots[id];
	e->s = copy;
	e->len = (uint32_t)len;
	e->refs = 1;
	e->hash = h;
	e->tag = INTERN_TAG_UNSET;
	e->flags = 0;
	e->unref.prev = e->unref.next = NONE;
	ichain_insert(&t->buckets[h & (t->nbuckets - 1)], &t->arr, id);
	t->st.entries++;
	t->st.bytes += len + 1;
	return id;
}

void
intern_ref(struct intern *t, uint32_t id)
{
	struct intern_slot *e;

	if (id == 0 || id >= t->nslots)
		return;
	e = &t->slots[id];
	if (e->s == NULL)
		return;
	if (e->refs++ == 0)
		ilist_unlink(&t->unref, &t->arr, id);
}

void
intern_unref(struct intern *t, uint32_t id)
{
	struct intern_slot *e;

	if (id == 0 || id >= t->nslots)
		return;
	e = &t->slots[id];
	if (e->s == NULL || e->refs == 0)
		return;
	if (--e->refs == 0)
		ilist_append(&t->unref, &t->arr, id);
}

const char *
intern_str(const struct intern *t, uint32_t id, size_t *len)
{
	const struct intern_slot *e;

	if (id == 0 || id >= t->nslots || t->slots[id].s == NULL) {
		if (len != NULL)
			*len = 0;
		return NULL;
	}
	e = &t->slots[id];
	if (len != NULL)
		*len = e->len;
	return e->s;
}

uint32_t
intern_tag(const struct intern *t, uint32_t id)
{
	if (id == 0 || id >= t->nslots || t->slots[id].s == NULL)
		return INTERN_TAG_UNSET;
	return t->slots[id].tag;
}

void
intern_set_tag(struct intern *t, uint32_t id, uint32_t tag)
{
	if (id != 0 && id < t->nslots && t->slots[id].s != NULL)
		t->slots[id].tag = tag;
}

uint8_t
intern_flags(const struct intern *t, uint32_t id)
{
	if (id == 0 || id >= t->nslots || t->slots[id].s == NULL)
		return 0;
	return t->slots[id].flags;
}

void
intern_set_flags(struct intern *t, uint32_t id, uint8_t flags)
{
	if (id != 0 && id < t->nslots && t->slots[id].s != NULL)
		t->slots[id].flags = flags;
}

void
intern_clear_tags(struct intern *t)
{
	uint32_t i;

	for (i = 1; i < t->nslots; i++)
		t->slots[i].tag = INTERN_TAG_UNSET;
}

const struct intern_stats *
intern_stats(const struct intern *t)
{
	return &t->st;
}
