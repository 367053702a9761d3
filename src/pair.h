/*
 * pair.h - per (source host, domain) aggregation over a sliding window.
 *
 * Every connection record whose name is in the serverless catalogue is
 * added to the pair of its client address and full attributed name (never
 * rolled up to the platform suffix).  A pair keeps, per hour of packet time,
 * the connections started in that hour, bytes each way and the first and
 * last connection times, for the PAIR_WINDOW_HOURS most recent hours, plus
 * the remote ports and last server address seen.  The window is the current
 * UTC hour and the 23 before it.
 *
 * Memory is fixed: the table holds at most max pairs; when full, the pair
 * least recently updated is dropped (counted).  Names are intern ids with a
 * reference held per pair.
 */
#ifndef FAASWATCH_PAIR_H
#define FAASWATCH_PAIR_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "defaults.h"
#include "hash.h"
#include "ilist.h"
#include "intern.h"

struct pair_bucket {
	uint32_t	hour;		/* hours since the epoch */
	uint32_t	conns;
	uint64_t	sent, recv;
	uint32_t	first_ms, last_ms;	/* within the hour */
};

struct pair {
	/* key */
	uint8_t		family;
	uint8_t		src[16];
	uint32_t	name_id;

	/* table bookkeeping (pair.c only) */
	uint32_t	hash, hnext;
	struct ilink	lru;

	/* window */
	struct pair_bucket bucket[PAIR_WINDOW_HOURS];
	uint16_t	ports[PAIR_MAX_PORTS];
	uint8_t		nports;
	uint8_t		ports_more;	/* more distinct ports than kept */
	uint8_t		last_dst[16];
	uint32_t	sni_id;		/* latest SNI, intern id */
	const struct catalogue_entry *serverless;

	/* rule state, owned by beacon.c */
	uint64_t	ref_fired_us;	/* last reference-rule alert, or 0 */
};

/* Window totals of a pair, as the reference rule reads them. */
struct pair_window {
	uint64_t	connections;
	uint32_t	hours;		/* distinct hour buckets with a connection */
	uint64_t	sent, recv;
	uint64_t	first_us, last_us;
};

struct pair_stats {
	uint64_t	active, capacity;
	uint64_t	created, evicted;
	uint64_t	conns;		/* connection records aggregated */
	uint64_t	late;		/* records older than the window */
};

struct pair_table;

/* Returns NULL on allocation failure; borrows the intern table. */
struct pair_table	*pair_table_create(size_t max, struct intern *strings,
			    const struct hash_key *key);
void			 pair_table_destroy(struct pair_table *);

/*
 * Adds c (which must have a name and a catalogue match) to its pair at
 * table time now_us and returns the pair (borrowed until the next call), or
 * NULL if the record is older than the window.
 */
struct pair		*pair_table_add(struct pair_table *, const struct conn *c,
			    uint64_t now_us);

/* Window totals of p at now_us. */
void			 pair_window(const struct pair *p, uint64_t now_us,
			    struct pair_window *w);

const struct pair_stats	*pair_table_stats(const struct pair_table *);

/* Bytes of memory per pair. */
size_t			 pair_table_bytes_per_pair(void);

#endif /* FAASWATCH_PAIR_H */
