/*
 * fuzz_decode.c - decode_frame() and its stages under hostile bytes.
 *
 * The first input byte picks the link type among those decode_frame()
 * supports (Ethernet, Linux SLL and SLL2, NULL, LOOP, raw IP, IPv4, IPv6,
 * PPP, Cisco HDLC) or one it does not (USER0); the rest is the captured
 * frame.  Beyond not
 * crashing or reading past the frame (the fuzzer's buffer ends exactly
 * there), every result is checked against decode.h's contract, and a
 * violation aborts:
 * - each call counts exactly one thing: tcp, udp, one skip or one error,
 *   plus the outer IP and UDP of each GTP-U or VXLAN tunnel it opened;
 * - 0 comes with has_l4, a TCP or UDP protocol and its counter; 1 and -1
 *   without has_l4, -1 with an error;
 * - every borrowed pointer lies inside the frame, l3_len <= ip_len, the
 *   payload inside the captured IP bytes, ip_cut counted when cut.
 * decode_ip() and decode_l4() run on the same bytes as well.
 *
 * Seeds (tests/fuzz/corpus/decode) are real frames from the shared capture
 * set, each prefixed with its link type's index in fuzz_dlt[].
 */
#include "config.h"

#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "decode.h"
#include "defaults.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2	276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4	228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6	229
#endif

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The seed files' first byte indexes this table: keep the order. */
static const int fuzz_dlt[] = {
	DLT_EN10MB,		/* 0 */
	DLT_LINUX_SLL,		/* 1 */
	DLT_LINUX_SLL2,		/* 2 */
	DLT_NULL,		/* 3 */
	DLT_LOOP,		/* 4 */
	DLT_RAW,		/* 5 */
	DLT_IPV4,		/* 6 */
	DLT_IPV6,		/* 7 */
	DLT_PPP,		/* 8 */
	DLT_C_HDLC,		/* 9 */
	DLT_USER0,		/* 10: not supported */
};
#define FUZZ_NDLT	(sizeof(fuzz_dlt) / sizeof(fuzz_dlt[0]))

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_decode: %s:%d: %s\n", __FILE__,	\
		    __LINE__, #cond);					\
		abort();						\
	}								\
} while (0)

static uint64_t
fuzz_outcomes(const struct decode_stats *st)
{
	uint64_t n = st->tcp + st->udp;
	int i;

	for (i = 0; i < DECODE_ERR_MAX; i++)
		n += st->err[i];
	for (i = 0; i < DECODE_SKIP_MAX; i++)
		n += st->skip[i];
	return n;
}

static uint64_t
fuzz_errors(const struct decode_stats *st)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < DECODE_ERR_MAX; i++)
		n += st->err[i];
	return n;
}

/* Whether [p, p + n) lies inside [base, base + len). */
static int
fuzz_inside(const uint8_t *p, size_t n, const uint8_t *base, size_t len)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)base;

	return a >= b && a - b <= len && n <= len - (a - b);
}

static void
fuzz_check(int rc, const struct packet *pkt, const struct decode_stats *st,
    const uint8_t *frame, size_t len)
{
	uint64_t tunnels = st->tunnel_gtp + st->tunnel_vxlan;

	CHECK(rc >= -1 && rc <= 1);
	CHECK(tunnels <= DECODE_MAX_TUNNEL);
	CHECK(fuzz_outcomes(st) == 1 + tunnels);
	if (rc == -1)
		CHECK(fuzz_errors(st) == 1);
	if (rc != 0) {
		CHECK(pkt->has_l4 == 0);
		CHECK(st->tcp + st->udp == tunnels);
		return;
	}
	CHECK(pkt->has_l4 == 1);
	CHECK(pkt->family == 4 || pkt->family == 6);
	CHECK(pkt->proto == IPPROTO_TCP ? st->tcp == 1 && st->udp == tunnels :
	    pkt->proto == IPPROTO_UDP ? st->udp == 1 + tunnels : 0);
	CHECK(st->ipv4 + st->ipv6 == 1 + tunnels);
	if (tunnels == 0) {
		CHECK(st->ipv4 == (pkt->family == 4));
		CHECK(st->ipv6 == (pkt->family == 6));
		CHECK(st->ip_cut == (pkt->ip_len > pkt->l3_len));
	} else
		CHECK(st->ip_cut >= (pkt->ip_len > pkt->l3_len));
	CHECK(fuzz_inside(pkt->l3, pkt->l3_len, frame, len));
	CHECK(pkt->l3_len <= pkt->ip_len);
	if (pkt->payload_len > 0)
		CHECK(fuzz_inside(pkt->payload, pkt->payload_len, pkt->l3,
		    pkt->l3_len));
	/* >= rather than ==: decode_ip.c counts every IPv6 fragment header
	 * (see test_ipv6_two_fragment_headers in test_decode.c) */
	if (pkt->frag_first)
		CHECK(st->fragments >= 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decode_stats st;
	struct packet pkt;
	const uint8_t *frame;
	size_t len;
	int rc;

	if (size < 1)
		return 0;
	frame = data + 1;
	len = size - 1;

	memset(&st, 0, sizeof(st));
	memset(&pkt, 0xa5, sizeof(pkt));
	rc = decode_frame(fuzz_dlt[data[0] % FUZZ_NDLT], len > 0 ? frame : NULL,
	    len, 1, &pkt, &st);
	fuzz_check(rc, &pkt, &st, frame, len);
	if (data[0] % FUZZ_NDLT == FUZZ_NDLT - 1)
		CHECK(rc == -1 && st.err[DECODE_ERR_LINK_TYPE] == 1);

	/* The same bytes as an IP packet, and as a transport header (the
	 * stages expect the fields decode_frame() clears to be clear). */
	memset(&st, 0, sizeof(st));
	memset(&pkt, 0, sizeof(pkt));
	rc = decode_ip(len > 0 ? frame : NULL, len, &pkt, &st);
	fuzz_check(rc, &pkt, &st, frame, len);

	memset(&st, 0, sizeof(st));
	memset(&pkt, 0, sizeof(pkt));
	pkt.proto = data[0] & 0x80 ? IPPROTO_UDP : IPPROTO_TCP;
	rc = decode_l4(len > 0 ? frame : NULL, len, &pkt, &st);
	CHECK(rc == 0 || rc == 1);
	CHECK(fuzz_outcomes(&st) == 1);
	CHECK(rc == 0 ? pkt.has_l4 == 1 && st.tcp + st.udp == 1 :
	    pkt.has_l4 == 0);
	if (rc == 0 && pkt.payload_len > 0)
		CHECK(fuzz_inside(pkt.payload, pkt.payload_len, frame, len));
	return 0;
}
