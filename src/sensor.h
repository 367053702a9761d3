/*
 * sensor.h - the whole pipeline, wired once for the program, the tests and
 * the benchmark.
 *
 *   frame -> decode -> flow table -> dissect (names, nDPI) -> records
 *   records (connections, check-ins) -> connection output
 *                 -> pair table -> reference rule, periodicity rule
 *                 -> fleet context, suppressions -> alert outputs
 *
 * The sensor owns every stage and the outputs.  Time is packet time: the
 * clock only moves with packet timestamps (offline runs are deterministic),
 * or with sensor_tick() when a live capture is idle.
 */
#ifndef FAASWATCH_SENSOR_H
#define FAASWATCH_SENSOR_H

#include <stddef.h>
#include <stdint.h>

#include "beacon.h"
#include "enrich_feeds.h"
#include "flow.h"
#include "output.h"
#include "stats.h"

struct sensor_conf {
	struct flow_conf	flow;
	size_t			reasm_bufs;
	size_t			ndpi_pool;
	size_t			dns_entries;
	size_t			strings;
	size_t			pairs;
	size_t			heavy_pairs;	/* pairs with a history */
	size_t			domains;	/* fleet context */
	struct beacon_conf	beacon;
	const char		*suppress_path;	/* NULL: none */
	struct enrich_feeds_conf feeds;		/* endpoint feeds */
	const char		*mmdb_asn, *mmdb_city;	/* NULL: none */
	const char		*catalogue_path;	/* NULL: built in */
	unsigned		 class_mask;
	struct output_conf	 out;		/* destinations per stream;
						   none for alerts: stdout;
						   none for statistics: the
						   alerts' files */
	const char		*observer_name;		/* NULL: host name */
	const char		*interface;		/* live capture */
	uint32_t		 stats_interval;	/* s; 0: only at the end */
	const char		*state_path;	/* snapshots; NULL: none */
	uint32_t		 state_interval;	/* s between snapshots */
};

/* Fills c with the defaults of defaults.h. */
void		 sensor_conf_defaults(struct sensor_conf *c);

struct sensor;

/* Returns NULL with a one-line reason in err on failure (unreadable
 * catalogue, output that cannot be opened, memory). */
struct sensor	*sensor_create(const struct sensor_conf *c, char *err,
		    size_t errlen);
void		 sensor_destroy(struct sensor *);

/* One captured frame of link type dlt; frame is borrowed for the call. */
void		 sensor_frame(struct sensor *, int dlt, uint64_t ts_us,
		    const uint8_t *frame, size_t caplen, size_t wirelen);

/* Advances the clock without a packet (idle live capture). */
void		 sensor_tick(struct sensor *, uint64_t now_us);

/* Capture counters the capture stage keeps up to date. */
struct stats_capture *sensor_capture_stats(struct sensor *);

/* Writes a statistics record now. */
void		 sensor_write_stats(struct sensor *, int final);

/* SIGHUP: reopens the file outputs (after logrotate moved them) and reads
 * the suppression file again; a file that no longer parses keeps the old
 * list (with a warning).  Flows, pairs and names are untouched. */
void		 sensor_reload(struct sensor *);

/* SIGHUP with a configuration file: what n changes takes effect now where
 * it can (detection thresholds, suppressions, catalogue and classes,
 * statistics interval, state file and interval); a change to anything else
 * (capture, outputs, table sizes, feeds, databases) is reported as needing
 * a restart.  n's strings must live as long as the sensor.  Then
 * sensor_reload().  Returns the number of changes that need a restart. */
int		 sensor_reconfigure(struct sensor *, const struct sensor_conf *n);

/* Writes a snapshot to --state now (also done at the end of a run and
 * every state_interval seconds live). */
void		 sensor_state_write(struct sensor *);

/* Reports every open flow, writes the final statistics record and flushes
 * the outputs (end of input, or SIGTERM). */
void		 sensor_finish(struct sensor *);

/* Flushes buffered outputs. */
void		 sensor_flush(struct sensor *);

uint64_t	 sensor_alerts(const struct sensor *);

/* Flow table peak and total, for the benchmark. */
void		 sensor_peak_flows(const struct sensor *, uint64_t *peak,
		    uint64_t *created);

#endif /* FAASWATCH_SENSOR_H */
