/*
 * decode_ip.c - IPv4 and IPv6 headers.
 *
 * IPv4: version, IHL (options skipped), total length (the packet is cut to
 * min(captured, total length), so Ethernet padding never reaches a parser),
 * fragments: the first fragment keeps its transport header, later ones are
 * counted and skipped.  IPv6: the extension header chain (hop-by-hop,
 * routing, fragment, destination options, AH, mobility) is walked up to
 * DECODE_MAX_IPV6_EXT headers; a fragment header with a non-zero offset makes
 * the packet a later fragment.
 */
#include "config.h"

#include <netinet/in.h>
#include <string.h>

#include "cursor.h"
#include "decode.h"
#include "defaults.h"

#define IPV6_NH_HOPOPTS		0
#define IPV6_NH_ROUTING		43
#define IPV6_NH_FRAGMENT	44
#define IPV6_NH_ESP		50
#define IPV6_NH_AH		51
#define IPV6_NH_NONE		59
#define IPV6_NH_DSTOPTS		60
#define IPV6_NH_MOBILITY	135

static int
decode_ipv4(struct cur *c, struct packet *pkt, struct decode_stats *st)
{
	const uint8_t *hdr = cur_peek(c);
	size_t caplen = cur_left(c), hlen, tlen;
	uint16_t frag;
	struct cur ip;

	if (caplen < 20) {
		st->err[DECODE_ERR_IPV4_TRUNC]++;
		return -1;
	}
	hlen = (size_t)(hdr[0] & 0x0f) * 4;
	tlen = (size_t)hdr[2] << 8 | hdr[3];
	if (tlen == 0)		/* segmentation offload: the NIC fills it in */
		tlen = caplen;
	if (hlen < 20 || tlen < hlen) {
		st->err[DECODE_ERR_IPV4_HDR]++;
		return -1;
	}
	if (hlen > caplen) {
		st->err[DECODE_ERR_IPV4_TRUNC]++;
		return -1;
	}
	st->ipv4++;
	pkt->family = 4;
	pkt->l3 = hdr;
	pkt->ip_len = (uint32_t)tlen;
	if (tlen > caplen)
		st->ip_cut++;
	pkt->l3_len = tlen < caplen ? tlen : caplen;
	memset(pkt->src, 0, sizeof(pkt->src));
	memset(pkt->dst, 0, sizeof(pkt->dst));
	memcpy(pkt->src, hdr + 12, 4);
	memcpy(pkt->dst, hdr + 16, 4);
	pkt->proto = hdr[9];
	frag = (uint16_t)(hdr[6] << 8 | hdr[7]);
	if ((frag & 0x3fff) != 0) {		/* MF set or offset != 0 */
		st->fragments++;
		pkt->is_frag = 1;
		pkt->frag_more = (frag & 0x2000) != 0;
		pkt->frag_id = (uint32_t)hdr[4] << 8 | hdr[5];
		pkt->frag_off = (uint32_t)(frag & 0x1fff) * 8;
		pkt->frag_data = hdr + hlen;
		pkt->frag_len = pkt->l3_len - hlen;
		if ((frag & 0x1fff) != 0) {
			st->skip[DECODE_SKIP_FRAGMENT]++;
			return 1;
		}
		pkt->frag_first = 1;
	}
	cur_init(&ip, hdr, pkt->l3_len);
	cur_skip(&ip, hlen);
	return decode_l4(cur_peek(&ip), cur_left(&ip), pkt, st);
}

static int
decode_ipv6(struct cur *c, struct packet *pkt, struct decode_stats *st)
{
	const uint8_t *hdr = cur_peek(c);
	size_t caplen = cur_left(c), plen;
	uint8_t nh;
	int n;
	struct cur ip;

	if (caplen < 40) {
		st->err[DECODE_ERR_IPV6_TRUNC]++;
		return -1;
	}
	st->ipv6++;
	plen = (size_t)hdr[4] << 8 | hdr[5];
	pkt->family = 6;
	pkt->l3 = hdr;
	/* A zero payload length means a jumbogram; take what was captured. */
	pkt->ip_len = (uint32_t)(plen == 0 ? caplen : 40 + plen);
	if (pkt->ip_len > caplen)
		st->ip_cut++;
	pkt->l3_len = pkt->ip_len < caplen ? pkt->ip_len : caplen;
	memcpy(pkt->src, hdr + 8, 16);
	memcpy(pkt->dst, hdr + 24, 16);
	nh = hdr[6];
	cur_init(&ip, hdr, pkt->l3_len);
	cur_skip(&ip, 40);

	for (n = 0;; n++) {
		uint8_t next, hlen;

		switch (nh) {
		case IPV6_NH_HOPOPTS:
		case IPV6_NH_ROUTING:
		case IPV6_NH_DSTOPTS:
		case IPV6_NH_MOBILITY:
		case IPV6_NH_AH:
		case IPV6_NH_FRAGMENT:
			break;
		default:
			pkt->proto = nh;
			return decode_l4(cur_peek(&ip), cur_left(&ip), pkt, st);
		}
		if (n >= DECODE_MAX_IPV6_EXT) {
			st->err[DECODE_ERR_IPV6_EXT]++;
			return -1;
		}
		next = cur_u8(&ip);
		hlen = cur_u8(&ip);
		if (nh == IPV6_NH_FRAGMENT) {
			uint16_t off = cur_u16(&ip);
			uint32_t id = cur_u32(&ip);

			if (!cur_ok(&ip) || pkt->is_frag) {
				/* cut, or a second fragment header */
				st->err[DECODE_ERR_IPV6_EXT]++;
				return -1;
			}
			st->fragments++;
			pkt->is_frag = 1;
			pkt->frag_more = off & 1;
			pkt->frag_id = id;
			pkt->frag_off = off & 0xfff8;
			pkt->frag_data = cur_peek(&ip);
			pkt->frag_len = cur_left(&ip);
			if ((off & 0xfff8) != 0) {
				pkt->proto = next;
				st->skip[DECODE_SKIP_FRAGMENT]++;
				return 1;
			}
			pkt->frag_first = 1;
		} else {
			/* AH counts 4-byte units minus 2; the others 8-byte
			 * units not counting the first 8 bytes. */
			size_t total = nh == IPV6_NH_AH ?
			    ((size_t)hlen + 2) * 4 : ((size_t)hlen + 1) * 8;

			cur_skip(&ip, total - 2);
			if (!cur_ok(&ip)) {
				st->err[DECODE_ERR_IPV6_EXT]++;
				return -1;
			}
		}
		nh = next;
	}
}

int
decode_ip(const uint8_t *p, size_t len, struct packet *pkt,
    struct decode_stats *st)
{
	struct cur c;

	cur_init(&c, p, len);
	if (len == 0) {
		st->err[DECODE_ERR_IPV4_TRUNC]++;
		return -1;
	}
	if ((p[0] >> 4) == 4)
		return decode_ipv4(&c, pkt, st);
	if ((p[0] >> 4) == 6)
		return decode_ipv6(&c, pkt, st);
	st->err[DECODE_ERR_IPV4_HDR]++;
	return -1;
}
