/*
 * fuzz_state.c - the body of a state snapshot under hostile bytes: a
 * snapshot passes its checksum only when faaswatch wrote it, but a file
 * written by another build, or damaged after its checksum was computed by
 * a broken writer, must still never crash the restore.  The bytes are
 * restored into small tables, which are then written out again.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "catalogue.h"
#include "fleet.h"
#include "intern.h"
#include "names.h"
#include "pair.h"
#include "state.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct hash_key key = { 1, 2 };
	struct state_tables t;
	struct state_counts n;
	struct score_conf sc;
	struct catalogue *cat;
	struct state *st;
	char err[256], path[64];

	beacon_score_defaults(&sc);
	t.strings = intern_create(256, &key);
	t.names = names_create(32, t.strings, &key);
	t.fleet = fleet_create(8, t.strings, &key);
	t.pairs = pair_table_create(32, 8, t.strings, &key, &sc);
	t.cat = cat = catalogue_create_builtin();
	if (t.strings != NULL && t.names != NULL && t.fleet != NULL &&
	    t.pairs != NULL && t.cat != NULL &&
	    (st = state_from_body(data, size)) != NULL) {
		if (state_restore(st, &t, &n, err, sizeof(err)) == 0) {
			/* what was accepted must write out again */
			snprintf(path, sizeof(path), "/tmp/fuzz_state.%ld",
			    (long)getpid());
			if (state_write(path, 0, &key, &t, &n, err,
			    sizeof(err)) == 0)
				unlink(path);
		}
		state_free(st);
	}
	pair_table_destroy(t.pairs);
	fleet_destroy(t.fleet);
	names_destroy(t.names);
	catalogue_destroy(cat);
	intern_destroy(t.strings);
	return 0;
}
