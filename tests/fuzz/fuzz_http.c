/*
 * fuzz_http.c - fuzz target for proto_http.
 *
 * The input is a client's first bytes.  Besides the sanitizers, it checks
 * what the parser promises and aborts when a promise breaks: a host in
 * lower case within NAME_MAX_LEN, a head that ends inside the input and
 * within HTTP_MAX_HEAD, and every proper prefix of an accepted head being
 * "more" (so a request split over segments is never judged early).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto_http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum http_status
fuzz_parse_copy(const uint8_t *p, size_t n, struct http_req *r)
{
	uint8_t *copy = malloc(n > 0 ? n : 1);
	enum http_status st;

	if (copy == NULL)
		abort();
	if (n > 0)
		memcpy(copy, p, n);
	st = http_parse_request(copy, n, r);
	free(copy);
	return st;
}

static void
fuzz_check_req(const struct http_req *r)
{
	size_t i, n = strnlen(r->host, sizeof(r->host));

	if (n > NAME_MAX_LEN || strnlen(r->user_agent, sizeof(r->user_agent)) >
	    HTTP_UA_MAX || strnlen(r->method, sizeof(r->method)) >
	    HTTP_METHOD_MAX)
		abort();
	for (i = 0; i < n; i++)
		if (r->host[i] <= 0x20 || r->host[i] > 0x7e ||
		    (r->host[i] >= 'A' && r->host[i] <= 'Z'))
			abort();
	if (n > 0 && r->host[n - 1] == '.')
		abort();
	if (r->is_connect && (n == 0 || r->port == 0))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_req r, cut;
	enum http_status st;

	st = http_parse_request(data, size, &r);
	fuzz_check_req(&r);
	if (st != HTTP_OK) {
		if (st == HTTP_MORE && size >= HTTP_MAX_HEAD)
			abort();
		return 0;
	}
	if (r.head_len > size || r.head_len > HTTP_MAX_HEAD || r.head_len < 4)
		abort();
	/* the head alone gives the same answer */
	if (fuzz_parse_copy(data, r.head_len, &cut) != HTTP_OK ||
	    strcmp(cut.host, r.host) != 0 || cut.port != r.port)
		abort();
	/* and shorter prefixes ask for more */
	if (fuzz_parse_copy(data, r.head_len - 1, &cut) != HTTP_MORE ||
	    fuzz_parse_copy(data, r.head_len / 2, &cut) != HTTP_MORE)
		abort();
	return 0;
}
