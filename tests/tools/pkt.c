/*
 * pkt.c - what the capture tools (pcap_retime, gen_mix) share: a seeded
 * generator, byte access, decoding a frame down to TCP/UDP, checksums and
 * the TCP sequence/timestamp shift of a rewritten packet.  See pkt.h.
 */
#include "config.h"

#include <sys/types.h>
#include <stdint.h>
#include <string.h>

#include <pcap/pcap.h>

#include "pkt.h"

/*
 * Ports of the client range that Wireshark 4.0 decodes by number (tshark -G
 * decodes, tcp.port and udp.port): a client port there makes tshark dissect
 * a QUIC Initial as Manolito or Elasticsearch and report it malformed, so
 * clients never get one.
 */
static const uint16_t pkt_port_avoid[] = {
	34962, 34980, 37008, 41170, 44321, 44322, 44818, 45564, 47000, 47808,
	48049, 48898, 49999, 54328, 56000, 56001, 56500, 56501, 57000, 57001,
	57032, 57033, 57500, 57501, 57532, 57533, 59000, 59001, 59032, 59033,
	59500, 59501, 59532, 59533, 60001
};

uint64_t
rng_next(uint64_t *s)
{
	uint64_t z;

	z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double
rng_unit(uint64_t *s)
{
	return (double)(rng_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

uint16_t
get16(const u_char *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

uint32_t
get32(const u_char *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3];
}

void
put16(u_char *p, uint16_t v)
{
	p[0] = (u_char)(v >> 8);
	p[1] = (u_char)v;
}

void
put32(u_char *p, uint32_t v)
{
	p[0] = (u_char)(v >> 24);
	p[1] = (u_char)(v >> 16);
	p[2] = (u_char)(v >> 8);
	p[3] = (u_char)v;
}

uint64_t
csum_add(uint64_t sum, const u_char *p, size_t n)
{
	while (n >= 8) {
		sum += get32(p);
		sum += get32(p + 4);
		p += 8;
		n -= 8;
	}
	while (n >= 2) {
		sum += get16(p);
		p += 2;
		n -= 2;
	}
	if (n > 0)
		sum += (uint64_t)p[0] << 8;
	return sum;
}

uint16_t
csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int
pkt_decode(int dlt, const u_char *p, uint32_t caplen, struct pkt_view *v)
{
	uint32_t off, iplen, hl, tl, pl, doff;
	uint16_t et;
	int nh, n, vl;

	memset(v, 0, sizeof(*v));
	switch (dlt) {
	case DLT_EN10MB:
		if (caplen < 14)
			return -1;
		et = get16(p + 12);
		off = 14;
		for (vl = 0; (et == 0x8100 || et == 0x88a8) &&
		    vl < PKT_MAX_VLAN; vl++) {
			if (caplen < off + 4)
				return -1;
			et = get16(p + off + 2);
			off += 4;
		}
		break;
	case DLT_LINUX_SLL:
		if (caplen < 16)
			return -1;
		et = get16(p + 14);
		off = 16;
		break;
	case DLT_RAW:
		if (caplen < 1)
			return -1;
		et = (p[0] >> 4) == 6 ? 0x86dd : 0x0800;
		off = 0;
		break;
	default:
		return -1;
	}
	v->l3off = (int)off;
	if (et == 0x0800) {
		if (caplen < off + 20 || (p[off] >> 4) != 4)
			return -1;
		hl = (uint32_t)(p[off] & 0x0f) * 4;
		tl = get16(p + off + 2);
		if (hl < 20 || tl < hl || caplen < off + hl)
			return -1;
		if ((get16(p + off + 6) & 0x3fff) != 0)
			return -1;		/* a fragment */
		v->family = 4;
		nh = p[off + 9];
		iplen = tl;
		v->l4off = (int)(off + hl);
		v->l4len = (int)(tl - hl);
	} else if (et == 0x86dd) {
		if (caplen < off + 40 || (p[off] >> 4) != 6)
			return -1;
		pl = get16(p + off + 4);
		nh = p[off + 6];
		iplen = 40 + pl;
		hl = 40;
		for (n = 0; n < PKT_MAX_IPV6_EXT &&
		    (nh == 0 || nh == 43 || nh == 60); n++) {
			if (caplen < off + hl + 8)
				return -1;
			nh = p[off + hl];
			hl += ((uint32_t)p[off + hl + 1] + 1) * 8;
		}
		if (hl > iplen)
			return -1;
		v->family = 6;
		v->l4off = (int)(off + hl);
		v->l4len = (int)(iplen - hl);
	} else
		return -1;
	v->whole = caplen >= off + iplen;
	v->proto = nh;
	if (nh == 6) {
		if (v->l4len < 20 || caplen < (uint32_t)v->l4off + 20)
			return -1;
		doff = (uint32_t)(p[v->l4off + 12] >> 4) * 4;
		if (doff < 20 || doff > (uint32_t)v->l4len ||
		    caplen < (uint32_t)v->l4off + doff)
			return -1;
		v->ploff = v->l4off + (int)doff;
		v->plen = v->l4len - (int)doff;
	} else if (nh == 17) {
		if (v->l4len < 8 || caplen < (uint32_t)v->l4off + 8)
			return -1;
		v->ploff = v->l4off + 8;
		v->plen = v->l4len - 8;
	} else
		return -1;
	v->sport = get16(p + v->l4off);
	v->dport = get16(p + v->l4off + 2);
	return 0;
}

const u_char *
pkt_src(const u_char *p, const struct pkt_view *v)
{
	return p + pkt_addr_off(v, 0);
}

const u_char *
pkt_dst(const u_char *p, const struct pkt_view *v)
{
	return p + pkt_addr_off(v, 1);
}

void
pkt_fix_l4sum(u_char *p, const struct pkt_view *v)
{
	int alen = v->family == 4 ? 4 : 16;
	int coff = v->proto == 6 ? 16 : 6;
	uint64_t sum = 0;
	uint16_t c;

	if (!v->whole)
		return;
	put16(p + v->l4off + coff, 0);
	sum = csum_add(sum, pkt_src(p, v), (size_t)alen);
	sum = csum_add(sum, pkt_dst(p, v), (size_t)alen);
	sum += (uint64_t)v->proto + (uint64_t)v->l4len;
	sum = csum_add(sum, p + v->l4off, (size_t)v->l4len);
	c = csum_fold(sum);
	if (v->proto == 17 && c == 0)
		c = 0xffff;
	put16(p + v->l4off + coff, c);
}

void
tcp_shift(u_char *p, const struct pkt_view *v, uint32_t dseq, uint32_t dack,
    uint32_t dtsval, uint32_t dtsecr)
{
	u_char *t = p + v->l4off;
	int o = v->l4off + 20, end = v->ploff, b;

	put32(t + 4, get32(t + 4) + dseq);
	if (t[13] & 0x10)
		put32(t + 8, get32(t + 8) + dack);
	while (o < end) {
		if (p[o] == 0)
			break;
		if (p[o] == 1) {
			o++;
			continue;
		}
		if (o + 1 >= end || p[o + 1] < 2 || o + p[o + 1] > end)
			break;
		if (p[o] == 8 && p[o + 1] == 10) {
			put32(p + o + 2, get32(p + o + 2) + dtsval);
			if (get32(p + o + 6) != 0)
				put32(p + o + 6, get32(p + o + 6) + dtsecr);
		} else if (p[o] == 5) {
			for (b = o + 2; b + 8 <= o + p[o + 1]; b += 4)
				put32(p + b, get32(p + b) + dack);
		}
		o += p[o + 1];
	}
}

int
is_dns(const struct pkt_view *v)
{
	return v->proto == 17 && (v->sport == 53 || v->dport == 53) &&
	    v->plen >= 12;
}

int
port_avoided(uint16_t p)
{
	size_t i;

	for (i = 0; i < sizeof(pkt_port_avoid) / sizeof(uint16_t); i++)
		if (pkt_port_avoid[i] == p)
			return 1;
	return 0;
}

/* Offset of the source (dst 0) or destination (dst 1) address. */
int
pkt_addr_off(const struct pkt_view *v, int dst)
{
	if (v->family == 4)
		return v->l3off + (dst ? 16 : 12);
	return v->l3off + (dst ? 24 : 8);
}

/* The IPv4 header checksum (IPv4), then the TCP or UDP one. */
void
pkt_fix_sums(u_char *p, const struct pkt_view *v)
{
	if (v->family == 4) {
		put16(p + v->l3off + 10, 0);
		put16(p + v->l3off + 10, csum_fold(csum_add(0, p + v->l3off,
		    (size_t)(v->l4off - v->l3off))));
	}
	pkt_fix_l4sum(p, v);
}
