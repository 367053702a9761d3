/*
 * output_json.h - JSON lines to stdout or a file.
 *
 * Each document is written as one compact line (NDJSON).  A file is opened
 * O_APPEND | O_CREAT (mode 0640), so several writers and logrotate's
 * copytruncate behave; output_json_reopen() reopens the path (SIGHUP after
 * a rotation).  Several streams naming the same path share one output.
 * A write error is counted and reported once; the sensor keeps running.
 */
#ifndef FAASWATCH_OUTPUT_JSON_H
#define FAASWATCH_OUTPUT_JSON_H

#include <stdint.h>

#include <jansson.h>

struct output_json;

struct output_json_stats {
	uint64_t	written;	/* documents */
	uint64_t	errors;		/* documents lost to write errors */
};

/* Opens path ("-" for stdout).  flush_each: flush after every document
 * (alerts) rather than when the buffer fills (connection records).
 * Returns NULL and sets errno on failure. */
struct output_json	*output_json_open(const char *path, int flush_each);
void			 output_json_close(struct output_json *);

/* Writes doc as one line; does not take the reference.  Returns 0 or -1. */
int			 output_json_write(struct output_json *, json_t *doc);
void			 output_json_flush(struct output_json *);
int			 output_json_reopen(struct output_json *);
const char		*output_json_path(const struct output_json *);
const struct output_json_stats *output_json_stats(const struct output_json *);

#endif /* FAASWATCH_OUTPUT_JSON_H */
