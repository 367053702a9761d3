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
#include "enrich_feeds.h"
#include "enrich_geo.h"
#include "intern.h"
#include "log.h"
#include "names.h"
#include "output.h"
#include "fleet.h"
#include "pair.h"
#include "sensor.h"
#include "state.h"
#include "suppress.h"

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
	struct fleet		*fleet;
	struct suppress		*suppress;
	struct enrich_feeds	*feeds;
	struct enrich_geo	*geo;

	struct outputs		*out;

	char			 hostname[256];
	struct ecs_observer	 obs;
	struct decode_stats	 decode;
	struct stats_capture	 capture;
	uint64_t		 start_us;
	uint64_t		 next_stats_us;
	uint64_t		 conns;
	uint64_t		 checkins;
	uint64_t		 alerts;
	uint64_t		 alerts_ref, alerts_per;
	uint64_t		 suppressed_ref, suppressed_per;
	uint64_t		 reloads, reload_errors;
	struct packet		 pkt;

	/* snapshots (state.h) */
	struct state		*pending;	/* read, applied at the first
						   packet */
	uint64_t		 next_state_us;
	struct stats_state	 st_state;

	/* catalogues replaced by reloads, alive while records point in */
	struct catalogue	*retired[SENSOR_RETIRED_MAX];
	size_t			 nretired;
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
	c->heavy_pairs = PAIR_HEAVY_DEFAULT;
	c->domains = FLEET_DOMAINS_DEFAULT;
	beacon_conf_defaults(&c->beacon);
	c->class_mask = CATALOGUE_MASK_DEFAULT;
	output_syslog_conf_defaults(&c->out.syslog);
	c->stats_interval = STATS_INTERVAL_DEFAULT;
	c->state_interval = STATE_INTERVAL_DEFAULT;
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
static void	sensor_checkin(void *arg, const struct conn *c,
		    uint64_t now_us);
static void	sensor_record_done(void *arg, const struct conn *c,
		    const struct enrich_process_result *res, uint64_t now_us);

/* ---- snapshots ------------------------------------------------------------ */

/* At start: a valid snapshot lends its hash key to the tables about to be
 * made, and waits for the first packet (its age is judged by packet time). */
static void
sensor_state_read(struct sensor *s)
{
	char err[512];
	int missing;

	if ((s->pending = state_read(s->conf.state_path, &missing, err,
	    sizeof(err))) == NULL) {
		if (missing)
			log_info("no state at %s yet: starting afresh",
			    s->conf.state_path);
		else {
			log_warnx("%s; ignored, starting afresh", err);
			s->st_state.ignored++;
		}
		return;
	}
	s->key = *state_key(s->pending);
}

static void
sensor_state_tables(struct sensor *s, struct state_tables *t)
{
	t->pairs = s->pairs;
	t->fleet = s->fleet;
	t->names = s->names;
	t->strings = s->strings;
	t->cat = s->cat;
}

/* At the first packet: a snapshot taken within the evidence window before
 * it is restored; an older one, or one from after it, is ignored. */
static void
sensor_state_apply(struct sensor *s, uint64_t now_us)
{
	struct state_tables t;
	struct state_counts n;
	uint64_t at = state_time(s->pending);
	char err[256];

	if (now_us + STATE_CLOCK_SLACK_US < at) {
		log_warnx("state %s was taken after this traffic (at %llu s, "
		    "the first packet is at %llu s); ignored",
		    s->conf.state_path, (unsigned long long)(at / 1000000),
		    (unsigned long long)(now_us / 1000000));
		s->st_state.ignored++;
	} else if (now_us > at + STATE_MAX_AGE_US) {
		log_warnx("state %s is older than the %u hour window; ignored",
		    s->conf.state_path, PAIR_WINDOW_HOURS);
		s->st_state.ignored++;
	} else {
		sensor_state_tables(s, &t);
		if (state_restore(s->pending, &t, &n, err, sizeof(err)) == -1) {
			log_warnx("state %s: %s; kept what came before it",
			    s->conf.state_path, err);
			s->st_state.ignored++;
		}
		s->st_state.restored = 1;
		s->st_state.pairs = n.pairs;
		s->st_state.names = n.names;
		s->st_state.domains = n.domains;
		log_info("state %s: restored %llu pairs (%llu with a history), "
		    "%llu domains, %llu names", s->conf.state_path,
		    (unsigned long long)n.pairs, (unsigned long long)n.heavy,
		    (unsigned long long)n.domains,
		    (unsigned long long)n.names);
	}
	state_free(s->pending);
	s->pending = NULL;
}

void
sensor_state_write(struct sensor *s)
{
	struct state_tables t;
	struct state_counts n;
	char err[512];

	if (s->conf.state_path == NULL)
		return;
	if (s->pending != NULL) {
		/* no packet came: the snapshot read is still the truth */
		return;
	}
	sensor_state_tables(s, &t);
	if (state_write(s->conf.state_path, flow_table_clock(s->flows),
	    &s->key, &t, &n, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		s->st_state.write_errors++;
		return;
	}
	s->st_state.written++;
	log_debug("state %s: %llu pairs, %llu domains, %llu names",
	    s->conf.state_path, (unsigned long long)n.pairs,
	    (unsigned long long)n.domains, (unsigned long long)n.names);
}

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
	if (c->state_path != NULL)
		sensor_state_read(s);
	if (c->catalogue_path != NULL)
		s->cat = catalogue_load(c->catalogue_path, err, errlen);
	else if ((s->cat = catalogue_create_builtin()) == NULL)
		snprintf(err, errlen, "out of memory");
	if (s->cat == NULL)
		goto fail;
	catalogue_set_class_mask(s->cat, c->class_mask);
	if (c->suppress_path != NULL &&
	    (s->suppress = suppress_load(c->suppress_path, err,
	    errlen)) == NULL)
		goto fail;
	if ((c->mmdb_asn != NULL || c->mmdb_city != NULL) &&
	    (s->geo = enrich_geo_open(c->mmdb_asn, c->mmdb_city, err,
	    errlen)) == NULL)
		goto fail;

	dc.reasm_bufs = c->reasm_bufs;
	dc.ndpi_pool = c->ndpi_pool;
	if ((s->strings = intern_create(c->strings, &s->key)) == NULL ||
	    (s->names = names_create(c->dns_entries, s->strings,
	    &s->key)) == NULL ||
	    (s->pairs = pair_table_create(c->pairs, c->heavy_pairs, s->strings,
	    &s->key, &c->beacon.score)) == NULL ||
	    (s->fleet = fleet_create(c->domains, s->strings,
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
	dissect_set_checkin(s->dissect, sensor_checkin, s);
	if (c->feeds.npaths > 0 && (s->feeds = enrich_feeds_open(&c->feeds,
	    s->strings, &s->key, sensor_record_done, s, err, errlen)) == NULL)
		goto fail;
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
	enrich_feeds_close(s->feeds);
	enrich_geo_close(s->geo);
	fleet_destroy(s->fleet);
	suppress_destroy(s->suppress);
	names_destroy(s->names);
	intern_destroy(s->strings);
	catalogue_destroy(s->cat);
	while (s->nretired > 0)
		catalogue_destroy(s->retired[--s->nretired]);
	state_free(s->pending);
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

/* Writes alert a, with the destination's AS and place when databases are
 * open. */
static void
sensor_alert(struct sensor *s, struct alert *a)
{
	struct geo_result g;
	json_t *doc;

	s->alerts++;
	if ((doc = alert_to_json(a, &s->obs)) == NULL)
		return;
	if (s->geo != NULL && enrich_geo_lookup(s->geo, a->family, a->dst,
	    &g) == 0)
		enrich_geo_to_json(&g, doc, "destination");
	outputs_write(s->out, OUTPUT_ALERTS, doc, a->ts_us);
	json_decref(doc);
}

/* Copies a string, cut to fit on a UTF-8 character boundary. */
static void
sensor_copy(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	if (src[n] != '\0')
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Keeps the latest process of a pair's records in its heavy part. */
static void
sensor_pair_process(struct pair_heavy *h,
    const struct enrich_process_result *res)
{
	const struct enrich_process_info *i = &res->proc;
	struct pair_process *p = &h->proc;

	sensor_copy(p->name, sizeof(p->name), i->process);
	sensor_copy(p->executable, sizeof(p->executable), i->executable);
	sensor_copy(p->command_line, sizeof(p->command_line), i->cmdline);
	sensor_copy(p->user, sizeof(p->user), i->user);
	sensor_copy(p->user_domain, sizeof(p->user_domain), i->domain);
	sensor_copy(p->host, sizeof(p->host), i->host);
	sensor_copy(p->entity_id, sizeof(p->entity_id), i->entity_id);
	p->pid = i->pid;
	p->match = (uint8_t)res->match;
	p->matched++;
}

/*
 * The pair stage: records to serverless names whose server answered go to
 * the pair of (source, name, process) - the process the join found, or
 * none - and the rules look at it: a connection at the reference rule, a
 * new check-in at the periodicity rule.
 */
static void
sensor_pair_record(struct sensor *s, const struct conn *c,
    const struct enrich_process_result *res, uint64_t now_us)
{
	uint64_t proc_key = res != NULL && res->match != ENRICH_MATCH_NONE ?
	    res->proc_key : 0;
	struct beacon_ctx ctx;
	struct pair_heavy *h;
	struct pair *p, *p0;
	struct alert a;
	int fresh, rc;

	if (c->serverless == NULL || !c->established)
		return;
	fleet_seen(s->fleet, c->name_id, c->start_us);
	if ((p = pair_table_add(s->pairs, c, proc_key, now_us,
	    &fresh)) == NULL)
		return;
	h = pair_heavy(s->pairs, p);
	if (h != NULL && proc_key != 0)
		sensor_pair_process(h, res);
	memset(&ctx, 0, sizeof(ctx));
	ctx.pairs = s->pairs;
	ctx.fleet = s->fleet;
	ctx.suppress = s->suppress;
	ctx.domain = c->name;
	ctx.sni = intern_str(s->strings, p->sni_id, NULL);
	ctx.process = proc_key != 0 ? res->proc.process : NULL;
	ctx.now_us = now_us;
	if (c->kind == CONN_FLOW)
		rc = beacon_ref_eval(&s->conf.beacon, &ctx, p, &a);
	else if (fresh)
		rc = beacon_periodic_eval(&s->conf.beacon, &ctx, p, &a);
	else
		return;
	if (rc == 2) {
		if (c->kind == CONN_FLOW)
			s->suppressed_ref++;
		else
			s->suppressed_per++;
		return;
	}
	if (rc != 1)
		return;
	if (a.process != NULL) {
		/* the share of this source's records to the name that the
		 * join gave to this process */
		p0 = pair_table_find(s->pairs, p->family, p->src, p->name_id, 0);
		a.endpoint_match = enrich_match_str(a.process->match);
		a.endpoint_share = (double)(p->conns + p->checkins) /
		    (p->conns + p->checkins + (p0 != NULL ?
		    p0->conns + p0->checkins : 0));
	}
	if (c->kind == CONN_FLOW)
		s->alerts_ref++;
	else
		s->alerts_per++;
	sensor_alert(s, &a);
}

/* A record whose process answer is final: output, then the pair stage. */
static void
sensor_record_done(void *arg, const struct conn *c,
    const struct enrich_process_result *res, uint64_t now_us)
{
	struct sensor *s = arg;
	struct geo_result g;
	json_t *doc;

	if (c->kind == CONN_FLOW && outputs_enabled(s->out,
	    OUTPUT_CONNECTIONS) && (doc = conn_to_json(c, &s->obs,
	    res)) != NULL) {
		if (s->geo != NULL && enrich_geo_lookup(s->geo, c->family,
		    c->dst, &g) == 0)
			enrich_geo_to_json(&g, doc, "destination");
		outputs_write(s->out, OUTPUT_CONNECTIONS, doc, now_us);
		json_decref(doc);
	}
	sensor_pair_record(s, c, res, now_us);
}

/* Every record (connection or check-in) goes through the endpoint feeds
 * when there are any. */
static void
sensor_record(struct sensor *s, const struct conn *c, uint64_t now_us)
{
	if (c->kind == CONN_FLOW)
		s->conns++;
	else
		s->checkins++;
	if (s->feeds != NULL)
		enrich_feeds_record(s->feeds, c, now_us);
	else
		sensor_record_done(s, c, NULL, now_us);
}

/* A check-in (a flow's start, or a burst inside a long flow). */
static void
sensor_checkin(void *arg, const struct conn *c, uint64_t now_us)
{
	sensor_record(arg, c, now_us);
}

static void
sensor_flow_end(void *arg, struct flow *f, enum flow_end why, uint64_t now_us)
{
	struct sensor *s = arg;
	struct conn c;

	dissect_conn(s->dissect, f, flow_end_name(why),
	    outputs_enabled(s->out, OUTPUT_CONNECTIONS), &c);
	sensor_record(s, &c, now_us);
	dissect_release(s->dissect, f);
}

/* ---- per frame ------------------------------------------------------------ */

static void
sensor_clock(struct sensor *s, uint64_t now_us)
{
	if (s->feeds != NULL) {
		/* offline: the feeds' events up to this packet, in order;
		 * live: whatever they have */
		if (s->capture.live)
			enrich_feeds_poll(s->feeds);
		else
			enrich_feeds_until(s->feeds, now_us);
		enrich_feeds_release(s->feeds, now_us, 0);
	}
	flow_table_expire(s->flows, now_us);
	outputs_poll(s->out, flow_table_clock(s->flows));
	if (s->conf.state_path != NULL && s->capture.live &&
	    s->pending == NULL) {
		uint64_t now = flow_table_clock(s->flows);

		if (s->next_state_us == 0)
			s->next_state_us = now +
			    (uint64_t)s->conf.state_interval * 1000000;
		else if (now >= s->next_state_us) {
			sensor_state_write(s);
			s->next_state_us = now +
			    (uint64_t)s->conf.state_interval * 1000000;
		}
	}
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
	if (s->pending != NULL)
		sensor_state_apply(s, ts_us);
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

static int
sensor_str_differs(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a != b;
	return strcmp(a, b) != 0;
}

static int
sensor_outputs_differ(const struct output_conf *a, const struct output_conf *b)
{
	size_t st, i;

	for (st = 0; st < OUTPUT_NSTREAMS; st++) {
		if (a->ndest[st] != b->ndest[st])
			return 1;
		for (i = 0; i < a->ndest[st]; i++)
			if (strcmp(a->dest[st][i], b->dest[st][i]) != 0)
				return 1;
	}
	return a->syslog.facility != b->syslog.facility ||
	    a->syslog.format != b->syslog.format ||
	    a->syslog.queue_msgs != b->syslog.queue_msgs ||
	    sensor_str_differs(a->syslog.ident, b->syslog.ident);
}

int
sensor_reconfigure(struct sensor *s, const struct sensor_conf *n)
{
	struct sensor_conf *o = &s->conf;
	struct output_conf nout = n->out;
	struct catalogue *cat;
	char err[512];
	int restart = 0;
	size_t i;

	sensor_default_outputs(&nout);
#define RESTART(cond, what)						\
	do {								\
		if (cond) {						\
			log_warnx("reload: %s changed; that takes a "	\
			    "restart", what);				\
			restart++;					\
		}							\
	} while (0)
	RESTART(memcmp(&o->flow, &n->flow, sizeof(o->flow)) != 0 ||
	    o->reasm_bufs != n->reasm_bufs || o->ndpi_pool != n->ndpi_pool ||
	    o->dns_entries != n->dns_entries || o->strings != n->strings ||
	    o->pairs != n->pairs || o->heavy_pairs != n->heavy_pairs ||
	    o->domains != n->domains, "a table size or timeout");
	RESTART(sensor_outputs_differ(&o->out, &nout), "the outputs");
	RESTART(sensor_str_differs(o->interface, n->interface) ||
	    sensor_str_differs(o->observer_name, n->observer_name),
	    "the interface or observer name");
	RESTART(sensor_str_differs(o->mmdb_asn, n->mmdb_asn) ||
	    sensor_str_differs(o->mmdb_city, n->mmdb_city),
	    "a MaxMind database");
	RESTART(o->feeds.npaths != n->feeds.npaths ||
	    memcmp(o->feeds.hold_us, n->feeds.hold_us,
	    sizeof(o->feeds.hold_us)) != 0, "the endpoint feeds");
	for (i = 0; i < o->feeds.npaths && i < n->feeds.npaths; i++)
		RESTART(strcmp(o->feeds.paths[i], n->feeds.paths[i]) != 0,
		    "an endpoint feed");
#undef RESTART

	/* the catalogue: records and pairs keep pointers into the old one,
	 * so it is retired, not freed */
	if (sensor_str_differs(o->catalogue_path, n->catalogue_path) ||
	    o->class_mask != n->class_mask) {
		if (n->catalogue_path != NULL)
			cat = catalogue_load(n->catalogue_path, err,
			    sizeof(err));
		else if ((cat = catalogue_create_builtin()) == NULL)
			snprintf(err, sizeof(err), "out of memory");
		if (cat == NULL || s->nretired == SENSOR_RETIRED_MAX) {
			log_warnx("reload: %s; the catalogue stays as it was",
			    cat == NULL ? err : "too many catalogue reloads");
			catalogue_destroy(cat);
		} else {
			catalogue_set_class_mask(cat, n->class_mask);
			s->retired[s->nretired++] = s->cat;
			s->cat = cat;
			dissect_set_catalogue(s->dissect, cat);
			o->catalogue_path = n->catalogue_path;
			o->class_mask = n->class_mask;
			log_info("reload: catalogue %s", n->catalogue_path !=
			    NULL ? n->catalogue_path : "(built in)");
		}
	}
	o->beacon = n->beacon;
	pair_table_set_conf(s->pairs, &n->beacon.score);
	o->suppress_path = n->suppress_path;
	if (o->stats_interval != n->stats_interval)
		s->next_stats_us = 0;
	o->stats_interval = n->stats_interval;
	o->state_path = n->state_path;
	o->state_interval = n->state_interval;
	if (s->suppress != NULL && o->suppress_path == NULL) {
		suppress_destroy(s->suppress);
		s->suppress = NULL;
	}
	sensor_reload(s);
	return restart;
}

void
sensor_reload(struct sensor *s)
{
	struct suppress *n;
	char err[512];

	s->reloads++;
	if (outputs_reopen(s->out) == -1)
		log_warnx("reload: an output could not be reopened (it keeps "
		    "writing to the old file)");
	if (s->conf.suppress_path != NULL) {
		if ((n = suppress_load(s->conf.suppress_path, err,
		    sizeof(err))) == NULL) {
			log_warnx("reload: %s (the previous suppressions stay "
			    "in force)", err);
			s->reload_errors++;
		} else {
			suppress_carry_hits(n, s->suppress);
			suppress_destroy(s->suppress);
			s->suppress = n;
		}
	}
	log_info("reloaded: outputs reopened%s", s->conf.suppress_path !=
	    NULL ? ", suppressions read again" : "");
}

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
	snap.nrules = 2;
	snap.rule_names[0] = BEACON_REF_RULE_ID;
	snap.alerts_by_rule[0] = s->alerts_ref;
	snap.suppressed_by_rule[0] = s->suppressed_ref;
	snap.rule_names[1] = BEACON_PER_RULE_ID;
	snap.alerts_by_rule[1] = s->alerts_per;
	snap.suppressed_by_rule[1] = s->suppressed_per;
	snap.checkins = s->checkins;
	snap.fleet = fleet_stats(s->fleet);
	snap.suppress = s->suppress;
	snap.reloads = s->reloads;
	snap.state = s->conf.state_path != NULL ? &s->st_state : NULL;
	snap.reload_errors = s->reload_errors;
	snap.feeds = s->feeds;
	snap.geo = s->geo != NULL ? enrich_geo_stats(s->geo) : NULL;
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
	if (s->feeds != NULL && !s->capture.live)
		enrich_feeds_drain(s->feeds);
	flow_table_flush(s->flows);
	if (s->feeds != NULL)
		enrich_feeds_release(s->feeds, flow_table_clock(s->flows), 1);
	sensor_state_write(s);
	sensor_write_stats(s, 1);
	sensor_flush(s);
}
