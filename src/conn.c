/*
 * conn.c - connection records as ECS documents (event.kind "event").
 */
#include "config.h"

#include <netinet/in.h>
#include <string.h>

#include "conn.h"
#include "ecs.h"
#include "enrich_process.h"

static const char *const name_source_names[NAME_SOURCE_MAX] = {
	[NAME_SOURCE_NONE] = "none",
	[NAME_SOURCE_SNI] = "sni",
	[NAME_SOURCE_QUIC] = "quic",
	[NAME_SOURCE_HTTP] = "http",
	[NAME_SOURCE_HTTP_CONNECT] = "http-connect",
	[NAME_SOURCE_ECH_DNS] = "ech+dns",
	[NAME_SOURCE_DNS] = "dns",
};

const char *
name_source_str(enum name_source s)
{
	return (unsigned)s < NAME_SOURCE_MAX ? name_source_names[s] : "none";
}

static const char *
tls_version_str(uint16_t v)
{
	switch (v) {
	case 0x0300: return "3.0";	/* SSL 3.0 */
	case 0x0301: return "1.0";
	case 0x0302: return "1.1";
	case 0x0303: return "1.2";
	case 0x0304: return "1.3";
	default: return NULL;
	}
}

/* process.*, user.*, host.name of the process that made the connection. */
void
conn_process_to_json(json_t *root, const struct enrich_process_result *res)
{
	const struct enrich_process_info *p = &res->proc;
	struct ecs_process ep;

	ecs_set_str(root, "faaswatch.endpoint.match",
	    enrich_match_str(res->match));
	if (res->match == ENRICH_MATCH_NONE)
		return;
	ecs_set_str(root, "faaswatch.endpoint.source",
	    endpoint_source_str(p->source));
	ep.name = p->process;
	ep.executable = p->executable;
	ep.entity_id = p->entity_id;
	ep.command_line = p->cmdline;
	ep.user = p->user;
	ep.user_domain = p->domain;
	ep.host = p->host;
	ep.pid = p->pid;
	ecs_set_process(root, &ep);
}

json_t *
conn_to_json(const struct conn *c, const struct ecs_observer *obs,
    const struct enrich_process_result *res)
{
	json_t *root, *arr;
	const char *v;
	struct {
		uint64_t	start;
		uint8_t		src[16], dst[16];
		uint16_t	sport, dport;
		uint8_t		proto;
	} seed;

	if ((root = json_object()) == NULL)
		return NULL;
	ecs_set_time(root, "@timestamp", c->start_us);
	ecs_set_str(root, "event.kind", "event");
	arr = json_array();
	json_array_append_new(arr, json_string("network"));
	ecs_set(root, "event.category", arr);
	arr = json_array();
	json_array_append_new(arr, json_string("connection"));
	json_array_append_new(arr, json_string("end"));
	ecs_set(root, "event.type", arr);
	ecs_set_str(root, "event.action", "flow-end");
	ecs_set_time(root, "event.start", c->start_us);
	ecs_set_time(root, "event.end", c->end_us);
	ecs_set_int(root, "event.duration",
	    (long long)(c->end_us - c->start_us) * 1000);
	memset(&seed, 0, sizeof(seed));
	seed.start = c->start_us;
	memcpy(seed.src, c->src, 16);
	memcpy(seed.dst, c->dst, 16);
	seed.sport = c->sport;
	seed.dport = c->dport;
	seed.proto = c->proto;
	ecs_set_event_id(root, &seed, sizeof(seed));

	ecs_set_ip(root, "source.ip", c->family, c->src);
	ecs_set_int(root, "source.port", c->sport);
	ecs_set_int(root, "source.bytes", (long long)c->bytes_up);
	ecs_set_int(root, "source.packets", c->pkts_up);
	ecs_set_ip(root, "destination.ip", c->family, c->dst);
	ecs_set_int(root, "destination.port", c->dport);
	ecs_set_int(root, "destination.bytes", (long long)c->bytes_down);
	ecs_set_int(root, "destination.packets", c->pkts_down);
	ecs_set_str(root, "destination.domain", c->name);
	ecs_set_int(root, "network.bytes",
	    (long long)(c->bytes_up + c->bytes_down));
	ecs_set_int(root, "network.packets",
	    (long long)c->pkts_up + c->pkts_down);
	ecs_set_str(root, "network.transport",
	    c->proto == IPPROTO_TCP ? "tcp" :
	    c->proto == IPPROTO_UDP ? "udp" : NULL);
	ecs_set_str(root, "network.type", c->family == 6 ? "ipv6" : "ipv4");
	ecs_set_str(root, "network.protocol", c->protocol);
	if (c->vlan != 0)
		ecs_set(root, "network.vlan.id", json_sprintf("%u", c->vlan));
	ecs_set_str(root, "tls.client.server_name", c->sni);
	ecs_set_str(root, "tls.client.ja3", c->ja3);
	ecs_set_str(root, "tls.client.ja4", c->ja4);
	ecs_set_str(root, "tls.next_protocol", c->alpn);
	if ((v = tls_version_str(c->tls_version)) != NULL) {
		ecs_set_str(root, "tls.version", v);
		ecs_set_str(root, "tls.version_protocol",
		    c->tls_version == 0x0300 ? "ssl" : "tls");
	}
	ecs_set_observer(root, obs);
	if (res != NULL)
		conn_process_to_json(root, res);

	ecs_set_str(root, "faaswatch.name_source",
	    c->name != NULL ? name_source_str(c->name_source) : NULL);
	ecs_set_serverless(root, "faaswatch.serverless", c->serverless);
	ecs_set(root, "faaswatch.established", json_boolean(c->established));
	ecs_set_str(root, "faaswatch.end_reason", c->end_reason);
	if (c->checkins > 0)
		ecs_set_int(root, "faaswatch.checkins", c->checkins);
	if (c->sni_partial)
		ecs_set(root, "faaswatch.sni_partial", json_true());
	if (c->ech)
		ecs_set(root, "faaswatch.ech", json_true());
	return root;
}
