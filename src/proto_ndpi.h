/*
 * proto_ndpi.h - nDPI as a side classifier.
 *
 * nDPI 4.2 gives each flow an application label ("TLS.AmazonAWS",
 * "QUIC.YouTube", "DNS") from the flow's first packets; faaswatch never takes
 * names from it (see the project notes on nDPI 4.2's truncation and
 * reassembly limits).  Per-flow nDPI state comes from a fixed pool and is
 * freed as soon as the label is known or the packet budget is spent, so
 * nDPI never sees bulk data.  A flow that finds the pool empty is left
 * "Unknown" (counted as ndpi.pool_empty).
 */
#ifndef FAASWATCH_PROTO_NDPI_H
#define FAASWATCH_PROTO_NDPI_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "flow.h"

struct ndpi_ctx;

struct ndpi_ctx_stats {
	uint64_t	flows;		/* flows that got nDPI state */
	uint64_t	known;		/* flows labelled from faaswatch's parsers */
	uint64_t	pool_empty;	/* flows that could not get it */
	uint64_t	packets;	/* packets handed to nDPI */
	uint64_t	in_use;		/* states held now */
};

/* Returns NULL if nDPI cannot be initialised or memory is short.  pool is
 * the number of flows classified at once. */
struct ndpi_ctx	*ndpi_ctx_create(size_t pool);
void		 ndpi_ctx_destroy(struct ndpi_ctx *);

/* Hands pkt (its IP header and bytes) to nDPI if f still needs it; takes
 * state from the pool on the flow's first packet.  Cheap no-op once the flow
 * is labelled. */
void		 ndpi_ctx_packet(struct ndpi_ctx *, struct flow *f,
		    const struct packet *pkt);

/* Ends classification of f now (its label is whatever nDPI has, after
 * ndpi_detection_giveup()'s guess) and returns its state to the pool.
 * Idempotent. */
void		 ndpi_ctx_finish(struct ndpi_ctx *, struct flow *f);

/* Protocols faaswatch's own parsers identify. */
enum ndpi_known {
	NDPI_KNOWN_TLS,
	NDPI_KNOWN_QUIC,
	NDPI_KNOWN_DNS,
	NDPI_KNOWN_HTTP,
	NDPI_KNOWN_HTTP_CONNECT,
};

/*
 * Labels f as protocol k, which faaswatch's own parser identified, with the
 * application nDPI associates with name (its host-name rules; NULL or
 * "" for none), and stops handing f's packets to nDPI.  May be called again
 * when the name becomes known later (a ClientHello over several QUIC
 * Initials).
 */
void		 ndpi_ctx_known(struct ndpi_ctx *, struct flow *f,
		    enum ndpi_known k, const char *name, size_t len);

/* Writes f's label ("TLS.AmazonAWS") to buf; returns buf. */
const char	*ndpi_ctx_label(struct ndpi_ctx *, const struct flow *f,
		    char *buf, size_t len);

const struct ndpi_ctx_stats *ndpi_ctx_stats(const struct ndpi_ctx *);

#endif /* FAASWATCH_PROTO_NDPI_H */
