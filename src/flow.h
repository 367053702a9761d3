/*
 * flow.h - the bidirectional flow table.
 *
 * Fixed memory: every flow lives in one array allocated at start-up
 * (max_flows entries, never grown), found through a SipHash-keyed chained
 * hash, and kept on one of four time-ordered lists by timeout class
 * (unanswered TCP handshakes, established TCP, UDP, closed TCP lingering
 * to absorb trailing ACKs).  Because every list has a single timeout and is
 * ordered by last activity, expiry only ever looks at list heads.  When the
 * table is full the least recently active flow (the oldest list head) is
 * evicted and counted.
 *
 * The table reports each flow exactly once, through the end callback: when
 * TCP closes (both FINs, or a RST), when it goes idle, when it is evicted,
 * or when the table is flushed at the end of input.  A closed flow stays in
 * the table for FLOW_TIMEOUT_CLOSED seconds so that its trailing packets do
 * not start a new flow; they are counted on the closed flow, which is not
 * reported again.
 *
 * "Client" is the side that sent the SYN, the receiver of a SYN-ACK seen
 * first, or else the sender of the first packet, unless that packet goes
 * from a service port (< 1024) to an ephemeral one, which marks the sender
 * as the server.  Index 0 of the per-direction arrays is client to server.
 */
#ifndef FAASWATCH_FLOW_H
#define FAASWATCH_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "hash.h"
#include "ilist.h"

#define FLOW_NONE	ILIST_NONE

enum flow_end {
	FLOW_END_FIN,		/* both sides sent FIN */
	FLOW_END_RST,		/* a RST */
	FLOW_END_IDLE,		/* idle timeout */
	FLOW_END_EVICTED,	/* table full: oldest flow made room */
	FLOW_END_REUSED,	/* a new SYN on a closing 5-tuple */
	FLOW_END_SHUTDOWN,	/* end of input or program exit */
	FLOW_END_MAX
};

enum flow_tcp_state {
	FLOW_TCP_NONE,		/* UDP, or TCP picked up mid-stream */
	FLOW_TCP_SYN,		/* SYN seen, no SYN-ACK yet */
	FLOW_TCP_EST,		/* handshake answered or data both ways */
	FLOW_TCP_CLOSED,	/* both FINs or a RST: reported, lingering */
};

#define FLOW_F_SYN		0x01	/* client SYN seen */
#define FLOW_F_SYNACK		0x02	/* server SYN-ACK seen */
#define FLOW_F_FIN_C		0x04	/* client FIN */
#define FLOW_F_FIN_S		0x08	/* server FIN */
#define FLOW_F_REPLIED		0x10	/* the server sent something */
#define FLOW_F_REPORTED		0x20	/* end callback already ran */
#define FLOW_F_CBASE		0x40	/* cbase is known */

struct flow {
	/* key; [0] is the client */
	uint8_t		addr[2][16];
	uint16_t	port[2];
	uint16_t	vlan;
	uint8_t		family;
	uint8_t		proto;

	/* table bookkeeping (flow.c only) */
	uint8_t		list;
	uint8_t		tcp_state;
	uint32_t	hash;
	uint32_t	hnext;
	struct ilink	lru;

	/* accounting */
	uint8_t		flags;
	uint64_t	first_us, last_us;
	uint64_t	bytes[2];	/* IP bytes per direction */
	uint32_t	pkts[2];
	uint32_t	cbase;		/* sequence number of the client's first
					   data byte, once FLOW_F_CBASE */

	/* owned by dissect.c: naming and classification */
	uint32_t	name_id;	/* attributed name (intern id) or 0 */
	uint32_t	sni_id;		/* TLS/QUIC SNI on the wire or 0 */
	uint32_t	ja3_id, ja4_id, alpn_id;
	uint16_t	tls_version;
	uint16_t	stream_off;	/* where the tunnelled stream starts in
					   the client's (after a CONNECT) */
	uint16_t	ndpi_master, ndpi_app;
	uint8_t		name_source;
	uint16_t	dissect;	/* dissector state bits */
	uint8_t		dissect_pkts;	/* packets handed to dissectors */
	uint8_t		ndpi_pkts;
	uint32_t	reasm_idx;	/* first-flight buffer or FLOW_NONE */
	/* check-ins inside the flow (dissect.c) */
	uint64_t	burst_us;	/* start of the current one, 0: none */
	uint64_t	burst_last_us;	/* its latest data packet */
	uint32_t	burst_up, burst_down;	/* its IP bytes */
	uint16_t	bursts;		/* check-ins already handed on */
	uint32_t	ndpi_idx;	/* nDPI state or FLOW_NONE */
};

struct flow_conf {
	size_t		max_flows;
	uint32_t	timeout_tcp;		/* s, established */
	uint32_t	timeout_tcp_syn;	/* s, unanswered handshake */
	uint32_t	timeout_udp;		/* s */
	uint32_t	timeout_closed;		/* s, linger after close */
};

struct flow_stats {
	uint64_t	created;
	uint64_t	ended[FLOW_END_MAX];
	uint64_t	active;
	uint64_t	peak;
};

/* Called once per flow with the reason; the flow is borrowed until the
 * callback returns (for FLOW_END_FIN/RST it stays in the table afterwards,
 * marked FLOW_F_REPORTED, and must not be reported again). now_us is the
 * table clock at the moment of the report. */
struct flow_table;
typedef void flow_end_fn(void *arg, struct flow *f, enum flow_end why,
    uint64_t now_us);

/* Returns NULL if memory cannot be allocated.  The key is copied. */
struct flow_table	*flow_table_create(const struct flow_conf *fc,
			    const struct hash_key *key, flow_end_fn *cb,
			    void *arg);
void			 flow_table_destroy(struct flow_table *);

/*
 * Finds the flow of pkt (which must have has_l4 set) or creates it, evicting
 * the oldest flow when the table is full.  *dir is 0 when pkt goes client to
 * server, 1 otherwise; *created is set for a new flow.  Never returns NULL.
 */
struct flow	*flow_table_get(struct flow_table *, const struct packet *pkt,
		    int *dir, int *created);

/* Counts pkt on f, advances TCP state, moves f to the right list and reports
 * it if this packet closed it. */
void		 flow_table_update(struct flow_table *, struct flow *f,
		    const struct packet *pkt, int dir);

/* Advances the table clock to now_us (never backwards) and ends every flow
 * whose timeout has passed. */
void		 flow_table_expire(struct flow_table *, uint64_t now_us);

/* Reports every flow still open (FLOW_END_SHUTDOWN), oldest first, and empties
 * the table. */
void		 flow_table_flush(struct flow_table *);

const struct flow_stats	*flow_table_stats(const struct flow_table *);
uint64_t		 flow_table_clock(const struct flow_table *);
const char		*flow_end_name(enum flow_end);

/* Bytes of memory per flow slot (struct flow plus its hash bucket). */
size_t			 flow_table_bytes_per_flow(void);

#endif /* FAASWATCH_FLOW_H */
