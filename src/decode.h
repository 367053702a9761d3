/*
 * decode.h - link, IP and transport decoding of one captured frame.
 *
 * decode_link.c peels link layers (Ethernet, 802.1Q/802.1ad stacks, MPLS,
 * PPPoE session, Linux SLL/SLL2, NULL/LOOP, raw IP) down to the IP header;
 * decode_ip.c reads IPv4 (options, fragments) and IPv6 (extension headers);
 * decode_l4.c reads TCP and UDP.  GTP-U (UDP 2152) and VXLAN (UDP 4789)
 * are decapsulated, up to DECODE_MAX_TUNNEL levels: the inner packet is
 * the one described.  The result is a struct packet whose
 * pointers borrow the frame for the length of the capture callback.
 *
 * Truncated or malformed input is never an error for the program: it is
 * counted by kind in struct decode_stats and the packet is dropped from
 * further processing (or, for a bad transport header, kept as plain IP).
 */
#ifndef FAASWATCH_DECODE_H
#define FAASWATCH_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* Why a frame was not decoded down to a transport header.  The order is the
 * order of the statistics record. */
enum decode_err {
	DECODE_ERR_LINK_TRUNC,		/* link header shorter than its type needs */
	DECODE_ERR_LINK_TYPE,		/* capture link type not supported */
	DECODE_ERR_VLAN_DEPTH,		/* more stacked VLAN tags than allowed */
	DECODE_ERR_MPLS_DEPTH,		/* MPLS stack deeper than allowed */
	DECODE_ERR_MPLS_PAYLOAD,	/* MPLS payload neither IPv4 nor IPv6 */
	DECODE_ERR_PPPOE,		/* PPPoE session header malformed */
	DECODE_ERR_IPV4_TRUNC,		/* IPv4 header cut by the capture */
	DECODE_ERR_IPV4_HDR,		/* bad IHL, version or total length */
	DECODE_ERR_IPV6_TRUNC,		/* IPv6 header cut by the capture */
	DECODE_ERR_IPV6_EXT,		/* extension header chain cut or too long */
	DECODE_ERR_TCP_TRUNC,		/* TCP header cut */
	DECODE_ERR_TCP_HDR,		/* TCP data offset invalid */
	DECODE_ERR_UDP_TRUNC,		/* UDP header cut */
	DECODE_ERR_UDP_LEN,		/* UDP length field inconsistent */
	DECODE_ERR_MAX
};

/* Frames that decode fine but carry nothing for the flow table. */
enum decode_skip {
	DECODE_SKIP_NON_IP,		/* ARP, LLDP, STP, ... */
	DECODE_SKIP_FRAGMENT,		/* IP fragment other than the first */
	DECODE_SKIP_OTHER_L4,		/* ICMP, ESP, GRE, SCTP, ... */
	DECODE_SKIP_MAX
};

struct decode_stats {
	uint64_t	err[DECODE_ERR_MAX];
	uint64_t	skip[DECODE_SKIP_MAX];
	uint64_t	ipv4, ipv6, tcp, udp;
	uint64_t	fragments;		/* IP fragments of any kind */
	uint64_t	tunnel_gtp;		/* GTP-U packets decapsulated */
	uint64_t	tunnel_vxlan;		/* VXLAN packets decapsulated */
	uint64_t	ip_cut;			/* IP total length beyond the
						   captured bytes (snaplen) */
};

#define PKT_TCP_FIN	0x01
#define PKT_TCP_SYN	0x02
#define PKT_TCP_RST	0x04
#define PKT_TCP_PSH	0x08
#define PKT_TCP_ACK	0x10

struct packet {
	uint64_t	 ts_us;		/* capture time, microseconds */
	uint16_t	 vlan;		/* outermost VLAN id, 0 if none */
	uint8_t		 family;	/* 4 or 6 */
	uint8_t		 proto;		/* IPPROTO_TCP, IPPROTO_UDP, other */
	uint8_t		 src[16];	/* IPv4 in the first 4 bytes */
	uint8_t		 dst[16];
	const uint8_t	*l3;		/* IP header (borrowed) */
	size_t		 l3_len;	/* captured IP bytes, <= ip_len */
	uint32_t	 ip_len;	/* IP total length from the header */
	uint8_t		 frag_first;	/* first fragment of a fragmented datagram */
	uint8_t		 is_frag;	/* any fragment: the frag_* fields below */
	uint8_t		 frag_more;	/* more fragments follow */
	uint32_t	 frag_id;	/* IPv4 identification / IPv6 fragment id */
	uint32_t	 frag_off;	/* byte offset of frag_data in the datagram */
	const uint8_t	*frag_data;	/* fragmentable bytes carried (borrowed) */
	size_t		 frag_len;
	uint8_t		 has_l4;	/* sport/dport valid */
	uint16_t	 sport, dport;
	uint8_t		 tcp_flags;
	uint32_t	 seq, ack;
	const uint8_t	*payload;	/* transport payload (borrowed) */
	size_t		 payload_len;	/* captured payload bytes */
};

/*
 * Decodes one frame of link type dlt (a DLT_ value from pcap_datalink()).
 * Returns 0 when pkt describes an IP packet with a TCP or UDP header
 * (pkt->has_l4); 1 when the frame is fine but nothing for the flow table
 * (not IP, another transport, a later fragment, or a transport header that
 * was cut: counted as a skip or an error); -1 when the frame could not be
 * decoded (counted as an error).  The frame is borrowed; pkt points into it.
 */
int	decode_frame(int dlt, const uint8_t *frame, size_t caplen,
	    uint64_t ts_us, struct packet *pkt, struct decode_stats *st);

/* Decodes a datagram that decode_frag.c reassembled, as decode_frame()
 * would the frame (pkt keeps its time and VLAN). */
int	decode_reassembled(const uint8_t *dgram, size_t len,
	    struct packet *pkt, struct decode_stats *st);

/* Internal stages, exported for their unit tests. */
int	decode_ip(const uint8_t *p, size_t len, struct packet *pkt,
	    struct decode_stats *st);
int	decode_l4(const uint8_t *p, size_t len, struct packet *pkt,
	    struct decode_stats *st);

/* Name of a counter for the statistics record ("ipv4_truncated", ...). */
const char	*decode_err_name(enum decode_err);
const char	*decode_skip_name(enum decode_skip);

#endif /* FAASWATCH_DECODE_H */
