/*
 * fuzz_sensor.c - the whole per-packet path under hostile segments.
 *
 * The input is a little script of segments on one connection whose
 * service is chosen by the first byte: DNS over TCP (53), DNS over UDP,
 * QUIC (UDP 443), TLS (TCP 443), HTTP (TCP 80) or an HTTP proxy (TCP 3128,
 * CONNECT then a tunnel).  Each segment record is
 *
 *     flags(1) seq_delta(2) len(2) payload(len)
 *
 * flags bit 0: from the server; bit 1: SYN; bit 2: FIN; bit 3: RST; the
 * sequence number of each direction moves by seq_delta (signed) plus the
 * previous payload, so the fuzzer can reorder, overlap, repeat and skip
 * bytes.  The harness builds the IPv4 and TCP/UDP headers itself, so every
 * input reaches the reassembly, DNS message assembly, QUIC Initial, HTTP
 * and TLS code instead of dying in the decoder.  One sensor serves every
 * input (nDPI takes milliseconds to start); each input ends with a flush.
 */
#include "config.h"

#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "cursor.h"
#include "sensor.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct sensor	*fuzz_sensor;
static uint64_t		 fuzz_clock = 1700000000ULL * 1000000;

static const struct {
	uint8_t		proto;
	uint16_t	port;
} fuzz_services[] = {
	{ IPPROTO_TCP, 53 }, { IPPROTO_UDP, 53 }, { IPPROTO_UDP, 443 },
	{ IPPROTO_TCP, 443 }, { IPPROTO_TCP, 80 }, { IPPROTO_TCP, 3128 },
};

static void
put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static void
fuzz_segment(uint8_t proto, uint16_t port, int from_server, uint8_t flags,
    uint32_t seq, uint32_t ack, const uint8_t *data, size_t len)
{
	static uint8_t frame[20 + 20 + 65535];
	size_t l4 = proto == IPPROTO_TCP ? 20 : 8, total = 20 + l4 + len;
	uint8_t cli[4] = { 10, 0, 0, 2 }, srv[4] = { 10, 0, 0, 1 };

	memset(frame, 0, 20 + l4);
	frame[0] = 0x45;
	put16(frame + 2, (uint32_t)total);
	frame[8] = 64;
	frame[9] = proto;
	memcpy(frame + 12, from_server ? srv : cli, 4);
	memcpy(frame + 16, from_server ? cli : srv, 4);
	put16(frame + 20, from_server ? port : 40000);
	put16(frame + 22, from_server ? 40000 : port);
	if (proto == IPPROTO_TCP) {
		put32(frame + 24, seq);
		put32(frame + 28, ack);
		frame[32] = 0x50;
		frame[33] = (uint8_t)(0x10 | ((flags & 2) ? 0x02 : 0) |
		    ((flags & 4) ? 0x01 : 0) | ((flags & 8) ? 0x04 : 0));
		if ((flags & 2) && !from_server)
			frame[33] &= (uint8_t)~0x10;	/* a client SYN */
	} else {
		put16(frame + 24, (uint32_t)(8 + len));
	}
	if (len > 0)
		memcpy(frame + 20 + l4, data, len);
	fuzz_clock += 1000;
	sensor_frame(fuzz_sensor, DLT_RAW, fuzz_clock, frame, total, total);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cur c;
	uint32_t seq[2] = { 1000, 900000 };
	uint8_t proto;
	uint16_t port;
	unsigned svc;

	if (fuzz_sensor == NULL) {
		struct sensor_conf sc;
		char err[256];

		sensor_conf_defaults(&sc);
		sc.flow.max_flows = 64;
		sc.reasm_bufs = 8;
		sc.ndpi_pool = 8;
		sc.dns_entries = 64;
		sc.strings = 256;
		sc.pairs = 64;
		output_conf_add(&sc.out, OUTPUT_ALERTS, "/dev/null");
		output_conf_add(&sc.out, OUTPUT_CONNECTIONS, "/dev/null");
		sc.observer_name = "fuzz";
		if ((fuzz_sensor = sensor_create(&sc, err, sizeof(err))) == NULL)
			abort();
	}
	cur_init(&c, data, size);
	svc = cur_u8(&c) % (sizeof(fuzz_services) / sizeof(fuzz_services[0]));
	proto = fuzz_services[svc].proto;
	port = fuzz_services[svc].port;
	while (cur_left(&c) >= 5) {
		uint8_t flags = cur_u8(&c);
		int16_t delta = (int16_t)cur_u16(&c);
		uint16_t len = cur_u16(&c);
		const uint8_t *p;
		int dir = flags & 1;

		if (len > cur_left(&c))
			len = (uint16_t)cur_left(&c);
		p = cur_take(&c, len);
		seq[dir] += (uint32_t)(int32_t)delta;
		fuzz_segment(proto, port, dir, flags, seq[dir], seq[!dir], p,
		    len);
		seq[dir] += len;
	}
	fuzz_clock += 10ULL * 60 * 1000000;	/* every flow idles out */
	sensor_finish(fuzz_sensor);
	return 0;
}
