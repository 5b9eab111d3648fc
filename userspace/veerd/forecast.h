/* SPDX-License-Identifier: GPL-2.0 */
/*
 * forecast.h: online forecasting of one time series (veerd).
 *
 * A series is fed one value per step (one step = veerd's cycle, 1 s by
 * default).  Every update runs all enabled models:
 *
 *   EWMA   simple exponential smoothing (level only)
 *   HOLT   Holt's linear method, optionally damped (level + trend)
 *   HW     additive Holt-Winters (level + trend + season of `hw_period`)
 *   AR     AR(p) fitted by Yule-Walker (Levinson-Durbin) on a sliding
 *          window, refitted every `ar_refit` steps
 *   NAIVE  random walk (last value); a baseline, off by default
 *
 * Each model's forecasts at a few tracked horizons are kept until the
 * actual value arrives, so every model carries its own out-of-sample error
 * (exponentially weighted MAE and MSE) per tracked horizon.  The series
 * publishes the forecast of the model with the lowest error, and switches
 * only when another model is better by a margin (hysteresis).
 *
 * Prediction intervals come from the measured h-step errors (the RMSE at
 * the tracked horizons, interpolated in log-log between them and
 * extrapolated with the model's analytic variance shape beyond the last),
 * scaled by a per-horizon factor adapted online so that the published
 * intervals reach their nominal coverage (adaptive conformal inference,
 * Gibbs & Candes 2021).  Probabilities of exceeding a threshold assume a
 * normal forecast error with that calibrated spread.
 *
 * A Brutlag-style deviation band around the one-step forecast flags
 * anomalies: surges above forecast + delta * deviation.
 *
 * Nothing here allocates after fc_series_new(), takes locks or does I/O.
 * Depends on libm only.
 */
#ifndef VEERD_FORECAST_H
#define VEERD_FORECAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fc_model {
	FC_EWMA,
	FC_HOLT,
	FC_HW,
	FC_AR,
	FC_NAIVE,
	FC_NMODELS
};

#define FC_MASK(m)	(1U << (m))
#define FC_MASK_DEFAULT	(FC_MASK(FC_EWMA) | FC_MASK(FC_HOLT) | \
			 FC_MASK(FC_HW) | FC_MASK(FC_AR))
#define FC_MASK_ALL	((1U << FC_NMODELS) - 1)

#define FC_NHORIZ	3	/* tracked horizons per series */
#define FC_HORIZON_MAX	100000	/* steps */
#define FC_AR_MAX	16	/* largest AR order */
#define FC_PERIOD_MAX	(7 * 86400)	/* one week of 1 s steps */
#define FC_VALUE_MAX	1e15	/* larger magnitudes are rejected */

struct fc_params {
	unsigned int models;		/* FC_MASK() bits */
	double ewma_alpha;
	double holt_alpha, holt_beta, holt_phi;	/* phi = 1: undamped */
	double hw_alpha, hw_beta, hw_gamma;
	unsigned int hw_period;		/* steps; 0 disables HW */
	unsigned int ar_order, ar_window, ar_refit;
	/* Tracked horizons, ascending, horizons[0] must be 1. */
	unsigned int horizons[FC_NHORIZ];
	double err_alpha;		/* weight of new errors (EW MAE/MSE) */
	double fast_alpha;		/* same, for selection during surges */
	unsigned int select_min;	/* errors needed before it counts */
	double select_margin;		/* switch when better by this share */
	double level;			/* interval coverage, e.g. 0.90 */
	double aci_rate;		/* calibration step (log scale) */
	bool nonneg;			/* values are >= 0: clamp forecasts */
	/* Anomaly band (Brutlag). */
	double anom_gamma;		/* deviation smoothing */
	double anom_delta;		/* band half-width in deviations */
	unsigned int anom_need, anom_window;	/* need N out of last W */
	unsigned int anom_warmup;	/* steps before the band may fire */
	double anom_floor;		/* least band half-width (series unit) */
};

/* One forecast: mean and the calibrated interval at the series' level. */
struct fc_point {
	double mean;
	double sd;	/* calibrated standard deviation of the error */
	double lo, hi;	/* interval at params.level */
};

/* What the anomaly band saw at the last update. */
struct fc_anomaly {
	bool active;		/* need of the last window points above */
	bool surge;		/* the last point was above the band */
	bool drop;		/* the last point was below the band */
	double severity;	/* excess over the band in band widths, 0..5 */
	double expected;	/* one-step forecast the point was checked on */
	double upper, lower;	/* the band */
};

/* Per model and tracked horizon, for `veer predict show` and the bench. */
struct fc_model_stats {
	bool ready;
	double mae[FC_NHORIZ], rmse[FC_NHORIZ];
	uint64_t n[FC_NHORIZ];
};

struct fc_series;

void fc_params_default(struct fc_params *p);
/* 0, or -EINVAL with *why set to a static message. */
int fc_params_check(const struct fc_params *p, const char **why);

struct fc_series *fc_series_new(const struct fc_params *p);
void fc_series_free(struct fc_series *s);
void fc_series_reset(struct fc_series *s);

/*
 * Feed the next value.  Returns 0, or -EINVAL for NaN/inf/out-of-range
 * values, which leave the series untouched.
 */
int fc_update(struct fc_series *s, double y);

/* Forecast h >= 1 steps ahead with the selected model. */
int fc_forecast(const struct fc_series *s, unsigned int h,
		struct fc_point *out);
/* Same with a given model (bench, tests); -EAGAIN when not ready. */
int fc_forecast_model(const struct fc_series *s, enum fc_model m,
		      unsigned int h, struct fc_point *out);
/* P(y[t+h] > thresh) under the calibrated normal error. */
double fc_prob_above(const struct fc_point *f, double thresh);

/*
 * The chance that some value within the next `horizon` steps exceeds
 * thresh, from the forecasts on a sparse, roughly geometric grid of
 * horizons (1 2 3 4 6 8 12 16 24 ... horizon): the level error common to
 * all horizons and the step-to-step noise, independent beyond the span of
 * the errors' autocorrelation (see forecast.c).  Also the largest marginal
 * P(y[t+h] > thresh) and where, and the highest mean and upper interval
 * bound over the grid.
 */
struct fc_breach {
	double prob;		/* P(any exceedance within the horizon) */
	double prob_max;	/* max over h of P(y[t+h] > thresh) */
	unsigned int at;	/* steps ahead of prob_max */
	double peak_hi;		/* max of the upper bounds */
	double peak_mean;	/* max of the means */
};
int fc_breach(const struct fc_series *s, unsigned int horizon,
	      double thresh, struct fc_breach *out);
/*
 * The p-quantile of the maximum over the next `horizon` steps, under the
 * same model as fc_breach(): P(max > *q) = 1 - p.  What a shift must fit
 * under the threshold (policy_pred_severity).
 */
int fc_max_quantile(const struct fc_series *s, unsigned int horizon,
		    double p, double *q);

enum fc_model fc_selected(const struct fc_series *s);
unsigned int fc_switches(const struct fc_series *s);
uint64_t fc_count(const struct fc_series *s);
double fc_last(const struct fc_series *s);
const struct fc_anomaly *fc_anomaly(const struct fc_series *s);
/* Change the anomaly band's floor (params.anom_floor) of a live series,
 * e.g. as a share of a threshold that moves; -EINVAL when out of range. */
int fc_set_anomaly_floor(struct fc_series *s, double floor);
void fc_model_stats(const struct fc_series *s, enum fc_model m,
		    struct fc_model_stats *out);
/* Coverage of the published intervals so far at tracked horizon k. */
double fc_coverage(const struct fc_series *s, unsigned int k,
		   uint64_t *checked);
/* Current calibration factor (z actually used) at tracked horizon k. */
double fc_calib_z(const struct fc_series *s, unsigned int k);
const struct fc_params *fc_series_params(const struct fc_series *s);
/* AR coefficients of the last fit (tests); returns the order used. */
unsigned int fc_ar_coef(const struct fc_series *s, double *phi,
			unsigned int max);
const char *fc_model_name(enum fc_model m);
/* -1 when unknown. */
int fc_model_parse(const char *name);
/* Bytes one series of these parameters needs (sizing, docs). */
size_t fc_series_size(const struct fc_params *p);

/* Standard normal helpers (also used by policy and the bench). */
double fc_norm_cdf(double x);
double fc_norm_quantile(double p);

#endif /* VEERD_FORECAST_H */
