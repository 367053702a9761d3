/*
 * enrich_process.h - which process made a connection: the join of endpoint
 * events (feed_endpoint) and the sensor's connection records (conn.h).
 *
 * Endpoint events go in as they are read; a connection is looked up when
 * the caller wants its process.  The best match wins, in this order:
 *
 *   exact     the same 5-tuple (either orientation, as Community ID)
 *             within +/- exact_window of the connection's start, nearest
 *             first, the client host's own record before the server's;
 *   partial   the client host and the server address and port within
 *             partial_window, only when a single process matches (the
 *             client port was rewritten by NAT, or the record had none);
 *   dns       the latest of the client host's own DNS events (Sysmon 22)
 *             that resolved the server address, at most dns_window before;
 *   inferred  a sticky (host, server address:port) -> process memory kept
 *             sticky_ttl, for sources that report a repeated connection
 *             once a day (Defender); a key two processes share is not used;
 *   none.
 *
 * "Host" is the endpoint's host name, mapped to addresses from the local
 * end of its own records (and osquery interface_addresses rows, and
 * enrich_process_host_add()); a connection's client address finds its
 * host there.  NAT between the host and the sensor therefore yields
 * "none", not a guess.
 *
 * Records arrive before or after the traffic.  A lookup says whether its
 * answer is final or may still improve: each source has a watermark (the
 * latest event time seen) and a hold time; an answer short of "exact" is
 * pending while some active source has neither reached the connection's
 * window (plus its reordering allowance) nor run out of hold time.
 *
 * Memory is fixed at creation: connection records, processes, host
 * addresses, DNS answers and sticky entries each live in one array with a
 * hash index, expire in event-time order and are evicted (counted) when
 * full.  Strings are copied; nothing is borrowed past a call.
 */
#ifndef FAASWATCH_ENRICH_PROCESS_H
#define FAASWATCH_ENRICH_PROCESS_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "feed_endpoint.h"
#include "hash.h"

/* ---- limits and defaults (all configurable through the conf) ------------ */
#define ENRICH_CONNS_DEFAULT		65536	/* connection events held */
#define ENRICH_PROCS_DEFAULT		4096	/* distinct processes held */
#define ENRICH_HOST_ADDRS_DEFAULT	8192	/* host address mappings */
#define ENRICH_DNS_DEFAULT		16384	/* (host, address, process) */
#define ENRICH_STICKY_DEFAULT		16384	/* (host, server:port) */
#define ENRICH_EXACT_WINDOW_S		120	/* +/- around the start */
#define ENRICH_PARTIAL_WINDOW_S		5	/* +/- around the start */
#define ENRICH_DNS_WINDOW_S		3600	/* answer before the start */
#define ENRICH_STICKY_TTL_S		86400	/* a day */
#define ENRICH_RETAIN_S			7200	/* connection events kept; a
						   flow can end an hour after
						   it started */
/* Per source: how long an unmatched connection may wait for a record
 * (hold) and how far out of order its records come (reorder). */
#define ENRICH_HOLD_SYSMON_S		60
#define ENRICH_REORDER_SYSMON_S		10
#define ENRICH_HOLD_DEFENDER_S		900	/* Streaming API: minutes */
#define ENRICH_REORDER_DEFENDER_S	600
#define ENRICH_HOLD_OSQUERY_S		300	/* a query interval or so */
#define ENRICH_REORDER_OSQUERY_S	120

struct enrich_process_conf {
	size_t		conns, procs, host_addrs, dns, sticky;
	uint64_t	exact_window_us;
	uint64_t	partial_window_us;
	uint64_t	dns_window_us;
	uint64_t	sticky_ttl_us;
	uint64_t	retain_us;
	uint64_t	hold_us[ENDPOINT_SOURCE_MAX];
	uint64_t	reorder_us[ENDPOINT_SOURCE_MAX];
};

/* Fills conf with the defaults above. */
void		 enrich_process_conf_default(struct enrich_process_conf *);

enum enrich_match {
	ENRICH_MATCH_NONE,
	ENRICH_MATCH_EXACT,
	ENRICH_MATCH_PARTIAL,
	ENRICH_MATCH_DNS,
	ENRICH_MATCH_INFERRED,
	ENRICH_MATCH_MAX
};

/* "none", "exact", "partial", "dns", "inferred". */
const char	*enrich_match_str(enum enrich_match);

enum enrich_status {
	ENRICH_FINAL,		/* no better answer can come */
	ENRICH_PENDING		/* a feed may still deliver a better one:
				   ask again later ("none yet" when the
				   match is none) */
};

struct enrich_process_info {
	enum endpoint_source	source;
	uint32_t	pid;
	char		host[ENDPOINT_HOST_MAX];
	char		process[ENDPOINT_NAME_MAX];
	char		executable[ENDPOINT_PATH_MAX];
	char		entity_id[ENDPOINT_ENTITY_MAX];
	char		cmdline[ENDPOINT_CMDLINE_MAX];
	char		user[ENDPOINT_USER_MAX];
	char		domain[ENDPOINT_USER_MAX];
};

struct enrich_process_result {
	enum enrich_match	match;
	enum endpoint_side	side;	/* the end of the connection the
					   process is on (exact matches can
					   find the server's process) */
	int64_t		offset_us;	/* event time - connection start
					   (exact, partial, dns) */
	uint32_t	candidates;	/* processes seen at the partial level;
					   more than 1: none chosen there */
	uint64_t	proc_key;	/* stable per process while held, for
					   tallying a beacon's connections;
					   0 with no match */
	struct enrich_process_info proc;	/* empty with no match */
};

struct enrich_process_stats {
	uint64_t	events[3];	/* added, by enum endpoint_kind */
	uint64_t	events_unusable; /* no time, or too old to matter */
	uint64_t	conns, conns_cap, conns_evicted, conns_expired;
	uint64_t	procs, procs_cap, procs_evicted;
	uint64_t	procs_stale;	/* a match whose process was evicted */
	uint64_t	host_addrs, host_addrs_cap, host_addrs_evicted;
	uint64_t	host_moved;	/* an address went to another host */
	uint64_t	dns, dns_cap, dns_evicted, dns_expired;
	uint64_t	sticky, sticky_cap, sticky_evicted, sticky_expired;
	uint64_t	sticky_conflicts; /* a key seen with two processes */
	uint64_t	lookups;
	uint64_t	matches[ENRICH_MATCH_MAX];	/* final answers */
	uint64_t	pending;	/* answers that said "ask again" */
	uint64_t	partial_ambiguous; /* several processes at partial */
	uint64_t	bytes;		/* memory held by the tables */
};

struct enrich_process;

/* Returns NULL on allocation failure or a zero table size.  conf NULL:
 * the defaults.  key is copied. */
struct enrich_process	*enrich_process_create(
			    const struct enrich_process_conf *conf,
			    const struct hash_key *key);
void			 enrich_process_destroy(struct enrich_process *);

/*
 * Adds one endpoint event (borrowed for the call).  Returns 0, or -1 when
 * the event cannot be used (no time, older than every window): counted.
 */
int		 enrich_process_add(struct enrich_process *,
		    const struct endpoint_event *ev);

/* Declares that host (a name as the feeds spell it; case does not matter)
 * has address ip (family 4 or 6, 16-byte buffer) as of time_us; for hosts
 * whose feed has no local addresses (osquery socket_events).  Returns 0,
 * or -1 for an empty name or a bad family. */
int		 enrich_process_host_add(struct enrich_process *,
		    const char *host, int family, const uint8_t *ip,
		    uint64_t time_us);

/*
 * The process of connection c (borrowed for the call) into *res, as of
 * now_us (the caller's clock: packet time offline, or wall time live).
 * Returns ENRICH_FINAL, or ENRICH_PENDING when a feed may still bring a
 * better answer (the caller holds the connection and asks again, at most
 * until the hold time has passed).
 */
enum enrich_status enrich_process_lookup(struct enrich_process *,
		    const struct conn *c, uint64_t now_us,
		    struct enrich_process_result *res);

/* Drops what is older than every window as of now_us (the tables also
 * expire on their own as event time advances). */
void		 enrich_process_expire(struct enrich_process *,
		    uint64_t now_us);

/* Latest event time seen from source, or 0 when none was. */
uint64_t	 enrich_process_watermark(const struct enrich_process *,
		    enum endpoint_source source);

const struct enrich_process_stats *
		 enrich_process_stats(const struct enrich_process *);

#endif /* FAASWATCH_ENRICH_PROCESS_H */
