/*
 * test_beacon_score.c - the periodicity score (beacon_score.h) on exact
 * small cases: a perfect 60 s beacon (when it alerts, to the check-in),
 * the four jitter models at 50 %, missed check-ins (the fundamental
 * period), tasking outliers, Poisson and human-like traffic rejected, a
 * burst inside silence, the merge window and its cap, late records, the
 * ring's wrap-around and rebasing, slow beacons over days (the issue's
 * check: a 4 h +-10 % beacon over three days alerts, Poisson traffic of
 * the same volume over the same span does not), working-hours gating,
 * silence, period matching, the explanation and every function's edges.
 *
 * Streams come from a seeded xorshift generator, so every run sees the same
 * numbers.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "beacon_score.h"

#define SEC		1000000ULL
#define MIN		(60 * SEC)
#define HOUR		(3600 * SEC)
#define DAY		(24 * HOUR)
/* Monday 2026-11-30 00:00 UTC */
#define T0		(1795996800ULL * SEC)

static uint64_t rng_state;

static void
rng_seed(uint64_t s)
{
	rng_state = s * 0x9e3779b97f4a7c15ULL + 1;
}

/* Uniform in [0, 1). */
static double
u01(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (double)(rng_state >> 11) * 0x1.0p-53;
}

struct run {
	struct beacon_hist	h;
	struct score_conf	c;
	struct score_result	r;
	unsigned		n;		/* check-ins added */
	unsigned		first_ck;	/* check-in of the first alert */
	uint64_t		first_us;	/* its time */
	unsigned		alerts;		/* periodic evaluations */
};

static void
run_init(struct run *x)
{
	memset(x, 0, sizeof(*x));
	beacon_hist_init(&x->h);
	beacon_score_defaults(&x->c);
}

/* One connection; evaluates at each new check-in, as the sensor does.
 * Returns what beacon_hist_add returned. */
static int
conn(struct run *x, uint64_t t, uint64_t up, uint64_t down)
{
	int rv = beacon_hist_add(&x->h, t, up, down, &x->c);

	if (rv != 1)
		return rv;
	x->n++;
	if (beacon_score_eval(&x->h, t, &x->c, &x->r)) {
		if (x->alerts++ == 0) {
			x->first_ck = x->n;
			x->first_us = t;
		}
	}
	return rv;
}

enum model { CS, SLIVER, SYM, MYTHIC };

/* One wait of sleep s seconds with jitter j under a model, in us. */
static uint64_t
wait_us(enum model m, double s, double j)
{
	double w;

	switch (m) {
	case CS:
		w = s * (1 - j * u01());
		break;
	case SLIVER:
		w = s + j * s * u01();
		break;
	case SYM:
		w = s * (1 + j * (2 * u01() - 1));
		break;
	case MYTHIC:
	default:
		w = floor(s * (1 + j * (2 * u01() - 1)) + 0.5);
		break;
	}
	return (uint64_t)(w * SEC);
}

/* A beacon of n check-ins from T0; missed: share of check-ins not seen. */
static void
beacon(struct run *x, enum model m, double s, double j, unsigned n,
    double missed)
{
	uint64_t t = T0;
	unsigned i;

	for (i = 0; i < n; i++) {
		if (missed == 0 || u01() >= missed)
			conn(x, t + (uint64_t)(u01() * 0.2 * SEC), 1200, 3300);
		t += wait_us(m, s, j);
	}
}

/* ---- tests ------------------------------------------------------------- */

static void
test_defaults_and_size(void **state)
{
	struct score_conf c;

	(void)state;
	beacon_score_defaults(&c);
	assert_int_equal(c.merge_us, 5 * SEC);
	assert_true(c.merge_frac == 0.3);
	assert_int_equal(c.min_checkins, 8);
	assert_int_equal(c.min_period_us, 5 * SEC);
	assert_int_equal(c.max_period_us, 2 * DAY);
	assert_true(c.min_lb == 0.7);
	assert_true(c.min_time_share == 0.75);
	assert_int_equal(c.off_min_us, HOUR);
	assert_int_equal(c.min_span_us, 20 * MIN);
	assert_int_equal(beacon_hist_bytes(), sizeof(struct beacon_hist));
	/* the ring: 32 check-ins of 12 bytes, plus bookkeeping */
	assert_true(beacon_hist_bytes() <= 32 * 12 + 48);
}

static void
test_empty_and_few(void **state)
{
	struct run x;

	(void)state;
	run_init(&x);
	assert_int_equal(beacon_score_eval(&x.h, T0, &x.c, &x.r), 0);
	assert_int_equal(x.r.why, BEACON_WHY_FEW);
	assert_int_equal(x.r.checkins, 0);
	assert_int_equal(x.r.period_us, 0);
	assert_int_equal(x.r.severity, BEACON_SEV_NONE);
	conn(&x, T0, 100, 200);
	conn(&x, T0 + MIN, 100, 200);
	assert_int_equal(x.r.checkins, 2);
	assert_int_equal(x.r.why, BEACON_WHY_FEW);
	assert_int_equal(x.r.period_us, 0);
	assert_int_equal(x.r.span_us, MIN);
	assert_int_equal(x.r.up_median, 100);
	assert_int_equal(x.r.down_median, 200);
	/* three check-ins: figures, but too few for a verdict */
	conn(&x, T0 + 2 * MIN, 100, 200);
	assert_int_equal(x.r.period_us, MIN);
	assert_int_equal(x.r.why, BEACON_WHY_FEW);
	assert_int_equal(x.r.periodic, 0);
}

/* Exactly every 60 s: regular from the 8th check-in, alerts once it has
 * been regular for 20 minutes (the 21st check-in), with exact figures. */
static void
test_perfect_60s(void **state)
{
	struct run x;
	unsigned i;

	(void)state;
	run_init(&x);
	for (i = 0; i < 40; i++) {
		conn(&x, T0 + i * MIN, 1210, 3273);
		if (i + 1 == 7)
			assert_int_equal(x.r.why, BEACON_WHY_FEW);
		if (i + 1 == 8) {
			assert_int_equal(x.r.why, BEACON_WHY_YOUNG);
			assert_int_equal(x.r.severity, BEACON_SEV_LOW);
		}
	}
	assert_int_equal(x.first_ck, 21);
	assert_int_equal(x.first_us, T0 + 20 * MIN);
	assert_int_equal(x.alerts, 20);
	assert_int_equal(x.r.periodic, 1);
	assert_int_equal(x.r.why, BEACON_WHY_OK);
	assert_int_equal(x.r.period_us, MIN);
	assert_int_equal(x.r.median_us, MIN);
	assert_true(x.r.jitter == 0);
	assert_true(x.r.share == 1);
	assert_true(x.r.time_share == 1);
	assert_int_equal(x.r.checkins, 32);
	assert_int_equal(x.r.total, 40);
	assert_int_equal(x.r.intervals, 31);
	assert_int_equal(x.r.consistent, 31);
	assert_int_equal(x.r.singles, 31);
	assert_int_equal(x.r.missed, 0);
	assert_int_equal(x.r.short_n, 0);
	assert_true(x.r.confidence > 0.9);
	assert_true(x.r.p_random < 1e-20);
	assert_true(x.r.p_random <= x.r.p_max);
	assert_true(x.r.score > 0.9 && x.r.score <= 1);
	assert_int_equal(x.r.severity, BEACON_SEV_HIGH);
	assert_int_equal(x.r.first_us, T0 + 8 * MIN);
	assert_int_equal(x.r.last_us, T0 + 39 * MIN);
	assert_int_equal(x.r.first_ever_us, T0);
	assert_int_equal(x.r.regular_us, 39 * MIN);
	assert_int_equal(x.r.up_median, 1210);
	assert_int_equal(x.r.down_median, 3273);
	assert_int_equal(x.r.tasking, 0);
}

/* Each jitter model at 50 %: detected, period and jitter where expected. */
static void
test_models_50(void **state)
{
	static const struct {
		enum model	m;
		double		per_lo, per_hi;	/* period / sleep */
		double		jit_lo, jit_hi;
	} want[] = {
		{ CS, 0.65, 0.85, 0.2, 0.5 },		/* [S/2, S] */
		{ SLIVER, 1.15, 1.35, 0.1, 0.35 },	/* [S, 1.5 S] */
		{ SYM, 0.85, 1.15, 0.3, 0.7 },		/* [S/2, 1.5 S] */
		{ MYTHIC, 0.85, 1.15, 0.3, 0.7 },
	};
	struct run x;
	unsigned i, seed;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(*want); i++)
		for (seed = 1; seed <= 10; seed++) {
			rng_seed(seed);
			run_init(&x);
			beacon(&x, want[i].m, 60, 0.5, 60, 0);
			assert_true(x.alerts > 0);
			assert_true(x.first_ck <= 32);
			assert_true(x.r.period_us >= want[i].per_lo * MIN &&
			    x.r.period_us <= want[i].per_hi * MIN);
			assert_true(x.r.jitter >= want[i].jit_lo &&
			    x.r.jitter <= want[i].jit_hi);
		}
}

/* Low jitter is judged at a tight tolerance: detected on the fewest
 * check-ins the period allows (a 5 min beacon: the 8th, 35 min in). */
static void
test_low_jitter_fast_evidence(void **state)
{
	struct run x;

	(void)state;
	rng_seed(7);
	run_init(&x);
	beacon(&x, SYM, 300, 0.05, 20, 0);
	assert_int_equal(x.first_ck, 8);
	assert_true(x.r.tolerance <= 0.08);
}

/* Every fourth check-in missing: the period stays 5 min (the fundamental,
 * not the median of 5 and 10 min intervals) and the gaps are counted as
 * missed check-ins. */
static void
test_missed_fundamental(void **state)
{
	struct run x;
	unsigned i;

	(void)state;
	run_init(&x);
	for (i = 0; i < 40; i++)
		if (i % 4 != 3)
			conn(&x, T0 + i * 5 * MIN, 1200, 3300);
	assert_true(x.alerts > 0);
	assert_int_equal(x.r.period_us, 5 * MIN);
	assert_true(x.r.missed >= 7);
	assert_int_equal(x.r.consistent, x.r.intervals);
	/* two missed in a row: a triple, still consistent */
	run_init(&x);
	for (i = 0; i < 40; i++)
		if (i != 10 && i != 11)
			conn(&x, T0 + i * 5 * MIN, 1200, 3300);
	assert_int_equal(x.r.period_us, 5 * MIN);
	assert_int_equal(x.r.missed, 2);
	assert_int_equal(x.r.periodic, 1);
}

/* 10 % missed with 50 % jitter: still found. */
static void
test_missed_jittered(void **state)
{
	struct run x;
	unsigned seed, found = 0;

	(void)state;
	for (seed = 1; seed <= 20; seed++) {
		rng_seed(seed);
		run_init(&x);
		beacon(&x, SYM, 600, 0.5, 60, 0.1);
		found += x.alerts > 0;
	}
	assert_true(found >= 19);
}

/* One check-in in ten carries tasking (bytes x 100) and a results POST
 * 2 s later: the period, the median bytes and the verdict do not move. */
static void
test_tasking_outliers(void **state)
{
	struct run x;
	unsigned i;
	uint64_t t;

	(void)state;
	run_init(&x);
	for (i = 0; i < 40; i++) {
		t = T0 + i * MIN;
		if (i % 10 == 5) {
			assert_int_equal(conn(&x, t, 1200, 330000), 1);
			assert_int_equal(conn(&x, t + 2 * SEC, 120000, 3300),
			    0);
		} else
			conn(&x, t, 1200, 3300);
	}
	assert_int_equal(x.r.periodic, 1);
	assert_int_equal(x.r.period_us, MIN);
	assert_int_equal(x.r.up_median, 1200);
	assert_int_equal(x.r.down_median, 3300);
	assert_int_equal(x.r.up_max, 121200);
	assert_int_equal(x.r.down_max, 333300);
	/* 4 tasking check-ins among the 32 held (i = 15, 25, 35 and 5 is
	 * out of the ring): 3 */
	assert_int_equal(x.r.tasking, 3);
}

/* Poisson traffic (exponential intervals) at several rates, with and
 * without a daily cycle: never periodic. */
static void
test_poisson_rejected(void **state)
{
	static const double mean_s[] = { 20, 60, 600, 3600, 4 * 3600 };
	struct run x;
	unsigned i, k, seed;
	uint64_t t;

	(void)state;
	for (i = 0; i < sizeof(mean_s) / sizeof(*mean_s); i++)
		for (seed = 1; seed <= 20; seed++) {
			rng_seed(100 + seed);
			run_init(&x);
			t = T0;
			for (k = 0; k < 300; k++) {
				t += (uint64_t)(-mean_s[i] * log1p(-u01()) *
				    SEC);
				conn(&x, t, 1000, 5000);
			}
			assert_int_equal(x.alerts, 0);
		}
}

/* Human-like bursts: sessions of quick connections with lognormal think
 * times, idle gaps between sessions: never periodic. */
static void
test_sessions_rejected(void **state)
{
	struct run x;
	unsigned s, k, seed;
	uint64_t t;
	double z;

	(void)state;
	for (seed = 1; seed <= 20; seed++) {
		rng_seed(500 + seed);
		run_init(&x);
		t = T0;
		for (s = 0; s < 30; s++) {
			for (k = 0; k < 40; k++) {
				/* Box-Muller normal, lognormal think time */
				z = sqrt(-2 * log1p(-u01())) *
				    cos(2 * M_PI * u01());
				t += (uint64_t)(3 * exp(1.2 * z) * SEC) + 1;
				conn(&x, t, 1500, 8000);
			}
			t += (uint64_t)(-2 * 3600 * log1p(-u01()) * SEC);
		}
		assert_int_equal(x.alerts, 0);
	}
}

/* A burst of regular check-ins inside a long silence: one stray
 * connection, three days of nothing, then 25 check-ins a minute apart.
 * Without the stray connection the same 25 check-ins are a fresh beacon
 * (periodic); with it the silence counts against them.  A burst of 8
 * evaluated a day later is silent. */
static void
test_burst_in_silence(void **state)
{
	struct run x;
	unsigned i;
	uint64_t t = T0 + 3 * DAY;

	(void)state;
	run_init(&x);
	for (i = 0; i < 25; i++)
		conn(&x, t + i * MIN, 1200, 3300);
	assert_int_equal(x.r.periodic, 1);

	run_init(&x);
	conn(&x, T0, 1200, 3300);
	for (i = 0; i < 25; i++)
		conn(&x, t + i * MIN, 1200, 3300);
	assert_int_equal(x.alerts, 0);
	assert_int_equal(x.r.why, BEACON_WHY_BURST);
	assert_true(x.r.time_share < 0.01);

	run_init(&x);
	conn(&x, T0, 1200, 3300);
	for (i = 0; i < 8; i++)
		conn(&x, t + i * MIN, 1200, 3300);
	assert_int_equal(x.alerts, 0);
	assert_int_equal(beacon_score_eval(&x.h, t + 8 * MIN + DAY, &x.c,
	    &x.r), 0);
	assert_true(x.r.why == BEACON_WHY_STALE ||
	    x.r.why == BEACON_WHY_BURST);
}

/* A beacon that stops: periodic at its last check-in, silent a day later,
 * and the streak is over. */
static void
test_stale(void **state)
{
	struct run x;
	unsigned i;
	uint64_t last = T0 + 39 * MIN;

	(void)state;
	run_init(&x);
	for (i = 0; i < 40; i++)
		conn(&x, T0 + i * MIN, 1200, 3300);
	assert_int_equal(x.r.periodic, 1);
	/* within three periods of silence: still periodic */
	assert_int_equal(beacon_score_eval(&x.h, last + 3 * MIN, &x.c, &x.r),
	    1);
	assert_int_equal(beacon_score_eval(&x.h, last + DAY, &x.c, &x.r), 0);
	assert_int_equal(x.r.why, BEACON_WHY_STALE);
	assert_int_equal(x.r.stale, 1);
	assert_int_equal(x.h.streak_s, 0);
	assert_int_equal(x.r.regular_us, 0);
}

/* The merge window: connections within 5 s of the previous one of the
 * newest check-in are one check-in (a chain); bytes add up. */
static void
test_merge_window(void **state)
{
	struct run x;

	(void)state;
	run_init(&x);
	assert_int_equal(conn(&x, T0, 100, 1000), 1);
	assert_int_equal(conn(&x, T0 + 1 * SEC, 10, 100), 0);
	assert_int_equal(conn(&x, T0 + 5 * SEC, 1, 10), 0);	/* chained */
	assert_int_equal(conn(&x, T0 + 9 * SEC, 1, 1), 0);	/* chained */
	assert_int_equal(conn(&x, T0 + 14 * SEC, 2, 2), 1);	/* 5 s */
	assert_int_equal(x.h.count, 2);
	assert_int_equal(x.h.up[x.h.head], 111 + 1);
	assert_int_equal(x.h.down[x.h.head], 1110 + 1);
	/* a connection inside the chain but before its end: merged */
	assert_int_equal(conn(&x, T0 + 14 * SEC, 1, 1), 0);
	assert_int_equal(x.h.count, 2);
	assert_int_equal(x.h.total, 2);
}

/* The window is never more than 30 % of the period: with a 10 s history
 * a connection 4 s after a check-in is a new check-in. */
static void
test_merge_cap(void **state)
{
	struct run x;
	unsigned i;

	(void)state;
	run_init(&x);
	for (i = 0; i < 10; i++)
		assert_int_equal(conn(&x, T0 + i * 10 * SEC, 1, 1), 1);
	assert_int_equal(conn(&x, T0 + 92 * SEC, 1, 1), 0);	/* < 3 s */
	assert_int_equal(conn(&x, T0 + 96 * SEC, 1, 1), 1);	/* >= 3 s */
	/* without a history the full 5 s apply */
	run_init(&x);
	conn(&x, T0, 1, 1);
	assert_int_equal(conn(&x, T0 + 4 * SEC, 1, 1), 0);
	/* merge_us 0: every connection its own check-in */
	run_init(&x);
	x.c.merge_us = 0;
	assert_int_equal(conn(&x, T0, 1, 1), 1);
	assert_int_equal(conn(&x, T0 + 1, 1, 1), 1);
}

/* Records that arrive late (flows end out of order) go where they belong. */
static void
test_late_records(void **state)
{
	struct run x;

	(void)state;
	run_init(&x);
	conn(&x, T0, 1, 1);
	conn(&x, T0 + 2 * MIN, 1, 1);
	conn(&x, T0 + 3 * MIN, 1, 1);
	/* between the first two: a new check-in in the middle */
	assert_int_equal(conn(&x, T0 + MIN, 5, 5), 1);
	assert_int_equal(x.h.count, 4);
	assert_int_equal(x.h.t_ms[(x.h.head + 1) % BEACON_HIST_N], 60000);
	/* 2 s after an old check-in: merged into it */
	assert_int_equal(conn(&x, T0 + MIN + 2 * SEC, 7, 7), 0);
	assert_int_equal(x.h.up[(x.h.head + 1) % BEACON_HIST_N], 12);
	/* 2 s before an old check-in: merged, and it now starts earlier */
	assert_int_equal(conn(&x, T0 + 2 * MIN - 2 * SEC, 1, 1), 0);
	assert_int_equal(x.h.t_ms[(x.h.head + 2) % BEACON_HIST_N], 118000);
	/* before the oldest: inserted first, the base moves */
	assert_int_equal(conn(&x, T0 - MIN, 1, 1), 1);
	assert_int_equal(x.h.count, 5);
	assert_int_equal(x.h.base_us + x.h.t_ms[x.h.head] * 1000ULL, T0 - MIN);
	assert_int_equal(x.h.first_us, T0 - MIN);
	beacon_score_eval(&x.h, T0 + 3 * MIN, &x.c, &x.r);
	assert_int_equal(x.r.period_us, MIN);
	assert_int_equal(x.r.consistent, 4);	/* 60, 60, 58, 62 s */
	/* older than everything when the ring is full: dropped */
	run_init(&x);
	for (unsigned i = 0; i < BEACON_HIST_N; i++)
		conn(&x, T0 + i * MIN, 1, 1);
	assert_int_equal(conn(&x, T0 - HOUR, 1, 1), -1);
	assert_int_equal(x.h.dropped, 1);
	/* a late one inside the full ring pushes the oldest out */
	assert_int_equal(conn(&x, T0 + 10 * MIN + 30 * SEC, 1, 1), 1);
	assert_int_equal(x.h.count, BEACON_HIST_N);
	assert_int_equal(x.h.base_us + x.h.t_ms[x.h.head] * 1000ULL,
	    T0 + MIN);
}

/* The ring keeps the newest 32 check-ins in order across wrap-around. */
static void
test_wraparound(void **state)
{
	struct run x;
	unsigned i;

	(void)state;
	run_init(&x);
	for (i = 0; i < 100; i++)
		conn(&x, T0 + i * MIN, i, 2 * i);
	assert_int_equal(x.h.count, BEACON_HIST_N);
	assert_int_equal(x.h.total, 100);
	assert_int_equal(x.h.first_us, T0);
	for (i = 0; i < BEACON_HIST_N; i++) {
		unsigned j = (x.h.head + i) % BEACON_HIST_N;

		assert_int_equal(x.h.base_us + x.h.t_ms[j] * 1000ULL,
		    T0 + (68 + i) * MIN);
		assert_int_equal(x.h.up[j], 68 + i);
		assert_int_equal(x.h.down[j], 2 * (68 + i));
	}
	assert_int_equal(x.r.first_us, T0 + 68 * MIN);
	assert_int_equal(x.r.total, 100);
	assert_int_equal(x.r.periodic, 1);
}

/* Times far apart: the base moves with the ring; beyond 49 days of
 * silence the history starts over; a record 49 days late is dropped;
 * bytes saturate. */
static void
test_rebase_and_limits(void **state)
{
	struct run x;
	unsigned i;

	(void)state;
	run_init(&x);
	for (i = 0; i < 60; i++)
		conn(&x, T0 + i * DAY, UINT64_MAX, 5);
	assert_int_equal(x.h.count, BEACON_HIST_N);
	assert_int_equal(x.h.base_us + x.h.t_ms[(x.h.head + 31) %
	    BEACON_HIST_N] * 1000ULL, T0 + 59 * DAY);
	assert_int_equal(x.h.up[x.h.head], UINT32_MAX);
	assert_int_equal(x.r.period_us, DAY);
	assert_int_equal(x.r.periodic, 1);
	assert_int_equal(conn(&x, T0 + 59 * DAY + 3 * SEC, UINT32_MAX, 1),
	    0);
	assert_int_equal(x.h.up[(x.h.head + 31) % BEACON_HIST_N], UINT32_MAX);
	assert_int_equal(conn(&x, T0, 1, 1), -1);	/* 59 days late */
	assert_int_equal(conn(&x, T0 + 200 * DAY, 1, 1), 1);
	assert_int_equal(x.h.count, 1);
	assert_int_equal(x.h.total, 61);
	assert_int_equal(x.h.first_us, T0);
	/* a period beyond the maximum (3 days) is not periodic */
	run_init(&x);
	for (i = 0; i < 12; i++)
		conn(&x, T0 + i * 3 * DAY, 1, 1);
	assert_int_equal(x.r.period_us, 3 * DAY);
	assert_int_equal(x.r.why, BEACON_WHY_PERIOD);
	/* nor one below the minimum (2 s) */
	run_init(&x);
	x.c.merge_us = 0;
	for (i = 0; i < 40; i++)
		conn(&x, T0 + i * 2 * SEC, 1, 1);
	assert_int_equal(x.r.period_us, 2 * SEC);
	assert_int_equal(x.r.why, BEACON_WHY_PERIOD);
}

/*
 * The check: a beacon every 4 h +-10 % over three days alerts (on
 * its 8th check-in); Poisson traffic of the same volume (the same number
 * of connections at uniform random times over the same span) does not.
 * Over 200 seeds each.
 */
static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
test_4h_three_days(void **state)
{
	struct run x;
	uint64_t t, ts[32];
	unsigned seed, n, i;

	(void)state;
	for (seed = 1; seed <= 200; seed++) {
		rng_seed(1000 + seed);
		run_init(&x);
		for (t = T0, n = 0; t < T0 + 3 * DAY; n++) {
			conn(&x, t, 1200, 3300);
			t += wait_us(SYM, 4 * 3600, 0.1);
		}
		assert_true(n >= 18 && n <= 20);
		assert_int_equal(x.first_ck, 8);
		assert_true(x.r.periodic);
		assert_true(x.r.period_us > 3.8 * HOUR &&
		    x.r.period_us < 4.2 * HOUR);

		run_init(&x);
		for (i = 0; i < n; i++)
			ts[i] = T0 + (uint64_t)(u01() * 3 * DAY);
		qsort(ts, n, sizeof(*ts), cmp_u64);
		for (i = 0; i < n; i++)
			conn(&x, ts[i], 1200, 3300);
		assert_int_equal(x.alerts, 0);
	}
}

/* An 8-hourly beacon alerts once it has 8 check-ins (2 days 8 hours). */
static void
test_slow_8h(void **state)
{
	struct run x;

	(void)state;
	rng_seed(42);
	run_init(&x);
	beacon(&x, SYM, 8 * 3600, 0.1, 12, 0);
	assert_int_equal(x.first_ck, 8);
	assert_true(x.first_us > T0 + 2 * DAY && x.first_us < T0 + 3 * DAY);
	assert_true(x.r.period_us > 7.5 * HOUR && x.r.period_us < 8.5 * HOUR);
}

/* An hourly beacon gated to 09-17 on weekdays: the nights and the weekend
 * are off periods, not irregularity. */
static void
test_working_hours(void **state)
{
	struct run x;
	unsigned d, h;

	(void)state;
	rng_seed(9);
	run_init(&x);
	for (d = 0; d < 7; d++) {
		if (d >= 5)
			continue;	/* Saturday, Sunday */
		for (h = 9; h < 17; h++)
			conn(&x, T0 + d * DAY + h * HOUR +
			    (uint64_t)(u01() * 5 * MIN), 1200, 3300);
	}
	assert_true(x.alerts > 0);
	assert_int_equal(x.r.periodic, 1);
	assert_true(x.r.off_gaps >= 3);
	assert_true(x.r.period_us > 55 * MIN && x.r.period_us < 65 * MIN);
	/* regular time restarts each morning */
	assert_true(x.r.regular_us < 9 * HOUR);
}

/* A daily schedule with an extra afternoon check-in on most days: the
 * period is the day, the afternoon check-ins split it. */
static void
test_split_daily(void **state)
{
	struct run x;
	unsigned d;

	(void)state;
	rng_seed(11);
	run_init(&x);
	for (d = 0; d < 28; d++) {
		uint64_t t = T0 + d * DAY + 9 * HOUR + (uint64_t)(u01() * 60 *
		    SEC);

		conn(&x, t, 1200, 3300);
		if (d % 3 != 2)
			conn(&x, t + (uint64_t)((4 + 4 * u01()) * HOUR), 1200,
			    3300);
	}
	assert_true(x.alerts > 0);
	assert_true(x.r.period_us > DAY - MIN && x.r.period_us < DAY + MIN);
	assert_true(x.r.splits > 0);
}

/* Fleet comparison: the same period within 10 %, or within the jitter. */
static void
test_period_match(void **state)
{
	struct score_conf c;

	(void)state;
	beacon_score_defaults(&c);
	assert_int_equal(beacon_period_match(0, 0, 900 * SEC, 0, &c), 0);
	assert_int_equal(beacon_period_match(900 * SEC, 0, 0, 0, &c), 0);
	assert_int_equal(beacon_period_match(900 * SEC, 0, 900 * SEC, 0, &c),
	    1);
	assert_int_equal(beacon_period_match(900 * SEC, 0, 990 * SEC, 0, &c),
	    1);
	assert_int_equal(beacon_period_match(900 * SEC, 0, 1001 * SEC, 0,
	    &c), 0);
	assert_int_equal(beacon_period_match(1001 * SEC, 0, 900 * SEC, 0,
	    &c), 0);
	/* a 25 % jitter widens the match */
	assert_int_equal(beacon_period_match(900 * SEC, 0.25, 1150 * SEC, 0,
	    &c), 1);
	assert_int_equal(beacon_period_match(900 * SEC, 0, 1150 * SEC, 0.25,
	    &c), 1);
	/* tiny periods: the absolute floor (1 s) */
	assert_int_equal(beacon_period_match(5 * SEC, 0, 5 * SEC + 900000, 0,
	    &c), 1);
	assert_int_equal(beacon_period_match(5 * SEC, 0, 6 * SEC + 100000, 0,
	    &c), 0);
}

static void
test_describe_and_strings(void **state)
{
	struct run x;
	char buf[512], small[16];
	unsigned i;
	int n;

	(void)state;
	run_init(&x);
	for (i = 0; i < 30; i++)
		conn(&x, T0 + i * MIN, 1210, 3273);
	n = beacon_score_describe(&x.r, buf, sizeof(buf));
	assert_true(n > 0 && (size_t)n < sizeof(buf));
	assert_non_null(strstr(buf, "30 check-ins over 29.0 min, every 60 s"));
	assert_non_null(strstr(buf, "29 of 29 intervals"));
	assert_non_null(strstr(buf, "median 1210 bytes up and 3273 down"));
	n = beacon_score_describe(&x.r, small, sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_true(n > (int)sizeof(small));
	run_init(&x);
	conn(&x, T0, 1, 1);
	beacon_score_describe(&x.r, buf, sizeof(buf));
	assert_string_equal(buf, "1 check-ins over 0 s");

	assert_string_equal(beacon_sev_str(BEACON_SEV_NONE), "none");
	assert_string_equal(beacon_sev_str(BEACON_SEV_LOW), "low");
	assert_string_equal(beacon_sev_str(BEACON_SEV_MEDIUM), "medium");
	assert_string_equal(beacon_sev_str(BEACON_SEV_HIGH), "high");
	assert_string_equal(beacon_why_str(BEACON_WHY_OK), "periodic");
	assert_string_equal(beacon_why_str(BEACON_WHY_FEW),
	    "too few check-ins");
	assert_string_equal(beacon_why_str(BEACON_WHY_STALE), "silent");
	assert_non_null(beacon_why_str(BEACON_WHY_YOUNG));
	assert_non_null(beacon_why_str(BEACON_WHY_BURST));
	assert_non_null(beacon_why_str(BEACON_WHY_EVIDENCE));
	assert_non_null(beacon_why_str(BEACON_WHY_IRREGULAR));
	assert_non_null(beacon_why_str(BEACON_WHY_PERIOD));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_and_size),
		cmocka_unit_test(test_empty_and_few),
		cmocka_unit_test(test_perfect_60s),
		cmocka_unit_test(test_models_50),
		cmocka_unit_test(test_low_jitter_fast_evidence),
		cmocka_unit_test(test_missed_fundamental),
		cmocka_unit_test(test_missed_jittered),
		cmocka_unit_test(test_tasking_outliers),
		cmocka_unit_test(test_poisson_rejected),
		cmocka_unit_test(test_sessions_rejected),
		cmocka_unit_test(test_burst_in_silence),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_merge_window),
		cmocka_unit_test(test_merge_cap),
		cmocka_unit_test(test_late_records),
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_rebase_and_limits),
		cmocka_unit_test(test_4h_three_days),
		cmocka_unit_test(test_slow_8h),
		cmocka_unit_test(test_working_hours),
		cmocka_unit_test(test_split_daily),
		cmocka_unit_test(test_period_match),
		cmocka_unit_test(test_describe_and_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
