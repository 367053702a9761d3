/*
 * alert.h - a detection, and its ECS document.
 *
 * The beacon stage fills a struct alert when a rule fires for a pair; this
 * module turns it into the ECS JSON alert (event.kind "alert") that every
 * output writes.  Strings in struct alert are borrowed for the call.
 */
#ifndef FAASWATCH_ALERT_H
#define FAASWATCH_ALERT_H

#include <stdint.h>

#include <jansson.h>

#include "beacon_score.h"
#include "defaults.h"
#include "ecs.h"

struct catalogue_entry;
struct pair_process;

enum alert_severity {
	ALERT_SEV_LOW,
	ALERT_SEV_MEDIUM,
	ALERT_SEV_HIGH,
};

struct alert {
	uint64_t	 ts_us;		/* packet time at which the rule fired */
	const char	*rule_id;
	const char	*rule_name;
	const char	*rule_version;
	enum alert_severity severity;
	enum alert_severity confidence;

	uint8_t		 family;
	uint8_t		 src[16];
	uint8_t		 dst[16];	/* last server address */
	const char	*domain;
	const char	*sni;		/* latest SNI, or NULL */
	const struct catalogue_entry *serverless;

	/* the reference rule's report */
	uint64_t	 first_us, last_us;
	uint64_t	 connections;
	uint32_t	 hours;
	double		 per_hour;
	uint64_t	 avg_sent, avg_recv;
	int		 beaconing_likely;
	int		 suspicious_initiator;
	uint16_t	 ports[PAIR_MAX_PORTS];
	int		 nports;

	/* every rule that holds for the pair now (faaswatch.rules) */
	int		 ref_holds, periodic_holds;

	/* the periodicity report (periodicity alerts) */
	int		 has_periodic;
	struct score_result score;
	unsigned	 fleet_size;	/* other sources, same period */
	int		 fleet;		/* treated as fleet telemetry */
	uint64_t	 domain_age_us;
	int		 update;	/* an update of an earlier alert */

	/* the initiating process (endpoint feeds), or NULL */
	const struct pair_process *process;
	const char	*endpoint_match;	/* "exact", ..., or NULL */
	double		 endpoint_share;	/* records matched to it */

	char		 reason[768];	/* event.reason: one sentence */
};

const char	*alert_severity_str(enum alert_severity);

/* ECS numeric severity (Elastic's scale: 21, 47, 73). */
int		 alert_severity_num(enum alert_severity);

/* Returns a new JSON object (caller owns it), or NULL on allocation
 * failure. */
json_t		*alert_to_json(const struct alert *a,
		    const struct ecs_observer *obs);

#endif /* FAASWATCH_ALERT_H */
