/*
 * proto_http.c - the head of an HTTP/1.x request: request line, Host,
 * User-Agent.  See proto_http.h.
 *
 * The module owns no state.  The head is read line by line through the
 * bounded cursor, each line through its own sub-cursor.  A request line is
 * judged as it arrives, so a stream that is not HTTP is told apart after a
 * few bytes; field lines are judged once whole, and the request only once
 * its blank line is there.  Each call parses from the start: the caller
 * hands in the client's first bytes again as more arrive.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cursor.h"
#include "defaults.h"
#include "proto_http.h"

#define HTTP_PORT_DIGITS	5

/* A host as read from a Host field or a request target. */
struct http_host {
	char		name[NAME_MAX_LEN + 2];	/* room for a trailing dot */
	uint16_t	port;
	uint8_t		ipv6;
};

/* token characters (RFC 9110, 5.6.2) */
static int
http_is_tchar(uint8_t ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9'))
		return 1;
	return ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

static int
http_is_alnum(uint8_t ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9');
}

static int
http_is_hex(uint8_t ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
	    (ch >= 'A' && ch <= 'F');
}

static uint8_t
http_lower(uint8_t ch)
{
	return ch >= 'A' && ch <= 'Z' ? (uint8_t)(ch - 'A' + 'a') : ch;
}

/*
 * Takes the next line of c into *line, without its LF and a CR before it.
 * Returns 1 for a whole line; 0 if c holds no LF, with *line the rest of c
 * (less a final CR, which may be the start of a CRLF) and c at its end.
 */
static int
http_line_take(struct cur *c, struct cur *line)
{
	const uint8_t *p = cur_peek(c), *lf;
	size_t left = cur_left(c), n;
	int whole;

	lf = p != NULL ? memchr(p, '\n', left) : NULL;
	whole = lf != NULL;
	n = whole ? (size_t)(lf - p) : left;
	*line = cur_sub(c, n);
	if (whole)
		cur_skip(c, 1);
	if (n > 0 && p[n - 1] == '\r')
		line->len--;
	return whole;
}

/*
 * Reads a port of 0-5 digits from the rest of c into *port.  Returns 0, or
 * -1 if c holds anything else or the value passes 65535.
 */
static int
http_port_read(struct cur *c, uint16_t *port)
{
	uint32_t v = 0;
	size_t n = 0;
	uint8_t ch;

	while (cur_left(c) > 0) {
		ch = cur_u8(c);
		if (ch < '0' || ch > '9' || ++n > HTTP_PORT_DIGITS)
			return -1;
		v = v * 10 + (uint32_t)(ch - '0');
	}
	if (v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/*
 * Parses host [ ":" port ] (RFC 3986 authority without userinfo) from all of
 * c into *h: an IPv6 address in brackets, kept without them in canonical
 * form (RFC 5952), or a name or IPv4 address of letters, digits, '-', '_'
 * and non-empty dot-separated labels, lowered and without a trailing dot.
 * Empty input gives an empty host.  Returns 0, or -1 if the input is not
 * such a host or the name is longer than NAME_MAX_LEN.
 */
static int
http_host_parse(struct cur *c, struct http_host *h)
{
	uint8_t a6[16];
	size_t n = 0, label = 0;
	uint8_t ch;

	memset(h, 0, sizeof(*h));
	if (cur_left(c) == 0)
		return 0;
	if (*cur_peek(c) == '[') {
		cur_skip(c, 1);
		for (;;) {
			if (cur_left(c) == 0)
				return -1;
			ch = cur_u8(c);
			if (ch == ']')
				break;
			if ((!http_is_hex(ch) && ch != ':' && ch != '.') ||
			    n >= NAME_MAX_LEN)
				return -1;
			h->name[n++] = (char)http_lower(ch);
		}
		/* A valid address, in its canonical text form; IPvFuture and
		   zone IDs are not taken. */
		h->name[n] = '\0';
		if (inet_pton(AF_INET6, h->name, a6) != 1 ||
		    inet_ntop(AF_INET6, a6, h->name, sizeof(h->name)) == NULL)
			return -1;
		n = strlen(h->name);
		h->ipv6 = 1;
	} else {
		while (cur_left(c) > 0 && *cur_peek(c) != ':') {
			ch = cur_u8(c);
			if (ch == '.') {
				if (label == 0)
					return -1;	/* leading or ".." */
				label = 0;
			} else if (http_is_alnum(ch) || ch == '-' ||
			    ch == '_')
				label++;
			else
				return -1;
			if (n > NAME_MAX_LEN)
				return -1;
			h->name[n++] = (char)http_lower(ch);
		}
		if (n > 0 && h->name[n - 1] == '.')
			n--;
		if (n > NAME_MAX_LEN)
			return -1;
		if (n == 0)
			return -1;		/* "." or ":port" alone */
	}
	h->name[n] = '\0';
	if (cur_left(c) == 0)
		return 0;
	if (cur_u8(c) != ':')
		return -1;
	return http_port_read(c, &h->port);
}

/* Copies a host into the request as the one that names it. */
static void
http_host_set(struct http_req *r, const struct http_host *h)
{
	memcpy(r->host, h->name, strlen(h->name) + 1);
	r->port = h->port;
	r->host_ipv6 = h->ipv6;
}

/*
 * Reads the request target t (RFC 9112, 3.2): for CONNECT the authority
 * form, which must carry a non-zero port; for other methods the origin form
 * ("/..."), the asterisk form, or the absolute form ("scheme://authority
 * ..."), whose host then names the request.  Returns 0, or -1 if the
 * target is none of those or its host is invalid.
 */
static int
http_target_read(struct cur *t, struct http_req *r)
{
	struct http_host h;
	struct cur auth;
	const uint8_t *p;
	size_t n, at;
	uint8_t ch;

	if (r->is_connect) {
		if (http_host_parse(t, &h) == -1 || h.name[0] == '\0' ||
		    h.port == 0)
			return -1;
		http_host_set(r, &h);
		r->host_from_target = 1;
		return 0;
	}
	p = cur_peek(t);
	n = cur_left(t);
	if (p[0] == '/' || (n == 1 && p[0] == '*'))
		return 0;
	/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
	if (!http_is_alnum(p[0]) || (p[0] >= '0' && p[0] <= '9'))
		return -1;
	for (;;) {
		if (cur_left(t) == 0)
			return -1;
		ch = cur_u8(t);
		if (ch == ':')
			break;
		if (!http_is_alnum(ch) && ch != '+' && ch != '-' && ch != '.')
			return -1;
	}
	if (cur_u8(t) != '/' || cur_u8(t) != '/' || !cur_ok(t))
		return -1;
	/* authority: up to "/", "?" or "#"; userinfo ends at its last "@" */
	p = cur_peek(t);
	n = 0;
	at = 0;
	while (n < cur_left(t) && p[n] != '/' && p[n] != '?' && p[n] != '#') {
		if (p[n] == '@')
			at = n + 1;
		n++;
	}
	cur_skip(t, at);
	auth = cur_sub(t, n - at);
	if (http_host_parse(&auth, &h) == -1 || h.name[0] == '\0')
		return -1;
	http_host_set(r, &h);
	r->host_from_target = 1;
	return 0;
}

/*
 * Parses the request line in line; whole says whether its end of line has
 * arrived.  Fills method and version and reads the target.  Returns HTTP_OK,
 * HTTP_MORE while a partial line is still consistent, HTTP_NOT_HTTP when it
 * cannot be an HTTP/1.x request line, HTTP_MALFORMED for a bad target.
 */
static enum http_status
http_request_line(struct cur *line, int whole, struct http_req *r)
{
	static const char ver[] = "HTTP/1.";
	struct cur target;
	size_t n = 0, start, i;
	uint8_t ch;

	/* method SP */
	for (;;) {
		if (cur_left(line) == 0)
			return whole ? HTTP_NOT_HTTP : HTTP_MORE;
		ch = cur_u8(line);
		if (ch == ' ')
			break;
		if (!http_is_tchar(ch) || n >= HTTP_METHOD_MAX)
			return HTTP_NOT_HTTP;
		r->method[n++] = (char)ch;
	}
	if (n == 0)
		return HTTP_NOT_HTTP;
	r->method[n] = '\0';
	/* request-target SP: visible bytes (obs-text tolerated) */
	start = cur_off(line);
	for (;;) {
		if (cur_left(line) == 0)
			return whole ? HTTP_NOT_HTTP : HTTP_MORE;
		ch = cur_u8(line);
		if (ch == ' ')
			break;
		if (ch < 0x21 || ch == 0x7f)
			return HTTP_NOT_HTTP;
	}
	if (cur_off(line) - 1 == start)
		return HTTP_NOT_HTTP;
	target = cur_at(line, start);
	target.len = cur_off(line) - 1;
	/* HTTP-version: "HTTP/1." DIGIT, and nothing after it */
	for (i = 0; i < sizeof(ver); i++) {
		if (cur_left(line) == 0)
			return whole ? HTTP_NOT_HTTP : HTTP_MORE;
		ch = cur_u8(line);
		if (i < sizeof(ver) - 1 ? ch != (uint8_t)ver[i] :
		    (ch < '0' || ch > '9'))
			return HTTP_NOT_HTTP;
	}
	if (cur_left(line) != 0)
		return HTTP_NOT_HTTP;
	if (!whole)
		return HTTP_MORE;
	r->version = (uint8_t)(10 + (ch - '0'));
	r->is_connect = strcmp(r->method, "CONNECT") == 0;
	if (http_target_read(&target, r) == -1)
		return HTTP_MALFORMED;
	return HTTP_OK;
}

/* Does the name in c (not advanced) equal lname, ignoring case? */
static int
http_name_is(const struct cur *c, const char *lname)
{
	const uint8_t *p = cur_peek(c);
	size_t i, n = strlen(lname);

	if (cur_left(c) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (http_lower(p[i]) != (uint8_t)lname[i])
			return 0;
	return 1;
}

/* Copies a User-Agent value, printable ASCII only, at most HTTP_UA_MAX. */
static void
http_ua_copy(struct cur *v, struct http_req *r)
{
	size_t n = 0;
	uint8_t ch;

	r->has_user_agent = 1;
	while (cur_left(v) > 0) {
		ch = cur_u8(v);
		if (n >= HTTP_UA_MAX) {
			r->ua_cut = 1;
			break;
		}
		r->user_agent[n++] = (char)(ch >= 0x20 && ch < 0x7f ? ch : '?');
	}
	r->user_agent[n] = '\0';
}

/*
 * Parses one whole, non-empty field line (RFC 9112, 5).  first says it is
 * the first after the request line.  Returns HTTP_OK or HTTP_MALFORMED.
 */
static enum http_status
http_field_line(struct cur *line, struct http_req *r, int first)
{
	struct http_host h;
	struct cur name, value;
	const uint8_t *p = cur_peek(line);
	size_t n = cur_left(line), i, start, end;

	/* No NUL (RFC 9110, 5.5) and no CR but the one before LF. */
	if (memchr(p, '\0', n) != NULL || memchr(p, '\r', n) != NULL)
		return HTTP_MALFORMED;
	/* obs-fold: a continuation, ignored; none may precede the first
	   field (RFC 9112, 2.2). */
	if (p[0] == ' ' || p[0] == '\t')
		return first ? HTTP_MALFORMED : HTTP_OK;
	for (i = 0; i < n && p[i] != ':'; i++)
		if (!http_is_tchar(p[i]))
			return HTTP_MALFORMED;
	if (i == n || i == 0)
		return HTTP_MALFORMED;
	name = cur_sub(line, i);
	cur_skip(line, 1);
	/* OWS value OWS */
	start = i + 1;
	end = n;
	while (start < end && (p[start] == ' ' || p[start] == '\t'))
		start++;
	while (end > start && (p[end - 1] == ' ' || p[end - 1] == '\t'))
		end--;
	cur_skip(line, start - (i + 1));
	value = cur_sub(line, end - start);
	if (!cur_ok(&value))
		return HTTP_MALFORMED;
	if (http_name_is(&name, "host")) {
		if (++r->host_fields > 1) {
			r->host_fields = 2;	/* "several" */
			return HTTP_OK;
		}
		if (http_host_parse(&value, &h) == -1)
			return HTTP_MALFORMED;
		if (!r->host_from_target)
			http_host_set(r, &h);
	} else if (http_name_is(&name, "user-agent") && !r->has_user_agent)
		http_ua_copy(&value, r);
	return HTTP_OK;
}

enum http_status
http_parse_request(const uint8_t *p, size_t len, struct http_req *r)
{
	struct cur head, line;
	enum http_status st;
	int whole, first = 1;

	memset(r, 0, sizeof(*r));
	if (p == NULL || len == 0)
		return HTTP_MORE;
	cur_init(&head, p, len < HTTP_MAX_HEAD ? len : HTTP_MAX_HEAD);
	whole = http_line_take(&head, &line);
	st = http_request_line(&line, whole, r);
	if (st == HTTP_MORE && len >= HTTP_MAX_HEAD)
		st = HTTP_MALFORMED;
	if (st != HTTP_OK)
		goto out;
	for (;;) {
		if (!http_line_take(&head, &line)) {
			st = len >= HTTP_MAX_HEAD ? HTTP_MALFORMED : HTTP_MORE;
			goto out;
		}
		if (cur_left(&line) == 0)
			break;
		if ((st = http_field_line(&line, r, first)) != HTTP_OK)
			goto out;
		first = 0;
	}
	r->head_len = cur_off(&head);
	return HTTP_OK;
out:
	memset(r, 0, sizeof(*r));
	return st;
}

const char *
http_status_str(enum http_status st)
{
	switch (st) {
	case HTTP_OK:
		return "ok";
	case HTTP_MORE:
		return "more";
	case HTTP_NOT_HTTP:
		return "not-http";
	case HTTP_MALFORMED:
		return "malformed";
	}
	return "?";
}
