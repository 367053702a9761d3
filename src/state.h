/*
 * state.h - snapshots of what the sensor has learnt, so that a restart (an
 * upgrade, a reboot, a capture split in two files) continues a beacon's
 * evidence instead of starting it again.
 *
 * A snapshot holds the pair table (every pair with its hour buckets,
 * check-in history, process and alert state), the fleet table (domain
 * ages, the periods their sources check in with) and the DNS name map,
 * with the names as strings, plus the hash key the tables were built with
 * (the fleet keeps keyed hashes of sources) and the packet time it was
 * taken at.  Flows in progress are not kept: a restart reports them as
 * ended and their continuation as new flows.
 *
 * The file: magic, format version, a layout signature of the records, the
 * time, the key, the body's length and SHA-256 (OpenSSL), then the body.
 * It is written to FILE.tmp, synced and renamed over FILE, so a crash
 * leaves the old snapshot or the new one, never half of one.  It is read
 * whole (at most STATE_FILE_MAX bytes) and parsed through the bounded
 * cursor; a file that is truncated, fails its checksum, comes from another
 * version or layout, or does not parse is reported and ignored.
 */
#ifndef FAASWATCH_STATE_H
#define FAASWATCH_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "catalogue.h"
#include "fleet.h"
#include "hash.h"
#include "intern.h"
#include "names.h"
#include "pair.h"

#define STATE_VERSION		1
#define STATE_FILE_MAX		((size_t)1 << 30)	/* bytes read at most */

struct state_tables {
	struct pair_table	*pairs;
	struct fleet		*fleet;
	struct names		*names;
	struct intern		*strings;
	const struct catalogue	*cat;		/* restore: re-matches names */
};

struct state_counts {
	uint64_t	pairs, heavy, domains, names;
	uint64_t	skipped;	/* names no longer in the catalogue,
					   duplicates */
};

/* Writes a snapshot of t taken at packet time now_us with key.  Returns 0,
 * or -1 with a reason in err (the old file is then untouched). */
int		 state_write(const char *path, uint64_t now_us,
		    const struct hash_key *key, const struct state_tables *t,
		    struct state_counts *n, char *err, size_t errlen);

struct state;

/* Reads and checks a snapshot.  Returns it, or NULL with a reason in err
 * (*missing set when there is no such file: a first start). */
struct state	*state_read(const char *path, int *missing, char *err,
		    size_t errlen);

/* The same from a snapshot in memory (copied); what names it in messages. */
struct state	*state_parse(const void *buf, size_t len, const char *what,
		    char *err, size_t errlen);

/* A snapshot of body alone, as if its header had checked: for the tests
 * and the fuzz target of the body's parser (state_restore()). */
struct state	*state_from_body(const void *body, size_t len);

/* The snapshot's packet time and hash key. */
uint64_t	 state_time(const struct state *);
const struct hash_key *state_key(const struct state *);

/* Puts the snapshot's contents into t (empty tables made with its key).
 * Returns 0, or -1 with a reason when the body does not parse (what was
 * restored before the error stays). */
int		 state_restore(const struct state *, const struct state_tables *t,
		    struct state_counts *n, char *err, size_t errlen);

void		 state_free(struct state *);

#endif /* FAASWATCH_STATE_H */
