/*
 * dissect.c - per-flow protocol work: from packets to a named connection.
 * See dissect.h.
 */
#include "config.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "defaults.h"
#include "dissect.h"
#include "proto_dns.h"
#include "proto_http.h"
#include "proto_ndpi.h"
#include "proto_quic.h"
#include "proto_tls.h"
#include "reasm.h"

/* f->dissect bits (0x80 belongs to proto_ndpi.c) */
#define D_CLIENT_DONE	0x01	/* stop reading the client's first flight */
#define D_KIND_TLS	0x02	/* first flight is TLS */
#define D_KIND_HTTP	0x04	/* first flight is HTTP */
#define D_KIND_QUIC	0x08	/* a client Initial opened */

/* Client datagrams with long headers tried per QUIC flow. */
#define QUIC_MAX_DATAGRAMS	8

#define D_DNS_STREAM	0x10	/* the buffer assembles DNS-over-TCP replies */
#define D_DNS_GAVE_UP	0x20	/* a gap in the DNS-over-TCP stream */
#define D_SNI_PARTIAL	0x100	/* SNI found in an incomplete ClientHello */
#define D_ECH		0x200	/* an ECH ClientHello: the SNI is the outer
				   (public) name */

/* Protocol state of a flow, kept beside its reassembly buffer. */
struct dissect_quic {
	struct quic_keys	keys;
	uint8_t			dcid[QUIC_CID_MAX];	/* keys derive from it */
	uint8_t			dcid_len;
	uint8_t			datagrams;
};

struct dissect_dnstcp {
	uint32_t		next_seq;	/* next server byte expected */
	uint32_t		have;		/* bytes of a partial message */
	uint32_t		skip;		/* bytes of a too-big message left */
};

union dissect_aux {
	struct dissect_quic	quic;
	struct dissect_dnstcp	dns;
};

#define DNS_PORT	53

/* Catalogue verdicts cached in intern tags. */
#define TAG_NO_MATCH	(INTERN_TAG_UNSET - 1)
#define TAG_NOT_COUNTED	(INTERN_TAG_UNSET - 2)

struct dissect {
	struct intern		*strings;
	struct names		*names;
	const struct catalogue	*cat;
	struct ndpi_ctx		*ndpi;
	struct reasm_pool	*reasm;
	struct tls_scratch	*tls_scratch;
	struct quic_ctx		*quic_ctx;
	union dissect_aux	*aux;		/* one per reassembly buffer */
	struct flow		*quic_flow;	/* for the CRYPTO callback */
	struct quic_info	 quic_info;
	struct tls_hello	 hello;
	struct http_req		 http;
	struct dns_msg		 dns;
	char			 label[64];
	uint32_t		 ech_public[ECH_PUBLIC_NAMES];	/* intern ids */
	size_t			 ech_next;
	struct dissect_stats	 st;
	dissect_checkin_fn	*checkin_fn;
	void			*checkin_arg;
	/* for the DNS callback */
	const struct packet	*dns_pkt;
	uint64_t		 dns_now;
};

/* Remembers name as an ECH public name (from an ECHConfig in DNS, or built
 * in), replacing the oldest when full. */
static void
dissect_ech_learn(struct dissect *d, const char *name)
{
	uint32_t id = intern_get(d->strings, name, strlen(name));
	size_t slot = d->ech_next % ECH_PUBLIC_NAMES;

	if (id == 0)
		return;
	if (intern_flags(d->strings, id) & INTERN_F_ECH_PUBLIC) {
		intern_unref(d->strings, id);	/* known already */
		return;
	}
	if (d->ech_public[slot] != 0) {
		intern_set_flags(d->strings, d->ech_public[slot], 0);
		intern_unref(d->strings, d->ech_public[slot]);
	}
	intern_set_flags(d->strings, id, INTERN_F_ECH_PUBLIC);
	d->ech_public[slot] = id;
	d->ech_next++;
	d->st.ech_public_learned++;
}

struct dissect *
dissect_create(const struct dissect_conf *dc, struct intern *strings,
    struct names *names, const struct catalogue *cat)
{
	struct dissect *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->strings = strings;
	d->names = names;
	d->cat = cat;
	d->ndpi = ndpi_ctx_create(dc->ndpi_pool);
	d->reasm = reasm_pool_create(dc->reasm_bufs, REASM_MAX_BYTES);
	d->tls_scratch = tls_scratch_create();
	d->quic_ctx = quic_ctx_create();
	d->aux = calloc(dc->reasm_bufs, sizeof(*d->aux));
	if (d->ndpi == NULL || d->reasm == NULL || d->tls_scratch == NULL ||
	    d->quic_ctx == NULL || d->aux == NULL) {
		dissect_destroy(d);
		return NULL;
	}
	dissect_ech_learn(d, ECH_PUBLIC_BUILTIN);
	return d;
}

void
dissect_destroy(struct dissect *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < ECH_PUBLIC_NAMES; i++)
		intern_unref(d->strings, d->ech_public[i]);
	ndpi_ctx_destroy(d->ndpi);
	reasm_pool_destroy(d->reasm);
	tls_scratch_destroy(d->tls_scratch);
	quic_ctx_destroy(d->quic_ctx);
	free(d->aux);
	free(d);
}

void
dissect_set_checkin(struct dissect *d, dissect_checkin_fn *fn, void *arg)
{
	d->checkin_fn = fn;
	d->checkin_arg = arg;
}

void
dissect_set_catalogue(struct dissect *d, const struct catalogue *cat)
{
	d->cat = cat;
	intern_clear_tags(d->strings);
}

const struct dissect_stats *
dissect_stats(const struct dissect *d)
{
	return &d->st;
}

void
dissect_pool_stats(const struct dissect *d,
    const struct reasm_pool_stats **reasm, const struct ndpi_ctx_stats **ndpi)
{
	*reasm = reasm_pool_stats(d->reasm);
	*ndpi = ndpi_ctx_stats(d->ndpi);
}

/* ---- naming -------------------------------------------------------------- */

/* Gives f the name (raw bytes, canonicalised here) from source. */
static uint32_t
dissect_intern_raw(struct dissect *d, const uint8_t *raw, size_t len)
{
	char canon[NAME_MAX_LEN + 1];
	int n;
	uint32_t id;

	if ((n = names_canon(raw, len, canon)) < 0) {
		d->st.names_invalid++;
		return 0;
	}
	if ((id = intern_get(d->strings, canon, (size_t)n)) == 0)
		d->st.intern_full++;
	return id;
}

/* Sets f's attributed name to id (a reference the flow now owns). */
static void
dissect_set_name(struct dissect *d, struct flow *f, uint32_t id,
    enum name_source src)
{
	if (id == 0)
		return;
	intern_unref(d->strings, f->name_id);
	f->name_id = id;
	f->name_source = (uint8_t)src;
}

static void
dissect_set_id(struct dissect *d, uint32_t *slot, uint32_t id)
{
	intern_unref(d->strings, *slot);
	*slot = id;
}

static void
dissect_name_from_dns(struct dissect *d, struct flow *f, uint64_t now)
{
	uint32_t id;

	/* A lookup is not a connection to what it looked up: the resolver's
	 * own flows are never named from its answers. */
	if (f->name_id != 0 || f->port[1] == DNS_PORT)
		return;
	id = names_dns_lookup(d->names, f->family, f->addr[0], f->addr[1],
	    now);
	if (id != 0) {
		intern_ref(d->strings, id);
		dissect_set_name(d, f, id, NAME_SOURCE_DNS);
	}
}

const struct catalogue_entry *
dissect_serverless(struct dissect *d, uint32_t name_id)
{
	const struct catalogue_entry *e = NULL;
	enum catalogue_verdict v;
	const char *name;
	size_t len;
	uint32_t tag = intern_tag(d->strings, name_id);

	if (name_id == 0 || d->cat == NULL)
		return NULL;
	if (tag == TAG_NO_MATCH || tag == TAG_NOT_COUNTED)
		return NULL;
	if (tag != INTERN_TAG_UNSET)
		return catalogue_entry_at(d->cat, tag);
	name = intern_str(d->strings, name_id, &len);
	v = catalogue_classify(d->cat, name, len, &e);
	if (v != CATALOGUE_COUNTED) {
		intern_set_tag(d->strings, name_id, v == CATALOGUE_NO_MATCH ?
		    TAG_NO_MATCH : TAG_NOT_COUNTED);
		return NULL;
	}
	intern_set_tag(d->strings, name_id,
	    (uint32_t)catalogue_entry_index(d->cat, e));
	return e;
}

/* Labels f as k, with nDPI's application for f's name. */
static void
dissect_known(struct dissect *d, struct flow *f, enum ndpi_known k)
{
	size_t len;
	const char *name = intern_str(d->strings, f->name_id, &len);

	ndpi_ctx_known(d->ndpi, f, k, name, len);
}

/* ---- client first flight: TLS and HTTP ------------------------------------ */

static void	dissect_salvage(struct dissect *, struct flow *);

/* Stops reading f's first flight; an incomplete one is salvaged first. */
static void
dissect_client_done(struct dissect *d, struct flow *f)
{
	if (!(f->dissect & D_CLIENT_DONE))
		dissect_salvage(d, f);
	f->dissect |= D_CLIENT_DONE;
	if (f->reasm_idx != FLOW_NONE && !(f->dissect & D_DNS_STREAM)) {
		reasm_put(d->reasm, f->reasm_idx);
		f->reasm_idx = FLOW_NONE;
	}
}

/*
 * A first flight given up incomplete (a lost segment or Initial, or the
 * budget spent): count the gap and look for the SNI in the pieces that did
 * arrive, each piece on its own so no bytes are mixed.
 */
static void
dissect_salvage(struct dissect *d, struct flow *f)
{
	const uint8_t *data, *name;
	size_t contig, start, end, n, i;
	uint32_t id;

	if (f->reasm_idx == FLOW_NONE || (f->dissect & D_DNS_STREAM) ||
	    !(f->dissect & (D_KIND_TLS | D_KIND_QUIC)))
		return;
	data = reasm_data(d->reasm, f->reasm_idx, &contig);
	if (reasm_extent(d->reasm, f->reasm_idx) > contig)
		d->st.reasm_gaps++;
	if (f->sni_id != 0)
		return;
	for (i = 0; reasm_range(d->reasm, f->reasm_idx, i, &start, &end); i++) {
		if ((n = tls_scan_sni(data + start, end - start, &name)) == 0)
			continue;
		if ((id = dissect_intern_raw(d, name, n)) == 0)
			return;
		intern_ref(d->strings, id);
		dissect_set_id(d, &f->sni_id, id);
		dissect_set_name(d, f, id, f->dissect & D_KIND_QUIC ?
		    NAME_SOURCE_QUIC : NAME_SOURCE_SNI);
		f->dissect |= D_SNI_PARTIAL;
		d->st.sni_partial++;
		dissect_known(d, f, f->dissect & D_KIND_QUIC ?
		    NDPI_KNOWN_QUIC : NDPI_KNOWN_TLS);
		return;
	}
}

/* Gives f a reassembly buffer; returns 0, or -1 (counted, f's first flight
 * given up) when the pool has none to spare. */
static int
dissect_buffer(struct dissect *d, struct flow *f, uint64_t now_us)
{
	void *victim;

	if (f->reasm_idx != FLOW_NONE)
		return 0;
	f->reasm_idx = reasm_get(d->reasm, now_us, f, &victim);
	if (victim != NULL) {
		/* a first flight held too long without completing */
		struct flow *v = victim;

		v->reasm_idx = FLOW_NONE;
		v->dissect |= D_CLIENT_DONE;
	}
	if (f->reasm_idx == FLOW_NONE) {
		d->st.reasm_pool_empty++;
		dissect_client_done(d, f);
		return -1;
	}
	memset(&d->aux[f->reasm_idx], 0, sizeof(d->aux[0]));
	return 0;
}

static void
dissect_tls_hello(struct dissect *d, struct flow *f, enum name_source src)
{
	const struct tls_hello *h = &d->hello;
	enum ndpi_known k = src == NAME_SOURCE_QUIC ? NDPI_KNOWN_QUIC :
	    NDPI_KNOWN_TLS;
	uint32_t id;

	if (src == NAME_SOURCE_QUIC)
		d->st.quic_hellos++;
	else
		d->st.tls_hellos++;
	f->tls_version = h->max_version;
	if (h->ja3[0] != '\0')
		dissect_set_id(d, &f->ja3_id,
		    intern_get(d->strings, h->ja3, strlen(h->ja3)));
	if (h->ja4[0] != '\0')
		dissect_set_id(d, &f->ja4_id,
		    intern_get(d->strings, h->ja4, strlen(h->ja4)));
	if (h->has_alpn && h->alpn_len[0] > 0)
		dissect_set_id(d, &f->alpn_id, intern_get(d->strings,
		    (const char *)h->alpn[0], strlen((const char *)h->alpn[0])));
	if (!h->has_sni || h->sni_too_long ||
	    (id = dissect_intern_raw(d, h->sni, h->sni_len)) == 0) {
		d->st.tls_no_sni++;
		ndpi_ctx_known(d->ndpi, f, k, NULL, 0);
		return;
	}
	intern_ref(d->strings, id);
	dissect_set_id(d, &f->sni_id, id);
	if (f->name_source == NAME_SOURCE_HTTP_CONNECT && f->name_id != 0) {
		/* a tunnel: the proxy connects where CONNECT said */
		intern_unref(d->strings, id);
		return;
	}
	if (intern_flags(d->strings, id) & INTERN_F_ECH_PUBLIC) {
		/* ECH: the SNI is the provider's public name; the real name
		 * is in the client's own DNS view of this server */
		f->dissect |= D_ECH;
		if (f->name_id != 0 && f->name_source == NAME_SOURCE_DNS) {
			f->name_source = NAME_SOURCE_ECH_DNS;
			intern_unref(d->strings, id);
			d->st.ech++;
			dissect_known(d, f, k);
			return;
		}
		d->st.ech_unnamed++;
	}
	dissect_set_name(d, f, id, src);
	dissect_known(d, f, k);
}

/*
 * Parses the contiguous start of the client stream.  Returns 1 when the
 * first flight is settled (named, or not something we can name), 0 when
 * more bytes are needed.
 */
static int
dissect_first_flight(struct dissect *d, struct flow *f, const uint8_t *p,
    size_t len)
{
	size_t need = 0;

	/* after a CONNECT, the tunnel's own first flight */
	if (f->stream_off > 0) {
		if (len <= f->stream_off)
			return 0;
		p += f->stream_off;
		len -= f->stream_off;
	}
	if (len == 0)
		return 0;
	if (!(f->dissect & (D_KIND_TLS | D_KIND_HTTP))) {
		if (p[0] == 0x16)
			f->dissect |= D_KIND_TLS;
		else if (p[0] >= 'A' && p[0] <= 'Z')
			f->dissect |= D_KIND_HTTP;
		else
			return 1;
	}
	if (f->dissect & D_KIND_TLS) {
		switch (tls_parse_stream(p, len, &d->hello, &need,
		    d->tls_scratch)) {
		case TLS_OK:
			dissect_tls_hello(d, f, NAME_SOURCE_SNI);
			return 1;
		case TLS_MORE:
			return 0;
		case TLS_MALFORMED:
			d->st.tls_malformed++;
			/* the SNI may have been read before the defect */
			if (d->hello.has_sni)
				dissect_tls_hello(d, f, NAME_SOURCE_SNI);
			return 1;
		case TLS_TOO_BIG:
			d->st.tls_too_big++;
			return 1;
		default:
			return 1;
		}
	}
	switch (http_parse_request(p, len, &d->http)) {
	case HTTP_OK:
		d->st.http_requests++;
		if (d->http.host[0] != '\0' && f->stream_off == 0) {
			uint32_t id = dissect_intern_raw(d,
			    (const uint8_t *)d->http.host,
			    strlen(d->http.host));

			dissect_set_name(d, f, id, d->http.is_connect ?
			    NAME_SOURCE_HTTP_CONNECT : NAME_SOURCE_HTTP);
		}
		dissect_known(d, f, d->http.is_connect ?
		    NDPI_KNOWN_HTTP_CONNECT : NDPI_KNOWN_HTTP);
		if (d->http.is_connect && f->stream_off == 0 &&
		    d->http.head_len < REASM_MAX_BYTES) {
			/* read the tunnel's ClientHello too (its SNI and
			 * fingerprints; the name stays CONNECT's) */
			f->stream_off = (uint16_t)d->http.head_len;
			f->dissect &= (uint16_t)~D_KIND_HTTP;
			return dissect_first_flight(d, f, p, len);
		}
		return 1;
	case HTTP_MORE:
		return 0;
	case HTTP_MALFORMED:
		d->st.http_malformed++;
		return 1;
	default:
		return 1;
	}
}

static void
dissect_client_payload(struct dissect *d, struct flow *f,
    const struct packet *pkt)
{
	uint32_t base, off;
	const uint8_t *data;
	size_t contig;
	enum reasm_status rs;

	if (f->dissect & D_CLIENT_DONE)
		return;
	/* The flow table knows where the client's stream starts once it has
	 * seen a SYN, a SYN-ACK or a client packet; this may be the first. */
	base = (f->flags & FLOW_F_CBASE) ? f->cbase : pkt->seq;
	off = pkt->seq - base;
	if (off >= REASM_MAX_BYTES)
		return;		/* before the start, or far beyond it */

	if (f->reasm_idx == FLOW_NONE && off == 0) {
		if (dissect_first_flight(d, f, pkt->payload, pkt->payload_len))
			dissect_client_done(d, f);
		if (f->dissect & D_CLIENT_DONE)
			return;
	}
	if (dissect_buffer(d, f, pkt->ts_us) == -1)
		return;
	rs = reasm_add(d->reasm, f->reasm_idx, off, pkt->payload,
	    pkt->payload_len);
	if (rs == REASM_TOO_SCATTERED) {
		d->st.reasm_scattered++;
		dissect_client_done(d, f);
		return;
	}
	data = reasm_data(d->reasm, f->reasm_idx, &contig);
	if (dissect_first_flight(d, f, data, contig)) {
		if (f->dissect & D_KIND_TLS)
			d->st.tls_reassembled++;
		dissect_client_done(d, f);
	} else if (rs == REASM_BEYOND || contig >= REASM_MAX_BYTES) {
		d->st.reasm_overflow++;
		dissect_client_done(d, f);
	}
}

/* ---- QUIC ---------------------------------------------------------------- */

static void
dissect_quic_crypto(void *arg, uint64_t off, const uint8_t *data, size_t len)
{
	struct dissect *d = arg;
	struct flow *f = d->quic_flow;

	if (reasm_add(d->reasm, f->reasm_idx, off, data, len) ==
	    REASM_TOO_SCATTERED)
		d->st.reasm_scattered++;
}

static void
dissect_quic_remember(struct dissect_quic *q, const uint8_t *cid, size_t len)
{
	if (len > QUIC_CID_MAX)
		return;
	memcpy(q->dcid, cid, len);
	q->dcid_len = (uint8_t)len;
}

/* A client datagram: open its Initials, collect CRYPTO frames by offset,
 * parse the ClientHello once it is contiguous. */
static void
dissect_quic_client(struct dissect *d, struct flow *f,
    const struct packet *pkt)
{
	struct quic_info *info = &d->quic_info;
	struct dissect_quic *q;
	enum quic_status rc;
	const uint8_t *data;
	size_t contig, need = 0;

	if (f->dissect & D_CLIENT_DONE)
		return;
	if (!(pkt->payload[0] & 0x80)) {	/* not a long header */
		if (!(f->dissect & D_KIND_QUIC))
			dissect_client_done(d, f);
		return;
	}
	if (dissect_buffer(d, f, pkt->ts_us) == -1)
		return;
	q = &d->aux[f->reasm_idx].quic;
	d->quic_flow = f;
	d->st.quic_datagrams++;
	rc = quic_parse_client_datagram(d->quic_ctx, &q->keys,
	    q->dcid_len > 0 ? q->dcid : NULL, q->dcid_len, pkt->payload,
	    pkt->payload_len, dissect_quic_crypto, d, info);
	switch (rc) {
	case QUIC_OK:
	case QUIC_PROTOCOL_VIOLATION:
		if (q->dcid_len == 0 || info->dcid_fallbacks > 0)
			dissect_quic_remember(q, info->dcid, info->dcid_len);
		if (!(f->dissect & D_KIND_QUIC)) {
			f->dissect |= D_KIND_QUIC;
			ndpi_ctx_known(d->ndpi, f, NDPI_KNOWN_QUIC, NULL, 0);
		}
		break;
	case QUIC_DECRYPT_FAIL:
		d->st.quic_decrypt_failed++;
		break;
	case QUIC_UNKNOWN_VERSION:
		d->st.quic_unknown_version++;
		dissect_client_done(d, f);
		return;
	case QUIC_NOT_INITIAL:		/* 0-RTT before the Initial */
		break;
	default:
		if (!(f->dissect & D_KIND_QUIC)) {
			dissect_client_done(d, f);
			return;
		}
		break;
	}
	data = reasm_data(d->reasm, f->reasm_idx, &contig);
	if (contig > 0) {
		switch (tls_parse_handshake(data, contig, &d->hello, &need,
		    d->tls_scratch)) {
		case TLS_OK:
			dissect_tls_hello(d, f, NAME_SOURCE_QUIC);
			dissect_client_done(d, f);
			return;
		case TLS_MORE:
			break;
		case TLS_MALFORMED:
			d->st.tls_malformed++;
			if (d->hello.has_sni)
				dissect_tls_hello(d, f, NAME_SOURCE_QUIC);
			dissect_client_done(d, f);
			return;
		default:
			dissect_client_done(d, f);
			return;
		}
	}
	if (++q->datagrams >= QUIC_MAX_DATAGRAMS) {
		d->st.quic_gave_up++;
		dissect_client_done(d, f);
	}
}

/* A server datagram: a Retry changes the DCID the client's keys derive
 * from. */
static void
dissect_quic_server(struct dissect *d, struct flow *f,
    const struct packet *pkt)
{
	struct quic_info *info = &d->quic_info;
	struct dissect_quic *q;

	if ((f->dissect & D_CLIENT_DONE) || f->reasm_idx == FLOW_NONE ||
	    !(pkt->payload[0] & 0x80))
		return;
	q = &d->aux[f->reasm_idx].quic;
	switch (quic_parse_server_datagram(d->quic_ctx,
	    q->dcid_len > 0 ? q->dcid : NULL, q->dcid_len, pkt->payload,
	    pkt->payload_len, info)) {
	case QUIC_RETRY:
		d->st.quic_retry++;
		if (info->retry_check != QUIC_RETRY_INVALID)
			dissect_quic_remember(q, info->scid, info->scid_len);
		break;
	case QUIC_VERSION_NEG:
		d->st.quic_version_neg++;
		break;
	default:
		break;
	}
}

/* ---- DNS ----------------------------------------------------------------- */

static void
dissect_dns_addr(void *arg, const char *qname, const char *owner, int family,
    const uint8_t *addr, uint32_t ttl)
{
	struct dissect *d = arg;
	const struct packet *pkt = d->dns_pkt;
	uint8_t a[16];
	uint32_t id;

	(void)owner;
	/* An A answer over IPv6 names an IPv4 server of a client whose IPv4
	 * address this packet does not show: nothing to key it on. */
	if (family != pkt->family)
		return;
	memset(a, 0, sizeof(a));
	memcpy(a, addr, family == 4 ? 4 : 16);
	if ((id = intern_get(d->strings, qname, strlen(qname))) == 0) {
		d->st.intern_full++;
		return;
	}
	/* The client is the receiver of the response. */
	names_dns_add(d->names, family, pkt->dst, a, id, ttl, d->dns_now);
	intern_unref(d->strings, id);
	d->st.dns_answers++;
}

static void
dissect_dns_message(struct dissect *d, const struct packet *pkt,
    const uint8_t *p, size_t len)
{
	enum dns_status rc;
	size_t i;

	rc = dns_parse_message(p, len, &d->dns);
	if (!d->dns.qr)
		return;
	d->st.dns_responses++;
	if (rc == DNS_TRUNCATED)
		d->st.dns_truncated++;
	else if (rc == DNS_MALFORMED)
		d->st.dns_malformed++;
	for (i = 0; i < d->dns.an_kept; i++)
		if (d->dns.an[i].ech_public_name[0] != '\0')
			dissect_ech_learn(d, d->dns.an[i].ech_public_name);
	if (!d->dns.has_question || d->dns.qname[0] == '\0')
		return;
	d->dns_pkt = pkt;
	d->dns_now = pkt->ts_us;
	dns_for_each_address(&d->dns, dissect_dns_addr, d);
}

/*
 * DNS over TCP: the server's byte stream, in order, cut into messages by
 * their length prefixes; a message split over segments waits in the flow's
 * buffer.  A gap in the stream (a lost segment) cannot be resynchronised
 * and ends parsing for the flow (counted); a message larger than the buffer
 * is skipped (counted).  When the buffer was reclaimed meanwhile, parsing
 * resumes assuming a segment starts a message (the parser rejects it if not).
 */
static void
dissect_dns_tcp(struct dissect *d, struct flow *f, const struct packet *pkt)
{
	struct dissect_dnstcp *ds;
	struct dns_tcp_frame fr;
	const uint8_t *p = pkt->payload;
	size_t len = pkt->payload_len, cap = reasm_bufsize(d->reasm), n;
	uint8_t *buf;
	int32_t delta;

	if (f->dissect & D_DNS_GAVE_UP)
		return;
	if (f->reasm_idx == FLOW_NONE) {
		f->dissect |= D_DNS_STREAM | D_CLIENT_DONE;
		if (dissect_buffer(d, f, pkt->ts_us) == -1)
			return;
		d->aux[f->reasm_idx].dns.next_seq = pkt->seq;
	}
	ds = &d->aux[f->reasm_idx].dns;
	buf = reasm_raw(d->reasm, f->reasm_idx);
	delta = (int32_t)(pkt->seq - ds->next_seq);
	if (delta < 0) {			/* retransmitted bytes */
		if ((size_t)-delta >= len)
			return;
		p += -delta;
		len -= (size_t)-delta;
	} else if (delta > 0) {
		d->st.dns_tcp_gap++;
		f->dissect |= D_DNS_GAVE_UP;
		reasm_put(d->reasm, f->reasm_idx);
		f->reasm_idx = FLOW_NONE;
		return;
	}
	ds->next_seq += (uint32_t)len;
	while (len > 0) {
		if (ds->skip > 0) {
			n = len < ds->skip ? len : ds->skip;
			ds->skip -= (uint32_t)n;
			p += n;
			len -= n;
			continue;
		}
		n = cap - ds->have < len ? cap - ds->have : len;
		memcpy(buf + ds->have, p, n);
		ds->have += (uint32_t)n;
		p += n;
		len -= n;
		for (;;) {
			enum dns_status rc = dns_tcp_next(buf, ds->have, &fr);

			if (rc == DNS_OK) {
				dissect_dns_message(d, pkt, fr.msg, fr.len);
				memmove(buf, buf + fr.used, ds->have - fr.used);
				ds->have -= (uint32_t)fr.used;
				continue;
			}
			if (rc == DNS_TRUNCATED && ds->have + fr.need > cap) {
				/* a message larger than the buffer: drop
				 * what is held, skip what is still to come */
				d->st.dns_tcp_too_big++;
				ds->skip = (uint32_t)fr.need;
				ds->have = 0;
			} else if (rc == DNS_MALFORMED) {
				d->st.dns_malformed++;
				ds->have = 0;
			} else if (rc == DNS_TRUNCATED && ds->have > 0) {
				d->st.dns_tcp_partial++;
			}
			break;
		}
	}
}

static void
dissect_dns(struct dissect *d, struct flow *f, const struct packet *pkt)
{
	if (pkt->proto == IPPROTO_UDP)
		dissect_dns_message(d, pkt, pkt->payload, pkt->payload_len);
	else
		dissect_dns_tcp(d, f, pkt);
}

/* ---- check-ins ---------------------------------------------------------- */

/* The record fields a flow and its check-ins share. */
static void
dissect_fill(struct dissect *d, struct flow *f, struct conn *c)
{
	memset(c, 0, sizeof(*c));
	c->family = f->family;
	c->proto = f->proto;
	memcpy(c->src, f->addr[0], 16);
	memcpy(c->dst, f->addr[1], 16);
	c->sport = f->port[0];
	c->dport = f->port[1];
	c->vlan = f->vlan;
	c->established = f->proto == IPPROTO_TCP ?
	    (f->flags & FLOW_F_SYNACK) || (f->flags & FLOW_F_REPLIED) :
	    (f->flags & FLOW_F_REPLIED) != 0;
	c->name_id = f->name_id;
	c->name = intern_str(d->strings, f->name_id, NULL);
	c->name_source = f->name_id != 0 ? f->name_source : NAME_SOURCE_NONE;
	c->sni = intern_str(d->strings, f->sni_id, NULL);
	c->ja3 = intern_str(d->strings, f->ja3_id, NULL);
	c->ja4 = intern_str(d->strings, f->ja4_id, NULL);
	c->alpn = intern_str(d->strings, f->alpn_id, NULL);
	c->tls_version = f->tls_version;
	c->sni_partial = (f->dissect & D_SNI_PARTIAL) != 0;
	c->ech = (f->dissect & D_ECH) != 0;
	c->serverless = dissect_serverless(d, f->name_id);
}

/* Hands on f's current check-in, if any, completed at now_us. */
static void
dissect_checkin_end(struct dissect *d, struct flow *f, uint64_t now_us)
{
	struct conn c;

	if (f->burst_us == 0)
		return;
	if (f->bursts < UINT16_MAX)
		f->bursts++;
	if (d->checkin_fn != NULL) {
		dissect_fill(d, f, &c);
		c.kind = CONN_CHECKIN;
		c.start_us = f->burst_us;
		c.end_us = f->burst_last_us;
		c.bytes_up = f->burst_up;
		c.bytes_down = f->burst_down;
		c.checkins = f->bursts;
		d->checkin_fn(d->checkin_arg, &c, now_us);
	}
	f->burst_us = 0;
	f->burst_up = f->burst_down = 0;
}

/*
 * Check-ins inside a flow: client data after CHECKIN_IDLE_US of silence
 * ends the current check-in and starts the next; every packet's bytes go to
 * the current one.  The first starts with the flow.
 */
static void
dissect_checkin_packet(struct dissect *d, struct flow *f,
    const struct packet *pkt, int dir)
{
	if (pkt->payload_len > 0 && dir == 0 && f->burst_us != 0 &&
	    pkt->ts_us >= f->burst_last_us + CHECKIN_IDLE_US)
		dissect_checkin_end(d, f, pkt->ts_us);
	if (f->burst_us == 0) {
		if (pkt->payload_len == 0 && f->bursts > 0)
			return;		/* an ACK between check-ins */
		f->burst_us = f->bursts == 0 ? f->first_us : pkt->ts_us;
		f->burst_last_us = pkt->ts_us;
	}
	if (pkt->payload_len > 0)
		f->burst_last_us = pkt->ts_us;
	if (dir == 0)
		f->burst_up += pkt->ip_len;
	else
		f->burst_down += pkt->ip_len;
}

/* ---- per packet ---------------------------------------------------------- */

void
dissect_packet(struct dissect *d, struct flow *f, const struct packet *pkt,
    int dir, int created)
{
	dissect_checkin_packet(d, f, pkt, dir);
	if (created) {
		dissect_name_from_dns(d, f, pkt->ts_us);
		if (f->port[1] == DNS_PORT || f->port[0] == DNS_PORT)
			ndpi_ctx_known(d->ndpi, f, NDPI_KNOWN_DNS, NULL, 0);
	}
	/* The budget counts packets that carry data: a ClientHello sent in
	 * tiny segments still fits, a bulk transfer stops costing soon. */
	if (f->dissect_pkts < DISSECT_MAX_PACKETS) {
		if (pkt->payload_len > 0)
			f->dissect_pkts++;
		if (pkt->payload_len > 0 && pkt->proto == IPPROTO_TCP &&
		    dir == 0)
			dissect_client_payload(d, f, pkt);
		else if (pkt->payload_len > 0 && pkt->proto == IPPROTO_UDP &&
		    f->port[1] != DNS_PORT)
			(dir == 0 ? dissect_quic_client :
			    dissect_quic_server)(d, f, pkt);
		/* nDPI sees only what faaswatch's parsers did not claim */
		ndpi_ctx_packet(d->ndpi, f, pkt);
		if (f->dissect_pkts == DISSECT_MAX_PACKETS &&
		    !(f->dissect & D_CLIENT_DONE)) {
			if (f->name_id == 0 ||
			    f->name_source == NAME_SOURCE_DNS)
				d->st.first_flight_unnamed++;
			dissect_client_done(d, f);
		}
	}
	if (pkt->sport == DNS_PORT && pkt->payload_len > 0)
		dissect_dns(d, f, pkt);
}

/* ---- end of flow --------------------------------------------------------- */

struct conn *
dissect_conn(struct dissect *d, struct flow *f, const char *why,
    int want_label, struct conn *c)
{
	if (!(f->dissect & D_CLIENT_DONE))
		dissect_client_done(d, f);
	ndpi_ctx_finish(d->ndpi, f);
	dissect_name_from_dns(d, f, f->last_us);
	dissect_checkin_end(d, f, f->last_us);

	dissect_fill(d, f, c);
	c->kind = CONN_FLOW;
	c->start_us = f->first_us;
	c->end_us = f->last_us;
	c->bytes_up = f->bytes[0];
	c->bytes_down = f->bytes[1];
	c->pkts_up = f->pkts[0];
	c->pkts_down = f->pkts[1];
	c->end_reason = why;
	c->checkins = f->bursts;
	c->protocol = want_label ? ndpi_ctx_label(d->ndpi, f, d->label,
	    sizeof(d->label)) : NULL;
	d->st.named[c->name_source]++;
	if (c->serverless != NULL)
		d->st.serverless++;
	return c;
}

void
dissect_release(struct dissect *d, struct flow *f)
{
	ndpi_ctx_finish(d->ndpi, f);
	f->dissect &= (uint16_t)~D_DNS_STREAM;	/* the buffer goes too */
	dissect_client_done(d, f);
	dissect_set_id(d, &f->name_id, 0);
	dissect_set_id(d, &f->sni_id, 0);
	dissect_set_id(d, &f->ja3_id, 0);
	dissect_set_id(d, &f->ja4_id, 0);
	dissect_set_id(d, &f->alpn_id, 0);
}
