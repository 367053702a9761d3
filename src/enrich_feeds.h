/*
 * enrich_feeds.h - endpoint feeds in, process context onto records.
 *
 * Owns the feed files (--endpoint-feed, read by feed_endpoint.c), the join
 * table (enrich_process.c) and a bounded hold queue.  Every record of the
 * pipeline (connection or check-in) is looked up before it goes on: when
 * the join's answer is final it goes on at once; when a feed may still
 * deliver its record (Sysmon within seconds, Defender within minutes) the
 * record waits here, and comes out, in arrival order, once its answer is
 * final or its hold time has passed.  A full queue lets its oldest record
 * go with what is known (counted), so memory stays bounded and nothing is
 * lost.
 *
 * Offline, feed events are read in event-time order up to each packet's
 * time (enrich_feeds_until), so a run over the same files always gives the
 * same output.  Live, whatever the feeds have is read as it comes
 * (enrich_feeds_poll); files are followed across rotation like tail -F.
 */
#ifndef FAASWATCH_ENRICH_FEEDS_H
#define FAASWATCH_ENRICH_FEEDS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "conn.h"
#include "enrich_process.h"
#include "hash.h"
#include "intern.h"

#define ENRICH_FEEDS_MAX	8	/* feed files */
#define ENRICH_HOLD_MAX		16384	/* records waiting for a feed */

struct enrich_feeds_conf {
	const char	*paths[ENRICH_FEEDS_MAX];
	size_t		 npaths;
	int		 follow;	/* live: follow the files */
	uint64_t	 hold_us[ENDPOINT_SOURCE_MAX];	/* 0: default */
};

/* A record whose answer is final; strings borrowed for the call. */
typedef void enrich_feeds_fn(void *arg, const struct conn *c,
    const struct enrich_process_result *res, uint64_t now_us);

struct enrich_feeds;

/* Opens every feed.  Returns NULL with a one-line reason in err (a file
 * that cannot be opened, memory).  strings is borrowed. */
struct enrich_feeds	*enrich_feeds_open(const struct enrich_feeds_conf *c,
			    struct intern *strings, const struct hash_key *key,
			    enrich_feeds_fn *fn, void *arg, char *err,
			    size_t errlen);
void			 enrich_feeds_close(struct enrich_feeds *);

/* Reads feed events with an event time up to t_us (offline merge). */
void			 enrich_feeds_until(struct enrich_feeds *, uint64_t t_us);

/* Reads what the feeds have now (live). */
void			 enrich_feeds_poll(struct enrich_feeds *);

/* Reads the feeds to their end (the end of an offline run). */
void			 enrich_feeds_drain(struct enrich_feeds *);

/* Looks record c up at now_us: hands it to the callback with its answer
 * when final, or holds a copy until it is. */
void			 enrich_feeds_record(struct enrich_feeds *,
			    const struct conn *c, uint64_t now_us);

/* Lets out the held records whose answer is now final (all of them with
 * flush, taking what is known). */
void			 enrich_feeds_release(struct enrich_feeds *,
			    uint64_t now_us, int flush);

/* Counters for the statistics record, as an object. */
json_t			*enrich_feeds_stats_json(const struct enrich_feeds *);

#endif /* FAASWATCH_ENRICH_FEEDS_H */
