/*
 * decode_frag.h - IP fragment reassembly for UDP datagrams.
 *
 * A DNS response larger than the path MTU (DNSSEC, many records, HTTPS
 * records with ECH configurations) arrives as IPv4 or IPv6 fragments; only
 * the first carries the UDP header, so without reassembly its answers are
 * lost.  UDP fragments are collected here by (family, source, destination,
 * protocol, identification) in any order, first copy of a byte winning,
 * and a complete datagram is handed back as a new IP packet (a plain
 * header without options or extension headers, then the whole payload)
 * for the decoder to read again.
 *
 * Bounded: at most max datagrams in progress, each at most
 * DEFRAG_MAX_BYTES, each given up DEFRAG_TIMEOUT seconds after its first
 * fragment; when full the oldest is dropped.  Every give-up is counted.
 */
#ifndef FAASWATCH_DECODE_FRAG_H
#define FAASWATCH_DECODE_FRAG_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "hash.h"

#define DEFRAG_MAX_BYTES	65535	/* IPv4's limit; IPv6 jumbograms are not */
#define DEFRAG_TIMEOUT		30	/* s, as Linux's ipfrag_time */

struct defrag_stats {
	uint64_t	fragments;	/* UDP fragments offered */
	uint64_t	reassembled;	/* datagrams completed */
	uint64_t	timed_out;	/* datagrams given up incomplete */
	uint64_t	evicted;	/* dropped for room */
	uint64_t	too_big;	/* would exceed DEFRAG_MAX_BYTES */
	uint64_t	inconsistent;	/* overlapping ends, too many holes */
	uint64_t	in_progress;
};

struct defrag;

/* Returns NULL on allocation failure. */
struct defrag	*defrag_create(size_t max, const struct hash_key *key);
void		 defrag_destroy(struct defrag *);

/*
 * Offers the fragment pkt (pkt->is_frag set by the decoder).  Returns 1
 * when it completes a datagram: *dgram and *len then describe the
 * reassembled IP packet, borrowed until the next call; 0 otherwise.
 */
int		 defrag_add(struct defrag *, const struct packet *pkt,
		    const uint8_t **dgram, size_t *len);

/* Gives up datagrams older than DEFRAG_TIMEOUT at now_us. */
void		 defrag_expire(struct defrag *, uint64_t now_us);

const struct defrag_stats *defrag_stats(const struct defrag *);

#endif /* FAASWATCH_DECODE_FRAG_H */
