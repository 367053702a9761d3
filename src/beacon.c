/*
 * beacon.c - rules over pairs.  See beacon.h.
 */
#include "config.h"

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

int
beacon_ref_eval(const struct beacon_ref_conf *conf, struct pair *p,
    uint64_t now_us, const char *domain, const char *sni,
    const char *process_name, struct alert *a)
{
	struct pair_window w;
	const struct catalogue_entry *e = p->serverless;
	int i;

	if (p->ref_fired_us != 0 &&
	    now_us - p->ref_fired_us < PAIR_WINDOW_HOURS * US_PER_HOUR)
		return 0;
	pair_window(p, now_us, &w);
	if (w.connections < conf->min_connections || w.hours < conf->min_hours)
		return 0;

	memset(a, 0, sizeof(*a));
	a->connections = w.connections;
	a->hours = w.hours;
	a->avg_sent = w.sent / w.connections;
	a->avg_recv = w.recv / w.connections;
	a->per_hour = (double)w.connections / w.hours;
	a->beaconing_likely = a->avg_sent < conf->max_avg_sent &&
	    a->avg_recv < conf->max_avg_recv &&
	    a->per_hour >= conf->min_per_hour;
	a->suspicious_initiator = beacon_suspicious_process(process_name);
	if (!a->beaconing_likely && !a->suspicious_initiator)
		return 0;

	p->ref_fired_us = now_us;
	a->ts_us = now_us;
	a->rule_id = BEACON_REF_RULE_ID;
	a->rule_name = "Serverless C2 proxy beaconing (reference hunting rule)";
	a->rule_version = "1";
	a->rule_description = "The published Defender/Sentinel hunting "
	    "query for T1584.007: >= 12 connections in >= 3 distinct hours "
	    "within 24 h to a serverless name, with small average payloads "
	    "and >= 2 connections per hour, or a suspicious initiating process.";
	a->severity = ALERT_SEV_HIGH;
	a->confidence = ALERT_SEV_MEDIUM;
	a->family = p->family;
	memcpy(a->src, p->src, 16);
	memcpy(a->dst, p->last_dst, 16);
	a->domain = domain;
	a->sni = sni;
	a->serverless = e;
	a->first_us = w.first_us;
	a->last_us = w.last_us;
	for (i = 0; i < p->nports && i < PAIR_MAX_PORTS; i++)
		a->ports[i] = p->ports[i];
	a->nports = i;
	{
		char src[ECS_IP_LEN];

		snprintf(a->reason, sizeof(a->reason),
		    "%s made %llu connections to %s%s%s%s%s%s in %u distinct hours "
		    "of the last 24 h (%.1f per hour), averaging %llu bytes sent "
		    "and %llu received per connection: the reference hunting "
		    "rule fired on %s.",
		    ecs_ip(a->family, a->src, src),
		    (unsigned long long)a->connections, domain,
		    e != NULL ? " [" : "", e != NULL ? e->provider : "",
		    e != NULL ? " " : "", e != NULL ? e->platform : "",
		    e != NULL ? "]" : "", a->hours, a->per_hour,
		    (unsigned long long)a->avg_sent,
		    (unsigned long long)a->avg_recv,
		    a->beaconing_likely && a->suspicious_initiator ?
		    "BeaconingLikely and SuspiciousInitiator" :
		    a->beaconing_likely ? "BeaconingLikely" :
		    "SuspiciousInitiator");
	}
	return 1;
}
