/*
 * beacon.h - the rules that turn a pair's evidence into alerts.
 *
 * Two rules, each with its own rule.id and its own alert policy:
 *
 * The reference rule is the published Defender/Sentinel hunting query for
 * ATT&CK T1584.007, exactly: over the pair's 24-hour window, at least
 * min_connections connections in at least min_hours distinct hour buckets;
 * BeaconingLikely when the integer average bytes sent per connection is
 * below max_avg_sent, the average received below max_avg_recv and the
 * connections per distinct hour at least min_per_hour; SuspiciousInitiator
 * when the initiating process is one of the listed shells and script hosts;
 * it fires when either flag holds, online, the moment the pair qualifies,
 * and at most once per pair per window.  Users know it and compare against
 * it, so it stays as published.
 *
 * The periodicity rule reads the pair's check-in history through the
 * jitter-robust score (beacon_score.h) each time a check-in arrives.  A
 * periodic pair alerts once when it first qualifies, then again only when
 * its severity rises or update_interval has passed.  Its severity is the
 * score's, then: low when the pair's period is shared by at least
 * fleet_min other sources of the domain (fleet telemetry; suppressed
 * instead with fleet_suppress), one level higher when the domain is newer
 * than new_domain.  Suppressions (suppress.h) are checked for both rules:
 * a suppressed detection is counted, not written.
 */
#ifndef FAASWATCH_BEACON_H
#define FAASWATCH_BEACON_H

#include <stdint.h>

#include "alert.h"
#include "beacon_score.h"
#include "fleet.h"
#include "pair.h"
#include "suppress.h"

struct beacon_ref_conf {
	uint32_t	min_connections;
	uint32_t	min_hours;
	uint64_t	max_avg_sent;
	uint64_t	max_avg_recv;
	uint32_t	min_per_hour;
};

struct beacon_conf {
	struct beacon_ref_conf	ref;
	struct score_conf	score;
	uint64_t		update_interval_us;
	unsigned		fleet_min;
	int			fleet_suppress;
	uint64_t		new_domain_us;
};

#define BEACON_REF_RULE_ID	"faaswatch-ref-t1584-007"
#define BEACON_PER_RULE_ID	"faaswatch-periodic-beacon"

/* Defaults of struct beacon_conf (configurable). */
#define BEACON_UPDATE_INTERVAL_US	(6ULL * 3600 * 1000000)
#define BEACON_FLEET_MIN		3
#define BEACON_NEW_DOMAIN_US		(7ULL * 86400 * 1000000)

/* What a rule evaluation needs besides the pair. */
struct beacon_ctx {
	struct pair_table	*pairs;
	struct fleet		*fleet;
	struct suppress		*suppress;	/* or NULL */
	const char		*domain;
	const char		*sni;		/* latest SNI, or NULL */
	const char		*process;	/* initiating process, or NULL */
	uint64_t		 now_us;
};

/* Fills conf with the published thresholds and the defaults above. */
void	beacon_conf_defaults(struct beacon_conf *conf);
void	beacon_ref_defaults(struct beacon_ref_conf *conf);

/*
 * Evaluates the reference rule on p.  Returns 1 and fills a when it fires
 * now (strings borrowed from ctx and the tables until the next update), 2
 * when it would fire but a suppression matched (counted there), else 0.
 */
int	beacon_ref_eval(const struct beacon_conf *conf,
	    const struct beacon_ctx *ctx, struct pair *p, struct alert *a);

/*
 * Evaluates the periodicity rule on p after a new check-in.  Returns 1 and
 * fills a when an alert (first, or an update) is due, 2 when suppressed
 * (by a suppression, or as fleet telemetry with fleet_suppress), else 0.
 * The fleet context is updated either way.
 */
int	beacon_periodic_eval(const struct beacon_conf *conf,
	    const struct beacon_ctx *ctx, struct pair *p, struct alert *a);

/* Whether a process name is one the reference rule calls suspicious. */
int	beacon_suspicious_process(const char *name);

#endif /* FAASWATCH_BEACON_H */
