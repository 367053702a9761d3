/*
 * stats.h - the statistics record (event.kind "metric").
 *
 * The sensor gathers every stage's counters into a struct stats_snapshot
 * and this module renders it as one ECS document: packets and bytes,
 * decode errors by kind, flows active/created/ended by reason, capture
 * drops, first-flight and DNS parsing, the name map, pairs, alerts and
 * output errors.  Data-plane anomalies are reported here, never logged per
 * packet.
 */
#ifndef FAASWATCH_STATS_H
#define FAASWATCH_STATS_H

#include <stdint.h>

#include <jansson.h>

#include "decode.h"
#include "decode_frag.h"
#include "dissect.h"
#include "ecs.h"
#include "fleet.h"
#include "enrich_feeds.h"
#include "enrich_geo.h"
#include "flow.h"
#include "output.h"
#include "intern.h"
#include "names.h"
#include "pair.h"
#include "proto_ndpi.h"
#include "reasm.h"
#include "suppress.h"

struct stats_capture {
	uint64_t	packets;		/* frames read */
	uint64_t	bytes;			/* frame bytes on the wire */
	uint64_t	files;			/* capture files read */
	uint64_t	file_errors;		/* files that ended in a read error */
	int		live;
	uint64_t	pcap_received;		/* live: pcap_stats() */
	uint64_t	pcap_dropped;
	uint64_t	pcap_ifdropped;
	uint64_t	capture_lost;		/* live capture lost (link) */
	uint64_t	reopen_attempts;
	uint64_t	reopens;		/* of them that worked */
};

/* Snapshots of the sensor's state (state.h). */
struct stats_state {
	int		restored;	/* a snapshot was restored at start */
	uint64_t	pairs, names, domains;	/* restored */
	uint64_t	ignored;	/* snapshots ignored (corrupt, old) */
	uint64_t	written, write_errors;
};

struct stats_snapshot {
	uint64_t			 ts_us;
	uint64_t			 start_us;	/* first packet */
	int				 final;		/* end of the run */
	const struct stats_capture	*capture;
	const struct decode_stats	*decode;
	const struct flow_stats		*flows;
	const struct dissect_stats	*dissect;
	const struct reasm_pool_stats	*reasm;
	const struct ndpi_ctx_stats	*ndpi;
	const struct names_stats	*dns;
	const struct intern_stats	*strings;
	const struct pair_stats		*pairs;
	const struct defrag_stats	*defrag;
	uint64_t			 conns;		/* records handed on */
	uint64_t			 alerts;
	uint64_t			 alerts_by_rule[4];
	uint64_t			 suppressed_by_rule[4];
	uint64_t			 checkins;
	const struct fleet_stats	*fleet;
	const struct suppress		*suppress;
	uint64_t			 reloads;	/* SIGHUPs handled */
	const struct stats_state	*state;		/* NULL: no --state */
	uint64_t			 reload_errors;	/* of them kept the
							   old suppressions */
	const struct enrich_feeds	*feeds;
	const struct enrich_geo_stats	*geo;
	const char			*rule_names[4];
	int				 nrules;
	uint64_t			 output_errors;
	const struct outputs		*outputs;
};

/* Returns a new document (caller owns it) or NULL on allocation failure. */
json_t	*stats_to_json(const struct stats_snapshot *s,
	    const struct ecs_observer *obs);

#endif /* FAASWATCH_STATS_H */
