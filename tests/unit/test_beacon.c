/*
 * test_beacon.c - the reference hunting rule (beacon.h and
 * /work/shared/notes/detection.md) at its exact thresholds: 11 against 12
 * connections, 2 against 3 distinct hours, integer average bytes sent
 * 4095 against 4096 and received 16383 against 16384, 1.96 against 2
 * connections per hour; SuspiciousInitiator for each listed process name
 * (any case, with a path); once per pair per 24 hours; and the alert it
 * fills.
 *
 * The periodicity rule as the sensor runs it (beacon_periodic_eval): the
 * alert and its one-sentence reason, updates only on a severity rise or
 * after the update interval, fleet context (timers on many sources at low
 * severity or suppressed; a different period to the same name stands
 * out), new-domain severity, and a suppression entry that silences the
 * pair until it is removed.
 *
 * The evidence goes through the real pair table (pair.h), one connection
 * or check-in record at a time, as the sensor feeds it.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "alert.h"
#include "beacon.h"
#include "catalogue.h"
#include "conn.h"
#include "defaults.h"
#include "hash.h"
#include "intern.h"
#include "pair.h"
#include "suppress.h"

#define SEC		1000000ULL
#define HOUR		(3600 * SEC)
/* 2026-11-28 00:00 UTC; H(n) is n hours later */
#define DAY0		(1795824000ULL * SEC)
#define H(n)		(DAY0 + (uint64_t)(n) * HOUR)

#define DOMAIN		"demo-beacon.workers.dev"

static const struct hash_key test_key = { 0x7777777777777777ULL,
    0x3333333333333333ULL };

static const struct catalogue_entry workers = {
	.provider = "Cloudflare",
	.platform = "Workers",
	.class_name = "serverless",
	.pattern = "*.workers.dev",
	.source = "test",
	.cls = CATALOGUE_SERVERLESS,
	.tenant_unique = 1,
};

struct fixture {
	struct intern		*strings;
	struct pair_table	*pairs;
	struct fleet		*fleet;
	struct beacon_conf	 conf;
	uint32_t		 name;
	struct pair		*p;
};

static void
fixture_new(struct fixture *fx)
{
	fx->strings = intern_create(64, &test_key);
	assert_non_null(fx->strings);
	beacon_conf_defaults(&fx->conf);
	fx->pairs = pair_table_create(16, 16, fx->strings, &test_key,
	    &fx->conf.score);
	assert_non_null(fx->pairs);
	fx->fleet = fleet_create(16, fx->strings, &test_key);
	assert_non_null(fx->fleet);
	fx->name = intern_get(fx->strings, DOMAIN, strlen(DOMAIN));
	assert_int_not_equal(fx->name, 0);
	fx->p = NULL;
}

static void
fixture_free(struct fixture *fx)
{
	pair_table_destroy(fx->pairs);
	fleet_destroy(fx->fleet);
	intern_unref(fx->strings, fx->name);
	intern_destroy(fx->strings);
}

/* One connection record of 10.99.0.2 to DOMAIN at start_us (table time
 * now_us = start_us). */
static void
conn_add(struct fixture *fx, uint64_t start_us, uint64_t up, uint64_t down,
    uint16_t dport)
{
	struct conn c;

	memset(&c, 0, sizeof(c));
	c.start_us = start_us;
	c.end_us = start_us + SEC;
	c.family = 4;
	c.proto = IPPROTO_TCP;
	assert_int_equal(inet_pton(AF_INET, "10.99.0.2", c.src), 1);
	assert_int_equal(inet_pton(AF_INET, "10.99.0.1", c.dst), 1);
	c.sport = 55802;
	c.dport = dport;
	c.bytes_up = up;
	c.bytes_down = down;
	c.established = 1;
	c.name_id = fx->name;
	c.name = DOMAIN;
	c.sni = DOMAIN;
	c.serverless = &workers;
	fx->p = pair_table_add(fx->pairs, &c, 0, start_us, NULL);
	assert_non_null(fx->p);
}

/*
 * n connections spread over the given distinct hours (from hour 10 on),
 * a few minutes apart, with the given total bytes each way split so the
 * integer averages come out as total / n.  Returns the last start time.
 */
static uint64_t
spread(struct fixture *fx, uint32_t n, uint32_t hours, uint64_t sent,
    uint64_t recv)
{
	uint64_t t = 0;
	uint32_t i;

	for (i = 0; i < n; i++) {
		uint64_t up = sent / n + (i < sent % n ? 1 : 0);
		uint64_t down = recv / n + (i < recv % n ? 1 : 0);

		t = H(10 + i % hours) + (uint64_t)(i / hours + 1) * 60 * SEC;
		conn_add(fx, t, up, down, 443);
	}
	return t;
}

/* Evaluates the rule at the end of hour 10 + hours - 1 (so every
 * connection is in the window). */
static int
eval_at(struct fixture *fx, uint64_t now, const char *process,
    struct alert *a)
{
	struct beacon_ctx ctx;

	memset(a, 0x5a, sizeof(*a));
	memset(&ctx, 0, sizeof(ctx));
	ctx.pairs = fx->pairs;
	ctx.fleet = fx->fleet;
	ctx.domain = DOMAIN;
	ctx.sni = intern_str(fx->strings, fx->p->sni_id, NULL);
	ctx.process = process;
	ctx.now_us = now;
	return beacon_ref_eval(&fx->conf, &ctx, fx->p, a);
}

static int
eval(struct fixture *fx, uint32_t hours, const char *process,
    struct alert *a)
{
	return eval_at(fx, H(10 + hours) - SEC, process, a);
}

static void
test_defaults(void **state)
{
	struct beacon_ref_conf c;

	(void)state;
	beacon_ref_defaults(&c);
	assert_int_equal(c.min_connections, 12);
	assert_int_equal(c.min_hours, 3);
	assert_int_equal(c.max_avg_sent, 4096);
	assert_int_equal(c.max_avg_recv, 16384);
	assert_int_equal(c.min_per_hour, 2);
}

static void
test_fires_with_alert_fields(void **state)
{
	struct fixture fx;
	struct alert a;
	uint8_t ip[16];

	(void)state;
	fixture_new(&fx);
	/* the lab beacon's sizes: 12 fetches over 3 hours */
	spread(&fx, 12, 3, 12 * 1210, 12 * 3273);
	assert_int_equal(eval(&fx, 3, NULL, &a), 1);
	assert_int_equal(a.connections, 12);
	assert_int_equal(a.hours, 3);
	assert_int_equal(a.avg_sent, 1210);
	assert_int_equal(a.avg_recv, 3273);
	assert_true(a.per_hour == 4.0);
	assert_int_equal(a.beaconing_likely, 1);
	assert_int_equal(a.suspicious_initiator, 0);
	assert_string_equal(a.rule_id, BEACON_REF_RULE_ID);
	assert_int_equal(a.severity, ALERT_SEV_HIGH);
	assert_int_equal(a.confidence, ALERT_SEV_MEDIUM);
	assert_int_equal(a.ts_us, H(13) - SEC);
	assert_int_equal(a.family, 4);
	memset(ip, 0, sizeof(ip));
	inet_pton(AF_INET, "10.99.0.2", ip);
	assert_memory_equal(a.src, ip, 16);
	inet_pton(AF_INET, "10.99.0.1", ip);
	assert_memory_equal(a.dst, ip, 16);
	assert_string_equal(a.domain, DOMAIN);
	assert_string_equal(a.sni, DOMAIN);
	assert_ptr_equal(a.serverless, &workers);
	assert_int_equal(a.first_us, H(10) + 60 * SEC);
	assert_int_equal(a.last_us, H(12) + 4 * 60 * SEC);
	assert_int_equal(a.nports, 1);
	assert_int_equal(a.ports[0], 443);
	assert_non_null(strstr(a.reason, "10.99.0.2"));
	assert_non_null(strstr(a.reason, DOMAIN));
	assert_non_null(strstr(a.reason, "Workers"));
	assert_non_null(strstr(a.reason, "12 connections"));
	assert_non_null(strstr(a.reason, "BeaconingLikely"));
	assert_null(strstr(a.reason, "SuspiciousInitiator"));
	assert_int_equal(pair_heavy(fx.pairs, fx.p)->ref_fired_us, H(13) - SEC);
	fixture_free(&fx);
}

static void
test_connections_threshold(void **state)
{
	struct fixture fx;
	struct alert a;

	(void)state;
	fixture_new(&fx);
	spread(&fx, 11, 3, 11 * 100, 11 * 100);
	assert_int_equal(eval(&fx, 3, NULL, &a), 0);
	assert_int_equal(pair_heavy(fx.pairs, fx.p)->ref_fired_us, 0);
	conn_add(&fx, H(12) + 50 * 60 * SEC, 100, 100, 443);
	assert_int_equal(eval(&fx, 3, NULL, &a), 1);
	assert_int_equal(a.connections, 12);
	fixture_free(&fx);
}

static void
test_hours_threshold(void **state)
{
	struct fixture fx;
	struct alert a;

	(void)state;
	fixture_new(&fx);
	/* 20 connections in 2 hours: plenty, but 2 hours */
	spread(&fx, 20, 2, 20 * 100, 20 * 100);
	assert_int_equal(eval(&fx, 2, NULL, &a), 0);
	/* a 3rd distinct hour (21 in 3: 7 per hour) */
	conn_add(&fx, H(12) + 30 * 60 * SEC, 100, 100, 443);
	assert_int_equal(eval(&fx, 3, NULL, &a), 1);
	assert_int_equal(a.hours, 3);
	assert_true(a.per_hour == 7.0);
	fixture_free(&fx);
}

static void
test_avg_sent_threshold(void **state)
{
	struct fixture fx;
	struct alert a;

	(void)state;
	/* 4095.92 on average: the integer average is 4095, < 4096 */
	fixture_new(&fx);
	spread(&fx, 12, 3, 12 * 4096 - 1, 12 * 100);
	assert_int_equal(eval(&fx, 3, NULL, &a), 1);
	assert_int_equal(a.avg_sent, 4095);
	fixture_free(&fx);
	/* exactly 4096: not BeaconingLikely, and no process: silent */
	fixture_new(&fx);
	spread(&fx, 12, 3, 12 * 4096, 12 * 100);
	assert_int_equal(eval(&fx, 3, NULL, &a), 0);
	fixture_free(&fx);
}

static void
test_avg_recv_threshold(void **state)
{
	struct fixture fx;
	struct alert a;

	(void)state;
	fixture_new(&fx);
	spread(&fx, 12, 3, 12 * 100, 12 * 16384 - 1);
	assert_int_equal(eval(&fx, 3, NULL, &a), 1);
	assert_int_equal(a.avg_recv, 16383);
	fixture_free(&fx);
	fixture_new(&fx);
	spread(&fx, 12, 3, 12 * 100, 12 * 16384);
	assert_int_equal(eval(&fx, 3, NULL, &a), 0);
	fixture_free(&fx);
}

static void
test_per_hour_threshold(void **state)
{
	struct fixture fx;
	struct alert a;

	(void)state;
	/* 47 in 24 hours: 1.96 per hour */
	fixture_new(&fx);
	spread(&fx, 47, 24, 47 * 100, 47 * 100);
	assert_int_equal(eval(&fx, 24, NULL, &a), 0);
	/* the 48th: 2.0 */
	conn_add(&fx, H(33) + 58 * 60 * SEC, 100, 100, 443);
	assert_int_equal(eval(&fx, 24, NULL, &a), 1);
	assert_true(a.per_hour == 2.0);
	assert_int_equal(a.hours, 24);
	fixture_free(&fx);
	/* 23 in 12 hours (1.92), then 24 */
	fixture_new(&fx);
	spread(&fx, 23, 12, 23 * 100, 23 * 100);
	assert_int_equal(eval(&fx, 12, NULL, &a), 0);
	conn_add(&fx, H(21) + 58 * 60 * SEC, 100, 100, 443);
	assert_int_equal(eval(&fx, 12, NULL, &a), 1);
	fixture_free(&fx);
}

static void
test_once_per_pair_per_day(void **state)
{
	struct fixture fx;
	struct alert a;
	uint64_t fired;
	int h;

	(void)state;
	fixture_new(&fx);
	spread(&fx, 12, 3, 12 * 100, 12 * 100);
	assert_int_equal(eval(&fx, 3, NULL, &a), 1);
	fired = H(13) - SEC;
	/* the beacon goes on: 4 an hour for another day */
	for (h = 13; h < 37; h++) {
		int k;

		for (k = 0; k < 4; k++)
			conn_add(&fx, H(h) + (uint64_t)(k * 15 + 1) * 60 * SEC,
			    100, 100, 443);
		if (H(h + 1) - SEC - fired < 24 * HOUR)
			assert_int_equal(eval_at(&fx, H(h + 1) - SEC, NULL,
			    &a), 0);
	}
	assert_int_equal(eval_at(&fx, fired + 24 * HOUR - 1, NULL, &a), 0);
	assert_int_equal(eval_at(&fx, fired + 24 * HOUR, NULL, &a), 1);
	assert_int_equal(a.connections, 4 * 24);
	assert_int_equal(pair_heavy(fx.pairs, fx.p)->ref_fired_us, fired + 24 * HOUR);
	assert_int_equal(eval_at(&fx, fired + 24 * HOUR + HOUR, NULL, &a), 0);
	fixture_free(&fx);
}

static void
test_suspicious_initiator_fires(void **state)
{
	struct fixture fx;
	struct alert a;

	(void)state;
	/* big transfers: not BeaconingLikely; a shell makes it fire */
	fixture_new(&fx);
	spread(&fx, 12, 3, 12 * 100000, 12 * 100000);
	assert_int_equal(eval(&fx, 3, NULL, &a), 0);
	assert_int_equal(eval(&fx, 3, "chrome.exe", &a), 0);
	assert_int_equal(eval(&fx, 3, "powershell.exe", &a), 1);
	assert_int_equal(a.beaconing_likely, 0);
	assert_int_equal(a.suspicious_initiator, 1);
	assert_non_null(strstr(a.reason, "SuspiciousInitiator"));
	assert_null(strstr(a.reason, "BeaconingLikely and"));
	fixture_free(&fx);
	/* both flags */
	fixture_new(&fx);
	spread(&fx, 12, 3, 12 * 100, 12 * 100);
	assert_int_equal(eval(&fx, 3, "C:\\Windows\\System32\\cmd.exe", &a),
	    1);
	assert_int_equal(a.beaconing_likely, 1);
	assert_int_equal(a.suspicious_initiator, 1);
	assert_non_null(strstr(a.reason,
	    "BeaconingLikely and SuspiciousInitiator"));
	fixture_free(&fx);
	/* the counts still apply: 11 connections with a shell is silent */
	fixture_new(&fx);
	spread(&fx, 11, 3, 11 * 100000, 11 * 100000);
	assert_int_equal(eval(&fx, 3, "cmd.exe", &a), 0);
	fixture_free(&fx);
}

static void
test_suspicious_process_names(void **state)
{
	static const char *const listed[] = {
		"cmd.exe", "powershell.exe", "pwsh.exe", "wscript.exe",
		"cscript.exe", "mshta.exe", "rundll32.exe", "regsvr32.exe",
		"svchost.exe",
	};
	static const char *const not_listed[] = {
		"chrome.exe", "cmd", "cmd.exe.bak", "xcmd.exe", "cmd.ex",
		"powershell_ise.exe", "C:\\cmd.exe\\notepad.exe", "",
		" cmd.exe",
		"C:\\Windows\\", "/usr/bin/",
	};
	char buf[128];
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(listed) / sizeof(listed[0]); i++) {
		assert_int_equal(beacon_suspicious_process(listed[i]), 1);
		/* upper case */
		for (j = 0; listed[i][j] != '\0'; j++)
			buf[j] = (char)(listed[i][j] >= 'a' &&
			    listed[i][j] <= 'z' ? listed[i][j] - 32 :
			    listed[i][j]);
		buf[j] = '\0';
		assert_int_equal(beacon_suspicious_process(buf), 1);
		/* with a Windows path, and a POSIX one */
		strcpy(buf, "C:\\Windows\\System32\\");
		strcat(buf, listed[i]);
		assert_int_equal(beacon_suspicious_process(buf), 1);
		strcpy(buf, "/mnt/c/Windows/System32/");
		strcat(buf, listed[i]);
		assert_int_equal(beacon_suspicious_process(buf), 1);
	}
	assert_int_equal(beacon_suspicious_process(
	    "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\PowerShell.EXE"),
	    1);
	for (i = 0; i < sizeof(not_listed) / sizeof(not_listed[0]); i++)
		assert_int_equal(beacon_suspicious_process(not_listed[i]), 0);
	assert_int_equal(beacon_suspicious_process(NULL), 0);
}

/*
 * FINDING (beacon.c, beacon_suspicious_process()): the file name is taken
 * after the last backslash if there is one, else after the last slash, so
 * a path that mixes separators (Windows accepts both; "C:\Windows/System32/
 * cmd.exe" is a valid path) yields "Windows/System32/cmd.exe", which
 * matches nothing.  Fix: take whichever of strrchr(name, '\\') and
 * strrchr(name, '/') is later.
 */
static void
test_suspicious_process_mixed_separators(void **state)
{
	(void)state;
	assert_int_equal(beacon_suspicious_process(
	    "C:\\Windows/System32/cmd.exe"), 1);
	assert_int_equal(beacon_suspicious_process(
	    "C:/Program Files\\PowerShell\\7/pwsh.exe"), 1);
}

/* Connections that left the window no longer count. */
static void
test_window_slides(void **state)
{
	struct fixture fx;
	struct alert a;

	(void)state;
	fixture_new(&fx);
	spread(&fx, 12, 3, 12 * 100, 12 * 100);
	/* a day later, hour 10 has left the window: 8 in 2 hours */
	assert_int_equal(eval_at(&fx, H(34), NULL, &a), 0);
	assert_int_equal(eval_at(&fx, H(33) + HOUR - 1, NULL, &a), 1);
	fixture_free(&fx);
}

/* ---- the periodicity rule ------------------------------------------------- */

/* One check-in of source 10.99.0.<host> to DOMAIN at t; evaluates the
 * periodicity rule when it is a new check-in.  Returns the rule's answer
 * (0 without a new check-in). */
static int
checkin(struct fixture *fx, unsigned host, uint64_t t,
    struct suppress *sup, struct alert *a)
{
	struct beacon_ctx ctx;
	struct conn c;
	int fresh;

	memset(&c, 0, sizeof(c));
	c.kind = CONN_CHECKIN;
	c.start_us = c.end_us = t;
	c.family = 4;
	c.proto = IPPROTO_TCP;
	c.src[0] = 10;
	c.src[1] = 99;
	c.src[3] = (uint8_t)host;
	assert_int_equal(inet_pton(AF_INET, "10.99.0.1", c.dst), 1);
	c.sport = 55802;
	c.dport = 443;
	c.bytes_up = 900;
	c.bytes_down = 2100;
	c.established = 1;
	c.name_id = fx->name;
	c.name = DOMAIN;
	c.sni = DOMAIN;
	c.serverless = &workers;
	fleet_seen(fx->fleet, fx->name, t);
	fx->p = pair_table_add(fx->pairs, &c, 0, t, &fresh);
	assert_non_null(fx->p);
	memset(a, 0, sizeof(*a));
	if (!fresh)
		return 0;
	memset(&ctx, 0, sizeof(ctx));
	ctx.pairs = fx->pairs;
	ctx.fleet = fx->fleet;
	ctx.suppress = sup;
	ctx.domain = DOMAIN;
	ctx.sni = DOMAIN;
	ctx.now_us = t;
	return beacon_periodic_eval(&fx->conf, &ctx, fx->p, a);
}

/* A symmetric +-jitter wait around period_s from a small LCG. */
static uint64_t
jittered(uint32_t *seed, double period_s, double jitter)
{
	double u;

	*seed = *seed * 1103515245u + 12345u;
	u = (double)((*seed >> 8) & 0xffff) / 65536.0;
	return (uint64_t)(period_s * (1 + jitter * (2 * u - 1)) * SEC);
}

static void
test_periodic_alert_and_updates(void **state)
{
	struct fixture fx;
	struct alert a;
	uint32_t seed = 7;
	uint64_t t = H(0), first = 0;
	unsigned n, alerts = 0, updates = 0;
	int rc;

	(void)state;
	fixture_new(&fx);
	for (n = 1; n <= 2000; n++) {
		rc = checkin(&fx, 2, t, NULL, &a);
		if (rc == 1) {
			alerts++;
			if (first == 0) {
				first = t;
				assert_false(a.update);
				assert_string_equal(a.rule_id,
				    BEACON_PER_RULE_ID);
				assert_true(a.has_periodic);
				assert_false(a.fleet);
				/* a fresh beacon alerts within a bounded
				 * number of check-ins */
				printf("first alert after %u check-ins\n", n);
				assert_true(n <= 30);
				assert_true(a.score.period_us > 55 * SEC &&
				    a.score.period_us < 65 * SEC);
				assert_int_equal(a.score.up_median, 900);
				assert_int_equal(a.score.down_median, 2100);
				assert_non_null(strstr(a.reason, "10.99.0.2 "
				    "checks in to " DOMAIN " [Cloudflare "
				    "Workers] every "));
				assert_non_null(strstr(a.reason,
				    "% jitter): "));
				assert_non_null(strstr(a.reason, "check-ins "
				    "over "));
				assert_non_null(strstr(a.reason, "about 900 "
				    "bytes up and 2100 down each"));
				assert_non_null(strstr(a.reason,
				    "the domain was first seen"));
			} else {
				/* nothing rises: only the interval */
				assert_true(a.update);
				assert_true(t - first >= updates *
				    fx.conf.update_interval_us);
				updates++;
			}
		}
		t += jittered(&seed, 60, 0.2);
	}
	/* 2000 check-ins a minute apart are 33 h: the first alert, then at
	 * most one per update interval */
	assert_int_not_equal(first, 0);
	assert_true(updates >= 4 && updates <= 6);
	assert_int_equal(alerts, updates + 1);
	fixture_free(&fx);
}

static void
test_periodic_poisson_silent(void **state)
{
	struct fixture fx;
	struct alert a;
	uint32_t seed = 99;
	uint64_t t = H(0);
	unsigned n;

	(void)state;
	fixture_new(&fx);
	for (n = 0; n < 500; n++) {
		double u;

		assert_int_equal(checkin(&fx, 2, t, NULL, &a), 0);
		seed = seed * 1103515245u + 12345u;
		u = ((double)((seed >> 8) & 0xffff) + 0.5) / 65536.0;
		t += (uint64_t)(-log(u) * 300 * SEC);	/* mean 5 min */
	}
	fixture_free(&fx);
}

/* Four sources every 15 min to one name, interleaved: the fleet forms and
 * their alerts are low and marked fleet; a fifth source every 4 min to the
 * same name is not part of it. */
static void
test_periodic_fleet(void **state)
{
	struct fixture fx;
	struct alert a;
	uint64_t t, odd = H(0) + 7 * SEC;
	unsigned host, fleet_alerts = 0, odd_alerts = 0, k;
	int rc;

	(void)state;
	fixture_new(&fx);
	for (k = 0; k < 60; k++) {
		t = H(0) + (uint64_t)k * 900 * SEC;
		for (; odd < t + 900 * SEC; odd += 240 * SEC) {
			rc = checkin(&fx, 50, odd, NULL, &a);
			if (rc == 1) {
				odd_alerts++;
				assert_false(a.fleet);
				assert_true(a.severity > ALERT_SEV_LOW);
			}
		}
		for (host = 2; host < 6; host++) {
			rc = checkin(&fx, host, t + host * SEC, NULL, &a);
			if (rc == 1) {
				fleet_alerts++;
				assert_true(a.fleet);
				assert_int_equal(a.severity, ALERT_SEV_LOW);
				assert_true(a.fleet_size >= 3);
				assert_non_null(strstr(a.reason,
				    "(fleet telemetry)"));
			}
		}
	}
	assert_true(fleet_alerts >= 4);
	assert_true(odd_alerts >= 1);
	fixture_free(&fx);

	/* the same with fleet_suppress: the timers are suppressed (2) */
	fixture_new(&fx);
	fx.conf.fleet_suppress = 1;
	fleet_alerts = 0;
	for (k = 0; k < 60; k++)
		for (host = 2; host < 6; host++) {
			rc = checkin(&fx, host, H(0) + (uint64_t)k * 900 * SEC +
			    host * SEC, NULL, &a);
			assert_int_not_equal(rc, 1);
			fleet_alerts += rc == 2;
		}
	assert_true(fleet_alerts >= 4);
	fixture_free(&fx);
}

/* A name seen for longer than new_domain_us does not get the new-domain
 * rise: the same beacon alerts one step lower. */
static void
test_periodic_new_domain(void **state)
{
	struct fixture fx;
	struct alert a;
	enum alert_severity fresh_sev = ALERT_SEV_LOW, old_sev = ALERT_SEV_LOW;
	uint64_t t;
	int pass, rc, got;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		fixture_new(&fx);
		if (pass == 1)	/* the name has been around for 30 days */
			fleet_seen(fx.fleet, fx.name, H(0) - 30 * 24 * HOUR);
		got = 0;
		for (t = H(0); t < H(2) && !got; t += 60 * SEC) {
			rc = checkin(&fx, 2, t, NULL, &a);
			if (rc == 1) {
				got = 1;
				if (pass == 0)
					fresh_sev = a.severity;
				else {
					old_sev = a.severity;
					assert_true(a.domain_age_us >=
					    30 * 24 * HOUR);
				}
			}
		}
		assert_true(got);
		fixture_free(&fx);
	}
	assert_true(fresh_sev == ALERT_SEV_HIGH || fresh_sev == old_sev + 1);
}

/* A suppression entry silences the pair (2), counted on the entry; a list
 * without it (a reload) brings the alert back. */
static void
test_periodic_suppress(void **state)
{
	static const char list[] = "# test\n"
	    "domain=*.workers.dev source=10.99.0.0/24 "
	    "rule=" BEACON_PER_RULE_ID " reason=\"lab beacon\"\n";
	static const char other[] = "domain=other.example reason=x\n";
	struct fixture fx;
	struct suppress *sup;
	struct alert a;
	char err[128];
	uint64_t t = H(0);
	unsigned suppressed = 0;
	int rc = 0;

	(void)state;
	fixture_new(&fx);
	sup = suppress_parse(list, strlen(list), "test", err, sizeof(err));
	assert_non_null(sup);
	for (; t < H(1); t += 60 * SEC) {
		rc = checkin(&fx, 2, t, sup, &a);
		assert_int_not_equal(rc, 1);
		suppressed += rc == 2;
	}
	assert_true(suppressed >= 10);
	assert_int_equal(suppress_entry_at(sup, 0)->hits, suppressed);
	suppress_destroy(sup);

	/* reloaded without the entry: the next check-in alerts */
	sup = suppress_parse(other, strlen(other), "test", err, sizeof(err));
	assert_non_null(sup);
	rc = checkin(&fx, 2, t, sup, &a);
	assert_int_equal(rc, 1);
	assert_false(a.update);
	assert_int_equal(suppress_entry_at(sup, 0)->hits, 0);
	suppress_destroy(sup);
	fixture_free(&fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_fires_with_alert_fields),
		cmocka_unit_test(test_connections_threshold),
		cmocka_unit_test(test_hours_threshold),
		cmocka_unit_test(test_avg_sent_threshold),
		cmocka_unit_test(test_avg_recv_threshold),
		cmocka_unit_test(test_per_hour_threshold),
		cmocka_unit_test(test_once_per_pair_per_day),
		cmocka_unit_test(test_suspicious_initiator_fires),
		cmocka_unit_test(test_suspicious_process_names),
		cmocka_unit_test(test_suspicious_process_mixed_separators),
		cmocka_unit_test(test_window_slides),
		cmocka_unit_test(test_periodic_alert_and_updates),
		cmocka_unit_test(test_periodic_poisson_silent),
		cmocka_unit_test(test_periodic_fleet),
		cmocka_unit_test(test_periodic_new_domain),
		cmocka_unit_test(test_periodic_suppress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
