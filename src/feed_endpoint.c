/*
 * feed_endpoint.c - endpoint records into normalised events; the line
 * reader.  See feed_endpoint.h.
 *
 * Untrusted bytes are first scanned with a bounded cursor (BOM, first
 * character, nesting depth), then handed to jansson with a size cap; every
 * field is then read through helpers that check the JSON type and copy
 * into fixed buffers.  Nothing here trusts a record to have the fields its
 * shape promises.
 *
 * Sysmon's Source and Destination need care (checked on the OTRF and
 * Winlogbeat samples): for TCP, Sysmon reports the initiator as Source
 * whether Initiated is true or false (an accepting server's record has the
 * remote client as Source), so Initiated only says which end is local.
 * For UDP, Source is the local socket; with Initiated=false the remote end
 * is usually the client (a DNS server's reply, an SSDP listener on
 * 239.255.255.250:1900), but not always (a DNS client's own query flagged
 * Initiated=false), so the ports decide and the event says it guessed.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cursor.h"
#include "feed_endpoint.h"
#include "hash.h"
#include "ilist.h"

#define NONE	ILIST_NONE

/* What the record parsers return besides an enum feed_skip reason. */
#define PARSE_EVENT	(-1)	/* *ev is an event */
#define PARSE_CONSUMED	(-2)	/* fed the ProcessGuid cache, no event */

/* ---- names -------------------------------------------------------------- */

const char *
feed_skip_str(enum feed_skip s)
{
	static const char *const names[FEED_SKIP_MAX] = {
		"not_json", "malformed", "too_deep", "oversized",
		"batch_overflow", "unknown_shape", "not_network", "bad_field",
		"transport"
	};

	return (unsigned)s < FEED_SKIP_MAX ? names[s] : "?";
}

const char *
endpoint_source_str(enum endpoint_source s)
{
	static const char *const names[ENDPOINT_SOURCE_MAX] = {
		"none", "sysmon", "defender", "osquery"
	};

	return (unsigned)s < ENDPOINT_SOURCE_MAX ? names[s] : "?";
}

const char *
endpoint_shape_str(enum endpoint_shape s)
{
	static const char *const names[ENDPOINT_SHAPE_MAX] = {
		"none", "sysmon_flat", "winlogbeat", "defender_row",
		"defender_stream", "osquery"
	};

	return (unsigned)s < ENDPOINT_SHAPE_MAX ? names[s] : "?";
}

/* ---- the ProcessGuid cache ---------------------------------------------- */

struct pcache_entry {
	char		guid[ENDPOINT_ENTITY_MAX];
	char		cmdline[ENDPOINT_CMDLINE_MAX];
	char		user[ENDPOINT_USER_MAX];
	char		domain[ENDPOINT_USER_MAX];
	uint32_t	hash;
	uint32_t	hnext;
	struct ilink	fifo;		/* oldest insertion first */
	uint8_t		used;
	uint8_t		truncated;
};

struct feed_endpoint {
	/* the loaded input */
	json_t			*root;
	json_t			*list;		/* array of records, or NULL */
	json_t			*outer;		/* osquery snapshot: the envelope */
	size_t			 idx, n;

	/* the ProcessGuid cache */
	struct pcache_entry	*pc;
	uint32_t		*buckets;
	uint32_t		 nbuckets, max, next_unused;
	struct ilist		 fifo;
	struct iarray		 arr;
	struct hash_key		 key;

	struct feed_endpoint_counters st;
};

struct feed_endpoint *
feed_endpoint_create(size_t cache_entries)
{
	struct feed_endpoint *fe;
	uint32_t nb, i;

	if (cache_entries == 0)
		cache_entries = FEED_PROC_CACHE_DEFAULT;
	if (cache_entries >= NONE / 4)
		return NULL;
	if ((fe = calloc(1, sizeof(*fe))) == NULL)
		return NULL;
	fe->max = (uint32_t)cache_entries;
	for (nb = 1; nb < fe->max; nb <<= 1)
		;
	fe->nbuckets = nb;
	fe->pc = calloc(fe->max, sizeof(*fe->pc));
	fe->buckets = malloc((size_t)nb * sizeof(*fe->buckets));
	if (fe->pc == NULL || fe->buckets == NULL) {
		feed_endpoint_destroy(fe);
		return NULL;
	}
	for (i = 0; i < nb; i++)
		fe->buckets[i] = NONE;
	ilist_init(&fe->fifo);
	fe->arr = (struct iarray){ fe->pc, sizeof(*fe->pc),
	    offsetof(struct pcache_entry, fifo),
	    offsetof(struct pcache_entry, hnext) };
	(void)hash_key_random(&fe->key);
	return fe;
}

void
feed_endpoint_destroy(struct feed_endpoint *fe)
{
	if (fe == NULL)
		return;
	json_decref(fe->root);
	free(fe->pc);
	free(fe->buckets);
	free(fe);
}

const struct feed_endpoint_counters *
feed_endpoint_counters(const struct feed_endpoint *fe)
{
	return &fe->st;
}

void
feed_endpoint_count_skip(struct feed_endpoint *fe, enum feed_skip why)
{
	if ((unsigned)why < FEED_SKIP_MAX)
		fe->st.skipped[why]++;
}

static uint32_t
pcache_find(const struct feed_endpoint *fe, const char *guid, uint32_t *hp)
{
	uint32_t h, i;

	h = (uint32_t)hash_bytes(&fe->key, guid, strlen(guid));
	*hp = h;
	for (i = fe->buckets[h & (fe->nbuckets - 1)]; i != NONE;
	    i = fe->pc[i].hnext)
		if (fe->pc[i].hash == h && strcmp(fe->pc[i].guid, guid) == 0)
			return i;
	return NONE;
}

static void
pcache_put(struct feed_endpoint *fe, const char *guid, const char *cmdline,
    const char *user, const char *domain, uint8_t truncated)
{
	struct pcache_entry *e;
	uint32_t h, i;

	if (guid[0] == '\0')
		return;
	if ((i = pcache_find(fe, guid, &h)) == NONE) {
		if (fe->next_unused < fe->max)
			i = fe->next_unused++;
		else {
			i = fe->fifo.head;
			ichain_remove(&fe->buckets[fe->pc[i].hash &
			    (fe->nbuckets - 1)], &fe->arr, i);
			ilist_unlink(&fe->fifo, &fe->arr, i);
			fe->st.cache_evicted++;
		}
		e = &fe->pc[i];
		memset(e, 0, sizeof(*e));
		e->fifo.prev = e->fifo.next = NONE;
		memcpy(e->guid, guid, strlen(guid) + 1);
		e->hash = h;
		e->used = 1;
		ichain_insert(&fe->buckets[h & (fe->nbuckets - 1)], &fe->arr,
		    i);
		ilist_append(&fe->fifo, &fe->arr, i);
	}
	e = &fe->pc[i];
	/* the fields are the same size as the event's */
	memcpy(e->cmdline, cmdline, strlen(cmdline) + 1);
	memcpy(e->user, user, strlen(user) + 1);
	memcpy(e->domain, domain, strlen(domain) + 1);
	e->truncated = truncated;
}

/* Fills the command line (and the user when the record had none) of ev
 * from the cache. */
static void
pcache_fill(struct feed_endpoint *fe, struct endpoint_event *ev)
{
	const struct pcache_entry *e;
	uint32_t h, i;

	if (ev->entity_id[0] == '\0')
		return;
	if ((i = pcache_find(fe, ev->entity_id, &h)) == NONE) {
		fe->st.cache_misses++;
		return;
	}
	fe->st.cache_hits++;
	e = &fe->pc[i];
	memcpy(ev->cmdline, e->cmdline, strlen(e->cmdline) + 1);
	if (ev->user[0] == '\0') {
		memcpy(ev->user, e->user, strlen(e->user) + 1);
		memcpy(ev->domain, e->domain, strlen(e->domain) + 1);
	}
	ev->truncated |= e->truncated;
}

/* ---- strings, numbers, times, addresses --------------------------------- */

/* Copies s[0..len) into dst (cap bytes, NUL-terminated), cutting on a UTF-8
 * character boundary; sets *trunc when cut. */
static void
copy_str(char *dst, size_t cap, const char *s, size_t len, uint8_t *trunc)
{
	size_t n = len;

	if (n > cap - 1) {
		n = cap - 1;
		while (n > 0 && ((uint8_t)s[n] & 0xc0) == 0x80)
			n--;
		*trunc = 1;
	}
	if (n > 0)
		memcpy(dst, s, n);
	dst[n] = '\0';
}

static void
lower_ascii(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static int
ci_equal(const char *a, size_t alen, const char *b)
{
	size_t i, blen = strlen(b);

	if (alen != blen)
		return 0;
	for (i = 0; i < alen; i++) {
		char x = a[i], y = b[i];

		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return 0;
	}
	return 1;
}

static int
ci_prefix(const char *a, size_t alen, const char *prefix)
{
	size_t n = strlen(prefix);

	return alen >= n && ci_equal(a, n, prefix);
}

static int
ci_contains(const char *a, size_t alen, const char *needle)
{
	size_t i, n = strlen(needle);

	for (i = 0; n <= alen && i <= alen - n; i++)
		if (ci_equal(a + i, n, needle))
			return 1;
	return 0;
}

/* Reads up to maxdigits decimal digits; returns the count read. */
static size_t
cur_digits(struct cur *c, size_t maxdigits, uint64_t *v)
{
	const uint8_t *p;
	size_t n = 0;

	*v = 0;
	while (n < maxdigits && (p = cur_peek(c)) != NULL && *p >= '0' &&
	    *p <= '9') {
		*v = *v * 10 + (uint64_t)(*p - '0');
		cur_skip(c, 1);
		n++;
	}
	return n;
}

static int
cur_expect(struct cur *c, char ch)
{
	const uint8_t *p = cur_peek(c);

	if (p == NULL || *p != (uint8_t)ch)
		return cur_fail(c);
	cur_skip(c, 1);
	return 1;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's
 * civil-from-days algorithm, run backwards). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int
feed_parse_time(const char *s, size_t len, uint64_t *us)
{
	static const unsigned mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };
	struct cur c;
	const uint8_t *p;
	uint64_t y, mo, d, h, mi, sec, frac = 0, v, oh, om;
	int64_t t, days;
	size_t n, i;

	cur_init(&c, (const uint8_t *)s, len);
	/* all digits: seconds since the epoch (osquery columns.time) */
	if (cur_digits(&c, 12, &v) == len && len > 0) {
		*us = v * 1000000;
		return 0;
	}
	cur_init(&c, (const uint8_t *)s, len);
	if (cur_digits(&c, 4, &y) != 4 || !cur_expect(&c, '-') ||
	    cur_digits(&c, 2, &mo) != 2 || !cur_expect(&c, '-') ||
	    cur_digits(&c, 2, &d) != 2)
		return -1;
	if ((p = cur_peek(&c)) == NULL || (*p != 'T' && *p != 't' &&
	    *p != ' '))
		return -1;
	cur_skip(&c, 1);
	if (cur_digits(&c, 2, &h) != 2 || !cur_expect(&c, ':') ||
	    cur_digits(&c, 2, &mi) != 2 || !cur_expect(&c, ':') ||
	    cur_digits(&c, 2, &sec) != 2)
		return -1;
	if ((p = cur_peek(&c)) != NULL && (*p == '.' || *p == ',')) {
		cur_skip(&c, 1);
		n = cur_digits(&c, 9, &v);
		if (n == 0)
			return -1;
		for (frac = v, i = n; i < 6; i++)
			frac *= 10;
		for (; i > 6; i--)
			frac /= 10;
		/* more than 9 digits: ignore the rest */
		while ((p = cur_peek(&c)) != NULL && *p >= '0' && *p <= '9')
			cur_skip(&c, 1);
	}
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 60)
		return -1;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)))
		return -1;
	days = days_from_civil((int64_t)y, (unsigned)mo, (unsigned)d);
	t = days * 86400 + (int64_t)(h * 3600 + mi * 60 + sec);
	if ((p = cur_peek(&c)) != NULL) {
		if (*p == 'Z' || *p == 'z') {
			cur_skip(&c, 1);
		} else if (*p == '+' || *p == '-') {
			int neg = *p == '-';

			cur_skip(&c, 1);
			if (cur_digits(&c, 2, &oh) != 2)
				return -1;
			if ((p = cur_peek(&c)) != NULL && *p == ':')
				cur_skip(&c, 1);
			if (cur_digits(&c, 2, &om) != 2 || oh > 23 || om > 59)
				return -1;
			t += (neg ? 1 : -1) * (int64_t)(oh * 3600 + om * 60);
		} else
			return -1;
	}
	if (!cur_ok(&c) || cur_left(&c) != 0 || t < 0)
		return -1;
	*us = (uint64_t)t * 1000000 + frac;
	return 0;
}

int
feed_parse_addr(const char *s, size_t len, struct endpoint_addr *a)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	char buf[INET6_ADDRSTRLEN + 8];
	const char *pct;
	size_t n = len;

	if (s == NULL)
		return -1;
	if ((pct = memchr(s, '%', len)) != NULL)	/* fe80::1%12 */
		n = (size_t)(pct - s);
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, buf, a->ip) == 1) {
		a->family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, a->ip) != 1)
		return -1;
	if (memcmp(a->ip, mapped, 12) == 0) {
		memmove(a->ip, a->ip + 12, 4);
		memset(a->ip + 4, 0, 12);
		a->family = 4;
	} else
		a->family = 6;
	return 0;
}

/* ---- JSON access -------------------------------------------------------- */

/* The value at a dotted path: the literal key first (flattened ECS such as
 * "source.ip"), then the nested objects. */
static json_t *
jpath(const json_t *obj, const char *path)
{
	const char *dot;
	json_t *v, *sub;
	char head[64];
	size_t n;

	if (obj == NULL || !json_is_object(obj))
		return NULL;
	if ((v = json_object_get(obj, path)) != NULL)
		return v;
	if ((dot = strchr(path, '.')) == NULL)
		return NULL;
	n = (size_t)(dot - path);
	if (n >= sizeof(head))
		return NULL;
	memcpy(head, path, n);
	head[n] = '\0';
	if ((sub = json_object_get(obj, head)) == NULL)
		return NULL;
	return jpath(sub, dot + 1);
}

/* The string at path, its length in *len; NULL when absent, not a string,
 * or empty. */
static const char *
jstr(const json_t *obj, const char *path, size_t *len)
{
	json_t *v = jpath(obj, path);

	if (v == NULL || !json_is_string(v) || json_string_length(v) == 0)
		return NULL;
	*len = json_string_length(v);
	return json_string_value(v);
}

/* An unsigned integer no larger than max from a JSON number (integral) or
 * a string of digits.  Returns 0, or -1. */
static int
jnum_value(const json_t *v, uint64_t max, uint64_t *out)
{
	struct cur c;
	const char *s;
	uint64_t x;
	double d;
	size_t len;

	if (v == NULL)
		return -1;
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0 ||
		    (uint64_t)json_integer_value(v) > max)
			return -1;
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (json_is_real(v)) {
		d = json_real_value(v);
		if (!(d >= 0 && d <= (double)max) || d != (double)(uint64_t)d)
			return -1;
		*out = (uint64_t)d;
		return 0;
	}
	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	len = json_string_length(v);
	cur_init(&c, (const uint8_t *)s, len);
	if (len == 0 || len > 19 || cur_digits(&c, 19, &x) != len || x > max)
		return -1;
	*out = x;
	return 0;
}

static int
jnum(const json_t *obj, const char *path, uint64_t max, uint64_t *out)
{
	return jnum_value(jpath(obj, path), max, out);
}

/* A JSON true/false or the strings "true"/"false".  Returns 1, 0, or -1
 * when absent or neither. */
static int
jbool(const json_t *obj, const char *path)
{
	json_t *v = jpath(obj, path);
	const char *s;
	size_t len;

	if (v == NULL)
		return -1;
	if (json_is_boolean(v))
		return json_is_true(v);
	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	len = json_string_length(v);
	if (ci_equal(s, len, "true"))
		return 1;
	if (ci_equal(s, len, "false"))
		return 0;
	return -1;
}

static int
jaddr(const json_t *obj, const char *path, struct endpoint_addr *a)
{
	const char *s;
	size_t len;

	if ((s = jstr(obj, path, &len)) == NULL)
		return -1;
	return feed_parse_addr(s, len, a);
}

static int
jport(const json_t *obj, const char *path, uint16_t *port)
{
	uint64_t v;

	if (jnum(obj, path, 65535, &v) == -1)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static int
jtime(const json_t *obj, const char *path, uint64_t *us)
{
	const char *s;
	size_t len;

	if ((s = jstr(obj, path, &len)) == NULL)
		return -1;
	return feed_parse_time(s, len, us);
}

/* Copies the string at path into dst; leaves dst empty when absent or "-"
 * (Sysmon's "no value"). */
static void
jcopy(const json_t *obj, const char *path, char *dst, size_t cap,
    uint8_t *trunc)
{
	const char *s;
	size_t len;

	dst[0] = '\0';
	if ((s = jstr(obj, path, &len)) == NULL || (len == 1 && s[0] == '-'))
		return;
	copy_str(dst, cap, s, len, trunc);
}

/* ---- event pieces ------------------------------------------------------- */

static void
set_host(struct endpoint_event *ev, const char *s, size_t len)
{
	if (s == NULL)
		return;
	if (len > 0 && s[len - 1] == '.')
		len--;
	copy_str(ev->host, sizeof(ev->host), s, len, &ev->truncated);
	lower_ascii(ev->host);
}

/* The file name part of a path (either separator). */
static void
set_process_from_path(struct endpoint_event *ev)
{
	const char *p = ev->executable, *q;

	for (q = p; *q != '\0'; q++)
		if (*q == '\\' || *q == '/')
			p = q + 1;
	copy_str(ev->process, sizeof(ev->process), p, strlen(p),
	    &ev->truncated);
}

/* "DOMAIN\name" into domain and user. */
static void
set_user_split(struct endpoint_event *ev, const char *s, size_t len)
{
	const char *bs;

	if (s == NULL || (len == 1 && s[0] == '-'))
		return;
	if ((bs = memchr(s, '\\', len)) != NULL) {
		copy_str(ev->domain, sizeof(ev->domain), s, (size_t)(bs - s),
		    &ev->truncated);
		copy_str(ev->user, sizeof(ev->user), bs + 1,
		    len - (size_t)(bs - s) - 1, &ev->truncated);
	} else
		copy_str(ev->user, sizeof(ev->user), s, len, &ev->truncated);
}

/* IPPROTO_TCP, IPPROTO_UDP from "tcp", "Udp", "TcpV4", "6", "17"; 0 for
 * anything else. */
static int
parse_transport(const char *s, size_t len)
{
	if (s == NULL)
		return 0;
	if (ci_prefix(s, len, "tcp") || (len == 1 && s[0] == '6'))
		return IPPROTO_TCP;
	if (ci_prefix(s, len, "udp") || (len == 2 && s[0] == '1' &&
	    s[1] == '7'))
		return IPPROTO_UDP;
	return 0;
}

/* Whether port a looks like the service end of a flow whose other end is
 * port b: a well-known port against one that is not, then a port outside
 * the ephemeral ranges (Linux 32768-60999, Windows 49152-65535) against
 * one inside, then the lower port.  dflt on a tie. */
static int
port_is_server(uint16_t a, uint16_t b, int dflt)
{
	if ((a < 1024) != (b < 1024))
		return a < 1024;
	if ((a >= 32768) != (b >= 32768))
		return b >= 32768;
	if (a != b)
		return a < b;
	return dflt;
}

/* Sets the flow from the local and remote ends: local_is_client 1 or 0,
 * or -1 to let the ports decide (remote_default: the remote end is the
 * client on a tie). */
static void
set_flow(struct endpoint_event *ev, const struct endpoint_addr *l,
    uint16_t lport, const struct endpoint_addr *r, uint16_t rport,
    int local_is_client, int remote_default)
{
	if (local_is_client < 0) {
		ev->side_guessed = 1;
		local_is_client = !port_is_server(lport, rport,
		    remote_default);
	}
	ev->family = l->family;
	if (local_is_client) {
		memcpy(ev->client, l->ip, 16);
		memcpy(ev->server, r->ip, 16);
		ev->cport = lport;
		ev->sport = rport;
		ev->local = ENDPOINT_SIDE_CLIENT;
	} else {
		memcpy(ev->client, r->ip, 16);
		memcpy(ev->server, l->ip, 16);
		ev->cport = rport;
		ev->sport = lport;
		ev->local = ENDPOINT_SIDE_SERVER;
	}
}

/* "...\r\nProcessId: 1234\r\n..." in a Sysmon Message: NXLog's field names
 * are case-insensitive, so its header ProcessID (the Sysmon service) can
 * hide the event's ProcessId. */
static int
message_pid(const json_t *obj, uint32_t *pid)
{
	static const char key[] = "\nProcessId: ";
	const char *s, *p;
	struct cur c;
	uint64_t v;
	size_t len;

	if ((s = jstr(obj, "Message", &len)) == NULL ||
	    (p = memmem(s, len, key, sizeof(key) - 1)) == NULL)
		return -1;
	p += sizeof(key) - 1;
	cur_init(&c, (const uint8_t *)p, len - (size_t)(p - s));
	if (cur_digits(&c, 10, &v) == 0 || v > UINT32_MAX)
		return -1;
	*pid = (uint32_t)v;
	return 0;
}

/*
 * Sysmon QueryResults: "type:  5 name;" entries (CNAMEs; other types are
 * passed over) and addresses, IPv4 often as "::ffff:a.b.c.d", each ended
 * by ';'.
 */
static void
parse_query_results(struct endpoint_event *ev, const char *s, size_t len)
{
	struct cur c, tok;
	const uint8_t *p;
	const uint8_t *semi;
	struct endpoint_addr a;
	uint64_t type;

	cur_init(&c, (const uint8_t *)s, len);
	while ((p = cur_peek(&c)) != NULL) {
		semi = memchr(p, ';', cur_left(&c));
		tok = cur_sub(&c, semi != NULL ? (size_t)(semi - p) :
		    cur_left(&c));
		if (semi != NULL)
			cur_skip(&c, 1);
		while ((p = cur_peek(&tok)) != NULL && *p == ' ')
			cur_skip(&tok, 1);
		if (cur_left(&tok) == 0)
			continue;
		if (cur_left(&tok) >= 5 && memcmp(cur_peek(&tok), "type:",
		    5) == 0) {
			cur_skip(&tok, 5);
			while ((p = cur_peek(&tok)) != NULL && *p == ' ')
				cur_skip(&tok, 1);
			if (cur_digits(&tok, 5, &type) == 0 || type != 5)
				continue;
			while ((p = cur_peek(&tok)) != NULL && *p == ' ')
				cur_skip(&tok, 1);
			if (cur_left(&tok) == 0)
				continue;
			if (ev->dns_ncnames >= ENDPOINT_DNS_CNAMES) {
				ev->truncated = 1;
				continue;
			}
			copy_str(ev->dns_cnames[ev->dns_ncnames],
			    ENDPOINT_HOST_MAX, (const char *)cur_peek(&tok),
			    cur_left(&tok), &ev->truncated);
			lower_ascii(ev->dns_cnames[ev->dns_ncnames++]);
			continue;
		}
		if (feed_parse_addr((const char *)cur_peek(&tok),
		    cur_left(&tok), &a) == -1)
			continue;
		if (ev->dns_naddrs >= ENDPOINT_DNS_ADDRS) {
			ev->truncated = 1;
			continue;
		}
		ev->dns_addrs[ev->dns_naddrs++] = a;
	}
}

static void
dns_add_addr(struct endpoint_event *ev, const char *s, size_t len)
{
	struct endpoint_addr a;

	if (s == NULL || feed_parse_addr(s, len, &a) == -1)
		return;
	if (ev->dns_naddrs >= ENDPOINT_DNS_ADDRS) {
		ev->truncated = 1;
		return;
	}
	ev->dns_addrs[ev->dns_naddrs++] = a;
}

/* ---- Sysmon: flat (NXLog, OTRF) and Winlogbeat -------------------------- */

/*
 * A Sysmon record seen through two sets of names: ECS paths (Winlogbeat's
 * sysmon processor) in ecs, the event's own names in flat (the record
 * itself for the flat shape, winlog.event_data for Winlogbeat).  Either may
 * be NULL; ECS names win.
 */
struct srec {
	const json_t	*ecs;
	const json_t	*flat;
};

static const json_t *
sget(const struct srec *r, const char *ecs_path, const char *flat_key)
{
	const json_t *v = NULL;

	if (r->ecs != NULL && ecs_path != NULL)
		v = jpath(r->ecs, ecs_path);
	if (v == NULL && r->flat != NULL && flat_key != NULL)
		v = jpath(r->flat, flat_key);
	return v;
}

static const char *
sstr(const struct srec *r, const char *ecs_path, const char *flat_key,
    size_t *len)
{
	const json_t *v = sget(r, ecs_path, flat_key);

	if (v == NULL || !json_is_string(v) || json_string_length(v) == 0)
		return NULL;
	*len = json_string_length(v);
	return json_string_value(v);
}

static void
scopy(const struct srec *r, const char *ecs_path, const char *flat_key,
    char *dst, size_t cap, uint8_t *trunc)
{
	const char *s;
	size_t len;

	dst[0] = '\0';
	if ((s = sstr(r, ecs_path, flat_key, &len)) == NULL ||
	    (len == 1 && s[0] == '-'))
		return;
	copy_str(dst, cap, s, len, trunc);
}

/* The process and user fields every Sysmon event carries. */
static void
sysmon_process(const struct srec *r, struct endpoint_event *ev)
{
	const char *s;
	uint64_t v;
	size_t len;

	scopy(r, "process.entity_id", "ProcessGuid", ev->entity_id,
	    sizeof(ev->entity_id), &ev->truncated);
	scopy(r, "process.executable", "Image", ev->executable,
	    sizeof(ev->executable), &ev->truncated);
	scopy(r, "process.name", NULL, ev->process, sizeof(ev->process),
	    &ev->truncated);
	if (ev->process[0] == '\0')
		set_process_from_path(ev);
	/* only the event's ProcessId: NXLog's header ProcessID is Sysmon's */
	if (jnum_value(sget(r, "process.pid", "ProcessId"), UINT32_MAX,
	    &v) == 0)
		ev->pid = (uint32_t)v;
	else if (r->flat != NULL)
		(void)message_pid(r->flat, &ev->pid);
	if (r->ecs != NULL && (s = jstr(r->ecs, "user.name", &len)) != NULL) {
		copy_str(ev->user, sizeof(ev->user), s, len, &ev->truncated);
		jcopy(r->ecs, "user.domain", ev->domain, sizeof(ev->domain),
		    &ev->truncated);
	} else if (r->flat != NULL && (s = jstr(r->flat, "User", &len)) !=
	    NULL)
		set_user_split(ev, s, len);
}

/* One end of a Sysmon flow: address and port, under either set of names.
 * Returns 0, or -1. */
static int
sysmon_end(const struct srec *r, const char *ecs_ip, const char *flat_ip,
    const char *ecs_port, const char *flat_port, struct endpoint_addr *a,
    uint16_t *port)
{
	const json_t *v = sget(r, ecs_ip, flat_ip);
	uint64_t p;

	if (v == NULL || !json_is_string(v) ||
	    feed_parse_addr(json_string_value(v), json_string_length(v),
	    a) == -1)
		return -1;
	if (jnum_value(sget(r, ecs_port, flat_port), 65535, &p) == -1)
		return -1;
	*port = (uint16_t)p;
	return 0;
}

static int
sysmon_connection(struct feed_endpoint *fe, const struct srec *r,
    struct endpoint_event *ev)
{
	struct endpoint_addr src, dst;
	uint16_t sport, dport;
	const char *s, *dir;
	size_t len, dlen;
	int initiated;

	ev->kind = ENDPOINT_KIND_CONNECTION;
	s = sstr(r, "network.transport", "Protocol", &len);
	if (s == NULL)
		return FEED_SKIP_BAD_FIELD;
	if ((ev->proto = (uint8_t)parse_transport(s, len)) == 0)
		return FEED_SKIP_TRANSPORT;
	if (sysmon_end(r, "source.ip", "SourceIp", "source.port",
	    "SourcePort", &src, &sport) == -1 ||
	    sysmon_end(r, "destination.ip", "DestinationIp",
	    "destination.port", "DestinationPort", &dst, &dport) == -1)
		return FEED_SKIP_BAD_FIELD;
	if (src.family != dst.family)
		return FEED_SKIP_BAD_FIELD;
	/* Initiated: Winlogbeat writes it as network.direction */
	initiated = -1;
	if (r->ecs != NULL &&
	    (dir = jstr(r->ecs, "network.direction", &dlen)) != NULL) {
		if (ci_equal(dir, dlen, "egress") ||
		    ci_equal(dir, dlen, "outbound"))
			initiated = 1;
		else if (ci_equal(dir, dlen, "ingress") ||
		    ci_equal(dir, dlen, "inbound"))
			initiated = 0;
	}
	if (initiated == -1 && r->flat != NULL)
		initiated = jbool(r->flat, "Initiated");
	ev->client_known = 1;
	if (ev->proto == IPPROTO_TCP) {
		/* Source is the initiator either way; Initiated says which
		 * end is this host (unknown: assume the client). */
		set_flow(ev, &src, sport, &dst, dport, 1, 0);
		if (initiated == 0)
			ev->local = ENDPOINT_SIDE_SERVER;
	} else {
		/* UDP: Source is the local socket */
		set_flow(ev, &src, sport, &dst, dport,
		    initiated == 0 ? -1 : 1, 1);
	}
	sysmon_process(r, ev);
	pcache_fill(fe, ev);
	return PARSE_EVENT;
}

static int
sysmon_dns(struct feed_endpoint *fe, const struct srec *r,
    struct endpoint_event *ev)
{
	const json_t *ans, *a;
	const char *s, *t;
	size_t len, tlen, i;

	ev->kind = ENDPOINT_KIND_DNS;
	if ((s = sstr(r, "dns.question.name", "QueryName", &len)) == NULL)
		return FEED_SKIP_BAD_FIELD;
	if (len > 0 && s[len - 1] == '.')
		len--;
	copy_str(ev->dns_query, sizeof(ev->dns_query), s, len,
	    &ev->truncated);
	lower_ascii(ev->dns_query);
	ans = r->ecs != NULL ? jpath(r->ecs, "dns.answers") : NULL;
	if (ans != NULL && json_is_array(ans)) {
		for (i = 0; i < json_array_size(ans) && i < 64; i++) {
			a = json_array_get(ans, i);
			if ((s = jstr(a, "data", &len)) == NULL ||
			    (t = jstr(a, "type", &tlen)) == NULL)
				continue;
			if (ci_equal(t, tlen, "A") || ci_equal(t, tlen, "AAAA"))
				dns_add_addr(ev, s, len);
			else if (ci_equal(t, tlen, "CNAME")) {
				if (ev->dns_ncnames >= ENDPOINT_DNS_CNAMES) {
					ev->truncated = 1;
					continue;
				}
				if (len > 0 && s[len - 1] == '.')
					len--;
				copy_str(ev->dns_cnames[ev->dns_ncnames],
				    ENDPOINT_HOST_MAX, s, len, &ev->truncated);
				lower_ascii(ev->dns_cnames[ev->dns_ncnames++]);
			}
		}
	} else if ((s = sstr(r, NULL, "QueryResults", &len)) != NULL)
		parse_query_results(ev, s, len);
	/* ECS without answers: dns.resolved_ip, or Winlogbeat's grouped */
	if (ev->dns_naddrs == 0 && r->ecs != NULL &&
	    (((ans = jpath(r->ecs, "dns.resolved_ip")) != NULL &&
	    json_is_array(ans)) || ((ans = jpath(r->ecs, "dns.grouped.ip")) !=
	    NULL && json_is_array(ans))))
		for (i = 0; i < json_array_size(ans) && i < 64; i++) {
			a = json_array_get(ans, i);
			if (json_is_string(a))
				dns_add_addr(ev, json_string_value(a),
				    json_string_length(a));
		}
	sysmon_process(r, ev);
	pcache_fill(fe, ev);
	if (ev->dns_naddrs == 0)
		return FEED_SKIP_NOT_NETWORK;	/* nothing to join on */
	return PARSE_EVENT;
}

/* Event 1: remember the command line and user of ProcessGuid. */
static void
sysmon_process_create(struct feed_endpoint *fe, const struct srec *r,
    struct endpoint_event *ev)
{
	sysmon_process(r, ev);
	scopy(r, "process.command_line", "CommandLine", ev->cmdline,
	    sizeof(ev->cmdline), &ev->truncated);
	pcache_put(fe, ev->entity_id, ev->cmdline, ev->user, ev->domain,
	    ev->truncated);
	fe->st.process_creates++;
}

static int
parse_sysmon(struct feed_endpoint *fe, const json_t *rec,
    enum endpoint_shape shape, struct endpoint_event *ev)
{
	struct srec r;
	const char *s;
	uint64_t eid;
	size_t len;

	ev->source = ENDPOINT_SOURCE_SYSMON;
	if (shape == ENDPOINT_SHAPE_SYSMON_FLAT) {
		r.ecs = NULL;
		r.flat = rec;
		if (jnum(rec, "EventID", 0xffff, &eid) == -1)
			return FEED_SKIP_BAD_FIELD;
		if ((s = jstr(rec, "Hostname", &len)) != NULL ||
		    (s = jstr(rec, "Computer", &len)) != NULL ||
		    (s = jstr(rec, "ComputerName", &len)) != NULL)
			set_host(ev, s, len);
	} else {
		const json_t *ed = jpath(rec, "winlog.event_data");

		r.ecs = rec;
		r.flat = ed != NULL && json_is_object(ed) ? ed : NULL;
		if (jnum(rec, "winlog.event_id", 0xffff, &eid) == -1 &&
		    jnum(rec, "event.code", 0xffff, &eid) == -1)
			return FEED_SKIP_BAD_FIELD;
		if ((s = jstr(rec, "host.name", &len)) != NULL ||
		    (s = jstr(rec, "winlog.computer_name", &len)) != NULL)
			set_host(ev, s, len);
	}
	if (eid == 1) {
		sysmon_process_create(fe, &r, ev);
		return PARSE_CONSUMED;	/* consumed, no event */
	}
	if (eid != 3 && eid != 22)
		return FEED_SKIP_NOT_NETWORK;
	/* the event's own time: UtcTime (flat), @timestamp (Winlogbeat's
	 * sysmon processor sets it from UtcTime) */
	if (shape == ENDPOINT_SHAPE_WINLOGBEAT) {
		if (jtime(rec, "@timestamp", &ev->time_us) == -1 &&
		    (r.flat == NULL ||
		    jtime(r.flat, "UtcTime", &ev->time_us) == -1))
			return FEED_SKIP_BAD_FIELD;
	} else if (jtime(rec, "UtcTime", &ev->time_us) == -1)
		return FEED_SKIP_BAD_FIELD;
	return eid == 3 ? sysmon_connection(fe, &r, ev) :
	    sysmon_dns(fe, &r, ev);
}

/* ---- Microsoft Defender DeviceNetworkEvents ----------------------------- */

static int
parse_defender(const json_t *envelope, const json_t *row,
    enum endpoint_shape shape, struct endpoint_event *ev)
{
	struct endpoint_addr l, r;
	uint16_t lport, rport;
	const char *s;
	uint64_t v;
	size_t len;
	int local_is_client;

	ev->source = ENDPOINT_SOURCE_DEFENDER;
	ev->kind = ENDPOINT_KIND_CONNECTION;
	if (shape == ENDPOINT_SHAPE_DEFENDER_STREAM) {
		if ((s = jstr(envelope, "category", &len)) == NULL)
			return FEED_SKIP_BAD_FIELD;
		if (!ci_equal(s, len, "AdvancedHunting-DeviceNetworkEvents"))
			return FEED_SKIP_NOT_NETWORK;
	} else if ((s = jstr(row, "Type", &len)) != NULL &&
	    !ci_equal(s, len, "DeviceNetworkEvents"))
		return FEED_SKIP_NOT_NETWORK;	/* a Sentinel row of another
						   table */
	if ((s = jstr(row, "ActionType", &len)) == NULL)
		return FEED_SKIP_BAD_FIELD;
	if (ci_equal(s, len, "ListeningConnectionCreated"))
		return FEED_SKIP_NOT_NETWORK;
	if (ci_equal(s, len, "InboundConnectionAccepted"))
		local_is_client = 0;
	else if (len > 9 && ci_equal(s + len - 9, 9, "Inspected"))
		local_is_client = -1;	/* NetworkSignatureInspected, ... */
	else
		local_is_client = 1;	/* ConnectionSuccess, ...Failed,
					   ...Request, ...Attempt, ...Found */
	/* Timestamp is the event; the envelope's "time" lags it */
	if (jtime(row, "Timestamp", &ev->time_us) == -1)
		return FEED_SKIP_BAD_FIELD;
	if ((s = jstr(row, "DeviceName", &len)) != NULL)
		set_host(ev, s, len);
	if ((s = jstr(row, "Protocol", &len)) == NULL)
		return FEED_SKIP_BAD_FIELD;
	if ((ev->proto = (uint8_t)parse_transport(s, len)) == 0)
		return FEED_SKIP_TRANSPORT;
	if (jaddr(row, "LocalIP", &l) == -1 || jaddr(row, "RemoteIP", &r) ==
	    -1 || jport(row, "LocalPort", &lport) == -1 ||
	    jport(row, "RemotePort", &rport) == -1 || l.family != r.family ||
	    rport == 0)
		return FEED_SKIP_BAD_FIELD;
	ev->client_known = 1;
	set_flow(ev, &l, lport, &r, rport, local_is_client, 0);
	jcopy(row, "InitiatingProcessFileName", ev->process,
	    sizeof(ev->process), &ev->truncated);
	jcopy(row, "InitiatingProcessFolderPath", ev->executable,
	    sizeof(ev->executable), &ev->truncated);
	if (ev->process[0] == '\0')
		set_process_from_path(ev);
	if (jnum(row, "InitiatingProcessId", UINT32_MAX, &v) == 0)
		ev->pid = (uint32_t)v;
	jcopy(row, "InitiatingProcessCommandLine", ev->cmdline,
	    sizeof(ev->cmdline), &ev->truncated);
	jcopy(row, "InitiatingProcessAccountName", ev->user, sizeof(ev->user),
	    &ev->truncated);
	jcopy(row, "InitiatingProcessAccountDomain", ev->domain,
	    sizeof(ev->domain), &ev->truncated);
	jcopy(row, "InitiatingProcessUniqueId", ev->entity_id,
	    sizeof(ev->entity_id), &ev->truncated);
	if (strcmp(ev->entity_id, "0") == 0)
		ev->entity_id[0] = '\0';
	return PARSE_EVENT;
}

/* ---- osquery ------------------------------------------------------------ */

static int
osq_empty_addr(const char *s, size_t len)
{
	return s == NULL || len == 0 || (len == 7 &&
	    memcmp(s, "0.0.0.0", 7) == 0) || (len == 2 &&
	    memcmp(s, "::", 2) == 0);
}

static int
parse_osquery(const json_t *outer, const json_t *cols,
    struct endpoint_event *ev)
{
	struct endpoint_addr l, r;
	const char *s, *ls, *act;
	uint16_t lport = 0, rport;
	uint64_t v;
	size_t len, llen, alen;
	int local_is_client;

	ev->source = ENDPOINT_SOURCE_OSQUERY;
	if ((s = jstr(outer, "decorations.hostname", &len)) != NULL ||
	    (s = jstr(outer, "hostIdentifier", &len)) != NULL)
		set_host(ev, s, len);
	if ((s = jstr(outer, "action", &len)) != NULL &&
	    ci_equal(s, len, "removed"))
		return FEED_SKIP_NOT_NETWORK;	/* a socket went away */
	/* interface_addresses: the host's own address */
	if (jpath(cols, "remote_address") == NULL) {
		if ((s = jstr(cols, "address", &len)) == NULL ||
		    jpath(cols, "interface") == NULL)
			return FEED_SKIP_NOT_NETWORK;
		if (feed_parse_addr(s, len, &l) == -1)
			return FEED_SKIP_BAD_FIELD;
		if (jnum(outer, "unixTime", UINT32_MAX, &v) == -1)
			return FEED_SKIP_BAD_FIELD;
		ev->kind = ENDPOINT_KIND_HOST_ADDR;
		ev->time_us = v * 1000000;
		ev->time_snapshot = 1;
		ev->family = l.family;
		memcpy(ev->client, l.ip, 16);
		ev->client_known = 1;
		ev->local = ENDPOINT_SIDE_CLIENT;
		return PARSE_EVENT;
	}
	ev->kind = ENDPOINT_KIND_CONNECTION;
	if ((act = jstr(cols, "action", &alen)) != NULL) {
		/* socket_events: an audited syscall at columns.time */
		if (ci_equal(act, alen, "connect"))
			local_is_client = 1;
		else if (ci_equal(act, alen, "accept"))
			local_is_client = 0;
		else
			return FEED_SKIP_NOT_NETWORK;	/* bind, ... */
		if (jnum(cols, "time", UINT32_MAX, &v) == 0)
			ev->time_us = v * 1000000;
		else if (jtime(cols, "time", &ev->time_us) == -1)
			return FEED_SKIP_BAD_FIELD;
	} else {
		/* process_open_sockets: a snapshot at the query's time */
		if ((s = jstr(cols, "state", &len)) != NULL &&
		    ci_equal(s, len, "LISTEN"))
			return FEED_SKIP_NOT_NETWORK;
		if (jnum(outer, "unixTime", UINT32_MAX, &v) == -1)
			return FEED_SKIP_BAD_FIELD;
		ev->time_us = v * 1000000;
		ev->time_snapshot = 1;
		local_is_client = -1;
	}
	/* protocol: 6 or 17, a string unless --logger_numerics; socket_events
	 * rows often lack it (0 or absent): TCP */
	ev->proto = IPPROTO_TCP;
	if (jnum(cols, "protocol", 255, &v) == 0) {
		if (v == IPPROTO_UDP)
			ev->proto = IPPROTO_UDP;
		else if (v != IPPROTO_TCP && v != 0)
			return FEED_SKIP_TRANSPORT;
	} else if ((s = jstr(cols, "protocol", &len)) != NULL &&
	    (ev->proto = (uint8_t)parse_transport(s, len)) == 0)
		return FEED_SKIP_TRANSPORT;
	s = jstr(cols, "remote_address", &len);
	if (osq_empty_addr(s, len))
		return FEED_SKIP_NOT_NETWORK;	/* unconnected */
	if (feed_parse_addr(s, len, &r) == -1 ||
	    jport(cols, "remote_port", &rport) == -1)
		return FEED_SKIP_BAD_FIELD;
	if (rport == 0)
		return FEED_SKIP_NOT_NETWORK;
	ls = jstr(cols, "local_address", &llen);
	if (!osq_empty_addr(ls, llen)) {
		if (feed_parse_addr(ls, llen, &l) == -1 ||
		    jport(cols, "local_port", &lport) == -1 ||
		    l.family != r.family)
			return FEED_SKIP_BAD_FIELD;
		ev->client_known = lport != 0;
	} else {
		/* the audited connect has no local tuple */
		if (local_is_client != 1)
			return FEED_SKIP_BAD_FIELD;
		memset(&l, 0, sizeof(l));
		l.family = r.family;
		ev->client_known = 0;
	}
	if (!ev->client_known && local_is_client == -1)
		return FEED_SKIP_BAD_FIELD;
	set_flow(ev, &l, lport, &r, rport, local_is_client, 0);
	jcopy(cols, "path", ev->executable, sizeof(ev->executable),
	    &ev->truncated);
	set_process_from_path(ev);
	if (ev->process[0] == '\0')
		jcopy(cols, "name", ev->process, sizeof(ev->process),
		    &ev->truncated);
	if (jnum(cols, "pid", UINT32_MAX, &v) == 0)
		ev->pid = (uint32_t)v;
	jcopy(cols, "cmdline", ev->cmdline, sizeof(ev->cmdline),
	    &ev->truncated);
	return PARSE_EVENT;
}

/* ---- shapes and the record loop ----------------------------------------- */

static enum endpoint_shape
detect_shape(const json_t *rec)
{
	const json_t *v;
	const char *s;
	size_t len;

	if (!json_is_object(rec))
		return ENDPOINT_SHAPE_NONE;
	if ((v = json_object_get(rec, "columns")) != NULL &&
	    json_is_object(v) && (json_object_get(rec, "hostIdentifier") !=
	    NULL || json_object_get(rec, "name") != NULL))
		return ENDPOINT_SHAPE_OSQUERY;
	if ((v = json_object_get(rec, "properties")) != NULL &&
	    json_is_object(v) && (s = jstr(rec, "category", &len)) != NULL &&
	    ci_prefix(s, len, "AdvancedHunting-"))
		return ENDPOINT_SHAPE_DEFENDER_STREAM;
	if (json_object_get(rec, "ActionType") != NULL &&
	    (json_object_get(rec, "DeviceName") != NULL ||
	    json_object_get(rec, "DeviceId") != NULL))
		return ENDPOINT_SHAPE_DEFENDER_ROW;
	if ((v = json_object_get(rec, "winlog")) != NULL &&
	    json_is_object(v)) {
		if (((s = jstr(v, "provider_name", &len)) != NULL ||
		    (s = jstr(v, "channel", &len)) != NULL) &&
		    ci_contains(s, len, "sysmon"))
			return ENDPOINT_SHAPE_WINLOGBEAT;
		if ((s = jstr(rec, "event.module", &len)) != NULL &&
		    ci_equal(s, len, "sysmon"))
			return ENDPOINT_SHAPE_WINLOGBEAT;
		return ENDPOINT_SHAPE_NONE;	/* another Windows log */
	}
	if (json_object_get(rec, "EventID") != NULL) {
		if (((s = jstr(rec, "SourceName", &len)) != NULL ||
		    (s = jstr(rec, "Channel", &len)) != NULL ||
		    (s = jstr(rec, "ProviderName", &len)) != NULL))
			return ci_contains(s, len, "sysmon") ?
			    ENDPOINT_SHAPE_SYSMON_FLAT : ENDPOINT_SHAPE_NONE;
		if (json_object_get(rec, "UtcTime") != NULL &&
		    json_object_get(rec, "ProcessGuid") != NULL)
			return ENDPOINT_SHAPE_SYSMON_FLAT;
	}
	return ENDPOINT_SHAPE_NONE;
}

/* Scans for what must hold before jansson sees the bytes: the first
 * character and the nesting depth.  Returns FEED_SKIP_MAX when fine and
 * sets *skip to the BOM's length. */
static int
prescan(const uint8_t *buf, size_t len, size_t *skip)
{
	struct cur c;
	const uint8_t *p;
	unsigned depth = 0;
	int in_str = 0, esc = 0;

	cur_init(&c, buf, len);
	*skip = 0;
	if (cur_left(&c) >= 3 && memcmp(cur_peek(&c), "\xef\xbb\xbf", 3) ==
	    0) {
		cur_skip(&c, 3);
		*skip = 3;
	}
	while ((p = cur_peek(&c)) != NULL && (*p == ' ' || *p == '\t' ||
	    *p == '\r' || *p == '\n'))
		cur_skip(&c, 1);
	if ((p = cur_peek(&c)) == NULL || (*p != '{' && *p != '['))
		return FEED_SKIP_NOT_JSON;
	while (cur_left(&c) > 0) {
		uint8_t ch = cur_u8(&c);

		if (in_str) {
			if (esc)
				esc = 0;
			else if (ch == '\\')
				esc = 1;
			else if (ch == '"')
				in_str = 0;
		} else if (ch == '"')
			in_str = 1;
		else if (ch == '{' || ch == '[') {
			if (++depth > FEED_JSON_MAX_DEPTH)
				return FEED_SKIP_TOO_DEEP;
		} else if ((ch == '}' || ch == ']') && depth > 0)
			depth--;
	}
	return FEED_SKIP_MAX;
}

int
feed_endpoint_load(struct feed_endpoint *fe, const void *buf, size_t len)
{
	json_error_t err;
	json_t *root, *v;
	enum feed_skip why;
	size_t skip, n;

	json_decref(fe->root);
	fe->root = fe->list = fe->outer = NULL;
	fe->idx = fe->n = 0;
	fe->st.inputs++;
	if (len > FEED_DOC_MAX) {
		fe->st.skipped[FEED_SKIP_OVERSIZED]++;
		return 0;
	}
	if ((why = prescan(buf, len, &skip)) != FEED_SKIP_MAX) {
		fe->st.skipped[why]++;
		return 0;
	}
	root = json_loadb((const char *)buf + skip, len - skip,
	    JSON_DECODE_INT_AS_REAL, &err);
	if (root == NULL) {
		fe->st.skipped[json_error_code(&err) ==
		    json_error_stack_overflow ? FEED_SKIP_TOO_DEEP :
		    FEED_SKIP_MALFORMED]++;
		return 0;
	}
	fe->root = root;
	if (json_is_array(root))
		fe->list = root;
	else if ((v = json_object_get(root, "records")) != NULL &&
	    json_is_array(v))
		fe->list = v;		/* Event Hub batch */
	else if ((v = json_object_get(root, "snapshot")) != NULL &&
	    json_is_array(v) && json_object_get(root, "name") != NULL) {
		fe->list = v;		/* osquery snapshot rows */
		fe->outer = root;
	}
	if (fe->list == NULL) {
		fe->n = 1;
		return 1;
	}
	n = json_array_size(fe->list);
	if (n > FEED_BATCH_MAX) {
		fe->st.skipped[FEED_SKIP_BATCH_OVERFLOW] += n - FEED_BATCH_MAX;
		n = FEED_BATCH_MAX;
	}
	fe->n = n;
	return (int)n;
}

/* One record into ev: PARSE_EVENT, PARSE_CONSUMED (a record that feeds
 * the cache), or the enum feed_skip reason it was skipped. */
static int
parse_record(struct feed_endpoint *fe, const json_t *rec,
    struct endpoint_event *ev)
{
	enum endpoint_shape shape;
	const json_t *body, *props;

	memset(ev, 0, sizeof(*ev));
	if (fe->outer != NULL) {
		if (!json_is_object(rec))
			return FEED_SKIP_BAD_FIELD;
		ev->shape = ENDPOINT_SHAPE_OSQUERY;
		return parse_osquery(fe->outer, rec, ev);
	}
	/* Splunk MSCS hands Event Hub messages on as {"body":{...}} */
	if (json_is_object(rec) && (body = json_object_get(rec, "body")) !=
	    NULL && json_is_object(body))
		rec = body;
	shape = detect_shape(rec);
	ev->shape = shape;
	switch (shape) {
	case ENDPOINT_SHAPE_SYSMON_FLAT:
	case ENDPOINT_SHAPE_WINLOGBEAT:
		return parse_sysmon(fe, rec, shape, ev);
	case ENDPOINT_SHAPE_DEFENDER_ROW:
		return parse_defender(rec, rec, shape, ev);
	case ENDPOINT_SHAPE_DEFENDER_STREAM:
		props = json_object_get(rec, "properties");
		return parse_defender(rec, props, shape, ev);
	case ENDPOINT_SHAPE_OSQUERY:
		return parse_osquery(rec, json_object_get(rec, "columns"), ev);
	default:
		return FEED_SKIP_UNKNOWN;
	}
}

int
feed_endpoint_next(struct feed_endpoint *fe, struct endpoint_event *ev)
{
	const json_t *rec;
	int r;

	while (fe->idx < fe->n) {
		rec = fe->list != NULL ? json_array_get(fe->list, fe->idx) :
		    fe->root;
		fe->idx++;
		fe->st.records++;
		r = parse_record(fe, rec, ev);
		if (r == PARSE_CONSUMED)
			continue;
		if (r != PARSE_EVENT) {
			fe->st.skipped[r]++;
			continue;
		}
		switch (ev->kind) {
		case ENDPOINT_KIND_CONNECTION:
			fe->st.connections++;
			break;
		case ENDPOINT_KIND_DNS:
			fe->st.dns++;
			break;
		case ENDPOINT_KIND_HOST_ADDR:
			fe->st.host_addrs++;
			break;
		}
		fe->st.by_shape[ev->shape]++;
		if (ev->truncated)
			fe->st.truncated++;
		return 1;
	}
	if (fe->root != NULL) {
		json_decref(fe->root);
		fe->root = fe->list = fe->outer = NULL;
		fe->idx = fe->n = 0;
	}
	return 0;
}

/* ---- the line reader ---------------------------------------------------- */

struct feed_reader {
	char			*path;
	int			 fd;		/* -1: not open (follow, absent) */
	int			 is_stdin;
	int			 flags;
	int			 eof;		/* no FOLLOW: end of input seen */
	int			 skipping;	/* inside an over-long line */
	int			 flush;		/* hand on a partial last line */
	dev_t			 dev;
	ino_t			 ino;
	uint64_t		 off;		/* bytes read from this file */
	char			*buf;
	size_t			 cap, start, len, line_max;
	/* events */
	int			 fe_pending;	/* fe holds unread records */
	int			 have_ahead;
	struct endpoint_event	*ahead;
	struct feed_reader_counters st;
};

static int
reader_open_file(struct feed_reader *r)
{
	struct stat st;
	int fd;

	if ((fd = open(r->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1) {
		close(fd);
		return -1;
	}
	r->fd = fd;
	r->dev = st.st_dev;
	r->ino = st.st_ino;
	r->off = 0;
	return 0;
}

struct feed_reader *
feed_reader_open(const char *path, int flags, size_t line_max)
{
	struct feed_reader *r;
	off_t end;

	if (path == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if (line_max == 0)
		line_max = FEED_LINE_MAX_DEFAULT;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->fd = -1;
	r->flags = flags;
	r->line_max = line_max;
	r->cap = line_max + FEED_READ_CHUNK;
	r->buf = malloc(r->cap + 1);
	r->ahead = malloc(sizeof(*r->ahead));
	r->path = strdup(path);
	if (r->buf == NULL || r->ahead == NULL || r->path == NULL)
		goto fail;
	if (strcmp(path, "-") == 0) {
		r->is_stdin = 1;
		r->fd = STDIN_FILENO;
		r->flags &= ~(FEED_READER_FOLLOW | FEED_READER_FROM_END);
		return r;
	}
	if (reader_open_file(r) == -1) {
		if (!(flags & FEED_READER_FOLLOW) || errno != ENOENT)
			goto fail;
		return r;	/* opened when it appears */
	}
	if ((flags & FEED_READER_FOLLOW) && (flags & FEED_READER_FROM_END) &&
	    (end = lseek(r->fd, 0, SEEK_END)) > 0)
		r->off = (uint64_t)end;
	return r;
fail:
	{
		int saved = errno;

		feed_reader_close(r);
		errno = saved;
	}
	return NULL;
}

void
feed_reader_close(struct feed_reader *r)
{
	if (r == NULL)
		return;
	if (r->fd >= 0 && !r->is_stdin)
		close(r->fd);
	free(r->path);
	free(r->buf);
	free(r->ahead);
	free(r);
}

const struct feed_reader_counters *
feed_reader_counters(const struct feed_reader *r)
{
	return &r->st;
}

int
feed_reader_done(const struct feed_reader *r)
{
	return r->eof && r->start == r->len && !r->have_ahead &&
	    !r->fe_pending;
}

/* Follow mode at the end of the file: a new file at the path (rotation)
 * or a shorter one (copytruncate).  Returns 1 when the reader switched
 * or rewound, else 0. */
static int
reader_check_rotation(struct feed_reader *r)
{
	struct stat pst, fst;

	if (r->fd < 0) {
		if (reader_open_file(r) == -1)
			return 0;
		r->st.reopened++;
		return 1;
	}
	if (stat(r->path, &pst) == -1)
		return 0;	/* renamed away, not yet recreated */
	if (pst.st_dev != r->dev || pst.st_ino != r->ino) {
		close(r->fd);
		r->fd = -1;
		/* the old file's unterminated last line is complete now, and
		 * an over-long one ended with it */
		if (r->len > r->start)
			r->flush = 1;
		r->skipping = 0;
		if (reader_open_file(r) == -1)
			return 0;
		r->st.reopened++;
		return 1;
	}
	if (fstat(r->fd, &fst) == 0 && (uint64_t)fst.st_size < r->off) {
		if (lseek(r->fd, 0, SEEK_SET) == -1)
			return 0;
		r->off = 0;
		r->st.truncations++;
		r->st.partial_dropped += r->len - r->start;
		r->len = r->start;
		r->skipping = 0;
		return 1;
	}
	return 0;
}

long
feed_reader_poll(struct feed_reader *r)
{
	struct pollfd pfd;
	ssize_t n;
	size_t want;
	int tries;

	if (r->eof)
		return 0;
	if (r->start > 0) {
		if (r->len > r->start)
			memmove(r->buf, r->buf + r->start, r->len - r->start);
		r->len -= r->start;
		r->start = 0;
	}
	if (r->flush)
		return 0;	/* hand on the old file's last line first */
	for (tries = 0; tries < 2; tries++) {
		if (r->fd < 0) {
			if (!reader_check_rotation(r))
				return 0;
		}
		want = r->cap - r->len;
		if (want > FEED_READ_CHUNK)
			want = FEED_READ_CHUNK;
		if (want == 0)
			return 0;
		if (r->is_stdin) {
			pfd.fd = r->fd;
			pfd.events = POLLIN;
			pfd.revents = 0;
			if (poll(&pfd, 1, 0) <= 0)
				return 0;
		}
		n = read(r->fd, r->buf + r->len, want);
		if (n > 0) {
			r->len += (size_t)n;
			r->off += (uint64_t)n;
			r->st.bytes += (uint64_t)n;
			return (long)n;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return 0;
			r->st.read_errors++;
			if (!(r->flags & FEED_READER_FOLLOW))
				r->eof = 1;
			return -1;
		}
		/* end of file */
		if (!(r->flags & FEED_READER_FOLLOW)) {
			r->eof = 1;
			return 0;
		}
		if (!reader_check_rotation(r) || r->flush)
			return 0;
	}
	return 0;
}

/* Trims a trailing '\r', skips blank and over-long lines: 1 when the line
 * is to be handed on. */
static int
reader_take(struct feed_reader *r, char *p, size_t n, const char **line,
    size_t *len)
{
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (n > r->line_max) {
		r->st.oversized++;
		return 0;
	}
	if (n == 0) {
		r->st.blank++;
		return 0;
	}
	p[n] = '\0';
	*line = p;
	*len = n;
	r->st.lines++;
	return 1;
}

int
feed_reader_next_line(struct feed_reader *r, const char **line, size_t *len)
{
	char *p, *nl;
	size_t n;

	for (;;) {
		if (r->start >= r->len) {
			r->flush = 0;
			return 0;
		}
		p = r->buf + r->start;
		n = r->len - r->start;
		nl = memchr(p, '\n', n);
		if (r->skipping) {
			if (nl == NULL) {
				r->start = r->len;
				return 0;
			}
			r->start += (size_t)(nl - p) + 1;
			r->skipping = 0;
			continue;
		}
		if (nl != NULL) {
			r->start += (size_t)(nl - p) + 1;
			if (reader_take(r, p, (size_t)(nl - p), line, len))
				return 1;
			continue;
		}
		if (n > r->line_max) {
			/* no end in sight: drop it up to its newline */
			r->st.oversized++;
			r->skipping = 1;
			r->start = r->len;
			return 0;
		}
		if (r->eof || r->flush) {
			r->start = r->len;
			r->flush = 0;
			return reader_take(r, p, n, line, len);
		}
		return 0;
	}
}

/* Polls at most this many times per call, so that a file of skipped
 * records cannot hold the caller. */
#define FEED_READER_POLLS	16

static int
reader_event(struct feed_reader *r, struct feed_endpoint *fe,
    struct endpoint_event *ev)
{
	const char *line;
	size_t len;
	int polls = 0;

	for (;;) {
		if (r->fe_pending) {
			if (feed_endpoint_next(fe, ev))
				return 1;
			r->fe_pending = 0;
		}
		if (feed_reader_next_line(r, &line, &len)) {
			r->fe_pending = feed_endpoint_load(fe, line, len) > 0;
			continue;
		}
		/* the reader's own skips go into fe's counters too */
		if (polls++ >= FEED_READER_POLLS || feed_reader_poll(r) <= 0) {
			if (feed_reader_next_line(r, &line, &len)) {
				r->fe_pending = feed_endpoint_load(fe, line,
				    len) > 0;
				continue;
			}
			return 0;
		}
	}
}

int
feed_reader_next_event(struct feed_reader *r, struct feed_endpoint *fe,
    struct endpoint_event *ev)
{
	uint64_t before = r->st.oversized;
	int got;

	if (r->have_ahead) {
		memcpy(ev, r->ahead, sizeof(*ev));
		r->have_ahead = 0;
		return 1;
	}
	got = reader_event(r, fe, ev);
	while (before++ < r->st.oversized)
		feed_endpoint_count_skip(fe, FEED_SKIP_OVERSIZED);
	return got;
}

int
feed_reader_peek_time(struct feed_reader *r, struct feed_endpoint *fe,
    uint64_t *us)
{
	uint64_t before = r->st.oversized;

	if (!r->have_ahead) {
		r->have_ahead = reader_event(r, fe, r->ahead);
		while (before++ < r->st.oversized)
			feed_endpoint_count_skip(fe, FEED_SKIP_OVERSIZED);
	}
	if (!r->have_ahead)
		return 0;
	*us = r->ahead->time_us;
	return 1;
}
