/*
 * fuzz_feed_osquery.c - fuzz target for feed_endpoint and enrich_process,
 * seeded with osquery results rows (socket_events, process_open_sockets,
 * interface_addresses).
 *
 * The body is fuzz_feed_sysmon.c's; only the framing differs: the input
 * is also wrapped as the rows of an osquery snapshot result.
 */
#define FUZZ_FEED_OPEN	"{\"name\":\"process_open_sockets\"," \
	"\"hostIdentifier\":\"fuzz\",\"unixTime\":1700000000," \
	"\"action\":\"snapshot\",\"snapshot\":["
#define FUZZ_FEED_CLOSE	"]}"
#include "fuzz_feed_sysmon.c"
