/*
 * syslog_send.c - sends JSON lines through the syslog output, for the
 * end-to-end tests (tests/e2e/syslog-*.sh), until the output is wired into
 * faaswatch itself.
 *
 *   syslog_send [-r URL] [-f json|cef] [-F facility] [-i ident] [-H host]
 *       [-q msgs] [-Q bytes] [-m bytes] [-d ms] [-p K:ms] [-w ms]
 *       [-D file] [-s file] FILE
 *
 * Each line of FILE ("-": standard input) is a JSON document written with
 * output_syslog_write() at wall-clock time; -d waits between documents and
 * -p K:MS pauses after the K-th, both while polling the output (reconnects
 * and draining go on).  -w MS polls after the last document until the queue
 * is empty or MS have passed; then the output is closed (its own bounded
 * flush).  -D writes the line numbers of the documents the output refused
 * (queue full, too big), one a line.  The final counters are printed as
 * one JSON object (-s FILE, default standard output).  Exit status: 0, 1
 * for an unreadable file or a line that is not JSON, 2 for usage.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "log.h"
#include "output_syslog.h"

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Waits ms milliseconds, polling the output every 5 ms; with until_empty,
 * returns as soon as nothing is queued. */
static void
wait_polling(struct output_syslog *o, unsigned long ms, int until_empty)
{
	uint64_t end = mono_ms() + ms;

	for (;;) {
		output_syslog_poll(o, now_us());
		if (until_empty && output_syslog_stats(o)->queued == 0)
			return;
		if (mono_ms() >= end)
			return;
		usleep(5000);
	}
}

static unsigned long
number(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0') {
		fprintf(stderr, "syslog_send: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

static void
usage(void)
{
	fprintf(stderr, "usage: syslog_send [-r URL] [-f json|cef] "
	    "[-F facility] [-i ident] [-H host] [-q msgs] [-Q bytes] "
	    "[-m bytes] [-d ms] [-p K:ms] [-w ms] [-D file] [-s file] FILE\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct output_syslog_conf c;
	struct output_syslog_stats st;
	struct output_syslog *o;
	unsigned long delay = 0, pause_at = 0, pause_ms = 0, drain = 0;
	unsigned long lines = 0, refused = 0;
	const char *refused_path = NULL, *stats_path = NULL;
	FILE *in, *rf = NULL, *sf = stdout;
	char err[256], *line = NULL, *colon;
	size_t cap = 0;
	ssize_t n;
	json_t *doc;
	json_error_t je;
	int ch, rc = 0;

	log_init("syslog_send", LOG_LEVEL_INFO, 0);
	output_syslog_conf_defaults(&c);
	while ((ch = getopt(argc, argv, "r:f:F:i:H:q:Q:m:d:p:w:D:s:")) != -1) {
		switch (ch) {
		case 'r':
			c.remote = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "cef") == 0)
				c.format = OUTPUT_SYSLOG_CEF;
			else if (strcmp(optarg, "json") == 0)
				c.format = OUTPUT_SYSLOG_JSON;
			else
				usage();
			break;
		case 'F':
			if (output_syslog_facility_parse(optarg,
			    &c.facility) != 0) {
				fprintf(stderr, "syslog_send: unknown facility "
				    "'%s'\n", optarg);
				return 2;
			}
			break;
		case 'i':
			c.ident = optarg;
			break;
		case 'H':
			c.hostname = optarg;
			break;
		case 'q':
			c.queue_msgs = number(optarg, "queue size");
			break;
		case 'Q':
			c.queue_bytes = number(optarg, "queue bytes");
			break;
		case 'm':
			c.max_msg = number(optarg, "message size");
			break;
		case 'd':
			delay = number(optarg, "delay");
			break;
		case 'p':
			if ((colon = strchr(optarg, ':')) == NULL)
				usage();
			*colon = '\0';
			pause_at = number(optarg, "pause position");
			pause_ms = number(colon + 1, "pause length");
			break;
		case 'w':
			drain = number(optarg, "drain time");
			break;
		case 'D':
			refused_path = optarg;
			break;
		case 's':
			stats_path = optarg;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	if (strcmp(argv[optind], "-") == 0)
		in = stdin;
	else if ((in = fopen(argv[optind], "r")) == NULL) {
		fprintf(stderr, "syslog_send: %s: %s\n", argv[optind],
		    strerror(errno));
		return 1;
	}
	if (refused_path != NULL && (rf = fopen(refused_path, "w")) == NULL) {
		fprintf(stderr, "syslog_send: %s: %s\n", refused_path,
		    strerror(errno));
		return 1;
	}
	if (stats_path != NULL && (sf = fopen(stats_path, "w")) == NULL) {
		fprintf(stderr, "syslog_send: %s: %s\n", stats_path,
		    strerror(errno));
		return 1;
	}
	if ((o = output_syslog_open(&c, err, sizeof(err))) == NULL) {
		fprintf(stderr, "syslog_send: %s\n", err);
		return 1;
	}
	while ((n = getline(&line, &cap, in)) != -1) {
		if (n <= 1)
			continue;
		lines++;
		if ((doc = json_loads(line, 0, &je)) == NULL) {
			fprintf(stderr, "syslog_send: line %lu: %s\n", lines,
			    je.text);
			rc = 1;
			break;
		}
		if (output_syslog_write(o, doc, NULL, now_us()) != 0) {
			refused++;
			if (rf != NULL)
				fprintf(rf, "%lu\n", lines);
		}
		json_decref(doc);
		if (delay != 0)
			wait_polling(o, delay, 0);
		if (pause_ms != 0 && lines == pause_at)
			wait_polling(o, pause_ms, 0);
	}
	free(line);
	if (in != stdin)
		fclose(in);
	if (drain != 0)
		wait_polling(o, drain, 1);
	output_syslog_close(o, now_us(), &st);
	fprintf(sf, "{\"read\":%lu,\"refused\":%lu,\"sent\":%llu,"
	    "\"queued\":%llu,\"truncated\":%llu,\"dropped_queue_full\":%llu,"
	    "\"dropped_too_big\":%llu,\"dropped_error\":%llu,"
	    "\"dropped_close\":%llu,\"send_errors\":%llu,"
	    "\"connect_attempts\":%llu,\"reconnects\":%llu}\n", lines, refused,
	    (unsigned long long)st.sent, (unsigned long long)st.queued,
	    (unsigned long long)st.truncated,
	    (unsigned long long)st.dropped_queue_full,
	    (unsigned long long)st.dropped_too_big,
	    (unsigned long long)st.dropped_error,
	    (unsigned long long)st.dropped_close,
	    (unsigned long long)st.send_errors,
	    (unsigned long long)st.connect_attempts,
	    (unsigned long long)st.reconnects);
	if (rf != NULL && fclose(rf) != 0)
		rc = 1;
	if (sf != stdout && fclose(sf) != 0)
		rc = 1;
	return rc;
}
