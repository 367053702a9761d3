/*
 * test_output_syslog.c - syslog output: URL parsing (at every truncation),
 * facilities, severity mapping, RFC 5424 headers and octet-counted frames,
 * shortening that keeps the JSON whole, CEF escaping and rendering, the
 * bounded queue against a loopback listener, reconnection and its backoff
 * driven by now_us, and the bounded flush at close.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "output_syslog.h"

/* faaswatch --observer-name test -r pcaps/demo/demo.pcap: the alert */
static const char doc_alert[] =
	"{\"@timestamp\":\"2026-11-28T11:04:16.204036Z\",\"event\":{\"kind\""
	":\"alert\",\"category\":[\"network\",\"intrusion_detection\"],\"ty"
	"pe\":[\"connection\",\"indicator\"],\"severity\":73,\"risk_score\""
	":73,\"start\":\"2026-11-28T09:00:37.000000Z\",\"end\":\"2026-11-28"
	"T11:04:16.192000Z\",\"reason\":\"10.99.0.2 made 28 connections to "
	"demo-beacon.workers.dev [Cloudflare Workers (workers.dev name, ref"
	"erence rule suffix)] in 3 distinct hours of the last 24 h (9.3 per"
	" hour), averaging 1262 bytes sent and 3221 received per connection"
	": the reference hunting rule fired on BeaconingLikely.\",\"id\":\""
	"59fdf2efcadfbb64\"},\"rule\":{\"id\":\"faaswatch-ref-t1584-007\",\""
	"name\":\"Serverless C2 proxy beaconing (reference hunting rule)\","
	"\"ruleset\":\"faaswatch\",\"version\":\"1\",\"description\":\"The "
	"published Defender/Sentinel hunting query for T1584.007: >= 12 con"
	"nections in >= 3 distinct hours within 24 h to a serverless name, "
	"with small average payloads and >= 2 connections per hour, or a su"
	"spicious initiating process.\",\"category\":\"serverless-c2\"},\"t"
	"hreat\":{\"framework\":\"MITRE ATT&CK\",\"technique\":{\"id\":[\"T"
	"1584.007\",\"T1583.007\",\"T1071.001\"],\"name\":[\"Compromise Inf"
	"rastructure: Serverless\",\"Acquire Infrastructure: Serverless\",\""
	"Application Layer Protocol: Web Protocols\"]},\"tactic\":{\"id\":["
	"\"TA0042\",\"TA0011\"],\"name\":[\"Resource Development\",\"Comman"
	"d and Control\"]}},\"source\":{\"ip\":\"10.99.0.2\"},\"destination"
	"\":{\"ip\":\"10.99.0.1\",\"domain\":\"demo-beacon.workers.dev\",\""
	"port\":443},\"tls\":{\"client\":{\"server_name\":\"demo-beacon.wor"
	"kers.dev\"}},\"network\":{\"type\":\"ipv4\"},\"observer\":{\"type\""
	":\"sensor\",\"product\":\"faaswatch\",\"vendor\":\"faaswatch\",\"v"
	"ersion\":\"0.1.0\",\"name\":\"test\",\"hostname\":\"test\"},\"faas"
	"watch\":{\"severity\":\"high\",\"confidence\":\"medium\",\"serverl"
	"ess\":{\"provider\":\"Cloudflare\",\"platform\":\"Workers (workers"
	".dev name, reference rule suffix)\",\"class\":\"edge\",\"pattern\""
	":\"*.workers.dev\"},\"first_seen\":\"2026-11-28T09:00:37.000000Z\""
	",\"last_seen\":\"2026-11-28T11:04:16.192000Z\",\"connections\":28,"
	"\"hour_buckets\":3,\"avg_connections_per_hour\":9.33"
	",\"avg_bytes_sent_per_conn\":1262,\"avg_bytes_received_per_conn\":"
	"3221,\"beaconing_likely\":true,\"suspicious_initiator\":false,\"re"
	"mote_ports\":[443]}}";
/* the same run, the first connection record (--connections) */
static const char doc_conn4[] =
	"{\"@timestamp\":\"2026-11-28T09:00:37.000765Z\",\"event\":{\"kind\""
	":\"event\",\"category\":[\"network\"],\"type\":[\"connection\",\"e"
	"nd\"],\"action\":\"flow-end\",\"start\":\"2026-11-28T09:00:37.0007"
	"65Z\",\"end\":\"2026-11-28T09:00:37.012358Z\",\"duration\":1159300"
	"0,\"id\":\"8e1a6041602bc776\"},\"source\":{\"ip\":\"10.99.0.2\",\""
	"port\":56987,\"bytes\":1262,\"packets\":10},\"destination\":{\"ip\""
	":\"10.99.0.1\",\"port\":443,\"bytes\":3221,\"packets\":8,\"domain\""
	":\"demo-beacon.workers.dev\"},\"network\":{\"bytes\":4483,\"packet"
	"s\":18,\"transport\":\"tcp\",\"type\":\"ipv4\",\"protocol\":\"TLS\""
	"},\"tls\":{\"client\":{\"server_name\":\"demo-beacon.workers.dev\""
	",\"ja3\":\"0149f47eabf9a20d0893e2a44e5a6323\",\"ja4\":\"t13d3112h2"
	"_e8f1e7e78f70_b26ce05bbdd6\"},\"next_protocol\":\"h2\",\"version\""
	":\"1.3\",\"version_protocol\":\"tls\"},\"observer\":{\"type\":\"se"
	"nsor\",\"product\":\"faaswatch\",\"vendor\":\"faaswatch\",\"versio"
	"n\":\"0.1.0\",\"name\":\"test\",\"hostname\":\"test\"},\"faaswatch"
	"\":{\"name_source\":\"sni\",\"serverless\":{\"provider\":\"Cloudfl"
	"are\",\"platform\":\"Workers (workers.dev name, reference rule suf"
	"fix)\",\"class\":\"edge\",\"pattern\":\"*.workers.dev\"},\"establi"
	"shed\":true,\"end_reason\":\"fin\"}}";
/* -r pcaps/lab/curl6__demo-beacon.workers.dev.pcap, an IPv6 record */
static const char doc_conn6[] =
	"{\"@timestamp\":\"2026-11-28T11:08:16.453628Z\",\"event\":{\"kind\""
	":\"event\",\"category\":[\"network\"],\"type\":[\"connection\",\"e"
	"nd\"],\"action\":\"flow-end\",\"start\":\"2026-11-28T11:08:16.4536"
	"28Z\",\"end\":\"2026-11-28T11:08:16.462035Z\",\"duration\":8407000"
	",\"id\":\"36a01fd9fc485e44\"},\"source\":{\"ip\":\"fd99::2\",\"por"
	"t\":48870,\"bytes\":1390,\"packets\":9},\"destination\":{\"ip\":\""
	"fd99::1\",\"port\":443,\"bytes\":3381,\"packets\":8,\"domain\":\"d"
	"emo-beacon.workers.dev\"},\"network\":{\"bytes\":4771,\"packets\":"
	"17,\"transport\":\"tcp\",\"type\":\"ipv6\",\"protocol\":\"TLS\"},\""
	"tls\":{\"client\":{\"server_name\":\"demo-beacon.workers.dev\",\"j"
	"a3\":\"0149f47eabf9a20d0893e2a44e5a6323\",\"ja4\":\"t13d3112h2_e8f"
	"1e7e78f70_b26ce05bbdd6\"},\"next_protocol\":\"h2\",\"version\":\"1"
	".3\",\"version_protocol\":\"tls\"},\"observer\":{\"type\":\"sensor"
	"\",\"product\":\"faaswatch\",\"vendor\":\"faaswatch\",\"version\":"
	"\"0.1.0\",\"name\":\"test\",\"hostname\":\"test\"},\"faaswatch\":{"
	"\"name_source\":\"sni\",\"serverless\":{\"provider\":\"Cloudflare\""
	",\"platform\":\"Workers (workers.dev name, reference rule suffix)\""
	",\"class\":\"edge\",\"pattern\":\"*.workers.dev\"},\"established\""
	":true,\"end_reason\":\"fin\"}}";

#define S	1000000ULL		/* one second of now_us */
#define T0	(1795863856ULL * S)	/* the demo alert's time */

/* ---- helpers ------------------------------------------------------------- */

static json_t *
load(const char *text)
{
	json_error_t e;
	json_t *doc = json_loads(text, 0, &e);

	if (doc == NULL)
		fail_msg("bad test JSON: %s", e.text);
	return doc;
}

static json_t *
doc_seq(int seq, size_t pad)
{
	char *p = malloc(pad + 1);
	json_t *doc;

	assert_non_null(p);
	memset(p, 'p', pad);
	p[pad] = '\0';
	doc = json_pack("{s:s, s:{s:s}, s:i, s:s}", "@timestamp",
	    "2026-11-28T09:00:00.000001Z", "event", "kind", "event", "seq", seq,
	    "pad", p);
	free(p);
	assert_non_null(doc);
	return doc;
}

static struct output_syslog *
open_url(const char *url, enum output_syslog_format fmt, size_t qmsgs,
    size_t qbytes)
{
	struct output_syslog_conf c;
	struct output_syslog *o;
	char err[256] = "";

	output_syslog_conf_defaults(&c);
	c.remote = url;
	c.hostname = "sensor-1";
	c.ident = "fw";
	c.format = fmt;
	c.version = "0.1.0";
	c.queue_msgs = qmsgs;
	c.queue_bytes = qbytes;
	o = output_syslog_open(&c, err, sizeof(err));
	if (o == NULL)
		fail_msg("open %s: %s", url, err);
	return o;
}

/* A TCP listener on 127.0.0.1 (port 0: any); returns the socket. */
static int
listener(uint16_t *port, int rcvbuf)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (rcvbuf > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(*port);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* A port on 127.0.0.1 where nothing listens. */
static uint16_t
dead_port(void)
{
	uint16_t port = 0;
	int fd = listener(&port, 0);

	close(fd);
	return port;
}

static int
accept_wait(int lfd, int ms)
{
	struct pollfd pfd = { lfd, POLLIN, 0 };

	if (poll(&pfd, 1, ms) <= 0)
		return -1;
	return accept(lfd, NULL, NULL);
}

/* Frames read from a TCP stream. */
struct frames {
	char	*buf;
	size_t	 len, cap;
	char	*msg[20000];
	size_t	 mlen[20000];
	size_t	 n;
	int	 eof;
};

/* Reads what fd has (waiting up to ms for more), splitting octet-counted
 * frames; fails the test on a malformed frame, and on an incomplete last
 * frame when the stream should be complete. */
static void
frames_read_more(struct frames *f, int fd, int ms, int complete)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	size_t off = 0, n, digits;
	ssize_t r;
	char *end;

	for (;;) {
		if (poll(&pfd, 1, ms) <= 0)
			break;
		if (f->len + 65536 > f->cap) {
			f->cap = (f->cap + 65536) * 2;
			f->buf = realloc(f->buf, f->cap);
			assert_non_null(f->buf);
		}
		r = recv(fd, f->buf + f->len, f->cap - f->len, 0);
		if (r <= 0) {
			f->eof = 1;
			break;
		}
		f->len += (size_t)r;
	}
	/* the buffer may have moved: split from the start again */
	f->n = 0;
	while (off < f->len) {
		n = strtoul(f->buf + off, &end, 10);
		digits = (size_t)(end - (f->buf + off));
		assert_true(digits > 0 && digits <= 5);
		assert_true(off + digits < f->len);
		assert_int_equal(f->buf[off + digits], ' ');
		assert_true(n <= OUTPUT_SYSLOG_TCP_MAX);
		if (off + digits + 1 + n > f->len) {
			if (complete)
				fail_msg("incomplete frame at %zu", off);
			break;
		}
		assert_true(f->n < sizeof(f->msg) / sizeof(f->msg[0]));
		f->msg[f->n] = f->buf + off + digits + 1;
		f->mlen[f->n++] = n;
		off += digits + 1 + n;
	}
}

static void
frames_read(struct frames *f, int fd, int ms)
{
	frames_read_more(f, fd, ms, 1);
}

static void
frames_free(struct frames *f)
{
	free(f->buf);
	free(f);
}

/* The JSON body of an RFC 5424 message (after the 7th space), parsed. */
static json_t *
body_json(const char *msg, size_t len)
{
	char *copy = strndup(msg, len), *p = copy;
	json_t *doc;
	int i;

	assert_non_null(copy);
	for (i = 0; i < 7; i++) {
		p = strchr(p, ' ');
		assert_non_null(p);
		p++;
	}
	doc = json_loads(p, 0, NULL);
	free(copy);
	return doc;
}

static int
seq_of(json_t *doc)
{
	return (int)json_integer_value(json_object_get(doc, "seq"));
}

/* ---- URLs and facilities ------------------------------------------------ */

static void
test_url_parse(void **state)
{
	static const struct {
		const char	*url;
		int		 tcp;
		const char	*host;
		unsigned	 port;
	} ok[] = {
		{ "udp://127.0.0.1:514", 0, "127.0.0.1", 514 },
		{ "tcp://127.0.0.1:6514", 1, "127.0.0.1", 6514 },
		{ "TCP://siem.example.com:1", 1, "siem.example.com", 1 },
		{ "tcp://[::1]:65535", 1, "::1", 65535 },
		{ "udp://[fe80::1%eth0]:514", 0, "fe80::1%eth0", 514 },
		{ "udp://[::ffff:10.0.0.1]", 0, "::ffff:10.0.0.1", 514 },
		{ "tcp://log_host-1", 1, "log_host-1", 514 },
	};
	static const char *const bad[] = {
		"", "udp:/127.0.0.1:514", "http://127.0.0.1:514",
		"udp://", "udp://:514", "tcp://::1:514", "tcp://[::1:514",
		"tcp://[127.0.0.1]:514", "tcp://[::g]:514", "tcp://[]:514",
		"tcp://h:", "tcp://h:0", "tcp://h:65536", "tcp://h:123456",
		"tcp://h:-1", "tcp://h:51a", "tcp://h/x", "tcp://h:514/",
		"tcp://a b:514", "tcp://h:514 ", "udp://user@h:514",
		"tcp://[::1]x", "tcp://[fe80::1%e/0]:1",
	};
	struct output_syslog_url u;
	char err[256], longurl[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(output_syslog_url_parse(ok[i].url, &u, err,
		    sizeof(err)), 0);
		assert_int_equal(u.transport, ok[i].tcp ? OUTPUT_SYSLOG_TCP :
		    OUTPUT_SYSLOG_UDP);
		assert_string_equal(u.host, ok[i].host);
		assert_int_equal(u.port, ok[i].port);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (output_syslog_url_parse(bad[i], &u, err, sizeof(err)) != -1)
			fail_msg("'%s' parsed", bad[i]);
		assert_non_null(strstr(err, "syslog destination"));
	}
	/* a 256-character host is one too many */
	memcpy(longurl, "tcp://", 6);
	memset(longurl + 6, 'a', 256);
	strcpy(longurl + 6 + 256, ":514");
	assert_int_equal(output_syslog_url_parse(longurl, &u, NULL, 0), -1);
	longurl[6 + 255] = ':';
	strcpy(longurl + 6 + 256, "514");
	assert_int_equal(output_syslog_url_parse(longurl, &u, NULL, 0), 0);
	assert_int_equal(strlen(u.host), 255);
}

/* Every prefix of a valid URL, in a buffer of exactly its size: parses
 * without reading past it, and either fails or names a prefix of the same
 * host with a prefix of the same port (or the default). */
static void
test_url_truncation(void **state)
{
	static const char *const urls[] = {
		"udp://127.0.0.1:514", "tcp://[::1]:6514",
		"tcp://[fe80::1%eth0]:601", "TCP://siem.example.com:10514",
	};
	struct output_syslog_url full, u;
	char portstr[8], got[8], *p;
	size_t i, n, len;

	(void)state;
	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		assert_int_equal(output_syslog_url_parse(urls[i], &full, NULL,
		    0), 0);
		snprintf(portstr, sizeof(portstr), "%u", full.port);
		len = strlen(urls[i]);
		for (n = 0; n <= len; n++) {
			p = malloc(n + 1);
			assert_non_null(p);
			memcpy(p, urls[i], n);
			p[n] = '\0';
			if (output_syslog_url_parse(p, &u, NULL, 0) == 0) {
				assert_int_equal(u.transport, full.transport);
				assert_true(strncmp(full.host, u.host,
				    strlen(u.host)) == 0);
				snprintf(got, sizeof(got), "%u", u.port);
				if (u.port != OUTPUT_SYSLOG_PORT_DEFAULT)
					assert_true(strncmp(portstr, got,
					    strlen(got)) == 0);
				else
					assert_true(strlen(u.host) > 0);
			}
			free(p);
		}
	}
}

static void
test_facility(void **state)
{
	int f = -1;

	(void)state;
	assert_int_equal(output_syslog_facility_parse("local5", &f), 0);
	assert_int_equal(f, LOG_LOCAL5);
	assert_int_equal(output_syslog_facility_parse("DAEMON", &f), 0);
	assert_int_equal(f, LOG_DAEMON);
	assert_int_equal(output_syslog_facility_parse("local0", &f), 0);
	assert_int_equal(f, LOG_LOCAL0);
	assert_int_equal(output_syslog_facility_parse("authpriv", &f), 0);
	assert_int_equal(f, LOG_AUTHPRIV);
	assert_int_equal(output_syslog_facility_parse("local8", &f), -1);
	assert_int_equal(output_syslog_facility_parse("", &f), -1);
	assert_int_equal(f, LOG_AUTHPRIV);
}

static void
test_open_errors(void **state)
{
	struct output_syslog_conf c;
	char err[256];

	(void)state;
	output_syslog_conf_defaults(&c);
	c.remote = "tcp://127.0.0.1:x";
	assert_null(output_syslog_open(&c, err, sizeof(err)));
	assert_non_null(strstr(err, "port"));
	c.remote = "udp://127.0.0.1:514";
	c.ident = "two words";
	assert_null(output_syslog_open(&c, err, sizeof(err)));
	assert_non_null(strstr(err, "ident"));
	c.ident = "0123456789012345678901234567890123456789012345678";
	assert_null(output_syslog_open(&c, err, sizeof(err)));
	c.ident = NULL;
	c.max_msg = 100;
	assert_null(output_syslog_open(&c, err, sizeof(err)));
	assert_non_null(strstr(err, "size"));
	c.max_msg = 0;
	c.facility = 3;		/* a severity, not a facility */
	assert_null(output_syslog_open(&c, err, sizeof(err)));
	output_syslog_close(NULL, 0, NULL);
}

/* ---- severity, header, framing ------------------------------------------- */

static void
test_severity(void **state)
{
	static const struct {
		const char	*doc;
		int		 sev;
	} cases[] = {
		{ "{\"event\":{\"kind\":\"alert\"},\"faaswatch\":{\"severity\":"
		    "\"high\"}}", LOG_ERR },
		{ "{\"event\":{\"kind\":\"alert\"},\"faaswatch\":{\"severity\":"
		    "\"medium\"}}", LOG_WARNING },
		{ "{\"event\":{\"kind\":\"alert\"},\"faaswatch\":{\"severity\":"
		    "\"low\"}}", LOG_NOTICE },
		{ "{\"event\":{\"kind\":\"alert\"},\"faaswatch\":{\"severity\":"
		    "\"critical\"}}", LOG_CRIT },
		/* event.severity when faaswatch.severity is absent */
		{ "{\"event\":{\"kind\":\"alert\",\"severity\":73}}", LOG_ERR },
		{ "{\"event\":{\"kind\":\"alert\",\"severity\":47}}",
		    LOG_WARNING },
		{ "{\"event\":{\"kind\":\"alert\",\"severity\":21}}",
		    LOG_NOTICE },
		{ "{\"event\":{\"kind\":\"alert\"}}", LOG_WARNING },
		{ "{\"event\":{\"kind\":\"metric\"}}", LOG_INFO },
		{ "{\"event\":{\"kind\":\"event\",\"severity\":73}}",
		    LOG_INFO },
		{ "{}", LOG_INFO },
	};
	json_t *doc;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		doc = load(cases[i].doc);
		assert_int_equal(output_syslog_severity(doc), cases[i].sev);
		json_decref(doc);
	}
	doc = load(doc_alert);
	assert_int_equal(output_syslog_severity(doc), LOG_ERR);
	json_decref(doc);
	doc = load(doc_conn4);
	assert_int_equal(output_syslog_severity(doc), LOG_INFO);
	json_decref(doc);
}

static void
test_header_and_octet_count(void **state)
{
	struct output_syslog *o;
	json_t *doc, *body;
	const char *out;
	char want[256];
	size_t len, n;
	char *end;

	(void)state;
	o = open_url("tcp://127.0.0.1:9", OUTPUT_SYSLOG_JSON, 0, 0);
	doc = load(doc_alert);
	len = output_syslog_render(o, doc, NULL, T0, &out, NULL);
	assert_true(len > 0);
	n = strtoul(out, &end, 10);
	assert_int_equal(*end, ' ');
	/* the count is the byte length of what follows the space */
	assert_int_equal(n, len - (size_t)(end + 1 - out));
	assert_int_equal(strlen(end + 1), n);
	snprintf(want, sizeof(want),
	    "<%d>1 2026-11-28T11:04:16.204036Z sensor-1 fw %ld ALERT - {",
	    LOG_LOCAL5 | LOG_ERR, (long)getpid());
	assert_int_equal(strncmp(end + 1, want, strlen(want)), 0);
	assert_int_equal(LOG_LOCAL5 | LOG_ERR, 171);
	body = body_json(end + 1, n);
	assert_non_null(body);
	assert_true(json_equal(body, doc));
	/* no BOM, one line */
	assert_null(strchr(end + 1, '\n'));
	json_decref(body);
	json_decref(doc);

	/* connection record: info, CONN; an explicit MSGID wins */
	doc = load(doc_conn4);
	len = output_syslog_render(o, doc, NULL, T0, &out, NULL);
	assert_true(len > 0);
	snprintf(want, sizeof(want), " <174>1 2026-11-28T09:00:37.000765Z "
	    "sensor-1 fw %ld CONN - {\"@timestamp\"", (long)getpid());
	assert_non_null(strstr(out, want));
	output_syslog_render(o, doc, "STATS", T0, &out, NULL);
	assert_non_null(strstr(out, " STATS - {"));
	output_syslog_render(o, doc, "has space", T0, &out, NULL);
	assert_non_null(strstr(out, " - - {"));
	json_decref(doc);

	/* no @timestamp: the caller's time; a bad one is not copied */
	doc = load("{\"event\":{\"kind\":\"metric\"}}");
	output_syslog_render(o, doc, NULL, T0 + 5, &out, NULL);
	assert_non_null(strstr(out, "<174>1 2026-11-28T11:04:16.000005Z "
	    "sensor-1 fw "));
	assert_non_null(strstr(out, " STATS - {\"event\""));
	json_decref(doc);
	doc = load("{\"@timestamp\":\"yesterday 10:00\"}");
	output_syslog_render(o, doc, NULL, 0, &out, NULL);
	assert_non_null(strstr(out, "<174>1 - sensor-1 fw "));
	json_decref(doc);
	output_syslog_close(o, T0, NULL);
}

/* A datagram never exceeds 2048 bytes; the real alert (2.1 KB) loses the
 * end of event.reason and says so, and arrives as valid JSON. */
static void
test_udp_cap(void **state)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	struct output_syslog *o;
	json_t *doc, *body, *cut, *a, *b;
	char url[64], buf[70000];
	const char *out, *r0, *r1;
	ssize_t n;
	size_t len;
	int fd, c;

	(void)state;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	getsockname(fd, (struct sockaddr *)&sin, &slen);
	snprintf(url, sizeof(url), "udp://127.0.0.1:%u", ntohs(sin.sin_port));
	o = open_url(url, OUTPUT_SYSLOG_JSON, 0, 0);
	doc = load(doc_alert);
	assert_true(strlen(doc_alert) > OUTPUT_SYSLOG_UDP_MAX);
	len = output_syslog_render(o, doc, NULL, T0, &out, &c);
	assert_true(len > 0 && len <= OUTPUT_SYSLOG_UDP_MAX);
	assert_true(c);
	assert_int_equal(output_syslog_write(o, doc, NULL, T0), 0);
	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	assert_true(n > 0 && (size_t)n <= OUTPUT_SYSLOG_UDP_MAX);
	assert_true(n > OUTPUT_SYSLOG_UDP_MAX - 200);	/* cut no more */
	body = body_json(buf, (size_t)n);
	assert_non_null(body);
	cut = json_object_get(json_object_get(body, "faaswatch"), "truncated");
	assert_int_equal(json_array_size(cut), 1);
	assert_string_equal(json_string_value(json_array_get(cut, 0)),
	    "event.reason");
	r0 = json_string_value(json_object_get(json_object_get(doc, "event"),
	    "reason"));
	r1 = json_string_value(json_object_get(json_object_get(body, "event"),
	    "reason"));
	assert_non_null(r1);
	assert_true(strlen(r1) >= 32 && strlen(r1) < strlen(r0));
	assert_int_equal(strncmp(r0, r1, strlen(r1)), 0);
	/* everything else is untouched */
	a = json_deep_copy(doc);
	b = json_deep_copy(body);
	json_object_del(json_object_get(a, "event"), "reason");
	json_object_del(json_object_get(b, "event"), "reason");
	json_object_del(json_object_get(b, "faaswatch"), "truncated");
	assert_true(json_equal(a, b));
	assert_int_equal(output_syslog_stats(o)->sent, 1);
	assert_int_equal(output_syslog_stats(o)->truncated, 1);
	json_decref(a);
	json_decref(b);
	json_decref(body);
	json_decref(doc);
	output_syslog_close(o, T0, NULL);
	close(fd);
}

/* ---- shortening ---------------------------------------------------------- */

static char *
repeat(const char *unit, size_t times)
{
	size_t n = strlen(unit);
	char *s = malloc(n * times + 1);
	size_t i;

	assert_non_null(s);
	for (i = 0; i < times; i++)
		memcpy(s + i * n, unit, n);
	s[n * times] = '\0';
	return s;
}

static json_t *
long_doc(size_t cmd, size_t reason, size_t desc, size_t ua, size_t other)
{
	json_t *doc = json_object(), *o;
	char *s;

	json_object_set_new(doc, "@timestamp",
	    json_string("2026-11-28T11:04:16.204036Z"));
	o = json_object();
	json_object_set_new(o, "kind", json_string("alert"));
	if (reason) {
		s = repeat("r", reason);
		json_object_set_new(o, "reason", json_string(s));
		free(s);
	}
	json_object_set_new(doc, "event", o);
	if (cmd) {
		s = repeat("c", cmd);
		json_object_set_new(doc, "process",
		    json_pack("{s:s, s:s}", "name", "powershell.exe",
		    "command_line", s));
		free(s);
	}
	if (desc) {
		s = repeat("d", desc);
		json_object_set_new(doc, "rule", json_pack("{s:s, s:s}", "id",
		    "r1", "description", s));
		free(s);
	}
	if (ua) {
		s = repeat("u", ua);
		json_object_set_new(doc, "user_agent",
		    json_pack("{s:s}", "original", s));
		free(s);
	}
	if (other) {
		s = repeat("o", other);
		json_object_set_new(doc, "faaswatch",
		    json_pack("{s:s, s:s}", "note", s, "severity", "high"));
		free(s);
	}
	json_object_set_new(doc, "destination",
	    json_pack("{s:s}", "domain", "demo-beacon.workers.dev"));
	return doc;
}

/* Renders over TCP and returns the parsed body (fails if not JSON). */
static json_t *
render_body(struct output_syslog *o, json_t *doc, size_t *len, int *cut)
{
	const char *out;
	char *end;
	json_t *body;
	size_t n;

	*len = output_syslog_render(o, doc, NULL, T0, &out, cut);
	if (*len == 0)
		return NULL;
	n = strtoul(out, &end, 10);
	assert_int_equal(n, strlen(end + 1));
	assert_true(n <= OUTPUT_SYSLOG_TCP_MAX);
	body = body_json(end + 1, n);
	assert_non_null(body);
	return body;
}

static const char *
get_str(json_t *doc, const char *a, const char *b)
{
	return json_string_value(json_object_get(json_object_get(doc, a), b));
}

static void
assert_cuts(json_t *body, const char *const *want, size_t n)
{
	json_t *cut = json_object_get(json_object_get(body, "faaswatch"),
	    "truncated");
	size_t i;

	assert_int_equal(json_array_size(cut), n);
	for (i = 0; i < n; i++)
		assert_string_equal(json_string_value(json_array_get(cut, i)),
		    want[i]);
}

static void
test_shorten_order(void **state)
{
	static const char *const order[] = { "process.command_line",
	    "event.reason", "rule.description", "user_agent.original",
	    "faaswatch.note" };
	struct output_syslog *o;
	json_t *doc, *body;
	size_t len;
	int cut;

	(void)state;
	o = open_url("tcp://127.0.0.1:9", OUTPUT_SYSLOG_JSON, 0, 0);

	/* fits: nothing cut, no marker */
	doc = long_doc(1000, 1000, 1000, 1000, 1000);
	body = render_body(o, doc, &len, &cut);
	assert_false(cut);
	assert_true(json_equal(body, doc));
	json_decref(body);
	json_decref(doc);

	/* the command line alone is long: only it is cut, to a prefix */
	doc = long_doc(20000, 1000, 1000, 1000, 1000);
	body = render_body(o, doc, &len, &cut);
	assert_true(cut);
	assert_cuts(body, order, 1);
	assert_true(len > OUTPUT_SYSLOG_TCP_MAX - 100);
	assert_true(strlen(get_str(body, "process", "command_line")) > 1000);
	assert_string_equal(get_str(body, "event", "reason"),
	    get_str(doc, "event", "reason"));
	json_decref(body);
	json_decref(doc);

	/* everything long: cut in order, earlier ones removed entirely */
	doc = long_doc(3000, 3000, 3000, 3000, 3000);
	body = render_body(o, doc, &len, &cut);
	assert_true(cut);
	assert_null(get_str(body, "process", "command_line"));
	assert_string_equal(get_str(body, "process", "name"),
	    "powershell.exe");
	assert_null(get_str(body, "event", "reason"));
	assert_cuts(body, order, 3);
	assert_true(strlen(get_str(body, "rule", "description")) < 3000);
	assert_int_equal(strlen(get_str(body, "user_agent", "original")), 3000);
	json_decref(body);
	json_decref(doc);

	/* so long that the other strings go too, never below 32 bytes, and
	 * never the timestamp */
	doc = long_doc(3000, 3000, 3000, 3000, 9000);
	body = render_body(o, doc, &len, &cut);
	assert_cuts(body, order, 5);
	assert_null(get_str(body, "rule", "description"));
	assert_null(get_str(body, "user_agent", "original"));
	assert_true(strlen(get_str(body, "faaswatch", "note")) >= 32);
	assert_string_equal(json_string_value(json_object_get(body,
	    "@timestamp")), "2026-11-28T11:04:16.204036Z");
	assert_string_equal(get_str(body, "destination", "domain"),
	    "demo-beacon.workers.dev");
	json_decref(body);
	json_decref(doc);
	output_syslog_close(o, T0, NULL);
}

#define UNIT	"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"

/* Multi-byte UTF-8 is cut on a character boundary; an existing
 * faaswatch.truncated list is extended. */
static void
test_shorten_utf8(void **state)
{
	struct output_syslog *o;
	json_t *doc, *body, *cut;
	const char *s, *out;
	char *cmd;
	size_t len, i;
	int c;

	(void)state;
	o = open_url("udp://127.0.0.1:9", OUTPUT_SYSLOG_JSON, 0, 0);
	/* U+00E9, U+20AC and U+1F600: 2, 3 and 4 bytes */
	cmd = repeat(UNIT, 400);
	doc = json_pack("{s:s, s:{s:s}, s:{s:[s]}}", "@timestamp",
	    "2026-11-28T11:04:16.204036Z", "process", "command_line", cmd,
	    "faaswatch", "truncated", "upstream.field");
	free(cmd);
	assert_non_null(doc);
	len = output_syslog_render(o, doc, NULL, T0, &out, &c);
	assert_true(len > 0 && len <= OUTPUT_SYSLOG_UDP_MAX);
	body = body_json(out, len);
	assert_non_null(body);		/* jansson checks the UTF-8 */
	s = get_str(body, "process", "command_line");
	assert_non_null(s);
	/* not cut more than needed: the encoding is 24 bytes per 9 */
	assert_true(len > OUTPUT_SYSLOG_UDP_MAX - 30);
	assert_true(strlen(s) > 500);
	for (i = 0; s[i] != '\0'; i++)
		assert_int_equal((unsigned char)s[i],
		    (unsigned char)UNIT[i % 9]);
	/* it ends after a whole character */
	assert_true(i % 9 == 0 || i % 9 == 2 || i % 9 == 5);
	cut = json_object_get(json_object_get(body, "faaswatch"), "truncated");
	assert_int_equal(json_array_size(cut), 2);
	assert_string_equal(json_string_value(json_array_get(cut, 0)),
	    "upstream.field");
	assert_string_equal(json_string_value(json_array_get(cut, 1)),
	    "process.command_line");
	json_decref(body);
	json_decref(doc);
	output_syslog_close(o, T0, NULL);
}

/* Too many small fields: nothing to cut, dropped and counted. */
static void
test_too_big_dropped(void **state)
{
	struct output_syslog *o;
	json_t *doc, *arr = json_array();
	const char *out;
	int i;

	(void)state;
	for (i = 0; i < 3000; i++)
		json_array_append_new(arr, json_integer(i));
	doc = json_pack("{s:s, s:o}", "@timestamp",
	    "2026-11-28T11:04:16.204036Z", "numbers", arr);
	o = open_url("udp://127.0.0.1:9", OUTPUT_SYSLOG_JSON, 0, 0);
	assert_int_equal(output_syslog_render(o, doc, NULL, T0, &out, NULL), 0);
	assert_int_equal(output_syslog_write(o, doc, NULL, T0), -1);
	assert_int_equal(output_syslog_stats(o)->dropped_too_big, 1);
	assert_int_equal(output_syslog_stats(o)->sent, 0);
	output_syslog_close(o, T0, NULL);
	json_decref(doc);
}

/* ---- CEF ---------------------------------------------------------------- */

static void
test_cef_escape(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(output_syslog_cef_escape(buf, sizeof(buf), "a|b\\c=d",
	    7, 1), 9);
	assert_string_equal(buf, "a\\|b\\\\c=d");
	assert_int_equal(output_syslog_cef_escape(buf, sizeof(buf),
	    "a=b\\c\nd\re|f", 11, 0), 15);
	assert_string_equal(buf, "a\\=b\\\\c\\nd\\re|f");
	/* no line breaks in a header; other controls become spaces */
	output_syslog_cef_escape(buf, sizeof(buf), "x\ny\tz", 5, 1);
	assert_string_equal(buf, "x y z");
	output_syslog_cef_escape(buf, sizeof(buf), "\xc3\xa9=", 3, 0);
	assert_string_equal(buf, "\xc3\xa9\\=");
	/* does not fit: the escaped form needs 5 bytes and the NUL */
	assert_int_equal(output_syslog_cef_escape(buf, 5, "a=b=", 4, 0),
	    (size_t)-1);
	assert_int_equal(output_syslog_cef_escape(buf, 7, "a=b=", 4, 0), 6);
}

static void
assert_prefix(const char *s, const char *prefix)
{
	if (strncmp(s, prefix, strlen(prefix)) != 0)
		fail_msg("'%.*s'\n is not\n'%s'", (int)strlen(prefix), s,
		    prefix);
}

static const char *
cef_body(const char *out)
{
	const char *p = strstr(out, "CEF:0|");

	assert_non_null(p);
	return p;
}

static void
test_cef_render(void **state)
{
	struct output_syslog *o;
	json_t *doc;
	const char *out, *b;
	char *reason;
	size_t len;
	int c;

	(void)state;
	o = open_url("tcp://127.0.0.1:9", OUTPUT_SYSLOG_CEF, 0, 0);
	doc = load(doc_alert);
	assert_true(output_syslog_render(o, doc, NULL, T0, &out, NULL) > 0);
	b = cef_body(out);
	assert_prefix(b, "CEF:0|faaswatch|faaswatch|0.1.0|"
	    "faaswatch-ref-t1584-007|Serverless C2 proxy beaconing "
	    "(reference hunting rule)|8|rt=1795863856204 externalId="
	    "59fdf2efcadfbb64 cat=alert src=10.99.0.2 dst=10.99.0.1 dpt=443 "
	    "dhost=demo-beacon.workers.dev dvchost=test "
	    "cs1Label=tlsServerName cs1=demo-beacon.workers.dev "
	    "cs2Label=serverlessProvider cs2=Cloudflare "
	    "cs3Label=mitreTechniques cs3=T1584.007,T1583.007,T1071.001 "
	    "cn1Label=connections cn1=28 cn2Label=hourBuckets cn2=3 "
	    "msg=10.99.0.2 made 28 connections");
	assert_non_null(strstr(out, " - CEF:0|"));
	json_decref(doc);

	/* IPv6 addresses go to c6a2/c6a3; transport upper case */
	doc = load(doc_conn6);
	output_syslog_render(o, doc, NULL, T0, &out, NULL);
	b = cef_body(out);
	assert_prefix(b, "CEF:0|faaswatch|faaswatch|0.1.0|"
	    "connection|Connection record|1|rt=1795864096453 ");
	assert_non_null(strstr(b, " c6a2Label=Source IPv6 Address "
	    "c6a2=fd99::2 spt=48870 c6a3Label=Destination IPv6 Address "
	    "c6a3=fd99::1 dpt=443 "));
	assert_non_null(strstr(b, " proto=TCP app=TLS in=1390 out=3381 "));
	assert_null(strstr(b, " src="));
	json_decref(doc);

	/* escaping in the header and in values */
	doc = load("{\"@timestamp\":\"2026-11-28T11:04:16.5+01:00\","
	    "\"event\":{\"kind\":\"alert\",\"reason\":\"a=b\\\\c\\nd\"},"
	    "\"rule\":{\"id\":\"x|y\",\"name\":\"n\\\\m\"},"
	    "\"faaswatch\":{\"severity\":\"medium\"}}");
	output_syslog_render(o, doc, NULL, T0, &out, NULL);
	b = cef_body(out);
	assert_string_equal(b, "CEF:0|faaswatch|faaswatch|0.1.0|x\\|y|n\\\\m|5|"
	    "rt=1795860256500 cat=alert msg=a\\=b\\\\c\\nd");
	json_decref(doc);

	/* too long for a datagram: msg is cut and named in cs6 */
	output_syslog_close(o, T0, NULL);
	o = open_url("udp://127.0.0.1:9", OUTPUT_SYSLOG_CEF, 0, 0);
	reason = repeat("why ", 1000);
	doc = json_pack("{s:s, s:{s:s, s:s}, s:{s:s}}", "@timestamp",
	    "2026-11-28T11:04:16.204036Z", "event", "kind", "alert",
	    "reason", reason, "rule", "description", reason);
	free(reason);
	len = output_syslog_render(o, doc, NULL, T0, &out, &c);
	assert_true(len > OUTPUT_SYSLOG_UDP_MAX - 50 &&
	    len <= OUTPUT_SYSLOG_UDP_MAX);
	assert_true(c);
	/* rule.description is not in CEF: not cut, not named */
	assert_non_null(strstr(out, " cs6Label=truncated cs6=event.reason "
	    "msg=why why "));
	json_decref(doc);
	output_syslog_close(o, T0, NULL);
}

/* ---- queue, connection, backoff ------------------------------------------ */

static void
test_queue_bounds(void **state)
{
	struct output_syslog *o;
	struct frames *f;
	const struct output_syslog_stats *st;
	json_t *doc;
	char url[64];
	uint16_t port = dead_port();
	int lfd, cfd, i;
	size_t len;
	const char *out;

	(void)state;
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%u", port);
	o = open_url(url, OUTPUT_SYSLOG_JSON, 5, 0);
	st = output_syslog_stats(o);
	for (i = 0; i < 8; i++) {
		doc = doc_seq(i, 100);
		assert_int_equal(output_syslog_write(o, doc, NULL, T0),
		    i < 5 ? 0 : -1);
		json_decref(doc);
	}
	/* refused, now backing off */
	assert_int_equal(st->connect_attempts, 1);
	assert_int_equal(st->connected, 0);
	assert_int_equal(st->queued, 5);
	assert_int_equal(st->dropped_queue_full, 3);	/* the newest */
	assert_int_equal(st->sent, 0);

	/* the receiver comes up; the next attempt is 1 s later */
	lfd = listener(&port, 0);
	output_syslog_poll(o, T0 + S - 1);
	assert_int_equal(st->connect_attempts, 1);
	output_syslog_poll(o, T0 + S);
	assert_int_equal(st->connect_attempts, 2);
	cfd = accept_wait(lfd, 2000);
	assert_true(cfd >= 0);
	output_syslog_poll(o, T0 + S);
	assert_int_equal(st->connected, 1);
	assert_int_equal(st->sent, 5);
	assert_int_equal(st->queued, 0);
	assert_int_equal(st->queued_bytes, 0);
	assert_int_equal(st->reconnects, 0);	/* the first connection */
	f = calloc(1, sizeof(*f));
	frames_read(f, cfd, 200);
	assert_int_equal(f->n, 5);
	for (i = 0; i < 5; i++) {
		doc = body_json(f->msg[i], f->mlen[i]);
		assert_int_equal(seq_of(doc), i);	/* in order */
		json_decref(doc);
	}
	frames_free(f);
	close(cfd);
	output_syslog_close(o, T0 + S, NULL);
	close(lfd);

	/* the byte bound: room for three frames */
	port = dead_port();
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%u", port);
	o = open_url(url, OUTPUT_SYSLOG_JSON, 0, 0);
	doc = doc_seq(0, 100);
	len = output_syslog_render(o, doc, NULL, T0, &out, NULL);
	output_syslog_close(o, T0, NULL);
	o = open_url(url, OUTPUT_SYSLOG_JSON, 0, 3 * len + len / 2);
	st = output_syslog_stats(o);
	for (i = 0; i < 5; i++)
		output_syslog_write(o, doc, NULL, T0);
	assert_int_equal(st->queued, 3);
	assert_int_equal(st->queued_bytes, 3 * len);
	assert_int_equal(st->dropped_queue_full, 2);
	json_decref(doc);
	output_syslog_close(o, T0, NULL);
}

/* Attempts at 0, then 1, 2, 4, ... 60, 60 s after each failure, as told by
 * now_us alone (a refused loopback connect fails at once). */
static void
test_backoff_timing(void **state)
{
	static const uint64_t waits[] = { 1, 2, 4, 8, 16, 32, 60, 60, 60 };
	struct output_syslog *o;
	const struct output_syslog_stats *st;
	json_t *doc = doc_seq(0, 10);
	char url[64];
	uint64_t t = T0;
	size_t i;

	(void)state;
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%u", dead_port());
	o = open_url(url, OUTPUT_SYSLOG_JSON, 0, 0);
	st = output_syslog_stats(o);
	assert_int_equal(st->connect_attempts, 0);	/* not before use */
	output_syslog_write(o, doc, NULL, t);
	assert_int_equal(st->connect_attempts, 1);
	for (i = 0; i < sizeof(waits) / sizeof(waits[0]); i++) {
		output_syslog_poll(o, t + waits[i] * S - 1);
		assert_int_equal(st->connect_attempts, i + 1);
		t += waits[i] * S;
		output_syslog_poll(o, t);
		assert_int_equal(st->connect_attempts, i + 2);
		output_syslog_poll(o, t);
		assert_int_equal(st->connect_attempts, i + 2);
	}
	/* a clock that goes back does not push the next attempt further
	 * than the backoff */
	output_syslog_poll(o, t - 3600 * S);
	output_syslog_poll(o, t - 3600 * S + 60 * S);
	assert_int_equal(st->connect_attempts, i + 2);
	assert_int_equal(st->queued, 1);
	assert_int_equal(st->sent, 0);
	output_syslog_close(o, t, NULL);
	json_decref(doc);
}

/* A receiver that reads slowly: frames queue, partial writes resume where
 * they stopped, and every frame arrives whole and in order.  Then the
 * receiver closes: the loss is found before writing, the connection comes
 * back at once (it had lived more than a second) and nothing is lost. */
static void
test_partial_writes_and_reconnect(void **state)
{
	struct output_syslog *o;
	const struct output_syslog_stats *st;
	struct frames *f;
	json_t *doc;
	char url[64];
	uint16_t port = 0;
	int lfd, cfd, i, n = 4000, maxq = 0;

	(void)state;
	lfd = listener(&port, 4096);
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%u", port);
	o = open_url(url, OUTPUT_SYSLOG_JSON, 0, 0);
	st = output_syslog_stats(o);
	output_syslog_poll(o, T0);
	cfd = accept_wait(lfd, 2000);
	assert_true(cfd >= 0);
	output_syslog_poll(o, T0);
	assert_int_equal(st->connected, 1);
	for (i = 0; i < n; i++) {
		doc = doc_seq(i, 1500 + (size_t)(i % 7) * 13);
		assert_int_equal(output_syslog_write(o, doc, NULL, T0), 0);
		json_decref(doc);
		if ((int)st->queued > maxq)
			maxq = (int)st->queued;
	}
	assert_true(maxq > 100);	/* the socket did fill */
	f = calloc(1, sizeof(*f));
	while (st->queued > 0) {
		frames_read_more(f, cfd, 10, 0);
		output_syslog_poll(o, T0);
	}
	frames_read(f, cfd, 100);
	assert_int_equal(st->sent, (uint64_t)n);
	assert_int_equal(f->n, (size_t)n);
	for (i = 0; i < n; i++) {
		doc = body_json(f->msg[i], f->mlen[i]);
		assert_non_null(doc);
		assert_int_equal(seq_of(doc), i);
		json_decref(doc);
	}
	frames_free(f);

	/* the receiver goes away; the next write finds it out before
	 * sending and reconnects at once (the listener is still there) */
	close(cfd);
	usleep(20000);
	doc = doc_seq(n, 10);
	assert_int_equal(output_syslog_write(o, doc, NULL, T0 + 2 * S), 0);
	json_decref(doc);
	assert_int_equal(st->send_errors, 1);
	assert_int_equal(st->connect_attempts, 2);
	assert_int_equal(st->connected, 1);
	assert_int_equal(st->reconnects, 1);
	assert_int_equal(st->queued, 0);
	assert_int_equal(st->sent, (uint64_t)n + 1);
	cfd = accept_wait(lfd, 2000);
	assert_true(cfd >= 0);
	f = calloc(1, sizeof(*f));
	frames_read(f, cfd, 200);
	assert_int_equal(f->n, 1);
	doc = body_json(f->msg[0], f->mlen[0]);
	assert_int_equal(seq_of(doc), n);
	json_decref(doc);
	frames_free(f);

	/* a connection lost within a second waits for the backoff */
	close(cfd);
	usleep(20000);
	doc = doc_seq(n + 1, 10);
	output_syslog_write(o, doc, NULL, T0 + 2 * S + 10);
	json_decref(doc);
	assert_int_equal(st->connect_attempts, 2);
	output_syslog_poll(o, T0 + 3 * S + 9);
	assert_int_equal(st->connect_attempts, 2);
	output_syslog_poll(o, T0 + 3 * S + 10);
	assert_int_equal(st->connect_attempts, 3);
	close(lfd);
	output_syslog_close(o, T0 + 3 * S + 10, NULL);
}

static double
elapsed(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) +
	    (double)(b.tv_nsec - a->tv_nsec) / 1e9;
}

/* A receiver in a child process: accepts one connection, reads it to
 * the end, closes, and reports the number of frames (or -1) on out. */
static pid_t
reader_child(int lfd, int out)
{
	pid_t pid = fork();
	char *buf;
	size_t len = 0, off = 0, cap = 1 << 20, n;
	ssize_t r;
	int cfd, frames = 0;
	char *end;

	assert_true(pid >= 0);
	if (pid > 0)
		return pid;
	buf = malloc(cap);
	if (buf == NULL || (cfd = accept(lfd, NULL, NULL)) < 0)
		_exit(1);
	while (len < cap && (r = read(cfd, buf + len, cap - len)) > 0)
		len += (size_t)r;
	close(cfd);
	while (off < len) {
		n = strtoul(buf + off, &end, 10);
		if (end == buf + off || *end != ' ' ||
		    (size_t)(end + 1 - buf) + n > len) {
			frames = -1;
			break;
		}
		off = (size_t)(end + 1 - buf) + n;
		frames++;
	}
	if (write(out, &frames, sizeof(frames)) != sizeof(frames))
		_exit(1);
	_exit(0);
}

/* Close delivers a queue built while the receiver was down, connecting at
 * once whatever the backoff says, and returns as soon as the receiver has
 * read everything; with a receiver that never reads it gives up after
 * about 2 s and counts what is left. */
static void
test_close_flush(void **state)
{
	struct output_syslog_stats fin;
	struct output_syslog *o;
	struct timespec t0;
	json_t *doc;
	char url[64];
	uint16_t port = dead_port();
	int lfd, i, pfd[2], frames = -2;
	pid_t pid;
	double dt;

	(void)state;
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%u", port);
	o = open_url(url, OUTPUT_SYSLOG_JSON, 0, 0);
	for (i = 0; i < 10; i++) {
		doc = doc_seq(i, 200);
		output_syslog_write(o, doc, NULL, T0);
		json_decref(doc);
	}
	assert_int_equal(output_syslog_stats(o)->queued, 10);
	lfd = listener(&port, 0);
	assert_int_equal(pipe(pfd), 0);
	pid = reader_child(lfd, pfd[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	output_syslog_close(o, T0, &fin);	/* the backoff has 1 s left */
	dt = elapsed(&t0);
	assert_true(dt < 1.0);		/* the receiver's EOF ended the wait */
	assert_int_equal(fin.sent, 10);
	assert_int_equal(fin.dropped_close, 0);
	assert_int_equal(fin.queued, 0);
	assert_int_equal(fin.connect_attempts, 2);
	assert_int_equal(read(pfd[0], &frames, sizeof(frames)),
	    sizeof(frames));
	assert_int_equal(frames, 10);
	waitpid(pid, NULL, 0);
	close(pfd[0]);
	close(pfd[1]);
	close(lfd);

	/* a receiver that accepts nothing and reads nothing */
	port = 0;
	lfd = listener(&port, 4096);
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%u", port);
	o = open_url(url, OUTPUT_SYSLOG_JSON, 0, 0);
	for (i = 0; i < 6000; i++) {
		doc = doc_seq(i, 2000);
		output_syslog_write(o, doc, NULL, T0);
		json_decref(doc);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	output_syslog_close(o, T0, &fin);
	dt = elapsed(&t0);
	assert_true(dt > 1.5 && dt < 2.5);
	assert_true(fin.dropped_close > 0);
	assert_int_equal(fin.sent + fin.dropped_close + fin.dropped_queue_full,
	    6000);
	close(lfd);
}

/* An IPv6 literal in brackets reaches a listener on ::1. */
static void
test_ipv6_literal(void **state)
{
	struct sockaddr_in6 sin6;
	socklen_t len = sizeof(sin6);
	struct output_syslog *o;
	struct frames *f;
	json_t *doc, *body;
	char url[64];
	int lfd, cfd;

	(void)state;
	if ((lfd = socket(AF_INET6, SOCK_STREAM, 0)) < 0)
		skip();
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr = in6addr_loopback;
	if (bind(lfd, (struct sockaddr *)&sin6, sizeof(sin6)) != 0) {
		close(lfd);
		skip();		/* no ::1 here */
	}
	assert_int_equal(listen(lfd, 4), 0);
	getsockname(lfd, (struct sockaddr *)&sin6, &len);
	snprintf(url, sizeof(url), "tcp://[::1]:%u", ntohs(sin6.sin6_port));
	o = open_url(url, OUTPUT_SYSLOG_JSON, 0, 0);
	doc = load(doc_conn6);
	assert_int_equal(output_syslog_write(o, doc, "CONN", T0), 0);
	cfd = accept_wait(lfd, 2000);
	assert_true(cfd >= 0);
	output_syslog_poll(o, T0);
	assert_int_equal(output_syslog_stats(o)->sent, 1);
	f = calloc(1, sizeof(*f));
	frames_read(f, cfd, 200);
	assert_int_equal(f->n, 1);
	body = body_json(f->msg[0], f->mlen[0]);
	assert_true(json_equal(body, doc));
	json_decref(body);
	frames_free(f);
	close(cfd);
	output_syslog_close(o, T0, NULL);
	close(lfd);
	json_decref(doc);
}

/* Local: syslog(3) gets the JSON line alone, within the local limit. */
static void
test_local(void **state)
{
	struct output_syslog_conf c;
	struct output_syslog *o;
	json_t *doc, *body;
	const char *out;
	char err[128];
	size_t len;

	(void)state;
	output_syslog_conf_defaults(&c);
	assert_int_equal(c.facility, LOG_LOCAL5);
	assert_string_equal(c.ident, "faaswatch");
	o = output_syslog_open(&c, err, sizeof(err));
	assert_non_null(o);
	doc = load(doc_alert);
	len = output_syslog_render(o, doc, NULL, T0, &out, NULL);
	assert_int_equal(len, strlen(doc_alert));
	body = json_loads(out, 0, NULL);
	assert_true(json_equal(body, doc));
	assert_int_equal(output_syslog_write(o, doc, NULL, T0), 0);
	assert_int_equal(output_syslog_stats(o)->sent, 1);
	json_decref(body);
	json_decref(doc);
	output_syslog_close(o, T0, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_parse),
		cmocka_unit_test(test_url_truncation),
		cmocka_unit_test(test_facility),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_severity),
		cmocka_unit_test(test_header_and_octet_count),
		cmocka_unit_test(test_udp_cap),
		cmocka_unit_test(test_shorten_order),
		cmocka_unit_test(test_shorten_utf8),
		cmocka_unit_test(test_too_big_dropped),
		cmocka_unit_test(test_cef_escape),
		cmocka_unit_test(test_cef_render),
		cmocka_unit_test(test_queue_bounds),
		cmocka_unit_test(test_backoff_timing),
		cmocka_unit_test(test_partial_writes_and_reconnect),
		cmocka_unit_test(test_close_flush),
		cmocka_unit_test(test_ipv6_literal),
		cmocka_unit_test(test_local),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
