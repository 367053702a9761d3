/*
 * test_flow.c - the flow table against flow.h's contract: who is the
 * client, per-direction accounting, one report per flow and its reason,
 * trailing packets absorbed by a closed flow, port reuse, idle expiry per
 * list, eviction of the least recently active flow, flush order and the
 * start of the client's byte stream (cbase).
 *
 * The main trace is a real TLS connection: frames 3-20 of the lab capture
 * curl__demo-beacon.workers.dev.pcap (time, direction, flags, sequence and
 * acknowledgement numbers and IP length of each, as tshark reads them).
 * Other cases are built packet by packet.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "decode.h"
#include "defaults.h"
#include "flow.h"
#include "hash.h"

#define SEC		1000000ULL
#define T0		(1795862935ULL * SEC)

/* ---- recording reports --------------------------------------------------- */

#define MAX_EVENTS	64

struct event {
	struct flow	f;	/* copy at report time */
	enum flow_end	why;
	uint64_t	now_us;
};

struct recorder {
	struct event	ev[MAX_EVENTS];
	int		n;
};

static void
record_end(void *arg, struct flow *f, enum flow_end why, uint64_t now_us)
{
	struct recorder *rec = arg;

	assert_true(rec->n < MAX_EVENTS);
	rec->ev[rec->n].f = *f;
	rec->ev[rec->n].why = why;
	rec->ev[rec->n].now_us = now_us;
	rec->n++;
}

static const struct hash_key test_key = { 0x0123456789abcdefULL,
    0xfedcba9876543210ULL };

static struct flow_table *
table_new(size_t max, struct recorder *rec)
{
	struct flow_conf fc;
	struct flow_table *ft;

	memset(&fc, 0, sizeof(fc));
	fc.max_flows = max;
	fc.timeout_tcp = FLOW_TIMEOUT_TCP_DEFAULT;
	fc.timeout_tcp_syn = FLOW_TIMEOUT_TCP_SYN;
	fc.timeout_udp = FLOW_TIMEOUT_UDP_DEFAULT;
	fc.timeout_closed = FLOW_TIMEOUT_CLOSED;
	memset(rec, 0, sizeof(*rec));
	ft = flow_table_create(&fc, &test_key, record_end, rec);
	assert_non_null(ft);
	return ft;
}

/* ---- packets ------------------------------------------------------------- */

static void
addr16(const char *text, uint8_t out[16])
{
	memset(out, 0, 16);
	if (strchr(text, ':') != NULL)
		assert_int_equal(inet_pton(AF_INET6, text, out), 1);
	else
		assert_int_equal(inet_pton(AF_INET, text, out), 1);
}

static struct packet
mkpkt(uint64_t ts_us, int proto, const char *src, uint16_t sport,
    const char *dst, uint16_t dport, uint8_t flags, uint32_t seq,
    uint32_t ack, uint32_t ip_len)
{
	struct packet p;

	memset(&p, 0, sizeof(p));
	p.ts_us = ts_us;
	p.family = strchr(src, ':') != NULL ? 6 : 4;
	p.proto = (uint8_t)proto;
	addr16(src, p.src);
	addr16(dst, p.dst);
	p.sport = sport;
	p.dport = dport;
	p.tcp_flags = flags;
	p.seq = seq;
	p.ack = ack;
	p.ip_len = ip_len;
	p.l3_len = ip_len;
	p.has_l4 = 1;
	return p;
}

/* What the sensor does per packet: clock, lookup, update. */
static struct flow *
feed(struct flow_table *ft, const struct packet *p, int *dir, int *created)
{
	struct flow *f;
	int d, c;

	flow_table_expire(ft, p->ts_us);
	f = flow_table_get(ft, p, &d, &c);
	assert_non_null(f);
	assert_true(d == 0 || d == 1);
	flow_table_update(ft, f, p, d);
	if (dir != NULL)
		*dir = d;
	if (created != NULL)
		*created = c;
	return f;
}

#define CLI	"10.99.0.2"
#define SRV	"10.99.0.1"
#define CPORT	55802

static struct packet
tcp_c2s(uint64_t ts, uint8_t fl, uint32_t seq, uint32_t ack, uint32_t len)
{
	return mkpkt(ts, IPPROTO_TCP, CLI, CPORT, SRV, 443, fl, seq, ack, len);
}

static struct packet
tcp_s2c(uint64_t ts, uint8_t fl, uint32_t seq, uint32_t ack, uint32_t len)
{
	return mkpkt(ts, IPPROTO_TCP, SRV, 443, CLI, CPORT, fl, seq, ack, len);
}

static void
expect_client(const struct flow *f, const char *cli, uint16_t cport,
    const char *srv, uint16_t sport)
{
	uint8_t a[16];

	addr16(cli, a);
	assert_memory_equal(f->addr[0], a, 16);
	addr16(srv, a);
	assert_memory_equal(f->addr[1], a, 16);
	assert_int_equal(f->port[0], cport);
	assert_int_equal(f->port[1], sport);
}

/* ---- the real connection ------------------------------------------------- */

/* curl__demo-beacon.workers.dev.pcap frames 3-20: time (us after
 * 1795862935 s), from the client?, TCP flags, seq, ack, IP length. */
static const struct {
	uint32_t	us;
	int		c2s;
	uint8_t		flags;
	uint32_t	seq, ack;
	uint32_t	ip_len;
} curl_trace[] = {
	{ 814597, 1, 0x02, 380021361u, 0u, 60 },		/*  3 */
	{ 814616, 0, 0x12, 3385889421u, 380021362u, 60 },	/*  4 */
	{ 814647, 1, 0x10, 380021362u, 3385889422u, 52 },	/*  5 */
	{ 817328, 1, 0x18, 380021362u, 3385889422u, 569 },	/*  6 */
	{ 817345, 0, 0x10, 3385889422u, 380021879u, 52 },	/*  7 */
	{ 819224, 0, 0x10, 3385889422u, 380021879u, 1500 },	/*  8 */
	{ 819231, 1, 0x10, 380021879u, 3385890870u, 52 },	/*  9 */
	{ 819233, 0, 0x18, 3385890870u, 380021879u, 262 },	/* 10 */
	{ 819235, 1, 0x10, 380021879u, 3385891080u, 52 },	/* 11 */
	{ 820014, 1, 0x18, 380021879u, 3385891080u, 132 },	/* 12 */
	{ 820158, 0, 0x18, 3385891080u, 380021959u, 355 },	/* 13 */
	{ 820186, 0, 0x18, 3385891383u, 380021959u, 355 },	/* 14 */
	{ 820279, 1, 0x18, 380021959u, 3385891686u, 165 },	/* 15 */
	{ 820526, 0, 0x18, 3385891686u, 380022072u, 585 },	/* 16 */
	{ 820675, 1, 0x18, 380022072u, 3385892219u, 76 },	/* 17 */
	{ 820714, 0, 0x11, 3385892219u, 380022096u, 52 },	/* 18 */
	{ 820738, 1, 0x11, 380022096u, 3385892220u, 52 },	/* 19 */
	{ 820749, 0, 0x10, 3385892220u, 380022097u, 52 },	/* 20 */
};
#define NTRACE	(sizeof(curl_trace) / sizeof(curl_trace[0]))

static struct packet
trace_pkt(size_t i)
{
	uint64_t ts = T0 + curl_trace[i].us;

	return curl_trace[i].c2s ?
	    tcp_c2s(ts, curl_trace[i].flags, curl_trace[i].seq,
	    curl_trace[i].ack, curl_trace[i].ip_len) :
	    tcp_s2c(ts, curl_trace[i].flags, curl_trace[i].seq,
	    curl_trace[i].ack, curl_trace[i].ip_len);
}

static void
test_real_connection(void **state)
{
	struct recorder rec;
	struct flow_table *ft = table_new(16, &rec);
	struct flow *f, *first = NULL;
	size_t i;
	int dir, created;

	(void)state;
	for (i = 0; i < NTRACE; i++) {
		struct packet p = trace_pkt(i);

		f = feed(ft, &p, &dir, &created);
		if (i == 0)
			first = f;
		assert_ptr_equal(f, first);	/* one flow throughout */
		assert_int_equal(created, i == 0);
		assert_int_equal(dir, !curl_trace[i].c2s);
		/* reported right after the second FIN (frame 19) */
		assert_int_equal(rec.n, i >= 16 ? 1 : 0);
		if (i == 1)
			assert_int_equal(f->tcp_state, FLOW_TCP_EST);
	}
	f = first;
	expect_client(f, CLI, CPORT, SRV, 443);
	assert_int_equal(f->proto, IPPROTO_TCP);
	assert_int_equal(f->family, 4);
	assert_int_equal(f->cbase, 380021362u);
	assert_int_equal(f->first_us, T0 + 814597);
	assert_int_equal(f->last_us, T0 + 820749);
	/* frame 20, the server's last ACK, was counted on the closed flow */
	assert_int_equal(f->bytes[0], 1210);
	assert_int_equal(f->pkts[0], 9);
	assert_int_equal(f->bytes[1], 3273);
	assert_int_equal(f->pkts[1], 9);
	assert_int_equal(f->tcp_state, FLOW_TCP_CLOSED);
	assert_int_equal(f->flags, FLOW_F_SYN | FLOW_F_SYNACK | FLOW_F_FIN_C |
	    FLOW_F_FIN_S | FLOW_F_REPLIED | FLOW_F_REPORTED | FLOW_F_CBASE);

	/* the report itself, as of frame 19 */
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.ev[0].why, FLOW_END_FIN);
	assert_int_equal(rec.ev[0].f.bytes[0], 1210);
	assert_int_equal(rec.ev[0].f.bytes[1], 3221);
	assert_int_equal(rec.ev[0].f.pkts[1], 8);
	assert_int_equal(rec.ev[0].now_us, T0 + 820738);
	expect_client(&rec.ev[0].f, CLI, CPORT, SRV, 443);

	assert_int_equal(flow_table_stats(ft)->created, 1);
	assert_int_equal(flow_table_stats(ft)->ended[FLOW_END_FIN], 1);
	assert_int_equal(flow_table_stats(ft)->active, 1);

	/* The closed flow lingers FLOW_TIMEOUT_CLOSED s, then leaves
	 * without a second report. */
	flow_table_expire(ft, T0 + 820749 + FLOW_TIMEOUT_CLOSED * SEC);
	assert_int_equal(flow_table_stats(ft)->active, 1);
	flow_table_expire(ft, T0 + 820749 + FLOW_TIMEOUT_CLOSED * SEC + 1);
	assert_int_equal(flow_table_stats(ft)->active, 0);
	assert_int_equal(rec.n, 1);
	assert_int_equal(flow_table_stats(ft)->ended[FLOW_END_IDLE], 0);
	flow_table_flush(ft);
	assert_int_equal(rec.n, 1);
	flow_table_destroy(ft);
}

/* The same connection seen from its SYN-ACK (the SYN was missed). */
static void
test_synack_first(void **state)
{
	struct recorder rec;
	struct flow_table *ft = table_new(16, &rec);
	struct flow *f;
	size_t i;
	int dir, created;

	(void)state;
	for (i = 1; i < 6; i++) {
		struct packet p = trace_pkt(i);

		f = feed(ft, &p, &dir, &created);
		assert_int_equal(dir, !curl_trace[i].c2s);
		assert_int_equal(created, i == 1);
	}
	expect_client(f, CLI, CPORT, SRV, 443);
	assert_int_equal(f->tcp_state, FLOW_TCP_EST);
	assert_true(f->flags & FLOW_F_SYNACK);
	assert_false(f->flags & FLOW_F_SYN);
	/* the client's stream starts at the SYN-ACK's acknowledgement */
	assert_true(f->flags & FLOW_F_CBASE);
	assert_int_equal(f->cbase, 380021362u);
	assert_int_equal(f->pkts[0], 2);
	assert_int_equal(f->pkts[1], 3);
	flow_table_destroy(ft);
}

/* Picked up mid-stream, first packet from the client (frame 6). */
static void
test_midstream_client_first(void **state)
{
	struct recorder rec;
	struct flow_table *ft = table_new(16, &rec);
	struct flow *f;
	struct packet p;
	size_t i;
	int dir;

	(void)state;
	for (i = 3; i < 8; i++) {
		p = trace_pkt(i);
		f = feed(ft, &p, &dir, NULL);
		assert_int_equal(dir, !curl_trace[i].c2s);
	}
	expect_client(f, CLI, CPORT, SRV, 443);
	assert_int_equal(f->tcp_state, FLOW_TCP_NONE);
	assert_int_equal(f->cbase, 380021362u);	/* frame 6's seq */
	assert_false(f->flags & (FLOW_F_SYN | FLOW_F_SYNACK));
	assert_true(f->flags & FLOW_F_REPLIED);
	flow_table_destroy(ft);
}

/* Picked up mid-stream, first packet from the server (frame 7): the
 * service-port rule makes the receiver the client. */
static void
test_midstream_server_first(void **state)
{
	struct recorder rec;
	struct flow_table *ft = table_new(16, &rec);
	struct flow *f;
	struct packet p;
	int dir, created;

	(void)state;
	p = trace_pkt(4);
	f = feed(ft, &p, &dir, &created);
	assert_int_equal(created, 1);
	assert_int_equal(dir, 1);
	expect_client(f, CLI, CPORT, SRV, 443);
	assert_false(f->flags & FLOW_F_CBASE);	/* no client packet yet */
	p = trace_pkt(5);
	f = feed(ft, &p, &dir, &created);
	assert_int_equal(dir, 1);
	p = trace_pkt(6);			/* frame 9, the client's ACK */
	f = feed(ft, &p, &dir, &created);
	assert_int_equal(dir, 0);
	assert_int_equal(created, 0);
	assert_true(f->flags & FLOW_F_CBASE);
	assert_int_equal(f->cbase, 380021879u);
	flow_table_destroy(ft);
}

static void
test_service_port_heuristic(void **state)
{
	struct recorder rec;
	struct flow_table *ft = table_new(16, &rec);
	struct flow *f;
	struct packet p;
	int dir;

	(void)state;
	/* A DNS response seen first: the querier is the client. */
	p = mkpkt(T0, IPPROTO_UDP, SRV, 53, CLI, 37672, 0, 0, 0, 99);
	f = feed(ft, &p, &dir, NULL);
	assert_int_equal(dir, 1);
	expect_client(f, CLI, 37672, SRV, 53);
	p = mkpkt(T0 + 1, IPPROTO_UDP, CLI, 37672, SRV, 53, 0, 0, 0, 83);
	f = feed(ft, &p, &dir, NULL);
	assert_int_equal(dir, 0);
	assert_int_equal(f->bytes[0], 83);
	assert_int_equal(f->bytes[1], 99);

	/* Both ports ephemeral, or both services: the sender is the client. */
	p = mkpkt(T0, IPPROTO_UDP, SRV, 4443, CLI, 42086, 0, 0, 0, 100);
	f = feed(ft, &p, &dir, NULL);
	assert_int_equal(dir, 0);
	expect_client(f, SRV, 4443, CLI, 42086);
	p = mkpkt(T0, IPPROTO_UDP, SRV, 123, CLI, 123, 0, 0, 0, 76);
	f = feed(ft, &p, &dir, NULL);
	assert_int_equal(dir, 0);
	expect_client(f, SRV, 123, CLI, 123);
	/* Ephemeral to service: the sender is the client. */
	p = mkpkt(T0, IPPROTO_TCP, CLI, 50000, SRV, 80, PKT_TCP_ACK, 1, 1, 40);
	f = feed(ft, &p, &dir, NULL);
	assert_int_equal(dir, 0);
	expect_client(f, CLI, 50000, SRV, 80);
	/* Port 1023 is a service port, 1024 is not. */
	p = mkpkt(T0, IPPROTO_TCP, SRV, 1023, CLI, 1024, PKT_TCP_ACK, 1, 1,
	    40);
	f = feed(ft, &p, &dir, NULL);
	assert_int_equal(dir, 1);
	/* A SYN overrides ports: sent from 443 to 50001, 443 is the client. */
	p = mkpkt(T0, IPPROTO_TCP, SRV, 443, CLI, 50001, PKT_TCP_SYN, 7, 0, 60);
	f = feed(ft, &p, &dir, NULL);
	assert_int_equal(dir, 0);
	expect_client(f, SRV, 443, CLI, 50001);
	assert_int_equal(f->cbase, 8);
	flow_table_destroy(ft);
}

static void
test_rst_reported_once(void **state)
{
	struct recorder rec;
	struct flow_table *ft = table_new(16, &rec);
	struct flow *f;
	struct packet p;
	int created;

	(void)state;
	/* sv tls-duplicate-hello frames 1-2: SYN to 8442, refused. */
	p = mkpkt(T0, IPPROTO_TCP, "127.0.0.1", 49952, "127.0.0.1", 8442,
	    PKT_TCP_SYN, 0x8538d085u, 0, 64);
	f = feed(ft, &p, NULL, NULL);
	assert_int_equal(f->tcp_state, FLOW_TCP_SYN);
	p = mkpkt(T0 + 10, IPPROTO_TCP, "127.0.0.1", 8442, "127.0.0.1", 49952,
	    PKT_TCP_RST | PKT_TCP_ACK, 0, 0x8538d086u, 40);
	f = feed(ft, &p, NULL, NULL);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.ev[0].why, FLOW_END_RST);
	assert_int_equal(rec.ev[0].f.pkts[0], 1);
	assert_int_equal(rec.ev[0].f.pkts[1], 1);
	assert_int_equal(f->tcp_state, FLOW_TCP_CLOSED);
	/* A second RST and a stray ACK: counted, not reported again, no new
	 * flow. */
	f = feed(ft, &p, NULL, &created);
	assert_int_equal(created, 0);
	p = mkpkt(T0 + 20, IPPROTO_TCP, "127.0.0.1", 49952, "127.0.0.1", 8442,
	    PKT_TCP_ACK, 0x8538d086u, 1, 40);
	f = feed(ft, &p, NULL, &created);
	assert_int_equal(created, 0);
	assert_int_equal(f->pkts[0], 2);
	assert_int_equal(f->pkts[1], 2);
	assert_int_equal(rec.n, 1);
	assert_int_equal(flow_table_stats(ft)->ended[FLOW_END_RST], 1);
	flow_table_flush(ft);
	assert_int_equal(rec.n, 1);
	assert_int_equal(flow_table_stats(ft)->active, 0);
	flow_table_destroy(ft);
}

static void
test_port_reuse(void **state)
{
	struct recorder rec;
	struct flow_table *ft = table_new(16, &rec);
	struct flow *f;
	struct packet p;
	size_t i;
	int created, dir;

	(void)state;
	/* The whole real connection, closed by FIN/FIN. */
	for (i = 0; i < NTRACE; i++) {
		p = trace_pkt(i);
		feed(ft, &p, NULL, NULL);
	}
	assert_int_equal(rec.n, 1);
	/* A new SYN (new ISN) one second later is a new connection. */
	p = tcp_c2s(T0 + SEC, PKT_TCP_SYN, 1000000u, 0, 60);
	f = feed(ft, &p, &dir, &created);
	assert_int_equal(created, 1);
	assert_int_equal(dir, 0);
	assert_int_equal(f->tcp_state, FLOW_TCP_SYN);
	assert_int_equal(f->cbase, 1000001u);
	assert_int_equal(f->pkts[0], 1);
	assert_int_equal(f->bytes[1], 0);
	/* the closed flow was already reported: no second report */
	assert_int_equal(rec.n, 1);
	assert_int_equal(flow_table_stats(ft)->created, 2);
	assert_int_equal(flow_table_stats(ft)->active, 1);

	/* Half-closed (client FIN only), then a new SYN: the old flow is
	 * reported as reused, once. */
	p = tcp_s2c(T0 + SEC + 10, PKT_TCP_SYN | PKT_TCP_ACK, 5000u, 1000001u,
	    60);
	feed(ft, &p, NULL, NULL);
	p = tcp_c2s(T0 + SEC + 20, PKT_TCP_FIN | PKT_TCP_ACK, 1000001u, 5001u,
	    52);
	feed(ft, &p, NULL, NULL);
	assert_int_equal(rec.n, 1);
	p = tcp_c2s(T0 + 2 * SEC, PKT_TCP_SYN, 2000000u, 0, 60);
	f = feed(ft, &p, NULL, &created);
	assert_int_equal(created, 1);
	assert_int_equal(rec.n, 2);
	assert_int_equal(rec.ev[1].why, FLOW_END_REUSED);
	assert_int_equal(rec.ev[1].f.cbase, 1000001u);
	assert_int_equal(flow_table_stats(ft)->ended[FLOW_END_REUSED], 1);
	flow_table_flush(ft);
	rec.n = 0;

	/* Picked up mid-stream, closing (server FIN): any SYN is a new
	 * connection, even one whose ISN + 1 is the first sequence number
	 * seen. */
	p = tcp_c2s(T0 + 2 * SEC, PKT_TCP_ACK, 4000u, 9000u, 52);
	feed(ft, &p, NULL, NULL);
	p = tcp_s2c(T0 + 2 * SEC + 1, PKT_TCP_FIN | PKT_TCP_ACK, 9000u, 4000u,
	    52);
	feed(ft, &p, NULL, NULL);
	p = tcp_c2s(T0 + 2 * SEC + 2, PKT_TCP_SYN, 3999u, 0, 60);
	f = feed(ft, &p, NULL, &created);
	assert_int_equal(created, 1);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.ev[0].why, FLOW_END_REUSED);
	rec.n = 1;

	/* Established with no FIN, and a SYN with another ISN: reused. */
	p = tcp_s2c(T0 + 2 * SEC + 3, PKT_TCP_SYN | PKT_TCP_ACK, 7000u,
	    4000u, 60);
	feed(ft, &p, NULL, NULL);
	p = tcp_c2s(T0 + 3 * SEC, PKT_TCP_SYN, 3000000u, 0, 60);
	feed(ft, &p, NULL, &created);
	assert_int_equal(created, 1);
	assert_int_equal(rec.n, 2);
	assert_int_equal(rec.ev[1].why, FLOW_END_REUSED);
	/* ... but the same SYN again is a retransmission. */
	p.ts_us += 1000;
	feed(ft, &p, NULL, &created);
	assert_int_equal(created, 0);
	assert_int_equal(rec.n, 2);
	assert_int_equal(flow_table_stats(ft)->active, 1);
	flow_table_destroy(ft);
}

static void
test_idle_expiry_per_list(void **state)
{
	struct recorder rec;
	struct flow_table *ft = table_new(16, &rec);
	struct packet p;
	int i;

	(void)state;
	/* an unanswered SYN, an established TCP flow, a mid-stream TCP
	 * flow, a UDP flow: all last active at T0 */
	p = mkpkt(T0, IPPROTO_TCP, CLI, 40001, SRV, 443, PKT_TCP_SYN, 1, 0, 60);
	feed(ft, &p, NULL, NULL);
	p = mkpkt(T0, IPPROTO_TCP, CLI, 40002, SRV, 443, PKT_TCP_SYN, 1, 0, 60);
	feed(ft, &p, NULL, NULL);
	p = mkpkt(T0, IPPROTO_TCP, SRV, 443, CLI, 40002,
	    PKT_TCP_SYN | PKT_TCP_ACK, 9, 2, 60);
	feed(ft, &p, NULL, NULL);
	p = mkpkt(T0, IPPROTO_TCP, CLI, 40003, SRV, 443, PKT_TCP_ACK, 1, 1, 52);
	feed(ft, &p, NULL, NULL);
	p = mkpkt(T0, IPPROTO_UDP, CLI, 40004, SRV, 53, 0, 0, 0, 70);
	feed(ft, &p, NULL, NULL);
	assert_int_equal(flow_table_stats(ft)->active, 4);

	flow_table_expire(ft, T0 + FLOW_TIMEOUT_TCP_SYN * SEC);
	assert_int_equal(rec.n, 0);
	flow_table_expire(ft, T0 + FLOW_TIMEOUT_TCP_SYN * SEC + 1);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.ev[0].why, FLOW_END_IDLE);
	assert_int_equal(rec.ev[0].f.port[0], 40001);
	assert_int_equal(rec.ev[0].now_us, T0 + FLOW_TIMEOUT_TCP_SYN * SEC + 1);

	flow_table_expire(ft, T0 + FLOW_TIMEOUT_UDP_DEFAULT * SEC);
	assert_int_equal(rec.n, 1);
	flow_table_expire(ft, T0 + FLOW_TIMEOUT_UDP_DEFAULT * SEC + 1);
	assert_int_equal(rec.n, 2);
	assert_int_equal(rec.ev[1].f.port[0], 40004);

	flow_table_expire(ft, T0 + FLOW_TIMEOUT_TCP_DEFAULT * SEC);
	assert_int_equal(rec.n, 2);
	flow_table_expire(ft, T0 + FLOW_TIMEOUT_TCP_DEFAULT * SEC + 1);
	assert_int_equal(rec.n, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(rec.ev[i].why, FLOW_END_IDLE);
	assert_int_equal(flow_table_stats(ft)->ended[FLOW_END_IDLE], 4);
	assert_int_equal(flow_table_stats(ft)->active, 0);

	/* The clock never goes backwards. */
	flow_table_expire(ft, T0);
	assert_int_equal(flow_table_clock(ft),
	    T0 + FLOW_TIMEOUT_TCP_DEFAULT * SEC + 1);
	flow_table_destroy(ft);
}

/* A flow touched late is not expired with its list's head. */
static void
test_idle_expiry_touch(void **state)
{
	struct recorder rec;
	struct flow_table *ft = table_new(16, &rec);
	struct packet a, b;

	(void)state;
	a = mkpkt(T0, IPPROTO_UDP, CLI, 50001, SRV, 53, 0, 0, 0, 70);
	b = mkpkt(T0 + SEC, IPPROTO_UDP, CLI, 50002, SRV, 53, 0, 0, 0, 70);
	feed(ft, &a, NULL, NULL);
	feed(ft, &b, NULL, NULL);
	a.ts_us = T0 + 100 * SEC;		/* a is now the newer one */
	feed(ft, &a, NULL, NULL);
	flow_table_expire(ft, T0 + (1 + FLOW_TIMEOUT_UDP_DEFAULT) * SEC + 1);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.ev[0].f.port[0], 50002);
	flow_table_expire(ft, T0 + (100 + FLOW_TIMEOUT_UDP_DEFAULT) * SEC + 1);
	assert_int_equal(rec.n, 2);
	assert_int_equal(rec.ev[1].f.port[0], 50001);
	assert_int_equal(rec.ev[1].f.pkts[0], 2);
	flow_table_destroy(ft);
}

/* Trailing packets keep a closed flow lingering from their own time. */
static void
test_closed_linger_touch(void **state)
{
	struct recorder rec;
	struct flow_table *ft = table_new(16, &rec);
	struct packet p;

	(void)state;
	/* two flows reset at T0 and T0 + 1 s */
	p = mkpkt(T0, IPPROTO_TCP, CLI, 3001, SRV, 443, PKT_TCP_RST, 1, 0, 40);
	feed(ft, &p, NULL, NULL);
	p = mkpkt(T0 + SEC, IPPROTO_TCP, CLI, 3002, SRV, 443, PKT_TCP_RST, 1, 0,
	    40);
	feed(ft, &p, NULL, NULL);
	assert_int_equal(rec.n, 2);
	/* a trailing packet on the first at T0 + 3 s */
	p = mkpkt(T0 + 3 * SEC, IPPROTO_TCP, SRV, 443, CLI, 3001, PKT_TCP_ACK,
	    1, 1, 40);
	feed(ft, &p, NULL, NULL);
	assert_int_equal(flow_table_stats(ft)->active, 2);
	/* the second goes first, the first when its own time comes */
	flow_table_expire(ft, T0 + (1 + FLOW_TIMEOUT_CLOSED) * SEC + 1);
	assert_int_equal(flow_table_stats(ft)->active, 1);
	flow_table_expire(ft, T0 + (3 + FLOW_TIMEOUT_CLOSED) * SEC);
	assert_int_equal(flow_table_stats(ft)->active, 1);
	flow_table_expire(ft, T0 + (3 + FLOW_TIMEOUT_CLOSED) * SEC + 1);
	assert_int_equal(flow_table_stats(ft)->active, 0);
	assert_int_equal(rec.n, 2);
	flow_table_destroy(ft);
}

/* A SYN answered by something other than a SYN-ACK (the SYN-ACK was
 * missed) is established: it leaves the 30-second handshake list. */
static void
test_syn_answered_without_synack(void **state)
{
	struct recorder rec;
	struct flow_table *ft = table_new(16, &rec);
	struct flow *f;
	struct packet p;

	(void)state;
	p = trace_pkt(0);
	f = feed(ft, &p, NULL, NULL);
	assert_int_equal(f->tcp_state, FLOW_TCP_SYN);
	p = trace_pkt(4);			/* frame 7, the server's ACK */
	f = feed(ft, &p, NULL, NULL);
	assert_int_equal(f->tcp_state, FLOW_TCP_EST);
	flow_table_expire(ft, T0 + (FLOW_TIMEOUT_TCP_SYN + 10) * SEC);
	assert_int_equal(rec.n, 0);
	flow_table_expire(ft, T0 + (FLOW_TIMEOUT_TCP_DEFAULT + 1) * SEC);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.ev[0].why, FLOW_END_IDLE);
	flow_table_destroy(ft);
}

static void
test_eviction_when_full(void **state)
{
	struct recorder rec;
	struct flow_table *ft = table_new(4, &rec);
	struct packet p;
	int i, created;

	(void)state;
	/* four flows on three lists, last active at T0+1..T0+4 s */
	p = mkpkt(T0 + 1 * SEC, IPPROTO_UDP, CLI, 1001, SRV, 53, 0, 0, 0, 70);
	feed(ft, &p, NULL, NULL);
	p = mkpkt(T0 + 2 * SEC, IPPROTO_TCP, CLI, 1002, SRV, 443, PKT_TCP_SYN,
	    1, 0, 60);
	feed(ft, &p, NULL, NULL);
	p = mkpkt(T0 + 3 * SEC, IPPROTO_TCP, CLI, 1003, SRV, 443, PKT_TCP_ACK,
	    1, 1, 52);
	feed(ft, &p, NULL, NULL);
	p = mkpkt(T0 + 4 * SEC, IPPROTO_UDP, CLI, 1004, SRV, 53, 0, 0, 0, 70);
	feed(ft, &p, NULL, NULL);
	/* touch the first: the SYN flow is now the least recently active */
	p = mkpkt(T0 + 5 * SEC, IPPROTO_UDP, CLI, 1001, SRV, 53, 0, 0, 0, 70);
	feed(ft, &p, NULL, &created);
	assert_int_equal(created, 0);
	assert_int_equal(rec.n, 0);

	p = mkpkt(T0 + 6 * SEC, IPPROTO_UDP, CLI, 1005, SRV, 53, 0, 0, 0, 70);
	feed(ft, &p, NULL, &created);
	assert_int_equal(created, 1);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.ev[0].why, FLOW_END_EVICTED);
	assert_int_equal(rec.ev[0].f.port[0], 1002);
	p = mkpkt(T0 + 7 * SEC, IPPROTO_UDP, CLI, 1006, SRV, 53, 0, 0, 0, 70);
	feed(ft, &p, NULL, NULL);
	assert_int_equal(rec.n, 2);
	assert_int_equal(rec.ev[1].f.port[0], 1003);
	p = mkpkt(T0 + 8 * SEC, IPPROTO_UDP, CLI, 1007, SRV, 53, 0, 0, 0, 70);
	feed(ft, &p, NULL, NULL);
	assert_int_equal(rec.ev[2].f.port[0], 1004);

	assert_int_equal(flow_table_stats(ft)->ended[FLOW_END_EVICTED], 3);
	assert_int_equal(flow_table_stats(ft)->created, 7);
	assert_int_equal(flow_table_stats(ft)->active, 4);
	assert_int_equal(flow_table_stats(ft)->peak, 4);
	/* the evicted flows are gone: their next packet starts a new one */
	p = mkpkt(T0 + 9 * SEC, IPPROTO_TCP, CLI, 1002, SRV, 443, PKT_TCP_SYN,
	    1, 0, 60);
	feed(ft, &p, NULL, &created);
	assert_int_equal(created, 1);
	for (i = 0; i < rec.n; i++)
		assert_int_equal(rec.ev[i].why, FLOW_END_EVICTED);
	flow_table_destroy(ft);
}

/* A full table with a closed, lingering flow drops that one first, and
 * does not report it again. */
static void
test_eviction_prefers_closed(void **state)
{
	struct recorder rec;
	struct flow_table *ft = table_new(2, &rec);
	struct packet p;

	(void)state;
	p = mkpkt(T0, IPPROTO_UDP, CLI, 1001, SRV, 53, 0, 0, 0, 70);
	feed(ft, &p, NULL, NULL);
	p = mkpkt(T0 + SEC, IPPROTO_TCP, CLI, 1002, SRV, 443, PKT_TCP_SYN, 1,
	    0, 60);
	feed(ft, &p, NULL, NULL);
	p = mkpkt(T0 + SEC + 1, IPPROTO_TCP, SRV, 443, CLI, 1002, PKT_TCP_RST |
	    PKT_TCP_ACK, 0, 2, 40);
	feed(ft, &p, NULL, NULL);
	assert_int_equal(rec.n, 1);
	p = mkpkt(T0 + 2 * SEC, IPPROTO_UDP, CLI, 1003, SRV, 53, 0, 0, 0, 70);
	feed(ft, &p, NULL, NULL);
	assert_int_equal(rec.n, 1);		/* the RST flow went silently */
	assert_int_equal(flow_table_stats(ft)->active, 2);
	flow_table_flush(ft);
	assert_int_equal(rec.n, 3);
	assert_int_equal(rec.ev[1].f.port[0], 1001);
	assert_int_equal(rec.ev[2].f.port[0], 1003);
	flow_table_destroy(ft);
}

static void
test_flush_order(void **state)
{
	static const uint16_t order[] = { 2001, 2005, 2003, 2002, 2004 };
	struct recorder rec;
	struct flow_table *ft = table_new(16, &rec);
	struct packet p;
	int i;

	(void)state;
	/* last activity: 2001 at 1 s, 2002 at 9 s, 2003 at 5 s, 2004 at 10 s,
	 * 2005 at 3 s; on the SYN, TCP and UDP lists */
	p = mkpkt(T0 + 1 * SEC, IPPROTO_UDP, CLI, 2001, SRV, 53, 0, 0, 0, 70);
	feed(ft, &p, NULL, NULL);
	p = mkpkt(T0 + 2 * SEC, IPPROTO_TCP, CLI, 2002, SRV, 443, PKT_TCP_SYN,
	    1, 0, 60);
	feed(ft, &p, NULL, NULL);
	p = mkpkt(T0 + 3 * SEC, IPPROTO_TCP, CLI, 2005, SRV, 443, PKT_TCP_SYN,
	    1, 0, 60);
	feed(ft, &p, NULL, NULL);
	p = mkpkt(T0 + 5 * SEC, IPPROTO_TCP, CLI, 2003, SRV, 443, PKT_TCP_ACK,
	    1, 1, 52);
	feed(ft, &p, NULL, NULL);
	p = mkpkt(T0 + 9 * SEC, IPPROTO_TCP, SRV, 443, CLI, 2002,
	    PKT_TCP_SYN | PKT_TCP_ACK, 1, 2, 60);
	feed(ft, &p, NULL, NULL);
	p = mkpkt(T0 + 10 * SEC, IPPROTO_UDP, CLI, 2004, SRV, 53, 0, 0, 0, 70);
	feed(ft, &p, NULL, NULL);

	flow_table_flush(ft);
	assert_int_equal(rec.n, 5);
	for (i = 0; i < 5; i++) {
		assert_int_equal(rec.ev[i].why, FLOW_END_SHUTDOWN);
		assert_int_equal(rec.ev[i].f.port[0], order[i]);
	}
	assert_int_equal(flow_table_stats(ft)->ended[FLOW_END_SHUTDOWN], 5);
	assert_int_equal(flow_table_stats(ft)->active, 0);
	/* the table works again after a flush */
	p = mkpkt(T0 + 11 * SEC, IPPROTO_UDP, CLI, 2001, SRV, 53, 0, 0, 0, 70);
	feed(ft, &p, NULL, NULL);
	assert_int_equal(flow_table_stats(ft)->active, 1);
	flow_table_destroy(ft);
}

static void
test_cbase(void **state)
{
	struct recorder rec;
	struct flow_table *ft = table_new(16, &rec);
	struct flow *f;
	struct packet p;

	(void)state;
	/* after a SYN: ISN + 1, kept through the handshake and data */
	p = tcp_c2s(T0, PKT_TCP_SYN, 0xfffffffeu, 0, 60);
	f = feed(ft, &p, NULL, NULL);
	assert_int_equal(f->cbase, 0xffffffffu);
	p = tcp_s2c(T0 + 1, PKT_TCP_SYN | PKT_TCP_ACK, 77, 0xffffffffu, 60);
	f = feed(ft, &p, NULL, NULL);
	p = tcp_c2s(T0 + 2, PKT_TCP_ACK | PKT_TCP_PSH, 0xffffffffu, 78, 569);
	f = feed(ft, &p, NULL, NULL);
	assert_int_equal(f->cbase, 0xffffffffu);
	/* a retransmitted SYN-ACK with another acknowledgement does not move
	 * it */
	p = tcp_s2c(T0 + 3, PKT_TCP_SYN | PKT_TCP_ACK, 77, 5, 60);
	f = feed(ft, &p, NULL, NULL);
	assert_int_equal(f->cbase, 0xffffffffu);
	/* a client SYN wrapping to 0 */
	p = mkpkt(T0, IPPROTO_TCP, CLI, 40000, SRV, 443, PKT_TCP_SYN,
	    0xffffffffu, 0, 60);
	f = feed(ft, &p, NULL, NULL);
	assert_int_equal(f->cbase, 0);
	assert_true(f->flags & FLOW_F_CBASE);
	flow_table_destroy(ft);
}

static void
test_keys_vlan_family(void **state)
{
	struct recorder rec;
	struct flow_table *ft = table_new(16, &rec);
	struct flow *a, *b, *c;
	struct packet p;
	int created;

	(void)state;
	p = mkpkt(T0, IPPROTO_UDP, CLI, 5353, SRV, 53, 0, 0, 0, 70);
	a = feed(ft, &p, NULL, NULL);
	p.vlan = 100;
	b = feed(ft, &p, NULL, &created);
	assert_int_equal(created, 1);
	assert_ptr_not_equal(a, b);
	assert_int_equal(b->vlan, 100);
	p.vlan = 0;
	p.proto = IPPROTO_TCP;
	c = feed(ft, &p, NULL, &created);
	assert_int_equal(created, 1);
	assert_ptr_not_equal(a, c);
	/* IPv6 */
	p = mkpkt(T0, IPPROTO_TCP, "fd99::2", 56144, "fd99::1", 443,
	    PKT_TCP_SYN, 2112826168u, 0, 80);
	a = feed(ft, &p, NULL, &created);
	assert_int_equal(created, 1);
	assert_int_equal(a->family, 6);
	p = mkpkt(T0 + 1, IPPROTO_TCP, "fd99::1", 443, "fd99::2", 56144,
	    PKT_TCP_SYN | PKT_TCP_ACK, 266251019u, 2112826169u, 80);
	b = feed(ft, &p, NULL, &created);
	assert_int_equal(created, 0);
	assert_ptr_equal(a, b);
	expect_client(a, "fd99::2", 56144, "fd99::1", 443);
	assert_int_equal(flow_table_stats(ft)->created, 4);
	flow_table_destroy(ft);
}

/* Many flows through a small table: every created flow is reported
 * exactly once (by eviction, idle or flush). */
static void
test_each_flow_reported_once(void **state)
{
	struct recorder rec;
	struct flow_table *ft = table_new(8, &rec);
	const struct flow_stats *st;
	struct packet p;
	uint64_t ended = 0;
	int i, reports = 0;

	(void)state;
	for (i = 0; i < 200; i++) {
		p = mkpkt(T0 + (uint64_t)i * SEC / 4, i % 3 ? IPPROTO_UDP :
		    IPPROTO_TCP, CLI, (uint16_t)(30000 + i % 37), SRV,
		    (uint16_t)(i % 2 ? 53 : 443), i % 3 ? 0 : PKT_TCP_SYN,
		    (uint32_t)i, 0, 60);
		feed(ft, &p, NULL, NULL);
		reports += rec.n;
		rec.n = 0;
	}
	flow_table_flush(ft);
	reports += rec.n;
	st = flow_table_stats(ft);
	for (i = 0; i < FLOW_END_MAX; i++)
		ended += st->ended[i];
	assert_int_equal(ended, st->created);
	assert_int_equal(reports, st->created);
	assert_int_equal(st->active, 0);
	assert_true(st->peak <= 8);
	flow_table_destroy(ft);
}

static void
test_create_limits_and_names(void **state)
{
	struct flow_conf fc;
	int i;

	(void)state;
	memset(&fc, 0, sizeof(fc));
	assert_null(flow_table_create(&fc, &test_key, record_end, NULL));
	flow_table_destroy(NULL);
	for (i = 0; i < FLOW_END_MAX; i++)
		assert_string_not_equal(flow_end_name((enum flow_end)i),
		    "unknown");
	assert_string_equal(flow_end_name(FLOW_END_MAX), "unknown");
	assert_string_equal(flow_end_name(FLOW_END_FIN), "fin");
	assert_true(flow_table_bytes_per_flow() >= sizeof(struct flow));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_connection),
		cmocka_unit_test(test_synack_first),
		cmocka_unit_test(test_midstream_client_first),
		cmocka_unit_test(test_midstream_server_first),
		cmocka_unit_test(test_service_port_heuristic),
		cmocka_unit_test(test_rst_reported_once),
		cmocka_unit_test(test_port_reuse),
		cmocka_unit_test(test_idle_expiry_per_list),
		cmocka_unit_test(test_idle_expiry_touch),
		cmocka_unit_test(test_closed_linger_touch),
		cmocka_unit_test(test_syn_answered_without_synack),
		cmocka_unit_test(test_eviction_when_full),
		cmocka_unit_test(test_eviction_prefers_closed),
		cmocka_unit_test(test_flush_order),
		cmocka_unit_test(test_cbase),
		cmocka_unit_test(test_keys_vlan_family),
		cmocka_unit_test(test_each_flow_reported_once),
		cmocka_unit_test(test_create_limits_and_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
