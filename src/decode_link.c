/*
 * decode_link.c - link layers down to the IP header.
 *
 * Supported: Ethernet II (with 802.3 length frames skipped as non-IP),
 * PPP (HDLC-framed or not), Cisco HDLC,
 * stacked 802.1Q / 802.1ad / 0x9100 tags up to DECODE_MAX_VLAN, MPLS label
 * stacks up to DECODE_MAX_MPLS (IPv4/IPv6 payload guessed from the first
 * nibble, as routers do), PPPoE session frames carrying IPv4/IPv6, Linux
 * cooked captures v1 and v2, BSD NULL (host byte order) and LOOP (network
 * order) and raw IPv4/IPv6.  Everything is read through the cursor.
 */
#include "config.h"

#include <netinet/in.h>

#include <pcap/pcap.h>

#include "cursor.h"
#include "decode.h"
#include "defaults.h"

#define ETH_IPV4	0x0800
#define ETH_IPV6	0x86dd
#define ETH_VLAN	0x8100
#define ETH_QINQ	0x88a8
#define ETH_QINQ_OLD	0x9100
#define ETH_MPLS_UC	0x8847
#define ETH_MPLS_MC	0x8848
#define ETH_PPPOE_SES	0x8864

#define PPP_IPV4	0x0021
#define PPP_IPV6	0x0057

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2	276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4	228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6	229
#endif

static const char *const decode_err_names[DECODE_ERR_MAX] = {
	[DECODE_ERR_LINK_TRUNC] = "link_truncated",
	[DECODE_ERR_LINK_TYPE] = "link_type_unsupported",
	[DECODE_ERR_VLAN_DEPTH] = "vlan_too_deep",
	[DECODE_ERR_MPLS_DEPTH] = "mpls_too_deep",
	[DECODE_ERR_MPLS_PAYLOAD] = "mpls_payload_unknown",
	[DECODE_ERR_PPPOE] = "pppoe_malformed",
	[DECODE_ERR_IPV4_TRUNC] = "ipv4_truncated",
	[DECODE_ERR_IPV4_HDR] = "ipv4_malformed",
	[DECODE_ERR_IPV6_TRUNC] = "ipv6_truncated",
	[DECODE_ERR_IPV6_EXT] = "ipv6_ext_malformed",
	[DECODE_ERR_TCP_TRUNC] = "tcp_truncated",
	[DECODE_ERR_TCP_HDR] = "tcp_malformed",
	[DECODE_ERR_UDP_TRUNC] = "udp_truncated",
	[DECODE_ERR_UDP_LEN] = "udp_malformed",
};

static const char *const decode_skip_names[DECODE_SKIP_MAX] = {
	[DECODE_SKIP_NON_IP] = "non_ip",
	[DECODE_SKIP_FRAGMENT] = "ip_fragment_later",
	[DECODE_SKIP_OTHER_L4] = "other_transport",
};

const char *
decode_err_name(enum decode_err e)
{
	return (unsigned)e < DECODE_ERR_MAX ? decode_err_names[e] : "unknown";
}

const char *
decode_skip_name(enum decode_skip s)
{
	return (unsigned)s < DECODE_SKIP_MAX ? decode_skip_names[s] : "unknown";
}

/* Clears what a decode fills in, except the outer VLAN. */
static void
decode_reset(struct packet *pkt)
{
	pkt->has_l4 = 0;
	pkt->frag_first = 0;
	pkt->is_frag = 0;
	pkt->payload = NULL;
	pkt->payload_len = 0;
	pkt->tcp_flags = 0;
	pkt->sport = pkt->dport = 0;
}

static int	decode_link(int, const uint8_t *, size_t, struct packet *,
		    struct decode_stats *);

static int
decode_err(struct decode_stats *st, enum decode_err e)
{
	st->err[e]++;
	return -1;
}

static int
decode_skip(struct decode_stats *st, enum decode_skip s)
{
	st->skip[s]++;
	return 1;
}

/* IP by its version nibble (raw IP, MPLS payload, tunnels, NULL/LOOP).
 * Nothing left is short_err; another nibble is other_err, or a non-IP skip
 * when other_err is DECODE_ERR_MAX. */
static int
decode_ip_guess(struct cur *c, struct packet *pkt, struct decode_stats *st,
    enum decode_err short_err, enum decode_err other_err)
{
	const uint8_t *p = cur_peek(c);

	if (p == NULL)
		return decode_err(st, short_err);
	switch (p[0] >> 4) {
	case 4:
	case 6:
		return decode_ip(p, cur_left(c), pkt, st);
	default:
		if (other_err == DECODE_ERR_MAX)
			return decode_skip(st, DECODE_SKIP_NON_IP);
		return decode_err(st, other_err);
	}
}

/* Dispatches on an EtherType, following VLAN, MPLS and PPPoE headers. */
static int
decode_ethertype(struct cur *c, uint16_t type, struct packet *pkt,
    struct decode_stats *st)
{
	int vlans = 0, labels = 0;
	uint32_t lse;
	uint16_t proto;

	for (;;) {
		switch (type) {
		case ETH_IPV4:
		case ETH_IPV6:
			if (cur_left(c) == 0)
				return decode_err(st, type == ETH_IPV4 ?
				    DECODE_ERR_IPV4_TRUNC : DECODE_ERR_IPV6_TRUNC);
			return decode_ip(cur_peek(c), cur_left(c), pkt, st);
		case ETH_VLAN:
		case ETH_QINQ:
		case ETH_QINQ_OLD:
			if (++vlans > DECODE_MAX_VLAN)
				return decode_err(st, DECODE_ERR_VLAN_DEPTH);
			{
				uint16_t tci = cur_u16(c);

				type = cur_u16(c);
				if (!cur_ok(c))
					return decode_err(st,
					    DECODE_ERR_LINK_TRUNC);
				/* the outermost tag of the outermost frame */
				if (vlans == 1 && pkt->vlan == 0)
					pkt->vlan = tci & 0x0fff;
			}
			break;
		case ETH_MPLS_UC:
		case ETH_MPLS_MC:
			do {
				if (++labels > DECODE_MAX_MPLS)
					return decode_err(st,
					    DECODE_ERR_MPLS_DEPTH);
				lse = cur_u32(c);
				if (!cur_ok(c))
					return decode_err(st,
					    DECODE_ERR_LINK_TRUNC);
			} while ((lse & 0x100) == 0);	/* bottom of stack */
			return decode_ip_guess(c, pkt, st,
			    DECODE_ERR_LINK_TRUNC, DECODE_ERR_MPLS_PAYLOAD);
		case ETH_PPPOE_SES:
			/* ver/type, code (0 for session data), id, length */
			if (cur_u8(c) != 0x11 || cur_u8(c) != 0x00)
				return decode_err(st, cur_ok(c) ?
				    DECODE_ERR_PPPOE : DECODE_ERR_LINK_TRUNC);
			cur_skip(c, 4);
			proto = cur_u16(c);
			if (!cur_ok(c))
				return decode_err(st, DECODE_ERR_LINK_TRUNC);
			if (proto == PPP_IPV4)
				type = ETH_IPV4;
			else if (proto == PPP_IPV6)
				type = ETH_IPV6;
			else
				return decode_skip(st, DECODE_SKIP_NON_IP);
			break;
		default:
			return decode_skip(st, DECODE_SKIP_NON_IP);
		}
	}
}

/* PPP (RFC 1661/1662): optional address 0xff and control 0x03, then a
 * protocol field of one or two bytes; IPv4 and IPv6 only. */
static int
decode_ppp(struct cur *c, struct packet *pkt, struct decode_stats *st)
{
	const uint8_t *p = cur_peek(c);
	uint16_t proto;

	if (p != NULL && p[0] == 0xff)
		cur_skip(c, 2);			/* address, control */
	p = cur_peek(c);
	if (p != NULL && (p[0] & 0x01))		/* compressed: one byte */
		proto = cur_u8(c);
	else
		proto = cur_u16(c);
	if (!cur_ok(c))
		return decode_err(st, DECODE_ERR_LINK_TRUNC);
	if (proto == PPP_IPV4)
		return decode_ethertype(c, ETH_IPV4, pkt, st);
	if (proto == PPP_IPV6)
		return decode_ethertype(c, ETH_IPV6, pkt, st);
	return decode_skip(st, DECODE_SKIP_NON_IP);
}

/* BSD loopback: the address family, in the capturing host's byte order for
 * DLT_NULL and in network order for DLT_LOOP.  Every OS's AF_INET6 value. */
static int
decode_null(struct cur *c, int loop, struct packet *pkt,
    struct decode_stats *st)
{
	uint32_t af;

	af = loop ? cur_u32(c) : cur_u32le(c);
	if (!cur_ok(c))
		return decode_err(st, DECODE_ERR_LINK_TRUNC);
	if (!loop && af > 0xffff)	/* written by a big-endian host */
		af = (af >> 24) | ((af >> 8) & 0xff00);
	switch (af) {
	case 2:				/* AF_INET everywhere */
	case 10: case 24: case 28: case 30:	/* AF_INET6: Linux, *BSD, macOS */
		return decode_ip_guess(c, pkt, st, DECODE_ERR_LINK_TRUNC,
		    DECODE_ERR_MAX);
	default:
		return decode_skip(st, DECODE_SKIP_NON_IP);
	}
}

#define GTPU_PORT	2152
#define VXLAN_PORT	4789

/*
 * A GTP-U G-PDU (3GPP TS 29.281): version 1, protocol type GTP, message
 * type 255, optional sequence/N-PDU/extension fields and a chain of
 * extension headers, then the user's IP packet.  Returns 1 when pkt now
 * describes the inner packet's decode (rc in *rc), 0 when the payload is
 * not a G-PDU.
 */
static int
decode_gtpu(struct packet *pkt, struct decode_stats *st, int *rc)
{
	struct cur c;
	uint8_t flags, next;

	cur_init(&c, pkt->payload, pkt->payload_len);
	flags = cur_u8(&c);
	if ((flags & 0xf0) != 0x30 || cur_u8(&c) != 0xff)
		return 0;
	cur_skip(&c, 6);		/* length, TEID */
	if (flags & 0x07) {		/* E, S or PN: 4 more bytes */
		cur_skip(&c, 3);
		next = cur_u8(&c);
		while ((flags & 0x04) && next != 0 && cur_ok(&c)) {
			size_t n = (size_t)cur_u8(&c) * 4;

			if (n == 0)
				return 0;
			cur_skip(&c, n - 2);
			next = cur_u8(&c);
		}
	}
	if (!cur_ok(&c))
		return 0;
	st->tunnel_gtp++;
	decode_reset(pkt);
	*rc = decode_ip_guess(&c, pkt, st, DECODE_ERR_LINK_TRUNC,
	    DECODE_ERR_MAX);
	return 1;
}

/* VXLAN (RFC 7348): 8-byte header with the I flag, then Ethernet. */
static int
decode_vxlan(struct packet *pkt, struct decode_stats *st, int *rc)
{
	struct cur c;
	uint16_t type;

	cur_init(&c, pkt->payload, pkt->payload_len);
	if ((cur_u8(&c) & 0x08) == 0)
		return 0;
	cur_skip(&c, 7);		/* rest of the VXLAN header */
	if (!cur_ok(&c))
		return 0;
	st->tunnel_vxlan++;
	decode_reset(pkt);
	cur_skip(&c, 12);		/* MAC addresses */
	type = cur_u16(&c);
	*rc = cur_ok(&c) ? decode_ethertype(&c, type, pkt, st) :
	    decode_err(st, DECODE_ERR_LINK_TRUNC);
	return 1;
}

int
decode_reassembled(const uint8_t *dgram, size_t len, struct packet *pkt,
    struct decode_stats *st)
{
	decode_reset(pkt);
	return decode_ip(dgram, len, pkt, st);
}

int
decode_frame(int dlt, const uint8_t *frame, size_t caplen, uint64_t ts_us,
    struct packet *pkt, struct decode_stats *st)
{
	int rc, depth;

	rc = decode_link(dlt, frame, caplen, pkt, st);
	pkt->ts_us = ts_us;
	for (depth = 0; rc == 0 && pkt->proto == IPPROTO_UDP &&
	    depth < DECODE_MAX_TUNNEL; depth++) {
		int handled = 0;

		if (pkt->dport == GTPU_PORT || pkt->sport == GTPU_PORT)
			handled = decode_gtpu(pkt, st, &rc);
		else if (pkt->dport == VXLAN_PORT)
			handled = decode_vxlan(pkt, st, &rc);
		if (!handled)
			break;
	}
	return rc;
}

static int
decode_link(int dlt, const uint8_t *frame, size_t caplen, struct packet *pkt,
    struct decode_stats *st)
{
	struct cur c;
	uint16_t type;

	pkt->vlan = 0;
	decode_reset(pkt);
	cur_init(&c, frame, caplen);

	switch (dlt) {
	case DLT_EN10MB:
		cur_skip(&c, 12);
		type = cur_u16(&c);
		if (!cur_ok(&c))
			return decode_err(st, DECODE_ERR_LINK_TRUNC);
		if (type < 0x0600)	/* 802.3 length: LLC, not IP */
			return decode_skip(st, DECODE_SKIP_NON_IP);
		return decode_ethertype(&c, type, pkt, st);
	case DLT_LINUX_SLL:
		/* packet type, ARPHRD, addr len, 8 address bytes, protocol */
		cur_skip(&c, 14);
		type = cur_u16(&c);
		if (!cur_ok(&c))
			return decode_err(st, DECODE_ERR_LINK_TRUNC);
		return decode_ethertype(&c, type, pkt, st);
	case DLT_LINUX_SLL2:
		/* protocol, reserved, ifindex, ARPHRD, type, addr len, addr */
		type = cur_u16(&c);
		cur_skip(&c, 18);
		if (!cur_ok(&c))
			return decode_err(st, DECODE_ERR_LINK_TRUNC);
		return decode_ethertype(&c, type, pkt, st);
	case DLT_PPP:
	case DLT_PPP_SERIAL:
		return decode_ppp(&c, pkt, st);
	case DLT_C_HDLC:
		cur_skip(&c, 2);		/* address, control */
		type = cur_u16(&c);
		if (!cur_ok(&c))
			return decode_err(st, DECODE_ERR_LINK_TRUNC);
		return decode_ethertype(&c, type, pkt, st);
	case DLT_NULL:
		return decode_null(&c, 0, pkt, st);
	case DLT_LOOP:
		return decode_null(&c, 1, pkt, st);
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		return decode_ip_guess(&c, pkt, st, DECODE_ERR_LINK_TRUNC,
		    DECODE_ERR_MAX);
	default:
		return decode_err(st, DECODE_ERR_LINK_TYPE);
	}
}
