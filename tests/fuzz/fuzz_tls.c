/*
 * fuzz_tls.c - fuzz target for the ClientHello parser (proto_tls).
 *
 * Each input is fed to both entry points as it is: as the start of a TCP
 * client stream and as a QUIC CRYPTO stream.  Then the input past its
 * first byte is taken as a handshake message and fed twice more, as a QUIC
 * CRYPTO stream and re-framed into TLS records of 1 to 64 bytes (the first
 * byte picks the size), and the two results must agree: record-layer
 * joining may not change what the message parser sees.  Results are
 * checked for their invariants (string lengths, *need beyond the input).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto_tls.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Input bytes re-framed: TLS_HELLO_MAX plus a header per 1-byte record. */
#define FUZZ_MSG_MAX		(TLS_HELLO_MAX + 1024)
#define FUZZ_STREAM_MAX		(6 * FUZZ_MSG_MAX)

static struct tls_scratch	*fuzz_scratch;
static uint8_t			 fuzz_stream[FUZZ_STREAM_MAX];

static void
fuzz_check(const uint8_t *p, size_t len, enum tls_status st,
    const struct tls_hello *h, size_t need)
{
	size_t n;

	(void)p;
	if (st == TLS_OK) {
		n = strlen(h->ja3);
		if (n != 0 && n != 32)
			abort();
		n = strlen(h->ja4);
		if (n != 0 && n != 36)
			abort();
	}
	switch (st) {
	case TLS_OK:
	case TLS_MALFORMED:
		if (h->has_sni) {
			if (h->sni_len == 0)
				abort();
			if ((h->sni_len > TLS_SNI_MAX) != h->sni_too_long)
				abort();
			n = h->sni_too_long ? TLS_SNI_MAX : h->sni_len;
			if (h->sni[n] != '\0')
				abort();
		}
		if (h->hello_len > TLS_HELLO_MAX)
			abort();
		if ((st == TLS_OK) != (h->defect == TLS_DEFECT_NONE))
			abort();
		break;
	case TLS_MORE:
		if (need <= len)
			abort();
		break;
	case TLS_NOT_TLS:
	case TLS_TOO_BIG:
		break;
	default:
		abort();
	}
}

static size_t
fuzz_reframe(const uint8_t *msg, size_t len, size_t chunk)
{
	size_t off = 0, o = 0, n;

	while (off < len) {
		n = len - off < chunk ? len - off : chunk;
		fuzz_stream[o++] = 22;
		fuzz_stream[o++] = 3;
		fuzz_stream[o++] = 3;
		fuzz_stream[o++] = (uint8_t)(n >> 8);
		fuzz_stream[o++] = (uint8_t)n;
		memcpy(fuzz_stream + o, msg + off, n);
		o += n;
		off += n;
	}
	return o;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tls_hello h, q;
	enum tls_status st, sq;
	size_t need, needq, slen;

	if (fuzz_scratch == NULL &&
	    (fuzz_scratch = tls_scratch_create()) == NULL)
		abort();

	st = tls_parse_stream(data, size, &h, &need, fuzz_scratch);
	fuzz_check(data, size, st, &h, need);
	st = tls_parse_handshake(data, size, &h, &need, fuzz_scratch);
	fuzz_check(data, size, st, &h, need);

	if (size < 2 || size - 1 > FUZZ_MSG_MAX)
		return 0;
	sq = tls_parse_handshake(data + 1, size - 1, &q, &needq,
	    fuzz_scratch);
	fuzz_check(data + 1, size - 1, sq, &q, needq);
	slen = fuzz_reframe(data + 1, size - 1, (size_t)(data[0] % 64) + 1);
	st = tls_parse_stream(fuzz_stream, slen, &h, &need, fuzz_scratch);
	fuzz_check(fuzz_stream, slen, st, &h, need);
	if (st != sq)
		abort();
	if (st == TLS_OK || st == TLS_MALFORMED) {
		if (h.defect != q.defect || h.has_sni != q.has_sni ||
		    h.sni_len != q.sni_len || h.hello_len != q.hello_len ||
		    memcmp(h.sni, q.sni, sizeof(h.sni)) != 0 ||
		    strcmp(h.ja3, q.ja3) != 0 ||
		    strcmp(h.ja4 + 1, q.ja4 + (q.ja4[0] != '\0')) != 0)
			abort();
	}
	return 0;
}
