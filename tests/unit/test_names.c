/*
 * test_names.c - name canonicalisation and the DNS name map against
 * names.h: lower case, one trailing dot, \DDD escapes, the length limit;
 * add, replace and look up answers per (client, server), TTL clamping and
 * expiry, eviction of the least recently updated entry, IPv4 and IPv6 keys,
 * and the intern references the map holds.
 *
 * The names and addresses are those of the lab captures (dig and curl
 * against dnsmasq: client 10.99.0.2 / fd99::2, server 10.99.0.1 / fd99::1)
 * and of public captures: ndpi__dns-invalid-chars.pcap (control bytes in
 * a label) and zeek__dns_original_case.pcap (a mixed-case query).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "defaults.h"
#include "hash.h"
#include "intern.h"
#include "names.h"

#define SEC	1000000ULL
#define T0	(1795862935ULL * SEC)

static const struct hash_key test_key = { 0x0f0f0f0f0f0f0f0fULL,
    0x1234567812345678ULL };

static void
addr16(const char *text, uint8_t out[16])
{
	memset(out, 0, 16);
	if (strchr(text, ':') != NULL)
		assert_int_equal(inet_pton(AF_INET6, text, out), 1);
	else
		assert_int_equal(inet_pton(AF_INET, text, out), 1);
}

/* ---- canonical form ------------------------------------------------------ */

static int
canon(const char *raw, size_t len, char out[NAME_MAX_LEN + 1])
{
	return names_canon((const uint8_t *)raw, len, out);
}

static void
expect_canon(const char *raw, size_t len, const char *want)
{
	char out[NAME_MAX_LEN + 1];

	assert_int_equal(canon(raw, len, out), (int)strlen(want));
	assert_string_equal(out, want);
}

static void
test_canon_case_and_dot(void **state)
{
	char out[NAME_MAX_LEN + 1];

	(void)state;
	expect_canon("Demo-Beacon.WORKERS.dev", 23, "demo-beacon.workers.dev");
	/* zeek__dns_original_case.pcap, frame 1 */
	expect_canon("Us.V27.DiStRiBuTeD.NET", 22, "us.v27.distributed.net");
	expect_canon("demo-beacon.workers.dev.", 24, "demo-beacon.workers.dev");
	expect_canon("api.example.com", 15, "api.example.com");
	/* only one trailing dot goes */
	expect_canon("a..", 3, "a.");
	expect_canon("..", 2, ".");
	/* the letters' neighbours are not letters */
	expect_canon("@AZ[`az{", 8, "@az[`az{");
	/* underscore, digits and hyphen as they are */
	expect_canon("_dmarc.X-1.Example", 18, "_dmarc.x-1.example");
	/* empty, and a lone dot */
	assert_int_equal(canon("", 0, out), -1);
	assert_int_equal(canon(".", 1, out), -1);
}

static void
test_canon_escapes(void **state)
{
	(void)state;
	/* ndpi__dns-invalid-chars.pcap, frames 1 and 2 */
	expect_canon("www.allyourba\x04\x05\x06" "arebelongto.cn", 30,
	    "www.allyourba\\004\\005\\006arebelongto.cn");
	expect_canon("www.allyourbasesare\x01\x02\x03ongto.cn", 30,
	    "www.allyourbasesare\\001\\002\\003ongto.cn");
	/* a space and a byte above ASCII */
	expect_canon("my host.example", 15, "my\\032host.example");
	expect_canon("caf\xe9.example", 12, "caf\\233.example");
	expect_canon("a\\b", 3, "a\\092b");
	expect_canon("a\"b", 3, "a\\034b");
	expect_canon("a\0b", 3, "a\\000b");
	expect_canon("\x7f", 1, "\\127");
	expect_canon("\xff", 1, "\\255");
	expect_canon("\x1f~!", 3, "\\031~!");
	/* escapes are lower case only in the sense that digits are digits;
	 * an upper-case letter next to one is still folded */
	expect_canon("A\tB", 3, "a\\009b");
}

static void
test_canon_length_limit(void **state)
{
	char raw[NAME_MAX_LEN + 8], out[NAME_MAX_LEN + 1];

	(void)state;
	memset(raw, 'a', sizeof(raw));
	/* exactly NAME_MAX_LEN, with and without a trailing dot */
	assert_int_equal(canon(raw, NAME_MAX_LEN, out), NAME_MAX_LEN);
	assert_int_equal(strlen(out), NAME_MAX_LEN);
	raw[NAME_MAX_LEN] = '.';
	assert_int_equal(canon(raw, NAME_MAX_LEN + 1, out), NAME_MAX_LEN);
	raw[NAME_MAX_LEN] = 'a';
	assert_int_equal(canon(raw, NAME_MAX_LEN + 1, out), -1);
	/* an escape that would end past the limit */
	raw[NAME_MAX_LEN - 4] = ' ';
	assert_int_equal(canon(raw, NAME_MAX_LEN - 3, out), NAME_MAX_LEN);
	assert_string_equal(out + NAME_MAX_LEN - 4, "\\032");
	assert_int_equal(canon(raw, NAME_MAX_LEN - 2, out), -1);
	raw[NAME_MAX_LEN - 4] = 'a';
	raw[NAME_MAX_LEN - 3] = ' ';
	assert_int_equal(canon(raw, NAME_MAX_LEN - 2, out), -1);
}

/* ---- the DNS map --------------------------------------------------------- */

struct fixture {
	struct intern	*strings;
	struct names	*names;
};

static void
fixture_new(struct fixture *fx, size_t strings, size_t entries)
{
	fx->strings = intern_create(strings, &test_key);
	assert_non_null(fx->strings);
	fx->names = names_create(entries, fx->strings, &test_key);
	assert_non_null(fx->names);
}

static void
fixture_free(struct fixture *fx)
{
	names_destroy(fx->names);
	intern_destroy(fx->strings);
}

/* Interns s and drops the test's own reference: from then on only the map's
 * references keep it. */
static uint32_t
name_id(struct fixture *fx, const char *s)
{
	uint32_t id = intern_get(fx->strings, s, strlen(s));

	assert_int_not_equal(id, 0);
	intern_unref(fx->strings, id);
	return id;
}

static void
add(struct fixture *fx, int family, const char *client, const char *server,
    uint32_t id, uint32_t ttl, uint64_t now)
{
	uint8_t c[16], s[16];

	addr16(client, c);
	addr16(server, s);
	names_dns_add(fx->names, family, c, s, id, ttl, now);
}

static uint32_t
lookup(struct fixture *fx, int family, const char *client, const char *server,
    uint64_t now)
{
	uint8_t c[16], s[16];

	addr16(client, c);
	addr16(server, s);
	return names_dns_lookup(fx->names, family, c, s, now);
}

static void
test_map_add_lookup(void **state)
{
	struct fixture fx;
	const struct names_stats *st;
	uint32_t api;

	(void)state;
	fixture_new(&fx, 16, 16);
	st = names_stats(fx.names);
	assert_int_equal(st->capacity, 16);
	api = name_id(&fx, "api.example.com");
	add(&fx, 4, "10.99.0.2", "10.99.0.1", api, 300, T0);
	assert_int_equal(lookup(&fx, 4, "10.99.0.2", "10.99.0.1", T0), api);
	/* another client, another server, the reverse direction: none */
	assert_int_equal(lookup(&fx, 4, "10.99.0.3", "10.99.0.1", T0), 0);
	assert_int_equal(lookup(&fx, 4, "10.99.0.2", "10.99.0.9", T0), 0);
	assert_int_equal(lookup(&fx, 4, "10.99.0.1", "10.99.0.2", T0), 0);
	assert_int_equal(st->entries, 1);
	assert_int_equal(st->added, 1);
	assert_int_equal(st->lookups, 4);
	assert_int_equal(st->hits, 1);
	/* name 0 is not recorded */
	add(&fx, 4, "10.99.0.2", "10.99.0.5", 0, 300, T0);
	assert_int_equal(st->entries, 1);
	assert_int_equal(lookup(&fx, 4, "10.99.0.2", "10.99.0.5", T0), 0);
	/* the map's reference keeps the name alive */
	assert_string_equal(intern_str(fx.strings, api, NULL),
	    "api.example.com");
	fixture_free(&fx);
}

static void
test_map_ipv4_ipv6_keys(void **state)
{
	struct fixture fx;
	uint32_t v4, v6;
	uint8_t c[16], s[16];

	(void)state;
	fixture_new(&fx, 16, 16);
	v4 = name_id(&fx, "demo-beacon.workers.dev");
	v6 = name_id(&fx, "v6.demo-beacon.workers.dev");
	add(&fx, 4, "10.99.0.2", "10.99.0.1", v4, 300, T0);
	add(&fx, 6, "fd99::2", "fd99::1", v6, 300, T0);
	assert_int_equal(lookup(&fx, 4, "10.99.0.2", "10.99.0.1", T0), v4);
	assert_int_equal(lookup(&fx, 6, "fd99::2", "fd99::1", T0), v6);
	assert_int_equal(lookup(&fx, 6, "fd99::2", "fd99::3", T0), 0);
	/* the same 16 bytes under the other family are another key */
	addr16("10.99.0.2", c);
	addr16("10.99.0.1", s);
	assert_int_equal(names_dns_lookup(fx.names, 6, c, s, T0), 0);
	addr16("fd99::2", c);
	addr16("fd99::1", s);
	assert_int_equal(names_dns_lookup(fx.names, 4, c, s, T0), 0);
	/* IPv4-mapped IPv6 is not IPv4 */
	assert_int_equal(lookup(&fx, 6, "::ffff:10.99.0.2", "::ffff:10.99.0.1",
	    T0), 0);
	fixture_free(&fx);
}

static void
test_map_replace(void **state)
{
	struct fixture fx;
	const struct names_stats *st;
	uint32_t a, b, c;

	(void)state;
	/* two strings: every reference shows in whether a third fits */
	fixture_new(&fx, 2, 16);
	st = names_stats(fx.names);
	a = name_id(&fx, "old.pages.dev");
	b = name_id(&fx, "new.pages.dev");
	add(&fx, 4, "10.99.0.2", "10.99.0.1", a, 300, T0);
	add(&fx, 4, "10.99.0.2", "10.99.0.1", a, 300, T0 + SEC);
	assert_int_equal(st->replaced, 0);
	add(&fx, 4, "10.99.0.2", "10.99.0.1", b, 300, T0 + 2 * SEC);
	assert_int_equal(st->replaced, 1);
	assert_int_equal(st->added, 3);
	assert_int_equal(st->entries, 1);
	assert_int_equal(lookup(&fx, 4, "10.99.0.2", "10.99.0.1", T0 + 2 * SEC),
	    b);
	/* a is unreferenced now (twice added, once released): a new string
	 * takes its slot, while b, held by the map, does not move */
	c = intern_get(fx.strings, "third.pages.dev", 15);
	assert_int_equal(c, a);
	assert_int_equal(intern_get(fx.strings, "fourth.pages.dev", 16), 0);
	assert_string_equal(intern_str(fx.strings, b, NULL), "new.pages.dev");
	fixture_free(&fx);
}

static void
test_map_ttl_clamp_and_expiry(void **state)
{
	struct fixture fx;
	const struct names_stats *st;
	uint32_t a, b, c;

	(void)state;
	fixture_new(&fx, 16, 16);
	st = names_stats(fx.names);
	a = name_id(&fx, "a.netlify.app");
	b = name_id(&fx, "b.netlify.app");
	c = name_id(&fx, "c.netlify.app");
	add(&fx, 4, "10.99.0.2", "10.99.0.11", a, 300, T0);
	add(&fx, 4, "10.99.0.2", "10.99.0.12", b, 0, T0);	/* -> 60 */
	add(&fx, 4, "10.99.0.2", "10.99.0.13", c, 4000000000u, T0);
	/* the TTL itself: valid through its last microsecond */
	assert_int_equal(lookup(&fx, 4, "10.99.0.2", "10.99.0.11",
	    T0 + 300 * SEC), a);
	assert_int_equal(lookup(&fx, 4, "10.99.0.2", "10.99.0.11",
	    T0 + 300 * SEC + 1), 0);
	assert_int_equal(st->expired, 1);
	assert_int_equal(st->entries, 2);
	/* gone, not merely hidden */
	assert_int_equal(lookup(&fx, 4, "10.99.0.2", "10.99.0.11", T0), 0);
	/* TTL 0 is held DNS_TTL_MIN seconds */
	assert_int_equal(lookup(&fx, 4, "10.99.0.2", "10.99.0.12",
	    T0 + DNS_TTL_MIN * SEC), b);
	assert_int_equal(lookup(&fx, 4, "10.99.0.2", "10.99.0.12",
	    T0 + DNS_TTL_MIN * SEC + 1), 0);
	/* a huge TTL is cut to DNS_TTL_MAX */
	assert_int_equal(lookup(&fx, 4, "10.99.0.2", "10.99.0.13",
	    T0 + DNS_TTL_MAX * SEC), c);
	assert_int_equal(lookup(&fx, 4, "10.99.0.2", "10.99.0.13",
	    T0 + DNS_TTL_MAX * SEC + 1), 0);
	assert_int_equal(st->expired, 3);
	assert_int_equal(st->entries, 0);
	/* a new answer for the same pair refreshes the expiry */
	add(&fx, 4, "10.99.0.2", "10.99.0.11", a, 60, T0);
	add(&fx, 4, "10.99.0.2", "10.99.0.11", a, 60, T0 + 50 * SEC);
	assert_int_equal(lookup(&fx, 4, "10.99.0.2", "10.99.0.11",
	    T0 + 100 * SEC), a);
	/* an expired entry's name is released */
	assert_int_equal(lookup(&fx, 4, "10.99.0.2", "10.99.0.11",
	    T0 + 111 * SEC), 0);
	fixture_free(&fx);
}

static void
test_map_eviction(void **state)
{
	struct fixture fx;
	const struct names_stats *st;
	uint32_t n1, n2, n3, n4;

	(void)state;
	fixture_new(&fx, 16, 2);
	st = names_stats(fx.names);
	n1 = name_id(&fx, "one.run.app");
	n2 = name_id(&fx, "two.run.app");
	n3 = name_id(&fx, "three.run.app");
	n4 = name_id(&fx, "four.run.app");
	add(&fx, 4, "10.99.0.2", "10.0.0.1", n1, 300, T0);
	add(&fx, 4, "10.99.0.2", "10.0.0.2", n2, 300, T0 + 1);
	/* full: the least recently updated (1) goes */
	add(&fx, 4, "10.99.0.2", "10.0.0.3", n3, 300, T0 + 2);
	assert_int_equal(st->evicted, 1);
	assert_int_equal(st->entries, 2);
	assert_int_equal(lookup(&fx, 4, "10.99.0.2", "10.0.0.1", T0 + 3), 0);
	assert_int_equal(lookup(&fx, 4, "10.99.0.2", "10.0.0.2", T0 + 3), n2);
	assert_int_equal(lookup(&fx, 4, "10.99.0.2", "10.0.0.3", T0 + 3), n3);
	/* a lookup is not an update; a new answer is: 3 is the oldest now */
	add(&fx, 4, "10.99.0.2", "10.0.0.2", n2, 300, T0 + 4);
	add(&fx, 4, "10.99.0.2", "10.0.0.4", n4, 300, T0 + 5);
	assert_int_equal(st->evicted, 2);
	assert_int_equal(lookup(&fx, 4, "10.99.0.2", "10.0.0.3", T0 + 6), 0);
	assert_int_equal(lookup(&fx, 4, "10.99.0.2", "10.0.0.2", T0 + 6), n2);
	assert_int_equal(lookup(&fx, 4, "10.99.0.2", "10.0.0.4", T0 + 6), n4);
	/* an already expired oldest entry counts as expired, not evicted */
	add(&fx, 4, "10.99.0.2", "10.0.0.5", n1, 300, T0 + 400 * SEC);
	assert_int_equal(st->evicted, 2);
	assert_int_equal(st->expired, 1);
	assert_int_equal(lookup(&fx, 4, "10.99.0.2", "10.0.0.5",
	    T0 + 400 * SEC), n1);
	fixture_free(&fx);
}

/* Evicted and expired entries release their names; destroying the map
 * releases the rest. */
static void
test_map_releases_names(void **state)
{
	struct fixture fx;
	uint32_t a, b, id;

	(void)state;
	fixture_new(&fx, 2, 1);
	a = name_id(&fx, "a.azurewebsites.net");
	b = name_id(&fx, "b.azurewebsites.net");
	add(&fx, 4, "10.99.0.2", "10.0.0.1", a, 300, T0);
	add(&fx, 4, "10.99.0.2", "10.0.0.2", b, 300, T0);	/* evicts a */
	/* a is free: the table of two takes a third string in its place */
	id = intern_get(fx.strings, "c.azurewebsites.net", 19);
	assert_int_equal(id, a);
	assert_int_equal(intern_get(fx.strings, "d.azurewebsites.net", 19), 0);
	intern_unref(fx.strings, id);
	names_destroy(fx.names);
	fx.names = NULL;
	/* and now b is free as well */
	assert_int_not_equal(intern_get(fx.strings, "d.azurewebsites.net", 19),
	    0);
	assert_int_not_equal(intern_get(fx.strings, "e.azurewebsites.net", 19),
	    0);
	intern_destroy(fx.strings);
}

static void
test_create_limits(void **state)
{
	struct intern *s = intern_create(4, &test_key);

	(void)state;
	assert_non_null(s);
	assert_null(names_create(0, s, &test_key));
	names_destroy(NULL);
	intern_destroy(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canon_case_and_dot),
		cmocka_unit_test(test_canon_escapes),
		cmocka_unit_test(test_canon_length_limit),
		cmocka_unit_test(test_map_add_lookup),
		cmocka_unit_test(test_map_ipv4_ipv6_keys),
		cmocka_unit_test(test_map_replace),
		cmocka_unit_test(test_map_ttl_clamp_and_expiry),
		cmocka_unit_test(test_map_eviction),
		cmocka_unit_test(test_map_releases_names),
		cmocka_unit_test(test_create_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
