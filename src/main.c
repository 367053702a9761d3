/*
 * main.c - faaswatch: wires the configuration, the sensor and the capture
 * loop together; signals; checking a configuration (-t); detaching, the
 * pid file and the privilege drop once the capture is open; reloading the
 * configuration on SIGHUP.  Everything else is in the library.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "catalogue.h"
#include "conf.h"
#include "daemon.h"
#include "enrich_geo.h"
#include "log.h"
#include "sensor.h"
#include "state.h"
#include "suppress.h"

static struct capture_signals	sig;

/* The running configuration and the ones reloads replaced: the sensor
 * keeps pointers into their strings, so all live until exit. */
#define MAIN_CONFS	(SENSOR_RETIRED_MAX + 1)
static struct conf	*confs[MAIN_CONFS];
static size_t		 nconfs;
static int		 g_argc;
static char		**g_argv;
static struct sensor	*g_sensor;

static void
on_signal(int signo)
{
	switch (signo) {
	case SIGINT:
	case SIGTERM:
		sig.stop = 1;
		break;
	case SIGUSR1:
		sig.stats = 1;
		break;
	case SIGHUP:
		sig.reload = 1;
		break;
	}
}

/*
 * SIGINT and SIGTERM interrupt a blocked read (no SA_RESTART), so a run
 * reading a quiet pipe still stops; SIGUSR1 and SIGHUP restart it, so they
 * never cut a capture file short.
 */
static void
signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
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

/* -t: the configuration and every file it names.  0 or 1. */
static int
run_test(struct conf *c)
{
	struct enrich_geo *geo;
	struct catalogue *cat;
	struct suppress *sup;
	struct state *st;
	char err[1024];
	int missing, bad = 0;
	size_t i;

	if (conf_check(c, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		bad = 1;
	}
	if (c->sensor.catalogue_path != NULL) {
		if ((cat = catalogue_load(c->sensor.catalogue_path, err,
		    sizeof(err))) == NULL) {
			log_warnx("%s", err);
			bad = 1;
		}
		catalogue_destroy(cat);
	}
	if (c->sensor.suppress_path != NULL) {
		if ((sup = suppress_load(c->sensor.suppress_path, err,
		    sizeof(err))) == NULL) {
			log_warnx("%s", err);
			bad = 1;
		}
		suppress_destroy(sup);
	}
	if (c->sensor.mmdb_asn != NULL || c->sensor.mmdb_city != NULL) {
		if ((geo = enrich_geo_open(c->sensor.mmdb_asn,
		    c->sensor.mmdb_city, err, sizeof(err))) == NULL) {
			log_warnx("%s", err);
			bad = 1;
		}
		enrich_geo_close(geo);
	}
	for (i = 0; i < c->sensor.feeds.npaths; i++)
		if (strcmp(c->sensor.feeds.paths[i], "-") != 0 &&
		    access(c->sensor.feeds.paths[i], R_OK) == -1) {
			log_warn("endpoint feed %s", c->sensor.feeds.paths[i]);
			bad = 1;
		}
	if (c->sensor.state_path != NULL) {
		if ((st = state_read(c->sensor.state_path, &missing, err,
		    sizeof(err))) == NULL && !missing)
			log_warnx("%s (it would be ignored)", err);
		state_free(st);
	}
	if (c->user != NULL && geteuid() == 0 && getpwnam(c->user) == NULL) {
		log_warnx("-u %s: no such user", c->user);
		bad = 1;
	}
	if (bad)
		return 1;
	printf("faaswatch: the configuration%s%s is ok\n",
	    c->config_path != NULL ? " in " : "",
	    c->config_path != NULL ? c->config_path : "");
	return 0;
}

/* Once the live capture is open: detach, pid file, privileges. */
static int
main_ready(void *arg, char *err, size_t errlen)
{
	struct conf *c = arg;

	if (c->daemonize) {
		if (daemon_detach(err, errlen) == -1)
			return -1;
		log_init("faaswatch", LOG_LEVEL_WARN + c->verbose, 1);
	}
	if (c->pidfile != NULL && daemon_pidfile(c->pidfile, err,
	    errlen) == -1)
		return -1;
	if (c->user != NULL && daemon_privdrop(c->user, c->chroot_dir, err,
	    errlen) == -1)
		return -1;
	return 0;
}

/* SIGHUP: the configuration file again (when there is one), then the
 * outputs and suppressions. */
static void
main_reload(void *arg)
{
	struct conf *n;
	char err[1024];

	(void)arg;
	if (confs[0]->config_path == NULL || nconfs == MAIN_CONFS) {
		if (nconfs == MAIN_CONFS)
			log_warnx("reload: too many reloads of the "
			    "configuration; only the outputs and "
			    "suppressions are reopened");
		sensor_reload(g_sensor);
		return;
	}
	if ((n = calloc(1, sizeof(*n))) == NULL ||
	    conf_parse_args(n, g_argc, g_argv, err, sizeof(err)) == -1) {
		log_warnx("reload: %s; the running configuration stays",
		    n != NULL ? err : "out of memory");
		if (n != NULL)
			conf_free(n);
		free(n);
		sensor_reload(g_sensor);
		return;
	}
	confs[nconfs++] = n;
	(void)sensor_reconfigure(g_sensor, &n->sensor);
	log_info("reload: configuration %s read again", n->config_path);
}

int
main(int argc, char **argv)
{
	struct conf *c;
	struct sensor *s;
	char err[1024];
	int rc;

	log_init("faaswatch", LOG_LEVEL_WARN, 0);
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warnx("out of memory");
		return 1;
	}
	confs[nconfs++] = c;
	g_argc = argc;
	g_argv = argv;
	rc = conf_parse_args(c, argc, argv, err, sizeof(err));
	if (rc == -1) {
		log_warnx("%s (see faaswatch --help)", err);
		rc = 2;
		goto out;
	}
	log_init("faaswatch", LOG_LEVEL_WARN + c->verbose, 0);
	switch (c->action) {
	case CONF_HELP:
		conf_usage(stdout);
		rc = 0;
		goto out;
	case CONF_VERSION:
		printf("faaswatch %s\n", PACKAGE_VERSION);
		rc = 0;
		goto out;
	case CONF_MATCH:
		rc = run_match(c);
		goto out;
	case CONF_RUN:
		break;
	}
	if (c->test_only) {
		rc = run_test(c);
		goto out;
	}
	if ((s = sensor_create(&c->sensor, err, sizeof(err))) == NULL) {
		log_warnx("%s", err);
		rc = 1;
		goto out;
	}
	g_sensor = s;
	sig.reload_fn = main_reload;
	signals_install();
	if (c->interface != NULL)
		rc = capture_live(s, &c->capture, c->interface, &sig, main_ready,
		    c, err, sizeof(err));
	else if ((rc = main_ready(c, err, sizeof(err))) == 0)
		rc = capture_files(s, &c->capture, c->files, c->nfiles, &sig,
		    err, sizeof(err));
	if (rc == -1)
		log_warnx("%s", err);
	sensor_finish(s);
	sensor_destroy(s);
	daemon_pidfile_remove(c->pidfile);
	rc = rc == -1 ? 1 : 0;
out:
	while (nconfs > 0) {
		conf_free(confs[--nconfs]);
		free(confs[nconfs]);
	}
	return rc;
}
