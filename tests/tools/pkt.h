/*
 * pkt.h - what the capture tools (pcap_retime, gen_mix) share.  Test tools,
 * not the sensor: they read trusted captures of this repository.
 */
#ifndef FAASWATCH_TOOLS_PKT_H
#define FAASWATCH_TOOLS_PKT_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_MAX_VLAN		2		/* stacked 802.1Q tags */
#define PKT_MAX_IPV6_EXT	8		/* IPv6 extension headers */

/* A TCP or UDP packet's layout in a captured frame. */
struct pkt_view {
	int		 l3off;
	int		 family;	/* 4 or 6 */
	int		 l4off;
	int		 l4len;		/* L4 length per the IP header */
	int		 proto;		/* 6 or 17 */
	int		 whole;		/* caplen covers the whole datagram */
	int		 ploff;		/* payload offset */
	int		 plen;		/* payload length per the headers */
	uint16_t	 sport;
	uint16_t	 dport;
};

/* splitmix64, and a uniform double in [0, 1) from it. */
uint64_t	 rng_next(uint64_t *s);
double		 rng_unit(uint64_t *s);

uint16_t	 get16(const u_char *p);
uint32_t	 get32(const u_char *p);
void		 put16(u_char *p, uint16_t v);
void		 put32(u_char *p, uint32_t v);

/* Ethernet (802.1Q/802.1ad), Linux SLL or raw IP down to TCP/UDP: 0 with
 * v filled (the payload may be cut), -1 otherwise (other protocols,
 * fragments, short captures). */
int		 pkt_decode(int dlt, const u_char *p, uint32_t caplen,
		    struct pkt_view *v);
int		 pkt_addr_off(const struct pkt_view *v, int dst);
const u_char	*pkt_src(const u_char *p, const struct pkt_view *v);
const u_char	*pkt_dst(const u_char *p, const struct pkt_view *v);

uint64_t	 csum_add(uint64_t sum, const u_char *p, size_t n);
uint16_t	 csum_fold(uint64_t sum);
/* The TCP or UDP checksum (needs the whole datagram); with the IPv4
 * header's first. */
void		 pkt_fix_l4sum(u_char *p, const struct pkt_view *v);
void		 pkt_fix_sums(u_char *p, const struct pkt_view *v);

/* Adds the deltas to a TCP packet's sequence and acknowledgment numbers
 * and its timestamp option's TSval and TSecr (TSecr only when non-zero). */
void		 tcp_shift(u_char *p, const struct pkt_view *v, uint32_t dseq,
		    uint32_t dack, uint32_t dtsval, uint32_t dtsecr);

int		 is_dns(const struct pkt_view *v);	/* UDP port 53 */
int		 port_avoided(uint16_t p);	/* a port tshark decodes */

#endif /* FAASWATCH_TOOLS_PKT_H */
