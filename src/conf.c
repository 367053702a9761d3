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
#include "defaults.h"

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
};

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
	{ "syslog",		no_argument,	   NULL, OPT_SYSLOG },
	{ "syslog-remote",	required_argument, NULL, OPT_SYSLOG_REMOTE },
	{ "syslog-facility",	required_argument, NULL, OPT_SYSLOG_FACILITY },
	{ "syslog-ident",	required_argument, NULL, OPT_SYSLOG_IDENT },
	{ "syslog-format",	required_argument, NULL, OPT_SYSLOG_FORMAT },
	{ "syslog-queue",	required_argument, NULL, OPT_SYSLOG_QUEUE },
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
"Reference rule (the published hunting query's thresholds):\n"
"      --ref-min-connections N  (default %d)\n"
"      --ref-min-hours N        distinct hour buckets (default %d)\n"
"      --ref-max-avg-sent B     bytes, strictly less (default %d)\n"
"      --ref-max-avg-recv B     bytes, strictly less (default %d)\n"
"      --ref-min-per-hour N     connections per hour (default %d)\n"
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
	    REF_MIN_CONNECTIONS, REF_MIN_HOURS, REF_MAX_AVG_SENT,
	    REF_MAX_AVG_RECV, REF_MIN_PER_HOUR);
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

int
conf_parse_args(struct conf *c, int argc, char **argv, char *err,
    size_t errlen)
{
	unsigned long long v;
	int ch, idx;
	const char *name;

	memset(c, 0, sizeof(*c));
	c->action = CONF_RUN;
	sensor_conf_defaults(&c->sensor);
	c->capture.snaplen = CAPTURE_SNAPLEN_DEFAULT;
	c->capture.promisc = 1;
	optind = 1;
	opterr = 0;

#define NUM(min, max)							\
	do {								\
		name = conf_options[idx].name;				\
		if (conf_number(name, optarg, (min), (max), &v, err,	\
		    errlen) == -1)					\
			return -1;					\
	} while (0)

	for (;;) {
		idx = -1;
		ch = getopt_long(argc, argv, ":r:i:f:s:o:vVh", conf_options,
		    &idx);
		if (ch == -1)
			break;
		/* short options have no index: find their long twin */
		if (idx < 0)
			for (idx = 0; conf_options[idx].name != NULL; idx++)
				if (conf_options[idx].val == ch)
					break;
		switch (ch) {
		case 'r':
			if (c->nfiles >= CONF_MAX_FILES) {
				snprintf(err, errlen, "too many -r files "
				    "(at most %d)", CONF_MAX_FILES);
				return -1;
			}
			c->files[c->nfiles++] = optarg;
			break;
		case 'i':
			c->interface = optarg;
			break;
		case 'f':
			c->capture.filter = optarg;
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
			    strncmp(optarg, "udp://", 6) != 0 &&
			    strncmp(optarg, "tcp://", 6) != 0) {
				snprintf(err, errlen, "--syslog-remote: '%s' "
				    "is not udp://HOST:PORT or tcp://HOST:PORT",
				    optarg);
				return -1;
			}
			if (conf_dest(c, OUTPUT_ALERTS, optarg, err,
			    errlen) == -1)
				return -1;
			break;
		case OPT_SYSLOG:
			if (conf_dest(c, OUTPUT_ALERTS, "syslog:", err,
			    errlen) == -1)
				return -1;
			break;
		case OPT_CONNECTIONS:
			if (conf_dest(c, OUTPUT_CONNECTIONS, optarg, err,
			    errlen) == -1)
				return -1;
			break;
		case OPT_STATS:
			if (conf_dest(c, OUTPUT_STATS, optarg, err,
			    errlen) == -1)
				return -1;
			break;
		case OPT_SYSLOG_FACILITY:
			if (output_syslog_facility_parse(optarg,
			    &c->sensor.out.syslog.facility) == -1) {
				snprintf(err, errlen, "--syslog-facility: "
				    "unknown facility '%s'", optarg);
				return -1;
			}
			break;
		case OPT_SYSLOG_IDENT:
			c->sensor.out.syslog.ident = optarg;
			break;
		case OPT_SYSLOG_FORMAT:
			if (strcmp(optarg, "json") == 0)
				c->sensor.out.syslog.format =
				    OUTPUT_SYSLOG_JSON;
			else if (strcmp(optarg, "cef") == 0)
				c->sensor.out.syslog.format = OUTPUT_SYSLOG_CEF;
			else {
				snprintf(err, errlen, "--syslog-format: "
				    "'%s' is not json or cef", optarg);
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
			c->sensor.catalogue_path = optarg;
			break;
		case OPT_CLASSES:
			if (catalogue_class_mask_parse(optarg,
			    &c->sensor.class_mask, err, errlen) == -1)
				return -1;
			break;
		case OPT_MATCH:
			c->action = CONF_MATCH;
			c->match = optarg;
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
			c->sensor.ref.min_connections = (uint32_t)v;
			break;
		case OPT_REF_MIN_HOURS:
			NUM(1, PAIR_WINDOW_HOURS);
			c->sensor.ref.min_hours = (uint32_t)v;
			break;
		case OPT_REF_MAX_AVG_SENT:
			NUM(1, UINT32_MAX);
			c->sensor.ref.max_avg_sent = v;
			break;
		case OPT_REF_MAX_AVG_RECV:
			NUM(1, UINT32_MAX);
			c->sensor.ref.max_avg_recv = v;
			break;
		case OPT_REF_MIN_PER_HOUR:
			NUM(1, 1000000);
			c->sensor.ref.min_per_hour = (uint32_t)v;
			break;
		case OPT_OBSERVER_NAME:
			c->sensor.observer_name = optarg;
			break;
		case 'v':
			c->verbose++;
			break;
		case 'V':
			c->action = CONF_VERSION;
			return 0;
		case 'h':
			c->action = CONF_HELP;
			return 0;
		case ':':
			snprintf(err, errlen, "option %s needs an argument",
			    argv[optind - 1]);
			return -1;
		default:
			snprintf(err, errlen, "unknown option %s",
			    argv[optind - 1]);
			return -1;
		}
	}
#undef NUM
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if (c->action == CONF_MATCH)
		return 0;
	if (c->nfiles == 0 && c->interface == NULL) {
		snprintf(err, errlen, "nothing to read: give -r FILE or "
		    "-i IFACE");
		return -1;
	}
	if (c->nfiles > 0 && c->interface != NULL) {
		snprintf(err, errlen, "-r and -i cannot be used together");
		return -1;
	}
	c->sensor.interface = c->interface;
	return 0;
}
