/*
 * conf.h - run-time configuration: defaults, then the command line.
 *
 * Every knob of the sensor has a long option, and the same name is its key
 * in the configuration file (faaswatch.conf(5), `-c FILE`): one "key =
 * value" per line, flags take yes or no.  The file is read first, then the
 * command line, which overrides it (a list the file filled, such as the
 * outputs of one stream, is replaced by the command line's).
 * conf_parse_args() fills a struct conf or explains the error; main.c only
 * acts on the result.
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

	/* running as a service */
	const char		*config_path;	/* -c */
	int			 test_only;	/* -t */
	int			 daemonize;	/* -D */
	const char		*pidfile;
	const char		*user;		/* -u */
	const char		*chroot_dir;

	/* parsing (conf.c) */
	int			 parsing_file;
	int			 file_lists;	/* lists the file filled */
	char			**owned;	/* the file's strings */
	size_t			 nowned, cowned;
};

/* Defaults, the configuration file (-c), then argv.  Returns 0, or -1 with
 * a one-line reason in err ("FILE:LINE: reason" for the file).  Strings in
 * c point into argv or into c (conf_free() releases them).  With -t the
 * run-time checks (conf_check) are left to the caller. */
int	conf_parse_args(struct conf *c, int argc, char **argv, char *err,
	    size_t errlen);

/* The checks of a configuration that is to run: an input, compatible
 * options.  Returns 0 or -1 with a reason. */
int	conf_check(struct conf *c, char *err, size_t errlen);

void	conf_free(struct conf *c);

/* The --help text. */
void	conf_usage(FILE *fp);

#endif /* FAASWATCH_CONF_H */
