/*
 * test_feed_endpoint.c - endpoint records into events, and the line reader.
 *
 * Every network record of the shared endpoint-feed samples (copied under
 * tests/data/feeds, provenance in its README.md) is checked field by field:
 * 5-tuple, time, host, process, user.  The samples that are not network
 * connections are counted as skipped with their reason.  Every prefix of
 * every sample record is rejected without an event.  Hostile records
 * (deep, huge, wrongly typed) are counted, never fatal.  The reader is
 * driven through partial lines, over-long lines, rotation by rename and by
 * copytruncate, and a pipe on standard input.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "testdata.h"

#include <jansson.h>

#include "feed_endpoint.h"

/* ---- test data ---------------------------------------------------------- */

/* Reads tests/data/feeds/name from $top_srcdir or $srcdir (make check) or
 * next to this source file (a build by hand); the caller frees. */
/* tests/data/feeds/name, whole. */
static char *
load(const char *name, size_t *lenp)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "data/feeds/%s", name);
	return testdata_load(rel, 1 << 20, lenp);
}

/* The path of a sample file, for the reader. */
static void
data_path(const char *name, char *out, size_t cap)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "data/feeds/%s", name);
	(void)testdata_path(rel, out, cap);
}

/* ---- expectations ------------------------------------------------------- */

static uint64_t
t_us(const char *s)
{
	uint64_t us = 0;

	assert_int_equal(feed_parse_time(s, strlen(s), &us), 0);
	return us;
}

static void
assert_addr(uint8_t family, const uint8_t *ip, const char *want)
{
	struct endpoint_addr a;

	assert_int_equal(feed_parse_addr(want, strlen(want), &a), 0);
	assert_int_equal(family, a.family);
	assert_memory_equal(ip, a.ip, 16);
}

struct xconn {
	int		 line;		/* 1-based, in the OTRF file */
	const char	*time;
	const char	*host;
	int		 proto;
	const char	*client;
	uint16_t	 cport;
	const char	*server;
	uint16_t	 sport;
	enum endpoint_side local;
	int		 guessed;
	uint32_t	 pid;
	const char	*process;
	const char	*user, *domain;
	const char	*guid;
};

static void
check_conn(const struct endpoint_event *ev, const struct xconn *x)
{
	assert_int_equal(ev->kind, ENDPOINT_KIND_CONNECTION);
	assert_int_equal(ev->time_us, t_us(x->time));
	assert_string_equal(ev->host, x->host);
	assert_int_equal(ev->proto, x->proto);
	assert_true(ev->client_known);
	assert_addr(ev->family, ev->client, x->client);
	assert_int_equal(ev->cport, x->cport);
	assert_addr(ev->family, ev->server, x->server);
	assert_int_equal(ev->sport, x->sport);
	assert_int_equal(ev->local, x->local);
	assert_int_equal(ev->side_guessed, x->guessed);
	assert_int_equal(ev->pid, x->pid);
	assert_string_equal(ev->process, x->process);
	assert_string_equal(ev->user, x->user);
	assert_string_equal(ev->domain, x->domain);
	if (x->guid != NULL)
		assert_string_equal(ev->entity_id, x->guid);
	assert_false(ev->truncated);
}

#define TCP	IPPROTO_TCP
#define UDP	IPPROTO_UDP
#define CLI	ENDPOINT_SIDE_CLIENT
#define SRV	ENDPOINT_SIDE_SERVER
#define NTA	"NT AUTHORITY"
#define MDC	"mordordc.theshire.local"
#define WS5	"workstation5.theshire.local"
#define ADWS	"Microsoft.ActiveDirectory.WebServices.exe"

/* Every event 3 of the OTRF file.  TCP: Source is the initiator whether
 * Initiated is true or false (both ends of each loopback connection agree
 * on the tuple).  UDP with Initiated=false: the ports pick the client. */
static const struct xconn otrf_conns[] = {
	{ 1, "2020-09-04 20:09:39.150", MDC, TCP, "::1", 63704, "::1", 389,
	    CLI, 0, 3312, ADWS, "SYSTEM", NTA,
	    "{ee23f965-8a44-5f52-4d00-000000000400}" },
	{ 2, "2020-09-04 20:09:39.150", MDC, TCP, "::1", 63704, "::1", 389,
	    SRV, 0, 700, "lsass.exe", "SYSTEM", NTA,
	    "{ee23f965-8a2d-5f52-0c00-000000000400}" },
	{ 3, "2020-09-04 20:09:55.109", WS5, TCP, "172.18.39.5", 50694,
	    "104.40.17.153", 443, CLI, 0, 3136, "MsMpEng.exe", "SYSTEM", NTA,
	    "{860ba2e3-8b58-5f52-4900-000000000400}" },
	{ 4, "2020-09-04 20:09:55.379", MDC, UDP, "172.18.39.5", 63162,
	    "172.18.38.5", 53, SRV, 1, 3372, "dns.exe", "SYSTEM", NTA,
	    "{ee23f965-8a44-5f52-5100-000000000400}" },
	{ 5, "2020-09-04 20:09:55.410", MDC, UDP, "172.18.38.5", 49173,
	    "40.90.4.2", 53, CLI, 0, 3372, "dns.exe", "SYSTEM", NTA, NULL },
	{ 7, "2020-09-04 20:09:59.621", WS5, TCP, "172.18.39.5", 50699,
	    "10.10.10.5", 80, CLI, 0, 2316, "powershell.exe", "pgustavo",
	    "THESHIRE", "{860ba2e3-9f13-5f52-2703-000000000400}" },
	{ 8, "2020-09-04 20:10:00.233", MDC, TCP, "172.18.38.6", 53725,
	    "172.18.38.5", 135, SRV, 0, 972, "svchost.exe", "NETWORK SERVICE",
	    NTA, "{ee23f965-8a31-5f52-0f00-000000000400}" },
	{ 9, "2020-09-04 20:10:00.240", MDC, TCP, "172.18.38.6", 53726,
	    "172.18.38.5", 49674, SRV, 0, 700, "lsass.exe", "SYSTEM", NTA,
	    NULL },
	{ 11, "2020-09-04 20:10:39.166", MDC, TCP, "::1", 63714, "::1", 389,
	    CLI, 0, 3312, ADWS, "SYSTEM", NTA, NULL },
	{ 12, "2020-09-04 20:10:39.166", MDC, TCP, "::1", 63714, "::1", 389,
	    SRV, 0, 700, "lsass.exe", "SYSTEM", NTA, NULL },
	{ 13, "2020-10-23 06:36:42.306", "workstation5", UDP, "192.168.2.5",
	    61628, "239.255.255.250", 1900, CLI, 0, 4584, "svchost.exe",
	    "LOCAL SERVICE", NTA, "{39e4a257-f13e-5f8b-6700-000000000700}" },
	{ 14, "2020-10-23 06:36:42.306", "workstation5", UDP, "127.0.0.1",
	    61629, "239.255.255.250", 1900, CLI, 0, 4584, "svchost.exe",
	    "LOCAL SERVICE", NTA, NULL },
	{ 15, "2020-10-23 06:36:42.306", "workstation5", UDP, "127.0.0.1",
	    61629, "239.255.255.250", 1900, SRV, 1, 4584, "svchost.exe",
	    "LOCAL SERVICE", NTA, NULL },
	{ 18, "2020-10-23 06:36:42.509", "workstation5", TCP, "::1", 61089,
	    "::1", 5985, CLI, 0, 4696, "svchost.exe", "SYSTEM", NTA,
	    "{39e4a257-79fb-5f92-7217-000000000700}" },
	{ 19, "2020-10-23 06:36:42.509", "workstation5", TCP, "::1", 61089,
	    "::1", 5985, SRV, 0, 4, "System", "SYSTEM", NTA,
	    "{39e4a257-f121-5f8b-0100-000000000700}" },
	{ 20, "2020-10-23 06:36:42.735", "workstation5", TCP, "::1", 61090,
	    "::1", 5985, CLI, 0, 4696, "svchost.exe", "SYSTEM", NTA, NULL },
	{ 21, "2020-10-23 06:36:42.735", "workstation5", TCP, "::1", 61090,
	    "::1", 5985, SRV, 0, 4, "System", "SYSTEM", NTA, NULL },
	{ 23, "2020-10-23 06:36:42.882", "workstation5", TCP, "192.168.2.5",
	    61091, "151.101.208.133", 443, CLI, 0, 4696, "svchost.exe",
	    "SYSTEM", NTA, "{39e4a257-79fb-5f92-7217-000000000700}" },
};

struct xdns {
	int		 line;
	const char	*time;
	const char	*host;
	const char	*query;
	int		 naddrs;
	const char	*addr[2];
	int		 ncnames;
	const char	*cname0;
	uint32_t	 pid;
	const char	*process;
};

static const struct xdns otrf_dns[] = {
	{ 6, "2020-09-04 20:09:55.059", WS5, "wdcp.microsoft.com", 1,
	    { "104.40.17.153", NULL }, 2, "wd-prod-cp.trafficmanager.net",
	    3136, "MsMpEng.exe" },
	{ 10, "2020-09-04 20:10:00.880", WS5, "localhost", 1,
	    { "127.0.0.1", NULL }, 0, NULL, 2316, "powershell.exe" },
	{ 16, "2020-10-23 06:36:42.509", "workstation5", "localhost", 2,
	    { "::1", "127.0.0.1" }, 0, NULL, 4696, "svchost.exe" },
	{ 17, "2020-10-23 06:36:42.740", "workstation5", "localhost", 2,
	    { "::1", "127.0.0.1" }, 0, NULL, 4696, "svchost.exe" },
	{ 22, "2020-10-23 06:36:42.882", "workstation5",
	    "raw.githubusercontent.com", 1, { "151.101.208.133", NULL }, 1,
	    "github.map.fastly.net", 4696, "svchost.exe" },
};

static void
check_dns(const struct endpoint_event *ev, const struct xdns *x)
{
	int i;

	assert_int_equal(ev->kind, ENDPOINT_KIND_DNS);
	assert_int_equal(ev->time_us, t_us(x->time));
	assert_string_equal(ev->host, x->host);
	assert_string_equal(ev->dns_query, x->query);
	assert_int_equal(ev->dns_naddrs, x->naddrs);
	for (i = 0; i < x->naddrs; i++)
		assert_addr(ev->dns_addrs[i].family, ev->dns_addrs[i].ip,
		    x->addr[i]);
	assert_int_equal(ev->dns_ncnames, x->ncnames);
	if (x->ncnames > 0)
		assert_string_equal(ev->dns_cnames[0], x->cname0);
	assert_int_equal(ev->pid, x->pid);
	assert_string_equal(ev->process, x->process);
}

/* Loads one input; returns the number of events and leaves the first in
 * *ev. */
static int
parse_all(struct feed_endpoint *fe, const void *buf, size_t len,
    struct endpoint_event *ev)
{
	struct endpoint_event tmp;
	int n = 0;

	(void)feed_endpoint_load(fe, buf, len);
	while (feed_endpoint_next(fe, n == 0 ? ev : &tmp))
		n++;
	return n;
}

/* ---- times and addresses ------------------------------------------------ */

static void
test_parse_time(void **state)
{
	static const char *bad[] = {
		"", "2020-13-01 00:00:00", "2021-02-29 00:00:00",
		"2020-10-23 24:00:00", "2020-10-23 06:36", "2020-10-23T06:36:42x",
		"1969-12-31T23:59:59Z", "2020-10-23T06:36:42.", "2020102x",
		"2020-10-23T06:36:42+25:00", "-1", "2020-10-23 06:36:42 ",
	};
	uint64_t us;
	size_t i;

	(void)state;
	/* Sysmon UtcTime: UTC without a zone letter */
	assert_int_equal(t_us("2020-10-23 06:36:42.882"),
	    1603435002ull * 1000000 + 882000);
	assert_int_equal(t_us("2020-10-23T06:36:42.882Z"),
	    1603435002ull * 1000000 + 882000);
	/* Defender: 7 fraction digits; the 7th is dropped */
	assert_int_equal(t_us("2022-07-07T12:44:56.2081627Z"),
	    1657197896ull * 1000000 + 208162);
	assert_int_equal(t_us("2019-03-18T16:57:48.07Z"),
	    1552928268ull * 1000000 + 70000);
	assert_int_equal(t_us("2020-10-23T08:36:42+02:00"),
	    1603435002ull * 1000000);
	assert_int_equal(t_us("2020-10-23T01:36:42-0500"),
	    1603435002ull * 1000000);
	assert_int_equal(t_us("2020-02-29 00:00:00"), 1582934400ull * 1000000);
	/* osquery columns.time */
	assert_int_equal(t_us("1527895541"), 1527895541ull * 1000000);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(feed_parse_time(bad[i], strlen(bad[i]), &us),
		    -1);
}

static void
test_parse_addr(void **state)
{
	struct endpoint_addr a;

	(void)state;
	assert_int_equal(feed_parse_addr("10.0.0.1", 8, &a), 0);
	assert_int_equal(a.family, 4);
	assert_int_equal(a.ip[0], 10);
	assert_int_equal(a.ip[4], 0);
	assert_int_equal(feed_parse_addr("::ffff:151.101.208.133", 22, &a), 0);
	assert_int_equal(a.family, 4);
	assert_int_equal(a.ip[0], 151);
	assert_int_equal(a.ip[3], 133);
	assert_int_equal(feed_parse_addr("0:0:0:0:0:0:0:1", 15, &a), 0);
	assert_int_equal(a.family, 6);
	assert_int_equal(a.ip[15], 1);
	assert_int_equal(feed_parse_addr("fe80::1%12", 10, &a), 0);
	assert_int_equal(a.family, 6);
	assert_int_equal(a.ip[0], 0xfe);
	assert_int_equal(feed_parse_addr("", 0, &a), -1);
	assert_int_equal(feed_parse_addr("999.1.1.1", 9, &a), -1);
	assert_int_equal(feed_parse_addr("10.0.0.1 ", 9, &a), -1);
	assert_int_equal(feed_parse_addr("-", 1, &a), -1);
}

/* ---- the samples -------------------------------------------------------- */

static void
test_otrf_every_line(void **state)
{
	const struct feed_endpoint_counters *st;
	struct feed_endpoint *fe;
	struct endpoint_event ev;
	char *buf, *line, *nl;
	size_t len, ci = 0, di = 0;
	int lineno = 0;

	(void)state;
	buf = load("sysmon_eid3_eid22_otrf_flat.jsonl", &len);
	assert_non_null(fe = feed_endpoint_create(0));
	for (line = buf; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		lineno++;
		assert_int_equal(parse_all(fe, line, (size_t)(nl - line), &ev),
		    1);
		assert_int_equal(ev.source, ENDPOINT_SOURCE_SYSMON);
		assert_int_equal(ev.shape, ENDPOINT_SHAPE_SYSMON_FLAT);
		if (ci < sizeof(otrf_conns) / sizeof(otrf_conns[0]) &&
		    otrf_conns[ci].line == lineno)
			check_conn(&ev, &otrf_conns[ci++]);
		else {
			assert_true(di < sizeof(otrf_dns) / sizeof(otrf_dns[0]));
			assert_int_equal(otrf_dns[di].line, lineno);
			check_dns(&ev, &otrf_dns[di++]);
		}
	}
	assert_int_equal(lineno, 23);
	assert_int_equal(ci, 18);
	assert_int_equal(di, 5);
	st = feed_endpoint_counters(fe);
	assert_int_equal(st->connections, 18);
	assert_int_equal(st->dns, 5);
	assert_int_equal(st->by_shape[ENDPOINT_SHAPE_SYSMON_FLAT], 23);
	assert_int_equal(st->records, 23);
	feed_endpoint_destroy(fe);
	free(buf);
}

static void
test_winlogbeat(void **state)
{
	struct feed_endpoint *fe;
	struct endpoint_event ev[3];
	char *buf;
	size_t len;
	int n;

	(void)state;
	assert_non_null(fe = feed_endpoint_create(0));
	buf = load("sysmon_eid3_winlogbeat_ecs.json", &len);
	/* a JSON array: three records from one input */
	assert_int_equal(feed_endpoint_load(fe, buf, len), 3);
	for (n = 0; n < 3; n++) {
		assert_int_equal(feed_endpoint_next(fe, &ev[n]), 1);
		assert_int_equal(ev[n].shape, ENDPOINT_SHAPE_WINLOGBEAT);
		assert_string_equal(ev[n].host, "vagrant-2012-r2");
	}
	assert_int_equal(feed_endpoint_next(fe, &ev[0]), 0);
	/* record 9: a DNS query svchost sent, flagged ingress (Initiated
	 * false): the ports make 10.0.2.15:62141 the client */
	assert_int_equal(ev[0].time_us, t_us("2019-03-18T16:57:48.070Z"));
	assert_int_equal(ev[0].proto, UDP);
	assert_addr(ev[0].family, ev[0].client, "10.0.2.15");
	assert_int_equal(ev[0].cport, 62141);
	assert_addr(ev[0].family, ev[0].server, "10.0.2.3");
	assert_int_equal(ev[0].sport, 53);
	assert_int_equal(ev[0].local, CLI);
	assert_true(ev[0].side_guessed);
	assert_int_equal(ev[0].pid, 924);
	assert_string_equal(ev[0].process, "svchost.exe");
	assert_string_equal(ev[0].executable,
	    "C:\\Windows\\System32\\svchost.exe");
	assert_string_equal(ev[0].entity_id,
	    "{42f11c3b-0bad-5c8c-0000-0010dfbc0000}");
	assert_string_equal(ev[0].user, "NETWORK SERVICE");
	assert_string_equal(ev[0].domain, NTA);
	/* record 10: chrome egress */
	assert_int_equal(ev[1].time_us, t_us("2019-03-18T16:57:48.148Z"));
	assert_int_equal(ev[1].proto, TCP);
	assert_addr(ev[1].family, ev[1].client, "10.0.2.15");
	assert_int_equal(ev[1].cport, 1138);
	assert_addr(ev[1].family, ev[1].server, "40.77.226.250");
	assert_int_equal(ev[1].sport, 443);
	assert_int_equal(ev[1].local, CLI);
	assert_false(ev[1].side_guessed);
	assert_int_equal(ev[1].pid, 1600);
	assert_string_equal(ev[1].process, "chrome.exe");
	assert_string_equal(ev[1].user, "vagrant");
	assert_string_equal(ev[1].domain, "VAGRANT-2012-R2");
	/* record 12: NetBIOS broadcast from System */
	assert_int_equal(ev[2].time_us, t_us("2019-03-18T16:57:48.250Z"));
	assert_int_equal(ev[2].proto, UDP);
	assert_addr(ev[2].family, ev[2].client, "10.0.2.15");
	assert_int_equal(ev[2].cport, 137);
	assert_addr(ev[2].family, ev[2].server, "10.0.2.255");
	assert_int_equal(ev[2].sport, 137);
	assert_int_equal(ev[2].pid, 4);
	assert_string_equal(ev[2].process, "System");
	assert_string_equal(ev[2].user, "SYSTEM");
	free(buf);

	buf = load("sysmon_eid22_winlogbeat_ecs.json", &len);
	assert_int_equal(feed_endpoint_load(fe, buf, len), 2);
	assert_int_equal(feed_endpoint_next(fe, &ev[0]), 1);
	assert_int_equal(feed_endpoint_next(fe, &ev[1]), 1);
	assert_int_equal(feed_endpoint_next(fe, &ev[2]), 0);
	assert_int_equal(ev[0].kind, ENDPOINT_KIND_DNS);
	assert_int_equal(ev[0].time_us, t_us("2019-07-18T03:34:01.239Z"));
	assert_string_equal(ev[0].host, "vagrant-2016");
	assert_string_equal(ev[0].dns_query, "go.microsoft.com");
	assert_int_equal(ev[0].dns_naddrs, 1);
	assert_addr(ev[0].dns_addrs[0].family, ev[0].dns_addrs[0].ip,
	    "23.223.14.67");
	assert_int_equal(ev[0].dns_ncnames, 2);
	assert_string_equal(ev[0].dns_cnames[1], "e11290.dspg.akamaiedge.net");
	assert_int_equal(ev[0].pid, 356);
	assert_string_equal(ev[0].process, "iexplore.exe");
	/* winlog.user is Sysmon's account, not the process's */
	assert_string_equal(ev[0].user, "");
	assert_string_equal(ev[1].dns_query, "www.msn.com");
	assert_addr(ev[1].dns_addrs[0].family, ev[1].dns_addrs[0].ip,
	    "204.79.197.203");
	assert_int_equal(ev[1].pid, 2736);
	/* without dns.answers, Winlogbeat's dns.grouped.ip still names the
	 * addresses */
	{
		json_t *doc = json_loadb(buf, len, 0, NULL), *rec;
		char *line;

		assert_non_null(doc);
		rec = json_object_get(json_array_get(doc, 0), "dns");
		assert_int_equal(json_object_del(rec, "answers"), 0);
		assert_non_null(line = json_dumps(json_array_get(doc, 0),
		    JSON_COMPACT));
		assert_int_equal(parse_all(fe, line, strlen(line), &ev[0]), 1);
		assert_int_equal(ev[0].dns_naddrs, 1);
		assert_addr(ev[0].dns_addrs[0].family, ev[0].dns_addrs[0].ip,
		    "23.223.14.67");
		assert_int_equal(ev[0].dns_ncnames, 0);
		free(line);
		json_decref(doc);
	}
	free(buf);
	feed_endpoint_destroy(fe);
}

static void
check_mde_storage(const struct endpoint_event *ev)
{
	assert_int_equal(ev->kind, ENDPOINT_KIND_CONNECTION);
	assert_int_equal(ev->source, ENDPOINT_SOURCE_DEFENDER);
	/* properties.Timestamp, not the envelope's "time" (2 min later) */
	assert_int_equal(ev->time_us, 1784383122ull * 1000000 + 666487);
	assert_string_equal(ev->host, "mbp16");
	assert_int_equal(ev->proto, TCP);
	assert_addr(ev->family, ev->client, "10.0.0.183");
	assert_int_equal(ev->cport, 53630);
	assert_addr(ev->family, ev->server, "20.42.65.85");
	assert_int_equal(ev->sport, 443);
	assert_int_equal(ev->local, CLI);
	assert_int_equal(ev->pid, 16865);
	assert_string_equal(ev->process, "microsoft update assistant");
	assert_true(strncmp(ev->cmdline, "\"/Library/Application Support/"
	    "Microsoft/MAU2.0/", 47) == 0);
	assert_true(strstr(ev->cmdline, "\" --launchByAgent") != NULL);
	assert_string_equal(ev->user, "rob");
	assert_string_equal(ev->domain, "mbp16");
	assert_string_equal(ev->entity_id, "");	/* UniqueId "0" */
}

static void
check_mde_mscs(const struct endpoint_event *ev)
{
	assert_int_equal(ev->kind, ENDPOINT_KIND_CONNECTION);
	assert_int_equal(ev->source, ENDPOINT_SOURCE_DEFENDER);
	assert_int_equal(ev->time_us, 1657197896ull * 1000000 + 208162);
	assert_string_equal(ev->host, "dcwin2016.lab.local");
	assert_int_equal(ev->proto, TCP);
	assert_addr(ev->family, ev->client, "127.0.0.1");
	assert_int_equal(ev->cport, 63968);
	assert_addr(ev->family, ev->server, "127.0.0.1");
	assert_int_equal(ev->sport, 63967);
	assert_int_equal(ev->pid, 2988);
	assert_string_equal(ev->process, "MsSense.exe");
	assert_string_equal(ev->executable, "c:\\program files\\windows "
	    "defender advanced threat protection\\mssense.exe");
	assert_string_equal(ev->cmdline, "\"MsSense.exe\"");
	assert_string_equal(ev->user, "system");
	assert_string_equal(ev->domain, "nt authority");
}

/* A temporary file holding data; the caller unlinks it. */
static void
write_tmp(char *path, size_t cap, const char *data, size_t len)
{
	int fd;

	snprintf(path, cap, "/tmp/test_feed_endpoint.XXXXXX");
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void
test_defender(void **state)
{
	struct feed_endpoint *fe;
	struct feed_reader *r;
	struct endpoint_event ev;
	json_t *row, *msg, *batch;
	char *a, *b, *line, *blob, path[64];
	size_t alen, blen, n;
	int i;

	(void)state;
	assert_non_null(fe = feed_endpoint_create(0));
	a = load("mde_devicenetworkevents_storage_row.json", &alen);
	b = load("mde_devicenetworkevents_eventhub_msg_splunk_mscs.json",
	    &blen);
	assert_int_equal(parse_all(fe, a, alen, &ev), 1);
	assert_int_equal(ev.shape, ENDPOINT_SHAPE_DEFENDER_STREAM);
	check_mde_storage(&ev);
	/* the Splunk MSCS {"body":{...}} message */
	assert_int_equal(parse_all(fe, b, blen, &ev), 1);
	check_mde_mscs(&ev);

	/* an Event Hub message: {"records":[...]} with both */
	assert_non_null(row = json_loadb(a, alen, 0, NULL));
	assert_non_null(msg = json_loadb(b, blen, 0, NULL));
	batch = json_pack("{s:[O,O]}", "records", row,
	    json_object_get(msg, "body"));
	assert_non_null(batch);
	assert_non_null(line = json_dumps(batch, JSON_COMPACT));
	assert_int_equal(feed_endpoint_load(fe, line, strlen(line)), 2);
	assert_int_equal(feed_endpoint_next(fe, &ev), 1);
	check_mde_storage(&ev);
	assert_int_equal(feed_endpoint_next(fe, &ev), 1);
	check_mde_mscs(&ev);
	assert_int_equal(feed_endpoint_next(fe, &ev), 0);
	free(line);

	/* a bare DeviceNetworkEvents row (Advanced Hunting export) */
	assert_non_null(line = json_dumps(json_object_get(row, "properties"),
	    JSON_COMPACT));
	assert_int_equal(parse_all(fe, line, strlen(line), &ev), 1);
	assert_int_equal(ev.shape, ENDPOINT_SHAPE_DEFENDER_ROW);
	check_mde_storage(&ev);
	free(line);

	/* a Storage blob: JSON lines ending in CRLF, through the reader */
	assert_non_null(line = json_dumps(row, JSON_COMPACT));
	n = strlen(line);
	blob = malloc(3 * (n + 2) + 1);
	assert_non_null(blob);
	for (i = 0; i < 3; i++) {
		memcpy(blob + i * (n + 2), line, n);
		memcpy(blob + i * (n + 2) + n, "\r\n", 2);
	}
	write_tmp(path, sizeof(path), blob, 3 * (n + 2));
	assert_non_null(r = feed_reader_open(path, 0, 0));
	for (i = 0; i < 3; i++) {
		assert_int_equal(feed_reader_next_event(r, fe, &ev), 1);
		check_mde_storage(&ev);
	}
	assert_int_equal(feed_reader_next_event(r, fe, &ev), 0);
	assert_true(feed_reader_done(r));
	feed_reader_close(r);
	unlink(path);
	free(blob);
	free(line);

	/* other tables and actions are not connections */
	json_object_set_new(row, "category",
	    json_string("AdvancedHunting-DeviceProcessEvents"));
	assert_non_null(line = json_dumps(row, JSON_COMPACT));
	assert_int_equal(parse_all(fe, line, strlen(line), &ev), 0);
	free(line);
	json_object_set_new(row, "category",
	    json_string("AdvancedHunting-DeviceNetworkEvents"));
	json_object_set_new(json_object_get(row, "properties"), "ActionType",
	    json_string("ListeningConnectionCreated"));
	assert_non_null(line = json_dumps(row, JSON_COMPACT));
	assert_int_equal(parse_all(fe, line, strlen(line), &ev), 0);
	free(line);
	/* an accepted inbound connection: the remote end is the client */
	json_object_set_new(json_object_get(row, "properties"), "ActionType",
	    json_string("InboundConnectionAccepted"));
	assert_non_null(line = json_dumps(row, JSON_COMPACT));
	assert_int_equal(parse_all(fe, line, strlen(line), &ev), 1);
	assert_addr(ev.family, ev.client, "20.42.65.85");
	assert_int_equal(ev.cport, 443);
	assert_addr(ev.family, ev.server, "10.0.0.183");
	assert_int_equal(ev.sport, 53630);
	assert_int_equal(ev.local, SRV);
	free(line);
	assert_int_equal(feed_endpoint_counters(fe)->skipped[
	    FEED_SKIP_NOT_NETWORK], 2);
	json_decref(batch);
	json_decref(row);
	json_decref(msg);
	free(a);
	free(b);
	feed_endpoint_destroy(fe);
}

static void
test_osquery(void **state)
{
	static const char pos[] = "{\"name\":\"process_open_sockets\","
	    "\"hostIdentifier\":\"web1\",\"unixTime\":1700000000,"
	    "\"action\":\"added\",\"columns\":{\"pid\":\"812\",\"fd\":\"7\","
	    "\"family\":\"2\",\"protocol\":\"6\",\"local_address\":"
	    "\"10.1.2.3\",\"local_port\":\"51000\",\"remote_address\":"
	    "\"93.184.216.34\",\"remote_port\":\"443\",\"path\":"
	    "\"/usr/bin/python3\",\"state\":\"ESTABLISHED\"}}";
	static const char listen[] = "{\"name\":\"process_open_sockets\","
	    "\"hostIdentifier\":\"web1\",\"unixTime\":1700000000,"
	    "\"columns\":{\"pid\":\"1\",\"family\":\"2\",\"protocol\":\"6\","
	    "\"local_address\":\"0.0.0.0\",\"local_port\":\"22\","
	    "\"remote_address\":\"0.0.0.0\",\"remote_port\":\"0\","
	    "\"path\":\"/usr/sbin/sshd\",\"state\":\"LISTEN\"}}";
	static const char ifaddr[] = "{\"name\":\"interface_addresses\","
	    "\"hostIdentifier\":\"web1\",\"unixTime\":1700000000,"
	    "\"decorations\":{\"hostname\":\"Web1.Example.\"},"
	    "\"columns\":{\"interface\":\"eth0\",\"address\":\"10.1.2.3\","
	    "\"mask\":\"255.255.255.0\"}}";
	static const char snap[] = "{\"name\":\"pack/net/sockets\","
	    "\"hostIdentifier\":\"web1\",\"unixTime\":1700000100,"
	    "\"action\":\"snapshot\",\"snapshot\":[{\"pid\":\"9\","
	    "\"protocol\":\"17\",\"local_address\":\"10.1.2.3\","
	    "\"local_port\":\"40000\",\"remote_address\":\"1.1.1.1\","
	    "\"remote_port\":\"53\",\"path\":\"/usr/bin/dig\"},{\"pid\":\"10\","
	    "\"protocol\":\"6\",\"local_address\":\"::ffff:10.1.2.3\","
	    "\"local_port\":\"22\",\"remote_address\":\"192.0.2.9\","
	    "\"remote_port\":\"50123\",\"path\":\"/usr/sbin/sshd\"}]}";
	static const char bind[] = "{\"name\":\"socket_events\","
	    "\"hostIdentifier\":\"web1\",\"unixTime\":1,\"columns\":{"
	    "\"action\":\"bind\",\"time\":\"1527895541\",\"remote_address\":"
	    "\"0.0.0.0\",\"remote_port\":\"0\",\"local_address\":\"0.0.0.0\","
	    "\"local_port\":\"8080\",\"path\":\"/x\",\"pid\":\"1\"}}";
	static const char numerics[] = "{\"name\":\"socket_events\","
	    "\"hostIdentifier\":\"h\",\"unixTime\":1527895545,"
	    "\"numerics\":true,\"columns\":{\"action\":\"connect\","
	    "\"time\":1527895541,\"protocol\":17,\"family\":2,"
	    "\"local_address\":\"\",\"local_port\":0,\"remote_address\":"
	    "\"192.0.2.53\",\"remote_port\":53,\"path\":\"/bin/x\","
	    "\"pid\":77}}";
	struct feed_endpoint *fe;
	struct endpoint_event ev, ev2;
	char *buf;
	size_t len;

	(void)state;
	assert_non_null(fe = feed_endpoint_create(0));
	buf = load("osquery_socket_events_docs.json", &len);
	assert_int_equal(parse_all(fe, buf, len, &ev), 1);
	assert_int_equal(ev.shape, ENDPOINT_SHAPE_OSQUERY);
	assert_int_equal(ev.source, ENDPOINT_SOURCE_OSQUERY);
	assert_int_equal(ev.kind, ENDPOINT_KIND_CONNECTION);
	/* columns.time, not unixTime (4 s later) */
	assert_int_equal(ev.time_us, 1527895541ull * 1000000);
	assert_false(ev.time_snapshot);
	assert_string_equal(ev.host, "vagrant");
	assert_int_equal(ev.proto, TCP);
	assert_false(ev.client_known);	/* local_address "", port "0" */
	assert_int_equal(ev.cport, 0);
	assert_addr(ev.family, ev.server, "172.217.164.110");
	assert_int_equal(ev.sport, 80);
	assert_int_equal(ev.local, CLI);
	assert_int_equal(ev.pid, 30220);
	assert_string_equal(ev.executable, "/usr/bin/curl");
	assert_string_equal(ev.process, "curl");
	free(buf);

	assert_int_equal(parse_all(fe, pos, strlen(pos), &ev), 1);
	assert_true(ev.time_snapshot);
	assert_int_equal(ev.time_us, 1700000000ull * 1000000);
	assert_true(ev.client_known);
	assert_true(ev.side_guessed);
	assert_addr(ev.family, ev.client, "10.1.2.3");
	assert_int_equal(ev.cport, 51000);
	assert_addr(ev.family, ev.server, "93.184.216.34");
	assert_int_equal(ev.sport, 443);
	assert_int_equal(ev.local, CLI);
	assert_string_equal(ev.process, "python3");
	/* --logger_numerics: numbers instead of strings */
	assert_int_equal(parse_all(fe, numerics, strlen(numerics), &ev), 1);
	assert_int_equal(ev.time_us, 1527895541ull * 1000000);
	assert_int_equal(ev.proto, UDP);
	assert_addr(ev.family, ev.server, "192.0.2.53");
	assert_int_equal(ev.sport, 53);
	assert_int_equal(ev.pid, 77);
	assert_int_equal(parse_all(fe, listen, strlen(listen), &ev), 0);
	assert_int_equal(parse_all(fe, bind, strlen(bind), &ev), 0);
	assert_int_equal(feed_endpoint_counters(fe)->skipped[
	    FEED_SKIP_NOT_NETWORK], 2);
	assert_int_equal(parse_all(fe, ifaddr, strlen(ifaddr), &ev), 1);
	assert_int_equal(ev.kind, ENDPOINT_KIND_HOST_ADDR);
	assert_string_equal(ev.host, "web1.example");
	assert_addr(ev.family, ev.client, "10.1.2.3");

	assert_int_equal(feed_endpoint_load(fe, snap, strlen(snap)), 2);
	assert_int_equal(feed_endpoint_next(fe, &ev), 1);
	assert_int_equal(feed_endpoint_next(fe, &ev2), 1);
	assert_int_equal(feed_endpoint_next(fe, &ev2), 1 - 1);
	assert_int_equal(ev.proto, UDP);
	assert_addr(ev.family, ev.client, "10.1.2.3");
	assert_addr(ev.family, ev.server, "1.1.1.1");
	assert_int_equal(ev.sport, 53);
	assert_int_equal(ev.time_us, 1700000100ull * 1000000);
	feed_endpoint_destroy(fe);
	/* second snapshot row: sshd's accepted session, the local end is
	 * the server; checked through a fresh load */
	assert_non_null(fe = feed_endpoint_create(0));
	assert_int_equal(feed_endpoint_load(fe, snap, strlen(snap)), 2);
	assert_int_equal(feed_endpoint_next(fe, &ev), 1);
	assert_int_equal(feed_endpoint_next(fe, &ev), 1);
	assert_int_equal(ev.family, 4);	/* IPv4-mapped local address */
	assert_addr(ev.family, ev.client, "192.0.2.9");
	assert_int_equal(ev.cport, 50123);
	assert_addr(ev.family, ev.server, "10.1.2.3");
	assert_int_equal(ev.sport, 22);
	assert_int_equal(ev.local, SRV);
	assert_string_equal(ev.process, "sshd");
	feed_endpoint_destroy(fe);
}

/* The samples that are not network connections, each with its reason. */
static void
test_skipped_samples(void **state)
{
	static const struct {
		const char	*file;
		int		 by_line;
		enum feed_skip	 why;
		int		 count;
	} skips[] = {
		{ "auditd_connect_raw_go-libaudit.log", 1, FEED_SKIP_NOT_JSON,
		    4 },
		{ "auditd_connect_go-libaudit_coalesced.json", 0,
		    FEED_SKIP_UNKNOWN, 1 },
		{ "falco_alert_json_envelope_elastic.jsonl", 1,
		    FEED_SKIP_UNKNOWN, 1 },
		{ "tetragon_process_connect_isovalent_book.jsonl", 1,
		    FEED_SKIP_UNKNOWN, 2 },
		{ "sysmon_nxlog_im_msvistalog_eid25_openedr.json", 0,
		    FEED_SKIP_NOT_NETWORK, 1 },
	};
	const struct feed_endpoint_counters *st;
	struct feed_endpoint *fe;
	struct feed_reader *r;
	struct endpoint_event ev;
	char *buf, path[1100];
	size_t len, i, k;

	(void)state;
	for (i = 0; i < sizeof(skips) / sizeof(skips[0]); i++) {
		assert_non_null(fe = feed_endpoint_create(0));
		if (skips[i].by_line) {
			data_path(skips[i].file, path, sizeof(path));
			assert_non_null(r = feed_reader_open(path, 0, 0));
			assert_int_equal(feed_reader_next_event(r, fe, &ev),
			    0);
			assert_true(feed_reader_done(r));
			feed_reader_close(r);
		} else {
			buf = load(skips[i].file, &len);
			assert_int_equal(parse_all(fe, buf, len, &ev), 0);
			free(buf);
		}
		st = feed_endpoint_counters(fe);
		for (k = 0; k < FEED_SKIP_MAX; k++)
			assert_int_equal(st->skipped[k], k == skips[i].why ?
			    (uint64_t)skips[i].count : 0);
		assert_int_equal(st->connections + st->dns, 0);
		feed_endpoint_destroy(fe);
	}
}

/* ---- Sysmon details: the ProcessGuid cache, NXLog's ProcessID ----------- */

static void
test_sysmon_cache_and_pid(void **state)
{
	static const char eid1[] = "{\"EventID\":1,\"SourceName\":"
	    "\"Microsoft-Windows-Sysmon\",\"Hostname\":\"WS1\",\"UtcTime\":"
	    "\"2024-01-02 03:04:05.006\",\"ProcessGuid\":\"{aaaa-1}\","
	    "\"ProcessId\":\"4242\",\"Image\":\"C:\\\\Windows\\\\System32\\\\"
	    "WindowsPowerShell\\\\v1.0\\\\powershell.exe\",\"CommandLine\":"
	    "\"powershell -nop -w hidden -enc SQBFAFgA\",\"User\":"
	    "\"CORP\\\\alice\"}";
	static const char eid3[] = "{\"EventID\":3,\"SourceName\":"
	    "\"Microsoft-Windows-Sysmon\",\"Hostname\":\"WS1\",\"UtcTime\":"
	    "\"2024-01-02 03:04:06.000\",\"ProcessGuid\":\"{aaaa-1}\","
	    "\"ProcessId\":\"4242\",\"Image\":\"C:\\\\x\\\\powershell.exe\","
	    "\"User\":\"CORP\\\\alice\",\"Protocol\":\"tcp\",\"Initiated\":"
	    "\"true\",\"SourceIp\":\"10.0.0.5\",\"SourcePort\":\"50000\","
	    "\"DestinationIp\":\"203.0.113.10\",\"DestinationPort\":\"443\"}";
	/* NXLog's layout: the header ProcessID (the Sysmon service) and no
	 * ProcessId; the Message still has it */
	static const char nxlog[] = "{\"EventID\":3,\"SourceName\":"
	    "\"Microsoft-Windows-Sysmon\",\"Hostname\":\"WS1\",\"ProcessID\":"
	    "11220,\"UtcTime\":\"2024-01-02 03:04:06.000\",\"ProcessGuid\":"
	    "\"{bbbb-2}\",\"Image\":\"C:\\\\x\\\\curl.exe\",\"Protocol\":"
	    "\"tcp\",\"Initiated\":true,\"SourceIp\":\"10.0.0.5\","
	    "\"SourcePort\":50001,\"DestinationIp\":\"203.0.113.10\","
	    "\"DestinationPort\":443,\"Message\":\"Network connection detected:"
	    "\\r\\nRuleName: -\\r\\nProcessGuid: {bbbb-2}\\r\\nProcessId: 777"
	    "\\r\\nImage: C:\\\\x\\\\curl.exe\"}";
	static const char nxlog_nomsg[] = "{\"EventID\":3,\"SourceName\":"
	    "\"Microsoft-Windows-Sysmon\",\"Hostname\":\"WS1\",\"ProcessID\":"
	    "11220,\"UtcTime\":\"2024-01-02 03:04:06.000\",\"Image\":\"curl\","
	    "\"Protocol\":\"tcp\",\"SourceIp\":\"10.0.0.5\",\"SourcePort\":"
	    "50001,\"DestinationIp\":\"203.0.113.10\",\"DestinationPort\":443}";
	/* Winlogbeat without its sysmon processor: winlog.event_data */
	static const char wlb_raw[] = "{\"@timestamp\":\"2024-01-02T03:04:07Z\","
	    "\"winlog\":{\"provider_name\":\"Microsoft-Windows-Sysmon\","
	    "\"event_id\":\"3\",\"computer_name\":\"WS1.corp.example\","
	    "\"event_data\":{\"UtcTime\":\"2024-01-02 03:04:07.000\","
	    "\"ProcessGuid\":\"{aaaa-1}\",\"ProcessId\":\"4242\",\"Image\":"
	    "\"C:\\\\p\\\\powershell.exe\",\"Protocol\":\"udp\",\"Initiated\":"
	    "\"true\",\"SourceIp\":\"::ffff:10.0.0.5\",\"SourcePort\":\"50002\","
	    "\"DestinationIp\":\"10.0.0.1\",\"DestinationPort\":\"53\"}}}";
	const struct feed_endpoint_counters *st;
	struct feed_endpoint *fe;
	struct endpoint_event ev;

	(void)state;
	assert_non_null(fe = feed_endpoint_create(2));
	assert_int_equal(parse_all(fe, eid1, strlen(eid1), &ev), 0);
	assert_int_equal(parse_all(fe, eid3, strlen(eid3), &ev), 1);
	assert_string_equal(ev.cmdline, "powershell -nop -w hidden -enc "
	    "SQBFAFgA");
	assert_string_equal(ev.user, "alice");
	assert_string_equal(ev.domain, "CORP");
	assert_string_equal(ev.host, "ws1");
	assert_int_equal(ev.pid, 4242);
	assert_int_equal(parse_all(fe, nxlog, strlen(nxlog), &ev), 1);
	assert_int_equal(ev.pid, 777);
	assert_string_equal(ev.cmdline, "");	/* {bbbb-2}: no event 1 */
	assert_int_equal(parse_all(fe, nxlog_nomsg, strlen(nxlog_nomsg), &ev),
	    1);
	assert_int_equal(ev.pid, 0);		/* never 11220 */
	assert_int_equal(parse_all(fe, wlb_raw, strlen(wlb_raw), &ev), 1);
	assert_int_equal(ev.shape, ENDPOINT_SHAPE_WINLOGBEAT);
	assert_int_equal(ev.time_us, t_us("2024-01-02T03:04:07Z"));
	assert_string_equal(ev.host, "ws1.corp.example");
	assert_int_equal(ev.family, 4);
	assert_addr(ev.family, ev.client, "10.0.0.5");
	assert_int_equal(ev.sport, 53);
	assert_string_equal(ev.cmdline, "powershell -nop -w hidden -enc "
	    "SQBFAFgA");
	st = feed_endpoint_counters(fe);
	assert_int_equal(st->process_creates, 1);
	assert_int_equal(st->cache_hits, 2);
	assert_int_equal(st->cache_misses, 1);
	feed_endpoint_destroy(fe);
}

/* The cache is bounded: the oldest ProcessGuid goes first. */
static void
test_sysmon_cache_bounded(void **state)
{
	char rec[512];
	struct feed_endpoint *fe;
	struct endpoint_event ev;
	int i;

	(void)state;
	assert_non_null(fe = feed_endpoint_create(4));
	for (i = 0; i < 10; i++) {
		snprintf(rec, sizeof(rec), "{\"EventID\":1,\"UtcTime\":"
		    "\"2024-01-02 03:04:05\",\"ProcessGuid\":\"{g-%d}\","
		    "\"CommandLine\":\"cmd %d\"}", i, i);
		assert_int_equal(parse_all(fe, rec, strlen(rec), &ev), 0);
	}
	assert_int_equal(feed_endpoint_counters(fe)->cache_evicted, 6);
	for (i = 0; i < 10; i++) {
		snprintf(rec, sizeof(rec), "{\"EventID\":3,\"UtcTime\":"
		    "\"2024-01-02 03:04:06\",\"ProcessGuid\":\"{g-%d}\","
		    "\"Protocol\":\"tcp\",\"SourceIp\":\"10.0.0.5\","
		    "\"SourcePort\":\"1\",\"DestinationIp\":\"10.0.0.6\","
		    "\"DestinationPort\":\"2\"}", i);
		assert_int_equal(parse_all(fe, rec, strlen(rec), &ev), 1);
		if (i < 6)
			assert_string_equal(ev.cmdline, "");
		else {
			char want[16];

			snprintf(want, sizeof(want), "cmd %d", i);
			assert_string_equal(ev.cmdline, want);
		}
	}
	feed_endpoint_destroy(fe);
}

/* ---- truncation at every offset ----------------------------------------- */

/* Every proper prefix of rec: no event, one skip (not_json for the empty
 * and blank prefixes, malformed for the rest). */
static void
truncate_everywhere(struct feed_endpoint *fe, const char *rec, size_t len)
{
	const struct feed_endpoint_counters *st = feed_endpoint_counters(fe);
	struct endpoint_event ev;
	uint64_t before;
	size_t cut;
	char *copy;

	while (len > 0 && (rec[len - 1] == '\n' || rec[len - 1] == '\r' ||
	    rec[len - 1] == ' '))
		len--;
	for (cut = 0; cut < len; cut++) {
		/* an exact-size copy so ASan sees any read past the cut */
		copy = malloc(cut > 0 ? cut : 1);
		assert_non_null(copy);
		memcpy(copy, rec, cut);
		before = st->skipped[FEED_SKIP_MALFORMED] +
		    st->skipped[FEED_SKIP_NOT_JSON];
		assert_int_equal(feed_endpoint_load(fe, copy, cut), 0);
		assert_int_equal(feed_endpoint_next(fe, &ev), 0);
		assert_int_equal(st->skipped[FEED_SKIP_MALFORMED] +
		    st->skipped[FEED_SKIP_NOT_JSON], before + 1);
		free(copy);
	}
	/* and the whole record still parses */
	assert_true(feed_endpoint_load(fe, rec, len) > 0);
	while (feed_endpoint_next(fe, &ev))
		;
}

static void
test_truncate_every_offset(void **state)
{
	static const char *docs[] = {
		"sysmon_eid3_winlogbeat_ecs.json",
		"sysmon_eid22_winlogbeat_ecs.json",
		"mde_devicenetworkevents_storage_row.json",
		"mde_devicenetworkevents_eventhub_msg_splunk_mscs.json",
		"osquery_socket_events_docs.json",
	};
	const struct feed_endpoint_counters *st;
	struct feed_endpoint *fe;
	char *buf, *line, *nl;
	size_t len, i;
	uint64_t conns;

	(void)state;
	assert_non_null(fe = feed_endpoint_create(0));
	st = feed_endpoint_counters(fe);
	buf = load("sysmon_eid3_eid22_otrf_flat.jsonl", &len);
	for (line = buf; (nl = strchr(line, '\n')) != NULL; line = nl + 1)
		truncate_everywhere(fe, line, (size_t)(nl - line));
	free(buf);
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		buf = load(docs[i], &len);
		truncate_everywhere(fe, buf, len);
		free(buf);
	}
	/* only the whole records made events: 23 + 3 + 2 + 1 + 1 + 1 */
	conns = st->connections + st->dns;
	assert_int_equal(conns, 31);
	assert_int_equal(st->skipped[FEED_SKIP_BAD_FIELD], 0);
	assert_int_equal(st->skipped[FEED_SKIP_UNKNOWN], 0);
	feed_endpoint_destroy(fe);
}

/* ---- hostile records ---------------------------------------------------- */

static void
test_hostile(void **state)
{
	static const char *bad_field[] = {
		/* wrong types and values in an otherwise good event 3 */
		"{\"EventID\":3,\"UtcTime\":\"2024-01-02 03:04:06\","
		"\"ProcessGuid\":\"{x}\",\"Protocol\":\"tcp\",\"SourceIp\":"
		"\"10.0.0.5\",\"SourcePort\":{\"a\":1},\"DestinationIp\":"
		"\"10.0.0.6\",\"DestinationPort\":\"2\"}",
		"{\"EventID\":3,\"UtcTime\":\"2024-01-02 03:04:06\","
		"\"ProcessGuid\":\"{x}\",\"Protocol\":\"tcp\",\"SourceIp\":"
		"\"999.0.0.5\",\"SourcePort\":1,\"DestinationIp\":"
		"\"10.0.0.6\",\"DestinationPort\":\"2\"}",
		"{\"EventID\":3,\"UtcTime\":\"2024-01-02 03:04:06\","
		"\"ProcessGuid\":\"{x}\",\"Protocol\":\"tcp\",\"SourceIp\":"
		"\"10.0.0.5\",\"SourcePort\":65536,\"DestinationIp\":"
		"\"10.0.0.6\",\"DestinationPort\":\"2\"}",
		"{\"EventID\":3,\"UtcTime\":5,\"ProcessGuid\":\"{x}\","
		"\"Protocol\":\"tcp\",\"SourceIp\":\"10.0.0.5\",\"SourcePort\":1,"
		"\"DestinationIp\":\"10.0.0.6\",\"DestinationPort\":\"2\"}",
		"{\"EventID\":[3],\"UtcTime\":\"2024-01-02 03:04:06\","
		"\"ProcessGuid\":\"{x}\"}",
		"{\"EventID\":3,\"UtcTime\":\"2024-01-02 03:04:06\","
		"\"ProcessGuid\":\"{x}\",\"Protocol\":\"tcp\",\"SourceIp\":"
		"\"10.0.0.5\",\"SourcePort\":1,\"DestinationIp\":\"::1\","
		"\"DestinationPort\":\"2\"}",
		"{\"EventID\":3,\"UtcTime\":\"2024-01-02 03:04:06\","
		"\"ProcessGuid\":\"{x}\",\"Protocol\":\"tcp\",\"SourceIp\":"
		"\"10.0.0.5\",\"SourcePort\":-1,\"DestinationIp\":\"10.0.0.6\","
		"\"DestinationPort\":1.5}",
	};
	static const char *malformed[] = {
		"{}x", "{\"a\":\"\\u0000\"}", "{\"a\":\"\xff\xfe\"}",
		"{\"a\":1,}", "[1,2", "{\"a\":1e99999}",
	};
	static const char icmp[] = "{\"EventID\":3,\"UtcTime\":"
	    "\"2024-01-02 03:04:06\",\"ProcessGuid\":\"{x}\",\"Protocol\":"
	    "\"icmp\",\"SourceIp\":\"10.0.0.5\",\"SourcePort\":0,"
	    "\"DestinationIp\":\"10.0.0.6\",\"DestinationPort\":0}";
	const struct feed_endpoint_counters *st;
	struct feed_endpoint *fe;
	struct endpoint_event ev;
	char *big;
	size_t i, n;

	(void)state;
	assert_non_null(fe = feed_endpoint_create(0));
	st = feed_endpoint_counters(fe);
	for (i = 0; i < sizeof(bad_field) / sizeof(bad_field[0]); i++)
		assert_int_equal(parse_all(fe, bad_field[i],
		    strlen(bad_field[i]), &ev), 0);
	assert_int_equal(st->skipped[FEED_SKIP_BAD_FIELD], 7);
	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++)
		assert_int_equal(parse_all(fe, malformed[i],
		    strlen(malformed[i]), &ev), 0);
	assert_int_equal(st->skipped[FEED_SKIP_MALFORMED], 6);
	assert_int_equal(parse_all(fe, icmp, strlen(icmp), &ev), 0);
	assert_int_equal(st->skipped[FEED_SKIP_TRANSPORT], 1);

	/* nesting: 32 levels go to jansson, 33 do not */
	big = malloc(FEED_DOC_MAX + 2);
	assert_non_null(big);
	memset(big, '[', 32);
	memset(big + 32, ']', 32);
	assert_int_equal(parse_all(fe, big, 64, &ev), 0);
	assert_int_equal(st->skipped[FEED_SKIP_UNKNOWN], 1);
	memset(big, '[', 33);
	memset(big + 33, ']', 33);
	assert_int_equal(parse_all(fe, big, 66, &ev), 0);
	assert_int_equal(st->skipped[FEED_SKIP_TOO_DEEP], 1);
	/* a million opening brackets: stopped by the scan */
	memset(big, '[', 1000000);
	assert_int_equal(parse_all(fe, big, 1000000, &ev), 0);
	assert_int_equal(st->skipped[FEED_SKIP_TOO_DEEP], 2);
	/* a document over the cap */
	memset(big, ' ', FEED_DOC_MAX + 1);
	big[0] = '{';
	big[FEED_DOC_MAX] = '}';
	assert_int_equal(parse_all(fe, big, FEED_DOC_MAX + 1, &ev), 0);
	assert_int_equal(st->skipped[FEED_SKIP_OVERSIZED], 1);

	/* a 100 kB command line is cut on a character boundary */
	n = (size_t)snprintf(big, 256, "{\"EventID\":3,\"UtcTime\":"
	    "\"2024-01-02 03:04:06\",\"Protocol\":\"tcp\",\"SourceIp\":"
	    "\"10.0.0.5\",\"SourcePort\":1,\"DestinationIp\":\"10.0.0.6\","
	    "\"DestinationPort\":2,\"ProcessGuid\":\"{");
	memset(big + n, 'g', 100000);
	n += 100000;
	n += (size_t)snprintf(big + n, 256, "}\",\"Image\":\"");
	memset(big + n, 'a', ENDPOINT_PATH_MAX - 2);
	n += ENDPOINT_PATH_MAX - 2;
	memcpy(big + n, "\xc3\xa9\"}", 4);	/* U+00E9 across the cut */
	n += 4;
	assert_int_equal(parse_all(fe, big, n, &ev), 1);
	assert_true(ev.truncated);
	assert_int_equal(strlen(ev.entity_id), ENDPOINT_ENTITY_MAX - 1);
	assert_int_equal(strlen(ev.executable), ENDPOINT_PATH_MAX - 2);
	assert_int_equal(st->truncated, 1);

	/* a batch over FEED_BATCH_MAX: the rest is counted */
	n = 0;
	n += (size_t)snprintf(big, 32, "{\"records\":[");
	for (i = 0; i < FEED_BATCH_MAX + 5; i++) {
		memcpy(big + n, "[],", 3);
		n += 3;
	}
	big[n - 1] = ']';
	big[n++] = '}';
	assert_int_equal(feed_endpoint_load(fe, big, n), FEED_BATCH_MAX);
	while (feed_endpoint_next(fe, &ev))
		fail();
	assert_int_equal(st->skipped[FEED_SKIP_BATCH_OVERFLOW], 5);
	assert_int_equal(st->skipped[FEED_SKIP_UNKNOWN], 1 + FEED_BATCH_MAX);

	/* records that are not objects */
	assert_int_equal(parse_all(fe, "[1,\"a\",null]", 12, &ev), 0);
	assert_int_equal(st->skipped[FEED_SKIP_UNKNOWN], 4 + FEED_BATCH_MAX);
	assert_int_equal(parse_all(fe, "\xef\xbb\xbf  nope", 9, &ev), 0);
	assert_int_equal(st->skipped[FEED_SKIP_NOT_JSON], 1);
	free(big);
	feed_endpoint_destroy(fe);
}

/* ---- the reader --------------------------------------------------------- */

static void
append(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
}

/* Polls until a line comes or 50 polls pass; returns 1 with the line. */
static int
poll_line(struct feed_reader *r, char *out, size_t cap)
{
	const char *line;
	size_t len;
	int i;

	for (i = 0; i < 50; i++) {
		if (feed_reader_next_line(r, &line, &len)) {
			snprintf(out, cap, "%.*s", (int)len, line);
			return 1;
		}
		(void)feed_reader_poll(r);
	}
	return 0;
}

static void
test_reader_lines(void **state)
{
	const struct feed_reader_counters *st;
	struct feed_reader *r;
	char path[64], got[128], *big;

	(void)state;
	/* CRLF, blank lines, a last line without a newline */
	write_tmp(path, sizeof(path), "a\r\n\r\n\nb\nlast", 13);
	assert_non_null(r = feed_reader_open(path, 0, 0));
	assert_true(poll_line(r, got, sizeof(got)));
	assert_string_equal(got, "a");
	assert_true(poll_line(r, got, sizeof(got)));
	assert_string_equal(got, "b");
	assert_true(poll_line(r, got, sizeof(got)));
	assert_string_equal(got, "last");
	assert_false(poll_line(r, got, sizeof(got)));
	assert_true(feed_reader_done(r));
	st = feed_reader_counters(r);
	assert_int_equal(st->lines, 3);
	assert_int_equal(st->blank, 2);
	feed_reader_close(r);
	unlink(path);

	/* over-long lines are skipped to their end, also across polls */
	big = malloc(300001);
	assert_non_null(big);
	memset(big, 'x', 300000);
	big[300000] = '\0';
	write_tmp(path, sizeof(path), "short\n", 6);
	append(path, big);
	append(path, "\nok\n");
	memset(big, 'y', 100);
	big[100] = '\0';
	append(path, big);
	append(path, "\nend\n");
	assert_non_null(r = feed_reader_open(path, 0, 64));
	assert_true(poll_line(r, got, sizeof(got)));
	assert_string_equal(got, "short");
	assert_true(poll_line(r, got, sizeof(got)));
	assert_string_equal(got, "ok");
	assert_true(poll_line(r, got, sizeof(got)));
	assert_string_equal(got, "end");
	assert_int_equal(feed_reader_counters(r)->oversized, 2);
	feed_reader_close(r);
	unlink(path);
	free(big);

	assert_null(feed_reader_open("/nonexistent/feed.json", 0, 0));
	assert_int_equal(errno, ENOENT);
}

static void
test_reader_follow(void **state)
{
	const struct feed_reader_counters *st;
	struct feed_reader *r;
	char path[64], rot[80], got[128];
	int oldfd;

	(void)state;
	write_tmp(path, sizeof(path), "1\n", 2);
	assert_non_null(r = feed_reader_open(path, FEED_READER_FOLLOW, 0));
	st = feed_reader_counters(r);
	assert_true(poll_line(r, got, sizeof(got)));
	assert_string_equal(got, "1");
	/* a partial line waits for its newline */
	append(path, "{\"par");
	assert_false(poll_line(r, got, sizeof(got)));
	assert_false(feed_reader_done(r));
	append(path, "tial\":1}\n");
	assert_true(poll_line(r, got, sizeof(got)));
	assert_string_equal(got, "{\"partial\":1}");

	/* rotation: rename, the writer finishes the old file, a new file */
	oldfd = open(path, O_WRONLY | O_APPEND);
	assert_true(oldfd >= 0);
	snprintf(rot, sizeof(rot), "%s.1", path);
	assert_int_equal(rename(path, rot), 0);
	assert_false(poll_line(r, got, sizeof(got)));	/* path absent */
	assert_int_equal(write(oldfd, "2\n", 2), 2);
	close(oldfd);
	append(path, "3\n");
	assert_true(poll_line(r, got, sizeof(got)));
	assert_string_equal(got, "2");	/* the old file is drained first */
	assert_true(poll_line(r, got, sizeof(got)));
	assert_string_equal(got, "3");
	assert_int_equal(st->reopened, 1);
	unlink(rot);

	/* copytruncate: copied away, truncated in place, written again */
	append(path, "4\n");
	assert_true(poll_line(r, got, sizeof(got)));
	assert_string_equal(got, "4");
	assert_int_equal(truncate(path, 0), 0);
	append(path, "5\n");
	assert_true(poll_line(r, got, sizeof(got)));
	assert_string_equal(got, "5");
	assert_int_equal(st->truncations, 1);

	/* a partial line lost to a truncation is counted, not glued on */
	append(path, "6\n{\"torn");
	assert_true(poll_line(r, got, sizeof(got)));
	assert_string_equal(got, "6");
	assert_int_equal(truncate(path, 0), 0);
	append(path, "7\n");
	assert_true(poll_line(r, got, sizeof(got)));
	assert_string_equal(got, "7");
	assert_int_equal(st->truncations, 2);
	assert_int_equal(st->partial_dropped, 6);	/* {"torn */
	assert_false(feed_reader_done(r));
	feed_reader_close(r);
	unlink(path);

	/* a file that appears later */
	snprintf(rot, sizeof(rot), "%s.late", path);
	assert_non_null(r = feed_reader_open(rot, FEED_READER_FOLLOW, 0));
	assert_false(poll_line(r, got, sizeof(got)));
	append(rot, "hello\n");
	assert_true(poll_line(r, got, sizeof(got)));
	assert_string_equal(got, "hello");
	feed_reader_close(r);
	unlink(rot);

	/* FROM_END: only what is written after the open */
	write_tmp(path, sizeof(path), "old\n", 4);
	assert_non_null(r = feed_reader_open(path, FEED_READER_FOLLOW |
	    FEED_READER_FROM_END, 0));
	assert_false(poll_line(r, got, sizeof(got)));
	append(path, "new\n");
	assert_true(poll_line(r, got, sizeof(got)));
	assert_string_equal(got, "new");
	feed_reader_close(r);
	unlink(path);
}

static uint64_t
mono_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec;
}

/* Standard input from a pipe: polling an empty pipe returns at once. */
static void
test_reader_stdin(void **state)
{
	struct feed_reader *r;
	char got[128];
	int p[2], saved;
	uint64_t t0;

	(void)state;
	assert_int_equal(pipe(p), 0);
	saved = dup(STDIN_FILENO);
	assert_true(saved >= 0);
	assert_int_equal(dup2(p[0], STDIN_FILENO), STDIN_FILENO);
	close(p[0]);
	assert_non_null(r = feed_reader_open("-", FEED_READER_FOLLOW, 0));
	t0 = mono_us();
	assert_false(poll_line(r, got, sizeof(got)));
	assert_true(mono_us() - t0 < 500000);	/* 50 polls, no blocking */
	assert_int_equal(write(p[1], "x\ny", 3), 3);
	assert_true(poll_line(r, got, sizeof(got)));
	assert_string_equal(got, "x");
	assert_false(poll_line(r, got, sizeof(got)));
	close(p[1]);
	assert_true(poll_line(r, got, sizeof(got)));	/* at EOF */
	assert_string_equal(got, "y");
	assert_true(feed_reader_done(r));
	feed_reader_close(r);
	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
}

static void
test_reader_events_peek(void **state)
{
	struct feed_endpoint *fe;
	struct feed_reader *r;
	struct endpoint_event ev;
	char path[1100];
	uint64_t t, last = 0;
	int n = 0;

	(void)state;
	assert_non_null(fe = feed_endpoint_create(0));
	data_path("sysmon_eid3_eid22_otrf_flat.jsonl", path, sizeof(path));
	assert_non_null(r = feed_reader_open(path, 0, 0));
	while (!feed_reader_done(r)) {
		if (!feed_reader_peek_time(r, fe, &t))
			continue;
		/* peeking twice gives the same event */
		assert_int_equal(feed_reader_peek_time(r, fe, &last), 1);
		assert_int_equal(last, t);
		assert_int_equal(feed_reader_next_event(r, fe, &ev), 1);
		assert_int_equal(ev.time_us, t);
		if (n == 0)
			assert_int_equal(t, t_us("2020-09-04 20:09:39.150"));
		n++;
	}
	assert_int_equal(n, 23);
	assert_int_equal(t, t_us("2020-10-23 06:36:42.882"));
	assert_int_equal(feed_reader_peek_time(r, fe, &t), 0);
	feed_reader_close(r);
	feed_endpoint_destroy(fe);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_parse_addr),
		cmocka_unit_test(test_otrf_every_line),
		cmocka_unit_test(test_winlogbeat),
		cmocka_unit_test(test_defender),
		cmocka_unit_test(test_osquery),
		cmocka_unit_test(test_skipped_samples),
		cmocka_unit_test(test_sysmon_cache_and_pid),
		cmocka_unit_test(test_sysmon_cache_bounded),
		cmocka_unit_test(test_truncate_every_offset),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_reader_lines),
		cmocka_unit_test(test_reader_follow),
		cmocka_unit_test(test_reader_stdin),
		cmocka_unit_test(test_reader_events_peek),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
