/*
 * state.c - snapshots of the pair, fleet and name tables.  See state.h.
 */
#include "config.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cursor.h"
#include "file.h"
#include "state.h"

static const uint8_t state_magic[8] = { 'F', 'W', 'S', 'T', 'A', 'T', 'E',
    '\n' };

#define STATE_HEADER	(8 + 4 + 4 + 8 + 16 + 8 + 32)

/* Sections of the body, in this order. */
#define SEC_NAMES	'N'
#define SEC_FLEET	'F'
#define SEC_PAIRS	'P'

/* What a record's raw blocks depend on: a change of any of these sizes is
 * another layout, and the snapshot is not read. */
static uint32_t
state_layout(void)
{
	uint64_t v = sizeof(struct pair);

	v = v * 1000003 + sizeof(struct pair_heavy);
	v = v * 1000003 + fleet_sources_size();
	v = v * 1000003 + BEACON_HIST_N;
	v = v * 1000003 + PAIR_WINDOW_HOURS;
	return (uint32_t)(v ^ (v >> 32));
}

/* ---- writing ------------------------------------------------------------- */

struct wbuf {
	uint8_t		*p;
	size_t		 len, cap;
	int		 err;
};

static void
w_bytes(struct wbuf *w, const void *p, size_t n)
{
	uint8_t *np;
	size_t cap;

	if (w->err)
		return;
	if (w->len + n > w->cap) {
		for (cap = w->cap ? w->cap : 65536; cap < w->len + n; cap *= 2)
			;
		if ((np = realloc(w->p, cap)) == NULL) {
			w->err = 1;
			return;
		}
		w->p = np;
		w->cap = cap;
	}
	memcpy(w->p + w->len, p, n);
	w->len += n;
}

static void
w_u8(struct wbuf *w, uint8_t v)
{
	w_bytes(w, &v, 1);
}

static void
w_u32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	w_bytes(w, b, 4);
}

static void
w_u64(struct wbuf *w, uint64_t v)
{
	w_u32(w, (uint32_t)(v >> 32));
	w_u32(w, (uint32_t)v);
}

/* A string: 16-bit length, bytes. */
static void
w_str(struct wbuf *w, const struct intern *strings, uint32_t id)
{
	const char *s = id != 0 ? intern_str(strings, id, NULL) : NULL;
	size_t n = s != NULL ? strlen(s) : 0;

	if (n > UINT16_MAX)
		n = 0;
	w_u8(w, (uint8_t)(n >> 8));
	w_u8(w, (uint8_t)n);
	w_bytes(w, s, n);
}

struct wctx {
	struct wbuf		 w;
	const struct state_tables *t;
	struct state_counts	*n;
};

static void
w_name(void *arg, int family, const uint8_t *client, const uint8_t *server,
    uint32_t name_id, uint64_t expires_us)
{
	struct wctx *x = arg;

	w_u8(&x->w, (uint8_t)family);
	w_bytes(&x->w, client, 16);
	w_bytes(&x->w, server, 16);
	w_u64(&x->w, expires_us);
	w_str(&x->w, x->t->strings, name_id);
	x->n->names++;
}

static void
w_domain(void *arg, uint32_t name_id, uint64_t first_us, uint64_t last_us,
    const void *sources)
{
	struct wctx *x = arg;

	w_str(&x->w, x->t->strings, name_id);
	w_u64(&x->w, first_us);
	w_u64(&x->w, last_us);
	w_bytes(&x->w, sources, fleet_sources_size());
	x->n->domains++;
}

static void
w_pair(void *arg, const struct pair *p, const struct pair_heavy *h)
{
	struct wctx *x = arg;

	w_str(&x->w, x->t->strings, p->name_id);
	w_str(&x->w, x->t->strings, p->sni_id);
	w_bytes(&x->w, p, sizeof(*p));
	w_u8(&x->w, h != NULL);
	if (h != NULL) {
		w_bytes(&x->w, h, sizeof(*h));
		x->n->heavy++;
	}
	x->n->pairs++;
}

static void	w_count(void *arg, int family, const uint8_t *client,
		    const uint8_t *server, uint32_t name_id, uint64_t exp);
static void	w_count_domain(void *arg, uint32_t name_id, uint64_t f,
		    uint64_t l, const void *src);
static void	w_count_pair(void *arg, const struct pair *p,
		    const struct pair_heavy *h);

static void
w_count(void *arg, int family, const uint8_t *client, const uint8_t *server,
    uint32_t name_id, uint64_t exp)
{
	(void)family; (void)client; (void)server; (void)name_id; (void)exp;
	(*(uint32_t *)arg)++;
}

static void
w_count_domain(void *arg, uint32_t name_id, uint64_t f, uint64_t l,
    const void *src)
{
	(void)name_id; (void)f; (void)l; (void)src;
	(*(uint32_t *)arg)++;
}

static void
w_count_pair(void *arg, const struct pair *p, const struct pair_heavy *h)
{
	(void)p; (void)h;
	(*(uint32_t *)arg)++;
}

/* SHA-256 of the header before the digest (magic to body length) and of
 * the body: every byte but the digest's own is covered. */
static int
state_sha256(const uint8_t *file, size_t len, uint8_t out[32])
{
	unsigned int n = 32;
	EVP_MD_CTX *ctx;
	int ok;

	if (len < STATE_HEADER || (ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, file, STATE_HEADER - 32) == 1 &&
	    EVP_DigestUpdate(ctx, file + STATE_HEADER, len - STATE_HEADER) ==
	    1 && EVP_DigestFinal_ex(ctx, out, &n) == 1 && n == 32;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

int
state_write(const char *path, uint64_t now_us, const struct hash_key *key,
    const struct state_tables *t, struct state_counts *n, char *err,
    size_t errlen)
{
	char tmp[4096];
	struct wctx x;
	uint8_t digest[32];
	uint32_t count;
	size_t body, off;
	ssize_t wr;
	int fd;

	memset(&x, 0, sizeof(x));
	memset(n, 0, sizeof(*n));
	x.t = t;
	x.n = n;
	/* header, the body's length and digest filled in at the end */
	w_bytes(&x.w, state_magic, sizeof(state_magic));
	w_u32(&x.w, STATE_VERSION);
	w_u32(&x.w, state_layout());
	w_u64(&x.w, now_us);
	w_u64(&x.w, key->k0);
	w_u64(&x.w, key->k1);
	w_u64(&x.w, 0);
	w_bytes(&x.w, digest, sizeof(digest));
	body = x.w.len;

	count = 0;
	names_visit(t->names, w_count, &count);
	w_u8(&x.w, SEC_NAMES);
	w_u32(&x.w, count);
	names_visit(t->names, w_name, &x);
	count = 0;
	fleet_visit(t->fleet, w_count_domain, &count);
	w_u8(&x.w, SEC_FLEET);
	w_u32(&x.w, count);
	fleet_visit(t->fleet, w_domain, &x);
	count = 0;
	pair_table_visit(t->pairs, w_count_pair, &count);
	w_u8(&x.w, SEC_PAIRS);
	w_u32(&x.w, count);
	pair_table_visit(t->pairs, w_pair, &x);
	if (x.w.err) {
		snprintf(err, errlen, "state %s: out of memory", path);
		free(x.w.p);
		return -1;
	}
	for (off = 0; off < 8; off++)
		x.w.p[body - 40 + off] = (uint8_t)((uint64_t)(x.w.len - body) >>
		    (56 - 8 * off));
	if (state_sha256(x.w.p, x.w.len, digest) == -1) {
		snprintf(err, errlen, "state %s: cannot compute its digest",
		    path);
		free(x.w.p);
		return -1;
	}
	memcpy(x.w.p + body - 32, digest, 32);

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		snprintf(err, errlen, "state %s: path too long", path);
		free(x.w.p);
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1) {
		snprintf(err, errlen, "state %s: %s", tmp, strerror(errno));
		free(x.w.p);
		return -1;
	}
	for (off = 0; off < x.w.len; off += (size_t)wr)
		if ((wr = write(fd, x.w.p + off, x.w.len - off)) <= 0) {
			if (wr < 0 && errno == EINTR) {
				wr = 0;
				continue;
			}
			snprintf(err, errlen, "state %s: %s", tmp,
			    wr < 0 ? strerror(errno) : "short write");
			close(fd);
			unlink(tmp);
			free(x.w.p);
			return -1;
		}
	free(x.w.p);
	if (fsync(fd) == -1 || close(fd) == -1) {
		snprintf(err, errlen, "state %s: %s", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "state %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* ---- reading -------------------------------------------------------------- */

struct state {
	uint8_t		*buf;
	size_t		 len;
	uint64_t	 time_us;
	struct hash_key	 key;
};

uint64_t
state_time(const struct state *st)
{
	return st->time_us;
}

const struct hash_key *
state_key(const struct state *st)
{
	return &st->key;
}

void
state_free(struct state *st)
{
	if (st == NULL)
		return;
	free(st->buf);
	free(st);
}

/* Checks a snapshot held in st->buf. */
static int
state_check(struct state *st, const char *what, char *err, size_t errlen)
{
	struct cur c;
	uint8_t digest[32];
	const uint8_t *want, *magic;
	uint64_t blen;
	uint32_t version, layout;

	cur_init(&c, st->buf, st->len);
	magic = cur_take(&c, sizeof(state_magic));
	version = cur_u32(&c);
	layout = cur_u32(&c);
	st->time_us = cur_u64(&c);
	st->key.k0 = cur_u64(&c);
	st->key.k1 = cur_u64(&c);
	blen = cur_u64(&c);
	want = cur_take(&c, 32);
	if (!cur_ok(&c) || memcmp(magic, state_magic, sizeof(state_magic)) !=
	    0) {
		snprintf(err, errlen, "state %s: not a faaswatch snapshot "
		    "(or truncated)", what);
		return -1;
	}
	if (version != STATE_VERSION || layout != state_layout()) {
		snprintf(err, errlen, "state %s: written by another version "
		    "(format %u, layout %08x; this one reads %u, %08x)", what,
		    version, layout, STATE_VERSION, state_layout());
		return -1;
	}
	if (blen != cur_left(&c)) {
		snprintf(err, errlen, "state %s: truncated (%zu of %llu body "
		    "bytes)", what, cur_left(&c), (unsigned long long)blen);
		return -1;
	}
	if (state_sha256(st->buf, st->len, digest) == -1 ||
	    memcmp(digest, want, 32) != 0) {
		snprintf(err, errlen, "state %s: checksum mismatch (corrupt)",
		    what);
		return -1;
	}
	return 0;
}

struct state *
state_parse(const void *buf, size_t len, const char *what, char *err,
    size_t errlen)
{
	struct state *st;

	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    (st->buf = malloc(len + 1)) == NULL) {
		snprintf(err, errlen, "state %s: out of memory", what);
		free(st);
		return NULL;
	}
	memcpy(st->buf, buf, len);
	st->len = len;
	if (state_check(st, what, err, errlen) == -1) {
		state_free(st);
		return NULL;
	}
	return st;
}

struct state *
state_from_body(const void *body, size_t len)
{
	struct state *st;

	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    (st->buf = calloc(1, STATE_HEADER + len + 1)) == NULL) {
		free(st);
		return NULL;
	}
	if (len > 0)
		memcpy(st->buf + STATE_HEADER, body, len);
	st->len = STATE_HEADER + len;
	return st;
}

struct state *
state_read(const char *path, int *missing, char *err, size_t errlen)
{
	struct state *st;
	char why[512];

	if ((st = calloc(1, sizeof(*st))) == NULL) {
		snprintf(err, errlen, "state %s: out of memory", path);
		*missing = 0;
		return NULL;
	}
	if (file_read(path, STATE_FILE_MAX, &st->buf, &st->len, missing, why,
	    sizeof(why)) == -1) {
		snprintf(err, errlen, "state %s", why);
		free(st);
		return NULL;
	}
	if (state_check(st, path, err, errlen) == -1) {
		state_free(st);
		return NULL;
	}
	return st;
}

/* A string of the body as an id of strings (referenced: the caller
 * unrefs), 0 for the empty string; -1 on a parse error. */
static int
r_str(struct cur *c, struct intern *strings, uint32_t *id)
{
	uint16_t n = cur_u16(c);
	const uint8_t *p = cur_take(c, n);

	*id = 0;
	if (!cur_ok(c))
		return -1;
	if (n == 0)
		return 0;
	*id = intern_get(strings, (const char *)p, n);
	return 0;
}

int
state_restore(const struct state *st, const struct state_tables *t,
    struct state_counts *n, char *err, size_t errlen)
{
	struct pair p;
	struct pair_heavy h;
	const struct catalogue_entry *e;
	const uint8_t *client, *server, *src, *blk;
	const char *name;
	struct cur c;
	uint64_t exp, first, last;
	uint32_t count, i, id, sni;
	uint8_t family, heavy;

	memset(n, 0, sizeof(*n));
	cur_init(&c, st->buf + STATE_HEADER, st->len - STATE_HEADER);

	if (cur_u8(&c) != SEC_NAMES)
		goto bad;
	count = cur_u32(&c);
	for (i = 0; i < count && cur_ok(&c); i++) {
		family = cur_u8(&c);
		client = cur_take(&c, 16);
		server = cur_take(&c, 16);
		exp = cur_u64(&c);
		if (r_str(&c, t->strings, &id) == -1)
			goto bad;
		if (id != 0 && (family == 4 || family == 6)) {
			names_restore(t->names, family, client, server, id,
			    exp);
			n->names++;
		} else
			n->skipped++;
		intern_unref(t->strings, id);
	}

	if (cur_u8(&c) != SEC_FLEET)
		goto bad;
	count = cur_u32(&c);
	for (i = 0; i < count && cur_ok(&c); i++) {
		if (r_str(&c, t->strings, &id) == -1)
			goto bad;
		first = cur_u64(&c);
		last = cur_u64(&c);
		src = cur_take(&c, fleet_sources_size());
		if (cur_ok(&c) && id != 0) {
			fleet_restore(t->fleet, id, first, last, src);
			n->domains++;
		}
		intern_unref(t->strings, id);
	}

	if (cur_u8(&c) != SEC_PAIRS)
		goto bad;
	count = cur_u32(&c);
	for (i = 0; i < count && cur_ok(&c); i++) {
		if (r_str(&c, t->strings, &id) == -1 ||
		    r_str(&c, t->strings, &sni) == -1) {
			intern_unref(t->strings, id);
			goto bad;
		}
		blk = cur_take(&c, sizeof(p));
		if (blk != NULL)
			memcpy(&p, blk, sizeof(p));
		heavy = cur_u8(&c);
		if (heavy) {
			blk = cur_take(&c, sizeof(h));
			if (blk != NULL)
				memcpy(&h, blk, sizeof(h));
		}
		e = NULL;
		if (cur_ok(&c) && id != 0 && (p.family == 4 || p.family == 6) &&
		    (name = intern_str(t->strings, id, NULL)) != NULL &&
		    catalogue_classify(t->cat, name, strlen(name), &e) ==
		    CATALOGUE_COUNTED && pair_table_restore(t->pairs, &p,
		    heavy ? &h : NULL, id, sni, e) != NULL) {
			n->pairs++;
			n->heavy += heavy != 0;
		} else
			n->skipped++;
		intern_unref(t->strings, id);
		intern_unref(t->strings, sni);
	}
	if (!cur_ok(&c) || cur_left(&c) != 0)
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "the snapshot's body does not parse at byte %zu",
	    STATE_HEADER + cur_off(&c));
	return -1;
}
