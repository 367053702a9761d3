/*
 * defaults.h - every limit and default of faaswatch in one commented place.
 *
 * Configuration (command line, later the configuration file) can override
 * the ones marked "configurable"; the others are structural caps that keep
 * hostile input from growing state without bound.
 */
#ifndef FAASWATCH_DEFAULTS_H
#define FAASWATCH_DEFAULTS_H

/* ---- capture ---------------------------------------------------------- */
/* Snap length: a whole jumbo frame, so a ClientHello in one segment is never
 * cut (configurable). */
#define CAPTURE_SNAPLEN_DEFAULT		65535
/* Read timeout for live capture, ms; the loop wakes at least this often to
 * run timers even when no packet arrives. */
#define CAPTURE_TIMEOUT_MS		250
#define CAPTURE_REOPEN_MAX_S		60	/* longest wait between reopens */
/* Live statistics interval, seconds (configurable). */
#define STATS_INTERVAL_DEFAULT		300
#define STATE_INTERVAL_DEFAULT		300	/* s between state snapshots */
/* A snapshot older than the evidence window (first packet after it) is
 * ignored; so is one taken more than the slack after the first packet. */
#define STATE_MAX_AGE_US		(24ULL * 3600 * 1000000)
#define SENSOR_RETIRED_MAX		64	/* catalogue reloads per run */
#define STATE_CLOCK_SLACK_US		(60ULL * 1000000)

/* ---- decode ----------------------------------------------------------- */
#define DECODE_MAX_VLAN			4	/* stacked 802.1Q/802.1ad tags */
#define DECODE_MAX_MPLS			8	/* MPLS label stack depth */
#define DECODE_MAX_IPV6_EXT		8	/* IPv6 extension headers */
#define DECODE_MAX_TUNNEL		2	/* nested GTP-U / VXLAN */
#define DEFRAG_DATAGRAMS		64	/* UDP datagrams reassembled at once */

/* ---- flow table ------------------------------------------------------- */
#define FLOW_MAX_DEFAULT		262144	/* flows (configurable) */
#define FLOW_TIMEOUT_TCP_DEFAULT	3600	/* s idle, established TCP */
#define FLOW_TIMEOUT_TCP_SYN		30	/* s idle before the handshake ends */
#define FLOW_TIMEOUT_UDP_DEFAULT	120	/* s idle, UDP (configurable) */
#define FLOW_TIMEOUT_CLOSED		5	/* s a closed TCP flow lingers to
						   absorb trailing ACKs */

/* ---- per-flow protocol work ------------------------------------------- */
/* Packets with payload of a flow handed to the name parsers and nDPI
 * before giving up (a ClientHello in 16-byte segments takes 27). */
#define DISSECT_MAX_PACKETS		32
/* Client first-flight reassembly: bytes kept per flow, buffers in the pool. */
#define REASM_MAX_BYTES			16384
#define REASM_POOL_DEFAULT		1024	/* configurable */
/* nDPI per-flow states kept at once (configurable). */
#define NDPI_POOL_DEFAULT		16384

/* ---- names ------------------------------------------------------------ */
#define NAME_MAX_LEN			255	/* presentation form, no trailing dot */
#define NAME_INTERN_DEFAULT		131072	/* distinct names held (configurable) */
#define DNS_MAP_DEFAULT			65536	/* (client, server) entries (configurable) */
#define DNS_TTL_MIN			60	/* s: short TTLs still name the flow */
#define DNS_TTL_MAX			86400	/* s */
#define DNS_MAX_CNAME_HOPS		16	/* CNAME chain walk */
#define DNS_MAX_PTR_HOPS		32	/* compression pointers per name */
#define DNS_MAX_ANSWERS			64	/* answer RRs looked at per message */
/* ECH public names remembered from DNS HTTPS records (oldest replaced). */
#define ECH_PUBLIC_NAMES		256
/* ECH public names known before any DNS: Cloudflare's, the one real ECH
 * deployments use today. */
#define ECH_PUBLIC_BUILTIN		"cloudflare-ech.com"

/* ---- check-ins --------------------------------------------------------- */
/* Inside one connection, client data after this much silence (both ways)
 * starts a new check-in: keep-alive, HTTP/2 and QUIC beacons. */
#define CHECKIN_IDLE_US			500000ULL	/* 0.5 s */

/* ---- pairs and the reference rule ------------------------------------- */
#define PAIR_MAX_DEFAULT		65536	/* (source, domain) pairs (configurable) */
#define PAIR_HEAVY_DEFAULT		16384	/* of them with a history (configurable) */
#define FLEET_DOMAINS_DEFAULT		16384	/* domains with fleet context (configurable) */
#define PAIR_WINDOW_HOURS		24	/* sliding window, hour buckets */
#define PAIR_MAX_PORTS			8	/* remote ports remembered per pair */

/* Reference rule thresholds (configurable), as the published query has them. */
#define REF_MIN_CONNECTIONS		12
#define REF_MIN_HOURS			3
#define REF_MAX_AVG_SENT		4096	/* bytes, strictly less than */
#define REF_MAX_AVG_RECV		16384	/* bytes, strictly less than */
#define REF_MIN_PER_HOUR		2	/* connections per distinct hour, >= */

#endif /* FAASWATCH_DEFAULTS_H */
