/*
 * test_enrich_process.c - the join of endpoint events and connections.
 *
 * The real Sysmon records (OTRF, tests/data/feeds) give each join level a
 * real case: the Empire beacon by its exact 5-tuple, loopback connections
 * whose two ends both have records, a client port the sensor saw
 * differently (partial), a connection Sysmon missed but whose server the
 * process had resolved (dns), and a later check-in (inferred); the
 * Defender row gives the day-long sticky attribution.  Crafted events
 * cover two processes on one server, NAT, the time windows, pending vs
 * final answers, bounded tables and expiry.
 */
#include "config.h"

#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testdata.h"

#include "enrich_process.h"
#include "feed_endpoint.h"
#include "hash.h"

#define US	1000000ull

static const struct hash_key test_key = { 0x0706050403020100ull,
    0x0f0e0d0c0b0a0908ull };

/* tests/data/feeds/name, whole. */
static char *
load(const char *name, size_t *lenp)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "data/feeds/%s", name);
	return testdata_load(rel, 1 << 20, lenp);
}

static uint64_t
t_us(const char *s)
{
	uint64_t us = 0;

	assert_int_equal(feed_parse_time(s, strlen(s), &us), 0);
	return us;
}

static void
ip(const char *s, uint8_t *family, uint8_t out[16])
{
	struct endpoint_addr a;

	assert_int_equal(feed_parse_addr(s, strlen(s), &a), 0);
	*family = a.family;
	memcpy(out, a.ip, 16);
}

static void
mkconn(struct conn *c, int proto, const char *src, uint16_t sport,
    const char *dst, uint16_t dport, uint64_t start, uint64_t end)
{
	uint8_t f2;

	memset(c, 0, sizeof(*c));
	c->proto = (uint8_t)proto;
	ip(src, &c->family, c->src);
	ip(dst, &f2, c->dst);
	assert_int_equal(c->family, f2);
	c->sport = sport;
	c->dport = dport;
	c->start_us = start;
	c->end_us = end;
}

static void
mkev(struct endpoint_event *ev, enum endpoint_source src, const char *host,
    uint64_t t, const char *cli, uint16_t cport, const char *srv,
    uint16_t sport, enum endpoint_side local, const char *process,
    uint32_t pid)
{
	uint8_t f2;

	memset(ev, 0, sizeof(*ev));
	ev->kind = ENDPOINT_KIND_CONNECTION;
	ev->source = src;
	ev->time_us = t;
	ev->proto = IPPROTO_TCP;
	ip(srv, &ev->family, ev->server);
	if (cli != NULL) {
		ip(cli, &f2, ev->client);
		assert_int_equal(f2, ev->family);
		ev->client_known = 1;
	}
	ev->cport = cport;
	ev->sport = sport;
	ev->local = local;
	snprintf(ev->host, sizeof(ev->host), "%s", host);
	snprintf(ev->process, sizeof(ev->process), "%s", process);
	snprintf(ev->executable, sizeof(ev->executable), "C:\\bin\\%s",
	    process);
	ev->pid = pid;
}

/* Adds every event of the OTRF sample. */
static void
add_otrf(struct enrich_process *ep)
{
	struct feed_endpoint *fe;
	struct endpoint_event ev;
	char *buf, *line, *nl;
	size_t len;
	int n = 0;

	assert_non_null(fe = feed_endpoint_create(0));
	buf = load("sysmon_eid3_eid22_otrf_flat.jsonl", &len);
	for (line = buf; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		(void)feed_endpoint_load(fe, line, (size_t)(nl - line));
		while (feed_endpoint_next(fe, &ev)) {
			assert_int_equal(enrich_process_add(ep, &ev), 0);
			n++;
		}
	}
	assert_int_equal(n, 23);
	free(buf);
	feed_endpoint_destroy(fe);
}

/* ---- every level on the real Sysmon records ----------------------------- */

static void
test_levels_on_otrf(void **state)
{
	const struct enrich_process_stats *st;
	struct enrich_process_result res;
	struct enrich_process *ep;
	struct conn c;
	uint64_t t, late;

	(void)state;
	assert_non_null(ep = enrich_process_create(NULL, &test_key));
	add_otrf(ep);
	/* the sample runs to 2020-10-23: every lookup below is final */
	late = t_us("2020-10-23 06:36:42.882");
	assert_int_equal(enrich_process_watermark(ep, ENDPOINT_SOURCE_SYSMON),
	    late);

	/* exact: the Empire beacon, the sensor saw it 300 ms later */
	t = t_us("2020-09-04 20:09:59.621");
	mkconn(&c, IPPROTO_TCP, "172.18.39.5", 50699, "10.10.10.5", 80,
	    t + 300000, t + 900000);
	assert_int_equal(enrich_process_lookup(ep, &c, t + 10 * US, &res),
	    ENRICH_FINAL);
	assert_int_equal(res.match, ENRICH_MATCH_EXACT);
	assert_string_equal(enrich_match_str(res.match), "exact");
	assert_int_equal(res.side, ENDPOINT_SIDE_CLIENT);
	assert_int_equal(res.offset_us, -300000);
	assert_int_equal(res.proc.source, ENDPOINT_SOURCE_SYSMON);
	assert_string_equal(res.proc.process, "powershell.exe");
	assert_string_equal(res.proc.executable, "C:\\Windows\\System32\\"
	    "WindowsPowerShell\\v1.0\\powershell.exe");
	assert_int_equal(res.proc.pid, 2316);
	assert_string_equal(res.proc.entity_id,
	    "{860ba2e3-9f13-5f52-2703-000000000400}");
	assert_string_equal(res.proc.user, "pgustavo");
	assert_string_equal(res.proc.domain, "THESHIRE");
	assert_string_equal(res.proc.host, "workstation5.theshire.local");
	assert_true(res.proc_key != 0);

	/* exact, both ends recorded: the client's process for the flow as
	 * the sensor saw it, the server's when the sensor saw it reversed */
	t = t_us("2020-09-04 20:09:39.150");
	mkconn(&c, IPPROTO_TCP, "::1", 63704, "::1", 389, t, t + US);
	assert_int_equal(enrich_process_lookup(ep, &c, t + 20 * US, &res),
	    ENRICH_FINAL);
	assert_int_equal(res.match, ENRICH_MATCH_EXACT);
	assert_string_equal(res.proc.process,
	    "Microsoft.ActiveDirectory.WebServices.exe");
	assert_int_equal(res.side, ENDPOINT_SIDE_CLIENT);
	mkconn(&c, IPPROTO_TCP, "::1", 389, "::1", 63704, t, t + US);
	(void)enrich_process_lookup(ep, &c, t + 20 * US, &res);
	assert_int_equal(res.match, ENRICH_MATCH_EXACT);
	assert_string_equal(res.proc.process, "lsass.exe");
	assert_int_equal(res.side, ENDPOINT_SIDE_CLIENT);
	/* the UDP DNS server's record, as the client's query flow */
	t = t_us("2020-09-04 20:09:55.379");
	mkconn(&c, IPPROTO_UDP, "172.18.39.5", 63162, "172.18.38.5", 53, t,
	    t);
	(void)enrich_process_lookup(ep, &c, t + 20 * US, &res);
	assert_int_equal(res.match, ENRICH_MATCH_EXACT);
	assert_string_equal(res.proc.process, "dns.exe");
	assert_int_equal(res.side, ENDPOINT_SIDE_SERVER);

	/* dns: 121 s past MsMpEng's record the exact window is closed,
	 * but MsMpEng had resolved wdcp.microsoft.com to this server */
	t = t_us("2020-09-04 20:09:55.109") + 121 * US;
	mkconn(&c, IPPROTO_TCP, "172.18.39.5", 50694, "104.40.17.153", 443,
	    t, t + US);
	assert_int_equal(enrich_process_lookup(ep, &c, t + 20 * US, &res),
	    ENRICH_FINAL);
	assert_int_equal(res.match, ENRICH_MATCH_DNS);
	assert_string_equal(res.proc.process, "MsMpEng.exe");
	assert_int_equal(res.offset_us,
	    -(int64_t)(t - t_us("2020-09-04 20:09:55.059")));

	/* inferred: a later check-in of the beacon Sysmon did not log */
	t = t_us("2020-09-04 20:30:00");
	mkconn(&c, IPPROTO_TCP, "172.18.39.5", 50800, "10.10.10.5", 80, t,
	    t + US);
	(void)enrich_process_lookup(ep, &c, t + 20 * US, &res);
	assert_int_equal(res.match, ENRICH_MATCH_INFERRED);
	assert_string_equal(res.proc.process, "powershell.exe");
	/* a server that nobody on the host talked to */
	mkconn(&c, IPPROTO_TCP, "172.18.39.5", 50801, "10.10.10.6", 80, t,
	    t + US);
	(void)enrich_process_lookup(ep, &c, t + 20 * US, &res);
	assert_int_equal(res.match, ENRICH_MATCH_NONE);
	assert_string_equal(res.proc.process, "");
	assert_int_equal(res.proc_key, 0);

	/* partial: the sensor saw another client port (NAT on the way).
	 * This is the last record of the sample, so Sysmon's watermark has
	 * not passed the connection's window: the answer may still improve
	 * until the hold time (120 + 60 s) has passed */
	t = t_us("2020-10-23 06:36:42.882");
	mkconn(&c, IPPROTO_TCP, "192.168.2.5", 40000, "151.101.208.133", 443,
	    t + 118000, t + US);
	assert_int_equal(enrich_process_lookup(ep, &c, t + 20 * US, &res),
	    ENRICH_PENDING);
	assert_int_equal(res.match, ENRICH_MATCH_PARTIAL);
	assert_int_equal(enrich_process_lookup(ep, &c, t + 181 * US, &res),
	    ENRICH_FINAL);
	assert_int_equal(res.match, ENRICH_MATCH_PARTIAL);
	assert_int_equal(res.candidates, 1);
	assert_string_equal(res.proc.process, "svchost.exe");
	assert_int_equal(res.proc.pid, 4696);
	assert_string_equal(res.proc.host, "workstation5");
	/* 47 s later: svchost's DNS answer for raw.githubusercontent.com */
	mkconn(&c, IPPROTO_TCP, "192.168.2.5", 40001, "151.101.208.133", 443,
	    t + 47 * US, t + 48 * US);
	assert_int_equal(enrich_process_lookup(ep, &c, t + 60 * US, &res),
	    ENRICH_PENDING);
	assert_int_equal(res.match, ENRICH_MATCH_DNS);
	assert_int_equal(enrich_process_lookup(ep, &c, t + 228 * US, &res),
	    ENRICH_FINAL);
	assert_int_equal(res.match, ENRICH_MATCH_DNS);
	assert_int_equal(res.proc.pid, 4696);
	/* NAT in front of the host: its address is unknown, no guess */
	mkconn(&c, IPPROTO_TCP, "203.0.113.7", 61000, "151.101.208.133", 443,
	    t + 118000, t + US);
	assert_int_equal(enrich_process_lookup(ep, &c, t + 60 * US, &res),
	    ENRICH_PENDING);
	assert_int_equal(res.match, ENRICH_MATCH_NONE);
	assert_int_equal(enrich_process_lookup(ep, &c, t + 300 * US, &res),
	    ENRICH_FINAL);
	assert_int_equal(res.match, ENRICH_MATCH_NONE);

	st = enrich_process_stats(ep);
	assert_int_equal(st->events[ENDPOINT_KIND_CONNECTION], 18);
	assert_int_equal(st->events[ENDPOINT_KIND_DNS], 5);
	assert_int_equal(st->lookups, 13);
	assert_int_equal(st->matches[ENRICH_MATCH_EXACT], 4);
	assert_int_equal(st->matches[ENRICH_MATCH_PARTIAL], 1);
	assert_int_equal(st->matches[ENRICH_MATCH_DNS], 2);
	assert_int_equal(st->matches[ENRICH_MATCH_INFERRED], 1);
	assert_int_equal(st->matches[ENRICH_MATCH_NONE], 2);
	assert_int_equal(st->pending, 3);
	/* 172.18.38.5, 172.18.39.5, 192.168.2.5: loopback and multicast
	 * addresses never name a host */
	assert_int_equal(st->host_addrs, 3);
	enrich_process_destroy(ep);
}

/* ---- crafted cases ------------------------------------------------------ */

static void
test_partial_two_processes(void **state)
{
	const struct enrich_process_stats *st;
	struct enrich_process_result res;
	struct enrich_process *ep;
	struct endpoint_event ev;
	struct conn c;
	uint64_t t = 1700000000 * US;

	(void)state;
	assert_non_null(ep = enrich_process_create(NULL, &test_key));
	/* two processes on h1 talk to one server within a second */
	mkev(&ev, ENDPOINT_SOURCE_SYSMON, "H1", t, "10.0.0.5", 50000,
	    "198.51.100.7", 443, ENDPOINT_SIDE_CLIENT, "chrome.exe", 100);
	assert_int_equal(enrich_process_add(ep, &ev), 0);
	mkev(&ev, ENDPOINT_SOURCE_SYSMON, "h1", t + US, "10.0.0.5", 50001,
	    "198.51.100.7", 443, ENDPOINT_SIDE_CLIENT, "rundll32.exe", 200);
	assert_int_equal(enrich_process_add(ep, &ev), 0);
	/* another single process to another server */
	mkev(&ev, ENDPOINT_SOURCE_SYSMON, "h1", t, "10.0.0.5", 50002,
	    "198.51.100.8", 443, ENDPOINT_SIDE_CLIENT, "curl.exe", 300);
	assert_int_equal(enrich_process_add(ep, &ev), 0);
	/* watermark past every window: answers are final */
	mkev(&ev, ENDPOINT_SOURCE_SYSMON, "h9", t + 1000 * US, "10.9.9.9", 1,
	    "10.9.9.10", 2, ENDPOINT_SIDE_CLIENT, "x", 1);
	assert_int_equal(enrich_process_add(ep, &ev), 0);

	/* the port the sensor saw differs: two candidates, no answer; the
	 * sticky key is shared by both, so no inference either */
	mkconn(&c, IPPROTO_TCP, "10.0.0.5", 61000, "198.51.100.7", 443,
	    t + 500000, t + 2 * US);
	assert_int_equal(enrich_process_lookup(ep, &c, t + 1000 * US, &res),
	    ENRICH_FINAL);
	assert_int_equal(res.match, ENRICH_MATCH_NONE);
	assert_int_equal(res.candidates, 2);
	/* each exact tuple still finds its own process */
	mkconn(&c, IPPROTO_TCP, "10.0.0.5", 50001, "198.51.100.7", 443,
	    t + 500000, t + 2 * US);
	(void)enrich_process_lookup(ep, &c, t + 1000 * US, &res);
	assert_int_equal(res.match, ENRICH_MATCH_EXACT);
	assert_string_equal(res.proc.process, "rundll32.exe");
	/* one process: partial */
	mkconn(&c, IPPROTO_TCP, "10.0.0.5", 61001, "198.51.100.8", 443,
	    t + 2 * US, t + 3 * US);
	(void)enrich_process_lookup(ep, &c, t + 1000 * US, &res);
	assert_int_equal(res.match, ENRICH_MATCH_PARTIAL);
	assert_string_equal(res.proc.process, "curl.exe");
	assert_string_equal(res.proc.host, "h1");
	assert_int_equal(res.offset_us, -2 * (int64_t)US);
	/* outside the partial window: the sticky memory */
	mkconn(&c, IPPROTO_TCP, "10.0.0.5", 61002, "198.51.100.8", 443,
	    t + 6 * US, t + 7 * US);
	(void)enrich_process_lookup(ep, &c, t + 1000 * US, &res);
	assert_int_equal(res.match, ENRICH_MATCH_INFERRED);
	assert_string_equal(res.proc.process, "curl.exe");
	/* another protocol or port is another key */
	mkconn(&c, IPPROTO_UDP, "10.0.0.5", 61003, "198.51.100.8", 443,
	    t + 2 * US, t + 3 * US);
	(void)enrich_process_lookup(ep, &c, t + 1000 * US, &res);
	assert_int_equal(res.match, ENRICH_MATCH_NONE);
	mkconn(&c, IPPROTO_TCP, "10.0.0.5", 61003, "198.51.100.8", 8443,
	    t + 2 * US, t + 3 * US);
	(void)enrich_process_lookup(ep, &c, t + 1000 * US, &res);
	assert_int_equal(res.match, ENRICH_MATCH_NONE);
	st = enrich_process_stats(ep);
	assert_int_equal(st->partial_ambiguous, 1);
	assert_int_equal(st->sticky_conflicts, 1);
	enrich_process_destroy(ep);
}

static void
test_nearest_and_sides(void **state)
{
	struct enrich_process_result res;
	struct enrich_process *ep;
	struct endpoint_event ev;
	struct conn c;
	uint64_t t = 1700000000 * US;

	(void)state;
	assert_non_null(ep = enrich_process_create(NULL, &test_key));
	/* the same tuple 100 s before and 10 s after: nearest wins */
	mkev(&ev, ENDPOINT_SOURCE_SYSMON, "h1", t - 100 * US, "10.0.0.5",
	    50000, "198.51.100.7", 443, ENDPOINT_SIDE_CLIENT, "old.exe", 1);
	assert_int_equal(enrich_process_add(ep, &ev), 0);
	mkev(&ev, ENDPOINT_SOURCE_SYSMON, "h1", t + 10 * US, "10.0.0.5",
	    50000, "198.51.100.7", 443, ENDPOINT_SIDE_CLIENT, "new.exe", 2);
	assert_int_equal(enrich_process_add(ep, &ev), 0);
	mkconn(&c, IPPROTO_TCP, "10.0.0.5", 50000, "198.51.100.7", 443, t,
	    t + US);
	(void)enrich_process_lookup(ep, &c, t + 1000 * US, &res);
	assert_int_equal(res.match, ENRICH_MATCH_EXACT);
	assert_string_equal(res.proc.process, "new.exe");
	assert_int_equal(res.offset_us, 10 * (int64_t)US);
	/* 121 s from both: not exact */
	mkconn(&c, IPPROTO_TCP, "10.0.0.5", 50000, "198.51.100.7", 443,
	    t + 131 * US, t + 132 * US);
	(void)enrich_process_lookup(ep, &c, t + 1000 * US, &res);
	assert_int_not_equal(res.match, ENRICH_MATCH_EXACT);

	/* both ends monitored: the client host's record wins even when the
	 * server's is nearer in time */
	mkev(&ev, ENDPOINT_SOURCE_SYSMON, "srv", t, "10.0.0.6", 50100,
	    "10.0.0.7", 445, ENDPOINT_SIDE_SERVER, "System", 4);
	assert_int_equal(enrich_process_add(ep, &ev), 0);
	mkev(&ev, ENDPOINT_SOURCE_SYSMON, "cli", t + 2 * US, "10.0.0.6", 50100,
	    "10.0.0.7", 445, ENDPOINT_SIDE_CLIENT, "explorer.exe", 5);
	assert_int_equal(enrich_process_add(ep, &ev), 0);
	mkconn(&c, IPPROTO_TCP, "10.0.0.6", 50100, "10.0.0.7", 445, t, t + US);
	(void)enrich_process_lookup(ep, &c, t + 1000 * US, &res);
	assert_int_equal(res.match, ENRICH_MATCH_EXACT);
	assert_string_equal(res.proc.process, "explorer.exe");
	assert_int_equal(res.side, ENDPOINT_SIDE_CLIENT);
	enrich_process_destroy(ep);
}

static void
test_dns_level(void **state)
{
	struct enrich_process_result res;
	struct enrich_process *ep;
	struct endpoint_event ev;
	struct conn c;
	uint64_t t = 1700000000 * US;

	(void)state;
	assert_non_null(ep = enrich_process_create(NULL, &test_key));
	/* the host's address, from a record of its own */
	mkev(&ev, ENDPOINT_SOURCE_SYSMON, "h1", t - 4000 * US, "10.0.0.5", 1,
	    "10.0.0.1", 53, ENDPOINT_SIDE_CLIENT, "svchost.exe", 9);
	assert_int_equal(enrich_process_add(ep, &ev), 0);
	/* two processes resolved the server; the later one (before the
	 * connection) wins */
	memset(&ev, 0, sizeof(ev));
	ev.kind = ENDPOINT_KIND_DNS;
	ev.source = ENDPOINT_SOURCE_SYSMON;
	snprintf(ev.host, sizeof(ev.host), "h1");
	snprintf(ev.dns_query, sizeof(ev.dns_query), "c2.example.workers.dev");
	ev.dns_naddrs = 1;
	ip("104.21.1.1", &ev.dns_addrs[0].family, ev.dns_addrs[0].ip);
	ev.time_us = t - 100 * US;
	snprintf(ev.process, sizeof(ev.process), "chrome.exe");
	ev.pid = 1;
	assert_int_equal(enrich_process_add(ep, &ev), 0);
	ev.time_us = t - 10 * US;
	snprintf(ev.process, sizeof(ev.process), "mshta.exe");
	ev.pid = 2;
	assert_int_equal(enrich_process_add(ep, &ev), 0);
	ev.time_us = t + 10 * US;	/* after the connection */
	snprintf(ev.process, sizeof(ev.process), "late.exe");
	ev.pid = 3;
	assert_int_equal(enrich_process_add(ep, &ev), 0);
	mkconn(&c, IPPROTO_TCP, "10.0.0.5", 50000, "104.21.1.1", 443, t,
	    t + US);
	(void)enrich_process_lookup(ep, &c, t + 1000 * US, &res);
	assert_int_equal(res.match, ENRICH_MATCH_DNS);
	assert_string_equal(res.proc.process, "mshta.exe");
	assert_int_equal(res.offset_us, -10 * (int64_t)US);
	/* an answer older than the DNS window does not count */
	mkconn(&c, IPPROTO_TCP, "10.0.0.5", 50001, "104.21.1.1", 443,
	    t + 3700 * US, t + 3701 * US);
	(void)enrich_process_lookup(ep, &c, t + 3800 * US, &res);
	assert_int_equal(res.match, ENRICH_MATCH_NONE);
	enrich_process_destroy(ep);
}

static void
test_inferred_defender(void **state)
{
	struct enrich_process_result res;
	struct enrich_process *ep;
	struct feed_endpoint *fe;
	struct endpoint_event ev;
	struct conn c;
	char *buf;
	size_t len;
	uint64_t t;

	(void)state;
	assert_non_null(ep = enrich_process_create(NULL, &test_key));
	assert_non_null(fe = feed_endpoint_create(0));
	buf = load("mde_devicenetworkevents_storage_row.json", &len);
	assert_int_equal(feed_endpoint_load(fe, buf, len), 1);
	assert_int_equal(feed_endpoint_next(fe, &ev), 1);
	assert_int_equal(enrich_process_add(ep, &ev), 0);
	t = ev.time_us;
	/* the reported connection itself, 40 s off on the sensor's clock:
	 * exact, and final at once */
	mkconn(&c, IPPROTO_TCP, "10.0.0.183", 53630, "20.42.65.85", 443,
	    t - 40 * US, t);
	assert_int_equal(enrich_process_lookup(ep, &c, t + US, &res),
	    ENRICH_FINAL);
	assert_int_equal(res.match, ENRICH_MATCH_EXACT);
	assert_int_equal(res.offset_us, 40 * (int64_t)US);
	/* MDE reports the connection once a day: ten hours later.  The
	 * feed has been quiet since: pending for its hold time (15 min) */
	mkconn(&c, IPPROTO_TCP, "10.0.0.183", 60000, "20.42.65.85", 443,
	    t + 36000 * US, t + 36001 * US);
	assert_int_equal(enrich_process_lookup(ep, &c, t + 36002 * US, &res),
	    ENRICH_PENDING);
	assert_int_equal(res.match, ENRICH_MATCH_INFERRED);
	assert_int_equal(enrich_process_lookup(ep, &c, t + 37100 * US, &res),
	    ENRICH_FINAL);
	assert_int_equal(res.match, ENRICH_MATCH_INFERRED);
	assert_string_equal(res.proc.process, "microsoft update assistant");
	assert_int_equal(res.proc.pid, 16865);
	assert_string_equal(res.proc.user, "rob");
	assert_int_equal(res.proc.source, ENDPOINT_SOURCE_DEFENDER);
	assert_true(strstr(res.proc.cmdline, "--launchByAgent") != NULL);
	/* after a day the memory is gone */
	mkconn(&c, IPPROTO_TCP, "10.0.0.183", 60001, "20.42.65.85", 443,
	    t + 90000 * US, t + 90001 * US);
	assert_int_equal(enrich_process_lookup(ep, &c, t + 91100 * US, &res),
	    ENRICH_FINAL);
	assert_int_equal(res.match, ENRICH_MATCH_NONE);
	assert_int_equal(enrich_process_stats(ep)->sticky, 0);
	free(buf);
	feed_endpoint_destroy(fe);
	enrich_process_destroy(ep);
}

/* "none yet" and "none": watermarks and hold times. */
static void
test_pending(void **state)
{
	struct enrich_process_result res;
	struct enrich_process *ep;
	struct endpoint_event ev;
	struct conn c;
	uint64_t t = 1700000000 * US, s = t + 50 * US;

	(void)state;
	assert_non_null(ep = enrich_process_create(NULL, &test_key));
	mkconn(&c, IPPROTO_TCP, "10.0.0.5", 50000, "198.51.100.7", 443, s,
	    s + US);
	/* no feed has said anything: nothing to wait for */
	assert_int_equal(enrich_process_lookup(ep, &c, s + US, &res),
	    ENRICH_FINAL);
	assert_int_equal(res.match, ENRICH_MATCH_NONE);

	mkev(&ev, ENDPOINT_SOURCE_SYSMON, "h1", t, "10.0.0.5", 1,
	    "10.0.0.1", 53, ENDPOINT_SIDE_CLIENT, "svchost.exe", 9);
	assert_int_equal(enrich_process_add(ep, &ev), 0);
	/* Sysmon is at t; the connection is at t+50: none yet */
	assert_int_equal(enrich_process_lookup(ep, &c, s + US, &res),
	    ENRICH_PENDING);
	assert_int_equal(res.match, ENRICH_MATCH_NONE);
	/* a partial match while waiting is pending too */
	mkev(&ev, ENDPOINT_SOURCE_SYSMON, "h1", s + 2 * US, "10.0.0.5", 50099,
	    "198.51.100.7", 443, ENDPOINT_SIDE_CLIENT, "beacon.exe", 7);
	assert_int_equal(enrich_process_add(ep, &ev), 0);
	assert_int_equal(enrich_process_lookup(ep, &c, s + 3 * US, &res),
	    ENRICH_PENDING);
	assert_int_equal(res.match, ENRICH_MATCH_PARTIAL);
	/* the exact record arrives: final */
	mkev(&ev, ENDPOINT_SOURCE_SYSMON, "h1", s + 1000, "10.0.0.5", 50000,
	    "198.51.100.7", 443, ENDPOINT_SIDE_CLIENT, "beacon.exe", 7);
	assert_int_equal(enrich_process_add(ep, &ev), 0);
	assert_int_equal(enrich_process_lookup(ep, &c, s + 4 * US, &res),
	    ENRICH_FINAL);
	assert_int_equal(res.match, ENRICH_MATCH_EXACT);

	/* another connection, no record: pending until Sysmon's watermark
	 * passes start + 120 s + 10 s of reordering ... */
	mkconn(&c, IPPROTO_TCP, "10.0.0.5", 50001, "198.51.100.9", 443, s,
	    s + US);
	assert_int_equal(enrich_process_lookup(ep, &c, s + 5 * US, &res),
	    ENRICH_PENDING);
	mkev(&ev, ENDPOINT_SOURCE_SYSMON, "h1", s + 129 * US, "10.0.0.5", 2,
	    "10.0.0.1", 53, ENDPOINT_SIDE_CLIENT, "svchost.exe", 9);
	assert_int_equal(enrich_process_add(ep, &ev), 0);
	assert_int_equal(enrich_process_lookup(ep, &c, s + 6 * US, &res),
	    ENRICH_PENDING);
	mkev(&ev, ENDPOINT_SOURCE_SYSMON, "h1", s + 131 * US, "10.0.0.5", 3,
	    "10.0.0.1", 53, ENDPOINT_SIDE_CLIENT, "svchost.exe", 9);
	assert_int_equal(enrich_process_add(ep, &ev), 0);
	assert_int_equal(enrich_process_lookup(ep, &c, s + 7 * US, &res),
	    ENRICH_FINAL);
	assert_int_equal(res.match, ENRICH_MATCH_NONE);

	/* ... or the hold time runs out on the caller's clock, for a feed
	 * that went quiet (Defender: 120 s + 900 s) */
	mkev(&ev, ENDPOINT_SOURCE_DEFENDER, "h2", s - 10 * US, "10.0.0.8", 4,
	    "10.0.0.1", 443, ENDPOINT_SIDE_CLIENT, "x", 1);
	assert_int_equal(enrich_process_add(ep, &ev), 0);
	assert_int_equal(enrich_process_watermark(ep,
	    ENDPOINT_SOURCE_DEFENDER), s - 10 * US);
	assert_int_equal(enrich_process_lookup(ep, &c, s + 1019 * US, &res),
	    ENRICH_PENDING);
	assert_int_equal(enrich_process_lookup(ep, &c, s + 1020 * US, &res),
	    ENRICH_FINAL);
	assert_int_equal(enrich_process_stats(ep)->pending, 5);
	enrich_process_destroy(ep);
}

static void
test_bounded(void **state)
{
	const struct enrich_process_stats *st;
	struct enrich_process_conf conf;
	struct enrich_process_result res;
	struct enrich_process *ep;
	struct endpoint_event ev;
	struct conn c;
	char host[16], cli[32], proc[16];
	uint64_t t = 1700000000 * US;
	int i;

	(void)state;
	enrich_process_conf_default(&conf);
	conf.conns = 4;
	conf.procs = 2;
	conf.host_addrs = 3;
	conf.sticky = 2;
	conf.dns = 2;
	assert_non_null(ep = enrich_process_create(&conf, &test_key));
	for (i = 0; i < 10; i++) {
		snprintf(host, sizeof(host), "h%d", i);
		snprintf(cli, sizeof(cli), "10.0.0.%d", 10 + i);
		snprintf(proc, sizeof(proc), "p%d.exe", i);
		mkev(&ev, ENDPOINT_SOURCE_SYSMON, host, t + (uint64_t)i * US,
		    cli, 50000, "198.51.100.7", 443, ENDPOINT_SIDE_CLIENT,
		    proc, (uint32_t)i);
		assert_int_equal(enrich_process_add(ep, &ev), 0);
	}
	st = enrich_process_stats(ep);
	assert_int_equal(st->conns, 4);
	assert_int_equal(st->conns_evicted, 6);
	assert_int_equal(st->procs, 2);
	assert_int_equal(st->procs_evicted, 8);
	assert_int_equal(st->host_addrs, 3);
	assert_int_equal(st->host_addrs_evicted, 7);
	assert_int_equal(st->sticky, 2);
	assert_int_equal(st->sticky_evicted, 8);
	assert_true(st->bytes > 0 && st->bytes < 64 * 1024);
	/* the newest is whole */
	mkconn(&c, IPPROTO_TCP, "10.0.0.19", 50000, "198.51.100.7", 443,
	    t + 9 * US, t + 10 * US);
	(void)enrich_process_lookup(ep, &c, t + 1000 * US, &res);
	assert_int_equal(res.match, ENRICH_MATCH_EXACT);
	assert_string_equal(res.proc.process, "p9.exe");
	/* the seventh kept its record but lost its process: counted, not
	 * mistaken for another process */
	mkconn(&c, IPPROTO_TCP, "10.0.0.16", 50000, "198.51.100.7", 443,
	    t + 6 * US, t + 7 * US);
	(void)enrich_process_lookup(ep, &c, t + 1000 * US, &res);
	assert_int_equal(res.match, ENRICH_MATCH_NONE);
	assert_true(st->procs_stale >= 1);
	/* the first is gone */
	mkconn(&c, IPPROTO_TCP, "10.0.0.10", 50000, "198.51.100.7", 443, t,
	    t + US);
	(void)enrich_process_lookup(ep, &c, t + 1000 * US, &res);
	assert_int_equal(res.match, ENRICH_MATCH_NONE);
	enrich_process_destroy(ep);
}

static void
test_expiry_and_unusable(void **state)
{
	const struct enrich_process_stats *st;
	struct enrich_process_result res;
	struct enrich_process *ep;
	struct endpoint_event ev;
	struct conn c;
	uint64_t t = 1700000000 * US;

	(void)state;
	assert_non_null(ep = enrich_process_create(NULL, &test_key));
	st = enrich_process_stats(ep);
	mkev(&ev, ENDPOINT_SOURCE_SYSMON, "h1", t, "10.0.0.5", 50000,
	    "198.51.100.7", 443, ENDPOINT_SIDE_CLIENT, "a.exe", 1);
	assert_int_equal(enrich_process_add(ep, &ev), 0);
	assert_int_equal(st->conns, 1);
	assert_int_equal(st->sticky, 1);
	enrich_process_expire(ep, t + (ENRICH_RETAIN_S + 1) * US);
	assert_int_equal(st->conns, 0);
	assert_int_equal(st->conns_expired, 1);
	assert_int_equal(st->sticky, 1);	/* a day */
	mkconn(&c, IPPROTO_TCP, "10.0.0.5", 50001, "198.51.100.7", 443,
	    t + (ENRICH_RETAIN_S + 1) * US, t + (ENRICH_RETAIN_S + 2) * US);
	(void)enrich_process_lookup(ep, &c, t + (ENRICH_RETAIN_S + 3) * US,
	    &res);
	assert_int_equal(res.match, ENRICH_MATCH_INFERRED);
	enrich_process_expire(ep, t + (ENRICH_STICKY_TTL_S + 1) * US);
	assert_int_equal(st->sticky, 0);
	assert_int_equal(st->sticky_expired, 1);

	/* no time; older than every window; a bad family */
	ev.time_us = 0;
	assert_int_equal(enrich_process_add(ep, &ev), -1);
	ev.time_us = t;
	assert_int_equal(enrich_process_add(ep, &ev), -1);
	ev.time_us = t + ENRICH_STICKY_TTL_S * US;
	ev.family = 5;
	assert_int_equal(enrich_process_add(ep, &ev), -1);
	assert_int_equal(st->events_unusable, 3);
	/* a record from a host whose clock is days ahead does not move the
	 * watermark */
	ev.family = 4;
	ev.time_us = t + (ENRICH_STICKY_TTL_S + 3 * 86400) * US;
	assert_int_equal(enrich_process_add(ep, &ev), 0);
	assert_int_equal(enrich_process_watermark(ep, ENDPOINT_SOURCE_SYSMON),
	    t);
	enrich_process_destroy(ep);
}

/* osquery's connect rows have no local address: the host's addresses
 * come from elsewhere. */
static void
test_osquery_host(void **state)
{
	struct enrich_process_result res;
	struct enrich_process *ep;
	struct feed_endpoint *fe;
	struct endpoint_event ev;
	struct conn c;
	uint8_t fam, a[16];
	char *buf;
	size_t len;
	uint64_t t;

	(void)state;
	assert_non_null(ep = enrich_process_create(NULL, &test_key));
	assert_non_null(fe = feed_endpoint_create(0));
	buf = load("osquery_socket_events_docs.json", &len);
	assert_int_equal(feed_endpoint_load(fe, buf, len), 1);
	assert_int_equal(feed_endpoint_next(fe, &ev), 1);
	assert_int_equal(enrich_process_add(ep, &ev), 0);
	t = ev.time_us;
	mkconn(&c, IPPROTO_TCP, "10.0.2.15", 43210, "172.217.164.110", 80,
	    t + 200000, t + US);
	(void)enrich_process_lookup(ep, &c, t + 1000 * US, &res);
	assert_int_equal(res.match, ENRICH_MATCH_NONE);
	ip("10.0.2.15", &fam, a);
	assert_int_equal(enrich_process_host_add(ep, "VAGRANT", fam, a, t), 0);
	assert_int_equal(enrich_process_host_add(ep, "", fam, a, t), -1);
	(void)enrich_process_lookup(ep, &c, t + 1000 * US, &res);
	assert_int_equal(res.match, ENRICH_MATCH_PARTIAL);
	assert_string_equal(res.proc.process, "curl");
	assert_int_equal(res.proc.pid, 30220);
	assert_int_equal(res.proc.source, ENDPOINT_SOURCE_OSQUERY);
	free(buf);
	feed_endpoint_destroy(fe);
	enrich_process_destroy(ep);
}

/* A process_open_sockets row saw the socket open at its query time. */
static void
test_snapshot(void **state)
{
	struct enrich_process_result res;
	struct enrich_process *ep;
	struct endpoint_event ev;
	struct conn c;
	uint64_t t = 1700000000 * US;

	(void)state;
	assert_non_null(ep = enrich_process_create(NULL, &test_key));
	mkev(&ev, ENDPOINT_SOURCE_OSQUERY, "web1", t, "10.1.2.3", 51000,
	    "93.184.216.34", 443, ENDPOINT_SIDE_CLIENT, "python3", 812);
	ev.time_snapshot = 1;
	assert_int_equal(enrich_process_add(ep, &ev), 0);
	/* a keep-alive connection that began 50 minutes before the query */
	mkconn(&c, IPPROTO_TCP, "10.1.2.3", 51000, "93.184.216.34", 443,
	    t - 3000 * US, t + 60 * US);
	(void)enrich_process_lookup(ep, &c, t + 1000 * US, &res);
	assert_int_equal(res.match, ENRICH_MATCH_EXACT);
	assert_string_equal(res.proc.process, "python3");
	/* one that had ended long before: not this socket */
	mkconn(&c, IPPROTO_TCP, "10.1.2.3", 51000, "93.184.216.34", 443,
	    t - 3000 * US, t - 500 * US);
	(void)enrich_process_lookup(ep, &c, t + 1000 * US, &res);
	assert_int_not_equal(res.match, ENRICH_MATCH_EXACT);
	enrich_process_destroy(ep);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels_on_otrf),
		cmocka_unit_test(test_partial_two_processes),
		cmocka_unit_test(test_nearest_and_sides),
		cmocka_unit_test(test_dns_level),
		cmocka_unit_test(test_inferred_defender),
		cmocka_unit_test(test_pending),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_expiry_and_unusable),
		cmocka_unit_test(test_osquery_host),
		cmocka_unit_test(test_snapshot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
