/*
 * test_state.c - snapshots (state.h): a round trip of pairs (light and
 * with a history), fleet domains and DNS names that comes back equal, in
 * LRU order, with the alert state; a snapshot cut at every offset, or
 * with any single byte flipped, is refused; a body cut at every offset
 * restores what came before the cut and never more; names no longer in
 * the catalogue are skipped.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "catalogue.h"
#include "conn.h"
#include "fleet.h"
#include "intern.h"
#include "names.h"
#include "pair.h"
#include "state.h"

#define SEC	1000000ULL
#define T0	(1795824000ULL * SEC)

static const struct hash_key key = { 0x1111, 0x2222 };

struct tables {
	struct state_tables	t;
	struct catalogue	*cat;
	struct score_conf	sc;
};

static void
tables_new(struct tables *x)
{
	beacon_score_defaults(&x->sc);
	x->t.strings = intern_create(256, &key);
	x->t.names = names_create(64, x->t.strings, &key);
	x->t.fleet = fleet_create(16, x->t.strings, &key);
	x->t.pairs = pair_table_create(64, 16, x->t.strings, &key, &x->sc);
	x->cat = catalogue_create_builtin();
	x->t.cat = x->cat;
	assert_non_null(x->t.strings);
	assert_non_null(x->t.names);
	assert_non_null(x->t.fleet);
	assert_non_null(x->t.pairs);
	assert_non_null(x->cat);
}

static void
tables_free(struct tables *x)
{
	pair_table_destroy(x->t.pairs);
	fleet_destroy(x->t.fleet);
	names_destroy(x->t.names);
	catalogue_destroy(x->cat);
	intern_destroy(x->t.strings);
}

static void
record(struct tables *x, enum conn_kind kind, uint8_t host, const char *name,
    uint64_t t)
{
	const struct catalogue_entry *e = NULL;
	struct conn c;
	uint32_t id = intern_get(x->t.strings, name, strlen(name));

	memset(&c, 0, sizeof(c));
	c.kind = kind;
	c.start_us = c.end_us = t;
	c.family = 4;
	c.proto = IPPROTO_TCP;
	c.src[0] = 10;
	c.src[3] = host;
	c.dst[0] = 104;
	c.dport = 443;
	c.bytes_up = 900;
	c.bytes_down = 2000;
	c.established = 1;
	c.name_id = id;
	c.name = name;
	c.sni = name;
	(void)catalogue_classify(x->cat, name, strlen(name), &e);
	c.serverless = e;
	assert_non_null(pair_table_add(x->t.pairs, &c, 0, t, NULL));
	fleet_seen(x->t.fleet, id, t);
	intern_unref(x->t.strings, id);
}

static void
fill(struct tables *x)
{
	uint8_t srv[16] = { 104, 16, 0, 1 }, cli[16] = { 10, 0, 0, 2 };
	uint32_t id;
	int i;

	for (i = 0; i < 20; i++) {
		record(x, CONN_CHECKIN, 2, "a1b2.workers.dev", T0 + i * 60 * SEC);
		record(x, CONN_FLOW, 2, "a1b2.workers.dev", T0 + i * 60 * SEC);
	}
	record(x, CONN_FLOW, 3, "x.vercel.app", T0 + 30 * SEC);	/* light */
	id = intern_get(x->t.strings, "a1b2.workers.dev", 16);
	names_dns_add(x->t.names, 4, cli, srv, id, 300, T0);
	fleet_update(x->t.fleet, id, 4, cli, 60 * SEC, 0.1, T0 + 1200 * SEC);
	intern_unref(x->t.strings, id);
}

/* A text dump of the tables, for comparison. */
struct dump {
	char		buf[16384];
	size_t		len;
	struct tables	*x;
};

static void	dump_add(struct dump *d, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

static void
dump_add(struct dump *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	d->len += (size_t)vsnprintf(d->buf + d->len, sizeof(d->buf) - d->len,
	    fmt, ap);
	va_end(ap);
	assert_true(d->len < sizeof(d->buf));
}

static void
dump_pair(void *arg, const struct pair *p, const struct pair_heavy *h)
{
	struct dump *d = arg;

	dump_add(d, "P %u.%u %s %s c%u k%u %llu-%llu %s h%d", p->src[0],
	    p->src[3], intern_str(d->x->t.strings, p->name_id, NULL),
	    intern_str(d->x->t.strings, p->sni_id, NULL), p->conns,
	    p->checkins, (unsigned long long)p->first_us,
	    (unsigned long long)p->last_us, p->serverless != NULL ?
	    p->serverless->pattern : "-", h != NULL);
	if (h != NULL)
		dump_add(d, " hist%u/%u b%u %llu", h->hist.count,
		    h->hist.total, h->bucket[0].conns,
		    (unsigned long long)h->ref_fired_us);
	dump_add(d, "\n");
}

static void
dump_domain(void *arg, uint32_t name_id, uint64_t f, uint64_t l,
    const void *src)
{
	struct dump *d = arg;
	const uint8_t *b = src;
	size_t i;
	unsigned sum = 0;

	for (i = 0; i < fleet_sources_size(); i++)
		sum = sum * 31 + b[i];
	dump_add(d, "F %s %llu %llu %u\n", intern_str(d->x->t.strings,
	    name_id, NULL), (unsigned long long)f, (unsigned long long)l, sum);
}

static void
dump_name(void *arg, int family, const uint8_t *client, const uint8_t *server,
    uint32_t name_id, uint64_t exp)
{
	struct dump *d = arg;

	dump_add(d, "N %d %u %u %s %llu\n", family, client[3], server[1],
	    intern_str(d->x->t.strings, name_id, NULL),
	    (unsigned long long)exp);
}

static void
dump(struct tables *x, struct dump *d)
{
	d->len = 0;
	d->buf[0] = '\0';
	d->x = x;
	pair_table_visit(x->t.pairs, dump_pair, d);
	fleet_visit(x->t.fleet, dump_domain, d);
	names_visit(x->t.names, dump_name, d);
}

static char path[256];

static uint8_t *
slurp(size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *b = malloc(1 << 20);

	assert_non_null(fp);
	assert_non_null(b);
	*len = fread(b, 1, 1 << 20, fp);
	fclose(fp);
	return b;
}

static void
test_roundtrip(void **state)
{
	struct tables a, b;
	struct state_counts n, m;
	struct state *st;
	static struct dump da, db;
	char err[256];
	int missing;

	(void)state;
	tables_new(&a);
	fill(&a);
	pair_heavy(a.t.pairs, pair_table_find(a.t.pairs, 4,
	    (const uint8_t[16]){ 10, 0, 0, 2 }, intern_find(a.t.strings,
	    "a1b2.workers.dev", 16), 0))->ref_fired_us = T0 + 5;
	assert_int_equal(state_write(path, T0 + 99, &key, &a.t, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n.pairs, 2);
	assert_int_equal(n.heavy, 1);
	assert_int_equal(n.domains, 2);
	assert_int_equal(n.names, 1);
	assert_int_equal(access("state-test.tmp", F_OK), -1);

	st = state_read(path, &missing, err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(state_time(st), T0 + 99);
	assert_memory_equal(state_key(st), &key, sizeof(key));
	tables_new(&b);
	assert_int_equal(state_restore(st, &b.t, &m, err, sizeof(err)), 0);
	assert_int_equal(m.pairs, 2);
	assert_int_equal(m.heavy, 1);
	assert_int_equal(m.skipped, 0);
	dump(&a, &da);
	dump(&b, &db);
	assert_string_equal(da.buf, db.buf);
	assert_non_null(strstr(db.buf, "hist20/20"));
	assert_non_null(strstr(db.buf, "*.workers.dev h1"));
	state_free(st);
	tables_free(&a);
	tables_free(&b);

	st = state_read("/nonexistent/state", &missing, err, sizeof(err));
	assert_null(st);
	assert_true(missing);
}

static void
test_truncated_and_flipped(void **state)
{
	struct tables a;
	struct state_counts n;
	struct state *st;
	uint8_t *buf;
	size_t len, i;
	char err[256];

	(void)state;
	tables_new(&a);
	fill(&a);
	assert_int_equal(state_write(path, T0, &key, &a.t, &n, err,
	    sizeof(err)), 0);
	tables_free(&a);
	buf = slurp(&len);
	st = state_parse(buf, len, "t", err, sizeof(err));
	assert_non_null(st);
	state_free(st);
	for (i = 0; i < len; i++) {
		st = state_parse(buf, i, "t", err, sizeof(err));
		assert_null(st);
	}
	for (i = 0; i < len; i++) {
		buf[i] ^= 0x20;
		st = state_parse(buf, len, "t", err, sizeof(err));
		if (st != NULL)
			fail_msg("a flipped byte at %zu was accepted", i);
		buf[i] ^= 0x20;
	}
	free(buf);
}

/* The body cut anywhere: an error, what came before restored, never a
 * crash (run under the sanitizers in CI). */
static void
test_body_cut(void **state)
{
	struct tables a;
	struct state_counts n;
	struct state *st;
	uint8_t *buf;
	size_t len, i, header = 80;
	char err[256];

	(void)state;
	tables_new(&a);
	fill(&a);
	assert_int_equal(state_write(path, T0, &key, &a.t, &n, err,
	    sizeof(err)), 0);
	tables_free(&a);
	buf = slurp(&len);
	for (i = 0; i < len - header; i++) {
		tables_new(&a);
		st = state_from_body(buf + header, i);
		assert_non_null(st);
		assert_int_equal(state_restore(st, &a.t, &n, err,
		    sizeof(err)), -1);
		assert_true(n.pairs <= 2 && n.names <= 1 && n.domains <= 2);
		state_free(st);
		tables_free(&a);
	}
	/* and whole, with junk after it */
	tables_new(&a);
	buf[len] = 0;
	st = state_from_body(buf + header, len - header + 1);
	assert_int_equal(state_restore(st, &a.t, &n, err, sizeof(err)), -1);
	state_free(st);
	tables_free(&a);
	free(buf);
}

/* A pair whose name is no longer in the catalogue is left out. */
static void
test_catalogue_changed(void **state)
{
	static char custom[] = "*.vercel.app serverless\n";
	struct tables a, b;
	struct state_counts n;
	struct state *st;
	char err[256];
	FILE *fp;
	int missing;

	(void)state;
	tables_new(&a);
	fill(&a);
	assert_int_equal(state_write(path, T0, &key, &a.t, &n, err,
	    sizeof(err)), 0);
	tables_free(&a);
	tables_new(&b);
	fp = fmemopen(custom, sizeof(custom) - 1, "r");
	assert_non_null(fp);
	catalogue_destroy(b.cat);
	b.cat = catalogue_load_stream(fp, "custom", err, sizeof(err));
	fclose(fp);
	assert_non_null(b.cat);
	b.t.cat = b.cat;
	st = state_read(path, &missing, err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(state_restore(st, &b.t, &n, err, sizeof(err)), 0);
	assert_int_equal(n.pairs, 1);
	assert_int_equal(n.skipped, 1);
	state_free(st);
	tables_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_truncated_and_flipped),
		cmocka_unit_test(test_body_cut),
		cmocka_unit_test(test_catalogue_changed),
	};
	const char *t = getenv("TMPDIR");
	int rc;

	snprintf(path, sizeof(path), "%s/faaswatch-state-test.%ld",
	    t != NULL ? t : "/tmp", (long)getpid());
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(path);
	return rc;
}
