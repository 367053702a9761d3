/*
 * fuzz_feed_defender.c - fuzz target for feed_endpoint and enrich_process,
 * seeded with Microsoft Defender DeviceNetworkEvents records (Storage rows,
 * Event Hub batches, Splunk MSCS messages, bare rows).
 *
 * The body is fuzz_feed_sysmon.c's; only the framing differs: the input
 * is also wrapped as the members of an Event Hub {"records":[...]} batch.
 */
#define FUZZ_FEED_OPEN	"{\"records\":["
#define FUZZ_FEED_CLOSE	"]}"
#include "fuzz_feed_sysmon.c"
