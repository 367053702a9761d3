/*
 * ilist.h - doubly linked lists and hash chains of array indices.
 *
 * The flow table, the intern table, the DNS name map and the pair table all
 * keep their entries in one fixed array and link them by 32-bit index (half
 * the size of pointers, and valid across the array's lifetime).  These
 * helpers are the one implementation of those links: each entry embeds a
 * struct ilink (for a list such as least-recently-used order) and a uint32_t
 * chain link (for its hash bucket); the helpers find them from the array
 * base, the entry size and the field offset.  ILIST_NONE ends a list.
 */
#ifndef FAASWATCH_ILIST_H
#define FAASWATCH_ILIST_H

#include <stddef.h>
#include <stdint.h>

#define ILIST_NONE	UINT32_MAX

struct ilist {
	uint32_t	head, tail;
};

struct ilink {
	uint32_t	prev, next;
};

/* Where the links of an array's entries are. */
struct iarray {
	void		*base;
	size_t		 size;		/* sizeof one entry */
	size_t		 link;		/* offsetof its struct ilink */
	size_t		 chain;		/* offsetof its uint32_t chain link */
};

static inline struct ilink *
ilist_link(const struct iarray *a, uint32_t i)
{
	return (struct ilink *)(void *)((char *)a->base + (size_t)i * a->size +
	    a->link);
}

static inline uint32_t *
ichain_link(const struct iarray *a, uint32_t i)
{
	return (uint32_t *)(void *)((char *)a->base + (size_t)i * a->size +
	    a->chain);
}

static inline void
ilist_init(struct ilist *l)
{
	l->head = l->tail = ILIST_NONE;
}

static inline void
ilist_unlink(struct ilist *l, const struct iarray *a, uint32_t i)
{
	struct ilink *e = ilist_link(a, i);

	if (e->prev != ILIST_NONE)
		ilist_link(a, e->prev)->next = e->next;
	else
		l->head = e->next;
	if (e->next != ILIST_NONE)
		ilist_link(a, e->next)->prev = e->prev;
	else
		l->tail = e->prev;
	e->prev = e->next = ILIST_NONE;
}

static inline void
ilist_append(struct ilist *l, const struct iarray *a, uint32_t i)
{
	struct ilink *e = ilist_link(a, i);

	e->next = ILIST_NONE;
	e->prev = l->tail;
	if (l->tail != ILIST_NONE)
		ilist_link(a, l->tail)->next = i;
	else
		l->head = i;
	l->tail = i;
}

/* Pushes entry i on the front of the chain starting at *head. */
static inline void
ichain_insert(uint32_t *head, const struct iarray *a, uint32_t i)
{
	*ichain_link(a, i) = *head;
	*head = i;
}

/* Removes entry i from the chain starting at *head (a no-op if absent). */
static inline void
ichain_remove(uint32_t *head, const struct iarray *a, uint32_t i)
{
	uint32_t *pp = head;

	while (*pp != ILIST_NONE && *pp != i)
		pp = ichain_link(a, *pp);
	if (*pp == i)
		*pp = *ichain_link(a, i);
}

#endif /* FAASWATCH_ILIST_H */
