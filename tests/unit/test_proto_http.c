/*
 * test_proto_http.c - HTTP/1.x request heads: real requests copied from
 * captures, every truncation of them, the request-target forms, Host
 * parsing, and hostile heads.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "proto_http.h"

/* ---- real requests ------------------------------------------------------ */

/*
 * lab/http__demo-site.netlify.app.pcap frame 6: curl 7.88 fetching
 * http://demo-site.netlify.app/task
 */
static const char req_curl[] =
    "GET /task HTTP/1.1\r\n"
    "Host: demo-site.netlify.app\r\n"
    "User-Agent: curl/7.88.1\r\n"
    "Accept: */*\r\n"
    "\r\n";

/*
 * public/zeek__http-vlan-0.pcap frame 4: wget 1.14 fetching bro.org,
 * inside an 802.1Q tag
 */
static const char req_wget[] =
    "GET /download/CHANGES.bro-aux.txt HTTP/1.1\r\n"
    "User-Agent: Wget/1.14 (darwin12.2.0)\r\n"
    "Accept: */*\r\n"
    "Host: bro.org\r\n"
    "Connection: Keep-Alive\r\n"
    "\r\n";

/*
 * public/ndpi__malware.pcap frame 5: Firefox 68 fetching
 * www.internetbadguys.com
 */
static const char req_firefox[] =
    "GET / HTTP/1.1\r\n"
    "Host: www.internetbadguys.com\r\n"
    "User-Agent: Mozilla/5.0 (Windows NT 10.0; rv:68.0) Gecko/20100101 Fire"
    "fox/68.0\r\n"
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0."
    "8\r\n"
    "Accept-Language: en-US,en;q=0.5\r\n"
    "Accept-Encoding: gzip, deflate\r\n"
    "DNT: 1\r\n"
    "Connection: keep-alive\r\n"
    "Upgrade-Insecure-Requests: 1\r\n"
    "\r\n";

static struct http_req	req;

static enum http_status
parse(const char *s)
{
	return http_parse_request((const uint8_t *)s, strlen(s), &req);
}

/* Parses n bytes from an exact-size heap copy, so ASan sees overreads. */
static enum http_status
parse_n(const void *p, size_t n)
{
	uint8_t *copy = test_malloc(n > 0 ? n : 1);
	enum http_status st;

	memcpy(copy, p, n);
	st = http_parse_request(copy, n, &req);
	test_free(copy);
	return st;
}

static void
test_real_requests(void **state)
{
	(void)state;
	assert_int_equal(parse(req_curl), HTTP_OK);
	assert_string_equal(req.method, "GET");
	assert_int_equal(req.version, 11);
	assert_string_equal(req.host, "demo-site.netlify.app");
	assert_int_equal(req.port, 0);
	assert_int_equal(req.is_connect, 0);
	assert_int_equal(req.host_from_target, 0);
	assert_int_equal(req.host_fields, 1);
	assert_string_equal(req.user_agent, "curl/7.88.1");
	assert_int_equal(req.head_len, strlen(req_curl));

	assert_int_equal(parse(req_wget), HTTP_OK);
	assert_string_equal(req.host, "bro.org");
	assert_string_equal(req.user_agent, "Wget/1.14 (darwin12.2.0)");

	assert_int_equal(parse(req_firefox), HTTP_OK);
	assert_string_equal(req.host, "www.internetbadguys.com");
	assert_string_equal(req.user_agent, "Mozilla/5.0 (Windows NT 10.0; "
	    "rv:68.0) Gecko/20100101 Firefox/68.0");
}

static void
truncate_every_offset(const char *s)
{
	size_t len = strlen(s), cut;

	for (cut = 0; cut < len; cut++) {
		assert_int_equal(parse_n(s, cut), HTTP_MORE);
		assert_string_equal(req.host, "");
	}
	assert_int_equal(parse_n(s, len), HTTP_OK);
}

static void
test_truncated_at_every_offset(void **state)
{
	(void)state;
	truncate_every_offset(req_curl);
	truncate_every_offset(req_wget);
	truncate_every_offset(req_firefox);
	truncate_every_offset("CONNECT [2001:db8::1]:8443 HTTP/1.1\r\n"
	    "Host: [2001:db8::1]:8443\r\n\r\n");
	truncate_every_offset("GET http://a.example/ HTTP/1.0\n\n");
}

/* A body, or the next request, after the head is not read. */
static void
test_head_len_and_trailing_bytes(void **state)
{
	static const char s[] = "POST /x HTTP/1.1\r\nHost: p.example\r\n"
	    "Content-Length: 4\r\n\r\nabcdGET / HTTP/1.1\r\n";

	(void)state;
	assert_int_equal(parse(s), HTTP_OK);
	assert_string_equal(req.method, "POST");
	assert_int_equal(req.head_len, strlen(s) - 4 - 16);
}

/* ---- request targets and Host ------------------------------------------- */

static void
test_connect(void **state)
{
	(void)state;
	assert_int_equal(parse("CONNECT Tunnel.Example.COM.:443 HTTP/1.1\r\n"
	    "Host: tunnel.example.com:443\r\nUser-Agent: x\r\n\r\n"), HTTP_OK);
	assert_int_equal(req.is_connect, 1);
	assert_int_equal(req.host_from_target, 1);
	assert_string_equal(req.host, "tunnel.example.com");
	assert_int_equal(req.port, 443);

	/* the target wins over a Host field that disagrees */
	assert_int_equal(parse("CONNECT a.example:8443 HTTP/1.1\r\n"
	    "Host: b.example\r\n\r\n"), HTTP_OK);
	assert_string_equal(req.host, "a.example");
	assert_int_equal(req.port, 8443);

	assert_int_equal(parse("CONNECT [2001:DB8::1]:443 HTTP/1.1\r\n\r\n"),
	    HTTP_OK);
	assert_string_equal(req.host, "2001:db8::1");
	assert_int_equal(req.host_ipv6, 1);
	assert_int_equal(req.port, 443);

	/* authority form needs a port; no other form will do */
	assert_int_equal(parse("CONNECT a.example HTTP/1.1\r\n\r\n"),
	    HTTP_MALFORMED);
	assert_int_equal(parse("CONNECT a.example: HTTP/1.1\r\n\r\n"),
	    HTTP_MALFORMED);
	assert_int_equal(parse("CONNECT a.example:0 HTTP/1.1\r\n\r\n"),
	    HTTP_MALFORMED);
	assert_int_equal(parse("CONNECT / HTTP/1.1\r\n\r\n"), HTTP_MALFORMED);
	assert_int_equal(parse("CONNECT http://a.example:443/ HTTP/1.1\r\n"
	    "\r\n"), HTTP_MALFORMED);
	assert_string_equal(req.host, "");
}

static void
test_absolute_form(void **state)
{
	(void)state;
	assert_int_equal(parse("GET http://user:pw@Proxy-Target.Example.:8080"
	    "/p?q#f HTTP/1.1\r\nHost: other.example\r\n\r\n"), HTTP_OK);
	assert_int_equal(req.host_from_target, 1);
	assert_string_equal(req.host, "proxy-target.example");
	assert_int_equal(req.port, 8080);
	assert_int_equal(req.host_fields, 1);

	assert_int_equal(parse("GET https://[::1]/ HTTP/1.1\r\n\r\n"),
	    HTTP_OK);
	assert_string_equal(req.host, "::1");
	assert_int_equal(req.port, 0);

	assert_int_equal(parse("GET http://q.example?x HTTP/1.1\r\n\r\n"),
	    HTTP_OK);
	assert_string_equal(req.host, "q.example");

	/* asterisk form: the name is the Host field's */
	assert_int_equal(parse("OPTIONS * HTTP/1.1\r\nHost: o.example\r\n"
	    "\r\n"), HTTP_OK);
	assert_string_equal(req.host, "o.example");

	assert_int_equal(parse("GET http:///x HTTP/1.1\r\n\r\n"),
	    HTTP_MALFORMED);
	assert_int_equal(parse("GET http:/x HTTP/1.1\r\n\r\n"),
	    HTTP_MALFORMED);
	assert_int_equal(parse("GET a.example:80 HTTP/1.1\r\n\r\n"),
	    HTTP_MALFORMED);
	assert_int_equal(parse("GET 1http://a/ HTTP/1.1\r\n\r\n"),
	    HTTP_MALFORMED);
}

static void
test_host_field(void **state)
{
	(void)state;
	/* any case, optional whitespace, port, trailing dot */
	assert_int_equal(parse("GET / HTTP/1.1\r\nhOsT:\t  WWW.Example.COM.:"
	    "8080 \t\r\n\r\n"), HTTP_OK);
	assert_string_equal(req.host, "www.example.com");
	assert_int_equal(req.port, 8080);
	assert_int_equal(req.host_ipv6, 0);

	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n"),
	    HTTP_OK);
	assert_string_equal(req.host, "::1");
	assert_int_equal(req.port, 8080);
	assert_int_equal(req.host_ipv6, 1);

	/* IPv6 literals in canonical form */
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: [2001:DB8:0:0::01]\r\n"
	    "\r\n"), HTTP_OK);
	assert_string_equal(req.host, "2001:db8::1");
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: [::FFFF:192.0.2.1]:1"
	    "\r\n\r\n"), HTTP_OK);
	assert_string_equal(req.host, "::ffff:192.0.2.1");
	assert_int_equal(req.port, 1);

	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: 192.0.2.7:65535\r\n"
	    "\r\n"), HTTP_OK);
	assert_string_equal(req.host, "192.0.2.7");
	assert_int_equal(req.port, 65535);

	/* empty Host, and none at all: no name, still a request */
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost:\r\n\r\n"), HTTP_OK);
	assert_string_equal(req.host, "");
	assert_int_equal(req.host_fields, 1);
	assert_int_equal(parse("GET / HTTP/1.0\r\n\r\n"), HTTP_OK);
	assert_int_equal(req.version, 10);
	assert_int_equal(req.host_fields, 0);

	/* several Host fields: the first, counted */
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: one.example\r\n"
	    "Host: two.example\r\nHost: three.example\r\n\r\n"), HTTP_OK);
	assert_string_equal(req.host, "one.example");
	assert_int_equal(req.host_fields, 2);

	/* bare LF line ends */
	assert_int_equal(parse("GET / HTTP/1.1\nHost: lf.example\n\n"),
	    HTTP_OK);
	assert_string_equal(req.host, "lf.example");
}

static void
test_bad_hosts(void **state)
{
	static const char *const bad[] = {
		"Host: a.example:65536",
		"Host: a.example:123456",
		"Host: a.example:8x",
		"Host: a..example",
		"Host: .a.example",
		"Host: .",
		"Host: :80",
		"Host: a/b.example",
		"Host: a b.example",
		"Host: user@a.example",
		"Host: a.example:80:80",
		"Host: [::1",
		"Host: []",
		"Host: [v1.x]",
		"Host: [::1]x",
		"Host: [6:db.]",		/* found by fuzz_http */
		"Host: [1:2:3:4:5:6:7:8:9]",
		"Host: [fe80::1%eth0]",
		"Host: [:]",
		"Host: \xc3\xa9.example",
	};
	char buf[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\n%s\r\n\r\n",
		    bad[i]);
		if (parse(buf) != HTTP_MALFORMED)
			fail_msg("accepted: %s", bad[i]);
		assert_string_equal(req.host, "");
	}
}

static void
test_long_host(void **state)
{
	char buf[600], name[300];

	(void)state;
	/* 255 characters: kept; 256: refused */
	memset(name, 'h', sizeof(name));
	name[63] = name[127] = name[191] = '.';
	name[255] = '\0';
	snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: %s\r\n\r\n", name);
	assert_int_equal(parse(buf), HTTP_OK);
	assert_int_equal(strlen(req.host), 255);
	name[255] = 'h';
	name[256] = '\0';
	snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: %s\r\n\r\n", name);
	assert_int_equal(parse(buf), HTTP_MALFORMED);
	/* a trailing dot does not count */
	name[255] = '.';
	snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: %s\r\n\r\n", name);
	assert_int_equal(parse(buf), HTTP_OK);
	assert_int_equal(strlen(req.host), 255);
}

/* ---- hostile heads ------------------------------------------------------ */

static void
test_nul_bytes(void **state)
{
	static const char host_nul[] = "GET / HTTP/1.1\r\nHost: a.exam\0ple"
	    "\r\n\r\n";
	static const char name_nul[] = "GET / HTTP/1.1\r\nX-\0: 1\r\n"
	    "Host: a.example\r\n\r\n";
	static const char line_nul[] = "GET /\0 HTTP/1.1\r\n\r\n";
	static const char value_nul[] = "GET / HTTP/1.1\r\nHost: a.example"
	    "\r\nUser-Agent: a\0b\r\n\r\n";

	(void)state;
	assert_int_equal(parse_n(host_nul, sizeof(host_nul) - 1),
	    HTTP_MALFORMED);
	assert_string_equal(req.host, "");
	assert_int_equal(parse_n(name_nul, sizeof(name_nul) - 1),
	    HTTP_MALFORMED);
	assert_int_equal(parse_n(line_nul, sizeof(line_nul) - 1),
	    HTTP_NOT_HTTP);
	/* in any field value, not only Host's (RFC 9110, 5.5) */
	assert_int_equal(parse_n(value_nul, sizeof(value_nul) - 1),
	    HTTP_MALFORMED);
}

static void
test_huge_head(void **state)
{
	static char buf[3 * HTTP_MAX_HEAD];
	size_t n;

	(void)state;
	/* a request line longer than the head may be */
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "GET /", 5);
	assert_int_equal(parse_n(buf, HTTP_MAX_HEAD - 1), HTTP_MORE);
	assert_int_equal(parse_n(buf, HTTP_MAX_HEAD), HTTP_MALFORMED);
	assert_int_equal(parse_n(buf, sizeof(buf)), HTTP_MALFORMED);

	/* one field line of 20 KB (as in sv__bug-8224-01, which the server
	   answered with 400) */
	n = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: "
	    "h.example\r\nX-Big: ");
	memset(buf + n, 'x', sizeof(buf) - n);
	memcpy(buf + sizeof(buf) - 4, "\r\n\r\n", 4);
	assert_int_equal(parse_n(buf, 4000), HTTP_MORE);
	assert_int_equal(parse_n(buf, sizeof(buf)), HTTP_MALFORMED);

	/* a head of exactly HTTP_MAX_HEAD bytes, and one byte more */
	for (n = HTTP_MAX_HEAD; n <= HTTP_MAX_HEAD + 1; n++) {
		size_t pre = (size_t)snprintf(buf, sizeof(buf),
		    "GET / HTTP/1.1\r\nHost: e.example\r\nX: ");

		memset(buf + pre, 'p', n - pre - 4);
		memcpy(buf + n - 4, "\r\n\r\n", 4);
		assert_int_equal(parse_n(buf, n), n <= HTTP_MAX_HEAD ?
		    HTTP_OK : HTTP_MALFORMED);
		if (n <= HTTP_MAX_HEAD) {
			assert_int_equal(req.head_len, n);
			assert_string_equal(req.host, "e.example");
		}
	}
}

static void
test_not_http(void **state)
{
	static const uint8_t tls[] = { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01 };
	static const char *const not[] = {
		"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n",
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
		"GET / HTTP/2\r\n\r\n",
		"GET / HTTP/1.10\r\n\r\n",
		"GET / http/1.1\r\n\r\n",
		"GET /\r\n\r\n",
		"GET  / HTTP/1.1\r\n\r\n",
		" GET / HTTP/1.1\r\n\r\n",
		"\r\nGET / HTTP/1.1\r\n\r\n",
		"GET\t/ HTTP/1.1\r\n\r\n",
		"GET / HTTP/1.1 \r\n\r\n",
		"ABCDEFGHIJKLMNOPQ / HTTP/1.1\r\n\r\n",
		"EHLO mail.example\r\n",
	};
	size_t i;

	(void)state;
	assert_int_equal(parse_n(tls, sizeof(tls)), HTTP_NOT_HTTP);
	/* told after the first byte */
	assert_int_equal(parse_n(tls, 1), HTTP_NOT_HTTP);
	for (i = 0; i < sizeof(not) / sizeof(not[0]); i++)
		if (parse(not[i]) != HTTP_NOT_HTTP)
			fail_msg("taken for HTTP: %s", not[i]);
	/* but a prefix that could still become a request waits */
	assert_int_equal(parse("GE"), HTTP_MORE);
	assert_int_equal(parse("GET / HTTP/1."), HTTP_MORE);
	assert_int_equal(parse("GET / HTTP/1.1\r"), HTTP_MORE);
	assert_int_equal(http_parse_request(NULL, 0, &req), HTTP_MORE);
}

static void
test_bad_field_lines(void **state)
{
	static const char *const bad[] = {
		"Host : a.example",
		"Host\t: a.example",
		"no colon here",
		": empty name",
		"Ho\"st: a.example",
		"X: a\rb",
	};
	char buf[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\n%s\r\n\r\n",
		    bad[i]);
		if (parse(buf) != HTTP_MALFORMED)
			fail_msg("accepted: %s", bad[i]);
	}
	/* a folded line before any field: refused; after one: ignored */
	assert_int_equal(parse("GET / HTTP/1.1\r\n folded\r\nHost: a\r\n\r\n"),
	    HTTP_MALFORMED);
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: f.example\r\n"
	    " folded\r\n\r\n"), HTTP_OK);
	assert_string_equal(req.host, "f.example");
	/* a bad line that is not yet whole still waits */
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost : a"), HTTP_MORE);
}

static void
test_user_agent(void **state)
{
	char buf[1024];
	size_t n;

	(void)state;
	/* non-printable bytes become '?'; cut at HTTP_UA_MAX */
	assert_int_equal(parse("GET / HTTP/1.1\r\nuser-agent: a\tb\xff\r\n"
	    "User-Agent: second\r\n\r\n"), HTTP_OK);
	assert_string_equal(req.user_agent, "a?b?");
	assert_int_equal(req.has_user_agent, 1);
	assert_int_equal(req.ua_cut, 0);

	n = (size_t)snprintf(buf, sizeof(buf),
	    "GET / HTTP/1.1\r\nUser-Agent: ");
	memset(buf + n, 'u', 400);
	snprintf(buf + n + 400, sizeof(buf) - n - 400, "\r\n\r\n");
	assert_int_equal(parse(buf), HTTP_OK);
	assert_int_equal(strlen(req.user_agent), HTTP_UA_MAX);
	assert_int_equal(req.ua_cut, 1);

	assert_int_equal(parse("GET / HTTP/1.1\r\n\r\n"), HTTP_OK);
	assert_int_equal(req.has_user_agent, 0);
	assert_string_equal(req.user_agent, "");
}

static void
test_methods(void **state)
{
	(void)state;
	assert_int_equal(parse("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:"
	    "1900\r\n\r\n"), HTTP_OK);
	assert_string_equal(req.method, "M-SEARCH");
	assert_string_equal(req.host, "239.255.255.250");
	assert_int_equal(req.port, 1900);
	/* 16 characters: the longest taken */
	assert_int_equal(parse("ABCDEFGHIJKLMNOP / HTTP/1.1\r\n\r\n"), HTTP_OK);
	assert_string_equal(req.method, "ABCDEFGHIJKLMNOP");
	/* CONNECT is case-sensitive, like every method */
	assert_int_equal(parse("connect a.example:443 HTTP/1.1\r\n\r\n"),
	    HTTP_MALFORMED);
	assert_string_equal(http_status_str(HTTP_OK), "ok");
	assert_string_equal(http_status_str(HTTP_MORE), "more");
	assert_string_equal(http_status_str(HTTP_NOT_HTTP), "not-http");
	assert_string_equal(http_status_str(HTTP_MALFORMED), "malformed");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_requests),
		cmocka_unit_test(test_truncated_at_every_offset),
		cmocka_unit_test(test_head_len_and_trailing_bytes),
		cmocka_unit_test(test_connect),
		cmocka_unit_test(test_absolute_form),
		cmocka_unit_test(test_host_field),
		cmocka_unit_test(test_bad_hosts),
		cmocka_unit_test(test_long_host),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_huge_head),
		cmocka_unit_test(test_not_http),
		cmocka_unit_test(test_bad_field_lines),
		cmocka_unit_test(test_user_agent),
		cmocka_unit_test(test_methods),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
