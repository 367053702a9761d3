/*
 * intern.c - a bounded, reference-counted string table.  See intern.h.
 *
 * Slots live in one array; slot 0 is never used so that id 0 means "none".
 * Strings are allocated once per distinct string (not per packet) and kept
 * until their slot is recycled.  Unreferenced slots sit on a FIFO list from
 * which the oldest is recycled when no free slot is left.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "intern.h"

#define NONE	UINT32_MAX

struct intern_slot {
	char		*s;		/* NULL: free */
	uint32_t	 len;
	uint32_t	 refs;
	uint32_t	 hash;
	uint32_t	 hnext;
	uint32_t	 tag;
	uint32_t	 uprev, unext;	/* unreferenced FIFO */
};

struct intern {
	struct intern_slot	*slots;
	uint32_t		*buckets;
	uint32_t		 nbuckets;
	uint32_t		 nslots;
	uint32_t		 next_unused;	/* slots never used start here */
	uint32_t		 uhead, utail;
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
	t->uhead = t->utail = NONE;
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

static void
unref_unlink(struct intern *t, uint32_t id)
{
	struct intern_slot *e = &t->slots[id];

	if (e->uprev != NONE)
		t->slots[e->uprev].unext = e->unext;
	else
		t->uhead = e->unext;
	if (e->unext != NONE)
		t->slots[e->unext].uprev = e->uprev;
	else
		t->utail = e->uprev;
	e->uprev = e->unext = NONE;
}

static void
unref_append(struct intern *t, uint32_t id)
{
	struct intern_slot *e = &t->slots[id];

	e->unext = NONE;
	e->uprev = t->utail;
	if (t->utail != NONE)
		t->slots[t->utail].unext = id;
	else
		t->uhead = id;
	t->utail = id;
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
	uint32_t *pp = &t->buckets[e->hash & (t->nbuckets - 1)];

	while (*pp != id)
		pp = &t->slots[*pp].hnext;
	*pp = e->hnext;
	unref_unlink(t, id);
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
	if (t->uhead == NONE)
		return 0;
	id = t->uhead;
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
	e->uprev = e->unext = NONE;
	e->hnext = t->buckets[h & (t->nbuckets - 1)];
	t->buckets[h & (t->nbuckets - 1)] = id;
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
		unref_unlink(t, id);
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
		unref_append(t, id);
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
