/*
 * beacon.h - the rules that turn a pair's evidence into alerts.
 *
 * The reference rule is the published Defender/Sentinel hunting query for
 * ATT&CK T1584.007, exactly: over the pair's 24-hour window, at least
 * min_connections connections in at least min_hours distinct hour buckets;
 * BeaconingLikely when the integer average bytes sent per connection is
 * below max_avg_sent, the average received below max_avg_recv and the
 * connections per distinct hour at least min_per_hour; SuspiciousInitiator
 * when the initiating process is one of the listed shells and script hosts
 * (empty until an endpoint feed supplies process names); it fires when
 * either flag holds, online, the moment the pair qualifies, and at most once
 * per pair per window.
 */
#ifndef FAASWATCH_BEACON_H
#define FAASWATCH_BEACON_H

#include <stdint.h>

#include "alert.h"
#include "pair.h"

struct beacon_ref_conf {
	uint32_t	min_connections;
	uint32_t	min_hours;
	uint64_t	max_avg_sent;
	uint64_t	max_avg_recv;
	uint32_t	min_per_hour;
};

#define BEACON_REF_RULE_ID	"faaswatch-ref-t1584-007"

/* Fills conf with the published thresholds. */
void	beacon_ref_defaults(struct beacon_ref_conf *conf);

/*
 * Evaluates the reference rule on p at now_us.  Returns 1 and fills a (its
 * strings point into p's table and the intern table: valid until the next
 * pair update) when the rule fires now, else 0.  process_name may be NULL.
 */
int	beacon_ref_eval(const struct beacon_ref_conf *conf, struct pair *p,
	    uint64_t now_us, const char *domain, const char *sni,
	    const char *process_name, struct alert *a);

/* Whether a process name is one the reference rule calls suspicious. */
int	beacon_suspicious_process(const char *name);

#endif /* FAASWATCH_BEACON_H */
