// SPDX-License-Identifier: GPL-2.0
/*
 * forecast.c: one series: all models, out-of-sample errors, selection,
 * calibrated intervals and the anomaly band.  See forecast.h.
 *
 * Bookkeeping of pending forecasts: for tracked horizon k (h = horizons[k])
 * a ring of h slots holds the forecasts made at each of the last h steps.
 * The forecast made at step t for t + h sits in slot t % h; when the value
 * of step t + h arrives, the same slot is read (checked against the actual)
 * and then overwritten with the forecast made at t + h.  So each update
 * touches exactly one slot per tracked horizon.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fc_models.h"
#include "forecast.h"

/* Errors a model needs at a horizon before its intervals count. */
#define FC_CALIB_MIN	10

/* A pending forecast of every model, and the interval that was published. */
struct fc_slot {
	float f[FC_NMODELS];	/* NAN: the model was not ready */
	float mean, half;	/* published mean and half-width */
};

struct fc_err {
	double mae, mse;
	uint64_t n;
};

/* One-step MAE forgotten fast: what selection looks at during a surge. */
struct fc_fast {
	double mae;
	uint64_t n;
};

struct fc_series {
	struct fc_params p;
	uint64_t t;			/* values seen */
	double last;

	struct fc_ewma ewma;
	struct fc_holt holt;
	struct fc_hw hw;
	struct fc_ar ar;

	struct fc_err err[FC_NMODELS][FC_NHORIZ];
	struct fc_fast fast[FC_NMODELS];
	struct fc_slot *ring[FC_NHORIZ];

	enum fc_model sel;
	unsigned int switches;

	/*
	 * Calibration: z used for the published intervals, per horizon,
	 * moved by a constant factor up after a miss and down after a hit.
	 */
	double z_nom, z_min, z_max, z_up, z_down;
	double z[FC_NHORIZ];
	uint64_t cov_hit[FC_NHORIZ], cov_n[FC_NHORIZ];

	/* Lag-1 autocorrelation of the published one-step errors. */
	double ac0, ac1, prev_err;
	uint64_t ac_n;

	/* Brutlag band. */
	double dev;
	uint64_t dev_n;
	uint32_t out_bits;		/* surge history, newest in bit 0 */
	uint32_t any_bits;		/* out of band either way */
	uint32_t big_bits;		/* out by twice the band or more */
	struct fc_anomaly anom;
};

static const char *const model_names[FC_NMODELS] = {
	[FC_EWMA] = "ewma",
	[FC_HOLT] = "holt",
	[FC_HW] = "hw",
	[FC_AR] = "ar",
	[FC_NAIVE] = "naive",
};

const char *fc_model_name(enum fc_model m)
{
	return (unsigned int)m < FC_NMODELS ? model_names[m] : "?";
}

int fc_model_parse(const char *name)
{
	int i;

	for (i = 0; i < FC_NMODELS; i++)
		if (!strcmp(name, model_names[i]))
			return i;
	return -1;
}

/* ---- normal distribution -------------------------------------------- */

double fc_norm_cdf(double x)
{
	return 0.5 * erfc(-x / M_SQRT2);
}

/*
 * Acklam's rational approximation (relative error 1.2e-9) polished by one
 * Newton step on erfc, which brings it to double precision.
 */
double fc_norm_quantile(double p)
{
	static const double a[] = { -3.969683028665376e+01,
		2.209460984245205e+02, -2.759285104469687e+02,
		1.383577518672690e+02, -3.066479806614716e+01,
		2.506628277459239e+00 };
	static const double b[] = { -5.447609879822406e+01,
		1.615858368580409e+02, -1.556989798598866e+02,
		6.680131188771972e+01, -1.328068155288572e+01 };
	static const double c[] = { -7.784894002430293e-03,
		-3.223964580411365e-01, -2.400758277161838e+00,
		-2.549732539343734e+00, 4.374664141464968e+00,
		2.938163982698783e+00 };
	static const double d[] = { 7.784695709041462e-03,
		3.224671290700398e-01, 2.445134137142996e+00,
		3.754408661907416e+00 };
	const double lo = 0.02425;
	double q, r, x;

	if (!(p > 0))
		return -INFINITY;
	if (!(p < 1))
		return INFINITY;
	if (p < lo || p > 1 - lo) {
		q = sqrt(-2 * log(p < lo ? p : 1 - p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q +
		      c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
		if (p > 1 - lo)
			x = -x;
	} else {
		q = p - 0.5;
		r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r +
		      a[4]) * r + a[5]) * q /
		    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r +
		      b[4]) * r + 1);
	}
	r = fc_norm_cdf(x) - p;
	return x - r * sqrt(2 * M_PI) * exp(x * x / 2);
}

/* ---- parameters ----------------------------------------------------- */

void fc_params_default(struct fc_params *p)
{
	memset(p, 0, sizeof(*p));
	p->models = FC_MASK_DEFAULT;
	p->ewma_alpha = 0.3;
	p->holt_alpha = 0.4;
	p->holt_beta = 0.1;
	p->holt_phi = 0.97;
	p->hw_alpha = 0.2;
	p->hw_beta = 0.01;
	p->hw_gamma = 0.1;
	p->hw_period = 0;
	p->ar_order = 6;
	p->ar_window = 512;
	p->ar_refit = 64;
	p->horizons[0] = 1;
	p->horizons[1] = 11;
	p->horizons[2] = 120;
	p->err_alpha = 0.01;
	p->fast_alpha = 0.3;
	p->select_min = 30;
	p->select_margin = 0.10;
	p->level = 0.90;
	p->aci_rate = 0.02;
	p->nonneg = true;
	p->anom_gamma = 0.05;
	p->anom_delta = 3.0;
	p->anom_need = 1;
	p->anom_window = 1;
	p->anom_warmup = 30;
}

static bool in01(double x, bool zero_ok)
{
	return (zero_ok ? x >= 0 : x > 0) && x <= 1;
}

static const char *check_smoothing(const struct fc_params *p)
{
	if (!in01(p->ewma_alpha, false) || !in01(p->holt_alpha, false) ||
	    !in01(p->hw_alpha, false))
		return "smoothing alpha must be in (0, 1]";
	if (!in01(p->holt_beta, true) || !in01(p->hw_beta, true) ||
	    !in01(p->hw_gamma, true))
		return "smoothing beta/gamma must be in [0, 1]";
	if (!(p->holt_phi >= 0.5 && p->holt_phi <= 1))
		return "holt phi must be in [0.5, 1]";
	return NULL;
}

static const char *check_sizes(const struct fc_params *p)
{
	unsigned int k;

	if (!p->models || (p->models & ~FC_MASK_ALL))
		return "no model enabled, or an unknown model";
	if (p->hw_period > FC_PERIOD_MAX ||
	    ((p->models & FC_MASK(FC_HW)) && p->hw_period == 1))
		return "hw period out of range";
	if (p->ar_order < 1 || p->ar_order > FC_AR_MAX)
		return "ar order must be in [1, 16]";
	if (p->ar_window < 4 * p->ar_order || p->ar_window > 1000000)
		return "ar window must be at least 4 * order";
	if (p->ar_refit < 1)
		return "ar refit must be >= 1";
	if (p->horizons[0] != 1)
		return "the first tracked horizon must be 1";
	for (k = 1; k < FC_NHORIZ; k++)
		if (p->horizons[k] < p->horizons[k - 1] ||
		    p->horizons[k] > FC_HORIZON_MAX)
			return "tracked horizons must ascend, <= 100000";
	return NULL;
}

static const char *check_rest(const struct fc_params *p)
{
	if (!in01(p->err_alpha, false) || !in01(p->fast_alpha, false))
		return "error weights must be in (0, 1]";
	if (!(p->select_margin >= 0 && p->select_margin < 1))
		return "selection margin must be in [0, 1)";
	if (!(p->level >= 0.5 && p->level < 1))
		return "interval level must be in [0.5, 1)";
	if (!(p->aci_rate >= 0 && p->aci_rate <= 1))
		return "calibration rate must be in [0, 1]";
	if (!in01(p->anom_gamma, false) || !(p->anom_delta > 0 &&
					     p->anom_delta <= 100))
		return "anomaly gamma in (0, 1], delta in (0, 100]";
	if (!(p->anom_floor >= 0 && p->anom_floor <= FC_VALUE_MAX))
		return "anomaly floor in [0, 1e15]";
	if (p->anom_window < 1 || p->anom_window > 32 ||
	    p->anom_need < 1 || p->anom_need > p->anom_window)
		return "anomaly needs 1 <= need <= window <= 32";
	return NULL;
}

int fc_params_check(const struct fc_params *p, const char **why)
{
	const char *msg = check_smoothing(p);

	if (!msg)
		msg = check_sizes(p);
	if (!msg)
		msg = check_rest(p);
	if (why)
		*why = msg;
	return msg ? -EINVAL : 0;
}

/* ---- construction --------------------------------------------------- */

static size_t ring_slots(const struct fc_params *p)
{
	size_t n = 0;
	unsigned int k;

	for (k = 0; k < FC_NHORIZ; k++)
		n += p->horizons[k];
	return n;
}

static bool hw_on(const struct fc_params *p)
{
	return (p->models & FC_MASK(FC_HW)) && p->hw_period > 1;
}

size_t fc_series_size(const struct fc_params *p)
{
	size_t n = sizeof(struct fc_series);

	n += ring_slots(p) * sizeof(struct fc_slot);
	n += (hw_on(p) ? p->hw_period : 0) * sizeof(double);
	n += 2 * (size_t)p->ar_window * sizeof(double);
	return n;
}

struct fc_series *fc_series_new(const struct fc_params *p)
{
	struct fc_series *s;

	if (fc_params_check(p, NULL))
		return NULL;
	s = calloc(1, fc_series_size(p));
	if (!s)
		return NULL;
	s->p = *p;
	fc_series_reset(s);
	return s;
}

void fc_series_free(struct fc_series *s)
{
	free(s);
}

static void reset_rings(struct fc_series *s, char *mem)
{
	struct fc_slot *slot = (struct fc_slot *)mem;
	size_t i, n = ring_slots(&s->p);
	unsigned int k, m;

	for (k = 0; k < FC_NHORIZ; k++) {
		s->ring[k] = slot;
		slot += s->p.horizons[k];
	}
	slot = s->ring[0];
	for (i = 0; i < n; i++) {
		for (m = 0; m < FC_NMODELS; m++)
			slot[i].f[m] = NAN;
		slot[i].mean = NAN;
		slot[i].half = NAN;
	}
}

void fc_series_reset(struct fc_series *s)
{
	const struct fc_params *p = &s->p;
	char *mem = (char *)(s + 1);
	double *hw_season, *ar_buf;
	unsigned int k;

	memset((char *)s + sizeof(s->p), 0, sizeof(*s) - sizeof(s->p));
	reset_rings(s, mem);
	mem += ring_slots(p) * sizeof(struct fc_slot);
	hw_season = hw_on(p) ? (double *)mem : NULL;
	mem += (hw_on(p) ? p->hw_period : 0) * sizeof(double);
	ar_buf = (double *)mem;

	fc_ewma_init(&s->ewma, p->ewma_alpha);
	fc_holt_init(&s->holt, p->holt_alpha, p->holt_beta, p->holt_phi,
		     s->p.horizons);
	fc_hw_init(&s->hw, p->hw_alpha, p->hw_beta, p->hw_gamma,
		   hw_season ? p->hw_period : 0, hw_season);
	fc_ar_init(&s->ar, p->ar_order, p->ar_window, p->ar_refit, ar_buf,
		   s->p.horizons);
	s->sel = FC_EWMA;
	if (!(p->models & FC_MASK(FC_EWMA)))
		s->sel = (enum fc_model)__builtin_ctz(p->models);
	s->z_nom = fc_norm_quantile(0.5 + p->level / 2);
	/* Bounded: a constant series would drive z to zero. */
	s->z_min = s->z_nom * 0.1;
	s->z_max = s->z_nom * 20;
	s->z_up = exp(p->aci_rate * p->level);
	s->z_down = exp(-p->aci_rate * (1 - p->level));
	for (k = 0; k < FC_NHORIZ; k++)
		s->z[k] = s->z_nom;
}

/* ---- models, uniformly ---------------------------------------------- */

static bool model_on(const struct fc_series *s, enum fc_model m)
{
	return s->p.models & FC_MASK(m);
}

static bool model_ready(const struct fc_series *s, enum fc_model m)
{
	if (!model_on(s, m) || !s->t)
		return false;
	switch (m) {
	case FC_HW:
		return fc_hw_ready(&s->hw);
	case FC_AR:
		return fc_ar_ready(&s->ar);
	default:
		return true;
	}
}

static double model_forecast(const struct fc_series *s, enum fc_model m,
			     unsigned int h)
{
	switch (m) {
	case FC_EWMA:
		return fc_ewma_forecast(&s->ewma);
	case FC_HOLT:
		return fc_holt_forecast(&s->holt, h);
	case FC_HW:
		return fc_hw_forecast(&s->hw, h);
	case FC_AR:
		return fc_ar_forecast(&s->ar, h);
	default:
		return s->last;
	}
}

/* The same at tracked horizon k, without the O(h) AR recursion. */
static double model_forecast_tracked(const struct fc_series *s,
				     enum fc_model m, unsigned int k)
{
	if (m == FC_AR)
		return fc_ar_forecast_tracked(&s->ar, k);
	if (m == FC_HOLT)
		return fc_holt_forecast_tracked(&s->holt, k);
	return model_forecast(s, m, s->p.horizons[k]);
}

static double model_var_ratio(const struct fc_series *s, enum fc_model m,
			      unsigned int h)
{
	switch (m) {
	case FC_EWMA:
		return fc_ewma_var_ratio(&s->ewma, h);
	case FC_HOLT:
		return fc_holt_var_ratio(s->p.holt_alpha, s->p.holt_beta, h);
	case FC_HW:
		return fc_hw_var_ratio(&s->hw, h);
	case FC_AR:
		return fc_ar_var_ratio(&s->ar, h);
	default:
		return h;
	}
}

static void models_update(struct fc_series *s, double y)
{
	if (model_on(s, FC_EWMA))
		fc_ewma_update(&s->ewma, y);
	if (model_on(s, FC_HOLT))
		fc_holt_update(&s->holt, y);
	if (model_on(s, FC_HW))
		fc_hw_update(&s->hw, y);
	if (model_on(s, FC_AR))
		fc_ar_update(&s->ar, y);
}

/* ---- errors, selection, calibration --------------------------------- */

static void err_add(struct fc_err *e, double alpha, double err)
{
	double w;

	e->n++;
	/* Plain mean until 1/alpha samples: no bias towards zero. */
	w = 1.0 / e->n > alpha ? 1.0 / e->n : alpha;
	e->mae += w * (fabs(err) - e->mae);
	e->mse += w * (err * err - e->mse);
}

static unsigned int popcount32(uint32_t x)
{
	return __builtin_popcount(x);
}

static void fast_add(struct fc_fast *f, double alpha, double err)
{
	f->n++;
	f->mae += (1.0 / f->n > alpha ? 1.0 / f->n : alpha) *
		  (fabs(err) - f->mae);
}

static bool eligible(const struct fc_series *s, enum fc_model m)
{
	return model_ready(s, m) &&
	       s->err[m][FC_NHORIZ - 1].n >= s->p.select_min;
}

/*
 * Score: MAE at each tracked horizon relative to the mean MAE of the
 * eligible models there, summed over horizons, so short and long horizons
 * weigh the same whatever their error scale.
 *
 * When values left the anomaly band (either way) at least FC_REGIME_NEED
 * times within the last FC_REGIME_STEPS steps (once is just noise: about
 * 2% of points do on white noise), or once by twice the band (a jump no
 * noise makes), the series is changing regime and errors averaged
 * over the past hundred steps describe the old one: the score is then the
 * one-step MAE forgotten within a few steps, so a model that follows the
 * surge or the decay (a trend) takes over at once.
 */
#define FC_REGIME_STEPS	8
#define FC_REGIME_NEED	2
#define FC_REGIME_MASK	((1U << FC_REGIME_STEPS) - 1)

static double model_score(const struct fc_series *s, enum fc_model m,
			  const double *mean, unsigned int n)
{
	double score = 0;
	unsigned int k;

	if (popcount32(s->any_bits & FC_REGIME_MASK) >= FC_REGIME_NEED ||
	    (s->big_bits & FC_REGIME_MASK))
		return s->fast[m].mae;
	for (k = 0; k < FC_NHORIZ; k++)
		score += s->err[m][k].mae / (mean[k] / n + 1e-300);
	return score;
}

static void select_model(struct fc_series *s)
{
	double mean[FC_NHORIZ] = { 0 }, score[FC_NMODELS], best_score;
	unsigned int k, n = 0;
	int m, best = -1;

	for (m = 0; m < FC_NMODELS; m++) {
		if (!eligible(s, m))
			continue;
		n++;
		for (k = 0; k < FC_NHORIZ; k++)
			mean[k] += s->err[m][k].mae;
	}
	if (!n)
		return;
	for (m = 0; m < FC_NMODELS; m++) {
		if (!eligible(s, m))
			continue;
		score[m] = model_score(s, m, mean, n);
		if (best < 0 || score[m] < score[best])
			best = m;
	}
	best_score = score[best];
	if (best == (int)s->sel)
		return;
	if (eligible(s, s->sel) &&
	    best_score >= (1 - s->p.select_margin) * score[s->sel])
		return;
	s->sel = best;
	s->switches++;
}

static void calib_check(struct fc_series *s, unsigned int k,
			const struct fc_slot *slot, double y)
{
	bool miss;

	if (isnan(slot->mean))
		return;
	miss = fabs(y - slot->mean) > slot->half;
	s->cov_n[k]++;
	s->cov_hit[k] += !miss;
	/*
	 * ACI on log z: + rate * (1 - miss target) after a miss, - rate *
	 * target after a hit, so z settles where the miss rate is 1 - level.
	 */
	if (miss)
		s->z[k] = fmin(s->z[k] * s->z_up, s->z_max);
	else
		s->z[k] = fmax(s->z[k] * s->z_down, s->z_min);
}

/* Check every pending forecast that targets this value. */
static void check_pending(struct fc_series *s, double y)
{
	const struct fc_slot *slot;
	unsigned int k, h;
	int m;

	for (k = 0; k < FC_NHORIZ; k++) {
		h = s->p.horizons[k];
		if (s->t < h)
			continue;
		slot = &s->ring[k][s->t % h];
		for (m = 0; m < FC_NMODELS; m++) {
			if (isnan(slot->f[m]))
				continue;
			err_add(&s->err[m][k], s->p.err_alpha, y - slot->f[m]);
			if (k == 0)
				fast_add(&s->fast[m], s->p.fast_alpha,
					 y - slot->f[m]);
		}
		calib_check(s, k, slot, y);
	}
}

/* Measured h-step RMSE of model m, interpolated between tracked horizons
 * (log-log) and extrapolated with the model's variance shape. */
static double model_rmse(const struct fc_series *s, enum fc_model m,
			 unsigned int h)
{
	const unsigned int *hz = s->p.horizons;
	double r0, r1, x;
	unsigned int k;

	for (k = 0; k < FC_NHORIZ; k++)
		if (hz[k] >= h)
			break;
	if (k == FC_NHORIZ) {
		k = FC_NHORIZ - 1;
		r0 = sqrt(s->err[m][k].mse);
		return r0 * sqrt(model_var_ratio(s, m, h) /
				 model_var_ratio(s, m, hz[k]));
	}
	r1 = sqrt(s->err[m][k].mse);
	if (hz[k] == h || k == 0)
		return r1;
	r0 = sqrt(s->err[m][k - 1].mse);
	if (r0 <= 0 || r1 <= 0)
		return r0 > r1 ? r0 : r1;
	x = log((double)h / hz[k - 1]) / log((double)hz[k] / hz[k - 1]);
	return exp(log(r0) + x * (log(r1) - log(r0)));
}

/* The calibrated z at horizon h, interpolated in log h. */
static double calib_z(const struct fc_series *s, unsigned int h)
{
	const unsigned int *hz = s->p.horizons;
	unsigned int k;
	double x;

	for (k = 0; k < FC_NHORIZ; k++)
		if (hz[k] >= h)
			break;
	if (k == FC_NHORIZ)
		return s->z[FC_NHORIZ - 1];
	if (hz[k] == h || k == 0)
		return s->z[k];
	x = log((double)h / hz[k - 1]) / log((double)hz[k] / hz[k - 1]);
	return s->z[k - 1] * pow(s->z[k] / s->z[k - 1], x);
}

/* Before any error is known, a scale from the data keeps intervals sane. */
static double sd_floor(const struct fc_series *s)
{
	return 1e-9 * (fabs(s->last) + 1e-9);
}

static void fill_point(const struct fc_series *s, enum fc_model m,
		       unsigned int h, double mean, struct fc_point *out)
{
	double z = calib_z(s, h), sd = model_rmse(s, m, h);

	if (!(sd > sd_floor(s)))
		sd = sd_floor(s);
	if (s->p.nonneg && mean < 0)
		mean = 0;
	out->mean = mean;
	out->sd = sd * z / s->z_nom;
	out->lo = mean - z * sd;
	out->hi = mean + z * sd;
	if (s->p.nonneg && out->lo < 0)
		out->lo = 0;
}

/* Record every model's forecast and the published interval. */
static void store_pending(struct fc_series *s)
{
	struct fc_slot *slot;
	struct fc_point pt;
	unsigned int k, h;
	double f;
	int m;

	for (k = 0; k < FC_NHORIZ; k++) {
		h = s->p.horizons[k];
		slot = &s->ring[k][(s->t - 1) % h];
		for (m = 0; m < FC_NMODELS; m++) {
			slot->f[m] = NAN;
			if (!model_ready(s, m))
				continue;
			f = model_forecast_tracked(s, m, k);
			if (s->p.nonneg && f < 0)
				f = 0;
			slot->f[m] = f;
		}
		/*
		 * Publish (and so calibrate) only once the model's error at
		 * this horizon is measured: misses against a zero-width
		 * interval would wind the calibration up for nothing.
		 */
		if (isnan(slot->f[s->sel]) ||
		    s->err[s->sel][k].n < FC_CALIB_MIN) {
			slot->mean = NAN;
			continue;
		}
		fill_point(s, s->sel, h, slot->f[s->sel], &pt);
		slot->mean = pt.mean;
		slot->half = pt.hi - pt.mean;
	}
}

/* ---- anomaly band --------------------------------------------------- */

/*
 * How many consecutive one-step errors are worth one independent one:
 * (1 + rho) / (1 - rho) for AR(1)-like errors, rho the lag-1
 * autocorrelation, tracked with the error weight.
 */
static void resid_autocorr(struct fc_series *s, double e)
{
	double w;

	s->ac_n++;
	w = 1.0 / s->ac_n > s->p.err_alpha ? 1.0 / s->ac_n : s->p.err_alpha;
	s->ac0 += w * (e * e - s->ac0);
	if (s->ac_n > 1)
		s->ac1 += w * (e * s->prev_err - s->ac1);
	s->prev_err = e;
}

static double resid_span(const struct fc_series *s)
{
	double rho = s->ac0 > 0 ? s->ac1 / s->ac0 : 0;

	if (!(rho > 0))
		rho = 0;
	if (rho > 0.98)
		rho = 0.98;
	return (1 + rho) / (1 - rho);
}

/*
 * Brutlag (2000): d_t = gamma |y - yhat| + (1 - gamma) d_{t-1}; a point is
 * out of band beyond yhat +- delta d.  Checked against the deviation
 * before this point updates it, like the forecast itself.
 */
static void anomaly_check(struct fc_series *s, double y)
{
	struct fc_anomaly *a = &s->anom;
	const struct fc_slot *slot;
	double yhat, width, w;
	uint32_t mask;
	bool out;

	a->surge = a->drop = false;
	a->severity = 0;
	if (!s->t)
		return;
	slot = &s->ring[0][0];
	yhat = slot->mean;
	if (isnan(yhat))
		return;
	width = s->p.anom_delta * s->dev;
	/* Regime changes (model selection, below) see the band as it is. */
	out = s->dev_n >= s->p.anom_warmup && fabs(y - yhat) > width;
	s->any_bits = (s->any_bits << 1) | out;
	s->big_bits = (s->big_bits << 1) | (out && fabs(y - yhat) >= 2 * width);
	/* The alarm does not: a flat series has no deviation, and without a
	 * floor any change at all (an idle service's first connections)
	 * would be a surge. */
	if (width < s->p.anom_floor)
		width = s->p.anom_floor;
	a->expected = yhat;
	a->upper = yhat + width;
	a->lower = yhat - width;
	if (s->dev_n >= s->p.anom_warmup) {
		a->surge = y > a->upper;
		a->drop = y < a->lower;
	}
	if (a->surge) {
		a->severity = (y - yhat) / (width > 0 ? width : 1e-300) - 1;
		if (a->severity > 5)
			a->severity = 5;
	}
	s->out_bits = (s->out_bits << 1) | a->surge;
	mask = s->p.anom_window >= 32 ? ~0U : (1U << s->p.anom_window) - 1;
	a->active = popcount32(s->out_bits & mask) >= s->p.anom_need;

	s->dev_n++;
	w = 1.0 / s->dev_n > s->p.anom_gamma ? 1.0 / s->dev_n :
					       s->p.anom_gamma;
	s->dev += w * (fabs(y - yhat) - s->dev);
	resid_autocorr(s, y - yhat);
}

/* ---- update and queries --------------------------------------------- */

int fc_update(struct fc_series *s, double y)
{
	if (!isfinite(y) || fabs(y) > FC_VALUE_MAX)
		return -EINVAL;
	check_pending(s, y);
	anomaly_check(s, y);
	models_update(s, y);
	s->last = y;
	s->t++;
	select_model(s);
	store_pending(s);
	return 0;
}

int fc_forecast_model(const struct fc_series *s, enum fc_model m,
		      unsigned int h, struct fc_point *out)
{
	if ((unsigned int)m >= FC_NMODELS || !h || h > FC_HORIZON_MAX)
		return -EINVAL;
	if (!model_ready(s, m))
		return -EAGAIN;
	fill_point(s, m, h, model_forecast(s, m, h), out);
	return 0;
}

int fc_forecast(const struct fc_series *s, unsigned int h,
		struct fc_point *out)
{
	return fc_forecast_model(s, s->sel, h, out);
}

double fc_prob_above(const struct fc_point *f, double thresh)
{
	if (!(f->sd > 0))
		return f->mean > thresh ? 1.0 : 0.0;
	return fc_norm_cdf((f->mean - thresh) / f->sd);
}

/* 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, ... then the horizon itself. */
static unsigned int next_grid(unsigned int h)
{
	unsigned int p = 1;

	if (h < 4)
		return h + 1;
	while (p * 2 <= h)
		p *= 2;
	return h < p + p / 2 ? p + p / 2 : 2 * p;
}

/*
 * P(any value within the horizon exceeds thresh).  The marginal
 * P(y[t+h] > thresh) at each h says little about that: on a noisy series
 * a level 2 sd under the threshold for 100 steps is all but sure to poke
 * above it.  So the h-step error is split into a level error common to
 * all horizons (variance sd_h^2 - sd_1^2, perfectly correlated) and the
 * one-step noise sd_1, independent across blocks of `span` steps (from
 * the errors' autocorrelation).  Given a level shift z, steps are
 * independent: P(none | z) = prod_h (1 - p_h(z))^(n_h / span), with n_h
 * the steps grid point h stands for.
 *
 * The shift is integrated out over BREACH_NODES equally likely nodes,
 * z_j = Phi^-1((j + 1/2) / N) (the midpoint rule on Phi(z)).  Given z, a
 * long horizon is nearly sure to breach or nearly sure not to, so
 * P(any | z) is close to a step in z; Gauss-Hermite quadrature with a few
 * nodes (the first version: 5) turns that step into a staircase of its
 * weights, and the published probability took little else than 0.23, 0.77
 * and 0.99.  With 32 nodes the resolution is 1/32.  P(any | z) rises with
 * z (every lvl_sd >= 0), so only the nodes where it is neither ~0 nor ~1
 * are evaluated: two bisections find them.
 */
#define BREACH_GRID_MAX	64
#define BREACH_NODES	32
#define BREACH_EPS	1e-6

struct grid_pt {
	double mean, lvl_sd, n;
};

static double breach_node[BREACH_NODES];

__attribute__((constructor)) static void breach_nodes_init(void)
{
	unsigned int j;

	for (j = 0; j < BREACH_NODES; j++)
		breach_node[j] = fc_norm_quantile((j + 0.5) / BREACH_NODES);
}

/* P(some step exceeds thresh | level shift z). */
static double prob_any_given(const struct grid_pt *g, unsigned int n,
			     double sd1, double span, double thresh, double z)
{
	double log_none = 0, p;
	unsigned int i;

	for (i = 0; i < n; i++) {
		p = fc_norm_cdf((g[i].mean + g[i].lvl_sd * z - thresh) / sd1);
		if (p >= 1)
			return 1;
		log_none += g[i].n / span * log1p(-p);
		if (log_none < -40)	/* P(none) < 4e-18 */
			return 1;
	}
	return -expm1(log_none);
}

static double prob_any(const struct grid_pt *g, unsigned int n, double sd1,
		       double span, double thresh)
{
	unsigned int lo = 0, hi = BREACH_NODES - 1, a, b, mid, j;
	double total, v;

	/* lo: the last node known ~0; hi: the first known ~1. */
	v = prob_any_given(g, n, sd1, span, thresh, breach_node[hi]);
	if (v < BREACH_EPS)
		return v / BREACH_NODES;
	if (v <= 1 - BREACH_EPS) {
		total = v;
		hi = BREACH_NODES;	/* nothing known ~1 */
	} else {
		total = 0;
	}
	v = prob_any_given(g, n, sd1, span, thresh, breach_node[0]);
	if (v > 1 - BREACH_EPS)
		return 1;
	if (v >= BREACH_EPS) {
		total += v;
		a = 1;		/* first node left to evaluate */
	} else {
		/* Bisect for the last ~0 node. */
		b = hi < BREACH_NODES ? hi : BREACH_NODES - 1;
		while (b - lo > 1) {
			mid = (lo + b) / 2;
			if (prob_any_given(g, n, sd1, span, thresh,
					   breach_node[mid]) < BREACH_EPS)
				lo = mid;
			else
				b = mid;
		}
		a = lo + 1;
	}
	if (hi < BREACH_NODES) {
		/* Bisect for the first ~1 node above a. */
		b = a;
		while (hi - b > 1) {
			mid = (b + hi) / 2;
			if (prob_any_given(g, n, sd1, span, thresh,
					   breach_node[mid]) > 1 - BREACH_EPS)
				hi = mid;
			else
				b = mid;
		}
		total += BREACH_NODES - hi;
	} else {
		hi = BREACH_NODES - 1;	/* evaluated above */
	}
	for (j = a; j < hi; j++)
		total += prob_any_given(g, n, sd1, span, thresh,
					breach_node[j]);
	total /= BREACH_NODES;
	return total > 1 ? 1 : total;
}

/* The grid of forecasts P(any) and the max quantile work on. */
struct breach_grid {
	struct grid_pt g[BREACH_GRID_MAX];
	unsigned int n;
	double sd1, span, sd_max, mean_max;
};

static int build_grid(const struct fc_series *s, unsigned int horizon,
		      struct breach_grid *bg, double thresh,
		      struct fc_breach *out)
{
	struct fc_point pt;
	unsigned int h, prev = 0;
	double pr;
	int err;

	bg->n = 0;
	bg->sd1 = bg->sd_max = 0;
	bg->mean_max = -INFINITY;
	if (!horizon || horizon > FC_HORIZON_MAX)
		return -EINVAL;
	for (h = 1; bg->n < BREACH_GRID_MAX; h = next_grid(h)) {
		if (h > horizon)
			h = horizon;
		err = fc_forecast(s, h, &pt);
		if (err)
			return err;
		if (h == 1)
			bg->sd1 = pt.sd;
		if (out) {
			pr = fc_prob_above(&pt, thresh);
			if (pr > out->prob_max || !out->at) {
				out->prob_max = pr;
				out->at = h;
			}
			out->peak_hi = fmax(out->peak_hi, pt.hi);
		}
		bg->mean_max = fmax(bg->mean_max, pt.mean);
		bg->sd_max = fmax(bg->sd_max, pt.sd);
		bg->g[bg->n].mean = pt.mean;
		bg->g[bg->n].lvl_sd = sqrt(fmax(0, pt.sd * pt.sd -
						 bg->sd1 * bg->sd1));
		bg->g[bg->n++].n = h - prev;
		prev = h;
		if (h == horizon)
			break;
	}
	bg->span = resid_span(s);
	return 0;
}

static double grid_prob(const struct breach_grid *bg, double thresh)
{
	if (!(bg->sd1 > 0))
		return bg->mean_max > thresh;
	return prob_any(bg->g, bg->n, bg->sd1, bg->span, thresh);
}

int fc_breach(const struct fc_series *s, unsigned int horizon,
	      double thresh, struct fc_breach *out)
{
	struct breach_grid bg;
	int err;

	memset(out, 0, sizeof(*out));
	out->peak_hi = out->peak_mean = -INFINITY;
	err = build_grid(s, horizon, &bg, thresh, out);
	if (err)
		return err;
	out->peak_mean = bg.mean_max;
	out->prob = grid_prob(&bg, thresh);
	return 0;
}

/*
 * The level the maximum over the horizon stays under with probability p:
 * P(any > q) = 1 - p, found by bisection (P(any > q) falls with q).
 */
int fc_max_quantile(const struct fc_series *s, unsigned int horizon,
		    double p, double *q)
{
	struct breach_grid bg;
	double lo, hi, mid, f_lo, f_hi = 0, f_mid;
	int err, i, side = 0;

	if (!(p > 0 && p < 1))
		return -EINVAL;
	err = build_grid(s, horizon, &bg, 0, NULL);
	if (err)
		return err;
	lo = bg.mean_max;
	if (!(bg.sd1 > 0)) {
		*q = lo;
		return 0;
	}
	hi = lo + 4 * bg.sd_max;
	for (i = 0; i < 8 && (f_hi = grid_prob(&bg, hi) - (1 - p)) > 0; i++)
		hi += 4 * bg.sd_max;
	if ((f_lo = grid_prob(&bg, lo) - (1 - p)) < 0) {
		lo -= 8 * bg.sd_max;
		f_lo = grid_prob(&bg, lo) - (1 - p);
	}
	/*
	 * Illinois (regula falsi that halves the weight of a stale end):
	 * P(any > q) is smooth and monotone in q, so it converges in a few
	 * steps where bisection took 20 evaluations.
	 */
	for (i = 0; i < 40 && hi - lo > 1e-3 * bg.sd1; i++) {
		if (!(f_lo > 0) || !(f_hi < 0))
			mid = (lo + hi) / 2;
		else
			mid = hi - f_hi * (hi - lo) / (f_hi - f_lo);
		if (!(mid > lo && mid < hi))
			mid = (lo + hi) / 2;
		f_mid = grid_prob(&bg, mid) - (1 - p);
		if (f_mid > 0) {
			lo = mid;
			f_lo = f_mid;
			if (side == 1)
				f_hi /= 2;
			side = 1;
		} else {
			hi = mid;
			f_hi = f_mid;
			if (side == -1)
				f_lo /= 2;
			side = -1;
		}
		if (fabs(f_mid) < 1e-6) {
			hi = mid;
			break;
		}
	}
	*q = hi;
	return 0;
}

enum fc_model fc_selected(const struct fc_series *s)
{
	return s->sel;
}

unsigned int fc_switches(const struct fc_series *s)
{
	return s->switches;
}

uint64_t fc_count(const struct fc_series *s)
{
	return s->t;
}

double fc_last(const struct fc_series *s)
{
	return s->last;
}

int fc_set_anomaly_floor(struct fc_series *s, double floor)
{
	if (!(floor >= 0 && floor <= FC_VALUE_MAX))
		return -EINVAL;
	s->p.anom_floor = floor;
	return 0;
}

const struct fc_anomaly *fc_anomaly(const struct fc_series *s)
{
	return &s->anom;
}

const struct fc_params *fc_series_params(const struct fc_series *s)
{
	return &s->p;
}

void fc_model_stats(const struct fc_series *s, enum fc_model m,
		    struct fc_model_stats *out)
{
	unsigned int k;

	memset(out, 0, sizeof(*out));
	if ((unsigned int)m >= FC_NMODELS)
		return;
	out->ready = model_ready(s, m);
	for (k = 0; k < FC_NHORIZ; k++) {
		out->mae[k] = s->err[m][k].mae;
		out->rmse[k] = sqrt(s->err[m][k].mse);
		out->n[k] = s->err[m][k].n;
	}
}

double fc_coverage(const struct fc_series *s, unsigned int k,
		   uint64_t *checked)
{
	if (k >= FC_NHORIZ)
		return NAN;
	if (checked)
		*checked = s->cov_n[k];
	return s->cov_n[k] ? (double)s->cov_hit[k] / s->cov_n[k] : NAN;
}

double fc_calib_z(const struct fc_series *s, unsigned int k)
{
	return k < FC_NHORIZ ? s->z[k] : NAN;
}

unsigned int fc_ar_coef(const struct fc_series *s, double *phi,
			unsigned int max)
{
	unsigned int n = s->ar.p < max ? s->ar.p : max;

	memcpy(phi, s->ar.phi, n * sizeof(*phi));
	return s->ar.p;
}
