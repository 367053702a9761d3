/*
 * feed_endpoint.h - endpoint telemetry records into normalised events, and
 * the line reader for the files they arrive in.
 *
 * The parser takes one record (a JSON line) or one document (an Event Hub
 * batch {"records":[...]}, a Splunk MSCS {"body":{...}} message, a JSON
 * array) and yields normalised struct endpoint_event values: network
 * connections, Sysmon DNS queries and host addresses, each with the process
 * behind it.  Shapes are told apart by their keys: Sysmon flat (NXLog
 * to_json, OTRF datasets), Winlogbeat ECS (with or without its sysmon
 * processor), Microsoft Defender DeviceNetworkEvents rows (bare, or wrapped
 * by the Streaming API for Storage or Event Hub) and osquery results rows
 * (socket_events, process_open_sockets, interface_addresses).  Everything
 * else, and every bad record, is counted by reason and skipped.
 *
 * Times are the record's own event time in microseconds since the epoch
 * (Sysmon UtcTime, Winlogbeat @timestamp, Defender Timestamp, osquery
 * columns.time), never a collector's receive time.  The 5-tuple is
 * canonicalised to the flow's client (the side that initiated) and server.
 *
 * The parser owns a bounded Sysmon ProcessGuid -> (command line, user) cache
 * fed by process-creation records, so that connections, which carry no
 * command line, get one.  JSON is parsed by jansson (which allocates its
 * tree); everything this module keeps is fixed-size.
 *
 * The reader (struct feed_reader) reads complete lines from a file or
 * standard input without ever blocking the caller, optionally following a
 * live file across rotation like `tail -F`, and can hand out parsed events
 * with a look-ahead of one so that the caller can merge feeds and packets
 * in event-time order.
 */
#ifndef FAASWATCH_FEED_ENDPOINT_H
#define FAASWATCH_FEED_ENDPOINT_H

#include <stddef.h>
#include <stdint.h>

/* ---- limits (the lead may move these to defaults.h) --------------------- */
/* Longest line the reader hands on; longer lines are skipped and counted
 * (configurable per reader). */
#define FEED_LINE_MAX_DEFAULT		(1u << 20)
/* Largest input feed_endpoint_load() parses (an Event Hub message is at
 * most 1 MB on the standard tier; premium allows more). */
#define FEED_DOC_MAX			(4u << 20)
/* Records handed on from one document; the rest are counted and dropped. */
#define FEED_BATCH_MAX			4096
/* JSON nesting accepted before jansson sees the input (real records nest
 * at most six deep). */
#define FEED_JSON_MAX_DEPTH		32
/* Sysmon ProcessGuid -> command line cache entries (configurable). */
#define FEED_PROC_CACHE_DEFAULT		4096
/* Bytes the reader reads per poll at most, so one busy feed cannot hold
 * the caller. */
#define FEED_READ_CHUNK			65536

/* Field sizes, NUL included; longer values are cut on a UTF-8 boundary and
 * the event's `truncated` flag is set. */
#define ENDPOINT_HOST_MAX		256
#define ENDPOINT_NAME_MAX		256
#define ENDPOINT_PATH_MAX		520
#define ENDPOINT_ENTITY_MAX		80
#define ENDPOINT_CMDLINE_MAX		1024
#define ENDPOINT_USER_MAX		128
#define ENDPOINT_DNS_ADDRS		16	/* addresses kept per DNS event */
#define ENDPOINT_DNS_CNAMES		4	/* CNAMEs kept per DNS event */

enum endpoint_source {
	ENDPOINT_SOURCE_NONE,
	ENDPOINT_SOURCE_SYSMON,
	ENDPOINT_SOURCE_DEFENDER,
	ENDPOINT_SOURCE_OSQUERY,
	ENDPOINT_SOURCE_MAX
};

enum endpoint_shape {
	ENDPOINT_SHAPE_NONE,
	ENDPOINT_SHAPE_SYSMON_FLAT,	/* NXLog to_json, OTRF */
	ENDPOINT_SHAPE_WINLOGBEAT,	/* ECS, or winlog.event_data */
	ENDPOINT_SHAPE_DEFENDER_ROW,	/* a bare DeviceNetworkEvents row */
	ENDPOINT_SHAPE_DEFENDER_STREAM,	/* {"time",...,"properties":{row}} */
	ENDPOINT_SHAPE_OSQUERY,
	ENDPOINT_SHAPE_MAX
};

enum endpoint_kind {
	ENDPOINT_KIND_CONNECTION,	/* a network connection */
	ENDPOINT_KIND_DNS,		/* a process resolved a name */
	ENDPOINT_KIND_HOST_ADDR		/* the host has this address */
};

/* Which end of the flow the reporting host is. */
enum endpoint_side {
	ENDPOINT_SIDE_UNKNOWN,
	ENDPOINT_SIDE_CLIENT,
	ENDPOINT_SIDE_SERVER
};

struct endpoint_addr {
	uint8_t		family;		/* 4 or 6 */
	uint8_t		ip[16];		/* IPv4 in the first 4 bytes, rest 0 */
};

struct endpoint_event {
	enum endpoint_kind	kind;
	enum endpoint_source	source;
	enum endpoint_shape	shape;
	uint64_t	time_us;	/* the record's event time */
	uint8_t		time_snapshot;	/* osquery process_open_sockets: the
					   socket was open at time_us */

	/* CONNECTION: the flow, client = the side that initiated.  Addresses
	 * are canonical: IPv4-mapped IPv6 becomes IPv4, zone ids dropped.
	 * HOST_ADDR: the address is in client[]. */
	uint8_t		family;		/* 4 or 6 */
	uint8_t		proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t		client[16], server[16];
	uint16_t	cport, sport;
	uint8_t		client_known;	/* 0: the record had no local tuple
					   (osquery socket_events connect) */
	uint8_t		side_guessed;	/* client/server chosen from the ports
					   because the record does not say */
	enum endpoint_side local;	/* the reporting host's end */

	/* the process and its host; empty strings when not known */
	uint32_t	pid;		/* 0: not known */
	char		host[ENDPOINT_HOST_MAX];	/* ASCII lower case */
	char		process[ENDPOINT_NAME_MAX];	/* file name part */
	char		executable[ENDPOINT_PATH_MAX];
	char		entity_id[ENDPOINT_ENTITY_MAX];	/* Sysmon ProcessGuid */
	char		cmdline[ENDPOINT_CMDLINE_MAX];
	char		user[ENDPOINT_USER_MAX];
	char		domain[ENDPOINT_USER_MAX];
	uint8_t		truncated;	/* some string above was cut */

	/* DNS (Sysmon event 22): the name and what it resolved to */
	char		dns_query[ENDPOINT_HOST_MAX];
	uint8_t		dns_naddrs, dns_ncnames;
	struct endpoint_addr dns_addrs[ENDPOINT_DNS_ADDRS];
	char		dns_cnames[ENDPOINT_DNS_CNAMES][ENDPOINT_HOST_MAX];
};

/* Why a record produced no event; one counter each. */
enum feed_skip {
	FEED_SKIP_NOT_JSON,	/* does not start with '{' or '[' */
	FEED_SKIP_MALFORMED,	/* JSON syntax error, truncated record */
	FEED_SKIP_TOO_DEEP,	/* nesting beyond FEED_JSON_MAX_DEPTH */
	FEED_SKIP_OVERSIZED,	/* line or document beyond its cap */
	FEED_SKIP_BATCH_OVERFLOW, /* records past FEED_BATCH_MAX */
	FEED_SKIP_UNKNOWN,	/* no shape recognised (auditd, Falco,
				   Tetragon, ...) */
	FEED_SKIP_NOT_NETWORK,	/* a known shape but not a connection or
				   DNS event (other Sysmon ids, other MDE
				   tables or actions, other osquery rows) */
	FEED_SKIP_BAD_FIELD,	/* a needed field missing, of the wrong type
				   or unparseable (address, port, time) */
	FEED_SKIP_TRANSPORT,	/* neither TCP nor UDP */
	FEED_SKIP_MAX
};

const char	*feed_skip_str(enum feed_skip);
const char	*endpoint_source_str(enum endpoint_source);
const char	*endpoint_shape_str(enum endpoint_shape);

struct feed_endpoint_counters {
	uint64_t	inputs;		/* feed_endpoint_load() calls */
	uint64_t	records;	/* records seen (batch members each) */
	uint64_t	connections;	/* events produced, by kind */
	uint64_t	dns;
	uint64_t	host_addrs;
	uint64_t	process_creates; /* Sysmon event 1 records cached */
	uint64_t	by_shape[ENDPOINT_SHAPE_MAX];	/* events produced */
	uint64_t	skipped[FEED_SKIP_MAX];
	uint64_t	truncated;	/* events with a string cut */
	uint64_t	cache_hits;	/* command line found by ProcessGuid */
	uint64_t	cache_misses;
	uint64_t	cache_evicted;
};

struct feed_endpoint;

/* Returns NULL on allocation failure.  cache_entries is the size of the
 * ProcessGuid cache (0: FEED_PROC_CACHE_DEFAULT). */
struct feed_endpoint	*feed_endpoint_create(size_t cache_entries);
void			 feed_endpoint_destroy(struct feed_endpoint *);

/*
 * Parses one record or document of len bytes at buf (borrowed for the
 * call; need not be NUL-terminated) and queues the events it holds for
 * feed_endpoint_next(); events still queued from an earlier input are
 * dropped.  Returns the number of records queued (0 when the input was
 * skipped, with its reason counted).  Never fails otherwise.
 */
int		 feed_endpoint_load(struct feed_endpoint *, const void *buf,
		    size_t len);

/*
 * Fills *ev with the next event of the loaded input and returns 1, or
 * returns 0 when there is none left.  Records that yield no event are
 * counted by reason and passed over.
 */
int		 feed_endpoint_next(struct feed_endpoint *,
		    struct endpoint_event *ev);

/* Counts a skip the caller detected (the reader's over-long lines). */
void		 feed_endpoint_count_skip(struct feed_endpoint *,
		    enum feed_skip);

const struct feed_endpoint_counters *
		 feed_endpoint_counters(const struct feed_endpoint *);

/*
 * Helpers shared with the join and the tests.
 *
 * feed_parse_time: "YYYY-MM-DD[T ]hh:mm:ss[.frac][Z|+hh:mm|-hh:mm|+hhmm]"
 * (no zone means UTC, as Sysmon's UtcTime) or decimal seconds since the
 * epoch; fraction digits past the microsecond are dropped.  Returns 0 and
 * sets *us, or -1.
 *
 * feed_parse_addr: IPv4 or IPv6 text (IPv4-mapped IPv6 becomes IPv4, a
 * "%zone" suffix is dropped).  Returns 0, or -1.
 */
int		 feed_parse_time(const char *s, size_t len, uint64_t *us);
int		 feed_parse_addr(const char *s, size_t len,
		    struct endpoint_addr *a);

/* ---- the line reader ---------------------------------------------------- */

#define FEED_READER_FOLLOW	0x01	/* keep reading at EOF; reopen on
					   rotation and truncation (tail -F) */
#define FEED_READER_FROM_END	0x02	/* with FOLLOW: start at the end */

struct feed_reader_counters {
	uint64_t	bytes;		/* bytes read */
	uint64_t	lines;		/* complete lines handed on */
	uint64_t	blank;		/* empty lines passed over */
	uint64_t	oversized;	/* lines longer than the cap, skipped */
	uint64_t	reopened;	/* the path got a new file (rotation) */
	uint64_t	truncations;	/* the file shrank (copytruncate) */
	uint64_t	partial_dropped; /* bytes of a partial line lost to a
					   truncation */
	uint64_t	read_errors;
};

struct feed_reader;

/*
 * Opens path ("-": standard input, never closed by the reader; FOLLOW does
 * not apply to it) for reading lines of at most line_max bytes (0:
 * FEED_LINE_MAX_DEFAULT).  flags are FEED_READER_*.  Returns NULL (errno
 * set) when the file cannot be opened; in follow mode a file that does not
 * exist yet is not an error: it is opened when it appears.  The caller
 * closes the reader with feed_reader_close().
 */
struct feed_reader	*feed_reader_open(const char *path, int flags,
			    size_t line_max);
void			 feed_reader_close(struct feed_reader *);

/*
 * Reads what is available now (at most FEED_READ_CHUNK bytes), without
 * blocking; in follow mode, at the end of the file, checks whether the path
 * was rotated or truncated and reopens or rewinds.  Returns the number of
 * bytes read, 0 when nothing was available, or -1 on a read error (counted;
 * the reader stays usable in follow mode).
 */
long		 feed_reader_poll(struct feed_reader *);

/*
 * The next complete line (without its "\n" or "\r\n") in *line, *len:
 * returns 1, or 0 when no complete line is buffered.  Without FOLLOW, a
 * last line without a newline is handed on once the end of the input is
 * reached.  The line is owned by the reader and valid until the next call
 * to any feed_reader function.
 */
int		 feed_reader_next_line(struct feed_reader *, const char **line,
		    size_t *len);

/* 1 when the input is finished (no FOLLOW, end reached, nothing buffered,
 * no event held back), else 0. */
int		 feed_reader_done(const struct feed_reader *);

/*
 * Event level: lines are parsed by fe (borrowed, one parser per reader: it
 * holds the loaded record between calls).  feed_reader_next_event() polls
 * as needed and fills *ev: returns 1, or 0 when no event is available now.
 * feed_reader_peek_time() makes the next event available without consuming
 * it and sets *us to its event time: returns 1, or 0 when none is
 * available now.  Neither blocks; skipped lines are counted in fe.
 */
int		 feed_reader_next_event(struct feed_reader *,
		    struct feed_endpoint *fe, struct endpoint_event *ev);
int		 feed_reader_peek_time(struct feed_reader *,
		    struct feed_endpoint *fe, uint64_t *us);

const struct feed_reader_counters *
		 feed_reader_counters(const struct feed_reader *);

#endif /* FAASWATCH_FEED_ENDPOINT_H */
