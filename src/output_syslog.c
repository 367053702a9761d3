/*
 * output_syslog.c - documents to the local syslog daemon or a remote
 * collector.  See output_syslog.h.
 *
 * A message is rendered into one scratch buffer: the RFC 5424 header, then
 * the body (JSON or CEF); for TCP the "LEN " of octet counting is written
 * just before the header, in room kept for it, so a frame is contiguous.
 * Every remote frame is copied into the queue (a ring of malloc'd frames)
 * and the queue is drained as far as the socket takes it; the head frame
 * remembers how much of it a partial write sent.  A TCP connection is
 * checked for end-of-file before each drain: a receiver never talks, so
 * readable means it closed, and a frame is never written into a connection
 * the receiver has already left.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "ecs.h"
#include "log.h"
#include "output_syslog.h"

#define OUTPUT_SYSLOG_PREFIX	16	/* room for "LEN " before a message */
#define OUTPUT_SYSLOG_MAX_CANDS	128	/* strings looked at for shortening */
#define OUTPUT_SYSLOG_PATH_MAX	128	/* dotted path of a shortened field */
#define OUTPUT_SYSLOG_MAX_DEPTH	16	/* nesting walked for shortening */
/* What glibc's syslog(3) puts before the text, ident aside:
 * "<PRI>Mmm dd hh:mm:ss " and "[PID]: ". */
#define OUTPUT_SYSLOG_LOCAL_HDR	40

struct output_syslog_frame {
	size_t	len;
	char	data[];
};

enum output_syslog_state {
	OUTPUT_SYSLOG_DOWN = 0,
	OUTPUT_SYSLOG_CONNECTING,
	OUTPUT_SYSLOG_UP
};

/* A string of the document that may be shortened. */
struct output_syslog_cand {
	json_t		*parent;	/* the object holding it, or NULL */
	char		 key[64];	/* its key in parent */
	json_t		*val;
	char		 path[OUTPUT_SYSLOG_PATH_MAX];
	size_t		 len;
	size_t		 order;
};

struct output_syslog {
	enum output_syslog_transport transport;
	enum output_syslog_format format;
	int			 facility;
	char			 ident[OUTPUT_SYSLOG_APP_MAX + 1];
	char			 hostname[OUTPUT_SYSLOG_HOST_MAX + 1];
	char			 version[32];
	char			 procid[24];
	char			 where[OUTPUT_SYSLOG_HOST_MAX + 32];
	size_t			 max_msg;

	/* remote */
	struct sockaddr_storage	 addr[OUTPUT_SYSLOG_MAX_ADDRS];
	socklen_t		 addrlen[OUTPUT_SYSLOG_MAX_ADDRS];
	int			 naddr, cur;
	int			 fd;
	enum output_syslog_state state;
	uint64_t		 next_try_us;	/* now_us of the next attempt */
	uint64_t		 backoff_us;	/* the wait after a failure */
	uint64_t		 up_since_us;	/* when it came up */
	uint64_t		 last_now_us;
	int			 ever_up, warned;

	/* queue */
	struct output_syslog_frame **q;
	size_t			 qcap, qhead, qlen, qbytes_max, head_off;

	char			*scratch;	/* PREFIX + max_msg + 1 bytes */
	struct output_syslog_cand cands[OUTPUT_SYSLOG_MAX_CANDS];
	size_t			 ncands;
	struct output_syslog_stats st;
};

/* openlog(3) keeps the pointer it is given: the ident lives here, for the
 * life of the process. */
static char output_syslog_openlog_ident[OUTPUT_SYSLOG_APP_MAX + 1];

/* ---- configuration pieces ------------------------------------------------ */

static const struct {
	const char	*name;
	int		 facility;
} output_syslog_facilities[] = {
	{ "kern", LOG_KERN }, { "user", LOG_USER }, { "mail", LOG_MAIL },
	{ "daemon", LOG_DAEMON }, { "auth", LOG_AUTH },
	{ "syslog", LOG_SYSLOG }, { "lpr", LOG_LPR }, { "news", LOG_NEWS },
	{ "uucp", LOG_UUCP }, { "cron", LOG_CRON },
	{ "authpriv", LOG_AUTHPRIV }, { "ftp", LOG_FTP },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

int
output_syslog_facility_parse(const char *name, int *facility)
{
	size_t i;

	for (i = 0; i < sizeof(output_syslog_facilities) /
	    sizeof(output_syslog_facilities[0]); i++)
		if (strcasecmp(name, output_syslog_facilities[i].name) == 0) {
			*facility = output_syslog_facilities[i].facility;
			return 0;
		}
	return -1;
}

void
output_syslog_conf_defaults(struct output_syslog_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->facility = OUTPUT_SYSLOG_FACILITY_DEFAULT;
	c->ident = OUTPUT_SYSLOG_IDENT_DEFAULT;
	c->format = OUTPUT_SYSLOG_JSON;
}

static int
output_syslog_url_error(char *err, size_t errlen, const char *url,
    const char *why)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "syslog destination '%s': %s", url, why);
	return -1;
}

static int
output_syslog_host_char(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_';
}

int
output_syslog_url_parse(const char *url, struct output_syslog_url *u,
    char *err, size_t errlen)
{
	const char *p, *h, *hend;
	unsigned long port;
	size_t n, i;
	int colons = 0;

	memset(u, 0, sizeof(*u));
	if (strncasecmp(url, "udp://", 6) == 0)
		u->transport = OUTPUT_SYSLOG_UDP;
	else if (strncasecmp(url, "tcp://", 6) == 0)
		u->transport = OUTPUT_SYSLOG_TCP;
	else
		return output_syslog_url_error(err, errlen, url,
		    "not udp://HOST:PORT or tcp://HOST:PORT");
	p = url + 6;
	if (*p == '[') {
		h = p + 1;
		if ((hend = strchr(h, ']')) == NULL)
			return output_syslog_url_error(err, errlen, url,
			    "no ']' after the IPv6 address");
		for (i = 0; h + i < hend && h[i] != '%'; i++) {
			if (h[i] == ':')
				colons++;
			else if (!((h[i] >= '0' && h[i] <= '9') ||
			    (h[i] >= 'a' && h[i] <= 'f') ||
			    (h[i] >= 'A' && h[i] <= 'F') || h[i] == '.'))
				return output_syslog_url_error(err, errlen,
				    url, "bad character in the IPv6 address");
		}
		for (; h + i < hend; i++)	/* zone: %eth0 */
			if (h[i] != '%' && !output_syslog_host_char(h[i]))
				return output_syslog_url_error(err, errlen,
				    url, "bad character in the IPv6 zone");
		if (colons < 2)
			return output_syslog_url_error(err, errlen, url,
			    "not an IPv6 address in brackets");
		p = hend + 1;
	} else {
		h = p;
		while (output_syslog_host_char((unsigned char)*p))
			p++;
		hend = p;
	}
	n = (size_t)(hend - h);
	if (n == 0)
		return output_syslog_url_error(err, errlen, url,
		    "no host (IPv6 addresses go in brackets)");
	if (n > OUTPUT_SYSLOG_HOST_MAX)
		return output_syslog_url_error(err, errlen, url,
		    "host name too long");
	memcpy(u->host, h, n);
	u->host[n] = '\0';
	port = OUTPUT_SYSLOG_PORT_DEFAULT;
	if (*p == ':') {
		p++;
		port = 0;
		for (i = 0; p[i] >= '0' && p[i] <= '9'; i++) {
			if (i == 5)
				return output_syslog_url_error(err, errlen, url,
				    "port out of range");
			port = port * 10 + (unsigned long)(p[i] - '0');
		}
		if (i == 0)
			return output_syslog_url_error(err, errlen, url,
			    "no port number after ':'");
		if (port == 0 || port > 65535)
			return output_syslog_url_error(err, errlen, url,
			    "port out of range");
		p += i;
	}
	if (*p != '\0')
		return output_syslog_url_error(err, errlen, url,
		    "unexpected text after the host or port");
	u->port = (uint16_t)port;
	return 0;
}

/* ---- reading the document ------------------------------------------------ */

static json_t *
output_syslog_get(json_t *doc, const char *path)
{
	char key[64];
	const char *dot;
	size_t n;

	while (doc != NULL && (dot = strchr(path, '.')) != NULL) {
		n = (size_t)(dot - path);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		doc = json_object_get(doc, key);
		path = dot + 1;
	}
	return doc == NULL ? NULL : json_object_get(doc, path);
}

static const char *
output_syslog_str(json_t *doc, const char *path)
{
	const char *s = json_string_value(output_syslog_get(doc, path));

	return s != NULL && s[0] != '\0' ? s : NULL;
}

/* The document's severity word: "critical", "high", ... as a rank 4..1,
 * from faaswatch.severity or else event.severity (Elastic's 21/47/73/99
 * scale); 0 when it has neither. */
static int
output_syslog_rank(json_t *doc)
{
	static const char *const words[] = { "low", "medium", "high",
	    "critical" };
	const char *s;
	json_t *v;
	long long n;
	int i;

	if ((s = output_syslog_str(doc, "faaswatch.severity")) != NULL)
		for (i = 0; i < 4; i++)
			if (strcasecmp(s, words[i]) == 0)
				return i + 1;
	v = output_syslog_get(doc, "event.severity");
	if (json_is_integer(v)) {
		n = json_integer_value(v);
		if (n >= 99)
			return 4;
		if (n >= 73)
			return 3;
		if (n >= 47)
			return 2;
		if (n > 0)
			return 1;
	}
	return 0;
}

int
output_syslog_severity(json_t *doc)
{
	static const int sev[] = { LOG_WARNING, LOG_NOTICE, LOG_WARNING,
	    LOG_ERR, LOG_CRIT };
	const char *kind = output_syslog_str(doc, "event.kind");

	/* statistics ("metric"), connection records ("event") and anything
	 * that is not an alert are informational */
	if (kind == NULL || strcmp(kind, "alert") != 0)
		return LOG_INFO;
	return sev[output_syslog_rank(doc)];
}

static const char *
output_syslog_msgid(json_t *doc, const char *msgid)
{
	const char *kind;
	size_t i;

	if (msgid != NULL) {
		for (i = 0; msgid[i] != '\0'; i++)
			if (msgid[i] < 33 || msgid[i] > 126 ||
			    i == OUTPUT_SYSLOG_MSGID_MAX)
				return "-";
		return i > 0 ? msgid : "-";
	}
	if ((kind = output_syslog_str(doc, "event.kind")) == NULL)
		return "-";
	if (strcmp(kind, "alert") == 0)
		return "ALERT";
	if (strcmp(kind, "metric") == 0)
		return "STATS";
	if (strcmp(kind, "event") == 0)
		return "CONN";
	return "-";
}

/* RFC 3339 as RFC 5424 takes it: YYYY-MM-DDTHH:MM:SS[.1-6 digits] then Z
 * or +HH:MM / -HH:MM.  Returns the offset of the fraction's end, or 0. */
static size_t
output_syslog_time_ok(const char *s)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd";
	size_t i, n;

	for (i = 0; pat[i] != '\0'; i++)
		if (pat[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') :
		    s[i] != pat[i])
			return 0;
	if (s[i] == '.') {
		for (n = 0; s[i + 1 + n] >= '0' && s[i + 1 + n] <= '9'; n++)
			;
		if (n == 0 || n > 6)
			return 0;
		i += 1 + n;
	}
	n = i;
	if (s[i] == 'Z')
		i++;
	else if ((s[i] == '+' || s[i] == '-') &&
	    s[i + 1] >= '0' && s[i + 1] <= '9' &&
	    s[i + 2] >= '0' && s[i + 2] <= '9' && s[i + 3] == ':' &&
	    s[i + 4] >= '0' && s[i + 4] <= '9' &&
	    s[i + 5] >= '0' && s[i + 5] <= '9')
		i += 6;
	else
		return 0;
	return s[i] == '\0' ? n : 0;
}

/* @timestamp as milliseconds since the epoch (CEF rt); -1 if absent. */
static long long
output_syslog_time_ms(json_t *doc)
{
	const char *s = output_syslog_str(doc, "@timestamp");
	struct tm tm;
	long long ms;
	size_t end, i;
	int frac = 0, digits = 0, off;

	if (s == NULL || (end = output_syslog_time_ok(s)) == 0)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	for (i = 20; i < end && digits < 3; i++, digits++)
		frac = frac * 10 + (s[i] - '0');
	for (; digits < 3; digits++)
		frac *= 10;
	ms = (long long)timegm(&tm) * 1000 + frac;
	if (s[end] == '+' || s[end] == '-') {
		off = ((s[end + 1] - '0') * 10 + (s[end + 2] - '0')) * 60 +
		    (s[end + 4] - '0') * 10 + (s[end + 5] - '0');
		ms += (s[end] == '+' ? -1LL : 1LL) * off * 60000;
	}
	return ms;
}

/* ---- rendering ----------------------------------------------------------- */

/* A bounded writer: len counts what was asked for, bytes beyond cap are
 * not written, so a too-long rendering still reports its length. */
struct output_syslog_buf {
	char	*p;
	size_t	 cap, len;
};

static void
output_syslog_add(struct output_syslog_buf *b, const char *s, size_t n)
{
	if (b->len < b->cap)
		memcpy(b->p + b->len, s, n < b->cap - b->len ? n :
		    b->cap - b->len);
	b->len += n;
}

static void
output_syslog_adds(struct output_syslog_buf *b, const char *s)
{
	output_syslog_add(b, s, strlen(s));
}

static void
output_syslog_add_esc(struct output_syslog_buf *b, const char *s, size_t n,
    int header)
{
	size_t i, run = 0;
	char e[2];

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		e[0] = '\\';
		if (ch == '\\')
			e[1] = '\\';
		else if (header && ch == '|')
			e[1] = '|';
		else if (!header && ch == '=')
			e[1] = '=';
		else if (!header && ch == '\n')
			e[1] = 'n';
		else if (!header && ch == '\r')
			e[1] = 'r';
		else if (ch < 0x20 || ch == 0x7f)
			e[0] = ' ', e[1] = '\0';
		else {
			run++;
			continue;
		}
		output_syslog_add(b, s + i - run, run);
		run = 0;
		output_syslog_add(b, e, e[1] == '\0' ? 1 : 2);
	}
	output_syslog_add(b, s + n - run, run);
}

size_t
output_syslog_cef_escape(char *dst, size_t dstsz, const char *src, size_t len,
    int header)
{
	struct output_syslog_buf b = { dst, dstsz, 0 };

	output_syslog_add_esc(&b, src, len, header);
	if (b.len >= dstsz)
		return (size_t)-1;
	dst[b.len] = '\0';
	return b.len;
}

/* What CEF carries, in order; the custom fields name themselves. */
static const struct {
	const char	*path;
	const char	*key;
	const char	*label;
} output_syslog_cef_fields[] = {
	{ "event.id", "externalId", NULL },
	{ "event.kind", "cat", NULL },
	{ "event.action", "act", NULL },
	{ "source.ip", "src", NULL },		/* IPv6: c6a2 */
	{ "source.port", "spt", NULL },
	{ "destination.ip", "dst", NULL },	/* IPv6: c6a3 */
	{ "destination.port", "dpt", NULL },
	{ "destination.domain", "dhost", NULL },
	{ "network.transport", "proto", NULL },
	{ "network.protocol", "app", NULL },
	{ "source.bytes", "in", NULL },		/* source to destination */
	{ "destination.bytes", "out", NULL },
	{ "process.name", "sproc", NULL },
	{ "process.pid", "spid", NULL },
	{ "user.name", "suser", NULL },
	{ "user_agent.original", "requestClientApplication", NULL },
	{ "observer.name", "dvchost", NULL },
	{ "tls.client.server_name", "cs1", "tlsServerName" },
	{ "faaswatch.serverless.provider", "cs2", "serverlessProvider" },
	{ "threat.technique.id", "cs3", "mitreTechniques" },
	{ "process.command_line", "cs4", "processCommandLine" },
	{ "tls.client.ja3", "cs5", "ja3" },
	{ "faaswatch.truncated", "cs6", "truncated" },
	{ "faaswatch.connections", "cn1", "connections" },
	{ "faaswatch.hour_buckets", "cn2", "hourBuckets" },
	{ "event.reason", "msg", NULL },
};
#define OUTPUT_SYSLOG_CEF_NFIELDS \
	(sizeof(output_syslog_cef_fields) / sizeof(output_syslog_cef_fields[0]))

static int
output_syslog_cef_uses(const char *path)
{
	size_t i;

	for (i = 0; i < OUTPUT_SYSLOG_CEF_NFIELDS; i++)
		if (strcmp(output_syslog_cef_fields[i].path, path) == 0)
			return 1;
	return 0;
}

static int
output_syslog_cef_severity(json_t *doc)
{
	static const int sev[] = { 5, 3, 5, 8, 10 };
	const char *kind = output_syslog_str(doc, "event.kind");
	int rank = output_syslog_rank(doc);

	if (rank != 0 || (kind != NULL && strcmp(kind, "alert") == 0))
		return sev[rank];
	return kind != NULL && strcmp(kind, "metric") == 0 ? 0 : 1;
}

/* One extension value: strings escaped, numbers and booleans as text,
 * arrays joined with commas.  Returns 0 when there is nothing to write. */
static int
output_syslog_cef_value(struct output_syslog_buf *b, json_t *v, int upper)
{
	char num[32];
	size_t i, n;
	const char *s;
	int any = 0;

	switch (json_typeof(v)) {
	case JSON_STRING:
		s = json_string_value(v);
		n = json_string_length(v);
		if (n == 0)
			return 0;
		if (!upper) {
			output_syslog_add_esc(b, s, n, 0);
			return 1;
		}
		for (i = 0; i < n; i++) {
			char ch = s[i] >= 'a' && s[i] <= 'z' ?
			    (char)(s[i] - 'a' + 'A') : s[i];

			output_syslog_add_esc(b, &ch, 1, 0);
		}
		return 1;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%lld",
		    (long long)json_integer_value(v));
		output_syslog_adds(b, num);
		return 1;
	case JSON_REAL:
		snprintf(num, sizeof(num), "%.6g", json_real_value(v));
		output_syslog_adds(b, num);
		return 1;
	case JSON_TRUE:
	case JSON_FALSE:
		output_syslog_adds(b, json_is_true(v) ? "true" : "false");
		return 1;
	case JSON_ARRAY:
		for (i = 0; i < json_array_size(v); i++) {
			json_t *e = json_array_get(v, i);

			if (!(json_is_string(e) && json_string_length(e) > 0) &&
			    !json_is_integer(e))
				continue;
			if (any)
				output_syslog_adds(b, ",");
			any |= output_syslog_cef_value(b, e, 0);
		}
		return any;
	default:
		return 0;
	}
}

static size_t
output_syslog_cef(struct output_syslog *o, json_t *doc, char *dst,
    size_t cap)
{
	struct output_syslog_buf b = { dst, cap, 0 }, save;
	const char *kind, *sig, *name, *key, *label, *ip;
	char num[48];
	long long rt;
	size_t i;
	int first = 1;

	kind = output_syslog_str(doc, "event.kind");
	if ((sig = output_syslog_str(doc, "rule.id")) == NULL)
		sig = kind == NULL ? "event" : strcmp(kind, "event") == 0 ?
		    "connection" : strcmp(kind, "metric") == 0 ? "stats" :
		    kind;
	if ((name = output_syslog_str(doc, "rule.name")) == NULL)
		name = kind == NULL ? "Event" : strcmp(kind, "event") == 0 ?
		    "Connection record" : strcmp(kind, "metric") == 0 ?
		    "Statistics" : kind;
	output_syslog_adds(&b, "CEF:0|faaswatch|faaswatch|");
	output_syslog_add_esc(&b, o->version, strlen(o->version), 1);
	output_syslog_adds(&b, "|");
	output_syslog_add_esc(&b, sig, strlen(sig), 1);
	output_syslog_adds(&b, "|");
	output_syslog_add_esc(&b, name, strlen(name), 1);
	snprintf(num, sizeof(num), "|%d|", output_syslog_cef_severity(doc));
	output_syslog_adds(&b, num);
	if ((rt = output_syslog_time_ms(doc)) >= 0) {
		snprintf(num, sizeof(num), "rt=%lld", rt);
		output_syslog_adds(&b, num);
		first = 0;
	}
	for (i = 0; i < OUTPUT_SYSLOG_CEF_NFIELDS; i++) {
		json_t *v = output_syslog_get(doc,
		    output_syslog_cef_fields[i].path);

		if (v == NULL)
			continue;
		key = output_syslog_cef_fields[i].key;
		label = output_syslog_cef_fields[i].label;
		if ((ip = json_string_value(v)) != NULL &&
		    strchr(ip, ':') != NULL) {
			if (strcmp(key, "src") == 0)
				key = "c6a2", label = "Source IPv6 Address";
			else if (strcmp(key, "dst") == 0)
				key = "c6a3",
				    label = "Destination IPv6 Address";
		}
		save = b;
		if (!first)
			output_syslog_adds(&b, " ");
		if (label != NULL) {
			output_syslog_adds(&b, key);
			output_syslog_adds(&b, "Label=");
			output_syslog_add_esc(&b, label, strlen(label), 0);
			output_syslog_adds(&b, " ");
		}
		output_syslog_adds(&b, key);
		output_syslog_adds(&b, "=");
		if (output_syslog_cef_value(&b, v, strcmp(key, "proto") == 0))
			first = 0;
		else
			b = save;	/* nothing to say: no key either */
	}
	return b.len;
}

static size_t
output_syslog_body(struct output_syslog *o, json_t *doc, char *dst,
    size_t cap)
{
	if (o->format == OUTPUT_SYSLOG_CEF)
		return output_syslog_cef(o, doc, dst, cap);
	return json_dumpb(doc, dst, cap, JSON_COMPACT | JSON_ENSURE_ASCII |
	    JSON_REAL_PRECISION(15));
}

/* ---- shortening ---------------------------------------------------------- */

/* The named optional fields, cut first and in this order. */
static const char *const output_syslog_cut_order[] = {
	"process.command_line", "event.reason", "rule.description",
};

enum output_syslog_phase {
	OUTPUT_SYSLOG_CUT_NAMED = 0,
	OUTPUT_SYSLOG_CUT_AGENT,	/* strings under a user_agent key */
	OUTPUT_SYSLOG_CUT_OTHER,	/* every other long string */
	OUTPUT_SYSLOG_CUT_PHASES
};

static int
output_syslog_is_agent(const char *path)
{
	const char *p = strstr(path, "user_agent");

	return p != NULL && (p == path || p[-1] == '.') &&
	    (p[10] == '\0' || p[10] == '.');
}

static int
output_syslog_is_named(const char *path)
{
	size_t i;

	for (i = 0; i < sizeof(output_syslog_cut_order) /
	    sizeof(output_syslog_cut_order[0]); i++)
		if (strcmp(path, output_syslog_cut_order[i]) == 0)
			return 1;
	return 0;
}

static void
output_syslog_cand_add(struct output_syslog *o, json_t *parent,
    const char *key, json_t *val, const char *path)
{
	struct output_syslog_cand *c;

	if (o->ncands == OUTPUT_SYSLOG_MAX_CANDS ||
	    strlen(path) >= sizeof(c->path) ||
	    (key != NULL && strlen(key) >= sizeof(c->key)))
		return;
	c = &o->cands[o->ncands];
	c->parent = parent;
	snprintf(c->key, sizeof(c->key), "%s", key != NULL ? key : "");
	c->val = val;
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->len = json_string_length(val);
	c->order = o->ncands++;
}

/* Walks node for the strings of one phase (AGENT or OTHER). */
static void
output_syslog_gather(struct output_syslog *o, json_t *node, const char *path,
    json_t *parent, const char *key, enum output_syslog_phase phase,
    int depth)
{
	char sub[OUTPUT_SYSLOG_PATH_MAX];
	const char *k;
	json_t *v;
	size_t i;

	if (depth > OUTPUT_SYSLOG_MAX_DEPTH)
		return;
	switch (json_typeof(node)) {
	case JSON_OBJECT:
		json_object_foreach(node, k, v) {
			if (snprintf(sub, sizeof(sub), "%s%s%s", path,
			    path[0] != '\0' ? "." : "", k) >= (int)sizeof(sub))
				continue;
			output_syslog_gather(o, v, sub, node, k, phase,
			    depth + 1);
		}
		break;
	case JSON_ARRAY:	/* elements are named by the array's path */
		for (i = 0; i < json_array_size(node); i++)
			output_syslog_gather(o, json_array_get(node, i), path,
			    NULL, NULL, phase, depth + 1);
		break;
	case JSON_STRING:
		if (strcmp(path, "@timestamp") == 0 ||
		    strcmp(path, "faaswatch.truncated") == 0 ||
		    output_syslog_is_named(path) ||
		    (o->format == OUTPUT_SYSLOG_CEF &&
		    !output_syslog_cef_uses(path)))
			return;
		if (phase == OUTPUT_SYSLOG_CUT_AGENT ?
		    !output_syslog_is_agent(path) :
		    (output_syslog_is_agent(path) ||
		    json_string_length(node) < OUTPUT_SYSLOG_CUT_MIN))
			return;
		output_syslog_cand_add(o, parent, key, node, path);
		break;
	default:
		break;
	}
}

static int
output_syslog_cand_cmp(const void *a, const void *b)
{
	const struct output_syslog_cand *x = a, *y = b;

	if (x->len != y->len)
		return x->len > y->len ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void
output_syslog_candidates(struct output_syslog *o, json_t *doc,
    enum output_syslog_phase phase)
{
	json_t *v;
	size_t i;
	const char *dot;
	char parent[OUTPUT_SYSLOG_PATH_MAX];

	o->ncands = 0;
	if (phase == OUTPUT_SYSLOG_CUT_NAMED) {
		for (i = 0; i < sizeof(output_syslog_cut_order) /
		    sizeof(output_syslog_cut_order[0]); i++) {
			const char *path = output_syslog_cut_order[i];

			if (o->format == OUTPUT_SYSLOG_CEF &&
			    !output_syslog_cef_uses(path))
				continue;
			v = output_syslog_get(doc, path);
			if (!json_is_string(v) || json_string_length(v) == 0)
				continue;
			dot = strrchr(path, '.');
			snprintf(parent, sizeof(parent), "%.*s",
			    (int)(dot - path), path);
			output_syslog_cand_add(o,
			    output_syslog_get(doc, parent), dot + 1, v, path);
		}
		return;
	}
	output_syslog_gather(o, doc, "", NULL, NULL, phase, 0);
	qsort(o->cands, o->ncands, sizeof(o->cands[0]),
	    output_syslog_cand_cmp);
}

/* Adds path to the document's faaswatch.truncated list (once). */
static int
output_syslog_mark(json_t *doc, json_t **cuts, const char *path)
{
	json_t *t;
	size_t i;

	if (*cuts == NULL) {
		t = output_syslog_get(doc, "faaswatch.truncated");
		if (json_is_array(t))
			*cuts = t;
		else {
			if ((t = json_array()) == NULL ||
			    ecs_set(doc, "faaswatch.truncated", t) != 0)
				return -1;
			*cuts = t;
		}
	}
	for (i = 0; i < json_array_size(*cuts); i++)
		if (json_is_string(json_array_get(*cuts, i)) &&
		    strcmp(json_string_value(json_array_get(*cuts, i)),
		    path) == 0)
			return 0;
	return json_array_append_new(*cuts, json_string(path));
}

/* The encoded length of s[0..len) in the output format: JSON with
 * JSON_ENSURE_ASCII (escapes, \uXXXX per character, a pair beyond the
 * BMP) or CEF extension escaping. */
static size_t
output_syslog_enc_len(const struct output_syslog *o, const char *s,
    size_t len)
{
	size_t i, n = 0;
	unsigned char ch;

	for (i = 0; i < len; i++) {
		ch = (unsigned char)s[i];
		if (o->format == OUTPUT_SYSLOG_CEF)
			n += ch == '\\' || ch == '=' || ch == '\n' ||
			    ch == '\r' ? 2 : 1;
		else if (ch == '"' || ch == '\\' || ch == '\b' ||
		    ch == '\f' || ch == '\n' || ch == '\r' || ch == '\t')
			n += 2;
		else if (ch < 0x20 || ch == 0x7f)
			n += 6;
		else if (ch >= 0xf0)
			n += 12;	/* a surrogate pair */
		else if (ch >= 0xc0)
			n += 6;
		else if (ch < 0x80)
			n += 1;
		/* continuation bytes: counted with their lead byte */
	}
	return n;
}

/*
 * Marks and cuts one candidate until the rendering fits in cap or the
 * candidate is spent; returns the new rendered length.  The cut keeps the
 * share of the string that the encoded excess leaves, on a UTF-8
 * character boundary, and is repeated when the string's encoding was not
 * even.  Named and user-agent fields are removed rather than kept shorter
 * than OUTPUT_SYSLOG_CUT_KEEP; other strings are not cut below it.
 */
static size_t
output_syslog_cut(struct output_syslog *o, json_t *doc, json_t **cuts,
    struct output_syslog_cand *c, enum output_syslog_phase phase,
    char *dst, size_t cap)
{
	const char *s;
	size_t need, excess, len, enc, keep;
	int i;

	if (output_syslog_mark(doc, cuts, c->path) != 0)
		return (size_t)-1;
	need = output_syslog_body(o, doc, dst, cap);
	for (i = 0; i < 16 && need != 0 && need > cap; i++) {
		s = json_string_value(c->val);
		if ((len = json_string_length(c->val)) == 0)
			break;
		excess = need - cap;
		enc = output_syslog_enc_len(o, s, len);
		keep = enc > excess ? (size_t)((double)len *
		    (double)(enc - excess) / (double)enc) : 0;
		if (keep >= len)
			keep = len - 1;
		if (phase == OUTPUT_SYSLOG_CUT_OTHER &&
		    keep < OUTPUT_SYSLOG_CUT_KEEP)
			keep = OUTPUT_SYSLOG_CUT_KEEP < len ?
			    OUTPUT_SYSLOG_CUT_KEEP : len;
		while (keep > 0 && keep < len &&
		    ((unsigned char)s[keep] & 0xc0) == 0x80)
			keep--;		/* not inside a UTF-8 sequence */
		if (keep < OUTPUT_SYSLOG_CUT_KEEP &&
		    phase != OUTPUT_SYSLOG_CUT_OTHER && c->parent != NULL) {
			json_object_del(c->parent, c->key);
			return output_syslog_body(o, doc, dst, cap);
		}
		if (keep >= len)
			break;		/* at its floor */
		if (json_string_setn(c->val, s, keep) != 0)
			return (size_t)-1;
		need = output_syslog_body(o, doc, dst, cap);
	}
	return need;
}

/*
 * Renders doc's body into dst (cap bytes), shortening a copy of it when it
 * does not fit.  Returns the body's length, or 0 when it cannot fit (or
 * cannot be encoded).
 */
static size_t
output_syslog_fit(struct output_syslog *o, json_t *doc, char *dst, size_t cap,
    int *cut)
{
	json_t *copy, *cuts = NULL;
	size_t need, i;
	int phase;

	*cut = 0;
	need = output_syslog_body(o, doc, dst, cap);
	if (need <= cap)
		return need;
	if ((copy = json_deep_copy(doc)) == NULL)
		return 0;
	*cut = 1;
	for (phase = 0; phase < OUTPUT_SYSLOG_CUT_PHASES && need > cap;
	    phase++) {
		output_syslog_candidates(o, copy, phase);
		for (i = 0; i < o->ncands && need > cap; i++)
			need = output_syslog_cut(o, copy, &cuts, &o->cands[i],
			    phase, dst, cap);
	}
	json_decref(copy);
	return need <= cap ? need : 0;
}

size_t
output_syslog_render(struct output_syslog *o, json_t *doc, const char *msgid,
    uint64_t now_us, const char **out, int *cut)
{
	char *msg = o->scratch + OUTPUT_SYSLOG_PREFIX, ts[ECS_TIME_LEN];
	char pre[OUTPUT_SYSLOG_PREFIX];
	const char *t;
	size_t hlen = 0, blen, cap;
	int n, c;

	if (o->transport == OUTPUT_SYSLOG_LOCAL)
		cap = o->max_msg - OUTPUT_SYSLOG_LOCAL_HDR - strlen(o->ident);
	else {
		t = output_syslog_str(doc, "@timestamp");
		if (t == NULL || output_syslog_time_ok(t) == 0)
			t = now_us != 0 ? ecs_time(now_us, ts) : "-";
		n = snprintf(msg, o->max_msg, "<%d>1 %s %s %s %s %s - ",
		    o->facility | output_syslog_severity(doc), t,
		    o->hostname, o->ident, o->procid,
		    output_syslog_msgid(doc, msgid));
		if (n < 0 || (size_t)n >= o->max_msg)
			return 0;
		hlen = (size_t)n;
		cap = o->max_msg - hlen;
	}
	blen = output_syslog_fit(o, doc, msg + hlen, cap, &c);
	if (cut != NULL)
		*cut = c;
	if (blen == 0)
		return 0;
	msg[hlen + blen] = '\0';
	*out = msg;
	if (o->transport != OUTPUT_SYSLOG_TCP)
		return hlen + blen;
	n = snprintf(pre, sizeof(pre), "%zu ", hlen + blen);
	memcpy(msg - n, pre, (size_t)n);
	*out = msg - n;
	return (size_t)n + hlen + blen;
}

/* ---- the queue ----------------------------------------------------------- */

static int
output_syslog_enqueue(struct output_syslog *o, const char *data, size_t len)
{
	struct output_syslog_frame *f;

	if (o->qlen == o->qcap || len > o->qbytes_max - o->st.queued_bytes ||
	    (f = malloc(sizeof(*f) + len)) == NULL) {
		o->st.dropped_queue_full++;	/* the newest goes */
		return -1;
	}
	f->len = len;
	memcpy(f->data, data, len);
	o->q[(o->qhead + o->qlen) % o->qcap] = f;
	o->qlen++;
	o->st.queued = o->qlen;
	o->st.queued_bytes += len;
	return 0;
}

static void
output_syslog_pop(struct output_syslog *o)
{
	struct output_syslog_frame *f = o->q[o->qhead];

	o->st.queued_bytes -= f->len;
	free(f);
	o->q[o->qhead] = NULL;
	o->qhead = (o->qhead + 1) % o->qcap;
	o->qlen--;
	o->st.queued = o->qlen;
	o->head_off = 0;
}

/* ---- the connection ------------------------------------------------------ */

static void
output_syslog_backoff(struct output_syslog *o, uint64_t now_us)
{
	o->next_try_us = now_us + o->backoff_us;
	o->backoff_us *= 2;
	if (o->backoff_us > OUTPUT_SYSLOG_BACKOFF_MAX_US)
		o->backoff_us = OUTPUT_SYSLOG_BACKOFF_MAX_US;
}

static void
output_syslog_down(struct output_syslog *o, const char *what, int err)
{
	if (o->fd != -1)
		close(o->fd);
	o->fd = -1;
	o->state = OUTPUT_SYSLOG_DOWN;
	o->st.connected = 0;
	o->head_off = 0;	/* a new connection starts a new frame */
	if (!o->warned) {
		log_warnx("syslog %s: %s%s%s; queuing up to %zu messages",
		    o->where, what, err != 0 ? ": " : "",
		    err != 0 ? strerror(err) : "", o->qcap);
		o->warned = 1;
	}
}

/* A connection attempt failed: next address, and wait. */
static void
output_syslog_failed(struct output_syslog *o, uint64_t now_us, int err)
{
	output_syslog_down(o, "cannot connect", err);
	o->cur = (o->cur + 1) % o->naddr;
	output_syslog_backoff(o, now_us);
}

/* An established connection was lost. */
static void
output_syslog_lost(struct output_syslog *o, uint64_t now_us, int err)
{
	o->st.send_errors++;
	output_syslog_down(o, err != 0 ? "connection lost" :
	    "connection closed by the receiver", err);
	if (now_us - o->up_since_us >= OUTPUT_SYSLOG_BACKOFF_MIN_US ||
	    now_us < o->up_since_us) {
		o->backoff_us = OUTPUT_SYSLOG_BACKOFF_MIN_US;
		o->next_try_us = now_us;	/* it worked: retry at once */
	} else
		output_syslog_backoff(o, now_us);
}

static void
output_syslog_up(struct output_syslog *o, uint64_t now_us)
{
	o->state = OUTPUT_SYSLOG_UP;
	o->st.connected = 1;
	if (o->ever_up)
		o->st.reconnects++;
	o->ever_up = 1;
	o->up_since_us = now_us;
	if (o->warned)
		log_info("syslog %s: connected", o->where);
	o->warned = 0;
}

static void
output_syslog_connect_check(struct output_syslog *o, uint64_t now_us)
{
	struct pollfd pfd = { o->fd, POLLOUT, 0 };
	socklen_t len = sizeof(int);
	int err = 0;

	if (poll(&pfd, 1, 0) <= 0)
		return;
	if (getsockopt(o->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err == 0)
		output_syslog_up(o, now_us);
	else
		output_syslog_failed(o, now_us, err);
}

static void
output_syslog_connect(struct output_syslog *o, uint64_t now_us)
{
	const struct sockaddr *sa = (const struct sockaddr *)&o->addr[o->cur];
	int one = 1;

	o->st.connect_attempts++;
	o->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (o->fd == -1) {
		output_syslog_failed(o, now_us, errno);
		return;
	}
	/* finds a receiver that vanished while the connection was idle */
	setsockopt(o->fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	if (connect(o->fd, sa, o->addrlen[o->cur]) == 0) {
		output_syslog_up(o, now_us);
		return;
	}
	if (errno != EINPROGRESS && errno != EINTR) {
		output_syslog_failed(o, now_us, errno);
		return;
	}
	o->state = OUTPUT_SYSLOG_CONNECTING;
	output_syslog_connect_check(o, now_us);
}

/* A syslog receiver never sends: readable means it closed (or reset). */
static int
output_syslog_peer_ok(struct output_syslog *o, int *err)
{
	char b[512];
	ssize_t n;
	int i;

	*err = 0;
	for (i = 0; i < 8; i++) {
		n = recv(o->fd, b, sizeof(b), MSG_DONTWAIT);
		if (n > 0)
			continue;	/* chatter: ignored */
		if (n == 0)
			return 0;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 1;
		if (errno != EINTR) {
			*err = errno;
			return 0;
		}
	}
	return 1;
}

static void
output_syslog_drain(struct output_syslog *o, uint64_t now_us)
{
	struct output_syslog_frame *f;
	ssize_t n;
	int err;

	if (o->qlen == 0)
		return;
	if (o->transport == OUTPUT_SYSLOG_TCP) {
		if (o->state != OUTPUT_SYSLOG_UP)
			return;
		if (!output_syslog_peer_ok(o, &err)) {
			output_syslog_lost(o, now_us, err);
			return;
		}
	}
	while (o->qlen > 0) {
		f = o->q[o->qhead];
		if (o->transport == OUTPUT_SYSLOG_TCP)
			n = send(o->fd, f->data + o->head_off,
			    f->len - o->head_off, MSG_NOSIGNAL | MSG_DONTWAIT);
		else
			n = sendto(o->fd, f->data, f->len,
			    MSG_NOSIGNAL | MSG_DONTWAIT,
			    (const struct sockaddr *)&o->addr[o->cur],
			    o->addrlen[o->cur]);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == ENOBUFS)
				return;		/* later */
			if (o->transport == OUTPUT_SYSLOG_TCP) {
				output_syslog_lost(o, now_us, errno);
				return;
			}
			/* a datagram that cannot go is lost, counted */
			err = errno;
			o->st.send_errors++;
			o->st.dropped_error++;
			output_syslog_pop(o);
			if (!o->warned)
				log_warnx("syslog %s: send: %s", o->where,
				    strerror(err));
			o->warned = 1;
			continue;
		}
		if (o->transport == OUTPUT_SYSLOG_TCP &&
		    (size_t)n < f->len - o->head_off) {
			o->head_off += (size_t)n;	/* partial write */
			continue;
		}
		o->st.sent++;
		output_syslog_pop(o);
	}
}

void
output_syslog_poll(struct output_syslog *o, uint64_t now_us)
{
	if (o == NULL || o->transport == OUTPUT_SYSLOG_LOCAL)
		return;
	if (o->transport == OUTPUT_SYSLOG_TCP) {
		/* a clock that went back (another capture file) must not
		 * postpone the next attempt by more than the backoff */
		if (now_us < o->last_now_us &&
		    o->next_try_us > now_us + o->backoff_us)
			o->next_try_us = now_us + o->backoff_us;
		o->last_now_us = now_us;
		/* sending first finds a lost connection, which may then be
		 * retried at once */
		if (o->state == OUTPUT_SYSLOG_UP)
			output_syslog_drain(o, now_us);
		if (o->state == OUTPUT_SYSLOG_CONNECTING)
			output_syslog_connect_check(o, now_us);
		if (o->state == OUTPUT_SYSLOG_DOWN && now_us >= o->next_try_us)
			output_syslog_connect(o, now_us);
	}
	output_syslog_drain(o, now_us);
}

int
output_syslog_write(struct output_syslog *o, json_t *doc, const char *msgid,
    uint64_t now_us)
{
	const char *frame;
	size_t len;
	int cut;

	len = output_syslog_render(o, doc, msgid, now_us, &frame, &cut);
	if (len == 0) {
		o->st.dropped_too_big++;
		return -1;
	}
	if (cut)
		o->st.truncated++;
	if (o->transport == OUTPUT_SYSLOG_LOCAL) {
		syslog(o->facility | output_syslog_severity(doc), "%s", frame);
		o->st.sent++;
		return 0;
	}
	output_syslog_poll(o, now_us);		/* room first */
	if (output_syslog_enqueue(o, frame, len) != 0)
		return -1;
	output_syslog_poll(o, now_us);		/* reconnects a lost one */
	return 0;
}

/* ---- open and close ------------------------------------------------------ */

/* "syslog WHAT: WHY" into err. */
static int
output_syslog_error(char *err, size_t errlen, const char *what,
    const char *why)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "syslog %s: %s", what, why);
	return -1;
}

static int
output_syslog_resolve(struct output_syslog *o, const char *remote,
    char *err, size_t errlen)
{
	struct output_syslog_url u;
	struct addrinfo hints, *res, *ai;
	char port[8];
	int rc;

	if (output_syslog_url_parse(remote, &u, err, errlen) != 0)
		return -1;
	o->transport = u.transport;
	snprintf(o->where, sizeof(o->where), "%s://%s%s%s:%u",
	    u.transport == OUTPUT_SYSLOG_TCP ? "tcp" : "udp",
	    strchr(u.host, ':') != NULL ? "[" : "", u.host,
	    strchr(u.host, ':') != NULL ? "]" : "", u.port);
	snprintf(port, sizeof(port), "%u", u.port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = u.transport == OUTPUT_SYSLOG_TCP ? SOCK_STREAM :
	    SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(u.host, port, &hints, &res)) != 0)
		return output_syslog_error(err, errlen, o->where,
		    gai_strerror(rc));
	for (ai = res; ai != NULL && o->naddr < OUTPUT_SYSLOG_MAX_ADDRS;
	    ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof(o->addr[0]))
			continue;
		memcpy(&o->addr[o->naddr], ai->ai_addr, ai->ai_addrlen);
		o->addrlen[o->naddr++] = ai->ai_addrlen;
	}
	freeaddrinfo(res);
	if (o->naddr == 0)
		return output_syslog_error(err, errlen, o->where,
		    "no address");
	return 0;
}

static int
output_syslog_printable(const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (s[i] < 33 || s[i] > 126 || i == max)
			return 0;
	return i > 0;
}

struct output_syslog *
output_syslog_open(const struct output_syslog_conf *c, char *err,
    size_t errlen)
{
	struct output_syslog *o;
	const char *ident = c->ident != NULL ? c->ident :
	    OUTPUT_SYSLOG_IDENT_DEFAULT;
	size_t i, def;

	if ((o = calloc(1, sizeof(*o))) == NULL) {
		output_syslog_error(err, errlen, "memory", strerror(errno));
		return NULL;
	}
	o->fd = -1;
	o->format = c->format;
	o->backoff_us = OUTPUT_SYSLOG_BACKOFF_MIN_US;
	if ((c->facility & ~LOG_FACMASK) != 0 ||
	    LOG_FAC(c->facility) >= LOG_NFACILITIES) {
		output_syslog_error(err, errlen, "facility", "not a facility");
		goto fail;
	}
	o->facility = c->facility;
	if (!output_syslog_printable(ident, OUTPUT_SYSLOG_APP_MAX)) {
		output_syslog_error(err, errlen, "ident",
		    "1 to 48 printable characters, no spaces");
		goto fail;
	}
	snprintf(o->ident, sizeof(o->ident), "%s", ident);
	if (c->hostname != NULL)
		snprintf(o->hostname, sizeof(o->hostname), "%s", c->hostname);
	else if (gethostname(o->hostname, sizeof(o->hostname) - 1) != 0)
		o->hostname[0] = '\0';
	o->hostname[sizeof(o->hostname) - 1] = '\0';
	for (i = 0; o->hostname[i] != '\0'; i++)
		if (o->hostname[i] < 33 || o->hostname[i] > 126)
			o->hostname[i] = '_';
	if (o->hostname[0] == '\0')
		snprintf(o->hostname, sizeof(o->hostname), "-");
	snprintf(o->version, sizeof(o->version), "%s",
	    c->version != NULL ? c->version : PACKAGE_VERSION);
	snprintf(o->procid, sizeof(o->procid), "%ld", (long)getpid());

	if (c->remote == NULL) {
		o->transport = OUTPUT_SYSLOG_LOCAL;
		snprintf(o->where, sizeof(o->where), "local");
		def = OUTPUT_SYSLOG_LOCAL_MAX;
		o->st.connected = 1;
	} else {
		if (output_syslog_resolve(o, c->remote, err, errlen) != 0)
			goto fail;
		def = o->transport == OUTPUT_SYSLOG_TCP ?
		    OUTPUT_SYSLOG_TCP_MAX : OUTPUT_SYSLOG_UDP_MAX;
	}
	o->max_msg = c->max_msg != 0 ? c->max_msg : def;
	if (o->max_msg < OUTPUT_SYSLOG_MSG_MIN ||
	    o->max_msg > OUTPUT_SYSLOG_MSG_LIMIT) {
		output_syslog_error(err, errlen, o->where,
		    "message size out of range (480-65000)");
		goto fail;
	}
	if ((o->scratch = malloc(OUTPUT_SYSLOG_PREFIX + o->max_msg + 1)) ==
	    NULL) {
		output_syslog_error(err, errlen, "memory", strerror(errno));
		goto fail;
	}
	if (o->transport == OUTPUT_SYSLOG_LOCAL) {
		/* the ident only: facility 0 keeps the default facility
		 * (log.c's), each message names its own */
		snprintf(output_syslog_openlog_ident,
		    sizeof(output_syslog_openlog_ident), "%s", o->ident);
		openlog(output_syslog_openlog_ident, LOG_PID | LOG_NDELAY, 0);
		return o;
	}
	o->qcap = c->queue_msgs != 0 ? c->queue_msgs : OUTPUT_SYSLOG_QUEUE_MSGS;
	o->qbytes_max = c->queue_bytes != 0 ? c->queue_bytes :
	    OUTPUT_SYSLOG_QUEUE_BYTES;
	if ((o->q = calloc(o->qcap, sizeof(o->q[0]))) == NULL) {
		output_syslog_error(err, errlen, "memory", strerror(errno));
		goto fail;
	}
	if (o->transport == OUTPUT_SYSLOG_UDP) {
		o->fd = socket(o->addr[0].ss_family, SOCK_DGRAM |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (o->fd == -1) {
			output_syslog_error(err, errlen, o->where,
			    strerror(errno));
			goto fail;
		}
		o->st.connected = 1;
	}
	/* TCP: the first poll or write connects (next_try_us is 0) */
	return o;
fail:
	if (o->fd != -1)
		close(o->fd);
	free(o->q);
	free(o->scratch);
	free(o);
	return NULL;
}

static int64_t
output_syslog_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
output_syslog_wait(struct output_syslog *o, short events, int64_t deadline)
{
	struct pollfd pfd = { o->fd, events, 0 };
	int64_t left = deadline - output_syslog_mono_ms();

	if (left > 0)
		poll(&pfd, 1, left > 100 ? 100 : (int)left);
}

/* Delivers the queue within OUTPUT_SYSLOG_CLOSE_WAIT_MS of wall time. */
static void
output_syslog_flush(struct output_syslog *o, uint64_t now_us)
{
	int64_t deadline = output_syslog_mono_ms() +
	    OUTPUT_SYSLOG_CLOSE_WAIT_MS;
	int tries = 2;
	char b[512];
	ssize_t n;

	while (output_syslog_mono_ms() < deadline) {
		if (o->transport == OUTPUT_SYSLOG_TCP &&
		    o->state == OUTPUT_SYSLOG_DOWN) {
			if (o->qlen == 0 || tries-- == 0)
				break;
			output_syslog_connect(o, now_us);	/* at once */
			continue;
		}
		if (o->state == OUTPUT_SYSLOG_CONNECTING) {
			output_syslog_wait(o, POLLOUT, deadline);
			output_syslog_connect_check(o, now_us);
			continue;
		}
		output_syslog_drain(o, now_us);
		if (o->qlen == 0 || o->fd == -1)
			break;
		output_syslog_wait(o, POLLOUT, deadline);
	}
	if (o->transport != OUTPUT_SYSLOG_TCP || o->state != OUTPUT_SYSLOG_UP ||
	    o->qlen != 0)
		return;
	/* all written: end our side and wait for the receiver to read to
	 * the end and close, so nothing is left in its socket buffer */
	shutdown(o->fd, SHUT_WR);
	while (output_syslog_mono_ms() < deadline) {
		output_syslog_wait(o, POLLIN, deadline);
		n = recv(o->fd, b, sizeof(b), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN &&
		    errno != EWOULDBLOCK && errno != EINTR))
			break;
	}
}

void
output_syslog_close(struct output_syslog *o, uint64_t now_us,
    struct output_syslog_stats *final)
{
	if (o == NULL)
		return;
	if (o->transport != OUTPUT_SYSLOG_LOCAL)
		output_syslog_flush(o, now_us);
	if (o->qlen > 0) {
		o->st.dropped_close += o->qlen;
		log_warnx("syslog %s: %zu messages not delivered at exit",
		    o->where, o->qlen);
	}
	while (o->qlen > 0)
		output_syslog_pop(o);
	if (o->fd != -1)
		close(o->fd);
	o->st.connected = 0;
	if (final != NULL)
		*final = o->st;
	free(o->q);
	free(o->scratch);
	free(o);
}

const struct output_syslog_stats *
output_syslog_stats(const struct output_syslog *o)
{
	return &o->st;
}
