/*
 * fuzz_dns.c - fuzz target for proto_dns.
 *
 * The input is parsed as one DNS message and, separately, as a DNS-over-TCP
 * byte stream of length-prefixed messages.  Besides the sanitizers, it
 * checks what the parser promises and aborts when a promise breaks: names in
 * lower-case presentation form within NAME_MAX_LEN, consistent counters,
 * every walked address reachable at most once, and a cut never producing
 * an answer that the whole message does not have.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto_dns.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dns_msg	fuzz_full, fuzz_cut;

static void
fuzz_check_name(const char *s)
{
	size_t i, n = strnlen(s, DNS_NAME_BUF);

	if (n > NAME_MAX_LEN)
		abort();
	for (i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e || (s[i] >= 'A' && s[i] <= 'Z'))
			abort();
}

static void
fuzz_addr_cb(void *arg, const char *qname, const char *owner, int family,
    const uint8_t *addr, uint32_t ttl)
{
	size_t *count = arg;
	volatile uint8_t last;

	fuzz_check_name(qname);
	fuzz_check_name(owner);
	if (family != 4 && family != 6)
		abort();
	last = addr[family == 4 ? 3 : 15];
	(void)last;
	if (ttl & 0x80000000u)
		abort();
	(*count)++;
}

static void
fuzz_check_msg(const struct dns_msg *m)
{
	size_t i, count = 0, calls;

	if (m->an_kept > DNS_MAX_ANSWERS ||
	    m->an_seen != m->an_kept + m->an_skipped ||
	    m->an_overflow > m->an_skipped || m->an_seen > m->ancount)
		abort();
	fuzz_check_name(m->qname);
	for (i = 0; i < m->an_kept; i++) {
		fuzz_check_name(m->an[i].owner);
		fuzz_check_name(m->an[i].target);
		if (m->an[i].owner[0] == '\0')
			abort();
	}
	calls = dns_for_each_address(m, fuzz_addr_cb, &count);
	if (calls != count || calls > m->an_kept)
		abort();
}

/* Parses p[0..n) from an exact-size copy, so a read past n is caught. */
static enum dns_status
fuzz_parse_copy(const uint8_t *p, size_t n, struct dns_msg *m)
{
	uint8_t *copy = malloc(n > 0 ? n : 1);
	enum dns_status st;

	if (copy == NULL)
		abort();
	if (n > 0)
		memcpy(copy, p, n);
	st = dns_parse_message(copy, n, m);
	free(copy);
	return st;
}

static void
fuzz_message(const uint8_t *p, size_t n)
{
	enum dns_status st;
	size_t i;

	st = dns_parse_message(p, n, &fuzz_full);
	if (st != DNS_OK && st != DNS_TRUNCATED && st != DNS_MALFORMED)
		abort();
	fuzz_check_msg(&fuzz_full);
	if (n < 2)
		return;
	/* a cut keeps a prefix of the whole message's answers */
	(void)fuzz_parse_copy(p, n / 2, &fuzz_cut);
	fuzz_check_msg(&fuzz_cut);
	if (fuzz_cut.an_kept > fuzz_full.an_kept)
		abort();
	for (i = 0; i < fuzz_cut.an_kept; i++) {
		const struct dns_rr *a = &fuzz_cut.an[i], *b = &fuzz_full.an[i];

		if (strcmp(a->owner, b->owner) != 0 || a->type != b->type ||
		    a->ttl != b->ttl || memcmp(a->addr, b->addr, 16) != 0 ||
		    strcmp(a->target, b->target) != 0 ||
		    a->svc_ech != b->svc_ech)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_tcp_frame f;
	size_t off = 0;
	enum dns_status st;

	fuzz_message(data, size);

	/* the same bytes as a TCP stream */
	for (;;) {
		st = dns_tcp_next(data + off, size - off, &f);
		if (st == DNS_TRUNCATED) {
			if (f.need == 0 || f.msg != NULL)
				abort();
			break;
		}
		if (f.used < 2 || f.used > 2 + 65535)
			abort();
		if (st == DNS_MALFORMED) {
			if (f.used > size - off)
				break;
			off += f.used;
			continue;
		}
		if (st != DNS_OK || f.used > size - off ||
		    f.len + 2 != f.used || f.msg != data + off + 2)
			abort();
		(void)dns_parse_message(f.msg, f.len, &fuzz_full);
		fuzz_check_msg(&fuzz_full);
		off += f.used;
	}
	return 0;
}
