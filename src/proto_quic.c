/*
 * proto_quic.c - QUIC long-header packets: client Initials to CRYPTO frames.
 * See proto_quic.h.  Written from RFC 8999 (invariants), RFC 9000 (packets,
 * frames, packet number decoding), RFC 9001 (Initial keys, header and packet
 * protection, Retry integrity) and RFC 9369 (version 2).  Draft salts are
 * the ones the IETF drafts published.
 *
 * All wire bytes are read through struct cur; the only raw indexing is into
 * spans whose length was checked by the cursor first (the header protection
 * sample, the packet number and the AEAD tag at the end of a packet whose
 * Length the cursor already bounded).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "cursor.h"
#include "proto_quic.h"

#define QUIC_SECRET_LEN		32	/* SHA-256 */
#define QUIC_SALT_LEN		20
#define QUIC_TAG_LEN		16	/* AEAD_AES_128_GCM */
#define QUIC_SAMPLE_LEN		16
#define QUIC_PN_MAX_LEN		4
#define QUIC_VARINT_MAX		((UINT64_C(1) << 62) - 1)

struct quic_ctx {
	EVP_MD		*sha256;	/* fetched once */
	EVP_MD_CTX	*md;	/* HMAC-SHA256 from two digests: HKDF here */
	EVP_CIPHER	*ecb_alg;
	EVP_CIPHER	*gcm_alg;
	EVP_CIPHER_CTX	*ecb;	/* header protection mask */
	EVP_CIPHER_CTX	*gcm;	/* payload, Retry tag */
	uint8_t		 plain[QUIC_PLAIN_MAX];
};

/* Long-header packet types, normalised across versions. */
enum quic_ptype {
	QUIC_PT_INITIAL,
	QUIC_PT_0RTT,
	QUIC_PT_HANDSHAKE,
	QUIC_PT_RETRY,
	QUIC_PT_VN,		/* version 0 */
	QUIC_PT_SHORT,		/* short header: ends the walk */
	QUIC_PT_UNKNOWN		/* version not known here */
};

/* What differs between the versions this module opens. */
struct quic_vinfo {
	const uint8_t	*salt;		/* QUIC_SALT_LEN bytes */
	const char	*prefix;	/* "quic " or "quicv2 " */
	int		 v2types;	/* RFC 9369 3.2 type bits */
	int		 retry_odcid;	/* drafts < 25: Retry carries the ODCID
					   and no integrity tag */
	const uint8_t	*retry_key;	/* NULL: tag not checked */
	const uint8_t	*retry_nonce;
	int		 forcing_vn;	/* 0x?a?a?a?a: tried with the keys of
					   quic_forcing_vn_keys */
};

/* The versions whose keys a 0x?a?a?a?a Initial is tried with, in order. */
static const uint32_t quic_forcing_vn_keys[] = { QUIC_VERSION_1, 0xff00001d };

/* RFC 9001 5.2 */
static const uint8_t quic_salt_v1[QUIC_SALT_LEN] = {
	0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
	0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a
};
/* RFC 9369 3.3.1 */
static const uint8_t quic_salt_v2[QUIC_SALT_LEN] = {
	0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
	0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9
};
/* draft-ietf-quic-tls-29 5.2 (drafts 29 to 32) */
static const uint8_t quic_salt_d29[QUIC_SALT_LEN] = {
	0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97,
	0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0, 0x43, 0x90, 0xa8, 0x99
};
/* draft-ietf-quic-tls-23 5.2 (drafts 23 to 28, mvfst 0xfaceb002/00e) */
static const uint8_t quic_salt_d23[QUIC_SALT_LEN] = {
	0xc3, 0xee, 0xf7, 0x12, 0xc7, 0x2e, 0xbb, 0x5a, 0x11, 0xa7,
	0xd2, 0x43, 0x2b, 0xb4, 0x63, 0x65, 0xbe, 0xf9, 0xf5, 0x02
};
/* draft-ietf-quic-tls-22 5.2 (draft 22, mvfst 0xfaceb001) */
static const uint8_t quic_salt_d22[QUIC_SALT_LEN] = {
	0x7f, 0xbc, 0xdb, 0x0e, 0x7c, 0x66, 0xbb, 0xe9, 0x19, 0x3a,
	0x96, 0xcd, 0x21, 0x51, 0x9e, 0xbd, 0x7a, 0x02, 0x64, 0x4a
};
/* Retry Integrity Tag key and nonce: RFC 9001 5.8, RFC 9369 3.3.3 */
static const uint8_t quic_retry_key_v1[16] = {
	0xbe, 0x0c, 0x69, 0x0b, 0x9f, 0x66, 0x57, 0x5a,
	0x1d, 0x76, 0x6b, 0x54, 0xe3, 0x68, 0xc8, 0x4e
};
static const uint8_t quic_retry_nonce_v1[12] = {
	0x46, 0x15, 0x99, 0xd3, 0x5d, 0x63, 0x2b, 0xf2, 0x23, 0x98, 0x25, 0xbb
};
static const uint8_t quic_retry_key_v2[16] = {
	0x8f, 0xb4, 0xb0, 0x1b, 0x56, 0xac, 0x48, 0xe2,
	0x60, 0xfb, 0xcb, 0xce, 0xad, 0x7c, 0xcc, 0x92
};
static const uint8_t quic_retry_nonce_v2[12] = {
	0xd8, 0x69, 0x69, 0xbc, 0x2d, 0x7c, 0x6d, 0x99, 0x90, 0xef, 0xb0, 0x4a
};

/* Returns 0 and fills *vi for a version this module opens, else -1. */
static int
quic_version_info(uint32_t v, struct quic_vinfo *vi)
{
	unsigned draft;

	memset(vi, 0, sizeof(*vi));
	vi->prefix = "quic ";
	if (v == QUIC_VERSION_1) {
		vi->salt = quic_salt_v1;
		vi->retry_key = quic_retry_key_v1;
		vi->retry_nonce = quic_retry_nonce_v1;
		return 0;
	}
	if (v == QUIC_VERSION_2) {
		vi->salt = quic_salt_v2;
		vi->prefix = "quicv2 ";
		vi->v2types = 1;
		vi->retry_key = quic_retry_key_v2;
		vi->retry_nonce = quic_retry_nonce_v2;
		return 0;
	}
	if ((v & 0x0f0f0f0f) == 0x0a0a0a0a) {
		/* Reserved to force version negotiation (RFC 9000 15).  No
		 * spec says how such an Initial is protected; the clients
		 * that send one (QUIC interop runner) use the keys of a
		 * version they speak: draft-29 in the captures seen, which
		 * is what Wireshark assumes; version 1 is tried first. */
		vi->salt = quic_salt_v1;
		vi->forcing_vn = 1;
		return 0;
	}
	if ((v >> 8) == 0xff0000)
		draft = v & 0xff;
	else if (v == 0xfaceb001)
		draft = 22;
	else if (v == 0xfaceb002 || v == 0xfaceb00e)
		draft = 27;
	else
		return -1;
	if (draft < 22 || draft > 34)
		return -1;
	if (draft == 22)
		vi->salt = quic_salt_d22;
	else if (draft <= 28)
		vi->salt = quic_salt_d23;
	else if (draft <= 32)
		vi->salt = quic_salt_d29;
	else
		vi->salt = quic_salt_v1;
	vi->retry_odcid = draft < 25;
	return 0;
}

static enum quic_ptype
quic_long_type(uint8_t first, const struct quic_vinfo *vi)
{
	static const enum quic_ptype v1[4] = { QUIC_PT_INITIAL, QUIC_PT_0RTT,
	    QUIC_PT_HANDSHAKE, QUIC_PT_RETRY };
	static const enum quic_ptype v2[4] = { QUIC_PT_RETRY, QUIC_PT_INITIAL,
	    QUIC_PT_0RTT, QUIC_PT_HANDSHAKE };

	return vi->v2types ? v2[(first >> 4) & 3] : v1[(first >> 4) & 3];
}

/* ---- libcrypto ------------------------------------------------------- */

struct quic_ctx *
quic_ctx_create(void)
{
	struct quic_ctx *ctx;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return NULL;
	if ((ctx->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL ||
	    (ctx->md = EVP_MD_CTX_new()) == NULL)
		goto fail;
	if ((ctx->ecb_alg = EVP_CIPHER_fetch(NULL, "AES-128-ECB", NULL)) ==
	    NULL ||
	    (ctx->gcm_alg = EVP_CIPHER_fetch(NULL, "AES-128-GCM", NULL)) ==
	    NULL ||
	    (ctx->ecb = EVP_CIPHER_CTX_new()) == NULL ||
	    (ctx->gcm = EVP_CIPHER_CTX_new()) == NULL)
		goto fail;
	if (EVP_EncryptInit_ex(ctx->ecb, ctx->ecb_alg, NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx->ecb, 0) != 1 ||
	    EVP_DecryptInit_ex(ctx->gcm, ctx->gcm_alg, NULL, NULL, NULL) != 1)
		goto fail;
	return ctx;
fail:
	quic_ctx_destroy(ctx);
	return NULL;
}

void
quic_ctx_destroy(struct quic_ctx *ctx)
{
	if (ctx == NULL)
		return;
	EVP_MD_CTX_free(ctx->md);
	EVP_MD_free(ctx->sha256);
	EVP_CIPHER_CTX_free(ctx->ecb);
	EVP_CIPHER_CTX_free(ctx->gcm);
	EVP_CIPHER_free(ctx->ecb_alg);
	EVP_CIPHER_free(ctx->gcm_alg);
	free(ctx);
}

/*
 * HMAC-SHA256(key, d1 || d2) into out (32 bytes) (RFC 2104: H(K^opad ||
 * H(K^ipad || m))), on the context's pre-fetched digest: libcrypto's MAC
 * objects re-initialise far more state per call, and a flow's keys take
 * five of these.  key_len is at most one block here.  Returns 0 or -1.
 */
static int
quic_hmac(struct quic_ctx *ctx, const uint8_t *key, size_t key_len,
    const uint8_t *d1, size_t n1, const uint8_t *d2, size_t n2,
    uint8_t out[QUIC_SECRET_LEN])
{
	uint8_t pad[64], inner[QUIC_SECRET_LEN];
	unsigned int len = 0;
	size_t i;

	if (key_len > sizeof(pad))
		return -1;
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = (uint8_t)((i < key_len ? key[i] : 0) ^ 0x36);
	if (EVP_DigestInit_ex2(ctx->md, ctx->sha256, NULL) != 1 ||
	    EVP_DigestUpdate(ctx->md, pad, sizeof(pad)) != 1 ||
	    EVP_DigestUpdate(ctx->md, d1, n1) != 1 ||
	    (n2 > 0 && EVP_DigestUpdate(ctx->md, d2, n2) != 1) ||
	    EVP_DigestFinal_ex(ctx->md, inner, &len) != 1 ||
	    len != QUIC_SECRET_LEN)
		return -1;
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = (uint8_t)((i < key_len ? key[i] : 0) ^ 0x5c);
	if (EVP_DigestInit_ex2(ctx->md, ctx->sha256, NULL) != 1 ||
	    EVP_DigestUpdate(ctx->md, pad, sizeof(pad)) != 1 ||
	    EVP_DigestUpdate(ctx->md, inner, sizeof(inner)) != 1 ||
	    EVP_DigestFinal_ex(ctx->md, out, &len) != 1 ||
	    len != QUIC_SECRET_LEN)
		return -1;
	return 0;
}

/* HKDF-Extract(salt, ikm) into prk (32 bytes) (RFC 5869 2.2).  Returns 0
 * or -1. */
static int
quic_hkdf_extract(struct quic_ctx *ctx, const uint8_t *salt, size_t salt_len,
    const uint8_t *ikm, size_t ikm_len, uint8_t prk[QUIC_SECRET_LEN])
{
	if (ikm_len > QUIC_CID_MAX)
		return -1;
	return quic_hmac(ctx, salt, salt_len, ikm, ikm_len, NULL, 0, prk);
}

/* HKDF-Expand-Label(secret, prefix label, "", out_len) (RFC 8446 7.1).
 * Every output here is at most one hash long, so HKDF-Expand is the single
 * block T(1) = HMAC(secret, info || 0x01) (RFC 5869 2.3). */
static int
quic_hkdf_expand_label(struct quic_ctx *ctx,
    const uint8_t secret[QUIC_SECRET_LEN], const char *prefix,
    const char *label, uint8_t *out, size_t out_len)
{
	static const char tls13[] = "tls13 ";
	static const uint8_t one = 0x01;
	uint8_t info[64], t[QUIC_SECRET_LEN];
	size_t lt = sizeof(tls13) - 1, lp = strlen(prefix), ll = strlen(label);
	size_t n = 0;

	if (3 + lt + lp + ll + 1 > sizeof(info) || out_len > QUIC_SECRET_LEN)
		return -1;
	info[n++] = (uint8_t)(out_len >> 8);
	info[n++] = (uint8_t)out_len;
	info[n++] = (uint8_t)(lt + lp + ll);
	memcpy(info + n, tls13, lt);
	n += lt;
	memcpy(info + n, prefix, lp);
	n += lp;
	memcpy(info + n, label, ll);
	n += ll;
	info[n++] = 0;		/* empty context */
	if (quic_hmac(ctx, secret, QUIC_SECRET_LEN, info, n, &one, 1, t) == -1)
		return -1;
	memcpy(out, t, out_len);
	return 0;
}

int
quic_keyset_derive(struct quic_ctx *ctx, struct quic_keyset *ks,
    uint32_t version, const uint8_t *dcid, size_t dcid_len, int from_server)
{
	struct quic_vinfo vi;
	uint8_t initial[QUIC_SECRET_LEN], secret[QUIC_SECRET_LEN];
	int rc = -1;

	memset(ks, 0, sizeof(*ks));
	if (quic_version_info(version, &vi) == -1 || dcid_len > QUIC_CID_MAX ||
	    (dcid == NULL && dcid_len > 0))
		return -1;
	if (quic_hkdf_extract(ctx, vi.salt, QUIC_SALT_LEN, dcid, dcid_len,
	    initial) == 0 &&
	    quic_hkdf_expand_label(ctx, initial, "",
	    from_server ? "server in" : "client in", secret,
	    sizeof(secret)) == 0 &&
	    quic_hkdf_expand_label(ctx, secret, vi.prefix, "key", ks->key,
	    sizeof(ks->key)) == 0 &&
	    quic_hkdf_expand_label(ctx, secret, vi.prefix, "iv", ks->iv,
	    sizeof(ks->iv)) == 0 &&
	    quic_hkdf_expand_label(ctx, secret, vi.prefix, "hp", ks->hp,
	    sizeof(ks->hp)) == 0) {
		ks->version = version;
		ks->dcid_len = (uint8_t)dcid_len;
		if (dcid_len > 0)
			memcpy(ks->dcid, dcid, dcid_len);
		rc = 0;
	} else
		memset(ks, 0, sizeof(*ks));
	OPENSSL_cleanse(initial, sizeof(initial));
	OPENSSL_cleanse(secret, sizeof(secret));
	return rc;
}

/* AES-ECB(hp, sample) into mask (RFC 9001 5.4.3).  Returns 0 or -1. */
static int
quic_hp_mask(struct quic_ctx *ctx, const uint8_t hp[16],
    const uint8_t sample[QUIC_SAMPLE_LEN], uint8_t mask[QUIC_SAMPLE_LEN])
{
	int outl = 0;

	if (EVP_EncryptInit_ex(ctx->ecb, NULL, NULL, hp, NULL) != 1 ||
	    EVP_EncryptUpdate(ctx->ecb, mask, &outl, sample,
	    QUIC_SAMPLE_LEN) != 1 || outl != QUIC_SAMPLE_LEN)
		return -1;
	return 0;
}

/* The nonce: iv XOR the packet number, left-padded (RFC 9001 5.3). */
static void
quic_nonce(const uint8_t iv[12], uint64_t pn, uint8_t nonce[12])
{
	int i;

	memcpy(nonce, iv, 12);
	for (i = 0; i < 8; i++)
		nonce[11 - i] ^= (uint8_t)(pn >> (8 * i));
}

/* One piece of associated data. */
struct quic_span {
	const uint8_t	*p;
	size_t		 len;
};

/*
 * AEAD_AES_128_GCM open (enc 0) or seal (enc 1) of n bytes in into out,
 * with the associated data given in pieces.  Open verifies tag; seal writes
 * it.  Returns 1 (done), 0 (open: tag mismatch) or -1 (libcrypto failed).
 */
static int
quic_aead(struct quic_ctx *ctx, int enc, const uint8_t key[16],
    const uint8_t nonce[12], const struct quic_span *aad, size_t naad,
    const uint8_t *in, size_t n, uint8_t *out, uint8_t tag[QUIC_TAG_LEN])
{
	uint8_t fin[QUIC_TAG_LEN];
	size_t i;
	int outl;

	if (n > QUIC_PLAIN_MAX)
		return -1;
	if (EVP_CipherInit_ex(ctx->gcm, NULL, NULL, key, nonce, enc) != 1)
		return -1;
	for (i = 0; i < naad; i++) {
		if (aad[i].len > QUIC_PLAIN_MAX)
			return -1;
		if (aad[i].len > 0 && EVP_CipherUpdate(ctx->gcm, NULL, &outl,
		    aad[i].p, (int)aad[i].len) != 1)
			return -1;
	}
	if (n > 0 && (EVP_CipherUpdate(ctx->gcm, out, &outl, in, (int)n) != 1 ||
	    (size_t)outl != n))
		return -1;
	if (!enc && EVP_CIPHER_CTX_ctrl(ctx->gcm, EVP_CTRL_GCM_SET_TAG,
	    QUIC_TAG_LEN, tag) != 1)
		return -1;
	if (EVP_CipherFinal_ex(ctx->gcm, fin, &outl) != 1)
		return enc ? -1 : 0;
	if (enc && EVP_CIPHER_CTX_ctrl(ctx->gcm, EVP_CTRL_GCM_GET_TAG,
	    QUIC_TAG_LEN, tag) != 1)
		return -1;
	return 1;
}

/* ---- keys cache ------------------------------------------------------ */

void
quic_keys_reset(struct quic_keys *keys)
{
	memset(keys, 0, sizeof(*keys));
}

/* The cached key set for (version, dcid), derived on a miss into the slot
 * not used last.  NULL if derivation failed. */
static struct quic_keyset *
quic_keys_get(struct quic_ctx *ctx, struct quic_keys *keys, uint32_t version,
    const uint8_t *dcid, size_t dcid_len, struct quic_info *info)
{
	struct quic_keyset *ks;
	unsigned i;

	for (i = 0; i < QUIC_KEYS_SLOTS; i++) {
		ks = &keys->set[i];
		if (ks->version == version && ks->version != 0 &&
		    ks->dcid_len == dcid_len &&
		    (dcid_len == 0 || memcmp(ks->dcid, dcid, dcid_len) == 0)) {
			keys->last = (uint8_t)i;
			return ks;
		}
	}
	/* an empty slot, else the one not used last */
	for (i = 0; i < QUIC_KEYS_SLOTS; i++)
		if (keys->set[i].version == 0)
			break;
	if (i == QUIC_KEYS_SLOTS)
		i = (unsigned)(keys->last + 1) % QUIC_KEYS_SLOTS;
	ks = &keys->set[i];
	info->key_derivations++;
	if (quic_keyset_derive(ctx, ks, version, dcid, dcid_len, 0) == -1)
		return NULL;
	keys->last = (uint8_t)i;
	return ks;
}

/* ---- packets --------------------------------------------------------- */

/* One long-header packet (or the first byte of a short one). */
struct quic_pkt {
	const uint8_t	*start;		/* first byte */
	size_t		 len;		/* whole packet, within the datagram */
	uint8_t		 first;		/* protected first byte */
	uint32_t	 version;
	struct quic_vinfo vi;
	enum quic_ptype	 type;
	const uint8_t	*dcid, *scid, *token;
	size_t		 dcid_len, scid_len, token_len;
	size_t		 pn_off;	/* Initial/0-RTT/Handshake: from start */
	size_t		 tail_off;	/* VN: versions; Retry: after SCID */
};

/*
 * Parses the header of the packet at the start of p[0..len).  Returns
 * QUIC_OK (pk->type says which kind; pk->len bounds it), QUIC_NOT_QUIC (no
 * header form: a long header bit and fixed bit both clear), QUIC_TRUNCATED
 * or QUIC_MALFORMED.
 */
static enum quic_status
quic_pkt_parse(const uint8_t *p, size_t len, struct quic_pkt *pk)
{
	struct cur c;
	uint64_t n;

	memset(pk, 0, sizeof(*pk));
	pk->start = p;
	cur_init(&c, p, len);
	pk->first = cur_u8(&c);
	if (!cur_ok(&c))
		return QUIC_NOT_QUIC;
	if (!(pk->first & 0x80)) {
		if (!(pk->first & 0x40))
			return QUIC_NOT_QUIC;
		pk->type = QUIC_PT_SHORT;
		pk->len = len;
		return QUIC_OK;
	}
	/* the version-independent part (RFC 8999 5.1) */
	pk->version = cur_u32(&c);
	pk->dcid_len = cur_u8(&c);
	pk->dcid = cur_take(&c, pk->dcid_len);
	pk->scid_len = cur_u8(&c);
	pk->scid = cur_take(&c, pk->scid_len);
	if (!cur_ok(&c))
		return QUIC_TRUNCATED;
	pk->len = len;
	pk->tail_off = cur_off(&c);
	if (pk->version == 0) {
		pk->type = QUIC_PT_VN;
		return QUIC_OK;
	}
	if (quic_version_info(pk->version, &pk->vi) == -1) {
		pk->type = QUIC_PT_UNKNOWN;
		return QUIC_OK;
	}
	if (pk->dcid_len > QUIC_CID_MAX || pk->scid_len > QUIC_CID_MAX)
		return QUIC_MALFORMED;
	pk->type = quic_long_type(pk->first, &pk->vi);
	if (pk->type == QUIC_PT_RETRY)
		return QUIC_OK;		/* takes the rest of the datagram */
	if (pk->type == QUIC_PT_INITIAL) {
		n = cur_varint(&c);
		if (!cur_ok(&c) || n > cur_left(&c))
			return QUIC_TRUNCATED;
		pk->token_len = (size_t)n;
		pk->token = cur_take(&c, pk->token_len);
	}
	n = cur_varint(&c);
	if (!cur_ok(&c))
		return QUIC_TRUNCATED;
	if (n > cur_left(&c))
		return QUIC_TRUNCATED;
	pk->pn_off = cur_off(&c);
	pk->len = pk->pn_off + (size_t)n;
	return QUIC_OK;
}

/* Records the first packet's header in info. */
static void
quic_info_header(struct quic_info *info, const struct quic_pkt *pk)
{
	size_t n;

	info->version = pk->version;
	info->dcid_len = (uint8_t)pk->dcid_len;
	info->scid_len = (uint8_t)pk->scid_len;
	n = pk->dcid_len < QUIC_CID_MAX ? pk->dcid_len : QUIC_CID_MAX;
	if (n > 0)
		memcpy(info->dcid, pk->dcid, n);
	n = pk->scid_len < QUIC_CID_MAX ? pk->scid_len : QUIC_CID_MAX;
	if (n > 0)
		memcpy(info->scid, pk->scid, n);
}

/* Version Negotiation: the list of 32-bit versions after the SCID. */
static enum quic_status
quic_parse_vn(const struct quic_pkt *pk, struct quic_info *info)
{
	struct cur c;
	uint32_t v;

	cur_init(&c, pk->start, pk->len);
	cur_skip(&c, pk->tail_off);
	if (cur_left(&c) == 0)
		return QUIC_MALFORMED;
	if (cur_left(&c) % 4 != 0)
		return QUIC_TRUNCATED;
	while (cur_left(&c) >= 4) {
		v = cur_u32(&c);
		if (info->vn_count < QUIC_VN_MAX)
			info->vn_versions[info->vn_count] = v;
		info->vn_count++;
	}
	return QUIC_VERSION_NEG;
}

/*
 * Retry: the token and, for versions 1 and 2 when odcid is given, the Retry
 * Integrity Tag check (RFC 9001 5.8).  The new CID is the Retry's SCID,
 * already in info.
 */
static enum quic_status
quic_parse_retry(struct quic_ctx *ctx, const struct quic_pkt *pk,
    const uint8_t *odcid, size_t odcid_len, struct quic_info *info)
{
	struct cur c;
	struct quic_span aad[3];
	uint8_t olen, tag[QUIC_TAG_LEN];
	const uint8_t *t;
	size_t body;
	int r;

	cur_init(&c, pk->start, pk->len);
	cur_skip(&c, pk->tail_off);
	if (pk->vi.retry_odcid) {
		/* drafts before 25: ODCID length, ODCID, then the token */
		olen = cur_u8(&c);
		cur_skip(&c, olen);
		if (!cur_ok(&c))
			return QUIC_TRUNCATED;
		info->token_len = cur_left(&c);
		return QUIC_RETRY;
	}
	if (cur_left(&c) < QUIC_TAG_LEN)
		return QUIC_MALFORMED;
	body = pk->len - QUIC_TAG_LEN;
	info->token_len = body - pk->tail_off;
	if (odcid == NULL || pk->vi.retry_key == NULL)
		return QUIC_RETRY;
	if (odcid_len > 255)
		return QUIC_RETRY;
	cur_skip(&c, body - pk->tail_off);
	if ((t = cur_take(&c, QUIC_TAG_LEN)) == NULL)
		return QUIC_MALFORMED;
	memcpy(tag, t, QUIC_TAG_LEN);
	olen = (uint8_t)odcid_len;
	aad[0].p = &olen;
	aad[0].len = 1;
	aad[1].p = odcid;
	aad[1].len = odcid_len;
	aad[2].p = pk->start;
	aad[2].len = body;
	r = quic_aead(ctx, 0, pk->vi.retry_key, pk->vi.retry_nonce, aad, 3,
	    NULL, 0, NULL, tag);
	if (r < 0)
		info->crypto_errors++;
	else
		info->retry_check = r == 1 ? QUIC_RETRY_VALID :
		    QUIC_RETRY_INVALID;
	return QUIC_RETRY;
}

/* Full packet number from its truncated form (RFC 9000 A.3). */
static uint64_t
quic_pn_decode(const struct quic_keyset *ks, uint64_t truncated,
    unsigned nbits)
{
	uint64_t expected, win, hwin, mask, cand;

	expected = ks->have_pn ? ks->largest_pn + 1 : 0;
	win = UINT64_C(1) << nbits;
	hwin = win / 2;
	mask = win - 1;
	cand = (expected & ~mask) | truncated;
	if (cand + hwin <= expected && cand < (UINT64_C(1) << 62) - win)
		return cand + win;
	if (cand > expected + hwin && cand >= win)
		return cand - win;
	return cand;
}

/*
 * Removes header protection and opens the payload of Initial pk with ks
 * into ctx->plain.  Returns 1 (opened: *first, *pn, *plain_len set), 0 (tag
 * mismatch) or -1 (libcrypto failed).  The caller checked that the packet
 * holds the 4 + 16 bytes from pn_off that the sample needs.
 */
static int
quic_unprotect(struct quic_ctx *ctx, struct quic_keyset *ks,
    const struct quic_pkt *pk, uint8_t *first, uint64_t *pn,
    size_t *plain_len)
{
	struct quic_span aad[3];
	uint8_t mask[QUIC_SAMPLE_LEN], pnb[QUIC_PN_MAX_LEN], nonce[12];
	uint8_t tag[QUIC_TAG_LEN];
	uint64_t tpn = 0;
	size_t pn_len, hdr_len, i;

	if (quic_hp_mask(ctx, ks->hp, pk->start + pk->pn_off + QUIC_PN_MAX_LEN,
	    mask) == -1)
		return -1;
	*first = pk->first ^ (mask[0] & 0x0f);
	pn_len = (size_t)(*first & 0x03) + 1;
	for (i = 0; i < pn_len; i++) {
		pnb[i] = pk->start[pk->pn_off + i] ^ mask[1 + i];
		tpn = tpn << 8 | pnb[i];
	}
	*pn = quic_pn_decode(ks, tpn, (unsigned)(8 * pn_len));
	hdr_len = pk->pn_off + pn_len;
	*plain_len = pk->len - hdr_len - QUIC_TAG_LEN;
	memcpy(tag, pk->start + pk->len - QUIC_TAG_LEN, QUIC_TAG_LEN);
	quic_nonce(ks->iv, *pn, nonce);
	aad[0].p = first;
	aad[0].len = 1;
	aad[1].p = pk->start + 1;
	aad[1].len = pk->pn_off - 1;
	aad[2].p = pnb;
	aad[2].len = pn_len;
	return quic_aead(ctx, 0, ks->key, nonce, aad, 3, pk->start + hdr_len,
	    *plain_len, ctx->plain, tag);
}

static int
quic_same_cid(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/*
 * Opens one client Initial and walks its frames.  Keys are tried for
 * (version, key_dcid), then the packet's own DCID if it differs; a
 * 0x?a?a?a?a version tries each of quic_forcing_vn_keys in turn.
 */
static enum quic_status
quic_open_initial(struct quic_ctx *ctx, struct quic_keys *keys,
    const uint8_t *key_dcid, size_t key_dcid_len, const struct quic_pkt *pk,
    quic_crypto_fn cb, void *arg, struct quic_info *info)
{
	struct quic_keyset *ks = NULL;
	enum quic_status st;
	const uint32_t *vers = &pk->version;
	const uint8_t *dcid;
	uint64_t pn = 0;
	size_t plain_len = 0, nvers = 1, v, d, dcid_len;
	uint8_t first = 0;
	int r = 0, failed = 0;

	/* Length covers packet number, payload and tag; the header
	 * protection sample is 16 bytes at pn_off + 4 (RFC 9001 5.4.2). */
	if (pk->len - pk->pn_off < QUIC_PN_MAX_LEN + QUIC_SAMPLE_LEN ||
	    pk->len - pk->pn_off > QUIC_PLAIN_MAX)
		return QUIC_MALFORMED;
	if (key_dcid == NULL) {
		key_dcid = pk->dcid;
		key_dcid_len = pk->dcid_len;
	}
	if (key_dcid_len > QUIC_CID_MAX)
		return QUIC_MALFORMED;
	if (pk->vi.forcing_vn) {
		vers = quic_forcing_vn_keys;
		nvers = sizeof(quic_forcing_vn_keys) /
		    sizeof(quic_forcing_vn_keys[0]);
	}
	for (v = 0; v < nvers && r != 1; v++) {
		for (d = 0; d < 2 && r != 1; d++) {
			dcid = d == 0 ? key_dcid : pk->dcid;
			dcid_len = d == 0 ? key_dcid_len : pk->dcid_len;
			if (d == 1 && quic_same_cid(key_dcid, key_dcid_len,
			    pk->dcid, pk->dcid_len))
				break;
			ks = quic_keys_get(ctx, keys, vers[v], dcid, dcid_len,
			    info);
			r = ks != NULL ? quic_unprotect(ctx, ks, pk, &first,
			    &pn, &plain_len) : -1;
			if (r < 0)
				failed = 1;
			if (r == 1 && d == 1)
				info->dcid_fallbacks++;
		}
	}
	if (r != 1) {
		if (failed)
			info->crypto_errors++;
		if (pk->vi.forcing_vn && !failed)
			return QUIC_UNKNOWN_VERSION;	/* no known keys fit */
		info->decrypt_failed++;
		return QUIC_DECRYPT_FAIL;
	}
	info->decrypted++;
	if (!ks->have_pn || pn > ks->largest_pn)
		ks->largest_pn = pn;
	ks->have_pn = 1;
	info->largest_pn = pn;
	/* Reserved bits must be 0 once protection is off (RFC 9000 17.2). */
	if (first & 0x0c) {
		info->violations++;
		info->bad_frame = first;
		return QUIC_PROTOCOL_VIOLATION;
	}
	st = quic_walk_initial_frames(ctx->plain, plain_len, cb, arg, info);
	if (st != QUIC_OK)
		info->violations++;
	return st;
}

/* Lower is better: the status a datagram reports among its Initials. */
static int
quic_status_rank(enum quic_status st)
{
	switch (st) {
	case QUIC_OK:
		return 0;
	case QUIC_PROTOCOL_VIOLATION:
		return 1;
	case QUIC_DECRYPT_FAIL:
		return 2;
	case QUIC_TRUNCATED:
		return 3;
	case QUIC_MALFORMED:
		return 4;
	case QUIC_UNKNOWN_VERSION:
		return 5;
	default:
		return 6;
	}
}

static enum quic_status
quic_status_best(enum quic_status a, enum quic_status b)
{
	return quic_status_rank(b) < quic_status_rank(a) ? b : a;
}

/*
 * Walks the packets of one datagram.  With keys == NULL (server side)
 * nothing is opened.  Packets after the first must be long headers of the
 * same version and DCID (RFC 9000 12.2); anything else ends the walk.
 */
static enum quic_status
quic_walk_datagram(struct quic_ctx *ctx, struct quic_keys *keys,
    const uint8_t *key_dcid, size_t key_dcid_len, const uint8_t *odcid,
    size_t odcid_len, const uint8_t *p, size_t len, quic_crypto_fn cb,
    void *arg, struct quic_info *info)
{
	struct quic_pkt pk, first;
	enum quic_status st, best = QUIC_NOT_INITIAL;
	size_t off = 0;
	int nth = 0;

	memset(info, 0, sizeof(*info));
	memset(&first, 0, sizeof(first));
	if (p == NULL || len == 0)
		return QUIC_NOT_QUIC;
	for (; off < len; off += pk.len, nth++) {
		st = quic_pkt_parse(p + off, len - off, &pk);
		if (nth == 0) {
			if (st == QUIC_NOT_QUIC)
				return QUIC_NOT_QUIC;
			if (st == QUIC_OK && pk.type != QUIC_PT_SHORT)
				quic_info_header(info, &pk);
			first = pk;
		} else if (st == QUIC_NOT_QUIC)
			break;		/* trailing padding or junk */
		if (st != QUIC_OK) {
			best = quic_status_best(best, st);
			break;
		}
		if (pk.type == QUIC_PT_SHORT) {
			info->short_header = 1;
			break;
		}
		if (nth > 0 && (pk.version != first.version ||
		    !quic_same_cid(pk.dcid, pk.dcid_len, first.dcid,
		    first.dcid_len)))
			break;
		if (pk.type == QUIC_PT_VN || pk.type == QUIC_PT_RETRY ||
		    pk.type == QUIC_PT_UNKNOWN) {
			if (nth > 0)
				break;	/* none of these coalesce */
			info->packets++;
			if (pk.type == QUIC_PT_VN)
				return quic_parse_vn(&pk, info);
			if (pk.type == QUIC_PT_RETRY)
				return quic_parse_retry(ctx, &pk, odcid,
				    odcid_len, info);
			return QUIC_UNKNOWN_VERSION;
		}
		info->packets++;
		if (pk.type != QUIC_PT_INITIAL) {
			info->skipped++;
			continue;
		}
		if (info->initials++ == 0)
			info->token_len = pk.token_len;
		if (keys == NULL) {
			best = quic_status_best(best, QUIC_OK);
			continue;
		}
		st = quic_open_initial(ctx, keys, key_dcid, key_dcid_len, &pk,
		    cb, arg, info);
		best = quic_status_best(best, st);
	}
	return best;
}

enum quic_status
quic_parse_client_datagram(struct quic_ctx *ctx, struct quic_keys *keys,
    const uint8_t *key_dcid, size_t key_dcid_len, const uint8_t *udp_payload,
    size_t len, quic_crypto_fn cb, void *arg, struct quic_info *info)
{
	return quic_walk_datagram(ctx, keys, key_dcid, key_dcid_len, NULL, 0,
	    udp_payload, len, cb, arg, info);
}

enum quic_status
quic_parse_server_datagram(struct quic_ctx *ctx, const uint8_t *odcid,
    size_t odcid_len, const uint8_t *udp_payload, size_t len,
    struct quic_info *info)
{
	enum quic_status st;

	st = quic_walk_datagram(ctx, NULL, NULL, 0, odcid, odcid_len,
	    udp_payload, len, NULL, NULL, info);
	/* headers only: a known long header first is all "ok" means here */
	if (st == QUIC_NOT_INITIAL && info->packets > 0)
		return QUIC_OK;
	return st;
}

/* ---- frames (RFC 9000 12.4, 19) -------------------------------------- */

/* ACK and ACK_ECN: the ranges must stay at or above packet number 0. */
static int
quic_frame_ack(struct cur *c, int ecn)
{
	uint64_t largest, count, first, gap, range, smallest, i;

	largest = cur_varint(c);
	(void)cur_varint(c);		/* ACK Delay */
	count = cur_varint(c);
	first = cur_varint(c);
	if (!cur_ok(c) || first > largest)
		return -1;
	smallest = largest - first;
	for (i = 0; i < count && cur_ok(c); i++) {
		gap = cur_varint(c);
		range = cur_varint(c);
		if (!cur_ok(c) || gap + 2 > smallest)
			return -1;
		largest = smallest - gap - 2;
		if (range > largest)
			return -1;
		smallest = largest - range;
	}
	if (ecn) {
		(void)cur_varint(c);	/* ECT0 */
		(void)cur_varint(c);	/* ECT1 */
		(void)cur_varint(c);	/* ECN-CE */
	}
	return cur_ok(c) ? 0 : -1;
}

enum quic_status
quic_walk_initial_frames(const uint8_t *payload, size_t len,
    quic_crypto_fn cb, void *arg, struct quic_info *info)
{
	struct cur c;
	const uint8_t *p, *data;
	uint64_t off, n, end;
	uint8_t type = 0;

	cur_init(&c, payload, len);
	if (cur_left(&c) == 0) {
		info->bad_frame = 0;	/* a packet with no frames */
		return QUIC_PROTOCOL_VIOLATION;
	}
	while (cur_left(&c) > 0) {
		/* Every frame type allowed here encodes in one byte; a longer
		 * encoding is not one of them. */
		type = cur_u8(&c);
		switch (type) {
		case 0x00:		/* PADDING */
			info->padding_bytes++;
			while ((p = cur_peek(&c)) != NULL && *p == 0x00) {
				cur_skip(&c, 1);
				info->padding_bytes++;
			}
			break;
		case 0x01:		/* PING */
			info->ping_frames++;
			break;
		case 0x02:		/* ACK */
		case 0x03:		/* ACK with ECN counts */
			if (quic_frame_ack(&c, type == 0x03) == -1)
				goto bad;
			info->ack_frames++;
			break;
		case 0x06:		/* CRYPTO */
			off = cur_varint(&c);
			n = cur_varint(&c);
			if (!cur_ok(&c) || n > cur_left(&c) ||
			    off > QUIC_VARINT_MAX - n)
				goto bad;
			data = cur_take(&c, (size_t)n);
			end = off + n;
			info->crypto_frames++;
			info->crypto_bytes += n;
			if (end > info->crypto_end)
				info->crypto_end = end;
			if (cb != NULL && n > 0)
				cb(arg, off, data, (size_t)n);
			break;
		case 0x1c:		/* CONNECTION_CLOSE (transport) */
			info->close_error = cur_varint(&c);
			(void)cur_varint(&c);	/* Frame Type */
			n = cur_varint(&c);
			if (!cur_ok(&c) || n > cur_left(&c))
				goto bad;
			cur_skip(&c, (size_t)n);	/* Reason Phrase */
			info->close_frames++;
			break;
		default:
			goto bad;
		}
	}
	return QUIC_OK;
bad:
	info->bad_frame = type;
	return QUIC_PROTOCOL_VIOLATION;
}

/* ---- building (tests, fuzzing, benchmarks) --------------------------- */

static size_t
quic_varint_len(uint64_t v)
{
	if (v < 64)
		return 1;
	if (v < 16384)
		return 2;
	if (v < (UINT64_C(1) << 30))
		return 4;
	return 8;
}

static size_t
quic_put_varint(uint8_t *out, uint64_t v)
{
	size_t n = quic_varint_len(v), i;
	static const uint8_t tag[9] = { 0, 0x00, 0x40, 0, 0x80, 0, 0, 0, 0xc0 };

	for (i = 0; i < n; i++)
		out[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	out[0] |= tag[n];
	return n;
}

size_t
quic_build_initial(struct quic_ctx *ctx, const struct quic_keyset *ks,
    const struct quic_build *b, uint8_t *out, size_t out_size)
{
	struct quic_vinfo vi;
	struct quic_span aad[1];
	uint8_t mask[QUIC_SAMPLE_LEN], nonce[12], tag[QUIC_TAG_LEN];
	uint64_t length;
	size_t need, off = 0, pn_off, i;
	unsigned type;

	if (quic_version_info(b->version, &vi) == -1 ||
	    b->dcid_len > QUIC_CID_MAX || b->scid_len > QUIC_CID_MAX ||
	    b->pn_len < 1 || b->pn_len > QUIC_PN_MAX_LEN ||
	    b->pn_len + b->payload_len < QUIC_PN_MAX_LEN ||
	    b->payload_len > QUIC_PLAIN_MAX || b->token_len > QUIC_PLAIN_MAX)
		return 0;
	length = b->pn_len + b->payload_len + QUIC_TAG_LEN;
	need = 1 + 4 + 1 + b->dcid_len + 1 + b->scid_len +
	    quic_varint_len(b->token_len) + b->token_len +
	    quic_varint_len(length) + (size_t)length;
	if (need > out_size)
		return 0;
	type = vi.v2types ? 1 : 0;
	out[off++] = (uint8_t)(0xc0 | type << 4 | (b->reserved & 3) << 2 |
	    (b->pn_len - 1));
	for (i = 0; i < 4; i++)
		out[off++] = (uint8_t)(b->version >> (24 - 8 * i));
	out[off++] = (uint8_t)b->dcid_len;
	if (b->dcid_len > 0)
		memcpy(out + off, b->dcid, b->dcid_len);
	off += b->dcid_len;
	out[off++] = (uint8_t)b->scid_len;
	if (b->scid_len > 0)
		memcpy(out + off, b->scid, b->scid_len);
	off += b->scid_len;
	off += quic_put_varint(out + off, b->token_len);
	if (b->token_len > 0)
		memcpy(out + off, b->token, b->token_len);
	off += b->token_len;
	off += quic_put_varint(out + off, length);
	pn_off = off;
	for (i = 0; i < b->pn_len; i++)
		out[off++] = (uint8_t)(b->pn >> (8 * (b->pn_len - 1 - i)));
	quic_nonce(ks->iv, b->pn, nonce);
	aad[0].p = out;
	aad[0].len = off;
	if (quic_aead(ctx, 1, ks->key, nonce, aad, 1, b->payload,
	    b->payload_len, out + off, tag) != 1)
		return 0;
	off += b->payload_len;
	memcpy(out + off, tag, QUIC_TAG_LEN);
	off += QUIC_TAG_LEN;
	if (quic_hp_mask(ctx, ks->hp, out + pn_off + QUIC_PN_MAX_LEN,
	    mask) == -1)
		return 0;
	out[0] ^= mask[0] & 0x0f;
	for (i = 0; i < b->pn_len; i++)
		out[pn_off + i] ^= mask[1 + i];
	return off;
}

const char *
quic_status_str(enum quic_status st)
{
	static const char *const names[QUIC_STATUS_MAX] = {
		[QUIC_OK] = "ok",
		[QUIC_NOT_QUIC] = "not_quic",
		[QUIC_NOT_INITIAL] = "not_initial",
		[QUIC_VERSION_NEG] = "version_negotiation",
		[QUIC_RETRY] = "retry",
		[QUIC_UNKNOWN_VERSION] = "unknown_version",
		[QUIC_DECRYPT_FAIL] = "decrypt_fail",
		[QUIC_PROTOCOL_VIOLATION] = "protocol_violation",
		[QUIC_TRUNCATED] = "truncated",
		[QUIC_MALFORMED] = "malformed",
	};

	if ((unsigned)st >= QUIC_STATUS_MAX)
		return "invalid";
	return names[st];
}
