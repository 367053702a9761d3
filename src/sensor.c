/*
 * sensor.c - the pipeline, wired.  See sensor.h.
 */
#include "config.h"

#include <netinet/in.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalogue.h"
#include "conn.h"
#include "decode.h"
#include "decode_frag.h"
#include "dissect.h"
#include "intern.h"
#include "names.h"
#include "output.h"
#include "pair.h"
#include "sensor.h"

struct sensor {
	struct sensor_conf	 conf;
	struct hash_key		 key;
	struct catalogue	*cat;
	struct intern		*strings;
	struct names		*names;
	struct dissect		*dissect;
	struct flow_table	*flows;
	struct defrag		*defrag;
	struct pair_table	*pairs;

	struct outputs		*out;

	char			 hostname[256];
	struct ecs_observer	 obs;
	struct decode_stats	 decode;
	struct stats_capture	 capture;
	uint64_t		 start_us;
	uint64_t		 next_stats_us;
	uint64_t		 conns;
	uint64_t		 alerts;
	uint64_t		 alerts_ref;
	struct packet		 pkt;
};

void
sensor_conf_defaults(struct sensor_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->flow.max_flows = FLOW_MAX_DEFAULT;
	c->flow.timeout_tcp = FLOW_TIMEOUT_TCP_DEFAULT;
	c->flow.timeout_tcp_syn = FLOW_TIMEOUT_TCP_SYN;
	c->flow.timeout_udp = FLOW_TIMEOUT_UDP_DEFAULT;
	c->flow.timeout_closed = FLOW_TIMEOUT_CLOSED;
	c->reasm_bufs = REASM_POOL_DEFAULT;
	c->ndpi_pool = NDPI_POOL_DEFAULT;
	c->dns_entries = DNS_MAP_DEFAULT;
	c->strings = NAME_INTERN_DEFAULT;
	c->pairs = PAIR_MAX_DEFAULT;
	beacon_ref_defaults(&c->ref);
	c->class_mask = CATALOGUE_MASK_DEFAULT;
	output_syslog_conf_defaults(&c->out.syslog);
	c->stats_interval = STATS_INTERVAL_DEFAULT;
}

/* Alerts default to stdout; statistics to the alerts' files (not to
 * syslog, whose datagrams a statistics record would not fit). */
static void
sensor_default_outputs(struct output_conf *oc)
{
	size_t i;

	if (oc->ndest[OUTPUT_ALERTS] == 0)
		output_conf_add(oc, OUTPUT_ALERTS, "-");
	if (oc->ndest[OUTPUT_STATS] == 0)
		for (i = 0; i < oc->ndest[OUTPUT_ALERTS]; i++) {
			const char *d = oc->dest[OUTPUT_ALERTS][i];

			if (strncmp(d, "syslog", 6) != 0 &&
			    strstr(d, "://") == NULL)
				output_conf_add(oc, OUTPUT_STATS, d);
		}
}

static void	sensor_flow_end(void *arg, struct flow *f, enum flow_end why,
		    uint64_t now_us);

struct sensor *
sensor_create(const struct sensor_conf *c, char *err, size_t errlen)
{
	struct sensor *s;
	struct dissect_conf dc;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->conf = *c;
	hash_key_random(&s->key);
	if (c->catalogue_path != NULL)
		s->cat = catalogue_load(c->catalogue_path, err, errlen);
	else if ((s->cat = catalogue_create_builtin()) == NULL)
		snprintf(err, errlen, "out of memory");
	if (s->cat == NULL)
		goto fail;
	catalogue_set_class_mask(s->cat, c->class_mask);

	dc.reasm_bufs = c->reasm_bufs;
	dc.ndpi_pool = c->ndpi_pool;
	if ((s->strings = intern_create(c->strings, &s->key)) == NULL ||
	    (s->names = names_create(c->dns_entries, s->strings,
	    &s->key)) == NULL ||
	    (s->pairs = pair_table_create(c->pairs, s->strings,
	    &s->key)) == NULL) {
		snprintf(err, errlen, "out of memory for the tables");
		goto fail;
	}
	if ((s->dissect = dissect_create(&dc, s->strings, s->names,
	    s->cat)) == NULL) {
		snprintf(err, errlen, "cannot start the dissectors (nDPI, "
		    "libcrypto or memory)");
		goto fail;
	}
	if ((s->defrag = defrag_create(DEFRAG_DATAGRAMS, &s->key)) == NULL ||
	    (s->flows = flow_table_create(&c->flow, &s->key, sensor_flow_end,
	    s)) == NULL) {
		snprintf(err, errlen, "out of memory for %zu flows",
		    c->flow.max_flows);
		goto fail;
	}

	if (c->observer_name != NULL)
		snprintf(s->hostname, sizeof(s->hostname), "%s",
		    c->observer_name);
	else if (gethostname(s->hostname, sizeof(s->hostname) - 1) == -1)
		s->hostname[0] = '\0';
	s->obs.name = s->hostname;
	s->obs.interface = c->interface;
	sensor_default_outputs(&s->conf.out);
	if ((s->out = outputs_open(&s->conf.out, s->hostname, err,
	    errlen)) == NULL)
		goto fail;
	s->capture.live = c->interface != NULL;
	return s;
fail:
	sensor_destroy(s);
	return NULL;
}

void
sensor_destroy(struct sensor *s)
{
	if (s == NULL)
		return;
	/* the outputs first: their last flush wants the clock */
	outputs_close(s->out, s->flows != NULL ?
	    flow_table_clock(s->flows) : 0);
	flow_table_destroy(s->flows);
	defrag_destroy(s->defrag);
	dissect_destroy(s->dissect);
	pair_table_destroy(s->pairs);
	names_destroy(s->names);
	intern_destroy(s->strings);
	catalogue_destroy(s->cat);
	free(s);
}

struct stats_capture *
sensor_capture_stats(struct sensor *s)
{
	return &s->capture;
}

uint64_t
sensor_alerts(const struct sensor *s)
{
	return s->alerts;
}

void
sensor_peak_flows(const struct sensor *s, uint64_t *peak, uint64_t *created)
{
	const struct flow_stats *fs = flow_table_stats(s->flows);

	*peak = fs->peak;
	*created = fs->created;
}

/* ---- the seam: connection records to pairs and rules ---------------------- */

static void
sensor_alert(struct sensor *s, const struct alert *a)
{
	json_t *doc;

	s->alerts++;
	if ((doc = alert_to_json(a, &s->obs)) == NULL)
		return;
	outputs_write(s->out, OUTPUT_ALERTS, doc, a->ts_us);
	json_decref(doc);
}

static void
sensor_conn(struct sensor *s, const struct conn *c, uint64_t now_us)
{
	struct pair *p;
	struct alert a;
	json_t *doc;

	s->conns++;
	if (outputs_enabled(s->out, OUTPUT_CONNECTIONS) &&
	    (doc = conn_to_json(c, &s->obs)) != NULL) {
		outputs_write(s->out, OUTPUT_CONNECTIONS, doc, now_us);
		json_decref(doc);
	}
	/* the reference rule counts successful connections to catalogue
	 * names */
	if (c->serverless == NULL || !c->established)
		return;
	if ((p = pair_table_add(s->pairs, c, now_us)) == NULL)
		return;
	if (beacon_ref_eval(&s->conf.ref, p, now_us, c->name,
	    intern_str(s->strings, p->sni_id, NULL), NULL, &a)) {
		s->alerts_ref++;
		sensor_alert(s, &a);
	}
}

static void
sensor_flow_end(void *arg, struct flow *f, enum flow_end why, uint64_t now_us)
{
	struct sensor *s = arg;
	struct conn c;

	dissect_conn(s->dissect, f, flow_end_name(why),
	    outputs_enabled(s->out, OUTPUT_CONNECTIONS), &c);
	sensor_conn(s, &c, now_us);
	dissect_release(s->dissect, f);
}

/* ---- per frame ------------------------------------------------------------ */

static void
sensor_clock(struct sensor *s, uint64_t now_us)
{
	flow_table_expire(s->flows, now_us);
	outputs_poll(s->out, flow_table_clock(s->flows));
	if (s->conf.stats_interval != 0 && s->capture.live) {
		uint64_t now = flow_table_clock(s->flows);

		if (s->next_stats_us == 0)
			s->next_stats_us = now +
			    (uint64_t)s->conf.stats_interval * 1000000;
		else if (now >= s->next_stats_us) {
			sensor_write_stats(s, 0);
			s->next_stats_us = now +
			    (uint64_t)s->conf.stats_interval * 1000000;
		}
	}
}

void
sensor_frame(struct sensor *s, int dlt, uint64_t ts_us, const uint8_t *frame,
    size_t caplen, size_t wirelen)
{
	struct packet *pkt = &s->pkt;
	struct flow *f;
	int dir, created, rc;

	s->capture.packets++;
	s->capture.bytes += wirelen;
	if (s->start_us == 0)
		s->start_us = ts_us;
	sensor_clock(s, ts_us);
	rc = decode_frame(dlt, frame, caplen, ts_us, pkt, &s->decode);
	if (rc >= 0 && pkt->is_frag && pkt->proto == IPPROTO_UDP) {
		/* UDP fragments (large DNS responses) wait for the rest */
		const uint8_t *dgram;
		size_t len;

		if (!defrag_add(s->defrag, pkt, &dgram, &len))
			return;
		rc = decode_reassembled(dgram, len, pkt, &s->decode);
	}
	if (rc != 0)
		return;
	f = flow_table_get(s->flows, pkt, &dir, &created);
	if (!(f->flags & FLOW_F_REPORTED))
		dissect_packet(s->dissect, f, pkt, dir, created);
	flow_table_update(s->flows, f, pkt, dir);
}

void
sensor_tick(struct sensor *s, uint64_t now_us)
{
	sensor_clock(s, now_us);
}

/* ---- statistics and the end ----------------------------------------------- */

void
sensor_write_stats(struct sensor *s, int final)
{
	struct stats_snapshot snap;
	json_t *doc;

	memset(&snap, 0, sizeof(snap));
	snap.ts_us = flow_table_clock(s->flows);
	snap.start_us = s->start_us;
	snap.final = final;
	snap.capture = &s->capture;
	snap.decode = &s->decode;
	snap.flows = flow_table_stats(s->flows);
	snap.dissect = dissect_stats(s->dissect);
	snap.reasm = NULL;
	snap.conns = s->conns;
	snap.alerts = s->alerts;
	snap.nrules = 1;
	snap.rule_names[0] = BEACON_REF_RULE_ID;
	snap.alerts_by_rule[0] = s->alerts_ref;
	snap.dns = names_stats(s->names);
	snap.strings = intern_stats(s->strings);
	snap.pairs = pair_table_stats(s->pairs);
	snap.defrag = defrag_stats(s->defrag);
	dissect_pool_stats(s->dissect, &snap.reasm, &snap.ndpi);
	snap.output_errors = outputs_errors(s->out);
	snap.outputs = s->out;
	if ((doc = stats_to_json(&snap, &s->obs)) == NULL)
		return;
	outputs_write(s->out, OUTPUT_STATS, doc, snap.ts_us);
	json_decref(doc);
}

void
sensor_flush(struct sensor *s)
{
	outputs_flush(s->out);
}

void
sensor_finish(struct sensor *s)
{
	flow_table_flush(s->flows);
	sensor_write_stats(s, 1);
	sensor_flush(s);
}
