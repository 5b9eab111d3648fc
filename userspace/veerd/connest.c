// SPDX-License-Identifier: GPL-2.0
/*
 * connest.c: per-connection latency exceedance and lifetime (connest.h).
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "connest.h"
#include "fc_models.h"
#include "forecast.h"

/* ---- latency -------------------------------------------------------- */

/*
 * Damped trend: a latency rising now says little about a minute from now,
 * and an undamped trend would extrapolate every small rise into a breach.
 */
#define LAT_PHI	0.9

void lat_params_default(struct lat_params *p)
{
	p->alpha = 0.3;
	p->beta = 0.1;
	p->var_alpha = 0.1;
	p->min_samples = 5;
}

void lat_est_init(struct lat_est *e)
{
	memset(e, 0, sizeof(*e));
}

int lat_est_update(struct lat_est *e, const struct lat_params *p, double x)
{
	double prev, err, w;

	if (!isfinite(x) || x < 0 || x > FC_VALUE_MAX)
		return -EINVAL;
	if (!e->n++) {
		e->level = x;
		return 0;
	}
	err = x - (e->level + LAT_PHI * e->trend);
	w = 1.0 / (e->n - 1) > p->var_alpha ? 1.0 / (e->n - 1) : p->var_alpha;
	e->var += w * (err * err - e->var);
	prev = e->level;
	e->level = p->alpha * x + (1 - p->alpha) *
		   (e->level + LAT_PHI * e->trend);
	e->trend = p->beta * (e->level - prev) +
		   (1 - p->beta) * LAT_PHI * e->trend;
	return 0;
}

static double lat_mean(const struct lat_est *e, unsigned int h)
{
	double sum = LAT_PHI * (1 - pow(LAT_PHI, h)) / (1 - LAT_PHI);

	return e->level + sum * e->trend;
}

double lat_est_prob_exceed(const struct lat_est *e,
			   const struct lat_params *p, double thresh,
			   unsigned int horizon)
{
	double best = 0, pr, sd, mean;
	unsigned int h;

	if (e->n < p->min_samples || e->n < 2 || !horizon)
		return 0;
	for (h = 1;; h = h < 4 ? h + 1 : h * 2) {
		if (h > horizon)
			h = horizon;
		mean = lat_mean(e, h);
		sd = sqrt(e->var * fc_holt_var_ratio(p->alpha, p->beta, h));
		if (sd > 0)
			pr = fc_norm_cdf((mean - thresh) / sd);
		else
			pr = mean > thresh;
		if (pr > best)
			best = pr;
		if (h == horizon)
			break;
	}
	return best;
}

/* ---- lifetime ------------------------------------------------------- */

void life_init(struct life_model *m, double scale, double decay)
{
	memset(m, 0, sizeof(*m));
	m->scale = scale > 0 ? scale : 1.0;
	m->decay = decay > 0 && decay <= 1 ? decay : 1.0;
}

static double bin_lo(unsigned int i)
{
	return i ? LIFE_T0 * exp2(i / 2.0) : 0;
}

static double bin_hi(unsigned int i)
{
	return LIFE_T0 * exp2((i + 1) / 2.0);
}

static unsigned int bin_of(double t)
{
	double b;

	if (t < bin_hi(0))
		return 0;
	b = floor(2 * log2(t / LIFE_T0));
	return b >= LIFE_BINS ? LIFE_BINS : (unsigned int)b;
}

int life_observe(struct life_model *m, double duration)
{
	unsigned int i;

	if (!isfinite(duration) || duration < 0 || duration > 1e9)
		return -EINVAL;
	if (m->decay < 1) {
		for (i = 0; i <= LIFE_BINS; i++)
			m->count[i] *= m->decay;
		m->total *= m->decay;
		m->lomax_sum *= m->decay;
	}
	m->count[bin_of(duration)] += 1;
	m->total += 1;
	m->lomax_sum += log1p(duration / m->scale);
	m->seen++;
	return 0;
}

/*
 * MLE of alpha for a Lomax of known scale is n / sum ln(1 + t / scale);
 * one pseudo-observation at alpha = 1 (the classic heavy web tail) keeps
 * it finite and sane with little or no data.
 */
double life_alpha(const struct life_model *m)
{
	return (m->total + 1) / (m->lomax_sum + 1);
}

static double lomax(const struct life_model *m, double t)
{
	return pow(1 + t / m->scale, -life_alpha(m));
}

/* Observations beyond t (log-uniform within t's bin). */
static double count_above(const struct life_model *m, double t)
{
	unsigned int b = bin_of(t), i;
	double above = 0, lo, hi, frac;

	for (i = b + 1; i <= LIFE_BINS; i++)
		above += m->count[i];
	if (b == LIFE_BINS)
		return above + m->count[b];
	lo = bin_lo(b);
	hi = bin_hi(b);
	if (t <= lo || b == 0)
		frac = 1 - t / hi;	/* bin 0 starts at 0: linear */
	else
		frac = 1 - log(t / lo) / log(hi / lo);
	return above + m->count[b] * frac;
}

/* Where the empirical tail gets too thin: LIFE_MIN_TAIL beyond it. */
static double splice_point(const struct life_model *m)
{
	double above = 0;
	int i;

	for (i = LIFE_BINS; i >= 0; i--) {
		if (above + m->count[i] >= LIFE_MIN_TAIL)
			return i == LIFE_BINS ? bin_lo(LIFE_BINS) :
			       bin_hi(i) - (bin_hi(i) - bin_lo(i)) *
			       (LIFE_MIN_TAIL - above) / m->count[i];
		above += m->count[i];
	}
	return 0;
}

double life_survival(const struct life_model *m, double t)
{
	double ts, s_ts;

	if (t <= 0)
		return 1;
	if (m->total < LIFE_MIN_TAIL)
		return lomax(m, t);
	ts = splice_point(m);
	if (t <= ts)
		return count_above(m, t) / m->total;
	s_ts = count_above(m, ts) / m->total;
	return s_ts * lomax(m, t) / lomax(m, ts);
}

double life_p_remaining(const struct life_model *m, double age, double r)
{
	double sa;

	if (!(age >= 0) || !(r >= 0))
		return NAN;
	sa = life_survival(m, age);
	if (!(sa > 0))
		return 0;
	return fmin(1, life_survival(m, age + r) / sa);
}

double life_remaining(const struct life_model *m, double age, double conf)
{
	double lo = 0, hi = 1e9, mid;
	int i;

	if (!(age >= 0) || !(conf > 0 && conf < 1))
		return NAN;
	if (life_p_remaining(m, age, 0) < conf)
		return 0;
	if (life_p_remaining(m, age, hi) >= conf)
		return hi;
	/* S is monotone: bisect, geometrically since r spans decades. */
	for (i = 0; i < 100 && hi - lo > 1e-6 * (1 + lo); i++) {
		mid = lo > 0 ? sqrt(lo * hi) : hi / 1024;
		if (mid <= lo || mid >= hi)
			mid = (lo + hi) / 2;
		if (life_p_remaining(m, age, mid) >= conf)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}
