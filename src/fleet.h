/*
 * fleet.h - population context per domain: how long the sensor has seen a
 * domain, and which sources check in to it with which period.
 *
 * Benign periodic traffic is usually fleet telemetry: many hosts polling
 * one name with one period (an agent's heartbeat).  One host doing it is
 * suspicious.  So every time the periodicity score of a (source, domain)
 * pair is evaluated, its period goes here; a pair's fleet size is then the
 * number of other sources of the same domain, seen within the last
 * FLEET_RECENT periods, whose period matches its own (beacon_period_match:
 * within tolerance and jitter).  A beacon to a name that also carries fleet
 * telemetry still stands out when its period differs.  A domain's age is
 * the time since the sensor first saw any record to it; a new domain makes
 * a beacon more severe.
 *
 * Bounded: at most max domains (least recently updated dropped, counted),
 * FLEET_SOURCES sources each (the oldest entry replaced).  Names are intern
 * ids with a reference held per domain.
 */
#ifndef FAASWATCH_FLEET_H
#define FAASWATCH_FLEET_H

#include <stddef.h>
#include <stdint.h>

#include "beacon_score.h"
#include "hash.h"
#include "intern.h"

#define FLEET_SOURCES	32	/* sources remembered per domain */
#define FLEET_RECENT	3	/* a source counts for this many periods */

struct fleet;

struct fleet_stats {
	uint64_t	domains, capacity, evicted;
};

/* Returns NULL on allocation failure; borrows the intern table. */
struct fleet	*fleet_create(size_t max, struct intern *strings,
		    const struct hash_key *key);
void		 fleet_destroy(struct fleet *);

/* Notes a record to name_id at now_us (starts the domain's age). */
void		 fleet_seen(struct fleet *, uint32_t name_id, uint64_t now_us);

/* Records that source (family, 16-byte address) checks in to name_id with
 * period_us and jitter as of now_us (period 0: no period yet). */
void		 fleet_update(struct fleet *, uint32_t name_id, int family,
		    const uint8_t *src, uint64_t period_us, double jitter,
		    uint64_t now_us);

/* Other sources of name_id whose recent period matches period_us. */
unsigned	 fleet_size(struct fleet *, uint32_t name_id, int family,
		    const uint8_t *src, uint64_t period_us, double jitter,
		    uint64_t now_us, const struct score_conf *conf);

/* How long name_id has been seen at now_us, or 0 if it has not. */
uint64_t	 fleet_age(struct fleet *, uint32_t name_id, uint64_t now_us);

/* Snapshots (state.c): every domain, least recently seen first, its
 * sources as an opaque block of fleet_sources_size() bytes. */
typedef void fleet_visit_fn(void *arg, uint32_t name_id, uint64_t first_us,
    uint64_t last_us, const void *sources);
void		 fleet_visit(const struct fleet *, fleet_visit_fn *fn, void *arg);
size_t		 fleet_sources_size(void);

/* Puts back a visited domain (name_id referenced here).  The source
 * hashes are keyed: the table must use the key of the run that wrote
 * them. */
void		 fleet_restore(struct fleet *, uint32_t name_id, uint64_t first_us,
		    uint64_t last_us, const void *sources);

const struct fleet_stats *fleet_stats(const struct fleet *);

#endif /* FAASWATCH_FLEET_H */
