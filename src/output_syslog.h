/*
 * output_syslog.h - documents (alerts, connection records, statistics) to
 * syslog: the local daemon through syslog(3), or a remote collector as
 * RFC 5424 messages over UDP (one datagram each) or TCP (RFC 6587 octet
 * counting, "LEN SP MSG", which rsyslog's imtcp takes by default).  The
 * message is the document's compact JSON line, or an ArcSight CEF line.
 *
 * The JSON is the line output_json writes (compact, non-ASCII escaped).
 * Severity: alerts by faaswatch.severity (or else event.severity on the
 * 21/47/73/99 scale): critical LOG_CRIT, high LOG_ERR, medium LOG_WARNING,
 * low LOG_NOTICE, none LOG_WARNING; statistics, connection records and
 * anything else LOG_INFO.  RFC 5424 MSGID: the caller's, or ALERT, STATS,
 * CONN from event.kind; TIMESTAMP: the document's @timestamp (else now_us).
 * CEF: CEF:0|faaswatch|faaswatch|VERSION|rule.id|rule.name|0-10|extension
 * (rt, src/dst or c6a2/c6a3 for IPv6, spt, dpt, dhost, proto, app, in,
 * out, msg, dvchost, cs1-cs6 and cn1-cn2 with their labels); severity
 * critical 10, high 8, medium 5, low 3.
 *
 * One struct output_syslog is one destination; open two for local and
 * remote at once.  It never blocks the caller: sockets are non-blocking,
 * a TCP connect is started and finished from output_syslog_poll(), frames
 * that cannot be sent yet wait in a bounded queue, and a lost connection is
 * retried with exponential backoff (OUTPUT_SYSLOG_BACKOFF_*).  Time is the
 * caller's now_us (packet time offline, wall time live); only the bounded
 * flush of output_syslog_close() measures wall time.  The first connect is
 * made by the first poll or write; a connect that hangs is ended by the
 * kernel's own timeout (no timer here: packet time may run far faster than
 * the network).  Before each send the connection is checked for the
 * receiver's end-of-file, so nothing is written into a connection it has
 * left; what the kernel accepted counts as sent (plain TCP syslog has no
 * acknowledgement: a receiver that dies with unread data loses it).
 *
 * Size: a message longer than the transport allows (OUTPUT_SYSLOG_*_MAX)
 * has optional strings shortened, in this order: process.command_line,
 * event.reason, rule.description, strings under a user_agent key, then the
 * other strings longer than OUTPUT_SYSLOG_CUT_MIN, longest first.  Each cut
 * field is named in "faaswatch.truncated" (CEF: cs6); the JSON stays whole
 * and valid.  A document that still does not fit is dropped and counted.
 *
 * Queue: when it is full (OUTPUT_SYSLOG_QUEUE_MSGS or _BYTES) the NEWEST
 * message is dropped and counted: what was queued first goes out first and
 * in order, and a partly written head frame is never abandoned.
 *
 * The module owns its socket, its queue and a copy of every string of the
 * configuration.  Local output sets the ident of the process's syslog(3)
 * connection (openlog) without changing its default facility, so
 * diagnostics logged through log.c keep theirs.
 */
#ifndef FAASWATCH_OUTPUT_SYSLOG_H
#define FAASWATCH_OUTPUT_SYSLOG_H

#include <stddef.h>
#include <stdint.h>
#include <syslog.h>

#include <jansson.h>

/* ---- limits and defaults (the lead may move them to defaults.h) -------- */
#define OUTPUT_SYSLOG_FACILITY_DEFAULT	LOG_LOCAL5	/* configurable */
#define OUTPUT_SYSLOG_IDENT_DEFAULT	"faaswatch"	/* configurable */
#define OUTPUT_SYSLOG_PORT_DEFAULT	514		/* URL without a port */
/* Longest TCP message after "LEN SP": rsyslog's default maxMessageSize.
 * Measured against rsyslogd 8.2302 imtcp: 8096 bytes arrive whole, a longer
 * message is cut and its rest is read as the next frame.  The whole frame
 * stays within 8 KiB. */
#define OUTPUT_SYSLOG_TCP_MAX		8096
/* Longest UDP datagram: what RFC 5426 receivers SHOULD accept. */
#define OUTPUT_SYSLOG_UDP_MAX		2048
/* Longest message handed to syslog(3), with the header glibc adds
 * (rsyslog's imuxsock has the same 8096-byte default). */
#define OUTPUT_SYSLOG_LOCAL_MAX		8096
/* Bounds of a configured message size (conf.max_msg). */
#define OUTPUT_SYSLOG_MSG_MIN		480
#define OUTPUT_SYSLOG_MSG_LIMIT		65000
/* Queue of frames waiting for the socket (configurable). */
#define OUTPUT_SYSLOG_QUEUE_MSGS	10000
#define OUTPUT_SYSLOG_QUEUE_BYTES	(8u * 1024 * 1024)
/* Reconnect backoff: 1 s after a failed attempt, doubling to 60 s.  A
 * connection that lived at least BACKOFF_MIN is retried at once when lost. */
#define OUTPUT_SYSLOG_BACKOFF_MIN_US	1000000ULL
#define OUTPUT_SYSLOG_BACKOFF_MAX_US	60000000ULL
/* output_syslog_close() waits at most this long (wall time) to deliver. */
#define OUTPUT_SYSLOG_CLOSE_WAIT_MS	2000
/* Addresses kept from the name resolution; tried in turn. */
#define OUTPUT_SYSLOG_MAX_ADDRS		4
/* Shortening: other strings are candidates from this length on, and are
 * not cut below OUTPUT_SYSLOG_CUT_KEEP bytes; the named optional fields
 * are removed rather than kept shorter than OUTPUT_SYSLOG_CUT_KEEP. */
#define OUTPUT_SYSLOG_CUT_MIN		64
#define OUTPUT_SYSLOG_CUT_KEEP		32
/* RFC 5424 field limits. */
#define OUTPUT_SYSLOG_HOST_MAX		255
#define OUTPUT_SYSLOG_APP_MAX		48
#define OUTPUT_SYSLOG_MSGID_MAX		32

enum output_syslog_format {
	OUTPUT_SYSLOG_JSON = 0,		/* the compact JSON document */
	OUTPUT_SYSLOG_CEF		/* ArcSight CEF:0 */
};

enum output_syslog_transport {
	OUTPUT_SYSLOG_LOCAL = 0,	/* syslog(3) */
	OUTPUT_SYSLOG_UDP,
	OUTPUT_SYSLOG_TCP
};

struct output_syslog_conf {
	const char	*remote;	/* "udp://HOST[:PORT]" or
					   "tcp://HOST[:PORT]"; NULL: local
					   syslog(3) */
	int		 facility;	/* LOG_LOCAL5 form (already shifted) */
	const char	*ident;		/* APP-NAME, openlog ident; NULL:
					   OUTPUT_SYSLOG_IDENT_DEFAULT */
	enum output_syslog_format format;
	const char	*hostname;	/* RFC 5424 HOSTNAME; NULL:
					   gethostname() */
	const char	*version;	/* CEF device version; NULL:
					   PACKAGE_VERSION */
	size_t		 queue_msgs;	/* 0: OUTPUT_SYSLOG_QUEUE_MSGS */
	size_t		 queue_bytes;	/* 0: OUTPUT_SYSLOG_QUEUE_BYTES */
	size_t		 max_msg;	/* 0: the transport's *_MAX */
};

/*
 * Every document given to output_syslog_write() ends in exactly one of
 * sent, dropped_* or (until it leaves) queued.
 */
struct output_syslog_stats {
	uint64_t	sent;		/* messages wholly handed to the kernel
					   (local: to syslog(3)) */
	uint64_t	queued;		/* messages waiting now */
	uint64_t	queued_bytes;	/* their bytes */
	uint64_t	truncated;	/* messages with shortened fields */
	uint64_t	dropped_queue_full;
	uint64_t	dropped_too_big;
	uint64_t	dropped_error;	/* UDP send errors other than EAGAIN */
	uint64_t	dropped_close;	/* still queued when close gave up */
	uint64_t	send_errors;	/* failed sends, lost connections */
	uint64_t	connect_attempts;
	uint64_t	reconnects;	/* connections made after the first */
	uint64_t	connected;	/* 0/1 (UDP, local: 1) */
};

/* A destination URL, parsed (no name resolution). */
struct output_syslog_url {
	enum output_syslog_transport transport;	/* UDP or TCP */
	char		host[OUTPUT_SYSLOG_HOST_MAX + 1]; /* brackets removed */
	uint16_t	port;
};

struct output_syslog;

/* Fills c with the defaults (local, local5, "faaswatch", JSON). */
void		 output_syslog_conf_defaults(struct output_syslog_conf *c);

/*
 * Opens a destination: parses and resolves the URL (getaddrinfo, once),
 * creates the socket and starts a TCP connect.  A receiver that is down is
 * not an error (its messages queue).  Returns NULL with a one-line reason in
 * err (a bad URL or ident, a name that does not resolve, memory).  The
 * configuration's strings are copied.  Caller frees with
 * output_syslog_close().
 */
struct output_syslog *output_syslog_open(const struct output_syslog_conf *c,
		    char *err, size_t errlen);

/*
 * Formats doc (borrowed, not changed) as one message with MSGID msgid
 * ("ALERT", "STATS", "CONN"; NULL: from event.kind) and sends or queues it.
 * Returns 0 when it was sent or queued, -1 when it was dropped (counted).
 */
int		 output_syslog_write(struct output_syslog *, json_t *doc,
		    const char *msgid, uint64_t now_us);

/* Reconnects when the backoff allows and sends what is queued.  Cheap when
 * there is nothing to do; call it from the capture loop. */
void		 output_syslog_poll(struct output_syslog *, uint64_t now_us);

/*
 * Delivers what is queued, waiting at most OUTPUT_SYSLOG_CLOSE_WAIT_MS of
 * wall time (connecting once more at once if needed), counts what is left
 * as dropped_close, copies the final counters to *final (may be NULL) and
 * frees everything.  Accepts NULL.
 */
void		 output_syslog_close(struct output_syslog *, uint64_t now_us,
		    struct output_syslog_stats *final);

/* Counters, updated as they change; valid until close. */
const struct output_syslog_stats *output_syslog_stats(
		    const struct output_syslog *);

/* "local5", "daemon", "user", ... (any case) into *facility (LOG_LOCAL5
 * form).  Returns 0, or -1 for an unknown name. */
int		 output_syslog_facility_parse(const char *name, int *facility);

/* ---- pieces exposed for the unit tests ---------------------------------- */

/* Parses "udp://HOST[:PORT]" or "tcp://HOST[:PORT]" (IPv6 literals in
 * brackets, port 1-65535, default 514).  Returns 0, or -1 with a reason in
 * err (which may be NULL). */
int		 output_syslog_url_parse(const char *url,
		    struct output_syslog_url *u, char *err, size_t errlen);

/* The syslog severity (LOG_ERR ...) of a document. */
int		 output_syslog_severity(json_t *doc);

/* CEF escaping of src[0..len) into dst (NUL-terminated): header fields
 * escape \ and |, extension values \ and = and write CR/LF as \r/\n;
 * other control characters become spaces.  Returns the escaped length, or
 * (size_t)-1 when it does not fit in dstsz. */
size_t		 output_syslog_cef_escape(char *dst, size_t dstsz,
		    const char *src, size_t len, int header);

/*
 * The message output_syslog_write() would send for doc, shortened to fit:
 * for TCP the whole frame ("LEN SP MSG"), for UDP the datagram, for local
 * the text given to syslog(3).  *out points into the output's scratch
 * buffer (valid until the next call).  Returns its length, or 0 when the
 * document cannot fit.  *cut (may be NULL) is set when fields were cut.
 */
size_t		 output_syslog_render(struct output_syslog *, json_t *doc,
		    const char *msgid, uint64_t now_us, const char **out,
		    int *cut);

#endif /* FAASWATCH_OUTPUT_SYSLOG_H */
