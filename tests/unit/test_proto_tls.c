/*
 * test_proto_tls.c - the ClientHello parser: real hellos from the lab and
 * public captures (SNI, versions, ALPN, ECH, JA3 as tshark 4.0 computes it,
 * JA4 as suricata-verify expects it), truncation at every offset, record
 * fragmentation at every split, GREASE, and hostile input built by hand.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "proto_tls.h"

#include "../data/proto_tls/hellos.h"

static struct tls_scratch	*scr;

static int
group_setup(void **state)
{
	(void)state;
	scr = tls_scratch_create();
	return scr == NULL ? -1 : 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	tls_scratch_destroy(scr);
	tls_scratch_destroy(NULL);
	return 0;
}

/* ---- building hellos by hand ------------------------------------------- */

struct buf {
	uint8_t		b[24576];
	size_t		n;
};

static void
b_u8(struct buf *w, unsigned int v)
{
	assert_true(w->n < sizeof(w->b));
	w->b[w->n++] = (uint8_t)v;
}

static void
b_u16(struct buf *w, unsigned int v)
{
	b_u8(w, v >> 8 & 0xff);
	b_u8(w, v & 0xff);
}

static void
b_u24(struct buf *w, unsigned int v)
{
	b_u8(w, v >> 16 & 0xff);
	b_u16(w, v & 0xffff);
}

static void
b_bytes(struct buf *w, const void *p, size_t n)
{
	assert_true(n <= sizeof(w->b) - w->n);
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

/* A ClientHello body: legacy_version 0x0303, zero random, empty session
 * id, the ciphers given, null compression, then the extension block ext
 * (none at all when ext is NULL). */
static void
body_make(struct buf *w, const uint16_t *ciphers, size_t nc,
    const uint8_t *ext, size_t ext_len)
{
	static const uint8_t zero[32];
	size_t i;

	w->n = 0;
	b_u16(w, 0x0303);
	b_bytes(w, zero, 32);
	b_u8(w, 0);
	b_u16(w, (unsigned int)(2 * nc));
	for (i = 0; i < nc; i++)
		b_u16(w, ciphers[i]);
	b_u8(w, 1);
	b_u8(w, 0);
	if (ext != NULL) {
		b_u16(w, (unsigned int)ext_len);
		b_bytes(w, ext, ext_len);
	}
}

/* The handshake message around body, in one record: the client stream. */
static void
stream_make(struct buf *s, const struct buf *body)
{
	s->n = 0;
	b_u8(s, 22);
	b_u16(s, 0x0301);
	b_u16(s, (unsigned int)(body->n + 4));
	b_u8(s, 1);
	b_u24(s, (unsigned int)body->n);
	b_bytes(s, body->b, body->n);
}

/* Re-frames the handshake message of a one-record stream into records of
 * at most `chunk` bytes, the first one `first` bytes long (0: chunk). */
static void
stream_refragment(struct buf *out, const uint8_t *in, size_t in_len,
    size_t first, size_t chunk)
{
	const uint8_t *msg = in + 5;
	size_t len = in_len - 5, off = 0, n;

	out->n = 0;
	while (off < len) {
		n = off == 0 && first != 0 ? first : chunk;
		if (n > len - off)
			n = len - off;
		b_u8(out, 22);
		b_u16(out, 0x0303);
		b_u16(out, (unsigned int)n);
		b_bytes(out, msg + off, n);
		off += n;
	}
}

static const uint16_t	two_ciphers[] = { 0x1301, 0x1302 };

static enum tls_status
parse_ext(const uint8_t *ext, size_t ext_len, struct tls_hello *h)
{
	struct buf body, s;
	size_t need = 1;

	body_make(&body, two_ciphers, 2, ext, ext_len);
	stream_make(&s, &body);
	return tls_parse_stream(s.b, s.n, h, &need, scr);
}

/* ---- real hellos ------------------------------------------------------- */

static void
assert_hello_ok(const uint8_t *p, size_t len, struct tls_hello *h)
{
	size_t need = 12345;

	assert_int_equal(tls_parse_stream(p, len, h, &need, scr), TLS_OK);
	assert_int_equal(need, 0);
	assert_int_equal(h->defect, TLS_DEFECT_NONE);
	assert_int_equal(h->quic, 0);
}

static void
test_curl(void **state)
{
	struct tls_hello h;

	(void)state;
	assert_hello_ok(hello_curl, sizeof(hello_curl), &h);
	assert_int_equal(h.record_version, 0x0301);
	assert_int_equal(h.legacy_version, 0x0303);
	assert_int_equal(h.max_version, 0x0304);
	assert_true(h.has_versions);
	assert_int_equal(h.n_versions, 4);
	assert_int_equal(h.records, 1);
	assert_int_equal(h.hello_len, 512);
	assert_int_equal(h.session_id_len, 32);
	assert_true(h.has_sni);
	assert_int_equal(h.sni_len, 23);
	assert_false(h.sni_too_long);
	assert_memory_equal(h.sni, "demo-beacon.workers.dev", 24);
	assert_true(h.has_alpn);
	assert_int_equal(h.alpn_count, 2);
	assert_int_equal(h.alpn_len[0], 2);
	assert_string_equal((const char *)h.alpn[0], "h2");
	assert_int_equal(h.alpn_len[1], 8);
	assert_string_equal((const char *)h.alpn[1], "http/1.1");
	assert_int_equal(h.n_ciphers, 31);
	assert_int_equal(h.n_extensions, 12);
	assert_int_equal(h.n_groups, 10);
	assert_int_equal(h.n_point_formats, 3);
	assert_int_equal(h.n_sig_algs, 20);
	assert_int_equal(h.grease, 0);
	assert_false(h.has_ech);
	assert_false(h.has_esni);
	assert_false(h.has_psk);
	/* tshark 4.0.17: tls.handshake.ja3 of frame 6 */
	assert_string_equal(h.ja3, "0149f47eabf9a20d0893e2a44e5a6323");
	assert_string_equal(h.ja4, "t13d3112h2_e8f1e7e78f70_b26ce05bbdd6");
}

static void
test_chromium_mlkem(void **state)
{
	struct tls_hello h;
	size_t need = 0;

	(void)state;
	/* the first TCP segment alone is a prefix */
	assert_int_equal(tls_parse_stream(hello_chromium, 1448, &h, &need,
	    scr), TLS_MORE);
	assert_int_equal(need, sizeof(hello_chromium));
	assert_hello_ok(hello_chromium, sizeof(hello_chromium), &h);
	assert_int_equal(h.hello_len, 2018);
	assert_int_equal(h.max_version, 0x0304);
	assert_int_equal(h.sni_len, 19);
	assert_string_equal((const char *)h.sni, "demo-app.vercel.app");
	assert_string_equal((const char *)h.alpn[0], "h2");
	assert_int_equal(h.grease, TLS_GREASE_CIPHER | TLS_GREASE_EXTENSION |
	    TLS_GREASE_GROUP | TLS_GREASE_VERSION | TLS_GREASE_SIG_ALG);
	assert_int_equal(h.n_ciphers, 15);
	assert_int_equal(h.n_extensions, 17);
	assert_int_equal(h.n_groups, 4);	/* X25519MLKEM768 among them */
	assert_int_equal(h.n_versions, 2);
	/* Chrome's GREASE ECH: an outer ECHClientHello with a random config */
	assert_true(h.has_ech);
	assert_int_equal(h.ech_type, TLS_ECH_OUTER);
	assert_int_equal(h.ech_config_id, 248);
	assert_int_equal(h.ech_kdf_id, 0x0001);
	assert_int_equal(h.ech_aead_id, 0x0001);
	assert_int_equal(h.ech_enc_len, 32);
	assert_int_equal(h.ech_payload_len, 240);
	/* tshark: frame 132 (reassembled) */
	assert_string_equal(h.ja3, "5ef754267e4abf0011127add835ac66b");
	assert_string_equal(h.ja4, "t13d1517h2_8daaf6152771_cb7bf5808d99");
}

static void
test_openssl_tls12(void **state)
{
	struct tls_hello h;

	(void)state;
	assert_hello_ok(hello_openssl12, sizeof(hello_openssl12), &h);
	assert_int_equal(h.legacy_version, 0x0303);
	assert_int_equal(h.max_version, 0x0303);
	assert_false(h.has_versions);
	assert_string_equal((const char *)h.sni,
	    "europe-west1-demo.cloudfunctions.net");
	assert_false(h.has_alpn);
	assert_int_equal(h.alpn_count, 0);
	assert_int_equal(h.n_ciphers, 28);
	assert_int_equal(h.n_extensions, 7);
	assert_string_equal(h.ja3, "871a754af286dfb70c1b53c6887c62e0");
	assert_string_equal(h.ja4, "t12d280700_d943125447b4_e7e480e5a997");
}

static const char long_sni[] = "this-is-a-deliberately-very-long-subdomain-"
    "label-for-testing-sni.truncation-in-ndpi-42.example-c2-relay."
    "workers.dev";

static void
test_long_sni(void **state)
{
	struct tls_hello h;

	(void)state;
	assert_int_equal(strlen(long_sni), 115);
	assert_hello_ok(hello_long_sni, sizeof(hello_long_sni), &h);
	assert_int_equal(h.sni_len, 115);
	assert_false(h.sni_too_long);
	assert_memory_equal(h.sni, long_sni, 116);
	assert_string_equal(h.ja3, "a3afc2c46ba4a7d7fbe1cfb7a3031c2f");
	assert_string_equal(h.ja4, "t13d311000_e8f1e7e78f70_1f22a2ca17c4");
}

static void
test_record_fragmented(void **state)
{
	struct tls_hello h;

	(void)state;
	assert_hello_ok(hello_recfrag, sizeof(hello_recfrag), &h);
	assert_int_equal(h.records, 2);
	assert_int_equal(h.hello_len, 416);
	assert_int_equal(h.sni_len, 115);
	assert_memory_equal(h.sni, long_sni, 116);
	/* the same hello as long_sni.pcap: same fingerprints */
	assert_string_equal(h.ja3, "a3afc2c46ba4a7d7fbe1cfb7a3031c2f");
	assert_string_equal(h.ja4, "t13d311000_e8f1e7e78f70_1f22a2ca17c4");
}

/* pcaps/expected-ja4.tsv (suricata-verify 10a45e4b) and tshark's JA3 */
static void
test_ja4_reference(void **state)
{
	struct tls_hello h;
	size_t need = 1;

	(void)state;
	assert_hello_ok(hello_ja4_tls12, sizeof(hello_ja4_tls12), &h);
	assert_false(h.has_sni);
	assert_string_equal((const char *)h.alpn[0], "spdy/3.1");
	assert_string_equal(h.ja3, "308b0bd904abbef5e0034a1ff7a78920");
	assert_string_equal(h.ja4, "t12i1810s1_27d4652c4487_06a4338d0495");

	assert_hello_ok(hello_ja4_tls13, sizeof(hello_ja4_tls13), &h);
	assert_string_equal((const char *)h.sni, "cloudflare-quic.com");
	assert_string_equal(h.ja3, "cd08e31494f9531f560d64c695473da9");
	assert_string_equal(h.ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1");

	/* no signature_algorithms: see the '_' note in tls_ja4() */
	assert_hello_ok(hello_tls10_c2, sizeof(hello_tls10_c2), &h);
	assert_int_equal(h.max_version, 0x0301);
	assert_int_equal(h.n_sig_algs, 0);
	assert_string_equal(h.ja3, "49ed2ef3f1321e5f044f1e71b0e6fdd5");
	assert_string_equal(h.ja4, "t10i070600_c50f5591e341_ce66f3b797c1");

	assert_int_equal(tls_parse_handshake(hello_ja4_quic,
	    sizeof(hello_ja4_quic), &h, &need, scr), TLS_OK);
	assert_int_equal(need, 0);
	assert_true(h.quic);
	assert_int_equal(h.record_version, 0);
	assert_int_equal(h.records, 0);
	assert_int_equal(h.max_version, 0x0304);
	assert_string_equal((const char *)h.sni, "cloudflare-quic.com");
	assert_string_equal((const char *)h.alpn[0], "h3");
	assert_string_equal(h.ja3, "3cbc33c648fe331404456f48a5a27170");
	assert_string_equal(h.ja4, "q13d0310h3_55b375c5d22e_cd85d2d88918");
}

static void
test_ech_and_esni(void **state)
{
	struct tls_hello h;

	(void)state;
	/* a real ECH outer hello: the SNI is the public name */
	assert_hello_ok(hello_ech, sizeof(hello_ech), &h);
	assert_string_equal((const char *)h.sni, "cloudflare-ech.com");
	assert_true(h.has_ech);
	assert_int_equal(h.ech_type, TLS_ECH_OUTER);
	assert_int_equal(h.ech_config_id, 209);
	assert_int_equal(h.ech_kdf_id, 1);
	assert_int_equal(h.ech_aead_id, 1);
	assert_int_equal(h.ech_enc_len, 32);
	assert_int_equal(h.ech_payload_len, 144);
	assert_string_equal(h.ja3, "2fcbf8655473005933c5869b2b5d8044");
	assert_string_equal(h.ja4, "t13d1517h2_8daaf6152771_b1ff8ab2d16f");

	/* draft ESNI instead of server_name */
	assert_hello_ok(hello_esni, sizeof(hello_esni), &h);
	assert_true(h.has_esni);
	assert_false(h.has_sni);
	assert_int_equal(h.sni_len, 0);
	assert_string_equal(h.ja3, "957015a0b1e2500d8777219893a09495");
	assert_string_equal(h.ja4, "t13i1813h2_29a2cd9e9f10_0d6ff543c596");
}

/* ---- truncation and fragmentation -------------------------------------- */

static const struct {
	const uint8_t	*p;
	size_t		 len;
} tcp_hellos[] = {
	{ hello_curl, sizeof(hello_curl) },
	{ hello_chromium, sizeof(hello_chromium) },
	{ hello_openssl12, sizeof(hello_openssl12) },
	{ hello_long_sni, sizeof(hello_long_sni) },
	{ hello_recfrag, sizeof(hello_recfrag) },
	{ hello_ja4_tls12, sizeof(hello_ja4_tls12) },
	{ hello_ja4_tls13, sizeof(hello_ja4_tls13) },
	{ hello_tls10_c2, sizeof(hello_tls10_c2) },
	{ hello_ech, sizeof(hello_ech) },
	{ hello_esni, sizeof(hello_esni) },
};

static void
test_truncate_every_offset(void **state)
{
	struct tls_hello h;
	size_t i, cut, need;
	uint8_t *copy;

	(void)state;
	for (i = 0; i < sizeof(tcp_hellos) / sizeof(tcp_hellos[0]); i++) {
		const uint8_t *p = tcp_hellos[i].p;
		size_t len = tcp_hellos[i].len;
		int one_record = (size_t)(p[3] << 8 | p[4]) + 5 == len;

		for (cut = 0; cut < len; cut++) {
			/* an exact-size heap copy, so ASan sees overreads */
			copy = malloc(cut > 0 ? cut : 1);
			assert_non_null(copy);
			memcpy(copy, p, cut);
			need = 0;
			assert_int_equal(tls_parse_stream(copy, cut, &h,
			    &need, scr), TLS_MORE);
			assert_true(need > cut && need <= len);
			if (cut < 9)
				assert_int_equal(need, 9);
			else if (one_record)
				assert_int_equal(need, len);
			free(copy);
		}
	}
	/* QUIC: the CRYPTO stream cut anywhere */
	for (cut = 0; cut < sizeof(hello_ja4_quic); cut++) {
		copy = malloc(cut > 0 ? cut : 1);
		assert_non_null(copy);
		memcpy(copy, hello_ja4_quic, cut);
		assert_int_equal(tls_parse_handshake(copy, cut, &h, &need, scr),
		    TLS_MORE);
		assert_int_equal(need, cut < 4 ? 4 : sizeof(hello_ja4_quic));
		free(copy);
	}
}

static void
test_fragment_every_split(void **state)
{
	static struct buf s;
	struct tls_hello h;
	size_t first, cut, need;

	(void)state;
	/* the curl hello in two records, split at every byte */
	for (first = 1; first < sizeof(hello_curl) - 5; first++) {
		stream_refragment(&s, hello_curl, sizeof(hello_curl), first,
		    16384);
		assert_int_equal(s.n, sizeof(hello_curl) + 5);
		assert_int_equal(tls_parse_stream(s.b, s.n, &h, &need, scr),
		    TLS_OK);
		assert_int_equal(h.records, 2);
		assert_string_equal((const char *)h.sni,
		    "demo-beacon.workers.dev");
		assert_string_equal(h.ja3, "0149f47eabf9a20d0893e2a44e5a6323");
		assert_string_equal(h.ja4,
		    "t13d3112h2_e8f1e7e78f70_b26ce05bbdd6");
	}
	/* two records cut anywhere after the handshake header: *need is
	 * exact, the second record header included */
	for (first = 4; first < sizeof(hello_curl) - 5; first += 37) {
		stream_refragment(&s, hello_curl, sizeof(hello_curl), first,
		    16384);
		for (cut = 9; cut < s.n; cut++) {
			assert_int_equal(tls_parse_stream(s.b, cut, &h, &need,
			    scr), TLS_MORE);
			assert_int_equal(need, s.n);
		}
	}
	/* in one-byte records, and cut at every offset */
	stream_refragment(&s, hello_curl, sizeof(hello_curl), 0, 1);
	assert_int_equal(s.n, 6 * (sizeof(hello_curl) - 5));
	assert_int_equal(tls_parse_stream(s.b, s.n, &h, &need, scr), TLS_OK);
	assert_int_equal(h.records, 512);
	assert_string_equal(h.ja3, "0149f47eabf9a20d0893e2a44e5a6323");
	for (cut = 0; cut < s.n; cut++) {
		assert_int_equal(tls_parse_stream(s.b, cut, &h, &need, scr),
		    TLS_MORE);
		assert_true(need > cut && need <= s.n);
	}
	/* bytes after the hello (the next record) are ignored */
	b_bytes(&s, "\x14\x03\x03\x00\x01\x01", 6);
	assert_int_equal(tls_parse_stream(s.b, s.n, &h, &need, scr), TLS_OK);
}

/* ---- status for hostile and foreign input ------------------------------ */

static void
test_not_tls(void **state)
{
	static const uint8_t http[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	static const uint8_t ssh[] = "SSH-2.0-OpenSSH_9.2\r\n";
	/* ServerHello record: a server stream */
	static const uint8_t server[] = { 0x16, 0x03, 0x03, 0x00, 0x04, 0x02,
	    0x00, 0x00, 0x00 };
	/* application data first */
	static const uint8_t appdata[] = { 0x17, 0x03, 0x03, 0x00, 0x01, 0x00 };
	/* record major version 2 */
	static const uint8_t major2[] = { 0x16, 0x02, 0x00, 0x00, 0x01, 0x01 };
	/* SSLv2-format CLIENT-HELLO offering TLS 1.0 (RFC 5246 E.2) */
	static const uint8_t sslv2[] = { 0x80, 0x2e, 0x01, 0x03, 0x01, 0x00,
	    0x15, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x39, 0x00, 0x00, 0x38,
	    0x00, 0x00, 0x35, 0x00, 0x00, 0x16, 0x00, 0x00, 0x13, 0x00, 0x00,
	    0x0a, 0x07, 0x00, 0xc0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	    0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00 };
	static const uint8_t one16[] = { 0x16 };
	struct tls_hello h;
	size_t need;

	(void)state;
	assert_int_equal(tls_parse_stream(http, sizeof(http) - 1, &h, &need,
	    scr), TLS_NOT_TLS);
	assert_false(h.sslv2);
	assert_int_equal(tls_parse_stream(ssh, 1, &h, &need, scr),
	    TLS_NOT_TLS);
	assert_int_equal(tls_parse_stream(server, sizeof(server), &h, &need,
	    scr), TLS_NOT_TLS);
	/* known from the handshake type alone */
	assert_int_equal(tls_parse_stream(server, 6, &h, &need, scr),
	    TLS_NOT_TLS);
	assert_int_equal(tls_parse_stream(appdata, sizeof(appdata), &h, &need,
	    scr), TLS_NOT_TLS);
	assert_int_equal(tls_parse_stream(major2, 2, &h, &need, scr),
	    TLS_NOT_TLS);
	assert_int_equal(tls_parse_stream(major2, sizeof(major2), &h, &need,
	    scr), TLS_NOT_TLS);
	assert_int_equal(tls_parse_stream(sslv2, sizeof(sslv2), &h, &need,
	    scr), TLS_NOT_TLS);
	assert_true(h.sslv2);
	/* nothing, or one right byte: more */
	assert_int_equal(tls_parse_stream(NULL, 0, &h, &need, scr), TLS_MORE);
	assert_int_equal(need, 9);
	assert_int_equal(tls_parse_stream(one16, 1, &h, NULL, scr), TLS_MORE);
	/* QUIC: a CRYPTO stream that starts with a ServerHello */
	assert_int_equal(tls_parse_handshake(server + 5, 4, &h, &need, scr),
	    TLS_NOT_TLS);
	assert_true(h.quic);
	assert_int_equal(tls_parse_handshake(NULL, 0, &h, NULL, scr),
	    TLS_MORE);
	assert_int_equal(tls_status_str(TLS_NOT_TLS)[0], 'n');
	assert_string_equal(tls_defect_str(TLS_DEFECT_SNI), "server-name");
	assert_string_equal(tls_defect_str((enum tls_defect)99), "?");
}

static void
test_too_big(void **state)
{
	/* record of 16384 bytes announcing a 16381-byte ClientHello body:
	 * 16385 bytes with its header, one more than TLS_HELLO_MAX */
	static const uint8_t big[] = { 0x16, 0x03, 0x01, 0x40, 0x00, 0x01,
	    0x00, 0x3f, 0xfd };
	static const uint8_t fits[] = { 0x16, 0x03, 0x01, 0x40, 0x00, 0x01,
	    0x00, 0x3f, 0xfc };
	/* the same, its header split over two records */
	static const uint8_t big2[] = { 0x16, 0x03, 0x01, 0x00, 0x02, 0x01,
	    0x00, 0x16, 0x03, 0x01, 0x40, 0x00, 0x3f, 0xfd };
	struct tls_hello h;
	size_t need;

	(void)state;
	assert_int_equal(tls_parse_stream(big, sizeof(big), &h, &need, scr),
	    TLS_TOO_BIG);
	assert_int_equal(tls_parse_stream(big2, sizeof(big2), &h, &need, scr),
	    TLS_TOO_BIG);
	assert_int_equal(tls_parse_stream(big2, 12, &h, &need, scr),
	    TLS_MORE);
	/* TLS_HELLO_MAX itself is accepted: it fills the record exactly */
	assert_int_equal(tls_parse_stream(fits, sizeof(fits), &h, &need, scr),
	    TLS_MORE);
	assert_int_equal(need, 5 + TLS_HELLO_MAX);
	assert_int_equal(tls_parse_handshake(big + 5, 4, &h, &need, scr),
	    TLS_TOO_BIG);
	assert_int_equal(tls_parse_handshake(fits + 5, 4, &h, &need, scr),
	    TLS_MORE);
	assert_int_equal(need, TLS_HELLO_MAX);
}

/* The handshake header split 3 + 1 over two records, the second one a
 * full 2^14 bytes: only the hello's bytes are taken from it. */
static void
test_large_second_record(void **state)
{
	static struct buf s;
	struct tls_hello h;
	size_t need;

	(void)state;
	s.n = 0;
	b_bytes(&s, "\x16\x03\x01\x00\x03\x01\x00\x00", 8);
	b_bytes(&s, "\x16\x03\x01\x40\x00", 5);
	b_u8(&s, 41);				/* body length */
	b_u16(&s, 0x0303);
	b_bytes(&s, hello_curl + 11, 32);
	b_bytes(&s, "\x00\x00\x02\x13\x01\x01\x00", 7);
	while (s.n < 8 + 5 + 16384)
		b_u8(&s, 0xee);
	assert_int_equal(tls_parse_stream(s.b, s.n, &h, &need, scr), TLS_OK);
	assert_int_equal(h.records, 2);
	assert_int_equal(h.hello_len, 45);
	assert_int_equal(h.n_ciphers, 1);
	/* the same with a 16 KiB + 1 body: too big */
	s.b[7] = 0x40;
	s.b[13] = 0x01;
	assert_int_equal(tls_parse_stream(s.b, s.n, &h, &need, scr),
	    TLS_TOO_BIG);
}

static void
assert_malformed(const uint8_t *p, size_t len, enum tls_defect d)
{
	struct tls_hello h;
	size_t need;

	assert_int_equal(tls_parse_stream(p, len, &h, &need, scr),
	    TLS_MALFORMED);
	assert_int_equal(h.defect, d);
	assert_string_equal(h.ja3, "");
	assert_string_equal(h.ja4, "");
}

static void
test_malformed_framing(void **state)
{
	static struct buf s, body;
	struct tls_hello h;
	size_t i, need;

	(void)state;
	/* record of length 0, and longer than 2^14 */
	assert_malformed((const uint8_t *)"\x16\x03\x01\x00\x00", 5,
	    TLS_DEFECT_RECORD);
	assert_malformed((const uint8_t *)"\x16\x03\x01\x40\x01\x01", 6,
	    TLS_DEFECT_RECORD);
	/* a non-handshake record in the middle of the hello */
	stream_refragment(&s, hello_curl, sizeof(hello_curl), 100, 16384);
	s.b[5 + 100] = 0x17;
	assert_malformed(s.b, s.n, TLS_DEFECT_RECORD);
	s.b[5 + 100] = 0x16;
	s.b[5 + 100 + 1] = 0x04;
	assert_malformed(s.b, s.n, TLS_DEFECT_RECORD);
	/* ... detected from its first byte */
	s.b[5 + 100 + 1] = 0x03;
	s.b[5 + 100] = 0x15;
	assert_malformed(s.b, 5 + 100 + 1, TLS_DEFECT_RECORD);

	/* body: a session id of 32 bytes is fine, 33 is not */
	for (i = 32; i <= 33; i++) {
		body.n = 0;
		b_u16(&body, 0x0303);
		b_bytes(&body, hello_curl + 11, 32);
		b_u8(&body, (unsigned int)i);
		b_bytes(&body, hello_curl + 11, i);
		b_u16(&body, 2);
		b_u16(&body, 0x1301);
		b_u8(&body, 1);
		b_u8(&body, 0);
		stream_make(&s, &body);
		if (i == 32) {
			assert_int_equal(tls_parse_stream(s.b, s.n, &h, &need,
			    scr), TLS_OK);
			assert_int_equal(h.session_id_len, 32);
		} else
			assert_malformed(s.b, s.n, TLS_DEFECT_BODY);
	}
	/* odd cipher list, empty cipher list */
	body_make(&body, two_ciphers, 2, NULL, 0);
	body.b[36] = 3;
	stream_make(&s, &body);
	assert_malformed(s.b, s.n, TLS_DEFECT_BODY);
	body_make(&body, two_ciphers, 0, NULL, 0);
	stream_make(&s, &body);
	assert_malformed(s.b, s.n, TLS_DEFECT_BODY);
	/* empty compression list (ndpi tls_invalid_reads.pcap frame 4) */
	body_make(&body, two_ciphers, 2, NULL, 0);
	body.b[body.n - 2] = 0;
	stream_make(&s, &body);
	assert_malformed(s.b, s.n, TLS_DEFECT_BODY);
	/* handshake length shorter than the fields: random cut */
	body_make(&body, two_ciphers, 2, NULL, 0);
	body.n = 20;
	stream_make(&s, &body);
	assert_malformed(s.b, s.n, TLS_DEFECT_BODY);
	/* empty body */
	body.n = 0;
	stream_make(&s, &body);
	assert_malformed(s.b, s.n, TLS_DEFECT_BODY);

	/* extension block: longer than the message, shorter, one stray byte */
	body_make(&body, two_ciphers, 2, (const uint8_t *)"\x00\x17\x00\x00",
	    4);
	body.b[body.n - 5] = 5;
	stream_make(&s, &body);
	assert_malformed(s.b, s.n, TLS_DEFECT_EXTENSIONS);
	body.b[body.n - 5] = 3;
	stream_make(&s, &body);
	assert_malformed(s.b, s.n, TLS_DEFECT_EXTENSIONS);
	body_make(&body, two_ciphers, 2, NULL, 0);
	b_u8(&body, 0);
	stream_make(&s, &body);
	assert_malformed(s.b, s.n, TLS_DEFECT_EXTENSIONS);
	/* no extensions at all is fine (SSL 3.0 style) */
	body_make(&body, (const uint16_t[]){ 0x002f, 0x0035 }, 2, NULL, 0);
	body.b[0] = 3;
	body.b[1] = 1;
	stream_make(&s, &body);
	assert_int_equal(tls_parse_stream(s.b, s.n, &h, &need, scr), TLS_OK);
	assert_int_equal(h.n_extensions, 0);
	assert_int_equal(h.max_version, 0x0301);
	/* md5("769,47-53,,,") */
	assert_string_equal(h.ja3, "dac4920d4335e769327dbf4e1b759e15");
	assert_string_equal(h.ja4, "t10i020000_f54dd463d39b_000000000000");
}

static void
test_malformed_extensions(void **state)
{
	struct tls_hello h;
	/* an extension whose length runs past the block */
	static const uint8_t overrun[] = { 0x00, 0x17, 0x00, 0x01 };
	/* a lone byte after the last extension */
	static const uint8_t stray[] = { 0x00, 0x17, 0x00, 0x00, 0x00 };
	/* server_name: list overrun, list short of the extension, empty
	 * extension, empty list, zero-length name, name overrun, two
	 * host_names */
	static const uint8_t sni_over[] = { 0x00, 0x00, 0x00, 0x06, 0x00,
	    0x07, 0x00, 0x00, 0x01, 'a' };
	static const uint8_t sni_short[] = { 0x00, 0x00, 0x00, 0x07, 0x00,
	    0x04, 0x00, 0x00, 0x01, 'a', 'b' };
	static const uint8_t sni_noext[] = { 0x00, 0x00, 0x00, 0x00 };
	static const uint8_t sni_nolist[] = { 0x00, 0x00, 0x00, 0x02, 0x00,
	    0x00 };
	static const uint8_t sni_zero[] = { 0x00, 0x00, 0x00, 0x05, 0x00,
	    0x03, 0x00, 0x00, 0x00 };
	static const uint8_t sni_name_over[] = { 0x00, 0x00, 0x00, 0x06, 0x00,
	    0x04, 0x00, 0x00, 0x02, 'a' };
	static const uint8_t sni_two[] = { 0x00, 0x00, 0x00, 0x0a, 0x00, 0x08,
	    0x00, 0x00, 0x01, 'a', 0x00, 0x00, 0x01, 'b' };
	/* the same extension twice: the first SNI is kept */
	static const uint8_t sni_dup[] = { 0x00, 0x00, 0x00, 0x06, 0x00, 0x04,
	    0x00, 0x00, 0x01, 'a', 0x00, 0x00, 0x00, 0x06, 0x00, 0x04, 0x00,
	    0x00, 0x01, 'b' };
	/* a good SNI, then an ALPN with an empty protocol name; an ALPN
	 * with an empty list; a name overrunning the list */
	static const uint8_t alpn_empty[] = { 0x00, 0x00, 0x00, 0x06, 0x00,
	    0x04, 0x00, 0x00, 0x01, 'x', 0x00, 0x10, 0x00, 0x06, 0x00, 0x04,
	    0x02, 'h', '2', 0x00 };
	static const uint8_t alpn_nolist[] = { 0x00, 0x10, 0x00, 0x02, 0x00,
	    0x00 };
	static const uint8_t alpn_over[] = { 0x00, 0x10, 0x00, 0x04, 0x00,
	    0x02, 0x05, 'h' };
	static const uint8_t versions_odd[] = { 0x00, 0x2b, 0x00, 0x04, 0x03,
	    0x03, 0x04, 0x03 };
	static const uint8_t versions_empty[] = { 0x00, 0x2b, 0x00, 0x01,
	    0x00 };
	static const uint8_t groups_odd[] = { 0x00, 0x0a, 0x00, 0x05, 0x00,
	    0x03, 0x00, 0x1d, 0x00 };
	static const uint8_t formats_empty[] = { 0x00, 0x0b, 0x00, 0x01,
	    0x00 };
	static const uint8_t sigalgs_short[] = { 0x00, 0x0d, 0x00, 0x04, 0x00,
	    0x04, 0x04, 0x03 };
	/* ECH: outer cut before its payload, unknown type, inner with data */
	static const uint8_t ech_cut[] = { 0xfe, 0x0d, 0x00, 0x08, 0x00, 0x00,
	    0x01, 0x00, 0x01, 0x07, 0x00, 0x00 };
	static const uint8_t ech_type[] = { 0xfe, 0x0d, 0x00, 0x01, 0x02 };
	static const uint8_t ech_inner[] = { 0xfe, 0x0d, 0x00, 0x02, 0x01,
	    0x00 };
	static const struct {
		const uint8_t	*ext;
		size_t		 len;
		enum tls_defect	 defect;
	} cases[] = {
		{ overrun, sizeof(overrun), TLS_DEFECT_EXTENSIONS },
		{ stray, sizeof(stray), TLS_DEFECT_EXTENSIONS },
		{ sni_over, sizeof(sni_over), TLS_DEFECT_SNI },
		{ sni_short, sizeof(sni_short), TLS_DEFECT_SNI },
		{ sni_noext, sizeof(sni_noext), TLS_DEFECT_SNI },
		{ sni_nolist, sizeof(sni_nolist), TLS_DEFECT_SNI },
		{ sni_zero, sizeof(sni_zero), TLS_DEFECT_SNI },
		{ sni_name_over, sizeof(sni_name_over), TLS_DEFECT_SNI },
		{ sni_two, sizeof(sni_two), TLS_DEFECT_SNI },
		{ sni_dup, sizeof(sni_dup), TLS_DEFECT_DUPLICATE },
		{ alpn_empty, sizeof(alpn_empty), TLS_DEFECT_ALPN },
		{ alpn_nolist, sizeof(alpn_nolist), TLS_DEFECT_ALPN },
		{ alpn_over, sizeof(alpn_over), TLS_DEFECT_ALPN },
		{ versions_odd, sizeof(versions_odd), TLS_DEFECT_VERSIONS },
		{ versions_empty, sizeof(versions_empty), TLS_DEFECT_VERSIONS },
		{ groups_odd, sizeof(groups_odd), TLS_DEFECT_GROUPS },
		{ formats_empty, sizeof(formats_empty),
		    TLS_DEFECT_POINT_FORMATS },
		{ sigalgs_short, sizeof(sigalgs_short), TLS_DEFECT_SIG_ALGS },
		{ ech_cut, sizeof(ech_cut), TLS_DEFECT_ECH },
		{ ech_type, sizeof(ech_type), TLS_DEFECT_ECH },
		{ ech_inner, sizeof(ech_inner), TLS_DEFECT_ECH },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse_ext(cases[i].ext, cases[i].len, &h),
		    TLS_MALFORMED);
		assert_int_equal(h.defect, cases[i].defect);
		assert_string_equal(h.ja3, "");
	}
	/* what was parsed before the defect is kept */
	assert_int_equal(parse_ext(sni_dup, sizeof(sni_dup), &h),
	    TLS_MALFORMED);
	assert_true(h.has_sni);
	assert_string_equal((const char *)h.sni, "a");
	assert_int_equal(parse_ext(alpn_empty, sizeof(alpn_empty), &h),
	    TLS_MALFORMED);
	assert_true(h.has_sni);
	assert_string_equal((const char *)h.sni, "x");
	assert_int_equal(h.alpn_count, 1);
}

static void
test_sni_edge_cases(void **state)
{
	static struct buf ext;
	struct tls_hello h;
	/* an unknown name_type before the host_name is skipped */
	static const uint8_t other_type[] = { 0x00, 0x00, 0x00, 0x0b, 0x00,
	    0x09, 0x07, 0x00, 0x02, 'z', 'z', 0x00, 0x00, 0x01, 'q' };
	/* only an unknown name_type: the extension, but no host_name */
	static const uint8_t only_other[] = { 0x00, 0x00, 0x00, 0x06, 0x00,
	    0x04, 0x07, 0x00, 0x01, 'z' };
	/* raw bytes: a NUL and a non-ASCII byte are kept as they are */
	static const uint8_t odd_bytes[] = { 0x00, 0x00, 0x00, 0x08, 0x00,
	    0x06, 0x00, 0x00, 0x03, 'a', 0x00, 0xc3 };
	size_t i;

	(void)state;
	assert_int_equal(parse_ext(other_type, sizeof(other_type), &h),
	    TLS_OK);
	assert_true(h.has_sni);
	assert_int_equal(h.sni_len, 1);
	assert_string_equal((const char *)h.sni, "q");

	assert_int_equal(parse_ext(only_other, sizeof(only_other), &h),
	    TLS_OK);
	assert_false(h.has_sni);
	assert_int_equal(h.ja4[3], 'd');	/* the extension is there */

	assert_int_equal(parse_ext(odd_bytes, sizeof(odd_bytes), &h), TLS_OK);
	assert_int_equal(h.sni_len, 3);
	assert_memory_equal(h.sni, "a\0\xc3", 4);

	/* 300 bytes: flagged, the first TLS_SNI_MAX kept */
	ext.n = 0;
	b_u16(&ext, 0);
	b_u16(&ext, 300 + 5);
	b_u16(&ext, 300 + 3);
	b_u8(&ext, 0);
	b_u16(&ext, 300);
	for (i = 0; i < 300; i++)
		b_u8(&ext, 'a' + i % 26);
	assert_int_equal(parse_ext(ext.b, ext.n, &h), TLS_OK);
	assert_true(h.has_sni);
	assert_true(h.sni_too_long);
	assert_int_equal(h.sni_len, 300);
	assert_int_equal(h.sni[0], 'a');
	assert_int_equal(h.sni[TLS_SNI_MAX - 1], 'a' + (TLS_SNI_MAX - 1) % 26);
	assert_int_equal(h.sni[TLS_SNI_MAX], '\0');
	/* one more than TLS_SNI_MAX: flagged */
	ext.n = 0;
	b_u16(&ext, 0);
	b_u16(&ext, TLS_SNI_MAX + 1 + 5);
	b_u16(&ext, TLS_SNI_MAX + 1 + 3);
	b_u8(&ext, 0);
	b_u16(&ext, TLS_SNI_MAX + 1);
	for (i = 0; i < TLS_SNI_MAX + 1; i++)
		b_u8(&ext, 'c');
	assert_int_equal(parse_ext(ext.b, ext.n, &h), TLS_OK);
	assert_true(h.sni_too_long);
	assert_int_equal(h.sni_len, TLS_SNI_MAX + 1);
	assert_int_equal(h.sni[TLS_SNI_MAX - 1], 'c');
	assert_int_equal(h.sni[TLS_SNI_MAX], '\0');
	assert_false(h.has_alpn);
	/* exactly TLS_SNI_MAX: not flagged */
	ext.n = 0;
	b_u16(&ext, 0);
	b_u16(&ext, TLS_SNI_MAX + 5);
	b_u16(&ext, TLS_SNI_MAX + 3);
	b_u8(&ext, 0);
	b_u16(&ext, TLS_SNI_MAX);
	for (i = 0; i < TLS_SNI_MAX; i++)
		b_u8(&ext, 'b');
	assert_int_equal(parse_ext(ext.b, ext.n, &h), TLS_OK);
	assert_false(h.sni_too_long);
	assert_int_equal(h.sni_len, TLS_SNI_MAX);
}

static void
test_grease(void **state)
{
	static const uint16_t ciphers[] = { 0x0a0a, 0x1301, 0x1302, 0xc02b };
	static const uint8_t ext[] = {
		0x1a, 0x1a, 0x00, 0x00,				/* GREASE */
		0x00, 0x00, 0x00, 0x0e, 0x00, 0x0c, 0x00, 0x00, 0x09,
		'a', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e',	/* SNI */
		0x00, 0x0a, 0x00, 0x08, 0x00, 0x06,		/* groups */
		0x2a, 0x2a, 0x00, 0x1d, 0x00, 0x17,
		0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,		/* formats */
		0x00, 0x0d, 0x00, 0x08, 0x00, 0x06,		/* sig algs */
		0x04, 0x03, 0x3a, 0x3a, 0x08, 0x04,
		0x00, 0x10, 0x00, 0x0e, 0x00, 0x0c,		/* ALPN */
		0x02, 'h', '2', 0x08, 'h', 't', 't', 'p', '/', '1', '.', '1',
		0x00, 0x2b, 0x00, 0x07, 0x06,			/* versions */
		0x4a, 0x4a, 0x03, 0x04, 0x03, 0x03,
		0xfa, 0xfa, 0x00, 0x01, 0x00,			/* GREASE */
	};
	static struct buf body, s;
	struct tls_hello h;
	size_t need;

	(void)state;
	body_make(&body, ciphers, 4, ext, sizeof(ext));
	stream_make(&s, &body);
	assert_int_equal(tls_parse_stream(s.b, s.n, &h, &need, scr), TLS_OK);
	assert_int_equal(h.grease, TLS_GREASE_CIPHER | TLS_GREASE_EXTENSION |
	    TLS_GREASE_GROUP | TLS_GREASE_VERSION | TLS_GREASE_SIG_ALG);
	assert_int_equal(h.n_ciphers, 3);
	assert_int_equal(h.n_extensions, 6);
	assert_int_equal(h.n_groups, 2);
	assert_int_equal(h.n_point_formats, 1);
	assert_int_equal(h.n_sig_algs, 2);
	assert_int_equal(h.n_versions, 2);
	assert_int_equal(h.max_version, 0x0304);	/* not 0x4a4a */
	assert_string_equal((const char *)h.sni, "a.example");
	/* md5("771,4865-4866-49195,0-10-11-13-16-43,29-23,0") */
	assert_string_equal(h.ja3, "11138d9933242c3a03b6aad35a296476");
	/* sha256("1301,1302,c02b"), sha256("000a,000b,000d,002b_0403,0804") */
	assert_string_equal(h.ja4, "t13d0306h2_5559582ccdc4_fb71836bce29");

	/* supported_versions holding only GREASE: legacy_version counts */
	assert_int_equal(parse_ext((const uint8_t *)"\x00\x2b\x00\x03\x02"
	    "\x7a\x7a", 7, &h), TLS_OK);
	assert_int_equal(h.n_versions, 0);
	assert_int_equal(h.max_version, 0x0303);
	assert_int_equal(h.grease, TLS_GREASE_VERSION);
}

static void
test_ja4_alpn_and_counts(void **state)
{
	static const struct {
		const char	*alpn;	/* ALPN extension, protocol list */
		size_t		 len;
		const char	*ja4;
	} cases[] = {
		/* JA4.md examples: hex first/last when not alphanumeric */
		{ "\x00\x10\x00\x04\x00\x02\x01\xab", 8,
		    "t12i0201ab_62ed6f6ca7ad_000000000000" },
		{ "\x00\x10\x00\x05\x00\x03\x02\xab\xcd", 9,
		    "t12i0201ad_62ed6f6ca7ad_000000000000" },
		{ "\x00\x10\x00\x05\x00\x03\x02\x30\xab", 9,
		    "t12i02013b_62ed6f6ca7ad_000000000000" },
		{ "\x00\x10\x00\x07\x00\x05\x04\x30\x31\xab\xcd", 11,
		    "t12i02013d_62ed6f6ca7ad_000000000000" },
		{ "\x00\x10\x00\x07\x00\x05\x04\x30\xab\xcd\x31", 11,
		    "t12i020101_62ed6f6ca7ad_000000000000" },
		/* one character: used twice */
		{ "\x00\x10\x00\x04\x00\x02\x01h", 8,
		    "t12i0201hh_62ed6f6ca7ad_000000000000" },
		{ "\x00\x10\x00\x0b\x00\x09\x08http/1.1", 15,
		    "t12i0201h1_62ed6f6ca7ad_000000000000" },
	};
	static struct buf body, s, ext;
	uint16_t many[120];
	struct tls_hello h;
	size_t i, need;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse_ext((const uint8_t *)cases[i].alpn,
		    cases[i].len, &h), TLS_OK);
		assert_string_equal(h.ja4, cases[i].ja4);
	}
	/* counts are capped at 99 in JA4, not in the struct */
	for (i = 0; i < 120; i++)
		many[i] = (uint16_t)(120 - i);
	ext.n = 0;
	for (i = 0; i < 100; i++) {
		b_u16(&ext, 0x1000 + (unsigned int)i);	/* unknown, empty */
		b_u16(&ext, 0);
	}
	body_make(&body, many, 120, ext.b, ext.n);
	stream_make(&s, &body);
	assert_int_equal(tls_parse_stream(s.b, s.n, &h, &need, scr), TLS_OK);
	assert_int_equal(h.n_ciphers, 120);
	assert_int_equal(h.n_extensions, 100);
	assert_memory_equal(h.ja4, "t12i999900_0f8860b09f90_", 24);
	/* SNI, ALPN and supported_versions: '_' with no signature algs */
	assert_int_equal(parse_ext((const uint8_t *)"\x00\x00\x00\x06\x00\x04"
	    "\x00\x00\x01x\x00\x10\x00\x05\x00\x03\x02h2\x00\x2b\x00\x03\x02"
	    "\x03\x04", 26, &h), TLS_OK);
	assert_string_equal(h.ja4, "t13d0203h2_62ed6f6ca7ad_9b00d4eb1ff0");
}

static void
test_flags(void **state)
{
	struct tls_hello h;

	(void)state;
	/* pre_shared_key and early_data: a resumption with 0-RTT */
	assert_int_equal(parse_ext((const uint8_t *)"\x00\x2a\x00\x00\x00\x29"
	    "\x00\x00", 8, &h), TLS_OK);
	assert_true(h.has_psk);
	assert_true(h.has_early_data);
	/* an inner ECHClientHello is empty */
	assert_int_equal(parse_ext((const uint8_t *)"\xfe\x0d\x00\x01\x01", 5,
	    &h), TLS_OK);
	assert_true(h.has_ech);
	assert_int_equal(h.ech_type, TLS_ECH_INNER);
	assert_int_equal(h.ech_payload_len, 0);
	/* an outer one with an empty enc (HRR) */
	assert_int_equal(parse_ext((const uint8_t *)"\xfe\x0d\x00\x0c\x00\x00"
	    "\x01\x00\x03\x2a\x00\x00\x00\x02\xaa\xbb", 16, &h), TLS_OK);
	assert_int_equal(h.ech_kdf_id, 1);
	assert_int_equal(h.ech_aead_id, 3);
	assert_int_equal(h.ech_config_id, 42);
	assert_int_equal(h.ech_enc_len, 0);
	assert_int_equal(h.ech_payload_len, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_curl),
		cmocka_unit_test(test_chromium_mlkem),
		cmocka_unit_test(test_openssl_tls12),
		cmocka_unit_test(test_long_sni),
		cmocka_unit_test(test_record_fragmented),
		cmocka_unit_test(test_ja4_reference),
		cmocka_unit_test(test_ech_and_esni),
		cmocka_unit_test(test_truncate_every_offset),
		cmocka_unit_test(test_fragment_every_split),
		cmocka_unit_test(test_not_tls),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_large_second_record),
		cmocka_unit_test(test_malformed_framing),
		cmocka_unit_test(test_malformed_extensions),
		cmocka_unit_test(test_sni_edge_cases),
		cmocka_unit_test(test_grease),
		cmocka_unit_test(test_ja4_alpn_and_counts),
		cmocka_unit_test(test_flags),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
