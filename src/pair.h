/*
 * pair.h - per (source host, domain, process) evidence.
 *
 * Every connection record and every check-in whose name is in the
 * serverless catalogue goes to the pair of its client address, its full
 * attributed name (never rolled up to the platform suffix) and, when an
 * endpoint feed named the initiating process, that process: the grouping
 * of the reference hunting rule (device, remote URL, process).  Without a
 * feed the process key is 0.
 *
 * Most pairs see one connection and never another (a page load, a one-off
 * API call).  A pair starts light (PAIR_LIGHT_BYTES: its key, its first
 * connection and first check-in) and becomes heavy on its second
 * connection or check-in, taking an entry from a separate, smaller pool:
 * per hour of packet time the connections started in that hour, bytes each
 * way and first/last times for the last PAIR_WINDOW_HOURS hours (the
 * reference rule's window: the current UTC hour and the 23 before), the
 * remote ports, the check-in history the periodicity score reads, the
 * initiating process and the rules' alert state.
 *
 * Memory is fixed: max pairs, max heavy entries.  When the pair table is
 * full the pair updated least recently is dropped; when the heavy pool is
 * full the heavy entry updated least recently goes back to its pair, which
 * becomes light again (its evidence lost).  Both are counted.  Names are
 * intern ids with a reference held per pair.
 */
#ifndef FAASWATCH_PAIR_H
#define FAASWATCH_PAIR_H

#include <stddef.h>
#include <stdint.h>

#include "beacon_score.h"
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

/* The initiating process of a pair's connections (endpoint feeds). */
struct pair_process {
	char		name[64];
	char		executable[160];
	char		command_line[512];
	char		user[64];
	char		user_domain[64];
	char		host[128];
	char		entity_id[64];
	uint32_t	pid;
	uint8_t		match;		/* enum enrich_match of the latest */
	uint32_t	matched;	/* records joined to it */
};

struct pair_heavy {
	struct pair_bucket bucket[PAIR_WINDOW_HOURS];
	uint16_t	ports[PAIR_MAX_PORTS];
	uint8_t		nports;
	uint8_t		ports_more;	/* more distinct ports than kept */
	struct beacon_hist hist;	/* check-ins (beacon_score.c) */
	struct pair_process proc;	/* when proc_key != 0 */

	/* rule state, owned by beacon.c */
	uint64_t	ref_fired_us;	/* last reference-rule alert, or 0 */
	uint64_t	per_alert_us;	/* last periodicity alert, or 0 */
	uint8_t		per_sev;	/* its severity (enum alert_severity
					   + 1; 0: none) */
	uint8_t		suppressed;	/* the last verdict was suppressed */

	/* table bookkeeping (pair.c) */
	uint32_t	owner;		/* its pair */
	struct ilink	lru;
};

struct pair {
	/* key */
	uint8_t		family;
	uint8_t		src[16];
	uint32_t	name_id;
	uint64_t	proc_key;	/* 0: no process known */

	/* table bookkeeping (pair.c only) */
	uint32_t	hash, hnext;
	struct ilink	lru;
	uint32_t	heavy;		/* pool index or ILIST_NONE */

	/* always kept */
	uint64_t	first_us, last_us;	/* first and latest record */
	uint32_t	conns, checkins;	/* records ever (saturating) */
	uint8_t		last_dst[16];
	uint16_t	first_port;
	uint32_t	sni_id;		/* latest SNI, intern id */
	const struct catalogue_entry *serverless;

	/* while light: the first connection and the first check-in */
	uint64_t	c1_start_us, c1_up, c1_down;
	uint64_t	k1_us;
	uint32_t	k1_up, k1_down;
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
	uint64_t	heavy, heavy_capacity;
	uint64_t	created, evicted;
	uint64_t	promoted;	/* light -> heavy */
	uint64_t	demoted;	/* heavy entries taken back (evidence
					   lost) */
	uint64_t	conns;		/* connection records aggregated */
	uint64_t	checkins;	/* check-in records aggregated */
	uint64_t	late;		/* records older than the window */
};

struct pair_table;

/* Returns NULL on allocation failure or zero sizes; borrows the intern
 * table.  conf is the periodicity score's (for merging check-ins). */
struct pair_table	*pair_table_create(size_t max, size_t heavy,
			    struct intern *strings, const struct hash_key *key,
			    const struct score_conf *conf);
void			 pair_table_destroy(struct pair_table *);

/* A new periodicity configuration (a reload). */
void			 pair_table_set_conf(struct pair_table *,
			    const struct score_conf *conf);

/*
 * Adds record c (which must have a name and a catalogue match) for process
 * proc_key at table time now_us: a connection (c->kind CONN_FLOW) to the
 * hour buckets, a check-in (CONN_CHECKIN) to the history.  Returns the pair
 * (borrowed until the next call), or NULL for a connection older than the
 * window.  *is_new_checkin (may be NULL) says whether a check-in record
 * started a new check-in rather than merging into one.
 */
struct pair		*pair_table_add(struct pair_table *, const struct conn *c,
			    uint64_t proc_key, uint64_t now_us,
			    int *is_new_checkin);

/* The pair (family, src, name, proc_key), or NULL; nothing is created. */
struct pair		*pair_table_find(struct pair_table *, int family,
			    const uint8_t *src, uint32_t name_id,
			    uint64_t proc_key);

/* The heavy part of p, or NULL while p is light. */
struct pair_heavy	*pair_heavy(struct pair_table *, const struct pair *p);

/* Window totals of p at now_us. */
void			 pair_window(struct pair_table *, const struct pair *p,
			    uint64_t now_us, struct pair_window *w);

const struct pair_stats	*pair_table_stats(const struct pair_table *);

/* Bytes of memory per pair, and per heavy entry. */
/* Snapshots (state.c): every pair, least recently updated first, with its
 * history (NULL while light). */
typedef void pair_visit_fn(void *arg, const struct pair *p,
    const struct pair_heavy *h);
void			 pair_table_visit(const struct pair_table *,
			    pair_visit_fn *fn, void *arg);

/* Puts back a pair as visited: the key of p with name_id (an id of this
 * table's strings, referenced here), its evidence, h when it had a
 * history, its latest SNI (sni_id, or 0) and catalogue entry e.  Restored
 * in visit order, the table's LRU order comes back too.  Returns the pair,
 * or NULL when p already exists. */
struct pair		*pair_table_restore(struct pair_table *,
			    const struct pair *p, const struct pair_heavy *h,
			    uint32_t name_id, uint32_t sni_id,
			    const struct catalogue_entry *e);

size_t			 pair_table_bytes_per_pair(void);
size_t			 pair_table_bytes_per_heavy(void);

#endif /* FAASWATCH_PAIR_H */
