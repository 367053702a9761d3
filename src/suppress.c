/*
 * suppress.c - explicit suppressions of detections.  See suppress.h.
 *
 * The file is read whole (at most SUPPRESS_MAX_FILE bytes) and cut into
 * lines and KEY=VALUE fields through the bounded cursor; entries own their
 * strings.  Matching is a linear scan: suppressions are checked when a rule
 * fires, not per packet.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "catalogue.h"
#include "log.h"
#include "cursor.h"
#include "file.h"
#include "suppress.h"

struct suppress {
	struct suppress_entry	*e;
	size_t			 n;
};

static void
suppress_entry_free(struct suppress_entry *e)
{
	free(e->domain);
	free(e->process);
	free(e->rule);
	free(e->reason);
}

void
suppress_destroy(struct suppress *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		suppress_entry_free(&s->e[i]);
	free(s->e);
	free(s);
}

size_t
suppress_count(const struct suppress *s)
{
	return s != NULL ? s->n : 0;
}

const struct suppress_entry *
suppress_entry_at(const struct suppress *s, size_t i)
{
	return s != NULL && i < s->n ? &s->e[i] : NULL;
}

/* ---- parsing ------------------------------------------------------------- */

static int
suppress_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static void
suppress_skip_space(struct cur *c)
{
	const uint8_t *p;

	while ((p = cur_peek(c)) != NULL && suppress_space(*p))
		cur_skip(c, 1);
}

/* Reads a key ([a-z]+) and '='.  Returns its length, 0 on error. */
static size_t
suppress_key(struct cur *c, char *key, size_t keymax)
{
	const uint8_t *p;
	size_t n = 0;

	while ((p = cur_peek(c)) != NULL && *p >= 'a' && *p <= 'z') {
		if (n + 1 >= keymax)
			return 0;
		key[n++] = (char)*p;
		cur_skip(c, 1);
	}
	key[n] = '\0';
	if (n == 0 || cur_u8(c) != '=')
		return 0;
	return n;
}

/* Reads a bare or double-quoted value into val (SUPPRESS_FIELD_MAX + 1).
 * Returns 0, or -1 with a reason in why. */
static int
suppress_value(struct cur *c, char *val, const char **why)
{
	const uint8_t *p = cur_peek(c);
	size_t n = 0;
	int quoted = 0;
	uint8_t ch;

	if (p != NULL && *p == '"') {
		quoted = 1;
		cur_skip(c, 1);
	}
	for (;;) {
		if ((p = cur_peek(c)) == NULL) {
			if (quoted) {
				*why = "unterminated quoted value";
				return -1;
			}
			break;
		}
		ch = *p;
		if (!quoted && suppress_space(ch))
			break;
		cur_skip(c, 1);
		if (quoted && ch == '"')
			break;
		if (quoted && ch == '\\') {
			if ((p = cur_peek(c)) == NULL || (*p != '"' &&
			    *p != '\\')) {
				*why = "bad escape in quoted value";
				return -1;
			}
			ch = *p;
			cur_skip(c, 1);
		}
		if (ch < 0x20 || ch > 0x7e) {
			*why = "value has a byte outside printable ASCII";
			return -1;
		}
		if (n >= SUPPRESS_FIELD_MAX) {
			*why = "value too long";
			return -1;
		}
		val[n++] = (char)ch;
	}
	val[n] = '\0';
	if (n == 0) {
		*why = "empty value";
		return -1;
	}
	return 0;
}

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" (UTC) to microseconds. */
static int
suppress_date(const char *s, uint64_t *us)
{
	struct tm tm;
	const char *end;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%d", &tm);
	if (end != NULL && *end == 'T')
		end = strptime(end + 1, "%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	if ((t = timegm(&tm)) < 0)
		return -1;
	*us = (uint64_t)t * 1000000;
	return 0;
}

/* "10.0.0.0/8", "fd00::/8", "192.0.2.7". */
static int
suppress_net(const char *s, struct suppress_entry *e)
{
	char addr[SUPPRESS_FIELD_MAX + 1];
	const char *slash = strchr(s, '/');
	size_t n = slash != NULL ? (size_t)(slash - s) : strlen(s);
	unsigned long bits, b;
	char *end;

	if (n >= sizeof(addr))
		return -1;
	memcpy(addr, s, n);
	addr[n] = '\0';
	memset(e->net, 0, sizeof(e->net));
	if (inet_pton(AF_INET, addr, e->net) == 1)
		e->family = 4;
	else if (inet_pton(AF_INET6, addr, e->net) == 1)
		e->family = 6;
	else
		return -1;
	bits = e->family == 4 ? 32 : 128;
	if (slash != NULL) {
		errno = 0;
		b = strtoul(slash + 1, &end, 10);

		if (errno != 0 || end == slash + 1 || *end != '\0' || b > bits)
			return -1;
		bits = b;
	}
	e->prefix = (unsigned)bits;
	return 0;
}

static int
suppress_line(struct cur *c, struct suppress_entry *e, const char **why)
{
	char key[16], val[SUPPRESS_FIELD_MAX + 1];
	char **slot;

	for (;;) {
		suppress_skip_space(c);
		if (cur_left(c) == 0)
			break;
		if (suppress_key(c, key, sizeof(key)) == 0) {
			*why = "expected KEY=VALUE";
			return -1;
		}
		if (suppress_value(c, val, why) == -1)
			return -1;
		slot = NULL;
		if (strcmp(key, "domain") == 0) {
			if (catalogue_pattern_check(val, strlen(val), NULL,
			    0) == -1) {
				*why = "domain is not a valid name pattern";
				return -1;
			}
			slot = &e->domain;
		} else if (strcmp(key, "process") == 0)
			slot = &e->process;
		else if (strcmp(key, "rule") == 0)
			slot = &e->rule;
		else if (strcmp(key, "reason") == 0)
			slot = &e->reason;
		else if (strcmp(key, "source") == 0) {
			if (e->family != 0 || suppress_net(val, e) == -1) {
				*why = "source is not an address or network";
				return -1;
			}
			continue;
		} else if (strcmp(key, "expires") == 0) {
			if (e->expires_us != 0 ||
			    suppress_date(val, &e->expires_us) == -1) {
				*why = "expires is not YYYY-MM-DD[THH:MM:SSZ]";
				return -1;
			}
			continue;
		} else {
			*why = "unknown key";
			return -1;
		}
		if (*slot != NULL) {
			*why = "a key given twice";
			return -1;
		}
		if ((*slot = strdup(val)) == NULL) {
			*why = "out of memory";
			return -1;
		}
	}
	if (e->reason == NULL) {
		*why = "no reason=";
		return -1;
	}
	if (e->domain == NULL && e->process == NULL && e->rule == NULL &&
	    e->family == 0) {
		*why = "nothing to match: give domain, source, process or rule";
		return -1;
	}
	return 0;
}

struct suppress *
suppress_parse(const char *buf, size_t len, const char *name, char *err,
    size_t errlen)
{
	struct suppress *s;
	struct cur all;
	unsigned line = 0;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		log_reason(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	cur_init(&all, (const uint8_t *)buf, len);
	while (cur_left(&all) > 0) {
		const uint8_t *start = cur_peek(&all), *nl;
		size_t n = cur_left(&all);
		struct cur c;
		struct suppress_entry e, *grown;
		const char *why = NULL;

		line++;
		if ((nl = memchr(start, '\n', n)) != NULL)
			n = (size_t)(nl - start);
		c = cur_sub(&all, n);
		cur_skip(&all, nl != NULL ? 1 : 0);
		suppress_skip_space(&c);
		if (cur_left(&c) == 0 || *cur_peek(&c) == '#')
			continue;
		if (s->n >= SUPPRESS_MAX_ENTRIES) {
			log_reason(err, errlen, "%s:%u: more than %d entries",
			    name, line, SUPPRESS_MAX_ENTRIES);
			goto fail;
		}
		memset(&e, 0, sizeof(e));
		e.line = line;
		if (suppress_line(&c, &e, &why) == -1) {
			log_reason(err, errlen, "%s:%u: %s", name, line, why);
			suppress_entry_free(&e);
			goto fail;
		}
		if ((grown = realloc(s->e, (s->n + 1) * sizeof(*s->e))) ==
		    NULL) {
			log_reason(err, errlen, "%s: out of memory", name);
			suppress_entry_free(&e);
			goto fail;
		}
		s->e = grown;
		s->e[s->n++] = e;
	}
	return s;
fail:
	suppress_destroy(s);
	return NULL;
}

struct suppress *
suppress_load(const char *path, char *err, size_t errlen)
{
	struct suppress *s;
	uint8_t *buf;
	size_t n;

	if (file_read(path, SUPPRESS_MAX_FILE, &buf, &n, NULL, err,
	    errlen) == -1)
		return NULL;
	s = suppress_parse((const char *)buf, n, path, err, errlen);
	free(buf);
	return s;
}

/* ---- matching ------------------------------------------------------------ */

static int
suppress_in_net(const struct suppress_entry *e, int family,
    const uint8_t *addr)
{
	unsigned full = e->prefix / 8, rest = e->prefix % 8;

	if (family != e->family || memcmp(addr, e->net, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((addr[full] ^ e->net[full]) & (0xff << (8 - rest))) == 0;
}

static int
suppress_process_eq(const char *want, const char *process)
{
	const char *bs = strrchr(process, '\\'), *sl = strrchr(process, '/');

	if (bs == NULL || (sl != NULL && sl > bs))
		bs = sl;
	if (bs != NULL)
		process = bs + 1;
	return strcasecmp(want, process) == 0;
}

const struct suppress_entry *
suppress_match(struct suppress *s, int family, const uint8_t *src,
    const char *domain, const char *process, const char *rule_id,
    uint64_t now_us)
{
	size_t i;

	if (s == NULL)
		return NULL;
	for (i = 0; i < s->n; i++) {
		struct suppress_entry *e = &s->e[i];

		if (e->expires_us != 0 && now_us >= e->expires_us)
			continue;
		if (e->family != 0 && !suppress_in_net(e, family, src))
			continue;
		if (e->rule != NULL && (rule_id == NULL ||
		    strcmp(e->rule, rule_id) != 0))
			continue;
		if (e->process != NULL && (process == NULL ||
		    !suppress_process_eq(e->process, process)))
			continue;
		if (e->domain != NULL && (domain == NULL ||
		    !catalogue_pattern_match(e->domain, domain,
		    strlen(domain))))
			continue;
		e->hits++;
		return e;
	}
	return NULL;
}

void
suppress_carry_hits(struct suppress *new_s, const struct suppress *old_s)
{
	size_t i, j;

	if (new_s == NULL || old_s == NULL)
		return;
	for (i = 0; i < new_s->n; i++)
		for (j = 0; j < old_s->n; j++)
			if (new_s->e[i].line == old_s->e[j].line &&
			    strcmp(new_s->e[i].reason, old_s->e[j].reason) == 0) {
				new_s->e[i].hits = old_s->e[j].hits;
				break;
			}
}
