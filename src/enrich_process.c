/*
 * enrich_process.c - the join of endpoint events and connection records.
 * See enrich_process.h.
 *
 * Five fixed tables share one small slot-table implementation (struct
 * etab: an entry array, a SipHash-keyed bucket index, a free list and a
 * least-recently-updated list that doubles as the expiry order):
 *
 *   conns    one entry per connection event, indexed twice: by the
 *            direction-free 5-tuple (exact) and by (host, proto, server
 *            address, server port) (partial, client-side records only);
 *   procs    one entry per distinct process (host, id, pid, path, command
 *            line, user), referred to by index and generation so that a
 *            reused slot is never mistaken for the old process;
 *   haddrs   address -> host;
 *   dns      (host, resolved address, process) with the resolution time;
 *   sticky   (host, proto, server address, server port) -> process.
 *
 * Hosts are 64-bit keyed hashes of their lower-case names.
 */
#include "config.h"

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "enrich_process.h"
#include "ilist.h"

#define NONE		ILIST_NONE
#define US		1000000ull
/* Event times this far past the caller's clock do not move watermarks
 * (a record from a host whose clock is wrong). */
#define ENRICH_FUTURE_SLACK_US	(3600 * US)
/* Distinct processes remembered while deciding a partial match. */
#define ENRICH_PARTIAL_MAX	8

/* ---- slot tables -------------------------------------------------------- */

struct ehdr {
	uint64_t	time_us;	/* event time: expiry and LRU */
	uint32_t	hash;
	uint32_t	hnext;		/* bucket chain, or the free list */
	struct ilink	lru;
	uint8_t		used;
};

struct etab {
	char		*e;
	size_t		 esz;
	uint32_t	*buckets;
	uint32_t	 nbuckets, max, next_unused, free_head;
	struct ilist	 lru;
	struct iarray	 arr;
	uint64_t	 held;
};

static int
etab_init(struct etab *t, size_t max, size_t esz)
{
	uint32_t nb, i;

	memset(t, 0, sizeof(*t));
	if (max == 0 || max >= NONE / 4)
		return -1;
	t->max = (uint32_t)max;
	for (nb = 1; nb < t->max; nb <<= 1)
		;
	t->nbuckets = nb;
	t->esz = esz;
	t->e = calloc(max, esz);
	t->buckets = malloc((size_t)nb * sizeof(*t->buckets));
	if (t->e == NULL || t->buckets == NULL)
		return -1;
	for (i = 0; i < nb; i++)
		t->buckets[i] = NONE;
	t->free_head = NONE;
	ilist_init(&t->lru);
	t->arr = (struct iarray){ t->e, esz, offsetof(struct ehdr, lru),
	    offsetof(struct ehdr, hnext) };
	return 0;
}

static void
etab_free(struct etab *t)
{
	free(t->e);
	free(t->buckets);
}

static struct ehdr *
eh(const struct etab *t, uint32_t i)
{
	return (struct ehdr *)(void *)(t->e + (size_t)i * t->esz);
}

static uint32_t *
etab_bucket(const struct etab *t, uint32_t hash)
{
	return &t->buckets[hash & (t->nbuckets - 1)];
}

/* A free slot, or NONE when the table is full. */
static uint32_t
etab_alloc(struct etab *t)
{
	uint32_t i;

	if (t->free_head != NONE) {
		i = t->free_head;
		t->free_head = eh(t, i)->hnext;
		return i;
	}
	if (t->next_unused < t->max)
		return t->next_unused++;
	return NONE;
}

static void
etab_link(struct etab *t, uint32_t i, uint32_t hash, uint64_t time_us)
{
	struct ehdr *h = eh(t, i);

	h->hash = hash;
	h->time_us = time_us;
	h->used = 1;
	ichain_insert(etab_bucket(t, hash), &t->arr, i);
	h->lru.prev = h->lru.next = NONE;
	ilist_append(&t->lru, &t->arr, i);
	t->held++;
}

static void
etab_unlink(struct etab *t, uint32_t i)
{
	struct ehdr *h = eh(t, i);

	ichain_remove(etab_bucket(t, h->hash), &t->arr, i);
	ilist_unlink(&t->lru, &t->arr, i);
	h->used = 0;
	h->hnext = t->free_head;
	t->free_head = i;
	t->held--;
}

static void
etab_touch(struct etab *t, uint32_t i, uint64_t time_us)
{
	struct ehdr *h = eh(t, i);

	if (time_us > h->time_us)
		h->time_us = time_us;
	ilist_unlink(&t->lru, &t->arr, i);
	ilist_append(&t->lru, &t->arr, i);
}

/* ---- entries ------------------------------------------------------------ */

struct econn {
	struct ehdr	h;		/* hash: direction-free 5-tuple */
	uint32_t	pnext;		/* partial chain */
	uint32_t	phash;
	uint64_t	host;
	uint32_t	proc, gen;
	uint8_t		in_partial;
	uint8_t		family, proto, client_known, local, snapshot;
	uint16_t	cport, sport;
	uint8_t		client[16], server[16];
};

struct eproc {
	struct ehdr	h;		/* hash: low bits of key */
	uint64_t	key;		/* identity digest */
	uint64_t	host;
	uint32_t	gen;
	struct enrich_process_info info;
};

struct ehaddr {
	struct ehdr	h;
	uint64_t	host;
	uint8_t		family;
	uint8_t		ip[16];
};

struct edns {
	struct ehdr	h;		/* time: the resolution */
	uint64_t	host;
	uint32_t	proc, gen;
	uint8_t		family;
	uint8_t		ip[16];
};

struct esticky {
	struct ehdr	h;		/* time: last seen */
	uint64_t	host;
	uint64_t	ambiguous_until; /* two processes: not used before */
	uint32_t	proc, gen;
	uint8_t		family, proto;
	uint16_t	port;
	uint8_t		ip[16];
};

struct enrich_process {
	struct enrich_process_conf	conf;
	struct hash_key			key;
	struct etab			conns, procs, haddrs, dns, sticky;
	uint32_t			*pbuckets;	/* partial index */
	struct iarray			 parr;
	uint64_t			 wm[ENDPOINT_SOURCE_MAX];
	uint64_t			 clock;	/* latest now_us seen */
	struct enrich_process_stats	 st;
};

#define CONN(ep, i)	((struct econn *)(void *)eh(&(ep)->conns, (i)))
#define PROC(ep, i)	((struct eproc *)(void *)eh(&(ep)->procs, (i)))
#define HADDR(ep, i)	((struct ehaddr *)(void *)eh(&(ep)->haddrs, (i)))
#define DNSE(ep, i)	((struct edns *)(void *)eh(&(ep)->dns, (i)))
#define STICKY(ep, i)	((struct esticky *)(void *)eh(&(ep)->sticky, (i)))

const char *
enrich_match_str(enum enrich_match m)
{
	static const char *const names[ENRICH_MATCH_MAX] = {
		"none", "exact", "partial", "dns", "inferred"
	};

	return (unsigned)m < ENRICH_MATCH_MAX ? names[m] : "?";
}

void
enrich_process_conf_default(struct enrich_process_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->conns = ENRICH_CONNS_DEFAULT;
	c->procs = ENRICH_PROCS_DEFAULT;
	c->host_addrs = ENRICH_HOST_ADDRS_DEFAULT;
	c->dns = ENRICH_DNS_DEFAULT;
	c->sticky = ENRICH_STICKY_DEFAULT;
	c->exact_window_us = ENRICH_EXACT_WINDOW_S * US;
	c->partial_window_us = ENRICH_PARTIAL_WINDOW_S * US;
	c->dns_window_us = ENRICH_DNS_WINDOW_S * US;
	c->sticky_ttl_us = ENRICH_STICKY_TTL_S * US;
	c->retain_us = ENRICH_RETAIN_S * US;
	c->hold_us[ENDPOINT_SOURCE_SYSMON] = ENRICH_HOLD_SYSMON_S * US;
	c->reorder_us[ENDPOINT_SOURCE_SYSMON] = ENRICH_REORDER_SYSMON_S * US;
	c->hold_us[ENDPOINT_SOURCE_DEFENDER] = ENRICH_HOLD_DEFENDER_S * US;
	c->reorder_us[ENDPOINT_SOURCE_DEFENDER] =
	    ENRICH_REORDER_DEFENDER_S * US;
	c->hold_us[ENDPOINT_SOURCE_OSQUERY] = ENRICH_HOLD_OSQUERY_S * US;
	c->reorder_us[ENDPOINT_SOURCE_OSQUERY] = ENRICH_REORDER_OSQUERY_S * US;
}

struct enrich_process *
enrich_process_create(const struct enrich_process_conf *conf,
    const struct hash_key *key)
{
	struct enrich_process *ep;
	uint32_t i;

	if ((ep = calloc(1, sizeof(*ep))) == NULL)
		return NULL;
	if (conf != NULL)
		ep->conf = *conf;
	else
		enrich_process_conf_default(&ep->conf);
	ep->key = *key;
	if (etab_init(&ep->conns, ep->conf.conns, sizeof(struct econn)) ==
	    -1 || etab_init(&ep->procs, ep->conf.procs,
	    sizeof(struct eproc)) == -1 ||
	    etab_init(&ep->haddrs, ep->conf.host_addrs,
	    sizeof(struct ehaddr)) == -1 ||
	    etab_init(&ep->dns, ep->conf.dns, sizeof(struct edns)) == -1 ||
	    etab_init(&ep->sticky, ep->conf.sticky,
	    sizeof(struct esticky)) == -1)
		goto fail;
	ep->pbuckets = malloc((size_t)ep->conns.nbuckets *
	    sizeof(*ep->pbuckets));
	if (ep->pbuckets == NULL)
		goto fail;
	for (i = 0; i < ep->conns.nbuckets; i++)
		ep->pbuckets[i] = NONE;
	ep->parr = (struct iarray){ ep->conns.e, sizeof(struct econn),
	    offsetof(struct ehdr, lru), offsetof(struct econn, pnext) };
	ep->st.conns_cap = ep->conf.conns;
	ep->st.procs_cap = ep->conf.procs;
	ep->st.host_addrs_cap = ep->conf.host_addrs;
	ep->st.dns_cap = ep->conf.dns;
	ep->st.sticky_cap = ep->conf.sticky;
	ep->st.bytes = sizeof(*ep) +
	    ep->conf.conns * sizeof(struct econn) +
	    ep->conf.procs * sizeof(struct eproc) +
	    ep->conf.host_addrs * sizeof(struct ehaddr) +
	    ep->conf.dns * sizeof(struct edns) +
	    ep->conf.sticky * sizeof(struct esticky) +
	    (size_t)ep->conns.nbuckets * 2 * sizeof(uint32_t) +
	    ((size_t)ep->procs.nbuckets + ep->haddrs.nbuckets +
	    ep->dns.nbuckets + ep->sticky.nbuckets) * sizeof(uint32_t);
	return ep;
fail:
	enrich_process_destroy(ep);
	return NULL;
}

void
enrich_process_destroy(struct enrich_process *ep)
{
	if (ep == NULL)
		return;
	etab_free(&ep->conns);
	etab_free(&ep->procs);
	etab_free(&ep->haddrs);
	etab_free(&ep->dns);
	etab_free(&ep->sticky);
	free(ep->pbuckets);
	free(ep);
}

const struct enrich_process_stats *
enrich_process_stats(const struct enrich_process *ep)
{
	return &ep->st;
}

/* Copies the tables' fill levels into the statistics. */
static void
sync_counts(struct enrich_process *ep)
{
	ep->st.conns = ep->conns.held;
	ep->st.procs = ep->procs.held;
	ep->st.host_addrs = ep->haddrs.held;
	ep->st.dns = ep->dns.held;
	ep->st.sticky = ep->sticky.held;
}

uint64_t
enrich_process_watermark(const struct enrich_process *ep,
    enum endpoint_source s)
{
	return (unsigned)s < ENDPOINT_SOURCE_MAX ? ep->wm[s] : 0;
}

/* ---- keys --------------------------------------------------------------- */

static size_t
alen(uint8_t family)
{
	return family == 4 ? 4 : 16;
}

/* A 16-byte address with the bytes past an IPv4 address zeroed. */
static void
ip_norm(uint8_t dst[16], uint8_t family, const uint8_t *src)
{
	memset(dst, 0, 16);
	memcpy(dst, src, alen(family));
}

static int
ip_eq(uint8_t family, const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, alen(family)) == 0;
}

/* Addresses that say nothing about which host a record came from. */
static int
ip_usable(uint8_t family, const uint8_t *ip)
{
	static const uint8_t zero[16];

	if (family == 4)
		return ip[0] != 0 && ip[0] != 127 && ip[0] < 224;
	if (family != 6)
		return 0;
	if (memcmp(ip, zero, 15) == 0 && (ip[15] == 0 || ip[15] == 1))
		return 0;	/* :: and ::1 */
	return ip[0] != 0xff;
}

static uint64_t
host_key(const struct enrich_process *ep, const char *name)
{
	char buf[ENDPOINT_HOST_MAX];
	size_t n;
	uint64_t h;

	for (n = 0; n < sizeof(buf) - 1 && name[n] != '\0'; n++)
		buf[n] = (name[n] >= 'A' && name[n] <= 'Z') ?
		    (char)(name[n] - 'A' + 'a') : name[n];
	if (n > 0 && buf[n - 1] == '.')
		n--;
	if (n == 0)
		return 0;
	h = hash_bytes(&ep->key, buf, n);
	return h != 0 ? h : 1;
}

struct xkey {			/* direction-free 5-tuple */
	uint8_t		proto, family;
	uint16_t	loport, hiport;
	uint8_t		lo[16], hi[16];
};

static uint32_t
exact_hash(const struct enrich_process *ep, uint8_t proto, uint8_t family,
    const uint8_t *a, uint16_t aport, const uint8_t *b, uint16_t bport)
{
	struct xkey k;
	int c;

	memset(&k, 0, sizeof(k));
	k.proto = proto;
	k.family = family;
	c = memcmp(a, b, 16);
	if (c < 0 || (c == 0 && aport <= bport)) {
		memcpy(k.lo, a, 16);
		memcpy(k.hi, b, 16);
		k.loport = aport;
		k.hiport = bport;
	} else {
		memcpy(k.lo, b, 16);
		memcpy(k.hi, a, 16);
		k.loport = bport;
		k.hiport = aport;
	}
	return (uint32_t)hash_bytes(&ep->key, &k, sizeof(k));
}

struct skey {			/* host, proto, server address, port */
	uint64_t	host;
	uint8_t		proto, family;
	uint16_t	port;
	uint8_t		ip[16];
	uint8_t		pad[4];
};

static uint32_t
server_hash(const struct enrich_process *ep, uint64_t host, uint8_t proto,
    uint8_t family, const uint8_t *ip, uint16_t port)
{
	struct skey k;

	memset(&k, 0, sizeof(k));
	k.host = host;
	k.proto = proto;
	k.family = family;
	k.port = port;
	memcpy(k.ip, ip, 16);
	return (uint32_t)hash_bytes(&ep->key, &k, sizeof(k));
}

static uint32_t
addr_hash(const struct enrich_process *ep, uint64_t host, uint8_t family,
    const uint8_t *ip)
{
	return server_hash(ep, host, 0, family, ip, 0);
}

/* ---- hosts -------------------------------------------------------------- */

static void
haddr_set(struct enrich_process *ep, uint64_t host, uint8_t family,
    const uint8_t *raw, uint64_t time_us)
{
	uint8_t ip[16];
	struct ehaddr *a;
	uint32_t h, i;

	if (host == 0 || !ip_usable(family, raw))
		return;
	ip_norm(ip, family, raw);
	h = addr_hash(ep, 0, family, ip);
	for (i = *etab_bucket(&ep->haddrs, h); i != NONE; i = a->h.hnext) {
		a = HADDR(ep, i);
		if (a->h.hash == h && a->family == family &&
		    ip_eq(family, a->ip, ip)) {
			if (a->host != host) {
				a->host = host;
				ep->st.host_moved++;
			}
			etab_touch(&ep->haddrs, i, time_us);
			return;
		}
	}
	if ((i = etab_alloc(&ep->haddrs)) == NONE) {
		etab_unlink(&ep->haddrs, ep->haddrs.lru.head);
		ep->st.host_addrs_evicted++;
		i = etab_alloc(&ep->haddrs);
	}
	a = HADDR(ep, i);
	a->host = host;
	a->family = family;
	memcpy(a->ip, ip, 16);
	etab_link(&ep->haddrs, i, h, time_us);
}

static uint64_t
host_of(const struct enrich_process *ep, uint8_t family, const uint8_t *ip)
{
	const struct ehaddr *a;
	uint32_t h, i;

	h = addr_hash(ep, 0, family, ip);
	for (i = *etab_bucket(&ep->haddrs, h); i != NONE; i = a->h.hnext) {
		a = HADDR(ep, i);
		if (a->h.hash == h && a->family == family &&
		    ip_eq(family, a->ip, ip))
			return a->host;
	}
	return 0;
}

int
enrich_process_host_add(struct enrich_process *ep, const char *host,
    int family, const uint8_t *ip, uint64_t time_us)
{
	uint64_t hk;

	if (host == NULL || (family != 4 && family != 6) ||
	    (hk = host_key(ep, host)) == 0)
		return -1;
	haddr_set(ep, hk, (uint8_t)family, ip, time_us);
	ep->st.host_addrs = ep->haddrs.held;
	return 0;
}

/* ---- processes ---------------------------------------------------------- */

/* The identity of ev's process as a keyed digest. */
static uint64_t
proc_digest(const struct enrich_process *ep, const struct endpoint_event *ev)
{
	char buf[ENDPOINT_HOST_MAX + ENDPOINT_NAME_MAX + ENDPOINT_PATH_MAX +
	    ENDPOINT_ENTITY_MAX + ENDPOINT_CMDLINE_MAX + 2 * ENDPOINT_USER_MAX +
	    16];
	const struct {
		const char	*s;
		size_t		 cap;
	} parts[] = {
		{ ev->host, sizeof(ev->host) },
		{ ev->process, sizeof(ev->process) },
		{ ev->executable, sizeof(ev->executable) },
		{ ev->entity_id, sizeof(ev->entity_id) },
		{ ev->cmdline, sizeof(ev->cmdline) },
		{ ev->user, sizeof(ev->user) },
		{ ev->domain, sizeof(ev->domain) },
	};
	size_t n = 0, i, l;

	buf[n++] = (char)ev->source;
	memcpy(buf + n, &ev->pid, sizeof(ev->pid));
	n += sizeof(ev->pid);
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		l = strnlen(parts[i].s, parts[i].cap - 1);
		memcpy(buf + n, parts[i].s, l);
		buf[n + l] = '\0';		/* the separator */
		n += l + 1;
	}
	return hash_bytes(&ep->key, buf, n);
}

static void
copy_field(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* The slot of ev's process, added if new; its generation in *gen. */
static uint32_t
proc_get(struct enrich_process *ep, const struct endpoint_event *ev,
    uint64_t host, uint32_t *gen)
{
	struct eproc *p;
	uint64_t key = proc_digest(ep, ev);
	uint32_t h = (uint32_t)key, i;

	for (i = *etab_bucket(&ep->procs, h); i != NONE; i = p->h.hnext) {
		p = PROC(ep, i);
		if (p->key == key && p->host == host) {
			etab_touch(&ep->procs, i, ev->time_us);
			*gen = p->gen;
			return i;
		}
	}
	if ((i = etab_alloc(&ep->procs)) == NONE) {
		etab_unlink(&ep->procs, ep->procs.lru.head);
		ep->st.procs_evicted++;
		i = etab_alloc(&ep->procs);
	}
	p = PROC(ep, i);
	p->gen++;
	if (p->gen == 0)
		p->gen = 1;
	p->key = key;
	p->host = host;
	p->info.source = ev->source;
	p->info.pid = ev->pid;
	copy_field(p->info.host, sizeof(p->info.host), ev->host);
	copy_field(p->info.process, sizeof(p->info.process), ev->process);
	copy_field(p->info.executable, sizeof(p->info.executable),
	    ev->executable);
	copy_field(p->info.entity_id, sizeof(p->info.entity_id),
	    ev->entity_id);
	copy_field(p->info.cmdline, sizeof(p->info.cmdline), ev->cmdline);
	copy_field(p->info.user, sizeof(p->info.user), ev->user);
	copy_field(p->info.domain, sizeof(p->info.domain), ev->domain);
	etab_link(&ep->procs, i, h, ev->time_us);
	*gen = p->gen;
	return i;
}

static const struct eproc *
proc_ref(struct enrich_process *ep, uint32_t i, uint32_t gen)
{
	const struct eproc *p = PROC(ep, i);

	if (!p->h.used || p->gen != gen) {
		ep->st.procs_stale++;
		return NULL;
	}
	return p;
}

/* ---- adding events ------------------------------------------------------ */

static void
conn_remove(struct enrich_process *ep, uint32_t i)
{
	struct econn *c = CONN(ep, i);

	if (c->in_partial)
		ichain_remove(&ep->pbuckets[c->phash &
		    (ep->conns.nbuckets - 1)], &ep->parr, i);
	c->in_partial = 0;
	etab_unlink(&ep->conns, i);
}

static void
conn_add(struct enrich_process *ep, const struct endpoint_event *ev,
    uint64_t host, uint32_t proc, uint32_t gen)
{
	struct econn *c;
	uint32_t i, h;

	if ((i = etab_alloc(&ep->conns)) == NONE) {
		uint32_t old = ep->conns.lru.head;

		if (ep->clock != 0 && CONN(ep, old)->h.time_us +
		    ep->conf.retain_us < ep->clock)
			ep->st.conns_expired++;
		else
			ep->st.conns_evicted++;
		conn_remove(ep, old);
		i = etab_alloc(&ep->conns);
	}
	c = CONN(ep, i);
	c->host = host;
	c->proc = proc;
	c->gen = gen;
	c->family = ev->family;
	c->proto = ev->proto;
	c->client_known = ev->client_known;
	c->local = (uint8_t)ev->local;
	c->snapshot = ev->time_snapshot;
	c->cport = ev->cport;
	c->sport = ev->sport;
	ip_norm(c->client, ev->family, ev->client);
	ip_norm(c->server, ev->family, ev->server);
	h = exact_hash(ep, c->proto, c->family, c->client, c->cport,
	    c->server, c->sport);
	etab_link(&ep->conns, i, h, ev->time_us);
	c->in_partial = 0;
	c->pnext = NONE;
	if (host != 0 && ev->local == ENDPOINT_SIDE_CLIENT) {
		c->phash = server_hash(ep, host, c->proto, c->family,
		    c->server, c->sport);
		ichain_insert(&ep->pbuckets[c->phash &
		    (ep->conns.nbuckets - 1)], &ep->parr, i);
		c->in_partial = 1;
	}
}

static void
sticky_add(struct enrich_process *ep, const struct endpoint_event *ev,
    uint64_t host, uint32_t proc, uint32_t gen)
{
	struct esticky *s;
	uint8_t ip[16];
	uint32_t h, i;

	ip_norm(ip, ev->family, ev->server);
	h = server_hash(ep, host, ev->proto, ev->family, ip, ev->sport);
	for (i = *etab_bucket(&ep->sticky, h); i != NONE; i = s->h.hnext) {
		s = STICKY(ep, i);
		if (s->h.hash != h || s->host != host ||
		    s->proto != ev->proto || s->family != ev->family ||
		    s->port != ev->sport || !ip_eq(s->family, s->ip, ip))
			continue;
		if (s->proc != proc || s->gen != gen) {
			uint64_t d = ev->time_us > s->h.time_us ?
			    ev->time_us - s->h.time_us :
			    s->h.time_us - ev->time_us;

			if (d <= ep->conf.sticky_ttl_us) {
				uint64_t until = (ev->time_us > s->h.time_us ?
				    ev->time_us : s->h.time_us) +
				    ep->conf.sticky_ttl_us;

				if (until > s->ambiguous_until)
					s->ambiguous_until = until;
				ep->st.sticky_conflicts++;
			}
			if (ev->time_us >= s->h.time_us) {
				s->proc = proc;
				s->gen = gen;
			}
		}
		etab_touch(&ep->sticky, i, ev->time_us);
		return;
	}
	if ((i = etab_alloc(&ep->sticky)) == NONE) {
		etab_unlink(&ep->sticky, ep->sticky.lru.head);
		ep->st.sticky_evicted++;
		i = etab_alloc(&ep->sticky);
	}
	s = STICKY(ep, i);
	s->host = host;
	s->ambiguous_until = 0;
	s->proc = proc;
	s->gen = gen;
	s->family = ev->family;
	s->proto = ev->proto;
	s->port = ev->sport;
	memcpy(s->ip, ip, 16);
	etab_link(&ep->sticky, i, h, ev->time_us);
}

static void
dns_add(struct enrich_process *ep, const struct endpoint_event *ev,
    uint64_t host, uint32_t proc, uint32_t gen)
{
	const struct endpoint_addr *a;
	struct edns *d;
	uint8_t ip[16];
	uint32_t h, i;
	unsigned k;

	for (k = 0; k < ev->dns_naddrs && k < ENDPOINT_DNS_ADDRS; k++) {
		a = &ev->dns_addrs[k];
		if (a->family != 4 && a->family != 6)
			continue;
		ip_norm(ip, a->family, a->ip);
		h = addr_hash(ep, host, a->family, ip);
		for (i = *etab_bucket(&ep->dns, h); i != NONE;
		    i = d->h.hnext) {
			d = DNSE(ep, i);
			if (d->h.hash == h && d->host == host &&
			    d->family == a->family && d->proc == proc &&
			    d->gen == gen && ip_eq(d->family, d->ip, ip))
				break;
		}
		if (i != NONE) {
			etab_touch(&ep->dns, i, ev->time_us);
			continue;
		}
		if ((i = etab_alloc(&ep->dns)) == NONE) {
			etab_unlink(&ep->dns, ep->dns.lru.head);
			ep->st.dns_evicted++;
			i = etab_alloc(&ep->dns);
		}
		d = DNSE(ep, i);
		d->host = host;
		d->proc = proc;
		d->gen = gen;
		d->family = a->family;
		memcpy(d->ip, ip, 16);
		etab_link(&ep->dns, i, h, ev->time_us);
	}
}

static int
add_event(struct enrich_process *ep, const struct endpoint_event *ev)
{
	uint64_t host, oldest;
	uint32_t proc, gen;

	if (ev->time_us == 0 || (ev->family != 4 && ev->family != 6 &&
	    ev->kind != ENDPOINT_KIND_DNS) || (unsigned)ev->source >=
	    ENDPOINT_SOURCE_MAX || (unsigned)ev->kind > ENDPOINT_KIND_HOST_ADDR) {
		ep->st.events_unusable++;
		return -1;
	}
	/* older than anything it could still be joined with */
	oldest = ev->kind == ENDPOINT_KIND_CONNECTION ? ep->conf.retain_us :
	    ev->kind == ENDPOINT_KIND_DNS ? ep->conf.dns_window_us :
	    ep->conf.sticky_ttl_us;
	if (ev->kind == ENDPOINT_KIND_CONNECTION &&
	    ep->conf.sticky_ttl_us > oldest)
		oldest = ep->conf.sticky_ttl_us;
	if (ep->clock != 0 && ev->time_us + oldest < ep->clock) {
		ep->st.events_unusable++;
		return -1;
	}
	ep->st.events[ev->kind]++;
	if (ev->time_us > ep->wm[ev->source] && (ep->clock == 0 ||
	    ev->time_us <= ep->clock + ENRICH_FUTURE_SLACK_US))
		ep->wm[ev->source] = ev->time_us;
	host = host_key(ep, ev->host);
	switch (ev->kind) {
	case ENDPOINT_KIND_HOST_ADDR:
		haddr_set(ep, host, ev->family, ev->client, ev->time_us);
		return 0;
	case ENDPOINT_KIND_CONNECTION:
		if (ev->local == ENDPOINT_SIDE_CLIENT && ev->client_known)
			haddr_set(ep, host, ev->family, ev->client,
			    ev->time_us);
		else if (ev->local == ENDPOINT_SIDE_SERVER)
			haddr_set(ep, host, ev->family, ev->server,
			    ev->time_us);
		proc = proc_get(ep, ev, host, &gen);
		conn_add(ep, ev, host, proc, gen);
		if (host != 0 && ev->local == ENDPOINT_SIDE_CLIENT)
			sticky_add(ep, ev, host, proc, gen);
		return 0;
	case ENDPOINT_KIND_DNS:
		if (host == 0 || ev->dns_naddrs == 0) {
			ep->st.events_unusable++;
			return -1;
		}
		proc = proc_get(ep, ev, host, &gen);
		dns_add(ep, ev, host, proc, gen);
		return 0;
	}
	return -1;
}

int
enrich_process_add(struct enrich_process *ep, const struct endpoint_event *ev)
{
	int rc = add_event(ep, ev);

	sync_counts(ep);
	return rc;
}

void
enrich_process_expire(struct enrich_process *ep, uint64_t now_us)
{
	uint32_t i;

	if (now_us > ep->clock)
		ep->clock = now_us;
	now_us = ep->clock;
	while ((i = ep->conns.lru.head) != NONE &&
	    CONN(ep, i)->h.time_us + ep->conf.retain_us < now_us) {
		conn_remove(ep, i);
		ep->st.conns_expired++;
	}
	while ((i = ep->dns.lru.head) != NONE &&
	    DNSE(ep, i)->h.time_us + ep->conf.dns_window_us < now_us) {
		etab_unlink(&ep->dns, i);
		ep->st.dns_expired++;
	}
	while ((i = ep->sticky.lru.head) != NONE &&
	    STICKY(ep, i)->h.time_us + ep->conf.sticky_ttl_us < now_us) {
		etab_unlink(&ep->sticky, i);
		ep->st.sticky_expired++;
	}
	sync_counts(ep);
}

/* ---- lookups ------------------------------------------------------------ */

static uint64_t
absdiff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

/* Distance of event time t from the connection [start, end] for a record
 * with time t (a snapshot covers the whole connection); UINT64_MAX when
 * it is further than w. */
static uint64_t
time_dist(const struct econn *e, const struct conn *c, uint64_t w)
{
	uint64_t t = e->h.time_us, end, d;

	if (e->snapshot) {
		end = c->end_us > c->start_us ? c->end_us : c->start_us;
		d = t < c->start_us ? c->start_us - t : t > end ? t - end : 0;
	} else
		d = absdiff(t, c->start_us);
	return d <= w ? d : UINT64_MAX;
}

static void
fill(struct enrich_process_result *res, const struct eproc *p,
    enum enrich_match m, uint64_t t, const struct conn *c)
{
	res->match = m;
	res->proc = p->info;
	res->proc_key = p->key;
	res->offset_us = (int64_t)(t - c->start_us);
}

static enum endpoint_side
flip(enum endpoint_side s)
{
	return s == ENDPOINT_SIDE_CLIENT ? ENDPOINT_SIDE_SERVER :
	    s == ENDPOINT_SIDE_SERVER ? ENDPOINT_SIDE_CLIENT : s;
}

static int
lookup_exact(struct enrich_process *ep, const struct conn *c,
    const uint8_t *src, const uint8_t *dst, struct enrich_process_result *res)
{
	const struct econn *e, *best = NULL;
	const struct eproc *p, *bestp = NULL;
	enum endpoint_side side, bestside = ENDPOINT_SIDE_UNKNOWN;
	uint64_t d, bestd = UINT64_MAX;
	int pref, bestpref = 3;
	uint32_t h, i;

	h = exact_hash(ep, c->proto, c->family, src, c->sport, dst, c->dport);
	for (i = *etab_bucket(&ep->conns, h); i != NONE; i = e->h.hnext) {
		e = CONN(ep, i);
		if (e->h.hash != h || !e->client_known ||
		    e->proto != c->proto || e->family != c->family)
			continue;
		if (ip_eq(e->family, e->client, src) && e->cport == c->sport &&
		    ip_eq(e->family, e->server, dst) && e->sport == c->dport)
			side = (enum endpoint_side)e->local;
		else if (ip_eq(e->family, e->client, dst) &&
		    e->cport == c->dport && ip_eq(e->family, e->server, src) &&
		    e->sport == c->sport)
			side = flip((enum endpoint_side)e->local);
		else
			continue;
		if ((d = time_dist(e, c, ep->conf.exact_window_us)) ==
		    UINT64_MAX)
			continue;
		pref = side == ENDPOINT_SIDE_CLIENT ? 0 :
		    side == ENDPOINT_SIDE_UNKNOWN ? 1 : 2;
		if (pref > bestpref || (pref == bestpref && d >= bestd))
			continue;
		if ((p = proc_ref(ep, e->proc, e->gen)) == NULL)
			continue;
		best = e;
		bestp = p;
		bestd = d;
		bestpref = pref;
		bestside = side;
	}
	if (best == NULL)
		return 0;
	fill(res, bestp, ENRICH_MATCH_EXACT, best->h.time_us, c);
	res->side = bestside;
	return 1;
}

static int
lookup_partial(struct enrich_process *ep, const struct conn *c,
    uint64_t host, const uint8_t *dst, struct enrich_process_result *res)
{
	uint32_t seen[ENRICH_PARTIAL_MAX][2];
	const struct econn *e, *best = NULL;
	const struct eproc *p, *bestp = NULL;
	uint64_t d, bestd = UINT64_MAX;
	uint32_t h, i, nseen = 0, k;

	h = server_hash(ep, host, c->proto, c->family, dst, c->dport);
	for (i = ep->pbuckets[h & (ep->conns.nbuckets - 1)]; i != NONE;
	    i = e->pnext) {
		e = CONN(ep, i);
		if (e->phash != h || e->host != host || e->proto != c->proto ||
		    e->family != c->family || e->sport != c->dport ||
		    !ip_eq(e->family, e->server, dst))
			continue;
		if ((d = time_dist(e, c, ep->conf.partial_window_us)) ==
		    UINT64_MAX)
			continue;
		if ((p = proc_ref(ep, e->proc, e->gen)) == NULL)
			continue;
		for (k = 0; k < nseen; k++)
			if (seen[k][0] == e->proc && seen[k][1] == e->gen)
				break;
		if (k == nseen) {
			if (nseen < ENRICH_PARTIAL_MAX) {
				seen[nseen][0] = e->proc;
				seen[nseen][1] = e->gen;
			}
			nseen++;
		}
		if (d < bestd) {
			best = e;
			bestp = p;
			bestd = d;
		}
	}
	res->candidates = nseen;
	if (nseen > 1)
		ep->st.partial_ambiguous++;
	if (nseen != 1)
		return 0;
	fill(res, bestp, ENRICH_MATCH_PARTIAL, best->h.time_us, c);
	res->side = ENDPOINT_SIDE_CLIENT;
	return 1;
}

static int
lookup_dns(struct enrich_process *ep, const struct conn *c, uint64_t host,
    const uint8_t *dst, struct enrich_process_result *res)
{
	const struct edns *d, *best = NULL;
	const struct eproc *p, *bestp = NULL;
	uint32_t h, i;
	uint64_t t;

	h = addr_hash(ep, host, c->family, dst);
	for (i = *etab_bucket(&ep->dns, h); i != NONE; i = d->h.hnext) {
		d = DNSE(ep, i);
		if (d->h.hash != h || d->host != host ||
		    d->family != c->family || !ip_eq(d->family, d->ip, dst))
			continue;
		t = d->h.time_us;
		if (t > c->start_us + ep->conf.partial_window_us ||
		    t + ep->conf.dns_window_us < c->start_us)
			continue;
		if (best != NULL && t <= best->h.time_us)
			continue;
		if ((p = proc_ref(ep, d->proc, d->gen)) == NULL)
			continue;
		best = d;
		bestp = p;
	}
	if (best == NULL)
		return 0;
	fill(res, bestp, ENRICH_MATCH_DNS, best->h.time_us, c);
	res->side = ENDPOINT_SIDE_CLIENT;
	return 1;
}

static int
lookup_sticky(struct enrich_process *ep, const struct conn *c,
    uint64_t host, const uint8_t *dst, struct enrich_process_result *res)
{
	const struct esticky *s;
	const struct eproc *p;
	uint32_t h, i;

	h = server_hash(ep, host, c->proto, c->family, dst, c->dport);
	for (i = *etab_bucket(&ep->sticky, h); i != NONE; i = s->h.hnext) {
		s = STICKY(ep, i);
		if (s->h.hash != h || s->host != host ||
		    s->proto != c->proto || s->family != c->family ||
		    s->port != c->dport || !ip_eq(s->family, s->ip, dst))
			continue;
		if (absdiff(s->h.time_us, c->start_us) >
		    ep->conf.sticky_ttl_us || c->start_us < s->ambiguous_until)
			return 0;
		if ((p = proc_ref(ep, s->proc, s->gen)) == NULL)
			return 0;
		fill(res, p, ENRICH_MATCH_INFERRED, s->h.time_us, c);
		res->offset_us = 0;
		res->side = ENDPOINT_SIDE_CLIENT;
		return 1;
	}
	return 0;
}

/* Whether some active feed may still bring a record for c. */
static int
lookup_pending(const struct enrich_process *ep, const struct conn *c,
    uint64_t now_us)
{
	uint64_t end = c->start_us + ep->conf.exact_window_us;
	int s;

	for (s = ENDPOINT_SOURCE_NONE + 1; s < ENDPOINT_SOURCE_MAX; s++) {
		if (ep->wm[s] == 0)
			continue;	/* never heard from */
		if (ep->wm[s] >= end + ep->conf.reorder_us[s])
			continue;	/* has passed the window */
		if (now_us < end + ep->conf.hold_us[s])
			return 1;
	}
	return 0;
}

enum enrich_status
enrich_process_lookup(struct enrich_process *ep, const struct conn *c,
    uint64_t now_us, struct enrich_process_result *res)
{
	uint8_t src[16], dst[16];
	uint64_t host;

	memset(res, 0, sizeof(*res));
	ep->st.lookups++;
	enrich_process_expire(ep, now_us);
	if (c->family != 4 && c->family != 6) {
		ep->st.matches[ENRICH_MATCH_NONE]++;
		return ENRICH_FINAL;
	}
	ip_norm(src, c->family, c->src);
	ip_norm(dst, c->family, c->dst);
	if (lookup_exact(ep, c, src, dst, res)) {
		ep->st.matches[ENRICH_MATCH_EXACT]++;
		return ENRICH_FINAL;
	}
	if ((host = host_of(ep, c->family, src)) != 0 &&
	    !lookup_partial(ep, c, host, dst, res)) {
		uint32_t cand = res->candidates;

		if (!lookup_dns(ep, c, host, dst, res))
			(void)lookup_sticky(ep, c, host, dst, res);
		res->candidates = cand;
	}
	if (lookup_pending(ep, c, now_us)) {
		ep->st.pending++;
		return ENRICH_PENDING;
	}
	ep->st.matches[res->match]++;
	return ENRICH_FINAL;
}
