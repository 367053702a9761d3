/*
 * test_proto_dns.c - DNS messages: real answers copied from captures, every
 * truncation of them, hostile names and sections, the CNAME walk, and
 * DNS-over-TCP framing.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "proto_dns.h"

/* ---- real messages (UDP payloads unless said otherwise) ----------------- */

/*
 * lab/dig__api.example.com.pcap frame 2: dnsmasq's answer, api.example.com
 * CNAME edge.example.net A 10.99.0.1, OPT (90 bytes)
 */
static const uint8_t dig_cname[] = {
	0x26, 0xa9, 0x85, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01,
	0x03, 0x61, 0x70, 0x69, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,
	0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00,
	0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x12, 0x04, 0x65, 0x64,
	0x67, 0x65, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x6e,
	0x65, 0x74, 0x00, 0xc0, 0x2d, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x3c, 0x00, 0x04, 0x0a, 0x63, 0x00, 0x01, 0x00, 0x00, 0x29, 0x04, 0xd0,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/*
 * crafted/dns_synth.pcap frame 2: a 4-deep CNAME chain to 3 A records,
 * pointers past offset 255 (398 bytes)
 */
static const uint8_t synth_chain[] = {
	0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00,
	0x05, 0x6c, 0x6f, 0x67, 0x69, 0x6e, 0x0c, 0x65, 0x78, 0x61, 0x6d, 0x70,
	0x6c, 0x65, 0x2d, 0x63, 0x6f, 0x72, 0x70, 0x0d, 0x61, 0x7a, 0x75, 0x72,
	0x65, 0x77, 0x65, 0x62, 0x73, 0x69, 0x74, 0x65, 0x73, 0x03, 0x6e, 0x65,
	0x74, 0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01,
	0x00, 0x00, 0x01, 0x2c, 0x00, 0x31, 0x11, 0x77, 0x61, 0x77, 0x73, 0x2d,
	0x70, 0x72, 0x6f, 0x64, 0x2d, 0x61, 0x6d, 0x32, 0x2d, 0x31, 0x32, 0x33,
	0x03, 0x73, 0x69, 0x70, 0x0d, 0x61, 0x7a, 0x75, 0x72, 0x65, 0x77, 0x65,
	0x62, 0x73, 0x69, 0x74, 0x65, 0x73, 0x07, 0x77, 0x69, 0x6e, 0x64, 0x6f,
	0x77, 0x73, 0x03, 0x6e, 0x65, 0x74, 0x00, 0xc0, 0x42, 0x00, 0x05, 0x00,
	0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x36, 0x16, 0x77, 0x61, 0x77, 0x73,
	0x2d, 0x70, 0x72, 0x6f, 0x64, 0x2d, 0x61, 0x6d, 0x32, 0x2d, 0x31, 0x32,
	0x33, 0x2d, 0x34, 0x66, 0x32, 0x61, 0x0a, 0x77, 0x65, 0x73, 0x74, 0x65,
	0x75, 0x72, 0x6f, 0x70, 0x65, 0x08, 0x63, 0x6c, 0x6f, 0x75, 0x64, 0x61,
	0x70, 0x70, 0x05, 0x61, 0x7a, 0x75, 0x72, 0x65, 0x03, 0x63, 0x6f, 0x6d,
	0x00, 0xc0, 0x7f, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00,
	0x54, 0x2e, 0x61, 0x2d, 0x76, 0x65, 0x72, 0x79, 0x2d, 0x6c, 0x6f, 0x6e,
	0x67, 0x2d, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x6d, 0x65, 0x64, 0x69, 0x61,
	0x74, 0x65, 0x2d, 0x65, 0x64, 0x67, 0x65, 0x2d, 0x6e, 0x61, 0x6d, 0x65,
	0x2d, 0x66, 0x6f, 0x72, 0x2d, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67,
	0x08, 0x65, 0x64, 0x67, 0x65, 0x2d, 0x63, 0x64, 0x6e, 0x0e, 0x74, 0x72,
	0x61, 0x66, 0x66, 0x69, 0x63, 0x6d, 0x61, 0x6e, 0x61, 0x67, 0x65, 0x72,
	0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x6e, 0x65, 0x74,
	0x00, 0xc0, 0xc1, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00,
	0x3d, 0x1d, 0x66, 0x69, 0x6e, 0x61, 0x6c, 0x2d, 0x74, 0x61, 0x72, 0x67,
	0x65, 0x74, 0x2d, 0x61, 0x66, 0x74, 0x65, 0x72, 0x2d, 0x6c, 0x6f, 0x6e,
	0x67, 0x2d, 0x63, 0x68, 0x61, 0x69, 0x6e, 0x11, 0x65, 0x64, 0x67, 0x65,
	0x73, 0x75, 0x69, 0x74, 0x65, 0x2d, 0x73, 0x74, 0x61, 0x67, 0x69, 0x6e,
	0x67, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x6f, 0x72,
	0x67, 0x00, 0xc1, 0x21, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c,
	0x00, 0x04, 0x14, 0x69, 0xe8, 0x01, 0xc1, 0x21, 0x00, 0x01, 0x00, 0x01,
	0x00, 0x00, 0x01, 0x2c, 0x00, 0x04, 0x14, 0x69, 0xe8, 0x02, 0xc1, 0x21,
	0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x04, 0x14, 0x69,
	0xe8, 0x03,
};

/*
 * crafted/dns_synth.pcap frame 4: api.example.vercel.app CNAME
 * cname.vercel-dns.com, 2 AAAA (130 bytes)
 */
static const uint8_t synth_aaaa[] = {
	0x23, 0x45, 0x81, 0x80, 0x00, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00,
	0x03, 0x61, 0x70, 0x69, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,
	0x06, 0x76, 0x65, 0x72, 0x63, 0x65, 0x6c, 0x03, 0x61, 0x70, 0x70, 0x00,
	0x00, 0x1c, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00,
	0x01, 0x2c, 0x00, 0x16, 0x05, 0x63, 0x6e, 0x61, 0x6d, 0x65, 0x0a, 0x76,
	0x65, 0x72, 0x63, 0x65, 0x6c, 0x2d, 0x64, 0x6e, 0x73, 0x03, 0x63, 0x6f,
	0x6d, 0x00, 0xc0, 0x34, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c,
	0x00, 0x10, 0x26, 0x06, 0x47, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x68, 0x10, 0x84, 0xe5, 0xc0, 0x34, 0x00, 0x1c, 0x00, 0x01,
	0x00, 0x00, 0x01, 0x2c, 0x00, 0x10, 0x26, 0x06, 0x47, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x68, 0x10, 0x85, 0xe5,
};

/*
 * crafted/dns_synth.pcap frame 6: one.example.workers.dev A 104.21.0.1
 * (1st of 3 transactions on one 5-tuple) (57 bytes)
 */
static const uint8_t synth_one[] = {
	0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x03, 0x6f, 0x6e, 0x65, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,
	0x07, 0x77, 0x6f, 0x72, 0x6b, 0x65, 0x72, 0x73, 0x03, 0x64, 0x65, 0x76,
	0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00,
	0x00, 0x01, 0x2c, 0x00, 0x04, 0x68, 0x15, 0x00, 0x01,
};

/*
 * public/zeek__ech.pcap frame 4: cloudflare-ech.com HTTPS 1 . alpn
 * ipv4hint ech ipv6hint (195 bytes)
 */
static const uint8_t ech_https[] = {
	0x17, 0xd0, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
	0x0e, 0x63, 0x6c, 0x6f, 0x75, 0x64, 0x66, 0x6c, 0x61, 0x72, 0x65, 0x2d,
	0x65, 0x63, 0x68, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x41, 0x00, 0x01,
	0xc0, 0x0c, 0x00, 0x41, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x88,
	0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x06, 0x02, 0x68, 0x33, 0x02, 0x68,
	0x32, 0x00, 0x04, 0x00, 0x08, 0x68, 0x12, 0x0a, 0x76, 0x68, 0x12, 0x0b,
	0x76, 0x00, 0x05, 0x00, 0x47, 0x00, 0x45, 0xfe, 0x0d, 0x00, 0x41, 0x74,
	0x00, 0x20, 0x00, 0x20, 0xc1, 0xe9, 0x43, 0x63, 0xcb, 0xd9, 0x32, 0xbf,
	0x8f, 0x15, 0xe9, 0xc1, 0x0e, 0x6f, 0xdf, 0x47, 0x9e, 0xb7, 0xc9, 0xba,
	0x24, 0xc6, 0x2a, 0x35, 0xbd, 0x03, 0x4e, 0x6c, 0x0f, 0x18, 0x5c, 0x29,
	0x00, 0x04, 0x00, 0x01, 0x00, 0x01, 0x00, 0x12, 0x63, 0x6c, 0x6f, 0x75,
	0x64, 0x66, 0x6c, 0x61, 0x72, 0x65, 0x2d, 0x65, 0x63, 0x68, 0x2e, 0x63,
	0x6f, 0x6d, 0x00, 0x00, 0x00, 0x06, 0x00, 0x20, 0x26, 0x06, 0x47, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x68, 0x12, 0x0a, 0x76,
	0x26, 0x06, 0x47, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x68, 0x12, 0x0b, 0x76, 0x00, 0x00, 0x29, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00,
};

/*
 * public/zeek__dns-https.pcap frame 2: cloudflare.com HTTPS 1 . alpn
 * ipv4hint ipv6hint (134 bytes)
 */
static const uint8_t https_noech[] = {
	0xf2, 0x9f, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
	0x0a, 0x63, 0x6c, 0x6f, 0x75, 0x64, 0x66, 0x6c, 0x61, 0x72, 0x65, 0x03,
	0x63, 0x6f, 0x6d, 0x00, 0x00, 0x41, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x41,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x81, 0x00, 0x4f, 0x00, 0x01, 0x00, 0x00,
	0x01, 0x00, 0x18, 0x02, 0x68, 0x33, 0x05, 0x68, 0x33, 0x2d, 0x32, 0x39,
	0x05, 0x68, 0x33, 0x2d, 0x32, 0x38, 0x05, 0x68, 0x33, 0x2d, 0x32, 0x37,
	0x02, 0x68, 0x32, 0x00, 0x04, 0x00, 0x08, 0x68, 0x10, 0x84, 0xe5, 0x68,
	0x10, 0x85, 0xe5, 0x00, 0x06, 0x00, 0x20, 0x26, 0x06, 0x47, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x68, 0x10, 0x84, 0xe5, 0x26,
	0x06, 0x47, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x68,
	0x10, 0x85, 0xe5, 0x00, 0x00, 0x29, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00,
};

/*
 * public/sv__dns_dns-forward-pointer__input.pcap frame 1: query, 2nd
 * question's name is a forward pointer (38 bytes)
 */
static const uint8_t fwd_ptr[] = {
	0x8e, 0x04, 0x01, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xc0, 0x12, 0x00, 0x01, 0x00, 0x01, 0x0a, 0x63, 0x6f, 0x64, 0x65, 0x6d,
	0x6f, 0x6e, 0x6b, 0x65, 0x79, 0x03, 0x6e, 0x65, 0x74, 0x00, 0x00, 0x01,
	0x00, 0x01,
};

/*
 * public/zeek__dns-invalid-names.pcap frame 2: query whose name is a
 * pointer to itself (18 bytes)
 */
static const uint8_t ptr_loop[] = {
	0x22, 0x23, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01,
};

/*
 * public/zeek__max-compression-depth.pcap frame 1: 7 A records for "a",
 * owners chained through pointers (132 bytes)
 */
static const uint8_t deep_ptr[] = {
	0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x61, 0x00, 0x00, 0x01, 0x00, 0x01, 0x01, 0x61, 0x00, 0x00, 0x01,
	0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x04, 0x7f, 0x00, 0x00, 0x01,
	0xc0, 0x13, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x04,
	0x7f, 0x00, 0x00, 0x02, 0xc0, 0x24, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
	0x01, 0x2c, 0x00, 0x04, 0x7f, 0x00, 0x00, 0x03, 0xc0, 0x34, 0x00, 0x01,
	0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x04, 0x7f, 0x00, 0x00, 0x04,
	0xc0, 0x44, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x04,
	0x7f, 0x00, 0x00, 0x05, 0xc0, 0x54, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
	0x01, 0x2c, 0x00, 0x04, 0x7f, 0x00, 0x00, 0x06, 0xc0, 0x64, 0x00, 0x01,
	0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x04, 0x7f, 0x00, 0x00, 0x07,
};

/*
 * sv__dns_dns-tcp-multirequest-buffer: frame 4, 20 queries
 * (0..19.google.com) in one TCP segment (650 bytes)
 */
static const uint8_t tcp_multi[] = {
	0x00, 0x1e, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x30, 0x06, 0x67, 0x6f, 0x6f, 0x67, 0x6c, 0x65, 0x03,
	0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x1e, 0x00, 0x01,
	0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x31,
	0x06, 0x67, 0x6f, 0x6f, 0x67, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00,
	0x00, 0x01, 0x00, 0x01, 0x00, 0x1e, 0x00, 0x02, 0x01, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x32, 0x06, 0x67, 0x6f, 0x6f,
	0x67, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01,
	0x00, 0x1e, 0x00, 0x03, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x33, 0x06, 0x67, 0x6f, 0x6f, 0x67, 0x6c, 0x65, 0x03,
	0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x1e, 0x00, 0x04,
	0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x34,
	0x06, 0x67, 0x6f, 0x6f, 0x67, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00,
	0x00, 0x01, 0x00, 0x01, 0x00, 0x1e, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x35, 0x06, 0x67, 0x6f, 0x6f,
	0x67, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01,
	0x00, 0x1e, 0x00, 0x06, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x36, 0x06, 0x67, 0x6f, 0x6f, 0x67, 0x6c, 0x65, 0x03,
	0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x1e, 0x00, 0x07,
	0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x37,
	0x06, 0x67, 0x6f, 0x6f, 0x67, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00,
	0x00, 0x01, 0x00, 0x01, 0x00, 0x1e, 0x00, 0x08, 0x01, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x38, 0x06, 0x67, 0x6f, 0x6f,
	0x67, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01,
	0x00, 0x1e, 0x00, 0x09, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x39, 0x06, 0x67, 0x6f, 0x6f, 0x67, 0x6c, 0x65, 0x03,
	0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x1f, 0x00, 0x0a,
	0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x31,
	0x30, 0x06, 0x67, 0x6f, 0x6f, 0x67, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d,
	0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x1f, 0x00, 0x0b, 0x01, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x31, 0x31, 0x06, 0x67,
	0x6f, 0x6f, 0x67, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01,
	0x00, 0x01, 0x00, 0x1f, 0x00, 0x0c, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x02, 0x31, 0x32, 0x06, 0x67, 0x6f, 0x6f, 0x67,
	0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00,
	0x1f, 0x00, 0x0d, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x02, 0x31, 0x33, 0x06, 0x67, 0x6f, 0x6f, 0x67, 0x6c, 0x65, 0x03,
	0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x1f, 0x00, 0x0e,
	0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x31,
	0x34, 0x06, 0x67, 0x6f, 0x6f, 0x67, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d,
	0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x1f, 0x00, 0x0f, 0x01, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x31, 0x35, 0x06, 0x67,
	0x6f, 0x6f, 0x67, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01,
	0x00, 0x01, 0x00, 0x1f, 0x00, 0x10, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x02, 0x31, 0x36, 0x06, 0x67, 0x6f, 0x6f, 0x67,
	0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00,
	0x1f, 0x00, 0x11, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x02, 0x31, 0x37, 0x06, 0x67, 0x6f, 0x6f, 0x67, 0x6c, 0x65, 0x03,
	0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x1f, 0x00, 0x12,
	0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x31,
	0x38, 0x06, 0x67, 0x6f, 0x6f, 0x67, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d,
	0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x1f, 0x00, 0x13, 0x01, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x31, 0x39, 0x06, 0x67,
	0x6f, 0x6f, 0x67, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01,
	0x00, 0x01,
};

/*
 * sv__dns_dns-tcp-www-google-com__dns.pcap frame 6: TCP response,
 * www.google.com 12 A (237 bytes)
 */
static const uint8_t tcp_google[] = {
	0x00, 0xeb, 0x5f, 0x78, 0x81, 0x80, 0x00, 0x01, 0x00, 0x0c, 0x00, 0x00,
	0x00, 0x01, 0x03, 0x77, 0x77, 0x77, 0x06, 0x67, 0x6f, 0x6f, 0x67, 0x6c,
	0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c,
	0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x04, 0xd8, 0xc5,
	0xf2, 0xf4, 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08,
	0x00, 0x04, 0xd8, 0xc5, 0xf2, 0xe0, 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x08, 0x00, 0x04, 0xd8, 0xc5, 0xf2, 0xee, 0xc0, 0x0c,
	0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x04, 0xd8, 0xc5,
	0xf2, 0xd2, 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08,
	0x00, 0x04, 0xd8, 0xc5, 0xf2, 0xe6, 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x08, 0x00, 0x04, 0xd8, 0xc5, 0xf2, 0xdf, 0xc0, 0x0c,
	0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x04, 0xd8, 0xc5,
	0xf2, 0xf5, 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08,
	0x00, 0x04, 0xd8, 0xc5, 0xf2, 0xe7, 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x08, 0x00, 0x04, 0xd8, 0xc5, 0xf2, 0xfb, 0xc0, 0x0c,
	0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x04, 0xd8, 0xc5,
	0xf2, 0xed, 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08,
	0x00, 0x04, 0xd8, 0xc5, 0xf2, 0xd9, 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x08, 0x00, 0x04, 0xd8, 0xc5, 0xf2, 0xd8, 0x00, 0x00,
	0x29, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* ---- helpers ------------------------------------------------------------ */

/* The message struct is large: one, static, for every test. */
static struct dns_msg	msg;

struct walk {
	size_t		n;
	char		qname[DNS_NAME_BUF];
	char		owner[80][DNS_NAME_BUF];
	char		addr[80][INET6_ADDRSTRLEN];
	uint32_t	ttl[80];
};

static struct walk	walk;

static void
walk_cb(void *arg, const char *qname, const char *owner, int family,
    const uint8_t *addr, uint32_t ttl)
{
	struct walk *w = arg;

	assert_true(family == 4 || family == 6);
	assert_true(w->n < 80);
	snprintf(w->qname, sizeof(w->qname), "%s", qname);
	snprintf(w->owner[w->n], sizeof(w->owner[0]), "%s", owner);
	assert_non_null(inet_ntop(family == 4 ? AF_INET : AF_INET6, addr,
	    w->addr[w->n], sizeof(w->addr[0])));
	w->ttl[w->n] = ttl;
	w->n++;
}

static size_t
walk_run(const struct dns_msg *m)
{
	size_t n;

	memset(&walk, 0, sizeof(walk));
	n = dns_for_each_address(m, walk_cb, &walk);
	assert_int_equal(n, walk.n);
	return n;
}

static void
assert_addr(const struct dns_rr *rr, int family, const char *want)
{
	char buf[INET6_ADDRSTRLEN];

	assert_non_null(inet_ntop(family == 4 ? AF_INET : AF_INET6, rr->addr,
	    buf, sizeof(buf)));
	assert_string_equal(buf, want);
}

/* Builds hostile messages. */
struct mb {
	uint8_t		b[65536];
	size_t		n;
};

static struct mb	mb;

static void
mb_u8(uint8_t v)
{
	assert_true(mb.n < sizeof(mb.b));
	mb.b[mb.n++] = v;
}

static void
mb_u16(uint16_t v)
{
	mb_u8((uint8_t)(v >> 8));
	mb_u8((uint8_t)v);
}

static void
mb_u32(uint32_t v)
{
	mb_u16((uint16_t)(v >> 16));
	mb_u16((uint16_t)v);
}

static void
mb_raw(const void *p, size_t n)
{
	assert_true(n <= sizeof(mb.b) - mb.n);
	memcpy(mb.b + mb.n, p, n);
	mb.n += n;
}

static void
mb_header(uint16_t flags, uint16_t qd, uint16_t an)
{
	mb.n = 0;
	mb_u16(0xbeef);
	mb_u16(flags);
	mb_u16(qd);
	mb_u16(an);
	mb_u16(0);
	mb_u16(0);
}

static void
mb_set_ancount(uint16_t an)
{
	mb.b[6] = (uint8_t)(an >> 8);
	mb.b[7] = (uint8_t)an;
}

/* Writes a dotted name uncompressed (no escapes); returns its offset. */
static size_t
mb_name(const char *dotted)
{
	size_t off = mb.n;
	const char *p = dotted, *dot;
	size_t n;

	while (*p != '\0') {
		dot = strchr(p, '.');
		n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		mb_u8((uint8_t)n);
		mb_raw(p, n);
		p += n;
		if (*p == '.')
			p++;
	}
	mb_u8(0);
	return off;
}

static void
mb_ptr(size_t off)
{
	mb_u16((uint16_t)(0xc000 | off));
}

static void
mb_question(const char *name, uint16_t type)
{
	(void)mb_name(name);
	mb_u16(type);
	mb_u16(DNS_CLASS_IN);
}

/* Type, class IN, TTL and RDLENGTH after an owner already written. */
static void
mb_rr_tail(uint16_t type, uint32_t ttl, uint16_t rdlen)
{
	mb_u16(type);
	mb_u16(DNS_CLASS_IN);
	mb_u32(ttl);
	mb_u16(rdlen);
}

static void
mb_a(const char *owner, uint32_t ttl, uint8_t last)
{
	static const uint8_t a[3] = { 192, 0, 2 };

	(void)mb_name(owner);
	mb_rr_tail(DNS_TYPE_A, ttl, 4);
	mb_raw(a, 3);
	mb_u8(last);
}

static void
mb_cname(const char *owner, uint32_t ttl, const char *target)
{
	size_t rdlen_at;

	(void)mb_name(owner);
	mb_rr_tail(DNS_TYPE_CNAME, ttl, 0);
	rdlen_at = mb.n - 2;
	(void)mb_name(target);
	mb.b[rdlen_at] = (uint8_t)((mb.n - rdlen_at - 2) >> 8);
	mb.b[rdlen_at + 1] = (uint8_t)(mb.n - rdlen_at - 2);
}

static enum dns_status
mb_parse(void)
{
	return dns_parse_message(mb.b, mb.n, &msg);
}

/* Do two RRs say the same thing? */
static void
assert_rr_equal(const struct dns_rr *a, const struct dns_rr *b)
{
	assert_string_equal(a->owner, b->owner);
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->rclass, b->rclass);
	assert_int_equal(a->ttl, b->ttl);
	assert_memory_equal(a->addr, b->addr, sizeof(a->addr));
	assert_string_equal(a->target, b->target);
	assert_int_equal(a->svc_priority, b->svc_priority);
	assert_int_equal(a->svc_ech, b->svc_ech);
}

/* ---- real messages ------------------------------------------------------ */

static void
test_real_cname_chain(void **state)
{
	(void)state;
	assert_int_equal(dns_parse_message(dig_cname, sizeof(dig_cname), &msg),
	    DNS_OK);
	assert_int_equal(msg.id, 0x26a9);
	assert_int_equal(msg.qr, 1);
	assert_int_equal(msg.opcode, 0);
	assert_int_equal(msg.aa, 1);
	assert_int_equal(msg.rcode, 0);
	assert_int_equal(msg.arcount, 1);
	assert_string_equal(msg.qname, "api.example.com");
	assert_int_equal(msg.qtype, DNS_TYPE_A);
	assert_int_equal(msg.qclass, DNS_CLASS_IN);
	assert_int_equal(msg.an_seen, 2);
	assert_int_equal(msg.an_kept, 2);
	assert_int_equal(msg.an_skipped, 0);
	assert_int_equal(msg.names_rejected, 0);
	assert_string_equal(msg.an[0].owner, "api.example.com");
	assert_int_equal(msg.an[0].type, DNS_TYPE_CNAME);
	assert_string_equal(msg.an[0].target, "edge.example.net");
	assert_int_equal(msg.an[0].ttl, 60);
	assert_string_equal(msg.an[1].owner, "edge.example.net");
	assert_addr(&msg.an[1], 4, "10.99.0.1");

	assert_int_equal(walk_run(&msg), 1);
	assert_string_equal(walk.qname, "api.example.com");
	assert_string_equal(walk.owner[0], "edge.example.net");
	assert_string_equal(walk.addr[0], "10.99.0.1");
	assert_int_equal(walk.ttl[0], 60);
}

static void
test_real_long_chain_high_pointers(void **state)
{
	size_t i;

	(void)state;
	assert_int_equal(dns_parse_message(synth_chain, sizeof(synth_chain),
	    &msg), DNS_OK);
	assert_string_equal(msg.qname, "login.example-corp.azurewebsites.net");
	assert_int_equal(msg.an_kept, 7);
	/* owners reached through pointers to offsets 256 and 289 */
	assert_string_equal(msg.an[3].owner, "a-very-long-intermediate-edge-"
	    "name-for-testing.edge-cdn.trafficmanager.example.net");
	assert_string_equal(msg.an[3].target,
	    "final-target-after-long-chain.edgesuite-staging.example.org");
	assert_string_equal(msg.an[6].owner,
	    "final-target-after-long-chain.edgesuite-staging.example.org");
	assert_int_equal(walk_run(&msg), 3);
	for (i = 0; i < 3; i++) {
		char want[32];

		snprintf(want, sizeof(want), "20.105.232.%zu", i + 1);
		assert_string_equal(walk.addr[i], want);
		assert_string_equal(walk.owner[i], "final-target-after-long-"
		    "chain.edgesuite-staging.example.org");
		assert_int_equal(walk.ttl[i], 300);
	}
	assert_string_equal(walk.qname, "login.example-corp.azurewebsites.net");
}

static void
test_real_aaaa_and_transactions(void **state)
{
	(void)state;
	assert_int_equal(dns_parse_message(synth_aaaa, sizeof(synth_aaaa),
	    &msg), DNS_OK);
	assert_int_equal(walk_run(&msg), 2);
	assert_string_equal(walk.qname, "api.example.vercel.app");
	assert_string_equal(walk.owner[0], "cname.vercel-dns.com");
	assert_string_equal(walk.addr[0], "2606:4700::6810:84e5");
	assert_string_equal(walk.addr[1], "2606:4700::6810:85e5");

	/* the next transaction on the same 5-tuple stands alone */
	assert_int_equal(dns_parse_message(synth_one, sizeof(synth_one),
	    &msg), DNS_OK);
	assert_int_equal(walk_run(&msg), 1);
	assert_string_equal(walk.qname, "one.example.workers.dev");
	assert_string_equal(walk.addr[0], "104.21.0.1");
}

static void
test_real_https_ech(void **state)
{
	(void)state;
	assert_int_equal(dns_parse_message(ech_https, sizeof(ech_https),
	    &msg), DNS_OK);
	assert_string_equal(msg.qname, "cloudflare-ech.com");
	assert_int_equal(msg.qtype, DNS_TYPE_HTTPS);
	assert_int_equal(msg.an_kept, 1);
	assert_int_equal(msg.an[0].type, DNS_TYPE_HTTPS);
	assert_int_equal(msg.an[0].svc_priority, 1);
	assert_string_equal(msg.an[0].target, ".");
	assert_int_equal(msg.an[0].svc_ech, 1);
	assert_int_equal(msg.an[0].ttl, 300);
	assert_int_equal(walk_run(&msg), 0);

	assert_int_equal(dns_parse_message(https_noech, sizeof(https_noech),
	    &msg), DNS_OK);
	assert_string_equal(msg.qname, "cloudflare.com");
	assert_int_equal(msg.an_kept, 1);
	assert_int_equal(msg.an[0].svc_priority, 1);
	assert_int_equal(msg.an[0].svc_ech, 0);
}

static void
test_real_bad_pointers(void **state)
{
	(void)state;
	/* 1st question: a pointer forward; the 2nd is still read */
	assert_int_equal(dns_parse_message(fwd_ptr, sizeof(fwd_ptr), &msg),
	    DNS_OK);
	assert_int_equal(msg.qdcount, 2);
	assert_int_equal(msg.has_question, 1);
	assert_string_equal(msg.qname, "");
	assert_int_equal(msg.qtype, DNS_TYPE_A);
	assert_int_equal(msg.names_rejected, 1);
	assert_int_equal(walk_run(&msg), 0);

	/* a name that points at itself */
	assert_int_equal(dns_parse_message(ptr_loop, sizeof(ptr_loop), &msg),
	    DNS_OK);
	assert_string_equal(msg.qname, "");
	assert_int_equal(msg.names_rejected, 1);

	/* owners chained through several pointers */
	assert_int_equal(dns_parse_message(deep_ptr, sizeof(deep_ptr), &msg),
	    DNS_OK);
	assert_int_equal(msg.names_rejected, 0);
	assert_int_equal(msg.an_kept, 7);
	assert_int_equal(walk_run(&msg), 7);
	assert_string_equal(walk.addr[6], "127.0.0.7");
}

/*
 * Every prefix of a real message: no crash, no read past the cut (ASan),
 * and never an answer the whole message does not have: the kept RRs are a
 * prefix of the whole message's, and so are the walked addresses.
 */
static void
truncate_every_offset(const uint8_t *p, size_t len)
{
	static struct dns_msg full;
	static struct walk wfull;
	enum dns_status st;
	size_t cut, i, j;

	assert_int_equal(dns_parse_message(p, len, &full), DNS_OK);
	memset(&wfull, 0, sizeof(wfull));
	(void)dns_for_each_address(&full, walk_cb, &wfull);
	for (cut = 0; cut < len; cut++) {
		uint8_t *copy = test_malloc(cut > 0 ? cut : 1);

		/* an exact-size copy, so ASan sees a read past the cut */
		memcpy(copy, p, cut);
		st = dns_parse_message(copy, cut, &msg);
		assert_true(st == DNS_OK || st == DNS_TRUNCATED);
		if (cut < DNS_HEADER_LEN)
			assert_int_equal(st, DNS_TRUNCATED);
		assert_true(msg.an_kept <= full.an_kept);
		for (i = 0; i < msg.an_kept; i++)
			assert_rr_equal(&msg.an[i], &full.an[i]);
		if (st == DNS_OK) {
			/* only the authority/additional sections were cut */
			assert_int_equal(msg.an_kept, full.an_kept);
		}
		if (msg.qname[0] != '\0')
			assert_string_equal(msg.qname, full.qname);
		(void)walk_run(&msg);
		for (i = 0; i < walk.n; i++) {
			for (j = 0; j < wfull.n; j++)
				if (strcmp(walk.addr[i], wfull.addr[j]) == 0 &&
				    strcmp(walk.owner[i],
				    wfull.owner[j]) == 0 &&
				    walk.ttl[i] == wfull.ttl[j])
					break;
			assert_true(j < wfull.n);
		}
		test_free(copy);
	}
}

static void
test_real_truncated_at_every_offset(void **state)
{
	(void)state;
	truncate_every_offset(dig_cname, sizeof(dig_cname));
	truncate_every_offset(synth_chain, sizeof(synth_chain));
	truncate_every_offset(synth_aaaa, sizeof(synth_aaaa));
	truncate_every_offset(synth_one, sizeof(synth_one));
	truncate_every_offset(ech_https, sizeof(ech_https));
	truncate_every_offset(https_noech, sizeof(https_noech));
	truncate_every_offset(fwd_ptr, sizeof(fwd_ptr));
	truncate_every_offset(ptr_loop, sizeof(ptr_loop));
	truncate_every_offset(deep_ptr, sizeof(deep_ptr));
	truncate_every_offset(tcp_google + 2, sizeof(tcp_google) - 2);
}

/* ---- DNS over TCP ------------------------------------------------------- */

static void
test_tcp_stream(void **state)
{
	struct dns_tcp_frame f;
	char want[32];
	size_t off = 0, n = 0;

	(void)state;
	/* 20 queries in one segment, each framed and parsed in turn */
	while (dns_tcp_next(tcp_multi + off, sizeof(tcp_multi) - off, &f) ==
	    DNS_OK) {
		assert_int_equal(f.used, f.len + 2);
		assert_ptr_equal(f.msg, tcp_multi + off + 2);
		assert_int_equal(dns_parse_message(f.msg, f.len, &msg), DNS_OK);
		snprintf(want, sizeof(want), "%zu.google.com", n);
		assert_string_equal(msg.qname, want);
		off += f.used;
		n++;
	}
	assert_int_equal(n, 20);
	assert_int_equal(off, sizeof(tcp_multi));
	assert_int_equal(f.need, 2 + DNS_HEADER_LEN);

	/* a server's answer */
	assert_int_equal(dns_tcp_next(tcp_google, sizeof(tcp_google), &f),
	    DNS_OK);
	assert_int_equal(f.len, sizeof(tcp_google) - 2);
	assert_int_equal(dns_parse_message(f.msg, f.len, &msg), DNS_OK);
	assert_int_equal(msg.an_kept, 12);
	assert_int_equal(walk_run(&msg), 12);
	assert_string_equal(walk.qname, "www.google.com");
	assert_string_equal(walk.addr[0], "216.197.242.244");
	assert_string_equal(walk.addr[11], "216.197.242.216");
}

static void
test_tcp_every_offset(void **state)
{
	struct dns_tcp_frame f;
	size_t cut, off, n, first_len;
	enum dns_status st;

	(void)state;
	first_len = (size_t)tcp_multi[0] << 8 | tcp_multi[1];
	for (cut = 0; cut <= sizeof(tcp_multi); cut++) {
		uint8_t *copy = test_malloc(cut > 0 ? cut : 1);

		memcpy(copy, tcp_multi, cut);
		off = n = 0;
		while ((st = dns_tcp_next(copy + off, cut - off, &f)) ==
		    DNS_OK) {
			assert_true(off + f.used <= cut);
			off += f.used;
			n++;
		}
		assert_int_equal(st, DNS_TRUNCATED);
		if (cut - off >= 2) {
			/* the exact number of bytes the frame lacks */
			size_t flen = (size_t)copy[off] << 8 | copy[off + 1];

			assert_int_equal(f.need, flen + 2 - (cut - off));
		} else
			assert_int_equal(f.need,
			    2 + DNS_HEADER_LEN - (cut - off));
		if (cut < first_len + 2)
			assert_int_equal(n, 0);
		test_free(copy);
	}
}

static void
test_tcp_bad_lengths(void **state)
{
	static const uint8_t tiny[] = { 0x00, 0x05, 1, 2, 3, 4, 5, 0x00 };
	static const uint8_t big[] = { 0x01, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9,
	    10 };
	struct dns_tcp_frame f;

	(void)state;
	assert_int_equal(dns_tcp_next(NULL, 0, &f), DNS_TRUNCATED);
	assert_int_equal(f.need, 14);
	assert_int_equal(dns_tcp_next(tiny, 1, &f), DNS_TRUNCATED);
	assert_int_equal(f.need, 13);
	/* a frame shorter than a DNS header */
	assert_int_equal(dns_tcp_next(tiny, sizeof(tiny), &f), DNS_MALFORMED);
	assert_int_equal(f.used, 7);
	assert_null(f.msg);
	assert_int_equal(dns_tcp_next(big, sizeof(big), &f), DNS_TRUNCATED);
	assert_int_equal(f.need, 256 - 10);
	assert_null(f.msg);
}

/* ---- names -------------------------------------------------------------- */

static void
test_name_presentation(void **state)
{
	/* "A.b" (a dot inside a label), "C\", a NUL byte, a space */
	static const uint8_t odd[] = { 3, 'A', '.', 'b', 2, 'C', '\\', 1, 0,
	    2, 'x', ' ', 3, 'C', 'O', 'M', 0 };

	(void)state;
	mb_header(0x0100, 1, 0);
	mb_raw(odd, sizeof(odd));
	mb_u16(DNS_TYPE_A);
	mb_u16(DNS_CLASS_IN);
	assert_int_equal(mb_parse(), DNS_OK);
	assert_string_equal(msg.qname, "a\\.b.c\\\\.\\000.x\\032.com");

	/* the root */
	mb_header(0x0100, 1, 0);
	mb_question("", 2);
	assert_int_equal(mb_parse(), DNS_OK);
	assert_string_equal(msg.qname, ".");
	assert_int_equal(msg.qtype, 2);

	/* no question at all */
	mb_header(0x8100, 0, 0);
	assert_int_equal(mb_parse(), DNS_OK);
	assert_int_equal(msg.has_question, 0);
	assert_string_equal(msg.qname, "");
}

/* Writes n labels of `len` bytes of `ch`, then the root. */
static void
mb_long_name(size_t n, size_t len, uint8_t ch)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		mb_u8((uint8_t)len);
		for (j = 0; j < len; j++)
			mb_u8(ch);
	}
}

static void
test_name_limits(void **state)
{
	(void)state;
	/* 255 bytes on the wire: 63+63+63+61 plus lengths and root */
	mb_header(0x0100, 1, 0);
	mb_long_name(3, 63, 'a');
	mb_long_name(1, 61, 'b');
	mb_u8(0);
	mb_u16(DNS_TYPE_A);
	mb_u16(DNS_CLASS_IN);
	assert_int_equal(mb.n, DNS_HEADER_LEN + 255 + 4);
	assert_int_equal(mb_parse(), DNS_OK);
	assert_int_equal(strlen(msg.qname), 253);
	assert_int_equal(msg.names_rejected, 0);

	/* 256 bytes: rejected, but the message goes on */
	mb_header(0x8100, 1, 1);
	mb_long_name(3, 63, 'a');
	mb_long_name(1, 62, 'b');
	mb_u8(0);
	mb_u16(DNS_TYPE_AAAA);
	mb_u16(DNS_CLASS_IN);
	mb_a("x.example", 10, 7);
	assert_int_equal(mb_parse(), DNS_OK);
	assert_string_equal(msg.qname, "");
	assert_int_equal(msg.qtype, DNS_TYPE_AAAA);
	assert_int_equal(msg.names_rejected, 1);
	assert_int_equal(msg.an_kept, 1);
	assert_string_equal(msg.an[0].owner, "x.example");

	/* short on the wire, but longer than 255 once escaped */
	mb_header(0x8100, 1, 1);
	mb_long_name(2, 40, 0x01);
	mb_u8(0);
	mb_u16(DNS_TYPE_A);
	mb_u16(DNS_CLASS_IN);
	mb_a("y.example", 10, 8);
	assert_int_equal(mb_parse(), DNS_OK);
	assert_string_equal(msg.qname, "");
	assert_int_equal(msg.names_rejected, 1);
	assert_int_equal(msg.an_kept, 1);

	/* 63-byte label fine; a 64 length byte is a reserved label type */
	mb_header(0x0100, 1, 0);
	mb_long_name(1, 63, 'z');
	mb_u8(0);
	mb_u16(DNS_TYPE_A);
	mb_u16(DNS_CLASS_IN);
	assert_int_equal(mb_parse(), DNS_OK);
	assert_int_equal(strlen(msg.qname), 63);
	mb_header(0x0100, 1, 0);
	mb_long_name(1, 64, 'z');
	mb_u8(0);
	mb_u16(DNS_TYPE_A);
	mb_u16(DNS_CLASS_IN);
	assert_int_equal(mb_parse(), DNS_MALFORMED);
	assert_string_equal(msg.qname, "");
	/* 0x80: the other reserved type */
	mb_header(0x0100, 1, 0);
	mb_u8(0x80);
	mb_u8(0);
	mb_u16(DNS_TYPE_A);
	mb_u16(DNS_CLASS_IN);
	assert_int_equal(mb_parse(), DNS_MALFORMED);
}

static void
test_name_pointer_rules(void **state)
{
	size_t q, owner_at, data_at, i;

	(void)state;
	/* answer owners: a pointer to itself, one forward, one back to the
	   start of its own label run; then a reserved label type in place */
	mb_header(0x8180, 1, 5);
	q = mb_name("a.example");
	mb_u16(DNS_TYPE_A);
	mb_u16(DNS_CLASS_IN);
	mb_ptr(mb.n);					/* itself */
	mb_rr_tail(DNS_TYPE_A, 60, 4);
	mb_u32(0x01010101);
	mb_ptr(mb.n + 14);				/* forward */
	mb_rr_tail(DNS_TYPE_A, 60, 4);
	mb_u32(0x02020202);
	owner_at = mb.n;				/* "b", back */
	mb_u8(1);
	mb_u8('b');
	mb_ptr(owner_at);
	mb_rr_tail(DNS_TYPE_A, 60, 4);
	mb_u32(0x03030303);
	mb_u8(0x41);					/* in place */
	mb_u8(0);
	mb_rr_tail(DNS_TYPE_A, 60, 4);
	mb_u32(0x04040404);
	mb_ptr(q);
	mb_rr_tail(DNS_TYPE_A, 60, 4);
	mb_u32(0x05050505);
	assert_int_equal(mb_parse(), DNS_MALFORMED);
	assert_int_equal(msg.an_seen, 3);
	assert_int_equal(msg.an_kept, 0);
	assert_int_equal(msg.names_rejected, 3);

	/* a reserved label type behind a pointer (in an unknown RR's data):
	   the name is rejected, the message goes on */
	mb_header(0x8180, 1, 3);
	q = mb_name("a.example");
	mb_u16(DNS_TYPE_A);
	mb_u16(DNS_CLASS_IN);
	mb_ptr(q);
	mb_rr_tail(65280, 60, 3);
	data_at = mb.n;
	mb_u8(0x81);
	mb_u8(0xff);
	mb_u8(0);
	mb_ptr(data_at);
	mb_rr_tail(DNS_TYPE_A, 60, 4);
	mb_u32(0x04040404);
	mb_ptr(q);
	mb_rr_tail(DNS_TYPE_A, 60, 4);
	mb_u32(0x05050505);
	assert_int_equal(mb_parse(), DNS_OK);
	assert_int_equal(msg.an_seen, 3);
	assert_int_equal(msg.an_kept, 1);
	assert_int_equal(msg.names_rejected, 1);
	assert_string_equal(msg.an[0].owner, "a.example");

	/* a pointer into the header: byte 7 is 2 (ANCOUNT), then zeros: a
	   legal if silly name of one label "\0\0" */
	mb_header(0x8180, 1, 2);
	q = mb_name("a.example");
	mb_u16(DNS_TYPE_A);
	mb_u16(DNS_CLASS_IN);
	mb_ptr(7);
	mb_rr_tail(DNS_TYPE_A, 60, 4);
	mb_u32(0x04040404);
	mb_ptr(q);
	mb_rr_tail(DNS_TYPE_A, 60, 4);
	mb_u32(0x05050505);
	assert_int_equal(mb_parse(), DNS_OK);
	assert_int_equal(msg.an_seen, 2);
	assert_int_equal(msg.names_rejected, 0);
	assert_string_equal(msg.an[0].owner, "\\000\\000");
	assert_string_equal(msg.an[1].owner, "a.example");

	/* labels, then a bad pointer: nothing of the name is kept (found
	   by fuzz_dns: the labels read before the pointer leaked out) */
	mb_header(0x0100, 1, 0);
	mb_u8(2);
	mb_u8('U');
	mb_u8(0xff);
	mb_ptr(0x3fff);
	mb_u16(DNS_TYPE_A);
	mb_u16(DNS_CLASS_IN);
	assert_int_equal(mb_parse(), DNS_OK);
	assert_string_equal(msg.qname, "");
	assert_int_equal(msg.names_rejected, 1);
	assert_int_equal(msg.qtype, DNS_TYPE_A);

	/* hop cap: owner k is a pointer to owner k-1, so it takes k hops */
	mb_header(0x8180, 1, 0);
	owner_at = mb_name("a");
	mb_u16(DNS_TYPE_A);
	mb_u16(DNS_CLASS_IN);
	for (i = 1; i <= DNS_MAX_PTR_HOPS + 1; i++) {
		size_t here = mb.n;

		mb_ptr(owner_at);
		mb_rr_tail(DNS_TYPE_A, 60, 4);
		mb_u32((uint32_t)i);
		owner_at = here;
	}
	mb_set_ancount(DNS_MAX_PTR_HOPS + 1);
	assert_int_equal(mb_parse(), DNS_OK);
	assert_int_equal(msg.an_seen, DNS_MAX_PTR_HOPS + 1);
	assert_int_equal(msg.an_kept, DNS_MAX_PTR_HOPS);
	assert_int_equal(msg.names_rejected, 1);
	assert_string_equal(msg.an[DNS_MAX_PTR_HOPS - 1].owner, "a");
	assert_int_equal(walk_run(&msg), DNS_MAX_PTR_HOPS);
}

/* ---- sections and RDATA ------------------------------------------------- */

static void
test_rdata_and_unknown_types(void **state)
{
	static const uint8_t junk[50] = { 0xff, 0xc0, 0x3f };
	size_t i;

	(void)state;
	/* RRSIG, OPT, an unknown type and a bad A before good answers */
	mb_header(0x8180, 1, 6);
	mb_question("s.example", DNS_TYPE_A);
	(void)mb_name("s.example");
	mb_rr_tail(DNS_TYPE_RRSIG, 60, sizeof(junk));
	mb_raw(junk, sizeof(junk));
	mb_u8(0);
	mb_rr_tail(DNS_TYPE_OPT, 0, 0);
	(void)mb_name("s.example");
	mb_rr_tail(65280, 60, 3);
	mb_raw(junk, 3);
	(void)mb_name("s.example");
	mb_rr_tail(DNS_TYPE_A, 60, 5);			/* bad length */
	mb_raw(junk, 5);
	(void)mb_name("s.example");			/* CNAME + junk */
	mb_rr_tail(DNS_TYPE_CNAME, 60, 4);
	mb_u8(1);
	mb_u8('t');
	mb_u8(0);
	mb_u8(0xee);
	mb_a("s.example", 30, 9);
	assert_int_equal(mb_parse(), DNS_OK);
	assert_int_equal(msg.an_seen, 6);
	assert_int_equal(msg.an_kept, 1);
	assert_int_equal(msg.an_skipped, 5);
	assert_int_equal(msg.rdata_bad, 2);
	assert_int_equal(walk_run(&msg), 1);
	assert_string_equal(walk.addr[0], "192.0.2.9");
	assert_int_equal(walk.ttl[0], 30);

	/* RDLENGTH past the end: truncated, earlier answers kept */
	mb_header(0x8180, 1, 2);
	mb_question("s.example", DNS_TYPE_A);
	mb_a("s.example", 30, 1);
	(void)mb_name("s.example");
	mb_rr_tail(DNS_TYPE_A, 30, 100);
	mb_u32(0x0a000001);
	assert_int_equal(mb_parse(), DNS_TRUNCATED);
	assert_int_equal(msg.an_seen, 1);
	assert_int_equal(msg.an_kept, 1);
	assert_int_equal(walk_run(&msg), 1);
	assert_string_equal(walk.addr[0], "192.0.2.1");

	/* ANCOUNT larger than the message */
	mb_header(0x8180, 1, 10);
	mb_question("s.example", DNS_TYPE_A);
	for (i = 0; i < 2; i++)
		mb_a("s.example", 30, (uint8_t)(i + 1));
	assert_int_equal(mb_parse(), DNS_TRUNCATED);
	assert_int_equal(msg.an_seen, 2);
	assert_int_equal(msg.an_kept, 2);
	assert_int_equal(walk_run(&msg), 2);

	/* QDCOUNT larger than the message */
	mb_header(0x0100, 65535, 0);
	mb_question("s.example", DNS_TYPE_A);
	assert_int_equal(mb_parse(), DNS_TRUNCATED);
	assert_string_equal(msg.qname, "s.example");
}

static void
test_many_answers(void **state)
{
	size_t q, n = 0;

	(void)state;
	/* ANCOUNT 65535, as many 16-byte A records as fit in 64 KiB */
	mb_header(0x8180, 1, 65535);
	q = mb_name("m.example");
	mb_u16(DNS_TYPE_A);
	mb_u16(DNS_CLASS_IN);
	while (sizeof(mb.b) - mb.n >= 16) {
		mb_ptr(q);
		mb_rr_tail(DNS_TYPE_A, 300, 4);
		mb_u32((uint32_t)n);
		n++;
	}
	assert_int_equal(mb_parse(), DNS_TRUNCATED);
	assert_int_equal(msg.an_seen, n);
	assert_int_equal(msg.an_kept, DNS_MAX_ANSWERS);
	assert_int_equal(msg.an_overflow, n - DNS_MAX_ANSWERS);
	assert_int_equal(msg.an_skipped, n - DNS_MAX_ANSWERS);
	assert_int_equal(walk_run(&msg), DNS_MAX_ANSWERS);

	/* and with the count right */
	mb_set_ancount((uint16_t)n);
	assert_int_equal(mb_parse(), DNS_OK);
	assert_int_equal(msg.an_seen, n);
}

static void
test_tc_bit_keeps_answers(void **state)
{
	(void)state;
	mb_header(0x8380, 1, 1);
	mb_question("t.example", DNS_TYPE_A);
	mb_a("t.example", 5, 77);
	assert_int_equal(mb_parse(), DNS_OK);
	assert_int_equal(msg.tc, 1);
	assert_int_equal(msg.an_kept, 1);
	assert_int_equal(walk_run(&msg), 1);
	assert_string_equal(walk.addr[0], "192.0.2.77");
}

static void
test_svcb_rdata(void **state)
{
	(void)state;
	/* service mode, target "svc.example", keys 1 (alpn) and 5 (ech) */
	mb_header(0x8180, 1, 3);
	mb_question("h.example", DNS_TYPE_HTTPS);
	(void)mb_name("h.example");
	mb_rr_tail(DNS_TYPE_HTTPS, 60, 2 + 13 + 4 + 3 + 4 + 2);
	mb_u16(1);
	(void)mb_name("svc.example");
	mb_u16(1);
	mb_u16(3);
	mb_u8(2);
	mb_u8('h');
	mb_u8('2');
	mb_u16(5);
	mb_u16(2);
	mb_u16(0);
	/* keys out of order: unusable */
	(void)mb_name("h.example");
	mb_rr_tail(DNS_TYPE_HTTPS, 60, 2 + 1 + 4 + 4);
	mb_u16(1);
	mb_u8(0);
	mb_u16(5);
	mb_u16(0);
	mb_u16(1);
	mb_u16(0);
	/* a compressed TargetName (RFC 9460 forbids it): unusable */
	(void)mb_name("h.example");
	mb_rr_tail(DNS_TYPE_SVCB, 60, 4);
	mb_u16(0);
	mb_ptr(DNS_HEADER_LEN);
	assert_int_equal(mb_parse(), DNS_OK);
	assert_int_equal(msg.an_seen, 3);
	assert_int_equal(msg.an_kept, 1);
	assert_int_equal(msg.rdata_bad, 2);
	assert_int_equal(msg.an[0].svc_priority, 1);
	assert_string_equal(msg.an[0].target, "svc.example");
	assert_int_equal(msg.an[0].svc_ech, 1);
}

/* ---- the CNAME walk ----------------------------------------------------- */

static void
test_walk_loops_and_hops(void **state)
{
	char a[16], b[16];
	unsigned int i, hops;

	(void)state;
	/* a -> b -> a, each with an address: both once, then stop */
	mb_header(0x8180, 1, 4);
	mb_question("a.example", DNS_TYPE_A);
	mb_cname("a.example", 100, "b.example");
	mb_cname("b.example", 50, "a.example");
	mb_a("a.example", 300, 1);
	mb_a("b.example", 300, 2);
	assert_int_equal(mb_parse(), DNS_OK);
	assert_int_equal(walk_run(&msg), 2);
	assert_string_equal(walk.addr[0], "192.0.2.1");
	assert_int_equal(walk.ttl[0], 300);
	assert_string_equal(walk.addr[1], "192.0.2.2");
	assert_int_equal(walk.ttl[1], 100);

	/* a -> a */
	mb_header(0x8180, 1, 2);
	mb_question("a.example", DNS_TYPE_A);
	mb_cname("a.example", 100, "a.example");
	mb_a("a.example", 300, 1);
	assert_int_equal(mb_parse(), DNS_OK);
	assert_int_equal(walk_run(&msg), 1);

	/* chains of DNS_MAX_CNAME_HOPS and one more, in reverse order */
	for (hops = DNS_MAX_CNAME_HOPS; hops <= DNS_MAX_CNAME_HOPS + 1;
	    hops++) {
		mb_header(0x8180, 1, (uint16_t)(hops + 1));
		mb_question("n0.example", DNS_TYPE_A);
		snprintf(a, sizeof(a), "n%u.example", hops);
		mb_a(a, 300, 42);
		for (i = hops; i > 0; i--) {
			snprintf(a, sizeof(a), "n%u.example", i - 1);
			snprintf(b, sizeof(b), "n%u.example", i);
			mb_cname(a, 1000 + i, b);
		}
		assert_int_equal(mb_parse(), DNS_OK);
		assert_int_equal(walk_run(&msg),
		    hops <= DNS_MAX_CNAME_HOPS ? 1 : 0);
		if (walk.n == 1) {
			assert_int_equal(walk.ttl[0], 300);
			snprintf(a, sizeof(a), "n%u.example", hops);
			assert_string_equal(walk.owner[0], a);
		}
	}
}

static void
test_walk_ttl_and_filters(void **state)
{
	(void)state;
	/* smallest TTL along the chain; a TTL with the top bit reads 0 */
	mb_header(0x8180, 1, 3);
	mb_question("Q.Example", DNS_TYPE_A);
	mb_cname("q.example", 30, "R.example");
	mb_a("r.EXAMPLE", 300, 1);
	mb_a("r.example", 0x80000000u, 2);
	assert_int_equal(mb_parse(), DNS_OK);
	assert_int_equal(walk_run(&msg), 2);
	assert_string_equal(walk.qname, "q.example");
	assert_int_equal(walk.ttl[0], 30);
	assert_int_equal(walk.ttl[1], 0);

	/* an address for another name is not reachable */
	mb_header(0x8180, 1, 1);
	mb_question("q.example", DNS_TYPE_A);
	mb_a("evil.example", 300, 1);
	assert_int_equal(mb_parse(), DNS_OK);
	assert_int_equal(msg.an_kept, 1);
	assert_int_equal(walk_run(&msg), 0);

	/* a query (QR clear) with answers, and another opcode: no walk */
	mb_header(0x0100, 1, 1);
	mb_question("q.example", DNS_TYPE_A);
	mb_a("q.example", 300, 1);
	assert_int_equal(mb_parse(), DNS_OK);
	assert_int_equal(walk_run(&msg), 0);
	mb.b[2] = 0xa9;		/* QR, opcode 5 (UPDATE) */
	assert_int_equal(mb_parse(), DNS_OK);
	assert_int_equal(msg.opcode, 5);
	assert_int_equal(walk_run(&msg), 0);

	/* class CH is not walked */
	mb_header(0x8180, 1, 1);
	mb_question("q.example", DNS_TYPE_A);
	(void)mb_name("q.example");
	mb_u16(DNS_TYPE_A);
	mb_u16(3);
	mb_u32(60);
	mb_u16(4);
	mb_u32(0x7f000001);
	assert_int_equal(mb_parse(), DNS_OK);
	assert_int_equal(msg.an_kept, 1);
	assert_int_equal(walk_run(&msg), 0);
}

static void
test_short_and_null(void **state)
{
	(void)state;
	assert_int_equal(dns_parse_message(NULL, 0, &msg), DNS_TRUNCATED);
	assert_int_equal(dns_parse_message(dig_cname, 11, &msg),
	    DNS_TRUNCATED);
	assert_int_equal(msg.an_kept, 0);
	assert_int_equal(walk_run(&msg), 0);
	assert_string_equal(dns_status_str(DNS_OK), "ok");
	assert_string_equal(dns_status_str(DNS_TRUNCATED), "truncated");
	assert_string_equal(dns_status_str(DNS_MALFORMED), "malformed");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_cname_chain),
		cmocka_unit_test(test_real_long_chain_high_pointers),
		cmocka_unit_test(test_real_aaaa_and_transactions),
		cmocka_unit_test(test_real_https_ech),
		cmocka_unit_test(test_real_bad_pointers),
		cmocka_unit_test(test_real_truncated_at_every_offset),
		cmocka_unit_test(test_tcp_stream),
		cmocka_unit_test(test_tcp_every_offset),
		cmocka_unit_test(test_tcp_bad_lengths),
		cmocka_unit_test(test_name_presentation),
		cmocka_unit_test(test_name_limits),
		cmocka_unit_test(test_name_pointer_rules),
		cmocka_unit_test(test_rdata_and_unknown_types),
		cmocka_unit_test(test_many_answers),
		cmocka_unit_test(test_tc_bit_keeps_answers),
		cmocka_unit_test(test_svcb_rdata),
		cmocka_unit_test(test_walk_loops_and_hops),
		cmocka_unit_test(test_walk_ttl_and_filters),
		cmocka_unit_test(test_short_and_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
