/*
 * test_proto_quic.c - QUIC Initial packets to CRYPTO frames.
 *
 * Ground truth: the sample packets of RFC 9001 and RFC 9369 (Appendix A of
 * each: keys, client Initial, server Initial, Retry), and real client
 * datagrams from public captures (tests/data/proto_quic/README.md names the
 * capture and frame of each file) whose CRYPTO frames must reassemble into a
 * ClientHello naming the server the capture's manifest names.  Plus
 * synthetic packets made with quic_build_initial(): coalescing, packet
 * number decoding, frame rules, truncation at every offset.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testdata.h"

#include "proto_quic.h"

#define REASM_MAX	8192	/* CRYPTO stream bytes kept by the tests */
#define DGRAM_MAX	2048

static struct quic_ctx *ctx;

/* ---- RFC 9001 and RFC 9369, Appendix A, as printed there ------------- */

/* 245 bytes */
static const char rfc9001_crypto[] =
    "060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868"
    "04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578"
    "616d706c652e636f6dff01000100000a00080006001d00170018001000070005"
    "04616c706e000500050100000000003300260024001d00209370b2c9caa47fba"
    "baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400"
    "0d0010000e0403050306030203080408050806002d00020101001c0002400100"
    "3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000"
    "75300901100f088394c8f03e51570806048000ffff";

/* 1200 bytes */
static const char rfc9001_client[] =
    "c000000001088394c8f03e5157080000449e7b9aec34d1b1c98dd7689fb8ec11"
    "d242b123dc9bd8bab936b47d92ec356c0bab7df5976d27cd449f63300099f399"
    "1c260ec4c60d17b31f8429157bb35a1282a643a8d2262cad67500cadb8e7378c"
    "8eb7539ec4d4905fed1bee1fc8aafba17c750e2c7ace01e6005f80fcb7df6212"
    "30c83711b39343fa028cea7f7fb5ff89eac2308249a02252155e2347b63d58c5"
    "457afd84d05dfffdb20392844ae812154682e9cf012f9021a6f0be17ddd0c208"
    "4dce25ff9b06cde535d0f920a2db1bf362c23e596d11a4f5a6cf3948838a3aec"
    "4e15daf8500a6ef69ec4e3feb6b1d98e610ac8b7ec3faf6ad760b7bad1db4ba3"
    "485e8a94dc250ae3fdb41ed15fb6a8e5eba0fc3dd60bc8e30c5c4287e53805db"
    "059ae0648db2f64264ed5e39be2e20d82df566da8dd5998ccabdae053060ae6c"
    "7b4378e846d29f37ed7b4ea9ec5d82e7961b7f25a9323851f681d582363aa5f8"
    "9937f5a67258bf63ad6f1a0b1d96dbd4faddfcefc5266ba6611722395c906556"
    "be52afe3f565636ad1b17d508b73d8743eeb524be22b3dcbc2c7468d54119c74"
    "68449a13d8e3b95811a198f3491de3e7fe942b330407abf82a4ed7c1b311663a"
    "c69890f4157015853d91e923037c227a33cdd5ec281ca3f79c44546b9d90ca00"
    "f064c99e3dd97911d39fe9c5d0b23a229a234cb36186c4819e8b9c5927726632"
    "291d6a418211cc2962e20fe47feb3edf330f2c603a9d48c0fcb5699dbfe58964"
    "25c5bac4aee82e57a85aaf4e2513e4f05796b07ba2ee47d80506f8d2c25e50fd"
    "14de71e6c418559302f939b0e1abd576f279c4b2e0feb85c1f28ff18f58891ff"
    "ef132eef2fa09346aee33c28eb130ff28f5b766953334113211996d20011a198"
    "e3fc433f9f2541010ae17c1bf202580f6047472fb36857fe843b19f5984009dd"
    "c324044e847a4f4a0ab34f719595de37252d6235365e9b84392b061085349d73"
    "203a4a13e96f5432ec0fd4a1ee65accdd5e3904df54c1da510b0ff20dcc0c77f"
    "cb2c0e0eb605cb0504db87632cf3d8b4dae6e705769d1de354270123cb11450e"
    "fc60ac47683d7b8d0f811365565fd98c4c8eb936bcab8d069fc33bd801b03ade"
    "a2e1fbc5aa463d08ca19896d2bf59a071b851e6c239052172f296bfb5e724047"
    "90a2181014f3b94a4e97d117b438130368cc39dbb2d198065ae3986547926cd2"
    "162f40a29f0c3c8745c0f50fba3852e566d44575c29d39a03f0cda721984b6f4"
    "40591f355e12d439ff150aab7613499dbd49adabc8676eef023b15b65bfc5ca0"
    "6948109f23f350db82123535eb8a7433bdabcb909271a6ecbcb58b936a88cd4e"
    "8f2e6ff5800175f113253d8fa9ca8885c2f552e657dc603f252e1a8e308f76f0"
    "be79e2fb8f5d5fbbe2e30ecadd220723c8c0aea8078cdfcb3868263ff8f09400"
    "54da48781893a7e49ad5aff4af300cd804a6b6279ab3ff3afb64491c85194aab"
    "760d58a606654f9f4400e8b38591356fbf6425aca26dc85244259ff2b19c41b9"
    "f96f3ca9ec1dde434da7d2d392b905ddf3d1f9af93d1af5950bd493f5aa731b4"
    "056df31bd267b6b90a079831aaf579be0a39013137aac6d404f518cfd4684064"
    "7e78bfe706ca4cf5e9c5453e9f7cfd2b8b4c8d169a44e55c88d4a9a7f9474241"
    "e221af44860018ab0856972e194cd934";

/* 99 bytes */
static const char rfc9001_server_payload[] =
    "02000000000600405a020000560303eefce7f7b37ba1d1632e96677825ddf739"
    "88cfc79825df566dc5430b9a045a1200130100002e00330024001d00209d3c94"
    "0d89690b84d08a60993c144eca684d1081287c834d5311bcf32bb9da1a002b00"
    "020304";

/* 135 bytes */
static const char rfc9001_server[] =
    "cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a"
    "5816b6394100f37a1c69797554780bb38cc5a99f5ede4cf73c3ec2493a1839b3"
    "dbcba3f6ea46c5b7684df3548e7ddeb9c3bf9c73cc3f3bded74b562bfb19fb84"
    "022f8ef4cdd93795d77d06edbb7aaf2f58891850abbdca3d20398c276456cbc4"
    "2158407dd074ee";

/* 36 bytes */
static const char rfc9001_retry[] =
    "ff000000010008f067a5502a4262b5746f6b656e04a265ba2eff4d829058fb3f"
    "0f2496ba";

/* 1200 bytes */
static const char rfc9369_client[] =
    "d76b3343cf088394c8f03e5157080000449ea0c95e82ffe67b6abcdb4298b485"
    "dd04de806071bf03dceebfa162e75d6c96058bdbfb127cdfcbf903388e99ad04"
    "9f9a3dd4425ae4d0992cfff18ecf0fdb5a842d09747052f17ac2053d21f57c5d"
    "250f2c4f0e0202b70785b7946e992e58a59ac52dea6774d4f03b55545243cf1a"
    "12834e3f249a78d395e0d18f4d766004f1a2674802a747eaa901c3f10cda5500"
    "cb9122faa9f1df66c392079a1b40f0de1c6054196a11cbea40afb6ef5253cd68"
    "18f6625efce3b6def6ba7e4b37a40f7732e093daa7d52190935b8da58976ff33"
    "12ae50b187c1433c0f028edcc4c2838b6a9bfc226ca4b4530e7a4ccee1bfa2a3"
    "d396ae5a3fb512384b2fdd851f784a65e03f2c4fbe11a53c7777c023462239dd"
    "6f7521a3f6c7d5dd3ec9b3f233773d4b46d23cc375eb198c63301c21801f6520"
    "bcfb7966fc49b393f0061d974a2706df8c4a9449f11d7f3d2dcbb90c6b877045"
    "636e7c0c0fe4eb0f697545460c806910d2c355f1d253bc9d2452aaa549e27a1f"
    "ac7cf4ed77f322e8fa894b6a83810a34b361901751a6f5eb65a0326e07de7c12"
    "16ccce2d0193f958bb3850a833f7ae432b65bc5a53975c155aa4bcb4f7b2c4e5"
    "4df16efaf6ddea94e2c50b4cd1dfe06017e0e9d02900cffe1935e0491d77ffb4"
    "fdf85290fdd893d577b1131a610ef6a5c32b2ee0293617a37cbb08b847741c3b"
    "8017c25ca9052ca1079d8b78aebd47876d330a30f6a8c6d61dd1ab5589329de7"
    "14d19d61370f8149748c72f132f0fc99f34d766c6938597040d8f9e2bb522ff9"
    "9c63a344d6a2ae8aa8e51b7b90a4a806105fcbca31506c446151adfeceb51b91"
    "abfe43960977c87471cf9ad4074d30e10d6a7f03c63bd5d4317f68ff325ba3bd"
    "80bf4dc8b52a0ba031758022eb025cdd770b44d6d6cf0670f4e990b22347a7db"
    "848265e3e5eb72dfe8299ad7481a408322cac55786e52f633b2fb6b614eaed18"
    "d703dd84045a274ae8bfa73379661388d6991fe39b0d93debb41700b41f90a15"
    "c4d526250235ddcd6776fc77bc97e7a417ebcb31600d01e57f32162a8560cacc"
    "7e27a096d37a1a86952ec71bd89a3e9a30a2a26162984d7740f81193e8238e61"
    "f6b5b984d4d3dfa033c1bb7e4f0037febf406d91c0dccf32acf423cfa1e70710"
    "10d3f270121b493ce85054ef58bada42310138fe081adb04e2bd901f2f13458b"
    "3d6758158197107c14ebb193230cd1157380aa79cae1374a7c1e5bbcb80ee23e"
    "06ebfde206bfb0fcbc0edc4ebec309661bdd908d532eb0c6adc38b7ca7331dce"
    "8dfce39ab71e7c32d318d136b6100671a1ae6a6600e3899f31f0eed19e3417d1"
    "34b90c9058f8632c798d4490da4987307cba922d61c39805d072b589bd52fdf1"
    "e86215c2d54e6670e07383a27bbffb5addf47d66aa85a0c6f9f32e59d85a44dd"
    "5d3b22dc2be80919b490437ae4f36a0ae55edf1d0b5cb4e9a3ecabee93dfc6e3"
    "8d209d0fa6536d27a5d6fbb17641cde27525d61093f1b28072d111b2b4ae5f89"
    "d5974ee12e5cf7d5da4d6a31123041f33e61407e76cffcdcfd7e19ba58cf4b53"
    "6f4c4938ae79324dc402894b44faf8afbab35282ab659d13c93f70412e85cb19"
    "9a37ddec600545473cfb5a05e08d0b209973b2172b4d21fb69745a262ccde96b"
    "a18b2faa745b6fe189cf772a9f84cbfc";

/* 135 bytes */
static const char rfc9369_server[] =
    "dc6b3343cf0008f067a5502a4262b5004075d92faaf16f05d8a4398c47089698"
    "baeea26b91eb761d9b89237bbf87263017915358230035f7fd3945d88965cf17"
    "f9af6e16886c61bfc703106fbaf3cb4cfa52382dd16a393e42757507698075b2"
    "c984c707f0a0812d8cd5a6881eaf21ceda98f4bd23f6fe1a3e2c43edd9ce7ca8"
    "4bed8521e2e140";

/* 36 bytes */
static const char rfc9369_retry[] =
    "cf6b3343cf0008f067a5502a4262b5746f6b656ec8646ce8bfe33952d9555436"
    "65dcc7b6";

/* A.1: the client-chosen Destination Connection ID of every sample. */
static const uint8_t rfc_dcid[8] = { 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51,
    0x57, 0x08 };
/* A.3: the server's Source Connection ID. */
static const uint8_t rfc_server_scid[8] = { 0xf0, 0x67, 0xa5, 0x50, 0x2a,
    0x42, 0x62, 0xb5 };

/* Decodes hex text into out; returns the byte count. */
static size_t
hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned v;

	while (s[0] != '\0' && s[1] != '\0') {
		assert_true(n < cap);
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* ---- test data files --------------------------------------------------- */

/* tests/data/proto_quic/name into buf (fewer than cap bytes). */
static size_t
load(const char *name, uint8_t *buf, size_t cap)
{
	char rel[256], *b;
	size_t n;

	snprintf(rel, sizeof(rel), "data/proto_quic/%s", name);
	b = testdata_load(rel, cap + 1, &n);
	memcpy(buf, b, n);
	free(b);
	return n;
}

/* ---- a CRYPTO stream reassembled by offset ----------------------------- */

struct reasm {
	uint8_t		buf[REASM_MAX];
	uint8_t		have[REASM_MAX];
	unsigned	calls;
	uint64_t	first_off;	/* offset of the first frame handed */
	uint64_t	bytes;
};

static void
reasm_cb(void *arg, uint64_t off, const uint8_t *data, size_t len)
{
	struct reasm *r = arg;
	size_t i;

	assert_non_null(data);
	assert_true(len > 0);
	assert_true(off + len < (UINT64_C(1) << 62));
	if (r->calls == 0)
		r->first_off = off;
	r->calls++;
	r->bytes += len;
	for (i = 0; i < len && off + i < REASM_MAX; i++) {
		/* a byte seen twice must not change */
		if (r->have[off + i])
			assert_int_equal(r->buf[off + i], data[i]);
		r->buf[off + i] = data[i];
		r->have[off + i] = 1;
	}
}

/* Length of the stream contiguous from offset 0. */
static size_t
reasm_prefix(const struct reasm *r)
{
	size_t n = 0;

	while (n < REASM_MAX && r->have[n])
		n++;
	return n;
}

/* 1 if the contiguous stream holds the n bytes at s. */
static int
reasm_has(const struct reasm *r, const void *s, size_t n)
{
	size_t len = reasm_prefix(r), i;

	for (i = 0; n <= len && i <= len - n; i++)
		if (memcmp(r->buf + i, s, n) == 0)
			return 1;
	return 0;
}

/* The contiguous stream starts with a ClientHello (handshake type 1) whose
 * length fits the stream and names host in a server_name extension
 * (name_type 0, 16-bit length, name). */
static void
assert_client_hello_sni(const struct reasm *r, const char *host)
{
	uint8_t pat[260];
	size_t hl = strlen(host), chlen;

	assert_true(hl < 250);
	assert_int_equal(r->buf[0], 0x01);
	chlen = (size_t)r->buf[1] << 16 | (size_t)r->buf[2] << 8 | r->buf[3];
	assert_true(reasm_prefix(r) >= 4 + chlen);
	pat[0] = 0x00;
	pat[1] = (uint8_t)(hl >> 8);
	pat[2] = (uint8_t)hl;
	memcpy(pat + 3, host, hl);
	assert_true(reasm_has(r, pat, hl + 3));
}

static struct reasm *
reasm_new(void)
{
	struct reasm *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	return r;
}

/* ---- RFC vectors --------------------------------------------------------- */

static void
check_keys(uint32_t version, int server, const char *key, const char *iv,
    const char *hp)
{
	struct quic_keyset ks;
	uint8_t want[16];

	assert_int_equal(quic_keyset_derive(ctx, &ks, version, rfc_dcid,
	    sizeof(rfc_dcid), server), 0);
	assert_int_equal(hex(key, want, sizeof(want)), 16);
	assert_memory_equal(ks.key, want, 16);
	assert_int_equal(hex(iv, want, sizeof(want)), 12);
	assert_memory_equal(ks.iv, want, 12);
	assert_int_equal(hex(hp, want, sizeof(want)), 16);
	assert_memory_equal(ks.hp, want, 16);
	assert_int_equal(ks.version, version);
	assert_int_equal(ks.dcid_len, 8);
}

static void
test_rfc_keys(void **state)
{
	struct quic_keyset ks;

	(void)state;
	/* RFC 9001 A.1 */
	check_keys(QUIC_VERSION_1, 0, "1f369613dd76d5467730efcbe3b1a22d",
	    "fa044b2f42a3fd3b46fb255c", "9f50449e04a0e810283a1e9933adedd2");
	check_keys(QUIC_VERSION_1, 1, "cf3a5331653c364c88f0f379b6067e37",
	    "0ac1493ca1905853b0bba03e", "c206b8d9b9f0f37644430b490eeaa314");
	/* RFC 9369 A.1 */
	check_keys(QUIC_VERSION_2, 0, "8b1a0bc121284290a29e0971b5cd045d",
	    "91f73e2351d8fa91660e909f", "45b95e15235d6f45a6b19cbcb0294ba9");
	check_keys(QUIC_VERSION_2, 1, "82db637861d55e1d011f19ea71d5d2a7",
	    "dd13c276499c0249d3310652", "edf6d05c83121201b436e16877593c3a");
	/* unknown version, oversized DCID; an empty DCID derives */
	assert_int_equal(quic_keyset_derive(ctx, &ks, 0x51303530, rfc_dcid,
	    8, 0), -1);
	assert_int_equal(quic_keyset_derive(ctx, &ks, QUIC_VERSION_1, rfc_dcid,
	    QUIC_CID_MAX + 1, 0), -1);
	assert_int_equal(quic_keyset_derive(ctx, &ks, QUIC_VERSION_1, NULL, 0,
	    0), 0);
	assert_int_equal(ks.dcid_len, 0);
}

/* The A.2 plaintext: the CRYPTO frame, then PADDING to 1162 bytes. */
static size_t
rfc_client_plaintext(uint8_t *out, size_t cap)
{
	size_t n = hex(rfc9001_crypto, out, cap);

	assert_int_equal(n, 245);
	assert_true(cap >= 1162);
	memset(out + n, 0, 1162 - n);
	return 1162;
}

static void
check_rfc_client(uint32_t version, const char *protected_hex)
{
	uint8_t pkt[DGRAM_MAX], plain[DGRAM_MAX], built[DGRAM_MAX];
	struct quic_keys keys;
	struct quic_keyset ks;
	struct quic_info info;
	struct quic_build b;
	struct reasm *r = reasm_new();
	size_t n, pn;

	n = hex(protected_hex, pkt, sizeof(pkt));
	assert_int_equal(n, 1200);
	quic_keys_reset(&keys);
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, pkt,
	    n, reasm_cb, r, &info), QUIC_OK);
	assert_int_equal(info.version, version);
	assert_int_equal(info.dcid_len, 8);
	assert_memory_equal(info.dcid, rfc_dcid, 8);
	assert_int_equal(info.scid_len, 0);
	assert_int_equal(info.token_len, 0);
	assert_int_equal(info.packets, 1);
	assert_int_equal(info.initials, 1);
	assert_int_equal(info.decrypted, 1);
	assert_int_equal(info.key_derivations, 1);
	assert_int_equal(info.largest_pn, 2);
	assert_int_equal(info.crypto_frames, 1);
	assert_int_equal(info.padding_bytes, 1162 - 245);
	assert_int_equal(info.crypto_end, 0xf1);
	/* the frame's data is the ClientHello of A.2, byte for byte */
	pn = rfc_client_plaintext(plain, sizeof(plain));
	assert_int_equal(r->calls, 1);
	assert_int_equal(reasm_prefix(r), 0xf1);
	assert_memory_equal(r->buf, plain + 4, 0xf1);
	assert_client_hello_sni(r, "example.com");

	/* a second packet of the flow derives nothing */
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, rfc_dcid, 8,
	    pkt, n, NULL, NULL, &info), QUIC_OK);
	assert_int_equal(info.key_derivations, 0);

	/* protecting the plaintext gives the RFC's packet */
	assert_int_equal(quic_keyset_derive(ctx, &ks, version, rfc_dcid, 8, 0),
	    0);
	memset(&b, 0, sizeof(b));
	b.version = version;
	b.dcid = rfc_dcid;
	b.dcid_len = 8;
	b.pn = 2;
	b.pn_len = 4;
	b.payload = plain;
	b.payload_len = pn;
	assert_int_equal(quic_build_initial(ctx, &ks, &b, built,
	    sizeof(built)), 1200);
	assert_memory_equal(built, pkt, 1200);
	assert_int_equal(quic_build_initial(ctx, &ks, &b, built, 1199), 0);
	free(r);
}

static void
test_rfc_client_initial(void **state)
{
	(void)state;
	check_rfc_client(QUIC_VERSION_1, rfc9001_client);
	check_rfc_client(QUIC_VERSION_2, rfc9369_client);
}

static void
check_rfc_server(uint32_t version, const char *protected_hex)
{
	uint8_t want[DGRAM_MAX], payload[256], built[DGRAM_MAX];
	struct quic_keyset ks;
	struct quic_info info;
	struct quic_build b;
	size_t n, pl;

	n = hex(protected_hex, want, sizeof(want));
	assert_int_equal(n, 135);
	pl = hex(rfc9001_server_payload, payload, sizeof(payload));
	assert_int_equal(quic_keyset_derive(ctx, &ks, version, rfc_dcid, 8, 1),
	    0);
	memset(&b, 0, sizeof(b));
	b.version = version;
	b.scid = rfc_server_scid;
	b.scid_len = 8;
	b.pn = 1;
	b.pn_len = 2;
	b.payload = payload;
	b.payload_len = pl;
	assert_int_equal(quic_build_initial(ctx, &ks, &b, built,
	    sizeof(built)), n);
	assert_memory_equal(built, want, n);
	/* the server side is parsed for its header only */
	assert_int_equal(quic_parse_server_datagram(ctx, NULL, 0, want, n,
	    &info), QUIC_OK);
	assert_int_equal(info.version, version);
	assert_int_equal(info.initials, 1);
	assert_int_equal(info.scid_len, 8);
	assert_memory_equal(info.scid, rfc_server_scid, 8);
	assert_int_equal(info.dcid_len, 0);
	assert_int_equal(info.decrypted, 0);
}

static void
test_rfc_server_initial(void **state)
{
	(void)state;
	check_rfc_server(QUIC_VERSION_1, rfc9001_server);
	check_rfc_server(QUIC_VERSION_2, rfc9369_server);
}

static void
check_rfc_retry(uint32_t version, const char *retry_hex)
{
	uint8_t pkt[64];
	uint8_t wrong[8];
	struct quic_info info;
	size_t n = hex(retry_hex, pkt, sizeof(pkt));

	assert_int_equal(quic_parse_server_datagram(ctx, rfc_dcid, 8, pkt, n,
	    &info), QUIC_RETRY);
	assert_int_equal(info.version, version);
	assert_int_equal(info.retry_check, QUIC_RETRY_VALID);
	assert_int_equal(info.scid_len, 8);
	assert_memory_equal(info.scid, rfc_server_scid, 8);
	assert_int_equal(info.token_len, 5);	/* "token" */
	memcpy(wrong, rfc_dcid, 8);
	wrong[7] ^= 1;
	assert_int_equal(quic_parse_server_datagram(ctx, wrong, 8, pkt, n,
	    &info), QUIC_RETRY);
	assert_int_equal(info.retry_check, QUIC_RETRY_INVALID);
	assert_int_equal(quic_parse_server_datagram(ctx, NULL, 0, pkt, n,
	    &info), QUIC_RETRY);
	assert_int_equal(info.retry_check, QUIC_RETRY_UNCHECKED);
	/* a client datagram can hold one too: recognised, not opened */
	assert_int_equal(quic_parse_client_datagram(ctx, NULL, NULL, 0, pkt, n,
	    NULL, NULL, &info), QUIC_RETRY);
	pkt[n - 1] ^= 0x80;
	assert_int_equal(quic_parse_server_datagram(ctx, rfc_dcid, 8, pkt, n,
	    &info), QUIC_RETRY);
	assert_int_equal(info.retry_check, QUIC_RETRY_INVALID);
}

static void
test_rfc_retry(void **state)
{
	(void)state;
	check_rfc_retry(QUIC_VERSION_1, rfc9001_retry);
	check_rfc_retry(QUIC_VERSION_2, rfc9369_retry);
}

/* ---- real client datagrams ------------------------------------------ */

/* Parses one file as a client datagram into r; returns the status. */
static enum quic_status
parse_file(const char *name, struct quic_keys *keys, const uint8_t *kd,
    size_t kdlen, struct reasm *r, struct quic_info *info)
{
	uint8_t buf[DGRAM_MAX];
	size_t n = load(name, buf, sizeof(buf));

	return quic_parse_client_datagram(ctx, keys, kd, kdlen, buf, n,
	    r != NULL ? reasm_cb : NULL, r, info);
}

/* One datagram, one ClientHello. */
static void
check_single(const char *name, uint32_t version, const char *host,
    unsigned packets)
{
	struct quic_keys keys;
	struct quic_info info;
	struct reasm *r = reasm_new();

	quic_keys_reset(&keys);
	assert_int_equal(parse_file(name, &keys, NULL, 0, r, &info), QUIC_OK);
	assert_int_equal(info.version, version);
	assert_int_equal(info.packets, packets);
	assert_int_equal(info.initials, 1);
	assert_int_equal(info.skipped, packets - 1);
	assert_int_equal(info.decrypted, 1);
	assert_int_equal(info.decrypt_failed, 0);
	assert_int_equal(info.violations, 0);
	assert_int_equal(reasm_prefix(r), info.crypto_end);
	assert_client_hello_sni(r, host);
	free(r);
}

static void
test_real_versions(void **state)
{
	(void)state;
	check_single("v1_msquic.bin", QUIC_VERSION_1, "msquic.net", 1);
	/* v2, coalesced with a 0-RTT packet */
	check_single("v2_initial_0rtt.bin", QUIC_VERSION_2, "test", 2);
	check_single("v2_echo.bin", QUIC_VERSION_2, "localhost", 1);
	check_single("d29_initial.bin", 0xff00001d, "localhost", 1);
	/* draft-28, coalesced with 0-RTT */
	check_single("d28_initial_0rtt.bin", 0xff00001c, "abcd", 2);
	check_single("d27_initial.bin", 0xff00001b, "play.google.com", 1);
	check_single("mvfst22_initial.bin", 0xfaceb001, "graph.facebook.com",
	    1);
	/* interop runner forcing version negotiation: draft-29 keys */
	check_single("forcing_vn_initial.bin", 0x0a0a0a0a, "nghttp2.org", 1);
}

static void
test_chrome_scattered(void **state)
{
	struct quic_keys keys;
	struct quic_info info;
	struct reasm *r = reasm_new();
	uint8_t dcid[QUIC_CID_MAX];
	size_t dlen;

	(void)state;
	/* eight CRYPTO frames out of order, PINGs and PADDING between */
	quic_keys_reset(&keys);
	assert_int_equal(parse_file("chrome_scattered.bin", &keys, NULL, 0, r,
	    &info), QUIC_OK);
	assert_int_equal(info.crypto_frames, 8);
	assert_int_equal(r->calls, 8);
	assert_true(r->first_off != 0);
	assert_int_equal(info.ping_frames, 3);
	assert_int_equal(reasm_prefix(r), 329);
	assert_client_hello_sni(r, "www.google.com");
	free(r);

	/* one ClientHello over three Initials, keys derived once */
	r = reasm_new();
	quic_keys_reset(&keys);
	assert_int_equal(parse_file("chrome_multi_1.bin", &keys, NULL, 0, r,
	    &info), QUIC_OK);
	assert_int_equal(info.key_derivations, 1);
	assert_int_equal(info.crypto_end, 2246);
	dlen = info.dcid_len;
	memcpy(dcid, info.dcid, dlen);
	assert_true(reasm_prefix(r) < 2246);
	assert_int_equal(parse_file("chrome_multi_2.bin", &keys, dcid, dlen, r,
	    &info), QUIC_OK);
	assert_int_equal(info.key_derivations, 0);
	assert_true(reasm_prefix(r) < 2246);
	assert_int_equal(parse_file("chrome_multi_3.bin", &keys, dcid, dlen, r,
	    &info), QUIC_OK);
	assert_int_equal(info.key_derivations, 0);
	assert_int_equal(reasm_prefix(r), 2246);
	assert_int_equal(r->bytes, 2246);
	assert_client_hello_sni(r, "googleads.g.doubleclick.net");
	free(r);
}

static void
test_zero_rtt_first(void **state)
{
	static const char *initials[] = { "zrtt_initial_4.bin",
	    "zrtt_initial_6.bin", "zrtt_initial_7.bin", "zrtt_initial_8.bin",
	    "zrtt_initial_9.bin", "zrtt_initial_11.bin",
	    "zrtt_initial_12.bin" };
	struct quic_keys keys;
	struct quic_info info;
	struct reasm *r = reasm_new();
	uint8_t dcid[QUIC_CID_MAX];
	size_t i, dlen = 0;

	(void)state;
	quic_keys_reset(&keys);
	/* three 0-RTT packets come first: skipped, nothing derived */
	assert_int_equal(parse_file("zrtt_0rtt.bin", &keys, NULL, 0, r, &info),
	    QUIC_NOT_INITIAL);
	assert_int_equal(info.packets, 1);
	assert_int_equal(info.skipped, 1);
	assert_int_equal(info.key_derivations, 0);
	assert_int_equal(r->calls, 0);
	for (i = 0; i < sizeof(initials) / sizeof(initials[0]); i++) {
		assert_int_equal(parse_file(initials[i], &keys,
		    dlen > 0 ? dcid : NULL, dlen, r, &info), QUIC_OK);
		if (i == 0) {
			dlen = info.dcid_len;
			memcpy(dcid, info.dcid, dlen);
		}
		assert_int_equal(info.dcid_fallbacks, 0);
	}
	/* the later ones go to the server's CID: keys still the first DCID */
	assert_int_not_equal(memcmp(info.dcid, dcid, dlen), 0);
	assert_int_equal(reasm_prefix(r), 2203);
	assert_client_hello_sni(r, "www.google.de");

	/* alone, with its own DCID, it does not open */
	quic_keys_reset(&keys);
	assert_int_equal(parse_file("zrtt_initial_8.bin", &keys, NULL, 0, NULL,
	    &info), QUIC_DECRYPT_FAIL);
	assert_int_equal(info.decrypt_failed, 1);
	free(r);
}

static void
test_retry_flow(void **state)
{
	uint8_t buf[DGRAM_MAX], odcid[QUIC_CID_MAX], ncid[QUIC_CID_MAX];
	struct quic_keys keys;
	struct quic_info info;
	struct reasm *r = reasm_new(), *r2 = reasm_new();
	size_t n, olen, nlen;

	(void)state;
	quic_keys_reset(&keys);
	assert_int_equal(parse_file("retry_initial_1.bin", &keys, NULL, 0, r,
	    &info), QUIC_OK);
	olen = info.dcid_len;
	memcpy(odcid, info.dcid, olen);
	assert_int_equal(parse_file("retry_initial_2.bin", &keys, odcid, olen,
	    r, &info), QUIC_OK);
	assert_client_hello_sni(r, "www.gravatar.com");

	/* the server's Retry names the client's next DCID */
	n = load("retry_retry.bin", buf, sizeof(buf));
	assert_int_equal(quic_parse_server_datagram(ctx, odcid, olen, buf, n,
	    &info), QUIC_RETRY);
	assert_int_equal(info.retry_check, QUIC_RETRY_VALID);
	assert_int_equal(info.scid_len, 20);
	nlen = info.scid_len;
	memcpy(ncid, info.scid, nlen);
	assert_true(info.token_len > 0);

	/* after it the client derives from the new DCID */
	assert_int_equal(parse_file("retry_initial_5.bin", &keys, ncid, nlen,
	    r2, &info), QUIC_OK);
	assert_int_equal(info.dcid_fallbacks, 0);
	assert_int_equal(info.dcid_len, nlen);
	assert_memory_equal(info.dcid, ncid, nlen);
	assert_true(info.token_len > 0);
	/* a sensor that missed the Retry still opens it, by the packet's own
	 * DCID, and says so */
	assert_int_equal(parse_file("retry_initial_5.bin", &keys, odcid, olen,
	    NULL, &info), QUIC_OK);
	assert_int_equal(info.dcid_fallbacks, 1);
	assert_int_equal(info.key_derivations, 0);	/* both cached */

	/* draft-29: Retry recognised, tag not checked; the next Initial */
	n = load("d29_retry.bin", buf, sizeof(buf));
	assert_int_equal(quic_parse_server_datagram(ctx, NULL, 0, buf, n,
	    &info), QUIC_RETRY);
	assert_int_equal(info.version, 0xff00001d);
	assert_int_equal(info.retry_check, QUIC_RETRY_UNCHECKED);
	nlen = info.scid_len;
	memcpy(ncid, info.scid, nlen);
	quic_keys_reset(&keys);
	assert_int_equal(parse_file("d29_after_retry.bin", &keys, ncid, nlen,
	    NULL, &info), QUIC_OK);
	assert_int_equal(info.dcid_fallbacks, 0);
	free(r);
	free(r2);
}

static void
test_different_dcid(void **state)
{
	uint8_t dcid[QUIC_CID_MAX];
	struct quic_keys keys;
	struct quic_info info;
	struct reasm *r = reasm_new();
	size_t dlen;

	(void)state;
	quic_keys_reset(&keys);
	assert_int_equal(parse_file("ddcid_initial_1.bin", &keys, NULL, 0, r,
	    &info), QUIC_OK);
	dlen = info.dcid_len;
	memcpy(dcid, info.dcid, dlen);
	assert_int_equal(reasm_prefix(r), 1211);
	/* the rest goes to the server's CID; keys stay the first DCID's */
	assert_int_equal(parse_file("ddcid_initial_3.bin", &keys, NULL, 0, r,
	    &info), QUIC_DECRYPT_FAIL);
	assert_int_equal(info.key_derivations, 1);
	assert_int_equal(parse_file("ddcid_initial_3.bin", &keys, dcid, dlen,
	    r, &info), QUIC_OK);
	assert_int_equal(info.key_derivations, 0);
	assert_int_not_equal(memcmp(info.dcid, dcid, dlen), 0);
	assert_true(reasm_prefix(r) > 1211);
	assert_client_hello_sni(r, "cdnjs.cloudflare.com");
	free(r);
}

static void
test_ack_close_frames(void **state)
{
	struct quic_keys keys;
	struct quic_info info;

	(void)state;
	quic_keys_reset(&keys);
	assert_int_equal(parse_file("cc_ack.bin", &keys, NULL, 0, NULL, &info),
	    QUIC_OK);
	assert_int_equal(info.ack_frames, 1);
	assert_int_equal(info.crypto_frames, 0);
	quic_keys_reset(&keys);
	assert_int_equal(parse_file("cc_close.bin", &keys, NULL, 0, NULL,
	    &info), QUIC_OK);
	assert_int_equal(info.close_frames, 1);
	assert_int_equal(info.crypto_frames, 0);
}

static void
test_version_negotiation(void **state)
{
	uint8_t buf[DGRAM_MAX];
	struct quic_info info;
	size_t n = load("vn.bin", buf, sizeof(buf));

	(void)state;
	assert_int_equal(quic_parse_server_datagram(ctx, NULL, 0, buf, n,
	    &info), QUIC_VERSION_NEG);
	assert_int_equal(info.version, 0);
	assert_int_equal(info.vn_count, 3);
	assert_int_equal(info.vn_versions[0], 0xff00001d);
	assert_int_equal(info.vn_versions[1], 0xff00001c);
	assert_int_equal(info.vn_versions[2], 0xff00001b);
	assert_int_equal(info.scid_len, 8);
	assert_int_equal(quic_parse_client_datagram(ctx, NULL, NULL, 0, buf, n,
	    NULL, NULL, &info), QUIC_VERSION_NEG);
	/* no versions at all */
	assert_int_equal(quic_parse_server_datagram(ctx, NULL, 0, buf, n - 12,
	    &info), QUIC_MALFORMED);
}

static void
test_server_datagram(void **state)
{
	uint8_t buf[DGRAM_MAX];
	struct quic_info info;
	size_t n = load("d29_server_initial_handshake.bin", buf, sizeof(buf));

	(void)state;
	assert_int_equal(quic_parse_server_datagram(ctx, NULL, 0, buf, n,
	    &info), QUIC_OK);
	assert_int_equal(info.version, 0xff00001d);
	assert_true(info.packets >= 1);
	assert_int_equal(info.decrypted, 0);
}

/* ---- damage ------------------------------------------------------------ */

static void
test_corrupted(void **state)
{
	uint8_t buf[DGRAM_MAX], bad[DGRAM_MAX];
	struct quic_keys keys;
	struct quic_info info;
	struct reasm *r = reasm_new();
	size_t n = load("v1_msquic.bin", buf, sizeof(buf)), at;
	size_t where[] = { 0, 0, 0, 0 };
	unsigned i;

	(void)state;
	where[0] = n - 1;	/* the tag */
	where[1] = 600;		/* ciphertext */
	where[2] = 30;		/* sample area, near the packet number */
	where[3] = 6;		/* DCID: header AAD, keys from the real one */
	quic_keys_reset(&keys);
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, buf,
	    n, NULL, NULL, &info), QUIC_OK);
	for (i = 0; i < 4; i++) {
		at = where[i];
		memcpy(bad, buf, n);
		bad[at] ^= 0x01;
		assert_int_equal(quic_parse_client_datagram(ctx, &keys,
		    keys.set[0].dcid, keys.set[0].dcid_len, bad, n, reasm_cb,
		    r, &info), QUIC_DECRYPT_FAIL);
		assert_int_equal(info.decrypt_failed, 1);
		assert_int_equal(info.decrypted, 0);
		assert_int_equal(r->calls, 0);
	}
	free(r);
}

static void
check_truncation(const char *name, const uint8_t *full, size_t n,
    int coalesced)
{
	struct quic_keys keys;
	struct quic_info info;
	struct reasm *ref = reasm_new(), *r;
	enum quic_status st;
	size_t cut, first_ok = 0;
	uint8_t *p;

	quic_keys_reset(&keys);
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, full,
	    n, reasm_cb, ref, &info), QUIC_OK);
	for (cut = 0; cut < n; cut++) {
		/* exact-size copy: ASan sees any read past the cut */
		p = malloc(cut > 0 ? cut : 1);
		assert_non_null(p);
		memcpy(p, full, cut);
		r = reasm_new();
		st = quic_parse_client_datagram(ctx, &keys, NULL, 0, p, cut,
		    reasm_cb, r, &info);
		if (cut == 0)
			assert_int_equal(st, QUIC_NOT_QUIC);
		else if (st == QUIC_OK) {
			/* only a coalesced datagram cut after its Initial;
			 * then exactly the same frames */
			if (!coalesced || info.decrypted != 1)
				fail_msg("%s: ok at cut %zu", name, cut);
			if (first_ok == 0)
				first_ok = cut;
			assert_int_equal(r->calls, ref->calls);
			assert_memory_equal(r->buf, ref->buf, REASM_MAX);
		} else {
			if (st != QUIC_TRUNCATED)
				fail_msg("%s: %s at cut %zu", name,
				    quic_status_str(st), cut);
			assert_int_equal(r->calls, 0);
			assert_int_equal(first_ok, 0);
		}
		free(r);
		free(p);
	}
	if (coalesced)
		assert_true(first_ok > 100 && first_ok < n);
	free(ref);
}

static void
test_truncation_every_offset(void **state)
{
	static const char *single[] = { "v1_msquic.bin", "d29_initial.bin",
	    "chrome_scattered.bin", "mvfst22_initial.bin",
	    "forcing_vn_initial.bin" };
	uint8_t buf[DGRAM_MAX], *p;
	struct quic_info info;
	enum quic_status st;
	size_t n, i, cut, hl;

	(void)state;
	for (i = 0; i < sizeof(single) / sizeof(single[0]); i++) {
		n = load(single[i], buf, sizeof(buf));
		check_truncation(single[i], buf, n, 0);
	}
	n = hex(rfc9001_client, buf, sizeof(buf));
	check_truncation("rfc9001", buf, n, 0);
	n = load("v2_initial_0rtt.bin", buf, sizeof(buf));
	check_truncation("v2_initial_0rtt.bin", buf, n, 1);

	/* Retry: never valid unless whole */
	n = hex(rfc9001_retry, buf, sizeof(buf));
	for (cut = 0; cut < n; cut++) {
		p = malloc(cut > 0 ? cut : 1);
		memcpy(p, buf, cut);
		st = quic_parse_server_datagram(ctx, rfc_dcid, 8, p, cut,
		    &info);
		assert_true(st == QUIC_NOT_QUIC || st == QUIC_TRUNCATED ||
		    st == QUIC_MALFORMED || st == QUIC_RETRY);
		if (st == QUIC_RETRY)
			assert_int_equal(info.retry_check, QUIC_RETRY_INVALID);
		free(p);
	}
	/* VN: a cut on a version boundary is a shorter list, any other cut
	 * is truncated */
	n = load("vn.bin", buf, sizeof(buf));
	hl = 1 + 4 + 1 + buf[5] + 1 + buf[6 + buf[5]];
	assert_int_equal(n, hl + 12);
	for (cut = 0; cut < n; cut++) {
		p = malloc(cut > 0 ? cut : 1);
		memcpy(p, buf, cut);
		st = quic_parse_server_datagram(ctx, NULL, 0, p, cut, &info);
		if (cut == 0)
			assert_int_equal(st, QUIC_NOT_QUIC);
		else if (cut < hl || (cut - hl) % 4 != 0)
			assert_int_equal(st, QUIC_TRUNCATED);
		else if (cut == hl)
			assert_int_equal(st, QUIC_MALFORMED);
		else {
			assert_int_equal(st, QUIC_VERSION_NEG);
			assert_int_equal(info.vn_count, (cut - hl) / 4);
		}
		free(p);
	}
}

/* Random byte damage to real datagrams: never a crash, frames only from
 * packets that opened. */
static void
test_mutations(void **state)
{
	static const char *files[] = { "v2_initial_0rtt.bin",
	    "chrome_scattered.bin", "retry_retry.bin", "vn.bin" };
	uint8_t buf[DGRAM_MAX], m[DGRAM_MAX];
	struct quic_keys keys;
	struct quic_info info;
	struct reasm *r = reasm_new();
	enum quic_status st;
	unsigned seed = 12345, i, k, f;
	size_t n;

	(void)state;
	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		n = load(files[f], buf, sizeof(buf));
		quic_keys_reset(&keys);
		for (i = 0; i < 400; i++) {
			memcpy(m, buf, n);
			for (k = 0; k < 1 + i % 4; k++) {
				seed = seed * 1103515245 + 12345;
				m[(seed >> 8) % n] ^= (uint8_t)(1 + (seed >> 20
				    ) % 255);
			}
			memset(r, 0, sizeof(*r));
			st = quic_parse_client_datagram(ctx, &keys, NULL, 0, m,
			    n, reasm_cb, r, &info);
			if (r->calls > 0)
				assert_true(info.decrypted > 0);
			if (st == QUIC_OK)
				assert_true(info.decrypted > 0);
			(void)quic_parse_server_datagram(ctx, NULL, 0, m, n,
			    &info);
		}
	}
	free(r);
}

/* ---- synthetic packets ----------------------------------------------- */

static const uint8_t syn_dcid[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t syn_scid[4] = { 9, 9, 9, 9 };

/* Builds a v1 (or version) client Initial with syn_dcid around payload. */
static size_t
syn_initial(uint32_t version, const uint8_t *dcid, size_t dcid_len,
    uint64_t pn, unsigned pn_len, const uint8_t *payload, size_t plen,
    unsigned reserved, uint8_t *out, size_t cap)
{
	struct quic_keyset ks;
	struct quic_build b;

	assert_int_equal(quic_keyset_derive(ctx, &ks, version, syn_dcid,
	    sizeof(syn_dcid), 0), 0);
	memset(&b, 0, sizeof(b));
	b.version = version;
	b.dcid = dcid;
	b.dcid_len = dcid_len;
	b.scid = syn_scid;
	b.scid_len = sizeof(syn_scid);
	b.pn = pn;
	b.pn_len = pn_len;
	b.reserved = reserved;
	b.payload = payload;
	b.payload_len = plen;
	return quic_build_initial(ctx, &ks, &b, out, cap);
}

/* A long-header packet of a type that is skipped, with n payload bytes. */
static size_t
syn_long(uint8_t first, uint32_t version, size_t n, uint8_t *out)
{
	size_t off = 0;

	out[off++] = first;
	out[off++] = (uint8_t)(version >> 24);
	out[off++] = (uint8_t)(version >> 16);
	out[off++] = (uint8_t)(version >> 8);
	out[off++] = (uint8_t)version;
	out[off++] = sizeof(syn_dcid);
	memcpy(out + off, syn_dcid, sizeof(syn_dcid));
	off += sizeof(syn_dcid);
	out[off++] = 0;
	out[off++] = (uint8_t)(0x40 | n >> 8);	/* 2-byte varint */
	out[off++] = (uint8_t)n;
	memset(out + off, 0xa5, n);
	return off + n;
}

static void
test_coalesced(void **state)
{
	static const uint8_t f1[] = { 0x06, 0x00, 0x05, 'h', 'e', 'l', 'l',
	    'o', 0x00, 0x00 };
	static const uint8_t f2[] = { 0x01, 0x06, 0x05, 0x05, 'w', 'o', 'r',
	    'l', 'd' };
	uint8_t d[4096];
	struct quic_keys keys;
	struct quic_keyset ks;
	struct quic_build bld;
	struct quic_info info;
	struct reasm *r = reasm_new();
	size_t n = 0, a, b;

	(void)state;
	/* Initial, Initial, Handshake, then zero padding */
	n += syn_initial(QUIC_VERSION_1, syn_dcid, 8, 0, 1, f1, sizeof(f1), 0,
	    d + n, sizeof(d) - n);
	n += syn_initial(QUIC_VERSION_1, syn_dcid, 8, 1, 2, f2, sizeof(f2), 0,
	    d + n, sizeof(d) - n);
	n += syn_long(0xe0, QUIC_VERSION_1, 50, d + n);
	memset(d + n, 0, 30);
	n += 30;
	quic_keys_reset(&keys);
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, d, n,
	    reasm_cb, r, &info), QUIC_OK);
	assert_int_equal(info.packets, 3);
	assert_int_equal(info.initials, 2);
	assert_int_equal(info.decrypted, 2);
	assert_int_equal(info.skipped, 1);
	assert_int_equal(info.short_header, 0);
	assert_int_equal(info.key_derivations, 1);
	assert_int_equal(info.ping_frames, 1);
	assert_int_equal(info.padding_bytes, 2);
	assert_int_equal(info.largest_pn, 1);
	assert_int_equal(info.scid_len, 4);
	assert_int_equal(reasm_prefix(r), 10);
	assert_memory_equal(r->buf, "helloworld", 10);

	/* one Initial fails, the next opens: the datagram is ok, both are
	 * counted, in either order */
	n = syn_initial(QUIC_VERSION_1, syn_dcid, 8, 2, 1, f1, sizeof(f1), 0,
	    d, sizeof(d));
	d[n - 1] ^= 0x01;
	a = syn_initial(QUIC_VERSION_1, syn_dcid, 8, 3, 1, f2, sizeof(f2), 0,
	    d + n, sizeof(d) - n);
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, d,
	    n + a, NULL, NULL, &info), QUIC_OK);
	assert_int_equal(info.decrypt_failed, 1);
	assert_int_equal(info.decrypted, 1);
	a = syn_initial(QUIC_VERSION_1, syn_dcid, 8, 4, 1, f2, sizeof(f2), 0,
	    d, sizeof(d));
	n = syn_initial(QUIC_VERSION_1, syn_dcid, 8, 5, 1, f1, sizeof(f1), 0,
	    d + a, sizeof(d) - a);
	d[a + n - 1] ^= 0x01;
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, d,
	    n + a, NULL, NULL, &info), QUIC_OK);
	assert_int_equal(info.decrypt_failed, 1);
	/* a bad frame in one, the other fine */
	b = syn_initial(QUIC_VERSION_1, syn_dcid, 8, 6, 1, f1, sizeof(f1), 1,
	    d + a, sizeof(d) - a);
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, d,
	    a + b, NULL, NULL, &info), QUIC_OK);
	assert_int_equal(info.violations, 1);
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, d + a,
	    b, NULL, NULL, &info), QUIC_PROTOCOL_VIOLATION);

	/* a short header ends the walk */
	n = syn_initial(QUIC_VERSION_1, syn_dcid, 8, 0, 1, f1, sizeof(f1), 0,
	    d, sizeof(d));
	d[n] = 0x41;
	memset(d + n + 1, 0x77, 40);
	a = syn_initial(QUIC_VERSION_1, syn_dcid, 8, 1, 1, f2, sizeof(f2), 0,
	    d + n + 41, sizeof(d) - n - 41);
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, d,
	    n + 41 + a, NULL, NULL, &info), QUIC_OK);
	assert_int_equal(info.short_header, 1);
	assert_int_equal(info.initials, 1);

	/* a coalesced packet for another DCID or version is not ours */
	n = syn_initial(QUIC_VERSION_1, syn_dcid, 8, 0, 1, f1, sizeof(f1), 0,
	    d, sizeof(d));
	a = syn_initial(QUIC_VERSION_1, syn_dcid, 7, 1, 1, f2, sizeof(f2), 0,
	    d + n, sizeof(d) - n);
	assert_true(a > 0);
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, d,
	    n + a, NULL, NULL, &info), QUIC_OK);
	assert_int_equal(info.packets, 1);
	b = syn_initial(QUIC_VERSION_2, syn_dcid, 8, 1, 1, f2, sizeof(f2), 0,
	    d + n, sizeof(d) - n);
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, d,
	    n + b, NULL, NULL, &info), QUIC_OK);
	assert_int_equal(info.packets, 1);

	/* 0-RTT then Initial (v2 type bits: 0-RTT is 0b10); the token
	 * reported is the Initial's */
	n = syn_long(0xe0, QUIC_VERSION_2, 20, d);
	assert_int_equal(quic_keyset_derive(ctx, &ks, QUIC_VERSION_2, syn_dcid,
	    8, 0), 0);
	memset(&bld, 0, sizeof(bld));
	bld.version = QUIC_VERSION_2;
	bld.dcid = syn_dcid;
	bld.dcid_len = 8;
	bld.token = (const uint8_t *)"tok";
	bld.token_len = 3;
	bld.pn_len = 4;
	bld.payload = f1;
	bld.payload_len = sizeof(f1);
	n += quic_build_initial(ctx, &ks, &bld, d + n, sizeof(d) - n);
	memset(r, 0, sizeof(*r));
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, d, n,
	    reasm_cb, r, &info), QUIC_OK);
	assert_int_equal(info.skipped, 1);
	assert_int_equal(info.decrypted, 1);
	assert_int_equal(info.token_len, 3);
	assert_int_equal(reasm_prefix(r), 5);
	free(r);
}

static void
test_packet_numbers(void **state)
{
	static const uint8_t f[] = { 0x01, 0x00, 0x00, 0x00 };
	uint8_t d[256];
	struct quic_keys keys;
	struct quic_info info;
	size_t n;

	(void)state;
	quic_keys_reset(&keys);
	n = syn_initial(QUIC_VERSION_1, syn_dcid, 8, 0x1ff, 2, f, sizeof(f), 0,
	    d, sizeof(d));
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, d, n,
	    NULL, NULL, &info), QUIC_OK);
	assert_int_equal(info.largest_pn, 0x1ff);
	/* 0x200 sent as one byte 0x00: decoded next to 0x1ff */
	n = syn_initial(QUIC_VERSION_1, syn_dcid, 8, 0x200, 1, f, sizeof(f), 0,
	    d, sizeof(d));
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, d, n,
	    NULL, NULL, &info), QUIC_OK);
	assert_int_equal(info.largest_pn, 0x200);
	/* 0x1fe as 0xfe after 0x200: below, not 0x2fe */
	n = syn_initial(QUIC_VERSION_1, syn_dcid, 8, 0x1fe, 1, f, sizeof(f), 0,
	    d, sizeof(d));
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, d, n,
	    NULL, NULL, &info), QUIC_OK);
	assert_int_equal(info.largest_pn, 0x1fe);
	/* a wrong guess does not open: 0x2fe sent as 0xfe decodes to 0x1fe */
	n = syn_initial(QUIC_VERSION_1, syn_dcid, 8, 0x2fe, 1, f, sizeof(f), 0,
	    d, sizeof(d));
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, d, n,
	    NULL, NULL, &info), QUIC_DECRYPT_FAIL);
}

static void
test_header_rules(void **state)
{
	static const uint8_t f[] = { 0x01, 0x00, 0x00, 0x00 };
	uint8_t d[512], big[QUIC_CID_MAX + 1];
	struct quic_keys keys;
	struct quic_info info;
	struct quic_keyset ks;
	struct quic_build b;
	size_t n;

	(void)state;
	quic_keys_reset(&keys);
	/* reserved bits set under protection */
	n = syn_initial(QUIC_VERSION_1, syn_dcid, 8, 0, 1, f, sizeof(f), 2, d,
	    sizeof(d));
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, d, n,
	    NULL, NULL, &info), QUIC_PROTOCOL_VIOLATION);
	assert_int_equal(info.decrypted, 1);
	assert_int_equal(info.violations, 1);

	/* a DCID of 21 bytes is malformed for v1 */
	memset(big, 0x11, sizeof(big));
	n = syn_long(0xc0, QUIC_VERSION_1, 30, d);
	memmove(d + 6 + sizeof(big), d + 6 + 8, n - 6 - 8);
	d[5] = sizeof(big);
	memcpy(d + 6, big, sizeof(big));
	n += sizeof(big) - 8;
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, d, n,
	    NULL, NULL, &info), QUIC_MALFORMED);
	/* but not for an unknown version (RFC 8999 allows 255) */
	d[1] = 0x51;
	d[2] = 0x30;
	d[3] = 0x35;
	d[4] = 0x30;
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, d, n,
	    NULL, NULL, &info), QUIC_UNKNOWN_VERSION);
	assert_int_equal(info.version, 0x51303530);
	assert_int_equal(info.dcid_len, 21);
	assert_memory_equal(info.dcid, big, QUIC_CID_MAX);
	/* draft-21 is older than this module */
	n = syn_long(0xc0, 0xff000015, 30, d);
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, d, n,
	    NULL, NULL, &info), QUIC_UNKNOWN_VERSION);

	/* Initial too short to sample: Length 19 */
	n = syn_long(0xc0, QUIC_VERSION_1, 19, d);
	/* the Initial has a token length before Length: rebuild by hand */
	memmove(d + 16, d + 15, n - 15);
	d[15] = 0x00;
	n++;
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, d, n,
	    NULL, NULL, &info), QUIC_MALFORMED);
	/* Length past the end */
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, d,
	    n - 1, NULL, NULL, &info), QUIC_TRUNCATED);
	/* a remembered DCID too long to be one */
	n = syn_initial(QUIC_VERSION_1, syn_dcid, 8, 0, 1, f, sizeof(f), 0, d,
	    sizeof(d));
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, big,
	    sizeof(big), d, n, NULL, NULL, &info), QUIC_MALFORMED);

	/* not QUIC, short header */
	d[0] = 0x00;
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, d, n,
	    NULL, NULL, &info), QUIC_NOT_QUIC);
	d[0] = 0x40;
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, d, n,
	    NULL, NULL, &info), QUIC_NOT_INITIAL);
	assert_int_equal(info.short_header, 1);
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, NULL,
	    0, NULL, NULL, &info), QUIC_NOT_QUIC);
	assert_int_equal(quic_parse_server_datagram(ctx, NULL, 0, d, 0, &info),
	    QUIC_NOT_QUIC);

	/* builder refuses what it cannot encode */
	assert_int_equal(quic_keyset_derive(ctx, &ks, QUIC_VERSION_1, syn_dcid,
	    8, 0), 0);
	memset(&b, 0, sizeof(b));
	b.version = QUIC_VERSION_1;
	b.payload = f;
	b.payload_len = 2;
	b.pn_len = 1;
	assert_int_equal(quic_build_initial(ctx, &ks, &b, d, sizeof(d)), 0);
	b.pn_len = 5;
	b.payload_len = 4;
	assert_int_equal(quic_build_initial(ctx, &ks, &b, d, sizeof(d)), 0);
	b.pn_len = 2;
	b.version = 0x51303530;
	assert_int_equal(quic_build_initial(ctx, &ks, &b, d, sizeof(d)), 0);
}

static void
test_version_table(void **state)
{
	static const uint8_t f[] = { 0x06, 0x00, 0x02, 'o', 'k', 0x00 };
	static const uint32_t vers[] = { 0xff000016, 0xff000017, 0xff00001c,
	    0xff000020, 0xff000021, 0xff000022, 0xfaceb002, 0xfaceb00e };
	struct quic_keyset a, b;
	struct quic_keys keys;
	struct quic_info info;
	struct reasm *r;
	uint8_t d[256];
	size_t n, i;

	(void)state;
	/* drafts 33 and 34 use the version 1 salt and labels */
	assert_int_equal(quic_keyset_derive(ctx, &a, QUIC_VERSION_1, rfc_dcid,
	    8, 0), 0);
	assert_int_equal(quic_keyset_derive(ctx, &b, 0xff000022, rfc_dcid, 8,
	    0), 0);
	assert_memory_equal(a.key, b.key, 16);
	assert_memory_equal(a.hp, b.hp, 16);
	/* mvfst 0xfaceb002 is draft-27: same keys as 0xff00001b */
	assert_int_equal(quic_keyset_derive(ctx, &a, 0xff00001b, rfc_dcid, 8,
	    0), 0);
	assert_int_equal(quic_keyset_derive(ctx, &b, 0xfaceb002, rfc_dcid, 8,
	    0), 0);
	assert_memory_equal(a.key, b.key, 16);
	assert_memory_equal(a.iv, b.iv, 12);
	/* and each salt family differs from its neighbours */
	assert_int_equal(quic_keyset_derive(ctx, &a, 0xff000016, rfc_dcid, 8,
	    0), 0);
	assert_int_equal(quic_keyset_derive(ctx, &b, 0xff000017, rfc_dcid, 8,
	    0), 0);
	assert_memory_not_equal(a.key, b.key, 16);
	assert_int_equal(quic_keyset_derive(ctx, &a, 0xff00001c, rfc_dcid, 8,
	    0), 0);
	assert_int_equal(quic_keyset_derive(ctx, &b, 0xff00001d, rfc_dcid, 8,
	    0), 0);
	assert_memory_not_equal(a.key, b.key, 16);
	for (i = 0; i < sizeof(vers) / sizeof(vers[0]); i++) {
		r = reasm_new();
		n = syn_initial(vers[i], syn_dcid, 8, 0, 2, f, sizeof(f), 0, d,
		    sizeof(d));
		assert_true(n > 0);
		quic_keys_reset(&keys);
		assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0,
		    d, n, reasm_cb, r, &info), QUIC_OK);
		assert_int_equal(info.version, vers[i]);
		assert_memory_equal(r->buf, "ok", 2);
		free(r);
	}
}

static void
test_bad_frame_protected(void **state)
{
	static const uint8_t f[] = { 0x06, 0x00, 0x02, 'h', 'i', 0x08, 0x00,
	    0x00, 0x00 };
	uint8_t d[256];
	struct quic_keys keys;
	struct quic_info info;
	struct reasm *r = reasm_new();
	size_t n;

	(void)state;
	n = syn_initial(QUIC_VERSION_1, syn_dcid, 8, 0, 1, f, sizeof(f), 0, d,
	    sizeof(d));
	quic_keys_reset(&keys);
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, d, n,
	    reasm_cb, r, &info), QUIC_PROTOCOL_VIOLATION);
	assert_int_equal(info.decrypted, 1);
	assert_int_equal(info.violations, 1);
	assert_int_equal(info.bad_frame, 0x08);
	assert_int_equal(r->calls, 1);
	free(r);
}

static void
test_forcing_vn_unknown(void **state)
{
	uint8_t buf[DGRAM_MAX];
	struct quic_keys keys;
	struct quic_info info;
	size_t n = load("forcing_vn_initial.bin", buf, sizeof(buf));

	(void)state;
	/* no known keys open it: an unknown version, not a decrypt failure */
	buf[n - 1] ^= 0x01;
	quic_keys_reset(&keys);
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, buf, n,
	    NULL, NULL, &info), QUIC_UNKNOWN_VERSION);
	assert_int_equal(info.decrypt_failed, 0);
	assert_int_equal(info.key_derivations, 2);
}

static void
test_old_retry(void **state)
{
	/* draft-24 Retry: ODCID length and ODCID, then the token, no tag */
	static const uint8_t retry[] = { 0xf0, 0xff, 0x00, 0x00, 0x18,
	    0x04, 0x01, 0x02, 0x03, 0x04,		/* DCID */
	    0x02, 0x0a, 0x0b,				/* SCID */
	    0x03, 0x11, 0x12, 0x13,			/* ODCID */
	    't', 'o', 'k', 'e', 'n', '!' };
	struct quic_info info;

	(void)state;
	assert_int_equal(quic_parse_server_datagram(ctx, rfc_dcid, 8, retry,
	    sizeof(retry), &info), QUIC_RETRY);
	assert_int_equal(info.version, 0xff000018);
	assert_int_equal(info.retry_check, QUIC_RETRY_UNCHECKED);
	assert_int_equal(info.token_len, 6);
	assert_int_equal(info.scid_len, 2);
	assert_int_equal(quic_parse_server_datagram(ctx, NULL, 0, retry, 15,
	    &info), QUIC_TRUNCATED);
}

static void
test_retry_long_odcid(void **state)
{
	static const uint8_t odcid[300];
	uint8_t pkt[64];
	struct quic_info info;
	size_t n = hex(rfc9001_retry, pkt, sizeof(pkt));

	(void)state;
	/* an ODCID longer than a length byte holds cannot be checked */
	assert_int_equal(quic_parse_server_datagram(ctx, odcid, sizeof(odcid),
	    pkt, n, &info), QUIC_RETRY);
	assert_int_equal(info.retry_check, QUIC_RETRY_UNCHECKED);
}

/* Walks one plaintext payload; returns the status, counts in *info. */
static enum quic_status
walk(const uint8_t *p, size_t n, struct reasm *r, struct quic_info *info)
{
	memset(info, 0, sizeof(*info));
	return quic_walk_initial_frames(p, n, r != NULL ? reasm_cb : NULL, r,
	    info);
}

static void
test_frame_rules(void **state)
{
	/* ACK: largest 10, delay 0, 1 range, first 2; gap 1, len 3; ECN */
	static const uint8_t ack_ecn[] = { 0x03, 0x0a, 0x00, 0x01, 0x02, 0x01,
	    0x03, 0x01, 0x02, 0x03 };
	static const uint8_t ack_neg[] = { 0x02, 0x02, 0x00, 0x00, 0x03 };
	static const uint8_t ack_gap[] = { 0x02, 0x0a, 0x00, 0x01, 0x02, 0x07,
	    0x00 };
	static const uint8_t ack_many[] = { 0x02, 0x0a, 0x00, 0x80, 0xff, 0xff,
	    0xff, 0x00 };
	static const uint8_t crypto_long[] = { 0x06, 0x00, 0x09, 'a', 'b' };
	static const uint8_t crypto_big[] = { 0x06, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0x01, 'a' };
	static const uint8_t crypto_empty[] = { 0x06, 0x05, 0x00, 0x01 };
	static const uint8_t stream_after[] = { 0x06, 0x00, 0x02, 'h', 'i',
	    0x08, 0x00 };
	static const uint8_t two_byte_type[] = { 0x40, 0x06, 0x00, 0x00 };
	static const uint8_t close_tpt[] = { 0x1c, 0x0a, 0x06, 0x03, 'b', 'a',
	    'd' };
	static const uint8_t close_short[] = { 0x1c, 0x0a, 0x06, 0x09, 'b' };
	static const uint8_t forbidden[] = { 0x1d, 0x1e, 0x07, 0x10, 0x18,
	    0x1a };
	/* the application CONNECTION_CLOSE is not for Initials, even when
	 * it would parse as the transport one */
	static const uint8_t close_app[] = { 0x1d, 0x00, 0x00, 0x00 };
	struct quic_info info;
	struct reasm *r = reasm_new();
	unsigned i;

	(void)state;
	assert_int_equal(walk(NULL, 0, NULL, &info), QUIC_PROTOCOL_VIOLATION);
	assert_int_equal(walk(ack_ecn, sizeof(ack_ecn), NULL, &info), QUIC_OK);
	assert_int_equal(info.ack_frames, 1);
	assert_int_equal(walk(ack_ecn, sizeof(ack_ecn) - 1, NULL, &info),
	    QUIC_PROTOCOL_VIOLATION);
	assert_int_equal(info.bad_frame, 0x03);
	assert_int_equal(walk(ack_neg, sizeof(ack_neg), NULL, &info),
	    QUIC_PROTOCOL_VIOLATION);
	assert_int_equal(walk(ack_gap, sizeof(ack_gap), NULL, &info),
	    QUIC_PROTOCOL_VIOLATION);
	assert_int_equal(walk(ack_many, sizeof(ack_many), NULL, &info),
	    QUIC_PROTOCOL_VIOLATION);
	assert_int_equal(walk(crypto_long, sizeof(crypto_long), r, &info),
	    QUIC_PROTOCOL_VIOLATION);
	assert_int_equal(walk(crypto_big, sizeof(crypto_big), r, &info),
	    QUIC_PROTOCOL_VIOLATION);
	assert_int_equal(r->calls, 0);
	assert_int_equal(walk(crypto_empty, sizeof(crypto_empty), r, &info),
	    QUIC_OK);
	assert_int_equal(info.crypto_frames, 1);
	assert_int_equal(info.ping_frames, 1);
	assert_int_equal(r->calls, 0);
	/* frames before a forbidden one were delivered */
	assert_int_equal(walk(stream_after, sizeof(stream_after), r, &info),
	    QUIC_PROTOCOL_VIOLATION);
	assert_int_equal(info.bad_frame, 0x08);
	assert_int_equal(r->calls, 1);
	assert_memory_equal(r->buf, "hi", 2);
	assert_int_equal(walk(two_byte_type, sizeof(two_byte_type), NULL,
	    &info), QUIC_PROTOCOL_VIOLATION);
	assert_int_equal(info.bad_frame, 0x40);
	assert_int_equal(walk(close_tpt, sizeof(close_tpt), NULL, &info),
	    QUIC_OK);
	assert_int_equal(info.close_frames, 1);
	assert_int_equal(info.close_error, 0x0a);
	assert_int_equal(walk(close_short, sizeof(close_short), NULL, &info),
	    QUIC_PROTOCOL_VIOLATION);
	assert_int_equal(walk(close_app, sizeof(close_app), NULL, &info),
	    QUIC_PROTOCOL_VIOLATION);
	assert_int_equal(info.close_frames, 0);
	for (i = 0; i < sizeof(forbidden); i++) {
		assert_int_equal(walk(&forbidden[i], 1, NULL, &info),
		    QUIC_PROTOCOL_VIOLATION);
		assert_int_equal(info.bad_frame, forbidden[i]);
	}
	free(r);
}

static void
test_keys_cache(void **state)
{
	static const uint8_t f[] = { 0x01, 0x00, 0x00, 0x00 };
	static const uint8_t other[8] = { 8, 7, 6, 5, 4, 3, 2, 1 };
	uint8_t d[256];
	struct quic_keys keys;
	struct quic_info info;
	size_t n;

	(void)state;
	n = syn_initial(QUIC_VERSION_1, syn_dcid, 8, 0, 1, f, sizeof(f), 0, d,
	    sizeof(d));
	quic_keys_reset(&keys);
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, NULL, 0, d, n,
	    NULL, NULL, &info), QUIC_OK);
	assert_int_equal(info.key_derivations, 1);
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, syn_dcid, 8, d,
	    n, NULL, NULL, &info), QUIC_OK);
	assert_int_equal(info.key_derivations, 0);
	/* a wrong remembered DCID: its keys fail, the packet's own open */
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, other, 8, d, n,
	    NULL, NULL, &info), QUIC_OK);
	assert_int_equal(info.key_derivations, 1);
	assert_int_equal(info.dcid_fallbacks, 1);
	/* both slots hit now */
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, other, 8, d, n,
	    NULL, NULL, &info), QUIC_OK);
	assert_int_equal(info.key_derivations, 0);
	/* a third key set evicts the one not used last */
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, other, 7, d, n,
	    NULL, NULL, &info), QUIC_OK);
	assert_int_equal(info.key_derivations, 1);
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, syn_dcid, 8, d,
	    n, NULL, NULL, &info), QUIC_OK);
	assert_int_equal(info.key_derivations, 0);
	assert_int_equal(quic_parse_client_datagram(ctx, &keys, other, 8, d, n,
	    NULL, NULL, &info), QUIC_OK);
	assert_int_equal(info.key_derivations, 1);
}

static void
test_status_names(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < QUIC_STATUS_MAX; i++)
		assert_true(strcmp(quic_status_str((enum quic_status)i),
		    "invalid") != 0);
	assert_string_equal(quic_status_str(QUIC_DECRYPT_FAIL),
	    "decrypt_fail");
	assert_string_equal(quic_status_str(QUIC_STATUS_MAX), "invalid");
	quic_ctx_destroy(NULL);
}

static int
setup(void **state)
{
	(void)state;
	ctx = quic_ctx_create();
	return ctx != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	quic_ctx_destroy(ctx);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc_keys),
		cmocka_unit_test(test_rfc_client_initial),
		cmocka_unit_test(test_rfc_server_initial),
		cmocka_unit_test(test_rfc_retry),
		cmocka_unit_test(test_real_versions),
		cmocka_unit_test(test_chrome_scattered),
		cmocka_unit_test(test_zero_rtt_first),
		cmocka_unit_test(test_retry_flow),
		cmocka_unit_test(test_different_dcid),
		cmocka_unit_test(test_ack_close_frames),
		cmocka_unit_test(test_version_negotiation),
		cmocka_unit_test(test_server_datagram),
		cmocka_unit_test(test_corrupted),
		cmocka_unit_test(test_truncation_every_offset),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_coalesced),
		cmocka_unit_test(test_packet_numbers),
		cmocka_unit_test(test_header_rules),
		cmocka_unit_test(test_frame_rules),
		cmocka_unit_test(test_keys_cache),
		cmocka_unit_test(test_version_table),
		cmocka_unit_test(test_bad_frame_protected),
		cmocka_unit_test(test_forcing_vn_unknown),
		cmocka_unit_test(test_old_retry),
		cmocka_unit_test(test_retry_long_odcid),
		cmocka_unit_test(test_status_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
