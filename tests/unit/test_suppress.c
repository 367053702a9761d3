/* test_suppress.c - suppression lists: parsing, errors, matching, expiry. */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "suppress.h"

#define DAY	(86400ULL * 1000000)
/* 2026-11-28T00:00:00Z */
#define NOW	(1795824000ULL * 1000000)

static const char good[] =
    "# a comment\n"
    "\n"
    "domain=*.ci.example.workers.dev reason=\"CI health checks\" "
    "expires=2026-12-01\n"
    "  source=10.20.0.0/16 rule=faaswatch-periodic reason=lab\n"
    "process=Agent.EXE domain=telemetry.vendor.app reason=\"vendor \\\"tm\\\"\"\r\n"
    "source=fd00::/8 reason=v6\n"
    "source=192.0.2.7 domain=x.pages.dev reason=one-host "
    "expires=2026-11-28T12:00:00Z\n";

static void
addr(const char *text, int *family, uint8_t out[16])
{
	memset(out, 0, 16);
	if (strchr(text, ':') != NULL) {
		assert_int_equal(inet_pton(AF_INET6, text, out), 1);
		*family = 6;
	} else {
		assert_int_equal(inet_pton(AF_INET, text, out), 1);
		*family = 4;
	}
}

static const struct suppress_entry *
m(struct suppress *s, const char *src, const char *domain,
    const char *process, const char *rule, uint64_t now)
{
	uint8_t a[16];
	int family;

	addr(src, &family, a);
	return suppress_match(s, family, a, domain, process, rule, now);
}

static void
test_parse_and_match(void **state)
{
	char err[256];
	struct suppress *s = suppress_parse(good, sizeof(good) - 1, "t", err,
	    sizeof(err));
	const struct suppress_entry *e;

	(void)state;
	assert_non_null(s);
	assert_int_equal(suppress_count(s), 5);
	e = suppress_entry_at(s, 0);
	assert_int_equal(e->line, 3);
	assert_string_equal(e->reason, "CI health checks");
	assert_string_equal(suppress_entry_at(s, 2)->reason, "vendor \"tm\"");

	/* domain pattern on label boundaries, any source, before expiry */
	e = m(s, "10.1.1.1", "a.ci.example.workers.dev", NULL, "r", NOW);
	assert_non_null(e);
	assert_int_equal(e->line, 3);
	assert_null(m(s, "10.1.1.1", "ci.example.workers.dev", NULL, "r", NOW));
	assert_null(m(s, "10.1.1.1", "a.evilci.example.workers.dev", NULL, "r",
	    NOW));
	/* expired from 2026-12-01 */
	assert_null(m(s, "10.1.1.1", "a.ci.example.workers.dev", NULL, "r",
	    NOW + 3 * DAY));
	/* network and rule together */
	assert_non_null(m(s, "10.20.255.1", "z.workers.dev", NULL,
	    "faaswatch-periodic", NOW));
	assert_null(m(s, "10.21.0.1", "z.workers.dev", NULL,
	    "faaswatch-periodic", NOW));
	assert_null(m(s, "10.20.0.1", "z.workers.dev", NULL, "other", NOW));
	assert_null(m(s, "10.20.0.1", "z.workers.dev", NULL, NULL, NOW));
	/* process: file name part, any case, either separator */
	assert_non_null(m(s, "1.2.3.4", "telemetry.vendor.app",
	    "C:\\Program Files\\V/agent.exe", "r", NOW));
	assert_null(m(s, "1.2.3.4", "telemetry.vendor.app", NULL, "r", NOW));
	assert_null(m(s, "1.2.3.4", "telemetry.vendor.app", "agent.exe.bak",
	    "r", NOW));
	/* IPv6 network; an IPv4 address is not in it */
	assert_non_null(m(s, "fd12::1", "q.vercel.app", NULL, "r", NOW));
	assert_null(m(s, "fe80::1", "q.vercel.app", NULL, "r", NOW));
	/* a single host, until noon */
	assert_non_null(m(s, "192.0.2.7", "x.pages.dev", NULL, "r", NOW));
	assert_null(m(s, "192.0.2.8", "x.pages.dev", NULL, "r", NOW));
	assert_null(m(s, "192.0.2.7", "x.pages.dev", NULL, "r",
	    NOW + DAY / 2));
	/* hits are counted per entry */
	assert_int_equal(suppress_entry_at(s, 0)->hits, 1);
	assert_int_equal(suppress_entry_at(s, 1)->hits, 1);
	assert_int_equal(suppress_entry_at(s, 4)->hits, 1);
	suppress_destroy(s);
}

static void
test_errors_name_the_line(void **state)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "domain=a.workers.dev\n", "t:1: no reason=" },
		{ "reason=x\n", "t:1: nothing to match" },
		{ "\n\nfoo=bar reason=x\n", "t:3: unknown key" },
		{ "domain=*.* reason=x\n", "t:1: domain is not" },
		{ "source=10.0.0.0/33 reason=x\n", "t:1: source is not" },
		{ "source=nonsense reason=x\n", "t:1: source is not" },
		{ "source=1.2.3.4 expires=tomorrow reason=x\n", "t:1: expires" },
		{ "rule=a rule=b reason=x\n", "t:1: a key given twice" },
		{ "rule=a reason=\"open\n", "t:1: unterminated" },
		{ "rule=a reason=\"bad \\x\"\n", "t:1: bad escape" },
		{ "rule=a reason=\n", "t:1: empty value" },
		{ "rule a reason=x\n", "t:1: expected KEY=VALUE" },
		{ "rule=a reason=\"\x01\"\n", "t:1: value has a byte" },
	};
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_null(suppress_parse(bad[i].text, strlen(bad[i].text), "t",
		    err, sizeof(err)));
		if (strncmp(err, bad[i].msg, strlen(bad[i].msg)) != 0)
			fail_msg("case %zu: '%s' does not start with '%s'", i,
			    err, bad[i].msg);
	}
}

static void
test_truncation_every_offset(void **state)
{
	char err[256];
	size_t cut;

	(void)state;
	/* every prefix either parses (a line cut between fields) or is
	 * refused with a message; never a crash or a read past the end */
	for (cut = 0; cut <= sizeof(good) - 1; cut++) {
		char *copy = malloc(cut > 0 ? cut : 1);
		struct suppress *s;

		memcpy(copy, good, cut);
		err[0] = '\0';
		s = suppress_parse(copy, cut, "t", err, sizeof(err));
		if (s == NULL)
			assert_true(err[0] != '\0');
		else
			assert_true(suppress_count(s) <= 5);
		suppress_destroy(s);
		free(copy);
	}
}

static void
test_carry_hits_and_limits(void **state)
{
	char err[256], *big;
	struct suppress *a, *b;
	size_t i, n = 0;

	(void)state;
	a = suppress_parse(good, sizeof(good) - 1, "t", err, sizeof(err));
	b = suppress_parse(good, sizeof(good) - 1, "t", err, sizeof(err));
	assert_non_null(m(a, "fd12::1", "q.vercel.app", NULL, "r", NOW));
	suppress_carry_hits(b, a);
	assert_int_equal(suppress_entry_at(b, 3)->hits, 1);
	suppress_destroy(a);
	suppress_destroy(b);

	big = malloc((SUPPRESS_MAX_ENTRIES + 1) * 32);
	for (i = 0; i <= SUPPRESS_MAX_ENTRIES; i++)
		n += (size_t)sprintf(big + n, "rule=r%zu reason=x\n", i % 10);
	assert_null(suppress_parse(big, n, "t", err, sizeof(err)));
	assert_non_null(strstr(err, "more than"));
	free(big);
	assert_null(suppress_load("/nonexistent/suppress.conf", err,
	    sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/suppress.conf"));
	assert_null(suppress_match(NULL, 4, (const uint8_t *)"abcd", "x", NULL,
	    NULL, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_match),
		cmocka_unit_test(test_errors_name_the_line),
		cmocka_unit_test(test_truncation_every_offset),
		cmocka_unit_test(test_carry_hits_and_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
