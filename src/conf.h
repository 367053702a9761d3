/*
 * conf.h - run-time configuration: defaults, then the command line.
 *
 * Every knob of the sensor has a long option; conf_parse_args() fills a
 * struct conf or explains the usage error.  main.c only acts on the result.
 */
#ifndef FAASWATCH_CONF_H
#define FAASWATCH_CONF_H

#include <stddef.h>

#include "capture.h"
#include "sensor.h"

#define CONF_MAX_FILES	1024

enum conf_action {
	CONF_RUN,		/* capture files or an interface */
	CONF_MATCH,		/* --match NAME */
	CONF_HELP,
	CONF_VERSION,
};

struct conf {
	enum conf_action	 action;
	struct sensor_conf	 sensor;
	struct capture_conf	 capture;
	char			*files[CONF_MAX_FILES];
	size_t			 nfiles;
	const char		*interface;
	const char		*match;
	int			 verbose;
};

/* Defaults, then argv.  Returns 0, or -1 with a one-line reason in err
 * (exit status 2).  Strings in c point into argv. */
int	conf_parse_args(struct conf *c, int argc, char **argv, char *err,
	    size_t errlen);

/* The --help text. */
void	conf_usage(FILE *fp);

#endif /* FAASWATCH_CONF_H */
