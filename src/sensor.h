/*
 * sensor.h - the whole pipeline, wired once for the program, the tests and
 * the benchmark.
 *
 *   frame -> decode -> flow table -> dissect (names, nDPI) -> conn record
 *         -> connection output, pair table -> reference rule -> alert output
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
	struct beacon_ref_conf	ref;
	const char		*catalogue_path;	/* NULL: built in */
	unsigned		 class_mask;
	struct output_conf	 out;		/* destinations per stream;
						   none for alerts: stdout;
						   none for statistics: the
						   alerts' files */
	const char		*observer_name;		/* NULL: host name */
	const char		*interface;		/* live capture */
	uint32_t		 stats_interval;	/* s; 0: only at the end */
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
