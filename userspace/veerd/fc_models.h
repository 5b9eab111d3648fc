/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fc_models.h: the individual forecasting models behind forecast.c.
 *
 * Internal to veerd's forecasting library.  Each model has an update
 * function fed one value per step, a point forecast h steps ahead, and the
 * shape of its h-step error variance relative to the one-step variance
 * (used only to extrapolate measured errors beyond the tracked horizons).
 */
#ifndef VEERD_FC_MODELS_H
#define VEERD_FC_MODELS_H

#include <stdbool.h>
#include <stdint.h>

#include "forecast.h"

struct fc_ewma {
	double alpha;
	double level;
	bool init;
};

struct fc_holt {
	double alpha, beta, phi;
	double level, trend;
	bool init;
	/* phi + ... + phi^h at the tracked horizons (pow() is slow). */
	double damp[FC_NHORIZ];
	const unsigned int *horizons;
};

struct fc_hw {
	double alpha, beta, gamma;
	unsigned int period;
	double level, trend;
	double *season;		/* [period], by phase t % period */
	uint64_t t;		/* values seen */
	double warm_sum;	/* sum of the first season */
};

struct fc_ar {
	unsigned int order, window, refit;
	/*
	 * [2 * window]: every value is written at i and i + window so that
	 * the window is always one contiguous run, buf + start.
	 */
	double *buf;
	unsigned int head;	/* next write position */
	unsigned int count;	/* values in buf (<= window) */
	unsigned int since_fit;
	bool fitted;
	unsigned int p;		/* order of the last fit (<= order) */
	double mean;
	double phi[FC_AR_MAX];
	double sigma2;		/* innovation variance of the fit */
	/* Forecast weights at the tracked horizons: [FC_NHORIZ][FC_AR_MAX]. */
	double w[FC_NHORIZ][FC_AR_MAX];
	const unsigned int *horizons;
};

void fc_ewma_init(struct fc_ewma *m, double alpha);
void fc_ewma_update(struct fc_ewma *m, double y);
double fc_ewma_forecast(const struct fc_ewma *m);
double fc_ewma_var_ratio(const struct fc_ewma *m, unsigned int h);

void fc_holt_init(struct fc_holt *m, double alpha, double beta, double phi,
		  const unsigned int *horizons);
void fc_holt_update(struct fc_holt *m, double y);
double fc_holt_forecast(const struct fc_holt *m, unsigned int h);
double fc_holt_forecast_tracked(const struct fc_holt *m, unsigned int k);
double fc_holt_var_ratio(double alpha, double beta, unsigned int h);

void fc_hw_init(struct fc_hw *m, double alpha, double beta, double gamma,
		unsigned int period, double *season);
void fc_hw_update(struct fc_hw *m, double y);
bool fc_hw_ready(const struct fc_hw *m);
double fc_hw_forecast(const struct fc_hw *m, unsigned int h);
double fc_hw_var_ratio(const struct fc_hw *m, unsigned int h);

void fc_ar_init(struct fc_ar *m, unsigned int order, unsigned int window,
		unsigned int refit, double *buf, const unsigned int *horizons);
void fc_ar_update(struct fc_ar *m, double y);
bool fc_ar_ready(const struct fc_ar *m);
/* k: tracked horizon index, fast path used on every update. */
double fc_ar_forecast_tracked(const struct fc_ar *m, unsigned int k);
/* Any horizon: runs the recursion, O(p * h). */
double fc_ar_forecast(const struct fc_ar *m, unsigned int h);
double fc_ar_var_ratio(const struct fc_ar *m, unsigned int h);
/* Refit now (also called every `refit` updates). */
void fc_ar_fit(struct fc_ar *m);

/*
 * Levinson-Durbin: AR coefficients phi[0..p-1] from autocovariances
 * c[0..p].  Returns the order actually usable (lower when the recursion
 * meets a non-positive prediction error) and the innovation variance.
 */
unsigned int fc_levinson(const double *c, unsigned int p, double *phi,
			 double *sigma2);

#endif /* VEERD_FC_MODELS_H */
