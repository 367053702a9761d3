/*
 * names.h - what each client called each server: the DNS name map, and the
 * canonical form of every name faaswatch reports.
 *
 * The map holds, per (client address, server address), the name of the
 * client's latest DNS answer that resolved to that server, with an expiry
 * from the answer's TTL (clamped to [DNS_TTL_MIN, DNS_TTL_MAX]).  A flow
 * without SNI or Host takes its name from here.  Memory is fixed: a full map
 * drops its least recently updated entry (counted).  Names are held as
 * intern ids with a reference per entry.
 */
#ifndef FAASWATCH_NAMES_H
#define FAASWATCH_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "defaults.h"
#include "hash.h"
#include "intern.h"

struct names;

struct names_stats {
	uint64_t	entries;	/* live entries */
	uint64_t	capacity;
	uint64_t	added;		/* answers recorded */
	uint64_t	replaced;	/* an entry got a newer name */
	uint64_t	evicted;	/* dropped for room */
	uint64_t	expired;	/* dropped at lookup after their TTL */
	uint64_t	lookups, hits;
};

/* Returns NULL on allocation failure.  names borrows the intern table. */
struct names	*names_create(size_t max, struct intern *strings,
		    const struct hash_key *key);
void		 names_destroy(struct names *);

/*
 * Records that client (family 4 or 6; 16-byte buffers, IPv4 in the first 4
 * bytes) was told that name_id resolves to addr with the given TTL at
 * now_us.  Takes its own reference on name_id.
 */
void		 names_dns_add(struct names *, int family, const uint8_t *client,
		    const uint8_t *addr, uint32_t name_id, uint32_t ttl,
		    uint64_t now_us);

/* The name of the client's latest unexpired answer for server, or 0.  No
 * reference is taken for the caller. */
uint32_t	 names_dns_lookup(struct names *, int family,
		    const uint8_t *client, const uint8_t *server,
		    uint64_t now_us);

/* Snapshots (state.c): every entry, least recently updated first. */
typedef void names_visit_fn(void *arg, int family, const uint8_t *client,
    const uint8_t *server, uint32_t name_id, uint64_t expires_us);
void		 names_visit(const struct names *, names_visit_fn *fn, void *arg);

/* Puts back a visited entry with its expiry. */
void		 names_restore(struct names *, int family, const uint8_t *client,
		    const uint8_t *server, uint32_t name_id, uint64_t expires_us);

const struct names_stats *names_stats(const struct names *);

/*
 * Canonical form of a name read off the wire (SNI, Host, DNS presentation):
 * ASCII lower case, one trailing dot removed, bytes outside printable ASCII
 * and the characters '\\' and '"' written as \DDD.  Writes a NUL-terminated
 * string to out (NAME_MAX_LEN + 1 bytes) and returns its length, or -1 if
 * the name is empty or its canonical form is longer than NAME_MAX_LEN.
 */
int		 names_canon(const uint8_t *raw, size_t len,
		    char out[NAME_MAX_LEN + 1]);

#endif /* FAASWATCH_NAMES_H */
