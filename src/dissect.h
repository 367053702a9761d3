/*
 * dissect.h - per-flow protocol work: from packets to a named connection.
 *
 * For each packet of a flow not yet reported, the dissector hands the first
 * packets to nDPI, reads the client's first flight (TLS ClientHello, HTTP
 * request head) through the bounded reassembly buffer, and parses every DNS
 * response into the name map.  When the flow table reports a flow, the
 * dissector settles its name (SNI or Host first, else the client's DNS view
 * of the server), its catalogue verdict and nDPI label, fills the
 * connection record and frees the flow's protocol state.
 *
 * The expensive parsing touches only the first DISSECT_MAX_PACKETS packets
 * of a flow and DNS responses; bulk data costs one branch.
 */
#ifndef FAASWATCH_DISSECT_H
#define FAASWATCH_DISSECT_H

#include <stddef.h>
#include <stdint.h>

#include "catalogue.h"
#include "conn.h"
#include "decode.h"
#include "flow.h"
#include "intern.h"
#include "names.h"
#include "proto_ndpi.h"
#include "reasm.h"

struct dissect;

/* Receives each check-in record as it completes (strings borrowed for the
 * call); now_us is the packet time that completed it. */
typedef void dissect_checkin_fn(void *arg, const struct conn *c,
    uint64_t now_us);

struct dissect_conf {
	size_t		reasm_bufs;	/* first-flight buffers */
	size_t		ndpi_pool;	/* flows classified by nDPI at once */
};

struct dissect_stats {
	/* TLS over TCP */
	uint64_t	tls_hellos;		/* ClientHellos parsed */
	uint64_t	tls_reassembled;	/* of which needed >1 segment */
	uint64_t	tls_malformed;
	uint64_t	tls_too_big;
	uint64_t	tls_no_sni;
	/* QUIC */
	uint64_t	quic_datagrams;		/* client long-header datagrams */
	uint64_t	quic_hellos;		/* ClientHellos from Initials */
	uint64_t	quic_decrypt_failed;
	uint64_t	quic_unknown_version;
	uint64_t	quic_retry;
	uint64_t	quic_version_neg;
	uint64_t	quic_gave_up;		/* datagram cap reached unnamed */
	/* HTTP */
	uint64_t	http_requests;
	uint64_t	http_malformed;
	/* first-flight reassembly */
	uint64_t	reasm_pool_empty;
	uint64_t	reasm_scattered;	/* too many holes: gave up */
	uint64_t	reasm_overflow;		/* needed more than a buffer */
	uint64_t	first_flight_unnamed;	/* gave up without a name */
	uint64_t	reasm_gaps;		/* gave up with a hole in it */
	uint64_t	sni_partial;		/* SNI from an incomplete hello */
	uint64_t	ech;			/* ECH hellos named through DNS */
	uint64_t	ech_unnamed;		/* ECH hellos without a DNS name */
	uint64_t	ech_public_learned;	/* ECH public names known (DNS
						   HTTPS records, built in) */
	/* DNS */
	uint64_t	dns_responses;
	uint64_t	dns_truncated;
	uint64_t	dns_malformed;
	uint64_t	dns_answers;		/* addresses put in the map */
	uint64_t	dns_tcp_partial;	/* TCP messages across segments */
	uint64_t	dns_tcp_gap;		/* TCP streams given up on a gap */
	uint64_t	dns_tcp_too_big;	/* TCP messages over a buffer */
	/* naming */
	uint64_t	names_invalid;		/* could not be canonicalised */
	uint64_t	intern_full;
	uint64_t	named[NAME_SOURCE_MAX];	/* reported flows by source */
	uint64_t	serverless;		/* reported flows in catalogue */
};

/* Returns NULL on allocation failure or if nDPI cannot start.  The intern
 * table, name map and catalogue are borrowed for the dissector's life. */
struct dissect	*dissect_create(const struct dissect_conf *dc,
		    struct intern *strings, struct names *names,
		    const struct catalogue *cat);
void		 dissect_destroy(struct dissect *);

/* Sets the check-in receiver (none by default). */
void		 dissect_set_checkin(struct dissect *, dissect_checkin_fn *fn,
		    void *arg);

/* Replaces the borrowed catalogue (and forgets cached verdicts). */
void		 dissect_set_catalogue(struct dissect *,
		    const struct catalogue *cat);

/* Processes pkt of flow f (dir 0 client to server); created is set for the
 * flow's first packet.  Must be called before flow_table_update(). */
void		 dissect_packet(struct dissect *, struct flow *f,
		    const struct packet *pkt, int dir, int created);

/*
 * Fills c from f as the flow ends (why): settles the name, the catalogue
 * match and, if want_label, the nDPI label text (c->protocol; NULL
 * otherwise).  Strings in c are borrowed until dissect_release(f).
 * Returns c.
 */
struct conn	*dissect_conn(struct dissect *, struct flow *f,
		    const char *why, int want_label, struct conn *c);

/* Frees f's protocol state and name references. */
void		 dissect_release(struct dissect *, struct flow *f);

const struct dissect_stats *dissect_stats(const struct dissect *);

/* The dissector's pools, for the statistics record. */
void		 dissect_pool_stats(const struct dissect *,
		    const struct reasm_pool_stats **reasm,
		    const struct ndpi_ctx_stats **ndpi);

/* The catalogue verdict of an interned name (cached on the name):
 * the counted entry, or NULL. */
const struct catalogue_entry *dissect_serverless(struct dissect *,
		    uint32_t name_id);

#endif /* FAASWATCH_DISSECT_H */
