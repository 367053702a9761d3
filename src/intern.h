/*
 * intern.h - a bounded, reference-counted string table.
 *
 * Names (SNI, Host, DNS names) and fingerprints repeat across thousands of
 * flows, DNS map entries and pairs; each distinct string is stored once and
 * referred to by a 32-bit id (0 means "none").  Every holder takes a
 * reference and drops it when done.  Strings nobody references stay cached
 * and are reused first-in-first-out when the table is full; when every slot
 * is referenced, intern_get() fails and the caller counts it.
 *
 * Each entry carries one caller-defined 32-bit tag, initialised to
 * INTERN_TAG_UNSET, in which the sensor caches the catalogue verdict for a
 * name so that matching runs once per distinct name.
 */
#ifndef FAASWATCH_INTERN_H
#define FAASWATCH_INTERN_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"

#define INTERN_TAG_UNSET	UINT32_MAX

struct intern;

struct intern_stats {
	uint64_t	entries;	/* strings held now */
	uint64_t	bytes;		/* bytes of string storage */
	uint64_t	reused;		/* unreferenced strings dropped for room */
	uint64_t	full;		/* intern_get() failures: all referenced */
};

/* Returns NULL on allocation failure.  max is the number of strings. */
struct intern	*intern_create(size_t max, const struct hash_key *key);
void		 intern_destroy(struct intern *);

/* Returns the id of s[0..len) with one more reference, adding it if needed;
 * 0 when len is 0 or the table is full of referenced strings. */
uint32_t	 intern_get(struct intern *, const char *s, size_t len);

/* Returns the id of s if present (no reference taken), else 0. */
uint32_t	 intern_find(const struct intern *, const char *s, size_t len);

void		 intern_ref(struct intern *, uint32_t id);
void		 intern_unref(struct intern *, uint32_t id);

/* NUL-terminated string of id (owned by the table, valid while referenced),
 * or NULL for id 0.  *len may be NULL. */
const char	*intern_str(const struct intern *, uint32_t id, size_t *len);

uint32_t	 intern_tag(const struct intern *, uint32_t id);
void		 intern_set_tag(struct intern *, uint32_t id, uint32_t tag);

/* Flag bits kept with a string (0 when new); the owner of each bit keeps a
 * reference on the strings it flags. */
#define INTERN_F_ECH_PUBLIC	0x01	/* an ECH public (outer) name */
uint8_t		 intern_flags(const struct intern *, uint32_t id);
void		 intern_set_flags(struct intern *, uint32_t id, uint8_t flags);

/* Drops every cached tag (after the catalogue is replaced). */
void		 intern_clear_tags(struct intern *);

const struct intern_stats *intern_stats(const struct intern *);

#endif /* FAASWATCH_INTERN_H */
