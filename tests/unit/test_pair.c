/*
 * test_pair.c - the per (source, domain) table against pair.h: the window
 * of the current UTC hour and the 23 before it, distinct-hour counting,
 * records older than the window, hour buckets reused a day later, remote
 * ports, the latest SNI and the intern references a pair holds, keys, and
 * eviction of the least recently updated pair.
 *
 * Names, addresses and ports are those of the lab captures (a client
 * 10.99.0.2 / fd99::2 beaconing to demo-beacon.workers.dev at 10.99.0.1).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "conn.h"
#include "defaults.h"
#include "hash.h"
#include "intern.h"
#include "pair.h"

#define SEC		1000000ULL
#define HOUR		(3600 * SEC)
/* 2026-11-28 00:00 UTC, an hour boundary; H(n) is n hours later. */
#define DAY0		(1795824000ULL * SEC)
#define H(n)		(DAY0 + (uint64_t)(n) * HOUR)

static struct score_conf test_score;

static const struct hash_key test_key = { 0xa5a5a5a5a5a5a5a5ULL,
    0x5a5a5a5a5a5a5a5aULL };

static void
addr16(const char *text, uint8_t out[16])
{
	memset(out, 0, 16);
	if (strchr(text, ':') != NULL)
		assert_int_equal(inet_pton(AF_INET6, text, out), 1);
	else
		assert_int_equal(inet_pton(AF_INET, text, out), 1);
}

static struct conn
mkconn(uint64_t start_us, const char *src, uint32_t name_id, uint16_t dport,
    uint64_t up, uint64_t down)
{
	struct conn c;

	memset(&c, 0, sizeof(c));
	c.start_us = start_us;
	c.end_us = start_us + 2 * SEC;
	c.family = strchr(src, ':') != NULL ? 6 : 4;
	c.proto = IPPROTO_TCP;
	addr16(src, c.src);
	addr16(c.family == 6 ? "fd99::1" : "10.99.0.1", c.dst);
	c.sport = 55802;
	c.dport = dport;
	c.bytes_up = up;
	c.bytes_down = down;
	c.established = 1;
	c.name_id = name_id;
	return c;
}

struct fixture {
	struct intern		*strings;
	struct pair_table	*pairs;
};

static void
fixture_new(struct fixture *fx, size_t strings, size_t pairs)
{
	fx->strings = intern_create(strings, &test_key);
	assert_non_null(fx->strings);
	beacon_score_defaults(&test_score);
	fx->pairs = pair_table_create(pairs, pairs, fx->strings, &test_key,
	    &test_score);
	assert_non_null(fx->pairs);
}

static void
fixture_free(struct fixture *fx)
{
	pair_table_destroy(fx->pairs);
	intern_destroy(fx->strings);
}

/* Interns s; the test's own reference is dropped, so only holders keep
 * it. */
static uint32_t
name_id(struct fixture *fx, const char *s)
{
	uint32_t id = intern_get(fx->strings, s, strlen(s));

	assert_int_not_equal(id, 0);
	intern_unref(fx->strings, id);
	return id;
}

static struct pair *
add(struct fixture *fx, uint64_t start, const char *src, uint32_t id,
    uint16_t dport, uint64_t up, uint64_t down, uint64_t now)
{
	struct conn c = mkconn(start, src, id, dport, up, down);

	return pair_table_add(fx->pairs, &c, 0, now, NULL);
}

static void
test_window_and_hours(void **state)
{
	struct fixture fx;
	struct pair_window w;
	struct pair *p, *q;
	uint32_t id;

	(void)state;
	fixture_new(&fx, 16, 16);
	id = name_id(&fx, "demo-beacon.workers.dev");
	/* three in hour 30, two in hour 31, one in hour 32 */
	p = add(&fx, H(30) + 60 * SEC, "10.99.0.2", id, 443, 1000, 5000,
	    H(30) + 60 * SEC);
	assert_non_null(p);
	q = add(&fx, H(30) + 120 * SEC, "10.99.0.2", id, 443, 1000, 5000,
	    H(30) + 120 * SEC);
	assert_ptr_equal(p, q);
	add(&fx, H(30) + 59 * 60 * SEC + 999999, "10.99.0.2", id, 443, 1000,
	    5000, H(31));
	add(&fx, H(31) + 5 * SEC, "10.99.0.2", id, 443, 1100, 5100, H(31));
	add(&fx, H(31) + 7 * SEC, "10.99.0.2", id, 443, 1100, 5100, H(31));
	p = add(&fx, H(32) + 1500, "10.99.0.2", id, 443, 1200, 5200, H(32));
	pair_window(fx.pairs, p, H(32) + 10 * SEC, &w);
	assert_int_equal(w.connections, 6);
	assert_int_equal(w.hours, 3);
	assert_int_equal(w.sent, 3 * 1000 + 2 * 1100 + 1200);
	assert_int_equal(w.recv, 3 * 5000 + 2 * 5100 + 5200);
	/* first and last connection times, to the millisecond */
	assert_int_equal(w.first_us, H(30) + 60 * SEC);
	assert_int_equal(w.last_us, H(32) + 1000);
	assert_int_equal(p->family, 4);
	assert_int_equal(p->name_id, id);
	assert_int_equal(pair_table_stats(fx.pairs)->conns, 6);
	assert_int_equal(pair_table_stats(fx.pairs)->created, 1);
	assert_int_equal(pair_table_stats(fx.pairs)->active, 1);

	/* The window is the current hour and the 23 before it: hour 30
	 * counts through hour 53 and is gone in hour 54. */
	pair_window(fx.pairs, p, H(53) + 59 * 60 * SEC, &w);
	assert_int_equal(w.connections, 6);
	assert_int_equal(w.hours, 3);
	pair_window(fx.pairs, p, H(54), &w);
	assert_int_equal(w.connections, 3);
	assert_int_equal(w.hours, 2);
	assert_int_equal(w.first_us, H(31) + 5 * SEC);
	pair_window(fx.pairs, p, H(56), &w);
	assert_int_equal(w.connections, 0);
	assert_int_equal(w.hours, 0);
	fixture_free(&fx);
}

static void
test_late_records(void **state)
{
	struct fixture fx;
	struct pair_window w;
	struct pair *p;
	uint32_t id;

	(void)state;
	fixture_new(&fx, 16, 16);
	id = name_id(&fx, "demo-beacon.workers.dev");
	/* now in hour 40: hour 17 is the oldest in the window, 16 is late */
	assert_null(add(&fx, H(16) + 59 * 60 * SEC, "10.99.0.2", id, 443, 1, 1,
	    H(40)));
	assert_int_equal(pair_table_stats(fx.pairs)->late, 1);
	assert_int_equal(pair_table_stats(fx.pairs)->created, 0);
	assert_int_equal(pair_table_stats(fx.pairs)->conns, 0);
	p = add(&fx, H(17), "10.99.0.2", id, 443, 1, 1, H(40) + 59 * 60 * SEC);
	assert_non_null(p);
	/* late again, now that the pair exists: nothing changes */
	assert_null(add(&fx, H(10), "10.99.0.2", id, 443, 1, 1, H(40)));
	pair_window(fx.pairs, p, H(40), &w);
	assert_int_equal(w.connections, 1);
	assert_int_equal(pair_table_stats(fx.pairs)->late, 2);
	/* a record without a name is not added */
	assert_null(add(&fx, H(40), "10.99.0.2", 0, 443, 1, 1, H(40)));
	fixture_free(&fx);
}

/* A bucket is reused a day later: the old hour's counts do not leak into
 * the new one. */
static void
test_bucket_reuse(void **state)
{
	struct fixture fx;
	struct pair_window w;
	struct pair *p;
	uint32_t id;

	(void)state;
	fixture_new(&fx, 16, 16);
	id = name_id(&fx, "demo-beacon.workers.dev");
	add(&fx, H(5) + 10 * SEC, "10.99.0.2", id, 443, 100, 200, H(5));
	add(&fx, H(5) + 20 * SEC, "10.99.0.2", id, 443, 100, 200, H(5));
	add(&fx, H(6) + 20 * SEC, "10.99.0.2", id, 443, 100, 200, H(6));
	p = add(&fx, H(29) + 30 * SEC, "10.99.0.2", id, 8443, 7, 9, H(29));
	pair_window(fx.pairs, p, H(29) + 31 * SEC, &w);
	assert_int_equal(w.connections, 2);
	assert_int_equal(w.hours, 2);
	assert_int_equal(w.sent, 107);
	assert_int_equal(w.recv, 209);
	assert_int_equal(w.first_us, H(6) + 20 * SEC);
	assert_int_equal(w.last_us, H(29) + 30 * SEC);
	fixture_free(&fx);
}

static void
test_ports_and_last_dst(void **state)
{
	struct fixture fx;
	struct pair *p;
	uint32_t id;
	uint8_t a[16];
	int i;

	(void)state;
	fixture_new(&fx, 16, 16);
	id = name_id(&fx, "demo-beacon.workers.dev");
	for (i = 0; i < PAIR_MAX_PORTS; i++)
		p = add(&fx, H(1) + (uint64_t)i, "10.99.0.2", id,
		    (uint16_t)(8000 + i), 1, 1, H(1));
	p = add(&fx, H(1) + 100, "10.99.0.2", id, 8000, 1, 1, H(1));
	assert_int_equal(pair_heavy(fx.pairs, p)->nports, PAIR_MAX_PORTS);
	assert_int_equal(pair_heavy(fx.pairs, p)->ports_more, 0);
	for (i = 0; i < PAIR_MAX_PORTS; i++)
		assert_int_equal(pair_heavy(fx.pairs, p)->ports[i], 8000 + i);
	p = add(&fx, H(1) + 101, "10.99.0.2", id, 443, 1, 1, H(1));
	assert_int_equal(pair_heavy(fx.pairs, p)->nports, PAIR_MAX_PORTS);
	assert_int_equal(pair_heavy(fx.pairs, p)->ports_more, 1);
	addr16("10.99.0.1", a);
	assert_memory_equal(p->last_dst, a, 16);
	{
		struct conn c = mkconn(H(1) + 200, "10.99.0.2", id, 443, 1, 1);

		addr16("10.99.0.77", c.dst);
		p = pair_table_add(fx.pairs, &c, 0, H(1), NULL);
		addr16("10.99.0.77", a);
		assert_memory_equal(p->last_dst, a, 16);
	}
	fixture_free(&fx);
}

/* The pair keeps the latest SNI, with exactly one reference on it. */
static void
test_sni_references(void **state)
{
	struct fixture fx;
	struct pair *p;
	struct conn c;
	uint32_t id, ech, x, y;
	int i;

	(void)state;
	/* three strings: the name, an SNI, one more */
	fixture_new(&fx, 3, 4);
	id = name_id(&fx, "demo-beacon.workers.dev");
	c = mkconn(H(1), "10.99.0.2", id, 443, 1, 1);
	c.sni = "cloudflare-ech.com";
	for (i = 0; i < 5; i++)
		p = pair_table_add(fx.pairs, &c, 0, H(1), NULL);
	ech = p->sni_id;
	assert_string_equal(intern_str(fx.strings, ech, NULL),
	    "cloudflare-ech.com");
	c.sni = "demo-beacon.workers.dev";
	p = pair_table_add(fx.pairs, &c, 0, H(1), NULL);
	assert_int_equal(p->sni_id, id);
	c.sni = NULL;				/* no SNI: the last one stays */
	p = pair_table_add(fx.pairs, &c, 0, H(1), NULL);
	assert_int_equal(p->sni_id, id);
	/* cloudflare-ech.com was released (five adds, one reference): after
	 * the free third slot, a fourth string takes its place; a fifth finds
	 * every string referenced */
	x = intern_get(fx.strings, "x.pages.dev", 11);
	assert_int_not_equal(x, 0);
	y = intern_get(fx.strings, "y.pages.dev", 11);
	assert_int_equal(y, ech);
	assert_int_equal(intern_get(fx.strings, "z.pages.dev", 11), 0);
	intern_unref(fx.strings, x);
	intern_unref(fx.strings, y);
	/* destroying the table releases the name and the SNI, though they
	 * are the same string */
	pair_table_destroy(fx.pairs);
	fx.pairs = NULL;
	assert_int_not_equal(intern_get(fx.strings, "a.pages.dev", 11), 0);
	assert_int_not_equal(intern_get(fx.strings, "b.pages.dev", 11), 0);
	assert_int_not_equal(intern_get(fx.strings, "c.pages.dev", 11), 0);
	intern_destroy(fx.strings);
}

static void
test_keys(void **state)
{
	struct fixture fx;
	struct pair *a, *b, *c, *d;
	uint32_t n1, n2;
	struct conn k;

	(void)state;
	fixture_new(&fx, 16, 16);
	n1 = name_id(&fx, "demo-beacon.workers.dev");
	n2 = name_id(&fx, "other.workers.dev");
	a = add(&fx, H(1), "10.99.0.2", n1, 443, 1, 1, H(1));
	b = add(&fx, H(1), "10.99.0.2", n2, 443, 1, 1, H(1));
	c = add(&fx, H(1), "10.99.0.3", n1, 443, 1, 1, H(1));
	assert_ptr_not_equal(a, b);
	assert_ptr_not_equal(a, c);
	assert_ptr_not_equal(b, c);
	/* the same 16 bytes as IPv6 are another source */
	k = mkconn(H(1), "10.99.0.2", n1, 443, 1, 1);
	k.family = 6;
	d = pair_table_add(fx.pairs, &k, 0, H(1), NULL);
	assert_ptr_not_equal(a, d);
	/* the destination does not split a pair */
	k.family = 4;
	addr16("10.1.1.1", k.dst);
	assert_ptr_equal(pair_table_add(fx.pairs, &k, 0, H(1), NULL), a);
	assert_int_equal(pair_table_stats(fx.pairs)->created, 4);
	assert_int_equal(pair_table_stats(fx.pairs)->active, 4);
	fixture_free(&fx);
}

static void
test_lru_eviction(void **state)
{
	struct fixture fx;
	struct pair_window w;
	struct pair *p;
	uint32_t n1, n2, n3, x;
	const struct pair_stats *st;

	(void)state;
	/* three strings, two pairs */
	fixture_new(&fx, 3, 2);
	st = pair_table_stats(fx.pairs);
	n1 = name_id(&fx, "one.workers.dev");
	n2 = name_id(&fx, "two.workers.dev");
	n3 = name_id(&fx, "three.workers.dev");
	add(&fx, H(1), "10.99.0.2", n1, 443, 1, 1, H(1));
	add(&fx, H(1) + 1, "10.99.0.2", n2, 443, 1, 1, H(1));
	add(&fx, H(1) + 2, "10.99.0.2", n1, 443, 1, 1, H(1));	/* touch */
	p = add(&fx, H(1) + 3, "10.99.0.2", n3, 443, 1, 1, H(1));
	assert_non_null(p);
	assert_int_equal(st->evicted, 1);
	assert_int_equal(st->active, 2);
	assert_int_equal(st->capacity, 2);
	/* n2's pair went: its name is free again */
	x = intern_get(fx.strings, "four.workers.dev", 16);
	assert_int_equal(x, n2);
	intern_unref(fx.strings, x);
	/* n1's pair stayed, with both its connections */
	p = add(&fx, H(1) + 4, "10.99.0.2", n1, 443, 1, 1, H(1));
	pair_window(fx.pairs, p, H(1), &w);
	assert_int_equal(w.connections, 3);
	assert_int_equal(st->evicted, 1);
	/* a new pair for n2 starts from nothing */
	x = name_id(&fx, "two.workers.dev");
	p = add(&fx, H(1) + 5, "10.99.0.2", x, 443, 1, 1, H(1));
	pair_window(fx.pairs, p, H(1), &w);
	assert_int_equal(w.connections, 1);
	assert_null(pair_heavy(fx.pairs, p));	/* light: one connection */
	assert_int_equal(st->evicted, 2);
	assert_int_equal(st->created, 4);
	fixture_free(&fx);
}

/* A pair is light until its second connection or check-in; a full heavy
 * pool takes back the least recently updated history (counted), and the
 * pair keeps working, light again. */
static void
test_light_heavy(void **state)
{
	struct fixture fx;
	struct pair_window w;
	struct pair *a, *b;
	struct conn k;
	uint32_t n1, n2;
	const struct pair_stats *st;
	int fresh;

	(void)state;
	fixture_new(&fx, 8, 8);
	pair_table_destroy(fx.pairs);
	fx.pairs = pair_table_create(8, 1, fx.strings, &test_key, &test_score);
	assert_non_null(fx.pairs);
	st = pair_table_stats(fx.pairs);
	n1 = name_id(&fx, "one.workers.dev");
	n2 = name_id(&fx, "two.workers.dev");
	/* a check-in and its connection: still light */
	k = mkconn(H(1), "10.99.0.2", n1, 443, 100, 200);
	k.kind = CONN_CHECKIN;
	a = pair_table_add(fx.pairs, &k, 0, H(1), &fresh);
	assert_int_equal(fresh, 1);
	k.kind = CONN_FLOW;
	a = pair_table_add(fx.pairs, &k, 0, H(1), NULL);
	assert_null(pair_heavy(fx.pairs, a));
	pair_window(fx.pairs, a, H(1), &w);
	assert_int_equal(w.connections, 1);
	assert_int_equal(w.sent, 100);
	assert_int_equal(st->heavy, 0);
	/* the second check-in promotes it; the first comes along */
	k = mkconn(H(1) + 60 * SEC, "10.99.0.2", n1, 443, 100, 200);
	k.kind = CONN_CHECKIN;
	a = pair_table_add(fx.pairs, &k, 0, H(1), &fresh);
	assert_int_equal(fresh, 1);
	assert_non_null(pair_heavy(fx.pairs, a));
	assert_int_equal(pair_heavy(fx.pairs, a)->hist.count, 2);
	pair_window(fx.pairs, a, H(1), &w);
	assert_int_equal(w.connections, 1);	/* the light one kept */
	assert_int_equal(st->promoted, 1);
	assert_int_equal(st->heavy, 1);
	/* a check-in 1 s later merges into the newest */
	k = mkconn(H(1) + 61 * SEC, "10.99.0.2", n1, 443, 100, 200);
	k.kind = CONN_CHECKIN;
	pair_table_add(fx.pairs, &k, 0, H(1), &fresh);
	assert_int_equal(fresh, 0);
	assert_int_equal(pair_heavy(fx.pairs, a)->hist.count, 2);
	/* another pair needs the one heavy entry: a goes back to light */
	add(&fx, H(1), "10.99.0.3", n2, 443, 1, 1, H(1));
	b = add(&fx, H(1) + SEC, "10.99.0.3", n2, 443, 1, 1, H(1));
	assert_non_null(pair_heavy(fx.pairs, b));
	assert_null(pair_heavy(fx.pairs, a));
	assert_int_equal(st->demoted, 1);
	assert_int_equal(st->heavy, 1);
	pair_window(fx.pairs, b, H(1), &w);
	assert_int_equal(w.connections, 2);
	fixture_free(&fx);
}

static void
test_create_limits(void **state)
{
	struct intern *s = intern_create(4, &test_key);

	(void)state;
	assert_null(pair_table_create(0, 16, s, &test_key, &test_score));
	pair_table_destroy(NULL);
	assert_true(pair_table_bytes_per_pair() >= sizeof(struct pair));
	intern_destroy(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_and_hours),
		cmocka_unit_test(test_late_records),
		cmocka_unit_test(test_bucket_reuse),
		cmocka_unit_test(test_ports_and_last_dst),
		cmocka_unit_test(test_sni_references),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_lru_eviction),
		cmocka_unit_test(test_light_heavy),
		cmocka_unit_test(test_create_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
