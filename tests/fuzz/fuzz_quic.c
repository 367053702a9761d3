/*
 * fuzz_quic.c - proto_quic under libFuzzer, or replayed by replay.c.
 *
 * The first input byte picks what the rest is:
 *   0  a client datagram, keys from each packet's own DCID
 *   1  a client datagram, keys from a fixed remembered DCID (the fallback
 *      to the packet's DCID runs on every Initial)
 *   2  a server datagram, Retry tags checked against a fixed original DCID
 *   3  the plaintext of an Initial, walked as frames
 *   4  the plaintext of an Initial (after a version byte and a byte of
 *      packet-number length and reserved bits) protected with
 *      quic_build_initial() and parsed back as a client datagram: the way
 *      past the AEAD to the frame walker.  The packet built must open, and
 *      must give the frames a direct walk of the plaintext gives; if not,
 *      the target aborts.
 * Anything else is treated as mode 0.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto_quic.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_PLAIN_MAX	4096	/* mode 4: plaintext bytes used */

static const uint8_t fuzz_dcid[8] = { 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51,
    0x57, 0x08 };

/* Sums what the CRYPTO callback saw, so two walks can be compared. */
struct fuzz_sum {
	unsigned	calls;
	uint64_t	bytes;
	uint64_t	hash;
};

static void
fuzz_crypto(void *arg, uint64_t off, const uint8_t *data, size_t len)
{
	struct fuzz_sum *s = arg;
	size_t i;

	s->calls++;
	s->bytes += len;
	s->hash = s->hash * 31 + off;
	for (i = 0; i < len; i++)	/* touch every byte: ASan checks */
		s->hash = s->hash * 31 + data[i];
}

static struct quic_ctx *
fuzz_ctx(void)
{
	static struct quic_ctx *ctx;

	if (ctx == NULL && (ctx = quic_ctx_create()) == NULL)
		abort();
	return ctx;
}

static void
fuzz_roundtrip(struct quic_ctx *ctx, const uint8_t *data, size_t size)
{
	static const uint32_t versions[] = { 0x00000001, 0x6b3343cf,
	    0xff00001d, 0xff00001b, 0xff000016, 0xfaceb001, 0x1a2a3a4a };
	static uint8_t out[FUZZ_PLAIN_MAX + 128];
	struct quic_keyset ks;
	struct quic_keys keys;
	struct quic_build b;
	struct quic_info direct, info;
	struct fuzz_sum s1, s2;
	enum quic_status st1, st2;
	size_t n;

	if (size < 2)
		return;
	memset(&b, 0, sizeof(b));
	b.version = versions[data[0] % (sizeof(versions) /
	    sizeof(versions[0]))];
	b.pn_len = 1 + (data[1] & 3);
	b.reserved = (data[1] >> 2) & 1 ? (data[1] >> 3) & 3 : 0;
	b.pn = data[1] >> 5;
	b.dcid = fuzz_dcid;
	b.dcid_len = sizeof(fuzz_dcid);
	b.payload = data + 2;
	b.payload_len = size - 2 < FUZZ_PLAIN_MAX ? size - 2 : FUZZ_PLAIN_MAX;
	if (quic_keyset_derive(ctx, &ks, b.version, fuzz_dcid,
	    sizeof(fuzz_dcid), 0) == -1)
		abort();
	if ((n = quic_build_initial(ctx, &ks, &b, out, sizeof(out))) == 0)
		return;		/* too short to sample */
	memset(&s1, 0, sizeof(s1));
	memset(&s2, 0, sizeof(s2));
	memset(&direct, 0, sizeof(direct));
	st1 = quic_walk_initial_frames(b.payload, b.payload_len, fuzz_crypto,
	    &s1, &direct);
	quic_keys_reset(&keys);
	st2 = quic_parse_client_datagram(ctx, &keys, NULL, 0, out, n,
	    fuzz_crypto, &s2, &info);
	if (info.decrypted != 1)
		abort();	/* what we sealed must open */
	if (b.reserved != 0) {
		if (st2 != QUIC_PROTOCOL_VIOLATION || s2.calls != 0)
			abort();
		return;
	}
	if (st1 != st2 || s1.calls != s2.calls || s1.bytes != s2.bytes ||
	    s1.hash != s2.hash)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct quic_ctx *ctx = fuzz_ctx();
	struct quic_keys keys;
	struct quic_info info;
	struct fuzz_sum sum;
	uint8_t mode;

	if (size == 0)
		return 0;
	mode = data[0];
	data++;
	size--;
	memset(&sum, 0, sizeof(sum));
	quic_keys_reset(&keys);
	switch (mode) {
	case 1:
		(void)quic_parse_client_datagram(ctx, &keys, fuzz_dcid,
		    sizeof(fuzz_dcid), data, size, fuzz_crypto, &sum, &info);
		break;
	case 2:
		(void)quic_parse_server_datagram(ctx, fuzz_dcid,
		    sizeof(fuzz_dcid), data, size, &info);
		break;
	case 3:
		memset(&info, 0, sizeof(info));
		(void)quic_walk_initial_frames(data, size, fuzz_crypto, &sum,
		    &info);
		break;
	case 4:
		fuzz_roundtrip(ctx, data, size);
		break;
	default:
		(void)quic_parse_client_datagram(ctx, &keys, NULL, 0, data,
		    size, fuzz_crypto, &sum, &info);
		break;
	}
	return 0;
}
