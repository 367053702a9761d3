/*
 * conf.c - defaults and the command line.  See conf.h.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "conf.h"
#include "cursor.h"
#include "defaults.h"
#include "file.h"

enum {
	OPT_NO_PROMISC = 256,
	OPT_BUFFER_SIZE,
	OPT_CONNECTIONS,
	OPT_STATS,
	OPT_STATS_INTERVAL,
	OPT_CATALOGUE,
	OPT_CLASSES,
	OPT_MATCH,
	OPT_MAX_FLOWS,
	OPT_MAX_PAIRS,
	OPT_DNS_ENTRIES,
	OPT_MAX_NAMES,
	OPT_REASM_BUFFERS,
	OPT_NDPI_FLOWS,
	OPT_TCP_TIMEOUT,
	OPT_UDP_TIMEOUT,
	OPT_REF_MIN_CONNECTIONS,
	OPT_REF_MIN_HOURS,
	OPT_REF_MAX_AVG_SENT,
	OPT_REF_MAX_AVG_RECV,
	OPT_REF_MIN_PER_HOUR,
	OPT_OBSERVER_NAME,
	OPT_SYSLOG,
	OPT_SYSLOG_REMOTE,
	OPT_SYSLOG_FACILITY,
	OPT_SYSLOG_IDENT,
	OPT_SYSLOG_FORMAT,
	OPT_SYSLOG_QUEUE,
	OPT_SUPPRESS,
	OPT_MAX_HEAVY_PAIRS,
	OPT_MIN_CHECKINS,
	OPT_CHECKIN_MERGE,
	OPT_MIN_REGULAR,
	OPT_ALERT_UPDATE,
	OPT_FLEET_MIN,
	OPT_FLEET_SUPPRESS,
	OPT_NEW_DOMAIN_DAYS,
	OPT_ENDPOINT_FEED,
	OPT_FEED_HOLD,
	OPT_MMDB_ASN,
	OPT_MMDB_CITY,
	OPT_PIDFILE,
	OPT_CHROOT,
	OPT_STATE,
	OPT_STATE_INTERVAL,
};

#define CONF_SHORT	":r:i:f:s:o:c:tDu:vVh"
#define CONF_FILE_MAX	(1 << 20)

enum {
	CONF_LIST_INPUT = 1,
	CONF_LIST_ALERTS = 2,
	CONF_LIST_CONNECTIONS = 4,
	CONF_LIST_STATS = 8,
	CONF_LIST_FEEDS = 16,
};

static void	conf_list_claim(struct conf *, int);

static const struct option conf_options[] = {
	{ "read",		required_argument, NULL, 'r' },
	{ "interface",		required_argument, NULL, 'i' },
	{ "filter",		required_argument, NULL, 'f' },
	{ "snaplen",		required_argument, NULL, 's' },
	{ "no-promisc",		no_argument,	   NULL, OPT_NO_PROMISC },
	{ "buffer-size",	required_argument, NULL, OPT_BUFFER_SIZE },
	{ "output",		required_argument, NULL, 'o' },
	{ "connections",	required_argument, NULL, OPT_CONNECTIONS },
	{ "stats",		required_argument, NULL, OPT_STATS },
	{ "stats-interval",	required_argument, NULL, OPT_STATS_INTERVAL },
	{ "catalogue",		required_argument, NULL, OPT_CATALOGUE },
	{ "classes",		required_argument, NULL, OPT_CLASSES },
	{ "match",		required_argument, NULL, OPT_MATCH },
	{ "max-flows",		required_argument, NULL, OPT_MAX_FLOWS },
	{ "max-pairs",		required_argument, NULL, OPT_MAX_PAIRS },
	{ "dns-entries",	required_argument, NULL, OPT_DNS_ENTRIES },
	{ "max-names",		required_argument, NULL, OPT_MAX_NAMES },
	{ "reasm-buffers",	required_argument, NULL, OPT_REASM_BUFFERS },
	{ "ndpi-flows",		required_argument, NULL, OPT_NDPI_FLOWS },
	{ "tcp-timeout",	required_argument, NULL, OPT_TCP_TIMEOUT },
	{ "udp-timeout",	required_argument, NULL, OPT_UDP_TIMEOUT },
	{ "ref-min-connections", required_argument, NULL, OPT_REF_MIN_CONNECTIONS },
	{ "ref-min-hours",	required_argument, NULL, OPT_REF_MIN_HOURS },
	{ "ref-max-avg-sent",	required_argument, NULL, OPT_REF_MAX_AVG_SENT },
	{ "ref-max-avg-recv",	required_argument, NULL, OPT_REF_MAX_AVG_RECV },
	{ "ref-min-per-hour",	required_argument, NULL, OPT_REF_MIN_PER_HOUR },
	{ "observer-name",	required_argument, NULL, OPT_OBSERVER_NAME },
	{ "suppress",		required_argument, NULL, OPT_SUPPRESS },
	{ "endpoint-feed",	required_argument, NULL, OPT_ENDPOINT_FEED },
	{ "feed-hold",		required_argument, NULL, OPT_FEED_HOLD },
	{ "mmdb-asn",		required_argument, NULL, OPT_MMDB_ASN },
	{ "mmdb-city",		required_argument, NULL, OPT_MMDB_CITY },
	{ "max-heavy-pairs",	required_argument, NULL, OPT_MAX_HEAVY_PAIRS },
	{ "min-checkins",	required_argument, NULL, OPT_MIN_CHECKINS },
	{ "checkin-merge",	required_argument, NULL, OPT_CHECKIN_MERGE },
	{ "min-regular",	required_argument, NULL, OPT_MIN_REGULAR },
	{ "alert-update",	required_argument, NULL, OPT_ALERT_UPDATE },
	{ "fleet-min",		required_argument, NULL, OPT_FLEET_MIN },
	{ "fleet-suppress",	no_argument,	   NULL, OPT_FLEET_SUPPRESS },
	{ "new-domain-days",	required_argument, NULL, OPT_NEW_DOMAIN_DAYS },
	{ "syslog",		no_argument,	   NULL, OPT_SYSLOG },
	{ "syslog-remote",	required_argument, NULL, OPT_SYSLOG_REMOTE },
	{ "syslog-facility",	required_argument, NULL, OPT_SYSLOG_FACILITY },
	{ "syslog-ident",	required_argument, NULL, OPT_SYSLOG_IDENT },
	{ "syslog-format",	required_argument, NULL, OPT_SYSLOG_FORMAT },
	{ "syslog-queue",	required_argument, NULL, OPT_SYSLOG_QUEUE },
	{ "config",		required_argument, NULL, 'c' },
	{ "test-config",	no_argument,	   NULL, 't' },
	{ "daemon",		no_argument,	   NULL, 'D' },
	{ "pidfile",		required_argument, NULL, OPT_PIDFILE },
	{ "user",		required_argument, NULL, 'u' },
	{ "chroot",		required_argument, NULL, OPT_CHROOT },
	{ "state",		required_argument, NULL, OPT_STATE },
	{ "state-interval",	required_argument, NULL, OPT_STATE_INTERVAL },
	{ "verbose",		no_argument,	   NULL, 'v' },
	{ "version",		no_argument,	   NULL, 'V' },
	{ "help",		no_argument,	   NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

void
conf_usage(FILE *fp)
{
	fprintf(fp,
"usage: faaswatch -r FILE [-r FILE ...] [options]\n"
"       faaswatch -i IFACE [options]\n"
"       faaswatch --match NAME\n"
"\n"
"Finds command-and-control beacons proxied through serverless platforms\n"
"(Cloudflare Workers, AWS Lambda URLs and API Gateway, Google Apps Script,\n"
"Cloud Functions, Azure Functions, Vercel, Netlify, ...) in network traffic.\n"
"Alerts are ECS JSON lines on stdout unless -o is given.\n"
"\n"
"Input:\n"
"  -r, --read FILE          read a pcap or pcapng file; repeatable, in order;\n"
"                           '-' reads stdin\n"
"  -i, --interface IFACE    capture live on IFACE\n"
"  -f, --filter EXPR        BPF filter for either mode\n"
"  -s, --snaplen N          live snap length (default %d)\n"
"      --no-promisc         do not put the interface in promiscuous mode\n"
"      --buffer-size KIB    live capture buffer (default: libpcap's)\n"
"Output (each repeatable; DEST is a file, '-' for stdout, 'syslog:' for\n"
"syslog(3), or udp://HOST:PORT / tcp://HOST:PORT for remote RFC 5424):\n"
"  -o, --output DEST        alerts (default: stdout); files are appended to\n"
"      --connections DEST   one record per finished flow\n"
"      --stats DEST         statistics records (default: the alerts' files)\n"
"      --syslog             alerts to syslog(3) too (same as -o syslog:)\n"
"      --syslog-remote URL  alerts to a remote syslog too (same as -o URL)\n"
"      --syslog-facility F  syslog facility (default local5)\n"
"      --syslog-ident NAME  syslog ident / APP-NAME (default faaswatch)\n"
"      --syslog-format FMT  json (default) or cef\n"
"      --syslog-queue N     messages queued per remote receiver that is\n"
"                           down (default %d; beyond, dropped and counted)\n"
"      --stats-interval S   live statistics every S seconds (default %d;\n"
"                           0: only at exit)\n"
"      --observer-name NAME observer.name (default: the host name)\n"
"Context:\n"
"      --endpoint-feed FILE endpoint records (Sysmon event 3/1/22 flat or\n"
"                           Winlogbeat, Defender DeviceNetworkEvents rows or\n"
"                           Event Hub batches, osquery socket rows), one per\n"
"                           line, '-' for stdin; repeatable; followed across\n"
"                           rotation when live.  Adds process.*, user.*,\n"
"                           host.name and groups pairs by process\n"
"      --feed-hold SRC=S    how long a record waits for source SRC (sysmon,\n"
"                           defender, osquery; defaults 60, 900, 300)\n"
"      --mmdb-asn FILE      MaxMind/DB-IP ASN database: destination.as.*\n"
"      --mmdb-city FILE     MaxMind/DB-IP City or Country database:\n"
"                           destination.geo.*\n"
"Catalogue:\n"
"      --catalogue FILE     replace the built-in serverless catalogue\n"
"      --classes LIST       classes that count (default: all but cdn):\n"
"                           serverless,edge,static-with-functions,paas,\n"
"                           shared-script-host,tunnel,cdn, or all\n"
"      --match NAME         print the catalogue entry for NAME and exit\n"
"                           (0: matched, 1: no match)\n"
"Limits:\n"
"      --max-flows N        flow table size (default %d)\n"
"      --max-pairs N        (source, domain) pairs (default %d)\n"
"      --dns-entries N      DNS name map entries (default %d)\n"
"      --max-names N        distinct names held (default %d)\n"
"      --reasm-buffers N    first-flight buffers of %d bytes (default %d)\n"
"      --ndpi-flows N       flows classified by nDPI at once (default %d)\n"
"      --tcp-timeout S      idle timeout of established TCP (default %d)\n"
"      --udp-timeout S      idle timeout of UDP (default %d)\n"
"Periodicity rule:\n"
"      --min-checkins N     check-ins before a pair can be periodic (default %d)\n"
"      --checkin-merge S    connections this close are one check-in (default %d)\n"
"      --min-regular S      a pair must stay regular this long (default %d)\n"
"      --alert-update S     repeat a periodicity alert after S seconds while\n"
"                           it holds (default %d); sooner if severity rises\n"
"      --fleet-min N        other sources with the same period that make a\n"
"                           pair fleet telemetry, reported at low severity\n"
"                           (default %d)\n"
"      --fleet-suppress     do not report fleet telemetry at all (counted)\n"
"      --new-domain-days N  a domain seen for less raises severity (default %d)\n"
"      --suppress FILE      suppressions (see faaswatch(8)), re-read on\n"
"                           SIGHUP; matches counted\n"
"      --max-heavy-pairs N  pairs with a history (default %d)\n"
"Reference rule (the published hunting query's thresholds):\n"
"      --ref-min-connections N  (default %d)\n"
"      --ref-min-hours N        distinct hour buckets (default %d)\n"
"      --ref-max-avg-sent B     bytes, strictly less (default %d)\n"
"      --ref-max-avg-recv B     bytes, strictly less (default %d)\n"
"      --ref-min-per-hour N     connections per hour (default %d)\n"
"Running as a service:\n"
"  -c, --config FILE        read options from FILE first (faaswatch.conf(5));\n"
"                           the command line overrides it\n"
"  -t, --test-config        check the configuration and exit\n"
"  -D, --daemon             detach into the background (needs -i)\n"
"      --pidfile FILE       write the process id to FILE\n"
"  -u, --user USER          run as USER once capture and outputs are open\n"
"      --chroot DIR         and chroot to DIR (paths opened later, such as\n"
"                           rotated outputs and the state, are inside it)\n"
"      --state FILE         snapshot pair and name state to FILE every\n"
"                           --state-interval seconds and at exit; restored at\n"
"                           start (default interval %d)\n"
"      --state-interval S\n"
"Other:\n"
"  -v, --verbose            more diagnostics on stderr (repeatable)\n"
"  -V, --version            print the version and exit\n"
"  -h, --help               print this help and exit\n"
"\n"
"Exit status: 0 success, 1 runtime error, 2 usage error.\n"
"See faaswatch(8).\n",
	    CAPTURE_SNAPLEN_DEFAULT, OUTPUT_SYSLOG_QUEUE_MSGS,
	    STATS_INTERVAL_DEFAULT, FLOW_MAX_DEFAULT,
	    PAIR_MAX_DEFAULT, DNS_MAP_DEFAULT, NAME_INTERN_DEFAULT,
	    REASM_MAX_BYTES, REASM_POOL_DEFAULT, NDPI_POOL_DEFAULT,
	    FLOW_TIMEOUT_TCP_DEFAULT, FLOW_TIMEOUT_UDP_DEFAULT,
	    BEACON_MIN_CHECKINS, (int)(BEACON_MERGE_US / 1000000),
	    (int)(BEACON_MIN_SPAN_US / 1000000),
	    (int)(BEACON_UPDATE_INTERVAL_US / 1000000), BEACON_FLEET_MIN,
	    (int)(BEACON_NEW_DOMAIN_US / 86400000000ULL), PAIR_HEAVY_DEFAULT,
	    REF_MIN_CONNECTIONS, REF_MIN_HOURS, REF_MAX_AVG_SENT,
	    REF_MAX_AVG_RECV, REF_MIN_PER_HOUR, STATE_INTERVAL_DEFAULT);
}

/* Adds an output destination to a stream; returns 0 or -1. */
static int
conf_dest(struct conf *c, enum output_stream s, const char *dest, char *err,
    size_t errlen)
{
	if (dest[0] == '\0') {
		snprintf(err, errlen, "empty output destination");
		return -1;
	}
	if (output_conf_add(&c->sensor.out, s, dest) == -1) {
		snprintf(err, errlen, "more than %d destinations for one "
		    "output", OUTPUT_MAX_DESTS);
		return -1;
	}
	return 0;
}

/* "sysmon=60": the hold time of one endpoint source.  Returns 0 or -1. */
static int
conf_feed_hold(struct conf *c, const char *arg, char *err, size_t errlen)
{
	static const struct {
		const char		*name;
		enum endpoint_source	 src;
	} names[] = {
		{ "sysmon=", ENDPOINT_SOURCE_SYSMON },
		{ "defender=", ENDPOINT_SOURCE_DEFENDER },
		{ "osquery=", ENDPOINT_SOURCE_OSQUERY },
	};
	unsigned long long v;
	char *end;
	size_t i, n;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		n = strlen(names[i].name);
		if (strncmp(arg, names[i].name, n) != 0)
			continue;
		errno = 0;
		v = strtoull(arg + n, &end, 10);
		if (errno != 0 || end == arg + n || *end != '\0' ||
		    v > 86400) {
			snprintf(err, errlen, "--feed-hold: '%s' is not "
			    "SOURCE=SECONDS (0-86400)", arg);
			return -1;
		}
		c->sensor.feeds.hold_us[names[i].src] = v * 1000000;
		return 0;
	}
	snprintf(err, errlen, "--feed-hold: '%s': the source is sysmon, "
	    "defender or osquery", arg);
	return -1;
}

/* Parses an unsigned number in [min, max]; returns 0 or -1. */
static int
conf_number(const char *opt, const char *arg, unsigned long long min,
    unsigned long long max, unsigned long long *out, char *err, size_t errlen)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (arg[0] == '-' || arg[0] == '\0')
		goto bad;
	v = strtoull(arg, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		goto bad;
	*out = v;
	return 0;
bad:
	snprintf(err, errlen, "--%s: '%s' is not a number from %llu to %llu",
	    opt, arg, min, max);
	return -1;
}

/*
 * Applies option ch (conf_options[idx]) with its argument (NULL for a flag)
 * to c.  Returns 0, 1 when the option ends the parsing (--help,
 * --version), or -1 with a reason in err.  Strings must outlive c.
 */
static int
conf_apply(struct conf *c, int ch, int idx, char *arg, char *err,
    size_t errlen)
{
	unsigned long long v;
	const char *name;

#define NUM(min, max)							\
	do {								\
		name = conf_options[idx].name;				\
		if (conf_number(name, arg, (min), (max), &v, err,	\
		    errlen) == -1)					\
			return -1;					\
	} while (0)

	conf_list_claim(c, ch);
	switch (ch) {
	case 'r':
		if (c->nfiles >= CONF_MAX_FILES) {
			snprintf(err, errlen, "too many -r files "
			    "(at most %d)", CONF_MAX_FILES);
			return -1;
		}
		c->files[c->nfiles++] = arg;
		break;
	case 'i':
		c->interface = arg;
		break;
	case 'f':
		c->capture.filter = arg;
		break;
	case 's':
		NUM(64, 262144);
		c->capture.snaplen = (int)v;
		break;
	case OPT_NO_PROMISC:
		c->capture.promisc = 0;
		break;
	case OPT_BUFFER_SIZE:
		NUM(64, 4194304);
		c->capture.buffer_kib = (int)v;
		break;
	case 'o':
	case OPT_SYSLOG_REMOTE:
		if (ch == OPT_SYSLOG_REMOTE &&
		    strncmp(arg, "udp://", 6) != 0 &&
		    strncmp(arg, "tcp://", 6) != 0) {
			snprintf(err, errlen, "--syslog-remote: '%s' "
			    "is not udp://HOST:PORT or tcp://HOST:PORT",
			    arg);
			return -1;
		}
		if (conf_dest(c, OUTPUT_ALERTS, arg, err,
		    errlen) == -1)
			return -1;
		break;
	case OPT_SYSLOG:
		if (conf_dest(c, OUTPUT_ALERTS, "syslog:", err,
		    errlen) == -1)
			return -1;
		break;
	case OPT_CONNECTIONS:
		if (conf_dest(c, OUTPUT_CONNECTIONS, arg, err,
		    errlen) == -1)
			return -1;
		break;
	case OPT_STATS:
		if (conf_dest(c, OUTPUT_STATS, arg, err,
		    errlen) == -1)
			return -1;
		break;
	case OPT_SYSLOG_FACILITY:
		if (output_syslog_facility_parse(arg,
		    &c->sensor.out.syslog.facility) == -1) {
			snprintf(err, errlen, "--syslog-facility: "
			    "unknown facility '%s'", arg);
			return -1;
		}
		break;
	case OPT_SYSLOG_IDENT:
		c->sensor.out.syslog.ident = arg;
		break;
	case OPT_SYSLOG_FORMAT:
		if (strcmp(arg, "json") == 0)
			c->sensor.out.syslog.format =
			    OUTPUT_SYSLOG_JSON;
		else if (strcmp(arg, "cef") == 0)
			c->sensor.out.syslog.format = OUTPUT_SYSLOG_CEF;
		else {
			snprintf(err, errlen, "--syslog-format: "
			    "'%s' is not json or cef", arg);
			return -1;
		}
		break;
	case OPT_SYSLOG_QUEUE:
		NUM(1, 10000000);
		c->sensor.out.syslog.queue_msgs = (size_t)v;
		break;
	case OPT_STATS_INTERVAL:
		NUM(0, 86400);
		c->sensor.stats_interval = (uint32_t)v;
		break;
	case OPT_CATALOGUE:
		c->sensor.catalogue_path = arg;
		break;
	case OPT_CLASSES:
		if (catalogue_class_mask_parse(arg,
		    &c->sensor.class_mask, err, errlen) == -1)
			return -1;
		break;
	case OPT_MATCH:
		c->action = CONF_MATCH;
		c->match = arg;
		break;
	case OPT_MAX_FLOWS:
		NUM(16, 100000000);
		c->sensor.flow.max_flows = (size_t)v;
		break;
	case OPT_MAX_PAIRS:
		NUM(16, 100000000);
		c->sensor.pairs = (size_t)v;
		break;
	case OPT_DNS_ENTRIES:
		NUM(16, 100000000);
		c->sensor.dns_entries = (size_t)v;
		break;
	case OPT_MAX_NAMES:
		NUM(64, 100000000);
		c->sensor.strings = (size_t)v;
		break;
	case OPT_REASM_BUFFERS:
		NUM(1, 1000000);
		c->sensor.reasm_bufs = (size_t)v;
		break;
	case OPT_NDPI_FLOWS:
		NUM(1, 10000000);
		c->sensor.ndpi_pool = (size_t)v;
		break;
	case OPT_TCP_TIMEOUT:
		NUM(10, 86400);
		c->sensor.flow.timeout_tcp = (uint32_t)v;
		break;
	case OPT_UDP_TIMEOUT:
		NUM(5, 86400);
		c->sensor.flow.timeout_udp = (uint32_t)v;
		break;
	case OPT_REF_MIN_CONNECTIONS:
		NUM(1, 1000000);
		c->sensor.beacon.ref.min_connections = (uint32_t)v;
		break;
	case OPT_REF_MIN_HOURS:
		NUM(1, PAIR_WINDOW_HOURS);
		c->sensor.beacon.ref.min_hours = (uint32_t)v;
		break;
	case OPT_REF_MAX_AVG_SENT:
		NUM(1, UINT32_MAX);
		c->sensor.beacon.ref.max_avg_sent = v;
		break;
	case OPT_REF_MAX_AVG_RECV:
		NUM(1, UINT32_MAX);
		c->sensor.beacon.ref.max_avg_recv = v;
		break;
	case OPT_REF_MIN_PER_HOUR:
		NUM(1, 1000000);
		c->sensor.beacon.ref.min_per_hour = (uint32_t)v;
		break;
	case OPT_ENDPOINT_FEED:
		if (c->sensor.feeds.npaths >= ENRICH_FEEDS_MAX) {
			snprintf(err, errlen, "at most %d endpoint "
			    "feeds", ENRICH_FEEDS_MAX);
			return -1;
		}
		c->sensor.feeds.paths[c->sensor.feeds.npaths++] =
		    arg;
		break;
	case OPT_FEED_HOLD:
		if (conf_feed_hold(c, arg, err, errlen) == -1)
			return -1;
		break;
	case OPT_MMDB_ASN:
		c->sensor.mmdb_asn = arg;
		break;
	case OPT_MMDB_CITY:
		c->sensor.mmdb_city = arg;
		break;
	case OPT_SUPPRESS:
		c->sensor.suppress_path = arg;
		break;
	case OPT_MAX_HEAVY_PAIRS:
		NUM(16, 100000000);
		c->sensor.heavy_pairs = (size_t)v;
		break;
	case OPT_MIN_CHECKINS:
		NUM(3, BEACON_HIST_N);
		c->sensor.beacon.score.min_checkins = (uint32_t)v;
		break;
	case OPT_CHECKIN_MERGE:
		NUM(0, 600);
		c->sensor.beacon.score.merge_us = v * 1000000;
		break;
	case OPT_MIN_REGULAR:
		NUM(0, 86400);
		c->sensor.beacon.score.min_span_us = v * 1000000ULL;
		break;
	case OPT_ALERT_UPDATE:
		NUM(60, 30 * 86400);
		c->sensor.beacon.update_interval_us = v * 1000000;
		break;
	case OPT_FLEET_MIN:
		NUM(1, FLEET_SOURCES);
		c->sensor.beacon.fleet_min = (unsigned)v;
		break;
	case OPT_FLEET_SUPPRESS:
		c->sensor.beacon.fleet_suppress = 1;
		break;
	case OPT_NEW_DOMAIN_DAYS:
		NUM(0, 3650);
		c->sensor.beacon.new_domain_us = v * 86400000000ULL;
		break;
	case OPT_OBSERVER_NAME:
		c->sensor.observer_name = arg;
		break;
	case 'c':
		break;			/* read before everything else */
	case 't':
		c->test_only = 1;
		break;
	case 'D':
		c->daemonize = 1;
		break;
	case OPT_PIDFILE:
		c->pidfile = arg;
		break;
	case 'u':
		c->user = arg;
		break;
	case OPT_CHROOT:
		c->chroot_dir = arg;
		break;
	case OPT_STATE:
		c->sensor.state_path = arg;
		break;
	case OPT_STATE_INTERVAL:
		NUM(10, 86400);
		c->sensor.state_interval = (uint32_t)v;
		break;
	case 'v':
		c->verbose++;
		break;
	case 'V':
		c->action = CONF_VERSION;
		return 1;
	case 'h':
		c->action = CONF_HELP;
		return 1;
	default:
		snprintf(err, errlen, "unknown option");
		return -1;
	}
#undef NUM
	return 0;
}

/*
 * Lists (input, each output stream, endpoint feeds) that the configuration
 * file filled are replaced, not extended, by the first command-line option
 * of the same list: the command line overrides the file.
 */
static int
conf_list_of(int ch)
{
	switch (ch) {
	case 'r':
	case 'i':
		return CONF_LIST_INPUT;
	case 'o':
	case OPT_SYSLOG:
	case OPT_SYSLOG_REMOTE:
		return CONF_LIST_ALERTS;
	case OPT_CONNECTIONS:
		return CONF_LIST_CONNECTIONS;
	case OPT_STATS:
		return CONF_LIST_STATS;
	case OPT_ENDPOINT_FEED:
		return CONF_LIST_FEEDS;
	default:
		return 0;
	}
}

static void
conf_list_claim(struct conf *c, int ch)
{
	int l = conf_list_of(ch);

	if (l == 0)
		return;
	if (c->parsing_file) {
		c->file_lists |= l;
		return;
	}
	if (!(c->file_lists & l))
		return;
	c->file_lists &= ~l;
	switch (l) {
	case CONF_LIST_INPUT:
		c->nfiles = 0;
		c->interface = NULL;
		break;
	case CONF_LIST_ALERTS:
		c->sensor.out.ndest[OUTPUT_ALERTS] = 0;
		break;
	case CONF_LIST_CONNECTIONS:
		c->sensor.out.ndest[OUTPUT_CONNECTIONS] = 0;
		break;
	case CONF_LIST_STATS:
		c->sensor.out.ndest[OUTPUT_STATS] = 0;
		break;
	case CONF_LIST_FEEDS:
		c->sensor.feeds.npaths = 0;
		break;
	}
}

/* Keeps a string of the configuration file for the life of c. */
static char *
conf_keep(struct conf *c, const uint8_t *p, size_t n)
{
	char **nv, *str;

	if (c->nowned == c->cowned) {
		size_t cap = c->cowned ? c->cowned * 2 : 32;

		if ((nv = realloc(c->owned, cap * sizeof(*nv))) == NULL)
			return NULL;
		c->owned = nv;
		c->cowned = cap;
	}
	if ((str = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(str, p, n);
	str[n] = '\0';
	c->owned[c->nowned++] = str;
	return str;
}

static int
conf_is_space(uint8_t ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* Options that only make sense on the command line. */
static int
conf_file_key_ok(int ch)
{
	return ch != 'h' && ch != 'V' && ch != OPT_MATCH &&
	    ch != 'c' && ch != 't';
}

/*
 * One line "key = value" of the configuration file (comments and blank
 * lines already skipped).  Returns 0 or -1 with the reason in err.
 */
static int
conf_file_line(struct conf *c, struct cur *line, char *err, size_t errlen)
{
	const uint8_t *k, *val;
	size_t klen, vlen, i;
	char *arg = NULL;
	int idx, rc;

	k = cur_peek(line);
	for (klen = 0; cur_left(line) > 0 && !conf_is_space(*cur_peek(line)) &&
	    *cur_peek(line) != '='; klen++)
		cur_skip(line, 1);
	while (cur_left(line) > 0 && conf_is_space(*cur_peek(line)))
		cur_skip(line, 1);
	if (cur_left(line) == 0 || *cur_peek(line) != '=') {
		snprintf(err, errlen, "expected 'key = value'");
		return -1;
	}
	cur_skip(line, 1);
	while (cur_left(line) > 0 && conf_is_space(*cur_peek(line)))
		cur_skip(line, 1);
	if ((val = cur_peek(line)) == NULL)
		val = (const uint8_t *)"";
	vlen = cur_left(line);
	while (vlen > 0 && conf_is_space(val[vlen - 1]))
		vlen--;
	if (vlen >= 2 && val[0] == '"' && val[vlen - 1] == '"') {
		val++;
		vlen -= 2;
	}
	for (idx = 0; conf_options[idx].name != NULL; idx++)
		if (strlen(conf_options[idx].name) == klen &&
		    memcmp(conf_options[idx].name, k, klen) == 0)
			break;
	if (conf_options[idx].name == NULL ||
	    !conf_file_key_ok(conf_options[idx].val)) {
		snprintf(err, errlen, "unknown key '%.*s'",
		    (int)(klen > 64 ? 64 : klen), (const char *)k);
		return -1;
	}
	for (i = 0; i < vlen; i++)
		if (val[i] == '\0') {
			snprintf(err, errlen, "%s: NUL in the value",
			    conf_options[idx].name);
			return -1;
		}
	if (conf_options[idx].has_arg == no_argument) {
		/* a flag: yes or no */
		if ((vlen == 3 && memcmp(val, "yes", 3) == 0) ||
		    (vlen == 4 && memcmp(val, "true", 4) == 0) ||
		    (vlen == 1 && val[0] == '1'))
			arg = NULL;
		else if ((vlen == 2 && memcmp(val, "no", 2) == 0) ||
		    (vlen == 5 && memcmp(val, "false", 5) == 0) ||
		    (vlen == 1 && val[0] == '0'))
			return 0;
		else {
			snprintf(err, errlen, "%s: '%.*s' is not yes or no",
			    conf_options[idx].name,
			    (int)(vlen > 64 ? 64 : vlen), (const char *)val);
			return -1;
		}
	} else if (vlen == 0) {
		snprintf(err, errlen, "%s needs a value",
		    conf_options[idx].name);
		return -1;
	} else if ((arg = conf_keep(c, val, vlen)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = conf_apply(c, conf_options[idx].val, idx, arg, err, errlen);
	return rc == -1 ? -1 : 0;
}

/* Reads the configuration file into c.  Returns 0 or -1 with
 * "path:line: reason" in err. */
static int
conf_file(struct conf *c, const char *path, char *err, size_t errlen)
{
	char msg[512];
	uint8_t *buf;
	struct cur cur, line;
	const uint8_t *p, *nl;
	size_t n, len;
	unsigned lineno = 0;

	if (file_read(path, CONF_FILE_MAX, &buf, &n, NULL, err, errlen) == -1)
		return -1;
	c->parsing_file = 1;
	cur_init(&cur, buf, n);
	while (cur_left(&cur) > 0) {
		p = cur_peek(&cur);
		nl = memchr(p, '\n', cur_left(&cur));
		len = nl != NULL ? (size_t)(nl - p) : cur_left(&cur);
		cur_init(&line, p, len);
		cur_skip(&cur, nl != NULL ? len + 1 : len);
		lineno++;
		while (cur_left(&line) > 0 && conf_is_space(*cur_peek(&line)))
			cur_skip(&line, 1);
		if (cur_left(&line) == 0 || *cur_peek(&line) == '#')
			continue;
		if (conf_file_line(c, &line, msg, sizeof(msg)) == -1) {
			snprintf(err, errlen, "%s:%u: %s", path, lineno, msg);
			c->parsing_file = 0;
			free(buf);
			return -1;
		}
	}
	c->parsing_file = 0;
	free(buf);
	return 0;
}

int
conf_parse_args(struct conf *c, int argc, char **argv, char *err,
    size_t errlen)
{
	int ch, idx, rc;

	memset(c, 0, sizeof(*c));
	c->action = CONF_RUN;
	sensor_conf_defaults(&c->sensor);
	c->capture.snaplen = CAPTURE_SNAPLEN_DEFAULT;
	c->capture.promisc = 1;
	opterr = 0;

	/* the configuration file first, wherever -c stands */
	optind = 1;
	while ((ch = getopt_long(argc, argv, CONF_SHORT, conf_options,
	    NULL)) != -1)
		if (ch == 'c')
			c->config_path = optarg;
	if (c->config_path != NULL &&
	    conf_file(c, c->config_path, err, errlen) == -1)
		return -1;

	optind = 1;
	for (;;) {
		idx = -1;
		ch = getopt_long(argc, argv, CONF_SHORT, conf_options, &idx);
		if (ch == -1)
			break;
		/* short options have no index: find their long twin */
		if (idx < 0)
			for (idx = 0; conf_options[idx].name != NULL; idx++)
				if (conf_options[idx].val == ch)
					break;
		switch (ch) {
		case ':':
			snprintf(err, errlen, "option %s needs an argument",
			    argv[optind - 1]);
			return -1;
		case '?':
			snprintf(err, errlen, "unknown option %s",
			    argv[optind - 1]);
			return -1;
		}
		if ((rc = conf_apply(c, ch, idx, optarg, err, errlen)) != 0)
			return rc == 1 ? 0 : -1;
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if (c->action == CONF_MATCH || c->test_only)
		return 0;
	return conf_check(c, err, errlen);
}

int
conf_check(struct conf *c, char *err, size_t errlen)
{
	if (c->nfiles == 0 && c->interface == NULL) {
		snprintf(err, errlen, "nothing to read: give -r FILE or "
		    "-i IFACE");
		return -1;
	}
	if (c->nfiles > 0 && c->interface != NULL) {
		snprintf(err, errlen, "-r and -i cannot be used together");
		return -1;
	}
	if ((c->daemonize || c->user != NULL || c->chroot_dir != NULL) &&
	    c->interface == NULL) {
		snprintf(err, errlen, "-D, -u and --chroot are for a live "
		    "sensor: they need -i");
		return -1;
	}
	c->sensor.interface = c->interface;
	c->sensor.feeds.follow = c->interface != NULL;
	return 0;
}

void
conf_free(struct conf *c)
{
	size_t i;

	for (i = 0; i < c->nowned; i++)
		free(c->owned[i]);
	free(c->owned);
	c->owned = NULL;
	c->nowned = c->cowned = 0;
}
