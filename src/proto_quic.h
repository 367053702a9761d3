/*
 * proto_quic.h - QUIC long-header packets: client Initials to CRYPTO frames.
 *
 * The module reads the UDP payload of a QUIC flow, walks the coalesced
 * long-header packets in it, removes header and packet protection from the
 * client's Initial packets (keys derived from a Destination Connection ID,
 * RFC 9001 section 5) and walks their frames.  Each CRYPTO frame is handed to
 * a callback as (offset, bytes); reassembling the CRYPTO stream and parsing
 * the ClientHello belong to the caller.  Version Negotiation and Retry
 * packets are recognised and reported, other long-header packets (0-RTT,
 * Handshake) are skipped by their Length field, and a short-header packet
 * ends the datagram.
 *
 * Versions: 1 (RFC 9001), 2 (RFC 9369, 0x6b3343cf), IETF drafts 22 to 34
 * (0xff000016..0xff000022) and Facebook mvfst 0xfaceb001 (draft-22 salt),
 * 0xfaceb002 and 0xfaceb00e (draft-23 salt).  Versions 0x?a?a?a?a, reserved
 * to force version negotiation, are tried with the version 1 keys (what the
 * clients that send them use, and what Wireshark does); when that fails they
 * are QUIC_UNKNOWN_VERSION like every other version (gQUIC Q0xx/T05x...).
 *
 * Owns: one struct quic_ctx per sensor thread (libcrypto contexts created
 * once and re-keyed per packet, and the plaintext buffer), and the per-flow
 * struct quic_keys the caller embeds (a two-entry cache of derived keys).
 * Nothing is allocated per packet.  Packet bytes are borrowed for the call.
 * A quic_ctx serves one thread at a time; a quic_keys belongs to one flow.
 *
 * Which DCID to derive keys from, per flow (RFC 9001 5.2): pass NULL until
 * a client datagram returns QUIC_OK or QUIC_PROTOCOL_VIOLATION, then
 * remember that call's info.dcid and pass it from then on (later Initials
 * go to the server's CID but keep these keys).  After a server Retry
 * (quic_parse_server_datagram() == QUIC_RETRY, retry_check not INVALID)
 * remember the Retry's info.scid instead.  When a call reports
 * info.dcid_fallbacks, the remembered DCID was stale (a Retry not seen):
 * remember that call's info.dcid.
 */
#ifndef FAASWATCH_PROTO_QUIC_H
#define FAASWATCH_PROTO_QUIC_H

#include <stddef.h>
#include <stdint.h>

/* ---- limits (structural; kept here, see defaults.h for the others) --- */
/* Connection ID length for versions 1 and 2 and the drafts (RFC 9000 17.2);
 * Version Negotiation and unknown versions may carry up to 255 bytes. */
#define QUIC_CID_MAX		20
/* Largest packet opened: a UDP payload (65535 - 8), rounded up.  The
 * plaintext buffer in struct quic_ctx has this size. */
#define QUIC_PLAIN_MAX		65536
/* Versions remembered from one Version Negotiation packet. */
#define QUIC_VN_MAX		16
/* Derived key sets cached per flow: the original DCID and one more (a Retry
 * the sensor saw or missed, or a version switched by compatible version
 * negotiation). */
#define QUIC_KEYS_SLOTS		2

/* Well-known versions. */
#define QUIC_VERSION_1		0x00000001u
#define QUIC_VERSION_2		0x6b3343cfu

enum quic_status {
	QUIC_OK = 0,		/* >= 1 Initial opened and its frames walked */
	QUIC_NOT_QUIC,		/* empty, or first byte 0b00xxxxxx (not a
				   long header; a short header only with a
				   greased fixed bit, RFC 9287) */
	QUIC_NOT_INITIAL,	/* QUIC, but no Initial (0-RTT, Handshake,
				   short header) */
	QUIC_VERSION_NEG,	/* Version Negotiation packet (version 0) */
	QUIC_RETRY,		/* Retry packet */
	QUIC_UNKNOWN_VERSION,	/* long header of a version not known here */
	QUIC_DECRYPT_FAIL,	/* an Initial whose AEAD tag did not verify */
	QUIC_PROTOCOL_VIOLATION,/* opened, but a frame not allowed in an
				   Initial, a bad frame encoding, reserved
				   bits set or no frames at all */
	QUIC_TRUNCATED,		/* a header or packet runs past the end */
	QUIC_MALFORMED,		/* a field invalid on its face */
	QUIC_STATUS_MAX
};

enum quic_retry_check {
	QUIC_RETRY_UNCHECKED = 0,	/* no original DCID given, or a draft */
	QUIC_RETRY_VALID,		/* Retry Integrity Tag verified */
	QUIC_RETRY_INVALID
};

/* One derived set of Initial keys (RFC 9001 5.2). */
struct quic_keyset {
	uint32_t	version;	/* 0: slot empty */
	uint8_t		dcid_len;
	uint8_t		dcid[QUIC_CID_MAX];	/* the DCID they derive from */
	uint8_t		key[16];	/* AEAD_AES_128_GCM key */
	uint8_t		iv[12];
	uint8_t		hp[16];		/* AES-128-ECB header protection */
	uint8_t		have_pn;	/* largest_pn is valid */
	uint64_t	largest_pn;	/* largest packet number opened */
};

/*
 * Per-flow key cache, fixed size, embedded by the caller.  All-zero bytes
 * (or quic_keys_reset()) is the empty state.  A flow with several Initials
 * derives its keys once; a second DCID or version gets the other slot.
 */
struct quic_keys {
	struct quic_keyset	set[QUIC_KEYS_SLOTS];
	uint8_t			last;	/* slot used last */
};

/* What one call saw.  Zeroed by the parse functions before use. */
struct quic_info {
	/* from the first long-header packet */
	uint32_t	version;
	uint8_t		dcid_len;	/* as on the wire; may exceed
					   QUIC_CID_MAX for VN/unknown */
	uint8_t		scid_len;
	uint8_t		dcid[QUIC_CID_MAX];	/* first QUIC_CID_MAX bytes */
	uint8_t		scid[QUIC_CID_MAX];
	uint64_t	token_len;	/* first Initial's token, or Retry's */

	/* packets */
	unsigned	packets;	/* long-header packets walked */
	unsigned	initials;
	unsigned	decrypted;	/* Initials whose AEAD opened */
	unsigned	decrypt_failed;
	unsigned	skipped;	/* 0-RTT and Handshake, by Length */
	unsigned	short_header;	/* 1: a short header ended the walk */
	unsigned	violations;	/* opened Initials that broke a rule */
	unsigned	key_derivations;/* key sets derived (0: cache hit) */
	unsigned	dcid_fallbacks;	/* opened with the packet's own DCID
					   after the given one failed */
	unsigned	crypto_errors;	/* libcrypto itself failed */
	uint64_t	largest_pn;	/* of the last Initial opened */

	/* frames of the opened Initials */
	unsigned	padding_bytes;
	unsigned	ping_frames;
	unsigned	ack_frames;
	unsigned	crypto_frames;
	unsigned	close_frames;
	uint64_t	close_error;	/* CONNECTION_CLOSE error code */
	uint64_t	crypto_bytes;
	uint64_t	crypto_end;	/* largest offset + length seen */
	uint8_t		bad_frame;	/* QUIC_PROTOCOL_VIOLATION: first byte
					   of the frame that stopped a packet,
					   or the unprotected first byte when
					   its reserved bits were set */

	/* Version Negotiation */
	unsigned	vn_count;	/* versions listed */
	uint32_t	vn_versions[QUIC_VN_MAX];	/* the first ones */

	/* Retry: dcid/scid above are the Retry's; scid is the DCID the
	 * client's next Initial uses and derives its keys from. */
	enum quic_retry_check	retry_check;
};

/*
 * CRYPTO frame callback: data holds len bytes of the CRYPTO stream at
 * offset (offset + len < 2^62).  Only frames of packets whose AEAD tag
 * verified are delivered, in packet order (not offset order; frames may
 * overlap or repeat).  data is borrowed until the callback returns.
 */
typedef void	(*quic_crypto_fn)(void *arg, uint64_t offset,
		    const uint8_t *data, size_t len);

struct quic_ctx;

/* One per sensor thread.  Returns NULL if memory or libcrypto (AES-128-ECB,
 * AES-128-GCM, HKDF) is unavailable.  Caller frees with quic_ctx_destroy. */
struct quic_ctx	*quic_ctx_create(void);
/* Accepts NULL. */
void		 quic_ctx_destroy(struct quic_ctx *ctx);

/* Empties a per-flow key cache. */
void		 quic_keys_reset(struct quic_keys *keys);

/*
 * Parses one UDP payload sent by the client.  Client Initials are opened
 * with keys derived from key_dcid (the DCID of the flow's first client
 * Initial, or after a Retry the Retry's SCID), or from each packet's own
 * DCID when key_dcid is NULL.  When the AEAD fails with key_dcid and the
 * packet's DCID differs, the packet's DCID is tried too (a Retry the sensor
 * missed); info->dcid_fallbacks counts it.  Keys come from, and are cached
 * in, *keys.
 *
 * cb (may be NULL) gets every CRYPTO frame of every opened Initial.  A
 * packet that breaks a frame rule stops at that frame; frames before it
 * were delivered.
 *
 * Returns the best outcome among the Initials of the datagram (QUIC_OK,
 * then QUIC_PROTOCOL_VIOLATION, QUIC_DECRYPT_FAIL, QUIC_TRUNCATED,
 * QUIC_MALFORMED and QUIC_UNKNOWN_VERSION), else QUIC_NOT_INITIAL,
 * QUIC_VERSION_NEG, QUIC_RETRY or QUIC_NOT_QUIC.  info (required) is filled in
 * every case.  Nothing is retained: udp_payload, key_dcid and arg are
 * borrowed for the call; ctx and keys are the caller's.
 */
enum quic_status quic_parse_client_datagram(struct quic_ctx *ctx,
		    struct quic_keys *keys, const uint8_t *key_dcid,
		    size_t key_dcid_len, const uint8_t *udp_payload,
		    size_t len, quic_crypto_fn cb, void *arg,
		    struct quic_info *info);

/*
 * Parses one UDP payload sent by the server, headers only (nothing is
 * decrypted).  Returns QUIC_OK when the first packet is a long header of a
 * known version (Initial, 0-RTT or Handshake; info has its version, DCID and
 * SCID), QUIC_VERSION_NEG (versions in info), QUIC_RETRY (new CID in
 * info->scid; when odcid is given the Retry Integrity Tag is checked for
 * versions 1 and 2 and the result is in info->retry_check),
 * QUIC_UNKNOWN_VERSION, QUIC_NOT_INITIAL (short header), QUIC_NOT_QUIC,
 * QUIC_TRUNCATED or QUIC_MALFORMED.  Pointers are borrowed for the call.
 */
enum quic_status quic_parse_server_datagram(struct quic_ctx *ctx,
		    const uint8_t *odcid, size_t odcid_len,
		    const uint8_t *udp_payload, size_t len,
		    struct quic_info *info);

/*
 * Walks the frames of one decrypted Initial payload (exported for tests and
 * fuzzing; quic_parse_client_datagram calls it).  Counts frames into info
 * (not zeroed here) and hands CRYPTO frames to cb.  Returns QUIC_OK, or
 * QUIC_PROTOCOL_VIOLATION at the first frame type not allowed in an Initial
 * or frame that does not parse (info->bad_frame is its first byte), or for
 * an empty payload.
 */
enum quic_status quic_walk_initial_frames(const uint8_t *payload, size_t len,
		    quic_crypto_fn cb, void *arg, struct quic_info *info);

/*
 * Derives the Initial keys of one side (from_server 0: client) for version
 * and dcid into *ks (RFC 9001 5.2; RFC 9369 3.3).  Returns 0, or -1 for an
 * unknown version, dcid_len > QUIC_CID_MAX or a libcrypto failure.
 */
int		 quic_keyset_derive(struct quic_ctx *ctx, struct quic_keyset *ks,
		    uint32_t version, const uint8_t *dcid, size_t dcid_len,
		    int from_server);

/* What quic_build_initial() protects. */
struct quic_build {
	uint32_t	 version;
	const uint8_t	*dcid;
	size_t		 dcid_len;	/* <= QUIC_CID_MAX */
	const uint8_t	*scid;
	size_t		 scid_len;	/* <= QUIC_CID_MAX */
	const uint8_t	*token;
	size_t		 token_len;
	uint64_t	 pn;		/* full packet number */
	unsigned	 pn_len;	/* 1..4 bytes on the wire */
	unsigned	 reserved;	/* the two reserved bits (tests) */
	const uint8_t	*payload;	/* plaintext frames */
	size_t		 payload_len;
};

/*
 * Builds one protected Initial packet (header protection and AEAD with ks)
 * into out.  For unit tests, fuzzing and benchmarks: the sensor never sends.
 * Returns the packet length, or 0 when it does not fit in out_size, a field
 * is out of range (the payload must be long enough to sample: pn_len +
 * payload_len >= 4), the version is unknown or libcrypto fails.
 */
size_t		 quic_build_initial(struct quic_ctx *ctx,
		    const struct quic_keyset *ks, const struct quic_build *b,
		    uint8_t *out, size_t out_size);

/* A static name for a status ("ok", "decrypt_fail", ...); never NULL. */
const char	*quic_status_str(enum quic_status st);

#endif /* FAASWATCH_PROTO_QUIC_H */
