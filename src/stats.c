/*
 * stats.c - the statistics record.  See stats.h.
 */
#include "config.h"

#include <stdio.h>

#include "stats.h"

static void
stats_int(json_t *o, const char *path, uint64_t v)
{
	ecs_set(o, path, json_integer((json_int_t)v));
}

json_t *
stats_to_json(const struct stats_snapshot *s, const struct ecs_observer *obs)
{
	json_t *root, *fw, *o;
	char path[96];
	int i;

	if ((root = json_object()) == NULL)
		return NULL;
	ecs_set_time(root, "@timestamp", s->ts_us);
	ecs_set_str(root, "event.kind", "metric");
	ecs_set(root, "event.category", json_pack("[s]", "network"));
	ecs_set(root, "event.type", json_pack("[s]", "info"));
	ecs_set_str(root, "event.action", s->final ? "stats-final" : "stats");
	if (s->start_us != 0)
		ecs_set_time(root, "event.start", s->start_us);
	ecs_set_observer(root, obs);
	if ((fw = json_object()) == NULL)
		return root;
	ecs_set(root, "faaswatch.stats", fw);

	stats_int(fw, "capture.packets", s->capture->packets);
	stats_int(fw, "capture.bytes", s->capture->bytes);
	if (s->capture->live) {
		stats_int(fw, "capture.pcap_received", s->capture->pcap_received);
		stats_int(fw, "capture.pcap_dropped", s->capture->pcap_dropped);
		stats_int(fw, "capture.pcap_ifdropped",
		    s->capture->pcap_ifdropped);
		stats_int(fw, "capture.lost", s->capture->capture_lost);
		stats_int(fw, "capture.reopen_attempts",
		    s->capture->reopen_attempts);
		stats_int(fw, "capture.reopens", s->capture->reopens);
	} else {
		stats_int(fw, "capture.files", s->capture->files);
		stats_int(fw, "capture.file_errors", s->capture->file_errors);
	}

	stats_int(fw, "decode.ipv4", s->decode->ipv4);
	stats_int(fw, "decode.ipv6", s->decode->ipv6);
	stats_int(fw, "decode.tcp", s->decode->tcp);
	stats_int(fw, "decode.udp", s->decode->udp);
	stats_int(fw, "decode.fragments", s->decode->fragments);
	stats_int(fw, "decode.ip_cut_by_snaplen", s->decode->ip_cut);
	stats_int(fw, "decode.defrag.fragments", s->defrag->fragments);
	stats_int(fw, "decode.defrag.reassembled", s->defrag->reassembled);
	stats_int(fw, "decode.defrag.timed_out", s->defrag->timed_out);
	stats_int(fw, "decode.defrag.evicted", s->defrag->evicted);
	stats_int(fw, "decode.defrag.too_big", s->defrag->too_big);
	stats_int(fw, "decode.defrag.inconsistent", s->defrag->inconsistent);
	stats_int(fw, "decode.tunnels.gtpu", s->decode->tunnel_gtp);
	stats_int(fw, "decode.tunnels.vxlan", s->decode->tunnel_vxlan);
	for (i = 0; i < DECODE_SKIP_MAX; i++) {
		snprintf(path, sizeof(path), "decode.skipped.%s",
		    decode_skip_name(i));
		stats_int(fw, path, s->decode->skip[i]);
	}
	if ((o = json_object()) != NULL) {
		for (i = 0; i < DECODE_ERR_MAX; i++)
			stats_int(o, decode_err_name(i), s->decode->err[i]);
		ecs_set(fw, "decode.errors", o);
	}

	stats_int(fw, "flows.active", s->flows->active);
	stats_int(fw, "flows.peak", s->flows->peak);
	stats_int(fw, "flows.created", s->flows->created);
	stats_int(fw, "flows.evicted", s->flows->ended[FLOW_END_EVICTED]);
	for (i = 0; i < FLOW_END_MAX; i++) {
		snprintf(path, sizeof(path), "flows.ended.%s",
		    flow_end_name(i));
		stats_int(fw, path, s->flows->ended[i]);
	}
	stats_int(fw, "flows.records", s->conns);

	stats_int(fw, "tls.client_hellos", s->dissect->tls_hellos);
	stats_int(fw, "tls.reassembled", s->dissect->tls_reassembled);
	stats_int(fw, "tls.malformed", s->dissect->tls_malformed);
	stats_int(fw, "tls.too_big", s->dissect->tls_too_big);
	stats_int(fw, "tls.no_sni", s->dissect->tls_no_sni);
	stats_int(fw, "quic.datagrams", s->dissect->quic_datagrams);
	stats_int(fw, "quic.client_hellos", s->dissect->quic_hellos);
	stats_int(fw, "quic.decrypt_failed", s->dissect->quic_decrypt_failed);
	stats_int(fw, "quic.unknown_version", s->dissect->quic_unknown_version);
	stats_int(fw, "quic.retry", s->dissect->quic_retry);
	stats_int(fw, "quic.version_negotiation", s->dissect->quic_version_neg);
	stats_int(fw, "quic.gave_up", s->dissect->quic_gave_up);
	stats_int(fw, "http.requests", s->dissect->http_requests);
	stats_int(fw, "http.malformed", s->dissect->http_malformed);
	stats_int(fw, "reassembly.buffers", s->reasm->size);
	stats_int(fw, "reassembly.in_use", s->reasm->in_use);
	stats_int(fw, "reassembly.pool_empty", s->dissect->reasm_pool_empty);
	stats_int(fw, "reassembly.reclaimed", s->reasm->reclaimed);
	stats_int(fw, "reassembly.too_scattered", s->dissect->reasm_scattered);
	stats_int(fw, "reassembly.overflow", s->dissect->reasm_overflow);
	stats_int(fw, "reassembly.unnamed", s->dissect->first_flight_unnamed);
	stats_int(fw, "reassembly.gaps", s->dissect->reasm_gaps);
	stats_int(fw, "tls.sni_from_partial_hello", s->dissect->sni_partial);
	stats_int(fw, "tls.ech_named_by_dns", s->dissect->ech);
	stats_int(fw, "tls.ech_unnamed", s->dissect->ech_unnamed);
	stats_int(fw, "tls.ech_public_names", s->dissect->ech_public_learned);
	stats_int(fw, "ndpi.flows", s->ndpi->flows);
	stats_int(fw, "ndpi.packets", s->ndpi->packets);
	stats_int(fw, "ndpi.pool_empty", s->ndpi->pool_empty);
	stats_int(fw, "ndpi.labelled_by_parsers", s->ndpi->known);

	stats_int(fw, "dns.responses", s->dissect->dns_responses);
	stats_int(fw, "dns.truncated", s->dissect->dns_truncated);
	stats_int(fw, "dns.malformed", s->dissect->dns_malformed);
	stats_int(fw, "dns.tcp_partial", s->dissect->dns_tcp_partial);
	stats_int(fw, "dns.tcp_gap", s->dissect->dns_tcp_gap);
	stats_int(fw, "dns.tcp_too_big", s->dissect->dns_tcp_too_big);
	stats_int(fw, "dns.answers", s->dissect->dns_answers);
	stats_int(fw, "dns.cache.entries", s->dns->entries);
	stats_int(fw, "dns.cache.capacity", s->dns->capacity);
	stats_int(fw, "dns.cache.replaced", s->dns->replaced);
	stats_int(fw, "dns.cache.evicted", s->dns->evicted);
	stats_int(fw, "dns.cache.expired", s->dns->expired);
	stats_int(fw, "dns.cache.lookups", s->dns->lookups);
	stats_int(fw, "dns.cache.hits", s->dns->hits);

	for (i = 0; i < NAME_SOURCE_MAX; i++) {
		snprintf(path, sizeof(path), "names.flows_by_source.%s",
		    name_source_str(i));
		stats_int(fw, path, s->dissect->named[i]);
	}
	stats_int(fw, "names.serverless_flows", s->dissect->serverless);
	stats_int(fw, "names.invalid", s->dissect->names_invalid);
	stats_int(fw, "names.strings", s->strings->entries);
	stats_int(fw, "names.string_bytes", s->strings->bytes);
	stats_int(fw, "names.strings_full", s->strings->full);

	stats_int(fw, "pairs.active", s->pairs->active);
	stats_int(fw, "pairs.capacity", s->pairs->capacity);
	stats_int(fw, "pairs.created", s->pairs->created);
	stats_int(fw, "pairs.evicted", s->pairs->evicted);
	stats_int(fw, "pairs.records", s->pairs->conns);
	stats_int(fw, "pairs.late_records", s->pairs->late);
	stats_int(fw, "pairs.checkin_records", s->checkins);
	stats_int(fw, "pairs.heavy", s->pairs->heavy);
	stats_int(fw, "pairs.heavy_capacity", s->pairs->heavy_capacity);
	stats_int(fw, "pairs.promoted", s->pairs->promoted);
	stats_int(fw, "pairs.demoted", s->pairs->demoted);
	stats_int(fw, "domains.active", s->fleet->domains);
	stats_int(fw, "domains.capacity", s->fleet->capacity);
	stats_int(fw, "domains.evicted", s->fleet->evicted);

	stats_int(fw, "alerts.total", s->alerts);
	for (i = 0; i < s->nrules; i++) {
		snprintf(path, sizeof(path), "alerts.by_rule.%s",
		    s->rule_names[i]);
		stats_int(fw, path, s->alerts_by_rule[i]);
		snprintf(path, sizeof(path), "alerts.suppressed_by_rule.%s",
		    s->rule_names[i]);
		stats_int(fw, path, s->suppressed_by_rule[i]);
	}
	if (s->suppress != NULL && (o = json_array()) != NULL) {
		size_t j;

		/* every suppression with its matches: nothing silent */
		for (j = 0; j < suppress_count(s->suppress); j++) {
			const struct suppress_entry *e =
			    suppress_entry_at(s->suppress, j);

			json_array_append_new(o, json_pack("{s:I,s:s,s:I}",
			    "line", (json_int_t)e->line, "reason", e->reason,
			    "matches", (json_int_t)e->hits));
		}
		ecs_set(fw, "suppressions", o);
	}
	if (s->state != NULL) {
		ecs_set(fw, "state.restored", json_boolean(s->state->restored));
		stats_int(fw, "state.restored_pairs", s->state->pairs);
		stats_int(fw, "state.restored_domains", s->state->domains);
		stats_int(fw, "state.restored_names", s->state->names);
		stats_int(fw, "state.ignored", s->state->ignored);
		stats_int(fw, "state.written", s->state->written);
		stats_int(fw, "state.write_errors", s->state->write_errors);
	}
	stats_int(fw, "reloads.total", s->reloads);
	stats_int(fw, "reloads.errors", s->reload_errors);
	if (s->feeds != NULL)
		ecs_set(fw, "endpoint", enrich_feeds_stats_json(s->feeds));
	if (s->geo != NULL)
		enrich_geo_stats_to_json(s->geo, fw, "geo");
	stats_int(fw, "outputs.errors", s->output_errors);
	if (s->outputs != NULL)
		ecs_set(fw, "outputs.destinations",
		    outputs_stats_json(s->outputs));
	return root;
}
