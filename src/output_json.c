/*
 * output_json.c - JSON lines to stdout or a file.  See output_json.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "output_json.h"

struct output_json {
	char			*path;
	FILE			*fp;
	int			 is_stdout;
	int			 flush_each;
	int			 warned;
	struct output_json_stats st;
};

static FILE *
output_json_fopen(const char *path)
{
	int fd;
	FILE *fp;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd == -1)
		return NULL;
	if ((fp = fdopen(fd, "a")) == NULL) {
		close(fd);
		return NULL;
	}
	return fp;
}

struct output_json *
output_json_open(const char *path, int flush_each)
{
	struct output_json *o;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	if ((o->path = strdup(path)) == NULL) {
		free(o);
		return NULL;
	}
	o->flush_each = flush_each;
	if (strcmp(path, "-") == 0) {
		o->fp = stdout;
		o->is_stdout = 1;
	} else if ((o->fp = output_json_fopen(path)) == NULL) {
		int saved = errno;

		free(o->path);
		free(o);
		errno = saved;
		return NULL;
	}
	return o;
}

void
output_json_close(struct output_json *o)
{
	if (o == NULL)
		return;
	output_json_flush(o);
	if (!o->is_stdout && o->fp != NULL)
		fclose(o->fp);
	free(o->path);
	free(o);
}

static void
output_json_error(struct output_json *o)
{
	o->st.errors++;
	if (!o->warned) {
		log_warn("write to %s", o->is_stdout ? "stdout" : o->path);
		o->warned = 1;
	}
}

int
output_json_write(struct output_json *o, json_t *doc)
{
	if (o->fp == NULL) {
		o->st.errors++;
		return -1;
	}
	if (json_dumpf(doc, o->fp, JSON_COMPACT | JSON_ENSURE_ASCII |
	    JSON_REAL_PRECISION(15)) == -1 ||
	    fputc('\n', o->fp) == EOF ||
	    (o->flush_each && fflush(o->fp) == EOF)) {
		output_json_error(o);
		clearerr(o->fp);
		return -1;
	}
	o->st.written++;
	return 0;
}

void
output_json_flush(struct output_json *o)
{
	if (o != NULL && o->fp != NULL && fflush(o->fp) == EOF) {
		output_json_error(o);
		clearerr(o->fp);
	}
}

int
output_json_reopen(struct output_json *o)
{
	FILE *fp;

	if (o->is_stdout)
		return 0;
	output_json_flush(o);
	if ((fp = output_json_fopen(o->path)) == NULL) {
		log_warn("reopen %s", o->path);
		return -1;
	}
	if (o->fp != NULL)
		fclose(o->fp);
	o->fp = fp;
	o->warned = 0;
	return 0;
}

const char *
output_json_path(const struct output_json *o)
{
	return o->path;
}

const struct output_json_stats *
output_json_stats(const struct output_json *o)
{
	return &o->st;
}
