/*
 * proto_tls.c - the TLS ClientHello parser, JA3 and JA4.  See proto_tls.h.
 *
 * The record layer (TCP) or the CRYPTO stream (QUIC) yields one handshake
 * message; tls_parse_message() reads it in one pass, filling struct
 * tls_hello and noting where the fingerprinted lists lie, then the
 * fingerprints are computed from those lists.  Everything is read through
 * cursors: the message, its body, each vector and each extension has its
 * own, so no field can be read past its declared length.
 *
 * Strictness: lengths that disagree, and malformed contents of the
 * extensions we report (server_name, ALPN, supported_versions, the lists
 * fingerprinted, ECH), make the hello TLS_MALFORMED, as they would make
 * OpenSSL reject it; the fields parsed before the defect are kept, so the
 * caller still sees an SNI that came first.  Extensions we do not read are
 * opaque.  The legacy record version is not checked beyond its major byte
 * (RFC 8446 5.1: it "MUST be ignored").
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "cursor.h"
#include "proto_tls.h"

#define TLS_CT_HANDSHAKE	22	/* record content type */
#define TLS_HT_CLIENT_HELLO	1	/* handshake message type */
#define TLS_RECORD_HDR		5
#define TLS_HS_HDR		4
#define TLS_SESSION_ID_MAX	32

#define TLS_EXT_SERVER_NAME	0x0000
#define TLS_EXT_GROUPS		0x000a
#define TLS_EXT_POINT_FORMATS	0x000b
#define TLS_EXT_SIG_ALGS	0x000d
#define TLS_EXT_ALPN		0x0010
#define TLS_EXT_PSK		0x0029
#define TLS_EXT_EARLY_DATA	0x002a
#define TLS_EXT_VERSIONS	0x002b
#define TLS_EXT_ECH		0xfe0d
#define TLS_EXT_ESNI		0xffce

#define TLS_SNI_HOST_NAME	0

/* Bits of the extensions already seen, for the duplicate check. */
#define SEEN_SNI		0x001
#define SEEN_GROUPS		0x002
#define SEEN_POINT_FORMATS	0x004
#define SEEN_SIG_ALGS		0x008
#define SEEN_ALPN		0x010
#define SEEN_VERSIONS		0x020
#define SEEN_ECH		0x040
#define SEEN_PSK		0x080
#define SEEN_EARLY_DATA		0x100
#define SEEN_ESNI		0x200

#define JA4_HASH_LEN		12	/* hex digits kept of each SHA-256 */

struct tls_scratch {
	uint8_t		 buf[TLS_HELLO_MAX];	/* joined ClientHello */
	uint16_t	 sort[TLS_HELLO_MAX / 2];	/* JA4 sorting */
	EVP_MD_CTX	*ctx;
	EVP_MD		*md5;		/* NULL when unavailable */
	EVP_MD		*sha256;	/* NULL when unavailable */
};

/* Where the fingerprinted lists lie in the message being parsed. */
struct tls_spans {
	struct cur	 ciphers;
	struct cur	 exts;		/* the whole extension block */
	struct cur	 groups;
	struct cur	 formats;
	struct cur	 sigalgs;
	struct cur	 alpn0;		/* first ALPN protocol name */
	int		 sni_ext;	/* server_name extension present */
};

/* Digest writer: text formatted into a small buffer that feeds EVP. */
struct tls_dw {
	EVP_MD_CTX	*ctx;
	int		 ok;
	size_t		 n;
	char		 buf[256];
};

static const char	tls_hex[] = "0123456789abcdef";

struct tls_scratch *
tls_scratch_create(void)
{
	struct tls_scratch *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if ((s->ctx = EVP_MD_CTX_new()) == NULL) {
		free(s);
		return NULL;
	}
	/* Fetched once: an implicit fetch per digest costs a lookup. */
	s->md5 = EVP_MD_fetch(NULL, "MD5", NULL);
	s->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	return s;
}

void
tls_scratch_destroy(struct tls_scratch *s)
{
	if (s == NULL)
		return;
	EVP_MD_CTX_free(s->ctx);
	EVP_MD_free(s->md5);
	EVP_MD_free(s->sha256);
	free(s);
}

const char *
tls_status_str(enum tls_status st)
{
	switch (st) {
	case TLS_OK:
		return "ok";
	case TLS_MORE:
		return "more";
	case TLS_NOT_TLS:
		return "not-tls";
	case TLS_MALFORMED:
		return "malformed";
	case TLS_TOO_BIG:
		return "too-big";
	}
	return "?";
}

const char *
tls_defect_str(enum tls_defect d)
{
	static const char *const names[] = {
		"none", "record", "body", "extensions", "duplicate-extension",
		"server-name", "alpn", "supported-versions", "supported-groups",
		"ec-point-formats", "signature-algorithms", "ech",
	};

	if ((size_t)d < sizeof(names) / sizeof(names[0]))
		return names[d];
	return "?";
}

/* RFC 8701: 0x0a0a, 0x1a1a, ... 0xfafa. */
static int
tls_is_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

static enum tls_status
tls_malformed(struct tls_hello *h, enum tls_defect d)
{
	h->defect = d;
	return TLS_MALFORMED;
}

/* ---- digests ----------------------------------------------------------- */

static void
dw_begin(struct tls_dw *w, struct tls_scratch *s, const EVP_MD *md)
{
	w->ctx = s->ctx;
	w->n = 0;
	w->ok = md != NULL && EVP_DigestInit_ex(s->ctx, md, NULL) == 1;
}

static void
dw_flush(struct tls_dw *w)
{
	if (w->ok && w->n > 0 && EVP_DigestUpdate(w->ctx, w->buf, w->n) != 1)
		w->ok = 0;
	w->n = 0;
}

static void
dw_putc(struct tls_dw *w, char ch)
{
	if (w->n == sizeof(w->buf))
		dw_flush(w);
	w->buf[w->n++] = ch;
}

static void
dw_dec(struct tls_dw *w, unsigned int v)
{
	char t[10];
	size_t i = 0;

	do {
		t[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (i > 0)
		dw_putc(w, t[--i]);
}

static void
dw_hex4(struct tls_dw *w, uint16_t v)
{
	dw_putc(w, tls_hex[v >> 12 & 0xf]);
	dw_putc(w, tls_hex[v >> 8 & 0xf]);
	dw_putc(w, tls_hex[v >> 4 & 0xf]);
	dw_putc(w, tls_hex[v & 0xf]);
}

/* Writes the first hexlen hex digits of the digest to out (hexlen + 1
 * bytes); out is left empty if libcrypto failed. */
static void
dw_end(struct tls_dw *w, char *out, size_t hexlen)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	size_t i;

	out[0] = '\0';
	dw_flush(w);
	if (!w->ok || EVP_DigestFinal_ex(w->ctx, md, &mdlen) != 1 ||
	    (size_t)mdlen * 2 < hexlen)
		return;
	for (i = 0; i < hexlen; i++)
		out[i] = tls_hex[(md[i / 2] >> (i % 2 ? 0 : 4)) & 0xf];
	out[hexlen] = '\0';
}

/* ---- JA3 --------------------------------------------------------------- */

/* Writes the non-GREASE 16-bit values of list, '-'-separated, in order. */
static void
ja3_list16(struct tls_dw *w, struct cur list, int skip_grease)
{
	int first = 1;
	uint16_t v;

	while (cur_left(&list) >= 2) {
		v = cur_u16(&list);
		if (skip_grease && tls_is_grease(v))
			continue;
		if (!first)
			dw_putc(w, '-');
		dw_dec(w, v);
		first = 0;
	}
}

/*
 * "SSLVersion,Ciphers,Extensions,EllipticCurves,ECPointFormats", decimal,
 * '-'-joined, GREASE left out of the 16-bit lists, as Wireshark 4.0 builds
 * tls.handshake.ja3_full.
 */
static void
tls_ja3(struct tls_hello *h, const struct tls_spans *sp,
    struct tls_scratch *s)
{
	struct tls_dw w;
	struct cur e, f;
	int first = 1;
	uint16_t type;

	dw_begin(&w, s, s->md5);
	dw_dec(&w, h->legacy_version);
	dw_putc(&w, ',');
	ja3_list16(&w, sp->ciphers, 1);
	dw_putc(&w, ',');
	e = sp->exts;
	while (cur_left(&e) >= 4) {
		type = cur_u16(&e);
		(void)cur_vec(&e, 2);
		if (tls_is_grease(type))
			continue;
		if (!first)
			dw_putc(&w, '-');
		dw_dec(&w, type);
		first = 0;
	}
	dw_putc(&w, ',');
	ja3_list16(&w, sp->groups, 1);
	dw_putc(&w, ',');
	f = sp->formats;
	first = 1;
	while (cur_left(&f) > 0) {
		if (!first)
			dw_putc(&w, '-');
		dw_dec(&w, cur_u8(&f));
		first = 0;
	}
	dw_end(&w, h->ja3, 32);
}

/* ---- JA4 --------------------------------------------------------------- */

static void
sort_sift(uint16_t *a, size_t root, size_t n)
{
	size_t child;
	uint16_t t;

	for (;;) {
		child = 2 * root + 1;
		if (child >= n)
			break;
		if (child + 1 < n && a[child] < a[child + 1])
			child++;
		if (a[root] >= a[child])
			break;
		t = a[root];
		a[root] = a[child];
		a[child] = t;
		root = child;
	}
}

/* Heapsort: O(n log n) on hostile input, no allocation (glibc's qsort may
 * call malloc). */
static void
sort_u16(uint16_t *a, size_t n)
{
	size_t i;
	uint16_t t;

	if (n < 2)
		return;
	for (i = n / 2; i-- > 0;)
		sort_sift(a, i, n);
	for (i = n - 1; i > 0; i--) {
		t = a[0];
		a[0] = a[i];
		a[i] = t;
		sort_sift(a, 0, i);
	}
}

static const char *
ja4_version(uint16_t v)
{
	switch (v) {
	case 0x0304:
		return "13";
	case 0x0303:
		return "12";
	case 0x0302:
		return "11";
	case 0x0301:
		return "10";
	case 0x0300:
		return "s3";
	case 0x0002:
		return "s2";
	case 0xfeff:
		return "d1";
	case 0xfefd:
		return "d2";
	case 0xfefc:
		return "d3";
	}
	return "00";
}

static int
ja4_alnum(uint8_t ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= 'a' && ch <= 'z');
}

/* Writes the 12-digit hash of the sorted list (n values of s->sort) to
 * out, followed by '_' and the signature algorithms when sigalgs is not
 * NULL; "000000000000" for an empty list. */
static void
ja4_hash(struct tls_scratch *s, size_t n, const struct cur *sigalgs,
    char *out)
{
	struct tls_dw w;
	struct cur c;
	size_t i;
	int first = 1;
	uint16_t v;

	if (n == 0) {
		memset(out, '0', JA4_HASH_LEN);
		out[JA4_HASH_LEN] = '\0';
		return;
	}
	sort_u16(s->sort, n);
	dw_begin(&w, s, s->sha256);
	for (i = 0; i < n; i++) {
		if (i > 0)
			dw_putc(&w, ',');
		dw_hex4(&w, s->sort[i]);
	}
	if (sigalgs != NULL) {
		dw_putc(&w, '_');
		c = *sigalgs;
		while (cur_left(&c) >= 2) {
			v = cur_u16(&c);
			if (tls_is_grease(v))
				continue;
			if (!first)
				dw_putc(&w, ',');
			dw_hex4(&w, v);
			first = 0;
		}
	}
	dw_end(&w, out, JA4_HASH_LEN);
}

/* FoxIO JA4 (technical_details/JA4.md): a_b_c. */
static void
tls_ja4(struct tls_hello *h, const struct tls_spans *sp,
    struct tls_scratch *s)
{
	char a[11], b[JA4_HASH_LEN + 1], c[JA4_HASH_LEN + 1], alpn[3];
	struct cur l;
	size_t n;
	uint16_t v;
	uint8_t first, last;

	/* first and last characters of the first ALPN name, or of its hex
	 * form when either is not alphanumeric */
	l = sp->alpn0;
	if (cur_left(&l) == 0) {
		alpn[0] = alpn[1] = '0';
	} else {
		first = last = cur_u8(&l);
		if (cur_left(&l) > 0) {
			cur_skip(&l, cur_left(&l) - 1);
			last = cur_u8(&l);
		}
		if (ja4_alnum(first) && ja4_alnum(last)) {
			alpn[0] = (char)first;
			alpn[1] = (char)last;
		} else {
			alpn[0] = tls_hex[first >> 4];
			alpn[1] = tls_hex[last & 0xf];
		}
	}
	alpn[2] = '\0';
	(void)snprintf(a, sizeof(a), "%c%s%c%02u%02u%s", h->quic ? 'q' : 't',
	    ja4_version(h->max_version), sp->sni_ext ? 'd' : 'i',
	    h->n_ciphers > 99 ? 99u : (unsigned int)h->n_ciphers,
	    h->n_extensions > 99 ? 99u : (unsigned int)h->n_extensions, alpn);

	n = 0;
	l = sp->ciphers;
	while (cur_left(&l) >= 2) {
		v = cur_u16(&l);
		if (!tls_is_grease(v))
			s->sort[n++] = v;
	}
	ja4_hash(s, n, NULL, b);

	n = 0;
	l = sp->exts;
	while (cur_left(&l) >= 4) {
		v = cur_u16(&l);
		(void)cur_vec(&l, 2);
		if (!tls_is_grease(v) && v != TLS_EXT_SERVER_NAME &&
		    v != TLS_EXT_ALPN)
			s->sort[n++] = v;
	}
	/*
	 * The '_' before the signature algorithms is written even when there
	 * are none: FoxIO's ja4.py and Suricata do so, and the JA4 values of
	 * suricata-verify (bug-5713-02-ja4: t10i070600_c50f5591e341_
	 * ce66f3b797c1) depend on it.  JA4.md and FoxIO's Rust tool leave it
	 * out ("the string ends without an underscore"), which gives
	 * c39ab67fec8e for that hello.  Only hellos without
	 * signature_algorithms (TLS 1.1 and older clients) differ.
	 */
	ja4_hash(s, n, &sp->sigalgs, c);

	if (b[0] == '\0' || c[0] == '\0')
		return;		/* no SHA-256 */
	(void)snprintf(h->ja4, sizeof(h->ja4), "%s_%s_%s", a, b, c);
}

/* ---- extensions -------------------------------------------------------- */

/* RFC 6066 3: ServerNameList server_name_list<1..2^16-1>, each entry a
 * name_type and HostName<1..2^16-1>; at most one host_name. */
static enum tls_status
ext_server_name(struct cur d, struct tls_hello *h)
{
	struct cur list, name;
	uint8_t type;
	size_t n;

	list = cur_vec(&d, 2);
	if (!cur_ok(&d) || cur_left(&d) != 0 || cur_left(&list) == 0)
		return tls_malformed(h, TLS_DEFECT_SNI);
	while (cur_left(&list) > 0) {
		type = cur_u8(&list);
		name = cur_vec(&list, 2);
		if (!cur_ok(&list) || cur_left(&name) == 0)
			return tls_malformed(h, TLS_DEFECT_SNI);
		if (type != TLS_SNI_HOST_NAME)
			continue;
		if (h->has_sni)
			return tls_malformed(h, TLS_DEFECT_SNI);
		h->has_sni = 1;
		h->sni_len = (uint16_t)cur_left(&name);
		n = cur_left(&name);
		if (n > TLS_SNI_MAX) {
			h->sni_too_long = 1;
			n = TLS_SNI_MAX;
		}
		(void)cur_copy(&name, h->sni, n);
		h->sni[n] = '\0';
	}
	return TLS_OK;
}

/* RFC 7301 3.1: ProtocolNameList<2..2^16-1> of ProtocolName<1..2^8-1>. */
static enum tls_status
ext_alpn(struct cur d, struct tls_hello *h, struct tls_spans *sp)
{
	struct cur list, name;
	size_t n;

	list = cur_vec(&d, 2);
	if (!cur_ok(&d) || cur_left(&d) != 0 || cur_left(&list) == 0)
		return tls_malformed(h, TLS_DEFECT_ALPN);
	h->has_alpn = 1;
	while (cur_left(&list) > 0) {
		name = cur_vec(&list, 1);
		if (!cur_ok(&list) || cur_left(&name) == 0)
			return tls_malformed(h, TLS_DEFECT_ALPN);
		if (h->alpn_count == 0)
			sp->alpn0 = name;
		if (h->alpn_count < TLS_ALPN_KEEP) {
			n = cur_left(&name);
			h->alpn_len[h->alpn_count] = (uint8_t)n;
			if (n > TLS_ALPN_VALUE_MAX)
				n = TLS_ALPN_VALUE_MAX;
			(void)cur_copy(&name, h->alpn[h->alpn_count], n);
			h->alpn[h->alpn_count][n] = '\0';
		}
		h->alpn_count++;
	}
	return TLS_OK;
}

/* RFC 8446 4.2.1: ProtocolVersion versions<2..254>. */
static enum tls_status
ext_versions(struct cur d, struct tls_hello *h)
{
	struct cur list;
	uint16_t v;

	list = cur_vec(&d, 1);
	if (!cur_ok(&d) || cur_left(&d) != 0 || cur_left(&list) == 0 ||
	    cur_left(&list) % 2 != 0)
		return tls_malformed(h, TLS_DEFECT_VERSIONS);
	h->has_versions = 1;
	while (cur_left(&list) > 0) {
		v = cur_u16(&list);
		if (tls_is_grease(v)) {
			h->grease |= TLS_GREASE_VERSION;
			continue;
		}
		if (h->n_versions == 0 || v > h->max_version)
			h->max_version = v;
		h->n_versions++;
	}
	return TLS_OK;
}

/* A vector of 16-bit values (groups, signature algorithms): non-empty,
 * even, filling the extension.  Counts the non-GREASE ones. */
static int
ext_list16(struct cur d, struct cur *out, uint16_t *count, uint8_t *grease,
    uint8_t grease_bit)
{
	struct cur list;
	uint16_t v;

	list = cur_vec(&d, 2);
	if (!cur_ok(&d) || cur_left(&d) != 0 || cur_left(&list) == 0 ||
	    cur_left(&list) % 2 != 0)
		return -1;
	*out = list;
	while (cur_left(&list) > 0) {
		v = cur_u16(&list);
		if (tls_is_grease(v))
			*grease |= grease_bit;
		else
			(*count)++;
	}
	return 0;
}

/* RFC 8422 5.1.2: ECPointFormat ec_point_format_list<1..2^8-1>. */
static enum tls_status
ext_point_formats(struct cur d, struct tls_hello *h, struct tls_spans *sp)
{
	struct cur list;

	list = cur_vec(&d, 1);
	if (!cur_ok(&d) || cur_left(&d) != 0 || cur_left(&list) == 0)
		return tls_malformed(h, TLS_DEFECT_POINT_FORMATS);
	sp->formats = list;
	h->n_point_formats = (uint16_t)cur_left(&list);
	return TLS_OK;
}

/*
 * draft-ietf-tls-esni-18 5: ECHClientHello, outer(0): cipher_suite (kdf_id,
 * aead_id), config_id, enc<0..2^16-1>, payload<1..2^16-1>; inner(1): empty.
 */
static enum tls_status
ext_ech(struct cur d, struct tls_hello *h)
{
	struct cur enc, payload;

	h->has_ech = 1;
	h->ech_type = cur_u8(&d);
	if (!cur_ok(&d))
		return tls_malformed(h, TLS_DEFECT_ECH);
	if (h->ech_type == TLS_ECH_INNER)
		return cur_left(&d) == 0 ? TLS_OK :
		    tls_malformed(h, TLS_DEFECT_ECH);
	if (h->ech_type != TLS_ECH_OUTER)
		return tls_malformed(h, TLS_DEFECT_ECH);
	h->ech_kdf_id = cur_u16(&d);
	h->ech_aead_id = cur_u16(&d);
	h->ech_config_id = cur_u8(&d);
	enc = cur_vec(&d, 2);
	payload = cur_vec(&d, 2);
	if (!cur_ok(&d) || cur_left(&d) != 0 || cur_left(&payload) == 0)
		return tls_malformed(h, TLS_DEFECT_ECH);
	h->ech_enc_len = (uint16_t)cur_left(&enc);
	h->ech_payload_len = (uint16_t)cur_left(&payload);
	return TLS_OK;
}

static unsigned int
ext_seen_bit(uint16_t type)
{
	switch (type) {
	case TLS_EXT_SERVER_NAME:
		return SEEN_SNI;
	case TLS_EXT_GROUPS:
		return SEEN_GROUPS;
	case TLS_EXT_POINT_FORMATS:
		return SEEN_POINT_FORMATS;
	case TLS_EXT_SIG_ALGS:
		return SEEN_SIG_ALGS;
	case TLS_EXT_ALPN:
		return SEEN_ALPN;
	case TLS_EXT_VERSIONS:
		return SEEN_VERSIONS;
	case TLS_EXT_ECH:
		return SEEN_ECH;
	case TLS_EXT_PSK:
		return SEEN_PSK;
	case TLS_EXT_EARLY_DATA:
		return SEEN_EARLY_DATA;
	case TLS_EXT_ESNI:
		return SEEN_ESNI;
	}
	return 0;
}

static enum tls_status
tls_parse_extensions(struct tls_hello *h, struct tls_spans *sp)
{
	struct cur e, d;
	enum tls_status st = TLS_OK;
	unsigned int seen = 0, bit;
	uint16_t type;

	e = sp->exts;
	while (cur_left(&e) > 0) {
		type = cur_u16(&e);
		d = cur_vec(&e, 2);
		if (!cur_ok(&e))
			return tls_malformed(h, TLS_DEFECT_EXTENSIONS);
		if (tls_is_grease(type))
			h->grease |= TLS_GREASE_EXTENSION;
		else
			h->n_extensions++;
		if ((bit = ext_seen_bit(type)) != 0) {
			if (seen & bit)
				return tls_malformed(h, TLS_DEFECT_DUPLICATE);
			seen |= bit;
		}
		switch (type) {
		case TLS_EXT_SERVER_NAME:
			sp->sni_ext = 1;
			st = ext_server_name(d, h);
			break;
		case TLS_EXT_ALPN:
			st = ext_alpn(d, h, sp);
			break;
		case TLS_EXT_VERSIONS:
			st = ext_versions(d, h);
			break;
		case TLS_EXT_GROUPS:
			if (ext_list16(d, &sp->groups, &h->n_groups, &h->grease,
			    TLS_GREASE_GROUP) == -1)
				st = tls_malformed(h, TLS_DEFECT_GROUPS);
			break;
		case TLS_EXT_SIG_ALGS:
			if (ext_list16(d, &sp->sigalgs, &h->n_sig_algs,
			    &h->grease, TLS_GREASE_SIG_ALG) == -1)
				st = tls_malformed(h, TLS_DEFECT_SIG_ALGS);
			break;
		case TLS_EXT_POINT_FORMATS:
			st = ext_point_formats(d, h, sp);
			break;
		case TLS_EXT_ECH:
			st = ext_ech(d, h);
			break;
		case TLS_EXT_PSK:
			h->has_psk = 1;
			break;
		case TLS_EXT_EARLY_DATA:
			h->has_early_data = 1;
			break;
		case TLS_EXT_ESNI:
			h->has_esni = 1;
			break;
		}
		if (st != TLS_OK)
			return st;
	}
	return TLS_OK;
}

/* ---- the message ------------------------------------------------------- */

/*
 * Parses a whole ClientHello handshake message, msg..len (header included,
 * len == 4 + its declared length, type already checked), into h, which the
 * caller cleared except for the framing fields.
 */
static enum tls_status
tls_parse_message(const uint8_t *msg, size_t len, struct tls_hello *h,
    struct tls_scratch *s)
{
	struct tls_spans sp;
	struct cur c, body, sid, comp;
	enum tls_status st;

	memset(&sp, 0, sizeof(sp));
	cur_init(&sp.exts, NULL, 0);
	h->hello_len = (uint32_t)len;
	cur_init(&c, msg, len);
	(void)cur_u8(&c);
	body = cur_vec(&c, 3);
	h->legacy_version = cur_u16(&body);
	cur_skip(&body, 32);			/* random */
	sid = cur_vec(&body, 1);
	if (!cur_ok(&body) || cur_left(&sid) > TLS_SESSION_ID_MAX)
		return tls_malformed(h, TLS_DEFECT_BODY);
	h->session_id_len = (uint8_t)cur_left(&sid);
	sp.ciphers = cur_vec(&body, 2);
	if (!cur_ok(&body) || cur_left(&sp.ciphers) == 0 ||
	    cur_left(&sp.ciphers) % 2 != 0)
		return tls_malformed(h, TLS_DEFECT_BODY);
	c = sp.ciphers;
	while (cur_left(&c) > 0) {
		if (tls_is_grease(cur_u16(&c)))
			h->grease |= TLS_GREASE_CIPHER;
		else
			h->n_ciphers++;
	}
	comp = cur_vec(&body, 1);
	if (!cur_ok(&body) || cur_left(&comp) == 0)
		return tls_malformed(h, TLS_DEFECT_BODY);
	/* Extensions are optional (an SSL 3.0 hello has none); when present
	 * the block runs to the end of the message. */
	if (cur_left(&body) > 0) {
		sp.exts = cur_vec(&body, 2);
		if (!cur_ok(&body) || cur_left(&body) != 0)
			return tls_malformed(h, TLS_DEFECT_EXTENSIONS);
		if ((st = tls_parse_extensions(h, &sp)) != TLS_OK)
			return st;
	}
	if (h->n_versions == 0)
		h->max_version = h->legacy_version;
	tls_ja3(h, &sp, s);
	tls_ja4(h, &sp, s);
	return TLS_OK;
}

/* ---- entry points ------------------------------------------------------ */

/* The first bytes are not a handshake record: note an SSLv2-format
 * ClientHello (RFC 5246 E.2: 2-byte length with the top bit set, msg_type
 * 1, version 0x0002 or 0x03xx). */
static enum tls_status
tls_not_tls(const uint8_t *p, size_t len, struct tls_hello *h)
{
	struct cur c;
	uint8_t b0, type, major, minor;

	cur_init(&c, p, len);
	b0 = cur_u8(&c);
	(void)cur_u8(&c);
	type = cur_u8(&c);
	major = cur_u8(&c);
	minor = cur_u8(&c);
	if (cur_ok(&c) && (b0 & 0x80) && type == TLS_HT_CLIENT_HELLO &&
	    (major == 3 || (major == 0 && minor == 2)))
		h->sslv2 = 1;
	return TLS_NOT_TLS;
}

enum tls_status
tls_parse_stream(const uint8_t *p, size_t len, struct tls_hello *h,
    size_t *need, struct tls_scratch *s)
{
	struct cur c, m;
	const uint8_t *frag;
	size_t start, avail, rlen, n, missing, rest, total = 0, have = 0;
	size_t dummy;
	uint16_t records = 0, version;
	uint8_t type, major;

	if (need == NULL)
		need = &dummy;
	*need = 0;
	memset(h, 0, sizeof(*h));
	cur_init(&c, p, len);
	for (;;) {
		start = cur_off(&c);
		missing = total != 0 ? total - have : TLS_HS_HDR - have;
		if (cur_left(&c) < TLS_RECORD_HDR) {
			/* a partial record header: check what there is (on a
			 * copy: reads past its end fail without moving) */
			m = c;
			type = cur_u8(&m);
			major = cur_u8(&m);
			if ((cur_left(&c) >= 1 && type != TLS_CT_HANDSHAKE) ||
			    (cur_left(&c) >= 2 && major != 3)) {
				if (records == 0)
					return tls_not_tls(p, len, h);
				return tls_malformed(h, TLS_DEFECT_RECORD);
			}
			*need = start + TLS_RECORD_HDR + missing;
			return TLS_MORE;
		}
		type = cur_u8(&c);
		version = cur_u16(&c);
		rlen = cur_u16(&c);
		major = (uint8_t)(version >> 8);
		if (type != TLS_CT_HANDSHAKE || major != 3) {
			if (records == 0)
				return tls_not_tls(p, len, h);
			return tls_malformed(h, TLS_DEFECT_RECORD);
		}
		/* RFC 8446 5.1: no zero-length handshake fragments */
		if (rlen == 0 || rlen > TLS_RECORD_MAX)
			return tls_malformed(h, TLS_DEFECT_RECORD);
		if (records++ == 0)
			h->record_version = version;
		avail = cur_left(&c) < rlen ? cur_left(&c) : rlen;
		frag = cur_take(&c, avail);
		n = avail;
		if (total != 0 && n > total - have)
			n = total - have;
		if (n > TLS_HELLO_MAX - have)
			n = TLS_HELLO_MAX - have;
		if (n > 0)
			memcpy(s->buf + have, frag, n);
		have += n;

		cur_init(&m, s->buf, have);
		if (cur_u8(&m) != TLS_HT_CLIENT_HELLO && cur_ok(&m))
			return tls_not_tls(p, len, h);
		if (total == 0 && have >= TLS_HS_HDR) {
			total = TLS_HS_HDR + (size_t)cur_u24(&m);
			if (total > TLS_HELLO_MAX)
				return TLS_TOO_BIG;
			if (have > total)
				have = total;	/* the next message follows */
		}
		if (total != 0 && have == total) {
			h->records = records;
			return tls_parse_message(s->buf, total, h, s);
		}
		if (avail < rlen) {
			/* the input ends inside this record */
			missing = total != 0 ? total - have : TLS_HS_HDR - have;
			rest = rlen - avail;
			*need = len + missing;
			if (missing > rest)
				*need += TLS_RECORD_HDR;
			return TLS_MORE;
		}
	}
}

enum tls_status
tls_parse_handshake(const uint8_t *p, size_t len, struct tls_hello *h,
    size_t *need, struct tls_scratch *s)
{
	struct cur c;
	size_t total, dummy;
	uint8_t type;

	if (need == NULL)
		need = &dummy;
	*need = 0;
	memset(h, 0, sizeof(*h));
	h->quic = 1;
	cur_init(&c, p, len);
	type = cur_u8(&c);
	if (cur_ok(&c) && type != TLS_HT_CLIENT_HELLO)
		return TLS_NOT_TLS;
	total = TLS_HS_HDR + (size_t)cur_u24(&c);
	if (!cur_ok(&c)) {
		*need = TLS_HS_HDR;
		return TLS_MORE;
	}
	if (total > TLS_HELLO_MAX)
		return TLS_TOO_BIG;
	if (len < total) {
		*need = total;
		return TLS_MORE;
	}
	return tls_parse_message(p, total, h, s);
}

/* ---- an SNI in a fragment of a ClientHello --------------------------- */

static int
tls_host_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

size_t
tls_scan_sni(const uint8_t *p, size_t len, const uint8_t **name)
{
	size_t i, j, n, ext, list;
	int dot;

	*name = NULL;
	for (i = 0; len >= 9 && i <= len - 9; i++) {
		struct cur c;

		if (p[i] != 0 || p[i + 1] != 0)
			continue;
		cur_init(&c, p + i + 2, len - i - 2);
		ext = cur_u16(&c);
		list = cur_u16(&c);
		if (cur_u8(&c) != 0)		/* host_name */
			continue;
		n = cur_u16(&c);
		if (!cur_ok(&c) || n == 0 || n > TLS_SNI_MAX ||
		    list != n + 3 || ext != n + 5 || n > cur_left(&c))
			continue;
		dot = 0;
		for (j = 0; j < n; j++) {
			uint8_t ch = p[i + 9 + j];

			if (!tls_host_char(ch))
				break;
			if (ch == '.' && j > 0 && j + 1 < n)
				dot = 1;
		}
		if (j == n && dot && p[i + 9] != '.' && p[i + 9 + n - 1] != '.') {
			*name = p + i + 9;
			return n;
		}
	}
	return 0;
}
