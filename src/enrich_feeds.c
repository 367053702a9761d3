/*
 * enrich_feeds.c - endpoint feeds in, process context onto records.  See
 * enrich_feeds.h.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enrich_feeds.h"
#include "feed_endpoint.h"

/* Held records are looked up again at most this often (packet time). */
#define ENRICH_RETRY_US		1000000ULL

struct enrich_feed {
	char			*path;
	struct feed_reader	*reader;
	struct feed_endpoint	*parser;
};

/* A record waiting for a feed: the record, with its strings held as
 * intern references. */
struct enrich_held {
	struct conn	c;
	uint32_t	sni_id, ja3_id, ja4_id, alpn_id;
	char		protocol[48];
	uint64_t	until_us;
};

struct enrich_feeds {
	struct enrich_feed	 feed[ENRICH_FEEDS_MAX];
	size_t			 nfeeds;
	struct enrich_process	*join;
	struct intern		*strings;
	enrich_feeds_fn		*fn;
	void			*arg;
	uint64_t		 max_hold_us;
	struct enrich_held	*held;		/* ring */
	size_t			 head, count;
	uint64_t		 retry_us;
	struct endpoint_event	 ev;		/* scratch (4 KB) */
	struct enrich_process_result res;
	uint64_t		 records, held_total, overflow, events;
};

struct enrich_feeds *
enrich_feeds_open(const struct enrich_feeds_conf *c, struct intern *strings,
    const struct hash_key *key, enrich_feeds_fn *fn, void *arg, char *err,
    size_t errlen)
{
	struct enrich_process_conf jc;
	struct enrich_feeds *ef;
	size_t i;
	int s;

	if ((ef = calloc(1, sizeof(*ef))) == NULL ||
	    (ef->held = calloc(ENRICH_HOLD_MAX, sizeof(*ef->held))) == NULL) {
		free(ef);
		snprintf(err, errlen, "out of memory for the endpoint feeds");
		return NULL;
	}
	ef->strings = strings;
	ef->fn = fn;
	ef->arg = arg;
	enrich_process_conf_default(&jc);
	for (s = 0; s < ENDPOINT_SOURCE_MAX; s++) {
		if (c->hold_us[s] != 0)
			jc.hold_us[s] = c->hold_us[s];
		if (jc.hold_us[s] > ef->max_hold_us)
			ef->max_hold_us = jc.hold_us[s];
	}
	if ((ef->join = enrich_process_create(&jc, key)) == NULL) {
		snprintf(err, errlen, "out of memory for the process join");
		enrich_feeds_close(ef);
		return NULL;
	}
	for (i = 0; i < c->npaths && i < ENRICH_FEEDS_MAX; i++) {
		struct enrich_feed *f = &ef->feed[ef->nfeeds];

		if ((f->path = strdup(c->paths[i])) == NULL ||
		    (f->parser = feed_endpoint_create(0)) == NULL) {
			snprintf(err, errlen, "out of memory for %s",
			    c->paths[i]);
			free(f->path);
			enrich_feeds_close(ef);
			return NULL;
		}
		ef->nfeeds++;
		if ((f->reader = feed_reader_open(c->paths[i],
		    c->follow ? FEED_READER_FOLLOW : 0, 0)) == NULL) {
			snprintf(err, errlen, "cannot read endpoint feed %s: %s",
			    c->paths[i], strerror(errno));
			enrich_feeds_close(ef);
			return NULL;
		}
	}
	return ef;
}

static void
enrich_held_free(struct enrich_feeds *ef, struct enrich_held *h)
{
	intern_unref(ef->strings, h->c.name_id);
	intern_unref(ef->strings, h->sni_id);
	intern_unref(ef->strings, h->ja3_id);
	intern_unref(ef->strings, h->ja4_id);
	intern_unref(ef->strings, h->alpn_id);
}

void
enrich_feeds_close(struct enrich_feeds *ef)
{
	size_t i;

	if (ef == NULL)
		return;
	for (i = 0; i < ef->count; i++)
		enrich_held_free(ef, &ef->held[(ef->head + i) %
		    ENRICH_HOLD_MAX]);
	for (i = 0; i < ef->nfeeds; i++) {
		feed_reader_close(ef->feed[i].reader);
		feed_endpoint_destroy(ef->feed[i].parser);
		free(ef->feed[i].path);
	}
	enrich_process_destroy(ef->join);
	free(ef->held);
	free(ef);
}

/* ---- feed events ---------------------------------------------------------- */

static void
enrich_feeds_read(struct enrich_feeds *ef, uint64_t limit_us, int all)
{
	size_t i;
	uint64_t t;

	for (i = 0; i < ef->nfeeds; i++) {
		struct enrich_feed *f = &ef->feed[i];

		for (;;) {
			if (!all && (!feed_reader_peek_time(f->reader,
			    f->parser, &t) || t > limit_us))
				break;
			if (!feed_reader_next_event(f->reader, f->parser,
			    &ef->ev))
				break;
			ef->events++;
			enrich_process_add(ef->join, &ef->ev);
		}
	}
}

void
enrich_feeds_until(struct enrich_feeds *ef, uint64_t t_us)
{
	enrich_feeds_read(ef, t_us, 0);
}

void
enrich_feeds_poll(struct enrich_feeds *ef)
{
	enrich_feeds_read(ef, UINT64_MAX, 0);
}

void
enrich_feeds_drain(struct enrich_feeds *ef)
{
	size_t i;
	int more;

	do {
		enrich_feeds_read(ef, UINT64_MAX, 1);
		more = 0;
		for (i = 0; i < ef->nfeeds; i++)
			if (!feed_reader_done(ef->feed[i].reader) &&
			    feed_reader_poll(ef->feed[i].reader) > 0)
				more = 1;
	} while (more);
}

/* ---- records --------------------------------------------------------------- */

static uint32_t
enrich_id(struct enrich_feeds *ef, const char *s)
{
	return s != NULL ? intern_get(ef->strings, s, strlen(s)) : 0;
}

static void
enrich_hand_on(struct enrich_feeds *ef, const struct conn *c, uint64_t now_us,
    int final)
{
	if (enrich_process_lookup(ef->join, c, final ? UINT64_MAX : now_us,
	    &ef->res) == ENRICH_PENDING)
		ef->res.match = ENRICH_MATCH_NONE;
	ef->fn(ef->arg, c, &ef->res, now_us);
}

/* Hands on the oldest held record with what is known. */
static void
enrich_release_head(struct enrich_feeds *ef, uint64_t now_us, int final)
{
	struct enrich_held *h = &ef->held[ef->head];

	h->c.name = intern_str(ef->strings, h->c.name_id, NULL);
	h->c.sni = intern_str(ef->strings, h->sni_id, NULL);
	h->c.ja3 = intern_str(ef->strings, h->ja3_id, NULL);
	h->c.ja4 = intern_str(ef->strings, h->ja4_id, NULL);
	h->c.alpn = intern_str(ef->strings, h->alpn_id, NULL);
	h->c.protocol = h->protocol[0] != '\0' ? h->protocol : NULL;
	ef->head = (ef->head + 1) % ENRICH_HOLD_MAX;
	ef->count--;
	enrich_hand_on(ef, &h->c, now_us, final);
	enrich_held_free(ef, h);
}

void
enrich_feeds_record(struct enrich_feeds *ef, const struct conn *c,
    uint64_t now_us)
{
	struct enrich_held *h;

	ef->records++;
	/* in arrival order: behind held records, a record waits too */
	if (ef->count == 0 && enrich_process_lookup(ef->join, c, now_us,
	    &ef->res) == ENRICH_FINAL) {
		ef->fn(ef->arg, c, &ef->res, now_us);
		return;
	}
	if (ef->count == ENRICH_HOLD_MAX) {
		ef->overflow++;
		enrich_release_head(ef, now_us, 0);
	}
	h = &ef->held[(ef->head + ef->count) % ENRICH_HOLD_MAX];
	memset(h, 0, sizeof(*h));
	h->c = *c;
	intern_ref(ef->strings, c->name_id);
	h->sni_id = enrich_id(ef, c->sni);
	h->ja3_id = enrich_id(ef, c->ja3);
	h->ja4_id = enrich_id(ef, c->ja4);
	h->alpn_id = enrich_id(ef, c->alpn);
	if (c->protocol != NULL)
		snprintf(h->protocol, sizeof(h->protocol), "%s", c->protocol);
	h->c.end_reason = c->end_reason;	/* static strings */
	h->until_us = c->start_us + ef->max_hold_us +
	    (uint64_t)ENRICH_EXACT_WINDOW_S * 1000000;
	ef->count++;
	ef->held_total++;
}

void
enrich_feeds_release(struct enrich_feeds *ef, uint64_t now_us, int flush)
{
	if (!flush && now_us < ef->retry_us)
		return;
	ef->retry_us = now_us + ENRICH_RETRY_US;
	while (ef->count > 0) {
		struct enrich_held *h = &ef->held[ef->head];

		if (!flush && now_us < h->until_us &&
		    enrich_process_lookup(ef->join, &h->c, now_us,
		    &ef->res) == ENRICH_PENDING)
			break;
		enrich_release_head(ef, now_us, flush);
	}
}

json_t *
enrich_feeds_stats_json(const struct enrich_feeds *ef)
{
	const struct enrich_process_stats *js = enrich_process_stats(ef->join);
	json_t *o = json_object(), *feeds = json_array(), *m = json_object();
	size_t i;
	int k;

	for (i = 0; i < ef->nfeeds; i++) {
		const struct feed_endpoint_counters *fc =
		    feed_endpoint_counters(ef->feed[i].parser);
		const struct feed_reader_counters *rc =
		    feed_reader_counters(ef->feed[i].reader);
		json_t *skipped = json_object();

		for (k = 0; k < FEED_SKIP_MAX; k++)
			json_object_set_new(skipped, feed_skip_str(k),
			    json_integer((json_int_t)fc->skipped[k]));
		json_array_append_new(feeds, json_pack("{s:s,s:I,s:I,s:I,s:I,"
		    "s:I,s:I,s:o}", "path", ef->feed[i].path,
		    "lines", (json_int_t)rc->lines,
		    "records", (json_int_t)fc->records,
		    "connections", (json_int_t)fc->connections,
		    "dns", (json_int_t)fc->dns,
		    "reopened", (json_int_t)rc->reopened,
		    "oversized_lines", (json_int_t)rc->oversized,
		    "skipped", skipped));
	}
	for (k = 0; k < ENRICH_MATCH_MAX; k++)
		json_object_set_new(m, enrich_match_str(k),
		    json_integer((json_int_t)js->matches[k]));
	json_object_set_new(o, "feeds", feeds);
	json_object_set_new(o, "events", json_integer((json_int_t)ef->events));
	json_object_set_new(o, "records", json_integer((json_int_t)ef->records));
	json_object_set_new(o, "matches", m);
	json_object_set_new(o, "held_now", json_integer((json_int_t)ef->count));
	json_object_set_new(o, "held_total",
	    json_integer((json_int_t)ef->held_total));
	json_object_set_new(o, "hold_overflow",
	    json_integer((json_int_t)ef->overflow));
	json_object_set_new(o, "join_evicted", json_integer((json_int_t)
	    (js->conns_evicted + js->procs_evicted + js->dns_evicted +
	    js->sticky_evicted)));
	return o;
}
