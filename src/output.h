/*
 * output.h - where each kind of document goes.
 *
 * Three streams (alerts, connection records, statistics records), each
 * with any number of destinations, any combination at once:
 *
 *   -  or a path       JSON lines to stdout or a file (output_json.c)
 *   syslog:            local syslog(3) (output_syslog.c)
 *   udp://HOST:PORT    remote RFC 5424 over UDP
 *   tcp://HOST:PORT    remote RFC 5424 over TCP, octet-counting framing
 *
 * A destination named by several streams is opened once and shared.  The
 * module owns every destination; documents are borrowed for the write.
 */
#ifndef FAASWATCH_OUTPUT_H
#define FAASWATCH_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "output_syslog.h"

#define OUTPUT_MAX_DESTS	8	/* destinations per stream */

enum output_stream {
	OUTPUT_ALERTS,
	OUTPUT_CONNECTIONS,
	OUTPUT_STATS,
	OUTPUT_NSTREAMS
};

struct output_conf {
	const char	*dest[OUTPUT_NSTREAMS][OUTPUT_MAX_DESTS];
	size_t		 ndest[OUTPUT_NSTREAMS];
	/* for every syslog destination: facility, ident, format, queue;
	 * remote and hostname are set per destination */
	struct output_syslog_conf syslog;
};

struct outputs;

/* Adds a destination to a stream; returns 0, or -1 when the stream has
 * OUTPUT_MAX_DESTS already. */
int		 output_conf_add(struct output_conf *c, enum output_stream s,
		    const char *dest);

/* Opens every destination.  Returns NULL with a one-line reason in err
 * (a file that cannot be opened, a bad URL, a name that does not resolve).
 * hostname is the RFC 5424 HOSTNAME. */
struct outputs	*outputs_open(const struct output_conf *c, const char *hostname,
		    char *err, size_t errlen);

/* Whether stream s has any destination. */
int		 outputs_enabled(const struct outputs *, enum output_stream s);

/* Writes doc (borrowed) to every destination of stream s. */
void		 outputs_write(struct outputs *, enum output_stream s,
		    json_t *doc, uint64_t now_us);

/* Reconnects and drains remote syslog queues; cheap when idle. */
void		 outputs_poll(struct outputs *, uint64_t now_us);

/* Flushes buffered files. */
void		 outputs_flush(struct outputs *);

/* Reopens every file (after a log rotation).  Returns 0, or -1 if one
 * could not be reopened (it keeps writing to the old one). */
int		 outputs_reopen(struct outputs *);

/* Delivers what is queued (bounded wait) and frees everything.  Accepts
 * NULL. */
void		 outputs_close(struct outputs *, uint64_t now_us);

/* Documents lost to write errors or dropped by a destination. */
uint64_t	 outputs_errors(const struct outputs *);

/* Per-destination counters as an array of objects. */
json_t		*outputs_stats_json(const struct outputs *);

#endif /* FAASWATCH_OUTPUT_H */
