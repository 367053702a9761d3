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
#include "flow.h"
#include "output.h"
#include "intern.h"
#include "names.h"
#include "pair.h"
#include "proto_ndpi.h"
#include "reasm.h"

struct stats_capture {
	uint64_t	packets;		/* frames read */
	uint64_t	bytes;			/* frame bytes on the wire */
	uint64_t	files;			/* capture files read */
	uint64_t	file_errors;		/* files that ended in a read error */
	int		live;
	uint64_t	pcap_received;		/* live: pcap_stats() */
	uint64_t	pcap_dropped;
	uint64_t	pcap_ifdropped;
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
	const char			*rule_names[4];
	int				 nrules;
	uint64_t			 output_errors;
	const struct outputs		*outputs;
};

/* Returns a new document (caller owns it) or NULL on allocation failure. */
json_t	*stats_to_json(const struct stats_snapshot *s,
	    const struct ecs_observer *obs);

#endif /* FAASWATCH_STATS_H */
