/*
 * conn.h - the connection record: the seam between the per-packet stages
 * and the per-pair stages.
 *
 * Everything up to the flow table and the name map works per packet;
 * everything from the pair table on works on these small records, one per
 * finished flow, so the beacon engine does not care whether a record came
 * from this process's capture, another capture worker or another sensor.
 * Strings are borrowed for the duration of the call that hands the record
 * over; the *_id fields are ids in the sensor's intern table (0 = none).
 */
#ifndef FAASWATCH_CONN_H
#define FAASWATCH_CONN_H

#include <stdint.h>

struct catalogue_entry;

/* How the flow got its name; the order is the preference order. */
enum name_source {
	NAME_SOURCE_NONE,
	NAME_SOURCE_SNI,		/* TLS ClientHello over TCP */
	NAME_SOURCE_QUIC,		/* ClientHello in QUIC Initials */
	NAME_SOURCE_HTTP,		/* HTTP/1.x Host */
	NAME_SOURCE_HTTP_CONNECT,	/* CONNECT through a proxy */
	NAME_SOURCE_ECH_DNS,		/* ECH outer name; real name from DNS */
	NAME_SOURCE_DNS,		/* client's DNS answer for the server */
	NAME_SOURCE_MAX
};

const char	*name_source_str(enum name_source);

/* A record is a finished flow, or one check-in inside a flow (a burst of
 * client data after an idle gap; a flow's first check-in starts with the
 * flow).  The reference rule counts connections; the periodicity engine
 * counts check-ins.  A flow hands on its check-ins (each with its own
 * times and bytes) before its connection record. */
enum conn_kind {
	CONN_FLOW,
	CONN_CHECKIN,
};

struct conn {
	enum conn_kind	 kind;
	uint64_t	 start_us, end_us;
	uint8_t		 family;		/* 4 or 6 */
	uint8_t		 proto;			/* IPPROTO_TCP / IPPROTO_UDP */
	uint8_t		 src[16], dst[16];	/* client, server */
	uint16_t	 sport, dport;
	uint16_t	 vlan;
	uint64_t	 bytes_up, bytes_down;	/* IP bytes */
	uint32_t	 pkts_up, pkts_down;
	uint8_t		 established;		/* server answered */
	uint16_t	 checkins;		/* CONN_FLOW: check-ins in it;
						   CONN_CHECKIN: its number */
	const char	*end_reason;		/* "fin", "rst", "idle", ... */

	uint32_t	 name_id;		/* attributed name, or 0 */
	const char	*name;
	enum name_source name_source;
	const char	*sni;			/* on the wire, or NULL */
	const char	*ja3, *ja4, *alpn;	/* or NULL */
	uint16_t	 tls_version;		/* highest offered, or 0 */
	uint8_t		 sni_partial;		/* SNI from an incomplete hello */
	uint8_t		 ech;			/* sni is an ECH outer name */
	const struct catalogue_entry *serverless;	/* counted match */
	const char	*protocol;		/* nDPI label */
};

#include <jansson.h>

struct ecs_observer;
struct enrich_process_result;

/* The record as an ECS document (event.kind "event"), with the process
 * that made it (res; NULL without endpoint feeds); the caller owns the
 * returned object.  NULL on allocation failure. */
json_t		*conn_to_json(const struct conn *c,
		    const struct ecs_observer *obs,
		    const struct enrich_process_result *res);

/* Adds the process fields of res to a document (alerts share them). */
void		 conn_process_to_json(json_t *root,
		    const struct enrich_process_result *res);

#endif /* FAASWATCH_CONN_H */
