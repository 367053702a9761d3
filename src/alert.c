/*
 * alert.c - ECS documents for alerts.  See alert.h.
 */
#include "config.h"

#include <string.h>

#include "alert.h"
#include "catalogue.h"

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
	ecs_set_str(root, "rule.description", a->rule_description);
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
	arr = json_array();
	for (i = 0; i < a->nports; i++)
		json_array_append_new(arr, json_integer(a->ports[i]));
	ecs_set(root, "faaswatch.remote_ports", arr);
	return root;
}
