/*
 * pcap_retime.c - turn short real recordings into long, timed captures.
 *
 * A test tool, not part of the sensor.  It reads pcap files with libpcap and
 * writes pcap (microsecond timestamps) in one of three modes:
 *
 *   flow   --count N and/or --until EPOCH: the whole template (every TCP/UDP
 *          packet of the input, i.e. one "check-in": the DNS exchange plus
 *          the connections that follow it) is emitted N times.  Check-in k
 *          starts at --start plus the sum of k intervals drawn from a sleep
 *          model; inside a copy the recorded timing is kept.  Every copy gets fresh client ports (one
 *          per 5-tuple, never reused in the run), fresh TCP initial sequence
 *          numbers, fresh DNS transaction ids, TCP timestamps moved with the
 *          clock, and recomputed TCP/UDP checksums (IPv4 and IPv6).  Packets
 *          that are neither TCP nor UDP (ARP, MLD, ICMP) are dropped.
 *   gap    --stretch-gaps MIN: every idle gap longer than MIN seconds between
 *          consecutive packets becomes a draw from the sleep model (--to S,
 *          --jitter J); all packets are kept, TCP timestamps follow the clock.
 *   merge  --merge: the inputs are merged in time order (same link type).
 *
 * --snap-payload N (flow and gap modes) caps the captured TCP payload at N
 * bytes, as a snap length would, except for the first --keep-head bytes the
 * client sends on each connection (the ClientHello, the HTTP request) and
 * the first --keep-server-head bytes of the server's answer (ServerHello):
 * it keeps committed demo captures small.  The original length stays in the
 * record header, checksums are computed over the whole payload first.
 *
 * Randomness is a seeded splitmix64 (the start time is mixed into the seed,
 * so runs merged together differ even with one --seed), and a run is
 * reproducible from its arguments.  Exit status: 0 success, 1 I/O or unusable input, 2 bad
 * arguments.  The tool owns nothing beyond its own run.
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

#include <pcap/pcap.h>

#include "pkt.h"

/* Structural caps of this tool. */
#define RETIME_MAX_FLOWS	256		/* 5-tuples in one template */
#define RETIME_MAX_TXIDS	256		/* DNS ids in one template */
#define RETIME_MAX_PKTS		200000		/* packets in one template */
#define RETIME_MAX_BYTES	(64 << 20)	/* bytes in one template */
#define RETIME_MAX_INPUTS	64		/* files in merge mode */
#define RETIME_TS_RING		8		/* TSvals kept per direction */
#define RETIME_SNAPLEN		262144		/* snap length of the output */
#define RETIME_PORT_LO		32768		/* Linux's client ports */
#define RETIME_PORT_HI		60999
#define RETIME_MAX_COUNT	10000000	/* check-ins in flow mode */
#define RETIME_KEEP_HEAD	2048		/* --keep-head default, bytes */
#define RETIME_KEEP_SRV_HEAD	512		/* --keep-server-head default */

#define EXIT_IO		1
#define EXIT_USAGE	2

enum retime_model {
	RETIME_MODEL_REDUCE,		/* Cobalt Strike: [S(1-J), S] */
	RETIME_MODEL_SYMMETRIC,		/* S(1 +- J) */
	RETIME_MODEL_ADDITIVE,		/* S + [0, J*S) */
	RETIME_MODEL_WHOLE,		/* symmetric, in whole seconds */
	RETIME_MODEL_POISSON		/* exponential, mean S: no period */
};

/* Where the layers of one packet are; offsets into the captured bytes. */
struct retime_flow {
	int		 family;
	int		 proto;
	uint8_t		 caddr[16];	/* client */
	uint8_t		 saddr[16];	/* server */
	uint16_t	 cport;
	uint16_t	 sport;
	int		 isn_known[2];	/* [0] client, [1] server */
	uint32_t	 isn[2];
	/* gap mode: recent (original, rewritten) TSvals per sender */
	uint32_t	 ts_orig[2][RETIME_TS_RING];
	uint32_t	 ts_new[2][RETIME_TS_RING];
	int		 ts_n[2];
};

struct retime_pkt {
	int64_t		 t;		/* microseconds since the epoch */
	uint32_t	 caplen;
	uint32_t	 len;
	u_char		*data;
	int		 flow;
	int		 c2s;
	struct pkt_view	 v;
};

struct retime_opts {
	const char	*out;
	uint64_t	 seed;
	long		 count;
	int		 have_start;
	int64_t		 start;		/* microseconds */
	int		 have_until;
	int64_t		 until;		/* microseconds */
	double		 sleep;		/* seconds */
	double		 jitter;	/* fraction */
	enum retime_model model;
	int		 have_gap;
	double		 gap_min;
	int		 merge;
	long		 snap_payload;	/* -1: off */
	long		 keep_head;
	long		 keep_server_head;
	int		 verbose;
};

static uint8_t	retime_port_used[65536 / 8];
static int	retime_port_count;

static void
usage(void)
{
	fprintf(stderr,
"usage: pcap_retime [-v] [--seed N] -o OUT --count N | --until EPOCH\n"
"                   --sleep S [--jitter J] [--start EPOCH]\n"
"                   [--model reduce|symmetric|additive|whole|poisson]\n"
"                   [--snap-payload N [--keep-head C] [--keep-server-head S]]\n"
"                   TEMPLATE.pcap\n"
"       pcap_retime [-v] [--seed N] -o OUT --stretch-gaps MIN --to S\n"
"                   [--jitter J] [--model M] [--start EPOCH]\n"
"                   [--snap-payload N [--keep-head C] [--keep-server-head S]]\n"
"                   IN.pcap\n"
"       pcap_retime -o OUT --merge IN.pcap...\n"
"\n"
"flow mode (--count): emit the template's check-in (all its TCP/UDP\n"
"  packets) N times from --start (epoch seconds; default: the template's\n"
"  own time), the intervals between check-in starts drawn from the model:\n"
"    reduce     uniform in [S(1-J), S]   (Cobalt Strike)\n"
"    symmetric  uniform in [S(1-J), S(1+J)]\n"
"    additive   S + uniform in [0, J*S)\n"
"    whole      symmetric, rounded to whole seconds\n"
"    poisson    exponential with mean S (random arrivals; J unused)\n"
"  (an interval never gets shorter than the template plus 1 ms).  With\n"
"  --until, no check-in starts after EPOCH (and --count is a maximum).\n"
"  Each copy gets fresh client ports, TCP sequence numbers and DNS ids,\n"
"  and valid checksums.\n"
"gap mode (--stretch-gaps MIN): every gap longer than MIN seconds between\n"
"  consecutive packets becomes S(1 +- J) (default model symmetric).\n"
"merge mode (--merge): merge the inputs in time order.\n"
"--snap-payload N: keep at most N bytes of each TCP payload, except the\n"
"  first C bytes of each client stream (--keep-head, default %d) and the\n"
"  first S bytes of each server stream (--keep-server-head, default %d).\n"
"--seed N: seed of the generator (default 1).  Output is pcap.\n",
	    RETIME_KEEP_HEAD, RETIME_KEEP_SRV_HEAD);
	exit(EXIT_USAGE);
}

/* ---- randomness -------------------------------------------------------- */

/* One interval of the model, in microseconds. */
static int64_t
model_draw_us(uint64_t *s, enum retime_model m, double sleep, double jitter)
{
	double x;

	switch (m) {
	case RETIME_MODEL_REDUCE:
		x = sleep * (1.0 - jitter) + rng_unit(s) * sleep * jitter;
		break;
	case RETIME_MODEL_ADDITIVE:
		x = sleep + rng_unit(s) * sleep * jitter;
		break;
	case RETIME_MODEL_WHOLE:
		x = sleep * (1.0 - jitter) + rng_unit(s) * 2.0 * sleep * jitter;
		x = floor(x + 0.5);
		if (x < 1.0)
			x = 1.0;
		break;
	case RETIME_MODEL_POISSON:
		x = -sleep * log(1.0 - rng_unit(s));
		break;
	case RETIME_MODEL_SYMMETRIC:
	default:
		x = sleep * (1.0 - jitter) + rng_unit(s) * 2.0 * sleep * jitter;
		break;
	}
	return (int64_t)llround(x * 1e6);
}

/* A client port not handed out before in this run. */
static uint16_t
port_draw(uint64_t *s)
{
	const uint32_t span = RETIME_PORT_HI - RETIME_PORT_LO + 1;
	uint16_t p;

	if (retime_port_count >= (int)span - 64) {
		memset(retime_port_used, 0, sizeof(retime_port_used));
		retime_port_count = 0;
	}
	do {
		p = (uint16_t)(RETIME_PORT_LO + rng_next(s) % span);
	} while ((retime_port_used[p >> 3] & (1u << (p & 7))) ||
	    port_avoided(p));
	retime_port_used[p >> 3] |= (uint8_t)(1u << (p & 7));
	retime_port_count++;
	return p;
}

/* ---- TCP rewriting ----------------------------------------------------- */

/* Offset of the TSval of the TCP timestamp option, or -1. */
static int
tcp_ts_off(const u_char *p, const struct pkt_view *v)
{
	int o = v->l4off + 20, end = v->ploff;

	while (o < end) {
		if (p[o] == 0)
			break;
		if (p[o] == 1) {
			o++;
			continue;
		}
		if (o + 1 >= end || p[o + 1] < 2 || o + p[o + 1] > end)
			break;
		if (p[o] == 8 && p[o + 1] == 10)
			return o + 2;
		o += p[o + 1];
	}
	return -1;
}

/*
 * Caplen after --snap-payload for one TCP packet: payload bytes at stream
 * offsets below the direction's head stay, and at least snap_payload bytes
 * of every segment.  keep is how many payload bytes the head still covers.
 */
static uint32_t
trim_caplen(const struct retime_opts *o, const struct pkt_view *v,
    uint32_t caplen, uint32_t keep)
{
	uint32_t lim, n;

	if (o->snap_payload < 0 || v->proto != 6)
		return caplen;
	n = (uint32_t)o->snap_payload;
	if (keep > n)
		n = keep;
	if (n >= (uint32_t)v->plen)
		return caplen;
	lim = (uint32_t)v->ploff + n;
	return caplen < lim ? caplen : lim;
}

/* ---- flows ------------------------------------------------------------- */

/*
 * Find or add the flow of a packet; *c2s tells whether it was sent by the
 * flow's client.  The client is the sender of the first packet, unless that
 * packet is a SYN+ACK or comes from a port below 1024 to one above.
 * Returns the index, or -1 when the table is full.
 */
static int
flow_find(struct retime_flow *fl, int *nfl, const u_char *p,
    const struct pkt_view *v, int *c2s)
{
	const u_char *src = pkt_src(p, v), *dst = pkt_dst(p, v);
	size_t alen = v->family == 4 ? 4 : 16;
	struct retime_flow *f;
	int i, flip;

	for (i = 0; i < *nfl; i++) {
		f = &fl[i];
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
	if (*nfl >= RETIME_MAX_FLOWS)
		return -1;
	f = &fl[(*nfl)++];
	memset(f, 0, sizeof(*f));
	f->family = v->family;
	f->proto = v->proto;
	flip = 0;
	if (v->proto == 6 && (p[v->l4off + 13] & 0x12) == 0x12)
		flip = 1;
	else if (v->sport < 1024 && v->dport >= 1024)
		flip = 1;
	memcpy(f->caddr, flip ? dst : src, alen);
	memcpy(f->saddr, flip ? src : dst, alen);
	f->cport = flip ? v->dport : v->sport;
	f->sport = flip ? v->sport : v->dport;
	*c2s = !flip;
	return *nfl - 1;
}

/* Remember the initial sequence number of a direction (SYN, or first seen). */
static void
flow_note_isn(struct retime_flow *f, const u_char *p, const struct pkt_view *v,
    int c2s)
{
	int d = c2s ? 0 : 1;
	uint32_t seq = get32(p + v->l4off + 4);

	if (v->proto != 6)
		return;
	if (p[v->l4off + 13] & 0x02) {
		f->isn[d] = seq;
		f->isn_known[d] = 2;
	} else if (!f->isn_known[d]) {
		f->isn[d] = seq - 1;
		f->isn_known[d] = 1;
	}
}

/*
 * How many payload bytes of a TCP segment lie in the head of its direction
 * (--keep-head for the client, --keep-server-head for the server); p holds
 * the original sequence numbers.
 */
static uint32_t
flow_in_head(const struct retime_opts *o, const struct retime_flow *f,
    const u_char *p, const struct pkt_view *v, int c2s)
{
	uint32_t rel, head;

	if (v->proto != 6 || v->plen == 0)
		return 0;
	head = (uint32_t)(c2s ? o->keep_head : o->keep_server_head);
	rel = get32(p + v->l4off + 4) - f->isn[c2s ? 0 : 1] - 1;
	return rel < head ? head - rel : 0;
}

/* ---- output ------------------------------------------------------------ */

struct retime_out {
	pcap_t		*dead;
	pcap_dumper_t	*d;
	const char	*path;
	long		 npkts;
	int64_t		 first;
	int64_t		 last;
};

static void
out_open(struct retime_out *w, int dlt, const char *path)
{
	memset(w, 0, sizeof(*w));
	w->path = path;
	w->dead = pcap_open_dead_with_tstamp_precision(dlt, RETIME_SNAPLEN,
	    PCAP_TSTAMP_PRECISION_MICRO);
	if (w->dead == NULL) {
		fprintf(stderr, "pcap_retime: pcap_open_dead failed\n");
		exit(EXIT_IO);
	}
	w->d = pcap_dump_open(w->dead, path);
	if (w->d == NULL) {
		fprintf(stderr, "pcap_retime: %s: %s\n", path,
		    pcap_geterr(w->dead));
		exit(EXIT_IO);
	}
}

static void
out_write(struct retime_out *w, int64_t t, uint32_t caplen, uint32_t len,
    const u_char *data)
{
	struct pcap_pkthdr h;

	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)(t / 1000000);
	h.ts.tv_usec = (suseconds_t)(t % 1000000);
	h.caplen = caplen;
	h.len = len;
	pcap_dump((u_char *)w->d, &h, data);
	if (w->npkts == 0)
		w->first = t;
	w->last = t;
	w->npkts++;
}

static void
out_close(struct retime_out *w)
{
	FILE *fp = pcap_dump_file(w->d);

	if (pcap_dump_flush(w->d) == -1 || ferror(fp)) {
		fprintf(stderr, "pcap_retime: %s: write error\n", w->path);
		exit(EXIT_IO);
	}
	pcap_dump_close(w->d);
	pcap_close(w->dead);
}

static pcap_t *
in_open(const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p;

	p = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_MICRO, err);
	if (p == NULL) {
		fprintf(stderr, "pcap_retime: %s\n", err);
		exit(EXIT_IO);
	}
	return p;
}

static int64_t
hdr_time(const struct pcap_pkthdr *h)
{
	return (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
}

/* ---- flow mode --------------------------------------------------------- */

struct retime_tmpl {
	int			 dlt;
	struct retime_pkt	*pkts;
	int			 npkts;
	struct retime_flow	 flows[RETIME_MAX_FLOWS];
	int			 nflows;
	uint16_t		 txids[RETIME_MAX_TXIDS];
	int			 ntxids;
	long			 dropped;
};

static void
tmpl_load(struct retime_tmpl *tp, const char *path)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	struct retime_pkt *rp;
	struct pkt_view v;
	size_t bytes = 0;
	pcap_t *in;
	uint16_t tx;
	int rc, i, c2s, fi;

	memset(tp, 0, sizeof(*tp));
	in = in_open(path);
	tp->dlt = pcap_datalink(in);
	tp->pkts = calloc(RETIME_MAX_PKTS, sizeof(*tp->pkts));
	if (tp->pkts == NULL) {
		fprintf(stderr, "pcap_retime: out of memory\n");
		exit(EXIT_IO);
	}
	while ((rc = pcap_next_ex(in, &h, &data)) == 1) {
		if (pkt_decode(tp->dlt, data, h->caplen, &v) != 0) {
			tp->dropped++;
			continue;
		}
		if (tp->npkts >= RETIME_MAX_PKTS ||
		    h->caplen > RETIME_SNAPLEN ||
		    bytes + h->caplen > RETIME_MAX_BYTES) {
			fprintf(stderr, "pcap_retime: %s: template too large\n",
			    path);
			exit(EXIT_IO);
		}
		fi = flow_find(tp->flows, &tp->nflows, data, &v, &c2s);
		if (fi < 0) {
			fprintf(stderr, "pcap_retime: %s: more than %d flows\n",
			    path, RETIME_MAX_FLOWS);
			exit(EXIT_IO);
		}
		flow_note_isn(&tp->flows[fi], data, &v, c2s);
		rp = &tp->pkts[tp->npkts++];
		rp->t = hdr_time(h);
		rp->caplen = h->caplen;
		rp->len = h->len;
		rp->flow = fi;
		rp->c2s = c2s;
		rp->v = v;
		rp->data = malloc(h->caplen);
		if (rp->data == NULL) {
			fprintf(stderr, "pcap_retime: out of memory\n");
			exit(EXIT_IO);
		}
		memcpy(rp->data, data, h->caplen);
		bytes += h->caplen;
		if (is_dns(&v) && h->caplen >= (uint32_t)v.ploff + 2) {
			tx = get16(data + v.ploff);
			for (i = 0; i < tp->ntxids && tp->txids[i] != tx; i++)
				;
			if (i == tp->ntxids) {
				if (tp->ntxids >= RETIME_MAX_TXIDS) {
					fprintf(stderr, "pcap_retime: %s: too "
					    "many DNS ids\n", path);
					exit(EXIT_IO);
				}
				tp->txids[tp->ntxids++] = tx;
			}
		}
	}
	if (rc == -1) {
		fprintf(stderr, "pcap_retime: %s: %s\n", path, pcap_geterr(in));
		exit(EXIT_IO);
	}
	pcap_close(in);
	if (tp->npkts == 0) {
		fprintf(stderr, "pcap_retime: %s: no TCP or UDP packet\n",
		    path);
		exit(EXIT_IO);
	}
}

static void
tmpl_free(struct retime_tmpl *tp)
{
	int i;

	for (i = 0; i < tp->npkts; i++)
		free(tp->pkts[i].data);
	free(tp->pkts);
}

static void
run_flow(const struct retime_opts *o, const char *path)
{
	static struct retime_tmpl tp;
	uint16_t port[RETIME_MAX_FLOWS], ntx[RETIME_MAX_TXIDS];
	uint32_t dc[RETIME_MAX_FLOWS], ds[RETIME_MAX_FLOWS];
	u_char buf[RETIME_SNAPLEN];
	struct retime_out w;
	struct retime_pkt *rp;
	const struct retime_flow *f;
	uint64_t rng;
	int64_t t0, dur, cstart, iv, minv, tsd;
	uint32_t cap, dtsms;
	uint16_t tx;
	long k;
	int i, j;

	tmpl_load(&tp, path);
	t0 = tp.pkts[0].t;
	dur = 0;
	for (i = 0; i < tp.npkts; i++)
		if (tp.pkts[i].t - t0 > dur)
			dur = tp.pkts[i].t - t0;
	minv = dur + 1000;
	cstart = o->have_start ? o->start : t0;
	/* the start time goes into the stream, so runs merged together with
	 * one seed still get different ports and ids */
	rng = o->seed ^ ((uint64_t)cstart * 0x9e3779b97f4a7c15ULL);
	out_open(&w, tp.dlt, o->out);
	for (k = 0; k < o->count; k++) {
		if (k > 0) {
			iv = model_draw_us(&rng, o->model, o->sleep, o->jitter);
			if (iv < minv)
				iv = minv;
			if (o->have_until && cstart + iv > o->until)
				break;
			cstart += iv;
			if (o->verbose)
				fprintf(stderr, "check-in %ld at %.6f "
				    "(+%.3f s)\n", k, (double)cstart / 1e6,
				    (double)iv / 1e6);
		} else if (o->verbose)
			fprintf(stderr, "check-in 0 at %.6f\n",
			    (double)cstart / 1e6);
		for (j = 0; j < tp.nflows; j++) {
			port[j] = port_draw(&rng);
			dc[j] = (uint32_t)rng_next(&rng);
			ds[j] = (uint32_t)rng_next(&rng);
		}
		for (j = 0; j < tp.ntxids; j++)
			ntx[j] = (uint16_t)rng_next(&rng);
		tsd = (cstart - t0) / 1000;
		dtsms = (uint32_t)(uint64_t)tsd;
		for (i = 0; i < tp.npkts; i++) {
			rp = &tp.pkts[i];
			f = &tp.flows[rp->flow];
			memcpy(buf, rp->data, rp->caplen);
			put16(buf + rp->v.l4off + (rp->c2s ? 0 : 2),
			    port[rp->flow]);
			if (rp->v.proto == 6) {
				tcp_shift(buf, &rp->v,
				    rp->c2s ? dc[rp->flow] : ds[rp->flow],
				    rp->c2s ? ds[rp->flow] : dc[rp->flow],
				    dtsms, dtsms);
			} else if (is_dns(&rp->v) &&
			    rp->caplen >= (uint32_t)rp->v.ploff + 2) {
				tx = get16(buf + rp->v.ploff);
				for (j = 0; j < tp.ntxids &&
				    tp.txids[j] != tx; j++)
					;
				if (j < tp.ntxids)
					put16(buf + rp->v.ploff, ntx[j]);
			}
			pkt_fix_l4sum(buf, &rp->v);
			cap = trim_caplen(o, &rp->v, rp->caplen,
			    flow_in_head(o, f, rp->data, &rp->v, rp->c2s));
			out_write(&w, cstart + (rp->t - t0), cap, rp->len, buf);
		}
	}
	out_close(&w);
	fprintf(stderr, "pcap_retime: %s: %ld check-ins of %d packets "
	    "(%d flows, %ld non-TCP/UDP dropped) -> %ld packets, "
	    "%.6f .. %.6f\n", path, k, tp.npkts, tp.nflows, tp.dropped,
	    w.npkts, (double)w.first / 1e6, (double)w.last / 1e6);
	tmpl_free(&tp);
}

/* ---- gap mode ---------------------------------------------------------- */

/* Rewritten TSecr: the peer's mapping when its TSval is remembered. */
static uint32_t
gap_tsecr(const struct retime_flow *f, int peer, uint32_t ecr, uint32_t dflt)
{
	int i, n = f->ts_n[peer] < RETIME_TS_RING ? f->ts_n[peer] :
	    RETIME_TS_RING;

	for (i = 0; i < n; i++)
		if (f->ts_orig[peer][i] == ecr)
			return f->ts_new[peer][i] - ecr;
	return dflt;
}

static void
gap_note_tsval(struct retime_flow *f, int self, uint32_t orig, uint32_t nw)
{
	int slot = f->ts_n[self] % RETIME_TS_RING;

	f->ts_orig[self][slot] = orig;
	f->ts_new[self][slot] = nw;
	f->ts_n[self]++;
}

static void
run_gap(const struct retime_opts *o, const char *path)
{
	static struct retime_flow flows[RETIME_MAX_FLOWS];
	u_char buf[RETIME_SNAPLEN];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct retime_out w;
	struct retime_flow *f;
	struct pkt_view v;
	uint64_t rng = o->seed ^ ((uint64_t)o->start * 0x9e3779b97f4a7c15ULL);
	int64_t tin, prev = 0, tout = 0, gap, minus;
	uint32_t cap, dts, tsv, ecr, decr;
	long stretched = 0;
	pcap_t *in;
	uint32_t keep;
	int rc, nflows = 0, fi, c2s, tso, first = 1;

	in = in_open(path);
	out_open(&w, pcap_datalink(in), o->out);
	minus = (int64_t)llround(o->gap_min * 1e6);
	while ((rc = pcap_next_ex(in, &h, &data)) == 1) {
		tin = hdr_time(h);
		if (first) {
			tout = o->have_start ? o->start : tin;
			first = 0;
		} else {
			gap = tin - prev;
			if (gap > minus) {
				gap = model_draw_us(&rng, o->model, o->sleep,
				    o->jitter);
				stretched++;
			}
			tout += gap;
		}
		prev = tin;
		cap = h->caplen > RETIME_SNAPLEN ? RETIME_SNAPLEN : h->caplen;
		memcpy(buf, data, cap);
		if (pkt_decode(pcap_datalink(in), buf, cap, &v) == 0 &&
		    v.proto == 6) {
			fi = flow_find(flows, &nflows, buf, &v, &c2s);
			f = fi >= 0 ? &flows[fi] : NULL;
			keep = 0xffffffff;
			if (f != NULL) {
				flow_note_isn(f, buf, &v, c2s);
				keep = flow_in_head(o, f, buf, &v, c2s);
			}
			tso = tcp_ts_off(buf, &v);
			if (tso >= 0) {
				dts = (uint32_t)(uint64_t)((tout - tin) / 1000);
				tsv = get32(buf + tso);
				ecr = get32(buf + tso + 4);
				decr = dts;
				if (f != NULL) {
					decr = gap_tsecr(f, c2s ? 1 : 0, ecr,
					    dts);
					gap_note_tsval(f, c2s ? 0 : 1, tsv,
					    tsv + dts);
				}
				tcp_shift(buf, &v, 0, 0, dts, decr);
				pkt_fix_l4sum(buf, &v);
			}
			cap = trim_caplen(o, &v, cap, keep);
		}
		out_write(&w, tout, cap, h->len, buf);
	}
	if (rc == -1) {
		fprintf(stderr, "pcap_retime: %s: %s\n", path, pcap_geterr(in));
		exit(EXIT_IO);
	}
	pcap_close(in);
	out_close(&w);
	fprintf(stderr, "pcap_retime: %s: %ld packets, %ld gaps stretched, "
	    "%.6f .. %.6f\n", path, w.npkts, stretched, (double)w.first / 1e6,
	    (double)w.last / 1e6);
}

/* ---- merge mode -------------------------------------------------------- */

static void
run_merge(const struct retime_opts *o, int n, char **paths)
{
	pcap_t *in[RETIME_MAX_INPUTS];
	struct pcap_pkthdr *h[RETIME_MAX_INPUTS];
	const u_char *d[RETIME_MAX_INPUTS];
	int live[RETIME_MAX_INPUTS];
	struct retime_out w;
	int i, best, rc, dlt = -1;

	if (n > RETIME_MAX_INPUTS) {
		fprintf(stderr, "pcap_retime: at most %d inputs\n",
		    RETIME_MAX_INPUTS);
		exit(EXIT_USAGE);
	}
	for (i = 0; i < n; i++) {
		in[i] = in_open(paths[i]);
		if (dlt == -1)
			dlt = pcap_datalink(in[i]);
		else if (pcap_datalink(in[i]) != dlt) {
			fprintf(stderr, "pcap_retime: %s: link type differs\n",
			    paths[i]);
			exit(EXIT_IO);
		}
	}
	out_open(&w, dlt, o->out);
	for (i = 0; i < n; i++) {
		rc = pcap_next_ex(in[i], &h[i], &d[i]);
		if (rc == -1) {
			fprintf(stderr, "pcap_retime: %s: %s\n", paths[i],
			    pcap_geterr(in[i]));
			exit(EXIT_IO);
		}
		live[i] = rc == 1;
	}
	for (;;) {
		best = -1;
		for (i = 0; i < n; i++)
			if (live[i] && (best < 0 ||
			    hdr_time(h[i]) < hdr_time(h[best])))
				best = i;
		if (best < 0)
			break;
		out_write(&w, hdr_time(h[best]), h[best]->caplen, h[best]->len,
		    d[best]);
		rc = pcap_next_ex(in[best], &h[best], &d[best]);
		if (rc == -1) {
			fprintf(stderr, "pcap_retime: %s: %s\n", paths[best],
			    pcap_geterr(in[best]));
			exit(EXIT_IO);
		}
		live[best] = rc == 1;
	}
	for (i = 0; i < n; i++)
		pcap_close(in[i]);
	out_close(&w);
	fprintf(stderr, "pcap_retime: merged %d files -> %ld packets, "
	    "%.6f .. %.6f\n", n, w.npkts, (double)w.first / 1e6,
	    (double)w.last / 1e6);
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
		fprintf(stderr, "pcap_retime: bad %s: %s\n", what, s);
		usage();
	}
	return x;
}

static uint64_t
arg_u64(const char *s, const char *what)
{
	unsigned long long x;
	char *end;

	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || *s == '-') {
		fprintf(stderr, "pcap_retime: bad %s: %s\n", what, s);
		usage();
	}
	return (uint64_t)x;
}

static long
arg_long(const char *s, const char *what, long lo, long hi)
{
	char *end;
	long x;

	errno = 0;
	x = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || x < lo || x > hi) {
		fprintf(stderr, "pcap_retime: bad %s: %s\n", what, s);
		usage();
	}
	return x;
}

int
main(int argc, char **argv)
{
	enum {
		OPT_SEED = 256, OPT_COUNT, OPT_START, OPT_SLEEP, OPT_JITTER,
		OPT_MODEL, OPT_GAPS, OPT_TO, OPT_MERGE, OPT_SNAP, OPT_HEAD,
		OPT_UNTIL, OPT_SHEAD
	};
	static const struct option lopts[] = {
		{ "seed",		required_argument, NULL, OPT_SEED },
		{ "count",		required_argument, NULL, OPT_COUNT },
		{ "start",		required_argument, NULL, OPT_START },
		{ "until",		required_argument, NULL, OPT_UNTIL },
		{ "sleep",		required_argument, NULL, OPT_SLEEP },
		{ "jitter",		required_argument, NULL, OPT_JITTER },
		{ "model",		required_argument, NULL, OPT_MODEL },
		{ "stretch-gaps",	required_argument, NULL, OPT_GAPS },
		{ "to",			required_argument, NULL, OPT_TO },
		{ "merge",		no_argument,	   NULL, OPT_MERGE },
		{ "snap-payload",	required_argument, NULL, OPT_SNAP },
		{ "keep-head",		required_argument, NULL, OPT_HEAD },
		{ "keep-server-head",	required_argument, NULL, OPT_SHEAD },
		{ "output",		required_argument, NULL, 'o' },
		{ "verbose",		no_argument,	   NULL, 'v' },
		{ "help",		no_argument,	   NULL, 'h' },
		{ NULL,			0,		   NULL, 0 }
	};
	struct retime_opts o;
	int ch, have_model = 0, have_sleep = 0, modes;
	double st;

	memset(&o, 0, sizeof(o));
	o.seed = 1;
	o.snap_payload = -1;
	o.keep_head = RETIME_KEEP_HEAD;
	o.keep_server_head = RETIME_KEEP_SRV_HEAD;
	o.model = RETIME_MODEL_SYMMETRIC;
	while ((ch = getopt_long(argc, argv, "ho:v", lopts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			o.out = optarg;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case OPT_SEED:
			o.seed = arg_u64(optarg, "seed");
			break;
		case OPT_COUNT:
			o.count = arg_long(optarg, "count", 1,
			    RETIME_MAX_COUNT);
			break;
		case OPT_START:
			st = arg_double(optarg, "start", 0, 4e9);
			o.start = (int64_t)llround(st * 1e6);
			o.have_start = 1;
			break;
		case OPT_UNTIL:
			st = arg_double(optarg, "until", 0, 4e9);
			o.until = (int64_t)llround(st * 1e6);
			o.have_until = 1;
			break;
		case OPT_SLEEP:
		case OPT_TO:
			o.sleep = arg_double(optarg, "sleep", 1e-6, 1e7);
			have_sleep = 1;
			break;
		case OPT_JITTER:
			o.jitter = arg_double(optarg, "jitter", 0, 1);
			break;
		case OPT_MODEL:
			have_model = 1;
			if (strcmp(optarg, "reduce") == 0)
				o.model = RETIME_MODEL_REDUCE;
			else if (strcmp(optarg, "symmetric") == 0)
				o.model = RETIME_MODEL_SYMMETRIC;
			else if (strcmp(optarg, "additive") == 0)
				o.model = RETIME_MODEL_ADDITIVE;
			else if (strcmp(optarg, "whole") == 0)
				o.model = RETIME_MODEL_WHOLE;
			else if (strcmp(optarg, "poisson") == 0)
				o.model = RETIME_MODEL_POISSON;
			else {
				fprintf(stderr, "pcap_retime: bad model: %s\n",
				    optarg);
				usage();
			}
			break;
		case OPT_GAPS:
			o.gap_min = arg_double(optarg, "gap", 0, 1e7);
			o.have_gap = 1;
			break;
		case OPT_MERGE:
			o.merge = 1;
			break;
		case OPT_SNAP:
			o.snap_payload = arg_long(optarg, "snap-payload", 0,
			    65535);
			break;
		case OPT_HEAD:
			o.keep_head = arg_long(optarg, "keep-head", 0,
			    1 << 30);
			break;
		case OPT_SHEAD:
			o.keep_server_head = arg_long(optarg,
			    "keep-server-head", 0, 1 << 30);
			break;
		case 'h':
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (o.have_until && o.count == 0)
		o.count = RETIME_MAX_COUNT;
	modes = (o.count > 0) + o.have_gap + o.merge;
	if (o.out == NULL || modes != 1 || argc < 1) {
		if (modes > 1)
			fprintf(stderr, "pcap_retime: --count, --stretch-gaps "
			    "and --merge exclude each other\n");
		usage();
	}
	if (o.have_until && (o.have_gap || o.merge))
		usage();
	if (o.merge) {
		if (have_sleep || have_model || o.have_start ||
		    o.snap_payload >= 0)
			usage();
		run_merge(&o, argc, argv);
		return 0;
	}
	if (argc != 1 || !have_sleep)
		usage();
	if (o.count > 0)
		run_flow(&o, argv[0]);
	else
		run_gap(&o, argv[0]);
	return 0;
}
