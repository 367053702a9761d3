/*
 * output.c - routing documents to their destinations.  See output.h.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "output_json.h"

#define OUTPUT_MAX_OPEN	(OUTPUT_NSTREAMS * OUTPUT_MAX_DESTS)

enum output_kind {
	OUTPUT_KIND_JSON,
	OUTPUT_KIND_SYSLOG,
};

struct output_dest {
	enum output_kind	 kind;
	char			*name;
	struct output_json	*json;
	struct output_syslog	*syslog;
};

struct outputs {
	struct output_dest	 d[OUTPUT_MAX_OPEN];
	size_t			 nd;
	struct output_dest	*route[OUTPUT_NSTREAMS][OUTPUT_MAX_DESTS];
	size_t			 nroute[OUTPUT_NSTREAMS];
};

static const char *const output_stream_names[OUTPUT_NSTREAMS] = {
	[OUTPUT_ALERTS] = "alerts",
	[OUTPUT_CONNECTIONS] = "connections",
	[OUTPUT_STATS] = "stats",
};

int
output_conf_add(struct output_conf *c, enum output_stream s, const char *dest)
{
	size_t i;

	for (i = 0; i < c->ndest[s]; i++)
		if (strcmp(c->dest[s][i], dest) == 0)
			return 0;
	if (c->ndest[s] >= OUTPUT_MAX_DESTS)
		return -1;
	c->dest[s][c->ndest[s]++] = dest;
	return 0;
}

static int
output_is_syslog(const char *dest)
{
	return strcmp(dest, "syslog") == 0 || strcmp(dest, "syslog:") == 0 ||
	    strncmp(dest, "udp://", 6) == 0 || strncmp(dest, "tcp://", 6) == 0;
}

static struct output_dest *
output_dest_open(struct outputs *o, const struct output_conf *c,
    const char *name, int flush_each, const char *hostname, char *err,
    size_t errlen)
{
	struct output_dest *d;
	struct output_syslog_conf sc;
	size_t i;

	for (i = 0; i < o->nd; i++)
		if (strcmp(o->d[i].name, name) == 0)
			return &o->d[i];
	d = &o->d[o->nd];
	memset(d, 0, sizeof(*d));
	if ((d->name = strdup(name)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (output_is_syslog(name)) {
		d->kind = OUTPUT_KIND_SYSLOG;
		sc = c->syslog;
		sc.remote = strncmp(name, "syslog", 6) == 0 ? NULL : name;
		sc.hostname = hostname;
		if ((d->syslog = output_syslog_open(&sc, err, errlen)) == NULL) {
			free(d->name);
			return NULL;
		}
	} else {
		d->kind = OUTPUT_KIND_JSON;
		if ((d->json = output_json_open(name, flush_each)) == NULL) {
			snprintf(err, errlen, "cannot open %s: %s", name,
			    strerror(errno));
			free(d->name);
			return NULL;
		}
	}
	o->nd++;
	return d;
}

struct outputs *
outputs_open(const struct output_conf *c, const char *hostname, char *err,
    size_t errlen)
{
	struct outputs *o;
	size_t s, i;

	if ((o = calloc(1, sizeof(*o))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (s = 0; s < OUTPUT_NSTREAMS; s++)
		for (i = 0; i < c->ndest[s]; i++) {
			/* alerts and statistics are flushed as written;
			 * connection records in blocks */
			struct output_dest *d = output_dest_open(o, c,
			    c->dest[s][i], s != OUTPUT_CONNECTIONS, hostname,
			    err, errlen);

			if (d == NULL) {
				outputs_close(o, 0);
				return NULL;
			}
			o->route[s][o->nroute[s]++] = d;
		}
	return o;
}

int
outputs_enabled(const struct outputs *o, enum output_stream s)
{
	return o->nroute[s] > 0;
}

void
outputs_write(struct outputs *o, enum output_stream s, json_t *doc,
    uint64_t now_us)
{
	size_t i;

	for (i = 0; i < o->nroute[s]; i++) {
		struct output_dest *d = o->route[s][i];

		if (d->kind == OUTPUT_KIND_JSON)
			output_json_write(d->json, doc);
		else
			output_syslog_write(d->syslog, doc, NULL, now_us);
	}
}

void
outputs_poll(struct outputs *o, uint64_t now_us)
{
	size_t i;

	for (i = 0; i < o->nd; i++)
		if (o->d[i].kind == OUTPUT_KIND_SYSLOG)
			output_syslog_poll(o->d[i].syslog, now_us);
}

void
outputs_flush(struct outputs *o)
{
	size_t i;

	for (i = 0; i < o->nd; i++)
		if (o->d[i].kind == OUTPUT_KIND_JSON)
			output_json_flush(o->d[i].json);
}

int
outputs_reopen(struct outputs *o)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < o->nd; i++)
		if (o->d[i].kind == OUTPUT_KIND_JSON &&
		    output_json_reopen(o->d[i].json) == -1)
			rc = -1;
	return rc;
}

void
outputs_close(struct outputs *o, uint64_t now_us)
{
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < o->nd; i++) {
		if (o->d[i].kind == OUTPUT_KIND_JSON)
			output_json_close(o->d[i].json);
		else
			output_syslog_close(o->d[i].syslog, now_us, NULL);
		free(o->d[i].name);
	}
	free(o);
}

uint64_t
outputs_errors(const struct outputs *o)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < o->nd; i++) {
		if (o->d[i].kind == OUTPUT_KIND_JSON) {
			n += output_json_stats(o->d[i].json)->errors;
		} else {
			const struct output_syslog_stats *st =
			    output_syslog_stats(o->d[i].syslog);

			n += st->dropped_queue_full + st->dropped_too_big +
			    st->dropped_error + st->dropped_close;
		}
	}
	return n;
}

json_t *
outputs_stats_json(const struct outputs *o)
{
	json_t *arr = json_array(), *d;
	size_t i, s, r;

	if (arr == NULL)
		return NULL;
	for (i = 0; i < o->nd; i++) {
		json_t *streams = json_array();

		for (s = 0; s < OUTPUT_NSTREAMS; s++)
			for (r = 0; r < o->nroute[s]; r++)
				if (o->route[s][r] == &o->d[i])
					json_array_append_new(streams,
					    json_string(output_stream_names[s]));
		if (o->d[i].kind == OUTPUT_KIND_JSON) {
			const struct output_json_stats *st =
			    output_json_stats(o->d[i].json);

			d = json_pack("{s:s, s:o, s:I, s:I}",
			    "destination", o->d[i].name, "streams", streams,
			    "written", (json_int_t)st->written,
			    "errors", (json_int_t)st->errors);
		} else {
			const struct output_syslog_stats *st =
			    output_syslog_stats(o->d[i].syslog);

			d = json_pack("{s:s, s:o, s:I, s:I, s:I, s:I, s:I, s:I, "
			    "s:I, s:I, s:I}",
			    "destination", o->d[i].name, "streams", streams,
			    "sent", (json_int_t)st->sent,
			    "queued", (json_int_t)st->queued,
			    "truncated", (json_int_t)st->truncated,
			    "dropped_queue_full",
			    (json_int_t)st->dropped_queue_full,
			    "dropped_too_big", (json_int_t)st->dropped_too_big,
			    "dropped_error", (json_int_t)st->dropped_error,
			    "send_errors", (json_int_t)st->send_errors,
			    "reconnects", (json_int_t)st->reconnects,
			    "connected", (json_int_t)st->connected);
		}
		if (d != NULL)
			json_array_append_new(arr, d);
	}
	return arr;
}
