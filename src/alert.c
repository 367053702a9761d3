/*
 * alert.c - ECS documents for alerts.  See alert.h.
 */
#include "config.h"

#include <string.h>

#include "alert.h"
#include "catalogue.h"
#include "pair.h"

static const char *const alert_sev_names[] = { "low", "medium", "high" };
static const int alert_sev_nums[] = { 21, 47, 73 };

const char *
alert_severity_str(enum alert_severity s)
{
	return alert_sev_names[s <= ALERT_SEV_HIGH ? s : ALERT_SEV_HIGH];
}

int
alert_severity_num(enum alert_severity s)
{
	return alert_sev_nums[s <= ALERT_SEV_HIGH ? s : ALERT_SEV_HIGH];
}

/* The reference rule's report fields. */
static void
alert_reference_json(json_t *root, const struct alert *a)
{
	ecs_set_int(root, "faaswatch.connections", (long long)a->connections);
	ecs_set_int(root, "faaswatch.hour_buckets", a->hours);
	ecs_set(root, "faaswatch.avg_connections_per_hour",
	    json_real((double)(long long)(a->per_hour * 100 + 0.5) / 100));
	ecs_set_int(root, "faaswatch.avg_bytes_sent_per_conn",
	    (long long)a->avg_sent);
	ecs_set_int(root, "faaswatch.avg_bytes_received_per_conn",
	    (long long)a->avg_recv);
	ecs_set(root, "faaswatch.beaconing_likely",
	    json_boolean(a->beaconing_likely));
	ecs_set(root, "faaswatch.suspicious_initiator",
	    json_boolean(a->suspicious_initiator));
}

static double
alert_round(double v, double unit)
{
	return (double)(long long)(v / unit + 0.5) * unit;
}

/* The periodicity score's report fields. */
static void
alert_periodic_json(json_t *root, const struct alert *a)
{
	const struct score_result *r = &a->score;

	ecs_set(root, "faaswatch.period_s",
	    json_real(alert_round((double)r->period_us / 1e6, 0.001)));
	ecs_set(root, "faaswatch.median_interval_s",
	    json_real(alert_round((double)r->median_us / 1e6, 0.001)));
	ecs_set(root, "faaswatch.jitter", json_real(alert_round(r->jitter,
	    0.001)));
	ecs_set(root, "faaswatch.tolerance",
	    json_real(alert_round(r->tolerance, 0.001)));
	ecs_set_int(root, "faaswatch.checkins", r->checkins);
	ecs_set_int(root, "faaswatch.checkins_total", r->total);
	ecs_set(root, "faaswatch.span_s",
	    json_real(alert_round((double)r->span_us / 1e6, 0.001)));
	ecs_set_int(root, "faaswatch.intervals", r->intervals);
	ecs_set_int(root, "faaswatch.consistent_intervals", r->consistent);
	ecs_set_int(root, "faaswatch.missed_checkins", r->missed);
	ecs_set(root, "faaswatch.share", json_real(alert_round(r->share,
	    0.001)));
	ecs_set(root, "faaswatch.time_share",
	    json_real(alert_round(r->time_share, 0.001)));
	ecs_set(root, "faaswatch.regularity_confidence",
	    json_real(alert_round(r->confidence, 0.001)));
	ecs_set(root, "faaswatch.p_random", json_real(r->p_random));
	ecs_set(root, "faaswatch.score", json_real(alert_round(r->score,
	    0.001)));
	ecs_set_int(root, "faaswatch.median_bytes_up", r->up_median);
	ecs_set_int(root, "faaswatch.median_bytes_down", r->down_median);
	ecs_set_int(root, "faaswatch.tasking_checkins", r->tasking);
	ecs_set_int(root, "faaswatch.fleet_size", a->fleet_size);
	ecs_set(root, "faaswatch.fleet", json_boolean(a->fleet));
	ecs_set(root, "faaswatch.domain_age_s",
	    json_real(alert_round((double)a->domain_age_us / 1e6, 0.001)));
	ecs_set(root, "faaswatch.update", json_boolean(a->update));
}

/* process.*, user.*, host.name and the join figures. */
static void
alert_process_json(json_t *root, const struct alert *a)
{
	const struct pair_process *p = a->process;
	struct ecs_process ep;

	if (p == NULL)
		return;
	ep.name = p->name;
	ep.executable = p->executable;
	ep.entity_id = p->entity_id;
	ep.command_line = p->command_line;
	ep.user = p->user;
	ep.user_domain = p->user_domain;
	ep.host = p->host;
	ep.pid = p->pid;
	ecs_set_process(root, &ep);
	ecs_set_str(root, "faaswatch.endpoint.match", a->endpoint_match);
	ecs_set(root, "faaswatch.endpoint.share",
	    json_real(alert_round(a->endpoint_share, 0.001)));
}

json_t *
alert_to_json(const struct alert *a, const struct ecs_observer *obs)
{
	json_t *root, *arr;
	int i;
	struct {
		uint64_t	ts;
		uint8_t		src[16];
		char		rule[64];
		char		domain[NAME_MAX_LEN + 1];
	} seed;

	if ((root = json_object()) == NULL)
		return NULL;
	ecs_set_time(root, "@timestamp", a->ts_us);
	ecs_set_str(root, "event.kind", "alert");
	arr = json_array();
	json_array_append_new(arr, json_string("network"));
	json_array_append_new(arr, json_string("intrusion_detection"));
	ecs_set(root, "event.category", arr);
	arr = json_array();
	json_array_append_new(arr, json_string("connection"));
	json_array_append_new(arr, json_string("indicator"));
	ecs_set(root, "event.type", arr);
	ecs_set_int(root, "event.severity", alert_severity_num(a->severity));
	ecs_set_int(root, "event.risk_score", alert_severity_num(a->severity));
	ecs_set_time(root, "event.start", a->first_us);
	ecs_set_time(root, "event.end", a->last_us);
	ecs_set_str(root, "event.reason", a->reason);
	memset(&seed, 0, sizeof(seed));
	seed.ts = a->ts_us;
	memcpy(seed.src, a->src, 16);
	strncpy(seed.rule, a->rule_id, sizeof(seed.rule) - 1);
	if (a->domain != NULL)
		strncpy(seed.domain, a->domain, sizeof(seed.domain) - 1);
	ecs_set_event_id(root, &seed, sizeof(seed));

	ecs_set_str(root, "rule.id", a->rule_id);
	ecs_set_str(root, "rule.name", a->rule_name);
	ecs_set_str(root, "rule.ruleset", "faaswatch");
	ecs_set_str(root, "rule.version", a->rule_version);
	ecs_set_str(root, "rule.category", "serverless-c2");

	ecs_set_str(root, "threat.framework", "MITRE ATT&CK");
	arr = json_array();
	json_array_append_new(arr, json_string("T1584.007"));
	json_array_append_new(arr, json_string("T1583.007"));
	json_array_append_new(arr, json_string("T1071.001"));
	ecs_set(root, "threat.technique.id", arr);
	arr = json_array();
	json_array_append_new(arr, json_string("Compromise Infrastructure: "
	    "Serverless"));
	json_array_append_new(arr, json_string("Acquire Infrastructure: "
	    "Serverless"));
	json_array_append_new(arr, json_string("Application Layer Protocol: "
	    "Web Protocols"));
	ecs_set(root, "threat.technique.name", arr);
	arr = json_array();
	json_array_append_new(arr, json_string("TA0042"));
	json_array_append_new(arr, json_string("TA0011"));
	ecs_set(root, "threat.tactic.id", arr);
	arr = json_array();
	json_array_append_new(arr, json_string("Resource Development"));
	json_array_append_new(arr, json_string("Command and Control"));
	ecs_set(root, "threat.tactic.name", arr);

	ecs_set_ip(root, "source.ip", a->family, a->src);
	ecs_set_ip(root, "destination.ip", a->family, a->dst);
	ecs_set_str(root, "destination.domain", a->domain);
	if (a->nports > 0)
		ecs_set_int(root, "destination.port", a->ports[0]);
	ecs_set_str(root, "tls.client.server_name", a->sni);
	ecs_set_str(root, "network.type", a->family == 6 ? "ipv6" : "ipv4");
	ecs_set_observer(root, obs);

	ecs_set_str(root, "faaswatch.severity", alert_severity_str(a->severity));
	ecs_set_str(root, "faaswatch.confidence",
	    alert_severity_str(a->confidence));
	ecs_set_serverless(root, "faaswatch.serverless", a->serverless);
	ecs_set_time(root, "faaswatch.first_seen", a->first_us);
	ecs_set_time(root, "faaswatch.last_seen", a->last_us);
	arr = json_array();
	for (i = 0; i < a->nports; i++)
		json_array_append_new(arr, json_integer(a->ports[i]));
	ecs_set(root, "faaswatch.remote_ports", arr);
	arr = json_array();
	if (a->ref_holds)
		json_array_append_new(arr, json_pack("{s:s,s:s}", "id",
		    "faaswatch-ref-t1584-007", "name", "reference"));
	if (a->periodic_holds)
		json_array_append_new(arr, json_pack("{s:s,s:s}", "id",
		    "faaswatch-periodic-beacon", "name", "periodicity"));
	ecs_set(root, "faaswatch.rules", arr);
	if (a->has_periodic)
		alert_periodic_json(root, a);
	else
		alert_reference_json(root, a);
	alert_process_json(root, a);
	return root;
}
