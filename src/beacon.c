/*
 * beacon.c - rules over pairs.  See beacon.h.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "beacon.h"
#include "catalogue.h"

#define US_PER_HOUR	3600000000ULL

/* The reference rule's list, compared case-insensitively on the file name. */
static const char *const beacon_suspicious[] = {
	"cmd.exe", "powershell.exe", "pwsh.exe", "wscript.exe", "cscript.exe",
	"mshta.exe", "rundll32.exe", "regsvr32.exe", "svchost.exe",
};

void
beacon_ref_defaults(struct beacon_ref_conf *conf)
{
	conf->min_connections = REF_MIN_CONNECTIONS;
	conf->min_hours = REF_MIN_HOURS;
	conf->max_avg_sent = REF_MAX_AVG_SENT;
	conf->max_avg_recv = REF_MAX_AVG_RECV;
	conf->min_per_hour = REF_MIN_PER_HOUR;
}

void
beacon_conf_defaults(struct beacon_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	beacon_ref_defaults(&conf->ref);
	beacon_score_defaults(&conf->score);
	conf->update_interval_us = BEACON_UPDATE_INTERVAL_US;
	conf->fleet_min = BEACON_FLEET_MIN;
	conf->new_domain_us = BEACON_NEW_DOMAIN_US;
}

int
beacon_suspicious_process(const char *name)
{
	const char *bs, *sl;
	size_t i;

	if (name == NULL)
		return 0;
	/* the file name after the last separator of either kind */
	bs = strrchr(name, '\\');
	sl = strrchr(name, '/');
	if (bs == NULL || (sl != NULL && sl > bs))
		bs = sl;
	if (bs != NULL)
		name = bs + 1;
	for (i = 0; i < sizeof(beacon_suspicious) / sizeof(*beacon_suspicious);
	    i++)
		if (strcasecmp(name, beacon_suspicious[i]) == 0)
			return 1;
	return 0;
}

/* The parts of an alert both rules fill the same way. */
static void
beacon_alert_common(const struct beacon_ctx *ctx, struct pair *p,
    const struct pair_heavy *h, struct alert *a)
{
	int i;

	a->ts_us = ctx->now_us;
	a->family = p->family;
	memcpy(a->src, p->src, 16);
	memcpy(a->dst, p->last_dst, 16);
	a->domain = ctx->domain;
	a->sni = ctx->sni;
	a->serverless = p->serverless;
	if (h != NULL) {
		for (i = 0; i < h->nports && i < PAIR_MAX_PORTS; i++)
			a->ports[i] = h->ports[i];
		a->nports = i;
		if (p->proc_key != 0)
			a->process = &h->proc;
	}
}

/* The reference rule's verdict on p now: 1 when it holds, with the report
 * in a. */
static int
beacon_ref_holds(const struct beacon_conf *conf, const struct beacon_ctx *ctx,
    struct pair *p, struct alert *a)
{
	const struct beacon_ref_conf *rc = &conf->ref;
	struct pair_window w;

	pair_window(ctx->pairs, p, ctx->now_us, &w);
	if (w.connections < rc->min_connections || w.hours < rc->min_hours)
		return 0;
	a->connections = w.connections;
	a->hours = w.hours;
	a->avg_sent = w.sent / w.connections;
	a->avg_recv = w.recv / w.connections;
	a->per_hour = (double)w.connections / w.hours;
	a->beaconing_likely = a->avg_sent < rc->max_avg_sent &&
	    a->avg_recv < rc->max_avg_recv && a->per_hour >= rc->min_per_hour;
	a->suspicious_initiator = beacon_suspicious_process(ctx->process);
	a->first_us = w.first_us;
	a->last_us = w.last_us;
	return a->beaconing_likely || a->suspicious_initiator;
}

/* " [Provider Platform]" for reasons, or "" without a catalogue entry. */
static const char *
beacon_platform(const struct catalogue_entry *e, char *buf, size_t len)
{
	if (e == NULL)
		return "";
	snprintf(buf, len, " [%s %s]", e->provider, e->platform);
	return buf;
}

int
beacon_ref_eval(const struct beacon_conf *conf, const struct beacon_ctx *ctx,
    struct pair *p, struct alert *a)
{
	struct pair_heavy *h = pair_heavy(ctx->pairs, p);
	const struct catalogue_entry *e = p->serverless;
	char src[ECS_IP_LEN], plat[160];

	memset(a, 0, sizeof(*a));
	if (h == NULL)		/* one connection: never 12 */
		return 0;
	if (h->ref_fired_us != 0 &&
	    ctx->now_us - h->ref_fired_us < PAIR_WINDOW_HOURS * US_PER_HOUR)
		return 0;
	if (!beacon_ref_holds(conf, ctx, p, a))
		return 0;
	/* a suppressed verdict does not start the 24 hours: each record is
	 * checked again, so removing the suppression brings the alert back
	 * at the pair's next connection */
	if (suppress_match(ctx->suppress, p->family, p->src, ctx->domain,
	    ctx->process, BEACON_REF_RULE_ID, ctx->now_us) != NULL)
		return 2;
	h->ref_fired_us = ctx->now_us;
	beacon_alert_common(ctx, p, h, a);
	a->rule_id = BEACON_REF_RULE_ID;
	a->rule_name = "Serverless C2 proxy beaconing (reference hunting rule)";
	a->rule_version = "1";
	a->severity = ALERT_SEV_HIGH;
	a->confidence = ALERT_SEV_MEDIUM;
	a->ref_holds = 1;
	a->periodic_holds = h->per_sev != 0 && !h->suppressed;
	snprintf(a->reason, sizeof(a->reason),
	    "%s made %llu connections to %s%s in %u distinct hours "
	    "of the last 24 h (%.1f per hour), averaging %llu bytes sent "
	    "and %llu received per connection: the reference hunting "
	    "rule fired on %s.",
	    ecs_ip(a->family, a->src, src),
	    (unsigned long long)a->connections, ctx->domain,
	    beacon_platform(e, plat, sizeof(plat)), a->hours, a->per_hour,
	    (unsigned long long)a->avg_sent,
	    (unsigned long long)a->avg_recv,
	    a->beaconing_likely && a->suspicious_initiator ?
	    "BeaconingLikely and SuspiciousInitiator" :
	    a->beaconing_likely ? "BeaconingLikely" : "SuspiciousInitiator");
	return 1;
}

static enum alert_severity
beacon_sev(enum beacon_sev s)
{
	switch (s) {
	case BEACON_SEV_HIGH:
		return ALERT_SEV_HIGH;
	case BEACON_SEV_MEDIUM:
		return ALERT_SEV_MEDIUM;
	default:
		return ALERT_SEV_LOW;
	}
}

/* Appends to a NUL-terminated buffer, truncating. */
static void	beacon_append(char *buf, size_t len, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));

static void
beacon_append(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strnlen(buf, len);
	va_list ap;

	if (n + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

/* "3.2 d", "5.0 h", "12 min", "45 s". */
static void
beacon_duration(uint64_t us, char *buf, size_t len)
{
	double s = (double)us / 1e6;

	if (s >= 2 * 86400)
		snprintf(buf, len, "%.1f d", s / 86400);
	else if (s >= 2 * 3600)
		snprintf(buf, len, "%.1f h", s / 3600);
	else if (s >= 120)
		snprintf(buf, len, "%.0f min", s / 60);
	else
		snprintf(buf, len, "%.0f s", s);
}

int
beacon_periodic_eval(const struct beacon_conf *conf,
    const struct beacon_ctx *ctx, struct pair *p, struct alert *a)
{
	struct pair_heavy *h = pair_heavy(ctx->pairs, p);
	const struct catalogue_entry *e = p->serverless;
	struct score_result *r = &a->score;
	struct alert ref;
	enum alert_severity sev;
	char src[ECS_IP_LEN], period[32], span[32], age[32], plat[160];
	uint64_t age_us;
	unsigned fleet;

	memset(a, 0, sizeof(*a));
	if (h == NULL)
		return 0;
	beacon_score_eval(&h->hist, ctx->now_us, &conf->score, r);
	fleet_update(ctx->fleet, p->name_id, p->family, p->src,
	    r->checkins >= 3 ? r->period_us : 0, r->jitter, ctx->now_us);
	if (!r->periodic) {
		h->per_sev = 0;
		return 0;
	}
	fleet = fleet_size(ctx->fleet, p->name_id, p->family, p->src,
	    r->period_us, r->jitter, ctx->now_us, &conf->score);
	age_us = fleet_age(ctx->fleet, p->name_id, ctx->now_us);
	sev = beacon_sev(r->severity);
	if (fleet >= conf->fleet_min) {
		a->fleet = 1;
		sev = ALERT_SEV_LOW;
	} else if (age_us < conf->new_domain_us && sev < ALERT_SEV_HIGH) {
		sev++;			/* a name new to this network */
	}

	/* first time, a higher severity, or the update interval; a pair
	 * whose last verdict was suppressed is checked again at each
	 * check-in, so removing its suppression brings the alert back at
	 * once */
	if (h->per_sev != 0 && !h->suppressed && (int)sev + 1 <= h->per_sev &&
	    ctx->now_us - h->per_alert_us < conf->update_interval_us)
		return 0;
	if ((a->fleet && conf->fleet_suppress) ||
	    suppress_match(ctx->suppress, p->family, p->src, ctx->domain,
	    ctx->process, BEACON_PER_RULE_ID, ctx->now_us) != NULL) {
		h->per_sev = (uint8_t)(sev + 1);
		h->per_alert_us = ctx->now_us;
		h->suppressed = 1;
		return 2;
	}
	a->update = h->per_sev != 0 && !h->suppressed;
	h->per_sev = (uint8_t)(sev + 1);
	h->per_alert_us = ctx->now_us;
	h->suppressed = 0;

	beacon_alert_common(ctx, p, h, a);
	a->rule_id = BEACON_PER_RULE_ID;
	a->rule_name = "Periodic check-ins to a serverless name";
	a->rule_version = "1";
	a->severity = sev;
	a->confidence = r->confidence >= 0.9 ? ALERT_SEV_HIGH :
	    r->confidence >= 0.8 ? ALERT_SEV_MEDIUM : ALERT_SEV_LOW;
	a->has_periodic = 1;
	a->periodic_holds = 1;
	a->fleet_size = fleet;
	a->domain_age_us = age_us;
	a->first_us = r->first_us;
	a->last_us = r->last_us;
	memset(&ref, 0, sizeof(ref));
	a->ref_holds = beacon_ref_holds(conf, ctx, p, &ref);

	beacon_duration(r->period_us, period, sizeof(period));
	beacon_duration(r->span_us, span, sizeof(span));
	beacon_duration(age_us, age, sizeof(age));
	beacon_append(a->reason, sizeof(a->reason),
	    "%s%s%s checks in to %s%s every %s (+-%.0f %% jitter): "
	    "%u check-ins over %s, %u of %u intervals within %.0f %% of a "
	    "multiple of the period (confidence %.2f, chance of random "
	    "timing %.1g), about %u bytes up and %u down each",
	    ecs_ip(p->family, p->src, src),
	    a->process != NULL ? " " : "",
	    a->process != NULL ? a->process->name : "",
	    ctx->domain, beacon_platform(e, plat, sizeof(plat)), period,
	    r->jitter * 100, r->checkins, span,
	    r->consistent, r->intervals, r->tolerance * 100, r->confidence,
	    r->p_random, r->up_median, r->down_median);
	if (fleet > 0)
		beacon_append(a->reason, sizeof(a->reason), "; %u other "
		    "source%s check%s in with the same period%s", fleet,
		    fleet == 1 ? "" : "s", fleet == 1 ? "s" : "",
		    a->fleet ? " (fleet telemetry)" : "");
	beacon_append(a->reason, sizeof(a->reason),
	    "; the domain was first seen %s ago.", age);
	return 1;
}
