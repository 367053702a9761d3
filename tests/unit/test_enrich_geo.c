/*
 * test_enrich_geo.c - AS and geo lookups in MaxMind DB files.
 *
 * The databases are built at test time by tests/tools/mkmmdb.pl from
 * tests/data/enrich_geo/networks.txt (no binary database is committed), in
 * every layout the module reads: GeoLite2-ASN, DB-IP ASN Lite, an
 * IPv4-only ASN tree, GeoLite2-City and -Country, DB-IP City Lite,
 * GeoIP2-Enterprise-style traits, IPinfo Lite and IPinfo country_asn.
 * Without perl or its MaxMind::DB::Writer those tests are skipped with the
 * reason printed; the tests of bad files need neither.
 *
 * ENRICH_GEO_BENCH=N also builds N synthetic networks and prints the cost
 * of a lookup with and without cache hits (ENRICH_GEO_BENCH=/dir reuses the
 * databases of an earlier "mkmmdb.pl --synthetic N /dir").
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testdata.h"

#include "enrich_geo.h"

static char	tmpdir[512];		/* the built databases */
static char	skip_reason[512];	/* why they could not be built */

/* ---- building the databases --------------------------------------------- */

/* Runs argv, its output to stderr; returns the exit status, 127 when it
 * could not be started. */
static int
run(char *const argv[])
{
	pid_t pid;
	int st;

	fflush(NULL);
	if ((pid = fork()) == -1)
		return 127;
	if (pid == 0) {
		dup2(2, 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return 127;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static int
mkmmdb(char *first, char *second)
{
	char script[1024];
	char *argv[] = { "perl", script, first, second, tmpdir, NULL };
	int st;

	if (testdata_path("tools/mkmmdb.pl", script, sizeof(script)) != 0) {
		snprintf(skip_reason, sizeof(skip_reason),
		    "tests/tools/mkmmdb.pl not found (set top_srcdir)");
		return -1;
	}
	if (second == NULL) {
		argv[3] = tmpdir;
		argv[4] = NULL;
	}
	st = run(argv);
	if (st == 127)
		snprintf(skip_reason, sizeof(skip_reason),
		    "perl is not installed");
	else if (st == 3)
		snprintf(skip_reason, sizeof(skip_reason),
		    "perl module MaxMind::DB::Writer::Tree is missing "
		    "(apt-get install libmaxmind-db-writer-perl)");
	else if (st != 0)
		snprintf(skip_reason, sizeof(skip_reason),
		    "mkmmdb.pl failed with status %d", st);
	return st == 0 ? 0 : -1;
}

static int
group_setup(void **state)
{
	char desc[1024];
	const char *t = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/test_enrich_geo.XXXXXX",
	    t != NULL && t[0] != '\0' ? t : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		print_error("mkdtemp %s: %s\n", tmpdir, strerror(errno));
		return -1;
	}
	if (testdata_path("data/enrich_geo/networks.txt", desc, sizeof(desc)) != 0)
		snprintf(skip_reason, sizeof(skip_reason),
		    "tests/data/enrich_geo/networks.txt not found "
		    "(set top_srcdir)");
	else
		mkmmdb(desc, NULL);
	if (skip_reason[0] != '\0')
		print_message("SKIP reason: %s\n", skip_reason);
	return 0;
}

static int
group_teardown(void **state)
{
	char path[1024];
	struct dirent *de;
	DIR *d;

	(void)state;
	if ((d = opendir(tmpdir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", tmpdir,
			    de->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(tmpdir);
	return 0;
}

#define NEED_DBS() do {							\
	if (skip_reason[0] != '\0') {					\
		print_message("SKIP: %s\n", skip_reason);		\
		skip();							\
	}								\
} while (0)

static char	bench_dir[512];		/* ENRICH_GEO_BENCH=/dir */

static const char *
db(const char *name)
{
	static char buf[4][1024];
	static int i;

	i = (i + 1) % 4;
	if (name == NULL)
		return NULL;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s",
	    strncmp(name, "bulk-", 5) == 0 && bench_dir[0] != '\0' ?
	    bench_dir : tmpdir, name);
	return buf[i];
}

static struct enrich_geo *
open_ok(const char *asn, const char *city)
{
	struct enrich_geo *g;
	char err[512];

	err[0] = '\0';
	g = enrich_geo_open(db(asn), db(city), err, sizeof(err));
	if (g == NULL)
		fail_msg("open %s %s: %s", asn ? asn : "-", city ? city : "-",
		    err);
	return g;
}

/* family and 16-byte buffer from text */
static int
addr_of(const char *s, uint8_t *a)
{
	memset(a, 0, 16);
	if (inet_pton(AF_INET, s, a) == 1)
		return 4;
	if (inet_pton(AF_INET6, s, a) == 1)
		return 6;
	fail_msg("bad address %s", s);
	return 0;
}

static int
lookup(struct enrich_geo *g, const char *s, struct geo_result *r)
{
	uint8_t a[16];
	int fam = addr_of(s, a);

	memset(r, 0x5a, sizeof(*r));	/* nothing stale may show through */
	return enrich_geo_lookup(g, fam, a, r);
}

static void
check_invariant(struct enrich_geo *g)
{
	const struct enrich_geo_stats *s = enrich_geo_stats(g);

	assert_int_equal(s->lookups, s->found + s->not_found + s->errors);
	assert_true(s->cache_hits <= s->lookups);
}

static void
write_file(const char *path, const void *p, size_t n)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(p, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

static uint8_t *
read_all(const char *path, size_t *n)
{
	static uint8_t buf[65536];
	FILE *fp = fopen(path, "rb");

	assert_non_null(fp);
	*n = fread(buf, 1, sizeof(buf), fp);
	assert_true(*n > 0 && *n < sizeof(buf));
	fclose(fp);
	return buf;
}

/* ---- what networks.txt says --------------------------------------------- */

#define LONG_ORG "Groupe SA Soci\xc3\xa9t\xc3\xa9 G\xc3\xa9n\xc3\xa9rale de " \
	"R\xc3\xa9seaux Tr\xc3\xa8s \xc3\x89tendus et de T\xc3\xa9l\xc3\xa9" \
	"communications Internationales \xe2\x80\x94 D\xc3\xa9partement " \
	"des Syst\xc3\xa8mes Autonomes Num\xc3\xa9rot\xc3\xa9s " \
	"\xc3\x89loign\xc3\xa9s"

struct expect {
	const char	*addr;
	uint32_t	 asn;		/* 0: absent */
	const char	*org;
	const char	*iso, *country, *city, *continent;
	int		 has_loc;
	double		 lat, lon;
};

static const struct expect nets[] = {
	{ "198.51.100.7", 64500, "Example Transit GmbH", "DE", "Germany",
	    "Berlin", "EU", 1, 52.5244, 13.4105 },
	{ "203.0.113.5", 64501,
	    "\xe6\x9d\xb1\xe4\xba\xac \xc3\x9cn\xc3\xaf"
	    "c\xc3\xb6" "d\xc3\xa9 Networks K.K.",
	    "JP", "Japan", "T\xc5\x8dky\xc5\x8d", "AS", 1, 35.6895, 139.6917 },
	{ "203.0.113.200", 0, NULL, "BR", "Brazil", NULL, "SA", 1,
	    -15.7797, -47.9297 },
	{ "192.0.2.1", 64502, NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
	{ "192.0.2.130", 4200000001U, NULL /* LONG_ORG, cut */, "FR",
	    "France", NULL, "EU", 0, 0, 0 },
	{ "192.0.2.200", 0, NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
	{ "2001:db8:1::5", 64510, "Example Six Ltd", "GB", "United Kingdom",
	    "London", "EU", 1, 51.5085, -0.1257 },
	{ "2001:db8:2::1", 0, NULL, "US", "United States", NULL, "NA", 1,
	    37.751, -97.822 },
	{ "2001:db8:3:ffff::1", 64511, "AS Only Six", NULL, NULL, NULL, NULL,
	    0, 0, 0 },
	{ "2001:db8:4::1", 0, NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
	{ "2001:db8:ffff::1", 0, NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
	{ "8.8.8.8", 0, NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
	{ "10.1.2.3", 0, NULL, NULL, NULL, NULL, NULL, 0, 0, 0 },
};

#define NNETS	(sizeof(nets) / sizeof(nets[0]))

/* What to check of an expectation. */
#define WANT_AS		0x1
#define WANT_COUNTRY	0x2	/* iso, name, continent */
#define WANT_CITY	0x4	/* city, location */

static void
check_str(const struct geo_result *r, unsigned bit, const char *have,
    const char *want, const char *addr)
{
	if (want == NULL) {
		if (r->fields & bit)
			fail_msg("%s: field %#x present (%s)", addr, bit, have);
		return;
	}
	if (!(r->fields & bit))
		fail_msg("%s: field %#x absent, want %s", addr, bit, want);
	assert_string_equal(have, want);
}

static void
check(const struct geo_result *r, const struct expect *e, unsigned want)
{
	unsigned expected = 0;

	if ((want & WANT_AS) && e->asn != 0) {
		assert_true(r->fields & ENRICH_GEO_AS_NUMBER);
		assert_int_equal(r->as_number, e->asn);
		expected |= ENRICH_GEO_AS_NUMBER;
	}
	if ((want & WANT_AS) && e->org != NULL) {
		check_str(r, ENRICH_GEO_AS_ORG, r->as_org, e->org, e->addr);
		expected |= ENRICH_GEO_AS_ORG;
	}
	if ((want & WANT_AS) && e->asn == 4200000001U) {
		/* the long organisation, cut before the two-byte character
		 * at bytes 126 and 127 */
		assert_true(r->fields & ENRICH_GEO_AS_ORG);
		assert_int_equal(strlen(r->as_org), 126);
		assert_memory_equal(r->as_org, LONG_ORG, 126);
		assert_int_equal((unsigned char)LONG_ORG[126], 0xc3);
		expected |= ENRICH_GEO_AS_ORG;
	}
	if (want & WANT_COUNTRY) {
		check_str(r, ENRICH_GEO_COUNTRY_ISO, r->country_iso, e->iso,
		    e->addr);
		check_str(r, ENRICH_GEO_COUNTRY_NAME, r->country_name,
		    e->country, e->addr);
		check_str(r, ENRICH_GEO_CONTINENT, r->continent_code,
		    e->continent, e->addr);
		expected |= (e->iso ? ENRICH_GEO_COUNTRY_ISO : 0) |
		    (e->country ? ENRICH_GEO_COUNTRY_NAME : 0) |
		    (e->continent ? ENRICH_GEO_CONTINENT : 0);
	}
	if (want & WANT_CITY) {
		check_str(r, ENRICH_GEO_CITY_NAME, r->city_name, e->city,
		    e->addr);
		expected |= e->city ? ENRICH_GEO_CITY_NAME : 0;
		if (e->has_loc) {
			assert_true(r->fields & ENRICH_GEO_LOCATION);
			/* the same decimal text, the same double */
			assert_true(r->lat == e->lat);
			assert_true(r->lon == e->lon);
			expected |= ENRICH_GEO_LOCATION;
		}
	}
	if (r->fields != expected)
		fail_msg("%s: fields %#x, want %#x", e->addr, r->fields,
		    expected);
}

static void
check_all(const char *asn, const char *city, unsigned want)
{
	struct enrich_geo *g = open_ok(asn, city);
	struct geo_result r;
	size_t i;
	int pass;

	/* twice: the second pass comes from the cache */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < NNETS; i++) {
			assert_int_equal(lookup(g, nets[i].addr, &r), 0);
			check(&r, &nets[i], want);
		}
	check_invariant(g);
	assert_int_equal(enrich_geo_stats(g)->errors, 0);
	assert_int_equal(enrich_geo_stats(g)->bad_values, 0);
	if (ENRICH_GEO_CACHE_SLOTS >= 64)
		assert_true(enrich_geo_stats(g)->cache_hits >= NNETS / 2);
	enrich_geo_close(g);
}

/* ---- tests -------------------------------------------------------------- */

static void
test_asn_layouts(void **state)
{
	(void)state;
	NEED_DBS();
	check_all("asn.mmdb", NULL, WANT_AS);		/* GeoLite2-ASN */
	check_all("dbip-asn.mmdb", NULL, WANT_AS);	/* DB-IP ASN Lite */
}

static void
test_city_layouts(void **state)
{
	(void)state;
	NEED_DBS();
	check_all(NULL, "city.mmdb", WANT_COUNTRY | WANT_CITY);
	check_all(NULL, "dbip-city.mmdb", WANT_COUNTRY | WANT_CITY);
	check_all(NULL, "country.mmdb", WANT_COUNTRY);
	/* traits give the AS fields when no ASN database is open */
	check_all(NULL, "enterprise.mmdb", WANT_AS | WANT_COUNTRY | WANT_CITY);
	check_all("asn.mmdb", "city.mmdb",
	    WANT_AS | WANT_COUNTRY | WANT_CITY);
	check_all("dbip-asn.mmdb", "dbip-city.mmdb",
	    WANT_AS | WANT_COUNTRY | WANT_CITY);
}

static void
test_ipinfo_layout(void **state)
{
	(void)state;
	NEED_DBS();
	/* flat keys, "asn": "AS64500"; no city or location in Lite */
	check_all(NULL, "ipinfo.mmdb", WANT_AS | WANT_COUNTRY);
	check_all("ipinfo.mmdb", NULL, WANT_AS | WANT_COUNTRY);
	/* the older country_asn: "country" and "continent" are codes */
	check_all(NULL, "ipinfo-country-asn.mmdb", WANT_AS | WANT_COUNTRY);
}

/* The ASN database's AS fields win over the City database's traits, and
 * a database is asked for the other kind only when that one is absent. */
static void
test_each_database_its_fields(void **state)
{
	struct enrich_geo *g;
	struct geo_result r;

	(void)state;
	NEED_DBS();
	g = open_ok("ipinfo.mmdb", "city.mmdb");
	assert_int_equal(lookup(g, "192.0.2.1", &r), 0);
	/* AS from ipinfo; city.mmdb has no 192.0.2.0/25; ipinfo's geo is not
	 * read because a City database is open */
	assert_int_equal(r.fields, ENRICH_GEO_AS_NUMBER);
	assert_int_equal(r.as_number, 64502);
	enrich_geo_close(g);

	/* an IPv4-only ASN database has nothing for IPv6; enterprise.mmdb's
	 * traits would, but are not read while an ASN database is open */
	g = open_ok("asn-v4.mmdb", "enterprise.mmdb");
	assert_int_equal(lookup(g, "2001:db8:1::5", &r), 0);
	check(&r, &nets[6], WANT_COUNTRY | WANT_CITY);
	assert_int_equal(lookup(g, "198.51.100.7", &r), 0);
	check(&r, &nets[0], WANT_AS | WANT_COUNTRY | WANT_CITY);
	enrich_geo_close(g);
}

/* The address cache answers a repeated address; the record caches answer
 * another host of a network already decoded.  Answers are copies. */
static void
test_caches(void **state)
{
	struct enrich_geo *g;
	struct geo_result r;
	const struct enrich_geo_stats *st;

	(void)state;
	NEED_DBS();
	g = open_ok("asn.mmdb", "city.mmdb");
	st = enrich_geo_stats(g);
	assert_int_equal(lookup(g, "198.51.100.7", &r), 0);
	assert_int_equal(st->cache_hits + st->record_hits, 0);
	strcpy(r.as_org, "scribbled over");
	assert_int_equal(lookup(g, "198.51.100.7", &r), 0);
	check(&r, &nets[0], WANT_AS | WANT_COUNTRY | WANT_CITY);
	assert_int_equal(st->cache_hits, ENRICH_GEO_CACHE_SLOTS > 0);
	assert_int_equal(st->record_hits,
	    ENRICH_GEO_CACHE_SLOTS > 0 ? 0 : 2 * (ENRICH_GEO_RECORD_SLOTS > 0));
	/* another host, the same records in both databases */
	assert_int_equal(lookup(g, "198.51.100.200", &r), 0);
	check(&r, &nets[0], WANT_AS | WANT_COUNTRY | WANT_CITY);
	assert_int_equal(st->cache_hits, ENRICH_GEO_CACHE_SLOTS > 0);
	assert_int_equal(st->record_hits, (ENRICH_GEO_RECORD_SLOTS > 0) *
	    (ENRICH_GEO_CACHE_SLOTS > 0 ? 2 : 4));
	/* IPv6: AS and geo from two records, the second host from both */
	assert_int_equal(lookup(g, "2001:db8:1::5", &r), 0);
	assert_int_equal(lookup(g, "2001:db8:1:2::6", &r), 0);
	check(&r, &nets[6], WANT_AS | WANT_COUNTRY | WANT_CITY);
	/* geo only: no ASN record to hit */
	assert_int_equal(lookup(g, "203.0.113.200", &r), 0);
	assert_int_equal(lookup(g, "203.0.113.201", &r), 0);
	check(&r, &nets[2], WANT_AS | WANT_COUNTRY | WANT_CITY);
	assert_int_equal(st->record_hits, (ENRICH_GEO_RECORD_SLOTS > 0) *
	    (ENRICH_GEO_CACHE_SLOTS > 0 ? 5 : 7));
	check_invariant(g);
	enrich_geo_close(g);
}

static void
test_ipv4_in_ipv6_tree(void **state)
{
	struct enrich_geo *g;
	struct geo_result r;
	static const char *const v4forms[] = {
		"198.51.100.7",		/* IPv4, found under ::/96 */
		"::ffff:198.51.100.7",	/* mapped, looked up as IPv4 */
		"::198.51.100.7",	/* ::/96 itself */
	};
	size_t i;

	(void)state;
	NEED_DBS();
	/* GeoLite2 layout, aliases: 6to4 reaches IPv4 too */
	g = open_ok(NULL, "city.mmdb");
	for (i = 0; i < 3; i++) {
		assert_int_equal(lookup(g, v4forms[i], &r), 0);
		check(&r, &nets[0], WANT_COUNTRY | WANT_CITY);
	}
	assert_int_equal(lookup(g, "2002:c633:6407::1", &r), 0);
	check(&r, &nets[0], WANT_COUNTRY | WANT_CITY);
	enrich_geo_close(g);

	/* no aliases in the tree: mapped still works, 6to4 does not */
	g = open_ok(NULL, "dbip-city.mmdb");
	for (i = 0; i < 3; i++) {
		assert_int_equal(lookup(g, v4forms[i], &r), 0);
		check(&r, &nets[0], WANT_COUNTRY | WANT_CITY);
	}
	assert_int_equal(lookup(g, "2002:c633:6407::1", &r), 0);
	assert_int_equal(r.fields, 0);
	enrich_geo_close(g);

	/* an IPv4-only tree: IPv6 is counted, not an error */
	g = open_ok("asn-v4.mmdb", NULL);
	assert_int_equal(lookup(g, "198.51.100.7", &r), 0);
	check(&r, &nets[0], WANT_AS);
	assert_int_equal(lookup(g, "::ffff:198.51.100.7", &r), 0);
	check(&r, &nets[0], WANT_AS);
	assert_int_equal(lookup(g, "2001:db8:1::5", &r), 0);
	assert_int_equal(r.fields, 0);
	assert_int_equal(enrich_geo_stats(g)->ipv6_in_ipv4, 1);
	assert_int_equal(enrich_geo_stats(g)->errors, 0);
	check_invariant(g);
	enrich_geo_close(g);
}

static void
test_truncated_name(void **state)
{
	struct enrich_geo *g;
	struct geo_result r;
	json_t *doc;

	(void)state;
	NEED_DBS();
	g = open_ok("asn.mmdb", NULL);
	assert_int_equal(lookup(g, "192.0.2.130", &r), 0);
	assert_int_equal(r.as_number, 4200000001U);
	assert_int_equal(strlen(r.as_org), 126);
	assert_memory_equal(r.as_org, LONG_ORG, 126);
	assert_int_equal(enrich_geo_stats(g)->truncated, 1);
	/* still valid UTF-8: jansson takes it */
	doc = json_object();
	enrich_geo_to_json(&r, doc, "destination");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    json_object_get(json_object_get(doc, "destination"), "as"),
	    "organization"), "name")), r.as_org);
	json_decref(doc);
	enrich_geo_close(g);
}

/* Values the module must refuse: counted, left out, the rest kept. */
static void
test_bad_values(void **state)
{
	struct enrich_geo *g;
	struct geo_result r;

	(void)state;
	NEED_DBS();
	g = open_ok(NULL, "odd.mmdb");
	assert_int_equal(lookup(g, "198.51.100.7", &r), 0);
	assert_int_equal(r.fields, ENRICH_GEO_COUNTRY_NAME);
	assert_string_equal(r.country_name, "Germany");
	assert_int_equal(enrich_geo_stats(g)->bad_values, 5);
	enrich_geo_close(g);
}

/* Strings that are not UTF-8 (patched into a copy of asn.mmdb in place of
 * "Example Transit GmbH"): the organisation is left out and counted, the
 * AS number kept. */
static void
test_invalid_utf8(void **state)
{
	static const struct {
		const char	*bytes;	/* over the name's bytes */
		size_t		 len;
		size_t		 off;	/* from here */
		int		 valid;
	} v[] = {
		{ "\xff", 1, 0, 0 },		/* never in UTF-8 */
		{ "\xc0\xaf", 2, 0, 0 },	/* overlong "/" */
		{ "\xed\xa0\x80", 3, 0, 0 },	/* a surrogate */
		{ "\xf4\x90\x80\x80", 4, 0, 0 },	/* above U+10FFFF */
		{ "\x80", 1, 0, 0 },		/* a lone continuation */
		{ "\xe2\x82", 2, 0, 0 },	/* cut short by "a" */
		{ "\xc3", 1, 19, 0 },		/* cut short by the end */
		{ "\0", 1, 5, 0 },		/* NUL */
		{ "\xc3\xa9", 2, 0, 1 },	/* "\xc3\xa9xample" is fine */
		{ "\xf0\x9f\x98\x80", 4, 0, 1 },	/* U+1F600 */
	};
	static const char name[] = "Example Transit GmbH";
	char path[1024];
	uint8_t *p, copy[65536];
	struct enrich_geo *g;
	struct geo_result r;
	size_t n, i, at;

	(void)state;
	NEED_DBS();
	p = read_all(db("asn.mmdb"), &n);
	for (at = 0; at + sizeof(name) - 1 <= n; at++)
		if (memcmp(p + at, name, sizeof(name) - 1) == 0)
			break;
	assert_true(at + sizeof(name) - 1 <= n);
	snprintf(path, sizeof(path), "%s/utf8.mmdb", tmpdir);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		memcpy(copy, p, n);
		memcpy(copy + at + v[i].off, v[i].bytes, v[i].len);
		write_file(path, copy, n);
		g = open_ok("utf8.mmdb", NULL);
		assert_int_equal(lookup(g, "198.51.100.7", &r), 0);
		assert_true(r.fields & ENRICH_GEO_AS_NUMBER);
		assert_int_equal(r.as_number, 64500);
		if (v[i].valid) {
			assert_true(r.fields & ENRICH_GEO_AS_ORG);
			assert_memory_equal(r.as_org, v[i].bytes, v[i].len);
			assert_int_equal(strlen(r.as_org), sizeof(name) - 1);
			assert_int_equal(enrich_geo_stats(g)->bad_values, 0);
		} else {
			if (r.fields & ENRICH_GEO_AS_ORG)
				fail_msg("variant %zu accepted", i);
			assert_int_equal(enrich_geo_stats(g)->bad_values, 1);
		}
		enrich_geo_close(g);
	}
	unlink(path);
}

static void
test_to_json(void **state)
{
	struct enrich_geo *g;
	struct geo_result r;
	json_t *doc, *want;
	json_error_t jerr;

	(void)state;
	NEED_DBS();
	g = open_ok("asn.mmdb", "city.mmdb");
	assert_int_equal(lookup(g, "198.51.100.7", &r), 0);
	doc = json_pack("{s:{s:s}}", "destination", "ip", "198.51.100.7");
	enrich_geo_to_json(&r, doc, "destination");
	want = json_loads("{\"destination\":{\"ip\":\"198.51.100.7\","
	    "\"as\":{\"number\":64500,\"organization\":{\"name\":"
	    "\"Example Transit GmbH\"}},"
	    "\"geo\":{\"country_iso_code\":\"DE\",\"country_name\":\"Germany\","
	    "\"city_name\":\"Berlin\",\"continent_code\":\"EU\","
	    "\"location\":{\"lat\":52.5244,\"lon\":13.4105}}}}", 0, &jerr);
	assert_non_null(want);
	if (!json_equal(doc, want)) {
		char *s = json_dumps(doc, JSON_SORT_KEYS);
		fail_msg("got %s", s);
	}
	json_decref(doc);
	json_decref(want);

	/* partial: AS number only; no prefix */
	assert_int_equal(lookup(g, "192.0.2.1", &r), 0);
	doc = json_object();
	enrich_geo_to_json(&r, doc, NULL);
	want = json_loads("{\"as\":{\"number\":64502}}", 0, &jerr);
	assert_true(json_equal(doc, want));
	json_decref(doc);
	json_decref(want);

	/* nothing found: nothing added */
	assert_int_equal(lookup(g, "192.0.2.200", &r), 0);
	assert_int_equal(r.fields, 0);
	doc = json_object();
	enrich_geo_to_json(&r, doc, "source");
	assert_int_equal(json_object_size(doc), 0);
	json_decref(doc);
	enrich_geo_close(g);
}

static void
test_stats_and_describe(void **state)
{
	struct enrich_geo *g;
	struct geo_result r;
	uint8_t a[16] = { 0 };
	char buf[256];
	json_t *doc;

	(void)state;
	NEED_DBS();
	g = open_ok("asn.mmdb", "city.mmdb");
	assert_int_equal(lookup(g, "198.51.100.7", &r), 0);
	assert_int_equal(lookup(g, "198.51.100.7", &r), 0);
	assert_int_equal(lookup(g, "192.0.2.200", &r), 0);
	assert_int_equal(enrich_geo_lookup(g, 5, a, &r), -1);
	assert_int_equal(r.fields, 0);
	assert_int_equal(enrich_geo_stats(g)->lookups, 4);
	assert_int_equal(enrich_geo_stats(g)->found, 2);
	assert_int_equal(enrich_geo_stats(g)->not_found, 1);
	assert_int_equal(enrich_geo_stats(g)->errors, 1);
	if (ENRICH_GEO_CACHE_SLOTS > 0)
		assert_int_equal(enrich_geo_stats(g)->cache_hits, 1);
	doc = json_object();
	enrich_geo_stats_to_json(enrich_geo_stats(g), doc,
	    "faaswatch.stats.geo");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
	    json_object_get(json_object_get(doc, "faaswatch"), "stats"),
	    "geo"), "lookups")), 4);
	json_decref(doc);
	enrich_geo_describe(g, buf, sizeof(buf));
	assert_non_null(strstr(buf, "ASN GeoLite2-ASN (IPv6, built "));
	assert_non_null(strstr(buf, ", City GeoLite2-City (IPv6, built "));
	enrich_geo_describe(g, buf, 10);
	assert_int_equal(strlen(buf), 9);
	enrich_geo_close(g);
}

/* ---- bad files ---------------------------------------------------------- */


static void
expect_open_error(const char *asn, const char *city, const char *what)
{
	struct enrich_geo *g;
	char err[512];

	err[0] = '\0';
	g = enrich_geo_open(asn, city, err, sizeof(err));
	if (g != NULL)
		fail_msg("%s opened", asn ? asn : city);
	assert_non_null(strstr(err, what));
	assert_null(strchr(err, '\n'));
	print_message("  %s\n", err);
}

static void
test_bad_files(void **state)
{
	char text[1024], empty[1024], bin[1024], dir[1024];
	char big[4096];

	(void)state;
	snprintf(text, sizeof(text), "%s/text.mmdb", tmpdir);
	snprintf(empty, sizeof(empty), "%s/empty.mmdb", tmpdir);
	snprintf(bin, sizeof(bin), "%s/zeros.mmdb", tmpdir);
	snprintf(dir, sizeof(dir), "%s/dir.mmdb", tmpdir);
	write_file(text, "1.2.3.0/24 AS64500 Example\n", 27);
	write_file(empty, "", 0);
	memset(big, 0, sizeof(big));
	write_file(bin, big, sizeof(big));
	assert_int_equal(mkdir(dir, 0700), 0);

	expect_open_error(NULL, NULL, "no MaxMind database given");
	expect_open_error("/nonexistent/GeoLite2-ASN.mmdb", NULL,
	    "ASN database /nonexistent/GeoLite2-ASN.mmdb: No such file");
	expect_open_error(NULL, text, "not a MaxMind DB file");
	expect_open_error(NULL, empty, "empty file, not a MaxMind DB");
	expect_open_error(bin, NULL, "not a MaxMind DB file");
	expect_open_error(dir, NULL, "is a directory");
	expect_open_error(NULL, "/dev/null",
	    "City database /dev/null: not a regular file");
	if (skip_reason[0] == '\0') {
		/* a good one and a bad one: the bad one is named */
		expect_open_error(db("asn.mmdb"), text, "City database");
	}
	unlink(text);
	unlink(empty);
	unlink(bin);
	rmdir(dir);
}


/* Opens a damaged copy; if it opens, looks every test address up: an
 * error gives no fields and is counted.  Returns 1 if it opened. */
static int
try_damaged(const char *path, int as_city, uint64_t *errors)
{
	struct enrich_geo *g;
	struct geo_result r;
	char err[512];
	json_t *doc;
	size_t i;

	err[0] = '\0';
	g = enrich_geo_open(as_city ? NULL : path, as_city ? path : NULL, err,
	    sizeof(err));
	if (g == NULL) {
		assert_true(err[0] != '\0');
		assert_null(strchr(err, '\n'));
		return 0;
	}
	for (i = 0; i < NNETS; i++) {
		if (lookup(g, nets[i].addr, &r) == -1)
			assert_int_equal(r.fields, 0);
		doc = json_object();
		enrich_geo_to_json(&r, doc, "destination");
		json_decref(doc);
	}
	check_invariant(g);
	*errors += enrich_geo_stats(g)->errors;
	enrich_geo_close(g);
	return 1;
}

/* Every prefix of each database, and each byte flipped: a clear error at
 * open or counted lookup errors, never a crash (run under ASan). */
static void
test_damaged_databases(void **state)
{
	static const char *const files[] = { "asn.mmdb", "city.mmdb",
	    "ipinfo.mmdb" };
	char path[1024];
	uint8_t *p, orig[65536];
	size_t f, n, off;
	uint64_t errors;
	unsigned opened;

	(void)state;
	NEED_DBS();
	snprintf(path, sizeof(path), "%s/damaged.mmdb", tmpdir);
	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		p = read_all(db(files[f]), &n);
		memcpy(orig, p, n);
		opened = 0;
		errors = 0;
		for (off = 0; off < n; off++) {
			write_file(path, orig, off);
			opened += (unsigned)try_damaged(path, f > 0, &errors);
		}
		print_message("  %s: %zu prefixes, %u opened\n", files[f], n,
		    opened);
		/* the metadata is at the end: no strict prefix is usable */
		assert_int_equal(opened, 0);
		opened = 0;
		for (off = 0; off < n; off++) {
			orig[off] ^= 0xff;
			write_file(path, orig, n);
			orig[off] ^= 0xff;
			opened += (unsigned)try_damaged(path, f > 0, &errors);
		}
		print_message("  %s: %zu flipped bytes, %u opened, %llu "
		    "lookup errors\n", files[f], n, opened,
		    (unsigned long long)errors);
		assert_true(opened > 0);
		assert_true(errors > 0);	/* the error path ran */
	}
	unlink(path);
}

/* ---- benchmark (ENRICH_GEO_BENCH=N) ------------------------------------- */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
test_bench(void **state)
{
	const char *env = getenv("ENRICH_GEO_BENCH");
	static uint8_t addrs[300000][16];
	static int fams[300000];
	char line[128], *nl;
	struct enrich_geo *g;
	struct geo_result r;
	size_t n = 0, i, k;
	FILE *fp;
	double t0, t1, best;
	int mode, run_;
	unsigned long found = 0;
	uint32_t x = 1;

	(void)state;
	if (env == NULL || (env[0] != '/' && atoi(env) <= 0)) {
		print_message("  (set ENRICH_GEO_BENCH=N to measure)\n");
		return;
	}
	NEED_DBS();
	if (env[0] == '/') {
		/* a directory of an earlier mkmmdb.pl --synthetic */
		snprintf(bench_dir, sizeof(bench_dir), "%s", env);
	} else {
		snprintf(line, sizeof(line), "%d", atoi(env));
		if (mkmmdb("--synthetic", line) != 0)
			fail_msg("synthetic database: %s", skip_reason);
	}
	fp = fopen(db("bulk-addrs.txt"), "r");
	assert_non_null(fp);
	while (n < 300000 && fgets(line, sizeof(line), fp) != NULL) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		fams[n] = addr_of(line, addrs[n]);
		n++;
	}
	fclose(fp);
	g = open_ok("bulk-asn.mmdb", "bulk-city.mmdb");
	enrich_geo_describe(g, line, sizeof(line));
	print_message("  %zu networks; %s\n", n, line);

	/* each figure the best of 5 runs of 10^6 lookups (CPU time) */
	for (mode = 0; mode < 3; mode++) {
		best = 1e9;
		for (run_ = 0; run_ < 5; run_++) {
			t0 = now_s();
			for (k = 0; k < 1000000; k++) {
				x = x * 1103515245 + 12345;
				if (mode == 0) {
					/* a new host each time: no hits */
					i = k % n;
					addrs[i][fams[i] == 4 ? 3 : 15]++;
				} else if (mode == 1)
					i = k & 63;
				else
					/* half to 32 busy servers */
					i = (x >> 16) & 1 ? (x >> 17) % 32 :
					    (x >> 8) % n;
				enrich_geo_lookup(g, fams[i], addrs[i], &r);
				found += r.fields != 0;
			}
			t1 = now_s();
			if (t1 - t0 < best)
				best = t1 - t0;
		}
		print_message("  %s: %.0f ns per lookup\n", mode == 0 ?
		    "all different" : mode == 1 ? "the same 64" :
		    "half to 32 servers", best * 1e9 / 1e6);
	}
	print_message("  caches: %d addresses, %d records per database; "
	    "%zu bytes in all\n", ENRICH_GEO_CACHE_SLOTS,
	    ENRICH_GEO_RECORD_SLOTS, enrich_geo_memory());
	print_message("  %llu lookups: %llu address hits, %llu record hits, "
	    "%lu found\n", (unsigned long long)enrich_geo_stats(g)->lookups,
	    (unsigned long long)enrich_geo_stats(g)->cache_hits,
	    (unsigned long long)enrich_geo_stats(g)->record_hits, found);
	enrich_geo_close(g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_asn_layouts),
		cmocka_unit_test(test_city_layouts),
		cmocka_unit_test(test_ipinfo_layout),
		cmocka_unit_test(test_each_database_its_fields),
		cmocka_unit_test(test_caches),
		cmocka_unit_test(test_ipv4_in_ipv6_tree),
		cmocka_unit_test(test_truncated_name),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_to_json),
		cmocka_unit_test(test_stats_and_describe),
		cmocka_unit_test(test_damaged_databases),
		cmocka_unit_test(test_bench),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
