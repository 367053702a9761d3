/*
 * decode_l4.c - TCP and UDP headers.
 *
 * Reads ports, TCP flags, sequence and acknowledgement numbers and locates
 * the payload.  A transport header that is cut or inconsistent is counted;
 * the packet then still counts as IP traffic but has no ports.
 */
#include "config.h"

#include <netinet/in.h>

#include "cursor.h"
#include "decode.h"

static int
decode_tcp(struct cur *c, struct packet *pkt, struct decode_stats *st)
{
	size_t doff;
	uint8_t off_flags;

	pkt->sport = cur_u16(c);
	pkt->dport = cur_u16(c);
	pkt->seq = cur_u32(c);
	pkt->ack = cur_u32(c);
	off_flags = cur_u8(c);
	pkt->tcp_flags = cur_u8(c);
	cur_skip(c, 6);			/* window, checksum, urgent */
	if (!cur_ok(c)) {
		st->err[DECODE_ERR_TCP_TRUNC]++;
		return 1;
	}
	doff = (size_t)(off_flags >> 4) * 4;
	if (doff < 20) {
		st->err[DECODE_ERR_TCP_HDR]++;
		return 1;
	}
	cur_skip(c, doff - 20);		/* options */
	if (!cur_ok(c)) {
		st->err[DECODE_ERR_TCP_TRUNC]++;
		return 1;
	}
	st->tcp++;
	pkt->has_l4 = 1;
	pkt->payload = cur_peek(c);
	pkt->payload_len = cur_left(c);
	return 0;
}

static int
decode_udp(struct cur *c, struct packet *pkt, struct decode_stats *st)
{
	uint16_t ulen;
	size_t left;

	pkt->sport = cur_u16(c);
	pkt->dport = cur_u16(c);
	ulen = cur_u16(c);
	cur_skip(c, 2);			/* checksum */
	if (!cur_ok(c)) {
		st->err[DECODE_ERR_UDP_TRUNC]++;
		return 1;
	}
	if (ulen < 8) {
		st->err[DECODE_ERR_UDP_LEN]++;
		return 1;
	}
	st->udp++;
	pkt->has_l4 = 1;
	pkt->payload = cur_peek(c);
	left = cur_left(c);
	/* The UDP length bounds the payload unless the capture cut it; a
	 * first fragment carries less than the length says. */
	pkt->payload_len = (size_t)ulen - 8 < left ? (size_t)ulen - 8 : left;
	return 0;
}

int
decode_l4(const uint8_t *p, size_t len, struct packet *pkt,
    struct decode_stats *st)
{
	struct cur c;

	cur_init(&c, p, len);
	switch (pkt->proto) {
	case IPPROTO_TCP:
		return decode_tcp(&c, pkt, st);
	case IPPROTO_UDP:
		return decode_udp(&c, pkt, st);
	default:
		st->skip[DECODE_SKIP_OTHER_L4]++;
		return 1;
	}
}
