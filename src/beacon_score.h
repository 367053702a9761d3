/*
 * beacon_score.h - the jitter-robust periodicity score of one (source,
 * domain) pair, updated online as check-ins arrive.
 *
 * This module owns the statistics only: a fixed-size history of check-ins
 * that the caller embeds in its per-pair state (struct beacon_hist, 424
 * bytes), the merging of connections into check-ins, and the evaluation of
 * that history into a period, a jitter, regularity figures, a lower
 * confidence bound and a verdict.  Extracting check-ins from flows, fleet
 * context, suppressions and alerts belong to the caller (pair.c,
 * beacon.c).  Nothing allocates; nothing is global.
 *
 * Check-ins.  A connection that starts within the merge window of the
 * latest connection of the newest check-in joins it (a chain): a check-in
 * is often DNS + TLS, GET then POST, or a tasking result posted right
 * after.  The window is conf->merge_us (5 s) but never more than
 * conf->merge_frac (30 %) of the period the last 7 intervals show, so a
 * 10 s beacon is never merged into one endless check-in.  Chaining makes a
 * human burst of quick connections one check-in, so its inner rhythm does
 * not look like a beacon.  Each check-in keeps its start (ms after a
 * per-history base: 32 bits span 49 days) and bytes up and down (32-bit,
 * saturating sums).  Late records are inserted in time order.
 *
 * History.  A ring of the BEACON_HIST_N (32) most recent check-ins: 5
 * minutes of a 10 s beacon, 10 days of an 8-hourly one, so slow beacons
 * accumulate evidence over days in the same fixed memory.
 *
 * The statistics, and why.  Implants wait S, then a jittered amount, after
 * each check-in (a renewal process): errors accumulate, so no grid is
 * assumed; only the intervals between consecutive check-ins are used.
 *  1. Period.  Each interval d is a multiple k of the period P: 1 below
 *     1.75 P, else round(d / P) up to BEACON_KMAX (missed check-ins: 2-3
 *     periods); longer ones are long gaps.  P is the median of d / k,
 *     starting from the median interval and refined twice: the median
 *     ignores up to half the intervals being anything at all.  A second
 *     candidate, the interval (or sum of two consecutive ones) that
 *     explains the most others within 10 % (then the most as singles),
 *     catches what hides from the median: split periods and daily
 *     schedules (an implant gated to working hours checks in at 09:00 and
 *     once or twice more).
 *  2. Consistency at a tolerance t: an interval is consistent when it is
 *     within t P (at least conf->abs_tol_us: whole-second sleeps, network
 *     delay) of P.  At t <= 30 % multiples count too (within t P of 2P or
 *     3P); wider, the bands around 1, 2 and 3 P touch and would accept
 *     anything, so only up to BEACON_WIDE_MISSED (20 %) of the intervals
 *     may pass as missed check-ins.  At t <= 10 % a short interval whose
 *     sum with the next is consistent is one period split by an extra
 *     check-in.  Every tolerance of a grid from 4 % to 60 % is tried, so a
 *     low-jitter beacon is judged tightly (strong evidence from few
 *     check-ins) and a 50 % one widely.  The tolerance whose figures pass
 *     (else the one with the strongest evidence) is reported.
 *  3. Evidence against random timing, p_random: Poisson traffic of the
 *     same median interval puts an interval within +-t P of P with
 *     probability p1 = 2^-(1-t) - 2^-(1+t); the binomial tail P(X >= the
 *     single periods seen | intervals, p1) is the chance that random
 *     timing looks this regular (at t <= 10 %, also every consistent
 *     interval against the chance of any of the patterns counted), times
 *     the number of tries (Bonferroni).  A memoryless process puts 29 % of
 *     its intervals below half its median, a beacon with jitter <= 50 %
 *     none; and p1 is 0.43 at +-60 %, 0.06 at +-4 %: why high jitter needs
 *     more check-ins.  The threshold is a daily budget spread over the
 *     evaluations a day holds (conf->max_p_random_day x the history's span
 *     / 1 day): a pair with a short period is evaluated on fresh data many
 *     times a day and needs stronger evidence than an 8-hourly one.
 *  4. Confidence: the Wilson lower bound (z = conf->z) of the share of
 *     consistent intervals: a bound that grows with the evidence, not a
 *     point estimate; stray connections and tasking exchanges lower it,
 *     they do not reset it.
 *  5. Time share: the share of the history's time covered by consistent
 *     intervals, so a burst of regular check-ins inside a long silence
 *     cannot pass.  A long gap of at least conf->off_min_us (1 h) between
 *     consistent intervals is an off period (working hours, a sleeping
 *     laptop) and left out; so is a leading one when the pair shows other
 *     off periods or older check-ins existed.  A gap after an isolated
 *     check-in counts against.  Silence since the newest check-in counts
 *     against once longer than a long gap (the beacon stopped).
 *  6. Persistence: the verdict needs the pair regular (confidence and time
 *     share holding at every evaluation) for conf->min_span_us (20 min),
 *     counted from the oldest check-in of the first passing history and
 *     restarted after off periods.  Human sessions can look like a 50 %
 *     jittered 10 s beacon for minutes; beacons persist.  The streak is the
 *     one piece of state the evaluation writes (struct beacon_hist).
 * A pair is periodic when it has at least conf->min_checkins check-ins, a
 * period within [min_period_us, max_period_us], and at some tolerance the
 * confidence >= conf->min_lb, p_random within its threshold and the time
 * share >= conf->min_time_share, for long enough.  The thresholds are set
 * on the labelled benchmark (tests/eval, `make eval`): recall >= 0.95 in
 * every cell of four jitter models x seven sleeps x four jitters up to
 * 50 % x six variants, about 0.2 false alerts per 1,000 benign pairs per
 * day.  Cost: about 15 us per evaluation (x86-64, 32 check-ins).
 */
#ifndef FAASWATCH_BEACON_SCORE_H
#define FAASWATCH_BEACON_SCORE_H

#include <stddef.h>
#include <stdint.h>

/* Check-ins kept per pair (structural; 12 bytes each). */
#define BEACON_HIST_N		32
/* Largest multiple of the period an interval may be (missed check-ins);
 * longer intervals are long gaps. */
#define BEACON_KMAX		3
/* Tolerances tried, in per mille of the period. */
#define BEACON_TOL_GRID		{ 40, 80, 150, 250, 400, 600 }
#define BEACON_TOL_N		6
/* Multiples (missed check-ins) are recognised up to this tolerance, */
#define BEACON_MULT_TOL_MAX	0.3
/* split periods (an extra check-in) up to this one. */
#define BEACON_SPLIT_TOL_MAX	0.1
/* Agreement within which intervals elect the mode period candidate, and
 * how often (in check-ins) it is searched again. */
#define BEACON_MODE_TOL		0.1
#define BEACON_MODE_EVERY	4
/* Beyond it, this share of the intervals may be taken for multiples. */
#define BEACON_WIDE_MISSED	0.2

/* Defaults of struct score_conf (configurable). */
#define BEACON_MERGE_US		5000000ULL	/* merge window */
#define BEACON_MERGE_FRAC	0.3		/* of the period, at most */
#define BEACON_ABS_TOL_US	1000000ULL	/* tolerance floor */
#define BEACON_MIN_CHECKINS	8
#define BEACON_MIN_PERIOD_US	5000000ULL	/* 5 s */
#define BEACON_MAX_PERIOD_US	(2ULL * 86400 * 1000000)	/* 2 days */
#define BEACON_Z		1.645		/* one-sided 95 % */
#define BEACON_MIN_LB		0.7
#define BEACON_MAX_P_RANDOM_DAY	3e-4	/* see max_p_random_day */
#define BEACON_P_MIN		1e-9	/* bounds of the evidence threshold */
#define BEACON_P_MAX		1e-3
#define BEACON_MIN_TIME_SHARE	0.75
#define BEACON_MATCH_TOL	0.1		/* periods "the same" */
#define BEACON_OFF_MIN_US	(3600ULL * 1000000)	/* shortest off period */
#define BEACON_MIN_SPAN_US	(1200ULL * 1000000)	/* regular this long */
/* A check-in whose bytes exceed this many times the median is tasking. */
#define BEACON_TASKING_FACTOR	10

struct beacon_hist {
	uint64_t	base_us;	/* origin of t_ms[] */
	uint64_t	first_us;	/* first check-in ever, 0 = none */
	uint32_t	t_ms[BEACON_HIST_N];	/* check-in start - base, ms */
	uint32_t	up[BEACON_HIST_N];	/* bytes, saturating */
	uint32_t	down[BEACON_HIST_N];
	uint32_t	last_ms;	/* latest connection of the newest
					   check-in (the merge chain) */
	uint32_t	total;		/* check-ins ever, saturating */
	uint32_t	streak_s;	/* Unix s: start of the current regular
					   streak, 0 = none (beacon_score_eval) */
	uint32_t	mode_ms;	/* cached mode period candidate, ms */
	uint8_t		head;		/* ring index of the oldest */
	uint8_t		count;		/* check-ins held */
	uint8_t		dropped;	/* late records dropped, saturating */
};

struct score_conf {
	uint64_t	merge_us;
	double		merge_frac;
	uint64_t	abs_tol_us;
	uint32_t	min_checkins;
	uint64_t	min_period_us, max_period_us;
	double		z;
	double		min_lb;
	double		max_p_random_day;	/* evidence threshold per day:
					   p_random <= this x the history's
					   span / 1 day, in [P_MIN, P_MAX] */
	double		min_time_share;
	double		match_tol;
	uint64_t	off_min_us;
	uint64_t	min_span_us;
};

enum beacon_sev {
	BEACON_SEV_NONE,	/* not periodic */
	BEACON_SEV_LOW,		/* regular, evidence still short: watch */
	BEACON_SEV_MEDIUM,	/* periodic */
	BEACON_SEV_HIGH,	/* periodic, confidence >= 0.8 over >= 16
				   check-ins */
};

/* Why a pair is not periodic (BEACON_WHY_OK when it is). */
enum beacon_why {
	BEACON_WHY_OK,
	BEACON_WHY_FEW,		/* fewer than min_checkins check-ins */
	BEACON_WHY_PERIOD,	/* period outside [min, max] */
	BEACON_WHY_IRREGULAR,	/* confidence below min_lb */
	BEACON_WHY_EVIDENCE,	/* regular, but random timing could be */
	BEACON_WHY_BURST,	/* regular only in part of the time */
	BEACON_WHY_STALE,	/* silent for more than a long gap */
	BEACON_WHY_YOUNG,	/* regular for less than min_span_us */
};

struct score_result {
	int		periodic;	/* the verdict: 1 or 0 */
	enum beacon_why	why;
	enum beacon_sev	severity;	/* a suggestion */
	double		score;		/* [0,1]: confidence x time share x
					   evidence, for ranking */
	double		confidence;	/* Wilson lower bound of share */

	/* timing */
	uint64_t	period_us;	/* fundamental period */
	uint64_t	median_us;	/* median interval */
	double		jitter;		/* +- fraction of the period */
	double		tolerance;	/* +- fraction used for the figures */
	double		share;		/* consistent / counted intervals */
	double		time_share;	/* consistent time / counted time */
	double		p_random;	/* chance random timing is as regular */
	double		p_max;		/* the threshold it was held to */
	uint32_t	checkins;	/* in the history */
	uint32_t	total;		/* ever */
	uint32_t	intervals;	/* counted (off periods left out) */
	uint32_t	consistent;	/* of them, within tolerance of kP */
	uint32_t	singles;	/* of those, k = 1 */
	uint32_t	missed;		/* check-ins the multiples imply */
	uint32_t	splits;		/* periods split by an extra check-in */
	uint32_t	short_n;	/* intervals below (1 - t) P */
	uint32_t	off_gaps;	/* long gaps left out as off periods */
	int		stale;		/* open interval counted against */
	uint64_t	regular_us;	/* how long the pair has been regular */
	uint64_t	first_us;	/* oldest check-in held */
	uint64_t	last_us;	/* newest */
	uint64_t	span_us;	/* last - first */
	uint64_t	first_ever_us;

	/* bytes */
	uint32_t	up_median, down_median;
	uint32_t	up_max, down_max;
	uint32_t	tasking;	/* check-ins with >= BEACON_TASKING_FACTOR
					   x the median bytes */
};

/* Fills conf with the defaults above. */
void	beacon_score_defaults(struct score_conf *conf);

/* Empties h (also valid: memset to 0). */
void	beacon_hist_init(struct beacon_hist *h);

/*
 * Adds one connection that started at t_us with the given bytes to h.
 * Returns 1 when it starts a new check-in, 0 when it was merged into one
 * (bytes added), -1 when it was dropped (older than the ring holds when
 * full, or more than 49 days before the newest check-in).  A connection
 * more than 49 days after the newest check-in restarts the history.
 */
int	beacon_hist_add(struct beacon_hist *h, uint64_t t_us, uint64_t up,
	    uint64_t down, const struct score_conf *conf);

/*
 * Evaluates h at now_us (normally the newest check-in's time; later times
 * let silence count) into *r.  Returns r->periodic.  With fewer than 3
 * check-ins every timing figure is 0.  h and conf are only read.
 */
int	beacon_score_eval(struct beacon_hist *h, uint64_t now_us,
	    const struct score_conf *conf, struct score_result *r);

/*
 * Whether two periods are the same for fleet comparison: they differ by at
 * most conf->match_tol of the larger one, widened to the larger of the two
 * jitter estimates (pass 0 when unknown) when that is more, and never less
 * than conf->abs_tol_us.  1 or 0; 0 when either period is 0.
 */
int	beacon_period_match(uint64_t a_us, double a_jitter, uint64_t b_us,
	    double b_jitter, const struct score_conf *conf);

/*
 * Writes one clause explaining r into buf ("32 check-ins over 2.1 d,
 * every 1.0 h +-24 %, ..."), NUL-terminated and truncated to len.  Returns
 * what snprintf returns.
 */
int	beacon_score_describe(const struct score_result *r, char *buf,
	    size_t len);

const char	*beacon_sev_str(enum beacon_sev);
const char	*beacon_why_str(enum beacon_why);

/* Bytes of per-pair state. */
size_t	beacon_hist_bytes(void);

#endif /* FAASWATCH_BEACON_SCORE_H */
