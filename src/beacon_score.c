/*
 * beacon_score.c - check-in history and periodicity score.  See
 * beacon_score.h for the statistics and the reasons for them.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "beacon_score.h"

/* Tries per evaluation, for the Bonferroni factor: every tolerance around
 * the median period, the tight ones around the mode candidate too. */
#define BEACON_TRIES	(BEACON_TOL_N + 4)
#define MS_RANGE	0xfffff000ULL	/* ms a history may span (49.7 days) */
#define US_PER_MS	1000ULL

size_t
beacon_hist_bytes(void)
{
	return sizeof(struct beacon_hist);
}

void
beacon_score_defaults(struct score_conf *conf)
{
	conf->merge_us = BEACON_MERGE_US;
	conf->merge_frac = BEACON_MERGE_FRAC;
	conf->abs_tol_us = BEACON_ABS_TOL_US;
	conf->min_checkins = BEACON_MIN_CHECKINS;
	conf->min_period_us = BEACON_MIN_PERIOD_US;
	conf->max_period_us = BEACON_MAX_PERIOD_US;
	conf->z = BEACON_Z;
	conf->min_lb = BEACON_MIN_LB;
	conf->max_p_random_day = BEACON_MAX_P_RANDOM_DAY;
	conf->min_time_share = BEACON_MIN_TIME_SHARE;
	conf->match_tol = BEACON_MATCH_TOL;
	conf->off_min_us = BEACON_OFF_MIN_US;
	conf->min_span_us = BEACON_MIN_SPAN_US;
}

void
beacon_hist_init(struct beacon_hist *h)
{
	memset(h, 0, sizeof(*h));
}

/* ---- small helpers ------------------------------------------------------ */

/* Ring index of the i-th oldest check-in. */
static unsigned
hist_idx(const struct beacon_hist *h, unsigned i)
{
	return (h->head + i) % BEACON_HIST_N;
}

static uint64_t
hist_time(const struct beacon_hist *h, unsigned i)
{
	return h->base_us + (uint64_t)h->t_ms[hist_idx(h, i)] * US_PER_MS;
}

static uint32_t
sat32(uint64_t a, uint64_t b)
{
	uint64_t s = a + b;

	if (s < a || s > UINT32_MAX)
		return UINT32_MAX;
	return (uint32_t)s;
}

static void
sort_u32(uint32_t *a, unsigned n)
{
	unsigned i, j;
	uint32_t v;

	for (i = 1; i < n; i++) {
		v = a[i];
		for (j = i; j > 0 && a[j - 1] > v; j--)
			a[j] = a[j - 1];
		a[j] = v;
	}
}

static void
sort_dbl(double *a, unsigned n)
{
	unsigned i, j;
	double v;

	for (i = 1; i < n; i++) {
		v = a[i];
		for (j = i; j > 0 && a[j - 1] > v; j--)
			a[j] = a[j - 1];
		a[j] = v;
	}
}

/* Median of n > 0 values; sorts a.  Even n: the mean of the middle two. */
static double
median_u32(uint32_t *a, unsigned n)
{
	sort_u32(a, n);
	if (n % 2 == 1)
		return a[n / 2];
	return ((double)a[n / 2 - 1] + (double)a[n / 2]) / 2;
}

static double
median_dbl(double *a, unsigned n)
{
	sort_dbl(a, n);
	if (n % 2 == 1)
		return a[n / 2];
	return (a[n / 2 - 1] + a[n / 2]) / 2;
}

/* The multiple of the period an interval of r periods is: 1 below 1.75,
 * else the nearest integer up to BEACON_KMAX; 0 for a long gap. */
static unsigned
score_mult_r(double r)
{
	unsigned k;

	if (r < 1.75)
		return 1;
	if (r >= BEACON_KMAX + 0.5)
		return 0;
	k = (unsigned)(r + 0.5);
	return k;
}

static unsigned
score_mult(double d, double p)
{
	return score_mult_r(d / p);
}

/* ---- history ------------------------------------------------------------ */

static void
hist_restart(struct beacon_hist *h, uint64_t t_us, uint64_t up, uint64_t down)
{
	h->base_us = t_us;
	h->head = 0;
	h->count = 1;
	h->t_ms[0] = 0;
	h->up[0] = sat32(up, 0);
	h->down[0] = sat32(down, 0);
	h->last_ms = 0;
	if (h->first_us == 0)
		h->first_us = t_us;
	if (h->total < UINT32_MAX)
		h->total++;
}

/* The period the recent history shows, in us (the median of the last up
 * to 7 intervals), or 0 with fewer than 3 intervals. */
static uint64_t
hist_hint_us(const struct beacon_hist *h)
{
	uint32_t d[7];
	unsigned n = 0, i;

	if (h->count < 4)
		return 0;
	for (i = h->count - 1; i > 0 && n < 7; i--)
		d[n++] = h->t_ms[hist_idx(h, i)] - h->t_ms[hist_idx(h, i - 1)];
	return (uint64_t)(median_u32(d, n) * US_PER_MS);
}

static void
hist_drop_oldest(struct beacon_hist *h)
{
	h->head = (uint8_t)((h->head + 1) % BEACON_HIST_N);
	h->count--;
}

/*
 * Moves base_us so that both lo_us (>= base after) and every held time fit.
 * The caller has checked that the span fits in MS_RANGE.
 */
static void
hist_rebase(struct beacon_hist *h, uint64_t lo_us)
{
	uint64_t shift_ms;
	unsigned i;

	if (lo_us >= h->base_us) {
		/* move up to the oldest held check-in (an exact ms shift) */
		shift_ms = h->t_ms[h->head];
		for (i = 0; i < h->count; i++)
			h->t_ms[hist_idx(h, i)] -= (uint32_t)shift_ms;
		h->last_ms -= (uint32_t)shift_ms;
		h->base_us += shift_ms * US_PER_MS;
		return;
	}
	shift_ms = (h->base_us - lo_us + US_PER_MS - 1) / US_PER_MS;
	for (i = 0; i < h->count; i++)
		h->t_ms[hist_idx(h, i)] += (uint32_t)shift_ms;
	h->last_ms += (uint32_t)shift_ms;
	h->base_us -= shift_ms * US_PER_MS;
}

/* Appends a new newest check-in at t_us >= the newest held. */
static int
hist_append(struct beacon_hist *h, uint64_t t_us, uint64_t up, uint64_t down)
{
	unsigned j;

	if (h->count == BEACON_HIST_N)
		hist_drop_oldest(h);
	/* the span must fit: drop the oldest until it does */
	while (h->count > 0 &&
	    (t_us - hist_time(h, 0)) / US_PER_MS > MS_RANGE)
		hist_drop_oldest(h);
	if (h->count == 0) {
		hist_restart(h, t_us, up, down);
		return 1;
	}
	if ((t_us - h->base_us) / US_PER_MS > MS_RANGE)
		hist_rebase(h, hist_time(h, 0));
	j = hist_idx(h, h->count);
	h->t_ms[j] = (uint32_t)((t_us - h->base_us) / US_PER_MS);
	h->up[j] = sat32(up, 0);
	h->down[j] = sat32(down, 0);
	h->last_ms = h->t_ms[j];
	h->count++;
	if (h->total < UINT32_MAX)
		h->total++;
	return 1;
}

/* Inserts a check-in at t_us older than the newest, after position pos
 * (pos = -1: before all).  Returns 1, or -1 when it cannot be kept. */
static int
hist_insert(struct beacon_hist *h, int pos, uint64_t t_us, uint64_t up,
    uint64_t down)
{
	unsigned i, at;

	if (h->count == BEACON_HIST_N) {
		if (pos < 0)
			return -1;	/* older than all, and no room */
		hist_drop_oldest(h);
		pos--;
	}
	if (t_us < h->base_us)
		hist_rebase(h, t_us);
	at = (unsigned)(pos + 1);
	for (i = h->count; i > at; i--) {
		h->t_ms[hist_idx(h, i)] = h->t_ms[hist_idx(h, i - 1)];
		h->up[hist_idx(h, i)] = h->up[hist_idx(h, i - 1)];
		h->down[hist_idx(h, i)] = h->down[hist_idx(h, i - 1)];
	}
	i = hist_idx(h, at);
	h->t_ms[i] = (uint32_t)((t_us - h->base_us) / US_PER_MS);
	h->up[i] = sat32(up, 0);
	h->down[i] = sat32(down, 0);
	h->count++;
	if (h->total < UINT32_MAX)
		h->total++;
	if (t_us < h->first_us)
		h->first_us = t_us;
	return 1;
}

static void
hist_merge(struct beacon_hist *h, unsigned i, uint64_t up, uint64_t down)
{
	unsigned j = hist_idx(h, i);

	h->up[j] = sat32(h->up[j], up);
	h->down[j] = sat32(h->down[j], down);
}

int
beacon_hist_add(struct beacon_hist *h, uint64_t t_us, uint64_t up,
    uint64_t down, const struct score_conf *conf)
{
	uint64_t newest, last, merge, hint, ti;
	int i;

	if (h->count == 0) {
		hist_restart(h, t_us, up, down);
		return 1;
	}
	merge = conf->merge_us;
	hint = hist_hint_us(h);
	if (hint != 0 && (double)merge > conf->merge_frac * (double)hint)
		merge = (uint64_t)(conf->merge_frac * (double)hint);
	newest = hist_time(h, h->count - 1u);
	last = h->base_us + (uint64_t)h->last_ms * US_PER_MS;

	if (t_us >= newest) {
		/* inside the newest check-in's chain, or chained onto it */
		if (t_us <= last || t_us - last < merge) {
			hist_merge(h, h->count - 1u, up, down);
			if (t_us > last)
				h->last_ms = (uint32_t)((t_us - h->base_us) /
				    US_PER_MS);
			return 0;
		}
		if ((t_us - newest) / US_PER_MS > MS_RANGE) {
			/* silent for longer than a history spans */
			hist_restart(h, t_us, up, down);
			return 1;
		}
		return hist_append(h, t_us, up, down);
	}

	/* a late record */
	if ((newest - t_us) / US_PER_MS > MS_RANGE) {
		if (h->dropped < UINT8_MAX)
			h->dropped++;
		return -1;
	}
	for (i = (int)h->count - 2; i >= 0; i--)
		if (hist_time(h, (unsigned)i) <= t_us)
			break;
	if (i >= 0 && t_us - hist_time(h, (unsigned)i) < merge) {
		hist_merge(h, (unsigned)i, up, down);
		return 0;
	}
	ti = hist_time(h, (unsigned)(i + 1));
	if (ti - t_us < merge) {
		/* the next check-in started with this connection */
		hist_merge(h, (unsigned)(i + 1), up, down);
		if (t_us < h->base_us)
			hist_rebase(h, t_us);
		h->t_ms[hist_idx(h, (unsigned)(i + 1))] =
		    (uint32_t)((t_us - h->base_us) / US_PER_MS);
		if (t_us < h->first_us)
			h->first_us = t_us;
		return 0;
	}
	if (hist_insert(h, i, t_us, up, down) < 0) {
		if (h->dropped < UINT8_MAX)
			h->dropped++;
		return -1;
	}
	return 1;
}

/* ---- statistics --------------------------------------------------------- */

/* Wilson score interval's lower bound for k successes in n trials. */
static double
score_wilson_lb(unsigned k, unsigned n, double z)
{
	double p, z2, c, half;

	if (n == 0)
		return 0;
	p = (double)k / n;
	z2 = z * z;
	c = p + z2 / (2.0 * n);
	half = z * sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
	return (c - half) / (1 + z2 / n);
}

/* P(X >= k) for X ~ Binomial(n, p), 0 < p < 1, n <= BEACON_HIST_N: the
 * first term from the binomial coefficient, the rest by recurrence. */
static double
score_binom_tail(unsigned k, unsigned n, double p)
{
	double c = 1, term, sum, r = p / (1 - p);
	unsigned i, x;

	if (k == 0)
		return 1;
	if (k > n)
		return 0;
	for (i = 1; i <= k; i++)
		c = c * (n - k + i) / i;
	term = c * pow(p, k) * pow(1 - p, n - k);
	sum = term;
	for (x = k; x < n; x++) {
		term *= (double)(n - x) / (x + 1) * r;
		sum += term;
	}
	return sum > 1 ? 1 : sum;
}

/* Probability that an exponential interval of median 1 falls within
 * [1 - t, 1 + t]. */
static double
score_p0(double t)
{
	double lo = 1 - t;

	if (lo < 0)
		lo = 0;
	return exp2(-lo) - exp2(-(1 + t));
}

/* One (period, tolerance) try's figures. */
struct score_try {
	double		p, tol, lb, share, time_share, p_random;
	unsigned	counted, consistent, singles, missed, short_n, off_gaps;
	unsigned	splits;
	unsigned	last_off;	/* interval index after the newest off
					   gap + 1, 0 = none */
	int		stale, pass;
};

/*
 * p_random: how likely random (Poisson) timing of the same median interval
 * explains this many of the counted intervals.  Two tests, the smaller
 * p-value taken (times 2, and times the tries of an evaluation): the
 * single periods alone against p1 = P(an exponential interval within +-t
 * of the period); and, at the tolerances where split periods count, every
 * consistent interval against the probability of any of those: pk = p1 +
 * p2 + p3 (within +-t of 1, 2 or 3 periods), plus ln 2 (1 - t) pk (a
 * short interval, then one completing 1 to 3 periods).
 */
static double
score_evidence(const struct score_try *s, double t)
{
	double p1 = score_p0(t), pall, a, b;

	if (s->counted == 0)
		return 1;
	a = score_binom_tail(s->singles, s->counted, p1);
	b = 1;
	if (t <= BEACON_SPLIT_TOL_MAX) {
		pall = p1 + exp2(-(2 - t)) - exp2(-(2 + t)) +
		    exp2(-(3 - t)) - exp2(-(3 + t));
		pall += M_LN2 * (1 - t) * pall;
		if (pall < 1)
			b = score_binom_tail(s->consistent, s->counted, pall);
	}
	a = 2 * (a < b ? a : b) * BEACON_TRIES;
	return a > 1 ? 1 : a;
}

/* A period candidate: each interval's multiple and distance from it. */
struct score_cand {
	double		p;
	uint8_t		k[BEACON_HIST_N];
	double		dev[BEACON_HIST_N];	/* |d - k p|, ms */
};

static void
score_cand_init(struct score_cand *c, const uint32_t *d, unsigned m,
    double p)
{
	double ip = 1 / p;
	unsigned i;

	c->p = p;
	for (i = 0; i < m; i++) {
		c->k[i] = (uint8_t)score_mult_r(d[i] * ip);
		c->dev[i] = fabs((double)d[i] - c->k[i] * p);
	}
}

/*
 * Judges the m intervals d at candidate c and tolerance tol.  wrapped:
 * older check-ins than the ones held existed, so a leading long gap may be
 * an off period too.
 */
static void
score_try(const uint32_t *d, unsigned m, const struct score_cand *c,
    double tol, double open_ms, int wrapped, double alpha,
    const struct score_conf *conf, struct score_try *s)
{
	uint8_t k[BEACON_HIST_N], cons[BEACON_HIST_N], off[BEACON_HIST_N];
	double p = c->p, tall = 0, tcons = 0, w = tol * p, wm, sum;
	double off_ms = (double)conf->off_min_us / US_PER_MS;
	unsigned i, ks, cap;
	int wide;

	memset(s, 0, sizeof(*s));
	s->p = p;
	s->tol = tol;
	/* multiples: the same band, at tight tolerances only (at wide ones
	 * the bands around 1, 2 and 3 periods touch: anything would do) */
	wide = tol > BEACON_MULT_TOL_MAX;
	wm = wide ? -1 : w;
	cap = (unsigned)(BEACON_WIDE_MISSED * m);
	for (i = 0; i < m; i++) {
		k[i] = c->k[i];
		cons[i] = k[i] != 0 && c->dev[i] <= (k[i] == 1 ? w : wm);
		/*
		 * At wide tolerances a multiple cannot be told from a long
		 * interval: up to BEACON_WIDE_MISSED of the intervals beyond
		 * the single band (and short of a long gap) pass as missed
		 * check-ins, no more.
		 */
		if (wide && k[i] >= 2 && (double)d[i] > p + w && cap > 0) {
			cons[i] = 1;
			cap--;
		}
		off[i] = 0;
		if (k[i] == 1 && (double)d[i] < p - w)
			s->short_n++;
	}
	/*
	 * An extra check-in splitting a period: a short interval whose sum
	 * with the next is consistent counts as one consistent interval
	 * (tight tolerances only: at wide ones any sum would do).
	 */
	if (tol <= BEACON_SPLIT_TOL_MAX)
		for (i = 0; i + 1 < m; i++) {
			if (cons[i] || k[i] != 1 || (double)d[i] >= p - w)
				continue;
			sum = (double)d[i] + d[i + 1];
			ks = score_mult(sum, p);
			if (ks == 0 || fabs(sum - ks * p) > (ks == 1 ? w : wm))
				continue;
			cons[i] = 2;		/* first half of a split */
			cons[i + 1] = 3;	/* second half */
			k[i] = (uint8_t)ks;
			s->splits++;
			i++;
		}
	for (i = 1; i < m; i++) {
		if (k[i] != 0 || (double)d[i] < off_ms)
			continue;
		/* a long gap between regular intervals */
		if (cons[i - 1] != 0 && (i + 1 == m || cons[i + 1] != 0)) {
			off[i] = 1;
			s->off_gaps++;
			s->last_off = i + 1;
		}
	}
	/*
	 * A leading long gap follows a check-in whose own past is unknown:
	 * an off period when the history shows an on/off rhythm (other off
	 * periods) or older check-ins existed; otherwise the silence before
	 * a burst, which counts against it.
	 */
	if (m > 1 && k[0] == 0 && (double)d[0] >= off_ms && cons[1] != 0 &&
	    (wrapped || s->off_gaps > 0)) {
		off[0] = 1;
		s->off_gaps++;
		if (s->last_off == 0)
			s->last_off = 1;
	}
	for (i = 0; i < m; i++) {
		if (off[i])
			continue;
		tall += d[i];
		if (cons[i] == 3) {
			tcons += d[i];
			continue;
		}
		s->counted++;
		if (!cons[i])
			continue;
		s->consistent++;
		tcons += d[i];
		if (cons[i] == 1 && k[i] == 1)
			s->singles++;
		else if (k[i] > 1)
			s->missed += k[i] - 1u;
	}
	if (open_ms > (BEACON_KMAX + 0.5) * p + w) {
		s->stale = 1;
		tall += open_ms;
	}
	s->share = s->counted ? (double)s->consistent / s->counted : 0;
	s->lb = score_wilson_lb(s->consistent, s->counted, conf->z);
	s->time_share = tall > 0 ? tcons / tall : 0;
	s->p_random = score_evidence(s, tol);
	if (s->p_random > 1)
		s->p_random = 1;
	s->pass = s->lb >= conf->min_lb &&
	    s->p_random <= alpha &&
	    s->time_share >= conf->min_time_share;
}

/*
 * How many of the intervals period c explains within tolerance t (as
 * single periods, multiples or split periods), and how many as singles.
 * With q != NULL, stores d / k of the explained single and multiple
 * intervals there and returns their number instead.
 */
static unsigned
score_explain(const uint32_t *d, unsigned m, double c, double t,
    unsigned *singles, double *q)
{
	unsigned i, k, n = 0, nq = 0;
	double sum, ic, tc;

	*singles = 0;
	ic = 1 / c;
	tc = t * c;
	for (i = 0; i < m; i++) {
		k = score_mult_r(d[i] * ic);
		if (k != 0 && fabs(d[i] - k * c) <= tc) {
			n++;
			if (k == 1)
				(*singles)++;
			if (q != NULL)
				q[nq++] = (double)d[i] / k;
			continue;
		}
		if (i + 1 < m && (double)d[i] < c) {
			sum = (double)d[i] + d[i + 1];
			k = score_mult_r(sum * ic);
			if (k != 0 && fabs(sum - k * c) <= tc) {
				n += 2;
				i++;
			}
		}
	}
	return q != NULL ? nq : n;
}

/*
 * A second period candidate: the interval (or pair of consecutive ones),
 * taken as the period, that explains the most intervals within
 * BEACON_MODE_TOL (then the most as single periods).  Split periods and a dominant multiple (a daily
 * schedule with an extra afternoon check-in) hide the period from the
 * median; sub-multiples explain as much but as multiples, so the singles
 * decide.  Returns the median of d / k over the intervals it explains, or
 * 0 when it explains fewer than four.
 */
static double
score_mode(const uint32_t *d, unsigned m)
{
	double q[BEACON_HIST_N], best_c = 0, c;
	unsigned i, n, s1, best = 0, best_s = 0;

	/* candidates: every interval, and every two consecutive ones */
	for (i = 0; i < 2 * m - 1; i++) {
		c = i < m ? d[i] : (double)d[i - m] + d[i - m + 1];
		if (c <= 0)
			continue;
		n = score_explain(d, m, c, BEACON_MODE_TOL, &s1, NULL);
		if (n > best || (n == best && s1 > best_s)) {
			best = n;
			best_s = s1;
			best_c = c;
		}
	}
	if (best < 4)
		return 0;
	n = score_explain(d, m, best_c, BEACON_MODE_TOL, &s1, q);
	return n > 0 ? median_dbl(q, n) : best_c;
}

/* A grid tolerance (per mille) as a fraction of period p, at least the
 * absolute floor. */
static double
score_tol(unsigned permille, double p, const struct score_conf *conf)
{
	double tol = permille / 1000.0, floor_ms;

	floor_ms = (double)conf->abs_tol_us / US_PER_MS;
	return tol * p < floor_ms ? floor_ms / p : tol;
}

/* The mean of d / k over the intervals within tol p of k p (singles, and
 * multiples at tight tolerances); p when there are none. */
static double
score_mean_consistent(const uint32_t *d, unsigned m, double p, double tol)
{
	double sum = 0;
	unsigned i, k, n = 0;

	for (i = 0; i < m; i++) {
		k = score_mult(d[i], p);
		if (k == 0 || (k > 1 && tol > BEACON_MULT_TOL_MAX) ||
		    fabs(d[i] - k * p) > tol * p)
			continue;
		sum += (double)d[i] / k;
		n++;
	}
	return n > 0 ? sum / n : p;
}

/* Whether a is a better candidate than b: passing first, then the
 * stronger evidence, then the higher confidence. */
static int
score_better(const struct score_try *a, const struct score_try *b)
{
	if (a->pass != b->pass)
		return a->pass;
	if (a->p_random != b->p_random)
		return a->p_random < b->p_random;
	return a->lb > b->lb;
}

static void
score_bytes(const struct beacon_hist *h, struct score_result *r)
{
	uint32_t up[BEACON_HIST_N], down[BEACON_HIST_N], tot[BEACON_HIST_N];
	double mt;
	unsigned i, n = h->count, j;

	for (i = 0; i < n; i++) {
		j = hist_idx(h, i);
		up[i] = h->up[j];
		down[i] = h->down[j];
		tot[i] = sat32(h->up[j], h->down[j]);
		if (up[i] > r->up_max)
			r->up_max = up[i];
		if (down[i] > r->down_max)
			r->down_max = down[i];
	}
	r->up_median = (uint32_t)median_u32(up, n);
	r->down_median = (uint32_t)median_u32(down, n);
	mt = median_u32(tot, n);
	for (i = 0; i < n; i++)
		if (mt > 0 && tot[i] >= BEACON_TASKING_FACTOR * mt)
			r->tasking++;
}

int
beacon_score_eval(struct beacon_hist *h, uint64_t now_us,
    const struct score_conf *conf, struct score_result *r)
{
	static const uint16_t grid[BEACON_TOL_N] = BEACON_TOL_GRID;
	uint32_t d[BEACON_HIST_N], tmp[BEACON_HIST_N];
	uint8_t k[BEACON_HIST_N];
	double q[BEACON_HIST_N], p, pm, med, open_ms, ev, alpha;
	uint64_t since;
	int wrapped;
	struct score_try best, cur;
	struct score_cand cand;
	unsigned n = h->count, m, i, nq, iter, g;

	memset(r, 0, sizeof(*r));
	memset(&best, 0, sizeof(best));
	r->why = BEACON_WHY_FEW;
	r->checkins = n;
	r->total = h->total;
	r->first_ever_us = h->first_us;
	if (n == 0)
		return 0;
	r->first_us = hist_time(h, 0);
	r->last_us = hist_time(h, n - 1);
	r->span_us = r->last_us - r->first_us;
	score_bytes(h, r);
	if (n < 3)
		return 0;

	m = n - 1;
	for (i = 0; i < m; i++) {
		d[i] = h->t_ms[hist_idx(h, i + 1)] - h->t_ms[hist_idx(h, i)];
		tmp[i] = d[i];
	}
	med = median_u32(tmp, m);
	r->median_us = (uint64_t)(med * US_PER_MS);
	if (med <= 0) {
		r->why = BEACON_WHY_PERIOD;
		return 0;
	}

	/* the fundamental period: median of d / k, refined once */
	p = med;
	for (iter = 0; iter < 2; iter++) {
		for (i = 0, nq = 0; i < m; i++) {
			k[i] = (uint8_t)score_mult(d[i], p);
			if (k[i] != 0)
				q[nq++] = (double)d[i] / k[i];
		}
		if (nq > 0)
			p = median_dbl(q, nq);
	}
	open_ms = now_us > r->last_us ?
	    (double)(now_us - r->last_us) / US_PER_MS : 0;
	wrapped = h->total > h->count;
	/*
	 * The evidence needed: a pair evaluated many times a day (a short
	 * period) has many chances to look regular by chance, a slow one few;
	 * the threshold is the daily budget spread over the evaluations a
	 * day holds, one per history's worth of time (its span).
	 */
	alpha = conf->max_p_random_day * (double)r->span_us /
	    (86400.0 * 1000000);
	if (alpha > BEACON_P_MAX)
		alpha = BEACON_P_MAX;
	if (alpha < BEACON_P_MIN)
		alpha = BEACON_P_MIN;
	r->p_max = alpha;
	/* the mode candidate is dear (m^2): searched every few check-ins */
	if (h->total % BEACON_MODE_EVERY == 0) {
		pm = score_mode(d, m);
		h->mode_ms = pm >= UINT32_MAX ? UINT32_MAX : (uint32_t)pm;
	}
	pm = h->mode_ms;
	if (pm != 0 && fabs(pm - p) <= BEACON_MODE_TOL * p)
		pm = 0;		/* the same candidate */
	/* the median candidate at every tolerance; the mode candidate at the
	 * tight ones only when the median one does not pass */
	score_cand_init(&cand, d, m, p);
	for (g = 0; g < BEACON_TOL_N; g++) {
		score_try(d, m, &cand, score_tol(grid[g], p, conf), open_ms,
		    wrapped, alpha, conf, &cur);
		if (g == 0 || score_better(&cur, &best))
			best = cur;
	}
	if (!best.pass && pm != 0) {
		score_cand_init(&cand, d, m, pm);
		for (g = 0; g < BEACON_TOL_N; g++) {
			if (grid[g] > BEACON_MULT_TOL_MAX * 1000)
				break;
			score_try(d, m, &cand, score_tol(grid[g], pm, conf),
			    open_ms, wrapped, alpha, conf, &cur);
			if (score_better(&cur, &best))
				best = cur;
		}
	}
	/*
	 * The period reported: the mean of d / k over the intervals
	 * consistent at the best try.  The median picked them; the mean of
	 * the picked is the sharper estimate for uniform jitter.
	 */
	p = score_mean_consistent(d, m, best.p, best.tol);
	r->period_us = (uint64_t)(p * US_PER_MS + 0.5);

	/* jitter: twice the median relative residual of the singles */
	for (i = 0, nq = 0; i < m; i++) {
		k[i] = (uint8_t)score_mult(d[i], p);
		if (k[i] == 1)
			q[nq++] = fabs(d[i] / p - 1);
	}
	if (nq == 0)
		for (i = 0; i < m; i++)
			if (k[i] != 0)
				q[nq++] = fabs(d[i] / (k[i] * p) - 1);
	r->jitter = nq > 0 ? 2 * median_dbl(q, nq) : 0;

	r->tolerance = best.tol;
	r->share = best.share;
	r->confidence = best.lb;
	r->time_share = best.time_share;
	r->p_random = best.p_random;
	r->intervals = best.counted;
	r->consistent = best.consistent;
	r->singles = best.singles;
	r->missed = best.missed;
	r->splits = best.splits;
	r->short_n = best.short_n;
	r->off_gaps = best.off_gaps;
	r->stale = best.stale;
	ev = best.p_random > 0 ?
	    log10(best.p_random) / log10(alpha) : 1;
	if (ev > 1)
		ev = 1;
	if (ev < 0)
		ev = 0;
	r->score = best.lb * best.time_share * ev;
	if (r->score < 0)
		r->score = 0;

	/*
	 * The streak: regular since when (stored + 1 s, so 0 means none).  It
	 * starts at the oldest check-in held when every test passes, goes on
	 * while the confidence and the time share hold (the evidence may
	 * wander), restarts after an off period and ends when the history is
	 * irregular or silent.
	 */
	if (best.stale || best.lb < conf->min_lb ||
	    best.time_share < conf->min_time_share ||
	    r->period_us < conf->min_period_us ||
	    r->period_us > conf->max_period_us)
		h->streak_s = 0;
	else if (best.pass && n >= conf->min_checkins && h->streak_s == 0)
		h->streak_s = (uint32_t)(r->first_us / 1000000 + 1);
	if (h->streak_s != 0 && best.last_off != 0 &&
	    hist_time(h, best.last_off) / 1000000 + 1 > h->streak_s)
		h->streak_s = (uint32_t)(hist_time(h, best.last_off) / 1000000 +
		    1);
	since = ((uint64_t)h->streak_s - 1) * 1000000;
	if (h->streak_s != 0 && now_us > since)
		r->regular_us = now_us - since;

	if (n < conf->min_checkins)
		r->why = BEACON_WHY_FEW;
	else if (r->period_us < conf->min_period_us ||
	    r->period_us > conf->max_period_us)
		r->why = BEACON_WHY_PERIOD;
	else if (best.pass && r->regular_us < conf->min_span_us)
		r->why = BEACON_WHY_YOUNG;
	else if (best.pass)
		r->why = BEACON_WHY_OK;
	else if (best.stale && best.time_share < conf->min_time_share)
		r->why = BEACON_WHY_STALE;
	else if (best.lb < conf->min_lb)
		r->why = BEACON_WHY_IRREGULAR;
	else if (best.time_share < conf->min_time_share)
		r->why = BEACON_WHY_BURST;
	else
		r->why = BEACON_WHY_EVIDENCE;
	r->periodic = r->why == BEACON_WHY_OK;

	if (r->periodic)
		r->severity = r->confidence >= 0.8 && n >= 16 ?
		    BEACON_SEV_HIGH : BEACON_SEV_MEDIUM;
	else if (r->why == BEACON_WHY_YOUNG)
		r->severity = BEACON_SEV_LOW;
	else if (r->why != BEACON_WHY_PERIOD && r->why != BEACON_WHY_STALE &&
	    best.share >= 0.8 &&
	    best.time_share >= conf->min_time_share &&
	    best.p_random <= sqrt(alpha))
		r->severity = BEACON_SEV_LOW;
	else
		r->severity = BEACON_SEV_NONE;
	return r->periodic;
}

int
beacon_period_match(uint64_t a_us, double a_jitter, uint64_t b_us,
    double b_jitter, const struct score_conf *conf)
{
	double hi, lo, tol;

	if (a_us == 0 || b_us == 0)
		return 0;
	hi = (double)(a_us > b_us ? a_us : b_us);
	lo = (double)(a_us > b_us ? b_us : a_us);
	tol = conf->match_tol;
	if (a_jitter > tol)
		tol = a_jitter;
	if (b_jitter > tol)
		tol = b_jitter;
	if (tol * hi < (double)conf->abs_tol_us)
		return hi - lo <= (double)conf->abs_tol_us;
	return hi - lo <= tol * hi;
}

/* A duration in the largest unit that keeps it >= 1. */
static void
score_dur(double us, char *buf, size_t len)
{
	double s = us / 1e6;

	if (s < 120)
		snprintf(buf, len, "%.0f s", s);
	else if (s < 7200)
		snprintf(buf, len, "%.1f min", s / 60);
	else if (s < 2 * 86400)
		snprintf(buf, len, "%.1f h", s / 3600);
	else
		snprintf(buf, len, "%.1f d", s / 86400);
}

int
beacon_score_describe(const struct score_result *r, char *buf, size_t len)
{
	char span[32], per[32], reg[32];

	score_dur((double)r->span_us, span, sizeof(span));
	score_dur((double)r->period_us, per, sizeof(per));
	score_dur((double)r->regular_us, reg, sizeof(reg));
	if (r->checkins < 3)
		return snprintf(buf, len, "%u check-ins over %s", r->checkins,
		    span);
	return snprintf(buf, len,
	    "%u check-ins over %s, every %s +-%.0f %% (%u of %u intervals "
	    "within +-%.0f %% of a multiple, %.0f %% of the time; %u missed, "
	    "%u extra; confidence %.2f; chance of random timing this regular "
	    "%.1g; regular for %s), median %u bytes up and %u down per "
	    "check-in (%u with tasking)",
	    r->checkins, span, per, r->jitter * 100, r->consistent,
	    r->intervals, r->tolerance * 100, r->time_share * 100, r->missed,
	    r->splits, r->confidence, r->p_random, reg, r->up_median,
	    r->down_median, r->tasking);
}

const char *
beacon_sev_str(enum beacon_sev s)
{
	switch (s) {
	case BEACON_SEV_LOW:
		return "low";
	case BEACON_SEV_MEDIUM:
		return "medium";
	case BEACON_SEV_HIGH:
		return "high";
	case BEACON_SEV_NONE:
	default:
		return "none";
	}
}

const char *
beacon_why_str(enum beacon_why w)
{
	switch (w) {
	case BEACON_WHY_OK:
		return "periodic";
	case BEACON_WHY_FEW:
		return "too few check-ins";
	case BEACON_WHY_PERIOD:
		return "period out of range";
	case BEACON_WHY_IRREGULAR:
		return "irregular";
	case BEACON_WHY_EVIDENCE:
		return "regular, but not yet beyond chance";
	case BEACON_WHY_BURST:
		return "regular only in a burst";
	case BEACON_WHY_YOUNG:
		return "regular, but not for long enough yet";
	case BEACON_WHY_STALE:
	default:
		return "silent";
	}
}
