/*
 * main.c - faaswatch: wires the configuration, the sensor and the capture
 * loop together, and handles signals.  Everything else is in the library.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "catalogue.h"
#include "conf.h"
#include "log.h"
#include "sensor.h"

static volatile sig_atomic_t	stop_requested;
static volatile sig_atomic_t	stats_requested;

static void
on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void
on_usr1(int sig)
{
	(void)sig;
	stats_requested = 1;
}

static void
signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* --match NAME: 0 when a catalogue entry matches, 1 when none does. */
static int
run_match(const struct conf *c)
{
	struct catalogue *cat;
	const struct catalogue_entry *e = NULL;
	enum catalogue_verdict v;
	char err[512];

	if (c->sensor.catalogue_path != NULL)
		cat = catalogue_load(c->sensor.catalogue_path, err,
		    sizeof(err));
	else if ((cat = catalogue_create_builtin()) == NULL)
		snprintf(err, sizeof(err), "out of memory");
	if (cat == NULL) {
		log_warnx("%s", err);
		return 1;
	}
	catalogue_set_class_mask(cat, c->sensor.class_mask);
	v = catalogue_classify(cat, c->match, strlen(c->match), &e);
	if (e == NULL) {
		printf("%s: no catalogue entry matches\n", c->match);
		catalogue_destroy(cat);
		return 1;
	}
	printf("%s: %s %s\n", c->match, e->provider, e->platform);
	printf("  provider: %s\n  platform: %s\n  class:    %s%s\n"
	    "  pattern:  %s\n", e->provider, e->platform, e->class_name,
	    v == CATALOGUE_NOT_COUNTED ? " (not counted: class excluded by "
	    "--classes)" : "", e->pattern);
	if (e->source[0] != '\0')
		printf("  source:   %s\n", e->source);
	catalogue_destroy(cat);
	return 0;
}

int
main(int argc, char **argv)
{
	struct conf c;
	struct sensor *s;
	char err[1024];
	int rc;

	log_init("faaswatch", LOG_LEVEL_WARN, 0);
	if (conf_parse_args(&c, argc, argv, err, sizeof(err)) == -1) {
		log_warnx("%s (see faaswatch --help)", err);
		return 2;
	}
	log_init("faaswatch", LOG_LEVEL_WARN + c.verbose, 0);
	switch (c.action) {
	case CONF_HELP:
		conf_usage(stdout);
		return 0;
	case CONF_VERSION:
		printf("faaswatch %s\n", PACKAGE_VERSION);
		return 0;
	case CONF_MATCH:
		return run_match(&c);
	case CONF_RUN:
		break;
	}

	if ((s = sensor_create(&c.sensor, err, sizeof(err))) == NULL) {
		log_warnx("%s", err);
		return 1;
	}
	signals_install();
	if (c.interface != NULL)
		rc = capture_live(s, &c.capture, c.interface, &stop_requested,
		    &stats_requested, err, sizeof(err));
	else
		rc = capture_files(s, &c.capture, c.files, c.nfiles,
		    &stop_requested, err, sizeof(err));
	if (rc == -1)
		log_warnx("%s", err);
	sensor_finish(s);
	sensor_destroy(s);
	return rc == -1 ? 1 : 0;
}
