/*
 * proto_dns.c - DNS messages: header, question, answer section, CNAME walk
 * and DNS-over-TCP framing.  See proto_dns.h.
 *
 * The module owns no state: every function reads borrowed bytes into a
 * caller-provided structure.  Offsets in a message are absolute: an RDATA is
 * read through a window (a copy of the message cursor whose length stops at
 * the end of the RDATA), so a compression pointer inside it can be checked
 * against, and followed to, any earlier byte of the message while the RDATA
 * itself cannot overrun into the next record.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cursor.h"
#include "defaults.h"
#include "proto_dns.h"

/* Wire-format limit (RFC 1035, 2.3.4); labels are held to 63 bytes by
   their length byte, whose top two bits mark a pointer or a reserved
   type. */
#define DNS_WIRE_NAME_MAX	255

/* What reading one name did. */
enum dns_name_res {
	DNS_NAME_OK,		/* out holds the name */
	DNS_NAME_REJECTED,	/* stepped over, but out is "": a bad pointer,
				   a rule broken behind a pointer, too long */
	DNS_NAME_TRUNCATED,	/* the window ended inside the name */
	DNS_NAME_MALFORMED,	/* a reserved label type in place */
};

/*
 * A cursor over the next n bytes of c that keeps c's base, so offsets stay
 * absolute; c advances past them.  In error (and c too) if fewer remain.
 */
static struct cur
dns_window(struct cur *c, size_t n)
{
	struct cur w = *c;

	if (cur_take(c, n) == NULL) {
		w.err = 1;
		return w;
	}
	w.len = w.off + n;
	return w;
}

/*
 * Appends one label to the presentation form in out (outlen bytes used):
 * lower case, '.' and '\' escaped with a backslash, bytes outside 0x21-0x7e
 * as \DDD.  Returns -1 if the result would pass NAME_MAX_LEN.
 */
static int
dns_name_append(char *out, size_t *outlen, const uint8_t *label, size_t n)
{
	size_t i, o = *outlen;
	uint8_t ch;

	if (o > 0) {
		if (o + 1 > NAME_MAX_LEN)
			return -1;
		out[o++] = '.';
	}
	for (i = 0; i < n; i++) {
		ch = label[i];
		if (ch >= 'A' && ch <= 'Z')
			ch = (uint8_t)(ch - 'A' + 'a');
		if (ch == '.' || ch == '\\') {
			if (o + 2 > NAME_MAX_LEN)
				return -1;
			out[o++] = '\\';
			out[o++] = (char)ch;
		} else if (ch < 0x21 || ch > 0x7e) {
			if (o + 4 > NAME_MAX_LEN)
				return -1;
			out[o++] = '\\';
			out[o++] = (char)('0' + ch / 100);
			out[o++] = (char)('0' + ch / 10 % 10);
			out[o++] = (char)('0' + ch % 10);
		} else {
			if (o + 1 > NAME_MAX_LEN)
				return -1;
			out[o++] = (char)ch;
		}
	}
	*outlen = o;
	return 0;
}

/*
 * Reads the name that starts at c's offset into out (DNS_NAME_BUF bytes) in
 * presentation form and advances c past its in-place part (up to its root
 * label or its first compression pointer).  msg is the whole message, for
 * pointers; allow_ptr 0 rejects any pointer (SVCB TargetName).  Each pointer
 * must point strictly before the start of the label run that holds it.
 *
 * A rule broken in place that still lets the name be stepped over (a label
 * or name too long, a bad pointer) and any fault behind a pointer give
 * DNS_NAME_REJECTED with c past the name.  Running out of c's bytes in place
 * gives DNS_NAME_TRUNCATED, a reserved label type in place
 * DNS_NAME_MALFORMED; c is then in error.  out is "" unless DNS_NAME_OK.
 */
static enum dns_name_res
dns_name_read(const struct cur *msg, struct cur *c, int allow_ptr, char *out)
{
	struct cur jump;
	struct cur *rd = c;		/* c in place, then jump */
	const uint8_t *label;
	size_t seg = cur_off(c), wire = 0, outlen = 0, target;
	unsigned int hops = 0;
	int in_place = 1, bad = 0;
	enum dns_name_res res;
	uint8_t b, lo;

	for (;;) {
		b = cur_u8(rd);
		if (!cur_ok(rd))
			goto short_read;
		if ((b & 0xc0) == 0xc0) {
			lo = cur_u8(rd);
			if (!cur_ok(rd))
				goto short_read;
			/* Whatever follows, the in-place part ends here. */
			target = (size_t)(b & 0x3f) << 8 | lo;
			if (bad || !allow_ptr || target >= seg ||
			    ++hops > DNS_MAX_PTR_HOPS)
				goto rejected;
			jump = cur_at(msg, target);
			rd = &jump;
			in_place = 0;
			seg = target;
			continue;
		}
		if (b & 0xc0) {
			/* 01 (extended, RFC 6891) or 10: length unknown. */
			if (!in_place)
				goto rejected;
			(void)cur_fail(c);
			res = DNS_NAME_MALFORMED;
			goto fail;
		}
		if (b == 0)
			break;
		label = cur_take(rd, b);
		if (label == NULL)
			goto short_read;
		wire += (size_t)b + 1;
		if (wire + 1 > DNS_WIRE_NAME_MAX ||
		    (!bad && dns_name_append(out, &outlen, label, b) == -1))
			bad = 1;
		if (bad && !in_place)
			goto rejected;
	}
	if (bad)
		goto rejected;
	if (outlen == 0)
		out[outlen++] = '.';
	out[outlen] = '\0';
	return DNS_NAME_OK;

short_read:
	res = in_place ? DNS_NAME_TRUNCATED : DNS_NAME_REJECTED;
	goto fail;
rejected:
	res = DNS_NAME_REJECTED;
fail:
	out[0] = '\0';
	return res;
}

/* Maps a fault reading a name in place to a message status. */
static enum dns_status
dns_name_status(enum dns_name_res r)
{
	return r == DNS_NAME_MALFORMED ? DNS_MALFORMED : DNS_TRUNCATED;
}

static int
dns_type_kept(uint16_t type)
{
	switch (type) {
	case DNS_TYPE_A:
	case DNS_TYPE_AAAA:
	case DNS_TYPE_CNAME:
	case DNS_TYPE_DNAME:
	case DNS_TYPE_SVCB:
	case DNS_TYPE_HTTPS:
		return 1;
	default:
		return 0;
	}
}

/*
 * The public_name of the first ECHConfig (version 0xfe0d) in an "ech"
 * SvcParam's ECHConfigList (draft-ietf-tls-esni, 4): the name a client
 * puts in the outer ClientHello's SNI.  Lower-cased into out; "" when there
 * is none or it is not a plain host name.
 */
static void
dns_ech_public_name(struct cur v, char out[DNS_NAME_BUF])
{
	struct cur list = cur_vec(&v, 2);

	out[0] = '\0';
	while (cur_ok(&list) && cur_left(&list) >= 4) {
		uint16_t version = cur_u16(&list);
		struct cur cfg = cur_vec(&list, 2), name;
		size_t i, n;

		if (!cur_ok(&list) || version != 0xfe0d)
			continue;
		cur_skip(&cfg, 1 + 2);		/* config_id, kem_id */
		(void)cur_vec(&cfg, 2);		/* public_key */
		(void)cur_vec(&cfg, 2);		/* cipher_suites */
		cur_skip(&cfg, 1);		/* maximum_name_length */
		name = cur_vec(&cfg, 1);
		if (!cur_ok(&cfg) || (n = cur_left(&name)) == 0 ||
		    n >= DNS_NAME_BUF)
			return;
		for (i = 0; i < n; i++) {
			uint8_t ch = cur_u8(&name);

			if (ch >= 'A' && ch <= 'Z')
				ch = (uint8_t)(ch - 'A' + 'a');
			if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' &&
			    ch <= '9') || ch == '-' || ch == '.' || ch == '_')) {
				out[0] = '\0';
				return;
			}
			out[i] = (char)ch;
		}
		out[n] = '\0';
		return;
	}
}

/*
 * SVCB/HTTPS RDATA (RFC 9460, 2.2): priority, an uncompressed TargetName,
 * then SvcParams in strictly increasing key order.  Returns 0, or -1 if the
 * RDATA is unusable (a rejected name counts in *rejected).
 */
static int
dns_rdata_svcb(const struct cur *msg, struct cur *rd, struct dns_rr *rr,
    uint16_t *rejected)
{
	uint32_t prev = 0;
	uint16_t key;
	int first = 1;
	enum dns_name_res nr;

	rr->svc_priority = cur_u16(rd);
	if (!cur_ok(rd))
		return -1;
	nr = dns_name_read(msg, rd, 0, rr->target);
	if (nr != DNS_NAME_OK) {
		if (nr == DNS_NAME_REJECTED)
			(*rejected)++;
		return -1;
	}
	while (cur_left(rd) > 0) {
		struct cur value;

		key = cur_u16(rd);
		value = cur_vec(rd, 2);
		if (!cur_ok(rd) || (!first && key <= prev))
			return -1;
		if (key == DNS_SVC_KEY_ECH) {
			rr->svc_ech = 1;
			dns_ech_public_name(value, rr->ech_public_name);
		}
		prev = key;
		first = 0;
	}
	return cur_ok(rd) ? 0 : -1;
}

/*
 * Fills rr's RDATA fields from the window rd of a record of a kept type.
 * Returns 0, or -1 if the RDATA is unusable.
 */
static int
dns_rdata_read(const struct cur *msg, struct cur *rd, struct dns_rr *rr,
    uint16_t *rejected)
{
	enum dns_name_res nr;

	switch (rr->type) {
	case DNS_TYPE_A:
		if (cur_left(rd) != 4)
			return -1;
		return cur_copy(rd, rr->addr, 4);
	case DNS_TYPE_AAAA:
		if (cur_left(rd) != 16)
			return -1;
		return cur_copy(rd, rr->addr, 16);
	case DNS_TYPE_CNAME:
	case DNS_TYPE_DNAME:
		nr = dns_name_read(msg, rd, 1, rr->target);
		if (nr == DNS_NAME_REJECTED)
			(*rejected)++;
		return nr == DNS_NAME_OK && cur_left(rd) == 0 ? 0 : -1;
	case DNS_TYPE_SVCB:
	case DNS_TYPE_HTTPS:
		return dns_rdata_svcb(msg, rd, rr, rejected);
	default:
		return -1;
	}
}

/*
 * Reads one answer RR at c.  Returns DNS_OK when the record was read whole
 * (kept or counted as skipped), else the status that ends the message.
 */
static enum dns_status
dns_answer_read(const struct cur *msg, struct cur *c, struct dns_msg *m)
{
	char owner[DNS_NAME_BUF];
	struct dns_rr *rr;
	struct cur rd;
	enum dns_name_res nr;
	uint16_t type, rclass, rdlen;
	uint32_t ttl;

	nr = dns_name_read(msg, c, 1, owner);
	if (nr == DNS_NAME_TRUNCATED || nr == DNS_NAME_MALFORMED)
		return dns_name_status(nr);
	type = cur_u16(c);
	rclass = cur_u16(c);
	ttl = cur_u32(c);
	rdlen = cur_u16(c);
	rd = dns_window(c, rdlen);
	if (!cur_ok(c))
		return DNS_TRUNCATED;
	/* Counted only once whole, so a cut never counts half a record. */
	if (nr == DNS_NAME_REJECTED)
		m->names_rejected++;
	m->an_seen++;
	if (nr != DNS_NAME_OK || !dns_type_kept(type)) {
		m->an_skipped++;
		return DNS_OK;
	}
	if (m->an_kept >= DNS_MAX_ANSWERS) {
		m->an_skipped++;
		m->an_overflow++;
		return DNS_OK;
	}
	rr = &m->an[m->an_kept];
	memset(rr, 0, sizeof(*rr));
	memcpy(rr->owner, owner, strlen(owner) + 1);
	rr->type = type;
	rr->rclass = rclass;
	rr->ttl = ttl & 0x80000000u ? 0 : ttl;
	if (dns_rdata_read(msg, &rd, rr, &m->names_rejected) == -1) {
		m->rdata_bad++;
		m->an_skipped++;
		memset(rr, 0, sizeof(*rr));
		return DNS_OK;
	}
	m->an_kept++;
	return DNS_OK;
}

enum dns_status
dns_parse_message(const uint8_t *p, size_t len, struct dns_msg *m)
{
	char name[DNS_NAME_BUF];
	struct cur msg, c;
	enum dns_name_res nr;
	enum dns_status st;
	uint16_t flags, qtype, qclass;
	unsigned int i;

	memset(m, 0, offsetof(struct dns_msg, an));
	m->an_seen = m->an_kept = m->an_skipped = m->an_overflow = 0;
	m->names_rejected = m->rdata_bad = 0;
	if (p == NULL || len < DNS_HEADER_LEN)
		return DNS_TRUNCATED;
	cur_init(&msg, p, len);
	c = msg;
	m->id = cur_u16(&c);
	flags = cur_u16(&c);
	m->qdcount = cur_u16(&c);
	m->ancount = cur_u16(&c);
	m->nscount = cur_u16(&c);
	m->arcount = cur_u16(&c);
	m->qr = flags >> 15;
	m->opcode = flags >> 11 & 0xf;
	m->aa = flags >> 10 & 1;
	m->tc = flags >> 9 & 1;
	m->rd = flags >> 8 & 1;
	m->ra = flags >> 7 & 1;
	m->rcode = flags & 0xf;

	for (i = 0; i < m->qdcount; i++) {
		nr = dns_name_read(&msg, &c, 1, name);
		if (nr == DNS_NAME_TRUNCATED || nr == DNS_NAME_MALFORMED)
			return dns_name_status(nr);
		qtype = cur_u16(&c);
		qclass = cur_u16(&c);
		if (!cur_ok(&c))
			return DNS_TRUNCATED;
		if (nr == DNS_NAME_REJECTED)
			m->names_rejected++;
		if (i == 0) {
			memcpy(m->qname, name, strlen(name) + 1);
			m->qtype = qtype;
			m->qclass = qclass;
			m->has_question = 1;
		}
	}
	for (i = 0; i < m->ancount; i++) {
		if ((st = dns_answer_read(&msg, &c, m)) != DNS_OK)
			return st;
	}
	return DNS_OK;
}

/* Is name among the first n of seen? */
static int
dns_name_seen(const char *const *seen, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(seen[i], name) == 0)
			return 1;
	return 0;
}

size_t
dns_for_each_address(const struct dns_msg *m, dns_addr_cb *cb, void *arg)
{
	const char *seen[DNS_MAX_CNAME_HOPS + 1];
	const struct dns_rr *rr, *next;
	const char *name;
	size_t calls = 0, nseen = 0;
	uint32_t ttl = UINT32_MAX;
	unsigned int i, kept;

	if (!m->qr || m->opcode != 0 || m->qname[0] == '\0')
		return 0;
	kept = m->an_kept < DNS_MAX_ANSWERS ? m->an_kept : DNS_MAX_ANSWERS;
	name = m->qname;
	for (;;) {
		seen[nseen++] = name;
		next = NULL;
		for (i = 0; i < kept; i++) {
			rr = &m->an[i];
			if (rr->rclass != DNS_CLASS_IN ||
			    strcmp(rr->owner, name) != 0)
				continue;
			if (rr->type == DNS_TYPE_A ||
			    rr->type == DNS_TYPE_AAAA) {
				cb(arg, m->qname, rr->owner,
				    rr->type == DNS_TYPE_A ? 4 : 6, rr->addr,
				    rr->ttl < ttl ? rr->ttl : ttl);
				calls++;
			} else if (rr->type == DNS_TYPE_CNAME && next == NULL)
				next = rr;
		}
		if (next == NULL || nseen > DNS_MAX_CNAME_HOPS ||
		    dns_name_seen(seen, nseen, next->target))
			break;
		if (next->ttl < ttl)
			ttl = next->ttl;
		name = next->target;
	}
	return calls;
}

enum dns_status
dns_tcp_next(const uint8_t *p, size_t len, struct dns_tcp_frame *f)
{
	struct cur c;
	size_t n;

	memset(f, 0, sizeof(*f));
	if (p == NULL)
		len = 0;
	if (len < 2) {
		/* At least the prefix and a header are still to come. */
		f->need = 2 + DNS_HEADER_LEN - len;
		return DNS_TRUNCATED;
	}
	cur_init(&c, p, len);
	n = cur_u16(&c);
	f->used = 2 + n;
	if (n < DNS_HEADER_LEN)
		return DNS_MALFORMED;
	if ((f->msg = cur_take(&c, n)) == NULL) {
		f->need = n - (len - 2);
		return DNS_TRUNCATED;
	}
	f->len = n;
	return DNS_OK;
}

const char *
dns_status_str(enum dns_status st)
{
	switch (st) {
	case DNS_OK:
		return "ok";
	case DNS_TRUNCATED:
		return "truncated";
	case DNS_MALFORMED:
		return "malformed";
	}
	return "?";
}
