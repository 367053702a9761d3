/*
 * proto_dns.h - DNS messages: header, question and answer section.
 *
 * faaswatch names a flow without SNI after the client's latest DNS answer for
 * the server address, so this module reads what the names stage needs from a
 * DNS message (RFC 1035) and nothing more: the header flags, the first
 * question, and every answer RR (A, AAAA, CNAME, DNAME, HTTPS and SVCB are
 * kept, the others counted).  dns_for_each_address() then walks the CNAME
 * chain from the question name to the addresses it ends in.  DNS over TCP is
 * framed by dns_tcp_next().
 *
 * Every byte goes through the bounded cursor (cursor.h); each RDATA through
 * its own window of RDLENGTH bytes, so an unknown, signed or malformed record
 * is stepped over and the rest of the answer section is still read.  Names
 * obey: labels of at most 63 bytes, at most 255 bytes on the wire,
 * compression pointers only strictly backwards (before the start of the
 * label run that holds the pointer, so every hop moves back and loops are
 * impossible) and at most DNS_MAX_PTR_HOPS of them.  A name that breaks a
 * rule only behind a pointer, or whose presentation form is longer than
 * NAME_MAX_LEN, is rejected and counted, and parsing goes on after it.
 *
 * Nothing is allocated: a message parses into a caller-provided struct
 * dns_msg (about 35 KB: keep one per worker, not on a small stack).  The
 * message bytes are borrowed only for the call; every name is copied out.
 */
#ifndef FAASWATCH_PROTO_DNS_H
#define FAASWATCH_PROTO_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "defaults.h"

#define DNS_HEADER_LEN		12
/* A name in presentation form plus its NUL. */
#define DNS_NAME_BUF		(NAME_MAX_LEN + 1)

/* RR types and classes the module looks at. */
#define DNS_TYPE_A		1
#define DNS_TYPE_CNAME		5
#define DNS_TYPE_AAAA		28
#define DNS_TYPE_DNAME		39
#define DNS_TYPE_OPT		41
#define DNS_TYPE_RRSIG		46
#define DNS_TYPE_SVCB		64
#define DNS_TYPE_HTTPS		65
#define DNS_CLASS_IN		1
/* SvcParamKey "ech" (RFC 9460, 14.3.2). */
#define DNS_SVC_KEY_ECH		5

enum dns_status {
	DNS_OK,		/* header, questions and answer section complete */
	DNS_TRUNCATED,	/* the bytes end inside the header, a question or an
			   answer: what was parsed before the cut is kept */
	DNS_MALFORMED,	/* structure that cannot be stepped over (a reserved
			   label type in place); what was parsed before it
			   is kept */
};

struct dns_rr {
	char		owner[DNS_NAME_BUF];
	uint16_t	type;
	uint16_t	rclass;
	/* TTL in seconds; a value with the top bit set reads as 0 (RFC 2181,
	   8). */
	uint32_t	ttl;
	/* A: the first 4 bytes; AAAA: all 16. */
	uint8_t		addr[16];
	/* CNAME/DNAME target, HTTPS/SVCB TargetName ("." is the root). */
	char		target[DNS_NAME_BUF];
	uint16_t	svc_priority;	/* HTTPS/SVCB: 0 is alias mode */
	uint8_t		svc_ech;	/* HTTPS/SVCB: an "ech" SvcParam */
	/* HTTPS/SVCB: the public_name of its first ECHConfig (the outer SNI
	   of clients using it), lower case; "" when none */
	char		ech_public_name[DNS_NAME_BUF];
};

struct dns_msg {
	uint16_t	id;
	uint8_t		qr;		/* 1: a response */
	uint8_t		opcode;
	uint8_t		aa, tc, rd, ra;
	uint8_t		rcode;		/* header RCODE, 4 bits */
	uint16_t	qdcount, ancount, nscount, arcount;	/* as sent */

	/* The first question; qname is "" when there is none or it was
	   rejected, "." for the root. */
	char		qname[DNS_NAME_BUF];
	uint16_t	qtype;
	uint16_t	qclass;
	uint8_t		has_question;

	/* Kept answer RRs, in message order. */
	struct dns_rr	an[DNS_MAX_ANSWERS];
	uint16_t	an_seen;	/* answer RRs read */
	uint16_t	an_kept;	/* in an[] */
	uint16_t	an_skipped;	/* read but not kept: other types, bad
					   RDATA or names, or over the cap */
	uint16_t	an_overflow;	/* of those, over DNS_MAX_ANSWERS */
	uint16_t	names_rejected;	/* names rejected anywhere parsed */
	uint16_t	rdata_bad;	/* kept-type RRs with unusable RDATA */
};

/*
 * Parses the DNS message p[0..len) into *m (cleared first).  The authority
 * and additional sections are not read.  Returns DNS_OK, DNS_TRUNCATED or
 * DNS_MALFORMED as described above; m is always consistent and holds what
 * was parsed before a cut or a fault, never a value read past one.  Responses
 * with the TC bit are parsed like any other (m->tc tells).  p is borrowed for
 * the call; m is the caller's.
 */
enum dns_status	dns_parse_message(const uint8_t *p, size_t len,
		    struct dns_msg *m);

/*
 * Called once per address: qname is the question name, owner the A/AAAA
 * record's owner (the end of the CNAME chain), family 4 or 6, addr 4 or 16
 * bytes, ttl the smallest TTL along the chain.  Every pointer is borrowed
 * until the callback returns.
 */
typedef void	dns_addr_cb(void *arg, const char *qname, const char *owner,
		    int family, const uint8_t *addr, uint32_t ttl);

/*
 * Calls cb for every A/AAAA record of the answer section reachable from the
 * question name: records owned by the name, then by the target of its CNAME,
 * and so on for at most DNS_MAX_CNAME_HOPS hops; a CNAME loop ends the walk,
 * and a name with several CNAMEs follows the first.  Only responses to
 * standard queries (QR set, opcode 0) of class IN are walked.  Returns the
 * number of callbacks made (0 when there is nothing to walk).
 */
size_t		dns_for_each_address(const struct dns_msg *m, dns_addr_cb *cb,
		    void *arg);

/* One message framed out of a DNS-over-TCP stream. */
struct dns_tcp_frame {
	const uint8_t	*msg;	/* borrowed from the stream bytes */
	size_t		 len;	/* message length, without the prefix */
	size_t		 used;	/* stream bytes this frame takes: 2 + len */
	size_t		 need;	/* DNS_TRUNCATED: bytes still missing */
};

/*
 * Frames the next DNS message of a contiguous client or server byte stream
 * p[0..len) that starts on a message boundary (RFC 1035 4.2.2: a two-byte
 * length, then the message).  Returns DNS_OK with f->msg/f->len the message
 * and f->used the bytes to drop before the next call; DNS_TRUNCATED with
 * f->need the number of further bytes needed for the frame (while the
 * length prefix itself is incomplete, a lower bound: the prefix and a DNS
 * header); DNS_MALFORMED
 * when the length is shorter than a DNS header (f->used still says how far
 * the frame goes, but the stream is best abandoned).  p is borrowed; f->msg
 * points into it.
 */
enum dns_status	dns_tcp_next(const uint8_t *p, size_t len,
		    struct dns_tcp_frame *f);

/* "ok", "truncated" or "malformed", for counters and tests. */
const char	*dns_status_str(enum dns_status st);

#endif /* FAASWATCH_PROTO_DNS_H */
