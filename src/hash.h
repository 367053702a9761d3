/*
 * hash.h - keyed hashing for every table that hostile traffic can fill.
 *
 * SipHash-2-4 (Aumasson and Bernstein, 2012) with a per-process random key,
 * so an attacker who can choose addresses, ports or names cannot aim them at
 * one bucket.  Written from the paper's description.
 */
#ifndef FAASWATCH_HASH_H
#define FAASWATCH_HASH_H

#include <stddef.h>
#include <stdint.h>

struct hash_key {
	uint64_t	k0, k1;
};

/* Fills key from getrandom(2); falls back to time and pid if that fails.
 * Returns 0, or -1 when only the weak fallback was available. */
int		hash_key_random(struct hash_key *key);

/* SipHash-2-4 of len bytes at p under key. */
uint64_t	hash_bytes(const struct hash_key *key, const void *p, size_t len);

#endif /* FAASWATCH_HASH_H */
