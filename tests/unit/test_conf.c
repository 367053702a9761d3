/*
 * test_conf.c - the configuration file (conf.c, faaswatch.conf(5)): a file
 * with every kind of line gives the values it names; the command line
 * overrides it and replaces its lists; errors name the file and line; the
 * file cut at every offset is either read or refused with a reason, never
 * half-applied silently or crashed on.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf.h"

static char path[256];

static const char good[] =
    "# a sensor\n"
    "\n"
    "  read = /tmp/a.pcap\n"
    "read=/tmp/b.pcap\n"
    "output = /tmp/alerts.json\n"
    "output = udp://127.0.0.1:514\n"
    "connections = \"/tmp/conns.json\"\n"
    "min-checkins = 12\n"
    "fleet-suppress = yes\n"
    "syslog = no\n"
    "feed-hold = sysmon=120\n"
    "observer-name = \"tap one\"\n"
    "state = /tmp/state\n"
    "state-interval = 60\n";

static void
write_file(const char *s, size_t n)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(s, 1, n, fp), n);
	fclose(fp);
}

static int
parse(struct conf *c, char *err, size_t errlen, int extra, char **more)
{
	char *argv[16] = { "faaswatch", "-c", path };
	int i;

	for (i = 0; i < extra; i++)
		argv[3 + i] = more[i];
	argv[3 + extra] = NULL;
	return conf_parse_args(c, 3 + extra, argv, err, errlen);
}

static void
test_good(void **state)
{
	struct conf c;
	char err[256];

	(void)state;
	write_file(good, sizeof(good) - 1);
	assert_int_equal(parse(&c, err, sizeof(err), 0, NULL), 0);
	assert_int_equal(c.nfiles, 2);
	assert_string_equal(c.files[1], "/tmp/b.pcap");
	assert_int_equal(c.sensor.out.ndest[OUTPUT_ALERTS], 2);
	assert_int_equal(c.sensor.out.ndest[OUTPUT_CONNECTIONS], 1);
	assert_string_equal(c.sensor.out.dest[OUTPUT_CONNECTIONS][0],
	    "/tmp/conns.json");
	assert_int_equal(c.sensor.beacon.score.min_checkins, 12);
	assert_true(c.sensor.beacon.fleet_suppress);
	assert_string_equal(c.sensor.observer_name, "tap one");
	assert_string_equal(c.sensor.state_path, "/tmp/state");
	assert_int_equal(c.sensor.state_interval, 60);
	conf_free(&c);
}

static void
test_command_line_overrides(void **state)
{
	char *more[] = { "-o", "-", "--min-checkins", "9", "-r", "/tmp/c.pcap" };
	struct conf c;
	char err[256];

	(void)state;
	write_file(good, sizeof(good) - 1);
	assert_int_equal(parse(&c, err, sizeof(err), 6, more), 0);
	assert_int_equal(c.nfiles, 1);
	assert_string_equal(c.files[0], "/tmp/c.pcap");
	assert_int_equal(c.sensor.out.ndest[OUTPUT_ALERTS], 1);
	assert_string_equal(c.sensor.out.dest[OUTPUT_ALERTS][0], "-");
	assert_int_equal(c.sensor.out.ndest[OUTPUT_CONNECTIONS], 1);
	assert_int_equal(c.sensor.beacon.score.min_checkins, 9);
	conf_free(&c);
}

static void
test_errors(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "read = x\nbogus = 1\n", ":2: unknown key 'bogus'" },
		{ "read = x\n\n\nmin-checkins = 99\n", ":4: --min-checkins" },
		{ "read = x\nsyslog = maybe\n", ":2: syslog: 'maybe' is not yes" },
		{ "read = x\noutput\n", ":2: expected 'key = value'" },
		{ "read = x\noutput =\n", ":2: output needs a value" },
		{ "help = yes\n", ":1: unknown key 'help'" },
	};
	struct conf c;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_file(cases[i].text, strlen(cases[i].text));
		assert_int_equal(parse(&c, err, sizeof(err), 0, NULL), -1);
		if (strstr(err, cases[i].want) == NULL ||
		    strncmp(err, path, strlen(path)) != 0)
			fail_msg("case %zu: '%s'", i, err);
		conf_free(&c);
	}
}

/* Every prefix: read, or refused with a reason naming the file. */
static void
test_truncated(void **state)
{
	struct conf c;
	char err[256];
	size_t n;
	int rc;

	(void)state;
	for (n = 0; n <= sizeof(good) - 1; n++) {
		write_file(good, n);
		err[0] = '\0';
		rc = parse(&c, err, sizeof(err), 0, NULL);
		if (rc == -1 && strstr(err, path) == NULL &&
		    strstr(err, "nothing to read") == NULL)
			fail_msg("prefix %zu: '%s'", n, err);
		assert_true(rc == 0 || rc == -1);
		conf_free(&c);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_command_line_overrides),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_truncated),
	};
	const char *t = getenv("TMPDIR");
	int rc;

	snprintf(path, sizeof(path), "%s/faaswatch-conf-test.%ld",
	    t != NULL ? t : "/tmp", (long)getpid());
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(path);
	return rc;
}
