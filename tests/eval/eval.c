/*
 * eval.c - the labelled evaluation of faaswatch's detection (`make eval`):
 * its periodicity rule with fleet context against the reference hunting
 * rule, side by side, on generated check-in streams with known labels.
 *
 * Everything is generated here from a seeded PRNG (xoshiro256**, each pair
 * seeded from its cell and index, so a cell's numbers do not depend on
 * which other cells run): no data files.  Every stream goes through the
 * code the sensor runs (sensor.c's pair stage): the real pair table
 * (pair_table_add), check-in records to beacon_periodic_eval() with the
 * domain's fleet table, connection records to beacon_ref_eval().
 * Beacons: four jitter models x seven sleeps (10 s to 8 h) x four jitters
 * (0-50 %) x six variants (base, missed check-ins, working-hours gating,
 * keep-alive, fresh, tasking), PAIRS pairs each: recall, time to detect
 * and the check-ins each cell offers.  Benign: Poisson with a daily cycle
 * at four rates, bursty human sessions and a heavy web-app user (false
 * alerts per 1,000 pairs per day: distinct (pair, day) with an alert);
 * fleet timers on FLEET_HOSTS hosts sharing one name (with one real beacon
 * hidden among them) and single polling scripts, which are periodic and
 * reported apart.
 *
 * Exit status: 0 when every target is met, 1 when one is missed, 2 on a
 * usage or set-up error.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <netinet/in.h>

#include "alert.h"
#include "beacon.h"
#include "beacon_score.h"
#include "catalogue.h"
#include "conn.h"
#include "fleet.h"
#include "hash.h"
#include "intern.h"
#include "pair.h"

#define SEC		1000000ULL
#define MIN		(60 * SEC)
#define HOUR		(3600 * SEC)
#define DAY		(24 * HOUR)
/* Monday 2026-11-30 00:00 UTC: working hours are taken in UTC */
#define EPOCH		(1795996800ULL * SEC)

#define PAIRS		100	/* per beacon cell */
#define BENIGN_PAIRS	400	/* per benign class (Poisson: per rate) */
#define BENIGN_DAYS	7
#define FLEET_HOSTS	300
#define POLLERS		100
#define MAX_DAYS	64

/* Targets: the acceptance bar. */
#define TARGET_RECALL	0.95
#define TARGET_MIN_CK	8	/* cells offering fewer are exempt */
#define TARGET_FP	1.0	/* per 1,000 benign pairs per day */

#define DOMAIN		"c2-relay.workers.dev"

/* ---- PRNG ------------------------------------------------------------- */

struct rng {
	uint64_t	s[4];
};

static uint64_t
splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void
rng_seed(struct rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix(&seed);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

/* Uniform in [0, 1). */
static double
rng_u01(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static double
rng_exp(struct rng *r, double mean)
{
	return -mean * log1p(-rng_u01(r));
}

static double
rng_norm(struct rng *r)
{
	double u = rng_u01(r), v = rng_u01(r);

	return sqrt(-2 * log1p(-u)) * cos(2 * M_PI * v);
}

static double
rng_lognorm(struct rng *r, double median, double sigma)
{
	return median * exp(sigma * rng_norm(r));
}

/* Seed of pair i of a cell named by up to four numbers. */
static uint64_t
cell_seed(uint64_t base, unsigned a, unsigned b, unsigned c, unsigned d,
    unsigned i)
{
	uint64_t x = base;

	x ^= splitmix(&x) + a;
	x ^= splitmix(&x) + b;
	x ^= splitmix(&x) + c;
	x ^= splitmix(&x) + d;
	x ^= splitmix(&x) + i;
	return splitmix(&x);
}

/* ---- time ------------------------------------------------------------- */

/* 0 = Monday */
static unsigned
dow(uint64_t t)
{
	return (unsigned)(((t / DAY) + 3) % 7);
}

static double
hour_of_day(uint64_t t)
{
	return (double)(t % DAY) / HOUR;
}

static int
working(uint64_t t)
{
	double h = hour_of_day(t);

	return dow(t) < 5 && h >= 9 && h < 17;
}

/* The next 09:00 on a weekday at or after t. */
static uint64_t
next_working(uint64_t t)
{
	uint64_t d = t - t % DAY + 9 * HOUR;

	if (d < t)
		d += DAY;
	while (dow(d) >= 5)
		d += DAY;
	return d;
}

/* ---- the two detectors -------------------------------------------------- */

/*
 * Both detectors run as the sensor runs them (sensor.c): every record goes
 * through the real pair table, check-ins to beacon_periodic_eval() with the
 * domain's fleet context, connection records to beacon_ref_eval().  A world
 * is one pair table and one fleet table: each beacon and benign pair has its
 * own, the fleet timers share one (all hosts, one domain, time order).
 */
static struct intern		*g_strings;
static uint32_t			 g_name;
static struct hash_key		 g_key = { 0x0123456789abcdefULL,
    0xfedcba9876543210ULL };
static struct beacon_conf	 g_bconf;
static struct score_conf	*g_conf = &g_bconf.score;
static int			 g_debug;	/* -vv: print benign alerts */
static const struct catalogue_entry g_workers = {
	.provider = "Cloudflare",
	.platform = "Workers",
	.class_name = "edge",
	.pattern = "*.workers.dev",
	.source = "eval",
	.cls = CATALOGUE_SERVERLESS,
	.tenant_unique = 1,
};

struct world {
	struct pair_table	*pairs;
	struct fleet		*fleet;
};

static void
world_init(struct world *w, size_t npairs)
{
	w->pairs = pair_table_create(npairs, npairs, g_strings, &g_key,
	    g_conf);
	w->fleet = fleet_create(4, g_strings, &g_key);
	if (w->pairs == NULL || w->fleet == NULL) {
		fprintf(stderr, "eval: out of memory\n");
		exit(2);
	}
}

static void
world_done(struct world *w)
{
	pair_table_destroy(w->pairs);
	fleet_destroy(w->fleet);
	w->pairs = NULL;
	w->fleet = NULL;
}

struct judge {
	struct world		*w;
	struct world		 own;		/* unless shared */
	unsigned		 host;		/* source 10.1.x.y */
	struct pair		*p;		/* its pair, once seen */
	uint64_t		 start_us;	/* the stream's first event */
	int			 beacon;	/* stop evaluating once found */
	int			 fw_on, ref_on;
	/* faaswatch */
	uint64_t		 fw_first_us;
	uint32_t		 fw_ck;		/* check-ins at the alert */
	uint64_t		 fw_days;	/* bit per day with an alert */
	uint32_t		 checkins;
	unsigned		 fw_alerts;	/* alerts and updates */
	unsigned		 fw_low;	/* of them at low severity */
	unsigned		 fw_fleet;	/* of them marked fleet */
	struct score_result	 last;		/* latest evaluation */
	/* the reference rule */
	uint64_t		 ref_first_us;
	uint64_t		 ref_days;
	uint32_t		 conns;
};

static void
judge_init(struct judge *j, uint64_t start_us, int beacon,
    struct world *shared, unsigned host)
{
	memset(j, 0, sizeof(*j));
	if (shared != NULL)
		j->w = shared;
	else {
		world_init(&j->own, 4);
		j->w = &j->own;
	}
	j->host = host;
	j->start_us = start_us;
	j->beacon = beacon;
	j->fw_on = j->ref_on = 1;
}

static void
judge_done(struct judge *j)
{
	if (j->w == &j->own)
		world_done(&j->own);
	j->w = NULL;
	j->p = NULL;
}

static unsigned
day_of(const struct judge *j, uint64_t t)
{
	unsigned d = (unsigned)((t - j->start_us) / DAY);

	return d < MAX_DAYS ? d : MAX_DAYS - 1;
}

/* A record of this judge's pair as dissect.c would make it. */
static void
judge_record(const struct judge *j, struct conn *c, enum conn_kind kind,
    uint64_t start, uint64_t end, uint64_t up, uint64_t down)
{
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->start_us = start;
	c->end_us = end;
	c->family = 4;
	c->proto = IPPROTO_TCP;
	c->src[0] = 10;
	c->src[1] = 1;
	c->src[2] = (uint8_t)(j->host >> 8);
	c->src[3] = (uint8_t)j->host;
	c->dst[0] = 104;
	c->dst[3] = 1;
	c->sport = 50000;
	c->dport = 443;
	c->bytes_up = up;
	c->bytes_down = down;
	c->established = 1;
	c->name_id = g_name;
	c->name = DOMAIN;
	c->sni = DOMAIN;
	c->serverless = &g_workers;
}

static void
judge_ctx(const struct judge *j, struct beacon_ctx *ctx, uint64_t now)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->pairs = j->w->pairs;
	ctx->fleet = j->w->fleet;
	ctx->domain = DOMAIN;
	ctx->sni = DOMAIN;
	ctx->now_us = now;
}

static const struct beacon_hist *
judge_hist(const struct judge *j)
{
	const struct pair_heavy *h;

	if (j->p == NULL || (h = pair_heavy(j->w->pairs, j->p)) == NULL)
		return NULL;
	return &h->hist;
}

static void
judge_print_intervals(const struct judge *j)
{
	const struct beacon_hist *h = judge_hist(j);
	unsigned i;

	printf("   intervals (s):");
	for (i = 1; h != NULL && i < h->count; i++)
		printf(" %.1f", (h->t_ms[(h->head + i) % BEACON_HIST_N] -
		    h->t_ms[(h->head + i - 1) % BEACON_HIST_N]) / 1000.0);
	printf("\n");
}

/* One check-in as faaswatch's check-in stage sees it. */
static void
judge_fw(struct judge *j, uint64_t t, uint64_t up, uint64_t down)
{
	struct beacon_ctx ctx;
	struct alert a;
	struct conn c;
	int fresh;

	if (!j->fw_on)
		return;
	judge_record(j, &c, CONN_CHECKIN, t, t, up, down);
	fleet_seen(j->w->fleet, g_name, t);
	if ((j->p = pair_table_add(j->w->pairs, &c, 0, t, &fresh)) == NULL ||
	    !fresh)
		return;
	j->checkins++;
	if (j->beacon && j->fw_first_us != 0)
		return;
	judge_ctx(j, &ctx, t);
	if (beacon_periodic_eval(&g_bconf, &ctx, j->p, &a) != 1) {
		j->last = a.score;
		return;
	}
	j->last = a.score;
	j->fw_alerts++;
	j->fw_low += a.severity == ALERT_SEV_LOW;
	j->fw_fleet += a.fleet;
	if (j->fw_first_us == 0) {
		j->fw_first_us = t;
		j->fw_ck = j->checkins;
		if (g_debug && !j->beacon) {
			char buf[512];

			beacon_score_describe(&j->last, buf, sizeof(buf));
			printf("  benign alert: %s; regular for %.1f min, "
			    "%u off gaps\n", buf, j->last.regular_us / 60e6,
			    j->last.off_gaps);
			judge_print_intervals(j);
		}
	}
	j->fw_days |= 1ULL << day_of(j, t);
}

/* One connection record as the reference rule sees it. */
static void
judge_ref(struct judge *j, uint64_t start, uint64_t end, uint64_t up,
    uint64_t down)
{
	struct beacon_ctx ctx;
	struct alert a;
	struct conn c;

	j->conns++;
	if (!j->ref_on || (j->beacon && j->ref_first_us != 0))
		return;
	judge_record(j, &c, CONN_FLOW, start, end, up, down);
	fleet_seen(j->w->fleet, g_name, start);
	if ((j->p = pair_table_add(j->w->pairs, &c, 0, end, NULL)) == NULL)
		return;
	judge_ctx(j, &ctx, end);
	if (beacon_ref_eval(&g_bconf, &ctx, j->p, &a) != 1)
		return;
	if (j->ref_first_us == 0)
		j->ref_first_us = end;
	j->ref_days |= 1ULL << day_of(j, end);
}

/* Both, for an ordinary connection of dur_us. */
static void
judge_conn(struct judge *j, uint64_t t, uint64_t dur_us, uint64_t up,
    uint64_t down)
{
	judge_fw(j, t, up, down);
	judge_ref(j, t, t + dur_us, up, down);
}

static int
judge_finished(const struct judge *j)
{
	return j->beacon && (j->fw_first_us != 0 || !j->fw_on) &&
	    (j->ref_first_us != 0 || !j->ref_on);
}

static unsigned
popcount64(uint64_t x)
{
	unsigned n = 0;

	for (; x != 0; x &= x - 1)
		n++;
	return n;
}

/* ---- beacons ------------------------------------------------------------ */

enum model { M_CS, M_SLIVER, M_SYM, M_MYTHIC, M_N };
static const char *const model_name[M_N] = { "cs", "sliver", "sym",
    "mythic" };
static const char *const model_desc[M_N] = {
	"Cobalt Strike reduce-only: wait uniform in [S(1-j), S]",
	"Sliver additive: S + uniform[0, jS) (J = jS seconds)",
	"symmetric: S(1 +- j)",
	"Mythic: S(1 +- j) rounded to whole seconds",
};

static const uint64_t sleeps[] = { 10 * SEC, 60 * SEC, 5 * MIN, 15 * MIN,
    HOUR, 4 * HOUR, 8 * HOUR };
static const char *const sleep_name[] = { "10s", "60s", "5m", "15m", "1h",
    "4h", "8h" };
#define NSLEEP	(sizeof(sleeps) / sizeof(*sleeps))
static const double jitters[] = { 0, 0.10, 0.25, 0.50 };
#define NJIT	(sizeof(jitters) / sizeof(*jitters))

enum variant { V_BASE, V_MISSED, V_GATED, V_KEEPALIVE, V_FRESH, V_TASKING,
    V_N };
static const char *const variant_name[V_N] = { "base", "missed",
    "gated", "keepalive", "fresh", "tasking" };

static double
model_wait(struct rng *r, enum model m, double s, double j)
{
	double w;

	switch (m) {
	case M_CS:
		return s * (1 - j * rng_u01(r));
	case M_SLIVER:
		return s + j * s * rng_u01(r);
	case M_SYM:
		return s * (1 + j * (2 * rng_u01(r) - 1));
	case M_MYTHIC:
	default:
		w = floor(s * (1 + j * (2 * rng_u01(r) - 1)) + 0.5);
		return w < 1 ? 1 : w;
	}
}

/* The window a cell is observed for. */
static uint64_t
cell_window(uint64_t s, enum variant v)
{
	uint64_t w;

	switch (v) {
	case V_FRESH:
		return 30 * s < HOUR ? HOUR : 30 * s;
	case V_GATED:
		w = 168 * s;
		if (w < 7 * DAY)
			w = 7 * DAY;
		if (w > 28 * DAY)
			w = 28 * DAY;
		return w;
	default:
		w = 36 * s;
		return w < DAY ? DAY : w;
	}
}

struct cell_result {
	unsigned	pairs, fw_hits, ref_hits;
	double		ck_median;	/* check-ins the window offers */
	double		fw_ttd_ck, fw_ttd_h, ref_ttd_h;
	unsigned	why[8];		/* misses by reason */
};

static int
cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median_of(double *v, unsigned n)
{
	if (n == 0)
		return -1;
	qsort(v, n, sizeof(*v), cmp_dbl);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A keep-alive session as the reference rule sees it: one record. */
struct session {
	uint64_t	start, last, up, down;
	int		open;
};

static void
session_flush(struct judge *j, struct session *s)
{
	if (s->open)
		judge_ref(j, s->start, s->last + SEC, s->up, s->down);
	s->open = 0;
}

static void
run_beacon_pair(struct cell_result *cr, uint64_t seed, enum model m,
    uint64_t s_us, double jit, enum variant v, double *ck, double *fwck,
    double *fwh, double *refh)
{
	struct rng r, rb;	/* timing; bytes and tasking */
	struct judge j;
	struct session ses;
	uint64_t start, end, t, obs, up, down;
	double s = (double)s_us / SEC;
	unsigned n = 0;

	rng_seed(&r, seed);
	rng_seed(&rb, ~seed);
	/* a random start within the first week, so gating sees every day */
	start = EPOCH + (uint64_t)(rng_u01(&r) * 7 * DAY);
	end = start + cell_window(s_us, v);
	judge_init(&j, start, 1, NULL, 1);
	memset(&ses, 0, sizeof(ses));
	t = start + (uint64_t)(rng_u01(&r) * s_us);
	while (t < end) {
		if (v == V_GATED && !working(t)) {
			t = next_working(t) + (uint64_t)(rng_u01(&r) * 60 * SEC);
			if (t >= end)
				break;
		}
		obs = t + (uint64_t)(rng_u01(&r) * 0.3 * SEC);	/* network */
		if (v == V_MISSED && rng_u01(&r) < 0.10)
			goto next;	/* missed: nothing on the wire */
		n++;
		if (judge_finished(&j))
			goto next;
		if (v == V_KEEPALIVE) {
			/* small exchanges inside one long TLS session */
			up = 300 + (uint64_t)(rng_u01(&rb) * 200);
			down = 400 + (uint64_t)(rng_u01(&rb) * 500);
			judge_fw(&j, obs, up, down);
			if (ses.open && (obs - ses.last > 90 * SEC ||
			    obs - ses.start > HOUR))
				session_flush(&j, &ses);
			if (!ses.open) {
				ses.open = 1;
				ses.start = obs;
				ses.up = ses.down = 0;
			}
			ses.last = obs;
			ses.up += up;
			ses.down += down;
			goto next;
		}
		up = 1100 + (uint64_t)(rng_u01(&rb) * 300);
		down = 3000 + (uint64_t)(rng_u01(&rb) * 800);
		if (v == V_TASKING && rng_u01(&rb) < 0.05) {
			/* tasking down, then the results posted */
			judge_conn(&j, obs, 2 * SEC, up, down * 100);
			judge_conn(&j, obs + (uint64_t)((0.5 +
			    2.5 * rng_u01(&rb)) * SEC), SEC, up * 100, down);
		} else
			judge_conn(&j, obs, (uint64_t)(0.2 * SEC), up, down);
next:
		t += (uint64_t)(model_wait(&r, m, s, jit) * SEC);
	}
	session_flush(&j, &ses);
	ck[cr->pairs] = n;
	if (j.fw_first_us != 0) {
		fwck[cr->fw_hits] = j.fw_ck;
		fwh[cr->fw_hits] = (double)(j.fw_first_us - start) / HOUR;
		cr->fw_hits++;
	} else {
		cr->why[j.last.why & 7]++;
		if (g_debug) {
			char buf[512];

			beacon_score_describe(&j.last, buf, sizeof(buf));
			printf("  %s missed: %s (%s)\n", variant_name[v],
			    buf, beacon_why_str(j.last.why));
			judge_print_intervals(&j);
		}
	}
	if (j.ref_first_us != 0)
		refh[cr->ref_hits++] = (double)(j.ref_first_us - start) / HOUR;
	cr->pairs++;
	judge_done(&j);
}

static void
run_beacon_cell(uint64_t seed, enum model m, unsigned si, unsigned ji,
    enum variant v, unsigned npairs, struct cell_result *cr)
{
	double ck[PAIRS], fwck[PAIRS], fwh[PAIRS], refh[PAIRS];
	unsigned i;

	memset(cr, 0, sizeof(*cr));
	for (i = 0; i < npairs; i++)
		run_beacon_pair(cr, cell_seed(seed, 1 + m, si, ji, v, i), m,
		    sleeps[si], jitters[ji], v, ck, fwck, fwh, refh);
	cr->ck_median = median_of(ck, cr->pairs);
	cr->fw_ttd_ck = median_of(fwck, cr->fw_hits);
	cr->fw_ttd_h = median_of(fwh, cr->fw_hits);
	cr->ref_ttd_h = median_of(refh, cr->ref_hits);
}

/* ---- benign traffic ----------------------------------------------------- */

enum benign { B_POISSON_4D, B_POISSON_1H, B_POISSON_6H, B_POISSON_30H,
    B_BURSTY, B_HEAVY, B_FLEET, B_POLLER, B_N };
static const char *const benign_name[B_N] = {
	"poisson 4/day", "poisson 1/h", "poisson 6/h", "poisson 30/h",
	"bursty sessions", "heavy web-app user", "fleet timer 15m",
	"polling script",
};

/* Daily cycle of human-driven rates: 0.2 at 02:00, 1.8 at 14:00. */
static double
daily_cycle(uint64_t t)
{
	return 1 + 0.8 * cos(2 * M_PI * (hour_of_day(t) - 14) / 24);
}

static void
benign_bytes(struct rng *r, uint64_t *up, uint64_t *down)
{
	*up = (uint64_t)rng_lognorm(r, 1200, 0.4);
	*down = (uint64_t)rng_lognorm(r, 5000, 0.6);
}

struct benign_result {
	unsigned	pairs, fw_days, ref_days, fw_pairs, ref_pairs;
	double		pair_days;
	double		checkins;
	unsigned	alerts;		/* faaswatch alerts and updates */
	unsigned	low;		/* of them at low severity */
	unsigned	fleet;		/* of them marked fleet */
	/* fleet: the odd beacon among the timers */
	unsigned	odd_alerts, odd_above_low, odd_fleet;
	double		odd_first_h;
};

static void
run_benign_pair(struct benign_result *br, uint64_t seed, enum benign b)
{
	struct rng r;
	struct judge j;
	uint64_t start, end, t, up, down, send, per;
	double rate, g;

	rng_seed(&r, seed);
	start = EPOCH;
	end = start + BENIGN_DAYS * DAY;
	judge_init(&j, start, 0, NULL, 1);
	switch (b) {
	case B_POISSON_4D:
	case B_POISSON_1H:
	case B_POISSON_6H:
	case B_POISSON_30H:
		rate = b == B_POISSON_4D ? 4.0 / 24 : b == B_POISSON_1H ? 1 :
		    b == B_POISSON_6H ? 6 : 30;	/* per hour, mean */
		/* thinning against the cycle's peak */
		t = start;
		for (;;) {
			t += (uint64_t)(rng_exp(&r, 1 / (rate * 1.8)) * HOUR);
			if (t >= end)
				break;
			if (rng_u01(&r) * 1.8 >= daily_cycle(t))
				continue;
			benign_bytes(&r, &up, &down);
			judge_conn(&j, t, (uint64_t)(0.3 * SEC), up, down);
		}
		break;
	case B_BURSTY:
		/* sessions of quick connections, idle gaps between */
		t = start;
		for (;;) {
			t += (uint64_t)(rng_exp(&r, 1.0 / 0.8) * HOUR);
			if (t >= end)
				break;
			g = hour_of_day(t);
			if (g < 8 || g >= 20 ||
			    (dow(t) >= 5 && rng_u01(&r) < 0.75))
				continue;
			send = t + (uint64_t)(rng_lognorm(&r, 600, 0.8) * SEC);
			while (t < send && t < end) {
				benign_bytes(&r, &up, &down);
				judge_conn(&j, t, (uint64_t)(0.3 * SEC), up,
				    down);
				t += (uint64_t)(rng_lognorm(&r, 3, 1.2) * SEC);
			}
		}
		break;
	case B_HEAVY:
		/* hundreds of API calls a day, 07-22, irregular */
		t = start + 7 * HOUR;
		while (t < end) {
			g = hour_of_day(t);
			if (g < 7 || g >= 22) {
				t = t - t % DAY + DAY + 7 * HOUR +
				    (uint64_t)(rng_u01(&r) * HOUR);
				continue;
			}
			benign_bytes(&r, &up, &down);
			judge_conn(&j, t, (uint64_t)(0.3 * SEC), up, down);
			if (rng_u01(&r) < 0.7)
				t += (uint64_t)(rng_lognorm(&r, 8, 1.0) * SEC);
			else
				t += (uint64_t)(rng_lognorm(&r, 300, 1.0) *
				    SEC);
		}
		break;
	case B_POLLER:
	default:
		/* while true; do poll; sleep P; done (a renewal process) */
		per = (uint64_t)(60 + rng_u01(&r) * 1740) * SEC;
		t = start + (uint64_t)(rng_u01(&r) * per);
		while (t < end) {
			benign_bytes(&r, &up, &down);
			judge_conn(&j, t, (uint64_t)(0.3 * SEC), up, down);
			t += per + (uint64_t)(rng_lognorm(&r, 0.5, 0.5) * SEC);
		}
		break;
	}
	br->pairs++;
	br->pair_days += BENIGN_DAYS;
	br->fw_days += popcount64(j.fw_days);
	br->ref_days += popcount64(j.ref_days);
	br->fw_pairs += j.fw_days != 0;
	br->ref_pairs += j.ref_days != 0;
	br->checkins += j.checkins;
	br->alerts += j.fw_alerts;
	br->low += j.fw_low;
	judge_done(&j);
}

/*
 * Fleet timers: FLEET_HOSTS hosts run a cron job every 15 minutes on the
 * clock (a fixed offset per host) against one name, fed in time order
 * through one pair table and one fleet table as the sensor would see them.
 * One more host beacons to the same name every 5 minutes +-25 %: it must
 * stand out (alert above low severity, not marked fleet).
 */
static void
run_fleet(struct benign_result *br, uint64_t seed, unsigned nhosts)
{
	struct judge *j, bj;
	struct world w;
	struct rng r, rb;
	uint64_t *off, start = EPOCH, end = EPOCH + BENIGN_DAYS * DAY, round,
	    tb, up, down;
	unsigned h, k;

	if ((j = calloc(nhosts, sizeof(*j))) == NULL ||
	    (off = calloc(nhosts, sizeof(*off))) == NULL) {
		fprintf(stderr, "eval: out of memory\n");
		exit(2);
	}
	world_init(&w, nhosts + 2);
	rng_seed(&r, seed);
	rng_seed(&rb, ~seed);
	for (h = 0; h < nhosts; h++) {
		judge_init(&j[h], start, 0, &w, 100 + h);
		off[h] = (uint64_t)(rng_u01(&r) * 30 * SEC);
	}
	judge_init(&bj, start, 0, &w, 99);
	tb = start + (uint64_t)(rng_u01(&rb) * 5 * MIN);
	for (round = start; round < end; round += 15 * MIN) {
		for (; tb < round + 15 * MIN && tb < end;
		    tb += (uint64_t)(model_wait(&rb, M_SYM, 300, 0.25) * SEC))
			judge_conn(&bj, tb, (uint64_t)(0.2 * SEC), 1200, 3400);
		/* the hosts' offsets are within 30 s: order inside a round
		 * does not matter to the tables */
		for (k = 0; k < nhosts; k++) {
			benign_bytes(&r, &up, &down);
			judge_conn(&j[k], round + off[k] +
			    (uint64_t)(rng_u01(&r) * 0.5 * SEC),
			    (uint64_t)(0.3 * SEC), up, down);
		}
	}
	for (h = 0; h < nhosts; h++) {
		br->pairs++;
		br->pair_days += BENIGN_DAYS;
		br->fw_days += popcount64(j[h].fw_days);
		br->ref_days += popcount64(j[h].ref_days);
		br->fw_pairs += j[h].fw_days != 0;
		br->ref_pairs += j[h].ref_days != 0;
		br->checkins += j[h].checkins;
		br->alerts += j[h].fw_alerts;
		br->low += j[h].fw_low;
		br->fleet += j[h].fw_fleet;
		judge_done(&j[h]);
	}
	br->checkins /= nhosts;
	br->odd_alerts = bj.fw_alerts;
	br->odd_above_low = bj.fw_alerts - bj.fw_low;
	br->odd_fleet = bj.fw_fleet;
	br->odd_first_h = bj.fw_first_us != 0 ?
	    (double)(bj.fw_first_us - start) / HOUR : -1;
	judge_done(&bj);
	world_done(&w);
	free(off);
	free(j);
}

static void
run_benign(uint64_t seed, enum benign b, unsigned npairs,
    struct benign_result *br)
{
	unsigned i;

	memset(br, 0, sizeof(*br));
	if (b == B_FLEET) {
		run_fleet(br, cell_seed(seed, 100 + b, 0, 0, 0, 0), npairs);
		return;
	}
	for (i = 0; i < npairs; i++) {
		struct benign_result one;

		memset(&one, 0, sizeof(one));
		run_benign_pair(&one, cell_seed(seed, 100 + b, 0, 0, 0, i), b);
		br->pairs += one.pairs;
		br->pair_days += one.pair_days;
		br->fw_days += one.fw_days;
		br->ref_days += one.ref_days;
		br->fw_pairs += one.fw_pairs;
		br->ref_pairs += one.ref_pairs;
		br->checkins += one.checkins;
		br->alerts += one.alerts;
		br->low += one.low;
	}
	br->checkins /= npairs;
}

/*
 * The benign classes, in a child process when jobs > 1 (their results come
 * back through a pipe as plain structs), else in this one when collected.
 */
struct benign_job {
	pid_t		pid;
	int		fd;
	uint64_t	seed;
	unsigned	npairs;
};

static void
benign_run_all(uint64_t seed, unsigned npairs, struct benign_result *res)
{
	unsigned b;

	for (b = 0; b < B_N; b++)
		run_benign(seed, b, b == B_FLEET ? FLEET_HOSTS :
		    b == B_POLLER ? POLLERS : npairs, &res[b]);
}

static void
benign_start(struct benign_job *bk, int jobs, uint64_t seed, unsigned npairs)
{
	struct benign_result res[B_N];
	const char *p;
	size_t left;
	ssize_t n;
	int fd[2];

	bk->pid = -1;
	bk->fd = -1;
	bk->seed = seed;
	bk->npairs = npairs;
	if (jobs < 2 || pipe(fd) != 0)
		return;
	fflush(stdout);
	if ((bk->pid = fork()) < 0) {
		close(fd[0]);
		close(fd[1]);
		return;
	}
	if (bk->pid > 0) {
		close(fd[1]);
		bk->fd = fd[0];
		return;
	}
	close(fd[0]);
	benign_run_all(seed, npairs, res);
	for (p = (const char *)res, left = sizeof(res); left > 0;
	    p += n, left -= (size_t)n)
		if ((n = write(fd[1], p, left)) <= 0 && errno != EINTR)
			_exit(1);
		else if (n < 0)
			n = 0;
	_exit(0);
}

static void
benign_collect(struct benign_job *bk, struct benign_result *res)
{
	char *p = (char *)res;
	size_t left = sizeof(*res) * B_N;
	ssize_t n;
	int status;

	if (bk->pid <= 0) {
		benign_run_all(bk->seed, bk->npairs, res);
		return;
	}
	while (left > 0) {
		n = read(bk->fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		p += n;
		left -= (size_t)n;
	}
	close(bk->fd);
	if (waitpid(bk->pid, &status, 0) < 0 || left > 0 ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "eval: the benign run failed\n");
		exit(2);
	}
}

/* ---- main --------------------------------------------------------------- */

static void
usage(void)
{
	fprintf(stderr, "usage: eval [-v] [-j jobs] [-s seed] [-p pairs-per-cell] "
	    "[-b benign-pairs] [-m model] [-S sleep-index]\n"
	    "            [-L min-lb] [-P max-p-random] [-T min-time-share] "
	    "[-W min-span-s]\n");
	exit(2);
}

static void
fmt_recall(char *buf, size_t len, const struct cell_result *c)
{
	snprintf(buf, len, "%4.2f/%4.2f%s",
	    (double)c->fw_hits / c->pairs, (double)c->ref_hits / c->pairs,
	    c->ck_median < TARGET_MIN_CK ? "*" : " ");
}

int
main(int argc, char **argv)
{
	struct cell_result cr[V_N];
	struct benign_result br;
	uint64_t seed = 20261130;
	unsigned npairs = PAIRS, nbenign = BENIGN_PAIRS;
	unsigned m, si, ji, v, b, w;
	int verbose = 0, only_model = -1, only_sleep = -1, ch;
	unsigned misses = 0, exempt = 0, cells = 0;
	double fp_days = 0, fp_pair_days = 0, worst = 1;
	char buf[V_N][24];
	struct benign_result bres[B_N], fleet;
	int fleet_ok;
	struct benign_job bk;
	struct timespec t0, t1;
	int jobs = 2;

	clock_gettime(CLOCK_MONOTONIC, &t0);

	beacon_conf_defaults(&g_bconf);
	while ((ch = getopt(argc, argv, "vj:s:p:b:m:S:L:P:T:W:")) != -1) {
		switch (ch) {
		case 'j':
			jobs = atoi(optarg);
			break;
		case 'L':
			g_conf->min_lb = atof(optarg);
			break;
		case 'P':
			g_conf->max_p_random_day = atof(optarg);
			break;
		case 'T':
			g_conf->min_time_share = atof(optarg);
			break;
		case 'W':
			g_conf->min_span_us = (uint64_t)(atof(optarg) * SEC);
			break;
		case 'v':
			verbose++;
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'p':
			npairs = (unsigned)atoi(optarg);
			if (npairs < 1 || npairs > PAIRS)
				usage();
			break;
		case 'b':
			nbenign = (unsigned)atoi(optarg);
			if (nbenign < 1)
				usage();
			break;
		case 'm':
			only_model = atoi(optarg);
			break;
		case 'S':
			only_sleep = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	g_strings = intern_create(16, &g_key);
	if (g_strings == NULL ||
	    (g_name = intern_get(g_strings, DOMAIN, strlen(DOMAIN))) == 0) {
		fprintf(stderr, "eval: cannot set up the name table\n");
		return 2;
	}
	g_debug = verbose > 1;

	printf("faaswatch (periodicity rule, fleet context) vs the reference "
	    "rule, through the pair table:\n  %u pairs per cell, seed %llu; "
	    "%zu bytes per pair, %zu more per heavy pair (%zu of them "
	    "check-in history)\n", npairs, (unsigned long long)seed,
	    pair_table_bytes_per_pair(), pair_table_bytes_per_heavy(),
	    beacon_hist_bytes());
	for (m = 0; m < M_N; m++)
		printf("  %-7s %s\n", model_name[m], model_desc[m]);
	printf("Variants: base; missed (10 %% of check-ins not seen); gated "
	    "(09-17 UTC Mon-Fri); keepalive\n  (check-ins inside long TLS "
	    "sessions: the reference rule sees one connection per session);\n"
	    "  fresh (only the first 30 periods); tasking (1 in 20 check-ins "
	    "x100 bytes plus a results POST).\n"
	    "Windows: 36 periods (>= 1 day); gated 168 periods in [7, 28] "
	    "days; fresh 30 periods.\n"
	    "Recall as faaswatch/reference; * = the window offers fewer than "
	    "%d check-ins (exempt).\n"
	    "TTD = median time to detect for faaswatch (check-ins, hours from "
	    "the first check-in) and the reference rule (hours).\n\n",
	    TARGET_MIN_CK);
	/* the benign classes run beside the beacon cells (-j 1: after) */
	benign_start(&bk, jobs, seed, nbenign);
	printf("%-6s %-4s %3s |", "model", "slp", "jit");
	for (v = 0; v < V_N; v++)
		printf(" %-10s", variant_name[v]);
	printf(" | TTD base: ck   h     ref h | fresh: ck\n");

	for (m = 0; m < M_N; m++) {
		if (only_model >= 0 && (int)m != only_model)
			continue;
		for (si = 0; si < NSLEEP; si++) {
			if (only_sleep >= 0 && (int)si != only_sleep)
				continue;
			for (ji = 0; ji < NJIT; ji++) {
				for (v = 0; v < V_N; v++) {
					run_beacon_cell(seed, m, si, ji, v,
					    npairs, &cr[v]);
					fmt_recall(buf[v], sizeof(buf[v]),
					    &cr[v]);
					cells++;
					if (cr[v].ck_median < TARGET_MIN_CK) {
						exempt++;
						continue;
					}
					if ((double)cr[v].fw_hits /
					    cr[v].pairs < worst)
						worst = (double)cr[v].fw_hits /
						    cr[v].pairs;
					if ((double)cr[v].fw_hits /
					    cr[v].pairs < TARGET_RECALL)
						misses++;
				}
				printf("%-6s %-4s %2.0f%% |", model_name[m],
				    sleep_name[si], jitters[ji] * 100);
				for (v = 0; v < V_N; v++)
					printf(" %-10s", buf[v]);
				printf(" | %9.0f %6.1f %7.1f | %5.0f\n",
				    cr[V_BASE].fw_ttd_ck, cr[V_BASE].fw_ttd_h,
				    cr[V_BASE].ref_ttd_h,
				    cr[V_FRESH].fw_ttd_ck);
				if (verbose)
					for (v = 0; v < V_N; v++) {
						if (cr[v].fw_hits == cr[v].pairs)
							continue;
						printf("    %-9s offers %.0f "
						    "check-ins; misses:",
						    variant_name[v],
						    cr[v].ck_median);
						for (w = 0; w < 8; w++)
							if (cr[v].why[w])
								printf(" %s %u",
								    beacon_why_str(w),
								    cr[v].why[w]);
						printf("\n");
					}
			}
		}
	}

	printf("\nBenign traffic, %d days per pair (alerts re-armed daily):\n",
	    BENIGN_DAYS);
	printf("%-20s %6s %9s | %-22s | %-22s\n", "class", "pairs",
	    "ck/pair", "faaswatch alerts /1000", "reference alerts /1000");
	printf("%-20s %6s %9s | %-22s | %-22s\n", "", "", "",
	    "pair-days (pairs)", "pair-days (pairs)");
	benign_collect(&bk, bres);
	fleet = bres[B_FLEET];
	for (b = 0; b < B_N; b++) {
		br = bres[b];
		if (b == B_FLEET)
			printf("-- periodic by design, reported apart (fleet "
			    "context and suppressions decide):\n");
		printf("%-20s %6u %9.0f | %9.2f (%5u)       | %9.2f (%5u)\n",
		    benign_name[b], br.pairs, br.checkins,
		    1000.0 * br.fw_days / br.pair_days, br.fw_pairs,
		    1000.0 * br.ref_days / br.pair_days, br.ref_pairs);
		if (b == B_FLEET) {
			printf("%-20s %u faaswatch alerts and updates, %u at "
			    "low severity, %u marked fleet\n", "", br.alerts,
			    br.low, br.fleet);
			printf("%-20s one host beaconing every 5 min +-25 %% "
			    "to the same name: %u alerts, %u above low, %u "
			    "marked fleet, first after %.1f h\n", "",
			    br.odd_alerts, br.odd_above_low, br.odd_fleet,
			    br.odd_first_h);
		}
		if (b < B_FLEET) {
			fp_days += br.fw_days;
			fp_pair_days += br.pair_days;
		}
	}

	printf("\nTargets:\n");
	printf("  recall >= %.2f in every cell with jitter <= 50 %% and >= %d "
	    "check-ins: %s (%u of %u cells below; worst %.2f; %u cells "
	    "exempt)\n", TARGET_RECALL, TARGET_MIN_CK,
	    misses == 0 ? "met" : "MISSED", misses, cells - exempt, worst,
	    exempt);
	printf("  false alerts <= %.1f per 1000 benign pairs per day: %s "
	    "(%.2f)\n", TARGET_FP,
	    1000.0 * fp_days / fp_pair_days <= TARGET_FP ? "met" : "MISSED",
	    1000.0 * fp_days / fp_pair_days);
	fleet_ok = fleet.low == fleet.alerts && fleet.odd_above_low > 0 &&
	    fleet.odd_fleet == 0;
	printf("  fleet timers only at low severity, the odd beacon among "
	    "them above it: %s (%u of %u fleet alerts low; odd beacon %u "
	    "above low)\n", fleet_ok ? "met" : "MISSED", fleet.low,
	    fleet.alerts, fleet.odd_above_low);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("  (%.1f s)\n", (double)(t1.tv_sec - t0.tv_sec) +
	    (t1.tv_nsec - t0.tv_nsec) / 1e9);
	intern_unref(g_strings, g_name);
	intern_destroy(g_strings);
	return misses == 0 && 1000.0 * fp_days / fp_pair_days <= TARGET_FP &&
	    fleet_ok ? 0 : 1;
}
