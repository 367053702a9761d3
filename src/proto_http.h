/*
 * proto_http.h - the head of an HTTP/1.0 or HTTP/1.1 request.
 *
 * faaswatch names a plain-HTTP flow after the host the client asked for, and
 * a flow tunnelled through a proxy after the target of its CONNECT.  This
 * module reads the request line and the header fields up to the blank line
 * (RFC 9112, 2-5) from the first bytes a client sent and keeps the method,
 * the host and port (from the request target when it is in absolute or
 * authority form, else from the Host field), and the User-Agent.  It does not
 * read bodies, responses or later requests of a keep-alive connection.
 *
 * The head must end within HTTP_MAX_HEAD bytes.  Bytes are read through the
 * bounded cursor; nothing is allocated; the request bytes are borrowed only
 * for the call and every string is copied, NUL-terminated, into the
 * caller's struct http_req.
 */
#ifndef FAASWATCH_PROTO_HTTP_H
#define FAASWATCH_PROTO_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "defaults.h"

/* Limits of this module (the lead may move them to defaults.h). */
#define HTTP_MAX_HEAD		8192	/* request line + fields + blank line */
#define HTTP_METHOD_MAX		16	/* longest method token accepted */
#define HTTP_UA_MAX		255	/* User-Agent bytes kept */

enum http_status {
	HTTP_OK,	/* a whole, well-formed request head */
	HTTP_MORE,	/* a consistent prefix of one: call again with more */
	HTTP_NOT_HTTP,	/* the bytes do not start an HTTP/1.x request */
	HTTP_MALFORMED,	/* an HTTP/1.x request line, but a broken head, an
			   unusable host, or no end within HTTP_MAX_HEAD */
};

struct http_req {
	char		method[HTTP_METHOD_MAX + 1];
	uint8_t		version;	/* 10 or 11 */
	/* Lower case, no trailing dot; an IPv6 literal without brackets, in
	   canonical form (RFC 5952); "" when the request names none. */
	char		host[NAME_MAX_LEN + 1];
	uint16_t	port;		/* 0 when none was given */
	uint8_t		host_ipv6;	/* host was a [IPv6] literal */
	uint8_t		host_from_target; /* absolute or authority form */
	uint8_t		host_fields;	/* Host fields seen (RFC: one) */
	uint8_t		is_connect;
	/* Printable ASCII only (other bytes become '?'), at most HTTP_UA_MAX
	   bytes; ua_cut is set if it was longer. */
	char		user_agent[HTTP_UA_MAX + 1];
	uint8_t		has_user_agent;
	uint8_t		ua_cut;
	size_t		head_len;	/* bytes up to and including the blank
					   line */
};

/*
 * Parses the request head at the start of p[0..len), the first bytes of a
 * client stream.  Returns HTTP_OK with *r filled; HTTP_MORE when p is a
 * proper prefix of a possible request head (shorter than HTTP_MAX_HEAD);
 * HTTP_NOT_HTTP when the first bytes cannot begin an HTTP/1.x request line;
 * HTTP_MALFORMED otherwise.  *r is cleared first and meaningful only with
 * HTTP_OK.  p is borrowed for the call; r is the caller's.
 *
 * A CONNECT must give host:port; other methods take the host from an
 * absolute-form target ("http://host:port/...") over the Host field.  A
 * Host field that is not a valid host, NUL bytes anywhere in the head, a
 * field line without a colon or with space before it, and a head without
 * its blank line within HTTP_MAX_HEAD are malformed.  Several Host fields
 * are counted in host_fields (the first is kept): servers reject such
 * requests, so callers may flag them.  Lines may end in CRLF or a bare LF.
 */
enum http_status	http_parse_request(const uint8_t *p, size_t len,
			    struct http_req *r);

/* "ok", "more", "not-http" or "malformed", for counters and tests. */
const char		*http_status_str(enum http_status st);

#endif /* FAASWATCH_PROTO_HTTP_H */
