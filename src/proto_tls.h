/*
 * proto_tls.h - the TLS ClientHello parser, with JA3 and JA4.
 *
 * faaswatch names a flow from the server_name its client sends, so this
 * module reads exactly one thing, a ClientHello, and reads it exactly: the
 * SNI host_name as raw wire bytes (never truncated silently), the offered
 * versions, ALPN, the list counts, the Encrypted Client Hello and draft ESNI
 * extensions, and the two client fingerprints (JA3 as tshark 4.0 computes
 * tls.handshake.ja3, JA4 as FoxIO defines it).
 *
 * Two entry points: tls_parse_stream() takes a TCP client stream from its
 * first byte (TLS records, a ClientHello possibly fragmented over several
 * records), tls_parse_handshake() takes a QUIC CRYPTO stream from offset 0
 * (handshake messages, no record layer).  Both parse into a caller-provided
 * struct tls_hello, which holds copies and never points into the input, and
 * work in a caller-provided struct tls_scratch (one per thread: the joined
 * record fragments, the JA4 sort array and the digest contexts), so nothing
 * is allocated per packet by this module.
 *
 * All untrusted bytes are read through struct cur (cursor.h).
 */
#ifndef FAASWATCH_PROTO_TLS_H
#define FAASWATCH_PROTO_TLS_H

#include <stddef.h>
#include <stdint.h>

/* ---- limits ------------------------------------------------------------ */
/* Largest ClientHello handshake message accepted, its 4-byte header
 * included, once joined from its records.  Real ones are 200 B to 2 KiB
 * (Chrome with an ML-KEM key share: ~1.8 KiB; the largest in the test
 * captures: 11 418 B).  Larger ones are TLS_TOO_BIG. */
#define TLS_HELLO_MAX		16384
/* Largest TLS record payload (RFC 8446 5.1: TLSPlaintext is <= 2^14). */
#define TLS_RECORD_MAX		16384
/* SNI host_name bytes kept (a DNS name has at most 253 characters). */
#define TLS_SNI_MAX		255
/* ALPN protocol names kept, and bytes kept of each (IANA's longest
 * registered name is 14 bytes). */
#define TLS_ALPN_KEEP		4
#define TLS_ALPN_VALUE_MAX	32

/* ---- results ----------------------------------------------------------- */
enum tls_status {
	TLS_OK,		/* a whole ClientHello was parsed */
	TLS_MORE,	/* a prefix of one: call again with more bytes */
	TLS_NOT_TLS,	/* does not start a TLS ClientHello */
	TLS_MALFORMED,	/* claims to be one but breaks the format */
	TLS_TOO_BIG,	/* larger than TLS_HELLO_MAX */
};

/* Why a ClientHello was TLS_MALFORMED (h->defect), for counters. */
enum tls_defect {
	TLS_DEFECT_NONE,
	TLS_DEFECT_RECORD,	/* bad record: type, version, length 0 or
				   > TLS_RECORD_MAX, inside the hello */
	TLS_DEFECT_BODY,	/* version, random, session id, ciphers,
				   compression: short, odd or empty */
	TLS_DEFECT_EXTENSIONS,	/* extension block overruns the message,
				   trailing bytes, an extension overruns */
	TLS_DEFECT_DUPLICATE,	/* a parsed extension appears twice */
	TLS_DEFECT_SNI,		/* server_name: empty list, list overrun,
				   zero-length name, two host_names */
	TLS_DEFECT_ALPN,
	TLS_DEFECT_VERSIONS,	/* supported_versions */
	TLS_DEFECT_GROUPS,	/* supported_groups */
	TLS_DEFECT_POINT_FORMATS,
	TLS_DEFECT_SIG_ALGS,	/* signature_algorithms */
	TLS_DEFECT_ECH,		/* encrypted_client_hello (0xfe0d) */
};

/* Where GREASE values (RFC 8701, 0x?a?a) were seen: h->grease bits. */
#define TLS_GREASE_CIPHER	0x01
#define TLS_GREASE_EXTENSION	0x02
#define TLS_GREASE_GROUP	0x04
#define TLS_GREASE_VERSION	0x08
#define TLS_GREASE_SIG_ALG	0x10

#define TLS_ECH_OUTER		0	/* ECHClientHelloType */
#define TLS_ECH_INNER		1

/*
 * A parsed ClientHello.  Fixed size, no pointers: everything is copied out
 * of the input.  Counts exclude GREASE values and are not capped.
 */
struct tls_hello {
	uint16_t	record_version;	/* first record header; 0 for QUIC */
	uint16_t	legacy_version;	/* ClientHello.legacy_version */
	uint16_t	max_version;	/* highest non-GREASE supported_versions
					   entry; legacy_version without one */
	uint8_t		quic;		/* from tls_parse_handshake() */
	uint8_t		sslv2;		/* TLS_NOT_TLS: an SSLv2-format hello */
	uint16_t	records;	/* TLS records it spans (0: QUIC) */
	uint32_t	hello_len;	/* handshake message, header included */
	uint8_t		session_id_len;

	/* server_name (0x0000): the first host_name, raw wire bytes */
	uint8_t		has_sni;
	uint8_t		sni_too_long;	/* sni_len > TLS_SNI_MAX: sni holds the
					   first TLS_SNI_MAX bytes */
	uint16_t	sni_len;	/* wire length of host_name */
	uint8_t		sni[TLS_SNI_MAX + 1];	/* NUL-terminated for
					   convenience; may hold NUL bytes */

	/* application_layer_protocol_negotiation (0x0010) */
	uint8_t		has_alpn;
	uint16_t	alpn_count;	/* names in the list on the wire */
	/* the first TLS_ALPN_KEEP names: wire lengths, and their first
	 * TLS_ALPN_VALUE_MAX bytes, NUL-terminated */
	uint8_t		alpn_len[TLS_ALPN_KEEP];
	uint8_t		alpn[TLS_ALPN_KEEP][TLS_ALPN_VALUE_MAX + 1];

	/* list counts, GREASE excluded */
	uint16_t	n_ciphers;
	uint16_t	n_extensions;
	uint16_t	n_groups;
	uint16_t	n_point_formats;
	uint16_t	n_sig_algs;
	uint16_t	n_versions;	/* supported_versions entries */
	uint8_t		grease;		/* TLS_GREASE_* */
	uint8_t		has_versions;	/* supported_versions (0x002b) */
	uint8_t		has_psk;	/* pre_shared_key (0x0029) */
	uint8_t		has_early_data;	/* early_data (0x002a) */

	/* encrypted_client_hello (0xfe0d); fields below has_ech are those of
	 * an outer ECHClientHello (type TLS_ECH_OUTER), 0 otherwise */
	uint8_t		has_ech;
	uint8_t		ech_type;
	uint8_t		ech_config_id;
	uint16_t	ech_kdf_id;
	uint16_t	ech_aead_id;
	uint16_t	ech_enc_len;
	uint16_t	ech_payload_len;
	/* draft ESNI (encrypted_server_name, 0xffce) */
	uint8_t		has_esni;

	enum tls_defect	defect;		/* with TLS_MALFORMED */

	/* fingerprints, lower-case, NUL-terminated; empty unless TLS_OK (and
	 * empty if libcrypto lacks MD5 or SHA-256, as in FIPS mode) */
	char		ja3[33];	/* MD5 hex */
	char		ja4[37];	/* FoxIO JA4, 36 characters */
};

/* Per-thread work memory: opaque. */
struct tls_scratch;

/* ---- functions --------------------------------------------------------- */
/*
 * Allocates the work memory of one parsing thread: 32 KiB, a digest context
 * and libcrypto's MD5 and SHA-256, fetched once.  (libcrypto 3.0 still
 * allocates its digest state at each digest start: three small allocations
 * per ClientHello parsed, inside libcrypto.)  Without MD5 or SHA-256 (a FIPS
 * provider) the parser works and leaves ja3 or ja4 empty.  Returns NULL when
 * out of memory.  Caller frees with tls_scratch_destroy().
 */
struct tls_scratch	*tls_scratch_create(void);
/* Frees s; NULL is accepted. */
void			 tls_scratch_destroy(struct tls_scratch *s);

/*
 * Parses the ClientHello at the start of a TCP client stream: p..len are the
 * first contiguous bytes the client sent, starting at a record boundary.  A
 * ClientHello fragmented over several handshake records is joined in s (up
 * to TLS_HELLO_MAX bytes).  Bytes after the ClientHello are ignored.
 *
 * Returns TLS_OK with h filled in; TLS_MORE when p is a prefix of a
 * ClientHello, with *need set to a lower bound on the stream length the
 * whole ClientHello takes (exact once its handshake header has been seen,
 * unless it goes on in further records, whose headers each add 5 bytes;
 * calling earlier is harmless, e.g. to learn TLS_NOT_TLS); TLS_NOT_TLS if
 * the stream does not start with a handshake record holding a ClientHello
 * (h->sslv2 set for an SSLv2-format hello, which has no extensions);
 * TLS_TOO_BIG; or TLS_MALFORMED with h->defect saying why and the fields
 * parsed before the defect kept (the SNI among them when it came first).
 * With TLS_MORE, TLS_NOT_TLS and TLS_TOO_BIG the rest of h is unspecified.
 *
 * p is borrowed for the call (NULL if len is 0); h, need and s belong to
 * the caller; need may be NULL.  Reentrant as long as each thread has its
 * own s.
 */
enum tls_status	tls_parse_stream(const uint8_t *p, size_t len,
		    struct tls_hello *h, size_t *need, struct tls_scratch *s);

/*
 * Parses the ClientHello at the start of a QUIC CRYPTO stream (handshake
 * messages from offset 0, no record layer).  Same results as
 * tls_parse_stream(); h->quic is set, h->record_version and h->records are
 * 0, and JA4 starts with "q".  With TLS_MORE, *need is the length of the
 * whole ClientHello once its 4-byte header is in p (4 before that).
 */
enum tls_status	tls_parse_handshake(const uint8_t *p, size_t len,
		    struct tls_hello *h, size_t *need, struct tls_scratch *s);

/*
 * Looks for a server_name extension inside a piece of a ClientHello whose
 * other parts are missing (a lost QUIC Initial or TCP segment): the exact
 * shape extension type 0, length L, list length L-2, name type 0, name
 * length L-5, then that many host name characters (letters, digits, '-',
 * '.', '_', with a dot inside).  Returns the name's length and points *name
 * into p, or 0 when no such extension lies whole in p.  Every length must
 * agree, so a match by chance in random bytes is vanishingly rare.
 */
size_t		tls_scan_sni(const uint8_t *p, size_t len, const uint8_t **name);

/* A static name for a status or a defect, for logs and statistics. */
const char	*tls_status_str(enum tls_status st);
const char	*tls_defect_str(enum tls_defect d);

#endif /* FAASWATCH_PROTO_TLS_H */
