/*
 * gen_mix.c - benchmark capture generator.
 *
 * A test tool, not part of the sensor.  It reads real recordings (the lab
 * captures in pcaps/lab) as templates, each tagged with a traffic class, and
 * writes one pcap of at least --packets packets of mixed traffic: sessions
 * (one copy of a whole template: its DNS exchange and the connections that
 * follow) start at Poisson times over --duration seconds, from --clients
 * clients in 10.16.0.0/12 (--v6-clients of them dual-stack, in
 * fd10:0:0:1::/64), and interleave in time.  Each session rewrites the
 * client MAC, address and ports, the server address (a per-template pool in
 * 198.18.0.0/15 and 2001:db8::/32, DNS answers rewritten to match; the
 * resolver is 10.0.0.53), TCP sequence numbers and timestamps, DNS ids, and
 * recomputes every checksum.  Its timing is the template's, stretched by a
 * per-session factor (log-uniform in [--dilate-min, --dilate-max], a WAN
 * instead of the lab's veth); template gaps longer than 0.5 s (keep-alive
 * idle time) become exponential think times of mean --think seconds, and
 * half the background sessions idle (--linger) before the first FIN of each
 * TCP connection, as browsers keep connections open.  Classes get their
 * share of packets from --mix; --beacons clients additionally run the
 * "beacon" class templates every --beacon-sleep seconds (jitter "reduce"
 * model), so a detector has something to find.
 *
 * Deterministic for one seed (splitmix64); memory is bounded by the
 * templates plus --max-active concurrent sessions.  Exit status: 0 success,
 * 1 I/O or unusable template, 2 bad arguments.
 */
#include "config.h"

#include <sys/types.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pcap/pcap.h>

#include "pkt.h"

/* Structural caps of this tool. */
#define MIX_MAX_TEMPLATES	32
#define MIX_MAX_CLASSES		12
#define MIX_CLASS_LEN		16
#define MIX_MAX_FLOWS		128	/* 5-tuples in one template */
#define MIX_MAX_TXIDS		128	/* DNS ids in one template */
#define MIX_MAX_SERVERS		16	/* server addresses in one template */
#define MIX_MAX_DNS_FIX		8	/* A/AAAA rewritten per DNS packet */
#define MIX_MAX_PKTS		200000	/* packets in one template */
#define MIX_MAX_CLIENTS		1000000
#define MIX_MAX_BEACONS		1024
#define MIX_SNAPLEN		262144
#define MIX_SERVER_CHOICES	8	/* addresses in each server's pool */
#define MIX_THINK_GAP_US	500000	/* template gaps above: think time */
#define MIX_MAX_NAME_HOPS	128	/* labels walked in one DNS name */
#define MIX_PORT_LO		32768
#define MIX_PORT_HI		60999

/* Defaults. */
#define MIX_PACKETS_DEFAULT	1200000
#define MIX_CLIENTS_DEFAULT	2000
#define MIX_V6_DEFAULT		200
#define MIX_DURATION_DEFAULT	10800.0		/* s */
#define MIX_START_DEFAULT	1795856400.0	/* 2026-11-28 09:00:00 UTC */
#define MIX_DILATE_MIN_DEFAULT	10.0
#define MIX_DILATE_MAX_DEFAULT	300.0
#define MIX_THINK_DEFAULT	30.0		/* s */
#define MIX_LINGER_DEFAULT	15.0		/* s */
#define MIX_BEACONS_DEFAULT	8
#define MIX_BEACON_SLEEP_DEFAULT 60.0		/* s */
#define MIX_BEACON_JITTER_DEFAULT 0.2
#define MIX_MAX_ACTIVE_DEFAULT	16384
#define MIX_SHARES_DEFAULT \
	"bulk=70,tls=14,dns=5,quic=3,web=3,keepalive=3"

#define EXIT_IO		1
#define EXIT_USAGE	2

/* An address record of a DNS answer to point at the session's server. */
struct mix_dnsfix {
	uint16_t	 off;
	uint8_t		 len;
	uint8_t		 slot;
};

struct mix_tpkt {
	int64_t		 t;		/* us after the first packet */
	uint32_t	 caplen;
	uint32_t	 len;
	u_char		*data;
	uint8_t		 flow;
	uint8_t		 c2s;
	uint8_t		 opens;		/* first packet of its flow */
	uint8_t		 closes;	/* last packet of its flow */
	uint8_t		 first_fin;	/* first FIN or RST of its flow */
	int16_t		 txid;		/* index into txids, -1 none */
	uint8_t		 ndns;
	struct mix_dnsfix dns[MIX_MAX_DNS_FIX];
	struct pkt_view	 v;
};

struct mix_tflow {
	int		 family;
	int		 proto;
	uint8_t		 caddr[16];
	uint8_t		 saddr[16];
	uint16_t	 cport;
	uint16_t	 sport;
	int		 slot;		/* -1 resolver, else a server slot */
};

struct mix_tmpl {
	const char	*path;
	int		 cls;
	int		 filt_proto;	/* 0: every flow */
	int		 filt_port;
	struct mix_tpkt	*pkts;
	int		 npkts;
	struct mix_tflow flows[MIX_MAX_FLOWS];
	int		 nflows;
	uint16_t	 txids[MIX_MAX_TXIDS];
	int		 ntxids;
	uint8_t		 srv[MIX_MAX_SERVERS][16];
	int		 srvfam[MIX_MAX_SERVERS];
	int		 nsrv;
	int		 needs_v6;
	int64_t		 t0;		/* absolute time of the first packet */
	int64_t		 dur;
};

struct mix_sess {
	int64_t		 next_t;	/* output time of packet idx */
	uint64_t	 serial;	/* tie-break: start order */
	uint64_t	 rng;
	double		 dil;
	int		 linger;	/* idle before closing TCP flows */
	int		 tmpl;
	int		 idx;
	int		 client;
	int		 srv_r;
	uint32_t	 tsd;		/* TCP timestamp delta */
	uint16_t	 port[MIX_MAX_FLOWS];
	uint32_t	 seqd[MIX_MAX_FLOWS][2];
	uint16_t	 txid[MIX_MAX_TXIDS];
};

struct mix_opts {
	const char	*out;
	uint64_t	 seed;
	long		 packets;
	long		 clients;
	long		 v6clients;
	double		 duration;
	double		 start;
	double		 dil_min;
	double		 dil_max;
	double		 think;
	double		 linger;
	long		 beacons;
	double		 beacon_sleep;
	double		 beacon_jitter;
	long		 max_active;
	const char	*shares;
	int		 verbose;
};

struct mix_class {
	char		 name[MIX_CLASS_LEN];
	double		 share;
	double		 mean_pkts;
	double		 p;		/* probability per session */
	int		 ntmpl;
	long		 sessions;
	uint64_t	 pkts;
	uint64_t	 bytes;
};

static struct mix_tmpl	 mix_tmpls[MIX_MAX_TEMPLATES];
static int		 mix_ntmpls;
static struct mix_class	 mix_classes[MIX_MAX_CLASSES];
static int		 mix_nclasses;

static void
usage(void)
{
	fprintf(stderr,
"usage: gen_mix [-v] [--seed N] [--packets N] [--clients N] [--v6-clients N]\n"
"               [--duration S] [--start EPOCH] [--mix CLASS=SHARE,...]\n"
"               [--dilate-min F] [--dilate-max F] [--think S] [--linger S]\n"
"               [--beacons K] [--beacon-sleep S] [--beacon-jitter J]\n"
"               [--max-active N] -o OUT\n"
"               CLASS:TEMPLATE.pcap[:udp/PORT|:tcp/PORT]...\n"
"\n"
"Writes at least --packets packets (default %d) of sessions cloned from\n"
"the templates, from --clients clients (default %d, %d of them\n"
"dual-stack), starting at --start (default %.0f) over about --duration\n"
"seconds (default %.0f).  --mix gives each class its share of packets\n"
"(default \"%s\"); a template\n"
"may keep only the flows of one protocol and server port.\n"
"Session timing is the template's times a factor log-uniform in\n"
"[--dilate-min, --dilate-max] (default %.0f, %.0f); template gaps over\n"
"0.5 s become think times (exponential, mean --think, default %.0f s) and\n"
"half the sessions idle before closing each TCP connection (exponential,\n"
"mean --linger, default %.0f s; 0: never).  Templates of class \"beacon\"\n"
"are run by --beacons clients (default %d) every --beacon-sleep seconds\n"
"(default %.0f) minus up to --beacon-jitter (default %.1f) of it.\n"
"--seed (default 1) makes the run reproducible.  Output is pcap.\n",
	    MIX_PACKETS_DEFAULT, MIX_CLIENTS_DEFAULT, MIX_V6_DEFAULT,
	    MIX_START_DEFAULT, MIX_DURATION_DEFAULT, MIX_SHARES_DEFAULT,
	    MIX_DILATE_MIN_DEFAULT, MIX_DILATE_MAX_DEFAULT, MIX_THINK_DEFAULT,
	    MIX_LINGER_DEFAULT, MIX_BEACONS_DEFAULT, MIX_BEACON_SLEEP_DEFAULT,
	    MIX_BEACON_JITTER_DEFAULT);
	exit(EXIT_USAGE);
}

/* ---- randomness -------------------------------------------------------- */

/* Exponential with the given mean. */
static double
rng_exp(uint64_t *s, double mean)
{
	return -mean * log(1.0 - rng_unit(s));
}

/* ---- templates --------------------------------------------------------- */

static int
class_find(const char *name, size_t n)
{
	int i;

	for (i = 0; i < mix_nclasses; i++)
		if (strlen(mix_classes[i].name) == n &&
		    strncmp(mix_classes[i].name, name, n) == 0)
			return i;
	return -1;
}

static int
class_add(const char *name, size_t n)
{
	int i = class_find(name, n);

	if (i >= 0)
		return i;
	if (mix_nclasses >= MIX_MAX_CLASSES || n == 0 || n >= MIX_CLASS_LEN)
		return -1;
	memcpy(mix_classes[mix_nclasses].name, name, n);
	mix_classes[mix_nclasses].name[n] = '\0';
	return mix_nclasses++;
}

static int
tmpl_flow(struct mix_tmpl *tp, const u_char *p, const struct pkt_view *v,
    int *c2s)
{
	const u_char *src = p + pkt_addr_off(v, 0), *dst = p + pkt_addr_off(v, 1);
	size_t alen = v->family == 4 ? 4 : 16;
	struct mix_tflow *f;
	int i, flip;

	for (i = 0; i < tp->nflows; i++) {
		f = &tp->flows[i];
		if (f->family != v->family || f->proto != v->proto)
			continue;
		if (f->cport == v->sport && f->sport == v->dport &&
		    memcmp(f->caddr, src, alen) == 0 &&
		    memcmp(f->saddr, dst, alen) == 0) {
			*c2s = 1;
			return i;
		}
		if (f->cport == v->dport && f->sport == v->sport &&
		    memcmp(f->caddr, dst, alen) == 0 &&
		    memcmp(f->saddr, src, alen) == 0) {
			*c2s = 0;
			return i;
		}
	}
	if (tp->nflows >= MIX_MAX_FLOWS)
		return -1;
	f = &tp->flows[tp->nflows++];
	memset(f, 0, sizeof(*f));
	f->family = v->family;
	f->proto = v->proto;
	flip = (v->proto == 6 && (p[v->l4off + 13] & 0x12) == 0x12) ||
	    (v->sport < 1024 && v->dport >= 1024);
	memcpy(f->caddr, flip ? dst : src, alen);
	memcpy(f->saddr, flip ? src : dst, alen);
	f->cport = flip ? v->dport : v->sport;
	f->sport = flip ? v->sport : v->dport;
	*c2s = !flip;
	return tp->nflows - 1;
}

static int
tmpl_server(struct mix_tmpl *tp, int family, const uint8_t *a)
{
	size_t alen = family == 4 ? 4 : 16;
	int i;

	for (i = 0; i < tp->nsrv; i++)
		if (tp->srvfam[i] == family && memcmp(tp->srv[i], a, alen) == 0)
			return i;
	if (tp->nsrv >= MIX_MAX_SERVERS)
		return -1;
	memset(tp->srv[tp->nsrv], 0, 16);
	memcpy(tp->srv[tp->nsrv], a, alen);
	tp->srvfam[tp->nsrv] = family;
	return tp->nsrv++;
}

/* Offset after a DNS name at o, or -1. */
static int
dns_skip_name(const u_char *m, int len, int o)
{
	int hops;

	for (hops = 0; o < len && hops < MIX_MAX_NAME_HOPS; hops++) {
		if (m[o] == 0)
			return o + 1;
		if ((m[o] & 0xc0) == 0xc0)
			return o + 2 <= len ? o + 2 : -1;
		if (m[o] & 0xc0)
			return -1;
		o += m[o] + 1;
	}
	return -1;
}

/* Note the A/AAAA answers of a DNS response as server slots to rewrite. */
static int
tmpl_dns_answers(struct mix_tmpl *tp, struct mix_tpkt *rp)
{
	const u_char *m = rp->data + rp->v.ploff;
	int len, o, i, qd, an, type, rdlen, slot;

	len = (int)rp->caplen - rp->v.ploff;
	if (len > rp->v.plen)
		len = rp->v.plen;
	if (len < 12 || !(m[2] & 0x80))
		return 0;
	qd = get16(m + 4);
	an = get16(m + 6);
	o = 12;
	for (i = 0; i < qd && o >= 0; i++) {
		o = dns_skip_name(m, len, o);
		if (o >= 0)
			o += 4;
	}
	for (i = 0; i < an && o >= 0 && o <= len; i++) {
		o = dns_skip_name(m, len, o);
		if (o < 0 || o + 10 > len)
			break;
		type = get16(m + o);
		rdlen = get16(m + o + 8);
		o += 10;
		if (o + rdlen > len)
			break;
		if ((type == 1 && rdlen == 4) || (type == 28 && rdlen == 16)) {
			slot = tmpl_server(tp, type == 1 ? 4 : 6, m + o);
			if (slot < 0 || rp->ndns >= MIX_MAX_DNS_FIX)
				return -1;
			rp->dns[rp->ndns].off = (uint16_t)(rp->v.ploff + o);
			rp->dns[rp->ndns].len = (uint8_t)rdlen;
			rp->dns[rp->ndns].slot = (uint8_t)slot;
			rp->ndns++;
		}
		o += rdlen;
	}
	return 0;
}

static void
tmpl_fail(const struct mix_tmpl *tp, const char *why)
{
	fprintf(stderr, "gen_mix: %s: %s\n", tp->path, why);
	exit(EXIT_IO);
}

static void
tmpl_load(struct mix_tmpl *tp)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct mix_tpkt *rp;
	struct mix_tflow *f;
	struct pkt_view v;
	pcap_t *in;
	int64_t now;
	uint16_t tx;
	int rc, i, c2s, fi, seen[MIX_MAX_FLOWS];

	in = pcap_open_offline_with_tstamp_precision(tp->path,
	    PCAP_TSTAMP_PRECISION_MICRO, err);
	if (in == NULL) {
		fprintf(stderr, "gen_mix: %s\n", err);
		exit(EXIT_IO);
	}
	if (pcap_datalink(in) != DLT_EN10MB)
		tmpl_fail(tp, "not Ethernet");
	tp->pkts = calloc(MIX_MAX_PKTS, sizeof(*tp->pkts));
	if (tp->pkts == NULL)
		tmpl_fail(tp, "out of memory");
	while ((rc = pcap_next_ex(in, &h, &data)) == 1) {
		if (h->caplen > MIX_SNAPLEN ||
		    pkt_decode(DLT_EN10MB, data, h->caplen, &v) != 0)
			continue;
		if (tp->filt_proto != 0 && (v.proto != tp->filt_proto ||
		    (v.sport != tp->filt_port && v.dport != tp->filt_port)))
			continue;
		if (tp->npkts >= MIX_MAX_PKTS)
			tmpl_fail(tp, "too many packets");
		fi = tmpl_flow(tp, data, &v, &c2s);
		if (fi < 0)
			tmpl_fail(tp, "too many flows");
		rp = &tp->pkts[tp->npkts++];
		now = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
		if (tp->npkts == 1)
			tp->t0 = now;
		rp->t = now - tp->t0;
		if (rp->t > tp->dur)
			tp->dur = rp->t;
		rp->caplen = h->caplen;
		rp->len = h->len;
		rp->flow = (uint8_t)fi;
		rp->c2s = (uint8_t)c2s;
		rp->txid = -1;
		rp->v = v;
		rp->data = malloc(h->caplen);
		if (rp->data == NULL)
			tmpl_fail(tp, "out of memory");
		memcpy(rp->data, data, h->caplen);
		if (is_dns(&v) && v.plen >= 12 &&
		    h->caplen >= (uint32_t)v.ploff + 2) {
			tx = get16(data + v.ploff);
			for (i = 0; i < tp->ntxids && tp->txids[i] != tx; i++)
				;
			if (i == tp->ntxids) {
				if (tp->ntxids >= MIX_MAX_TXIDS)
					tmpl_fail(tp, "too many DNS ids");
				tp->txids[tp->ntxids++] = tx;
			}
			rp->txid = (int16_t)i;
		}
	}
	if (rc == -1)
		tmpl_fail(tp, pcap_geterr(in));
	pcap_close(in);
	if (tp->npkts == 0)
		tmpl_fail(tp, "no TCP or UDP packet (after the filter)");
	/* server slots: every non-DNS server, then every DNS answer */
	for (i = 0; i < tp->nflows; i++) {
		f = &tp->flows[i];
		if (f->family == 6)
			tp->needs_v6 = 1;
		if (f->proto == 17 && f->sport == 53)
			f->slot = -1;
		else if ((f->slot = tmpl_server(tp, f->family, f->saddr)) < 0)
			tmpl_fail(tp, "too many servers");
	}
	for (i = 0; i < tp->npkts; i++) {
		rp = &tp->pkts[i];
		if (is_dns(&rp->v) && !rp->c2s &&
		    tmpl_dns_answers(tp, rp) != 0)
			tmpl_fail(tp, "too many addresses in DNS answers");
	}
	/* first FIN/RST, first and last packet of each flow */
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < tp->npkts; i++) {
		rp = &tp->pkts[i];
		if (rp->v.proto == 6 && (rp->data[rp->v.l4off + 13] & 0x05) &&
		    !seen[rp->flow]) {
			rp->first_fin = 1;
			seen[rp->flow] = 1;
		}
	}
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < tp->npkts; i++) {
		rp = &tp->pkts[i];
		if (!seen[rp->flow]) {
			rp->opens = 1;
			seen[rp->flow] = 1;
		}
	}
	memset(seen, 0, sizeof(seen));
	for (i = tp->npkts - 1; i >= 0; i--) {
		rp = &tp->pkts[i];
		if (!seen[rp->flow]) {
			rp->closes = 1;
			seen[rp->flow] = 1;
		}
	}
}

/* "CLASS:PATH[:udp/PORT|:tcp/PORT]" */
static void
tmpl_parse(char *spec)
{
	struct mix_tmpl *tp;
	char *colon, *last, *end;
	long port;
	int cls;

	if (mix_ntmpls >= MIX_MAX_TEMPLATES) {
		fprintf(stderr, "gen_mix: at most %d templates\n",
		    MIX_MAX_TEMPLATES);
		usage();
	}
	tp = &mix_tmpls[mix_ntmpls];
	colon = strchr(spec, ':');
	if (colon == NULL || colon == spec || colon[1] == '\0') {
		fprintf(stderr, "gen_mix: bad template: %s\n", spec);
		usage();
	}
	cls = class_add(spec, (size_t)(colon - spec));
	if (cls < 0) {
		fprintf(stderr, "gen_mix: bad class in: %s\n", spec);
		usage();
	}
	tp->cls = cls;
	tp->path = colon + 1;
	last = strrchr(tp->path, ':');
	if (last != NULL && (strncmp(last, ":udp/", 5) == 0 ||
	    strncmp(last, ":tcp/", 5) == 0)) {
		errno = 0;
		port = strtol(last + 5, &end, 10);
		if (errno != 0 || *end != '\0' || port < 1 || port > 65535) {
			fprintf(stderr, "gen_mix: bad filter in: %s\n", spec);
			usage();
		}
		tp->filt_proto = last[1] == 'u' ? 17 : 6;
		tp->filt_port = (int)port;
		*last = '\0';
	}
	mix_ntmpls++;
}

/* "name=share,..." */
static void
shares_parse(const char *s)
{
	const char *p = s, *eq, *end;
	char *e;
	double x;
	int c;

	while (*p != '\0') {
		eq = strchr(p, '=');
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		if (eq == NULL || eq > end)
			goto bad;
		c = class_add(p, (size_t)(eq - p));
		if (c < 0)
			goto bad;
		errno = 0;
		x = strtod(eq + 1, &e);
		if (errno != 0 || e != end || !(x >= 0))
			goto bad;
		mix_classes[c].share = x;
		p = *end == ',' ? end + 1 : end;
	}
	return;
bad:
	fprintf(stderr, "gen_mix: bad --mix: %s\n", s);
	usage();
}

/* ---- addresses --------------------------------------------------------- */

static int
client_is_dual(const struct mix_opts *o, long c)
{
	return (c * o->v6clients) / o->clients !=
	    ((c + 1) * o->v6clients) / o->clients;
}

/* 10.16.0.0/12: 250 hosts per /24. */
static void
client_v4(long c, uint8_t *a)
{
	long net = c / 250;

	a[0] = 10;
	a[1] = (uint8_t)(16 + net / 256);
	a[2] = (uint8_t)(net % 256);
	a[3] = (uint8_t)(c % 250 + 1);
}

/* fd10:0:0:1::/64 with a random-looking interface identifier. */
static void
client_v6(uint64_t seed, long c, uint8_t *a)
{
	uint64_t s = seed ^ ((uint64_t)c * 0xd1b54a32d192ed03ULL), iid;
	int i;

	iid = rng_next(&s);
	memset(a, 0, 16);
	a[0] = 0xfd;
	a[1] = 0x10;
	a[7] = 0x01;
	for (i = 0; i < 8; i++)
		a[8 + i] = (uint8_t)(iid >> (56 - 8 * i));
}

static void
client_mac(long c, uint8_t *m)
{
	m[0] = 0x02;
	m[1] = 0xfa;
	m[2] = 0x00;
	m[3] = (uint8_t)(c >> 16);
	m[4] = (uint8_t)(c >> 8);
	m[5] = (uint8_t)c;
}

/* Server slot j of template t, pool member r. */
static void
server_addr(int t, int j, int r, int family, uint8_t *a)
{
	if (family == 4) {
		a[0] = 198;
		a[1] = 18;
		a[2] = (uint8_t)(t * MIX_SERVER_CHOICES + r);
		a[3] = (uint8_t)(10 + j);
		return;
	}
	memset(a, 0, 16);
	a[0] = 0x20;
	a[1] = 0x01;
	a[2] = 0x0d;
	a[3] = 0xb8;
	a[6] = (uint8_t)(t * MIX_SERVER_CHOICES + r);
	a[15] = (uint8_t)(10 + j);
}

static void
resolver_addr(int family, uint8_t *a)
{
	static const uint8_t v4[4] = { 10, 0, 0, 53 };
	static const uint8_t v6[16] = { 0xfd, 0x10, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 0x53 };

	memcpy(a, family == 4 ? v4 : v6, family == 4 ? 4 : 16);
}

/* ---- the session heap -------------------------------------------------- */

static struct mix_sess	*mix_pool;
static int		*mix_heap;
static int		 mix_nheap;
static int		*mix_free;
static int		 mix_nfree;

static int
sess_before(int a, int b)
{
	const struct mix_sess *x = &mix_pool[a], *y = &mix_pool[b];

	if (x->next_t != y->next_t)
		return x->next_t < y->next_t;
	return x->serial < y->serial;
}

static void
heap_push(int s)
{
	int i = mix_nheap++, up;

	mix_heap[i] = s;
	while (i > 0) {
		up = (i - 1) / 2;
		if (!sess_before(mix_heap[i], mix_heap[up]))
			break;
		s = mix_heap[i];
		mix_heap[i] = mix_heap[up];
		mix_heap[up] = s;
		i = up;
	}
}

/* Restore the heap after the top's key grew (or after removing it). */
static void
heap_sift_down(void)
{
	int i = 0, l, r, m, s;

	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		m = i;
		if (l < mix_nheap && sess_before(mix_heap[l], mix_heap[m]))
			m = l;
		if (r < mix_nheap && sess_before(mix_heap[r], mix_heap[m]))
			m = r;
		if (m == i)
			return;
		s = mix_heap[i];
		mix_heap[i] = mix_heap[m];
		mix_heap[m] = s;
		i = m;
	}
}

/* ---- generation -------------------------------------------------------- */

struct mix_stats {
	uint64_t	 pkts;
	uint64_t	 bytes;
	uint64_t	 flows;
	uint64_t	 sessions;
	uint64_t	 v6pkts;
	uint64_t	 udp443;
	uint64_t	 dns;
	uint64_t	 tcp;
	long		 open_flows;
	long		 max_flows;
	int		 max_sessions;
	int64_t		 first;
	int64_t		 last;
};

static void
sess_start(const struct mix_opts *o, uint64_t *rng, int t, long client,
    int64_t at, uint64_t serial, int linger)
{
	const struct mix_tmpl *tp = &mix_tmpls[t];
	struct mix_sess *s;
	uint16_t *next_port;
	static uint16_t *ports;
	int i, k;

	if (ports == NULL) {
		ports = calloc((size_t)o->clients, sizeof(*ports));
		if (ports == NULL) {
			fprintf(stderr, "gen_mix: out of memory\n");
			exit(EXIT_IO);
		}
	}
	k = mix_free[--mix_nfree];
	s = &mix_pool[k];
	s->rng = rng_next(rng);
	s->serial = serial;
	s->tmpl = t;
	s->idx = 0;
	s->client = (int)client;
	s->next_t = at;
	s->linger = linger;
	s->srv_r = (int)(rng_next(&s->rng) % MIX_SERVER_CHOICES);
	s->dil = exp(log(o->dil_min) + rng_unit(&s->rng) *
	    (log(o->dil_max) - log(o->dil_min)));
	s->tsd = (uint32_t)(uint64_t)((at - tp->t0) / 1000);
	next_port = &ports[client];
	if (*next_port == 0)
		*next_port = (uint16_t)(MIX_PORT_LO + rng_next(&s->rng) %
		    (MIX_PORT_HI - MIX_PORT_LO + 1));
	for (i = 0; i < tp->nflows; i++) {
		while (port_avoided(*next_port))
			(*next_port)++;
		s->port[i] = (*next_port)++;
		if (*next_port > MIX_PORT_HI)
			*next_port = MIX_PORT_LO;
		s->seqd[i][0] = (uint32_t)rng_next(&s->rng);
		s->seqd[i][1] = (uint32_t)rng_next(&s->rng);
	}
	for (i = 0; i < tp->ntxids; i++)
		s->txid[i] = (uint16_t)rng_next(&s->rng);
	heap_push(k);
}

/* Emit the top session's next packet and advance it. */
static void
sess_emit(const struct mix_opts *o, pcap_dumper_t *d, u_char *buf,
    struct mix_stats *st)
{
	int k = mix_heap[0];
	struct mix_sess *s = &mix_pool[k];
	const struct mix_tmpl *tp = &mix_tmpls[s->tmpl];
	const struct mix_tpkt *rp = &tp->pkts[s->idx];
	const struct mix_tflow *f = &tp->flows[rp->flow];
	struct mix_class *cl = &mix_classes[tp->cls];
	struct pcap_pkthdr h;
	uint8_t caddr[16], saddr[16], mac[6];
	int64_t gap;
	int i, alen = rp->v.family == 4 ? 4 : 16;

	memcpy(buf, rp->data, rp->caplen);
	client_mac(s->client, mac);
	memcpy(buf + (rp->c2s ? 6 : 0), mac, 6);
	if (rp->v.family == 4)
		client_v4(s->client, caddr);
	else
		client_v6(o->seed, s->client, caddr);
	if (f->slot < 0)
		resolver_addr(rp->v.family, saddr);
	else
		server_addr(s->tmpl, f->slot, s->srv_r, rp->v.family, saddr);
	memcpy(buf + pkt_addr_off(&rp->v, rp->c2s ? 0 : 1), caddr, (size_t)alen);
	memcpy(buf + pkt_addr_off(&rp->v, rp->c2s ? 1 : 0), saddr, (size_t)alen);
	put16(buf + rp->v.l4off + (rp->c2s ? 0 : 2), s->port[rp->flow]);
	if (rp->v.proto == 6) {
		tcp_shift(buf, &rp->v, s->seqd[rp->flow][rp->c2s ? 0 : 1],
		    s->seqd[rp->flow][rp->c2s ? 1 : 0], s->tsd, s->tsd);
		st->tcp++;
	} else if (is_dns(&rp->v))
		st->dns++;
	else if (rp->v.sport == 443 || rp->v.dport == 443)
		st->udp443++;
	if (rp->txid >= 0)
		put16(buf + rp->v.ploff, s->txid[rp->txid]);
	for (i = 0; i < rp->ndns; i++)
		server_addr(s->tmpl, rp->dns[i].slot, s->srv_r,
		    rp->dns[i].len == 4 ? 4 : 6, buf + rp->dns[i].off);
	pkt_fix_sums(buf, &rp->v);
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)(s->next_t / 1000000);
	h.ts.tv_usec = (suseconds_t)(s->next_t % 1000000);
	h.caplen = rp->caplen;
	h.len = rp->len;
	pcap_dump((u_char *)d, &h, buf);
	if (st->pkts == 0)
		st->first = s->next_t;
	st->last = s->next_t;
	st->pkts++;
	st->bytes += rp->len;
	cl->pkts++;
	cl->bytes += rp->len;
	if (rp->v.family == 6)
		st->v6pkts++;
	if (rp->opens) {
		st->flows++;
		if (++st->open_flows > st->max_flows)
			st->max_flows = st->open_flows;
	}
	if (rp->closes)
		st->open_flows--;
	if (++s->idx == tp->npkts) {
		mix_free[mix_nfree++] = k;
		mix_heap[0] = mix_heap[--mix_nheap];
		heap_sift_down();
		return;
	}
	gap = tp->pkts[s->idx].t - rp->t;
	if (gap > MIX_THINK_GAP_US)
		gap = (int64_t)llround(rng_exp(&s->rng, o->think) * 1e6);
	else if (s->linger && o->linger > 0 &&
	    tp->pkts[s->idx].first_fin)
		gap = (int64_t)llround(rng_exp(&s->rng, o->linger) * 1e6);
	else
		gap = (int64_t)llround((double)gap * s->dil);
	s->next_t += gap;
	heap_sift_down();
}

/* A template of class c that client can run, or -1. */
static int
tmpl_pick(const struct mix_opts *o, uint64_t *rng, int c, long client)
{
	int cand[MIX_MAX_TEMPLATES], n = 0, i, dual = client_is_dual(o, client);

	for (i = 0; i < mix_ntmpls; i++)
		if (mix_tmpls[i].cls == c && (dual || !mix_tmpls[i].needs_v6))
			cand[n++] = i;
	if (n == 0)
		return -1;
	return cand[rng_next(rng) % (uint64_t)n];
}

static int
class_pick(uint64_t *rng, int beacon_cls)
{
	double u = rng_unit(rng), acc = 0;
	int i, last = -1;

	for (i = 0; i < mix_nclasses; i++) {
		if (i == beacon_cls || mix_classes[i].p <= 0)
			continue;
		last = i;
		acc += mix_classes[i].p;
		if (u < acc)
			return i;
	}
	return last;
}

static void
run(const struct mix_opts *o)
{
	static u_char buf[MIX_SNAPLEN];
	int64_t start, bg_next, *b_next = NULL, at, last_t = 0;
	long *b_client = NULL, nb = 0, b, client;
	int beacon_cls, i, c, t, stop = 0, bi;
	double z = 0, ebg = 0, bpkts = 0, rate, bmean = 0, budget;
	uint64_t rng = o->seed, serial = 0, committed = 0;
	uint8_t *active_client;
	struct mix_stats st;
	pcap_dumper_t *d;
	pcap_t *dead;
	FILE *fp;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < mix_ntmpls; i++) {
		tmpl_load(&mix_tmpls[i]);
		mix_classes[mix_tmpls[i].cls].ntmpl++;
		mix_classes[mix_tmpls[i].cls].mean_pkts += mix_tmpls[i].npkts;
	}
	beacon_cls = class_find("beacon", 6);
	for (c = 0; c < mix_nclasses; c++) {
		if (mix_classes[c].ntmpl == 0)
			continue;
		mix_classes[c].mean_pkts /= mix_classes[c].ntmpl;
		if (c == beacon_cls)
			continue;
		if (mix_classes[c].share <= 0 && o->verbose)
			fprintf(stderr, "gen_mix: class %s has no share\n",
			    mix_classes[c].name);
		z += mix_classes[c].share / mix_classes[c].mean_pkts;
	}
	if (z <= 0) {
		fprintf(stderr, "gen_mix: no template in a class with a "
		    "share\n");
		exit(EXIT_USAGE);
	}
	for (c = 0; c < mix_nclasses; c++) {
		if (mix_classes[c].ntmpl == 0 || c == beacon_cls)
			continue;
		mix_classes[c].p = mix_classes[c].share /
		    mix_classes[c].mean_pkts / z;
		ebg += mix_classes[c].p * mix_classes[c].mean_pkts;
	}
	if (beacon_cls >= 0 && mix_classes[beacon_cls].ntmpl > 0)
		nb = o->beacons;
	if (nb > 0) {
		bmean = o->beacon_sleep * (1.0 - o->beacon_jitter / 2);
		bpkts = (double)nb * o->duration / bmean *
		    mix_classes[beacon_cls].mean_pkts;
	}
	budget = (double)o->packets - bpkts;
	if (budget < (double)o->packets / 2)
		budget = (double)o->packets / 2;
	rate = budget / ebg / o->duration;	/* sessions per second */

	mix_pool = calloc((size_t)o->max_active, sizeof(*mix_pool));
	mix_heap = calloc((size_t)o->max_active, sizeof(*mix_heap));
	mix_free = calloc((size_t)o->max_active, sizeof(*mix_free));
	active_client = calloc((size_t)o->clients, 1);
	if (nb > 0) {
		b_next = calloc((size_t)nb, sizeof(*b_next));
		b_client = calloc((size_t)nb, sizeof(*b_client));
	}
	if (mix_pool == NULL || mix_heap == NULL || mix_free == NULL ||
	    active_client == NULL || (nb > 0 && (b_next == NULL ||
	    b_client == NULL))) {
		fprintf(stderr, "gen_mix: out of memory\n");
		exit(EXIT_IO);
	}
	for (i = 0; i < o->max_active; i++)
		mix_free[i] = o->max_active - 1 - i;
	mix_nfree = (int)o->max_active;

	start = (int64_t)llround(o->start * 1e6);
	for (b = 0; b < nb; b++) {
		b_client[b] = (long)(rng_next(&rng) % (uint64_t)o->clients);
		b_next[b] = start + (int64_t)llround(rng_unit(&rng) *
		    o->beacon_sleep * 1e6);
	}
	bg_next = start + (int64_t)llround(rng_exp(&rng, 1.0 / rate) * 1e6);

	dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, MIX_SNAPLEN,
	    PCAP_TSTAMP_PRECISION_MICRO);
	if (dead == NULL || (d = pcap_dump_open(dead, o->out)) == NULL) {
		fprintf(stderr, "gen_mix: %s: %s\n", o->out,
		    dead != NULL ? pcap_geterr(dead) : "pcap_open_dead");
		exit(EXIT_IO);
	}
	for (;;) {
		/* the earliest pending session start */
		at = INT64_MAX;
		bi = -1;
		if (!stop) {
			at = bg_next;
			for (b = 0; b < nb; b++)
				if (b_next[b] < at) {
					at = b_next[b];
					bi = (int)b;
				}
		}
		if (at == INT64_MAX && mix_nheap == 0)
			break;
		if (at != INT64_MAX && mix_nfree > 0 && (mix_nheap == 0 ||
		    at <= mix_pool[mix_heap[0]].next_t)) {
			if (at < last_t)
				at = last_t;
			if (bi >= 0) {
				client = b_client[bi];
				t = tmpl_pick(o, &rng, beacon_cls, client);
				b_next[bi] += (int64_t)llround(1e6 *
				    o->beacon_sleep * (1.0 - o->beacon_jitter *
				    rng_unit(&rng)));
			} else {
				/* busier clients first: index n*u^2 */
				client = (long)((double)o->clients *
				    pow(rng_unit(&rng), 2.0));
				c = class_pick(&rng, beacon_cls);
				t = tmpl_pick(o, &rng, c, client);
				bg_next += (int64_t)llround(rng_exp(&rng,
				    1.0 / rate) * 1e6);
			}
			if (t < 0)
				continue;
			/* half the background sessions keep their TCP
			 * connections open a while before closing them */
			sess_start(o, &rng, t, client, at, serial++,
			    bi < 0 && (rng_next(&rng) & 1));
			active_client[client] = 1;
			mix_classes[mix_tmpls[t].cls].sessions++;
			st.sessions++;
			if (mix_nheap > st.max_sessions)
				st.max_sessions = mix_nheap;
			committed += (uint64_t)mix_tmpls[t].npkts;
			if (committed >= (uint64_t)o->packets)
				stop = 1;
			continue;
		}
		last_t = mix_pool[mix_heap[0]].next_t;
		sess_emit(o, d, buf, &st);
	}
	fp = pcap_dump_file(d);
	if (pcap_dump_flush(d) == -1 || ferror(fp)) {
		fprintf(stderr, "gen_mix: %s: write error\n", o->out);
		exit(EXIT_IO);
	}
	pcap_dump_close(d);
	pcap_close(dead);

	for (client = 0, i = 0; client < o->clients; client++)
		i += active_client[client];
	printf("gen_mix: %s\n", o->out);
	printf("  packets   %" PRIu64 "  bytes %" PRIu64 "  (%.1f MB)\n",
	    st.pkts, st.bytes, (double)st.bytes / 1e6);
	printf("  sessions  %" PRIu64 "  flows %" PRIu64
	    "  max concurrent: %d sessions, %ld flows\n", st.sessions,
	    st.flows, st.max_sessions, st.max_flows);
	printf("  clients   %d active of %ld (%ld dual-stack), %ld beaconing\n",
	    i, o->clients, o->v6clients, nb);
	printf("  time      %.6f .. %.6f (%.0f s)\n", (double)st.first / 1e6,
	    (double)st.last / 1e6, (double)(st.last - st.first) / 1e6);
	printf("  by proto  tcp %.1f%%  dns %.1f%%  udp/443 %.1f%%  "
	    "ipv6 %.1f%%\n",
	    100.0 * (double)st.tcp / (double)st.pkts,
	    100.0 * (double)st.dns / (double)st.pkts,
	    100.0 * (double)st.udp443 / (double)st.pkts,
	    100.0 * (double)st.v6pkts / (double)st.pkts);
	for (c = 0; c < mix_nclasses; c++) {
		if (mix_classes[c].ntmpl == 0)
			continue;
		printf("  class %-10s %d templates, %8ld sessions, %9" PRIu64
		    " packets (%4.1f%%), %12" PRIu64 " bytes\n",
		    mix_classes[c].name, mix_classes[c].ntmpl,
		    mix_classes[c].sessions, mix_classes[c].pkts,
		    100.0 * (double)mix_classes[c].pkts / (double)st.pkts,
		    mix_classes[c].bytes);
	}
	for (i = 0; i < mix_ntmpls; i++) {
		for (t = 0; t < mix_tmpls[i].npkts; t++)
			free(mix_tmpls[i].pkts[t].data);
		free(mix_tmpls[i].pkts);
	}
	free(mix_pool);
	free(mix_heap);
	free(mix_free);
	free(active_client);
	free(b_next);
	free(b_client);
}

/* ---- arguments --------------------------------------------------------- */

static double
arg_double(const char *s, const char *what, double lo, double hi)
{
	char *end;
	double x;

	errno = 0;
	x = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(x >= lo && x <= hi)) {
		fprintf(stderr, "gen_mix: bad %s: %s\n", what, s);
		usage();
	}
	return x;
}

static long
arg_long(const char *s, const char *what, long lo, long hi)
{
	char *end;
	long x;

	errno = 0;
	x = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || x < lo || x > hi) {
		fprintf(stderr, "gen_mix: bad %s: %s\n", what, s);
		usage();
	}
	return x;
}

int
main(int argc, char **argv)
{
	enum {
		OPT_SEED = 256, OPT_PACKETS, OPT_CLIENTS, OPT_V6, OPT_DURATION,
		OPT_START, OPT_MIX, OPT_DMIN, OPT_DMAX, OPT_THINK, OPT_BEACONS,
		OPT_BSLEEP, OPT_BJITTER, OPT_ACTIVE, OPT_LINGER
	};
	static const struct option lopts[] = {
		{ "seed",		required_argument, NULL, OPT_SEED },
		{ "packets",		required_argument, NULL, OPT_PACKETS },
		{ "clients",		required_argument, NULL, OPT_CLIENTS },
		{ "v6-clients",		required_argument, NULL, OPT_V6 },
		{ "duration",		required_argument, NULL, OPT_DURATION },
		{ "start",		required_argument, NULL, OPT_START },
		{ "mix",		required_argument, NULL, OPT_MIX },
		{ "dilate-min",		required_argument, NULL, OPT_DMIN },
		{ "dilate-max",		required_argument, NULL, OPT_DMAX },
		{ "think",		required_argument, NULL, OPT_THINK },
		{ "linger",		required_argument, NULL, OPT_LINGER },
		{ "beacons",		required_argument, NULL, OPT_BEACONS },
		{ "beacon-sleep",	required_argument, NULL, OPT_BSLEEP },
		{ "beacon-jitter",	required_argument, NULL, OPT_BJITTER },
		{ "max-active",		required_argument, NULL, OPT_ACTIVE },
		{ "output",		required_argument, NULL, 'o' },
		{ "verbose",		no_argument,	   NULL, 'v' },
		{ "help",		no_argument,	   NULL, 'h' },
		{ NULL,			0,		   NULL, 0 }
	};
	struct mix_opts o;
	char *end;
	int ch, i;

	memset(&o, 0, sizeof(o));
	o.seed = 1;
	o.packets = MIX_PACKETS_DEFAULT;
	o.clients = MIX_CLIENTS_DEFAULT;
	o.v6clients = MIX_V6_DEFAULT;
	o.duration = MIX_DURATION_DEFAULT;
	o.start = MIX_START_DEFAULT;
	o.dil_min = MIX_DILATE_MIN_DEFAULT;
	o.dil_max = MIX_DILATE_MAX_DEFAULT;
	o.think = MIX_THINK_DEFAULT;
	o.linger = MIX_LINGER_DEFAULT;
	o.beacons = MIX_BEACONS_DEFAULT;
	o.beacon_sleep = MIX_BEACON_SLEEP_DEFAULT;
	o.beacon_jitter = MIX_BEACON_JITTER_DEFAULT;
	o.max_active = MIX_MAX_ACTIVE_DEFAULT;
	o.shares = MIX_SHARES_DEFAULT;
	while ((ch = getopt_long(argc, argv, "ho:v", lopts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			o.out = optarg;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case OPT_SEED:
			errno = 0;
			o.seed = strtoull(optarg, &end, 0);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    *optarg == '-') {
				fprintf(stderr, "gen_mix: bad seed: %s\n",
				    optarg);
				usage();
			}
			break;
		case OPT_PACKETS:
			o.packets = arg_long(optarg, "packets", 1,
			    1000000000L);
			break;
		case OPT_CLIENTS:
			o.clients = arg_long(optarg, "clients", 1,
			    MIX_MAX_CLIENTS);
			break;
		case OPT_V6:
			o.v6clients = arg_long(optarg, "v6-clients", 0,
			    MIX_MAX_CLIENTS);
			break;
		case OPT_DURATION:
			o.duration = arg_double(optarg, "duration", 1, 1e7);
			break;
		case OPT_START:
			o.start = arg_double(optarg, "start", 0, 4e9);
			break;
		case OPT_MIX:
			o.shares = optarg;
			break;
		case OPT_DMIN:
			o.dil_min = arg_double(optarg, "dilate-min", 0.01, 1e6);
			break;
		case OPT_DMAX:
			o.dil_max = arg_double(optarg, "dilate-max", 0.01, 1e6);
			break;
		case OPT_THINK:
			o.think = arg_double(optarg, "think", 0.001, 1e6);
			break;
		case OPT_LINGER:
			o.linger = arg_double(optarg, "linger", 0, 1e6);
			break;
		case OPT_BEACONS:
			o.beacons = arg_long(optarg, "beacons", 0,
			    MIX_MAX_BEACONS);
			break;
		case OPT_BSLEEP:
			o.beacon_sleep = arg_double(optarg, "beacon-sleep",
			    0.01, 1e6);
			break;
		case OPT_BJITTER:
			o.beacon_jitter = arg_double(optarg, "beacon-jitter",
			    0, 1);
			break;
		case OPT_ACTIVE:
			o.max_active = arg_long(optarg, "max-active", 1,
			    1 << 20);
			break;
		case 'h':
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (o.out == NULL || argc < 1 || o.dil_max < o.dil_min ||
	    o.v6clients > o.clients)
		usage();
	shares_parse(o.shares);
	for (i = 0; i < argc; i++)
		tmpl_parse(argv[i]);
	for (i = 0; i < mix_ntmpls; i++) {
		const struct mix_class *cl = &mix_classes[mix_tmpls[i].cls];

		if (cl->share <= 0 && strcmp(cl->name, "beacon") != 0) {
			fprintf(stderr, "gen_mix: class %s has no share in "
			    "--mix\n", cl->name);
			usage();
		}
	}
	run(&o);
	return 0;
}
